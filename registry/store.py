"""The embedded Oxigraph store: the only place that constructs a ``pyoxigraph.Store``.

Layout of the data folder::

    {data}/oxigraph/     the RocksDB store (one named graph per document)
    {data}/journal/      a large write being prepared or in progress (see ``spill`` and ``commit``)

Graph naming (docs/data-model.md): a document's graph is ``{BASE}/{kind}/{key}``; the ontology,
each concept scheme, provenance and catalogue metadata have their own graphs.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import StoreError, UsageError
from .namespaces import PES

log = logging.getLogger(__name__)

# Writes up to this many bytes of N-Triples go through one SPARQL update (atomic and invisible
# to readers until committed); larger ones are journalled and bulk-loaded.
SMALL_WRITE_BYTES = 8 * 1024 * 1024

_STORE_VERSION = ox.NamedNode(str(PES.storeVersion))
NEW_GRAPHS = "new-graphs.trig"  # the journal's file of the graphs a large write puts in
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def graph_iri(base: str, kind: str, key: str) -> str:
    """IRI of the named graph holding the document of ``{BASE}/id/{kind}/{key}``."""
    return f"{base}/{kind}/{key}"


def resource_iri(base: str, kind: str, key: str) -> str:
    """IRI of an instance of this deployment."""
    return f"{base}/id/{kind}/{key}"


def provenance_graph(base: str) -> str:
    """Named graph of the provenance records (one ``prov:Activity`` per write)."""
    return f"{base}/graph/provenance"


def catalog_graph(base: str) -> str:
    """Named graph of catalogue metadata."""
    return f"{base}/graph/catalog"


def valid_key(key: str) -> bool:
    """True for a stable slug usable as an instance key."""
    return bool(_KEY_RE.match(key))


@dataclass
class Write:
    """One atomic change: whole graphs replaced (or created), graphs removed, provenance added.

    Graph contents are kept as N-Triples bytes (serialised once, by Oxigraph), which both the
    SPARQL update and the bulk loader take as they are. A large write need not hold them all:
    ``Store.spill`` moves them to the journal's TriG file as the write grows.
    """

    graphs: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    provenance: list[ox.Quad] = field(default_factory=list)
    marker: str | None = None  # IRI of the activity that records this write
    # Provenance statements about single graphs written; each mentions ``marker`` (as subject or
    # object), so that a rolled-back write can find them. A journalled write bulk-loads them with
    # the graphs, which keeps its last transaction small.
    generated: list[ox.Quad] = field(default_factory=list)
    # Graphs moved to the journal's TriG file by ``Store.spill``: name -> (offset, length).
    spooled: dict[str, tuple[int, int]] = field(default_factory=dict)
    spool: Path | None = None
    _skipped: list[tuple[int, int]] = field(default_factory=list, init=False, repr=False)
    _held: int = field(default=0, init=False, repr=False)  # bytes of the graphs in memory

    def __post_init__(self) -> None:
        self._held = sum(len(b) for b in self.graphs.values())

    def put(self, graph: str, statements: Iterable) -> None:
        """Set the whole content of a graph from triples or quads (their graph names are ignored)."""
        default = ox.DefaultGraph()
        self.put_ntriples(graph, ox.serialize(
            (
                s if isinstance(s, ox.Triple) or s.graph_name == default
                else ox.Triple(s.subject, s.predicate, s.object)
                for s in statements
            ),
            format=ox.RdfFormat.N_TRIPLES,
        ) or b"")

    def put_ntriples(self, graph: str, data: bytes) -> None:
        """Set the whole content of a graph from N-Triples bytes."""
        self.drop(graph)
        self.graphs[graph] = data
        self._held += len(data)

    def drop(self, graph: str) -> None:
        """Leave a graph out of the write again (it is then neither replaced nor removed)."""
        self._unspool(graph)
        self._held -= len(self.graphs.pop(graph, b""))

    def _unspool(self, graph: str) -> None:
        block = self.spooled.pop(graph, None)
        if block is not None:
            self._skipped.append(block)

    def names(self) -> list[str]:
        """The graphs this write replaces or creates."""
        return [*self.spooled, *self.graphs]

    def size(self) -> int:
        """Approximate size in bytes."""
        return (
            sum(len(b) for b in self.graphs.values())
            + sum(length for _, length in self.spooled.values())
            + 200 * (len(self.provenance) + len(self.generated))
        )


class Store:
    """The registry's store on disk (or in memory, with ``path=None``, for tests and staging)."""

    def __init__(self, path: Path | str | None, base: str):
        self.base = base
        self.path = Path(path) if path is not None else None
        # Held while a large write owns the journal (from its first ``spill`` to its commit).
        self._journal_lock = threading.RLock()
        # Called after each committed write with (graphs written, graphs removed, new version),
        # e.g. by the search index.
        self.listeners: list = []
        # Called with (write, new version) before a write is applied, while the graphs it
        # replaces or removes still hold their old content (the history keeps them). An error
        # here stops the write before anything of it is applied.
        self.recorders: list = []
        if self.path is None:
            self._ox = ox.Store()
            return
        db = self.path / "oxigraph"
        try:
            db.mkdir(parents=True, exist_ok=True)
            self._ox = ox.Store(str(db))
        except OSError as e:
            text = str(e)
            if "lock" in text.lower():
                raise StoreError(
                    f"The store in {self.path} is in use by another process (a running server or"
                    " load?). Stop it first, or use another data folder."
                ) from None
            raise StoreError(f"Cannot open the store in {self.path}: {text}") from None
        self._recover()

    # -- reading ------------------------------------------------------------------------------

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store, for readers (queries, dumps). Never write to it."""
        return self._ox

    def query(self, sparql: str, *, substitutions: dict | None = None, union: bool = True):
        """Run a SPARQL query; the default graph is the union of all named graphs."""
        return self._ox.query(
            sparql,
            use_default_graph_as_union=union,
            substitutions=substitutions or None,
        )

    def quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one named graph."""
        return list(self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def has_graph(self, graph: str) -> bool:
        return self._ox.contains_named_graph(ox.NamedNode(graph))

    def types_of(self, iri: str) -> set[str]:
        """The rdf:type values of a resource, in any graph."""
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        return {
            q.object.value
            for q in self._ox.quads_for_pattern(ox.NamedNode(iri), rdf_type, None, None)
            if isinstance(q.object, ox.NamedNode)
        }

    def version(self) -> int:
        """A counter that grows with every committed write (used for ETags and snapshots)."""
        for q in self._ox.quads_for_pattern(
            None, _STORE_VERSION, None, ox.NamedNode(provenance_graph(self.base))
        ):
            return int(q.object.value)
        return 0

    def __len__(self) -> int:
        return len(self._ox)

    # -- writing ------------------------------------------------------------------------------

    def commit(self, write: Write) -> int:
        """Apply a write atomically; returns the new store version.

        Small writes are one SPARQL update: readers see all of it or nothing. Large writes are
        recorded in a journal (the graphs they touch and the old content of replaced graphs),
        then bulk-loaded; if the process dies before the end, the next open rolls them back.
        """
        names, removed = write.names(), set(write.removed)
        try:
            new_version = self.version() + 1
            for recorder in list(self.recorders):
                recorder(write, new_version)
            if write.spool is None and write.size() <= SMALL_WRITE_BYTES:
                self._ox.update(self._update_text(write, new_version))
            else:
                self._bulk_commit(write, new_version)
        finally:
            self._release(write)
        for listener in list(self.listeners):
            try:
                listener(names, removed, new_version)
            except Exception:  # a derived index must never undo or fail a committed write
                log.exception("store listener failed")
        return new_version

    def spill(self, write: Write) -> None:
        """Move the graphs a write holds in memory to the journal's TriG file, once they are many.

        A large write can so be prepared graph by graph in bounded memory. The store itself is
        not touched until ``commit``: if the process dies before, the next open deletes the file.
        From the first spill to ``commit`` or ``abandon`` the write owns the journal; another
        large write waits. An in-memory store keeps the graphs in memory.
        """
        if self.path is None or write._held <= SMALL_WRITE_BYTES:
            return
        if write.spool is None:
            self._journal_lock.acquire()
            try:
                journal = self._journal_dir()
                journal.mkdir(exist_ok=True)
                (journal / NEW_GRAPHS).write_bytes(b"")
            except BaseException:
                self._journal_lock.release()
                raise
            write.spool = journal / NEW_GRAPHS
        with write.spool.open("ab") as out:
            offset = out.tell()
            for g, ntriples in write.graphs.items():
                head = b"<" + g.encode() + b"> {\n"
                out.write(head)
                out.write(ntriples)
                out.write(b"}\n")
                length = len(head) + len(ntriples) + 2
                write.spooled[g] = (offset, length)
                offset += length
        write.graphs.clear()
        write._held = 0

    def scratch_file(self) -> IO[bytes]:
        """An anonymous file for the intermediate data of a large write, beside the store (in the
        system's temporary folder for an in-memory store); it vanishes when closed, or with the
        process."""
        if self.path is None:
            return tempfile.TemporaryFile()
        journal = self._journal_dir()
        journal.mkdir(exist_ok=True)
        return tempfile.TemporaryFile(dir=journal)

    def abandon(self, write: Write) -> None:
        """Give up a write that was never committed: delete what ``spill`` wrote."""
        self._release(write)

    def _release(self, write: Write) -> None:
        if write.spool is None:
            return
        write.spool.unlink(missing_ok=True)
        write.spool = None
        write.spooled.clear()
        write._skipped.clear()
        self._journal_lock.release()

    def _version_update(self, new_version: int) -> str:
        g = f"<{provenance_graph(self.base)}>"
        return (
            f"DELETE WHERE {{ GRAPH {g} {{ {g} {_STORE_VERSION} ?v }} }} ;\n"
            f"INSERT DATA {{ GRAPH {g} {{ {g} {_STORE_VERSION} {new_version} }} }}"
        )

    def _update_text(self, write: Write, new_version: int) -> str:
        parts = [f"DROP SILENT GRAPH <{g}> ;\n" for g in sorted(set(write.graphs) | write.removed)]
        data: list[str] = []
        for g, ntriples in write.graphs.items():
            data.append(f"GRAPH <{g}> {{\n")
            data.append(ntriples.decode("utf-8"))
            data.append("}\n")
        for q in (*write.provenance, *write.generated):
            data.append(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}\n")
        if data:
            parts.append("INSERT DATA {\n" + "".join(data) + "} ;\n")
        parts.append(self._version_update(new_version))
        return "".join(parts)

    def _journal_dir(self) -> Path:
        if self.path is None:
            raise StoreError("large writes need an on-disk store")
        return self.path / "journal"

    def _bulk_commit(self, write: Write, new_version: int) -> None:
        touched = sorted(set(write.names()) | write.removed)
        if self.path is None:
            # An in-memory store has nothing to recover after a crash.
            for g in touched:
                self._ox.remove_graph(ox.NamedNode(g))
            self._ox.load(_trig(write.graphs) + _trig_quads(write.generated), ox.RdfFormat.TRIG)
            self._ox.update(self._update_text(Write(provenance=write.provenance), new_version))
            return
        with self._journal_lock:
            journal = self._journal_dir()
            journal.mkdir(exist_ok=True)
            # The new content: graphs spilled so far (less any left out since), the rest, and the
            # provenance of each graph.
            new = journal / NEW_GRAPHS
            if write.spool is None:
                new.write_bytes(b"")
            elif write._skipped:
                _copy_blocks(new, sorted(write.spooled.values()))
            with new.open("ab") as out:
                for g, ntriples in write.graphs.items():
                    out.write(trig_block(g, ntriples))
                out.write(_trig_quads(write.generated))
            backup = journal / "old-graphs.nq"
            with backup.open("wb") as out:
                for g in touched:
                    if self.has_graph(g):
                        ox.serialize(self.quads(g), out, ox.RdfFormat.N_QUADS)
                out.flush()
                os.fsync(out.fileno())
            record = {"graphs": touched, "marker": write.marker, "backup": backup.name,
                      "version": new_version}
            _write_durably(journal / "pending.json", json.dumps(record).encode())
            for g in touched:
                self._ox.remove_graph(ox.NamedNode(g))
            self._ox.bulk_load(path=str(new), format=ox.RdfFormat.TRIG)
            self._ox.flush()
            # Provenance and the version go last, in one transaction: once they are in, the write
            # is complete, whatever happens to the journal afterwards.
            self._ox.update(self._update_text(Write(provenance=write.provenance), new_version))
            self._ox.flush()
            (journal / "pending.json").unlink()
            backup.unlink(missing_ok=True)
            new.unlink(missing_ok=True)

    def _recover(self) -> None:
        pending = self.path / "journal" / "pending.json" if self.path else None
        if pending is None:
            return
        if not pending.exists():
            # A large write that died while it was being prepared: the store was not touched.
            _remove_new_graphs(pending.parent)
            return
        try:
            record = json.loads(pending.read_text())
        except (OSError, ValueError):
            raise StoreError(
                f"The store in {self.path} has an unreadable journal of an interrupted write;"
                " restore it from a dump or backup."
            ) from None
        marker = record.get("marker")
        if "version" in record:
            # The version goes in with the last transaction of the write.
            completed = self.version() >= record["version"]
        else:
            completed = marker is not None and any(
                True for _ in self._ox.quads_for_pattern(ox.NamedNode(marker), None, None, None)
            )
        if not completed:
            for g in record["graphs"]:
                self._ox.remove_graph(ox.NamedNode(g))
            if marker is not None:
                # Provenance loaded with the graphs (``Write.generated``).
                node = ox.NamedNode(marker)
                for q in [*self._ox.quads_for_pattern(node, None, None, None),
                          *self._ox.quads_for_pattern(None, None, node, None)]:
                    self._ox.remove(q)
            backup = pending.parent / record["backup"]
            if backup.exists() and backup.stat().st_size:
                with backup.open("rb") as f:
                    self._ox.extend(ox.parse(f, ox.RdfFormat.N_QUADS))
            self._ox.flush()
        pending.unlink()
        (pending.parent / record["backup"]).unlink(missing_ok=True)
        _remove_new_graphs(pending.parent)


    # -- dumps --------------------------------------------------------------------------------

    def checkpoint(self, target: Path) -> None:
        """A consistent copy of the store in ``target`` (a folder that does not exist yet; hard
        links where possible), taken between writes: a large write's bulk load is not one
        transaction, so this waits until it is complete."""
        if self.path is None:
            raise StoreError("an in-memory store has no files to copy")
        with self._journal_lock:
            self._ox.flush()
            self._ox.backup(str(target))


    def dump(self, target: Path) -> int:
        """Write the whole store as N-Quads or TriG (by extension, optionally ``.gz``)."""
        fmt = dump_format(target)
        tmp = target.with_name(target.name + ".part")
        opener = gzip.open if target.suffix == ".gz" else open
        with opener(tmp, "wb") as out:
            self._ox.dump(out, fmt)
        tmp.replace(target)
        return len(self._ox)

    def close(self) -> None:
        """Flush and release the store (the lock is released when the object is collected)."""
        try:
            self._ox.flush()
        except OSError:
            pass
        del self._ox


def dump_format(path: Path) -> ox.RdfFormat:
    """N-Quads or TriG, by the file name (``.nq``, ``.trig``, each optionally ``.gz``)."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".nq"):
        return ox.RdfFormat.N_QUADS
    if name.endswith(".trig"):
        return ox.RdfFormat.TRIG
    raise UsageError(f"{path.name}: a dump is N-Quads (.nq) or TriG (.trig), optionally gzipped")


def read_dump(path: Path) -> Iterator[ox.Quad]:
    """Quads of a dump written by ``Store.dump``."""
    fmt = dump_format(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        yield from ox.parse(f, fmt)


def restore(data_dir: Path, dump: Path, base: str, *, replace: bool = False) -> int:
    """Rebuild the store of ``data_dir`` from a dump; the old store stays until the new one is whole.

    The dump is loaded into a new folder beside the store, which then takes the store's place, so
    an interrupted restore leaves the old store as it was.
    """
    if not dump.is_file():
        raise UsageError(f"{dump}: no such file")
    live = data_dir / "oxigraph"
    if live.exists() and not replace:
        store = Store(data_dir, base)
        empty = len(store) == 0
        store.close()
        del store
        if not empty:
            raise UsageError(
                "The store is not empty; restoring replaces everything in it. Use --replace."
            )
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="restore-", dir=data_dir))
    try:
        target = ox.Store(str(staging / "oxigraph"))
        try:
            target.bulk_extend(read_dump(dump))
        except (SyntaxError, ValueError, OSError, EOFError) as e:
            raise StoreError(f"{dump.name} is not a readable dump: {e}") from None
        count = len(target)
        target.flush()
        del target
        old = data_dir / f"oxigraph.old-{os.getpid()}"
        if live.exists():
            live.rename(old)
        (staging / "oxigraph").rename(live)
        shutil.rmtree(old, ignore_errors=True)
        # Indexes derived from the old store (the search index) describe other data, whatever
        # version they carry: they are rebuilt from the restored store when next opened.
        shutil.rmtree(data_dir / "search", ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _trig(graphs: dict[str, bytes]) -> bytes:
    return b"".join(trig_block(g, nt) for g, nt in graphs.items())


def trig_block(graph: str, ntriples: bytes) -> bytes:
    """One graph of a TriG file, from its N-Triples."""
    return b"<" + graph.encode() + b"> {\n" + ntriples + b"}\n"


def _trig_quads(quads: list[ox.Quad]) -> bytes:
    """Quads of named graphs as TriG."""
    graphs: dict[str, list[ox.Triple]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    return b"".join(
        trig_block(g, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)) for g, triples in graphs.items()
    )


def _remove_new_graphs(journal: Path) -> None:
    for name in (NEW_GRAPHS, NEW_GRAPHS + ".tmp"):
        (journal / name).unlink(missing_ok=True)


def _copy_blocks(path: Path, blocks: list[tuple[int, int]]) -> None:
    """Keep only the given (offset, length) byte ranges of a file, in order."""
    tmp = path.with_name(path.name + ".tmp")
    with path.open("rb") as src, tmp.open("wb") as out:
        for offset, length in blocks:
            src.seek(offset)
            while length:
                piece = src.read(min(length, 1 << 20))
                if not piece:
                    raise StoreError(f"{path.name} is shorter than expected")
                out.write(piece)
                length -= len(piece)
    tmp.replace(path)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)

