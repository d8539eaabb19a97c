"""Bulk downloads under ``/dumps/``: the contract shared by the dump builder and the catalogue.

``DUMPS`` names every file the registry publishes, what it holds and how it is served; the
catalogue lists them as ``dcat:Distribution``s (with byte size and checksum once built), the web
serves them, and the builder makes them, streaming, cached per store version.
"""

from __future__ import annotations

from dataclasses import dataclass

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    name: str  # file name under /dumps/
    dataset: str | None  # key of a catalog.DATASETS entry; None: the whole registry
    media_type: str  # of the content (before gzip)
    file_type: str  # EU file-type code
    gzip: bool
    title: tuple[str, str]  # Polish, English


def _dataset_dumps(key: str, pl: str, en: str) -> tuple[Dump, ...]:
    return (
        Dump(f"{key}.ttl.gz", key, "text/turtle", "RDF_TURTLE", True,
             (f"{pl} (Turtle, gzip)", f"{en} (Turtle, gzip)")),
        Dump(f"{key}.jsonld.gz", key, "application/ld+json", "JSON_LD", True,
             (f"{pl} (JSON-LD, gzip)", f"{en} (JSON-LD, gzip)")),
    )


DUMPS: tuple[Dump, ...] = (
    Dump("registry.nq.gz", None, "application/n-quads", "RDF_N_QUADS", True,
         ("Cały rejestr (N-Quads, gzip)", "The whole registry (N-Quads, gzip)")),
    Dump("registry.trig.gz", None, "application/trig", "RDF_TRIG", True,
         ("Cały rejestr (TriG, gzip)", "The whole registry (TriG, gzip)")),
    *_dataset_dumps("entities", "Podmioty i oferty", "Entities and offers"),
    *_dataset_dumps("opportunities", "Możliwości współpracy", "Cooperation opportunities"),
    *_dataset_dumps("actions", "Działania współpracy", "Cooperation actions"),
    *_dataset_dumps("programmes", "Programy współpracy", "Cooperation programmes"),
    *_dataset_dumps("units", "Jednostki miasta", "City units"),
    *_dataset_dumps("concept-schemes", "Ontologia i słowniki", "Ontology and concept schemes"),
    Dump("entities.csv", "entities", "text/csv", "CSV", False,
         ("Podmioty (CSV)", "Entities (CSV)")),
    Dump("offers.csv", "entities", "text/csv", "CSV", False, ("Oferty (CSV)", "Offers (CSV)")),
    Dump("ontology.ttl", "concept-schemes", "text/turtle", "RDF_TURTLE", False,
         ("Ontologia (Turtle)", "Ontology (Turtle)")),
    Dump("vocabularies.ttl", "concept-schemes", "text/turtle", "RDF_TURTLE", False,
         ("Słowniki SKOS (Turtle)", "SKOS concept schemes (Turtle)")),
)
BY_NAME = {d.name: d for d in DUMPS}


@dataclass(frozen=True)
class BuiltDump:
    """A dump as built for one store version."""

    name: str
    path: str
    version: int
    byte_size: int
    sha256: str
    modified: str  # xsd:dateTime of the store version's last write (UTC, "Z")
