"""The ``perfkg`` command line: a thin layer over the library.

Every command is ``perfkg NAME …``; :func:`main` takes the arguments and
returns the exit code, so tests call it in-process. Library code raises;
only this module turns errors into one-line messages and exit codes.

Exit codes (the same for every command):

* 0 — done (warnings about the source may have been printed to stderr)
* 1 — done, but the verdict is negative (validation found violations, a
  ``--strict`` conversion found problems)
* 2 — unusable input or usage: nothing was written
* 3 — converted, but some source rows had to be skipped (their text is reported)
* 4 — a step run in a process of its own (``perfkg build``'s validation,
  :mod:`converter.forked`) ended without finishing: killed, most often by the
  kernel for want of memory; one line names the step and the signal
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .convert import Conversion, graph_of, read_tables, write_graph
from .dataset import PUBLISHER_TYPES
from .export import export_rows
from .iris import BaseIriError, check_base
from .encoding import check_encoding
from .forked import ChildFailed
from .reader import TableError
from .stats import stats
from .vocab import DEFAULT_BASE

EXIT_OK, EXIT_NEGATIVE, EXIT_UNUSABLE, EXIT_SKIPPED, EXIT_STOPPED = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A problem with the command line or its input that the user must fix."""


def _err(message: str) -> None:
    print(f"perfkg: {message}", file=sys.stderr)


#: Problems of one severity and kind printed before the rest are counted instead: a province's 1,000
#: tables gave 3,000 warnings of three kinds, a screen of lines that hid everything after them.
SHOWN_PER_KIND = 20


def report_problems(conversion: Conversion, *, quiet_info: bool = True) -> tuple[int, int]:
    """Print the source's problems to stderr, the first :data:`SHOWN_PER_KIND` of each kind, then how many more
    of it there are and where they all are (every one is a pk:Anomaly in the graph); return (warnings, errors)."""
    warnings = errors = 0
    shown: dict[tuple[str, str], int] = {}
    for problem in conversion.problems:
        if problem.severity == "info" and quiet_info:
            continue
        kind = (problem.severity, problem.code)
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= SHOWN_PER_KIND:
            print(f"{problem.severity}: {problem}", file=sys.stderr)
        warnings += problem.severity == "warning"
        errors += problem.severity == "error"
    for (severity, code), count in shown.items():
        if count > SHOWN_PER_KIND:
            print(f"perfkg: {count - SHOWN_PER_KIND:,} more {severity}(s) [{code}] not shown ({count:,} in all); every one "
                  f"is a pk:Anomaly in the graph, listed by the saved query anomalies with --param kind={code}",
                  file=sys.stderr)  # fmt: skip
    infos = sum(p.severity == "info" for p in conversion.problems)
    if warnings or errors or infos:
        print(
            f"perfkg: {errors} error(s), {warnings} warning(s), {infos} note(s) about the source "
            f"(notes: run 'perfkg stats' or query pk:Anomaly)",
            file=sys.stderr,
        )
    return warnings, errors


def _summarise_tables(conversion: Conversion) -> None:
    """One line per source file that needed care: its encoding, rows converted and skipped."""
    for table in conversion.tables:
        rows = conversion.rows(table)
        skipped = sum(p.severity == "error" for p in conversion.problems_of(table))
        if table.encoding != "utf-8" or skipped:
            lost = f"; {skipped} row(s) or value(s) skipped, their text kept as pk:Anomaly/pk:sourceRow" if skipped else ""
            print(f"perfkg: {table.file}: read as {table.encoding}; {rows} row(s) converted{lost}", file=sys.stderr)


def _encoding(value: str) -> str:
    try:
        return check_encoding(value)
    except LookupError as err:
        raise argparse.ArgumentTypeError(f"unknown encoding {value!r} (try utf-8, gb18030, utf-16)") from err


# -- commands ----------------------------------------------------------------


