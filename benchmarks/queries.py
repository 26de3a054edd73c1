"""Time each saved query inside one process, on the embedded store, without start-up costs.

``run.py`` times ``perfkg query NAME`` as a user runs it: a new process that
imports perfkg (≈ 0.3 s) and opens the store. Whether a query stays fast as
the store grows is the query's own time, so this script opens the store once
and times every saved query (bound with its defaults, answered with the union
of graphs as default graph, as ``perfkg query`` does), best of ``--repeat``.

Usage::

    python benchmarks/queries.py /tmp/perfkg-bench/store-100 --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator

from converter import catalog
from converter.query import store_backend


def time_queries(store: str, repeat: int, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, float, int]]:
    """(name, best seconds, rows) for every saved query but the skipped ones."""
    backend = store_backend(store)
    for saved in catalog.catalogue():
        if saved.name in skip:
            continue
        text = catalog.bind(saved)
        best, rows = float("inf"), 0
        for _ in range(repeat):
            started = time.perf_counter()
            rows = len(backend.select(text).rows)
            best = min(best, time.perf_counter() - started)
        yield saved.name, best, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time each saved query on an embedded store")
    parser.add_argument("store", help="the store folder (perfkg load … --store DIR)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--label", default="", help="a scale label for the table, e.g. 100×")
    parser.add_argument("--skip", nargs="*", default=[], help="queries not to run (known to take minutes)")
    args = parser.parse_args(argv)
    print("| scale | query | seconds (best of %d) | rows |\n|---|---|---:|---:|" % args.repeat)
    for name, seconds, rows in time_queries(args.store, args.repeat, frozenset(args.skip)):
        print(f"| {args.label} | {name} | {seconds:.3f} | {rows:,} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
