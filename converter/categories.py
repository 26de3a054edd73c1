"""Indicator categories of the national framework, by code and by the names real forms print.

The Guangzhou table numbers its categories (``1-产出指标；11-数量指标``); the
forms of every other government name them, in several spellings: ``经济效益指标``
and ``经济效益``, ``社会公众或服务对象满意度指标``, ``环境效益`` (older forms for
生态效益), ``满意度`` as a level-2 row under 效益指标 (the older framework),
``成本指标`` under 产出指标 even in 2025 forms, and the 2015-era level-1
categories 投入指标/过程指标/效果指标. :func:`classify` maps a printed pair to
codes; ``ontology/schemes.ttl`` holds the same names as ``skos:altLabel`` (a
test keeps the two equal), so a real form never falls outside the scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold as _text_fold

#: Level-1 codes and labels. 1–3 are the Guangzhou export's numbers; 4 (成本指标
#: as level 1, 财预〔2021〕101号) follows their pattern; input/process/effect
#: are the older framework's, which has no numbers in any stored source.
LEVEL1: dict[str, str] = {
    "1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标",
    "input": "投入指标", "process": "过程指标", "effect": "效果指标",
}
LEVEL2: dict[str, str] = {
    "11": "数量指标", "12": "质量指标", "13": "时效指标", "14": "成本指标",
    "21": "经济效益", "22": "社会效益", "23": "生态效益", "24": "可持续影响",
    "31": "服务对象满意度",
    "41": "经济成本", "42": "社会成本", "43": "生态环境成本",
}
#: Each level-2 category's level-1 parent.
PARENT: dict[str, str] = {code: code[0] for code in LEVEL2}

#: Other names of level-1 categories as forms print them (after :func:`fold`).
LEVEL1_NAMES: dict[str, str] = {"产出": "1", "效益": "2", "满意度": "3", "成本": "4", "投入": "input", "过程": "process", "效果": "effect"}
#: Other names of level-2 categories (after :func:`fold`), each with its code.
LEVEL2_NAMES: dict[str, str] = {
    "数量": "11", "质量": "12", "时效": "13", "成本": "14",
    "经济效益": "21", "社会效益": "22", "生态效益": "23", "环境效益": "23", "生态环境效益": "23", "可持续影响": "24",
    "服务对象满意度": "31", "社会公众或服务对象满意度": "31", "社会公众满意度": "31", "满意度": "31",
    "经济成本": "41", "社会成本": "42", "生态环境成本": "43",
}
#: Level-2 names that mean another code under a given level-1 parent.
_UNDER: dict[tuple[str, str], str] = {}

#: ``(50分)`` after a category: the points of an older form or a self-evaluation.
_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")


def fold(name: str) -> str:
    """A printed category name as a lookup key: NFKC, no white space, no points, no ``指标`` suffix."""
    folded = _text_fold(name)
    folded = _POINTS.sub("", folded)
    return folded[:-2] if folded.endswith("指标") and len(folded) > 2 else folded


def points(name: str) -> str | None:
    """The points printed after a category name (``产出指标(50分)`` → ``50``), if any."""
    match = _POINTS.search(_text_fold(name))
    return match[1] if match else None


@dataclass(frozen=True, slots=True)
class Classified:
    """Codes for a printed (level-1, level-2) pair, and a note when the pair was re-filed."""

    level1: str | None
    level2: str | None
    note: str = ""


def level1_code(name: str) -> str | None:
    return LEVEL1_NAMES.get(fold(name)) if name.strip() else None


def classify(level1: str, level2: str) -> Classified:
    """Codes for a printed pair of category names.

    A level-2 name files the indicator under its own parent even when the form
    prints it under another level-1 (``满意度`` under ``效益指标``, the older
    framework; ``可持续影响`` under ``效果指标``): the note says so, the printed
    names stay on the record.
    """
    l1 = level1_code(level1)
    key = fold(level2) if level2.strip() else ""
    l2 = _UNDER.get((l1 or "", key)) or LEVEL2_NAMES.get(key)
    if l2 is None and l1 == "3" and key and "满意" in key:
        l2 = "31"  # "群众满意度指标", "社会满意度": any satisfaction row under 满意度指标
    if l2 is None:
        return Classified(l1, None)
    parent = PARENT[l2]
    if l1 is None or l1 == parent:
        return Classified(parent, l2)
    if l1 == "4" and l2 == "14":
        return Classified("4", None)  # "成本指标" repeated under the level-1 成本指标: no level 2
    return Classified(parent, l2, f"{level2.strip()} printed under {level1.strip()}; filed under {LEVEL1[parent]} ({parent})")
