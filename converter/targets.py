"""Parse a performance target text (实施周期指标值 / 年度指标值) into a typed value.

The source tables write targets by hand, so one idea appears in many spellings:
``≥90%``, ``90%或以上``, ``90%及以上``, ``大于等于90%``, ``不低于90%`` all say the
same thing. Rather than one rule per spelling, the parser is a small grammar::

    target      := qualitative-term | deadline | availability | formula
                 | frequency | range | quantity | relative | qualitative
    quantity    := [qualifier] [prefix-comparator [link-verb]] NUMBER tail [note] [qualifier]
    range       := [qualifier] [prefix-comparator] NUMBER [scale] [unit] RANGE-SEP NUMBER tail [qualifier]
    frequency   := quantity whose tail is "COUNT-UNIT / PERIOD"  ("2次/月")
                 | "每" PERIOD … quantity with a COUNT-UNIT     ("每月1次", "每周一次")
                 | ("每" | "按") PERIOD [verb]                   ("每周", "按月提供")
    formula     := expression with ÷ × * or a word/word "/" [link NUMBER tail]
    deadline    := [prefix] DATE ["前" | "之前" | "以前" …] [qualifier]
    tail        := ["多"|"余"] [SCALE] [UNIT] ["(" UNIT ")"] ["/" DENOMINATOR] [suffix-comparator]
    NUMBER      := Arabic digits (full-width folded, thousands separators allowed)
                 | a Chinese numeral word, only when it is the whole target ("一次", "零故障", "三级")

Everything the grammar does not recognise as part of the number is kept as
``qualifier`` (the text that scopes the number) and ``text`` always holds the
source exactly as written. The guiding rule is that *a wrong number is worse
than none*: whenever the text holds a second number that the grammar cannot
place, a sign it cannot read, or a date it cannot validate, the target is
``qualitative`` rather than a guess.

Decisions (all reflected in the tests):

* 以上 / 以下 / 以内 include the stated number (>= / <=). This is the reading
  fixed in law: 《中华人民共和国民法典》第一千二百五十九条 "民法所称的'以上''以下'
  '以内''届满'，包括本数；所称的'不满''超过''以外'，不包括本数". So ``6项以上`` is
  ``>=``, ``超过`` is ``>``, ``不满`` is ``<``, ``少于3次`` is ``<``.
* A target without a comparator word (``98%``, ``2400人``) has comparator None:
  the table does not say whether it is a floor or an exact value.
* 多 / 余 straight after a number (``200多人``, ``3万余人``) mean "more than": ``>``.
* When a text gives two comparators that disagree (``超过90%以上``) the
  comparator is None.
* 达到 / 达 / 为 link a subject to its number and are not comparators.
* ``三级`` / ``二级`` (网络安全等级保护级别) are grades: parsed as quantity with
  unit ``级`` and the grade as the number, so that a query can compare levels.
* ``7天×24小时`` is a service-availability pattern: a frequency of 24 小时 per
  day, the days part (``7天``) kept as qualifier.
* A deadline with 前 / 之前 / 以前 / 截至 has comparator ``<=`` (the stated date or
  month is the last one allowed, the usual reading of "11月30日前完成"). A bare
  date (``2024年底``) has comparator None. ``N月底`` is the last day of that
  month; a month without a year (``每年7月份之前``) is an ``xsd:gMonth``
  (``--07``), a fifth datatype besides the four of the brief.
* In a range the scale of the upper bound carries to a bare lower bound
  (``1-2万人`` is 10000-20000) unless that would make the lower bound larger
  than the upper one (``500-1万``). A comparator on a range (``4-6家以上``)
  applies to the range as a whole, i.e. to its lower bound.
* The measure word (量词) is the unit (``176家医院``: unit ``家``, qualifier
  ``医院``); a count without a measure word takes the counted noun as its unit
  (``0事故``: unit ``事故``). ``千米`` / ``千克`` / ``千瓦`` are units, not 千 + unit.
* A sign or ordinal before a number (``-5%``, ``±2%``, ``第3名``) is not read:
  qualitative.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["QUALITATIVE_TERMS", "TargetValue", "is_known_qualitative", "parse_target"]


# --------------------------------------------------------------------------- #
# The value type
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class TargetValue:
    """One target text and what the grammar read from it.

    Strings, not numbers, throughout: ``value`` is the number exactly as the
    source wrote it (so ``100.00`` stays ``100.00`` and a reader can find it in
    the text), ``normalized`` is the exact decimal after scaling, ready to be a
    typed literal (``xsd:decimal``) without float rounding.
    """

    text: str
    kind: str
    comparator: str | None
    value: str | None
    normalized: str | None
    unit: str | None
    scale: str | None
    low: str | None = None
    high: str | None = None
    low_normalized: str | None = None
    high_normalized: str | None = None
    deadline: str | None = None
    deadline_datatype: str | None = None
    per_count: str | None = None
    per_period: str | None = None
    qualifier: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """A JSON-ready dict: the core keys always, range bounds for ranges,
        every other field only when set (so a quantity does not carry ten Nones)."""
        out: dict[str, str | None] = {
            "text": self.text,
            "kind": self.kind,
            "comparator": self.comparator,
            "value": self.value,
            "normalized": self.normalized,
            "unit": self.unit,
            "scale": self.scale,
        }
        if self.kind == "range":
            out["low"] = self.low
            out["high"] = self.high
            out["low_normalized"] = self.low_normalized
            out["high_normalized"] = self.high_normalized
        for name in (
            "low",
            "high",
            "low_normalized",
            "high_normalized",
            "deadline",
            "deadline_datatype",
            "per_count",
            "per_period",
            "qualifier",
        ):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


# --------------------------------------------------------------------------- #
# Closed list of qualitative targets
# --------------------------------------------------------------------------- #

#: Known qualitative targets. Built from the real Guangzhou HRSS 2024 strings
#: (every digit-free target that states a state, a quality, a conformity or a
#: way of working), plus a few stock evaluation words of the same tables
#: (达标, 合格 …). Not included on purpose: indicator names the source copied
#: into the value column (``发放率``, ``新用户注册量``) and long narrative
#: sentences copied from the 绩效目标; those fall to qualitative "with no rule"
#: and are worth a look in the source.
QUALITATIVE_TERMS: frozenset[str] = frozenset(
    {
        # placeholders: the table says the indicator is not numeric
        "非量化指标",
        "非具体量化指标",
        "定量指标",
        "年度计划数",
        "按当年度市下达任务数",
        "合同约定面积",
        "完成任务指标",
        "达到预期目标",
        # conformity and state
        "合法合规",
        "和谐稳定",
        "符合",
        "符合规定",
        "符合使用部门需要",
        "正常通过",
        "正常使用",
        "有效",
        "有效提升",
        "良好",
        "安全",
        "完备",
        "是",
        "长期",
        "持续影响",
        "全天",
        "较合理",
        "较快交付，性能较优",
        "达到安全生态标准",
        "达到节能降噪减排效果",
        "无重大网络安全事件",
        "未发生重大安全事故",
        "无收到垃圾分类处理处罚",
        "购置设备无闲置情况",
        "无因物业管理失误导致的影响中心正常运行情况",
        "未出现延期或未足额支付本金和利息的情况",
        "工程质量合格，通过竣工验收",
        "主基地工程通过验收评审",
        "民办技工学校党支部书记",
        # way of working and timeliness
        "按进度支付",
        "按期完成结算评审",
        "按期完成前期工作",
        "按合同工期完成工程",
        "按合同工期完成相应工程量",
        "按合同约定完成相应工程量",
        "按计划（按时）完成",
        "认真调研并及时反馈",
        "及时完成有关服务的采购和支付费用",
        "确定规划方案，按规划设计施工，确保施工质量和效果",
        # cost sharing stated in words ("七个区" names the districts, it is not a count target)
        "七个区协管员工资分摊",
        "全市七个区协管员工资按比例分摊",
        "市财政按比例分摊七个区协管员工资",
        # effects
        "劳动者合法权益得到保障",
        "有力保障劳动者合法权益",
        "办学条件得到改善",
        "环境得到良好的改善",
        "项目实施前后对比，环境得到改善",
        "日常办公运行高效",
        "提高办公效率",
        "能有效提升各项业务工作效率",
        "提升行政工作交通明显",
        "维护社保基金安全",
        "满足人事服务工作需求",
        "提供教学设备保障",
        "为市领导决策提供数据支撑",
        "保证对外公共服务大厅日常正常运营",
        "树立公共就业优质服务形象",
        "积极推动人才待遇的落地",
        "推进粤港澳大湾区高水平人才高地建设",
        "提升“三支一扶”人员生活水平",
        "增强“三支一扶”人员的归属感",
        "审核职称评审专家入库，丰富专家来源",
        "促进人才队伍建设，拓宽国际化视野",
        "完成世界技能大赛宣传制作、教师赛等重大活动的宣传",
        "通过广州技工教育世赛成果展示，推广广州技工教育品牌",
        # stock evaluation words of the same tables
        "达标",
        "合格",
        "满意",
        "优秀",
        "较好",
        "明显提升",
        "显著提升",
        "稳步提升",
        "按时完成",
        "按期完成",
        "及时",
        "无",
    }
)


# --------------------------------------------------------------------------- #
# Lexicon
# --------------------------------------------------------------------------- #


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation that prefers the longest word (不少于 before 少于)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# One character in, one character out: positions in the folded text are
# positions in the source, so every "as written" field is a slice of `text`.
_FOLD_MAP: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
# "，" stays: in Chinese text it separates clauses ("安全，0次"), it is never a
# thousands separator.
del _FOLD_MAP[ord("，")]
_FOLD_MAP.update(
    {
        ord("\u3000"): " ",
        ord("\u00a0"): " ",
        ord("～"): "~",
        ord("〜"): "~",
        ord("—"): "-",
        ord("–"): "-",
        ord("−"): "-",
        ord("‐"): "-",
        ord("‑"): "-",
        ord("≧"): "≥",
        ord("⩾"): "≥",
        ord("≦"): "≤",
        ord("⩽"): "≤",
        ord("﹥"): ">",
        ord("﹤"): "<",
        ord("﹦"): "=",
        ord("✕"): "×",
    }
)
_FOLD = str.maketrans(_FOLD_MAP)

#: Comparators written before the number. 以上-type words come after it.
_PREFIX_COMPARATORS: dict[str, str] = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "≮": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "不小于": ">=",
    "不短于": ">=",
    "大于等于": ">=",
    "大于或等于": ">=",
    "高于或等于": ">=",
    "至少": ">=",
    "最少": ">=",
    "最低": ">=",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "多于": ">",
    "超过": ">",
    "超出": ">",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "≯": "<=",
    "不多于": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "不超过": "<=",
    "不超出": "<=",
    "不长于": "<=",
    "小于等于": "<=",
    "小于或等于": "<=",
    "低于或等于": "<=",
    "至多": "<=",
    "最多": "<=",
    "最高": "<=",
    "<": "<",
    "小于": "<",
    "少于": "<",
    "低于": "<",
    "不足": "<",
    "不到": "<",
    "不满": "<",
    "未满": "<",
    "=": "=",
    "==": "=",
    "等于": "=",
    "约": "~",
    "约为": "~",
    "大约": "~",
    "大概": "~",
    "~": "~",
    "≈": "~",
}

_AMBIGUOUS_AT_START = frozenset(
    {"约", "约为", "大约", "大概", "最少", "最低", "最多", "最高", "超过", "超出", "不足", "不到", "不满", "未满"}
)

#: Comparators written after the number and its unit ("90%或以上", "1200人左右").
_SUFFIX_COMPARATORS: dict[str, str] = {
    "以上": ">=",
    "或以上": ">=",
    "及以上": ">=",
    "或更多": ">=",
    "或更高": ">=",
    "以下": "<=",
    "或以下": "<=",
    "及以下": "<=",
    "或更少": "<=",
    "或更低": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
    "左右": "~",
    "上下": "~",
}
# Single words that are also the start of other words ("内容", "上下班") only
# count as a comparator at the end of a clause or before a completion verb
# ("3天内完成").
_WEAK_SUFFIXES = frozenset({"内", "上下"})
_WEAK_FOLLOWER = re.compile(r"$|[ \t(（。.；;，,、]|完成|办结|处理|解决|响应|到场|到位|回复|答复|修复")

#: Verbs that link a subject to its number ("满意率达90%以上", "平台数达到5个").
_LINK_VERBS = ("达到", "达", "为", "是")
#: Verbs that may stand between a comparator and its number ("至少完成1次").
_COMPARATOR_VERBS = ("完成", "开展", "达到", "达", "实现")

#: Chinese scale words; compounds first. "百" alone is no scale (百分点).
_SCALES: dict[str, int] = {
    "千": 3, "万": 4, "亿": 8, "十万": 5, "百万": 6, "千万": 7, "十亿": 9, "百亿": 10, "千亿": 11, "万亿": 12,
}  # fmt: skip

#: Measure words (量词) of things that are counted: a number with one of
#: these per period is a frequency ("每月1份"), with a score or a money unit it
#: is not ("每季度考核分数≥90分").
_COUNT_UNITS = (
    "人次", "人天", "人日", "人", "名", "位", "个", "次", "场次", "场", "期", "项次", "项", "件",
    "份", "本", "篇", "门", "家次", "家", "间", "台套", "台", "套", "辆", "批次", "批", "条",
    "页", "行", "科次", "宗", "起", "例", "所", "支", "组", "块", "枚", "种", "类", "册", "部",
    "张", "座", "栋", "处", "节", "课", "班", "届", "轮", "回", "趟", "单", "笔", "户次", "户",
    "床", "队", "团",
)  # fmt: skip
#: Units that measure rather than count.
_MEASURE_UNITS = (
    "%", "‰", "‱", "个百分点", "百分点", "平方米", "平方公里", "平方千米", "平方", "平米", "㎡",
    "m²", "立方米", "m³", "公里", "千米", "米", "厘米", "公顷", "亩", "吨", "千克", "公斤", "克",
    "元", "美元", "个小时", "小时", "分钟", "秒钟", "秒", "毫秒", "个工作日", "工作日", "天",
    "周", "星期", "个月", "年", "季度", "学时", "课时", "分", "倍", "级", "星级", "星",
    "千瓦时", "千瓦", "千兆", "兆", "Mbps", "Gbps", "Kbps", "MB", "GB", "TB", "KB", "M", "G", "T",
)  # fmt: skip
_UNITS = _COUNT_UNITS + _MEASURE_UNITS

#: Periods of a frequency. "时" alone is not one: 按时 means "on time".
_PERIODS: dict[str, str] = {
    "日": "day",
    "天": "day",
    "周": "week",
    "星期": "week",
    "礼拜": "week",
    "月": "month",
    "个月": "month",
    "季": "quarter",
    "季度": "quarter",
    "年": "year",
    "年度": "year",
    "小时": "hour",
}
#: What may follow a bare 每月 / 按月 and still be a frequency ("按月提供").
_FREQUENCY_VERBS = ("", "提供", "更新", "报送", "上报", "发放", "支付", "开展", "检查", "巡查", "巡检", "维护", "备份", "统计", "结算")

_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL_CHARS = frozenset("零〇一二两三四五六七八九十百千万亿")
_CN_BIG_UNITS: dict[str, int] = {"万": 10**4, "亿": 10**8}

# --------------------------------------------------------------------------- #
# Token patterns
# --------------------------------------------------------------------------- #

_WS = r"[ \t]*"
_PREFIX_ALT = _alternation(_PREFIX_COMPARATORS)
_SUFFIX_ALT = _alternation(_SUFFIX_COMPARATORS)
_UNIT_ALT = _alternation(_UNITS)
_PERIOD_ALT = _alternation(_PERIODS)
_SCALE_ALT = _alternation(_SCALES)

# A maximal run of digits, commas and points; validated by _NUMBER below so
# that "1,2345" or "1.2.3" is rejected as a whole instead of read as "1".
_NUMBER_RUN = re.compile(r"[0-9](?:[0-9,.]*[0-9])?")
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")

_PREFIX_COMPARATOR_AT_END = re.compile(
    rf"(?P<comparator>{_PREFIX_ALT}){_WS}(?P<verb>{_alternation(_COMPARATOR_VERBS)})?{_WS}$"
)
# At the start of a text, away from the number, only words that cannot be
# anything else: "约定工期内完成100%" is no "about", "不足之处" no "less than".
_PREFIX_COMPARATOR_AT_START = re.compile(
    rf"^{_WS}(?P<comparator>{_alternation(w for w in _PREFIX_COMPARATORS if w not in _AMBIGUOUS_AT_START)})"
)
_SUFFIX_COMPARATOR = re.compile(rf"(?P<comparator>{_SUFFIX_ALT})")
_MORE = re.compile(r"[多余]")
_SCALE = re.compile(rf"(?:{_SCALE_ALT})")
_UNIT = re.compile(rf"(?:{_UNIT_ALT})")
_BRACKET_UNIT = re.compile(rf"[(（【\[]{_WS}(?P<unit>{_UNIT_ALT}){_WS}[)）】\]]")
_RATE = re.compile(rf"/{_WS}(?P<den>{_PERIOD_ALT}|{_UNIT_ALT}|[\u4e00-\u9fff]{{1,2}}|[A-Za-z]{{1,5}})")
_BRACKET_NOTE = re.compile(r"[(（【\[](?P<note>[^()（）【】\[\]]*)[)）】\]]")
_NOUN_UNIT = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}|[A-Za-z]{1,5})$")
_EACH_PERIOD = re.compile(rf"每(?:个)?(?P<period>{_PERIOD_ALT})")
_BARE_FREQUENCY = re.compile(rf"^(?:每(?:个)?|按)(?P<period>{_PERIOD_ALT})(?P<verb>{_alternation(_FREQUENCY_VERBS)})$")
_CLAUSE_END = "。.；;，,、！!？?"
_OPERATORS = re.compile(r"[÷×*]")
_RANGE_SEPARATOR = re.compile(rf"{_WS}(?:-|~|至|到){_WS}")
_LINK_BEFORE_TARGET = re.compile(rf"(?:=|{_PREFIX_ALT}|达到|达|为){_WS}$")
# "2次/月", "3万人/年": the "/" of a rate follows a number and its unit.
_RATE_BEFORE_SLASH = re.compile(rf"[0-9]{_WS}(?:{_SCALE_ALT})?{_WS}(?:{_UNIT_ALT})?{_WS}$")
# A comparison with a reference and no number: "不低于上年", "采购价格≤预算价格".
# Only comparator words that cannot be read otherwise ("至少" opens sentences).
_RELATIVE = re.compile(
    rf"(?P<subject>[^0-9，,。；;、]{{0,12}}?)"
    rf"(?P<comparator>{_alternation(w for w in _PREFIX_COMPARATORS if _PREFIX_COMPARATORS[w] != '~' and w not in _AMBIGUOUS_AT_START and w not in ('=', '==', '等于', '至少', '至多'))})"
    rf"(?P<reference>[^0-9，,。；;、<>=≤≥]{{1,10}})"
)
# A Chinese numeral that may be the whole target: "一次", "每周一次", "≤三次".
_CN_CORE = re.compile(
    rf"^{_WS}(?:每(?:个)?(?:{_PERIOD_ALT}))?{_WS}(?:{_PREFIX_ALT})?{_WS}(?P<n>[零〇一二两三四五六七八九十百千万亿])"
)

# "7天×24小时", "7×24小时", "5天*8小时": how many hours a day, how many days a week.
_AVAILABILITY = re.compile(
    rf"^{_WS}(?P<days>(?P<d>[1-7]|[一二三四五六七]){_WS}(?:天|日)?){_WS}[×xX*]{_WS}(?P<hours>[0-9]{{1,2}}){_WS}(?P<unit>小时|h|H)?{_WS}$"
)

# Dates. The year is 19xx/20xx so that a count such as "3000年" is no date.
# The lookarounds keep a date out of a longer number ("12000年" holds no 2000年).
_YEAR = r"(?<![0-9.,])(?P<y>(?:19|20)[0-9]{2})"
_MONTH = r"(?<![0-9.,])(?P<m>[0-9]{1,2})"
_DAY = r"(?P<d>[0-9]{1,2})(?![0-9])"
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("ymd", rf"{_YEAR}{_WS}年{_WS}{_MONTH}{_WS}月(?:份)?{_WS}{_DAY}{_WS}[日号]"),
        ("ymd", rf"{_YEAR}{_WS}[-/.]{_WS}{_MONTH}{_WS}[-/.]{_WS}{_DAY}"),
        ("ym-end", rf"{_YEAR}{_WS}年{_WS}{_MONTH}{_WS}月(?:份)?{_WS}(?:底|末)"),
        ("ym", rf"{_YEAR}{_WS}年{_WS}{_MONTH}{_WS}月(?:份)?"),
        ("y-end", rf"{_YEAR}{_WS}年(?:度)?{_WS}(?:底|末)"),
        ("y", rf"{_YEAR}{_WS}年(?:度)?"),
        ("md", rf"{_MONTH}{_WS}月(?:份)?{_WS}{_DAY}{_WS}[日号]"),
        ("m-end", rf"{_MONTH}{_WS}月(?:份)?{_WS}(?:底|末)"),
        # A month alone is a date only when something says so: 前/之前/以前 after
        # it or 每年 before it; "6月" alone could as well be six months.
        ("m", rf"{_MONTH}{_WS}月(?:份)?(?={_WS}(?:之前|以前|前))"),
        ("m", rf"(?<=每年){_WS}{_MONTH}{_WS}月(?:份)?"),
    )
)
_DEADLINE_BEFORE = re.compile(rf"{_WS}(?P<word>之前|以前|前|为止|止)")
_DEADLINE_PREFIX = re.compile(rf"(?P<word>截至|截止到|截止|不晚于|最迟|于|在|到){_WS}$")
_YEAR_END_ONLY = re.compile(rf"^{_WS}(?:每年)?{_WS}(?:年底|年末)(?P<before>前|之前|以前)?(?P<rest>完成)?{_WS}$")

# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #

Span = tuple[int, int]


def _decimal_text(number: Decimal) -> str:
    """A plain decimal string: no exponent, no trailing zeros ("18500", "99.9")."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scaled(number_text: str, scale: str | None) -> Decimal | None:
    """The exact value of an Arabic number as written, times its scale word."""
    try:
        number = Decimal(number_text.replace(",", ""))
    except InvalidOperation:
        return None
    if scale is not None:
        number = number.scaleb(_SCALES[scale])
    return number


