"""The history of documents: every replaced or withdrawn document is kept as a version.

The store holds only the current content of each document; old versions must not show up in
SPARQL (whose default graph is the union of all named graphs), so they are kept beside the store,
in SQLite (``{data}/history/history.sqlite``; a temporary file for an in-memory store).

``Store.commit`` calls :meth:`History.record` before it applies a write. For each document graph
of this registry (``{BASE}/{kind}/{key}``) that the write replaces or removes and that exists,
one row keeps the graph's content (zlib-compressed N-Triples), the activity that generated it,
when and for which organisation (from the provenance graph), and the activity of the write that
replaces it (the write's ``marker``). New graphs cost one lookup each, so a first bulk load pays
almost nothing. A row is written before its write is applied: if the write then fails or the
process dies, the row's activity never reaches the provenance graph. Rows are shown only when
their activity is there, and rows of writes that never completed are deleted when the history
is opened.

A document's versions are its kept contents, oldest first, each followed by an empty "version"
when a withdrawal removed it, then the current content from the store. A version's number is its
place in that order (1 is the oldest known), so numbers never change as new versions come.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .changes import ENDED, WAS_GENERATED_BY, WAS_INVALIDATED_BY, _utc
from .namespaces import DCT, DOCUMENT_KINDS, PROV, RDF
from .store import Store, graph_iri, provenance_graph, resource_iri, valid_key

FILE = "history.sqlite"
READERS = min(4, os.cpu_count() or 1)  # threads reading old content in a bulk write
_ASSOCIATED = ox.NamedNode(str(PROV.wasAssociatedWith))
_DESCRIPTION = ox.NamedNode(str(DCT.description))
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_ACTIVITY = ox.NamedNode(str(PROV.Activity))
LABELS = ("https://schema.org/name", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2000/01/rdf-schema#label")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    graph TEXT NOT NULL,            -- the document's graph, {BASE}/{kind}/{key}
    content BLOB NOT NULL,          -- its N-Triples before the write, zlib-compressed
    triples INTEGER NOT NULL,
    generated_by TEXT,              -- the activity that wrote that content (None: not known)
    generated_at TEXT,              -- when that activity ended (xsd:dateTime, UTC)
    organisation TEXT,              -- prov:wasAssociatedWith of that activity
    replaced_by TEXT NOT NULL,      -- the activity of the write that replaced or removed it
    removed INTEGER NOT NULL,       -- 1 when that write removed the graph (a withdrawal)
    store_version INTEGER NOT NULL  -- the store version that write made
);
CREATE INDEX IF NOT EXISTS versions_by_graph ON versions (graph, id);
CREATE INDEX IF NOT EXISTS versions_by_activity ON versions (replaced_by);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS restores (
    activity TEXT PRIMARY KEY,      -- the write that restored a version
    graph TEXT NOT NULL,
    number INTEGER NOT NULL         -- the number of the version it restored
);
"""


@dataclass(frozen=True)
class Version:
    """One version of a document. ``kind`` is the kind of activity that made it: ``ingest`` (a
    load or an edit), ``withdrawal`` (the document removed: no content) or ``restore``."""

    number: int
    time: str | None
    activity: str | None
    kind: str
    organisation: str | None
    organisation_label: str | None
    current: bool = False
    restored_from: int | None = None
    reason: str | None = None  # of a withdrawal, when recorded
    _content: Callable[[], bytes] = field(default=lambda: b"", repr=False, compare=False)

    @property
    def withdrawn(self) -> bool:
        return self.kind == "withdrawal"

    def ntriples(self) -> bytes:
        """The document's statements as N-Triples (empty for a withdrawal)."""
        return self._content()

    def triples(self) -> list[ox.Triple]:
        data = self.ntriples()
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)] if data else []


@dataclass(frozen=True)
class Diff:
    added: list[ox.Triple]
    removed: list[ox.Triple]


@dataclass(frozen=True)
class Withdrawal:
    """What a tombstone shows: the document's last label, and when, by which organisation and
    why it was withdrawn."""

    label: str | None
    time: str | None
    organisation: str | None
    organisation_label: str | None
    reason: str | None
    activity: str


