"""Placing source cells (with their spans) on a rectangular grid, shared by every format.

A format reader knows where each source cell starts and how many rows and
columns it spans; :class:`GridBuilder` expands the spans the one way every
format needs: a covered position holds the text of the span's top-left cell
and ``origin`` points to it; a position no source cell covers is an empty
cell. HTML's flow layout (a cell goes to the next column not yet covered by
a rowspan from above) is :meth:`GridBuilder.flow`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..grid import Cell, Grid

#: What browsers allow; a larger span is clipped to it.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534


class GridBuilder:
    """Collects source cells, then :meth:`grid` lays them out with merges expanded."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], tuple[str, tuple[int, int] | None]] = {}
        self.rows = 0  # rows seen (a row may be empty)
        self.cols = 0
        self._flow_row = -1
        self._flow_col = 0

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
        """Place a source cell at (row, col), covering rowspan × colspan positions.

        A position already covered by an earlier span keeps its first owner
        (as Excel and browsers do), so overlapping spans never lose a source cell.
        """
        rowspan, colspan = max(1, min(rowspan, MAX_ROWSPAN)), max(1, min(colspan, MAX_COLSPAN))
        merged = rowspan > 1 or colspan > 1
        origin = (row, col) if merged else None
        cells = self._cells
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                if (r, c) not in cells:
                    cells[(r, c)] = (text, origin)
        self.rows = max(self.rows, row + (1 if not merged else rowspan))
        self.cols = max(self.cols, col + colspan)

    def occupied(self, row: int, col: int) -> bool:
        return (row, col) in self._cells

    # HTML's table model: rows in order, each cell in the first column free of spans from above.
    def new_row(self) -> None:
        self._flow_row += 1
        self._flow_col = 0
        self.rows = max(self.rows, self._flow_row + 1)

    def flow(self, text: str, rowspan: int = 1, colspan: int = 1) -> tuple[int, int]:
        """Place the next cell of the current row; return its (row, col)."""
        row = self._flow_row
        col = self._flow_col
        while (row, col) in self._cells:
            col += 1
        self.put(row, col, text, rowspan, colspan)
        self._flow_col = col + max(1, min(colspan, MAX_COLSPAN))
        return row, col

    def grid(self, where: str, cell_where: Callable[[int, int], str], page: int | None = None,
             rows: int | None = None) -> Grid:
        """The rectangular grid; ``rows`` clips spans that reach past the last source row."""
        nrows = self.rows if rows is None else rows
        width = self.cols
        cells = self._cells
        out: list[list[Cell]] = []
        for r in range(nrows):
            line = []
            for c in range(width):
                text, origin = cells.get((r, c), ("", None))
                line.append(Cell(text, r, c, cell_where(r, c), origin))
            out.append(line)
        return Grid(out, where, page)
