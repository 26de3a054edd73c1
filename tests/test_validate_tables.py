"""Validation table by table (issue 9) gives the whole union's report.

The inputs are generated copies of the bundled table (benchmarks/generate.py):
copy k's line n is the bundled table's line n + k × 783, 783 being the bundled
file's line count (``wc -l`` gives 782: the file has no final line break; the
generator joins copies with one). The amounts changed are those of
tests/test_validate.py (line 12, 市就业补助资金（越秀区）8,132.03, checked there
by awk), here in the second copy.

Every case compares the two paths of :mod:`converter.validate` on the same
input: ``validate`` on the union in one engine run, ``validate_tables`` one
table's graph at a time — results, order, text and JSON.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main
from converter.convert import graph_of
from converter.validate import (
    SHAPES_NS,
    as_json,
    as_text,
    split_shapes,
    tables_of_files,
    tables_of_store,
    validate,
    validate_tables,
)
from converter.vocab import ORG, PK, RDF

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

LINES_PER_COPY = 783  # wc -l of the bundled table + 1 (no final line break)
CHANGED = (12, "8,132.03\t8,132.03", "8,133.03\t8,132.03")  # as tests/test_validate.py CHANGES[0]


def _write(lines: list[str], path: Path) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """Three generated tables as source text and N-Quads, clean and with table 2's amount broken."""
    folder = tmp_path_factory.mktemp("tables")
    source = generate.SOURCE.read_text(encoding="utf-8").split("\n")
    assert len(source) == LINES_PER_COPY
    lines = list(generate.generate(3))
    broken = list(lines)
    line, old, new = CHANGED
    index = LINES_PER_COPY + line - 1  # 0-based index of line 12 of copy 1 (the second table)
    assert old in broken[index]
    broken[index] = broken[index].replace(old, new)
    # the first department again after the second: its table graph comes in two pieces
    repeated = list(generate.copy_lines(source, 0, 0)) + list(generate.copy_lines(source, 1, 0)) + list(generate.copy_lines(source, 0, 0))
    found = {"clean.txt": _write(lines, folder / "clean.txt"), "broken.txt": _write(broken, folder / "broken.txt"),
             "repeated.txt": _write(repeated, folder / "repeated.txt")}  # fmt: skip
    for name in ("clean", "broken"):
        nq = folder / f"{name}.nq"
        assert main(["convert", str(found[f"{name}.txt"]), "--format", "nq", "-o", str(nq)]) in (0, 3)
        found[f"{name}.nq"] = nq
    return found


@pytest.fixture(scope="module")
def reports(inputs) -> dict[str, tuple]:
    """(whole, table by table) for each input, computed once."""
    return {name: (validate(graph_of([path])), validate_tables(tables_of_files([path]))) for name, path in inputs.items()}


NAMES = ["clean.txt", "broken.txt", "clean.nq", "broken.nq", "repeated.txt"]


@pytest.mark.parametrize("name", NAMES)
def test_same_results_in_the_same_order(reports, name):
    whole, tables = reports[name]
    assert tables.results == whole.results


@pytest.mark.parametrize("name", NAMES)
def test_same_text_and_json(reports, name):
    whole, tables = reports[name]
    assert as_text(tables, limit=0) == as_text(whole, limit=0)
    assert as_json(tables) == as_json(whole)


def test_broken_amount_is_a_violation_in_table_two_at_its_lines(reports):
    """Line 12 of copy 1 is file line 795; its unit row (line 11) is 794."""
    _, tables = reports["broken.txt"]
    violations = {(r.shape.removeprefix(SHAPES_NS), r.line) for r in tables.results if r.severity == "Violation"}
    assert violations == {("RowSourcesSumShape", 12 + LINES_PER_COPY), ("UnitProjectsSumShape", 11 + LINES_PER_COPY)}


def test_each_result_names_its_table(inputs, reports):
    """Every result on a row carries its table's IRI; table 2's violations name table 2's graph."""
    _, tables = reports["broken.nq"]
    graphs = _table_graphs(ox.parse(path=str(inputs["broken.nq"]), format=ox.RdfFormat.N_QUADS))
    assert len(graphs) == 3
    assert {r.table for r in tables.results if r.severity == "Violation"} == {graphs[1].value}
    assert {r.table for r in tables.results if r.line is not None} == {g.value for g in graphs}


def test_text_report_names_the_table_when_there_are_several(reports):
    _, tables = reports["broken.txt"]
    text = as_text(tables, limit=0)
    assert f"line {12 + LINES_PER_COPY} · " in text
    row = next(line for line in text.splitlines() if f"line {12 + LINES_PER_COPY} · " in line)
    assert "· table …/table/" in row


def test_three_copies_have_three_times_the_warnings(reports):
    """The bundled table has 6 warnings (tests/test_validate.py: five rounding differences and
    the free-form indicator without a target at line 630) and no violation."""
    _, tables = reports["clean.txt"]
    assert (tables.counts()["Violation"], tables.counts()["Warning"]) == (0, 18)


