"""Read a 项目支出绩效目标表 text export into typed records.

The file is tab-separated, one page after another. Every page repeats::

    广州市人力资源和社会保障局2024年项目支出绩效目标表（含转移支付项目）
    部门名称：广州市人力资源和社会保障局
    单位：万元
    项目名称（资金使用单位）	总计	财政拨款	财政专户拨款	其他资金	绩效目标	绩效指标

followed by data rows of seven cells. A row named ``合计`` is the department's
total; a row with amounts but empty goal and indicator cells is a budget unit
(资金使用单位); any other row is a project of the unit above it. A new
``部门名称`` or a new year in the title starts another department's table, so one
file may hold many tables one after another.

Files from other offices are messier, and the reader never crashes on them
nor drops their text silently. Each deviation becomes a
:class:`~converter.records.Problem` with its line (the codes are listed in
:data:`PROBLEM_CODES` and in ``docs/errors.md``); a row that cannot be rebuilt
byte for byte from its fields keeps its raw line (``Row.canonical`` is False);
text that fits no row is kept whole in the problem's ``found``. Only input with
no table at all raises :class:`TableError`.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .encoding import _CONTROLS, _SIGNATURES, DecodeError, check_encoding, decode
from .indicators import parse_indicators
from .iris import name_key
from .money import UNITS, AmountError, parse_amount
from .records import FUNDING_SOURCES, Amounts, Department, Problem, Project, Row, Table, Unit

COLUMNS = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
HEADER_LINE = "\t".join(COLUMNS)
TOTAL_ROW_NAME = "合计"
AMOUNT_UNIT = "万元"

#: Every problem code the reader and its decoder report, with its severity
#: (``docs/errors.md`` explains each; a test keeps the two in step). Codes the
#: indicator parser reports are listed in :mod:`converter.indicators`.
PROBLEM_CODES: dict[str, str] = {
    "truncated-character": "warning",
    "invalid-bytes": "warning",
    "control-character": "warning",
    "unexpected-line": "warning",
    "missing-title": "warning",
    "amount-unit": "warning",
    "missing-header": "warning",
    "header-differs": "warning",
    "header-reordered": "info",
    "row-before-header": "error",
    "column-count": "warning",
    "tab-in-cell": "warning",
    "row-split": "warning",
    "truncated-row": "warning",  # "error" when the cut row had to be skipped
    "empty-name": "warning",
    "whitespace": "info",
    "bad-amount": "error",  # the value is not in the graph, only the raw row
    "negative-amount": "warning",
    "duplicate-row": "warning",
    "duplicate-total": "error",
    "duplicate-name": "warning",
    "project-before-unit": "error",
    "missing-total": "warning",
    "table-resumed": "warning",
    "name-variant": "warning",
    "empty-table": "warning",
}

#: The title in the spellings seen: "…2024年项目支出绩效目标表（含转移支付项目）",
#: "…2021年度项目支出绩效目标申报表", or "项目支出绩效目标表" with "(2025年度)" on the next line.
_TITLE = re.compile(r"^(?P<title>.*项目支出绩效目标(?:申报)?表.*)$")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LINE = re.compile(r"^[(（]\s*((?:19|20)\d{2})\s*年度?\s*[)）]$")
#: Header cells by name (the first seven are the standard order), with the spellings accepted for each.
_COLUMN_NAMES: dict[str, int] = {
    "总计": 1, "合计": 1, "财政拨款": 2, "财政专户拨款": 3, "其他资金": 4, "绩效目标": 5, "绩效指标": 6,
}
_DEPARTMENT = re.compile(r"^部门名称\s*[:：]\s*(?P<name>.+?)\s*$")
_UNIT_OF_AMOUNTS = re.compile(r"^单位\s*[:：]\s*(?P<unit>.+?)\s*$")
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: The first indicator of a cell: "1、…" (standard) or "1.产出数量：…" (free form).
_INDICATOR_START = re.compile(r"^\s*1[、.]")
#: Characters no RDF/XML (XML 1.0) file can hold, and U+FFFE/U+FFFF, which
#: strict Turtle parsers (rapper) refuse. Tab is a separator, not a character here.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: pdftotext starts each page with a form feed; a file glued from two exports
#: carries the second one's BOM at the start of a line. Neither is text.
_PAGE_FEED = "\f\ufeff"


class TableError(ValueError):
    """The input cannot be read as a performance-goals table at all."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def format_amount(value: Decimal) -> str:
    """Write an amount as the source prints it: thousands separators, two decimals."""
    return f"{value:,.2f}"


