"""``report.page_json`` writes the text of ``json.dumps(…, ensure_ascii=False, indent=1, sort_keys=True)`` (issue 15).

The report writes each page's data as JSON beside it; the fast encoder must
give the standard library's bytes, checked here against ``json.dumps`` itself
on values written by hand (escapes, non-ASCII, numbers, nesting, empties) and
on every page of the bundled table's report, and pinned on one small value
written out in full; and the report's HTML escape ``report._e`` gives ``html.escape``'s text.
"""

from __future__ import annotations

import json

import pytest

from converter import query, report


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


AWKWARD = [
    "", "plain", "广州市人力资源和社会保障局", 'quote " backslash \\ slash /', "tab\tnew\nline\rreturn\bback\fform",
    "\x00\x01\x1f\x7f", "\u2028\u2029", "😀 astral", "\ud800 lone surrogate", "≥ 5万人次", "<b>&amp;</b>",
    0, 1, -1, 10**30, -(10**30), True, False, None,
    0.0, -0.0, 1.5, 1e-7, 1e22, 123456789.123456789, float("nan"), float("inf"), -float("inf"),
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, [[], {}, [[{}]]],
    {"b": 1, "a": 2, "A": 3, "é": 4, "中": 5, "": 6, " ": 7},
    {"nested": {"deeper": {"deepest": [1, [2, [3, {"x": None}]]]}}},
    ("a", "tuple", ("inside",)),
    {1: "int key", 2: "two"}, {1.5: "float key"}, {True: "t"}, {False: "f"}, {None: "n"},
    {"kind": "project", "project": {"amount": "8132.03", "line": "12", "withoutOutcome": False, "indicators": 5},
     "indicators": [{"sequence": "1", "statedTarget": None, "level1Label": "满意度指标"}], "notes": []},
]  # fmt: skip


@pytest.mark.parametrize("value", AWKWARD, ids=[repr(v)[:40] for v in AWKWARD])
def test_page_json_is_json_dumps(value):
    assert report.page_json(value) == dumps(value)


def test_all_of_them_at_once_in_a_list_and_under_keys():
    assert report.page_json(AWKWARD) == dumps(AWKWARD)
    keyed = {str(i): v for i, v in enumerate(AWKWARD)}
    assert report.page_json(keyed) == dumps(keyed)


def test_the_text_written_out_by_hand():
    value = {"b": [1, {"z": None, "y": "中\n\"x\""}], "a": {}, "c": [], "d": 2.5, "e": True}
    assert report.page_json(value) == (
        '{\n "a": {},\n "b": [\n  1,\n  {\n   "y": "中\\n\\"x\\"",\n   "z": null\n  }\n ],\n "c": [],\n "d": 2.5,\n "e": true\n}'
    )


def test_subclasses_of_str_int_float_are_written_as_their_values():
    class S(str):
        pass

    class I(int):
        def __repr__(self):
            return "not this"

    class F(float):
        def __repr__(self):
            return "nor this"

    value = {"s": S("text"), "i": I(7), "f": F(0.1), S("k"): [I(1), F(2.0)]}
    assert report.page_json(value) == dumps(value)
    assert '"i": 7' in report.page_json(value)


@pytest.mark.parametrize("value", [{"x": object()}, [b"bytes"], {"x": {1, 2}}, {(1, 2): "tuple key"}])
def test_what_json_refuses_page_json_refuses(value):
    with pytest.raises(TypeError) as ours:
        report.page_json(value)
    with pytest.raises(TypeError) as theirs:
        dumps(value)
    assert str(ours.value) == str(theirs.value)


def test_keys_of_mixed_types_cannot_be_sorted_either():
    with pytest.raises(TypeError):
        report.page_json({"a": 1, 2: "b"})
    with pytest.raises(TypeError):
        dumps({"a": 1, 2: "b"})


def test_every_page_of_the_bundled_tables_report(source_path, tmp_path):
    from converter.cli import main

    assert main(["load", str(source_path), "--store", str(tmp_path / "store")]) == 0
    answers = report.ask(query.store_backend(tmp_path / "store"))
    pages = report.build_model(answers)
    assert len(pages) == 1 + 17 + 258  # the overview, the units, the projects of the bundled table
    for path, data in pages.items():
        assert report.page_json(data) == dumps(data), path


@pytest.mark.parametrize("text", [None, "", "plain", "广州市（越秀区）", "a & b", "<td>", "x > y", 'say "so"', "it's", "&amp;", "<'&\">",
                                  5, 12.5, True, "≥ 5万人次"])  # fmt: skip
def test_the_html_escape_is_html_escape(text):
    import html

    assert report._e(text) == html.escape("" if text is None else str(text))


def test_a_row_keeps_every_variable_even_one_that_cannot_name_a_field():
    """``?class`` is a Python keyword and ``?_n`` starts with ``_``: their values are kept, by place."""
    row = report.row_type(("unitName", "class", "_n"))._make(["广州市劳动就业服务管理中心", "3", "1"])
    assert row._fields == ("unitName", "_1", "_2")
    assert (row.unitName, row[1], row[2]) == ("广州市劳动就业服务管理中心", "3", "1")


def test_the_report_queries_variables_are_their_rows_fields():
    """The report reads its rows by name (``row.unitName``): none of its queries' variables is renamed."""
    import pyoxigraph as ox

    assert len(report.asked()) == 9
    for text in report.asked():
        variables = tuple(v.value for v in ox.Store().query(text).variables)
        assert report.row_type(variables)._fields == variables, text[:80]
