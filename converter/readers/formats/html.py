"""HTML pages → blocks: every ``<table>`` a grid, the text outside tables as text blocks.

Government sites publish their forms as HTML tables, often Excel's "save as
web page" (``sheet001.htm``). The page is read as a browser lays it out:

* ``rowspan``/``colspan`` are expanded (covered positions carry the origin
  cell's text and ``origin``); a span reaching past the last row is clipped;
  Excel's ``mso-ignore:colspan`` (text overflowing into empty cells) is not a
  merge: the other positions stay empty, as they are in the workbook;
* inside a cell, ``<br>`` and block elements (``<p>``, ``<div>`` …) are line
  breaks (``\\n``); other white space is collapsed as a browser does;
  ``&nbsp;`` stays U+00A0 (the layouts normalise it);
* a table nested in a cell is a grid of its own, after the table holding it
  (``where``: ``table 2 (inside table 1, row 3, column 2)``), and does not add
  to that cell's text; a page laid out in a wrapper table keeps its form;
* text outside tables (titles, notes, narrative) becomes one :class:`Text`
  per line, in reading order; ``<script>``, ``<style>`` and the ``<head>`` are
  not text; a ``<caption>`` is a text block just before its grid.

Encoding: a byte-order mark, else the ``<meta charset>`` (GB2312/GBK read as
their superset GB18030), else UTF-8 then GB18030 (``converter.encoding``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from ...encoding import DecodeError, decode
from ..grid import Block, Document, FormatError, Text
from ._build import GridBuilder
from ._common import ASCII_SPACE, guarded, new_document

_BLOCK = frozenset(
    "address article aside blockquote center dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary ul tr tbody thead tfoot caption "
    "table td th".split()
)
_SKIP = frozenset("script style head title noscript template iframe object select option textarea svg math".split())
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: Encodings whose superset reads the same bytes and more.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "euc_cn": "gb18030", "hz": "gb18030", "ascii": "utf-8",
             "latin_1": "cp1252", "iso8859-1": "cp1252"}

_HARD, _SOFT = object(), object()  # a <br>, a block boundary


def read(data: bytes, file: str) -> Document:
    """The page's blocks in reading order."""
    doc = new_document(data, file, "html")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "html"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    text = _decode(data, file, doc)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except (etree.ParserError, ValueError) as err:
        raise FormatError(file, "line 1", f"not a readable HTML page ({err})", "damaged-file") from err
    body = root.find("body")
    flow = _Flow(file)
    flow.walk(body if body is not None else root)
    yield from flow.finish()


def _parser() -> lxml_html.HTMLParser:
    return lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _decode(data: bytes, file: str, doc: Document) -> str:
    """The page's text: BOM, then the meta charset, then UTF-8/GB18030."""
    declared = None
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if m := _META_CHARSET.search(data[:8192]):
            label = m.group(1).decode("ascii").lower()
            try:
                name = codecs.lookup(label).name
            except LookupError:
                doc.notes.append(("line 1", "unknown-charset", "the page declares an unknown charset; "
                                  "the encoding is detected instead", label))
            else:
                declared = _SUPERSET.get(name, name)
    try:
        decoded = decode(data, file, declared) if declared else decode(data, file)
    except DecodeError as err:
        if declared is None:
            raise FormatError(file, f"line {err.line}", err.message, "not-text") from err
        try:
            decoded = decode(data, file)
        except DecodeError as err2:
            raise FormatError(file, f"line {err2.line}", err2.message, "not-text") from err2
        doc.notes.append((f"line {err.line}", "charset-mismatch",
                          f"the page says charset={declared} but is not; read as {decoded.encoding}", declared))
    for p in decoded.problems:
        doc.notes.append((f"line {p.line}", p.code, p.message, p.found))
    return decoded.text


