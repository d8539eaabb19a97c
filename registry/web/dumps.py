"""Publishing: bulk downloads, the VoID description, the sitemap and robots.txt.

* ``GET /dumps/``: the downloads (HTML, or JSON by ``Accept``), with their sizes once built.
* ``GET|HEAD /dumps/{name}``: one file of ``registry.dumps.DUMPS``, built on the first request
  after a change of the store (a second request waits for that build), then served from the
  cache with ``Content-Length``, ``ETag``, ``Last-Modified``, ranges and conditional requests
  (304). Gzipped files are ``application/gzip`` attachments (no ``Content-Encoding``: a client
  must not unpack them on the fly; what they hold is said by their name and on ``/dumps/``).
* ``GET /.well-known/void``: VoID (Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept``), its
  counts computed once per store version.
* ``GET /sitemap.xml``: every page, with ``lastmod``; above ``SITEMAP_CAP`` addresses it is a
  sitemap index of ``/sitemap-{n}.xml``. Written once per store version, then served as a file.
* ``GET /robots.txt``: everything allowed, and where the sitemap is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file

from .. import dumps
from ..namespaces import KINDS, ONTOLOGY_GRAPH
from ..sparqlservice import OUTPUT_PREFIXES
from ..store import graph_iri
from .http import content_type, negotiate, not_modified

bp = Blueprint("dumps", __name__)

SITEMAP_CAP = 50_000  # addresses per sitemap file (the sitemap protocol's limit)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
VOID_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
                "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
FORMAT_NAMES = {"application/n-quads": "N-Quads", "application/trig": "TriG", "text/turtle": "Turtle",
                "application/ld+json": "JSON-LD", "text/csv": "CSV"}
# Pages that are not resources, in the order the sitemap lists them.
PAGES = ("/", "/entities", "/offers", "/opportunities", "/actions", "/programme", "/vocab",
         "/ontology", "/catalog", "/sparql", "/api/queries", "/dumps/")
MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")


def _store():
    return current_app.extensions["registry.store"]


def _settings():
    return current_app.extensions["registry.settings"]


def _base() -> str:
    return _settings().base.rstrip("/")


@bp.record_once
def _watch(state) -> None:
    app = state.app
    dumps.watch(app.extensions["registry.store"], app.extensions["registry.settings"])


def _revalidate(response: Response, st: dumps.State) -> Response:
    """Headers of everything cached per store version: may be stored, must be revalidated."""
    response.last_modified = dumps.http_date(st.modified)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


def _not_modified_since(st: dumps.State) -> bool:
    """True when the request's If-Modified-Since is not older than the last write (and it
    sends no If-None-Match, which takes precedence)."""
    if request.headers.get("If-None-Match"):
        return False
    since = request.if_modified_since
    return since is not None and dumps.http_date(st.modified).replace(microsecond=0) <= since


def _conditional(etag: str, st: dumps.State) -> Response | None:
    if not_modified(f'"{etag}"') or _not_modified_since(st):
        response = Response(status=304)
        response.set_etag(etag)
        return _revalidate(response, st)
    return None


# -- the downloads -------------------------------------------------------------------------------


def _size_text(size: int, lang: str) -> str:
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= factor:
            text = f"{size / factor:.1f}"
            return f"{text.replace('.', ',') if lang == 'pl' else text} {unit}"
    return f"{size} B"


@bp.get("/dumps/")
def index():
    store, settings, base = _store(), _settings(), _base()
    version = store.version()
    rows = []
    for d in dumps.DUMPS:
        done = dumps.built(settings, d.name, version)
        rows.append({
            "name": d.name, "href": f"/dumps/{d.name}", "url": f"{base}/dumps/{d.name}",
            "title": d.title, "dataset": d.dataset, "mediaType": d.media_type,
            "format": FORMAT_NAMES.get(d.media_type, d.media_type), "fileType": d.file_type,
            "gzip": d.gzip, "bytes": done.byte_size if done else None,
            "sha256": done.sha256 if done else None,
            "size": _size_text(done.byte_size, g.get("lang", "pl")) if done else None,
        })
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        body = {
            "version": version, "void": f"{base}{dumps.VOID_PATH}",
            "dumps": [{
                "name": r["name"], "url": r["url"], "title": {"pl": r["title"][0], "en": r["title"][1]},
                "dataset": r["dataset"], "mediaType": r["mediaType"], "fileType": r["fileType"],
                "gzip": r["gzip"], "byteSize": r["bytes"], "sha256": r["sha256"],
            } for r in rows],
        }
        response = current_app.json.response(body)
    else:
        response = Response(render_template("dumps.html", dumps=rows, version=version))
    response.vary.add("Accept")
    return response


@bp.get("/dumps/<name>")
def download(name: str):
    dump = dumps.BY_NAME.get(name)
    if dump is None:
        abort(404, description=f"Nie ma pliku „{name[:80]}”; wszystkie pliki: /dumps/. "
                               f"There is no file “{name[:80]}”; all files are listed at /dumps/.")
    store, settings = _store(), _settings()
    search = current_app.extensions.get("registry.search")
    mimetype = "application/gzip" if dump.gzip else dump.media_type
    for attempt in range(3):
        built = dumps.current(store, settings, name, index=search)
        etag = f"v{built.version}-{name}-{built.sha256[:16]}"
        try:
            response = send_file(
                built.path, mimetype=mimetype, as_attachment=True, download_name=name,
                conditional=True, etag=etag, last_modified=dumps.http_date(built.modified),
                max_age=None)
        except FileNotFoundError:  # replaced by a newer version between the two steps
            if attempt == 2:
                raise
            continue
        response.cache_control.public = True
        response.cache_control.no_cache = True
        return response
    raise AssertionError("unreachable")


# -- VoID ----------------------------------------------------------------------------------------


@bp.get("/.well-known/void")
def void():
    fmt = negotiate("graph")
    if fmt not in VOID_FORMATS:
        return Response("VoID is available as Turtle, JSON-LD, N-Triples or RDF/XML.\n", status=406,
                        content_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})
    store, settings = _store(), _settings()
    st = dumps.state(store, settings)
    etag = f"void-{st.version}-{st.fingerprint[:8]}-{fmt}"
    response = _conditional(etag, st)
    if response is None:
        triples = dumps.void_triples(store, settings)
        prefixes = dict(OUTPUT_PREFIXES, void=dumps.VOID) if fmt in ("ttl", "rdf") else None
        body = ox.serialize(triples, format=VOID_FORMATS[fmt], prefixes=prefixes)
        response = Response(body, content_type=content_type(fmt))
        response.set_etag(etag)
        _revalidate(response, st)
    response.vary.add("Accept")
    return response


# -- the sitemap and robots.txt ------------------------------------------------------------------


def _urls(store, settings, index, modified: str) -> Iterator[tuple[str, str]]:
    """Every page of the site with its last change: (address, W3C date-time). The local pages of
    harvested documents are left out: they belong in their own registry's sitemap."""
    from .vocab import vocabulary

    base = settings.base.rstrip("/")
    for path in PAGES:
        yield base + path, modified
    raw = store.raw
    if index is not None:
        index.ensure_current()
        for kind in KINDS:
            ids = list(index.local_ids(kind))  # harvested documents are their registries' pages
            for start in range(0, len(ids), 500):
                dates: dict[str, str] = {}
                for hit in index.hits(ids[start:start + 500]):
                    when = hit.data.get("modified") if kind == "entity" else None
                    if not when:
                        owner = hit.data.get("entity") if kind == "offer" else hit.iri
                        if owner and owner not in dates:
                            dates[owner] = _modified(raw, base, owner)
                        when = dates.get(owner or "")
                    yield f"{base}/{hit.kind}/{hit.key}", when or modified
    voc = vocabulary()
    released = _modified_in(raw, ONTOLOGY_GRAPH, ONTOLOGY_GRAPH) or modified
    for key, scheme in sorted(voc.schemes.items()):
        when = _modified_in(raw, scheme.iri, scheme.iri) or released
        yield f"{base}/vocab/{key}", when
        for concept_key in sorted(scheme.by_key):
            yield f"{base}/vocab/{key}/{concept_key}", when


