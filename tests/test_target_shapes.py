"""The target-value shapes (shapes/targets.ttl) fire on minimal failing graphs, on every engine.

The valid graph holds one target of each kind, written by hand from real
source strings (≥ 5万人次, 3-5块奖牌, 2024年11月30日前, 2次/月, a formula,
合法合规, and 信息系统正常运行率 — a target no rule recognises, which is an
Info, not a failure). Each failing case is a SPARQL Update on it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from converter.validate import ENGINES, SHAPES_NS, validate

SHAPES = ("targets.ttl",)
D = "https://w3id.org/perfkg/id/t/"
VALID = f"""
@prefix pk: <https://w3id.org/perfkg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <{D}> .
:quantity a pk:Target ; pk:targetText "≥ 5万人次" ; pk:targetKind pk:QuantityTarget ; pk:comparator pk:GreaterOrEqual ;
    pk:numericValue 5.0 ; pk:scaleText "万" ; pk:normalizedValue 50000.0 ; pk:unitText "人次" ;
    pk:unit <https://w3id.org/perfkg/unit/person-time> .
:plain a pk:Target ; pk:targetText "98%" ; pk:targetKind pk:QuantityTarget ; pk:numericValue 98.0 ; pk:normalizedValue 98.0 ;
    pk:unitText "%" ; pk:unit <http://qudt.org/vocab/unit/PERCENT> .
:range a pk:Target ; pk:targetText "3-5块奖牌" ; pk:targetKind pk:RangeTarget ; pk:lowValue 3.0 ; pk:highValue 5.0 ; pk:unitText "块" .
:deadline a pk:Target ; pk:targetText "2024年11月30日前" ; pk:targetKind pk:DeadlineTarget ; pk:comparator pk:LessOrEqual ;
    pk:deadline "2024-11-30"^^xsd:date .
:frequency a pk:Target ; pk:targetText "2次/月" ; pk:targetKind pk:FrequencyTarget ; pk:perCount 2.0 ;
    pk:perPeriod <http://www.w3.org/2006/time#unitMonth> ; pk:numericValue 2.0 ; pk:normalizedValue 2.0 .
:formula a pk:Target ; pk:targetText "（合同审核参与数÷合同数）×100%=90%" ; pk:targetKind pk:FormulaTarget ; pk:comparator pk:Equal ;
    pk:numericValue 90.0 ; pk:normalizedValue 90.0 .