def cmd_convert(args: argparse.Namespace) -> int:
    from .streams import is_stdout, output_format

    args.output = None if is_stdout(args.output) else args.output  # "-": standard output
    args.format = output_format(args.format, args.output)  # -o x.nt writes N-Triples
    if getattr(args, "cube", False):
        return _convert_cube(args)
    if not getattr(args, "validate", False) and not (args.strict and args.output is None):
        return _convert_streaming(args)
    conversion = read_tables(args.inputs, args.encoding, _read_options(args))
    warnings, errors = report_problems(conversion)
    _summarise_tables(conversion)
    if args.strict and (warnings or errors):
        _err("--strict: problems found in the source; nothing written")
        return EXIT_NEGATIVE
    write, conforms = _validate_before_writing(conversion, args) if args.validate else (True, True)
    if not write:
        return EXIT_NEGATIVE
    write_graph(conversion, args.format, args.output, args.base, args.download_url, jobs=_jobs_of(args), publication=_publication_of(args))
    if not conforms:  # --validate --force: written, but the verdict stays negative
        return EXIT_NEGATIVE
    return EXIT_SKIPPED if errors else EXIT_OK


def _convert_cube(args: argparse.Namespace) -> int:
    """convert --cube: the amounts as an RDF Data Cube / OpenBudgets.eu dataset (converter/cube.py)."""
    from .convert import quads
    from .cube import cube_quads
    from .output import atomic_output
    from .serialize import write

    conversion = read_tables(args.inputs, args.encoding, _read_options(args))
    warnings, errors = report_problems(conversion)
    if args.strict and (warnings or errors):
        _err("--strict: problems found in the source; nothing written")
        return EXIT_NEGATIVE
    cube = cube_quads(quads(conversion, args.base))
    if args.output is None:
        write(cube, args.format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(args.output)) as stream:
            write(cube, args.format, stream)
    return EXIT_SKIPPED if errors else EXIT_OK


def _publication_of(args: argparse.Namespace):
    """What ``--contact``, ``--licence`` and ``--publisher-type`` say, for the dataset description."""
    from .dataset import Publication

    return Publication(args.contact, args.licence, args.publisher_type)


def _jobs_of(args: argparse.Namespace) -> int:
    """``--jobs``, or every core this process may use."""
    from .render import default_jobs

    return args.jobs or default_jobs()


def _convert_streaming(args: argparse.Namespace) -> int:
    """convert table by table, so memory stays flat (issue 9): the source's problems
    are reported after writing, and --strict then drops the written file."""
    from .convert import stream_graph

    def keep(conversion: Conversion) -> bool:
        return not (args.strict and any(p.severity in ("warning", "error") for p in conversion.problems))

    conversion, written = stream_graph(
        args.inputs, args.format, args.output, args.base, args.download_url, args.encoding, keep=keep, jobs=_jobs_of(args),
        options=_read_options(args), publication=_publication_of(args),
    )
    _warnings, errors = report_problems(conversion)
    _summarise_tables(conversion)
    if not written:
        _err("--strict: problems found in the source; nothing written")
        return EXIT_NEGATIVE
    return EXIT_SKIPPED if errors else EXIT_OK


def cmd_export_table(args: argparse.Namespace) -> int:
    store = graph_of(args.graphs, args.base)
    lines = "\n".join(export_rows(store)) + "\n"
    from .streams import write_text

    write_text(args.output, lines)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    result = stats(graph_of(args.graphs, args.base))
    if args.format == "json":
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.as_text())
    return EXIT_OK


def cmd_parse_value(args: argparse.Namespace) -> int:
    from .targets import parse_target

    print(json.dumps(parse_target(args.text).as_dict(), ensure_ascii=False))
    return EXIT_OK


def _parse_value_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", help="a target text, e.g. '≥ 5万人次'")


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build

    errors = []

    def problems(conversion: Conversion) -> None:
        errors.append(report_problems(conversion)[1])

    report = build(
        args.inputs, args.out, args.store, base=args.base, engine=args.engine, say=print, problems=problems,
        jobs=_jobs_of(args), options=_read_options(args),
    )
    if not report.conforms:
        return EXIT_NEGATIVE
    print(f"done: perfkg query units-without-satisfaction-indicator --store {args.store} --format csv")
    return EXIT_SKIPPED if any(errors) else EXIT_OK  # as convert: built, but some source rows were skipped


def _build_args(p: argparse.ArgumentParser) -> None:
    from .pipeline import DEFAULT_OUT
    from .store import DEFAULT_STORE
    from .validate import DEFAULT_ENGINE, ENGINES

    p.add_argument("inputs", nargs="+", metavar="INPUT", help="source document(s): text tables, HTML, .xlsx/.xls, .docx, .pdf, CSV")
    _add_read_options(p)
    p.add_argument("--out", default=DEFAULT_OUT, help=f"folder for the graph, the validation report and the answers (default {DEFAULT_OUT})")
    p.add_argument("--store", default=DEFAULT_STORE, help=f"embedded store folder (default {DEFAULT_STORE})")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"SHACL engine (default {DEFAULT_ENGINE})")
    _add_jobs(p)
    _add_base(p)


