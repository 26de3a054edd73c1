"""Answers for spreadsheets (issue 17): ``.xlsx`` and CSV for Excel, headers in Chinese or English,
labels before IRIs, amounts as numbers, empty answers and unknown parameter values explained.

The workbooks are read back with openpyxl (a reader perfkg does not use to
write them), and their cells compared with ``tests/expected/*.csv``, the rows
worked out from the source text without perfkg (``tests/expected/derive.py``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from converter import catalog
from converter.cli import main
from converter.sheets import MAX_SHEET_NAME, sheet_name

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
EXPECTED = ROOT / "tests" / "expected"
PARAMS = {"anomalies": ["--param", "kind=full-width-colon"]}  # as in test_queries.py
CASES = sorted(p.stem for p in EXPECTED.glob("*.csv"))
DEPARTMENT = "广州市人力资源和社会保障局"  # after 部门名称： on line 2 of the source


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sheets") / "store"
    assert main(["load", str(SOURCE), "--store", str(path)]) == 0
    return path


def _expected(name: str) -> tuple[list[str], list[list[str]]]:
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    return rows[0], rows[1:]


def _same(value: object, text: str) -> bool:
    """A cell equals an expected text: numbers by value, the rest as text, empty as None."""
    if text == "":
        return value is None
    if isinstance(value, bool):
        return str(value).lower() == text.lower()
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) == Decimal(text)
    return value == text


@pytest.mark.parametrize("name", CASES)
def test_xlsx_answer_holds_the_rows_worked_out_from_the_source(store, tmp_path, name):
    out = tmp_path / "answer.xlsx"
    assert main(["query", name, "--store", str(store), "-o", str(out), *PARAMS.get(name, [])]) == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    saved = catalog.load(name)
    header, expected = _expected(name)
    rows = list(sheet.iter_rows(values_only=True))
    # Chinese headers from the query's contract
    headings = list(rows[0])
    index = [headings.index(saved.column(v).zh) for v in header]
    # labels before IRIs: every IRI column comes after every other one
    iri = [i for i, h in enumerate(headings) if "IRI" in h]
    assert not iri or min(iri) == len(headings) - len(iri)
    body = rows[1:] if expected else []
    assert len(body) == len(expected)
    for got, want in zip(body, expected):
        assert all(_same(got[i], text) for i, text in zip(index, want)), (got, want)
    # amounts are number cells formatted #,##0.00
    for v in header:
        if saved.column(v).zh.endswith("（万元）"):
            cells = [sheet.cell(row=r, column=headings.index(saved.column(v).zh) + 1) for r in range(2, len(body) + 2)]
            assert all(c.number_format == "#,##0.00" for c in cells if c.value is not None)
            assert all(isinstance(c.value, (int, float)) for c in cells if c.value is not None)


def test_funding_by_unit_amounts_as_printed_in_the_source(store, tmp_path):
    """Line 179 of the source, 广州市人力资源市场服务中心: 总计 2,709.62; its 11 projects sum to 2,709.63."""
    out = tmp_path / "f.xlsx"
    assert main(["query", "funding-by-unit", "--store", str(store), "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    row = next(r for r in rows[1:] if r[head.index("预算单位")] == "广州市人力资源市场服务中心")
    assert row[head.index("总计（万元）")] == 2709.62
    assert row[head.index("项目合计（万元）")] == pytest.approx(2709.63)
    assert row[head.index("差额（万元）")] == pytest.approx(-0.01)
    assert row[head.index("来源行")] == 179 and row[head.index("年度")] == 2024
    assert head[0] == "预算单位" and head[-1] == "预算单位行（IRI）"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:K{len(rows)}"


def test_excel_csv_has_a_bom_chinese_headers_and_two_decimal_amounts(store, capsys):
    assert main(["query", "top-projects-by-amount", "--store", str(store), "--format", "excel-csv", "--param", "limit=3"]) == 0
    data = capsys.readouterr().out.encode("utf-8")
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["项目名称", "预算单位", "年度", "总计（万元）", "来源行", "项目（IRI）"]
    # line 734 of the source prints 33,434.40 (Oxigraph keeps 33434.4)
    assert rows[3][:5] == ["博士和博士后人才创新发展项目", "广州市人事服务中心", "2024", "33434.40", "734"]
    assert rows[3][5].startswith("https://w3id.org/perfkg/id/table/")


@pytest.mark.parametrize("name", CASES)
def test_excel_csv_answer_holds_the_rows_worked_out_from_the_source(store, capsys, name):
    assert main(["query", name, "--store", str(store), "--format", "excel-csv", *PARAMS.get(name, [])]) == 0
    text = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    saved = catalog.load(name)
    header, expected = _expected(name)
    index = [rows[0].index(saved.column(v).zh) for v in header]
    assert len(rows) - 1 == len(expected)
    for got, want in zip(rows[1:], expected):
        for i, v, text in zip(index, header, want):
            if saved.column(v).is_money and text:
                assert got[i] == f"{Decimal(text):.2f}"  # two decimals, as the table prints them
            elif text and got[i] not in ("TRUE", "FALSE"):
                assert got[i] == text or Decimal(got[i]) == Decimal(text)
            else:
                assert got[i].lower() == text.lower()


def test_the_sparql_csv_stays_without_bom_and_with_variable_names(store, capsys):
    assert main(["query", "units-without-satisfaction-indicator", "--store", str(store), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("unit,unitName,year,line,projects\r\n")


def test_english_headers_and_title(store, tmp_path, capsys):
    out = tmp_path / "f.xlsx"
    assert main(["query", "funding-by-unit", "--store", str(store), "-o", str(out), "--lang", "en"]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["funding-by-unit"]
    assert [c.value for c in book.active[1]][:4] == ["Budget unit", "Year", "Source line", "Total (10k yuan)"]
    assert main(["query", "top-projects-by-amount", "--store", str(store), "--lang", "en", "--param", "limit=3"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:2] == ["Project", "Budget"]
    assert "33,434.40" in table[4]  # the terminal table for people prints amounts as the source does


def test_queries_lists_chinese_and_english_titles(capsys):
    assert main(["queries", "--lang", "zh"]) == 0
    listing = capsys.readouterr().out
    assert "funding-by-unit" in listing and "各预算单位资金" in listing and "Funding by budget unit" not in listing
    assert main(["queries"]) == 0
    assert "各预算单位资金 · Funding by budget unit" in capsys.readouterr().out


def test_an_empty_answer_says_so_in_the_sheet_and_on_stderr(store, tmp_path, capsys):
    out = tmp_path / "empty.xlsx"
    assert main(["query", "top-projects-by-amount", "--store", str(store), "-o", str(out), "--param", "department=广州市人社局"]) == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "（无结果：本查询没有返回任何行）"
    assert sheet.max_row == 2
    err = capsys.readouterr().err
    assert "the answer is empty (0 rows)" in err
    # the one department of the data is named, with the code of the message
    assert f"department=广州市人社局: no department has this name (the only one: {DEPARTMENT})" in err
    assert "[unknown-parameter-value]" in err


def test_an_unknown_indicator_names_the_nearest_ones(store, capsys):
    assert main(["query", "projects-sharing-indicator", "--store", str(store), "--param", "indicator=城镇新增就业人口"]) == 0
    err = capsys.readouterr().err
    # 城镇新增就业人数 is an indicator of the source (line 12's cell, test_queries' cost-per-output)
    assert "indicator=城镇新增就业人口: no indicator has this name (nearest: 城镇新增就业人数" in err
    assert main(["query", "anomalies", "--store", str(store), "--param", "severity=warn"]) == 0
    err = capsys.readouterr().err
    assert "severity=warn: no severity has this name (the data holds: warning, info)" in err


def test_a_known_value_with_no_rows_is_not_called_unknown(store, capsys):
    # the department named on line 2 exists; a limit of 0 leaves the answer empty all the same
    assert main(["query", "top-projects-by-amount", "--store", str(store), "--param", f"department={DEPARTMENT}", "--param", "limit=0"]) == 0
    err = capsys.readouterr().err
    assert "the answer is empty" in err and "unknown-parameter-value" not in err


def test_the_same_answers_give_the_same_bytes(store, tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        assert main(["query", "indicators", "--store", str(store), "-o", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_xlsx_to_a_terminal_is_refused(store, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["query", "indicators", "--store", str(store), "--format", "xlsx"]) == 2
    assert "-o ANSWER.xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_query_gets_a_valid_unique_sheet_name(lang):
    taken: set[str] = set()
    for q in catalog.catalogue():
        name = sheet_name((q.title_zh if lang == "zh" else "") or q.name, taken)
        assert len(name) <= MAX_SHEET_NAME and not set(name) & set("[]:*?/\\")
    assert len(taken) == len(catalog.names())


@pytest.mark.parametrize("name", catalog.names())
def test_every_column_of_the_contract_has_chinese_and_english_headers(name):
    saved = catalog.load(name)
    assert saved.title_zh
    assert saved.columns
    for column in saved.columns:
        assert column.zh and column.en, column
        if "万元" in column.doc:
            assert column.is_money, column  # an amount in 万元 is written as one


def test_a_users_query_without_prefixes_gets_them(tmp_path, store, capsys):
    mine = tmp_path / "mine.rq"
    mine.write_text("# my question\nSELECT (COUNT(?u) AS ?n) WHERE { ?u a pk:UnitBudget ; rdfs:label ?l }\n", encoding="utf-8")
    assert main(["query", str(mine), "--store", str(store), "--format", "csv"]) == 0
    # one unit budget per unit row of the source, as derive.py found them
    assert capsys.readouterr().out.splitlines() == ["n", str(len(_expected("funding-by-unit")[1]))]
    # the header comment stays first, so the query keeps its contract
    added = catalog.load(mine)
    assert added.text.startswith("# my question\nPREFIX pk: <https://w3id.org/perfkg/ontology#>\n")


def test_build_writes_a_workbook_with_a_sheet_per_query(tmp_path):
    assert main(["build", str(SOURCE), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store")]) == 0
    book = openpyxl.load_workbook(tmp_path / "out" / "answers.xlsx")
    answered = sorted(p.stem for p in (tmp_path / "out" / "queries").glob("*.csv"))
    titles = {q.name: q.title_zh for q in catalog.catalogue()}
    assert book.sheetnames == ["目录"] + [titles[n] for n in answered]
    contents = list(book["目录"].iter_rows(values_only=True))
    assert contents[0] == ("工作表", "查询", "问题", "参数", "行数")
    for row in contents[1:]:
        with (tmp_path / "out" / "queries" / f"{row[1]}.csv").open(encoding="utf-8", newline="") as stream:
            assert row[4] == len(list(csv.reader(stream))) - 1
    assert book["目录"]["A2"].hyperlink.location == f"'{contents[1][0]}'!A1"
    cost = next(r for r in contents if r[1] == "cost-per-output")
    assert cost[3] == "indicator=城镇新增就业人数"  # the default the answer was asked with
    people = (tmp_path / "out" / "answers" / "funding-by-unit.csv").read_bytes()
    assert people.startswith(b"\xef\xbb\xbf") and "预算单位".encode() in people[:40]


def test_excel_csv_never_writes_a_formula_but_keeps_negative_numbers():
    """A text cell Excel would run (``=HYPERLINK``, ``+1``, ``-无``, ``@SUM``) is quoted with ``'``; numbers are not."""
    from converter.query import Result, Term
    from converter.sheets import Answer, excel_csv

    saved = catalog.load("top-projects-by-amount")
    texts = ["=HYPERLINK(\"http://evil.example\",\"点击\")", "+1", "-无", "@SUM(A1)", "普通项目"]
    rows = [(Term("literal", t), None, None, Term("literal", "-5.5", "http://www.w3.org/2001/XMLSchema#decimal"))
            for t in texts]
    result = Result(["projectName", "unitName", "year", "amount"], rows)
    data = excel_csv(Answer(saved, result)).decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(data, newline="")))[1:]
    assert [r[0] for r in got] == ["'=HYPERLINK(\"http://evil.example\",\"点击\")", "'+1", "'-无", "'@SUM(A1)", "普通项目"]
    assert {r[3] for r in got} == {"-5.50"}  # an amount stays a number, two decimals, no quote


