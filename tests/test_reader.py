"""The reader on the bundled table: structure and counts.

Every expected figure was checked against the source by a route other than the
reader: awk over the tab-separated file, e.g. units = rows of 7 cells whose goal
and indicator cells are empty (and not 合计, not the header):

    awk -F'\\t' 'NF==7 && $1!="项目名称（资金使用单位）" && $1!="合计" { if ($6==""&&$7=="") u++; else p++ }
                 END { print u, p }' data/guangzhou-hrss-2024-project-performance-goals.txt   # 17 258
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from converter.reader import read_table_bytes, TableError


def test_one_department_2024(table):
    assert [(d.name, d.year) for d in table.departments] == [("广州市人力资源和社会保障局", 2024)]


def test_pages_counted_by_title_lines(table):
    # grep -c '项目支出绩效目标表' → 61 title lines, one per page
    assert table.departments[0].pages == 61


def test_department_total_row(table):
    total = table.departments[0].total
    # line 10: 合计	746,104.10	738,573.69		7,530.41
    assert total.line == 10
    assert total.amounts.total == Decimal("746104.10")
    assert dict(total.amounts.by_source) == {
        "fiscal-appropriation": Decimal("738573.69"),
        "other-funds": Decimal("7530.41"),
    }


def test_empty_cell_is_absent_not_zero(table):
    # awk: no row has a value in 财政专户拨款 (column 4)
    rows = [u for u in table.departments[0].units] + [p for u in table.departments[0].units for p in u.projects]
    assert all("special-account-appropriation" not in dict(r.amounts.by_source) for r in rows)


# (unit, number of projects) in source order, counted with awk (see module docstring)
UNITS = [
    ("广州市人力资源和社会保障局", 61),
    ("广州市人力资源市场服务中心", 11),
    ("广州市社会保险基金管理中心", 12),
    ("广州市劳动就业服务管理中心", 9),
    ("广州市干部和人才健康管理中心", 17),
    ("广州市工贸技师学院", 13),
    ("广州市技师学院", 16),
    ("广州市机电技师学院", 13),
    ("广州市轻工技师学院", 12),
    ("广州市交通技师学院", 14),
    ("广州市公用事业技师学院", 15),
    ("广州市职业技术教育研究院（世界技能大赛中国（广州）研究中心）", 8),
    ("广州市劳动人事争议仲裁院", 6),
    ("广州市人力资源和社会保障局数据服务中心", 20),
    ("广州市职业能力建设指导中心", 12),
    ("广州市人事服务中心", 16),
    ("广州市人力资源和社会保障局服务中心", 3),
]


def test_units_in_source_order_with_their_projects(table):
    assert [(u.name, len(u.projects)) for u in table.departments[0].units] == UNITS
    assert sum(n for _, n in UNITS) == 258


def test_project_keeps_line_page_and_text(table, source_lines):
    unit = table.departments[0].units[4]  # 广州市干部和人才健康管理中心
    project = next(p for p in unit.projects if p.name == "购置经费")
    # line 285: 购置经费	958.00	545.00		413.00	…
    assert project.line == 285
    assert source_lines[285].startswith("购置经费\t958.00\t545.00\t\t413.00\t")
    assert project.amounts.total == Decimal("958.00")
    assert dict(project.amounts.by_source) == {"fiscal-appropriation": Decimal("545.00"), "other-funds": Decimal("413.00")}
    assert project.goal == source_lines[285].split("\t")[5]
    assert project.indicator_text == source_lines[285].split("\t")[6]
    # grep -n 项目支出绩效目标表 | awk -F: '$1<285' | wc -l → 22 title lines stand before it
    assert project.page == 22


def test_other_funds_rows(table):
    # awk -F'\t' 'NF==7 && $5!="" && $5!="其他资金"' → 22 rows: 合计, 2 units, 19 projects
    dept = table.departments[0]
    units = [u for u in dept.units if dict(u.amounts.by_source).get("other-funds")]
    projects = [p for u in dept.units for p in u.projects if dict(p.amounts.by_source).get("other-funds")]
    assert [u.name for u in units] == ["广州市干部和人才健康管理中心", "广州市人事服务中心"]
    assert len(projects) == 19


def test_every_bundled_row_is_canonical(table):
    """Every data row of the bundled table is rebuilt byte for byte from its fields."""
    dept = table.departments[0]
    rows = [dept.total] + [r for u in dept.units for r in [u, *u.projects]]
    assert len(rows) == 1 + 17 + 258
    assert [r.line for r in rows if not r.canonical] == []


def _table(body: str) -> bytes:
    header = (
        "广州市某局2025年项目支出绩效目标表（含转移支付项目）\n部门名称：广州市某局\n单位：万元\n"
        "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标\n"
    )
    return (header + body).encode("utf-8")


def test_two_departments_in_one_file():
    second = _table("合计\t1.00\t1.00\t\t\t\t\n广州市某局\t1.00\t1.00\t\t\t\t\n").decode().replace("某局", "另一局")
    data = _table("合计\t2.00\t2.00\t\t\t\t\n广州市某局\t2.00\t2.00\t\t\t\t\n").decode() + second
    table = read_table_bytes(data.encode(), "two.txt")
    assert [(d.name, d.year, d.total.amounts.total) for d in table.departments] == [
        ("广州市某局", 2025, Decimal("2.00")),
        ("广州市另一局", 2025, Decimal("1.00")),
    ]


def test_year_switch_starts_a_new_table():
    first = _table("合计\t2.00\t2.00\t\t\t\t\n").decode()
    data = first + first.replace("2025年", "2026年").replace("2.00", "3.00")
    table = read_table_bytes(data.encode(), "years.txt")
    assert [(d.name, d.year) for d in table.departments] == [("广州市某局", 2025), ("广州市某局", 2026)]


def test_amount_that_is_not_a_number_is_reported_with_its_line():
    table = read_table_bytes(_table("合计\t1,2x3.00\t1.00\t\t\t\t\n"), "bad.txt")
    problem = table.problems[0]
    assert (problem.line, problem.code, problem.found) == (5, "bad-amount", "1,2x3.00")
    assert str(problem).startswith("bad.txt:5: 总计 is not an amount")
    assert table.departments[0].total.canonical is False


def test_file_without_a_table_is_refused():
    with pytest.raises(TableError, match="no table found"):
        read_table_bytes(b"just some words\n", "words.txt")
