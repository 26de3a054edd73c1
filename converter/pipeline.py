"""The main job, ``perfkg build``: convert, validate, load, answer the saved queries.

It strings together the library's stages, each of which is usable alone:

1. read the source tables (:mod:`converter.reader`) and write the graph as
   Turtle and N-Quads into the output folder (:mod:`converter.convert`): the
   sources are scanned first (their tables and problems), then read again
   department by department while both files are written from one pass of
   the graph builder, so no table's records are held beyond its department;
2. validate it with the SHACL shapes (:mod:`converter.validate`), one table's
   graph at a time, and write the report; a graph with violations is not loaded;
3. load the tables into the embedded Oxigraph store (:mod:`converter.store`),
   replacing earlier loads of the same tables: the N-Quads file just written,
   in blocks of whole lines, as ``perfkg load`` loads one;
4. run every saved query that needs no network (:mod:`converter.catalog`,
   :mod:`converter.query`) on the store and write each answer as SPARQL CSV
   (``queries/``, for programs), as CSV for Excel (``answers/``) and as one
   workbook (``answers.xlsx``, a sheet per query; :mod:`converter.sheets`),
   row by row as the store gives them: only the rows the report needs are kept
   (in a temporary file until the report);
5. write the report (:mod:`converter.report`): a static HTML site of the
   saved queries' answers in ``report/``.

What each step costs at province scale is in benchmarks/README.md (issue 15).
"""

from __future__ import annotations

import csv
import io
import pickle
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .documents import prepare
from .readers.source import ReadOptions
from . import catalog, forked, heap, query, store, validate
from .convert import Conversion, stream_graphs
from .output import atomic_output, write_text
from .vocab import DEFAULT_BASE

DEFAULT_OUT = "perfkg-out"


@dataclass
class BuildReport:
    """What one build did; the CLI prints it."""

    graph_files: list[Path] = field(default_factory=list)
    problems: int = 0
    validation: dict[str, int] = field(default_factory=dict)
    loaded_graphs: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # query name → rows
    skipped_queries: dict[str, str] = field(default_factory=dict)  # query name → why
    per_table: list[str] = field(default_factory=list)  # the queries answered one table at a time (converter/per_table.py)
    report_pages: int = 0

    @property
    def conforms(self) -> bool:
        return self.validation.get("Violation", 0) == 0


def build(
    inputs: Sequence[str | Path],
    out: str | Path = DEFAULT_OUT,
    store_dir: str | Path = store.DEFAULT_STORE,
    *,
    base: str = DEFAULT_BASE,
    engine: str = validate.DEFAULT_ENGINE,
    say: Callable[[str], None] = lambda _: None,
    problems: Callable[[Conversion], object] = lambda _: None,
    jobs: int = 1,
    options: ReadOptions | None = None,
) -> BuildReport:
    """Run the whole job; ``say`` receives one line per step for the user.

    ``problems`` receives the source's problems once the tables are read
    (the CLI passes :func:`converter.cli.report_problems`, as convert and load do).
    ``jobs`` processes render the graph files' departments (the same bytes for any number).
    """
    out = Path(out)
    report = BuildReport()
    # Each source is scanned (its tables and problems, refused before anything is written), then
    # read again department by department as the graph files are written: no table's records are
    # held beyond its department, so memory does not grow with the input (issue 15).
    documents = prepare(inputs, base, options=options)
    if any(doc.source is None for doc in documents):
        raise ValueError("perfkg build takes source documents (text tables, HTML, Excel, Word, PDF); load RDF files with perfkg load")
    conversion = Conversion([doc.source for doc in documents])
    report.problems = sum(p.severity != "info" for p in conversion.problems)
    problems(conversion)
    # Turtle and N-Quads from one pass of the builder: each file the bytes it has when written alone.
    files = {"turtle": out / "graph.ttl", "nq": out / "graph.nq"}
    stream_graphs(inputs, files, base, jobs=jobs, options=options)
    report.graph_files += files.values()
    say(f"converted {len(inputs)} file(s) → {out / 'graph.ttl'}, {out / 'graph.nq'}")

    apart = _validate(out, engine, report, say)
    if not report.conforms:
        say("the graph has violations: not loaded (see the validation report)")
        return report

    # The N-Quads just written and validated are the documents' quads: loaded as they are, not converted again.
    loaded = store.load_documents(store_dir, documents, rendered=out / "graph.nq")
    report.loaded_graphs = sum(len(item.document.owned) for item in loaded)
    say(f"loaded {report.loaded_graphs} table graph(s) into the store {store_dir}/")
    heap.give_back()  # each step's freed pages leave the process before the next step (converter/heap.py)

    from .report import asked

    # the report's queries the build answers (their default parameters) are kept for it, as rows, not run again
    known = _answer_queries(Path(store_dir), out / "queries", report, say, keep=asked(), apart=apart)
    _write_report(Path(store_dir), out / "report", report, say, known)
    return report


