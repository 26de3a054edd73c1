"""``perfkg store check``: is the store folder intact?

pyoxigraph 0.5 has no ``Store.validate()``, and a damaged SST file is not
noticed when the store opens: a query that happens to read the damaged block
fails (or, the issue found, grows until the kernel kills it). Two checks:

* **every index read** (:func:`verify`): every quad is read through each of
  Oxigraph's indexes (subject-, predicate-, object- and graph-first, the
  default graph's and the named graphs'), which makes RocksDB verify the
  checksum of every data block it holds (``Corruption: block checksum
  mismatch``). Slow on a large store: about one read per quad per index.
* **the files perfkg wrote** (:func:`record` / :func:`compare`): each load
  writes the SHA-256 of every SST file of the store it swaps in
  (``perfkg-sums.json`` inside the folder; SST files never change once
  written). ``perfkg load`` and ``perfkg serve`` compare them before they
  use the store — a sequential read of the files, about a second per 500 MB —
  and refuse a store whose files differ. Files written later (a writable
  server) are not covered until the next load.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

SUMS = "perfkg-sums.json"


class StoreDamaged(ValueError):
    """The store's files or indexes are damaged; one line saying which and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record(folder: Path) -> None:
    """Write the sums of the folder's SST files (the folder's store must be closed)."""
    sums = {p.name: _sha256(p) for p in sorted(folder.glob("*.sst"))}
    (folder / SUMS).write_text(json.dumps({"sha256": sums}, indent=0) + "\n", encoding="utf-8")


def compare(folder: Path) -> int:
    """Check the SST files against the recorded sums; return how many were checked.

    Raises :class:`StoreDamaged` for a file whose bytes changed.
    """
    try:
        sums = json.loads((folder / SUMS).read_text(encoding="utf-8"))["sha256"]
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return 0
    checked = 0
    for name, expected in sorted(sums.items()):
        path = folder / name
        if not path.is_file():
            continue  # compacted away since
        if _sha256(path) != expected:
            raise StoreDamaged(
                f"{folder}: the store is damaged ({name} is not the file perfkg load wrote); "
                "restore it from a backup, or load its sources into a new store [store-damaged]"
            )
        checked += 1
    return checked


@dataclass
class Checked:
    quads: int = 0
    reads: dict[str, int] = field(default_factory=dict)
    files: int = 0


def verify(store: ox.Store, folder: Path) -> Checked:
    """Read every quad through every index (and compare the recorded sums); raise :class:`StoreDamaged` on damage."""
    found = Checked(files=compare(folder))
    try:
        subjects: set = set()
        by_graph: dict = {}  # graph → (its predicates, its objects)
        for quad in store:  # the graph-first indexes, default graph and named graphs
            found.quads += 1
            subjects.add(quad.subject)
            predicates, objects = by_graph.setdefault(quad.graph_name, (set(), set()))
            predicates.add(quad.predicate)
            objects.add(quad.object)
        found.reads["graph-subject"] = found.quads
        all_predicates = set().union(*(p for p, _ in by_graph.values()))
        all_objects = set().union(*(o for _, o in by_graph.values()))
        graphs = set(by_graph)
        found.reads["subject"] = sum(1 for s in subjects for _ in store.quads_for_pattern(s, None, None, None))
        found.reads["predicate"] = sum(1 for p in all_predicates for _ in store.quads_for_pattern(None, p, None, None))
        found.reads["object"] = sum(1 for o in all_objects for _ in store.quads_for_pattern(None, None, o, None))
        found.reads["graph-predicate"] = sum(
            1 for g, (ps, _) in by_graph.items() for p in ps for _ in store.quads_for_pattern(None, p, None, g)
        )
        found.reads["graph-object"] = sum(
            1 for g, (_, os_) in by_graph.items() for o in os_ for _ in store.quads_for_pattern(None, None, o, g)
        )
        named = set(store.named_graphs())
    except (OSError, RuntimeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise StoreDamaged(f"{folder}: the store is damaged ({first}); restore it from a backup, "
                           "or load its sources into a new store [store-damaged]") from None  # fmt: skip
    # Object lookups may count a quad twice: literals Oxigraph encodes by value ("1.0" and "1.00"
    # as xsd:decimal) are found by either form. Every other index must hold each quad once.
    exact = {found.reads[k] for k in ("graph-subject", "subject", "predicate", "graph-predicate")}
    if exact != {found.quads} or min(found.reads["object"], found.reads["graph-object"]) < found.quads:
        raise StoreDamaged(f"{folder}: the store's indexes disagree ({found.reads}); load its sources into a new store [store-damaged]")
    missing = {g for g in graphs if isinstance(g, ox.NamedNode)} - named
    if missing:
        raise StoreDamaged(f"{folder}: {len(missing)} graph(s) hold quads but are not listed; load its sources into a new store [store-damaged]")
    return found
