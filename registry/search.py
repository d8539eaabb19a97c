"""The search index behind the lists: words and facets as compressed bitmaps, kept in SQLite.

Every entity, offer, opportunity, action, unit and programme of the store has a row here, built
from its document graph: what lists show, the words they are found by, the facet values they are
counted under, and their sort keys. The store stays the one source of truth: the index is
derived, can be deleted at any time, and is rebuilt from the store when it does not match it.

Rows come from this registry's documents (graphs ``{BASE}/{kind}/{key}``) and from the documents
harvested from other registries (graphs ``{SOURCE}/{kind}/{key}`` that a write recorded in this
registry's provenance graph, ``prov:generated``). A row is known by its full IRI, never by its bare
key (``abc`` may be an entity here and in a harvested registry); the facet ``source`` holds
``local`` for this registry's rows and the base of the harvested registry for the others.

Keeping up with the store:

* The store calls ``Index.changed`` after every committed write with the graphs it replaced or
  removed; they are re-indexed before the next read (``ensure_current``), so a page shown after a
  write shows it.
* When the store's version differs from the index's and no change is pending (the store was
  written by another process, or restored), the index is rebuilt.
* Facet values that depend on the date (statuses that end) are refreshed when their day passes.

Reads cost what the page shows plus work proportional to the matches, never to the store:
facets are roaring bitmaps per value (counts are intersection cardinalities), pages are cut from
a precomputed sort order with numpy.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import re
import sqlite3
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit

import numpy as np
import pyoxigraph as ox
from pyroaring import BitMap

from . import polish
from .labels import concept_key, terms
from .namespaces import DOCUMENT_KINDS, VOCAB_BASE
from .store import Store, catalog_graph, provenance_graph

log = logging.getLogger(__name__)

SCHEMA = "https://schema.org/"
PES = "https://w3id.org/pes-registry/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
ROV = "http://www.w3.org/ns/regorg#"
ORG = "http://www.w3.org/ns/org#"
LOCN = "http://www.w3.org/ns/locn#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ADMS = "http://www.w3.org/ns/adms#"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"

ART94 = VOCAB_BASE + "cooperation-instrument/zamowienie-zastrzezone-art94"
# Legal forms and unit types that may take a reserved contract (art. 94 Pzp) by what they are;
# any other entity with at least 30 % of its employees at risk of social exclusion may too.
ART94_FORMS = {VOCAB_BASE + "legal-form/spoldzielnia-socjalna", VOCAB_BASE + "unit-type/zaz"}
ART94_MIN_SHARE = 0.3
CLOSED_STATUSES = {"zamknieta", "rozstrzygnieta", "anulowana"}

LIST_KINDS = ("entity", "offer", "opportunity", "action")
INDEXED_KINDS = ("entity", "offer", "opportunity", "action", "unit", "programme")

SCHEMA_VERSION = "4"
# Term spaces: name words (folded words and lemmas), name stems, body words, body stems.
TERM_SPACES = ("nw", "ns", "bw", "bs")
CHUNK = 4096  # ids per bitmap of a sort order
MIN_PREFIX = 3  # shorter query words match whole words only
MAX_PREFIX_TERMS = 500  # words a prefix may stand for
LOCAL = "local"  # the value of the facet ``source`` for this registry's own rows
# A document graph of any registry: {base}/{kind}/{key}.
_DOCUMENT_GRAPH = re.compile(r"^(https?://.+)/(" + "|".join(DOCUMENT_KINDS) + r")/([a-z0-9][a-z0-9-]*)$")


def _terms(row: "Row") -> dict[str, list[str]]:
    nw, ns = polish.index_terms(row.text_name)
    bw, bs = polish.index_terms(row.text_body)
    return {"nw": nw, "ns": ns, "bw": bw, "bs": bs}


@dataclass
class Row:
    """One indexed resource."""

    kind: str
    key: str
    iri: str
    graph: str
    name: str
    names: dict[str, str]
    text_name: str
    text_body: str
    facets: dict[str, set[str]] = field(default_factory=dict)
    sort_date: str = ""  # ISO date: the resource's date for "newest first"
    deadline: str = ""  # opportunities: ISO date of schema:validThrough
    until: str = ""  # ISO date after which the facets must be recomputed
    data: dict = field(default_factory=dict)


# -- reading documents ---------------------------------------------------------------------------


class _Doc:
    """The statements of one document graph, by subject."""

    def __init__(self, quads: Iterable[ox.Quad]):
        self.by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for q in quads:
            if isinstance(q.subject, ox.NamedNode):
                self.by_subject[q.subject.value][q.predicate.value].append(q.object)

    def values(self, s: str, p: str) -> list:
        return self.by_subject.get(s, {}).get(p, [])

    def iris(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.values(s, p) if isinstance(o, ox.NamedNode)]

    def iri(self, s: str, p: str) -> str | None:
        found = self.iris(s, p)
        return found[0] if found else None

    def literal(self, s: str, p: str) -> str | None:
        for o in self.values(s, p):
            if isinstance(o, ox.Literal):
                return o.value
        return None

    def texts(self, s: str, p: str) -> dict[str, str]:
        out = {}
        for o in self.values(s, p):
            if isinstance(o, ox.Literal):
                out.setdefault(o.language or "", o.value)
        return out

    def all_text(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.values(s, p) if isinstance(o, ox.Literal)]

    def types(self, s: str) -> set[str]:
        return set(self.iris(s, RDF_TYPE))

    def subjects_of_type(self, t: str) -> list[str]:
        return [s for s, props in self.by_subject.items()
                if any(isinstance(o, ox.NamedNode) and o.value == t for o in props.get(RDF_TYPE, []))]


def _name(names: dict[str, str]) -> str:
    return names.get("pl") or names.get("") or next(iter(names.values()), "")


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def link_value(iri: str, local_base: str) -> str:
    """The facet value of a linked instance (a publisher, a city unit): its key when it is this
    registry's, else its full IRI, so the units of two registries never share a value."""
    kind, key = iri.rsplit("/", 2)[-2:] if iri.count("/") >= 2 else ("", "")
    return key if iri == f"{local_base}/id/{kind}/{key}" else iri


