"""The DCAT-AP catalogue (``/catalog``) and dane.gov.pl's two ways of harvesting it.

* The catalogue served at ``/catalog`` validates against the official DCAT-AP 3.0.1 SHACL shapes
  (``shapes.ttl``, ``range.ttl``, ``shapes_recommended.ttl``, copied in ``tests/standards/``)
  with pySHACL: no violation and no warning, none exempted.
* dane.gov.pl's DCAT source: the named query ``dcat_dane_gov_pl`` run exactly as the portal
  runs it (rdflib's ``SPARQLStore`` asking for RDF/XML) gives everything its harvester reads.
* dane.gov.pl's XML source: ``/dane-gov-pl.xml`` validates against the portal's XSD, its MD5 is
  at ``/dane-gov-pl.md5``, and both answer HEAD with the content type the harvester checks.
* The page, content negotiation, ETags, CORS, Hydra paging with ``modified_since``, dates that
  follow writes, the licence setting, and the sizes and checksums of built dumps.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
import xmlschema
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from registry import catalog, dumps, queries
from registry.app import close_app, create_app
from registry.catalog import CATALOGUE_DATASETS, EU, IANA
from registry.config import Settings
from registry.demo import load_demo
from registry.ingest import Source, ingest
from registry.store import Store, catalog_graph
from registry.system import install

from .browser_support import check_accessibility, chromium, open_page, requires_browser, screenshot
from .http_support import live_server, request

# dane.gov.pl takes only https addresses for resources, so the catalogue is published under one.
BASE = "https://pes.example.org"
STANDARDS = Path(__file__).parent / "standards"
SHAPES = [STANDARDS / "dcat-ap-3.0.1" / name
          for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")]
XSD_FILE = STANDARDS / "dane-gov-pl" / "xml_import_otwarte_dane_1_10.xsd"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.DCTERMS
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
RDF_MEDIA = {"ttl": "text/turtle", "jsonld": "application/ld+json", "rdf": "application/rdf+xml",
             "nt": "application/n-triples"}
RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}


def _demo_store(path: Path) -> Store:
    store = Store(path, BASE)
    install(store)
    load_demo(store, Settings(data_dir=path, base=BASE))
    return store


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store = _demo_store(tmp_path_factory.mktemp("catalog") / "data")
    with live_server(store, BASE) as server:
        yield server
    store.close()


@pytest.fixture
def fresh(tmp_path):
    """A demo store of its own, served, for tests that write."""
    store = _demo_store(tmp_path / "data")
    with live_server(store, BASE) as server:
        yield server, store
    store.close()


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in SHAPES:
        graph.parse(path, format="turtle")
    return graph


def get(live, path: str, **headers) -> object:
    return request(live.url, "GET", path, headers=headers)


def graph_of(reply, fmt: str = "ttl") -> rdflib.Graph:
    assert reply.status == 200, reply.body[:500]
    return rdflib.Graph().parse(data=reply.body, format=RDFLIB_FORMAT[fmt])


def dcat_ap_report(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                         allow_warnings=False)
    return conforms, text


# -- DCAT-AP 3.0.1 -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/catalog", "/catalog.ttl?per=3&page=2",
                                  "/catalog.ttl?modified_since=2000-01-01"])
def test_the_catalogue_validates_against_the_dcat_ap_shapes(live, shapes, path):
    data = graph_of(get(live, path, Accept="text/turtle"))
    conforms, text = dcat_ap_report(data, shapes)
    assert conforms, text  # violations and warnings alike, none exempted
    assert "Results (" not in text


def test_the_shapes_do_find_what_is_missing(live, shapes):
    """The check is not vacuous: without the recommended temporal coverage, or the background
    triples of a licence, the same shapes complain."""
    data = graph_of(get(live, "/catalog.ttl"))
    data.remove((None, DCT.temporal, None))
    conforms, text = dcat_ap_report(data, shapes)
    assert not conforms and "dct:temporal" in text and "sh:Warning" in text
    data = graph_of(get(live, "/catalog.ttl"))
    data.remove((rdflib.URIRef(catalog.LICENCE), rdflib.RDF.type, None))
    conforms, text = dcat_ap_report(data, shapes)
    assert not conforms and "sh:Violation" in text and "LicenseDocument" in text


def test_every_eu_authority_term_is_described(live):
    g = graph_of(get(live, "/catalog.ttl"))
    terms = {o for o in g.objects() if isinstance(o, rdflib.URIRef) and str(o).startswith(EU)}
    schemes = {o for o in g.objects(None, rdflib.SKOS.inScheme)}
    kinds = {str(t).split("/")[5] for t in terms - schemes}
    assert {"file-type", "licence", "language", "data-theme", "frequency",
            "planned-availability"} <= kinds
    for term in terms:
        assert list(g.objects(term, rdflib.RDF.type)), term
        if term in schemes:
            assert (term, rdflib.RDF.type, rdflib.SKOS.ConceptScheme) in g
            assert {o.language for o in g.objects(term, DCT.title)} == {"pl", "en"}
        else:
            assert {o.language for o in g.objects(term, rdflib.SKOS.prefLabel)} == {"pl", "en"}, term
            assert g.value(term, rdflib.SKOS.inScheme) is not None, term
    # Media types from IANA, the place from GeoNames.
    assert IANA == dumps.IANA  # one base for media types, the dumps' and the catalogue's
    media = set(g.objects(None, DCAT.mediaType)) | set(g.objects(None, DCAT.compressFormat))
    assert media and all(str(m).startswith(IANA) and (m, rdflib.RDF.type, DCT.MediaType) in g
                         for m in media)
    place = rdflib.URIRef(catalog.PLACE)
    assert (place, rdflib.RDF.type, DCT.Location) in g
    assert g.value(place, DCAT.centroid) is not None and g.value(place, DCAT.bbox) is not None


def test_what_the_catalogue_holds(live):
    g = graph_of(get(live, "/catalog.ttl"))
    (cat,) = g.subjects(rdflib.RDF.type, DCAT.Catalog)
    assert str(cat) == f"{BASE}/catalog"
    assert g.value(cat, DCT.license) == rdflib.URIRef(catalog.LICENCE)
    assert g.value(cat, DCT.spatial) == rdflib.URIRef(catalog.PLACE)
    assert str(g.value(cat, rdflib.FOAF.homepage)) == f"{BASE}/"
    assert set(g.objects(cat, DCT.language)) == {rdflib.URIRef(f"{EU}language/POL"),
                                                 rdflib.URIRef(f"{EU}language/ENG")}
    assert g.value(cat, DCT.modified).datatype == rdflib.XSD.dateTime
    datasets = set(g.objects(cat, DCAT.dataset))
    assert {str(d).rsplit("#", 1)[1] for d in datasets} == {d.key for d in CATALOGUE_DATASETS} == {
        "entities", "opportunities", "actions", "programmes", "units", "concept-schemes", "all"}
    names = {d.name for d in dumps.DUMPS}
    listed = set()
    for dataset in datasets:
        assert g.value(dataset, DCT.accrualPeriodicity) == rdflib.URIRef(catalog.FREQUENCY)
        assert g.value(dataset, DCT.spatial) == rdflib.URIRef(catalog.PLACE)
        for x in g.objects(dataset, DCAT.distribution):
            assert g.value(x, DCT.license) == rdflib.URIRef(catalog.LICENCE)
            download = g.value(x, DCAT.downloadURL)
            if download is None:  # the dataset through SPARQL
                assert g.value(x, DCAT.accessService) == rdflib.URIRef(f"{BASE}/catalog#sparql-service")
                continue
            name = str(download).rsplit("/", 1)[1]
            listed.add(name)
            dump = dumps.BY_NAME[name]
            assert str(download) == f"{BASE}/dumps/{name}" == str(g.value(x, DCAT.accessURL))
            assert str(g.value(x, DCAT.mediaType)) == f"{IANA}{dump.media_type}"
            assert str(g.value(x, DCT.format)) == f"{EU}file-type/{dump.file_type}"
            compressed = g.value(x, DCAT.compressFormat)
            assert (compressed is not None) == dump.gzip
            if dump.gzip:
                assert str(compressed) == f"{IANA}application/gzip"
    assert listed == names
    (service,) = g.subjects(rdflib.RDF.type, DCAT.DataService)
    assert str(g.value(service, DCAT.endpointURL)) == f"{BASE}/sparql"
    assert str(g.value(service, DCAT.endpointDescription)) == f"{BASE}/sparql"
    assert set(g.objects(service, DCAT.servesDataset)) == datasets


def test_the_stored_catalogue_is_the_served_one(live):
    store = live.app.extensions["registry.store"]
    stored = rdflib.Graph().parse(data=ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(catalog_graph(BASE))],
        format=ox.RdfFormat.N_TRIPLES), format="nt")
    served = graph_of(get(live, "/catalog.nt"), "nt")
    # Sizes and checksums come once a dump is built (by another test, say): those only in the
    # served catalogue, which follows the dumps; the stored one is refreshed at start.
    for checksum in list(served.objects(None, SPDX.checksum)):
        served.remove((checksum, None, None))
    served.remove((None, SPDX.checksum, None))
    served.remove((None, DCAT.byteSize, None))
    assert len(stored) and isomorphic(stored, served)


# -- the page and the data, by Accept -------------------------------------------------------------


def test_the_page_polish_first_then_english(live):
    reply = get(live, "/catalog", Accept="text/html")
    assert reply.status == 200 and reply.media_type == "text/html"
    assert "Accept" in reply.headers.get("Vary", "")
    html = reply.text
    assert '<html lang="pl">' in html and "<h1>Katalog danych rejestru</h1>" in html
    assert "Gmina Miasta Toruń" in html and "Creative Commons Uznanie autorstwa 4.0" in html
    assert html.count("<caption>") == len(CATALOGUE_DATASETS)
    assert 'scope="col"' in html and 'scope="row"' in html
    for spec in CATALOGUE_DATASETS:
        assert spec.title[0] in html
    for d in dumps.DUMPS:
        assert f'href="{BASE}/dumps/{d.name}"' in html
    assert "RDF Turtle" in html and "<code>text/turtle</code>" in html
    assert f"<code>{BASE}/sparql</code>" in html
    assert 'rel="alternate" type="text/turtle" href="/catalog.ttl"' in html
    assert '"@type": "DataCatalog"' in html
    english = get(live, "/catalog?lang=en", Accept="text/html").text
    assert '<html lang="en">' in english and "<h1>Data catalogue of the registry</h1>" in english
    assert CATALOGUE_DATASETS[0].title[1] in english
    # Headings in order: one h1, sections as h2, datasets as h3.
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.parametrize("fmt", list(RDF_MEDIA))
def test_content_negotiation_and_suffixes(live, fmt):
    reference = graph_of(get(live, "/catalog.nt"), "nt")
    by_accept = get(live, "/catalog", Accept=RDF_MEDIA[fmt])
    assert by_accept.media_type == RDF_MEDIA[fmt]
    assert "Accept" in by_accept.headers["Vary"]
    assert by_accept.headers["Content-Location"] == f"/catalog.{fmt}"
    assert isomorphic(graph_of(by_accept, fmt), reference)
    by_suffix = get(live, f"/catalog.{fmt}")
    assert by_suffix.media_type == RDF_MEDIA[fmt]
    assert isomorphic(graph_of(by_suffix, fmt), reference)


def test_what_cannot_be_served(live):
    assert get(live, "/catalog", Accept="image/png").status == 406
    assert get(live, "/catalog.csv").status == 404
    # No Accept at all: the page (as for the other pages of the site).
    assert request(live.url, "GET", "/catalog").media_type == "text/html"


def test_etags_and_cors(live):
    first = get(live, "/catalog.ttl")
    etag = first.headers["ETag"]
    again = get(live, "/catalog.ttl", **{"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    negotiated = get(live, "/catalog", Accept="text/turtle")
    assert negotiated.headers["ETag"] == etag
    assert get(live, "/catalog", Accept="text/turtle", **{"If-None-Match": etag}).status == 304
    assert get(live, "/catalog.jsonld").headers["ETag"] != etag
    for path in ("/catalog", "/catalog.ttl", "/dane-gov-pl.xml", "/dane-gov-pl.md5"):
        assert get(live, path).headers["Access-Control-Allow-Origin"] == "*", path
    preflight = request(live.url, "OPTIONS", "/catalog", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


# -- paging and incremental harvesting -----------------------------------------------------------


def next_page(g: rdflib.Graph) -> str | None:
    """ckanext-dcat's ``RDFParser.next_page``: hydra:next (or the deprecated hydra:nextPage) of a
    hydra:PartialCollectionView, else of a hydra:PagedCollection."""
    for kind in (HYDRA.PartialCollectionView, HYDRA.PagedCollection):
        for node in g.subjects(rdflib.RDF.type, kind):
            for o in g.objects(node, HYDRA.next):
                return str(o)
            for o in g.objects(node, HYDRA.nextPage):
                return str(o)
    return None


def local(live, url: str) -> str:
    """The path and query of a catalogue address (the live server stands for BASE)."""
    assert url.startswith(BASE), url
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_a_harvester_pages_through_every_dataset(live):
    url, seen, pages = f"{BASE}/catalog.rdf?page=1&per=3", [], 0
    while url:
        g = graph_of(get(live, local(live, url)), "rdf")
        pages += 1
        (view,) = g.subjects(rdflib.RDF.type, HYDRA.PartialCollectionView)
        assert str(view) == url
        assert int(g.value(view, HYDRA.totalItems)) == len(CATALOGUE_DATASETS)
        assert str(g.value(view, HYDRA.first)) == f"{BASE}/catalog.rdf?page=1&per=3"
        assert str(g.value(view, HYDRA.last)) == f"{BASE}/catalog.rdf?page=3&per=3"
        on_page = list(g.subjects(rdflib.RDF.type, DCAT.Dataset))
        assert 1 <= len(on_page) <= 3
        seen += on_page
        url = next_page(g)
    assert pages == 3
    assert sorted(str(d).rsplit("#", 1)[1] for d in seen) == sorted(d.key for d in CATALOGUE_DATASETS)


def test_modified_since(live):
    future = graph_of(get(live, "/catalog.ttl?modified_since=2999-01-01"))
    (view,) = future.subjects(rdflib.RDF.type, HYDRA.PartialCollectionView)
    assert int(future.value(view, HYDRA.totalItems)) == 0
    assert not list(future.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert next_page(future) is None
    past = graph_of(get(live, "/catalog.ttl?modified_since=2000-01-01T00:00:00Z"))
    assert len(list(past.subjects(rdflib.RDF.type, DCAT.Dataset))) == len(CATALOGUE_DATASETS)
    (view,) = past.subjects(rdflib.RDF.type, HYDRA.PartialCollectionView)
    assert "modified_since=2000-01-01T00%3A00%3A00Z" in str(view)
    # The ontology's date: the concept schemes (and the whole registry) changed then, the
    # documents written today as well.
    schemes = past.value(rdflib.URIRef(f"{BASE}/catalog#concept-schemes"), DCT.modified)
    entities = past.value(rdflib.URIRef(f"{BASE}/catalog#entities"), DCT.modified)
    assert schemes.toPython() < entities.toPython()
    since = schemes.toPython() + dt.timedelta(seconds=1)
    between = graph_of(get(live, f"/catalog.ttl?modified_since={since.isoformat()}".replace(
        "+", "%2B")))
    keys = {str(d).rsplit("#", 1)[1] for d in between.subjects(rdflib.RDF.type, DCAT.Dataset)}
    assert "concept-schemes" not in keys and {"entities", "all"} <= keys


@pytest.mark.parametrize("query, name", [
    ("modified_since=yesterday", "modified_since"), ("modified_since=2025-13-01", "modified_since"),
    ("modified_since=", "modified_since"), ("page=0", "page"), ("page=x", "page"),
    ("per=0", "per"), ("per=1000", "per"),
])
def test_a_bad_parameter_is_a_400_naming_it(live, query, name):
    reply = get(live, f"/catalog.ttl?{query}", Accept="application/json")
    assert reply.status == 400
    assert json.loads(reply.body)["detail"].startswith(f"{name}: ")


def test_a_page_past_the_last_is_a_404(live):
    assert get(live, "/catalog.ttl?page=2").status == 404
    assert get(live, "/catalog.ttl?page=3&per=3").status == 200
    assert get(live, "/catalog.ttl?page=4&per=3").status == 404


# -- dates follow the data -----------------------------------------------------------------------


def _rewrite_an_entity(store: Store) -> str:
    """Write one demo entity again with another name; its IRI."""
    prefix = f"{BASE}/entity/"
    graph = sorted(g.value for g in store.raw.named_graphs() if g.value.startswith(prefix))[0]
    iri = graph.replace(f"{BASE}/entity/", f"{BASE}/id/entity/")
    name = ox.NamedNode("https://schema.org/name")
    triples = [ox.Triple(q.subject, q.predicate,
                         ox.Literal(q.object.value + " (zmiana)", language=q.object.language)
                         if q.subject.value == iri and q.predicate == name else q.object)
               for q in store.quads(graph)]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    ingest(store, [Source(name="change.nt", data=data)])
    return iri


def moment(literal: ox.Literal) -> dt.datetime:
    return dt.datetime.fromisoformat(literal.value.replace("Z", "+00:00"))


def test_a_write_changes_the_dates_and_the_etag(fresh):
    live, store = fresh
    before = graph_of(get(live, "/catalog.ttl"))
    etag = get(live, "/catalog.ttl").headers["ETag"]
    xml_before = get(live, "/dane-gov-pl.xml").body
    entities = rdflib.URIRef(f"{BASE}/catalog#entities")
    actions = rdflib.URIRef(f"{BASE}/catalog#actions")
    time.sleep(1.1)  # dct:modified has whole seconds
    _rewrite_an_entity(store)
    after = graph_of(get(live, "/catalog.ttl"))
    assert after.value(entities, DCT.modified).toPython() > before.value(entities, DCT.modified).toPython()
    assert after.value(actions, DCT.modified) == before.value(actions, DCT.modified)
    (cat,) = after.subjects(rdflib.RDF.type, DCAT.Catalog)
    assert after.value(cat, DCT.modified) == after.value(entities, DCT.modified)
    assert get(live, "/catalog.ttl", **{"If-None-Match": etag}).status == 200
    assert get(live, "/catalog.ttl").headers["ETag"] != etag
    assert get(live, "/dane-gov-pl.xml").body != xml_before
    # Incremental harvesting sees only what changed.
    since = before.value(entities, DCT.modified).toPython() + dt.timedelta(seconds=1)
    changed = graph_of(get(live, "/catalog.ttl?modified_since="
                                 + since.isoformat().replace("+00:00", "Z")))
    keys = {str(d).rsplit("#", 1)[1] for d in changed.subjects(rdflib.RDF.type, DCAT.Dataset)}
    assert keys == {"entities", "all"}
    # The stored graph (for SPARQL harvesters) is brought up to date by ``refresh``, which the
    # application runs when it starts.
    settings = live.settings
    stored = {q.predicate.value: q.object for q in store.quads(catalog_graph(BASE))
              if q.subject.value == str(entities)}
    assert moment(stored[str(DCT.modified)]) == before.value(entities, DCT.modified).toPython()
    assert catalog.refresh(store, settings) is True
    assert catalog.refresh(store, settings) is False  # now current: nothing written
    stored = {q.predicate.value: q.object for q in store.quads(catalog_graph(BASE))
              if q.subject.value == str(entities)}
    assert moment(stored[str(DCT.modified)]) == after.value(entities, DCT.modified).toPython()


def test_the_application_refreshes_a_stale_stored_catalogue_when_it_starts(tmp_path):
    store = _demo_store(tmp_path / "data")
    try:
        time.sleep(1.1)
        _rewrite_an_entity(store)
        version = store.version()
        app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
        try:
            assert store.version() == version + 1
            fresh = set(catalog.triples(catalog.build(store, app.extensions["registry.settings"],
                                                      sizes=False)))
            stored = {ox.Triple(q.subject, q.predicate, q.object)
                      for q in store.quads(catalog_graph(BASE))}
            assert stored == fresh
        finally:
            close_app(app)
        # Current already: a second start writes nothing.
        app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
        close_app(app)
        assert store.version() == version + 1
    finally:
        store.close()


def test_a_store_without_a_catalogue_is_left_without_one(store):
    settings = Settings(data_dir=store.path, base=store.base)
    assert catalog.refresh(store, settings) is False
    assert not store.has_graph(catalog_graph(store.base))
    assert catalog.refresh(store, settings, create=True) is True
    assert store.has_graph(catalog_graph(store.base))


# -- dane.gov.pl: the DCAT source (SPARQL) ----------------------------------------------------------


def test_dane_gov_pl_harvests_the_dcat_source_as_the_portal_does(live):
    query = queries.get("dcat_dane_gov_pl").text
    # As mcod's harvester (backend 2.32.0, harvester/utils.py, fetch_dcat_data) runs it.
    sparql = SPARQLStore(query_endpoint=f"{live.url}/sparql", returnFormat="application/rdf+xml")
    g = sparql.query(query, DEBUG=True).graph
    datasets = set(g.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(datasets) == len(CATALOGUE_DATASETS)
    identifiers = set()

    def common(node):
        identifier = g.value(node, DCT.identifier)
        assert identifier is not None and len(str(identifier)) <= 36, node
        identifiers.add(str(identifier))
        for prop in (DCT.title, DCT.description):
            assert {o.language for o in g.objects(node, prop)} == {"pl", "en"}, (node, prop)
        for prop in (DCT.issued, DCT.modified):
            (value,) = g.objects(node, prop)
            assert value.datatype == rdflib.XSD.dateTime, (node, prop)

    for dataset in datasets:
        common(dataset)
        keywords = list(g.objects(dataset, DCAT.keyword))
        assert keywords and {k.language for k in keywords} == {"pl", "en"}
        themes = list(g.objects(dataset, DCAT.theme))
        assert themes and all(str(t).startswith(f"{EU}data-theme/") for t in themes)
        distributions = list(g.objects(dataset, DCAT.distribution))
        assert distributions
        for x in distributions:
            assert (x, rdflib.RDF.type, DCAT.Distribution) in g
            common(x)
            assert str(g.value(x, DCT.format)).startswith(f"{EU}file-type/")
            # mcod reads media types under https://www.iana.org/assignments/media-types/.
            assert str(g.value(x, DCAT.mediaType)).startswith(
                "https://www.iana.org/assignments/media-types/")
            assert str(g.value(x, DCT.license)) == catalog.LICENCE
            assert str(g.value(x, DCAT.accessURL)).startswith(BASE)
    assert len(identifiers) == len(set(identifiers))
    # Nothing the harvester does not read (no background terms, no contact point).
    assert not list(g.subjects(rdflib.RDF.type, rdflib.SKOS.Concept))


def test_one_dane_gov_pl_source_per_dataset(live):
    """mcod's DCAT harvester (backend 2.32.0, core/api/rdf/profiles/common.py) gives every
    dataset all the dcat:Distribution of the answer; restricted to one dataset, the answer holds
    exactly that dataset's distributions."""
    text = queries.get("dcat_dane_gov_pl").text
    sparql = SPARQLStore(query_endpoint=f"{live.url}/sparql", returnFormat="application/rdf+xml")
    full = graph_of(get(live, "/catalog.ttl"))
    for spec in CATALOGUE_DATASETS:
        g = sparql.query(text + f'\nVALUES ?dataset {{ "{spec.key}" }}\n', DEBUG=True).graph
        (dataset,) = g.subjects(rdflib.RDF.type, DCAT.Dataset)
        assert str(dataset) == f"{BASE}/catalog#{spec.key}"
        assert set(g.subjects(rdflib.RDF.type, DCAT.Distribution)) == set(
            full.objects(dataset, DCAT.distribution))
        (cat,) = g.subjects(rdflib.RDF.type, DCAT.Catalog)
        assert g.value(cat, DCT.title) is not None
    # The same through the named query's API parameter.
    store = live.app.extensions["registry.store"]
    answer = list(queries.get("dcat_dane_gov_pl").run(store, {"dataset": "units"}))
    datasets = {t.subject.value for t in answer if t.object.value == str(DCAT.Dataset)}
    assert datasets == {f"{BASE}/catalog#units"}


