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

import hashlib
import io
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import RDF as R_RDF
from rdflib.namespace import RDFS as R_RDFS
from rdflib.namespace import SH

from . import assets
from .lines import BLOCK, blocks
from .progress import CountingReader, Progress
from .vocab import PK, PK_NS, PREFIXES, RDF, RDFS

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
    ``label`` and ``line`` name the focus node for a person; ``table`` the
    table it belongs to, so a line number is unambiguous in a many-table input.
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
    table: str | None = None  # IRI of the table the focus node belongs to (its row's pk:inTable)
    location: str | None = None  # pk:sourceLocation of a grid source (Sheet1!B7), when it has no line

    def key(self) -> tuple[str, str, str, str]:
        """What two engines must agree on."""
        return (self.focus, self.shape, self.severity, self.component)


@dataclass
class Report:
    """All results of one validation run."""

    engine: str
    results: list[Result] = field(default_factory=list)
    #: The table graphs validated one at a time that stand apart: none names another's resources or a shared
    #: resource only other tables describe, no two describe one differently. Empty when some do, and for a
    #: validation of the union. :mod:`converter.per_table` asks such tables' questions one table at a time.
    apart: tuple[str, ...] = ()

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


def shapes_graph(names: tuple[str, ...] | None = None) -> rdflib.Graph:
    """The shape files (default: all) in one rdflib graph (parsed once: all of them named or not, one graph)."""
    return _parsed_shapes(tuple(names) if names else shape_names())