def _concepts(iris: Iterable[str], scheme: str) -> set[str]:
    out = set()
    for iri in iris:
        ck = concept_key(iri)
        if ck and ck[0] == scheme:
            out.add(ck[1])
    return out


def _day(value: str | None) -> str:
    return (value or "")[:10]


def _next_day(day: str) -> str:
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return day


def _labels_text(iris: Iterable[str]) -> str:
    """Labels of shared concepts (all languages), so a search for "catering" finds CPV 55520000."""
    all_terms = terms()
    out = []
    for iri in iris:
        term = all_terms.get(iri)
        if term:
            out.extend(term.labels.values())
    return " ".join(out)


def _cpv_facets(codes: Iterable[str]) -> dict[str, set[str]]:
    """CPV facets: each code with its broader codes below the division (so filtering by a group
    finds its subcodes), and the division."""
    codes = set(codes)
    divisions = {d for d in (_cpv_division(c) for c in codes) if d}
    all_terms = terms()
    with_broader = set()
    for code in codes:
        seen = 0
        while code and code not in with_broader and seen < 10:
            with_broader.add(code)
            term = all_terms.get(code)
            code = term.broader[0] if term and term.broader else None
            seen += 1
    return {"cpv": _concepts(with_broader, "cpv") - divisions, "cpvDivision": divisions}


def _cpv_division(iri: str) -> str | None:
    """The division (two first digits) concept key of a CPV code IRI, when the scheme has it."""
    ck = concept_key(iri)
    if not ck or ck[0] != "cpv":
        return None
    return _divisions().get(ck[1][:2])


_DIVISIONS: dict[str, str] | None = None


def _divisions() -> dict[str, str]:
    global _DIVISIONS
    if _DIVISIONS is None:
        out = {}
        for iri in terms():
            ck = concept_key(iri)
            if ck and ck[0] == "cpv" and ck[1][2:8] == "000000":
                out[ck[1][:2]] = ck[1]
        _DIVISIONS = out
    return _DIVISIONS


def _entity_rows(doc: _Doc, iri: str, graph: str, base: str, today: str) -> list[Row]:
    names = doc.texts(iri, SCHEMA + "name")
    form = doc.iri(iri, ROV + "orgType")
    address = doc.iri(iri, LOCN + "address")
    city_parts = _concepts(doc.iris(address, PES + "cityPart"), "city-part") if address else set()
    districts = _concepts(doc.iris(address, PES + "district"), "district") if address else set()
    statuses, until = set(), ""
    for status in doc.iris(iri, PES + "status"):
        end = _day(doc.literal(status, SCHEMA + "endDate"))
        start = _day(doc.literal(status, SCHEMA + "startDate"))
        if end and end < today:
            continue
        if start and start > today:
            until = min(until or start, start) if until else start
            continue
        if end:
            after = _next_day(end)
            until = min(until, after) if until else after
        statuses |= _concepts(doc.iris(status, PES + "statusType"), "status-type")
    share = doc.literal(iri, PES + "shareOfEmployeesAtRisk")
    try:
        share_value = float(share) if share is not None else None
    except ValueError:
        share_value = None
    art94 = form in ART94_FORMS or (share_value is not None and share_value >= ART94_MIN_SHARE)
    offers = doc.iris(iri, SCHEMA + "makesOffer") or [
        s for s in doc.subjects_of_type(SCHEMA + "Offer") if doc.iri(s, SCHEMA + "offeredBy") == iri]
    offer_codes = [c for o in offers for c in doc.iris(o, SCHEMA + "category")]
    areas = doc.iris(iri, PES + "publicTaskArea")
    facets = {
        "legalForm": ({concept_key(form)[1]} if form and concept_key(form) else set()),
        "status": statuses,
        "cityPart": city_parts,
        "district": districts,
        "area": _concepts(areas, "public-task-area"),
        "art94": {"1"} if art94 else set(),
        **_cpv_facets(offer_codes),
    }
    lat, lon = (doc.literal(address, GEO + "lat"), doc.literal(address, GEO + "long")) if address else (None, None)
    offer_names = [t for o in offers for t in doc.all_text(o, SCHEMA + "name")]
    body = " ".join([
        *doc.all_text(iri, ROV + "legalName"), *doc.all_text(iri, SCHEMA + "description"),
        *doc.all_text(iri, SCHEMA + "alternateName"),
        *offer_names, *[t for o in offers for t in doc.all_text(o, SCHEMA + "description")],
        _labels_text([form or "", *areas, *offer_codes,
                      *[c for o in offers for c in doc.iris(o, PES + "offerCategory")]]),
        *(doc.all_text(address, LOCN + "fullAddress") if address else []),
        *[n for i in doc.iris(iri, ADMS + "identifier") for n in doc.all_text(i, SKOS + "notation")],
    ])
    data = {
        "legalForm": form, "unitOf": doc.iri(iri, ORG + "unitOf"),
        "address": (doc.literal(address, LOCN + "fullAddress") if address else None),
        "cityPart": sorted(doc.iris(address, PES + "cityPart")) if address else [],
        "district": sorted(doc.iris(address, PES + "district")) if address else [],
        "lat": float(lat) if lat else None, "lon": float(lon) if lon else None,
        "email": doc.literal(iri, SCHEMA + "email"), "telephone": doc.literal(iri, SCHEMA + "telephone"),
        "url": doc.iri(iri, SCHEMA + "url"),
        "status": sorted(VOCAB_BASE + "status-type/" + s for s in statuses),
        "publicTaskArea": sorted(areas), "offers": len(offers), "art94": art94,
        "nip": doc.literal(iri, SCHEMA + "taxID"),
        "modified": doc.literal(iri, DCT + "modified"),
    }
    rows = [Row("entity", _key(iri), iri, graph, _name(names), names, " ".join(names.values()), body,
                facets, sort_date=_day(doc.literal(iri, DCT + "modified")), until=until, data=data)]
    for offer in offers:
        rows.append(_offer_row(doc, offer, iri, graph, names, form, facets, art94))
    return rows


