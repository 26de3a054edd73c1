"""Bad input gets a clear error and loses nothing (issue 8).

Each fixture in tests/data/bad/ is the excerpt of the bundled table described
in tests/data/bad/make.py (source lines 1–25) with one defect put in by hand;
the expected lines below are the lines make.py edits, read off the script (the
route independent of the reader), e.g. ``duplicate-row.txt`` inserts a copy of
line 13 as line 14. docs/errors.md shows the message of every case.
"""

from __future__ import annotations

import codecs
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from converter.cli import main
from converter.convert import Conversion, quads
from converter.export import export_rows
from converter.reader import HEADER_LINE, PROBLEM_CODES, read_table, read_table_bytes
from converter.records import Project, Unit
from converter.serialize import FORMATS, write

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
DOCS = ROOT / "docs" / "errors.md"
PK = "https://w3id.org/perfkg/ontology#"

_spec = importlib.util.spec_from_file_location("bad_fixtures", BAD / "make.py")
assert _spec and _spec.loader
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

#: One printed problem: ``severity: FILE:LINE: message (found) [code]``.
PROBLEM_LINE = re.compile(r"^(?P<severity>info|warning|error): (?P<file>[^:]+):(?P<line>\d+): (?P<message>.+) \[(?P<code>[a-z0-9-]+)\]$")
#: The one line of an unusable input: ``perfkg: FILE:LINE: message``.
UNUSABLE_LINE = re.compile(r"^perfkg: (?P<file>[^:]+):(?P<line>\d+|byte \d+|[^:]+![A-Z]+\d+|page \d+): (?P<message>.+)$")

# fixture → (exit code, the warnings and errors as (line, code), in line order)
CONVERTED: dict[str, tuple[int, list[tuple[int, str]]]] = {
    "ok.txt": (0, []),
    "utf8-bom.txt": (0, []),
    "gb18030-crlf.txt": (0, []),
    "gbk.txt": (0, []),
    "utf16.txt": (0, []),
    "cr.txt": (0, []),
    "cut-character.txt": (0, [(25, "truncated-character"), (25, "truncated-row")]),
    "damaged-utf8.txt": (0, [(12, "invalid-bytes")]),
    "control-characters.txt": (0, [(12, "control-character"), (13, "control-character")]),
    "whitespace.txt": (0, []),
    "tab-in-name.txt": (0, [(13, "tab-in-cell")]),
    "tab-in-goal.txt": (0, [(14, "tab-in-cell")]),
    "too-few-columns.txt": (0, [(11, "column-count")]),
    "too-many-columns.txt": (0, [(15, "column-count")]),
    "extra-cell.txt": (0, [(14, "tab-in-cell")]),
    "bad-amount.txt": (3, [(12, "bad-amount"), (13, "bad-amount"), (14, "bad-amount")]),
    "negative-amount.txt": (0, [(15, "negative-amount"), (15, "negative-amount")]),
    "empty-name.txt": (0, [(13, "empty-name")]),
    "project-before-unit.txt": (3, [(11, "project-before-unit")]),
    "missing-header.txt": (0, [(10, "missing-header"), (24, "missing-header")]),
    "header-differs.txt": (0, []),  # a note only: the columns are read by name
    "missing-total.txt": (0, [(5, "missing-total")]),
    "interleaved-tables.txt": (0, [(34, "table-resumed")]),
    "name-variant.txt": (0, [(19, "name-variant")]),
    "amount-unit.txt": (0, [(7, "amount-unit")]),
    "stray-lines.txt": (0, [(1, "unexpected-line"), (26, "unexpected-line")]),
    "truncated-last-line.txt": (0, [(25, "truncated-row")]),
    "truncated-early.txt": (3, [(25, "truncated-row")]),
    "split-row.txt": (0, [(15, "row-split")]),
    "split-in-indicators.txt": (0, [(15, "row-split")]),
    "duplicate-row.txt": (0, [(14, "duplicate-row")]),
    "duplicate-unit-row.txt": (0, [(24, "duplicate-row")]),
    "duplicate-name.txt": (0, [(14, "duplicate-name")]),
    "odd-characters.txt": (0, []),
}