def test_the_dane_gov_pl_query_reads_the_stored_catalogue(live):
    store = live.app.extensions["registry.store"]
    constructed = set(queries.get("dcat_dane_gov_pl").run(store, {}))
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(catalog_graph(BASE))}
    assert constructed and constructed <= stored


# -- dane.gov.pl: the XML source ------------------------------------------------------------------


def test_dane_gov_pl_xml_source(live):
    url = f"{BASE}/dane-gov-pl.xml"
    # What mcod's harvester checks (harvester/utils.py, validate_xml_url): the name, HEAD's
    # Content-Type, the MD5 beside it, then the XSD named by the root namespace.
    assert url.endswith(".xml") and " " not in url.rsplit("/", 1)[1]
    head = request(live.url, "HEAD", "/dane-gov-pl.xml")
    assert head.status == 200 and "application/xml" in head.headers["Content-Type"]
    head_md5 = request(live.url, "HEAD", "/dane-gov-pl.md5")
    assert head_md5.status == 200 and head_md5.media_type == "text/plain"
    reply = get(live, "/dane-gov-pl.xml")
    assert reply.status == 200 and reply.media_type == "application/xml"
    digest = get(live, "/dane-gov-pl.md5").text.rstrip().lower()
    assert re.fullmatch(r"[0-9a-f]{32}", digest)
    assert digest == hashlib.md5(reply.body).hexdigest()
    assert get(live, "/dane-gov-pl.xml").body == reply.body  # the same bytes every time
    root_tag = ET.fromstring(reply.body).tag  # as the portal reads the version
    assert re.search(r"{urn:otwarte-dane:harvester:(.*)}", root_tag).group(1) == "1.10"
    schema = xmlschema.XMLSchema(str(XSD_FILE))
    schema.validate(reply.body.decode("utf-8"))
    data = schema.to_dict(reply.body.decode("utf-8"))
    by_ident = {d["extIdent"]: d for d in data["dataset"]}
    assert set(by_ident) == {f"pes-registry-{d.key}" for d in CATALOGUE_DATASETS}
    entities = by_ident["pes-registry-entities"]
    assert entities["title"]["polish"] == CATALOGUE_DATASETS[0].title[0]
    assert entities["categories"]["category"] == ["SOCI", "ECON"]
    assert entities["conditions"]["dbOrCopyrightedLicenseChosen"] == "CC BY 4.0"
    urls = {r["url"] for d in data["dataset"] for r in d["resources"]["resource"]}
    assert urls == {f"{BASE}/dumps/{d.name}" for d in dumps.DUMPS} | {f"{BASE}/sparql"}
    for d in data["dataset"]:
        for r in d["resources"]["resource"]:
            assert r["regions"]["terytIdent"] == ["0463011"]
            assert len(r["extIdent"]) <= 36


