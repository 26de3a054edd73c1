"""HTML pages: every <table> a grid (spans expanded with their origin), text outside tables in order.

Expected texts are copied from the excerpts in shared/data/samples/ (named in each fixture), not
from the reader's output; positions follow the grid written in tests/data/forms/make.py.
"""

from __future__ import annotations

from converter.readers.formats import html, read_document
from converter.readers.grid import Grid, Text

from ._forms import grids, load, row_texts, texts


def jinan():
    return html.read(load("liuan-jinan-2025.html"), "liuan-jinan-2025.html")


def test_two_forms_are_two_grids_in_page_order():
    doc = jinan()
    first, second = grids(doc)
    assert (first.where, second.where) == ("table 1", "table 2")
    assert row_texts(first, 4) == ["项目名称", "2025金安国际网球公开赛(国际系列赛事)"]
    assert row_texts(second, 4) == ["项目名称", "安徽省常规赛费用"]
    assert doc.format == "html" and len(doc.sha256) == 64


def test_rowspan_fills_covered_positions_with_the_origin_text():
    grid = grids(jinan())[0]
    # 绩效指标 spans the header and the 11 indicator rows (rows 12..23 of the grid)
    label = [grid.rows[r][0] for r in range(11, 23)]
    assert {c.text for c in label} == {"绩\n效\n指\n标"}
    assert all(c.origin == (11, 0) for c in label)
    assert label[0].is_origin and not label[5].is_origin
    # 产出指标 over six rows, then 效益指标 over four
    assert [grid.rows[r][1].text for r in range(12, 23)] == ["产出指标"] * 6 + ["效益指标"] * 4 + ["满意度指标"]
    assert grid.rows[17][1].origin == (12, 1)
    assert grid.rows[22][1].origin is None  # 满意度指标 is not merged
    # 数量指标 over two rows, 质量指标 over two
    assert [grid.rows[r][2].text for r in (12, 13, 14, 15)] == ["数量指标", "数量指标", "质量指标", "质量指标"]
    assert grid.rows[13][2].origin == (12, 2)


def test_colspan_and_indicator_rows():
    grid = grids(jinan())[0]
    assert [c.text for c in grid.rows[7]] == ["项目资金\n(万元)", "年度资金总额:", "年度资金总额:", "1000.00", "1000.00"]
    assert grid.rows[7][4].origin == (7, 3)
    assert grid.rows[9][0].text == "项目资金\n(万元)" and grid.rows[9][0].origin == (7, 0)
    assert row_texts(grid, 9)[-2:] == ["其他资金", "0.00"]
    assert row_texts(grid, 13) == ["打造品牌赛事种类", "1种"]
    assert [c.text for c in grid.rows[18]][2:] == [
        "经济效益指标", "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合", "经济效益良好"]
    assert grid.rows[21][3].text == "打造金安国际网球\n公开赛等系列品牌赛事"  # <br> inside a cell
    assert [c.text for c in grid.rows[22]][1:] == ["满意度指标", "满意度指标", "群众满意度", "≥95%"]


def test_empty_rows_are_kept_as_empty_cells():
    grid = grids(jinan())[0]
    assert len(grid.rows) == 25 and grid.width == 5
    assert [c.text for c in grid.rows[23]] == [""] * 5
    assert [c.text for c in grid.rows[24]] == [""] * 5  # a 4-cell row, padded
    assert grid.rows[24][4].where == "table 1, row 25, column 5"


def test_cut_form_keeps_what_it_has():
    second = grids(jinan())[1]
    assert len(second.rows) == 13
    assert row_texts(second, 12) == ["产出指标", "数量指标", "", ""]
    assert second.rows[12][0].text == "绩\n效\n指\n标" and second.rows[12][0].origin == (11, 0)


def test_where_names_table_row_and_column():
    grid = grids(jinan())[1]
    cell = grid.rows[7][3]
    assert (cell.text, cell.where) == ("1200.00", "table 2, row 8, column 4")


