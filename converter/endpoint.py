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
import http.client
import os
import re
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from pyoxigraph import NamedNode, Quad
from SPARQLWrapper import SPARQLWrapper

from .progress import Progress
from .documents import Document
from .store import LOADS_GRAPH
from .vocab import DCTERMS

ENV_USER = "PERFKG_ENDPOINT_USER"
ENV_PASSWORD = "PERFKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "PERFKG_ENDPOINT_TOKEN"

#: Triples per SPARQL Update request when falling back from the Graph Store Protocol.
CHUNK = 20_000
#: Seconds to wait for a server's answer (an upload of a large graph takes a while).
TIMEOUT = 300

_NO_PROTOCOL = {404, 405, 406, 415, 501}


class EndpointError(ValueError):
    """The server cannot be reached or refused the request; one line for the user."""


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
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise EndpointError(f"{url}: not an http(s) URL of a SPARQL endpoint")
        root = f"{parts.scheme}://{parts.netloc}"
        path = parts.path.rstrip("/")
        if not path:  # a server root: Oxigraph's layout
            query, upd, stores = f"{root}/query", f"{root}/update", [f"{root}/store"]
        elif re.search(r"/repositories/[^/]+$", path):
            query, upd, stores = url, f"{root}{path}/statements", [f"{root}{path}/rdf-graphs/service"]
        else:
            parent = path.rsplit("/", 1)[0]
            query, upd = url, f"{root}{parent}/update"
            stores = [f"{root}{parent}/store", f"{root}{parent}/data"]
        if graph_store == "none":  # a server without the Graph Store Protocol (QLever): SPARQL Update only
            return cls(query, update or upd, ())
        return cls(query, update or upd, (graph_store,) if graph_store else tuple(stores))


def auth_header() -> dict[str, str]:
    """The Authorization header from the environment, or none."""
    token = os.environ.get(ENV_TOKEN)
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = os.environ.get(ENV_USER)
    if user is not None:
        secret = f"{user}:{os.environ.get(ENV_PASSWORD, '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(secret).decode("ascii")}
    return {}


def sparql_wrapper(url: str) -> SPARQLWrapper:
    """A SPARQLWrapper for the query URL with the environment's credentials."""
    endpoint = Endpoint.from_url(url)
    wrapper = SPARQLWrapper(endpoint.query, updateEndpoint=endpoint.update)
    for name, value in auth_header().items():
        wrapper.addCustomHttpHeader(name, value)
    return wrapper


# -- HTTP --------------------------------------------------------------------------


def _request(method: str, url: str, body: bytes | None, content_type: str | None) -> int:
    """Send one request; return the HTTP status, raising :class:`EndpointError` on anything a user must fix."""
    headers = {"Content-Type": content_type, **auth_header()} if content_type else auth_header()
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    url = url.split("?", 1)[0]  # messages name the service, not the graph parameter
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as err:
        if err.code in _NO_PROTOCOL:
            return err.code
        raise http_error(url, err.code, err.reason, _first_line(err.read())) from None
    except urllib.error.URLError as err:
        raise connection_error(url, err.reason) from None
    except (TimeoutError, socket.timeout):
        raise EndpointError(f"{url}: no answer within {TIMEOUT} s") from None
    except (ConnectionError, http.client.HTTPException) as err:
        raise EndpointError(f"{url}: the connection failed ({err})") from None


def http_error(url: str, code: int, reason: str, detail: str = "") -> EndpointError:
    """One line for an HTTP error status."""
    if code in (401, 403):
        return EndpointError(
            f"{url}: authentication refused (HTTP {code}); set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}, "
            "in the environment"
        )
    if code == 404:
        return EndpointError(f"{url}: not found (HTTP 404); is this the SPARQL endpoint's URL?")
    more = f": {detail}" if detail else ""
    return EndpointError(f"{url}: the server answered HTTP {code} {reason}{more}")


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


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0][:200] if text else ""


# -- uploading ---------------------------------------------------------------------


