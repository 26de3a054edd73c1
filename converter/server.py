"""``perfkg serve``: the store over HTTP, guarded so that a web page cannot use it.

Oxigraph's own server answers any request from anywhere: a form on any web
page could POST ``DROP ALL`` to it, a DNS-rebinding page could read it, and
``SERVICE`` made it send requests to any address. It has no option to stop
any of that, so perfkg serves the store itself: pyoxigraph in this process,
behind a small WSGI application run by waitress (a pure-Python production
HTTP server). The application speaks the SPARQL 1.1 Protocol (``/query``,
``/update``), the Graph Store Protocol (``/store``), offers a query page at
``/`` and, with ``--resolve``, answers for the graph's own IRIs. Every request
passes :class:`Policy` first:

* the ``Host`` header must name the bound address (DNS rebinding);
* a request with an ``Origin`` other than the server's own is refused unless
  that origin was given with ``--cors`` (which then gets CORS headers);
* writes (update, Graph Store ``PUT``/``POST``/``DELETE``) exist only with
  ``--writable`` and need ``Authorization: Bearer TOKEN`` — never a cookie;
  a browser cannot add that header to a cross-site form;
* ``SERVICE`` and ``LOAD`` are refused unless their host was allowed with
  ``--allow-federation`` (:mod:`converter.sparqlguard`).

docs/security.md says what this protects and what it does not.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import json
import os
import secrets
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, quote

import pyoxigraph as ox

from . import sparqlguard
from .store import Reading, StoreError, _open, _recover, check_store_folder, is_store, mark_served, resolve, writing

DEFAULT_BIND = "127.0.0.1:7878"
TOKEN_ENV = "PERFKG_SERVER_TOKEN"
#: Request bodies larger than this are refused (a Graph Store PUT of one table is ≈ 10 MB).
MAX_BODY = 512 * 1024 * 1024


class ServerError(StoreError):
    """The server could not start (waitress missing, port taken, store locked)."""


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (IPv6 in brackets) → (host, port), with a clear error."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ServerError(f"--bind {bind!r}: expected HOST:PORT, for example {DEFAULT_BIND}")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# -- the policy ------------------------------------------------------------------------


@dataclass
class Policy:
    """What the server lets through; see the module docstring."""

    hosts: frozenset[str]
    own_origins: frozenset[str]
    writable: bool = False
    token: str | None = None
    cors: frozenset[str] = frozenset()
    federation: frozenset[str] = frozenset()
    resolve: str | None = None  # the base IRI whose IRIs this server answers for

    @classmethod
    def for_bind(cls, host: str, port: int, *, allow_hosts: Iterable[str] = (), **options) -> Policy:
        """The Host values a browser sends for this address: the address itself, and the loopback names when bound there."""
        names = {host.lower()}
        if is_loopback(host):
            names |= {"localhost", "127.0.0.1", "::1"}
        hosts = {_authority(n, port) for n in names} | {h.lower() for h in allow_hosts}
        origins = {f"http://{_authority(n, port)}" for n in names}
        return cls(frozenset(hosts), frozenset(origins), **options)

    def check(self, environ: dict) -> tuple[str, str] | None:
        """(status, reason) when the request must be refused before anything else, else None."""
        host = (environ.get("HTTP_HOST") or "").lower()
        if host not in self.hosts:
            return "403 Forbidden", f"Host {host or '(none)'!r} is not this server's address (DNS rebinding?)"
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin not in self.own_origins and origin not in self.cors:
            return "403 Forbidden", f"requests from the web origin {origin!r} are not allowed (perfkg serve --cors ORIGIN allows one)"
        if environ.get("HTTP_SEC_FETCH_SITE") == "cross-site" and origin not in self.cors:
            if environ.get("HTTP_SEC_FETCH_MODE") != "navigate" or environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
                return "403 Forbidden", "cross-site requests are not allowed (perfkg serve --cors ORIGIN allows one)"
        return None

    def check_write(self, environ: dict) -> tuple[str, str] | None:
        if not self.writable:
            return "403 Forbidden", "this server is read-only (start it with perfkg serve --writable)"
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not self.token or not hmac.compare_digest(token.strip(), self.token):
            return "401 Unauthorized", "writes need the server's token: Authorization: Bearer TOKEN (printed at start)"
        return None

    def check_fetches(self, text: str) -> tuple[str, str] | None:
        fetch = sparqlguard.refused(text, self.federation)
        if fetch is None:
            return None
        target = f"<{fetch.iri}>" if fetch.iri else "a target only known at run time"
        return "403 Forbidden", (f"{fetch.keyword} {target} is not allowed "
                                 "(perfkg serve --allow-federation HOST allows a host)")  # fmt: skip


# -- the application -------------------------------------------------------------------


_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
_DATASETS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}


def _negotiate(accept: str, offers: dict[str, object], default: str) -> str | None:
    """The offered media type the ``Accept`` header prefers (the default for none or ``*/*``), None when none fits."""
    if not accept.strip():
        return default
    ranked = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, position, media.lower()))
    for negative_q, _, media in sorted(ranked):
        if negative_q == 0:
            break
        if media in offers:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default if media == "*/*" or default.startswith(media[:-1]) else next(
                (m for m in offers if m.startswith(media[:-1])), None)
    return None


