"""Whether an actual value (实际完成值) meets its target (年度指标值), and by how much.

Both sides are parsed with the target grammar (:mod:`converter.targets`); the
comparison is exact (:class:`~decimal.Decimal`) and uses the target's
comparator::

    ≥90%   against 83.5%   missed, gap -6.5
    =100%  against 100%    met, gap 0
    ≥50个  against 50      met (a bare actual number is in the target's printed unit)
    及时   against 及时     met (the same words)
    效果明显 against 达成预期指标   met (the actual value's own words)

Decisions:

* A bare actual number (``50``) is read in the unit the target prints
  (``≥50个``, ``≤90万元``): it is compared with the target's number as
  written. With a unit on both sides the units must be equal, and the values
  after scaling are compared.
* A target without a comparator (``98%``) is met by an equal value; any other
  value is ``undetermined``: the form does not say whether the number is a
  floor, a ceiling or exact.
* Qualitative actual values are judged by their own words: a negation
  (``未``, ``不``, ``没有``, ``部分``, ``滞后``, ``延迟``, ``偏差``) misses, a word
  of achievement (``达成``, ``达到``, ``完成``, ``及时``, ``符合``, ``合格``,
  ``满意``, ``明显``, ``良好``, ``实现``) meets, anything else is ``undetermined``.
  The actual text equal to the target text meets. When the target itself
  negates (``无安全事故``, ``不超过…``), words are not judged: ``undetermined``.
* ``gap`` = actual − target (the bound missed or met, for a range the nearer
  bound), only for numbers compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .targets import TargetValue
from .text import fold

MET, MISSED, UNDETERMINED = "met", "missed", "undetermined"

_NEGATIONS = ("未", "不", "没有", "部分", "滞后", "延迟", "偏差", "差距")
_ACHIEVED = ("达成", "达到", "完成", "及时", "符合", "合格", "满意", "明显", "良好", "实现", "显著", "到位")


@dataclass(frozen=True, slots=True)
class Verdict:
    verdict: str  # "met", "missed", "undetermined"
    gap: Decimal | None = None
    basis: str = ""  # "number", "words", "same-text", "" when undetermined


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def judge(target: TargetValue | None, actual: TargetValue | None) -> Verdict:
    """The verdict of one result: its actual value against its target."""
    if actual is None:
        return Verdict(UNDETERMINED)
    if target is not None and fold(actual.text) == fold(target.text):
        return Verdict(MET, Decimal(0) if actual.kind == "quantity" else None, "same-text")
    if actual.kind == "quantity" and actual.comparator is None and target is not None:
        return _numbers(target, actual)
    if actual.kind == "qualitative":
        if target is not None and any(word in fold(target.text) for word in _NEGATIONS + ("无", "零")):
            return Verdict(UNDETERMINED)  # "无安全事故" against "未发生事故": a negation meets a negation
        return _words(actual.text)
    return Verdict(UNDETERMINED)


def _words(text: str) -> Verdict:
    folded = fold(text)
    if any(word in folded for word in _NEGATIONS):
        return Verdict(MISSED, None, "words")
    if any(word in folded for word in _ACHIEVED):
        return Verdict(MET, None, "words")
    return Verdict(UNDETERMINED)


def _numbers(target: TargetValue, actual: TargetValue) -> Verdict:
    if target.kind not in ("quantity", "range"):
        return Verdict(UNDETERMINED)
    bare = actual.unit is None and actual.scale is None
    if not bare and actual.unit != target.unit:
        return Verdict(UNDETERMINED)
    value = _decimal(actual.value if bare else actual.normalized)
    if value is None:
        return Verdict(UNDETERMINED)
    if target.kind == "range":
        low = _decimal(target.low if bare else target.low_normalized)
        high = _decimal(target.high if bare else target.high_normalized)
        if low is None or high is None:
            return Verdict(UNDETERMINED)
        if value < low:
            return Verdict(MISSED, value - low, "number")
        if value > high:
            return Verdict(MISSED, value - high, "number")
        return Verdict(MET, Decimal(0), "number")
    bound = _decimal(target.value if bare else target.normalized)
    if bound is None:
        return Verdict(UNDETERMINED)
    gap = value - bound
    ok = {
        ">=": value >= bound, ">": value > bound, "<=": value <= bound, "<": value < bound, "=": value == bound,
    }.get(target.comparator or "", None)
    if ok is None:
        return Verdict(MET, gap, "number") if value == bound else Verdict(UNDETERMINED, gap)
    return Verdict(MET if ok else MISSED, gap, "number")
