"""The endpoint and the named-query API over the demo data, with clients we did not write:
SPARQLWrapper, rdflib's SPARQLStore (as dane.gov.pl's harvester uses it) and curl."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from registry.config import Settings
from registry.demo import load_demo
from registry.queries import all_queries
from registry.store import Store
from registry.system import install

from .conftest import BASE, NEED_A_HARVEST
from .http_support import live_server, request


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    yield store
    store.close()


@pytest.fixture(scope="module")
def live(demo_store):
    with live_server(demo_store, BASE) as server:
        yield server


ENTITIES = """PREFIX pes: <https://w3id.org/pes-registry/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?e ?name WHERE { ?e a pes:SocialEconomyEntity ; schema:name ?name } ORDER BY ?e"""


def local_entities(store) -> list[tuple[str, str]]:
    return [(r["e"].value, r["name"].value) for r in store.query(ENTITIES)]


# -- SPARQLWrapper --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json_and_xml(live, demo_store, method):
    expected = local_entities(demo_store)
    assert len(expected) == 46
    client = SPARQLWrapper(live.url + "/sparql")
    client.setMethod(method)
    client.setQuery(ENTITIES)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [(r["e"]["value"], r["name"]["value"]) for r in rows] == expected
    client.setReturnFormat(XML)
    doc = client.query().convert()
    names = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert names == [name for _, name in expected]


