"""Districts: the gazetteer, recognition in project names, links in the graph.

The expected district projects were worked out from the source, not from the
code: ``cut -f1 data/guangzhou-hrss-2024-project-performance-goals.txt | grep -nP
'(荔湾|越秀|海珠|天河|白云|黄埔|番禺|花都|南沙|从化|增城|萝岗)'`` lists 45 lines;
reading them one by one, 44 are tied to a district (a ``（X区）`` transfer
payment or a name that begins with ``X区``) and line 178
``广州市从化高级技工学校项目`` is a school named after a place, not a district
project. All 44 stand under the department's own unit (line 11), so the
project's name alone identifies its row.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from converter.places import Gazetteer, GazetteerError, Place, read_gazetteer

PLACE = "https://w3id.org/perfkg/place/"
PREFIX = """PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

#: GB/T 2260 codes as data/guangzhou-districts.csv gives them (checked against the shared README).
CODES = {
    "荔湾区": "440103", "越秀区": "440104", "海珠区": "440105", "天河区": "440106", "白云区": "440111",
    "黄埔区": "440112", "番禺区": "440113", "花都区": "440114", "南沙区": "440115", "从化区": "440117",
    "增城区": "440118",
}
ENGLISH = {
    "荔湾区": "Liwan District", "越秀区": "Yuexiu District", "海珠区": "Haizhu District", "天河区": "Tianhe District",
    "白云区": "Baiyun District", "黄埔区": "Huangpu District", "番禺区": "Panyu District", "花都区": "Huadu District",
    "南沙区": "Nansha District", "从化区": "Conghua District", "增城区": "Zengcheng District",
}

#: source line → district, read by hand from the grep above.
DISTRICT_PROJECTS = {
    12: "越秀区", 13: "海珠区", 14: "天河区", 15: "白云区", 24: "黄埔区", 25: "番禺区", 26: "花都区", 27: "南沙区",
    28: "从化区", 37: "增城区", 38: "荔湾区",  # 市就业补助资金（X区）
    39: "南沙区",  # 南沙区机关事业单位人员基本养老保险政府资助项目
    40: "海珠区", 49: "荔湾区", 50: "越秀区", 51: "天河区", 52: "白云区", 53: "番禺区", 62: "花都区", 63: "增城区",
    64: "从化区",  # 社会申办退休退管服务（X区）
    65: "海珠区", 66: "越秀区", 75: "荔湾区", 76: "天河区", 77: "黄埔区", 78: "白云区", 87: "从化区",  # X区劳动保障监察协管员工资
    88: "增城区", 89: "从化区",  # X区“三支一扶”…
    90: "海珠区", 91: "越秀区", 100: "增城区", 101: "荔湾区", 102: "天河区", 103: "黄埔区", 104: "白云区",
    115: "花都区", 116: "从化区", 117: "南沙区", 118: "番禺区",  # X区公共服务和薪酬调查业务财政补助
    127: "花都区", 128: "番禺区",  # X区机关事业单位人员基本养老保险政府资助项目
    129: "南沙区",  # 南沙区第二届粤港澳大湾区博士博士后创新创业大赛经费
}


def _spatial(store: ox.Store) -> dict[int, str]:
    rows = store.query(
        PREFIX + "SELECT ?line ?place WHERE { ?p a pk:Project ; pk:sourceLine ?line ; dcterms:spatial ?place }",
        use_default_graph_as_union=True,
    )
    return {int(r["line"].value): r["place"].value for r in rows}


def test_hand_count_is_44_projects_in_11_districts():
    assert len(DISTRICT_PROJECTS) == 44
    assert set(DISTRICT_PROJECTS.values()) == set(CODES)


@pytest.mark.parametrize("line", sorted(DISTRICT_PROJECTS))
def test_district_project_links_to_its_district(store, source_lines, line):
    district = DISTRICT_PROJECTS[line]
    assert district in source_lines[line].split("\t")[0]
    assert _spatial(store)[line] == PLACE + CODES[district]


def test_no_other_project_is_linked(store):
    assert set(_spatial(store)) == set(DISTRICT_PROJECTS)


def test_school_named_after_a_place_is_not_a_district_project(store, source_lines):
    assert source_lines[178].split("\t")[0] == "广州市从化高级技工学校项目"
    assert 178 not in _spatial(store)


@pytest.mark.parametrize("name", sorted(CODES))
def test_district_resource(store, name):
    node = f"<{PLACE}{CODES[name]}>"
    rows = list(store.query(
        PREFIX + f"""SELECT ?zh ?en ?code ?city WHERE {{ {node} a schema:AdministrativeArea, pk:District ;
            rdfs:label ?zh, ?en ; pk:divisionCode ?code ; schema:containedInPlace ?city .
            FILTER(lang(?zh) = "zh" && lang(?en) = "en") }}""",
        use_default_graph_as_union=True,
    ))
    assert [(r["zh"].value, r["en"].value, r["code"].value, r["city"].value) for r in rows] == [
        (name, ENGLISH[name], CODES[name], PLACE + "440100")
    ]


