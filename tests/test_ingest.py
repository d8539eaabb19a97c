"""The one write path: splitting, validation, atomic commits, provenance, crash recovery."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from registry import store as store_module
from registry.errors import ValidationFailed
from registry.ingest import ingest
from registry.store import Store, provenance_graph

from .conftest import BASE, DATA, source

ENTITY = (DATA / "ingest" / "entity.ttl").read_text()


def entity_doc(key: str, nip: str = "8190937865") -> str:
    """The fixture entity under another key (and optionally another NIP)."""
    return (
        ENTITY.replace("przystan", key)
        .replace('"8190937865"', f'"{nip}"')
    )


def dump_bytes(store: Store, tmp_path: Path, name: str) -> bytes:
    target = tmp_path / name
    store.dump(target)
    return target.read_bytes()


def test_load_creates_documents_and_records_provenance(store):
    report = ingest(store, [source("units.ttl"), source("entity.ttl")])
    assert report.summary() == {"created": 3, "replaced": 0, "unchanged": 0, "rejected": 0}
    assert store.has_graph(f"{BASE}/entity/przystan")
    assert store.has_graph(f"{BASE}/unit/wydzial-zdrowia")
    # The offer lives in its entity's document.
    offer = ox.NamedNode(f"{BASE}/id/offer/przystan-catering")
    graphs = {q.graph_name.value for q in store.raw.quads_for_pattern(offer, None, None, None)}
    assert graphs == {f"{BASE}/entity/przystan"}
    # Provenance: one activity with the sources' checksums and the graphs written.
    rows = list(store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX pes: <https://w3id.org/pes-registry/ontology#>"
        " SELECT ?a ?g ?sum WHERE { GRAPH ?pg { ?a a pes:Ingest ; prov:generated ?g ; prov:used ?s ."
        " ?s pes:checksum ?sum } }",
        substitutions={},
    ))
    assert {r["g"].value for r in rows} == {
        f"{BASE}/entity/przystan", f"{BASE}/unit/wydzial-zdrowia", f"{BASE}/unit/gmina-miasta-torun"}
    assert all(r["sum"].value.startswith("sha256:") for r in rows)
    assert all(r["a"].value.startswith(provenance_graph(BASE)) for r in rows)
    assert store.version() >= 2
    # dct:modified is stamped on the main resource.
    modified = list(store.raw.quads_for_pattern(
        ox.NamedNode(f"{BASE}/id/entity/przystan"), ox.NamedNode("http://purl.org/dc/terms/modified"), None, None))
    assert len(modified) == 1


def test_one_bad_document_leaves_the_store_byte_identical(store, tmp_path):
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    before = dump_bytes(store, tmp_path, "before.nq")
    version = store.version()
    good = source("good.ttl", entity_doc("dobra", nip="5559797114"))
    bad = source("bad.ttl", entity_doc("zla", nip="5559797115"))  # wrong NIP check digit
    with pytest.raises(ValidationFailed) as failure:
        ingest(store, [good, bad])
    assert dump_bytes(store, tmp_path, "after.nq") == before
    assert store.version() == version
    rejected = [d for d in failure.value.reports if d.rejected]
    assert [d.iri for d in rejected] == [f"{BASE}/id/entity/zla"]
    assert any("NIP" in m for m in rejected[0].messages("en"))
    assert any("NIP" in m for m in rejected[0].messages("pl"))


def test_partial_stores_the_valid_documents_and_lists_the_rest(store):
    ingest(store, [source("units.ttl")])
    good = source("good.ttl", entity_doc("dobra", nip="5559797114"))
    bad = source("bad.ttl", entity_doc("zla", nip="5559797115"))
    report = ingest(store, [good, bad], partial=True)
    assert report.summary()["created"] == 1
    assert [d.iri for d in report.rejected] == [f"{BASE}/id/entity/zla"]
    assert store.has_graph(f"{BASE}/entity/dobra")
    assert not store.has_graph(f"{BASE}/entity/zla")


def test_replacing_a_document_replaces_its_whole_graph(store):
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    changed = ENTITY.replace("Catering na spotkania do 200 osób", "Catering do 300 osób")
    report = ingest(store, [source("entity.ttl", changed)])
    assert report.summary()["replaced"] == 1
    names = {q.object.value for q in store.raw.quads_for_pattern(
        ox.NamedNode(f"{BASE}/id/offer/przystan-catering"), ox.NamedNode("https://schema.org/name"), None, None)}
    assert names == {"Catering do 300 osób"}
    again = ingest(store, [source("entity.ttl", changed)])
    assert again.summary()["unchanged"] == 1
    assert again.version is None


def test_links_must_point_to_existing_resources_of_the_right_kind(store):
    with pytest.raises(ValidationFailed) as failure:
        ingest(store, [source("units.ttl", (DATA / "ingest" / "units.ttl").read_text().replace(
            "id/unit/gmina-miasta-torun> .", "id/unit/nie-ma-takiej> ."))])
    messages = [m for d in failure.value.reports for m in d.messages("en")]
    assert any("not in the registry" in m for m in messages)


def test_statements_about_foreign_resources_are_refused(store):
    text = ENTITY + '\n<http://example.org/other> <https://schema.org/name> "x" .\n'
    with pytest.raises(ValidationFailed) as failure:
        ingest(store, [source("units.ttl"), source("entity.ttl", text)])
    messages = [m for d in failure.value.reports for m in d.messages("en")]
    assert any("not a resource of this registry" in m for m in messages)
    assert not store.has_graph(f"{BASE}/entity/przystan")


def test_offers_without_their_entity_join_the_stored_entity_document(store):
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    offer = textwrap.dedent(f"""
        @prefix schema: <https://schema.org/> .
        @prefix pes: <https://w3id.org/pes-registry/ontology#> .
        <{BASE}/id/offer/przystan-sprzatanie> a schema:Offer ;
            schema:offeredBy <{BASE}/id/entity/przystan> ;
            schema:name "Sprzątanie biur"@pl ;
            schema:description "Sprzątanie biur i szkół."@pl ;
            schema:category <https://w3id.org/pes-registry/vocab/cpv/90919200-4> ;
            pes:offerCategory <https://w3id.org/pes-registry/vocab/offer-category/sprzatanie> ;
            schema:areaServed <https://w3id.org/pes-registry/vocab/district/8> ;
            pes:priceOnRequest true .
    """)
    report = ingest(store, [source("offer.ttl", offer)])
    assert report.summary()["replaced"] == 1
    g = f"{BASE}/entity/przystan"
    offers = {q.object.value for q in store.quads(g) if q.predicate.value == "https://schema.org/makesOffer"}
    assert offers == {f"{BASE}/id/offer/przystan-catering", f"{BASE}/id/offer/przystan-sprzatanie"}


def test_offers_in_another_file_of_the_batch_join_their_entity(store):
    ingest(store, [source("units.ttl")])
    entity, offer = ENTITY.split("<id/offer/przystan-catering> a schema:Offer")
    prefixes = entity.split("<id/entity/przystan> a")[0]
    report = ingest(store, [source("offer.ttl", prefixes + "<id/offer/przystan-catering> a schema:Offer" + offer),
                            source("entity.ttl", entity)])
    assert report.summary() == {"created": 1, "replaced": 0, "unchanged": 0, "rejected": 0}
    subjects = {q.subject.value for q in store.quads(f"{BASE}/entity/przystan")}
    assert f"{BASE}/id/offer/przystan-catering" in subjects and f"{BASE}/id/entity/przystan" in subjects


def test_offers_of_an_unknown_entity_are_rejected(store):
    offer = f"""<{BASE}/id/offer/x> <https://schema.org/offeredBy> <{BASE}/id/entity/nieznany> ;
        <https://schema.org/name> "x"@pl ."""
    with pytest.raises(ValidationFailed):
        ingest(store, [source("offer.ttl", offer)])