# -- inputs out of perfkg's order, and what crosses tables ----------------------------------


def _table_graphs(quads) -> list[ox.NamedNode]:
    found = []
    for q in quads:
        if q.predicate == RDF.type and q.object == PK.PerformanceGoalsTable and q.subject == q.graph_name and q.graph_name not in found:
            found.append(q.graph_name)
    return found


def _moved_project(quads: list[ox.Quad], graphs) -> list[ox.Quad]:
    """A project of table 2 written into table 3's graph (its rows and indicators stay)."""
    project = [q.subject for q in quads if q.graph_name == graphs[1] and q.object == PK.Project][5]
    return [ox.Quad(q.subject, q.predicate, q.object, graphs[2]) if q.subject == project else q for q in quads]


def _second_parent(quads: list[ox.Quad], graphs) -> list[ox.Quad]:
    """Table 3 says a unit of table 1 belongs to table 3's department: the union gives it two parents."""
    unit = next(q.subject for q in quads if q.graph_name == graphs[0] and q.predicate == ORG.subOrganizationOf)
    department = next(q.object for q in quads if q.graph_name == graphs[2] and q.predicate == ORG.subOrganizationOf)
    return quads + [ox.Quad(unit, ORG.subOrganizationOf, department, graphs[2])]


def _shared_last(quads: list[ox.Quad], graphs) -> list[ox.Quad]:
    """The schemes, places and years after every table (N-Quads sorted some other way)."""
    return sorted(quads, key=lambda q: q.graph_name in graphs)[::-1]


def _split_graph(quads: list[ox.Quad], graphs) -> list[ox.Quad]:
    """Table 2's graph cut in two, table 3 between the pieces."""
    second = [q for q in quads if q.graph_name == graphs[1]]
    rest = [q for q in quads if q.graph_name != graphs[1]]
    at = next(i for i, q in enumerate(rest) if q.graph_name == graphs[2])
    return rest[:at] + second[:20000] + rest[at:] + second[20000:]


CHANGES = {"moved-project": _moved_project, "second-parent": _second_parent, "shared-last": _shared_last, "split-graph": _split_graph}


@pytest.fixture(scope="module")
def changed(inputs, tmp_path_factory) -> dict[str, Path]:
    quads = list(ox.parse(path=str(inputs["broken.nq"]), format=ox.RdfFormat.N_QUADS))
    graphs = _table_graphs(quads)
    folder = tmp_path_factory.mktemp("changed")
    found = {}
    for name, change in CHANGES.items():
        path = folder / f"{name}.nq"
        with path.open("wb") as stream:
            ox.serialize(change(quads, graphs), stream, format=ox.RdfFormat.N_QUADS)
        found[name] = path
    return found


@pytest.mark.parametrize("name", list(CHANGES))
def test_out_of_order_and_cross_table_inputs_give_the_union_report(changed, name):
    path = changed[name]
    whole = validate(graph_of([path]))
    assert validate_tables(tables_of_files([path])).results == whole.results


def test_second_parent_is_found_only_across_tables(changed):
    """No table alone gives the unit two parents: the global check on organisations finds it."""
    report = validate_tables(tables_of_files([changed["second-parent"]]))
    found = [(r.shape.removeprefix(SHAPES_NS), r.component, r.table) for r in report.results if r.severity == "Violation"]
    assert ("BudgetUnit-subOrganizationOf", "MaxCountConstraintComponent", None) in found


@pytest.mark.parametrize("name", ["clean.nq", "broken.nq"])
def test_a_store_validates_table_by_table(inputs, reports, name):
    store = graph_of([inputs[name]])
    assert validate_tables(tables_of_store(store)).results == reports[name][0].results


# -- the shapes' classification and the command line ------------------------------------------


def test_shapes_on_shared_resources_run_once():
    """docs/validation.md lists these five as the shapes run on all tables' descriptions."""
    assert [s.removeprefix(SHAPES_NS) for s in split_shapes()["global"]] == [
        "AmountUnitShape", "BudgetUnitInDepartmentShape", "BudgetUnitShape", "DepartmentShape", "IndicatorDefinitionShape",
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["broken.txt", "broken.nq"])
def test_cli_whole_and_table_by_table_print_the_same(inputs, tmp_path, name):
    a, b = tmp_path / "tables.json", tmp_path / "whole.json"
    assert main(["validate", str(inputs[name]), "--format", "json", "-o", str(a)]) == 1
    assert main(["validate", "--whole", str(inputs[name]), "--format", "json", "-o", str(b)]) == 1
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
    assert json.loads(a.read_text(encoding="utf-8"))["counts"]["Violation"] == 2


