"""Mint the IRIs of a converted table: deterministic, unique, ASCII-only.

Names are Chinese and repeat (``机构运行辅助经费`` stands in nine units), so an
IRI is built from a short hash of the NFKC-normalised name, scoped by what
makes it unique: the department and year for a table's rows, the unit for a
project. The same input always gives the same IRIs; an IRI never contains a
character a strict parser (Oxigraph, Jena riot, rapper) could reject. Names stay
readable in ``rdfs:label``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .text import fold
from .vocab import DEFAULT_BASE

_BASE_OK = re.compile(r"^[a-z][a-z0-9+.-]*://[!#$&-;=?-\[\]_a-z~]+[/#]$", re.I)


class BaseIriError(ValueError):
    """The ``--base`` IRI cannot prefix the graph's IRIs."""


def check_base(base: str) -> str:
    """Accept an absolute ASCII IRI that ends in ``/`` or ``#``."""
    if not _BASE_OK.match(base):
        raise BaseIriError(
            f"base IRI {base!r} must be absolute, ASCII, without spaces, and end with '/' or '#' "
            f"(for example {DEFAULT_BASE})"
        )
    return base


def name_key(name: str) -> str:
    """A stable 16-hex-digit key for a name: NFKC, white space removed, SHA-256."""
    return hashlib.sha256(fold(name).encode("utf-8")).hexdigest()[:16]


@dataclass
class Minter:
    """Mints IRIs under one base; remembers keys used so duplicates get a suffix.

    A second project of the same name in the same unit (seen in exports that
    repeat a row) gets ``-2``, ``-3`` … in the order of the source lines, so the
    IRIs stay stable as long as the rows keep their order.
    """

    base: str = DEFAULT_BASE
    _seen: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_base(self.base)

    def _unique(self, iri: str) -> str:
        count = self._seen.get(iri, 0) + 1
        self._seen[iri] = count
        return iri if count == 1 else f"{iri}-{count}"

    def organization(self, name: str) -> str:
        return f"{self.base}org/{name_key(name)}"

    def indicator_definition(self, normalized_name: str) -> str:
        return f"{self.base}indicator/{name_key(normalized_name)}"

    def table(self, department: str, year: int) -> str:
        return f"{self.base}table/{name_key(department)}/{year}"

    def total(self, table: str) -> str:
        return f"{table}/total"

    def unit(self, table: str, name: str) -> str:
        return self._unique(f"{table}/unit/{name_key(name)}")

    def project(self, unit: str, name: str) -> str:
        return self._unique(f"{unit}/project/{name_key(name)}")

    def self_evaluation(self, department: str, year: int) -> str:
        """The graph of a department's self-evaluations (项目支出绩效自评表) of one year."""
        return f"{self.base}self-evaluation/{name_key(department)}/{year}"

    def evaluation(self, graph: str, unit: str, name: str) -> str:
        return self._unique(f"{graph}/unit/{name_key(unit)}/project/{name_key(name)}")

    def goals_project(self, department: str, year: int, unit: str, name: str) -> str:
        """The IRI the goals table of (department, year) gives the unit's project of that name (its first).

        A self-evaluation names its project by this IRI (``pk:evaluatedProject``):
        same department, unit, name after NFKC and white-space folding, year.
        """
        return f"{self.table(department, year)}/unit/{name_key(unit)}/project/{name_key(name)}"

    def minted(self, table: str) -> dict[str, int]:
        """The keys this minter used under one table's IRI, for :meth:`resume` in another process.

        A department may come back later in the same file; its second part must
        go on counting where the first stopped (``-2``, ``-3`` …), whichever
        process renders it (:mod:`converter.render`).
        """
        prefix = table + "/"
        return {key: count for key, count in self._seen.items() if key.startswith(prefix)}

    def resume(self, minted: dict[str, int]) -> None:
        """Go on from the keys another minter used (see :meth:`minted`)."""
        self._seen.update(minted)

    def source_file(self, sha256: str) -> str:
        return f"{self.base}source/{sha256}"
