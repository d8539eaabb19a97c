"""The named queries of ``sparql_queries/`` as a web API, described by OpenAPI 3.1.

``GET /api/queries`` lists them (JSON, or HTML for browsers); ``GET /api/queries/{name}`` runs one
with its parameters bound from the URL (never spliced into the text), answering SPARQL JSON, XML,
CSV or TSV (RDF for CONSTRUCT queries) by ``Accept`` or by a suffix such as ``.csv``, and an HTML
table for browsers. It runs through the same query service as ``/sparql``: snapshots, workers,
time limit and size cap.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from ..queries import NamedQuery, ParameterError, all_queries
from ..querypool import QueryFailed
from ..sparqlservice import Request as QueryRequest
from .http import GRAPH_FORMATS, RESULT_FORMATS, negotiate, not_modified, prefers_html
from .sparql import streamed

bp = Blueprint("api", __name__)

SUFFIXES = {key for key, _ in RESULT_FORMATS + GRAPH_FORMATS}
HTML_ROWS = 1000
# Query-string names that belong to the site, not to a query (unless the query declares them).
SITE_PARAMETERS = {"lang"}


def _error(status: int, message: str, parameter: str | None = None) -> Response:
    body = {"error": message, "status": status}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    return response


def _kind(query: NamedQuery) -> str:
    return "graph" if query.form in ("construct", "describe") else "solutions"


def describe(query: NamedQuery) -> dict:
    base = current_app.extensions["registry.settings"].base
    example = {p.name: p.example for p in query.parameters if p.example}
    return {
        "name": query.name,
        "summary": query.summary,
        "description": query.description,
        "form": query.form,
        "tags": list(query.tags),
        "parameters": [
            {k: v for k, v in {
                "name": p.name, "type": p.type, "description": p.description, "required": p.required,
                "default": p.default, "example": p.example, "scheme": p.scheme, "kind": p.kind,
                "enum": list(p.enum) if p.enum else None,
            }.items() if v is not None}
            for p in query.parameters
        ],
        "url": f"{base}/api/queries/{query.name}",
        "example": f"{base}{url_for('api.run', name=query.name, **example)}",
        "sparql": query.text,
    }


@bp.get("/api/queries")
def index():
    queries = [describe(q) for q in all_queries().values()]
    if prefers_html("solutions"):
        response = Response(render_template("api_queries.html", queries=queries))
    else:
        response = jsonify(queries=queries, openapi=url_for("api.openapi", _external=False))
    response.vary.add("Accept")
    return response


@bp.get("/api/queries/<path:name>")
def run(name: str):
    fmt = None
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in SUFFIXES | {"html"}:
        name, fmt = stem, suffix
    query = all_queries().get(name)
    if query is None:
        return _error(404, f"There is no named query {name!r}; see /api/queries.")
    kind = _kind(query)
    if fmt is None:
        fmt = "html" if prefers_html(kind) else negotiate(kind)
        if fmt is None:
            return _error(406, "None of the formats this query answers in is acceptable to the client.")
    elif fmt != "html" and fmt not in dict(RESULT_FORMATS if kind == "solutions" else GRAPH_FORMATS):
        return _error(404, f"Query {name!r} does not answer in .{fmt}.")

    declared = {p.name for p in query.parameters}
    raw = {}
    for key in request.args:
        if key in SITE_PARAMETERS and key not in declared:
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            return _error(400, f"Parameter {key!r} is given more than once.", key)
        raw[key] = values[0]
    settings = current_app.extensions["registry.settings"]
    try:
        bound = query.bind(raw, settings.base)
    except ParameterError as e:
        return _error(400, str(e), e.parameter)

    svc = current_app.extensions["registry.sparql"]
    qreq = QueryRequest(query=query.text, substitutions=tuple(sorted(bound.items())))
    run_format = "json" if fmt == "html" and kind == "solutions" else "ttl" if fmt == "html" else fmt
    _, snapshot = svc.state()
    etag = svc.etag(snapshot, qreq, fmt)
    if not_modified(etag):
        svc.snapshots.release(snapshot)
        response = Response(status=304)
        response.headers["ETag"] = etag
        response.vary.add("Accept")
        return response
    try:
        running = svc.start(qreq, run_format, snapshot)
    except QueryFailed as e:
        return _error(e.status, e.message)

    if fmt == "html":
        try:
            body = b"".join(running.chunks())
        except QueryFailed as e:
            return _error(e.status, e.message)
        response = Response(_html(query, raw, bound, body, kind))
    else:
        response = streamed(running, fmt)
        if request.path.rpartition(".")[2] in SUFFIXES:
            response.headers["Content-Disposition"] = f'inline; filename="{query.name}.{fmt}"'
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    return response


def _html(query: NamedQuery, raw: dict, bound: dict, body: bytes, kind: str) -> str:
    columns: list[str] = []
    rows: list[list[dict]] = []
    boolean = None
    graph_text = None
    if kind == "solutions":
        data = json.loads(body)
        if "boolean" in data:
            boolean = data["boolean"]
        else:
            columns = data["head"]["vars"]
            for binding in data["results"]["bindings"][:HTML_ROWS]:
                rows.append([binding.get(c) for c in columns])
            total = len(data["results"]["bindings"])
    else:
        graph_text = body.decode("utf-8")
    return render_template(
        "api_query.html", query=describe(query), raw=raw, columns=columns, rows=rows, boolean=boolean,
        graph_text=graph_text, total=total if kind == "solutions" and boolean is None else None,
        limit=HTML_ROWS, formats=[k for k, _ in (RESULT_FORMATS if kind == "solutions" else GRAPH_FORMATS)],
        query_string=request.query_string.decode("latin-1"),
    )


@bp.get("/api/openapi.json")
def openapi():
    base = current_app.extensions["registry.settings"].base
    paths = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "List the named queries",
                "responses": {"200": {"description": "The named queries with their parameters",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }
        }
    }
    for q in all_queries().values():
        kind = _kind(q)
        formats = RESULT_FORMATS if kind == "solutions" else GRAPH_FORMATS
        parameters = []
        for p in q.parameters:
            schema: dict = {"type": {"integer": "integer", "decimal": "number", "boolean": "boolean"}.get(p.type, "string")}
            if p.type == "date":
                schema["format"] = "date"
            if p.type == "iri":
                schema["format"] = "iri"
            if p.enum:
                schema["enum"] = list(p.enum)
            description = p.description
            if p.default == "today":
                description += " (default: today's date)"
            elif p.default is not None:
                schema["default"] = _typed(p.default, schema["type"])
            if p.type == "concept":
                description += f" (a key of the concept scheme `{p.scheme}`)"
            if p.type == "resource":
                description += f" (the key of a `{p.kind}`: {base}/id/{p.kind}/{{key}})"
            param = {"name": p.name, "in": "query", "required": p.required, "description": description,
                     "schema": schema}
            if p.example:
                param["example"] = _typed(p.example, schema["type"])
            parameters.append(param)
        content = {media: {"schema": {"type": "string"}} for _, media in formats}
        content["text/html"] = {"schema": {"type": "string"}}
        paths[f"/api/queries/{q.name}"] = {
            "get": {
                "operationId": q.name,
                "summary": q.summary,
                "description": q.description + "\n\n```sparql\n" + q.text + "\n```",
                "tags": list(q.tags) or ["queries"],
                "parameters": parameters,
                "responses": {
                    "200": {"description": "The answer of the query", "content": content},
                    "400": {"description": "A parameter is missing, unknown or malformed",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "406": {"description": "No acceptable format"},
                    "503": {"description": "The query ran past the time limit, or the service is busy"},
                },
            }
        }
    paths.update(_write_paths())
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Toruń social economy registry: named queries",
            "version": "1",
            "description": "Documented SPARQL queries over the registry, with typed parameters bound to"
                           " query variables. The same data is open to any query at /sparql.",
            "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error", "status"],
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"},
                                   "parameter": {"type": "string"}},
                },
                "Saved": {
                    "type": "object", "required": ["iri", "page", "status", "version", "warnings"],
                    "properties": {"iri": {"type": "string"}, "page": {"type": "string"},
                                   "status": {"type": "string", "enum": ["created", "replaced", "unchanged"]},
                                   "version": {"type": "integer"},
                                   "warnings": {"type": "array", "items": {"type": "string"}}},
                },
                "ValidationReport": {
                    "type": "object", "required": ["conforms", "messages"],
                    "properties": {"conforms": {"type": "boolean"},
                                   "messages": {"type": "array", "items": {"type": "string"}},
                                   "warnings": {"type": "array", "items": {"type": "string"}},
                                   "documents": {"type": "array", "items": {"type": "object"}}},
                },
            },
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "An API token (`pes-registry user token`, or /account)."}},
        },
    }
    return jsonify(document)


WRITE_BODIES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
KIND_ENUM = ["entity", "offer", "opportunity", "action", "programme", "unit"]


def _write_paths() -> dict:
    """The write API (registry.web.write) in OpenAPI terms."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    body = {"required": True, "content": {m: {"schema": {"type": "string"}} for m in WRITE_BODIES}}
    kind = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string", "enum": KIND_ENUM}}
    key = {"name": "key", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}}
    if_match = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                "description": "The ETag of the version being replaced (required when it exists; `*`: any)."}
    common = {
        "400": {"description": "The body cannot be read or describes other resources", "content": error},
        "401": {"description": "No credentials", "content": error},
        "403": {"description": "Not this user's role or entity", "content": error},
        "413": {"description": "The body is too large"},
        "415": {"description": "Not an RDF format the API reads", "content": error},
        "422": {"description": "The document does not conform to the shapes: the report as JSON, or the "
                               "SHACL validation report as RDF by Accept",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationReport"}},
                            "text/turtle": {"schema": {"type": "string"}}}},
    }
    saved = {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}
    security = [{"token": []}]
    return {
        "/api/{kind}": {"post": {
            "operationId": "createDocument", "tags": ["write"], "security": security,
            "summary": "Create a document (administrators; an entity's editors: its offers)",
            "description": "The body describes one resource {BASE}/id/{kind}/{key}; relative IRIs resolve "
                           "against {BASE}/id/.",
            "parameters": [kind], "requestBody": body,
            "responses": {"201": {"description": "Created", "content": saved,
                                  "headers": {"Location": {"schema": {"type": "string"}},
                                              "ETag": {"schema": {"type": "string"}}}},
                          "409": {"description": "The resource exists", "content": error}, **common},
        }},
        "/id/{kind}/{key}": {
            "put": {
                "operationId": "replaceDocument", "tags": ["write"], "security": security,
                "summary": "Replace a document (or create it where the role allows)",
                "description": "A document read from /{kind}/{key}.{ttl,jsonld,nt,rdf} may be sent back as "
                               "it is; an entity sent without offers keeps its offers.",
                "parameters": [kind, key, if_match], "requestBody": body,
                "responses": {"200": {"description": "Replaced (or unchanged)", "content": saved},
                              "201": {"description": "Created", "content": saved},
                              "410": {"description": "The resource was withdrawn", "content": error},
                              "412": {"description": "If-Match names another version", "content": error},
                              "428": {"description": "If-Match is missing", "content": error}, **common},
            },
            "delete": {
                "operationId": "withdrawDocument", "tags": ["write"], "security": security,
                "summary": "Withdraw a document (it then answers 410 Gone; its history stays)",
                "parameters": [kind, key, if_match,
                               {"name": "reason", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"204": {"description": "Withdrawn"},
                              "401": common["401"], "403": common["403"],
                              "404": {"description": "No such resource", "content": error},
                              "409": {"description": "Other documents still link to it", "content": error},
                              "410": {"description": "Withdrawn already", "content": error},
                              "412": {"description": "If-Match names another version", "content": error},
                              "428": {"description": "If-Match is missing", "content": error}},
            },
        },
    }


def _typed(value: str, json_type: str):
    """A raw default or example as a JSON value of the parameter's schema type."""
    try:
        if json_type == "integer":
            return int(value)
        if json_type == "number":
            return float(value.replace(",", "."))
        if json_type == "boolean":
            return value.strip().lower() in ("true", "1", "yes", "tak")
    except ValueError:
        pass
    return value


@bp.get("/api/docs")
def docs():
    return render_template("api_docs.html")