def test_pyshacl_agrees_table_by_table(changed):
    """The reference engine on two of the checks that need care: a broken link and a unit with two parents."""
    path = changed["second-parent"]
    whole = validate(graph_of([path]), "pyshacl", ("core.ttl",))
    tables = validate_tables(tables_of_files([path]), "pyshacl", ("core.ttl",))
    assert tables.results == whole.results
    assert any(r.shape == SHAPES_NS + "BudgetUnit-subOrganizationOf" for r in tables.results)


# -- N-Quads read as lines (issue 15) ---------------------------------------------------------
#
# perfkg's N-Quads (one quad a line, each ending in its graph's IRI) are validated without
# making a Python object of each table's quad; a file in any other form is read as parsed
# quads. Both must give the whole union's report: the lines path is checked above on every
# .nq input (clean, broken, the four CHANGES); here, that it is the path taken, and that the
# forms it cannot read fall back.


def _count_passes(monkeypatch) -> dict[str, int]:
    import converter.validate as v

    calls = {"lines": 0, "quads": 0, "fallbacks": 0}
    lines, quads, runs = v._TableRun._first_pass_lines, v._TableRun._first_pass, v._graph_runs

    def count_lines(self):
        calls["lines"] += 1
        try:
            return lines(self)
        except v._NotLines:
            calls["fallbacks"] += 1
            raise

    def count_quads(self, collect_shared):
        calls["quads"] += 1
        return quads(self, collect_shared)

    monkeypatch.setattr(v._TableRun, "_first_pass_lines", count_lines)
    monkeypatch.setattr(v._TableRun, "_first_pass", count_quads)
    return calls


def test_perfkg_nquads_are_read_as_lines(inputs, reports, monkeypatch):
    calls = _count_passes(monkeypatch)
    report = validate_tables(tables_of_files([inputs["broken.nq"]]))
    assert calls == {"lines": 1, "quads": 0, "fallbacks": 0}
    assert report.results == reports["broken.nq"][0].results
    assert report.counts()["Violation"] == 2


def _edited(path: Path, folder: Path, name: str, edit) -> Path:
    lines = path.read_bytes().split(b"\n")
    out = folder / name
    out.write_bytes(b"\n".join(edit(lines)))
    return out


def _blank_node(lines: list[bytes]) -> list[bytes]:
    """A blank node in table 2's graph (the store would rename it: the lines path cannot keep its label)."""
    at = next(i for i, line in enumerate(lines) if line.endswith(b" .") and b"/table/" in line.rsplit(b" <", 1)[-1])
    graph = lines[at].rsplit(b" <", 1)[-1]
    return lines[: at + 1] + [b'_:note <http://www.w3.org/2000/01/rdf-schema#comment> "x" <' + graph] + lines[at + 1 :]


def _default_triple(lines: list[bytes]) -> list[bytes]:
    """A default-graph triple naming table 1's graph as its object: its line ends like the table's quads."""
    at = next(i for i, line in enumerate(lines) if b"/table/" in line.rsplit(b" <", 1)[-1])
    graph = lines[at].rsplit(b" <", 1)[-1][:-2]
    return lines[: at + 1] + [b"<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <" + graph + b" ."] + lines[at + 1 :]


FALLBACKS = {
    "comment": lambda lines: [b"# written by hand"] + lines,
    "crlf": lambda lines: [line + b"\r" if line else line for line in lines],
    "blank-node": _blank_node,
    "default-triple": _default_triple,
}


@pytest.mark.parametrize("name", list(FALLBACKS))
def test_other_nquads_forms_fall_back_to_parsed_quads(inputs, tmp_path, monkeypatch, name):
    path = _edited(inputs["broken.nq"], tmp_path, f"{name}.nq", FALLBACKS[name])
    whole = validate(graph_of([path]))
    calls = _count_passes(monkeypatch)
    report = validate_tables(tables_of_files([path]))
    assert calls["fallbacks"] == 1 and calls["quads"] >= 1
    assert report.results == whole.results
    assert report.counts()["Violation"] == 2


def test_a_bar_shows_how_far_validation_has_read_and_the_report_is_the_same(inputs, reports, capsys):
    """The bar counts the file's bytes (clean.nq is read once, so it ends at its size); perfkg validate draws it on a terminal."""
    path = inputs["clean.nq"]
    capsys.readouterr()
    shown = validate_tables(tables_of_files([path], progress=True))
    drawn = capsys.readouterr().err
    size = path.stat().st_size
    assert drawn.endswith("\n") and "validating clean.nq" in drawn
    last = drawn.rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 30 + "] 100% ") and f"/ {size / 1024 / 1024:.1f} MB" in last
    assert shown.results == reports["clean.nq"][1].results


def test_no_bar_unless_asked(inputs, capsys):
    capsys.readouterr()
    validate_tables(tables_of_files([inputs["clean.nq"]]))
    assert capsys.readouterr().err == ""
