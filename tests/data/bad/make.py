"""Write the bad-input fixtures of tests/test_robustness.py and docs/errors.md.

Every fixture is the same excerpt of the bundled Guangzhou table with one
defect put in by hand below, so the line a problem must be reported on is the
line the edit touches. The excerpt is source lines 1–25 (two pages: title,
部门名称, 单位, header, 合计 at line 10, the unit row at line 11, projects at
lines 12–15 and, after the page break at lines 16–23, projects at 24–25), with
each indicator cell clipped to its first indicator so the files stay small.
Line numbers below are those of the excerpt, which are the source's.

Run from the repository root: ``.venv/bin/python tests/data/bad/make.py``.
The files are committed; this script documents how each was made.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


def base() -> list[str]:
    """Source lines 1–25, 1-based (element 0 unused), indicator cells clipped to one indicator."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")[:25]
    out = [""]
    for line in lines:
        cells = line.split("\t")
        if len(cells) == 7 and cells[6].startswith("1、"):
            cells[6] = cells[6].split("2、")[0]
        out.append("\t".join(cells))
    return out


def text(lines: list[str]) -> str:
    return "\n".join(lines[1:]) + "\n"


def utf8(lines: list[str]) -> bytes:
    return text(lines).encode("utf-8")


def cells(lines: list[str], number: int) -> list[str]:
    return lines[number].split("\t")


def set_cell(lines: list[str], number: int, column: int, value: str) -> list[str]:
    row = cells(lines, number)
    row[column] = value
    lines[number] = "\t".join(row)
    return lines


def edit(change: Callable[[list[str]], list[str] | None]) -> Callable[[], bytes]:
    """A fixture made by changing the base lines (the change may edit in place)."""

    def make() -> bytes:
        lines = base()
        return utf8(change(lines) or lines)

    return make


def split_goal(lines: list[str]) -> list[str]:
    """Row 15 cut inside its goal cell by the page break: the rest starts page 2."""
    row = lines[15]
    goal_start = row.index("\t通过") + 1
    cut = goal_start + 10
    return lines[:15] + [row[:cut]] + lines[16:24] + [row[cut:]] + lines[24:]


def split_indicators(lines: list[str]) -> list[str]:
    """Row 15 cut inside its indicator cell: the rest (no tab) starts page 2."""
    row = lines[15]
    cut = row.index("实施周期指标值")
    return lines[:15] + [row[:cut]] + lines[16:24] + [row[cut:]] + lines[24:]


def cut_bytes(data: bytes, at: int) -> bytes:
    return data[:at]


