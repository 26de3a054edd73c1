"""Limits perfkg states and enforces, so that what it writes can be read back.

**Literal size.** pyoxigraph's parsers (and so ``perfkg load``, ``validate``,
``query --data`` and Oxigraph's own loader) stop at a statement over 16 MiB
(``MemoryError: Reached the buffer maximal size of 16777216``, measured with
N-Triples, N-Quads, Turtle and TriG alike; ../shared/FINDINGS.md). A text
that becomes a literal — a cell, a source row kept as ``pk:sourceRow``, a
problem's message — is refused at convert time when its escaped form (as
N-Triples writes it) exceeds :data:`MAX_LITERAL_BYTES`, 15 MiB: 1 MiB is left
for the rest of the statement. The check walks the records of each table as
they are read (:func:`check_table`), whatever their shape, and names the line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

#: The largest literal, in bytes as N-Triples writes it, that perfkg writes.
MAX_LITERAL_BYTES = 15 * 1024 * 1024


class LimitError(ValueError):
    """Input beyond a stated limit; one line naming the file and line."""


def escaped_size(text: str) -> int:
    """Bytes the text takes as an N-Triples string: UTF-8, ``\\n``-style escapes, ``\\u00XX`` for other controls."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if text.isprintable():
        return size + text.count('"') + text.count("\\")
    extra = 0
    for ch in text:
        if ch in '"\\\n\r\t\b\f':
            extra += 1
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            extra += 5
    return size + extra


def check_table(table: object) -> None:
    """Raise :class:`LimitError` for the first text in the table's records longer than a literal may be."""
    file = getattr(table, "file", "input")
    for text, line in _texts(table, 0, set()):
        if len(text) > MAX_LITERAL_BYTES // 6 and escaped_size(text) > MAX_LITERAL_BYTES:
            mib = escaped_size(text) / (1 << 20)
            raise LimitError(
                f"{file}:{line}: a cell holds {mib:.1f} MiB of text; perfkg writes literals of at most "
                f"{MAX_LITERAL_BYTES >> 20} MiB, since RDF parsers downstream stop at 16 MiB (pyoxigraph) [literal-too-large]"
            )


def _texts(value: object, line: int, seen: set[int]) -> Iterator[tuple[str, int]]:
    """Every string inside a record tree, with the nearest enclosing source line."""
    if isinstance(value, str):
        yield value, line
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) in seen:
            return
        seen.add(id(value))
        here = getattr(value, "line", None)
        if not isinstance(here, int) or here <= 0:
            here = getattr(value, "first_line", None)
        line = here if isinstance(here, int) and here > 0 else line
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name), line, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item, line, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item, line, seen)
