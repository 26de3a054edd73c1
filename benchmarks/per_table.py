"""A saved query asked of the whole store against the same query one table graph at a time (issue 15).

Usage::

    python benchmarks/per_table.py STORE --query indicators [--query …] [--repeat 3]

Both ways are what ``perfkg build`` does, up to the answer written as SPARQL
CSV: the whole store through ``OxigraphBackend.solutions`` (the union of the
graphs as the default graph), and one table at a time through
:func:`converter.per_table.solutions` (each table graph with perfkg's shared
graphs, the answers merged in the query's order). Each run is a process of
its own, so its peak (``ru_maxrss``, the rows held as Python terms included)
is that way's alone; the two ways alternate, ``--repeat`` times each, and the
least CPU seconds (user + system) and the largest peak are printed, with every
run's CPU. The script also says whether the two CSVs are the same bytes. The
store must hold only table graphs (IRIs with ``/table/``) and the shared graphs.
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


def one_way(store_path: str, name: str, way: str) -> dict:
    """Answer the query one way in this process and write its SPARQL CSV: ``whole`` or ``table``."""
    import hashlib

    import pyoxigraph as ox

    from converter import catalog, per_table, query

    store = ox.Store.read_only(store_path)
    text = catalog.bind(catalog.load(name))
    started = _cpu()
    if way == "whole":
        variables, rows = query.OxigraphBackend(store).solutions(text)
    else:
        tables = [g.value for g in store.named_graphs() if g.value not in per_table.SHARED_GRAPHS]
        found = per_table.plan(store, tables)
        answer = per_table.solutions(store, text, found) if found else None
        if answer is None:
            raise SystemExit(f"{name}: not asked one table at a time (see converter/per_table.py)")
        variables, rows = answer
    result = query.Result(variables, list(rows))
    csv = query.write_csv(result).encode("utf-8")
    return {"cpu": _cpu() - started, "rows": len(result.rows), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "sha256": hashlib.sha256(csv).hexdigest()}  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--query", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way (default 3)")
    parser.add_argument("--way", help=argparse.SUPPRESS)  # the child process's side
    args = parser.parse_args(argv)
    if args.way is not None:
        print(json.dumps(one_way(args.store, args.query[0], args.way)))
        return 0
    print("| query | rows | whole store: CPU s (runs) | peak MB | one table at a time: CPU s (runs) | peak MB | same CSV |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in args.query:
        runs: dict[str, list[dict]] = {"whole": [], "table": []}
        for i in range(args.repeat):
            for way in ("whole", "table") if i % 2 == 0 else ("table", "whole"):
                out = subprocess.run([sys.executable, __file__, args.store, "--query", name, "--way", way],
                                     capture_output=True, text=True, check=True)  # fmt: skip
                runs[way].append(json.loads(out.stdout))
        cells = []
        for way in ("whole", "table"):
            cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs[way])
            cells += [f"{min(r['cpu'] for r in runs[way]):.2f} ({cpus})", f"{max(r['peak_mb'] for r in runs[way]):.0f}"]
        same = len({r["sha256"] for way in runs.values() for r in way}) == 1
        print(f"| {name} | {runs['whole'][0]['rows']:,} | {' | '.join(cells)} | {'yes' if same else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