@lru_cache(maxsize=8)
def _parsed_shapes(names: tuple[str, ...]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
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
    return Report(engine, _sorted(_check(store, engine, names)))


def _check(
    store: ox.Store, engine: str, names: tuple[str, ...], part: str = "all", data: bytes | None = None
) -> list[Result]:
    """Run one engine on the union of the store's graphs; name the focus nodes.

    ``part`` picks the shapes whose targets are kept: ``all``, or (table by
    table) ``local`` / ``global`` (see :func:`split_shapes`). ``data``: the
    store's triples and the ontology as N-Triples already (repeats allowed:
    the engine reads a set), for shacl-rust.
    """
    if engine == "pyshacl":
        results = _run_pyshacl(data_ntriples(store), _shapes_part(names, part))
    else:
        # The SHACL-SPARQL constraints run set-based in pyoxigraph (below);
        # shacl-rust gets the other shapes: the same results, ≈ 5× cheaper.
        text, checks = _without_sparql(names, part)
        results = _run_shacl_rust(data if data is not None else data_ntriples(store, ontology=True), text, "nt")
        results += _run_sparql(_triples_store(store), checks)
    return [_locate(store, r) for r in results]


def _sorted(results: Iterable[Result]) -> list[Result]:
    """Results without repeats, in report order (both paths, whole and table by table, use it)."""
    return sorted(set(results), key=_order)


def _run_pyshacl(data: bytes, shapes: rdflib.Graph) -> list[Result]:
    import pyshacl

    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    # inplace: the data graph is ours, so pyshacl may add the ontology to it
    # instead of copying 24 k triples first (FINDINGS: the copy is slow).
    _, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes, ont_graph=ontology_graph(), advanced=True, inplace=True
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


def _run_shacl_rust(data: bytes, shapes: bytes, shapes_format: str) -> list[Result]:
    try:
        import shacl_rust
    except ImportError as err:  # pragma: no cover - a dependency; only a broken install lacks it
        raise ValidationError("the shacl-rust engine is not installed (pip install shacl-rust), or use --engine pyshacl") from err
    try:
        # streamed from the bytes: no decoded copy of a graph that may be 100s of MB
        report = shacl_rust.validate_file(
            io.BytesIO(data), io.BytesIO(shapes), data_format="nt", shapes_format=shapes_format, experimental_index=True
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



# -- SHACL-SPARQL constraints, set-based (issue 15) ------------------------------
#
# shacl-rust evaluates a SPARQL constraint once per focus node, with $this
# pre-bound: on one table the 13 SPARQL constraints were 84 % of its time.
# Each of them binds $this in a required triple pattern of every solution
# (and groups by $this when it aggregates), so pre-binding $this to each focus
# node gives the solutions of the whole query whose ?this is a focus node: one
# query per constraint, its solutions kept when ?this is an instance of a
# target class (or of a subclass in the ontology). A constraint this reading
# might not fit (sub-selects, MINUS, SERVICE, VALUES, the $PATH / $value /
# $currentShape / $shapesGraph variables, an aggregate not grouped by $this,
# targets other than sh:targetClass) stays with the engine. Tests compare the
# two ways on the bundled table and multi-table inputs (tests/test_validate.py).


@dataclass(frozen=True)
class _SparqlCheck:
    """One SPARQL constraint of a node shape, as a query over the whole graph."""

    shape: str
    severity: str
    query: str
    templates: tuple[tuple[tuple[str, ...], tuple[str, ...], str | None], ...]  # (texts, variables, language)


_UNFIT = re.compile(r"\b(MINUS|SERVICE|VALUES)\b|[$?](PATH|value|currentShape|shapesGraph)\b", re.I)
_AGGREGATE = re.compile(r"\b(GROUP\s+BY|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b", re.I)
_THIS_GROUP = re.compile(r"\bGROUP\s+BY\s+(?:[?$]\w+\s+)*?[?$]this\b", re.I)


def _fits(select: str) -> bool:
    if _UNFIT.search(select) or len(re.findall(r"\bSELECT\b", select, re.I)) != 1:
        return False
    return not _AGGREGATE.search(select) or bool(_THIS_GROUP.search(select))


@lru_cache(maxsize=16)
def _without_sparql(names: tuple[str, ...], part: str) -> tuple[bytes, tuple[_SparqlCheck, ...]]:
    """The ``part``'s shapes for shacl-rust (N-Triples) without the constraints run here, and those constraints."""
    full = _shapes_part(names, part)
    graph = rdflib.Graph()
    for triple in full:
        graph.add(triple)
    checks = []
    targeted = {s for s in full.subjects(SH.targetClass, None)}
    for shape, constraint in sorted(full.subject_objects(SH.sparql)):
        select = full.value(constraint, SH.select)
        other_targets = any(full.value(shape, t) is not None for t in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf))
        if (
            not isinstance(shape, rdflib.URIRef) or select is None or other_targets
            or (shape, R_RDF.type, R_RDFS.Class) in full or full.value(shape, SH.path) is not None
            or full.value(constraint, SH.deactivated) is not None or full.value(shape, SH.deactivated) is not None
            or not _fits(str(select))
        ):
            continue
        graph.remove((shape, SH.sparql, constraint))
        if shape not in targeted:
            continue  # switched off in this part
        classes = sorted(_subclasses(str(c)) for c in full.objects(shape, SH.targetClass))
        types = " ".join(sorted({f"<{c}>" for group in classes for c in group}))
        prefixes = "".join(
            f"PREFIX {full.value(d, SH.prefix)}: <{full.value(d, SH.namespace)}>\n"
            for node in full.objects(constraint, SH.prefixes) for d in full.objects(node, SH.declare)
        )
        query = (
            f"{prefixes}SELECT * WHERE {{\n{{ {select} }}\n"
            f"FILTER EXISTS {{ ?this <{R_RDF.type}> ?perfkgTargetClass . VALUES ?perfkgTargetClass {{ {types} }} }}\n}}"
        )
        messages = list(full.objects(constraint, SH.message)) or list(full.objects(shape, SH.message))
        templates = []
        for message in sorted(messages, key=str):
            pieces = re.split(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", str(message))
            templates.append((tuple(pieces[0::2]), tuple(pieces[1::2]), message.language))
        severity = _local(full.value(shape, SH.severity) or SH.Violation)
        checks.append(_SparqlCheck(str(shape), severity, query, tuple(templates)))
    return graph.serialize(format="nt", encoding="utf-8"), tuple(checks)


@lru_cache(maxsize=None)
def _subclasses(cls: str) -> tuple[str, ...]:
    """A class and its subclasses in the ontology (a target class reaches them)."""
    return tuple(sorted({str(c) for c in ontology_graph().transitive_subjects(R_RDFS.subClassOf, rdflib.URIRef(cls))}))


def _triples_store(store: ox.Store) -> ox.Store:
    """The union of the store's graphs as one set of triples (what an engine reading N-Triples sees).

    A query over the union of named graphs sees a triple once per graph that
    holds it, and a SUM would count it twice: a store with named graphs is copied.
    """
    if next(iter(store.named_graphs()), None) is None:
        return store
    union = ox.Store()
    union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
    return union


def _run_sparql(store: ox.Store, checks: Iterable[_SparqlCheck]) -> list[Result]:
    results = []
    for check in checks:
        for row in store.query(check.query):
            focus = row["this"]
            if focus is None:
                continue
            messages = set()
            for texts, variables, language in check.templates:
                values = [_plain(row[v]) for v in variables] + [""]
                messages.add(("".join(t + v for t, v in zip(texts, values)), language))
            results.append(Result(
                focus=_plain(focus), severity=check.severity, shape=check.shape,
                component="SPARQLConstraintComponent", messages=tuple(sorted(messages)),
            ))
    return results


def _plain(term: object) -> str:
    """A term as a report writes it: a literal's text, an IRI, ``_:label``."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value

# -- naming focus nodes --------------------------------------------------------


def _locate(store: ox.Store, result: Result) -> Result:
    """Add the label and source line of the focus node, or of the row above it."""
    label, line = describe(store, result.focus)
    location = None if line is not None else location_of(store, result.focus)
    return replace(result, label=label, line=line, table=table_of(store, result.focus), location=location)


def location_of(store: ox.Store, iri: str, depth: int = 4) -> str | None:
    """The ``pk:sourceLocation`` of a node from a form, workbook or PDF (or of the row above it)."""
    if iri.startswith("_:"):
        return None
    node = ox.NamedNode(iri)
    found = _first(store, node, PK.sourceLocation)
    if found is None and depth > 0:
        for up in _UP:
            parent = next(store.quads_for_pattern(None, up, node), None)
            if parent is not None:
                return location_of(store, parent.subject.value, depth - 1)
    return found


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


def table_of(store: ox.Store, iri: str, depth: int = 4) -> str | None:
    """The table a node belongs to: itself if it is one, its row's ``pk:inTable``, else None.

    Organisations and indicator definitions belong to no single table (every
    table that names them describes them): None.
    """
    if iri.startswith("_:"):
        return None
    node = ox.NamedNode(iri)
    if next(store.quads_for_pattern(node, RDF.type, PK.PerformanceGoalsTable), None) is not None:
        return iri
    found = next(store.quads_for_pattern(node, PK.inTable, None), None)
    if found is not None:
        return found.object.value
    if depth > 0:
        for up in _UP:
            parent = next(store.quads_for_pattern(None, up, node), None)
            if parent is not None:
                return table_of(store, parent.subject.value, depth - 1)
    return None


def _first(store: ox.Store, node: ox.NamedNode, predicate: ox.NamedNode) -> str | None:
    values = sorted(
        (q.object for q in store.quads_for_pattern(node, predicate, None)),
        key=lambda o: (getattr(o, "language", None) != "zh", str(o)),
    )
    return str(values[0].value) if values else None


# -- table by table (issue 9) -----------------------------------------------------
#
# The whole union of a province (thousands of tables) does not fit an engine:
# shacl-rust needs ≈ 58 MB per table. Every shape's focus node, and everything
# its constraints reach, lies inside one table's named graph plus the shared
# graphs (concept schemes, places, fiscal years, load records) — except the
# shapes on resources that many tables describe (organisations, indicator
# definitions, the amount unit). So each table is validated alone with the
# shared graphs beside it and the "global" shapes' targets removed; the global
# shapes run once on what the tables say about those shared resources. The
# checks that tell whether that split is exact run as the input streams by
# (docs/validation.md, "Table by table"); when one fails, a second pass
# validates the tables concerned together, so the report always equals the
# whole union's.

#: Classes whose instances several tables describe: their shapes run once, on all tables' descriptions.
SHARED_CLASSES = (PK.BudgetUnit, PK.Department, PK.IndicatorDefinition, PK.AmountUnit)

#: Graphs every table sees: the schemes, the places and fiscal years, the store's load records.
SHARED_GRAPH_NAMES = (
    "https://w3id.org/perfkg/vocabulary", "https://w3id.org/perfkg/reference", "https://w3id.org/perfkg/loads",
)


def split_shapes(names: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """The shapes (IRIs) by where they run: ``local`` (each table) or ``global`` (once).

    A shape is global when it targets a class of :data:`SHARED_CLASSES`; the
    classification docs/validation.md gives is checked against this.
    """
    graph = shapes_graph(names or shape_names())
    shared = {rdflib.URIRef(c.value) for c in SHARED_CLASSES}
    found: dict[str, set[str]] = {"local": set(), "global": set()}
    for shape, cls in graph.subject_objects(SH.targetClass):
        found["global" if cls in shared else "local"].add(str(shape))
    return {part: sorted(iris) for part, iris in found.items()}


@lru_cache(maxsize=8)
def _shapes_part(names: tuple[str, ...], part: str) -> rdflib.Graph:
    """The shapes with only the ``part``'s targets kept (``all`` keeps every target).

    Removing a shape's ``sh:targetClass`` switches it off without touching its
    constraints or messages, so both parts keep every definition.
    """
    full = shapes_graph(names)
    if part == "all":
        return full
    shared = {rdflib.URIRef(c.value) for c in SHARED_CLASSES}
    graph = rdflib.Graph()
    for triple in full:
        graph.add(triple)
    for shape, cls in list(full.subject_objects(SH.targetClass)):
        if (cls in shared) != (part == "global"):
            graph.remove((shape, SH.targetClass, cls))
    return graph


@lru_cache(maxsize=1)
def _shared_classes() -> frozenset[ox.NamedNode]:
    """:data:`SHARED_CLASSES` and their subclasses in the ontology (target classes include them)."""
    ontology = ontology_graph()
    found = set()
    for cls in SHARED_CLASSES:
        for sub in ontology.transitive_subjects(R_RDFS.subClassOf, rdflib.URIRef(cls.value)):
            found.add(ox.NamedNode(str(sub)))
    return frozenset(found)


@lru_cache(maxsize=8)
def _inverse_predicates(names: tuple[str, ...]) -> frozenset[ox.NamedNode]:
    """Predicates the global shapes follow backwards (``pk:Department`` ← ``dcterms:publisher``)."""
    graph = shapes_graph(names)
    return frozenset(ox.NamedNode(str(p)) for p in graph.objects(None, SH.inversePath) if isinstance(p, rdflib.URIRef))


@dataclass
class TableSource:
    """An input validated table by table: a stream of quads that can be read again.

    ``read()`` yields every quad from the start (a second pass reads again).
    ``is_table`` tells a table's graph from a shared one; None: a graph whose
    first quad is about itself or a resource under it is taken for a table,
    and checked (it holds its own ``pk:PerformanceGoalsTable``).

    The input is read once when it comes in perfkg's order (shared quads a
    table needs before the next table starts: the converter and the store give
    that); otherwise validation notices and starts again with a first pass
    that gathers the shared graphs.
    """

    read: Callable[[], Iterator[ox.Quad]]
    is_table: Callable[[object], bool] | None = None
    #: The same input as runs of N-Quads lines of one graph (see :func:`_graph_runs`), when it is N-Quads files.
    runs: Callable[[], Iterator[tuple[ox.NamedNode, bytes, list[bytes]]]] | None = None


def tables_of_store(store: ox.Store) -> TableSource:
    """A store: its shared graphs first, then each table's graph (complete, in IRI order)."""
    tables = sorted(
        (g for g in store.named_graphs() if next(store.quads_for_pattern(g, RDF.type, PK.PerformanceGoalsTable, g), None)),
        key=lambda g: g.value,
    )
    names = set(tables)

    def read() -> Iterator[ox.Quad]:
        yield from store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        for graph in sorted(store.named_graphs(), key=lambda g: g.value):
            if graph not in names:
                yield from store.quads_for_pattern(None, None, None, graph)
        for graph in tables:
            yield from store.quads_for_pattern(None, None, None, graph)

    return TableSource(read, lambda g: g in names)


def tables_of_files(paths: Iterable[str], base: str | None = None, progress: bool | None = False) -> TableSource:
    """Source tables (converted as they stream) and N-Quads/TriG files, in the order given.

    Source tables come in perfkg's order by construction; an RDF file in
    another order costs a first pass (see :class:`TableSource`). ``progress``:
    a bar per RDF file by the bytes read (None: when stderr is a terminal);
    validating a province's N-Quads takes a minute or more.
    """
    from .convert import is_source_table, stream_quads
    from .vocab import DEFAULT_BASE

    paths = [str(p) for p in paths]
    tables = [p for p in paths if is_source_table(p)]
    others = [p for p in paths if not is_source_table(p)]
    for path in others:
        if quad_format(path) is None:
            raise ValueError(f"{path}: only source tables, N-Quads and TriG are validated table by table")

    def read() -> Iterator[ox.Quad]:
        if tables:  # as graph_of: every source table through one converter run, then the RDF files
            yield from stream_quads(tables, base or DEFAULT_BASE)
        for path in others:
            with open(path, "rb") as stream, _bar(path, progress) as bar:
                yield from ox.parse(CountingReader(stream, bar), format=quad_format(path))

    if others:
        # tables told by their first quad; out of order, a first pass
        nquads = not tables and all(quad_format(p) == ox.RdfFormat.N_QUADS for p in others)
        return TableSource(read, runs=(lambda: _graph_runs(others, progress=progress)) if nquads else None)
    shared = {ox.NamedNode(g) for g in SHARED_GRAPH_NAMES}
    return TableSource(read, lambda g: isinstance(g, ox.NamedNode) and g not in shared)


def quad_format(path: str) -> ox.RdfFormat | None:
    """The quad format of a file by its name (N-Quads, TriG), or None: only these carry table graphs."""
    from .serialize import FORMATS, guess_format

    name = guess_format(path)
    return FORMATS[name] if name in ("nq", "trig") else None


def validate_tables(source: TableSource, engine: str = DEFAULT_ENGINE, shapes: tuple[str, ...] | None = None) -> Report:
    """Validate one table's graph at a time; the same report as :func:`validate` on the union.

    Memory holds one table, the shared graphs and what the tables say about
    shared resources (organisations, indicator definitions), not the union.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return _TableRun(source, engine, tuple(shapes) if shapes else shape_names()).run()


class _OutOfOrder(Exception):
    """A shared quad came after a table that may have needed it: validate again, shared graphs first."""


class _TableRun:
    """The state of one table-by-table validation (see the section comment above)."""

    def __init__(self, source: TableSource, engine: str, names: tuple[str, ...]) -> None:
        self.source, self.engine, self.names = source, engine, names
        self.classes = _shared_classes()
        self.inverse = _inverse_predicates(names)
        self._reset(source.is_table)

    def _reset(self, is_table: Callable[[object], bool] | None) -> None:
        self.is_table = is_table
        self.kinds: dict[object, bool] = {}  # graph → is a table, as first seen (no is_table given)
        self.shared: list[ox.Quad] = []
        self._shared_done, self._shared_bytes = 0, b""  # self.shared[:done] as N-Triples
        self.shared_subjects: dict[object, int] = {}  # subject → tables validated when it was first seen
        self.results: dict[ox.NamedNode, list[Result]] = {}
        self.split: set[ox.NamedNode] = set()
        # What the tables say about shared resources: the global shapes' data.
        self.described = ox.Store()
        self.digests: dict[object, bytes] = {}  # shared resource → its first table's description
        self.conflicts: set = set()  # shared resources two tables describe differently
        self.unresolved: dict[ox.NamedNode, set[ox.NamedNode]] = {}  # IRI → tables naming it without describing it

    def run(self) -> Report:
        try:
            if self.source.runs is not None:
                try:
                    self._first_pass_lines()
                except _NotLines:  # not in the one-quad-a-line form: the same pass over parsed quads
                    self._reset(self.source.is_table)
                    self._first_pass(collect_shared=True)
            else:
                self._first_pass(collect_shared=True)
        except _OutOfOrder:
            self._reset(None)
            self._gather_shared()
            self._first_pass(collect_shared=False)
        if not self.results:  # no table graph: the shared graphs are the whole input
            if not self.shared:
                raise ValidationError("the graph is empty: nothing to validate")
            return Report(self.engine, _sorted(_check(self._store(self.shared), self.engine, self.names)))
        groups, revisit = self._groups()
        linked = bool(groups or revisit or self.conflicts or self.split)
        if groups or revisit or self.conflicts:
            self._second_pass(groups, revisit)
        found = [r for results in self.results.values() for r in results]
        if split_shapes(self.names)["global"]:
            found += _check(self._store(self.shared, self.described), self.engine, self.names, "global")
        apart = () if linked else tuple(sorted(name.value for name in self.results))
        return Report(self.engine, _sorted(found), apart=apart)

    # -- passes ---------------------------------------------------------------

    def _gather_shared(self) -> None:
        """Input out of order: find the table graphs and gather every other quad first.

        A graph's quads are held until its ``pk:PerformanceGoalsTable`` quad
        shows it is a table (perfkg writes that quad first, so nothing is held).
        """
        tables: set = set()
        held: dict[object, list[ox.Quad]] = {}
        for quad in self.source.read():
            graph = quad.graph_name
            if graph in tables:
                continue
            if quad.subject == graph and quad.predicate == RDF.type and quad.object == PK.PerformanceGoalsTable:
                tables.add(graph)
                held.pop(graph, None)
                continue
            held.setdefault(graph, []).append(quad)
        self.is_table = tables.__contains__
        for quads in held.values():
            for quad in quads:
                self._add_shared(quad)

    def _add_shared(self, quad: ox.Quad) -> None:
        self.shared.append(quad)
        self.shared_subjects.setdefault(quad.subject, len(self.results))

    def _late(self, quad: ox.Quad) -> bool:
        """Could a table validated already have needed this shared quad? (Then the order is not perfkg's.)

        perfkg writes the schemes first and each table's new places and
        fiscal year right after it, so a shared quad that comes late is about
        a resource first seen since the last table was validated, that no
        validated table named.
        """
        if not self.results:
            return False
        s, o = quad.subject, quad.object
        if self.shared_subjects.get(s, len(self.results)) != len(self.results) or s in self.unresolved:
            return True
        tables = self._table_iris()
        return any(isinstance(t, ox.NamedNode) and _owner(t.value, tables) for t in (s, o))

    def _table_iris(self) -> dict[str, ox.NamedNode]:
        return {name.value: name for name in self.results}

    def _is_table(self, quad: ox.Quad) -> bool:
        """Is the quad's graph a table's? Given, or judged by its first quad (a table's starts with itself)."""
        if self.is_table is not None:
            return self.is_table(quad.graph_name)
        graph = quad.graph_name
        kind = self.kinds.get(graph)
        if kind is None:
            s = quad.subject
            kind = self.kinds[graph] = (
                isinstance(graph, ox.NamedNode) and graph.value not in SHARED_GRAPH_NAMES and isinstance(s, ox.NamedNode)
                and (s.value == graph.value or s.value.startswith(graph.value + "/"))
            )
        return kind

    def _runs(self, collect_shared: bool) -> Iterator[tuple[ox.NamedNode, list[ox.Quad]]]:
        """Each run of consecutive quads of one table graph.

        A run is yielded when the next table starts, so the shared quads
        written right after a table (its places, its fiscal year) are in by then.
        """
        name, run = None, []
        for quad in self.source.read():
            graph = quad.graph_name
            if not self._is_table(quad):
                if collect_shared:
                    if self._late(quad) or (quad.subject == graph and quad.object == PK.PerformanceGoalsTable):
                        raise _OutOfOrder
                    self._add_shared(quad)
                continue
            if graph != name:
                if run:
                    yield name, run
                name, run = graph, []
            run.append(quad)
        if run:
            yield name, run

    def _first_pass(self, collect_shared: bool) -> None:
        for name, quads in self._runs(collect_shared):
            if name in self.results:
                self.split.add(name)  # a table graph in pieces: validated whole in the second pass
            elif self.is_table is None and not any(
                q.subject == name and q.predicate == RDF.type and q.object == PK.PerformanceGoalsTable for q in quads
            ):
                raise _OutOfOrder  # judged a table by its first quad, but it does not say so
            results = _check(self._store(self.shared, quads), self.engine, self.names, "local")
            self.results.setdefault(name, []).extend(results)
            self._note(name, quads)

    def _first_pass_lines(self) -> None:
        """:meth:`_first_pass` on N-Quads lines: each table's triples go to the engines as bytes.

        The quads of a table are not made Python objects: its lines, their
        graph cut off, are loaded into the table's store in Rust, shacl-rust
        reads the store's own N-Triples, and what :meth:`_note` needs is asked
        of the store. Shared graphs' quads (a few hundred a table) are parsed
        as before. Anything these lines cannot tell raises :class:`_NotLines`:
        the run starts again over parsed quads.
        """
        name: ox.NamedNode | None = None
        pending: list[bytes] = []  # N-Triples of the table run being gathered
        for graph, suffix, lines in self.source.runs():
            first = _one_quad(lines[0])
            if first.graph_name != graph:
                raise _NotLines
            if not self._is_table(first):
                for line in lines:
                    quad = first if line is lines[0] else _one_quad(line)
                    if quad.graph_name != graph:
                        raise _NotLines
                    if self._late(quad) or (quad.subject == graph and quad.object == PK.PerformanceGoalsTable):
                        raise _OutOfOrder
                    self._add_shared(quad)
                continue
            if graph != name:
                if pending:
                    self._validate_lines(name, pending)
                name, pending = graph, []
            pending.append((suffix, lines))
        if pending:
            self._validate_lines(name, pending)

    def _validate_lines(self, name: ox.NamedNode, parts: list[tuple[bytes, list[bytes]]]) -> None:
        # every line ends with the suffix (" <graph> ."), and none holds a line break: an exact cut
        table = b"".join((b"\n".join(lines) + b"\n").replace(suffix + b"\n", b" .\n") for suffix, lines in parts)
        if b"_:" in table:
            raise _NotLines  # blank nodes: the store would name them anew, the engines must see one name
        # Loaded leniently for shacl-rust (IRIs and language tags not checked: the load's CPU nearly
        # halves): the engine parses the store's text strictly, every term of the table in it, and a
        # term it refuses (or an IRI Python refuses) sends the input to the parsed pass, which reports
        # it as before. pyshacl reads the store's text with rdflib: the load checks it.
        lenient = self.engine == "shacl-rust"
        store = ox.Store()
        try:
            store.load(table, format=ox.RdfFormat.N_TRIPLES, lenient=lenient)
        except SyntaxError:
            raise _NotLines from None  # a line that was not a quad of the graph: the parsed pass reports it
        if name in self.results:
            self.split.add(name)
        elif self.is_table is None and ox.Quad(name, RDF.type, PK.PerformanceGoalsTable) not in store:
            raise _OutOfOrder
        try:
            terms = _line_terms(parts)
            if terms is None:  # a line these cuts cannot read term by term: the same bookkeeping by queries
                self._note_store(name, store)
            else:
                self._note_terms(name, store, *terms)
            store.load(self._shared_ntriples(), format=ox.RdfFormat.N_TRIPLES)
            # the store's own text: it writes some literals anew (xsd:positiveInteger as the engines saw it before)
            data = None
            if self.engine == "shacl-rust":
                data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) + _ontology_ntriples()
            results = _check(store, self.engine, self.names, "local", data)
        except ValueError:  # ValidationError too: an invalid term the lenient load let through, or the engine failed
            if not lenient:
                raise
            raise _NotLines from None  # the parsed pass reports it (or fails the same way)
        self.results.setdefault(name, []).extend(results)

    def _shared_ntriples(self) -> bytes:
        """The shared quads so far as N-Triples, serialized as they come."""
        if self._shared_done < len(self.shared):
            more = ox.serialize((q.triple for q in self.shared[self._shared_done :]), format=ox.RdfFormat.N_TRIPLES)
            self._shared_bytes += more or b""
            self._shared_done = len(self.shared)
        return self._shared_bytes

    def _note_store(self, name: ox.NamedNode, store: ox.Store) -> None:
        """:meth:`_note` on a store holding only the table's triples: the same bookkeeping, by queries."""
        root = ox.Literal(name.value + "/")
        foreign: dict[object, list[ox.Triple]] = {}
        for row in store.query(_FOREIGN, substitutions={ox.Variable("root"): name, ox.Variable("prefix"): root}):
            foreign.setdefault(row["s"], []).append(ox.Triple(row["s"], row["p"], row["o"]))
        keep = set(foreign)
        classes = " ".join(f"<{c.value}>" for c in sorted(self.classes, key=lambda c: c.value))
        typed = list(store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?c {{ {classes} }} ?s a ?c . ?s ?p ?o }}")) if classes else []
        keep.update(row["s"] for row in typed)
        found = {t for said in foreign.values() for t in said}
        found.update(ox.Triple(row["s"], row["p"], row["o"]) for row in typed)
        if self.inverse:
            predicates = " ".join(f"<{p.value}>" for p in sorted(self.inverse, key=lambda p: p.value))
            for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}"):
                if row["o"] in keep:
                    found.add(ox.Triple(row["s"], row["p"], row["o"]))
        self.described.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in found)
        for subject, said in foreign.items():
            digest = hashlib.sha1("\n".join(sorted(str(t) for t in said)).encode()).digest()
            if self.digests.setdefault(subject, digest) != digest:
                self.conflicts.add(subject)
        for row in store.query(_UNDESCRIBED):
            o = row["o"]
            if o not in self.shared_subjects:
                self.unresolved.setdefault(o, set()).add(name)

    def _note_terms(self, name: ox.NamedNode, store: ox.Store, subjects: set[bytes], objects: set[bytes]) -> None:
        """:meth:`_note_store` from the subjects and IRI objects of the table's lines: the same bookkeeping.

        Only the resources the bookkeeping keeps are asked of the store (by
        pattern, so their terms are the store's, as :meth:`_note_store`
        has them); the scans over every triple are set operations on bytes.
        """
        root = ("<" + name.value).encode("utf-8")
        inside, prefix = root + b">", root + b"/"
        # the store's own quads (default graph): what _note_store builds, without making a Triple and a Quad of each
        foreign: dict[object, list[ox.Quad]] = {}
        for s in subjects:
            if s != inside and not s.startswith(prefix):
                node = ox.NamedNode(s[1:-1].decode("utf-8"))
                foreign[node] = list(store.quads_for_pattern(node, None, None))
        keep = set(foreign)
        for cls in self.classes:
            keep.update(q.subject for q in store.quads_for_pattern(None, RDF.type, cls))
        found = {q for said in foreign.values() for q in said}
        for subject in keep:
            if subject not in foreign:
                found.update(store.quads_for_pattern(subject, None, None))
        for o in keep:
            for p in self.inverse:
                found.update(store.quads_for_pattern(None, p, o))
        self.described.bulk_extend(found)
        for subject, said in foreign.items():
            # str of a default-graph quad is its triple's: the digest _note_store makes
            digest = hashlib.sha1("\n".join(sorted(str(q) for q in said)).encode()).digest()
            if self.digests.setdefault(subject, digest) != digest:
                self.conflicts.add(subject)
        for text in objects - subjects:
            o = ox.NamedNode(text[1:-1].decode("utf-8"))
            if o not in self.shared_subjects:
                self.unresolved.setdefault(o, set()).add(name)

    def _note(self, name: ox.NamedNode, quads: list[ox.Quad]) -> None:
        """Keep what a table says about shared resources; check it against the other tables'."""
        root, prefix = name.value, name.value + "/"
        subjects, foreign = set(), {}
        for quad in quads:
            s = quad.subject
            subjects.add(s)
            if not (isinstance(s, ox.NamedNode) and (s.value == root or s.value.startswith(prefix))):
                foreign.setdefault(s, []).append(quad)
        keep = set(foreign)
        keep.update(q.subject for q in quads if q.predicate == RDF.type and q.object in self.classes)
        self.described.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object)
            for q in quads
            if q.subject in keep or (q.predicate in self.inverse and q.object in keep)
        )
        for subject, said in foreign.items():
            digest = hashlib.sha1("\n".join(sorted(str(q.triple) for q in said)).encode()).digest()
            if self.digests.setdefault(subject, digest) != digest:
                self.conflicts.add(subject)
        for quad in quads:
            o = quad.object
            if isinstance(o, ox.NamedNode) and o not in subjects and o not in self.shared_subjects:
                self.unresolved.setdefault(o, set()).add(name)

    def _groups(self) -> tuple[dict[ox.NamedNode, ox.NamedNode], set[ox.NamedNode]]:
        """Tables to validate together (split graphs, links between tables) and tables to redo alone.

        A table that names a resource of another table (an IRI under that
        table's) is validated with it; one that names a shared resource only
        other tables describe is validated again with those descriptions.
        """
        parent = {name: name for name in self.split}

        def find(x: ox.NamedNode) -> ox.NamedNode:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        revisit: set[ox.NamedNode] = set()
        tables = {name.value: name for name in self.results}
        for iri, names in self.unresolved.items():
            owner = _owner(iri.value, tables)
            if owner is not None:
                for name in names - {owner}:
                    parent[find(name)] = find(owner)
            elif iri in self.digests:
                revisit |= names
        groups = {name: find(name) for name in parent}
        return groups, revisit - set(groups)

    def _second_pass(self, groups: dict[ox.NamedNode, ox.NamedNode], revisit: set[ox.NamedNode]) -> None:
        """Validate again, with every table's description of shared resources beside, the tables concerned.

        Only resources of no table go beside (organisations, definitions, source
        files): a table's own resource written into another table's graph is
        handled by validating the two tables together.
        """
        tables = {name.value: name for name in self.results}
        context = [*self.shared]
        context += (q for q in self.described if not isinstance(q.subject, ox.NamedNode) or _owner(q.subject.value, tables) is None)
        pending: dict[ox.NamedNode, list[ox.Quad]] = {}
        for name, quads in self._runs(collect_shared=False):
            if name in groups:
                pending.setdefault(groups[name], []).extend(quads)
            elif name in revisit or any(q.subject in self.conflicts for q in quads):
                self.results[name] = _check(self._store(context, quads), self.engine, self.names, "local")
        for root, quads in pending.items():
            members = [name for name, r in groups.items() if r == root]
            for name in members:
                self.results[name] = []
            self.results[root] = _check(self._store(context, quads), self.engine, self.names, "local")

    @staticmethod
    def _store(*parts: Iterable[ox.Quad] | ox.Store) -> ox.Store:
        """The parts' triples in one default graph: what the engines read, and a set (no triple counted twice)."""
        store = ox.Store()
        default = ox.DefaultGraph()
        store.bulk_extend(
            q if q.graph_name == default else ox.Quad(q.subject, q.predicate, q.object)
            for q in itertools.chain.from_iterable(parts)
        )
        return store


