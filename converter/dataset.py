"""Describe each converted table as a catalogue-ready dataset (DCAT, VoID, PROV).

The table IRI ``T`` is already ``a pk:PerformanceGoalsTable, dcat:Dataset`` with
its title, publisher and source file; this module adds what a data catalogue
(CKAN's DCAT harvester, data.europa.eu through DCAT-AP) and a linked-data
crawler (VoID) read: a description, the fiscal year as ``dcterms:temporal``,
the city as ``dcterms:spatial``, keywords and theme, the conversion as a PROV
activity by a versioned software agent, the distribution written, the
vocabularies used and the number of triples.

DCAT-AP 3.0.1's official SHACL shapes (mandatory, cardinality and range
shapes, run by tests/test_dcat_ap.py) hold for what is written: the values of
range-constrained properties are typed as the profile asks (the city a
``dcterms:Location``, the language a ``dcterms:LinguisticSystem``, the theme
a ``skos:Concept`` with its label, the ontology a ``dcterms:Standard``, media
types ``dcterms:MediaType``), and each department's tables form one
``dcat:DatasetSeries`` (``{base}table/{department}``; each year's table is
``dcat:inSeries`` it). Recommended properties that neither the source nor the
user gives are left out rather than invented: the contact point, licence and
publisher type come from :class:`Publication` (``perfkg convert --contact
--licence --publisher-type``).

Two choices keep output deterministic and streaming:

* **Conversion time** comes from ``SOURCE_DATE_EPOCH`` (the reproducible-builds
  convention) when it is set; otherwise the activity has no time at all, so
  two runs on the same source give the same graph.
* **Triple count**: :func:`counted` passes a table's triples through, counting
  them and noting the vocabularies of predicates and classes, and yields
  ``void:vocabulary`` and ``void:triples`` last. ``void:triples`` counts every
  triple of the table's named graph, these closing ones included. Nothing but
  the count and a small set of namespaces is held.

Shared reference resources (places, fiscal years) go to :data:`REFERENCE_GRAPH`,
so tables converted separately merge on them: places have fixed IRIs (the
contract), fiscal years ``{base}period/{year}`` and the software agent
``{base}software/perfkg/{version}`` live under the data's base like all other
minted IRIs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from pyoxigraph import Literal, NamedNode

from .places import Place
from .records import Department, Table
from .vocab import (
    DCAT, DCTERMS, FOAF, ONTOLOGY, PREFIXES, PROV, RDF, RDFS, SCHEMA, SDMX_ATTRIBUTE, SKOS, SPDX, VCARD, VOID, XSD,
)

REFERENCE_GRAPH = NamedNode("https://w3id.org/perfkg/reference")

ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
_EU = "http://publications.europa.eu/resource/authority/"
_IANA = "http://www.iana.org/assignments/media-types/"

#: format name (as in :data:`converter.serialize.FORMATS`) → (EU file-type code, IANA media type)
MEDIA: dict[str, tuple[str, str]] = {
    "turtle": ("RDF_TURTLE", "text/turtle"),
    "nt": ("RDF_N_TRIPLES", "application/n-triples"),
    "nq": ("RDF_N_QUADS", "application/n-quads"),
    "trig": ("RDF_TRIG", "application/trig"),
    "json-ld": ("JSON_LD", "application/ld+json"),
    "xml": ("RDF_XML", "application/rdf+xml"),
}

#: ``--publisher-type`` name → (ADMS publisher type code, its English label in the ADMS vocabulary).
#: The government levels only: the publishers of performance-goals tables are government departments.
PUBLISHER_TYPES: dict[str, tuple[str, str]] = {
    "local": ("LocalAuthority", "Local Authority"),
    "regional": ("RegionalAuthority", "Regional authority"),
    "national": ("NationalAuthority", "National authority"),
    "supranational": ("SupraNationalAuthority", "Supra-national authority"),
}

#: Namespaces that may be reported as ``void:vocabulary`` (others are data, not vocabulary).
VOCABULARIES = frozenset(
    [PREFIXES[k] for k in ("pk", "rdf", "rdfs", "owl", "skos", "dcterms", "dcat", "prov", "org", "void", "qudt", "schema")]
    + ["http://xmlns.com/foaf/0.1/", "http://spdx.org/rdf/terms#", "http://www.w3.org/2006/vcard/ns#"]
)


class ProvenanceError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a whole number of seconds."""


