"""The conversion pipeline: source tables → records → quads → a file.

Output is written to a temporary file beside the target and renamed at the
end, so a failed run never leaves a half-written graph behind
(:mod:`converter.output`: links, devices and ``-`` are written through).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from . import render
from .dataset import Distribution, Provenance, Publication
from .graph import GraphBuilder
from .iris import Minter
from .limits import check_table
from .output import atomic_output
from .readers.source import ReadOptions, is_source, iter_source, read_source
from .records import Problem, Table
from .serialize import write
from .vocab import DEFAULT_BASE


@dataclass
class Conversion:
    """The tables read and the problems found in one conversion run."""

    tables: list[Table] = field(default_factory=list)
    #: What a streamed conversion (:func:`stream_graph`) keeps of the rows it no
    #: longer holds, by index in ``tables``: the problems found inside them
    #: (indicator cells) and how many rows were converted.
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)
    row_counts: dict[int, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [p for t in self.tables for p in self.problems_of(t)]

    def problems_of(self, table: Table) -> list[Problem]:
        """One file's problems by line, whether its rows are held or already streamed."""
        extra = self.row_problems.get(self._index(table), [])
        return sorted(table.all_problems() + extra, key=lambda p: (p.line, p.code)) if extra else table.all_problems()

    def rows(self, table: Table) -> int:
        """Rows converted from one file: 合计, unit and project rows, held or already streamed."""
        held = sum(1 + len(u.projects) for d in table.departments for u in d.units)
        held += sum(d.total is not None for d in table.departments)
        return held + self.row_counts.get(self._index(table), 0)

    def _index(self, table: Table) -> int:
        return next((i for i, t in enumerate(self.tables) if t is table), -1)


def read_tables(paths: Sequence[str | Path] | str | Path, encoding: str | None = None, options: ReadOptions | None = None) -> Conversion:
    """Read every source document (raising :class:`~converter.readers.source.SourceError` on unusable input).

    ``encoding`` forces one codec for all files; by default each file's is
    detected. ``options`` forces a layout or names what a form lacks
    (department, year).
    """
    options = _with_encoding(options, encoding)
    return Conversion([read_source(p, options) for p in _path_list(paths)])


def _path_list(paths: Sequence[str | Path] | str | Path) -> list[str | Path]:
    """One path or several: a lone string is a file name, never a sequence of characters."""
    return [paths] if isinstance(paths, (str, Path)) else list(paths)


def _with_encoding(options: ReadOptions | None, encoding: str | None) -> ReadOptions:
    options = options or ReadOptions()
    if encoding is not None and options.encoding is None:
        from dataclasses import replace

        options = replace(options, encoding=encoding)
    return options


def quads(
    conversion: Conversion, base: str = DEFAULT_BASE, distribution: Distribution | None = None,
    publication: Publication | None = None,
) -> Iterator[ox.Quad]:
    """The quads of all tables of a conversion, one minter so IRIs stay unique.

    ``distribution`` is the file being written and ``publication`` what the
    publisher adds (contact, licence, publisher type), for each table's
    dataset description.
    """
    builder = GraphBuilder(Minter(base), Provenance.current(distribution, publication=publication))
    for index, table in enumerate(conversion.tables):
        check_table(table)
        yield from builder.quads(table, schemes=index == 0)


def write_graph(
    conversion: Conversion,
    fmt: str,
    output: str | Path | None,
    base: str = DEFAULT_BASE,
    download_url: str | None = None,
    jobs: int = 1,
    publication: Publication | None = None,
) -> None:
    """Write the graph to a file (atomically) or, when ``output`` is None, to stdout.

    ``jobs`` processes render the tables' departments (:mod:`converter.render`);
    the output is the same whatever their number.
    """
    distribution = Distribution(fmt, download_url) if download_url else None
    if output is None:
        _write(conversion.tables, fmt, sys.stdout.buffer, base, distribution, jobs, publication)
        sys.stdout.buffer.flush()
        return
    with atomic_output(Path(output)) as stream:
        _write(conversion.tables, fmt, stream, base, distribution, jobs, publication)


def _write(
    parts: Iterable[Table], fmt: str, output: BinaryIO, base: str, distribution: Distribution | None, jobs: int,
    publication: Publication | None = None,
) -> None:
    """Tables (or a file's parts) to RDF: part by part where the format allows it, else from the quads."""
    provenance = Provenance.current(distribution, publication=publication)
    if fmt in render.FORMATS:
        render.write_parts(parts, fmt, output, base, provenance, jobs)
        return
    builder = GraphBuilder(Minter(base), provenance)
    write((q for i, part in enumerate(parts) for q in builder.quads(part, schemes=i == 0)), fmt, output)


def stream_quads(
    paths: Sequence[str | Path],
    base: str = DEFAULT_BASE,
    distribution: Distribution | None = None,
    encoding: str | None = None,
    conversion: Conversion | None = None,
    options: ReadOptions | None = None,
) -> Iterator[ox.Quad]:
    """The quads of source files read table by table, holding one department's records at a time.

    The same quads as :func:`quads` of :func:`read_tables` (a test checks it),
    but a file of a thousand tables never sits in memory
    (:func:`~converter.reader.iter_table`). ``conversion``, when given,
    receives each file's summary as its tables go by: the file-level problems
    in a table without departments, the row problems and row counts beside it.
    """
    builder = GraphBuilder(Minter(base), Provenance.current(distribution))
    parts = _summarised_parts(paths, encoding, conversion if conversion is not None else Conversion(), options)
    for index, part in enumerate(parts):
        yield from builder.quads(part, schemes=index == 0)


