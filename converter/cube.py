"""The amounts as an RDF Data Cube / OpenBudgets.eu dataset (``perfkg convert --cube``).

Each table becomes one ``qb:DataSet`` (``{T}/cube``, structure
``pk:BudgetCubeStructure`` in ``ontology/cube.ttl``) whose observations are
the table's project amounts by funding source. An observation *is* the
funding amount the graph already has (``…/project/P/funding/{source}``), so
the cube and the graph join on it: loaded together, the node is both a
``pk:FundingAmount`` and a ``qb:Observation``. Its dimensions are the
spending organisation (the unit the project belongs to), the project, the
funding source, the fiscal year (``http://reference.data.gov.uk/id/year/{Y}``
as OpenBudgets.eu uses) and the budget phase (approved); its measure is the
amount exactly as written (万元); the currency (CNY) and the unit multiplier
(10⁴) are attributes of the data set.

Only project amounts are observations: the unit rows, the department total
and the 总计 column are sums of them (the arithmetic shapes check those), and
a cube that held both a sum and its parts would count money twice.

The cube is built from the quads the graph builder yields, so it uses the
same IRIs and literals; nothing is re-parsed from the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from . import assets
from .graph import VOCABULARY_GRAPH, scheme_triples
from .vocab import DCTERMS, OBEU_ATTRIBUTE, OBEU_DIMENSION, OBEU_MEASURE, PK, PROV, QB, RDF, RDFS, SDMX_ATTRIBUTE


STRUCTURE = PK.BudgetCubeStructure
APPROVED = NamedNode("http://data.openbudgets.eu/resource/codelist/budget-phase/approved")
CNY = NamedNode("http://publications.europa.eu/resource/authority/currency/CNY")
TEN_THOUSAND = NamedNode("http://purl.org/linked-data/sdmx/2009/code#unitMult-4")
YEAR = "http://reference.data.gov.uk/id/year/"


def cube_iri(table: NamedNode) -> NamedNode:
    return NamedNode(table.value + "/cube")


def structure_triples() -> Iterator[ox.Triple]:
    """The structure and the code lists the cube refers to: ``ontology/cube.ttl`` and the SKOS schemes."""
    yield from (q.triple for q in ox.parse(assets.read_text("ontology", "cube.ttl"), format=ox.RdfFormat.TURTLE))
    yield from scheme_triples()


class _Table:
    """What one table graph says that the cube needs, gathered as its quads go by."""

    def __init__(self) -> None:
        self.year: Literal | None = None
        self.titles: list[Literal] = []
        self.unit_org: dict[NamedNode, NamedNode] = {}
        self.project_unit: dict[NamedNode, NamedNode] = {}
        self.fundings: dict[NamedNode, list[NamedNode]] = {}
        self.source: dict[NamedNode, NamedNode] = {}
        self.amount: dict[NamedNode, Literal] = {}
        self.projects: set[NamedNode] = set()


def cube_quads(quads: Iterable[Quad]) -> Iterator[Quad]:
    """The Data Cube view of a conversion's quads: the structure first, then one data set per table graph.

    Each table's observations go to the named graph ``{T}/cube``; the
    structure and code lists to the vocabulary graph. Output is sorted, so
    the same input gives the same bytes.
    """
    tables: dict[NamedNode, _Table] = {}
    for quad in quads:
        graph = quad.graph_name
        if not isinstance(graph, NamedNode) or graph in (VOCABULARY_GRAPH,):
            continue
        s, p, o = quad.subject, quad.predicate, quad.object
        table = tables.get(graph)
        if table is None:
            table = tables[graph] = _Table()
        if p == PK.fiscalYear and s == graph:
            table.year = o
        elif p == DCTERMS.title and s == graph:
            table.titles.append(o)
        elif p == PK.organization:
            table.unit_org[s] = o
        elif p == PK.unitBudget:
            table.project_unit[s] = o
        elif p == PK.funding:
            table.fundings.setdefault(s, []).append(o)
        elif p == PK.fundingSource:
            table.source[s] = o
        elif p == PK.amount:
            table.amount[s] = o
        elif p == RDF.type and o == PK.Project:
            table.projects.add(s)
    vocabulary = sorted(set(structure_triples()), key=str)
    for triple in vocabulary:
        yield Quad(triple.subject, triple.predicate, triple.object, VOCABULARY_GRAPH)
    for graph in sorted(tables, key=str):
        triples = set(_data_set(graph, tables[graph]))
        if not triples:
            continue
        cube = cube_iri(graph)
        for s, p, o in sorted(triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
            yield Quad(s, p, o, cube)


def _data_set(graph: NamedNode, table: _Table) -> Iterator[tuple]:
    if table.year is None or not table.projects:
        return
    cube = cube_iri(graph)
    year = NamedNode(YEAR + table.year.value)
    yield cube, RDF.type, QB.DataSet
    yield cube, QB.structure, STRUCTURE
    yield cube, PROV.wasDerivedFrom, graph
    for title in table.titles:
        yield cube, RDFS.label, title
    yield cube, OBEU_ATTRIBUTE.currency, CNY
    yield cube, SDMX_ATTRIBUTE.unitMult, TEN_THOUSAND
    for project in table.projects:
        unit = table.project_unit.get(project)
        org = table.unit_org.get(unit) if unit is not None else None
        for funding in table.fundings.get(project, ()):
            if org is None or funding not in table.amount or funding not in table.source:
                continue
            yield funding, RDF.type, QB.Observation
            yield funding, QB.dataSet, cube
            yield funding, OBEU_DIMENSION.organization, org
            yield funding, OBEU_DIMENSION.project, project
            yield funding, PK.fundingSourceDimension, table.source[funding]
            yield funding, OBEU_DIMENSION.fiscalYear, year
            yield funding, OBEU_DIMENSION.budgetPhase, APPROVED
            yield funding, OBEU_MEASURE.amount, table.amount[funding]
