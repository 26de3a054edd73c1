"""Render each part of a source file to bytes on its own, and join the parts in source order.

A province's file holds thousands of departments. Their graphs are
independent but for the few triples several share (concept schemes,
organisations, indicator definitions, the fiscal year, places), so each part
(one department, as :func:`~converter.reader.iter_table` hands them out) is
rendered by a pure function, :func:`render`: the same bytes whichever process
runs it. The parent process reads the source, hands parts to worker
processes (issue 9: the second core; forked on POSIX, see
:func:`_write_forked`), and joins what comes back in source
order, writing each shared statement once (:class:`Joiner`). One job or many,
the output is byte for byte the same (a test checks it).

What a part becomes, per format (``T`` = the part's table graph):

* N-Triples, Turtle: ``T``'s triples about resources under ``T``'s IRI, as
  final bytes (Turtle grouped by subject), then the other triples of ``T``
  and the vocabulary and reference graphs as N-Triples lines the parent
  de-duplicates (in Turtle, re-written with the prefixes).
* N-Quads, TriG: ``T``'s quads as final bytes (every graph keeps its own
  description of what it shares); the vocabulary and reference graphs as
  N-Quads lines the parent de-duplicates.

JSON-LD and RDF/XML cannot be cut into parts; :func:`converter.serialize.write`
writes them from the quads.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
import traceback
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO, Union

import pyoxigraph as ox

from .dataset import REFERENCE_GRAPH, Provenance
from .graph import VOCABULARY_GRAPH, GraphBuilder, scheme_triples
from .iris import Minter
from .places import Gazetteer
from .records import Table
from .serialize import in_graph
from .units import unit_table
from .vocab import PREFIXES

#: The formats written part by part.
FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
_QUADS = {"nq", "trig"}
_PRETTY = {"turtle", "trig"}
_SHARED_GRAPHS = (VOCABULARY_GRAPH, REFERENCE_GRAPH)

#: A piece of a rendered part: final bytes, or statements (N-Triples/N-Quads
#: lines) that other parts may also hold, for the parent to write once.
Segment = Union[bytes, tuple[str, ...]]


@dataclass(frozen=True)
class Task:
    """One part to render, with all it needs: a worker keeps no state between parts.

    ``fmts``: one format, or several rendered from one pass of the builder
    (``perfkg build`` writes Turtle and N-Quads): each format's bytes are those
    it has rendered alone.
    """

    part: Table
    fmts: tuple[str, ...]
    base: str
    provenance: Provenance
    schemes: bool  # the first part carries the concept schemes
    minted: dict[str, int] = field(default_factory=dict)  # keys of earlier parts of the same tables


@dataclass(frozen=True)
class Rendered:
    segments: tuple[tuple[Segment, ...], ...]  # per format of the task, in its order
    minted: dict[str, dict[str, int]]  # per table IRI, the minter's keys after this part


def render(task: Task, joiners: Sequence[Joiner] | None = None) -> Rendered:
    """A part's graphs in each of ``task.fmts``: final bytes and shared statements, in order.

    With ``joiners`` (one job, in the writing process; one per format) each
    piece goes to its joiner at once and N-Triples/N-Quads are serialized
    straight into the output, holding nothing; without (a worker) the pieces
    come back as bytes.

    The cyclic garbage collector is paused meanwhile: a part allocates a few
    hundred thousand term tuples and no cycles, and the collections those
    allocations trigger cost ≈ 20 % of the rendering (issue 9). It runs again
    afterwards, as it was.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _render(task, [_Pieces(fmt, joiners[i] if joiners else None) for i, fmt in enumerate(task.fmts)])
    finally:
        if paused:
            gc.enable()


class _Pieces:
    """Where a part's pieces go: kept for the parent (a worker), or handed to the joiner (one job)."""

    def __init__(self, fmt: str, joiner: Joiner | None) -> None:
        self.fmt, self.joiner = fmt, joiner
        self.segments: list[Segment] = []

    def add(self, segment: Segment) -> None:
        if self.joiner is not None:
            self.joiner.segment(segment)
        elif segment:
            self.segments.append(segment)

    def serialize(self, statements: Iterable) -> None:
        """Final statements; straight into the output when the format needs no prefix header."""
        if self.joiner is not None and self.fmt not in _PRETTY:
            self.joiner.stream(statements)
            return
        self.add(_strip_header(ox.serialize(statements, format=FORMATS[self.fmt], prefixes=_prefixes(self.fmt)), self.fmt))


