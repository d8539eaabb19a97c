"""The history of documents: versions of replaced and withdrawn documents, their diffs, the
history page, restores by an administrator, tombstones (410 Gone), and that a write which fails
or is killed leaves no version behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from registry.app import close_app, create_app
from registry.config import Settings
from registry.history import History
from registry.ingest import Source, ingest, publisher_iri, withdraw
from registry.store import Store, Write, graph_iri
from registry.system import install
from tests.browser_support import requires_browser
from tests.conftest import BASE, DATA, source

ROOT = Path(__file__).resolve().parent.parent
ENTITY = (DATA / "ingest" / "entity.ttl").read_text()
UNITS = (DATA / "ingest" / "units.ttl").read_text()
CITY = publisher_iri(BASE, "gmina-miasta-torun")
GRAPH = graph_iri(BASE, "entity", "przystan")
AREA = "https://w3id.org/pes-registry/ontology#publicTaskArea"
VOCAB_AREA = "https://w3id.org/pes-registry/vocab/public-task-area/"


def entity(area: str = "2", description: str = "Catering i sprzątanie.") -> Source:
    text = ENTITY.replace("public-task-area:2", f"public-task-area:{area}")
    return Source(name="entity.ttl", data=text.replace("Catering i sprzątanie.", description).encode())


@pytest.fixture
def history(store):
    h = History.attach(store)
    yield h
    h.close()


@pytest.fixture
def three_versions(store, history):
    """przystan written, changed (another public-task area), then withdrawn with a reason."""
    ingest(store, [source("units.ttl"), entity()], agent=CITY)
    ingest(store, [entity(area="3")], agent=CITY)
    withdraw(store, [("entity", "przystan")], agent=CITY, reason="Likwidacja podmiotu")
    return history


def test_replaced_and_withdrawn_documents_are_kept_as_versions(store, three_versions):
    history = three_versions
    versions = history.versions("entity", "przystan")
    assert [(v.number, v.kind, v.current) for v in versions] == [
        (3, "withdrawal", False), (2, "ingest", False), (1, "ingest", False)]
    assert all(v.organisation == CITY and v.organisation_label == "Gmina Miasta Toruń" for v in versions)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v.time) for v in versions)
    assert versions[0].reason == "Likwidacja podmiotu" and versions[0].triples() == []
    diff = History.diff(versions[2], versions[1])
    areas = lambda triples: {t.object.value for t in triples if t.predicate.value == AREA}  # noqa: E731
    assert areas(diff.added) == {VOCAB_AREA + "3"} and areas(diff.removed) == {VOCAB_AREA + "2"}
    assert {t.predicate.value for t in (*diff.added, *diff.removed)} <= {AREA, "http://purl.org/dc/terms/modified"}
    # The withdrawal removed everything version 2 had.
    assert set(History.diff(versions[1], versions[0]).removed) == set(versions[1].triples())
    # Old versions are not in the store: SPARQL's default graph never sees them.
    assert not store.has_graph(GRAPH)
    assert not bool(store.query(f"ASK {{ <{BASE}/id/entity/przystan> ?p ?o }}"))
    gone = history.withdrawal("entity", "przystan")
    assert gone.label == "Spółdzielnia Socjalna „Przystań”" and gone.reason == "Likwidacja podmiotu"
    assert gone.organisation == CITY
    # Written again: a new current version; the old ones stay with their numbers.
    ingest(store, [entity(area="4")], agent=CITY)
    versions = history.versions("entity", "przystan")
    assert [(v.number, v.kind, v.current) for v in versions][:2] == [(4, "ingest", True), (3, "withdrawal", False)]
    assert history.withdrawal("entity", "przystan") is None
    assert areas(versions[0].triples()) == {VOCAB_AREA + "4"}


def test_first_loads_system_graphs_and_other_registries_documents_are_not_versioned(store, history):
    ingest(store, [source("units.ttl"), entity()], agent=CITY)
    other = "http://other.example"
    text = ENTITY.replace("http://127.0.0.1:8000/", other + "/")
    ingest(store, [Source("theirs.ttl", text.encode())], documents_base=other, agent=CITY)
    ingest(store, [Source("theirs.ttl", text.replace("Catering i", "Obiady i").encode())],
           documents_base=other, agent=CITY)
    assert store.has_graph(other + "/entity/przystan")
    install(store)  # the ontology and vocabularies again
    write = Write(marker=f"{BASE}/graph/provenance#test")
    write.put(f"{BASE}/graph/catalog", [ox.Triple(ox.NamedNode(BASE), ox.NamedNode(BASE + "/p"), ox.Literal("x"))])
    store.commit(write)
    assert history.counts()["versions"] == 0
    assert [v.number for v in history.versions("entity", "przystan")] == [1]


def test_a_write_that_fails_after_its_row_was_written_shows_no_version(store, history):
    ingest(store, [source("units.ttl"), entity()], agent=CITY)

    def fail(write, version):
        raise OSError("disk full")

    store.recorders.append(fail)  # runs after the history kept the old content
    with pytest.raises(OSError):
        ingest(store, [entity(area="3")], agent=CITY)
    store.recorders.remove(fail)
    assert history.counts()["versions"] == 1  # the row is there ...
    assert [v.number for v in history.versions("entity", "przystan")] == [1]  # ... but not shown
    assert history.clean() == 1  # and it goes when the history is opened again
    assert history.counts()["versions"] == 0


def test_opened_with_another_base_the_history_deletes_nothing(tmp_path):
    data = tmp_path / "data"
    store = Store(data, BASE)
    install(store)
    history = History.attach(store)
    ingest(store, [source("units.ttl"), entity()], agent=CITY)
    ingest(store, [entity(area="3")], agent=CITY)
    assert history.counts()["versions"] == 1
    history.close()
    store.close()
    del store
    mistaken = Store(data, "http://localhost:9999")  # say, a command run without the right --base
    assert History.attach(mistaken).counts()["versions"] == 1
    mistaken.close()
    del mistaken
    store = Store(data, BASE)
    history = History.attach(store)
    assert [v.number for v in history.versions("entity", "przystan")] == [2, 1]
    history.close()
    store.close()


KILL_SCRIPT = """
import sys
from registry import ingest as ingest_module
from registry import store as store_module
store_module.SMALL_WRITE_BYTES = 10
ingest_module.CHUNK_TRIPLES = 200
from registry.history import History
from registry.ingest import Source, ingest
from registry.store import Store
store = Store(sys.argv[1], sys.argv[2])
History.attach(store)
text = open(sys.argv[3]).read()
print("ready", flush=True)
ingest(store, [Source(name="big.ttl", data=text.encode())])
print("done", flush=True)
"""


def test_a_write_killed_mid_way_leaves_the_old_content_and_no_version(tmp_path):
    from tests.test_ingest import valid_entities

    data = tmp_path / "data"
    store = Store(data, BASE)
    install(store)
    History.attach(store)
    docs = valid_entities(300)
    ingest(store, [Source("first.ttl", "\n".join(docs).encode())])
    before = sorted(str(q) for q in store.quads(f"{BASE}/entity/e1000"))
    store.close()
    del store
    big = tmp_path / "big.ttl"
    big.write_text("\n".join(docs).replace("Catering i sprzątanie.", "Catering, sprzątanie i ogrody."))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(data), BASE, str(big)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "ready"
    pending = data / "journal" / "pending.json"  # the store is being changed: rows are written
    deadline = time.monotonic() + 120
    while not pending.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(data, BASE)
    history = History.attach(store)
    try:
        versions = history.versions("entity", "e1000")
        if proc.returncode == -signal.SIGKILL:
            assert sorted(str(q) for q in store.quads(f"{BASE}/entity/e1000")) == before
            assert [v.number for v in versions] == [1]
            assert history.counts()["versions"] == 0
        else:  # the write finished first: then it is a version like any other
            assert [v.number for v in versions] == [2, 1]
    finally:
        history.close()
        store.close()


# -- the web ----------------------------------------------------------------------------------


@pytest.fixture
def app(store, tmp_path):
    application = create_app(Settings(data_dir=store.path, base=BASE).checked(), store=store)
    yield application
    close_app(application)


def test_the_history_page_lists_versions_with_labelled_diffs(store, app, three_versions):
    client = app.test_client()
    page = client.get("/entity/przystan/history")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for n in (1, 2, 3):
        assert f'id="v{n}"' in html
    assert "Spółdzielnia Socjalna „Przystań”" in html
    assert "wycofanie z rejestru" in html and "Likwidacja podmiotu" in html
    assert "Gmina Miasta Toruń" in html
    # Property and values with their labels: the ontology's and the concepts'.
    assert "sfera zadań publicznych" in html
    assert "<del><a href=\"/vocab/public-task-area/2\">działalność na rzecz integracji" in html
    assert "<ins><a href=\"/vocab/public-task-area/3\">działalność charytatywna</a></ins>" in html
    assert "Przywróć wersję" not in html  # for administrators only

    answer = client.get("/entity/przystan/history.json")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["exists"] is False and body["versionCount"] == 3
    assert [(v["number"], v["kind"]) for v in body["versions"]] == [(3, "withdrawal"), (2, "ingest"), (1, "ingest")]
    v2 = body["versions"][1]
    assert v2["organisation"] == CITY and v2["organisationLabel"] == "Gmina Miasta Toruń"
    assert {s["object"]["value"] for s in v2["added"] if s["predicate"] == AREA} == {VOCAB_AREA + "3"}
    assert client.get("/entity/przystan/history", headers={"Accept": "application/json"}).get_json() == body

    data = client.get("/entity/przystan/history/1.nt")
    assert data.status_code == 200 and data.content_type.startswith("application/n-triples")
    assert len(list(ox.parse(data.data, ox.RdfFormat.N_TRIPLES))) == v2["statements"]
    assert client.get("/entity/przystan/history/3.nt").status_code == 404  # a withdrawal has no content
    assert client.get("/entity/przystan/history/9.ttl").status_code == 404
    assert client.get("/entity/nobody/history").status_code == 404
    assert client.get("/entity/przystan/history?page=9").status_code == 400
    assert client.get("/entity/przystan/history.xml").status_code == 404
    english = client.get("/entity/przystan/history?lang=en").get_data(as_text=True)
    assert "Version 2" in english and "public task area" in english.lower()
    assert "Municipality of Toruń" in english


def test_an_offers_history_is_its_entitys(store, app, history):
    ingest(store, [source("units.ttl"), entity()], agent=CITY)
    answer = app.test_client().get("/offer/przystan-catering/history")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/entity/przystan/history")
    assert app.test_client().get("/offer/nothing/history").status_code == 404


def test_a_withdrawn_resource_answers_410_with_its_tombstone(store, app, three_versions):
    client = app.test_client()
    page = client.get("/entity/przystan")
    assert page.status_code == 410 and page.content_type.startswith("text/html")
    html = page.get_data(as_text=True)
    assert "Spółdzielnia Socjalna „Przystań”" in html and "Likwidacja podmiotu" in html
    assert "Gmina Miasta Toruń" in html and 'href="/entity/przystan/history"' in html
    for path, accept in (("/entity/przystan.ttl", "*/*"), ("/id/entity/przystan", "text/turtle")):
        answer = client.get(path, headers={"Accept": accept})
        assert answer.status_code == 410 and answer.content_type.startswith("text/plain"), path
        assert "/entity/przystan/history" in answer.get_data(as_text=True)
    answer = client.get("/id/entity/przystan", headers={"Accept": "text/html"})
    assert answer.status_code == 410 and "Likwidacja podmiotu" in answer.get_data(as_text=True)
    # Never there: 404, not 410.
    for path in ("/entity/never-was", "/entity/never-was.ttl", "/id/entity/never-was"):
        assert client.get(path).status_code == 404, path
    # The history of a withdrawn resource stays.
    assert client.get("/entity/przystan/history").status_code == 200


# -- restores -------------------------------------------------------------------------------------


@pytest.fixture
def accounts(app):
    from registry.accounts import Accounts

    accounts: Accounts = app.extensions["registry.accounts"]
    admin = accounts.add_user("admin@torun.example", "Anna Urzędniczka", "hasło-administratorki-1", "admin")
    editor = accounts.add_user("redaktor@pes.example", "Piotr Redaktor", "hasło-redaktora-123", "editor")
    accounts.grant(editor.id, "przystan")
    return {"admin": accounts.issue_token(admin.id, "test"), "editor": accounts.issue_token(editor.id, "test")}


def restore(client, path: str, token: str | None):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(path, headers=headers)


def test_an_administrator_restores_a_withdrawn_document(store, app, three_versions, accounts):
    client = app.test_client()
    assert restore(client, "/entity/przystan/history/1/restore", None).status_code == 401
    assert restore(client, "/entity/przystan/history/1/restore", accounts["editor"]).status_code == 403
    assert not store.has_graph(GRAPH)
    assert restore(client, "/entity/przystan/history/3/restore", accounts["admin"]).status_code == 409
    assert restore(client, "/entity/przystan/history/7/restore", accounts["admin"]).status_code == 404

    answer = restore(client, "/entity/przystan/history/1/restore", accounts["admin"])
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["restored"] == 1 and answer.get_json()["changed"] is True
    assert store.has_graph(GRAPH) and client.get("/entity/przystan").status_code == 200
    versions = three_versions.versions("entity", "przystan")
    assert (versions[0].number, versions[0].kind, versions[0].restored_from, versions[0].current) == (4, "restore", 1, True)
    assert versions[0].organisation == CITY  # the organisation, never the person
    diff = History.diff(versions[2], versions[0])  # version 2 against the restored 1
    assert {t.object.value for t in diff.added if t.predicate.value == AREA} == {VOCAB_AREA + "2"}
    page = client.get("/entity/przystan/history").get_data(as_text=True)
    assert "przywrócenie wersji 1" in page
    assert "Urzędniczka" not in page and "admin@torun.example" not in page


def test_a_restore_through_the_browser_form_needs_a_session_and_its_token(store, app, three_versions, accounts):
    client = app.test_client()
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"login": "admin@torun.example", "password": "hasło-administratorki-1",
                                         "csrf_token": token, "next": "/entity/przystan/history"},
                         headers={"Accept": "text/html"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = client.get("/entity/przystan/history", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Przywróć wersję 2" in page and "Przywróć wersję 3" not in page  # not a withdrawal
    form_token = re.search(r'action="/entity/przystan/history/2/restore">\s*<input type="hidden" '
                           r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post("/entity/przystan/history/2/restore", data={}, headers={"Accept": "text/html"})
    assert refused.status_code == 403 and not store.has_graph(GRAPH)
    done = client.post("/entity/przystan/history/2/restore", data={"csrf_token": form_token},
                       headers={"Accept": "text/html"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/entity/przystan/history?restored=2")
    assert store.has_graph(GRAPH)
    shown = client.get(done.headers["Location"], headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Przywrócono wersję 2." in shown and "przywrócenie wersji 2" in shown


def test_a_version_that_no_longer_validates_is_not_restored(store, app, history, accounts):
    """The department's first version names a parent unit that was withdrawn since: 422 with the
    reasons, and nothing changes."""
    ingest(store, [source("units.ttl")], agent=CITY)
    other = UNITS.split("\n\n")[0] + "\n\n" + """