# -- parser ------------------------------------------------------------------


def _base(value: str) -> str:
    try:
        return check_base(value)
    except BaseIriError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _absolute_url(value: str) -> str:
    """An absolute ASCII URL without spaces (it becomes an IRI in the graph)."""
    if not value.isascii() or " " in value or "://" not in value:
        raise argparse.ArgumentTypeError(f"{value!r} is not an absolute URL such as https://example.org/perfkg-2024.ttl")
    return value


def _rdf_format(value: str) -> str:
    from .streams import FormatError, format_name

    try:
        return format_name(value)
    except FormatError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _input_format(value: str) -> str:
    from .streams import FormatError, input_format_name

    try:
        return input_format_name(value)
    except FormatError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _add_input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-format", type=_input_format, default=None, metavar="FORMAT",
        help="format of standard input ('-'): table or an RDF format (default: sniffed); files go by their extension",
    )


def _add_lang(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--lang", choices=["zh", "en"], default=None, help=help_text)


def _contact(value: str) -> str:
    """An e-mail address (``name@host``, ``mailto:`` optional) or an absolute http(s) URL."""
    if value.startswith(("http://", "https://")):
        return _absolute_url(value)
    address = value.removeprefix("mailto:")
    local, at, host = address.partition("@")
    if not (at and local and "." in host and address.isascii() and not any(c in address for c in " <>\"")):
        raise argparse.ArgumentTypeError(f"--contact takes an e-mail address or an http(s) URL (found {value!r})")
    return address


def _add_base(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", type=_base, default=DEFAULT_BASE, help=f"base IRI of the data (default {DEFAULT_BASE})")


#: name → (help, function that adds the arguments, function that runs the command)
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _convert_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="source document(s): text tables, HTML, .xlsx/.xls, .docx, .pdf, CSV; '-' for stdin")
    _add_read_options(p)
    p.add_argument("-o", "--output", help="output file, '-' for stdout (the default); a .gz name is compressed")
    p.add_argument(
        "--format", type=_rdf_format, default=None, metavar="FORMAT",
        help="RDF format: turtle (ttl), nt (ntriples), nq (nquads), trig, json-ld (jsonld), xml (rdfxml) or a media type "
        "(default: the -o file's extension, else turtle; a --format the extension contradicts is an error)",
    )
    p.add_argument("--strict", action="store_true", help="fail, writing nothing, on any warning or error about the source")
    p.add_argument("--validate", action="store_true", help="validate the graph against the SHACL shapes first; write nothing if it has violations")
    p.add_argument("--force", action="store_true", help="with --validate: write the graph even if it has violations")
    p.add_argument(
        "--encoding", type=_encoding, metavar="NAME",
        help="encoding of the source(s), e.g. gb18030 (default: detected — UTF-8 with or without BOM, UTF-16 with BOM, GB18030)",
    )
    p.add_argument(
        "--download-url", type=_absolute_url, metavar="URL",
        help="URL where the written file will be published (the dataset description's dcat:downloadURL)",
    )
    p.add_argument(
        "--cube", action="store_true",
        help="write the amounts as an RDF Data Cube / OpenBudgets.eu dataset instead of the graph (ontology/cube.ttl)",
    )
    p.add_argument(
        "--contact", type=_contact, metavar="EMAIL|URL",
        help="the publisher's contact point, an e-mail address or an http(s) URL (dcat:contactPoint, a vCard)",
    )
    p.add_argument(
        "--licence", "--license", dest="licence", type=_absolute_url, metavar="IRI",
        help="IRI of the data's licence, e.g. https://creativecommons.org/licenses/by/4.0/ (dcterms:license)",
    )
    p.add_argument(
        "--publisher-type", choices=sorted(PUBLISHER_TYPES), metavar="LEVEL",
        help="the publisher's level of government, as the ADMS publisher type (dcterms:type): "
        + ", ".join(sorted(PUBLISHER_TYPES)),
    )
    _add_jobs(p)
    _add_base(p)


def _add_read_options(p: argparse.ArgumentParser) -> None:
    from .readers.source import LAYOUTS

    p.add_argument("--layout", choices=sorted(LAYOUTS), help="read the documents in this layout (default: found from their content)")
    p.add_argument("--department", metavar="NAME", help="the 主管部门 of forms that print none (or to replace the printed one)")
    p.add_argument("--year", type=_year, metavar="YYYY", help="the fiscal year of forms whose title states none")


def _year(value: str) -> int:
    if not (value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2100):
        raise argparse.ArgumentTypeError(f"--year takes a year such as 2025 (found {value!r})")
    return int(value)


def _read_options(args: argparse.Namespace):
    from .readers.source import ReadOptions

    return ReadOptions(
        layout=getattr(args, "layout", None), department=getattr(args, "department", None),
        year=getattr(args, "year", None), encoding=getattr(args, "encoding", None),
    )


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--jobs", "-j", type=_jobs, default=None, metavar="N",
        help="processes rendering departments in N-Triples, N-Quads, Turtle and TriG (default: the cores available; "
        "the output is the same for any N)",
    )


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of processes, 1 or more (found {value!r})")
    return int(value)


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("graphs", nargs="+", metavar="GRAPH", help="RDF file(s) written by perfkg convert, or source tables")
    p.add_argument("-o", "--output", help="output TSV file, '-' for stdout (the default)")
    _add_input_format(p)
    _add_base(p)


