"""The dedicated pages of entities, offers, opportunities, actions, units and programmes.

One store with the demo data set (and a few hostile documents, written through the validated
write path) serves every test; expectations are read from the store with SPARQL.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
import time

import pyoxigraph as ox
import pytest
from markupsafe import escape

from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import load_demo
from registry.ingest import Source, ingest
from registry.store import Store, Write
from registry.system import install

from .conftest import BASE

PES = "https://w3id.org/pes-registry/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = f"""PREFIX pes: <{PES}> PREFIX schema: <https://schema.org/>
PREFIX rov: <http://www.w3.org/ns/regorg#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX adms: <http://www.w3.org/ns/adms#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX locn: <http://www.w3.org/ns/locn#> PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
"""
ENTITY = "spoldzielnia-socjalna-przystan"
EVIL_1 = "<script>alert(1)</script>"
EVIL_2 = "</script><script>alert(2)</script>"

# Hostile text in every kind of field a page shows, written through the validated write path.
EVIL_DOCUMENTS = f"""
@prefix pes: <{PES}> .
@prefix schema: <https://schema.org/> .
@prefix rov: <http://www.w3.org/ns/regorg#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix essglobal: <http://purl.org/essglobal/vocab/> .
@prefix v: <https://w3id.org/pes-registry/vocab/> .
@base <{BASE}/> .
<id/entity/evil> a pes:SocialEconomyEntity, rov:RegisteredOrganization, schema:Organization,
        essglobal:SSEInitiative ;
    schema:name "{EVIL_1}"@pl, "{EVIL_2}"@en ;
    rov:orgType <https://w3id.org/pes-registry/vocab/legal-form/fundacja> ;
    schema:description "{EVIL_1}"@pl, "{EVIL_2}"@en ;
    schema:url <javascript:alert(3)> ;
    schema:makesOffer <id/offer/evil-offer> .
<id/offer/evil-offer> a schema:Offer ;
    schema:offeredBy <id/entity/evil> ;
    schema:name "{EVIL_2}"@pl ;
    schema:description "{EVIL_1}"@pl ;
    schema:category <https://w3id.org/pes-registry/vocab/cpv/55520000-1> ;
    pes:offerCategory <https://w3id.org/pes-registry/vocab/offer-category/gastronomia> ;
    pes:capacity "{EVIL_2}"@pl ;
    pes:priceOnRequest true .
<id/opportunity/evil-call> a pes:CooperationOpportunity, schema:Demand ;
    schema:name "{EVIL_1}"@pl ;
    schema:description "{EVIL_2}"@pl ;
    pes:opportunityKind <https://w3id.org/pes-registry/vocab/cooperation-instrument/otwarty-konkurs> ;
    dct:publisher <id/unit/wydzial-zdrowia> ;
    dct:issued "2026-01-15"^^xsd:date ;
    pes:opportunityStatus <https://w3id.org/pes-registry/vocab/opportunity-status/otwarta> .
<id/opportunity/evil-call#application-1> a pes:CompetitionApplication ;
    pes:applicant <id/entity/evil> ;
    schema:name "{EVIL_2}"@pl .
<id/action/evil-action> a pes:CooperationAction, prov:Activity ;
    schema:name "{EVIL_2}"@pl ;
    pes:cooperationForm <https://w3id.org/pes-registry/vocab/cooperation-instrument/otwarty-konkurs> ;
    pes:mode <https://w3id.org/pes-registry/vocab/mode/wspieranie> ;
    pes:partner <id/entity/evil> ;
    pes:cityUnit <id/unit/wydzial-zdrowia> ;
    pes:answers <id/opportunity/evil-call> ;
    schema:startDate "2026-03-01"^^xsd:date ;
    pes:outcome "{EVIL_1}"@pl .
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("pages") / "data", BASE)
    install(store)
    settings = Settings(data_dir=store.path, base=BASE)
    load_demo(store, settings)
    ingest(store, [Source(name="evil.ttl", data=EVIL_DOCUMENTS.encode())])
    app = create_app(settings, store=store)
    yield app, store
    close_app(app)
    store.close()


@pytest.fixture
def client(demo):
    return demo[0].test_client()


@pytest.fixture
def store(demo):
    return demo[1]


def _rows(store, query: str) -> list[dict]:
    result = store.query(PREFIXES + query)
    names = [v.value for v in result.variables]
    return [{n: r[n].value for n in names if r[n] is not None} for r in result]


