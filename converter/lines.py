"""Files of lines read in big blocks of whole lines: how perfkg reads N-Quads written one quad a line.

The load (:mod:`converter.store`), the scan that finds a file's tables
(:mod:`converter.documents`) and validation (:mod:`converter.validate`) all
take perfkg's N-Quads this way: a block of whole lines can be handed to
Oxigraph's parser or searched with ``bytes`` methods at once, with no Python
object per line, and memory stays at about one block whatever the file.
What to do with a last line that has no line break is each caller's rule
(the load parses it, validation refuses it), so it comes as a block of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

#: Bytes read at once (and about the size of each block): 16 MB.
BLOCK = 16 << 20


def blocks(raw: BinaryIO, size: int = BLOCK) -> Iterator[bytes]:
    """The bytes of ``raw`` in blocks of whole lines, each ending in a line break, but perhaps the last.

    Each read takes ``size`` bytes and the block ends after its last line
    break; the rest begins the next. What follows the file's last line break
    (a last line without one) is the last block, alone: callers tell it by
    ``not block.endswith(b"\\n")``. The blocks together are the file's bytes,
    in order, so a hash of the blocks is the file's hash.
    """
    rest = b""
    while True:
        chunk = raw.read(size)
        data = rest + chunk
        cut = data.rfind(b"\n") + 1 if chunk else len(data)
        if cut:
            yield data[:cut]
        rest = data[cut:]
        if not chunk:
            return
