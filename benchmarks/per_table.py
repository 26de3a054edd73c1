"""A saved query on the whole store against the same query one table graph at a time (issue 15).

Usage::

    python benchmarks/per_table.py STORE --query indicators [--query …] [--batch 1]

Each way runs in a process of its own, so each peak (``ru_maxrss``) is that
way's alone. The whole store is queried as ``perfkg build`` does: the union of
the graphs as the default graph (``use_default_graph_as_union``). One table at
a time, the default graph is ``--batch`` table graphs (IRIs holding
``/table/``) and every other graph (the vocabulary, the reference schemes, the
load records). The rows are iterated, not decoded into Python terms, on both
sides. The script prints a Markdown table: CPU seconds (user + system), rows,
peak MB. It measures; it does not say the two ways give the same rows in the
same order, which they need not (merging the tables' answers in the query's
order is the part perfkg does not have).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_way(store_path: str, name: str, batch: int) -> dict:
    """Run the query one way in this process: ``batch`` 0 is the whole store."""
    import pyoxigraph as ox

    from converter import catalog

    store = ox.Store.read_only(store_path)
    text = catalog.bind(catalog.load(name))
    started, rows = _cpu(), 0
    if batch == 0:
        rows = sum(1 for _ in store.query(text, use_default_graph_as_union=True))
    else:
        graphs = sorted(store.named_graphs(), key=lambda g: g.value)
        shared = [g for g in graphs if "/table/" not in g.value] + [ox.DefaultGraph()]
        tables = [g for g in graphs if "/table/" in g.value]
        for i in range(0, len(tables), batch):
            rows += sum(1 for _ in store.query(text, default_graph=tables[i : i + batch] + shared))
    return {"cpu": _cpu() - started, "rows": rows, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--query", action="append", required=True)
    parser.add_argument("--batch", type=int, default=1, help="table graphs per query (default 1)")
    parser.add_argument("--way", type=int, help=argparse.SUPPRESS)  # the child process's side
    args = parser.parse_args(argv)
    if args.way is not None:
        print(json.dumps(one_way(args.store, args.query[0], args.way)))
        return 0
    print(f"| query | whole store: CPU s | rows | peak MB | {args.batch} table(s) at a time: CPU s | rows | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.query:
        found = []
        for way in (0, args.batch):
            out = subprocess.run([sys.executable, __file__, args.store, "--query", name, "--way", str(way)],
                                 capture_output=True, text=True, check=True)  # fmt: skip
            found.append(json.loads(out.stdout))
        whole, parts = found
        print(f"| {name} | {whole['cpu']:.2f} | {whole['rows']:,} | {whole['peak_mb']:.0f} "
              f"| {parts['cpu']:.2f} | {parts['rows']:,} | {parts['peak_mb']:.0f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
