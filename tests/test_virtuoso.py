"""``perfkg load --endpoint`` into a real, stock, authenticated Virtuoso (Debian's virtuoso-opensource 7.2).

One private database for this module (tests/backends.py: the package's
virtuoso.ini with its own folder and loopback ports; nothing else changed). Its
``/sparql-auth`` and ``/sparql-graph-crud-auth`` want HTTP Digest; a new
database's ``dba`` password is ``dba`` (Virtuoso's documented default). Reads go
to ``/sparql``, which needs no credentials, through SPARQLWrapper (a client
other than perfkg's own).

Expected figures, by awk over the source (see tests/test_store.py): 258 projects;
the table graph's triples are the lines of that graph in perfkg convert's N-Quads,
checked here against what load prints and Virtuoso's own count of the graph.
"""

from __future__ import annotations

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from converter import endpoint
from converter.cli import main

TABLE = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2024"
PERFKG_GRAPHS = "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/perfkg/') || STRSTARTS(STR(?g), 'urn:perfkg:'))"
PER_GRAPH = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {PERFKG_GRAPHS} }} GROUP BY ?g ORDER BY ?g"
PROJECTS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/perfkg/ontology#Project> }"


@pytest.fixture(scope="module")
def virtuoso(virtuoso_factory) -> str:
    """A stock Virtuoso's base URL (a new database, the package's settings)."""
    url, _, _ = virtuoso_factory()
    return url


def sparql(base: str, query: str) -> list[tuple[str, ...]]:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    data = client.queryAndConvert()
    names = data["head"]["vars"]
    return [tuple(row[n]["value"] if n in row else None for n in names) for row in data["results"]["bindings"]]


@pytest.fixture
def dba(monkeypatch):
    monkeypatch.delenv(endpoint.ENV_TOKEN, raising=False)
    monkeypatch.setenv(endpoint.ENV_USER, "dba")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "dba")


def _clear(base: str) -> None:
    session = endpoint.Session(base + "/sparql-auth", endpoint.Credentials("dba", "dba"))
    for (graph, _count) in sparql(base, PER_GRAPH):
        response = session.request("POST", base + "/sparql-auth", f"DROP SILENT GRAPH <{graph}>".encode(),
                                   {"Content-Type": "application/sparql-update"}, write=True)  # fmt: skip
        assert response.status < 300


@pytest.fixture
def empty(virtuoso) -> str:
    _clear(virtuoso)
    return virtuoso


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("perfkg:") and "note(s) about the source" not in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture(scope="module")
def in_graph(source_path, tmp_path_factory) -> int:
    """The table graph's triples: its lines in the N-Quads perfkg convert writes."""
    path = tmp_path_factory.mktemp("virtuoso-count") / "g.nq"
    assert main(["convert", str(source_path), "--format", "nq", "-o", str(path)]) == 0
    return sum(line.endswith(f"<{TABLE}> .") for line in path.read_text(encoding="utf-8").splitlines())


def test_load_with_digest_then_reload_with_the_counts_unchanged(empty, dba, source_path, capsys, in_graph):
    capsys.readouterr()
    assert main(["load", str(source_path), "--endpoint", empty + "/sparql-auth", "-q"]) == 0
    assert in_graph > 30000 and "PUT    <" + TABLE + f">  {in_graph:,} triples" in capsys.readouterr().out
    assert sparql(empty, PROJECTS) == [("258",)]
    first = sparql(empty, PER_GRAPH)
    assert (TABLE, str(in_graph)) in first
    assert main(["load", str(source_path), "--endpoint", empty + "/sparql-auth", "-q"]) == 0
    assert sparql(empty, PER_GRAPH) == first


def test_a_wrong_password_is_refused_in_one_line(empty, dba, monkeypatch, source_path, capsys):
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "not-the-password")
    assert main(["load", str(source_path), "--endpoint", empty + "/sparql-auth", "-q"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "authentication refused (HTTP 401)" in line and "not-the-password" not in line
    assert sparql(empty, PER_GRAPH) == []


def test_sparql_update_with_chunks_adapted_to_what_virtuoso_accepts(empty, dba, source_path, capsys, in_graph):
    """Without the graph store: 20,000-triple INSERT DATA requests are refused by Virtuoso's
    compiler; perfkg halves them until they pass and gets the same graphs as the PUT."""
    assert main(["load", str(source_path), "--endpoint", empty + "/sparql-auth", "-q"]) == 0
    by_put = sparql(empty, PER_GRAPH)
    _clear(empty)
    capsys.readouterr()
    assert main(["load", str(source_path), "--endpoint", empty + "/sparql-auth", "--graph-store", "none", "-q"]) == 0
    assert "UPDATE <" + TABLE + f">  {in_graph:,} triples" in capsys.readouterr().out
    assert sparql(empty, PER_GRAPH) == by_put  # no staging graph left either (urn:perfkg: is counted)


def test_a_fixed_chunk_too_large_shows_virtuosos_own_message(empty, dba, source_path, capsys):
    argv = ["load", str(source_path), "--endpoint", empty + "/sparql-auth", "--graph-store", "none", "--chunk-triples", "20000", "-q"]
    assert main(argv) == 2
    line = _one_line(capsys.readouterr().err)
    assert "Virtuoso 37000 Error SP03" in line and "20,000 triples; try a smaller --chunk-triples" in line
    assert ":dba@" not in line and "Digest username" not in line
