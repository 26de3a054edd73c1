"""Many tables, one graph: the 2024 table and a 2025 copy, converted apart and loaded together.

The 2025 table is the bundled one with the title's year changed to 2025 (the
only change that makes it another table) and one target edited by hand: on
source line 12 (市就业补助资金（越秀区）) indicator 2 城镇新增就业人数 gets
``年度指标值:1.9万人`` instead of ``1.85万人``.

Figures and how they were checked without the converter: 258 projects and
1254 indicators per table, 17 budget-unit rows (the bundled table's facts,
checked by grep); 16 category concepts and 3 funding sources
(``grep -cE '^pk-cat:[0-9]+ a skos:Concept' ontology/schemes.ttl`` and the
same for ``pk-fund:``); 12 places (``data/guangzhou-districts.csv`` has 12 rows).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import assets
from converter.cli import main

PK = "https://w3id.org/perfkg/ontology#"
PREFIX = f"""PREFIX pk: <{PK}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <http://schema.org/>
"""
TABLE_2024 = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2024"
TABLE_2025 = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2025"


def _year_2025(source: Path, target: Path) -> Path:
    lines = source.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if "\t" not in line and "2024年项目支出绩效目标表" in line:
            lines[index] = line.replace("2024年", "2025年")
    assert lines[11].count("年度指标值:1.85万人") == 1  # line 12, indicator 2
    lines[11] = lines[11].replace("年度指标值:1.85万人", "年度指标值:1.9万人")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def sources(source_path, tmp_path_factory) -> tuple[Path, Path]:
    return source_path, _year_2025(source_path, tmp_path_factory.mktemp("merge") / "gz-2025.txt")


@pytest.fixture(scope="module")
def dumps(sources, tmp_path_factory) -> list[Path]:
    """Each table converted on its own, as two publishers would."""
    folder = tmp_path_factory.mktemp("dumps")
    out = []
    for index, source in enumerate(sources):
        path = folder / f"{index}.nq"
        assert main(["convert", str(source), "--format", "nq", "-o", str(path)]) == 0
        out.append(path)
    return out


@pytest.fixture(scope="module")
def merged(dumps) -> ox.Store:
    store = ox.Store()
    for path in dumps:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def _rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(None if v is None else v.value for v in row) for row in store.query(PREFIX + query, use_default_graph_as_union=True)]


def _graph_subjects(store: ox.Store, graph: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


# -- both years -----------------------------------------------------------------


def test_both_years_projects(merged):
    rows = _rows(merged, "SELECT ?year (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project ; pk:fiscalYear ?year } GROUP BY ?year ORDER BY ?year")
    assert rows == [("2024", "258"), ("2025", "258")]


def test_each_table_is_its_own_named_graph(merged):
    graphs = {g.value for g in merged.named_graphs()}
    assert {TABLE_2024, TABLE_2025} <= graphs
    assert graphs - {TABLE_2024, TABLE_2025} == {"https://w3id.org/perfkg/vocabulary", "https://w3id.org/perfkg/reference"}


# -- shared things, once ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("?x skos:inScheme <https://w3id.org/perfkg/category/scheme>", 19),  # 16 of the framework + 投入/过程/效果
        ("?x skos:inScheme <https://w3id.org/perfkg/funding-source/scheme>", 13),  # the 3 money columns + 10 lines of forms
        ("?x a schema:AdministrativeArea", 12),
        ("?x a org:Organization", 17),
    ],
    ids=["categories", "funding-sources", "places", "organisations"],
)
def test_shared_concepts_once(merged, pattern, expected):
    """The same IRIs in both tables, each with one Chinese label."""
    rows = _rows(merged, f"""SELECT ?x (COUNT(DISTINCT ?label) AS ?labels) WHERE {{ {pattern} .
        ?x rdfs:label|skos:prefLabel ?label FILTER(lang(?label) = "zh") }} GROUP BY ?x""")
    assert len(rows) == expected
    assert {labels for _, labels in rows} == {"1"}


def test_indicator_definitions_are_shared_by_normalised_name(merged):
    by_year = {}
    for year in ("2024", "2025"):
        rows = _rows(merged, f"""SELECT DISTINCT ?d WHERE {{ ?p pk:fiscalYear "{year}"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
            pk:indicator/pk:definition ?d }}""")
        by_year[year] = {d for (d,) in rows}
    assert by_year["2024"] == by_year["2025"]
    names = _rows(merged, "SELECT ?d (COUNT(DISTINCT ?n) AS ?k) WHERE { ?d a pk:IndicatorDefinition ; pk:normalizedName ?n } GROUP BY ?d")
    assert {d for d, _ in names} == by_year["2024"]
    assert {k for _, k in names} == {"1"}


def test_places_are_described_in_the_reference_graph_only(merged):
    rows = merged.query(PREFIX + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?x a schema:AdministrativeArea } }")
    assert [r["g"].value for r in rows] == ["https://w3id.org/perfkg/reference"]


# -- no collisions --------------------------------------------------------------------


def _functional_properties() -> list[str]:
    ontology = ox.parse(assets.read_text("ontology", "perfkg.ttl"), format=ox.RdfFormat.TURTLE)
    functional = "http://www.w3.org/2002/07/owl#FunctionalProperty"
    return sorted(q.subject.value for q in ontology if q.object.value == functional and q.subject.value.startswith(PK))


@pytest.mark.parametrize("prop", _functional_properties(), ids=lambda p: p.removeprefix(PK))
def test_functional_property_has_one_value_per_subject(merged, prop):
    """A subject minted twice for two different things would show two values here."""
    rows = _rows(merged, f"SELECT ?s WHERE {{ ?s <{prop}> ?v }} GROUP BY ?s HAVING (COUNT(DISTINCT ?v) > 1)")
    assert rows == []


def test_no_iri_has_two_labels_in_one_language(merged):
    rows = _rows(merged, """SELECT ?s WHERE { ?s rdfs:label ?l } GROUP BY ?s (lang(?l)) HAVING (COUNT(DISTINCT ?l) > 1)""")
    assert rows == []


def test_only_organisations_definitions_and_the_tool_are_in_both_tables(merged):
    shared = _graph_subjects(merged, TABLE_2024) & _graph_subjects(merged, TABLE_2025)
    # Also shared by design: the department's dataset series (one across years), and the terms of other
    # vocabularies that DCAT-AP wants typed (language, theme, the ontology as a standard, SHA-256).
    kinds = _rows(merged, """SELECT DISTINCT ?x WHERE {
        { ?x a org:Organization } UNION { ?x a pk:IndicatorDefinition } UNION { ?x a prov:SoftwareAgent }
        UNION { ?x a <http://www.w3.org/ns/dcat#DatasetSeries> } UNION { ?x a <http://purl.org/dc/terms/LinguisticSystem> }
        UNION { ?x a <http://purl.org/dc/terms/Standard> } UNION { ?x a <http://spdx.org/rdf/terms#ChecksumAlgorithm> }
        UNION { ?x a skos:Concept ; skos:inScheme <http://publications.europa.eu/resource/authority/data-theme> } }""")
    assert shared and shared <= {x for (x,) in kinds}


def test_table_rows_are_minted_under_their_own_table(merged):
    for table, other in ((TABLE_2024, TABLE_2025), (TABLE_2025, TABLE_2024)):
        assert not any(s.startswith(other) for s in _graph_subjects(merged, table))


def test_converting_together_equals_merging_apart(sources, merged, tmp_path):
    together = tmp_path / "both.nq"
    assert main(["convert", *map(str, sources), "--format", "nq", "-o", str(together)]) == 0
    store = ox.Store()
    store.bulk_load(path=str(together), format=ox.RdfFormat.N_QUADS)
    assert set(store) == set(merged)


# -- the saved query that compares years --------------------------------------------------


def test_indicator_targets_across_years(merged):
    rows = list(merged.query(assets.read_text("queries", "indicator-targets-across-years.rq"), use_default_graph_as_union=True))
    assert len(rows) == 1254  # every indicator of the table, paired with itself a year later
    changed = [
        (r["projectName"].value, r["indicatorName"].value, r["year1"].value, r["annual1"].value, r["year2"].value, r["annual2"].value)
        for r in rows if r["changed"].value == "true"
    ]
    assert changed == [("市就业补助资金（越秀区）", "城镇新增就业人数", "2024", "1.85万人", "2025", "1.9万人")]


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"fromYear": "2024", "toYear": "2025"}, 1254), ({"fromYear": "2025"}, 0), ({"toYear": "2024"}, 0)],
    ids=["2024-to-2025", "from-2025", "to-2024"],
)
def test_indicator_targets_across_years_parameters(merged, values, expected):
    from converter import catalog

    text = catalog.bind(catalog.load("indicator-targets-across-years"), values)
    assert len(list(merged.query(text, use_default_graph_as_union=True))) == expected


