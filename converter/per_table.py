"""A saved query answered one table graph at a time, the tables' answers merged in the query's order (issue 15).

The large listings (``indicators``: 125,400 rows at 100 tables) cost Oxigraph
hash tables over the whole store: a process answering ``indicators`` peaks at
967 MB, ``qualitative-targets`` at 801, ``period-annual-target-differences``
at 390, most of ``perfkg build``'s peak, and 8 GB at 1,000 tables. Asked of
one table graph at a time (with the shared graphs beside), the same query
holds one table's rows: 345, 159 and 142 MB, for about the same CPU (3 s more
for the third; benchmarks/QUERIES.md, "One table at a time").

That gives the answer of the whole store only when three things hold, and
each is checked, never assumed:

* **the query asks it**: its header says ``# per-table: yes`` (every row is
  about one table's resources, reached from them forward: a project, its
  indicators, their targets, its unit), it is ``SELECT DISTINCT``, and it ends
  in ``ORDER BY`` of plain variables (:func:`order_variables`);
* **the tables stand apart**: validation found no table naming another's
  resources, nor a shared resource only other tables describe, nor two tables
  describing one differently (:attr:`converter.validate.Report.apart`), and the
  store holds those tables and perfkg's shared graphs, nothing else
  (:func:`plan`);
* **the order can be told in Python**: every value the rows are ordered by is
  unbound, an IRI, an integer or decimal, a ``gYear`` or a plain string, one
  kind per variable, and each table's rows, as Oxigraph ordered them, are in
  the order :func:`converter.ordering.sort_key` gives. Anything else raises :class:`Unordered`
  as the rows are merged: the build drops what it wrote of that answer and
  asks the whole store instead.

Rows that compare equal on every ordering variable keep Oxigraph's order
within a table, the tables' order between tables; SPARQL leaves that order
open, and on the tables measured it is the whole store's (tests/test_per_table.py
compares the bytes).
"""

from __future__ import annotations

import heapq
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .ordering import Unordered, sort_key
from .query import Term, tsv_rows
from .validate import SHARED_GRAPH_NAMES

#: The graphs perfkg writes beside the tables, given to every table's query: those validation gives every table.
SHARED_GRAPHS = SHARED_GRAPH_NAMES

_ORDER = re.compile(r"\bORDER\s+BY\s+((?:\?[A-Za-z_][A-Za-z0-9_]*\s+)*\?[A-Za-z_][A-Za-z0-9_]*)\s*\Z", re.I)
_SELECT = re.compile(r"^\s*SELECT\s+(DISTINCT\s+)?", re.I | re.M)
#: A query that names graphs itself would see every graph from each table's query.
_OTHER_GRAPHS = re.compile(r"\b(GRAPH|FROM|SERVICE)\b", re.I)
_CHUNK = 1 << 14  # bytes read at a time from each table's answer


@dataclass(frozen=True)
class Plan:
    """The table graphs to ask one at a time and the graphs given to each."""

    tables: tuple[ox.NamedNode, ...]
    shared: tuple[ox.NamedNode | ox.DefaultGraph, ...]


def order_variables(text: str) -> list[str] | None:
    """The variables a query's answer is ordered by, when its first SELECT is DISTINCT and it ends in
    ``ORDER BY ?a ?b …`` (no DESC, no expression, no LIMIT); else None."""
    body = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else "" for line in text.splitlines())
    select = _SELECT.search(body)
    order = _ORDER.search(body.rstrip())
    if select is None or not select.group(1) or order is None or _OTHER_GRAPHS.search(body):
        return None
    return [v[1:] for v in order.group(1).split()]


def plan(store: ox.Store, apart: Iterable[str]) -> Plan | None:
    """The tables to ask one at a time, when the store holds the tables ``apart`` (validated, standing apart)
    and perfkg's shared graphs and nothing else; else None."""
    tables = frozenset(apart)
    if not tables:
        return None
    graphs = {g.value: g for g in store.named_graphs()}
    if set(graphs) - set(SHARED_GRAPHS) != tables:
        return None
    shared: list[ox.NamedNode | ox.DefaultGraph] = [graphs[g] for g in SHARED_GRAPHS if g in graphs]
    shared.append(ox.DefaultGraph())
    return Plan(tuple(graphs[g] for g in sorted(tables)), tuple(shared))


