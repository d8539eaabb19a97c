"""The one-document write side (registry.editing): tags, If-Match, targets, offers, races,
withdrawals and the organisation in the provenance, over a real store holding the demo data."""

from __future__ import annotations

import shutil
import threading

import pyoxigraph as ox
import pytest

from registry.config import Settings
from registry.demo import load_demo
from registry.editing import (
    AlreadyExists,
    Conflict,
    Editor,
    Gone,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    document_tag,
    matches,
    withdrawn,
)
from registry.errors import InputError, ValidationFailed
from registry.store import Store
from registry.system import install

BASE = "http://127.0.0.1:8000"
ENTITY = "spoldzielnia-socjalna-przystan"
OFFER = "przystan-catering"
TTL = ox.RdfFormat.TURTLE
NT = ox.RdfFormat.N_TRIPLES
PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editing-demo") / "data"
    store = Store(folder, BASE)
    install(store)
    load_demo(store, Settings(data_dir=folder, base=BASE))
    store.close()
    return folder


@pytest.fixture
def editor(demo_folder, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder)
    store = Store(folder, BASE)
    yield Editor(store, Settings(data_dir=folder, base=BASE))
    store.close()


def graph_nt(store: Store, graph: str) -> bytes:
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)],
                        format=NT)


def entity_doc(store: Store, key: str = ENTITY) -> bytes:
    return graph_nt(store, f"{BASE}/entity/{key}")


def replace_name(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode())


def test_tag_changes_with_the_document_only(editor):
    store = editor.store
    tag = editor.etag("entity", ENTITY)
    other = editor.etag("entity", "cis-most")
    assert tag and other and tag != other
    assert editor.etag("offer", OFFER) and editor.etag("offer", OFFER) != tag
    data = replace_name(entity_doc(store), "Catering na spotkania i konferencje", "Catering i konferencje")
    result = editor.save("entity", ENTITY, data, NT, organisation=f"{BASE}/id/unit/gmina-miasta-torun",
                         if_match=f'"{tag}"')
    assert result.etag != tag and result.etag == editor.etag("entity", ENTITY)
    assert editor.etag("entity", "cis-most") == other  # another document keeps its tag
    assert editor.etag("entity", "no-such-entity") is None
    assert document_tag(store, "offer", "no-such-offer") is None


def test_if_match_forms():
    assert matches('"abc"', "abc") and matches('W/"abc"', "abc") and matches('"abc.123"', "abc")
    assert matches('"x", "abc.9"', "abc") and matches("*", "abc")
    assert not matches('"abd"', "abc") and not matches('"abc"', None) and not matches("", "abc")


def test_stale_if_match_is_refused_and_changes_nothing(editor):
    store = editor.store
    before = entity_doc(store)
    version = store.version()
    data = replace_name(before, "Catering na spotkania i konferencje", "Zmienione")
    with pytest.raises(PreconditionFailed) as e:
        editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org", if_match='"0000"')
    assert e.value.current == editor.etag("entity", ENTITY)
    with pytest.raises(PreconditionRequired):
        editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org", require_match=True)
    assert entity_doc(store) == before and store.version() == version


