"""perfkg's N-Quads load as lines, and give the store that parsing them gives (issue 15).

A file written one quad a line, each line ending in its named graph, is
scanned line by line (hash, tables, quads per graph) and bulk-loaded in
blocks of whole lines without a Python object per quad
(``converter/documents.py`` ``_scan_lines``, ``converter/store.py``
``_load_lines``). The reference is the same file scanned and loaded by
parsing it (``Document.parsed()``, the path every other RDF file takes), and,
for the counts and tables, the file parsed here with pyoxigraph.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main
from converter.documents import _scan_lines, prepare
from converter.store import load_documents
from converter.vocab import PK, RDF


@pytest.fixture(scope="module")
def nquads(source_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lines") / "table.nq"
    assert main(["convert", str(source_path), "--format", "nq", "-o", str(path)]) in (0, 3)
    return path


def _quads(store_dir: Path) -> list[str]:
    return sorted(str(q) for q in ox.Store.read_only(str(store_dir)))


def _load(path: Path, store_dir: Path, parsed: bool = False):
    documents = prepare([path])
    if parsed:
        documents = [doc.parsed() for doc in documents]
    return documents, load_documents(store_dir, documents, progress=False)


def test_scan_finds_the_tables_counts_and_hash_of_the_file(nquads):
    [doc] = prepare([nquads])
    assert doc.line_counts is not None  # read as lines
    quads = list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    assert doc.line_counts == Counter(q.graph_name for q in quads)
    tables = [q.graph_name for q in quads if q.predicate == RDF.type and q.object == PK.PerformanceGoalsTable]
    assert doc.owned == tables and len(tables) == 1
    assert doc.sha256 == hashlib.sha256(nquads.read_bytes()).hexdigest()


def test_lines_and_parsed_loads_give_the_same_store(nquads, tmp_path):
    docs, lines = _load(nquads, tmp_path / "lines")
    _, parsed = _load(nquads, tmp_path / "parsed", parsed=True)
    assert docs[0].line_counts is not None
    assert lines[0].graphs == parsed[0].graphs
    assert sum(lines[0].graphs.values()) == len(list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)))
    assert _quads(tmp_path / "lines") == _quads(tmp_path / "parsed")


def _with(nquads: Path, folder: Path, name: str, extra: bytes, at: int = 5) -> Path:
    lines = nquads.read_bytes().split(b"\n")
    path = folder / name
    path.write_bytes(b"\n".join(lines[:at] + [extra] + lines[at:]))
    return path


def test_a_default_graph_triple_that_ends_like_a_quad_is_placed_as_parsing_places_it(nquads, tmp_path):
    """``<s> <p> <graph> .`` ends as the graph's quads do: the load finds it in the default graph and parses instead."""
    table = prepare([nquads])[0].owned[0].value
    extra = f"<{table}/note> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{table}> .".encode()
    at = next(i for i, line in enumerate(nquads.read_bytes().split(b"\n")) if line.endswith(f" <{table}> .".encode()))
    path = _with(nquads, tmp_path, "default.nq", extra, at=at + 1)  # among the table's lines
    docs, lines = _load(path, tmp_path / "lines")
    assert docs[0].line_counts is not None  # the scan could not tell
    again, parsed = _load(path, tmp_path / "parsed", parsed=True)
    assert _quads(tmp_path / "lines") == _quads(tmp_path / "parsed")
    # parsing puts it in a graph named after the file (documents._placer: no table in the default graph)
    [own] = [g for g in again[0].owned if g.value != table]
    note = ox.NamedNode(table + "/note")
    found = list(ox.Store.read_only(str(tmp_path / "lines")).quads_for_pattern(note, None, None))
    assert [(q.object.value, q.graph_name) for q in found] == [(table, own)]
    assert lines[0].graphs == parsed[0].graphs and lines[0].document.line_counts is None


@pytest.mark.parametrize("extra", [b"# a comment", b"", b'_:b <http://e/p> "x" <http://e/g> .'])
def test_other_forms_are_parsed(nquads, tmp_path, extra):
    path = _with(nquads, tmp_path, "other.nq", extra)
    [doc] = prepare([path])
    assert doc.line_counts is None


def test_a_syntax_error_is_the_parsed_scan_s_error_and_the_store_is_unchanged(nquads, tmp_path):
    """The line scan does not parse every line; the load does, and falls back to the parsed scan's message."""
    table = prepare([nquads])[0].owned[0].value
    path = _with(nquads, tmp_path, "broken.nq", f'<{table}/x> <http://e/p> "no end <{table}> .'.encode(), at=2000)
    assert prepare([path])[0].line_counts is not None
    with pytest.raises(ValueError, match=r"broken\.nq: not valid RDF"):
        prepare([path])[0].parsed()
    store_dir = tmp_path / "store"
    assert main(["load", str(nquads), "--store", str(store_dir), "-q"]) == 0
    before = _quads(store_dir)
    assert main(["load", str(path), "--store", str(store_dir), "-q"]) == 2
    assert _quads(store_dir) == before


@pytest.mark.parametrize("block", [1 << 24, 65_536, 97])
def test_counts_when_graphs_interleave_and_runs_cross_blocks(nquads, tmp_path, block):
    """A run of one graph is counted at once, graphs interleaved line by line: both give the parsed file's counts."""
    lines = nquads.read_bytes().split(b"\n")[:-1]
    head = lines[:4000]
    random.Random(15).shuffle(head)  # the vocabulary's, the table's and the reference graph's lines mixed
    path = tmp_path / "mixed.nq"
    path.write_bytes(b"\n".join(head + lines[4000:] + lines[:50]) + b"\n")  # and the first graph again at the end
    sha256, tables, counts = _scan_lines(path, block=block)
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    assert counts == Counter(q.graph_name for q in quads) and len(counts) == 3
    assert tables == {q.graph_name for q in quads if q.predicate == RDF.type and q.object == PK.PerformanceGoalsTable}
    assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
