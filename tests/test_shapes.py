"""Every shape fires on a minimal failing graph, with its severity and messages, on both engines.

Test data are files (tests/shapes/): ``valid/minimal.ttl`` conforms with no
result at all; each ``invalid/<Shape>--<case>.ru`` is a SPARQL Update applied
to it that breaks one shape. Its header says the expected severity, the focus
node, and (``# also:``) any other shape the same break is bound to trip (a
unit with no department total leaves the 合计 with nothing to add up). The
results must be exactly those shapes: a shape that fires where it should not
fails the test too. Adding a case means adding a file.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from converter import assets
from converter.validate import ENGINES, SHAPES_NS, Report, validate

HERE = Path(__file__).resolve().parent / "shapes"
VALID = HERE / "valid" / "minimal.ttl"
INVALID = sorted((HERE / "invalid").glob("*.ru"))
BASE = "https://w3id.org/perfkg/id/"
#: The shape files of this issue (shapes/dataset.ttl belongs to the dataset description and has its own tests).
OURS = ("arithmetic.ttl", "core.ttl", "quality.ttl", "evaluation.ttl")


def _shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in OURS:
        graph.parse(data=assets.read_text("shapes", name), format="turtle")
    return graph


def _store(update: Path | None = None) -> ox.Store:
    store = ox.Store()
    store.load(path=str(VALID), format=ox.RdfFormat.TURTLE)
    if update is not None:
        store.update(update.read_text(encoding="utf-8"))
    return store


@lru_cache(maxsize=None)
def _run(case: str | None, engine: str) -> Report:
    return validate(_store(HERE / "invalid" / case if case else None), engine, OURS)


def _header(path: Path, key: str) -> list[str]:
    return re.findall(rf"^# {key}: (.+)$", path.read_text(encoding="utf-8"), flags=re.M)


def _reportable_shapes() -> set[str]:
    """Shapes that can be a result's sh:sourceShape: every property shape, and node shapes with own constraints."""
    g = _shapes()
    found = set()
    for shape in set(g.subjects(rdflib.RDF.type, SH.PropertyShape)) | set(g.subjects(rdflib.RDF.type, SH.NodeShape)):
        if not isinstance(shape, rdflib.URIRef):
            continue
        own = {p for p in g.predicates(shape) if p in (SH.sparql, SH["or"], SH.path)}
        if own:
            found.add(str(shape).removeprefix(SHAPES_NS))
    return found


# -- the shapes themselves ------------------------------------------------------------


@pytest.mark.parametrize("name", OURS)
def test_shape_file_has_header_and_parses(name):
    text = assets.read_text("shapes", name)
    assert text.startswith("# perfkg shapes"), "every asset starts with a header comment"
    assert len(rdflib.Graph().parse(data=text, format="turtle")) > 0


def test_shapes_are_valid_shacl():
    """SHACL-SHACL: shapes in a pre-standard style would otherwise be ignored silently."""
    shapes = _shapes()
    conforms, _, text = pyshacl_validate(shapes, shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


@pytest.mark.parametrize("shape", sorted(_reportable_shapes()))
def test_shape_has_chinese_and_english_message(shape):
    g = _shapes()
    node = rdflib.URIRef(SHAPES_NS + shape)
    messages = list(g.objects(node, SH.message))
    for constraint in g.objects(node, SH.sparql):
        messages.extend(g.objects(constraint, SH.message))
    assert {m.language for m in messages} == {"zh", "en"}


@pytest.mark.parametrize("shape", sorted(_reportable_shapes()))
def test_shape_has_a_failing_case(shape):
    cases = {p.name.split("--")[0] for p in INVALID}
    assert shape in cases, f"add tests/shapes/invalid/{shape}--<case>.ru"


def test_every_case_names_a_shape():
    assert {p.name.split("--")[0] for p in INVALID} <= _reportable_shapes()


# -- the passing case and the failing cases ----------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_minimal_graph_has_no_result(engine):
    assert _run(None, engine).results == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [p.name for p in INVALID])
def test_case_fires_its_shape_only(case, engine):
    path = HERE / "invalid" / case
    shape = SHAPES_NS + case.split("--")[0]
    [severity] = _header(path, "severity")
    [focus] = _header(path, "focus")
    allowed = {shape} | {SHAPES_NS + s for s in _header(path, "also")}
    report = _run(case, engine)
    fired = {r.shape for r in report.results}
    assert shape in fired and fired <= allowed, fired
    mine = [r for r in report.results if r.shape == shape]
    assert {(r.focus, r.severity) for r in mine} == {(BASE + focus, severity)}


@pytest.mark.parametrize("case", [p.name for p in INVALID])
def test_case_result_carries_the_shape_messages(case):
    """Both messages of the shape, in their language, with any {?value} filled in."""
    shape = SHAPES_NS + case.split("--")[0]
    for engine in ENGINES:
        [result] = [r for r in _run(case, engine).results if r.shape == shape][:1]
        assert {lang for _, lang in result.messages} == {"zh", "en"}
        assert all("{?" not in text for text, _ in result.messages)


@pytest.mark.parametrize("case", [p.name for p in INVALID])
def test_engines_agree_on_case(case):
    keys = [{r.key() for r in _run(case, engine).results} for engine in ENGINES]
    assert keys[0] == keys[1]
