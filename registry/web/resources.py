"""Dereferenceable IRIs: ``/id/{kind}/{key}`` answers 303 to the page or to the RDF document.

* ``GET /id/{kind}/{key}``: 303 See Other to ``/{kind}/{key}`` (HTML) or
  ``/{kind}/{key}.{ttl,jsonld,nt,rdf}`` (RDF), by ``Accept``.
* ``GET /{kind}/{key}.{ext}``: the resource's document: its own graph (for an offer, its part of
  the entity's document), the labels of what it links to, and a description of the document
  itself that links back to the page (``foaf:primaryTopic``).
* ``GET /{kind}/{key}``: the HTML page: a dedicated page per kind (``views`` gathers its data,
  ``{kind}.html`` shows it), or the generic page (every property with labelled values) for a
  resource the dedicated page does not expect.
* ``GET /programme``: the cooperation programmes, newest first, with the one in force.

Documents are read in this process from the live store (fixed, trusted queries); ETags follow the
store version.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request
from werkzeug.http import http_date, parse_date

from ..changes import last_modified
from ..editing import document_graph, document_tag
from ..labels import href as term_href
from ..namespaces import DOCUMENT_KINDS, KINDS, ONTOLOGY_GRAPH, PREFIXES
from ..sparqlservice import OUTPUT_PREFIXES
from ..store import graph_iri, resource_iri, valid_key
from . import views
from .http import GRAPH_FORMATS, content_type, negotiate, not_modified, prefers_html

bp = Blueprint("resources", __name__)

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdf": ox.RdfFormat.RDF_XML}
LABELS = ("https://schema.org/name", "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#notation")
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OFFERED_BY = "https://schema.org/offeredBy"


def _store():
    return current_app.extensions["registry.store"]


def _base() -> str:
    return current_app.extensions["registry.settings"].base


def _check(kind: str, key: str) -> None:
    if kind not in KINDS or not valid_key(key):
        abort(404, description=f"There is no resource /id/{kind}/{key} in this registry.")


def _document_graph(kind: str, key: str) -> str | None:
    """The named graph that holds the resource (an offer: its entity's), or None."""
    return document_graph(_store(), kind, key)


def document_triples(kind: str, key: str) -> list[ox.Triple] | None:
    """The RDF document of a resource: its triples, the labels of what it links to, and the
    description of the document itself."""
    graph = _document_graph(kind, key)
    if graph is None:
        return None
    store, base = _store(), _base()
    iri = resource_iri(base, kind, key)
    own = [q for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
    if kind not in DOCUMENT_KINDS:  # an offer: its own part of the entity's document
        own = [q for q in own if q.subject.value == iri or q.subject.value.startswith(iri + "#")]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in own]
    subjects = {q.subject for q in own}
    linked = {q.object for q in own if isinstance(q.object, ox.NamedNode) and q.object not in subjects}
    seen = set()
    for node in linked:
        for label in LABELS:
            for q in store.raw.quads_for_pattern(node, ox.NamedNode(label), None, None):
                t = ox.Triple(q.subject, q.predicate, q.object)
                if t not in seen:
                    seen.add(t)
                    triples.append(t)
    page = ox.NamedNode(graph_iri(base, kind, key))
    triples += [
        ox.Triple(page, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")),
        ox.Triple(page, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(iri)),
        ox.Triple(page, ox.NamedNode(DCT + "license"),
                  ox.NamedNode("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")),
    ]
    return triples


def _absent(kind: str, key: str, *, html: bool):
    """410 Gone with the tombstone of a withdrawn resource (a page, or a short text for RDF
    clients), else 404."""
    from .history import tombstone

    gone = tombstone(kind, key, html=html)
    if gone is not None:
        abort(gone)
    abort(404, description=f"There is no resource /id/{kind}/{key} in this registry.")


@bp.get("/id/<kind>/<key>")
def dereference(kind: str, key: str):
    _check(kind, key)
    if _document_graph(kind, key) is None:
        _absent(kind, key, html=prefers_html("graph") or not request.headers.get("Accept", "").strip())
    if prefers_html("graph") or not request.headers.get("Accept", "").strip():
        target = f"/{kind}/{key}"
    else:
        fmt = negotiate("graph")
        if fmt not in RDF_FORMATS:  # N-Quads and TriG are for dumps; a document is a graph
            return Response("The resource is available as HTML, Turtle, JSON-LD, N-Triples or RDF/XML.\n",
                            status=406, content_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})
        target = f"/{kind}/{key}.{fmt}"
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


@bp.get("/<kind>/<key>.<ext>")
def document(kind: str, key: str, ext: str):
    _check(kind, key)
    if ext not in RDF_FORMATS:
        abort(404, description=f"Documents are served as .ttl, .jsonld, .nt or .rdf, not .{ext}.")
    triples = document_triples(kind, key)
    if triples is None:
        _absent(kind, key, html=False)
    prefixes = dict(OUTPUT_PREFIXES, id=f"{_base()}/id/") if ext in ("ttl", "rdf") else None
    body = ox.serialize(triples, format=RDF_FORMATS[ext], prefixes=prefixes)
    # The ETag follows the content (a write elsewhere leaves it alone, so harvesters re-fetch
    # only what changed): the document's version tag (what If-Match of a write compares), then
    # a hash of this representation. Last-Modified is the document's last write (provenance).
    etag = f'"{document_tag(_store(), kind, key)}.{hashlib.sha1(body).hexdigest()[:12]}"'
    modified = last_modified(_store(), _document_graph(kind, key) or "")
    headers = {"ETag": etag, "Link": f'</{kind}/{key}>; rel="alternate"; type="text/html"'}
    if modified:
        headers["Last-Modified"] = http_date(dt.datetime.fromisoformat(modified.replace("Z", "+00:00")))
    if not_modified(etag) or (modified and "If-None-Match" not in request.headers
                              and _not_modified_since(modified)):
        return Response(status=304, headers=headers)
    response = Response(body, content_type=content_type(ext))
    response.headers.update(headers)
    return response


def _not_modified_since(modified: str) -> bool:
    """True when If-Modified-Since is at or after the document's last write."""
    header = request.headers.get("If-Modified-Since")
    if not header:
        return False
    since = parse_date(header)
    if since is None:
        return False
    moment = dt.datetime.fromisoformat(modified.replace("Z", "+00:00")).replace(microsecond=0)
    return moment <= since


def _ctx() -> views.Ctx:
    return views.Ctx(_store(), _base(), getattr(g, "lang", "pl"))


def _twins() -> dict:
    """The data twins of a page: formats and their media types, for links and ``rel=alternate``."""
    return {"formats": list(RDF_FORMATS), "media": {k: dict(GRAPH_FORMATS)[k] for k in RDF_FORMATS}}


@bp.get("/programme")
def programmes():
    return render_template("programmes.html", page=views.programmes(_ctx()))


@bp.get("/<kind>/<key>")
def page(kind: str, key: str):
    _check(kind, key)
    graph = _document_graph(kind, key)
    if graph is None:
        _absent(kind, key, html=True)
    view = views.VIEWS.get(kind)
    data = view(_ctx(), key, graph) if view else None
    if data is None:  # something the dedicated page does not expect: show every property
        return generic_page(kind, key)
    return render_template(f"{kind}.html", page=data, **_twins())


def generic_page(kind: str, key: str):
    """Every property of the resource and of its fragments, with labelled values."""
    triples = document_triples(kind, key)
    if triples is None:
        abort(404, description=f"There is no resource /id/{kind}/{key} in this registry.")
    base = _base()
    iri = resource_iri(base, kind, key)
    lang = getattr(g, "lang", "pl")
    labels = _labels(triples, lang)
    rows: dict[str, list] = {}
    fragments: dict[str, dict[str, list]] = {}
    for t in triples:
        subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else None
        if subject is None or not (subject == iri or subject.startswith(iri + "#")):
            continue
        target = rows if subject == iri else fragments.setdefault(subject, {})
        target.setdefault(t.predicate.value, []).append(_value(t.object, labels, base, lang))
    title = labels.get(iri) or key
    predicate_labels = _predicate_labels({p for props in [rows, *fragments.values()] for p in props}, lang)
    return render_template(
        "resource.html", kind=kind, key=key, iri=iri, title=title, rows=rows, fragments=fragments,
        labels=labels, predicate_labels=predicate_labels, **_twins(),
    )


def _predicate_labels(predicates: set[str], lang: str) -> dict[str, str]:
    """Labels of properties from the ontology graph, else a prefixed name."""
    store = _store()
    out = {}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for p in predicates:
        found = {q.object.language: q.object.value for q in store.raw.quads_for_pattern(
            ox.NamedNode(p), label, None, ox.NamedNode(ONTOLOGY_GRAPH)) if isinstance(q.object, ox.Literal)}
        if found:
            out[p] = found.get(lang) or found.get("pl") or next(iter(found.values()))
            continue
        for name, ns in PREFIXES.items():
            if p.startswith(str(ns)):
                out[p] = f"{name}:{p[len(str(ns)):]}"
                break
        else:
            out[p] = p
    return out


def _labels(triples: list[ox.Triple], lang: str) -> dict[str, str]:
    """A label per IRI, in the interface language if there is one."""
    ranked: dict[str, tuple[int, str]] = {}
    for t in triples:
        if t.predicate.value not in LABELS or not isinstance(t.object, ox.Literal):
            continue
        rank = LABELS.index(t.predicate.value) * 3 + (
            0 if t.object.language == lang else 1 if t.object.language in (None, "pl") else 2)
        key = t.subject.value
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, t.object.value)
    return {k: v for k, (_, v) in ranked.items()}


