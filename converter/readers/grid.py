"""The cell-grid model every container format produces.

A document is a sequence of :class:`Block` s in reading order: a
:class:`Grid` (a table: HTML ``<table>``, a worksheet, a Word table, a ruled
PDF table) or a :class:`Text` (a paragraph or line outside any table: titles
such as ``项目支出绩效目标表`` above a PDF grid, notes, a narrative section).

A grid is rectangular after merges are expanded: a cell covered by a merge
(HTML rowspan/colspan, merged spreadsheet or Word cells, a spanning PDF cell)
holds the text of the merge's top-left cell and ``origin`` points to it, so a
layout can fill category columns down (``origin`` differs from the cell's own
position) and still see each source cell once (``is_origin``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Cell:
    """One position of a grid.

    ``text`` is the printed text, as a reader of the document sees it (a
    spreadsheet number in its number format: ``16.00``, ``90%``), with line
    breaks inside the cell kept as ``\\n``. ``where`` names the source cell
    for messages: ``Sheet1!B7``, ``table 2, row 5, column 3``, ``page 3,
    table 1, row 4, column 2``.
    """

    text: str
    row: int  # 0-based, in the grid
    col: int  # 0-based, in the grid
    where: str
    origin: tuple[int, int] | None = None  # (row, col) of the merge's top-left cell; None when not merged

    @property
    def is_origin(self) -> bool:
        """Whether this position is the source cell itself (not a copy filled from a merge)."""
        return self.origin is None or self.origin == (self.row, self.col)


@dataclass(slots=True)
class Grid:
    """A table of cells, every row as long as the widest (missing positions are empty cells)."""

    rows: list[list[Cell]]
    where: str  # the table as a whole: "Sheet1", "table 2", "page 3, table 1"
    page: int | None = None  # for PDF: the 1-based page the table starts on

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True, slots=True)
class Text:
    """Text outside any table, one paragraph or line."""

    text: str
    where: str  # "line 3", "paragraph 5", "page 2"
    page: int | None = None


Block = Grid | Text


@dataclass(slots=True)
class Document:
    """What a format reader made of one file."""

    file: str  # the name used in messages
    sha256: str  # of the file's bytes
    format: str  # "html", "xlsx", "xls", "docx", "pdf", "csv", "tsv", "text"
    blocks: list[Block] = field(default_factory=list)
    #: Problems of the container itself (a formula without a cached value, a
    #: hidden sheet …), as (where, code, message, found) for the layout to report.
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)


class FormatError(ValueError):
    """The file cannot be read in its format at all (encrypted, scanned, damaged)."""

    def __init__(self, file: str, where: str, message: str, code: str) -> None:
        super().__init__(f"{file}:{where}: {message} [{code}]")
        self.file, self.where, self.message, self.code = file, where, message, code