class Refused(Exception):
    """An HTTP error answer: status line and one line of text for the user."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class App:
    """The WSGI application: routing, protocol handling, the policy on every request."""

    store: ox.Store
    policy: Policy
    lock: threading.Lock = field(default_factory=threading.Lock)  # one write at a time

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        try:
            refusal = self.policy.check(environ)
            if refusal:
                raise Refused(*refusal)
            if environ["REQUEST_METHOD"] == "OPTIONS":
                return self._preflight(environ, start_response)
            status, headers, body = self._route(environ)
        except Refused as err:
            status, headers, body = err.status, [("Content-Type", "text/plain; charset=utf-8")], (err.reason + "\n").encode()
            if status.startswith("401"):
                headers.append(("WWW-Authenticate", 'Bearer realm="perfkg"'))
        headers = headers + self._cors(environ)
        vary = [v for k, v in headers if k == "Vary"]
        headers = [(k, v) for k, v in headers if k != "Vary"] + [("Vary", ", ".join(dict.fromkeys(vary)))]
        headers.append(("X-Content-Type-Options", "nosniff"))
        if environ["REQUEST_METHOD"] == "HEAD":
            body = b""
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [body]

    # -- CORS --

    def _cors(self, environ: dict) -> list[tuple[str, str]]:
        origin = environ.get("HTTP_ORIGIN")
        if origin and origin in self.policy.cors:
            return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return [("Vary", "Origin")]

    def _preflight(self, environ: dict, start_response: Callable) -> list[bytes]:
        origin = environ.get("HTTP_ORIGIN")
        if origin not in self.policy.cors:
            start_response("403 Forbidden", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return [b""]
        start_response("204 No Content", [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, HEAD"),
            ("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept"),
            ("Access-Control-Max-Age", "600"), ("Vary", "Origin"), ("Content-Length", "0"),
        ])  # fmt: skip
        return [b""]

    # -- routing --

    def _route(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO", "/")
        method = environ["REQUEST_METHOD"]
        if path in ("/", "/index.html") and method in ("GET", "HEAD"):
            return _html(query_page(self.policy))
        if path == "/query.js" and method in ("GET", "HEAD"):
            return _ok("text/javascript", _asset("query.js").encode("utf-8"))
        if path == "/queries.json" and method in ("GET", "HEAD"):
            return _ok("application/json", json.dumps(saved_queries(), ensure_ascii=False).encode("utf-8"))
        if path in ("/query", "/sparql"):
            return self._query(environ)
        if path == "/update":
            return self._update(environ)
        if path == "/store":
            return self._graph_store(environ)
        if self.policy.resolve and method in ("GET", "HEAD"):
            return self._describe(environ)
        raise Refused("404 Not Found", f"nothing at {path} (the query page is at /, the endpoint at /query)")

    # -- SPARQL 1.1 Protocol --

    def _query(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ["REQUEST_METHOD"]
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if method in ("GET", "HEAD"):
            text = _one(params, "query")
        elif method == "POST":
            kind = _media(environ)
            body = _body(environ)
            if kind == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            elif kind == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                params = {**params, **form}
                text = _one(form, "query")
            else:
                raise Refused("415 Unsupported Media Type", "POST a query as application/sparql-query or a form")
        else:
            raise Refused("405 Method Not Allowed", "query with GET or POST")
        refusal = self.policy.check_fetches(text)
        if refusal:
            raise Refused(*refusal)
        return self.answer(text, params, environ.get("HTTP_ACCEPT", ""))

    def answer(self, text: str, params: dict[str, list[str]], accept: str) -> tuple[str, list[tuple[str, str]], bytes]:
        dataset: dict = {"use_default_graph_as_union": True}
        try:
            if params.get("default-graph-uri"):
                dataset = {"default_graph": [ox.NamedNode(g) for g in params["default-graph-uri"]]}
            if params.get("named-graph-uri"):
                dataset["named_graphs"] = [ox.NamedNode(g) for g in params["named-graph-uri"]]
            result = self.store.query(text, **dataset)
        except (SyntaxError, ValueError) as err:
            raise Refused("400 Bad Request", f"the query does not parse: {str(err).splitlines()[0] if str(err) else err}") from None
        except OSError as err:
            raise Refused("500 Internal Server Error", f"the store could not answer: {str(err).splitlines()[0]}") from None
        if isinstance(result, ox.QueryTriples):
            media = _negotiate(accept, _GRAPHS, "text/turtle")
            if media is None:
                raise Refused("406 Not Acceptable", "a graph is answered as " + ", ".join(_GRAPHS))
            return _ok(media, result.serialize(format=_GRAPHS[media]) or b"")
        media = _negotiate(accept, _RESULTS, "application/sparql-results+json")
        if media is None:
            raise Refused("406 Not Acceptable", "results are answered as " + ", ".join(_RESULTS))
        return _ok(media, result.serialize(format=_RESULTS[media]) or b"")

    def _update(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        if environ["REQUEST_METHOD"] != "POST":
            raise Refused("405 Method Not Allowed", "send updates with POST")
        refusal = self.policy.check_write(environ)
        if refusal:
            raise Refused(*refusal)
        kind = _media(environ)
        body = _body(environ)
        if kind == "application/sparql-update":
            text = body.decode("utf-8", "replace")
        elif kind == "application/x-www-form-urlencoded":
            text = _one(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True), "update")
        else:
            raise Refused("415 Unsupported Media Type", "POST an update as application/sparql-update or a form")
        refusal = self.policy.check_fetches(text)
        if refusal:
            raise Refused(*refusal)
        try:
            with self.lock:
                self.store.update(text)
        except (SyntaxError, ValueError) as err:
            raise Refused("400 Bad Request", f"the update does not parse: {str(err).splitlines()[0]}") from None
        except OSError as err:
            raise Refused("500 Internal Server Error", f"the update failed: {str(err).splitlines()[0]}") from None
        return "204 No Content", [], b""

    # -- Graph Store Protocol --

    def _graph_store(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ["REQUEST_METHOD"]
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        graph: ox.NamedNode | ox.DefaultGraph | None
        if "graph" in params:
            try:
                graph = ox.NamedNode(_one(params, "graph"))
            except ValueError as err:
                raise Refused("400 Bad Request", f"graph= is not an IRI ({err})") from None
        elif "default" in params:
            graph = ox.DefaultGraph()
        else:
            graph = None  # the whole dataset
        if method in ("GET", "HEAD"):
            return self._read_graph(graph, environ.get("HTTP_ACCEPT", ""))
        if method not in ("PUT", "POST", "DELETE"):
            raise Refused("405 Method Not Allowed", "the graph store takes GET, HEAD, PUT, POST and DELETE")
        refusal = self.policy.check_write(environ)
        if refusal:
            raise Refused(*refusal)
        if graph is None:
            raise Refused("400 Bad Request", "name the graph: ?graph=IRI or ?default")
        with self.lock:
            existed = isinstance(graph, ox.DefaultGraph) or self.store.contains_named_graph(graph)
            if method == "DELETE":
                if not existed:
                    raise Refused("404 Not Found", f"no graph {graph}")
                if isinstance(graph, ox.DefaultGraph):
                    self.store.clear_graph(graph)
                else:
                    self.store.remove_graph(graph)
                return "204 No Content", [], b""
            media = _media(environ)
            fmt = _GRAPHS.get(media) if media != "text/plain" else None
            if fmt is None:
                raise Refused("415 Unsupported Media Type", "send a graph as " + ", ".join(m for m in _GRAPHS if m != "text/plain"))
            try:
                triples = list(ox.parse(_body(environ), format=fmt, without_named_graphs=True))
            except SyntaxError as err:
                raise Refused("400 Bad Request", f"the graph does not parse: {str(err).splitlines()[0]}") from None
            quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples]
            if method == "PUT" and existed:
                self.store.clear_graph(graph)
            self.store.extend(quads)
            if not isinstance(graph, ox.DefaultGraph) and not quads:
                self.store.add_graph(graph)
        return ("204 No Content" if existed else "201 Created"), [], b""

    def _read_graph(self, graph, accept: str) -> tuple[str, list[tuple[str, str]], bytes]:
        if graph is None:
            media = _negotiate(accept, _DATASETS, "application/n-quads")
            if media is None:
                raise Refused("406 Not Acceptable", "the dataset is answered as " + ", ".join(_DATASETS))
            return _ok(media, self.store.dump(format=_DATASETS[media]) or b"")
        if isinstance(graph, ox.NamedNode) and not self.store.contains_named_graph(graph):
            raise Refused("404 Not Found", f"no graph {graph}")
        media = _negotiate(accept, _GRAPHS, "text/turtle")
        if media is None:
            raise Refused("406 Not Acceptable", "a graph is answered as " + ", ".join(_GRAPHS))
        return _ok(media, self.store.dump(format=_GRAPHS[media], from_graph=graph) or b"")

    # -- the graph's own IRIs --

    def _describe(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        from .dereference import describe

        assert self.policy.resolve is not None
        path = environ.get("PATH_INFO", "/")
        iri = self.policy.resolve + quote(path.lstrip("/"), safe="/:@!$&'()*+,;=-._~%")
        query = environ.get("QUERY_STRING", "")
        found = describe(self.store, iri, environ.get("HTTP_ACCEPT", ""), self.policy.resolve, query)
        if found is None:
            raise Refused("404 Not Found", f"nothing is said of <{iri}> in this store")
        return found


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    if not values or len(values) != 1:
        raise Refused("400 Bad Request", f"give exactly one {name}= parameter")
    return values[0]


def _media(environ: dict) -> str:
    return (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()


def _body(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused("400 Bad Request", "Content-Length is not a number") from None
    if length > MAX_BODY:
        raise Refused("413 Content Too Large", f"bodies over {MAX_BODY // (1 << 20)} MiB are refused")
    return environ["wsgi.input"].read(length) if length else b""


def _ok(media: str, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith("json") else ""
    return "200 OK", [("Content-Type", media + charset)], body


def _html(page: str) -> tuple[str, list[tuple[str, str]], bytes]:
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        # The page runs only its own script and talks only to this server.
        ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
                                    "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"),
        ("X-Frame-Options", "DENY"),
    ]  # fmt: skip
    return "200 OK", headers, page.encode("utf-8")


# -- the query page --------------------------------------------------------------------


def saved_queries() -> list[dict]:
    """perfkg's saved queries for the page: name, title, the zh/en questions and the query text."""
    from .catalog import bind, catalogue

    found = []
    for q in catalogue():
        try:
            text = bind(q)
        except ValueError:
            text = q.text
        found.append({"name": q.name, "title": q.title, "zh": q.zh, "en": q.en, "query": text,
                      "federated": q.federated})  # fmt: skip
    return found


