"""Which container format a file is, told by its content, and the reader for it.

The name a file carries is often wrong (an ``.xls`` that is HTML saved by
Excel, a ``.doc`` that is really ``.docx``, a download without extension), so
the bytes decide:

* a ZIP is an Excel workbook (``xl/workbook.xml``) or a Word document
  (``word/document.xml``), else refused; a damaged ZIP is refused;
* an OLE2 compound file is an old Excel workbook (a ``Workbook``/``Book``
  stream); an Office file encrypted with a password (``EncryptedPackage``) is
  refused; so is a Word 97–2003 or WPS document (``WordDocument``), with the
  advice to save it as ``.docx``;
* ``%PDF`` is a PDF; markup is HTML; anything else is text (CSV, TSV, lines).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from importlib import import_module

from ..grid import Block, Document, FormatError
from ._common import guarded, new_document

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|title|p|div|tr|td)\b", re.I)

#: format name → module in this package (``read``, ``iter_blocks``)
READERS = {"html": "html", "xlsx": "xlsx", "xls": "xls", "docx": "docx", "pdf": "pdf", "text": "text"}


def sniff(data: bytes, file: str) -> str:
    """``html``, ``xlsx``, ``xls``, ``docx``, ``pdf`` or ``text``; :class:`FormatError` for what cannot be read."""
    if not data:
        raise FormatError(file, "line 1", "the file is empty (0 bytes)", "empty-file")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, file)
    if data.startswith(OLE2):
        return _ole2_kind(data, file)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if _looks_like_html(data):
        return "html"
    return "text"


def read_document(data: bytes, file: str) -> Document:
    """Read a file of any supported format into blocks."""
    return _module(sniff(data, file)).read(data, file)  # each reader's read() is guarded


def stream_document(data: bytes, file: str) -> tuple[Document, Iterator[Block]]:
    """The document (its blocks left empty) and an iterator over its blocks, for large workbooks and PDFs.

    Notes are added to the document as the blocks are read: look at them after the iterator ends.
    """
    kind = sniff(data, file)
    doc = new_document(data, file, kind)
    return doc, guarded(_module(kind).iter_blocks(data, file, doc), file, kind)


def _module(kind: str):
    return import_module(f"{__package__}.{READERS[kind]}")


def _zip_kind(data: bytes, file: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as err:
        raise FormatError(file, "byte 0", f"a damaged ZIP file (cut download?): {err}; "
                          "download or save the file again", "damaged-zip") from err
    lower = {n.lower() for n in names}
    if "xl/workbook.xml" in lower:
        return "xlsx"
    if "word/document.xml" in lower:
        return "docx"
    if "xl/workbook.bin" in lower:
        raise FormatError(file, "workbook", "an Excel binary workbook (.xlsb) cannot be read: "
                          "save it as .xlsx", "unsupported-format")
    if "mimetype" in lower or "content.xml" in lower:
        raise FormatError(file, "document", "an OpenDocument file (.ods/.odt) cannot be read: "
                          "save it as .xlsx or .docx", "unsupported-format")
    raise FormatError(file, "document", "a ZIP archive that holds neither an Excel workbook nor a Word document "
                      f"({len(names)} members)", "unsupported-format")


def _ole2_kind(data: bytes, file: str) -> str:
    from xlrd.compdoc import CompDoc

    try:
        streams = {d.name for d in CompDoc(data, logfile=io.StringIO()).dirlist}
    except Exception as err:  # CompDocError, struct.error, AssertionError … on a damaged file
        raise FormatError(file, "byte 0", f"a damaged Office 97-2003 file ({err}); save it again",
                          "damaged-file") from err
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise FormatError(file, "document", "the file is encrypted with a password: "
                          "open it, remove the password and save it again", "encrypted")
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "WordDocument" in streams:
        raise FormatError(file, "document", "a Word 97-2003 or WPS document (.doc/.wps) cannot be read: "
                          "open it in Word or WPS and save it as .docx", "legacy-word")
    raise FormatError(file, "document", "an Office 97-2003 file that is not an Excel workbook "
                      f"(streams: {', '.join(sorted(s for s in streams if s.isprintable())[:5])})", "unsupported-format")


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and bool(_HTML.search(head))
