"""Amounts as forms print them, and the category and funding-source names the scheme and the readers share.

Amounts: each expected value is the printed text's number in 万元, worked out
by hand (``250000.00`` 元 is 25 万元). Names: the scheme file
(ontology/schemes.ttl) and the readers' lookup (converter/categories.py,
converter/records.py) must say the same, or a real form falls outside the scheme.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import rdflib

from converter import assets
from converter.categories import LEVEL1, LEVEL1_NAMES, LEVEL2, LEVEL2_NAMES, classify, fold
from converter.money import AmountError, parse_amount
from converter.records import FUNDING_SOURCE_LABELS

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.mark.parametrize(("text", "unit", "value", "printed_unit"), [
    ("250万", "万元", Decimal("250"), "万"),
    ("112万元", "万元", Decimal("112"), "万元"),
    ("10606.7522万元", "万元", Decimal("10606.7522"), "万元"),
    ("1000.00", "万元", Decimal("1000.00"), "万元"),
    ("215,457.6", "元", Decimal("21.54576"), "元"),  # 普陀 2022, 项目资金(元)
    ("250000.00", "元", Decimal("25"), "元"),
    ("9,034", "元", Decimal("0.9034"), "元"),
    ("112万元", "元", Decimal("112"), "万元"),  # the cell's own unit wins over the column's
])
def test_amounts_parse_exactly(text, unit, value, printed_unit):
    amount = parse_amount(text, unit)
    assert (amount.value, amount.unit, amount.text) == (value, printed_unit, text)
    assert isinstance(amount.value, Decimal)


def test_full_width_digits_are_read_and_noted():
    amount = parse_amount("１，２５０．５０", "万元")
    assert (amount.value, amount.full_width) == (Decimal("1250.50"), True)


@pytest.mark.parametrize(("text", "code"), [
    ("١٢٥٠", "foreign-digits"),  # Arabic-Indic digits
    ("१२५०", "foreign-digits"),  # Devanagari
    ("约100", "bad-amount"),
    ("1,00", "bad-amount"),
    ("一千万", "bad-amount"),
    ("100千元", "bad-amount"),
])
def test_not_plainly_an_amount_gives_no_number(text, code):
    with pytest.raises(AmountError) as err:
        parse_amount(text)
    assert err.value.code == code


def _scheme() -> rdflib.Graph:
    return rdflib.Graph().parse(data=assets.read_text("ontology", "schemes.ttl"), format="turtle")


def test_every_name_the_readers_know_is_a_label_of_its_concept():
    scheme = _scheme()
    cat = "https://w3id.org/perfkg/category/"
    for names, level in ((LEVEL1_NAMES, LEVEL1), (LEVEL2_NAMES, LEVEL2)):
        for name, code in names.items():
            labels = {fold(str(o)) for p in (SKOS.prefLabel, SKOS.altLabel)
                      for o in scheme.objects(rdflib.URIRef(cat + code), p) if o.language == "zh"}
            assert name in labels, f"{name} is not a label of pk-cat:{code}"
    assert {str(s).removeprefix(cat) for s in scheme.subjects(SKOS.inScheme, rdflib.URIRef(cat + "scheme"))} == set(LEVEL1) | set(LEVEL2)


def test_every_alt_label_of_the_scheme_is_read_by_name():
    scheme = _scheme()
    cat = "https://w3id.org/perfkg/category/"
    for concept, label in scheme.subject_objects(SKOS.altLabel):
        code = str(concept).removeprefix(cat)
        if code in LEVEL2:
            parent = LEVEL1[code[0]]
            assert classify(parent, str(label)).level2 == code, (code, str(label))
        elif code in LEVEL1:
            assert classify(str(label), "").level1 == code, (code, str(label))


def test_funding_sources_in_the_scheme_are_the_readers():
    scheme = _scheme()
    fund = "https://w3id.org/perfkg/funding-source/"
    found = {str(s).removeprefix(fund): str(o) for s, o in scheme.subject_objects(SKOS.prefLabel)
             if str(s).startswith(fund) and not str(s).endswith("scheme") and o.language == "zh"}
    assert found == FUNDING_SOURCE_LABELS
    for concept in found:
        assert {o.language for o in scheme.objects(rdflib.URIRef(fund + concept), SKOS.definition)} == {"zh", "en"}


def test_categories_by_name_as_real_forms_print_them():
    assert classify("效益指标", "满意度").level1 == "3"  # the older framework: filed under 满意度指标, with a note
    assert classify("效益指标", "满意度").note
    assert (classify("产出指标", "成本指标").level1, classify("产出指标", "成本指标").level2) == ("1", "14")
    assert classify("满意度指标", "社会公众或服务对象满意度指标").level2 == "31"
    assert classify("效益指标", "环境效益").level2 == "23"
    assert (classify("投入指标", "资金到位率").level1, classify("投入指标", "资金到位率").level2) == ("input", None)
    assert classify("产出指标(50分)", "数量指标").level2 == "11"
