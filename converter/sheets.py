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
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO
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
           "rows": "行数", "empty": "（无结果：本查询没有返回任何行）", "part": "（第 {first:,}–{last:,} 行，共 {total:,} 行）"},
    "en": {"contents": "Contents", "sheet": "Sheet", "query": "Query", "title": "Title", "question": "Question",
           "params": "Parameters", "rows": "Rows", "empty": "(no rows: the query returned nothing)",
           "part": " (rows {first:,}–{last:,} of {total:,})"},
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


def people_order(query: SavedQuery, variables: Sequence[str]) -> list[int] | None:
    """:func:`people_columns` from the contract alone; None when a column has none (its values decide)."""
    columns = [query.column(v) for v in variables]
    if not all(c.zh or c.doc for c in columns):
        return None
    iri = [i for i, c in enumerate(columns) if c.is_iri]
    return [i for i in range(len(columns)) if i not in iri] + iri


def people_view(query: SavedQuery, variables: Sequence[str], order: list[int]) -> Callable[[Sequence[Term | None]], list[Cell | None]]:
    """One result row → its cells for people, in ``order`` (what :func:`people_rows` makes of every row)."""
    columns = [(i, query.column(variables[i])) for i in order]
    return lambda row: [cell(row[i], c) for i, c in columns]


class PeopleRows:
    """An answer's rows written as they come into its CSV for Excel and its sheet, a distinct value made once.

    The bytes are those of ``excel.add(view(row))`` and ``sheet.add(view(row))`` with
    :func:`people_view`'s cells (tests/test_sheets.py). A listing repeats its values (a
    unit's name, a year, a category on each of 125,400 indicator rows): what one term
    becomes in a column (its CSV text, its cell's XML, its width) is worked out once per
    column, not once per row, which was a quarter of the build's query step (issue 15).
    """

    #: Distinct terms remembered per column; past it the column's memory starts again.
    MOST = 50_000
    #: Rows after which a column whose values rarely repeat (IRIs, names) stops remembering them.
    TRIAL = 1_000

    def __init__(self, query: SavedQuery, variables: Sequence[str], order: list[int], excel: "ExcelCsv", sheet: "_Sheet") -> None:
        self._columns: list[tuple[int, Column, dict | None]] = [(i, query.column(variables[i]), {}) for i in order]
        self._excel, self._sheet = excel, sheet
        self._rows = 0

    def add(self, row: Sequence[Term | None]) -> None:
        sized = self._rows < _SIZED
        forms = [(made.get(row[i]) or self._made(row[i], column, made)) if made is not None else _forms(cell(row[i], column), sized)
                 for i, column, made in self._columns]  # fmt: skip
        self._excel.add_texts([f[0] for f in forms])
        self._sheet.add_made(forms)
        self._rows += 1
        if self._rows == self.TRIAL:
            # a column where most values were new stays so: remembering them would only cost
            self._columns = [(i, c, None if made is None or 2 * len(made) > self.TRIAL else made) for i, c, made in self._columns]

    def _made(self, term: Term | None, column: Column, made: dict) -> tuple[str, str | None, int]:
        if len(made) >= self.MOST:
            made.clear()
        forms = made[term] = _forms(cell(term, column), self._rows < _SIZED)
        return forms


def _forms(value: Cell | None, sized: bool) -> tuple[str, str | None, int]:
    """A cell's CSV text, its XML after the reference (None: no cell) and, when ``sized``, its width as the writers make them.

    A sheet's columns are sized from its first rows only (:data:`_SIZED`): past them the width is not asked for (0).
    """
    return _csv_text(value), None if value is None else _cell_tail(value), _width(_display(value)) + 2 if sized else 0


def people_headers(query: SavedQuery, variables: Sequence[str], order: list[int], lang: str) -> list[str]:
    return [query.column(variables[i]).header(lang) for i in order]


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
    out = io.BytesIO()
    writer = ExcelCsv(out, headers(answer.query, answer.result, lang))
    for row in answer.people():
        writer.add(row)
    writer.close()
    return out.getvalue()