def _stats_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("graphs", nargs="+", metavar="GRAPH", help="RDF file(s) or source tables")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _add_input_format(p)
    _add_base(p)


# -- saved queries (perfkg queries / perfkg query) ------------------------------


def _queries_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "json"], default="table", help="list as a table (default) or JSON")
    _add_lang(p, "titles in Chinese or English (default: both)")


def cmd_queries(args: argparse.Namespace) -> int:
    """List the saved queries with their titles (and, in JSON, their whole contract)."""
    from .catalog import catalogue

    queries = catalogue()
    if args.format == "json":
        listing = [
            {"name": q.name, "title": q.title, "title_zh": q.title_zh, "zh": q.zh, "en": q.en,
             "params": [{"name": p.name, "kind": p.kind, "default": p.default, "doc": p.doc} for p in q.params],
             "columns": [{"name": c.name, "zh": c.zh, "en": c.en, "doc": c.doc} for c in q.columns]}
            for q in queries
        ]  # fmt: skip
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max((len(q.name) for q in queries), default=0)
    for q in queries:
        params = " ".join(f"[{p.name}=…]" for p in q.params)
        print(f"{q.name:<{width}}  {q.titled(args.lang)}{'  ' + params if params else ''}")
    return EXIT_OK


def _query_args(p: argparse.ArgumentParser) -> None:
    from .answers import FORMATS as ANSWER_FORMATS
    from .store import DEFAULT_STORE

    p.add_argument(
        "query", metavar="NAME|FILE.rq",
        help="a saved query's name ('perfkg queries' lists them), a .rq file or '-' (stdin); "
        "the project's PREFIX lines are added when the file lacks them",
    )
    p.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="bind a parameter (repeatable); the value is bound as an RDF term, never pasted into the query",
    )  # fmt: skip
    p.add_argument(
        "--format", choices=ANSWER_FORMATS, default=None,
        help="result format (default: the -o file's extension, else table): csv, tsv and json are the SPARQL 1.1 "
        "results formats; excel-csv is CSV for Excel (UTF-8 with BOM, headers for people, labels before IRIs); "
        "xlsx a workbook (amounts formatted #,##0.00)",
    )
    _add_lang(p, "headers for people in Chinese or English (default zh for excel-csv and xlsx; table and md keep variable names)")
    p.add_argument("-o", "--output", help="output file, '-' for stdout (the default); .xlsx, .csv, .tsv, .json, .md give the format")
    _add_input_format(p)
    source = p.add_mutually_exclusive_group()
    source.add_argument("--store", metavar="DIR", help=f"query the embedded Oxigraph store in DIR (the default: ./{DEFAULT_STORE})")
    source.add_argument("--data", nargs="+", metavar="FILE", help="load RDF files or source tables into memory and query them")
    source.add_argument("--endpoint", metavar="URL", help="query a SPARQL 1.1 endpoint (its default graph must be the union of the graphs)")
    _add_base(p)


