"""The query service behind ``/sparql`` and ``/api/queries``: checks, snapshots, worker pool.

Everything that runs untrusted SPARQL goes through ``QueryService.start``: it refuses updates and
``SERVICE`` targets off the allowlist before anything runs, chooses the dataset (union default
graph unless the request or the query names one), and runs the query in a killable worker over a
snapshot, under the time limit and the result-size cap.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from .config import Settings
from .namespaces import PREFIXES, VOCAB_BASE
from .querypool import Answer, Job, QueryFailed, QueryPool

__all__ = ["QueryFailed", "QueryService", "Request", "Running"]
from .snapshots import Snapshots
from .sparqltext import Analysis, analyse
from .store import Store

# Prefixes written into Turtle, TriG and RDF/XML answers.
OUTPUT_PREFIXES = {name: str(ns) for name, ns in PREFIXES.items() if name != "sh"}
OUTPUT_PREFIXES["vocab"] = VOCAB_BASE


@dataclass(frozen=True)
class Request:
    """A query and its dataset, as the protocol gives them."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    substitutions: tuple[tuple[str, str], ...] = ()

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


class Running:
    """A started query: its answer's chunks, and the snapshot it holds until closed."""

    def __init__(self, answer: Answer, release):
        self.answer = answer
        self._release = release

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.answer.chunks()
        finally:
            self.close()

    def close(self) -> None:
        self.answer.close()
        if self._release is not None:
            self._release()
            self._release = None


class QueryService:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.allowlist = settings.service_allowlist
        self._lock = threading.Lock()
        self._snapshots: Snapshots | None = None
        self.pool = QueryPool(
            settings.sparql_workers,
            isolate_network=not self.allowlist,
            memory_limit=settings.sparql_worker_memory,
        )

    @property
    def snapshots(self) -> Snapshots:
        with self._lock:
            if self._snapshots is None:
                self._snapshots = Snapshots(self.store)
            return self._snapshots

    def check(self, text: str) -> Analysis:
        """Refuse what must never run: updates and SERVICE calls off the allowlist (QueryFailed)."""
        analysis = analyse(text)
        if analysis.update:
            raise QueryFailed(403, "This endpoint is read-only: SPARQL Update is not accepted here.")
        refused = analysis.refused_services(self.allowlist)
        if refused:
            call = refused[0]
            why = call.reason or f"{call.iri} is not on this endpoint's SERVICE allowlist"
            raise QueryFailed(403, f"SERVICE {call.written} refused: {why}.")
        return analysis

    def state(self) -> tuple[int, str]:
        """Current snapshot (version, path), held: call ``snapshots.release(path)`` when done."""
        return self.snapshots.acquire()

    @staticmethod
    def etag(snapshot: str, request: Request, fmt: str) -> str:
        digest = hashlib.sha256(
            "\0".join([
                snapshot.rsplit("/", 1)[-1], request.query, "\1".join(request.default_graphs),
                "\1".join(request.named_graphs), repr(request.substitutions), fmt,
            ]).encode()
        ).hexdigest()[:32]
        return f'"{digest}"'

    def start(self, request: Request, fmt: str, snapshot: str, *, analysis: Analysis | None = None) -> Running:
        """Run a checked query on a held snapshot; the snapshot is released when it ends."""
        try:
            analysis = analysis or self.check(request.query)
        except BaseException:
            self.snapshots.release(snapshot)
            raise
        job = Job(
            query=request.query,
            format=fmt,
            union=not (request.names_dataset or analysis.names_dataset),
            default_graphs=list(request.default_graphs) if request.names_dataset else None,
            named_graphs=list(request.named_graphs) if request.names_dataset else None,
            substitutions=dict(request.substitutions) or None,
            prefixes=OUTPUT_PREFIXES if fmt in ("ttl", "trig", "rdf") else {},
            max_bytes=self.settings.sparql_max_result_bytes,
            base_iri=f"{self.settings.base}/sparql",
        )
        try:
            answer = self.pool.run(snapshot, job, self.settings.sparql_timeout)
        except BaseException:
            self.snapshots.release(snapshot)
            raise
        return Running(answer, lambda: self.snapshots.release(snapshot))

    def run(self, request: Request, fmt: str) -> bytes:
        """Run a query to the end and return its whole answer (for small answers and tests)."""
        _, snapshot = self.state()
        return b"".join(self.start(request, fmt, snapshot).chunks())

    def close(self) -> None:
        self.pool.close()
        with self._lock:
            if self._snapshots is not None:
                self._snapshots.close()
                self._snapshots = None