def _render(task: Task, formats: list[_Pieces]) -> Rendered:
    minter = Minter(task.base)
    minter.resume(task.minted)
    builder = GraphBuilder(minter, task.provenance)
    tables: list[str] = []
    for graph, triples in builder.graphs(task.part, schemes=task.schemes):
        if len(formats) > 1:
            triples = list(triples)  # built once, written in every format (the builder's tuples, as they came)
        if graph in _SHARED_GRAPHS:
            for pieces in formats:
                pieces.add(_statements(graph, triples, pieces.fmt))
            continue
        tables.append(graph.value)
        for pieces in formats:
            fmt = pieces.fmt
            if fmt in _QUADS:
                # A table's named graph, whole (TriG: a subject's quads together).
                pieces.serialize(ox.Quad(s, p, o, graph) for s, p, o in (_by_subject(triples) if fmt == "trig" else triples))
            else:
                _table_triples(graph, triples, pieces)
    return Rendered(tuple(tuple(pieces.segments) for pieces in formats), {t: minter.minted(t) for t in tables})


def _statements(graph: ox.NamedNode, triples: Iterable[tuple], fmt: str) -> tuple[str, ...]:
    """Shared triples as N-Triples lines (N-Quads in quad formats): a canonical text to compare."""
    if fmt in _QUADS:
        statements: Iterable = (ox.Quad(s, p, o, graph) for s, p, o in triples)
        rdf_format = ox.RdfFormat.N_QUADS
    else:
        statements, rdf_format = (ox.Triple(s, p, o) for s, p, o in triples), ox.RdfFormat.N_TRIPLES
    text = ox.serialize(statements, format=rdf_format)
    return tuple(text.decode("utf-8").splitlines()) if text else ()


def _table_triples(graph: ox.NamedNode, triples: Iterable[tuple], pieces: _Pieces) -> None:
    """A table graph without its name: its own resources as final statements, the rest as shared lines.

    A triple whose subject lies under the graph's IRI (rows, indicators,
    targets) belongs to this table alone and cannot repeat; the others
    (organisations, indicator definitions, the source file) may stand in
    several graphs. The test runs once per run of one subject. Turtle holds
    the department to group its subjects; N-Triples streams, keeping only the
    shared triples (a few hundred) until the table's own are written.
    """
    root = graph.value
    prefix = root + "/"
    other: list[tuple] = []

    def own() -> Iterator[ox.Triple]:
        for subject, block in _blocks(triples, grouped=pieces.fmt == "turtle"):
            if in_graph(subject, root, prefix):
                for s, p, o in block:
                    yield ox.Triple(s, p, o)
            else:
                other.extend(block)

    pieces.serialize(own())
    if other:
        pieces.add(_statements(graph, other, pieces.fmt))


def _by_subject(triples: Iterable[tuple]) -> Iterator[tuple]:
    """The same triples, a subject's together, subjects in the order they first appear."""
    for _subject, block in _blocks(triples, grouped=True):
        yield from block


def _blocks(triples: Iterable[tuple], *, grouped: bool) -> Iterator[tuple[object, list[tuple]]]:
    """Runs of triples with one subject; ``grouped``: all of a subject's triples in one run.

    The builder interleaves subjects (a project, its amounts, its indicators,
    back to the project); Turtle and TriG write ``s p o ; p o .`` blocks only
    for consecutive triples of one subject, so they ask for ``grouped`` and
    the graph is held until its last triple. Ungrouped, runs come as they
    end. Consecutive triples of one subject are mostly the same Python
    object: an identity test spares hashing the subject for every triple
    (issue 9).
    """
    if not grouped:
        last: object = None
        run: list[tuple] = []
        for triple in triples:
            if triple[0] is not last:
                if run:
                    yield last, run
                last, run = triple[0], []
            run.append(triple)
        if run:
            yield last, run
        return
    blocks: dict[object, list[tuple]] = {}
    last = None
    block: list[tuple] = []
    for triple in triples:
        subject = triple[0]
        if subject is not last:
            last = subject
            found = blocks.get(subject)
            if found is None:
                block = blocks[subject] = []
            else:
                block = found
        block.append(triple)
    yield from blocks.items()


