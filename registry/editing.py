"""Editing documents one at a time: the write side of the web (API, forms, history restores).

Every write still goes through :func:`registry.ingest.ingest` (parse, split, validate, commit,
provenance); this module adds what one-document writes need on top of it:

* **one writer at a time**: writes are serialised by one lock, and the ``If-Match`` check runs
  under it, so of two editors who loaded the same version exactly one wins;
* **the target and nothing else**: the body must describe the resource named by the address
  (its fragments, and for an entity its offers) — a write to one document never touches another;
* **document tags**: :func:`document_tag` is the version tag of a document, independent of the
  serialisation (pages send it as the first part of their ETag; ``If-Match`` compares it);
* **organisations, not persons**: the provenance names the organisation responsible
  (:meth:`Editor.organisation_for`), never an account.

An entity written without any offer keeps its stored offers (a profile edit); a body that states
offers replaces them all. An offer is written into its entity's document; it cannot move to
another entity.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from .config import Settings
from .errors import InputError, UsageError, ValidationFailed
from .ingest import IngestReport, Source, ingest, publisher_iri, withdraw
from .namespaces import DOCUMENT_KINDS, KINDS, PROV, SCHEMA
from .store import Store, graph_iri, provenance_graph, resource_iri, valid_key
from .validation import Validator

_OFFERED_BY = ox.NamedNode(str(SCHEMA.offeredBy))
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_MAKES_OFFER = ox.NamedNode(str(SCHEMA.makesOffer))
_INVALIDATED = ox.NamedNode(str(PROV.wasInvalidatedBy))
# Concepts and ontology terms: the same for every registry, never a document's to say.
_SHARED = "https://w3id.org/pes-registry/"
# Labels a served document adds for the resources it links to (registry.web.resources.LABELS).
_LABELS = frozenset({"https://schema.org/name", "http://www.w3.org/2004/02/skos/core#prefLabel",
                     "http://www.w3.org/2000/01/rdf-schema#label",
                     "http://www.w3.org/2004/02/skos/core#notation"})


class PreconditionFailed(Exception):
    """``If-Match`` names another version than the current one (HTTP 412)."""

    def __init__(self, current: str | None):
        super().__init__("The document has changed since it was read: reload it and edit again.")
        self.current = current


class PreconditionRequired(Exception):
    """A replace or withdrawal without ``If-Match`` (HTTP 428)."""


class NotFound(Exception):
    """No such resource (HTTP 404)."""


class Gone(Exception):
    """The resource was withdrawn (HTTP 410)."""


class AlreadyExists(Exception):
    """A create names a resource that exists (HTTP 409)."""


class Conflict(Exception):
    """The write cannot be done as asked (HTTP 409), e.g. other documents still link here."""


@dataclass
class SaveResult:
    version: int
    etag: str
    created: bool
    report: IngestReport
    key: str = ""

    @property
    def warnings(self) -> list:
        return [w for d in self.report.documents for w in d.warnings]


def document_tag(store: Store, kind: str, key: str) -> str | None:
    """The version tag of a resource's document: a hash of its statements (for an offer, its
    part of the entity's document), whatever the serialisation. None when it does not exist."""
    iri = resource_iri(store.base, kind, key)
    graph = document_graph(store, kind, key)
    if graph is None:
        return None
    quads = store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    if kind in DOCUMENT_KINDS:
        lines = [_line(q) for q in quads]
    else:
        lines = [_line(q) for q in quads if _within(q.subject, iri)]
    return hashlib.sha1("\n".join(sorted(lines)).encode()).hexdigest()[:24]


def document_graph(store: Store, kind: str, key: str) -> str | None:
    """The named graph that holds the resource, or None when it does not exist."""
    if kind in DOCUMENT_KINDS:
        graph = graph_iri(store.base, kind, key)
        return graph if store.has_graph(graph) else None
    offer = ox.NamedNode(resource_iri(store.base, kind, key))
    for q in store.raw.quads_for_pattern(offer, _OFFERED_BY, None, None):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(store.base + "/"):
            return q.graph_name.value
    return None


def withdrawn(store: Store, kind: str, key: str) -> bool:
    """True when the resource's document was withdrawn and not written again since."""
    if kind not in DOCUMENT_KINDS:
        return False
    graph = graph_iri(store.base, kind, key)
    if store.has_graph(graph):
        return False
    return any(True for _ in store.raw.quads_for_pattern(
        ox.NamedNode(graph), _INVALIDATED, None, ox.NamedNode(provenance_graph(store.base))))