def _summarised_parts(
    paths: Sequence[str | Path], encoding: str | None, conversion: Conversion, options: ReadOptions | None = None
) -> Iterator[Table]:
    """Each file's parts (:func:`~converter.readers.source.iter_source`), folded into ``conversion`` as they go by."""
    options = _with_encoding(options, encoding)
    for path in paths:
        index = -1
        for part in iter_source(path, options):
            check_table(part)
            index = _summarise(conversion, index, part)
            yield part


def _summarise(conversion: Conversion, index: int, part: Table) -> int:
    """Fold a written part into the conversion's summary of its file; return the file's index."""
    if index < 0:
        conversion.tables.append(Table(file=part.file, sha256=part.sha256, encoding=part.encoding))
        index = len(conversion.tables) - 1
    conversion.tables[index].problems.extend(part.problems)
    conversion.row_problems.setdefault(index, []).extend(
        p for d in part.departments for u in d.units for project in u.projects for p in project.problems
    )
    conversion.row_counts[index] = conversion.row_counts.get(index, 0) + Conversion([part]).rows(part)
    return index


class _Discarded(Exception):
    """Raised inside :class:`atomic_output` to drop the temporary file."""


def stream_graph(
    paths: Sequence[str | Path],
    fmt: str,
    output: str | Path | None,
    base: str = DEFAULT_BASE,
    download_url: str | None = None,
    encoding: str | None = None,
    *,
    keep: Callable[[Conversion], bool] | None = None,
    jobs: int = 1,
    options: ReadOptions | None = None,
    publication: Publication | None = None,
) -> tuple[Conversion, bool]:
    """Convert source files straight to RDF, table by table, so memory stays flat as input grows.

    The source's problems are known only at the end: ``keep`` is asked then,
    and when it says no the file is not written (``--strict``). Standard
    output cannot be taken back, so there ``keep`` is not asked. Returns the
    conversion's summary and whether the output was written. ``jobs``
    processes render the departments (:mod:`converter.render`); the output is
    the same whatever their number.
    """
    distribution = Distribution(fmt, download_url) if download_url else None
    conversion = Conversion()
    parts = _summarised_parts(paths, encoding, conversion, options)
    if output is None:
        _write(parts, fmt, sys.stdout.buffer, base, distribution, jobs, publication)
        sys.stdout.buffer.flush()
        return conversion, True
    try:
        with atomic_output(Path(output)) as stream:
            _write(parts, fmt, stream, base, distribution, jobs, publication)
            if keep is not None and not keep(conversion):
                raise _Discarded
    except _Discarded:
        return conversion, False
    return conversion, True


def stream_graphs(
    paths: Sequence[str | Path],
    outputs: dict[str, str | Path],
    base: str = DEFAULT_BASE,
    *,
    jobs: int = 1,
    options: ReadOptions | None = None,
) -> Conversion:
    """:func:`stream_graph` into several files at once (``{format: path}``), the graph built once for all.

    Each file gets the bytes :func:`stream_graph` writes in its format alone
    (``perfkg build`` writes Turtle and N-Quads this way: one reading of the
    source and one pass of the builder instead of two, issue 15). The formats
    are those written part by part (:data:`converter.render.FORMATS`). Every
    file is written atomically: on an error, none is left.
    """
    unknown = [fmt for fmt in outputs if fmt not in render.FORMATS]
    if unknown:
        raise ValueError(f"formats written together are {', '.join(render.FORMATS)} (found {', '.join(unknown)})")
    conversion = Conversion()
    parts = _summarised_parts(paths, None, conversion, options)
    with contextlib.ExitStack() as files:
        streams = {fmt: files.enter_context(atomic_output(Path(path))) for fmt, path in outputs.items()}
        render.write_formats(parts, streams, base, Provenance.current(None), jobs)
    return conversion


def graph_of(paths: Sequence[str | Path] | str | Path, base: str = DEFAULT_BASE) -> ox.Store:
    """An in-memory Oxigraph store holding the graph of source tables or RDF files.

    Source tables (``.txt``/``.tsv``) are converted; anything else is parsed as
    RDF by its extension.
    """
    paths = _path_list(paths)
    store = ox.Store()
    tables = [p for p in paths if is_source_table(p)]
    if tables:
        store.bulk_extend(quads(read_tables(tables), base))
    for path in paths:
        if not is_source_table(path):
            load_rdf(store, path)
    return store


def is_source_table(path: str | Path) -> bool:
    """A source document (text table, HTML, workbook, Word, PDF), not an RDF file."""
    return is_source(path)


def load_rdf(store: ox.Store, path: str | Path) -> None:
    """Parse an RDF file into a store, keeping named graphs of quad formats."""
    from .serialize import FORMATS, guess_format

    name = guess_format(str(path))
    if name is None:
        raise ValueError(f"{path}: cannot tell the RDF format from the file name (use .ttl, .nt, .nq, .trig, .jsonld or .rdf)")
    store.bulk_load(path=str(path), format=FORMATS[name])
