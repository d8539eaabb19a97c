"""The change feed and conditional requests: a harvester fetches only what changed."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pytest

from registry.app import create_app
from registry.changes import ChangeLog
from registry.config import Settings
from registry.errors import UsageError
from registry.ingest import ingest, withdraw
from registry.store import graph_iri

from .conftest import BASE, source

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _entity(key: str, name: str) -> str:
    return f"""
@prefix pes: <https://w3id.org/pes-registry/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix rov: <http://www.w3.org/ns/regorg#> .
@prefix essglobal: <http://purl.org/essglobal/vocab/> .
<{BASE}/id/entity/{key}> a pes:SocialEconomyEntity, rov:RegisteredOrganization, schema:Organization,
        essglobal:SSEInitiative ;
    schema:name {json.dumps(name)}@pl ;
    rov:orgType <https://w3id.org/pes-registry/vocab/legal-form/fundacja> .
"""


@pytest.fixture
def client(store):
    from registry.system import install

    install(store)
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    return app.test_client()


def test_created_changed_withdrawn_in_order(store, client):
    ingest(store, [source("a.ttl", _entity("fundacja-a", "Fundacja A"))])
    ingest(store, [source("b.ttl", _entity("fundacja-b", "Fundacja B"))])
    time.sleep(1.1)  # times have one-second resolution
    ingest(store, [source("a2.ttl", _entity("fundacja-a", "Fundacja A, nowa nazwa"))])
    withdraw(store, [("entity", "fundacja-b")], reason="rozwiązana")
    body = client.get("/changes.json").json
    seen = [(c["change"], c["resource"].rsplit("/", 1)[-1]) for c in body["changes"]
            if "/entity/" in c["resource"]]
    assert seen[:2] == [("withdrawn", "fundacja-b"), ("changed", "fundacja-a")] or \
        seen[:2] == [("changed", "fundacja-a"), ("withdrawn", "fundacja-b")]
    assert ("created", "fundacja-a") in seen and ("created", "fundacja-b") in seen
    assert not store.has_graph(graph_iri(BASE, "entity", "fundacja-b"))
    # the withdrawn entity leaves the lists too
    assert [i["key"] for i in client.get("/entities.json").json["items"]] == ["fundacja-a"]


def test_since_and_pages(store, client):
    ingest(store, [source("a.ttl", _entity("fundacja-a", "Fundacja A"))])
    first = client.get("/changes.json").json["changes"][0]["time"]
    time.sleep(1.1)
    ingest(store, [source("c.ttl", _entity("fundacja-c", "Fundacja C"))])
    later = client.get("/changes.json", query_string={"since": first}).json
    assert [c["resource"].rsplit("/", 1)[-1] for c in later["changes"]] == ["fundacja-c"]
    everything = client.get("/changes.json?per=1").json
    assert everything["total"] >= 2 and "next" in everything["links"]
    second = client.get(everything["links"]["next"].replace(BASE, "")).json
    assert second["changes"][0] != everything["changes"][0]


def test_atom_feed_is_paged_atom(store, client):
    for n in range(3):
        ingest(store, [source(f"{n}.ttl", _entity(f"fundacja-{n}", f"Fundacja {n}"))])
    answer = client.get("/changes", headers={"Accept": "application/atom+xml"})
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.data)
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) >= 3
    assert all(e.find("a:category", ATOM).get("term") in ("created", "changed") for e in entries)
    paged = ET.fromstring(client.get("/changes.atom?per=2").data)
    rels = {link.get("rel") for link in paged.findall("a:link", ATOM)}
    assert {"self", "first", "last", "next"} <= rels
    assert client.get("/changes", headers={"Accept": "application/json"}).json["total"] >= 3


@pytest.mark.parametrize("query", ["since=yesterday", "since=2026-13-01", "page=0", "per=5000", "page=x"])
def test_bad_parameters(client, query):
    answer = client.get(f"/changes.json?{query}", headers={"Accept": "text/html"})
    assert answer.status_code == 400 and "Traceback" not in answer.get_data(as_text=True)


def test_documents_answer_conditional_requests(store, client):
    ingest(store, [source("a.ttl", _entity("fundacja-a", "Fundacja A"))])
    first = client.get("/entity/fundacja-a.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/entity/fundacja-a.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/entity/fundacja-a.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    # a write elsewhere changes neither
    ingest(store, [source("b.ttl", _entity("fundacja-b", "Fundacja B"))])
    again = client.get("/entity/fundacja-a.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # a write of the document changes both
    time.sleep(1.1)
    ingest(store, [source("a2.ttl", _entity("fundacja-a", "Fundacja A2"))])
    changed = client.get("/entity/fundacja-a.ttl", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get("/entity/fundacja-a.ttl", headers={"If-Modified-Since": modified}).status_code == 200


def test_withdraw_refuses_what_others_link_to_and_changes_nothing(store):
    from registry.system import install

    install(store)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    version = store.version()
    with pytest.raises(UsageError, match="still linked"):
        withdraw(store, [("unit", "gmina-miasta-torun")])
    with pytest.raises(UsageError, match="no such document"):
        withdraw(store, [("entity", "nie-ma-takiej")])
    with pytest.raises(UsageError):
        withdraw(store, [("offer", "przystan-catering")])
    assert store.version() == version


def test_withdraw_from_the_command_line(tmp_path, capsys, monkeypatch):
    from registry.cli import main

    monkeypatch.setenv("REGISTRY_BASE", BASE)
    data = tmp_path / "data"
    path = tmp_path / "a.ttl"
    path.write_text(_entity("fundacja-a", "Fundacja A"))
    assert main(["--data", str(data), "init"]) == 0
    assert main(["--data", str(data), "load", str(path)]) == 0
    assert main(["--data", str(data), "withdraw", "entity/fundacja-a", "--reason", "test"]) == 0
    assert "1 document(s) withdrawn" in capsys.readouterr().out
    assert main(["--data", str(data), "withdraw", "entity/fundacja-a"]) == 2
    assert "no such document" in capsys.readouterr().err


def test_the_log_is_read_once_per_store_version(store):
    from registry.system import install

    install(store)
    ingest(store, [source("a.ttl", _entity("fundacja-a", "Fundacja A"))])
    log = ChangeLog(store)
    first = log.events()
    assert log.events() is first
    ingest(store, [source("b.ttl", _entity("fundacja-b", "Fundacja B"))])
    assert log.events() is not first and len(log.events()) == len(first) + 1
