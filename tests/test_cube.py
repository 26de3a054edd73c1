"""`perfkg convert --cube`: the amounts as an RDF Data Cube that passes the W3C integrity constraints.

The constraints are the specification's own SPARQL (shapes/datacube-integrity.rq,
from https://www.w3.org/TR/vocab-data-cube/ sections 10.2 and 11.1), run on
the normalized cube in pyoxigraph, on the bundled table and on two years.
Each ASK must answer false; a mutation per constraint shows each can answer
true. The amounts are compared with the source read by tests/expected/derive.py
(the standard library only, no perfkg): every non-empty project cell of the
财政拨款 / 财政专户拨款 / 其他资金 columns is one observation with that amount.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import assets
from converter.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent / "expected"))
import derive  # noqa: E402  (the independent reader of the bundled table)

QB = "http://purl.org/linked-data/cube#"
OBEU_DIM = "http://data.openbudgets.eu/ontology/dsd/dimension/"
OBEU_AMOUNT = ox.NamedNode("http://data.openbudgets.eu/ontology/dsd/measure/amount")
FUND = "https://w3id.org/perfkg/funding-source/"
TABLE = "https://w3id.org/perfkg/id/table/44b0e28eb04d1dda/2024"
SOURCES = ["fiscal-appropriation", "special-account-appropriation", "other-funds"]  # columns 财政拨款, 财政专户拨款, 其他资金


def _blocks() -> dict[str, str]:
    """The named blocks of the asset: ``#> NAME`` starts one."""
    blocks: dict[str, list[str]] = {}
    name = None
    for line in assets.read_text("shapes", "datacube-integrity.rq").splitlines():
        if line.startswith("#> "):
            name = line[3:].strip()
            blocks[name] = []
        elif name is not None:
            blocks[name].append(line)
    return {k: "\n".join(v) for k, v in blocks.items()}


BLOCKS = _blocks()
CONSTRAINTS = [n for n in BLOCKS if n.startswith("IC-") and not n.endswith("-properties")]


def test_every_constraint_of_the_specification_is_there():
    numbers = {n.split("-")[1].rstrip("ab") for n in CONSTRAINTS}
    assert numbers == {str(i) for i in range(1, 22)}
    assert {"normalize-1", "normalize-2"} <= set(BLOCKS)


def _cube_file(tmp_path: Path, *sources: Path) -> Path:
    out = tmp_path / "cube.nq"
    assert main(["convert", *map(str, sources), "--cube", "--format", "nq", "-o", str(out)]) == 0
    return out


