"""Work out the saved queries' expected rows from the source text, without perfkg.

This is the independent route the query tests name: it reads the bundled TSV
with nothing but the standard library (no ``converter`` import, no RDF) and
writes ``tests/expected/<query>.csv``. Run it by hand, then read the diff:

    python tests/expected/derive.py            # rewrite the CSV files
    python tests/expected/derive.py --check    # exit 1 if a file would change

It writes two sets: ``tests/expected/*.csv`` for the bundled table alone, and
``tests/expected/multi-year/*.csv`` for the multi-year fixture, the bundled 2024
table loaded together with its 2025 copy (:func:`second_year`: the titles say
2025, and one annual target, line 12 indicator 2 城镇新增就业人数, reads 1.9万人
instead of 1.85万人). Each table's rows carry their year; the rows of both years
are ordered as each query's ORDER BY says.

Rules taken from the source itself (not from the converter's code):

* a data line has 7 tab-separated cells; 合计 is the department total; a line
  with empty 绩效目标 and 绩效指标 cells is a budget-unit row; the other lines
  are projects of the unit row above them;
* an indicator cell is a list ``N、L1-名称；L2-名称；指标名称；实施周期指标值:…；年度指标值:…``
  whose separators are ``；`` or (some rows) ``;``/``,``/``，``, colons half- or
  full-width; a repeated ``年度指标值`` keeps its first text;
* the one free-form cell (line 630) was read by hand: ``N.标题：N.M名称…目标值X``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
YEAR = "2024"
DEPARTMENT = "广州市人力资源和社会保障局"
DISTRICTS = ["荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区"]
L1 = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
L2 = {"11": "数量指标", "12": "质量指标", "13": "时效指标", "14": "成本指标", "21": "经济效益", "22": "社会效益",
      "23": "生态效益", "24": "可持续影响", "31": "服务对象满意度"}  # fmt: skip


@dataclass
class Indicator:
    seq: int
    l1: str
    l2: str
    name: str
    period: str | None = None
    annual: str | None = None
    stated: str | None = None


@dataclass
class Row:
    line: int
    name: str
    amounts: list[Decimal | None]  # 总计, 财政拨款, 财政专户拨款, 其他资金
    indicators: list[Indicator] = field(default_factory=list)
    unit: Row | None = None
    projects: list[Row] = field(default_factory=list)
    year: str = YEAR


def amount(cell: str) -> Decimal | None:
    cell = cell.strip().replace(",", "")
    return Decimal(cell) if cell else None


_SEG = re.compile(r"(?:^|(?<=[。；;]))(\d+)、")
_STD = re.compile(r"^(\d)-[^；;，,]+[；;，,]\s*(\d\d)-[^；;，,]+[；;，,]\s*(.+?)[；;，,]\s*实施周期指标值\s*[:：](.*)$", re.S)
_ANNUAL = re.compile(r"[。；;，,]\s*年度指标值\s*[:：]")

#: line 630, read by hand: heading → level-2 code; item name up to "=" or "，"/","; target after 目标值
FREE_FORM_630 = [
    Indicator(1, "1", "11", "故障工单关闭率", stated="100%"),
    Indicator(2, "1", "11", "提供数据备份服务", stated="52次"),
    Indicator(3, "1", "12", "驻场服务时长达标率（%）", stated="符合"),
    Indicator(4, "1", "12", "验收合格率", stated="100%"),
    Indicator(5, "1", "13", "项目延迟率", stated="小于5%"),
    Indicator(6, "1", "13", "项目款拨付及时性"),  # "按照合同规定及时拨付运维款。": no 目标值
    Indicator(7, "2", "21", "设备正常运行率（%）", stated="不低于95%"),
    Indicator(8, "2", "22", "软件可用率（%）", stated="不低于95%"),
]


def indicators(cell: str, line: int) -> list[Indicator]:
    if line == 630:
        return list(FREE_FORM_630)
    parts = _SEG.split(cell.strip())
    out = []
    for number, text in zip(parts[1::2], parts[2::2]):
        text = re.sub(r"[。；;，,\s]$", "", text.strip())  # one terminator ends a segment
        m = _STD.match(text)
        if not m:
            raise ValueError(f"line {line}: segment {number} not understood: {text[:60]}")
        l1, l2, name, rest = m.groups()
        pieces = _ANNUAL.split(rest)
        out.append(Indicator(int(number), l1, l2, name.strip(), pieces[0].strip(), pieces[1].strip() if len(pieces) > 1 else None))
    return out


def second_year(text: str) -> str:
    """The multi-year fixture's 2025 table: the bundled text with the titles' year changed
    (the line without tabs that names the table) and line 12's annual target of indicator 2
    edited, so that one target differs between the years."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "\t" not in line and "2024年项目支出绩效目标表" in line:
            lines[index] = line.replace("2024年", "2025年")
    assert lines[11].count("年度指标值:1.85万人") == 1  # line 12, indicator 2
    lines[11] = lines[11].replace("年度指标值:1.85万人", "年度指标值:1.9万人")
    return "\n".join(lines)