@dataclass(frozen=True, slots=True)
class Distribution:
    """The file a conversion writes: its format and the URL where it will be published.

    Described only when the URL is given (``perfkg convert --download-url``):
    DCAT-AP requires a distribution's ``dcat:accessURL``, and a local file name
    is no address (the same source converted to ``a.nt`` and ``b.nt`` must
    give the same graph).
    """

    fmt: str
    download_url: str


@dataclass(frozen=True, slots=True)
class Publication:
    """What the publisher says that the source table does not: DCAT-AP's recommended properties.

    ``contact``: an e-mail address or an http(s) URL (``dcat:contactPoint``, a
    vCard); ``licence``: the licence's IRI (``dcterms:license`` of the dataset
    and its distribution); ``publisher_type``: a key of :data:`PUBLISHER_TYPES`
    (the publisher's ``dcterms:type``, ADMS publisher type). Each is written
    only when given.
    """

    contact: str | None = None
    licence: str | None = None
    publisher_type: str | None = None

    def __post_init__(self) -> None:
        if self.publisher_type is not None and self.publisher_type not in PUBLISHER_TYPES:
            raise ValueError(f"unknown publisher type {self.publisher_type!r}; expected one of {', '.join(PUBLISHER_TYPES)}")


@dataclass(frozen=True, slots=True)
class Provenance:
    """What the dataset description says about the run: when, by which version, into what, as published by whom."""

    version: str
    ended_at: datetime | None = None
    distribution: Distribution | None = None
    publication: Publication = Publication()

    @classmethod
    def current(
        cls, distribution: Distribution | None = None, environ: Mapping[str, str] = os.environ,
        publication: Publication | None = None,
    ) -> Provenance:
        from . import __version__

        return cls(__version__, conversion_time(environ), distribution, publication or Publication())


