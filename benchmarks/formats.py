"""Container formats at scale: many forms in one workbook, many pages in one PDF (issue 13).

Measures, each case in its own process (CPU seconds = user + system of that
process, peak memory = its resident high-water mark, VmHWM):

* ``xlsx N`` — one .xlsx of N sheets, each a per-project form shaped like the
  Liuan Jin'an form of tests/data/forms/ (merged cells, numbers in 0.00 and
  0%), read with ``stream_document`` (one sheet at a time), every cell touched;
* ``pdf N`` — one PDF of N pages, a ruled form per page (the same form), read
  the same way;
* ``xlsx-all``/``pdf-all`` — the largest of each with ``read_document`` instead
  (every block kept at once), to show what streaming saves;
* ``text N`` — the baseline in the same run: ``converter.reader.read_table`` on
  the bundled Guangzhou table (258 projects), N times.

CPU is counted from after the imports (the interpreter and library start-up,
≈ 0.3 s, is the same for every case); peak memory includes them (≈ 45 MB).

Two sizes of each show whether memory stays flat (it should not grow with N)
and whether CPU grows linearly (per form / per page).

Usage (from the repository root; generating needs openpyxl and reportlab)::

    python benchmarks/formats.py --workdir WORK --forms 100 1000 --pages 20 200 --tables 1 10

The machine is shared (2 cores, several agents): take the figures as ±20 %,
and compare the rows of one run with each other rather than across runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


def _fixtures():
    spec = importlib.util.spec_from_file_location("forms_make", ROOT / "tests" / "data" / "forms" / "make.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _form(make, i: int) -> list[list]:
    amount = 100 + i
    return make.jinan_head(
        f"体育赛事项目{i:04d}", make.Num(amount, "0.00", f"{amount}.00"), make.Num(amount, "0.00", f"{amount}.00"),
        make.Num(0, "0.00", "0.00"), "打造金安国际网球公开赛等一系列的品牌赛事,提升六安城市的知名度和美誉度。",
    ) + make.JINAN_FORM1[11:23]


def generate_xlsx(path: Path, forms: int) -> None:
    import openpyxl

    make = _fixtures()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i in range(forms):
        make.xlsx_sheet(wb.create_sheet(f"表{i + 1:04d}"), _form(make, i))
    wb.save(path)


def generate_pdf(path: Path, pages: int) -> None:
    make = _fixtures()
    titles = ["项目支出绩效目标表", "(2025年度)"]
    forms = [(titles, _form(make, i)[4:]) for i in range(pages)]
    path.write_bytes(make.pdf_forms(make.JINAN, forms, [48, 70, 70, 150, 130]))


def one(kind: str, path: str, times: int) -> dict:
    """Read one input in this process; report what was read, CPU seconds and peak memory."""
    from converter.reader import read_table
    from converter.readers.formats import read_document, stream_document
    from converter.readers.grid import Grid

    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    grids = cells = 0
    if kind == "text":
        projects = 0
        for _ in range(times):
            table = read_table(path)
            projects += sum(len(u.projects) for d in table.departments for u in d.units)
        read = {"tables": times, "projects": projects}
    else:
        data = Path(path).read_bytes()
        if kind.endswith("-all"):  # read_document: every block kept in memory at once
            blocks = read_document(data, Path(path).name).blocks
        else:
            doc, blocks = stream_document(data, Path(path).name)
        for block in blocks:
            if isinstance(block, Grid):
                grids += 1
                cells += sum(1 for row in block.rows for c in row if c.text)
        read = {"grids": grids, "non-empty cells": cells}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
    # the high-water mark of this process's memory (ru_maxrss would start at the forking parent's size)
    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                   if line.startswith("VmHWM:"))
    return {"kind": kind, "input": Path(path).name, **read, "cpu_s": round(cpu, 2),
            "wall_s": round(time.perf_counter() - start, 2), "peak_mb": round(peak_kb / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("perfkg-formats-bench"))
    parser.add_argument("--forms", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--pages", type=int, nargs="*", default=[20, 200])
    parser.add_argument("--tables", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--one", nargs=3, metavar=("KIND", "PATH", "TIMES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], int(args.one[2]))))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    cases = []
    for n in args.forms:
        path = args.workdir / f"forms-{n}.xlsx"
        if not path.exists():
            generate_xlsx(path, n)
        cases.append(("xlsx", path, 1, n))
    if args.forms:
        cases.append(("xlsx-all", path, 1, n))
    for n in args.pages:
        path = args.workdir / f"forms-{n}.pdf"
        if not path.exists():
            generate_pdf(path, n)
        cases.append(("pdf", path, 1, n))
    if args.pages:
        cases.append(("pdf-all", path, 1, n))
    for n in args.tables:
        cases.append(("text", BUNDLED, n, n))
    rows = []
    for kind, path, times, n in cases:
        out = subprocess.run([sys.executable, __file__, "--one", kind, str(path), str(times)],
                             check=True, capture_output=True, text=True, cwd=ROOT)
        result = json.loads(out.stdout)
        result["size"] = f"{path.stat().st_size / 1e3:.0f} kB"
        unit = {"xlsx": "form", "pdf": "page", "text": "table"}[kind.removesuffix("-all")]
        result["cpu_ms_per"] = f"{1000 * result['cpu_s'] / n:.1f} ms per {unit}"
        rows.append(result)
        print(json.dumps(result), file=sys.stderr)
    print("| input | read | CPU s | CPU per unit | wall s | peak MB | file |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        read = ", ".join(f"{r[k]} {k}" for k in ("grids", "non-empty cells", "tables", "projects") if k in r)
        print(f"| {r['kind']} {r['input']} | {read} | {r['cpu_s']} | {r['cpu_ms_per']} | {r['wall_s']} | "
              f"{r['peak_mb']} | {r['size']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
