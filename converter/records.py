"""Typed records read from a performance-goals table, whatever its layout.

These dataclasses are the middle of the pipeline: every reader (the Guangzhou
text table, per-project forms from HTML/Excel/Word/PDF, one-row-per-indicator
sheets; see :mod:`converter.readers`) produces them, and the graph builder
turns them into triples. Nothing here knows about RDF or about layouts, so the
records can be reused by any other output.

Where a record came from is kept for a person to open the source: ``line``
for text (a reading-order ordinal for grids, used only to keep problems beside
their rows), ``where`` for grids (``Sheet1!B7``, ``page 3, table 1, row 4,
column 2``), ``page`` for paged sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .targets import TargetValue

#: The funding-source columns of the table, in source order, with the slug used
#: in IRIs and in the SKOS scheme of the ontology.
FUNDING_SOURCES: tuple[tuple[str, str], ...] = (
    ("财政拨款", "fiscal-appropriation"),
    ("财政专户拨款", "special-account-appropriation"),
    ("其他资金", "other-funds"),
)

#: Every funding source the readers know, by slug, with its label as the
#: forms print it (``ontology/schemes.ttl`` has each as a concept with zh/en
#: labels and a definition; a test keeps the two equal). The first three are
#: the Guangzhou table's money columns.
FUNDING_SOURCE_LABELS: dict[str, str] = {
    "fiscal-appropriation": "财政拨款",
    "special-account-appropriation": "财政专户拨款",
    "other-funds": "其他资金",
    "superior-funds": "上级资金",
    "carried-over": "上年结转资金",
    "prior-year-surplus": "上年结余收入",
    "own-funds": "自有资金",
    "business-income": "事业收入",
    "general-public-budget": "一般公共预算拨款",
    "government-fund-budget": "政府性基金预算拨款",
    "state-capital-budget": "国有资本经营预算拨款",
    "special-account-income": "纳入财政专户管理的收入",
    "non-special-account-income": "未纳入财政专户管理的收入",
}

#: The unit every amount in the graph is in, whatever the source printed.
AMOUNT_UNIT = "万元"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the source that is not as the table's grammar expects.

    A problem never stops the conversion by itself: the text concerned is kept,
    and the problem is reported with the line a person can open.
    """

    file: str
    line: int
    code: str
    message: str
    found: str = ""
    #: "info": a known variation, converted as meant; "warning": converted, but
    #: something was repaired or guessed (the raw text is kept); "error": a row
    #: or line could not be converted (its text is kept on the nearest resource).
    severity: str = "warning"
    #: The place in a grid source (``Sheet1!B7``, ``page 3, table 1, row 4,
    #: column 2``); empty for text, where ``line`` is the place.
    where: str = ""

    @property
    def location(self) -> str:
        """The place a person opens: ``where`` for grids, else the line."""
        return self.where or str(self.line)

    def __str__(self) -> str:
        found = f" ({show(self.found)})" if self.found else ""
        return f"{self.file}:{self.location}: {self.message}{found} [{self.code}]"


#: How many characters of found text a one-line message shows; the graph keeps all.
SHOWN_CHARS = 60


def show(text: str, size: int = SHOWN_CHARS) -> str:
    """Found text fit for a one-line message: tabs and controls visible, long text clipped.

    ``found`` may hold a whole source row (so that nothing is lost in the
    graph); a terminal line must stay one line.
    """
    visible = "".join(_visible(ch) for ch in text)
    return visible if len(visible) <= size else visible[:size] + "…"


def _visible(ch: str) -> str:
    if ch == "\t":
        return "\\t"
    if ch.isprintable():  # not U+3000, U+00A0: odd white space is shown as a code
        return ch
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