FIXTURES: dict[str, Callable[[], bytes]] = {
    # -- encodings and line ends --------------------------------------------------
    "ok.txt": lambda: utf8(base()),
    "utf8-bom.txt": lambda: codecs.BOM_UTF8 + utf8(base()),
    "gb18030-crlf.txt": lambda: text(base()).replace("\n", "\r\n").encode("gb18030"),
    "gbk.txt": lambda: text(base()).encode("gbk"),
    "utf16.txt": lambda: text(base()).replace("\n", "\r\n").encode("utf-16"),  # Excel "Unicode Text"
    "cr.txt": lambda: text(base()).replace("\n", "\r").encode("utf-8"),
    "binary-xlsx.txt": lambda: b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)),
    "binary-nul.txt": lambda: utf8(base()).replace("（海珠区）".encode(), b"\x00\x00"),  # line 13
    "not-text.txt": lambda: utf8(base())[:200] + b"\xff\xfe\xfd" * 40,
    "cut-character.txt": lambda: cut_bytes(utf8(base()), len(utf8(base())) - 3),  # inside the last 。 of line 25
    "damaged-utf8.txt": lambda: utf8(base()).replace("保持就业".encode(), b"\xff" + "持就业".encode(), 1),  # line 12
    "control-characters.txt": edit(lambda l: set_cell(set_cell(l, 12, 5, "通过\x01开展本项目"), 13, 5, "保持\x0b就业")),
    # -- white space ----------------------------------------------------------------
    "whitespace.txt": edit(
        lambda l: set_cell(set_cell(set_cell(l, 12, 0, "\u3000" + cells(l, 12)[0]), 13, 1, cells(l, 13)[1] + "\u00a0"), 14, 6, cells(l, 14)[6] + "  ")
    ),
    "tab-in-name.txt": edit(lambda l: set_cell(l, 13, 0, "市就业补助资金\t（海珠区）")),
    "tab-in-goal.txt": edit(lambda l: set_cell(l, 14, 5, cells(l, 14)[5].replace("，", "，\t", 1))),
    # -- structure ------------------------------------------------------------------
    "too-few-columns.txt": edit(lambda l: l.__setitem__(11, l[11].rstrip("\t"))),
    "too-many-columns.txt": edit(lambda l: l.__setitem__(15, l[15] + "\t\t")),
    "extra-cell.txt": edit(lambda l: l.__setitem__(14, l[14] + "\t附注：见附件")),
    "bad-amount.txt": edit(lambda l: set_cell(set_cell(set_cell(l, 12, 1, "1,2x3.00"), 13, 2, "—"), 14, 1, "-")),
    "negative-amount.txt": edit(lambda l: set_cell(set_cell(l, 15, 1, "-13,222.73"), 15, 2, "-13,222.73")),
    "empty-name.txt": edit(lambda l: set_cell(l, 13, 0, "")),
    "project-before-unit.txt": edit(lambda l: l[:11] + [l[12], l[11]] + l[13:]),
    "missing-header.txt": edit(lambda l: [x if i not in (9, 23) else "" for i, x in enumerate(l)]),
    "header-differs.txt": edit(lambda l: l.__setitem__(9, l[9].replace("财政拨款\t财政专户拨款", "财政专户拨款\t财政拨款"))),
    "missing-total.txt": edit(lambda l: l.__setitem__(10, "")),
    "name-variant.txt": edit(lambda l: l.__setitem__(19, "部门名称：广州市人力资源和社会保障局".replace("社会", "社\u3000会"))),
    # page 1 (lines 1–15), the same page of another department (16–30), then page 2 (31–40; 部门名称 at 34)
    "interleaved-tables.txt": edit(lambda l: l[:16] + [x.replace("广州市人力资源和社会保障局", "广州市某局") for x in l[1:16]] + l[16:]),
    "amount-unit.txt": edit(lambda l: [x.replace("单位：万元", "单位：元") for x in l]),
    "empty.txt": lambda: b"",
    "blank.txt": lambda: "\n \n\u3000\t\n".encode("utf-8"),
    "only-headers.txt": edit(lambda l: l[:10]),
    "no-title.txt": edit(lambda l: [""] * 9 + l[9:16]),
    "comma-separated.txt": edit(lambda l: [x.replace("\t", ",") for x in l]),
    "stray-lines.txt": edit(lambda l: ["", "附件2"] + l[2:] + ["注：本表金额单位为万元。"]),
    "truncated-last-line.txt": lambda: utf8(base())[: utf8(base()).rindex("显著增强".encode())],  # in row 25's goal
    "truncated-early.txt": lambda: utf8(base())[: utf8(base()).rindex("7,814.56".encode()) + 3],  # row 25: "…（番禺区）\t7,8"
    "split-row.txt": edit(split_goal),
    "split-in-indicators.txt": edit(split_indicators),
    "duplicate-row.txt": edit(lambda l: l[:14] + [l[13]] + l[14:]),
    "duplicate-unit-row.txt": edit(lambda l: l[:24] + [l[11]] + l[24:]),
    "duplicate-name.txt": edit(lambda l: set_cell(l, 14, 0, cells(l, 13)[0])),
    # -- output safety ----------------------------------------------------------------
    "odd-characters.txt": edit(
        lambda l: set_cell(l, 12, 5, 'say "quoted" \'single\' back\\slash <tag> & amp; 𠀀 emoji 😀 ' + cells(l, 12)[5])
    ),
}


def main() -> None:
    for name, make in FIXTURES.items():
        (HERE / name).write_bytes(make())
    print(f"wrote {len(FIXTURES)} fixtures to {HERE}")


if __name__ == "__main__":
    main()
