"""RDF tool conventions (issue 17): the extension decides the format, aliases and media types,
``-`` for standard input and output, ``.gz`` in and out.

The format of what perfkg writes is checked by parsing it strictly with the
format its name says (pyoxigraph's N-Triples parser refuses Turtle's
``@prefix``), and by Debian's ``rapper`` where it is installed (``.ci/run``
installs it); pipes run the real ``perfkg`` command in subprocesses.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main
from converter.serialize import EXTENSIONS
from converter.streams import ALIASES, FormatError, format_name, output_format, sniff

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
SMALL = ROOT / "tests" / "data" / "bad" / "ok.txt"
PERFKG = [sys.executable, "-m", "converter"]
STRICT = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
          "trig": ox.RdfFormat.TRIG, "json-ld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}  # fmt: skip
RAPPER = {"turtle": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig", "xml": "rdfxml"}


def _count(path: Path, fmt: str) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=STRICT[fmt]))


def _rapper_count(path: Path, fmt: str) -> int:
    rapper = shutil.which("rapper")
    assert rapper, "rapper is missing: apt-get install raptor2-utils (.ci/run does)"
    done = subprocess.run([rapper, "-c", "-i", RAPPER[fmt], str(path)], capture_output=True, text=True, check=True)
    return int(done.stderr.split("returned ")[1].split(" ")[0])


# -- the extension decides ---------------------------------------------------------


@pytest.mark.parametrize("ext, fmt", [(".nt", "nt"), (".nq", "nq"), (".trig", "trig"), (".ttl", "turtle"), (".rdf", "xml")])
def test_the_output_extension_decides_the_format(tmp_path, ext, fmt):
    out = tmp_path / f"x{ext}"
    assert main(["convert", str(SMALL), "-o", str(out)]) == 0
    # a second parser, not perfkg's own, reads the file in the format its name says
    assert _rapper_count(out, fmt) == _count(out, fmt) > 0
    if fmt == "nt":
        assert not out.read_text(encoding="utf-8").startswith("@prefix")


def test_the_bundled_table_to_x_nt_is_n_triples_that_load_reads(tmp_path, capsys):
    out = tmp_path / "x.nt"
    assert main(["convert", str(SOURCE), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert all(line.startswith(("<", "_:")) and line.endswith(" .") for line in lines)
    assert _count(out, "nt") == len(lines)
    assert main(["load", str(out), "--store", str(tmp_path / "s")]) == 0


def test_a_format_the_extension_contradicts_is_an_error_and_nothing_is_written(tmp_path, capsys):
    out = tmp_path / "x.nt"
    assert main(["convert", str(SMALL), "-o", str(out), "--format", "turtle"]) == 2
    err = capsys.readouterr().err
    assert "N-Triples" in err and "Turtle" in err and str(out) in err
    assert not out.exists()


def test_format_agreeing_with_the_extension_and_unknown_extensions(tmp_path):
    assert output_format("nt", "x.nt") == "nt"
    assert output_format(None, "x.nt.gz") == "nt"
    assert output_format(None, "x.out") == "turtle"  # an extension that names no format: the default
    assert output_format("nq", "x.out") == "nq"
    assert output_format(None, None) == "turtle"
    with pytest.raises(FormatError):
        output_format("xml", "x.jsonld")


@pytest.mark.parametrize("alias, name", [(a, n) for n, aliases in ALIASES.items() for a in aliases])
def test_every_alias_and_media_type_names_its_format(alias, name):
    assert format_name(alias) == name
    assert format_name(alias.upper()) == name


def test_a_media_type_with_parameters_and_an_unknown_name():
    assert format_name("text/turtle; charset=utf-8") == "turtle"
    with pytest.raises(FormatError, match="ntriples"):  # the message lists the known names
        format_name("n3")


@pytest.mark.parametrize("alias", ["ttl", "ntriples", "nquads", "jsonld", "rdfxml", "application/n-quads"])
def test_aliases_on_the_command_line_give_the_canonical_bytes(tmp_path, alias):
    canonical = format_name(alias)
    assert main(["convert", str(SMALL), "--format", alias, "-o", str(tmp_path / "a")]) == 0
    assert main(["convert", str(SMALL), "--format", canonical, "-o", str(tmp_path / "b")]) == 0
    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()
    assert _count(tmp_path / "a", canonical) > 0


def test_an_unknown_format_is_a_usage_error(capsys):
    assert main(["convert", str(SMALL), "--format", "n3"]) == 2
    assert "unknown RDF format 'n3'" in capsys.readouterr().err


# -- standard input and output ---------------------------------------------------


def _run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PERFKG, *args], input=stdin, capture_output=True, cwd=cwd or ROOT, check=False)


def test_dash_o_writes_standard_output_and_no_file_named_dash(tmp_path):
    done = _run("convert", str(SMALL), "-o", "-", "--format", "nt", cwd=tmp_path)
    assert done.returncode == 0
    assert not (tmp_path / "-").exists()
    assert done.stdout == _run("convert", str(SMALL), "--format", "nt").stdout
    assert done.stdout.startswith(b"<")


def test_the_pipe_of_the_issue_fills_the_store_as_loading_the_file_does(tmp_path):
    """cat T.txt | perfkg convert - --format nq | perfkg load - --store S"""
    converted = _run("convert", "-", "--format", "nq", stdin=SOURCE.read_bytes())
    assert converted.returncode == 0, converted.stderr.decode()
    loaded = _run("load", "-", "--store", str(tmp_path / "piped"), stdin=converted.stdout)
    assert loaded.returncode == 0, loaded.stderr.decode()
    assert main(["load", str(SOURCE), "--store", str(tmp_path / "direct")]) == 0
    piped, direct = ox.Store.read_only(str(tmp_path / "piped")), ox.Store.read_only(str(tmp_path / "direct"))
    tables = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (CONTAINS(STR(?g), '/table/')) } GROUP BY ?g"
    by_graph = lambda s: {(r["g"].value, int(r["n"].value)) for r in s.query(tables)}  # noqa: E731
    assert by_graph(piped) == by_graph(direct)
    assert len(by_graph(piped)) == 1
    # the number of projects is the number of data lines under unit rows in the source: 258
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/perfkg/ontology#Project> } }"
    assert int(next(iter(piped.query(count)))["n"].value) == 258


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nq", "trig", "json-ld", "xml"])
def test_standard_input_of_each_format_is_sniffed(tmp_path, fmt):
    out = tmp_path / f"g{EXTENSIONS[fmt]}"
    assert main(["convert", str(SMALL), "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    sniffed = sniff(data[:65536])
    # Turtle is read as TriG and N-Triples as N-Quads: each grammar contains the other
    assert sniffed == {"turtle": "trig", "nt": "nq"}.get(fmt, fmt)
    stats = _run("stats", "-", "--format", "json", stdin=data)
    assert stats.returncode == 0, stats.stderr.decode()
    direct = _run("stats", str(out), "--format", "json")
    assert json.loads(stats.stdout)["projects"] == json.loads(direct.stdout)["projects"] > 0


def test_a_source_table_on_standard_input_is_sniffed_as_a_table():
    assert sniff(SOURCE.read_bytes()[:65536]) == "table"
    assert sniff((ROOT / "tests" / "data" / "bad" / "gbk.txt").read_bytes()) == "table"


def test_the_stdin_format_can_be_given(tmp_path):
    data = _run("convert", str(SMALL), "--format", "nt").stdout
    done = _run("stats", "-", "--input-format", "ntriples", "--format", "json", stdin=data)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["projects"] > 0


def test_a_query_from_standard_input_without_prefixes(tmp_path):
    text = b"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pk:Project ; rdfs:label ?l }\n"
    done = _run("query", "-", "--data", str(SOURCE), "--format", "csv", stdin=text)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().splitlines() == ["n", "258"]


# -- gzip ---------------------------------------------------------------------------


def test_gz_output_is_the_plain_output_compressed_the_same_each_time(tmp_path):
    assert main(["convert", str(SMALL), "-o", str(tmp_path / "x.nt")]) == 0
    assert main(["convert", str(SMALL), "-o", str(tmp_path / "x.nt.gz")]) == 0
    packed = (tmp_path / "x.nt.gz").read_bytes()
    assert packed[:2] == b"\x1f\x8b"
    assert gzip.decompress(packed) == (tmp_path / "x.nt").read_bytes()
    assert main(["convert", str(SMALL), "-o", str(tmp_path / "y.nt.gz")]) == 0
    assert (tmp_path / "y.nt.gz").read_bytes() == packed  # no time stamp in the header


def test_gz_inputs_read_as_the_plain_files(tmp_path, capsys):
    table = tmp_path / "T.txt.gz"
    table.write_bytes(gzip.compress(SMALL.read_bytes()))
    assert main(["convert", str(SMALL), "--format", "nq", "-o", str(tmp_path / "plain.nq")]) == 0
    assert main(["convert", str(table), "--format", "nq", "-o", str(tmp_path / "packed.nq")]) == 0
    # the same graph but for the source file's name (T.txt, the name the .gz stands for)
    plain = (tmp_path / "plain.nq").read_text(encoding="utf-8").replace("ok.txt", "T.txt")
    assert (tmp_path / "packed.nq").read_text(encoding="utf-8") == plain
    graph = tmp_path / "g.nq.gz"
    assert main(["convert", str(SMALL), "-o", str(graph)]) == 0
    assert main(["load", str(graph), "--store", str(tmp_path / "s")]) == 0
    assert "g.nq:" in capsys.readouterr().out


def test_a_gz_stream_on_standard_input_is_unpacked():
    data = _run("convert", str(SMALL), "--format", "nq").stdout
    done = _run("stats", "-", "--format", "json", stdin=gzip.compress(data))
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["projects"] == json.loads(_run("stats", str(SMALL), "--format", "json").stdout)["projects"]


def test_a_damaged_gz_file_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "x.nq.gz"
    bad.write_bytes(gzip.compress(b"<a:b> <a:c> <a:d> .\n")[:-6])
    assert main(["stats", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "x.nq.gz" in err[0] and "gzip" in err[0]
