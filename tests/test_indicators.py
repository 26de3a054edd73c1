"""The indicator-cell parser on the variations the real table holds.

Each case quotes the source (line numbers of data/guangzhou-hrss-2024-…txt);
expected values were read off the source text by hand.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from converter.indicators import LEVEL1, LEVEL2, normalize_name, parse_indicators

CELL = 6  # the 绩效指标 column


def _cell(source_lines, line: int) -> str:
    return source_lines[line].split("\t")[CELL]


# (line, sequence, l1, l2, name, period, annual) — one indicator from each layout variant
CASES = [
    # standard: 1、3-满意度指标；31-服务对象满意度；就业扶持政策经办满意度；实施周期指标值:90%；年度指标值:90%。
    (12, 1, "3", "31", "就业扶持政策经办满意度", "90%", "90%"),
    # a space inside the value: 实施周期指标值:≥ 5万人次
    (12, 4, "1", "11", "享受社会保险补贴人数", "≥ 5万人次", "≥ 5万人次"),
    # full-width colons: 实施周期指标值：按当年度市下达任务数
    (38, 2, "2", "22", "城镇新增就业人数", "按当年度市下达任务数", "按当年度市下达任务数"),
    # half-width ; and , throughout: 1、2-效益指标,22-社会效益,非正常停机率;实施周期指标值:<5%,年度指标值:<5%;
    (322, 1, "2", "22", "非正常停机率", "<5%", "<5%"),
    # last segment with no terminator at all: …年度指标值:0事故
    (323, 4, "2", "22", "工程施工的安全性", "0事故", "0事故"),
    # half-width ; only: 1、1-产出指标;11-数量指标;项目工作量完成率;实施周期指标值:100%;年度指标值:100%。
    (169, 1, "1", "11", "项目工作量完成率", "100%", "100%"),
    # 。 instead of ； before 年度指标值, and ， inside the value
    (
        224, 1, "2", "22", "体现党和政府对参加革命工作的退休老工人干部的关怀",
        "通过及时足额发放补贴，改善参加革命工作老工人干部生活，充分体现党和政府对参加革命工作的退休老工人干部的关怀",
        "通过及时足额发放补贴，改善参加革命工作老工人干部生活，充分体现党和政府对参加革命工作的退休老工人干部的关怀",
    ),
    # a name containing ，
    (65, 4, "2", "22", "切实维护劳动者合法权益，维护社会和谐稳定", None, None),
    # a name ending in 。: 完成250家以上企业薪酬调查。
    (90, None, "1", "11", "完成250家以上企业薪酬调查。", None, None),
    # numbering 1、2、5、 — the third indicator keeps its written number 5
    (143, 5, "3", "31", "有效投诉次数", "少于1宗", "少于1宗"),
]


@pytest.mark.parametrize("line,seq,l1,l2,name,period,annual", CASES, ids=[f"line{c[0]}-{c[4][:8]}" for c in CASES])
def test_real_variants(source_lines, line, seq, l1, l2, name, period, annual):
    indicators, _ = parse_indicators(_cell(source_lines, line), "t.txt", line)
    found = [i for i in indicators if i.name == name]
    assert len(found) == 1, [i.name for i in indicators]
    indicator = found[0]
    assert (indicator.level1_code, indicator.level2_code) == (l1, l2)
    assert indicator.level1_label == LEVEL1[l1] and indicator.level2_label == LEVEL2[l2]
    if seq is not None:
        assert indicator.sequence == seq
    if period is not None:
        assert indicator.period_target.text == period
        assert indicator.annual_target.text == annual


def test_repeated_annual_target_is_kept_once_and_reported(source_lines):
    # line 143, indicator 2: "…建设。；年度指标值:…建设。；年度指标值:…建设。；年度指标值:…建设。"
    indicators, problems = parse_indicators(_cell(source_lines, 143), "t.txt", 143)
    assert [i.sequence for i in indicators] == [1, 2, 5]
    second = indicators[1]
    assert second.annual_target.text == "通过对留学人才创业、高层次留学人员提供配套资助，支持一批留学人员来穗创业创新，助推粤港澳大湾区高水平人才高地建设。"
    assert second.period_target.text == second.annual_target.text
    codes = {p.code: p for p in problems}
    assert codes["numbering-gap"].found == "1、2、5"
    assert "3 times" in codes["repeated-annual-target"].message
    assert codes["repeated-annual-target"].line == 143


def test_free_form_layout(source_lines):
    # line 630: 1.产出数量：1.1故障工单关闭率=…,目标值100%。1.2提供数据备份服务，…,目标值52次。2.产出质量：2.1…
    indicators, problems = parse_indicators(_cell(source_lines, 630), "t.txt", 630)
    assert [(i.sequence, i.level2_code, i.name, i.stated_target.text if i.stated_target else None) for i in indicators] == [
        (1, "11", "故障工单关闭率", "100%"),
        (2, "11", "提供数据备份服务", "52次"),
        (3, "12", "驻场服务时长达标率（%）", "符合"),
        (4, "12", "验收合格率", "100%"),
        (5, "13", "项目延迟率", "小于5%"),
        (6, "13", "项目款拨付及时性", None),
        (7, "21", "设备正常运行率（%）", "不低于95%"),
        (8, "22", "软件可用率（%）", "不低于95%"),
    ]
    assert all(i.period_target is None and i.annual_target is None for i in indicators)
    assert {p.code for p in problems} == {"free-form-layout", "missing-target"}


def test_text_in_no_known_layout_is_reported_not_dropped():
    indicators, problems = parse_indicators("按合同约定完成工作", "t.txt", 7)
    assert indicators == []
    assert [(p.line, p.code, p.found) for p in problems] == [(7, "unparsed-indicators", "按合同约定完成工作")]


def test_segment_outside_the_grammar_is_reported():
    text = "1、1-产出指标；11-数量指标；培训人数；实施周期指标值:100人；年度指标值:100人。2、随便写的一段话。"
    indicators, problems = parse_indicators(text, "t.txt", 9)
    assert [i.name for i in indicators] == ["培训人数"]
    assert [(p.code, p.found) for p in problems] == [("unparsed-indicator", "随便写的一段话。")]


def test_category_outside_the_framework_is_reported():
    text = "1、1-产出指标；15-奇怪指标；培训人数；实施周期指标值:100人；年度指标值:100人。"
    _, problems = parse_indicators(text, "t.txt", 3)
    assert [(p.code, p.found) for p in problems] == [("unknown-category", "1-产出指标；15-奇怪指标")]


def test_counts_by_category_match_a_grep_of_the_source(table):
    """grep -o '11-数量指标' data/… | wc -l → 380 etc.; the free-form row adds 2+2+2+1+1."""
    grep = {"11": 380, "12": 203, "13": 105, "14": 5, "21": 39, "22": 285, "23": 3, "24": 55, "31": 171}
    free_form = {"11": 2, "12": 2, "13": 2, "21": 1, "22": 1}
    counted = Counter(i.level2_code for u in table.departments[0].units for p in u.projects for i in p.indicators)
    assert counted == Counter({k: grep[k] + free_form.get(k, 0) for k in grep})
    assert sum(counted.values()) == 1254


def test_segment_numbers_match_a_regex_count_of_the_source(source_path, table):
    """An independent count: every 'N、d-' opening in the indicator column is one indicator."""
    cells = [line.split("\t")[CELL] for line in source_path.read_text(encoding="utf-8").split("\n") if line.count("\t") == 6]
    openings = sum(len(re.findall(r"\d+、\d-", c)) for c in cells)
    parsed = sum(len(p.indicators) for u in table.departments[0].units for p in u.projects)
    assert openings == 1246 and parsed == openings + 8


@pytest.mark.parametrize(
    "written,key",
    [("满意度 （%）", "满意度(%)"), ("ＡＢＣ１２３", "ABC123"), ("完成250家以上企业薪酬调查。", "完成250家以上企业薪酬调查")],
)
def test_normalize_name(written, key):
    assert normalize_name(written) == key
