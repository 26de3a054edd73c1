"""Whatever converts without an error validates without a violation: ``perfkg build`` on every fixture of every layout.

Each fixture goes through the whole main job (convert, validate, load into a
fresh embedded store, answer the saved queries); the test asserts exit 0 and
that the store holds the fixture's projects, counted from the excerpts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
#: fixture → (extra options, projects the source holds)
FIXTURES: dict[str, tuple[list[str], int]] = {
    "forms/liuan-jinan-2025.html": ([], 2),
    "forms/liuan-jinan-2025.xlsx": ([], 2),
    "forms/liuan-jinan-2025.xls": ([], 2),
    "forms/liuan-jinan-2025.docx": ([], 2),
    "forms/liuan-jinan-2025.pdf": ([], 2),
    "forms/hunan-ningxiang-batang-2021.docx": ([], 1),
    "forms/hubei-ezhou-2022.docx": (["--department", "鄂州市机关事务服务中心"], 1),
    "forms/shanghai-tongzhou-2019.docx": ([], 1),
    "forms/jinzhai-kaifaqu-2021.html": ([], 1),
    "forms/guangdong-edu-fund-2021.xlsx": ([], 1),
    "forms/wuhan-qingshan-2020.html": ([], 1),
    "forms/wuhan-qingshan-2020.xlsx": ([], 1),
    "forms/liuan-yeji-2025.html": ([], 1),
    "forms/longyan-2023.html": (["--department", "龙岩市财政局"], 1),
    "forms/indicators-composed.csv": (["--department", "六安市金安区体育局", "--year", "2025"], 1),
    "forms/indicators-composed.xlsx": (["--department", "六安市金安区体育局", "--year", "2025"], 1),
}
PROJECTS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a <https://w3id.org/perfkg/ontology#Project> } }"


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_build_loads_every_fixture_without_violations(fixture, tmp_path, capsys):
    options, projects = FIXTURES[fixture]
    store = tmp_path / "store"
    code = main(["build", str(DATA / fixture), *options, "--out", str(tmp_path / "out"), "--store", str(store), "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "violations: 0" in (tmp_path / "out" / "validation.txt").read_text(encoding="utf-8") or "0 violation" in out
    [row] = ox.Store(str(store)).query(PROJECTS)
    assert int(row["n"].value) == projects