class _Flow:
    """Walks the page in document order, collecting text lines and tables."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.tokens: list[object] = []
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def walk(self, el) -> None:
        _collect(el, self.tokens, self._table)

    def _table(self, table, inside: str | None = None) -> None:
        self._flush()
        for block in _read_table(table, self, inside):
            self.blocks.append(block)

    def _flush(self) -> None:
        for line in _lines(self.tokens):
            if not line.strip():  # a blank line, or only &nbsp; (a spacer paragraph)
                continue
            self.paragraphs += 1
            self.blocks.append(Text(line, f"paragraph {self.paragraphs}"))
        self.tokens.clear()

    def text_block(self, text: str) -> Text:
        self.paragraphs += 1
        return Text(text, f"paragraph {self.paragraphs}")

    def finish(self) -> list[Block]:
        self._flush()
        return self.blocks


def _collect(el, tokens: list[object], on_table) -> None:
    """Append el's content as text pieces and breaks; hand tables to on_table."""
    if el.text:
        tokens.append(el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is not None:
            tag = tag.lower()
            if tag == "table":
                on_table(child)
            elif tag == "br":
                tokens.append(_HARD)
            elif tag in _SKIP:
                pass
            elif tag in _BLOCK:
                tokens.append(_SOFT)
                _collect(child, tokens, on_table)
                tokens.append(_SOFT)
            else:
                _collect(child, tokens, on_table)
        if child.tail:
            tokens.append(child.tail)


def _lines(tokens: list[object]) -> list[str]:
    """Lines as a browser shows them: white space collapsed, block boundaries merged, <br> kept."""
    lines: list[str] = []
    current: list[str] = []
    pending_soft = False

    def end_line(hard: bool) -> None:
        text = ASCII_SPACE.sub(" ", "".join(current)).strip(" ")
        if text or hard:
            lines.append(text)
        current.clear()

    for tok in tokens:
        if tok is _HARD:
            end_line(True)
            pending_soft = False
        elif tok is _SOFT:
            pending_soft = True
        else:
            if pending_soft:
                if "".join(current).strip(" \t\n\r\f"):
                    end_line(False)
                pending_soft = False
            current.append(tok)  # type: ignore[arg-type]
    end_line(False)
    # drop blank lines at the ends (blank lines between <br>s inside stay)
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _cell_text(cell, nested: list) -> str:
    tokens: list[object] = []
    _collect(cell, tokens, nested.append)
    return "\n".join(_lines(tokens))


def _span(cell, name: str, limit: int) -> int:
    raw = (cell.get(name) or "1").strip()
    m = re.match(r"\d+", raw)
    if not m:
        return 1
    n = int(m.group())
    return max(1, min(n, limit)) if n else 1


def _rows(table) -> list:
    """The table's own rows in display order: thead, then body rows, then tfoot."""
    head, body, foot = [], [], []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            body.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows = [tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr"]
            {"thead": head, "tbody": body, "tfoot": foot}[tag].extend(rows)
    return head + body + foot


def _read_table(table, flow: _Flow, inside: str | None) -> list[Block]:
    flow.tables += 1
    number = flow.tables
    name = f"table {number}"
    where = name if inside is None else f"{name} (inside {inside})"
    blocks: list[Block] = []
    for child in table:
        if isinstance(child.tag, str) and child.tag.lower() == "caption":
            caption = _cell_text(child, [])
            if caption:
                blocks.append(flow.text_block(caption))
    builder = GridBuilder()
    nested: list[tuple[object, int, int]] = []
    rows = _rows(table)
    for tr in rows:
        builder.new_row()
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            inner: list = []
            text = _cell_text(td, inner)
            rowspan = _span(td, "rowspan", 65534)
            colspan = _span(td, "colspan", 1000)
            if colspan > 1 and "mso-ignore:colspan" in (td.get("style") or "").replace(" ", ""):
                r, c = builder.flow(text)
                for k in range(1, colspan):
                    builder.flow("")
            else:
                r, c = builder.flow(text, rowspan, colspan)
            nested.extend((t, r, c) for t in inner)
    grid = builder.grid(where, lambda r, c: f"{name}, row {r + 1}, column {c + 1}", rows=len(rows))
    blocks.append(grid)
    for inner_table, r, c in nested:
        blocks.extend(_read_table(inner_table, flow, f"{name}, row {r + 1}, column {c + 1}"))
    return blocks
