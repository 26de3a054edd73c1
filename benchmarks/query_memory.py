"""What each saved query costs in memory over the whole store: each asked in a process of its own (issue 15).

``perfkg build``'s peak is the memory it holds plus the largest query's own
hash tables and sorts, so what a query adds is measured alone: a new process
opens the store read-only, notes its peak RSS (``ru_maxrss``), asks the query
as ``perfkg query --store`` does (bound with its defaults, the union of the
graphs as default graph), iterates every row without decoding it, and reports
its CPU seconds (``time.process_time()``: Oxigraph answers in the calling
thread) and the peak it reached. ``--dir`` measures the ``.rq`` files of
another folder (a copy of the queries before a rewrite), to compare in one run.

Usage::

    python benchmarks/query_memory.py WORK/store-100
    python benchmarks/query_memory.py WORK/store-100 --only result-targets execution-by-unit --dir OLD-QUERIES
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from converter import catalog


def measure(store: str, path: str) -> dict:
    """In this process: open the store, ask the query of ``path``, return its rows, CPU s and peak MB."""
    saved = catalog.load(Path(path))
    text = catalog.bind(saved)
    opened = ox.Store.read_only(store)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.process_time()
    rows = sum(1 for _ in opened.query(text, use_default_graph_as_union=True))
    cpu = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"query": saved.name, "rows": rows, "cpu": cpu, "peak_mb": peak, "base_mb": base}


def _paths(folder: str | None, only: list[str]) -> list[Path]:
    root = Path(folder) if folder else Path(__file__).resolve().parent.parent / "queries"
    paths = sorted(root.glob("*.rq"))
    chosen = [p for p in paths if not only or p.stem in only]
    return [p for p in chosen if not catalog.load(p).federated]  # offline ones only


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="each saved query's memory over the whole store, in its own process")
    parser.add_argument("store", help="the store folder (perfkg load … --store DIR)")
    parser.add_argument("--only", nargs="*", default=[], help="these queries only (names)")
    parser.add_argument("--dir", default=None, help="the .rq files of this folder instead of the bundled queries")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child: measure this .rq file, print JSON
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.store, args.one)))
        return 0
    print("| query | rows | CPU s | peak MB | of which the query |\n|---|---:|---:|---:|---:|")
    for path in _paths(args.dir, args.only):
        out = subprocess.run([sys.executable, __file__, args.store, "--one", str(path)], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        got = json.loads(out)
        print(f"| {got['query']} | {got['rows']:,} | {got['cpu']:.2f} | {got['peak_mb']:.0f} | "
              f"{got['peak_mb'] - got['base_mb']:.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
