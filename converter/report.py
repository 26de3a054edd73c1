"""``perfkg report``: a static HTML site of the store's figures, to look at in any browser, offline.

Every figure on it is an answer of a saved query (:data:`QUERIES`, asked
through :mod:`converter.catalog` on any backend of :mod:`converter.query`):
the report adds nothing the queries do not say, it only arranges their rows.
One data model behind every face, as Datasette keeps it: each page's data is
written as JSON beside the page (``index.json`` beside ``index.html``,
``units/SLUG.json`` …), and the page is rendered from that very dict.

Pages:

* ``index.html`` — the overview: headline figures, money by budget unit and
  funding source (a stacked bar chart and the table), indicator categories,
  projects without a satisfaction or an outcome indicator, what the converter
  noticed in the source, money tied to districts;
* ``units/SLUG.html`` — one budget unit: its money, its indicator
  categories, its projects;
* ``projects/SLUG.html`` — one project: its money and every indicator with
  its targets as written.

Charts are inline SVG drawn here; the pages load nothing from anywhere (no
script, no font, no style sheet from a CDN), so they work from a folder
opened as files. Text is Chinese, with English where it helps a reader who
does not read it. The slugs come from the IRIs (``{table}-{year}-{unit}``),
so the same store gives the same file names.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from collections import Counter, defaultdict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import catalog
from .query import Backend, Result

DEFAULT_REPORT = "perfkg-out/report"

#: The saved queries the report is made of, with the parameter values it asks them with.
QUERIES: dict[str, dict[str, str]] = {
    "funding-by-unit": {},
    "indicator-categories-by-unit": {},
    "projects-without-satisfaction-indicator": {},
    "projects-without-outcome-indicator": {},
    "anomalies": {},
    "funding-by-district": {},
    "top-projects-by-amount": {"limit": "1000000000"},  # every project with a 总计
    "projects-with-other-funds": {},
    "indicators": {},
}

SOURCES = (("fiscal", "财政拨款", "fiscal appropriation"), ("specialAccount", "财政专户拨款", "special account"),
           ("otherFunds", "其他资金", "other funds"))  # fmt: skip
COLOURS = {"fiscal": "#4e79a7", "specialAccount": "#f28e2b", "otherFunds": "#59a14f"}
LEVEL1_COLOURS = {"1": "#4e79a7", "2": "#59a14f", "3": "#e15759", "4": "#b07aa1"}


@dataclass
class ReportSummary:
    """What ``perfkg report`` wrote."""

    folder: Path
    pages: int = 0
    units: int = 0
    projects: int = 0
    answers: dict[str, int] = field(default_factory=dict)
    totals: dict = field(default_factory=dict)  # the overview's headline figures


# -- asking the saved queries --------------------------------------------------------


def asked() -> frozenset[str]:
    """The texts of the queries the report asks (:data:`QUERIES` bound to their parameters)."""
    return frozenset(catalog.bind(catalog.load(name), params) for name, params in QUERIES.items())


def ask(
    backend: Backend, say: Callable[[str], None] = lambda _: None,
    known: Mapping[str, Result | list[tuple]] | None = None,
) -> dict[str, list[tuple]]:
    """Every report query's answer as rows: :func:`row_type` tuples of lexical values (None when unbound).

    ``known``: answers already in hand, by the query text that gave them on
    this backend, as results or as rows already (``perfkg build`` has just
    run most of these queries and kept their rows).
    """
    answers = {}
    for name, params in QUERIES.items():
        text = catalog.bind(catalog.load(name), params)
        found = known.get(text) if known is not None else None
        if isinstance(found, list):
            rows = found
        else:
            rows = _rows(found if found is not None else backend.select(text))
        answers[name] = rows
        say(f"  {name}: {len(rows)} row(s)")
    return answers


@functools.lru_cache(maxsize=None)
def row_type(variables: tuple[str, ...]) -> type[tuple]:
    """The row of an answer with these variables: a named tuple, a field per variable (``row.unitName``).

    A tuple, not a dict: ``perfkg build`` keeps the report's rows while it
    answers the other queries (≈ 125,000 rows of 12 cells for ``indicators``
    at 100 tables), and a tuple holds a row in a third of a dict's memory.
    A variable that cannot be a field's name (``?class``, ``?_n``: a Python
    keyword, a leading ``_``) is field ``_0``, ``_1`` … by its place, as
    :func:`collections.namedtuple` renames it; the report's own queries have
    none (``tests/test_report_json.py``), so no row is refused.
    """
    return namedtuple("Row", variables, rename=True)


def _rows(result: Result) -> list[tuple]:
    make = row_type(tuple(result.variables))
    return [make._make(None if t is None else t.value for t in row) for row in result.rows]


# -- the data model -------------------------------------------------------------------


def slug(iri: str) -> str:
    """A page name from an IRI: the path below ``/table/`` (``44b0…-2024-9b2b…``), else a hash."""
    if "/table/" in iri:
        parts = [p for p in iri.split("/table/", 1)[1].split("/") if p not in ("unit", "project")]
        if parts and all(p.isascii() and p.replace("-", "").isalnum() for p in parts):
            return "-".join(parts)
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _owner(iri: str, marker: str) -> str:
    """The IRI of the resource an IRI lies under (``…/project/p/indicator/1`` → ``…/project/p``)."""
    head, sep, tail = iri.rpartition(marker)
    return head + sep + tail.split("/", 1)[0] if sep else ""


def _sum(values) -> str:
    return _plain(sum((Decimal(v) for v in values if v not in (None, "")), Decimal(0)))


def _plain(number: Decimal) -> str:
    """A decimal's exact text, two decimals for amounts (Oxigraph prints 33434.4 for 33,434.40)."""
    return f"{number.quantize(Decimal('0.01')):f}" if number == number.quantize(Decimal("0.01")) else f"{number:f}"


