"""Harvesting another registry: its DCAT catalogue, its RDF dump, our shapes, our store.

``harvest(store, catalog_url)``:

1. reads the catalogue (Turtle, RDF/XML, JSON-LD, N-Triples, by ``Content-Type``) and picks the
   best RDF distribution: a whole-registry N-Quads or TriG dump if there is one, else every
   Turtle, N-Triples, JSON-LD or RDF/XML distribution of its datasets;
2. downloads it (size-capped, gzip recognised by its magic bytes) into a temporary file;
3. keeps the statements of the source's documents (``{SOURCE}/id/{kind}/{key}`` and their
   fragments; the source's base is found in the data), drops its provenance, catalogue and
   vocabularies (ours are the same);
4. validates every document with our shapes through the one write path (``ingest`` with
   ``documents_base``: graphs are named after the source's document addresses, so local data is
   never touched) and stores the valid ones, reporting the rest;
5. withdraws what an earlier harvest of the same source brought and the source no longer has;
6. links entities known in both registries (the same KRS, NIP or REGON) with ``owl:sameAs``
   (``registry.links``).

Nothing is written when the catalogue or dump cannot be read. A harvest of this registry itself
is refused.
"""

from __future__ import annotations

import gzip
import re
import tempfile
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import links
from .errors import InputError, UsageError
from .ingest import IngestReport, Source, ingest, record_withdrawal
from .namespaces import DOCUMENT_KINDS
from .store import Store

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV = "http://www.w3.org/ns/prov#"
IANA = "https://www.iana.org/assignments/media-types/"

# Media types of dumps, best first: whole-registry formats, then graph formats.
PREFERENCE = ("application/n-quads", "application/trig", "text/turtle", "application/n-triples",
              "application/ld+json", "application/rdf+xml")
FORMATS = {
    "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SUFFIXES = {".nq": "application/n-quads", ".trig": "application/trig", ".ttl": "text/turtle",
            ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".rdf": "application/rdf+xml"}
MAX_CATALOG_BYTES = 20 * 1024 * 1024
_GRAPH = re.compile(r"^https?://.+/(" + "|".join(DOCUMENT_KINDS) + r")/[a-z0-9][a-z0-9-]*$")
_DOCUMENT = re.compile(r"^(https?://.+)/id/(" + "|".join(DOCUMENT_KINDS) + r")/([a-z0-9][a-z0-9-]*)$")


@dataclass
class HarvestReport:
    source: str  # the catalogue's URL
    source_base: str = ""
    downloads: list[str] = field(default_factory=list)
    ingest: IngestReport | None = None
    withdrawn: list[str] = field(default_factory=list)
    same_as: int = 0  # pairs of entities known in both registries (owl:sameAs)

    def summary(self) -> dict[str, int]:
        out = self.ingest.summary() if self.ingest else {}
        out["withdrawn"] = len(self.withdrawn)
        return out


def harvest(store: Store, catalog_url: str, *, agent: str | None = None, timeout: float = 60,
            max_bytes: int = 2 * 1024 ** 3) -> HarvestReport:
    """Harvest the registry whose DCAT catalogue is at ``catalog_url`` (see the module)."""
    if not re.match(r"^https?://", catalog_url):
        raise UsageError(f"{catalog_url}: the catalogue's address must be an http(s) URL")
    report = HarvestReport(catalog_url)
    catalog = _read_catalog(catalog_url, timeout)
    urls = _choose(catalog, catalog_url)
    with tempfile.TemporaryDirectory(prefix="harvest-") as work:
        triples_file = Path(work) / "documents.nt"
        bases: Counter[str] = Counter()
        with triples_file.open("wb") as out:
            for url, media in urls:
                path = _download(url, Path(work), timeout, max_bytes)
                report.downloads.append(url)
                _keep_documents(path, media, url, out, bases)
        if not bases:
            raise InputError(f"{catalog_url}: the dump holds no documents of a registry like this one")
        source_base = bases.most_common(1)[0][0]
        if source_base.rstrip("/") == store.base.rstrip("/"):
            raise UsageError("this is the registry's own catalogue; a registry does not harvest itself")
        report.source_base = source_base
        data = _only_base(triples_file, source_base)
        previous = _harvested_graphs(store, source_base)
        name = urls[0][0] if len(urls) == 1 else catalog_url
        report.ingest = ingest(store, [Source(name=name, data=data, titles=_catalog_titles(catalog))],
                               partial=True, agent=agent,
                               documents_base=source_base, max_bytes=max(len(data) + 1, 1))
        gone = previous - _present(data, source_base)
        if gone:
            record_withdrawal(store, sorted(gone), agent=agent,
                              reason=f"no longer in the catalogue {catalog_url}")
            report.withdrawn = sorted(gone)
        report.same_as = links.update(store)
    return report


def _catalog_titles(triples: list[ox.Triple]) -> dict[str, str]:
    """The catalogue's titles by language ("" for none), at most 200 characters each."""
    catalogs = {t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value == DCAT + "Catalog"}
    titles: dict[str, str] = {}
    for t in triples:
        if t.subject in catalogs and t.predicate.value == DCT + "title" and isinstance(t.object, ox.Literal):
            titles.setdefault(t.object.language or "", " ".join(t.object.value.split())[:200])
    return titles


