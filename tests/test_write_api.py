"""The write API over real HTTP: who may do what (role matrix), round trips of documents read and
sent back, If-Match and races, validation reports (JSON and SHACL RDF), withdrawal and 410."""

from __future__ import annotations

import json
import shutil
import threading

import pyoxigraph as ox
import pytest

from registry.accounts import Accounts
from registry.config import Settings
from registry.demo import load_demo
from registry.store import Store
from registry.system import install
from tests.http_support import live_server, request

BASE = "http://127.0.0.1:8000"
A, B = "spoldzielnia-socjalna-przystan", "cis-most"
A_OFFER, B_OFFER = "przystan-catering", None
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("write-api") / "data"
    store = Store(folder, BASE)
    install(store)
    load_demo(store, Settings(data_dir=folder, base=BASE))
    store.close()
    return folder


@pytest.fixture
def live(demo_folder, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder)
    store = Store(folder, BASE)
    accounts = Accounts(folder / "accounts" / "accounts.sqlite")
    tokens = {}
    admin = accounts.add_user("admin@torun.example", "Urzędniczka", "hasło-administratorki-1", "admin")
    tokens["admin"] = accounts.issue_token(admin.id, "test")
    for name, key in (("editor_a", A), ("editor_b", B)):
        user = accounts.add_user(f"{name}@pes.example", name, "hasło-redaktora-123", "editor")
        accounts.grant(user.id, key)
        tokens[name] = accounts.issue_token(user.id, "test")
    with live_server(store, BASE) as server:
        server.tokens = tokens
        server.store = store
        yield server
    store.close()


def call(live, method: str, path: str, who: str | None = None, body: bytes | None = None,
         media: str = "application/n-triples", **headers):
    h = dict(headers)
    if who:
        h["Authorization"] = f"Bearer {live.tokens[who]}"
    if body is not None:
        h["Content-Type"] = media
    return request(live.url, method, path, headers=h, body=body)


def document(live, kind: str, key: str, ext: str = "nt") -> tuple[bytes, str]:
    """The document as served, and its ETag."""
    r = request(live.url, "GET", f"/{kind}/{key}.{ext}")
    assert r.status == 200, (kind, key, r.status)
    return r.body, r.headers["ETag"]


def one_key(live, kind: str) -> str:
    for q in live.store.raw.quads_for_pattern(None, None, None, None):
        g = getattr(q.graph_name, "value", "")
        if g.startswith(f"{BASE}/{kind}/"):
            return g.rsplit("/", 1)[-1]
    raise AssertionError(kind)


def edited(body: bytes, kind: str, key: str, text: str) -> bytes:
    """The served document with one description added (a change every shape accepts)."""
    extra = f'<{BASE}/id/{kind}/{key}> <http://purl.org/dc/terms/description> "{text}"@pl .\n'
    if kind == "entity" or kind == "offer":
        extra = f'<{BASE}/id/{kind}/{key}> <https://schema.org/description> "{text}"@en .\n'
        body = b"\n".join(line for line in body.splitlines()
                          if not (line.startswith(f"<{BASE}/id/{kind}/{key}> <https://schema.org/description>".encode())
                                  and line.endswith(b"@en .")))
    return body + b"\n" + extra.encode()


def new_offer(key: str, entity: str) -> bytes:
    return f"""@prefix schema: <https://schema.org/> . @prefix pes: <https://w3id.org/pes-registry/ontology#> .
<offer/{key}> a schema:Offer ; schema:name "Nowa oferta {key}"@pl ; schema:offeredBy <entity/{entity}> ;
  pes:offerCategory <https://w3id.org/pes-registry/vocab/offer-category/gastronomia> ;
  schema:category <https://w3id.org/pes-registry/vocab/cpv/55520000-1> ; pes:priceOnRequest true ;
  schema:description "Opis"@pl .
""".encode()


ACTORS = (None, "editor_a", "editor_b", "admin")


def expected(route: str, actor: str | None) -> int:
    """Who may: 401 anonymous; editors their entity and its offers; administrators everything."""
    if actor is None:
        return 401
    if actor == "admin":
        return 201 if route.startswith("create") else 204 if route.startswith("delete") else 200
    own = {"editor_a": {"replace entity A", "replace offer A", "create offer A", "delete offer A"},
           "editor_b": {"replace entity B", "create offer B"}}
    if route in own[actor]:
        return 201 if route.startswith("create") else 204 if route.startswith("delete") else 200
    return 403