def conversion_time(environ: Mapping[str, str] = os.environ) -> datetime | None:
    """The pinned conversion time: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC), or None."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ProvenanceError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since 1970-01-01")
    return datetime.fromtimestamp(int(value), tz=timezone.utc)


def period_iri(base: str, year: int) -> NamedNode:
    return NamedNode(f"{base}period/{year}")


def period_triples(base: str, year: int) -> Iterator[tuple]:
    """The fiscal year as a period: 《预算法》第十八条 — 预算年度自公历1月1日起至12月31日止."""
    node = period_iri(base, year)
    yield node, RDF.type, DCTERMS.PeriodOfTime
    yield node, RDFS.label, Literal(f"{year}年度", language="zh")
    yield node, RDFS.label, Literal(f"fiscal year {year}", language="en")
    yield node, DCAT.startDate, Literal(f"{year}-01-01", datatype=XSD.date)
    yield node, DCAT.endDate, Literal(f"{year}-12-31", datatype=XSD.date)


def describe(
    table: Table, department: Department, t: NamedNode, dept_org: NamedNode, source: NamedNode,
    provenance: Provenance, city: Place | None, base: str,
) -> Iterator[tuple]:
    """The dataset description of one table, all in its own named graph (subject ``T``)."""
    year = department.year
    units = len(department.units)
    projects = sum(len(u.projects) for u in department.units)
    indicators = sum(len(p.indicators) for u in department.units for p in u.projects)
    yield t, RDF.type, VOID.Dataset
    yield t, DCTERMS.identifier, Literal(t.value)
    yield t, DCTERMS.description, Literal(
        f"{department.name}{year}年项目支出绩效目标表：{units}个资金使用单位行、{projects}个项目、{indicators}个绩效指标，"
        f"金额单位{department.unit_of_amounts}。由源文件 {table.file} 转换。",
        language="zh",
    )
    yield t, DCTERMS.description, Literal(
        f"Project expenditure performance-goals table of {department.name} for fiscal year {year}: "
        f"{units} budget-unit rows, {projects} projects, {indicators} performance indicators; amounts in "
        f"{department.unit_of_amounts} (10,000 CNY). Converted from the source file {table.file}.",
        language="en",
    )
    yield t, DCTERMS.temporal, period_iri(base, year)
    if city is not None:
        yield t, DCTERMS.spatial, city.iri  # a dcterms:Location (converter.places)
    language = NamedNode(_EU + "language/ZHO")
    yield t, DCTERMS.language, language
    yield language, RDF.type, DCTERMS.LinguisticSystem
    theme = NamedNode(_EU + "data-theme/GOVE")
    yield t, DCAT.theme, theme
    yield theme, RDF.type, SKOS.Concept  # DCAT-AP: a theme is a concept with a skos:prefLabel
    yield theme, SKOS.prefLabel, Literal("Government and public sector", language="en")
    yield theme, SKOS.inScheme, NamedNode(_EU + "data-theme")
    yield t, DCTERMS.conformsTo, NamedNode(ONTOLOGY)
    yield NamedNode(ONTOLOGY), RDF.type, DCTERMS.Standard
    # Every amount is in 万元 (pk:amountUnit pk:TenThousandYuan): said as SDMX attributes too.
    yield t, SDMX_ATTRIBUTE.currency, NamedNode(_EU + "currency/CNY")
    yield t, SDMX_ATTRIBUTE.unitMult, NamedNode("http://purl.org/linked-data/sdmx/2009/code#unitMult-4")
    for keyword in (Literal("项目支出绩效目标", language="zh"), Literal("预算", language="zh"),
                    Literal("performance goals", language="en"), Literal("budget", language="en")):
        yield t, DCAT.keyword, keyword
    # DCAT-AP: an Agent must have foaf:name.
    yield dept_org, RDF.type, FOAF.Agent
    yield dept_org, FOAF.name, Literal(department.name, language="zh")
    yield from _series(t, department, dept_org)
    yield from _publication(t, department, dept_org, provenance.publication)
    yield from _source(table, source)
    yield from _activity(t, source, provenance, NamedNode(f"{base}software/perfkg/{provenance.version}"))
    if provenance.distribution is not None:
        yield from _distribution(t, provenance.distribution, provenance.publication)


def describe_evaluations(g: NamedNode, department: str, year: int, dept_org: NamedNode) -> Iterator[tuple]:
    """What DCAT-AP 3.0.1 asks of a self-evaluation report (``g``, a ``dcat:Dataset``) beyond its title and publisher.

    The same triples from every file of the department and year (two files may add to one report), so
    they merge: no count, no file name.
    """
    yield g, DCTERMS.description, Literal(
        f"{department}{year}年度项目支出绩效自评：各项目的预算执行、指标完成情况与得分，金额单位万元。", language="zh"
    )
    yield g, DCTERMS.description, Literal(
        f"Project expenditure performance self-evaluations of {department} for fiscal year {year}: each project's "
        "budget execution, indicator results and points; amounts in 万元 (10,000 CNY).",
        language="en",
    )
    yield g, DCTERMS.conformsTo, NamedNode(ONTOLOGY)
    yield NamedNode(ONTOLOGY), RDF.type, DCTERMS.Standard
    # DCAT-AP: the publisher is a foaf:Agent with a foaf:name, as on the goals tables.
    yield dept_org, RDF.type, FOAF.Agent
    yield dept_org, FOAF.name, Literal(department, language="zh")

def series_iri(t: NamedNode) -> NamedNode:
    """The department's series of yearly tables: the table IRI without its year."""
    return NamedNode(t.value.rsplit("/", 1)[0])


def _series(t: NamedNode, department: Department, dept_org: NamedNode) -> Iterator[tuple]:
    """The department's tables across years as a ``dcat:DatasetSeries``, described the same way in every year's graph."""
    series = series_iri(t)
    yield t, DCAT.inSeries, series
    yield series, RDF.type, DCAT.DatasetSeries
    yield series, DCTERMS.title, Literal(f"{department.name}项目支出绩效目标表（历年）", language="zh")
    yield series, DCTERMS.title, Literal(f"Project expenditure performance-goals tables of {department.name}, by fiscal year", language="en")
    yield series, DCTERMS.description, Literal(f"{department.name}各预算年度的项目支出绩效目标表，每年一个数据集。", language="zh")
    yield series, DCTERMS.description, Literal(
        f"The yearly project expenditure performance-goals tables of {department.name}, one dataset per fiscal year.", language="en"
    )
    yield series, DCTERMS.publisher, dept_org


def _publication(t: NamedNode, department: Department, dept_org: NamedNode, publication: Publication) -> Iterator[tuple]:
    if publication.contact is not None:
        contact = NamedNode(f"{t.value}/contact")
        yield t, DCAT.contactPoint, contact
        yield contact, RDF.type, VCARD.Kind
        yield contact, RDF.type, VCARD.Organization
        yield contact, VCARD.fn, Literal(department.name, language="zh")
        if publication.contact.startswith(("http://", "https://")):
            yield contact, VCARD.hasURL, NamedNode(publication.contact)
        else:
            yield contact, VCARD.hasEmail, NamedNode("mailto:" + publication.contact.removeprefix("mailto:"))
    if publication.licence is not None:
        licence = NamedNode(publication.licence)
        yield t, DCTERMS.license, licence
        yield licence, RDF.type, DCTERMS.LicenseDocument
    if publication.publisher_type is not None:
        code, label = PUBLISHER_TYPES[publication.publisher_type]
        kind = NamedNode(ADMS_PUBLISHER_TYPE + code)
        yield dept_org, DCTERMS.type, kind
        yield kind, RDF.type, SKOS.Concept
        yield kind, SKOS.prefLabel, Literal(label, language="en")
        yield kind, SKOS.inScheme, NamedNode(ADMS_PUBLISHER_TYPE + "1.0")


