"""Places: the gazetteer of administrative divisions and district recognition.

A performance-goals table names districts inside project names, in two ways
seen in the Guangzhou HRSS 2024 table:

* a transfer payment per district, the district in full-width parentheses at
  the end: ``市就业补助资金（越秀区）``, ``社会申办退休退管服务（海珠区）``;
* a project that begins with the district: ``海珠区劳动保障监察协管员工资``,
  ``增城区“三支一扶”高校毕业生生活和社保补助``.

Only whole names from the gazetteer count (``越秀区``, never ``越秀``: the
table also has ``广州市从化高级技工学校项目``, a school named after a place,
not a transfer to 从化区), and only a top-level parenthesis: in
``广州市职业技术教育研究院（世界技能大赛中国（广州）研究中心）`` the inner
``（广州）`` is part of a unit's name.

The gazetteer is data, not code: every ``data/*-districts.csv`` asset
(columns ``name_zh,name_en,division_code,parent_code,wikidata``; codes from
GB/T 2260, which Wikidata holds as P442) is read, so another city is added by
adding its file. Place IRIs are fixed, ``https://w3id.org/perfkg/place/{code}``,
not under the data's ``--base``, so graphs of different tables share them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode

from . import assets
from .vocab import DCTERMS, OWL, PK, RDF, RDFS, SCHEMA


PLACE_NS = "https://w3id.org/perfkg/place/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
GAZETTEER_SUFFIX = "-districts.csv"
_COLUMNS = ("name_zh", "name_en", "division_code", "parent_code", "wikidata")
_OPEN, _CLOSE = "（(", "）)"


class GazetteerError(ValueError):
    """A gazetteer file cannot be used: missing columns, bad or repeated codes."""


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division, as its gazetteer row gives it."""

    name_zh: str
    name_en: str
    code: str  # GB/T 2260, six digits
    parent_code: str
    wikidata: str = ""  # a verified Wikidata item (Q…), or empty

    @property
    def iri(self) -> NamedNode:
        return place_iri(self.code)

    @property
    def is_county_level(self) -> bool:
        """GB/T 2260: ``xx0000`` is a province, ``xxxx00`` a prefecture (city), the rest county level."""
        return not self.code.endswith("00")


def place_iri(code: str) -> NamedNode:
    return NamedNode(PLACE_NS + code)


