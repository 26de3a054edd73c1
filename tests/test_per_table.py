"""A per-table saved query asked one table at a time gives the whole store's answer, or is not asked so (issue 15).

The reference is always the whole store (``OxigraphBackend.solutions``, the
union of the graphs as the default graph): the rows, their order and the
bytes written. The inputs: the README's four documents (a text table and three
forms, whose rows have no source line: an unbound ?line in the order), two
years of the bundled table, and small stores written here by hand.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import catalog, pipeline, query, validate
from converter.per_table import Plan, Unordered, order_variables, plan, solutions, sort_key

ROOT = Path(__file__).resolve().parent.parent
README_INPUTS = ["data/guangzhou-hrss-2024-project-performance-goals.txt", "tests/data/forms/wuhan-qingshan-2020.xlsx",
                 "tests/data/forms/liuan-jinan-2025.pdf", "tests/data/forms/jinzhai-kaifaqu-2021.html"]  # fmt: skip
PER_TABLE = ["indicators", "period-annual-target-differences", "qualitative-targets"]
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def readme_build(tmp_path_factory) -> tuple[pipeline.BuildReport, Path]:
    root = tmp_path_factory.mktemp("per-table")
    report = pipeline.build([ROOT / p for p in README_INPUTS], root / "out", root / "store")
    return report, root / "store"


def _whole_and_by_table(store_dir: Path, name: str, apart) -> tuple[str, str | None]:
    backend = query.store_backend(store_dir)
    text = catalog.bind(catalog.load(name))
    whole = query.write_csv(backend.select(text))
    found = plan(backend.store, apart)
    got = solutions(backend.store, text, found) if found else None
    return whole, None if got is None else query.write_csv(query.Result(got[0], list(got[1])))


def test_the_saved_queries_that_say_per_table():
    assert sorted(q.name for q in catalog.catalogue() if q.per_table) == PER_TABLE
    assert order_variables(catalog.bind(catalog.load("indicators"))) == ["year", "line", "sequence", "indicator"]


@pytest.mark.parametrize("text", [
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",  # not DISTINCT: a row two tables both give would be lost
    "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY DESC(?s)",
    "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10",
    "SELECT DISTINCT ?s WHERE { ?s ?p ?o }",
    "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s",  # sees every graph from each table's query
])
def test_a_query_these_rules_cannot_merge_is_not_asked_by_table(text):
    assert order_variables(text) is None


def test_the_order_of_values_is_sparqls():
    kinds: dict[int, str] = {}
    values = [query.Term("literal", v, XSD + "integer") for v in ("10", "9", "-1")]
    assert sorted(values, key=lambda t: sort_key(t, kinds, 0)) == [values[2], values[1], values[0]]  # by value
    assert sort_key(None, {}, 0) < sort_key(query.Term("uri", "http://a"), {}, 0)  # unbound first
    assert sort_key(query.Term("literal", "2024", XSD + "gYear"), {}, 0) > sort_key(query.Term("literal", "2023", XSD + "gYear"), {}, 0)
    with pytest.raises(Unordered):  # a number and a text in one variable: SPARQL leaves the order open
        sort_key(query.Term("literal", "x", XSD + "string"), kinds, 0)
    with pytest.raises(Unordered):
        sort_key(query.Term("literal", "文本", None, "zh"), {}, 0)


def test_the_readme_build_asks_them_by_table_and_writes_the_whole_stores_answers(readme_build):
    report, store_dir = readme_build
    assert report.per_table == PER_TABLE
    apart = [g.value for g in ox.Store.read_only(str(store_dir)).named_graphs() if "/table/" in g.value]
    assert len(apart) == 4
    for name in PER_TABLE:
        whole, by_table = _whole_and_by_table(store_dir, name, apart)
        assert by_table == whole, name

def test_rows_without_a_source_line_merge_first_within_their_year(source_path, tmp_path):
    """Two 2025 forms (no pk:sourceLine: ?line unbound) and the bundled table as a 2025 table (lines bound):
    the order's first variable ties across the three tables, and the unbound ?line comes first."""
    from conftest import write_year

    inputs = [write_year(source_path, tmp_path / "gz-2025.txt", 2025), ROOT / "tests/data/forms/liuan-jinan-2025.html",
              ROOT / "tests/data/forms/liuan-yeji-2025.html"]  # fmt: skip
    report = pipeline.build(inputs, tmp_path / "out", tmp_path / "store")
    assert report.per_table == PER_TABLE
    apart = [g.value for g in ox.Store.read_only(str(tmp_path / "store")).named_graphs() if "/table/" in g.value]
    for name in PER_TABLE:
        whole, by_table = _whole_and_by_table(tmp_path / "store", name, apart)
        assert by_table == whole, name
    lines = [row.split(",")[4] for row in whole.split("\r\n")[1:-1]]  # qualitative-targets' ?line
    years = {row.split(",")[3] for row in whole.split("\r\n")[1:-1]}
    unbound = [i for i, line in enumerate(lines) if line == ""]
    bound = [i for i, line in enumerate(lines) if line != ""]
    assert years == {"2025"} and unbound and bound and max(unbound) < min(bound)  # the forms' rows, then the table's


def test_two_years_give_the_whole_stores_answer(multi_year_nquads, tmp_path):
    checked = validate.validate_tables(validate.tables_of_files([multi_year_nquads]))
    assert len(checked.apart) == 2
    from converter.cli import main

    assert main(["load", str(multi_year_nquads), "--store", str(tmp_path / "store")]) == 0
    for name in PER_TABLE:
        whole, by_table = _whole_and_by_table(tmp_path / "store", name, checked.apart)
        assert by_table == whole and whole.count("\r\n") > 2, name


