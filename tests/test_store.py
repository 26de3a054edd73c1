"""The embedded store: ``perfkg load`` / ``perfkg store`` on a real on-disk Oxigraph store.

Figures checked outside the code: the bundled table has 258 projects
(``awk -F'\\t' 'NR>1 && $6!="" && $1!~/项目名称/' data/…txt | wc -l`` → 258:
a project row is the only row with a 绩效目标 cell), and its sha256 is taken
with hashlib over the file's bytes, not from the reader.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import store as store_module
from converter.cli import main
from converter.progress import Progress
from converter.documents import Document, prepare
from converter.store import LOADS_GRAPH, load_documents, open_store

PROJECTS = 258  # awk, see the module docstring
DEPARTMENT = "广州市人力资源和社会保障局"
PERFKG = str(Path(sys.executable).parent / "perfkg")
COUNT_PROJECTS = "PREFIX pk: <https://w3id.org/perfkg/ontology#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project }"


def run(*argv: object) -> int:
    return main([str(a) for a in argv])


def quads_of(path: Path) -> set[str]:
    """Every quad in the store, as N-Quads text (the store is closed again on return)."""
    store = ox.Store.read_only(str(path))
    return {str(q) for q in store}


def union_count(path: Path, query: str = COUNT_PROJECTS) -> int:
    store = ox.Store.read_only(str(path))
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


def graphs_of(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {g.value for g in store.named_graphs()}


def leftovers(path: Path) -> list[str]:
    """What a load left beside the store; the two lock files stay by design (converter.store's docstring)."""
    locks = {f".{path.name}.lock", f".{path.name}.swap.lock"}
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.") and p.name not in locks)


@pytest.fixture
def variant(tmp_path, source_path):
    """A copy of the bundled table under another department name or year: another table, another graph."""

    def make(name: str, old: str, new: str) -> Path:
        text = source_path.read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / name
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    return make


@pytest.fixture
def loaded(tmp_path, source_path) -> Path:
    """A store folder holding the bundled table, loaded through the CLI."""
    path = tmp_path / "store"
    assert run("load", source_path, "--store", path, "-q") == 0
    return path


# -- loading ---------------------------------------------------------------------


def test_load_puts_every_project_in_the_store(loaded):
    assert union_count(loaded) == PROJECTS


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["rebuilt-copy", "checkpoint-with-deletes"])
def test_reloading_the_same_table_leaves_the_store_unchanged(loaded, source_path, monkeypatch, share):
    """Both ways of making the private copy (see converter.store._working_copy) give the same store."""
    monkeypatch.setattr(store_module, "REBUILD_SHARE", share)
    before = quads_of(loaded)
    assert run("load", source_path, "--store", loaded, "-q") == 0
    assert quads_of(loaded) == before


def test_the_table_graph_is_named_by_department_and_year(loaded):
    from converter.iris import name_key

    table = f"https://w3id.org/perfkg/id/table/{name_key(DEPARTMENT)}/2024"
    assert table in graphs_of(loaded)


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["rebuilt-copy", "checkpoint-with-deletes"])
def test_replacing_one_table_keeps_the_others(loaded, variant, source_path, monkeypatch, share):
    other = variant("2025.txt", "2024年项目支出", "2025年项目支出")
    assert run("load", other, "--store", loaded, "-q") == 0
    before = quads_of(loaded)
    monkeypatch.setattr(store_module, "REBUILD_SHARE", share)
    assert run("load", source_path, "--store", loaded, "-q") == 0
    assert quads_of(loaded) == before
    assert union_count(loaded) == 2 * PROJECTS


def test_departments_and_years_live_side_by_side(loaded, variant):
    other_year = variant("2025.txt", "2024年项目支出", "2025年项目支出")
    other_dept = variant("other.txt", DEPARTMENT, "广州市测试局")
    assert run("load", other_year, other_dept, "--store", loaded, "-q") == 0
    tables = [g for g in graphs_of(loaded) if "/table/" in g]
    assert len(tables) == 3
    assert union_count(loaded) == 3 * PROJECTS


def test_a_failing_second_document_leaves_the_store_unchanged(loaded, variant, tmp_path):
    before = quads_of(loaded)
    good = variant("2025.txt", "2024年项目支出", "2025年项目支出")
    bad = tmp_path / "broken.nq"
    bad.write_text('<http://e/s> <http://e/p> "ok" <http://e/g> .\n<http://e/s> <http://e/p> "unterminated .\n', encoding="utf-8")
    assert run("load", good, bad, "--store", loaded, "-q") == 2
    assert quads_of(loaded) == before
    assert leftovers(loaded) == []


