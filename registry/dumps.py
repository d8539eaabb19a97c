"""Bulk downloads under ``/dumps/``: the contract shared by the dump builder and the catalogue.

``DUMPS`` names every file the registry publishes, what it holds and how it is served; the
catalogue lists them as ``dcat:Distribution``s (with byte size and checksum once built), the web
serves them, and the builder makes them, streaming, cached per store version.

The builder:

* ``current(store, settings, name)`` gives the dump of the store as it is, building it when the
  cached file is not of the current store version; ``build`` builds it anew; ``built`` only
  looks (for the catalogue: size and checksum of a dump that exists).
* Files live in ``{data}/dumps/v{version}/{name}``, with ``{name}.json`` beside (version, size,
  SHA-256, the time of the version's last write). A file is written under a temporary name and
  renamed once complete; the older versions of a name are deleted once a newer one is complete
  (an answer still streaming an old file keeps reading it: unlinking an open file is safe).
  One build per name at a time: a second request for the same file waits for the first.
* Everything streams: Oxigraph serialises the store (or the quads of one dataset's graphs, read
  graph by graph) straight into the (gzip) file, so memory does not grow with the store. gzip
  with a fixed header (no name, time 0): the same data gives the same bytes.
* A build reads the store while writes may go on: if the store version changed meanwhile, the
  file is built again (a single Oxigraph dump reads one snapshot, a dataset's graphs are read one
  by one), so a file is always of one version.
* The time of a version's last write (``Last-Modified``, ``dct:modified``): the end of the newest
  ``prov:Activity`` of the provenance graph, or, for a write without one (the catalogue, the
  ontology) the time this process saw the commit (a store listener); for a version first seen
  after a restart with no newer activity than the previous version's time, the time it was first
  seen (never earlier than the write). Kept in ``{data}/dumps/clock.json``.

The same cache holds what is derived once per store version for the VoID description (counts
of classes and properties) and the sitemap (``cached``).

Documents harvested from other registries: the whole-registry N-Quads and TriG dumps hold them
(they hold the whole store); the datasets' dumps and the CSVs (``entities.csv``, ``offers.csv``)
hold this registry's documents only, since they are the distributions of its own datasets. The
CSVs' column ``source`` (this registry's base) is there because the lists' CSVs, which may mix
registries, have the same columns.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from .config import Settings
from .namespaces import ONTOLOGY_GRAPH, PREFIXES, VOCAB_BASE
from .store import Store, provenance_graph

if TYPE_CHECKING:
    from .search import Index

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    name: str  # file name under /dumps/
    dataset: str | None  # key of a catalog.DATASETS entry; None: the whole registry
    media_type: str  # of the content (before gzip)
    file_type: str  # EU file-type code
    gzip: bool
    title: tuple[str, str]  # Polish, English


def _dataset_dumps(key: str, pl: str, en: str) -> tuple[Dump, ...]:
    return (
        Dump(f"{key}.ttl.gz", key, "text/turtle", "RDF_TURTLE", True,
             (f"{pl} (Turtle, gzip)", f"{en} (Turtle, gzip)")),
        Dump(f"{key}.jsonld.gz", key, "application/ld+json", "JSON_LD", True,
             (f"{pl} (JSON-LD, gzip)", f"{en} (JSON-LD, gzip)")),
    )


DUMPS: tuple[Dump, ...] = (
    Dump("registry.nq.gz", None, "application/n-quads", "RDF_N_QUADS", True,
         ("Cały rejestr (N-Quads, gzip)", "The whole registry (N-Quads, gzip)")),
    Dump("registry.trig.gz", None, "application/trig", "RDF_TRIG", True,
         ("Cały rejestr (TriG, gzip)", "The whole registry (TriG, gzip)")),
    *_dataset_dumps("entities", "Podmioty i oferty", "Entities and offers"),
    *_dataset_dumps("opportunities", "Możliwości współpracy", "Cooperation opportunities"),
    *_dataset_dumps("actions", "Działania współpracy", "Cooperation actions"),
    *_dataset_dumps("programmes", "Programy współpracy", "Cooperation programmes"),
    *_dataset_dumps("units", "Jednostki miasta", "City units"),
    *_dataset_dumps("concept-schemes", "Ontologia i słowniki", "Ontology and concept schemes"),
    Dump("entities.csv", "entities", "text/csv", "CSV", False,
         ("Podmioty (CSV)", "Entities (CSV)")),
    Dump("offers.csv", "entities", "text/csv", "CSV", False, ("Oferty (CSV)", "Offers (CSV)")),
    Dump("ontology.ttl", "concept-schemes", "text/turtle", "RDF_TURTLE", False,
         ("Ontologia (Turtle)", "Ontology (Turtle)")),
    Dump("vocabularies.ttl", "concept-schemes", "text/turtle", "RDF_TURTLE", False,
         ("Słowniki SKOS (Turtle)", "SKOS concept schemes (Turtle)")),
)
BY_NAME = {d.name: d for d in DUMPS}


@dataclass(frozen=True)
class BuiltDump:
    """A dump as built for one store version."""

    name: str
    path: str
    version: int
    byte_size: int
    sha256: str
    modified: str  # xsd:dateTime of the store version's last write (UTC, "Z")


# -- where files go ------------------------------------------------------------------------------

GZIP_LEVEL = 6  # zlib's default: nearly the size of level 9 at a fraction of its time
CLOCK = "clock.json"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ENDED = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
XSD_DATE_TIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_VERSION_DIR = re.compile(r"^v(\d+)$")


def root(settings: Settings) -> Path:
    """The folder of the dumps and of everything else cached per store version."""
    return Path(settings.data_dir) / "dumps"


def prefixes(base: str) -> dict[str, str]:
    """Prefixes of the Turtle and TriG dumps: the shared vocabularies and ``id:`` for instances."""
    out = {name: str(ns) for name, ns in PREFIXES.items() if name != "sh"}
    out["vocab"] = VOCAB_BASE
    out["id"] = f"{base.rstrip('/')}/id/"
    return out


# -- the state of the store ----------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What the cache is keyed on: the store version, and the time of its last write."""

    version: int
    modified: str  # xsd:dateTime, UTC with "Z"
    fingerprint: str  # the version and its newest activity: tells a restored store from ours