def _source(table: Table, source: NamedNode) -> Iterator[tuple]:
    checksum = NamedNode(f"{source.value}/checksum")
    yield source, SPDX.checksum, checksum
    yield checksum, RDF.type, SPDX.Checksum
    yield checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256
    yield SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm
    yield checksum, SPDX.checksumValue, Literal(table.sha256, datatype=XSD.hexBinary)


def _activity(t: NamedNode, source: NamedNode, provenance: Provenance, agent: NamedNode) -> Iterator[tuple]:
    activity = NamedNode(f"{t.value}/conversion")
    yield t, PROV.wasGeneratedBy, activity
    yield activity, RDF.type, PROV.Activity
    yield activity, RDFS.label, Literal("converted by perfkg", language="en")
    yield activity, PROV.used, source
    yield activity, PROV.wasAssociatedWith, agent
    if provenance.ended_at is not None:
        stamp = provenance.ended_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        yield activity, PROV.endedAtTime, Literal(stamp, datatype=XSD.dateTime)
    yield agent, RDF.type, PROV.SoftwareAgent
    yield agent, RDFS.label, Literal(f"perfkg {provenance.version}")
    yield agent, SCHEMA.softwareVersion, Literal(provenance.version)


def _distribution(t: NamedNode, distribution: Distribution, publication: Publication) -> Iterator[tuple]:
    file_type, media_type = MEDIA[distribution.fmt]
    node = NamedNode(f"{t.value}/distribution/{distribution.fmt}")
    yield t, DCAT.distribution, node
    yield node, RDF.type, DCAT.Distribution
    url = NamedNode(distribution.download_url)
    yield node, DCAT.accessURL, url  # DCAT-AP: mandatory
    yield node, DCAT.downloadURL, url
    yield t, VOID.dataDump, url
    file_format = NamedNode(f"{_EU}file-type/{file_type}")
    yield node, DCTERMS.format, file_format
    yield file_format, RDF.type, DCTERMS.MediaTypeOrExtent
    media = NamedNode(_IANA + media_type)
    yield node, DCAT.mediaType, media
    yield media, RDF.type, DCTERMS.MediaType
    yield node, DCTERMS.description, Literal(f"The table's graph as {media_type}.", language="en")
    if publication.licence is not None:
        yield node, DCTERMS.license, NamedNode(publication.licence)


def counted(t: NamedNode, triples: Iterable[tuple]) -> Iterator[tuple]:
    """Pass a table graph's triples through, then its ``void:vocabulary`` and ``void:triples``.

    The builder describes each resource once per graph, so the triples it
    yields are distinct and counting them equals counting the graph (a test
    checks this against the store).
    """
    count = 0
    # Predicates and classes, a few dozen, so namespaces are cut once each. The
    # builder reuses one object per term (converter.vocab caches them): keyed
    # by identity, a triple costs no hashing of its terms (issue 9). The dict
    # holds the objects, so their ids stay theirs.
    predicates: dict[int, tuple[NamedNode, bool]] = {}
    classes: dict[int, NamedNode] = {}
    rdf_type = RDF.type
    for triple in triples:
        count += 1
        predicate = triple[1]
        seen = predicates.get(id(predicate))
        if seen is None:
            seen = predicates[id(predicate)] = (predicate, predicate == rdf_type)
        if seen[1] and isinstance(triple[2], NamedNode):
            classes.setdefault(id(triple[2]), triple[2])
        yield triple
    terms = [p for p, _ in predicates.values()] + list(classes.values())
    used = {_namespace(term.value) for term in terms}
    vocabularies = sorted((used | {PREFIXES["void"]}) & VOCABULARIES)
    for namespace in vocabularies:
        yield t, VOID.vocabulary, NamedNode(namespace)
    yield t, VOID.triples, Literal(str(count + len(vocabularies) + 1), datatype=XSD.integer)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]
