"""``perfkg serve`` against what a web page (or a query) could make it do: the issue's attacks, as real HTTP.

Every server is a real ``perfkg serve`` process on a free loopback port; the
requests are raw ``http.client`` requests (so the Host, Origin and Cookie
headers are exactly what a browser or an attacker would send), curl, and
SPARQLWrapper. What the store holds is checked with pyoxigraph directly once
the server has stopped. Expected figures: 258 projects (awk over the source,
see tests/test_store.py); the saved queries' zh/en questions are read from
the queries/*.rq headers with a regular expression, not through
converter.catalog.
"""

from __future__ import annotations

import http.client
import http.server
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from converter.cli import main

PROJECTS = 258
PERFKG = str(Path(sys.executable).parent / "perfkg")
QUERIES = Path(__file__).resolve().parent.parent / "queries"
COUNT_PROJECTS = "PREFIX pk: <https://w3id.org/perfkg/ontology#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project }"
EVIL = "http://evil.example"
INSERT = "INSERT DATA { GRAPH <http://example.org/injected> { <http://example.org/s> <http://example.org/p> 1 } }"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    token: str | None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | str | None = None, **headers: str) -> tuple[int, dict, bytes]:
        """One raw request; headers given as keyword arguments (underscores for dashes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        connection.putrequest(method, path, skip_host="Host" in sent)
        for name, value in sent.items():
            connection.putheader(name, value)
        data = body.encode("utf-8") if isinstance(body, str) else body
        connection.putheader("Content-Length", str(len(data or b"")))
        connection.endheaders(data)
        response = connection.getresponse()
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        connection.close()
        return result

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=30)


def serve(store: Path, *extra: str, env: dict | None = None) -> Served:
    port = free_port()
    process = subprocess.Popen([PERFKG, "serve", "--store", str(store), "--bind", f"127.0.0.1:{port}", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    line = process.stdout.readline()
    assert line.startswith("Serving"), line + process.stderr.read()
    token = None
    if "--writable" in extra:
        said = process.stdout.readline()
        assert said.startswith("write token: "), said
        token = said.split(": ", 1)[1].split()[0]
    return Served(process, port, token)


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory, source_path) -> Path:
    path = tmp_path_factory.mktemp("served") / "store"
    assert main(["load", str(source_path), "--store", str(path), "-q"]) == 0
    return path


@pytest.fixture
def store(loaded_store, tmp_path) -> Path:
    """A private copy of the loaded store (writes must not leak between tests)."""
    copy = tmp_path / "store"
    shutil.copytree(loaded_store, copy)
    return copy


@pytest.fixture
def writable(store) -> Iterator[Served]:
    server = serve(store, "--writable")
    yield server
    server.stop()


@pytest.fixture
def read_only(store) -> Iterator[Served]:
    server = serve(store)
    yield server
    server.stop()


def graphs(store: Path) -> set[str]:
    return {g.value for g in ox.Store.read_only(str(store)).named_graphs()}


def host(server: Served) -> str:
    return f"127.0.0.1:{server.port}"


# -- writes ------------------------------------------------------------------------------


def test_the_issues_cross_site_form_post_is_refused(writable, store):
    """A form on evil.example POSTing update=INSERT … was answered 204 and applied."""
    form = urllib.parse.urlencode({"update": INSERT})
    status, _, body = writable.request("POST", "/update", form, Host=host(writable), Origin=EVIL,
                                       Content_Type="application/x-www-form-urlencoded")  # fmt: skip
    assert status == 403 and b"evil.example" in body
    assert writable.stop() == 0
    assert "http://example.org/injected" not in graphs(store)


@pytest.mark.parametrize("credentials", [{}, {"Cookie": "token=TOKEN"}, {"Authorization": "Bearer wrong"},
                                         {"Authorization": "Basic dXNlcjpUT0tFTg=="}])  # fmt: skip
def test_a_write_without_the_token_in_the_authorization_header_is_refused(writable, store, credentials):
    headers = {k: v.replace("TOKEN", writable.token) for k, v in credentials.items()}
    status, answer, _ = writable.request("POST", "/update", INSERT, Host=host(writable),
                                         Content_Type="application/sparql-update", **headers)  # fmt: skip
    assert status == 401 and answer["www-authenticate"].startswith("Bearer")
    assert writable.stop() == 0
    assert "http://example.org/injected" not in graphs(store)


def test_a_write_with_the_token_is_applied(writable, store):
    status, _, _ = writable.request("POST", "/update", INSERT, Host=host(writable), Content_Type="application/sparql-update",
                                    Authorization=f"Bearer {writable.token}")  # fmt: skip
    assert status == 204
    assert writable.stop() == 0
    assert "http://example.org/injected" in graphs(store)


def test_the_token_can_come_from_the_environment(store):
    import os

    server = serve(store, "--writable", env={**os.environ, "PERFKG_SERVER_TOKEN": "s3cret-from-env"})
    try:
        assert server.token == "from"  # the line says where the token is, not the token
        status, _, _ = server.request("POST", "/update", INSERT, Host=host(server), Content_Type="application/sparql-update",
                                      Authorization="Bearer s3cret-from-env")  # fmt: skip
        assert status == 204
    finally:
        server.stop()


def test_the_server_is_read_only_by_default(read_only, store):
    for method, path, kind in [("POST", "/update", "application/sparql-update"),
                               ("PUT", "/store?graph=http://example.org/injected", "application/n-triples"),
                               ("DELETE", "/store?graph=https://w3id.org/perfkg/reference", "application/n-triples")]:  # fmt: skip
        body = INSERT if path == "/update" else "<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
        status, _, text = read_only.request(method, path, body, Host=host(read_only), Content_Type=kind)
        assert status == 403 and b"read-only" in text, (method, path)
    assert read_only.stop() == 0
    found = graphs(store)
    assert "http://example.org/injected" not in found and "https://w3id.org/perfkg/reference" in found


def test_load_through_a_writable_server_with_the_token(writable, source_path, tmp_path, monkeypatch):
    """perfkg load --endpoint (Graph Store PUT) sends PERFKG_ENDPOINT_TOKEN as a bearer token."""
    monkeypatch.setenv("PERFKG_ENDPOINT_TOKEN", writable.token)
    variant = tmp_path / "2025.txt"
    variant.write_text(source_path.read_text(encoding="utf-8").replace("2024年项目支出", "2025年项目支出"), encoding="utf-8")
    assert main(["load", str(variant), "--endpoint", writable.url, "-q"]) == 0
    client = SPARQLWrapper(writable.url + "/query")
    client.setQuery(COUNT_PROJECTS)
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == str(2 * PROJECTS)
    monkeypatch.delenv("PERFKG_ENDPOINT_TOKEN")
    assert main(["load", str(variant), "--endpoint", writable.url, "-q"]) == 2


def test_the_graph_store_protocol_round_trip(writable):
    auth = {"Authorization": f"Bearer {writable.token}", "Host": host(writable)}
    graph = "/store?graph=" + urllib.parse.quote("http://example.org/g", safe="")
    triple = "<http://example.org/s> <http://example.org/p> \"一\" .\n"
    assert writable.request("PUT", graph, triple, Content_Type="application/n-triples", **auth)[0] == 201
    assert writable.request("PUT", graph, triple, Content_Type="application/n-triples", **auth)[0] == 204
    status, answer, body = writable.request("GET", graph, Accept="application/n-triples", Host=host(writable))
    assert status == 200 and answer["content-type"].startswith("application/n-triples") and body.decode() == triple
    assert writable.request("DELETE", graph, **auth)[0] == 204
    assert writable.request("GET", graph, Host=host(writable))[0] == 404


# -- hosts, origins, CORS ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["attacker.example", "attacker.example:{port}", "127.0.0.1.nip.example:{port}", ""])
def test_a_foreign_host_gets_nothing(read_only, name):
    """DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1."""
    query = "/query?query=" + urllib.parse.quote(COUNT_PROJECTS)
    status, _, body = read_only.request("GET", query, Host=name.format(port=read_only.port))
    assert status == 403 and b"258" not in body


@pytest.mark.parametrize("name", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_bound_address_and_localhost_are_answered(read_only, name):
    query = "/query?query=" + urllib.parse.quote(COUNT_PROJECTS)
    status, _, body = read_only.request("GET", query, Host=name.format(port=read_only.port), Accept="text/csv")
    assert status == 200 and body.decode().split() == ["n", str(PROJECTS)]


def test_no_cors_permission_by_default(read_only):
    query = "/query?query=" + urllib.parse.quote(COUNT_PROJECTS)
    status, answer, _ = read_only.request("GET", query, Host=host(read_only), Origin="https://app.example")
    assert status == 403 and "access-control-allow-origin" not in answer
    status, answer, _ = read_only.request("OPTIONS", "/update", Host=host(read_only), Origin="https://app.example",
                                          Access_Control_Request_Method="POST")  # fmt: skip
    assert status == 403 and "access-control-allow-origin" not in answer


def test_cors_for_the_origin_given(store):
    server = serve(store, "--cors", "https://app.example")
    try:
        query = "/query?query=" + urllib.parse.quote(COUNT_PROJECTS)
        status, answer, _ = server.request("GET", query, Host=host(server), Origin="https://app.example")
        assert status == 200 and answer["access-control-allow-origin"] == "https://app.example"
        status, answer, _ = server.request("OPTIONS", "/query", Host=host(server), Origin="https://app.example",
                                           Access_Control_Request_Method="POST")  # fmt: skip
        assert status == 204 and "Authorization" in answer["access-control-allow-headers"]
        status, answer, _ = server.request("GET", query, Host=host(server), Origin="https://other.example")
        assert status == 403 and "access-control-allow-origin" not in answer
    finally:
        server.stop()


# -- SERVICE -----------------------------------------------------------------------------


class _Counting(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint on 127.0.0.2 that counts the requests it gets and answers no rows."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[str]]]:
    handler = type("Handler", (_Counting,), {"hits": []})
    target = http.server.ThreadingHTTPServer(("127.0.0.2", 0), handler)
    thread = threading.Thread(target=target.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.2:{target.server_address[1]}/sparql", handler.hits
    target.shutdown()
    target.server_close()


@pytest.mark.parametrize("shape", ["SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
                                   "select * { service silent <URL> { ?s ?p ?o } }",
                                   "PREFIX e: <URL> SELECT * { SERVICE e: { ?s ?p ?o } }",
                                   "SELECT * { BIND(<URL> AS ?u) SERVICE ?u { ?s ?p ?o } }",
                                   "SELECT * { \\u0053ERVICE <URL> { ?s ?p ?o } }"])  # fmt: skip
def test_service_is_refused_and_sends_nothing(read_only, elsewhere, shape):
    """The issue: SERVICE <http://127.0.0.2:…> made even a --read-only server send requests anywhere."""
    url, hits = elsewhere
    form = urllib.parse.urlencode({"query": shape.replace("URL", url)})
    status, _, body = read_only.request("POST", "/query", form, Host=host(read_only), Content_Type="application/x-www-form-urlencoded")
    assert status == 403 and b"SERVICE" in body
    assert hits == []


