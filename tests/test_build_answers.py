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


def test_an_answer_too_long_for_a_sheet_is_refused(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 4)
    saved = catalog.load("funding-by-unit")
    result = query.Result(["unitName"], [(query.Term("literal", str(i)),) for i in range(3)])
    with pytest.raises(ValueError, match="3 rows do not fit"):
        sheets.xlsx([sheets.Answer(saved, result)])
