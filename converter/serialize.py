"""Write quads in the RDF formats perfkg offers, streaming where the format allows.

N-Triples and N-Quads are written as the quads come, holding nothing but the
set of shared triples already written. Triple formats drop the graph name, and
the few triples that several graphs share (schemes, organisations) are written
once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyoxigraph as ox

from .vocab import PREFIXES

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {"nq", "trig"}
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "nq": ".nq", "trig": ".trig", "json-ld": ".jsonld", "xml": ".rdf"}


def guess_format(path: str) -> str | None:
    """The format name for a file name's extension, or None."""
    for name, ext in EXTENSIONS.items():
        if path.endswith(ext):
            return name
    return {".ttl": "turtle", ".json": "json-ld", ".owl": "xml", ".xml": "xml", ".n3": "turtle"}.get(
        path[path.rfind(".") :] if "." in path else "", None
    )


def in_graph(subject: object, root: str, prefix: str) -> bool:
    """Whether a subject lies under its graph's IRI ``root`` (``prefix`` = ``root + "/"``).

    Such a subject (a table's rows, indicators, targets) belongs to that
    table alone; any other (schemes, organisations, indicator definitions,
    the source file) may stand in several graphs, so triple formats write
    its triples once.
    """
    return isinstance(subject, ox.NamedNode) and (subject.value == root or subject.value.startswith(prefix))


def triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """Drop graph names, writing each shared triple once.

    A triple whose subject lies under its graph's IRI (a table's rows,
    indicators, targets) belongs to that table alone and cannot repeat; the
    others (schemes, organisations, indicator definitions) may stand in several
    graphs, so only they are remembered. Memory grows with the shared
    vocabulary, not with the graph.
    """
    seen: set[ox.Triple] = set()
    # Quads come graph by graph: the graph's IRI and its "…/" prefix are
    # worked out once per graph, not per quad (this loop runs once per triple;
    # two str() calls per quad cost ~20 % of an N-Triples conversion).
    graph: object = None
    root = prefix = None
    for quad in quads:
        if quad.graph_name != graph:
            graph = quad.graph_name
            root = graph.value if isinstance(graph, ox.NamedNode) else None
            prefix = None if root is None else root + "/"
        triple = quad.triple
        subject = quad.subject
        if root is not None and in_graph(subject, root, prefix):
            yield triple
        elif triple not in seen:
            seen.add(triple)
            yield triple


def grouped_by_subject(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The same quads, each graph's ones reordered so a subject's quads stand together.

    The builder interleaves subjects (a project, its amounts, its indicators,
    back to the project); Turtle and TriG can only write ``s p o ; p o .``
    blocks for consecutive triples of one subject. One graph (one department's
    table) is held at a time, in the order subjects first appear.
    """
    graph: object = None
    by_subject: dict[object, list[ox.Quad]] = {}
    for quad in quads:
        if quad.graph_name != graph:
            for block in by_subject.values():
                yield from block
            by_subject = {}
            graph = quad.graph_name
        by_subject.setdefault(quad.subject, []).append(quad)
    for block in by_subject.values():
        yield from block


def _grouped_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """``triples(grouped_by_subject(quads))`` in one pass, the same triples in the same order.

    All triples of one subject in one graph are either under the graph's IRI
    or not, so the shared-triple test runs once per subject, not per triple
    (issue 9: the two passes cost ≈ 25 % of a Turtle conversion).
    """
    seen: set[ox.Triple] = set()
    graph: object = None
    by_subject: dict[object, list[ox.Triple]] = {}
    for quad in quads:
        name = quad.graph_name
        if name != graph:
            yield from _unique_blocks(graph, by_subject, seen)
            by_subject, graph = {}, name
        subject = quad.subject
        block = by_subject.get(subject)
        if block is None:
            by_subject[subject] = [quad.triple]
        else:
            block.append(quad.triple)
    yield from _unique_blocks(graph, by_subject, seen)


def _unique_blocks(graph: object, by_subject: dict, seen: set[ox.Triple]) -> Iterator[ox.Triple]:
    """One graph's subject blocks; triples of subjects outside the graph's IRI only once per run."""
    root = graph.value if isinstance(graph, ox.NamedNode) else None
    for subject, block in by_subject.items():
        if root is not None and in_graph(subject, root, root + "/"):
            yield from block
            continue
        for triple in block:
            if triple not in seen:
                seen.add(triple)
                yield triple


def write(quads: Iterable[ox.Quad], fmt: str, output: BinaryIO) -> None:
    """Serialize quads (or their triples) to a binary stream."""
    if fmt == "json-ld":
        # Compacted with the published context, one object per named graph (converter/jsonld.py).
        from .jsonld import write as write_jsonld

        write_jsonld(quads, output)
        return
    rdf_format = FORMATS[fmt]
    stream: Iterable
    if fmt in QUAD_FORMATS:
        stream = grouped_by_subject(quads) if fmt == "trig" else quads
    elif fmt in {"turtle", "xml"}:
        stream = _grouped_triples(quads)
    else:
        stream = triples(quads)
    prefixes = PREFIXES if fmt in {"turtle", "trig", "xml", "json-ld"} else None
    ox.serialize(stream, output, rdf_format, prefixes=prefixes)

