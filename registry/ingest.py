"""The one write path: parse -> split into documents -> validate -> commit -> provenance.

The CLI, the web and the demo loader all call :func:`ingest`. Nothing else writes documents.

A *document* is a main resource (``{BASE}/id/{kind}/{key}``) with its fragments (``…#part``),
the blank nodes it alone refers to and, for an entity, its offers (docs/data-model.md). Each
document goes into its own named graph, replacing the previous version as a whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, UsageError, ValidationFailed
from .namespaces import DCT, DOCUMENT_KINDS, KINDS, ORG, PES, PROV, RDF, SCHEMA, XSD
from .store import Store, Write, graph_iri, provenance_graph, resource_iri, valid_key
from .validation import Result, Validator

# Documents validated together in one staging pass (bounded memory, constant cost per document).
CHUNK_TRIPLES = 250_000

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_MODIFIED = ox.NamedNode(str(DCT.modified))
_OFFERED_BY = ox.NamedNode(str(SCHEMA.offeredBy))
_MAKES_OFFER = ox.NamedNode(str(SCHEMA.makesOffer))

# Links to resources of other documents, and the kinds they may point to.
REFERENCES: dict[str, tuple[str, ...]] = {
    str(ORG.unitOf): ("entity", "unit"),
    str(DCT.publisher): ("unit",),
    str(PES.partner): ("entity",),
    str(PES.cityUnit): ("unit",),
    str(PES.answers): ("opportunity",),
    str(PES.responsibleUnit): ("unit",),
    str(PES.applicant): ("entity",),
}


@dataclass
class Source:
    """One input: a file on disk or bytes received, with its name and optional format."""

    name: str
    data: bytes
    format: str | None = None

    @classmethod
    def from_path(cls, path: Path, *, max_bytes: int, format: str | None = None) -> Source:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path.name}: the file has {size} bytes, more than the limit of {max_bytes}"
                " (REGISTRY_MAX_UPLOAD_BYTES)"
            )
        return cls(name=path.name, data=path.read_bytes(), format=format)

    @property
    def checksum(self) -> str:
        return "sha256:" + hashlib.sha256(self.data).hexdigest()


@dataclass
class Document:
    """The triples of one main resource, as they will be stored."""

    iri: str
    kind: str
    key: str
    triples: list[ox.Quad] = field(default_factory=list)  # default-graph quads
    source: str = ""
    offers_only: bool = False  # offers for an entity that is not in this input

    def graph(self, base: str) -> str:
        return graph_iri(base, self.kind, self.key)


@dataclass
class DocumentReport:
    iri: str
    source: str
    status: str = "pending"  # created | replaced | unchanged | rejected
    results: list[Result] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (pl, en)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.is_violation]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if not r.is_violation]

    @property
    def rejected(self) -> bool:
        return bool(self.errors or self.violations)

    def messages(self, lang: str = "en") -> list[str]:
        """Human-readable reasons (errors and violations), then warnings."""
        idx = 0 if lang == "pl" else 1
        out = [e[idx] for e in self.errors]
        out += [_result_text(r, lang) for r in self.violations]
        return out

    def warning_messages(self, lang: str = "en") -> list[str]:
        return [_result_text(r, lang) for r in self.warnings]

    def to_dict(self) -> dict:
        return {
            "iri": self.iri,
            "source": self.source,
            "status": self.status,
            "errors": [{"message_pl": pl, "message_en": en} for pl, en in self.errors],
            "results": [r.to_dict() for r in self.results],
        }


def _result_text(r: Result, lang: str) -> str:
    where = r.focus.rsplit("/", 1)[-1]
    return f"{where}: {r.message(lang)}"


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    version: int | None = None
    activity: str | None = None
    triples: int = 0

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def rejected(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.status == "rejected"]

    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("created", "replaced", "unchanged", "rejected")}


# -- splitting input into documents ----------------------------------------------------------


class Splitter:
    """Assigns every triple of an input to the document it belongs to."""

    def __init__(self, base: str):
        self.base = base
        self.prefix = f"{base}/id/"

    def parse_iri(self, iri: str) -> tuple[str, str] | None:
        """(kind, key) of an instance IRI of this deployment, without fragment; else None."""
        if not iri.startswith(self.prefix):
            return None
        rest = iri[len(self.prefix):].split("#", 1)[0]
        kind, _, key = rest.partition("/")
        if kind not in KINDS or not key:
            return None
        return kind, key

    def split(self, triples: Iterable[ox.Triple], source: str) -> tuple[list[Document], list[tuple[str, str]]]:
        """Documents of this input and the errors (pl, en) of triples that belong to none."""
        errors: list[tuple[str, str]] = []
        by_subject: dict[str, list[ox.Triple]] = {}
        blank_owner_refs: dict[str, set[str]] = {}
        blank_triples: dict[str, list[ox.Triple]] = {}
        offer_owner: dict[str, str] = {}
        for t in triples:
            s = t.subject
            if isinstance(s, ox.BlankNode):
                blank_triples.setdefault(s.value, []).append(t)
            elif isinstance(s, ox.NamedNode):
                by_subject.setdefault(s.value, []).append(t)
            else:
                errors.append(("Zagnieżdżone trójki (RDF-star) nie są obsługiwane.",
                               "Quoted triples (RDF-star) are not supported."))
                continue
            if isinstance(t.object, ox.BlankNode):
                blank_owner_refs.setdefault(t.object.value, set()).add(
                    s.value if isinstance(s, ox.NamedNode) else "_:" + s.value
                )
            if t.predicate == _OFFERED_BY and isinstance(s, ox.NamedNode) and isinstance(t.object, ox.NamedNode):
                if "#" not in s.value:
                    offer_owner.setdefault(s.value, t.object.value)

        docs: dict[str, Document] = {}
        owner_of: dict[str, str] = {}  # subject IRI -> main resource IRI

        def main_of(iri: str) -> str | None:
            parsed = self.parse_iri(iri)
            if parsed is None:
                return None
            kind, key = parsed
            main = iri.split("#", 1)[0]
            if kind == "offer":
                entity = offer_owner.get(main)
                owner = self.parse_iri(entity) if entity is not None else None
                return entity if owner is not None and owner[0] == "entity" else None
            return main

        for subject in by_subject:
            parsed = self.parse_iri(subject)
            if parsed is None:
                errors.append((
                    f"Trójki o zasobie <{subject}>, który nie należy do tego rejestru (adresy zasobów"
                    f" zaczynają się od {self.prefix}).",
                    f"Statements about <{subject}>, which is not a resource of this registry"
                    f" (resource IRIs start with {self.prefix}).",
                ))
                continue
            kind, key = parsed
            main = main_of(subject)
            if main is None:
                errors.append((
                    f"Oferta <{subject.split('#')[0]}> nie wskazuje podmiotu (schema:offeredBy).",
                    f"The offer <{subject.split('#')[0]}> does not name its entity (schema:offeredBy).",
                ))
                continue
            mkind, mkey = self.parse_iri(main)  # type: ignore[misc]
            if mkind not in DOCUMENT_KINDS:
                continue
            if not valid_key(mkey) or (kind == "offer" and not valid_key(key)):
                bad = mkey if not valid_key(mkey) else key
                errors.append((
                    f"Niepoprawny klucz „{bad}”: dozwolone małe litery a–z, cyfry i łączniki, do 80 znaków.",
                    f"Invalid key '{bad}': use lower-case a–z, digits and hyphens, at most 80 characters.",
                ))
                continue
            doc = docs.get(main)
            if doc is None:
                doc = docs[main] = Document(iri=main, kind=mkind, key=mkey, source=source)
            doc.triples.extend(by_subject[subject])
            owner_of[subject] = main

        # Blank nodes go with the document of the subject that refers to them.
        resolved: dict[str, str] = {}

        def blank_owner(label: str, seen: frozenset = frozenset()) -> str | None:
            if label in resolved:
                return resolved[label]
            owners = set()
            for ref in blank_owner_refs.get(label, ()):
                if ref.startswith("_:"):
                    if ref[2:] in seen:
                        continue
                    owner = blank_owner(ref[2:], seen | {label})
                else:
                    owner = owner_of.get(ref)
                if owner is not None:
                    owners.add(owner)
            result = owners.pop() if len(owners) == 1 else None
            resolved[label] = result  # type: ignore[assignment]
            return result

        for label, bts in blank_triples.items():
            owner = blank_owner(label)
            if owner is None:
                errors.append((
                    "Węzeł pusty (blank node), do którego nie odwołuje się dokładnie jeden dokument;"
                    " użyj adresu z fragmentem (…#czesc).",
                    "A blank node not referred to by exactly one document; use a fragment IRI"
                    " (…#part) instead.",
                ))
                continue
            docs[owner].triples.extend(bts)
        for doc in docs.values():
            if not any(t.subject.value == doc.iri for t in doc.triples if isinstance(t.subject, ox.NamedNode)):
                doc.offers_only = True
        return list(docs.values()), errors


# -- reading inputs --------------------------------------------------------------------------

TABULAR_SUFFIXES = (".csv", ".xlsx")


def read_source(source: Source, base: str, *, max_bytes: int) -> tuple[list[ox.Quad], list[tuple[str, str]]]:
    """Statements of one input (as default-graph quads) and the errors (pl, en) found reading it."""
    name = source.name.lower()
    fmt = (source.format or "").lower()
    if name.endswith(TABULAR_SUFFIXES) or fmt in ("csv", "xlsx", "text/csv"):
        from loaders import tabular_source

        triples, errors = tabular_source(source.data, filename=source.name, base=base, max_bytes=max_bytes)
        return [ox.Quad(t.subject, t.predicate, t.object) for t in triples], errors
    from loaders.rdf import parse_rdf

    quads = parse_rdf(
        source.data, format=source.format, filename=source.name, base_iri=f"{base}/id/",
        max_bytes=max_bytes,
    )
    default = ox.DefaultGraph()
    if any(q.graph_name != default for q in quads):
        # Documents are found by subject; graph names of a dataset input carry no meaning here.
        quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return quads, []


# -- the pipeline ----------------------------------------------------------------------------


def ingest(
    store: Store,
    sources: Sequence[Source],
    *,
    partial: bool = False,
    dry_run: bool = False,
    max_bytes: int = 50 * 1024 * 1024,
    agent: str | None = None,
    validator: Validator | None = None,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> IngestReport:
    """Validate and store the documents of ``sources`` in one atomic write.

    By default a single rejected document rejects the whole batch (ValidationFailed, nothing
    written). With ``partial`` the valid documents are written and the rest reported. With
    ``dry_run`` nothing is written either way (validation only).
    """
    base = store.base
    splitter = Splitter(base)
    report = IngestReport()
    documents: list[Document] = []
    source_errors: list[DocumentReport] = []
    for source in sources:
        triples, errors = read_source(source, base, max_bytes=max_bytes)
        docs, split_errors = splitter.split(triples, source.name)
        if errors or split_errors:
            source_errors.append(DocumentReport(iri=source.name, source=source.name, status="rejected",
                                                errors=errors + split_errors))
        documents.extend(docs)

    documents = _merge_duplicates(documents, source_errors)
    reports = {d.iri: DocumentReport(iri=d.iri, source=d.source) for d in documents}
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    modified = ox.Literal(stamp.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(str(XSD.dateTime)))

    for doc in documents:
        if doc.offers_only:
            _merge_offers_into_stored(store, doc, reports[doc.iri])
        _stamp_modified(doc, modified)

    validator = validator or Validator()
    chunk: list[Document] = []
    size = 0
    for doc in documents:
        if reports[doc.iri].rejected:
            continue
        chunk.append(doc)
        size += len(doc.triples)
        if size >= CHUNK_TRIPLES:
            _validate_chunk(validator, chunk, reports)
            if progress:
                progress(len(chunk))
            chunk, size = [], 0
    if chunk:
        _validate_chunk(validator, chunk, reports)
        if progress:
            progress(len(chunk))

    _check_references(store, splitter, documents, reports)

    report.documents = source_errors + [reports[d.iri] for d in documents]
    rejected = [r for r in report.documents if r.rejected]
    for r in rejected:
        r.status = "rejected"
    if rejected and not partial:
        raise ValidationFailed(
            f"{len(rejected)} of {len(report.documents)} documents do not conform; nothing was stored.",
            report.documents,
        )

    write = Write()
    for doc in documents:
        r = reports[doc.iri]
        if r.rejected:
            continue
        g = doc.graph(base)
        exists = store.has_graph(g)
        if exists and _same_content(store.quads(g), doc.triples):
            r.status = "unchanged"
            continue
        r.status = "replaced" if exists else "created"
        write.put(g, doc.triples)
        report.triples += len(doc.triples)
    if dry_run or not write.graphs:
        return report
    activity = f"{provenance_graph(base)}#ingest-{uuid.uuid4()}"
    write.marker = activity
    write.provenance = _provenance(base, activity, sources, write.graphs, stamp, agent)
    report.version = store.commit(write)
    report.activity = activity
    return report


def _merge_duplicates(documents: list[Document], source_errors: list[DocumentReport]) -> list[Document]:
    """One document per IRI; the same resource twice in one batch is an error."""
    seen: dict[str, Document] = {}
    out = []
    for doc in documents:
        if doc.iri in seen:
            first = seen[doc.iri]
            if first.offers_only or doc.offers_only:
                first.triples.extend(doc.triples)
                first.offers_only = first.offers_only and doc.offers_only
                continue
            source_errors.append(DocumentReport(
                iri=doc.iri, source=doc.source, status="rejected",
                errors=[(f"<{doc.iri}> występuje w tej partii więcej niż raz ({first.source}, {doc.source}).",
                         f"<{doc.iri}> appears more than once in this batch ({first.source}, {doc.source}).")],
            ))
            continue
        seen[doc.iri] = doc
        out.append(doc)
    return out


def _merge_offers_into_stored(store: Store, doc: Document, report: DocumentReport) -> None:
    """Offers whose entity is not in the input join the entity's stored document."""
    g = doc.graph(store.base)
    if doc.kind != "entity" or not store.has_graph(g):
        report.errors.append((
            f"Oferty wskazują podmiot <{doc.iri}>, którego nie ma w rejestrze ani w tych danych.",
            f"The offers name the entity <{doc.iri}>, which is neither in the registry nor in this input.",
        ))
        return
    new_offers = {t.subject.value.split("#")[0] for t in doc.triples if isinstance(t.subject, ox.NamedNode)}
    entity = ox.NamedNode(doc.iri)
    kept = []
    for q in store.quads(g):
        subj = q.subject.value.split("#")[0] if isinstance(q.subject, ox.NamedNode) else None
        if subj in new_offers:
            continue
        kept.append(ox.Quad(q.subject, q.predicate, q.object))
    links = {ox.Quad(entity, _MAKES_OFFER, ox.NamedNode(o)) for o in new_offers}
    kept_set = set(kept)
    doc.triples = kept + doc.triples + [t for t in links if t not in kept_set]
    doc.offers_only = False