def test_guangzhou_is_the_verified_wikidata_item_and_districts_are_not(store):
    rows = store.query(PREFIX + "SELECT ?s ?o WHERE { ?s owl:sameAs ?o }", use_default_graph_as_union=True)
    assert {(r["s"].value, r["o"].value) for r in rows} == {(PLACE + "440100", "http://www.wikidata.org/entity/Q16572")}


def test_guangzhou_is_a_city_described_once(store):
    rows = list(store.query(
        PREFIX + f"SELECT ?g ?label WHERE {{ GRAPH ?g {{ <{PLACE}440100> a pk:City ; rdfs:label ?label }} }}"
    ))
    assert {(r["g"].value, r["label"].value) for r in rows} == {
        ("https://w3id.org/perfkg/reference", "广州市"), ("https://w3id.org/perfkg/reference", "Guangzhou")
    }


# -- recognition, name by name ----------------------------------------------------

GUANGZHOU = Gazetteer.bundled().by_code["440100"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("市就业补助资金（越秀区）", "440104"),
        ("社会申办退休退管服务（海珠区）", "440105"),
        ("海珠区劳动保障监察协管员工资", "440105"),
        ("增城区“三支一扶”高校毕业生生活和社保补助", "440118"),
        ("广州市越秀区某项目", "440104"),  # the city's name before the district
        ("市就业补助资金(天河区)", "440106"),  # half-width parentheses
    ],
)
def test_recognised(name, code):
    place = Gazetteer.bundled().district_of(name, GUANGZHOU)
    assert place is not None and place.code == code


@pytest.mark.parametrize(
    "name",
    [
        "广州市职业技术教育研究院（世界技能大赛中国（广州）研究中心）",  # nested: a unit's name
        "某研究院（世界技能大赛中国（越秀区））",  # a district, but inside an outer parenthesis
        "广州市从化高级技工学校项目",  # 从化 without 区: a school's name
        "越秀区与海珠区联合项目（天河区）",  # two different districts: no single tie
        "市就业补助资金（越秀区",  # unbalanced
        "粤港澳大湾区人才项目",  # 湾区 is no district
        "萝岗区劳动保障监察协管员工资",  # abolished in 2014, not in the gazetteer
        "机构运行辅助经费",
    ],
)
def test_not_recognised(name):
    assert Gazetteer.bundled().district_of(name, GUANGZHOU) is None


def test_bundled_gazetteer_is_guangzhou_and_its_eleven_current_districts():
    places = Gazetteer.bundled().by_code
    assert sorted(p.name_zh for p in places.values() if p.is_county_level) == sorted(CODES)
    assert {p.code: p.name_zh for p in places.values() if p.is_county_level} == {v: k for k, v in CODES.items()}
    assert "440116" not in places  # 萝岗区, merged into 黄埔区 in 2014


def test_another_city_is_added_by_data_and_the_department_city_settles_shared_names():
    guiyang = read_gazetteer(
        "name_zh,name_en,division_code,parent_code,wikidata\n贵阳市,Guiyang,520100,520000,\n白云区,Baiyun District,520113,520100,\n"
    )
    gazetteer = Gazetteer(list(Gazetteer.bundled().by_code.values()) + guiyang)
    assert gazetteer.district_of("白云区劳动保障监察协管员工资", gazetteer.city_of("广州市人力资源和社会保障局")).code == "440111"
    assert gazetteer.district_of("白云区劳动保障监察协管员工资", gazetteer.city_of("贵阳市人力资源和社会保障局")).code == "520113"
    assert gazetteer.district_of("白云区劳动保障监察协管员工资") is None  # two 白云区 and no city to choose


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name_zh,name_en,division_code\n", "missing column"),
        ("name_zh,name_en,division_code,parent_code,wikidata\n越秀区,Yuexiu,44010,440100,\n", "six digits"),
        ("name_zh,name_en,division_code,parent_code,wikidata\n广州市,Guangzhou,440100,440000,16572\n", "item id"),
    ],
)
def test_bad_gazetteer_is_refused(text, message):
    with pytest.raises(GazetteerError, match=message):
        read_gazetteer(text, "bad.csv")


def test_repeated_code_is_refused():
    place = Place("越秀区", "Yuexiu District", "440104", "440100")
    with pytest.raises(GazetteerError, match="twice"):
        Gazetteer([place, place])


# -- the federated query, offline -----------------------------------------------------


def test_districts_with_wikidata_query_parses_and_declares_its_columns():
    from rdflib.plugins.sparql import prepareQuery

    from converter import assets, catalog

    saved = catalog.load("districts-with-wikidata")
    prepared = prepareQuery(assets.read_text("queries", "districts-with-wikidata.rq"))
    assert [str(v) for v in prepared.algebra["PV"]] == [c.name for c in saved.columns]
    assert "SERVICE SILENT <https://query.wikidata.org/sparql>" in saved.text
    assert "wdt:P442" in saved.text


def test_districts_with_wikidata_query_runs_offline_on_the_local_places(store):
    """Oxigraph here has no network: SERVICE SILENT leaves ?item unbound, the local part stands."""
    from converter import assets

    rows = list(store.query(assets.read_text("queries", "districts-with-wikidata.rq"), use_default_graph_as_union=True))
    assert [(r["code"].value, r["name"].value) for r in rows] == sorted(
        [("440100", "广州市")] + [(code, name) for name, code in CODES.items()]
    )
