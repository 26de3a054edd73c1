"""Write a province-scale input: many departments' tables, one after another.

The users' real corpus is every department of a city or province over many
years. We have one real table, so the benchmark input is made of renamed copies
of it: copy ``(d, y)`` is department ``d`` in fiscal year ``2024 - y``. Each
copy gets its own 部门名称 and title line (the reader starts a new table on a new
department name or a new year in the title), and its budget units and projects
are renamed with it, so that organisations do not collapse across copies: the
bundled table names every unit ``广州市…``, and a copy replaces that city name in
the name cells with a synthetic one (``样例一二市``). Goals and indicator cells are
copied unchanged, so every copy parses exactly like the original.

Copy ``(0, 0)`` is the bundled table byte for byte, so the 1× input is the
real table.

Usage::

    python benchmarks/generate.py --departments 100 -o WORK/100.txt
    python benchmarks/generate.py --departments 10 --years 3 -o WORK/10x3.txt
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"

#: The city name every unit and the department carry in the bundled table.
CITY = "广州市"
#: The fiscal year of the bundled table, as its title writes it.
YEAR = 2024
#: Chinese digits: synthetic names carry no ASCII digit that the reader's title
#: pattern (``…2024年…``) could mistake for a year.
_DIGITS = "〇一二三四五六七八九"


def city_name(index: int) -> str:
    """The city of department ``index``: the real one for 0, ``样例<digits>市`` after."""
    if index == 0:
        return CITY
    return "样例" + "".join(_DIGITS[int(c)] for c in str(index)) + "市"


def copy_lines(lines: list[str], department: int, year_offset: int) -> Iterator[str]:
    """The lines of one renamed copy of the table.

    Title lines (no tab, ``…2024年…项目支出绩效目标表…``) get the new city and
    year; ``部门名称：`` lines the new city; data rows only their first cell (the
    unit or project name). Everything else is copied as is.
    """
    city, year = city_name(department), YEAR - year_offset
    for line in lines:
        if "\t" in line:
            name, sep, rest = line.partition("\t")
            yield name.replace(CITY, city) + sep + rest
        elif "项目支出绩效目标表" in line:
            yield line.replace(CITY, city).replace(f"{YEAR}年", f"{year}年", 1)
        elif line.startswith("部门名称"):
            yield line.replace(CITY, city)
        else:
            yield line


def generate(departments: int, years: int = 1, source: Path = SOURCE) -> Iterator[str]:
    """All lines of ``departments × years`` tables, department by department.

    A generator, so a 1000× file is written without holding it in memory.
    """
    if departments < 1 or years < 1:
        raise ValueError("need at least one department and one year")
    # The bundled file has no final line break; split("\n") keeps its last line.
    lines = source.read_text(encoding="utf-8").split("\n")
    for department in range(departments):
        for year_offset in range(years):
            yield from copy_lines(lines, department, year_offset)


def write(departments: int, years: int, output: Path, source: Path = SOURCE) -> int:
    """Write the generated input to ``output``; return the number of tables."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="\n") as stream:
        first = True
        for line in generate(departments, years, source):
            if not first:
                stream.write("\n")
            stream.write(line)
            first = False
    return departments * years


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=1, help="number of departments (default 1)")
    parser.add_argument("--years", type=int, default=1, help="fiscal years per department, 2024 backwards (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file")
    args = parser.parse_args(argv)
    tables = write(args.departments, args.years, args.output)
    print(f"{args.output}: {tables} table(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
