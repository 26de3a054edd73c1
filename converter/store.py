"""The embedded triple store: Oxigraph on disk, reached through oxrdflib.

Minimal first version: open a store folder, replace a table's named graph.
(The store issue extends this module: atomic replace, info, drop, serve,
remote endpoints.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib

DEFAULT_STORE = "perfkg-store"


def open_store(path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> ox.Store:
    """Open (or create) an on-disk Oxigraph store."""
    if read_only:
        return ox.Store.read_only(str(path))
    Path(path).mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def open_dataset(path: str | Path = DEFAULT_STORE) -> rdflib.Dataset:
    """The store as an rdflib Dataset through oxrdflib, the default graph being the union."""
    dataset = rdflib.Dataset(store="Oxigraph", default_union=True)
    dataset.open(str(path))
    return dataset


def load_quads(store: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Bulk-load quads, replacing each named graph they mention."""
    quads = list(quads)
    for graph in {q.graph_name for q in quads}:
        if isinstance(graph, ox.NamedNode):
            store.clear_graph(graph)
    store.bulk_extend(quads)
    store.flush()