# fixture → (line, words the one-line message must hold)
UNUSABLE: dict[str, tuple[int, str]] = {
    # the content decides, not the name: a ZIP is read as a workbook, and this one is damaged
    "binary-xlsx.txt": ("byte 0", "a damaged ZIP file"),
    "binary-nul.txt": (13, "not a text file: NUL byte"),  # make.py puts the NULs in line 13's name
    "not-text.txt": (9, "neither UTF-8 nor GB18030"),  # `head -c 198 not-text.txt | wc -l` → 8 line breaks
    "empty.txt": (1, "empty file"),
    "blank.txt": (1, "only white space"),
    "only-headers.txt": (5, "no data rows"),  # the 部门名称 line
    "no-title.txt": (1, "no table found"),
    "comma-separated.txt": (5, "line 9 is a comma-separated header"),
}


def convert(fixture: str, tmp_path: Path, capsys, *extra: str) -> tuple[int, list[str], Path]:
    out = tmp_path / "out.ttl"
    code = main(["convert", str(BAD / fixture), "-o", str(out), *extra])
    return code, capsys.readouterr().err.splitlines(), out


def printed_problems(stderr: list[str]) -> list[re.Match]:
    return [m for line in stderr if (m := PROBLEM_LINE.match(line))]


# -- the fixtures are what make.py says ------------------------------------------


@pytest.mark.parametrize("fixture", sorted(make.FIXTURES))
def test_fixture_file_is_up_to_date(fixture):
    assert (BAD / fixture).read_bytes() == make.FIXTURES[fixture]()


@pytest.mark.parametrize("fixture", sorted(make.FIXTURES))
def test_every_fixture_has_an_expectation_and_a_doc_row(fixture):
    assert (fixture in CONVERTED) != (fixture in UNUSABLE)
    assert f"`{fixture}`" in DOCS.read_text(encoding="utf-8")


@pytest.mark.parametrize("fixture", sorted(CONVERTED) + sorted(UNUSABLE))
def test_docs_show_the_message_each_case_gives(fixture, tmp_path, capsys):
    row = next(line for line in DOCS.read_text(encoding="utf-8").splitlines() if f"| `{fixture}` |" in line)
    _, stderr, _ = convert(fixture, tmp_path, capsys)
    for line in stderr:
        if line.startswith(("warning", "error")) or UNUSABLE_LINE.match(line):
            assert line.replace("|", "\\|") in row


def _registries() -> dict[str, dict[str, str]]:
    """Every reader's table of problem codes and severities, by module."""
    from converter import indicators, reader
    from converter.readers.layouts import form, indicator_rows, self_evaluation

    return {m.__name__: m.PROBLEM_CODES for m in (reader, indicators, form, indicator_rows, self_evaluation)}


ALL_CODES = sorted({(name, code, severity) for name, codes in _registries().items() for code, severity in codes.items()})


