"""Streaming conversion (issue 9) gives exactly the graph of the whole-file reader.

``stream_quads`` reads a file table by table so that memory stays flat; it is
only worth having if it changes nothing. Each case converts one input both
ways — the whole table read at once (``read_tables`` + ``quads``) and streamed
with the size threshold at 0, so that even small files take the streaming
path — and compares the N-Quads byte for byte, the problems reported and the
row counts. The inputs are the bundled table, generated multi-department
files (benchmarks/generate.py) in several line-break styles, and every
odd-input fixture of tests/data/bad/. No expected value here comes from the
code under test: the whole-file reader is the reference.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import reader
from converter.cli import main
from converter.convert import Conversion, quads, read_tables, stream_quads
from converter.reader import TableError, iter_table
from converter.readers.source import SourceError

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

FIXTURES = sorted(p.name for p in BAD.glob("*.txt"))


@pytest.fixture()
def always_stream(monkeypatch):
    """Stream every file, however small."""
    monkeypatch.setattr(reader, "STREAM_THRESHOLD", 0)


def _whole(path: Path) -> tuple[bytes, Conversion]:
    conversion = read_tables([path])
    return ox.serialize(quads(conversion), format=ox.RdfFormat.N_QUADS), conversion


def _streamed(path: Path) -> tuple[bytes, Conversion]:
    conversion = Conversion()
    data = ox.serialize(stream_quads([path], conversion=conversion), format=ox.RdfFormat.N_QUADS)
    return data, conversion


def _same_both_ways(path: Path) -> None:
    try:
        whole, reference = _whole(path)
    except (TableError, SourceError) as err:  # a ZIP or PDF named .txt is refused by the format layer
        with pytest.raises(type(err)) as streamed_err:
            _streamed(path)
        assert str(streamed_err.value) == str(err)
        return
    streamed, summary = _streamed(path)
    assert streamed == whole
    assert [str(p) for p in summary.problems] == [str(p) for p in reference.problems]
    assert [summary.rows(t) for t in summary.tables] == [reference.rows(t) for t in reference.tables]
    assert [t.encoding for t in summary.tables] == [t.encoding for t in reference.tables]


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_streams_to_the_same_graph(always_stream, name):
    _same_both_ways(BAD / name)


def test_bundled_table_streams_to_the_same_graph(always_stream, source_path):
    _same_both_ways(source_path)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_many_tables_stream_to_the_same_graph(always_stream, tmp_path, newline):
    path = tmp_path / "many.txt"
    path.write_bytes(newline.join(generate.generate(3, 2)).encode("utf-8"))
    _same_both_ways(path)


def test_trailing_line_break_streams_to_the_same_graph(always_stream, tmp_path):
    path = tmp_path / "trailing.txt"
    path.write_text("\n".join(generate.generate(2, 1)) + "\n", encoding="utf-8")
    _same_both_ways(path)


def test_streaming_holds_one_table_per_part(always_stream, tmp_path):
    """Six tables come as six parts, each with one department (the point of streaming)."""
    path = tmp_path / "six.txt"
    generate.write(3, 2, path)
    assert [len(part.departments) for part in iter_table(path)] == [1] * 6


def test_small_files_are_read_whole(source_path):
    """Below the threshold the file is one part: the whole-file reader, unchanged."""
    assert [len(part.departments) for part in iter_table(source_path, threshold=1 << 30)] == [1]


def test_strict_streamed_conversion_writes_nothing(always_stream, tmp_path):
    """--strict still leaves no file when the source has problems, though it is streamed."""
    out = tmp_path / "out.nt"
    assert main(["convert", str(BAD / "bad-amount.txt"), "--format", "nt", "-o", str(out), "--strict"]) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
