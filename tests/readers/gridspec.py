"""Build a :class:`~converter.readers.grid.Grid` by hand, as a person reads a form.

Rows are lists of cells; a cell is its text, or ``(text, rowspan, colspan)``
for a merged one, as HTML writes it. Covered positions are skipped in the
following rows, the way a ``<td rowspan>`` is. Tests use this to state the
grid of a published form independently of the format readers.
"""

from __future__ import annotations

from converter.readers.grid import Cell, Grid


def grid(rows: list[list[object]], where: str = "table 1") -> Grid:
    taken: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            text, rowspan, colspan = (spec, 1, 1) if isinstance(spec, str) else spec  # type: ignore[misc]
            for dr in range(rowspan):
                for dc in range(colspan):
                    origin = (r, c) if rowspan > 1 or colspan > 1 else None
                    taken[(r + dr, c + dc)] = Cell(text, r + dr, c + dc, f"{where}, row {r + dr + 1}, column {c + dc + 1}", origin)
            c += colspan
        width = max(width, c)
    height = max((r for r, _ in taken), default=-1) + 1
    cells = [[taken.get((r, c), Cell("", r, c, f"{where}, row {r + 1}, column {c + 1}")) for c in range(width)] for r in range(height)]
    return Grid(cells, where)
