"""Harvesting another registry through its DCAT catalogue, against a real HTTP server that serves
a catalogue and its dump (the two-registry test with running registries is in
``test_federation.py``)."""

from __future__ import annotations

import gzip
import http.server
import threading
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from registry.demo import demo_documents
from registry.errors import InputError, UsageError
from registry.harvest import harvest
from registry.ingest import ingest
from registry.store import graph_iri
from registry.system import install

from .conftest import BASE, source

OTHER = "http://127.0.0.1:9"  # the harvested registry's base (its IRIs; never contacted)


class Files(http.server.BaseHTTPRequestHandler):
    files: dict[str, tuple[bytes, str]] = {}

    def do_GET(self):  # noqa: N802
        found = self.files.get(self.path)
        if found is None:
            self.send_error(404)
            return
        body, media = found
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(files: dict[str, tuple[bytes, str]]):
    handler = type("Handler", (Files,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def catalog(url: str, dump: str, media: str = "application/n-quads") -> bytes:
    return f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<{url}/catalog> a dcat:Catalog ; dct:title "Rejestr B"@pl ; dcat:dataset <{url}/catalog#all> .
<{url}/catalog#all> a dcat:Dataset ; dct:title "Wszystko"@pl ; dcat:distribution <{url}/catalog#nq> .
<{url}/catalog#nq> a dcat:Distribution ; dcat:downloadURL <{url}{dump}> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/{media}> .
""".encode()


def dump(documents, extra: list[ox.Quad] = ()) -> bytes:
    quads = []
    for doc in documents:
        first = doc[0].subject.value
        kind, key = first[len(OTHER) + 4:].split("/", 1)
        g = ox.NamedNode(graph_iri(OTHER, kind, key.split("#")[0]))
        quads += [ox.Quad(t.subject, t.predicate, t.object, g) for t in doc]
    # a provenance graph and a vocabulary statement, which a harvest leaves out
    quads.append(ox.Quad(ox.NamedNode(f"{OTHER}/graph/provenance#x"), ox.NamedNode("http://www.w3.org/ns/prov#generated"),
                         ox.NamedNode(f"{OTHER}/entity/x"), ox.NamedNode(f"{OTHER}/graph/provenance")))
    quads += list(extra)
    return gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))


@pytest.fixture
def local(store):
    install(store)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    return store


def _documents(kinds=("unit", "entity")):
    return [d for d in demo_documents(OTHER)
            if d[0].subject.value.split("/id/")[1].split("/")[0] in kinds]


def test_harvest_stores_the_sources_documents_beside_local_data(local):
    before = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
              if g.value.startswith(BASE + "/entity/")}
    docs = _documents()
    with serving({}) as url:
        Files.files = {}
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/dumps/registry.nq.gz"), "text/turtle")
        files["/dumps/registry.nq.gz"] = (dump(docs), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.source_base == OTHER
    assert report.summary()["created"] == len(docs) and report.summary()["rejected"] == 0
    for d in docs:
        kind, key = d[0].subject.value[len(OTHER) + 4:].split("/")
        assert local.has_graph(graph_iri(OTHER, kind, key))
    assert not local.has_graph(f"{OTHER}/graph/provenance")
    after = {g: len(local.quads(g)) for g in before}
    assert after == before  # local documents untouched
    # the source is recorded
    sources = {r["s"].value for r in local.query(
        "SELECT ?s WHERE { ?a <http://www.w3.org/ns/prov#used>/<http://purl.org/dc/terms/source> ?s }")}
    assert any(s.endswith("/dumps/registry.nq.gz") for s in sources)


def test_a_reharvest_replaces_exactly_the_sources_part(local):
    docs = _documents()
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(docs), "application/gzip")
        harvest(local, url + "/catalog")
        local_before = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
                        if g.value.startswith(BASE + "/")}
        # the source drops one entity and renames another
        entities = [d for d in docs if "/id/entity/" in d[0].subject.value]
        dropped, renamed = entities[0], entities[1]
        name = ox.NamedNode("https://schema.org/name")
        renamed = [ox.Triple(t.subject, t.predicate, ox.Literal("Nowa nazwa", language="pl"))
                   if t.predicate == name and t.subject == renamed[0].subject else t for t in renamed]
        changed = [renamed if d is entities[1] else d for d in docs if d is not dropped]
        files["/d.nq.gz"] = (dump(changed), "application/gzip")
        report = harvest(local, url + "/catalog")
    dropped_key = dropped[0].subject.value.rsplit("/", 1)[1]
    assert report.withdrawn == [graph_iri(OTHER, "entity", dropped_key)]
    assert not local.has_graph(graph_iri(OTHER, "entity", dropped_key))
    assert report.summary()["replaced"] == 1
    names = {q.object.value for q in local.raw.quads_for_pattern(renamed[0].subject, name, None, None)}
    assert names == {"Nowa nazwa"}
    local_after = {g.value: len(local.quads(g.value)) for g in local.raw.named_graphs()
                   if g.value.startswith(BASE + "/") and not g.value.startswith(BASE + "/graph/")}
    assert local_after == {g: n for g, n in local_before.items() if not g.startswith(BASE + "/graph/")}


def test_invalid_documents_are_reported_and_the_rest_stored(local):
    docs = _documents(("unit",))
    bad = ox.NamedNode(f"{OTHER}/id/entity/bez-nazwy")  # an entity without a name or legal form
    broken = [ox.Quad(bad, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/pes-registry/ontology#SocialEconomyEntity"),
                      ox.NamedNode(f"{OTHER}/entity/bez-nazwy"))]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(docs, broken), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.summary()["rejected"] == 1 and report.summary()["created"] == len(docs)
    assert not local.has_graph(f"{OTHER}/entity/bez-nazwy")


@pytest.mark.parametrize("case", ["unreachable", "not-rdf", "no-download", "broken-dump", "missing-dump"])
def test_a_failed_harvest_changes_nothing(local, case):
    version = local.version()
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (dump(_documents()), "application/gzip")
        target = url + "/catalog"
        if case == "unreachable":
            target = "http://127.0.0.1:9/catalog"
        elif case == "not-rdf":
            files["/catalog"] = (b"<html>hello</html>", "text/html")
        elif case == "no-download":
            files["/catalog"] = (b"<x:a> <x:b> <x:c> .", "text/turtle")
        elif case == "broken-dump":
            files["/d.nq.gz"] = (gzip.compress(b"<a> <b> this is not n-quads"), "application/gzip")
        elif case == "missing-dump":
            del files["/d.nq.gz"]
        with pytest.raises(InputError) as info:
            harvest(local, target, timeout=5)
    assert str(info.value).startswith(("http://127.0.0.1", "x:")) or "http" in str(info.value)
    assert local.version() == version


def test_a_registry_does_not_harvest_itself(local):
    own = [d for d in demo_documents(BASE) if "/id/unit/" in d[0].subject.value]
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASE + "/unit/x")) for d in own for t in d]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)), "application/gzip")
        version = local.version()
        with pytest.raises(UsageError, match="own catalogue"):
            harvest(local, url + "/catalog")
    assert local.version() == version


def test_entities_known_in_both_registries_are_linked(local):
    """The harvested copy of a local entity (the same NIP) is linked with owl:sameAs, and the
    named query lists the pair."""
    from registry import queries

    mine = next(iter(local.query(
        "SELECT ?e ?n WHERE { ?e <http://www.w3.org/ns/adms#identifier> ?i . "
        "?i <http://purl.org/dc/terms/type> <https://w3id.org/pes-registry/vocab/identifier-type/nip> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?n }")))
    nip = mine["n"].value
    twin = f"{OTHER}/id/entity/kopia"
    doc = [
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/pes-registry/ontology#SocialEconomyEntity"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/regorg#RegisteredOrganization"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://schema.org/Organization"),
        (twin, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://purl.org/essglobal/vocab/SSEInitiative"),
        (twin, "http://www.w3.org/ns/regorg#orgType", "https://w3id.org/pes-registry/vocab/legal-form/spoldzielnia-socjalna"),
        (twin, "http://www.w3.org/ns/adms#identifier", twin + "#nip"),
        (twin + "#nip", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/adms#Identifier"),
        (twin + "#nip", "http://purl.org/dc/terms/type", "https://w3id.org/pes-registry/vocab/identifier-type/nip"),
    ]
    g = ox.NamedNode(f"{OTHER}/entity/kopia")
    quads = [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), g) for s, p, o in doc]
    quads += [ox.Quad(ox.NamedNode(twin), ox.NamedNode("https://schema.org/name"), ox.Literal("Kopia w innym rejestrze", language="pl"), g),
              ox.Quad(ox.NamedNode(twin + "#nip"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation"), ox.Literal(nip), g),
              ox.Quad(ox.NamedNode(twin), ox.NamedNode("https://schema.org/taxID"), ox.Literal(nip), g)]
    files = {}
    with serving(files) as url:
        files["/catalog"] = (catalog(url, "/d.nq.gz"), "text/turtle")
        files["/d.nq.gz"] = (gzip.compress(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)), "application/gzip")
        report = harvest(local, url + "/catalog")
    assert report.summary()["rejected"] == 0, report.ingest.documents
    assert report.same_as == 1
    rows = list(queries.get("entities_in_several_registries").run(local, {}))
    assert len(rows) == 1
    pair = {rows[0]["entity"].value, rows[0]["other"].value}
    assert pair == {mine["e"].value, twin}
    assert rows[0]["notation"].value == nip
    # the local entity can still be withdrawn (the links graph is not a document), and its
    # links go with it
    from registry.ingest import withdraw

    key = mine["e"].value.rsplit("/", 1)[1]
    withdraw(local, [("entity", key)])
    assert list(queries.get("entities_in_several_registries").run(local, {})) == []
