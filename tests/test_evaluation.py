"""The offer evaluation card of an open competition: the arithmetic against hand-computed figures,
scores refused with a clear message and nothing stored, who may use each route, individual
scores and members' names never in a public output while the published averages are, and
publication through the editor, shown on the public page."""

from __future__ import annotations

import gzip
import io
import re
import stat
from decimal import Decimal

import pyoxigraph as ox
import pytest
from argon2 import PasswordHasher

from registry.app import close_app, create_app
from registry.config import Settings
from registry.evaluation import CRITERIA, Evaluations, Member, Offer, average, compute
from registry.ingest import ingest
from registry.store import graph_iri

from .browser_support import requires_browser
from .conftest import BASE, source
from .test_matching import PREFIXES, UNITS

PASSWORD = "Zielony-Parasol-Nad-Wisłą-7"
HTML = {"Accept": "text/html"}
KEY = "konkurs-seniorzy"
CARD = f"/opportunity/{KEY}/evaluation"
D = Decimal

DOCUMENTS = PREFIXES + UNITS + """
<entity/lipy> a pes:SocialEconomyEntity, rov:RegisteredOrganization ; schema:name "Fundacja Pod Lipami"@pl ;
    rov:orgType lf:fundacja ; schema:description "Seniorzy."@pl ; schema:email "lipy@example.org" .
<entity/aktywni> a pes:SocialEconomyEntity, rov:RegisteredOrganization ; schema:name "Stowarzyszenie Aktywni 60+"@pl ;
    rov:orgType lf:stowarzyszenie ; schema:description "Seniorzy."@pl ; schema:email "aktywni@example.org" .
<entity/dobre-rece> a pes:SocialEconomyEntity, rov:RegisteredOrganization ; schema:name "Diakonia Dobre Ręce"@pl ;
    rov:orgType lf:fundacja ; schema:description "Opieka."@pl ; schema:email "rece@example.org" .
<opportunity/konkurs-seniorzy> a pes:CooperationOpportunity, schema:Demand ;
    schema:name "Otwarty konkurs ofert: aktywizacja seniorów"@pl ; schema:description "Kluby seniora."@pl ;
    pes:opportunityKind ci:otwarty-konkurs ; dct:publisher <unit/wydzial> ; pes:publicTaskArea pta:10 ;
    pes:opportunityStatus ops:zamknieta ; dct:issued "2026-01-05"^^xsd:date ;
    schema:validThrough "2026-02-02"^^xsd:date .
<opportunity/zakup-obiadow> a pes:CooperationOpportunity, schema:Demand ;
    schema:name "Zakup obiadów"@pl ; schema:description "Obiady."@pl ;
    pes:opportunityKind ci:zakup-ponizej-130k ; dct:publisher <unit/wydzial> ;
    pes:opportunityStatus ops:otwarta ; dct:issued "2026-01-05"^^xsd:date .
"""


# -- arithmetic ---------------------------------------------------------------------------------