class _CrashingStore:
    """Wraps a pyoxigraph store; the bulk load dies half-way, like a killed process."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def bulk_load(self, path, format):
        quads = list(ox.parse(path=path, format=format))
        self._inner.extend(quads[: len(quads) // 2])
        self._inner.flush()
        raise KeyboardInterrupt("simulated kill")


def test_a_large_write_interrupted_half_way_is_rolled_back_on_next_open(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "SMALL_WRITE_BYTES", 10)  # force the journalled path
    store = Store(tmp_path / "data", BASE)
    from registry.system import install

    install(store)
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    changed = ENTITY.replace("Catering na spotkania do 200 osób", "Zmieniona nazwa")
    before = dump_bytes(store, tmp_path, "before.nq")
    store._ox = _CrashingStore(store._ox)
    with pytest.raises(KeyboardInterrupt):
        ingest(store, [source("entity.ttl", changed), source("new.ttl", entity_doc("nowa", "5559797114"))])
    assert (tmp_path / "data" / "journal" / "pending.json").exists()
    store._ox = store._ox._inner
    store.close()
    del store
    reopened = Store(tmp_path / "data", BASE)
    assert dump_bytes(reopened, tmp_path, "after.nq") == before
    assert not (tmp_path / "data" / "journal" / "pending.json").exists()


def valid_entities(n: int) -> list[str]:
    """``n`` entity documents (keys e1000, e1001, …) with valid NIP numbers."""
    from stdnum.pl import nip

    docs = []
    for i in range(1000, 100000):
        candidate = str(500000000 + i)
        for d in range(10):
            if nip.is_valid(candidate + str(d)) and candidate[0] != "0":
                docs.append(entity_doc(f"e{i}", candidate + str(d)))
                break
        if len(docs) >= n:
            return docs
    raise AssertionError("not enough NIP numbers")


def graph_contents(store: Store) -> dict[str, set[str]]:
    """Statements of each document graph, without dct:modified; blank nodes by their statements."""
    out = {}
    for g in store.raw.named_graphs():
        if not g.value.startswith(BASE) or g.value.startswith(f"{BASE}/graph/"):
            continue
        quads = store.quads(g.value)
        out[g.value] = {
            " ".join("_" if isinstance(t, ox.BlankNode) else str(t) for t in (q.subject, q.predicate, q.object))
            for q in quads if q.predicate.value != "http://purl.org/dc/terms/modified"
        }
    return out


def test_a_large_write_goes_through_the_journal_in_bounded_chunks(tmp_path, monkeypatch):
    """Many small chunks, each spilled to the journal: the same store as one small write."""
    from registry import ingest as ingest_module
    from registry.system import install

    docs = valid_entities(30)
    sources = [source("units.ttl"), source("entities.ttl", "\n".join(docs))]
    small = Store(tmp_path / "small", BASE)
    install(small)
    expected = ingest(small, sources)
    monkeypatch.setattr(store_module, "SMALL_WRITE_BYTES", 10)
    monkeypatch.setattr(ingest_module, "CHUNK_TRIPLES", 50)
    large = Store(tmp_path / "large", BASE)
    install(large)
    spills = []
    real_spill = Store.spill
    monkeypatch.setattr(Store, "spill", lambda self, w: (spills.append(len(w.spooled)), real_spill(self, w)))
    report = ingest(large, sources)
    assert report.summary() == expected.summary() == {"created": 32, "replaced": 0, "unchanged": 0, "rejected": 0}
    assert report.triples == expected.triples
    assert len(spills) == 32 and spills[-1] == 31  # one document at a time went to the journal
    assert graph_contents(large) == graph_contents(small)
    generated = {r["g"].value for r in large.query(
        "SELECT ?g WHERE { GRAPH ?pg { ?a <http://www.w3.org/ns/prov#generated> ?g ."
        " ?g <http://www.w3.org/ns/prov#wasGeneratedBy> ?a . ?a a <http://www.w3.org/ns/prov#Activity> } }")}
    assert generated == set(graph_contents(large))
    assert not (tmp_path / "large" / "journal" / "new-graphs.trig").exists()
    # Loading the same again changes nothing.
    again = ingest(large, sources)
    assert again.summary()["unchanged"] == 32 and again.version is None


def test_statements_of_a_document_may_be_anywhere_in_the_input(tmp_path, monkeypatch):
    """Documents are gathered whole whatever the order of statements, blank nodes included."""
    from registry import ingest as ingest_module
    from registry.system import install

    docs = valid_entities(4)
    blank = textwrap.dedent(f"""
        <{BASE}/id/entity/e1000> <http://www.w3.org/2000/01/rdf-schema#seeAlso> [
            <https://schema.org/name> "x" ;
            <https://schema.org/url> [ <https://schema.org/name> "y" ]
        ] .
    """)
    ordered = [source("units.ttl"), source("a.ttl", "\n".join(docs[:2]) + blank),
               source("b.ttl", "\n".join(docs[2:]))]
    lines = []
    for s in ordered[1:]:
        lines += ox.serialize(ox.parse(s.data, ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
                              ).decode().splitlines()
    lines.append('_:late <https://schema.org/name> "z" .')
    lines.append(f"<{BASE}/id/entity/e1003> <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:late .")

    random.Random(3).shuffle(lines)
    scattered = [source("units.ttl"), source("all.nt", "\n".join(lines) + "\n")]
    expected_store = Store(tmp_path / "ordered", BASE)
    install(expected_store)
    ordered[2] = source("b.ttl", ordered[2].data.decode() + (
        f'\n<{BASE}/id/entity/e1003> <http://www.w3.org/2000/01/rdf-schema#seeAlso> [ <https://schema.org/name> "z" ] .'))
    expected = ingest(expected_store, ordered)

    monkeypatch.setattr(store_module, "SMALL_WRITE_BYTES", 10)
    monkeypatch.setattr(ingest_module, "CHUNK_TRIPLES", 50)
    store = Store(tmp_path / "scattered", BASE)
    install(store)
    report = ingest(store, scattered)
    assert report.summary() == expected.summary() == {"created": 6, "replaced": 0, "unchanged": 0, "rejected": 0}
    assert graph_contents(store) == graph_contents(expected_store)
    assert len([x for x in graph_contents(store)[f"{BASE}/entity/e1000"] if x.startswith("_")]) == 3


def test_documents_are_validated_while_the_input_is_read_and_again_only_if_scattered(tmp_path, monkeypatch):
    from registry import ingest as ingest_module
    from registry.system import install
    from registry.validation import Validator

    validated: list[str] = []
    real = Validator.validate_graphs

    def counting(self, trig):
        validated.extend(q.graph_name.value for q in ox.parse(trig, ox.RdfFormat.TRIG)
                         if q.predicate.value == "http://purl.org/dc/terms/modified")
        return real(self, trig)

    monkeypatch.setattr(Validator, "validate_graphs", counting)
    monkeypatch.setattr(ingest_module, "CHUNK_TRIPLES", 100)
    store = Store(tmp_path / "data", BASE)
    install(store)
    docs = valid_entities(6)
    ingest(store, [source("units.ttl"), source("grouped.ttl", "\n".join(docs))])
    assert sorted(validated) == sorted({*validated}) and len(validated) == 8  # each one once

    validated.clear()

    def lines(text: str) -> list[str]:
        return ox.serialize(ox.parse(text.encode(), ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
                            ).decode().splitlines()

    nip = docs[0].split('schema:taxID "')[1][:10]
    moved, other = lines(entity_doc("e2000", nip)), lines(entity_doc("e2001", nip))
    offer = [t for t in moved if t.startswith(f"<{BASE}/id/offer/")]
    # The offer of e2000 comes after another entity: e2000 is validated again once read.
    text = "\n".join([t for t in moved if t not in offer] + other + offer) + "\n"
    ingest(store, [source("scattered.nt", text)])
    assert sorted(validated) == [f"{BASE}/entity/e2000", f"{BASE}/entity/e2000", f"{BASE}/entity/e2001"]
    offers = {q.object.value for q in store.quads(f"{BASE}/entity/e2000")
              if q.predicate.value == "https://schema.org/makesOffer"}
    assert offers == {f"{BASE}/id/offer/e2000-catering"}


def test_a_rejection_after_part_of_the_batch_was_spilled_writes_nothing(tmp_path, monkeypatch):
    from registry import ingest as ingest_module
    from registry.system import install

    monkeypatch.setattr(store_module, "SMALL_WRITE_BYTES", 10)
    monkeypatch.setattr(ingest_module, "CHUNK_TRIPLES", 50)
    store = Store(tmp_path / "data", BASE)
    install(store)
    ingest(store, [source("units.ttl")])
    before = dump_bytes(store, tmp_path, "before.nq")
    bad = entity_doc("zla", nip="5559797115")  # wrong NIP check digit, last in the batch
    with pytest.raises(ValidationFailed) as failure:
        ingest(store, [source("many.ttl", "\n".join(valid_entities(20) + [bad]))])
    assert [d.iri for d in failure.value.reports if d.rejected] == [f"{BASE}/id/entity/zla"]
    assert {d.status for d in failure.value.reports if not d.rejected} == {"pending"}
    assert dump_bytes(store, tmp_path, "after.nq") == before
    assert not list((tmp_path / "data" / "journal").iterdir())


def test_partial_leaves_out_a_spilled_document_that_links_to_a_rejected_one(tmp_path, monkeypatch):
    from registry import ingest as ingest_module
    from registry.system import install

    monkeypatch.setattr(store_module, "SMALL_WRITE_BYTES", 10)
    monkeypatch.setattr(ingest_module, "CHUNK_TRIPLES", 20)
    store = Store(tmp_path / "data", BASE)
    install(store)
    prefixes, municipality, department = (DATA / "ingest" / "units.ttl").read_text().split("\n\n")
    unnamed = municipality.replace('schema:name "Gmina Miasta Toruń"@pl, "Municipality of Toruń"@en ;', "")
    # The department comes first (and is spilled); the municipality it belongs to is invalid.
    text = "\n".join([prefixes, department, *valid_entities(6), prefixes, unnamed])
    report = ingest(store, [source("units.ttl", text)], partial=True)
    assert report.summary() == {"created": 6, "replaced": 0, "unchanged": 0, "rejected": 2}
    rejected = {d.iri: d.messages("en") for d in report.rejected}
    assert any("was rejected" in m for m in rejected[f"{BASE}/id/unit/wydzial-zdrowia"])
    assert not store.has_graph(f"{BASE}/unit/wydzial-zdrowia")
    assert not store.has_graph(f"{BASE}/unit/gmina-miasta-torun")
    assert report.triples == sum(len(store.quads(f"{BASE}/entity/e{i}")) for i in range(1000, 1100)
                                 if store.has_graph(f"{BASE}/entity/e{i}"))
    assert not list((tmp_path / "data" / "journal").iterdir())


KILL_SCRIPT = """
import sys
from registry import ingest as ingest_module
from registry import store as store_module
store_module.SMALL_WRITE_BYTES = 10
ingest_module.CHUNK_TRIPLES = 200
from registry.ingest import Source, ingest
from registry.store import Store
store = Store(sys.argv[1], sys.argv[2])
text = open(sys.argv[3]).read()
print("ready", flush=True)
ingest(store, [Source(name="big.ttl", data=text.encode())])
print("done", flush=True)
"""


@pytest.mark.parametrize("phase", ["new-graphs.trig", "pending.json"])
def test_a_load_killed_by_a_signal_leaves_a_consistent_store(tmp_path, phase):
    """Killed while the batch is validated and spilled to the journal, or while it is loaded."""
    store = Store(tmp_path / "data", BASE)
    from registry.system import install

    install(store)
    ingest(store, [source("units.ttl")])
    before = dump_bytes(store, tmp_path, "before.nq")
    store.close()
    del store
    big = tmp_path / "big.ttl"
    big.write_text("\n".join(valid_entities(400)))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "data"), BASE, str(big)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    journal = tmp_path / "data" / "journal"
    deadline = time.monotonic() + 120
    while not (journal / phase).exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert (journal / phase).exists() or proc.poll() is not None, "the load never got there"
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_mid_write = proc.returncode == -signal.SIGKILL
    reopened = Store(tmp_path / "data", BASE)
    after = dump_bytes(reopened, tmp_path, "after.nq")
    entities = sum(1 for _ in reopened.raw.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("https://w3id.org/pes-registry/ontology#SocialEconomyEntity"), None))
    # Either nothing of the load is there, or all of it.
    assert after == before or entities == 400
    if killed_mid_write:
        assert after == before  # the journal rolled the write back on open
    assert not list(journal.iterdir())  # and nothing of the journal is left