def _fetch(url: str, timeout: float, accept: str) -> urllib.request.addinfourl:
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "pes-registry harvester"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http(s) checked)
    except urllib.error.HTTPError as e:
        raise InputError(f"{url}: the server answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise InputError(f"{url}: cannot be reached ({reason})") from None


def _read_catalog(url: str, timeout: float) -> list[ox.Triple]:
    accept = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7"
    with _fetch(url, timeout, accept) as response:
        media = response.headers.get_content_type()
        body = response.read(MAX_CATALOG_BYTES + 1)
    if len(body) > MAX_CATALOG_BYTES:
        raise InputError(f"{url}: the catalogue is larger than {MAX_CATALOG_BYTES} bytes")
    fmt = FORMATS.get(media)
    if fmt is None or media in ("application/n-quads", "application/trig"):
        raise InputError(f"{url}: not an RDF catalogue (Content-Type {media})")
    try:
        return list(ox.parse(body, format=fmt, base_iri=url))
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{url}: the catalogue is not valid {media}: {e}") from None


def _media(triples: list[ox.Triple], distribution: ox.Term) -> str | None:
    for t in triples:
        if t.subject == distribution and t.predicate.value in (DCAT + "mediaType", DCT + "format"):
            value = t.object.value
            if value.startswith(IANA):
                value = value[len(IANA):]
            if value in FORMATS:
                return value
    return None


def _choose(triples: list[ox.Triple], catalog_url: str) -> list[tuple[str, str]]:
    """The dumps to download: (URL, media type)."""
    downloads: dict[str, str] = {}
    for t in triples:
        if t.predicate.value in (DCAT + "downloadURL", DCAT + "accessURL") and isinstance(t.object, ox.NamedNode):
            url = t.object.value
            media = _media(triples, t.subject)
            if media is None:
                stem = url[:-3] if url.endswith(".gz") else url
                media = next((m for s, m in SUFFIXES.items() if stem.endswith(s)), None)
            if media is not None and (url not in downloads or t.predicate.value.endswith("downloadURL")):
                downloads[url] = media
    if not downloads:
        raise InputError(f"{catalog_url}: the catalogue lists no RDF download")
    for whole in ("application/n-quads", "application/trig"):
        found = sorted(u for u, m in downloads.items() if m == whole)
        if found:
            return [(found[0], whole)]
    return sorted(downloads.items(), key=lambda um: (PREFERENCE.index(um[1]), um[0]))


def _download(url: str, work: Path, timeout: float, max_bytes: int) -> Path:
    target = Path(tempfile.mkstemp(dir=work, suffix=".dump")[1])
    with _fetch(url, timeout, "*/*") as response, target.open("wb") as out:
        size = 0
        while chunk := response.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"{url}: larger than {max_bytes} bytes")
            out.write(chunk)
    with target.open("rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    if gzipped:
        plain = target.with_suffix(".plain")
        try:
            with gzip.open(target, "rb") as src, plain.open("wb") as out:
                size = 0
                while chunk := src.read(1 << 20):
                    size += len(chunk)
                    if size > max_bytes:
                        raise InputError(f"{url}: larger than {max_bytes} bytes once unpacked")
                    out.write(chunk)
        except (OSError, EOFError) as e:
            raise InputError(f"{url}: a broken gzip file ({e})") from None
        target.unlink()
        return plain
    return target


def _document_of(iri: str) -> tuple[str, str] | None:
    """(base, graph) of a document resource or fragment IRI."""
    m = _DOCUMENT.match(iri.split("#", 1)[0])
    if not m:
        return None
    return m.group(1), f"{m.group(1)}/{m.group(2)}/{m.group(3)}"


def _keep_documents(path: Path, media: str, url: str, out, bases: Counter) -> None:
    """Append the statements about documents' resources to ``out`` as N-Triples."""
    fmt = FORMATS[media]
    try:
        with path.open("rb") as f:
            batch = []
            for statement in ox.parse(f, format=fmt, base_iri=url, lenient=False):
                graph = getattr(statement, "graph_name", None)
                if isinstance(graph, ox.NamedNode) and not _GRAPH.match(graph.value):
                    continue  # a dump's provenance, catalogue or vocabulary graph
                subject = statement.subject
                if not isinstance(subject, ox.NamedNode):
                    if isinstance(subject, ox.BlankNode):
                        batch.append(ox.Triple(subject, statement.predicate, statement.object))
                    continue
                found = _document_of(subject.value)
                if found is None:
                    # offers live in their entity's document
                    if "/id/offer/" in subject.value:
                        batch.append(ox.Triple(subject, statement.predicate, statement.object))
                    continue
                if subject.value.split("#", 1)[0] == subject.value and statement.predicate.value == RDF_TYPE:
                    bases[found[0]] += 1
                batch.append(ox.Triple(subject, statement.predicate, statement.object))
                if len(batch) >= 10_000:
                    out.write(ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES))
                    batch.clear()
            if batch:
                out.write(ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{url}: not valid {media}: {e}") from None


def _only_base(path: Path, base: str) -> bytes:
    """The N-Triples of the documents of one base (other registries' documents are left out)."""
    keep = []
    prefix = (base + "/id/").encode()
    with path.open("rb") as f:
        for line in f:
            if line.startswith(b"<" + prefix) or line.startswith(b"_:"):
                keep.append(line)
    return b"".join(keep)


def _present(data: bytes, base: str) -> set[str]:
    graphs = set()
    prefix = (base + "/id/").encode()
    for line in data.splitlines():
        if line.startswith(b"<" + prefix):
            iri = line[1:line.index(b">")].decode()
            found = _document_of(iri)
            if found:
                graphs.add(found[1])
    return graphs


def _harvested_graphs(store: Store, base: str) -> set[str]:
    prefix = base.rstrip("/") + "/"
    return {g.value for g in store.raw.named_graphs()
            if g.value.startswith(prefix) and g.value[len(prefix):].split("/", 1)[0] in DOCUMENT_KINDS}