def test_totals_averages_and_ranks_against_hand_computed_figures():
    members = [Member(1, KEY, "M1"), Member(2, KEY, "M2"), Member(3, KEY, "M3")]
    offers = [Offer(10, KEY, "a", "A", D(40000)), Offer(11, KEY, "b", "B", D(30000)),
              Offer(12, KEY, "c", "C", D(20000)), Offer(13, KEY, "d", "D", D(1000))]
    given = {
        # Offer A: member totals 43, 41, 42; averages 9, 28/3, 8, 0, 7, 26/3.
        (10, 1): (10, 9, 8, 0, 7, 9), (10, 2): (9, 9, 7, 0, 8, 8), (10, 3): (8, 10, 9, 0, 6, 9),
        # Offer B: member totals 42.5, 42, 42.5; averages 8, 8, 8, 0, 26/3, 29/3.
        (11, 1): ("7.5", 8, 8, 0, 9, 10), (11, 2): (8, 8, 8, 0, 9, 9), (11, 3): ("8.5", 8, 8, 0, 8, 10),
        # Offer C: 7 everywhere, 42 each.
        (12, 1): (7,) * 6, (12, 2): (7,) * 6, (12, 3): (7,) * 6,
        # Offer D: not scored (e.g. rejected on formal grounds).
    }
    scores = {k: {n: D(str(v)) for n, v in enumerate(points, start=1)} for k, points in given.items()}
    card = compute(offers, members, scores)
    a, b, c, d = card.results
    assert a.member_totals == {1: D(43), 2: D(41), 3: D(42)}
    assert b.member_totals == {1: D("42.5"), 2: D(42), 3: D("42.5")}
    assert a.averages == {1: D("9.00"), 2: D("9.33"), 3: D("8.00"), 4: D("0.00"), 5: D("7.00"), 6: D("8.67")}
    assert b.averages == {1: D("8.00"), 2: D("8.00"), 3: D("8.00"), 4: D("0.00"), 5: D("8.67"), 6: D("9.67")}
    # The total is the sum of the rounded averages: 42.00 for A; 42.34 for B (its members' mean
    # total is 42.33, but the published averages add up to 42.34).
    assert (a.total, b.total, c.total, d.total) == (D("42.00"), D("42.34"), D("42.00"), None)
    # B first; A and C tie for second; the next rank would be 4; D is not ranked.
    assert (b.rank, a.rank, c.rank, d.rank) == (1, 2, 2, None)
    assert [r.offer.title for r in card.ranking] == ["B", "A", "C", "D"]
    assert all(r.complete for r in (a, b, c)) and not d.scored and not d.complete
    assert card.max_total == D(60) and [c.max for c in CRITERIA] == [D(10)] * 6
    # Half up, not to even: 8.125 is 8.13, 8.115 is 8.12 (banker's rounding gives 8.12, 8.12).
    assert average([D("8.25"), D("8")]) == D("8.13") and average([D("8.23"), D("8")]) == D("8.12")
    assert average([]) is None
    # A member who scored only part of an offer: the averages use the scores given; the offer
    # is not complete.
    partial = compute(offers[:1], members[:2], {(10, 1): {1: D(10), 2: D(6)}, (10, 2): {1: D(7)}})
    (r,) = partial.results
    assert r.averages[1] == D("8.50") and r.averages[2] == D("6.00") and r.averages[3] is None
    assert r.member_totals == {1: D(16), 2: D(7)} and not r.complete and r.total == D("14.50")


# -- through the web ----------------------------------------------------------------------------

@pytest.fixture
def site(store):
    ingest(store, [source("evaluation.ttl", DOCUMENTS)])
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    accounts = app.extensions["registry.accounts"]
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts.add_user("admin@torun.example", "Anna Admin", PASSWORD, "admin")
    accounts.add_user("ala@pes.example", "Ala Nowak", PASSWORD, "editor")
    yield app
    close_app(app)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def logged_in(app, login: str):
    client = app.test_client()
    page = client.get("/login", headers=HTML)
    answer = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                         headers=HTML)
    assert answer.status_code == 303
    client.token = csrf_of(client.get("/account", headers=HTML).text)
    return client


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": client.token, **data}, headers=HTML)


def evaluations(app) -> Evaluations:
    return app.extensions["registry.evaluations"]


def fill_card(app, admin, scores: dict[tuple[str, str], tuple]) -> None:
    """Members M1, M2 (distinctive names), offers of lipy and aktywni, and the scores given."""
    for name in ("Zbigniewa Qxtajna", "Bolesław Wyjątkowyqx"):
        assert post(admin, CARD + "/members", name=name).status_code == 303
    assert post(admin, CARD + "/offers", entity="lipy", title="Aktywny senior", requested="42 000").status_code == 303
    assert post(admin, CARD + "/offers", entity=f"{BASE}/entity/aktywni", title="Uniwersytet seniora",
                requested="38000,50").status_code == 303
    ev = evaluations(app)
    offers = {o.entity.rsplit("/", 1)[1]: o.id for o in ev.offers(KEY)}
    members = {m.name.split()[0]: m.id for m in ev.members(KEY)}
    for entity in dict.fromkeys(entity for entity, _ in scores):  # one form per offer
        fields = {f"score-{m}-{n}": "" for m in members.values() for n in range(1, 7)}
        for (other, member), values in scores.items():
            if other == entity:
                fields.update({f"score-{members[member]}-{n}": v for n, v in enumerate(values, start=1)})
        assert post(admin, CARD + "/scores", offer=str(offers[entity]), **fields).status_code == 303


