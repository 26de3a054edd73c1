"""Projects read from forms are in the saved queries' answers, not only those of the text table.

A form's project has its place as ``pk:sourceLocation`` (``项目支出绩效目标表3!B4``), not
``pk:sourceLine``; the queries once required the line and left every such project out, silently.
Figures read off ``shared/data/samples/hubei-wuhan-qingshan-jyj-2020-project-goals-3.txt`` (the
fixture's source, as in tests/readers/test_forms.py): one project, 资金总额 10000万元 from 财政拨款,
seven indicators in the order printed, one of them 满意度 (category 3) and two 效益 (category 2).
"""

from __future__ import annotations

import csv
import json
import io
from pathlib import Path

import pytest

from converter.cli import main

FORM = Path(__file__).resolve().parent / "data" / "forms" / "wuhan-qingshan-2020.xlsx"
PROJECT = "教育系统基础设施建设和设备购置"
UNIT = "武汉市青山区教育局"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("form-queries") / "store"
    assert main(["load", str(FORM), "--store", str(path), "-q"]) == 0
    return path


def _rows(capsys, store: Path, name: str) -> list[dict[str, str]]:
    assert main(["query", name, "--store", str(store), "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_the_form_project_is_among_the_projects_by_amount(store, capsys):
    [row] = _rows(capsys, store, "top-projects-by-amount")
    assert (row["projectName"], row["unitName"], row["year"], row["amount"], row["line"]) == (PROJECT, UNIT, "2020", "10000", "")


def test_its_seven_indicators_are_listed_in_printed_order(store, capsys):
    rows = _rows(capsys, store, "indicators")
    assert [(r["projectName"], r["sequence"], r["level1"], r["indicatorName"]) for r in rows] == [
        (PROJECT, "1", "1", "重点建设工程安排数量"), (PROJECT, "2", "1", "重点建设工程验收合格率"),
        (PROJECT, "3", "1", "建设项目成本"), (PROJECT, "4", "1", "重点建设工程按期完成率"),
        (PROJECT, "5", "2", "基础教育巩固提高情况"), (PROJECT, "6", "2", "基础教育学校办学条件"),
        (PROJECT, "7", "3", "学生、家长、社会满意度"),
    ]


def test_its_unit_is_counted_and_it_is_no_project_without_satisfaction(store, capsys):
    [unit] = _rows(capsys, store, "funding-by-unit")
    assert (unit["unitName"], unit["year"], unit["projectCount"]) == (UNIT, "2020", "1")
    assert _rows(capsys, store, "projects-without-satisfaction-indicator") == []
    assert _rows(capsys, store, "projects-without-outcome-indicator") == []


def test_the_report_says_the_form_units_money_apart_from_the_declared_totals(tmp_path, capsys):
    """A form prints no unit total: the headline sum of the units' totals cannot hold its money, so it is said beside.

    The bundled table's units all print a total (the sum over its 单位 rows is 746,104.11 万元, checked in
    tests/test_report.py against the expected rows); the 青山 form's one unit prints none, its project 10000万元.
    """
    source = Path(__file__).resolve().parent.parent / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
    out = tmp_path / "out"
    assert main(["build", str(source), str(FORM), "--out", str(out), "--store", str(tmp_path / "store")]) == 0
    said = capsys.readouterr().out
    assert ("746,104.11 万元 in the units' declared totals (and 1 unit(s) that print no total, "
            "whose projects' 总计 add up to 10,000.00 万元)") in said  # fmt: skip
    totals = json.loads((out / "report" / "index.json").read_text(encoding="utf-8"))["totals"]
    assert totals["undeclared"] == {"units": 1, "projectSum": "10000.00"}
    assert totals["declared"] == "746104.11"
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert '<div class="figure" id="figure-undeclared"><div class="value">10,000.00</div>' in page


def test_a_table_whose_units_all_print_a_total_has_no_such_figure(tmp_path, capsys):
    source = Path(__file__).resolve().parent.parent / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
    out = tmp_path / "out"
    assert main(["build", str(source), "--out", str(out), "--store", str(tmp_path / "store")]) == 0
    assert "print no total" not in capsys.readouterr().out
    assert "undeclared" not in json.loads((out / "report" / "index.json").read_text(encoding="utf-8"))["totals"]
    assert "figure-undeclared" not in (out / "report" / "index.html").read_text(encoding="utf-8")


def test_a_cut_forms_notes_are_among_the_anomalies(tmp_path, capsys):
    """The 金安 excerpt (``anhui-liuan-jinan-tiyuju-2025-project-goals.txt``) ends inside its second form: after
    ``项目名称 | 安徽省常规赛费用`` … ``一级指标 | 二级指标 | 三级指标 | 指标值`` comes one row, ``产出指标 | 数量指标``,
    and the excerpt stops. The reader notes both (a category row with no indicator; a form without indicators);
    a form's notes have a pk:sourceLocation, not a line, and the query once required the line and dropped them."""
    store = tmp_path / "store"
    assert main(["load", str(FORM.parent / "liuan-jinan-2025.pdf"), "--store", str(store), "-q"]) == 0
    capsys.readouterr()
    rows = _rows(capsys, store, "anomalies")
    [warning] = [r for r in rows if r["code"] == "form-without-indicators"]
    assert (warning["found"], warning["noteSeverity"], warning["line"]) == ("安徽省常规赛费用", "warning", "")
    about_it = sorted((r["code"], r["noteSeverity"]) for r in rows if r["resource"] == warning["resource"])
    assert about_it == [("category-only-row", "info"), ("form-without-indicators", "warning")]


def test_a_form_whose_sources_do_not_add_up_is_listed(tmp_path, capsys):
    """The 金安 form prints 年度资金总额 1000.00 = 其中:财政拨款 1000.00 + 其他资金 0.00; with 财政拨款 made 900.00
    the sources fall 100 万元 short. A form's project has no source line, and the query once required one."""
    html = (FORM.parent / "liuan-jinan-2025.html").read_text(encoding="utf-8")
    first = '<td colspan="2">其中:财政拨款</td><td colspan="2">1000.00</td>'
    assert html.count(first) == 1
    changed = tmp_path / "jinan-short.html"
    changed.write_text(html.replace(first, first.replace("1000.00", "900.00")), encoding="utf-8")
    store = tmp_path / "store"
    assert main(["load", str(changed), "--store", str(store), "-q"]) == 0
    capsys.readouterr()
    [row] = _rows(capsys, store, "rows-whose-sources-do-not-add-up")
    assert (row["kind"], row["year"], row["line"], row["total"], row["sourcesSum"], row["difference"]) == (
        "project", "2025", "", "1000", "900", "100")


def test_a_form_that_prints_no_total_is_not_called_short(tmp_path, capsys):
    # 广东 2021 prints 一般公共预算安排77300万元 and no 资金总额: no total to compare, so no row.
    store = tmp_path / "store"
    assert main(["load", str(FORM.parent / "guangdong-edu-fund-2021.xlsx"), "--store", str(store), "-q"]) == 0
    capsys.readouterr()
    assert main(["query", "rows-whose-sources-do-not-add-up", "--store", str(store), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["row,kind,name,year,line,total,sourcesSum,difference"]
