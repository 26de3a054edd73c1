"""Run the benchmarks: every step on the same generated input, side by side, in one run.

For each scale N (N renamed copies of the bundled table, see generate.py) the
runner measures, each as its own process under ``/usr/bin/time -v`` (wall time
and peak resident memory):

* ``convert-nt`` / ``convert-ttl`` — ``perfkg convert`` to N-Triples and Turtle;
* ``floor`` — pyoxigraph bulk-loading the finished N-Triples (floor.py);
* ``naive`` — parse, rdflib ``Graph.add``, Turtle (naive.py), up to ``--naive-max``;
* ``load``, ``validate``, ``query:NAME`` — the store, SHACL and saved-query
  commands, when the installed perfkg has them (they are skipped, and said so,
  otherwise).

Triples per second is the N-Triples output's triple count over the step's wall
time. Results go to a JSON file and a Markdown table on stdout.

Usage::

    python benchmarks/run.py --scales 1 10 100 --workdir WORK
    python benchmarks/run.py --scales 1 10 --only convert-nt floor

Needs GNU time (Debian: ``apt-get install time``) at /usr/bin/time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from measure import group_state, sample_every  # benchmarks/measure.py, beside this script: the process group's Pss

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
PERFKG = [PYTHON, "-m", "converter"] if (ROOT / "converter" / "__main__.py").exists() else [str(Path(PYTHON).parent / "perfkg")]
GNU_TIME = "/usr/bin/time"


@dataclass
class Result:
    """One measured step at one scale."""

    scale: int
    step: str
    seconds: float | None
    peak_mb: float | None
    triples: int
    exit_code: int | None
    note: str = ""
    cpu: float | None = None  # user + system seconds: less sensitive than wall time to other load on the machine
    tree_mb: float | None = None  # peak of the summed Pss of the process and its workers (convert --jobs)

    @property
    def rate(self) -> float | None:
        return self.triples / self.seconds if self.seconds else None


def measure(
    command: list[str], timeout: float, log: Path, cwd: Path | None = None
) -> tuple[float | None, float | None, int | None, str, float | None, float | None]:
    """Run a command under GNU time; return (wall s, peak MB, exit code, note, CPU s, process-tree peak MB).

    GNU time's peak is the largest single process's; a conversion with
    ``--jobs 2`` runs three, so a sampler also sums the memory of the whole
    process group every 20 ms.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as report:
        report_path = report.name
    started = time.perf_counter()
    with log.open("ab") as out:
        out.write(("\n$ " + " ".join(command) + "\n").encode())
        out.flush()
        # Its own process group, so a timeout stops the measured program too, not only GNU time.
        # cwd: ``python -m converter`` imports the checkout it runs in (the baseline's, for build-baseline)
        proc = subprocess.Popen([GNU_TIME, "-v", "-o", report_path, *command], stdout=out, stderr=out, start_new_session=True,
                                cwd=cwd)
        sampler = _TreeMemory(proc.pid)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            os.unlink(report_path)
            return time.perf_counter() - started, None, None, f"stopped after {timeout:.0f} s", None, None
        finally:
            sampler.stop()
    text = Path(report_path).read_text()
    os.unlink(report_path)
    return _wall(text), _peak_mb(text), proc.returncode, "", _cpu(text), sampler.peak_mb


class _TreeMemory:
    """Samples the summed memory of every process in a process group (Linux /proc), keeping the peak.

    Proportional set size (Pss, smaps_rollup): pages a forked worker still
    shares with its parent count once between them, not once per process.
    """

    def __init__(self, group: int, every: float = 0.02) -> None:
        self.group, self.every, self.peak_mb = group, every, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.monotonic()
        while not self._done.wait(sample_every(time.monotonic() - started, self.every)):
            self.peak_mb = max(self.peak_mb, group_state(self.group)[0])

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _cpu(report: str) -> float | None:
    user = re.search(r"User time \(seconds\): ([\d.]+)", report)
    system = re.search(r"System time \(seconds\): ([\d.]+)", report)
    return float(user[1]) + float(system[1]) if user and system else None


def _wall(report: str) -> float | None:
    match = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", report)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def _peak_mb(report: str) -> float | None:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return int(match[1]) / 1024 if match else None