class ExcelCsv:
    """CSV for Excel written row by row into a binary stream: the bytes of :func:`excel_csv`."""

    def __init__(self, output: BinaryIO, header: list[str]) -> None:
        output.write(b"\xef\xbb\xbf")
        self._text = io.TextIOWrapper(output, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text, lineterminator="\r\n")
        self._writer.writerow(header)

    def add(self, row: Sequence[Cell | None]) -> None:
        self._writer.writerow([_csv_text(c) for c in row])

    def add_texts(self, texts: Sequence[str]) -> None:
        """A row of cells already made CSV text (:func:`_csv_text`)."""
        self._writer.writerow(texts)

    def close(self) -> None:
        """Flush the text into the stream and let the stream go (it stays open)."""
        self._text.flush()
        self._text.detach()


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
    return f'<c r="{ref}{_cell_tail(value, style)}'


def _cell_tail(value: Cell | str, style: int = _PLAIN) -> str:
    """A cell's XML after its reference (``"><v>1</v></c>``): the same for every row the value stands in."""
    if isinstance(value, str):
        value = Cell("s", value)
    s = f' s="{_MONEY}"' if value.money and value.kind == "n" else (f' s="{style}"' if style else "")
    if value.kind == "n":
        return f'"{s}><v>{value.text}</v></c>'
    if value.kind == "b":
        return f'"{s} t="b"><v>{value.text}</v></c>'
    return f'"{s} t="inlineStr"><is>{_text(value.text)}</is></c>'


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


#: Rows looked at to size a sheet's columns.
_SIZED = 2000


class _Sheet:
    """One answer's sheet: its header, then its rows written as XML into temporary files as they come.

    Nothing of a row is kept but the widths of the first :data:`_SIZED` rows
    (the columns are sized from them): a listing of 125,400 rows × 12 columns
    costs a few kilobytes of memory, not a Python object per cell (issue 15).
    An answer longer than a sheet (Excel stops at :data:`MAX_ROWS` rows, the
    header's included) goes on in further sheets, each with the header again:
    at 1,000 tables the ``indicators`` listing has 1,254,000 rows. :attr:`parts`
    counts the sheets; :attr:`names` holds their names once the workbook gave them.
    :meth:`chunks` gives one sheet's XML, its rows copied back from its file.
    """

    def __init__(self, name: str, header: list[str], note: str = "", query: SavedQuery | None = None,
                 params: dict[str, str] | None = None) -> None:  # fmt: skip
        self.name = name
        self.names = [name]  # the name of each part (continuation names come from the workbook)
        self.header = header
        self.note = note  # shown in italics under the header when there are no rows
        self.query, self.params = query, dict(params or {})  # the answer's query and the parameters given
        self.links: dict[str, str] = {}  # cell reference → sheet it links to (on the first part)
        self.rows = 0
        self.counts: list[int] = []  # the rows of each part
        self._widths = [_width(h) + 2 for h in header]
        self._letters = [column_letters(i) for i in range(len(header))]
        self._files: list[BinaryIO] = []

    @property
    def parts(self) -> int:
        """How many sheets the answer takes (an empty answer takes one, which says so)."""
        return max(len(self.counts), 1)

    def add(self, row: Sequence[Cell | str | None]) -> None:
        sized = self.rows < _SIZED  # enough to size the columns
        self.add_made([("", None if v is None else _cell_tail(v), _width(_display(v)) + 2 if sized else 0) for v in row])

    def add_made(self, forms: Sequence[tuple[str, str | None, int]]) -> None:
        """A row from each value's forms (:func:`_forms`: its XML after the reference, None for no cell, and its
        width, looked at for the first :data:`_SIZED` rows only)."""
        self.rows += 1
        if self.rows <= _SIZED:
            sized = self._widths
            for i, (_, _, width) in enumerate(forms):
                if width > sized[i]:
                    sized[i] = width
        if not self.counts or self.counts[-1] >= MAX_ROWS - 1:  # row 1 is the header
            self._files.append(tempfile.TemporaryFile())  # noqa: SIM115 - closed by close()
            self.counts.append(0)
        self.counts[-1] += 1
        r = str(self.counts[-1] + 1)
        cells = "".join(['<c r="' + letter + r + tail for letter, (_, tail, _) in zip(self._letters, forms) if tail is not None])
        self._files[-1].write(('<row r="' + r + '">' + cells + "</row>").encode("utf-8"))

    def part_rows(self, part: int) -> int:
        """The rows on sheet ``part`` (from 0) of the answer."""
        return self.counts[part] if self.counts else 0

    def chunks(self, selected: bool, part: int = 0) -> Iterator[bytes]:
        """Sheet ``part``'s XML in pieces (UTF-8)."""
        rows = self.part_rows(part)
        width = max(len(self.header), 1)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(max(w, 8), 60)}" customWidth="1"/>'
                       for i, w in enumerate(self._widths))  # fmt: skip
        last = _ref(width - 1, max(rows + 1, 1))
        tab = ' tabSelected="1"' if selected else ""
        yield (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView workbookViewId="0"{tab}><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            "<sheetData>" + '<row r="1">' + "".join(_xml_cell(_ref(i, 1), h, _BOLD) for i, h in enumerate(self.header)) + "</row>"
        ).encode("utf-8")
        if self._files:
            file = self._files[part]
            file.seek(0)
            while chunk := file.read(1 << 20):
                yield chunk
        links = "".join(
            f'<hyperlink ref="{ref}" location="{escape(_quoted(target))}!A1" display="{escape(target)}"/>'
            for ref, target in (self.links.items() if part == 0 else ())
        )
        yield (
            (f'<row r="2">{_xml_cell("A2", self.note, _NOTE)}</row>' if not self.rows and self.note else "")
            + "</sheetData>"
            + (f'<autoFilter ref="A1:{last}"/>' if rows else "")
            + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
            + "</worksheet>"
        ).encode("utf-8")

    def close(self) -> None:
        for file in self._files:
            file.close()


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


