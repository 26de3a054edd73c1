"""``perfkg build`` writes each answer as its rows come, holding none whole (issue 15), with the bytes of the answers held.

The reference is the old path: every saved query's Result held in memory and
written with :func:`converter.query.write_csv`, :func:`converter.sheets.excel_csv`
and :func:`converter.sheets.xlsx`; and, for the workbook's packaging, every
part of answers.xlsx deflated in one piece (``ZipFile.writestr``), as the
workbook was written before its sheets were spooled.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from converter import catalog, pipeline, query, report, sheets
from converter.cli import main


@pytest.fixture(scope="module")
def built(source_path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("answers")
    assert main(["build", str(source_path), "--out", str(root / "out"), "--store", str(root / "store")]) == 0
    return root


@pytest.fixture(scope="module")
def held(built) -> list[sheets.Answer]:
    """Every offline saved query's answer on the build's store, held whole."""
    backend = query.store_backend(built / "store")
    return [sheets.Answer(s, backend.select(catalog.bind(s))) for s in catalog.catalogue() if "SERVICE" not in s.text.upper()]


def test_every_answer_file_has_the_bytes_of_the_answer_held(built, held):
    out = built / "out"
    assert len(held) == 24
    assert {a.query.name: len(a.result.rows) for a in held}["indicators"] == 1254  # the bundled table's indicators
    for answer in held:
        name = answer.query.name
        assert (out / "queries" / f"{name}.csv").read_bytes() == query.write_csv(answer.result).encode("utf-8"), name
        assert (out / "answers" / f"{name}.csv").read_bytes() == sheets.excel_csv(answer), name


def test_answers_xlsx_is_the_workbook_of_the_answers_held(built, held):
    assert (built / "out" / "answers.xlsx").read_bytes() == sheets.xlsx(held)


def test_the_workbook_is_the_one_its_parts_deflated_whole_give(built, held):
    """Sheets deflated a piece at a time give the bytes of each part deflated in one call (the old packaging)."""
    data = (built / "out" / "answers.xlsx").read_bytes()
    book = zipfile.ZipFile(io.BytesIO(data))
    names = [i.filename for i in book.infolist()]
    assert names[:5] == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]
    assert names[5:] == [f"xl/worksheets/sheet{i}.xml" for i in range(1, 26)]  # the contents sheet and 24 answers
    at = [a.query.name for a in held].index("indicators") + 2  # after the contents sheet, numbered from 1
    indicators = book.read(f"xl/worksheets/sheet{at}.xml").decode("utf-8")
    assert indicators.count("<row ") == 1255 and '<dimension ref="A1:L1255"/>' in indicators
    whole = io.BytesIO()
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as package:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, book.read(name))
    assert whole.getvalue() == data


def test_the_report_takes_the_rows_the_build_kept_as_it_takes_results(built, held):
    by_text = {catalog.bind(a.query): a.result for a in held}
    kept = {t: report._rows(r) for t, r in by_text.items() if t in report.asked()}
    assert len(kept) == 8  # the report's 9 queries but top-projects-by-amount, asked with another limit
    backend = query.store_backend(built / "store")
    assert report.ask(backend, known=kept) == report.ask(backend, known=by_text) == report.ask(backend)


def test_the_rows_kept_for_the_report_are_the_answers_written(built, held, tmp_path):
    """The build keeps the report's answers as named tuples: the cells of the CSV it wrote and of the answer held."""
    build = pipeline.BuildReport()
    kept = pipeline._answer_queries(built / "store", tmp_path / "queries", build, lambda _: None, keep=report.asked())
    by_text = {catalog.bind(a.query): a for a in held}
    assert sorted(by_text[t].query.name for t in kept) == sorted(set(report.QUERIES) - {"top-projects-by-amount"})
    for text, rows in kept.items():
        answer = by_text[text]
        name = answer.query.name
        with (tmp_path / "queries" / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
            header, *written = list(csv.reader(stream))
        assert len(rows) == len(written) == len(answer.result.rows) == build.answers[name] > 0, name
        assert all(type(row)._fields == tuple(header) == tuple(answer.result.variables) for row in rows), name
        assert [["" if v is None else v for v in row] for row in rows] == written, name  # SPARQL CSV: unbound is empty
        assert [tuple(row) for row in rows] == [tuple(None if t is None else t.value for t in r) for r in answer.result.rows], name
    first = kept[catalog.bind(catalog.load("indicators"))][0]  # the source's line 12: "1、3-满意度指标；31-服务对象满意度；就业扶持…"
    assert (first.projectName, first.line, first.sequence, first.level1, first.level2, first.indicatorName, first.annualTarget,
            first.statedTarget) == ("市就业补助资金（越秀区）", "12", "1", "3", "31", "就业扶持政策经办满意度", "90%", None)  # fmt: skip


def _long_answers(monkeypatch) -> bytes:
    """A workbook where a sheet holds 4 rows under its header (Excel's 1,048,575, made small): 9 units' money.

    The contents sheet's 4 lines fill its sheet exactly: no empty sheet after it."""
    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    units = catalog.load("funding-by-unit")
    result = query.Result(["unitName"], [(query.Term("literal", f"单位{i}"),) for i in range(1, 10)])
    empty = query.Result(["unitName"], [])
    return sheets.xlsx([sheets.Answer(units, result), sheets.Answer(catalog.load("indicators"), empty)])


def test_an_answer_longer_than_a_sheet_goes_on_in_further_sheets_each_with_the_header(monkeypatch):
    """At 1,000 tables ``indicators`` has 1,254,000 rows: the build used to stop at the workbook (issue 15)."""
    book = openpyxl.load_workbook(io.BytesIO(_long_answers(monkeypatch)))
    assert book.sheetnames == ["目录", "各预算单位资金", "各预算单位资金 (2)", "各预算单位资金 (3)", "全部绩效指标"]
    columns = [c.value for c in book["各预算单位资金"][1]]
    assert columns[0] == "预算单位"
    parts = [[r[0] for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames[1:4]]
    assert parts == [["预算单位", "单位1", "单位2", "单位3", "单位4"], ["预算单位", "单位5", "单位6", "单位7", "单位8"],
                     ["预算单位", "单位9"]]  # fmt: skip
    for name in book.sheetnames[1:4]:
        sheet = book[name]
        assert [c.value for c in sheet[1]] == columns and sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{sheets.column_letters(len(columns) - 1)}{sheet.max_row}", name
    assert book["全部绩效指标"]["A2"].value == "（无结果：本查询没有返回任何行）"


def test_the_contents_sheet_says_which_rows_each_sheet_holds(monkeypatch):
    contents = openpyxl.load_workbook(io.BytesIO(_long_answers(monkeypatch)))["目录"]
    rows = list(contents.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[-1]) for r in rows] == [
        ("各预算单位资金", "funding-by-unit", 4), ("各预算单位资金 (2)", "funding-by-unit", 4),
        ("各预算单位资金 (3)", "funding-by-unit", 1), ("全部绩效指标", "indicators", 0)]  # fmt: skip
    question = catalog.load("funding-by-unit").question("zh")
    assert [r[2] for r in rows[:3]] == [question + "（第 1–4 行，共 9 行）", question + "（第 5–8 行，共 9 行）",
                                        question + "（第 9–9 行，共 9 行）"]  # fmt: skip
    assert rows[3][2] == catalog.load("indicators").question("zh")  # one sheet: no rows said
    assert [contents.cell(row, 1).hyperlink.location for row in range(2, 6)] == [
        "'各预算单位资金'!A1", "'各预算单位资金 (2)'!A1", "'各预算单位资金 (3)'!A1", "'全部绩效指标'!A1"]  # fmt: skip


def test_a_continued_sheet_name_is_cut_to_31_characters_and_unique():
    taken = {"a" * 31}
    assert sheets.continued_name("a" * 31, 2, taken) == "a" * 27 + " (2)"
    assert sheets.continued_name("a" * 31, 2, taken) == "a" * 25 + " (2~2)"  # that one is taken
    assert len(taken) == 3


def test_the_build_writes_a_long_answer_on_several_sheets_and_says_so(built, monkeypatch, tmp_path):
    """The bundled table's 1,254 indicators, at 1,000 rows a sheet."""
    monkeypatch.setattr(sheets, "MAX_ROWS", 1001)
    said: list[str] = []
    build = pipeline.BuildReport()
    pipeline._answer_queries(built / "store", tmp_path / "queries", build, said.append)
    assert build.answers["indicators"] == 1254
    book = openpyxl.load_workbook(tmp_path / "answers.xlsx", read_only=True)
    first, rest = book["全部绩效指标"], book["全部绩效指标 (2)"]
    assert (first.max_row, rest.max_row) == (1001, 255)  # the header and 1,000 rows; the header and 254
    assert book.sheetnames.index("全部绩效指标 (2)") == book.sheetnames.index("全部绩效指标") + 1
    # the 1,001st indicator opens the second sheet: the CSV's row 1,001
    with (tmp_path / "answers" / "indicators.csv").open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    cells = next(rest.iter_rows(min_row=2, max_row=2, values_only=True))
    assert ["" if v is None else str(v) for v in cells] == lines[1001]
    assert [s for s in said if s.startswith("indicators: ")] == [
        f"indicators: 1,254 rows are more than an Excel sheet holds (1,000 under its header): answers.xlsx goes on in "
        f"sheets 全部绩效指标 (2); Excel opens only the first 1,001 lines of {tmp_path / 'answers' / 'indicators.csv'}, "
        f"{tmp_path / 'queries' / 'indicators.csv'} has them all"]  # fmt: skip


def test_a_build_stopped_while_the_workbook_is_written_leaves_the_last_whole_one(built, monkeypatch, tmp_path):
    """answers.xlsx is written through a temporary: at 1,000 tables a failure left 12 of 25 sheets behind."""
    (tmp_path / "answers.xlsx").write_bytes(b"the last whole workbook")

    def broken(_sheets, output):
        output.write(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sheets, "_package", broken)
    with pytest.raises(OSError, match="No space left"):
        pipeline._answer_queries(built / "store", tmp_path / "queries", pipeline.BuildReport(), lambda _: None)
    assert (tmp_path / "answers.xlsx").read_bytes() == b"the last whole workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers", "answers.xlsx", "queries"]  # no .part left
