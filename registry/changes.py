"""The change feed: which documents were created, changed or withdrawn, and when.

Every write records itself in the provenance graph (``registry.ingest``): an activity with its
end time, ``prov:generated`` for each document graph it wrote and ``prov:invalidated`` for each
it withdrew. The feed reads those records, so it needs no state of its own: a document's first
generation (or its first after a withdrawal) is "created", a later one "changed".

The events are gathered once per store version (one pass over the provenance graph's
``prov:generated``/``prov:invalidated`` statements) and kept in memory, newest first.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import DOCUMENT_KINDS
from .store import Store, provenance_graph

PROV = "http://www.w3.org/ns/prov#"
GENERATED = ox.NamedNode(PROV + "generated")
INVALIDATED = ox.NamedNode(PROV + "invalidated")
ENDED = ox.NamedNode(PROV + "endedAtTime")
WAS_GENERATED_BY = ox.NamedNode(PROV + "wasGeneratedBy")
WAS_INVALIDATED_BY = ox.NamedNode(PROV + "wasInvalidatedBy")


@dataclass(frozen=True)
class Change:
    time: str  # xsd:dateTime, UTC ("Z")
    kind: str  # created, changed, withdrawn
    graph: str  # the document's address ({BASE}/{kind}/{key})
    resource: str  # the resource's IRI ({BASE}/id/{kind}/{key})
    activity: str


class ChangeLog:
    """The events of one store, newest first, refreshed when the store's version changes."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._version = -1
        self._events: list[Change] = []
        self._times: list[str] = []  # the events' times negated for bisect (newest first)

    def events(self) -> list[Change]:
        version = self.store.version()
        if version != self._version:
            with self._lock:
                if version != self._version:
                    self._events = _read(self.store)
                    self._times = [_negate(e.time) for e in self._events]
                    self._version = version
        return self._events

    def since(self, moment: str | None) -> list[Change]:
        """Events strictly after ``moment`` (an xsd:dateTime in UTC), newest first."""
        events = self.events()
        if not moment:
            return events
        end = bisect.bisect_left(self._times, _negate(moment))
        return events[:end]


def _negate(time: str) -> str:
    """A key that sorts times newest first (for bisect over a newest-first list)."""
    return "".join(chr(0x10FFFF - ord(c)) if c.isdigit() else c for c in time)


def _read(store: Store) -> list[Change]:
    base = store.base
    prov = ox.NamedNode(provenance_graph(base))
    ended: dict[str, str] = {}

    def end_of(activity: ox.NamedNode) -> str:
        value = ended.get(activity.value)
        if value is None:
            value = next((q.object.value for q in store.raw.quads_for_pattern(activity, ENDED, None, prov)), "")
            ended[activity.value] = value = _utc(value)
        return value

    raw: list[tuple[str, str, str, str]] = []  # (time, activity, graph, generated|withdrawn)
    for predicate, what in ((GENERATED, "generated"), (INVALIDATED, "withdrawn")):
        for q in store.raw.quads_for_pattern(None, predicate, None, prov):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                if _resource(base, q.object.value) is None:
                    continue
                raw.append((end_of(q.subject), q.subject.value, q.object.value, what))
    raw.sort()  # oldest first: decide created or changed in order
    present: set[str] = set()
    events = []
    for time, activity, graph, what in raw:
        if what == "withdrawn":
            present.discard(graph)
            kind = "withdrawn"
        else:
            kind = "changed" if graph in present else "created"
            present.add(graph)
        events.append(Change(time, kind, graph, _resource(base, graph), activity))
    events.reverse()
    return events


def _resource(base: str, graph: str) -> str | None:
    prefix = base + "/"
    if not graph.startswith(prefix):
        return None
    kind, _, key = graph[len(prefix):].partition("/")
    if kind not in DOCUMENT_KINDS or not key or "/" in key:
        return None
    return f"{base}/id/{kind}/{key}"


def _utc(value: str) -> str:
    """An xsd:dateTime in UTC with "Z" (times without a zone are taken as UTC)."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_moment(text: str) -> str:
    """A user's date or date-time as an xsd:dateTime in UTC; ValueError when it is neither."""
    text = text.strip()
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return f"{day.isoformat()}T00:00:00Z"
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def last_modified(store: Store, graph: str) -> str | None:
    """When a document was last written (the end of the newest activity that generated it)."""
    prov = ox.NamedNode(provenance_graph(store.base))
    newest = None
    for q in store.raw.quads_for_pattern(ox.NamedNode(graph), WAS_GENERATED_BY, None, prov):
        if isinstance(q.object, ox.NamedNode):
            for e in store.raw.quads_for_pattern(q.object, ENDED, None, prov):
                moment = _utc(e.object.value)
                if newest is None or moment > newest:
                    newest = moment
    return newest
