"""Excel workbooks: a grid per sheet, merged ranges expanded, the printed text of each cell.

Expected texts are the excerpts' (shared/data/samples/, named in each fixture's properties and in
tests/data/forms/make.py); numbers are stored as numbers with a number format, so the printed
text (1000.00, 100%) is what the format makes of them.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from converter.readers.formats import read_document, xlsx
from converter.readers.grid import FormatError

from ._forms import grids, load, row_texts


def jinan():
    return xlsx.read(load("liuan-jinan-2025.xlsx"), "liuan-jinan-2025.xlsx")


def test_the_fixture_stores_numbers_not_text():
    ws = openpyxl.load_workbook(io.BytesIO(load("liuan-jinan-2025.xlsx")))["金安国际网球公开赛"]
    assert ws["D8"].value == 1000 and ws["D8"].number_format == "0.00"
    assert ws["E15"].value == 1 and ws["E15"].number_format == "0%"
    assert "A12:A23" in {str(r) for r in ws.merged_cells.ranges}


def test_one_grid_per_sheet_named_by_the_sheet():
    doc = jinan()
    assert doc.format == "xlsx"
    assert [g.where for g in grids(doc)] == ["金安国际网球公开赛", "安徽省常规赛费用"]
    assert row_texts(grids(doc)[1], 4) == ["项目名称", "安徽省常规赛费用"]


def test_printed_numbers():
    grid = grids(jinan())[0]
    assert grid.rows[7][3].text == "1000.00" and grid.rows[7][3].where == "金安国际网球公开赛!D8"
    assert grid.rows[9][3].text == "0.00"
    assert grid.rows[14][4].text == "100%" and grid.rows[15][4].text == "100%"
    assert grids(jinan())[1].rows[7][3].text == "1200.00"


def test_merged_cells_carry_the_origin():
    grid = grids(jinan())[0]
    assert [grid.rows[r][0].text for r in (11, 16, 22)] == ["绩\n效\n指\n标"] * 3
    assert grid.rows[22][0].origin == (11, 0) and grid.rows[11][0].is_origin
    assert grid.rows[7][4].text == "1000.00" and grid.rows[7][4].origin == (7, 3)
    assert grid.rows[8][0].where == "金安国际网球公开赛!A9" and grid.rows[8][0].origin == (7, 0)
    assert [grid.rows[r][1].text for r in range(12, 18)] == ["产出指标"] * 6
    assert grid.rows[18][1].text == "效益指标" and grid.rows[18][1].origin == (18, 1)
    assert grid.rows[21][3].text == "打造金安国际网球\n公开赛等系列品牌赛事"
    assert row_texts(grid, 22) == ["满意度指标", "满意度指标", "群众满意度", "≥95%"]


def test_guangdong_transposed_grid_and_line_breaks():
    doc = xlsx.read(load("guangdong-edu-fund-2021.xlsx"), "gd.xlsx")
    grid = grids(doc)[0]
    assert grid.where == "绩效目标表"
    assert [c.text for c in grid.rows[2]][:3] == ["战略领域", "财政事权", "政策任务"]
    assert grid.rows[2][3].text == "省级业务主管部\n门" and grid.rows[2][3].origin == (1, 3)
    assert [c.text for c in grid.rows[3]][:6] == [
        "教育发展专项资金", "高等教育“冲一流、补短板、强特色”", "支持粤东粤西粤北地区新建高校", "广东省教育厅", "专项资金",
        "2020年-2022年"]
    assert row_texts(grid, 4) == ["资金需求(万\n元)", "2021年金额", "一般公共预算安排77300万元"]
    assert [c.text for c in grid.rows[10]][:4] == ["年度目标值", "7", "100%", "100%"]
    assert [c.text for c in grid.rows[11]] == ["实施周期目标值", "7", "100%", "100%", "不断提升", "弥补我省高等教\n育不平衡", "持续"]
    assert grid.rows[11][2].where == "绩效目标表!C12"


def test_guangxi_workbook_matches_its_web_page():
    book = grids(xlsx.read(load("guangxi-gxglmes-2021.xlsx"), "gx.xlsx"))[0]
    page = grids(read_document(load("guangxi-gxglmes-2021-sheet001.htm"), "sheet001.htm"))[0]
    assert book.rows[26][2].text == "5" and book.rows[27][2].text == "15"
    # the same cells, but for Excel's &nbsp; in the empty cells of the web page and its hidden last row
    for r in range(len(book.rows)):
        assert [c.text for c in book.rows[r]] == [c.text.replace("\u00a0", "") for c in page.rows[r]]


def test_composed_indicator_sheet():
    grid = grids(xlsx.read(load("indicators-composed.xlsx"), "ind.xlsx"))[0]
    assert [c.text for c in grid.rows[0]] == [
        "项目名称", "一级指标", "二级指标", "三级指标名称", "计算符号", "年度指标值", "计量单位", "指标解释", "绩效标准"]
    assert [c.text for c in grid.rows[6]][3:7] == ["项目总成本", "≤", "1000", "万元"]
    assert len(grid.rows) == 12


def test_macros_are_noted_and_the_values_read():
    doc = read_document(load("bad/macros.xlsm"), "macros.xlsm")
    assert ("workbook", "macros") in [(n[0], n[1]) for n in doc.notes]
    assert grids(doc)[0].rows[7][3].text == "1000.00"


def test_two_header_rows_are_read_as_they_are():
    grid = grids(read_document(load("bad/two-header-rows.xlsx"), "two.xlsx"))[0]
    assert [c.text for c in grid.rows[0]] == ["项目名称", "指标", "指标", "指标", "计算符号", "指标值", "指标值"]
    assert [c.text for c in grid.rows[1]] == ["项目名称", "一级指标", "二级指标", "三级指标名称", "计算符号", "年度指标值", "计量单位"]
    assert grid.rows[1][0].origin == (0, 0)


def _book(fill) -> bytes:
    wb = openpyxl.Workbook()
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_number_formats_as_printed():
    def fill(wb):
        ws = wb.active
        ws.title = "Sheet1"
        cases = [(1234567.891, "#,##0.00"), (0.955, "0.0%"), (16.0, "General"), (112, '0"万元"'),
                 (dt.datetime(2025, 3, 1), 'yyyy"年"m"月"d"日"'), (dt.datetime(2023, 7, 1), "yyyy.mm"),
                 (-5.5, "#,##0.00;[Red]-#,##0.00"), (0, '0.00;-0.00;"-"'), (10606.7522, "0.0000"),
                 (2.675, "0.00"), (0.1 + 0.2, "General"), (True, "General")]
        for i, (value, fmt) in enumerate(cases, 1):
            ws.cell(row=i, column=1, value=value).number_format = fmt
    grid = grids(xlsx.read(_book(fill), "f.xlsx"))[0]
    assert [r[0].text for r in grid.rows] == [
        "1,234,567.89", "95.5%", "16", "112万元", "2025年3月1日", "2023.07", "-5.50", "-", "10606.7522",
        "2.68", "0.3", "TRUE"]


def test_formula_without_cached_value_is_noted():
    def fill(wb):
        ws = wb.active
        ws.title = "表1"
        ws["A1"] = 3
        ws["B1"] = "=A1*2"  # openpyxl writes no cached value
    doc = xlsx.read(_book(fill), "f.xlsx")
    assert [c.text for c in grids(doc)[0].rows[0]] == ["3"]
    assert ("表1!B1", "formula-without-value") in [(n[0], n[1]) for n in doc.notes]
    assert [n[3] for n in doc.notes if n[1] == "formula-without-value"] == ["=A1*2"]


def test_hidden_sheet_is_read_with_a_note():
    def fill(wb):
        wb.active["A1"] = "项目名称"
        hidden = wb.create_sheet("隐藏")
        hidden["B2"] = "x"
        hidden.sheet_state = "hidden"
    doc = xlsx.read(_book(fill), "h.xlsx")
    assert grids(doc)[1].rows[1][1].text == "x" and grids(doc)[1].rows[1][1].where == "隐藏!B2"
    assert ("隐藏", "hidden-sheet") in [(n[0], n[1]) for n in doc.notes]


def test_damaged_zip_is_refused():
    with pytest.raises(FormatError) as err:
        read_document(load("bad/cut-download.xlsx"), "cut-download.xlsx")
    assert (err.value.code, err.value.where) == ("damaged-zip", "byte 0")
    assert str(err.value).startswith("cut-download.xlsx:byte 0: a damaged ZIP file")


def test_a_value_under_a_merge_is_noted_and_a_merge_over_whole_columns_is_clipped():
    import zipfile

    def fill(wb):
        ws = wb.active
        ws.title = "S"
        ws["A1"], ws["A2"], ws["B3"] = "项目资金", "旧值", "年度资金总额:"
    # openpyxl drops values under the merges it makes; other writers keep them: merge in the XML
    src = zipfile.ZipFile(io.BytesIO(_book(fill)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</sheetData>", b'</sheetData><mergeCells count="2"><mergeCell ref="A1:A3"/>'
                                    b'<mergeCell ref="C1:C1048576"/></mergeCells>')
            dst.writestr(info, body)
    doc = xlsx.read(out.getvalue(), "m.xlsx")
    grid = grids(doc)[0]
    assert len(grid.rows) == 3 and grid.width == 3
    assert [r[0].text for r in grid.rows] == ["项目资金"] * 3
    assert ("S!A2", "merged-over-value", "旧值") in [(n[0], n[1], n[3]) for n in doc.notes]
    assert grid.rows[2][2].origin == (0, 2)