def solutions(store: ox.Store, text: str, found: Plan) -> tuple[list[str], Iterator[tuple[Term | None, ...]]] | None:
    """The query's variables and its rows, asked of one table at a time and merged; None when the query is not
    one this module merges (:func:`order_variables`).

    The rows come as they are merged: a value this module cannot order raises
    :class:`Unordered` on the way, and the caller drops what it wrote and asks
    the whole store (``perfkg build`` does, :func:`converter.pipeline._answer_queries`).
    Each table's answer is checked as it is read: its rows, in the order
    Oxigraph gave them, must be in the order :func:`sort_key` gives.
    """
    order = order_variables(text)
    if order is None:
        return None
    spool = tempfile.TemporaryFile()
    try:
        variables, regions = _spooled(store, text, found, spool)
        positions = [variables.index(v) for v in order]
    except Unordered:
        spool.close()
        return None
    except BaseException:
        spool.close()
        raise
    return variables, _merged(spool, regions, positions)


def _spooled(store: ox.Store, text: str, found: Plan, spool) -> tuple[list[str], list[tuple[int, int]]]:
    """Each table's answer as SPARQL TSV, one after another in ``spool``: the variables and each one's bytes."""
    variables: list[str] | None = None
    regions = []
    for table in found.tables:
        answer = store.query(text, default_graph=[table, *found.shared])
        if not isinstance(answer, ox.QuerySolutions):
            raise Unordered("not a SELECT")
        if variables is None:
            variables = [v.value for v in answer.variables]
        header = ("\t".join("?" + v for v in variables) + "\n").encode("utf-8")
        at = spool.tell()
        answer.serialize(spool, format=ox.QueryResultsFormat.TSV)
        spool.flush()
        if os.pread(spool.fileno(), len(header), at) != header:
            raise Unordered("Oxigraph's TSV header is not the one expected")
        regions.append((at + len(header), spool.tell()))
    return variables or [], regions


def _key(row: Sequence[Term | None], positions: list[int], kinds: dict[int, str]) -> tuple:
    return tuple(sort_key(row[i], kinds, i) for i in positions)


def _lines(fd: int, start: int, end: int) -> Iterator[bytes]:
    """The lines of bytes ``start:end`` of the file, read a chunk at a time (each table's reader its own)."""
    rest = b""
    while start < end:
        chunk = os.pread(fd, min(_CHUNK, end - start), start)
        if not chunk:
            break
        start += len(chunk)
        *lines, rest = (rest + chunk).split(b"\n")
        yield from lines
    if rest:
        yield rest


def _rows(spool, start: int, end: int, made: dict[str, Term]) -> Iterator[tuple[Term | None, ...]]:
    """The rows of one table's answer, bytes ``start:end`` of the spool."""
    return tsv_rows(_lines(spool.fileno(), start, end), made)


def _merged(spool, regions: list[tuple[int, int]], positions: list[int]) -> Iterator[tuple]:
    """The tables' rows in the query's order, a row that two tables both give once (the answer is DISTINCT)."""
    made: dict[str, Term] = {}
    kinds: dict[int, str] = {}

    def keyed(index: int, start: int, end: int) -> Iterator[tuple[tuple, tuple]]:
        """Table ``index``'s rows with their keys (the table's place breaks ties: the merge keeps its order)."""
        last = None
        for row in _rows(spool, start, end, made):
            key = _key(row, positions, kinds)
            if last is not None and key < last:
                raise Unordered("a table's rows are not in the order this module gives")
            last = key
            yield (key, index), row

    with spool:
        streams = [keyed(index, start, end) for index, (start, end) in enumerate(regions)]
        current = None
        seen: set[tuple] = set()  # the rows given so far with the current key
        for (key, _), row in heapq.merge(*streams, key=lambda item: item[0]):
            if key != current:
                current, seen = key, set()
            if row in seen:
                continue
            seen.add(row)
            yield row
