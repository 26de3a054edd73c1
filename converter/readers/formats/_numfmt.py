"""The printed text of a spreadsheet cell: its value shown through its number format.

A workbook stores ``1000`` and the format ``0.00``; the form a person reads
says ``1000.00``, and that printed text is what perfkg keeps (as it keeps
the text of a text table). This module renders the formats government
workbooks use: ``General``, fixed decimals, thousands separators,
percentages, literal text (``0.00"万元"``), sections (``pos;neg;zero;text``),
dates and times (including the zh-CN built-in formats 27–36 and 50–58 that
openpyxl and xlrd leave unnamed), scientific notation. Anything else
(fractions, ``[DBNum1]`` Chinese numerals) falls back to ``General``, and
:func:`format_value` says so, so the reader can note it.

Numbers are rounded as Excel shows them: on the value's 15 significant
digits, halves away from zero.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

#: Built-in number formats whose code depends on the locale; the zh-CN codes.
ZH_CN_BUILTINS: dict[int, str] = {
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m-d-yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"时"mm"分"', 33: 'h"时"mm"分"ss"秒"', 34: '上午/下午h"时"mm"分"', 35: '上午/下午h"时"mm"分"ss"秒"',
    36: 'yyyy"年"m"月"', 50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"',
    54: 'm"月"d"日"', 55: '上午/下午h"时"mm"分"', 56: '上午/下午h"时"mm"分"ss"秒"', 57: 'yyyy"年"m"月"',
    58: 'm"月"d"日"',
}

_TOKEN = re.compile(
    r'"(?P<quoted>[^"]*)"?'          # "literal"
    r"|\\(?P<escaped>.)"             # \x
    r"|_(?P<space>.)"                # _x: a space as wide as x
    r"|\*(?P<fill>.)"                # *x: repeat x to fill the cell (nothing in text)
    r"|\[(?P<bracket>[^\]]*)\]"      # [Red], [$-409], [>=100], [h], [DBNum1]
    r"|(?P<ampm>AM/PM|am/pm|A/P|a/p|上午/下午)"
    r"|(?P<date>y+|Y+|m+|M+|d+|D+|h+|H+|s+|S+|e|E(?![+-])|g+|b+|B+)"
    r"|(?P<sci>[Ee][+-])"
    r"|(?P<other>.)",
    re.S,
)
_NUMBER_CHARS = set("0#?.,")


class Unsupported(ValueError):
    """A number format this module does not render; the caller falls back to General."""


def general(value: float | int | Decimal) -> str:
    """Excel's General format, as its formula bar and CSV export show it.

    Up to 15 significant digits (a double's precision, as Excel keeps it), no
    trailing zeros, scientific only for very large or very small magnitudes.
    A printed sheet may show fewer digits in a narrow column; perfkg keeps
    them all, since rounding an amount to the column width would change it.
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if abs(value) < 10**15:
            return str(value)
        value = float(value)
    if value == 0:
        return "0"
    if 1e-9 <= abs(value) < 1e15:
        text = format(Decimal(f"{value:.15g}"), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text
    mantissa, exponent = f"{value:.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"


def split_sections(code: str) -> list[str]:
    """The ``;``-separated sections of a format code (``;`` inside quotes or after ``\\`` kept)."""
    sections, current, quoted, escaped = [], [], False, False
    for ch in code:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(ch)
    sections.append("".join(current))
    return sections


def is_date_format(code: str) -> bool:
    """Whether a format shows a date or time (y, m, d, h, s outside quotes and colour brackets)."""
    for section in split_sections(code)[:1]:
        for m in _TOKEN.finditer(section):
            if m.group("date") and m.group("date")[0] in "ymdhsYMDHSeg":
                return True
            if m.group("ampm"):
                return True
            bracket = m.group("bracket")
            if bracket and re.fullmatch(r"[hms]+", bracket, re.I):
                return True
    return False


def serial_to_datetime(serial: float, date1904: bool = False) -> dt.datetime:
    """A spreadsheet date serial as a datetime (Excel's 1900 leap-year bug included)."""
    if date1904:
        base = dt.datetime(1904, 1, 1)
    elif serial < 60:
        base = dt.datetime(1899, 12, 31)
    else:
        base = dt.datetime(1899, 12, 30)
    days = int(serial // 1)
    ms = round((serial - days) * 86_400_000)
    return base + dt.timedelta(days=days, milliseconds=ms)


def format_value(value, code: str | None, date1904: bool = False) -> tuple[str, bool]:
    """(printed text, whether the format was rendered as written; False means a General fallback)."""
    if value is None:
        return "", True
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), True
    code = code or "General"
    sections = split_sections(code)
    if isinstance(value, str):
        if len(sections) >= 4:
            return _text_section(sections[3], value), True
        if len(sections) == 1 and "@" in sections[0]:
            return _text_section(sections[0], value), True
        return value, True
    if isinstance(value, dt.timedelta):
        return _render_datetime(sections[0], dt.datetime(1899, 12, 30) + value, elapsed=value), True
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        if isinstance(value, dt.time):
            value = dt.datetime.combine(dt.date(1899, 12, 30), value)
        elif not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if code == "General" or not is_date_format(code):
            return value.strftime("%Y-%m-%d %H:%M:%S" if value.time() != dt.time() else "%Y-%m-%d"), False
        return _render_datetime(sections[0], value), True
    number = value
    try:
        section, signless = _pick_section(sections, number)
        if section.strip().lower() in ("general", ""):
            if section.strip() == "" and len(sections) > 1:
                return "", True  # an empty section hides the value (";;;")
            text = general(abs(number) if signless else number)
            return text, True
        if is_date_format(section):
            return _render_datetime(section, serial_to_datetime(float(number), date1904)), True
        return _render_number(section, number, signless), True
    except Unsupported:
        return general(number), False


def _pick_section(sections: list[str], number) -> tuple[str, bool]:
    """The section for this number, and whether the section shows it without its sign."""
    conditions = [re.match(r"\s*(?:\[[^\]]*\])*?\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]", s) for s in sections]
    if any(conditions):
        raise Unsupported("conditional sections")
    if number > 0 or len(sections) == 1:
        return sections[0], False
    if number < 0:
        return sections[1], True
    return (sections[2] if len(sections) >= 3 else sections[0]), False


def _text_section(section: str, value: str) -> str:
    out = []
    for m in _TOKEN.finditer(section):
        if m.group("quoted") is not None:
            out.append(m.group("quoted"))
        elif m.group("escaped") is not None:
            out.append(m.group("escaped"))
        elif m.group("space") is not None:
            out.append(" ")
        elif m.group("other") == "@":
            out.append(value)
        elif m.group("other") is not None:
            out.append(m.group("other"))
        elif m.group("date") or m.group("ampm") or m.group("sci"):
            out.append(m.group(0))
    return "".join(out)


def _render_number(section: str, number, signless: bool) -> str:
    tokens = list(_TOKEN.finditer(section))
    # the number pattern: the placeholders (0 # ? . ,) and an exponent part
    pattern = []
    percent = 0
    for m in tokens:
        other = m.group("other")
        bracket = m.group("bracket")
        if bracket is not None and re.match(r"(?i)dbnum|nat", bracket):
            raise Unsupported("Chinese numerals")
        if other is not None and other in _NUMBER_CHARS:
            pattern.append(other)
        elif m.group("sci"):
            pattern.append(m.group("sci"))
        elif other == "%":
            percent += 1
        elif other == "/":
            raise Unsupported("fraction")
        elif m.group("date") and m.group("date")[0] in "Ee":
            pattern.append(m.group("date"))
    spec = "".join(pattern)
    if not spec.strip(",.") and "@" in section:
        return _text_section(section, general(-number if signless else number))
    value = Decimal(f"{abs(number):.15g}") if isinstance(number, float) else Decimal(abs(number))
    value *= Decimal(100) ** percent
    sci = re.search(r"[Ee][+-]", spec)
    mantissa_spec = spec[: sci.start()] if sci else spec
    # trailing commas scale by 1000 each
    while mantissa_spec.endswith(","):
        mantissa_spec = mantissa_spec[:-1]
        value /= 1000
    int_spec, _, frac_spec = mantissa_spec.partition(".")
    grouping = "," in int_spec
    int_spec = int_spec.replace(",", "")
    frac_spec = frac_spec.replace(",", "")
    decimals = len(frac_spec)
    min_decimals = len(frac_spec.rstrip("#?")) if frac_spec else 0
    min_int = int_spec.count("0")
    exponent_text = ""
    if sci:
        exp_digits = len(spec[sci.end():]) or 2
        if value == 0:
            exponent = 0
        else:
            exponent = value.adjusted()
            int_places = max(1, len(int_spec))
            if int_places > 1:  # engineering-style groups (##0.0E+0)
                exponent -= exponent % int_places
        value = value.scaleb(-exponent)
        sign = "-" if exponent < 0 else ("+" if sci.group(0)[1] == "+" else "")
        exponent_text = f"{sci.group(0)[0]}{sign}{abs(exponent):0{exp_digits}d}"
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    digits = format(rounded, "f")
    int_part, _, frac_part = digits.partition(".")
    if frac_part and len(frac_part) > min_decimals:
        frac_part = frac_part[:min_decimals] + frac_part[min_decimals:].rstrip("0")
    int_part = int_part.lstrip("0")
    int_part = int_part.rjust(min_int, "0")
    if grouping and int_part:
        int_part = f"{int(int_part):,}"
    body = int_part + ("." + frac_part if frac_part or (decimals and "." in mantissa_spec and min_decimals) else "")
    if "." in mantissa_spec and not frac_part and not min_decimals:
        body = int_part + "."  # "0." shows a trailing point, as Excel does
    body += exponent_text
    negative = number < 0 and not signless and rounded != 0
    # the literal text around the number
    out: list[str] = []
    placed = False
    for m in tokens:
        other = m.group("other")
        if (other is not None and other in _NUMBER_CHARS) or m.group("sci") or (
            m.group("date") and m.group("date")[0] in "Ee"
        ):
            if not placed:
                out.append(("-" if negative else "") + body)
                placed = True
            continue
        if m.group("quoted") is not None:
            out.append(m.group("quoted"))
        elif m.group("escaped") is not None:
            out.append(m.group("escaped"))
        elif m.group("space") is not None:
            out.append(" ")
        elif m.group("fill") is not None or m.group("bracket") is not None:
            continue
        elif other is not None:
            out.append(other)
        elif m.group("date") or m.group("ampm"):
            out.append(m.group(0))
    if not placed:
        out.insert(0, ("-" if negative else "") + body if pattern else "")
    return "".join(out)


def _render_datetime(section: str, value: dt.datetime, elapsed: dt.timedelta | None = None) -> str:
    tokens = list(_TOKEN.finditer(section))
    kinds: list[tuple[str, str]] = []  # (kind, text)
    for m in tokens:
        if m.group("quoted") is not None:
            kinds.append(("lit", m.group("quoted")))
        elif m.group("escaped") is not None:
            kinds.append(("lit", m.group("escaped")))
        elif m.group("space") is not None:
            kinds.append(("lit", " "))
        elif m.group("fill") is not None:
            continue
        elif m.group("bracket") is not None:
            b = m.group("bracket")
            if re.fullmatch(r"[hms]+", b, re.I):
                kinds.append(("elapsed", b.lower()))
        elif m.group("ampm"):
            kinds.append(("ampm", m.group("ampm")))
        elif m.group("date"):
            kinds.append(("date", m.group("date").lower()))
        elif m.group("other") == "." and kinds and kinds[-1] == ("date", kinds[-1][1]) and kinds[-1][1].startswith("s"):
            kinds.append(("frac", "."))
        elif m.group("other") == "0" and kinds and kinds[-1][0] in ("frac", "fracdigit"):
            kinds.append(("fracdigit", "0"))
        elif m.group("other") is not None:
            kinds.append(("lit", m.group("other")))
        else:
            kinds.append(("lit", m.group(0)))
    has_ampm = any(k == "ampm" for k, _ in kinds)
    # m after h or before s is minutes
    date_idx = [i for i, (k, _) in enumerate(kinds) if k in ("date", "elapsed")]
    minute = set()
    for pos, i in enumerate(date_idx):
        text = kinds[i][1]
        if kinds[i][0] != "date" or not text.startswith("m") or len(text) > 2:
            continue
        prev = kinds[date_idx[pos - 1]][1] if pos > 0 else ""
        nxt = kinds[date_idx[pos + 1]][1] if pos + 1 < len(date_idx) else ""
        if prev.startswith("h") or nxt.startswith("s"):
            minute.add(i)
    frac_digits = sum(1 for k, _ in kinds if k == "fracdigit")
    seconds = value.second
    micro = value.microsecond
    if not frac_digits and micro >= 500_000:
        value = value + dt.timedelta(microseconds=1_000_000 - micro)
        seconds = value.second
    out = []
    for i, (kind, text) in enumerate(kinds):
        if kind == "lit":
            out.append(text)
        elif kind == "ampm":
            pm = value.hour >= 12
            if text == "上午/下午":
                out.append("下午" if pm else "上午")
            elif text.upper() == "AM/PM":
                out.append("PM" if pm else "AM")
            else:
                out.append("P" if pm else "A")
        elif kind == "elapsed" and elapsed is not None:
            total = elapsed.total_seconds()
            unit = {"h": 3600, "m": 60, "s": 1}[text[0]]
            out.append(f"{int(total // unit):0{len(text)}d}")
        elif kind == "elapsed":
            out.append(str(value.hour))
        elif kind == "frac":
            out.append(".")
        elif kind == "fracdigit":
            continue
        else:
            c = text[0]
            if c in "ye":
                out.append(f"{value.year:04d}" if len(text) > 2 or c == "e" else f"{value.year % 100:02d}")
            elif c == "m" and i in minute:
                out.append(f"{value.minute:0{len(text)}d}")
            elif c == "m":
                n = len(text)
                out.append(str(value.month) if n == 1 else f"{value.month:02d}" if n == 2
                           else value.strftime("%b") if n == 3 else value.strftime("%B") if n == 4
                           else value.strftime("%b")[0])
            elif c == "d":
                n = len(text)
                out.append(str(value.day) if n == 1 else f"{value.day:02d}" if n == 2
                           else value.strftime("%a") if n == 3 else value.strftime("%A"))
            elif c == "h":
                hour = value.hour % 12 or 12 if has_ampm else value.hour
                out.append(f"{hour:0{min(len(text), 2)}d}")
            elif c == "s":
                out.append(f"{seconds:0{min(len(text), 2)}d}")
                if frac_digits and i + 1 < len(kinds) and kinds[i + 1][0] == "frac":
                    pass
            else:
                out.append(text)
    text = "".join(out)
    if frac_digits:
        frac = f"{value.microsecond / 1e6:.{frac_digits}f}"[2:]
        text = text.replace(".", "." + frac, 1) if "." in text else text
    return text
