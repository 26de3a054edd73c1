"""Target texts of the per-project forms, read by hand: what the grammar must make of them.

The texts are from the excerpts in shared/data/samples/ (named beside each)
and from the forms of issue 13's examples. Year-months and periods in digits
are dates, never numbers (``2023.07`` is July 2023, not 2023.07 of anything);
a template's placeholder left in (``≥**%``) gives no number at all.
"""

from __future__ import annotations

import pytest

from converter.targets import parse_target

CASES = [
    # text, kind, comparator, value, unit, deadline (datatype)
    ("2023.07", "deadline", None, None, None, ("2023-07", "gYearMonth")),  # a 实施期 start as a target
    ("2023.07-2024.01", "deadline", "<=", None, None, ("2024-01", "gYearMonth")),  # 实施期 2023.07-2024.01
    ("202001-202012", "deadline", "<=", None, None, ("2020-12", "gYearMonth")),  # 青山 2020 项目起止时间
    ("≥**%", "qualitative", None, None, None, (None, None)),  # 金寨 2021 "(≥**%)"
    ("≤**万元", "qualitative", None, None, None, (None, None)),  # 金寨 2021 "项目总成本(≤**万元)"
    ("≥80M", "quantity", ">=", "80", "M", (None, None)),
    ("≤1000万元", "quantity", "<=", "1000", "元", (None, None)),  # 金安 2025 项目总成本
    ("=100%", "quantity", "=", "100", "%", (None, None)),  # 普陀 2022 年度指标值
    (">=90%", "quantity", ">=", "90", "%", (None, None)),  # 普陀 2022 服务对象满意度
    ("2025年年底前", "deadline", None, None, None, ("2025", "gYear")),  # 金安 2025 完成时间
]


@pytest.mark.parametrize(("text", "kind", "comparator", "value", "unit", "deadline"), CASES, ids=[c[0] for c in CASES])
def test_form_target_reads_as_written(text, kind, comparator, value, unit, deadline):
    parsed = parse_target(text)
    assert (parsed.kind, parsed.comparator, parsed.value, parsed.unit) == (kind, comparator, value, unit)
    assert (parsed.deadline, parsed.deadline_datatype) == deadline
    if kind != "quantity":
        assert parsed.normalized is None  # no number to sum or compare


def test_a_period_that_ends_before_it_starts_is_no_date():
    assert parse_target("2024.05-2023.01").deadline is None
