"""Turn the bytes of a source file into text, or refuse them with a reason.

Tables reach perfkg from many offices: UTF-8 from the web, UTF-8 with a BOM
from Excel's "Unicode text", GB18030/GBK from older Windows tools, UTF-16
from Excel's "Unicode Text (*.txt)", and sometimes not text at all (an .xlsx
workbook, a PDF, a download cut in half). The order of the guesses:

1. a byte-order mark names the encoding (UTF-8, UTF-16, UTF-32);
2. NUL bytes, or the signature of a workbook/PDF, mean the file is not text;
3. UTF-8 — strict, but for two forgiven damages, each reported: a last
   character cut by a broken download (its partial bytes dropped), and a
   few damaged bytes (under 1 % of the non-ASCII characters), each damaged
   sequence read as U+FFFD;
4. GB18030 (a superset of GBK and GB2312), strict but for a cut last character.

A forced ``--encoding`` is decoded the same way (strict, a cut last
character forgiven).

Only the standard library's codecs are used: the guesses above need no
statistics, and a wrong guess is caught by the reader, which finds no title.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .records import Problem

#: Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Signatures of files users feed perfkg by mistake, and what to do instead.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (an old .xls workbook?)"),
    (b"%PDF-", "a PDF document"),
)
_AS_TEXT = "export the table as tab-separated text"

#: C0 control characters that no text table holds (tab, line breaks and the
#: form feed of page-by-page text extractions excepted).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: Share of damaged non-ASCII characters under which a file is still taken as UTF-8.
_DAMAGE_RATIO = 0.01


class DecodeError(ValueError):
    """The bytes are not text in any encoding perfkg can tell (or was told)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


@dataclass
class Decoded:
    """The text of a file, the encoding it was read in, and what was repaired."""

    text: str
    encoding: str
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes, file: str, encoding: str | None = None) -> Decoded:
    """Decode a source file's bytes; raise :class:`DecodeError` when they are not text."""
    if encoding is not None:
        return _forced(data, file, encoding)
    for bom, name in _BOMS:
        if data.startswith(bom):
            label = name.replace("-sig", "") + " with BOM"
            if name == "utf-8-sig":
                return _utf8_or_refuse(data[len(bom) :], file, label)
            return _forced(data, file, name, label=label)
    _refuse_binary(data)
    try:
        return _utf8(data, file, "utf-8")
    except UnicodeDecodeError as err:
        not_utf8 = err.start
    try:
        return _checked(_decode_cut(data, "gb18030", file, "gb18030"))
    except UnicodeDecodeError as err:
        # The UTF-8 error is the one to show: GB18030 reads most UTF-8 Chinese as
        # (wrong) characters and fails later, somewhere meaningless.
        raise DecodeError(
            _byte_line(data, not_utf8),
            f"neither UTF-8 nor GB18030 text (byte {data[not_utf8]:#04x} at offset {not_utf8} is not UTF-8); "
            "name the encoding with --encoding",
        ) from err


def check_encoding(name: str) -> str:
    """The canonical name of a codec, or :class:`LookupError` with the name in it."""
    return codecs.lookup(name).name


#: How codecs say the bytes stop inside a character (UTF-8, UTF-16/32, GB18030).
_CUT_REASONS = {"unexpected end of data", "truncated data", "incomplete multibyte sequence"}


def _decode_cut(data: bytes, codec: str, file: str, label: str) -> Decoded:
    """Decode strictly, but forgive a last character cut by a broken download (reported)."""
    try:
        return Decoded(data.decode(codec), label)
    except UnicodeDecodeError as err:
        if err.end < len(data) or err.reason not in _CUT_REASONS:
            raise
        cut = err.start
    text = data[:cut].decode(codec)
    problem = Problem(
        file, line_at(text, len(text)), "truncated-character",
        "the file ends inside a character (cut download?); the partial bytes are dropped", _hex(data[cut:]),
    )
    return Decoded(text, label, [problem])