def _owner(iri: str, tables: dict[str, ox.NamedNode]) -> ox.NamedNode | None:
    """The table whose IRI ``iri`` lies under (``T/unit/…`` → ``T``), or None."""
    cut = len(iri)
    while cut > 0:
        if iri[:cut] in tables:
            return tables[iri[:cut]]
        cut = iri.rfind("/", 0, cut)
    return None


class _NotLines(Exception):
    """An N-Quads file not written one quad a line with a named graph: read it as parsed quads."""


#: The triples of a table's store whose subject is not the table or under it (a blank node is not).
_FOREIGN = (
    "SELECT ?s ?p ?o ?root ?prefix WHERE { ?s ?p ?o "
    "FILTER (!isIRI(?s) || (?s != ?root && !STRSTARTS(STR(?s), STR(?prefix)))) }"
)
#: IRIs a table's store names as an object without saying anything about them.
_UNDESCRIBED = "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER (isIRI(?o)) FILTER NOT EXISTS { ?o ?q ?v } }"


#: An IRI as N-Triples writes it without escapes: its bytes are its text, so equal bytes are equal IRIs.
_PLAIN_IRI = re.compile(rb'<[^\x00-\x20<>"{}|^`\\]*>')


def _line_terms(parts: list[tuple[bytes, list[bytes]]]) -> tuple[set[bytes], set[bytes]] | None:
    """The subjects and IRI objects of a table's lines (a store accepted them), as bytes; None if a line is not cut so.

    A line is ``<s> <p> o <graph> .``: one space after the subject and after
    the predicate, the object up to the suffix. Every subject, predicate and
    IRI object must be an IRI without escapes, so that its bytes name it
    (``<a\u0062>`` and ``<ab>`` are one IRI): anything else gives None.
    """
    subjects: set[bytes] = set()
    objects: set[bytes] = set()
    predicates: set[bytes] = set()
    try:
        for suffix, lines in parts:
            cut = -len(suffix)
            for line in lines:
                s, p, rest = line.split(b" ", 2)
                subjects.add(s)
                predicates.add(p)
                first = rest[:1]
                if first == b"<":
                    objects.add(rest[:cut])
                elif first != b'"':
                    return None
    except ValueError:  # fewer than three spaces
        return None
    if not all(_PLAIN_IRI.fullmatch(t) for group in (subjects, predicates, objects) for t in group):
        return None
    return subjects, objects


