"""The naive pipeline, the first anchor of the benchmarks: what a user writes by hand.

Parse the table, ``Graph.add`` each triple into one in-memory rdflib graph,
then ``serialize`` Turtle. Written plainly on purpose — no streaming, no
batching, no tricks — so the benchmark shows what perfkg's streaming
converter saves. So that both sides do the same work, the triples are
perfkg's own (reader and graph builder; each term turned into its rdflib
twin as a user building rdflib terms would): the naive output holds the same
triples as ``perfkg convert``'s, and benchmarks/README.md compares the counts.

Usage::

    python benchmarks/naive.py INPUT.txt -o OUTPUT.ttl
"""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from converter.convert import Conversion, quads
from converter.reader import read_table
from converter.vocab import PREFIXES

XSD_STRING = PREFIXES["xsd"] + "string"


def term(node: ox.NamedNode | ox.BlankNode | ox.Literal):
    """The rdflib term for a pyoxigraph term."""
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == XSD_STRING:  # RDF 1.1: a plain literal is an xsd:string
        return Literal(node.value)
    return Literal(node.value, datatype=URIRef(node.datatype.value))


def build(path: str) -> Graph:
    """The whole input as one rdflib graph, one ``Graph.add`` per triple."""
    table = read_table(path)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for quad in quads(Conversion([table])):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="naive rdflib pipeline: parse, Graph.add, serialize Turtle")
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    graph = build(args.input)
    graph.serialize(destination=args.output, format="turtle")
    print(f"{len(graph)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
