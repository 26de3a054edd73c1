"""The floor, the second anchor of the benchmarks: bulk-load the finished N-Triples.

Loading perfkg's own N-Triples output into pyoxigraph with its bulk loader
parses every triple once and indexes it, in Rust. A converter must at least
parse its input, build the same terms and write them: it cannot beat reading
its own output by much, so "convert within 3× of the floor" says that the
Python side adds little.

Usage::

    python benchmarks/floor.py OUTPUT.nt            # in-memory store (default)
    python benchmarks/floor.py OUTPUT.nt --store DIR # on-disk store
    python benchmarks/floor.py OUTPUT.nq --store DIR # N-Quads, one bulk load to disk (issue 15's load floor)
"""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox


def load(path: str, store_path: str | None = None) -> int | None:
    """Bulk-load an N-Triples (or, ``.nq``, N-Quads) file; the number of triples in an in-memory store.

    An on-disk store is not counted: counting scans it, which is not loading.
    """
    store = ox.Store(store_path) if store_path else ox.Store()
    fmt = ox.RdfFormat.N_QUADS if path.endswith(".nq") else ox.RdfFormat.N_TRIPLES
    store.bulk_load(path=path, format=fmt)
    if store_path:
        store.flush()
        return None
    return len(store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bulk-load N-Triples into pyoxigraph (the floor)")
    parser.add_argument("input")
    parser.add_argument("--store", help="on-disk store folder (default: in memory)")
    args = parser.parse_args(argv)
    count = load(args.input, args.store)
    print(f"{count} triples" if count is not None else f"loaded into {args.store}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
