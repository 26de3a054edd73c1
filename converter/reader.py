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
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .indicators import parse_indicators
from .records import FUNDING_SOURCES, Amounts, Department, Problem, Project, Row, Table, Unit

COLUMNS = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
HEADER_LINE = "\t".join(COLUMNS)
TOTAL_ROW_NAME = "合计"

_TITLE = re.compile(r"^(?P<title>.*?(?P<year>\d{4})年.*项目支出绩效目标表.*)$")
_DEPARTMENT = re.compile(r"^部门名称\s*[:：]\s*(?P<name>.+?)\s*$")
_UNIT_OF_AMOUNTS = re.compile(r"^单位\s*[:：]\s*(?P<unit>.+?)\s*$")
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


class TableError(ValueError):
    """The input cannot be read as a performance-goals table at all."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def format_amount(value: Decimal) -> str:
    """Write an amount as the source prints it: thousands separators, two decimals."""
    return f"{value:,.2f}"


def read_table(path: str | Path, *, name: str | None = None) -> Table:
    """Read one source file; ``name`` overrides the file name used in messages."""
    path = Path(path)
    data = path.read_bytes()
    return read_table_bytes(data, name or path.name)


def read_table_bytes(data: bytes, file: str) -> Table:
    """Read a table from its bytes (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise TableError(file, line, f"not UTF-8 text (byte {data[err.start]:#04x} at offset {err.start})") from err
    table = Table(file=file, sha256=hashlib.sha256(data).hexdigest())
    _Parser(table).feed(text)
    return table


class _Parser:
    """A small state machine over the lines of one file."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.page = 0
        self.title: str | None = None
        self.year: int | None = None
        self.unit_of_amounts = "万元"
        self.department: Department | None = None
        self.header_seen = False

    def problem(self, line: int, code: str, message: str, found: str = "", severity: str = "warning") -> None:
        self.table.problems.append(Problem(self.table.file, line, code, message, found, severity))

    def feed(self, text: str) -> None:
        for number, raw in enumerate(text.split("\n"), start=1):
            self.line(number, raw.rstrip("\r"))
        if not self.table.departments:
            raise TableError(self.table.file, 1, "no table found: expected a title line '…年项目支出绩效目标表…' and '部门名称：…'")

    def line(self, number: int, raw: str) -> None:
        stripped = raw.strip()
        if not stripped:
            return
        if "\t" not in raw:
            self.page_header(number, stripped)
        elif raw == HEADER_LINE or stripped.startswith(COLUMNS[0]):
            self.header_seen = True
        else:
            self.data_row(number, raw)

    def page_header(self, number: int, text: str) -> None:
        if match := _TITLE.match(text):
            self.page += 1
            self.title, self.year = match["title"], int(match["year"])
            self.header_seen = False
        elif match := _DEPARTMENT.match(text):
            self.switch_department(number, match["name"])
        elif match := _UNIT_OF_AMOUNTS.match(text):
            self.unit_of_amounts = match["unit"]
            if self.department is not None:
                self.department.unit_of_amounts = match["unit"]
        else:
            self.problem(number, "unexpected-line", "line is neither a page header nor a data row; ignored", text[:60])

    def switch_department(self, number: int, name: str) -> None:
        if self.year is None or self.title is None:
            self.problem(number, "missing-title", "部门名称 before any title line with the year", name)
            return
        current = self.department
        if current is not None and current.name == name and current.year == self.year:
            current.pages += 1
            return
        self.department = Department(
            name=name, year=self.year, title=self.title, unit_of_amounts=self.unit_of_amounts,
            total=None, first_line=number, pages=1,
        )
        self.table.departments.append(self.department)

    def data_row(self, number: int, raw: str) -> None:
        department = self.department
        if department is None:
            self.problem(number, "row-before-header", "data row before any title and 部门名称; skipped", raw[:60], "error")
            return
        cells = raw.split("\t")
        if len(cells) != len(COLUMNS):
            self.problem(number, "column-count", f"row has {len(cells)} cells, expected {len(COLUMNS)}", raw[:60])
            cells = (cells + [""] * len(COLUMNS))[: len(COLUMNS)]
        name = cells[0].strip()
        amounts = self.amounts(number, cells[1:5])
        row_kind = self.kind(name, cells)
        fields = dict(name=name, amounts=amounts, line=number, page=self.page, raw=raw)
        if row_kind == "total":
            self.add_total(department, Row(**fields))
        elif row_kind == "unit":
            department.units.append(Unit(**fields))
        else:
            self.add_project(department, Project(**fields, goal=cells[5], indicator_text=cells[6]))
        row = self.last_row(department)
        row.canonical = _render(row) == raw

    @staticmethod
    def kind(name: str, cells: list[str]) -> str:
        if name == TOTAL_ROW_NAME:
            return "total"
        if not cells[5].strip() and not cells[6].strip():
            return "unit"
        return "project"

    @staticmethod
    def last_row(department: Department) -> Row:
        """The row just added: the latest by line among total, units and projects."""
        rows: list[Row] = [department.total] if department.total else []
        if department.units:
            unit = department.units[-1]
            rows.append(unit)
            if unit.projects:
                rows.append(unit.projects[-1])
        return max(rows, key=lambda r: r.line)

    def add_total(self, department: Department, row: Row) -> None:
        if department.total is not None:
            self.problem(row.line, "duplicate-total", f"second 合计 row (first at line {department.total.line}); the first is kept")
            return
        department.total = row

    def add_project(self, department: Department, project: Project) -> None:
        if not department.units:
            self.problem(project.line, "project-before-unit", "project row before any budget-unit row; skipped", project.name, "error")
            return
        project.indicators, project.problems = parse_indicators(project.indicator_text, self.table.file, project.line)
        department.units[-1].projects.append(project)

    def amounts(self, number: int, cells: list[str]) -> Amounts:
        values = [self.amount(number, column, cell) for column, cell in zip(COLUMNS[1:5], cells)]
        by_source = tuple((slug, v) for (_, slug), v in zip(FUNDING_SOURCES, values[1:]) if v is not None)
        return Amounts(total=values[0], by_source=by_source)

    def amount(self, number: int, column: str, cell: str) -> Decimal | None:
        text = cell.strip()
        if not text:
            return None
        if not _AMOUNT.match(text):
            self.problem(number, "bad-amount", f"{column} is not an amount; kept as text only", text, "error")
            return None
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            self.problem(number, "bad-amount", f"{column} is not an amount", text, "error")
            return None


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
