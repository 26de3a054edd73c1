"""Real servers: ``perfkg load --endpoint`` into a running Oxigraph server, and ``perfkg serve``.

The ``load --endpoint`` tests run against the real ``oxigraph`` binary (another
implementation of the protocols than perfkg's own) on a free loopback port,
started and stopped per test; the ``perfkg serve`` tests start the real
command as a process. Both are queried through SPARQLWrapper. The authentication test puts a
small Basic-auth HTTP proxy (Python's http.server) in front of a real server.

Expected figure: 258 projects, by awk over the source (see tests/test_store.py).
"""

from __future__ import annotations

import base64
import http.server
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import OXIGRAPH
from converter import endpoint
from converter.cli import main

PROJECTS = 258
PERFKG = str(Path(sys.executable).parent / "perfkg")
COUNT_PROJECTS = "PREFIX pk: <https://w3id.org/perfkg/ontology#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project }"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
#: A query touching labels, decimals and the unit hierarchy: every project with its unit and amount.
PROJECTS_BY_UNIT = """
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?unitName ?project ?amount WHERE {
  ?p a pk:Project ; rdfs:label ?project ; pk:unitBudget ?u .
  ?u rdfs:label ?unitName .
  OPTIONAL { ?p pk:totalAmount ?amount }
} ORDER BY ?unitName ?project ?amount
"""


def run(*argv: object) -> int:
    return main([str(a) for a in argv])


def sparql(url: str, query: str) -> list[tuple[str, ...]]:
    """Rows through SPARQLWrapper, each value as its lexical form (None when unbound)."""
    client = SPARQLWrapper(url.rstrip("/") + "/query")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    data = client.queryAndConvert()
    names = data["head"]["vars"]
    return [tuple(row[n]["value"] if n in row else None for n in names) for row in data["results"]["bindings"]]


def embedded(path: Path, query: str) -> list[tuple[str, ...]]:
    """The same query on the embedded store, union default graph, values as lexical forms."""
    result = ox.Store.read_only(str(path)).query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [tuple(row[n].value if row[n] is not None else None for n in names) for row in result]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    """A fresh real ``oxigraph serve`` of our own on a free loopback port, stopped after the test.

    (conftest's session-wide ``oxigraph_server_factory`` keeps its servers until
    the session ends; these tests load and replace data, so each gets its own
    server and stops it at once rather than keeping dozens alive.)
    """
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "server-store"), "--bind", f"127.0.0.1:{port}",
                                "--union-default-graph"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    for line in process.stderr:
        if line.startswith("Listening for requests at"):
            break
    else:
        raise RuntimeError(f"oxigraph serve exited with {process.wait()}")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def loaded_server(server, source_path) -> str:
    assert run("load", source_path, "--endpoint", server, "-q") == 0
    return server


# -- load --endpoint ---------------------------------------------------------------------


def test_load_through_the_graph_store_protocol_then_query_with_sparqlwrapper(loaded_server):
    assert sparql(loaded_server, COUNT_PROJECTS) == [(str(PROJECTS),)]


def test_loading_again_leaves_the_triple_count_unchanged(loaded_server, source_path):
    before = sparql(loaded_server, PER_GRAPH)
    assert run("load", source_path, "--endpoint", loaded_server, "-q") == 0
    assert sparql(loaded_server, PER_GRAPH) == before


def test_embedded_store_and_server_give_identical_results(loaded_server, source_path, tmp_path):
    store = tmp_path / "embedded"
    assert run("load", source_path, "--store", store, "-q") == 0
    rows = embedded(store, PROJECTS_BY_UNIT)
    assert len(rows) == PROJECTS
    assert sparql(loaded_server, PROJECTS_BY_UNIT) == rows
    assert sparql(loaded_server, PER_GRAPH) == embedded(store, PER_GRAPH)


@pytest.mark.parametrize("graph_store", ["/no-graph-store", "none"])
def test_sparql_update_fallback_gives_the_same_graphs(loaded_server, source_path, capsys, monkeypatch, graph_store):
    """A graph-store URL that answers 404 (or none) sends perfkg to SPARQL Update; small chunks exercise staging + MOVE."""
    monkeypatch.setattr(endpoint, "CHUNK", 5000)
    before = sparql(loaded_server, PER_GRAPH)
    capsys.readouterr()
    store_url = loaded_server + graph_store if graph_store.startswith("/") else graph_store
    assert run("load", source_path, "--endpoint", loaded_server, "--graph-store", store_url, "-q") == 0
    assert "UPDATE" in capsys.readouterr().out
    assert sparql(loaded_server, PER_GRAPH) == before
    assert sparql(loaded_server, "SELECT ?g WHERE { GRAPH ?g {} FILTER STRSTARTS(STR(?g), 'urn:perfkg:staging') }") == []


