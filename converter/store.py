"""The embedded triple store: Oxigraph on disk, loaded in bulk and replaced atomically.

A store folder (default ``./perfkg-store``) is a plain Oxigraph database, so
``oxigraph serve --location`` and ``perfkg serve`` can open it as is. Every
source document fills its own named graphs: one per table, named by the table
IRI (department + year, see :mod:`converter.iris`). Loading the same table
again replaces its graph; shared graphs (the SKOS schemes, the places and
fiscal years) are merged, since every document carries a copy of them and no
document owns them.

**Why a load works on a copy of the store.** Oxigraph's bulk loader is fast
(~150 k quads/s here) but not transactional, and its only atomic way to switch
a staged graph into place, SPARQL ``MOVE``, measured 2.2 s and ~100 MB per
table (67 s and 2.6 GB for 30 tables) — slower than the load itself by 15×.
RocksDB checkpoints are instead nearly free (hard links: 2 ms for a 350 MB
store). So :func:`load_documents` makes a private copy of the store beside
it (a checkpoint with the replaced graphs deleted, or, when they are most of
the store, a bulk rebuild from the graphs that stay: deleting runs at 15–45 k
quads/s), bulk-loads the documents into the copy, and renames the copy into
place only when every document has loaded. A failing document, Ctrl-C or a
crash leaves the original untouched; the leftover copy is removed by the next
load (:func:`_recover` also finishes a swap cut short between its two renames).

Each load also records what it loaded in :data:`LOADS_GRAPH`: the document
(file name, sha256, size) and the graphs it filled, for ``perfkg store info``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyoxigraph import Literal, NamedNode, Quad

from .convert import Conversion, is_source_table, quads as table_quads, stream_quads
from .dataset import REFERENCE_GRAPH
from .graph import VOCABULARY_GRAPH, scheme_triples
from .iris import Minter
from .progress import CountingReader, Progress
from .readers.source import ReadOptions, iter_source, read_source
from .records import Table
from .serialize import FORMATS, guess_format
from .vocab import DCAT, DCTERMS, DEFAULT_BASE, PK, PROV, RDF, XSD

DEFAULT_STORE = "perfkg-store"

#: Where each load describes the documents it loaded and the graphs they filled.
LOADS_GRAPH = NamedNode("https://w3id.org/perfkg/loads")

#: Graphs every document carries a copy of: merged on load, never replaced.
SHARED_GRAPHS = frozenset({VOCABULARY_GRAPH, REFERENCE_GRAPH, LOADS_GRAPH})


class StoreError(ValueError):
    """The store folder cannot be used (locked, not a store, missing); one line for the user."""


# -- opening -------------------------------------------------------------------


def check_store_folder(path: str | Path) -> None:
    """Refuse a path that is a file or a folder of other things.

    Oxigraph would happily turn any folder into a database, writing its files
    among the user's own; ``--store ~/Documents`` must fail instead.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: is a file, not a store folder")
    if path.is_dir() and not is_store(path) and any(path.iterdir()):
        raise StoreError(f"{path}: not an Oxigraph store (the folder holds other files); give a new or empty folder")


def is_store(path: str | Path) -> bool:
    """True when the folder holds a database (RocksDB's ``CURRENT`` file)."""
    return (Path(path) / "CURRENT").is_file()


