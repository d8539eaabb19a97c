"""The registry's DCAT-AP catalogue on the web, and dane.gov.pl's harvesting file.

* ``GET /catalog``: the catalogue page (HTML), or the catalogue as RDF by ``Accept`` (Turtle,
  JSON-LD, RDF/XML, N-Triples; ``Vary: Accept``). ``/catalog.{ttl,jsonld,rdf,nt}``: the RDF.
* Incremental harvesting: ``?modified_since=`` (an ISO 8601 date or date-time) keeps the datasets
  changed since then (by ``dct:modified``); ``?page=`` and ``?per=`` (at most 100 datasets a
  page) cut the datasets into pages. With any of the three the answer is a page, described with
  Hydra as ckanext-dcat's harvester reads it: a ``hydra:PartialCollectionView`` (also typed
  ``hydra:PagedCollection``, for older harvesters) with ``hydra:first``, ``hydra:last``,
  ``hydra:next`` (none on the last page), ``hydra:previous``, ``hydra:totalItems`` and
  ``hydra:itemsPerPage``. A bad value is a 400 that names the parameter.
* ``GET /dane-gov-pl.xml``: the catalogue in dane.gov.pl's XML harvesting format
  (``application/xml``); ``GET /dane-gov-pl.md5``: the MD5 of exactly those bytes
  (``text/plain``), as the portal's harvester checks it. HEAD works on both.

The catalogue is built from the live store once per store version (and per state of the
built dumps, whose sizes and checksums it lists), so its dates change with the data; ETags follow
the same key. When the application starts, it rewrites the stored catalogue graph (the one SPARQL
harvesters read) if that no longer matches the data.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, render_template, request

from .. import catalog
from ..catalog import Catalogue, PageView
from . import views
from .http import GRAPH_FORMATS, content_type, negotiate, not_modified, prefers_html

log = logging.getLogger(__name__)

bp = Blueprint("catalog", __name__)

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
               "rdf": ox.RdfFormat.RDF_XML, "nt": ox.RdfFormat.N_TRIPLES}
MEDIA = {k: v for k, v in GRAPH_FORMATS if k in RDF_FORMATS}
FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "rdf": "RDF/XML", "nt": "N-Triples"}
PAGING = ("modified_since", "page", "per")
MAX_PER = 100
MAX_PAGE = 1_000_000
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": catalog.VCARD,
    "spdx": catalog.SPDX,
    "dcatap": catalog.DCATAP,
    "hydra": catalog.HYDRA,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


# -- the catalogue of the current store version --------------------------------------------------


class _Cache:
    """The catalogue of one store version (and state of the dumps), with what is made from it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._catalogue: Catalogue | None = None
        self._made: dict[tuple, bytes] = {}

    def get(self, store, settings) -> tuple[Catalogue, str]:
        version = store.version()
        key = (version, catalog.dumps_state(settings, version))
        with self._lock:
            if key != self._key or self._catalogue is None:
                self._catalogue = catalog.build(store, settings)
                self._key = key
                self._made = {}
            return self._catalogue, _tag(key)

    def made(self, what: tuple, make) -> bytes:
        """Something made from the current catalogue (a serialisation), made once."""
        with self._lock:
            found = self._made.get(what)
        if found is None:
            found = make()
            with self._lock:
                self._made[what] = found
        return found


