"""PDF documents with ruled tables → blocks in reading order, page by page.

pdfplumber finds each ruled table (its cell boxes from the drawn lines); the
grid is rebuilt from the boxes: the distinct left/right and top/bottom edges
are the grid's columns and rows, and a box covering several of them is a
merged cell (``extract_tables`` gives ``None`` there; here covered positions
carry the text and ``origin``). Each character goes to the box holding its
centre; a cell's lines are joined with ``\\n`` as printed (``项目主管部\\n门``:
the layouts join wrapped words). Text outside the tables (titles, notes)
becomes one :class:`Text` per line, placed before or after the tables by its
position on the page. A table continuing over a page break is two grids (one
per page): the layout decides whether they are one table.

``where``: ``page 3, table 1, row 4, column 2``; a text line: ``page 3``.
A PDF without any text (a scan) is refused (``no-text-layer``), and so is one
encrypted with a password (``encrypted``).
"""

from __future__ import annotations

import io
import logging
from bisect import bisect_right
from collections.abc import Iterator

from ..grid import Block, Document, FormatError, Grid, Text
from ._build import GridBuilder
from ._common import clip, guarded, new_document

# pdfminer logs what it repairs in a damaged PDF as WARNING records, which Python prints on stderr
# when the application configured no logging; perfkg's stderr is one line per problem, so quiet them
# (a PDF it cannot read still raises, and becomes a FormatError).
logging.getLogger("pdfminer").setLevel(logging.ERROR)

#: Edges closer than this (points) are the same grid line.
_TOLERANCE = 2.0


def read(data: bytes, file: str) -> Document:
    doc = new_document(data, file, "pdf")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "pdf"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    pdf = _open(data, file)
    pending: list[Block] = []  # pages before the first one with text: held back until text is found
    seen_text = False
    try:
        for number, page in enumerate(pdf.pages, 1):
            try:
                blocks, has_text = _page(page, number, doc)
            except Exception as err:  # pdfminer/pdfplumber on a damaged page
                raise FormatError(file, f"page {number}", f"the page cannot be read ({type(err).__name__}: "
                                  f"{clip(str(err), 100)})", "damaged-file") from err
            finally:
                page.close()
            if seen_text:
                yield from blocks
            elif has_text:
                seen_text = True
                yield from pending
                pending.clear()
                yield from blocks
            else:
                pending.extend(blocks)
        if not seen_text:
            raise FormatError(file, "page 1", f"no text layer (a scanned document?): none of its {len(pdf.pages)} "
                              "page(s) has text; run OCR on it or use the document it was printed from",
                              "no-text-layer")
    finally:
        pdf.close()


def _open(data: bytes, file: str):
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 - parses the page tree, where damage shows
        return pdf
    except Exception as err:
        chain, e = [], err
        while e is not None:
            chain.append(f"{type(e).__name__} {e}")
            e = e.__cause__ or e.__context__
        if any("Password" in c or "password" in c or "Encrypt" in c for c in chain):
            raise FormatError(file, "document", "the PDF is encrypted with a password: "
                              "open it with the password and save or print it without one", "encrypted") from err
        raise FormatError(file, "document", f"not a readable PDF ({clip(chain[0], 100)})", "damaged-file") from err


def _page(page, number: int, doc: Document) -> tuple[list[Block], bool]:
    chars = page.chars
    if not chars:
        if page.images:
            doc.notes.append((f"page {number}", "page-without-text",
                              "the page is an image without text (scanned?); nothing is read from it", ""))
        return [], False
    tables = page.find_tables()
    placed: list[tuple[float, int, Block]] = []
    boxes = [t.bbox for t in tables]
    for index, table in enumerate(tables, 1):
        grid = _grid(table, chars, number, index)
        placed.append((table.bbox[1], 1, grid))

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(return_chars=False):
        text = line["text"]
        if text.strip():
            placed.append((line["top"], 0, Text(text, f"page {number}", number)))
    if any("(cid:" in getattr(b, "text", "") for _, _, b in placed):
        doc.notes.append((f"page {number}", "unmapped-glyphs", "some characters have no Unicode mapping in the PDF "
                          "(shown as (cid:N)); the text may be incomplete", ""))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [b for _, _, b in placed], True


def _edges(values: list[float]) -> list[float]:
    """Distinct coordinates, those within the tolerance merged (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= _TOLERANCE:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _index(edges: list[float], value: float) -> int:
    """The edge nearest to value."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _grid(table, chars, page: int, number: int) -> Grid:
    from pdfplumber.utils import extract_text

    cells = table.cells
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    spans = []
    slot_owner: dict[tuple[int, int], int] = {}
    for k, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        spans.append((r0, c0, max(1, r1 - r0), max(1, c1 - c0)))
        for r in range(r0, max(r0 + 1, r1)):
            for c in range(c0, max(c0 + 1, c1)):
                slot_owner.setdefault((r, c), k)
    own: list[list[dict]] = [[] for _ in cells]
    x_lo, top_lo, x_hi, bottom_hi = table.bbox
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x_lo <= cx <= x_hi and top_lo <= cy <= bottom_hi):
            continue
        slot = (bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1)
        k = slot_owner.get(slot)
        if k is not None:
            own[k].append(ch)
    builder = GridBuilder()
    builder.rows, builder.cols = len(ys) - 1, len(xs) - 1
    order = sorted(range(len(cells)), key=lambda k: (spans[k][0], spans[k][1]))
    for k in order:
        r0, c0, rowspan, colspan = spans[k]
        text = extract_text(own[k]) if own[k] else ""
        builder.put(r0, c0, text.strip(), rowspan, colspan)
    name = f"page {page}, table {number}"
    return builder.grid(name, lambda r, c: f"{name}, row {r + 1}, column {c + 1}", page=page)