:qualitative a pk:Target ; pk:targetText "合法合规" ; pk:targetKind pk:QualitativeTarget ; pk:knownQualitative true .
:unknown a pk:Target ; pk:targetText "信息系统正常运行率" ; pk:targetKind pk:QualitativeTarget ; pk:knownQualitative false .
"""
PREFIXES = f"PREFIX pk: <https://w3id.org/perfkg/ontology#>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nPREFIX : <{D}>\n"

# case id → (update, focus, shape that must fire)
CASES = {
    "no-kind": ("DELETE DATA { :plain pk:targetKind pk:QuantityTarget }", "plain", "Target-targetKind"),
    "two-kinds": ("INSERT DATA { :plain pk:targetKind pk:RangeTarget }", "plain", "Target-targetKind"),
    "kind-outside-list": ("DELETE DATA { :qualitative pk:targetKind pk:QualitativeTarget } ; INSERT DATA { :qualitative pk:targetKind pk:Vague }", "qualitative", "Target-targetKind"),
    "comparator-outside-list": ("INSERT DATA { :plain pk:comparator pk:MuchMore }", "plain", "Target-comparator"),
    "number-as-string": ("DELETE DATA { :plain pk:numericValue 98.0 } ; INSERT DATA { :plain pk:numericValue \"98\" }", "plain", "Target-numericValue"),
    "normalized-as-double": ("DELETE DATA { :plain pk:normalizedValue 98.0 } ; INSERT DATA { :plain pk:normalizedValue 98.0e0 }", "plain", "Target-normalizedValue"),
    "low-as-integer-string": ("DELETE DATA { :range pk:lowValue 3.0 } ; INSERT DATA { :range pk:lowValue \"3\" }", "range", "Target-lowValue"),
    "high-twice": ("INSERT DATA { :range pk:highValue 6.0 }", "range", "Target-highValue"),
    "count-as-string": ("DELETE DATA { :frequency pk:perCount 2.0 } ; INSERT DATA { :frequency pk:perCount \"2\" }", "frequency", "Target-perCount"),
    "empty-unit-text": ("DELETE DATA { :range pk:unitText \"块\" } ; INSERT DATA { :range pk:unitText \"\" }", "range", "Target-unitText"),
    "unit-as-literal": ("DELETE DATA { :plain pk:unit <http://qudt.org/vocab/unit/PERCENT> } ; INSERT DATA { :plain pk:unit \"%\" }", "plain", "Target-unit"),
    "deadline-as-string": ("DELETE DATA { :deadline pk:deadline \"2024-11-30\"^^xsd:date } ; INSERT DATA { :deadline pk:deadline \"2024年11月30日\" }", "deadline", "Target-deadline"),
    "period-as-literal": ("DELETE DATA { :frequency pk:perPeriod <http://www.w3.org/2006/time#unitMonth> } ; INSERT DATA { :frequency pk:perPeriod \"month\" }", "frequency", "Target-perPeriod"),
    "flag-as-string": ("DELETE DATA { :qualitative pk:knownQualitative true } ; INSERT DATA { :qualitative pk:knownQualitative \"yes\" }", "qualitative", "Target-knownQualitative"),
    "quantity-without-number": ("DELETE DATA { :plain pk:normalizedValue 98.0 }", "plain", "TargetKindConsistencyShape"),
    "range-without-high": ("DELETE DATA { :range pk:highValue 5.0 }", "range", "TargetKindConsistencyShape"),
    "deadline-without-date": ("DELETE DATA { :deadline pk:deadline \"2024-11-30\"^^xsd:date }", "deadline", "TargetKindConsistencyShape"),
    "frequency-without-period": ("DELETE DATA { :frequency pk:perPeriod <http://www.w3.org/2006/time#unitMonth> }", "frequency", "TargetKindConsistencyShape"),
    "qualitative-with-number": ("INSERT DATA { :qualitative pk:normalizedValue 1.0 }", "qualitative", "TargetKindConsistencyShape"),
    "unscaled-but-scaled": ("DELETE DATA { :plain pk:normalizedValue 98.0 } ; INSERT DATA { :plain pk:normalizedValue 980000.0 }", "plain", "UnscaledValueShape"),
    "range-reversed": ("DELETE DATA { :range pk:lowValue 3.0 } ; INSERT DATA { :range pk:lowValue 8.0 }", "range", "RangeOrderShape"),
}


def _store(update: str | None = None) -> ox.Store:
    store = ox.Store()
    store.load(VALID, format=ox.RdfFormat.TURTLE)
    if update:
        store.update(PREFIXES + update)
    return store


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_targets_give_only_the_unrecognised_info(engine):
    report = validate(_store(), engine, SHAPES)
    assert [(r.focus, r.shape, r.severity) for r in report.results] == [
        (D + "unknown", SHAPES_NS + "UnrecognisedTargetShape", "Info")
    ]
    assert report.conforms("warning")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_failing_case_fires_its_shape_as_a_violation(case, engine):
    update, focus, shape = CASES[case]
    report = validate(_store(update), engine, SHAPES)
    fired = {(r.focus, r.shape, r.severity) for r in report.results if r.shape != SHAPES_NS + "UnrecognisedTargetShape"}
    assert (D + focus, SHAPES_NS + shape, "Violation") in fired, fired
    mine = [r for r in report.results if r.shape == SHAPES_NS + shape]
    assert {lang for r in mine[:1] for _, lang in r.messages} == {"zh", "en"}


def test_bundled_table_targets_conform(store):
    report = validate(store, ENGINES[0], SHAPES)
    counts = report.counts()
    assert counts["Violation"] == 0 and counts["Warning"] == 0
    # distinct texts no rule recognised: 28 (perfkg stats); here counted per target node, so at least that many
    assert counts["Info"] >= 28
    infos = {r.focus for r in report.results}
    texts = {next(iter(store.query(f"SELECT ?t WHERE {{ <{f}> <https://w3id.org/perfkg/ontology#targetText> ?t }}",
                                   use_default_graph_as_union=True)))["t"].value for f in infos}
    assert len(texts) == 28 and "信息系统正常运行率" in texts


def test_target_shapes_are_valid_shacl():
    """SHACL-SHACL: a shape in a pre-standard style would otherwise be ignored silently."""
    import rdflib
    from pyshacl import validate as pyshacl_validate

    from converter import assets

    shapes = rdflib.Graph().parse(data=assets.read_text("shapes", "targets.ttl"), format="turtle")
    conforms, _, text = pyshacl_validate(shapes, shacl_graph=shapes, meta_shacl=True)
    assert conforms, text
