"""The graph's own IRIs, answered by ``perfkg serve --resolve BASE``.

``GET /PATH`` stands for the IRI ``BASE + PATH``: with the default base,
``/table/44b0e28eb04d1dda/2024`` is ``https://w3id.org/perfkg/id/table/…``;
data converted with ``--base`` set to the served address
(``http://127.0.0.1:7878/id/``) is served with ``--resolve
http://127.0.0.1:7878/``. The answer is every statement whose subject is the
IRI (in any graph): an HTML page for a browser (labels, plain numbers, links
that stay on this server), or Turtle, JSON-LD or N-Triples by content
negotiation (``Accept``, or ``?format=turtle|jsonld|nt`` for a link).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import pyoxigraph as ox

from .vocab import DCTERMS, PREFIXES, RDFS, SKOS

_OFFERS = {
    "text/html": None,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
_BY_NAME = {"html": "text/html", "turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
            "nt": "application/n-triples"}  # fmt: skip
_NUMBERS = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in
            ("integer", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger", "gYear", "int", "long")}  # fmt: skip

Answer = tuple[str, list[tuple[str, str]], bytes]


def describe(store: ox.Store, iri: str, accept: str, base: str, query: str = "") -> Answer | None:
    """The statements about ``iri`` in the negotiated format, or None when the store says nothing of it."""
    from .server import Refused, _negotiate

    try:
        subject = ox.NamedNode(iri)
    except ValueError:
        return None
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(subject, None, None, None)},
                     key=lambda t: (str(t.predicate), str(t.object)))  # fmt: skip
    if not triples:
        return None
    asked = parse_qs(query).get("format", [""])[0]
    media = _BY_NAME.get(asked) or _negotiate(accept, _OFFERS, "text/turtle")
    if media is None:
        raise Refused("406 Not Acceptable", "this IRI is answered as " + ", ".join(_OFFERS))
    headers = [("Vary", "Accept")]
    if media == "text/html":
        page = _page(store, iri, triples, base)
        return "200 OK", headers + [("Content-Type", "text/html; charset=utf-8"),
                                    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")], page.encode()  # fmt: skip
    fmt = _OFFERS[media]
    assert fmt is not None
    body = ox.serialize(triples, format=fmt, prefixes=_prefixes()) if fmt is ox.RdfFormat.TURTLE else ox.serialize(triples, format=fmt)
    charset = "; charset=utf-8"
    return "200 OK", headers + [("Content-Type", media + charset)], body or b""


def _prefixes() -> dict[str, str]:
    return dict(PREFIXES)


def _label(store: ox.Store, term: ox.NamedNode) -> str | None:
    found = None
    for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        for quad in store.quads_for_pattern(term, predicate, None, None):
            if isinstance(quad.object, ox.Literal):
                if quad.object.language and quad.object.language.startswith("zh"):
                    return quad.object.value
                found = found or quad.object.value
    return found


def _short(iri: str) -> str:
    for prefix, namespace in _prefixes().items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _href(iri: str, base: str) -> str:
    """A link that stays on this server for IRIs under the base."""
    return "/" + iri[len(base):] if iri.startswith(base) else iri


def _term(store: ox.Store, term: object, base: str) -> str:
    if isinstance(term, ox.NamedNode):
        label = _label(store, term)
        text = html.escape(label or _short(term.value))
        extra = f' <span class="iri">{html.escape(_short(term.value))}</span>' if label else ""
        return f'<a href="{html.escape(_href(term.value, base), quote=True)}" title="{html.escape(term.value, quote=True)}">{text}</a>{extra}'
    if isinstance(term, ox.Literal):
        if term.datatype.value in _NUMBERS:
            return f'<span class="number">{html.escape(term.value)}</span>'
        lang = f' <span class="lang">@{html.escape(term.language)}</span>' if term.language else ""
        return html.escape(term.value) + lang
    return html.escape(str(term))


def _page(store: ox.Store, iri: str, triples: list[ox.Triple], base: str) -> str:
    title = _label(store, ox.NamedNode(iri)) or _short(iri)
    rows = "\n".join(
        f"<tr><th>{_term(store, t.predicate, base)}</th><td>{_term(store, t.object, base)}</td></tr>" for t in triples
    )
    own = html.escape(_href(iri, base), quote=True)
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<link rel="alternate" type="text/turtle" href="{own}?format=turtle">
<link rel="alternate" type="application/ld+json" href="{own}?format=jsonld">
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1rem 2rem}} table{{border-collapse:collapse}}
th,td{{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}} th{{font-weight:normal;color:#444}}
.iri,.lang{{color:#888;font-size:.8em}} .number{{font-variant-numeric:tabular-nums}}</style></head>
<body><h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code> ·
<a href="{own}?format=turtle">Turtle</a> · <a href="{own}?format=jsonld">JSON-LD</a> · <a href="{own}?format=nt">N-Triples</a> ·
<a href="/">SPARQL</a></p>
<table>
{rows}
</table></body></html>
"""
