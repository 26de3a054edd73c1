"""Validate a perfkg graph against the SHACL shapes and explain the results.

The shapes (``shapes/*.ttl``) are the contract of the graph. Two engines run
them and must agree (``tests/test_validate.py`` checks it):

* ``shacl-rust`` (default): a Rust engine; ≈ 0.2 s on the bundled table.
* ``pyshacl``: the reference Python engine, with the ontology as its ontology
  graph; ≈ 50 s on the same table (rdflib evaluates each SPARQL constraint once
  per focus node), so it is kept behind ``--engine pyshacl``.
  ``benchmarks/VALIDATION.md`` has the figures.

Both engines see the same input: the union of all named graphs of the data,
plus the ontology and the concept schemes (pyshacl mixes its ontology graph
into the data; shacl-rust gets the same triples appended, so they agree).
Results come back as :class:`Result` records whatever the engine, each focus
node named by its ``rdfs:label`` and ``pk:sourceLine`` (or those of the row it
belongs to), so a person can open the source table at that line.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import RDF as R_RDF
from rdflib.namespace import RDFS as R_RDFS
from rdflib.namespace import SH

from . import assets
from .vocab import PK, PK_NS, PREFIXES, RDFS

ENGINES = ("shacl-rust", "pyshacl")
DEFAULT_ENGINE = "shacl-rust"
SEVERITIES = ("Violation", "Warning", "Info")
FAIL_LEVELS = {"violation": ("Violation",), "warning": ("Violation", "Warning")}
SHAPES_NS = "https://w3id.org/perfkg/shapes#"

#: Properties that lead from a node without a source line to the row it belongs to.
_UP = (PK.funding, PK.indicator, PK.periodTarget, PK.annualTarget, PK.target, PK.anomaly)


class ValidationError(ValueError):
    """The graph cannot be validated (empty, or an engine failed on it)."""


@dataclass(frozen=True)
class Result:
    """One validation result, engine-independent.

    ``focus`` is the IRI (or blank-node label) of the focus node; ``shape`` the
    IRI of the shape that fired; ``severity`` one of :data:`SEVERITIES`;
    ``messages`` the ``(text, language)`` pairs of its ``sh:resultMessage``.
    ``label`` and ``line`` name the focus node for a person.
    """

    focus: str
    severity: str
    shape: str
    component: str
    path: str | None = None
    value: str | None = None  # N-Triples form of the value node
    messages: tuple[tuple[str, str | None], ...] = ()
    label: str | None = None
    line: int | None = None

    def key(self) -> tuple[str, str, str, str]:
        """What two engines must agree on."""
        return (self.focus, self.shape, self.severity, self.component)


@dataclass
class Report:
    """All results of one validation run."""

    engine: str
    results: list[Result] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter(r.severity for r in self.results)
        return {s: found.get(s, 0) for s in SEVERITIES}

    def conforms(self, fail_on: str = "violation") -> bool:
        """True when no result is at or above the level (``violation`` or ``warning``)."""
        failing = FAIL_LEVELS[fail_on]
        return not any(r.severity in failing for r in self.results)


# -- inputs -------------------------------------------------------------------


def shape_names() -> tuple[str, ...]:
    """Every shape file of the installation (``shapes/*.ttl``), sorted."""
    return tuple(assets.list_assets("shapes", ".ttl"))


@lru_cache(maxsize=8)
def shapes_graph(names: tuple[str, ...] | None = None) -> rdflib.Graph:
    """The shape files (default: all) in one rdflib graph."""
    graph = rdflib.Graph()
    for name in names or shape_names():
        graph.parse(data=assets.read_text("shapes", name), format="turtle")
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> rdflib.Graph:
    """The ontology and its concept schemes: pyshacl's ontology graph."""
    graph = rdflib.Graph()
    for name in ("perfkg.ttl", "schemes.ttl"):
        graph.parse(data=assets.read_text("ontology", name), format="turtle")
    return graph


@lru_cache(maxsize=1)
def _ontology_triples() -> tuple[ox.Triple, ...]:
    triples: list[ox.Triple] = []
    for name in ("perfkg.ttl", "schemes.ttl"):
        triples.extend(q.triple for q in ox.parse(assets.read_text("ontology", name), format=ox.RdfFormat.TURTLE))
    return tuple(triples)


def data_ntriples(store: ox.Store, *, ontology: bool = False) -> bytes:
    """The union of all graphs of the store as N-Triples (what both engines read).

    ``ontology`` appends the ontology and schemes (what pyshacl's ``ont_graph``
    adds), so shacl-rust sees the same triples.
    """
    triples = (q.triple for q in store)
    if ontology:
        triples = itertools.chain(triples, _ontology_triples())
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


# -- running ------------------------------------------------------------------


def validate(store: ox.Store, engine: str = DEFAULT_ENGINE, shapes: tuple[str, ...] | None = None) -> Report:
    """Validate every graph of the store against the shapes; name the focus nodes.

    ``shapes`` names shape files (``("core.ttl",)``); default all of ``shapes/``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if len(store) == 0:
        raise ValidationError("the graph is empty: nothing to validate")
    names = tuple(shapes) if shapes else shape_names()
    if engine == "pyshacl":
        results = _run_pyshacl(data_ntriples(store), names)
    else:
        results = _run_shacl_rust(data_ntriples(store, ontology=True), names)
    return Report(engine, sorted((_locate(store, r) for r in results), key=_order))


def _run_pyshacl(data: bytes, names: tuple[str, ...]) -> list[Result]:
    import pyshacl

    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    # inplace: the data graph is ours, so pyshacl may add the ontology to it
    # instead of copying 24 k triples first (FINDINGS: the copy is slow).
    _, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(names), ont_graph=ontology_graph(), advanced=True, inplace=True
    )
    return [_from_pyshacl(report, node) for node in report.subjects(R_RDF.type, SH.ValidationResult)]


def _from_pyshacl(report: rdflib.Graph, node: rdflib.term.Node) -> Result:
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    return Result(
        focus=_term_id(report.value(node, SH.focusNode)),
        severity=_local(report.value(node, SH.resultSeverity)),
        shape=_term_id(report.value(node, SH.sourceShape)),
        component=_local(report.value(node, SH.sourceConstraintComponent)),
        path=_path_text(report, path) if path is not None else None,
        value=value.n3() if value is not None else None,
        messages=_tag_messages(_term_id(report.value(node, SH.sourceShape)), map(str, report.objects(node, SH.resultMessage))),
    )


def _run_shacl_rust(data: bytes, names: tuple[str, ...]) -> list[Result]:
    try:
        import shacl_rust
    except ImportError as err:  # pragma: no cover - a dependency; only a broken install lacks it
        raise ValidationError("the shacl-rust engine is not installed (pip install shacl-rust), or use --engine pyshacl") from err
    shapes = "\n".join(assets.read_text("shapes", n) for n in names).encode("utf-8")
    try:
        # streamed from the bytes: no decoded copy of a graph that may be 100s of MB
        report = shacl_rust.validate_file(
            io.BytesIO(data), io.BytesIO(shapes), data_format="nt", shapes_format="turtle", experimental_index=True
        )
    except Exception as err:  # the binding raises plain exceptions with the engine's text
        raise ValidationError(f"shacl-rust failed: {err}") from err
    return [_from_shacl_rust(item) for item in report["results"]]


def _from_shacl_rust(item: dict) -> Result:
    shape = item["sourceShape"].strip("<>")
    return Result(
        focus=item["focusNode"].strip("<>"),
        severity=_local(item["severity"].strip("<>")),
        shape=shape,
        component=_local(item["sourceConstraintComponent"].strip("<>")),
        path=item.get("resultPath"),
        value=item.get("value"),
        messages=_tag_messages(shape, item.get("messages", [])),
    )


def _tag_messages(shape: str, texts: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
    """The shape's messages as ``(text, language)``, values written as plain text.

    Neither engine keeps the language of a message whose ``{?var}`` it filled
    in, shacl-rust writes the values in N-Triples form (``"0.01"^^<…#decimal>``)
    and adds its own English text ("Property has 0 values (min: 1)"). So each
    message is matched against the shape's ``sh:message`` templates: a match
    gets the template's language and its values as plain lexical forms; texts
    that match no template are dropped when the shape has templates.
    """
    templates = _message_templates(shape)
    if not templates:
        return tuple(sorted((t, None) for t in texts))
    tagged = set()
    for text in texts:
        for parts, pattern, language in templates:
            match = pattern.fullmatch(text)
            if match:
                values = [_display(v) for v in match.groups()] + [""]
                tagged.add(("".join(p + v for p, v in zip(parts, values)), language))
                break
    return tuple(sorted(tagged))


@lru_cache(maxsize=None)
def _message_templates(shape: str) -> tuple[tuple[tuple[str, ...], re.Pattern[str], str | None], ...]:
    graph = shapes_graph()
    node = rdflib.URIRef(shape) if not shape.startswith("_:") else rdflib.BNode(shape[2:])
    found = list(graph.objects(node, SH.message))
    for constraint in graph.objects(node, SH.sparql):
        found.extend(graph.objects(constraint, SH.message))
    templates = []
    for message in found:
        parts = tuple(re.split(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}", str(message)))
        pattern = re.compile("(?s)" + "(.*?)".join(re.escape(p) for p in parts))
        templates.append((parts, pattern, message.language))
    return tuple(templates)


# -- naming focus nodes --------------------------------------------------------


def _locate(store: ox.Store, result: Result) -> Result:
    """Add the label and source line of the focus node, or of the row above it."""
    label, line = describe(store, result.focus)
    return replace(result, label=label, line=line)


def describe(store: ox.Store, iri: str, depth: int = 4) -> tuple[str | None, int | None]:
    """(label, source line) of a node; nodes without a line borrow their parent row's.

    Funding amounts, indicators, targets and anomalies have no ``pk:sourceLine``
    of their own (anomalies do): the row that holds them has.
    """
    if iri.startswith("_:"):
        return None, None
    node = ox.NamedNode(iri)
    label = _first(store, node, RDFS.label)
    text = _first(store, node, PK.sourceLine)
    line = int(text) if text is not None and text.isdigit() else None
    if line is None and depth > 0:
        for up in _UP:
            parent = next(store.quads_for_pattern(None, up, node), None)
            if parent is not None:
                parent_label, line = describe(store, parent.subject.value, depth - 1)
                label = label or parent_label
                break
    return label, line


def _first(store: ox.Store, node: ox.NamedNode, predicate: ox.NamedNode) -> str | None:
    values = sorted(
        (q.object for q in store.quads_for_pattern(node, predicate, None)),
        key=lambda o: (getattr(o, "language", None) != "zh", str(o)),
    )
    return str(values[0].value) if values else None


# -- presenting -----------------------------------------------------------------


def _order(result: Result) -> tuple:
    return (SEVERITIES.index(result.severity), result.shape, result.component, result.line or 0, result.focus)


def _groups(results: Iterable[Result]) -> Iterator[tuple[tuple[str, str, str, str | None], list[Result]]]:
    groups: dict[tuple[str, str, str, str | None], list[Result]] = {}
    for r in results:
        groups.setdefault((r.severity, r.shape, r.component, r.path), []).append(r)
    yield from groups.items()


def short(iri: str) -> str:
    """An IRI in prefixed form where a known prefix fits (``pks:ProjectShape``)."""
    for prefix, ns in (("pks", SHAPES_NS), *PREFIXES.items()):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _short_path(path: str) -> str:
    return re.sub(r"<([^>]+)>", lambda m: short(m.group(1)), path)


def _where(result: Result) -> str:
    line = f"line {result.line}" if result.line is not None else "no line"
    return f"{line} · {result.label or short(result.focus)}"


def _message_text(messages: tuple[tuple[str, str | None], ...]) -> str:
    ordered = sorted(messages, key=lambda m: {"zh": 0, "en": 1}.get(m[1] or "", 2))
    return " / ".join(text for text, _ in ordered)


def as_text(report: Report, fail_on: str = "violation", limit: int = 20) -> str:
    """The report for a person: results grouped by constraint, then counts per severity.

    ``limit`` caps the focus nodes listed per group (0: no cap).
    """
    out = [f"perfkg validate ({report.engine}): {len(report.results)} result(s)"]
    for (severity, shape, component, path), results in _groups(report.results):
        on = f" on {_short_path(path)}" if path else ""
        out.append("")
        out.append(f"[{severity}] {short(shape)} ({component}{on}) — {len(results)} result(s)")
        common = {r.messages for r in results}
        if len(common) == 1:
            out.append(f"  {_message_text(results[0].messages)}")
        shown = results if limit <= 0 else results[:limit]
        for r in shown:
            detail = "" if len(common) == 1 else f": {_message_text(r.messages)}"
            value = f" [value {_display(r.value)}]" if r.value and r.value.strip("<>") != r.focus else ""
            out.append(f"  - {_where(r)}{value}{detail}")
        if len(shown) < len(results):
            out.append(f"  … and {len(results) - len(shown)} more (--limit 0 lists all)")
    counts = report.counts()
    verdict = "conforms" if report.conforms(fail_on) else "does NOT conform"
    out.append("")
    out.append(
        f"violations: {counts['Violation']}, warnings: {counts['Warning']}, infos: {counts['Info']} — "
        f"{verdict} (--fail-on {fail_on})"
    )
    return "\n".join(out) + "\n"


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\", "b": "\b", "f": "\f"}


def _display(term: str) -> str:
    """A term in N-Triples form as a person reads it: a literal's text, an IRI without brackets."""
    match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:\^\^<[^>]+>|@[A-Za-z-]+)?', term)
    if not match:
        return term.strip("<>")
    return re.sub(
        r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] in "uU" and len(m.group(1)) > 1 else _ESCAPES.get(m.group(1), m.group(1)),
        match.group(1),
    )


def as_json(report: Report, fail_on: str = "violation") -> str:
    """The report as JSON: engine, verdict, counts and every result with its label and line."""
    results = []
    for r in report.results:
        item = asdict(r)
        item["messages"] = [{"text": t, "lang": lang} for t, lang in r.messages]
        results.append(item)
    body = {
        "engine": report.engine,
        "failOn": fail_on,
        "conforms": report.conforms(fail_on),
        "counts": report.counts(),
        "results": results,
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def as_graph(report: Report, fail_on: str = "violation") -> rdflib.Graph:
    """The report as a SHACL validation report graph, focus nodes with their label and line."""
    g = rdflib.Graph()
    g.bind("sh", SH)
    g.bind("pks", SHAPES_NS)
    g.bind("pk", PK_NS)
    root = rdflib.BNode("report")
    g.add((root, R_RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, rdflib.Literal(report.conforms(fail_on))))
    for index, r in enumerate(report.results, start=1):
        node = rdflib.BNode(f"r{index}")
        focus = _node(r.focus)
        g.add((root, SH.result, node))
        g.add((node, R_RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, focus))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        g.add((node, SH.sourceShape, _node(r.shape)))
        g.add((node, SH.sourceConstraintComponent, SH[r.component]))
        if r.path and r.path.startswith("<") and r.path.endswith(">"):
            g.add((node, SH.resultPath, rdflib.URIRef(r.path[1:-1])))
        for text, language in r.messages:
            g.add((node, SH.resultMessage, rdflib.Literal(text, lang=language)))
        if r.label:
            g.add((focus, R_RDFS.label, rdflib.Literal(r.label, lang="zh")))
        if r.line is not None:
            g.add((focus, rdflib.URIRef(PK_NS + "sourceLine"), rdflib.Literal(r.line)))
    return g


def as_turtle(report: Report, fail_on: str = "violation") -> str:
    return as_graph(report, fail_on).serialize(format="turtle")


# -- helpers ---------------------------------------------------------------------


def _local(iri: object) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term_id(term: rdflib.term.Node | None) -> str:
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def _node(term: str) -> rdflib.term.Node:
    return rdflib.BNode(term[2:]) if term.startswith("_:") else rdflib.URIRef(term)


def _path_text(graph: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A result path as shacl-rust writes it: ``<iri>`` or ``^<iri>``."""
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    inverse = graph.value(path, SH.inversePath)
    if isinstance(inverse, rdflib.URIRef):
        return f"^<{inverse}>"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = rdflib.collection.Collection(graph, alternatives)
        return "(" + " | ".join(_path_text(graph, m) for m in members) + ")"
    return "(complex path)"
