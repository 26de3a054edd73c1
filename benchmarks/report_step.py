"""The report step of ``perfkg build`` alone, for one or more code trees, on one built store (issue 15).

Usage::

    python benchmarks/report_step.py --store STORE --work WORK --trees BEFORE AFTER [--repeat K]

The report's queries that the build answers (``report.asked()`` with the
saved queries' default parameters) are asked once on the store and their rows saved (``WORK/kept.pickle``); then, for each
tree in turn, a fresh process imports that tree's ``converter``, turns the saved
rows into the rows that tree's build keeps (a dict per row, or
``report.row_type`` tuples where the tree has it; repeated values held once,
as the build holds them), and times ``write_report(…, known=…)`` alone: CPU
seconds (user + system of that process) and how far its peak RSS rose above
what it held before the call (the peak reset through ``/proc/self/clear_refs``, Linux). The site goes to ``WORK/site-I`` (I = the
tree's place in ``--trees``), so two trees' sites can be compared with
``diff -r``. ``top-projects-by-amount`` is asked by the report with another
limit than the build's, so every tree asks that one of the store itself.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import re
import resource
import subprocess
import sys
from pathlib import Path


def save_rows(store: Path, path: Path) -> None:
    from converter import catalog, query, report

    backend = query.store_backend(store)
    saved = {}
    built = {catalog.bind(s) for s in catalog.catalogue()}  # the texts the build answers (default parameters)
    for text in report.asked() & built:
        variables, rows = backend.solutions(text)
        saved[text] = (list(variables), [[None if t is None else t.value for t in row] for row in rows])
    with path.open("wb") as out:
        pickle.dump(saved, out)


def _status(field: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)[1]) / 1024


def child(tree: Path, store: Path, rows_path: Path, site: Path) -> dict:
    sys.path.insert(0, str(tree))
    from converter import query, report

    with rows_path.open("rb") as stream:
        saved = pickle.load(stream)
    known = {}
    for text, (variables, rows) in saved.items():
        strings: dict[str, str] = {}
        if hasattr(report, "row_type"):
            make = report.row_type(tuple(variables))
            known[text] = [make._make(None if v is None else strings.setdefault(v, v) for v in row) for row in rows]
        else:
            known[text] = [{k: None if v is None else strings.setdefault(v, v) for k, v in zip(variables, row)} for row in rows]
    del saved
    gc.collect()
    backend = query.store_backend(store)
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak RSS (VmHWM) starts again from now
    held = _status("VmRSS")
    before = resource.getrusage(resource.RUSAGE_SELF)
    summary = report.write_report(backend, site, known=known)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {"tree": str(tree), "cpu": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "rss_before_mb": round(held), "rss_rise_mb": round(_status("VmHWM") - held),
            "pages": summary.pages, "module": report.__file__}  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--trees", type=Path, nargs="+", default=[])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=4, metavar=("TREE", "STORE", "ROWS", "SITE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*map(Path, args.child))))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    rows = args.work / "kept.pickle"
    if not rows.exists():
        save_rows(args.store, rows)
    for round_ in range(args.repeat):
        for i, tree in enumerate(args.trees):
            done = subprocess.run([sys.executable, __file__, "--store", str(args.store), "--work", str(args.work),
                                   "--child", str(tree.resolve()), str(args.store), str(rows), str(args.work / f"site-{i}")],
                                  check=True, capture_output=True, text=True, cwd=tree)  # fmt: skip
            print(round_, done.stdout.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