@dataclass(frozen=True, slots=True)
class Amounts:
    """The money of a row or form: its total and the amounts by funding source, in 万元, exact.

    An empty cell is ``None`` (absent), never zero: the source distinguishes a
    blank 财政专户拨款 from ``0.00``. Amounts printed in another unit (a table
    ``单位：元``, a form's ``项目资金(元)``) are converted to 万元 exactly;
    ``printed_unit`` says what the source printed and ``printed`` keeps the
    printed text of each amount whose text is not the canonical 万元 form
    (``format_amount``), keyed ``"total"`` or by slug.
    """

    total: Decimal | None
    by_source: tuple[tuple[str, Decimal], ...]  # (slug, amount) for the non-empty sources
    printed_unit: str = AMOUNT_UNIT
    printed: tuple[tuple[str, str], ...] = ()

    def printed_text(self, key: str) -> str | None:
        """The amount's text as printed, when it differs from the canonical form."""
        return next((text for k, text in self.printed if k == key), None)


NO_AMOUNTS = Amounts(None, ())


@dataclass(frozen=True, slots=True)
class Field:
    """A label and its value as a form prints them, kept when no record field takes them.

    项目来源 ``本级申报项目``, 项目负责人, 项目属性 ``新增项目□延续项目√`` …:
    nothing of the source is dropped, and a person can query what perfkg does
    not model yet.
    """

    label: str
    value: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class Goal:
    """A performance goal (绩效目标) of one kind, as written.

    ``kind``: ``"annual"`` (年度目标, 本年度绩效目标), ``"period"`` (实施期绩效目标,
    长期目标), ``"mid-term"`` (中期目标), ``"overall"`` (总体目标).
    """

    kind: str
    text: str
    where: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    """One target value as written (实施周期指标值 or 年度指标值), and its parse.

    ``value`` is a :class:`converter.targets.TargetValue`; the text is always
    kept, whatever the parse found.
    """

    text: str
    value: "TargetValue | None" = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """One performance indicator of a project, as parsed from the indicator cell.

    ``level1_code``/``level2_code`` are the codes as written (``"1"``, ``"11"``);
    ``level1_label``/``level2_label`` the labels as written (``产出指标``).
    ``period_target``/``annual_target`` are None when the text does not give them
    (the free-form layout states one ``目标值``: it goes to ``stated_target``).
    """

    sequence: int
    name: str
    level1_code: str | None
    level1_label: str | None
    level2_code: str | None
    level2_label: str | None
    period_target: Target | None
    annual_target: Target | None
    source_text: str
    stated_target: Target | None = None
    #: The columns of a grid beside name and targets, when present: 计量单位,
    #: 指标解释, 绩效标准 (计划标准 …), 计算符号 (``≥``, ``定性``).
    unit_of_measure: str = ""
    explanation: str = ""
    standard: str = ""
    computation: str = ""
    #: Other cells of the indicator's row (分值, 评分细则, 备注 …), kept as printed.
    fields: tuple[Field, ...] = ()
    where: str = ""


@dataclass(slots=True)
class Row:
    """Common part of every data row: where it stands and what it says."""

    name: str
    amounts: Amounts
    line: int
    page: int
    raw: str  # the whole source line, without its line terminator
    #: True when the row can be rebuilt byte for byte from the fields; when False
    #: the exporter writes ``raw`` so that nothing of the source is lost.
    canonical: bool = True
    #: The place in a grid source (``Sheet1!A3``); empty for text.
    where: str = ""


@dataclass(slots=True)
class Project(Row):
    """A project: its money, goals and indicators.

    ``goal`` and ``indicator_text`` are the Guangzhou table's 绩效目标 and
    绩效指标 cells; a form's goals are ``goals`` by kind, its indicators come
    from its grid (``indicator_text`` empty).
    """

    goal: str = ""
    indicator_text: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    goals: tuple[Goal, ...] = ()
    #: 项目期 / 项目支出实施期 / 项目起止时间 as printed (``3年``, ``2023.07-2024.01``).
    period: str = ""
    fields: tuple[Field, ...] = ()


@dataclass(slots=True)
class Unit(Row):
    """A budget unit (资金使用单位) row and the projects that follow it."""

    projects: list[Project] = field(default_factory=list)


