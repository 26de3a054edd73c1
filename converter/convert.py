"""The conversion pipeline: source tables → records → quads → a file.

Output is written to a temporary file beside the target and renamed at the
end, so a failed run never leaves a half-written graph behind.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .dataset import Distribution, Provenance
from .graph import GraphBuilder
from .iris import Minter
from .reader import read_table
from .records import Problem, Table
from .serialize import write
from .vocab import DEFAULT_BASE


@dataclass
class Conversion:
    """The tables read and the problems found in one conversion run."""

    tables: list[Table] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for t in self.tables for p in t.all_problems()]


def read_tables(paths: Sequence[str | Path]) -> Conversion:
    """Read every source file (raising :class:`~converter.reader.TableError` on unusable input)."""
    return Conversion([read_table(p) for p in paths])


def quads(conversion: Conversion, base: str = DEFAULT_BASE, distribution: Distribution | None = None) -> Iterator[ox.Quad]:
    """The quads of all tables of a conversion, one minter so IRIs stay unique.

    ``distribution`` is the file being written, for each table's dataset description.
    """
    builder = GraphBuilder(Minter(base), Provenance.current(distribution))
    for index, table in enumerate(conversion.tables):
        yield from builder.quads(table, schemes=index == 0)


def write_graph(
    conversion: Conversion, fmt: str, output: str | Path | None, base: str = DEFAULT_BASE, download_url: str | None = None
) -> None:
    """Write the graph to a file (atomically) or, when ``output`` is None, to stdout."""
    distribution = Distribution(fmt, download_url) if download_url else None
    if output is None:
        write(quads(conversion, base, distribution), fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with atomic_output(Path(output)) as stream:
        write(quads(conversion, base, distribution), fmt, stream)


class atomic_output:
    """Open a temporary file beside ``path``; rename it over ``path`` on success only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: BinaryIO | None = None
        self._tmp = ""

    def __enter__(self) -> BinaryIO:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        self._stream = os.fdopen(fd, "wb")
        return self._stream

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._stream is not None
        self._stream.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)


def graph_of(paths: Sequence[str | Path], base: str = DEFAULT_BASE) -> ox.Store:
    """An in-memory Oxigraph store holding the graph of source tables or RDF files.

    Source tables (``.txt``/``.tsv``) are converted; anything else is parsed as
    RDF by its extension.
    """
    store = ox.Store()
    tables = [p for p in paths if is_source_table(p)]
    if tables:
        store.bulk_extend(quads(read_tables(tables), base))
    for path in paths:
        if not is_source_table(path):
            load_rdf(store, path)
    return store


def is_source_table(path: str | Path) -> bool:
    return str(path).endswith((".txt", ".tsv"))


def load_rdf(store: ox.Store, path: str | Path) -> None:
    """Parse an RDF file into a store, keeping named graphs of quad formats."""
    from .serialize import FORMATS, guess_format

    name = guess_format(str(path))
    if name is None:
        raise ValueError(f"{path}: cannot tell the RDF format from the file name (use .ttl, .nt, .nq, .trig, .jsonld or .rdf)")
    store.bulk_load(path=str(path), format=FORMATS[name])
