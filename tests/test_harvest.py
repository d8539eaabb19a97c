"""Harvesting another registry through its DCAT catalogue, against a real HTTP server that serves
a catalogue and its dump (the two-registry test with running registries is in
``test_federation.py``)."""

from __future__ import annotations

import csv
import gzip
import http.server
import io
import re
import threading
import urllib.parse
from contextlib import contextmanager

import pyoxigraph as ox
import pytest
from markupsafe import escape

from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import demo_documents, load_demo
from registry.errors import InputError, UsageError
from registry.harvest import harvest
from registry.ingest import Source, ingest
from registry.store import Store, Write, graph_iri, provenance_graph
from registry.system import install

from .conftest import BASE, DATA, source

OTHER = "http://127.0.0.1:9"  # the harvested registry's base (its IRIs; never contacted)
DATA_INGEST = DATA / "ingest"


class Files(http.server.BaseHTTPRequestHandler):
    files: dict[str, tuple[bytes, str]] = {}

    def do_GET(self):  # noqa: N802
        found = self.files.get(self.path)
        if found is None:
            self.send_error(404)
            return
        body, media = found
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(files: dict[str, tuple[bytes, str]]):
    handler = type("Handler", (Files,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def catalog(url: str, dump: str, media: str = "application/n-quads") -> bytes:
    return f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{url}/catalog> a dcat:Catalog ; dct:title "Rejestr B"@pl ; dcat:dataset <{url}/catalog#all> .
<{url}/catalog#all> a dcat:Dataset ; dct:title "Wszystko"@pl ; dcat:distribution <{url}/catalog#nq> .
<{url}/catalog#nq> a dcat:Distribution ; dcat:downloadURL <{url}{dump}> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/{media}> .
""".encode()


def dump(documents, extra: list[ox.Quad] = ()) -> bytes:
    quads = []
    for doc in documents:
        first = doc[0].subject.value
        kind, key = first[len(OTHER) + 4:].split("/", 1)
        g = ox.NamedNode(graph_iri(OTHER, kind, key.split("#")[0]))
        quads += [ox.Quad(t.subject, t.predicate, t.object, g) for t in doc]
    # a provenance graph and a vocabulary statement, which a harvest leaves out
    quads.append(ox.Quad(ox.NamedNode(f"{OTHER}/graph/provenance#x"), ox.NamedNode("http://www.w3.org/ns/prov#generated"),
                         ox.NamedNode(f"{OTHER}/entity/x"), ox.NamedNode(f"{OTHER}/graph/provenance")))
    quads += list(extra)
    return gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


@pytest.fixture
def local(store):
    install(store)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    return store


def _documents(kinds=("unit", "entity")):
    return [d for d in demo_documents(OTHER)
            if d[0].subject.value.split("/id/")[1].split("/")[0] in kinds]


def test_harvest_stores_the_sources_documents_beside_local_data(local):
    before = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
              if g.value.startswith(BASE + "/entity/")}
    docs = _documents()
    with serving({}) as url:
        Files.files = {}
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/dumps/registry.nq.gz"), "text/turtle")
        files["/dumps/registry.nq.gz"] = (dump(docs), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.source_base == OTHER
    assert report.summary()["created"] == len(docs) and report.summary()["rejected"] == 0
    for d in docs:
        kind, key = d[0].subject.value[len(OTHER) + 4:].split("/")
        assert local.has_graph(graph_iri(OTHER, kind, key))
    assert not local.has_graph(f"{OTHER}/graph/provenance")
    after = {g: len(local.quads(g)) for g in before}
    assert after == before  # local documents untouched
    # the source is recorded
    sources = {r["s"].value for r in local.query(
        "SELECT ?s WHERE { ?a <http://www.w3.org/ns/prov#used>/<http://purl.org/dc/terms/source> ?s }")}
    assert any(s.endswith("/dumps/registry.nq.gz") for s in sources)


def test_a_reharvest_replaces_exactly_the_sources_part(local):
    docs = _documents()
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(docs), "application/gzip")
        harvest(local, url + "/catalog")
        local_before = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
                        if g.value.startswith(BASE + "/")}
        # the source drops one entity and renames another
        entities = [d for d in docs if "/id/entity/" in d[0].subject.value]
        dropped, renamed = entities[0], entities[1]
        name = ox.NamedNode("https://schema.org/name")
        renamed = [ox.Triple(t.subject, t.predicate, ox.Literal("Nowa nazwa", language="pl"))
                   if t.predicate == name and t.subject == renamed[0].subject else t for t in renamed]
        changed = [renamed if d is entities[1] else d for d in docs if d is not dropped]
        files["/d.nq.gz"] = (dump(changed), "application/gzip")
        report = harvest(local, url + "/catalog")
    dropped_key = dropped[0].subject.value.rsplit("/", 1)[1]
    assert report.withdrawn == [graph_iri(OTHER, "entity", dropped_key)]
    assert not local.has_graph(graph_iri(OTHER, "entity", dropped_key))
    assert report.summary()["replaced"] == 1
    names = {q.object.value for q in local.raw.quads_for_pattern(renamed[0].subject, name, None, None)}
    assert names == {"Nowa nazwa"}
    local_after = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
                   if g.value.startswith(BASE + "/") and not g.value.startswith(BASE + "/graph/")}
    assert local_after == {g: n for g, n in local_before.items() if not g.startswith(BASE + "/graph/")}


def test_invalid_documents_are_reported_and_the_rest_stored(local):
    docs = _documents(("unit",))
    bad = ox.NamedNode(f"{OTHER}/id/entity/bez-nazwy")  # an entity without a name or legal form
    broken = [ox.Quad(bad, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/pes-registry/ontology#SocialEconomyEntity"),
                      ox.NamedNode(f"{OTHER}/entity/bez-nazwy"))]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(docs, broken), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.summary()["rejected"] == 1 and report.summary()["created"] == len(docs)
    assert not local.has_graph(f"{OTHER}/entity/bez-nazwy")


@pytest.mark.parametrize("case", ["unreachable", "not-rdf", "no-download", "broken-dump", "missing-dump"])
def test_a_failed_harvest_changes_nothing(local, case):
    version = local.version()
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(_documents()), "application/gzip")
        target = url + "/catalog"
        if case == "unreachable":
            target = "http://127.0.0.1:9/catalog"
        elif case == "not-rdf":
            files["/catalog"] = (b"<html>hello</html>", "text/html")
        elif case == "no-download":
            files["/catalog"] = (b"<x:a> <x:b> <x:c> .", "text/turtle")
        elif case == "broken-dump":
            files["/d.nq.gz"] = (gzip.compress(b"<a> <b> this is not n-quads"), "application/gzip")
        elif case == "missing-dump":
            del files["/d.nq.gz"]
        with pytest.raises(InputError) as info:
            harvest(local, target, timeout=5)
    assert str(info.value).startswith(("http://127.0.0.1", "x:")) or "http" in str(info.value)
    assert local.version() == version


def test_a_registry_does_not_harvest_itself(local):
    own = [d for d in demo_documents(BASE) if "/id/unit/" in d[0].subject.value]
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASE + "/unit/x")) for d in own for t in d]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)), "application/gzip")
        version = local.version()
        with pytest.raises(UsageError, match="own catalogue"):
            harvest(local, url + "/catalog")
    assert local.version() == version


def test_entities_known_in_both_registries_are_linked(local):
    """The harvested copy of a local entity (the same NIP) is linked with owl:sameAs, and the
    named query lists the pair."""
    from registry import queries

    mine = next(iter(local.query(
        "SELECT ?e ?n WHERE { ?e <http://www.w3.org/ns/adms#identifier> ?i . "
        "?i <http://purl.org/dc/terms/type> <https://w3id.org/pes-registry/vocab/identifier-type/nip> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?n }")))
    nip = mine["n"].value
    twin = f"{OTHER}/id/entity/kopia"
    doc = [
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/pes-registry/ontology#SocialEconomyEntity"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/regorg#RegisteredOrganization"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/Organization"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://purl.org/essglobal/vocab/SSEInitiative"),
        (twin, "http://www.w3.org/ns/regorg#orgType", "https://w3id.org/pes-registry/vocab/legal-form/spoldzielnia-socjalna"),
        (twin, "http://www.w3.org/ns/adms#identifier", twin + "#nip"),
        (twin + "#nip", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/adms#Identifier"),
        (twin + "#nip", "http://purl.org/dc/terms/type", "https://w3id.org/pes-registry/vocab/identifier-type/nip"),
    ]
    g = ox.NamedNode(f"{OTHER}/entity/kopia")
    quads = [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), g) for s, p, o in doc]
    quads += [ox.Quad(ox.NamedNode(twin), ox.NamedNode("https://schema.org/name"), ox.Literal("Kopia w innym rejestrze", language="pl"), g),
              ox.Quad(ox.NamedNode(twin + "#nip"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation"), ox.Literal(nip), g),
              ox.Quad(ox.NamedNode(twin), ox.NamedNode("https://schema.org/taxID"), ox.Literal(nip), g)]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.summary()["rejected"] == 0, report.ingest.documents
    assert report.same_as == 1
    rows = list(queries.get("entities_in_several_registries").run(local, {}))
    assert len(rows) == 1
    pair = {rows[0]["entity"].value, rows[0]["other"].value}
    assert pair == {mine["e"].value, twin}
    assert rows[0]["notation"].value == nip
    # the local entity can still be withdrawn (the links graph is not a document), and its
    # links go with it
    from registry.ingest import withdraw

    key = mine["e"].value.rsplit("/", 1)[1]
    withdraw(local, [("entity", key)])
    assert list(queries.get("entities_in_several_registries").run(local, {})) == []


# -- harvested documents in the lists and pages ---------------------------------------------------

ENTITY = "https://w3id.org/pes-registry/ontology#SocialEconomyEntity"
OFFER = "https://schema.org/Offer"
OPPORTUNITY = "https://w3id.org/pes-registry/ontology#CooperationOpportunity"
ACTION = "https://w3id.org/pes-registry/ontology#CooperationAction"
OTHER_Q = "source=" + urllib.parse.quote(OTHER, safe="")  # ?source= of the harvested registry
CATALOG_TITLE = "Rejestr podmiotów ekonomii społecznej w Toruniu"  # the local catalogue's Polish title


def _count(store, cls: str, base: str) -> int:
    """Instances of a class whose IRIs are under a base (each once), from the store."""
    rows = list(store.query(
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{cls}> }} '
        f'FILTER(STRSTARTS(STR(?s), "{base}/id/") && !CONTAINS(STR(?s), "#")) }}'))
    return int(rows[0]["n"].value)


def _harvest_files(store, documents, extra=()):
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(documents, list(extra)), "application/gzip")
        return harvest(store, url + "/catalog")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """This registry's demo data, and the same demo harvested from another registry (OTHER):
    every key of one is a key of the other."""
    store = Store(tmp_path_factory.mktemp("both") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    report = _harvest_files(store, demo_documents(OTHER))
    assert report.summary()["rejected"] == 0, report.ingest.documents
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    yield store, app.test_client()
    close_app(app)
    store.close()


@pytest.mark.parametrize("path, cls", [("entities", ENTITY), ("offers", OFFER),
                                       ("opportunities", OPPORTUNITY), ("actions", ACTION)])
def test_harvested_documents_are_listed_and_filtered_by_source(both, path, cls):
    store, client = both
    mine, theirs = _count(store, cls, BASE), _count(store, cls, OTHER)
    assert mine and theirs
    body = client.get(f"/{path}.json").json
    assert body["total"] == mine + theirs  # everything by default
    facet = body["facets"]["source"]
    assert [(v["value"], v["count"]) for v in facet] == [("local", mine), (OTHER, theirs)]
    assert [v["label"] for v in facet] == [CATALOG_TITLE, "Rejestr B (127.0.0.1:9)"]  # the source catalogue's title, as the harvest recorded it

    only = client.get(f"/{path}.json?per=100&{OTHER_Q}").json
    assert only["total"] == theirs and only["filters"] == {"source": [OTHER]}
    for item in only["items"]:
        assert item["iri"].startswith(OTHER + "/id/")
        assert item["source"] == {"value": OTHER, "label": "Rejestr B (127.0.0.1:9)",
                                  "original": f"{OTHER}/{item['iri'].split('/id/')[1]}"}
        assert item["page"] == f"{BASE}/harvested/{item['iri'].split('/id/')[1]}?{OTHER_Q}"
    local = client.get(f"/{path}.json?per=100&source=local").json
    assert local["total"] == mine
    assert all(i["iri"].startswith(BASE + "/id/") and i["source"]["value"] == "local" for i in local["items"])
    assert client.get(f"/{path}.json?source=local&{OTHER_Q}").json["total"] == mine + theirs

    rows = list(csv.DictReader(io.StringIO(client.get(f"/{path}.csv?{OTHER_Q}").get_data(as_text=True))))
    assert len(rows) == theirs
    assert {(r["source"], r["sourceName"]) for r in rows} == {(OTHER, "Rejestr B (127.0.0.1:9)")}
    assert all(r["iri"].startswith(OTHER + "/id/") and r["page"].startswith(BASE + "/harvested/") for r in rows)
    every = list(csv.DictReader(io.StringIO(client.get(f"/{path}.csv").get_data(as_text=True))))
    assert len(every) == mine + theirs

    html = client.get(f"/{path}?{OTHER_Q}").get_data(as_text=True)
    assert "Źródło" in html and f'name="source" value="{OTHER}"' in html
    first = only["items"][0]
    assert f'href="/harvested/{first["iri"].split("/id/")[1]}?{OTHER_Q}"' in html
    assert 'class="hit-source"' in html and "Rejestr B" in html
    assert f'href="/{first["iri"].split("/id/")[1]}"' not in html  # never the local address


def test_the_opportunities_atom_feed_filters_by_source(both):
    store, client = both
    feed = client.get(f"/opportunities.atom?{OTHER_Q}").get_data(as_text=True)
    ids = re.findall(r"<id>([^<]+)</id>", feed)[1:]
    assert ids and all(i.startswith(OTHER + "/id/opportunity/") for i in ids)
    assert f"{BASE}/harvested/opportunity/" in feed and f"{BASE}/opportunity/" not in feed


def test_a_bad_source_is_a_400(both):
    _, client = both
    for value in ("javascript:alert(1)", "x" * 50, "http://a b"):
        answer = client.get("/entities.json", query_string={"source": value})
        assert answer.status_code == 400 and "source" in answer.get_data(as_text=True)
    # a well-formed source that holds nothing is an empty list, like any facet value
    assert client.get("/entities.json", query_string={"source": "http://example.org"}).json["total"] == 0


def test_the_same_key_in_two_registries_gives_two_rows(both):
    store, client = both
    first = client.get("/entities.json?source=local&per=1").json["items"][0]
    key, name = first["key"], first["name"]
    found = client.get("/entities.json", query_string={"q": name, "per": 100}).json["items"]
    iris = [i["iri"] for i in found if i["key"] == key]
    # both rows, this registry's first (the same name: a tie in relevance)
    assert iris == [f"{BASE}/id/entity/{key}", f"{OTHER}/id/entity/{key}"]

    # facets of linked units: a local unit by its key, another registry's by its IRI
    body = client.get("/opportunities.json").json
    publishers = {v["value"]: v for v in body["facets"]["publisher"]}
    local_units = {v for v in publishers if ":" not in v}
    other_units = {v for v in publishers if ":" in v}
    assert {f"{OTHER}/id/unit/{v}" for v in local_units} >= other_units and other_units
    assert sum(publishers[v]["count"] for v in other_units) == _count(store, OPPORTUNITY, OTHER)
    unit = sorted(other_units)[0]
    short = unit.rsplit("/", 1)[1]
    assert publishers[unit]["label"].endswith("(Rejestr B (127.0.0.1:9))")
    theirs = client.get("/opportunities.json", query_string={"publisher": unit, "per": 100}).json
    mine = client.get("/opportunities.json", query_string={"publisher": short, "per": 100}).json
    assert theirs["total"] == publishers[unit]["count"] and mine["total"] == publishers[short]["count"]
    assert all(i["iri"].startswith(OTHER) and i["publisher"]["iri"] == unit for i in theirs["items"])
    assert all(i["iri"].startswith(BASE) for i in mine["items"])
    # a unit's page lists its own registry's opportunities only
    page = client.get(f"/harvested/unit/{short}?{OTHER_Q}").get_data(as_text=True)
    assert "/harvested/opportunity/" in page and 'href="/opportunity/' not in page
    page = client.get(f"/unit/{short}").get_data(as_text=True)
    assert 'href="/opportunity/' in page and "/harvested/opportunity/" not in page


def test_a_harvested_page_shows_its_source(both):
    store, client = both
    item = client.get(f"/entities.json?{OTHER_Q}&per=1").json["items"][0]
    key = item["key"]
    answer = client.get(f"/harvested/entity/{key}?{OTHER_Q}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'class="notice harvested-source"' in html
    assert "Źródło:" in html and "Rejestr B" in html and "— pobrano <time" in html
    assert f'<a href="{OTHER}/entity/{key}">' in html  # the original page
    assert f'<a href="{OTHER}/catalog">' in html  # the source catalogue
    assert f'<link rel="canonical" href="{OTHER}/entity/{key}">' in html
    assert f"<code>{OTHER}/id/entity/{key}</code>" in html
    assert f'href="/entity/{key}.ttl"' not in html  # the local twins are another resource's
    assert f"<h1>{escape(item['name'])}</h1>" in html
    english = client.get(f"/harvested/entity/{key}?{OTHER_Q}&lang=en").get_data(as_text=True)
    assert "Source:" in english and "— harvested <time" in english
    # the local resource of the same key has its own page, without the box
    local = client.get(f"/entity/{key}").get_data(as_text=True)
    assert "harvested-source" not in local and f'href="/entity/{key}.ttl"' in local
    # an offer (in its entity's document) and an opportunity have their pages too
    offer = client.get(f"/offers.json?{OTHER_Q}&per=1").json["items"][0]
    html = client.get(f"/harvested/offer/{offer['key']}?{OTHER_Q}").get_data(as_text=True)
    assert "harvested-source" in html and f'{OTHER}/offer/{offer["key"]}' in html
    assert "/harvested/entity/" in html  # its supplier, on this site
    call = client.get(f"/opportunities.json?{OTHER_Q}&per=1").json["items"][0]
    assert client.get(f"/harvested/opportunity/{call['key']}?{OTHER_Q}").status_code == 200


def test_harvested_pages_refuse_what_no_harvest_brought(both):
    store, client = both
    key = client.get(f"/entities.json?{OTHER_Q}&per=1").json["items"][0]["key"]
    assert client.get(f"/harvested/entity/{key}").status_code == 400  # no source
    assert client.get(f"/harvested/entity/{key}?source=http://example.org").status_code == 404
    assert client.get(f"/harvested/entity/{key}?source={BASE}").status_code == 404  # ours: /entity/{key}
    assert client.get(f"/harvested/entity/nie-ma-takiego?{OTHER_Q}").status_code == 404
    assert client.get(f"/harvested/nothing/{key}?{OTHER_Q}").status_code == 404
    answer = client.get(f"/harvested/entity/{key}?source=%3Cscript%3E", headers={"Accept": "text/html"})
    assert answer.status_code == 404 and "<script>" not in answer.get_data(as_text=True)


def test_the_sitemap_and_csv_dumps_hold_this_registrys_documents_only(both):
    store, client = both
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    key = client.get("/entities.json?source=local&per=1").json["items"][0]["key"]
    assert f"{BASE}/entity/{key}" in locations
    assert not [u for u in locations if "harvested" in u or u.startswith(OTHER)]
    # one address per local resource (the harvested copies share their keys)
    assert len(locations) == len(set(locations))
    for kind, cls in (("entity", ENTITY), ("offer", OFFER), ("opportunity", OPPORTUNITY), ("action", ACTION)):
        assert len([u for u in locations if u.startswith(f"{BASE}/{kind}/")]) == _count(store, cls, BASE)
    for name, cls in (("entities", ENTITY), ("offers", OFFER)):
        rows = list(csv.DictReader(io.StringIO(client.get(f"/dumps/{name}.csv").get_data(as_text=True))))
        assert len(rows) == _count(store, cls, BASE)
        assert {r["source"] for r in rows} == {BASE}
        assert {r["sourceName"] for r in rows} == {CATALOG_TITLE}


def test_the_source_title_as_recorded_and_escaped(local):
    """A title recorded in the harvest's provenance names the source; data with markup stays text."""
    docs = _documents()
    entity = next(d for d in docs if "/id/entity/" in d[0].subject.value)
    subject = entity[0].subject
    name = ox.NamedNode("https://schema.org/name")
    evil = '<script>alert("x")</script> & co'
    changed = [ox.Triple(t.subject, t.predicate, ox.Literal(evil, language="pl"))
               if t.subject == subject and t.predicate == name else t for t in entity]
    report = _harvest_files(local, [changed if d is entity else d for d in docs])
    assert report.summary()["rejected"] == 0
    title = '<b>Rejestr "B"</b> & Bydgoszcz'
    provenance = ox.NamedNode(provenance_graph(BASE))
    local.commit(Write(provenance=[ox.Quad(ox.NamedNode(report.ingest.activity),
                                           ox.NamedNode("http://purl.org/dc/terms/title"),
                                           ox.Literal(title, language="pl"), provenance)]))
    app = create_app(Settings(data_dir=local.path, base=BASE), store=local)
    try:
        client = app.test_client()
        key = subject.value.rsplit("/", 1)[1]
        facet = client.get("/entities.json").json["facets"]["source"]
        assert [v["label"] for v in facet] == ["Ten rejestr", f"{title} (127.0.0.1:9)"]  # no catalogue here
        assert [v["label"] for v in client.get("/entities.json?lang=en").json["facets"]["source"]][0] == "This registry"
        for url in (f"/harvested/entity/{key}?{OTHER_Q}", f"/entities?{OTHER_Q}"):
            html = client.get(url).get_data(as_text=True)
            assert title not in html and evil not in html and "<script>alert" not in html
            assert "&lt;b&gt;Rejestr &#34;B&#34;&lt;/b&gt; &amp; Bydgoszcz" in html
            assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in html
    finally:
        close_app(app)


def test_a_reharvest_that_drops_a_document_takes_it_out_of_the_lists(local):
    docs = _documents()
    app = create_app(Settings(data_dir=local.path, base=BASE), store=local)
    try:
        client = app.test_client()
        assert client.get(f"/entities.json?{OTHER_Q}").json["total"] == 0
        _harvest_files(local, docs)
        harvested = client.get(f"/entities.json?{OTHER_Q}&per=100").json
        expected = sum(1 for d in docs if "/id/entity/" in d[0].subject.value)
        assert harvested["total"] == expected
        dropped = harvested["items"][0]
        assert client.get(f"/harvested/entity/{dropped['key']}?{OTHER_Q}").status_code == 200
        report = _harvest_files(local, [d for d in docs if d[0].subject.value != dropped["iri"]])
        assert report.withdrawn == [graph_iri(OTHER, "entity", dropped["key"])]
        after = client.get(f"/entities.json?{OTHER_Q}&per=100").json
        assert after["total"] == expected - 1
        assert dropped["iri"] not in {i["iri"] for i in after["items"]}
        found = client.get("/entities.json", query_string={"q": dropped["name"], "per": 100}).json["items"]
        assert dropped["iri"] not in {i["iri"] for i in found}
        assert client.get(f"/harvested/entity/{dropped['key']}?{OTHER_Q}").status_code == 404
        counts = {v["value"]: v["count"] for v in client.get("/entities.json").json["facets"]["source"]}
        assert counts == {"local": 1, OTHER: expected - 1}
    finally:
        close_app(app)


def test_this_registrys_row_comes_first_among_equally_relevant_ones(store):
    """Two entities of the same name, one harvested before the local one was written (so it
    would come first by name and row order): a search puts this registry's first."""
    early = "http://127.0.0.1:1"  # a harvested base that also sorts before this registry's
    name = ox.NamedNode("https://schema.org/name")
    mine = ox.parse((DATA_INGEST / "entity.ttl").read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=BASE + "/")
    title = next(t.object.value for t in mine if t.subject.value == f"{BASE}/id/entity/przystan" and t.predicate == name)
    docs = [d for d in demo_documents(early) if "/id/unit/" in d[0].subject.value or "/id/entity/" in d[0].subject.value]
    twin = next(d for d in docs if "/id/entity/" in d[0].subject.value)
    renamed = [ox.Triple(t.subject, t.predicate, ox.Literal(title, language="pl"))
               if t.subject == twin[0].subject and t.predicate == name else t for t in twin]
    data = ox.serialize([t for d in docs for t in (renamed if d is twin else d)], format=ox.RdfFormat.N_TRIPLES)
    report = ingest(store, [Source(name="early.nt", data=data)], partial=True, documents_base=early)
    assert report.summary()["rejected"] == 0
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    try:
        client = app.test_client()
        found = [i["iri"] for i in client.get("/entities.json", query_string={"q": title}).json["items"]]
        assert found[:2] == [f"{BASE}/id/entity/przystan", twin[0].subject.value]
        by_name = [i["iri"] for i in client.get("/entities.json", query_string={"q": title, "sort": "name"}).json["items"]]
        assert by_name[:2] == [twin[0].subject.value, f"{BASE}/id/entity/przystan"]  # the tie rule is relevance's
    finally:
        close_app(app)