def continued_name(name: str, part: int, taken: set[str]) -> str:
    """The name of sheet ``part`` (from 2) of an answer whose first sheet is ``name``: ``全部绩效指标 (2)``, as
    Excel names a copied sheet, ``name`` cut to leave room for the number; ``(2~2)`` … if that is taken."""
    lowered = {t.lower() for t in taken}
    n = 1
    while True:
        suffix = f" ({part})" if n == 1 else f" ({part}~{n})"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
        if candidate.lower() not in lowered:
            taken.add(candidate)
            return candidate
        n += 1


def _params_text(query: SavedQuery, params: dict[str, str]) -> str:
    """The parameter values an answer was asked with: those given, else the defaults."""
    values = {p.name: p.default for p in query.params if p.default is not None}
    values.update(params)
    return "; ".join(f"{k}={v}" for k, v in values.items())


class Workbook:
    """A workbook written as the answers come: one sheet each, after a contents sheet when ``contents``.

    Each answer's rows go to its sheet's temporary file as they are handed
    over (:meth:`sheet`), so no answer is held whole; :meth:`write` puts the
    parts together at the end. :func:`xlsx` is this workbook for answers in hand:
    the same answers give the same bytes either way.
    """

    def __init__(self, lang: str = "zh", *, contents: bool = False) -> None:
        if lang not in LANGS:
            raise ValueError(f"--lang takes one of {', '.join(LANGS)} (found {lang!r})")
        self.lang = lang
        self._text = _TEXT[lang]
        self._taken: set[str] = set()
        self._sheets: list[_Sheet] = []
        self._contents: _Sheet | None = None
        # In Chinese the sheet's name is the query's title; in English it is the query's name, the title beside it.
        self._titled = lang == "en"
        if contents:
            text = self._text
            header = [text["sheet"], text["query"]] + ([text["title"]] if self._titled else []) + [text["question"], text["params"], text["rows"]]
            self._contents = _Sheet(sheet_name(text["contents"], self._taken), header)
            self._sheets.append(self._contents)

    def sheet(self, query: SavedQuery, headers: list[str], params: dict[str, str] | None = None) -> _Sheet:
        """A new sheet for one answer (its people's headers): hand it the answer's rows with ``add``, then :meth:`done`."""
        name = sheet_name((query.title_zh if self.lang == "zh" else "") or query.name, self._taken)
        sheet = _Sheet(name, headers, note=self._text["empty"], query=query, params=params)
        self._sheets.append(sheet)
        return sheet

    def done(self, sheet: _Sheet) -> None:
        """An answer's rows are all in: the names of the sheets it goes on to, and a line for each on the
        contents sheet, saying which of the answer's rows it holds when there are several."""
        self._name_parts(sheet)
        contents = self._contents
        if contents is None:
            return
        q = sheet.query
        assert q is not None
        question, first = q.question(self.lang), 1
        for part, name in enumerate(sheet.names):
            rows = sheet.part_rows(part)
            shown = question
            if sheet.parts > 1:
                shown += self._text["part"].format(first=first, last=first + rows - 1, total=sheet.rows)
            row = contents.rows + 2
            contents.add([name, q.name] + ([q.titled(self.lang)] if self._titled else [])
                         + [shown, _params_text(q, sheet.params), Cell("n", str(rows))])  # fmt: skip
            contents.links[_ref(0, row)] = name
            first += rows

    def discard(self, sheet: _Sheet) -> None:
        """Drop a sheet whose answer was not written to the end (its name is free again)."""
        if sheet in self._sheets:
            self._sheets.remove(sheet)
            self._taken.discard(sheet.name)
        sheet.close()

    def continued(self) -> list[_Sheet]:
        """The answers longer than a sheet, which go on in further sheets (:attr:`_Sheet.names`)."""
        return [sheet for sheet in self._sheets if sheet.parts > 1]

    def _name_parts(self, sheet: _Sheet) -> None:
        sheet.names += [continued_name(sheet.name, k, self._taken) for k in range(len(sheet.names) + 1, sheet.parts + 1)]

    def write(self, output: BinaryIO) -> None:
        """The workbook into a binary stream (seekable: the ZIP's headers are completed in place)."""
        try:
            for sheet in self._sheets:
                self._name_parts(sheet)  # an answer handed over without done()
            _package(self._sheets, output)
        finally:
            self.close()

    def close(self) -> None:
        """Let the sheets' temporary files go (:meth:`write` does, and so should a writer that gives up)."""
        for sheet in self._sheets:
            sheet.close()


