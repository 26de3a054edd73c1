"""The format is told by the content, whatever the file is called; what cannot be read is refused in one line."""

from __future__ import annotations

import pytest

from converter.readers.formats import read_document, sniff, stream_document
from converter.readers.grid import FormatError, Grid

from ._forms import load


@pytest.mark.parametrize(("name", "kind"), [
    ("liuan-jinan-2025.html", "html"),
    ("guangxi-gxglmes-2021-sheet001.htm", "html"),
    ("liuan-jinan-2025.xlsx", "xlsx"),
    ("bad/macros.xlsm", "xlsx"),
    ("indicators-composed.csv", "text"),
])
def test_sniff_by_content(name, kind):
    assert sniff(load(name), "renamed.bin") == kind


def test_a_workbook_named_doc_is_still_a_workbook():
    assert sniff(load("liuan-jinan-2025.xlsx"), "form.doc") == "xlsx"


@pytest.mark.parametrize(("name", "code", "where", "says"), [
    ("bad/word-97.doc", "legacy-word", "document", "save it as .docx"),
    ("bad/encrypted.xlsx", "encrypted", "document", "remove the password"),
    ("bad/cut-download.xlsx", "damaged-zip", "byte 0", "damaged ZIP"),
    ("bad/empty.html", "empty-file", "line 1", "empty"),
])
def test_refused_with_code_and_where(name, code, where, says):
    with pytest.raises(FormatError) as err:
        read_document(load(name), name.split("/")[-1])
    assert (err.value.code, err.value.where) == (code, where)
    assert says in err.value.message
    assert "\n" not in str(err.value)


def test_zip_that_is_neither_workbook_nor_document():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(FormatError) as err:
        sniff(out.getvalue(), "a.zip")
    assert err.value.code == "unsupported-format"


def test_stream_document_yields_sheets_and_collects_notes():
    doc, blocks = stream_document(load("bad/macros.xlsm"), "macros.xlsm")
    assert doc.blocks == [] and doc.format == "xlsx"
    first = next(blocks)
    assert isinstance(first, Grid) and first.where == "金安国际网球公开赛"
    assert [n[1] for n in doc.notes] == ["macros"]