def open_store(path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> ox.Store:
    """Open (or, unless read-only, create) an on-disk Oxigraph store.

    Raises :class:`StoreError` with a one-line message when the folder is
    locked by another process, is not a store, or (read-only) does not exist.
    """
    path = Path(path)
    if not read_only:
        _recover(path)
    check_store_folder(path)
    if read_only and not is_store(path):
        raise StoreError(f"{path}: no store here (create one with 'perfkg load INPUT --store {path}')")
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
        raise store_error(path, err) from None


def open_existing(path: str | Path = DEFAULT_STORE) -> ox.Store:
    """Open a store that must already exist (for info, drop, queries), read-write."""
    path = Path(path)
    _recover(path)
    check_store_folder(path)
    if not is_store(path):
        raise StoreError(f"{path}: no store here (create one with 'perfkg load INPUT --store {path}')")
    return open_store(path)


def open_dataset(path: str | Path = DEFAULT_STORE) -> rdflib.Dataset:
    """The store as an rdflib Dataset through oxrdflib, the default graph being the union."""
    check_store_folder(path)
    dataset = rdflib.Dataset(store="Oxigraph", default_union=True)
    try:
        dataset.open(str(path))
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
        raise store_error(Path(path), err) from None
    return dataset


def store_error(path: Path, err: Exception) -> StoreError:
    """Turn RocksDB's messages into one line a user can act on."""
    text = str(err)
    if "LOCK" in text and ("temporarily unavailable" in text or "lock hold" in text or "No locks" in text):
        return StoreError(
            f"{path}: the store is in use by another process (a running 'perfkg serve'?); "
            "stop it, or load through the server with --endpoint"
        )
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return StoreError(f"{path}: cannot open as an Oxigraph store ({first})")


# -- documents -----------------------------------------------------------------


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
    minter = Minter(base)
    owned = [NamedNode(minter.table(d.name, d.year)) for d in table.departments]
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
        if summary is None:
            summary = Table(file=part.file, sha256=part.sha256, encoding=part.encoding)
        summary.problems.extend(part.all_problems())
        owned.extend(NamedNode(minter.table(d.name, d.year)) for d in part.departments)
    assert summary is not None  # iter_source yields at least one part or raises
    summary.problems.sort(key=lambda p: (p.line, p.code))
    return Document(
        path, summary.sha256, path.stat().st_size, base, list(dict.fromkeys(owned)), summary=summary, options=options
    )


def _scan_rdf(path: Path, rdf_format: ox.RdfFormat, base: str, progress: bool | None = False) -> Document:
    """Parse an RDF file once: check its syntax, find its tables and hash it.

    A named graph that holds its own ``pk:PerformanceGoalsTable`` is owned by
    the document; default-graph triples (Turtle, N-Triples) go to the graph of
    the table their subject lies under, the schemes to the vocabulary graph,
    anything else to every table in the file, or to a graph named after the
    file when it has no table.
    """
    digest = hashlib.sha256()
    tables: set[NamedNode] = set()
    default_tables: set[NamedNode] = set()
    has_default = False
    with path.open("rb") as raw, Progress(path.stat().st_size, f"checking {path.name}", enabled=progress) as bar:
        reader = CountingReader(_HashingReader(raw, digest), bar)
        try:
            for quad in ox.parse(reader, format=rdf_format):
                typed = quad.predicate == RDF.type and quad.object == PK.PerformanceGoalsTable
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


@dataclass
class Loaded:
    """What one document put in the store: quads written per graph (shared graphs included)."""

    document: Document
    graphs: dict[NamedNode, int]


def load_documents(path: str | Path, documents: list[Document], *, progress: bool | None = None) -> list[Loaded]:
    """Load documents into the store folder, all or nothing.

    Works on a checkpoint of the store beside it and renames it into place at
    the end (see the module docstring): until then the store is unchanged, and
    any exception (a bad document, Ctrl-C, a full disk) leaves it so.
    ``progress`` None means "draw a bar when stderr is a terminal".
    """
    path = Path(path)
    _recover(path)
    check_store_folder(path)
    _refuse_if_served(path)
    original: ox.Store | None = open_store(path)  # created if new; holds the lock for the whole load
    work: ox.Store | None = None
    stage = _sibling(path, "loading")
    try:
        _remove_leftovers(path)
        work = _working_copy(original, stage, {g for doc in documents for g in doc.owned})
        loaded = [_load_one(work, doc, progress) for doc in documents]
        work.flush()
        work = None
        ready = _sibling(path, "ready")
        os.rename(stage, ready)
        original = None  # releases the lock: the swap needs the folder closed
        _swap(path, ready)
        return loaded
    except BaseException as err:
        # A traceback keeps every frame's store alive, and with it the RocksDB
        # lock; clear them so the caller (or a test) can reopen the store.
        traceback.clear_frames(err.__traceback__)
        work = original = None
        shutil.rmtree(stage, ignore_errors=True)
        raise


#: Rebuild the copy instead of deleting from it when more than this share of the store is replaced.
REBUILD_SHARE = 0.25

_COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def _working_copy(original: ox.Store, stage: Path, replaced: set[NamedNode]) -> ox.Store:
    """A private copy of the store without the graphs about to be replaced.

    Deleting is Oxigraph's slow path (a transaction per graph, 15–45 k quads/s
    measured here against ~150 k/s for the bulk loader), so when the graphs to
    replace are a large share of the store — reloading everything, the usual
    case while preparing data — the copy is rebuilt in bulk from the graphs
    that stay; otherwise it is a checkpoint (hard links, instant) with the old
    graphs removed.
    """
    present = [g for g in replaced if original.contains_named_graph(g)]
    doomed = sum(_graph_size(original, g) for g in present)
    total = int(next(iter(original.query(_COUNT_ALL)))["n"].value) if doomed else 0
    if doomed and doomed > REBUILD_SHARE * total:
        work = ox.Store(str(stage))
        work.bulk_extend(_quads_outside(original, replaced))
    else:
        original.backup(str(stage))
        work = ox.Store(str(stage))
        for graph in present:
            work.remove_graph(graph)
    _forget_loads(work, present)
    return work


def _quads_outside(store: ox.Store, graphs: set[NamedNode]) -> Iterator[Quad]:
    """Every quad of the store but those of ``graphs``, read graph by graph (skipping is free)."""
    yield from store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    for graph in store.named_graphs():
        if graph not in graphs:
            yield from store.quads_for_pattern(None, None, None, graph)


def _graph_size(store: ox.Store, graph: NamedNode) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)))["n"].value)