def test_text_blocks_before_and_after_the_table_in_order():
    doc = html.read(load("jinzhai-kaifaqu-2021.html"), "jinzhai.html")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Text", "Text", "Text", "Grid", "Text", "Text"]
    assert [t.text for t in texts(doc)] == [
        "金寨经济开发区2021年度项目支出绩效目标申报表", "项目支出绩效目标申报表", "(2021年度)",
        "注: 1.“其他资金”是指与财政拨款共同用于同一项目的单位自有资金、社会资金等。",
        "2.各单位可根据项目特点自行增加或减少二级指标,并细化"]
    assert texts(doc)[2].where == "paragraph 3"


def test_nbsp_is_kept_and_the_grid_of_jinzhai():
    grid = grids(html.read(load("jinzhai-kaifaqu-2021.html"), "jinzhai.html"))[0]
    assert grid.rows[2][0].text == "项目资金\u00a0\u00a0\u00a0 (万元)"
    assert row_texts(grid, 2)[1:] == ["年度资金总额:", "1125"]
    assert row_texts(grid, 1) == ["主管部门", "县财政局", "实施单位", "安徽金寨经济开发区管理委员会"]
    assert row_texts(grid, 10)[-2:] == ["指标1:项目总成本(≤**万元)", "≤1125万元"]
    assert [c.text for c in grid.rows[15]] == ["绩效指标", "满意度指标", "服务对象满意度指标", "指标1:小区居民满意度(≥**%)", "≥90%"]
    assert grid.rows[15][0].origin == (6, 0)


def test_narrative_then_a_cut_form():
    doc = html.read(load("liuan-yeji-2025.html"), "yeji.html")
    narrative = texts(doc)
    assert len(narrative) == 2
    assert narrative[0].text.startswith("1.“文化中心运营专项经费”项目。 (1)项目概述。")
    assert narrative[1].text.endswith("推动地区文旅体工作质量不断提高。")
    assert "(6)年度预算安排。财政拨款306.18万元。" in narrative[1].text
    (grid,) = grids(doc)
    assert isinstance(doc.blocks[-1], Grid) and grid.width == 10
    assert row_texts(grid, 2)[:2] == ["项目名称", "快乐健身暖民心建设资金"]
    assert [c.text for c in grid.rows[3]][:3] == ["主管部门及代码", "[027]六安市叶集区文化旅游体育", ""]


def test_qingshan_long_and_annual_columns():
    doc = html.read(load("wuhan-qingshan-2020.html"), "qingshan.html")
    assert [t.text for t in texts(doc)] == ["项目支出绩效目标表3", "项目支出绩效目标表", "2020年度)"]
    grid = grids(doc)[0]
    assert grid.width == 7
    assert [c.text for c in grid.rows[9]] == [
        "一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)"]
    assert [c.text for c in grid.rows[10]] == ["产出指标", "数量指标", "", "", "数量指标", "重点建设工程安排数量", "2"]
    assert [c.text for c in grid.rows[16]] == [
        "满意度指标", "服务对象满意度指标", "", "", "服务对象满意度指标", "学生、家长、社会满意度", "≥90%"]
    assert grid.rows[1][0].text == "主管部门\n及编码"
    assert row_texts(grid, 3) == ["项目资金", "资金总额", "10000万元", "当年资金总额:", "10000万元"]
    assert grid.rows[7][0].text == "总体目标" and grid.rows[7][0].origin == (6, 0)
    assert grid.rows[2][5].text == "202001-202012"


