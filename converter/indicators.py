"""Parse the 绩效指标 cell of a project row into indicators.

The standard layout is a numbered list of segments::

    1、1-产出指标；11-数量指标；补贴发放准确率；实施周期指标值:≥98%；年度指标值:≥98%。2、…

Real rows vary, and every variation below was seen in the Guangzhou 2024 table:

* half-width separators: ``1、2-效益指标,22-社会效益,非正常停机率;实施周期指标值:<5%,年度指标值:<5%;``
* full-width colons: ``实施周期指标值：≥90%``
* a ``。`` instead of ``；`` before 年度指标值: ``…的关怀。年度指标值:…``
* names containing ``，`` or ``。``: ``完成250家以上企业薪酬调查。``
* numbering that skips (``1、 2、 5、``) and a segment whose annual target the
  source repeated three times (``；年度指标值:X；年度指标值:X；年度指标值:X``)
* one project in a free-form layout: ``1.产出数量：1.1故障工单关闭率…,目标值100%。``

The parser never drops text: the caller keeps the whole cell, and each
deviation is returned as a :class:`~converter.records.Problem` with the line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .categories import LEVEL1, LEVEL2, PARENT
from .records import Indicator, Problem, Target
from .targets import parse_target

#: Every problem code the 绩效指标 cell's parser reports, with its severity (``docs/errors.md``
#: explains each; tests/test_robustness.py keeps the two, and the codes used here, in step).
PROBLEM_CODES: dict[str, str] = {
    "unparsed-indicators": "warning",
    "numbering-gap": "warning",
    "unparsed-indicator": "warning",
    "repeated-annual-target": "warning",
    "nonstandard-separator": "info",
    "full-width-colon": "info",
    "unknown-category": "warning",
    "category-label": "info",
    "free-form-layout": "warning",
    "missing-target": "info",
}


def _problem(file: str, line: int, code: str, message: str, found: str = "") -> Problem:
    return Problem(file, line, code, message, found, PROBLEM_CODES[code])

#: The national framework of indicator categories (财政部 绩效指标体系), by code:
#: see :mod:`converter.categories`, which also knows them by name.

#: Free-form layout headings and the level-2 code each stands for.
FREE_FORM_HEADINGS: dict[str, str] = {
    "产出数量": "11",
    "产出质量": "12",
    "产出时效": "13",
    "产出成本": "14",
    "经济效益": "21",
    "社会效益": "22",
    "生态效益": "23",
    "可持续影响": "24",
    "满意度": "31",
    "服务对象满意度": "31",
}

_SEP = "[；;，,]"
_END = "[。；;，,]"
# A segment number: "N、" at the start of the cell or right after a terminator.
_SEGMENT_START = re.compile(r"(?:^|(?<=[。；;]))(\d+)、")
_SEGMENT = re.compile(
    rf"^(?P<l1c>\d)-(?P<l1>[^；;，,]+?){_SEP}\s*"
    rf"(?P<l2c>\d{{2}})-(?P<l2>[^；;，,]+?){_SEP}\s*"
    rf"(?P<name>.+?){_SEP}\s*"
    rf"实施周期指标值\s*[:：](?P<period>.*?){_END}\s*"
    rf"年度指标值\s*[:：](?P<annual>.*)$",
    re.S,
)
_REPEATED_ANNUAL = re.compile(rf"{_END}\s*年度指标值\s*[:：]")
_FREE_HEADING = re.compile(
    r"(?:^|(?<=[。；;]))(\d+)\.(" + "|".join(sorted(FREE_FORM_HEADINGS, key=len, reverse=True)) + ")[：:]"
)
_FREE_ITEM = re.compile(r"(?:^|(?<=[。；;]))\d+\.\d+")
_FREE_TARGET = re.compile(r"[,，]?\s*目标值\s*[:：]?(?P<target>[^。；;]*)")
_STANDARD_FORM = re.compile(r"^\d-[^；;，,]+；\d{2}-[^；;，,]+；.+；实施周期指标值[:：].*；年度指标值[:：].*。$", re.S)


def normalize_name(name: str) -> str:
    """The key under which equal indicator names are one shared definition.

    NFKC folds full-width letters, digits and punctuation to their half-width
    forms; white space and a trailing full stop are not part of the name.
    """
    folded = unicodedata.normalize("NFKC", name)
    folded = "".join(folded.split())
    return folded.rstrip("。.")


def parse_indicators(text: str, file: str, line: int) -> tuple[list[Indicator], list[Problem]]:
    """Parse one indicator cell; return the indicators and the problems found."""
    if not text.strip():
        return [], []
    if _SEGMENT_START.match(text):
        return _parse_numbered(text, file, line)
    if _FREE_HEADING.match(text):
        return _parse_free_form(text, file, line)
    return [], [
        _problem(file, line, "unparsed-indicators", "indicator text follows no known layout; kept as text", _clip(text))
    ]


@lru_cache(maxsize=8192)
def target_of(text: str) -> Target:
    """A target with its parsed value (comparator, number, unit …).

    Cached: target texts repeat (2,499 in the bundled table, 530 distinct),
    parsing them was ~30 % of a conversion, and Target is frozen, so indicators
    may share one (issue 9, benchmarks/README.md).
    """
    return Target(text, parse_target(text))


_target = target_of


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _split_segments(text: str) -> list[tuple[int, str]]:
    parts = _SEGMENT_START.split(text)
    # parts = [prefix, n1, seg1, n2, seg2, ...]; the prefix is empty by construction.
    return [(int(parts[i]), parts[i + 1]) for i in range(1, len(parts), 2)]


def _parse_numbered(text: str, file: str, line: int) -> tuple[list[Indicator], list[Problem]]:
    indicators: list[Indicator] = []
    problems: list[Problem] = []
    segments = _split_segments(text)
    numbers = [n for n, _ in segments]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            _problem(file, line, "numbering-gap", "indicator numbering is not 1, 2, 3 …", "、".join(map(str, numbers)))
        )
    for number, segment in segments:
        indicator, found = _parse_segment(number, segment, file, line)
        problems.extend(found)
        if indicator is not None:
            indicators.append(indicator)
    return indicators, problems


def _strip_terminator(value: str) -> str:
    """Drop the one terminator that closes a segment (``。`` ``；`` ``;``)."""
    value = value.rstrip()
    return value[:-1] if value.endswith(("。", "；", ";")) else value


def _parse_segment(number: int, segment: str, file: str, line: int) -> tuple[Indicator | None, list[Problem]]:
    problems: list[Problem] = []
    match = _SEGMENT.match(segment)
    if match is None:
        problems.append(
            _problem(file, line, "unparsed-indicator", f"indicator {number} does not follow the grammar; kept as text", _clip(segment))
        )
        return None, problems
    annual = _strip_terminator(match["annual"])
    repeats = _REPEATED_ANNUAL.split(annual)
    if len(repeats) > 1:
        # "…；年度指标值:X；年度指标值:X；年度指标值:X" — the source repeated the annual target.
        distinct = {r.strip().rstrip("。") for r in repeats}
        problems.append(
            _problem(
                file,
                line,
                "repeated-annual-target",
                f"indicator {number} states 年度指标值 {len(repeats)} times"
                + ("; the copies are identical, one is kept" if len(distinct) == 1 else "; they differ, the first is kept"),
                _clip(repeats[0]),
            )
        )
        annual = repeats[0]
    if not _STANDARD_FORM.match(segment):
        used = "".join(sorted(set(re.findall(r"[；;，,。]", segment))))
        problems.append(
            _problem(file, line, "nonstandard-separator", f"indicator {number} is not in the form …；…；…；实施周期指标值:…；年度指标值:…。", used)
        )
    colons = set(re.findall(r"指标值\s*([:：])", segment))
    if "：" in colons:
        problems.append(_problem(file, line, "full-width-colon", f"indicator {number} uses a full-width colon", "："))
    l1c, l1, l2c, l2 = match["l1c"], match["l1"].strip(), match["l2c"], match["l2"].strip()
    problems.extend(_check_category(number, l1c, l1, l2c, l2, file, line))
    indicator = Indicator(
        sequence=number,
        name=match["name"].strip(),
        level1_code=l1c,
        level1_label=l1,
        level2_code=l2c,
        level2_label=l2,
        period_target=_target(match["period"].strip()),
        annual_target=_target(annual.strip()),
        source_text=segment,
    )
    return indicator, problems


def _check_category(number: int, l1c: str, l1: str, l2c: str, l2: str, file: str, line: int) -> list[Problem]:
    problems = []
    if l1c not in LEVEL1 or l2c not in LEVEL2 or PARENT[l2c] != l1c:
        problems.append(
            _problem(file, line, "unknown-category", f"indicator {number} has a category outside the national framework", f"{l1c}-{l1}；{l2c}-{l2}")
        )
    elif LEVEL1[l1c] != l1 or LEVEL2[l2c] != l2:
        problems.append(
            _problem(file, line, "category-label", f"indicator {number} labels its category differently from the framework", f"{l1c}-{l1}；{l2c}-{l2}")
        )
    return problems


def _parse_free_form(text: str, file: str, line: int) -> tuple[list[Indicator], list[Problem]]:
    """Parse the paragraph layout ``1.产出数量：1.1…,目标值100%。1.2…``.

    Each heading maps to a level-2 category; each ``N.M`` item (or the heading's
    whole body when it has none) is one indicator. Its name is the text before
    the first ``，``/``,``/``=``; its single ``目标值`` is a stated target, since the
    layout does not say whether it is for the period or the year.
    """
    problems = [_problem(file, line, "free-form-layout", "indicators are a free-form paragraph; parsed by headings", _clip(text, 30))]
    headings = list(_FREE_HEADING.finditer(text))
    indicators: list[Indicator] = []
    for i, heading in enumerate(headings):
        body = text[heading.end() : headings[i + 1].start() if i + 1 < len(headings) else len(text)]
        l2c = FREE_FORM_HEADINGS[heading[2]]
        for item in _free_items(body):
            indicators.append(_free_indicator(len(indicators) + 1, item, l2c))
            if indicators[-1].stated_target is None:
                problems.append(
                    _problem(file, line, "missing-target", f"free-form indicator {len(indicators)} states no 目标值", _clip(item, 30))
                )
    return indicators, problems


def _free_items(body: str) -> list[str]:
    starts = [m.start() for m in _FREE_ITEM.finditer(body)]
    if not starts:
        return [body]
    return [body[a:b] for a, b in zip(starts, starts[1:] + [len(body)])]


def _free_indicator(sequence: int, item: str, l2c: str) -> Indicator:
    content = re.sub(r"^\d+\.\d+", "", item)
    name = re.split(r"[，,=]", content, maxsplit=1)[0].strip()
    target = _FREE_TARGET.search(content)
    l1c = l2c[0]
    return Indicator(
        sequence=sequence,
        name=_strip_terminator(name),
        level1_code=l1c,
        level1_label=LEVEL1[l1c],
        level2_code=l2c,
        level2_label=LEVEL2[l2c],
        period_target=None,
        annual_target=None,
        source_text=item,
        stated_target=_target(target["target"].strip()) if target else None,
    )