_lock = threading.Lock()
_states: dict[tuple[str, int], State] = {}
_noted: dict[tuple[str, int], str] = {}
_watched: weakref.WeakSet = weakref.WeakSet()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def watch(store: Store, settings: Settings) -> None:
    """Note the time of every commit to ``store`` from now on (a store listener), so that a write
    without a provenance record (the catalogue, the ontology) is dated exactly."""
    with _lock:
        if store in _watched:
            return
        _watched.add(store)
    key = str(Path(settings.data_dir))

    def noted(_written, _removed, version: int) -> None:
        with _lock:
            _noted[(key, version)] = _now()
            for old in [k for k in _noted if k[0] == key and k[1] < version - 16]:
                del _noted[old]

    store.listeners.append(noted)


def _newest_activity(store: Store) -> tuple[str, str]:
    """IRI and end time of the newest ``prov:Activity`` ("" when there is none)."""
    newest = ("", "")
    graph = ox.NamedNode(provenance_graph(store.base))
    for q in store.raw.quads_for_pattern(None, ENDED, None, graph):
        end = q.object.value
        if (end, q.subject.value) > (newest[1], newest[0]):
            newest = (q.subject.value, end)
    return newest


def state(store: Store, settings: Settings) -> State:
    """The store's version and the time of its last write (worked out once per version)."""
    version = store.version()
    key = str(Path(settings.data_dir))
    found = _states.get((key, version))
    if found is not None:
        return found
    with _lock:
        found = _states.get((key, version))
        if found is not None:
            return found
        activity, ended = _newest_activity(store)
        fingerprint = hashlib.sha256(f"{version}|{activity}|{ended}".encode()).hexdigest()[:16]
        clock_path = root(settings) / CLOCK
        try:
            clock = json.loads(clock_path.read_text())
        except (OSError, ValueError):
            clock = None
        if clock and clock.get("fingerprint") == fingerprint:
            modified = clock["modified"]
        else:
            noted = _noted.get((key, version))
            if noted is not None:
                modified = max(noted, ended)
            elif ended and (clock is None or ended > clock.get("modified", "")):
                modified = ended
            else:  # a write we did not see, after the last one we know: now is never too early
                modified = _now()
            _write_small(clock_path, json.dumps(
                {"version": version, "fingerprint": fingerprint, "modified": modified}).encode())
        found = State(version, modified, fingerprint)
        for old in [k for k in _states if k[0] == key]:
            del _states[old]
        _states[(key, version)] = found
        return found


