"""The /sparql endpoint over real HTTP: formats, negotiation, errors, datasets, caching, CORS, caps."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph

from registry.store import Store, Write
from registry.system import install

from .conftest import BASE
from .http_support import live_server, request

G1 = "http://example.org/graph/one"
G2 = "http://example.org/graph/two"
EX = "http://example.org/"


def _triples(graph: str, n: int, tag: str):
    return [
        ox.Triple(ox.NamedNode(f"{EX}{tag}/{i}"), ox.NamedNode(f"{EX}value"), ox.Literal(f"{tag} ąę {i}", language="pl"))
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("endpoint") / "data", BASE)
    install(s)
    write = Write()
    write.put(G1, _triples(G1, 3, "one"))
    write.put(G2, _triples(G2, 5, "two"))
    s.commit(write)
    yield s
    s.close()


@pytest.fixture(scope="module")
def live(store):
    with live_server(store, BASE, sparql_max_body_bytes=4096) as server:
        yield server


COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}value> ?o }}"


def get(live, query: str | None = None, accept: str | None = None, **params):
    args = []
    if query is not None:
        args.append(("query", query))
    for key, values in params.items():
        for v in values if isinstance(values, list) else [values]:
            args.append((key.replace("_", "-"), v))
    path = "/sparql" + ("?" + urlencode(args) if args else "")
    return request(live.url, "GET", path, headers={"Accept": accept} if accept else {})


def count_of(reply) -> int:
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


# -- the three ways of sending a query ------------------------------------------------------------

def test_get_post_form_and_post_direct_give_the_same_answer(live):
    by_get = get(live, COUNT)
    by_form = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"},
                      body=urlencode({"query": COUNT}))
    direct = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"}, body=COUNT)
    for reply in (by_get, by_form, direct):
        assert reply.status == 200, reply.body
        assert reply.media_type == "application/sparql-results+json"
        assert count_of(reply) == 8  # union default graph: 3 + 5
        assert "Accept" in reply.headers.get("Vary", "")


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(live, accept, media):
    query = f"SELECT ?s ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }} ORDER BY ?s"
    reply = get(live, query, accept)
    assert reply.status == 200
    assert reply.media_type == media
    if media.endswith("json"):
        rows = [(b["s"]["value"], b["o"]["value"]) for b in json.loads(reply.body)["results"]["bindings"]]
    elif media.endswith("xml"):
        ns = "{http://www.w3.org/2005/sparql-results#}"
        rows = []
        for result in ET.fromstring(reply.body).iter(ns + "result"):
            values = {b.get("name"): "".join(b.itertext()).strip() for b in result.iter(ns + "binding")}
            rows.append((values["s"], values["o"]))
    elif media == "text/csv":
        rows = [tuple(r) for r in csv.reader(io.StringIO(reply.text))][1:]
    else:
        lines = reply.text.splitlines()[1:]
        rows = [tuple(c.strip("<>").split('"')[1] if c.startswith('"') else c.strip("<>") for c in line.split("\t"))
                for line in lines]
    assert rows == [(f"{EX}one/{i}", f"one ąę {i}") for i in range(3)]


@pytest.mark.parametrize("accept, fmt", [
    (None, ox.RdfFormat.TURTLE),
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", ox.RdfFormat.TRIG),
])
def test_construct_formats_by_accept(live, accept, fmt):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}"
    reply = get(live, query, accept)
    assert reply.status == 200, reply.body
    assert reply.media_type == fmt.media_type
    got = {str(q.subject) + str(q.object) for q in ox.parse(reply.body, fmt)}
    assert got == {str(t.subject) + str(t.object) for t in _triples(G2, 5, "two")}


def test_ask_and_describe(live):
    assert json.loads(get(live, f"ASK {{ <{EX}one/1> ?p ?o }}").body)["boolean"] is True
    assert json.loads(get(live, f"ASK {{ <{EX}one/9> ?p ?o }}").body)["boolean"] is False
    described = get(live, f"DESCRIBE <{EX}two/4>", "application/n-triples")
    assert described.status == 200
    assert [str(q.object) for q in ox.parse(described.body, ox.RdfFormat.N_TRIPLES)] == ['"two ąę 4"@pl']


def test_unsatisfiable_accept_is_406(live):
    reply = get(live, COUNT, "image/png")
    assert reply.status == 406
    assert "JSON" in reply.text
    # A graph query does not answer with SPARQL results formats either.
    assert get(live, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/csv").status == 406


# -- errors -------------------------------------------------------------------------------------

def test_syntax_error_is_400_with_the_parser_message(live):
    reply = get(live, "SELECT * WHERE { ?s ?p }")
    assert reply.status == 400
    assert "syntax error" in reply.text and "expected" in reply.text


def test_two_queries_or_query_and_update_are_400(live):
    path = "/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert request(live.url, "GET", path).status == 400
    form = urlencode([("query", "ASK {}"), ("update", "CLEAR ALL")])
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"},
                    body=form)
    assert reply.status == 400
    # A direct POST with a query in the URL as well carries two queries.
    reply = request(live.url, "POST", "/sparql?query=" + quote("ASK {}"),
                    headers={"Content-Type": "application/sparql-query"}, body="ASK {}")
    assert reply.status == 400


@pytest.mark.parametrize("how", ["direct", "form", "get", "query-param"])
def test_updates_are_refused_and_change_nothing(live, store, how):
    before = (store.version(), len(store), store.quads(G1))
    update = f"DROP GRAPH <{G1}>"
    if how == "direct":
        reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-update"}, body=update)
    elif how == "form":
        reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"},
                        body=urlencode({"update": update}))
    elif how == "get":
        reply = request(live.url, "GET", "/sparql?" + urlencode({"update": update}))
    else:  # an update sent as if it were a query
        reply = get(live, update)
    assert reply.status == 403
    assert "read-only" in reply.text
    assert (store.version(), len(store), store.quads(G1)) == before


def test_wrong_media_type_and_encoding(live):
    assert request(live.url, "POST", "/sparql", headers={"Content-Type": "text/plain"}, body="ASK {}").status == 415
    assert request(live.url, "POST", "/sparql", body="query=ASK%20%7B%7D").status == 415
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"},
                    body=b"ASK { FILTER(\"\xff\" = 1) }")
    assert reply.status == 400 and "UTF-8" in reply.text
    assert request(live.url, "PUT", "/sparql?query=ASK%20%7B%7D").status == 405


def test_oversized_bodies_get_413(live):
    big = "ASK {} #" + "x" * 5000
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"}, body=big)
    assert reply.status == 413
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/x-www-form-urlencoded"},
                    body=urlencode({"query": big}))
    assert reply.status == 413
    # Without a Content-Length (chunked), the cap holds while reading.
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"},
                    body=big, chunked=True)
    assert reply.status == 413
    small = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query"},
                    body="ASK {}", chunked=True)
    assert small.status == 200


def test_bad_dataset_iri_is_400(live):
    assert get(live, "ASK {}", default_graph_uri="not an iri").status == 400


# -- the dataset ----------------------------------------------------------------------------------

def test_dataset_union_from_and_protocol_parameters(live):
    assert count_of(get(live, COUNT)) == 8
    from_one = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s <{EX}value> ?o }}"
    assert count_of(get(live, from_one)) == 3
    from_both = f"SELECT (COUNT(*) AS ?n) FROM <{G1}> FROM <{G2}> WHERE {{ ?s <{EX}value> ?o }}"
    assert count_of(get(live, from_both)) == 8
    # FROM NAMED only: the default graph is empty, GRAPH sees only the named one.
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s <{EX}value> ?o }} }}"
    assert count_of(get(live, named)) == 5
    only_named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G2}> WHERE {{ ?s <{EX}value> ?o }}"
    assert count_of(get(live, only_named)) == 0
    # The protocol's dataset wins over the query's.
    assert count_of(get(live, from_one, default_graph_uri=G2)) == 5
    assert count_of(get(live, COUNT, default_graph_uri=[G1, G2])) == 8
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count_of(get(live, graphs, named_graph_uri=G1)) == 1
    assert count_of(get(live, graphs, default_graph_uri=G1)) == 0


# -- without a query ------------------------------------------------------------------------------

def test_service_description(live):
    reply = get(live, None, "text/turtle")
    assert reply.status == 200 and reply.media_type == "text/turtle"
    g = Graph().parse(data=reply.body, format="turtle")
    ask = g.query(f"""
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        ASK {{ ?s a sd:Service ; sd:endpoint <{BASE}/sparql> ; sd:supportedLanguage sd:SPARQL11Query ;
                  sd:feature sd:UnionDefaultGraph ;
                  sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ;
                  sd:defaultDataset [ sd:defaultGraph [ a sd:Graph ] ;
                                      sd:namedGraph [ sd:name <https://w3id.org/pes-registry/ontology> ] ] }}""")
    assert ask.askAnswer
    assert get(live, None, "application/rdf+xml").media_type == "application/rdf+xml"
    assert get(live, None).media_type == "text/turtle"


def test_html_accept_gets_the_editor(live):
    reply = get(live, None, "text/html,application/xhtml+xml,*/*;q=0.8")
    assert reply.status == 200 and reply.media_type == "text/html"
    assert "vendor/yasgui/yasgui.min.js" in reply.text
    assert "Vary" in reply.headers and "Accept" in reply.headers["Vary"]
    # A link to a query opens it in the editor, escaped.
    evil = 'SELECT * WHERE { ?s ?p "</script><script>alert(1)</script>" }'
    page = get(live, evil, "text/html").text
    assert "<script>alert(1)" not in page
    assert "alert(1)" in page
    # The vendored assets are served from this host.
    asset = request(live.url, "GET", "/static/vendor/yasgui/yasgui.min.js")
    assert asset.status == 200 and len(asset.body) > 100_000


# -- caching and CORS -----------------------------------------------------------------------------

def test_etag_and_conditional_get(live, store):
    first = get(live, COUNT)
    etag = first.headers["ETag"]
    assert etag
    again = request(live.url, "GET", "/sparql?" + urlencode({"query": COUNT}), headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    other_format = request(live.url, "GET", "/sparql?" + urlencode({"query": COUNT}),
                           headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other_format.status == 200
    # A write changes the ETag, and the answer.
    extra = "http://example.org/graph/extra"
    write = Write()
    write.put(extra, _triples(extra, 2, "extra"))
    store.commit(write)
    try:
        changed = request(live.url, "GET", "/sparql?" + urlencode({"query": COUNT}), headers={"If-None-Match": etag})
        assert changed.status == 200
        assert changed.headers["ETag"] != etag
        assert count_of(changed) == 10
    finally:
        write = Write(removed={extra})
        store.commit(write)
    assert count_of(get(live, COUNT)) == 8


def test_cors_on_answers_and_preflight(live):
    assert get(live, COUNT).headers["Access-Control-Allow-Origin"] == "*"
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query",
                                                            "Origin": "https://example.net"}, body="ASK {}")
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    pre = request(live.url, "OPTIONS", "/sparql", headers={
        "Origin": "https://example.net", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status in (200, 204)
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()


# -- streaming and the result cap -----------------------------------------------------------------

BIG = "SELECT ?i ?pad WHERE { VALUES ?x { 0 1 2 3 4 5 6 7 8 9 } VALUES ?y { 0 1 2 3 4 5 6 7 8 9 } " \
      "VALUES ?z { 0 1 2 3 4 5 6 7 8 9 } VALUES ?w { 0 1 2 3 4 5 6 7 8 9 } " \
      "BIND(?x * 1000 + ?y * 100 + ?z * 10 + ?w AS ?i) BIND(CONCAT(STR(?i), \"-paddingpaddingpadding\") AS ?pad) }"


def test_large_answers_stream(live):
    reply = get(live, BIG, "text/csv")
    assert reply.status == 200
    assert reply.headers.get("Transfer-Encoding") == "chunked"
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert len(rows) == 10_001
    assert sorted(int(r[0]) for r in rows[1:]) == list(range(10_000))


def test_result_cap(store):
    with live_server(store, BASE, sparql_max_result_bytes=20_000) as small:
        # Over the cap before the first bytes leave: a clean 413 with a message.
        reply = get(small, BIG, "text/csv")
        assert reply.status == 413
        assert "LIMIT" in reply.text
        # Under the cap: answered.
        assert get(small, "SELECT ?i WHERE { VALUES ?i { 1 2 3 } }", "text/csv").status == 200
    with live_server(store, BASE, sparql_max_result_bytes=150_000) as medium:
        # Over the cap after the first chunk left: the stream breaks instead of ending as if complete.
        reply = get(medium, BIG, "application/sparql-results+json")
        assert reply.status == 200
        assert reply.error is not None
        with pytest.raises(ValueError):
            json.loads(reply.body)
