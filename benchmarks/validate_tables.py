"""Validate an N-Quads file one table's graph at a time: the scaling design of issue 9, item 3.

``perfkg validate`` hands the whole union of graphs to the SHACL engine at
once: time stays about linear with shacl-rust, but memory grows with the input
(≈ 65 MB per table), so a province cannot be validated in one piece. Every
shape's focus node lies inside one table's graph (the 合计/unit arithmetic is
within a table too), so validating each table with the shared graphs (concept
schemes, places, fiscal years) beside it finds the same results: this script
does that while reading the N-Quads as a stream, holding one table at a time,
and removes the duplicates the shared resources give (they are validated with
every table).

It prints the result counts by severity, the time and the tables; compare with
``perfkg validate FILE.nq`` (the same counts are expected; run.py's README
section shows both).

Usage::

    python benchmarks/validate_tables.py /tmp/perfkg-bench/100.nq
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pyoxigraph as ox

from converter.validate import validate
from converter.vocab import PK, RDF


def tables_of(path: str) -> Iterator[tuple[list[ox.Quad], list[ox.Quad]]]:
    """(one table's quads, the shared quads seen so far) for each table of an N-Quads file.

    perfkg writes a table's graph in one piece, then the shared quads it
    points to (reference graph), so a table is complete when the next starts.
    """
    shared: list[ox.Quad] = []
    current: list[ox.Quad] = []
    graph = None
    tables: set[ox.NamedNode] = set()
    with open(path, "rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name
            if quad.predicate == RDF.type and quad.object == PK.PerformanceGoalsTable and quad.subject == name:
                tables.add(name)
            if name == graph:
                current.append(quad)
            elif name in tables or _starts_table(quad):
                if current:
                    yield current, shared
                graph, current = name, [quad]
            else:
                shared.append(quad)
    if current:
        yield current, shared


def _starts_table(quad: ox.Quad) -> bool:
    """The first quad of a table's graph: its subject is the graph's IRI or under it."""
    name = quad.graph_name
    return isinstance(name, ox.NamedNode) and isinstance(quad.subject, ox.NamedNode) and (
        quad.subject.value == name.value or quad.subject.value.startswith(name.value + "/")
    )


def validate_tables(path: str, engine: str = "shacl-rust") -> tuple[Counter, int]:
    """Result counts by severity (duplicates from shared resources removed) and the number of tables."""
    seen: set[tuple] = set()
    counts: Counter = Counter()
    tables = 0
    for table, shared in tables_of(path):
        store = ox.Store()
        store.bulk_extend(shared + table)
        tables += 1
        for result in validate(store, engine).results:
            key = (result.focus, result.shape, result.component, result.path, result.value, result.severity)
            if key not in seen:
                seen.add(key)
                counts[result.severity] += 1
    return counts, tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="validate an N-Quads file table by table")
    parser.add_argument("nquads")
    parser.add_argument("--engine", default="shacl-rust")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts, tables = validate_tables(args.nquads, args.engine)
    seconds = time.perf_counter() - started
    print(f"{tables} table(s); violations: {counts['Violation']}, warnings: {counts['Warning']}, "
          f"infos: {counts['Info']}; {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
