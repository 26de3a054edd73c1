"""The ontology is OWL 2 DL that HermiT reasons over, offline, and the data is consistent with it.

HermiT (the reasoner Protégé ships, run by owlready2 on Java 17) accepts only
the datatypes of the OWL 2 datatype map; an ontology that uses another in an
axiom (``rdfs:range xsd:gYear``) is refused unless HermiT is told to ignore
unsupported datatypes. The ontology is loaded *without* that switch. The data
keeps RDF's ``xsd:gYear`` family for fiscal years and deadlines (OWL 2 has no
such datatype), so only the data runs ignore those literals, and a test pins
which datatypes that concerns, so a new one cannot slip in unseen.

Imports are resolved through ``ontology/catalog-v001.xml`` (the file Protégé
and the OWL API read) and nothing else: a test fails on any ``owl:imports``
the catalogue does not map to a file in the folder.
"""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET

import owlready2
import pytest
import rdflib

from converter import assets



CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
ONTOLOGY = "https://w3id.org/perfkg/ontology"
ALIGNMENTS = "https://w3id.org/perfkg/ontology/alignments"
PK = rdflib.Namespace(ONTOLOGY + "#")
# Plain namespaces: pytest probes module attributes, and rdflib's closed ones warn on that.
RDF = rdflib.Namespace(str(rdflib.RDF))
OWL = rdflib.Namespace(str(rdflib.OWL))
XSD = rdflib.Namespace(str(rdflib.XSD))
#: XSD's calendar datatypes other than xsd:dateTime: RDF knows them, OWL 2 does not.
CALENDAR = {str(XSD[n]) for n in ("date", "gYear", "gYearMonth", "gMonthDay", "gMonth")}

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4) and rdf:langString.
OWL2_DATATYPES = {str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(rdflib.RDFS.Literal), str(OWL.real), str(OWL.rational),
                  str(RDF.langString)} | {str(XSD[n]) for n in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
    "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language Name "
    "NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp").split()}


def test_java_is_there():
    # The HermiT tests need a JVM; .ci/run installs one. Not a skip: a missing JVM fails.
    assert shutil.which("java"), "HermiT needs Java (apt-get install default-jre-headless)"


def catalog() -> dict[str, str]:
    root = ET.fromstring(assets.read_text("ontology", "catalog-v001.xml"))
    return {e.get("name"): e.get("uri") for e in root.iter(CATALOG_NS + "uri")}


def _graph(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=assets.read_text("ontology", name), format="turtle")


def test_catalog_maps_every_ontology_iri_to_its_file():
    entries = catalog()
    assert set(entries.values()) <= set(assets.list_assets("ontology", ".ttl"))
    for iri, name in entries.items():
        graph = _graph(name)
        names = {str(s) for s in graph.subjects(RDF.type, OWL.Ontology)} | {str(o) for o in graph.objects(None, OWL.versionIRI)}
        assert iri in names, f"{iri} is not the ontology or version IRI of {name}"


def test_every_import_resolves_through_the_catalog():
    entries = catalog()
    imports = {str(o) for name in assets.list_assets("ontology", ".ttl") for o in _graph(name).objects(None, OWL.imports)}
    assert imports == {ONTOLOGY}  # alignments.ttl imports the ontology; the ontology imports nothing
    assert imports <= set(entries)


def _load(world, iri: str, entries: dict[str, str]):
    """Load ``iri`` and what it imports into an owlready2 world, every file found through the catalogue."""
    graph = _graph(entries[iri])
    for imported in sorted(str(o) for o in graph.objects(None, OWL.imports)):
        _load(world, imported, entries)
    data = graph.serialize(format="nt", encoding="utf-8")
    return world.get_ontology(iri).load(fileobj=io.BytesIO(data))


def _vocabulary(world):
    """The whole shipped vocabulary: the alignments (importing the ontology), the schemes and the target terms."""
    entries = catalog()
    onto = _load(world, ALIGNMENTS, entries)
    for name in ("schemes.ttl", "targets.ttl"):
        data = _graph(name).serialize(format="nt", encoding="utf-8")
        world.get_ontology(f"https://w3id.org/perfkg/test/{name}").load(fileobj=io.BytesIO(data))
    return onto


