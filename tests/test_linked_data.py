"""Dereferenceable IRIs: 303 by Accept, RDF documents with labels, generic pages, escaping."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import load_demo
from registry.store import Store, Write
from registry.system import install

from .conftest import BASE

ENTITY = "spoldzielnia-socjalna-przystan"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("ld") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    yield app, store
    close_app(app)
    store.close()


@pytest.fixture
def client(demo):
    return demo[0].test_client()


def some(store, cls: str) -> str:
    row = next(iter(store.query(f"SELECT ?x WHERE {{ ?x a <{cls}> }} ORDER BY ?x LIMIT 1")))
    return row["x"].value


@pytest.mark.parametrize("accept, location", [
    ("text/html", "/entity/{key}"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "/entity/{key}"),
    (None, "/entity/{key}"),
    ("text/turtle", "/entity/{key}.ttl"),
    ("application/ld+json", "/entity/{key}.jsonld"),
    ("application/n-triples", "/entity/{key}.nt"),
    ("application/rdf+xml", "/entity/{key}.rdf"),
])
def test_instance_iri_redirects_by_accept(client, demo, accept, location):
    key = some(demo[1], "https://w3id.org/pes-registry/ontology#SocialEconomyEntity").rsplit("/", 1)[1]
    reply = client.get(f"/id/entity/{key}", headers={"Accept": accept} if accept else {})
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(location.format(key=key))
    assert "Accept" in reply.headers["Vary"]


def test_unknown_iris_are_404(client):
    assert client.get("/id/entity/no-such-entity").status_code == 404
    assert client.get("/id/spaceship/x").status_code == 404
    assert client.get("/entity/no-such-entity.ttl").status_code == 404
    assert client.get("/entity/no-such-entity").status_code == 404
    assert client.get("/id/entity/UPPER").status_code == 404


@pytest.mark.parametrize("ext, fmt", [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                      ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_documents_hold_the_graph_labels_and_a_link_back(client, demo, ext, fmt):
    store = demo[1]
    iri = some(store, "https://w3id.org/pes-registry/ontology#SocialEconomyEntity")
    key = iri.rsplit("/", 1)[1]
    reply = client.get(f"/entity/{key}.{ext}")
    assert reply.status_code == 200
    assert reply.mimetype == fmt.media_type
    got = {str(q.subject) + " " + str(q.predicate) + " " + str(q.object) for q in ox.parse(reply.data, fmt)}
    graph = f"{BASE}/entity/{key}"
    own = {str(q.subject) + " " + str(q.predicate) + " " + str(q.object) for q in store.quads(graph)}
    assert own <= got
    # The label of its legal form, from the concept scheme.
    form = next(q.object for q in store.quads(graph) if q.predicate.value == "http://www.w3.org/ns/regorg#orgType")
    assert any(s.startswith(f"{form} <http://www.w3.org/2004/02/skos/core#prefLabel>") for s in got)
    assert f"<{graph}> <http://xmlns.com/foaf/0.1/primaryTopic> <{iri}>" in got


def test_offer_document_is_its_part_of_the_entity(client, demo):
    store = demo[1]
    offer = some(store, "https://schema.org/Offer")
    key = offer.rsplit("/", 1)[1]
    assert client.get(f"/id/offer/{key}", headers={"Accept": "text/turtle"}).headers["Location"].endswith(
        f"/offer/{key}.ttl")
    triples = list(ox.parse(client.get(f"/offer/{key}.nt").data, ox.RdfFormat.N_TRIPLES))
    subjects = {t.subject.value for t in triples if t.predicate.value != "https://schema.org/name"
                and not t.subject.value.startswith(f"{BASE}/offer/")}
    assert all(s == offer or s.startswith(offer + "#") or s.startswith("https://w3id.org/") or "/id/" in s
               for s in subjects)
    assert any(t.subject.value == offer and t.predicate.value == "https://schema.org/offeredBy" for t in triples)


def test_generic_page_in_both_languages(client, demo):
    store = demo[1]
    iri = some(store, "https://w3id.org/pes-registry/ontology#SocialEconomyEntity")
    key = iri.rsplit("/", 1)[1]
    name = next(q.object.value for q in store.quads(f"{BASE}/entity/{key}")
                if q.subject.value == iri and q.predicate.value == "https://schema.org/name")
    page = client.get(f"/entity/{key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<h1>{name}</h1>" in html.replace("&#34;", '"').replace("&#39;", "'") or name in html
    assert f'<link rel="alternate" type="text/turtle" href="/entity/{key}.ttl">' in html
    english = client.get(f"/entity/{key}?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english


def test_etag_on_documents(client, demo):
    iri = some(demo[1], "https://w3id.org/pes-registry/ontology#SocialEconomyEntity")
    key = iri.rsplit("/", 1)[1]
    first = client.get(f"/entity/{key}.ttl")
    assert client.get(f"/entity/{key}.ttl", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_literals_are_escaped(tmp_path):
    store = Store(tmp_path / "data", BASE)
    install(store)
    evil = '<script>alert(1)</script>'
    iri = ox.NamedNode(f"{BASE}/id/entity/evil")
    write = Write()
    write.put(f"{BASE}/entity/evil", [
        ox.Triple(iri, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode("https://w3id.org/pes-registry/ontology#SocialEconomyEntity")),
        ox.Triple(iri, ox.NamedNode("https://schema.org/name"), ox.Literal(evil, language="pl")),
        ox.Triple(iri, ox.NamedNode("https://schema.org/description"), ox.Literal(evil)),
        ox.Triple(iri, ox.NamedNode("https://schema.org/url"), ox.NamedNode('http://x.example/?q=%22%3E%3Cscript%3E&a=1')),
    ])
    store.commit(write)
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    try:
        html = app.test_client().get("/entity/evil").get_data(as_text=True)
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    finally:
        close_app(app)
        store.close()