def test_two_editors_racing_exactly_one_wins(editor):
    store = editor.store
    tag = editor.etag("entity", ENTITY)
    original = entity_doc(store)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def edit(text: str):
        data = replace_name(original, "Catering na spotkania i konferencje", text)
        barrier.wait()
        try:
            editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org", if_match=f'"{tag}"')
            outcomes.append("won:" + text)
        except PreconditionFailed:
            outcomes.append("412")

    threads = [threading.Thread(target=edit, args=(f"Wersja {i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[:4] for o in outcomes) == ["412", "won:"]
    winner = next(o[4:] for o in outcomes if o.startswith("won:"))
    assert winner.encode() in entity_doc(store)


def test_invalid_write_is_refused_and_changes_nothing(editor):
    store = editor.store
    before, version = entity_doc(store), store.version()
    # a NIP with a wrong checksum: the shapes refuse it
    data = before.replace(b'"8793908045"', b'"8793908046"')
    with pytest.raises(ValidationFailed) as e:
        editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org")
    assert any("NIP" in m for r in e.value.reports for m in r.messages("pl"))
    assert entity_doc(store) == before and store.version() == version
    report = editor.validate("entity", ENTITY, data, NT)
    assert any(d.rejected for d in report.documents)
    assert store.version() == version


def test_body_must_describe_the_target_only(editor):
    store = editor.store
    version = store.version()
    other = entity_doc(store, "cis-most")
    with pytest.raises(InputError, match="other than"):
        editor.save("entity", ENTITY, other, NT, organisation="https://example.org/org")
    both = entity_doc(store) + other
    with pytest.raises(InputError, match="other than"):
        editor.save("entity", ENTITY, both, NT, organisation="https://example.org/org")
    with pytest.raises(InputError):
        editor.save("entity", ENTITY, b"<a> <b> ", TTL, organisation="https://example.org/org")
    with pytest.raises(InputError, match="empty"):
        editor.save("entity", ENTITY, b"", TTL, organisation="https://example.org/org")
    assert store.version() == version


def test_profile_edit_keeps_the_offers_and_offer_edit_keeps_the_profile(editor):
    store = editor.store
    graph = f"{BASE}/entity/{ENTITY}"
    profile = [q for q in store.quads(graph) if "/id/offer/" not in q.subject.value
               and q.predicate.value != "https://schema.org/makesOffer"]
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in profile], format=NT)
    data = replace_name(data, "Catering na spotkania i konferencje", "Nowy opis")
    editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org")
    text = entity_doc(store)
    assert b"Nowy opis" in text and b"Catering na spotkania do 200 os" in text
    assert text.count(b"<https://schema.org/makesOffer>") == 3

    offer = f"""@prefix schema: <https://schema.org/> . @prefix pes: <https://w3id.org/pes-registry/ontology#> .
<offer/{OFFER}> a schema:Offer ; schema:name "Catering do 300 osób"@pl ;
  schema:offeredBy <entity/{ENTITY}> ;
  pes:offerCategory <https://w3id.org/pes-registry/vocab/offer-category/gastronomia> ;
  schema:category <https://w3id.org/pes-registry/vocab/cpv/55520000-1> ; pes:priceOnRequest true .
""".encode()
    tag = editor.etag("offer", OFFER)
    result = editor.save("offer", OFFER, offer, TTL, organisation="https://example.org/org", if_match=tag)
    assert not result.created
    text = entity_doc(store)
    assert "Catering do 300 osób".encode() in text and b"Nowy opis" in text
    assert b"Catering na spotkania do 200" not in text


def test_offer_create_and_no_move_to_another_entity(editor):
    store = editor.store
    new = f"""@prefix schema: <https://schema.org/> . @prefix pes: <https://w3id.org/pes-registry/ontology#> .
<offer/przystan-pierogi> a schema:Offer ; schema:name "Pierogi na zamówienie"@pl ;
  schema:offeredBy <entity/{ENTITY}> ;
  pes:offerCategory <https://w3id.org/pes-registry/vocab/offer-category/gastronomia> ;
  schema:category <https://w3id.org/pes-registry/vocab/cpv/55520000-1> ; pes:priceOnRequest true .
""".encode()
    result = editor.save("offer", "przystan-pierogi", new, TTL, organisation="https://example.org/org", create=True)
    assert result.created and editor.offer_entity("przystan-pierogi") == ENTITY
    with pytest.raises(AlreadyExists):
        editor.save("offer", "przystan-pierogi", new, TTL, organisation="https://example.org/org", create=True)
    moved = new.replace(f"<entity/{ENTITY}>".encode(), b"<entity/cis-most>")
    with pytest.raises(InputError, match="cannot move"):
        editor.save("offer", "przystan-pierogi", moved, TTL, organisation="https://example.org/org")
    assert editor.offer_entity("przystan-pierogi") == ENTITY
    assert b"przystan-pierogi" not in entity_doc(store, "cis-most")


def test_withdraw_offer_and_documents(editor):
    store = editor.store
    editor.withdraw("offer", OFFER, organisation="https://example.org/org")
    assert editor.offer_entity(OFFER) is None
    text = entity_doc(store)
    assert f"/id/offer/{OFFER}>".encode() not in text and b"przystan-sprzatanie-biur" in text
    with pytest.raises(NotFound):
        editor.withdraw("offer", OFFER, organisation="https://example.org/org")
    # an entity others link to (cooperation actions name it as a partner) stays
    with pytest.raises(Conflict, match="still linked"):
        editor.withdraw("entity", ENTITY, organisation="https://example.org/org")
    # an action nobody links to goes; its resource is then gone, not unknown
    action = next(q.graph_name.value.rsplit("/", 1)[-1] for q in store.raw.quads_for_pattern(
        None, None, None, None) if "/action/" in getattr(q.graph_name, "value", ""))
    with pytest.raises(PreconditionFailed):
        editor.withdraw("action", action, organisation="https://example.org/org", if_match='"nope"')
    editor.withdraw("action", action, organisation="https://example.org/org", reason="duplikat")
    assert withdrawn(store, "action", action)
    with pytest.raises(Gone):
        editor.withdraw("action", action, organisation="https://example.org/org")
    with pytest.raises(Gone):
        editor.save("action", action, f"<action/{action}> a <https://example.org/T> .".encode(), TTL,
                    organisation="https://example.org/org", create=False)


def test_provenance_names_the_organisation(editor):
    store = editor.store

    class Editor_:
        is_admin = False
        entities = frozenset({ENTITY})

    class Admin:
        is_admin = True
        entities = frozenset()

    org = editor.organisation_for(Editor_(), "entity", ENTITY)
    assert org == f"{BASE}/id/entity/{ENTITY}"
    assert editor.organisation_for(Admin()) == f"{BASE}/id/unit/gmina-miasta-torun"
    assert editor.organisation_for(Editor_(), "offer", OFFER) == org
    data = replace_name(entity_doc(store), "Catering na spotkania i konferencje", "Opis od podmiotu")
    result = editor.save("entity", ENTITY, data, NT, organisation=org)
    activity = result.report.activity
    rows = list(store.query(f"SELECT ?who WHERE {{ <{activity}> <{PROV}wasAssociatedWith> ?who }}"))
    assert [r["who"].value for r in rows] == [org]


def test_unchanged_write_is_no_new_version(editor):
    store = editor.store
    version = store.version()
    result = editor.save("entity", ENTITY, entity_doc(store), NT, organisation="https://example.org/org")
    assert [d.status for d in result.report.documents] == ["unchanged"]
    assert store.version() == version


def test_a_restore_writes_the_entity_exactly_offers_or_none(editor):
    store = editor.store
    graph = f"{BASE}/entity/{ENTITY}"
    profile = [q for q in store.quads(graph) if "/id/offer/" not in q.subject.value
               and q.predicate.value != "https://schema.org/makesOffer"]
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in profile], format=NT)
    editor.save("entity", ENTITY, data, NT, organisation="https://example.org/org", keep_offers=False)
    assert editor.offer_entity(OFFER) is None
    assert b"/id/offer/" not in entity_doc(store)


def test_a_new_offer_is_recorded_as_its_own_entitys(editor):
    class TwoEntities:
        is_admin = False
        entities = frozenset({"aaa-first", ENTITY})

    body = f"""@prefix schema: <https://schema.org/> .
<offer/nowa> a schema:Offer ; schema:offeredBy <entity/{ENTITY}> .""".encode()
    triples = editor.parse("offer", body, TTL)
    assert editor.organisation_for(TwoEntities(), "offer", "nowa", triples) == f"{BASE}/id/entity/{ENTITY}"
    assert editor.organisation_for(TwoEntities(), "offer", "nowa") == f"{BASE}/id/entity/aaa-first"
