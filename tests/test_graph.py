"""The graph of the bundled table: IRIs, determinism, strict parsers, sharing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from converter.cli import main
from converter.convert import read_tables, write_graph
from converter.indicators import LEVEL1, LEVEL2

PK = "https://w3id.org/perfkg/ontology#"
PREFIX = f"PREFIX pk: <{PK}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def _select(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(None if v is None else v.value for v in row) for row in store.query(PREFIX + query, use_default_graph_as_union=True)]


def _sorted_nt(path: Path) -> list[str]:
    return sorted(path.read_text(encoding="utf-8").splitlines())


def test_two_runs_give_identical_sorted_ntriples(source_path, tmp_path):
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    assert main(["convert", str(source_path), "--format", "nt", "-o", str(first)]) == 0
    assert main(["convert", str(source_path), "--format", "nt", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert _sorted_nt(first) == _sorted_nt(second)


@pytest.fixture(scope="module")
def turtle(source_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ttl") / "graph.ttl"
    write_graph(read_tables([source_path]), "turtle", out)
    return out


def test_turtle_parses_with_pyoxigraph_and_rdflib_to_the_same_count(turtle):
    oxi = list(ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE))
    graph = rdflib.Graph().parse(turtle, format="turtle")
    assert len(oxi) == len(graph) > 20000


def test_turtle_parses_with_rapper_without_warnings(turtle):
    assert shutil.which("rapper"), "rapper is missing: apt-get install raptor2-utils (.ci/run does)"
    result = subprocess.run(
        ["rapper", "-i", "turtle", "-o", "ntriples", str(turtle)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower() and "error" not in result.stderr.lower()
    count = len(list(ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE)))
    assert f"returned {count} triples" in result.stderr


def test_each_row_has_its_own_iri(store):
    # 17 unit rows, 258 projects (awk, see test_reader.py), one IRI each
    assert _select(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project }") == [("258",)]
    assert _select(store, "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?u a pk:UnitBudget }") == [("17",)]
    assert _select(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a pk:Indicator }") == [("1254",)]


def test_a_repeated_project_name_gives_one_project_per_unit(store):
    # awk -F'\t' 'NF==7 && $1=="机构运行辅助经费"' | wc -l → 9 rows, each under a different unit
    rows = _select(
        store,
        'SELECT ?p ?unit WHERE { ?p a pk:Project ; rdfs:label "机构运行辅助经费"@zh ; pk:unitBudget/rdfs:label ?unit }',
    )
    assert len(rows) == 9
    assert len({p for p, _ in rows}) == 9 and len({u for _, u in rows}) == 9


def test_projects_sharing_an_indicator_point_to_one_definition(store):
    # awk -F'\t' 'NF==7' data/… | cut -f1,7 | grep -P '[；;,]补贴发放准确率[；;,]' → 14 rows:
    # the 11 市就业补助资金（…区）, 局本级民办教育发展专项财政补贴, 局本级“三支一扶”…, 高层次人才财政补助项目
    rows = _select(
        store,
        'SELECT DISTINCT ?d ?p WHERE { ?d pk:normalizedName "补贴发放准确率" . ?i pk:definition ?d . ?p pk:indicator ?i }',
    )
    assert len({d for d, _ in rows}) == 1
    assert len(rows) == 14


def test_the_department_is_also_its_own_budget_unit(store):
    rows = _select(
        store,
        """SELECT ?org WHERE { ?t pk:organization ?org . ?t a pk:DepartmentTotal .
                               ?u a pk:UnitBudget ; pk:organization ?org }""",
    )
    assert len(rows) == 1
    others = _select(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o <http://www.w3.org/ns/org#subOrganizationOf> ?d }")
    assert others == [("16",)]


def test_amounts_are_exact_decimals(store):
    rows = _select(store, "SELECT ?v WHERE { ?t a pk:DepartmentTotal ; pk:totalAmount ?v . FILTER(datatype(?v) = <http://www.w3.org/2001/XMLSchema#decimal>) }")
    assert [float(v) for (v,) in rows] == [746104.10]


def test_base_iri_is_configurable(source_path, tmp_path):
    out = tmp_path / "g.nt"
    assert main(["convert", str(source_path), "--format", "nt", "--base", "http://example.org/kg/", "-o", str(out)]) == 0
    subjects = {line.split(" ")[0] for line in out.read_text(encoding="utf-8").splitlines()}
    data = {s for s in subjects if "perfkg/ontology" not in s and "perfkg/category" not in s and "perfkg/funding-source" not in s}
    # Other vocabularies' terms typed for DCAT-AP (language, theme, checksum algorithm) are theirs, not minted.
    data = {s for s in data if not s.startswith(("<http://publications.europa.eu/", "<http://spdx.org/"))}
    assert data and all(s.startswith("<http://example.org/kg/") for s in data if "perfkg/place" not in s and "perfkg/vocabulary" not in s)


def test_bad_base_iri_is_refused(source_path, capsys):
    assert main(["convert", str(source_path), "--base", "not an iri"]) == 2
    assert "base IRI" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nq", "trig", "json-ld", "xml"])
def test_every_format_parses_back_to_the_same_triples(source_path, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    assert main(["convert", str(source_path), "--format", fmt, "-o", str(out)]) == 0
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
                  "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[fmt]
    parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(out), format=rdf_format)}
    reference = tmp_path / "ref.nt"
    main(["convert", str(source_path), "--format", "nt", "-o", str(reference)])
    expected = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(reference), format=ox.RdfFormat.N_TRIPLES)}
    assert parsed == expected


def test_category_scheme_matches_the_parser_tables(store):
    rows = _select(
        store,
        """SELECT ?code ?label ?parent WHERE { ?c skos:inScheme <https://w3id.org/perfkg/category/scheme> ;
               skos:notation ?code ; skos:prefLabel ?label . FILTER(lang(?label) = "zh")
               OPTIONAL { ?c skos:broader/skos:notation ?parent } }""",
    )
    assert {code: label for code, label, parent in rows if parent is None} == LEVEL1
    assert {code: label for code, label, parent in rows if parent is not None} == LEVEL2
    assert all(parent == code[0] for code, _, parent in rows if parent is not None)
