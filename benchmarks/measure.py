"""One command under GNU ``time -v``, its whole process group's memory sampled, each line it prints timed (issue 15).

Usage::

    python benchmarks/measure.py LOG python -m converter build N.txt --out OUT --store STORE

Every 50 ms (the interval grows with the run: :func:`sample_every`) the
proportional memory (Pss) of every process in the command's process group is
summed (a forked worker's shared pages count once) and its CPU time read from
``/proc``; each line the command prints goes to ``LOG``
prefixed with the wall time, the group's CPU seconds so far, its memory now
and the peak since the previous line: ``perfkg build`` prints one line per
step, so the peak between two lines is that step's. The last line gives GNU
time's user + system seconds and maximum RSS (the largest single process),
and the group's peak. Linux only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def group_state(group: int) -> tuple[float, float]:
    """(MB of Pss, CPU s including waited-for children) summed over the process group."""
    mem = cpu = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != group:
                continue
            cpu += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            rollup = Path(entry.path, "smaps_rollup").read_text()
            mem += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)[1])
        except (OSError, ValueError, IndexError, TypeError):
            continue
    return mem / 1024, cpu / TICK


def sample_every(elapsed: float, least: float) -> float:
    """Seconds to the next memory sample after ``elapsed`` seconds: ``least`` at first, then a hundredth of the time
    so far, at most half a second. Reading ``smaps_rollup`` makes the kernel walk the process's page tables: at
    20 ms, sampling a build of several GB took 60 % of a core beside it (3 December 2026). A step's peak that
    lasts less than the interval can be missed; the steps of a long run hold their peaks for seconds."""
    return max(least, min(0.5, elapsed / 100))


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] in {"-h", "--help"}:  # not a log named "--help" beside a failed GNU time
        print(__doc__.strip())
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    log_path, command = argv[0], argv[1:]
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as report:
        report_path = report.name
    started = time.time()
    proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", report_path, *command], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    state = {"peak": 0.0, "step": 0.0, "cpu": 0.0, "now": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(sample_every(time.time() - started, 0.05)):
            mem, cpu = group_state(proc.pid)
            state["now"], state["cpu"] = mem, max(state["cpu"], cpu)
            state["peak"], state["step"] = max(state["peak"], mem), max(state["step"], mem)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with open(log_path, "w", encoding="utf-8") as log:
        print(f"$ {' '.join(command)}\nload average at start: {os.getloadavg()}", file=log, flush=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(f"[{time.time() - started:8.1f}s cpu~{state['cpu']:7.1f} now {state['now']:6.0f}MB "
                  f"step peak {state['step']:6.0f}MB] {line.decode(errors='replace').rstrip()}", file=log, flush=True)  # fmt: skip
            state["step"] = 0.0
        proc.wait()
        done.set()
        sampler.join()
        text = Path(report_path).read_text()
        os.unlink(report_path)

        def field(name: str) -> str:
            return re.search(rf"{name}: (.*)", text)[1]

        user, system = float(field(r"User time \(seconds\)")), float(field(r"System time \(seconds\)"))
        wall = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)")
        rss = int(field(r"Maximum resident set size \(kbytes\)")) / 1024
        print(f"exit {proc.returncode}; CPU {user + system:.2f} s (user {user:.2f}, sys {system:.2f}); wall {wall}; max RSS {rss:.0f} MB; "
              f"all processes' peak {state['peak']:.0f} MB; load average at end: {os.getloadavg()}", file=log, flush=True)  # fmt: skip
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