def read(source: str, year: str) -> tuple[list[Row], list[Row], list[Row]]:
    total, units, projects = None, [], []
    for number, text in enumerate(source.split("\n"), start=1):
        cells = text.split("\t")
        if len(cells) != 7 or cells[0].startswith("项目名称"):
            continue
        row = Row(number, cells[0].strip(), [amount(c) for c in cells[1:5]], year=year)
        if row.name == "合计":
            total = row
        elif not cells[5].strip() and not cells[6].strip():
            units.append(row)
        else:
            row.unit = units[-1]
            row.indicators = indicators(cells[6], number)
            units[-1].projects.append(row)
            projects.append(row)
    assert total is not None
    return [total], units, projects


def read_all(sources: list[tuple[str, str]]) -> tuple[list[Row], list[Row], list[Row]]:
    """Several tables (text, year), in year order: totals, units and projects of all."""
    totals, units, projects = [], [], []
    for text, year in sorted(sources, key=lambda s: s[1]):
        one = read(text, year)
        totals += one[0]
        units += one[1]
        projects += one[2]
    return totals, units, projects


# -- one function per query: the expected rows -----------------------------------


def s(value: object) -> str:
    return "" if value is None else str(value)


def z(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def has_l1(project: Row, code: str) -> bool:
    return any(i.l1 == code for i in project.indicators)


def units_without_satisfaction_indicator(totals, units, projects):
    yield ["unitName", "year", "line", "projects"]
    for u in units:
        if not any(has_l1(p, "3") for p in u.projects):
            yield [u.name, u.year, u.line, len(u.projects)]


def projects_without_satisfaction_indicator(totals, units, projects):
    yield ["projectName", "unitName", "year", "amount", "line"]
    for p in projects:
        if not has_l1(p, "3"):
            yield [p.name, p.unit.name, p.year, s(p.amounts[0]), p.line]


def normalize(name: str) -> str:
    """The contract's normalised indicator name: NFKC, no white space, no trailing full stop."""
    return "".join(unicodedata.normalize("NFKC", name).split()).rstrip("。.")


def projects_sharing_indicator(totals, units, projects):
    yield ["indicatorName", "projectCount", "projectName", "unitName", "year", "line"]
    users: dict[str, list[Row]] = {}
    for p in projects:
        for key in dict.fromkeys(normalize(i.name) for i in p.indicators):
            users.setdefault(key, []).append(p)
    shared = [(k, v) for k, v in users.items() if len(v) >= 2]
    for key, rows in sorted(shared, key=lambda kv: (-len(kv[1]), kv[0])):
        for p in sorted(rows, key=lambda r: (r.year, r.line)):
            yield [key, len(rows), p.name, p.unit.name, p.year, p.line]


def funding_by_unit(totals, units, projects):
    yield ["unitName", "year", "line", "declared", "fiscal", "specialAccount", "otherFunds", "projectCount", "projectSum", "difference"]
    for u in units:
        psum = sum((z(p.amounts[0]) for p in u.projects), Decimal(0))
        yield [u.name, u.year, u.line, *map(s, u.amounts), len(u.projects), psum, z(u.amounts[0]) - psum]


def unit_total_discrepancies(totals, units, projects):
    yield ["level", "name", "year", "line", "measure", "declared", "rowsSum", "difference"]
    measures = ["总计", "财政拨款", "财政专户拨款", "其他资金"]
    declaring = []
    for total in totals:
        same_year = [u for u in units if u.year == total.year]
        declaring.append(("department", f"{DEPARTMENT}{total.year}年合计", total, same_year))
        declaring += [("unit", u.name, u, u.projects) for u in same_year]
    for level, name, row, children in declaring:
        for i, measure in enumerate(measures):
            declared = z(row.amounts[i])
            rows_sum = sum((z(c.amounts[i]) for c in children), Decimal(0))
            if declared != rows_sum:
                yield [level, name, row.year, row.line, measure, declared, rows_sum, declared - rows_sum]


def district_of(name: str) -> str | None:
    for d in DISTRICTS:
        if f"（{d}）" in name or name.startswith(d):
            return d
    return None


def funding_by_district(totals, units, projects):
    yield ["district", "projects", "amount"]
    sums: dict[str, list] = {}
    for p in projects:
        if d := district_of(p.name):
            sums.setdefault(d, [0, Decimal(0)])
            sums[d][0] += 1
            sums[d][1] += z(p.amounts[0])
    for d, (n, money) in sorted(sums.items(), key=lambda kv: (-kv[1][1], kv[0])):
        yield [d, n, money]


def indicator_categories_by_unit(totals, units, projects):
    yield ["unitName", "year", "line", "level1", "level1Label", "level2", "level2Label", "indicators"]
    for u in units:
        counts: dict[tuple[str, str], int] = {}
        for p in u.projects:
            for i in p.indicators:
                counts[(i.l1, i.l2)] = counts.get((i.l1, i.l2), 0) + 1
        for (l1, l2), n in sorted(counts.items(), key=lambda kv: kv[0][1]):
            yield [u.name, u.year, u.line, l1, L1[l1], l2, L2[l2], n]


def _targets(i: Indicator) -> list[str]:
    return [t for t in (i.period, i.annual, i.stated) if t is not None]


#: Targets without an Arabic digit that still state a number in Chinese numerals, read by
#: hand from the 101 distinct digit-free target texts ("提升“三支一扶”人员生活水平" names a
#: programme: no number).
CHINESE_NUMBERS = {"二级", "三级", "零故障", "每周一次", "一周以内（一般整改）"}


def _has_number(text: str) -> bool:
    return bool(re.search("[0-9０-９]", text)) or text in CHINESE_NUMBERS


def qualitative_targets(totals, units, projects):
    yield ["unitName", "projectName", "year", "line", "sequence", "indicatorName", "periodTarget", "annualTarget", "statedTarget"]
    for p in projects:
        for i in p.indicators:
            targets = _targets(i)
            if targets and not any(_has_number(t) for t in targets):
                yield [p.unit.name, p.name, p.year, p.line, i.seq, i.name, s(i.period), s(i.annual), s(i.stated)]


def period_annual_target_differences(totals, units, projects):
    yield ["unitName", "projectName", "year", "line", "sequence", "indicatorName", "periodTarget", "annualTarget"]
    for p in projects:
        for i in p.indicators:
            if i.period is not None and i.annual is not None and "".join(i.period.split()) != "".join(i.annual.split()):
                yield [p.unit.name, p.name, p.year, p.line, i.seq, i.name, i.period, i.annual]


def top_projects_by_amount(totals, units, projects):
    yield ["projectName", "unitName", "year", "amount", "line"]
    ranked = sorted((p for p in projects if p.amounts[0] is not None), key=lambda p: (-p.amounts[0], p.year, p.line))
    for p in ranked[:10]:
        yield [p.name, p.unit.name, p.year, p.amounts[0], p.line]


def projects_with_other_funds(totals, units, projects):
    yield ["projectName", "unitName", "year", "line", "amount", "fiscal", "specialAccount", "otherFunds"]
    for p in projects:
        if p.amounts[2] is not None or p.amounts[3] is not None:
            yield [p.name, p.unit.name, p.year, p.line, *map(s, p.amounts)]


def duplicate_project_names(totals, units, projects):
    yield ["projectName", "unitCount", "unitName", "year", "amount", "line"]
    by_name: dict[str, list[Row]] = {}
    for p in projects:
        by_name.setdefault(p.name, []).append(p)
    shared = [(k, v) for k, v in by_name.items() if len({p.unit.name for p in v}) >= 2]
    for name, rows in sorted(shared, key=lambda kv: (-len({p.unit.name for p in kv[1]}), kv[0])):
        for p in sorted(rows, key=lambda r: (r.year, r.line)):
            yield [name, len({r.unit.name for r in rows}), p.unit.name, p.year, s(p.amounts[0]), p.line]


def indicators_(totals, units, projects):
    yield ["unitName", "projectName", "year", "line", "sequence", "level1", "level2", "indicatorName", "periodTarget", "annualTarget", "statedTarget"]
    for p in projects:
        for i in sorted(p.indicators, key=lambda i: i.seq):
            yield [p.unit.name, p.name, p.year, p.line, i.seq, i.l1, i.l2, i.name, s(i.period), s(i.annual), s(i.stated)]


def rows_whose_sources_do_not_add_up(totals, units, projects):
    yield ["kind", "name", "year", "line", "total", "sourcesSum", "difference"]
    rows = [("department", f"{DEPARTMENT}{t.year}年合计", t) for t in totals] + [("unit", u.name, u) for u in units]
    rows += [("project", p.name, p) for p in projects]
    for kind, name, row in sorted(rows, key=lambda r: (r[2].year, r[2].line)):
        sources = sum((z(a) for a in row.amounts[1:]), Decimal(0))
        if z(row.amounts[0]) != sources:
            yield [kind, name, row.year, row.line, z(row.amounts[0]), sources, z(row.amounts[0]) - sources]


def projects_without_outcome_indicator(totals, units, projects):
    yield ["projectName", "unitName", "year", "amount", "line", "indicators"]
    for p in projects:
        if not has_l1(p, "2"):
            yield [p.name, p.unit.name, p.year, s(p.amounts[0]), p.line, len(p.indicators)]


def cost_per_output(totals, units, projects):
    """城镇新增就业人数 (the default parameter): annual targets like "≥0.95万人", read with a regex."""
    from decimal import ROUND_HALF_UP

    yield ["indicatorName", "projectName", "unitName", "year", "line", "amount", "targetText", "targetValue", "unitText", "yuanPerUnit"]
    rows = []
    for p in projects:
        for i in p.indicators:
            m = re.fullmatch(r"[≥>]?\s*([0-9.]+)(万?)(人)", i.annual or "")
            if normalize(i.name) == "城镇新增就业人数" and m and p.amounts[0] is not None:
                value = Decimal(m[1]) * (10000 if m[2] else 1)
                per = (p.amounts[0] * 10000 / value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                rows.append(["城镇新增就业人数", p.name, p.unit.name, p.year, p.line, p.amounts[0], i.annual, value, m[3], per])
    yield from sorted(rows, key=lambda r: (-r[-1], r[3], r[4]))


# Self-evaluations (issue 19): the bundled table is a goals table only, so no project has an
# evaluation and the evaluation queries have no rows; their own expected rows are worked out by
# hand from the self-evaluation fixtures in tests/test_self_evaluation.py.
def goals_without_evaluation(total, units, projects):
    yield ["projectName", "unitName", "year", "line"]
    for p in sorted(projects, key=lambda p: (p.year, p.line)):
        yield [p.name, p.unit.name, p.year, p.line]


def no_evaluations(*header):
    def derive(total, units, projects):
        yield list(header)
    return derive


QUERIES = {
    "units-without-satisfaction-indicator": units_without_satisfaction_indicator,
    "projects-without-satisfaction-indicator": projects_without_satisfaction_indicator,
    "projects-sharing-indicator": projects_sharing_indicator,
    "funding-by-unit": funding_by_unit,
    "unit-total-discrepancies": unit_total_discrepancies,
    "funding-by-district": funding_by_district,
    "indicator-categories-by-unit": indicator_categories_by_unit,
    "qualitative-targets": qualitative_targets,
    "period-annual-target-differences": period_annual_target_differences,
    "top-projects-by-amount": top_projects_by_amount,
    "projects-with-other-funds": projects_with_other_funds,
    "duplicate-project-names": duplicate_project_names,
    "indicators": indicators_,
    "rows-whose-sources-do-not-add-up": rows_whose_sources_do_not_add_up,
    "projects-without-outcome-indicator": projects_without_outcome_indicator,
    "cost-per-output": cost_per_output,
    "goals-without-evaluation": goals_without_evaluation,
    "evaluations-without-goals": no_evaluations("projectName", "unitName", "departmentName", "year", "where"),
    "missed-targets": no_evaluations("projectName", "unitName", "year", "sequence", "indicatorName", "target", "actual", "gap"),
    "execution-by-unit": no_evaluations("unitName", "year", "evaluations", "budget", "executed", "rate"),
    "scores-by-unit": no_evaluations("unitName", "year", "evaluations", "scored", "averageScore", "lowestScore"),
    "result-targets": no_evaluations("projectName", "year", "sequence", "resultName", "goalTarget", "actual", "match"),
}


def render(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


#: The multi-year fixture's expected rows live here.
MULTI_YEAR = HERE / "multi-year"


def anomalies_per_table(single: str, tables: int) -> str:
    """anomalies.csv (counted with grep, see tests/test_queries.py) for several copies of the
    table: each note once per table, the rows ordered by line and code as before."""
    header, *rows = single.splitlines(keepends=True)
    return header + "".join(row * tables for row in rows)


def main(argv: list[str]) -> int:
    text = SOURCE.read_text(encoding="utf-8")
    sets = [(HERE, read_all([(text, YEAR)])), (MULTI_YEAR, read_all([(text, YEAR), (second_year(text), "2025")]))]
    MULTI_YEAR.mkdir(exist_ok=True)
    changed = []
    for folder, data in sets:
        outputs = {name: render(derive(*data)) for name, derive in QUERIES.items()}
        if folder is MULTI_YEAR:
            outputs["anomalies"] = anomalies_per_table((HERE / "anomalies.csv").read_text(encoding="utf-8"), 2)
        for name, out in outputs.items():
            path = folder / f"{name}.csv"
            if not path.exists() or path.read_text(encoding="utf-8") != out:
                changed.append(str(path.relative_to(HERE)))
                if "--check" not in argv:
                    path.write_text(out, encoding="utf-8")
    print("changed:" if changed else "unchanged", " ".join(changed))
    return 1 if changed and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