def _prefixes(fmt: str) -> dict[str, str] | None:
    return PREFIXES if fmt in _PRETTY else None


@lru_cache(maxsize=None)
def header(fmt: str) -> bytes:
    """The ``@prefix`` lines Oxigraph writes before the first statement in Turtle and TriG."""
    if fmt not in _PRETTY:
        return b""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    statement = ox.Quad(probe.subject, probe.predicate, probe.object, ox.NamedNode("urn:x:g")) if fmt == "trig" else probe
    text = ox.serialize([statement], format=FORMATS[fmt], prefixes=PREFIXES)
    return text[: text.index(b"\n", text.rindex(b"@prefix")) + 1]


def _strip_header(text: bytes, fmt: str) -> bytes:
    """A chunk without its ``@prefix`` lines: the output states them once, at the top."""
    if fmt not in _PRETTY or not text:
        return text
    head = header(fmt)
    if not text.startswith(head):  # an Oxigraph that writes prefixes otherwise: fail loudly, not a broken file
        raise RuntimeError(f"unexpected {fmt} prefix header from pyoxigraph {ox.__version__}")
    return text[len(head) :]


class Joiner:
    """Writes rendered parts in order: the prefixes once, final bytes as they are, shared statements once."""

    def __init__(self, fmt: str, output: BinaryIO) -> None:
        self.fmt = fmt
        self.output = output
        self._seen: set[str] = set()  # grows with the shared vocabulary, not with the input
        self._started = False

    def write(self, segments: Iterable[Segment]) -> None:
        for segment in segments:
            self.segment(segment)

    def segment(self, segment: Segment) -> None:
        """Final bytes as they are; of shared statements, those not written yet."""
        if isinstance(segment, bytes):
            self._emit(segment)
            return
        fresh = [line for line in segment if line not in self._seen]
        if fresh:
            self._seen.update(fresh)
            self._emit(self._restate(fresh))

    def stream(self, statements: Iterable) -> None:
        """Serialize final statements straight into the output (N-Triples, N-Quads: no header to manage)."""
        self._started = True
        ox.serialize(statements, self.output, FORMATS[self.fmt])

    def _restate(self, lines: list[str]) -> bytes:
        """New shared statements in the output's format (Turtle/TriG: parsed back and written pretty)."""
        text = ("\n".join(lines) + "\n").encode("utf-8")
        if self.fmt not in _PRETTY:
            return text
        parsed = ox.parse(text, format=ox.RdfFormat.N_QUADS if self.fmt == "trig" else ox.RdfFormat.N_TRIPLES)
        statements = parsed if self.fmt == "trig" else (q.triple for q in parsed)
        return _strip_header(ox.serialize(statements, format=FORMATS[self.fmt], prefixes=PREFIXES), self.fmt)

    def _emit(self, chunk: bytes) -> None:
        if not chunk:
            return
        if not self._started:
            self._started = True
            self.output.write(header(self.fmt))
        self.output.write(chunk)


