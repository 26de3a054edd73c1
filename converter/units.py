"""Map a unit as written in a target (``人次``, ``%``, ``㎡``) to an IRI.

The vocabulary is ``ontology/targets.ttl``: each ``pk:MeasureUnit`` lists the
symbols it is written with (``qudt:symbol``) and, where QUDT has the unit,
``skos:exactMatch`` to it. The QUDT unit is preferred, so a graph's percentages
join with anyone else's ``unit:PERCENT``.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from . import assets
from .text import fold

_QUERY = """
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX pk: <https://w3id.org/perfkg/ontology#>
SELECT ?unit ?symbol ?match WHERE {
  ?unit a pk:MeasureUnit ; qudt:symbol ?symbol .
  OPTIONAL { ?unit skos:exactMatch ?match }
}
"""


@lru_cache(maxsize=1)
def unit_table() -> dict[str, str]:
    """Folded symbol → unit IRI (QUDT where matched, else the pk-unit concept)."""
    store = ox.Store()
    store.load(assets.read_text("ontology", "targets.ttl"), format=ox.RdfFormat.TURTLE)
    table: dict[str, str] = {}
    for row in store.query(_QUERY):
        iri = (row["match"] or row["unit"]).value
        table[fold(row["symbol"].value)] = iri
    return table


def unit_iri(symbol: str | None) -> str | None:
    """The IRI for a unit as written, or None when the vocabulary does not know it."""
    if not symbol:
        return None
    return unit_table().get(fold(symbol))
