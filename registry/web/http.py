"""HTTP helpers shared by the read routes: content negotiation, CORS, conditional requests."""

from __future__ import annotations

from flask import Flask, request

# Answers to SELECT and ASK: (short name, media type), the first is the default.
RESULT_FORMATS = [
    ("json", "application/sparql-results+json"),
    ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"),
]
RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}

# Answers to CONSTRUCT and DESCRIBE, and RDF documents.
GRAPH_FORMATS = [
    ("ttl", "text/turtle"),
    ("nt", "application/n-triples"),
    ("jsonld", "application/ld+json"),
    ("rdf", "application/rdf+xml"),
    ("nq", "application/n-quads"),
    ("trig", "application/trig"),
]
GRAPH_ALIASES = {
    "application/x-turtle": "ttl",
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "rdf",
    "text/xml": "rdf",
}

MEDIA_TYPES = dict(RESULT_FORMATS + GRAPH_FORMATS)


def content_type(fmt: str) -> str:
    media = MEDIA_TYPES[fmt]
    return f"{media}; charset=utf-8"


def negotiate(kind: str, req=None) -> str | None:
    """The short name of the best format of ``kind`` ("solutions" or "graph") for this request.

    No Accept header: the default (JSON or Turtle). An Accept that nothing satisfies: None (406).
    """
    req = req or request
    formats, aliases = (RESULT_FORMATS, RESULT_ALIASES) if kind == "solutions" else (GRAPH_FORMATS, GRAPH_ALIASES)
    if not req.headers.get("Accept", "").strip():
        return formats[0][0]
    candidates = [media for _, media in formats] + list(aliases)
    best = req.accept_mimetypes.best_match(candidates)
    if best is None:
        return None
    by_media = {media: key for key, media in formats}
    return by_media.get(best) or aliases[best]


def prefers_html(kind: str, req=None) -> bool:
    """True when the client ranks HTML above every data format of ``kind`` (a browser)."""
    req = req or request
    if not req.headers.get("Accept", "").strip():
        return False
    accept = req.accept_mimetypes
    formats, aliases = (RESULT_FORMATS, RESULT_ALIASES) if kind == "solutions" else (GRAPH_FORMATS, GRAPH_ALIASES)
    best = max(accept[m] for m in [media for _, media in formats] + list(aliases))
    return accept["text/html"] > best


def not_modified(etag: str, req=None) -> bool:
    """True when the request's If-None-Match names this ETag (or ``*``)."""
    header = (req or request).headers.get("If-None-Match", "")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


READ_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_POST_PATHS = ("/sparql", "/api/queries")


def init_cors(app: Flask) -> None:
    """CORS for every read route (and POSTed queries), preflight included; never for writes."""

    @app.after_request
    def cors(response):
        return add_cors(request, response)


def add_cors(req, response):
    """CORS headers for a read request (and a POSTed query); none for writes."""
    if req.method in READ_METHODS or (req.method == "POST" and req.path.startswith(CORS_POST_PATHS)):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Content-Type, Content-Length, Vary"
        if req.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = (
                "GET, POST, OPTIONS" if req.path.startswith(CORS_POST_PATHS) else "GET, OPTIONS"
            )
            response.headers["Access-Control-Allow-Headers"] = req.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match"
            )
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
