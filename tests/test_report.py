"""The report (issue 17): a static site whose figures are the saved queries' answers, checked in a real browser.

Debian's Chromium (``.ci/run`` installs it) is driven headless through
Playwright's Python package with ``executable_path`` (no browser download),
from a fresh profile. The test reads what a reader sees — the text of the
figures, the table cells, the numbers printed at the end of the chart bars —
and compares it with the answers of the saved queries, asked separately
through ``perfkg query``; a few figures are also pinned to
``tests/expected/*.csv``, worked out from the source without perfkg.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from converter.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"
EXPECTED = ROOT / "tests" / "expected"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is missing: apt-get install chromium (.ci/run does)"
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    assert main(["load", str(SOURCE), "--store", str(root / "store")]) == 0
    assert main(["report", "--store", str(root / "store"), "-o", str(root / "site")]) == 0
    return root


def _answer(site: Path, capsys, name: str, *params: str) -> list[dict[str, str]]:
    """A saved query's answer, asked through the command line as a user would."""
    capsys.readouterr()
    args = [x for p in params for x in ("--param", p)]
    assert main(["query", name, "--store", str(site / "store"), "--format", "csv", *args]) == 0
    return list(csv.DictReader(capsys.readouterr().out.splitlines()))


def _expected(name: str) -> list[dict[str, str]]:
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _number(text: str) -> Decimal:
    """A figure as the page prints it (``136,881.38``) as a number."""
    return Decimal(text.replace(",", "").strip())


def _money(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="perfkg-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True,
            viewport={"width": 1200, "height": 900},
        )  # fmt: skip
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture()
def page(browser):
    page = browser.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    yield page
    page.close()


def _cells(page, table: str, column: str) -> list[str]:
    return [t.strip() for t in page.locator(f"#{table} tbody td[data-col='{column}']").all_inner_texts()]


# -- the site on disk -------------------------------------------------------------------


def test_a_page_per_unit_and_project_each_with_its_json(site):
    folder = site / "site"
    units = _expected("funding-by-unit")  # one row per unit row of the source
    assert len(list((folder / "units").glob("*.html"))) == len(units) == 17
    assert len(list((folder / "projects").glob("*.html"))) == 258  # project rows of the source (test_reader)
    for page in [folder / "index.html", *(folder / "units").glob("*.html"), *(folder / "projects").glob("*.html")]:
        data = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        assert data["kind"] in ("overview", "unit", "project")
    overview = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert sorted(u["name"] for u in overview["units"]) == sorted(u["unitName"] for u in units)


