"""Bulk downloads, VoID, the sitemap and robots.txt, over real HTTP (a live waitress server) on a
store on disk with the demo data."""

from __future__ import annotations

import csv
import gzip
import io
import json
import threading
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from registry import dumps
from registry.catalog import DATASETS
from registry.config import Settings
from registry.demo import load_demo
from registry.ingest import ingest
from registry.namespaces import KINDS, ONTOLOGY_GRAPH
from registry.store import Store
from registry.system import install
from registry.web import dumps as web_dumps
from registry.web.lists import CSV_COLUMNS
from tests.conftest import BASE, source
from tests.http_support import live_server, request

VOID = "http://rdfs.org/ns/void#"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ENTITY_CLASS = "https://w3id.org/pes-registry/ontology#SocialEconomyEntity"
FORMATS = {"application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
           "text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD}


def _demo_store(path: Path) -> Store:
    store = Store(path, BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    return store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo store and a live server over it (read-only tests)."""
    store = _demo_store(tmp_path_factory.mktemp("dumps") / "data")
    with live_server(store, BASE) as live:
        yield store, live
    store.close()


@pytest.fixture
def fresh(tmp_path):
    """A demo store of its own, for tests that write."""
    store = _demo_store(tmp_path / "data")
    with live_server(store, BASE) as live:
        yield store, live
    store.close()


def get(live, path: str, **headers):
    return request(live.url, "GET", path, headers=headers)


def _content(reply) -> bytes:
    return gzip.decompress(reply.body) if reply.media_type == "application/gzip" else reply.body


def _graph_size(store: Store, graphs) -> int:
    return sum(len(store.quads(g.value if isinstance(g, ox.NamedNode) else g)) for g in graphs)


def _sparql_count(store: Store, where: str) -> int:
    for row in store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}"):
        return int(row["n"].value)
    return 0


# -- the dumps -----------------------------------------------------------------------------------


def test_every_dump_is_served_and_matches_the_store(demo):
    store, live = demo
    index = live.app.extensions["registry.search"]
    for dump in dumps.DUMPS:
        reply = get(live, f"/dumps/{dump.name}")
        assert reply.status == 200, (dump.name, reply.status, reply.body[:300])
        assert int(reply.headers["Content-Length"]) == len(reply.body)
        assert reply.headers["ETag"] and reply.headers["Last-Modified"]
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert "attachment" in reply.headers["Content-Disposition"]
        assert dump.name in reply.headers["Content-Disposition"]
        assert reply.headers.get("Content-Encoding") is None
        if dump.gzip:
            assert reply.media_type == "application/gzip"
        else:
            assert reply.media_type == dump.media_type
        data = _content(reply)
        if dump.media_type == "text/csv":
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
            kind = dump.name.removesuffix(".csv")
            assert rows[0] == CSV_COLUMNS[kind]
            assert len(rows) - 1 == index.count({"entities": "entity", "offers": "offer"}[kind]) > 0
            continue
        parsed = list(ox.parse(data, FORMATS[dump.media_type]))
        if dump.dataset is None:
            assert len(parsed) == len(store), dump.name
            assert {q.graph_name for q in parsed} == set(store.raw.named_graphs())
        elif dump.name == "ontology.ttl":
            assert len(parsed) == len(store.quads(ONTOLOGY_GRAPH)) > 0
        elif dump.name == "vocabularies.ttl":
            assert len(parsed) == _graph_size(store, dumps.vocabulary_graphs(store)) > 0
        else:
            assert len(parsed) == _graph_size(store, dumps.dataset_graphs(store, dump.dataset)) > 0, \
                dump.name


def test_dataset_dumps_hold_their_documents(demo):
    store, live = demo
    entities = ox.parse(_content(get(live, "/dumps/entities.ttl.gz")), ox.RdfFormat.TURTLE)
    subjects = {t.subject.value for t in entities
                if t.predicate.value == RDF_TYPE and t.object.value == ENTITY_CLASS}
    expected = {row["s"].value for row in store.query(f"SELECT ?s WHERE {{ ?s a <{ENTITY_CLASS}> }}")}
    assert subjects == expected
    offers = ox.parse(_content(get(live, "/dumps/entities.jsonld.gz")), ox.RdfFormat.JSON_LD)
    assert any(t.object.value == "https://schema.org/Offer" for t in offers)
    units = ox.parse(_content(get(live, "/dumps/units.ttl.gz")), ox.RdfFormat.TURTLE)
    assert not any(t.object.value == ENTITY_CLASS for t in units)


def test_conditional_requests_and_head(demo):
    _, live = demo
    first = get(live, "/dumps/registry.nq.gz")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = get(live, "/dumps/registry.nq.gz", **{"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    assert again.headers["ETag"] == etag
    since = get(live, "/dumps/registry.nq.gz", **{"If-Modified-Since": modified})
    assert since.status == 304
    other = get(live, "/dumps/registry.nq.gz", **{"If-None-Match": '"something-else"'})
    assert other.status == 200 and other.body == first.body
    head = request(live.url, "HEAD", "/dumps/registry.nq.gz")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["Content-Length"]) == len(first.body)
    assert head.headers["ETag"] == etag
    part = get(live, "/dumps/registry.nq.gz", Range="bytes=0-99")
    assert part.status == 206 and part.body == first.body[:100]
    assert "public" in first.headers["Cache-Control"] and "no-cache" in first.headers["Cache-Control"]


def test_unknown_dump_is_404(demo):
    _, live = demo
    for path in ("/dumps/nothing.nq.gz", "/dumps/registry.nq", "/dumps/..%2Fclock.json"):
        assert get(live, path).status == 404, path


def test_index_lists_every_dump(demo):
    _, live = demo
    get(live, "/dumps/units.ttl.gz")  # built: the index shows its size
    page = get(live, "/dumps/", Accept="text/html")
    assert page.status == 200 and page.media_type == "text/html"
    for dump in dumps.DUMPS:
        assert f'href="/dumps/{dump.name}"' in page.text
    assert "Pobieranie danych" in page.text
    english = get(live, "/dumps/?lang=en", Accept="text/html")
    assert "Bulk downloads" in english.text and "City units (Turtle, gzip)" in english.text
    listing = get(live, "/dumps/", Accept="application/json")
    assert listing.media_type == "application/json"
    body = json.loads(listing.body)
    assert [d["name"] for d in body["dumps"]] == [d.name for d in dumps.DUMPS]
    units = next(d for d in body["dumps"] if d["name"] == "units.ttl.gz")
    assert units["byteSize"] == len(get(live, "/dumps/units.ttl.gz").body)
    assert units["url"] == f"{BASE}/dumps/units.ttl.gz"
    assert get(live, "/dumps").status in (301, 308)


def test_built_dumps_are_reused_and_identical(demo):
    store, live = demo
    first = dumps.current(store, live.settings, "actions.ttl.gz")
    again = dumps.current(store, live.settings, "actions.ttl.gz")
    assert again == first
    rebuilt = dumps.build(store, live.settings, "actions.ttl.gz")
    assert rebuilt.sha256 == first.sha256 and rebuilt.byte_size == first.byte_size
    assert dumps.built(live.settings, "actions.ttl.gz") == rebuilt
    assert Path(rebuilt.path).parent.name == f"v{store.version()}"


def test_concurrent_requests_build_once(fresh):
    _, live = fresh
    replies = []

    def fetch():
        replies.append(get(live, "/dumps/registry.trig.gz"))

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in replies] == [200] * 4
    assert len({r.body for r in replies}) == 1 and len({r.headers["ETag"] for r in replies}) == 1


def test_a_write_renews_the_dumps(fresh):
    store, live = fresh
    before = get(live, "/dumps/registry.nq.gz")
    csv_before = get(live, "/dumps/entities.csv")
    old = Path(dumps.built(live.settings, "registry.nq.gz").path)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    after = get(live, "/dumps/registry.nq.gz", **{"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert dumps.http_date(dumps.state(store, live.settings).modified) >= dumps.http_date(
        dumps.built(live.settings, "entities.csv").modified)
    quads = list(ox.parse(gzip.decompress(after.body), ox.RdfFormat.N_QUADS))
    assert len(quads) == len(store)
    entity = f"{BASE}/id/entity/przystan"
    assert any(q.subject.value == entity for q in quads)
    assert f"{BASE}/entity/przystan" not in {q.graph_name.value for q in ox.parse(
        gzip.decompress(before.body), ox.RdfFormat.N_QUADS)}
    csv_after = get(live, "/dumps/entities.csv")
    assert entity in csv_after.text and entity not in csv_before.text
    assert not old.exists()  # the older version is gone once the newer one is complete


def test_the_downloads_are_rebuilt_in_the_background_once_writes_pause(fresh):
    import time

    store, live = fresh
    rebuilder = dumps.Rebuilder(store, live.settings, delay=0.5).start(now=True)
    try:
        deadline = time.monotonic() + 120
        while rebuilder.rounds < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        version = store.version()
        assert all(dumps.built(live.settings, d.name, version) for d in dumps.DUMPS)
        ingest(store, [source("units.ttl"), source("entity.ttl")])
        assert store.version() > version
        assert dumps.built(live.settings, "registry.nq.gz", store.version()) is None  # not at once
        while rebuilder.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        ready = dumps.built(live.settings, "registry.nq.gz", store.version())
        assert ready is not None  # built before anyone asked
        reply = get(live, "/dumps/registry.nq.gz")
        import hashlib

        assert reply.status == 200 and hashlib.sha256(reply.body).hexdigest() == ready.sha256.removeprefix("sha256:")
        assert len(list(ox.parse(gzip.decompress(reply.body), ox.RdfFormat.N_QUADS))) == len(store)
    finally:
        rebuilder.stop()
    assert rebuilder._noted not in store.listeners


def test_built_without_building(tmp_path):
    settings = Settings(data_dir=tmp_path, base=BASE)
    assert dumps.built(settings, "registry.nq.gz") is None


# -- memory --------------------------------------------------------------------------------------


def test_the_whole_dump_streams(demo):
    """Building the N-Quads dump never holds the data in Python: the peak of Python's memory
    during the build is a small fraction of the dump's size."""
    store, live = demo
    settings = live.settings
    dumps.state(store, settings)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        built = dumps.build(store, settings, "registry.nq.gz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = 0
    with gzip.open(built.path, "rb") as f:
        while piece := f.read(1 << 20):
            size += len(piece)
    assert size > 1_500_000  # the demo: some 11 000 quads
    assert peak < min(1 << 20, size // 2), (peak, size)


# -- VoID ----------------------------------------------------------------------------------------


def _void(live, accept="text/turtle") -> tuple[object, ox.Store]:
    reply = get(live, "/.well-known/void", Accept=accept)
    assert reply.status == 200, reply.body[:300]
    graph = ox.Store()
    fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/rdf+xml": ox.RdfFormat.RDF_XML,
           "application/n-triples": ox.RdfFormat.N_TRIPLES}[reply.media_type]
    graph.load(reply.body, fmt)
    return reply, graph


def _value(graph: ox.Store, s: str, p: str) -> list:
    return [q.object for q in graph.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)]


def test_void_describes_the_store(demo):
    store, live = demo
    reply, graph = _void(live)
    assert reply.media_type == "text/turtle" and "Accept" in reply.headers["Vary"]
    registry = f"{BASE}/.well-known/void#registry"
    assert [t.value for t in _value(graph, registry, RDF_TYPE)] == [VOID + "Dataset"]
    assert int(_value(graph, registry, VOID + "triples")[0].value) == len(store)
    index = live.app.extensions["registry.search"]
    entities = int(_value(graph, registry, VOID + "entities")[0].value)
    assert entities == sum(index.count(k) for k in KINDS)
    assert entities == _sparql_count(
        store, "?s a ?c FILTER(REGEX(STR(?s), '^" + BASE + "/id/(entity|offer|opportunity|action|"
        "programme|unit)/[^/#]+$'))")
    assert _value(graph, registry, VOID + "sparqlEndpoint")[0].value == f"{BASE}/sparql"
    assert _value(graph, registry, VOID + "uriSpace")[0].value == f"{BASE}/id/"
    assert {d.value for d in _value(graph, registry, VOID + "dataDump")} == {
        f"{BASE}/dumps/registry.nq.gz", f"{BASE}/dumps/registry.trig.gz"}
    vocabularies = {v.value for v in _value(graph, registry, VOID + "vocabulary")}
    assert {"https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/regorg#",
            "http://www.w3.org/2004/02/skos/core#", ONTOLOGY_GRAPH} <= vocabularies
    assert _value(graph, registry, VOID + "exampleResource")
    assert _value(graph, registry, "http://purl.org/dc/terms/license")
    assert _value(graph, registry, "http://purl.org/dc/terms/modified")[0].datatype.value.endswith("dateTime")
    # Partitions: every property's triples add up to the store; the entity class is counted.
    properties = _value(graph, registry, VOID + "propertyPartition")
    assert sum(int(_value(graph, p.value, VOID + "triples")[0].value) for p in properties) == len(store)
    classes = {_value(graph, c.value, VOID + "class")[0].value: int(_value(graph, c.value, VOID + "entities")[0].value)
               for c in _value(graph, registry, VOID + "classPartition")}
    assert classes[ENTITY_CLASS] == _sparql_count(store, f"?s a <{ENTITY_CLASS}>")
    # One subset per catalogue dataset, with its own dumps and the triples of its graphs.
    subsets = {s.value for s in _value(graph, registry, VOID + "subset")}
    assert subsets == {f"{BASE}/catalog#{d.key}" for d in DATASETS}
    entities_subset = f"{BASE}/catalog#entities"
    assert {d.value for d in _value(graph, entities_subset, VOID + "dataDump")} == {
        f"{BASE}/dumps/entities.ttl.gz", f"{BASE}/dumps/entities.jsonld.gz"}
    assert int(_value(graph, entities_subset, VOID + "triples")[0].value) == _graph_size(
        store, dumps.dataset_graphs(store, "entities"))


def test_void_formats_and_validators(demo):
    _, live = demo
    for accept in ("application/ld+json", "application/rdf+xml", "application/n-triples"):
        reply, graph = _void(live, accept)
        assert reply.media_type == accept and len(graph) > 100
    reply = get(live, "/.well-known/void")
    assert reply.media_type == "text/turtle"
    assert get(live, "/.well-known/void", **{"If-None-Match": reply.headers["ETag"]}).status == 304
    assert get(live, "/.well-known/void",
               **{"If-Modified-Since": reply.headers["Last-Modified"]}).status == 304
    assert get(live, "/.well-known/void", Accept="image/png").status == 406


# -- sitemap and robots.txt ----------------------------------------------------------------------


def _locs(root) -> dict[str, str | None]:
    out = {}
    for url in root.findall(f"{SITEMAP}url"):
        lastmod = url.find(f"{SITEMAP}lastmod")
        out[url.find(f"{SITEMAP}loc").text] = lastmod.text if lastmod is not None else None
    return out


def test_sitemap_lists_every_page(demo):
    store, live = demo
    reply = get(live, "/sitemap.xml")
    assert reply.status == 200 and reply.media_type == "application/xml"
    assert reply.headers["ETag"] and reply.headers["Last-Modified"]
    root = ET.fromstring(reply.body)
    assert root.tag == f"{SITEMAP}urlset"
    urls = _locs(root)
    assert all(urls.values())  # every address has its lastmod
    for row in store.query(f"SELECT ?s ?m WHERE {{ ?s a <{ENTITY_CLASS}> ; "
                           "<http://purl.org/dc/terms/modified> ?m }"):
        key = row["s"].value.rsplit("/", 1)[1]
        assert urls[f"{BASE}/entity/{key}"] == row["m"].value
    index = live.app.extensions["registry.search"]
    for kind in KINDS:
        keys = {h.key for h in index.hits(list(index.kind_ids(kind)))}
        assert keys and all(f"{BASE}/{kind}/{k}" in urls for k in keys), kind
    for page in ("/", "/entities", "/offers", "/opportunities", "/actions", "/programme", "/catalog",
                 "/sparql", "/ontology", "/vocab", "/vocab/legal-form",
                 "/vocab/legal-form/spoldzielnia-socjalna"):
        assert f"{BASE}{page}" in urls, page
    assert get(live, "/sitemap.xml", **{"If-None-Match": reply.headers["ETag"]}).status == 304
    assert get(live, "/sitemap-1.xml").status == 404  # no parts below the cap


def test_sitemap_index_above_the_cap(demo, monkeypatch):
    _, live = demo
    monkeypatch.setattr(web_dumps, "SITEMAP_CAP", 100)
    root = ET.fromstring(get(live, "/sitemap.xml").body)
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [s.find(f"{SITEMAP}loc").text for s in root.findall(f"{SITEMAP}sitemap")]
    assert len(parts) > 1 and parts[0] == f"{BASE}/sitemap-1.xml"
    urls: dict[str, str | None] = {}
    for part in parts:
        reply = get(live, part.removeprefix(BASE))
        assert reply.status == 200
        found = _locs(ET.fromstring(reply.body))
        assert 0 < len(found) <= 100
        urls.update(found)
    assert get(live, f"/sitemap-{len(parts) + 1}.xml").status == 404
    monkeypatch.undo()
    assert urls == _locs(ET.fromstring(get(live, "/sitemap.xml").body))


def test_robots_txt_names_the_sitemap(demo):
    _, live = demo
    reply = get(live, "/robots.txt")
    assert reply.status == 200 and reply.media_type == "text/plain"
    assert f"Sitemap: {BASE}/sitemap.xml" in reply.text.splitlines()
    assert "User-agent: *" in reply.text


def test_csv_dump_without_an_index(demo):
    """Outside the web (no search index given), the CSV dumps open the store's index."""
    store, live = demo
    built = dumps.build(store, live.settings, "offers.csv")
    rows = list(csv.reader(io.StringIO(Path(built.path).read_text(encoding="utf-8"))))
    assert rows[0] == CSV_COLUMNS["offers"]
    assert len(rows) - 1 == live.app.extensions["registry.search"].count("offer")