def cmd_query(args: argparse.Namespace) -> int:
    """Bind the parameters, run the query on the chosen backend, write the rows."""
    from .catalog import bind, load, parse_assignments
    from .query import EndpointBackend, QueryRunError, data_backend, store_backend
    from .store import DEFAULT_STORE

    saved = load(args.query)
    values = parse_assignments(args.param)
    text = bind(saved, values)
    if args.endpoint:
        backend = EndpointBackend(args.endpoint)
    elif args.data:
        backend = data_backend(args.data, args.base)
    else:
        backend = store_backend(args.store or DEFAULT_STORE)
    try:
        result = backend.select(text)
    except QueryRunError as err:
        _err(str(err))
        return EXIT_UNUSABLE
    _write_answer(args, saved, result, values)
    if not result.rows:
        _note_empty_answer(saved, backend, values)
    return EXIT_OK


def _write_answer(args: argparse.Namespace, saved, result, values: dict[str, str]) -> None:
    from .answers import BINARY, answer_format, render
    from .streams import is_stdout, write_bytes

    fmt = answer_format(args.format, args.output)
    if fmt in BINARY and is_stdout(args.output) and sys.stdout.isatty():
        raise UsageError(f"--format {fmt} is a binary file: write it with -o ANSWER.{fmt}")
    write_bytes(args.output, render(saved, result, fmt, args.lang, values))


def _note_empty_answer(saved, backend, values: dict[str, str]) -> None:
    """An empty answer says so on stderr, and names the parameter values the data does not hold."""
    from .answers import unknown_values

    print(f"perfkg: {saved.name}: the answer is empty (0 rows)", file=sys.stderr)
    for unknown in unknown_values(backend, values):
        print(f"warning: {unknown} [unknown-parameter-value]", file=sys.stderr)


# -- the report (perfkg report) ----------------------------------------------------------


