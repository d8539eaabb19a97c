"""``/sparql``: the SPARQL 1.1 Protocol query service, its Service Description and its editor.

Protocol (https://www.w3.org/TR/sparql11-protocol/): GET with ``query=``, POST as
``application/x-www-form-urlencoded`` or ``application/sparql-query``; ``default-graph-uri`` and
``named-graph-uri`` name the dataset, and then override any ``FROM`` of the query. The endpoint
never changes data: updates get 403. Queries run in killable workers (``registry.querypool``).
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..namespaces import PREFIXES, VOCAB_BASE
from ..querypool import QueryFailed
from ..sparqlservice import QueryService
from ..sparqlservice import Request as QueryRequest
from ..store import catalog_graph, provenance_graph
from ..system import system_graph_names
from .http import content_type, negotiate, not_modified, prefers_html

bp = Blueprint("sparql", __name__)

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def service() -> QueryService:
    return current_app.extensions["registry.sparql"]


def _plain(status: int, message: str, **headers) -> Response:
    response = Response(message.rstrip() + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(headers)
    response.vary.add("Accept")
    return response


def _read_protocol_request(request, settings) -> tuple[str | None, list[str], list[str]]:
    """(query, default-graph-uri values, named-graph-uri values) of a request."""
    args = request.args
    queries = args.getlist("query")
    updates = args.getlist("update")
    default_graphs = args.getlist("default-graph-uri")
    named_graphs = args.getlist("named-graph-uri")
    if request.method == "POST":
        length = request.content_length
        if length is not None and length > settings.sparql_max_body_bytes:
            raise ProtocolError(413, f"The request body is larger than {settings.sparql_max_body_bytes} bytes.")
        request.max_content_length = settings.sparql_max_body_bytes
        media = request.mimetype
        if media == "application/x-www-form-urlencoded":
            form = request.form
            queries = queries + form.getlist("query")
            updates = updates + form.getlist("update")
            default_graphs = default_graphs + form.getlist("default-graph-uri")
            named_graphs = named_graphs + form.getlist("named-graph-uri")
        elif media == "application/sparql-query":
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise ProtocolError(415, "A query posted directly must be encoded in UTF-8.")
            try:
                body = request.get_data(cache=False).decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "The request body is not valid UTF-8.") from None
            queries = queries + [body]
        elif media == "application/sparql-update":
            raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted here.")
        else:
            raise ProtocolError(
                415,
                "POST a query as application/x-www-form-urlencoded (query=...) or as"
                " application/sparql-query.",
            )
    if updates:
        if queries:
            raise ProtocolError(400, "A request carries either a query or an update, not both.")
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted here.")
    if len(queries) > 1:
        raise ProtocolError(400, "A request carries exactly one query; this one has several.")
    for iri in default_graphs + named_graphs:
        if not _IRI.match(iri):
            raise ProtocolError(400, f"Not an absolute IRI: {iri[:200]!r} (default-graph-uri/named-graph-uri).")
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "The query is empty.")
    return query, default_graphs, named_graphs


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    response = answer(request, service(), current_app.extensions["registry.settings"])
    if response is not None:
        return response
    if prefers_html("graph"):
        return _editor(request.args.get("query"))
    return _service_description()


def answer(request, svc: QueryService, settings) -> Response | None:
    """The answer to a protocol request, or None when it asks for the editor or the Service
    Description (which need the web application). Works on any werkzeug request, so the server
    can take queries past the application's routing (``SparqlFastPath``)."""
    try:
        query, default_graphs, named_graphs = _read_protocol_request(request, settings)
    except ProtocolError as e:
        return _plain(e.status, e.message)
    except RequestEntityTooLarge:
        return _plain(413, f"The request body is larger than {settings.sparql_max_body_bytes} bytes.")
    if query is None:
        return None
    try:
        analysis = svc.check(query)
    except QueryFailed as e:
        return _plain(e.status, e.message)
    kind = "graph" if analysis.form in ("construct", "describe") else "solutions"
    if request.method == "GET" and prefers_html(kind, request):
        return None
    fmt = negotiate(kind, request)
    if fmt is None:
        wanted = "SPARQL results (JSON, XML, CSV, TSV)" if kind == "solutions" else \
            "RDF (Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads, TriG)"
        return _plain(406, f"This query answers with {wanted}; none of them is acceptable to the client.")

    qreq = QueryRequest(query=query, default_graphs=tuple(default_graphs), named_graphs=tuple(named_graphs))
    _, snapshot = svc.state()
    etag = svc.etag(snapshot, qreq, fmt)
    if not_modified(etag, request):
        svc.snapshots.release(snapshot)
        response = Response(status=304)
        response.headers["ETag"] = etag
        response.vary.add("Accept")
        return response
    try:
        running = svc.start(qreq, fmt, snapshot, analysis=analysis)
    except QueryFailed as e:
        return _plain(e.status, e.message)
    response = streamed(running, fmt)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    return response


