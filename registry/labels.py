"""Labels and addresses of the shipped terms (ontology and concepts), for pages and lists.

The ontology and the concept schemes are the same in every deployment and change only with a new
version, so their labels are read once from the shipped files and kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

import pyoxigraph as ox

from .namespaces import ONTOLOGY_GRAPH, VOCAB_BASE

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = SKOS + "prefLabel"
NOTATION = SKOS + "notation"
BROADER = SKOS + "broader"
IN_SCHEME = SKOS + "inScheme"
ONTOLOGY_NS = ONTOLOGY_GRAPH + "#"


@dataclass
class Term:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)  # language ("" for none) -> label
    notation: str | None = None
    broader: list[str] = field(default_factory=list)
    scheme: str | None = None

    def label(self, lang: str = "pl") -> str:
        return (self.labels.get(lang) or self.labels.get("pl") or self.labels.get("")
                or next(iter(self.labels.values()), None) or self.notation or local_name(self.iri))


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@cache
def terms() -> dict[str, Term]:
    """Every shipped ontology term and concept, by IRI."""
    from .system import system_quads

    out: dict[str, Term] = {}
    for quads in system_quads().values():
        for q in quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            p = q.predicate.value
            if p in (PREF_LABEL, RDFS_LABEL) and isinstance(q.object, ox.Literal):
                term = out.setdefault(q.subject.value, Term(q.subject.value))
                lang = q.object.language or ""
                # skos:prefLabel wins over rdfs:label in the same language
                if p == PREF_LABEL or lang not in term.labels:
                    term.labels[lang] = q.object.value
            elif p == NOTATION:
                out.setdefault(q.subject.value, Term(q.subject.value)).notation = q.object.value
            elif p == BROADER and isinstance(q.object, ox.NamedNode):
                out.setdefault(q.subject.value, Term(q.subject.value)).broader.append(q.object.value)
            elif p == IN_SCHEME and isinstance(q.object, ox.NamedNode):
                out.setdefault(q.subject.value, Term(q.subject.value)).scheme = q.object.value
    return out


def label(iri: str, lang: str = "pl") -> str:
    """The label of a shipped term in a language (Polish, then any), else its local name."""
    term = terms().get(iri)
    return term.label(lang) if term else local_name(iri)


def concept_key(iri: str) -> tuple[str, str] | None:
    """(scheme, key) of a concept IRI of this registry's vocabularies, else None."""
    if not iri.startswith(VOCAB_BASE):
        return None
    rest = iri[len(VOCAB_BASE):]
    if "/" not in rest:
        return None
    scheme, key = rest.split("/", 1)
    return scheme, key


def href(iri: str, base: str, harvested: Iterable[str] = ()) -> str:
    """Where a page shows an IRI: instances and shared terms on this site, others as they are.
    Instances of the registries in ``harvested`` (their bases) have local pages too:
    ``/harvested/{kind}/{key}?source={their base}``."""
    if iri.startswith(base + "/id/"):
        return iri[len(base):].replace("/id/", "/", 1)
    for source in harvested:
        if iri.startswith(source + "/id/"):
            path, mark, fragment = iri[len(source) + 4:].partition("#")
            return f"/harvested/{path}?{urlencode({'source': source})}{mark}{fragment}"
    if iri.startswith(VOCAB_BASE):
        return "/vocab/" + iri[len(VOCAB_BASE):]
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    return iri
