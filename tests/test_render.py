"""Rendering departments in parallel (converter/render.py, issue 9): the same bytes for any number of jobs.

The reference is the builder's own quads (``convert.quads`` of the records
read whole), the path every other test of the graph checks: what the
renderer writes must parse back to exactly those statements, with the
statements several graphs share written once.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import reader, render
from converter.cli import main
from converter.convert import quads, read_tables, stream_graph, write_graph

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

FORMATS = ["nt", "turtle", "nq", "trig"]
PARSE = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


@pytest.fixture(scope="module")
def four_tables(tmp_path_factory) -> Path:
    """Four departments, one after another (benchmarks/generate.py): four parts when streamed."""
    path = tmp_path_factory.mktemp("render") / "four.txt"
    generate.write(4, 1, path)
    return path


@pytest.fixture()
def always_stream(monkeypatch):
    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 0)


def _streamed(paths: list[Path], fmt: str, jobs: int, out: Path) -> bytes:
    target = out / f"{jobs}.{fmt}"
    stream_graph(paths, fmt, target, jobs=jobs)
    return target.read_bytes()


def _statements(data: bytes, fmt: str) -> set[str]:
    parsed = ox.parse(data, format=PARSE[fmt])
    if fmt in {"nq", "trig"}:
        return {str(q) for q in parsed}
    return {str(q.triple) for q in parsed}


def _reference(paths: list[Path], fmt: str) -> set[str]:
    built = quads(read_tables(paths))
    if fmt in {"nq", "trig"}:
        return {str(q) for q in built}
    return {str(q.triple) for q in built}


@pytest.mark.parametrize("workers", ["forked", "pool"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_two_jobs_write_the_same_bytes_as_one(always_stream, four_tables, tmp_path, fmt, workers, monkeypatch):
    """Forked children (POSIX) and the process pool (elsewhere, or beside other threads) alike."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = _streamed([four_tables], fmt, 1, tmp_path)
    if workers == "pool":
        monkeypatch.setattr(render, "_can_fork", lambda: False)
    monkeypatch.setattr(render, "PARTS_PER_WORKER", 1)  # two batches of two: the batch boundary is crossed
    two = _streamed([four_tables], fmt, 2, tmp_path)
    assert one == two
    assert len(one) > 1_000_000  # four tables' worth, not an empty file that equals another


def test_a_failing_worker_leaves_no_output_and_no_temporary_file(always_stream, four_tables, tmp_path, monkeypatch):
    """A child that fails reports its traceback; the output and the children's files are gone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken(task, pieces):
        raise ValueError("rendering broke on purpose")

    monkeypatch.setattr(render, "_render", broken)
    target = tmp_path / "out.ttl"
    with pytest.raises(render.RenderError, match="rendering broke on purpose"):
        stream_graph([four_tables], "turtle", target, jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_parallel_output_holds_exactly_the_builders_statements(always_stream, four_tables, tmp_path, fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _statements(_streamed([four_tables], fmt, 2, tmp_path), fmt) == _reference([four_tables], fmt)


@pytest.mark.parametrize("fmt", ["nt", "nq"])
def test_shared_statements_are_written_once(always_stream, four_tables, tmp_path, fmt):
    """Organisations, indicator definitions, the schemes, the fiscal year: one line each, whichever worker rendered them.

    As many lines as the builder's distinct statements: none twice, none lost.
    """
    lines = _streamed([four_tables], fmt, 2, tmp_path).decode("utf-8").splitlines()
    assert len(lines) == len(_reference([four_tables], fmt))
    period = [line for line in lines if line.startswith("<https://w3id.org/perfkg/id/period/2024> ")]
    assert period and len(period) == len(set(period))


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_prefixes_are_stated_once_at_the_top(always_stream, four_tables, tmp_path, fmt):
    text = _streamed([four_tables], fmt, 2, tmp_path).decode("utf-8")
    assert text.count("@prefix pk: <https://w3id.org/perfkg/ontology#> .") == 1
    assert text.startswith("@prefix ")
    assert not re.search(r"\n@prefix", text[text.index("\n@prefix schema:") + 1 :])


def test_a_department_met_again_goes_on_counting(source_path, tmp_path, monkeypatch):
    """The bundled table given twice: one table IRI, so the second file's unit rows get ``-2``.

    17 unit rows, 17 distinct unit names (awk over column 1 of the rows with
    an amount and no goal), so 17 IRIs end in ``-2`` — with two jobs as with one.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    paths = [source_path, source_path]
    one = _streamed(paths, "nt", 1, tmp_path)
    two = _streamed(paths, "nt", 2, tmp_path)
    assert one == two
    units = {m for m in re.findall(rb"<(https://w3id.org/perfkg/id/table/[0-9a-f]{16}/2024/unit/[0-9a-f]{16}(?:-\d+)?)>", two)}
    assert len([u for u in units if u.endswith(b"-2")]) == 17
    assert len(units) == 34
    assert _statements(two, "nt") == _reference(paths, "nt")


