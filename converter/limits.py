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
    for text, line in _long_texts(table, MAX_LITERAL_BYTES // 6):
        if escaped_size(text) > MAX_LITERAL_BYTES:
            mib = escaped_size(text) / (1 << 20)
            raise LimitError(
                f"{file}:{line}: a cell holds {mib:.1f} MiB of text; perfkg writes literals of at most "
                f"{MAX_LITERAL_BYTES >> 20} MiB, since RDF parsers downstream stop at 16 MiB (pyoxigraph) [literal-too-large]"
            )


def _long_texts(root: object, shortest: int) -> Iterator[tuple[str, int]]:
    """Every string longer than ``shortest`` inside a record tree, in document order, with the nearest enclosing source line.

    A string of n characters takes at most 6n bytes escaped, so only those
    over a sixth of the limit can exceed it. The walk is an explicit stack,
    not nested generators: it visits every value of every record of every
    table on each conversion (two million at 10 tables, once a fifth of the
    converter's time, issue 15), and a yield through k nested generators
    costs k steps.
    """
    seen: set[int] = set()
    stack: list[tuple[object, int]] = [(root, 0)]
    while stack:
        value, line = stack.pop()
        if isinstance(value, str):
            if len(value) > shortest:
                yield value, line
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend((item, line) for item in reversed(list(value)))
        elif isinstance(value, dict):
            stack.extend((item, line) for item in reversed(list(value.values())))
        elif not isinstance(value, type) and (names := _field_names(type(value))) is not None:
            if id(value) in seen:
                continue
            seen.add(id(value))
            here = getattr(value, "line", None)
            if not isinstance(here, int) or here <= 0:
                here = getattr(value, "first_line", None)
            line = here if isinstance(here, int) and here > 0 else line
            stack.extend((getattr(value, name), line) for name in reversed(names))


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names (``None`` for any other class), looked up once per class."""
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
        _FIELDS[cls] = names
        return names
