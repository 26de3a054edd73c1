"""Answers for spreadsheets: ``.xlsx`` workbooks and CSV that Excel opens as it should.

An answer is shown to people the same way in every spreadsheet form
(:func:`people_columns`): the headers of the query's contract in Chinese or
English (``# column ?unitName [预算单位 | Budget unit]: …``), the label
columns first and the IRI columns after them, amounts as numbers with two
decimals.

* :func:`xlsx` writes a workbook, one sheet per query (with a contents sheet
  first when there are several): amounts are number cells formatted
  ``#,##0.00``, counts and years numbers, true/false Boolean cells, text
  inline strings; the header row is bold, frozen and filtered. An empty
  answer's sheet says so in its first row. Written without a library, the
  same answers give the same bytes (fixed ZIP times, no time stamps in the
  document properties).
* :func:`excel_csv` writes CSV for Excel: **UTF-8 with a byte-order mark**,
  CRLF, RFC 4180 quoting. Excel decodes a CSV without a BOM in the Windows
  code page (GBK on Chinese Windows: 广州市 becomes 甯傚…); with the BOM
  every Excel since 2007, LibreOffice, Numbers, WPS and pandas read it as
  UTF-8. Amounts are written ``33434.40`` (two decimals, no thousands
  separator: any locale parses it as a number). ``perfkg query --format csv``
  stays the W3C SPARQL 1.1 CSV results format, without BOM (a program's
  ``csv`` module would take the BOM as part of the first header), with
  variable names as headers. A text cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is written with a leading ``'``: Excel
  would run it as a formula (``=HYPERLINK(…)`` from a document is CSV
  injection, OWASP's advice), or show ``#NAME?`` for ``-无``; numbers are
  never prefixed, so ``-5.00`` stays a number.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from .catalog import Column, SavedQuery
from .query import Result, Term
from .text import column_letters

LANGS = ("zh", "en")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    _XSD + t
    for t in (
        "integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
        "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
_YEAR = re.compile(r"^\d{4}$")
_CENT = Decimal("0.01")

#: Excel's limits: characters in a cell, rows in a sheet, characters in a sheet name.
MAX_CELL, MAX_ROWS, MAX_SHEET_NAME = 32767, 1_048_576, 31

_TEXT = {
    "zh": {"contents": "目录", "sheet": "工作表", "query": "查询", "title": "标题", "question": "问题", "params": "参数",
           "rows": "行数", "empty": "（无结果：本查询没有返回任何行）"},
    "en": {"contents": "Contents", "sheet": "Sheet", "query": "Query", "title": "Title", "question": "Question",
           "params": "Parameters", "rows": "Rows", "empty": "(no rows: the query returned nothing)"},
}  # fmt: skip


@dataclass
class Answer:
    """One saved query's answer and the parameter values it was asked with."""

    query: SavedQuery
    result: Result
    params: dict[str, str] = field(default_factory=dict)
    _people: list[list[Cell | None]] | None = field(default=None, init=False, repr=False, compare=False)

    def people(self) -> list[list[Cell | None]]:
        """:func:`people_rows` of the answer, made once (the CSV for Excel and the workbook both write them)."""
        if self._people is None:
            self._people = people_rows(self.query, self.result)
        return self._people


@dataclass(frozen=True)
class Cell:
    """A value for a spreadsheet: ``kind`` n (number, ``text`` its lexical form), b (Boolean), s (text)."""

    kind: str
    text: str
    money: bool = False


# -- the view for people --------------------------------------------------------


def _column(query: SavedQuery, result: Result, index: int) -> Column:
    return query.column(result.variables[index])


def _is_iri(column: Column, result: Result, index: int) -> bool:
    """An IRI column: so declared by the contract, or (a query without one) holding only IRIs."""
    if column.zh or column.doc:
        return column.is_iri
    values = [row[index] for row in result.rows if row[index] is not None]
    return bool(values) and all(t.type == "uri" for t in values)


def people_columns(query: SavedQuery, result: Result) -> list[int]:
    """The result's column indexes in the order people read them: labels and values first, IRIs last."""
    indexes = range(len(result.variables))
    iri = [i for i in indexes if _is_iri(_column(query, result, i), result, i)]
    return [i for i in indexes if i not in iri] + iri


def headers(query: SavedQuery, result: Result, lang: str) -> list[str]:
    return [_column(query, result, i).header(lang) for i in people_columns(query, result)]