def _stamp_modified(doc: Document, modified: ox.Literal) -> None:
    main = ox.NamedNode(doc.iri)
    doc.triples = [t for t in doc.triples if not (t.subject == main and t.predicate == _MODIFIED)]
    doc.triples.append(ox.Quad(main, _MODIFIED, modified))


def _same_content(stored: list[ox.Quad], triples: list[ox.Triple]) -> bool:
    """True if a document is unchanged but for its dct:modified (no blank nodes involved)."""
    if len(stored) != len(triples):
        return False
    def key(s, p, o):
        return None if p == _MODIFIED else (s, p, o)
    a = {key(q.subject, q.predicate, q.object) for q in stored}
    b = {key(t.subject, t.predicate, t.object) for t in triples}
    if any(isinstance(x[0], ox.BlankNode) or isinstance(x[2], ox.BlankNode) for x in a | b if x):
        return False
    return a == b


def _validate_chunk(validator: Validator, chunk: list[Document], reports: dict[str, DocumentReport]) -> None:
    owner: dict[str, str] = {}
    for doc in chunk:
        for t in doc.triples:
            s = t.subject
            owner[s.value if isinstance(s, ox.NamedNode) else "_:" + s.value] = doc.iri
    results = validator.validate(t for doc in chunk for t in doc.triples)
    for r in results:
        iri = owner.get(r.focus)
        if iri is None:
            continue  # a concept scheme, not a document being written
        reports[iri].results.append(r)


