"""Time each saved query inside one process, on the embedded store, without start-up costs.

``run.py`` times ``perfkg query NAME`` as a user runs it: a new process that
imports perfkg (≈ 0.3 s) and opens the store. Whether a query stays fast as
the store grows is the query's own time, so this script opens the store once
and times every saved query (bound with its defaults, answered with the union
of graphs as default graph, as ``perfkg query`` does), best of ``--repeat``.

Both wall and CPU seconds are reported: on a shared machine the CPU time of
the query (which Oxigraph runs in the calling thread) is the steadier figure.
``--dir`` times the ``.rq`` files of another folder instead of the bundled ones
(e.g. a copy of the queries before a rewrite, to compare in one run).

Usage::

    python benchmarks/queries.py WORK/store-100 --repeat 3
    python benchmarks/queries.py WORK/store-100 --dir OLD-QUERIES --skip cost-per-output
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from converter import catalog
from converter.query import store_backend


def _queries(folder: str | None) -> list[catalog.SavedQuery]:
    if folder is None:
        return catalog.catalogue()
    return [catalog.load(path) for path in sorted(Path(folder).glob("*.rq"))]


def time_queries(
    store: str, repeat: int, skip: frozenset[str] = frozenset(), folder: str | None = None
) -> Iterator[tuple[str, float, float, int]]:
    """(name, best wall seconds, best CPU seconds, rows) for every query but the skipped ones."""
    backend = store_backend(store)
    for saved in _queries(folder):
        if saved.name in skip:
            continue
        text = catalog.bind(saved)
        wall = cpu = float("inf")
        rows = 0
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = len(backend.select(text).rows)
            wall = min(wall, time.perf_counter() - started)
            cpu = min(cpu, time.process_time() - started_cpu)
        yield saved.name, wall, cpu, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time each saved query on an embedded store")
    parser.add_argument("store", help="the store folder (perfkg load … --store DIR)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--label", default="", help="a scale label for the table, e.g. 100×")
    parser.add_argument("--skip", nargs="*", default=[], help="queries not to run (known to take minutes)")
    parser.add_argument("--dir", default=None, help="time the .rq files of this folder instead of the bundled queries")
    args = parser.parse_args(argv)
    print("| scale | query | wall s (best of %d) | CPU s | rows |\n|---|---|---:|---:|---:|" % args.repeat)
    for name, wall, cpu, rows in time_queries(args.store, args.repeat, frozenset(args.skip), args.dir):
        print(f"| {args.label} | {name} | {wall:.3f} | {cpu:.3f} | {rows:,} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