class _Interrupted(Document):
    """A real document whose quads stop with Ctrl-C after 5000, half-way through the bulk load."""

    def quads(self, progress=None):
        for index, quad in enumerate(super().quads(progress)):
            if index == 5000:
                raise KeyboardInterrupt
            yield quad


def test_an_interrupted_load_leaves_the_store_unchanged_and_unlocked(loaded, variant, source_path):
    before = quads_of(loaded)
    first, second = prepare([variant("2025.txt", "2024年项目支出", "2025年项目支出"), source_path])
    interrupted = _Interrupted(**{f.name: getattr(second, f.name) for f in dataclasses.fields(second)})
    with pytest.raises(KeyboardInterrupt):
        load_documents(loaded, [first, interrupted], progress=False)
    assert quads_of(loaded) == before
    assert leftovers(loaded) == []
    open_store(loaded)  # the lock was released even though the traceback is still held


def test_a_killed_load_leaves_the_store_unchanged(loaded, variant):
    """SIGKILL in the middle of a real ``perfkg load`` process: the original folder is untouched."""
    before = quads_of(loaded)
    inputs = [variant(f"dept{i}.txt", DEPARTMENT, f"广州市测试局{i}") for i in range(4)]
    process = subprocess.Popen([PERFKG, "load", *map(str, inputs), "--store", str(loaded), "-q"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while not leftovers(loaded) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the load ended before it could be killed"
    time.sleep(0.3)  # into the bulk load of the copy
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert quads_of(loaded) == before
    assert run("store", "info", "--store", loaded) == 0  # the next use clears the half-loaded copy
    assert leftovers(loaded) == []


def test_two_documents_holding_the_same_table_are_refused(loaded, source_path, variant, capsys):
    before = quads_of(loaded)
    copy = variant("copy.txt", "部门名称", "部门名称")
    assert run("load", source_path, copy, "--store", loaded, "-q") == 2
    assert "both hold the table" in capsys.readouterr().err
    assert quads_of(loaded) == before


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_files_load_into_the_same_graphs_as_the_table(loaded, source_path, tmp_path, fmt):
    rdf = tmp_path / f"table.{fmt}"
    assert run("convert", source_path, "--format", fmt, "-o", rdf) == 0
    other = tmp_path / "from-rdf"
    assert run("load", rdf, "--store", other, "-q") == 0
    not_loads = lambda path: {str(q) for q in ox.Store.read_only(str(path)) if q.graph_name != LOADS_GRAPH}  # noqa: E731
    assert not_loads(other) == not_loads(loaded)


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_triple_files_keep_every_triple_and_find_the_table_graph(loaded, source_path, tmp_path, fmt):
    rdf = tmp_path / f"table.{'ttl' if fmt == 'turtle' else 'nt'}"
    assert run("convert", source_path, "--format", fmt, "-o", rdf) == 0
    other = tmp_path / "from-rdf"
    assert run("load", rdf, "--store", other, "-q") == 0
    triples = lambda path: {str(q.triple) for q in ox.Store.read_only(str(path)) if q.graph_name != LOADS_GRAPH}  # noqa: E731
    assert triples(other) == triples(loaded)
    assert graphs_of(other) == graphs_of(loaded) - {"https://w3id.org/perfkg/reference"}
    assert union_count(other) == PROJECTS


# -- store info / drop --------------------------------------------------------------


def test_store_info_names_the_source_document_and_its_hash(loaded, source_path, capsys):
    capsys.readouterr()
    assert run("store", "info", "--store", loaded, "--format", "json") == 0
    infos = json.loads(capsys.readouterr().out)
    tables = [i for i in infos if "/table/" in i["graph"]]
    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert tables[0]["documents"] == [{"file": source_path.name, "identifier": f"sha256:{digest}"}]


def test_store_info_counts_match_the_store(loaded, capsys):
    capsys.readouterr()
    assert run("store", "info", "--store", loaded, "--format", "json") == 0
    infos = json.loads(capsys.readouterr().out)
    store = ox.Store.read_only(str(loaded))
    assert {i["graph"]: i["triples"] for i in infos} == {
        g.value: len(list(store.quads_for_pattern(None, None, None, g))) for g in store.named_graphs()
    }


def test_store_drop_removes_the_graph_and_its_load_record(loaded, capsys):
    table = next(g for g in graphs_of(loaded) if "/table/" in g)
    assert run("store", "drop", table, "--store", loaded) == 0
    assert table not in graphs_of(loaded)
    assert union_count(loaded) == 0
    store = ox.Store.read_only(str(loaded))
    assert list(store.quads_for_pattern(None, None, None, LOADS_GRAPH)) == []


def test_store_drop_of_an_unknown_graph_fails(loaded, capsys):
    assert run("store", "drop", "https://example.org/nothing", "--store", loaded) == 2
    assert "no graph" in capsys.readouterr().err


# -- errors: one line, non-zero exit, nothing written --------------------------------


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("perfkg:") and "note(s) about the source" not in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_folder_of_other_files_is_not_taken_for_a_store(tmp_path, source_path, capsys):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("load", source_path, "--store", folder, "-q") == 2
    assert "not an Oxigraph store" in _one_line(capsys.readouterr().err)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_file_is_not_a_store(tmp_path, source_path, capsys):
    path = tmp_path / "plain-file"
    path.write_text("x", encoding="utf-8")
    assert run("load", source_path, "--store", path, "-q") == 2
    assert "not a store folder" in _one_line(capsys.readouterr().err)


def test_a_corrupt_store_gives_one_line(tmp_path, capsys):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "CURRENT").write_text("garbage", encoding="utf-8")
    assert run("store", "info", "--store", folder) == 2
    assert "cannot open as an Oxigraph store" in _one_line(capsys.readouterr().err)


def test_info_on_a_missing_store_does_not_create_one(tmp_path, capsys):
    assert run("store", "info", "--store", tmp_path / "absent") == 2
    assert "no store here" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize("command", [["load", "INPUT", "-q"], ["store", "drop", "https://w3id.org/perfkg/reference"]])
def test_a_store_locked_by_another_process_gives_one_line(loaded, source_path, capsys, command):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); sys.stdin.read()",
         str(loaded)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        argv = [str(source_path) if a == "INPUT" else a for a in command]
        assert run(*argv, "--store", loaded) == 2
        assert "in use by another process" in _one_line(capsys.readouterr().err)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# -- progress -----------------------------------------------------------------------


