"""The lists and the search index: full text in Polish, facets, sorting, pages, twins, feeds.

Expectations are computed from the store with SPARQL or from the demo's own rows, never copied
from the pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from registry import polish
from registry.app import create_app
from registry.config import Settings
from registry.demo import current_opportunity_rows, load_demo
from registry.ingest import ingest
from registry.search import Index, polish_sort_key
from registry.store import Store, Write, graph_iri
from registry.system import install

from .conftest import BASE, source

PREFIXES = """
PREFIX pes: <https://w3id.org/pes-registry/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX rov: <http://www.w3.org/ns/regorg#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX lf: <https://w3id.org/pes-registry/vocab/legal-form/>
PREFIX cpv: <https://w3id.org/pes-registry/vocab/cpv/>
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("lists") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(demo):
    app = create_app(Settings(data_dir=demo.path, base=BASE), store=demo)
    return app.test_client()


def select(store: Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query)
    variables = [v.value for v in solutions.variables]
    return [{name: row[name].value for name in variables if row[name] is not None} for row in solutions]


def names(client, url: str) -> list[str]:
    body = client.get(url)
    assert body.status_code == 200, (url, body.get_data(as_text=True)[:300])
    return [item["name"] for item in body.json["items"]]


# -- Polish text --------------------------------------------------------------------------------


@pytest.mark.parametrize("query, document", [
    ("catering", "Catering na spotkania"), ("cateringu", "Catering na spotkania"),
    ("sprzątanie", "Usługi sprzątania"), ("sprzatania", "Sprzątanie biur"),
    ("SPRZĄTANIE", "sprzątania klatek"), ("szkoły", "posiłki dla szkół"),
    ("Łódź", "lodz"), ("druk", "Druk ulotek"),
])
def test_inflected_and_unaccented_words_meet(query, document):
    assert _matches(query, document)


@pytest.mark.parametrize("query, document", [("szkoła", "szkolenia pracowników"), ("catering", "sprzątanie")])
def test_different_words_do_not_meet(query, document):
    assert not _matches(query, document)


def _matches(query: str, document: str) -> bool:
    return polish.matches(query, document)


def test_query_syntax_never_reaches_the_engine(client):
    for q in ['"', "a OR", "NEAR(x y)", "*", "x:y", "({})", "-", "' OR 1=1 --", "AND", "ąę^"]:
        answer = client.get("/offers.json", query_string={"q": q})
        assert answer.status_code == 200, q


def test_polish_sort_order():
    words = ["Żak", "zebra", "Łuk", "las", "ćma", "cel", "Ala", "ąb"]
    assert sorted(words, key=polish_sort_key) == ["Ala", "ąb", "cel", "ćma", "las", "Łuk", "zebra", "Żak"]


# -- lists ---------------------------------------------------------------------------------------


def test_search_finds_catering_in_offers_entities_and_opportunities(client, demo):
    expected = {r["name"] for r in select(demo, """
        SELECT ?name WHERE { ?o a schema:Offer ; schema:name ?name .
          FILTER(CONTAINS(LCASE(?name), "catering")) }""")}
    found = set(names(client, "/offers.json?q=cateringu&per=100"))
    assert expected and expected <= found
    html = client.get("/search?q=catering").get_data(as_text=True)
    for heading in ("Oferta PES", "Podmioty", "Możliwości współpracy"):
        assert heading in html


def test_facet_counts_match_the_store(client, demo):
    body = client.get("/entities.json").json
    counted = {v["value"]: v["count"] for v in body["facets"]["legalForm"]}
    expected = {r["f"].rsplit("/", 1)[-1]: int(r["n"]) for r in select(demo, """
        SELECT ?f (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a pes:SocialEconomyEntity ; rov:orgType ?f }
        GROUP BY ?f""")}
    assert counted == expected
    assert body["total"] == sum(expected.values())


def test_a_facet_narrows_and_the_others_count_within(client, demo):
    body = client.get("/entities.json?legalForm=spoldzielnia-socjalna&per=100").json
    expected = {r["name"] for r in select(demo, """
        SELECT ?name WHERE { ?e rov:orgType lf:spoldzielnia-socjalna ; schema:name ?name }""")}
    assert {i["name"] for i in body["items"]} == expected
    # the facet of the filter still shows the other forms (disjunctive), the others count within
    assert len(body["facets"]["legalForm"]) > 1
    assert sum(v["count"] for v in body["facets"]["art94"]) == len(expected)  # all social co-ops qualify
    two = client.get("/entities.json?legalForm=spoldzielnia-socjalna&legalForm=fundacja").json
    assert two["total"] > body["total"]


