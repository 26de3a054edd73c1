"""Damaged files: every fixture cut or with bytes overwritten is read, or refused with one FormatError.

Never a traceback from the libraries underneath (zlib.error from a damaged .docx, struct.error and
IndexError from a damaged .xls, AssertionError from a damaged OLE2 directory were seen before the
readers guarded them), and nothing on stderr (pdfminer logs its repairs as warnings).
"""

from __future__ import annotations

import random

import pytest

from converter.readers.formats import read_document
from converter.readers.grid import Document, FormatError

from ._forms import FORMS

FIXTURES = sorted(p.relative_to(FORMS).as_posix() for p in FORMS.rglob("*")
                  if p.is_file() and p.suffix not in (".py",) and p.stat().st_size > 0)


def _cut(data: bytes, k: int) -> bytes:
    return data[: max(1, len(data) * k // 5)]


def _overwrite(data: bytes, k: int) -> bytes:
    rng = random.Random(k)
    out = bytearray(data)
    for _ in range(8):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _hole(data: bytes, k: int) -> bytes:
    rng = random.Random(100 + k)
    i = rng.randrange(max(1, len(data) - 64))
    return data[:i] + data[i + 64:]


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize(("damage", "k"), [(_cut, 1), (_cut, 3), (_overwrite, 1), (_overwrite, 2), (_hole, 1), (_hole, 2)])
def test_read_or_refused_in_one_line(name, damage, k, capsys):
    data = damage((FORMS / name).read_bytes(), k)
    try:
        doc = read_document(data, name)
    except FormatError as err:
        assert err.code in {"damaged-file", "damaged-zip", "encrypted", "no-text-layer", "legacy-word",
                            "unsupported-format", "not-text", "empty-file"}
        assert "\n" not in str(err)
        assert str(err).startswith(f"{name}:")
    else:
        assert isinstance(doc, Document)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_a_damaged_docx_member_names_the_format():
    data = (FORMS / "hubei-ezhou-2022.docx").read_bytes()
    rng = random.Random(3)
    broken = bytearray(data)
    start = data.index(b"word/document.xml") + 40  # inside the compressed document part
    for i in range(start, start + 200, 7):
        broken[i] = rng.randrange(256)
    with pytest.raises(FormatError) as err:
        read_document(bytes(broken), "ezhou.docx")
    assert err.value.code in {"damaged-file", "damaged-zip"}