def http_date(modified: str) -> dt.datetime:
    """An ``xsd:dateTime`` (or date) as an aware datetime, for ``Last-Modified``."""
    text = modified if "T" in modified else f"{modified[:10]}T00:00:00Z"
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# -- the cache: files and folders per store version ---------------------------------------------

_name_locks: dict[tuple[str, str], threading.Lock] = {}
_layout = threading.Lock()  # creating and removing version folders


def _name_lock(settings: Settings, name: str) -> threading.Lock:
    key = (str(Path(settings.data_dir)), name)
    with _lock:
        return _name_locks.setdefault(key, threading.Lock())


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(_meta_path(path).read_text())
    except (OSError, ValueError):
        return None
    return meta if path.exists() else None


def _write_small(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    tmp.write_bytes(data)
    tmp.replace(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _cleanup(settings: Settings, name: str, keep: int) -> None:
    """Delete ``name`` of every version but ``keep``, and version folders left empty."""
    folder = root(settings)
    with _layout:
        for sub in folder.iterdir() if folder.is_dir() else ():
            match = _VERSION_DIR.match(sub.name)
            if not match:
                continue
            for leftover in sub.glob(f".{name}.*.part"):  # an interrupted build of another run
                if f".{os.getpid()}-" not in leftover.name:
                    _remove(leftover)
            if int(match.group(1)) == keep:
                continue
            for path in (sub / name, _meta_path(sub / name)):
                _remove(path)
            try:
                sub.rmdir()
            except OSError:
                pass  # not empty: other files of that version are still current somewhere


def cached(store: Store, settings: Settings, name: str, make: Callable[[Path, State], dict], *,
           folder: bool = False) -> tuple[Path, dict]:
    """The file (or folder) ``name`` of the current store version, made by ``make(path, state)``
    if it is not there yet; returns its path and its metadata (what ``make`` returned, with
    ``version``, ``modified`` and ``fingerprint``).

    ``make`` writes to the path it is given (a temporary one, renamed when complete). If the
    store changes while it runs, it runs again, so what is cached is of one store version.
    """
    for attempt in range(4):
        st = state(store, settings)
        path = root(settings) / f"v{st.version}" / name
        meta = _read_meta(path)
        if meta is not None and meta.get("fingerprint") == st.fingerprint:
            return path, meta
        with _name_lock(settings, name):
            meta = _read_meta(path)
            if meta is not None and meta.get("fingerprint") == st.fingerprint:
                return path, meta
            with _layout:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{name}.{os.getpid()}-{secrets.token_hex(4)}.part")
                if folder:
                    tmp.mkdir()
                else:
                    tmp.touch()
            try:
                info = make(tmp, st)
                if store.version() != st.version and attempt < 3:
                    continue  # the store changed while we read it: again, at the new version
                _remove(_meta_path(path))
                if path.exists():
                    _remove(path)
                tmp.replace(path)
            finally:
                _remove(tmp)
            meta = {**info, "version": st.version, "modified": st.modified,
                    "fingerprint": st.fingerprint}
            _write_small(_meta_path(path), json.dumps(meta).encode())
        _cleanup(settings, name, st.version)
        return path, meta
    raise AssertionError("unreachable")


# -- the dumps -----------------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """A binary file that counts and hashes what goes through it."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        self.out.write(view)
        self.sha256.update(view)
        self.size += view.nbytes
        return view.nbytes


def dataset_graphs(store: Store, key: str) -> Iterator[ox.NamedNode]:
    """The named graphs of a catalogue dataset: its documents, or the ontology and the schemes."""
    from .catalog import DATASETS

    spec = next(d for d in DATASETS if d.key == key)
    if spec.kinds:
        starts = tuple(f"{store.base}/{kind}/" for kind in spec.kinds)
        for graph in store.raw.named_graphs():
            if isinstance(graph, ox.NamedNode) and graph.value.startswith(starts):
                yield graph
    else:
        yield from (ox.NamedNode(g) for g in (ONTOLOGY_GRAPH, *vocabulary_graphs(store)))


def vocabulary_graphs(store: Store) -> list[str]:
    """The concept schemes' graphs in the store (ours and the republished ones)."""
    from .system import system_graph_names

    return [g for g in system_graph_names() if g != ONTOLOGY_GRAPH and store.has_graph(g)]


def _triples(store: Store, graphs: Iterable[ox.NamedNode]) -> Iterator[ox.Triple]:
    raw = store.raw
    for graph in graphs:
        for q in raw.quads_for_pattern(None, None, None, graph):
            yield q.triple


def write(store: Store, settings: Settings, name: str, out: IO[bytes], *,
          index: Index | None = None) -> None:
    """Write the content of dump ``name`` (before gzip) to a binary file, streaming."""
    dump = BY_NAME[name]
    base = settings.base.rstrip("/")
    raw = store.raw
    if name == "registry.nq.gz":
        raw.dump(out, ox.RdfFormat.N_QUADS)
    elif name == "registry.trig.gz":
        raw.dump(out, ox.RdfFormat.TRIG, prefixes=prefixes(base))
    elif name.endswith(".csv"):
        _write_csv(store, settings, name.removesuffix(".csv"), out, index)
    elif name == "ontology.ttl":
        if store.has_graph(ONTOLOGY_GRAPH):
            raw.dump(out, ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(ONTOLOGY_GRAPH),
                     prefixes=prefixes(base))
    elif name == "vocabularies.ttl":
        graphs = [ox.NamedNode(g) for g in vocabulary_graphs(store)]
        ox.serialize(_triples(store, graphs), out, ox.RdfFormat.TURTLE, prefixes=prefixes(base))
    elif dump.dataset is not None:
        fmt = ox.RdfFormat.TURTLE if dump.media_type == "text/turtle" else ox.RdfFormat.JSON_LD
        ox.serialize(_triples(store, dataset_graphs(store, dump.dataset)), out, fmt,
                     prefixes=prefixes(base) if fmt == ox.RdfFormat.TURTLE else None)
    else:  # a name added to DUMPS without a way to make it
        raise ValueError(f"no builder for the dump {name}")


def _write_csv(store: Store, settings: Settings, path: str, out: IO[bytes],
               index: Index | None) -> None:
    from .search import Index
    from .web.lists import full_csv

    own = index is None
    if own:
        index = Index(store)
    try:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        for chunk in full_csv(index, path, "pl", settings.base.rstrip("/")):
            text.write(chunk)
        text.flush()
        text.detach()
    finally:
        if own:
            index.close()


def _make_dump(store: Store, settings: Settings, name: str, index: Index | None):
    def make(tmp: Path, _state: State) -> dict:
        with tmp.open("wb") as f:
            sink = _Sink(f)
            if BY_NAME[name].gzip:
                # No file name and time 0 in the header: the same data gives the same bytes.
                with gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=GZIP_LEVEL,
                                   mtime=0) as z:
                    write(store, settings, name, z, index=index)
            else:
                write(store, settings, name, sink, index=index)
            f.flush()
            os.fsync(f.fileno())
        return {"name": name, "byte_size": sink.size, "sha256": sink.sha256.hexdigest()}

    return make


def _built(path: Path, meta: dict) -> BuiltDump:
    return BuiltDump(name=meta["name"], path=str(path), version=meta["version"],
                     byte_size=meta["byte_size"], sha256=meta["sha256"], modified=meta["modified"])


def current(store: Store, settings: Settings, name: str, *, index: Index | None = None) -> BuiltDump:
    """The dump ``name`` of the store as it is now, built if the cached one is of another version.

    ``index`` (the search index, for the CSV dumps) is opened for the occasion when not given.
    """
    if name not in BY_NAME:
        raise KeyError(name)
    path, meta = cached(store, settings, name, _make_dump(store, settings, name, index))
    return _built(path, meta)


def build(store: Store, settings: Settings, name: str, *, index: Index | None = None) -> BuiltDump:
    """Build the dump ``name`` anew (even if a file of this version exists) and return it."""
    if name not in BY_NAME:
        raise KeyError(name)
    st = state(store, settings)
    _remove(_meta_path(root(settings) / f"v{st.version}" / name))
    return current(store, settings, name, index=index)


def built(settings: Settings, name: str, version: int | None = None) -> BuiltDump | None:
    """The newest complete build of ``name`` (of ``version``, if given), without building."""
    folder = root(settings)
    versions = []
    for sub in folder.iterdir() if folder.is_dir() else ():
        match = _VERSION_DIR.match(sub.name)
        if match and (version is None or int(match.group(1)) == version):
            versions.append((int(match.group(1)), sub))
    for _, sub in sorted(versions, reverse=True):
        meta = _read_meta(sub / name)
        if meta is not None and "sha256" in meta:
            return _built(sub / name, meta)
    return None


# -- VoID ----------------------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
VOID_PATH = "/.well-known/void"
# The vocabularies the registry's data uses (void:vocabulary).
VOCABULARIES = (
    "https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/regorg#",
    "http://www.w3.org/ns/adms#", "http://www.w3.org/ns/locn#", "http://purl.org/dc/terms/",
    "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/dcat#", "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/", "http://purl.org/linked-data/cube#",
    "http://data.europa.eu/eli/ontology#", "http://purl.org/essglobal/vocab/", ONTOLOGY_GRAPH,
)
_FORMATS = {"application/n-quads": "N-Quads", "application/trig": "TriG", "text/turtle": "Turtle",
            "application/ld+json": "JSON-LD"}
_KINDS = ("entity", "offer", "opportunity", "action", "programme", "unit")


def void_stats(store: Store, settings: Settings) -> dict:
    """Counts for the VoID description, computed once per store version (a few SPARQL
    aggregates, run inside Oxigraph) and cached beside the dumps."""

    def make(tmp: Path, _state: State) -> dict:
        stats = _void_counts(store)
        tmp.write_text(json.dumps(stats))
        return {"name": "void.json"}

    path, _ = cached(store, settings, "void.json", make)
    return json.loads(path.read_text())


def _void_counts(store: Store) -> dict:
    from .catalog import DATASETS

    raw, base = store.raw, store.base
    queries = {
        "classes": "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?k } FILTER(isIRI(?k)) }"
                   " GROUP BY ?k",
        "properties": "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?k ?o } } GROUP BY ?k",
        "graphs": "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?s ?p ?o } } GROUP BY ?k",
        "offers": "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s <https://schema.org/offeredBy> ?e }"
                  f' FILTER(STRSTARTS(STR(?s), "{base}/id/offer/") && !CONTAINS(STR(?s), "#"))'
                  ' BIND("offer" AS ?k) } GROUP BY ?k',
    }

    def run(sparql: str) -> list[tuple[str, int]]:
        out = []
        solutions = raw.query(sparql)
        try:
            for row in solutions:
                out.append((row["k"].value, int(row["n"].value)))
        finally:
            del solutions  # read and dropped in this thread (pyoxigraph's solutions stay in one)
        return out

    # Each is one pass over an index inside Oxigraph, which lets go of Python's lock: side by side.
    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        found = dict(zip(queries, pool.map(run, queries.values())))
    system = {ONTOLOGY_GRAPH, *vocabulary_graphs(store)}
    # A document's graph holds one resource of its kind (offers live in their entity's graph).
    kinds = dict.fromkeys(_KINDS, 0)
    kinds["offer"] = found["offers"][0][1] if found["offers"] else 0
    document_kinds = {f"{base}/{k}/": k for k in _KINDS if k != "offer"}
    starts = {d.key: tuple(f"{base}/{k}/" for k in d.kinds) for d in DATASETS if d.kinds}
    subsets = {d.key: {"triples": 0, "documents": 0} for d in DATASETS}
    for graph, n in found["graphs"]:
        head = graph[:graph.rfind("/") + 1]
        if head in document_kinds and graph.rfind("/") > len(base):
            kinds[document_kinds[head]] += 1
        key = "concept-schemes" if graph in system else next(
            (k for k, s in starts.items() if graph.startswith(s)), None)
        if key in subsets:
            subsets[key]["triples"] += n
            subsets[key]["documents"] += 1
    for d in DATASETS:
        subsets[d.key]["entities"] = sum(kinds[k] for k in d.kinds) + (
            kinds["offer"] if "entity" in d.kinds else 0)
    concept = ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept")
    subsets["concept-schemes"]["entities"] = sum(
        1 for q in raw.quads_for_pattern(None, RDF_TYPE, concept, None) if q.graph_name.value in system)
    examples = []
    for kind in ("entity", "opportunity", "action", "programme", "unit"):
        start = f"{base}/{kind}/"
        for graph in raw.named_graphs():
            if graph.value.startswith(start):
                examples.append(f"{base}/id/{kind}/{graph.value[len(start):]}")
                break
    return {"triples": len(raw), "entities": sum(kinds.values()), "kinds": kinds,
            "classes": dict(found["classes"]), "properties": dict(found["properties"]),
            "subsets": subsets, "examples": examples}


def void_triples(store: Store, settings: Settings) -> list[ox.Triple]:
    """The VoID description of the registry: the whole store as one ``void:Dataset`` with its
    class and property partitions, dumps and endpoint, and a subset per catalogue dataset."""
    from .catalog import DATASETS

    base = settings.base.rstrip("/")
    stats = void_stats(store, settings)
    modified = state(store, settings).modified
    doc = f"{base}{VOID_PATH}"
    registry = f"{doc}#registry"
    licence = getattr(settings, "licence", "") or (
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    dct, foaf = "http://purl.org/dc/terms/", "http://xmlns.com/foaf/0.1/"
    rdf_type = RDF_TYPE.value
    out: list[tuple[str, str, object]] = [
        (doc, rdf_type, _n(VOID + "DatasetDescription")),
        (doc, dct + "title", ox.Literal("Opis VoID rejestru", language="pl")),
        (doc, dct + "title", ox.Literal("VoID description of the registry", language="en")),
        (doc, foaf + "primaryTopic", _n(registry)),
        (registry, rdf_type, _n(VOID + "Dataset")),
        (registry, dct + "title", ox.Literal("Rejestr podmiotów ekonomii społecznej w Toruniu",
                                             language="pl")),
        (registry, dct + "title", ox.Literal("Registry of social economy entities in Toruń",
                                             language="en")),
        (registry, foaf + "homepage", _n(f"{base}/")),
        (registry, dct + "license", _n(licence)),
        (registry, dct + "modified", ox.Literal(modified, datatype=XSD_DATE_TIME)),
        (registry, VOID + "sparqlEndpoint", _n(f"{base}/sparql")),
        (registry, VOID + "uriSpace", ox.Literal(f"{base}/id/")),
        (registry, VOID + "triples", _int(stats["triples"])),
        (registry, VOID + "entities", _int(stats["entities"])),
        *[(registry, VOID + "vocabulary", _n(v)) for v in VOCABULARIES],
        *[(registry, VOID + "exampleResource", _n(e)) for e in stats["examples"]],
    ]
    for dump in DUMPS:
        if dump.dataset is None:
            out += _void_dump(registry, base, dump)
    for i, (cls, n) in enumerate(sorted(stats["classes"].items()), 1):
        part = f"{doc}#class-{i}"
        out += [(registry, VOID + "classPartition", _n(part)), (part, rdf_type, _n(VOID + "Dataset")),
                (part, VOID + "class", _n(cls)), (part, VOID + "entities", _int(n))]
    for i, (prop, n) in enumerate(sorted(stats["properties"].items()), 1):
        part = f"{doc}#property-{i}"
        out += [(registry, VOID + "propertyPartition", _n(part)),
                (part, rdf_type, _n(VOID + "Dataset")),
                (part, VOID + "property", _n(prop)), (part, VOID + "triples", _int(n))]
    for spec in DATASETS:
        subset = f"{base}/catalog#{spec.key}"
        counts = stats["subsets"][spec.key]
        out += [
            (registry, VOID + "subset", _n(subset)),
            (subset, rdf_type, _n(VOID + "Dataset")),
            (subset, dct + "title", ox.Literal(spec.title[0], language="pl")),
            (subset, dct + "title", ox.Literal(spec.title[1], language="en")),
            (subset, dct + "license", _n(licence)),
            (subset, VOID + "sparqlEndpoint", _n(f"{base}/sparql")),
            (subset, VOID + "triples", _int(counts["triples"])),
            (subset, VOID + "entities", _int(counts["entities"])),
        ]
        for dump in DUMPS:
            if dump.dataset == spec.key and dump.media_type in _FORMATS:
                out += _void_dump(subset, base, dump)
    return list(dict.fromkeys(ox.Triple(_n(s), _n(p), o) for s, p, o in out))


def _void_dump(dataset: str, base: str, dump: Dump) -> list[tuple[str, str, object]]:
    return [(dataset, VOID + "dataDump", _n(f"{base}/dumps/{dump.name}")),
            (dataset, VOID + "feature",
             _n(f"http://www.w3.org/ns/formats/{_FORMATS[dump.media_type]}"))]


def _n(iri) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


# -- rebuilding in the background ----------------------------------------------------------------


class Rebuilder:
    """Rebuilds the downloads in the background once writes have paused, so that the first
    request after a change finds them ready instead of waiting for the build.

    A store listener notes each write; a daemon thread waits until ``delay`` seconds pass without
    one, then builds every dump of ``DUMPS`` for the store version of the moment (the whole store
    first), one after the other at low priority. A build that a newer write makes stale is
    started again by ``cached``; a request for a file being built waits for that build. Errors
    are logged and never reach the write that triggered them.
    """

    def __init__(self, store: Store, settings: Settings, *, delay: float = 30.0,
                 index: Index | None = None):
        self.store, self.settings, self.delay, self.index = store, settings, delay, index
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._last_write = 0.0
        self.rounds = 0  # completed rounds of builds (for tests and logs)
        self._thread = threading.Thread(target=self._run, name="dumps-rebuild", daemon=True)
        store.listeners.append(self._noted)

    def start(self, *, now: bool = False) -> Rebuilder:
        """Start the thread; ``now`` builds at once whatever is missing for the current version."""
        if now:
            self._changed.set()
        self._thread.start()
        return self

    def _noted(self, _written, _removed, _version: int) -> None:
        import time

        self._last_write = time.monotonic()
        self._changed.set()

    def _run(self) -> None:
        import logging
        import time

        log = logging.getLogger(__name__)
        while not self._stop.is_set():
            if not self._changed.wait(timeout=1.0):
                continue
            quiet = self.delay - (time.monotonic() - self._last_write)
            if quiet > 0:  # writes are still coming: wait for a pause
                self._stop.wait(min(quiet, 5.0))
                continue
            self._changed.clear()
            for dump in DUMPS:
                if self._stop.is_set() or self._changed.is_set():
                    break  # stopping, or newer writes: start over after the next pause
                try:
                    current(self.store, self.settings, dump.name, index=self.index)
                except Exception:  # a failed build is retried at the next request or write
                    log.exception("background build of %s failed", dump.name)
            else:
                self.rounds += 1

    def stop(self) -> None:
        self._stop.set()
        if self._noted in self.store.listeners:
            self.store.listeners.remove(self._noted)
        if self._thread.is_alive():
            self._thread.join(timeout=60)