@pytest.mark.parametrize("actor", ACTORS)
def test_role_matrix(live, actor):
    """Every write route, for anonymous, editor of A, editor of B and an administrator."""
    opportunity, action, unit, programme = (one_key(live, k) for k in ("opportunity", "action", "unit", "programme"))
    results = {}
    for kind, key, label in (("entity", A, "replace entity A"), ("entity", B, "replace entity B"),
                             ("offer", A_OFFER, "replace offer A"), ("opportunity", opportunity, "replace opportunity"),
                             ("action", action, "replace action"), ("unit", unit, "replace unit"),
                             ("programme", programme, "replace programme")):
        body, etag = document(live, kind, key)
        r = call(live, "PUT", f"/id/{kind}/{key}", actor, edited(body, kind, key, f"zmiana {actor}"), **{"If-Match": etag})
        results[label] = r.status
    r = call(live, "POST", "/api/offer", actor, new_offer(f"nowa-{(actor or 'anon').replace('_', '-')}", A), "text/turtle")
    results["create offer A"] = r.status
    r = call(live, "POST", "/api/offer", actor, new_offer(f"nowa-b-{(actor or 'anon').replace('_', '-')}", B), "text/turtle")
    results["create offer B"] = r.status
    entity_body, _ = document(live, "entity", B)
    profile = b"\n".join(line for line in entity_body.splitlines()
                         if b"/id/offer/" not in line and f"{BASE}/entity/{B}>".encode() not in line)
    r = call(live, "POST", "/api/entity", actor, profile.replace(f"/id/entity/{B}".encode(), b"/id/entity/nowy-podmiot"))
    results["create entity"] = r.status
    _, etag = document(live, "offer", A_OFFER)
    results["delete offer A"] = call(live, "DELETE", f"/id/offer/{A_OFFER}", actor, **{"If-Match": etag}).status
    _, etag = document(live, "action", action)
    results["delete action"] = call(live, "DELETE", f"/id/action/{action}", actor, **{"If-Match": etag}).status
    want = {route: expected(route, actor) for route in results}
    assert results == want


def test_anonymous_gets_a_bearer_challenge(live):
    body, etag = document(live, "entity", A)
    r = call(live, "PUT", f"/id/entity/{A}", None, body, **{"If-Match": etag})
    assert r.status == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = request(live.url, "PUT", f"/id/entity/{A}", body=body, headers={
        "Authorization": "Bearer not-a-token", "Content-Type": "application/n-triples", "If-Match": etag})
    assert r.status == 401


def test_round_trip_in_every_format_and_the_change_shows(live):
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml"),
                       ("nt", "application/n-triples")):
        body, etag = document(live, "entity", A, ext)
        r = call(live, "PUT", f"/id/entity/{A}", "editor_a", body, media, **{"If-Match": etag})
        assert r.status == 200, (ext, r.text)
        assert json.loads(r.body)["status"] == "unchanged"
    body, etag = document(live, "entity", A)
    r = call(live, "PUT", f"/id/entity/{A}", "editor_a", edited(body, "entity", A, "Round trip ok"), **{"If-Match": etag})
    assert r.status == 200 and json.loads(r.body)["status"] == "replaced"
    new_etag = r.headers["ETag"]
    page = request(live.url, "GET", f"/entity/{A}?lang=en", headers={"Accept": "text/html"})
    assert "Round trip ok" in page.text
    served = request(live.url, "GET", f"/entity/{A}.ttl")
    assert served.headers["ETag"].strip('"').split(".")[0] == new_etag.strip('"')
    sparql = request(live.url, "GET", "/sparql?query=" + __import__("urllib.parse").parse.quote(
        f'ASK {{ <{BASE}/id/entity/{A}> <https://schema.org/description> "Round trip ok"@en }}'),
        headers={"Accept": "application/sparql-results+json"})
    assert json.loads(sparql.body)["boolean"] is True
    # the provenance names the entity, never the person
    assert b"editor_a" not in request(live.url, "GET", "/changes.json").body


def test_if_match_required_and_stale_refused(live):
    body, etag = document(live, "entity", A)
    changed = edited(body, "entity", A, "bez If-Match")
    assert call(live, "PUT", f"/id/entity/{A}", "admin", changed).status == 428
    assert call(live, "PUT", f"/id/entity/{A}", "admin", changed, **{"If-Match": '"stale"'}).status == 412
    assert call(live, "DELETE", f"/id/offer/{A_OFFER}", "admin").status == 428