def _report_args(p: argparse.ArgumentParser) -> None:
    from .report import DEFAULT_REPORT
    from .store import DEFAULT_STORE

    p.add_argument("-o", "--out", default=DEFAULT_REPORT, metavar="DIR", help=f"folder of the site (default {DEFAULT_REPORT})")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--store", metavar="DIR", help=f"report on the embedded Oxigraph store in DIR (the default: ./{DEFAULT_STORE})")
    source.add_argument("--data", nargs="+", metavar="FILE", help="report on RDF files or source tables, read into memory")
    source.add_argument("--endpoint", metavar="URL", help="report on a SPARQL 1.1 endpoint (its default graph the union of the graphs)")
    _add_input_format(p)
    _add_base(p)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the static HTML site (every figure a saved query's answer) and each page's JSON."""
    from .query import EndpointBackend, data_backend, store_backend
    from .report import write_report
    from .store import DEFAULT_STORE

    if args.endpoint:
        backend = EndpointBackend(args.endpoint)
    elif args.data:
        backend = data_backend(args.data, args.base)
    else:
        backend = store_backend(args.store or DEFAULT_STORE)
    summary = write_report(backend, args.out)
    print(f"wrote {summary.pages} pages ({summary.units} units, {summary.projects} projects) → {Path(args.out) / 'index.html'}")
    return EXIT_OK


# -- SHACL validation (perfkg validate, convert --validate) -----------------------


def _validate_args(p: argparse.ArgumentParser) -> None:
    from .validate import DEFAULT_ENGINE, ENGINES

    p.add_argument("graphs", nargs="*", metavar="GRAPH", help="RDF file(s) written by perfkg convert, or source tables")
    p.add_argument("--store", metavar="DIR", help="validate the on-disk Oxigraph store in DIR instead of files")
    p.add_argument("--format", choices=["text", "turtle", "json"], default="text", help="report format (default text)")
    p.add_argument(
        "--fail-on", choices=["violation", "warning"], default="violation",
        help="lowest severity that makes the graph fail (exit 1); default violation",
    )  # fmt: skip
    p.add_argument(
        "--engine", choices=ENGINES, default=DEFAULT_ENGINE,
        help=f"SHACL engine (default {DEFAULT_ENGINE}; pyshacl is the reference engine, ~200x slower)",
    )  # fmt: skip
    p.add_argument("--limit", type=int, default=20, metavar="N", help="text report: focus nodes listed per constraint (0: all; default 20)")
    p.add_argument("-o", "--output", help="write the report to a file ('-' or none: stdout)")
    _add_input_format(p)
    p.add_argument(
        "--whole", action="store_true",
        help="validate the union of all graphs in one engine run instead of table by table "
        "(same report; memory grows with the input; Turtle/N-Triples files are always validated whole)",
    )  # fmt: skip
    _add_base(p)


def _validation_report(args: argparse.Namespace):
    """Source tables, N-Quads/TriG files and stores are validated table by table; the rest, or --whole, as one union."""
    from .convert import is_source_table
    from .validate import quad_format, tables_of_files, tables_of_store, validate, validate_tables

    store = _validation_store(args)
    if args.whole:
        return validate(store() if callable(store) else store, args.engine)
    if not callable(store):
        return validate_tables(tables_of_store(store), args.engine)
    if all(is_source_table(p) or quad_format(p) for p in args.graphs):
        return validate_tables(tables_of_files(args.graphs, args.base, progress=None), args.engine)
    return validate(store(), args.engine)


def _validation_store(args: argparse.Namespace):
    """The graph to validate: files/tables in memory, or an on-disk store opened read-only."""
    from .store import Reading

    if bool(args.graphs) == bool(args.store):
        raise UsageError("give either GRAPH file(s) or --store DIR (one of them)")
    if args.store:
        if not Path(args.store).is_dir():
            raise UsageError(f"{args.store}: no such store folder")
        args.reading = Reading(args.store)  # no load swaps the store away while it is validated
        return args.reading.store
    return lambda: graph_of(args.graphs, args.base)  # files: read only if validated whole


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate against the shapes; exit 0 when it conforms at --fail-on, 1 when not."""
    from .validate import as_json, as_text, as_turtle

    report = _validation_report(args)
    if args.format == "json":
        text = as_json(report, args.fail_on)
    elif args.format == "turtle":
        text = as_turtle(report, args.fail_on)
    else:
        text = as_text(report, args.fail_on, args.limit)
    from .streams import write_text

    write_text(args.output, text)
    return EXIT_OK if report.conforms(args.fail_on) else EXIT_NEGATIVE


def _validate_before_writing(conversion: Conversion, args: argparse.Namespace) -> tuple[bool, bool]:
    """convert --validate: validate the graph about to be written; (may write, conforms)."""
    import pyoxigraph as ox

    from .convert import quads
    from .validate import Report, as_text, validate

    store = ox.Store()
    store.bulk_extend(quads(conversion, args.base, publication=_publication_of(args)))
    report = validate(store)
    counts = report.counts()
    summary = f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)"
    if report.conforms():
        print(f"perfkg: --validate: {summary}; conforms (details: perfkg validate)", file=sys.stderr)
        return True, True
    violations = Report(report.engine, [r for r in report.results if r.severity == "Violation"])
    sys.stderr.write(as_text(violations))
    if args.force:
        _err(f"--validate: {summary}; written anyway (--force)")
        return True, False
    _err(f"--validate: {summary}; nothing written (--force writes anyway)")
    return False, False


# -- triple stores (perfkg load, serve, store info/drop) ------------------------------


def _add_store(parser: argparse.ArgumentParser) -> None:
    from .store import DEFAULT_STORE

    parser.add_argument("--store", metavar="DIR", default=None, help=f"the embedded Oxigraph store folder (default ./{DEFAULT_STORE})")


def _load_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="source documents (text, HTML, Excel, Word, PDF, CSV) or RDF files (.nq, .trig, .nt, .ttl)")
    _add_read_options(p)
    _add_store(p)
    p.add_argument(
        "--endpoint", metavar="URL",
        help="upload to a SPARQL 1.1 server instead (Graph Store Protocol, SPARQL Update as fallback); "
        "credentials from PERFKG_ENDPOINT_USER/PERFKG_ENDPOINT_PASSWORD or PERFKG_ENDPOINT_TOKEN",
    )  # fmt: skip
    p.add_argument("--update-endpoint", metavar="URL", help="the server's SPARQL Update URL, when it cannot be derived from --endpoint")
    p.add_argument("--graph-store", metavar="URL", help="the server's Graph Store Protocol URL, when it cannot be derived from --endpoint ('none': SPARQL Update only)")
    p.add_argument("--chunk-triples", type=int, metavar="N", help="triples per SPARQL Update request (default: 20000, halved while the server refuses a request as too large)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar (it is only drawn on a terminal anyway)")
    _add_input_format(p)
    _add_base(p)


