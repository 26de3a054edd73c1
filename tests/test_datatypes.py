"""Every literal perfkg writes keeps its datatype in a store: no derived XSD type that stores rewrite.

Oxigraph (shown here) and Virtuoso (shared findings) keep ``xsd:positiveInteger``
and the other derived integer types as ``xsd:integer``, so ``DATATYPE()``
answered differently on rdflib and on the stores while perfkg wrote
``positiveInteger``. Line, page, sequence and row numbers are now
``xsd:integer``; the test reads each file with rdflib (the datatypes as
written) and with pyoxigraph (as stored) and compares them, predicate by
predicate, on the bundled table and on the self-evaluation fixtures.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
PK = "https://w3id.org/perfkg/ontology#"


def _as_written(path) -> Counter:
    dataset = rdflib.Dataset()
    dataset.parse(str(path), format="nquads")
    # a simple literal is an xsd:string (RDF 1.1), as the store says; language-tagged ones are left out of both
    return Counter((str(p), str(o.datatype or XSD + "string")) for _, p, o, _ in dataset.quads((None, None, None, None))
                   if isinstance(o, rdflib.Literal) and o.language is None)


def _as_stored(path) -> Counter:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return Counter((q.predicate.value, q.object.datatype.value) for q in store
                   if isinstance(q.object, ox.Literal) and q.object.language is None)


def test_oxigraph_rewrites_a_derived_integer_type(tmp_path):
    """The check can fail: what the graphs wrote before comes back from the store as another datatype."""
    path = tmp_path / "old.nq"
    path.write_text(f'<https://w3id.org/perfkg/id/x> <{PK}sourceLine> "12"^^<{XSD}positiveInteger> .\n', encoding="utf-8")
    assert _as_written(path) == Counter({(PK + "sourceLine", XSD + "positiveInteger"): 1})
    assert _as_stored(path) == Counter({(PK + "sourceLine", XSD + "integer"): 1})


@pytest.mark.parametrize("which", ["bundled", "self-evaluations"])
def test_every_datatype_survives_the_store(which, request, tmp_path, source_path):
    if which == "bundled":
        from converter.cli import main

        path = tmp_path / "g.nq"
        assert main(["convert", str(source_path), "--format", "nq", "-o", str(path)]) == 0
    else:
        path = request.getfixturevalue("self_evaluation_nquads")
    written = _as_written(path)
    assert _as_stored(path) == written
    numbers = {p for p, d in written if d == XSD + "integer"}
    wanted = {PK + "sourceLine", PK + "sequence"} if which == "bundled" else {PK + "resultNumber", PK + "sourcePage"}
    assert wanted <= numbers
    assert not {d for _, d in written if d.endswith(("positiveInteger", "nonNegativeInteger", "#int", "#long"))}