def _amount(value: str | None) -> str | None:
    return None if value in (None, "") else _plain(Decimal(value))


def build_model(answers: dict[str, list[tuple]]) -> dict[str, dict]:
    """Page path (without extension) → the data of that page, all from the answers."""
    return dict(pages(answers))


def pages(answers: dict[str, list[tuple]]) -> Iterator[tuple[str, dict]]:
    """Each page's path (without extension) and data, one at a time: the units', the projects', the overview last.

    A page is made when it is asked for, so :func:`write_report` holds one page at a time, not the site.
    """
    units = answers["funding-by-unit"]
    indicators = answers["indicators"]
    projects: dict[str, dict] = {}
    for row in answers["top-projects-by-amount"]:
        projects[row.project] = {"iri": row.project, "name": row.projectName, "unitName": row.unitName,
                                 "year": row.year, "line": row.line, "amount": _amount(row.amount)}  # fmt: skip
    by_project: dict[str, list[tuple]] = defaultdict(list)
    for row in indicators:
        iri = _owner(row.indicator, "/project/")
        by_project[iri].append(row)
        if iri not in projects:  # a project without a 总计 still has its indicators
            projects[iri] = {"iri": iri, "name": row.projectName, "unitName": row.unitName, "year": row.year,
                             "line": row.line, "amount": None}  # fmt: skip
    funds = {row.project: row for row in answers["projects-with-other-funds"]}
    no_satisfaction = {row.project for row in answers["projects-without-satisfaction-indicator"]}
    no_outcome = {row.project for row in answers["projects-without-outcome-indicator"]}
    notes_of: dict[str, list[tuple]] = defaultdict(list)
    for row in answers["anomalies"]:
        notes_of[row.resource].append(row)

    unit_iris = {row.unit for row in units}
    for project in projects.values():
        unit = _owner(project["iri"], "/unit/")
        project["unit"] = unit if unit in unit_iris else None
        project["slug"] = slug(project["iri"])
        project["indicators"] = len(by_project.get(project["iri"], ()))
        project["withoutSatisfaction"] = project["iri"] in no_satisfaction
        project["withoutOutcome"] = project["iri"] in no_outcome
    # a project read from a form has no source line (its place is a pk:sourceLocation): after the lines, by IRI
    ordered = sorted(projects.values(), key=lambda p: (p["year"], p["line"] is None or p["line"] == "",
                                                       int(p["line"] or 0), p["iri"]))
    projects_of: dict[str | None, list[dict]] = defaultdict(list)  # each unit's projects, in that order
    for project in ordered:
        projects_of[project["unit"]].append(project)

    categories_of: dict[str, list[tuple]] = defaultdict(list)
    for row in answers["indicator-categories-by-unit"]:
        categories_of[row.unit].append(row)
    unit_rows = []
    for row in units:
        unit_slug = slug(row.unit)
        money = {k: _amount(getattr(row, k)) for k in ("declared", "fiscal", "specialAccount", "otherFunds", "projectSum", "difference")}
        summary = {"slug": unit_slug, "iri": row.unit, "name": row.unitName, "year": row.year, "line": row.line,
                   "projectCount": int(row.projectCount or 0), **money}  # fmt: skip
        unit_rows.append(summary)
        yield f"units/{unit_slug}", {
            "kind": "unit", "unit": summary,
            "categories": _categories(categories_of.get(row.unit, [])),
            "projects": [_project_summary(p) for p in projects_of.get(row.unit, ())],
            "notes": [_note(n) for n in notes_of.get(row.unit, ())],
            "queries": _used("funding-by-unit", "indicator-categories-by-unit", "top-projects-by-amount", "indicators",
                             "projects-without-satisfaction-indicator", "projects-without-outcome-indicator", "anomalies"),
        }  # fmt: skip
    unit_slugs = {row.unit: slug(row.unit) for row in units}
    names = {}  # category code → its Chinese name, as the categories query gives them
    for row in answers["indicator-categories-by-unit"]:
        names[row.level1], names[row.level2] = row.level1Label, row.level2Label
    for project in ordered:
        rows = sorted(by_project.get(project["iri"], ()), key=lambda r: int(r.sequence or 0))
        split = funds.get(project["iri"])
        yield f"projects/{project['slug']}", {
            "kind": "project",
            "project": {**_project_summary(project), "unitSlug": unit_slugs.get(project["unit"]),
                        "fiscal": _amount(split.fiscal) if split else None,
                        "specialAccount": _amount(split.specialAccount) if split else None,
                        "otherFunds": _amount(split.otherFunds) if split else None},
            "indicators": [{"sequence": r.sequence, "level1": r.level1, "level2": r.level2, "indicatorName": r.indicatorName,
                            "periodTarget": r.periodTarget, "annualTarget": r.annualTarget, "statedTarget": r.statedTarget,
                            "level1Label": names.get(r.level1), "level2Label": names.get(r.level2)} for r in rows],
            "notes": [_note(n) for n in notes_of.get(project["iri"], ())],
            "queries": _used("top-projects-by-amount", "projects-with-other-funds", "indicators", "anomalies",
                             "projects-without-satisfaction-indicator", "projects-without-outcome-indicator"),
        }  # fmt: skip

    codes = Counter((row.code, row.noteSeverity) for row in answers["anomalies"])
    totals = {
        "units": len(units), "projects": sum(u["projectCount"] for u in unit_rows), "indicators": len(indicators),
        "declared": _sum(u["declared"] for u in unit_rows), "years": sorted({u["year"] for u in unit_rows}),
        "withoutSatisfaction": len(no_satisfaction), "withoutOutcome": len(no_outcome),
        "anomalies": len(answers["anomalies"]),
    }  # fmt: skip
    # A form prints no 单位合计 row: its unit has no declared total, so "the sum of the units' totals" leaves
    # its money out. Said beside it (only then, so a table whose units all print one gives the same page).
    undeclared = [u for u in unit_rows if u["declared"] is None]
    if undeclared:
        totals["undeclared"] = {"units": len(undeclared), "projectSum": _sum(u["projectSum"] for u in undeclared)}
    yield "index", {
        "kind": "overview",
        "totals": totals,
        "units": unit_rows,
        "categories": _categories(answers["indicator-categories-by-unit"]),
        "withoutSatisfaction": [_project_summary(projects[i]) for i in _in_order(no_satisfaction, ordered)],
        "withoutOutcome": [_project_summary(projects[i]) for i in _in_order(no_outcome, ordered)],
        "anomalies": [{"code": c, "severity": s, "count": n} for (c, s), n in sorted(codes.items(), key=lambda i: (-i[1], i[0]))],
        "districts": [{"district": r.district, "projects": int(r.projects), "amount": _amount(r.amount)}
                      for r in answers["funding-by-district"]],
        "queries": _used(*QUERIES),
    }  # fmt: skip


