"""Container formats: a file's bytes → a :class:`~converter.readers.grid.Document` of blocks.

One module per format (``html``, ``xlsx``, ``xls``, ``docx``, ``pdf``,
``text``), each with ``read(data, file) -> Document`` and
``iter_blocks(data, file, doc)``; :func:`sniff` tells the format by content
and :func:`read_document` dispatches.
"""

from .detect import read_document, sniff, stream_document

__all__ = ["read_document", "sniff", "stream_document"]
