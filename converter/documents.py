"""Documents to load: source documents read by the converter, and RDF files checked, before a store is touched.

:func:`prepare` reads every source document (any layout, any format, see
:mod:`converter.readers`) and checks every RDF file, so that an unusable one
stops a load before anything is written; each becomes a :class:`Document`
that hands the store its quads graph by graph. The store
(:mod:`converter.store`) loads them and knows nothing of layouts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from .convert import Conversion, is_source_table, quads as table_quads, stream_quads
from .graph import VOCABULARY_GRAPH, scheme_triples
from .iris import Minter
from .limits import check_table
from .lines import BLOCK, blocks
from .progress import CountingReader, Progress
from .readers.source import ReadOptions, iter_source, read_source
from .records import Table
from .serialize import FORMATS, guess_format
from .store import LOADS_GRAPH, StoreError
from .vocab import DCAT, DCTERMS, DEFAULT_BASE, PK, PROV, RDF, XSD


@dataclass
class Document:
    """One input file, read or scanned before anything is written.

    ``owned`` are the graphs the document replaces: its tables (or, for an RDF
    file without a table, a graph named after the file); every other graph it
    writes to is shared and merged.

    A source table is either held (``table``: its records, for ``perfkg
    build``, which also writes the graph) or only scanned (``summary``: its
    problems, no departments) and converted again, department by department,
    as it loads — so a province's file never sits in memory.
    """

    path: Path
    sha256: str
    size: int
    base: str
    owned: list[NamedNode] = field(default_factory=list)
    table: Table | None = None
    rdf_format: ox.RdfFormat | None = None
    _default_targets: Callable[[Quad], list[NamedNode]] | None = None
    summary: Table | None = None
    options: ReadOptions | None = None  # how the source is read again as it loads (layout, department, year)
    #: N-Quads written one quad a line, each in a named graph: the lines of each graph (see _scan_lines);
    #: the store bulk-loads such a file as it is, in blocks of whole lines.
    line_counts: dict[NamedNode, int] | None = None

    def parsed(self) -> Document:
        """The same file scanned by parsing it (what a load falls back to when reading lines fails)."""
        assert self.rdf_format is not None
        return _scan_rdf(self.path, self.rdf_format, self.base, lines=False)

    @property
    def source(self) -> Table | None:
        """What was read of a source table (records or summary): its file, encoding and problems."""
        return self.table if self.table is not None else self.summary

    @property
    def iri(self) -> NamedNode:
        """The document's IRI: the converter's source-file IRI, by content hash."""
        return NamedNode(Minter(self.base).source_file(self.sha256))

    def quads(self, progress: Progress | None = None) -> Iterator[Quad]:
        """Every quad of the document, default-graph triples placed in named graphs."""
        if self.table is not None:
            yield from _with_line_progress(table_quads(Conversion([self.table]), self.base), progress)
            return
        if self.summary is not None:
            lines = progress if progress is not None and progress.unit == "lines" else None
            yield from _with_line_progress(stream_quads([self.path], self.base, options=self.options), lines)
            return
        with self.path.open("rb") as raw:
            source = CountingReader(raw, progress) if progress else raw
            for quad in ox.parse(source, format=self.rdf_format):
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    assert self._default_targets is not None
                    for graph in self._default_targets(quad):
                        yield Quad(quad.subject, quad.predicate, quad.object, graph)
                else:
                    yield quad

    def progress_total(self) -> tuple[str, int]:
        """What a load's progress counts for this document: source lines, or bytes of an RDF file."""
        return ("lines", _line_count(self.path)) if self.source is not None else ("B", self.size)

    def description(self) -> list[Quad]:
        """What was loaded, from which file: the quads :data:`LOADS_GRAPH` keeps."""
        doc, g = self.iri, LOADS_GRAPH
        found = [
            Quad(doc, RDF.type, PROV.Entity, g),
            Quad(doc, DCTERMS.title, Literal(self.path.name), g),
            Quad(doc, DCTERMS.identifier, Literal(f"sha256:{self.sha256}"), g),
            Quad(doc, DCAT.byteSize, Literal(str(self.size), datatype=XSD.nonNegativeInteger), g),
        ]
        return found + [Quad(graph, DCTERMS.source, doc, g) for graph in self.owned]


def prepare(
    paths: Iterable[str | Path], base: str = DEFAULT_BASE, *, progress: bool | None = False, records: bool = False,
    options: ReadOptions | None = None,
) -> list[Document]:
    """Read every source table and check every RDF file before a store is touched.

    An unreadable or invalid document raises here (TableError, ValueError),
    so nothing has been written yet; two documents that hold the same table
    raise :class:`StoreError`. Source tables are scanned department by
    department and only their tables and problems kept, unless ``records``
    (``perfkg build`` converts the records it holds).
    """
    documents = [_prepare_one(Path(p), base, progress, records, options) for p in paths]
    owner: dict[NamedNode, Path] = {}
    for doc in documents:
        for graph in doc.owned:
            if graph in owner:
                raise StoreError(
                    f"{owner[graph].name} and {doc.path.name} both hold the table <{graph.value}>; load one of them"
                )
            owner[graph] = doc.path
    return documents


