"""The same two Jin'an forms, published as HTML, .xlsx, .xls and .docx, read into the same grids.

Each format has its own way to merge (rowspan/colspan, merged ranges, BIFF MERGEDCELLS, gridSpan/
vMerge) and to store numbers (text, or 1000 with the format 0.00); every reader must give the grid
a person sees. Only `where` differs (table 1, row 8, column 4 / Sheet!D8).
"""

from __future__ import annotations

import pytest

from converter.readers.formats import read_document

from ._forms import grids, load

FILES = ["liuan-jinan-2025.xlsx", "liuan-jinan-2025.xls", "liuan-jinan-2025.docx"]


def _cells(name: str) -> list[list[list[tuple[str, tuple[int, int] | None]]]]:
    doc = read_document(load(name), name)
    return [[[(c.text, c.origin) for c in row] for row in grid.rows] for grid in grids(doc)]


@pytest.mark.parametrize("name", FILES)
def test_same_grids_as_the_web_page(name):
    page = _cells("liuan-jinan-2025.html")
    assert [len(g) for g in page] == [25, 13]
    other = _cells(name)
    if name.endswith((".xlsx", ".xls")):
        # a sheet ends at its last used row: the two empty rows closing form 1 are not in the workbook
        page[0] = page[0][:23]
    assert other == page
