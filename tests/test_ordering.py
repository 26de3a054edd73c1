"""A query's last ORDER BY done in Python (converter/ordering.py): the rows Oxigraph's own ORDER BY gives.

Oxigraph is the oracle: each answer sorted in Python is compared with the
same query sorted by Oxigraph, on data made to hold the values that are easy
to get wrong (unbound, DESC, Chinese text, numbers written two ways, years).
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from converter import ordering
from converter.query import OxigraphBackend, Term

EX = "http://example.org/"

DATA = f"""
@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:name "越秀区" ; ex:n 10 ; ex:year "2024"^^xsd:gYear .
ex:b ex:name "荔湾区" ; ex:n 9.5 ; ex:year "2023"^^xsd:gYear .
ex:c ex:name "Zeta" ; ex:n -3 ; ex:year "2024"^^xsd:gYear .
ex:d ex:name "zeta" ; ex:year "2022"^^xsd:gYear .
ex:e ex:name "越秀区（二）" ; ex:n 100 ; ex:year "2023"^^xsd:gYear .
ex:f ex:n 7 ; ex:year "2024"^^xsd:gYear .
"""

SELECT = f"""PREFIX ex: <{EX}>
SELECT ?s ?name ?n ?year WHERE {{ ?s ex:year ?year OPTIONAL {{ ?s ex:name ?name }} OPTIONAL {{ ?s ex:n ?n }} }}
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    return store


def _by_oxigraph(store: ox.Store, text: str) -> list[tuple]:
    """The rows with Oxigraph's ORDER BY, asked of pyoxigraph directly (not through perfkg's reading of its TSV)."""
    rows = store.query(text, use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in rows]


def _string(value: str) -> Term:
    return Term("literal", value, "http://www.w3.org/2001/XMLSchema#string")


def _values(rows) -> list[tuple]:
    return [tuple(None if t is None else t.value for t in row) for row in rows]


@pytest.mark.parametrize("order", [
    "?name ?s", "DESC(?name) ?s", "?n ?s", "DESC(?n) ?s", "?year ?name ?s", "DESC(?year) DESC(?s)",
    "ASC(?year) DESC(?n) ?s", "?s",
])  # fmt: skip
def test_python_gives_oxigraphs_order(store, order):
    text = SELECT + "ORDER BY " + order
    variables, rows = OxigraphBackend(store).solutions(text)
    assert _values(rows) == _by_oxigraph(store, text)
    assert len(_by_oxigraph(store, text)) == 6


def test_the_order_checked_against_rows_written_by_hand(store):
    """Unbound first ascending, last descending; Chinese by code point (荔 U+8354 before 越 U+8D8A); 9.5 < 10."""
    _, rows = OxigraphBackend(store).solutions(SELECT + "ORDER BY ?name ?s")
    assert [r[1].value if r[1] else None for r in rows] == [None, "Zeta", "zeta", "荔湾区", "越秀区", "越秀区（二）"]
    _, rows = OxigraphBackend(store).solutions(SELECT + "ORDER BY DESC(?n) ?s")
    assert [r[2].value if r[2] else None for r in rows] == ["100", "10", "9.5", "7", "-3", None]


def test_trailing_order_cuts_the_last_clause_only():
    text = "SELECT ?a WHERE {\n  { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 3 }\n}\nORDER BY DESC(?a)  ?b # why\n\n# end\n"
    cut, keys = ordering.trailing_order(text)
    assert keys == [("a", True), ("b", False)]
    assert cut == "SELECT ?a WHERE {\n  { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 3 }\n}\n\n"
    assert ordering.trailing_order("SELECT ?a WHERE { ?a ?p ?o } } ORDER BY ?a ?b") == (
        "SELECT ?a WHERE { ?a ?p ?o } } \n", [("a", False), ("b", False)])  # fmt: skip


@pytest.mark.parametrize("text", [
    "SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 10",
    "SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a OFFSET 2",
    "SELECT ?a WHERE { ?a ?p ?o } ORDER BY STR(?a)",
    "SELECT ?a WHERE { ?a ?p ?o } ORDER BY DESC(?a + 1)",
    "SELECT ?a WHERE { ?a ?p ?o }",
    "SELECT ?a WHERE { ?a ?p ?o }\n# ORDER BY ?a",
    'SELECT ?a WHERE { ?a ?p "x" } # ORDER BY ?a',
    'SELECT ?a WHERE { FILTER (?a = "ORDER BY ?a") }',
])  # fmt: skip
def test_a_query_not_ending_in_order_by_of_variables_is_left_to_oxigraph(text):
    assert ordering.trailing_order(text) is None


def test_rows_equal_on_every_key_are_refused():
    """Their order is Oxigraph's choice, which depends on its plan: Python does not guess it."""
    one, two = (_string("2024"), _string("a")), (_string("2024"), _string("b"))
    with pytest.raises(ordering.Unordered, match="equal on every ordering variable"):
        ordering.ordered(["year", "name"], [one, two], [("year", False)])
    assert ordering.ordered(["year", "name"], [one, one], [("year", False)]) == [one, one]  # the same row twice


def test_a_key_the_answer_does_not_project_is_refused():
    with pytest.raises(ordering.Unordered, match=r"\?line is not in the answer"):
        ordering.ordered(["year"], [], [("line", False)])


class _Spy:
    """A store that records the texts it is asked, then answers them."""

    def __init__(self, inner: ox.Store) -> None:
        self.inner, self.asked = inner, []

    def query(self, text, **options):
        self.asked.append(text)
        return self.inner.query(text, **options)