def cell(term: Term | None, column: Column) -> Cell | None:
    """The spreadsheet value of one result term (None for an unbound one)."""
    if term is None:
        return None
    if term.type == "literal" and term.datatype in _NUMBERS:
        try:
            number = Decimal(term.value)
        except InvalidOperation:
            return Cell("s", term.value)
        if number.is_finite():
            if column.is_money and number == number.quantize(_CENT):
                return Cell("n", f"{number.quantize(_CENT):f}", money=True)
            return Cell("n", f"{number:f}" if term.datatype == _XSD + "decimal" else term.value, money=column.is_money)
    if term.type == "literal" and term.datatype == _XSD + "gYear" and _YEAR.match(term.value):
        return Cell("n", term.value)
    if term.type == "literal" and term.datatype == _XSD + "boolean" and term.value in ("true", "false", "1", "0"):
        return Cell("b", "1" if term.value in ("true", "1") else "0")
    if term.type == "bnode":
        return Cell("s", f"_:{term.value}")
    return Cell("s", term.value)


def people_rows(query: SavedQuery, result: Result) -> list[list[Cell | None]]:
    order = people_columns(query, result)
    columns = [_column(query, result, i) for i in order]
    return [[cell(row[i], c) for i, c in zip(order, columns)] for row in result.rows]


def relabelled(query: SavedQuery, result: Result, lang: str) -> Result:
    """The result with people's headers and column order, amounts printed ``33,434.40`` (terminal table, Markdown)."""
    order = people_columns(query, result)
    money = [_column(query, result, i).is_money for i in order]

    def shown(term: Term | None, is_money: bool) -> Term | None:
        value = cell(term, Column("", "", "（万元）")) if is_money else None
        if value is None or value.kind != "n":
            return term
        return Term("literal", _display(value))

    rows = [tuple(shown(row[i], m) for i, m in zip(order, money)) for row in result.rows]
    return Result(headers(query, result, lang), rows)


# -- CSV for Excel ------------------------------------------------------------------


def excel_csv(answer: Answer, lang: str = "zh") -> bytes:
    """UTF-8 with BOM, CRLF, the people's headers and order (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(answer.query, answer.result, lang))
    for row in answer.people():
        writer.writerow([_csv_text(c) for c in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


#: What makes Excel read a CSV cell as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: Cell | None) -> str:
    """A cell's CSV text: numbers as they are, Booleans as Excel spells them, text never as a formula."""
    if value is None:
        return ""
    if value.kind == "b":
        return "TRUE" if value.text == "1" else "FALSE"
    if value.kind == "s" and value.text.startswith(_FORMULA_START):
        return "'" + value.text
    return value.text


# -- xlsx ---------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: Cell styles (indexes into styles.xml's cellXfs).
_PLAIN, _MONEY, _BOLD, _NOTE = 0, 1, 2, 3

