"""The account pages through the web app: login and logout, session cookies (flags, fixation,
expiry), CSRF on real forms, throttling (429), API tokens, registration, claims and proposals
with the administrators' decisions, who may see what, and that no account data ever reaches a
public output."""

from __future__ import annotations

import gzip
import importlib.util
import re
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
from argon2 import PasswordHasher

from registry.accounts import Accounts
from registry.app import close_app, create_app
from registry.config import Settings
from registry.ingest import ingest
from registry.web.auth import may_edit_entity

from .browser_support import requires_browser
from .conftest import BASE, source

PASSWORD = "Zielony-Parasol-Nad-Wisłą-7"
HTML = {"Accept": "text/html,application/xhtml+xml"}
JSON = {"Accept": "application/json"}
ENTITY = "przystan"  # tests/data/ingest/entity.ttl
NIP = "8190937865"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_app(store, base: str = BASE):
    app = create_app(Settings(data_dir=store.path, base=base), store=store)
    accounts = app.extensions["registry.accounts"]
    # Cheap argon2 parameters keep the many logins quick (test_accounts checks the defaults).
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return app, accounts


@pytest.fixture
def site(store):
    ingest(store, [source("entity.ttl")])
    app, accounts = make_app(store)
    accounts.add_user("admin@torun.example", "Anna Admin", PASSWORD, "admin")
    accounts.add_user("ala@pes.example", "Ala Nowak", PASSWORD, "editor")
    accounts.add_user("ola@pes.example", "Ola Kowal", PASSWORD, "editor")
    app.accounts = accounts
    yield app
    close_app(app)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def log_in(client, login: str, password: str = PASSWORD, next_: str | None = None):
    page = client.get("/login" + (f"?next={next_}" if next_ else ""), headers=HTML)
    data = {"login": login, "password": password, "csrf_token": csrf_of(page.text)}
    if next_:
        data["next"] = next_
    return client.post("/login", data=data, headers=HTML)


def cookie_header(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie set")


def session_of(client) -> str | None:
    cookie = client.get_cookie("pes_session")
    return cookie.value if cookie else None


# Login, logout, sessions ----------------------------------------------------------------------

def test_login_opens_a_session_with_safe_cookie_flags_and_logout_ends_it(site):
    client = site.test_client()
    page = client.get("/login", headers=HTML)
    assert page.status_code == 200
    assert 'for="login"' in page.text and 'for="password"' in page.text
    pre = cookie_header(page, "pes_csrf")
    assert "HttpOnly" in pre and "SameSite=Strict" in pre
    answer = log_in(client, "Ala@PES.example")
    assert answer.status_code == 303 and answer.headers["Location"] == "/account"
    cookie = cookie_header(answer, "pes_session")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    session_id = session_of(client)
    account = client.get("/account", headers=HTML)
    assert account.status_code == 200 and "Ala Nowak" in account.text
    assert account.headers["Cache-Control"] in ("no-store", "private, no-cache")
    home = client.get("/", headers=HTML)
    assert "Ala Nowak" in home.text and "Moje konto" in home.text and 'action="/logout"' in home.text
    assert "private" in home.headers["Cache-Control"]

    bye = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, headers=HTML)
    assert bye.status_code == 303 and session_of(client) is None
    assert site.accounts.session(session_id) is None
    client.set_cookie("pes_session", session_id)  # the old id is dead, not just forgotten
    assert client.get("/account", headers=HTML).status_code == 303
    again = client.post("/logout", headers=HTML)  # logging out of a dead session just clears the cookie
    assert again.status_code == 303 and session_of(client) is None
    assert "Zaloguj się" in client.get("/", headers=HTML).text


def test_anonymous_pages_set_no_cookie(site):
    client = site.test_client()
    for path in ("/", "/entities", f"/entity/{ENTITY}"):
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 200 and not answer.headers.getlist("Set-Cookie"), path


