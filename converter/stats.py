"""Counts that describe a graph: what a person checks first after converting."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from .vocab import PK_NS

_PREFIX = f"PREFIX pk: <{PK_NS}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


@dataclass
class Stats:
    departments: int = 0
    tables: int = 0
    units: int = 0
    projects: int = 0
    indicators: int = 0
    indicator_definitions: int = 0
    indicators_by_category: dict[str, int] = field(default_factory=dict)
    anomalies_by_code: dict[str, int] = field(default_factory=dict)
    #: distinct target texts per kind (quantity, range, deadline, …)
    target_texts_by_kind: dict[str, int] = field(default_factory=dict)
    #: distinct target texts that fell to "qualitative" because no rule matched
    unrecognized_targets: list[str] = field(default_factory=list)
    triples: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        lines = [
            f"tables: {self.tables}",
            f"departments: {self.departments}",
            f"budget units (rows): {self.units}",
            f"projects: {self.projects}",
            f"indicators: {self.indicators} ({self.indicator_definitions} distinct definitions)",
            "indicators by category:",
        ]
        lines += [f"  {k}: {v}" for k, v in self.indicators_by_category.items()]
        lines.append("anomalies:")
        lines += [f"  {k}: {v}" for k, v in self.anomalies_by_code.items()] or ["  none"]
        total = sum(self.target_texts_by_kind.values()) or 1
        lines.append("distinct target texts by kind:")
        lines += [f"  {k}: {v} ({100 * v / total:.1f}%)" for k, v in self.target_texts_by_kind.items()]
        lines.append(f"target texts no rule recognised ({len(self.unrecognized_targets)}):")
        lines += [f"  {t}" for t in self.unrecognized_targets]
        lines.append(f"triples: {self.triples}")
        return "\n".join(lines)


def _count(store: ox.Store, pattern: str) -> int:
    query = _PREFIX + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


def stats(store: ox.Store) -> Stats:
    """Count departments, units, projects, indicators by category, anomalies and triples."""
    s = Stats()
    s.tables = _count(store, "?x a pk:PerformanceGoalsTable")
    s.departments = _count(store, "?x a pk:Department")
    s.units = _count(store, "?x a pk:UnitBudget")
    s.projects = _count(store, "?x a pk:Project")
    s.indicators = _count(store, "?x a pk:Indicator")
    s.indicator_definitions = _count(store, "?x a pk:IndicatorDefinition")
    by_category = store.query(
        _PREFIX
        + """SELECT ?l1 ?l1label ?l2 ?l2label (COUNT(DISTINCT ?i) AS ?n) WHERE {
          ?i a pk:Indicator .
          OPTIONAL { ?i pk:category ?c . ?c skos:notation ?l2 ; skos:prefLabel ?l2label ; skos:broader ?b .
                     ?b skos:notation ?l1 ; skos:prefLabel ?l1label .
                     FILTER(lang(?l2label) = "zh" && lang(?l1label) = "zh") }
        } GROUP BY ?l1 ?l1label ?l2 ?l2label ORDER BY ?l1 ?l2""",
        use_default_graph_as_union=True,
    )
    for row in by_category:
        key = f"{row['l1'].value}-{row['l1label'].value}；{row['l2'].value}-{row['l2label'].value}" if row["l2"] else "(no category)"
        s.indicators_by_category[key] = int(row["n"].value)
    codes: Counter[str] = Counter()
    for row in store.query(
        _PREFIX + "SELECT ?a ?code WHERE { ?a a pk:Anomaly ; pk:anomalyCode ?code }", use_default_graph_as_union=True
    ):
        codes[row["code"].value] += 1
    s.anomalies_by_code = dict(sorted(codes.items()))
    kinds = store.query(
        _PREFIX
        + """SELECT ?kind (COUNT(DISTINCT ?text) AS ?n) WHERE {
          ?t pk:targetKind ?k ; pk:targetText ?text . BIND(LCASE(STRBEFORE(STRAFTER(STR(?k), "#"), "Target")) AS ?kind)
        } GROUP BY ?kind ORDER BY DESC(?n) ?kind""",
        use_default_graph_as_union=True,
    )
    s.target_texts_by_kind = {row["kind"].value: int(row["n"].value) for row in kinds}
    s.unrecognized_targets = [
        row["text"].value
        for row in store.query(
            _PREFIX + "SELECT DISTINCT ?text WHERE { ?t pk:knownQualitative false ; pk:targetText ?text } ORDER BY ?text",
            use_default_graph_as_union=True,
        )
    ]
    s.triples = len(store)
    return s
