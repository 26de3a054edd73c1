"""Old Excel workbooks (.xls, BIFF) → one grid per worksheet, as xlsx.py does for .xlsx.

xlrd reads the values with ``formatting_info=True``, which brings the merged
ranges and each cell's number format, so the text is the printed one
(``1000.00``, ``100%``, dates as formatted; :mod:`._numfmt`). Sheets are
loaded one at a time (``on_demand``) and unloaded after. An encrypted
workbook is refused. ``where``: ``Sheet1!B7``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from ...text import column_letters
from ..grid import Block, Document, FormatError, Grid
from ._build import GridBuilder
from ._common import clip, guarded, new_document
from ._numfmt import ZH_CN_BUILTINS, format_value


def read(data: bytes, file: str) -> Document:
    doc = new_document(data, file, "xls")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "xls"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise FormatError(file, "workbook", "the workbook is encrypted with a password: "
                              "open it, remove the password and save it again", "encrypted") from err
        raise FormatError(file, "workbook", f"not a readable Excel 97-2003 workbook ({clip(str(err), 100)})",
                          "damaged-file") from err
    except Exception as err:  # xlrd raises assorted errors on damaged BIFF
        raise FormatError(file, "workbook", f"not a readable Excel 97-2003 workbook ({type(err).__name__}: "
                          f"{clip(str(err), 100)})", "damaged-file") from err
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility:
                doc.notes.append((sheet.name, "hidden-sheet", "the sheet is hidden in Excel; it is read all the same",
                                  sheet.name))
            yield _sheet(book, sheet, doc)
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _sheet(book, sheet, doc: Document) -> Grid:
    import xlrd

    title = sheet.name
    date1904 = book.datemode == 1
    starts: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rlo, rhi, clo, chi in sheet.merged_cells:
        starts[(rlo, clo)] = (rhi - rlo, chi - clo)
        covered.update((r, c) for r in range(rlo, rhi) for c in range(clo, chi) if (r, c) != (rlo, clo))
    builder = GridBuilder()
    fallback: set[str] = set()
    for r in range(sheet.nrows):
        builder.rows = max(builder.rows, r + 1)
        for c in range(sheet.row_len(r)):
            cell = sheet.cell(r, c)
            kind = cell.ctype
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            where = f"{title}!{column_letters(c)}{r + 1}"
            if kind == xlrd.XL_CELL_TEXT:
                text = cell.value
            elif kind == xlrd.XL_CELL_BOOLEAN:
                text = "TRUE" if cell.value else "FALSE"
            elif kind == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(cell.value, "#ERR")
            else:
                key = book.xf_list[cell.xf_index].format_key
                fmt = book.format_map.get(key)
                code = fmt.format_str if fmt is not None and fmt.format_str else ZH_CN_BUILTINS.get(key, "General")
                text, rendered = format_value(cell.value, code, date1904)
                if not rendered and code not in fallback:
                    fallback.add(code)
                    doc.notes.append((where, "number-format",
                                      "number format not rendered; the value is shown as Excel's General format", code))
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if (r, c) in covered:
                if text.strip():
                    doc.notes.append((where, "merged-over-value", "a value hidden under a merged cell (Excel does not "
                                      "show it); the merged cell's text is read", clip(text)))
                continue
            rowspan, colspan = starts.pop((r, c), (1, 1))
            builder.put(r, c, text, rowspan, colspan)
    for (r, c), (rowspan, colspan) in starts.items():  # merges whose top-left cell is empty
        builder.put(r, c, "", rowspan, colspan)
    return builder.grid(title, lambda r, c: f"{title}!{column_letters(c)}{r + 1}")