def _line(q: ox.Quad) -> str:
    return f"{q.subject} {q.predicate} {q.object}"


def _within(term, iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and (term.value == iri or term.value.startswith(iri + "#"))


def matches(if_match: str, tag: str | None) -> bool:
    """Does an ``If-Match`` header name the current version? Accepts ``*``, the bare tag and the
    ETags the document routes send (``"{tag}.{representation}"``), weak or strong."""
    if tag is None:
        return False
    for part in if_match.split(","):
        value = part.strip()
        if value == "*":
            return True
        if value.startswith("W/"):
            value = value[2:]
        value = value.strip('"')
        if value.split(".", 1)[0] == tag:
            return True
    return False


class Editor:
    """The write side of one store, shared by the web's API, its forms and history restores."""

    def __init__(self, store: Store, settings: Settings, validator: Validator | None = None):
        self.store = store
        self.settings = settings
        self._validator = validator
        self.lock = threading.Lock()

    @property
    def validator(self) -> Validator:
        if self._validator is None:  # compiled once per process, on the first write
            self._validator = Validator()
        return self._validator

    # -- reading ----------------------------------------------------------------------------

    def etag(self, kind: str, key: str) -> str | None:
        return document_tag(self.store, kind, key)

    def exists(self, kind: str, key: str) -> bool:
        return document_graph(self.store, kind, key) is not None

    def offer_entity(self, key: str) -> str | None:
        """The key of the entity whose document holds an offer, or None."""
        graph = document_graph(self.store, "offer", key)
        return graph.rsplit("/", 1)[-1] if graph else None

    def organisation_for(self, user, kind: str | None = None, key: str | None = None,
                         triples: list[ox.Triple] | None = None) -> str:
        """The organisation recorded in the provenance of a user's write: the city (the
        publisher unit) for an administrator; for an entity editor, the entity whose document
        is written (for a new offer, the entity its body names in ``triples``; else the user's
        first entity). Never the person."""
        if user is None or getattr(user, "is_admin", False):
            return publisher_iri(self.store.base, self.settings.publisher)
        entity = None
        if kind == "entity" and key in user.entities:
            entity = key
        elif kind == "offer" and key:
            owner = self.offer_entity(key) or (self.offered_by(triples, key) if triples else None)
            entity = owner if owner in user.entities else None
        if entity is None and user.entities:
            entity = sorted(user.entities)[0]
        if entity is None:
            return publisher_iri(self.store.base, self.settings.publisher)
        return resource_iri(self.store.base, "entity", entity)

    # -- parsing ----------------------------------------------------------------------------

    def parse(self, kind: str, data: bytes, fmt: ox.RdfFormat | str) -> list[ox.Triple]:
        """The statements of a body (safely parsed, relative IRIs against ``{BASE}/id/``)."""
        from loaders.rdf import iter_rdf

        if kind not in KINDS:
            raise UsageError(f"unknown kind {kind!r}")
        if len(data) > self.settings.max_upload_bytes:
            raise InputError(f"The body has {len(data)} bytes, more than the limit of "
                             f"{self.settings.max_upload_bytes}.")
        media = fmt.media_type if isinstance(fmt, ox.RdfFormat) else fmt
        out = []
        for s in iter_rdf(data, format=media, filename=None, base_iri=f"{self.store.base}/id/",
                          max_bytes=self.settings.max_upload_bytes):
            if isinstance(s, ox.Quad):
                s = ox.Triple(s.subject, s.predicate, s.object)
            out.append(s)
        return out

    def main_key(self, kind: str, triples: list[ox.Triple]) -> str:
        """The key of the one main resource of ``kind`` a body describes (for creates)."""
        prefix = f"{self.store.base}/id/{kind}/"
        # typed subjects only: a served document also carries labels of what it links to
        keys = {t.subject.value[len(prefix):].split("#", 1)[0] for t in triples
                if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(prefix)
                and "#" not in t.subject.value and t.predicate == _RDF_TYPE}
        if len(keys) != 1:
            raise InputError(
                f"Treść musi opisywać dokładnie jeden zasób {prefix}{{klucz}} (znaleziono {len(keys)}). / "
                f"The body must describe exactly one resource {prefix}{{key}} (found {len(keys)})."
            )
        key = keys.pop()
        if not valid_key(key):
            raise InputError(f"{key!r} is not a valid key (lower-case letters, digits and hyphens).")
        return key

    def offered_by(self, triples: list[ox.Triple], key: str) -> str | None:
        """The entity key an offer body names with ``schema:offeredBy``."""
        iri = resource_iri(self.store.base, "offer", key)
        prefix = f"{self.store.base}/id/entity/"
        for t in triples:
            if t.subject.value == iri and t.predicate == _OFFERED_BY and t.object.value.startswith(prefix):
                return t.object.value[len(prefix):]
        return None

    def _check_target(self, kind: str, key: str, triples: list[ox.Triple]) -> None:
        """Every statement is about the target (its fragments; an entity's offers; blank nodes)."""
        if not triples:
            raise InputError("Treść jest pusta. / The body is empty.")
        iri = resource_iri(self.store.base, kind, key)
        entity = ox.NamedNode(iri)
        offers = {t.subject.value.split("#", 1)[0] for t in triples
                  if kind == "entity" and t.predicate == _OFFERED_BY and t.object == entity}
        strangers = sorted({
            t.subject.value for t in triples
            if isinstance(t.subject, ox.NamedNode) and not _within(t.subject, iri)
            and t.subject.value.split("#", 1)[0] not in offers
        })
        if strangers:
            raise InputError(
                f"Treść opisuje inne zasoby niż {iri}: {', '.join(strangers[:5])}. / "
                f"The body describes resources other than {iri}: {', '.join(strangers[:5])}."
            )
        if not any(t.subject == entity for t in triples):
            raise InputError(f"Treść nie opisuje zasobu {iri}. / The body says nothing about {iri}.")

    # -- writing ----------------------------------------------------------------------------

    def validate(self, kind: str, key: str, data: bytes, fmt: ox.RdfFormat | str) -> IngestReport:
        """Validate a body as a write of ``kind/key`` would; nothing is written."""
        triples = self._prepared(kind, key, data, fmt)
        try:
            return ingest(self.store, [self._source(kind, key, triples)], dry_run=True,
                          partial=True, validator=self.validator,
                          max_bytes=self.settings.max_upload_bytes)
        except ValidationFailed as e:  # not raised with partial, kept for safety
            return IngestReport(documents=e.reports)

    def save(self, kind: str, key: str, data: bytes, fmt: ox.RdfFormat | str, *, organisation: str,
             if_match: str | None = None, create: bool | None = None,
             require_match: bool = False, keep_offers: bool = True) -> SaveResult:
        """Create or replace the document of ``kind/key`` (see the module's docstring).

        ``create``: True refuses an existing resource (AlreadyExists), False a missing one
        (NotFound), None takes either. ``if_match`` must name the current version when given;
        ``require_match`` makes it mandatory for a replace (PreconditionRequired).
        ``keep_offers=False`` writes an entity exactly as given, offers or none (a restore)."""
        triples = self._prepared(kind, key, data, fmt)
        with self.lock:
            tag = self.etag(kind, key)
            if tag is None and create is False:
                raise Gone() if withdrawn(self.store, kind, key) else NotFound()
            if tag is not None and create is True:
                raise AlreadyExists()
            if tag is not None:
                if if_match is None and require_match:
                    raise PreconditionRequired()
                if if_match is not None and not matches(if_match, tag):
                    raise PreconditionFailed(tag)
            elif if_match is not None and if_match.strip() != "*":
                raise PreconditionFailed(None)
            if kind == "offer" and tag is not None:
                owner, named = self.offer_entity(key), self.offered_by(triples, key)
                if named != owner:
                    raise InputError(
                        f"Oferta należy do podmiotu {owner} i nie może przejść do innego. / "
                        f"The offer belongs to entity {owner} and cannot move to another."
                    )
            if kind == "entity" and tag is not None and keep_offers:
                triples = self._with_stored_offers(key, triples)
            report = ingest(self.store, [self._source(kind, key, triples)], agent=organisation,
                            validator=self.validator, max_bytes=self.settings.max_upload_bytes)
            self._after_write(kind)
            return SaveResult(version=self.store.version(), etag=self.etag(kind, key) or "",
                              created=tag is None, report=report, key=key)

    def withdraw(self, kind: str, key: str, *, organisation: str, if_match: str | None = None,
                 reason: str | None = None, require_match: bool = False) -> int:
        """Withdraw a document (its graph goes; the provenance and the history keep it), or
        remove an offer from its entity's document. Returns the new store version."""
        if kind not in KINDS or not valid_key(key):
            raise NotFound()
        with self.lock:
            tag = self.etag(kind, key)
            if tag is None:
                raise Gone() if withdrawn(self.store, kind, key) else NotFound()
            if if_match is None and require_match:
                raise PreconditionRequired()
            if if_match is not None and not matches(if_match, tag):
                raise PreconditionFailed(tag)
            if kind == "offer":
                return self._remove_offer(key, organisation)
            try:
                version = withdraw(self.store, [(kind, key)], agent=organisation, reason=reason)
            except UsageError as e:
                raise Conflict(str(e)) from None
            self._after_write(kind)
            return version

    # -- helpers ----------------------------------------------------------------------------

    def _prepared(self, kind: str, key: str, data: bytes, fmt) -> list[ox.Triple]:
        if kind not in KINDS or not valid_key(key):
            raise NotFound()
        triples = self.without_context(kind, key, self.parse(kind, data, fmt))
        self._check_target(kind, key, triples)
        return triples

    def without_context(self, kind: str, key: str, triples: list[ox.Triple]) -> list[ox.Triple]:
        """A document as ``GET /{kind}/{key}.{ext}`` serves it, less what it adds for readers:
        the description of the document itself and the labels of the resources it links to.
        So a client may read a document, change it and send it back as it is."""
        iri = resource_iri(self.store.base, kind, key)
        page = graph_iri(self.store.base, kind, key)
        offers = {t.subject.value for t in triples if kind == "entity" and t.predicate == _OFFERED_BY
                  and t.object.value == iri}

        def inside(term) -> bool:
            return _within(term, iri) or (isinstance(term, ox.NamedNode)
                                          and term.value.split("#", 1)[0] in offers)

        linked = {t.object for t in triples if isinstance(t.object, ox.NamedNode) and inside(t.subject)}
        return [t for t in triples
                if not (isinstance(t.subject, ox.NamedNode) and t.subject.value == page)
                and not (t.predicate.value in _LABELS and not inside(t.subject)
                         and (t.subject in linked or t.subject.value.startswith(_SHARED)))]

    def _source(self, kind: str, key: str, triples: list[ox.Triple]) -> Source:
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return Source(name=f"{kind}/{key}.nt", data=data, format=ox.RdfFormat.N_TRIPLES.media_type)

    def _with_stored_offers(self, key: str, triples: list[ox.Triple]) -> list[ox.Triple]:
        """A body without offers keeps the entity's stored offers."""
        entity = ox.NamedNode(resource_iri(self.store.base, "entity", key))
        if any(t.predicate == _OFFERED_BY and t.object == entity for t in triples):
            return triples
        offers = self._stored_offers(key)
        if not offers:
            return triples
        graph = ox.NamedNode(graph_iri(self.store.base, "entity", key))
        kept = [ox.Triple(q.subject, q.predicate, q.object)
                for q in self.store.raw.quads_for_pattern(None, None, None, graph)
                if isinstance(q.subject, ox.NamedNode) and q.subject.value.split("#", 1)[0] in offers]
        body = [t for t in triples if t.predicate != _MAKES_OFFER]
        return body + kept + [ox.Triple(entity, _MAKES_OFFER, ox.NamedNode(o)) for o in sorted(offers)]

    def _stored_offers(self, key: str) -> set[str]:
        entity = ox.NamedNode(resource_iri(self.store.base, "entity", key))
        graph = ox.NamedNode(graph_iri(self.store.base, "entity", key))
        return {q.subject.value for q in self.store.raw.quads_for_pattern(None, _OFFERED_BY, entity, graph)}

    def _remove_offer(self, key: str, organisation: str) -> int:
        """Write the entity's document without the offer (validated like any write)."""
        owner = self.offer_entity(key)
        offer = resource_iri(self.store.base, "offer", key)
        graph = ox.NamedNode(graph_iri(self.store.base, "entity", owner))
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in self.store.raw.quads_for_pattern(None, None, None, graph)
                   if not _within(q.subject, offer) and q.object != ox.NamedNode(offer)]
        ingest(self.store, [self._source("entity", owner, triples)], agent=organisation,
               validator=self.validator, max_bytes=self.settings.max_upload_bytes)
        self._after_write("entity")
        return self.store.version()

    def _after_write(self, kind: str) -> None:
        """Derived data that is not a store listener: the sameAs links follow identifiers."""
        if kind != "entity":
            return
        from . import links

        if self.store.has_graph(links.links_graph(self.store.base)):
            links.update(self.store)