class SparqlFastPath:
    """WSGI middleware: protocol queries to ``/sparql`` are answered without the web
    application's routing and request hooks (about half a millisecond per request); the editor,
    the Service Description and every other route go to the application as usual."""

    def __init__(self, app):
        self.app = app
        self.next = app.wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/sparql" and environ.get("REQUEST_METHOD") in ("GET", "POST"):
            from werkzeug.wrappers import Request as WerkzeugRequest

            from .http import add_cors

            req = WerkzeugRequest(environ)
            try:
                response = answer(req, self.app.extensions["registry.sparql"],
                                  self.app.extensions["registry.settings"])
            except Exception:  # noqa: BLE001 - never a traceback to a client
                self.app.logger.exception("unexpected error in a SPARQL request")
                response = _plain(500, "An unexpected error occurred.")
            if response is not None:
                return add_cors(req, response)(environ, start_response)
        return self.next(environ, start_response)


def streamed(running, fmt: str) -> Response:
    """The answer as a response: in one piece when it is complete already, else streamed."""
    if running.answer.complete is not None:
        body = running.answer.complete
        running.close()
        return Response(body, content_type=content_type(fmt))
    response = Response(running.chunks(), content_type=content_type(fmt), direct_passthrough=True)
    response.call_on_close(running.close)
    return response