# -- every distribution answers -------------------------------------------------------------------


def test_every_distribution_url_answers(live):
    if not any(rule.rule.startswith("/dumps") for rule in live.app.url_map.iter_rules()):
        pytest.xfail("the bulk downloads (/dumps/{name}) are not served by this build yet; the "
                     "catalogue lists them from registry.dumps.DUMPS")
    g = graph_of(get(live, "/catalog.ttl"))
    urls = {str(o) for p in (DCAT.accessURL, DCAT.downloadURL) for o in g.objects(None, p)}
    assert f"{BASE}/sparql" in urls
    for url in sorted(urls):
        reply = get(live, local(live, url))
        assert reply.status == 200, (url, reply.status, reply.body[:200])


# -- the licence setting, and the sizes of built dumps --------------------------------------------


def test_the_licence_is_a_setting(tmp_path, shapes):
    assert Settings.from_env({}).licence == catalog.LICENCE
    sharealike = f"{EU}licence/CC_BYSA_4_0"
    settings = Settings.from_env({"REGISTRY_LICENCE": sharealike, "REGISTRY_BASE": BASE})
    assert settings.licence == sharealike
    with pytest.raises(ValueError, match="REGISTRY_LICENCE"):
        Settings.from_env({"REGISTRY_LICENCE": "CC BY 4.0"})
    store = _demo_store(tmp_path / "data")
    try:
        cat = catalog.build(store, settings)
        g = rdflib.Graph().parse(data=ox.serialize(catalog.triples(cat), format=ox.RdfFormat.N_TRIPLES),
                                 format="nt")
        licences = set(g.objects(None, DCT.license))
        assert licences == {rdflib.URIRef(sharealike)}
        assert len(list(g.subjects(DCT.license, None))) == len(list(
            g.subjects(rdflib.RDF.type, DCAT.Distribution))) + 2  # and the catalogue, the service
        conforms, text = dcat_ap_report(g, shapes)
        assert conforms, text
        xml = catalog.dane_gov_pl_xml(cat).decode()
        assert "<dbOrCopyrightedLicenseChosen>CC BY-SA 4.0</dbOrCopyrightedLicenseChosen>" in xml
        xmlschema.XMLSchema(str(XSD_FILE)).validate(xml)
    finally:
        store.close()