def test_an_invalid_second_document_leaves_the_server_unchanged(loaded_server, source_path, tmp_path):
    before = sparql(loaded_server, PER_GRAPH)
    other = tmp_path / "other.txt"
    other.write_text(source_path.read_text(encoding="utf-8").replace("广州市人力资源和社会保障局", "广州市测试局"), encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/s> <http://e/p> .\n", encoding="utf-8")
    assert run("load", other, bad, "--endpoint", loaded_server, "-q") == 2
    assert sparql(loaded_server, PER_GRAPH) == before


# -- errors ------------------------------------------------------------------------------


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("perfkg:") and "note(s) about the source" not in line]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_server_down(source_path, capsys):
    assert run("load", source_path, "--endpoint", f"http://127.0.0.1:{free_port()}", "-q") == 2
    assert "connection refused" in _one_line(capsys.readouterr().err)


def test_wrong_url(server, source_path, capsys):
    assert run("load", source_path, "--endpoint", server + "/not/here", "-q") == 2
    assert "not found (HTTP 404)" in _one_line(capsys.readouterr().err)


def test_not_an_http_url(source_path, capsys):
    assert run("load", source_path, "--endpoint", "ftp://example.org/sparql", "-q") == 2
    assert "not an http(s) URL" in _one_line(capsys.readouterr().err)


class _BasicAuthProxy(http.server.BaseHTTPRequestHandler):
    """Forwards to a real server only requests carrying ``user:secret``; answers 401 otherwise."""

    target = ""
    expected = "Basic " + base64.b64encode(b"user:secret").decode()

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="perfkg-test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in {"content-type", "accept"}}
        request = urllib.request.Request(self.target + self.path, data=body, method=self.command, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=60)
        except urllib.error.HTTPError as err:
            response = err
        data = response.read()
        self.send_response(response.status if hasattr(response, "status") else response.code)
        self.send_header("Content-Type", response.headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _forward

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def guarded(server):
    """The URL of a Basic-auth proxy in front of a real Oxigraph server."""
    handler = type("Handler", (_BasicAuthProxy,), {"target": server})
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{proxy.server_address[1]}"
    proxy.shutdown()
    proxy.server_close()


def test_authentication_refused(guarded, source_path, capsys, monkeypatch):
    monkeypatch.setenv(endpoint.ENV_USER, "user")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "wrong")
    assert run("load", source_path, "--endpoint", guarded, "-q") == 2
    assert "authentication refused" in _one_line(capsys.readouterr().err)


def test_credentials_from_the_environment(guarded, server, source_path, monkeypatch):
    monkeypatch.setenv(endpoint.ENV_USER, "user")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "secret")
    assert run("load", source_path, "--endpoint", guarded, "-q") == 0
    assert endpoint.select(guarded, COUNT_PROJECTS) == [{"n": str(PROJECTS)}]
    assert sparql(server, COUNT_PROJECTS) == [(str(PROJECTS),)]


def test_query_command_sends_the_environment_credentials(guarded, source_path, monkeypatch, capsys):
    monkeypatch.setenv(endpoint.ENV_USER, "user")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "secret")
    assert run("load", source_path, "--endpoint", guarded, "-q") == 0
    capsys.readouterr()
    assert run("query", "units-without-satisfaction-indicator", "--endpoint", guarded + "/query", "--format", "csv") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and "广州市劳动就业服务管理中心" in lines[1]  # see tests/expected/
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "wrong")
    assert run("query", "units-without-satisfaction-indicator", "--endpoint", guarded + "/query") == 2
    assert "authentication refused" in _one_line(capsys.readouterr().err)


def test_select_without_credentials_is_refused_in_one_line(guarded):
    with pytest.raises(endpoint.EndpointError, match="authentication refused"):
        endpoint.select(guarded, COUNT_PROJECTS)


# -- perfkg serve -----------------------------------------------------------------------


@pytest.fixture
def store_folder(tmp_path, source_path) -> Path:
    path = tmp_path / "store"
    assert run("load", source_path, "--store", path, "-q") == 0
    return path