def default_jobs() -> int:
    """The cores this process may use (``sched_getaffinity`` honours taskset and container limits)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def write_parts(
    parts: Iterable[Table], fmt: str, output: BinaryIO, base: str, provenance: Provenance, jobs: int = 1
) -> None:
    """Render the parts (in ``jobs`` processes when there are two parts or more) and write them in order."""
    write_formats(parts, {fmt: output}, base, provenance, jobs)


def write_formats(
    parts: Iterable[Table], outputs: dict[str, BinaryIO], base: str, provenance: Provenance, jobs: int = 1
) -> None:
    """:func:`write_parts` into one output per format at once, the graph built once for all of them.

    Each output gets the bytes :func:`write_parts` writes for its format alone
    (the builder's triples are the same whatever they are written as; a test checks it).
    """
    fmts = tuple(outputs)
    joiners = [Joiner(fmt, outputs[fmt]) for fmt in fmts]
    state = _Minted(base)
    stream = iter(parts)
    first = next(stream, None)
    if first is None:
        return
    second = next(stream, None)
    if second is None or jobs <= 1:
        for index, part in enumerate(_chain(first, second, stream)):
            state.done(render(state.task(part, fmts, provenance, schemes=index == 0), joiners).minted)
        return
    if _can_fork():
        _write_forked(_chain(first, second, stream), fmts, provenance, jobs, state, joiners)
        return
    with _pool(jobs) as pool:
        _write_parallel(pool, _chain(first, second, stream), fmts, provenance, jobs, state, joiners)


#: Parts a forked worker renders per batch: enough to spread the fork's cost,
#: few enough that two batches of records held at once stay small.
PARTS_PER_WORKER = 2


def _can_fork() -> bool:
    """Fork is safe here: POSIX, and no other Python thread that a child would lose mid-work."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _write_forked(
    parts: Iterable[Table], fmts: tuple[str, ...], provenance: Provenance, jobs: int, state: _Minted, joiners: list[Joiner]
) -> None:
    """Render batches of parts in forked children that inherit the records, so nothing is pickled to them.

    Sending a department's records to a pool worker costs as much as a fifth
    of rendering it (pickling ≈ 900 kB of small objects, issue 9); a forked
    child sees them as they are. Each child renders every ``jobs``-th part of
    the batch and leaves its bytes in a temporary file; meanwhile this process
    reads the next batch. A batch ends before a department met earlier in it,
    which must go on from the minter keys of its first part.
    """
    _warm(fmts)
    numbered = _PushBack(enumerate(parts))
    batch = _next_batch(numbered, state, jobs * PARTS_PER_WORKER)
    children: list[_Child] = []
    try:
        while batch:
            tasks = [state.task(part, fmts, provenance, schemes=index == 0) for index, part in batch]
            children = [_Child(tasks[worker::jobs]) for worker in range(min(jobs, len(tasks)))]
            batch = _next_batch(numbered, state, jobs * PARTS_PER_WORKER)  # read while the children render
            for child in children:
                child.collect()
            # Parts come back in the order they were dealt: child 0's first, child 1's first, child 0's second …
            for position in range(len(tasks)):
                state.done(children[position % len(children)].write_next(joiners))
            for child in children:
                child.abandon()
            children = []
    finally:
        for child in children:
            child.abandon()


def _warm(fmts: tuple[str, ...]) -> None:
    """Load before forking what every child would otherwise load again (≈ 15 % of a child's work, issue 9)."""
    scheme_triples()
    Gazetteer.bundled()
    unit_table()
    for fmt in fmts:
        header(fmt)


def _next_batch(numbered: _PushBack, state: _Minted, size: int) -> list[tuple[int, Table]]:
    """Up to ``size`` parts, stopping before one whose table is already in the batch (kept for the next)."""
    batch: list[tuple[int, Table]] = []
    tables: set[str] = set()
    while len(batch) < size and (item := numbered.next()) is not None:
        mine = state.tables_of(item[1])
        if tables & mine:
            numbered.push(item)
            break
        tables |= mine
        batch.append(item)
    return batch


class _PushBack:
    """An iterator one can hand an item back to."""

    def __init__(self, items: Iterable) -> None:
        self._items = iter(items)
        self._back: list = []

    def next(self):
        return self._back.pop() if self._back else next(self._items, None)

    def push(self, item) -> None:
        self._back.append(item)


class RenderError(RuntimeError):
    """A worker process failed to render its parts (its traceback is the message)."""