def test_cpv_group_finds_its_subcodes(client, demo):
    expected = {r["name"] for r in select(demo, """
        SELECT ?name WHERE { ?o a schema:Offer ; schema:name ?name ;
          schema:category/skos:broader* cpv:55500000-5 }""")}
    assert set(names(client, "/offers.json?cpv=55500000-5&per=100")) == expected


def test_sorting_and_pages(client, demo):
    total = client.get("/entities.json").json["total"]
    everything = []
    page = 1
    while True:
        body = client.get(f"/entities.json?per=7&page={page}").json
        everything += [i["name"] for i in body["items"]]
        if "next" not in body["links"]:
            break
        page += 1
    assert len(everything) == total == len(set(everything))
    assert everything == sorted(everything, key=polish_sort_key)
    deadlines = [i["deadline"] for i in client.get("/opportunities.json?sort=deadline&per=100").json["items"]]
    dated = [d for d in deadlines if d]
    assert dated == sorted(dated) and deadlines[: len(dated)] == dated


def test_open_calls_and_deadline_buckets(client):
    today = dt.date.today()
    open_now = set(names(client, "/opportunities.json?open=open&per=100"))
    current = {row[1] for row in current_opportunity_rows(today)}
    assert current <= open_now
    week = set(names(client, "/opportunities.json?open=open&deadline=week&per=100"))
    assert "Mały grant: festyn sąsiedzki na Rubinkowie" in week
    assert "Sprzątanie budynków Miejskiego Ośrodka Pomocy Rodzinie – zamówienie zastrzeżone (art. 94 Pzp)" not in week


def test_csv_and_json_twins_agree(client):
    url = "/offers?q=sprz%C4%85tanie&art94=1"
    js = client.get(url.replace("/offers", "/offers.json") + "&per=100").json
    table = client.get(url.replace("/offers", "/offers.csv"))
    assert table.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [r["iri"] for r in rows] == [i["iri"] for i in js["items"]]
    assert js["total"] == len(rows) > 0
    html = client.get(url).get_data(as_text=True)
    assert f"Wyniki: {js['total']}" in html
    for item in js["items"]:
        assert f'href="/offer/{item["key"]}"' in html


def test_atom_feed_of_open_calls(client):
    answer = client.get("/opportunities.atom?open=open&kind=otwarty-konkurs")
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert "Otwarty konkurs ofert: integracja społeczna i zawodowa osób zagrożonych wykluczeniem" in titles
    js = client.get("/opportunities.json?open=open&kind=otwarty-konkurs&per=100").json
    assert len(titles) == js["total"]


@pytest.mark.parametrize("url, word", [
    ("/entities?legalForm=no-such-form", "legalForm"), ("/entities?page=0", "page"),
    ("/entities?page=abc", "page"), ("/offers?per=1000", "per"), ("/offers?sort=price", "sort"),
    ("/opportunities?open=maybe", "open"), ("/actions?year=20x5", "year"),
    ("/entities.csv?art94=yes", "art94"), ("/opportunities.atom?kind=nope", "kind"),
    ("/entities?q=" + "x" * 201, "q"),
])
def test_bad_parameters_are_clear_400s(client, url, word):
    answer = client.get(url, headers={"Accept": "text/html"})
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert word in text and "Traceback" not in text


def test_a_page_past_the_end_is_empty_not_an_error(client):
    answer = client.get("/entities?page=500")
    assert answer.status_code == 200
    assert "Nie ma takiej strony" in answer.get_data(as_text=True)


def test_lists_in_english(client):
    html = client.get("/offers?lang=en").get_data(as_text=True)
    assert "<h1>PES offers</h1>" in html and "Narrow the results" in html
    assert "Catering services" in html or "catering" in html.lower()
    # the language switch keeps the query
    html = client.get("/offers?q=druk&lang=pl").get_data(as_text=True)
    assert "lang=en&amp;q=druk" in html or "q=druk&amp;lang=en" in html


# -- keeping up with the store -------------------------------------------------------------------


EVIL = "<script>alert(1)</script>"


def _entity(key: str, name: str, offer: str = "Catering testowy") -> str:
    return f"""
@prefix pes: <https://w3id.org/pes-registry/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rov: <http://www.w3.org/ns/regorg#> .
@prefix essglobal: <http://purl.org/essglobal/vocab/> .
<{BASE}/id/entity/{key}> a pes:SocialEconomyEntity, rov:RegisteredOrganization, schema:Organization,
        essglobal:SSEInitiative ;
    schema:name {json.dumps(name)}@pl ;
    rov:orgType <https://w3id.org/pes-registry/vocab/legal-form/fundacja> ;
    schema:makesOffer <{BASE}/id/offer/{key}-o> .
<{BASE}/id/offer/{key}-o> a schema:Offer ; schema:offeredBy <{BASE}/id/entity/{key}> ;
    schema:name {json.dumps(offer)}@pl ;
    schema:category <https://w3id.org/pes-registry/vocab/cpv/55520000-1> ;
    pes:priceOnRequest true .
"""