def _offer_row(doc: _Doc, offer: str, entity: str, graph: str, entity_names: dict, form: str | None,
               entity_facets: dict, art94: bool) -> Row:
    names = doc.texts(offer, SCHEMA + "name")
    codes = doc.iris(offer, SCHEMA + "category")
    categories = doc.iris(offer, PES + "offerCategory")
    served = doc.iris(offer, SCHEMA + "areaServed")
    fits = doc.iris(offer, PES + "declaredFit")
    price = doc.iri(offer, SCHEMA + "priceSpecification")
    facets = {
        **_cpv_facets(codes),
        "category": _concepts(categories, "offer-category"),
        "cityPart": _concepts(served, "city-part") or {"*"},
        "legalForm": entity_facets["legalForm"],
        "art94": {"1"} if art94 or ART94 in fits else set(),
        "fit": _concepts(fits, "cooperation-instrument"),
    }
    body = " ".join([
        *doc.all_text(offer, SCHEMA + "description"), *doc.all_text(offer, PES + "capacity"),
        *entity_names.values(), _labels_text([*codes, *categories, *served, *fits]),
    ])
    data = {
        "entity": entity, "entityName": _name(entity_names), "cpv": codes, "category": categories,
        "areaServed": served, "declaredFit": fits, "legalForm": form,
        "minPrice": doc.literal(price, SCHEMA + "minPrice") if price else None,
        "maxPrice": doc.literal(price, SCHEMA + "maxPrice") if price else None,
        "currency": doc.literal(price, SCHEMA + "priceCurrency") if price else None,
        "unitText": (doc.literal(price, SCHEMA + "unitText") if price else None),
        "priceOnRequest": doc.literal(offer, PES + "priceOnRequest") == "true",
        "capacity": doc.literal(offer, PES + "capacity"), "art94": bool(facets["art94"]),
    }
    return Row("offer", _key(offer), offer, graph, _name(names), names, " ".join(names.values()), body,
               facets, sort_date=_day(doc.literal(offer, SCHEMA + "validFrom")), data=data)


def _opportunity_rows(doc: _Doc, iri: str, graph: str, local_base: str) -> list[Row]:
    names = doc.texts(iri, SCHEMA + "name")
    kind = doc.iri(iri, PES + "opportunityKind")
    status = doc.iri(iri, PES + "opportunityStatus")
    areas = doc.iris(iri, PES + "publicTaskArea")
    codes = doc.iris(iri, SCHEMA + "category")
    publisher = doc.iri(iri, DCT + "publisher")
    budget = doc.iri(iri, PES + "budget")
    facets = {
        "kind": _concepts([kind] if kind else [], "cooperation-instrument"),
        "area": _concepts(areas, "public-task-area"),
        "status": _concepts([status] if status else [], "opportunity-status"),
        "publisher": {link_value(publisher, local_base)} if publisher else set(),
        "reserved": {"1"} if kind == ART94 else set(),
        **_cpv_facets(codes),
    }
    body = " ".join([*doc.all_text(iri, SCHEMA + "description"),
                     _labels_text([kind or "", *areas, *codes])])
    deadline = _day(doc.literal(iri, SCHEMA + "validThrough"))
    issued = _day(doc.literal(iri, DCT + "issued"))
    data = {
        "kind": kind, "status": status, "publisher": publisher, "publicTaskArea": areas, "cpv": codes,
        "issued": issued or None, "deadline": deadline or None,
        "budget": doc.literal(budget, SCHEMA + "value") if budget else None,
        "currency": doc.literal(budget, SCHEMA + "currency") if budget else None,
        "page": doc.iri(iri, "http://xmlns.com/foaf/0.1/page"),
    }
    return [Row("opportunity", _key(iri), iri, graph, _name(names), names, " ".join(names.values()), body,
                facets, sort_date=issued, deadline=deadline, data=data)]