def test_load_from_a_url_is_refused_on_a_writable_server(writable, elsewhere):
    url, hits = elsewhere
    status, _, body = writable.request("POST", "/update", f"LOAD <{url}>", Host=host(writable),
                                       Content_Type="application/sparql-update", Authorization=f"Bearer {writable.token}")  # fmt: skip
    assert status == 403 and b"LOAD" in body and hits == []


def test_allow_federation_lets_the_host_through(store, elsewhere):
    url, hits = elsewhere
    server = serve(store, "--allow-federation", "127.0.0.2")
    try:
        query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        status, _, body = server.request("GET", "/query?query=" + urllib.parse.quote(query), Host=host(server))
        assert status == 200, body
        assert len(hits) == 1
    finally:
        server.stop()


def test_a_service_inside_a_string_or_comment_is_not_a_service(read_only, elsewhere):
    url, hits = elsewhere
    query = f'SELECT ?x WHERE {{ BIND("SERVICE <{url}> {{}}" AS ?x) }} # SERVICE <{url}>\n'
    status, _, body = read_only.request("GET", "/query?query=" + urllib.parse.quote(query), Host=host(read_only),
                                        Accept="text/csv")  # fmt: skip
    assert status == 200 and hits == [] and url.encode() in body


# -- the clients still work --------------------------------------------------------------