_STYLES = f"""{_HEAD}<styleSheet xmlns="{_MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0.00"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><i/><sz val="11"/><color rgb="FF666666"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""


def _ref(column: int, row: int) -> str:
    """``A1``-style reference of a 0-based column and 1-based row."""
    return f"{column_letters(column)}{row}"


def _text(value: str) -> str:
    value = _ILLEGAL.sub("", value)[:MAX_CELL]
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return f"<t{space}>{escape(value)}</t>"


def _xml_cell(ref: str, value: Cell | str | None, style: int = _PLAIN) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = Cell("s", value)
    s = f' s="{_MONEY}"' if value.money and value.kind == "n" else (f' s="{style}"' if style else "")
    if value.kind == "n":
        return f'<c r="{ref}"{s}><v>{value.text}</v></c>'
    if value.kind == "b":
        return f'<c r="{ref}"{s} t="b"><v>{value.text}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(value.text)}</is></c>'


def _width(text: str) -> int:
    if text.isascii():
        return len(text)  # no wide character
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _display(value: Cell | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.kind == "n" and value.money:
        return f"{Decimal(value.text):,.2f}"
    return value.text


@dataclass
class _Sheet:
    name: str
    header: list[str]
    rows: list[list[Cell | str | None]]
    note: str = ""  # shown in italics under the header when there are no rows
    links: dict[str, str] = field(default_factory=dict)  # cell reference → sheet it links to


def _sheet_xml(sheet: _Sheet, selected: bool) -> str:
    if len(sheet.rows) + 2 > MAX_ROWS:
        raise ValueError(f"{sheet.name}: {len(sheet.rows):,} rows do not fit in a spreadsheet (at most {MAX_ROWS - 2:,})")
    width = max(len(sheet.header), 1)
    widths = [_width(h) + 2 for h in sheet.header]
    for row in sheet.rows[:2000]:  # enough to size the columns
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _width(_display(value)) + 2)
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(max(w, 8), 60)}" customWidth="1"/>' for i, w in enumerate(widths))
    lines = ['<row r="1">' + "".join(_xml_cell(_ref(i, 1), h, _BOLD) for i, h in enumerate(sheet.header)) + "</row>"]
    for r, row in enumerate(sheet.rows, start=2):
        lines.append(f'<row r="{r}">' + "".join(_xml_cell(_ref(i, r), v) for i, v in enumerate(row)) + "</row>")
    if not sheet.rows and sheet.note:
        lines.append(f'<row r="2">{_xml_cell("A2", sheet.note, _NOTE)}</row>')
    last = _ref(width - 1, max(len(sheet.rows) + 1, 1))
    tab = ' tabSelected="1"' if selected else ""
    links = "".join(
        f'<hyperlink ref="{ref}" location="{escape(_quoted(target))}!A1" display="{escape(target)}"/>'
        for ref, target in sheet.links.items()
    )
    return (
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0"{tab}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
        f'<sheetData>{"".join(lines)}</sheetData>'
        + (f'<autoFilter ref="A1:{last}"/>' if sheet.rows else "")
        + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
        + "</worksheet>"
    )


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def sheet_name(text: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (no ``[]:*?/\\``, at most 31 characters), unique in ``taken``."""
    name = re.sub(r"[\[\]:*?/\\]", "-", text).strip("'") or "sheet"
    name = name[:MAX_SHEET_NAME]
    candidate, n = name, 1
    while candidate.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f"~{n}"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def _answer_sheet(answer: Answer, name: str, lang: str) -> _Sheet:
    rows: list[list[Cell | str | None]] = list(answer.people())
    return _Sheet(name, headers(answer.query, answer.result, lang), rows, note=_TEXT[lang]["empty"])


def _params_text(answer: Answer) -> str:
    """The parameter values the answer was asked with: those given, else the defaults."""
    values = {p.name: p.default for p in answer.query.params if p.default is not None}
    values.update(answer.params)
    return "; ".join(f"{k}={v}" for k, v in values.items())


def xlsx(answers: Sequence[Answer], lang: str = "zh") -> bytes:
    """A workbook of the answers: one sheet each, after a contents sheet when there are several."""
    if lang not in LANGS:
        raise ValueError(f"--lang takes one of {', '.join(LANGS)} (found {lang!r})")
    text = _TEXT[lang]
    taken: set[str] = set()
    sheets: list[_Sheet] = []
    contents = None
    # In Chinese the sheet's name is the query's title; in English it is the query's name, the title beside it.
    titled = lang == "en"
    if len(answers) > 1:
        header = [text["sheet"], text["query"]] + ([text["title"]] if titled else []) + [text["question"], text["params"], text["rows"]]
        contents = _Sheet(sheet_name(text["contents"], taken), header, [])
        sheets.append(contents)
    for answer in answers:
        q = answer.query
        name = sheet_name((q.title_zh if lang == "zh" else "") or q.name, taken)
        sheets.append(_answer_sheet(answer, name, lang))
        if contents is not None:
            row = len(contents.rows) + 2
            contents.rows.append([name, q.name] + ([q.titled(lang)] if titled else [])
                                 + [q.question(lang), _params_text(answer), Cell("n", str(len(answer.result.rows)))])  # fmt: skip
            contents.links[_ref(0, row)] = name
    return _package(sheets)


def _filter_names(sheets: list[_Sheet]) -> str:
    """The hidden names Excel keeps for each sheet's filter range."""
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quoted(s.name))}!$A$1:${column_letters(len(s.header) - 1)}${len(s.rows) + 1}</definedName>"
        for i, s in enumerate(sheets)
        if s.rows
    )
    return f"<definedNames>{names}</definedNames>" if names else ""


def _package(sheets: list[_Sheet]) -> bytes:
    n = len(sheets)
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{types}</Types>"
        ),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            + "".join(f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1))
            + "</sheets>"
            + _filter_names(sheets)
            + "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }
    for i, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet, selected=i == 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, content.encode("utf-8"))
    return out.getvalue()
