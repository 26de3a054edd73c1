"""The benchmark generator writes N renamed copies that read back as N tables.

Benchmarks are only meaningful if the 10× input really is ten departments'
tables, each as rich as the real one: these tests check that, without timing
anything. Per-table figures (17 budget-unit rows, 258 projects, 合计
746,104.10) were counted in the bundled source with awk/grep (rows of seven
cells with empty goal and indicator cells, minus the 合计 row; the remaining
non-header rows), as the brief records them — not taken from the reader.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from converter import read_table

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

UNITS_PER_TABLE = 17
PROJECTS_PER_TABLE = 258
TOTAL_PER_TABLE = Decimal("746104.10")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[tuple[int, int], Path]:
    """Generated inputs by (departments, years), written once per module."""
    folder = tmp_path_factory.mktemp("bench")
    cases = {}
    for departments, years in CASES:
        path = folder / f"{departments}x{years}.txt"
        generate.write(departments, years, path)
        cases[departments, years] = path
    return cases


CASES = [(1, 1), (3, 1), (1, 3), (4, 2)]
IDS = [f"{d}dept-{y}yr" for d, y in CASES]


def test_one_copy_is_the_bundled_table(generated, source_path):
    """The 1× input is the real table, byte for byte (compared with the file, not the reader)."""
    assert generated[1, 1].read_bytes() == source_path.read_bytes()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reader_finds_one_table_per_copy(generated, case):
    departments, years = case
    table = read_table(generated[case])
    assert len(table.departments) == departments * years


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_copy_has_its_own_name_and_year(generated, case):
    departments, years = case
    table = read_table(generated[case])
    keys = {(d.name, d.year) for d in table.departments}
    assert len(keys) == departments * years
    assert {d.year for d in table.departments} == set(range(2024, 2024 - years, -1))
    assert len({d.name for d in table.departments}) == departments


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_titles_differ_and_carry_name_and_year(generated, case):
    table = read_table(generated[case])
    assert len({d.title for d in table.departments}) == len(table.departments)
    for d in table.departments:
        assert d.title.startswith(f"{d.name}{d.year}年")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_copy_is_as_rich_as_the_original(generated, case):
    table = read_table(generated[case])
    shape = {
        (len(d.units), sum(len(u.projects) for u in d.units), d.total.amounts.total) for d in table.departments
    }
    assert shape == {(UNITS_PER_TABLE, PROJECTS_PER_TABLE, TOTAL_PER_TABLE)}


@pytest.mark.parametrize("case", [(3, 1), (4, 2)], ids=["3dept-1yr", "4dept-2yr"])
def test_units_are_renamed_with_their_department(generated, case):
    """Units of different departments are different organisations (no shared 广州市… names)."""
    table = read_table(generated[case])
    by_department = {}
    for d in table.departments:
        by_department.setdefault(d.name, set()).update(u.name for u in d.units)
    names = list(by_department.values())
    assert all(not (a & b) for i, a in enumerate(names) for b in names[i + 1 :])
    assert all(d.name in {u.name for u in d.units} for d in table.departments)


@pytest.mark.parametrize("index,expected", [(0, "广州市"), (1, "样例一市"), (10, "样例一〇市"), (907, "样例九〇七市")])
def test_city_names_have_no_ascii_digits(index, expected):
    """Synthetic names use Chinese digits, so the title's year stays the only ``\\d{4}年``."""
    assert generate.city_name(index) == expected


def test_line_count_grows_by_one_file_per_copy(generated, source_path):
    """Copies are joined by one line break: 3 copies hold 3× the source's lines (wc -l + 1 each)."""
    source_lines = source_path.read_text(encoding="utf-8").count("\n") + 1
    assert generated[3, 1].read_text(encoding="utf-8").count("\n") + 1 == 3 * source_lines