def test_sparqlwrapper_and_curl_get_answers(read_only):
    client = SPARQLWrapper(read_only.url + "/query")
    client.setQuery(COUNT_PROJECTS)
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == str(PROJECTS)
    curl = subprocess.run(["curl", "-sS", "--fail", "-H", "Accept: text/csv", "--data-urlencode", f"query={COUNT_PROJECTS}",
                           read_only.url + "/query"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert curl.returncode == 0, curl.stderr
    assert curl.stdout.split() == ["n", str(PROJECTS)]


def _questions() -> dict[str, tuple[str, str]]:
    found = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        zh = re.search(r"^# zh: (.*)$", text, re.M)
        en = re.search(r"^# en: (.*)$", text, re.M)
        found[path.stem] = (zh.group(1).strip() if zh else "", en.group(1).strip() if en else "")
    return found


def test_the_query_page_and_its_saved_queries(read_only):
    status, answer, page = read_only.request("GET", "/", Host=host(read_only))
    assert status == 200 and answer["content-type"].startswith("text/html")
    assert "script-src 'self'" in answer["content-security-policy"]
    assert b'<script src="/query.js"' in page and b"http" not in re.sub(rb"<!--.*?-->|xmlns[^ ]*|https://w3id.org/perfkg/ontology#|http://www.w3.org/2000/01/rdf-schema#", b"", page, flags=re.S)
    status, answer, script = read_only.request("GET", "/query.js", Host=host(read_only))
    assert status == 200 and answer["content-type"].startswith("text/javascript") and b"innerHTML" not in script
    status, _, listing = read_only.request("GET", "/queries.json", Host=host(read_only))
    saved = {q["name"]: (q["zh"], q["en"]) for q in json.loads(listing)}
    assert saved == _questions()
    assert len(saved) == len(list(QUERIES.glob("*.rq"))) > 10


def test_every_saved_query_from_the_page_is_answered(read_only):
    """What the page sends for each saved query (its text, POSTed as application/sparql-query) gets rows or a refusal for SERVICE."""
    _, _, listing = read_only.request("GET", "/queries.json", Host=host(read_only))
    for q in json.loads(listing):
        status, _, body = read_only.request("POST", "/query", q["query"], Host=host(read_only), Origin=read_only.url,
                                            Content_Type="application/sparql-query", Accept="application/sparql-results+json")  # fmt: skip
        if q["federated"]:
            assert status == 403, q["name"]
        else:
            assert status == 200, (q["name"], body[:200])
            assert "results" in json.loads(body)


# -- the store while served --------------------------------------------------------------


@pytest.mark.parametrize("mode", [(), ("--writable",)])
def test_store_drop_and_load_refuse_while_a_server_holds_the_store(store, source_path, capsys, mode):
    """The issue: store drop ran under a read-only server, which kept serving the dropped graph."""
    server = serve(store, *mode)
    try:
        assert main(["store", "drop", "https://w3id.org/perfkg/reference", "--store", str(store)]) == 2
        assert main(["load", str(source_path), "--store", str(store), "-q"]) == 2
        err = capsys.readouterr().err
        assert err.count("server (process") == 2 or "in use" in err, err
    finally:
        server.stop()
    assert "https://w3id.org/perfkg/reference" in graphs(store)
    assert main(["store", "drop", "https://w3id.org/perfkg/reference", "--store", str(store)]) == 0


# -- the README's three commands -----------------------------------------------------------


def _readme_flow() -> list[str]:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("From the embedded store to a server in three commands:", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_the_readmes_three_command_flow_gives_a_guarded_server_that_still_answers(tmp_path, source_path):
    """Done-when of issue 14: the README's flow refuses the three attacks and answers SPARQLWrapper, curl and the page."""
    commands = _readme_flow()
    assert len(commands) == 3 and [c.split()[1] for c in commands] == ["load", "serve", "query"]
    port = free_port()
    (tmp_path / "data").mkdir()
    shutil.copy(source_path, tmp_path / "data" / source_path.name)
    argv = [c.replace("7878", str(port)).split() for c in commands]
    assert subprocess.run([PERFKG, *argv[0][1:], "-q"], cwd=tmp_path, capture_output=True, timeout=300).returncode == 0
    process = subprocess.Popen([PERFKG, *argv[1][1:]], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    server = Served(process, port, None)
    try:
        assert process.stdout.readline().startswith("Serving")
        answered = subprocess.run([PERFKG, *argv[2][1:], "--format", "csv"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert answered.returncode == 0, answered.stderr
        expected = (Path(__file__).resolve().parent / "expected" / "funding-by-unit.csv").read_text(encoding="utf-8")
        got, want = answered.stdout.splitlines(), expected.splitlines()  # the expected file leaves out the ?unit IRI column
        assert got[0] == "unit," + want[0] and len(got) == len(want) > 2
        # the three attacks
        form = urllib.parse.urlencode({"update": INSERT})
        assert server.request("POST", "/update", form, Host=host(server), Origin=EVIL,
                              Content_Type="application/x-www-form-urlencoded")[0] == 403  # fmt: skip
        query = "/query?query=" + urllib.parse.quote(COUNT_PROJECTS)
        assert server.request("GET", query, Host="attacker.example")[0] == 403
        service = "SELECT * { SERVICE <http://127.0.0.2:9/sparql> { ?s ?p ?o } }"
        assert server.request("GET", "/query?query=" + urllib.parse.quote(service), Host=host(server))[0] == 403
        # the clients
        test_sparqlwrapper_and_curl_get_answers(server)
        status, answer, _ = server.request("GET", "/", Host=host(server))
        assert status == 200 and answer["content-type"].startswith("text/html")
    finally:
        assert server.stop() == 0
    assert "http://example.org/injected" not in graphs(tmp_path / "perfkg-store")


# -- the graph's own IRIs (--resolve) -------------------------------------------------------


BASE = "https://w3id.org/perfkg/id/"


@pytest.fixture
def resolving(store) -> Iterator[Served]:
    server = serve(store, "--resolve", BASE)
    yield server
    server.stop()


def _table_iri(store: Path) -> str:
    [table] = [g.value for g in ox.Store.read_only(str(store)).named_graphs() if "/table/" in g.value]
    return table


def _about(store: Path, iri: str) -> set[tuple]:
    """What the store says of the IRI (any graph), as rdflib terms, read with pyoxigraph."""
    found = set()
    for q in ox.Store.read_only(str(store)).quads_for_pattern(ox.NamedNode(iri), None, None, None):
        found.add(("s", q.predicate.value, q.object.value, getattr(q.object, "language", None)))
    return found


def _as_set(graph) -> set[tuple]:
    import rdflib

    return {("s", str(p), str(o), o.language if isinstance(o, rdflib.Literal) else None) for _, p, o in graph}


@pytest.mark.parametrize(("accept", "parser"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                ("application/n-triples", "nt")])  # fmt: skip
def test_a_graph_iri_answers_rdf_by_content_negotiation(store, resolving, accept, parser):
    import rdflib

    iri = _table_iri(store)
    status, answer, body = resolving.request("GET", "/" + iri[len(BASE):], Host=host(resolving), Accept=accept)
    assert status == 200 and answer["content-type"].startswith(accept) and answer["vary"].startswith("Accept")
    graph = rdflib.Graph().parse(data=body.decode("utf-8"), format=parser)
    assert {str(s) for s in graph.subjects()} == {iri}
    assert _as_set(graph) == _about(store, iri)


def test_a_graph_iri_answers_a_page_for_a_browser(store, resolving):
    iri = _table_iri(store)
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Chromium sends
    status, answer, body = resolving.request("GET", "/" + iri[len(BASE):], Host=host(resolving), Accept=accept)
    page = body.decode("utf-8")
    assert status == 200 and answer["content-type"].startswith("text/html")
    titles = [o for _, p, o, _ in _about(store, iri) if p == "http://purl.org/dc/terms/title"]
    assert titles and f"<h1>{titles[0]}</h1>" in page
    publisher = next(o for _, p, o, _ in _about(store, iri) if p == "http://purl.org/dc/terms/publisher")
    assert f'href="/{publisher[len(BASE):]}"' in page  # links to the graph's own IRIs stay on this server
    # void:triples, a plain number: the quads of the table's graph, counted in the store
    in_graph = sum(1 for _ in ox.Store.read_only(str(store)).quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    assert in_graph > 30000 and f'<span class="number">{in_graph}</span>' in page


def test_an_unknown_iri_and_a_server_without_resolve_answer_404(store, resolving, read_only):
    assert resolving.request("GET", "/table/nothing/here", Host=host(resolving), Accept="text/turtle")[0] == 404
    iri = _table_iri(store)
    assert read_only.request("GET", "/" + iri[len(BASE):], Host=host(read_only), Accept="text/turtle")[0] == 404