def _in_order(iris: set[str], ordered: list[dict]) -> list[str]:
    return [p["iri"] for p in ordered if p["iri"] in iris]


def _used(*names: str) -> list[dict]:
    """The saved queries a page's figures come from, with the parameters asked."""
    return [{"name": n, "params": QUERIES[n]} for n in names]


def _project_summary(project: dict) -> dict:
    return {k: project[k] for k in ("slug", "iri", "name", "unitName", "year", "line", "amount", "indicators",
                                    "withoutSatisfaction", "withoutOutcome")}  # fmt: skip


def _note(row: tuple) -> dict:
    return {"code": row.code, "noteSeverity": row.noteSeverity, "line": row.line, "found": row.found, "comment": row.comment}


def _categories(rows: list[tuple]) -> list[dict]:
    """Indicators per level-2 category, summed over the rows (units) given."""
    counts: Counter = Counter()
    labels: dict[tuple, tuple] = {}
    for row in rows:
        key = (row.level1, row.level2)
        counts[key] += int(row.indicators)
        labels[key] = (row.level1Label, row.level2Label)
    return [{"level1": l1, "level1Label": labels[(l1, l2)][0], "level2": l2, "level2Label": labels[(l1, l2)][1],
             "indicators": counts[(l1, l2)]} for l1, l2 in sorted(counts, key=lambda k: (int(k[0]), int(k[1])))]  # fmt: skip


