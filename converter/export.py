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


_FORM_TABLES = """
PREFIX pk: <%(pk)s>
SELECT ?table ?where WHERE {
  ?table a pk:PerformanceGoalsTable .
  FILTER NOT EXISTS { ?table pk:sourceLine ?line }
  OPTIONAL { ?table pk:sourceLocation ?where }
} ORDER BY ?table
""" % {"pk": PK_NS}


def export_rows(store: ox.Store) -> Iterator[str]:
    """The header line, then one TSV line per data row, in source order.

    Only tables read from the text layout can be written back as it: a form's
    graph (HTML, Excel, Word, PDF) has no source lines, and writing it in the
    seven columns would drop its indicators' grid. Such a graph is refused
    with its tables named, never exported half.
    """
    forms = [s["table"].value for s in store.query(_FORM_TABLES, use_default_graph_as_union=True)]
    if forms:
        shown = ", ".join(forms[:3]) + (f" and {len(forms) - 3} more" if len(forms) > 3 else "")
        raise ValueError(f"export-table writes back tables of the one-row-per-project text layout; {shown} "
                         "came from forms or grids (no source lines): query them instead, e.g. perfkg query indicators")
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
