"""Write a performance-goals table back from its graph (``perfkg export-table``).

The exporter reads only the graph, never the source: it proves the graph kept
everything. Rows come out in source order (table, then ``pk:sourceLine``) with
the seven columns of the source. A row the converter could not rebuild from its
fields carries ``pk:sourceRow``, which is written as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox

from .reader import HEADER_LINE, TOTAL_ROW_NAME, format_amount
from .records import FUNDING_SOURCES
from .vocab import PK_NS

_ROWS = """
PREFIX pk: <%(pk)s>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?row ?table ?line ?kind ?name ?total ?goal ?indicators ?raw WHERE {
  ?row pk:inTable ?table ; pk:sourceLine ?line ; a ?kind .
  VALUES ?kind { pk:DepartmentTotal pk:UnitBudget pk:Project }
  OPTIONAL { ?row rdfs:label ?name }
  OPTIONAL { ?row pk:totalAmount ?total }
  OPTIONAL { ?row pk:goal ?goal }
  OPTIONAL { ?row pk:indicatorText ?indicators }
  OPTIONAL { ?row pk:sourceRow ?raw }
  ?table pk:sourceLine ?first .
} ORDER BY ?first ?table ?line
""" % {"pk": PK_NS}

_FUNDING = """
PREFIX pk: <%(pk)s>
SELECT ?row ?source ?amount WHERE {
  ?row pk:funding [ pk:fundingSource ?source ; pk:amount ?amount ] .
}
""" % {"pk": PK_NS}


def export_rows(store: ox.Store) -> Iterator[str]:
    """The header line, then one TSV line per data row, in source order."""
    funding: dict[tuple[str, str], Decimal] = {}
    for solution in store.query(_FUNDING, use_default_graph_as_union=True):
        slug = solution["source"].value.rsplit("/", 1)[-1]
        funding[(solution["row"].value, slug)] = Decimal(solution["amount"].value)
    rows = store.query(_ROWS, use_default_graph_as_union=True)
    yield HEADER_LINE
    for s in rows:
        if s["raw"] is not None:
            yield s["raw"].value
            continue
        kind = s["kind"].value
        name = TOTAL_ROW_NAME if kind.endswith("DepartmentTotal") else s["name"].value
        amounts = [Decimal(s["total"].value) if s["total"] is not None else None]
        amounts += [funding.get((s["row"].value, slug)) for _, slug in FUNDING_SOURCES]
        cells = [name] + ["" if a is None else format_amount(a) for a in amounts]
        cells += [s["goal"].value if s["goal"] else "", s["indicators"].value if s["indicators"] else ""]
        yield "\t".join(cells)
