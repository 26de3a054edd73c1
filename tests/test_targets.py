"""Tests for converter.targets, the grammar of target texts (指标值).

Three layers:

* hand-written expectations for real strings of the Guangzhou 2024 table
  (tests/data/target_cases.tsv, one test per row);
* every distinct target string of the real table parses, to one of the six
  kinds, with its numbers found in its own text;
* property tests: generated "comparator + number + scale + unit" strings give
  back what was put in, and any text at all gives a valid result.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from converter.targets import QUALITATIVE_TERMS, TargetValue, parse_target

TESTS = Path(__file__).resolve().parent
CASES_FILE = TESTS / "data" / "target_cases.tsv"
SOURCE = TESTS.parent / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"

KINDS = {"quantity", "range", "deadline", "frequency", "formula", "qualitative"}
COMPARATORS = {">=", ">", "<=", "<", "=", "~", None}
PERIODS = {"day", "week", "month", "quarter", "year", "hour", None}
DATATYPES = {"date", "gYearMonth", "gYear", "gMonthDay", "gMonth", None}
# A plain decimal: no exponent, no sign, no leading zero, no trailing zero after the point.
PLAIN_DECIMAL = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$")


# --------------------------------------------------------------------------- #
# The real strings
# --------------------------------------------------------------------------- #

_MARK = re.compile(r"(实施周期指标值|年度指标值)\s*[:：]")
# The next numbered indicator: "。2、2-效益指标…" (also after ";" or "," in rows
# typed with half-width separators).
_NEXT_INDICATOR = re.compile(r"[。；;，,]?\s*\d+、(?=\d-)")
# The one free-form row: "…,目标值100%。1.2…"
_STATED_TARGET = re.compile(r"目标值\s*[:：]?(?P<target>[^。；;]*)")


def real_target_strings() -> set[str]:
    """Every distinct target text in column 7 of the real table.

    Written here rather than taken from the reader so that this test checks
    the grammar against the source itself, whatever the reader does.
    """
    found: set[str] = set()
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) < 7:
            continue
        cell = cells[6]
        marks = list(_MARK.finditer(cell))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(cell)
            value = cell[mark.end() : end]
            if nxt := _NEXT_INDICATOR.search(value):
                value = value[: nxt.start()]
            elif i + 1 < len(marks):
                value = re.sub(r"[；;，,]$", "", value)  # the separator before 年度指标值
            else:
                value = re.sub(r"[。；;]$", "", value)  # the stop that ends the cell
            found.add(value.strip())
        for stated in _STATED_TARGET.finditer(cell):
            found.add(stated.group("target").strip(" ,，"))
    found.discard("")
    return found


REAL = sorted(real_target_strings())


def test_the_real_table_has_about_five_hundred_distinct_targets():
    # Guards the extraction above: if it broke, the tests below would pass on nothing.
    assert 450 <= len(REAL) <= 600, len(REAL)
    for sample in ("≥ 5万人次", "1.85万人", "90%或以上", "不低于上年", "7天×24小时", "（合同审核参与数÷合同数）×100%=90%"):
        assert sample in REAL


def _invariant_problems(result: TargetValue) -> list[str]:
    """What would make a result wrong whatever the text: the contract of TargetValue."""
    problems = []
    if result.kind not in KINDS:
        problems.append(f"kind {result.kind!r}")
    if result.comparator not in COMPARATORS:
        problems.append(f"comparator {result.comparator!r}")
    if result.per_period not in PERIODS:
        problems.append(f"per_period {result.per_period!r}")
    if result.deadline_datatype not in DATATYPES:
        problems.append(f"deadline_datatype {result.deadline_datatype!r}")
    for name in ("value", "low", "high"):
        written = getattr(result, name)
        if written is not None and written not in result.text:
            problems.append(f"{name} {written!r} is not as written in the text")
    for name in ("normalized", "low_normalized", "high_normalized", "per_count"):
        number = getattr(result, name)
        if number is not None and not PLAIN_DECIMAL.match(number):
            problems.append(f"{name} {number!r} is not a plain decimal")
    if (result.value is None) != (result.normalized is None):
        problems.append("value and normalized must be set together")
    if result.kind == "qualitative" and (result.value, result.low, result.deadline, result.per_period) != (None,) * 4:
        problems.append("a qualitative target carries no number, bound, date or period")
    if result.kind == "range":
        if None in (result.low, result.high, result.low_normalized, result.high_normalized):
            problems.append("a range needs both bounds")
        elif Decimal(result.low_normalized) > Decimal(result.high_normalized):
            problems.append("range bounds in the wrong order")
    if result.kind == "deadline" and (result.deadline is None or result.deadline_datatype is None):
        problems.append("a deadline needs its date and datatype")
    if result.kind == "frequency" and result.per_period is None:
        problems.append("a frequency needs its period")
    try:
        json.dumps(result.as_dict(), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        problems.append(f"as_dict is not JSON-ready: {error}")
    return problems


def test_every_real_target_parses_to_a_valid_result():
    failures = {}
    for text in REAL:
        result = parse_target(text)  # must not raise
        assert result.text == text
        if problems := _invariant_problems(result):
            failures[text] = problems
    assert not failures, failures


def test_the_share_of_real_targets_read_as_numbers_stays_high():
    # Not an exact count (the grammar may improve), but a fall here means a regression.
    kinds = [parse_target(text).kind for text in REAL]
    assert kinds.count("qualitative") / len(kinds) < 0.25
    assert {"quantity", "range", "deadline", "frequency", "formula", "qualitative"} <= set(kinds)


# --------------------------------------------------------------------------- #
# Hand-written expectations (tests/data/target_cases.tsv)
# --------------------------------------------------------------------------- #

COLUMNS = ("text", "kind", "comparator", "value", "normalized", "unit", "low", "high", "deadline", "per_count", "per_period")


def _load_cases() -> list[tuple[int, dict[str, str | None]]]:
    cases = []
    header_seen = False
    for number, line in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            assert tuple(cells) == COLUMNS, f"{CASES_FILE.name}:{number}: unexpected header {cells}"
            header_seen = True
            continue
        assert len(cells) == len(COLUMNS), f"{CASES_FILE.name}:{number}: {len(cells)} cells"
        cases.append((number, {column: cell or None for column, cell in zip(COLUMNS, cells)}))
    return cases


CASES = _load_cases()


def test_the_case_table_is_large_distinct_and_real():
    texts = [case["text"] for _, case in CASES]
    assert len(texts) >= 150
    assert len(set(texts)) == len(texts), "a text appears twice in the case table"
    not_in_source = sorted(set(texts) - set(REAL))
    assert not not_in_source, f"cases that are not real target strings: {not_in_source}"


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[f"line{n}-{case['kind']}" for n, case in CASES])
def test_real_target_reads_as_written_in_the_case_table(line: int, expected: dict[str, str | None]):
    result = parse_target(expected["text"])
    got = {column: getattr(result, column) for column in COLUMNS}
    assert got == expected, f"{CASES_FILE.name}:{line}: {expected['text']}"


# --------------------------------------------------------------------------- #
# Fields the case table does not show, and the documented decisions
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("上半年≥60%", "qualifier", "上半年"),
        ("平均丢包率不大于1‰", "qualifier", "平均丢包率"),
        ("176家医院", "qualifier", "医院"),
        ("培养不少于5名选手参加技能竞赛", "qualifier", "培养…选手参加技能竞赛"),
        ("≤2宗（实际发生的有效投诉次数）", "qualifier", "实际发生的有效投诉次数"),
        ("≥年度计划值600台（套）", "qualifier", "年度计划值"),
        ("（合同审核参与数÷合同数）×100%=90%", "qualifier", "（合同审核参与数÷合同数）×100%"),
        ("7天×24小时", "qualifier", "7天"),
        ("不低于上年", "qualifier", "上年"),
        ("≥3.9亿元", "scale", "亿"),
        ("1.85万人", "scale", "万"),
        ("2400人", "scale", None),
        ("2024年11月30日前", "deadline_datatype", "date"),
        ("2024年底", "deadline_datatype", "date"),
        ("2024年11月前", "deadline_datatype", "gYearMonth"),
        ("每年12月31日前", "deadline_datatype", "gMonthDay"),
        ("每年7月份之前完成", "deadline_datatype", "gMonth"),
        ("4-8个团组", "low_normalized", "4"),
        ("4-8个团组", "high_normalized", "8"),
    ],
)
def test_other_fields_of_real_targets(text: str, field: str, expected: str | None):
    assert getattr(parse_target(text), field) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 以上/以下/以内 include the number; 超过 and 不满 do not (民法典 第1259条)
        ("6项以上", {"comparator": ">="}),
        ("超过5次", {"comparator": ">"}),
        ("不满3人", {"comparator": "<"}),
        ("3天内完成", {"comparator": "<=", "unit": "天"}),
        # two comparators that disagree: no comparator rather than a guess
        ("超过90%以上", {"kind": "quantity", "comparator": None, "normalized": "90"}),
        ("≥90%以上", {"comparator": ">="}),
        # 多/余 after a number: more than
        ("200多人", {"comparator": ">", "normalized": "200", "unit": "人"}),
        ("3万余人", {"comparator": ">", "normalized": "30000", "scale": "万"}),
        # full-width digits and thousands separators: value as written, normalized plain
        ("≥１２３人", {"value": "１２３", "normalized": "123"}),
        ("1,000,000元", {"value": "1,000,000", "normalized": "1000000", "unit": "元"}),
        ("９５％以上", {"comparator": ">=", "normalized": "95", "unit": "％"}),
        # 千米 is a unit, not 千 + 米
        ("3千米", {"normalized": "3", "unit": "千米", "scale": None}),
        ("5千人", {"normalized": "5000", "unit": "人", "scale": "千"}),
        # range scales: the upper bound's scale carries to a bare lower bound unless that reverses them
        ("1-2万人", {"kind": "range", "low_normalized": "10000", "high_normalized": "20000"}),
        ("500-1万人", {"kind": "range", "low_normalized": "500", "high_normalized": "10000"}),
        ("3至5个", {"kind": "range", "low": "3", "high": "5", "unit": "个"}),
        ("3～5个", {"kind": "range", "low": "3", "high": "5"}),
        # Chinese numerals: only as the whole target
        ("一百零五人", {"kind": "quantity", "normalized": "105"}),
        ("两次", {"normalized": "2", "unit": "次"}),
        ("零投诉", {"normalized": "0", "unit": "投诉"}),
        ("年底前完成", {"kind": "deadline", "deadline": "--12-31", "comparator": "<="}),
        ("2月底前", {"deadline": "--02-29", "deadline_datatype": "gMonthDay"}),
        ("截至2024年6月30日", {"deadline": "2024-06-30", "comparator": "<="}),
        ("2024-11-30", {"deadline": "2024-11-30", "comparator": None}),
        ("A/B≥90%", {"kind": "formula", "comparator": ">=", "value": "90"}),
        ("100元/月", {"kind": "quantity", "unit": "元/月"}),
    ],
)
def test_documented_decisions(text: str, expected: dict[str, str | None]):
    result = parse_target(text)
    assert {k: getattr(result, k) for k in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "。",
        "-5%",  # a sign is not read: "-5" must not become 5
        "±2%",
        "增长率-2%",
        "第3名",  # an ordinal, not a count
        "1,2345",  # a malformed number is not read as "1"
        "1.2.3",
        "三万五",  # colloquial 35000, literally 30005: no guess
        "一百五",
        "一次性",
        "一流",
        "十分",
        "三支一扶",
        "6月",  # June, or six months?
        "3-5月",
        "2024年13月",
        "2024年2月30日前",
        "2024年完成80%",  # a date and a number
        "5-3",
        "1小时-2天",
        "每两周一次",
    ],
)
def test_doubtful_texts_give_no_number(text: str):
    result = parse_target(text)
    assert result.kind == "qualitative"
    assert result.value is None and result.normalized is None


def test_as_dict_has_the_core_keys_always_and_the_rest_when_set():
    quantity = parse_target("≥ 5万人次").as_dict()
    assert quantity == {
        "text": "≥ 5万人次",
        "kind": "quantity",
        "comparator": ">=",
        "value": "5",
        "normalized": "50000",
        "unit": "人次",
        "scale": "万",
    }
    ranged = parse_target("3-5块奖牌").as_dict()
    assert {"low", "high", "low_normalized", "high_normalized"} <= ranged.keys()
    assert (ranged["low"], ranged["high"], ranged["qualifier"]) == ("3", "5", "奖牌")
    deadline = parse_target("2024年底").as_dict()
    assert (deadline["deadline"], deadline["deadline_datatype"]) == ("2024-12-31", "date")
    assert "low" not in deadline
    json.dumps([quantity, ranged, deadline], ensure_ascii=False)


def test_target_value_is_frozen():
    result = parse_target("90%")
    with pytest.raises(AttributeError):
        result.kind = "range"  # type: ignore[misc]


def test_qualitative_terms_are_a_closed_list_of_digit_free_qualitative_targets():
    assert isinstance(QUALITATIVE_TERMS, frozenset)
    assert {"合法合规", "和谐稳定", "非量化指标", "符合", "达标", "正常通过", "有效提升"} <= QUALITATIVE_TERMS
    for term in QUALITATIVE_TERMS:
        assert not re.search(r"[0-9０-９]", term), term
        assert parse_target(term).kind == "qualitative", term


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #

PREFIX_COMPARATORS = {
    "≥": ">=", ">=": ">=", "不少于": ">=", "不低于": ">=", "不小于": ">=", "大于等于": ">=",
    "大于或等于": ">=", "至少": ">=", ">": ">", "＞": ">", "大于": ">", "超过": ">", "高于": ">",
    "≤": "<=", "<=": "<=", "不多于": "<=", "不高于": "<=", "不大于": "<=", "不超过": "<=",
    "小于等于": "<=", "<": "<", "＜": "<", "少于": "<", "小于": "<", "低于": "<", "=": "=",
    "＝": "=", "约": "~", "大约": "~",
}  # fmt: skip
SUFFIX_COMPARATORS = {
    "以上": ">=", "或以上": ">=", "及以上": ">=", "以下": "<=", "或以下": "<=", "及以下": "<=",
    "以内": "<=", "左右": "~",
}  # fmt: skip
SCALE_EXPONENTS = {"千": 3, "万": 4, "亿": 8}
# Units that cannot join a scale word into another unit (no 米: 千米 is a unit).
UNITS = ["人", "人次", "%", "‰", "个", "元", "件", "次", "平方米", "㎡", "小时", "分钟", "M", "G", "Mbps", "份", "项", "家", "台套"]
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@st.composite
def written_numbers(draw) -> str:
    """A number as the tables write it: digits, maybe a fraction, maybe
    thousands separators, maybe in full-width digits."""
    integer = draw(st.integers(min_value=0, max_value=10**12))
    digits = f"{integer:,}" if integer >= 1000 and draw(st.booleans()) else str(integer)
    if draw(st.booleans()):
        digits += "." + draw(st.text(alphabet="0123456789", min_size=1, max_size=4))
    if draw(st.booleans()):
        digits = digits.translate(FULL_WIDTH)
    return digits


@st.composite
def quantity_texts(draw) -> tuple[str, str | None, str, int, str | None]:
    number = draw(written_numbers())
    scale = draw(st.sampled_from(["", *SCALE_EXPONENTS]))
    unit = draw(st.sampled_from(["", *UNITS]))
    side = draw(st.sampled_from(["none", "prefix", "suffix"]))
    comparator = None
    prefix = suffix = ""
    if side == "prefix":
        prefix = draw(st.sampled_from(sorted(PREFIX_COMPARATORS)))
        comparator = PREFIX_COMPARATORS[prefix]
        prefix += draw(st.sampled_from(["", " "]))
    elif side == "suffix":
        suffix = draw(st.sampled_from(sorted(SUFFIX_COMPARATORS)))
        comparator = SUFFIX_COMPARATORS[suffix]
    text = f"{prefix}{number}{scale}{unit}{suffix}"
    return text, comparator, number, SCALE_EXPONENTS.get(scale, 0), unit or None


@given(quantity_texts())
@example(("≥ 5万人次", ">=", "5", 4, "人次"))
@example(("1.85万人", None, "1.85", 4, "人"))
@example(("≥3.9亿元", ">=", "3.9", 8, "元"))
@example(("90%或以上", ">=", "90", 0, "%"))
@example(("少于3次", "<", "3", 0, "次"))
def test_comparator_number_scale_unit_round_trip(case):
    text, comparator, number, exponent, unit = case
    result = parse_target(text)
    assert result.kind == "quantity", result
    assert result.comparator == comparator
    assert result.value == number
    assert result.unit == unit
    # The normalized value, worked out here from the digits alone.
    ascii_digits = number.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    expected = Decimal(ascii_digits.replace("．", ".").replace(",", "")) * Decimal(10) ** exponent
    assert result.normalized is not None and PLAIN_DECIMAL.match(result.normalized), result.normalized
    assert Decimal(result.normalized) == expected


CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """n (0..9999) in standard Chinese numerals: 十五, 一百零五, 一千零五十."""
    if n == 0:
        return "零"
    out = ""
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero_pending:
                out += "零"
            zero_pending = False
            out += ("" if (unit == "十" and digit == 1 and not out) else CHINESE_DIGITS[digit]) + unit
        elif out:
            zero_pending = True
    return out


@given(st.integers(min_value=0, max_value=9999), st.sampled_from(["次", "个", "人", "项", "级"]))
def test_chinese_numeral_as_the_whole_target(number: int, unit: str):
    result = parse_target(f"{_chinese(number)}{unit}")
    assert (result.kind, result.normalized, result.unit) == ("quantity", str(number), unit)


GRAMMAR_ALPHABET = (
    "0123456789０１２３４５６７８９.,，。；;:：%％‰~～-—至到/×÷*=＝<>≥≤＜＞()（）  "
    "不少低于大小等或以上下内约左右多余万亿千百十零一二三四五六七八九两"
    "年月日号前底每周天季度次人个元项件份级率达到为是按提供"
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=GRAMMAR_ALPHABET, max_size=24)))
def test_any_text_parses_to_a_valid_result(text: str):
    result = parse_target(text)
    assert result.text == text
    assert not _invariant_problems(result), (text, _invariant_problems(result), result)
