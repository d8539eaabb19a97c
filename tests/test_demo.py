"""The demo data set: size, coverage, valid identifiers, links and conformance to the shapes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF as RDFLIB_RDF
from rdflib.namespace import SKOS as RDFLIB_SKOS
from rdflib.plugins.sparql import processor as sparql_processor
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from registry import config
from registry.demo import demo_documents
from registry.namespaces import (
    DCT,
    ORG,
    PES,
    RDF,
    ROV,
    SCHEMA,
    SDMX_DIMENSION,
    SH,
    SKOS,
    VOCAB_BASE,
)

BASE = "http://127.0.0.1:8000"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
IDENTIFIER_TYPE = f"{VOCAB_BASE}identifier-type/"

# Links to other documents and the kinds of resource they point to.
REFERENCES = {
    str(SCHEMA.offeredBy): ("entity",),
    str(DCT.publisher): ("unit",),
    str(PES.partner): ("entity",),
    str(PES.cityUnit): ("unit",),
    str(ORG.unitOf): ("entity", "unit"),
    str(PES.answers): ("opportunity",),
    str(PES.responsibleUnit): ("unit",),
    str(PES.applicant): ("entity",),
}


@pytest.fixture(scope="module")
def documents() -> list[list[ox.Triple]]:
    return demo_documents(BASE)


def main_iri(document: Sequence[ox.Triple]) -> str:
    return document[0].subject.value


def kind_of(iri: str) -> str:
    return iri[len(f"{BASE}/id/") :].split("/", 1)[0]


def of_kind(documents, kind: str) -> list[list[ox.Triple]]:
    return [d for d in documents if kind_of(main_iri(d)) == kind]


def objects(document, predicate, subject: str | None = None) -> list:
    return [
        t.object
        for t in document
        if t.predicate.value == str(predicate) and (subject is None or t.subject.value == subject)
    ]


def value_of(document, subject: str, predicate) -> str:
    (value,) = objects(document, predicate, subject)
    return value.value


@cache
def vocab_concepts() -> dict[str, set[str]]:
    """Concept IRIs of every scheme of the vocab files, by scheme name."""
    graph = Graph()
    for path in sorted(config.vocab_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    schemes: dict[str, set[str]] = {}
    for concept in graph.subjects(RDFLIB_RDF.type, RDFLIB_SKOS.Concept):
        iri = str(concept)
        if iri.startswith(VOCAB_BASE):
            scheme, _, _ = iri[len(VOCAB_BASE) :].partition("/")
            schemes.setdefault(scheme, set()).add(iri)
    return schemes


def used_concepts(documents, scheme: str) -> set[str]:
    prefix = f"{VOCAB_BASE}{scheme}/"
    return {
        t.object.value
        for d in documents
        for t in d
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(prefix)
    }


# -- size and coverage --------------------------------------------------------------------


def test_counts(documents):
    units = of_kind(documents, "unit")
    entities = of_kind(documents, "entity")
    assert 10 <= len(units) <= 14
    assert len(entities) >= 40
    offers = {
        t.subject.value
        for d in entities
        for t in d
        if "/id/offer/" in t.subject.value and "#" not in t.subject.value
    }
    assert len(offers) >= 120
    cpv = {o.value for d in entities for o in objects(d, SCHEMA.category)}
    assert len(cpv) >= 25
    opportunities = of_kind(documents, "opportunity")
    assert len(opportunities) >= 30
    actions = of_kind(documents, "action")
    assert len(actions) >= 40
    years = {value_of(d, main_iri(d), SCHEMA.startDate)[:4] for d in actions}
    assert len(years) >= 5
    assert min(years) <= "2013" and max(years) >= "2026"


def test_municipality(documents):
    city = f"{BASE}/id/unit/gmina-miasta-torun"
    (document,) = [d for d in documents if main_iri(d) == city]
    assert str(PES.Municipality) in {o.value for o in objects(document, RDF.type, city)}
    assert value_of(document, city, PES.teryt) == "0463011"


def test_every_legal_form_and_unit_type_is_used(documents):
    entities = of_kind(documents, "entity")
    forms = {o.value for d in entities for o in objects(d, ROV.orgType, main_iri(d))}
    assert vocab_concepts()["legal-form"] <= forms
    assert vocab_concepts()["unit-type"] <= forms


def test_every_opportunity_kind_is_used(documents):
    kinds = {
        o.value for d in of_kind(documents, "opportunity") for o in objects(d, PES.opportunityKind)
    }
    assert kinds == vocab_concepts()["cooperation-instrument"]


def test_statuses_applications_and_cards(documents):
    entities = of_kind(documents, "entity")
    statuses = Counter(
        o.value.rsplit("/", 1)[1] for d in entities for o in objects(d, PES.statusType)
    )
    assert (
        statuses["opp"] >= 3
        and statuses["przedsiebiorstwo-spoleczne"] >= 3
        and statuses["zakup-prospoleczny"] >= 3
    )
    opportunities = of_kind(documents, "opportunity")
    cards = [
        t.subject.value
        for d in opportunities
        for t in d
        if t.predicate.value == str(RDF.type) and t.object.value == str(PES.EvaluationCard)
    ]
    assert len(cards) >= 10
    for d in opportunities:
        for card in cards:
            if card.startswith(main_iri(d) + "#"):
                assert len(objects(d, PES.criterionScore, card)) == 6


def test_programme(documents):
    (programme,) = [
        d for d in of_kind(documents, "programme") if main_iri(d).endswith("/2013-2014")
    ]
    iri = main_iri(programme)
    assert len(objects(programme, PES.hasAction, iri)) >= 8
    indicators = {o.value for o in objects(programme, PES.hasIndicator, iri)}
    assert len(indicators) >= 12
    observed = {o.value for o in objects(programme, PES.indicator)}
    assert indicators <= observed
    years = {o.value for o in objects(programme, SDMX_DIMENSION.refPeriod)}
    assert {"2013", "2014"} <= years
    for section in (
        "mainGoal",
        "specificGoal",
        "principles",
        "scope",
        "cooperationFormsText",
        "priorityTasks",
        "periodText",
        "implementationMethod",
        "plannedFunds",
        "evaluationMethod",
        "consultationProcess",
        "competitionCommissions",
        "diagnosis",
        "legalBasis",
        "vision",
        "adoptedBy",
    ):
        assert objects(programme, PES[section], iri), section


def test_entities_are_marked_fictional(documents):
    for d in of_kind(documents, "entity"):
        descriptions = objects(d, SCHEMA.description, main_iri(d))
        assert descriptions
        for literal in descriptions:
            note = (
                "Dane demonstracyjne – podmiot fikcyjny."
                if literal.language == "pl"
                else "Demo data – fictional entity."
            )
            assert literal.value.endswith(note)
        for o in objects(d, SCHEMA.email) + objects(d, SCHEMA.url):
            assert ".example" in o.value


# -- vocabularies, identifiers and links --------------------------------------------------


def test_concepts_exist(documents):
    known = set().union(*vocab_concepts().values())
    scheme_iris = {f"{VOCAB_BASE}{s}" for s in vocab_concepts()}
    used = {
        t.object.value
        for d in documents
        for t in d
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(VOCAB_BASE)
    }
    assert used - known - scheme_iris == set()


def test_identifiers_are_valid(documents):
    seen = Counter()
    for d in documents:
        for t in d:
            if t.predicate.value == str(DCT.type) and t.object.value.startswith(IDENTIFIER_TYPE):
                kind = t.object.value[len(IDENTIFIER_TYPE) :]
                number = value_of(d, t.subject.value, SKOS.notation)
                seen[kind] += 1
                if kind == "nip":
                    assert stdnum_nip.is_valid(number) and len(number) == 10, number
                elif kind == "regon":
                    assert stdnum_regon.is_valid(number) and len(number) in (9, 14), number
                elif kind == "krs":
                    assert re.fullmatch(r"[0-9]{10}", number), number
    assert seen["nip"] >= 40 and seen["regon"] >= 40 and seen["krs"] >= 20
    regons = [
        value_of(d, t.subject.value, SKOS.notation)
        for d in documents
        for t in d
        if t.predicate.value == str(DCT.type) and t.object.value == f"{IDENTIFIER_TYPE}regon"
    ]
    assert sum(len(r) == 14 for r in regons) >= 2


def test_keys_and_references(documents):
    mains = {main_iri(d) for d in documents}
    assert len(mains) == len(documents)
    offers = set()
    for d in documents:
        for t in d:
            for term in (t.subject, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(f"{BASE}/id/"):
                    _kind, _, key = term.value[len(f"{BASE}/id/") :].split("#")[0].partition("/")
                    assert KEY.match(key), term.value
            if "/id/offer/" in t.subject.value and "#" not in t.subject.value:
                offers.add(t.subject.value)
    for d in documents:
        for t in d:
            kinds = REFERENCES.get(t.predicate.value)
            if kinds is None:
                continue
            target = t.object.value
            assert kind_of(target) in kinds, (t.predicate.value, target)
            assert target in mains, (main_iri(d), t.predicate.value, target)
    # Every offer belongs to the document of its entity.
    for d in of_kind(documents, "entity"):
        for o in objects(d, SCHEMA.offeredBy):
            assert o.value == main_iri(d)


def test_no_blank_nodes(documents):
    for d in documents:
        for t in d:
            assert not isinstance(t.subject, ox.BlankNode) and not isinstance(
                t.object, ox.BlankNode
            )


def test_deterministic(documents):
    again = demo_documents(BASE + "/")
    assert [[str(t) for t in d] for d in again] == [[str(t) for t in d] for d in documents]


def test_base_is_used():
    other = demo_documents("https://pes.example.org")
    assert all(main_iri(d).startswith("https://pes.example.org/id/") for d in other)


# -- conformance -------------------------------------------------------------------------


@contextmanager
def prepared_sparql() -> Iterator[None]:
    """Parse each SPARQL query once: pySHACL re-parses sh:sparql queries for every focus node."""
    original = sparql_processor.SPARQLProcessor.query
    prepared: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in prepared:
                prepared[key] = sparql_processor.translateQuery(
                    sparql_processor.parseQuery(strOrQuery), base, initNs
                )
            strOrQuery = prepared[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    sparql_processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        sparql_processor.SPARQLProcessor.query = original


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    paths = sorted(config.shapes_dir().glob("*.ttl"))
    if not paths:
        pytest.skip("no shapes yet")
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@cache
def vocab_graph() -> Graph:
    graph = Graph()
    for path in sorted(config.vocab_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def violations(document: Sequence[ox.Triple]) -> list[str]:
    """Messages of the sh:Violation results of validating one document with pySHACL."""
    graph = Graph()
    graph.parse(data="\n".join(f"{t} ." for t in document), format="nt")
    graph += vocab_graph()
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", allow_warnings=True
    )
    found = []
    for result in report.subjects(RDFLIB_RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.append(
                f"{report.value(result, SH.focusNode)}: {report.value(result, SH.resultMessage)}"
            )
    return found


def test_documents_conform_to_shapes(documents):
    with prepared_sparql():
        problems = {main_iri(d): v for d in documents if (v := violations(d))}
    assert problems == {}