# -- HTML -------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;
margin:0 auto;max-width:1100px;padding:1.5rem;color:#222;line-height:1.5}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.en{color:#777;font-weight:normal;font-size:.85em;margin-left:.5em}
nav{font-size:.9rem;margin-bottom:1rem}a{color:#2a5db0;text-decoration:none}a:hover{text-decoration:underline}
.figures{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.figure{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}
.figure .value{font-size:1.5rem;font-weight:bold}.figure .label{font-size:.85rem;color:#555}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.flag{color:#b00}.note{color:#666;font-size:.85rem}svg{max-width:100%;height:auto}
footer{margin-top:3rem;font-size:.8rem;color:#777}
"""


def _e(text: object) -> str:
    """``html.escape`` of the text (empty for None), three times as fast on text with nothing to escape, the usual case."""
    if text is None:
        return ""
    s = text if type(text) is str else str(text)
    if "&" in s or "<" in s or ">" in s or '"' in s or "'" in s:
        return html.escape(s)
    return s


def money(value: str | None) -> str:
    """An amount as the source prints it: ``33,434.40``; empty for none."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def _heading(level: int, zh: str, en: str, anchor: str = "") -> str:
    ident = f' id="{anchor}"' if anchor else ""
    return f'<h{level}{ident}>{_e(zh)}<span class="en">{_e(en)}</span></h{level}>'


def _table(columns: list[tuple[str, str, str, bool]], rows: list[dict], ident: str, cell: Callable[[dict, str], str]) -> str:
    """``columns``: (key, zh, en, numeric); ``cell`` renders a row's value (already HTML)."""
    head = "".join(f'<th class="{"num" if num else ""}">{_e(zh)}<br><span class="en">{_e(en)}</span></th>' for _, zh, en, num in columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="{"num" if num else ""}" data-col="{key}">{cell(row, key)}</td>' for key, _, _, num in columns) + "</tr>"
        for row in rows
    )
    return f'<table id="{ident}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def _shortened(label: str, size: float, width: float) -> str:
    """The label cut to ``width`` with an ellipsis (the whole label stays in the bar's title)."""
    while label and _text_width(label + "…", size) > width:
        label = label[:-1]
    return label + "…"


def bar_chart(ident: str, title: str, bars: list[tuple[str, list[tuple[str, float, str]], str]], unit: str) -> str:
    """A horizontal (stacked) bar chart as inline SVG.

    ``bars``: (label, [(series, value, colour)…], the value printed at the bar's end).
    Every segment carries a ``<title>`` (shown on hover) with its series and value.
    """
    size, row, gap = 13, 22, 6
    label_width = min(max((_text_width(b[0], size) for b in bars), default=0) + 12, 340)
    plot, value_width = 820 - label_width - 110, 110
    top = max((sum(v for _, v, _ in segments) for _, segments, _ in bars), default=0) or 1
    height = len(bars) * (row + gap) + 10
    parts = [f'<svg id="{ident}" role="img" aria-label="{_e(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {label_width + plot + value_width:.0f} {height}" width="{label_width + plot + value_width:.0f}" '
             f'font-size="{size}" font-family="inherit"><title>{_e(title)}</title>']  # fmt: skip
    for i, (label, segments, shown) in enumerate(bars):
        y = 5 + i * (row + gap)
        short = label if _text_width(label, size) + 12 <= label_width else _shortened(label, size, label_width - 12)
        parts.append(f'<g class="bar" data-label="{_e(label)}"><text x="{label_width - 6:.0f}" y="{y + row * 0.72:.1f}" '
                     f'text-anchor="end">{_e(short)}<title>{_e(label)}</title></text>')
        x = label_width
        for series, value, colour in segments:
            w = plot * value / top
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row}" fill="{colour}">'
                             f"<title>{_e(label)} · {_e(series)}: {_e(shown if len(segments) == 1 else f'{value:,.2f}')} {_e(unit)}</title></rect>")  # fmt: skip
            x += w
        parts.append(f'<text class="value" x="{x + 6:.1f}" y="{y + row * 0.72:.1f}">{_e(shown)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(items: list[tuple[str, str]]) -> str:
    return '<p class="note">' + " ".join(
        f'<span style="display:inline-block;width:.8em;height:.8em;background:{c};margin:0 .3em 0 .8em"></span>{_e(t)}' for t, c in items
    ) + "</p>"


def _page(title: str, body: str, depth: int) -> str:
    up = "../" * depth
    nav = f'<nav><a href="{up}index.html">总览 Overview</a></nav>' if depth else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{nav}{body}"
        f'<footer>由 perfkg 根据已保存的查询生成；本页数据见同名 .json 文件。'
        f'<span class="en">Made by perfkg from its saved queries; this page\'s data is in the .json file beside it.</span></footer>'
        "</body></html>\n"
    )


def _link(project: dict, up: str) -> str:
    return f'<a href="{up}projects/{project["slug"]}.html">{_e(project["name"])}</a>'


def _project_cell(up: str) -> Callable[[dict, str], str]:
    def cell(row: dict, key: str) -> str:
        if key == "name":
            return _link(row, up)
        if key == "amount":
            return money(row["amount"])
        if key in ("withoutSatisfaction", "withoutOutcome"):
            return '<span class="flag">无 none</span>' if row[key] else "有"
        return _e(row[key])

    return cell


_PROJECT_COLUMNS = [("name", "项目名称", "project", False), ("unitName", "预算单位", "budget unit", False),
                    ("amount", "总计（万元）", "total, 10k yuan", True), ("indicators", "指标数", "indicators", True),
                    ("line", "来源行", "source line", True)]  # fmt: skip
_UNIT_MONEY = [("declared", "总计（万元）", "total, 10k yuan", True), ("fiscal", "财政拨款（万元）", "fiscal appropriation", True),
               ("specialAccount", "财政专户拨款（万元）", "special account", True), ("otherFunds", "其他资金（万元）", "other funds", True),
               ("projectCount", "项目数", "projects", True), ("projectSum", "项目合计（万元）", "sum of projects", True),
               ("difference", "差额（万元）", "difference", True)]  # fmt: skip


def _categories_html(categories: list[dict], ident: str) -> str:
    if not categories:
        return '<p class="note">无指标 (no indicators)</p>'
    bars = [(f"{c['level1Label']} · {c['level2Label']}", [(c["level2Label"], c["indicators"], LEVEL1_COLOURS.get(c["level1"], "#999"))],
             str(c["indicators"])) for c in categories]  # fmt: skip
    legend = _legend([(f"{c['level1']} {c['level1Label']}", LEVEL1_COLOURS.get(c["level1"], "#999"))
                      for c in {c["level1"]: c for c in categories}.values()])  # fmt: skip
    columns = [("level1Label", "一级指标", "level 1", False), ("level2Label", "二级指标", "level 2", False),
               ("level2", "代码", "code", True), ("indicators", "指标数", "indicators", True)]  # fmt: skip
    return bar_chart(f"{ident}-chart", "各类别指标数 Indicators per category", bars, "个") + legend + _table(
        columns, categories, ident, lambda r, k: _e(r[k])
    )


def _money_chart(units: list[dict], ident: str) -> str:
    bars = [(u["name"], [(zh, float(u[key] or 0), COLOURS[key]) for key, zh, _ in SOURCES], money(u["declared"] or "0"))
            for u in sorted(units, key=lambda u: -Decimal(u["declared"] or 0))]  # fmt: skip
    return bar_chart(ident, "各预算单位资金（万元）Money by budget unit, 10k yuan", bars, "万元") + _legend(
        [(f"{zh} {en}", COLOURS[key]) for key, zh, en in SOURCES]
    )


def render_overview(data: dict) -> str:
    t = data["totals"]
    figures = [("units", "预算单位", "budget units", t["units"]), ("projects", "项目", "projects", t["projects"]),
               ("indicators", "绩效指标", "indicators", t["indicators"]),
               ("declared", "各单位总计之和（万元）", "sum of the units' totals, 10k yuan", money(t["declared"])),
               ("withoutSatisfaction", "无满意度指标的项目", "no satisfaction indicator", t["withoutSatisfaction"]),
               ("anomalies", "源数据异常", "notes on the source", t["anomalies"])]  # fmt: skip
    if "undeclared" in t:  # units that print no total (forms): their projects' money is not in the sum above
        u = t["undeclared"]
        figures.insert(4, ("undeclared", f"另有 {u['units']} 个单位未列总计，其项目总计之和（万元）",
                           f"{u['units']} unit(s) print no total; their projects' totals, 10k yuan", money(u["projectSum"])))  # fmt: skip
    boxes = "".join(f'<div class="figure" id="figure-{k}"><div class="value">{_e(v)}</div><div class="label">{_e(zh)}<br>'
                    f'<span class="en">{_e(en)}</span></div></div>' for k, zh, en, v in figures)  # fmt: skip

    def unit_cell(row: dict, key: str) -> str:
        if key == "name":
            return f'<a href="units/{row["slug"]}.html">{_e(row["name"])}</a>'
        return _e(row[key]) if key in ("projectCount", "year") else money(row[key])

    unit_columns = [("name", "预算单位", "budget unit", False), ("year", "年度", "year", True)] + _UNIT_MONEY
    anomaly_columns = [("code", "异常类型", "kind", False), ("severity", "严重程度", "severity", False), ("count", "条数", "count", True)]
    district_columns = [("district", "区", "district", False), ("projects", "项目数", "projects", True),
                        ("amount", "金额合计（万元）", "total, 10k yuan", True)]  # fmt: skip
    districts = data["districts"]
    district_chart = bar_chart("districts-chart", "各区项目资金（万元）Money tied to districts", [
        (d["district"], [(d["district"], float(d["amount"] or 0), "#76b7b2")], money(d["amount"])) for d in districts
    ], "万元") if districts else '<p class="note">无 (none)</p>'  # fmt: skip
    years = "、".join(t["years"])
    body = (
        f"<h1>项目支出绩效目标 · 总览<span class=\"en\">Performance goals of project expenditure: overview</span></h1>"
        f'<p class="note">年度 fiscal year {_e(years)}；金额单位：万元（10,000 元）。</p>'
        f'<div class="figures">{boxes}</div>'
        + _heading(2, "各预算单位资金", "Money by budget unit and funding source", "money")
        + _money_chart(data["units"], "money-chart")
        + _table(unit_columns, data["units"], "units", unit_cell)
        + _heading(2, "绩效指标类别", "Indicator categories", "categories")
        + _categories_html(data["categories"], "categories")
        + _heading(2, f"无满意度指标的项目（{len(data['withoutSatisfaction'])}）", "Projects without a satisfaction indicator", "without-satisfaction")
        + _table(_PROJECT_COLUMNS, data["withoutSatisfaction"], "without-satisfaction-table", _project_cell(""))
        + _heading(2, f"无效益指标的项目（{len(data['withoutOutcome'])}）", "Projects without an outcome indicator", "without-outcome")
        + _table(_PROJECT_COLUMNS, data["withoutOutcome"], "without-outcome-table", _project_cell(""))
        + _heading(2, "源数据异常", "What the converter noticed in the source", "anomalies")
        + _table(anomaly_columns, data["anomalies"], "anomalies", lambda r, k: _e(r[k]))
        + _heading(2, "各区项目资金", "Money of projects tied to a district", "districts")
        + district_chart
        + _table(district_columns, districts, "districts", lambda r, k: money(r[k]) if k == "amount" else _e(r[k]))
    )
    return _page("项目支出绩效目标 · 总览 Overview", body, 0)


def render_unit(data: dict) -> str:
    u = data["unit"]
    boxes = "".join(
        f'<div class="figure" id="figure-{k}"><div class="value">{_e(money(u[k]) if k != "projectCount" else u[k])}</div>'
        f'<div class="label">{_e(zh)}<br><span class="en">{_e(en)}</span></div></div>'
        for k, zh, en, _ in _UNIT_MONEY
    )
    columns = _PROJECT_COLUMNS[:1] + _PROJECT_COLUMNS[2:] + [("withoutSatisfaction", "满意度指标", "satisfaction", False),
                                                              ("withoutOutcome", "效益指标", "outcome", False)]  # fmt: skip
    body = (
        f'<h1>{_e(u["name"])}<span class="en">budget unit, {_e(u["year"])}</span></h1>'
        f'<p class="note">来源行 source line {_e(u["line"])}；金额单位：万元。</p><div class="figures">{boxes}</div>'
        + _heading(2, "资金来源", "Funding sources", "money")
        + _money_chart([u], "money-chart")
        + _heading(2, f"项目（{len(data['projects'])}）", "Projects", "projects")
        + _table(columns, data["projects"], "projects", _project_cell("../"))
        + _heading(2, "绩效指标类别", "Indicator categories", "categories")
        + _categories_html(data["categories"], "categories")
        + _notes_html(data["notes"])
    )
    return _page(f"{u['name']} · 预算单位", body, 1)


def _notes_html(notes: list[dict]) -> str:
    if not notes:
        return ""
    columns = [("code", "异常类型", "kind", False), ("noteSeverity", "严重程度", "severity", False), ("line", "来源行", "line", True),
               ("found", "源文本", "text found", False), ("comment", "说明", "explanation", False)]  # fmt: skip
    return _heading(2, "源数据异常", "Notes on the source", "notes") + _table(columns, notes, "notes", lambda r, k: _e(r[k]))


def render_project(data: dict) -> str:
    p = data["project"]
    unit = f'<a href="../units/{p["unitSlug"]}.html">{_e(p["unitName"])}</a>' if p.get("unitSlug") else _e(p["unitName"])
    money_rows = [("amount", "总计", "total")] + [(k, zh, en) for k, zh, en in SOURCES if p.get(k) is not None]
    boxes = "".join(f'<div class="figure" id="figure-{k}"><div class="value">{_e(money(p[k]))}</div><div class="label">'
                    f'{_e(zh)}（万元）<br><span class="en">{_e(en)}, 10k yuan</span></div></div>' for k, zh, en in money_rows)  # fmt: skip
    flags = "".join(f'<p class="flag" id="flag-{k}">{zh} <span class="en">{en}</span></p>' for k, zh, en in (
        ("withoutSatisfaction", "没有满意度指标", "no satisfaction indicator"),
        ("withoutOutcome", "没有效益指标", "no outcome indicator")) if p[k])  # fmt: skip
    columns = [("sequence", "序号", "no.", True), ("level1Label", "一级指标", "level 1", False), ("level2", "代码", "code", True),
               ("level2Label", "二级指标", "level 2", False), ("indicatorName", "指标名称", "indicator", False), ("periodTarget", "实施周期指标值", "period target", False),
               ("annualTarget", "年度指标值", "annual target", False), ("statedTarget", "目标值", "stated target", False)]  # fmt: skip
    if not any(i["statedTarget"] for i in data["indicators"]):
        columns = columns[:-1]
    body = (
        f'<h1>{_e(p["name"])}<span class="en">project, {_e(p["year"])}</span></h1>'
        f'<p class="note">预算单位 budget unit：{unit}；来源行 source line {_e(p["line"])}</p>'
        f'<div class="figures">{boxes}</div>{flags}'
        + _heading(2, f"绩效指标（{len(data['indicators'])}）", "Performance indicators and their targets", "indicators")
        + _table(columns, data["indicators"], "indicators", lambda r, k: _e(r[k]))
        + _notes_html(data["notes"])
    )
    return _page(f"{p['name']} · 项目", body, 1)


RENDERERS = {"overview": render_overview, "unit": render_unit, "project": render_project}


# -- JSON -------------------------------------------------------------------------------

_string = json.encoder.encode_basestring  # the C escape json.dumps uses with ensure_ascii=False


def page_json(data: object) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)``, the same text, in about half its time.

    With ``indent`` the standard library encodes in Python a token at a time
    (its C encoder only serves compact output); this builds each container's
    text in one join. Strings go through the same C escape; numbers, ``True``,
    ``False``, ``None``, keys that are not strings and non-finite floats come
    out as ``json.dumps`` writes them; anything else is refused with its
    ``TypeError`` (a circular structure is not looked for: it ends in a
    ``RecursionError``). tests/test_report_json.py compares the two.
    """
    return _json(data, "\n")


def _json(value: object, newline: str) -> str:
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    if type(value) is dict:
        if not value:
            return "{}"
        inner = newline + " "
        parts = []
        for key, item in sorted(value.items()):
            scalar = _SCALARS.get(type(item))
            parts.append((_string(key) if type(key) is str else _key(key)) + ": " + (scalar(item) if scalar else _json(item, inner)))
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if type(value) is list:
        if not value:
            return "[]"
        inner = newline + " "
        return "[" + inner + ("," + inner).join([_json(item, inner) for item in value]) + newline + "]"
    return _other(value, newline)


def _other(value: object, newline: str) -> str:
    """What :func:`_json` does not find by its exact type: subclasses, tuples; in ``json.dumps``'s order of tests."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):  # bool is only ever itself, found by its type
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, (list, tuple)):
        return _json(list(value), newline)
    if isinstance(value, dict):
        return _json(dict(value), newline)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_SCALARS: dict[type, Callable[[object], str]] = {
    str: _string, type(None): lambda _: "null", bool: lambda v: "true" if v else "false", int: int.__repr__, float: _float,
}  # fmt: skip


