"""PDF forms with ruled tables: spans rebuilt from the cell boxes, wrapped lines kept, titles as text."""

from __future__ import annotations

import pytest

from converter.readers.formats import pdf, read_document
from converter.readers.grid import FormatError, Grid, Text

from ._forms import grids, load, row_texts, texts


def jinan():
    return pdf.read(load("liuan-jinan-2025.pdf"), "jinan.pdf")


def test_title_lines_above_the_grid_are_text_with_their_page():
    doc = jinan()
    kinds = [(type(b).__name__, b.where) for b in doc.blocks]
    assert kinds == [("Text", "page 1")] * 3 + [("Grid", "page 1, table 1")] + [("Text", "page 2")] * 3 + [
        ("Grid", "page 2, table 1")]
    assert [t.text for t in texts(doc)][:2] == ["项目支出绩效目标表", "(2025年度)"]
    assert texts(doc)[3].page == 2 and grids(doc)[1].page == 2


def test_spans_are_rebuilt_from_the_cell_boxes():
    grid = grids(jinan())[0]
    assert grid.width == 5 and len(grid.rows) == 19
    assert row_texts(grid, 0) == ["项目名称", "2025金安国际网球公开赛(国际系列赛事)"]
    assert grid.rows[0][4].origin == (0, 1)
    assert [c.text for c in grid.rows[3]] == ["项目资金\n(万元)", "年度资金总额:", "年度资金总额:", "1000.00", "1000.00"]
    assert grid.rows[5][0].origin == (3, 0) and row_texts(grid, 5) == ["其他资金", "0.00"]
    assert [grid.rows[r][0].text for r in (7, 12, 18)] == ["绩\n效\n指\n标"] * 3
    assert grid.rows[18][0].origin == (7, 0)
    assert [grid.rows[r][1].text for r in range(8, 14)] == ["产出指标"] * 6
    assert grid.rows[13][1].origin == (8, 1)
    assert row_texts(grid, 18) == ["满意度指标", "满意度指标", "群众满意度", "≥95%"]
    assert grid.rows[9][3].where == "page 1, table 1, row 10, column 4" and grid.rows[9][3].text == "打造品牌赛事种类"


def test_text_wrapped_in_a_cell_keeps_its_line_breaks():
    grid = grids(jinan())[0]
    assert grid.rows[1][0].text == "主管部门\n及代码"  # the narrow label column wraps it
    assert grid.rows[14][3].text.replace("\n", "") == "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合"
    assert "\n" in grid.rows[14][3].text


def test_the_pdf_gives_the_grid_of_the_html_page():
    page = grids(read_document(load("liuan-jinan-2025.html"), "jinan.html"))
    printed = grids(jinan())
    # the PDF grid is the page's from 项目名称 on (the title rows are text above it), empty rows left out
    for html_grid, pdf_grid, first, last in ((page[0], printed[0], 4, 23), (page[1], printed[1], 4, 13)):
        assert len(pdf_grid.rows) == last - first
        for r in range(first, last):
            assert [(c.text.replace("\n", ""), c.origin and (c.origin[0] - first, c.origin[1]))
                    for c in html_grid.rows[r]] == [
                (c.text.replace("\n", ""), c.origin) for c in pdf_grid.rows[r - first]]


@pytest.mark.parametrize(("name", "code", "where"), [
    ("bad/scanned.pdf", "no-text-layer", "page 1"),
    ("bad/encrypted.pdf", "encrypted", "document"),
])
def test_refused(name, code, where):
    with pytest.raises(FormatError) as err:
        read_document(load(name), name.split("/")[-1])
    assert (err.value.code, err.value.where) == (code, where)
    if code == "no-text-layer":
        assert err.value.message.startswith("no text layer (a scanned document?)")


def test_a_cut_pdf_is_refused():
    data = load("liuan-jinan-2025.pdf")
    with pytest.raises(FormatError) as err:
        read_document(data[:2000], "cut.pdf")
    assert err.value.code == "damaged-file"
