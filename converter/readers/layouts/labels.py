"""How a form's cells are read, for every per-project layout (goals forms and self-evaluations alike).

The rows of a document in reading order (a sheet, a page at a time), a printed label as a lookup key, a cell's
text as one line, a name with its printed code, the money lines forms print (``财政拨款``, ``当年一般公共预算``),
and a target's text from the cells that print it apart (计算符号 | 指标值 | 计量单位).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ...text import fold
from ..grid import Block, Cell, Grid, Text

#: Money lines: folded label (without 当年/本年/年度) → "total" or a funding-source slug.
MONEY_LINES: dict[str, str] = {
    **dict.fromkeys(["资金总额", "总额", "项目资金总额", "资金总计", "合计金额"], "total"),
    **dict.fromkeys(["财政拨款", "财政资金", "财政拨款资金", "财政性资金"], "fiscal-appropriation"),
    "财政专户拨款": "special-account-appropriation",
    **dict.fromkeys(["其他资金", "其他", "社会资金"], "other-funds"),
    **dict.fromkeys(["上级资金", "上级财政资金", "上级补助资金", "上级专项资金"], "superior-funds"),
    **dict.fromkeys(["上年结转资金", "上年结转"], "carried-over"),
    **dict.fromkeys(["上年结余收入", "上年结余"], "prior-year-surplus"),
    **dict.fromkeys(["自有资金", "单位自有资金"], "own-funds"),
    "事业收入": "business-income",
    **dict.fromkeys(["一般公共预算拨款", "一般公共预算", "一般公共预算安排"], "general-public-budget"),
    **dict.fromkeys(["政府性基金预算拨款", "政府性基金"], "government-fund-budget"),
    "国有资本经营预算拨款": "state-capital-budget",
    "纳入财政专户管理的收入": "special-account-income",
    "未纳入财政专户管理的收入": "non-special-account-income",
}
_ANNUAL_PREFIX = ("当年", "本年", "年度")
_HINT = re.compile(r"[(（](?:\d+字(?:以)?内|盖章|如\d+|必填|选填)[)）]")
_CODE = re.compile(r"^\s*[\[［【]\s*(?P<code>[0-9A-Za-z]+)\s*[\]］】]\s*(?P<name>.+)$|^\s*(?P<code2>\d{3,})\s*[-－—]\s*(?P<name2>.+)$")
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"


def label_key(text: str) -> str:
    """A label as a lookup key: NFKC, no white space, no ``其中``/colons/hints at the ends."""
    folded = _HINT.sub("", fold(text)).replace("*", "")
    folded = re.sub(r"^(?:[一二三四五六七八九十]+、)", "", folded)
    folded = folded.removeprefix("其中").lstrip(":：")
    return folded.rstrip(":：")


def one_line(text: str) -> str:
    """A one-line value from a cell: a line break the layout put inside a word is not text.

    A PDF cell wraps ``项目主管部\\n门``; a break between Chinese characters is
    dropped, one between Latin words becomes a space.
    """
    text = re.sub(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])", "", text.strip())
    return re.sub(r"\s*\n\s*", " ", text)


def money_line(key: str) -> tuple[str, bool] | None:
    """A folded label's money line (``total`` or a funding-source slug) and whether it is the year's (``当年…``), if it is one."""
    annual = key.startswith(_ANNUAL_PREFIX)
    base = key
    for prefix in _ANNUAL_PREFIX:
        if base.startswith(prefix):
            base = base[len(prefix):]
            break
    base = base.rstrip(":：")
    if base in MONEY_LINES:
        return MONEY_LINES[base], annual
    return None


def coded(text: str) -> tuple[str | None, str]:
    """``[042]六安市金安区体育局`` → (``042``, name); ``219-池州市贵池区棠溪镇人民政府`` → (``219``, name)."""
    text = one_line(text)
    match = _CODE.match(text)
    if match is None:
        return None, text
    return (match["code"] or match["code2"]), (match["name"] or match["name2"]).strip()


_COMPARATOR_START = re.compile(r"^\s*(?:[≥≤<>=＝＜＞]|大于|小于|不低于|不高于|不少于|不超过|不大于|不小于)")


def target_text(value: str, computation: str, unit: str) -> str:
    """A target's text from the cells that print it: 计算符号 + 指标值 + 计量单位, without doubling."""
    text = value
    sign = computation.strip()
    if sign and sign not in ("定性", "定量") and not _COMPARATOR_START.match(text):
        text = sign + text
    if unit and not text.rstrip().endswith(unit.strip()) and re.search(r"\d\s*$", text):
        text = text + unit.strip()
    return text


@dataclass
class Row:
    """One row of a grid (or one text block) in reading order."""

    ordinal: int  # 1-based over the document: the "line" problems are sorted by
    cells: list[Cell]  # the grid row, merges expanded (text blocks: one cell)
    distinct: list[Cell]  # each source cell once per row (no copies from colspans)
    grid: Grid | None
    where: str
    page: int


def rows(blocks: Iterable[Block]) -> Iterator[Row]:
    """The rows of the blocks in reading order, one block at a time (a workbook of 1,000 forms is never held whole)."""
    ordinal = 0
    for block in blocks:
        if isinstance(block, Text):
            if block.text.strip():
                ordinal += 1
                cell = Cell(block.text, 0, 0, block.where)
                yield Row(ordinal, [cell], [cell], None, block.where, block.page or 0)
            continue
        for cells in block.rows:
            distinct = [c for c in cells if c.text.strip() and (c.origin is None or c.origin[1] == c.col)]
            if distinct:
                ordinal += 1
                yield Row(ordinal, cells, distinct, block, distinct[0].where, block.page or 0)


@dataclass
class FormHead:
    """What the head of every per-project form prints, as read so far (a layout's form adds its own parts).

    ``first`` is the ordinal of the form's first row; the ``*_where`` fields are the places the values came from.
    """

    first: int
    page: int = 0
    where: str = ""
    title: str = ""
    year: int | None = None
    name: str = ""
    name_where: str = ""
    department: str = ""
    department_code: str | None = None
    unit: str = ""
