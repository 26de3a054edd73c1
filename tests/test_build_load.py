"""``perfkg build`` loads the N-Quads it has written in blocks of whole lines, as ``perfkg load`` does (issue 15).

One ``bulk_load`` of the whole file held every quad in memory at once
(≈ 1.8 GB at 100 tables); the blocks keep memory flat. The store must hold
the same quads either way: here the block is made small, so that the bundled
table's graph.nq goes in many blocks, and the result is compared with the
whole file loaded in one call and with ``perfkg load`` of the same file.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import store
from converter.cli import main
from converter.documents import prepare
from converter.store import LOADS_GRAPH, load_documents


def _lines(folder: Path) -> list[bytes]:
    return sorted((ox.Store.read_only(str(folder)).dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines())


@pytest.fixture(scope="module")
def rendered(source_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rendered") / "graph.nq"
    assert main(["convert", str(source_path), "--format", "nq", "-o", str(path)]) in (0, 3)
    return path


def _blocks_loaded(monkeypatch) -> list[int]:
    """Record the size of every block handed to the bulk loader (``_line_blocks``)."""
    sizes: list[int] = []
    real = store._line_blocks

    def spy(raw):
        for block in real(raw):
            sizes.append(len(block))
            yield block

    monkeypatch.setattr(store, "_line_blocks", spy)
    return sizes


def test_the_rendered_file_in_small_blocks_gives_the_store_one_call_gives(source_path, rendered, tmp_path, monkeypatch):
    documents = prepare([source_path], records=True)
    monkeypatch.setattr(store, "LINES_BLOCK", 64 << 10)
    sizes = _blocks_loaded(monkeypatch)
    load_documents(tmp_path / "blocks", documents, rendered=rendered)
    size = rendered.stat().st_size
    assert len(sizes) == size // (64 << 10) + 1 and sum(sizes) == size  # every byte, in blocks of whole lines
    assert all(0 < n <= (64 << 10) + 4096 for n in sizes)

    whole = ox.Store(str(tmp_path / "whole"))
    whole.bulk_load(path=str(rendered), format=ox.RdfFormat.N_QUADS)
    whole.extend(documents[0].description())
    whole.flush()
    del whole
    blocks = _lines(tmp_path / "blocks")
    assert len(blocks) > 37_000
    assert blocks == _lines(tmp_path / "whole")


def test_the_build_store_holds_the_quads_perfkg_load_of_its_graph_nq_holds(source_path, tmp_path):
    """The same quads but the load records: the build records the source table, perfkg load the N-Quads file."""
    out, built = tmp_path / "out", tmp_path / "built"
    assert main(["build", str(source_path), "--out", str(out), "--store", str(built)]) == 0
    assert main(["load", "-q", str(out / "graph.nq"), "--store", str(tmp_path / "loaded")]) == 0
    loads = f"<{LOADS_GRAPH.value}> .".encode()
    built_lines, loaded_lines = _lines(built), _lines(tmp_path / "loaded")
    assert [q for q in built_lines if not q.endswith(loads)] == [q for q in loaded_lines if not q.endswith(loads)]
    titles = [q for q in built_lines if q.endswith(loads) and b"/title>" in q]
    assert len(titles) == 1 and f'"{source_path.name}"'.encode() in titles[0]


def test_a_blank_node_across_blocks_stays_one_node(tmp_path, monkeypatch):
    """Each bulk-load call names blank nodes anew: a file holding one is loaded in one call, its node kept whole."""
    graph = "https://example.org/table/t/2024"
    lines = [f'_:b <https://example.org/p> "{i}" <{graph}> .' for i in range(200)]
    rendered = tmp_path / "graph.nq"
    rendered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(store, "LINES_BLOCK", 1 << 10)

    class Doc:
        path, owned = rendered, [ox.NamedNode(graph)]

        def description(self):
            return []

    load_documents(tmp_path / "store", [Doc()], rendered=rendered)
    subjects = {q.subject for q in ox.Store.read_only(str(tmp_path / "store"))}
    assert len(subjects) == 1 and isinstance(next(iter(subjects)), ox.BlankNode)
    assert len(list(ox.Store.read_only(str(tmp_path / "store")))) == 200
