"""A pool of killable SPARQL query workers, each reading a snapshot of the store.

pyoxigraph can neither cancel a query nor bound its time, and an on-disk store has one writer
process. So queries from the public endpoint run in child processes (``registry.queryworker``)
that open a read-only *snapshot* of the store (``registry.snapshots``); the serving process
waits for each answer with a deadline and, when it passes, kills the worker and starts another.
Other clients keep being answered by the other workers meanwhile.

``QueryPool.run`` returns a ``Answer``: the first frame is awaited before it returns, so errors
that happen before any result (syntax, time limit, size cap) become proper HTTP statuses; the
rest streams.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from .queryworker import _HEADER, CHUNK, write_frame

log = logging.getLogger(__name__)


class QueryFailed(Exception):
    """A query ended without an answer; ``status`` is the HTTP status to give."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Job:
    query: str
    format: str  # json, xml, csv, tsv (solutions, booleans) or ttl, nt, jsonld, rdf, nq, trig (graphs)
    union: bool = True
    default_graphs: list[str] | None = None  # "" stands for the store's default graph
    named_graphs: list[str] | None = None
    substitutions: dict[str, str] | None = None  # variable name -> N-Triples term
    prefixes: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 0
    base_iri: str | None = None  # resolves relative IRIs of the query (the endpoint's own IRI)


class _Worker:
    def __init__(self, env: dict[str, str]):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "registry.queryworker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self.in_fd = self.proc.stdin.fileno()
        self.out_fd = self.proc.stdout.fileno()
        self.buffer = bytearray()
        self.isolated = False

    def read_frame(self, deadline: float) -> tuple[bytes, bytes]:
        """The next frame, or TimeoutError when the deadline passes, EOFError if the worker died."""
        while True:
            if len(self.buffer) >= _HEADER.size:
                kind, length = _HEADER.unpack_from(self.buffer)
                end = _HEADER.size + length
                if len(self.buffer) >= end:
                    payload = bytes(self.buffer[_HEADER.size:end])
                    del self.buffer[:end]
                    return kind, payload
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.out_fd], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.out_fd, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def send(self, job: dict) -> None:
        write_frame(self.in_fd, b"J", json.dumps(job).encode())

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def alive(self) -> bool:
        return self.proc.poll() is None


class Answer:
    """A query's answer in progress: ``chunks()`` yields its bytes; close it if you stop early."""

    def __init__(self, pool: QueryPool, worker: _Worker, first: bytes | None, deadline: float,
                 total: int | None):
        self._pool = pool
        self._worker = worker
        self._first = first
        self._deadline = deadline
        self._done = total is not None
        self.complete = first if self._done else None  # the whole answer, when it is known already
        if self._done:
            self._release()

    def _release(self) -> None:
        if self._worker is not None:
            self._pool._give_back(self._worker)
            self._worker = None

    def chunks(self) -> Iterator[bytes]:
        try:
            if self._first:
                yield self._first
                self._first = None
            while not self._done:
                kind, payload = self._pool._next(self._worker, self._deadline)
                if kind == b"D":
                    yield payload
                elif kind == b"E":
                    self._done = True
                    self._release()
                else:  # an error after part of the answer was sent: the stream must break
                    self._done = True
                    self._release()
                    raise QueryFailed(**_error(payload))
        finally:
            self.close()

    def body(self) -> bytes:
        return b"".join(self.chunks())

    def close(self) -> None:
        if self._worker is not None:
            # Stopped mid-answer (client gone, or a failure): this worker is busy; replace it.
            self._pool._discard(self._worker)
            self._worker = None


def _error(payload: bytes) -> dict:
    data = json.loads(payload)
    return {"status": int(data.get("status", 500)), "message": str(data.get("message", "query failed"))}