SCORES = {
    # Averages of lipy: 7.75 (6.35 and 9.15), 8, 8.50, 5, 7, 9.50 — total 45.75.
    ("lipy", "Zbigniewa"): ("6,35", "8", "8", "5", "7", "9"),
    ("lipy", "Bolesław"): ("9.15", "8", "9", "5", "7", "10"),
    # Averages of aktywni: 6, 7, 6.50, 0, 8, 8 — total 35.50.
    ("aktywni", "Zbigniewa"): ("6", "7", "6", "0", "8", "8"),
    ("aktywni", "Bolesław"): ("6", "7", "7", "0", "8", "8"),
}


def test_the_card_computes_and_prints(site):
    admin = logged_in(site, "admin@torun.example")
    fill_card(site, admin, SCORES)
    page = admin.get(CARD, headers=HTML)
    assert page.status_code == 200
    html = page.text
    assert "Fundacja Pod Lipami" in html and "Zbigniewa Qxtajna" in html
    # Averages and totals as Polish readers write them; ranks by total.
    assert "7,75" in html and "45,75" in html and "35,50" in html
    ranking = html[html.index('id="ranking-heading"'):]
    assert ranking.index("Aktywny senior") < ranking.index("Uniwersytet seniora")
    # The member totals of lipy: 43.35 and 48.15.
    assert "43,35" in html and "48,15" in html
    # Every field has its label; every form its CSRF token.
    ids = re.findall(r'<input id="([^"]+)"', html)
    assert ids and all(f'<label for="{i}"' in html for i in ids)
    assert html.count("<form") == html.count('name="csrf_token"')
    printed = admin.get(CARD + "/print", headers=HTML)
    assert printed.status_code == 200
    assert printed.text.count('class="evaluation-sheet"') == 3  # two cards and the summary
    assert "Podpisy członków komisji" in printed.text and "Bolesław Wyjątkowyqx" in printed.text
    offer = evaluations(site).offers(KEY)[1].id
    one = admin.get(CARD + f"/print?offer={offer}", headers=HTML)
    assert one.text.count('class="evaluation-sheet"') == 1 and "Uniwersytet seniora" in one.text
    assert admin.get(CARD + "/print?offer=999", headers=HTML).status_code == 404
    css = site.test_client().get("/static/registry.css").text
    assert "@media print" in css and ".evaluation-sheet" in css


@pytest.mark.parametrize("bad, message", [
    ("11", "najwyżej 10 pkt"), ("-1", "nie jest liczbą punktów"), ("siedem", "nie jest liczbą punktów"),
    ("7,555", "nie jest liczbą punktów"), ("1e1", "nie jest liczbą punktów")])
def test_bad_scores_are_refused_with_a_message_and_nothing_is_stored(site, bad, message):
    admin = logged_in(site, "admin@torun.example")
    fill_card(site, admin, {("lipy", "Zbigniewa"): ("5",) * 6, ("lipy", "Bolesław"): ("5",) * 6})
    ev = evaluations(site)
    before = ev.scores(KEY)
    offer = next(o.id for o in ev.offers(KEY) if o.entity.endswith("/lipy"))
    member = ev.members(KEY)[0].id
    fields = {f"score-{m.id}-{n}": "9" for m in ev.members(KEY) for n in range(1, 7)}
    fields[f"score-{member}-3"] = bad
    answer = post(admin, CARD + "/scores", offer=str(offer), **fields)
    assert answer.status_code == 422
    html = answer.text
    assert message in html and "Oceny nie zostały zapisane" in html
    field = f"score-{offer}-{member}-3"
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="{field}-error"', html)
    assert f'id="{field}-error"' in html and f'value="{bad}"' in html  # the input is kept
    assert ev.scores(KEY) == before  # not even the good scores of the same form


