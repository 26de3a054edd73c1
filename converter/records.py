"""Typed records read from a performance-goals table.

These dataclasses are the middle of the pipeline: the reader and the indicator
parser produce them from text, the graph builder turns them into triples.
Nothing here knows about RDF, so the records can be reused by any other output.
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

    def __str__(self) -> str:
        found = f" ({show(self.found)})" if self.found else ""
        return f"{self.file}:{self.line}: {self.message}{found} [{self.code}]"


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
    """The four money columns of a row, in 万元, exactly as decimals.

    An empty cell is ``None`` (absent), never zero: the source distinguishes a
    blank 财政专户拨款 from ``0.00``.
    """

    total: Decimal | None
    by_source: tuple[tuple[str, Decimal], ...]  # (slug, amount) for the non-empty sources


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


@dataclass(slots=True)
class Project(Row):
    goal: str = ""
    indicator_text: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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


@dataclass(slots=True)
class Table:
    """Everything read from one source file."""

    file: str
    sha256: str
    departments: list[Department] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"  # as detected or given: "utf-8", "utf-8 with BOM", "gb18030", …

    def all_problems(self) -> list[Problem]:
        """File-level problems and every project's problems, by line."""
        found = list(self.problems)
        for dept in self.departments:
            for unit in dept.units:
                for project in unit.projects:
                    found.extend(project.problems)
        return sorted(found, key=lambda p: (p.line, p.code))