class QueryPool:
    """Worker processes, started on first use, replaced when killed."""

    def __init__(self, size: int = 4, *, isolate_network: bool = True, memory_limit: int = 0):
        self.size = max(1, size)
        self._env = dict(os.environ)
        self._env["REGISTRY_WORKER_ISOLATE"] = "1" if isolate_network else "0"
        self._env["REGISTRY_WORKER_MEMORY"] = str(memory_limit)
        # The child must import this very package, wherever it is installed or checked out.
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self._env["PYTHONPATH"] = os.pathsep.join(
            p for p in [package_parent, self._env.get("PYTHONPATH", "")] if p
        )
        self._idle: deque[_Worker] = deque()
        self._count = 0  # workers alive or starting
        self._lock = threading.Condition()
        self._closed = False
        self.isolated: bool | None = None

    # -- workers ------------------------------------------------------------------------------

    def _start(self) -> _Worker:
        worker = _Worker(self._env)
        try:
            kind, payload = worker.read_frame(time.monotonic() + 60)
            if kind != b"R":
                raise EOFError
            worker.isolated = bool(json.loads(payload).get("isolated"))
        except (EOFError, TimeoutError, ValueError):
            worker.kill()
            raise QueryFailed(503, "the query service could not start a worker") from None
        if self.isolated is None:
            self.isolated = worker.isolated
            if not worker.isolated and self._env["REGISTRY_WORKER_ISOLATE"] == "1":
                log.warning("query workers cannot be cut off from the network here; SERVICE"
                            " targets are still checked against the allowlist before queries run")
        return worker

    def _take(self, deadline: float) -> _Worker:
        with self._lock:
            while True:
                if self._closed:
                    raise QueryFailed(503, "the query service is shutting down")
                while self._idle:
                    worker = self._idle.popleft()
                    if worker.alive():
                        return worker
                    self._count -= 1
                if self._count < self.size:
                    self._count += 1
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryFailed(503, "all query workers are busy; try again later")
                self._lock.wait(remaining)
        try:
            return self._start()
        except BaseException:
            with self._lock:
                self._count -= 1
                self._lock.notify()
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
                self._count -= 1
                return
            self._idle.append(worker)
            self._lock.notify()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._count -= 1
            self._lock.notify()
        # Start the replacement now, off the request's path, so the next query need not wait.
        threading.Thread(target=self._prestart, daemon=True).start()

    def _prestart(self) -> None:
        with self._lock:
            if self._closed or self._count >= self.size:
                return
            self._count += 1
        try:
            worker = self._start()
        except QueryFailed:
            with self._lock:
                self._count -= 1
            return
        self._give_back(worker)

    def warm_up(self) -> None:
        """Start every worker now (in the background)."""
        for _ in range(self.size):
            threading.Thread(target=self._prestart, daemon=True).start()

    def _next(self, worker: _Worker, deadline: float) -> tuple[bytes, bytes]:
        try:
            return worker.read_frame(deadline)
        except TimeoutError:
            raise QueryFailed(503, "the query ran past the time limit and was stopped") from None
        except EOFError:
            raise QueryFailed(503, "the query worker stopped (out of memory?); try a narrower query") from None

    # -- running ------------------------------------------------------------------------------

    def run(self, snapshot: str, job: Job, timeout: float) -> Answer:
        """Start a query; returns once its first bytes (or its error) are known."""
        deadline = time.monotonic() + timeout
        worker = self._take(deadline)
        try:
            worker.send({
                "snapshot": snapshot, "query": job.query, "format": job.format, "union": job.union,
                "default_graphs": job.default_graphs, "named_graphs": job.named_graphs,
                "substitutions": job.substitutions, "prefixes": job.prefixes,
                "max_bytes": job.max_bytes, "base_iri": job.base_iri,
            })
            kind, payload = self._next(worker, deadline)
        except (QueryFailed, OSError) as e:
            self._discard(worker)
            if isinstance(e, QueryFailed):
                raise
            raise QueryFailed(503, "the query worker stopped; try again") from None
        if kind == b"X":
            self._give_back(worker)
            raise QueryFailed(**_error(payload))
        if kind == b"E":
            return Answer(self, worker, b"", deadline, total=0)
        if len(payload) < CHUNK:
            # A short first chunk is the whole answer: its end follows at once. Waiting for it
            # lets small answers go out with a Content-Length, in one write.
            try:
                end, info = self._next(worker, deadline)
            except QueryFailed:
                self._discard(worker)
                raise
            if end == b"E":
                return Answer(self, worker, payload, deadline, total=len(payload))
            if end == b"X":
                self._give_back(worker)
                raise QueryFailed(**_error(info))
            return Answer(self, worker, payload + info, deadline, total=None)
        return Answer(self, worker, payload, deadline, total=None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = list(self._idle)
            self._idle.clear()
            self._count -= len(idle)
            self._lock.notify_all()
        for worker in idle:
            worker.kill()