def get(client, url: str) -> str:
    """The page at ``url``, in Polish unless the address asks for English (the client keeps the
    language cookie between requests)."""
    if "lang=" not in url:
        url += ("&" if "?" in url else "?") + "lang=pl"
    reply = client.get(url)
    assert reply.status_code == 200, url
    assert reply.mimetype == "text/html"
    return reply.get_data(as_text=True)


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def jsonld_of(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def esc(text: str) -> str:
    return str(escape(text))


def key_of(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def label(store, iri: str, lang: str) -> str:
    return _rows(
        store, f'SELECT ?l WHERE {{ <{iri}> skos:prefLabel ?l FILTER(lang(?l) = "{lang}") }}'
    )[0]["l"]


def money_pl(value: str) -> str:
    n = int(float(value))
    digits = f"{n:,}".replace(",", "\u00a0") if n >= 10000 else str(n)
    return digits + "\u00a0zł"


# -- every page ------------------------------------------------------------------------------


def some_key(store, kind: str, cls: str) -> str:
    return key_of(
        _rows(
            store,
            f"SELECT ?x WHERE {{ ?x a <{cls}> FILTER(STRSTARTS(STR(?x), '{BASE}/id/{kind}/')) }} "
            "ORDER BY ?x LIMIT 1",
        )[0]["x"]
    )


KIND_CLASSES = {
    "entity": ("pes:SocialEconomyEntity", "Organization"),
    "offer": ("schema:Offer", "Offer"),
    "opportunity": ("pes:CooperationOpportunity", "Demand"),
    "action": ("pes:CooperationAction", "Action"),
    "unit": ("pes:CityUnit", "GovernmentOrganization"),
    "programme": ("pes:CooperationProgramme", "CreativeWork"),
}


@pytest.mark.parametrize("kind", list(KIND_CLASSES))
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_kind_has_its_page(client, store, kind, lang):
    cls, schema_type = KIND_CLASSES[kind]
    found = _rows(
        store,
        f"SELECT ?x ?name WHERE {{ ?x a {cls} ; schema:name ?name "
        f"FILTER(STRSTARTS(STR(?x), '{BASE}/id/{kind}/') && !CONTAINS(STR(?x), 'evil')) "
        f"FILTER(lang(?name) = 'pl') }} ORDER BY ?x LIMIT 1",
    )[0]
    key = key_of(found["x"])
    page = get(client, f"/{kind}/{key}?lang={lang}")
    assert page.count("<h1") == 1
    assert f'<html lang="{lang}">' in page
    # the h1 is the name (Polish names are marked as such on the English page unless there is an English one)
    h1 = re.search(r"<h1([^>]*)>(.*?)</h1>", page, re.S)
    names = {
        r["name"]: r.get("lang")
        for r in _rows(
            store,
            f"SELECT ?name (lang(?name) AS ?lang) WHERE {{ <{found['x']}> schema:name ?name }}",
        )
    }
    assert htmllib.unescape(h1.group(2)) in names
    if names[htmllib.unescape(h1.group(2))] != lang:
        assert 'lang="pl"' in h1.group(1)
    # breadcrumb: home, the list (for most kinds), the page itself
    crumbs = re.search(r'<nav aria-label="[^"]+" class="breadcrumb">(.*?)</nav>', page, re.S).group(
        1
    )
    assert crumbs.count("<li>") >= 2 and 'href="/"' in crumbs and 'aria-current="page"' in crumbs
    # data twins: in the head and visible, and the IRI
    for ext, media in (
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
    ):
        assert f'<link rel="alternate" type="{media}" href="/{kind}/{key}.{ext}">' in page
        assert f'<a href="/{kind}/{key}.{ext}" type="{media}">' in page
    assert f"<code>{BASE}/id/{kind}/{key}</code>" in page
    data = jsonld_of(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert data["@id"] == found["x"]
    assert data["name"] in names


@pytest.mark.parametrize("kind", list(KIND_CLASSES))
def test_unknown_keys_are_404(client, kind):
    assert client.get(f"/{kind}/no-such-thing").status_code == 404
    assert client.get(f"/{kind}/NOT_A_KEY").status_code == 404


def test_language_switch_keeps_the_page(client):
    page = get(client, f"/entity/{ENTITY}")
    assert f'href="/entity/{ENTITY}?lang=en"' in page


def test_unforeseen_resource_gets_the_generic_page(client, store):
    # a unit document whose main resource is neither a municipality nor a city unit
    iri = ox.NamedNode(f"{BASE}/id/unit/odd")
    write = Write()
    write.put(
        f"{BASE}/unit/odd",
        [
            ox.Triple(
                iri,
                ox.NamedNode(RDF_TYPE),
                ox.NamedNode("http://www.w3.org/ns/org#OrganizationalUnit"),
            ),
            ox.Triple(
                iri, ox.NamedNode("https://schema.org/name"), ox.Literal("Odd unit", language="pl")
            ),
        ],
    )
    store.commit(write)
    page = get(client, "/unit/odd")
    assert '<table class="data properties">' in page
    assert "<h1>Odd unit</h1>" in page
    assert '<link rel="alternate" type="text/turtle" href="/unit/odd.ttl">' in page


# -- entity ----------------------------------------------------------------------------------


def test_entity_legal_form_in_both_languages(client, store):
    form = _rows(store, f"SELECT ?f WHERE {{ <{BASE}/id/entity/{ENTITY}> rov:orgType ?f }}")[0]["f"]
    pl, en = label(store, form, "pl"), label(store, form, "en")
    assert esc(pl) in main_of(get(client, f"/entity/{ENTITY}"))
    english = main_of(get(client, f"/entity/{ENTITY}?lang=en"))
    assert esc(en) in english and "Legal form" in english
    assert f'href="/vocab/{form.split("/vocab/")[1]}"' in english


def test_unit_without_legal_personality_names_who_runs_it(client, store):
    found = _rows(
        store,
        "SELECT ?x ?type ?parent ?name WHERE { ?x a pes:SocialEconomyUnit ; rov:orgType ?type ; "
        "org:unitOf ?parent . ?parent schema:name ?name FILTER(lang(?name) = 'pl') } ORDER BY ?x LIMIT 1",
    )[0]
    page = main_of(get(client, f"/entity/{key_of(found['x'])}"))
    assert esc(label(store, found["type"], "pl")) in page
    assert (
        f'<a href="{found["parent"][len(BASE) :].replace("/id/", "/", 1)}">{esc(found["name"])}</a>'
        in page
    )


def test_entity_lists_each_offer(client, store):
    offers = _rows(
        store,
        f"""SELECT ?o ?name ?cpv ?notation WHERE {{ <{BASE}/id/entity/{ENTITY}> schema:makesOffer ?o .
        ?o schema:name ?name ; schema:category ?cpv . ?cpv skos:notation ?notation }}""",
    )
    assert offers
    page = main_of(get(client, f"/entity/{ENTITY}"))
    for o in offers:
        assert f'<a href="/offer/{key_of(o["o"])}">{esc(o["name"])}</a>' in page
        assert f"CPV {o['notation']}" in page
        assert esc(label(store, o["cpv"], "pl")) in page
    assert page.count('<li class="card">') == len(offers)


def test_entity_offer_price_on_request(client, store):
    found = _rows(
        store,
        """SELECT ?e WHERE { ?o pes:priceOnRequest true ; schema:offeredBy ?e
        FILTER(!CONTAINS(STR(?e), 'evil')) } ORDER BY ?e LIMIT 1""",
    )
    assert found
    assert "cena na zapytanie" in main_of(get(client, f"/entity/{key_of(found[0]['e'])}"))
    assert "price on request" in main_of(get(client, f"/entity/{key_of(found[0]['e'])}?lang=en"))


def test_entity_cooperation_history_newest_first(client, store):
    entity = _rows(
        store,
        """SELECT ?e (COUNT(?a) AS ?n) WHERE { ?a pes:partner ?e } GROUP BY ?e
        ORDER BY DESC(?n) ?e LIMIT 1""",
    )[0]["e"]
    actions = _rows(
        store,
        f"""SELECT ?a ?name ?start WHERE {{ ?a pes:partner <{entity}> ; schema:name ?name ;
        schema:startDate ?start }} ORDER BY DESC(?start) DESC(?name)""",
    )
    assert len(actions) >= 2
    page = main_of(get(client, f"/entity/{key_of(entity)}"))
    history = page[page.index('id="history-heading"') :]
    positions = [
        history.index(f'<a href="/action/{key_of(a["a"])}">{esc(a["name"])}</a>') for a in actions
    ]
    assert positions == sorted(positions)
    assert f"({len(actions)})" in history[:300]


def test_entity_identifiers_link_to_official_registers(client, store):
    ids = _rows(
        store,
        f"""SELECT ?notation ?type WHERE {{ <{BASE}/id/entity/{ENTITY}> adms:identifier ?i .
        ?i skos:notation ?notation ; dct:type ?type }}""",
    )
    assert {i["type"].rsplit("/", 1)[1] for i in ids} >= {"krs", "nip", "regon"}
    page = main_of(get(client, f"/entity/{ENTITY}"))
    table = page[page.index('class="data identifiers"') :]
    table = table[: table.index("</table>")]
    for i in ids:
        assert f"<code>{i['notation']}</code>" in table
    assert table.count('href="https://wyszukiwarka-krs.ms.gov.pl/"') == 1
    assert table.count('href="https://wyszukiwarkaregon.stat.gov.pl/appBIR/index.aspx"') == 2
    assert "rejestr.io" not in page


def test_entity_address_map_and_contact(client, store):
    found = _rows(
        store,
        f"""SELECT ?full ?lat ?long ?part ?district ?email ?tel WHERE {{
        <{BASE}/id/entity/{ENTITY}> locn:address ?a ; schema:email ?email ; schema:telephone ?tel .
        ?a locn:fullAddress ?full ; geo:lat ?lat ; geo:long ?long ; pes:cityPart ?part ; pes:district ?district }}""",
    )[0]
    page = main_of(get(client, f"/entity/{ENTITY}"))
    assert esc(found["full"]) in page
    assert (
        f'<a href="/vocab/{found["part"].split("/vocab/")[1]}">{esc(label(store, found["part"], "pl"))}</a>'
        in page
    )
    assert f'href="/vocab/{found["district"].split("/vocab/")[1]}"' in page
    assert f'<a href="mailto:{found["email"]}">' in page
    assert 'href="tel:' + re.sub(r"[^0-9+]", "", found["tel"]) + '"' in page
    points = json.loads(htmllib.unescape(re.search(r'data-points="([^"]*)"', page).group(1)))
    assert len(points) == 1
    assert points[0]["lat"] == pytest.approx(float(found["lat"]))
    assert points[0]["lon"] == pytest.approx(float(found["long"]))
    data = jsonld_of(get(client, f"/entity/{ENTITY}"))
    assert data["geo"]["latitude"] == pytest.approx(float(found["lat"]))
    assert data["address"]["addressLocality"] == "Toruń"


def test_entity_statuses_with_validity(client, store):
    today = dt.date.today().isoformat()
    statuses = _rows(
        store,
        """SELECT ?e ?type ?end WHERE { ?e pes:status ?s . ?s pes:statusType ?type .
        OPTIONAL { ?s schema:endDate ?end } } ORDER BY ?e""",
    )
    expired = next(s for s in statuses if s.get("end") and s["end"] < today)
    page = main_of(get(client, f"/entity/{key_of(expired['e'])}"))
    assert esc(label(store, expired["type"], "pl")) in page
    assert "wygasł" in page
    english = main_of(get(client, f"/entity/{key_of(expired['e'])}?lang=en"))
    assert "expired" in english
    valid = next(s for s in statuses if not s.get("end"))
    assert "aktualny" in main_of(get(client, f"/entity/{key_of(valid['e'])}"))
    # the decision of a social enterprise status
    decision = _rows(
        store,
        f"""SELECT ?number WHERE {{ <{BASE}/id/entity/{ENTITY}> pes:status ?s .
        ?s pes:decisionNumber ?number }}""",
    )[0]["number"]
    assert decision in get(client, f"/entity/{ENTITY}")


def test_entity_description_language_and_facts(client, store):
    both = _rows(
        store,
        """SELECT ?e ?pl ?en WHERE { ?e a pes:SocialEconomyEntity ; schema:description ?pl, ?en
        FILTER(lang(?pl) = 'pl' && lang(?en) = 'en' && !CONTAINS(STR(?e), 'evil')) } ORDER BY ?e LIMIT 1""",
    )[0]
    english = main_of(get(client, f"/entity/{key_of(both['e'])}?lang=en"))
    assert f'<p class="lead">{esc(both["en"])}</p>' in english
    polish_only = _rows(
        store,
        """SELECT ?e ?pl WHERE { ?e a pes:SocialEconomyEntity ; schema:description ?pl
        FILTER(lang(?pl) = 'pl') FILTER NOT EXISTS { ?e schema:description ?en FILTER(lang(?en) = 'en') } }
        ORDER BY ?e LIMIT 1""",
    )[0]
    english = main_of(get(client, f"/entity/{key_of(polish_only['e'])}?lang=en"))
    assert f'<p class="lead" lang="pl">{esc(polish_only["pl"])}</p>' in english
    facts = _rows(
        store,
        f"""SELECT ?employees ?share ?area WHERE {{ <{BASE}/id/entity/{ENTITY}>
        schema:numberOfEmployees ?employees ; pes:shareOfEmployeesAtRisk ?share ; pes:publicTaskArea ?area }}""",
    )
    page = main_of(get(client, f"/entity/{ENTITY}"))
    assert f"<dd>{facts[0]['employees']}</dd>" in page
    assert f"<dd>{round(float(facts[0]['share']) * 100)}%</dd>" in page
    for f in facts:
        assert esc(label(store, f["area"], "pl")) in page


def test_entity_source_and_last_change(client, store):
    page = main_of(get(client, f"/entity/{ENTITY}"))
    modified = _rows(store, f"SELECT ?m WHERE {{ <{BASE}/id/entity/{ENTITY}> dct:modified ?m }}")[
        0
    ]["m"]
    assert f'<time datetime="{modified}">' in page
    assert "<code>demo.nt</code>" in page
    # placeholder for matching opportunities is there for the matching feature to fill
    assert 'id="history-heading"' in page


def test_entity_jsonld_lists_offers_and_identifiers(client, store):
    offers = _rows(store, f"SELECT ?o WHERE {{ <{BASE}/id/entity/{ENTITY}> schema:makesOffer ?o }}")
    data = jsonld_of(get(client, f"/entity/{ENTITY}"))
    assert {o["@id"] for o in data["makesOffer"]} == {o["o"] for o in offers}
    assert all(o["@type"] == "Offer" for o in data["makesOffer"])
    assert {i["propertyID"] for i in data["identifier"]} >= {"KRS", "NIP", "REGON"}
    assert (
        data["taxID"]
        == _rows(store, f"SELECT ?t WHERE {{ <{BASE}/id/entity/{ENTITY}> schema:taxID ?t }}")[0][
            "t"
        ]
    )


def test_entity_page_is_fast(client):
    client.get(f"/entity/{ENTITY}")
    start = time.perf_counter()
    for _ in range(20):
        client.get(f"/entity/{ENTITY}")
    assert (time.perf_counter() - start) / 20 < 0.1


# -- offer -----------------------------------------------------------------------------------


def test_offer_page(client, store):
    offer = _rows(
        store,
        """SELECT ?o ?name ?entity ?ename ?cpv ?notation ?category ?min ?max ?unit ?capacity WHERE {
        ?o a schema:Offer ; schema:name ?name ; schema:offeredBy ?entity ; schema:category ?cpv ;
           pes:offerCategory ?category ; schema:priceSpecification ?p ; pes:capacity ?capacity ;
           pes:declaredFit <https://w3id.org/pes-registry/vocab/cooperation-instrument/zamowienie-zastrzezone-art94> .
        ?p schema:minPrice ?min ; schema:maxPrice ?max ; schema:unitText ?unit .
        ?entity schema:name ?ename . ?cpv skos:notation ?notation } ORDER BY ?o LIMIT 1""",
    )[0]
    page = main_of(get(client, f"/offer/{key_of(offer['o'])}"))
    assert f"<h1>{esc(offer['name'])}</h1>" in page
    assert f'<a href="/entity/{key_of(offer["entity"])}">{esc(offer["ename"])}</a>' in page
    assert f"CPV {offer['notation']}" in page and esc(label(store, offer["cpv"], "pl")) in page
    assert esc(label(store, offer["category"], "pl")) in page
    assert esc(offer["unit"]) in page and esc(offer["capacity"]) in page
    assert f"{int(float(offer['min']))}–{int(float(offer['max']))}\u00a0zł" in page
    assert "zamówienie zastrzeżone (art. 94 Pzp)" in page
    english = main_of(get(client, f"/offer/{key_of(offer['o'])}?lang=en"))
    assert "may take a reserved contract (art. 94" in english
    data = jsonld_of(get(client, f"/offer/{key_of(offer['o'])}"))
    assert data["@type"] == "Offer" and data["name"] == offer["name"]
    assert data["seller"]["@id"] == offer["entity"]
    assert data["itemOffered"]["@type"] == "Service"
    assert data["priceSpecification"]["priceCurrency"] == "PLN"
    assert data["priceSpecification"]["minPrice"] == pytest.approx(float(offer["min"]))


# -- opportunity -----------------------------------------------------------------------------


def test_opportunity_with_applications_and_evaluation(client, store):
    opportunity = _rows(
        store,
        """SELECT ?o (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a pes:CompetitionApplication .
        FILTER(STRSTARTS(STR(?a), CONCAT(STR(?o), '#'))) ?o a pes:CooperationOpportunity }
        GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1""",
    )[0]["o"]
    applications = _rows(
        store,
        f"""SELECT ?a ?title ?applicant ?name ?amount WHERE {{
        ?a a pes:CompetitionApplication ; schema:name ?title ; pes:applicant ?applicant ;
           pes:requestedAmount/schema:value ?amount . ?applicant schema:name ?name
        FILTER(STRSTARTS(STR(?a), "{opportunity}#")) }}""",
    )
    scores = _rows(
        store,
        f"""SELECT ?score WHERE {{ ?card pes:evaluatesApplication ?a ; pes:criterionScore ?s .
        ?s pes:score ?score FILTER(STRSTARTS(STR(?a), "{opportunity}#")) }}""",
    )
    page = main_of(get(client, f"/opportunity/{key_of(opportunity)}"))
    table = page[page.index('class="data applications"') :]
    table = table[: table.index("</table>")]
    for a in applications:
        assert esc(a["title"]) in table
        assert f'<a href="/entity/{key_of(a["applicant"])}">{esc(a["name"])}</a>' in table
        assert money_pl(a["amount"]) in table
    assert table.count('<td class="num">') >= len(scores)
    assert '<th scope="col"' in table and '<th scope="row"' in table and "<caption>" in table


def test_open_opportunity_shows_days_left(client, store):
    today = dt.date.today()
    found = _rows(
        store,
        f"""SELECT ?o ?deadline ?budget WHERE {{ ?o pes:opportunityStatus
        <https://w3id.org/pes-registry/vocab/opportunity-status/otwarta> ; schema:validThrough ?deadline ;
        pes:budget/schema:value ?budget FILTER(STR(?deadline) > "{today.isoformat()}") }} ORDER BY ?o LIMIT 1""",
    )[0]
    days = (dt.date.fromisoformat(found["deadline"][:10]) - today).days
    assert days > 1
    page = main_of(get(client, f"/opportunity/{key_of(found['o'])}?lang=en"))
    assert f"{days} days left" in page
    assert f'<time datetime="{found["deadline"][:10]}">' in page
    polish = main_of(get(client, f"/opportunity/{key_of(found['o'])}"))
    assert re.search(rf"zosta(ło|ły) {days} dni", polish)
    assert money_pl(found["budget"]) in polish


def test_reserved_contract_opportunity_says_so(client, store):
    found = _rows(
        store,
        """SELECT ?o ?publisher ?pname WHERE { ?o pes:opportunityKind
        <https://w3id.org/pes-registry/vocab/cooperation-instrument/zamowienie-zastrzezone-art94> ;
        dct:publisher ?publisher . ?publisher schema:name ?pname FILTER(lang(?pname) = 'pl') } ORDER BY ?o LIMIT 1""",
    )[0]
    page = main_of(get(client, f"/opportunity/{key_of(found['o'])}"))
    assert "Możliwe zamówienie zastrzeżone (art. 94 Pzp)" in page
    assert f'<a href="/unit/{key_of(found["publisher"])}">{esc(found["pname"])}</a>' in page
    other = _rows(
        store,
        """SELECT ?o WHERE { ?o pes:opportunityKind
        <https://w3id.org/pes-registry/vocab/cooperation-instrument/otwarty-konkurs> } ORDER BY ?o LIMIT 1""",
    )[0]
    assert "zamówienie zastrzeżone (art. 94 Pzp):" not in main_of(
        get(client, f"/opportunity/{key_of(other['o'])}")
    )
    data = jsonld_of(get(client, f"/opportunity/{key_of(found['o'])}"))
    assert data["@type"] == "Demand"
    assert data["@reverse"]["seeks"][0]["@id"] == found["publisher"]


# -- action ----------------------------------------------------------------------------------


def test_action_page(client, store):
    action = _rows(
        store,
        """SELECT ?a ?name ?unit ?uname ?opp ?oname ?amount ?beneficiaries ?outcome ?mode ?form WHERE {
        ?a a pes:CooperationAction ; schema:name ?name ; pes:cityUnit ?unit ; pes:answers ?opp ;
           pes:amount/schema:value ?amount ; pes:beneficiaries ?beneficiaries ; pes:outcome ?outcome ;
           pes:mode ?mode ; pes:cooperationForm ?form .
        ?unit schema:name ?uname . ?opp schema:name ?oname
        FILTER EXISTS { ?a pes:partner ?p1, ?p2 FILTER(?p1 != ?p2) } } ORDER BY ?a LIMIT 1""",
    )[0]
    partners = _rows(
        store, f"SELECT ?p ?name WHERE {{ <{action['a']}> pes:partner ?p . ?p schema:name ?name }}"
    )
    page = main_of(get(client, f"/action/{key_of(action['a'])}"))
    for p in partners:
        assert f'<a href="/entity/{key_of(p["p"])}">{esc(p["name"])}</a>' in page
    assert f'<a href="/unit/{key_of(action["unit"])}">{esc(action["uname"])}</a>' in page
    assert f'<a href="/opportunity/{key_of(action["opp"])}">{esc(action["oname"])}</a>' in page
    assert money_pl(action["amount"]) in page
    assert f"<dd>{action['beneficiaries']}</dd>" in page
    assert esc(action["outcome"]) in page
    assert (
        esc(label(store, action["mode"], "pl")) in page
        and esc(label(store, action["form"], "pl")) in page
    )
    data = jsonld_of(get(client, f"/action/{key_of(action['a'])}"))
    assert {p["@id"] for p in data["participant"]} == {p["p"] for p in partners}
    assert data["agent"][0]["@id"] == action["unit"]


# -- unit ------------------------------------------------------------------------------------


def test_unit_page_lists_newest_opportunities_and_actions(client, store):
    unit = f"{BASE}/id/unit/wydzial-zdrowia"
    opportunities = _rows(
        store,
        f"""SELECT ?o ?name WHERE {{ ?o a pes:CooperationOpportunity ; dct:publisher <{unit}> ;
        dct:issued ?issued ; schema:name ?name }} ORDER BY DESC(?issued) DESC(?o)""",
    )
    actions = _rows(
        store,
        f"""SELECT ?a ?name WHERE {{ ?a a pes:CooperationAction ; pes:cityUnit <{unit}> ;
        schema:startDate ?start ; schema:name ?name }} ORDER BY DESC(?start) DESC(?a)""",
    )
    page = main_of(get(client, "/unit/wydzial-zdrowia"))
    part = page[page.index('id="opportunities-heading"') : page.index('id="actions-heading"')]
    assert f"({len(opportunities)})" in part
    assert part.count('<tr><th scope="row">') == min(20, len(opportunities))
    assert part.index(f'/opportunity/{key_of(opportunities[0]["o"])}"') < part.index(
        f'/opportunity/{key_of(opportunities[1]["o"])}"'
    )
    part = page[page.index('id="actions-heading"') :]
    assert f"({len(actions)})" in part
    assert part.count('<tr><th scope="row">') == min(20, len(actions))
    assert f'/action/{key_of(actions[0]["a"])}"' in part
    parent = _rows(
        store,
        f"SELECT ?p ?name WHERE {{ <{unit}> org:unitOf ?p . ?p schema:name ?name FILTER(lang(?name) = 'pl') }}",
    )[0]
    assert f'<a href="/unit/{key_of(parent["p"])}">{esc(parent["name"])}</a>' in page
    municipality = main_of(get(client, f"/unit/{key_of(parent['p'])}"))
    assert '<a href="/unit/wydzial-zdrowia">' in municipality


# -- programme -------------------------------------------------------------------------------


def test_programme_page_sections_actions_and_indicators(client, store):
    programme = f"{BASE}/id/programme/2013-2014"
    page = main_of(get(client, "/programme/2013-2014"))
    for prop in (
        "principles",
        "scope",
        "priorityTasks",
        "implementationMethod",
        "evaluationMethod",
        "consultationProcess",
        "competitionCommissions",
        "diagnosis",
        "legalBasis",
        "vision",
    ):
        heading = _rows(
            store, f'SELECT ?l WHERE {{ pes:{prop} rdfs:label ?l FILTER(lang(?l) = "pl") }}'
        )[0]["l"]
        text = _rows(store, f"SELECT ?t WHERE {{ <{programme}> pes:{prop} ?t }}")[0]["t"]
        assert f">{esc(heading[:1].upper() + heading[1:])}</h3>" in page
        assert esc(text) in page
    actions = _rows(
        store,
        f"""SELECT ?name ?unit WHERE {{ <{programme}> pes:hasAction ?a . ?a schema:name ?name ;
        pes:responsibleUnit ?unit }}""",
    )
    for a in actions:
        assert esc(a["name"]) in page
        assert f'href="/unit/{key_of(a["unit"])}"' in page
    observations = _rows(
        store,
        f"""SELECT ?name ?year ?value ?baseline ?target WHERE {{ <{programme}> pes:hasIndicator ?i .
        ?i schema:name ?name ; pes:baseline ?baseline ; pes:target ?target .
        ?o pes:indicator ?i ; sdmx-dimension:refPeriod ?year ; sdmx-measure:obsValue ?value }}""",
    )
    table = page[page.index('class="data indicators"') :]
    table = table[: table.index("</table>")]
    for o in observations:
        assert esc(o["name"]) in table
        assert f'<th scope="col" class="num">{o["year"]}</th>' in table
    row = table[table.index(esc(observations[0]["name"])) :]
    row = row[: row.index("</tr>")]
    for o in observations:
        if o["name"] == observations[0]["name"]:
            assert f'<td class="num">{o["value"]}</td>' in row.replace("\u00a0", "")
    assert "XXXV/000/12" in page


def test_programme_listing_newest_first_with_the_current_one(client, store):
    programmes = _rows(
        store,
        """SELECT ?p ?start ?end WHERE { ?p a pes:CooperationProgramme ;
        dct:temporal [ <http://www.w3.org/ns/dcat#startDate> ?start ; <http://www.w3.org/ns/dcat#endDate> ?end ] }
        ORDER BY DESC(?start)""",
    )
    page = main_of(get(client, "/programme"))
    assert page.count("<h1") == 1
    positions = [page.index(f'href="/programme/{key_of(p["p"])}"') for p in programmes]
    assert positions == sorted(positions)
    today = dt.date.today().isoformat()
    current = [p for p in programmes if p["start"] <= today <= p["end"]]
    if current:
        note = page[page.index('<p class="note">') :]
        assert f'href="/programme/{key_of(current[0]["p"])}"' in note[: note.index("</p>")]
    assert jsonld_of(get(client, "/programme"))["@type"] == "ItemList"


# -- escaping --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/entity/evil",
        "/entity/evil?lang=en",
        "/offer/evil-offer",
        "/offer/evil-offer?lang=en",
        "/opportunity/evil-call",
        "/action/evil-action",
        "/unit/wydzial-zdrowia",
    ],
)
def test_hostile_text_is_never_markup(client, url):
    page = get(client, url)
    assert EVIL_1 not in page and EVIL_2 not in page
    assert "<script>alert" not in page and "</script><script>" not in page
    # the only scripts are the page's own: its JSON-LD block and static files
    tags = re.findall(r"<script\b[^>]*>", page)
    assert tags.count('<script type="application/ld+json">') == 1
    assert all(
        t == '<script type="application/ld+json">'
        or re.fullmatch(r'<script defer src="/static/[^"]+">', t)
        for t in tags
    )
    assert page.count("</script>") == len(tags)
    assert 'href="javascript:' not in page


def test_hostile_text_is_shown_as_text(client):
    page = get(client, "/entity/evil")
    assert f"<h1>{esc(EVIL_1)}</h1>" in page
    data = jsonld_of(page)  # the JSON-LD block parses and holds the text unchanged
    assert data["name"] == EVIL_1 and data["description"] == EVIL_1
    assert data["makesOffer"][0]["name"] == EVIL_2
    english = get(client, "/entity/evil?lang=en")
    assert f"<h1>{esc(EVIL_2)}</h1>" in english
    assert jsonld_of(english)["name"] == EVIL_2
    assert "javascript:alert(3)" in page  # shown, not linked
    offer = get(client, "/offer/evil-offer")
    assert jsonld_of(offer)["name"] == EVIL_2
    assert esc(EVIL_2) in main_of(get(client, "/action/evil-action"))
