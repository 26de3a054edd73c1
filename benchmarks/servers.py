"""Virtuoso beside the embedded store: load generated tables into both, answer every saved query on both.

For each scale (number of generated tables, ``benchmarks/generate.py``), in one run:

* ``perfkg load FILE --store DIR`` into a new embedded store;
* a new Virtuoso database (Debian's virtuoso-opensource, the package's
  virtuoso.ini with private paths and loopback ports, tests/backends.py), loaded
  with ``perfkg load FILE --endpoint …/sparql-auth`` (Digest, ``dba``);
* every saved query but ``districts-with-wikidata`` (it calls Wikidata) through
  ``perfkg query NAME --store DIR`` and ``perfkg query NAME --endpoint …/sparql``.

Each step is a separate process; its CPU seconds come from ``os.wait4`` (user +
system of perfkg's process), the server's from ``/proc/PID/stat`` before and after
(user + system of ``virtuoso-t``). Wall seconds are printed too, but the machine is
shared: compare CPU seconds. The results go to ``OUT/servers.json`` and a Markdown
table on stdout.

Usage::

    python benchmarks/servers.py --scales 10 100 --out WORK
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402
from backends import VIRTUOSO_PASSWORD, VIRTUOSO_USER, start_virtuoso, stop  # noqa: E402

from converter import catalog  # noqa: E402

PERFKG = str(Path(sys.executable).parent / "perfkg")
SKIP = {"districts-with-wikidata": "calls query.wikidata.org"}
TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def run(argv: list[str], env: dict | None = None, timeout: float = 1800) -> dict:
    """One perfkg process: exit code, CPU and wall seconds, its stderr's last line."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        _, err = process.communicate(timeout=timeout)
        # (communicate reaped it; the rusage of that child is in RUSAGE_CHILDREN's delta)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return {"rc": process.returncode, "wall": time.monotonic() - start, "stderr": err.decode(errors="replace").strip().splitlines()[-1:] }


def measured(argv: list[str], env: dict | None = None, server: int | None = None, timeout: float = 1800) -> dict:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(server) if server else 0.0
    out = run(argv, env, timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if server:
        out["server_cpu"] = server_cpu(server) - server_before
    return out


def rows(path: Path) -> int | None:
    if not path.exists():
        return None
    import csv

    with path.open(encoding="utf-8", newline="") as stream:
        return max(0, sum(1 for _ in csv.reader(stream)) - 1)


def scale(n: int, out: Path, timeout: float) -> dict:
    folder = out / f"{n}"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{n}.txt"
    if not source.exists():
        generate.write(n, 1, source)
    result: dict = {"tables": n, "queries": {}}
    store = folder / "store"
    result["load_store"] = measured([PERFKG, "load", str(source), "--store", str(store), "-q"], timeout=timeout)
    print(n, "load-store", json.dumps(result["load_store"], ensure_ascii=False), flush=True)  # (kept if the run stops later)
    process, url, _ = start_virtuoso(folder / "virtuoso")
    try:
        env = {**os.environ, "PERFKG_ENDPOINT_USER": VIRTUOSO_USER, "PERFKG_ENDPOINT_PASSWORD": VIRTUOSO_PASSWORD}
        result["load_virtuoso"] = measured([PERFKG, "load", str(source), "--endpoint", url + "/sparql-auth", "-q"], env,
                                           process.pid, timeout)  # fmt: skip
        print(n, "load-virtuoso", json.dumps(result["load_virtuoso"], ensure_ascii=False), flush=True)
        for name in catalog.names():
            if name in SKIP:
                continue
            entry = {}
            csv_store, csv_virtuoso = folder / f"{name}.store.csv", folder / f"{name}.virtuoso.csv"
            entry["store"] = measured([PERFKG, "query", name, "--store", str(store), "--format", "csv", "-o", str(csv_store)],
                                      timeout=timeout)  # fmt: skip
            entry["store"]["rows"] = rows(csv_store)
            entry["virtuoso"] = measured(
                [PERFKG, "query", name, "--endpoint", url + "/sparql", "--format", "csv", "-o", str(csv_virtuoso)],
                None, process.pid, timeout,
            )  # fmt: skip
            entry["virtuoso"]["rows"] = rows(csv_virtuoso)
            result["queries"][name] = entry
            print(n, name, json.dumps(entry, ensure_ascii=False), flush=True)
    finally:
        stop(process)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step before it is stopped")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results = [scale(n, args.out, args.timeout) for n in args.scales]
    (args.out / "servers.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    for r in results:
        print(f"\n{r['tables']} tables: load store {r['load_store']['cpu']:.1f} CPU s; "
              f"load Virtuoso {r['load_virtuoso']['cpu']:.1f} client + {r['load_virtuoso']['server_cpu']:.1f} server CPU s")  # fmt: skip
        print("| query | store CPU s | store rows | Virtuoso client CPU s | Virtuoso server CPU s | Virtuoso rows |")
        print("|---|---|---|---|---|---|")
        for name, e in r["queries"].items():
            s, v = e["store"], e["virtuoso"]
            vr = v["rows"] if v["rc"] == 0 else f"exit {v['rc']}"
            print(f"| {name} | {s['cpu']:.2f} | {s['rows']} | {v['cpu']:.2f} | {v['server_cpu']:.2f} | {vr} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
