"""Remote SPARQL 1.1 servers: upload documents' graphs, and reach the query endpoint.

When the tables of a province over many years outgrow one machine, the graph
goes to a server. Uploads use the SPARQL 1.1 Graph Store HTTP Protocol: a
document's own graphs (its tables) are sent with ``PUT``, which replaces the
named graph in one request; shared graphs (schemes, places, load records) with
``POST``, which merges. A server without the protocol (404/405/501 at every
graph-store URL tried) gets SPARQL 1.1 Update instead: ``DROP SILENT GRAPH`` +
``INSERT DATA`` in one request per graph, or, for a large graph, chunks into a
staging graph switched in with ``MOVE``.

Every document is read and checked (:func:`converter.documents.prepare`) before the
first request, so an invalid document leaves the server unchanged.

Which URLs are derived from ``--endpoint`` (override with ``--update-endpoint``
and ``--graph-store``)::

    http://host:7878            Oxigraph     /query  /update  /store
    http://host/ds/query|sparql Fuseki       (same)  …/update …/store, then …/data
    http://host/repositories/R  GraphDB/RDF4J (same) R/statements R/rdf-graphs/service

Credentials come only from the environment (never the command line, where
``ps`` and shell history would show them): ``PERFKG_ENDPOINT_USER`` and
``PERFKG_ENDPOINT_PASSWORD`` for HTTP Basic, or ``PERFKG_ENDPOINT_TOKEN`` for
a bearer token (QLever's access token, GraphDB/Stardog tokens).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad

from .progress import Progress
from .documents import Document
from .store import LOADS_GRAPH
from .vocab import DCTERMS

ENV_USER = "PERFKG_ENDPOINT_USER"
ENV_PASSWORD = "PERFKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "PERFKG_ENDPOINT_TOKEN"

#: Triples per SPARQL Update request when falling back from the Graph Store Protocol
#: (``--chunk-triples``); halved whenever the server refuses a request as too large.
CHUNK = 20_000
#: The smallest chunk tried before giving up.
MIN_CHUNK = 50
#: Seconds to wait for a server's answer (an upload of a large graph takes a while).
TIMEOUT = 300
#: Redirects followed for a read (never for a write).
MAX_REDIRECTS = 5

_NO_PROTOCOL = {404, 405, 406, 415, 501}
_REDIRECT = {301, 302, 303, 307, 308}


class EndpointError(ValueError):
    """The server cannot be reached or refused the request; one line for the user, without credentials."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


# -- credentials ---------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What the environment gives: a bearer token, or a user and password (Basic or Digest, as the server asks)."""

    user: str | None = None
    password: str = ""
    token: str | None = None

    @classmethod
    def from_env(cls) -> Credentials:
        return cls(os.environ.get(ENV_USER), os.environ.get(ENV_PASSWORD, ""), os.environ.get(ENV_TOKEN) or None)

    def __bool__(self) -> bool:
        return bool(self.token) or self.user is not None

    def secrets(self) -> list[str]:
        """Every form in which a secret could reach a message."""
        out = [s for s in (self.password, self.token) if s]
        if self.user is not None:
            out.append(base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii"))
        return out


_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*):[^/@\s]*@")
_AUTH_VALUE = re.compile(r"(?i)\b(?P<scheme>Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+")
_DIGEST_VALUE = re.compile(r"(?i)\bDigest\s+username=[^\n]*")


def redact(text: str, credentials: Credentials | None = None) -> str:
    """The text without passwords, tokens, Authorization values or URL passwords."""
    for secret in (credentials or Credentials.from_env()).secrets():
        text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}:***@", text)
    text = _AUTH_VALUE.sub(lambda m: f"{m['scheme']} ***", text)
    return _DIGEST_VALUE.sub("Digest ***", text)


def auth_header() -> dict[str, str]:
    """A preemptive Authorization header from the environment (bearer token or Basic), or none."""
    credentials = Credentials.from_env()
    if credentials.token:
        return {"Authorization": f"Bearer {credentials.token}"}
    if credentials.user is not None:
        return {"Authorization": _basic(credentials)}
    return {}


def _basic(credentials: Credentials) -> str:
    secret = f"{credentials.user}:{credentials.password}".encode()
    return "Basic " + base64.b64encode(secret).decode("ascii")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


# -- HTTP --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes
    url: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as responses: :class:`Session` decides whether to follow them."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


