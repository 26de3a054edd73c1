"""Word documents (.docx) → blocks in body order: each table a grid, each paragraph line a text block.

python-docx opens the package; the body is read from its XML here, in order:
paragraphs (``w:p``) and tables (``w:tbl``), including those inside content
controls (``w:sdt``). A table's merged cells are expanded the way Word lays
them out: ``w:gridSpan`` spans columns, ``w:vMerge`` (``restart`` then
continuing cells) spans rows, ``w:gridBefore`` skips grid columns at the start
of a row. A cell's paragraphs are its lines (``\\n``), as are ``w:br``
breaks; ``w:tab`` is a tab; deleted text and field codes are not text. A
table nested in a cell is a grid of its own after its parent (as in HTML).
``where``: ``table 1, row 4, column 2`` (grid positions, 1-based).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from ..grid import Block, Document, FormatError, Text
from ._build import GridBuilder
from ._common import clip, guarded, new_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read(data: bytes, file: str) -> Document:
    doc = new_document(data, file, "docx")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "docx"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except zipfile.BadZipFile as err:
        raise FormatError(file, "byte 0", f"a damaged ZIP file (cut download?): {err}; download or save the file again",
                          "damaged-zip") from err
    except (PackageNotFoundError, KeyError, ValueError) as err:
        raise FormatError(file, "document", f"not a readable Word document ({type(err).__name__}: {clip(str(err), 100)})",
                          "damaged-file") from err
    state = _State()
    yield from _body(body, state)


class _State:
    def __init__(self) -> None:
        self.tables = 0
        self.paragraphs = 0


def _body(parent, state: _State) -> Iterator[Block]:
    for child in parent:
        tag = child.tag
        if tag == f"{W}p":
            for line in paragraph_text(child).split("\n"):
                if line.strip():
                    state.paragraphs += 1
                    yield Text(line, f"paragraph {state.paragraphs}")
        elif tag == f"{W}tbl":
            yield from _table(child, state, None)
        elif tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body(content, state)


def paragraph_text(p) -> str:
    """The text of one w:p: runs' w:t, tabs, breaks; not deleted text, field codes or fallback copies."""
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == f"{W}t":
                out.append(child.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag in (f"{W}del", f"{W}instrText", f"{W}delText", MC_FALLBACK, f"{W}pPr", f"{W}rPr"):
                continue
            elif isinstance(tag, str):
                walk(child)

    walk(p)
    return "".join(out)


def _cell_text(tc, nested: list) -> str:
    lines: list[str] = []
    for child in tc:
        if child.tag == f"{W}p":
            lines.append(paragraph_text(child))
        elif child.tag == f"{W}tbl":
            nested.append(child)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                lines.extend(paragraph_text(p) for p in content.iter(f"{W}p"))
    text = "\n".join(lines)
    return text.strip("\n")


def _int(el, default: int) -> int:
    if el is None:
        return default
    try:
        return max(1, int(el.get(f"{W}val", default)))
    except ValueError:
        return default


def _row_cells(tr):
    for child in tr:
        if child.tag == f"{W}tc":
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from (c for c in content if c.tag == f"{W}tc")


def _table(tbl, state: _State, inside: str | None) -> Iterator[Block]:
    state.tables += 1
    name = f"table {state.tables}"
    # pass 1: each row's cells as (col, colspan, vmerge, text, nested tables)
    rows: list[list[tuple[int, int, str | None, str, list]]] = []
    for tr in tbl.iter(f"{W}tr"):
        if tr.getparent() is not tbl:
            continue
        trpr = tr.find(f"{W}trPr")
        col = _int(trpr.find(f"{W}gridBefore"), 0) if trpr is not None else 0
        if trpr is not None and trpr.find(f"{W}gridBefore") is None:
            col = 0
        row = []
        for tc in _row_cells(tr):
            tcpr = tc.find(f"{W}tcPr")
            span, vmerge, hmerge = 1, None, None
            if tcpr is not None:
                span = _int(tcpr.find(f"{W}gridSpan"), 1)
                vm = tcpr.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{W}val", "continue")
                hm = tcpr.find(f"{W}hMerge")
                if hm is not None:
                    hmerge = hm.get(f"{W}val", "continue")
            nested: list = []
            text = _cell_text(tc, nested)
            if hmerge == "continue" and row:  # legacy horizontal merge: widen the cell to the left
                c0, s0, v0, t0, n0 = row[-1]
                row[-1] = (c0, s0 + span, v0, t0, n0 + nested)
            else:
                row.append((col, span, vmerge, text, nested))
            col += span
        rows.append(row)
    # pass 2: a vMerge restart spans down over the continuing cells below it
    builder = GridBuilder()
    continuing = {(r, c) for r, row in enumerate(rows) for (c, _, v, _, _) in row if v == "continue"}
    nested_out: list[tuple[object, int, int]] = []
    builder.rows = len(rows)
    for r, row in enumerate(rows):
        for c, span, vmerge, text, nested in row:
            if vmerge == "continue" and (r - 1, c) in builder._cells:  # covered by the cell above
                continue
            rowspan = 1
            while (r + rowspan, c) in continuing:
                rowspan += 1
            builder.put(r, c, text, rowspan, span)
            nested_out.extend((t, r, c) for t in nested)
    where = name if inside is None else f"{name} (inside {inside})"
    yield builder.grid(where, lambda r, c: f"{name}, row {r + 1}, column {c + 1}")
    for inner, r, c in nested_out:
        yield from _table(inner, state, f"{name}, row {r + 1}, column {c + 1}")
