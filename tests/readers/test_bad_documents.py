"""Documents perfkg cannot read, or reads with a warning: one line each, the place, the code; nothing written on refusal.

Fixtures: tests/data/forms/bad/ (made by tests/data/forms/make.py) and the
rebuilt excerpts; docs/errors.md lists each case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from converter.cli import main

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
LINE = re.compile(r"^perfkg: (?P<file>[^:]+):(?P<where>[^:]+): (?P<message>.+) \[(?P<code>[a-z-]+)\]$")

REFUSED = {
    "bad/cut-download.xlsx": ("byte 0", "damaged-zip"),
    "bad/encrypted.xlsx": ("document", "encrypted"),
    "bad/encrypted.pdf": ("document", "encrypted"),
    "bad/scanned.pdf": ("page 1", "no-text-layer"),
    "bad/word-97.doc": ("document", "legacy-word"),
    # not goals tables at all (bad/make_not_goals.py): an allocation table, a budget's narrative section
    "bad/shaoguan-allocation-2023.html": ("paragraph 1", "no-form"),
    "bad/jiangsu-budget-2018.pdf": ("page 1", "no-form"),
    # a blank template (guangxi-gxglmes-2021): no 项目名称 filled in, so no form converts
    "guangxi-gxglmes-2021.xlsx": ("Sheet1!A3", "no-form"),
    # 龙岩 2023 prints no 主管部门 and no 实施单位: perfkg will not make one up
    "longyan-2023.html": ("table 2, row 1, column 1", "no-form"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_in_one_line_and_nothing_written(name, tmp_path, capsys):
    out = tmp_path / "out.ttl"
    code = main(["convert", str(FORMS / name), "-o", str(out)])
    err = [line for line in capsys.readouterr().err.splitlines() if line]
    assert code == 2
    assert len(err) == 1, err
    m = LINE.match(err[0])
    assert m, err[0]
    assert (m["file"], m["where"], m["code"]) == (Path(name).name, *REFUSED[name])
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_two_header_rows_are_a_warning_naming_the_upper_row(tmp_path, capsys):
    out = tmp_path / "out.ttl"
    code = main(["convert", str(FORMS / "bad" / "two-header-rows.xlsx"), "--department", "六安市金安区体育局",
                 "--year", "2025", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0 and out.exists()
    assert "warning: two-header-rows.xlsx:绩效指标!A1: two header rows" in err and "[two-header-rows]" in err


def test_a_workbook_with_macros_is_read_and_the_macros_noted(tmp_path, capsys):
    out = tmp_path / "out.ttl"
    code = main(["convert", str(FORMS / "bad" / "macros.xlsm"), "-o", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert '"macros"' in text  # the note is in the graph as a pk:Anomaly on the table


def test_export_table_refuses_a_form_graph_instead_of_writing_half(tmp_path, capsys):
    graph = tmp_path / "forms.nq"
    assert main(["convert", str(FORMS / "liuan-jinan-2025.xlsx"), "--format", "nq", "-o", str(graph)]) == 0
    capsys.readouterr()
    assert main(["export-table", str(graph)]) == 2
    err = capsys.readouterr().err
    assert "came from forms or grids" in err and "/2025" in err


def test_layout_can_be_forced_and_a_wrong_one_says_what_it_found(tmp_path, capsys):
    out = tmp_path / "out.ttl"
    # the composed indicator sheet read as forms: no 项目名称 label, no form
    code = main(["convert", str(FORMS / "indicators-composed.csv"), "--layout", "form", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "[no-form]" in err and not out.exists()
    code = main(["convert", str(FORMS / "indicators-composed.csv"), "--layout", "indicator-rows",
                 "--department", "六安市金安区体育局", "--year", "2025", "-o", str(out)])
    assert code == 0 and "开展运动种类" in out.read_text(encoding="utf-8")
    assert main(["convert", str(FORMS / "indicators-composed.csv"), "--layout", "nonsense"]) == 2
