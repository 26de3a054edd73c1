"""The embedded store's answers read back from Oxigraph's SPARQL TSV are the terms Oxigraph holds (issue 15).

``OxigraphBackend.solutions`` has Oxigraph write the answer as TSV and reads
it back (cheaper than a Python object per solution); every kind of term a
cell can hold must come back as the same :class:`converter.query.Term`.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from converter.query import OxigraphBackend, QueryRunError, Term, _from_ox, _tsv_term

XSD = "http://www.w3.org/2001/XMLSchema#"
LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# (object stored, the Term expected back: written out by hand from the RDF, not taken from the code)
CASES = [
    (ox.Literal("plain"), Term("literal", "plain", XSD + "string")),
    (ox.Literal("a\tb\nc\rd\"e\\f\\n"), Term("literal", "a\tb\nc\rd\"e\\f\\n", XSD + "string")),
    (ox.Literal("城镇新增就业人数 ≥ 95%"), Term("literal", "城镇新增就业人数 ≥ 95%", XSD + "string")),
    (ox.Literal("\u0001\u007f\ufffe"), Term("literal", "\u0001\u007f\ufffe", XSD + "string")),
    (ox.Literal(""), Term("literal", "", XSD + "string")),
    (ox.Literal('"'), Term("literal", '"', XSD + "string")),
    (ox.Literal("广州", language="zh"), Term("literal", "广州", LANG, "zh")),
    (ox.Literal('say "x"', language="en-GB"), Term("literal", 'say "x"', LANG, "en-gb")),
    # Oxigraph keeps a decimal canonical ("95.0" -> "95") and writes it quoted: it is no Turtle decimal
    (ox.Literal("95.0", datatype=ox.NamedNode(XSD + "decimal")), Term("literal", "95", XSD + "decimal")),
    (ox.Literal("-.5", datatype=ox.NamedNode(XSD + "decimal")), Term("literal", "-0.5", XSD + "decimal")),
    (ox.Literal("01", datatype=ox.NamedNode(XSD + "integer")), Term("literal", "1", XSD + "integer")),
    (ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer")), Term("literal", "-7", XSD + "integer")),
    (ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double")), Term("literal", "1000", XSD + "double")),
    (ox.Literal("NaN", datatype=ox.NamedNode(XSD + "double")), Term("literal", "NaN", XSD + "double")),
    (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), Term("literal", "true", XSD + "boolean")),
    (ox.Literal("0", datatype=ox.NamedNode(XSD + "boolean")), Term("literal", "false", XSD + "boolean")),
    (ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")), Term("literal", "2024", XSD + "gYear")),
    (ox.Literal("not a number", datatype=ox.NamedNode(XSD + "integer")), Term("literal", "not a number", XSD + "integer")),
    (ox.Literal("x", datatype=ox.NamedNode("https://w3id.org/perfkg/ontology#code")),
     Term("literal", "x", "https://w3id.org/perfkg/ontology#code")),
    (ox.NamedNode("https://w3id.org/perfkg/id/project/a%20b?c=d#e"), Term("uri", "https://w3id.org/perfkg/id/project/a%20b?c=d#e")),
    (ox.BlankNode("b1"), Term("bnode", "b1")),
]


@pytest.fixture
def backend() -> OxigraphBackend:
    store = ox.Store()
    graph = ox.NamedNode("https://example.org/g")
    for number, (value, _) in enumerate(CASES):
        store.add(ox.Quad(ox.NamedNode(f"https://example.org/s{number:02d}"), ox.NamedNode("https://example.org/p"), value, graph))
    return OxigraphBackend(store)


def test_every_kind_of_term_comes_back_as_stored(backend):
    query = ("SELECT ?s ?o ?unbound WHERE { ?s <https://example.org/p> ?o OPTIONAL { ?s <https://example.org/q> ?unbound } } "
             "ORDER BY ?s")  # fmt: skip
    variables, rows = backend.solutions(query)
    rows = list(rows)
    assert variables == ["s", "o", "unbound"]
    assert [row[1] for row in rows] == [expected for _, expected in CASES]
    assert [row[2] for row in rows] == [None] * len(CASES)
    # the same as a Python object made of each solution, as before
    direct = [tuple(_from_ox(s[v]) for v in variables) for s in backend.store.query(query, use_default_graph_as_union=True)]
    assert rows == direct


def test_a_row_of_only_unbound_cells_and_an_empty_answer(backend):
    variables, rows = backend.solutions("SELECT ?x ?y WHERE { OPTIONAL { ?x <https://example.org/none> ?y } }")
    assert (variables, list(rows)) == (["x", "y"], [(None, None)])
    variables, rows = backend.solutions("SELECT ?x WHERE { ?x <https://example.org/none> ?y }")
    assert (variables, list(rows)) == (["x"], [])


def test_a_cell_it_cannot_read_is_refused_not_guessed():
    with pytest.raises(QueryRunError, match="cannot read"):
        _tsv_term("INF")
    with pytest.raises(QueryRunError, match="cannot read"):
        _tsv_term('"x"junk')


def test_a_sparql_csv_row_holds_each_terms_plain_value():
    """SPARQL 1.1 CSV: an IRI whole (never shortened), a blank node as _:id, a literal's text without tag or type."""
    from converter.query import Term, csv_row, display

    row = (None, Term("uri", "https://w3id.org/perfkg/id/x"), Term("bnode", "b0"),
           Term("literal", "合法合规", lang="zh"), Term("literal", "95", "http://www.w3.org/2001/XMLSchema#decimal"))
    assert csv_row(row) == ["", "https://w3id.org/perfkg/id/x", "_:b0", "合法合规", "95"]
    assert csv_row(row) == [display(t, compact=False) for t in row]
