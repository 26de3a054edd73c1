"""perfkg load streams source tables: scanned first, converted again department by department as they load.

Inputs are generated copies of the bundled table (benchmarks/generate.py).
Each copy gives 3 warnings about the source (``perfkg convert`` on the bundled
table prints them: the numbering gap and repeated annual target at line 143,
the free-form paragraph at line 630); copy k's line n is line n + k × 783.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main
from converter.reader import read_table
from converter.documents import prepare
from converter.store import _batches, load_documents, open_store

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

LINES_PER_COPY = 783


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("three") / "three.txt"
    generate.write(3, 1, path)
    return path


def test_a_scanned_table_keeps_no_records(three):
    [doc] = prepare([three])
    assert doc.table is None
    assert doc.summary is not None and doc.summary.departments == []
    assert len(doc.owned) == 3


def test_the_scan_finds_the_problems_of_a_whole_read(three):
    [doc] = prepare([three])
    warnings = sorted((p.line, p.code) for p in doc.source.all_problems() if p.severity == "warning")
    assert warnings == sorted(
        (line + k * LINES_PER_COPY, code)
        for k in range(3)
        for line, code in ((143, "numbering-gap"), (143, "repeated-annual-target"), (630, "free-form-layout"))
    )
    assert doc.source.all_problems() == read_table(three).all_problems()


def _quads(folder: Path) -> set[str]:
    store = ox.Store.read_only(str(folder))
    return {str(q) for q in store if q.graph_name.value != "https://w3id.org/perfkg/loads"}


def test_streamed_load_equals_loading_the_records(three, tmp_path):
    streamed, held = tmp_path / "streamed", tmp_path / "held"
    load_documents(streamed, prepare([three]), progress=False)
    load_documents(held, prepare([three], records=True), progress=False)
    found = _quads(streamed)
    assert found == _quads(held)
    assert sum("#Project>" in q and "22-rdf-syntax-ns#type" in q for q in found) == 3 * 258


def test_cli_load_reports_the_scanned_problems(three, tmp_path, capsys):
    assert main(["load", "-q", str(three), "--store", str(tmp_path / "s")]) == 0
    err = capsys.readouterr().err
    assert "0 error(s), 9 warning(s)" in err
    assert f"three.txt:{630 + 2 * LINES_PER_COPY}:" in err


def test_reloading_a_streamed_table_replaces_its_graphs(three, tmp_path):
    folder = tmp_path / "s"
    load_documents(folder, prepare([three]), progress=False)
    before = _quads(folder)
    load_documents(folder, prepare([three]), progress=False)
    assert _quads(folder) == before
    assert len(list(open_store(folder, read_only=True).named_graphs())) == 3 + 3  # tables, vocabulary, reference, loads


def _q(graph: str, n: int) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://x/{n}"), ox.NamedNode("http://x/p"), ox.Literal(str(n)), ox.NamedNode(f"http://g/{graph}"))


@pytest.mark.parametrize(
    ("graphs", "least", "most", "expected"),
    [("AAABBBC", 2, 100, ["AAA", "BBB", "C"]), ("AABBCC", 3, 100, ["AABB", "CC"]),
     ("AAAAAAA", 2, 3, ["AAA", "AAA", "A"]), ("A", 5, 10, ["A"])],
    ids=["whole-graphs", "at-least", "cut-a-big-graph", "small"],
)  # fmt: skip
def test_batches_hold_whole_graphs(graphs, least, most, expected):
    quads = [_q(g, i) for i, g in enumerate(graphs)]
    batches = list(_batches(quads, least, most))
    assert ["".join(q.graph_name.value[-1] for q in b) for b in batches] == expected
    assert [q for b in batches for q in b] == quads