def test_longyan_two_tables_with_their_titles():
    doc = html.read(load("longyan-2023.html"), "longyan.html")
    kinds = [(type(b).__name__, getattr(b, "text", None)) for b in doc.blocks]
    assert kinds == [("Text", "附件1"), ("Text", "2023年省级基础教育质量提升专项资金安排表"), ("Grid", None),
                     ("Text", "附件2"), ("Text", "基础教育质量提升专项资金绩效目标表"), ("Text", "(2023年度)"),
                     ("Grid", None)]
    allocation, form = grids(doc)
    assert [c.text for c in allocation.rows[2]] == ["龙岩市本级合计", "112", "50", "12", "50"]
    assert [c.text for c in allocation.rows[7]] == ["龙岩一中", "50", "", "", "50"]
    assert row_texts(form, 2)[1:] == ["资金总额:", "112万元"]
    assert [c.text for c in form.rows[6]][5:] == ["区域目标质"] * 3
    assert form.rows[8][2].text == "数量指标" and form.rows[8][2].origin == (7, 2)
    assert form.rows[8][3].text == "支持国家基础"


def test_excel_web_page_in_gb2312():
    data = load("guangxi-gxglmes-2021-sheet001.htm")
    assert "财政支出".encode("gb18030") in data  # the file really is GB-encoded
    doc = read_document(data, "sheet001.htm")
    assert doc.format == "html"
    grid = grids(doc)[0]
    assert grid.rows[0][0].text == "财政支出绩效目标申报表" and grid.rows[0][5].origin == (0, 0)
    assert [c.text for c in grid.rows[25]] == [
        "一级指标", "二级指标", "分值", "指标内容(150字内)", "指标值(150字内)", "评分细则(150字内)"]
    assert row_texts(grid, 26)[:3] == ["投入指标", "资金到位率", "5"]
    assert grid.rows[27][0].text == "投入指标" and grid.rows[27][0].origin == (26, 0)
    assert grid.rows[29][3].text == ("①是否符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定;\n②资金的拨付是否有")
    assert grid.rows[15][1].text == "上年结余收入:"
    assert grid.rows[3][1].text == "\u00a0"  # an empty Excel cell is written as &nbsp;
    assert all(not isinstance(b, Text) for b in doc.blocks)  # the <script> and <style> are not text


def test_nested_table_is_its_own_grid_after_its_parent():
    page = ("<html><body><table><tr><td>项目名称</td><td>物业管理</td></tr>"
            "<tr><td>绩效指标</td><td>说明<table><tr><td>一级指标</td><td>指标值</td></tr>"
            "<tr><td>产出指标</td><td>8个</td></tr></table></td></tr></table><p>注</p></body></html>")
    doc = html.read(page.encode("utf-8"), "nested.html")
    outer, inner = grids(doc)
    assert outer.rows[1][1].text == "说明"  # the nested table's text is not pasted into the cell
    assert inner.where == "table 2 (inside table 1, row 2, column 2)"
    assert [c.text for c in inner.rows[1]] == ["产出指标", "8个"]
    assert inner.rows[1][1].where == "table 2, row 2, column 2"
    assert isinstance(doc.blocks[-1], Text) and doc.blocks[-1].text == "注"


def test_spans_past_the_last_row_are_clipped_and_blocks_break_lines():
    page = ("<table><tr><td rowspan=9>a</td><td><p>第一段</p><p>第二段</p></td></tr>"
            "<tr><td colspan=2 style='mso-ignore:colspan'>溢出</td></tr></table>")
    grid = grids(html.read(page.encode("utf-8"), "x.html"))[0]
    assert len(grid.rows) == 2
    assert grid.rows[0][1].text == "第一段\n第二段"
    # a colspan Excel marks as mso-ignore is text overflowing into an empty cell, not a merge
    assert [(c.text, c.origin) for c in grid.rows[1]] == [("a", (0, 0)), ("溢出", None), ("", None)]


def test_meta_charset_and_gb18030_fallback():
    body = "<html><head><meta charset='gbk'></head><body><p>项目支出绩效目标表</p></body></html>"
    doc = html.read(body.encode("gb18030"), "gbk.html")
    assert [t.text for t in texts(doc)] == ["项目支出绩效目标表"]
    undeclared = "<html><body><p>主管部门</p></body></html>".encode("gb18030")
    assert texts(html.read(undeclared, "x.html"))[0].text == "主管部门"