def test_two_editors_race_one_wins_the_other_gets_412(live):
    body, etag = document(live, "entity", A)
    statuses = []
    barrier = threading.Barrier(2)

    def put(who, text):
        data = edited(body, "entity", A, text)
        barrier.wait()
        statuses.append(call(live, "PUT", f"/id/entity/{A}", who, data, **{"If-Match": etag}).status)

    threads = [threading.Thread(target=put, args=("editor_a", "pierwszy")),
               threading.Thread(target=put, args=("admin", "drugi"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 412]


def test_invalid_write_is_422_with_the_report_and_the_store_unchanged(live):
    body, etag = document(live, "entity", A)
    before = live.store.version()
    bad = body.replace(b'"8793908045"', b'"8793908046"')
    r = call(live, "PUT", f"/id/entity/{A}", "editor_a", bad, **{"If-Match": etag, "Accept-Language": "pl"})
    assert r.status == 422
    report = json.loads(r.body)
    assert report["conforms"] is False and any("NIP" in m for m in report["messages"])
    r = call(live, "PUT", f"/id/entity/{A}", "editor_a", bad, **{"If-Match": etag, "Accept": "text/turtle"})
    assert r.status == 422 and r.media_type == "text/turtle"
    triples = list(ox.parse(r.body, ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == SH + "conforms" and t.object.value == "false" for t in triples)
    assert any(t.predicate.value == SH + "focusNode" for t in triples)
    assert {t.object.language for t in triples if t.predicate.value == SH + "resultMessage"} == {"pl", "en"}
    assert live.store.version() == before
    assert document(live, "entity", A)[1] == etag


def test_bad_bodies_get_clear_errors(live):
    _, etag = document(live, "entity", A)
    r = call(live, "PUT", f"/id/entity/{A}", "admin", b"<a> <b> .", "text/plain", **{"If-Match": etag})
    assert r.status == 415
    r = call(live, "PUT", f"/id/entity/{A}", "admin", b"<a> <b> ", "text/turtle", **{"If-Match": etag})
    assert r.status == 400 and "error" in json.loads(r.body)
    other, _ = document(live, "entity", B)
    r = call(live, "PUT", f"/id/entity/{A}", "admin", other, **{"If-Match": etag})
    assert r.status == 400 and B in json.loads(r.body)["error"]
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "x">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    r = call(live, "PUT", f"/id/entity/{A}", "admin", xxe, "application/rdf+xml", **{"If-Match": etag})
    assert r.status == 400
    r = call(live, "POST", "/api/nonsense", "admin", b"", "text/turtle")
    assert r.status == 404
    r = call(live, "POST", "/api/entity", "admin", document(live, "entity", A)[0])
    assert r.status == 409


def test_withdrawn_resource_is_gone(live):
    action = one_key(live, "action")
    _, etag = document(live, "action", action)
    assert call(live, "DELETE", f"/id/action/{action}", "admin", **{"If-Match": etag}).status == 204
    assert request(live.url, "GET", f"/action/{action}.ttl").status == 410
    assert call(live, "DELETE", f"/id/action/{action}", "admin", **{"If-Match": "*"}).status == 410
    feed = json.loads(request(live.url, "GET", "/changes.json").body)
    assert any(action in json.dumps(item) for item in feed.get("items", feed.get("changes", [])))


def test_created_offer_appears_in_the_public_list(live):
    r = call(live, "POST", "/api/offer", "editor_a", new_offer("pierogi-z-przystani", A), "text/turtle")
    assert r.status == 201 and r.headers["Location"] == "/id/offer/pierogi-z-przystani"
    listing = request(live.url, "GET", "/offers.json?q=pierogi-z-przystani+OR+Nowa")
    assert r.headers["ETag"]
    page = request(live.url, "GET", "/offers?q=Nowa+oferta", headers={"Accept": "text/html"})
    assert "pierogi-z-przystani" in page.text and listing.status == 200


def test_pages_offer_edit_to_those_who_may_and_history_to_all(live):
    opportunity = one_key(live, "opportunity")

    def page(path: str, who: str | None) -> str:
        headers = {"Accept": "text/html"}
        if who:
            headers["Authorization"] = f"Bearer {live.tokens[who]}"
        reply = request(live.url, "GET", path, headers=headers)
        assert reply.status == 200
        return reply.text

    edit_a, edit_offer = f'href="/entity/{A}/edit"', f'href="/offer/{A_OFFER}/edit"'
    assert edit_a in page(f"/entity/{A}", "editor_a") and f'href="/entity/{A}/offers/new"' in page(f"/entity/{A}", "editor_a")
    assert edit_offer in page(f"/offer/{A_OFFER}", "editor_a")
    assert edit_a not in page(f"/entity/{A}", "editor_b") and edit_offer not in page(f"/offer/{A_OFFER}", "editor_b")
    anonymous = page(f"/entity/{A}", None)
    assert edit_a not in anonymous and f'href="/entity/{A}/history"' in anonymous
    assert f'href="/opportunity/{opportunity}/edit"' in page(f"/opportunity/{opportunity}", "admin")
    assert f'href="/opportunity/{opportunity}/edit"' not in page(f"/opportunity/{opportunity}", "editor_a")
    # the edit links lead to the forms, which let the same users in
    for who, status in (("editor_a", 200), ("editor_b", 403)):
        reply = request(live.url, "GET", f"/entity/{A}/edit",
                        headers={"Accept": "text/html", "Authorization": f"Bearer {live.tokens[who]}"})
        assert reply.status == status
