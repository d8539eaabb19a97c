"""A SPARQL query worker: a child process that runs queries over a read-only snapshot.

Started by ``registry.querypool`` as ``python -m registry.queryworker``. It reads jobs from
standard input and writes framed answers to standard output; the parent kills it when a query
runs past its time limit (pyoxigraph cannot cancel a query) and starts a new one.

Frames, both ways: one byte of type, four bytes of big-endian length, then the payload.
Parent to worker: ``J`` + a JSON job. Worker to parent: ``D`` + result bytes (any number),
then ``E`` + JSON ``{"bytes": n}`` at the end, or ``X`` + JSON ``{"status", "message"}`` on error.

This module imports nothing of the registry but its own helpers, to start fast.
"""

from __future__ import annotations

import ctypes
import json
import os
import struct
import sys

CHUNK = 64 * 1024
_HEADER = struct.Struct(">cI")


class TooLarge(Exception):
    """The answer grew past the result-size cap."""


def write_frame(fd: int, kind: bytes, payload: bytes) -> None:
    data = _HEADER.pack(kind, len(payload)) + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes:
    parts = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            raise EOFError
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


class _FrameWriter:
    """A binary file-like object that pyoxigraph serialises into; sends ``D`` frames."""

    def __init__(self, fd: int, limit: int):
        self.fd = fd
        self.limit = limit
        self.total = 0
        self.buffer = bytearray()

    def write(self, data) -> int:
        n = len(data)
        self.total += n
        if self.limit and self.total > self.limit:
            raise TooLarge
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            write_frame(self.fd, b"D", bytes(self.buffer))
            self.buffer.clear()
        return n

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        """Send what is left and the end frame in one write (one wake-up for the parent)."""
        end = json.dumps({"bytes": self.total}).encode()
        data = b""
        if self.buffer:
            data = _HEADER.pack(b"D", len(self.buffer)) + bytes(self.buffer)
            self.buffer.clear()
        data += _HEADER.pack(b"E", len(end)) + end
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]


def isolate_network() -> bool:
    """Move this process into a new network namespace with no interfaces (Linux only).

    Defence in depth for public endpoints: even a SERVICE call that slipped past the lexical
    check cannot reach any host. Needs unprivileged user namespaces; returns False where they are
    not available, and the lexical check remains the guard.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def limit_memory(limit: int) -> None:
    if limit <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def main() -> None:
    job_fd, out_fd = sys.stdin.fileno(), sys.stdout.fileno()
    # Nothing but frames may reach the parent on standard output.
    sys.stdout = sys.stderr
    isolated = isolate_network() if os.environ.get("REGISTRY_WORKER_ISOLATE") == "1" else False
    limit_memory(int(os.environ.get("REGISTRY_WORKER_MEMORY", "0") or 0))

    import pyoxigraph as ox

    rdf_formats = {
        "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
    }
    result_formats = {
        "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
    }
    write_frame(out_fd, b"R", json.dumps({"isolated": isolated}).encode())

    store = None
    store_path = None
    while True:
        try:
            kind, length = _HEADER.unpack(read_exact(job_fd, _HEADER.size))
            job = json.loads(read_exact(job_fd, length))
        except EOFError:
            return
        if job["snapshot"] != store_path:
            store = None
            store_path = None
            try:
                store = ox.Store.read_only(job["snapshot"])
                store_path = job["snapshot"]
            except OSError as e:
                write_frame(out_fd, b"X", json.dumps({"status": 503, "message": f"snapshot unavailable: {e}"}).encode())
                continue
        writer = _FrameWriter(out_fd, job.get("max_bytes") or 0)
        try:
            options = {}
            if job.get("base_iri"):
                options["base_iri"] = job["base_iri"]
            if job.get("default_graphs") is not None or job.get("named_graphs") is not None:
                options["default_graph"] = [_graph(ox, g) for g in job.get("default_graphs") or []]
                options["named_graphs"] = [ox.NamedNode(g) for g in job.get("named_graphs") or []]
            elif job.get("union"):
                options["use_default_graph_as_union"] = True
            if job.get("substitutions"):
                options["substitutions"] = {
                    ox.Variable(name): _term(ox, text) for name, text in job["substitutions"].items()
                }
            result = store.query(job["query"], **options)
            fmt = job["format"]
            if isinstance(result, ox.QueryTriples):
                ox.serialize(result, writer, rdf_formats[fmt], prefixes=job.get("prefixes") or None)
            else:
                result.serialize(writer, result_formats[fmt])
            writer.finish()
        except TooLarge:
            write_frame(out_fd, b"X", json.dumps({
                "status": 413, "message": f"the answer is larger than the limit of {job['max_bytes']} bytes;"
                " narrow the query or add a LIMIT", "sent": writer.total - len(writer.buffer),
            }).encode())
        except SyntaxError as e:
            write_frame(out_fd, b"X", json.dumps({"status": 400, "message": f"SPARQL syntax error: {e}"}).encode())
        except (ValueError, TypeError, KeyError) as e:
            write_frame(out_fd, b"X", json.dumps({"status": 400, "message": f"bad request: {e}"}).encode())
        except Exception as e:  # noqa: BLE001 - a query evaluation error is reported, not fatal
            write_frame(out_fd, b"X", json.dumps({
                "status": 500, "message": f"the query failed: {type(e).__name__}: {e}"
            }).encode())


def _graph(ox, name: str):
    return ox.DefaultGraph() if name == "" else ox.NamedNode(name)


def _term(ox, text: str):
    """One RDF term from its N-Triples form (as produced by ``registry.queries``)."""
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    quads = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), ox.RdfFormat.N_TRIPLES))
    if len(quads) != 1:
        raise ValueError(f"not one RDF term: {text!r}")
    return quads[0].object


if __name__ == "__main__":
    main()