def test_ontology_loads_in_hermit_without_options_and_is_coherent():
    world = owlready2.World()
    onto = _vocabulary(world)
    assert ONTOLOGY.rstrip("#") in {o.base_iri.rstrip("#") for o in onto.imported_ontologies}
    owlready2.sync_reasoner_hermit(world, debug=0)  # raises on an unsupported datatype or an inconsistency
    assert list(world.inconsistent_classes()) == []
    # HermiT's classification is there: a project is a budget line, so a PROV entity.
    project = world.search_one(iri=str(PK.Project))
    assert world.search_one(iri="http://www.w3.org/ns/prov#Entity") in project.ancestors()


def test_ontology_axioms_use_only_owl2_datatypes():
    """Independently of HermiT: every datatype in a range or restriction is in the OWL 2 map."""
    used = set()
    for name in assets.list_assets("ontology", ".ttl"):
        graph = _graph(name)
        used |= {str(o) for o in graph.objects(None, rdflib.RDFS.range) if str(o).startswith(str(XSD))}
        used |= {str(o) for o in graph.objects(None, OWL.onDatatype)}
    assert used and used <= OWL2_DATATYPES, used - OWL2_DATATYPES


def _data_graph(path) -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format="nquads")
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="module")
def bundled_nquads(tmp_path_factory, source_path):
    from converter.cli import main

    path = tmp_path_factory.mktemp("owl") / "g.nq"
    assert main(["convert", str(source_path), "--format", "nq", "-o", str(path)]) == 0
    return path


def _outside_owl2(graph: rdflib.Graph) -> set[str]:
    return {str(o.datatype) for o in graph.objects() if isinstance(o, rdflib.Literal) and o.datatype
            and str(o.datatype) not in OWL2_DATATYPES}


def test_data_literals_outside_owl2_are_only_calendar_datatypes(bundled_nquads, multi_year_nquads, self_evaluation_nquads):
    # Fiscal years are xsd:gYear, the fiscal year's start and end xsd:date (dcat:startDate), deadline
    # targets xsd:date / gYearMonth / gMonthDay ("年底前" is --12-31) / gMonth / gYear. These are the
    # only literals HermiT has to ignore in the data runs.
    for path in (bundled_nquads, multi_year_nquads, self_evaluation_nquads):
        outside = _outside_owl2(_data_graph(path))
        assert {str(XSD.gYear), str(XSD.date)} <= outside <= CALENDAR, outside


@pytest.mark.parametrize("which", ["bundled", "multi-year", "self-evaluations"])
def test_data_is_consistent_with_the_ontology(which, bundled_nquads, multi_year_nquads, self_evaluation_nquads):
    path = {"bundled": bundled_nquads, "multi-year": multi_year_nquads, "self-evaluations": self_evaluation_nquads}[which]
    world = owlready2.World()
    _vocabulary(world)
    data = _data_graph(path).serialize(format="nt", encoding="utf-8")
    world.get_ontology("https://w3id.org/perfkg/test/data").load(fileobj=io.BytesIO(data))
    owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    assert list(world.inconsistent_classes()) == []


def _hermit_on(triples) -> None:
    """HermiT on the shipped vocabulary and these triples; raises what the reasoner raises."""
    world = owlready2.World()
    _vocabulary(world)
    graph = rdflib.Graph()
    for triple in triples:
        graph.add(triple)
    world.get_ontology("https://w3id.org/perfkg/test/bad").load(fileobj=io.BytesIO(graph.serialize(format="nt", encoding="utf-8")))
    owlready2.sync_reasoner_hermit(world, debug=0)


def test_hermit_finds_data_that_contradicts_the_ontology():
    """The check can fail: two amounts on one funding amount contradict pk:amount being functional."""
    node = rdflib.URIRef("https://w3id.org/perfkg/test/funding")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit_on([(node, RDF.type, PK.FundingAmount),
                    (node, PK.amount, rdflib.Literal("1.5", datatype=XSD.decimal)),
                    (node, PK.amount, rdflib.Literal("2.5", datatype=XSD.decimal))])  # fmt: skip


def test_hermit_refuses_a_line_number_that_is_not_an_integer():
    node = rdflib.URIRef("https://w3id.org/perfkg/test/row")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit_on([(node, PK.sourceLine, rdflib.Literal("twelve"))])


def test_hermit_refuses_a_self_evaluation_row_number_that_is_not_an_integer():
    """The self-evaluation terms are in the reasoning too: pk:resultNumber ranges over xsd:integer."""
    node = rdflib.URIRef("https://w3id.org/perfkg/test/result")
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit_on([(node, RDF.type, PK.IndicatorResult),
                    (node, PK.resultNumber, rdflib.Literal("1.5", datatype=XSD.decimal))])  # fmt: skip
