"""IRIs of the vocabularies perfkg writes: its own ontology and the standards it reuses."""

from __future__ import annotations

from pyoxigraph import NamedNode

ONTOLOGY = "https://w3id.org/perfkg/ontology"
PK_NS = "https://w3id.org/perfkg/ontology#"
CATEGORY_NS = "https://w3id.org/perfkg/category/"
FUNDING_NS = "https://w3id.org/perfkg/funding-source/"
DEFAULT_BASE = "https://w3id.org/perfkg/id/"

PREFIXES: dict[str, str] = {
    "pk": PK_NS,
    "pk-cat": CATEGORY_NS,
    "pk-fund": FUNDING_NS,
    "pk-unit": "https://w3id.org/perfkg/unit/",
    "unit": "http://qudt.org/vocab/unit/",
    "time": "http://www.w3.org/2006/time#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "void": "http://rdfs.org/ns/void#",
    "qudt": "http://qudt.org/schema/qudt/",
    "schema": "http://schema.org/",
}


class _Namespace:
    """Attribute access to the terms of one namespace: ``PK.Project``."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        # Cached as an instance attribute, so the next ``PK.Project`` is a plain
        # attribute read: the builder asks for terms once per triple, and
        # making a new NamedNode each time cost ~10 % of a conversion.
        node = NamedNode(self._base + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return NamedNode(self._base + name)


PK = _Namespace(PK_NS)
CAT = _Namespace(CATEGORY_NS)
FUND = _Namespace(FUNDING_NS)
RDF = _Namespace(PREFIXES["rdf"])
RDFS = _Namespace(PREFIXES["rdfs"])
XSD = _Namespace(PREFIXES["xsd"])
SKOS = _Namespace(PREFIXES["skos"])
DCTERMS = _Namespace(PREFIXES["dcterms"])
DCAT = _Namespace(PREFIXES["dcat"])
PROV = _Namespace(PREFIXES["prov"])
ORG = _Namespace(PREFIXES["org"])
VOID = _Namespace(PREFIXES["void"])
OWL = _Namespace(PREFIXES["owl"])
SCHEMA = _Namespace(PREFIXES["schema"])

# Vocabularies written only in the dataset description and the Data Cube. They stay out of
# PREFIXES on purpose: PREFIXES are the prefix lines of every Turtle file perfkg writes.
FOAF = _Namespace("http://xmlns.com/foaf/0.1/")
SPDX = _Namespace("http://spdx.org/rdf/terms#")
VCARD = _Namespace("http://www.w3.org/2006/vcard/ns#")
SDMX_ATTRIBUTE = _Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
QB = _Namespace("http://purl.org/linked-data/cube#")
OBEU_DIMENSION = _Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = _Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
OBEU_ATTRIBUTE = _Namespace("http://data.openbudgets.eu/ontology/dsd/attribute/")
