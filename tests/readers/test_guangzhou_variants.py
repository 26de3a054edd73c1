"""The Guangzhou table printed in 元, with its columns in another order, or titled another way: the same money.

Each variant is made here from the bundled table by a plain text edit (amounts
times 10,000 and printed as 元; columns swapped in the header and in every
row), so the expected amounts are the original table's, read by the same
reader before the edit: a wrong unit or a column read in the standard order
shows up as a different number.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from converter.reader import TableError, read_table_bytes

SOURCE = Path(__file__).resolve().parents[2] / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def _money(table) -> dict[tuple[str, str, int], tuple]:
    """(unit, project, line) → (total, by source) for every row."""
    out = {}
    for d in table.departments:
        out[("合计", "", d.total.line)] = (d.total.amounts.total, dict(d.total.amounts.by_source))
        for u in d.units:
            out[(u.name, "", u.line)] = (u.amounts.total, dict(u.amounts.by_source))
            for p in u.projects:
                out[(u.name, p.name, p.line)] = (p.amounts.total, dict(p.amounts.by_source))
    return out


@pytest.fixture(scope="module")
def original():
    return read_table_bytes(SOURCE.read_bytes(), SOURCE.name)


def _edit(transform) -> bytes:
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    return "\n".join(transform(line) for line in lines).encode("utf-8")


def _yuan(line: str) -> str:
    if line.startswith("单位："):
        return "单位：元"
    cells = line.split("\t")
    if len(cells) != 7:
        return line
    for i in range(1, 5):
        text = cells[i].strip()
        if AMOUNT.match(text):
            cells[i] = f"{Decimal(text.replace(',', '')) * 10000:,.2f}"
    return "\t".join(cells)


def test_yuan_table_gives_the_same_amounts_in_wanyuan(original):
    variant = read_table_bytes(_edit(_yuan), "yuan.txt")
    assert _money(variant) == _money(original)
    # 市就业补助资金（越秀区）: 8,132.03 万元 as printed in the source, 81,320,300.00 元 in the variant
    project = next(p for d in variant.departments for u in d.units for p in u.projects if p.name == "市就业补助资金（越秀区）")
    assert project.amounts.total == Decimal("8132.03")
    assert project.amounts.printed_unit == "元"
    assert project.amounts.printed_text("total") == "81,320,300.00"
    assert [p.code for p in variant.problems if p.code == "amount-unit"] == ["amount-unit"]


def _swap(a: int, b: int):
    def transform(line: str) -> str:
        cells = line.split("\t")
        if len(cells) != 7:
            return line
        cells[a], cells[b] = cells[b], cells[a]
        return "\t".join(cells)
    return transform


@pytest.mark.parametrize("a, b", [(2, 3), (0, 6), (1, 5)], ids=["专户-before-财政拨款", "text-columns-first", "goal-before-total"])
def test_reordered_columns_are_read_by_name(original, a, b):
    variant = read_table_bytes(_edit(_swap(a, b)), "reordered.txt")
    assert _money(variant) == _money(original)
    assert "header-reordered" in {p.code for p in variant.problems}
    first = variant.departments[0].units[0].projects[0]
    ref = original.departments[0].units[0].projects[0]
    assert (first.name, first.goal, first.indicator_text) == (ref.name, ref.goal, ref.indicator_text)


def test_unknown_amount_column_is_an_error_naming_it():
    data = _edit(lambda line: line.replace("\t财政专户拨款\t", "\t上级资金\t") if line.startswith("项目名称") else line)
    with pytest.raises(TableError, match="上级资金"):
        read_table_bytes(data, "unknown-column.txt")


def test_missing_amount_column_is_an_error_naming_it():
    def drop(line: str) -> str:
        cells = line.split("\t")
        return "\t".join(cells[:4] + cells[5:]) if len(cells) == 7 else line
    with pytest.raises(TableError, match="其他资金"):
        read_table_bytes(_edit(drop), "missing-column.txt")


def test_title_with_the_year_on_the_next_line(original):
    def retitle(line: str) -> str:
        if line.startswith("广州市人力资源和社会保障局2024年项目支出绩效目标表"):
            return "项目支出绩效目标表\n(2024年度)"
        return line
    variant = read_table_bytes(_edit(retitle), "title.txt")
    assert [(d.name, d.year) for d in variant.departments] == [("广州市人力资源和社会保障局", 2024)]
    # one line more (the year's own line): the same rows with the same money, in order
    assert list(_money(variant).values()) == list(_money(original).values())


def test_declaration_form_title_spelling():
    data = _edit(lambda line: line.replace("2024年项目支出绩效目标表（含转移支付项目）", "2024年度项目支出绩效目标申报表"))
    variant = read_table_bytes(data, "申报表.txt")
    assert variant.departments[0].year == 2024
    assert variant.departments[0].title == "广州市人力资源和社会保障局2024年度项目支出绩效目标申报表"