def test_a_write_shows_at_once_and_data_is_escaped(store, tmp_path):
    install(store)
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    client = app.test_client()
    assert client.get("/entities.json").json["total"] == 0
    report = ingest(store, [source("evil.ttl", _entity("zla-fundacja", EVIL, EVIL))])
    assert not report.rejected, report
    assert client.get("/entities.json").json["total"] == 1
    for url in ("/entities", "/offers", "/search?q=alert", "/offers?q=script", "/"):
        html = client.get(url).get_data(as_text=True)
        assert EVIL not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/entities").get_data(as_text=True)
    table = client.get("/offers.csv").get_data(as_text=True)
    assert EVIL in table  # CSV carries the text as it is
    # a removed document leaves the lists
    write = Write(removed={graph_iri(BASE, "entity", "zla-fundacja")})
    store.commit(write)
    assert client.get("/entities.json").json["total"] == 0
    assert client.get("/offers.json").json["total"] == 0


def test_csv_cells_never_start_a_formula(store):
    install(store)
    ingest(store, [source("f.ttl", _entity("formula", "=HYPERLINK(\"http://x.example\")"))])
    client = create_app(Settings(data_dir=store.path, base=BASE), store=store).test_client()
    rows = list(csv.reader(io.StringIO(client.get("/entities.csv").get_data(as_text=True))))
    assert rows[1][1].startswith("'=")


def test_the_index_is_rebuilt_when_the_store_changed_elsewhere(tmp_path):
    path = tmp_path / "data"
    store = Store(path, BASE)
    install(store)
    index = Index(store)
    index.ensure_current()
    assert index.count("entity") == 0
    index.close()
    # written while no index listened (another process, a restore)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    index = Index(store)
    index.ensure_current()
    assert index.count("entity") == 1 and index.count("unit") >= 1
    # a corrupt or foreign index file is replaced, not trusted
    index.close()
    (path / "search" / "index.sqlite").write_bytes(b"not a database")
    for suffix in ("-wal", "-shm"):
        (path / "search" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    index = Index(store)
    index.ensure_current()
    assert index.count("entity") == 1
    index.close()
    store.close()


def test_statuses_that_end_leave_the_facet_on_their_day(store):
    install(store)
    ttl = _entity("konczy-sie", "Fundacja Kończąca").replace(
        "    schema:makesOffer", f"""    pes:status <{BASE}/id/entity/konczy-sie#opp> ;
    schema:makesOffer""") + f"""
<{BASE}/id/entity/konczy-sie#opp> a pes:StatusAssignment ;
    pes:statusType <https://w3id.org/pes-registry/vocab/status-type/opp> ;
    schema:startDate "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
    schema:endDate "{dt.date.today().isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date> .
"""
    report = ingest(store, [source("s.ttl", ttl)])
    assert not report.rejected, report
    index = Index(store)
    index.ensure_current()
    assert len(index.facet_bitmaps("entity", "status").get("opp", [])) == 1
    # the next day the status no longer holds: the index notices without any write
    index._until = {i: dt.date.today().isoformat() for i in index._until}
    index._until_min = None
    import unittest.mock

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with unittest.mock.patch("registry.search.dt") as fake:
        fake.date.today.return_value = tomorrow
        fake.date.fromisoformat = dt.date.fromisoformat
        fake.timedelta = dt.timedelta
        index.ensure_current()
    assert len(index.facet_bitmaps("entity", "status").get("opp", [])) == 0
    index.close()


def test_matching_sections(demo):
    from registry.listing import entities_for_opportunity, opportunities_for_entity

    index = Index(demo)
    total, matches, reserved = entities_for_opportunity(index, f"{BASE}/id/opportunity/biezace-sprzatanie-mopr")
    assert reserved and total == len(matches) > 0
    eligible = {r["e"] for r in select(demo, """
        SELECT ?e WHERE { ?e a pes:SocialEconomyEntity .
          { ?e rov:orgType ?f FILTER(?f IN (lf:spoldzielnia-socjalna,
                <https://w3id.org/pes-registry/vocab/unit-type/zaz>)) }
          UNION { ?e pes:shareOfEmployeesAtRisk ?s FILTER(?s >= 0.3) } }""")}
    assert {m.hit.iri for m in matches} <= eligible
    cleaners = {r["e"] for r in select(demo, """
        SELECT DISTINCT ?e WHERE { ?e schema:makesOffer/schema:category/skos:broader* cpv:90910000-9 }""")}
    assert cleaners & eligible <= {m.hit.iri for m in matches}
    assert matches[0].reasons[0] == "cpv"
    total, matches = opportunities_for_entity(index, f"{BASE}/id/entity/spoldzielnia-socjalna-przystan")
    assert "biezacy-catering-rada" in {m.hit.key for m in matches}
    index.close()


def test_ensure_current_is_cheap_when_nothing_changed(demo):
    index = Index(demo)
    index.ensure_current()
    generation = index.generation
    for _ in range(100):
        index.ensure_current()
    assert index.generation == generation
    index.close()


def test_listeners_never_fail_a_write(store):
    install(store)

    def broken(*_):
        raise RuntimeError("boom")

    store.listeners.append(broken)
    report = ingest(store, [source("units.ttl")])
    assert not report.rejected
    assert store.has_graph(graph_iri(BASE, "unit", "gmina-miasta-torun"))
    store.listeners.remove(broken)


def test_document_kinds_only(demo):
    index = Index(demo)
    index.ensure_current()
    graphs = {g.value for g in demo.raw.named_graphs()}
    documents = [g for g in graphs if g.startswith(BASE + "/") and g[len(BASE) + 1:].split("/")[0]
                 in ("entity", "opportunity", "action", "programme", "unit")]
    assert sum(index.count(k) for k in ("entity", "opportunity", "action", "programme", "unit")) == len(documents)
    offers = select(demo, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a schema:Offer }")[0]["n"]
    assert index.count("offer") == int(offers)
    assert ox  # pyoxigraph is the store's engine
    index.close()


def test_pending_changes_count_only_from_where_the_index_is(tmp_path):
    """An index left behind by writes it did not see is rebuilt, even when it heard later ones."""
    store = Store(tmp_path / "data", BASE)
    install(store)
    index = Index(store)
    index.ensure_current()
    index.close()
    ingest(store, [source("units.ttl")])  # not seen
    index = Index(store)  # listens from here on
    ingest(store, [source("entity.ttl")])
    index.ensure_current()
    assert index.count("unit") >= 1 and index.count("entity") == 1
    index.close()
    store.close()


def test_restore_drops_the_old_index(tmp_path):
    from registry.store import restore

    store = Store(tmp_path / "data", BASE)
    install(store)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    index = Index(store)
    index.ensure_current()
    index.close()
    dump = tmp_path / "dump.nq"
    store.dump(dump)
    store.close()
    restore(tmp_path / "data", dump, BASE, replace=True)
    assert not (tmp_path / "data" / "search").exists()


def test_every_list_page_embeds_its_results_as_json_ld(client):
    import re as _re

    html = client.get("/offers?q=catering").get_data(as_text=True)
    blocks = _re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, _re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "SearchResultsPage"
    items = data["mainEntity"]["itemListElement"]
    js = client.get("/offers.json?q=catering").json
    assert [i["url"] for i in items] == [i["page"] for i in js["items"]]
    for path in ("/sparql", "/api/queries", "/search?q=x"):
        page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        found = _re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, _re.S)
        assert found and json.loads(found[0])["@context"] == "https://schema.org", path


