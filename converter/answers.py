"""A saved query's answer for its reader: in the format asked for, and with a word when it is empty.

:func:`render` writes an answer in any of perfkg's answer formats, the W3C
ones (``csv``, ``tsv``, ``json``), the ones for people (``table``, ``md``)
and the ones for spreadsheets (``excel-csv``, ``xlsx``, :mod:`converter.sheets`).

When an answer is empty and a parameter was given a value the data does not
hold (``--param department=广州市人社局``), :func:`unknown_values` says so and
names the values the data does hold, nearest first: a typo then costs one
look at stderr, not a search through the graph. The values of each
parameter come from one small query per parameter name (:data:`VALUES`),
asked only when an answer is empty.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import sheets
from .catalog import SavedQuery
from .query import WRITERS, Backend, Result
from .text import fold

#: Every answer format: the writers of :mod:`converter.query` and the spreadsheet ones.
FORMATS = (*WRITERS, "excel-csv", "xlsx")
#: The format an output file's extension implies when ``--format`` is not given.
EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".srj": "json", ".md": "md", ".xlsx": "xlsx", ".txt": "table"}
BINARY = {"xlsx"}

_PREFIXES = """PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

#: Parameter name → (what its values are called, a query whose ?value lists them).
VALUES: dict[str, tuple[str, str]] = {
    "department": ("department", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?table a pk:PerformanceGoalsTable ; dcterms:publisher ?publisher .
  ?publisher rdfs:label ?label . BIND (STR(?label) AS ?value) }"""),
    "indicator": ("indicator", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?definition a pk:IndicatorDefinition ; pk:normalizedName ?name . BIND (STR(?name) AS ?value) }"""),
    "project": ("project", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?project a pk:Project ; rdfs:label ?label . BIND (STR(?label) AS ?value) }"""),
    "severity": ("severity", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?note pk:severity ?severity . BIND (STR(?severity) AS ?value) }"""),
    "kind": ("kind of note", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?note pk:anomalyCode ?code . BIND (STR(?code) AS ?value) }"""),
    "fromYear": ("fiscal year", _PREFIXES + """SELECT DISTINCT ?value WHERE {
  ?table a pk:PerformanceGoalsTable ; pk:fiscalYear ?year . BIND (STR(?year) AS ?value) }"""),
}
VALUES["toYear"] = VALUES["fromYear"]

#: Listed whole up to this many values; beyond, only the nearest.
LIST_ALL = 12


def answer_format(given: str | None, output: str | None) -> str:
    """``--format``, else the output file's extension, else the terminal table."""
    if given:
        return given
    if output and output != "-":
        from .streams import inner_name

        return EXTENSIONS.get(Path(inner_name(output)).suffix.lower(), "table")
    return "table"


def render(saved: SavedQuery, result: Result, fmt: str, lang: str | None = None, params: dict[str, str] | None = None) -> bytes:
    """The answer as bytes in ``fmt``; ``lang`` gives people's headers (default Chinese for spreadsheets)."""
    answer = sheets.Answer(saved, result, dict(params or {}))
    if fmt == "xlsx":
        return sheets.xlsx([answer], lang or "zh")
    if fmt == "excel-csv":
        return sheets.excel_csv(answer, lang or "zh")
    writer: Callable[[Result], str] = WRITERS[fmt]
    if lang and fmt in ("table", "md"):
        result = sheets.relabelled(saved, result, lang)
    return writer(result).encode("utf-8")


@dataclass(frozen=True)
class UnknownValue:
    """A parameter value the data does not hold, and the values it does."""

    param: str
    value: str
    what: str
    nearest: tuple[str, ...]
    known: int

    def __str__(self) -> str:
        if not self.known:
            return f"--param {self.param}={self.value}: the data holds no {self.what} at all"
        listed = "nearest: " if self.known > LIST_ALL else ("the only one: " if self.known == 1 else "the data holds: ")
        more = f"; {self.known} in the data" if self.known > LIST_ALL else ""
        return f"--param {self.param}={self.value}: no {self.what} has this name ({listed}{', '.join(self.nearest)}{more})"


def unknown_values(backend: Backend, params: dict[str, str]) -> list[UnknownValue]:
    """The given parameter values that no resource in the data has, each with the nearest known values."""
    found = []
    for name, value in params.items():
        if name not in VALUES or not value.strip():
            continue
        what, text = VALUES[name]
        known = sorted({row[0].value for row in backend.select(text).rows if row[0] is not None})
        folded = {fold(k): k for k in known}
        if fold(value) in folded:
            continue
        if len(known) <= LIST_ALL:
            near = sorted(known, key=lambda k: (-difflib.SequenceMatcher(None, fold(value), fold(k)).ratio(), k))
        else:
            close = difflib.get_close_matches(fold(value), list(folded), n=5, cutoff=0.3)
            near = [folded[c] for c in close] or known[:5]
        found.append(UnknownValue(name, value, what, tuple(near), len(known)))
    return found