def read_table(path: str | Path, *, name: str | None = None, encoding: str | None = None) -> Table:
    """Read one source file; ``name`` overrides the file name used in messages.

    ``encoding`` forces a codec (``"gb18030"``); by default it is detected
    (see :mod:`converter.encoding`).
    """
    path = Path(path)
    data = path.read_bytes()
    return read_table_bytes(data, name or path.name, encoding=encoding)


def read_table_bytes(data: bytes, file: str, *, encoding: str | None = None) -> Table:
    """Read a table from its bytes (UTF-8 with or without BOM, GB18030, UTF-16 …)."""
    try:
        decoded = decode(data, file, encoding)
    except DecodeError as err:
        raise TableError(file, err.line, err.message) from err
    table = Table(file=file, sha256=hashlib.sha256(data).hexdigest(), encoding=decoded.encoding)
    table.problems.extend(decoded.problems)
    _Parser(table).feed(decoded.text)
    return table


#: Files smaller than this are read whole by :func:`iter_table` (about three
#: tables like the bundled one): streaming pays off only for larger files.
STREAM_THRESHOLD = 1 << 20


def iter_table(
    path: str | Path, *, name: str | None = None, encoding: str | None = None, threshold: int | None = None
) -> Iterator[Table]:
    """Read a source file table by table: each part is a :class:`Table` holding one department.

    A province's file holds thousands of tables, and read whole its text and
    records grow with it; read this way a conversion holds one department at
    a time, so memory stays flat (issue 9, see benchmarks/README.md). Each part
    carries the file's name, hash and encoding and the file-level problems of
    its own lines, so converting the parts one after another gives the same
    graph as converting :func:`read_table`'s whole table.

    Only plain UTF-8 files (no BOM, no control characters, no damaged bytes)
    of at least ``threshold`` bytes (default :data:`STREAM_THRESHOLD`) are streamed; anything else is read whole
    by :func:`read_table` and yielded as one part, so the encoding detective
    work of :mod:`converter.encoding` stays in one place.
    """
    path = Path(path)
    file = name or path.name
    plain = encoding is None or check_encoding(encoding) == "utf-8"
    threshold = STREAM_THRESHOLD if threshold is None else threshold
    scan = _scan_plain_utf8(path) if plain and path.stat().st_size >= threshold else None
    if scan is None:
        yield read_table(path, name=file, encoding=encoding)
        return
    table = Table(file=file, sha256=scan.sha256, encoding="utf-8")
    parser = _Parser(table)
    parser.last_line, parser.cut = scan.lines, scan.cut
    # newline="" splits on CRLF, CR and LF like _LINE_BREAK, and keeps the break.
    with path.open(encoding="utf-8", newline="") as stream:
        for number, raw in enumerate(stream, start=1):
            parser.line(number, raw.rstrip("\r\n"))
            if (done := parser.hand_out()) is not None:
                yield _part(table, done)
    parser.flush()
    parser.finish()
    yield _part(table, *table.departments)


def _part(table: Table, *departments: Department) -> Table:
    """A finished table as a part of its file, taking the file-level problems of its lines along."""
    last = departments[-1].lines[1]
    mine = [p for p in table.problems if p.line <= last]
    table.problems[:] = [p for p in table.problems if p.line > last]
    return Table(file=table.file, sha256=table.sha256, departments=list(departments), problems=mine, encoding=table.encoding)


@dataclass(frozen=True)
class _Scan:
    sha256: str
    lines: int  # as _LINE_BREAK.split counts them: line breaks + 1
    cut: bool  # text after the last line break (the reader's "file ends inside a line")