def test_sparqlwrapper_ask_construct_and_errors(live):
    client = SPARQLWrapper(live.url + "/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("ASK { ?s a <https://w3id.org/pes-registry/ontology#SocialEconomyEntity> }")
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 10")
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) == 10
    client.setQuery("SELECT * WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        client.query()


# -- rdflib's SPARQLStore, as a DCAT harvester runs it ---------------------------------------------

def test_rdflib_sparqlstore_construct_as_rdf_xml(live, demo_store):
    store = SPARQLStore(query_endpoint=live.url + "/sparql", returnFormat="application/rdf+xml")
    query = all_queries()["dcat_catalog"].text if "dcat_catalog" in all_queries() else \
        "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
    graph = store.query(query).graph
    local = Graph().parse(data=ox.serialize(demo_store.query(query, union=True), format=ox.RdfFormat.N_TRIPLES),
                          format="nt")
    assert len(local) > 0
    assert isomorphic(graph, local)
    select = SPARQLStore(query_endpoint=live.url + "/sparql").query(ENTITIES)
    assert [(str(r.e), str(r.name)) for r in select] == local_entities(demo_store)


# -- curl: the same answers in every format -------------------------------------------------------

@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_curl_every_format(live, demo_store, accept):
    out = subprocess.run(
        ["curl", "-sS", "--fail", "-H", f"Accept: {accept}", "--data-urlencode", f"query={ENTITIES}",
         live.url + "/sparql"], capture_output=True, check=True, timeout=60).stdout
    expected = local_entities(demo_store)
    if accept.endswith("json"):
        got = [(b["e"]["value"], b["name"]["value"]) for b in json.loads(out)["results"]["bindings"]]
    elif accept.endswith("xml"):
        results = ox.parse_query_results(out, ox.QueryResultsFormat.XML)
        got = [(r["e"].value, r["name"].value) for r in results]
    elif accept == "text/csv":
        got = [tuple(r) for r in csv.reader(io.StringIO(out.decode()))][1:]
    else:
        results = ox.parse_query_results(out, ox.QueryResultsFormat.TSV)
        got = [(r["e"].value, r["name"].value) for r in results]
    assert got == expected


# -- the named-query API ----------------------------------------------------------------------------

def test_api_lists_every_query(live):
    reply = request(live.url, "GET", "/api/queries", headers={"Accept": "application/json"})
    assert reply.status == 200
    listed = {q["name"]: q for q in json.loads(reply.body)["queries"]}
    assert set(listed) == set(all_queries())
    assert listed["offers_by_cpv"]["parameters"][0]["name"] == "cpv"
    html = request(live.url, "GET", "/api/queries", headers={"Accept": "text/html"})
    assert html.media_type == "text/html" and "offers_by_cpv" in html.text


@pytest.mark.parametrize("name", sorted(all_queries()))
def test_api_runs_each_query_with_its_examples_like_in_process(live, demo_store, name):
    query = all_queries()[name]
    params = {p.name: p.example for p in query.parameters if p.example}
    path = f"/api/queries/{name}?" + urlencode(params)
    if query.form in ("construct", "describe"):
        reply = request(live.url, "GET", path, headers={"Accept": "application/n-triples"})
        assert reply.status == 200, reply.body
        got = {str(q) for q in ox.parse(reply.body, ox.RdfFormat.N_TRIPLES)}
        local = {str(t) for t in query.run(demo_store, params)}
        assert got == local and got
        return
    reply = request(live.url, "GET", path)
    assert reply.status == 200, reply.body
    data = json.loads(reply.body)
    local = query.run(demo_store, params)
    if isinstance(local, ox.QueryBoolean):
        assert data["boolean"] is bool(local)
        return
    variables = [v.value for v in local.variables]

    def unordered(v: str, text: str) -> str:
        """GROUP_CONCAT has no order in SPARQL: lists of reasons are compared as sets."""
        return "; ".join(sorted(text.strip('"').split("; "))) if v == "reasons" else text

    expected = sorted(tuple(unordered(v, str(r[v])) if r[v] is not None else "" for v in variables) for r in local)
    assert expected or name in NEED_A_HARVEST, "the example values must give an answer"

    def term(cell):
        if cell is None:
            return ""
        if cell["type"] == "uri":
            return f"<{cell['value']}>"
        if cell["type"] == "bnode":
            return "_:"
        return str(ox.Literal(cell["value"], language=cell.get("xml:lang"),
                              datatype=ox.NamedNode(cell["datatype"]) if "datatype" in cell else None))

    got = sorted(tuple(unordered(v, term(b.get(v))) for v in variables) for b in data["results"]["bindings"])
    assert got == expected
    # The same rows as CSV by suffix, and an HTML table for browsers.
    as_csv = request(live.url, "GET", f"/api/queries/{name}.csv?" + urlencode(params))
    assert as_csv.media_type == "text/csv"
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == len(expected) + 1
    page = request(live.url, "GET", path, headers={"Accept": "text/html"})
    assert page.media_type == "text/html"
    assert f'data-rows="{len(expected)}"' in page.text


def test_api_parameter_errors_name_the_parameter(live):
    missing = request(live.url, "GET", "/api/queries/offers_by_cpv")
    assert missing.status == 400
    assert json.loads(missing.body)["parameter"] == "cpv"
    bad = request(live.url, "GET", "/api/queries/offers_by_cpv?cpv=not-a-code")
    assert bad.status == 400 and json.loads(bad.body)["parameter"] == "cpv"
    unknown = request(live.url, "GET", "/api/queries/counts?colour=red")
    assert unknown.status == 400 and json.loads(unknown.body)["parameter"] == "colour"
    twice = request(live.url, "GET", "/api/queries/offers_by_cpv?cpv=55520000&cpv=55520000")
    assert twice.status == 400
    assert request(live.url, "GET", "/api/queries/nope").status == 404
    assert request(live.url, "GET", "/api/queries/counts", headers={"Accept": "image/png"}).status == 406


def test_api_html_escapes_values(live):
    evil = '<script>alert("x")</script>'
    reply = request(live.url, "GET", "/api/queries/offers_by_cpv?" + urlencode({"cpv": evil}),
                    headers={"Accept": "text/html"})
    assert reply.status == 400
    assert "<script>" not in reply.text


def test_api_etag(live):
    first = request(live.url, "GET", "/api/queries/counts.json")
    assert first.status == 200
    again = request(live.url, "GET", "/api/queries/counts.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


def test_openapi_is_valid_3_1_and_complete(live):
    from openapi_spec_validator import validate

    reply = request(live.url, "GET", "/api/openapi.json")
    document = json.loads(reply.body)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert {f"/api/queries/{n}" for n in all_queries()} <= set(document["paths"])
    write = document["paths"]["/id/{kind}/{key}"]
    assert {"put", "delete"} <= set(write) and "post" in document["paths"]["/api/{kind}"]
    assert {"412", "422", "428"} <= set(write["put"]["responses"])
    cpv = document["paths"]["/api/queries/offers_by_cpv"]["get"]["parameters"][0]
    assert cpv["name"] == "cpv" and cpv["required"] is True
    docs = request(live.url, "GET", "/api/docs")
    assert docs.status == 200 and "swagger-ui-bundle.js" in docs.text


@pytest.mark.parametrize("name", sorted(all_queries()))
def test_editor_examples_run_on_the_endpoint(live, name):
    """Each example the editor offers runs on the endpoint; where the editor binds the example
    values (a VALUES block), it gives the same answer as the API with those values."""
    from registry.web.sparql import editor_text

    query = all_queries()[name]
    with live.app.app_context():
        text = editor_text(query)
    graph = query.form in ("construct", "describe")
    accept = "application/n-triples" if graph else "application/sparql-results+json"
    reply = request(live.url, "POST", "/sparql", headers={"Content-Type": "application/sparql-query",
                                                            "Accept": accept}, body=text)
    assert reply.status == 200, reply.body
    if "VALUES (" in text or not query.parameters:
        params = {p.name: p.example for p in query.parameters if p.example}
        api = request(live.url, "GET", f"/api/queries/{name}?" + urlencode(params), headers={"Accept": accept})
        if graph:
            assert sorted(reply.body.splitlines()) == sorted(api.body.splitlines())
        else:
            rows = sorted(json.dumps(b, sort_keys=True) for b in json.loads(reply.body)["results"]["bindings"])
            expected = sorted(json.dumps(b, sort_keys=True) for b in json.loads(api.body)["results"]["bindings"])
            assert rows == expected and (rows or name in NEED_A_HARVEST)
    else:
        assert "/api/queries/" + name in text