@pytest.mark.parametrize(("module", "code", "severity"), ALL_CODES)
def test_every_problem_code_is_documented_with_its_severity(module, code, severity):
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{code}` |")]
    assert rows, f"{code} ({module}) is not in a table of docs/errors.md"
    # "warning / error": the code's severity depends on the case, both documented
    assert any(severity in row.split("|")[2] for row in rows), (code, severity, rows)


def test_every_code_the_converter_reports_is_in_a_registry():
    """A code written straight into a ``Problem(…)`` call, or passed to a reader's ``problem``, must be in a table."""
    known = {code for codes in _registries().values() for code in codes}
    used = set()
    for path in (ROOT / "converter").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"\b_?[Pp]roblem\((?:[^()]|\([^()]*\))*\)", text):
            used |= set(re.findall(r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)+)"', call.group(0)))
    assert used, "no Problem(...) call found: the scan is broken"
    assert used <= known, sorted(used - known)


# -- converted with warnings that name lines -----------------------------------------


@pytest.mark.parametrize("fixture", sorted(CONVERTED))
def test_problems_named_by_line_and_exit_code(fixture, tmp_path, capsys):
    expected_code, expected = CONVERTED[fixture]
    code, stderr, out = convert(fixture, tmp_path, capsys)
    found = [(int(m["line"]), m["code"]) for m in printed_problems(stderr) if m["severity"] != "info"]
    assert (code, found) == (expected_code, expected)
    assert out.exists()


@pytest.mark.parametrize("fixture", sorted(CONVERTED))
def test_every_message_line_has_the_documented_form(fixture, tmp_path, capsys):
    _, stderr, _ = convert(fixture, tmp_path, capsys)
    for line in stderr:
        assert PROBLEM_LINE.match(line) or line.startswith("perfkg: "), line
    for m in printed_problems(stderr):
        assert m["file"] == fixture


@pytest.mark.parametrize("fixture", sorted(CONVERTED))
def test_converted_rows_round_trip_through_export_table(fixture, tmp_path, capsys):
    """export-table gives back each converted row's source line (joined, for split rows)."""
    code, _, out = convert(fixture, tmp_path, capsys)
    table = read_table(BAD / fixture)
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    assert list(export_rows(store)) == [HEADER_LINE] + [r.raw for r in _rows(table)]


@pytest.mark.parametrize("fixture", sorted(CONVERTED))
def test_strict_fails_on_any_warning_and_writes_nothing(fixture, tmp_path, capsys):
    expected_code, expected = CONVERTED[fixture]
    code, stderr, out = convert(fixture, tmp_path, capsys, "--strict")
    assert code == (1 if expected else 0)
    assert out.exists() == (not expected)


# -- unusable input: one line, nothing written --------------------------------------


@pytest.mark.parametrize("fixture", sorted(UNUSABLE))
def test_unusable_input_is_refused_in_one_line(fixture, tmp_path, capsys):
    line, words = UNUSABLE[fixture]
    code, stderr, out = convert(fixture, tmp_path, capsys)
    assert code == 2
    assert len(stderr) == 1
    m = UNUSABLE_LINE.match(stderr[0])
    assert m and (m["file"], int(m["line"]) if m["line"].isdigit() else m["line"]) == (fixture, line)
    assert words in m["message"]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_an_existing_output_alone(tmp_path, capsys):
    out = tmp_path / "out.ttl"
    out.write_text("old graph\n", encoding="utf-8")
    assert main(["convert", str(BAD / "empty.txt"), "-o", str(out)]) == 2
    assert main(["convert", str(BAD / "bad-amount.txt"), "-o", str(out), "--strict"]) == 1
    assert out.read_text(encoding="utf-8") == "old graph\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["convert", "{bad}/no-such-file.txt"], "no such file"),
        (["convert", "{bad}"], "Is a directory"),
        (["export-table", "{bad}/ok.txt.ttl"], "no such file"),
    ],
    ids=["missing-file", "directory", "missing-graph"],
)
def test_os_errors_are_one_line_messages(argv, words, capsys):
    assert main([a.format(bad=BAD) for a in argv]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and words in err[0]


def test_rdf_that_does_not_parse_is_a_one_line_message(tmp_path, capsys):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    assert main(["export-table", str(bad)]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


# -- encodings --------------------------------------------------------------------


def _graph(data: bytes, **kwargs) -> set[ox.Quad]:
    """The quads of a table with the source checksum (which must differ) masked."""
    table = read_table_bytes(data, "table.txt", **kwargs)
    sha = table.sha256
    masked = set()
    for q in quads(Conversion([table])):
        terms = [ox.NamedNode(t.value.replace(sha, "SHA")) if isinstance(t, ox.NamedNode) and sha in t.value
                 else ox.Literal(t.value.replace(sha, "SHA"), datatype=t.datatype) if isinstance(t, ox.Literal) and sha in t.value
                 else t for t in (q.subject, q.predicate, q.object, q.graph_name)]
        masked.add(ox.Quad(*terms))
    return masked


ENCODED = {
    "utf-8 with BOM": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "gb18030 with CRLF": lambda text: text.replace("\n", "\r\n").encode("gb18030"),
    "utf-16 (Excel Unicode text)": lambda text: text.replace("\n", "\r\n").encode("utf-16"),
    "CR line ends": lambda text: text.replace("\n", "\r").encode("utf-8"),
}


@pytest.mark.parametrize("variant", sorted(ENCODED))
def test_the_bundled_table_gives_the_same_graph_in_every_encoding(variant, source_path):
    text = source_path.read_text(encoding="utf-8")
    plain, other = _graph(text.encode("utf-8")), _graph(ENCODED[variant](text))
    assert len(plain) > 20000  # the whole table, not an empty graph
    assert plain == other


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_a_download_cut_inside_a_character_is_forgiven(codec):
    # the excerpt ends with "。" on line 25; dropping the last byte cuts that character in every codec
    data = "\n".join(make.base()[1:]).encode(codec)[:-1]
    table = read_table_bytes(data, "cut.txt")
    assert [(p.line, p.code) for p in table.problems if p.severity != "info"] == [
        (25, "truncated-character"), (25, "truncated-row")
    ]
    last = table.departments[0].units[0].projects[-1]
    assert last.line == 25 and last.raw == make.base()[25][:-1]


def test_encoding_is_detected_and_named(tmp_path, capsys):
    code, stderr, _ = convert("gb18030-crlf.txt", tmp_path, capsys)
    assert code == 0 and any("read as gb18030" in line for line in stderr)


def test_forced_encoding_is_used(tmp_path, capsys):
    code, _, out = convert("gb18030-crlf.txt", tmp_path, capsys, "--encoding", "gbk")
    assert code == 0 and out.exists()


def test_forced_wrong_encoding_is_a_clean_error(tmp_path, capsys):
    code, stderr, out = convert("gb18030-crlf.txt", tmp_path, capsys, "--encoding", "utf-8")
    assert code == 2 and not out.exists()
    assert len(stderr) == 1 and "not utf-8 text" in stderr[0]


def test_unknown_encoding_is_a_usage_error(tmp_path, capsys):
    code, stderr, out = convert("ok.txt", tmp_path, capsys, "--encoding", "no-such-codec")
    assert code == 2 and not out.exists()
    assert "unknown encoding" in capsys.readouterr().err + "\n".join(stderr)


# -- what each repair keeps ------------------------------------------------------------


def _rows(table):
    for department in table.departments:
        rows = ([department.total] if department.total else []) + [
            r for u in department.units for r in [u, *u.projects]
        ]
        yield from sorted(rows, key=lambda r: r.line)


def _projects(fixture: str) -> dict[int, Project]:
    table = read_table(BAD / fixture)
    return {p.line: p for d in table.departments for u in d.units for p in u.projects}


@pytest.mark.parametrize("fixture", ["split-row.txt", "split-in-indicators.txt"])
def test_a_row_split_by_a_page_break_is_joined_whole(fixture):
    # make.py cuts base line 15 in two around the page header lines 16–23
    original = make.base()[15]
    project = _projects(fixture)[15]
    assert project.raw == original and project.canonical
    assert "\t".join([project.name, "13,222.73", "13,222.73", "", "", project.goal, project.indicator_text]) == original
    assert sorted(_projects(fixture)) == [12, 13, 14, 15, 25, 26]  # page 2's rows moved down one line


def test_tab_in_name_is_part_of_the_name():
    project = _projects("tab-in-name.txt")[13]
    assert project.name == "市就业补助资金（海珠区）"
    assert project.raw == make.base()[13].replace("资金（", "资金\t（") and not project.canonical


def test_tab_in_goal_is_part_of_the_goal():
    project = _projects("tab-in-goal.txt")[14]
    assert project.goal == make.base()[14].split("\t")[5]
    assert project.indicator_text == make.base()[14].split("\t")[6]


def test_repeated_unit_row_keeps_its_projects_together():
    table = read_table(BAD / "duplicate-unit-row.txt")
    units = table.departments[0].units
    # base: one unit (line 11); projects at 12–15, then 25–26 after the copy at 24
    assert [(u.line, [p.line for p in u.projects]) for u in units] == [(11, [12, 13, 14, 15, 25, 26])]


def test_interleaved_pages_go_back_to_their_table():
    table = read_table(BAD / "interleaved-tables.txt")
    first, other = table.departments
    # make.py: the first table's page 2 (rows at lines 39, 40) follows the other table's page
    assert [p.line for u in first.units for p in u.projects] == [12, 13, 14, 15, 39, 40]
    assert (other.name, [p.line for u in other.units for p in u.projects]) == ("广州市某局", [27, 28, 29, 30])


def test_a_name_written_with_other_white_space_is_the_same_table():
    table = read_table(BAD / "name-variant.txt")
    # make.py puts a U+3000 into page 2's 部门名称 (line 19): still one table, rows of both pages
    assert [(d.name, [p.line for u in d.units for p in u.projects]) for d in table.departments] == [
        ("广州市人力资源和社会保障局", [12, 13, 14, 15, 24, 25])
    ]


def test_whitespace_is_trimmed_from_names_and_amounts_and_noted():
    table = read_table(BAD / "whitespace.txt")
    notes = [(p.line, p.code, p.found) for p in table.problems if p.code == "whitespace"]
    assert notes == [(12, "whitespace", "U+3000"), (13, "whitespace", "U+00A0")]
    projects = _projects("whitespace.txt")
    assert projects[12].name == "市就业补助资金（越秀区）" and not projects[12].canonical
    assert str(projects[13].amounts.total) == "10873.23"
    assert projects[14].indicator_text.endswith("。  ")  # text cells keep their spaces


def test_control_characters_become_visible_symbols():
    projects = _projects("control-characters.txt")
    assert projects[12].goal.startswith("通过\u2401开展")  # U+0001 → ␁
    assert "保持\u240b就业" in projects[13].goal  # U+000B → ␋


def test_damaged_bytes_are_replaced_and_reported():
    table = read_table(BAD / "damaged-utf8.txt")
    problem = next(p for p in table.problems if p.code == "invalid-bytes")
    assert (problem.line, problem.found) == (12, "bytes ff")
    assert "\ufffd持就业" in _projects("damaged-utf8.txt")[12].goal


def test_bad_amount_is_absent_and_the_row_kept_raw():
    projects = _projects("bad-amount.txt")
    assert projects[12].amounts.total is None and not projects[12].canonical
    assert "1,2x3.00" in projects[12].raw


# -- nothing is dropped: skipped text is on the nearest resource --------------------------


def _anomalies(out: Path) -> dict[str, tuple[str, str]]:
    """foundText → (anomaly code, type of the resource carrying it)."""
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    query = f"""PREFIX pk: <{PK}>
    SELECT ?found ?code ?type WHERE {{ ?r pk:anomaly ?a . ?r a ?type . ?a pk:anomalyCode ?code ; pk:foundText ?found }}"""
    return {s["found"].value: (s["code"].value, s["type"].value.rsplit("#", 1)[-1]) for s in store.query(query)}


@pytest.mark.parametrize(
    "fixture, found, code, carrier",
    [
        ("stray-lines.txt", "附件2", "unexpected-line", "PerformanceGoalsTable"),  # line 1, before the first title
        ("stray-lines.txt", "注：本表金额单位为万元。", "unexpected-line", "PerformanceGoalsTable"),  # after the last row
        ("truncated-early.txt", "市就业补助资金（番禺区）\t7,814.56\t7,8", "truncated-row", "PerformanceGoalsTable"),
        ("duplicate-row.txt", make.base()[13], "duplicate-row", "PerformanceGoalsTable"),
        ("project-before-unit.txt", make.base()[12], "project-before-unit", "PerformanceGoalsTable"),
        ("split-row.txt", make.base()[15], "row-split", "Project"),
    ],
    ids=["before-title", "after-last-row", "cut-row", "duplicate", "orphan-project", "split"],
)
def test_skipped_text_is_kept_whole_in_the_graph(fixture, found, code, carrier, tmp_path, capsys):
    _, _, out = convert(fixture, tmp_path, capsys)
    assert _anomalies(out)[found] == (code, carrier)


# -- output safety ----------------------------------------------------------------------

RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "json-ld": "json-ld", "xml": "xml"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("fixture", ["odd-characters.txt", "control-characters.txt", "tab-in-name.txt"])
def test_odd_literals_serialise_to_files_strict_parsers_read(fixture, fmt, tmp_path):
    """Quotes, backslashes, <&>, non-BMP characters and control characters survive every format."""
    table = read_table(BAD / fixture)
    out = tmp_path / f"g.{fmt}"
    with out.open("wb") as stream:
        write(quads(Conversion([table])), fmt, stream)
    goals = {p.goal for d in table.departments for u in d.units for p in u.projects}
    back = {q.object.value for q in ox.parse(path=str(out), format=FORMATS[fmt]) if q.predicate.value == PK + "goal"}
    assert back == goals
    graph = rdflib.Dataset()  # a Dataset reads triple formats into its default graph
    graph.parse(out, format=RDFLIB_FORMATS[fmt])
    assert {str(q[2]) for q in graph.quads((None, rdflib.URIRef(PK + "goal"), None))} == goals


def test_repeated_indicator_numbers_get_distinct_iris():
    lines = make.base()
    cell = lines[12].split("\t")[6]  # one indicator, "1、…。"
    lines[12] = lines[12] + cell + cell  # "1、…。1、…。1、…。"
    table = read_table_bytes(make.text(lines).encode("utf-8"), "t.txt")
    store = ox.Store()
    store.bulk_extend(quads(Conversion([table])))
    query = f"""SELECT ?i ?line {{ GRAPH ?g {{ ?p <{PK}indicator> ?i ; <{PK}sourceLine> ?line }} }}"""
    found = [(r["line"].value, r["i"].value.rsplit("/", 1)[-1]) for r in store.query(query)]
    # three on line 12, one on each other project row (13–15, 24–25)
    assert sorted(found) == [("12", "1"), ("12", "1-2"), ("12", "1-3")] + [(str(n), "1") for n in (13, 14, 15, 24, 25)]


RAPPER_SYNTAX = {"turtle": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig", "xml": "rdfxml"}


@pytest.mark.parametrize("fmt", sorted(RAPPER_SYNTAX))
@pytest.mark.parametrize("fixture", ["odd-characters.txt", "control-characters.txt", "tab-in-name.txt"])
def test_odd_literals_pass_rapper(fixture, fmt, tmp_path):
    """rapper (raptor 2) is stricter than pyoxigraph: it refuses U+FFFE in Turtle, controls in XML."""
    assert shutil.which("rapper"), "rapper is missing: apt-get install raptor2-utils (.ci/run does)"
    out = tmp_path / f"g.{fmt}"
    with out.open("wb") as stream:
        write(quads(Conversion([read_table(BAD / fixture)])), fmt, stream)
    done = subprocess.run(["rapper", "-q", "-i", RAPPER_SYNTAX[fmt], "-o", "ntriples", str(out)],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert len(done.stdout.splitlines()) > 400  # the whole excerpt's graph came through


def test_odd_characters_reach_the_graph_unchanged():
    goal = _projects("odd-characters.txt")[12].goal
    assert goal.startswith('say "quoted" \'single\' back\\slash <tag> & amp; 𠀀 emoji 😀 ')


def test_iris_stay_ascii_whatever_the_names_hold():
    table = read_table(BAD / "odd-characters.txt")
    for unit in table.departments[0].units:
        unit.name = 'a "q" \\ <x> {y} 😀 \t\u3000|^`'
    for q in quads(Conversion([table])):
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                assert term.value.isascii() and not re.search(r'[\s<>"{}|\\^`]', term.value)


def test_problem_messages_stay_on_one_line():
    # a found text with tabs and control characters is shown escaped, clipped
    table = read_table(BAD / "control-characters.txt")
    for problem in table.problems:
        assert "\n" not in str(problem) and "\t" not in str(problem)


def test_units_and_projects_are_typed_as_read():
    """A row cut before its goal at the end of a file is skipped, not taken for a unit."""
    table = read_table(BAD / "truncated-early.txt")
    assert [u.name for u in table.departments[0].units] == ["广州市人力资源和社会保障局"]
    assert all(isinstance(u, Unit) for u in table.departments[0].units)
