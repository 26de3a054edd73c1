"""Word documents: tables (gridSpan and vMerge expanded) and paragraphs, in body order.

Expected texts are the excerpts' (shared/data/samples/, named in each fixture's properties and in
tests/data/forms/make.py).
"""

from __future__ import annotations

import io
import zipfile

import pytest

from converter.readers.formats import docx, read_document
from converter.readers.grid import FormatError, Grid, Text

from ._forms import grids, load, row_texts, texts


def test_the_fixture_uses_word_merges():
    xml = zipfile.ZipFile(io.BytesIO(load("liuan-jinan-2025.docx"))).read("word/document.xml").decode()
    assert '<w:gridSpan w:val="4"/>' in xml and '<w:vMerge w:val="restart"/>' in xml and "<w:vMerge/>" in xml


def test_paragraphs_before_the_table_in_order():
    doc = docx.read(load("hubei-ezhou-2022.docx"), "ezhou.docx")
    assert [type(b).__name__ for b in doc.blocks] == ["Text", "Text", "Text", "Grid"]
    assert [t.text for t in texts(doc)] == ["主管部门审核意见", "单位公章:年月 日", "鄂州市2022年市直部门预算项目支出绩效目标表"]
    assert texts(doc)[2].where == "paragraph 3"


def test_ezhou_grid():
    grid = grids(docx.read(load("hubei-ezhou-2022.docx"), "ezhou.docx"))[0]
    assert grid.where == "table 1" and grid.width == 5
    assert row_texts(grid, 0) == ["项目名称", "滨湖大胆办公大楼运行保障", "项目类别", "本级支出项目"]
    assert [c.text for c in grid.rows[5]] == ["水电气、维修维护费", "524", "根据三定方案,各项费用据实结算", "372.88", "504.55"]
    assert [c.text for c in grid.rows[6]] == ["合计", "814", "", "662.98", "794.55"]
    # 绩效指标 runs down the left of the indicator block (a vMerge over ten rows)
    assert [grid.rows[r][0].text for r in range(8, 17)] == ["绩效指标"] * 9
    assert grid.rows[16][0].origin == (8, 0) and grid.rows[8][0].is_origin
    assert [c.text for c in grid.rows[13]][1:] == ["质量指标", "经常性大型设备更新验收合格率", "反映办公大楼大型设备更新验收情况", "292%"]
    assert grid.rows[13][1].origin == (12, 1)
    assert [c.text for c in grid.rows[15]][2:] == ["成本控制率", "", "不超预算"]
    assert grid.rows[16][4].text == ">" and grid.rows[16][4].where == "table 1, row 17, column 5"


def test_batang_two_indicator_blocks_and_the_cut():
    doc = docx.read(load("hunan-ningxiang-batang-2021.docx"), "batang.docx")
    assert [t.text for t in texts(doc)] == ["项目绩效目标表(2021年度)", "填报单位(盖章):宁乡市坝塘镇人民政府"]
    grid = grids(doc)[0]
    assert grid.width == 6
    assert row_texts(grid, 4) == ["资金总额及构成", "总额", "10606.7522万元"]
    assert grid.rows[5][1].text == "财政拨款:6923.3552万元(其中:上级财政资金:6923.3552万元;本级财政:0万元)"
    assert grid.rows[7][0].text == "资金总额及构成" and grid.rows[7][0].origin == (4, 0)
    assert row_texts(grid, 17) == ["长期绩效指标", "一级指标", "二级指标", "指标内容", "指标值", "备注"]
    assert [c.text for c in grid.rows[18]] == ["长期绩效指标", "产出指标", "数量指标", "88", "100", ""]
    assert [c.text for c in grid.rows[22]][1:3] == ["产出指标", "…"]
    assert [c.text for c in grid.rows[27]] == ["长期绩效指标", "效益指标", "社会公众或服务对象满意度指标", "88", "100", ""]
    assert grid.rows[28][0].text == "年度绩效指标" and grid.rows[28][0].is_origin
    assert [c.text for c in grid.rows[-1]][:3] == ["年度绩效指标", "效益指标", "社会公众或服务对象满意度指"]
    assert grid.rows[-1][1].origin == (34, 1)


def test_tongzhou_lines_of_a_cell():
    grid = grids(docx.read(load("shanghai-tongzhou-2019.docx"), "tz.docx"))[0]
    assert grid.rows[1][1].text == "市委市政府已确定的新增项目□ 结转项目□ 其他一次性项目□\n经常性专项业务费√ 其他经常性项目□"
    assert [c.text for c in grid.rows[3]] == ["开始时间", "2019/1/1", "结束时间", "2019/12/31"]
    assert grid.rows[5][3].text.endswith("以及实际工作需要。") and grid.rows[5][3].origin == (5, 1)


def test_jinan_two_tables_with_an_empty_paragraph_between():
    doc = docx.read(load("liuan-jinan-2025.docx"), "jinan.docx")
    assert [b.where for b in doc.blocks] == ["table 1", "table 2"]  # the empty paragraph is no text block
    first, second = grids(doc)
    assert [c.text for c in first.rows[7]] == ["项目资金\n(万元)", "年度资金总额:", "年度资金总额:", "1000.00", "1000.00"]
    assert row_texts(second, 12) == ["产出指标", "数量指标", "", ""]


def _docx(body: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    out = io.BytesIO()
    document.save(out)
    src = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                start = data.index(b"<w:body>") + len(b"<w:body>")
                data = data[:start] + body.encode() + data[start:]
            dst.writestr(info, data)
    return rebuilt.getvalue()


def test_breaks_tabs_deleted_text_grid_before_and_a_nested_table():
    body = ('<w:p><w:r><w:t>项目资金</w:t><w:br/><w:t>(万元)</w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p></w:tc>'
            '<w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
            '<w:p/></w:tc></w:tr>'
            '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
    doc = docx.read(_docx(body), "x.docx")
    assert [t.text for t in texts(doc)] == ["项目资金", "(万元)"]
    outer, inner = grids(doc)
    assert [c.text for c in outer.rows[0]] == ["a\tb", "外"]
    assert [c.text for c in outer.rows[1]] == ["", "c"]
    assert inner.where == "table 2 (inside table 1, row 1, column 2)" and inner.rows[0][0].text == "内"


def test_a_damaged_docx_is_refused():
    data = load("liuan-jinan-2025.docx")
    with pytest.raises(FormatError) as err:
        read_document(data[: len(data) // 2], "cut.docx")
    assert err.value.code == "damaged-zip"