def _modified(raw, base: str, iri: str) -> str | None:
    """``dct:modified`` of a main resource of this registry, in its document's graph."""
    prefix = f"{base}/id/"
    if not iri.startswith(prefix):
        return None
    kind, _, key = iri[len(prefix):].partition("/")
    return _modified_in(raw, iri, graph_iri(base, kind, key))


def _modified_in(raw, iri: str, graph: str) -> str | None:
    for q in raw.quads_for_pattern(ox.NamedNode(iri), MODIFIED, None, ox.NamedNode(graph)):
        return q.object.value
    return None


def _write_sitemap(folder: Path, urls: Iterator[tuple[str, str]], base: str, cap: int,
                   modified: str) -> dict:
    """Write ``sitemap.xml`` (and its parts when there are more than ``cap`` addresses)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
    parts, count, out = 0, 0, None
    try:
        for loc, lastmod in urls:
            if out is None or count == cap:
                if out is not None:
                    out.write("</urlset>\n")
                    out.close()
                parts += 1
                count = 0
                out = (folder / f"sitemap-{parts}.xml").open("w", encoding="utf-8")
                out.write(head)
            out.write(f"<url><loc>{xml_escape(loc)}</loc><lastmod>{xml_escape(lastmod)}</lastmod></url>\n")
            count += 1
        if out is None:
            parts = 1
            out = (folder / "sitemap-1.xml").open("w", encoding="utf-8")
            out.write(head)
        out.write("</urlset>\n")
    finally:
        if out is not None:
            out.close()
    if parts == 1:
        (folder / "sitemap-1.xml").replace(folder / "sitemap.xml")
    else:
        with (folder / "sitemap.xml").open("w", encoding="utf-8") as index:
            index.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n')
            for n in range(1, parts + 1):
                index.write(f"<sitemap><loc>{xml_escape(base)}/sitemap-{n}.xml</loc>"
                            f"<lastmod>{xml_escape(modified)}</lastmod></sitemap>\n")
            index.write("</sitemapindex>\n")
    return {"parts": parts if parts > 1 else 0}


def _sitemap() -> tuple[Path, dict, dumps.State]:
    """The sitemap's folder of the current store version (written if need be), its metadata and
    the state it is of."""
    store, settings = _store(), _settings()
    index = current_app.extensions.get("registry.search")
    cap = SITEMAP_CAP

    def make(folder: Path, st: dumps.State) -> dict:
        urls = _urls(store, settings, index, st.modified)
        return _write_sitemap(folder, urls, settings.base.rstrip("/"), cap, st.modified)

    path, meta = dumps.cached(store, settings, f"sitemap-{cap}", make, folder=True)
    return path, meta, dumps.State(meta["version"], meta["modified"], meta["fingerprint"])


def _serve_xml(path: Path, st: dumps.State, etag: str):
    response = _conditional(etag, st)
    if response is None:
        response = send_file(path, mimetype="application/xml", conditional=True, etag=etag,
                             last_modified=dumps.http_date(st.modified), max_age=None)
        response.cache_control.public = True
        response.cache_control.no_cache = True
    return response


@bp.get("/sitemap.xml")
def sitemap():
    folder, meta, st = _sitemap()
    return _serve_xml(folder / "sitemap.xml", st, f"sitemap-{meta['version']}-{meta['fingerprint'][:8]}")


@bp.get("/sitemap-<int:n>.xml")
def sitemap_part(n: int):
    folder, meta, st = _sitemap()
    if not 1 <= n <= meta.get("parts", 0):
        abort(404, description="Nie ma takiej części mapy strony; zob. /sitemap.xml. "
                               "There is no such part of the sitemap; see /sitemap.xml.")
    return _serve_xml(folder / f"sitemap-{n}.xml", st,
                      f"sitemap-{n}-{meta['version']}-{meta['fingerprint'][:8]}")


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\n\nSitemap: {_base()}/sitemap.xml\n"
    return Response(body, content_type="text/plain; charset=utf-8")