# -- writing -----------------------------------------------------------------------------


def write_report(
    backend: Backend, folder: str | Path = DEFAULT_REPORT, say: Callable[[str], None] = lambda _: None,
    known: Mapping[str, Result | list[tuple]] | None = None,
) -> ReportSummary:
    """Ask the report's queries (those not ``known``, see :func:`ask`), then write every page and its JSON into ``folder``.

    Each page is written as it is made (:func:`pages`): the site is never held whole.
    """
    folder = Path(folder)
    answers = ask(backend, say, known)
    summary = ReportSummary(folder, answers={n: len(rows) for n, rows in answers.items()})
    for sub in ("units", "projects"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    kinds: Counter = Counter()
    base = str(folder)  # names joined as text: a Path per file was a tenth of the step's CPU at 100 tables
    for path, data in pages(answers):
        with open(f"{base}/{path}.json", "w", encoding="utf-8") as out:
            out.write(page_json(data) + "\n")
        with open(f"{base}/{path}.html", "w", encoding="utf-8") as out:
            out.write(RENDERERS[data["kind"]](data))
        kinds[data["kind"]] += 1
        if data["kind"] == "overview":
            summary.totals = data["totals"]
    summary.pages = sum(kinds.values())
    summary.units = kinds["unit"]
    summary.projects = kinds["project"]
    return summary
