"""Per-project forms, read from the fixtures rebuilt from real excerpts (tests/data/forms/make.py).

Every expected value below was read off the excerpt in shared/data/samples/
named in each test (the fixture's source), not from perfkg's output: the
project names, money, goals, and each indicator's categories, name and target
as the published form prints them.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from converter.readers.source import ReadOptions, SourceError, read_source

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"


def _projects(table):
    return [(d, u, p) for d in table.departments for u in d.units for p in u.projects]


def _indicators(project):
    """(level-1 code, level-2 code, name, target text) in form order."""
    out = []
    for i in project.indicators:
        target = i.annual_target or i.stated_target or i.period_target
        out.append((i.level1_code, i.level2_code, i.name, target.text if target else None))
    return out


# anhui-liuan-jinan-tiyuju-2025-project-goals.txt: two forms of 六安市金安区体育局, the second cut
LIUAN_FIRST = [
    ("1", "11", "开展运动种类", "1种"),
    ("1", "11", "打造品牌赛事种类", "1种"),
    ("1", "12", "经费支出合规率", "100%"),
    ("1", "12", "赛事完成率", "100%"),
    ("1", "13", "完成时间", "2025年年底前"),
    ("1", "14", "项目总成本", "≤1000万元"),
    ("2", "21", "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合", "经济效益良好"),
    ("2", "22", "打造金安国际网球公开赛等系列品牌赛事,提升六安城市的知名度和美誉度。", "效果良好"),
    ("2", "23", "本项目不适用此指标", "无"),
    # "打造金安国际网球\n公开赛等系列品牌赛事": the line break inside the cell is not text
    ("2", "24", "打造金安国际网球公开赛等系列品牌赛事", "影响可持续"),
    ("3", "31", "群众满意度", "≥95%"),
]
LIUAN_FILES = sorted(FORMS.glob("liuan-jinan-2025.*"))


def test_liuan_fixture_exists_in_every_published_format():
    assert {p.suffix for p in LIUAN_FILES} >= {".html", ".xlsx"}


@pytest.mark.parametrize("path", LIUAN_FILES, ids=lambda p: p.suffix)
def test_liuan_jinan_forms(path):
    table = read_source(path)
    rows = _projects(table)
    assert [(d.name, d.code, d.year) for d in table.departments] == [("六安市金安区体育局", "042", 2025)]
    assert [(u.name, p.name) for _, u, p in rows] == [
        ("六安市金安区体育局", "2025金安国际网球公开赛(国际系列赛事)"),
        ("六安市金安区体育局", "安徽省常规赛费用"),
    ]
    first, second = rows[0][2], rows[1][2]
    assert first.amounts.total == Decimal("1000.00")
    assert dict(first.amounts.by_source) == {"fiscal-appropriation": Decimal("1000.00"), "other-funds": Decimal("0.00")}
    assert first.period == "3年"
    assert [(g.kind, g.text) for g in first.goals] == [("annual", "打造金安国际网球公开赛等一系列的品牌赛事,提升六安城市的知名度和美誉度。")]
    assert ("项目来源", "本级申报项目") in {(f.label, f.value) for f in first.fields}
    assert _indicators(first) == LIUAN_FIRST
    assert second.amounts.total == Decimal("1200.00")
    assert dict(second.amounts.by_source) == {"fiscal-appropriation": Decimal("1200.00"), "other-funds": Decimal("0.00")}
    assert [g.text for g in second.goals] == ["因财政资金紧张,结转2024年六运会项目资金"]
    # the excerpt ends after the second form's grid header: no indicator, and a warning says so
    assert second.indicators == []
    assert "form-without-indicators" in {p.code for p in second.problems}


def test_jinzhai_form_strips_indicator_numbers_keeps_template_leftovers():
    # anhui-jinzhai-kaifaqu-2021-project-goals.txt
    table = read_source(FORMS / "jinzhai-kaifaqu-2021.html")
    [(d, u, p)] = _projects(table)
    assert (d.name, d.year, u.name, p.name) == ("县财政局", 2021, "安徽金寨经济开发区管理委员会", "物业管理")
    assert d.title == "金寨经济开发区2021年度项目支出绩效目标申报表"
    assert p.amounts.total == Decimal("1125")
    assert dict(p.amounts.by_source) == {"fiscal-appropriation": Decimal("1125")}  # 其他资金 printed empty: absent
    assert [g.text for g in p.goals] == ["目标1:维护辖区各安置小区安全巡逻、环境卫生及物业日常管理"]
    assert _indicators(p) == [
        ("1", "11", "安置小区物业费", "8个"),
        ("1", "12", "完成开发区工委、管委下达的安置小区物业费清算任务,指导小区物业开展文明创建等工作。",
         "房屋设备、设施的管理到位,环境卫生整洁,车辆停放有序"),
        ("1", "13", "按时保质完成开发区安置小区物业管理工作", "2021年全年"),
        ("1", "14", "项目总成本(≤**万元)", "≤1125万元"),
        ("2", "21", "清算8个安置小区本年度物业费和历史的遗留物业费(≥**%)。", "≥95%"),
        ("2", "22", "改善安置小区群众生活质量,提升安置小区生活水平。助力全县文明城市创建。", "显著改善"),
        ("2", "23", "优化安置小区生活环境,提高居民生活质量,营造安全舒适的居住环境。", "显著提高"),
        ("2", "24", "持续提供人力物力保障,解决居民群众生产生活问题", "持续保障"),
        ("3", "31", "小区居民满意度(≥**%)", "≥90%"),
    ]
    # the source text of an indicator keeps its "指标1:" prefix
    assert p.indicators[0].source_text.count("指标1:安置小区物业费") == 1


@pytest.mark.parametrize("name", ["wuhan-qingshan-2020.html", "wuhan-qingshan-2020.xlsx"])
def test_qingshan_annual_column_group_and_annual_money(name):
    # hubei-wuhan-qingshan-jyj-2020-project-goals-3.txt: 长期 and 年度 column groups, 资金总额 and 当年资金总额
    table = read_source(FORMS / name)
    [(d, u, p)] = _projects(table)
    assert (d.name, d.code, d.year, u.name) == ("武汉市青山区教育局", "015001", 2020, "武汉市青山区教育局")
    assert (p.name, p.period) == ("教育系统基础设施建设和设备购置", "202001-202012")
    assert p.amounts.total == Decimal("10000") and dict(p.amounts.by_source) == {"fiscal-appropriation": Decimal("10000")}
    assert p.amounts.printed_text("total") == "10000万元"
    assert [(g.kind, g.text) for g in p.goals if g.kind == "annual"] == [("annual", "按工作计划完成教育局重点项目建设经费预算安排")]
    assert [i.annual_target is not None and i.period_target is None for i in p.indicators] == [True] * 7
    assert _indicators(p) == [
        ("1", "11", "重点建设工程安排数量", "2"),
        ("1", "12", "重点建设工程验收合格率", "100%"),
        ("1", "14", "建设项目成本", "参照政府采购成本控制"),
        ("1", "13", "重点建设工程按期完成率", "100%"),
        ("2", "24", "基础教育巩固提高情况", "巩固提高"),
        ("2", "22", "基础教育学校办学条件", "持续改善"),
        ("3", "31", "学生、家长、社会满意度", "≥90%"),
    ]


def test_longyan_needs_its_department_named():
    # fujian-longyan-2023-transfer-goals.txt: 主管部门(单位)名称 is printed empty
    with pytest.raises(SourceError, match="--department"):
        read_source(FORMS / "longyan-2023.html")
    table = read_source(FORMS / "longyan-2023.html", ReadOptions(department="龙岩市财政局"))
    [(d, u, p)] = _projects(table)
    assert (d.name, d.year, p.name) == ("龙岩市财政局", 2023, "基础教育质量提升")
    assert p.amounts.total == Decimal("112") and dict(p.amounts.by_source) == {"fiscal-appropriation": Decimal("112")}
    assert p.amounts.printed_text("total") == "112万元"
    first = p.indicators[0]
    assert (first.level2_code, first.name, first.explanation, first.stated_target.text) == ("11", "支持民族中小学数量", "支持民族中小学数量", "1所")
    # the 附件1 allocation table before the form is kept, row by row, as notes on the table
    notes = [x.found for x in table.problems if x.code == "text-outside-forms"]
    assert "龙岩市本级合计 | 112 | 50 | 12 | 50" in notes


def test_yeji_narrative_then_a_cut_form():
    # anhui-liuan-yeji-wenlvti-2025-budget-goals.txt: a narrative section, then a form cut after 主管部门及代码
    table = read_source(FORMS / "liuan-yeji-2025.html")
    [(d, u, p)] = _projects(table)
    assert (d.code, d.name, d.year, p.name) == ("027", "六安市叶集区文化旅游体育", 2025, "快乐健身暖民心建设资金")
    assert {x.code for x in p.problems} >= {"form-without-money", "form-without-indicators"}
    narrative = [x.found for x in table.problems if x.code == "text-outside-forms"]
    assert narrative[0].startswith("1.“文化中心运营专项经费”项目。")
    assert "财政拨款306.18万元" in narrative[1]


def test_template_without_project_name_is_refused():
    # guangxi-gxglmes-2021-application-form-input-process.txt: a blank template (no 项目名称 filled in)
    with pytest.raises(SourceError, match="no 项目名称"):
        read_source(FORMS / "guangxi-gxglmes-2021.xlsx")


def test_indicator_rows_sheet():
    # national-yitihua-pmkpi-indicator-schema-code.txt's columns, filled with the Liuan Jin'an indicators (composed)
    for name in ("indicators-composed.csv", "indicators-composed.xlsx"):
        with pytest.raises(SourceError, match="--department"):
            read_source(FORMS / name)
        table = read_source(FORMS / name, ReadOptions(department="六安市金安区体育局", year=2025))
        rows = _projects(table)
        first = rows[0][2]
        assert first.name == "2025金安国际网球公开赛(国际系列赛事)"
        ind = first.indicators[0]
        # 计算符号 "=" + 年度指标值 "1" + 计量单位 "种": the target text the three cells print together
        assert (ind.level1_code, ind.level2_code, ind.name, ind.computation, ind.unit_of_measure) == ("1", "11", "开展运动种类", "=", "种")
        assert ind.annual_target.text == "=1种"
        assert ind.standard == "计划标准"


def test_ningxiang_period_and_annual_grids_and_a_breakdown_in_brackets():
    # hunan-ningxiang-batang-2021-project-goals.txt: "总额10606.7522万元 财政拨款:6923.3552万元(其中:…) 自有资金:0万元 其他:3683.3970万元";
    # a 长期 and a 年度 grid whose 指标内容/指标值 hold points ("88", "100"), the annual grid cut in its last row
    table = read_source(FORMS / "hunan-ningxiang-batang-2021.docx")
    [(d, u, p)] = _projects(table)
    assert (d.name, d.year, u.name, p.name) == ("坝塘镇", 2021, "宁乡市坝塘镇人民政府", "镇域内基础设施建设")
    assert p.amounts.total == Decimal("10606.7522")
    assert dict(p.amounts.by_source) == {
        "fiscal-appropriation": Decimal("6923.3552"), "own-funds": Decimal("0"), "other-funds": Decimal("3683.3970")}
    # the breakdown in brackets is kept whole as a field
    assert any("上级财政资金:6923.3552万元" in f.value for f in p.fields)
    assert [(i.level2_code, i.name) for i in p.indicators] == [
        ("11", "88"), ("12", "88"), ("13", "88"), ("14", "88"), ("21", "88"), ("22", "68"), ("23", "20"), ("24", "20"), ("31", "88")]
    assert all(i.period_target.text == "100" for i in p.indicators)
    assert [i.annual_target is not None for i in p.indicators] == [True] * 8 + [False]  # the cut 满意度 row
    assert sum(x.code == "indicator-name-number" for x in p.problems) == 17


def test_ezhou_header_one_level_off():
    # hubei-ezhou-2022-project-goals-docx.txt: "一级指标 二级指标 绩效标准 当年预期实现值" over 数量指标 | 办公大楼日常维修维护次数 | … | 2280次
    with pytest.raises(SourceError, match="--department"):
        read_source(FORMS / "hubei-ezhou-2022.docx")
    table = read_source(FORMS / "hubei-ezhou-2022.docx", ReadOptions(department="鄂州市机关事务服务中心"))
    [(d, u, p)] = _projects(table)
    assert (d.year, p.name) == (2022, "滨湖大胆办公大楼运行保障")
    assert p.amounts.total is None  # the cost table prints no unit: its figures stay text, never 万元 by guess
    first = p.indicators[0]
    assert (first.level1_code, first.level2_code, first.name, first.standard, first.annual_target.text) == (
        "1", "11", "办公大楼日常维修维护次数", "反映办公大楼全年维修维护情况", "2280次")
    assert "header-shifted" in {x.code for x in p.problems}


def test_tongzhou_cut_before_money_names_its_unit_as_department():
    # shanghai-tongzhou-2019-project-goals-form.txt: 申报单位名称:上海市同舟服务中心, 开始时间2019/1/1 结束时间2019/12/31, cut before money
    table = read_source(FORMS / "shanghai-tongzhou-2019.docx")
    [(d, u, p)] = _projects(table)
    assert (d.name, d.year, p.name, p.period) == ("上海市同舟服务中心", 2019, "党外人才专项服务工作经费", "2019/1/1-2019/12/31")
    assert {x.code for x in p.problems} >= {"form-department-missing", "form-without-money", "form-without-indicators"}


def test_guangdong_column_labels_and_indicators_as_columns():
    # guangdong-prov-edu-fund-2021-goals.txt: labels heading columns (省级业务主管部门 | 资金类型 | 实施周期 over
    # 广东省教育厅 | 专项资金 | 2020年-2022年), "2021年金额 | 一般公共预算安排77300万元", and the indicators
    # transposed: 三级指标 新建高校(校区) 工程质量达标率(%) 开工率(%) / 年度目标值 7 100% 100% / 实施周期目标值 7 100% 100% …
    table = read_source(FORMS / "guangdong-edu-fund-2021.xlsx")
    [(d, u, p)] = _projects(table)
    assert (d.name, d.year, p.name, p.period) == ("广东省教育厅", 2021, "支持粤东粤西粤北地区新建高校", "2020年-2022年")
    assert p.amounts.total is None and dict(p.amounts.by_source) == {"general-public-budget": Decimal("77300")}
    assert [(i.name, i.annual_target.text, i.period_target.text) for i in p.indicators] == [
        ("新建高校(校区)", "7", "7"), ("工程质量达标率(%)", "100%", "100%"), ("开工率(%)", "100%", "100%")]
    # the period targets of the columns whose names the excerpt lost stay as fields
    assert [f.value for f in p.fields if "column without an indicator name" in f.label] == ["不断提升", "弥补我省高等教\n育不平衡", "持续"]


def test_the_public_api_reads_a_form():
    import converter

    table = converter.read_source(FORMS / "liuan-jinan-2025.xlsx", converter.ReadOptions())
    assert [p.name for d in table.departments for u in d.units for p in u.projects] == [
        "2025金安国际网球公开赛(国际系列赛事)", "安徽省常规赛费用"]
    assert set(converter.LAYOUTS) == {"guangzhou", "form", "indicator-rows", "self-evaluation"}