def _asset(name: str) -> str:
    from importlib.resources import files

    return (files("converter") / "web" / name).read_text(encoding="utf-8")


def query_page(policy: Policy) -> str:
    return _asset("query.html").replace("{{WRITABLE}}", "true" if policy.writable else "false")


# -- running it ------------------------------------------------------------------------


@dataclass
class Running:
    """A server started by :func:`start`: its URL, and :meth:`stop`."""

    url: str
    token: str | None
    _server: object
    _thread: threading.Thread | None
    _release: Callable[[], None]

    def stop(self) -> None:
        self._server.close()  # type: ignore[attr-defined]
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._release()


def start(
    path: str | Path,
    bind: str = DEFAULT_BIND,
    *,
    writable: bool = False,
    token: str | None = None,
    cors: Iterable[str] = (),
    federation: Iterable[str] = (),
    allow_hosts: Iterable[str] = (),
    resolve_base: str | None = None,
    thread: bool = True,
) -> Running:
    """Open the store, bind the address and (``thread``) serve in a background thread; see :func:`serve`."""
    try:
        from waitress.server import create_server
    except ImportError:
        raise ServerError("perfkg serve needs waitress; install it with: pip install 'perfkg[server]' (or: pip install waitress)") from None
    path = resolve(path)
    host, port = parse_bind(bind)
    if writable and not token:
        token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    store, release = _hold(path, writable)
    try:
        policy = Policy.for_bind(host, port, allow_hosts=allow_hosts, writable=writable, token=token,
                                 cors=frozenset(cors), federation=frozenset(h.lower() for h in federation),
                                 resolve=resolve_base)  # fmt: skip
        try:
            server = create_server(App(store, policy), host=host, port=port, threads=4, ident="perfkg",
                                   max_request_body_size=MAX_BODY, clear_untrusted_proxy_headers=True)  # fmt: skip
        except OSError as err:
            if err.errno in (98, 48):  # EADDRINUSE (Linux, macOS)
                raise ServerError(f"{bind}: the address is in use; choose another port with --bind") from None
            raise ServerError(f"{bind}: cannot listen there ({err.strerror})") from None
    except BaseException:
        release()
        raise
    url = f"http://{_authority(host, port)}/"
    runner = None
    if thread:
        runner = threading.Thread(target=server.run, name="perfkg-serve", daemon=True)
        runner.start()
    return Running(url, token if writable else None, server, runner, release)