def test_long_facets_show_ten_values_then_a_link_to_all(client):
    page = client.get("/offers").get_data(as_text=True)
    every = client.get("/offers.json").json["facets"]["cpv"]
    assert len(every) > 10
    assert page.count('name="cpv"') == 10
    assert "more=cpv" in page
    full = client.get("/offers?more=cpv").get_data(as_text=True)
    assert full.count('name="cpv"') == len(every)
    # a selected value beyond the first ten stays visible
    rare = every[-1]["value"]
    narrowed = client.get(f"/offers?cpv={rare}").get_data(as_text=True)
    assert f'value="{rare}" id=' in narrowed
    assert client.get("/offers?more=nonsense", headers={"Accept": "text/html"}).status_code == 400


def test_first_rows_agrees_with_a_full_sort_for_any_set(demo, monkeypatch):
    """Large sets are met by walking the sort order chunk by chunk: same answer as sorting."""
    import random

    from pyroaring import BitMap

    import registry.listing as listing
    import registry.search as search

    monkeypatch.setattr(search, "CHUNK", 3)
    monkeypatch.setattr(listing, "CHUNK", 3)
    index = Index(demo)
    index.ensure_current()
    rng = random.Random(1)
    for kind, sort in (("offer", "name"), ("entity", "newest"), ("opportunity", "deadline")):
        every = list(index.kind_ids(kind))
        ranks = index.order(kind, sort)
        for size in (1, 5, len(every) // 2, len(every)):
            rows = BitMap(rng.sample(every, size))
            expected = sorted(rows, key=lambda i: (int(ranks[i]), i))
            for n in (1, 7, size):
                assert listing.first_rows(index, kind, sort, rows, n) == expected[:n], (kind, sort, size, n)
    index.close()
