"""The README's main job, ``perfkg build``, end to end on the bundled table."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main
from converter.query import store_backend

EXPECTED = Path(__file__).resolve().parent / "expected"


@pytest.fixture(scope="module")
def built(source_path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    assert main(["build", str(source_path), "--out", str(root / "out"), "--store", str(root / "store")]) == 0
    return root


def test_graph_files_are_written_and_agree(built):
    ttl = {(t.subject, t.predicate, t.object) for t in ox.parse(path=str(built / "out" / "graph.ttl"), format=ox.RdfFormat.TURTLE)}
    nq = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(built / "out" / "graph.nq"), format=ox.RdfFormat.N_QUADS)}
    assert ttl == nq
    projects = {s for s, p, o in ttl if p.value.endswith("#type") and o.value.endswith("ontology#Project")}
    assert len(projects) == 258  # awk count, see test_reader.py


def test_validation_report_has_no_violation(built):
    report = (built / "out" / "validation.txt").read_text(encoding="utf-8")
    assert report.strip().splitlines()[-1].startswith("violations: 0, ")


def test_the_builds_validation_report_is_the_one_validate_tables_writes(built):
    """The build validates in a forked child where it can (converter/forked.py; tests/test_forked.py shows
    the child's results are those of this process): validation.txt is the report of the whole graph."""
    from converter import validate

    here = validate.validate_tables(validate.tables_of_files([built / "out" / "graph.nq"]), validate.DEFAULT_ENGINE)
    assert (built / "out" / "validation.txt").read_text(encoding="utf-8") == validate.as_text(here, limit=1000) + "\n"
    assert len(here.results) > 200 and here.apart  # a report with results, of a table standing apart


def test_store_holds_the_table_graph(built):
    backend = store_backend(built / "store")
    result = backend.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/perfkg/ontology#Project> }")
    assert result.rows[0][0].value == "258"


def _csv_column_values(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def test_units_without_satisfaction_indicator_answer(built):
    # sed -n 247,271p data/… | grep -c 满意度指标 → 0: the employment centre's 9 projects have none
    answer = built / "out" / "queries" / "units-without-satisfaction-indicator.csv"
    assert _csv_column_values(answer, "unitName") == ["广州市劳动就业服务管理中心"]
    assert _csv_column_values(answer, "unitName") == _csv_column_values(EXPECTED / "units-without-satisfaction-indicator.csv", "unitName")


def test_every_offline_saved_query_is_answered(built):
    answered = {p.stem for p in (built / "out" / "queries").glob("*.csv")}
    expected = {p.stem for p in EXPECTED.glob("*.csv")}
    assert expected <= answered
    assert "districts-with-wikidata" not in answered  # federated: needs the internet


def test_the_query_command_prints_the_answer_as_csv(built, capsys):
    assert main(["query", "units-without-satisfaction-indicator", "--store", str(built / "store"), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("unit,unitName") and "广州市劳动就业服务管理中心" in lines[1] and len(lines) == 2


def test_build_loads_the_quads_a_conversion_of_the_documents_loads(built, source_path, tmp_path):
    """The build bulk-loads its graph.nq (issue 15); ``perfkg load`` of the source converts it again: the same store."""
    assert main(["load", "-q", str(source_path), "--store", str(tmp_path / "store")]) in (0, 3)

    def lines(folder: Path) -> list[bytes]:
        return sorted((ox.Store.read_only(str(folder)).dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines())

    built_lines, loaded_lines = lines(built / "store"), lines(tmp_path / "store")
    assert len(built_lines) > 37_000  # the table (37,110 triples, benchmarks/README.md) and its load record
    assert built_lines == loaded_lines