class _Child:
    """A forked process rendering some tasks into a temporary file, read back a part at a time.

    The file holds, per part, its minter keys and its segments: final bytes
    as they are (copied to the output in chunks, never held whole: a
    department's N-Triples are ≈ 8 MB) and shared statements pickled.
    """

    def __init__(self, tasks: list[Task]) -> None:
        fd, self.path = tempfile.mkstemp(prefix="perfkg-render-", suffix=".parts")
        self._stream: BinaryIO | None = None
        pid = os.fork()
        if pid == 0:  # the child: render, write, leave without running the parent's exit handlers
            code = 0
            try:
                with os.fdopen(fd, "wb") as out:
                    try:
                        for task in tasks:
                            _dump(render(task), out)
                    except BaseException:
                        code = 1
                        out.seek(0)
                        out.truncate()
                        pickle.dump(traceback.format_exc(), out)
            finally:
                os._exit(code)
        os.close(fd)
        self.pid: int | None = pid

    def collect(self) -> None:
        """Wait for the child; raise :class:`RenderError` with its traceback if it failed."""
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        self._stream = open(self.path, "rb")
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            detail = f"exit status {code}"
            with contextlib.suppress(Exception):
                detail = pickle.load(self._stream)
            raise RenderError(f"a worker process failed to render its departments:\n{detail}")

    def write_next(self, joiners: list[Joiner]) -> dict[str, dict[str, int]]:
        """Hand the child's next part to the joiners (one per format); return its minter keys."""
        assert self._stream is not None
        stream = self._stream
        minted, counts = pickle.load(stream)
        for joiner, count in zip(joiners, counts):
            for _ in range(count):
                kind, value = pickle.load(stream)
                if kind == "lines":
                    joiner.segment(value)
                    continue
                remaining = value
                while remaining:
                    chunk = stream.read(min(remaining, 1 << 20))
                    if not chunk:
                        raise RenderError(f"{self.path}: a worker's output ends early")
                    joiner.segment(chunk)
                    remaining -= len(chunk)
        return minted

    def abandon(self) -> None:
        """Stop a child whose work is no longer wanted (an error or Ctrl-C elsewhere) and clean up."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def _dump(rendered: Rendered, out: BinaryIO) -> None:
    """One part into a child's file: its keys and segment counts (per format), then each format's segments."""
    pickle.dump((rendered.minted, [len(s) for s in rendered.segments]), out, protocol=pickle.HIGHEST_PROTOCOL)
    for segments in rendered.segments:
        for segment in segments:
            if isinstance(segment, bytes):
                pickle.dump(("bytes", len(segment)), out, protocol=pickle.HIGHEST_PROTOCOL)
                out.write(segment)
            else:
                pickle.dump(("lines", segment), out, protocol=pickle.HIGHEST_PROTOCOL)


def _chain(first: Table, second: Table | None, rest: Iterator[Table]) -> Iterator[Table]:
    yield first
    if second is not None:
        yield second
        yield from rest


def _write_parallel(
    pool: Executor, parts: Iterable[Table], fmts: tuple[str, ...], provenance: Provenance, jobs: int, state: _Minted,
    joiners: list[Joiner],
) -> None:
    """Keep ``2 × jobs`` parts in flight (bounded, so memory stays flat), write them as they finish in order."""
    pending: deque[tuple[frozenset[str], Future[Rendered]]] = deque()

    def finish_oldest() -> None:
        _tables, future = pending.popleft()
        rendered = future.result()
        state.done(rendered.minted)
        for joiner, segments in zip(joiners, rendered.segments):
            joiner.write(segments)

    try:
        for index, part in enumerate(parts):
            tables = state.tables_of(part)
            # A department met again must go on from the minter keys of its
            # earlier part: wait for that part before sending this one.
            while any(tables & flying for flying, _ in pending):
                finish_oldest()
            pending.append((tables, pool.submit(render, state.task(part, fmts, provenance, schemes=index == 0))))
            while len(pending) > 2 * jobs:
                finish_oldest()
        while pending:
            finish_oldest()
    except BaseException:
        for _tables, future in pending:
            future.cancel()
        raise


class _Minted:
    """The minter keys of every table met so far, so a department that comes back goes on counting.

    This is the only state that grows with the number of tables, so each
    table's keys are kept as one compressed text of IRI suffixes and counts
    (≈ 7 kB a table instead of ≈ 80 kB of strings; a department comes back
    rarely, so they are seldom unpacked).
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self._minter = Minter(base)
        self._keys: dict[str, bytes] = {}

    def tables_of(self, part: Table) -> frozenset[str]:
        return frozenset(self._minter.table(d.name, d.year) for d in part.departments) | frozenset(
            self._minter.self_evaluation(e.department, e.year) for e in part.evaluations)

    def task(self, part: Table, fmts: tuple[str, ...], provenance: Provenance, *, schemes: bool) -> Task:
        minted: dict[str, int] = {}
        for table in sorted(self.tables_of(part)):
            packed = self._keys.get(table)
            if packed is None:
                continue
            for line in zlib.decompress(packed).decode("ascii").splitlines():
                suffix, count = line.rsplit(" ", 1)
                minted[table + suffix] = int(count)
        return Task(part, fmts, self.base, provenance, schemes, minted)

    def done(self, minted: dict[str, dict[str, int]]) -> None:
        """Remember a rendered part's minter keys (:attr:`Rendered.minted`)."""
        for table, keys in minted.items():
            text = "\n".join(f"{key[len(table):]} {count}" for key, count in keys.items())
            self._keys[table] = zlib.compress(text.encode("ascii"))


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Spawned worker processes: the way left when forking is not safe (:func:`_can_fork`)."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))
