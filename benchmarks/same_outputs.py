"""Show that ``perfkg build`` writes the same outputs as a baseline commit, byte for byte (issue 15).

The main job's outputs are the graph files (``graph.ttl``, ``graph.nq``),
the validation report (``validation.txt``) and every saved query's answer
(``queries/*.csv``); the store is compared too, as its quads sorted (the
store's files themselves depend on how it was compacted). For each scale the
script generates the input (generate.py), runs ``perfkg build`` with the
baseline's code (``git archive`` of the commit, run with this Python and its
packages) and with this checkout's, and compares every file of the two output
folders.

Usage::

    python benchmarks/same_outputs.py --baseline 9dc1617 --scales 1 10 --workdir WORK
    python benchmarks/same_outputs.py --compare OUT_A STORE_A OUT_B STORE_B   # two builds made already

Exit code 0 when everything is the same, 1 when a file differs (each named).
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def store_lines(store: Path) -> list[bytes]:
    """The store's quads as sorted N-Quads lines (opened read-only)."""
    dump = ox.Store.read_only(str(store)).dump(format=ox.RdfFormat.N_QUADS) or b""
    return sorted(dump.splitlines())


def compare(out_a: Path, store_a: Path, out_b: Path, store_b: Path) -> list[str]:
    """What differs between two builds' outputs and stores (empty: the same bytes)."""
    found = []
    names_a, names_b = _files(out_a), _files(out_b)
    found += [f"only in {out_a}: {n}" for n in sorted(names_a - names_b)]
    found += [f"only in {out_b}: {n}" for n in sorted(names_b - names_a)]
    for name in sorted(names_a & names_b):
        if not filecmp.cmp(out_a / name, out_b / name, shallow=False):
            found.append(f"differs: {name}")
    if store_lines(store_a) != store_lines(store_b):
        found.append("differs: the store's quads")
    return found


def _build(code: Path, source: Path, out: Path, store: Path) -> None:
    subprocess.run([sys.executable, "-m", "converter", "build", str(source), "--out", str(out), "--store", str(store)],
                   cwd=code, check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="the commit whose outputs are the reference")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "perfkg-same")
    parser.add_argument("--compare", nargs=4, type=Path, metavar=("OUT_A", "STORE_A", "OUT_B", "STORE_B"))
    args = parser.parse_args(argv)
    if args.compare:
        found = compare(*args.compare)
        print("\n".join(found) or "the same bytes: graph files, validation report, every answer, the store's quads")
        return 1 if found else 0
    if not args.baseline:
        parser.error("give --baseline COMMIT or --compare")
    work = args.workdir
    baseline = work / "baseline"
    baseline.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, check=True, capture_output=True).stdout
    with tempfile.TemporaryFile() as tar:
        tar.write(archive)
        tar.seek(0)
        tarfile.open(fileobj=tar).extractall(baseline, filter="data")
    failed = False
    for scale in args.scales:
        source = work / f"{scale}.txt"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--departments", str(scale), "-o", str(source)], check=True)
        runs = {}
        for name, code in (("baseline", baseline), ("now", ROOT)):
            out, store = work / f"{name}-{scale}", work / f"{name}-store-{scale}"
            _build(code, source, out, store)
            runs[name] = (out, store)
        found = compare(*runs["baseline"], *runs["now"])
        failed |= bool(found)
        print(f"{scale}×: " + ("; ".join(found) if found else "the same bytes (graph files, report, "
                                f"{len(list((runs['now'][0] / 'queries').glob('*.csv')))} answers, store quads)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