class Gazetteer:
    """Places by code and by Chinese name; recognises districts in names."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.by_code: dict[str, Place] = {}
        for place in places:
            if place.code in self.by_code:
                raise GazetteerError(f"division code {place.code} appears twice in the gazetteer")
            self.by_code[place.code] = place
        self._by_name: dict[str, list[Place]] = {}
        for place in self.by_code.values():
            self._by_name.setdefault(place.name_zh, []).append(place)

    @classmethod
    def bundled(cls) -> Gazetteer:
        """Every ``data/*-districts.csv`` asset (cached: the files do not change while running)."""
        return _bundled()

    def city_of(self, organisation: str) -> Place | None:
        """The prefecture-level city an organisation's name begins with (``广州市人力资源…`` → 广州市)."""
        found = [p for p in self.by_code.values() if not p.is_county_level and organisation.startswith(p.name_zh)]
        longest = max((len(p.name_zh) for p in found), default=0)
        best = [p for p in found if len(p.name_zh) == longest]
        return best[0] if len(best) == 1 else None

    def district_of(self, name: str, city: Place | None = None) -> Place | None:
        """The county-level district a project name is tied to, or None.

        ``city`` (the department's city) settles names that several cities
        share (白云区 is also in Guiyang); a name that still points to more than
        one district, or names two different districts, gives None.
        """
        mentioned = {p.code: p for w in _district_words(name, city, self._known_names()) for p in self._named(w, city)}
        return next(iter(mentioned.values())) if len(mentioned) == 1 else None

    def _known_names(self) -> list[str]:
        return [n for n, ps in self._by_name.items() if any(p.is_county_level for p in ps)]

    def _named(self, word: str, city: Place | None) -> list[Place]:
        places = [p for p in self._by_name.get(word, []) if p.is_county_level]
        if city is not None:
            places = [p for p in places if p.parent_code == city.code]
        return places if len(places) == 1 else []

    def lineage(self, place: Place) -> list[Place]:
        """The place and the places above it that the gazetteer knows, nearest first."""
        chain = [place]
        while (parent := self.by_code.get(chain[-1].parent_code)) is not None and parent not in chain:
            chain.append(parent)
        return chain


def _district_words(name: str, city: Place | None, known: list[str]) -> Iterator[str]:
    """The gazetteer names a project name is tied to by the two patterns of the source."""
    text = name.strip()
    if city is not None and text.startswith(city.name_zh):
        text = text[len(city.name_zh) :]  # 广州市越秀区… reads as 越秀区…
    for word in known:
        if text.startswith(word):
            yield word
    last = _last_top_level_group(name.strip())
    if last in known:
        yield last


def _last_top_level_group(name: str) -> str | None:
    """The text of a parenthesis at depth 0 that closes the name, or None.

    ``市就业补助资金（越秀区）`` → ``越秀区``; ``…研究院（世界技能大赛中国（广州）研究中心）``
    → ``世界技能大赛中国（广州）研究中心`` (its inner ``广州`` is never looked at).
    """
    if not name or name[-1] not in _CLOSE:
        return None
    depth = 0
    for index in range(len(name) - 1, -1, -1):
        char = name[index]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            depth -= 1
            if depth == 0:
                return name[index + 1 : -1]
    return None  # unbalanced: not a group


def read_gazetteer(text: str, source: str = "gazetteer") -> list[Place]:
    """Parse one gazetteer CSV; raise :class:`GazetteerError` naming the file and line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise GazetteerError(f"{source}: missing column(s) {', '.join(missing)}")
    places = []
    for line, row in enumerate(reader, start=2):
        code = row["division_code"].strip()
        if not (len(code) == 6 and code.isdigit()):
            raise GazetteerError(f"{source}:{line}: division code {code!r} is not six digits (GB/T 2260)")
        wikidata = (row["wikidata"] or "").strip()
        if wikidata and not (wikidata[0] == "Q" and wikidata[1:].isdigit()):
            raise GazetteerError(f"{source}:{line}: wikidata {wikidata!r} is not an item id like Q16572")
        places.append(Place(row["name_zh"].strip(), row["name_en"].strip(), code, row["parent_code"].strip(), wikidata))
    return places


@lru_cache(maxsize=1)
def _bundled() -> Gazetteer:
    names = assets.list_assets("data", GAZETTEER_SUFFIX)
    return Gazetteer(p for n in names for p in read_gazetteer(assets.read_text("data", n), n))


def place_triples(gazetteer: Gazetteer, place: Place) -> Iterator[tuple]:
    """Describe a place (contract: schema:AdministrativeArea, pk:District or pk:City, code, labels)."""
    node = place.iri
    yield node, RDF.type, SCHEMA.AdministrativeArea
    yield node, RDF.type, DCTERMS.Location  # what DCAT-AP asks of a dcterms:spatial value
    yield node, RDF.type, PK.District if place.is_county_level else PK.City
    yield node, RDFS.label, Literal(place.name_zh, language="zh")
    if place.name_en:
        yield node, RDFS.label, Literal(place.name_en, language="en")
    yield node, PK.divisionCode, Literal(place.code)
    if place.parent_code in gazetteer.by_code:
        yield node, SCHEMA.containedInPlace, place_iri(place.parent_code)
    if place.wikidata:
        # Only items someone verified: the districts are reached through P442 instead.
        yield node, OWL.sameAs, NamedNode(WIKIDATA_ENTITY + place.wikidata)