def _action_rows(doc: _Doc, iri: str, graph: str, local_base: str) -> list[Row]:
    names = doc.texts(iri, SCHEMA + "name")
    form = doc.iri(iri, PES + "cooperationForm")
    mode = doc.iri(iri, PES + "mode")
    areas = doc.iris(iri, PES + "publicTaskArea")
    partners = doc.iris(iri, PES + "partner")
    unit = doc.iri(iri, PES + "cityUnit")
    start = _day(doc.literal(iri, SCHEMA + "startDate"))
    end = _day(doc.literal(iri, SCHEMA + "endDate"))
    amount = doc.iri(iri, PES + "amount")
    facets = {
        "form": _concepts([form] if form else [], "cooperation-instrument"),
        "mode": _concepts([mode] if mode else [], "mode"),
        "area": _concepts(areas, "public-task-area"),
        "year": {start[:4]} if start else set(),
        "unit": {link_value(unit, local_base)} if unit else set(),
    }
    body = " ".join([*doc.all_text(iri, PES + "outcome"), *doc.all_text(iri, SCHEMA + "description"),
                     _labels_text([form or "", mode or "", *areas])])
    data = {
        "form": form, "mode": mode, "partners": partners, "unit": unit, "publicTaskArea": areas,
        "start": start or None, "end": end or None, "answers": doc.iri(iri, PES + "answers"),
        "amount": doc.literal(amount, SCHEMA + "value") if amount else None,
        "beneficiaries": doc.literal(iri, PES + "beneficiaries"),
    }
    return [Row("action", _key(iri), iri, graph, _name(names), names, " ".join(names.values()), body,
                facets, sort_date=start, data=data)]


def _simple_row(kind: str, doc: _Doc, iri: str, graph: str) -> list[Row]:
    names = doc.texts(iri, SCHEMA + "name")
    body = " ".join(doc.all_text(iri, SCHEMA + "description"))
    return [Row(kind, _key(iri), iri, graph, _name(names), names, " ".join(names.values()), body, {})]


def document_of_graph(graph: str, local_base: str) -> tuple[str, str, str] | None:
    """(base, kind, key) of a document graph ``{base}/{kind}/{key}`` of this registry or of any
    other, else None. This registry's documents are told by their base alone."""
    prefix = local_base + "/"
    if graph.startswith(prefix):
        kind, _, key = graph[len(prefix):].partition("/")
        if kind in DOCUMENT_KINDS and key and "/" not in key:
            return local_base, kind, key
    m = _DOCUMENT_GRAPH.match(graph)
    if m is None or m.group(1) == local_base:
        return None
    return m.group(1), m.group(2), m.group(3)


def harvested_graph(store: Store, graph: str) -> bool:
    """True when a write of this registry recorded the graph (``prov:generated`` in its provenance
    graph): a document harvested from another registry, not a stray graph of that shape."""
    found = store.raw.quads_for_pattern(None, ox.NamedNode(PROV + "generated"), ox.NamedNode(graph),
                                        ox.NamedNode(provenance_graph(store.base)))
    return next(iter(found), None) is not None


