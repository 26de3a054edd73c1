"""Time SHACL validation of the bundled table at 1×, 10× and 100× its size.

Usage::

    .venv/bin/python benchmarks/validation.py                       # shacl-rust 1, 10, 100; pyshacl 1, 10
    .venv/bin/python benchmarks/validation.py --engine pyshacl --scale 1
    .venv/bin/python benchmarks/validation.py --shapes arithmetic.ttl core.ttl quality.ttl \
        --runs shacl-rust:1 shacl-rust:10 shacl-rust:100 pyshacl:1 pyshacl:10

The N× graph is N copies of the bundled table's graph, copy i with the IRIs of
the table's own resources moved under ``{base}copy{i}/`` (so tables, organisations, projects and
indicators stay distinct and the shapes see N departments), plus one copy of
the concept schemes. Each measurement runs in its own process, so the peak
resident memory it reports is that run's: build the store, then time
``converter.validate.validate`` (N-Triples out of the store, the engine, naming
the focus nodes). Results go to stdout as a Markdown table; copy them into
VALIDATION.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
DEFAULT_RUNS = [("shacl-rust", 1), ("shacl-rust", 10), ("shacl-rust", 100), ("pyshacl", 1), ("pyshacl", 10)]


def scaled_quads(scale: int) -> Iterator[ox.Quad]:
    """The bundled table's quads, ``scale`` times, each copy under its own IRIs."""
    from converter.convert import graph_of
    from converter.vocab import DEFAULT_BASE

    original = list(graph_of([SOURCE]))
    for copy in range(scale):
        prefix = DEFAULT_BASE if copy == 0 else f"{DEFAULT_BASE}copy{copy}/"
        for q in original:
            if copy and not _under(q.graph_name, DEFAULT_BASE):
                continue  # the vocabulary and reference graphs: once
            yield ox.Quad(*(_moved(t, DEFAULT_BASE, prefix) for t in (q.subject, q.predicate, q.object, q.graph_name)))


#: IRIs of one table's own resources; the period and the software stay shared, as between real tables.
_OWN = ("table/", "org/", "indicator/", "source/")


def _under(term: object, base: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(base)


def _moved(term, base: str, prefix: str):
    if _under(term, base) and term.value[len(base) :].startswith(_OWN):
        return ox.NamedNode(prefix + term.value[len(base) :])
    return term


def measure(engine: str, scale: int, shapes: tuple[str, ...] | None = None) -> dict:
    """One run in this process: the store is built first, then validation is timed."""
    from converter.validate import validate

    store = ox.Store()
    store.bulk_extend(scaled_quads(scale))
    start = time.perf_counter()
    report = validate(store, engine, shapes)
    seconds = time.perf_counter() - start
    return {
        "engine": engine,
        "scale": scale,
        "triples": len(store),
        "seconds": round(seconds, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "counts": report.counts(),
    }


def _run_child(engine: str, scale: int, timeout: float, shapes: list[str] | None) -> dict:
    argv = [sys.executable, __file__, "--engine", engine, "--scale", str(scale), "--child"]
    argv += ["--shapes", *shapes] if shapes else []
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "scale": scale, "seconds": f"> {timeout:.0f} (stopped)"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["shacl-rust", "pyshacl"])
    parser.add_argument("--scale", type=int)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run before it is stopped")
    parser.add_argument("--shapes", nargs="+", metavar="FILE", help="shape files to use (default: all of shapes/)")
    parser.add_argument("--runs", nargs="+", metavar="ENGINE:SCALE", help="runs to make, e.g. shacl-rust:1 pyshacl:10")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.engine, args.scale, tuple(args.shapes) if args.shapes else None)))
        return 0
    runs = [(e, int(n)) for e, n in (r.split(":") for r in args.runs)] if args.runs else DEFAULT_RUNS
    if args.engine and args.scale:
        runs = [(args.engine, args.scale)]
    print(f"shapes: {' '.join(args.shapes) if args.shapes else 'all of shapes/'}")
    print("| engine | scale | triples | seconds | peak RSS (MB) | violations / warnings / infos |")
    print("|---|---|---|---|---|---|")
    for engine, scale in runs:
        r = _run_child(engine, scale, args.timeout, args.shapes)
        counts = r.get("counts", {})
        found = " / ".join(str(counts.get(s, "–")) for s in ("Violation", "Warning", "Info"))
        print(f"| {engine} | {scale}× | {r.get('triples', '–')} | {r['seconds']} | {r.get('peak_rss_mb', '–')} | {found} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
