"""Target values in the graph: kind, comparator, numbers, units — and a question that needs them."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from converter.cli import main

PREFIX = """PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _rows(store, query):
    return [tuple(None if v is None else v.value for v in r) for r in store.query(PREFIX + query, use_default_graph_as_union=True)]


def test_every_target_has_a_kind_and_keeps_its_text(store):
    # 1246 standard indicators × (period + annual) + 7 stated targets of the free-form row (one has none)
    assert _rows(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Target ; pk:targetText ?x }") == [("2499",)]
    assert _rows(store, "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Target FILTER NOT EXISTS { ?t pk:targetKind ?k } }") == [("0",)]


# line 12 (市就业补助资金（越秀区）), indicator 4: 实施周期指标值:≥ 5万人次
def test_a_scaled_quantity(store):
    rows = _rows(
        store,
        """SELECT ?kind ?cmp ?num ?norm ?scale ?unitText ?unit WHERE {
             ?p rdfs:label "市就业补助资金（越秀区）"@zh ; pk:indicator ?i . ?i pk:sequence 4 ; pk:periodTarget ?t .
             ?t pk:targetKind ?kind ; pk:comparator ?cmp ; pk:numericValue ?num ; pk:normalizedValue ?norm ;
                pk:scaleText ?scale ; pk:unitText ?unitText ; pk:unit ?unit }""",
    )
    pk = "https://w3id.org/perfkg/ontology#"
    assert rows == [(pk + "QuantityTarget", pk + "GreaterOrEqual", "5", "50000", "万", "人次", "https://w3id.org/perfkg/unit/person-time")]


def test_percentages_use_the_qudt_unit(store):
    # grep -o '指标值[:：][^；;。,]*%' | wc -l would count raw; here: no target with unit text % lacks unit:PERCENT
    rows = _rows(store, 'SELECT (COUNT(?t) AS ?n) WHERE { ?t pk:unitText "%" FILTER NOT EXISTS { ?t pk:unit <http://qudt.org/vocab/unit/PERCENT> } }')
    assert rows == [("0",)]


def test_a_deadline_is_a_typed_date(store):
    # line 323, indicator 2: 年度指标值:2024年11月前 → gYearMonth 2024-11
    rows = _rows(
        store,
        """SELECT ?d (DATATYPE(?d) AS ?dt) WHERE { ?p pk:sourceLine 323 ; pk:indicator ?i .
             ?i pk:annualTarget/pk:deadline ?d }""",
    )
    assert rows == [("2024-11", "http://www.w3.org/2001/XMLSchema#gYearMonth")]
    # line 298: 年度指标值:2023年6月前 (twice, once followed by 完成)
    rows = _rows(store, "SELECT ?d WHERE { ?p pk:sourceLine 298 ; pk:indicator/pk:annualTarget/pk:deadline ?d }")
    assert rows == [("2023-06",), ("2023-06",)]


def _district_jobs_by_hand(source_lines) -> dict[str, Decimal]:
    """新增就业人数 per 万元 for each 市就业补助资金（X区）, from the raw text with a regex, not the converter.

    Only rows whose period target is a plain number of 万人 count (line 38, 荔湾区, says 按当年度市下达任务数).
    """
    result = {}
    for line in source_lines:
        cells = line.split("\t")
        if len(cells) != 7 or not cells[0].startswith("市就业补助资金（"):
            continue
        match = re.search(r"城镇新增就业人数；实施周期指标值[:：]\s*(?:≥)?\s*([\d.]+)万人", cells[6])
        if match:
            district = cells[0][len("市就业补助资金（") : -1]
            result[district] = (Decimal(match[1]) * 10000 / Decimal(cells[1].replace(",", ""))).quantize(Decimal("0.01"))
    return result


def test_new_jobs_per_wan_yuan_by_district(store, source_lines):
    """A question that needs the numbers: targeted new urban jobs per 万元 of each district's employment subsidy."""
    rows = _rows(
        store,
        """SELECT ?name ?jobs ?amount WHERE {
             ?p rdfs:label ?name ; pk:totalAmount ?amount ; pk:indicator ?i .
             FILTER(STRSTARTS(STR(?name), "市就业补助资金（"))
             ?i rdfs:label "城镇新增就业人数"@zh ; pk:periodTarget/pk:normalizedValue ?jobs .
           } ORDER BY ?name""",
    )
    computed = {
        name[len("市就业补助资金（") : -1]: (Decimal(jobs) / Decimal(amount)).quantize(Decimal("0.01")) for name, jobs, amount in rows
    }
    expected = _district_jobs_by_hand(source_lines)
    assert len(expected) == 10  # 11 districts, 荔湾区 has no number
    assert computed == expected
    assert expected["越秀区"] == Decimal("2.27")  # 18500 / 8132.03


@pytest.mark.parametrize(
    "text,expected",
    [
        ("≥ 5万人次", {"kind": "quantity", "comparator": ">=", "value": "5", "normalized": "50000", "unit": "人次"}),
        ("3-5块奖牌", {"kind": "range", "low": "3", "high": "5", "unit": "块"}),
        ("合法合规", {"kind": "qualitative", "comparator": None, "value": None}),
    ],
)
def test_parse_value_prints_one_json_object(capsys, text, expected):
    assert main(["parse-value", text]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["text"] == text
    assert {k: parsed[k] for k in expected} == expected


def test_stats_lists_targets_no_rule_recognised(source_path, capsys):
    assert main(["stats", str(source_path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["target_texts_by_kind"]["quantity"] > result["target_texts_by_kind"]["qualitative"] > 0
    # e.g. line 601's 指标值 is the indicator's own name (a source mistake): no number, not a qualitative term
    assert "信息系统正常运行率" in result["unrecognized_targets"]
    assert "合法合规" not in result["unrecognized_targets"]
