"""Synthetic data: deterministic, sized as asked, valid identifiers, conforming documents."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from registry.demo import CITY_UNITS
from registry.namespaces import DCT, PES, SCHEMA, SKOS, VOCAB_BASE
from registry.synthetic import synthetic_documents, write_nquads
from tests.test_demo import (
    REFERENCES,
    kind_of,
    main_iri,
    prepared_sparql,
    violations,
    vocab_concepts,
)

BASE = "http://127.0.0.1:8000"
UNITS = len(CITY_UNITS) + 1  # the departments and the municipality


def generate(**options) -> list[list[ox.Triple]]:
    return list(synthetic_documents(BASE, **options))


@pytest.fixture(scope="module")
def sample() -> list[list[ox.Triple]]:
    return generate(entities=20, offers_per_entity=3, seed=7, opportunities=6, actions=8)


def test_sizes(sample):
    kinds = [kind_of(main_iri(d)) for d in sample]
    assert kinds[:UNITS] == ["unit"] * UNITS
    assert kinds.count("entity") == 20
    assert kinds.count("opportunity") == 6
    assert kinds.count("action") == 8
    offers = {
        t.subject.value
        for d in sample
        for t in d
        if "/id/offer/" in t.subject.value and "#" not in t.subject.value
    }
    assert len(offers) == 60
    assert len(generate(entities=3, offers_per_entity=0)) == UNITS + 3


def test_deterministic(sample):
    again = generate(entities=20, offers_per_entity=3, seed=7, opportunities=6, actions=8)
    assert [[str(t) for t in d] for d in again] == [[str(t) for t in d] for d in sample]
    other = generate(entities=20, offers_per_entity=3, seed=8, opportunities=6, actions=8)
    assert [[str(t) for t in d] for d in other] != [[str(t) for t in d] for d in sample]


def test_is_lazy():
    documents = synthetic_documents(BASE, entities=10**9)
    assert len(list(itertools.islice(documents, UNITS + 2))) == UNITS + 2


def test_identifiers_are_valid():
    documents = generate(entities=500, offers_per_entity=0, seed=3)
    checked = 0
    for d in documents:
        for t in d:
            if t.predicate.value != str(DCT.type) or not t.object.value.startswith(
                f"{VOCAB_BASE}identifier-type/"
            ):
                continue
            kind = t.object.value.rsplit("/", 1)[1]
            (number,) = [
                x.object.value
                for x in d
                if x.subject == t.subject and x.predicate.value == str(SKOS.notation)
            ]
            if kind == "nip":
                assert stdnum_nip.is_valid(number) and len(number) == 10, number
            elif kind == "regon":
                assert stdnum_regon.is_valid(number) and len(number) in (9, 14), number
            elif kind == "krs":
                assert len(number) == 10 and number.isdigit(), number
            checked += 1
    assert checked > 1000


def test_concepts_exist(sample):
    known = set().union(*vocab_concepts().values())
    used = {
        t.object.value
        for d in sample
        for t in d
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(VOCAB_BASE)
    }
    assert used - known == set()


def test_references_resolve(sample):
    mains = {main_iri(d) for d in sample}
    for d in sample:
        for t in d:
            kinds = REFERENCES.get(t.predicate.value)
            if kinds is not None:
                assert kind_of(t.object.value) in kinds and t.object.value in mains, t


def test_actions_need_entities():
    with pytest.raises(ValueError):
        list(synthetic_documents(BASE, entities=0, actions=1))


def test_conforms_to_shapes(sample):
    with prepared_sparql():
        problems = {main_iri(d): v for d in sample if (v := violations(d))}
    assert problems == {}


def test_write_nquads(tmp_path, sample):
    path = tmp_path / "synthetic.nq"
    count = write_nquads(path, sample, BASE)
    assert count == sum(len(d) for d in sample)
    dataset = ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    assert len(dataset) == count
    entity = f"{BASE}/id/entity/syn-1"
    graphs = {q.graph_name.value for q in dataset.quads_for_subject(ox.NamedNode(entity))}
    assert graphs == {f"{BASE}/entity/syn-1"}
    offer = ox.NamedNode(f"{BASE}/id/offer/syn-1-1")
    assert {q.graph_name.value for q in dataset.quads_for_subject(offer)} == {
        f"{BASE}/entity/syn-1"
    }
    names = [
        q.object
        for q in dataset.quads_for_subject(ox.NamedNode(entity))
        if q.predicate.value == str(SCHEMA.name)
    ]
    assert names and names[0].language == "pl"
    assert any(
        q.predicate.value == str(PES.offerCategory) for q in dataset.quads_for_subject(offer)
    )