def rows_of_graph(store: Store, graph: str, today: str) -> list[Row]:
    """The index rows of one document graph, this registry's or a harvested one (none when it is
    not a document or is empty)."""
    local = store.base
    found = document_of_graph(graph, local)
    if found is None:
        return []
    base, kind, key = found
    source = LOCAL if base == local else base
    if source != LOCAL and not harvested_graph(store, graph):
        return []
    iri = f"{base}/id/{kind}/{key}"
    doc = _Doc(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    if iri not in doc.by_subject:
        return []
    if kind == "entity":
        rows = _entity_rows(doc, iri, graph, base, today)
    elif kind == "opportunity":
        rows = _opportunity_rows(doc, iri, graph, local)
    elif kind == "action":
        rows = _action_rows(doc, iri, graph, local)
    else:
        rows = _simple_row(kind, doc, iri, graph)
    for row in rows:
        row.facets["source"] = {source}
    return rows


def polish_sort_key(text: str) -> str:
    """A sort key close to Polish alphabetical order: case-insensitive, each letter with a
    diacritic right after its base letter (a < ą < b), punctuation and quotes ignored."""
    out = []
    for ch in text.casefold():
        if ch.isalnum():
            base = polish.fold(ch) or ch
            out.append(base + ("\u007f" if base != ch else ""))
        elif ch.isspace() and out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def _catalogue_titles(store: Store) -> dict[str, str]:
    """The titles of this registry's catalogue, as stored in its catalogue graph."""
    graph = ox.NamedNode(catalog_graph(store.base))
    titles: dict[str, str] = {}
    for q in store.raw.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Catalog"), graph):
        for t in store.raw.quads_for_pattern(q.subject, ox.NamedNode(DCT + "title"), None, graph):
            if isinstance(t.object, ox.Literal):
                titles.setdefault(t.object.language or "", t.object.value)
    return titles


def _harvested_source(store: Store, base: str, graph: str) -> Source:
    """A harvested registry, from the newest write recorded for one of its documents: when it
    ended, what it recorded as its sources and their titles (``dct:title`` of the activity or of
    a source it used, when recorded)."""
    raw, pg = store.raw, ox.NamedNode(provenance_graph(store.base))

    def objects(subject, prop: str) -> list:
        return [q.object for q in raw.quads_for_pattern(subject, ox.NamedNode(prop), None, pg)]

    newest = None
    if graph:
        for q in raw.quads_for_pattern(None, ox.NamedNode(PROV + "generated"), ox.NamedNode(graph), pg):
            ended = next((o.value for o in objects(q.subject, PROV + "endedAtTime")), "")
            if newest is None or ended > newest[0]:
                newest = (ended, q.subject)
    source = Source(base, base)
    if newest is None:
        return source
    ended, activity = newest
    used = [u for u in objects(activity, PROV + "used") if not isinstance(u, ox.Literal)]
    for node in (activity, *used):
        for o in objects(node, DCT + "title"):
            if isinstance(o, ox.Literal):
                source.titles.setdefault(o.language or "", o.value)
    source.harvested = ended or None
    source.files = sorted({o.value for u in used for o in objects(u, DCT + "source")})
    return source


# -- the index -----------------------------------------------------------------------------------


@dataclass
class Hit:
    id: int
    kind: str
    key: str
    iri: str
    name: str
    names: dict[str, str]
    data: dict
    graph: str = ""

    @property
    def base(self) -> str:
        """The base of the registry the resource belongs to (its IRI is ``{base}/id/...``)."""
        return self.iri[:self.iri.rfind("/id/")]


@dataclass
class Source:
    """A registry whose documents the index holds: this one (``value`` is ``LOCAL``) or one
    harvested (``value`` is its base)."""

    value: str
    base: str
    titles: dict[str, str] = field(default_factory=dict)  # language ("" for none) -> title
    harvested: str | None = None  # ISO date-time of the newest write of its documents seen
    files: list[str] = field(default_factory=list)  # what that write recorded as its sources

    @property
    def local(self) -> bool:
        return self.value == LOCAL

    @property
    def catalogue(self) -> str:
        """The address of its DCAT catalogue (a registry of this design publishes it there)."""
        return f"{self.base}/catalog"

    def label(self, lang: str = "pl") -> str:
        """Its catalogue's title in a language (Polish, then any); else, for this registry,
        "Ten rejestr" / "This registry". Another registry's title is followed by its host (two
        registries of this software may well share a title); without a title, its host."""
        titles = self.titles
        found = titles.get(lang) or titles.get("pl") or titles.get("") or next(iter(titles.values()), "")
        if self.local:
            return found or ("Ten rejestr" if lang == "pl" else "This registry")
        parts = urlsplit(self.base)
        host = (parts.netloc + parts.path.rstrip("/")) or self.base
        return f"{found} ({host})" if found else host


class Index:
    """The search index of one store (see the module's description)."""

    def __init__(self, store: Store, path: Path | None = None):
        self.store = store
        if path is None:
            if store.path is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="pes-search-")
                path = Path(self._tmp.name) / "index.sqlite"
            else:
                path = Path(store.path) / "search" / "index.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._pending: set[str] = set()
        self._pending_version = 0
        self._pending_from: int | None = None
        self._bitmaps: dict[str, dict[str, dict[str, BitMap]]] = {}
        self._kind: dict[str, BitMap] = {}
        self._orders: dict[tuple[str, str], np.ndarray] = {}
        self._deadlines: dict[int, str] = {}
        self._terms: dict[str, dict[str, BitMap]] = {space: {} for space in TERM_SPACES}
        self._words: list[str] | None = None
        self._until: dict[int, str] = {}
        self._until_min: str | None = None
        self._sources: tuple[tuple[str, int], dict[str, Source]] | None = None
        self.generation = 0
        try:
            db = self._open()
        except sqlite3.DatabaseError:  # not an index of ours: it is derived, so start anew
            log.warning("search index %s unreadable; rebuilding it", self.path)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            db = self._open()
        self._writer = db
        self._load()
        store.listeners.append(self.changed)

    # schema and loading

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._create(db)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        found = db.execute("SELECT name FROM sqlite_master WHERE name='meta'").fetchone()
        if found:
            v = db.execute("SELECT value FROM meta WHERE name='schema'").fetchone()
            if v and v[0] == SCHEMA_VERSION:
                return
            for table in ("meta", "docs", "facets", "text", "bitmaps"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
        db.executescript(
            """
            CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE docs (
              id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, iri TEXT NOT NULL,
              graph TEXT NOT NULL, name TEXT NOT NULL, names TEXT NOT NULL, sort_name TEXT NOT NULL,
              sort_date TEXT NOT NULL, deadline TEXT NOT NULL, until TEXT NOT NULL, data TEXT NOT NULL,
              facets TEXT NOT NULL, terms TEXT NOT NULL);
            CREATE UNIQUE INDEX docs_iri ON docs (iri);
            CREATE INDEX docs_graph ON docs (graph);
            CREATE TABLE bitmaps (space TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL,
              PRIMARY KEY (space, key)) WITHOUT ROWID;
            """
        )
        db.execute("INSERT INTO meta VALUES ('schema', ?), ('version', '-1'), ('as_of', '')",
                   (SCHEMA_VERSION,))

    def _meta(self, name: str) -> str:
        return self._writer.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()[0]

    def _set_meta(self, name: str, value: str) -> None:
        self._writer.execute("UPDATE meta SET value=? WHERE name=?", (value, name))

    def _load(self) -> None:
        """Bitmaps and date lists from the tables."""
        db = self._writer
        self._bitmaps = {k: defaultdict(dict) for k in INDEXED_KINDS}
        self._kind = {k: BitMap() for k in INDEXED_KINDS}
        self._terms = {space: {} for space in TERM_SPACES}
        for space, key, data in db.execute("SELECT space, key, data FROM bitmaps"):
            bm = BitMap.deserialize(data)
            if space == "k":
                self._kind[key] = bm
            elif space.startswith("f:"):
                _, kind, facet = space.split(":", 2)
                self._bitmaps.setdefault(kind, defaultdict(dict))[facet][key] = bm
            else:
                self._terms[space][key] = bm
        self._deadlines, self._until = {}, {}
        for i, deadline, until in db.execute(
                "SELECT id, deadline, until FROM docs WHERE deadline != '' OR until != ''"):
            if deadline:
                self._deadlines[i] = deadline
            if until:
                self._until[i] = until
        self._words = None
        self._orders.clear()
        self._until_min = None
        self.generation += 1

    def _bitmap(self, space: str, key: str, create: bool = False) -> BitMap | None:
        if space == "k":
            table = self._kind
        elif space.startswith("f:"):
            _, kind, facet = space.split(":", 2)
            table = self._bitmaps.setdefault(kind, defaultdict(dict))[facet]
        else:
            table = self._terms[space]
        bm = table.get(key)
        if bm is None and create:
            bm = table[key] = BitMap()
            if space == "nw" or space == "bw":
                self._words = None
        return bm

    def _spaces_of(self, kind: str, facets: dict, terms: dict) -> Iterator[tuple[str, str]]:
        yield "k", kind
        for facet, values in facets.items():
            for v in values:
                yield f"f:{kind}:{facet}", v
        for space, keys in terms.items():
            for t in keys:
                yield space, t

    def _save_bitmaps(self, keys: Iterable[tuple[str, str]]) -> None:
        db = self._writer
        rows, gone = [], []
        for space, key in keys:
            bm = self._bitmap(space, key)
            if bm:
                rows.append((space, key, bm.serialize()))
            else:
                gone.append((space, key))
                if bm is not None:  # empty: forget it
                    self._forget(space, key)
        db.executemany("INSERT OR REPLACE INTO bitmaps VALUES (?,?,?)", rows)
        db.executemany("DELETE FROM bitmaps WHERE space=? AND key=?", gone)

    def _forget(self, space: str, key: str) -> None:
        if space == "k":
            return
        if space.startswith("f:"):
            _, kind, facet = space.split(":", 2)
            self._bitmaps.get(kind, {}).get(facet, {}).pop(key, None)
        else:
            self._terms[space].pop(key, None)
            self._words = None

    # keeping up with the store

    def changed(self, graphs: Iterable[str], removed: Iterable[str], version: int) -> None:
        """Called by the store after a committed write."""
        with self._lock:
            if self._pending_from is None:
                self._pending_from = version - 1  # each commit adds one to the version
            self._pending.update(graphs)
            self._pending.update(removed)
            self._pending_version = version

    def ensure_current(self) -> None:
        """Bring the index up to the store's current version (cheap when it already is)."""
        version = self.store.version()
        today = dt.date.today().isoformat()
        if (str(version) == self._version_cache() and not self._pending
                and today < self._next_until()):
            return
        with self._lock:
            version = self.store.version()
            current = int(self._meta("version"))
            # The pending changes bring the index up to date only if they start where it is.
            if current != version and not (self._pending_version == version
                                           and self._pending_from == current):
                self.rebuild()
                return
            graphs = set(self._pending)
            graphs |= {self._graph_of(i) for i, until in self._until.items() if until <= today}
            self._pending.clear()
            self._pending_from = None
            if graphs:
                self._reindex(graphs, today, version)
            elif current != version:
                self._set_meta("version", str(version))
            self._version = str(version)

    def _next_until(self) -> str:
        """The earliest day on which a facet value of some row changes ("~" when none)."""
        if self._until_min is None:
            self._until_min = min(self._until.values(), default="~")
        return self._until_min

    def _version_cache(self) -> str:
        v = getattr(self, "_version", None)
        if v is None:
            v = self._version = self._meta("version")
        return v

    def _graph_of(self, doc_id: int) -> str:
        row = self._writer.execute("SELECT graph FROM docs WHERE id=?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def document_graphs(self) -> Iterator[str]:
        """The names of the graphs that look like documents, this registry's or another's
        (``rows_of_graph`` keeps, of the others, those a harvest recorded)."""
        local = self.store.base
        for g in self.store.raw.named_graphs():
            if document_of_graph(g.value, local) is not None:
                yield g.value

    def rebuild(self, progress=None) -> int:
        """Index every document of the store anew; returns the number of rows."""
        with self._lock:
            version = self.store.version()
            today = dt.date.today().isoformat()
            db = self._writer
            db.execute("BEGIN")
            try:
                for table in ("docs", "bitmaps"):
                    db.execute(f"DELETE FROM {table}")
                grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
                n = 0
                for graph in self.document_graphs():
                    for i, row, terms in self._insert_rows(rows_of_graph(self.store, graph, today)):
                        for key in self._spaces_of(row.kind, row.facets, terms):
                            grouped[key].append(i)
                        n += 1
                    if progress:
                        progress(1)
                db.executemany("INSERT INTO bitmaps VALUES (?,?,?)",
                               ((space, key, BitMap(ids).serialize())
                                for (space, key), ids in grouped.items()))
                db.execute("UPDATE meta SET value=? WHERE name='version'", (str(version),))
                db.execute("UPDATE meta SET value=? WHERE name='as_of'", (today,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._pending.clear()
            self._pending_from = None
            self._version = str(version)
            self._load()
            log.info("search index rebuilt: %d rows at store version %d", n, version)
            return n

    def _reindex(self, graphs: set[str], today: str, version: int) -> None:
        db = self._writer
        old = []
        for g in graphs:
            old += db.execute("SELECT id, kind, facets, terms FROM docs WHERE graph=?", (g,)).fetchall()
        touched: set[tuple[str, str]] = set()
        db.execute("BEGIN")
        try:
            for i, kind, facets, terms in old:
                for space, key in self._spaces_of(kind, json.loads(facets), json.loads(terms)):
                    bm = self._bitmap(space, key)
                    if bm is not None:
                        bm.discard(i)
                    touched.add((space, key))
                self._deadlines.pop(i, None)
                self._until.pop(i, None)
            db.executemany("DELETE FROM docs WHERE id=?", [(r[0],) for r in old])
            for g in sorted(graphs):
                for i, row, terms in self._insert_rows(rows_of_graph(self.store, g, today)):
                    for space, key in self._spaces_of(row.kind, row.facets, terms):
                        self._bitmap(space, key, create=True).add(i)
                        touched.add((space, key))
                    if row.deadline:
                        self._deadlines[i] = row.deadline
                    if row.until:
                        self._until[i] = row.until
            self._save_bitmaps(touched)
            db.execute("UPDATE meta SET value=? WHERE name='version'", (str(version),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._load()
            raise
        self._orders.clear()
        self._until_min = None
        self.generation += 1

    def _insert_rows(self, rows: list[Row]) -> Iterator[tuple[int, Row, dict[str, list[str]]]]:
        db = self._writer
        for r in rows:
            terms = _terms(r)
            cur = db.execute(
                "INSERT OR REPLACE INTO docs (kind, key, iri, graph, name, names, sort_name, sort_date,"
                " deadline, until, data, facets, terms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (r.kind, r.key, r.iri, r.graph, r.name, json.dumps(r.names, ensure_ascii=False),
                 polish_sort_key(r.name), r.sort_date, r.deadline, r.until,
                 json.dumps(r.data, ensure_ascii=False),
                 json.dumps({f: sorted(v) for f, v in r.facets.items() if v}, ensure_ascii=False),
                 json.dumps(terms, ensure_ascii=False)))
            yield cur.lastrowid, r, terms

    # reading

    def _reader(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.execute("PRAGMA query_only=1")
            self._local.db = db
            with self._lock:
                self._readers.append(db)
        return db

    def kind_ids(self, kind: str) -> BitMap:
        return self._kind.get(kind, BitMap())

    def count(self, kind: str) -> int:
        return len(self.kind_ids(kind))

    def facet_bitmaps(self, kind: str, facet: str) -> dict[str, BitMap]:
        return self._bitmaps.get(kind, {}).get(facet, {})

    def _word_list(self) -> list[str]:
        words = self._words
        if words is None:
            words = self._words = sorted(set(self._terms["nw"]) | set(self._terms["bw"]))
        return words

    def _word_union(self, folded: str, lemma: str, stem: str) -> tuple[BitMap, BitMap]:
        """Rows whose name, and whose body, have a word starting with ``folded``, or the lemma,
        or the stem."""
        keys = {lemma}
        if len(folded) >= MIN_PREFIX:
            words = self._word_list()
            at = bisect.bisect_left(words, folded)
            for w in words[at:at + MAX_PREFIX_TERMS]:
                if not w.startswith(folded):
                    break
                keys.add(w)
        else:
            keys.add(folded)
        name, body = BitMap(), BitMap()
        nw, bw = self._terms["nw"], self._terms["bw"]
        for k in keys:
            if k in nw:
                name |= nw[k]
            if k in bw:
                body |= bw[k]
        if stem in self._terms["ns"]:
            name |= self._terms["ns"][stem]
        if stem in self._terms["bs"]:
            body |= self._terms["bs"][stem]
        return name, body

    def text_search(self, kind: str, query: str) -> tuple[BitMap, list[BitMap]] | None:
        """Rows of a kind matching every word of a query, and for each word the rows that have it
        in their name (for relevance); None when the query has no words."""
        forms = polish.query_forms(query)
        if not forms:
            return None
        matched = BitMap(self.kind_ids(kind))
        in_name = []
        for folded, lemma, stem in forms:
            name, body = self._word_union(folded, lemma, stem)
            matched &= name | body
            in_name.append(name)
        return matched, in_name

    def deadlines(self) -> dict[int, str]:
        return self._deadlines

    def order(self, kind: str, sort: str) -> np.ndarray:
        """Rank of each id (array indexed by id) in a sort order of a kind: name, newest,
        oldest, deadline (soonest first, none last)."""
        return self._order(kind, sort)[0]

    def sequence(self, kind: str, sort: str) -> tuple[np.ndarray, list[BitMap]]:
        """The ids of a kind in a sort order, and the same cut into bitmaps of CHUNK ids each
        (so the first rows of a large set in that order are found a chunk at a time)."""
        _, seq, chunks = self._order(kind, sort)
        return seq, chunks

    def _order(self, kind: str, sort: str) -> tuple[np.ndarray, np.ndarray, list[BitMap]]:
        cached = self._orders.get((kind, sort))
        if cached is not None:
            return cached
        generation = self.generation
        column = {"name": "sort_name, id", "newest": "sort_date DESC, sort_name, id",
                  "oldest": "CASE sort_date WHEN '' THEN 1 ELSE 0 END, sort_date, sort_name, id",
                  "deadline": "CASE deadline WHEN '' THEN 1 ELSE 0 END, deadline, sort_name, id"}[sort]
        seq = np.array([r[0] for r in self._reader().execute(
            f"SELECT id FROM docs WHERE kind=? ORDER BY {column}", (kind,))], dtype=np.int64)
        size = (int(seq.max()) + 1) if len(seq) else 1
        ranks = np.full(size, np.iinfo(np.int32).max, dtype=np.int32)
        ranks[seq] = np.arange(len(seq), dtype=np.int32)
        chunks = [BitMap(seq[i:i + CHUNK].tolist()) for i in range(0, len(seq), CHUNK)]
        entry = (ranks, seq, chunks)
        if generation == self.generation:  # not made from rows a write has since changed
            self._orders[(kind, sort)] = entry
        return entry

    def hits(self, ids: list[int]) -> list[Hit]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = {
            r[0]: Hit(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7])
            for r in self._reader().execute(
                f"SELECT id, kind, key, iri, name, names, data, graph FROM docs WHERE id IN ({marks})", ids)
        }
        return [found[i] for i in ids if i in found]

    def hit(self, iri: str) -> Hit | None:
        r = self._reader().execute(
            "SELECT id, kind, key, iri, name, names, data, graph FROM docs WHERE iri=?", (iri,)).fetchone()
        return Hit(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7]) if r else None

    # the registries of the rows

    def local_ids(self, kind: str) -> BitMap:
        """The rows of a kind that are this registry's own documents."""
        return self.facet_bitmaps(kind, "source").get(LOCAL, BitMap())

    def sources(self) -> dict[str, Source]:
        """The registries the index holds rows of, by facet value: this one first, then the
        harvested ones. Their titles and last harvest come from this registry's catalogue and
        provenance graphs: a few lookups per registry, once per store version."""
        self.ensure_current()
        stamp = (self._version_cache(), self.generation)  # a write of provenance alone changes titles
        cached = self._sources
        if cached is not None and cached[0] == stamp:
            return cached[1]
        generation = self.generation
        first: dict[str, int] = {}
        for kind in INDEXED_KINDS:
            for value, bm in self.facet_bitmaps(kind, "source").items():
                if bm and value != LOCAL:
                    first[value] = min(first.get(value, bm.min()), bm.min())
        out = {LOCAL: Source(LOCAL, self.store.base, _catalogue_titles(self.store))}
        for value in sorted(first):
            row = self._reader().execute("SELECT graph FROM docs WHERE id=?", (first[value],)).fetchone()
            out[value] = _harvested_source(self.store, value, row[0] if row else "")
        if generation == self.generation:
            self._sources = (stamp, out)
        return out

    def source_bases(self) -> tuple[str, ...]:
        """The bases of the harvested registries the index holds rows of."""
        return tuple(s.base for s in self.sources().values() if not s.local)

    def facet_values_of(self, doc_id: int) -> dict[str, set[str]]:
        row = self._reader().execute("SELECT facets FROM docs WHERE id=?", (doc_id,)).fetchone()
        return {f: set(v) for f, v in json.loads(row[0]).items()} if row else {}

    def close(self) -> None:
        try:
            self.store.listeners.remove(self.changed)
        except ValueError:
            pass
        with self._lock:
            for db in self._readers:
                db.close()
            self._readers.clear()
        self._writer.close()
