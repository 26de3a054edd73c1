"""Per-project forms at scale: `perfkg convert` on 1,000 forms in one .xlsx and on a 200-page PDF (issue 13).

Each case runs `perfkg convert FILE --format nt -o OUT --jobs 1` in its own
process, measured by GNU time: CPU seconds (user + system) and the peak
resident memory. Beside them, in the same run, the baseline: the bundled
Guangzhou text table (258 projects, 1,262 indicators) converted the same way.
Two sizes of each show whether the cost is per form (linear CPU) and whether
memory stays flat as the document grows.

The forms are the Liuan Jin'an form of tests/data/forms/ (merged cells,
numbers in 0.00 and 0%), one per sheet or per page, each with its own project
name and amount, generated with the builders benchmarks/formats.py uses (the reading-only benchmark).

Usage, from the repository root (needs GNU time: `apt-get install time`)::

    .venv/bin/python benchmarks/forms.py --workdir WORK --forms 100 1000 --pages 20 200

The figures go into benchmarks/README.md ("Forms"). The machine is shared:
compare the rows of one run with each other, not across runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


def _formats():
    """benchmarks/formats.py, whose form builders (the Liuan Jin'an form, numbered) this benchmark shares."""
    spec = importlib.util.spec_from_file_location("formats_bench", ROOT / "benchmarks" / "formats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(workdir: Path, forms: list[int], pages: list[int]) -> dict[str, Path]:
    bench = _formats()
    make = bench._fixtures()
    _form = bench._form
    out: dict[str, Path] = {}
    for n in forms:
        path = workdir / f"forms-{n}.xlsx"
        if not path.exists():
            path.write_bytes(make.xlsx_book([(f"表{i:04d}", _form(make, i)) for i in range(n)], make.JINAN))
        out[f"xlsx {n} forms"] = path
    titles = ["项目支出绩效目标表", "(2025年度)", "项目责任人:　　　　　　单位(盖章):"]
    for n in pages:
        path = workdir / f"forms-{n}.pdf"
        if not path.exists():
            path.write_bytes(make.pdf_forms(make.JINAN, [(titles, _form(make, i)[4:]) for i in range(n)], [48, 70, 70, 150, 130]))
        out[f"pdf {n} pages"] = path
    return out


def measure(path: Path, workdir: Path) -> tuple[float, int]:
    perfkg = Path(sys.executable).with_name("perfkg")
    out = workdir / (path.name + ".nt")
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S %M", str(perfkg), "convert", str(path), "--format", "nt", "-o", str(out), "--jobs", "1"],
        capture_output=True, text=True, check=False,
    )
    match = re.search(r"([\d.]+) ([\d.]+) (\d+)\s*$", result.stderr)
    if result.returncode not in (0, 3) or match is None:
        raise SystemExit(f"{path.name}: exit {result.returncode}: {result.stderr[-400:]}")
    return float(match[1]) + float(match[2]), int(match[3]) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the generated inputs go (default: a new temporary folder)")
    parser.add_argument("--forms", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 200])
    args = parser.parse_args()
    if args.workdir is None:
        args.workdir = Path(tempfile.mkdtemp(prefix="perfkg-forms-"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    cases = {"text: the bundled table (258 projects)": BUNDLED, **generate(args.workdir, args.forms, args.pages)}
    print("| case | size | CPU s | CPU ms per form | peak MB |")
    print("|---|---|---|---|---|")
    for name, path in cases.items():
        cpu, peak = measure(path, args.workdir)
        count = 258 if path == BUNDLED else int(re.search(r"(\d+)", name)[1])
        print(f"| {name} | {path.stat().st_size / 1e6:.1f} MB | {cpu:.2f} | {1000 * cpu / count:.1f} | {peak} |", flush=True)


if __name__ == "__main__":
    main()