def _prepare_one(
    path: Path, base: str, progress: bool | None, records: bool = False, options: ReadOptions | None = None
) -> Document:
    if is_source_table(path):
        return _read_source(path, base, options) if records else _scan_source(path, base, options)
    name = guess_format(str(path))
    if name is None:
        raise ValueError(f"{path}: cannot tell the format from the file name (use .txt/.tsv tables, or .nq, .trig, .nt, .ttl)")
    return _scan_rdf(path, FORMATS[name], base, progress)


def _read_source(path: Path, base: str, options: ReadOptions | None = None) -> Document:
    """A source table read whole, its records kept."""
    table = read_source(path, options)
    check_table(table)
    minter = Minter(base)
    owned = [NamedNode(minter.table(d.name, d.year)) for d in table.departments]
    owned += [NamedNode(minter.self_evaluation(e.department, e.year)) for e in table.evaluations]
    return Document(path, table.sha256, path.stat().st_size, base, list(dict.fromkeys(owned)), table=table)


def _scan_source(path: Path, base: str, options: ReadOptions | None = None) -> Document:
    """A source table read department by department, keeping its tables and problems, not its records.

    The records are read again as the document loads (:meth:`Document.quads`):
    reading costs a few seconds a hundred tables, holding them ≈ 2.5 MB a table.
    """
    minter = Minter(base)
    summary: Table | None = None
    owned: list[NamedNode] = []
    for part in iter_source(path, options):
        check_table(part)  # refused before the store is touched
        if summary is None:
            summary = Table(file=part.file, sha256=part.sha256, encoding=part.encoding)
        summary.problems.extend(part.all_problems())
        owned.extend(NamedNode(minter.table(d.name, d.year)) for d in part.departments)
        owned.extend(NamedNode(minter.self_evaluation(e.department, e.year)) for e in part.evaluations)
    assert summary is not None  # iter_source yields at least one part or raises
    summary.problems.sort(key=lambda p: (p.line, p.code))
    return Document(
        path, summary.sha256, path.stat().st_size, base, list(dict.fromkeys(owned)), summary=summary, options=options
    )


def _scan_rdf(path: Path, rdf_format: ox.RdfFormat, base: str, progress: bool | None = False, *, lines: bool = True) -> Document:
    """Parse an RDF file once: check its syntax, find its tables and hash it.

    N-Quads in perfkg's form (``lines``) are not parsed here but read as lines
    (:func:`_scan_lines`); their syntax is checked as they load.

    A named graph that holds its own ``pk:PerformanceGoalsTable`` is owned by
    the document; default-graph triples (Turtle, N-Triples) go to the graph of
    the table their subject lies under, the schemes to the vocabulary graph,
    anything else to every table in the file, or to a graph named after the
    file when it has no table.
    """
    if lines and rdf_format == ox.RdfFormat.N_QUADS:
        found = _scan_lines(path, progress)
        if found is not None:
            sha256, tables, counts = found
            return Document(path, sha256, path.stat().st_size, base, sorted(tables, key=str), rdf_format=rdf_format,
                            line_counts=counts)  # fmt: skip
    digest = hashlib.sha256()
    tables: set[NamedNode] = set()
    default_tables: set[NamedNode] = set()
    has_default = False
    with path.open("rb") as raw, Progress(path.stat().st_size, f"checking {path.name}", enabled=progress) as bar:
        reader = CountingReader(_HashingReader(raw, digest), bar)
        try:
            for quad in ox.parse(reader, format=rdf_format):
                # a goals table's graph, or a self-evaluation report's (issue 19)
                typed = quad.predicate == RDF.type and quad.object in (PK.PerformanceGoalsTable, PK.SelfEvaluationReport)
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    has_default = True
                    if typed and isinstance(quad.subject, NamedNode):
                        default_tables.add(quad.subject)
                elif typed and quad.subject == quad.graph_name:
                    tables.add(quad.graph_name)
        except SyntaxError as err:
            raise ValueError(f"{path}: not valid RDF ({str(err).splitlines()[0]})") from None
    doc = Document(path, digest.hexdigest(), path.stat().st_size, base, rdf_format=rdf_format)
    fallback = sorted(default_tables, key=str) or ([doc.iri] if has_default else [])
    doc.owned = sorted(tables | set(fallback), key=str)
    doc._default_targets = _placer(sorted(default_tables, key=str), fallback)
    return doc


#: Text whose line is parsed while scanning lines: a table's type, a self-evaluation report's, an escape.
_MARKERS = (b"PerformanceGoalsTable>", b"SelfEvaluationReport>", b"\\u", b"\\U")
_TYPED = (PK.PerformanceGoalsTable, PK.SelfEvaluationReport)


