"""Shared helpers of the format-reader tests: the fixtures of tests/data/forms/ and cell look-ups."""

from __future__ import annotations

from pathlib import Path


from converter.readers.grid import Document, Grid, Text

FORMS = Path(__file__).resolve().parents[2] / "data" / "forms"


def load(name: str) -> bytes:
    return (FORMS / name).read_bytes()


def grids(doc: Document) -> list[Grid]:
    return [b for b in doc.blocks if isinstance(b, Grid)]


def texts(doc: Document) -> list[Text]:
    return [b for b in doc.blocks if isinstance(b, Text)]


def row_texts(grid: Grid, row: int) -> list[str]:
    """The texts of one grid row, each source cell once (positions covered by a merge left out)."""
    return [c.text for c in grid.rows[row] if c.is_origin]