def _hold(path: Path, writable: bool) -> tuple[ox.Store, Callable[[], None]]:
    """Open the store for serving under its lock and mark it served; return it and what releases both."""
    try:
        with writing(path, wait=False):  # no load or drop is under way, none starts before the marker is there
            _recover(path)
            check_store_folder(path)
            if not is_store(path) and not writable:
                raise ServerError(f"{path}: no store here to serve (create one with 'perfkg load INPUT --store {path}')")
            from .store import servers_of

            others = [mode for _, mode in servers_of(path)]
            if (writable and others) or "writable" in others:
                raise ServerError(f"{path}: the store is in use by another process (another 'perfkg serve'); stop it first")
            if is_store(path):
                from .storecheck import compare

                compare(path)  # a damaged store is refused in one line, not served
            marker = mark_served(path, writable)
            try:
                if writable:
                    store = _open(path, read_only=False)
                    return store, marker.release
                reading = Reading(path)
                assert reading.store is not None

                def release() -> None:
                    reading.close()
                    marker.release()

                return reading.store, release
            except BaseException:
                marker.release()
                raise
    except StoreError as err:
        if "under way" in str(err):
            raise ServerError(f"{path}: a load or drop is under way on this store; serve it when it ends") from None
        raise


def serve(path: str | Path, bind: str = DEFAULT_BIND, *, out: TextIO | None = None, **options) -> int:
    """Serve the store until interrupted (Ctrl-C or SIGTERM); return 0 when stopped."""
    out = out or sys.stdout
    previous = _stop_on_sigterm()
    try:
        running = start(path, bind, thread=False, **options)
        try:
            host, _ = parse_bind(bind)
            if not is_loopback(host):
                print(f"perfkg: warning: serving on {host} over plain HTTP: anyone who can reach it can read the store"
                      + (" (writes still need the token)" if options.get("writable") else ""), file=sys.stderr)  # fmt: skip
            mode = "writable" if options.get("writable") else "read-only"
            print(f"Serving {path} ({mode}) at {running.url}  (query page {running.url}, SPARQL endpoint {running.url}query); "
                  "Ctrl-C stops it", file=out, flush=True)  # fmt: skip
            if running.token is not None:
                if os.environ.get(TOKEN_ENV) == running.token:
                    print(f"write token: from {TOKEN_ENV}", file=out, flush=True)
                else:
                    print(f"write token: {running.token}  (send it as 'Authorization: Bearer TOKEN'; "
                          f"perfkg load --endpoint reads it from PERFKG_ENDPOINT_TOKEN)", file=out, flush=True)  # fmt: skip
            running._server.run()  # type: ignore[attr-defined]
        finally:
            running.stop()
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm():
    """Let SIGTERM (a service manager, ``kill``) stop the server as Ctrl-C does.

    Returns the handler it replaced (None off the main thread, where none can be set).
    """
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, _interrupt)
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def escape(text: str) -> str:
    return html.escape(text, quote=True)
