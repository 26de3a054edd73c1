"""Old .xls workbooks: merged cells and printed numbers, as for .xlsx."""

from __future__ import annotations

import pytest

from converter.readers.formats import read_document, xls
from converter.readers.grid import FormatError

from ._forms import grids, load, row_texts


def test_sheets_merges_and_printed_numbers():
    doc = read_document(load("liuan-jinan-2025.xls"), "jinan.xls")
    assert doc.format == "xls"
    first, second = grids(doc)
    assert (first.where, second.where) == ("金安国际网球公开赛", "安徽省常规赛费用")
    assert first.rows[7][3].text == "1000.00" and first.rows[7][3].where == "金安国际网球公开赛!D8"
    assert first.rows[14][4].text == "100%"
    assert first.rows[9][3].text == "0.00"
    assert first.rows[20][0].text == "绩\n效\n指\n标" and first.rows[20][0].origin == (11, 0)
    assert first.rows[7][4].origin == (7, 3)
    assert row_texts(first, 21) == ["可持续影响指标", "打造金安国际网球\n公开赛等系列品牌赛事", "影响可持续"]
    assert second.rows[7][3].text == "1200.00"


def test_the_fixture_really_is_biff():
    data = load("liuan-jinan-2025.xls")
    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


def test_a_word_file_is_not_taken_for_a_workbook():
    with pytest.raises(FormatError) as err:
        xls.read(load("bad/word-97.doc"), "word-97.doc")
    assert err.value.code == "damaged-file" and err.value.where == "workbook"
