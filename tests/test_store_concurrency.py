"""Loads, drops and readers at once on one store folder, each a real process.

Every document here is a small N-Quads file whose named graph holds its own
``pk:PerformanceGoalsTable`` triple, so the graph is owned by that document
(converter.store._scan_rdf) and replaced whole on reload; what a store holds
is read back with pyoxigraph directly, not through the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

PK_TABLE = "https://w3id.org/perfkg/ontology#PerformanceGoalsTable"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PERFKG = str(Path(sys.executable).parent / "perfkg")


def document(folder: Path, name: str, quads: int = 3000) -> tuple[Path, str]:
    """An N-Quads file owning the graph ``http://example.org/g/NAME``: its table triple and ``quads`` others."""
    graph = f"http://example.org/g/{name}"
    lines = [f"<{graph}> <{RDF_TYPE}> <{PK_TABLE}> <{graph}> ."]
    lines += [f'<{graph}/s{i}> <http://example.org/p> "{name} {i}" <{graph}> .' for i in range(quads)]
    path = folder / f"{name}.nq"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, graph


def table_graphs(store: Path) -> set[str]:
    """The example graphs in the store, read with pyoxigraph alone."""
    found = {g.value for g in ox.Store.read_only(str(store)).named_graphs()}
    return {g for g in found if g.startswith("http://example.org/g/")}


def python(script: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


#: A loader whose swap pauses between its two renames (as a slow disk or a preempted process would).
SLOW_SWAP = """
    import os, sys, time
    from converter import store
    from converter.documents import prepare
    real = os.rename
    def rename(src, dst):
        real(src, dst)
        if str(src) == sys.argv[1]:  # the store moved aside: the folder is missing until the next rename
            print("between", flush=True)
            time.sleep(1.5)
    store.os.rename = rename
    store.load_documents(sys.argv[1], prepare([sys.argv[2]]), progress=False)
    print("done", flush=True)
"""


@pytest.fixture
def base_store(tmp_path) -> tuple[Path, str]:
    path, graph = document(tmp_path, "base")
    store = tmp_path / "store"
    assert subprocess.run([PERFKG, "load", str(path), "--store", str(store), "-q"]).returncode == 0
    return store, graph


def test_a_load_during_anothers_swap_waits_and_keeps_both(tmp_path, base_store):
    """The issue's case: with a delay between the renames, a second load found no store and made an empty one."""
    store, base = base_store
    first, first_graph = document(tmp_path, "first")
    second, second_graph = document(tmp_path, "second")
    slow = python(SLOW_SWAP, store, first)
    assert slow.stdout.readline().strip() == "between", slow.stderr.read()
    other = subprocess.run([PERFKG, "load", str(second), "--store", str(store), "-q"], capture_output=True, text=True, timeout=120)
    assert slow.wait(timeout=120) == 0 and slow.stdout.read().strip() == "done"
    assert other.returncode == 0, other.stderr
    assert table_graphs(store) == {base, first_graph, second_graph}


def test_a_reader_opening_during_a_swap_sees_a_store(tmp_path, base_store):
    store, base = base_store
    first, first_graph = document(tmp_path, "first")
    slow = python(SLOW_SWAP, store, first)
    assert slow.stdout.readline().strip() == "between", slow.stderr.read()
    reader = subprocess.run([PERFKG, "store", "info", "--store", str(store), "--format", "json"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert slow.wait(timeout=120) == 0
    assert reader.returncode == 0, reader.stderr
    seen = {g["graph"] for g in json.loads(reader.stdout)}
    assert base in seen  # the old store or the new one: both hold the base graph
    assert table_graphs(store) == {base, first_graph}


#: Holds the store's lock (as a load does) with a staged copy beside the store, until stdin closes.
HOLDER = """
    import os, shutil, sys
    from converter import store
    from converter.documents import prepare
    path = store.Path(sys.argv[1])
    with store.writing(path):
        staged = store._sibling(path, sys.argv[2])
        shutil.copytree(path, staged)
        print("holding", flush=True)
        sys.stdin.read()
"""


@pytest.mark.parametrize("kind", ["loading", "ready", "old"])
def test_recovery_leaves_the_folders_of_a_live_load_alone(base_store, kind):
    store, _ = base_store
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLDER), str(store), kind],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        staged = store.parent / f".store.{kind}-{holder.pid}"
        assert staged.is_dir()
        for command in (["store", "info"], ["query", "funding-by-unit", "--format", "csv"]):
            subprocess.run([PERFKG, *command, "--store", str(store)], capture_output=True, timeout=120)
            assert staged.is_dir(), command
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_a_dead_loads_staged_copy_is_removed_by_the_next_command(base_store):
    store, base = base_store
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLDER), str(store), "ready"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "holding"
    holder.kill()
    holder.wait()
    assert (store.parent / f".store.ready-{holder.pid}").is_dir()
    assert subprocess.run([PERFKG, "store", "info", "--store", str(store)], capture_output=True).returncode == 0
    assert not (store.parent / f".store.ready-{holder.pid}").exists()
    assert table_graphs(store) == {base}