def test_bad_offers_and_members_are_refused(site):
    admin = logged_in(site, "admin@torun.example")
    answer = post(admin, CARD + "/offers", entity="nie-ma-takiego", title="", requested="dużo")
    assert answer.status_code == 422
    assert "W rejestrze nie ma podmiotu" in answer.text and "Podaj tytuł zadania" in answer.text
    assert "nie jest kwotą" in answer.text
    assert post(admin, CARD + "/members", name="  ").status_code == 422
    assert evaluations(site).offers(KEY) == [] and evaluations(site).members(KEY) == []
    assert post(admin, CARD + "/scores", offer="12345").status_code == 400
    # Only open competitions have a card.
    assert admin.get("/opportunity/zakup-obiadow/evaluation", headers=HTML).status_code == 404
    assert admin.get("/opportunity/nie-ma/evaluation", headers=HTML).status_code == 404


ROUTES = [("GET", CARD), ("GET", CARD + "/print"), ("POST", CARD + "/offers"),
          ("POST", CARD + "/offers/1/remove"), ("POST", CARD + "/members"),
          ("POST", CARD + "/members/1/remove"), ("POST", CARD + "/scores"), ("POST", CARD + "/publish")]


def test_only_administrators_use_the_card(site):
    anonymous = site.test_client()
    editor = logged_in(site, "ala@pes.example")
    admin = logged_in(site, "admin@torun.example")
    for method, path in ROUTES:
        answer = anonymous.open(path, method=method, headers=HTML)
        assert answer.status_code == 303 and answer.headers["Location"].startswith("/login?next="), path
        answer = editor.open(path, method=method, data={"csrf_token": editor.token}, headers=HTML)
        assert answer.status_code == 403, path
        # Without the form's token, even an administrator's post is refused.
        if method == "POST":
            assert admin.post(path, data={}, headers=HTML).status_code == 403, path
    assert admin.get(CARD, headers=HTML).status_code == 200
    assert post(admin, CARD + "/members", name="Anna").status_code == 303
    member = evaluations(site).members(KEY)[0].id
    assert post(admin, CARD + f"/members/{member}/remove").status_code == 303
    assert post(admin, CARD + f"/members/{member}/remove").status_code == 404
    # The link to the card on the opportunity's page: administrators only.
    link = f'href="{CARD}"'
    assert link in admin.get(f"/opportunity/{KEY}", headers=HTML).text
    assert link not in editor.get(f"/opportunity/{KEY}", headers=HTML).text
    assert link not in anonymous.get(f"/opportunity/{KEY}", headers=HTML).text
    assert CARD not in admin.get("/opportunity/zakup-obiadow", headers=HTML).text


def publish(admin, app, **decisions):
    ev = evaluations(app)
    page = admin.get(CARD, headers=HTML).text
    tag = re.search(r'name="tag" value="([^"]*)"', page).group(1)
    data = {"tag": tag}
    for o in ev.offers(KEY):
        granted, amount = decisions.get(o.entity.rsplit("/", 1)[1], ("no", ""))
        data[f"granted-{o.id}"], data[f"amount-{o.id}"] = granted, amount
    return post(admin, CARD + "/publish", **data)


