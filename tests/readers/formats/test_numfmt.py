"""Spreadsheet number formats rendered as Excel prints them (values and expected texts as Excel shows them)."""

from __future__ import annotations

import datetime as dt

import pytest

from converter.readers.formats._numfmt import ZH_CN_BUILTINS, format_value, general, serial_to_datetime


@pytest.mark.parametrize(("value", "code", "printed"), [
    (1000, "0.00", "1000.00"),
    (1000.0, "#,##0.00", "1,000.00"),
    (746104.1, "#,##0.00", "746,104.10"),
    (1, "0%", "100%"),
    (0.8619, "0.00%", "86.19%"),
    (0.955, "0.0%", "95.5%"),
    (10606.7522, "0.0000", "10606.7522"),
    (112, '0"万元"', "112万元"),
    (250000, "#,##0", "250,000"),
    (1234567, "#,##0,", "1,235"),  # a trailing comma scales by 1000
    (2.675, "0.00", "2.68"),  # Excel rounds the printed decimal, halves up
    (-1.005, "0.00", "-1.01"),
    (-5.5, "0.00_);(0.00)", "(5.50)"),
    (-5.5, "#,##0.00;[Red]-#,##0.00", "-5.50"),
    (0, '#,##0.00;-#,##0.00;"-"', "-"),
    (0.5, "#.00", ".50"),
    (12345.678, "0.00E+00", "1.23E+04"),
    (5, "@", "5"),
    ("主管部门", "@", "主管部门"),
    ("x", '"前"@', "前x"),
    (3, ";;;", ""),
])
def test_numbers(value, code, printed):
    assert format_value(value, code) == (printed, True)


@pytest.mark.parametrize(("value", "printed"), [
    # all 15 significant digits are kept (Excel's formula bar and CSV export), never clipped to a column
    (16.0, "16"), (0.1 + 0.2, "0.3"), (1 / 3, "0.333333333333333"), (123456789012, "123456789012"),
    (10606.7522, "10606.7522"), (6923.3552, "6923.3552"), (1e-10, "1E-10"), (2.5e16, "2.5E+16"), (-0.5, "-0.5"),
    (100, "100"),
])
def test_general(value, printed):
    assert general(value) == printed


def test_dates():
    day = dt.datetime(2025, 3, 1, 14, 5, 9)
    assert format_value(day, 'yyyy"年"m"月"d"日"') == ("2025年3月1日", True)
    assert format_value(day, "yyyy-mm-dd hh:mm:ss") == ("2025-03-01 14:05:09", True)
    assert format_value(day, "yyyy.mm") == ("2025.03", True)
    assert format_value(day, "h:mm AM/PM") == ("2:05 PM", True)
    # a serial number with a date format is a date (1900 system: 45717 is 2025-03-01)
    assert format_value(45717, "yyyy/m/d") == ("2025/3/1", True)
    assert format_value(45717, ZH_CN_BUILTINS[31]) == ("2025年3月1日", True)
    assert format_value(45717, ZH_CN_BUILTINS[57]) == ("2025年3月", True)
    assert format_value(0.5, ZH_CN_BUILTINS[32]) == ("12时00分", True)
    assert serial_to_datetime(1) == dt.datetime(1900, 1, 1)
    assert serial_to_datetime(61) == dt.datetime(1900, 3, 1)  # after Excel's phantom 1900-02-29
    assert serial_to_datetime(0, date1904=True) == dt.datetime(1904, 1, 1)


def test_unsupported_formats_fall_back_to_general_and_say_so():
    assert format_value(0.5, "# ?/?") == ("0.5", False)
    assert format_value(123, "[DBNum1]0") == ("123", False)