def _chinese_numeral(word: str) -> int | None:
    """The value of a Chinese numeral word, or None when it is not one.

    Rejects what would need a guess: "三万五" (colloquial for 35000, but
    literally 30005), "一百五", "一二", "万一", and words without any digit
    ("千万" is an adverb far more often than ten million).
    """
    if not word or not any(ch in _CN_DIGITS or ch == "十" for ch in word):
        return None
    total = 0  # completed 亿 and 万 sections
    section = 0  # the part below 万 being read
    pending: int | None = None  # a digit waiting for its unit
    for ch in word:
        if ch in _CN_DIGITS:
            if pending is not None and pending != 0:
                return None  # "一二": two digits in a row
            pending = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            if pending is None:
                if ch == "十" and section == 0:
                    pending = 1  # "十五" is 15
                else:
                    return None
            section += pending * _CN_SMALL_UNITS[ch]
            pending = None
        elif ch in _CN_BIG_UNITS:
            section += pending or 0
            pending = None
            if section == 0 or (ch == "亿" and total):
                return None
            total += section * _CN_BIG_UNITS[ch]
            section = 0
        else:
            return None
    if pending and len(word) > 1 and word[-2] in "百千万亿":
        return None  # "一百五", "三万五": an abbreviation, read only by guessing
    return total + section + (pending or 0)


