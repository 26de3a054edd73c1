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

**Why loads are safe together.** Two lock files beside the store coordinate
the processes that use it (``flock``: released by the kernel when a process
dies, so a lock never outlives its owner). ``.NAME.lock`` is held by a load
from before it copies the store to after its swap, and by ``store drop`` and
a starting ``perfkg serve``: a second load waits for the first and copies the
store the first one left, so neither update is lost. Leftover folders are
only touched by the holder of that lock, which proves their owner is no longer
loading. ``.NAME.swap.lock`` is held shared by every process while it opens
the store and exclusively by a load for its two renames, so an opening reader
sees the old store or the new one, never the gap between them (a read-only
Oxigraph keeps every file it opened, so a reader that opened the old store
goes on reading it after the swap). A serving ``perfkg serve`` keeps a
``.NAME.served-PID`` marker locked; loads and drops refuse while one is.

Each load also records what it loaded in :data:`LOADS_GRAPH`: the document
(file name, sha256, size) and the graphs it filled, for ``perfkg store info``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from pyoxigraph import NamedNode, Quad

from . import lines, storecheck
from .dataset import REFERENCE_GRAPH
from .graph import VOCABULARY_GRAPH
from .progress import CountingReader, Progress
from .vocab import DCTERMS

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
    if read_only:  # held only while it opens: use Reading to keep a swap away while reading
        store = Reading(path).store
        assert store is not None
        return store
    path = resolve(path)
    _try_recover(path)
    with _opening(path):  # a swap does not start while the folder is checked and opened
        check_store_folder(path)
        return _open(path, read_only)


