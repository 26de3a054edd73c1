"""The cross-table bookkeeping of table-by-table validation, from the lines' bytes and by queries (issue 15).

``_TableRun._note_terms`` reads a table's subjects and IRI objects off its
N-Quads lines; ``_TableRun._note_store`` asks the same of the table's store
by SPARQL. Both must keep the same triples about shared resources, the same
digests, and name the same IRIs as undescribed: checked here on the bundled
table's own lines, and on lines the byte cut cannot read (which go to the
queries).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import converter.validate as v
from converter.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> tuple[ox.NamedNode, bytes, list[bytes]]:
    """The bundled table's graph: (its IRI, the lines' suffix, its lines)."""
    nq = tmp_path_factory.mktemp("lines") / "table.nq"
    assert main(["convert", str(ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"), "-o", str(nq)]) in (0, 3)
    runs = [(g, suffix, lines) for g, suffix, lines in v._graph_runs([str(nq)]) if "/table/" in g.value]
    assert len(runs) == 1
    return runs[0]


def _bookkeeping(name, suffix, lines, by_terms: bool):
    run = v._TableRun(v.TableSource(lambda: iter(())), "shacl-rust", v.shape_names())
    store = ox.Store()
    store.load(b"".join(line[: -len(suffix)] + b" .\n" for line in lines), format=ox.RdfFormat.N_TRIPLES)
    if by_terms:
        terms = v._line_terms([(suffix, lines)])
        assert terms is not None
        run._note_terms(name, store, *terms)
    else:
        run._note_store(name, store)
    return set(run.described), dict(run.digests), dict(run.unresolved)


def test_the_bytes_give_the_queries_bookkeeping(table):
    name, suffix, lines = table
    described, digests, unresolved = _bookkeeping(name, suffix, lines, by_terms=True)
    assert (described, digests, unresolved) == _bookkeeping(name, suffix, lines, by_terms=False)
    # what it holds, counted another way: the lines whose subject is not the table or under it
    root = b"<" + name.value.encode()
    foreign = {line.split(b" ")[0] for line in lines if not (line.startswith(root + b">") or line.startswith(root + b"/"))}
    assert len(digests) == len(foreign) > 100  # indicator definitions, organisations, the source file
    assert ox.NamedNode("https://w3id.org/perfkg/ontology#Project") in unresolved  # a class: named, described by no table


def test_subjects_and_iri_objects_of_lines():
    suffix = b" <https://example.org/t> ."
    lines = [
        b'<https://example.org/t/a> <https://example.org/p> <https://example.org/b>' + suffix,
        b'<https://example.org/t/a> <https://example.org/q> "x y <z>"@zh' + suffix,
        b'<https://example.org/c> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer>' + suffix,
    ]
    assert v._line_terms([(suffix, lines)]) == (
        {b"<https://example.org/t/a>", b"<https://example.org/c>"}, {b"<https://example.org/b>"},
    )  # fmt: skip


@pytest.mark.parametrize("line", [
    b'<https://example.org/a\\u0062> <https://example.org/p> "x"',  # an escape: the bytes are not the IRI
    b'<https://example.org/a>\t<https://example.org/p> "x"',  # a tab between terms
    b'<https://example.org/a> <https://example.org/p>  <https://example.org/b>',  # two spaces
    b'<https://example.org/a> <https://example.org/p> <https://example.org/b\\u0062>',
])  # fmt: skip
def test_lines_the_cut_cannot_read_go_to_the_queries(line):
    suffix = b" <https://example.org/t> ."
    assert v._line_terms([(suffix, [line + suffix])]) is None


# -- the lenient load: a term the strict parser refuses is still refused --------------------------
#
# For shacl-rust the table's lines are loaded without checking IRIs and language tags; the engine
# parses the store's text strictly, and anything refused sends the input to the parsed pass, which
# raises the parser's error as it did when the load was strict.


def _with_object(lines: list[bytes], suffix: bytes, obj: bytes) -> list[bytes]:
    line = lines[10]
    s, p, _ = line.split(b" ", 2)
    return lines[:10] + [s + b" " + p + b" " + obj + suffix] + lines[11:]


@pytest.mark.parametrize("obj", [b"<relative>", b"<https://example.org/{a}>", b"<https://example.org/a b>"])
def test_an_invalid_iri_in_a_table_is_the_parsers_error(table, tmp_path, monkeypatch, obj):
    name, suffix, lines = table
    path = tmp_path / "bad.nq"
    path.write_bytes(b"\n".join(_with_object(lines, suffix, obj)) + b"\n")
    with pytest.raises(SyntaxError) as strict, path.open("rb") as stream:  # read as the parsed pass reads it
        list(ox.parse(stream, format=ox.RdfFormat.N_QUADS))
    fallbacks = []
    lines_pass = v._TableRun._first_pass_lines

    def counted(self):
        try:
            return lines_pass(self)
        except v._NotLines:
            fallbacks.append(1)
            raise

    monkeypatch.setattr(v._TableRun, "_first_pass_lines", counted)
    with pytest.raises(SyntaxError) as found:
        v.validate_tables(v.tables_of_files([str(path)]))
    assert fallbacks == [1]
    assert str(found.value) == str(strict.value)