def _merge(comparators: list[str]) -> str | None:
    """One comparator from all the spellings found; None when they disagree
    ("超过90%以上" says both > and >=)."""
    found = set(comparators)
    return found.pop() if len(found) == 1 else None


_STRIP = " \t\u3000" + _CLAUSE_END + ":："


def _clean(text: str) -> str:
    """Qualifier text without surrounding spaces, clause punctuation and one
    enclosing pair of brackets."""
    text = text.strip(_STRIP)
    if len(text) >= 2 and text[0] in "(（" and text[-1] in ")）":
        inner = text[1:-1]
        if not any(ch in "()（）" for ch in inner):
            text = inner.strip(_STRIP)
    return text


def _join_qualifier(before: str, after: str) -> str | None:
    """The text around the number; "…" marks where the number stood."""
    before, after = _clean(before), _clean(after)
    if before and after:
        return f"{before}…{after}"
    return before or after or None


def _text_of(text: str, spans: list[Span]) -> str:
    return "".join(text[a:b] for a, b in spans)


def _skip_ws(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in " \t":
        pos += 1
    return pos


def _strip_end(s: str) -> str:
    """The text without the full stop or semicolon that ends the cell
    ("不少于200人次。" was typed with its sentence stop)."""
    return s.rstrip(" \t" + _CLAUSE_END)


def _qualitative(text: str, comparator: str | None = None, qualifier: str | None = None) -> TargetValue:
    return TargetValue(text, "qualitative", comparator, None, None, None, None, qualifier=qualifier)


# --------------------------------------------------------------------------- #
# Around a number: what precedes it, what follows it
# --------------------------------------------------------------------------- #


@dataclass(slots=True)
class _Tail:
    """What follows a number, as far as the grammar reads it."""

    end: int
    scale: str | None = None
    unit: Span | None = None
    bracket_unit: Span | None = None
    denominator: str | None = None
    comparator: str | None = None
    more: bool = False

    def unit_text(self, text: str) -> str | None:
        """The unit as written, without its brackets ("台（套）" -> "台套")."""
        spans = [span for span in (self.unit, self.bracket_unit) if span is not None]
        return "".join(text[a:b] for a, b in spans) or None


def _scan_tail(s: str, pos: int, *, allow_scale: bool = True) -> _Tail:
    """Read what may follow a number, in the order the tables write it:
    多/余, scale, 多/余, unit, bracketed unit, "/" denominator, 以上-type word."""
    tail = _Tail(pos)
    pos = _skip_ws(s, pos)
    if m := _MORE.match(s, pos):
        tail.more, pos = True, m.end()
        tail.end = pos
    if allow_scale and (m := _SCALE.match(s, pos)):
        unit = _UNIT.match(s, pos)
        # "5千米" is five kilometres, not 5 千 + 米.
        if not (unit and len(unit.group()) > len(m.group())):
            tail.scale, pos = m.group(), m.end()
            tail.end = pos
            if not tail.more and (m := _MORE.match(s, pos)):
                tail.more, pos = True, m.end()
                tail.end = pos
    pos = _skip_ws(s, pos)
    if m := _UNIT.match(s, pos):
        tail.unit, tail.end = m.span(), m.end()
        pos = m.end()
    # ">100000（次）", "≥年度计划值600台（套）": the unit, or part of it, in brackets.
    if m := _BRACKET_UNIT.match(s, _skip_ws(s, pos)):
        tail.bracket_unit, tail.end = m.span("unit"), m.end()
        pos = m.end()
    # "2次/月" (a frequency), "≥25人/班" (a rate unit).
    if m := _RATE.match(s, _skip_ws(s, pos)):
        tail.denominator, tail.end = m.group("den"), m.end()
        pos = m.end()
    if m := _SUFFIX_COMPARATOR.match(s, _skip_ws(s, pos)):
        word = m.group("comparator")
        if word not in _WEAK_SUFFIXES or _WEAK_FOLLOWER.match(s, m.end()):
            tail.comparator, tail.end = _SUFFIX_COMPARATORS[word], m.end()
            pos = m.end()
            # "3000以上人次": the unit after the comparator.
            if tail.unit is None and tail.bracket_unit is None and (m := _UNIT.match(s, _skip_ws(s, pos))):
                tail.unit, tail.end = m.span(), m.end()
    return tail


def _split_prefix(s: str, start: int) -> tuple[list[str], list[Span]]:
    """The comparators written before a number and the spans of the qualifier.

    A comparator stands right before the number ("满意率≥90%", also
    "至少完成1次" with a verb between) or opens the text ("≥年度计划值600台（套）").
    Without one, a linking verb at the end is dropped ("满意率达90%以上").
    """
    comparators: list[str] = []
    spans: list[Span] = [(0, start)]
    if m := _PREFIX_COMPARATOR_AT_END.search(s, 0, start):
        comparators.append(_PREFIX_COMPARATORS[m.group("comparator")])
        spans = [(0, m.start())]
        if m.group("verb"):
            spans.append(m.span("verb"))
    first_end = spans[0][1]
    if first_end and (m := _PREFIX_COMPARATOR_AT_START.match(s, 0, first_end)):
        comparators.append(_PREFIX_COMPARATORS[m.group("comparator")])
        spans[0] = (m.end(), first_end)
    if not comparators:
        a, b = spans[0]
        stripped = s[a:b].rstrip(" \t")
        for verb in _LINK_VERBS:
            if stripped.endswith(verb) and len(stripped) > len(verb):
                spans[0] = (a, a + len(stripped) - len(verb))
                break
    return comparators, spans


def _sign_before(s: str, start: int) -> bool:
    """True when the number is signed or ordinal: "-5%", "±2%", "第3名"."""
    stripped = s[:start].rstrip(" \t")
    return bool(stripped) and stripped[-1] in "-+±第"


def _rest_after(s: str, end: int) -> tuple[Span | None, Span]:
    """What follows the number's tail: a bracketed note, then the rest
    (without the closing punctuation of the cell)."""
    pos = _skip_ws(s, end)
    note = None
    if m := _BRACKET_NOTE.match(s, pos):
        note, pos = m.span("note"), m.end()
    pos = _skip_ws(s, pos)
    return note, (pos, max(pos, len(_strip_end(s))))


# --------------------------------------------------------------------------- #
# Productions
# --------------------------------------------------------------------------- #


def _numbers(s: str) -> list[re.Match[str]] | None:
    """Every Arabic number in the text, or None when one of them is malformed
    ("1,2345", "1.2.3" are not read as "1")."""
    runs = list(_NUMBER_RUN.finditer(s))
    for run in runs:
        if not _NUMBER.fullmatch(run.group()):
            return None
    return runs


def _deadline(text: str, s: str) -> TargetValue | None:
    """Dates: "2024年11月30日前", "2024年底", "每年12月31日前", "每年7月份之前完成"."""
    if m := _YEAR_END_ONLY.match(_strip_end(s)):
        # "年底前完成": the year end of the target's own year, every year.
        rest = m.group("rest")
        return TargetValue(
            text, "deadline", "<=" if m.group("before") else None, None, None, None, None,
            deadline="--12-31", deadline_datatype="gMonthDay", qualifier=rest,
        )  # fmt: skip
    for name, pattern in _DATE_PATTERNS:
        m = pattern.search(s)
        if m is None:
            continue
        if _NUMBER_RUN.search(s, 0, m.start()) or _NUMBER_RUN.search(s, m.end()):
            return None  # "2024年完成80%": a date and a number, not a deadline alone
        groups = m.groupdict()
        year = int(groups["y"]) if groups.get("y") else None
        month = int(groups["m"]) if groups.get("m") else None
        day = int(groups["d"]) if groups.get("d") else None
        if month is not None and not 1 <= month <= 12:
            return _qualitative(text)  # "2024年13月": a date that is none; no guess
        # Without a year, use a leap year: "2月底" is "--02-29", the last day there can be.
        days_in_month = calendar.monthrange(year or 2000, month)[1] if month else 31
        if name.endswith("-end") and month is not None:
            day = days_in_month
        if name == "y-end":
            month, day = 12, 31  # "2024年底"
        if day is not None and not 1 <= day <= days_in_month:
            return _qualitative(text)
        if year is not None and month is not None and day is not None:
            deadline, datatype = f"{year:04d}-{month:02d}-{day:02d}", "date"
        elif year is not None and month is not None:
            deadline, datatype = f"{year:04d}-{month:02d}", "gYearMonth"
        elif year is not None:
            deadline, datatype = f"{year:04d}", "gYear"
        elif day is not None:
            deadline, datatype = f"--{month:02d}-{day:02d}", "gMonthDay"
        else:
            deadline, datatype = f"--{month:02d}", "gMonth"
        before_end, after_start = m.start(), m.end()
        comparator = None
        if b := _DEADLINE_BEFORE.match(s, after_start):
            comparator, after_start = "<=", b.end()
        if p := _DEADLINE_PREFIX.search(s, 0, before_end):
            if p.group("word") in ("截至", "截止到", "截止", "不晚于", "最迟"):
                comparator = "<="
            before_end = p.start()
        if s[:before_end].rstrip(" \t").endswith("每年"):
            before_end = s[:before_end].rstrip(" \t").rfind("每年")  # recurring: the datatype says so
        return TargetValue(
            text, "deadline", comparator, None, None, None, None,
            deadline=deadline, deadline_datatype=datatype,
            qualifier=_join_qualifier(text[:before_end], text[after_start:]),
        )  # fmt: skip
    return None


def _availability(text: str, s: str) -> TargetValue | None:
    """"7天×24小时": 24 hours a day on every day of the week (a frequency of 24 per day)."""
    m = _AVAILABILITY.match(_strip_end(s))
    if m is None or not 1 <= int(m.group("hours")) <= 24:
        return None
    hours = _decimal_text(Decimal(m.group("hours")))
    return TargetValue(
        text, "frequency", None, text[m.start("hours") : m.end("hours")], hours,
        text[m.start("unit") : m.end("unit")] if m.group("unit") else None, None,
        per_count=hours, per_period="day", qualifier=_clean(text[m.start("days") : m.end("days")]),
    )  # fmt: skip


def _has_arithmetic(s: str) -> bool:
    """÷ × *, or a "/" between two words ("满意人员/总人数"); not the "/" of a
    rate right after a number and its unit ("2次/月", "25人/班")."""
    if _OPERATORS.search(s):
        return True
    for slash in re.finditer("/", s):
        before = s[: slash.start()]
        if _RATE_BEFORE_SLASH.search(before):
            continue
        if re.search(r"[\u4e00-\u9fffA-Za-z)）]\s*$", before):
            return True
    return False


def _formula(text: str, s: str, numbers: list[re.Match[str]]) -> TargetValue:
    """"（合同审核参与数÷合同数）×100%=90%": the expression is the qualifier, the
    number after the last "=" / comparator / 达到 is the target. Without such a
    link ("…/总设备数量*100%") the last number is a factor, not a target."""
    empty = TargetValue(text, "formula", None, None, None, None, None)
    if not numbers:
        return empty
    last = numbers[-1]
    link = _LINK_BEFORE_TARGET.search(s, 0, last.start())
    if link is None:
        return empty
    tail = _scan_tail(s, last.end())
    note, (rest_start, rest_end) = _rest_after(s, tail.end)
    if note is not None or rest_end > rest_start:
        return empty
    value = _scaled(last.group(), tail.scale)
    if value is None:
        return empty
    word = link.group().strip(" \t")
    comparators = [c for c in (_PREFIX_COMPARATORS.get(word), tail.comparator, ">" if tail.more else None) if c]
    unit = tail.unit_text(text)
    if tail.denominator is not None:
        unit = f"{unit or ''}/{tail.denominator}"
    return TargetValue(
        text, "formula", _merge(comparators), text[last.start() : last.end()], _decimal_text(value), unit,
        tail.scale, qualifier=_clean(text[: link.start()]) or None,
    )  # fmt: skip


def _range(text: str, s: str, first: re.Match[str], second: re.Match[str]) -> TargetValue | None:
    """"3-5块奖牌", "4-8个团组", "2-24小时", "3至5", "1-2万人"."""
    low_tail = _scan_tail(s, first.end())
    if low_tail.denominator or low_tail.comparator or low_tail.more or low_tail.bracket_unit:
        return None
    sep = _RANGE_SEPARATOR.match(s, low_tail.end)
    if sep is None or sep.end() != second.start() or _sign_before(s, first.start()):
        return None
    comparators, before = _split_prefix(s, first.start())
    high_tail = _scan_tail(s, second.end())
    low_unit, high_unit = low_tail.unit_text(text), high_tail.unit_text(text)
    if low_unit is not None and low_unit != high_unit:
        return None  # "1小时-2天": two units, no single range
    low, high = _scaled(first.group(), low_tail.scale), _scaled(second.group(), high_tail.scale)
    if low is None or high is None:
        return None
    scale = high_tail.scale
    if low_tail.scale is None and high_tail.scale is not None:
        inherited = _scaled(first.group(), high_tail.scale)
        if inherited is not None and inherited <= high:
            low = inherited  # "1-2万人" is 1万 to 2万
        else:
            scale = None  # "500-1万": the bounds have different scales
    elif low_tail.scale != high_tail.scale:
        scale = None
    if low > high:
        return None  # "5-3": not a range; maybe a code or a date
    comparators += [c for c in (high_tail.comparator, ">" if high_tail.more else None) if c]
    note, rest = _rest_after(s, high_tail.end)
    if high_unit is None and note is None and s[rest[0] : rest[0] + 1] in ("月", "日", "号"):
        return None  # "3-5月": March to May, or three to five months?
    after = " ".join(p for p in (text[note[0] : note[1]] if note else "", text[rest[0] : rest[1]]) if p)
    unit = high_unit if high_tail.denominator is None else f"{high_unit or ''}/{high_tail.denominator}"
    return TargetValue(
        text, "range", _merge(comparators), None, None, unit, scale,
        low=text[first.start() : first.end()], high=text[second.start() : second.end()],
        low_normalized=_decimal_text(low), high_normalized=_decimal_text(high),
        qualifier=_join_qualifier(_text_of(text, before), after),
    )  # fmt: skip


def _single(text: str, s: str, number: re.Match[str] | None, cn: re.Match[str] | None) -> TargetValue | None:
    """One number with what surrounds it: a quantity, or a frequency when it
    counts something per period ("2次/月", "每月1次", "每周一次")."""
    start, end = number.span() if number is not None else cn.span()  # type: ignore[union-attr]
    if _sign_before(s, start):
        return None
    comparators, before_spans = _split_prefix(s, start)
    tail = _scan_tail(s, end, allow_scale=number is not None)
    comparators += [c for c in (tail.comparator, ">" if tail.more else None) if c]
    note, (rest_start, rest_end) = _rest_after(s, tail.end)
    unit = tail.unit_text(text)
    rest_folded = s[rest_start:rest_end]
    if unit is None and note is None and rest_folded[:1] in ("月", "日", "号"):
        return None  # "6月": June or six months? No guess.
    if unit is None and rest_folded[:1] and rest_folded[0] in _CN_NUMERAL_CHARS:
        return None  # "3万五千人", "1千五百": the number goes on in Chinese numerals
    if (
        unit is None
        and tail.denominator is None
        and note is None
        and _NOUN_UNIT.match(rest_folded)
        and rest_folded[0] not in "月日号时年"
        and (number is not None or cn.group() in ("零", "〇"))  # type: ignore[union-attr]
    ):
        # "0事故", "零故障": a count without a measure word; the counted noun is its unit.
        unit, rest_start = text[rest_start:rest_end], rest_end
    after = " ".join(
        p for p in (text[note[0] : note[1]] if note else "", text[rest_start:rest_end]) if p
    )
    before = _text_of(text, before_spans)

    # 每月 / 每年 before a count makes it a frequency; the marker leaves the qualifier.
    per_period = None
    if tail.denominator is not None:
        if tail.denominator in _PERIODS and (unit is None or unit in _COUNT_UNITS):
            per_period = _PERIODS[tail.denominator]
    elif unit in _COUNT_UNITS and (each := _EACH_PERIOD.search(before.translate(_FOLD))):
        stripped = _clean(before)
        if stripped.translate(_FOLD).startswith(each.group()):
            per_period, before = _PERIODS[each.group("period")], stripped[len(each.group()) :]
        elif stripped.translate(_FOLD).endswith(each.group()):
            per_period, before = _PERIODS[each.group("period")], stripped[: -len(each.group())]
        else:
            # "平均每月功能模块访问总次数1000次": 每月 inside the subject; still per month.
            per_period = _PERIODS[each.group("period")]

    if cn is not None:
        # A Chinese numeral is read only when it is the whole target, with a
        # measure word or nothing after it: "一次", "三级", "一周以内（一般整改）",
        # "每周一次"; never "一次性", "一流", "七个区协管员…".
        if _clean(before) or rest_end > rest_start or unit == "分":
            return None  # "十分" is "very" far more often than ten points
        amount = _chinese_numeral(cn.group())
        if amount is None:
            return None
        normalized = str(amount)
    else:
        value = _scaled(number.group(), tail.scale)  # type: ignore[union-attr]
        if value is None:
            return None
        normalized = _decimal_text(value)
    written = text[start:end]
    qualifier = _join_qualifier(before, after)
    if per_period is not None:
        return TargetValue(
            text, "frequency", _merge(comparators), written, normalized, unit, tail.scale,
            per_count=normalized, per_period=per_period, qualifier=qualifier,
        )  # fmt: skip
    if tail.denominator is not None:
        unit = f"{unit or ''}/{tail.denominator}"  # "≥25人/班"
    return TargetValue(
        text, "quantity", _merge(comparators), written, normalized, unit, tail.scale, qualifier=qualifier
    )


def _relative(text: str, s: str) -> TargetValue | None:
    """No number but a comparison with a reference: "不低于上年", "采购价格≤预算价格"."""
    m = _RELATIVE.fullmatch(_strip_end(s))
    if m is None:
        return None
    return _qualitative(
        text,
        _PREFIX_COMPARATORS[m.group("comparator")],
        _join_qualifier(text[m.start("subject") : m.end("subject")], text[m.start("reference") : m.end("reference")]),
    )


def is_known_qualitative(text: str) -> bool:
    """True when the text is one of :data:`QUALITATIVE_TERMS` (width-folded, end punctuation off).

    Separates the closed list of qualitative targets from the strings that fell
    to "qualitative" only because no rule matched — the evidence for improving
    the grammar.
    """
    core = _strip_end(text.translate(_FOLD)).strip(" \t")
    return core in QUALITATIVE_TERMS or _strip_end(text).strip() in QUALITATIVE_TERMS


#: "2023.07", "2023/7": a year and a month written with digits only.
_YEAR_MONTH = r"(?:19|20)\d{2}[./\-](?:0?[1-9]|1[0-2])"
_YEAR_MONTH_ONLY = re.compile(r"^(?P<y>(?:19|20)\d{2})[./\-](?P<m>0?[1-9]|1[0-2])$")
#: "2023.07-2024.01", "202001-202012": an implementation period of year-months (the 项目期 of many forms).
_YEAR_MONTH_PERIOD = re.compile(
    rf"^(?P<a>{_YEAR_MONTH}|(?:19|20)\d{{2}}(?:0[1-9]|1[0-2]))\s*[-–—~～至到]\s*"
    rf"(?P<b>{_YEAR_MONTH}|(?:19|20)\d{{2}}(?:0[1-9]|1[0-2]))$"
)
#: A template's placeholder left in: "≥**%", "(≤**万元)".
_PLACEHOLDER = re.compile(r"[*＊]{2,}|[×Ｘ]{2,}")


def _year_month(text: str) -> tuple[int, int]:
    digits = re.split(r"[./\-]", text)
    if len(digits) == 2:
        return int(digits[0]), int(digits[1])
    return int(text[:4]), int(text[4:])


def _numeric_date(text: str, core: str) -> TargetValue | None:
    """Year-months in digits are dates, not numbers: "2023.07" is July 2023, never 2023.07 of anything.

    A period ("2023.07-2024.01", "202001-202012") is a deadline at its end:
    done by January 2024. Six digits alone ("202001") stay ambiguous and give
    no number either way (they are left to the rules below only in a period).
    """
    if (m := _YEAR_MONTH_ONLY.match(core)) is not None:
        return TargetValue(text, "deadline", None, None, None, None, None,
                           deadline=f"{int(m['y']):04d}-{int(m['m']):02d}", deadline_datatype="gYearMonth")
    if (m := _YEAR_MONTH_PERIOD.match(core)) is not None:
        start, end = _year_month(m["a"]), _year_month(m["b"])
        if start > end:
            return _qualitative(text)  # a period that ends before it starts: no guess
        return TargetValue(text, "deadline", "<=", None, None, None, None,
                           deadline=f"{end[0]:04d}-{end[1]:02d}", deadline_datatype="gYearMonth",
                           qualifier=f"from {start[0]:04d}-{start[1]:02d}")
    return None


def _parse(text: str) -> TargetValue:
    s = text.translate(_FOLD)
    core = _strip_end(s).strip(" \t")
    if not core or is_known_qualitative(text):
        return _qualitative(text)
    if _PLACEHOLDER.search(core):
        # "≥**%": the template's placeholder was never filled in; whatever else it says, no number.
        return TargetValue(text, "qualitative", None, None, None, None, None, qualifier="template placeholder")
    if found := _numeric_date(text, core):
        return found
    if found := _deadline(text, s):
        return found
    numbers = _numbers(s)
    if numbers is None:
        return _qualitative(text)
    if found := _availability(text, s):
        return found
    if _has_arithmetic(s):
        return _formula(text, s, numbers)
    if len(numbers) == 2 and (found := _range(text, s, numbers[0], numbers[1])):
        return found
    if len(numbers) == 1:
        return _single(text, s, numbers[0], None) or _qualitative(text)
    if numbers:
        return _qualitative(text)  # "兼职仲裁员1500件，专职仲裁员10000件": which one is the target?
    if m := _BARE_FREQUENCY.match(core):
        return TargetValue(text, "frequency", None, None, None, None, None, per_period=_PERIODS[m.group("period")])
    if (m := _CN_CORE.match(s)) and (found := _single(text, s, None, _CN_NUMBER.match(s, m.start("n")))):
        return found
    return _relative(text, s) or _qualitative(text)


def parse_target(text: str) -> TargetValue:
    """Parse one target text; never raises.

    Anything that is not a string is read as its ``str`` (None as ""), and an
    unexpected failure inside the grammar gives ``qualitative``: a conversion
    must not stop on one odd cell, and "qualitative, with its text" is always a
    true statement about the source.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        return _parse(text)
    except Exception:  # noqa: BLE001 - the contract is "never raise"; the text is kept
        return _qualitative(text)