def _tag(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


@bp.record_once
def _start(state) -> None:
    app = state.app
    app.extensions["registry.catalog"] = _Cache()
    store, settings = app.extensions["registry.store"], app.extensions["registry.settings"]
    try:
        if catalog.refresh(store, settings):
            log.info("the stored catalogue was out of date: rewritten")
    except Exception:  # serving must not depend on it; /catalog builds its own
        log.exception("could not refresh the stored catalogue")


def _current() -> tuple[Catalogue, str]:
    app = current_app
    return app.extensions["registry.catalog"].get(app.extensions["registry.store"],
                                                  app.extensions["registry.settings"])


# -- the selection: every dataset, or a page of them -----------------------------------------------


@dataclass(frozen=True)
class Selection:
    keys: tuple[str, ...]
    view: PageView | None
    query: str  # the paging parameters, canonical (for ETags)


def _select(cat: Catalogue, path: str) -> Selection:
    args = request.args
    if not any(name in args for name in PAGING):
        return Selection(tuple(d.spec.key for d in cat.datasets), None, "")
    datasets = cat.datasets
    since_text = args.get("modified_since")
    if since_text is not None:
        try:
            since = catalog.parse_moment(since_text)
        except ValueError:
            abort(400, description="modified_since: an ISO 8601 date or date-time (such as "
                                   f"2025-01-31 or 2025-01-31T12:00:00Z), not {_short(since_text)!r}.")
        datasets = catalog.modified_since(cat, since)
    per = _whole(args.get("per"), "per", 1, MAX_PER, MAX_PER)
    page = _whole(args.get("page"), "page", 1, MAX_PAGE, 1)
    total = len(datasets)
    last = max(1, math.ceil(total / per))
    if page > last:
        abort(404, description=f"page: there {'is' if last == 1 else 'are'} {last} "
                               f"page{'' if last == 1 else 's'} of datasets, not {page}.")
    chosen = datasets[(page - 1) * per:page * per]

    def url(n: int) -> str:
        params = [("modified_since", since_text)] if since_text is not None else []
        params += [("page", str(n)), ("per", str(per))]
        return f"{cat.base}{path}?{urlencode(params)}"

    view = PageView(url(page), url(1), url(last), url(page + 1) if page < last else None,
                    url(page - 1) if page > 1 else None, total, per)
    return Selection(tuple(d.spec.key for d in chosen), view, view.iri)


def _whole(text: str | None, name: str, low: int, high: int, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        abort(400, description=f"{name}: a whole number from {low} to {high}, not {_short(text)!r}.")
    return value


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


# -- routes ----------------------------------------------------------------------------------------


@bp.get("/catalog")
def catalog_page():
    cat, tag = _current()
    if prefers_html("graph") or not request.headers.get("Accept", "").strip():
        selection = _select(cat, "/catalog")
        response = Response(render_template("catalog.html", page=_page(cat, selection),
                                            formats=_formats()),
                            content_type="text/html; charset=utf-8")
    else:
        fmt = negotiate("graph")
        if fmt not in RDF_FORMATS:
            response = Response("The catalogue is available as HTML, Turtle, JSON-LD, RDF/XML or "
                                "N-Triples.\n", status=406, content_type="text/plain; charset=utf-8")
        else:
            response = _rdf(cat, tag, fmt, "/catalog")
            response.headers["Content-Location"] = f"/catalog.{fmt}"
    response.vary.add("Accept")
    return response


@bp.get("/catalog.<ext>")
def catalog_document(ext: str):
    if ext not in RDF_FORMATS:
        abort(404, description=f"The catalogue is served as .ttl, .jsonld, .rdf or .nt, not "
                               f".{_short(ext)}.")
    cat, tag = _current()
    return _rdf(cat, tag, ext, f"/catalog.{ext}")


def _rdf(cat: Catalogue, tag: str, fmt: str, path: str) -> Response:
    selection = _select(cat, path)
    etag = f'"catalog-{tag}-{fmt}-{_tag((selection.query,))[:8]}"'
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    cache = current_app.extensions["registry.catalog"]
    prefixes = PREFIXES if fmt in ("ttl", "rdf") else None
    body = cache.made(("rdf", fmt, selection.query), lambda: ox.serialize(
        catalog.triples(cat, selection.keys, selection.view), format=RDF_FORMATS[fmt],
        prefixes=prefixes))
    response = Response(body, content_type=content_type(fmt))
    response.headers["ETag"] = etag
    response.headers["Link"] = '</catalog>; rel="alternate"; type="text/html"'
    return response


@bp.get("/dane-gov-pl.xml")
def dane_gov_pl_xml():
    cat, tag = _current()
    etag = f'"dane-gov-pl-{tag}"'
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    body = _xml(cat)
    return Response(body, content_type="application/xml; charset=utf-8",
                    headers={"ETag": etag})


@bp.get("/dane-gov-pl.md5")
def dane_gov_pl_md5():
    cat, tag = _current()
    etag = f'"dane-gov-pl-md5-{tag}"'
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    digest = catalog.md5_hex(_xml(cat))
    return Response(digest + "\n", content_type="text/plain; charset=utf-8",
                    headers={"ETag": etag})


def _xml(cat: Catalogue) -> bytes:
    cache = current_app.extensions["registry.catalog"]
    return cache.made(("dane-gov-pl",), lambda: catalog.dane_gov_pl_xml(cat))


# -- the page ------------------------------------------------------------------------------------


def _formats() -> list[dict]:
    return [{"ext": ext, "href": f"/catalog.{ext}", "media": MEDIA[ext], "name": FORMAT_NAMES[ext]}
            for ext in RDF_FORMATS]


def _page(cat: Catalogue, selection: Selection) -> dict:
    """What the catalogue page shows, in the page's language."""
    lang = getattr(g, "lang", "pl")
    pick = 0 if lang == "pl" else 1
    ctx = views.Ctx(current_app.extensions["registry.store"], cat.base, lang)

    def when(value: str | None):
        return ctx.when(ox.Literal(value, datatype=ox.NamedNode(str(catalog.XSD.dateTime)))) \
            if value else None

    labels, _, _ = catalog.licence_info(cat.licence)
    datasets = []
    for d in cat.datasets:
        if d.spec.key not in selection.keys:
            continue
        datasets.append({
            "key": d.spec.key,
            "iri": d.iri,
            "identifier": d.identifier,
            "title": d.spec.title[pick],
            "description": d.spec.description[pick],
            "landing": d.landing,
            "landing_path": d.spec.landing,
            "issued": when(d.issued),
            "modified": when(d.modified),
            "themes": [catalog.THEMES.get(t, (t, t))[pick] for t in d.spec.themes],
            "keywords": list(d.spec.keywords[pick]),
            "distributions": [{
                "identifier": x.identifier,
                "title": x.title[pick],
                "href": x.download_url or x.access_url,
                "service": x.download_url is None,
                "format": catalog.FILE_TYPES.get(x.file_type, (x.file_type,) * 2)[pick],
                "media_type": x.media_type,
                "gzip": x.gzip,
                "size": _size(x.byte_size, lang),
                "bytes": x.byte_size,
                "sha256": x.sha256,
            } for x in d.distributions],
        })
    publisher_key = cat.publisher.rsplit("/", 1)[1]
    return {
        "title": ("Katalog danych rejestru", "Data catalogue of the registry")[pick],
        "iri": cat.iri,
        "publisher": {"name": cat.publisher_name(lang), "href": f"/unit/{publisher_key}"},
        "licence": {"label": labels[pick] if labels else cat.licence,
                    "href": views.web_url(cat.licence)},
        "issued": when(cat.issued),
        "modified": when(cat.modified),
        "datasets": datasets,
        "view": selection.view,
        "service": {"endpoint": cat.endpoint, "iri": cat.service},
        "jsonld": _jsonld(cat, datasets, labels),
    }


def _size(byte_size: int | None, lang: str) -> str | None:
    if byte_size is None:
        return None
    units = ("B", "KiB", "MiB", "GiB")
    value, unit = float(byte_size), 0
    while value >= 1024 and unit < len(units) - 1:
        value, unit = value / 1024, unit + 1
    text = f"{value:.0f}" if unit == 0 else f"{value:.1f}"
    return (text.replace(".", ",") if lang == "pl" else text) + f" {units[unit]}"


def _jsonld(cat: Catalogue, datasets: list[dict], labels) -> dict:
    """schema.org's description of the catalogue (for search engines' dataset search)."""
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "@id": cat.iri,
        "url": cat.iri,
        "name": "Rejestr podmiotów ekonomii społecznej w Toruniu",
        "inLanguage": "pl",
        "license": cat.licence,
        "publisher": {"@type": "GovernmentOrganization", "@id": cat.publisher,
                      "name": cat.publisher_name("pl")},
        "dataset": [{
            "@type": "Dataset",
            "@id": d["iri"],
            "name": d["title"],
            "description": d["description"],
            "url": d["landing"],
            "identifier": d["identifier"],
            "license": cat.licence,
            "keywords": d["keywords"],
            "spatialCoverage": {"@type": "Place", "name": "Toruń", "sameAs": catalog.PLACE},
            **({"dateModified": d["modified"].iso} if d["modified"] else {}),
            "distribution": [{"@type": "DataDownload", "contentUrl": x["href"],
                              "encodingFormat": x["media_type"],
                              **({"contentSize": str(x["bytes"])} if x["bytes"] is not None
                                 else {})}
                             for x in d["distributions"] if not x["service"]],
        } for d in datasets],
    }
