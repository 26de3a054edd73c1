"""Every shipped asset parses, and every ontology term is documented in Chinese and English."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from converter import assets

PK = rdflib.Namespace("https://w3id.org/perfkg/ontology#")
TTL = [("ontology", n) for n in assets.list_assets("ontology", ".ttl")] + [
    ("shapes", n) for n in assets.list_assets("shapes", ".ttl")
]
RQ = assets.list_assets("queries", ".rq")


@pytest.mark.parametrize("kind,name", TTL, ids=[f"{k}/{n}" for k, n in TTL])
def test_turtle_asset_parses_and_starts_with_a_header_comment(kind, name):
    text = assets.read_text(kind, name)
    assert text.startswith("#"), f"{kind}/{name} must start with a header comment"
    assert len(rdflib.Graph().parse(data=text, format="turtle")) > 0


@pytest.mark.parametrize("name", RQ)
def test_query_asset_parses_and_starts_with_a_header_comment(name):
    from rdflib.plugins.sparql import prepareQuery

    text = assets.read_text("queries", name)
    assert text.startswith("#"), f"queries/{name} must start with a header comment"
    prepareQuery(text) if "SERVICE" not in text else rdflib.plugins.sparql.parser.parseQuery(text)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in assets.list_assets("ontology", ".ttl"):
        graph.parse(data=assets.read_text("ontology", name), format="turtle")
    return graph


def _terms(ontology: rdflib.Graph) -> list[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual, PK.AmountUnit, SKOS.Concept)
    found = {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith("https://w3id.org/perfkg/")}
    return sorted(found)


def test_ontology_defines_terms(ontology):
    assert len(_terms(ontology)) > 40


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_term_has_a_label_and_a_definition_in(ontology, lang):
    missing = []
    for term in _terms(ontology):
        labels = {o.language for p in (RDFS.label, SKOS.prefLabel) for o in ontology.objects(term, p)}
        definitions = {o.language for o in ontology.objects(term, SKOS.definition)}
        if lang not in labels or lang not in definitions:
            missing.append(str(term))
    assert missing == []


def test_every_pk_term_is_defined_by_the_ontology(ontology):
    undefined = [str(t) for t in _terms(ontology) if (t, RDFS.isDefinedBy, None) not in ontology]
    assert undefined == []
