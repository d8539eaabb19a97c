"""Pages and documents of the shared vocabulary: /ontology (pyLODE), /vocab, its schemes and
concepts; content negotiation, usage counts against the demo data, anchors, JSON-LD, 404s."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import load_demo
from registry.store import Store
from registry.system import install, system_quads
from registry.web import vocab

from .conftest import BASE

SKOS = "http://www.w3.org/2004/02/skos/core#"
PES = "https://w3id.org/pes-registry/ontology#"
VOCAB = "https://w3id.org/pes-registry/vocab/"
HTML = {"Accept": "text/html"}

# (scheme, key, property, kind) whose use in the demo data is counted on the concept's page
COUNTED = [
    ("legal-form", "spoldzielnia-socjalna", "http://www.w3.org/ns/regorg#orgType", "entity"),
    ("cpv", "55520000-1", "https://schema.org/category", "offer"),
    ("cpv", "55520000-1", "https://schema.org/category", "opportunity"),
    ("status-type", "przedsiebiorstwo-spoleczne", PES + "statusType", "entity"),
    ("city-part", "bielany", PES + "cityPart", "entity"),
    ("public-task-area", "10", PES + "publicTaskArea", "opportunity"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("vocab") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    yield app, store
    close_app(app)
    store.close()


@pytest.fixture
def client(demo):
    return demo[0].test_client()


def text(reply) -> str:
    return reply.get_data(as_text=True)


def json_ld_blocks(page: str) -> list:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)]


def usage_counts(page: str) -> dict[tuple[str, str], int]:
    """(property, kind) -> count, read from the usage table of a concept page."""
    rows = re.findall(r'<tr data-property="([^"]+)" data-kind="([^"]+)">(.*?)</tr>', page, flags=re.S)
    return {(p, k): int(re.search(r'data-count="(\d+)"', row).group(1)) for p, k, row in rows}


def expected_count(store, concept: str, prop: str, kind: str) -> int:
    """Instances of a kind that point at the concept, a statement about a fragment counting for
    its resource: counted by SPARQL, independently of the page."""
    query = f"""
        SELECT (COUNT(DISTINCT ?resource) AS ?n) WHERE {{
          ?s <{prop}> <{concept}> .
          FILTER(STRSTARTS(STR(?s), "{BASE}/id/{kind}/"))
          BIND(IF(CONTAINS(STR(?s), "#"), STRBEFORE(STR(?s), "#"), STR(?s)) AS ?resource)
        }}"""
    return int(next(iter(store.query(query)))["n"].value)


# -- /vocab ------------------------------------------------------------------------------------


def test_index_lists_every_scheme_with_labels_and_counts(client):
    reply = client.get("/vocab", headers=HTML)
    assert reply.status_code == 200 and reply.mimetype == "text/html"
    page = text(reply)
    assert page.count("<h1") == 1
    for key, scheme in vocab.vocabulary().schemes.items():
        assert f'href="/vocab/{key}"' in page
        assert scheme.labels["pl"] in page
        assert f'<span class="other-lang" lang="en">{scheme.labels["en"]}</span>' in page
    assert "http://purl.org/essglobal/standard/legal-form" in page  # republished external scheme
    english = text(client.get("/vocab?lang=en", headers=HTML))
    assert f'<span class="other-lang" lang="pl">{vocab.vocabulary().schemes["cpv"].labels["pl"]}' in english
    assert json_ld_blocks(page)[0]["@graph"][0]["@type"] == "DefinedTermSet"


def test_trailing_slash_and_index_document(client):
    assert client.get("/vocab/", headers=HTML).status_code == 200
    reply = client.get("/vocab.ttl")
    assert reply.status_code == 200
    schemes = {t.subject.value for t in ox.parse(reply.data, format=ox.RdfFormat.TURTLE)
               if t.object == ox.NamedNode(SKOS + "ConceptScheme")}
    assert VOCAB + "cpv" in schemes and VOCAB + "legal-form" in schemes


# -- /vocab/{scheme} ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(vocab.vocabulary().schemes))
def test_each_scheme_page_lists_its_concepts(client, key):
    reply = client.get(f"/vocab/{key}", headers=HTML)
    assert reply.status_code == 200
    assert "Accept" in reply.headers["Vary"]
    page = text(reply)
    scheme = vocab.vocabulary().schemes[key]
    assert page.count("<h1") == 1 and scheme.labels["pl"] in page
    for concept in scheme.concepts.values():
        assert f'href="/vocab/{key}/{concept.key}"' in page, concept.key
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert re.search(rf'<link rel="alternate" type="[^"]+" href="/vocab/{key}\.{ext}">', page)
        assert f'<a href="/vocab/{key}.{ext}"' in page
    data = json_ld_blocks(page)[0]
    assert data["@type"] == "DefinedTermSet" and data["@id"] == scheme.iri
    assert len(data["hasDefinedTerm"]) == len(scheme.concepts)


def test_scheme_tree_nests_narrower_concepts(client):
    page = text(client.get("/vocab/cpv", headers=HTML))
    top = page.index('href="/vocab/cpv/55000000-0"')
    child = page.index('href="/vocab/cpv/55500000-5"')
    grandchild = page.index('href="/vocab/cpv/55520000-1"')
    assert top < child < grandchild
    # the child's list is inside the top concept's item
    between = page[top:grandchild]
    assert between.count("<ul>") >= 2


@pytest.mark.parametrize("ext, fmt", [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                      ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_scheme_documents_hold_the_whole_scheme_graph(client, ext, fmt):
    reply = client.get(f"/vocab/legal-form.{ext}")
    assert reply.status_code == 200 and reply.mimetype == fmt.media_type
    got = {str(t) for t in ox.parse(reply.data, format=fmt)}
    shipped = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in system_quads()[VOCAB + "legal-form"]}
    assert got == shipped


# -- /vocab/{scheme}/{key} ---------------------------------------------------------------------


def test_concept_page_in_polish_and_english(client):
    polish = text(client.get("/vocab/cpv/55520000-1", headers=HTML))
    english = text(client.get("/vocab/cpv/55520000-1?lang=en", headers=HTML))
    concept = vocab.vocabulary().schemes["cpv"].by_key["55520000-1"]
    pl, en = concept.labels["pl"], concept.labels["en"]
    for page in (polish, english):
        assert page.count("<h1") == 1
        assert pl in page and en in page
        assert "<code>55520000-1</code>" in page
        assert 'href="/vocab/cpv/55500000-5"' in page  # broader
        assert 'href="/vocab/cpv/55521000-8"' in page  # narrower
        assert 'href="/vocab/cpv"' in page  # its scheme
    # the interface language first; the other one marked with its language
    assert polish.index(pl) < polish.index(en) and f'<dd lang="en">{en}</dd>' in polish
    main = english[english.index("<main"):]
    assert main.index(f"<dd>{en}</dd>") < main.index(f'<dd lang="pl">{pl}</dd>')
    assert '<html lang="en">' in english


def test_concept_page_shows_definition_alt_labels_and_matches(client):
    page = text(client.get("/vocab/legal-form/spoldzielnia-socjalna", headers=HTML))
    concept = vocab.vocabulary().schemes["legal-form"].by_key["spoldzielnia-socjalna"]
    assert concept.definitions["pl"] in page
    assert 'href="/vocab/legal-form/spoldzielnia"' in page  # broader
    assert 'href="http://purl.org/essglobal/standard/legal-form/L2" rel="external"' in page  # closeMatch
    other = vocab.vocabulary().schemes["status-type"]
    with_alt = next(c for c in other.concepts.values() if c.alt_labels)
    page = text(client.get(f"/vocab/status-type/{with_alt.key}", headers=HTML))
    assert with_alt.alt_labels[0][1] in page


@pytest.mark.parametrize("scheme, key, prop, kind", COUNTED)
def test_usage_counts_match_the_data(client, demo, scheme, key, prop, kind):
    store = demo[1]
    expected = expected_count(store, f"{VOCAB}{scheme}/{key}", prop, kind)
    assert expected > 0, "the demo data uses this concept"
    counts = usage_counts(text(client.get(f"/vocab/{scheme}/{key}", headers=HTML)))
    assert counts[(prop, kind)] == expected


def test_usage_links_to_the_lists_with_the_facet(client):
    page = text(client.get("/vocab/legal-form/spoldzielnia-socjalna", headers=HTML))
    assert 'href="/entities?legalForm=spoldzielnia-socjalna"' in page
    page = text(client.get("/vocab/cpv/55520000-1", headers=HTML))
    assert 'href="/offers?cpv=55520000-1"' in page and 'href="/opportunities?cpv=55520000-1"' in page
    # every facet of the mapping is one the list pages know
    from registry.listing import LISTS

    for (scheme, _prop, _kind), (path, param) in vocab.FACETS.items():
        spec = LISTS[path.strip("/")]
        assert param in {f.name for f in spec.facets}, (path, param)
        assert scheme in next(f for f in spec.facets if f.name == param).schemes, (path, param, scheme)


def test_unused_concept_and_capped_count(client, demo, monkeypatch):
    store = demo[1]
    scheme = vocab.vocabulary().schemes["cpv"]
    unused = next(c for c in scheme.concepts.values()
                  if not any(True for _ in store.raw.quads_for_pattern(None, None, ox.NamedNode(c.iri), None)
                             if not _.subject.value.startswith(VOCAB)))
    page = text(client.get(f"/vocab/cpv/{unused.key}", headers=HTML))
    assert "Żaden zasób rejestru nie wskazuje jeszcze tego pojęcia." in page
    monkeypatch.setattr(vocab, "USAGE_CAP", 1)
    page = text(client.get("/vocab/legal-form/spoldzielnia-socjalna", headers=HTML))
    assert "Policzono pierwsze" in page


def test_concept_turtle_twin_parses_and_holds_the_labels(client):
    reply = client.get("/vocab/cpv/55520000-1.ttl")
    assert reply.status_code == 200 and reply.mimetype == "text/turtle"
    triples = list(ox.parse(reply.data, format=ox.RdfFormat.TURTLE))
    concept = ox.NamedNode(VOCAB + "cpv/55520000-1")
    labels = {t.object.value for t in triples if t.subject == concept and t.predicate.value == SKOS + "prefLabel"}
    assert labels == {"Usługi dostarczania posiłków", "Catering services"}
    # labels of the concepts it links to
    broader = ox.NamedNode(VOCAB + "cpv/55500000-5")
    assert any(t.subject == broader and t.predicate.value == SKOS + "prefLabel" for t in triples)
    assert reply.headers["Link"] == '</vocab/cpv/55520000-1>; rel="alternate"; type="text/html"'
    again = client.get("/vocab/cpv/55520000-1.ttl", headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304


def test_concept_json_ld_block(client):
    page = text(client.get("/vocab/cpv/55520000-1", headers=HTML))
    data = json_ld_blocks(page)[0]
    assert data["@type"] == "DefinedTerm" and data["termCode"] == "55520000-1"
    assert data["inDefinedTermSet"]["@id"] == VOCAB + "cpv"
    assert data["url"] == f"{BASE}/vocab/cpv/55520000-1"
    assert {"@language": "en", "@value": "Catering services"} in data["name"]


# -- content negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/vocab/cpv/55520000-1", "/vocab/cpv", "/ontology", "/vocab"])
@pytest.mark.parametrize("accept, media", [
    ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
])
def test_negotiation_answers_directly_with_vary(client, path, accept, media):
    reply = client.get(path, headers={"Accept": accept})
    assert reply.status_code == 200  # no 303: the answer itself
    assert reply.mimetype == media
    assert "Accept" in reply.headers["Vary"]
    if media != "text/html":
        fmt = ox.RdfFormat.from_media_type(media)
        assert list(ox.parse(reply.data, format=fmt))
        assert reply.headers["Content-Location"].startswith(path + ".")


def test_negotiation_without_accept_is_html_and_unsatisfiable_is_406(client):
    assert client.get("/vocab/cpv").mimetype == "text/html"
    reply = client.get("/vocab/cpv", headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 406 and "Accept" in reply.headers["Vary"]


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/vocab/no-such-scheme", "/vocab/cpv/no-such-code",
                                  "/vocab/no-such-scheme/x", "/vocab/no-such-scheme.ttl",
                                  "/vocab/cpv/no-such-code.ttl", "/vocab/cpv.exe", "/ontology.exe"])
def test_unknown_schemes_and_concepts_are_404(client, path):
    reply = client.get(path, headers=HTML)
    assert reply.status_code == 404
    assert reply.mimetype == "text/html"
    page = text(reply)
    assert "Traceback" not in page


def test_404_messages_help_and_escape(client):
    page = text(client.get("/vocab/no-such-scheme", headers=HTML))
    assert "/vocab" in page and "no-such-scheme" in page
    page = text(client.get("/vocab/cpv/no-such-code", headers=HTML))
    assert "/vocab/cpv" in page
    page = text(client.get("/vocab/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=HTML))
    assert "<script>" not in page and "&lt;script&gt;" in page


# -- /ontology ---------------------------------------------------------------------------------


def ontology_terms() -> list[str]:
    return sorted({q.subject.value for q in system_quads()["https://w3id.org/pes-registry/ontology"]
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(PES)})


@pytest.mark.parametrize("lang, label", [("pl", "podmiot ekonomii społecznej"), ("en", "social economy entity")])
def test_ontology_page_documents_every_term_with_its_anchor(client, lang, label):
    reply = client.get(f"/ontology?lang={lang}", headers=HTML)
    assert reply.status_code == 200 and "Accept" in reply.headers["Vary"]
    page = text(reply)
    assert page.count("<h1") == 1
    assert label in page
    assert 'id="SocialEconomyEntity"' in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids are unique"
    for iri in ontology_terms():
        assert f'id="{iri[len(PES):]}"' in page, iri
    # internal links all land on an anchor of the page
    assert set(re.findall(r'href="#([^"]+)"', page)) <= set(ids)
    assert "pyLODE" in page
    data = json_ld_blocks(page)[0]
    assert data["@type"] == "DefinedTermSet" and len(data["hasDefinedTerm"]) == len(ontology_terms())


def test_ontology_page_loads_nothing_from_elsewhere(client):
    page = text(client.get("/ontology", headers=HTML))
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r'<link[^>]*rel="stylesheet"[^>]*href="(https?:)?//', page)
    assert not re.search(r"<img\b", page)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    assert "url(" not in style and "@import" not in style
    assert all(rule.startswith(".pylode-doc") for rule in style.strip().splitlines()), "scoped"


def test_ontology_links_point_to_site_pages(client):
    page = text(client.get("/ontology", headers=HTML))
    assert 'href="#status"' in page  # a property linked from the class that is its domain
    assert 'href="https://w3id.org/pes-registry/ontology#' not in page


@pytest.mark.parametrize("ext, fmt", [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                      ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_ontology_documents(client, ext, fmt):
    reply = client.get(f"/ontology.{ext}")
    assert reply.status_code == 200 and reply.mimetype == fmt.media_type
    got = {(t.subject, t.predicate, t.object) for t in ox.parse(reply.data, format=fmt)}
    assert (ox.NamedNode(PES + "SocialEconomyEntity"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class")) in got
    # blank nodes (the data structure's components) get new labels: compare the rest
    shipped = {(q.subject, q.predicate, q.object) for q in system_quads()["https://w3id.org/pes-registry/ontology"]}
    named = lambda triples: {t for t in triples if not any(isinstance(x, ox.BlankNode) for x in t)}  # noqa: E731
    assert named(got) == named(shipped) and len(got) == len(shipped)


def test_ontology_generation_keeps_root_logging():
    import logging

    root = logging.getLogger()
    before = list(root.handlers), root.level
    doc = vocab._generate("en")
    assert not doc.failed
    assert (list(root.handlers), root.level) == before


def test_css_scoping():
    css = "body { margin: 0 } h1, .x a:hover { color: red } #toc { position: fixed } " \
          "@import url(http://x/y.css); .y { background: url(http://x/z.png); color: blue } " \
          "@media print { .z { display: none } } @font-face { src: url(http://x/f.woff) }"
    scoped = vocab.scope_css(css, ".doc")
    assert ".doc h1, .doc .x a:hover { color: red; }" in scoped
    assert "body" not in scoped and "#toc" not in scoped and "url(" not in scoped
    assert ".doc .y { color: blue; }" in scoped
    assert ".z" not in scoped and "font-face" not in scoped
