"""IRIs used in code."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

PES = Namespace("https://w3id.org/pes-registry/ontology#")
VOCAB = Namespace("https://w3id.org/pes-registry/vocab/")
ONTOLOGY_GRAPH = "https://w3id.org/pes-registry/ontology"
VOCAB_BASE = str(VOCAB)

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
QB = Namespace("http://purl.org/linked-data/cube#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ESSGLOBAL = Namespace("http://purl.org/essglobal/vocab/")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = DCTERMS

# Kinds of instance; offers live in their entity's document, the others are documents.
KINDS = ("entity", "offer", "opportunity", "action", "programme", "unit")
DOCUMENT_KINDS = ("entity", "opportunity", "action", "programme", "unit")

PREFIXES = {
    "pes": PES,
    "schema": SCHEMA,
    "org": ORG,
    "rov": ROV,
    "adms": ADMS,
    "locn": LOCN,
    "geo": GEO,
    "dct": DCTERMS,
    "dcat": DCAT,
    "skos": SKOS,
    "prov": PROV,
    "foaf": FOAF,
    "qb": QB,
    "eli": ELI,
    "essglobal": ESSGLOBAL,
    "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-measure": SDMX_MEASURE,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
}


def vocab_iri(scheme: str, key: str | None = None) -> str:
    """IRI of a concept scheme, or of one of its concepts."""
    return f"{VOCAB_BASE}{scheme}" if key is None else f"{VOCAB_BASE}{scheme}/{key}"


def vocab_graph(scheme: str) -> str:
    """Named graph that holds a concept scheme (the scheme's own IRI)."""
    return vocab_iri(scheme)