def _written(rows, variables, *, fast: bool) -> tuple[bytes, bytes]:
    """The CSV for Excel and the workbook of ``rows``, by :class:`PeopleRows` or cell by cell as before."""
    from converter import sheets

    saved = catalog.load("top-projects-by-amount")
    order = sheets.people_order(saved, variables)
    book = sheets.Workbook("zh")
    sheet = book.sheet(saved, sheets.people_headers(saved, variables, order, "zh"))
    excel_out = io.BytesIO()
    excel = sheets.ExcelCsv(excel_out, sheet.header)
    if fast:
        people = sheets.PeopleRows(saved, variables, order, excel, sheet)
        for row in rows:
            people.add(row)
    else:
        view = sheets.people_view(saved, variables, order)
        for row in rows:
            excel.add(view(row))
            sheet.add(view(row))
    excel.close()
    book.done(sheet)
    workbook = io.BytesIO()
    book.write(workbook)
    return excel_out.getvalue(), workbook.getvalue()


@pytest.mark.parametrize("most, trial, sized", [(50_000, 1_000, 2_000), (2, 1_000, 2_000), (50_000, 4, 2_000), (50_000, 1_000, 3)])
def test_rows_written_as_they_come_are_the_bytes_of_their_cells_written_one_by_one(monkeypatch, most, trial, sized):
    """PeopleRows (the build's writer, a distinct value worked out once per column) writes what the cells did."""
    from converter.query import Term
    from converter import sheets
    from converter.sheets import PeopleRows

    monkeypatch.setattr(PeopleRows, "MOST", most)  # 2: each column's memory starts again every few rows
    monkeypatch.setattr(PeopleRows, "TRIAL", trial)  # 4: the columns whose values did not repeat stop remembering
    monkeypatch.setattr(sheets, "_SIZED", sized)  # 3: the columns sized from the first three rows, both ways
    xsd = "http://www.w3.org/2001/XMLSchema#"
    unit, year = Term("literal", "广州市人力资源和社会保障局本级"), Term("literal", "2024", xsd + "gYear")
    rows = [
        (Term("literal", "=SUM(A1)"), unit, year, Term("literal", "1234.5", xsd + "decimal")),
        (Term("literal", " 前后有空格 "), unit, year, Term("literal", "-5.5", xsd + "decimal")),
        (Term("literal", "两行\n文字"), None, None, None),
        (Term("literal", "=SUM(A1)"), unit, year, Term("literal", "1234.5", xsd + "decimal")),
    ] * 3
    variables = ["projectName", "unitName", "year", "amount"]
    fast, slow = _written(rows, variables, fast=True), _written(rows, variables, fast=False)
    assert fast == slow
    lines = fast[0].decode("utf-8-sig").split("\r\n")
    # read by hand: a formula quoted, the year a number, the amount with two decimals
    assert lines[1] == "'=SUM(A1),广州市人力资源和社会保障局本级,2024,1234.50"
    assert lines[3] == '"两行\n文字",,,'
    with zipfile.ZipFile(io.BytesIO(fast[1])) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert '<row r="2"><c r="A2" t="inlineStr"><is><t>=SUM(A1)</t></is></c>' in xml
    assert '<c r="C2"><v>2024</v></c><c r="D2" s="1"><v>1234.50</v></c></row>' in xml
    assert '<c r="A3" t="inlineStr"><is><t xml:space="preserve"> 前后有空格 </t></is></c>' in xml
    assert '<row r="4"><c r="A4" t="inlineStr"><is><t xml:space="preserve">两行\n文字</t></is></c></row>' in xml