def _check_references(store: Store, splitter: Splitter, documents: list[Document],
                      reports: dict[str, DocumentReport]) -> None:
    """Links to other documents must point to existing resources of the right kind."""
    in_batch = {d.iri for d in documents}
    checked: dict[str, bool] = {}
    for doc in documents:
        report = reports[doc.iri]
        for t in doc.triples:
            kinds = REFERENCES.get(t.predicate.value)
            if t.predicate == _OFFERED_BY and isinstance(t.object, ox.NamedNode):
                if isinstance(t.subject, ox.NamedNode) and t.object.value != doc.iri and "#" not in t.subject.value:
                    report.errors.append((
                        f"Oferta <{t.subject.value}> należy do innego podmiotu niż dokument <{doc.iri}>.",
                        f"The offer <{t.subject.value}> belongs to another entity than the document <{doc.iri}>.",
                    ))
                continue
            if kinds is None or not isinstance(t.object, ox.NamedNode):
                continue
            target = t.object.value
            parsed = splitter.parse_iri(target)
            if parsed is None or parsed[0] not in kinds or "#" in target:
                report.errors.append((
                    f"{_short(t.predicate.value)} wskazuje <{target}>, a powinien wskazywać zasób rodzaju: {', '.join(kinds)}.",
                    f"{_short(t.predicate.value)} points to <{target}>, which should be a resource of kind: {', '.join(kinds)}.",
                ))
                continue
            if target in in_batch:
                continue
            if target not in checked:
                checked[target] = store.has_graph(graph_iri(store.base, parsed[0], parsed[1]))
            if not checked[target]:
                report.errors.append((
                    f"{_short(t.predicate.value)} wskazuje <{target}>, którego nie ma w rejestrze.",
                    f"{_short(t.predicate.value)} points to <{target}>, which is not in the registry.",
                ))
    # A document that refers to a rejected one (not in the store) cannot go in either.
    changed = True
    while changed:
        changed = False
        rejected = {d.iri for d in documents if reports[d.iri].rejected}
        for doc in documents:
            report = reports[doc.iri]
            if report.rejected:
                continue
            for t in doc.triples:
                if t.predicate.value in REFERENCES and isinstance(t.object, ox.NamedNode) \
                        and t.object.value in rejected and not checked.get(t.object.value, False):
                    parsed = splitter.parse_iri(t.object.value)
                    if parsed and store.has_graph(graph_iri(store.base, *parsed)):
                        continue
                    report.errors.append((
                        f"Wskazuje <{t.object.value}>, który został odrzucony.",
                        f"Points to <{t.object.value}>, which was rejected.",
                    ))
                    changed = True
                    break


