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
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .convert import Conversion, graph_of, read_tables, write_graph
from .export import export_rows
from .iris import BaseIriError, check_base
from .reader import TableError
from .serialize import FORMATS
from .stats import stats
from .vocab import DEFAULT_BASE

EXIT_OK, EXIT_NEGATIVE, EXIT_UNUSABLE, EXIT_SKIPPED = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with the command line or its input that the user must fix."""


def _err(message: str) -> None:
    print(f"perfkg: {message}", file=sys.stderr)


def report_problems(conversion: Conversion, *, quiet_info: bool = True) -> tuple[int, int]:
    """Print the source's problems to stderr; return (warnings, errors)."""
    warnings = errors = 0
    for problem in conversion.problems:
        if problem.severity == "info" and quiet_info:
            continue
        print(f"{problem.severity}: {problem}", file=sys.stderr)
        warnings += problem.severity == "warning"
        errors += problem.severity == "error"
    infos = sum(p.severity == "info" for p in conversion.problems)
    if warnings or errors or infos:
        print(
            f"perfkg: {errors} error(s), {warnings} warning(s), {infos} note(s) about the source "
            f"(notes: run 'perfkg stats' or query pk:Anomaly)",
            file=sys.stderr,
        )
    return warnings, errors


# -- commands ----------------------------------------------------------------


def cmd_convert(args: argparse.Namespace) -> int:
    conversion = read_tables(args.inputs)
    warnings, errors = report_problems(conversion)
    if args.strict and (warnings or errors):
        _err("--strict: problems found in the source; nothing written")
        return EXIT_NEGATIVE
    write_graph(conversion, args.format, args.output, args.base, args.download_url)
    return EXIT_SKIPPED if errors else EXIT_OK


def cmd_export_table(args: argparse.Namespace) -> int:
    store = graph_of(args.graphs, args.base)
    lines = "\n".join(export_rows(store)) + "\n"
    if args.output:
        Path(args.output).write_text(lines, encoding="utf-8")
    else:
        sys.stdout.write(lines)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    result = stats(graph_of(args.graphs, args.base))
    if args.format == "json":
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.as_text())
    return EXIT_OK


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


def _add_base(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", type=_base, default=DEFAULT_BASE, help=f"base IRI of the data (default {DEFAULT_BASE})")


#: name → (help, function that adds the arguments, function that runs the command)
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _convert_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="source table(s), tab-separated text")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.add_argument("--format", choices=sorted(FORMATS), default="turtle", help="RDF format (default turtle)")
    p.add_argument("--strict", action="store_true", help="fail, writing nothing, on any warning or error about the source")
    p.add_argument(
        "--download-url", type=_absolute_url, metavar="URL",
        help="URL where the written file will be published (the dataset description's dcat:downloadURL)",
    )
    _add_base(p)


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("graphs", nargs="+", metavar="GRAPH", help="RDF file(s) written by perfkg convert, or source tables")
    p.add_argument("-o", "--output", help="output TSV file (default: stdout)")
    _add_base(p)


def _stats_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("graphs", nargs="+", metavar="GRAPH", help="RDF file(s) or source tables")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _add_base(p)


COMMANDS: dict[str, Command] = {
    "convert": ("convert source tables to RDF", _convert_args, cmd_convert),
    "export-table": ("write the table back from its graph as TSV", _export_args, cmd_export_table),
    "stats": ("count departments, units, projects, indicators, anomalies", _stats_args, cmd_stats),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkg",
        description="Turn 项目支出绩效目标表 (project expenditure performance-goals tables) into a knowledge graph.",
        epilog="Exit codes: 0 done; 1 negative verdict; 2 unusable input; 3 converted with rows skipped.",
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
        return args.run(args)
    except (TableError, UsageError, ValueError) as err:
        _err(str(err))
        return EXIT_UNUSABLE
    except FileNotFoundError as err:
        _err(f"{err.filename}: no such file")
        return EXIT_UNUSABLE
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
