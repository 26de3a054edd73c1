"""A small progress bar for long loads: drawn on a terminal, silent in pipes.

Loading a province's tables takes minutes; a user at a terminal wants to see
it move, while a script piping perfkg's output (or a CI log) wants no
carriage-return noise. So the bar draws only when its stream is a TTY, and at
most ten times a second. No dependency: one line of text rewritten with ``\\r``.
"""

from __future__ import annotations

import sys
import time
from typing import BinaryIO, TextIO


def _human(value: float, unit: str) -> str:
    """``1.5 MB`` for bytes, ``12,345 lines`` for anything else."""
    if unit != "B":
        return f"{int(value):,} {unit}"
    for prefix in ("", "k", "M", "G", "T"):
        if value < 1024 or prefix == "T":
            return f"{value:.0f} {prefix}B" if not prefix else f"{value:.1f} {prefix}B"
        value /= 1024
    return f"{value:.1f} TB"  # unreachable: the loop returns at "T"


class Progress:
    """A bar over ``total`` units (bytes ``"B"`` or rows ``"lines"``) with a label.

    ``enabled`` defaults to "the stream is a terminal"; tests pass a stream
    and ``enabled=True`` to see the drawing.
    """

    WIDTH = 30

    def __init__(
        self, total: int, label: str, unit: str = "B", *, stream: TextIO | None = None, enabled: bool | None = None
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream) if enabled is None else enabled
        self.done = 0
        self._drawn = 0.0

    def advance_to(self, done: int) -> None:
        """Set the position (it never moves back); redraw if 0.1 s have passed."""
        if done <= self.done:
            return
        self.done = min(done, self.total)
        now = time.monotonic()
        if self.enabled and now - self._drawn >= 0.1:
            self._drawn = now
            self._draw()

    def advance(self, step: int) -> None:
        self.advance_to(self.done + step)

    def close(self) -> None:
        """Draw the bar full and end its line (only if it was ever enabled)."""
        if self.enabled:
            self.done = self.total
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        share = 100 * self.done // self.total
        text = f"\r[{bar}] {share:3d}% {_human(self.done, self.unit)} / {_human(self.total, self.unit)}  {self.label}"
        self.stream.write(text)
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        elif self.enabled:  # leave the half bar on its own line, before the error message
            self.stream.write("\n")
            self.stream.flush()


class CountingReader:
    """A binary file wrapper that reports the bytes read to a :class:`Progress`.

    pyoxigraph's parsers accept any object with ``read``; wrapping the file is
    how a bulk load of an RDF file can show how far it has got.
    """

    def __init__(self, raw: BinaryIO, progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._progress.advance(len(data))
        return data


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or stream-like objects without isatty
        return False
