"""The dataset descriptions pass the official DCAT-AP 3.0.1 SHACL shapes, run by pySHACL.

The shapes are the SEMICeu/DCAT-AP release files, pinned in tests/dcat-ap/
(source, commit and licence in its README): the profile's mandatory,
cardinality and class constraints and its range shapes, together. They are
checked on the bundled table as perfkg writes it without options, with every
publishing option, and on a two-year graph (one department, two tables: one
dataset series). Without inference, as a harvester's validator runs them.

Expected values come from the source and the command line, not from the
converter: the department is source line 5 after 部门名称：; the ADMS code of
a local authority and the licence IRI are what the test passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyshacl import validate

from converter.cli import main

HERE = Path(__file__).resolve().parent / "dcat-ap"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PK = rdflib.Namespace("https://w3id.org/perfkg/ontology#")
RDF_TYPE = rdflib.RDF.type
TABLE = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2024"
SERIES = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
PUBLISH = ["--download-url", "https://example.org/perfkg/gz-2024.nq", "--contact", "rsj@example.org",
           "--licence", LICENCE, "--publisher-type", "local"]
SHAPE = "https://semiceu.github.io/DCAT-AP/releases/3.0.1#"

#: sh:property references in the official files that neither file defines (checked below).
UNDEFINED = {
    "dcat:RelationshipShape/b7aa98e1befa5130659568aa62e7f38575dc17c1",
    "dcat:DistributionShape/653804840386e33525b3d39d205c174780be414b",
    "dcat:DistributionShape/a07d6e7a0a1790b89a1ce7ff602cbbd9ea835282",
    "dcat:DatasetShape/95c69c99a1e3ade043911b51b942f206dea0e68d",
    "dcat:DatasetShape/4918ff7a6c1c4b0eea6403dca4b992b87ee1f4ab",
}


def _official_shapes() -> tuple[rdflib.Graph, set[str]]:
    shapes = rdflib.Graph()
    for name in ("dcat-ap-SHACL.ttl", "ranges.ttl"):
        shapes.parse(HERE / name, format="turtle")
    dangling = {(s, o) for s, o in shapes.subject_objects(SH.property) if (o, None, None) not in shapes}
    for triple in dangling:
        shapes.remove((triple[0], SH.property, triple[1]))
    return shapes, {str(o).removeprefix(SHAPE) for _, o in dangling}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return _official_shapes()[0]


def test_pinned_shapes_are_the_release_and_only_five_references_are_undefined():
    shapes, dangling = _official_shapes()
    assert dangling == UNDEFINED
    targets = {str(o) for o in shapes.objects(None, SH.targetClass)}
    assert {str(DCAT.Dataset), str(DCAT.DatasetSeries), str(DCAT.Distribution), "http://xmlns.com/foaf/0.1/Agent",
            str(SKOS.ConceptScheme), str(SKOS.Concept), str(DCTERMS.Location)} <= targets


def _union(path: Path) -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format="nquads")
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def _convert(tmp_path: Path, source: Path, *options: str) -> rdflib.Graph:
    out = tmp_path / (source.stem + ".nq")
    assert main(["convert", str(source), "--format", "nq", "-o", str(out), *options]) == 0
    return _union(out)


@pytest.fixture(scope="module")
def plain(tmp_path_factory, source_path) -> rdflib.Graph:
    return _convert(tmp_path_factory.mktemp("dcat-ap"), source_path)


@pytest.fixture(scope="module")
def published(tmp_path_factory, source_path) -> rdflib.Graph:
    return _convert(tmp_path_factory.mktemp("dcat-ap"), source_path, *PUBLISH)


def _results(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[tuple[str, str, str]]:
    conforms, report, _ = validate(graph, shacl_graph=shapes, inference="none")
    results = sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)), str(report.value(r, SH.sourceConstraintComponent)))
        for r in report.subjects(RDF_TYPE, SH.ValidationResult)
    )
    assert conforms == (results == [])
    return results


def test_bundled_table_passes_the_official_shapes(plain, shapes):
    assert _results(plain, shapes) == []


def test_bundled_table_with_every_publishing_option_passes(published, shapes):
    assert _results(published, shapes) == []


def test_multi_year_graph_passes_the_official_shapes(multi_year_nquads, shapes):
    assert _results(_union(multi_year_nquads), shapes) == []


def test_self_evaluation_reports_pass_the_official_shapes(self_evaluation_nquads, shapes):
    """A self-evaluation report is a dcat:Dataset too: described in zh and en, its publisher a named foaf:Agent."""
    graph = _union(self_evaluation_nquads)
    reports = set(graph.subjects(RDF_TYPE, PK.SelfEvaluationReport))
    # By hand (tests/data/self-evaluations/make.py, 主管部门): Putuo's 体育局 (the published PDF and the
    # composed form, one report) and Guichi's 棠溪镇, both 2022.
    titles = {str(graph.value(r, DCTERMS.title)) for r in reports}
    assert titles == {"上海市普陀区体育局2022年度项目支出绩效自评表", "池州市贵池区棠溪镇人民政府2022年度项目支出绩效自评表"}
    assert reports <= set(graph.subjects(RDF_TYPE, DCAT.Dataset))
    for report in reports:
        assert {t.language for t in graph.objects(report, DCTERMS.description)} == {"zh", "en"}
        publisher = graph.value(report, DCTERMS.publisher)
        assert (publisher, RDF_TYPE, rdflib.URIRef("http://xmlns.com/foaf/0.1/Agent")) in graph
    assert _results(graph, shapes) == []


# -- the shapes do run: what perfkg writes to satisfy them, taken away, is caught ---


@pytest.mark.parametrize(
    ("triple", "path", "component"),
    [
        ((rdflib.URIRef("https://w3id.org/perfkg/category/scheme"), DCTERMS.title, None), DCTERMS.title, "MinCount"),
        ((rdflib.URIRef("https://w3id.org/perfkg/place/440100"), RDF_TYPE, DCTERMS.Location), DCTERMS.spatial, "Class"),
        ((rdflib.URIRef("https://w3id.org/perfkg/ontology"), RDF_TYPE, DCTERMS.Standard), DCTERMS.conformsTo, "Class"),
        ((rdflib.URIRef("http://www.iana.org/assignments/media-types/application/n-quads"), RDF_TYPE, DCTERMS.MediaType),
         DCAT.mediaType, "Class"),
        ((rdflib.URIRef(SERIES), DCTERMS.description, None), DCTERMS.description, "MinCount"),
        ((rdflib.URIRef("http://purl.org/adms/publishertype/LocalAuthority"), RDF_TYPE, SKOS.Concept), DCTERMS.type, "Class"),
    ],
    ids=["scheme-title", "spatial-Location", "conformsTo-Standard", "mediaType-MediaType", "series-description",
         "publisher-type-Concept"],
)
def test_official_shapes_catch_what_was_missing_before(published, shapes, triple, path, component):
    broken = rdflib.Graph()
    for t in published.triples((None, None, None)):
        broken.add(t)
    before = len(broken)
    broken.remove(triple)
    assert len(broken) < before
    found = {(p, c) for _, p, c in _results(broken, shapes)}
    assert (str(path), f"http://www.w3.org/ns/shacl#{component}ConstraintComponent") in found


# -- recommended properties: written when given, never invented -------------------


def _one(graph: rdflib.Graph, query: str) -> dict[str, str]:
    rows = list(graph.query("PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
                            "PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                            "PREFIX foaf: <http://xmlns.com/foaf/0.1/> " + query))
    assert len(rows) == 1, rows
    return {str(k): str(v) for k, v in rows[0].asdict().items()}


def test_contact_licence_and_publisher_type_are_written_when_given(published, source_lines):
    department = source_lines[5].removeprefix("部门名称：")
    assert _one(published, f"""SELECT ?mail ?fn WHERE {{ <{TABLE}> dcat:contactPoint [ vcard:hasEmail ?mail ; vcard:fn ?fn ] }}""") == {
        "mail": "mailto:rsj@example.org", "fn": department}
    assert _one(published, f"SELECT ?l WHERE {{ <{TABLE}> dcterms:license ?l }}") == {"l": LICENCE}
    assert _one(published, f"SELECT ?l WHERE {{ <{TABLE}> dcat:distribution/dcterms:license ?l }}") == {"l": LICENCE}
    assert _one(published, f"""SELECT ?type ?name WHERE {{ <{TABLE}> dcterms:publisher [ dcterms:type ?type ; foaf:name ?name ] }}""") == {
        "type": "http://purl.org/adms/publishertype/LocalAuthority", "name": department}


def test_nothing_is_invented_without_the_options(plain):
    for prop in (DCAT.contactPoint, DCTERMS.license, DCTERMS.type):
        assert list(plain.triples((None, prop, None))) == [], prop


def test_contact_url_becomes_a_vcard_url(tmp_path, source_path):
    graph = _convert(tmp_path, source_path, "--contact", "https://rsj.example.org/contact")
    assert _one(graph, f"SELECT ?u WHERE {{ <{TABLE}> dcat:contactPoint/vcard:hasURL ?u }}") == {"u": "https://rsj.example.org/contact"}


@pytest.mark.parametrize("value", ["nobody", "a b@example.org", "ftp://example.org/x", "rsj@localhost"])
def test_contact_that_is_neither_mail_nor_url_is_refused(tmp_path, source_path, value, capsys):
    assert main(["convert", str(source_path), "-o", str(tmp_path / "x.nq"), "--contact", value]) == 2
    assert "--contact" in capsys.readouterr().err
    assert not (tmp_path / "x.nq").exists()


# -- the department's tables across years: one dataset series ----------------------


def test_each_department_is_one_series_across_years(multi_year_nquads, source_lines):
    graph = _union(multi_year_nquads)
    department = source_lines[5].removeprefix("部门名称：")
    series = list(graph.subjects(RDF_TYPE, DCAT.DatasetSeries))
    assert series == [rdflib.URIRef(SERIES)]
    members = sorted(str(t) for t in graph.subjects(DCAT.inSeries, rdflib.URIRef(SERIES)))
    assert members == [TABLE, TABLE.replace("/2024", "/2025")]
    titles = {t.language: str(t) for t in graph.objects(rdflib.URIRef(SERIES), DCTERMS.title)}
    assert department in titles["zh"] and department in titles["en"]
    # one description, not one per year: the same triples in both tables' graphs
    assert len(list(graph.objects(rdflib.URIRef(SERIES), DCTERMS.description))) == 2  # zh + en