@dataclass(slots=True)
class Department:
    """One department's table for one year: its 合计 row, units and projects."""

    name: str
    year: int
    title: str
    unit_of_amounts: str  # as written after 单位：, e.g. "万元"
    total: Row | None
    units: list[Unit] = field(default_factory=list)
    first_line: int = 0
    pages: int = 0
    #: The source lines (first, last) whose stray problems belong to this table:
    #: from the top of the file for the first table, to the line before the
    #: next table (or the end of the file). (0, 0) when not known.
    lines: tuple[int, int] = (0, 0)
    #: The department's code when printed (主管部门及代码 ``[042]六安市金安区体育局``).
    code: str | None = None
    #: The layout it was read from: "guangzhou" (one row per project), "form"
    #: (a form per project), "indicator-rows" (one row per indicator).
    layout: str = "guangzhou"
    where: str = ""


@dataclass(slots=True)
class Table:
    """Everything read from one source file."""

    file: str
    sha256: str
    departments: list[Department] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"  # as detected or given: "utf-8", "utf-8 with BOM", "gb18030", …
    format: str = "text"  # the container: "text", "html", "xlsx", "xls", "docx", "pdf", "csv"
    #: Self-evaluations (项目支出绩效自评表) read from the file, in source order.
    evaluations: list["Evaluation"] = field(default_factory=list)

    def all_problems(self) -> list[Problem]:
        """File-level problems and every project's problems, by line."""
        found = list(self.problems)
        for dept in self.departments:
            for unit in dept.units:
                for project in unit.projects:
                    found.extend(project.problems)
        for evaluation in self.evaluations:
            found.extend(evaluation.problems)
        return sorted(found, key=lambda p: (p.line, p.code))


# -- self-evaluations (项目支出绩效自评表) -------------------------------------------

#: The money rows of a self-evaluation, by slug, as the forms print them.
BUDGET_LINES: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal-appropriation": "其中:当年财政拨款",
    "carried-over": "上年结转资金",
    "other-funds": "其他资金",
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One printed figure of a self-evaluation: its text as printed and, when it is a number, its value.

    ``value`` is exact (:class:`~decimal.Decimal`): an amount in 万元 (a form
    in 元 divided exactly), a rate in percent (``86.19%`` → 86.19), points as
    printed. ``None`` when the cell is empty or not a number (``—``).
    """

    text: str
    value: Decimal | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """One money row of a self-evaluation: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分.

    ``key`` is ``"total"`` (年度资金总额) or a funding-source slug. Every cell
    of the row is kept as a :class:`Figure`, empty ones included (text ``""``).
    ``computed_rate`` is 全年执行数 / 全年预算数 × 100, exact to 6 places,
    ``None`` when either is missing or the budget is zero.
    """

    key: str
    label: str
    initial: Figure
    adjusted: Figure
    executed: Figure
    points: Figure
    rate: Figure
    score: Figure
    computed_rate: Decimal | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """One indicator of a self-evaluation: its target as printed, what was achieved, the points.

    ``target`` and ``actual`` are parsed with the target grammar
    (:func:`converter.targets.parse_target`); their texts are always kept.
    ``level1_points`` are the points a category cell prints (``产出指标(50分)``).
    """

    sequence: int
    name: str
    level1_code: str | None
    level1_label: str | None
    level2_code: str | None
    level2_label: str | None
    target: Target | None
    actual: Target | None
    points: Figure
    score: Figure
    reason: str
    source_text: str
    level1_points: str | None = None
    fields: tuple[Field, ...] = ()
    where: str = ""


@dataclass(slots=True)
class Evaluation:
    """A 项目支出绩效自评表: one project's self-evaluation for one year.

    ``department_from`` says where the 主管部门 came from: ``"form"`` (printed),
    ``"option"`` (``--department``), ``"title"`` (the page title) or ``"unit"``
    (the 实施单位, the form printing no 主管部门).
    """

    name: str
    department: str
    unit: str
    year: int
    title: str
    department_code: str | None = None
    department_from: str = "form"
    unit_code: str | None = None
    unit_of_amounts: str = AMOUNT_UNIT
    budget: list[BudgetFigures] = field(default_factory=list)
    expected_goal: str = ""
    achieved_goal: str = ""
    results: list[Result] = field(default_factory=list)
    total_points: Figure | None = None
    total_score: Figure | None = None
    fields: tuple[Field, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    line: int = 0
    page: int = 0
    where: str = ""