def _serve(store: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """Start ``perfkg serve`` as a real process; return it and the URL it printed."""
    port = free_port()
    process = subprocess.Popen([PERFKG, "serve", "--store", str(store), "--bind", f"127.0.0.1:{port}", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    line = process.stdout.readline()
    assert line.startswith("Serving"), line + process.stderr.read()
    url = line.split(" at ", 1)[1].split()[0]
    return process, url


def _stop(process: subprocess.Popen) -> int:
    process.terminate()
    return process.wait(timeout=30)


def test_serve_answers_as_the_embedded_store_does(store_folder):
    expected = embedded(store_folder, PROJECTS_BY_UNIT)
    process, url = _serve(store_folder, "--read-only")
    try:
        assert url == f"http://127.0.0.1:{url.rsplit(':', 1)[1]}"
        assert sparql(url, PROJECTS_BY_UNIT) == expected
    finally:
        assert _stop(process) == 0


def test_serve_offers_the_query_page(store_folder):
    process, url = _serve(store_folder, "--read-only")
    try:
        with urllib.request.urlopen(url, timeout=10) as page:
            assert "text/html" in page.headers["Content-Type"]
    finally:
        _stop(process)


def test_read_only_serve_refuses_updates(store_folder):
    process, url = _serve(store_folder, "--read-only")
    try:
        request = urllib.request.Request(url + "update", data=b"DROP ALL", method="POST",
                                         headers={"Content-Type": "application/sparql-update"})  # fmt: skip
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)
        assert sparql(url, COUNT_PROJECTS) == [(str(PROJECTS),)]
    finally:
        _stop(process)


def test_stopping_serve_stops_the_server(store_folder):
    process, url = _serve(store_folder)
    _stop(process)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "query?query=ASK%7B%7D", timeout=5)


def test_serve_on_a_store_in_use_gives_one_line(store_folder):
    process, url = _serve(store_folder, "--writable")
    try:
        second = subprocess.run([PERFKG, "serve", "--store", str(store_folder), "--bind", f"127.0.0.1:{free_port()}"],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        assert second.returncode == 2
        assert "in use by another process" in _one_line(second.stderr)
    finally:
        _stop(process)


def test_load_into_a_served_store_is_refused_and_points_to_the_endpoint(store_folder, source_path, capsys):
    process, url = _serve(store_folder)
    try:
        assert run("load", source_path, "--store", store_folder, "-q") == 2
        assert "--endpoint" in _one_line(capsys.readouterr().err)
    finally:
        _stop(process)


def test_serve_without_waitress_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "waitress.server", None)  # what an install without the extra looks like
    assert run("serve", "--store", tmp_path / "store") == 2
    assert "perfkg[server]" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize("bind", ["7878", "localhost", "127.0.0.1:", "127.0.0.1:99999", ":7878"])
def test_a_malformed_bind_address_is_refused(bind, tmp_path, capsys):
    assert run("serve", "--store", tmp_path / "store", "--bind", bind) == 2
    assert "expected HOST:PORT" in _one_line(capsys.readouterr().err)


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])  # fmt: skip
def test_loopback_addresses(host, loopback):
    from converter.server import is_loopback

    assert is_loopback(host) is loopback


def test_load_while_a_read_only_server_serves_the_store_is_refused(store_folder, source_path, capsys):
    """A read-only Oxigraph takes no lock: perfkg serve leaves a note beside the store that load respects."""
    process, url = _serve(store_folder, "--read-only")
    try:
        assert run("load", source_path, "--store", store_folder, "-q") == 2
        assert "read-only server" in _one_line(capsys.readouterr().err)
    finally:
        _stop(process)
    assert run("load", source_path, "--store", store_folder, "-q") == 0
    assert not [p for p in store_folder.parent.iterdir() if ".served-" in p.name]


@pytest.mark.parametrize(
    ("url", "query", "update", "stores"),
    [
        ("http://h:7878", "http://h:7878/query", "http://h:7878/update", ("http://h:7878/store",)),
        ("http://h:7878/query", "http://h:7878/query", "http://h:7878/update", ("http://h:7878/store", "http://h:7878/data")),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/sparql", "http://h:3030/ds/update",
         ("http://h:3030/ds/store", "http://h:3030/ds/data")),
        ("http://h:7200/repositories/r", "http://h:7200/repositories/r", "http://h:7200/repositories/r/statements",
         ("http://h:7200/repositories/r/rdf-graphs/service",)),
    ],
    ids=["oxigraph-root", "oxigraph-query", "fuseki", "graphdb"],
)  # fmt: skip
def test_urls_derived_from_the_endpoint(url, query, update, stores):
    """The layouts documented by each server (docs/stores.md)."""
    derived = endpoint.Endpoint.from_url(url)
    assert (derived.query, derived.update, derived.graph_stores) == (query, update, stores)


def test_explicit_urls_win_and_none_means_update_only():
    derived = endpoint.Endpoint.from_url("http://h:8890/sparql", update="http://h:8890/sparql-auth", graph_store="none")
    assert (derived.update, derived.graph_stores) == ("http://h:8890/sparql-auth", ())


def test_credentials_are_read_from_the_environment_only(monkeypatch):
    monkeypatch.delenv(endpoint.ENV_TOKEN, raising=False)
    monkeypatch.setenv(endpoint.ENV_USER, "user")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, "secret")
    assert endpoint.auth_header() == {"Authorization": "Basic " + base64.b64encode(b"user:secret").decode()}
    monkeypatch.setenv(endpoint.ENV_TOKEN, "t0ken")
    assert endpoint.auth_header() == {"Authorization": "Bearer t0ken"}