def _load_one(store: ox.Store, doc: Document, progress: bool | None) -> Loaded:
    """Bulk-load one document into ``store`` (a private copy its graphs were removed from)."""
    unit, total = ("lines", _line_count(doc.path)) if doc.source is not None else ("B", doc.size)
    with Progress(total, f"loading {doc.path.name}", unit, enabled=progress) as bar:
        graphs: dict[NamedNode, int] = {}
        for batch in _batches(_counting(doc.quads(bar), graphs)):
            store.bulk_extend(batch)
    store.extend(doc.description())
    return Loaded(doc, dict(sorted(graphs.items(), key=lambda item: str(item[0]))))


#: Quads handed to the bulk loader at once: whole table graphs, at least this many.
BATCH = 50_000


def _batches(quads: Iterable[Quad], least: int = BATCH, most: int = 8 * BATCH) -> Iterator[list[Quad]]:
    """The quads in lists of whole graphs (≈ one or two departments' tables), each ≥ ``least``.

    Oxigraph's bulk loader holds everything one call gives it (≈ 450 bytes a
    quad: 1.6 GB for 100 tables in one call); batches keep a load's memory
    flat (≈ 150 MB) for ≈ 40 % more CPU (benchmarks/VALIDATION.md, "Load").
    A graph larger than ``most`` is cut.
    """
    batch: list[Quad] = []
    last = None
    for quad in quads:
        if (quad.graph_name != last and len(batch) >= least) or len(batch) >= most:
            yield batch
            batch = []
        last = quad.graph_name
        batch.append(quad)
    if batch:
        yield batch


def _counting(quads: Iterable[Quad], graphs: dict[NamedNode, int]) -> Iterator[Quad]:
    for quad in quads:
        graphs[quad.graph_name] = graphs.get(quad.graph_name, 0) + 1
        yield quad


def _line_count(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) + 1


def _forget_loads(store: ox.Store, graphs: Iterable[NamedNode]) -> None:
    """Remove the load records of graphs about to be replaced or dropped, and orphaned documents."""
    documents: set = set()
    for graph in graphs:
        for quad in list(store.quads_for_pattern(graph, DCTERMS.source, None, LOADS_GRAPH)):
            documents.add(quad.object)
            store.remove(quad)
    for doc in documents:
        if next(store.quads_for_pattern(None, DCTERMS.source, doc, LOADS_GRAPH), None) is None:
            for quad in list(store.quads_for_pattern(doc, None, None, LOADS_GRAPH)):
                store.remove(quad)


