"""A query's last ``ORDER BY`` done in Python, where Python orders the values as Oxigraph does (issue 15).

Oxigraph sorts an answer by comparing its terms, which for a string or an
IRI means reading both from the store's dictionary at every comparison: the
125,300 rows of ``projects-sharing-indicator`` at 100 tables cost 4.3 CPU s
to find and 5 more to sort (``ORDER BY DESC(?projectCount) ?indicatorName
?year ?line ?project``). Each value is decoded once anyway when the answer is
read; sorted from those values, the same rows cost a few tenths of a second.

The answer is the one Oxigraph gives only where three things hold, each
checked, never assumed:

* the query ends in ``ORDER BY`` of plain variables, each alone or in
  ``ASC()``/``DESC()``, with no ``LIMIT`` or ``OFFSET`` after it
  (:func:`trailing_order`), and the answer projects every one of them;
* every value they hold is one Python orders as Oxigraph does (:func:`sort_key`:
  unbound, IRIs, integers and decimals and ``gYear`` in XML Schema's lexical
  forms, plain strings; one kind per variable);
* no two different rows are equal on every ordering variable: SPARQL leaves
  their order open, and Oxigraph's depends on how it evaluated the query, so
  such an answer is asked again of Oxigraph with its ``ORDER BY``.

Anything else raises :class:`Unordered`, and the caller asks Oxigraph to sort
(:meth:`converter.query.OxigraphBackend.solutions` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the terms of converter.query, which imports this module
    from .query import Term

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {_XSD + t for t in (
    "integer", "decimal", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
)}  # fmt: skip
# The lexical forms XML Schema allows, ASCII digits only: a literal written otherwise ("1e3", "1_0" and
# " 7" as decimals, "02024" as a year) is one Oxigraph does not read as a number, and orders apart;
# Python's Decimal() and int() would read them, so they are left to Oxigraph.
_YEAR = re.compile(r"-?(?:[1-9][0-9]{4,}|[0-9]{4})\Z")  # a gYear without a time zone
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")

_VARIABLE = r"\?[A-Za-z_][A-Za-z0-9_]*"
_CONDITION = rf"(?:{_VARIABLE}|(?:ASC|DESC)\s*\(\s*{_VARIABLE}\s*\))"
#: The query's last line that holds code, ending in ORDER BY and its conditions (a comment may follow them).
_TRAILING = re.compile(rf"(?im)^([^#\n]*?)\bORDER\s+BY\s+((?:{_CONDITION}\s*)+)(?:#[^\n]*)?\s*\Z")
_KEY = re.compile(rf"(ASC|DESC)?\s*\(?\s*({_VARIABLE})\s*\)?", re.I)


class Unordered(Exception):
    """A value or an answer this module cannot order as Oxigraph does: Oxigraph is asked to sort instead."""


def trailing_order(text: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """The query without its last ``ORDER BY``, and that clause's (variable, descending) pairs.

    None when the query does not end in ``ORDER BY`` of plain variables: an
    expression, a ``LIMIT`` or an ``OFFSET`` after it, or an ``ORDER BY`` on a
    line that a ``#`` comes before (a comment, or an IRI Python cannot tell from one).
    """
    lines = text.rstrip().split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()  # blank lines and comments after the clause
    body = "\n".join(lines)
    found = _TRAILING.search(body)
    if found is None or '"' in found.group(1) or "'" in found.group(1):
        return None  # (a # before ORDER BY on its line: the pattern does not match there)
    keys = [(name[1:], (direction or "").upper() == "DESC") for direction, name in _KEY.findall(found.group(2))]
    return body[: found.start()] + found.group(1) + "\n", keys


_SELECT = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", re.I | re.S)
_PROJECTED = re.compile(rf"\bAS\s+({_VARIABLE})|({_VARIABLE})|(\()|(\))|(\*)", re.I)


def projected(text: str) -> set[str] | None:
    """The variables the query's first SELECT projects (plain, or ``(… AS ?v)``); None for ``SELECT *`` or
    where the clause is not found.

    Only a guess from the text, used to leave to Oxigraph a query ordered by a
    variable it does not project before asking anything (Oxigraph evaluates a
    query as it is asked): the answer's own variables are what decide.
    """
    code = "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))
    clause = _SELECT.search(code)
    if clause is None:
        return None
    names, depth = set(), 0
    for alias, plain, opening, closing, star in _PROJECTED.findall(clause.group(1)):
        if star and depth == 0:
            return None
        depth += bool(opening) - bool(closing)
        if alias:
            names.add(alias[1:])
        elif plain and depth == 0:
            names.add(plain[1:])
    return names


def sort_key(term: Term | None, kinds: dict[int, str], column: int) -> tuple:
    """A value's place in ``ORDER BY`` as Oxigraph gives it, for the kinds of value this module knows.

    Unbound comes first, as SPARQL says; then the values, which must be of one
    kind for each variable throughout (``kinds`` remembers it): IRIs by code
    point (as Rust compares strings), numbers and years by value (written in
    XML Schema's forms: Oxigraph orders another form apart), plain strings by
    code point. Between kinds SPARQL leaves the order open, so a variable
    holding two kinds is refused.
    """
    if term is None:
        return (0,)
    if term.type == "uri":
        kind, value = "iri", term.value
    elif term.type != "literal" or term.lang:
        raise Unordered(f"cannot order {term.type} {term.value[:40]!r}")
    elif (datatype := term.datatype or _XSD + "string") in _NUMBERS:
        kind = "number"
        if _INTEGER.match(term.value):
            value: object = int(term.value)  # compared with a Decimal exactly, and faster than one
        elif datatype == _XSD + "decimal" and _DECIMAL.match(term.value):
            value = Decimal(term.value)
        else:  # not a form of its type (9.5 as an xsd:int): Oxigraph does not order it as a number
            raise Unordered(f"not a number of its type: {term.value[:40]!r}")
    elif datatype == _XSD + "gYear" and _YEAR.match(term.value):
        kind, value = "year", int(term.value)
    elif datatype == _XSD + "string":
        kind, value = "string", term.value
    else:
        raise Unordered(f"cannot order a literal of {datatype}")
    if kinds.setdefault(column, kind) != kind:
        raise Unordered(f"a variable holds both {kinds[column]} and {kind} values")
    return (1, value)


def ordered(variables: Sequence[str], rows: Iterable[tuple], keys: Sequence[tuple[str, bool]]) -> list[tuple]:
    """The rows in the order of ``keys`` ((variable, descending) pairs), as Oxigraph's ``ORDER BY`` gives them.

    Raises :class:`Unordered` when a key is not a column of the answer, a value
    is not one :func:`sort_key` orders, or two different rows tie on every key.
    """
    positions = []
    for name, descending in keys:
        if name not in variables:
            raise Unordered(f"?{name} is not in the answer")
        positions.append((variables.index(name), descending))
    rows = list(rows)
    kinds: dict[int, str] = {}
    columns = [_column(rows, i, kinds) for i, _ in positions]
    if all(not descending or kinds.get(i, "number") in ("number", "year") for i, descending in positions):
        # one sort: a descending number is its negation, unbound after every value (DESC reverses SPARQL's order)
        for at, (i, descending) in enumerate(positions):
            if descending:
                columns[at] = [(2,) if key == (0,) else (1, -key[1]) for key in columns[at]]
        full = list(zip(*columns)) if columns else [()] * len(rows)
        order = sorted(range(len(rows)), key=full.__getitem__)
    else:
        # one stable sort per key, the last first: each keeps the order of the keys after it among its ties
        # (reverse=True keeps ties in their order too, as DESC() must)
        full = list(zip(*columns))
        order = list(range(len(rows)))
        for column, (_, descending) in reversed(list(zip(columns, positions))):
            order.sort(key=column.__getitem__, reverse=descending)
    for here, after in zip(order, order[1:]):
        if full[here] == full[after] and rows[here] != rows[after]:
            raise Unordered("two different rows are equal on every ordering variable")
    return [rows[i] for i in order]


def _column(rows: list[tuple], i: int, kinds: dict[int, str]) -> list[tuple]:
    """Column ``i``'s sort keys, row by row; each distinct term keyed once (the answer's terms are shared objects)."""
    known: dict[int, tuple] = {}
    column = []
    for row in rows:
        term = row[i]
        key = known.get(id(term))
        if key is None:
            key = known[id(term)] = sort_key(term, kinds, i)
        column.append(key)
    return column