# -- exports for linking: JSON-LD with the published context ---------------------------


@pytest.fixture(scope="module")
def jsonld(source_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("jsonld") / "g.jsonld"
    assert main(["convert", str(source_path), "--format", "json-ld", "-o", str(path)]) == 0
    return path


def test_jsonld_gives_back_the_nquads_exactly(jsonld, dumps):
    """Graph names included: a JSON-LD processor (Oxigraph's) reads the same quads as the N-Quads dump."""
    assert set(ox.parse(path=str(jsonld), format=ox.RdfFormat.JSON_LD)) == set(ox.parse(path=str(dumps[0]), format=ox.RdfFormat.N_QUADS))


def test_jsonld_reads_the_same_in_rdflib(jsonld, dumps):
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(str(jsonld), format="json-ld")
    text = dataset.serialize(format="nquads")
    assert set(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == set(ox.parse(path=str(dumps[0]), format=ox.RdfFormat.N_QUADS))


def test_jsonld_embeds_the_published_context(jsonld):
    import json

    published = json.loads(assets.read_text("ontology", "context.jsonld"))
    assert json.loads(jsonld.read_text(encoding="utf-8"))["@context"] == published["@context"]


def test_jsonld_reads_as_plain_json(jsonld, source_lines):
    """A project as a JSON user sees it; figures from source line 12 (cut -f1,2 and its six numbered indicators)."""
    import json

    document = json.loads(jsonld.read_text(encoding="utf-8"))
    tables = {graph["id"]: graph["@graph"] for graph in document["@graph"]}
    name, total = source_lines[12].split("\t")[:2]
    (project,) = [n for n in tables[TABLE_2024] if n.get("type") == "Project" and n["label"] == {"zh": name}]
    assert project["spatial"] == "place:440104"
    assert project["totalAmount"] == total.replace(",", "")
    assert project["sourceLine"] == "12"
    assert len(project["indicator"]) == 6
    (place,) = [n for n in tables["https://w3id.org/perfkg/reference"] if n["id"] == "place:440104"]
    assert place["label"] == {"zh": "越秀区", "en": "Yuexiu District"}
    assert place["divisionCode"] == "440104"