def test_progress_draws_on_a_terminal():
    stream = io.StringIO()
    with Progress(2048, "loading x", "B", stream=stream, enabled=True) as bar:
        bar.advance(1024)
    assert stream.getvalue().startswith("\r[") and "100%" in stream.getvalue() and stream.getvalue().endswith("\n")


def test_progress_is_silent_in_a_pipe():
    stream = io.StringIO()  # not a TTY
    with Progress(2048, "loading x", "B", stream=stream) as bar:
        bar.advance(2048)
    assert stream.getvalue() == ""


def test_load_prints_no_bar_when_stderr_is_not_a_terminal(tmp_path, source_path, capsys):
    assert run("load", source_path, "--store", tmp_path / "s") == 0
    assert "\r" not in capsys.readouterr().err


BAD = Path(__file__).resolve().parent / "data" / "bad"


@pytest.mark.parametrize("name", ["binary-nul.txt", "empty.txt", "comma-separated.txt", "only-headers.txt"])
def test_unusable_input_creates_no_store(name, tmp_path, capsys):
    """Inputs the converter refuses (exit 2 from perfkg convert too) are refused before the store is touched."""
    assert run("load", BAD / name, "--store", tmp_path / "store", "-q") == 2
    _one_line(capsys.readouterr().err)
    assert not (tmp_path / "store").exists()


def test_rows_skipped_exit_3_as_convert_does(tmp_path):
    """bad-amount.txt: perfkg convert exits 3 on it (a row had to be skipped); load reports the same."""
    assert run("convert", BAD / "bad-amount.txt", "-o", tmp_path / "x.nt", "--format", "nt") == 3
    assert run("load", BAD / "bad-amount.txt", "--store", tmp_path / "store", "-q") == 3
    assert any("/table/" in g for g in graphs_of(tmp_path / "store"))


def test_a_swap_cut_between_its_two_renames_is_finished_by_the_next_command(loaded, capsys):
    """The load had completed (its copy was renamed 'ready') when the process died with no store in place."""
    before = quads_of(loaded)
    loaded.rename(loaded.parent / f".{loaded.name}.ready-999999999")  # a pid no process has
    assert run("store", "info", "--store", loaded) == 0
    assert quads_of(loaded) == before
    assert leftovers(loaded) == []
