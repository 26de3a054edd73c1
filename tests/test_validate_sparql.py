"""The SHACL-SPARQL constraints run set-based give the engine's own report, byte for byte (issue 15).

shacl-rust evaluates each SPARQL constraint once per focus node; perfkg now
runs each as one query over the graph and keeps the solutions whose ``?this``
is a focus node (``converter/validate.py``, "SHACL-SPARQL constraints,
set-based"). The reference here is shacl-rust itself given every shape, the
SPARQL constraints included — the path perfkg took before — on the bundled
table, on every invalid case of ``tests/shapes/invalid`` (each SPARQL shape
has one that makes it fire), on the self-evaluation fixtures and on three generated tables, one with a
broken amount, validated table by table. The text and JSON reports must be
the same bytes.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from converter import assets
from converter.convert import graph_of
from converter.validate import (
    Report,
    _locate,
    _run_shacl_rust,
    _sorted,
    _without_sparql,
    as_json,
    as_text,
    data_ntriples,
    shape_names,
    tables_of_files,
    validate,
    validate_tables,
)

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "shapes"
CASES = sorted((SHAPES / "invalid").glob("*.ru"))
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)
_spec = importlib.util.spec_from_file_location("target_shapes", ROOT / "tests" / "test_target_shapes.py")
target_shapes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(target_shapes)
#: tests/test_target_shapes.py's failing cases of the SPARQL shapes of shapes/targets.ttl
TARGET_CASES = sorted(c for c, (_, _, shape) in target_shapes.CASES.items() if shape.endswith("Shape"))



def _sparql_shapes() -> set[str]:
    """The shapes of shapes/*.ttl with an sh:sparql block, read from the files with rdflib."""
    graph = rdflib.Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return {str(s).rsplit("#", 1)[1] for s in graph.subjects(SH.sparql, None)}


#: The SPARQL-based shapes, by reading the files: 12 on the goals tables (targets, arithmetic, quality)
#: and 4 on the self-evaluations (shapes/evaluation.ttl).
SPARQL_SHAPES = _sparql_shapes()


def engine_report(store: ox.Store) -> Report:
    """shacl-rust on the union with every shape file as written: the SPARQL constraints inside the engine."""
    text = "\n".join(assets.read_text("shapes", n) for n in shape_names()).encode("utf-8")
    results = _run_shacl_rust(data_ntriples(store, ontology=True), text, "turtle")
    return Report("shacl-rust", _sorted(_locate(store, r) for r in results))


def assert_same(ours: Report, theirs: Report) -> None:
    assert as_text(ours, limit=0) == as_text(theirs, limit=0)
    assert as_json(ours) == as_json(theirs)


def test_the_shape_files_are_read_for_their_sparql_shapes():
    evaluation = {"EvaluationScoreSumShape", "EvaluationPointsSumShape", "ExecutionRateShape", "MissedWithFullPointsShape"}
    assert evaluation <= SPARQL_SHAPES
    assert {"TargetsDifferShape", "UnitProjectsSumShape", "UnparsedIndicatorTextShape"} <= SPARQL_SHAPES


def test_every_sparql_constraint_is_run_set_based():
    _, checks = _without_sparql(shape_names(), "all")
    assert {c.shape.rsplit("#", 1)[1] for c in checks} == SPARQL_SHAPES


def test_shapes_left_to_the_engine_have_no_sparql():
    text, _ = _without_sparql(shape_names(), "all")
    assert b"http://www.w3.org/ns/shacl#sparql" not in text


def test_bundled_table(store):
    ours, theirs = validate(store), engine_report(store)
    assert_same(ours, theirs)
    # the engine's SPARQL results are there: 94 indicators whose targets differ, 4 + 1 rounding warnings, 47 infos
    fired = {s: sum(r.shape.endswith("#" + s) for r in ours.results) for s in SPARQL_SHAPES}
    assert fired["TargetsDifferShape"] == 94 and fired["UnitProjectsRoundingShape"] == 4
    assert fired["DepartmentUnitsRoundingShape"] == 1 and fired["UnrecognisedTargetShape"] == 47


@lru_cache(maxsize=None)
def _case_store(case: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(SHAPES / "valid" / "minimal.ttl"), format=ox.RdfFormat.TURTLE)
    store.update((SHAPES / "invalid" / case).read_text(encoding="utf-8"))
    return store


@pytest.mark.parametrize("case", [p.name for p in CASES if p.name.split("--")[0] in SPARQL_SHAPES])
def test_invalid_case_of_a_sparql_shape(case):
    store = _case_store(case)
    ours, theirs = validate(store), engine_report(store)
    assert any(r.shape.endswith("#" + case.split("--")[0]) for r in ours.results)
    assert_same(ours, theirs)


@pytest.mark.parametrize("case", TARGET_CASES)
def test_failing_target_case(case):
    update, _, shape = target_shapes.CASES[case]
    store = target_shapes._store(update)
    ours, theirs = validate(store), engine_report(store)
    assert any(r.shape.endswith("#" + shape) for r in ours.results)
    # the valid targets' :unknown (信息系统正常运行率) is an Info of UnrecognisedTargetShape in every case
    assert any(r.shape.endswith("#UnrecognisedTargetShape") for r in ours.results)
    assert_same(ours, theirs)


def test_every_sparql_shape_has_a_failing_case():
    shapes = {p.name.split("--")[0] for p in CASES} | {target_shapes.CASES[c][2] for c in TARGET_CASES}
    shapes.add("UnrecognisedTargetShape")  # fires in every target case (above) and 47 times on the bundled table
    assert shapes >= SPARQL_SHAPES


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, Path]:
    """Three generated tables, and the same with the second table's first project total off by one."""
    folder = tmp_path_factory.mktemp("sparql")
    lines = list(generate.generate(3))
    broken = list(lines)
    index = 783 + 12 - 1  # line 12 of the second copy (tests/test_validate_tables.py: 783 lines a copy)
    assert "8,132.03\t8,132.03" in broken[index]
    broken[index] = broken[index].replace("8,132.03\t8,132.03", "8,133.03\t8,132.03")
    found = {}
    for name, content in (("clean", lines), ("broken", broken)):
        found[name] = folder / f"{name}.txt"
        found[name].write_text("\n".join(content), encoding="utf-8")
    return found


@pytest.mark.parametrize("name", ["clean", "broken"])
def test_three_tables_table_by_table(tables, name):
    ours = validate_tables(tables_of_files([tables[name]]))
    theirs = engine_report(graph_of([tables[name]]))
    assert_same(ours, theirs)
    violations = sum(r.severity == "Violation" for r in ours.results)
    assert violations == (0 if name == "clean" else 2)


EVALUATIONS = ROOT / "tests" / "data" / "self-evaluations"


@pytest.mark.parametrize("names", [
    ("shanghai-putuo-tiyu-2022.html", "composed-putuo-2022-self-evaluation.html"),
    ("composed-putuo-2022-self-evaluation.html", "composed-putuo-2022-goals.html",
     "shanghai-putuo-tiyu-2022.xlsx", "chizhou-guichi-tangxi-2022.xlsx"),
])
def test_self_evaluations(names):
    store = graph_of([EVALUATIONS / n for n in names])
    ours, theirs = validate(store), engine_report(store)
    assert_same(ours, theirs)
    # tests/test_self_evaluation.py, by hand: Putuo form 1 prints 86.19% where 215457.6 / 250000 = 86.18304%
    rates = [r for r in ours.results if r.shape.endswith("#ExecutionRateShape")]
    assert len(rates) == 1 and rates[0].focus.endswith("/budget/total") and rates[0].severity == "Warning"
