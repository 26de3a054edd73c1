"""Small helpers shared by the format readers."""

from __future__ import annotations

import hashlib
import re

from ..grid import Document, FormatError

#: White space as HTML collapses it (not U+00A0, which layouts normalise themselves).
ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")


def new_document(data: bytes, file: str, fmt: str) -> Document:
    if not data:
        raise FormatError(file, "line 1", "the file is empty (0 bytes)", "empty-file")
    return Document(file=file, sha256=hashlib.sha256(data).hexdigest(), format=fmt)


def clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


#: What each format is called in a message.
_NAMES = {"html": "HTML page", "xlsx": "Excel workbook", "xls": "Excel 97-2003 workbook", "docx": "Word document",
          "pdf": "PDF", "text": "text file"}


def guarded(blocks, file: str, fmt: str):
    """Yield the blocks; a parser that breaks on damaged input becomes one :class:`FormatError`.

    The libraries under the readers (zipfile/zlib, openpyxl, xlrd, python-docx,
    pdfminer) raise assorted exceptions on a damaged file (``zlib.error``,
    ``struct.error``, ``AssertionError``, ``IndexError`` …); the user gets one
    line naming the file and what broke, never a traceback.
    """
    try:
        yield from blocks
    except FormatError:
        raise
    except (MemoryError, KeyboardInterrupt, RecursionError):
        raise
    except Exception as err:
        raise FormatError(file, "document", f"the {_NAMES.get(fmt, fmt)} is damaged or not what it claims to be "
                          f"({type(err).__name__}: {clip(str(err), 100)})", "damaged-file") from err
