"""Shared fixtures: the bundled table, read once, and its graph in memory."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import read_table
from converter.convert import Conversion, quads

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


@pytest.fixture(scope="session")
def source_path() -> Path:
    return SOURCE


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    """The source file's lines, 1-based by index (element 0 is unused)."""
    return [""] + SOURCE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def table():
    return read_table(SOURCE)


@pytest.fixture(scope="session")
def store(table) -> ox.Store:
    """An in-memory Oxigraph store with the bundled table's quads (read-only use)."""
    s = ox.Store()
    s.bulk_extend(quads(Conversion([table])))
    return s