def test_whole_read_tables_render_the_same_as_streamed_parts(always_stream, four_tables, tmp_path, monkeypatch):
    """``write_graph`` (records read whole, as ``--validate`` does) and ``stream_graph`` agree byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    whole = tmp_path / "whole.ttl"
    write_graph(read_tables([four_tables]), "turtle", whole, jobs=2)
    assert whole.read_bytes() == _streamed([four_tables], "turtle", 1, tmp_path)


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(source_path, tmp_path, capsys, value):
    assert main(["convert", str(source_path), "-o", str(tmp_path / "x.ttl"), "--jobs", value]) == 2
    assert "--jobs takes a whole number of processes, 1 or more" in capsys.readouterr().err
    assert not (tmp_path / "x.ttl").exists()


def test_ctrl_c_while_workers_render_leaves_nothing_behind(always_stream, four_tables, tmp_path, monkeypatch, capsys):
    """Ctrl-C in the writing process while the children render (it is reading the next batch) stops
    them, removes their files and the half-written output, and ends with exit 130 and one line."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(render, "PARTS_PER_WORKER", 1)
    calls = []
    real = render._next_batch

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:  # the first batch's children are running now
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(render, "_next_batch", interrupted)
    out = tmp_path / "out.ttl"
    assert main(["convert", str(four_tables), "-o", str(out), "--jobs", "2"]) == 130
    assert capsys.readouterr().err.strip().endswith("perfkg: interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert len(calls) == 2


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("formats", [("turtle", "nq"), ("nt", "trig")])
def test_formats_rendered_together_are_the_bytes_each_has_alone(four_tables, source_path, always_stream, tmp_path, jobs, formats):
    """``perfkg build`` builds the graph once for Turtle and N-Quads (issue 15): each file as written alone, and as
    written from the records read whole (what the build wrote before)."""
    from converter.convert import stream_graphs

    paths = [four_tables, source_path]
    together = {fmt: tmp_path / f"together.{fmt}" for fmt in formats}
    conversion = stream_graphs(paths, together, jobs=jobs)
    held = read_tables(paths)
    assert [conversion.rows(t) for t in conversion.tables] == [held.rows(t) for t in held.tables]  # every row, per file
    for fmt in formats:
        alone = _streamed(paths, fmt, jobs, tmp_path)
        write_graph(held, fmt, tmp_path / f"held.{fmt}")
        assert together[fmt].read_bytes() == alone == (tmp_path / f"held.{fmt}").read_bytes()
        assert len(_statements(alone, fmt)) > 4 * 37_000  # four tables' worth (the bundled table is the copy 0 met again)


def test_a_format_that_cannot_be_written_together_is_refused_before_any_file(four_tables, tmp_path):
    from converter.convert import stream_graphs

    with pytest.raises(ValueError, match="formats written together"):
        stream_graphs([four_tables], {"nq": tmp_path / "g.nq", "json-ld": tmp_path / "g.jsonld"})
    assert not list(tmp_path.iterdir())