def test_the_pages_load_nothing_from_outside(site):
    for page in [site / "site" / "index.html", *(site / "site" / "units").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "<script" not in text and "https://" not in text and "<link" not in text


# -- what a reader sees ------------------------------------------------------------------


def test_the_overview_shows_the_saved_queries_figures(site, page, capsys):
    units = _answer(site, capsys, "funding-by-unit")
    indicators = _answer(site, capsys, "indicators")
    page.goto((site / "site" / "index.html").as_uri())
    figure = lambda name: page.inner_text(f"#figure-{name} .value").strip()  # noqa: E731
    assert figure("units") == str(len(units))
    assert figure("projects") == str(sum(int(u["projectCount"]) for u in units)) == "258"
    assert figure("indicators") == str(len(indicators))
    assert _number(figure("declared")) == sum(Decimal(u["declared"]) for u in units)
    # the units table, cell by cell
    shown = dict(zip(_cells(page, "units", "name"), range(len(units))))
    assert set(shown) == {u["unitName"] for u in units}
    for column in ("declared", "fiscal", "specialAccount", "otherFunds", "projectSum", "difference"):
        values = _cells(page, "units", column)
        for unit in units:
            text = values[shown[unit["unitName"]]]
            assert (_number(text) if text else None) == _money(unit[column]), (unit["unitName"], column)
    # the chart: one bar per unit, the number at its end the unit's 总计
    bars = page.locator("#money-chart g.bar")
    assert bars.count() == len(units)
    printed = {bars.nth(i).get_attribute("data-label"): bars.nth(i).locator("text.value").text_content() for i in range(bars.count())}
    assert {k: _number(v) for k, v in printed.items()} == {u["unitName"]: Decimal(u["declared"]) for u in units}
    assert all(url.startswith("file://") for url in page.requests)


def test_the_overview_agrees_with_the_rows_worked_out_from_the_source(site, page):
    """Pinned to tests/expected: line 179, 广州市人力资源市场服务中心, declares 2,709.62 and its projects sum to 2,709.63."""
    page.goto((site / "site" / "index.html").as_uri())
    names = _cells(page, "units", "name")
    row = names.index("广州市人力资源市场服务中心")
    assert _cells(page, "units", "declared")[row] == "2,709.62"
    assert _cells(page, "units", "projectSum")[row] == "2,709.63"
    assert _cells(page, "units", "difference")[row] == "-0.01"
    expected = _expected("projects-without-satisfaction-indicator")
    assert page.locator("#without-satisfaction-table tbody tr").count() == len(expected)
    assert sorted(_cells(page, "without-satisfaction-table", "name")) == sorted(r["projectName"] for r in expected)
    assert page.inner_text("#figure-withoutSatisfaction .value").strip() == str(len(expected))


def test_categories_anomalies_and_districts_as_the_queries_answer(site, page, capsys):
    page.goto((site / "site" / "index.html").as_uri())
    per_category = Counter()
    for row in _answer(site, capsys, "indicator-categories-by-unit"):
        per_category[row["level2"]] += int(row["indicators"])
    assert dict(zip(_cells(page, "categories", "level2"), map(int, _cells(page, "categories", "indicators")))) == per_category
    codes = Counter(r["code"] for r in _answer(site, capsys, "anomalies"))
    shown = Counter()
    for code, count in zip(_cells(page, "anomalies", "code"), _cells(page, "anomalies", "count")):
        shown[code] += int(count)
    assert shown == codes
    districts = {r["district"]: Decimal(r["amount"]) for r in _answer(site, capsys, "funding-by-district")}
    assert {d: _number(a) for d, a in zip(_cells(page, "districts", "district"), _cells(page, "districts", "amount"))} == districts
    outcome = _answer(site, capsys, "projects-without-outcome-indicator")
    assert sorted(_cells(page, "without-outcome-table", "name")) == sorted(r["projectName"] for r in outcome)


def test_a_unit_page_reached_by_its_link(site, page, capsys):
    page.goto((site / "site" / "index.html").as_uri())
    page.click("#units a:text-is('广州市人力资源市场服务中心')")
    assert page.url.endswith(".html") and "/units/" in page.url
    unit = next(u for u in _answer(site, capsys, "funding-by-unit") if u["unitName"] == "广州市人力资源市场服务中心")
    assert _number(page.inner_text("#figure-declared .value")) == Decimal(unit["declared"])
    assert page.inner_text("#figure-projectCount .value").strip() == unit["projectCount"] == "11"
    projects = [p for p in _answer(site, capsys, "top-projects-by-amount", "limit=100000") if p["unitName"] == unit["unitName"]]
    names = _cells(page, "projects", "name")
    assert sorted(names) == sorted(p["projectName"] for p in projects)
    amounts = dict(zip(names, _cells(page, "projects", "amount")))
    assert {n: _number(a) for n, a in amounts.items()} == {p["projectName"]: Decimal(p["amount"]) for p in projects}
    assert sum(_number(a) for a in amounts.values()) == Decimal(unit["projectSum"])


def test_a_project_page_lists_its_indicators_and_targets(site, page, capsys):
    """Line 734, 博士和博士后人才创新发展项目 (广州市人事服务中心), prints 33,434.40."""
    page.goto((site / "site" / "index.html").as_uri())
    page.click("#units a:text-is('广州市人事服务中心')")
    page.click("#projects a:text-is('博士和博士后人才创新发展项目')")
    assert "/projects/" in page.url
    assert page.inner_text("#figure-amount .value").strip() == "33,434.40"
    rows = [r for r in _answer(site, capsys, "indicators", "project=博士和博士后人才创新发展项目") if r["line"] == "734"]
    assert rows
    assert _cells(page, "indicators", "indicatorName") == [r["indicatorName"] for r in rows]
    assert _cells(page, "indicators", "annualTarget") == [r["annualTarget"] for r in rows]
    assert _cells(page, "indicators", "periodTarget") == [r["periodTarget"] for r in rows]
    assert _cells(page, "indicators", "level2") == [r["level2"] for r in rows]


def test_a_screenshot_of_the_overview(site, page, tmp_path):
    page.goto((site / "site" / "index.html").as_uri())
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 900)


def test_build_writes_the_report_and_says_what_it_holds(tmp_path, capsys):
    assert main(["build", str(SOURCE), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store")]) == 0
    said = capsys.readouterr().out
    units = _expected("funding-by-unit")
    total = sum(Decimal(u["declared"]) for u in units)
    assert f"report: {len(units)} budget units, 258 projects, " in said
    assert f"{total:,.2f} 万元" in said
    assert (tmp_path / "out" / "report" / "index.html").is_file()