def _flat(path: Path) -> ox.Store:
    """The cube's quads in the default graph, where the normalization updates and the ASKs look."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    return store


def _normalized(path: Path) -> ox.Store:
    store = _flat(path)
    store.update(BLOCKS["normalize-1"])
    store.update(BLOCKS["normalize-2"])
    return store


def _violated(store: ox.Store, name: str) -> bool:
    text = BLOCKS[name]
    if "$p" not in text:
        return bool(store.query(text))
    properties = [row["p"].value for row in store.query(BLOCKS[f"{name}-properties"])]
    return any(bool(store.query(text.replace("$p", p))) for p in properties)


@pytest.fixture(scope="module")
def bundled_cube(tmp_path_factory, source_path) -> Path:
    return _cube_file(tmp_path_factory.mktemp("cube"), source_path)


@pytest.fixture(scope="module")
def multi_year_cube(tmp_path_factory, source_path) -> Path:
    from conftest import write_year

    folder = tmp_path_factory.mktemp("cube-years")
    return _cube_file(folder, source_path, write_year(source_path, folder / "gz-2025.txt", 2025))


@pytest.fixture(scope="module")
def bundled(bundled_cube) -> ox.Store:
    return _normalized(bundled_cube)


@pytest.fixture(scope="module")
def multi_year(multi_year_cube) -> ox.Store:
    return _normalized(multi_year_cube)


@pytest.mark.parametrize("name", CONSTRAINTS)
def test_bundled_cube_is_well_formed(bundled, name):
    assert not _violated(bundled, name)


@pytest.mark.parametrize("name", CONSTRAINTS)
def test_multi_year_cube_is_well_formed(multi_year, name):
    assert not _violated(multi_year, name)


# -- each constraint can fail: one mutation each -----------------------------------

OBS = f"<{TABLE}/unit/028132d706281676/project/026ead2841e6c4c6/funding/fiscal-appropriation>"
CUBE = f"<{TABLE}/cube>"
MUTATIONS = {
    "IC-1": f"INSERT DATA {{ {OBS} <{QB}dataSet> <https://example.org/other-cube> }}",
    "IC-2": f"DELETE WHERE {{ {CUBE} <{QB}structure> ?dsd }}",
    "IC-4": "DELETE WHERE { <https://w3id.org/perfkg/ontology#fundingSourceDimension> <http://www.w3.org/2000/01/rdf-schema#range> ?r }",
    "IC-5": "DELETE WHERE { <https://w3id.org/perfkg/ontology#fundingSourceDimension> <http://purl.org/linked-data/cube#codeList> ?l }",
    "IC-11": f"DELETE WHERE {{ {OBS} <{OBEU_DIM}project> ?p }}",
    "IC-12": f"""INSERT {{ <https://example.org/copy> ?p ?o }} WHERE {{ {OBS} ?p ?o }}""",
    "IC-13": f"DELETE WHERE {{ {OBS} <http://data.openbudgets.eu/ontology/dsd/attribute/currency> ?c }}",
    "IC-14": f"DELETE WHERE {{ {OBS} <{OBEU_AMOUNT.value}> ?a }}",
    "IC-19a": f"""DELETE {{ {OBS} <https://w3id.org/perfkg/ontology#fundingSourceDimension> ?s }}
                  INSERT {{ {OBS} <https://w3id.org/perfkg/ontology#fundingSourceDimension> <{FUND}no-such-source> }}
                  WHERE {{ {OBS} <https://w3id.org/perfkg/ontology#fundingSourceDimension> ?s }}""",
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_broken_cube_violates_the_constraint(bundled_cube, name):
    store = _normalized(bundled_cube)  # normalized: IC-13 is about the attribute pushed down to the observation
    assert not _violated(store, name)
    store.update(MUTATIONS[name])
    assert _violated(store, name)


# -- what the cube says -------------------------------------------------------------


def test_observations_are_the_project_amounts_of_the_source(bundled):
    _total, _units, projects = derive.read(derive.SOURCE.read_text(encoding="utf-8"), derive.YEAR)
    expected = Counter(
        (SOURCES[i], amount) for p in projects for i, amount in enumerate(p.amounts[1:]) if amount is not None
    )
    rows = bundled.query(f"""SELECT ?source ?amount WHERE {{
        ?obs a <{QB}Observation> ; <https://w3id.org/perfkg/ontology#fundingSourceDimension> ?source ; <{OBEU_AMOUNT.value}> ?amount }}""")
    found = Counter((row["source"].value.removeprefix(FUND), Decimal(row["amount"].value)) for row in rows)
    assert found == expected
    assert sum(expected.values()) == 270  # 251 fiscal appropriations and 19 other funds, nothing in 财政专户拨款


def test_dataset_attributes_currency_and_unit_multiplier(bundled_cube):
    store = _flat(bundled_cube)  # not normalized: the attributes as written, on the data set
    rows = list(store.query(f"""SELECT ?currency ?mult ?phase ?year WHERE {{
        {CUBE} <http://data.openbudgets.eu/ontology/dsd/attribute/currency> ?currency ;
               <http://purl.org/linked-data/sdmx/2009/attribute#unitMult> ?mult .
        {OBS} <{OBEU_DIM}budgetPhase> ?phase ; <{OBEU_DIM}fiscalYear> ?year }}"""))
    assert [(r["currency"].value, r["mult"].value, r["phase"].value, r["year"].value) for r in rows] == [(
        "http://publications.europa.eu/resource/authority/currency/CNY",
        "http://purl.org/linked-data/sdmx/2009/code#unitMult-4",
        "http://data.openbudgets.eu/resource/codelist/budget-phase/approved",
        "http://reference.data.gov.uk/id/year/2024",
    )]


def test_two_years_are_two_data_sets_of_one_structure(multi_year):
    rows = list(multi_year.query(f"""SELECT ?ds (COUNT(?obs) AS ?n) WHERE {{
        ?ds a <{QB}DataSet> ; <{QB}structure> <https://w3id.org/perfkg/ontology#BudgetCubeStructure> .
        ?obs <{QB}dataSet> ?ds }} GROUP BY ?ds ORDER BY ?ds"""))
    assert [(r["ds"].value, int(r["n"].value)) for r in rows] == [(f"{TABLE}/cube", 270), (f"{TABLE.replace('2024', '2025')}/cube", 270)]


def test_cube_output_is_deterministic(tmp_path, source_path, bundled_cube):
    again = _cube_file(tmp_path, source_path)
    assert again.read_bytes() == bundled_cube.read_bytes()