def _one_quad(line: bytes) -> ox.Quad:
    try:
        quads = list(ox.parse(line, format=ox.RdfFormat.N_QUADS))
    except (SyntaxError, ValueError):
        raise _NotLines from None  # the parsed pass reports it
    if len(quads) != 1:
        raise _NotLines
    return quads[0]


def _bar(path: str, progress: bool | None) -> Progress:
    return Progress(os.path.getsize(path), f"validating {os.path.basename(path)}", enabled=progress)


def _graph_runs(
    paths: Iterable[str], block: int = BLOCK, progress: bool | None = False
) -> Iterator[tuple[ox.NamedNode, bytes, list[bytes]]]:
    """The files' lines in runs of one graph: (graph, the lines' common end `` <graph> .``, the lines).

    perfkg writes one quad a line, each ending in its graph's IRI; a line
    that does not end so (a comment, a blank line, a blank-node graph) raises
    :class:`_NotLines`. A default-graph triple whose object happens to be the
    graph's IRI also ends so: cut to two terms, it fails to parse as
    N-Triples, which raises too (see :meth:`_TableRun._validate_lines`).
    """
    for path in paths:
        graph, suffix, lines = None, b"", []
        with open(path, "rb") as stream, _bar(path, progress) as bar:
            for data in blocks(CountingReader(stream, bar), block):
                if not data.endswith(b"\n"):
                    if data.strip():
                        raise _NotLines  # a last line without a line break
                    break
                for line in data.split(b"\n")[:-1]:
                    if suffix and line.endswith(suffix):
                        lines.append(line)
                        continue
                    start = line.rfind(b" <")
                    if start <= 0 or not line.endswith(b"> ."):
                        raise _NotLines
                    if lines:
                        yield graph, suffix, lines
                    suffix = line[start:]
                    try:
                        graph, lines = ox.NamedNode(suffix[2:-3].decode("utf-8")), [line]
                    except ValueError:  # UnicodeDecodeError too
                        raise _NotLines from None
        if lines:
            yield graph, suffix, lines


