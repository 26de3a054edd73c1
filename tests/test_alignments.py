"""ontology/alignments.ttl: a query written against another vocabulary finds perfkg's data.

Each test asks in the other vocabulary's own terms (CPOV, schema.org, FOAF,
OpenBudgets.eu, SKOS) over the bundled table's graph, its Data Cube view, the
ontology and the alignments, closed under RDFS's subclass and subproperty
rules (rdfs9, rdfs7, applied until nothing changes), as an RDFS reasoner or
a store's RDFS rules would. Expected rows come from the source read by
tests/expected/derive.py (the standard library only, no perfkg).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import assets
from converter.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent / "expected"))
import derive  # noqa: E402

PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX cpov: <http://data.europa.eu/m8g/>
PREFIX schema: <http://schema.org/>
PREFIX obeu-dimension: <http://data.openbudgets.eu/ontology/dsd/dimension/>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
"""
RULES = [
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> INSERT { ?x a ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 . ?x a ?c1 }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> INSERT { ?x ?p2 ?y } WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y }",
]


@pytest.fixture(scope="module")
def source_rows():
    [total], units, projects = derive.read(derive.SOURCE.read_text(encoding="utf-8"), derive.YEAR)
    return total, units, projects


@pytest.fixture(scope="module")
def entailed(tmp_path_factory, source_path) -> ox.Store:
    folder = tmp_path_factory.mktemp("alignments")
    graph, cube = folder / "g.nq", folder / "cube.nq"
    assert main(["convert", str(source_path), "--format", "nq", "-o", str(graph)]) == 0
    assert main(["convert", str(source_path), "--cube", "--format", "nq", "-o", str(cube)]) == 0
    store = ox.Store()
    for path in (graph, cube):
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    for name in ("perfkg.ttl", "alignments.ttl"):
        store.load(assets.read_text("ontology", name), format=ox.RdfFormat.TURTLE)
    size = -1
    while size != len(store):
        size = len(store)
        for rule in RULES:
            store.update(rule)
    return store


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value for term in row) for row in store.query(PREFIXES + query))


def test_cpov_public_organisations_are_the_budget_units(entailed, source_rows):
    _total, units, _projects = source_rows
    found = _rows(entailed, "SELECT DISTINCT ?name WHERE { ?o a cpov:PublicOrganisation ; skos:prefLabel ?name }")
    assert found == sorted((u.name,) for u in {u.name: u for u in units}.values())
    assert len(found) == 17


def test_org_readers_find_every_name_as_skos_preflabel(entailed):
    missing = _rows(entailed, """SELECT ?o WHERE { ?o a org:Organization ; rdfs:label ?l
        FILTER NOT EXISTS { ?o skos:prefLabel ?l } }""")
    assert missing == []


def test_schema_government_organization_is_the_department(entailed):
    assert _rows(entailed, "SELECT ?name WHERE { ?o a schema:GovernmentOrganization ; rdfs:label ?name }") == [(derive.DEPARTMENT,)]


def test_schema_monetary_amounts_are_the_funding_cells(entailed, source_rows):
    total, units, projects = source_rows
    cells = sum(a is not None for row in [total, *units, *projects] for a in row.amounts[1:])
    assert _rows(entailed, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a schema:MonetaryAmount }") == [(str(cells),)]


def test_foaf_projects_are_the_projects(entailed, source_rows):
    _total, _units, projects = source_rows
    assert _rows(entailed, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a foaf:Project }") == [(str(len(projects)),)]


def test_openbudgets_query_sums_each_organisations_approved_amounts(entailed, source_rows):
    """A query written for OpenBudgets.eu datasets: amount by organisation for one fiscal year."""
    _total, units, _projects = source_rows
    expected = {}
    for unit in units:
        total = sum((a for p in unit.projects for a in p.amounts[1:] if a is not None), Decimal(0))
        expected[unit.name] = expected.get(unit.name, Decimal(0)) + total
    rows = entailed.query(PREFIXES + """SELECT ?name (SUM(?amount) AS ?sum) WHERE {
        ?obs obeu-dimension:organization ?org ;
             obeu-dimension:fiscalYear <http://reference.data.gov.uk/id/year/2024> ;
             obeu-dimension:budgetPhase <http://data.openbudgets.eu/resource/codelist/budget-phase/approved> ;
             obeu-measure:amount ?amount .
        ?org skos:prefLabel ?name } GROUP BY ?name""")
    found = {row["name"].value: Decimal(row["sum"].value) for row in rows}
    assert found == {name: value for name, value in expected.items() if value}