def _validate(out: Path, engine: str, report: BuildReport, say: Callable[[str], None]) -> tuple[str, ...]:
    """Validate the N-Quads just written, table by table, and write the report; return the tables standing apart.

    Validated in a forked child (:mod:`converter.forked`): what validating
    leaves in memory (≈ 65 MB at 100 tables) leaves with it, instead of
    adding to the saved queries' peak; only the counts, the tables apart and
    the report's text come back.
    """

    def step() -> tuple[dict[str, int], tuple[str, ...], str]:
        checked = validate.validate_tables(validate.tables_of_files([out / "graph.nq"]), engine)
        return checked.counts(), checked.apart, validate.as_text(checked, limit=1000)

    report.validation, apart, text = forked.run(step, "validating the graph")
    write_text(out / "validation.txt", text + "\n")
    counts = ", ".join(f"{n} {s.lower()}(s)" for s, n in report.validation.items())
    say(f"validated with {engine}: {counts} → {out / 'validation.txt'}")
    return apart


def _write_report(
    store_dir: Path, folder: Path, report: BuildReport, say: Callable[[str], None], known: dict[str, list[tuple]]
) -> None:
    from .report import money, write_report

    site = write_report(query.store_backend(store_dir), folder, known=known)
    report.report_pages = site.pages
    totals = site.totals
    # a unit read from a form prints no total: its projects' money is said apart, never added in silently
    undeclared = totals.get("undeclared")
    apart = (f" (and {undeclared['units']} unit(s) that print no total, whose projects' 总计 add up to "
             f"{money(undeclared['projectSum'])} 万元)") if undeclared else ""  # fmt: skip
    say(f"report: {totals['units']} budget units, {totals['projects']} projects, {totals['indicators']:,} indicators, "
        f"{money(totals['declared'])} 万元 in the units' declared totals{apart} → {folder / 'index.html'}")  # fmt: skip


def _answer_queries(
    store_dir: Path, folder: Path, report: BuildReport, say: Callable[[str], None], lang: str = "zh",
    keep: frozenset[str] = frozenset(), apart: Sequence[str] = (),
) -> dict[str, list[tuple]]:
    """Answer every offline saved query; return the answers of the query texts in ``keep``, as the report's rows.

    Each answer is written as it comes (SPARQL CSV, CSV for Excel, its sheet of
    answers.xlsx), row by row: none is held whole, but those kept (issue 15).
    ``apart``: the tables validation found standing apart; a query that says
    ``# per-table: yes`` is then asked of one table at a time (:mod:`converter.per_table`).
    """
    from . import per_table, sheets

    folder.mkdir(parents=True, exist_ok=True)
    people = folder.parent / "answers"
    people.mkdir(parents=True, exist_ok=True)
    backend = query.store_backend(store_dir)
    tables = per_table.plan(backend.store, apart)
    offline = []
    for saved in catalog.catalogue():
        if saved.federated:
            report.skipped_queries[saved.name] = "federated (needs the internet)"
        else:
            offline.append(saved)
    book = sheets.Workbook(lang, contents=len(offline) > 1)
    spooled: dict[str, BinaryIO] = {}
    try:
        for saved in offline:
            text = catalog.bind(saved)
            kept: list[tuple] | None = [] if text in keep else None
            by_table = per_table.solutions(backend.store, text, tables) if tables and saved.per_table else None
            try:
                report.answers[saved.name] = _write_answer(backend, saved, text, folder, people, book, lang, kept, by_table)
            except per_table.Unordered:  # a value the merge cannot order as Oxigraph: what was written goes
                if kept is not None:
                    kept.clear()
                report.answers[saved.name] = _write_answer(backend, saved, text, folder, people, book, lang, kept)
            else:
                if by_table is not None:
                    report.per_table.append(saved.name)
            if kept is not None:
                spooled[text] = _spool(kept)
                del kept  # until the report: the next queries' hash tables are made without it (46 MB at 100 tables)
            heap.give_back()  # the answer's hash tables: freed, but held by malloc until given back
        # through a temporary, as every output: a build stopped while the workbook is packed (Ctrl-C, a full
        # disk) leaves the last whole answers.xlsx, not a part of one that Excel calls damaged
        with atomic_output(folder.parent / "answers.xlsx") as workbook:
            book.write(workbook)
    finally:
        book.close()
    heap.give_back()  # and the workbook's, packed last
    for sheet in book.continued():
        assert sheet.query is not None
        say(f"{sheet.query.name}: {sheet.rows:,} rows are more than an Excel sheet holds ({sheets.MAX_ROWS - 1:,} under "
            f"its header): answers.xlsx goes on in sheets {', '.join(sheet.names[1:])}; Excel opens only the first "
            f"{sheets.MAX_ROWS:,} lines of {people / (sheet.query.name + '.csv')}, {folder / (sheet.query.name + '.csv')} "
            f"has them all")  # fmt: skip
    say(f"answered {len(report.answers)} saved queries → {folder}/ (SPARQL CSV), {people}/ (CSV for Excel), "
        f"{folder.parent / 'answers.xlsx'} (perfkg query NAME --store {store_dir} to see one)")  # fmt: skip
    return {text: _unspool(spool) for text, spool in spooled.items()}