def test_tables_that_link_are_not_apart_and_asked_by_table_would_give_other_rows(multi_year_nquads, tmp_path):
    """A 2025 project given a 2024 indicator: the union joins them, a table alone cannot."""
    data = multi_year_nquads.read_bytes()
    loaded = ox.Store()
    loaded.load(data, format=ox.RdfFormat.N_QUADS)
    pk = "https://w3id.org/perfkg/ontology#"
    rows = {str(r["y"].value): (r["p"], r["i"], r["g"]) for r in loaded.query(
        f"SELECT ?y ?p ?i ?g WHERE {{ GRAPH ?g {{ ?p <{pk}indicator> ?i ; <{pk}fiscalYear> ?y }} }}")}  # fmt: skip
    project_2025, graph_2025 = rows["2025"][0], rows["2025"][2]
    indicator_2024 = rows["2024"][1]
    linked = tmp_path / "linked.nq"
    linked.write_bytes(data + f"{project_2025} <{pk}indicator> {indicator_2024} {graph_2025} .\n".encode())
    assert validate.validate_tables(validate.tables_of_files([linked])).apart == ()
    from converter.cli import main

    assert main(["load", str(linked), "--store", str(tmp_path / "store")]) == 0
    forced = [g.value for g in ox.Store.read_only(str(tmp_path / "store")).named_graphs() if "/table/" in g.value]
    whole, by_table = _whole_and_by_table(tmp_path / "store", "indicators", forced)
    assert by_table is not None and by_table != whole  # why the tables must stand apart
    assert whole.count("\r\n") == by_table.count("\r\n") + 1  # the 2024 indicator, a second time, under 2025's project


def test_the_store_must_hold_the_tables_apart_and_nothing_else(readme_build):
    _, store_dir = readme_build
    store = ox.Store.read_only(str(store_dir))
    tables = sorted(g.value for g in store.named_graphs() if "/table/" in g.value)
    found = plan(store, tables)
    assert found is not None and [t.value for t in found.tables] == tables
    assert [g.value for g in found.shared if isinstance(g, ox.NamedNode)] == [
        "https://w3id.org/perfkg/vocabulary", "https://w3id.org/perfkg/reference", "https://w3id.org/perfkg/loads"]
    assert plan(store, tables[1:]) is None  # a table validation did not see
    assert plan(store, ()) is None


def _two_graphs(second: list[str]) -> ox.Store:
    store = ox.Store()
    first = ['<http://x/a> <http://x/n> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g1> .',
             '<http://x/b> <http://x/n> "10"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g1> .',
             '<http://x/e> <http://x/n> "5"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g1> .']  # fmt: skip
    store.load("\n".join(first + second).encode(), format=ox.RdfFormat.N_QUADS)
    return store


TEXT = "SELECT DISTINCT ?s ?n WHERE { ?s <http://x/n> ?n } ORDER BY ?n ?s"
TWO = Plan((ox.NamedNode("http://x/g1"), ox.NamedNode("http://x/g2")), (ox.DefaultGraph(),))


def test_two_tables_merge_in_order_and_a_row_both_give_comes_once():
    store = _two_graphs(['<http://x/c> <http://x/n> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g2> .',
                         '<http://x/e> <http://x/n> "5"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g2> .'])  # fmt: skip
    variables, rows = solutions(store, TEXT, TWO)
    assert [(r[0].value, r[1].value) for r in rows] == [("http://x/c", "1"), ("http://x/a", "2"), ("http://x/e", "5"), ("http://x/b", "10")]
    assert query.write_csv(query.Result(*solutions(store, TEXT, TWO))) == query.write_csv(query.OxigraphBackend(store).select(TEXT))


def test_a_variable_of_two_kinds_across_tables_stops_the_merge():
    store = _two_graphs(['<http://x/c> <http://x/n> "one" <http://x/g2> .'])
    variables, rows = solutions(store, TEXT, TWO)
    with pytest.raises(Unordered):
        list(rows)


def test_a_merge_that_stops_part_way_leaves_the_whole_stores_answer(readme_build, tmp_path, monkeypatch):
    """The build asks the whole store again, the rows written so far dropped: the same files as a build by table."""
    import openpyxl

    from converter import per_table

    _, store_dir = readme_build
    real, calls = per_table.sort_key, []

    def fails_at_500(term, kinds, column):
        calls.append(1)
        if len(calls) == 500:  # inside indicators' 1,281 rows: part of its CSVs and sheet written
            raise Unordered("as a value this module cannot order would")
        return real(term, kinds, column)

    monkeypatch.setattr(per_table, "sort_key", fails_at_500)
    build = pipeline.BuildReport()
    apart = [g.value for g in ox.Store.read_only(str(store_dir)).named_graphs() if "/table/" in g.value]
    pipeline._answer_queries(store_dir, tmp_path / "queries", build, lambda _: None, apart=apart)
    assert build.per_table == PER_TABLE[1:]  # indicators asked again of the whole store
    monkeypatch.setattr(per_table, "sort_key", real)
    again = pipeline.BuildReport()
    pipeline._answer_queries(store_dir, tmp_path / "again" / "queries", again, lambda _: None, apart=apart)
    assert again.per_table == PER_TABLE
    for name in ("queries/indicators.csv", "answers/indicators.csv", "answers.xlsx"):
        assert (tmp_path / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert [p.name for p in (tmp_path / "queries").iterdir() if p.name.startswith(".")] == []  # no temporary left
    assert openpyxl.load_workbook(tmp_path / "answers.xlsx", read_only=True).sheetnames.count("全部绩效指标") == 1