def cmd_load(args: argparse.Namespace) -> int:
    """Read and check every input, then load them all into the store (or server), or nothing."""
    from .documents import prepare
    from .store import DEFAULT_STORE, load_documents

    if args.endpoint and args.store:
        raise UsageError("give --store or --endpoint, not both")
    if (args.update_endpoint or args.graph_store or args.chunk_triples) and not args.endpoint:
        raise UsageError("--update-endpoint, --graph-store and --chunk-triples go with --endpoint")
    if args.chunk_triples is not None and args.chunk_triples < 1:
        raise UsageError(f"--chunk-triples must be 1 or more, not {args.chunk_triples}")
    if args.endpoint:
        from .endpoint import check_url

        check_url(args.endpoint)  # before reading the inputs: a URL with a password is refused at once
    progress = False if args.quiet else None
    documents = prepare(args.inputs, args.base, progress=progress, options=_read_options(args))
    _, errors = report_problems(Conversion([d.source for d in documents if d.source is not None]))
    try:
        if args.endpoint:
            from .endpoint import upload

            for done in upload(args.endpoint, documents, update=args.update_endpoint, graph_store=args.graph_store,
                               progress=progress, chunk=args.chunk_triples):  # fmt: skip
                print(f"{done.method:6} <{done.graph}>  {done.triples:,} triples")
            return EXIT_SKIPPED if errors else EXIT_OK
        target = args.store or DEFAULT_STORE
        for loaded in load_documents(target, documents, progress=progress):
            for graph, count in loaded.graphs.items():
                print(f"{loaded.document.path.name}: <{graph.value}>  {count:,} triples")
        print(f"loaded into {target} (query it with 'perfkg query NAME --store {target}', serve it with 'perfkg serve')")
    except KeyboardInterrupt:
        _err("interrupted; the store is unchanged" if not args.endpoint else "interrupted; graphs already sent stay on the server")
        return 130
    return EXIT_SKIPPED if errors else EXIT_OK  # as convert: loaded, but some source rows were skipped


def _serve_args(p: argparse.ArgumentParser) -> None:
    from .server import DEFAULT_BIND, TOKEN_ENV

    _add_store(p)
    p.add_argument("--bind", default=DEFAULT_BIND, metavar="HOST:PORT", help=f"address to listen on (default {DEFAULT_BIND}, loopback only)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--writable", action="store_true",
                      help=f"accept SPARQL Update and Graph Store writes carrying the token (printed at start, or ${TOKEN_ENV})")
    mode.add_argument("--read-only", action="store_true", help="refuse every write (the default)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (e.g. https://example.org) use the server (repeatable; none by default)")
    p.add_argument("--allow-federation", nargs="+", default=[], metavar="HOST",
                   help="let SERVICE and LOAD reach these hosts (none by default)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME:PORT",
                   help="another Host header to accept (a name this machine is reached by; repeatable)")
    p.add_argument("--resolve", metavar="BASE", type=_base, default=None,
                   help="answer GET on the graph's IRIs under BASE at this server's paths (HTML for a browser, RDF by content negotiation)")


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve
    from .store import DEFAULT_STORE

    return serve(args.store or DEFAULT_STORE, args.bind, writable=args.writable, cors=args.cors,
                 federation=args.allow_federation, allow_hosts=args.allow_host, resolve_base=args.resolve)  # fmt: skip


