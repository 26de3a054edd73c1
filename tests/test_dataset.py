"""The dataset description of a converted table: shapes, DCAT-AP, read back, determinism.

Expected values come from the source by other routes than the converter:
the title and department are source lines 3 and 5 (``sed -n 3,5p``); the
SHA-256 is computed here with hashlib; the counts 17 units, 258 projects,
1254 indicators are the bundled table's facts checked by grep (see
docs/linking.md); the pinned time 1735689600 is ``date -u -d @1735689600`` =
2025-01-01T00:00:00Z; void:triples is compared with a count of the N-Quads
lines in the table's graph.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from converter import assets
from converter.cli import main

TABLE = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2024"
URL = "https://example.org/perfkg/guangzhou-hrss-2024.nq"
EPOCH = "1735689600"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
PREFIX = """PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX schema: <http://schema.org/>
"""


def _convert(source: Path, out: Path, *extra: str, epoch: str | None = EPOCH) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        if epoch is None:
            mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            mp.setenv("SOURCE_DATE_EPOCH", epoch)
        assert main(["convert", str(source), "-o", str(out), *extra]) == 0
    return out


@pytest.fixture(scope="module")
def nquads(source_path, tmp_path_factory) -> Path:
    return _convert(source_path, tmp_path_factory.mktemp("ds") / "g.nq", "--format", "nq", "--download-url", URL)


@pytest.fixture(scope="module")
def quad_store(nquads) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def description(nquads) -> rdflib.Graph:
    """The union graph without the rows (total, units, projects, indicators): fast to validate."""
    rows = (f"{TABLE}/unit/", f"{TABLE}/total")
    triples = {q.triple for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS) if not q.subject.value.startswith(rows)}
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=assets.read_text("shapes", "dataset.ttl"), format="turtle")


def _one(store: ox.Store, query: str) -> dict[str, str]:
    rows = list(store.query(PREFIX + query, use_default_graph_as_union=True))
    assert len(rows) == 1, rows
    return {name: rows[0][name].value for name in _names(query) if rows[0][name] is not None}


def _names(query: str) -> list[str]:
    head = query.split("WHERE")[0]
    return [token[1:] for token in head.split() if token.startswith("?")]


# -- shapes ---------------------------------------------------------------------


def test_shapes_are_valid_shacl(shapes):
    conforms, _, text = validate(shapes, shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_description_conforms(description, shapes):
    conforms, _, text = validate(description, shacl_graph=shapes)
    assert conforms, text


DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
SCHEMA = rdflib.Namespace("http://schema.org/")


@pytest.mark.parametrize(
    ("removed", "path", "component"),
    [
        (DCTERMS.description, DCTERMS.description, SH.MinCountConstraintComponent),
        (VOID.triples, VOID.triples, SH.MinCountConstraintComponent),
        (VOID.vocabulary, VOID.vocabulary, SH.MinCountConstraintComponent),
        (FOAF.name, DCTERMS.publisher, SH.NodeConstraintComponent),
        (DCAT.endDate, DCTERMS.temporal, SH.NodeConstraintComponent),
        (SPDX.checksumValue, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), SH.NodeConstraintComponent),
        (SCHEMA.softwareVersion, rdflib.URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"), SH.NodeConstraintComponent),
        (DCAT.accessURL, DCAT.distribution, SH.NodeConstraintComponent),
    ],
    ids=lambda v: str(v).rsplit("/", 1)[-1].rsplit("#", 1)[-1],
)
def test_description_missing_a_property_is_caught(description, shapes, removed, path, component):
    broken = rdflib.Graph()
    for triple in description:
        if triple[1] != removed:
            broken.add(triple)
    conforms, report, _ = validate(broken, shacl_graph=shapes)
    assert not conforms
    found = {(report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent)) for r in report.subjects(SH.resultSeverity, SH.Violation)}
    assert (path, component) in found


# -- DCAT-AP mandatory properties of the classes perfkg writes ---------------------

DCAT_AP_MANDATORY = [
    ("dcat:Dataset", "dcterms:title"),
    ("dcat:Dataset", "dcterms:description"),
    ("dcat:Distribution", "dcat:accessURL"),
    ("foaf:Agent", "foaf:name"),
]


@pytest.mark.parametrize(("cls", "prop"), DCAT_AP_MANDATORY, ids=[f"{c}-{p}" for c, p in DCAT_AP_MANDATORY])
def test_dcat_ap_mandatory_property_present(quad_store, cls, prop):
    rows = list(quad_store.query(
        PREFIX + f"SELECT (COUNT(DISTINCT ?x) AS ?all) (COUNT(DISTINCT ?y) AS ?with) "
        f"WHERE {{ ?x a {cls} . OPTIONAL {{ ?x {prop} ?v . BIND(?x AS ?y) }} }}",
        use_default_graph_as_union=True,
    ))
    assert int(rows[0]["all"].value) >= 1
    assert rows[0]["all"].value == rows[0]["with"].value


# -- read back --------------------------------------------------------------------


def test_title_publisher_and_fiscal_year(quad_store, source_lines):
    row = _one(quad_store, f"""SELECT ?title ?name ?start ?end WHERE {{
        <{TABLE}> dcterms:title ?title ; dcterms:publisher/foaf:name ?name ;
                  dcterms:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] }}""")
    assert row == {
        "title": source_lines[3],
        "name": source_lines[5].removeprefix("部门名称："),
        "start": "2024-01-01",
        "end": "2024-12-31",
    }


def test_source_file_name_and_sha256(quad_store, source_path):
    row = _one(quad_store, f"""SELECT ?file ?sum WHERE {{
        <{TABLE}> prov:wasGeneratedBy/prov:used ?src . ?src dcterms:title ?file ; spdx:checksum/spdx:checksumValue ?sum }}""")
    assert row == {"file": source_path.name, "sum": hashlib.sha256(source_path.read_bytes()).hexdigest()}


def test_conversion_time_and_tool_version(quad_store):
    row = _one(quad_store, f"""SELECT ?time ?version WHERE {{
        <{TABLE}> prov:wasGeneratedBy [ prov:endedAtTime ?time ; prov:wasAssociatedWith/schema:softwareVersion ?version ] }}""")
    assert row == {"time": "2025-01-01T00:00:00Z", "version": version("perfkg")}


def test_distribution_written(quad_store):
    row = _one(quad_store, f"""SELECT ?access ?download ?media ?format WHERE {{
        <{TABLE}> dcat:distribution [ dcat:accessURL ?access ; dcat:downloadURL ?download ;
                                      dcat:mediaType ?media ; dcterms:format ?format ] }}""")
    assert row == {
        "access": URL, "download": URL,
        "media": "http://www.iana.org/assignments/media-types/application/n-quads",
        "format": "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS",
    }


def test_description_counts_the_source(quad_store):
    row = _one(quad_store, f"""SELECT ?zh WHERE {{ <{TABLE}> dcterms:description ?zh FILTER(lang(?zh) = "zh") }}""")
    assert "17个资金使用单位行、258个项目、1254个绩效指标" in row["zh"]


def test_void_triples_equals_the_lines_of_the_tables_graph(quad_store, nquads):
    in_graph = sum(line.endswith(f"<{TABLE}> .") for line in nquads.read_text(encoding="utf-8").splitlines())
    row = _one(quad_store, f"SELECT ?n WHERE {{ <{TABLE}> void:triples ?n }}")
    assert int(row["n"]) == in_graph


def test_vocabularies_used(quad_store):
    rows = quad_store.query(PREFIX + f"SELECT ?v WHERE {{ <{TABLE}> void:vocabulary ?v }}", use_default_graph_as_union=True)
    # rdf/rdfs: types and labels; dcterms/dcat/prov/void/foaf/spdx/schema: this description;
    # org: organisations; skos: indicator definitions' prefLabel; pk: everything else.
    assert {r["v"].value for r in rows} == {
        "https://w3id.org/perfkg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#", "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#",
        "http://www.w3.org/ns/prov#", "http://rdfs.org/ns/void#", "http://www.w3.org/ns/org#",
        "http://www.w3.org/2004/02/skos/core#", "http://xmlns.com/foaf/0.1/", "http://spdx.org/rdf/terms#",
        "http://schema.org/",
    }


# -- determinism ------------------------------------------------------------------


@pytest.mark.parametrize("epoch", [EPOCH, None], ids=["pinned", "unset"])
def test_two_runs_are_identical(source_path, tmp_path, epoch):
    first = _convert(source_path, tmp_path / "a.nt", "--format", "nt", epoch=epoch)
    second = _convert(source_path, tmp_path / "b.nt", "--format", "nt", epoch=epoch)
    assert sorted(first.read_text(encoding="utf-8").splitlines()) == sorted(second.read_text(encoding="utf-8").splitlines())


def test_without_source_date_epoch_there_is_no_time(source_path, tmp_path):
    out = _convert(source_path, tmp_path / "g.nt", "--format", "nt", epoch=None)
    assert "prov#endedAtTime" not in out.read_text(encoding="utf-8")


def test_bad_source_date_epoch_is_unusable_input(source_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert main(["convert", str(source_path), "-o", str(tmp_path / "g.ttl")]) == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not (tmp_path / "g.ttl").exists()


def test_download_url_must_be_absolute(source_path, tmp_path):
    assert main(["convert", str(source_path), "-o", str(tmp_path / "g.ttl"), "--download-url", "gz.ttl"]) == 2