def count_lines(path: Path) -> int:
    """Triples in an N-Triples file: one per line."""
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def available_commands() -> set[str]:
    """The perfkg commands the checkout offers (load, validate, query land over time)."""
    out = subprocess.run([PYTHON, "-c", "from converter.cli import COMMANDS; print(' '.join(COMMANDS))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def saved_queries() -> list[str]:
    """Names of the saved queries, as ``perfkg queries`` lists them."""
    out = subprocess.run([*PERFKG, "queries", "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    return [q["name"] for q in json.loads(out.stdout)] if out.returncode == 0 else []


def steps(scale: int, work: Path, args: argparse.Namespace, commands: set[str]) -> list[tuple[str, list[str] | None, str]]:
    """(step name, command or None when unavailable, note) for one scale, in run order."""
    src, nt, ttl, nq = (work / f"{scale}.{ext}" for ext in ("txt", "nt", "ttl", "nq"))
    store = work / f"store-{scale}"
    plan: list[tuple[str, list[str] | None, str]] = [
        ("convert-nt", [*PERFKG, "convert", str(src), "--format", "nt", "-o", str(nt)], ""),
        ("convert-ttl", [*PERFKG, "convert", str(src), "-o", str(ttl)], ""),
        ("convert-nq", [*PERFKG, "convert", str(src), "--format", "nq", "-o", str(nq)], "named graphs, for load and validate"),
        ("convert-nt-1job", [*PERFKG, "convert", str(src), "--format", "nt", "--jobs", "1", "-o", str(nt) + ".1"],
         "one process (--jobs 1)"),
        ("convert-ttl-1job", [*PERFKG, "convert", str(src), "--jobs", "1", "-o", str(ttl) + ".1"], "one process (--jobs 1)"),
        ("floor", [PYTHON, str(HERE / "floor.py"), str(nt)], "pyoxigraph bulk_load of the N-Triples, in memory"),
    ]
    if scale <= args.naive_max:
        plan.append(("naive", [PYTHON, str(HERE / "naive.py"), str(src), "-o", str(work / f"{scale}.naive.ttl")], ""))
    else:
        plan.append(("naive", None, f"not run above {args.naive_max}× (--naive-max)"))
    plan.append(("load", [*PERFKG, "load", "-q", str(nq), "--store", str(store)] if "load" in commands else None,
                 "the N-Quads into a new on-disk store" if "load" in commands else "perfkg load not available"))
    if "validate" in commands and scale <= args.validate_max:
        plan.append(("validate", [*PERFKG, "validate", str(nq), "-o", str(work / f"{scale}.report.txt")], "shacl-rust, the N-Quads file"))
    else:
        plan.append(("validate", None, "perfkg validate not available" if "validate" not in commands
                     else f"not run above {args.validate_max}× (--validate-max)"))
    if "validate" in commands and scale <= args.validate_max:
        plan.append(("validate-tables", [PYTHON, str(HERE / "validate_tables.py"), str(nq)],
                     "shacl-rust, one table's graph at a time (validate_tables.py)"))
        # issue 9 item 3: the union path kept behind --whole (the "before"), and validation straight from the text
        plan.append(("validate-whole", [*PERFKG, "validate", "--whole", str(nq), "-o", str(work / f"{scale}.report-whole.txt")],
                     "shacl-rust, the union of the N-Quads in one run (--whole)"))
        plan.append(("validate-txt", [*PERFKG, "validate", str(src), "-o", str(work / f"{scale}.report-txt.txt")],
                     "shacl-rust, the source tables converted as they stream"))
    if "load" in commands:
        plan.append(("load-txt", [*PERFKG, "load", "-q", str(src), "--store", str(work / f"store-txt-{scale}")],
                     "the source tables into a new on-disk store"))
    if "build" in commands:  # issue 15: the main job, and the one-bulk-load floor its load is measured against
        plan.append(("build", [*PERFKG, "build", str(src), "--out", str(work / f"build-{scale}"),
                               "--store", str(work / f"build-store-{scale}")], "perfkg build: convert, validate, load, queries"))
        if args.baseline:
            plan.append(("build-baseline", [*PERFKG, "build", str(src), "--out", str(work / f"baseline-build-{scale}"),
                                            "--store", str(work / f"baseline-build-store-{scale}")],
                         f"perfkg build of {args.baseline.name}/ (the code before)"))
        plan.append(("floor-load", [PYTHON, str(HERE / "floor.py"), str(nq), "--store", str(work / f"floor-store-{scale}")],
                     "one pyoxigraph bulk_load of the N-Quads into a new on-disk store"))
    if "query" in commands and "load" in commands:
        for name in saved_queries():
            plan.append((f"query:{name}", [*PERFKG, "query", name, "--store", str(store), "--format", "csv",
                                           "-o", str(work / f"{scale}.{name}.csv")], ""))
    elif "query" not in commands:
        plan.append(("query", None, "perfkg query not available"))
    return plan


def run_scale(scale: int, args: argparse.Namespace, commands: set[str]) -> list[Result]:
    work: Path = args.workdir
    src = work / f"{scale}.txt"
    if not src.exists():
        subprocess.run([PYTHON, str(HERE / "generate.py"), "--departments", str(scale), "-o", str(src)], check=True)
    shutil.rmtree(work / f"store-{scale}", ignore_errors=True)
    results: list[Result] = []
    triples = 0
    for name, command, note in steps(scale, work, args, commands):
        if args.only and not any(name == o or name.startswith(o + ":") for o in args.only):
            continue
        if command is None:
            results.append(Result(scale, name, None, None, triples, None, note))
            continue
        seconds, peak, code, extra, cpu, tree = best_of(command, args, name, work)
        if name == "convert-nt" and code == 0:
            triples = count_lines(work / f"{scale}.nt")
        elif not triples and (work / f"{scale}.nt").exists():
            triples = count_lines(work / f"{scale}.nt")
        result = Result(scale, name, seconds, peak, triples, code, "; ".join(x for x in (note, extra) if x), cpu, tree)
        results.append(result)
        print(_row(result), file=sys.stderr, flush=True)
    return results


def best_of(command: list[str], args: argparse.Namespace, name: str, work: Path):
    """Run a step ``--repeat`` times (once for the slow anchors) and keep the fastest run.

    The load step writes a store, so each repeat starts from an empty one.
    """
    runs = 1 if name in ("naive", "validate", "validate-tables", "validate-whole", "validate-txt", "build", "build-baseline") else args.repeat
    best = None
    for _ in range(runs):
        if name in ("load", "load-txt", "build", "build-baseline", "floor-load"):
            shutil.rmtree(command[command.index("--store") + 1], ignore_errors=True)
        timeout = args.query_timeout if name.startswith("query:") else args.timeout
        found = measure(command, timeout, work / "run.log", cwd=args.baseline if name == "build-baseline" else ROOT)
        if best is None or (found[0] or 1e9) < (best[0] or 1e9):
            best = found
    return best


def _row(r: Result) -> str:
    def f(value: float | None, spec: str) -> str:
        return "—" if value is None else format(value, spec)

    rate = f(r.rate / 1000, ",.0f") + " k" if r.rate else "—"
    code = "" if r.exit_code in (None, 0, 3) else f" (exit {r.exit_code})"
    return (f"| {r.scale}× | {r.step} | {f(r.seconds, '.2f')} | {f(r.cpu, '.2f')} | {rate} | {f(r.peak_mb, ',.0f')} "
            f"| {f(r.tree_mb, ',.0f')} | {r.triples:,} | {r.note}{code} |")


def table(results: list[Result]) -> str:
    head = ("| scale | step | wall s | CPU s | triples/s | peak MB | all processes MB | triples | note |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---|")
    return "\n".join([head, *(_row(r) for r in results)])


def goals(results: list[Result]) -> str:
    """The issue's four goals, as ratios of this run's figures."""
    by = {(r.scale, r.step): r for r in results if r.seconds is not None and r.exit_code in (0, 1, 3)}
    lines = []
    for scale in sorted({r.scale for r in results}):
        naive = by.get((scale, "naive"))
        for step in ("convert-ttl", "convert-ttl-1job"):
            ttl = by.get((scale, step))
            if naive and ttl:
                lines.append(f"- {scale}×: naive / {step} = {naive.seconds / ttl.seconds:.1f}× (wall), "
                             f"{naive.cpu / ttl.cpu:.1f}× (CPU)")
        nt, floor = by.get((scale, "convert-nt")), by.get((scale, "floor"))
        if nt and floor:
            lines.append(f"- {scale}×: convert-nt / floor = {nt.seconds / floor.seconds:.2f} (wall), "
                         f"{nt.cpu / floor.cpu:.2f} (CPU)")
    scales = sorted({r.scale for r in results})
    for step in ("convert-nt", "convert-ttl", "convert-nq", "convert-nt-1job", "convert-ttl-1job"):
        one = by.get((1, step))
        for scale in scales[1:]:
            big = by.get((scale, step))
            if one and big and one.peak_mb and big.peak_mb:
                tree = (f", all processes {big.tree_mb:,.0f} / {one.tree_mb:,.0f} MB = {big.tree_mb / one.tree_mb:.2f}"
                        if one.tree_mb and big.tree_mb else "")
                lines.append(f"- peak memory of {step} at {scale}× / 1× = {big.peak_mb / one.peak_mb:.2f}{tree}")
    for step in ("validate", "validate-tables", "validate-whole", "validate-txt"):
        one = by.get((1, step))
        for scale in scales[1:]:
            big = by.get((scale, step))
            if one and big:
                lines.append(f"- {step} {scale}× / (1× × {scale}) = {big.seconds / one.seconds / scale:.2f} (wall), "
                             f"{big.cpu / one.cpu / scale:.2f} (CPU); peak {big.peak_mb:,.0f} MB")
    for scale in scales:  # issue 15
        build, before, nq = by.get((scale, "build")), by.get((scale, "build-baseline")), by.get((scale, "convert-nq"))
        if build:
            extra = f", {build.cpu / nq.cpu:.1f}× convert-nq (goal ≤ 5×)" if nq else ""
            lines.append(f"- build {scale}×: {build.cpu:.1f} CPU s (goal at 100×: ≤ 100){extra}; "
                         f"all processes {build.tree_mb or 0:,.0f} MB (goal ≤ 400)")
        if build and before:
            lines.append(f"- build {scale}×: before {before.cpu:.1f} → after {build.cpu:.1f} CPU s ({before.cpu / build.cpu:.1f}×)")
        load, floor = by.get((scale, "load")), by.get((scale, "floor-load"))
        if load and floor:
            lines.append(f"- load {scale}× / one bulk load = {load.cpu / floor.cpu:.2f} (CPU; goal ≤ 1.5)")
        check = by.get((scale, "validate"))
        if check:
            lines.append(f"- validate {scale}×: {check.cpu:.1f} CPU s (goal at 100×: ≤ 20)")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    versions = subprocess.run(
        [PYTHON, "-c", "import pyoxigraph, rdflib, pyshacl; print(pyoxigraph.__version__, rdflib.__version__, pyshacl.__version__)"],
        capture_output=True, text=True,
    ).stdout.split()
    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "memory": mem, "os": platform.platform(),
        "python": platform.python_version(), "pyoxigraph/rdflib/pyshacl": " / ".join(versions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="perfkg benchmarks")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "perfkg-bench")
    parser.add_argument("--naive-max", type=int, default=100, help="largest scale the naive pipeline runs at")
    parser.add_argument("--validate-max", type=int, default=100, help="largest scale validation runs at")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step (the fastest is kept; naive and validate run once)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a step is stopped")
    parser.add_argument("--query-timeout", type=float, default=120, help="seconds before a saved query is stopped")
    parser.add_argument("--only", nargs="+", help="run only these steps (query runs every query:NAME)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--baseline", type=Path, help="a checkout of the code before (git archive COMMIT): its build runs as build-baseline")
    args = parser.parse_args(argv)
    if not Path(GNU_TIME).exists():
        print(f"{GNU_TIME} missing: install GNU time (Debian: apt-get install time)", file=sys.stderr)
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    commands = available_commands()
    results: list[Result] = []
    for scale in args.scales:
        results += run_scale(scale, args, commands)
    print(table(results))
    print()
    print(goals(results))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "load_average": os.getloadavg(),
                                         "results": [asdict(r) | {"rate": r.rate} for r in results]},
                                        ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
