"""CSV/TSV/plain text: one grid, cells named by line and column."""

from __future__ import annotations

from pathlib import Path

from converter.readers.formats import read_document, text

from ._forms import grids, load

BUNDLED = Path(__file__).resolve().parents[3] / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


def test_composed_csv_of_one_row_per_indicator():
    doc = read_document(load("indicators-composed.csv"), "indicators.csv")
    assert doc.format == "csv"
    grid = grids(doc)[0]
    assert [c.text for c in grid.rows[0]][3:7] == ["三级指标名称", "计算符号", "年度指标值", "计量单位"]
    # a field with a comma is quoted in the file and whole in the grid
    assert grid.rows[7][3].text == "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合"
    assert grid.rows[11][5].text == "95" and grid.rows[11][4].text == "≥"
    assert grid.rows[11][5].where == "line 12, column 6"


def test_bundled_table_is_tab_separated():
    doc = text.read(BUNDLED.read_bytes(), "gz.txt")
    assert doc.format == "tsv"
    grid = grids(doc)[0]
    assert grid.width == 7
    assert grid.rows[8][0].text == "项目名称（资金使用单位）" and grid.rows[8][0].where == "line 9, column 1"
    assert [c.text for c in grid.rows[9]][:5] == ["合计", "746,104.10", "738,573.69", "", "7,530.41"]


def test_quoted_line_break_keeps_the_line_of_the_record():
    data = '项目名称,绩效目标\n"物业管理","目标1:\n维护小区"\n滨湖,保障\n'.encode("gb18030")
    grid = grids(text.read(data, "q.csv"))[0]
    assert grid.rows[1][1].text == "目标1:\n维护小区"
    assert grid.rows[2][0].where == "line 4, column 1"


def test_plain_lines_are_one_column():
    grid = grids(text.read("项目支出绩效目标表\n(2025年度)\n".encode(), "t.txt"))[0]
    assert [(r[0].text, r[0].where) for r in grid.rows] == [("项目支出绩效目标表", "line 1"), ("(2025年度)", "line 2")]
