"""Write JSON-LD that a plain JSON user can read, compacted with perfkg's published context.

Oxigraph writes expanded JSON-LD (every key a full IRI, every value an object).
This writer uses ``ontology/context.jsonld`` instead: keys are short terms
(``label``, ``totalAmount``, ``indicator``), labels are language maps
(``{"zh": "越秀区", "en": "Yuexiu District"}``), amounts are strings that keep
their exact decimals (``"8132.03"``), links are IRIs. The context is written
inline so the file stands alone offline; it is the same object as the
published file, so a JSON-LD processor gives back exactly the quads written.

Layout: ``{"@context": …, "@graph": [ {"id": <graph>, "@graph": [nodes…]}, … ]}``,
one entry per named graph (each table, then the vocabulary and reference
graphs), one node object per subject, one node per line.

How a value is written, in the order tried: a term whose definition fits it
(same property; ``@type: @id`` for an IRI, the literal's datatype, a
``@language`` container for a language-tagged literal, or no coercion for a
plain string); otherwise the property as a compact IRI (``skos:definition``)
with an expanded value object, so nothing is lost when a value does not fit.

Streaming: a table's nodes are held until its graph ends (one table at a
time); the small shared graphs (vocabulary, reference places and years) are
held to the end, since every table adds to the reference graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

import pyoxigraph as ox

from . import assets

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SHARED_GRAPHS = ("https://w3id.org/perfkg/vocabulary", "https://w3id.org/perfkg/reference")


@dataclass(frozen=True, slots=True)
class _Term:
    name: str
    iri: str
    datatype: str | None  # an expanded datatype IRI, "@id", or None
    container: str | None  # "@set", "@language" or None


class Context:
    """The published context, read once, with what compaction needs from it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        context = document["@context"]
        self.prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
        self._by_namespace = {v: k for k, v in sorted(self.prefixes.items(), reverse=True)}
        self._choices: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self.classes = {self.expand(v): k for k, v in context.items() if isinstance(v, str) and k not in self.prefixes and not v.startswith("@")}
        self.terms: dict[str, list[_Term]] = {}
        for name, definition in context.items():
            if isinstance(definition, dict):
                datatype = definition.get("@type")
                term = _Term(name, self.expand(definition["@id"]), datatype if datatype in (None, "@id") else self.expand(datatype),
                             definition.get("@container"))
                self.terms.setdefault(term.iri, []).append(term)
        self.set_terms = {t.name for terms in self.terms.values() for t in terms if t.container == "@set"}

    def expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        return self.prefixes[prefix] + rest if prefix in self.prefixes and not rest.startswith("//") else value

    def compact(self, iri: str) -> str:
        """``prefix:rest`` when the IRI's namespace (up to its last ``/`` or ``#``) is a prefix, else the IRI."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self._by_namespace.get(iri[:cut])
        return f"{prefix}:{iri[cut:]}" if prefix is not None and cut < len(iri) else iri

    def compact_type(self, iri: str) -> str:
        return self.classes.get(iri) or self.compact(iri)

    def key_and_value(self, predicate: str, obj: ox.NamedNode | ox.Literal | ox.BlankNode) -> tuple[str, Any, str | None]:
        """The key, the JSON value and the container (None, "@set" or "@language") for one triple's object."""
        if isinstance(obj, ox.Literal):
            shape = "@language" if obj.language else obj.datatype.value
        else:
            shape = "@id" if isinstance(obj, ox.NamedNode) else "@blank"
        choice = self._choices.get((predicate, shape))
        if choice is None:
            choice = self._choices[(predicate, shape)] = self._choose(predicate, shape)
        term, container = choice
        if term is None:
            return self.compact(predicate), self._expanded(obj), None
        if container == "@language":
            return term, (obj.language, obj.value), container
        return term, self.compact(obj.value) if shape == "@id" else obj.value, container

    def _choose(self, predicate: str, shape: str) -> tuple[str | None, str | None]:
        """The term (and its container) that can carry objects of this shape, or (None, None)."""
        for term in self.terms.get(predicate, ()):
            if shape == "@language" and term.container == "@language":
                return term.name, "@language"
            if term.container == "@language" or shape in ("@language", "@blank"):
                continue
            if term.datatype == shape or (term.datatype is None and shape == XSD_STRING):
                return term.name, term.container
        return None, None

    def _expanded(self, obj: ox.NamedNode | ox.Literal | ox.BlankNode) -> Any:
        if isinstance(obj, ox.NamedNode):
            return {"@id": self.compact(obj.value)}
        if isinstance(obj, ox.BlankNode):
            return {"@id": f"_:{obj.value}"}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        if obj.datatype.value == XSD_STRING:
            return obj.value
        return {"@value": obj.value, "@type": self.compact(obj.datatype.value)}


@lru_cache(maxsize=1)
def context() -> Context:
    """The context published as ``ontology/context.jsonld``."""
    return Context(json.loads(assets.read_text("ontology", "context.jsonld")))


class _Graph:
    """The node objects of one named graph, in the order their subjects first appear."""

    def __init__(self, name: str | None, ctx: Context) -> None:
        self.name, self.ctx = name, ctx
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, quad: ox.Quad) -> None:
        subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else f"_:{quad.subject.value}"
        node = self.nodes.get(subject)
        if node is None:
            node = self.nodes[subject] = {"id": subject if subject.startswith("_:") else self.ctx.compact(subject)}
        if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            node.setdefault("type", []).append(self.ctx.compact_type(quad.object.value))
            return
        key, value, container = self.ctx.key_and_value(quad.predicate.value, quad.object)
        if container == "@language":
            language, text = value
            node.setdefault(key, {}).setdefault(language, []).append(text)
        else:
            node.setdefault(key, []).append(value)

    def json(self) -> str:
        nodes = ",\n".join(json.dumps(_simplify(n, self.ctx.set_terms), ensure_ascii=False) for n in self.nodes.values())
        if self.name is None:
            return nodes
        return '{"id": ' + json.dumps(self.ctx.compact(self.name), ensure_ascii=False) + ', "@graph": [\n' + nodes + "\n]}"


def _simplify(node: dict[str, Any], sets: set[str]) -> dict[str, Any]:
    """One value → the value itself (except ``@set`` terms, always lists); language maps likewise."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            out[key] = {lang: texts[0] if len(texts) == 1 else texts for lang, texts in value.items()}
        elif isinstance(value, list) and len(value) == 1 and key not in sets:
            out[key] = value[0]
        else:
            out[key] = value
    return out


def write(quads: Iterable[ox.Quad], output: BinaryIO) -> None:
    """Write quads as compacted JSON-LD, one graph object per named graph."""
    ctx = context()
    held: dict[str, _Graph] = {}
    current: _Graph | None = None
    first = True

    def emit(graph: _Graph) -> None:
        nonlocal first
        if graph.nodes:
            output.write((("" if first else ",\n") + graph.json()).encode("utf-8"))
            first = False

    output.write(b'{"@context": ' + json.dumps(ctx.document["@context"], ensure_ascii=False).encode("utf-8") + b',\n"@graph": [\n')
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
        if name in SHARED_GRAPHS:
            held.setdefault(name, _Graph(name, ctx)).add(quad)
            continue
        if current is None or current.name != name:
            if current is not None:
                emit(current)
            current = _Graph(name, ctx)
        current.add(quad)
    if current is not None:
        emit(current)
    for name in SHARED_GRAPHS:
        if name in held:
            emit(held[name])
    output.write(b"\n]}\n")