class History:
    """The versions of one store's documents. Thread-safe: a connection per call."""

    def __init__(self, store: Store, path: Path | None = None):
        # The store holds the history (its recorder); the history does not keep the store alive,
        # so a store let go of is closed (its lock released) as before.
        self.store = weakref.proxy(store)
        self._tmp = None
        if path is None:
            if store.path is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="pes-history-")
                path = Path(self._tmp.name) / FILE
            else:
                path = history_file(store.path)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            with db:
                db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('base', ?)", (store.base,))
            # Opened with another base (a mistaken --base), the provenance graph looked at is not
            # the one the rows belong to: then nothing is cleaned up.
            self._own_base = db.execute("SELECT value FROM meta WHERE key = 'base'").fetchone()[0] == store.base
        self._prov = ox.NamedNode(provenance_graph(store.base))
        self._lock = threading.Lock()
        self._activities: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.clean()

    @classmethod
    def attach(cls, store: Store) -> History:
        """The history of a store, recording its writes from now on (one per store)."""
        for recorder in store.recorders:
            owner = getattr(recorder, "__self__", None)
            if isinstance(owner, cls):
                return owner
        history = cls(store)
        store.recorders.append(history.record)
        return history

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        # A row must be on disk before the write it belongs to is applied.
        db.execute("PRAGMA synchronous=FULL")
        return db

    def close(self) -> None:
        try:
            self.store.recorders.remove(self.record)
        except (ValueError, ReferenceError):  # not attached, or the store is gone
            pass
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    # -- recording ----------------------------------------------------------------------------

    def record(self, write, new_version: int) -> None:
        """Keep the content of the documents a write is about to replace or remove (the store's
        recorder: called before the write is applied)."""
        if write.marker is None:  # writes without an activity (system graphs) are not versioned
            return
        written = set(write.names())
        removed = set(write.removed) - written
        touched = [g for g in (*written, *removed) if self.document(g)]
        raw = self.store.raw
        existing = [g for g in touched if raw.contains_named_graph(ox.NamedNode(g))]  # new ones: nothing to keep

        def read(graph: str) -> tuple[bytes, int]:
            content = raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
            return zlib.compress(content, 1), content.count(b"\n")

        if len(existing) >= 64:  # a bulk write: Oxigraph and zlib read and pack in parallel
            with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="history") as pool:
                contents = list(pool.map(read, existing, chunksize=16))
        else:
            contents = [read(g) for g in existing]
        kept = self._kept(existing)
        rows = []
        for graph, (packed, triples) in zip(existing, contents, strict=True):
            activity, time, organisation = self._generator(graph, kept.get(graph, set()))
            rows.append((graph, packed, triples, activity, time, organisation, write.marker,
                         int(graph in removed), new_version))
        if not rows:
            return
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO versions (graph, content, triples, generated_by, generated_at, organisation,"
                " replaced_by, removed, store_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def note_restore(self, activity: str, kind: str, key: str, number: int) -> None:
        """Record that a write (its activity) restored version ``number`` of a document."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO restores (activity, graph, number) VALUES (?, ?, ?)",
                       (activity, graph_iri(self.store.base, kind, key), number))

    def clean(self) -> int:
        """Delete the rows of writes that never completed (their activity is not in the
        provenance graph); returns how many. Call only while no write is under way."""
        if not self._own_base:
            return 0
        with self._lock, closing(self._connect()) as db, db:
            activities = {a for (a,) in db.execute("SELECT DISTINCT replaced_by FROM versions")}
            activities |= {a for (a,) in db.execute("SELECT activity FROM restores")}
            lost = [a for a in activities if not self._recorded(a)]
            count = 0
            for a in lost:
                count += db.execute("DELETE FROM versions WHERE replaced_by = ?", (a,)).rowcount
                db.execute("DELETE FROM restores WHERE activity = ?", (a,))
        return count

    # -- reading ------------------------------------------------------------------------------

    def document(self, graph: str) -> bool:
        """True for the graph of a document of this registry (not a system graph, not a document
        harvested from another registry)."""
        prefix = self.store.base + "/"
        if not graph.startswith(prefix):
            return False
        kind, _, key = graph[len(prefix):].partition("/")
        return kind in DOCUMENT_KINDS and valid_key(key)

    def versions(self, kind: str, key: str, lang: str = "pl") -> list[Version]:
        """The versions of a document, newest first (the current one first when it exists)."""
        if kind not in DOCUMENT_KINDS or not valid_key(key):
            return []
        graph = graph_iri(self.store.base, kind, key)
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT id, generated_by, generated_at, organisation, replaced_by, removed FROM versions"
                " WHERE graph = ? ORDER BY id", (graph,)).fetchall()
            restores = dict(db.execute("SELECT activity, number FROM restores WHERE graph = ?", (graph,)))
        known: dict[str, bool] = {}

        def recorded(activity: str) -> bool:
            if activity not in known:
                known[activity] = self._recorded(activity)
            return known[activity]

        rows = [r for r in rows if recorded(r[4])]
        restores = {a: n for a, n in restores.items() if recorded(a)}
        out: list[Version] = []

        def add(activity, time, organisation, content, *, kind="ingest", current=False, reason=None):
            if kind == "ingest" and activity in restores:
                kind = "restore"
            out.append(Version(
                number=len(out) + 1, time=time, activity=activity, kind=kind, organisation=organisation,
                organisation_label=self.label(organisation, lang) if organisation else None,
                current=current, restored_from=restores.get(activity) if kind == "restore" else None,
                reason=reason, _content=content))

        for row_id, generated_by, generated_at, organisation, replaced_by, removed in rows:
            add(generated_by, generated_at, organisation, self._loader(row_id))
            if removed:
                time, organisation, reason = self._activity(replaced_by)
                add(replaced_by, time, organisation, lambda: b"", kind="withdrawal", reason=reason)
        node = ox.NamedNode(graph)
        if self.store.raw.contains_named_graph(node):
            activity, time, organisation = self._generator(graph, {r[1] for r in rows if r[1]})
            content = self.store.raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
            add(activity, time, organisation, lambda: content, current=True)
        out.reverse()
        return out

    def version(self, kind: str, key: str, number: int, lang: str = "pl") -> Version | None:
        for v in self.versions(kind, key, lang):
            if v.number == number:
                return v
        return None

    @staticmethod
    def diff(older: Version | Iterable[ox.Triple] | None, newer: Version | Iterable[ox.Triple] | None) -> Diff:
        """The statements ``newer`` adds to ``older`` and those it removes (sorted). Blank nodes
        are compared by their descriptions, not by their labels."""
        old, new = _statements(older), _statements(newer)
        return Diff(added=sorted(new - old, key=_sort_key), removed=sorted(old - new, key=_sort_key))

    def withdrawal(self, kind: str, key: str, lang: str = "pl") -> Withdrawal | None:
        """How a withdrawn document went (None when it exists or was never withdrawn)."""
        if kind not in DOCUMENT_KINDS or not valid_key(key):
            return None
        graph = ox.NamedNode(graph_iri(self.store.base, kind, key))
        if self.store.raw.contains_named_graph(graph):
            return None
        best = None
        for q in self.store.raw.quads_for_pattern(graph, WAS_INVALIDATED_BY, None, self._prov):
            if isinstance(q.object, ox.NamedNode):
                time, organisation, reason = self._activity(q.object.value)
                if best is None or (time or "") > (best[1] or ""):
                    best = (q.object.value, time, organisation, reason)
        if best is None:
            return None
        activity, time, organisation, reason = best
        label = None
        with closing(self._connect()) as db:
            row = db.execute("SELECT content FROM versions WHERE graph = ? AND replaced_by = ?"
                             " ORDER BY id DESC LIMIT 1", (graph.value, activity)).fetchone()
        if row is not None:
            iri = resource_iri(self.store.base, kind, key)
            label = _best_label(
                (t for t in ox.parse(zlib.decompress(row[0]), ox.RdfFormat.N_TRIPLES) if t.subject.value == iri),
                lang)
        return Withdrawal(label=label, time=time, organisation=organisation,
                          organisation_label=self.label(organisation, lang) if organisation else None,
                          reason=reason, activity=activity)

    def label(self, iri: str, lang: str = "pl") -> str | None:
        """The name of a resource (an organisation) in the store, in ``lang`` if it has one."""
        node = ox.NamedNode(iri)
        return _best_label((ox.Triple(q.subject, q.predicate, q.object) for p in LABELS
                            for q in self.store.raw.quads_for_pattern(node, ox.NamedNode(p), None, None)), lang)

    def counts(self) -> dict[str, int]:
        with closing(self._connect()) as db:
            return {"versions": db.execute("SELECT COUNT(*) FROM versions").fetchone()[0],
                    "restores": db.execute("SELECT COUNT(*) FROM restores").fetchone()[0]}

    # -- helpers ------------------------------------------------------------------------------

    def _kept(self, graphs: list[str]) -> dict[str, set[str]]:
        """For each graph, the activities whose content of it the history has kept (rows of
        completed writes)."""
        out: dict[str, set[str]] = {}
        recorded: dict[str, bool] = {}
        with closing(self._connect()) as db:
            for i in range(0, len(graphs), 500):
                chunk = graphs[i:i + 500]
                for graph, generated_by, replaced_by in db.execute(
                        "SELECT graph, generated_by, replaced_by FROM versions WHERE graph IN"
                        f" ({','.join('?' * len(chunk))})", chunk):
                    if replaced_by not in recorded:
                        recorded[replaced_by] = self._recorded(replaced_by)
                    if generated_by and recorded[replaced_by]:
                        out.setdefault(graph, set()).add(generated_by)
        return out

    def _loader(self, row_id: int) -> Callable[[], bytes]:
        def load() -> bytes:
            with closing(self._connect()) as db:
                row = db.execute("SELECT content FROM versions WHERE id = ?", (row_id,)).fetchone()
            return zlib.decompress(row[0]) if row else b""
        return load

    def _recorded(self, activity: str) -> bool:
        """True when the activity is in the provenance graph (its write completed)."""
        return any(True for _ in self.store.raw.quads_for_pattern(
            ox.NamedNode(activity), _RDF_TYPE, _ACTIVITY, self._prov))

    def _objects(self, subject: ox.NamedNode, predicate: ox.NamedNode) -> list:
        return [q.object for q in self.store.raw.quads_for_pattern(subject, predicate, None, self._prov)]

    def _activity(self, activity: str) -> tuple[str | None, str | None, str | None]:
        """(end time, organisation, description) of a recorded activity (they never change, so
        they are remembered: a bulk write's graphs mostly share the activity that made them)."""
        found = self._activities.get(activity)
        if found is None:
            node = ox.NamedNode(activity)
            ended = self._objects(node, ENDED)
            agents = [o.value for o in self._objects(node, _ASSOCIATED) if isinstance(o, ox.NamedNode)]
            reasons = [o.value for o in self._objects(node, _DESCRIPTION) if isinstance(o, ox.Literal)]
            found = (_utc(ended[0].value) if ended else None, agents[0] if agents else None,
                     reasons[0] if reasons else None)
            if len(self._activities) > 10_000:
                self._activities.clear()
            self._activities[activity] = found
        return found

    def _generator(self, graph: str, superseded: set[str] | None = None) -> tuple[str | None, str | None, str | None]:
        """(activity, time, organisation) of the write that made a graph's current content.

        Of the activities that generated the graph, those whose content the history has kept
        since (``superseded``: the ``generated_by`` of its completed rows) are past; the newest
        of the others is the one (times have seconds only, so two writes of one second are told
        apart this way)."""
        candidates = []
        for q in self.store.raw.quads_for_pattern(ox.NamedNode(graph), WAS_GENERATED_BY, None, self._prov):
            if isinstance(q.object, ox.NamedNode):
                candidates.append((self._activity(q.object.value)[0] or "", q.object.value))
        if not candidates:
            return None, None, None
        if len(candidates) > 1:
            if superseded is None:
                superseded = self._kept([graph]).get(graph, set())
            candidates = [c for c in candidates if c[1] not in superseded] or candidates
        activity = max(candidates)[1]
        time, organisation, _ = self._activity(activity)
        return activity, time, organisation


def history_file(data_dir: Path) -> Path:
    """Where the history of the store in ``data_dir`` is kept."""
    return Path(data_dir) / "history" / FILE


def _statements(version) -> set[ox.Triple]:
    if version is None:
        return set()
    triples = version.triples() if isinstance(version, Version) else list(version)
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return {ox.Triple(q.subject, q.predicate, q.object) for q in dataset}
    return set(triples)


def _sort_key(t: ox.Triple) -> tuple[str, str, str]:
    return (t.subject.value if not isinstance(t.subject, ox.BlankNode) else "~" + str(t.subject),
            t.predicate.value, str(t.object))


def _best_label(triples: Iterable[ox.Triple], lang: str) -> str | None:
    best: tuple[int, str] | None = None
    for t in triples:
        if t.predicate.value not in LABELS or not isinstance(t.object, ox.Literal):
            continue
        tag = t.object.language
        rank = LABELS.index(t.predicate.value) * 3 + (0 if tag == lang else 1 if tag in (None, "pl") else 2)
        if best is None or (rank, t.object.value) < best:
            best = (rank, t.object.value)
    return best[1] if best else None

