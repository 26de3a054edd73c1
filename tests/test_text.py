"""converter.text: the one fold every comparison of printed names uses, and spreadsheet column letters."""

import pytest

from converter import iris, text


@pytest.mark.parametrize(
    ("printed", "folded"),
    [
        ("项目主管部\n门", "项目主管部门"),  # a line break a PDF cell put inside a word
        ("广州市\u3000人力资源", "广州市人力资源"),  # an ideographic space (U+3000)
        ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
        ("满意度 ≥ ９０％", "满意度≥90%"),  # full-width percent sign and digits, spaces around the comparator
        ("\u00a0元\t", "元"),  # no-break space and tab at the ends
    ],
)
def test_fold(printed: str, folded: str) -> None:
    assert text.fold(printed) == folded


def test_two_printings_of_a_name_share_an_iri_key() -> None:
    assert iris.name_key("就业　补助\n资金") == iris.name_key("就业补助资金")
    assert iris.name_key("就业补助资金") != iris.name_key("就业补贴资金")


@pytest.mark.parametrize(("column", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(column: int, letters: str) -> None:
    assert text.column_letters(column) == letters