def test_login_gives_a_new_session_id(site):
    client = site.test_client()
    client.set_cookie("pes_session", "chosen-by-an-attacker")
    log_in(client, "ala@pes.example")
    first = session_of(client)
    assert first and first != "chosen-by-an-attacker"
    log_in(client, "ala@pes.example")  # logging in again, still logged in
    second = session_of(client)
    assert second != first and site.accounts.session(first) is None
    assert site.accounts.session(second)[0].login == "ala@pes.example"


def test_cookies_are_secure_when_the_base_or_the_request_is_https(store):
    app, accounts = make_app(store, base="https://rejestr.torun.example")
    try:
        accounts.add_user("ala@pes.example", "Ala", PASSWORD, "editor")
        answer = log_in(app.test_client(), "ala@pes.example")
        assert "Secure" in cookie_header(answer, "pes_session")
    finally:
        close_app(app)
    app, accounts = make_app(store)
    try:
        client = app.test_client()
        page = client.get("/login", headers=HTML, base_url="https://localhost")
        assert "Secure" in cookie_header(page, "pes_csrf")
        answer = client.post("/login", base_url="https://localhost", headers=HTML, data={
            "login": "ala@pes.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
        assert "Secure" in cookie_header(answer, "pes_session")
    finally:
        close_app(app)


def test_sessions_expire_after_idle_time_and_after_twelve_hours(site):
    clock = Clock()
    site.accounts.clock = clock
    client = site.test_client()
    log_in(client, "ala@pes.example")
    clock.now += 2 * 3600 - 60
    assert client.get("/account", headers=HTML).status_code == 200
    clock.now += 2 * 3600 + 1
    gone = client.get("/account", headers=HTML)
    assert gone.status_code == 303 and gone.headers["Location"].startswith("/login?next=")
    log_in(client, "ala@pes.example")
    for _ in range(11):
        clock.now += 3600
        assert client.get("/account", headers=HTML).status_code == 200
    clock.now += 3601
    assert client.get("/account", headers=HTML).status_code == 303


def test_after_login_only_local_addresses_are_followed(site):
    for target, expected in (("/entity/przystan", "/entity/przystan"), ("//evil.example/x", "/account"),
                             ("https://evil.example/", "/account"), ("/\\evil.example", "/account")):
        client = site.test_client()
        answer = log_in(client, "ala@pes.example", next_=target)
        assert answer.headers["Location"] == expected, target


# CSRF ---------------------------------------------------------------------------------------

def test_forms_without_a_valid_csrf_token_are_refused(site):
    client = site.test_client()
    log_in(client, "ala@pes.example")
    token = csrf_of(client.get("/account", headers=HTML).text)
    for data in ({"name": "no token"}, {"name": "wrong", "csrf_token": "x" * 43}, {"name": "empty", "csrf_token": ""}):
        refused = client.post("/account/tokens", data=data, headers=HTML)
        assert refused.status_code == 403, data
        assert "CSRF" in refused.text
    assert site.accounts.tokens(site.accounts.by_login("ala@pes.example").id) == []
    assert client.post("/logout", headers=HTML).status_code == 403
    assert session_of(client) is not None
    ok = client.post("/account/tokens", data={"name": "right", "csrf_token": token}, headers=HTML)
    assert ok.status_code == 200
    in_header = client.post("/account/tokens", data={"name": "header"}, headers={**HTML, "X-CSRF-Token": token})
    assert in_header.status_code == 200
    assert [t.name for t in site.accounts.tokens(site.accounts.by_login("ala@pes.example").id)] == ["right", "header"]


def test_the_login_and_registration_forms_need_their_token_too(site):
    client = site.test_client()
    data = {"login": "ala@pes.example", "password": PASSWORD}
    assert client.post("/login", data=data, headers=HTML).status_code == 403  # no cookie, no field
    client.get("/login", headers=HTML)  # the pre-login cookie is set
    assert client.post("/login", data=data, headers=HTML).status_code == 403  # field missing
    assert client.post("/login", data={**data, "csrf_token": "forged-value-forged-value"},
                       headers=HTML).status_code == 403
    assert session_of(client) is None
    register = {"login": "new@pes.example", "name": "New", "password": PASSWORD, "confirm": PASSWORD}
    assert client.post("/register", data=register, headers=HTML).status_code == 403
    assert site.accounts.by_login("new@pes.example") is None


def test_public_read_only_posts_stay_open(site):
    client = site.test_client()
    client.get("/login", headers=HTML)  # a browser that has our cookie
    answer = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200


# Throttling ---------------------------------------------------------------------------------

def test_the_sixth_attempt_is_refused_even_with_the_right_password(site):
    client = site.test_client()
    for _ in range(5):
        wrong = log_in(client, "ala@pes.example", "not the password")
        assert wrong.status_code == 401 and "Błędny login lub hasło" in wrong.text
    refused = log_in(client, "ala@pes.example")
    assert refused.status_code == 429
    assert 800 < int(refused.headers["Retry-After"]) <= 900
    assert "Zbyt wiele nieudanych prób" in refused.text and 'role="alert"' in refused.text
    assert session_of(client) is None
    page = client.get("/login", headers=HTML)
    api = client.post("/login", headers=JSON, data={"login": "ala@pes.example", "password": PASSWORD,
                                                     "csrf_token": csrf_of(page.text)})
    assert api.status_code == 429 and api.headers["Retry-After"] and api.json["status"] == 429
    assert log_in(site.test_client(), "ola@pes.example").status_code == 303  # other logins are not locked


def test_bad_tokens_from_one_address_are_throttled(site):
    client = site.test_client()
    user = site.accounts.by_login("ala@pes.example")
    good = site.accounts.issue_token(user.id, "script")
    for i in range(20):
        answer = client.get("/account", headers={"Authorization": f"Bearer pes_guess{i}"})
        assert answer.status_code == 401
    refused = client.get("/account", headers={"Authorization": f"Bearer {good}"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 800
    other = client.get("/account", headers={"Authorization": f"Bearer {good}"},
                       environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert other.status_code == 200


# Tokens -------------------------------------------------------------------------------------

def test_tokens_are_made_on_the_account_page_shown_once_and_revocable(site):
    client = site.test_client()
    log_in(client, "ala@pes.example")
    page = client.get("/account", headers=HTML)
    made = client.post("/account/tokens", data={"name": "mój skrypt", "csrf_token": csrf_of(page.text)}, headers=HTML)
    token = re.search(r'<code class="token-value">([^<]+)</code>', made.text).group(1)
    assert token.startswith("pes_") and made.headers["Cache-Control"] == "no-store"
    again = client.get("/account", headers=HTML)
    assert token not in again.text and "mój skrypt" in again.text

    api = site.test_client()  # no cookie: the token alone
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    assert api.get("/account", headers={**bearer, **HTML}).status_code == 200
    # A request with a bearer token rides on no cookie: no CSRF token needed.
    second = api.post("/account/tokens", data={"name": "by token"}, headers=bearer)
    assert second.status_code == 200 and second.json["token"].startswith("pes_")

    [first, _] = site.accounts.tokens(site.accounts.by_login("ala@pes.example").id)
    assert first.last_used is not None
    revoked = client.post(f"/account/tokens/{first.id}/revoke", data={"csrf_token": csrf_of(again.text)},
                          headers=HTML)
    assert revoked.status_code == 303
    dead = api.get("/account", headers=bearer)
    assert dead.status_code == 401
    assert dead.headers["WWW-Authenticate"].startswith('Bearer realm="pes-registry"')
    assert 'error="invalid_token"' in dead.headers["WWW-Authenticate"]
    assert api.get("/account", headers={"Authorization": f"Bearer {second.json['token']}", **HTML}).status_code == 200


def test_a_user_cannot_revoke_another_users_token(site):
    ola = site.accounts.by_login("ola@pes.example")
    site.accounts.issue_token(ola.id, "ola's")
    [tok] = site.accounts.tokens(ola.id)
    client = site.test_client()
    log_in(client, "ala@pes.example")
    token = csrf_of(client.get("/account", headers=HTML).text)
    assert client.post(f"/account/tokens/{tok.id}/revoke", data={"csrf_token": token}, headers=HTML).status_code == 404
    assert site.accounts.tokens(ola.id) == [tok]


def test_tokens_of_a_disabled_user_stop_working(site):
    ala = site.accounts.by_login("ala@pes.example")
    token = site.accounts.issue_token(ala.id, "script")
    client = site.test_client()
    assert client.get("/account", headers={"Authorization": f"Bearer {token}", **HTML}).status_code == 200
    admin = site.test_client()
    log_in(admin, "admin@torun.example")
    users = admin.get("/admin/users", headers=HTML)
    assert users.status_code == 200 and "ala@pes.example" in users.text
    done = admin.post(f"/admin/users/{ala.id}/disable", data={"csrf_token": csrf_of(users.text)}, headers=HTML)
    assert done.status_code == 303
    assert client.get("/account", headers={"Authorization": f"Bearer {token}", **HTML}).status_code == 401
    assert log_in(site.test_client(), "ala@pes.example").status_code == 401


# Who may see what -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/account", "/admin/users", "/admin/requests"])
def test_anonymous_browsers_go_to_the_login_form_and_api_clients_get_401(site, path):
    client = site.test_client()
    browser = client.get(path, headers=HTML)
    assert browser.status_code == 303
    target = urlsplit(browser.headers["Location"])
    assert target.path == "/login" and parse_qs(target.query)["next"] == [path]
    api = client.get(path, headers=JSON)
    assert api.status_code == 401 and api.headers["WWW-Authenticate"] == 'Bearer realm="pes-registry"'
    assert api.json["status"] == 401


def test_editors_may_not_use_the_administrators_pages(site):
    ala = site.accounts.by_login("ala@pes.example")
    claim = site.accounts.add_claim(ala.id, ENTITY, "")
    client = site.test_client()
    log_in(client, "ola@pes.example")
    token = csrf_of(client.get("/account", headers=HTML).text)
    assert client.get("/admin/users", headers=HTML).status_code == 403
    assert client.get("/admin/requests", headers=HTML).status_code == 403
    refused = client.post(f"/admin/claims/{claim}", data={"decision": "approve", "csrf_token": token}, headers=HTML)
    assert refused.status_code == 403
    assert client.post(f"/admin/users/{ala.id}/grant", data={"entity_key": ENTITY, "csrf_token": token},
                       headers=HTML).status_code == 403
    assert site.accounts.claim(claim).status == "pending"
    assert site.accounts.get(ala.id).entities == frozenset()
    assert "/admin/" not in client.get("/account", headers=HTML).text


def test_may_edit_entity(site):
    admin = site.accounts.by_login("admin@torun.example")
    ala = site.accounts.grant(site.accounts.by_login("ala@pes.example").id, ENTITY)
    assert may_edit_entity(admin, "anything") and may_edit_entity(ala, ENTITY)
    assert not may_edit_entity(ala, "other") and not may_edit_entity(None, ENTITY)
    site.accounts.disable("ala@pes.example")
    assert not may_edit_entity(site.accounts.get(ala.id), ENTITY)


# Registration -------------------------------------------------------------------------------

def test_registration_makes_an_editor_without_entities_and_logs_in(site):
    client = site.test_client()
    page = client.get("/register", headers=HTML)
    assert page.status_code == 200
    for field in ("login", "name", "password", "confirm"):
        assert f'<label for="{field}">' in page.text
    token = csrf_of(page.text)
    bad = client.post("/register", headers=HTML, data={
        "login": "not-an-address", "name": "", "password": "short", "confirm": "other", "csrf_token": token})
    assert bad.status_code == 400
    for field in ("login", "name", "password", "confirm"):
        assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"', bad.text), field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', bad.text), field
    assert "co najmniej 12 znaków" in bad.text and 'value="short"' not in bad.text
    taken = client.post("/register", headers=HTML, data={
        "login": "ALA@pes.example", "name": "Ala 2", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert taken.status_code == 400 and "już istnieje" in taken.text
    made = client.post("/register", headers=HTML, data={
        "login": "Nowa@pes.example", "name": "Nowa Osoba", "password": PASSWORD, "confirm": PASSWORD,
        "csrf_token": token})
    assert made.status_code == 303 and made.headers["Location"] == "/account"
    user = site.accounts.by_login("nowa@pes.example")
    assert user.role == "editor" and user.entities == frozenset() and not user.disabled
    account = client.get("/account", headers=HTML)
    assert account.status_code == 200 and "Nowa Osoba" in account.text and "Nie masz jeszcze żadnego podmiotu" in account.text
    if "editing.propose" in site.view_functions:  # the proposal form, where this build has it
        assert 'href="/entity/propose"' in account.text


# Claims -------------------------------------------------------------------------------------

def _claim(client, query: str, message: str = "Jestem prezeską zarządu."):
    found = client.get("/account", query_string={"q": query}, headers=HTML)
    assert found.status_code == 200
    assert f'name="entity_key" value="{ENTITY}"' in found.text, query
    return client.post("/account/claims", headers=HTML, data={
        "entity_key": ENTITY, "message": message, "csrf_token": csrf_of(found.text)})


def test_claim_found_by_name_nip_or_key_then_approved_gives_the_entity(site):
    client = site.test_client()
    log_in(client, "ala@pes.example")
    for query in ("Przystań", NIP, ENTITY):
        page = client.get("/account", query_string={"q": query}, headers=HTML)
        assert f'href="/entity/{ENTITY}"' in page.text, query
    nothing = client.get("/account", query_string={"q": "zzqqxx"}, headers=HTML)
    assert "Nie znaleziono podmiotu" in nothing.text
    sent = _claim(client, "Przystań", "Jestem <b>prezeską</b> zarządu.")
    assert sent.status_code == 303
    mine = client.get(sent.headers["Location"], headers=HTML)
    assert "Zgłoszenie wysłane" in mine.text and "czeka na decyzję" in mine.text
    duplicate = client.post("/account/claims", headers=HTML, data={
        "entity_key": ENTITY, "message": "", "csrf_token": csrf_of(mine.text)})
    assert duplicate.status_code == 400 and "już czeka" in duplicate.text

    admin = site.test_client()
    log_in(admin, "admin@torun.example")
    requests_page = admin.get("/admin/requests", headers=HTML)
    assert "Ala Nowak" in requests_page.text and "ala@pes.example" in requests_page.text
    assert "Jestem &lt;b&gt;prezeską&lt;/b&gt; zarządu." in requests_page.text  # escaped
    [claim] = site.accounts.claims()
    decided = admin.post(f"/admin/claims/{claim.id}", headers=HTML, data={
        "decision": "approve", "csrf_token": csrf_of(requests_page.text)})
    assert decided.status_code == 303
    assert site.accounts.by_login("ala@pes.example").entities == frozenset({ENTITY})
    page = client.get("/account", headers=HTML)
    assert f'<a href="/entity/{ENTITY}">' in page.text and "zatwierdzone" in page.text
    assert "Brak zgłoszeń do rozpatrzenia" in admin.get("/admin/requests", headers=HTML).text
    twice = admin.post(f"/admin/claims/{claim.id}", headers=HTML, data={
        "decision": "reject", "csrf_token": csrf_of(requests_page.text)})
    assert twice.status_code == 409


def test_a_rejected_claim_gives_nothing(site):
    client = site.test_client()
    log_in(client, "ala@pes.example")
    assert _claim(client, NIP).status_code == 303
    admin = site.test_client()
    log_in(admin, "admin@torun.example")
    token = csrf_of(admin.get("/admin/requests", headers=HTML).text)
    [claim] = site.accounts.claims()
    assert admin.post(f"/admin/claims/{claim.id}", data={"decision": "maybe", "csrf_token": token},
                      headers=HTML).status_code == 400
    assert admin.post(f"/admin/claims/{claim.id}", data={"decision": "reject", "csrf_token": token},
                      headers=HTML).status_code == 303
    assert site.accounts.by_login("ala@pes.example").entities == frozenset()
    assert "odrzucone" in client.get("/account", headers=HTML).text
    assert admin.post("/admin/claims/999", data={"decision": "reject", "csrf_token": token},
                      headers=HTML).status_code == 404


def test_a_claim_of_an_unknown_entity_is_refused(site):
    client = site.test_client()
    log_in(client, "ala@pes.example")
    token = csrf_of(client.get("/account", headers=HTML).text)
    for key in ("nie-ma-takiego", "Bad Key!"):
        answer = client.post("/account/claims", data={"entity_key": key, "message": "", "csrf_token": token},
                             headers=HTML)
        assert answer.status_code == 400 and "Nie ma w rejestrze podmiotu" in answer.text
    assert site.accounts.claims() == []


def test_administrators_grant_entities_on_the_users_page(site):
    admin = site.test_client()
    log_in(admin, "admin@torun.example")
    page = admin.get("/admin/users", headers=HTML)
    ola = site.accounts.by_login("ola@pes.example")
    assert f'<label for="grant-{ola.id}">' in page.text
    token = csrf_of(page.text)
    missing = admin.post(f"/admin/users/{ola.id}/grant", data={"entity_key": "nie-ma", "csrf_token": token},
                         headers=HTML)
    assert missing.status_code == 400
    assert admin.post(f"/admin/users/{ola.id}/grant", data={"entity_key": ENTITY, "csrf_token": token},
                      headers=HTML).status_code == 303
    assert site.accounts.get(ola.id).entities == frozenset({ENTITY})
    me = site.accounts.by_login("admin@torun.example")
    assert admin.post(f"/admin/users/{me.id}/disable", data={"csrf_token": token}, headers=HTML).status_code == 400
    assert not site.accounts.get(me.id).disabled


# Proposals ----------------------------------------------------------------------------------

NEW_KEY = "fundacja-nowy-brzeg"


def _proposal(name_literal: str = '"Fundacja Nowy Brzeg"@pl', form: str = "fundacja") -> bytes:
    ttl = f"""@prefix pes: <https://w3id.org/pes-registry/ontology#> . @prefix schema: <https://schema.org/> .
@prefix rov: <http://www.w3.org/ns/regorg#> . @prefix essglobal: <http://purl.org/essglobal/vocab/> .
<{BASE}/id/entity/{NEW_KEY}> a pes:SocialEconomyEntity, rov:RegisteredOrganization, schema:Organization,
    essglobal:SSEInitiative ; schema:name {name_literal} ;
    rov:orgType <https://w3id.org/pes-registry/vocab/legal-form/{form}> .
"""
    return ox.serialize(ox.parse(ttl.encode(), ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)


needs_editor = pytest.mark.skipif(importlib.util.find_spec("registry.editing") is None,
                                  reason="the editor (registry.editing) is not part of this build yet")


@needs_editor
def test_an_approved_proposal_is_stored_and_granted_an_invalid_one_stays_pending(site, store):
    ala = site.accounts.by_login("ala@pes.example")
    bad = site.accounts.add_proposal(ala.id, NEW_KEY, _proposal(form="nie-ma-takiej-formy"))
    admin = site.test_client()
    log_in(admin, "admin@torun.example")
    page = admin.get("/admin/requests", headers=HTML)
    assert NEW_KEY in page.text and "Fundacja Nowy Brzeg" in page.text and "ala@pes.example" in page.text
    refused = admin.post(f"/admin/proposals/{bad}", headers=HTML, data={
        "decision": "approve", "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 422
    assert "Nie zapisano" in refused.text and "słownika form prawnych" in refused.text
    assert site.accounts.proposal(bad).status == "pending"
    assert not store.has_graph(f"{BASE}/entity/{NEW_KEY}")
    assert admin.post(f"/admin/proposals/{bad}", headers=HTML, data={
        "decision": "reject", "csrf_token": csrf_of(page.text)}).status_code == 303
    assert site.accounts.proposal(bad).status == "rejected"

    good = site.accounts.add_proposal(ala.id, NEW_KEY, _proposal())
    approved = admin.post(f"/admin/proposals/{good}", headers=HTML, data={
        "decision": "approve", "csrf_token": csrf_of(page.text)})
    assert approved.status_code == 303
    assert store.has_graph(f"{BASE}/entity/{NEW_KEY}")
    assert site.accounts.proposal(good).status == "approved"
    assert site.accounts.by_login("ala@pes.example").entities == frozenset({NEW_KEY})
    assert admin.get(f"/entity/{NEW_KEY}", headers=HTML).status_code == 200
    # The provenance names the city, not the person who approved or proposed.
    agents = {str(r["a"].value) for r in store.query(
        "SELECT ?a WHERE { GRAPH ?g { ?act <http://www.w3.org/ns/prov#generated> ?d ;"
        " <http://www.w3.org/ns/prov#wasAssociatedWith> ?a } }")}
    assert agents and all("/id/unit/" in a or "/id/entity/" in a for a in agents), agents


# No account data in public outputs --------------------------------------------------------------

def test_account_data_never_reaches_a_public_output(site, store):
    secrets_ = {
        "login": "qzx.wyjatkowy@pes.example",
        "name": "Bożydar Qzxwyjątkowy",
        "message": "Wiadomość-qzxsekretna",
        "token name": "skrypt-qzxtoken",
        "password": PASSWORD,
    }
    accounts = site.accounts
    user = accounts.add_user(secrets_["login"], secrets_["name"], PASSWORD, "editor")
    secrets_["token"] = accounts.issue_token(user.id, secrets_["token name"])
    accounts.add_claim(user.id, ENTITY, secrets_["message"])
    session_id, csrf = accounts.open_session(user.id)
    secrets_["session"], secrets_["csrf"] = session_id, csrf
    client = site.test_client()
    log_in(client, secrets_["login"])
    client.get("/account", headers=HTML)

    editing_ready = importlib.util.find_spec("registry.editing") is not None
    if editing_ready:  # an approved proposal writes provenance: the organisation, never the person
        pid = accounts.add_proposal(user.id, NEW_KEY, _proposal())
        admin = site.test_client()
        log_in(admin, "admin@torun.example")
        token = csrf_of(admin.get("/admin/requests", headers=HTML).text)
        assert admin.post(f"/admin/proposals/{pid}", data={"decision": "approve", "csrf_token": token},
                          headers=HTML).status_code == 303
        assert store.has_graph(f"{BASE}/entity/{NEW_KEY}")

    outputs: dict[str, str] = {}
    # Every statement of every graph, from the store and through the SPARQL service.
    outputs["store"] = "\n".join(" ".join(str(t) for t in q) for q in store.raw.quads_for_pattern(None, None, None, None))
    anon = site.test_client()
    sparql = anon.get("/sparql", query_string={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
                      headers={"Accept": "text/csv"})
    assert sparql.status_code == 200 and BASE + "/entity/" + ENTITY in sparql.text
    outputs["sparql"] = sparql.text
    from registry.dumps import DUMPS

    for dump in DUMPS:
        answer = anon.get(f"/dumps/{dump.name}")
        assert answer.status_code == 200, dump.name
        outputs[dump.name] = (gzip.decompress(answer.data) if dump.gzip else answer.data).decode("utf-8")
    paths = {"/dumps/": JSON, "/catalog": HTML, "/catalog.ttl": {}, "/changes": {}, "/changes.json": {},
             "/sitemap.xml": {}, "/.well-known/void": {"Accept": "text/turtle"}, f"/entity/{ENTITY}": HTML,
             f"/entity/{ENTITY}.ttl": {}, "/entities": HTML, "/entities.json": {}, "/entities.csv": {},
             "/search?q=qzxwyjatkowy": HTML, "/healthz": {}, "/": HTML}
    if editing_ready:
        paths.update({f"/entity/{NEW_KEY}": HTML, f"/entity/{NEW_KEY}.ttl": {}})
    for path, headers in paths.items():
        answer = anon.get(path, headers=headers)
        assert answer.status_code == 200, path
        outputs[path] = answer.data.decode("utf-8")
    assert "Przystań" in outputs[f"/entity/{ENTITY}"] and len(outputs["registry.nq.gz"]) > 1000
    folded = {k: v.casefold() for k, v in outputs.items()}
    for what, value in secrets_.items():
        for needle in {value.casefold(), value.split("@")[0].casefold()}:
            leaks = [where for where, text in folded.items() if needle in text]
            assert not leaks, f"the {what} appears in {leaks}"
    if not editing_ready:
        pytest.skip("every public output checked, but not the provenance of an approved proposal: "
                    "registry.editing is not part of this build yet")


# In a real browser -----------------------------------------------------------------------------

@requires_browser
def test_account_pages_in_a_browser_are_accessible(store):
    """Log in through the real form, claim an entity, make a token, and check every account page
    with axe-core (WCAG 2.1 AA): no serious or critical problem."""
    from .browser_support import check_accessibility, chromium, open_page, screenshot
    from .http_support import live_server

    ingest(store, [source("entity.ttl")])
    accounts = Accounts(store.path / "accounts" / "accounts.sqlite",
                        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_user("admin@torun.example", "Anna Admin", PASSWORD, "admin")
    ala = accounts.add_user("ala@pes.example", "Ala Nowak", PASSWORD, "editor")
    accounts.add_proposal(ala.id, NEW_KEY, _proposal())
    problems: dict[str, list] = {}

    def check(page, name: str) -> None:
        screenshot(page, f"accounts-{name}")
        found = check_accessibility(page)
        if found:
            problems[name] = found

    with live_server(store, BASE) as live, chromium() as browser:
        opened = open_page(browser, live.url)
        page = opened.page
        page.goto(live.url + "/register")
        page.get_by_role("button", name="Załóż konto").click()  # empty: the fields get their messages
        page.wait_for_load_state()
        assert page.locator("[aria-invalid=true]").count() == 3  # both passwords empty: they agree
        check(page, "register-errors")

        page.goto(live.url + "/")
        page.get_by_role("link", name="Zaloguj się").click()
        page.get_by_label("Adres e-mail (login)").fill("ala@pes.example")
        page.get_by_label("Hasło").fill("not the password")
        page.get_by_role("button", name="Zaloguj się").click()
        assert "Błędny login lub hasło" in page.content()
        check(page, "login-error")
        page.get_by_label("Hasło").fill(PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(live.url + "/account")
        assert "Ala Nowak" in page.content()

        page.get_by_label("Nazwa, NIP, KRS lub klucz podmiotu").fill("Przystań")
        page.get_by_role("button", name="Szukaj").click()
        page.get_by_label("Wiadomość dla administratora (kim jesteś w tym podmiocie)").fill("Prezeska zarządu.")
        page.get_by_role("button", name="Zgłoś ten podmiot").click()
        assert "Zgłoszenie wysłane" in page.content()
        page.get_by_label("Nazwa nowego tokenu").fill("skrypt importu")
        page.get_by_role("button", name="Utwórz token").click()
        assert page.locator(".token-value").inner_text().startswith("pes_")
        check(page, "account")
        page.get_by_role("button", name="Wyloguj się").click()
        page.wait_for_url(live.url + "/")
        assert "Zaloguj się" in page.content()

        page.goto(live.url + "/admin/requests")  # sent to the form, and back after login
        page.get_by_label("Adres e-mail (login)").fill("admin@torun.example")
        page.get_by_label("Hasło").fill(PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(live.url + "/admin/requests")
        assert "Prezeska zarządu." in page.content() and "Fundacja Nowy Brzeg" in page.content()
        check(page, "admin-requests")
        page.get_by_role("button", name=re.compile(r"^Zatwierdź\W+ala@pes\.example, przystan$")).click()
        assert "Decyzja zapisana" in page.content()
        page.goto(live.url + "/admin/users")
        check(page, "admin-users")
        page.goto(live.url + "/?lang=en")
        assert "My account" in page.content() and "Log out" in page.content()
        opened.close()
    assert not opened.errors and not opened.foreign
    assert not problems, problems
    assert accounts.by_login("ala@pes.example").entities == frozenset({ENTITY})
