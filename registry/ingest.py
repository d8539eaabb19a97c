"""The one write path: parse -> split into documents -> validate -> commit -> provenance.

The CLI, the web and the demo loader all call :func:`ingest`. Nothing else writes documents.

A *document* is a main resource (``{BASE}/id/{kind}/{key}``) with its fragments (``…#part``),
the blank nodes it alone refers to and, for an entity, its offers (docs/data-model.md). Each
document goes into its own named graph, replacing the previous version as a whole.

A batch of any size is streamed: each input is parsed once into a scratch file, documents are
validated chunk by chunk in worker threads and large writes are staged in the store's journal,
so memory holds bookkeeping per document, never the parsed batch (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import InputError, UsageError, ValidationFailed
from .namespaces import DCT, DOCUMENT_KINDS, KINDS, ORG, PES, PROV, RDF, SCHEMA, XSD
from .store import Store, Write, graph_iri, provenance_graph, resource_iri, trig_block, valid_key
from .validation import Result, Validator

# Documents validated together in one staging store (bounded memory, constant cost per document).
CHUNK_TRIPLES = 100_000
# Chunks validated at once, each in its own thread (the queries run without Python's lock).
VALIDATION_THREADS = max(1, min(4, os.cpu_count() or 1))

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
    # Titles of the source by language ("" for none), recorded as its dct:title (e.g. the title
    # of a harvested registry's catalogue).
    titles: dict[str, str] = field(default_factory=dict)

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
#
# Each input is parsed once. The statements about each subject are serialised (N-Triples) to an
# anonymous scratch file as they are read, and only where they went is kept in memory. Once an
# input is read, it is known which document each subject belongs to (offers go with the entity
# they name, blank nodes with the one document that refers to them, wherever that is stated);
# each document is then put together from its parts of the scratch file, in bounded memory
# whatever the order of the statements in the input.


class Splitter:
    """Knows the instance IRIs of this deployment."""

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


TABULAR_SUFFIXES = (".csv", ".xlsx")


class _Input:
    """The statements of one source."""

    def __init__(self, source: Source, base: str, max_bytes: int):
        self.source = source
        self.base = base
        self.max_bytes = max_bytes
        self.errors: list[tuple[str, str]] = []
        self.dataset = False  # graph names of a dataset input carry no meaning here
        self._statements: list[ox.Triple] | None = None
        name = source.name.lower()
        fmt = (source.format or "").lower()
        if name.endswith(TABULAR_SUFFIXES) or fmt in ("csv", "xlsx", "text/csv"):
            from loaders import tabular_source

            self._statements, self.errors = tabular_source(
                source.data, filename=source.name, base=base, max_bytes=max_bytes)
        else:
            from loaders.rdf import detect_format

            self.dataset = detect_format(
                format=source.format, filename=source.name, data=source.data).supports_datasets

    def statements(self) -> Iterator[ox.Triple | ox.Quad]:
        if self._statements is not None:
            return iter(self._statements)
        from loaders.rdf import iter_rdf

        return iter_rdf(self.source.data, format=self.source.format, filename=self.source.name,
                        base_iri=f"{self.base}/id/", max_bytes=self.max_bytes)


# Predicates whose statements the reference checks look at.
_LINKS = frozenset(REFERENCES) | {_OFFERED_BY.value}

# A link statement as kept for the reference checks: subject IRI (None for a blank node),
# predicate IRI, object IRI.
_Link = tuple[str | None, str, str]


@dataclass
class _Index:
    """What reading one source leaves in memory.

    A subject is known by its IRI without fragment (``…/entity/x#address`` by ``…/entity/x``),
    a blank node by ``_:`` and its label.
    """

    # subject -> [statements, offset, length, offset, length, …] of its part of the scratch file
    parts: dict[str, list[int]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)  # subjects that appear without fragment
    offer_owner: dict[str, str] = field(default_factory=dict)  # offer -> its schema:offeredBy
    blank_refs: dict[str, set[str]] = field(default_factory=dict)  # blank node -> referrers
    links: dict[str, list[_Link]] = field(default_factory=dict)  # subject -> its link statements
    quoted: int = 0  # statements whose subject is a quoted triple


def _read(inp: _Input, prefix: str, scratch: IO[bytes], guess: _Speculation | None = None) -> _Index:
    """Parse one source into the scratch file, subject by subject.

    A main resource's own ``dct:modified`` is left out (each document is stamped anew), as are
    statements about quoted triples (an error). With ``guess``, documents are validated as they
    seem complete (see ``_Speculation``).
    """
    ix = _Index()
    if guess is not None:
        guess.start(ix)
    parts, whole, offer_owner, blank_refs, links = ix.parts, ix.whole, ix.offer_owner, ix.blank_refs, ix.links
    named, blank_node, modified, offered_by = ox.NamedNode, ox.BlankNode, _MODIFIED, _OFFERED_BY.value
    serialize, n_triples = ox.serialize, ox.RdfFormat.N_TRIPLES
    offset = scratch.seek(0, os.SEEK_END)
    statements: Iterable = inp.statements()
    if inp.dataset:
        statements = (ox.Quad(q.subject, q.predicate, q.object) for q in statements)

    run: list = []  # statements about the current subject
    key: str | None = None
    prev = subject_iri = None
    no_fragment = main_of_document = is_offer = False
    unwritten: list[bytes] = []  # written to the scratch file a megabyte at a time
    start = offset

    def end_run() -> int:
        nonlocal start
        data = serialize(run, format=n_triples) or b""
        unwritten.append(data)
        if offset - start > 1 << 20:
            scratch.write(b"".join(unwritten))
            unwritten.clear()
            start = offset + len(data)
        part = parts.get(key)  # type: ignore[arg-type]
        if part is None:
            parts[key] = [len(run), offset, len(data)]  # type: ignore[index]
        else:
            part[0] += len(run)
            if part[-2] + part[-1] == offset:
                part[-1] += len(data)
            else:
                part += (offset, len(data))
        if guess is not None:
            guess.add(key, offset, data, len(run))  # type: ignore[arg-type]
        return offset + len(data)

    for q in statements:
        s = q.subject
        if s != prev:
            if key is not None:
                offset = end_run()
                run = []
            prev = s
            kind = type(s)
            if kind is named:
                subject_iri = s.value
                if subject_iri.startswith(prefix):
                    key, sep, _ = subject_iri.partition("#")
                    no_fragment = not sep
                    doc_kind = key[len(prefix):].partition("/")[0]
                    main_of_document = no_fragment and doc_kind in DOCUMENT_KINDS
                    is_offer = doc_kind == "offer"
                    if no_fragment:
                        whole.add(key)
                else:
                    key, no_fragment, main_of_document, is_offer = subject_iri, False, False, False
            elif kind is blank_node:
                key = "_:" + s.value
                subject_iri, no_fragment, main_of_document, is_offer = None, False, False, False
            else:
                key = None
        if key is None:
            ix.quoted += 1
            continue
        o = q.object
        kind = type(o)
        if kind is blank_node:
            b = "_:" + o.value
            refs = blank_refs.get(b)
            if refs is None:
                refs = blank_refs[b] = set()
            refs.add(key)
        elif kind is named:
            p = q.predicate.value
            if p in _LINKS:
                target = o.value
                if p == offered_by:
                    first = offer_owner.setdefault(key, target) if no_fragment else None
                    # Only an offeredBy that names another entity than its document's matters.
                    if no_fragment and target != (first if is_offer else key):
                        links.setdefault(key, []).append((subject_iri, p, target))
                else:
                    links.setdefault(key, []).append((subject_iri, p, target))
        if main_of_document and q.predicate == modified:
            continue
        run.append(q)
    if key is not None:
        end_run()
    scratch.write(b"".join(unwritten))
    if guess is not None:
        guess.close()
    return ix


class _Speculation:
    """Documents validated while the input is still being read.

    The reading keeps one core busy; the validation threads need not wait for its end. When
    the input moves on from one document to another, the first is guessed complete and goes to
    validation, with the parts of the scratch file it was made of. Once the input is read, a
    document whose final parts are the same keeps the results; any other is validated again. So
    the guess costs nothing when statements are grouped by document, as in most files, and
    never changes an outcome.
    """

    def __init__(self, splitter: Splitter, pool: ThreadPoolExecutor, validator: Validator, stamp: bytes,
                 progress: Callable[[int], None] | None = None):
        self.splitter = splitter
        self.progress = progress
        self.prefix = splitter.prefix
        self.entities = splitter.prefix + "entity/"
        self.pool = pool
        self.validator = validator
        self.stamp = stamp
        self.checked: dict[str, tuple[int, ...] | None] = {}  # document -> its parts (None: scattered)
        self.futures: deque[Future] = deque()
        self.done: list[Future] = []
        self.chunk: list[bytes] = []
        self.size = 0
        self.current: str | None = None
        self.spans: list[tuple[int, int]] = []
        self.data: list[bytes] = []
        self.triples = 0

    def start(self, ix: _Index) -> None:
        self.ix = ix
        self.blank_docs: dict[str, str | None] = {}

    def document_of(self, key: str) -> str | None:
        """The document a subject seems to belong to, from what has been read so far."""
        if key.startswith("_:"):
            return self.blank_docs.get(key)
        kind = key[len(self.prefix):].partition("/")[0] if key.startswith(self.prefix) else None
        if kind in DOCUMENT_KINDS:
            return key
        if kind == "offer":
            owner = self.ix.offer_owner.get(key)
            if owner is not None and owner.startswith(self.entities) and "#" not in owner:
                return owner
        return None

    def add(self, key: str, offset: int, data: bytes, triples: int) -> None:
        """A run of statements about one subject has been read."""
        if key.startswith("_:"):
            refs = self.ix.blank_refs.get(key)
            doc = self.document_of(next(iter(refs))) if refs and len(refs) == 1 else None
            self.blank_docs[key] = doc
        else:
            doc = self.document_of(key)
        if doc is None:
            return  # left to the final check
        if doc != self.current:
            self.close()
            self.current = doc
        self.spans.append((offset, len(data)))
        self.data.append(data)
        self.triples += triples

    def close(self) -> None:
        """The current document seems complete."""
        doc = self.current
        if doc is None:
            return
        if doc in self.checked:
            self.checked[doc] = None  # its statements are scattered: validated once read
        elif doc in self.ix.whole:  # not offers only (those join the stored document)
            parsed = self.splitter.parse_iri(doc)
            if parsed is not None and valid_key(parsed[1]):
                self.checked[doc] = _canonical(self.spans)
                graph = graph_iri(self.splitter.base, *parsed)
                self.chunk.append(trig_block(graph, b"".join(self.data) + b"<" + doc.encode() + self.stamp))
                self.size += self.triples + 1
                if self.size >= CHUNK_TRIPLES:
                    self.submit()
        self.current = None
        self.spans, self.data, self.triples = [], [], 0

    def submit(self) -> None:
        if self.chunk:
            self.futures.append(self.pool.submit(self.validator.validate_graphs, b"".join(self.chunk)))
            if self.progress:
                self.progress(len(self.chunk))
            self.chunk, self.size = [], 0
        while len(self.futures) > VALIDATION_THREADS:
            self.futures[0].result()
            self.done.append(self.futures.popleft())

    def results(self) -> dict[str, list[Result]]:
        """Results of every document validated, by graph (documents without results left out)."""
        self.submit()
        out: dict[str, list[Result]] = {}
        for future in [*self.done, *self.futures]:
            for graph, result in future.result():
                out.setdefault(graph, []).append(result)
        return out

    def validated(self, doc: _Planned) -> bool:
        """True if the document was validated as it finally is."""
        spans = self.checked.get(doc.iri)
        return (spans is not None and not doc.offers_only
                and spans == _canonical(list(zip(doc.parts[::2], doc.parts[1::2], strict=True))))


def _canonical(spans: list[tuple[int, int]]) -> tuple[int, ...]:
    """Byte ranges of the scratch file as (start, end, start, end, …), sorted and merged."""
    out: list[int] = []
    for offset, length in sorted(spans):
        if not length:
            continue
        if out and out[-1] == offset:
            out[-1] = offset + length
        else:
            out += (offset, offset + length)
    return tuple(out)


@dataclass
class _Planned:
    """A document of the batch: where its statements are in the scratch file, not them."""

    iri: str
    kind: str
    key: str
    source: str
    offers_only: bool = True  # no statement about the main resource itself
    parts: list[int] = field(default_factory=list)  # offset, length, offset, length, …
    triples: int = 0
    links: list[_Link] = field(default_factory=list)

    def take(self, part: list[int], links: list[_Link] | None) -> None:
        self.triples += part[0]
        self.parts += part[1:]
        if links:
            self.links += links


@dataclass
class _Plan:
    docs: dict[str, _Planned] = field(default_factory=dict)
    errors: list[DocumentReport] = field(default_factory=list)  # rejected inputs and duplicates


def _resolve(ix: _Index, splitter: Splitter, source: str) -> tuple[dict[str, _Planned], list[tuple[str, str]]]:
    """The documents of one source, and the errors of statements that belong to none."""
    errors: list[tuple[str, str]] = [(
        "Zagnieżdżone trójki (RDF-star) nie są obsługiwane.",
        "Quoted triples (RDF-star) are not supported.",
    )] * ix.quoted
    docs: dict[str, _Planned] = {}
    owner_of: dict[str, str] = {}
    for subject, part in ix.parts.items():
        if subject.startswith("_:"):
            continue
        parsed = splitter.parse_iri(subject)
        if parsed is None:
            errors.append((
                f"Trójki o zasobie <{subject}>, który nie należy do tego rejestru (adresy zasobów"
                f" zaczynają się od {splitter.prefix}).",
                f"Statements about <{subject}>, which is not a resource of this registry"
                f" (resource IRIs start with {splitter.prefix}).",
            ))
            continue
        kind, key = parsed
        main: str | None = subject
        if kind == "offer":
            entity = ix.offer_owner.get(subject)
            owner = splitter.parse_iri(entity) if entity is not None else None
            main = entity if owner is not None and owner[0] == "entity" else None
        if main is None:
            errors.append((
                f"Oferta <{subject}> nie wskazuje podmiotu (schema:offeredBy).",
                f"The offer <{subject}> does not name its entity (schema:offeredBy).",
            ))
            continue
        mkind, mkey = splitter.parse_iri(main)  # type: ignore[misc]
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
            doc = docs[main] = _Planned(iri=main, kind=mkind, key=mkey, source=source)
        doc.take(part, ix.links.get(subject))
        if subject == main and subject in ix.whole:
            doc.offers_only = False
        owner_of[subject] = main

    # Blank nodes go with the document of the subject that refers to them.
    resolved: dict[str, str | None] = {}

    def blank_owner(label: str, seen: frozenset = frozenset()) -> str | None:
        if label in resolved:
            return resolved[label]
        owners = set()
        for ref in ix.blank_refs.get(label, ()):
            if ref.startswith("_:"):
                if ref in seen:
                    continue
                owner = blank_owner(ref, seen | {label})
            else:
                owner = owner_of.get(ref)
            if owner is not None:
                owners.add(owner)
        result = owners.pop() if len(owners) == 1 else None
        resolved[label] = result
        return result

    for label, part in ix.parts.items():
        if not label.startswith("_:"):
            continue
        owner = blank_owner(label)
        if owner is None:
            errors.append((
                "Węzeł pusty (blank node), do którego nie odwołuje się dokładnie jeden dokument;"
                " użyj adresu z fragmentem (…#czesc).",
                "A blank node not referred to by exactly one document; use a fragment IRI"
                " (…#part) instead.",
            ))
            continue
        docs[owner].take(part, ix.links.get(label))
    return docs, errors


def _plan(inputs: Sequence[_Input], splitter: Splitter, scratch: IO[bytes],
          guess: _Speculation | None = None) -> _Plan:
    """Read the whole batch: its documents, one per IRI.

    The same resource twice in one batch is an error, except that offers for an entity (without
    the entity's own statements) join the entity's document.
    """
    plan = _Plan()
    duplicates: list[DocumentReport] = []
    for inp in inputs:
        docs, split_errors = _resolve(_read(inp, splitter.prefix, scratch, guess), splitter, inp.source.name)
        errors = inp.errors + split_errors
        if errors:
            plan.errors.append(DocumentReport(iri=inp.source.name, source=inp.source.name,
                                              status="rejected", errors=errors))
        for doc in docs.values():
            first = plan.docs.get(doc.iri)
            if first is None:
                plan.docs[doc.iri] = doc
            elif first.offers_only or doc.offers_only:
                first.offers_only = first.offers_only and doc.offers_only
                first.take([doc.triples, *doc.parts], doc.links)
            else:
                duplicates.append(DocumentReport(
                    iri=doc.iri, source=doc.source, status="rejected",
                    errors=[(f"<{doc.iri}> występuje w tej partii więcej niż raz ({first.source}, {doc.source}).",
                             f"<{doc.iri}> appears more than once in this batch ({first.source}, {doc.source}).")],
                ))
    plan.errors += duplicates
    return plan


def _assemble(doc: _Planned, scratch: IO[bytes]) -> bytes:
    """The N-Triples of a document, from its parts of the scratch file (in file order)."""
    spans = _canonical(list(zip(doc.parts[::2], doc.parts[1::2], strict=True)))
    pieces = []
    for start, end in zip(spans[::2], spans[1::2], strict=True):
        scratch.seek(start)
        pieces.append(scratch.read(end - start))
    return b"".join(pieces)


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
    documents_base: str | None = None,
) -> IngestReport:
    """Validate and store the documents of ``sources`` in one atomic write.

    By default a single rejected document rejects the whole batch (ValidationFailed, nothing
    written). With ``partial`` the valid documents are written and the rest reported. With
    ``dry_run`` nothing is written either way (validation only).

    ``documents_base`` is the base of the documents' IRIs when they are not this registry's (a
    harvest of another registry): their graphs are then named after that registry's document
    addresses, so they never meet local data; the provenance stays in this registry's graph.
    """
    base = documents_base or store.base
    splitter = Splitter(base)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    modified = ox.Literal(stamp.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(str(XSD.dateTime)))
    inputs = [_Input(source, base, max_bytes) for source in sources]
    validator = validator or Validator()
    stamp_tail = f"> <{_MODIFIED.value}> {modified} .\n".encode()
    run: _Run | None = None
    try:
        with store.scratch_file() as scratch, \
                ThreadPoolExecutor(max_workers=VALIDATION_THREADS, thread_name_prefix="validate") as pool:
            guess = _Speculation(splitter, pool, validator, stamp_tail, progress)
            plan = _plan(inputs, splitter, scratch, guess)
            run = _Run(store, splitter, plan, scratch, guess, pool, partial=partial, dry_run=dry_run,
                       validator=validator, progress=progress, modified=modified, stamp=stamp_tail)
            run.run()
        run.cascade()
        write = run.write
        report = IngestReport(documents=plan.errors + list(run.reports.values()), triples=run.triples)
        rejected = [r for r in report.documents if r.rejected]
        for r in rejected:
            r.status = "rejected"
        if rejected and not partial:
            for r in report.documents:
                if not r.rejected:
                    r.status = "pending"  # nothing is stored
            raise ValidationFailed(
                f"{len(rejected)} of {len(report.documents)} documents do not conform; nothing was stored.",
                report.documents,
            )
        graphs = write.names()
        if dry_run or not graphs:
            return report
        activity = f"{provenance_graph(store.base)}#ingest-{uuid.uuid4()}"
        write.marker = activity
        write.provenance, write.generated = _provenance(store.base, activity, sources, graphs, stamp, agent)
        report.version = store.commit(write)
        report.activity = activity
        return report
    finally:
        if run is not None:
            store.abandon(run.write)  # a write not committed leaves nothing behind


@dataclass
class _Staged:
    """A document gathered, checked and serialised, waiting for its validation results."""

    iri: str
    graph: str
    data: bytes  # N-Triples
    triples: int
    exists: bool
    same: bool  # as stored, but for dct:modified
    validate: bool
    results: list[Result] | None = None  # when validated while the input was read


class _Run:
    """Once the batch is read: each document put together, checked, and staged for the write.

    Documents not validated while the input was read (``_Speculation``) are validated here, in
    chunks, in the worker threads. In document order, each valid document goes into the write
    as soon as its results are in, and ``Store.spill`` moves the write to the journal's TriG file
    as it grows: only document IRIs, reports and the links between documents of the batch stay
    in memory.
    """

    def __init__(self, store: Store, splitter: Splitter, plan: _Plan, scratch: IO[bytes],
                 guess: _Speculation, pool: ThreadPoolExecutor, *, partial: bool, dry_run: bool,
                 validator: Validator, progress: Callable[[int], None] | None,
                 modified: ox.Literal, stamp: bytes):
        self.store = store
        self.splitter = splitter
        self.plan = plan
        self.scratch = scratch
        self.guess = guess
        self.pool = pool
        self.stamp = stamp
        self.partial = partial
        self.validator = validator
        self.progress = progress
        self.modified = modified
        self.reports = {iri: DocumentReport(iri=iri, source=d.source) for iri, d in plan.docs.items()}
        self.write = Write()
        # Once a batch cannot go in as a whole, nothing more is staged for writing.
        self.failed = bool(plan.errors) and not partial
        self.writing = not dry_run and not self.failed
        self.triples = 0
        self.written: dict[str, tuple[str, int]] = {}  # document -> (graph, triples) to write
        self.links: dict[str, list[str]] = {}  # document -> documents of this batch it links to
        self.known: dict[str, bool] = {}  # documents outside the batch -> in the store

    def run(self) -> None:
        self.validated = self.guess.results()
        pending: deque[tuple[Future | None, list[_Staged]]] = deque()
        chunk: list[_Staged] = []
        size = 0
        for doc in self.plan.docs.values():
            staged = self.stage(doc)
            chunk.append(staged)
            size += staged.triples
            if size >= CHUNK_TRIPLES:
                pending.append(self.submit(chunk))
                chunk, size = [], 0
                while len(pending) > VALIDATION_THREADS:
                    self.finish(*pending.popleft())
        if chunk:
            pending.append(self.submit(chunk))
        while pending:
            self.finish(*pending.popleft())

    def stage(self, planned: _Planned) -> _Staged:
        report = self.reports[planned.iri]
        data = _assemble(planned, self.scratch)
        triples, links = planned.triples, planned.links
        if planned.offers_only:
            doc = Document(iri=planned.iri, kind=planned.kind, key=planned.key, source=planned.source,
                           triples=list(ox.parse(data, ox.RdfFormat.N_TRIPLES)), offers_only=True)
            _merge_offers_into_stored(self.store, doc, report, self.splitter.base)
            _stamp_modified(doc, self.modified)
            data = ox.serialize(doc.triples, format=ox.RdfFormat.N_TRIPLES) or b""
            triples, links = len(doc.triples), _links_of(doc.triples)
        else:
            # The main resource's own dct:modified was left out when the input was read.
            data += b"<" + planned.iri.encode() + self.stamp
            triples += 1
        validate = not report.rejected
        self.check_links(planned.iri, links, report)
        g = graph_iri(self.splitter.base, planned.kind, planned.key)
        results = self.validated.get(g, []) if validate and self.guess.validated(planned) else None
        exists = same = False
        if not self.failed:
            exists = self.store.has_graph(g)
            same = exists and _same_content(self.store.quads(g), list(ox.parse(data, ox.RdfFormat.N_TRIPLES)))
        return _Staged(planned.iri, g, data, triples, exists, same, validate, results)

    def submit(self, chunk: list[_Staged]) -> tuple[Future | None, list[_Staged]]:
        trig = b"".join(trig_block(s.graph, s.data) for s in chunk if s.validate and s.results is None)
        return (self.pool.submit(self.validator.validate_graphs, trig) if trig else None), chunk

    def finish(self, future: Future | None, chunk: list[_Staged]) -> None:
        if future is not None:
            by_graph = {s.graph: s for s in chunk if s.results is None}
            for graph, result in future.result():
                staged = by_graph.get(graph)
                if staged is not None:
                    self.reports[staged.iri].results.append(result)
        for staged in chunk:
            if staged.results:
                self.reports[staged.iri].results += staged.results
            self.settle(staged)
        if self.progress:
            self.progress(sum(1 for s in chunk if s.results is None))  # the others were counted

    def settle(self, staged: _Staged) -> None:
        report = self.reports[staged.iri]
        if report.rejected:
            report.status = "rejected"
            if not self.partial and not self.failed:
                self.failed, self.writing = True, False
                self.store.abandon(self.write)
                self.write = Write()
        elif staged.same:
            report.status = "unchanged"
        else:
            report.status = "replaced" if staged.exists else "created"
            self.written[staged.iri] = (staged.graph, staged.triples)
            self.triples += staged.triples
            if self.writing:
                self.write.put_ntriples(staged.graph, staged.data)
                self.store.spill(self.write)

    def check_links(self, iri: str, statements: list[_Link], report: DocumentReport) -> None:
        """Links to other documents must point to existing resources of the right kind."""
        splitter, in_batch = self.splitter, self.plan.docs
        links: list[str] = []
        for subject, predicate, target in statements:
            if predicate == _OFFERED_BY.value:
                if subject is not None and target != iri and "#" not in subject:
                    report.errors.append((
                        f"Oferta <{subject}> należy do innego podmiotu niż dokument <{iri}>.",
                        f"The offer <{subject}> belongs to another entity than the document <{iri}>.",
                    ))
                continue
            kinds = REFERENCES[predicate]
            parsed = splitter.parse_iri(target)
            if parsed is None or parsed[0] not in kinds or "#" in target:
                report.errors.append((
                    f"{_short(predicate)} wskazuje <{target}>, a powinien wskazywać zasób rodzaju: {', '.join(kinds)}.",
                    f"{_short(predicate)} points to <{target}>, which should be a resource of kind: {', '.join(kinds)}.",
                ))
                continue
            if target in in_batch:
                links.append(target)
                continue
            known = self.known.get(target)
            if known is None:
                known = self.known[target] = self.store.has_graph(graph_iri(self.splitter.base, *parsed))
            if not known:
                report.errors.append((
                    f"{_short(predicate)} wskazuje <{target}>, którego nie ma w rejestrze.",
                    f"{_short(predicate)} points to <{target}>, which is not in the registry.",
                ))
        if links:
            self.links[iri] = links

    def cascade(self) -> None:
        """A document that links to a rejected one (not in the store) cannot go in either."""
        changed = True
        while changed:
            changed = False
            rejected = {iri for iri, r in self.reports.items() if r.rejected}
            if not rejected:
                return
            for iri, targets in self.links.items():
                report = self.reports[iri]
                if report.rejected:
                    continue
                for target in targets:
                    if target not in rejected:
                        continue
                    parsed = self.splitter.parse_iri(target)
                    if parsed and self.store.has_graph(graph_iri(self.splitter.base, *parsed)):
                        continue
                    report.errors.append((
                        f"Wskazuje <{target}>, który został odrzucony.",
                        f"Points to <{target}>, which was rejected.",
                    ))
                    report.status = "rejected"
                    graph, triples = self.written.pop(iri, (None, 0))
                    if graph is not None:
                        self.triples -= triples
                        self.write.drop(graph)
                    changed = True
                    break


def _merge_offers_into_stored(store: Store, doc: Document, report: DocumentReport, base: str) -> None:
    """Offers whose entity is not in the input join the entity's stored document."""
    g = doc.graph(base)
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
    if a == b:
        return True
    # The store keeps literals in canonical form ("25.0"^^xsd:decimal is stored as "25"): compare
    # the new statements as the store would keep them.
    canonical = ox.Store()
    canonical.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return a == {key(q.subject, q.predicate, q.object) for q in canonical}


def _links_of(triples: Iterable[ox.Triple | ox.Quad]) -> list[_Link]:
    """The link statements among these, as kept for the reference checks."""
    return [
        (t.subject.value if isinstance(t.subject, ox.NamedNode) else None, t.predicate.value, t.object.value)
        for t in triples
        if t.predicate.value in _LINKS and isinstance(t.object, ox.NamedNode)
    ]


def _short(iri: str) -> str:
    for prefix, ns in (("pes:", str(PES)), ("dct:", str(DCT)), ("org:", str(ORG)), ("schema:", str(SCHEMA))):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _provenance(base: str, activity: str, sources: Sequence[Source], graphs: Iterable[str],
                stamp: dt.datetime, agent: str | None) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The record of one write: the activity and its sources; the graphs it generated."""
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
        q += [ox.Quad(s, ox.NamedNode(str(DCT.title)), ox.Literal(text, language=lang) if lang else ox.Literal(text), g)
              for lang, text in sorted(source.titles.items())]
    generated = []
    prov_generated, was_generated_by = ox.NamedNode(str(PROV.generated)), ox.NamedNode(str(PROV.wasGeneratedBy))
    for graph in graphs:
        gn = ox.NamedNode(graph)
        generated.append(ox.Quad(a, prov_generated, gn, g))
        generated.append(ox.Quad(gn, was_generated_by, a, g))
    return q, generated


def publisher_iri(base: str, key: str) -> str:
    """IRI of the organisation recorded as responsible for writes."""
    return resource_iri(base, "unit", key)


def withdraw(store: Store, resources: Sequence[tuple[str, str]], *, agent: str | None = None,
             reason: str | None = None, now: dt.datetime | None = None) -> int:
    """Withdraw documents (``(kind, key)`` of entities, opportunities, actions, programmes or
    units) in one atomic write: their graphs are removed and the provenance graph records the
    withdrawal (``prov:invalidated``), so the change feed lists them. A document that others
    still link to is not withdrawn (``UsageError`` naming them); nothing is then changed.
    Returns the new store version."""
    base = store.base
    graphs = []
    for kind, key in resources:
        if kind not in DOCUMENT_KINDS or not valid_key(key):
            raise UsageError(f"{kind}/{key}: not a document of this registry")
        graph = graph_iri(base, kind, key)
        if not store.has_graph(graph):
            raise UsageError(f"{kind}/{key}: no such document")
        graphs.append(graph)
    leaving = set(graphs)
    linked = []
    for kind, key in resources:
        iri = ox.NamedNode(resource_iri(base, kind, key))
        for q in store.raw.quads_for_pattern(None, None, iri, None):
            g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            # documents only: the registry's own graphs ({BASE}/graph/…: provenance, catalogue,
            # links) follow the data
            if g.startswith(base + "/") and g not in leaving and not g.startswith(base + "/graph/"):
                linked.append(f"{g[len(base) + 1:]} → {kind}/{key}")
    if linked:
        raise UsageError("still linked from other documents: " + ", ".join(sorted(set(linked))[:10]))
    version = record_withdrawal(store, graphs, agent=agent, reason=reason, now=now)
    from . import links

    if store.has_graph(links.links_graph(base)):  # links to a withdrawn entity go with it
        links.update(store)
        version = store.version()
    return version


def record_withdrawal(store: Store, graphs: Sequence[str], *, agent: str | None = None,
                      reason: str | None = None, now: dt.datetime | None = None) -> int:
    """Remove whole graphs in one write that the provenance graph records as a withdrawal
    (``pes:Withdrawal``, ``prov:invalidated``); returns the new store version. No checks: see
    ``withdraw``."""
    base = store.base
    stamp = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    activity = f"{provenance_graph(base)}#withdrawal-{uuid.uuid4()}"
    g = ox.NamedNode(provenance_graph(base))
    a = ox.NamedNode(activity)
    when = ox.Literal(stamp.isoformat().replace("+00:00", "Z"), datatype=ox.NamedNode(str(XSD.dateTime)))
    write = Write(removed=set(graphs))
    write.marker = activity
    write.provenance = [
        ox.Quad(a, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PROV.Activity)), g),
        ox.Quad(a, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PES.Withdrawal)), g),
        ox.Quad(a, ox.NamedNode(str(PROV.startedAtTime)), when, g),
        ox.Quad(a, ox.NamedNode(str(PROV.endedAtTime)), when, g),
    ]
    if agent:
        write.provenance.append(ox.Quad(a, ox.NamedNode(str(PROV.wasAssociatedWith)), ox.NamedNode(agent), g))
    if reason:
        write.provenance.append(ox.Quad(a, ox.NamedNode(str(DCT.description)), ox.Literal(reason), g))
    for graph in graphs:
        gn = ox.NamedNode(graph)
        write.generated += [ox.Quad(a, ox.NamedNode(str(PROV.invalidated)), gn, g),
                            ox.Quad(gn, ox.NamedNode(str(PROV.wasInvalidatedBy)), a, g)]
    return store.commit(write)