#: Loads its documents one after another into the store, printing a JSON line per load: graph, exit.
LOADER = """
    import json, sys
    from converter import store
    from converter.documents import prepare
    for path in sys.argv[2:]:
        try:
            store.load_documents(sys.argv[1], prepare([path]), progress=False)
            print(json.dumps({"path": path, "ok": True}), flush=True)
        except Exception as err:
            print(json.dumps({"path": path, "ok": False, "error": str(err)}), flush=True)
"""

#: Opens the store read-only over and over until the deadline and reads it whole, counting opens and errors.
READER = """
    import json, sys, time
    from converter import store
    from converter.documents import prepare
    deadline = time.monotonic() + float(sys.argv[2])
    opens, errors = 0, []
    while time.monotonic() < deadline:
        try:
            with store.Reading(sys.argv[1]) as s:
                sum(1 for _ in s.named_graphs())
                sum(1 for _ in s)
            opens += 1
        except Exception as err:
            errors.append(f"{type(err).__name__}: {err}")
    print(json.dumps({"opens": opens, "errors": errors[:5]}))
"""


def test_loads_and_readers_at_once_keep_every_reported_load(tmp_path, base_store):
    """Four loaders (three documents each) and two readers at once, for a few seconds.

    Every load that reported success must be in the store at the end, and no
    other; no reader may ever fail to open the store.
    """
    store, base = base_store
    batches = [[document(tmp_path, f"l{i}d{j}", 2000) for j in range(3)] for i in range(4)]
    expected_graphs = {path.as_posix(): graph for batch in batches for path, graph in batch}
    readers = [python(READER, store, 6) for _ in range(2)]
    loaders = [python(LOADER, store, *(p for p, _ in batch)) for batch in batches]
    reports = []
    for process in loaders:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        reports += [json.loads(line) for line in out.splitlines()]
    for process in readers:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        seen = json.loads(out)
        assert seen["errors"] == [] and seen["opens"] > 0, seen
    assert len(reports) == 12
    assert [r for r in reports if not r["ok"]] == []
    succeeded = {expected_graphs[r["path"]] for r in reports if r["ok"]}
    assert table_graphs(store) == succeeded | {base}
    leftovers = [p.name for p in store.parent.iterdir() if p.name.startswith(".store.") and not p.name.endswith(".lock")]
    assert leftovers == []


def test_a_store_reached_through_a_symlink_stays_behind_it(tmp_path, base_store):
    """The issue's case: a load through a link replaced the link with a folder beside it."""
    store, base = base_store
    link = tmp_path / "link"
    link.symlink_to(store, target_is_directory=True)
    extra, extra_graph = document(tmp_path, "extra")
    assert subprocess.run([PERFKG, "load", str(extra), "--store", str(link), "-q"]).returncode == 0
    assert link.is_symlink() and link.resolve() == store.resolve()
    assert table_graphs(store) == {base, extra_graph}
