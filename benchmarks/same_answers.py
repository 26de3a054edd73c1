"""Do two folders of saved queries give the same answers on a store? Rows as strings, order included.

A rewrite of a saved query for speed must not change its answer. This script
runs every query of OLD_DIR and the query of the same name in NEW_DIR on one
embedded store (bound with their defaults, or with the values given by
``--param``, answered with the union of graphs as default graph, as ``perfkg
query --store`` does), writes each answer as SPARQL TSV (every term in
N-Triples syntax: value, datatype and language tag; one line per row, in the
order the engine returned them) and compares the two texts. It prints, per
query, the rows, the CPU seconds (``time.process_time()``, user + sys of this
process; Oxigraph answers in the calling thread) of the old and the new text
measured in this one run, and ``equal`` or ``DIFFERENT``; the exit status is 1
when any answer differs. A query whose two files are the same text is run once
and reported as ``same text`` (``--all`` runs both anyway).

Usage::

    python benchmarks/same_answers.py OLD_DIR NEW_DIR STORE
    python benchmarks/same_answers.py OLD_DIR queries STORE --only indicators duplicate-project-names
    python benchmarks/same_answers.py OLD_DIR queries STORE --only indicators --param indicators project=市就业补助资金（越秀区）

``--param NAME KEY=VALUE`` runs NAME bound with that value as well as with its
defaults (give it again for more values of the same query: each binding is a
case of its own, reported as ``NAME [KEY=VALUE]``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from converter import catalog
from converter.query import store_backend, write_tsv


def _answer(backend, saved: catalog.SavedQuery, values: dict[str, str]) -> tuple[str, int, float]:
    text = catalog.bind(saved, values)
    started = time.process_time()
    result = backend.select(text)
    cpu = time.process_time() - started
    return write_tsv(result), len(result.rows), cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="compare the answers of two folders of saved queries on one store")
    parser.add_argument("old", help="folder of the .rq files before the change")
    parser.add_argument("new", help="folder of the .rq files after it")
    parser.add_argument("store", help="an embedded store (perfkg load … --store DIR)")
    parser.add_argument("--only", nargs="*", default=None, help="these queries only")
    parser.add_argument("--skip", nargs="*", default=[], help="queries not to run")
    parser.add_argument("--param", nargs=2, action="append", default=[], metavar=("NAME", "KEY=VALUE"),
                        help="run NAME with this parameter bound (repeatable)")  # fmt: skip
    parser.add_argument("--all", action="store_true", help="run both texts even when they are the same")
    args = parser.parse_args(argv)

    old = {p.stem: catalog.load(p) for p in sorted(Path(args.old).glob("*.rq"))}
    new = {p.stem: catalog.load(p) for p in sorted(Path(args.new).glob("*.rq"))}
    names = sorted(set(old) | set(new))
    if args.only is not None:
        names = [n for n in names if n in args.only]
    names = [n for n in names if n not in args.skip]
    bound: dict[str, list[dict[str, str]]] = {}
    for name, assignment in args.param:
        bound.setdefault(name, []).append(catalog.parse_assignments([assignment]))

    backend = store_backend(args.store)
    print(f"store {args.store}; CPU s of this process per answer, old and new text in this run")
    print("| query | rows | old CPU s | new CPU s | answers |\n|---|---:|---:|---:|---|")
    different = 0
    for name in names:
        if name not in old or name not in new:
            print(f"| {name} | | | | only in {'new' if name in new else 'old'} |")
            continue
        for values in [{}, *bound.get(name, [])]:
            label = name + (" [" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]" if values else "")
            if old[name].text == new[name].text and not args.all:
                _, rows, cpu = _answer(backend, new[name], values)
                print(f"| {label} | {rows:,} | {cpu:.3f} | (same text) | same text |", flush=True)
                continue
            old_tsv, old_rows, old_cpu = _answer(backend, old[name], values)
            new_tsv, new_rows, new_cpu = _answer(backend, new[name], values)
            same = old_tsv == new_tsv
            different += not same
            verdict = "equal" if same else f"DIFFERENT ({old_rows:,} old rows)"
            digest = hashlib.sha256(new_tsv.encode()).hexdigest()[:12]
            print(f"| {label} | {new_rows:,} | {old_cpu:.3f} | {new_cpu:.3f} | {verdict}, sha256 {digest} |", flush=True)
    print(f"{different} answer(s) different")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
