"""Where a saved query's CPU time goes on the embedded store: evaluation, each join, the answer's terms (issue 15).

Usage::

    python benchmarks/query_parts.py STORE [--query indicators] [--predicate pk:sequence]

On the store (opened read-only) it times, in CPU seconds of this process
(Oxigraph's threads included):

* the saved query with its default parameters, each row made a Python tuple
  (what ``perfkg build`` does), and the same answer serialized by Oxigraph to
  SPARQL TSV (no Python object at all);
* ``COUNT(*)`` over the same WHERE clause: the joins alone, no result term
  decoded;
* that count again with each top-level ``OPTIONAL`` line left out in turn
  (and its ``FILTER (BOUND(…))`` with it): what that one join costs;
* one predicate's triples listed (``?s ?o``) against counted: what decoding
  result terms costs;
* the answer as ``perfkg build`` takes it (``OxigraphBackend.solutions``:
  Oxigraph's TSV read back as perfkg terms), then those rows written as
  SPARQL CSV (``query.write_csv``): the floor of issue 15's goal that a
  large listing cost within 3× of writing its rows.

The question it answers: is a listing slow because of its rows (decoding,
Python) or because of its joins? Measured on 100 tables in benchmarks/QUERIES.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from converter import catalog, query  # noqa: E402


def _cpu(run) -> tuple[float, int]:
    started = time.process_time()
    rows = run()
    return time.process_time() - started, rows


def _count_rows(store: ox.Store, text: str) -> int:
    return sum(1 for _ in store.query(text, use_default_graph_as_union=True))


def _count_value(store: ox.Store, text: str) -> int:
    (row,) = list(store.query(text, use_default_graph_as_union=True))
    return int(row[0].value)


def _answer(backend: query.OxigraphBackend, text: str) -> query.Result:
    variables, rows = backend.solutions(text)
    return query.Result(variables, list(rows))


def _as_count(text: str) -> str:
    """The query with its projection replaced by COUNT(*) and its modifiers dropped."""
    head, where = text[: text.index("\nSELECT")], text[text.index("\nSELECT") :]
    where = where[where.index("WHERE") :]
    where = re.split(r"\n(ORDER BY|LIMIT|GROUP BY)", where)[0]
    return f"{head}\nSELECT (COUNT(*) AS ?n) {where}"


def _without_line(text: str, index: int) -> str:
    """The text without its ``index``-th top-level OPTIONAL line and the FILTER (BOUND) right after it."""
    lines = text.split("\n")
    optional = [i for i, line in enumerate(lines) if line.startswith("  OPTIONAL")]
    at = optional[index]
    drop = {at}
    if at + 1 < len(lines) and lines[at + 1].strip().startswith("FILTER (BOUND("):
        drop.add(at + 1)
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--query", default="indicators")
    parser.add_argument("--predicate", default="pk:sequence", help="the predicate listed against counted")
    args = parser.parse_args(argv)
    store = ox.Store.read_only(args.store)
    text = catalog.bind(catalog.load(args.query))
    out = []
    seconds, rows = _cpu(lambda: sum(1 for _ in (tuple(s) for s in store.query(text, use_default_graph_as_union=True))))
    out.append(("the answer, rows as Python tuples", seconds, rows))
    seconds, _ = _cpu(lambda: len(store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.TSV)))
    out.append(("the answer serialized to TSV by Oxigraph", seconds, rows))
    count = _as_count(text)
    seconds, n = _cpu(lambda: _count_value(store, count))
    out.append(("COUNT(*) over its WHERE (the joins, no term decoded)", seconds, n))
    optional = [line.strip()[:70] for line in count.split("\n") if line.startswith("  OPTIONAL")]
    for index, line in enumerate(optional):
        without = _without_line(count, index)
        less, n = _cpu(lambda: _count_value(store, without))
        out.append((f"  without `{line}…`", less, n))
    prefixes = "PREFIX pk: <https://w3id.org/perfkg/ontology#>\n"
    listed = f"{prefixes}SELECT ?s ?o WHERE {{ ?s {args.predicate} ?o }}"
    counted = f"{prefixes}SELECT (COUNT(*) AS ?n) WHERE {{ ?s {args.predicate} ?o }}"
    seconds, n = _cpu(lambda: _count_rows(store, listed))
    out.append((f"{args.predicate}: its triples listed", seconds, n))
    seconds, n = _cpu(lambda: _count_value(store, counted))
    out.append((f"{args.predicate}: its triples counted", seconds, n))
    backend = query.OxigraphBackend(store)
    seconds, result = _cpu(lambda: _answer(backend, text))
    out.append(("the answer as perfkg build takes it (OxigraphBackend.solutions)", seconds, len(result.rows)))
    seconds, _ = _cpu(lambda: query.write_csv(result))
    out.append(("those rows written as SPARQL CSV (write_csv): the floor", seconds, len(result.rows)))
    print(f"| {args.query}: what is timed | CPU s | rows or count |\n|---|---:|---:|")
    for what, seconds, n in out:
        print(f"| {what} | {seconds:.2f} | {n:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