@dataclass
class Uploaded:
    """What one graph upload did: the graph, its triple count and the method used."""

    graph: str
    triples: int
    method: str  # "PUT", "POST" (graph store) or "UPDATE"


class Uploader:
    """Uploads documents to one endpoint, choosing the protocol on the first graph."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._store: str | None = None  # the graph-store URL that worked
        self._candidates = list(endpoint.graph_stores)
        self._use_update = not self._candidates

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
        pipe; a tiny request first gets the real answer (401, 404, refused).
        """
        status = _request("GET", f"{self.endpoint.query}?query={quote('ASK {}')}", None, None)
        if status in _NO_PROTOCOL:
            raise http_error(self.endpoint.query, status, "")

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
            status = _request(method, target, body, "application/n-triples")
            if status not in _NO_PROTOCOL:
                self._store = url
                return True
        self._use_update = True
        return False

    def _update_graph(self, graph: NamedNode, quads: list[Quad], replace: bool) -> None:
        """SPARQL Update: one request for a small graph; chunks into a staging graph, then MOVE."""
        if len(quads) <= CHUNK or not replace:
            for start in range(0, max(len(quads), 1), CHUNK):
                chunk = quads[start : start + CHUNK]
                drop = f"DROP SILENT GRAPH {graph} ;\n" if replace and start == 0 else ""
                self.update(drop + _insert_data(graph, chunk))
            return
        staging = NamedNode(f"urn:perfkg:staging:{uuid.uuid4()}")
        self.update(f"DROP SILENT GRAPH {staging}")
        for start in range(0, len(quads), CHUNK):
            self.update(_insert_data(staging, quads[start : start + CHUNK]))
        self.update(f"MOVE {staging} TO {graph}")

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
        status = _request("POST", self.endpoint.update, text.encode("utf-8"), "application/sparql-update")
        if status in _NO_PROTOCOL:
            raise http_error(self.endpoint.update, status, "", "")


def _insert_data(graph: NamedNode, quads: Iterable[Quad]) -> str:
    """``INSERT DATA`` text from terms pyoxigraph wrote in N-Triples syntax (valid SPARQL), never from raw user text."""
    lines = "\n".join(f"  {q.subject} {q.predicate} {q.object} ." for q in quads)
    return f"INSERT DATA {{ GRAPH {graph} {{\n{lines}\n}} }}"


def upload(url: str, documents: list[Document], *, update: str | None = None, graph_store: str | None = None,
           progress: bool | None = None) -> list[Uploaded]:
    """Upload prepared documents to the SPARQL service at ``url``."""
    return Uploader(Endpoint.from_url(url, update, graph_store)).upload(documents, progress=progress)


def triple_count(url: str) -> int:
    """Triples in all named graphs of the service (through SPARQLWrapper), for checks and ``load``'s report."""
    rows = select(url, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


def select(url: str, query: str) -> list[dict[str, str]]:
    """Run a SELECT through SPARQLWrapper; rows as {variable: value}, errors as :class:`EndpointError`."""
    from SPARQLWrapper import JSON

    wrapper = sparql_wrapper(url)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    result = _wrapped(wrapper)
    return [{k: v["value"] for k, v in row.items()} for row in result["results"]["bindings"]]


def _wrapped(wrapper: SPARQLWrapper) -> dict:
    """Call SPARQLWrapper, turning its exceptions into one-line :class:`EndpointError`."""
    from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, SPARQLWrapperException, Unauthorized

    url = wrapper.endpoint
    try:
        return wrapper.queryAndConvert()
    except Unauthorized:
        raise http_error(url, 401, "") from None
    except EndPointNotFound:
        raise http_error(url, 404, "") from None
    except SPARQLWrapperException as err:
        raise EndpointError(f"{url}: {str(err).splitlines()[0]}") from None
    except urllib.error.HTTPError as err:
        raise http_error(url, err.code, err.reason) from None
    except urllib.error.URLError as err:
        raise connection_error(url, err.reason) from None