def _scan_lines(path: Path, progress: bool | None = False, block: int = BLOCK) -> tuple[str, set[NamedNode], dict[NamedNode, int]] | None:
    """Hash N-Quads written one quad a line and find their tables, without parsing every line.

    Each line must end in a graph IRI (`` <graph> .``); the first line of each
    run of one graph is parsed and must be a quad in that graph; the lines
    that name a table class (or hold an escape) are parsed to find the tables.
    None when the file is in another form (a comment, a blank line, a blank
    node, a line break other than LF …): it is then parsed as any RDF file.
    A default-graph triple ending in the graph's IRI is not seen here; the
    load finds it (the default graph is not empty) and starts again parsing.
    """
    digest = hashlib.sha256()
    tables: set[NamedNode] = set()
    counts: dict[bytes, int] = {}
    run: tuple[bytes, int] | None = (b"", 0)  # the graph suffix of the lines being counted, and how many
    with path.open("rb") as raw, Progress(path.stat().st_size, f"checking {path.name}", enabled=progress) as bar:
        for data in blocks(CountingReader(raw, bar), block):
            digest.update(data)  # the blocks are the file's bytes in order
            if b"_:" in data:
                return None  # blank nodes: each parse names them anew, a file must be parsed whole
            run = _count_runs(data, *run, counts)
            if run is None:
                return None
            for marker in _MARKERS if b"\\" in data else _MARKERS[:2]:  # an escape needs a backslash
                at = data.find(marker)
                while at >= 0:
                    end = data.find(b"\n", at)
                    quad = _one_line(data[data.rfind(b"\n", 0, at) + 1 : end if end >= 0 else len(data)])
                    if quad is None:
                        return None
                    if quad.predicate == RDF.type and quad.object in _TYPED and quad.subject == quad.graph_name:
                        tables.add(quad.graph_name)
                    at = data.find(marker, end) if end >= 0 else -1
    suffix, count = run
    if count:
        counts[suffix] = counts.get(suffix, 0) + count
    return digest.hexdigest(), tables, {NamedNode(k[2:-3].decode()): n for k, n in counts.items()}


def _count_runs(data: bytes, suffix: bytes, count: int, counts: dict[bytes, int]) -> tuple[bytes, int] | None:
    """Count the lines of ``data`` (whole lines) run by run of one graph, adding each finished run to ``counts``.

    ``suffix`` (`` <graph> .``) and ``count`` are the run the previous block
    ended in; returned likewise for the next block, or None when a line is not
    one quad in a named graph. A run is counted at once when every line up to
    the last one ending in its suffix does (two counts of the bytes, no
    Python per line); a block where graphs interleave is walked line by line.
    """
    pos, size, whole_runs = 0, len(data), True
    while pos < size:
        end = data.find(b"\n", pos)
        if end < 0:
            end = size
        if suffix and data.endswith(suffix, pos, end):
            if whole_runs:
                key = suffix + b"\n"
                stop = data.rfind(key, pos) + len(key)  # after the block's last line in this graph
                lines = data.count(b"\n", pos, stop) if stop > pos else 0
                if lines and data.count(key, pos, stop) == lines:
                    count, pos = count + lines, stop
                    continue
                whole_runs = False  # another graph's lines in between: line by line from here
            count, pos = count + 1, end + 1
            continue
        line = data[pos:end]
        start = line.rfind(b" <")
        if start <= 0 or not line.endswith(b"> ."):
            return None
        if count:
            counts[suffix] = counts.get(suffix, 0) + count
        suffix, count = line[start:], 1
        quad = _one_line(line)
        if quad is None or not isinstance(quad.graph_name, NamedNode) or quad.graph_name.value.encode() != suffix[2:-3]:
            return None
        pos = end + 1
    return suffix, count


def _one_line(line: bytes) -> Quad | None:
    try:
        quads = list(ox.parse(line, format=ox.RdfFormat.N_QUADS))
    except (SyntaxError, ValueError):
        return None
    return quads[0] if len(quads) == 1 else None


def _placer(tables: list[NamedNode], fallback: list[NamedNode]) -> Callable[[Quad], list[NamedNode]]:
    vocabulary = {t.subject for t in scheme_triples()}
    roots = [(t.value, t.value.rstrip("/") + "/") for t in tables]

    def place(quad: Quad) -> list[NamedNode]:
        if quad.subject in vocabulary:
            return [VOCABULARY_GRAPH]
        text = str(quad.subject.value) if isinstance(quad.subject, NamedNode) else ""
        for (root, prefix), table in zip(roots, tables):
            if text == root or text.startswith(prefix):
                return [table]
        return fallback

    return place


class _HashingReader:
    """Feed the bytes a parser reads into a hash, so the file is read once."""

    def __init__(self, raw, digest) -> None:
        self._raw, self._digest = raw, digest

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._digest.update(data)
        return data


def _with_line_progress(quads: Iterable[Quad], progress: Progress | None) -> Iterator[Quad]:
    """Move the bar to each row's ``pk:sourceLine`` as the converter reaches it."""
    if progress is None:
        yield from quads
        return
    line = PK.sourceLine
    for quad in quads:
        if quad.predicate == line:
            progress.advance_to(int(quad.object.value))
        yield quad


# -- loading -------------------------------------------------------------------


def _line_count(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) + 1
