"""The naive pipeline, the first anchor of the benchmarks: what a user writes by hand.

Parse the table (perfkg's reader: the parsing is the same for everyone), then
``Graph.add`` each triple into one in-memory rdflib graph, then ``serialize``
Turtle. Written plainly on purpose — no streaming, no batching, no tricks — so
the benchmark shows what perfkg's streaming converter saves. It produces the
same model as perfkg (same IRIs, classes and properties), so the triple counts
compare; see benchmarks/README.md for the counts side by side.

Usage::

    python benchmarks/naive.py INPUT.txt -o OUTPUT.ttl
"""

from __future__ import annotations

import argparse
import sys

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from converter import assets
from converter.indicators import normalize_name
from converter.iris import Minter
from converter.reader import read_table

PK = Namespace("https://w3id.org/perfkg/ontology#")
CAT = Namespace("https://w3id.org/perfkg/category/")
FUND = Namespace("https://w3id.org/perfkg/funding-source/")


def add_row(g: Graph, node: URIRef, table: URIRef, row, year: Literal) -> None:
    g.add((node, PK.inTable, table))
    g.add((node, PK.fiscalYear, year))
    g.add((node, PK.sourceLine, Literal(row.line, datatype=XSD.positiveInteger)))
    g.add((node, PK.sourcePage, Literal(row.page, datatype=XSD.positiveInteger)))
    if row.amounts.total is not None:
        g.add((node, PK.totalAmount, Literal(row.amounts.total, datatype=XSD.decimal)))
    for slug, value in row.amounts.by_source:
        funding = URIRef(f"{node}/funding/{slug}")
        g.add((node, PK.funding, funding))
        g.add((funding, RDF.type, PK.FundingAmount))
        g.add((funding, PK.fundingSource, FUND[slug]))
        g.add((funding, PK.amount, Literal(value, datatype=XSD.decimal)))


def add_indicator(g: Graph, m: Minter, project: URIRef, node: URIRef, indicator) -> None:
    key = normalize_name(indicator.name)
    definition = URIRef(m.indicator_definition(key))
    g.add((project, PK.indicator, node))
    g.add((node, RDF.type, PK.Indicator))
    g.add((node, PK.sequence, Literal(indicator.sequence, datatype=XSD.positiveInteger)))
    g.add((node, RDFS.label, Literal(indicator.name, lang="zh")))
    g.add((node, PK.definition, definition))
    g.add((node, PK.sourceText, Literal(indicator.source_text)))
    g.add((definition, RDF.type, PK.IndicatorDefinition))
    g.add((definition, SKOS.prefLabel, Literal(key, lang="zh")))
    g.add((definition, PK.normalizedName, Literal(key)))
    if indicator.level1_code and indicator.level2_code:
        g.add((node, PK.category, CAT[indicator.level2_code]))
        g.add((node, PK.level1Category, CAT[indicator.level1_code]))
    for prop, target, slug in (
        (PK.periodTarget, indicator.period_target, "period-target"),
        (PK.annualTarget, indicator.annual_target, "annual-target"),
        (PK.target, indicator.stated_target, "stated-target"),
    ):
        if target is not None:
            t = URIRef(f"{node}/{slug}")
            g.add((node, prop, t))
            g.add((t, RDF.type, PK.Target))
            g.add((t, PK.targetText, Literal(target.text)))


def build(path: str) -> Graph:
    """The whole input as one rdflib graph."""
    table = read_table(path)
    m = Minter()
    g = Graph()
    g.parse(data=assets.read_text("ontology", "schemes.ttl"), format="turtle")
    for d in table.departments:
        t = URIRef(m.table(d.name, d.year))
        year = Literal(str(d.year), datatype=XSD.gYear)
        dept = URIRef(m.organization(d.name))
        g.add((t, RDF.type, PK.PerformanceGoalsTable))
        g.add((t, RDF.type, DCAT.Dataset))
        g.add((t, DCTERMS.title, Literal(d.title, lang="zh")))
        g.add((t, DCTERMS.publisher, dept))
        g.add((t, PK.fiscalYear, year))
        g.add((t, PK.amountUnit, PK.TenThousandYuan))
        g.add((t, PK.sourceLine, Literal(d.first_line, datatype=XSD.positiveInteger)))
        source = URIRef(m.source_file(table.sha256))
        g.add((t, PROV.wasDerivedFrom, source))
        g.add((source, RDF.type, PROV.Entity))
        g.add((source, DCTERMS.title, Literal(table.file)))
        g.add((dept, RDF.type, PK.Department))
        total = URIRef(m.total(str(t)))
        if d.total is not None:
            g.add((total, RDF.type, PK.DepartmentTotal))
            g.add((total, PK.organization, dept))
            add_row(g, total, t, d.total, year)
        for unit in d.units:
            org = URIRef(m.organization(unit.name))
            g.add((org, RDF.type, ORG.Organization))
            g.add((org, RDF.type, PK.BudgetUnit))
            g.add((org, RDFS.label, Literal(unit.name, lang="zh")))
            if org != dept:
                g.add((org, ORG.subOrganizationOf, dept))
            ub = URIRef(m.unit(str(t), unit.name))
            g.add((ub, RDF.type, PK.UnitBudget))
            g.add((ub, RDFS.label, Literal(unit.name, lang="zh")))
            g.add((ub, PK.organization, org))
            g.add((ub, PK.departmentTotal, total))
            add_row(g, ub, t, unit, year)
            for project in unit.projects:
                p = URIRef(m.project(str(ub), project.name))
                g.add((p, RDF.type, PK.Project))
                g.add((p, RDFS.label, Literal(project.name, lang="zh")))
                g.add((p, PK.unitBudget, ub))
                g.add((p, PK.goal, Literal(project.goal)))
                g.add((p, PK.indicatorText, Literal(project.indicator_text)))
                add_row(g, p, t, project, year)
                for n, indicator in enumerate(project.indicators, start=1):
                    add_indicator(g, m, p, URIRef(f"{p}/indicator/{n}"), indicator)
    return g


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="naive rdflib pipeline: parse, Graph.add, serialize Turtle")
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    graph = build(args.input)
    graph.serialize(destination=args.output, format="turtle")
    print(f"{len(graph)} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