def _value(term, labels: dict[str, str], base: str, lang: str) -> dict:
    if isinstance(term, ox.NamedNode):
        href = term_href(term.value, base)  # instances, concepts and ontology terms on this site
        if not href.startswith("/") and not views.web_url(href):  # javascript:, data:, …: never linked
            return {"kind": "literal", "text": labels.get(term.value, term.value), "lang": None}
        return {"kind": "iri", "text": labels.get(term.value, term.value), "href": href, "iri": term.value}
    if isinstance(term, ox.Literal):
        return {"kind": "literal", "text": term.value, "lang": term.language}
    return {"kind": "blank", "text": str(term)}


# -- resources harvested from other registries (see ``views.harvested``) ----------------------


@bp.get("/harvested/<kind>/<key>")
def harvested_page(kind: str, key: str):
    """The local page of a resource harvested from another registry, ``?source=`` its base: the
    page of its kind with a box naming the source. Its data is the source's to serve."""
    _check(kind, key)
    source = request.args.get("source", "")
    if not source:
        abort(400, description="source: the base address of the registry the resource was harvested from.")
    data = views.harvested(_ctx(), kind, key, source)
    if data is None:
        abort(404, description=f"No harvest brought the resource {source}/id/{kind}/{key} into this registry.")
    return render_template("harvested.html", page=data, formats=(), media={})
