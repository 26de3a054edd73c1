"""Amounts of money as printed: ``1000.00``, ``250万``, ``112万元``, ``215,457.6`` (元), ``１２５０`` …

Every amount in the graph is in 万元, the unit the saved queries sum in. A
source in 元 (a Shanghai form's ``项目资金(元)``, a table's ``单位：元``) is
divided by 10,000 exactly, in :class:`~decimal.Decimal`: ``250000.00`` 元 is
``25`` 万元, never a float. The printed text and unit stay on the record.

A wrong number is worse than none: text that is not plainly an amount
(``约100``, ``1,00``, Chinese numerals, digits of other scripts) gives no
number and an :class:`AmountError` the reader reports with the place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .records import AMOUNT_UNIT

#: 万元 per printed unit. ``万`` alone after a number means 万元 in these forms (``250万``).
UNITS: dict[str, Decimal] = {"万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000), "亿": Decimal(10000)}

_AMOUNT = re.compile(
    r"^(?P<sign>-)?(?P<digits>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|亿元|万|亿|元)?$"
)
#: White space inside an amount cell: the forms pad with ideographic and no-break spaces.
_SPACE = re.compile(r"[\s\u3000\u00a0]+")


class AmountError(ValueError):
    """The text is not an amount; ``code`` is the problem code a reader reports."""

    def __init__(self, message: str, code: str = "bad-amount") -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount in 万元, with what the source printed."""

    value: Decimal  # in 万元, exact
    text: str  # the cell as printed (white space trimmed)
    unit: str  # the unit it was printed in: the cell's own (``112万元``) or the context's
    full_width: bool = False  # the digits were full-width (``１２５０``): read, and noted


def parse_amount(text: str, unit: str = AMOUNT_UNIT) -> Amount:
    """Read one amount cell; ``unit`` is the unit its column or form states (``万元`` or ``元``).

    A unit written in the cell (``112万元``, ``250万``) wins over the context's.
    Raises :class:`AmountError` for anything that is not plainly an amount.
    """
    printed = text.strip()
    compact = _SPACE.sub("", printed)
    folded = unicodedata.normalize("NFKC", compact)
    full_width = folded != compact
    for ch in folded:
        if ch.isdigit() and not ("0" <= ch <= "9"):
            raise AmountError(f"digits of another script ({ch!r}, U+{ord(ch):04X}) are not read as an amount", "foreign-digits")
    match = _AMOUNT.match(folded)
    if match is None:
        raise AmountError("not an amount")
    written = match["unit"] or unit
    if written not in UNITS:
        raise AmountError(f"amounts in {written} cannot be converted to 万元", "amount-unit")
    value = Decimal(match["digits"].replace(",", ""))
    if match["sign"]:
        value = -value
    if UNITS[written] != 1:
        # Exact: multiplying by 0.0001 or 10000 only moves the decimal point.
        value = (value * UNITS[written]).normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return Amount(value, printed, written, full_width)


def unit_of_label(label: str) -> str | None:
    """The unit a money label states: ``项目资金(万元)`` → 万元, ``项目资金 (元)`` → 元, ``单位：元`` → 元."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", label))
    match = re.search(r"\((万元|元|亿元)\)|单位[:：](万元|元|亿元)", folded)
    if match is None:
        return None
    return match[1] or match[2]
