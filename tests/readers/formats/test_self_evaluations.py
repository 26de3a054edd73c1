"""The self-evaluation fixtures (a later layout) read in their formats: HTML, .xlsx, PDF."""

from __future__ import annotations

from pathlib import Path

from converter.readers.formats import read_document

from ._forms import grids, row_texts, texts

HERE = Path(__file__).resolve().parents[2] / "data" / "self-evaluations"


def _doc(name: str):
    return read_document((HERE / name).read_bytes(), name)


def test_tangxi_html_and_xlsx_give_the_same_grid():
    page, book = grids(_doc("chizhou-guichi-tangxi-2022.html"))[0], grids(_doc("chizhou-guichi-tangxi-2022.xlsx"))[0]
    assert [[(c.text, c.origin) for c in r] for r in page.rows] == [[(c.text, c.origin) for c in r] for r in book.rows]
    assert row_texts(book, 4)[2:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert row_texts(book, 6) == ["其中:本年财政拨款", "90", "89.974", "89.974", "", "", ""]
    assert row_texts(book, 13)[1:5] == ["委托业务报告合格率", "≥100百分比", "100", "8"]
    assert book.rows[22][1].text == "满意度指标(10分)" and book.rows[22][3].text == "公众满"
    assert book.rows[22][0].origin == (11, 0)


def test_putuo_pdf_money_in_yuan_and_wrapped_cells():
    doc = _doc("shanghai-putuo-tiyu-2022.pdf")
    assert [t.text for t in texts(doc)] == ["财政项目支出绩效自评表", "(2022 年度)"] * 2
    first, second = grids(doc)
    assert first.rows[2][0].text.replace("\n", "") == "项目资金(元)"
    assert [c.text for c in first.rows[3]][3:6] == ["250000.00", "250000.00", "215,457.6"]
    assert first.rows[3][7].text.replace("\n", "") == "86.19%"
    assert row_texts(first, 12)[-5:] == ["及时", "及时", "20", "20", ""]
    assert first.rows[15][1].text == "总分" and first.rows[15][4].origin == (15, 1)
    assert [c.text for c in second.rows[3]][5] == "9,034" and second.where == "page 2, table 1"