def _scan_plain_utf8(path: Path) -> _Scan | None:
    """Hash a file and check it is plain UTF-8, in one pass over its bytes; None when it is not.

    "Plain" is what :func:`~converter.encoding.decode` reads as ``utf-8``
    without a note: no BOM, no binary signature, strict UTF-8, no control
    characters (stricter than decode's 1 % rule, so any doubt goes the whole-file way).
    """
    digest, decoder = hashlib.sha256(), codecs.getincrementaldecoder("utf-8")()
    breaks, tail, after_cr, text_seen, first = 0, b"", False, False, True
    tables, carry = _TableOrder(), ""
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            if first and (chunk.startswith(codecs.BOM_UTF8) or any(chunk.startswith(sig) for sig, _ in _SIGNATURES)):
                return None
            first = False
            digest.update(chunk)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return None
            if _CONTROLS.search(text):
                return None
            carry = tables.feed(carry + text)
            if tables.interleaved:
                return None
            text_seen = text_seen or bool(text.strip())
            breaks += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n") - (after_cr and chunk[:1] == b"\n")
            after_cr = chunk.endswith(b"\r")
            cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            tail = chunk[cut + 1 :] if cut >= 0 else tail + chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    tables.feed(carry + "\n")
    if not text_seen or tables.interleaved:
        return None
    return _Scan(digest.hexdigest(), breaks + 1, bool(tail.decode("utf-8").strip()))


class _TableOrder:
    """Watches the 部门名称 lines of a scan for a table that comes back after another.

    The whole-file reader joins such pages to the earlier table
    (``table-resumed``); a streaming read has handed that table out already, so
    a file where it happens is read whole.
    """

    _NAME = re.compile(r"^[\f\ufeff]*\s*部门名称\s*[:：]\s*(.+?)\s*$", re.M)

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.current: str | None = None
        self.interleaved = False

    def feed(self, text: str) -> str:
        """Look at the complete lines of ``text``; return the unfinished last line."""
        cut = max(text.rfind("\n"), text.rfind("\r"))
        for match in self._NAME.finditer(text.replace("\r", "\n"), 0, cut + 1):
            name = name_key(match[1])
            if name != self.current:
                self.interleaved = self.interleaved or name in self.seen
                self.seen.add(name)
                self.current = name
        return text[cut + 1 :]


@dataclass
class _Pending:
    """A data row being read: its text may go on after a page break.

    The reader holds the latest row until the next row starts, so that the
    rest of a row cut by a page break (the page header lines in between) can
    still be joined to it.
    """

    line: int
    page: int
    cells: list[str]
    continued: list[int] = field(default_factory=list)  # lines joined to it
    page_break: bool = False  # page header lines seen since its last part
    breaks: int = 0  # how many of its joins crossed a page break

    @property
    def raw(self) -> str:
        return "\t".join(self.cells)

    @property
    def end(self) -> int:
        return self.continued[-1] if self.continued else self.line

    @property
    def open(self) -> bool:
        """Whether the row's text may go on: cells are missing, or the indicator cell stops mid-sentence.

        Every complete indicator cell of the Guangzhou table ends with ``。``
        but one (line 322, ``…年度指标值:85%``), which no stray line follows.
        """
        if len(self.cells) < len(COLUMNS):
            return True
        last = self.cells[-1].rstrip()
        return len(self.cells) == len(COLUMNS) and bool(self.cells[5].strip()) and bool(last) and not last.endswith("。")


