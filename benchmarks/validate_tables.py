"""Validate one table's graph at a time, in process: issue 9, item 3.

``perfkg validate`` now does this itself (:func:`converter.validate.validate_tables`);
this script times it inside one process (no start-up cost) and, with
``--whole``, also runs the union path on the same input and checks that the two
reports are equal — results, order, text — printing the CPU time of each.

Usage::

    python benchmarks/validate_tables.py WORK/100.nq
    python benchmarks/validate_tables.py WORK/10.nq --whole     # and compare with the union
    python benchmarks/validate_tables.py WORK/10.txt            # source tables, converted as they stream
"""

from __future__ import annotations

import argparse
import sys
import time

from converter.convert import graph_of
from converter.validate import as_text, tables_of_files, validate, validate_tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="validate table by table (and, with --whole, compare with the union)")
    parser.add_argument("inputs", nargs="+", help="N-Quads/TriG files or source tables")
    parser.add_argument("--engine", default="shacl-rust")
    parser.add_argument("--whole", action="store_true", help="also validate the union and require the same report")
    args = parser.parse_args(argv)
    started = time.process_time()
    report = validate_tables(tables_of_files(args.inputs), args.engine)
    cpu = time.process_time() - started
    tables = len({r.table for r in report.results if r.table})
    counts = report.counts()
    print(f"table by table: {tables} table(s) with results; violations: {counts['Violation']}, "
          f"warnings: {counts['Warning']}, infos: {counts['Info']}; {cpu:.1f} CPU s")
    if not args.whole:
        return 0
    started = time.process_time()
    whole = validate(graph_of(args.inputs), args.engine)
    cpu = time.process_time() - started
    same = whole.results == report.results and as_text(whole, limit=0) == as_text(report, limit=0)
    print(f"whole union: {len(whole.results)} result(s); {cpu:.1f} CPU s; same report: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