def _store_args(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    info = actions.add_parser("info", help="list the named graphs, their triple counts and source documents")
    _add_store(info)
    info.add_argument("--format", choices=["text", "json"], default="text")
    check = actions.add_parser("check", help="verify the store: read every quad through every index, compare the files perfkg load wrote")
    _add_store(check)
    drop = actions.add_parser("drop", help="remove one named graph (a table) from the store")
    drop.add_argument("graph", metavar="GRAPH", help="the graph's IRI, as 'perfkg store info' lists it")
    _add_store(drop)


def cmd_store(args: argparse.Namespace) -> int:
    from .store import DEFAULT_STORE, Reading, check, drop, graph_infos
    from .storecheck import StoreDamaged

    path = args.store or DEFAULT_STORE
    if args.action == "check":
        try:
            found = check(path)
        except StoreDamaged as err:
            _err(str(err))
            return EXIT_NEGATIVE
        print(f"{path}: intact: {found.quads:,} quads read through every index"
              + (f", {found.files} file(s) as perfkg load wrote them" if found.files else ""))  # fmt: skip
        return EXIT_OK
    if args.action == "drop":
        count = drop(path, args.graph)
        print(f"dropped <{args.graph}> ({count:,} triples) from {path}")
        return EXIT_OK
    with Reading(path) as store:
        infos = graph_infos(store)
    if args.format == "json":
        print(json.dumps([{"graph": i.name, "triples": i.triples, "documents": [{"file": f, "identifier": h} for f, h in i.documents]}
                          for i in infos], ensure_ascii=False, indent=2))  # fmt: skip
        return EXIT_OK
    print(f"{path}: {len(infos)} named graph(s), {sum(i.triples for i in infos):,} triples")
    for i in infos:
        source = "; ".join(f"{f} ({h[:19]}…)" for f, h in i.documents) or "-"
        print(f"{i.triples:>10,}  <{i.name}>  {source}")
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "build": ("the main job: convert, validate, load into the store, answer every saved query", _build_args, cmd_build),
    "convert": ("convert source tables to RDF", _convert_args, cmd_convert),
    "export-table": ("write the table back from its graph as TSV", _export_args, cmd_export_table),
    "stats": ("count departments, units, projects, indicators, anomalies", _stats_args, cmd_stats),
    "parse-value": ("parse one target text and print it as JSON", _parse_value_args, cmd_parse_value),
    "validate": ("check a graph against the SHACL shapes and explain the results", _validate_args, cmd_validate),
    "queries": ("list the saved SPARQL queries", _queries_args, cmd_queries),
    "query": ("run a saved SPARQL query (or a .rq file) on the store, files or an endpoint", _query_args, cmd_query),
    "report": ("write a static HTML report (overview, a page per unit and project, charts) from the saved queries", _report_args, cmd_report),
    "load": ("load tables or RDF files into the embedded store or a SPARQL server", _load_args, cmd_load),
    "serve": ("serve the store over HTTP (SPARQL 1.1 Protocol, Graph Store Protocol, a query page); read-only by default", _serve_args, cmd_serve),
    "store": ("inspect the store (info), verify it (check) or remove a graph (drop)", _store_args, cmd_store),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkg",
        description="Turn 项目支出绩效目标表 (project expenditure performance-goals tables) into a knowledge graph.",
        epilog="Exit codes: 0 done; 1 negative verdict; 2 unusable input; 3 converted with rows skipped; "
        "4 a step's process ended without finishing (killed: out of memory?).",
    )
    parser.add_argument("--version", action="version", version=f"perfkg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_args, run) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_args(command)
        command.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # argparse prints its own message
        return EXIT_OK if exit.code == 0 else EXIT_UNUSABLE
    try:
        return _run(args)
    except (TableError, UsageError, ValueError) as err:
        _err(str(err))
        return EXIT_UNUSABLE
    except FileNotFoundError as err:
        _err(f"{err.filename}: no such file")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as err:  # a directory given as a file, no permission, disk full
        _err(f"{err.filename or 'output'}: {err.strerror or err}")
        return EXIT_UNUSABLE
    except SyntaxError as err:  # pyoxigraph's parse error for an RDF file that is not what its name says
        _err(f"{err.filename or 'input'}: not valid RDF: {err.msg or err}")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:  # Ctrl-C: convert's output is written atomically and its worker processes stop
        _err("interrupted")
        return 130
    except ChildFailed as err:  # a step run in a child process (perfkg build's validation) died: say which, no traceback
        _err(str(err))
        return EXIT_STOPPED


#: The arguments that take input files: '-' (stdin) and .gz are turned into plain files for them.
_INPUT_ARGS = ("inputs", "graphs", "data")


def _run(args: argparse.Namespace) -> int:
    """Run the command with its '-' and ``.gz`` inputs as plain temporary files (:func:`converter.streams.local_inputs`)."""
    from .streams import TABLE, local_inputs

    attr = next((a for a in _INPUT_ARGS if getattr(args, a, None)), None)
    if attr is None:
        return args.run(args)
    stdin_format = getattr(args, "input_format", None) or (TABLE if args.command in ("convert", "build") else None)
    with local_inputs(getattr(args, attr), stdin_format) as local:
        setattr(args, attr, local)
        return args.run(args)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