def xlsx(answers: Sequence[Answer], lang: str = "zh") -> bytes:
    """A workbook of the answers: one sheet each, after a contents sheet when there are several."""
    book = Workbook(lang, contents=len(answers) > 1)
    for answer in answers:
        sheet = book.sheet(answer.query, headers(answer.query, answer.result, lang), answer.params)
        for row in answer.people():
            sheet.add(row)
        book.done(sheet)
    out = io.BytesIO()
    book.write(out)
    return out.getvalue()


def _filter_names(sheets: list[tuple[_Sheet, int]]) -> str:
    """The hidden names Excel keeps for each sheet's filter range."""
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quoted(s.names[part]))}!$A$1:${column_letters(len(s.header) - 1)}${s.part_rows(part) + 1}</definedName>"
        for i, (s, part) in enumerate(sheets)
        if s.part_rows(part)
    )
    return f"<definedNames>{names}</definedNames>" if names else ""


def _package(answers: list[_Sheet], output: BinaryIO) -> None:
    sheets = [(sheet, part) for sheet in answers for part in range(sheet.parts)]
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
            + "".join(f'<sheet name="{escape(s.names[part])}" sheetId="{i}" r:id="rId{i}"/>' for i, (s, part) in enumerate(sheets, 1))
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
    # Every part is deflated as it is written, a piece at a time: deflate gives the same bytes
    # however its input is cut, so a sheet is never held whole (tests/test_sheets.py compares).
    pieces: list[tuple[str, Iterable[bytes]]] = [(name, [content.encode("utf-8")]) for name, content in parts.items()]
    pieces += [(f"xl/worksheets/sheet{i}.xml", sheet.chunks(selected=i == 1, part=part)) for i, (sheet, part) in enumerate(sheets, 1)]
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for name, chunks in pieces:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with package.open(info, "w") as entry:
                for chunk in chunks:
                    entry.write(chunk)