def _short(iri: str) -> str:
    for prefix, ns in (("pes:", str(PES)), ("dct:", str(DCT)), ("org:", str(ORG)), ("schema:", str(SCHEMA))):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _provenance(base: str, activity: str, sources: Sequence[Source], graphs: dict[str, list],
                stamp: dt.datetime, agent: str | None) -> list[ox.Quad]:
    g = ox.NamedNode(provenance_graph(base))
    a = ox.NamedNode(activity)
    when = ox.Literal(stamp.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(str(XSD.dateTime)))
    end = ox.Literal(
        dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        datatype=ox.NamedNode(str(XSD.dateTime)),
    )
    q = [
        ox.Quad(a, _RDF_TYPE, ox.NamedNode(str(PROV.Activity)), g),
        ox.Quad(a, _RDF_TYPE, ox.NamedNode(str(PES.Ingest)), g),
        ox.Quad(a, ox.NamedNode(str(PROV.startedAtTime)), when, g),
        ox.Quad(a, ox.NamedNode(str(PROV.endedAtTime)), end, g),
    ]
    if agent:
        q.append(ox.Quad(a, ox.NamedNode(str(PROV.wasAssociatedWith)), ox.NamedNode(agent), g))
    for i, source in enumerate(sources):
        s = ox.NamedNode(f"{activity}-source-{i + 1}")
        q += [
            ox.Quad(a, ox.NamedNode(str(PROV.used)), s, g),
            ox.Quad(s, _RDF_TYPE, ox.NamedNode(str(PROV.Entity)), g),
            ox.Quad(s, ox.NamedNode(str(DCT.source)), ox.Literal(source.name), g),
            ox.Quad(s, ox.NamedNode(str(PES.checksum)), ox.Literal(source.checksum), g),
        ]
    for graph in graphs:
        gn = ox.NamedNode(graph)
        q.append(ox.Quad(a, ox.NamedNode(str(PROV.generated)), gn, g))
        q.append(ox.Quad(gn, ox.NamedNode(str(PROV.wasGeneratedBy)), a, g))
    return q


def publisher_iri(base: str, key: str) -> str:
    """IRI of the organisation recorded as responsible for writes."""
    return resource_iri(base, "unit", key)