@lru_cache(maxsize=1)
def _ontology_ntriples() -> bytes:
    return ox.serialize(_ontology_triples(), format=ox.RdfFormat.N_TRIPLES) or b""


# -- presenting -----------------------------------------------------------------


def _order(result: Result) -> tuple:
    # Everything after the focus breaks ties, so the order never depends on the engine's.
    return (
        SEVERITIES.index(result.severity), result.shape, result.component, result.line or 0, result.focus,
        result.path or "", result.value or "", result.messages, result.table or "", result.label or "",
    )


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


def _where(result: Result, tables: bool = False) -> str:
    """Where to look: line and label, and the table when the report covers several."""
    line = f"line {result.line}" if result.line is not None else (result.location or "no line")
    table = f" · table {_table_name(result.table)}" if tables and result.table else ""
    return f"{line} · {result.label or short(result.focus)}{table}"


def _table_name(iri: str) -> str:
    """A table IRI shortened to what tells tables apart: ``…/table/44b0e28eb04d1dda/2024``."""
    cut = iri.rfind("/table/")
    return "…" + iri[cut:] if cut >= 0 else short(iri)


def _message_text(messages: tuple[tuple[str, str | None], ...]) -> str:
    ordered = sorted(messages, key=lambda m: {"zh": 0, "en": 1}.get(m[1] or "", 2))
    return " / ".join(text for text, _ in ordered)


def as_text(report: Report, fail_on: str = "violation", limit: int = 20) -> str:
    """The report for a person: results grouped by constraint, then counts per severity.

    ``limit`` caps the focus nodes listed per group (0: no cap).
    """
    out = [f"perfkg validate ({report.engine}): {len(report.results)} result(s)"]
    tables = len({r.table for r in report.results if r.table}) > 1
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
            out.append(f"  - {_where(r, tables)}{value}{detail}")
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
    # SHACL 1.0 §3.6.1: sh:conforms is true only when there is no result at all, whatever its
    # severity; perfkg's own verdict (--fail-on) is the exit code and a comment on the report.
    g.add((root, SH.conforms, rdflib.Literal(not report.results)))
    verdict = "passes" if report.conforms(fail_on) else "fails"
    g.add((root, R_RDFS.comment, rdflib.Literal(f"perfkg: {verdict} at --fail-on {fail_on}", lang="en")))
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
        if r.table:
            g.add((focus, rdflib.URIRef(PK_NS + "inTable"), rdflib.URIRef(r.table)))
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