class _Parser:
    """A small state machine over the lines of one file."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.page = 0
        self.title: str | None = None
        self.year: int | None = None
        self.unit_of_amounts = AMOUNT_UNIT
        self.department: Department | None = None
        self.unit: Unit | None = None  # the unit new projects belong to
        self.pending: _Pending | None = None
        self.header_seen = False
        self.warned: set[tuple[str, str]] = set()  # (code, key) of problems reported once
        self.seen: dict[tuple[int, str], Row] = {}  # (unit line or 0, raw) → first row, per department
        self.seen_before: dict[int, dict[tuple[int, str], Row]] = {}  # the same for tables left, by id
        self.rows = 0
        self.last_line = 0
        self.cut = False  # the file ends inside a line: no line break after the last text
        self.comma_header = 0
        self.order: list[int] | None = None  # source position of each standard column, when the header reorders them
        self.handed_out = 0  # tables already handed out by a streaming read (iter_table)

    def problem(self, line: int, code: str, message: str, found: str = "", severity: str | None = None) -> None:
        severity = severity or PROBLEM_CODES[code]
        self.table.problems.append(Problem(self.table.file, line, code, message, found, severity))

    def once(self, code: str, key: str) -> bool:
        """True the first time a (code, key) is met: repeated page headers are reported once."""
        if (code, key) in self.warned:
            return False
        self.warned.add((code, key))
        return True

    # -- lines -----------------------------------------------------------------

    def feed(self, text: str) -> None:
        if not text.strip():
            raise TableError(self.table.file, 1, "empty file" if not text else "the file holds only white space")
        lines = _LINE_BREAK.split(text)
        self.last_line = len(lines)
        self.cut = bool(lines[-1].strip())
        for number, raw in enumerate(lines, start=1):
            self.line(number, raw)
        self.flush()
        self.finish()

    def line(self, number: int, raw: str) -> None:
        raw = self.clean(number, raw)
        stripped = raw.strip()
        if not stripped:
            return
        if "\t" not in raw:
            self.text_line(number, raw, stripped)
        elif self.is_header(raw):
            self.header(number, raw)
        else:
            self.data_line(number, raw)

    def clean(self, number: int, raw: str) -> str:
        """Drop page feeds; make characters no RDF syntax can carry visible."""
        raw = raw.lstrip(_PAGE_FEED)
        if not _UNSAFE.search(raw):
            return raw
        found = ", ".join(f"U+{ord(m[0]):04X} at column {m.start() + 1}" for m in _UNSAFE.finditer(raw))
        self.problem(
            number, "control-character",
            "control characters that RDF/XML cannot hold; written as their symbols (U+2400…) or U+FFFD", found,
        )
        return _UNSAFE.sub(lambda m: chr(0x2400 + ord(m[0])) if m[0] < " " else "\ufffd", raw)

    def text_line(self, number: int, raw: str, stripped: str) -> None:
        """A line without a tab: a page header, the rest of a cut row, or stray text."""
        if self.page_header(number, stripped):
            return
        pending = self.pending
        if pending is not None and pending.open and _joinable(pending, raw):
            # The extraction broke a cell: the line is more of the row's last cell.
            self.join(number, [raw])
            return
        if number == self.last_line and self.cut:
            self.problem(number, "truncated-row", "the file ends inside this line (cut download?); skipped", raw, "error")
            return
        if stripped.startswith("项目名称") and ("," in stripped or "，" in stripped):
            self.comma_header = self.comma_header or number
        self.problem(number, "unexpected-line", "line is neither a page header nor a data row; ignored", raw)

    def page_header(self, number: int, text: str) -> bool:
        if (match := _TITLE.match(text)) and (year := _TITLE_YEAR.search(text)):
            self.page += 1
            self.title, self.year = match["title"], int(year[1])
            self.header_seen = False
        elif match:
            # "项目支出绩效目标表" with the year on the next line: "(2025年度)"
            self.page += 1
            self.title, self.year = match["title"], None
            self.header_seen = False
        elif (year_line := _YEAR_LINE.match(text)) and self.title is not None and self.year is None:
            self.year = int(year_line[1])
            self.title = f"{self.title}{text}"
        elif match := _DEPARTMENT.match(text):
            self.switch_department(number, match["name"])
        elif match := _UNIT_OF_AMOUNTS.match(text):
            self.amount_unit(number, match["unit"])
        else:
            return False
        if self.pending is not None:
            self.pending.page_break = True
        return True

    def amount_unit(self, number: int, unit: str) -> None:
        """``单位：元`` (as Shanghai prints) or ``单位：万元``: the graph always holds 万元."""
        if unit not in UNITS:
            raise TableError(self.table.file, number, f"amounts in {unit!r}: perfkg converts 万元 and 元 (and 亿元) exactly, "
                             "not this unit")
        self.unit_of_amounts = unit
        if self.department is not None:
            self.department.unit_of_amounts = unit
        if unit != AMOUNT_UNIT and self.once("amount-unit", unit):
            self.problem(
                number, "amount-unit",
                f"amounts are printed in {unit}; each is converted exactly to {AMOUNT_UNIT} (the printed text is kept)",
                unit,
            )

    def switch_department(self, number: int, name: str) -> None:
        if self.year is None or self.title is None:
            self.problem(number, "missing-title", "部门名称 before any title line with the year", name)
            return
        current = self.department
        if current is not None and _same_table(current, name, self.year):
            current.pages += 1
            self.name_variant(number, current, name)
            return
        self.flush()
        if current is not None:
            self.seen_before[id(current)] = self.seen
        earlier = next((d for d in self.table.departments if _same_table(d, name, self.year)), None)
        if earlier is not None:
            self.name_variant(number, earlier, name)
            # Pages of two tables interleaved: the earlier table goes on, its rows under its last unit.
            self.problem(
                number, "table-resumed",
                f"the table of {name} {self.year} (line {earlier.first_line}) goes on here after another table; "
                "its rows are joined to it",
                name,
            )
            earlier.pages += 1
            self.department, self.unit = earlier, earlier.units[-1] if earlier.units else None
            self.seen = self.seen_before.pop(id(earlier), {})
            return
        self.department = Department(
            name=name, year=self.year, title=self.title, unit_of_amounts=self.unit_of_amounts,
            total=None, first_line=number, pages=1,
        )
        self.table.departments.append(self.department)
        self.unit, self.seen = None, {}
        live = {id(d) for d in self.table.departments}  # a streaming read hands finished tables out
        self.seen_before = {k: v for k, v in self.seen_before.items() if k in live}

    def name_variant(self, number: int, department: Department, name: str) -> None:
        """部门名称 written with other white space or full-width forms: the same table (and IRI)."""
        if name != department.name and self.once("name-variant", name):
            self.problem(
                number, "name-variant",
                f"部门名称 differs from line {department.first_line} only in white space or character width; "
                "the same table",
                name,
            )

    @staticmethod
    def is_header(raw: str) -> bool:
        """The column header, even reordered or renamed in part."""
        cells = [c.strip() for c in raw.split("\t")]
        return cells[0].startswith("项目名称") or sum(c in COLUMNS for c in cells) >= 3

    def header(self, number: int, raw: str) -> None:
        """The column header: read by name, so a table whose columns come in another order is read right."""
        self.header_seen = True
        if self.pending is not None:
            self.pending.page_break = True
        cells = [c.strip() for c in raw.split("\t")]
        if cells == list(COLUMNS):
            self.order = None
            return
        order = self.column_order(number, raw, cells)
        self.order = None if order == list(range(len(COLUMNS))) else order
        if self.order is not None and self.once("header-reordered", raw):
            self.problem(number, "header-reordered", "the columns come in another order; each is read by its name", raw)
        elif self.order is None and self.once("header-differs", raw):
            self.problem(number, "header-differs", "column header spelled differently from the standard seven columns; "
                         "each column is read by its name", raw)

    def column_order(self, number: int, raw: str, cells: list[str]) -> list[int]:
        """For each standard column, its position in this header; an unknown or missing column is an error.

        A wrong guess would put money under the wrong funding source: a column
        perfkg cannot name stops the conversion instead (``上级资金``, a
        header cut short).
        """
        found: dict[int, int] = {}
        for position, cell in enumerate(cells):
            key = "".join(cell.split())
            index = 0 if key.startswith("项目名称") else _COLUMN_NAMES.get(key)
            if index is None:
                raise TableError(self.table.file, number, f"column {position + 1} of the header, {cell!r}, is not one of "
                                 f"the seven columns ({'、'.join(COLUMNS)}); perfkg will not guess what it holds")
            if index in found:
                raise TableError(self.table.file, number, f"the header names {COLUMNS[index]} twice (columns {found[index] + 1} and {position + 1})")
            found[index] = position
        missing = [COLUMNS[i] for i in range(len(COLUMNS)) if i not in found]
        if missing:
            raise TableError(self.table.file, number, f"the header lacks {'、'.join(missing)}; perfkg will not guess which "
                             "column holds what (add the missing column, even empty)")
        return [found[i] for i in range(len(COLUMNS))]

    # -- rows ------------------------------------------------------------------

    def data_line(self, number: int, raw: str) -> None:
        if self.department is None:
            self.problem(number, "row-before-header", "data row before any title and 部门名称; skipped", raw, "error")
            return
        cells = raw.split("\t")
        if self.order is not None and len(cells) == len(COLUMNS):
            cells = [cells[i] for i in self.order]  # read by the header's names (raw keeps the source order)
        if self.pending is not None and self.continues(self.pending, cells):
            self.join(number, cells)
            return
        self.flush()
        if not self.header_seen and self.once("missing-header", str(self.page)):
            self.problem(
                number, "missing-header",
                f"no column header line on page {self.page} before this row; the standard seven columns are assumed",
            )
        self.pending = _Pending(line=number, page=self.page, cells=cells)

    @staticmethod
    def continues(pending: _Pending, cells: list[str]) -> bool:
        """Whether a tabbed line is the rest of the pending row, not a row of its own.

        Two shapes: the line carries the cells the pending row lacks, its first
        cell the rest of the cut one (``k + m - 1 == 7``); or a seven-cell row
        with no name and no amounts carries more goal and indicator text.
        """
        width = len(COLUMNS)
        if len(pending.cells) < width:
            return len(pending.cells) + len(cells) - 1 == width and _joinable(pending, cells[0])
        return (
            len(pending.cells) == width == len(cells)
            and not any(c.strip() for c in cells[:5])
            and any(c.strip() for c in cells[5:])
            and any(c.strip() for c in pending.cells[5:])
        )

    def join(self, number: int, cells: list[str]) -> None:
        pending = self.pending
        assert pending is not None
        if len(cells) == len(pending.cells) == len(COLUMNS):
            pending.cells = pending.cells[:5] + [pending.cells[5] + cells[5], pending.cells[6] + cells[6]]
        else:
            pending.cells = pending.cells[:-1] + [pending.cells[-1] + cells[0]] + cells[1:]
        pending.continued.append(number)
        pending.breaks += pending.page_break
        pending.page_break = False

    def flush(self) -> None:
        """Turn the pending row into a record: it is complete."""
        pending, self.pending = self.pending, None
        if pending is None or self.department is None:
            return
        cells = self.fit(pending)
        if cells is None:
            return
        row = self.row(pending, cells)
        if pending.continued:
            lines = ", ".join(map(str, pending.continued))
            where = "after a page break" if pending.breaks else "on the next line"
            self.problem(
                pending.line, "row-split", f"row goes on {where} (line {lines}); the parts are joined into one row",
                pending.raw,
            )
        self.add(self.department, row)

    def fit(self, pending: _Pending) -> list[str] | None:
        """The seven cells of a row, repaired where the count is off; None to skip it."""
        cells, width, n = pending.cells, len(COLUMNS), len(pending.cells)
        cut = self.cut and pending.end == self.last_line
        if n == width:
            if cut and pending.open:
                self.problem(
                    pending.line, "truncated-row",
                    "the file ends inside this row (no line break after it, its last cell does not end with 。); kept as it is",
                    cells[-1][-20:],
                )
            return cells
        if n > width:
            return self.fit_long(pending)
        padded = cells + [""] * (width - n)
        if not cut:
            self.problem(
                pending.line, "column-count", f"row has {n} cells, expected {width}; the missing cells are read as empty",
                pending.raw,
            )
            return padded
        if n >= 6 and cells[5].strip():
            self.problem(
                pending.line, "truncated-row",
                f"the file ends inside this row ({n} of {width} cells); kept as a project with the cells it has",
                pending.raw,
            )
            return padded
        self.problem(
            pending.line, "truncated-row",
            f"the file ends inside this row ({n} of {width} cells), too early to tell a project from a unit; skipped",
            pending.raw, "error",
        )
        return None

    def fit_long(self, pending: _Pending) -> list[str]:
        """A row with extra tabs: find the four amounts, give the rest to the text cells.

        The amount block (总计 always filled, the others an amount or empty)
        fixes the columns: cells before it are the name, after it the goal
        and the indicators, which start with ``1、`` or ``1.``.
        """
        cells, n = pending.cells, len(pending.cells)
        if not any(c.strip() for c in cells[len(COLUMNS) :]):
            # "…。\t\t": an export that pads rows with empty cells.
            self.problem(
                pending.line, "column-count", f"row has {n} cells, expected {len(COLUMNS)}; the extra cells are empty",
                pending.raw,
            )
            return cells[: len(COLUMNS)]
        start = next((i for i in range(1, n - 3) if _amount_block(cells[i : i + 4])), None)
        if start is None:
            self.problem(
                pending.line, "column-count",
                f"row has {n} cells, expected {len(COLUMNS)}; the cells after the 7th are kept in the raw row only",
                pending.raw,
            )
            return cells[: len(COLUMNS)]
        rest = cells[start + 4 :] + [""] * max(0, start + 6 - n)
        split = next((k for k in range(1, len(rest)) if _INDICATOR_START.match(rest[k])), 1)
        pieces = {COLUMNS[0]: cells[:start], COLUMNS[5]: rest[:split], COLUMNS[6]: rest[split:]}
        where = "、".join(column for column, parts in pieces.items() if len(parts) > 1)
        self.problem(
            pending.line, "tab-in-cell",
            f"row has {n} cells, expected {len(COLUMNS)}: a tab inside {where or 'a cell'} is taken as part of the cell",
            pending.raw,
        )
        return ["".join(pieces[COLUMNS[0]]), *cells[start : start + 4], "".join(pieces[COLUMNS[5]]), "".join(pieces[COLUMNS[6]])]

    def row(self, pending: _Pending, cells: list[str]) -> Row:
        name = cells[0].strip()
        number = pending.line
        self.check_whitespace(number, cells)
        if not name:
            self.problem(number, "empty-name", "row has no name (项目名称 is empty); converted with an empty label", pending.raw)
        fields = dict(name=name, amounts=self.amounts(number, cells[1:5]), line=number, page=pending.page, raw=pending.raw)
        kind = self.kind(name, cells)
        row: Row
        if kind == "total":
            row = Row(**fields)
        elif kind == "unit":
            row = Unit(**fields)
        else:
            row = Project(**fields, goal=cells[5], indicator_text=cells[6])
        row.canonical = _render(row) == pending.raw
        return row

    @staticmethod
    def kind(name: str, cells: list[str]) -> str:
        if name == TOTAL_ROW_NAME:
            return "total"
        if not cells[5].strip() and not cells[6].strip():
            return "unit"
        return "project"

    def check_whitespace(self, number: int, cells: list[str]) -> None:
        """Note white space trimmed from the name and amount cells (the raw row keeps it)."""
        trimmed = [column for column, cell in zip(COLUMNS[:5], cells[:5]) if cell != cell.strip()]
        if not trimmed:
            return
        odd = {ch for cell in cells[:5] for ch in cell.replace(cell.strip(), "")}
        self.problem(
            number, "whitespace", f"white space around {'、'.join(trimmed)} trimmed",
            " ".join(sorted(f"U+{ord(ch):04X}" for ch in odd)),
        )

    def add(self, department: Department, row: Row) -> None:
        key = (self.unit.line if isinstance(row, Project) and self.unit else 0, row.raw)
        if (first := self.seen.get(key)) is not None:
            self.problem(row.line, "duplicate-row", f"same row as line {first.line}; the copy is not converted", row.raw)
            if isinstance(first, Unit):
                self.unit = first  # the unit row repeated at the top of a page: its projects go on
            return
        if isinstance(row, Unit):
            department.units.append(row)
            self.unit = row
        elif isinstance(row, Project):
            if not self.add_project(row):
                return
        elif department.total is not None:
            self.problem(
                row.line, "duplicate-total",
                f"second 合计 row, different from the first (line {department.total.line}); the first is kept, this one skipped",
                row.raw,
            )
            return
        else:
            department.total = row
        self.seen[key] = row
        self.rows += 1

    def add_project(self, project: Project) -> bool:
        unit = self.unit
        if unit is None:
            self.problem(project.line, "project-before-unit", "project row before any budget-unit row; skipped", project.raw)
            return False
        same = next((p for p in unit.projects if p.name == project.name), None)
        if same is not None:
            self.problem(
                project.line, "duplicate-name",
                f"this unit already has a project of this name (line {same.line}); both are kept", project.name,
            )
        project.indicators, project.problems = parse_indicators(project.indicator_text, self.table.file, project.line)
        unit.projects.append(project)
        return True

    def amounts(self, number: int, cells: list[str]) -> Amounts:
        values = [self.amount(number, column, cell) for column, cell in zip(COLUMNS[1:5], cells)]
        by_source = tuple((slug, v) for (_, slug), v in zip(FUNDING_SOURCES, values[1:]) if v is not None)
        if self.unit_of_amounts == AMOUNT_UNIT:
            return Amounts(total=values[0], by_source=by_source)
        keys = ["total"] + [slug for _, slug in FUNDING_SOURCES]
        printed = tuple((key, cell.strip()) for key, cell, v in zip(keys, cells, values) if v is not None)
        return Amounts(values[0], by_source, self.unit_of_amounts, printed)

    def amount(self, number: int, column: str, cell: str) -> Decimal | None:
        text = cell.strip()
        if not text:
            return None
        if not _AMOUNT.match(text):
            self.problem(number, "bad-amount", f"{column} is not an amount; the cell is kept in the raw row only", text)
            return None
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            self.problem(number, "bad-amount", f"{column} is not an amount; the cell is kept in the raw row only", text)
            return None
        if self.unit_of_amounts != AMOUNT_UNIT:
            try:
                value = parse_amount(text, self.unit_of_amounts).value  # 元 → 万元, exactly
            except AmountError as err:  # pragma: no cover - the pattern above admits only amounts
                self.problem(number, "bad-amount", f"{column}: {err.message}", text)
                return None
        if value < 0:
            self.problem(number, "negative-amount", f"{column} is negative", text)
        return value

    # -- the end ---------------------------------------------------------------

    def finish(self) -> None:
        """Refuse a file with no table; note tables without rows; share out the lines."""
        file, departments = self.table.file, self.table.departments
        hint = "" if self.table.encoding.startswith("utf-8") else f" (read as {self.table.encoding}: if that is wrong, name the encoding with --encoding)"
        if not departments:
            orphans = sum(p.code == "row-before-header" for p in self.table.problems)
            rows = f"; {orphans} data row(s) stand before any title" if orphans else ""
            raise TableError(file, 1, f"no table found: expected a title line '…年项目支出绩效目标表…' and '部门名称：…'{rows}{hint}")
        if not self.rows:
            comma = f"; line {self.comma_header} is a comma-separated header: {_TSV_HINT}" if self.comma_header else ""
            raise TableError(file, departments[0].first_line, f"no data rows: the file has headers but no table rows{comma}{hint}")
        for index, department in enumerate(departments):
            following = departments[index + 1].first_line - 1 if index + 1 < len(departments) else self.last_line
            self.close(department, first=self.handed_out + index == 0, following=following)

    def close(self, department: Department, *, first: bool, following: int) -> None:
        """Give a finished table its lines (the first from line 1); note it if it has no rows or no 合计."""
        department.lines = (1 if first else department.first_line, following)
        if not department.units and department.total is None:
            self.problem(department.first_line, "empty-table", f"table of {department.name} {department.year} has no rows")
        elif department.total is None:
            self.problem(department.first_line, "missing-total", f"table of {department.name} {department.year} has no 合计 row")

    def hand_out(self) -> Department | None:
        """The oldest table once a newer one has started: closed and no longer held (streaming reads).

        A new 部门名称 flushes the pending row before the new table starts, so
        the older table is complete here.
        """
        departments = self.table.departments
        if len(departments) < 2:
            return None
        done = departments.pop(0)
        self.close(done, first=self.handed_out == 0, following=departments[0].first_line - 1)
        self.handed_out += 1
        return done


_TSV_HINT = "perfkg reads tab-separated text (in Excel: Save As 'Text (Tab delimited)')"


def _same_table(department: Department, name: str, year: int) -> bool:
    """Names that mint the same table IRI (NFKC, white space ignored) are one table."""
    return department.year == year and name_key(department.name) == name_key(name)


def _joinable(pending: _Pending, more: str) -> bool:
    """Whether text can go on the pending row's last cell: a cut amount must stay an amount."""
    if not 1 <= len(pending.cells) - 1 <= 4:
        return True
    joined = (pending.cells[-1] + more).strip()
    return not joined or bool(_AMOUNT.match(joined))


def _amount_block(cells: list[str]) -> bool:
    """Four cells that can be the amount columns: a total, then amounts or blanks."""
    return bool(cells[0].strip()) and all(not c.strip() or _AMOUNT.match(c.strip()) for c in cells)


def _render(row: Row) -> str:
    """Rebuild a row's source line from its fields, as the exporter will."""
    return "\t".join(row_cells(row))


def row_cells(row: Row) -> list[str]:
    """The seven cells of a row as the source writes them."""
    sources = dict(row.amounts.by_source)
    amounts = [row.amounts.total] + [sources.get(slug) for _, slug in FUNDING_SOURCES]
    cells = [row.name] + ["" if a is None else format_amount(a) for a in amounts]
    if isinstance(row, Project):
        cells += [row.goal, row.indicator_text]
    else:
        cells += ["", ""]
    return cells
