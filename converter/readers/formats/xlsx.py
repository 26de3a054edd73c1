"""Excel workbooks (.xlsx, .xlsm) → one grid per worksheet, in the workbook's sheet order.

Each cell's text is what Excel prints: the value through its number format
(``1000`` in ``0.00`` is ``1000.00``, ``0.95`` in ``0%`` is ``95%``, dates as
formatted; see :mod:`._numfmt`), line breaks inside a cell as ``\\n``.
Merged ranges are expanded (covered cells carry the top-left cell's text and
``origin``). ``where`` is ``Sheet1!B7``; grid row *r*, column *c* is Excel
row *r + 1*, column *c + 1*, so positions match what Excel shows.

Memory stays flat for a workbook of many forms: values are streamed with
openpyxl's read-only mode (which has no merged cells), the ``<mergeCells>``
of each sheet are read from its XML here, and sheets are yielded one at a time.

Formulas give their cached value (the one Excel last computed); one without
a cached value is read as empty, with a note. A workbook with macros is read
for its values (macros never run), with a note. Hidden sheets are read, with
a note.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from ...text import column_letters
from ..grid import Block, Document, FormatError, Grid
from ._build import GridBuilder
from ._common import clip, guarded, new_document
from ._numfmt import ZH_CN_BUILTINS, format_value

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read(data: bytes, file: str) -> Document:
    """Every worksheet as a grid."""
    doc = new_document(data, file, "xlsx")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "xlsx"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    """Yield one grid per worksheet (notes go to ``doc.notes`` as they are found)."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise FormatError(file, "byte 0", f"damaged ZIP container; the workbook cannot be opened ({err})",
                          "damaged-zip") from err
    names = archive.namelist()
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        doc.notes.append(("workbook", "macros", "the workbook contains macros; they are not run, "
                          "only the cell values are read", "xl/vbaProject.bin"))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as err:  # openpyxl raises many kinds on a damaged package
        raise FormatError(file, "workbook", f"not a readable Excel workbook ({type(err).__name__}: {clip(str(err), 100)})",
                          "damaged-file") from err
    try:
        date1904 = wb.epoch == CALENDAR_MAC_1904
        for ws in wb.worksheets:
            path = getattr(ws, "_worksheet_path", None)
            try:
                xml = archive.read(path) if path else b""
            except KeyError:
                xml = b""
            if ws.sheet_state != "visible":
                doc.notes.append((ws.title, "hidden-sheet", f"the sheet is {ws.sheet_state} in Excel; it is read all the same",
                                  ws.title))
            yield _sheet(ws, xml, date1904, doc)
    finally:
        wb.close()


def _sheet(ws, xml: bytes, date1904: bool, doc: Document) -> Grid:
    title = ws.title
    builder = GridBuilder()
    merges: list[tuple[int, int, int, int]] = []
    for m in _MERGE.finditer(xml):
        c0, r0 = _col(m.group(1).decode()), int(m.group(2)) - 1
        c1, r1 = (_col(m.group(3).decode()), int(m.group(4)) - 1) if m.group(3) else (c0, r0)
        merges.append((r0, c0, r1, c1))
    no_cache = _formulas_without_value(xml) if b"<f" in xml or b":f>" in xml or b":f " in xml else {}
    fallback_codes: set[str] = set()
    ws.reset_dimensions()  # some writers state a wrong <dimension>: read every cell there is
    texts: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            r, c = cell.row - 1, cell.column - 1
            code = cell.number_format
            if code == "General":
                code = ZH_CN_BUILTINS.get(cell.style_array.numFmtId, code) if hasattr(cell, "style_array") else code
            text, rendered = format_value(value, code, date1904)
            if not rendered and code not in fallback_codes:
                fallback_codes.add(code)
                doc.notes.append((f"{title}!{column_letters(c)}{r + 1}", "number-format",
                                  "number format not rendered; the value is shown as Excel's General format", code))
            texts[(r, c)] = text.replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    # merges, clipped to the cells in use (a merge over whole columns must not make a million rows)
    last_row = max((r for r, _ in texts), default=0)
    last_col = max((c for _, c in texts), default=0)
    starts: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        r1, c1 = min(r1, max(last_row, r0)), min(c1, max(last_col, c0))
        starts[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and (text := texts.pop((r, c), None)) is not None and text.strip():
                    doc.notes.append((f"{title}!{column_letters(c)}{r + 1}", "merged-over-value",
                                      "a value hidden under a merged cell (Excel does not show it); "
                                      "the merged cell's text is read", clip(text)))
    for (r, c), ref in sorted(no_cache.items()):
        if (r, c) not in texts:
            doc.notes.append((f"{title}!{ref}", "formula-without-value",
                              "formula without a cached value (the workbook was not recalculated); read as empty: "
                              "open and save it in Excel or LibreOffice", clip(no_cache_formula(xml, ref))))
    for (r, c), text in texts.items():
        rowspan, colspan = starts.get((r, c), (1, 1))
        builder.put(r, c, text, rowspan, colspan)
    for (r, c), (rowspan, colspan) in starts.items():
        if (r, c) not in texts:  # a merge whose top-left cell is empty
            builder.put(r, c, "", rowspan, colspan)
    return builder.grid(title, lambda r, c: f"{title}!{column_letters(c)}{r + 1}")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _formulas_without_value(xml: bytes) -> dict[tuple[int, int], str]:
    """Cells holding a formula but no cached value: (row, col) → reference."""
    from lxml import etree

    out: dict[tuple[int, int], str] = {}
    for _, c in etree.iterparse(io.BytesIO(xml), tag=f"{_NS}c"):
        f = c.find(f"{_NS}f")
        if f is not None:
            v = c.find(f"{_NS}v")
            if v is None or not (v.text or ""):
                ref = c.get("r") or ""
                if m := _REF.fullmatch(ref):
                    out[(int(m.group(2)) - 1, _col(m.group(1)))] = ref
        c.clear()
    return out


def no_cache_formula(xml: bytes, ref: str) -> str:
    """The formula text of one cell (for the note)."""
    m = re.search(rb'<(?:\w+:)?c\b[^>]*\br="' + ref.encode() + rb'"[^>]*>\s*<(?:\w+:)?f\b[^>]*>([^<]*)<', xml)
    return "=" + m.group(1).decode("utf-8", "replace") if m else "(shared formula)"