def _open(path: Path, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as RuntimeError
        raise store_error(path, err) from None


def resolve(path: str | Path) -> Path:
    """The store folder a path names: a symbolic link is followed, so a load replaces its target, not the link."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def open_existing(path: str | Path = DEFAULT_STORE) -> ox.Store:
    """Open a store that must already exist (for info, drop, queries), read-write."""
    path = resolve(path)
    _try_recover(path)
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


class Loadable(Protocol):
    """What the store loads: quads in named graphs, the graphs they replace, and a description.

    :class:`converter.documents.Document` is one (a source document read by
    the converter, or an RDF file checked): the store knows nothing of source
    layouts, only of graphs and quads.
    """

    path: Path
    owned: list[NamedNode]

    def quads(self, progress: Progress | None = None) -> Iterator[Quad]: ...

    def description(self) -> list[Quad]: ...

    def progress_total(self) -> tuple[str, int]: ...


@dataclass
class Loaded:
    """What one document put in the store: quads written per graph (shared graphs included)."""

    document: Loadable
    graphs: dict[NamedNode, int]


def load_documents(
    path: str | Path, documents: Sequence[Loadable], *, progress: bool | None = None, rendered: Path | None = None
) -> list[Loaded]:
    """Load documents into the store folder, all or nothing.

    Works on a checkpoint of the store beside it and renames it into place at
    the end (see the module docstring): until then the store is unchanged, and
    any exception (a bad document, Ctrl-C, a full disk) leaves it so.
    ``progress`` None means "draw a bar when stderr is a terminal".
    ``rendered``: an N-Quads file holding every quad of the documents (the
    graph ``perfkg build`` has just written and validated), bulk-loaded as it
    is, its terms not checked again, instead of converting the documents again
    (see :func:`_load_rendered`).
    """
    path = resolve(path)
    with writing(path, wait=True):
        _recover(path)
        check_store_folder(path)
        _refuse_if_served(path)
        try:
            return _load_locked(path, documents, progress, rendered)
        except _ParseInstead:  # N-Quads read as lines held something lines cannot tell: parse them
            documents = [_parsed(doc) for doc in documents]
            return _load_locked(path, documents, progress, rendered)
        except _WholeInstead:  # the rendered file holds a blank node: one parse of the whole file keeps it one node
            return _load_locked(path, documents, progress, rendered, whole=True)


class _ParseInstead(Exception):
    """A file bulk-loaded as lines must be parsed instead (its syntax, or a default-graph triple)."""


class _WholeInstead(Exception):
    """A rendered file loaded in blocks of lines may hold blank nodes: it must be loaded in one call."""


def _parsed(doc: Loadable) -> Loadable:
    return doc.parsed() if getattr(doc, "line_counts", None) is not None else doc  # type: ignore[attr-defined]


def _load_locked(
    path: Path, documents: Sequence[Loadable], progress: bool | None, rendered: Path | None = None, whole: bool = False
) -> list[Loaded]:
    if is_store(path):
        storecheck.compare(path)  # a damaged store is refused before anything is copied from it
    with _locked(path, "swap.lock", fcntl.LOCK_EX):
        # Created if new; else opened read-write once, with readers held off, to
        # refuse a store another process holds open read-write (RocksDB's lock).
        # The copy is then taken from a read-only handle: a read-write one
        # rewrites files as it closes, under the feet of readers opening it.
        _open(path, read_only=False)
    original: ox.Store | None = _open(path, read_only=True)
    work: ox.Store | None = None
    stage = _sibling(path, "loading")
    try:
        work = _working_copy(original, stage, {g for doc in documents for g in doc.owned})
        if rendered:
            loaded = _load_rendered(work, documents, rendered, whole=whole)
        else:
            loaded = [_load_one(work, doc, progress) for doc in documents]
        work.flush()
        # The bulk loader leaves one set of files per batch; compacting them
        # costs ≈ 10 CPU s at 100 tables and makes the saved queries ≈ 3.6×
        # cheaper (benchmarks/README.md, issue 15).
        work.optimize()
        work = None
        storecheck.record(stage)  # what load and serve compare before they use the store
        ready = _sibling(path, "ready")
        os.rename(stage, ready)
        original = None  # closes it: the swap needs the folder closed (the store's lock stays held)
        _swap(path, ready)
        return loaded
    except BaseException as err:
        # A traceback keeps every frame's store alive, and with it the RocksDB
        # lock; clear them so the caller (or a test) can reopen the store.
        traceback.clear_frames(err.__traceback__)
        work = original = None
        shutil.rmtree(stage, ignore_errors=True)
        if path.exists():  # else the swap was cut between its renames: _recover finishes it
            shutil.rmtree(_sibling(path, "ready"), ignore_errors=True)
        if isinstance(err, RuntimeError) and "Corruption" in str(err):  # RocksDB read a damaged block
            raise storecheck.StoreDamaged(f"{path}: the store is damaged ({str(err).splitlines()[0]}); "
                                          "run 'perfkg store check' [store-damaged]") from None  # fmt: skip
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


def _load_one(store: ox.Store, doc: Loadable, progress: bool | None) -> Loaded:
    """Bulk-load one document into ``store`` (a private copy its graphs were removed from)."""
    counts = getattr(doc, "line_counts", None)
    if counts is not None and next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is None:
        return _load_lines(store, doc, counts, progress)
    unit, total = doc.progress_total()
    with Progress(total, f"loading {doc.path.name}", unit, enabled=progress) as bar:
        graphs: dict[NamedNode, int] = {}
        for batch in _batches(_counting(doc.quads(bar), graphs)):
            store.bulk_extend(batch)
    store.extend(doc.description())
    return Loaded(doc, dict(sorted(graphs.items(), key=lambda item: str(item[0]))))


#: Bytes of N-Quads lines handed to the bulk loader at once (memory stays flat, as with BATCH).
LINES_BLOCK = lines.BLOCK


def _load_lines(store: ox.Store, doc: Loadable, counts: dict[NamedNode, int], progress: bool | None) -> Loaded:
    """Bulk-load N-Quads written one quad a line (``Document.line_counts``) in blocks of whole lines.

    Oxigraph parses each block in Rust: no Python object per quad (≈ 1.4×
    cheaper than parsing to quads and batching them, benchmarks/README.md,
    issue 15). The scan counted each graph's lines: the quads per graph.
    A syntax error, or a triple that went to the default graph (a line
    without a graph that ended like one), makes the load parse the file instead.
    """
    unit, total = doc.progress_total()
    with Progress(total, f"loading {doc.path.name}", unit, enabled=progress) as bar, doc.path.open("rb") as raw:
        try:
            for block in _line_blocks(CountingReader(raw, bar)):
                store.bulk_load(block, format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, MemoryError):
            raise _ParseInstead from None
    if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) is not None:
        raise _ParseInstead
    store.extend(doc.description())
    return Loaded(doc, dict(sorted(counts.items(), key=lambda item: str(item[0]))))


def _line_blocks(raw) -> Iterator[bytes]:
    """The load's blocks of whole lines (:func:`converter.lines.blocks` of :data:`LINES_BLOCK` bytes; a last line
    without a line break is loaded too)."""
    return lines.blocks(raw, LINES_BLOCK)


def _load_rendered(store: ox.Store, documents: Sequence[Loadable], rendered: Path, *, whole: bool = False) -> list[Loaded]:
    """Bulk-load the documents' graph from the N-Quads file already written, then their load records.

    Oxigraph's loader parses it in Rust, without making a Python object of
    each quad: ≈ 2× cheaper than converting the records again
    (benchmarks/README.md, issue 15). The file is handed over in blocks of
    whole lines, as ``perfkg load`` does (:func:`_load_lines`): the loader
    holds everything one call gives it (≈ 1.8 GB for 100 tables in one call),
    a block ≈ 16 MB's worth, so memory stays flat; the quads are the same,
    since every line is a quad. Only blank nodes tie lines together (each
    call names them anew): a block holding ``_:`` makes the load start again
    with the whole file in one call (``whole``; perfkg writes no blank node).
    The per-graph quad counts are not taken (``Loaded.graphs`` is empty):
    nothing is counted in Python.

    Loaded leniently (IRIs and language tags not checked again: the load's
    CPU falls by ≈ a fifth, 45 → 37 CPU s for one bulk load of 100 tables,
    benchmarks/README.md): the file is the graph the build has just written
    and validated, and validation parsed every term of it strictly
    (:mod:`converter.validate`: shacl-rust reads each table's text strictly,
    pyshacl's store loads it strictly), so an invalid term stopped the build
    before this load. ``perfkg load`` of a user's file checks every term.
    """
    if whole:
        store.bulk_load(path=str(rendered), format=ox.RdfFormat.N_QUADS, lenient=True)
    else:
        with rendered.open("rb") as raw:
            for block in _line_blocks(raw):
                if b"_:" in block:
                    raise _WholeInstead
                store.bulk_load(block, format=ox.RdfFormat.N_QUADS, lenient=True)
    for doc in documents:
        store.extend(doc.description())
    return [Loaded(doc, {}) for doc in documents]


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


def _swap(path: Path, ready: Path) -> None:
    """Put the loaded copy in place: two renames, recoverable if cut between them.

    Readers opening the store wait for the renames (the swap lock), so none
    finds the folder missing; the old folder is removed after, readers that
    opened it keep reading their open files.
    """
    old = _sibling(path, "old")
    with _locked(path, "swap.lock", fcntl.LOCK_EX):
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
    """Finish or discard what an interrupted load left beside the store; call with :func:`writing` held.

    Holding the store's lock proves that no load is under way, so every
    leftover belongs to a load that died or gave up. A ``ready`` copy with no
    store in place means the process died between the two renames of
    :func:`_swap`: the load had completed, so it goes in place (or, with no
    ready copy, the ``old`` store goes back). Anything else — a half-loaded
    ``loading`` copy, a ``ready`` copy that never started its swap, an ``old``
    store already replaced — is removed.
    """
    ready = [p for p, _ in _leftovers(path, "ready")]
    old = [p for p, _ in _leftovers(path, "old")]
    if not path.exists() and not path.is_symlink():
        if ready:
            os.rename(ready.pop(), path)
        elif old:
            os.rename(old.pop(), path)
    for leftover in [p for p, _ in _leftovers(path, "loading")] + ready + old:
        shutil.rmtree(leftover, ignore_errors=True)


def _try_recover(path: Path) -> None:
    """Recover when no load is under way (the store's lock is free); otherwise leave everything to the load."""
    if not any(_leftovers(path, kind) for kind in ("loading", "ready", "old")):
        return
    try:
        with writing(path, wait=False):
            _recover(path)
    except (StoreError, OSError):  # a load is under way, or the folder is read-only (no load there either)
        pass


# -- locks -----------------------------------------------------------------------


def _lock(path: Path, kind: str, operation: int) -> int | None:
    """Take ``flock(operation)`` on the lock file ``.NAME.KIND`` beside the store; return its descriptor.

    None when a shared lock is asked of a folder whose parent cannot be
    written (a read-only medium): nobody can load there either. Raises
    BlockingIOError when ``LOCK_NB`` and the lock is taken.
    """
    lock = path.parent / f".{path.name}.{kind}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        if operation & fcntl.LOCK_EX:
            raise
        return None
    try:
        fcntl.flock(fd, operation)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def _locked(path: Path, kind: str, operation: int) -> Iterator[None]:
    fd = _lock(path, kind, operation)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


@contextmanager
def writing(path: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Hold the store's lock: no load, drop or server start runs elsewhere meanwhile.

    ``wait`` False raises :class:`StoreError` at once when another process holds it.
    """
    path = Path(path)
    try:
        with _locked(path, "lock", fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)):
            yield
    except BlockingIOError:
        raise StoreError(f"{path}: a load or drop is under way on this store; try again when it ends") from None


def _opening(path: Path):
    """Held while a store is opened: a swap does not start meanwhile (readers share it)."""
    return _locked(path, "swap.lock", fcntl.LOCK_SH)


class Reading:
    """A store opened read-only and kept from being swapped away until :meth:`close`.

    A read-only Oxigraph opens some of its files only when a query first needs
    them, by the folder's name: after a load's swap that name is the new
    store, and the old files are gone. So a reader holds the swap lock shared
    for as long as it reads; a load finishing meanwhile waits for it at its
    swap (the commands close their store when they end). Usable as a context
    manager giving the store.
    """

    def __init__(self, path: str | Path) -> None:
        path = resolve(path)
        _try_recover(path)
        self._fd = _lock(path, "swap.lock", fcntl.LOCK_SH)
        try:
            check_store_folder(path)
            if not is_store(path):
                raise StoreError(f"{path}: no store here (create one with 'perfkg load INPUT --store {path}')")
            self.store: ox.Store | None = _open(path, read_only=True)
        except BaseException:
            self.close()
            raise

    def close(self, _close=os.close) -> None:
        """Let the store go and release the swap lock (``_close`` is bound early: ``__del__`` may run at
        interpreter exit, when the ``os`` module is already torn down)."""
        self.store = None
        if getattr(self, "_fd", None) is not None:
            _close(self._fd)
            self._fd = None

    def __enter__(self) -> ox.Store:
        assert self.store is not None
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def mark_served(path: Path, writable: bool = False) -> "Served":
    """Note beside the store that a server (this process) has it open, until the marker is released.

    A read-only Oxigraph takes no lock, so without this note a load would swap
    the folder from under the server. The marker file is kept locked while the
    server lives, so a marker left by a killed server is known dead at once.
    """
    return Served(_sibling(path, "served"), "writable" if writable else "read-only")


class Served:
    """A locked ``.NAME.served-PID`` marker holding the server's mode; :meth:`release` removes it."""

    def __init__(self, marker: Path, mode: str) -> None:
        self.path = marker
        self._fd: int | None = os.open(marker, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        os.write(self._fd, mode.encode())

    def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = None


def _marker_mode(marker: Path) -> str | None:
    """The live server's mode ("writable", "read-only"), or None when the marker's server is gone."""
    try:
        fd = os.open(marker, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.read(fd, 32).decode("ascii", "replace") or "read-only"
        return None
    finally:
        os.close(fd)


def servers_of(path: Path) -> list[tuple[int, str]]:
    """The processes serving the store now, with their modes; markers of dead servers are removed."""
    alive = []
    for marker, pid in _leftovers(path, "served"):
        mode = _marker_mode(marker)
        if mode is not None:
            alive.append((pid, mode))
        else:
            marker.unlink(missing_ok=True)
    return alive


def _refuse_if_served(path: Path) -> None:
    for pid, mode in servers_of(path):
        through = "load through it with --endpoint" if mode == "writable" else "or serve it --writable and load with --endpoint"
        raise StoreError(f"{path}: a {mode} server (process {pid}) is serving this store; stop it first, or {through}")


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


def check(path: str | Path) -> storecheck.Checked:
    """``perfkg store check``: every index read and every recorded file compared (:mod:`converter.storecheck`)."""
    try:
        reading = Reading(path)
    except StoreError as err:
        if "cannot open as an Oxigraph store" not in str(err):
            raise
        raise storecheck.StoreDamaged(f"{str(err).removesuffix(')')}); restore it from a backup, or load its sources into a new store [store-damaged]") from None
    with reading as store:
        return storecheck.verify(store, resolve(path))


def drop(path: str | Path, name: str) -> int:
    """``perfkg store drop``: remove one graph under the store's lock, refused while a server holds the store."""
    path = resolve(path)
    with writing(path, wait=False):
        _recover(path)
        check_store_folder(path)
        if not is_store(path):
            raise StoreError(f"{path}: no store here (create one with 'perfkg load INPUT --store {path}')")
        _refuse_if_served(path)
        with _locked(path, "swap.lock", fcntl.LOCK_EX):  # readers opening meanwhile would see files change
            return drop_graph(_open(path, read_only=False), name)