<http://127.0.0.1:8000/id/unit/powiat> a pes:Municipality, rov:RegisteredOrganization, org:FormalOrganization ;
    schema:name "Powiat"@pl ; pes:teryt "0463011" .
<http://127.0.0.1:8000/id/unit/wydzial-zdrowia> a pes:CityUnit, org:OrganizationalUnit ;
    schema:name "Wydział Zdrowia i Polityki Społecznej"@pl ;
    org:unitOf <http://127.0.0.1:8000/id/unit/powiat> .
"""
    ingest(store, [Source("move.ttl", other.encode())], agent=CITY)
    withdraw(store, [("unit", "gmina-miasta-torun")], agent=CITY)
    before = store.version()
    client = app.test_client()
    answer = restore(client, "/unit/wydzial-zdrowia/history/1/restore", accounts["admin"])
    assert answer.status_code == 422
    assert any("gmina-miasta-torun" in m for m in answer.get_json()["messages"])
    assert store.version() == before
    page = client.post("/unit/wydzial-zdrowia/history/1/restore",
                       headers={"Authorization": f"Bearer {accounts['admin']}", "Accept": "text/html"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html and "gmina-miasta-torun" in html
    assert [v.number for v in history.versions("unit", "wydzial-zdrowia")] == [2, 1]


def test_history_json_is_valid_json_for_every_document_of_the_demo(tmp_path):
    """Every document of the demo data set has a history (its current version) that renders."""
    from registry.demo import load_demo

    data = tmp_path / "data"
    store = Store(data, BASE)
    install(store)
    settings = Settings(data_dir=data, base=BASE).checked()
    load_demo(store, settings)
    application = create_app(settings, store=store)
    try:
        client = application.test_client()
        graphs = [g.value for g in store.raw.named_graphs() if g.value.startswith(BASE + "/")
                  and not g.value.startswith(BASE + "/graph/")]
        for g in graphs[:40]:
            path = g[len(BASE):]
            page = client.get(path + "/history")
            assert page.status_code == 200, path
            body = json.loads(client.get(path + "/history.json").data)
            assert body["versions"][0]["current"] is True
    finally:
        close_app(application)
        store.close()


@requires_browser
def test_the_history_and_tombstone_pages_pass_the_accessibility_checks(store, three_versions):
    from tests.browser_support import check_accessibility, chromium, open_page, screenshot
    from tests.http_support import live_server

    ingest(store, [entity(area="4")], agent=CITY)  # back again: a fourth version after the withdrawal
    with live_server(store, BASE) as live, chromium() as browser:
        for path, status in (("/entity/przystan/history", 200), ("/entity/przystan/history?lang=en", 200),
                             ("/unit/wydzial-zdrowia/history", 200)):
            opened = open_page(browser, live.url)
            assert opened.page.goto(live.url + path).status == status, path
            opened.page.locator("details summary").first.click()  # the first version's content too
            violations = check_accessibility(opened.page)
            screenshot(opened.page, "history-" + path)
            assert violations == [], violations
            assert opened.foreign == [] and opened.errors == []
            opened.close()
        withdraw(store, [("entity", "przystan")], agent=CITY, reason="Likwidacja podmiotu")
        opened = open_page(browser, live.url)
        assert opened.page.goto(live.url + "/entity/przystan").status == 410
        violations = check_accessibility(opened.page)
        screenshot(opened.page, "gone-entity-przystan")
        assert violations == [], violations
        opened.close()