def load_quads(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Bulk-load quads into an open store, replacing each (non-shared) named graph they mention.

    For tests and small programs that hold a store already. Not atomic: use
    :func:`load_documents` (what ``perfkg load`` runs) for that.
    """
    quads = list(quads)
    for graph in {q.graph_name for q in quads}:
        if isinstance(graph, NamedNode) and graph not in SHARED_GRAPHS:
            store.clear_graph(graph)
    store.bulk_extend(quads)
    store.flush()


# -- swapping the copy into place ------------------------------------------------


def _sibling(path: Path, kind: str, pid: int | None = None) -> Path:
    return path.parent / f".{path.name}.{kind}-{pid if pid is not None else os.getpid()}"


def _leftovers(path: Path, kind: str) -> list[tuple[Path, int]]:
    """Sibling folders a load left behind, with the id of the process that made them."""
    found = []
    prefix = f".{path.name}.{kind}-"
    if path.parent.is_dir():
        for entry in path.parent.iterdir():
            if entry.name.startswith(prefix) and entry.name[len(prefix) :].isdigit():
                found.append((entry, int(entry.name[len(prefix) :])))
    return found


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(path: Path, ready: Path) -> None:
    """Put the loaded copy in place: two renames, recoverable if cut between them."""
    old = _sibling(path, "old")
    try:
        os.rename(path, old)
    except OSError as err:
        shutil.rmtree(ready, ignore_errors=True)
        raise StoreError(
            f"{path}: cannot replace the store folder ({err.strerror}); it must be renameable "
            "(not a mount point: mount its parent instead)"
        ) from None
    os.rename(ready, path)
    shutil.rmtree(old, ignore_errors=True)


def _recover(path: Path) -> None:
    """Finish or discard what an interrupted load left beside the store.

    A ``ready`` copy with no store in place means the process died between the
    two renames of :func:`_swap`: the load had completed, so it goes in place.
    Anything else from a dead process (a half-loaded ``loading`` copy, a
    ``ready`` copy that never started its swap, an ``old`` store) is removed.
    """
    dead = lambda kind: [p for p, pid in _leftovers(path, kind) if not _alive(pid)]  # noqa: E731
    ready = dead("ready")
    if ready and not path.exists():
        os.rename(ready.pop(), path)
    for leftover in dead("loading") + ready + dead("old"):
        shutil.rmtree(leftover, ignore_errors=True)


def mark_served(path: Path, pid: int) -> Path:
    """Note beside the store that a read-only server (process ``pid``) has it open.

    A read-only Oxigraph takes no lock, so without this note a load would swap
    the folder from under the server, whose unopened files would then vanish.
    """
    marker = _sibling(path, "served", pid)
    marker.touch()
    return marker


def _refuse_if_served(path: Path) -> None:
    for marker, pid in _leftovers(path, "served"):
        if _alive(pid):
            raise StoreError(f"{path}: a read-only server (process {pid}) is serving this store; stop it before loading")
        marker.unlink(missing_ok=True)


def _remove_leftovers(path: Path) -> None:
    for leftover, pid in _leftovers(path, "loading"):
        if not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


# -- inspecting and dropping -----------------------------------------------------


@dataclass
class GraphInfo:
    """One named graph: its size and the documents loaded into it."""

    name: str
    triples: int
    documents: list[tuple[str, str]]  # (file name, "sha256:…")


_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def graph_infos(store: ox.Store) -> list[GraphInfo]:
    """Every named graph with its triple count and source documents, sorted by name."""
    infos = []
    for row in store.query(_COUNTS):
        graph = row["g"]
        infos.append(GraphInfo(graph.value, int(row["n"].value), _documents_of(store, graph)))
    return sorted(infos, key=lambda i: i.name)


def _documents_of(store: ox.Store, graph: NamedNode) -> list[tuple[str, str]]:
    found = []
    for quad in store.quads_for_pattern(graph, DCTERMS.source, None, LOADS_GRAPH):
        doc = quad.object
        title = next(store.quads_for_pattern(doc, DCTERMS.title, None, LOADS_GRAPH), None)
        ident = next(store.quads_for_pattern(doc, DCTERMS.identifier, None, LOADS_GRAPH), None)
        found.append((title.object.value if title else "?", ident.object.value if ident else "?"))
    return sorted(found)


def drop_graph(store: ox.Store, name: str) -> int:
    """Remove one named graph (in one transaction) and its load record; return its triple count."""
    try:
        graph = NamedNode(name)
    except ValueError as err:
        raise StoreError(f"{name!r} is not an IRI ({err})") from None
    if not store.contains_named_graph(graph):
        raise StoreError(f"no graph <{name}> in the store (list them with 'perfkg store info')")
    count = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    store.remove_graph(graph)
    _forget_loads(store, [graph])
    store.flush()
    return count
