"""The lossless round trip: source table → graph → export-table → the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.cli import main
from converter.reader import HEADER_LINE


def _data_rows(path: Path) -> list[str]:
    """Data rows of the source by a route independent of the reader: lines with 6 tabs, not the header."""
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.count("\t") == 6 and line != HEADER_LINE]


@pytest.mark.parametrize("fmt", ["turtle", "nq"])
def test_export_reproduces_every_data_row_byte_for_byte(source_path, tmp_path, fmt):
    graph = tmp_path / f"graph.{'ttl' if fmt == 'turtle' else fmt}"
    exported = tmp_path / "table.tsv"
    assert main(["convert", str(source_path), "--format", fmt, "-o", str(graph)]) == 0
    assert main(["export-table", str(graph), "-o", str(exported)]) == 0
    lines = exported.read_text(encoding="utf-8").split("\n")
    assert lines[0] == HEADER_LINE
    expected = _data_rows(source_path)
    assert len(expected) == 1 + 17 + 258
    assert lines[1:-1] == expected
    assert lines[-1] == ""


def test_a_row_that_cannot_be_rebuilt_is_exported_as_written(tmp_path):
    """A row whose amount is not a number keeps its raw line; export writes it back unchanged."""
    source = tmp_path / "odd.txt"
    rows = ["合计\t1,2x3.00\t1.00\t\t\t\t", "广州市某局\t1.00\t1.00\t\t\t\t"]
    source.write_text(
        "广州市某局2025年项目支出绩效目标表\n部门名称：广州市某局\n单位：万元\n" + HEADER_LINE + "\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    graph, exported = tmp_path / "g.ttl", tmp_path / "t.tsv"
    assert main(["convert", str(source), "-o", str(graph)]) == 3  # an amount was skipped
    assert main(["export-table", str(graph), "-o", str(exported)]) == 0
    assert exported.read_text(encoding="utf-8").split("\n")[1:3] == rows