def _spool(rows: list[tuple]) -> BinaryIO:
    """An answer's kept rows, pickled to an unnamed temporary file (gone when closed, or when the process ends).

    The report needs them only when every answer is written; held meanwhile, the ``indicators`` rows
    (≈ 46 MB at 100 tables) sat under the peak of every query asked after them.
    """
    spool = tempfile.TemporaryFile(prefix="perfkg-kept-")
    fields = rows[0]._fields if rows else ()  # type: ignore[attr-defined]
    # plain tuples: the rows' named-tuple class is made at run time, and pickle finds a class by its name
    pickle.dump((fields, [tuple(row) for row in rows]), spool, protocol=pickle.HIGHEST_PROTOCOL)
    spool.seek(0)
    return spool


def _unspool(spool: BinaryIO) -> list[tuple]:
    """The rows :func:`_spool` wrote, as the :func:`converter.report.row_type` tuples they were; the file is closed."""
    from .report import row_type

    with spool:
        fields, rows = pickle.load(spool)
    if not rows:
        return []
    make = row_type(fields)
    return [make._make(row) for row in rows]


def _write_answer(
    backend: query.OxigraphBackend, saved: catalog.SavedQuery, text: str, folder: Path, people: Path,
    book, lang: str, kept: list[tuple] | None,
    solutions: tuple[list[str], Iterator[tuple[query.Term | None, ...]]] | None = None,
) -> int:
    """One saved query's answer into its three forms as its rows come; ``kept`` receives its rows for the report
    (:func:`converter.report.row_type` tuples of lexical values, the rows :func:`converter.report.ask` gives).

    The bytes are those of :func:`converter.query.write_csv`, :func:`converter.sheets.excel_csv` and
    :func:`converter.sheets.xlsx` of the whole answer. Returns the number of rows.
    ``solutions``: the answer already asked (one table at a time), else it is asked of the store here.
    """
    from . import sheets

    variables, rows = solutions if solutions is not None else backend.solutions(text)
    order = sheets.people_order(saved, variables)
    if order is None:  # a column without a contract: its values decide whether it is an IRI column
        held = query.Result(variables, list(rows))
        order, rows = sheets.people_columns(saved, held), iter(held.rows)
    sheet = book.sheet(saved, sheets.people_headers(saved, variables, order, lang))
    try:
        count = _write_rows(saved, variables, order, rows, sheet, folder, people, kept)
    except BaseException:
        book.discard(sheet)  # an answer stopped part way (per_table.Unordered: asked again whole) leaves no sheet
        raise
    book.done(sheet)
    return count


def _write_rows(saved: catalog.SavedQuery, variables: list[str], order: list[int], rows, sheet, folder: Path,
                people: Path, kept: list[tuple] | None) -> int:  # fmt: skip
    """An answer's rows into its SPARQL CSV (replaced whole or not at all), its CSV for Excel and its sheet."""
    from . import sheets
    from .report import row_type

    strings: dict[str, str] = {}  # the kept rows' repeated values (names, years, codes) held once
    make = row_type(tuple(variables)) if kept is not None else None
    count = 0
    with atomic_output(folder / f"{saved.name}.csv") as raw, (people / f"{saved.name}.csv").open("wb") as excel_raw:
        sparql = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(sparql, lineterminator="\r\n")
        writer.writerow(variables)
        excel = sheets.ExcelCsv(excel_raw, sheet.header)
        shown = sheets.PeopleRows(saved, variables, order, excel, sheet)
        for row in rows:
            count += 1
            writer.writerow(query.csv_row(row))
            shown.add(row)
            if kept is not None:
                kept.append(make._make(None if t is None else strings.setdefault(t.value, t.value) for t in row))
        excel.close()
        sparql.flush()
        sparql.detach()
    return count
