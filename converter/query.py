"""Run a SPARQL SELECT on a backend and write the answer in a chosen format.

Backends, all seeing the union of the named graphs as their default graph
(each table is its own named graph, so a query without ``GRAPH`` sees them all):

* :class:`OxigraphBackend` — a pyoxigraph ``Store``: in memory (``--data``)
  or the embedded on-disk store (``--store``);
* :class:`RdflibBackend` — an rdflib ``Dataset`` (memory, or Oxigraph through
  oxrdflib), opened with ``default_union=True``;
* :class:`EndpointBackend` — any SPARQL 1.1 endpoint over HTTP (JSON results).
  The server must itself treat its default graph as the union (Oxigraph:
  ``--union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``).

Every backend returns a :class:`Result` of :class:`Term` values, the SPARQL 1.1
JSON results model, so the writers never see engine-specific objects.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox
import rdflib

from . import ordering
from .vocab import DEFAULT_BASE, PREFIXES


class QueryRunError(ValueError):
    """The backend could not run the query (syntax, unreachable endpoint, not a SELECT)."""


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as in the SPARQL 1.1 JSON results: type ``uri``, ``literal`` or ``bnode``.

    Slotted: an answer's distinct values are held as Terms (up to 200,000 of them while it is read,
    and every row of an answer sorted in Python, :mod:`converter.ordering`): 72 bytes each, not 112.
    """

    type: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def as_json(self) -> dict[str, str]:
        out = {"type": self.type, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != _XSD_STRING:
            out["datatype"] = self.datatype
        return out

    def ntriples(self) -> str:
        """The term in N-Triples/Turtle syntax (as the SPARQL TSV format wants it)."""
        if self.type == "uri":
            return str(ox.NamedNode(self.value))
        if self.type == "bnode":
            return f"_:{self.value}"
        if self.lang:
            return str(ox.Literal(self.value, language=self.lang))
        if self.datatype and self.datatype != _XSD_STRING:
            return str(ox.Literal(self.value, datatype=ox.NamedNode(self.datatype)))
        return str(ox.Literal(self.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Result:
    """The variables of a SELECT and its rows (None for an unbound cell)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]


class Backend(Protocol):
    def select(self, query: str) -> Result: ...


# -- backends --------------------------------------------------------------------


class OxigraphBackend:
    """A pyoxigraph store, queried with its union of graphs as the default graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, query: str) -> Result:
        variables, rows = self.solutions(query)
        return Result(variables, list(rows))

    def solutions(self, query: str) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
        """The variables of a SELECT and its rows, in the query's order.

        A query ending in ``ORDER BY`` of plain variables is asked without it and
        its rows sorted in Python, held for that (:mod:`converter.ordering`:
        Oxigraph reads every string and IRI it compares from the store, 5 of the
        10 CPU s of ``projects-sharing-indicator`` at 100 tables); where Python
        cannot give Oxigraph's order (a language-tagged value, a number not in XML
        Schema's form, two different rows that tie on every key), Oxigraph is asked again with the clause; a query
        ordered by a variable it does not project is asked with it straight away
        (:func:`converter.ordering.projected`). Other answers are read a row at a
        time, none held (:meth:`_read`).
        """
        cut = ordering.trailing_order(query)
        names = ordering.projected(query) if cut is not None else None
        if cut is not None and (names is None or all(name in names for name, _ in cut[1])):
            text, keys = cut
            try:
                answer = self._ask(text)
            except QueryRunError:  # the query without its clause is not one Oxigraph reads: asked whole below
                answer = None
            if answer is not None and all(ox.Variable(name) in answer.variables for name, _ in keys):
                variables, rows = self._read(answer)
                try:
                    return variables, iter(ordering.ordered(variables, rows, keys))
                except ordering.Unordered:
                    pass
        return self._read(self._ask(query))

    def _ask(self, query: str) -> ox.QuerySolutions:
        """The query's solutions (Oxigraph evaluates the query here, as it is asked: 1.2 CPU s for
        ``unit-total-discrepancies`` on 100 tables before its first row is read)."""
        try:
            solutions = self.store.query(query, use_default_graph_as_union=True)
        except SyntaxError as err:
            raise QueryRunError(f"the query does not parse: {err}") from err
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryRunError("only SELECT queries can be run and printed")
        return solutions

    def _read(self, solutions: ox.QuerySolutions) -> tuple[list[str], Iterator[tuple[Term | None, ...]]]:
        """The variables of a SELECT and its rows one at a time (none is held here).

        Oxigraph writes the answer as SPARQL TSV into a temporary file, which is
        read back a line at a time (:func:`_tsv_terms`), instead of a Python
        object being made of every solution and every term in it: on the
        125,400 rows of ``indicators`` that is 15 CPU s instead of 21 (issue 15,
        benchmarks/QUERIES.md); a value repeated down the answer (a unit, a
        year) is made a :class:`Term` once. The same terms either way
        (tests/test_query_tsv.py).
        """
        variables = [v.value for v in solutions.variables]
        spool = tempfile.TemporaryFile()
        try:
            solutions.serialize(spool, format=ox.QueryResultsFormat.TSV)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        spool.readline()  # the header: ?a\t?b
        return variables, _tsv_rows(spool)


def _tsv_rows(spool: IO[bytes]) -> Iterator[tuple[Term | None, ...]]:
    """The rows of a SPARQL TSV answer (header read), its file closed when done."""
    with spool:
        yield from tsv_rows(spool, {})


def tsv_rows(lines: Iterable[bytes], made: dict[str, Term]) -> Iterator[tuple[Term | None, ...]]:
    """The rows of lines of a SPARQL TSV answer (the header left out; a line's ``\n`` is optional).

    ``made`` holds the terms made so far by their cell, so a value repeated down
    the answer is made once (at most :data:`_MADE_MOST` of them); callers reading
    one answer in several pieces (:mod:`converter.per_table`) share one.
    """
    for raw in lines:
        line = raw.decode("utf-8")
        if line.endswith("\n"):
            line = line[:-1]
        row = []
        for field in line.split("\t"):
            if not field:
                row.append(None)  # unbound
                continue
            term = made.get(field)
            if term is None:
                if len(made) >= _MADE_MOST:
                    made.clear()
                term = made[field] = _tsv_term(field)
            row.append(term)
        yield tuple(row)


#: Distinct values of one answer made a Term once each, at most this many held.
_MADE_MOST = 200_000

_XSD = "http://www.w3.org/2001/XMLSchema#"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_TURTLE_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_TURTLE_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+\Z")
_TURTLE_DOUBLE = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z")
_TSV_ESCAPE = re.compile(r"\\(.)")
_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def _tsv_term(field: str) -> Term:
    """One SPARQL TSV cell as the Term :func:`_from_ox` makes of the same value.

    Oxigraph writes ``<iri>``, ``_:id``, ``"text"`` (escaping tab, line
    feed, carriage return, quote and backslash), ``"text"@lang``,
    ``"text"^^<datatype>``, and booleans and numbers in Turtle's short form
    when their text is one (``true``, ``1``, ``-0.5``, ``1.5E3``; a decimal
    ``95`` is written ``"95"^^<…#decimal>``). Anything else is refused, never guessed.
    """
    first = field[0]
    if first == "<" and field[-1] == ">":
        return Term("uri", field[1:-1])
    if first == '"':
        end = field.rindex('"')
        value = field[1:end]
        if "\\" in value:
            value = _TSV_ESCAPE.sub(lambda m: _TSV_ESCAPES[m.group(1)], value)
        rest = field[end + 1 :]
        if not rest:
            return Term("literal", value, _XSD + "string")
        if rest[0] == "@":
            return Term("literal", value, _LANG_STRING, rest[1:])
        if rest.startswith("^^<") and rest[-1] == ">":
            return Term("literal", value, rest[3:-1])
    elif field.startswith("_:"):
        return Term("bnode", field[2:])
    elif field in ("true", "false"):
        return Term("literal", field, _XSD + "boolean")
    elif _TURTLE_INTEGER.match(field):
        return Term("literal", field, _XSD + "integer")
    elif _TURTLE_DECIMAL.match(field):
        return Term("literal", field, _XSD + "decimal")
    elif _TURTLE_DOUBLE.match(field):
        return Term("literal", field, _XSD + "double")
    raise QueryRunError(f"Oxigraph's answer holds a cell perfkg cannot read: {field[:80]!r}")


def _from_ox(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term("literal", term.value, term.datatype.value, term.language)
    raise QueryRunError(f"unsupported term in a result: {term!r}")


class RdflibBackend:
    """An rdflib Dataset; it must have been opened with ``default_union=True``."""

    def __init__(self, dataset: rdflib.Dataset) -> None:
        self.dataset = dataset

    def select(self, query: str) -> Result:
        try:
            result = self.dataset.query(query)
        except Exception as err:  # rdflib raises pyparsing's ParseException and others
            raise QueryRunError(f"rdflib could not run the query: {err}") from err
        if result.type != "SELECT":
            raise QueryRunError("only SELECT queries can be run and printed")
        variables = [str(v) for v in result.vars]
        rows = [tuple(_from_rdflib(row[i]) for i in range(len(variables))) for row in result]
        return Result(variables, rows)


def _from_rdflib(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return Term("uri", str(term))
    if isinstance(term, rdflib.BNode):
        return Term("bnode", str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype) if term.datatype else (None if term.language else _XSD_STRING)
        return Term("literal", str(term), datatype, term.language)
    raise QueryRunError(f"unsupported term in a result: {term!r}")


class EndpointBackend:
    """A SPARQL 1.1 endpoint over HTTP, asking for JSON results (:func:`converter.endpoint.select_json`).

    Credentials come from the environment and stay with the endpoint's origin; an
    answer the server cut at its row limit is read again page by page, never
    returned in part.
    """

    def __init__(self, url: str, timeout: float = 300) -> None:
        self.url = url
        self.timeout = timeout

    def select(self, query: str) -> Result:
        from .endpoint import EndpointError, select_json

        try:
            data = select_json(self.url, query, timeout=self.timeout)
        except EndpointError as err:
            raise QueryRunError(str(err)) from None
        variables = list(data["head"].get("vars", []))
        rows = [tuple(_from_json(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
        return Result(variables, rows)


def _from_json(binding: dict | None) -> Term | None:
    if binding is None:
        return None
    kind = binding["type"]
    if kind == "typed-literal":  # SPARQL 1.0 servers (older Virtuoso)
        kind = "literal"
    lang = binding.get("xml:lang")
    datatype = binding.get("datatype") or (None if lang else _XSD_STRING)
    return Term(kind, binding["value"], datatype if kind == "literal" else None, lang)


# -- opening backends --------------------------------------------------------------


def store_backend(path: str | Path) -> OxigraphBackend:
    """The embedded on-disk store, opened read-only so a running loader is not disturbed.

    The backend keeps the store from being swapped away by a load while it lives (:class:`converter.store.Reading`).
    """
    from .store import Reading

    if not Path(path).is_dir():
        raise QueryRunError(f"no store at {path}: load one first ('perfkg load TABLE…'), or query files with --data")
    reading = Reading(path)
    backend = OxigraphBackend(reading.store)
    backend.reading = reading  # type: ignore[attr-defined]
    return backend


def data_backend(paths: Sequence[str | Path], base: str = DEFAULT_BASE) -> OxigraphBackend:
    """Graph files or source tables read into memory for a one-off query."""
    from .convert import graph_of

    return OxigraphBackend(graph_of(paths, base))


def rdflib_dataset(paths: Sequence[str | Path]) -> rdflib.Dataset:
    """An in-memory rdflib Dataset of RDF files, the default graph being their union."""
    from .serialize import guess_format

    dataset = rdflib.Dataset(default_union=True)
    for path in paths:
        fmt = guess_format(str(path))
        rdflib_format = {"nq": "nquads", "nt": "nt", "trig": "trig", "turtle": "turtle", "json-ld": "json-ld", "xml": "xml"}
        if fmt not in rdflib_format:
            raise ValueError(f"{path}: cannot tell the RDF format from the file name")
        dataset.parse(str(path), format=rdflib_format[fmt])
    return dataset


# -- writers -------------------------------------------------------------------------


def display(term: Term | None, *, compact: bool = True) -> str:
    """A cell for people: a literal's text, an IRI shortened by the known prefixes."""
    if term is None:
        return ""
    if term.type == "uri" and compact:
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return term.value
    if term.type == "bnode":
        return f"_:{term.value}"
    return term.value


def write_csv(result: Result) -> str:
    """SPARQL 1.1 CSV results: RFC 4180, CRLF, a header of variable names, plain values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(csv_row(row))
    return out.getvalue()


def csv_row(row: Sequence[Term | None]) -> list[str]:
    """One row's cells in SPARQL 1.1 CSV (:func:`write_csv`): ``display(t, compact=False)`` of each, spelt out
    (a listing's 125,400 rows call it for every cell)."""
    return ["" if t is None else "_:" + t.value if t.type == "bnode" else t.value for t in row]


def write_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV results: ``?var`` header, terms in N-Triples syntax, LF."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else t.ntriples() for t in row))
    return "\n".join(lines) + "\n"


def write_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{v: t.as_json() for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1) + "\n"


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clean(text: str) -> str:
    """One terminal line: line breaks and tabs as spaces; other controls (ESC and OSC sequences, bidi overrides) as visible codes."""
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return text if text.isprintable() else "".join(_visible(ch) for ch in text)


def _visible(ch: str) -> str:
    if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"):
        return ch  # printable, or odd white space such as U+3000, which a terminal shows as space
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def write_table(result: Result) -> str:
    """An aligned text table for the terminal, with the row count at the end."""
    cells = [[_clean(display(t)) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(result.variables), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def write_markdown(result: Result) -> str:
    """A GitHub-flavoured Markdown table (``|`` escaped)."""

    def cell(text: str) -> str:
        return _clean(text).replace("\\", "\\\\").replace("|", "\\|")

    out = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    out += ["| " + " | ".join(cell(display(t)) for t in row) + " |" for row in result.rows]
    return "\n".join(out) + "\n"


WRITERS: dict[str, Callable[[Result], str]] = {
    "table": write_table,
    "csv": write_csv,
    "tsv": write_tsv,
    "json": write_json,
    "md": write_markdown,
}