def _utf8(data: bytes, file: str, label: str) -> Decoded:
    """UTF-8, forgiving a cut last character and a few damaged bytes; else UnicodeDecodeError."""
    try:
        return _checked(_decode_cut(data, "utf-8", file, label))
    except UnicodeDecodeError:
        if not _looks_like_damaged_utf8(data):
            raise
    return _checked(_damaged_utf8(data, file, label))


def _utf8_or_refuse(data: bytes, file: str, label: str) -> Decoded:
    try:
        return _utf8(data, file, label)
    except UnicodeDecodeError as err:
        raise _not_text(data, err, label) from err


def _forced(data: bytes, file: str, encoding: str, label: str | None = None) -> Decoded:
    """Decode with a named encoding; a UTF-8 BOM is dropped whatever the name."""
    try:
        name = check_encoding(encoding)
    except LookupError as err:
        raise DecodeError(1, f"unknown encoding {encoding!r}") from err
    if name == "utf-8":
        return _utf8_or_refuse(data.removeprefix(codecs.BOM_UTF8), file, label or name)
    try:
        decoded = _decode_cut(data, name, file, label or name)
    except UnicodeDecodeError as err:
        raise _not_text(data, err, label or encoding) from err
    decoded.text = decoded.text.removeprefix("\ufeff")
    return _checked(decoded)


def _not_text(data: bytes, err: UnicodeDecodeError, label: str) -> DecodeError:
    return DecodeError(
        _byte_line(data, err.start),
        f"not {label} text (byte {data[err.start]:#04x} at offset {err.start}: {err.reason})",
    )


def _refuse_binary(data: bytes) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise DecodeError(1, f"not a text file: this is {what}; {_AS_TEXT}")
    if (nul := data.find(b"\x00")) >= 0:
        raise DecodeError(_byte_line(data, nul), f"not a text file: NUL byte at offset {nul} (binary data?); {_AS_TEXT}")


def _checked(decoded: Decoded) -> Decoded:
    """Refuse text that is mostly control characters: binary data that happened to decode."""
    text = decoded.text
    controls = len(_CONTROLS.findall(text))
    if controls > 8 and controls > len(text) / 100:
        first = _CONTROLS.search(text)
        assert first is not None
        raise DecodeError(
            line_at(text, first.start()),
            f"not a text file: {controls} control characters in {len(text)} (binary data?); {_AS_TEXT}",
        )
    return decoded


def _looks_like_damaged_utf8(data: bytes) -> bool:
    """Many well-formed multi-byte characters and very few broken ones: UTF-8, damaged."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    return wide >= 20 and broken <= wide * _DAMAGE_RATIO


def _damaged_utf8(data: bytes, file: str, label: str = "utf-8") -> Decoded:
    """Decode UTF-8 putting U+FFFD for each broken sequence, one problem per sequence."""
    parts: list[str] = []
    damage: list[tuple[int, bytes]] = []  # (text offset of the U+FFFD, the bytes it replaced)
    size, pos = 0, 0
    while True:
        try:
            chunk = data[pos:].decode("utf-8")
        except UnicodeDecodeError as err:
            chunk = data[pos : pos + err.start].decode("utf-8")
            parts += [chunk, "\ufffd"]
            damage.append((size + len(chunk), data[pos + err.start : pos + err.end]))
            size += len(chunk) + 1
            pos += err.end
            continue
        parts.append(chunk)
        break
    text = "".join(parts)
    problems = [
        Problem(file, line_at(text, offset), "invalid-bytes",
                "bytes that are not UTF-8 in a UTF-8 file; replaced by U+FFFD", _hex(raw))
        for offset, raw in damage
    ]
    return Decoded(text, label, problems)


def line_at(text: str, index: int) -> int:
    """The 1-based line of a text offset, counting CRLF, CR and LF as line breaks."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def _byte_line(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _hex(raw: bytes) -> str:
    return "bytes " + " ".join(f"{b:02x}" for b in raw)
