"""Write the self-evaluation fixtures (项目支出绩效自评表, layout (d) of shared/data/samples/README.md).

Rebuilt, like tests/data/forms/, from excerpts of shared/data/samples/ with every cell text
verbatim; the writers are those of tests/data/forms/make.py. Tangxi as .html, .xlsx and .docx, Putuo as a
ruled PDF (as published) and as .html and .xlsx (the same grids), and a COMPOSED goals form +
self-evaluation pair (not published: marked so in the files) for the linking and missed-targets
tests of tests/test_self_evaluation.py. Run from the repository root:
``.venv/bin/python tests/data/self-evaluations/make.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("forms_make", HERE.parent / "forms" / "make.py")
forms = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = forms
_spec.loader.exec_module(forms)
Num, Source = forms.Num, forms.Source

# --------------------------------------------------------------------------------------------
TANGXI = Source("anhui-chizhou-guichi-tangxi-2022-self-evaluation-wps.txt",
                "# source: http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2  (mirror of an attachment \"项目支出绩效自评表 (2022年度)\", 219-池州市贵池区棠溪镇人民政府; text extracted from a WPS/DOC file — metadata prefix kept)")
# The excerpt is one line of text (a WPS file's text, its metadata first: author, dates, … — not
# part of the form, left out). Read as a 9-column form: label | 一级 | 二级 | 三级 | 年度指标值 |
# 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 (the header of its indicator block). The money rows
# have six figures under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分; 本年财政拨款
# has three (the first three columns), 上年结转资金 and 其他资金 none. 经济效益指标 has no indicator
# (a row that only repeats a category). Cut inside the 满意度 row ("公众满").
TANGXI_FORM = [
    [("项目支出绩效自评表", 1, 9)],
    [("(2022年度)", 1, 9)],
    ["项目名称", ("委托业务项目", 1, 8)],
    ["主管部门", ("219-池州市贵池区棠溪镇人民政府", 1, 3), "实施单位", ("219001-池州市贵池区棠溪镇人民政府", 1, 4)],
    [("项目资金\n(万元)", 5, 1), ("", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [("年度资金总额:", 1, 2), Num(0, "General", "0"), Num(0, "General", "0"), Num(0, "General", "0"),
     Num(10, "General", "10"), Num(0, "General", "0"), Num(0, "General", "0")],
    [("其中:本年财政拨款", 1, 2), Num(90, "General", "90"), Num(89.974, "General", "89.974"),
     Num(89.974, "General", "89.974"), "", "", ""],
    [("上年结转资金", 1, 2), "", "", "", "", "", ""],
    [("其他资金", 1, 2), "", "", "", "", "", ""],
    [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
    [("本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;30万元用于基建工程项目设计、规划、测绘。", 1, 4),
     ("本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;29.99万元用于基建工程项目设计、规划、测绘。", 1, 4)],
    [("绩效指标", 14, 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    [("产出指标(50分)", 6, 1), "数量指标", "基建工程委托业务项目数量", "≥50个", Num(50, "General", "50"), Num(8, "General", "8"), Num(8, "General", "8"), ""],
    [("质量指标", 2, 1), "委托业务报告合格率", "≥100百分比", Num(100, "General", "100"), Num(8, "General", "8"), Num(8, "General", "8"), ""],
    ["经费支出合规性", "严格执行相关制度规定", "达成预期指标", Num(8, "General", "8"), Num(8, "General", "8"), ""],
    ["时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", Num(8, "General", "8"), Num(8, "General", "8"), ""],
    [("成本指标", 2, 1), "项目总成本", "≤90万元", Num(90, "General", "90"), Num(8, "General", "8"), Num(8, "General", "8"), ""],
    ["单项业务成本", "符合相关规定", "达成预期指标", Num(10, "General", "10"), Num(10, "General", "10"), ""],
    [("效益指标(30分)", 4, 1), "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", Num(10, "General", "10"), Num(10, "General", "10"), ""],
    ["生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", Num(10, "General", "10"), Num(10, "General", "10"), ""],
    ["可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", Num(10, "General", "10"), Num(10, "General", "10"), ""],
    ["经济效益指标", "", "", "", "", "", ""],
    ["满意度指标(10分)", "满意度指标", "公众满"],
]

# --------------------------------------------------------------------------------------------
PUTUO = Source("shanghai-putuo-tiyu-2022-self-evaluation-pdftext.txt",
               "# source: https://pdf.chddh.cn/archives/48n5zg2zkkjxn27q6rjv.html  (third-party mirror of \"上海市普陀区体育事业管理中心2022年度项目自评价.pdf\"; text as extracted from the PDF — note the reading order is scrambled and amounts are in 元)")
# The excerpt's reading order is scrambled (a PDF's text layer); put back by the form's own
# structure (as form 1 of Tangxi above, 9 columns):
# - money in 元: 年度资金总额 250000.00 | 250000.00 | 215,457.6 | 10 | 86.19% | 8.62; 其中:当年财政拨款
#   250000.00 | 250000.00 | 215457.6 | —; 上年结转资金 and 其他资金 0 | 0 | — (the three "—" go under 分值);
# - the values of the indicator rows come in the order of the rows: =100% 100% 10 10, =100% 100% 20
#   20, 及时 及时 20 20, =100% 100% 30 30, >=90% 100% 10 10, then 总分 100 98.62;
# - the indicator names pair with their 二级 by the same order; "与委托运营方结算完成 … 率" and
#   "与委托运营方合同完成 率" are one name each, wrapped (the PDF prints them on two lines);
# - 预期目标 has no text in the excerpt (left empty); 实际完成情况 is 已完成普陀体育中心与委托运营方费用结算。
# Form 2 (援滇对口支援及结对帮扶经费): its money is 20000.00 | 20000.00 | 9,034 | 10 | 45.17% | 4.52, the
# sources 0 | 0 | —; its indicator values are cut (the excerpt ends at "年度 指标值"): the grid stops
# after the names.
PUTUO_TITLES = ["财政项目支出绩效自评表", "(2022 年度)"]


def putuo_form(name: str, money: list, fiscal: list, outcome: str, indicators: list[list]) -> list[list]:
    return [
        ["项目名称", (name, 1, 8)],
        ["主管部门", ("上海市普陀区体育局", 1, 3), "实施单位", ("上海市普陀区体育事业管理中心", 1, 4)],
        [("项目资金\n(元)", 5, 1), ("", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [("年度资金总额", 1, 2), *money],
        [("其中:当年财政拨款", 1, 2), *fiscal],
        [("上年结转资金", 1, 2), "0", "0", "", "—", "", ""],
        [("其他资金", 1, 2), "0", "0", "", "—", "", ""],
        [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
        [("", 1, 4), (outcome, 1, 4)],
        [("绩效指标", 1 + len(indicators), 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
        *indicators,
    ]


PUTUO_FORM1 = putuo_form(
    "普陀体育中心与委托运营方结算费用",
    ["250000.00", "250000.00", "215,457.6", "10", "86.19%", "8.62"],
    ["250000.00", "250000.00", "215457.6", "—", "", ""],
    "已完成普陀体育中心与委托运营方费用结算。",
    [
        [("产出指标", 3, 1), "数量指标", "与委托运营方结算完成率", "=100%", "100%", "10", "10", ""],
        ["质量指标", "合同结算条款完成率", "=100%", "100%", "20", "20", ""],
        ["时效指标", "费用结算及时性", "及时", "及时", "20", "20", ""],
        ["效益指标", "社会效益指标", "与委托运营方合同完成率", "=100%", "100%", "30", "30", ""],
        ["满意度指标", "服务对象满意度指标", "场馆开放满意度", ">=90%", "100%", "10", "10", ""],
        [("总分", 1, 5), "100", "98.62", ""],
    ],
)
PUTUO_FORM2 = putuo_form(
    "援滇对口支援及结对帮扶经费",
    ["20000.00", "20000.00", "9,034", "10", "45.17%", "4.52"],
    ["0", "0", "", "—", "", ""],
    "已完成援滇人员相关经费支付。",
    [
        [("产出指标", 3, 1), "数量指标", "经费使用率", "", "", "", "", ""],
        ["质量指标", "经费完成情况", "", "", "", "", ""],
        ["时效指标", "经费完成进度", "", "", "", "", ""],
        ["效益指标", "社会效益指标", "经费使用完成情况", "", "", "", "", ""],
        ["满意度指标", "服务对象满意度指标", "满意度", "", "", "", "", ""],
        [("总分", 1, 5), "", "", ""],
    ],
)



_forms_sheet = forms.xlsx_sheet


def _sheet_with_text_cells(ws, rows: list[list]) -> None:
    """The forms writer, with ``=100%`` kept as text (typed in Excel as '=100%), not a formula."""
    _forms_sheet(ws, rows)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


forms.xlsx_sheet = _sheet_with_text_cells  # xlsx_book looks it up when called


def composed_page(title: str, table: str) -> str:
    """An HTML page marked COMPOSED: written for the tests, not published by anyone."""
    return "\n".join([
        "<!DOCTYPE html>",
        "<!-- Written by tests/data/self-evaluations/make.py: COMPOSED for the tests (not a published document);",
        "     values changed from Putuo form 1 to give misses (see make.py). -->",
        "<html>", f'<head><meta charset="utf-8"><title>{title}</title></head>', "<body>", table, "</body>", "</html>", "",
    ])


def money(fmt: str, text: str) -> Num:
    return Num(float(text.replace(",", "")), fmt, text)


Y0, DASH = Num(0, "0", "0"), "—"


def putuo_grid(rows: list[list[str]], total: tuple[str, str]) -> list[list]:
    (n1, *v1), (n2, *v2), (n3, *v3), (n4, *v4), (n5, *v5) = rows
    return [
        [("绩效指标", 7, 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        [("产出指标", 3, 1), "数量指标", n1, *v1, ""],
        ["质量指标", n2, *v2, ""],
        ["时效指标", n3, *v3, ""],
        ["效益指标", "社会效益指标", n4, *v4, ""],
        ["满意度指标", "服务对象满意度指标", n5, *v5, ""],
        [("总分", 1, 5), total[0], total[1], ""],
    ]


# --------------------------------------------------------------------------------------------
# COMPOSED (not published): a goals form and a self-evaluation for the first Putuo project, for
# the linking and missed-targets tests. The goals form states the evaluation's 年度指标值 as its
# targets (in the form layout of tests/data/forms, money in 元) and lacks the 效益指标 row, so one
# result has no target to link to. The evaluation is Putuo form 1 with three values changed to
# misses and their points lowered: 合同结算条款完成率 83.5% (against =100%), 费用结算及时性 未及时,
# 场馆开放满意度 83.5% (against >=90%); 总分 100 / 75.62 (10+12+10+30+5 = 67 for the indicators,
# 8.62 for the money). Its 执行率 is printed 86.18% (215457.6 / 250000 = 86.18304%), where the
# published form prints 86.19%.
COMPOSED_NAME = "普陀体育中心与委托运营方结算费用"
COMPOSED_ROWS = [
    ["与委托运营方结算完成率", "=100%", "100%", "10", "10"],
    ["合同结算条款完成率", "=100%", "83.5%", "20", "12"],
    ["费用结算及时性", "及时", "未及时", "20", "10"],
    ["与委托运营方合同完成率", "=100%", "100%", "30", "30"],
    ["场馆开放满意度", ">=90%", "83.5%", "10", "5"],
]
COMPOSED_TOTAL = ("100", "75.62")
COMPOSED_EVALUATION = [
    [("财政项目支出绩效自评表", 1, 9)], [("(2022年度)", 1, 9)],
    ["项目名称", (COMPOSED_NAME, 1, 8)],
    ["主管部门", ("上海市普陀区体育局", 1, 3), "实施单位", ("上海市普陀区体育事业管理中心", 1, 4)],
    [("项目资金\n(元)", 5, 1), ("", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [("年度资金总额", 1, 2), money("0.00", "250000.00"), money("0.00", "250000.00"), money("#,##0.0", "215,457.6"),
     Num(10, "0", "10"), Num(0.8618, "0.00%", "86.18%"), Num(8.62, "0.00", "8.62")],
    [("其中:当年财政拨款", 1, 2), money("0.00", "250000.00"), money("0.00", "250000.00"), money("0.0", "215457.6"), DASH, "", ""],
    [("上年结转资金", 1, 2), Y0, Y0, "", DASH, "", ""],
    [("其他资金", 1, 2), Y0, Y0, "", DASH, "", ""],
    [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
    [("完成普陀体育中心与委托运营方费用结算。", 1, 4), ("已完成普陀体育中心与委托运营方费用结算。", 1, 4)],
] + putuo_grid(COMPOSED_ROWS, COMPOSED_TOTAL)
COMPOSED_GOALS = [
    [("项目支出绩效目标表", 1, 5)], [("(2022年度)", 1, 5)],
    ["项目名称", (COMPOSED_NAME, 1, 4)],
    ["主管部门及代码", "上海市普陀区体育局", "实施单位", ("上海市普陀区体育事业管理中心", 1, 2)],
    [("项目资金\n(元)", 3, 1), ("年度资金总额:", 1, 2), (money("0.00", "250000.00"), 1, 2)],
    [("其中:财政拨款", 1, 2), (money("0.00", "250000.00"), 1, 2)],
    [("其他资金", 1, 2), (Y0, 1, 2)],
    ["年度\n目标", ("完成普陀体育中心与委托运营方费用结算。", 1, 4)],
    [("绩效指标", 5, 1), "一级指标", "二级指标", "三级指标", "指标值"],
    [("产出指标", 3, 1), "数量指标", "与委托运营方结算完成率", "=100%"],
    ["质量指标", "合同结算条款完成率", "=100%"],
    ["时效指标", "费用结算及时性", "及时"],
    ["满意度指标", "服务对象满意度指标", "场馆开放满意度", ">=90%"],
]



def main() -> None:
    forms.HERE = HERE  # write() puts files beside this script
    forms.write("chizhou-guichi-tangxi-2022.html", forms.html_page(TANGXI, "项目支出绩效自评表 (2022年度)", [
        forms.p("附件:"), forms.html_table(TANGXI_FORM), "<!-- [excerpt ends here] -->"]))
    forms.write("chizhou-guichi-tangxi-2022.xlsx", forms.xlsx_book([("自评表", TANGXI_FORM)], TANGXI))
    # The source is a Word (WPS) attachment: as .docx, the same table with its merges (gridSpan / vMerge).
    forms.write("chizhou-guichi-tangxi-2022.docx", forms.docx_doc(TANGXI, ["附件:"], TANGXI_FORM))
    forms.write("shanghai-putuo-tiyu-2022.pdf", forms.pdf_forms(
        PUTUO, [(PUTUO_TITLES, PUTUO_FORM1), (PUTUO_TITLES, PUTUO_FORM2)], [40, 44, 56, 96, 50, 50, 34, 34, 62]))
    # The same two Putuo forms as a web page (titles as paragraphs, as the PDF prints them above
    # each grid) and as a workbook (a sheet per form, the title rows in the sheet).
    forms.write("shanghai-putuo-tiyu-2022.html", forms.html_page(PUTUO, "上海市普陀区体育事业管理中心2022年度项目自评价", [
        *[forms.p(t) for t in PUTUO_TITLES], forms.html_table(PUTUO_FORM1),
        *[forms.p(t) for t in PUTUO_TITLES], forms.html_table(PUTUO_FORM2), "<!-- [excerpt ends here] -->"]))
    titled = [[(t, 1, 9)] for t in PUTUO_TITLES]
    forms.write("shanghai-putuo-tiyu-2022.xlsx", forms.xlsx_book(
        [("普陀体育中心结算费用", titled + PUTUO_FORM1), ("援滇对口支援", titled + PUTUO_FORM2)], PUTUO))
    forms.write("composed-putuo-2022-self-evaluation.html", composed_page(
        "财政项目支出绩效自评表(COMPOSED)", forms.html_table(COMPOSED_EVALUATION)))
    forms.write("composed-putuo-2022-goals.html", composed_page("项目支出绩效目标表(COMPOSED)", forms.html_table(COMPOSED_GOALS)))


if __name__ == "__main__":
    main()
