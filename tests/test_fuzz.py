"""Fuzzing the converter with mutated real rows (issue 8).

Hypothesis takes the first two pages of the bundled table (source lines 1–28:
title, 部门名称, 单位, header, 合计, a unit and nine projects, a page break)
and mutates them the way exports go wrong: cut a line or the whole file,
duplicate, drop or swap lines, swap cells, inject separators and odd
characters, damage a byte, re-encode (UTF-8, BOM, GB18030, UTF-16; LF, CRLF,
CR). Whatever comes out, ``perfkg convert`` must either

* convert, printing only ``SEVERITY: FILE:LINE: … [code]`` lines and summaries,
  and write a graph whose ``export-table`` gives back every converted row's
  source line, or
* refuse the file in one ``perfkg: FILE:LINE: …`` line, writing nothing —

never raise. The runs are bounded (``max_examples``, ``deadline=None``) so the
module takes well under a minute on two cores.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.cli import main
from converter.reader import HEADER_LINE, read_table

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
LINES = SOURCE.read_text(encoding="utf-8").split("\n")[:28]
NAME = "fuzzed.txt"
INDICATOR = ox.NamedNode("https://w3id.org/perfkg/ontology#Indicator")

PROBLEM_LINE = re.compile(r"^(info|warning|error): fuzzed\.txt:(?P<line>\d+): .+ \[[a-z0-9-]+\]$")
UNUSABLE_LINE = re.compile(r"^perfkg: fuzzed\.txt:(?P<line>\d+): .+$")
SUMMARY_LINE = re.compile(r"^perfkg: (\d+ error\(s\), \d+ warning\(s\), \d+ note\(s\) about the source|fuzzed\.txt: read as .+)")

#: What exports leave in text: separators, odd white space, controls, markup, astral characters.
ODD = [
    "\t", "\t\t", "\r", "\n", "\r\n", "\u3000", "\xa0", " ", "\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ufeff",
    "\ufffe", "\ufffd", '"', "'", "\\", "<", "&", "\U00020000", "\U0001F600", "，", "；", ";", "、", "。", "1、",
    "-", "—", ",", ".", "合计", "实施周期指标值:", "年度指标值:", "项目名称（资金使用单位）",
]

line_index = st.integers(min_value=0, max_value=len(LINES) - 1)


@st.composite
def mutation(draw, lines: list[str]) -> list[str]:
    """One change to the lines, as an export or a download might make it."""
    lines = list(lines)
    i = draw(st.integers(min_value=0, max_value=max(0, len(lines) - 1)))
    if not lines:
        return lines
    kind = draw(st.sampled_from(["cut", "duplicate", "drop", "swap-lines", "swap-cells", "inject", "inject-text"]))
    line = lines[i]
    if kind == "cut":
        lines[i] = line[: draw(st.integers(min_value=0, max_value=len(line)))]
    elif kind == "duplicate":
        lines.insert(draw(st.integers(min_value=0, max_value=len(lines))), line)
    elif kind == "drop":
        del lines[i]
    elif kind == "swap-lines":
        j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "swap-cells":
        cells = line.split("\t")
        a, b = draw(st.integers(0, len(cells) - 1)), draw(st.integers(0, len(cells) - 1))
        cells[a], cells[b] = cells[b], cells[a]
        lines[i] = "\t".join(cells)
    else:
        at = draw(st.integers(min_value=0, max_value=len(line)))
        what = draw(st.sampled_from(ODD)) if kind == "inject" else draw(st.text(max_size=8))
        lines[i] = line[:at] + what + line[at:]
    return lines


@st.composite
def mutated_file(draw) -> bytes:
    lines = LINES
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        lines = draw(mutation(lines))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    data = text.encode(codec)
    if draw(st.integers(min_value=0, max_value=4)) == 0:  # a broken download or a damaged byte
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] if draw(st.booleans()) else data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data


def rows(department) -> list:
    """A table's rows as export-table writes them: by source line."""
    held = ([department.total] if department.total else []) + [r for u in department.units for r in [u, *u.projects]]
    return sorted(held, key=lambda r: r.line)


def run(argv: list[str]) -> tuple[int, list[str]]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue().splitlines()


def check_messages(stderr: list[str], lines: int) -> None:
    for line in stderr:
        m = PROBLEM_LINE.match(line) or UNUSABLE_LINE.match(line)
        assert m or SUMMARY_LINE.match(line), line
        if m:
            assert 1 <= int(m["line"]) <= lines + 1, line


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(mutated_file())
def test_mutated_table_converts_with_named_lines_or_fails_cleanly(data):
    with tempfile.TemporaryDirectory() as tmp:
        source, out, tsv = Path(tmp) / NAME, Path(tmp) / "g.nt", Path(tmp) / "t.tsv"
        source.write_bytes(data)
        code, stderr = run(["convert", str(source), "-o", str(out), "--format", "nt"])
        check_messages(stderr, data.count(b"\n") + data.count(b"\r"))
        if code == 2:
            assert not out.exists() and len(stderr) == 1 and UNUSABLE_LINE.match(stderr[0])
            return
        assert code in (0, 3)
        assert run(["export-table", str(out), "-o", str(tsv)])[0] == 0
        table = read_table(source)
        exported = tsv.read_text(encoding="utf-8").split("\n")
        assert exported == [HEADER_LINE] + [r.raw for d in table.departments for r in rows(d)] + [""]
        # no two indicators share an IRI, whatever numbering the mutated cell shows
        typed = {q.subject for q in ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES) if q.object == INDICATOR}
        assert len(typed) == sum(len(p.indicators) for d in table.departments for u in d.units for p in u.projects)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_file())
def test_strict_either_writes_a_clean_table_or_nothing(data):
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / NAME, Path(tmp) / "g.ttl"
        source.write_bytes(data)
        code, stderr = run(["convert", str(source), "-o", str(out), "--strict"])
        assert code in (0, 1, 2)
        assert out.exists() == (code == 0)
        assert [p.name for p in Path(tmp).iterdir() if p.name.endswith(".part")] == []
        if code == 0:
            assert not any(line.startswith(("warning", "error")) for line in stderr)