class Session:
    """HTTP to one SPARQL service, with the environment's credentials kept to its origin.

    * A bearer token is sent with every request to the service's origin; a user and
      password are sent as the server's 401 challenge asks (HTTP Digest, RFC 7616, MD5 or
      SHA-256, as Virtuoso's ``/sparql-auth`` wants; else Basic). Once the scheme is
      known it is sent ahead, so a large upload is not sent twice.
    * A redirect is followed only for a read (a GET, or a 307/308 for a query POST), at
      most five times, and without credentials as soon as it leaves the origin; a write
      that is redirected fails with the new URL named.
    * Messages never carry the credentials (:func:`redact`).
    """

    def __init__(self, url: str, credentials: Credentials | None = None, timeout: float = TIMEOUT) -> None:
        self.origin = _origin(url)
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.timeout = timeout
        self._challenge: dict[str, str] | None = None  # the Digest challenge, once seen
        self._basic = False  # the server asked for Basic
        self._count = 0  # Digest nonce count
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                *, write: bool) -> Response:  # fmt: skip
        """Send one request (following redirects for reads); any status comes back, network errors raise."""
        start = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._authenticated(method, url, body, headers or {})
            if response.status not in _REDIRECT:
                return response
            location = response.headers.get("Location")
            if not location:
                return response
            target = urljoin(url, location)
            if write or (method != "GET" and response.status not in (307, 308)):
                raise EndpointError(
                    f"{_service(start)}: the server redirects this request (HTTP {response.status}) to {_service(target)}; "
                    "perfkg does not follow a redirect for an upload or a form post: give that URL instead"
                )
            url = target
        raise EndpointError(f"{_service(start)}: more than {MAX_REDIRECTS} redirects")

    def _authenticated(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        own = _origin(url) == self.origin
        response = self._send(method, url, body, {**headers, **(self._authorization(method, url) if own else {})})
        if response.status != 401 or not own or not self.credentials or self.credentials.token:
            return response
        for _ in range(2):  # a first challenge, then perhaps a stale nonce
            scheme = self._learn(response.headers.get_all("WWW-Authenticate") or [])
            if scheme is None:
                return response
            response = self._send(method, url, body, {**headers, **self._authorization(method, url)})
            if response.status != 401:
                return response
            challenge = self._challenge or {}
            if scheme != "digest" or challenge.get("stale", "").lower() != "true":
                return response
        return response

    def _learn(self, challenges: list[str]) -> str | None:
        """Remember what the server asks for; None when nothing new can be tried."""
        for value in challenges:
            scheme, _, rest = value.strip().partition(" ")
            if scheme.lower() == "digest":
                challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
                if self._challenge and self._challenge.get("nonce") == challenge.get("nonce") and challenge.get("stale", "").lower() != "true":
                    return None  # the same nonce refused: wrong credentials
                self._challenge, self._count = challenge, 0
                return "digest"
        if not self._basic and self._challenge is None:
            self._basic = True
            return "basic"
        return None

    def _authorization(self, method: str, url: str) -> dict[str, str]:
        credentials = self.credentials
        if credentials.token:
            return {"Authorization": f"Bearer {credentials.token}"}
        if credentials.user is None:
            return {}
        if self._challenge is not None:
            return {"Authorization": self._digest(method, url)}
        if self._basic:
            return {"Authorization": _basic(credentials)}
        return {}

    def _digest(self, method: str, url: str) -> str:
        """The Digest Authorization value for one request (RFC 7616; qop=auth or none)."""
        challenge = self._challenge or {}
        algorithm = challenge.get("algorithm", "MD5")
        digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

        def h(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        parts = urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        self._count += 1
        count, cnonce = f"{self._count:08x}", os.urandom(8).hex()
        ha1 = h(f"{self.credentials.user}:{realm}:{self.credentials.password}")
        if algorithm.lower().endswith("-sess"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in challenge.get("qop", "").split(",")]
        fields = {"username": self.credentials.user, "realm": realm, "nonce": nonce, "uri": uri}
        if "auth" in qops:
            fields["response"] = h(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
        else:
            fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in challenge:
            fields["opaque"] = challenge["opaque"]
        value = ", ".join(f'{k}="{v}"' for k, v in fields.items()) + f", algorithm={algorithm}"
        if "auth" in qops:
            value += f', qop=auth, nc={count}, cnonce="{cnonce}"'
        return "Digest " + value

    def _send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        service = _service(url)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.headers, response.read(), url)
        except urllib.error.HTTPError as err:
            with err:
                return Response(err.code, err.headers, err.read(), url)
        except urllib.error.URLError as err:
            raise connection_error(service, err.reason) from None
        except (TimeoutError, socket.timeout):
            raise EndpointError(f"{service}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException) as err:
            raise EndpointError(f"{service}: the connection failed ({err})") from None


def _service(url: str) -> str:
    """The URL as messages name it: no query string (graph parameters, queries), no user info."""
    parts = urlsplit(url.split("?", 1)[0])
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path}"


def check_url(url: str) -> None:
    """Refuse credentials written into the URL: they would show in ``ps`` and shell history."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise EndpointError(f"{url}: not an http(s) URL of a SPARQL endpoint")
    if parts.username is not None or parts.password is not None:
        raise EndpointError(
            f"{_service(url)}: credentials in the URL are not used (ps and shell history would show them); "
            f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}, in the environment"
        )


def http_error(url: str, code: int, reason: str, detail: str = "") -> EndpointError:
    """One line for an HTTP error status, with the first lines of the server's own message."""
    url = _service(url)
    if code in (401, 403):
        return EndpointError(
            f"{url}: authentication refused (HTTP {code}); set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}, "
            "in the environment"
        )
    if code == 404:
        return EndpointError(f"{url}: not found (HTTP 404); is this the SPARQL endpoint's URL?")
    more = f": {detail}" if detail else ""
    return EndpointError(f"{url}: the server answered HTTP {code}{f' {reason}' if reason else ''}{more}")


def connection_error(url: str, reason: object) -> EndpointError:
    """One line for a server that cannot be reached."""
    if isinstance(reason, ConnectionRefusedError):
        return EndpointError(f"{url}: connection refused; is the server running?")
    if isinstance(reason, socket.gaierror):
        return EndpointError(f"{url}: unknown host")
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return EndpointError(f"{url}: no answer within {TIMEOUT} s")
    if isinstance(reason, (BrokenPipeError, ConnectionResetError)):
        return EndpointError(f"{url}: the server closed the connection (authentication required, or a body size limit?)")
    return EndpointError(f"{url}: cannot connect ({reason})")


_TAG = re.compile(r"<[^>]+>")


def first_lines(data: bytes, lines: int = 3, width: int = 300) -> str:
    """The first lines of a server's error body, joined into one line (HTML tags removed)."""
    text = _TAG.sub(" ", data.decode("utf-8", "replace"))
    kept = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:lines]
    joined = " / ".join(kept)
    return joined if len(joined) <= width else joined[: width - 1] + "…"


# -- where to send what ------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """The three URLs of one SPARQL service."""

    query: str
    update: str
    graph_stores: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_url(cls, url: str, update: str | None = None, graph_store: str | None = None) -> Endpoint:
        """Derive the update and graph-store URLs from the query URL (see the module docstring)."""
        check_url(url)
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        path = parts.path.rstrip("/")
        if not path:  # a server root: Oxigraph's layout
            query, upd, stores = f"{root}/query", f"{root}/update", [f"{root}/store"]
        elif path in ("/sparql", "/sparql-auth"):  # Virtuoso: updates at the same URL, its graph store beside it
            crud = "/sparql-graph-crud-auth" if path.endswith("-auth") else "/sparql-graph-crud"
            query, upd, stores = url, url, [f"{root}{crud}"]
        elif re.search(r"/repositories/[^/]+$", path):
            query, upd, stores = url, f"{root}{path}/statements", [f"{root}{path}/rdf-graphs/service"]
        else:
            parent = path.rsplit("/", 1)[0]
            query, upd = url, f"{root}{parent}/update"
            stores = [f"{root}{parent}/store", f"{root}{parent}/data"]
        for given in (update, graph_store):
            if given and given != "none":
                check_url(given)
        if graph_store == "none":  # a server without the Graph Store Protocol (QLever): SPARQL Update only
            return cls(query, update or upd, ())
        return cls(query, update or upd, (graph_store,) if graph_store else tuple(stores))


# -- uploading ---------------------------------------------------------------------


@dataclass
class Uploaded:
    """What one graph upload did: the graph, its triple count and the method used."""

    graph: str
    triples: int
    method: str  # "PUT", "POST" (graph store) or "UPDATE"


class Uploader:
    """Uploads documents to one endpoint, choosing the protocol on the first graph."""

    def __init__(self, endpoint: Endpoint, *, chunk: int | None = None, session: Session | None = None) -> None:
        self.endpoint = endpoint
        self.session = session or Session(endpoint.query)
        self._store: str | None = None  # the graph-store URL that worked
        self._candidates = list(endpoint.graph_stores)
        self._use_update = not self._candidates
        self._fixed = chunk is not None  # --chunk-triples: no adapting
        self.chunk = chunk or CHUNK

    def upload(self, documents: Iterable[Document], *, progress: bool | None = None) -> list[Uploaded]:
        self.preflight()
        done: list[Uploaded] = []
        for doc in documents:
            done.extend(self._document(doc, progress))
        return done

    def preflight(self) -> None:
        """Ask the query endpoint ``ASK {}`` before sending anything large.

        A server that refuses credentials often closes the connection while a
        big PUT body is still being sent, and the client then sees only a broken
        pipe; a tiny request first gets the real answer (401, 404, refused), and
        the authentication scheme the server wants (Digest or Basic) is learnt.
        """
        response = self.session.request("GET", f"{self.endpoint.query}?query={quote('ASK {}')}", write=False)
        if response.status >= 400:
            raise http_error(self.endpoint.query, response.status, "", first_lines(response.body))

    def _document(self, doc: Document, progress: bool | None) -> list[Uploaded]:
        """Send each graph of one document: owned graphs replaced, shared graphs merged."""
        memory = ox.Store()
        with Progress(doc.size, f"reading {doc.path.name}", "B", enabled=progress) as bar:
            memory.bulk_extend(doc.quads(bar if doc.table is None else None))
        done = []
        for graph in sorted(memory.named_graphs(), key=str):
            count = sum(1 for _ in memory.quads_for_pattern(None, None, None, graph))
            replace = graph in doc.owned
            method = self._send(graph, memory, replace)
            done.append(Uploaded(graph.value, count, method))
        self._describe(doc)
        return done

    def _send(self, graph: NamedNode, memory: ox.Store, replace: bool) -> str:
        if not self._use_update:
            body = memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            method = "PUT" if replace else "POST"
            if self._graph_store(method, graph, body):
                return method
        quads = list(memory.quads_for_pattern(None, None, None, graph))
        self._update_graph(graph, quads, replace)
        return "UPDATE"

    def _graph_store(self, method: str, graph: NamedNode, body: bytes) -> bool:
        """Try the graph-store URLs in turn; False when none speaks the protocol."""
        urls = [self._store] if self._store else list(self._candidates)
        for url in urls:
            target = f"{url}?graph={quote(graph.value, safe='')}"
            response = self.session.request(method, target, body, {"Content-Type": "application/n-triples"}, write=True)
            if response.status in _NO_PROTOCOL:
                continue
            if response.status >= 400:
                raise http_error(url, response.status, "", first_lines(response.body))
            self._store = url
            return True
        self._use_update = True
        return False

    def _update_graph(self, graph: NamedNode, quads: list[Quad], replace: bool) -> None:
        """SPARQL Update: one request for a small graph; chunks into a staging graph, then MOVE.

        A chunk the server refuses as too large (Virtuoso's compiler stops at about
        1,200 triples: ``SP030``/``SP031``; others answer 413 or 5xx) is sent again in
        halves, and the smaller size is kept for the rest of the load, unless
        ``--chunk-triples`` fixed it.
        """
        if not replace:
            self._insert_chunks(graph, quads)
            return
        if len(quads) <= self.chunk:
            text = f"DROP SILENT GRAPH {graph} ;\n" + _insert_data(graph, quads)
            if self._try_update(text, len(quads)):
                return
        staging = NamedNode(f"urn:perfkg:staging:{uuid.uuid4()}")
        self.update(f"DROP SILENT GRAPH {staging}")
        self._insert_chunks(staging, quads)
        self.update(f"MOVE {staging} TO {graph}")

    def _insert_chunks(self, graph: NamedNode, quads: list[Quad]) -> None:
        start = 0
        while start < len(quads) or (start == 0 and not quads):
            chunk = quads[start : start + self.chunk]
            if self._try_update(_insert_data(graph, chunk), len(chunk)):
                start += max(len(chunk), 1)
        # (INSERT DATA adds a set: a chunk sent again after a partial failure adds nothing twice)

    def _try_update(self, text: str, triples: int) -> bool:
        """Send an update; False (and a smaller chunk) when the server refused it as too large."""
        response = self.session.request("POST", self.endpoint.update, text.encode("utf-8"),
                                        {"Content-Type": "application/sparql-update"}, write=True)  # fmt: skip
        if response.status < 300:
            return True
        detail = first_lines(response.body)
        too_large = response.status == 413 or response.status >= 500 or bool(_TOO_LARGE.search(detail))
        if too_large and not self._fixed and triples > MIN_CHUNK:
            self.chunk = max(MIN_CHUNK, min(self.chunk, triples) // 2)
            return False
        if response.status in _NO_PROTOCOL:
            raise http_error(self.endpoint.update, response.status, "", detail)
        hint = f" (a request of {triples:,} triples; try a smaller --chunk-triples)" if too_large else ""
        raise http_error(self.endpoint.update, response.status, "", detail + hint)

    def _describe(self, doc: Document) -> None:
        """Record the load in the loads graph: replaced through Update, merged through the graph store."""
        description = doc.description()
        if self._use_update:
            forget = "".join(f"DELETE WHERE {{ GRAPH {LOADS_GRAPH} {{ {g} {DCTERMS.source} ?d }} }} ;\n" for g in doc.owned)
            self.update(forget + _insert_data(LOADS_GRAPH, description))
        else:
            memory = ox.Store()
            memory.extend(description)
            self._graph_store("POST", LOADS_GRAPH, memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=LOADS_GRAPH))

    def update(self, text: str) -> None:
        """Send one SPARQL Update request (``application/sparql-update``)."""
        response = self.session.request("POST", self.endpoint.update, text.encode("utf-8"),
                                        {"Content-Type": "application/sparql-update"}, write=True)  # fmt: skip
        if response.status >= 300:
            raise http_error(self.endpoint.update, response.status, "", first_lines(response.body))


#: What servers say when a request is too large for them (Virtuoso answers 400 with SP030/SP031).
_TOO_LARGE = re.compile(r"(?i)memory exhausted|\bSP03[01]\b|too (?:large|long|big)|exceed")


def _insert_data(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """``INSERT DATA`` text from terms pyoxigraph wrote in N-Triples syntax (valid SPARQL), never from raw user text."""
    lines = "\n".join(f"  {q.subject} {q.predicate} {q.object} ." for q in quads)
    return f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}"


def upload(url: str, documents: list[Document], *, update: str | None = None, graph_store: str | None = None,
           progress: bool | None = None, chunk: int | None = None) -> list[Uploaded]:
    """Upload prepared documents to the SPARQL service at ``url``."""
    return Uploader(Endpoint.from_url(url, update, graph_store), chunk=chunk).upload(documents, progress=progress)


# -- querying ------------------------------------------------------------------------


def triple_count(url: str) -> int:
    """Triples in all named graphs of the service, for checks and ``load``'s report."""
    rows = select(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


def select(url: str, query: str) -> list[dict[str, str]]:
    """Run a SELECT at the service's query URL (a server root means its /query); rows as {variable: value}."""
    result = select_json(Endpoint.from_url(url).query, query)
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


def select_json(url: str, query: str, *, session: Session | None = None, timeout: float = TIMEOUT) -> dict:
    """A SELECT's complete answer in the SPARQL 1.1 JSON results form.

    A server that cuts answers at a row limit and says so (Virtuoso's
    ``X-SPARQL-MaxRows`` header, sent with ``ResultSetMaxRows`` rows) is asked
    again page by page: the query's own ``ORDER BY`` with every result variable
    added as a tie-breaker (so that the order is total), as a sub-select sliced
    by ``LIMIT`` (the server's limit) and ``OFFSET`` (the rows already read),
    until a page comes back short. A query that cannot be paged (no final
    ``ORDER BY``) fails; a partial answer is never returned.
    """
    check_url(url)
    session = session or Session(url, timeout=timeout)
    data, limit = _select_once(session, url, query)
    rows = data["results"]["bindings"]
    if limit is None or len(rows) < limit:
        return data
    variables = list(data["head"].get("vars", []))
    pages = _pager(query, variables)
    if pages is None:
        raise EndpointError(
            f"{_service(url)}: the server cut the answer at {limit:,} rows (X-SPARQL-MaxRows) and this query cannot be read "
            "page by page (it needs a final ORDER BY); raise the server's limit (Virtuoso: ResultSetMaxRows in virtuoso.ini)"
        )
    start, cap = pages.offset, pages.limit
    complete: list[dict] = []
    while cap is None or len(complete) < cap:
        size = limit if cap is None else min(limit, cap - len(complete))
        page, _ = _select_once(session, url, pages.text(start + len(complete), size))
        bindings = page["results"]["bindings"]
        complete.extend(bindings)
        if len(bindings) < size:
            break
    return {"head": data["head"], "results": {"bindings": complete}}


def _select_once(session: Session, url: str, query: str) -> tuple[dict, int | None]:
    """One POST of the query; the JSON answer and the row limit the server announced (or None)."""
    from urllib.parse import urlencode

    body = urlencode({"query": query}).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    response = session.request("POST", url, body, headers, write=False)
    if response.status >= 400:
        raise http_error(url, response.status, "", first_lines(response.body))
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EndpointError(f"{_service(url)}: the answer is not SPARQL JSON results ({first_lines(response.body, 1, 120)})") from None
    if not isinstance(data, dict) or "head" not in data or "results" not in data:
        raise EndpointError(f"{_service(url)}: the answer is not a SPARQL SELECT result")
    state = response.headers.get("X-SQL-State")
    if state:  # Virtuoso's "anytime query": stopped at MaxQueryExecutionTime, the rows found so far
        message = response.headers.get("X-SQL-Message") or ""
        raise EndpointError(
            f"{_service(url)}: the server stopped the query at its time limit and answered in part "
            f"(X-SQL-State {state}{': ' + message if message else ''}); raise MaxQueryExecutionTime in virtuoso.ini"
        )
    announced = response.headers.get("X-SPARQL-MaxRows")
    return data, int(announced) if announced and announced.strip().isdigit() else None


@dataclass(frozen=True)
class _Pages:
    prologue: str  # PREFIX/BASE lines (and the header comments)
    select: str  # the SELECT … WHERE { … } with any GROUP BY/HAVING, without its ORDER BY/LIMIT/OFFSET
    order: str
    offset: int
    limit: int | None

    def text(self, offset: int, size: int) -> str:
        """One page: the ordered query as a sub-select, the slice outside it.

        (Virtuoso refuses ``ORDER BY … LIMIT n OFFSET k`` once n + k passes its
        ``MaxSortedTopRows``, 10,000: ``SR353``; a sorted sub-select sliced outside is
        its documented way, and keeps the order. No key twice and no ``OFFSET 0``:
        Virtuoso 7.2.5 crashed on ``ORDER BY … ?indicator … ?indicator … LIMIT 1000 OFFSET 0``.)
        """
        inner = f"{self.select}\nORDER BY {self.order}"
        return f"{self.prologue}SELECT * WHERE {{\n{{\n{inner}\n}}\n}}\nLIMIT {size}\n" + (f"OFFSET {offset}\n" if offset else "")


_TAIL = re.compile(
    r"^(?P<pre>.*?)(?:\bORDER\s+BY\s+(?P<order>.*?))?"
    r"(?P<mods>(?:\s*\b(?:LIMIT|OFFSET)\s+\d+)*)\s*$",
    re.S | re.I,
)


def _pager(query: str, variables: list[str]) -> _Pages | None:
    """How to read the query page by page; None when its end cannot be rewritten safely."""
    brace = query.rfind("}")
    if brace < 0 or not variables:
        return None
    tail = "\n".join(line for line in query[brace + 1 :].splitlines() if not line.strip().startswith("#"))
    if any(c in tail for c in '{}"\'<#'):
        return None
    m = _TAIL.match(tail)
    if not m or not m["order"]:
        return None
    mods = dict((k.upper(), int(v)) for k, v in re.findall(r"(?i)\b(LIMIT|OFFSET)\s+(\d+)", m["mods"] or ""))
    order = " ".join(m["order"].split())
    order = " ".join([order] + [f"?{v}" for v in variables if not re.search(rf"[?$]{re.escape(v)}\b", order)])
    form = re.search(r"(?im)^[ \t]*SELECT\b", query)
    if form is None or form.start() > brace:
        return None
    select = query[form.start() : brace + 1] + m["pre"].rstrip()
    return _Pages(query[: form.start()], select, order, mods.get("OFFSET", 0), mods.get("LIMIT"))