def test_ties_and_language_tags_go_back_to_oxigraph(store):
    """Two rows tie on ?year, and a language-tagged value: asked without the clause, then again with it."""
    spy = _Spy(store)
    text = SELECT + "ORDER BY ?year"
    assert _values(OxigraphBackend(spy).solutions(text)[1]) == _by_oxigraph(store, text)
    assert ["ORDER BY" in t for t in spy.asked] == [False, True]
    spy = _Spy(store)
    tagged = f'PREFIX ex: <{EX}>\nSELECT ?s ?l WHERE {{ VALUES (?s ?l) {{ (ex:a "乙"@zh) (ex:b "甲"@zh) }} }}\nORDER BY ?l'
    assert _values(OxigraphBackend(spy).solutions(tagged)[1]) == [(EX + "a", "乙"), (EX + "b", "甲")]  # U+4E59, U+7532
    assert ["ORDER BY" in t for t in spy.asked] == [False, True]
    assert _by_oxigraph(store, tagged) == [(EX + "a", "乙"), (EX + "b", "甲")]


def test_oxigraph_is_not_asked_to_sort_what_python_sorts(store):
    """The query Oxigraph evaluates has no ORDER BY when Python can sort its answer."""
    spy = _Spy(store)
    rows = OxigraphBackend(spy).solutions(SELECT + "ORDER BY DESC(?n) ?s")[1]
    assert len(list(rows)) == 6
    assert len(spy.asked) == 1 and "ORDER BY" not in spy.asked[0]


@pytest.mark.parametrize("text, names", [
    ("SELECT ?a ?b WHERE { ?a ?p ?b }", {"a", "b"}),
    ("SELECT DISTINCT ?a (COUNT(?b) AS ?n) (STR(?c) AS ?label) WHERE { ?a ?p ?b }", {"a", "n", "label"}),
    ("# SELECT ?x\nSELECT ?a\n{ ?a ?p ?b }", {"a"}),
    ("SELECT ?row (SUM(COALESCE(?t, 0)) AS ?total)\n  WHERE { ?row ?p ?t } GROUP BY ?row", {"row", "total"}),
    ("SELECT * WHERE { ?a ?p ?b }", None),
])  # fmt: skip
def test_the_projection_read_from_the_text(text, names):
    assert ordering.projected(text) == names


def test_ordered_by_a_variable_not_projected_oxigraph_sorts_unasked_twice(store):
    """unit-total-discrepancies orders by ?column, which it does not project: one query, Oxigraph's order."""
    spy = _Spy(store)
    text = f"PREFIX ex: <{EX}>\nSELECT ?s WHERE {{ ?s ex:n ?n }} ORDER BY DESC(?n) ?s"
    rows = OxigraphBackend(spy).solutions(text)[1]
    assert [r[0].value for r in rows] == [EX + x for x in "eabfc"]  # 100, 10, 9.5, 7, -3
    assert spy.asked == [text]


_X = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("values", [
    # forms Python's Decimal() and int() read but XML Schema does not: Oxigraph orders them apart
    [f'"1e3"^^<{_X}decimal>', f'"5"^^<{_X}decimal>', f'"2000"^^<{_X}integer>'],
    [f'"1_0"^^<{_X}decimal>', f'"5"^^<{_X}decimal>', f'"20"^^<{_X}integer>'],
    [f'" 7"^^<{_X}integer>', f'"5"^^<{_X}decimal>', f'"20"^^<{_X}integer>'],
    [f'"9.5"^^<{_X}int>', f'"5"^^<{_X}decimal>', f'"20"^^<{_X}integer>'],
    [f'"٣"^^<{_X}integer>', f'"5"^^<{_X}integer>'],
    [f'"02024"^^<{_X}gYear>', f'"0000"^^<{_X}gYear>', f'"2023"^^<{_X}gYear>', f'"12000"^^<{_X}gYear>', f'"999"^^<{_X}gYear>'],
    # forms it reads as numbers, of several types
    [f'"10"^^<{_X}int>', f'"100"^^<{_X}nonNegativeInteger>', f'"9.5"^^<{_X}decimal>', f'"-3"^^<{_X}long>', f'"-.5"^^<{_X}decimal>'],
    [f'"300"^^<{_X}unsignedByte>', f'"-1"^^<{_X}nonNegativeInteger>', f'"+3."^^<{_X}decimal>', f'"1.50"^^<{_X}decimal>'],
    ['"a"', '"B"', '"é"', '"\\uD7FF"', '"😀"', '"\\uFF21"', '""'],
])  # fmt: skip
@pytest.mark.parametrize("order", ["?v ?s", "DESC(?v) ?s"])
def test_values_python_must_not_read_as_numbers_keep_oxigraphs_order(values, order):
    store = ox.Store()
    rows = " ".join(f"(<{EX}{i}> {v})" for i, v in enumerate(values))
    text = f"SELECT ?s ?v WHERE {{ VALUES (?s ?v) {{ {rows} }} }}\nORDER BY {order}"
    assert _values(OxigraphBackend(store).solutions(text)[1]) == _by_oxigraph(store, text)


def test_a_decimal_written_as_python_reads_it_is_refused():
    """1e3 is 1000 to Decimal(), not an xsd:decimal to Oxigraph (it orders it apart)."""
    with pytest.raises(ordering.Unordered, match="not a number of its type"):
        ordering.sort_key(Term("literal", "1e3", _X + "decimal"), {}, 0)
    assert ordering.sort_key(Term("literal", "-.5", _X + "decimal"), {}, 0) == (1, Decimal("-0.5"))
    assert ordering.sort_key(Term("literal", "12000", _X + "gYear"), {}, 0) == (1, 12000)