# -- without a query: the editor and the Service Description ------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _service_description() -> Response:
    fmt = negotiate("graph")
    if fmt is None:
        return _plain(406, "The service description is RDF (Turtle, N-Triples, JSON-LD, RDF/XML).")
    settings = current_app.extensions["registry.settings"]
    store = current_app.extensions["registry.store"]
    endpoint_iri = ox.NamedNode(f"{settings.base}/sparql")
    svc = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(svc, RDF_TYPE, n(SD + "Service")),
        ox.Triple(svc, n(SD + "endpoint"), endpoint_iri),
        ox.Triple(svc, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(svc, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        ox.Triple(svc, n(SD + "feature"), n(SD + "BasicFederatedQuery")) if settings.service_allowlist else None,
        ox.Triple(svc, n("http://purl.org/dc/terms/title"),
                  ox.Literal("Rejestr ekonomii społecznej Torunia — punkt dostępowy SPARQL", language="pl")),
        ox.Triple(svc, n("http://purl.org/dc/terms/title"),
                  ox.Literal("Toruń social economy registry — SPARQL endpoint", language="en")),
        ox.Triple(svc, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, n(SD + "Graph")),
        ox.Triple(default_graph, n(VOID + "triples"), ox.Literal(str(len(store)), datatype=n(
            "http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG"):
        triples.append(ox.Triple(svc, n(SD + "resultFormat"), n(FORMATS + name)))
    for graph in _system_graphs(settings.base):
        node = ox.BlankNode()
        triples += [
            ox.Triple(dataset, n(SD + "namedGraph"), node),
            ox.Triple(node, RDF_TYPE, n(SD + "NamedGraph")),
            ox.Triple(node, n(SD + "name"), n(graph)),
        ]
    rdf_format = {
        "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
    }[fmt]
    prefixes = {"sd": SD, "formats": FORMATS, "void": VOID, "dct": "http://purl.org/dc/terms/"} \
        if fmt in ("ttl", "trig", "rdf") else None
    body = ox.serialize([t for t in triples if t is not None], format=rdf_format, prefixes=prefixes)
    response = Response(body, content_type=content_type(fmt))
    response.vary.add("Accept")
    return response


@cache
def _system_graphs(base: str) -> tuple[str, ...]:
    """The graphs every deployment has: ontology, concept schemes, provenance, catalogue."""
    return system_graph_names() + (provenance_graph(base), catalog_graph(base))


def _editor(query: str | None = None):
    from ..queries import all_queries

    settings = current_app.extensions["registry.settings"]
    examples = [{"name": q.name, "summary": q.summary, "query": editor_text(q)} for q in all_queries().values()]
    default_query = DEFAULT_QUERY_PREFIXES + DEFAULT_QUERY
    config = {
        "endpoint": request.host_url.rstrip("/") + "/sparql",
        "query": query or default_query,
        "examples": examples,
        "prefixes": registry_prefixes(),
    }
    response = Response(render_template(
        "sparql.html", query=query, default_query=default_query, examples=examples, config=config,
        endpoint=f"{settings.base}/sparql", timeout=f"{settings.sparql_timeout:g}",
    ))
    response.vary.add("Accept")
    return response


@cache
def registry_prefixes() -> dict[str, str]:
    """Prefixes of the vocabularies the registry uses and of each of its concept schemes."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    for graph in system_graph_names():
        if graph.startswith(VOCAB_BASE):
            scheme = graph[len(VOCAB_BASE):]
            prefixes[scheme] = graph + "/"
    return prefixes


DEFAULT_QUERY_PREFIXES = "".join(
    f"PREFIX {name}: <{ns}>\n" for name, ns in PREFIXES.items()
    if name in ("pes", "schema", "org", "rov", "dct", "skos", "locn", "rdfs")
)
DEFAULT_QUERY = """
# Social economy entities with their legal form (the first 20)
SELECT ?entity ?name ?legalFormLabel WHERE {
  ?entity a pes:SocialEconomyEntity ;
          schema:name ?name ;
          rov:orgType ?legalForm .
  ?legalForm skos:prefLabel ?legalFormLabel .
  FILTER(LANG(?legalFormLabel) = "pl")
}
ORDER BY ?name
LIMIT 20
"""


def editor_text(named) -> str:
    """A named query as the editor shows it.

    The API binds parameter values as initial bindings (SEP-0007). Plain SPARQL has the same
    effect with a VALUES block at the start of the top-level WHERE group, as long as no parameter
    is used inside a subquery or assigned with ``AS`` (``with_values``); for such queries the
    editor shows that block with the examples and defaults. For the others it shows the text with
    its parameters free, and a comment with the API address that runs it with its example values.
    """
    params = getattr(named, "parameters", ()) or ()
    if not params:
        return named.text
    settings = current_app.extensions["registry.settings"]
    examples = {p.name: p.example for p in params if p.example}
    api = f"{settings.base}/api/queries/{named.name}" + ("?" + urlencode(examples) if examples else "")
    note = f"# With its parameters bound to example values: {api}\n"
    text = with_values(named, examples, settings.base)
    return note + (text if text is not None else named.text)


def with_values(named, raw: dict, base: str) -> str | None:
    """The query's text with its parameters bound by a VALUES block, or None where that would not
    mean the same as the API's binding."""
    bound = named.bind(raw, base)
    match = _WHERE.search(named.text)
    if not bound or match is None or not all(_bindable_by_values(named.text, match.end(), n) for n in bound):
        return None if bound else named.text
    names = sorted(bound)
    values = ("VALUES (" + " ".join("?" + n for n in names) + ") { ("
              + " ".join(bound[n] for n in names) + ") }  # the parameters' values")
    return named.text[:match.end()] + "\n  " + values + named.text[match.end():]


def _bindable_by_values(text: str, where_end: int, name: str) -> bool:
    """True when ``?name`` is neither assigned (``AS ?name``) nor used inside a subquery."""
    variable = re.compile(r"[?$]" + re.escape(name) + r"\b")
    if re.search(r"\bAS\s+[?$]" + re.escape(name) + r"\b", text, re.IGNORECASE):
        return False
    body = text[where_end:]
    for sub in re.finditer(r"\bSELECT\b", body, re.IGNORECASE):
        depth, i = 0, sub.start()
        # The subquery ends where the braces opened after its SELECT close again.
        while i < len(body):
            if body[i] == "{":
                depth += 1
            elif body[i] == "}":
                depth -= 1
                if depth <= 0 and body.find("{", sub.start()) < i:
                    break
            i += 1
        if variable.search(body, sub.start(), i):
            return False
    return True


_WHERE = re.compile(r"^\s*WHERE\s*\{", re.IGNORECASE | re.MULTILINE)
