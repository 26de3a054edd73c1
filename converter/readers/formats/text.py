"""Text files (CSV, TSV, plain lines) → one grid.

The encoding is detected by :mod:`converter.encoding` (BOM, UTF-8, GB18030);
what it repairs becomes a note. The delimiter is chosen from the first lines:
tabs make TSV, commas CSV, neither one column per line (``format`` says
which). Quoted fields (``"a,b"``, a line break inside quotes) are read as the
csv module reads them; a record that spans lines is one grid row named by
the line it starts on. ``where`` is ``line 7, column 3``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ...encoding import DecodeError, decode
from ..grid import Block, Document, FormatError
from ._build import GridBuilder
from ._common import guarded, new_document

_SAMPLE_LINES = 20


def read(data: bytes, file: str) -> Document:
    doc = new_document(data, file, "text")
    doc.blocks.extend(guarded(iter_blocks(data, file, doc), file, "text"))
    return doc


def iter_blocks(data: bytes, file: str, doc: Document) -> Iterator[Block]:
    try:
        decoded = decode(data, file)
    except DecodeError as err:
        raise FormatError(file, f"line {err.line}", err.message, "not-text") from err
    for p in decoded.problems:
        doc.notes.append((f"line {p.line}", p.code, p.message, p.found))
    text = decoded.text
    if not text.strip():
        raise FormatError(file, "line 1", "the file holds only white space", "empty-file")
    delimiter = _delimiter(text)
    doc.format = {"\t": "tsv", ",": "csv", None: "text"}[delimiter]
    lines = text.splitlines(keepends=True)
    builder = GridBuilder()
    starts: list[int] = []
    if delimiter is None:
        for i, line in enumerate(lines):
            builder.put(i, 0, line.rstrip("\r\n"))
            starts.append(i + 1)
    else:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        line = 1
        for r, record in enumerate(reader):
            starts.append(line)
            builder.rows = max(builder.rows, r + 1)
            for c, value in enumerate(record):
                builder.put(r, c, value.replace("\r\n", "\n"))
            line = reader.line_num + 1
    if delimiter is None:
        yield builder.grid("line 1", lambda r, c: f"line {starts[r]}")
    else:
        yield builder.grid("line 1", lambda r, c: f"line {starts[r]}, column {c + 1}")


def _delimiter(text: str) -> str | None:
    sample = [ln for ln in text.splitlines()[: _SAMPLE_LINES * 2] if ln.strip()][:_SAMPLE_LINES]
    tabs = sum(1 for ln in sample if "\t" in ln)
    commas = sum(1 for ln in sample if "," in ln)
    if tabs and tabs >= commas / 2:
        return "\t"
    if commas > len(sample) / 2:
        return ","
    return None
