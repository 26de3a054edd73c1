"""Credentials stay put: real HTTP servers on loopback ports (Python's http.server) see what perfkg sends.

Each server records every request it receives (method, path, Authorization
header). "Another origin" is the same address on another port: scheme, host and
port make an origin (RFC 6454), so a redirect there must not carry the
credentials.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Callable, Iterator

import pytest

from converter import endpoint
from converter.cli import main

PASSWORD = "pa55-w0rd-unique"
TOKEN = "tok-7f3e9a-unique"
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()
EMPTY_SELECT = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()


class _Server:
    """A loopback HTTP server whose answers a test decides; every request is recorded."""

    def __init__(self, answer: Callable[[http.server.BaseHTTPRequestHandler], tuple[int, dict, bytes]]) -> None:
        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.body = self.rfile.read(length) if length else b""
                outer.requests.append({"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization")})
                status, headers, body = answer(self)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[Callable]:
    started: list[_Server] = []

    def start(answer) -> _Server:
        started.append(_Server(answer))
        return started[-1]

    yield start
    for server in started:
        server.close()


def _select_answer(handler) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/sparql-results+json"}, EMPTY_SELECT


def _redirect_to(target: str, status: int = 307) -> Callable:
    def answer(handler) -> tuple[int, dict, bytes]:
        return status, {"Location": target + handler.path}, b""

    return answer


@pytest.fixture
def token(monkeypatch):
    monkeypatch.delenv(endpoint.ENV_USER, raising=False)
    monkeypatch.setenv(endpoint.ENV_TOKEN, TOKEN)


@pytest.fixture
def password(monkeypatch):
    monkeypatch.delenv(endpoint.ENV_TOKEN, raising=False)
    monkeypatch.setenv(endpoint.ENV_USER, "analyst")
    monkeypatch.setenv(endpoint.ENV_PASSWORD, PASSWORD)


# -- redirects ---------------------------------------------------------------------------


def test_a_query_redirected_to_another_origin_arrives_without_the_token(servers, token, capsys):
    other = servers(_select_answer)
    first = servers(_redirect_to(other.url))
    assert main(["query", "anomalies", "--endpoint", first.url + "/query", "--format", "csv"]) == 0
    assert first.requests[0]["authorization"] == f"Bearer {TOKEN}"
    assert [r["authorization"] for r in other.requests] == [None]
    assert other.requests[0]["path"] == "/query"


def test_a_query_redirected_within_its_origin_keeps_the_token(servers, token):
    def answer(handler):
        if handler.path == "/old":
            return 307, {"Location": "/query"}, b""
        return _select_answer(handler)

    server = servers(answer)
    assert endpoint.select(server.url + "/old", "SELECT ?x WHERE { ?x ?p ?o }") == []
    assert [(r["path"], r["authorization"]) for r in server.requests] == [("/old", f"Bearer {TOKEN}"), ("/query", f"Bearer {TOKEN}")]


def test_basic_credentials_are_not_sent_after_a_redirect_to_another_origin(servers, password):
    """The first server asks for Basic, then redirects; the second sees no Authorization."""
    expected = "Basic " + base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()
    other = servers(_select_answer)

    def answer(handler):
        if handler.headers.get("Authorization") != expected:
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b""
        return 307, {"Location": other.url + handler.path}, b""

    first = servers(answer)
    assert endpoint.select(first.url + "/query", "SELECT ?x WHERE { ?x ?p ?o }") == []
    assert [r["authorization"] for r in first.requests] == [None, expected]
    assert [r["authorization"] for r in other.requests] == [None]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_an_upload_is_never_redirected(servers, token, source_path, capsys, status):
    """The graph-store PUT is answered with a redirect: perfkg stops and names the new URL;
    the other server receives nothing."""
    other = servers(_select_answer)

    def answer(handler):
        if handler.command == "GET" and "query=" in handler.path:
            return 200, {"Content-Type": "application/sparql-results+json"}, ASK_TRUE
        return status, {"Location": other.url + "/store"}, b""

    first = servers(answer)
    assert main(["load", str(source_path), "--endpoint", first.url, "-q"]) == 2
    err = capsys.readouterr().err
    line = [x for x in err.splitlines() if x.startswith("perfkg:") and "note(s)" not in x][-1]
    assert f"redirects this request (HTTP {status}) to {other.url}/store" in line and "does not follow" in line
    assert other.requests == []
    assert [r["method"] for r in first.requests] == ["GET", "PUT"]


# -- messages ----------------------------------------------------------------------------


def _echo_headers(handler) -> tuple[int, dict, bytes]:
    """A careless server: its error page repeats the request, headers and all."""
    text = f"Internal error: Authorization: {handler.headers.get('Authorization')}\nrequest: {handler.command} {handler.path}\n"
    return 500, {"Content-Type": "text/plain"}, text.encode()


@pytest.mark.parametrize("kind", ["token", "password"])
def test_an_error_body_that_echoes_the_credentials_is_shown_without_them(servers, monkeypatch, capsys, kind):
    monkeypatch.delenv(endpoint.ENV_TOKEN, raising=False)
    monkeypatch.delenv(endpoint.ENV_USER, raising=False)
    if kind == "token":
        monkeypatch.setenv(endpoint.ENV_TOKEN, TOKEN)
        answer = _echo_headers
    else:
        monkeypatch.setenv(endpoint.ENV_USER, "analyst")
        monkeypatch.setenv(endpoint.ENV_PASSWORD, PASSWORD)

        def answer(handler):
            if not handler.headers.get("Authorization"):
                return 401, {"WWW-Authenticate": 'Basic realm="test"'}, b""
            return _echo_headers(handler)

    server = servers(answer)
    assert main(["query", "anomalies", "--endpoint", server.url + "/query"]) == 2
    err = capsys.readouterr().err
    secret_forms = [TOKEN, PASSWORD, base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()]
    assert "HTTP 500" in err and "Authorization: " in err  # the server's own lines are shown
    assert not any(s in err for s in secret_forms), err
    assert len(err.strip().splitlines()) == 1


def test_a_url_with_a_password_is_refused_without_printing_it(capsys):
    assert main(["query", "anomalies", "--endpoint", f"http://analyst:{PASSWORD}@127.0.0.1:9/query"]) == 2
    err = capsys.readouterr().err
    assert PASSWORD not in err and "credentials in the URL are not used" in err and endpoint.ENV_USER in err


def test_load_refuses_a_url_with_a_password_before_reading_anything(capsys, source_path):
    assert main(["load", str(source_path), "--endpoint", f"http://analyst:{PASSWORD}@127.0.0.1:9/sparql", "-q"]) == 2
    assert PASSWORD not in capsys.readouterr().err


def test_redact_replaces_every_form_of_the_secret():
    credentials = endpoint.Credentials("analyst", PASSWORD, None)
    basic = base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()
    text = f"pw {PASSWORD} hdr Authorization: Basic {basic} url http://u:{PASSWORD}@h/x, Digest username=\"analyst\", response=\"abc\""
    out = endpoint.redact(text, credentials)
    assert PASSWORD not in out and basic not in out and 'response="abc"' not in out
    assert "http://u:***@h/x" in out


# -- answers in part ---------------------------------------------------------------------


def test_an_answer_stopped_at_the_servers_time_limit_fails(servers, capsys):
    """Virtuoso's "anytime" answer: 200, the rows found so far, and X-SQL-State S1TAT
    (what Virtuoso sends when MaxQueryExecutionTime stops a query)."""

    def answer(handler):
        headers = {"Content-Type": "application/sparql-results+json", "X-SQL-State": "S1TAT",
                   "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout."}  # fmt: skip
        return 200, headers, EMPTY_SELECT

    server = servers(answer)
    assert main(["query", "anomalies", "--endpoint", server.url + "/sparql", "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "answered in part (X-SQL-State S1TAT" in captured.err