def catalog_write_triples(store: Store, settings: Settings) -> list[ox.Triple]:
    write = catalog.catalog_write(store, settings)
    store.commit(write)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(catalog_graph(BASE))]


def test_built_dumps_give_sizes_and_checksums(tmp_path, shapes, monkeypatch):
    store = _demo_store(tmp_path / "data")
    settings = Settings(data_dir=store.path, base=BASE)
    digest = hashlib.sha256(b"dump").hexdigest()

    def built(s, name):
        if name == "registry.nq.gz":
            return dumps.BuiltDump(name, "/nowhere", store.version(), 1234, digest,
                                   "2025-01-01T00:00:00Z")
        return None

    try:
        monkeypatch.setattr(dumps, "built", built, raising=False)
        g = rdflib.Graph().parse(data=ox.serialize(
            catalog.triples(catalog.build(store, settings)), format=ox.RdfFormat.N_TRIPLES),
            format="nt")
        node = rdflib.URIRef(f"{BASE}/catalog#registry.nq.gz")
        size = g.value(node, DCAT.byteSize)
        assert size.toPython() == 1234 and size.datatype == rdflib.XSD.nonNegativeInteger
        checksum = g.value(node, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = g.value(checksum, SPDX.checksumValue)
        assert str(value) == digest and value.datatype == rdflib.XSD.hexBinary
        assert len(list(g.objects(None, DCAT.byteSize))) == 1
        conforms, text = dcat_ap_report(g, shapes)
        assert conforms, text
        # Never in the stored catalogue (it is in the dump of the whole registry itself).
        assert not [t for t in catalog_write_triples(store, settings)
                    if t.predicate.value in (str(DCAT.byteSize), str(SPDX.checksum))]
        # A build of older data is not listed: the file is made anew when next asked for.
        old = dumps.BuiltDump("registry.nq.gz", "/nowhere", store.version() - 1, 1234, digest,
                              "2025-01-01T00:00:00Z")
        monkeypatch.setattr(dumps, "built", lambda s, n: old, raising=False)
        assert not [t for t in catalog.triples(catalog.build(store, settings))
                    if t.predicate.value == str(DCAT.byteSize)]
        # A failing or missing builder leaves the sizes out and nothing else.
        monkeypatch.setattr(dumps, "built", lambda s, n: 1 / 0, raising=False)
        assert not [t for t in catalog.triples(catalog.build(store, settings))
                    if t.predicate.value == str(DCAT.byteSize)]
        monkeypatch.delattr(dumps, "built", raising=False)
        assert not [t for t in catalog.triples(catalog.build(store, settings))
                    if t.predicate.value == str(DCAT.byteSize)]
    finally:
        store.close()


# -- accessibility ---------------------------------------------------------------------------------


@requires_browser
@pytest.mark.parametrize("path", ["/catalog", "/catalog?lang=en"])
def test_the_page_has_no_serious_accessibility_problem(live, path):
    with chromium() as browser:
        opened = open_page(browser, live.url)
        response = opened.page.goto(live.url + path)
        assert response.status == 200
        violations = check_accessibility(opened.page)
        screenshot(opened.page, "catalog" + ("-en" if "lang=en" in path else ""))
        assert opened.foreign == [] and opened.errors == [] and opened.broken == []
        opened.close()
    assert violations == [], violations