def test_publish_goes_through_the_editor_and_shows_on_the_public_page(site, store):
    admin = logged_in(site, "admin@torun.example")
    fill_card(site, admin, SCORES)
    history = site.extensions["registry.history"]
    versions = len(history.versions("opportunity", KEY))
    answer = publish(admin, site, lipy=("yes", "40000"))
    assert answer.status_code == 303 and answer.headers["Location"].startswith(f"/opportunity/{KEY}")
    # A new version of the document, written by the ingest with its provenance: the city, never
    # a person.
    after = history.versions("opportunity", KEY)
    assert len(after) == versions + 1 and after[0].organisation == f"{BASE}/id/unit/gmina-miasta-torun"
    graph = ox.NamedNode(graph_iri(BASE, "opportunity", KEY))
    rows = store.query(f"""
        PREFIX pes: <https://w3id.org/pes-registry/ontology#>
        SELECT ?applicant ?criterion ?score ?max WHERE {{ GRAPH {graph} {{
          ?card pes:evaluatesApplication ?application ; pes:criterionScore ?s .
          ?application pes:applicant ?applicant .
          ?s pes:criterion ?criterion ; pes:score ?score ; pes:maxScore ?max }} }}""")
    published = {(r["applicant"].value.rsplit("/", 1)[1], r["criterion"].value.rsplit("/", 1)[1]):
                 (D(r["score"].value), D(r["max"].value)) for r in rows}
    assert published[("lipy", "1")] == (D("7.75"), D(10)) and published[("lipy", "3")] == (D("8.5"), D(10))
    assert published[("aktywni", "4")] == (D(0), D(10)) and len(published) == 12
    status = store.query(f"SELECT ?s WHERE {{ <{BASE}/id/opportunity/{KEY}> "
                         "<https://w3id.org/pes-registry/ontology#opportunityStatus> ?s }")
    assert [r["s"].value.rsplit("/", 1)[1] for r in status] == ["rozstrzygnieta"]
    # The public page: the applications with the averages, the total, who was granted what.
    page = site.test_client().get(f"/opportunity/{KEY}", headers=HTML).text
    assert "Aktywny senior" in page and "Uniwersytet seniora" in page
    assert "7,75" in page and "45,75" in page and "35,50" in page
    result = page[page.index('id="result-heading"'):]
    assert "40\u00a0000\u00a0zł" in result and "Bez dotacji:" in result
    assert result.index("Fundacja Pod Lipami") < result.index("Bez dotacji:") < result.index("Uniwersytet seniora")
    # Publishing again replaces the result (no duplicates), e.g. after a correction.
    assert publish(admin, site, lipy=("yes", "40000"), aktywni=("yes", "30000")).status_code == 303
    count = store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{
        ?a a <https://w3id.org/pes-registry/ontology#CompetitionApplication> }} }}""")
    assert next(iter(count))["n"].value == "2"
    assert "30\u00a0000\u00a0zł" in site.test_client().get(f"/opportunity/{KEY}", headers=HTML).text


def test_publish_refuses_bad_decisions_and_partial_scores(site, store):
    admin = logged_in(site, "admin@torun.example")
    fill_card(site, admin, {**SCORES, ("aktywni", "Bolesław"): ("6", "7", "", "", "", "")})
    tag = site.extensions["registry.editor"].etag("opportunity", KEY)
    answer = publish(admin, site, lipy=("yes", "50000"))
    assert answer.status_code == 422 and "jest większa niż wnioskowana" in answer.text
    answer = publish(admin, site, lipy=("no", "100"))
    assert answer.status_code == 422 and "tylko dla oferty, która otrzymała dotację" in answer.text
    answer = publish(admin, site, lipy=("yes", "40000"))
    assert answer.status_code == 409 and "Nie wszyscy członkowie komisji ocenili" in answer.text
    assert site.extensions["registry.editor"].etag("opportunity", KEY) == tag  # nothing written
    # Complete, but a stale card: the opportunity changed since the card was loaded.
    ev = evaluations(site)
    offer = next(o.id for o in ev.offers(KEY) if o.entity.endswith("/aktywni"))
    member = next(m.id for m in ev.members(KEY) if m.name.startswith("Bolesław"))
    ev.set_scores(KEY, offer, member, {n: D(5) for n in range(1, 7)})
    answer = post(admin, CARD + "/publish", tag="0" * 24)
    assert answer.status_code == 409 and "zmieniło się" in answer.text
    assert site.extensions["registry.editor"].etag("opportunity", KEY) == tag


def test_individual_scores_and_names_never_reach_a_public_output(site, store):
    admin = logged_in(site, "admin@torun.example")
    fill_card(site, admin, SCORES)
    assert publish(admin, site, lipy=("yes", "40000")).status_code == 303
    anonymous = site.test_client()
    outputs: dict[str, str] = {}
    outputs["store"] = "\n".join(str(q) for q in store.raw.quads_for_pattern(None, None, None, None))
    sparql = anonymous.get("/sparql", query_string={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
                           headers={"Accept": "text/csv"})
    assert sparql.status_code == 200
    outputs["sparql"] = sparql.text
    from registry.dumps import DUMPS

    for dump in DUMPS:
        answer = anonymous.get(f"/dumps/{dump.name}")
        assert answer.status_code == 200, dump.name
        outputs[dump.name] = (gzip.decompress(answer.data) if dump.gzip else answer.data).decode("utf-8")
    for path in (f"/opportunity/{KEY}", f"/opportunity/{KEY}.ttl", f"/opportunity/{KEY}.jsonld",
                 f"/opportunity/{KEY}/history", "/changes", "/opportunities", "/opportunities.json",
                 "/search?q=senior", "/entity/lipy"):
        answer = anonymous.get(path, headers=HTML if "." not in path.rsplit("/", 1)[-1] else {})
        assert answer.status_code == 200, path
        outputs[path] = answer.get_data(as_text=True)
    public = {k: v.casefold() for k, v in outputs.items()}
    # The averages are public; the individual scores (6.35 and 9.15 give 7.75) and the names not.
    assert "7.75" in public["store"] and "7,75" in public[f"/opportunity/{KEY}"]
    for secret in ("Qxtajna", "Wyjątkowyqx", '"6.35"', '"9.15"', "6,35", "9,15", ">6.35<", ">9.15<"):
        leaks = [where for where, text in public.items() if secret.casefold() in text]
        assert not leaks, f"{secret} appears in {leaks}"
    # They are kept beside the store, readable by the server only.
    path = store.path / "evaluation" / "evaluation.sqlite"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Qxtajna" in admin.get(CARD, headers=HTML).text


@requires_browser
def test_the_card_in_a_browser_is_accessible(store):
    """The card with a refused score and the printed cards, checked with axe-core (WCAG 2.1 AA)."""
    from pypdf import PdfReader

    from .browser_support import check_accessibility, chromium, open_page, screenshot
    from .http_support import live_server

    ingest(store, [source("evaluation.ttl", DOCUMENTS)])
    accounts_path = store.path / "accounts" / "accounts.sqlite"
    from registry.accounts import Accounts

    accounts = Accounts(accounts_path, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_user("admin@torun.example", "Anna Admin", PASSWORD, "admin")
    ev = Evaluations(store.path / "evaluation" / "evaluation.sqlite")
    ev.add_member(KEY, "Zbigniewa Qxtajna")
    ev.add_offer(KEY, f"{BASE}/id/entity/lipy", "Aktywny senior", D(42000))
    ev.add_offer(KEY, f"{BASE}/id/entity/aktywni", "Uniwersytet seniora", D(38000))
    problems: dict[str, list] = {}

    def check(page, name: str) -> None:
        screenshot(page, f"evaluation-{name}")
        found = check_accessibility(page)
        if found:
            problems[name] = found

    with live_server(store, BASE) as live, chromium() as browser:
        opened = open_page(browser, live.url)
        page = opened.page
        page.goto(live.url + CARD)
        page.get_by_label("Adres e-mail (login)").fill("admin@torun.example")
        page.get_by_label("Hasło").fill(PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(live.url + CARD)
        page.get_by_label("Oferta nr 1, Zbigniewa Qxtajna: kryterium 1 (0 do 10)").fill("12")
        page.get_by_role("button", name="Zapisz oceny oferty nr 1").click()
        page.wait_for_load_state()
        assert "najwyżej 10 pkt" in page.content()
        check(page, "card-error")
        page.get_by_label("Oferta nr 1, Zbigniewa Qxtajna: kryterium 1 (0 do 10)").fill("8")
        page.get_by_role("button", name="Zapisz oceny oferty nr 1").click()
        page.wait_for_load_state()
        assert "Zapisano oceny" in page.content()
        check(page, "card")
        page.goto(live.url + CARD + "/print")
        check(page, "print")
        # Printed: one page per card (two offers), then the summary; no site header.
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        printed = PdfReader(io.BytesIO(page.pdf(format="A4")))
        assert len(printed.pages) == 3
        assert "Uniwersytet seniora" in printed.pages[1].extract_text()
        assert "Zestawienie ocen ofert" in printed.pages[2].extract_text()
        opened.close()
    assert not opened.errors and not opened.foreign
    assert not problems, problems
