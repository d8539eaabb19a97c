"""Checks of the ontology (ontology/pes.ttl) and the SKOS concept schemes (ontology/vocab/*.ttl)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from registry.config import ontology_dir, vocab_dir

VOCAB = "https://w3id.org/pes-registry/vocab/"
ONTOLOGY = "https://w3id.org/pes-registry/ontology"
PES = ONTOLOGY + "#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = URIRef(XSD_NS + "boolean")
DATA_MODEL = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"

# The schemes of the table in docs/data-model.md: one file each, IRI VOCAB + name.
OUR_SCHEMES = [
    "legal-form",
    "unit-type",
    "status-type",
    "social-enterprise-type",
    "identifier-type",
    "public-task-area",
    "cooperation-form",
    "cooperation-instrument",
    "mode",
    "opportunity-status",
    "offer-category",
    "cpv",
    "city-part",
    "district",
    "evaluation-criterion",
]
# Third-party schemes republished with Polish labels: file stem -> scheme IRI.
ESSGLOBAL_SCHEMES = {
    "essglobal-activities": "http://purl.org/essglobal/standard/activities-modified",
    "essglobal-legal-form": "http://purl.org/essglobal/standard/legal-form",
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ESSGLOBAL_KEY = re.compile(r"^(AM|L)[0-9]+$")
CPV_CODE = re.compile(r"^([0-9]{8})-([0-9])$")

# art. 4 ust. 1 of the Act on public benefit activity and volunteering, as listed in the domain notes.
PUBLIC_TASK_AREAS = [
    "1",
    "1a",
    "1b",
    *[str(n) for n in range(2, 6)],
    "5a",
    *[str(n) for n in range(6, 33)],
    "32a",
    "33",
]


def scheme_iri(stem: str) -> URIRef:
    return URIRef(ESSGLOBAL_SCHEMES.get(stem, VOCAB + stem))


@cache
def vocab_graph(stem: str) -> Graph:
    return Graph().parse(vocab_dir() / f"{stem}.ttl", format="turtle")


@cache
def ontology_graph() -> Graph:
    return Graph().parse(ontology_dir() / "pes.ttl", format="turtle")


def concepts(graph: Graph) -> set[URIRef]:
    return set(graph.subjects(RDF.type, SKOS.Concept))


def key_of(stem: str, concept: URIRef) -> str:
    prefix = str(scheme_iri(stem)) + "/"
    assert str(concept).startswith(prefix), f"{concept} is not under {prefix}"
    return str(concept)[len(prefix) :]


ALL_STEMS = OUR_SCHEMES + list(ESSGLOBAL_SCHEMES)


def test_vocab_folder_holds_exactly_the_expected_files():
    stems = {path.stem for path in vocab_dir().glob("*.ttl")}
    assert stems == set(ALL_STEMS)


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_scheme_is_described_in_both_languages(stem):
    graph = vocab_graph(stem)
    scheme = scheme_iri(stem)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    for predicate in (SKOS.prefLabel, URIRef("http://purl.org/dc/terms/title")):
        langs = sorted(o.language for o in graph.objects(scheme, predicate))
        assert langs == ["en", "pl"], (stem, predicate, langs)
    descriptions = list(graph.objects(scheme, SKOS.definition)) + list(
        graph.objects(scheme, URIRef("http://purl.org/dc/terms/description"))
    )
    assert {d.language for d in descriptions} >= {"pl", "en"}, stem


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_every_concept_has_one_label_per_language_and_its_scheme(stem):
    graph = vocab_graph(stem)
    scheme = scheme_iri(stem)
    found = concepts(graph)
    assert found, stem
    for concept in found:
        labels = list(graph.objects(concept, SKOS.prefLabel))
        for lang in ("pl", "en"):
            assert len([label for label in labels if label.language == lang]) == 1, (concept, lang)
        assert all(label.language in ("pl", "en") for label in labels), concept
        assert set(graph.objects(concept, SKOS.inScheme)) == {scheme}, concept
        key = key_of(stem, concept)
        pattern = ESSGLOBAL_KEY if stem in ESSGLOBAL_SCHEMES else SLUG
        assert pattern.match(key), (stem, key)
        assert stem in ESSGLOBAL_SCHEMES or len(key) <= 80


@pytest.mark.parametrize("stem", ALL_STEMS)
def test_broader_and_narrower_are_consistent_and_every_concept_reaches_a_top_concept(stem):
    graph = vocab_graph(stem)
    scheme = scheme_iri(stem)
    found = concepts(graph)
    for child, parent in graph.subject_objects(SKOS.broader):
        assert parent in found, (child, parent)
        assert (parent, SKOS.narrower, child) in graph, (child, parent)
    for parent, child in graph.subject_objects(SKOS.narrower):
        assert (child, SKOS.broader, parent) in graph, (parent, child)
    tops = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert tops == set(graph.subjects(SKOS.topConceptOf, scheme)), stem
    assert tops, stem
    for top in tops:
        assert not list(graph.objects(top, SKOS.broader)), top
    for concept in found:
        seen, node = set(), concept
        while node not in tops:
            assert node not in seen, f"cycle at {node}"
            seen.add(node)
            parents = list(graph.objects(node, SKOS.broader))
            assert parents, f"{concept} has no path to a top concept"
            node = parents[0]


def test_cpv_hierarchy_follows_the_codes():
    graph = vocab_graph("cpv")
    scheme = scheme_iri("cpv")
    for concept in concepts(graph):
        key = key_of("cpv", concept)
        match = CPV_CODE.match(key)
        assert match, key
        assert list(graph.objects(concept, SKOS.notation)) == [Literal(key)], key
        digits = match.group(1)
        parents = list(graph.objects(concept, SKOS.broader))
        if digits[2:] == "000000":
            assert not parents, key
            assert (concept, SKOS.topConceptOf, scheme) in graph, key
            continue
        assert len(parents) == 1, key
        parent_digits = key_of("cpv", parents[0])[:8]
        significant = parent_digits[:2] + parent_digits[2:].rstrip("0")
        assert parent_digits != digits, key
        assert digits.startswith(significant), (key, parent_digits)


def test_cpv_holds_the_codes_the_registry_relies_on():
    keys = {key_of("cpv", c) for c in concepts(vocab_graph("cpv"))}
    # a catering example from the data model and the art. 361 PZP list (first and last of the 85 range)
    assert {
        "55520000-1",
        "85310000-5",
        "85000000-9",
        "85323000-9",
        "75121000-0",
        "98133110-8",
    } <= keys


def test_public_task_areas_have_every_number_of_art_4():
    graph = vocab_graph("public-task-area")
    keys = {key_of("public-task-area", c) for c in concepts(graph)}
    assert keys == set(PUBLIC_TASK_AREAS)
    for concept in concepts(graph):
        assert list(graph.objects(concept, SKOS.notation)) == [
            Literal(key_of("public-task-area", concept))
        ]


@pytest.mark.parametrize(
    ("stem", "count"),
    [
        ("city-part", 24),
        ("district", 13),
        ("evaluation-criterion", 6),
        ("offer-category", 14),
        ("essglobal-legal-form", 5),
    ],
)
def test_scheme_sizes(stem, count):
    assert len(concepts(vocab_graph(stem))) == count


def test_numbered_schemes_use_their_numbers_as_keys_and_notations():
    for stem, count in (("district", 13), ("evaluation-criterion", 6)):
        graph = vocab_graph(stem)
        assert {key_of(stem, c) for c in concepts(graph)} == {str(n) for n in range(1, count + 1)}
        for concept in concepts(graph):
            assert list(graph.objects(concept, SKOS.notation)) == [Literal(key_of(stem, concept))]
    forms = {key_of("cooperation-form", c) for c in concepts(vocab_graph("cooperation-form"))}
    assert forms == {str(n) for n in range(1, 8)} | {"pozafinansowa", "zamowienia"}


def test_keys_named_in_the_data_model_exist():
    expected = {
        "unit-type": {"cis", "kis", "zaz", "wtz"},
        "status-type": {"opp", "przedsiebiorstwo-spoleczne", "zakup-prospoleczny"},
        "social-enterprise-type": {"reintegracja", "uslugi-spoleczne"},
        "identifier-type": {"krs", "nip", "regon", "krkgw"},
        "mode": {"powierzenie", "wspieranie"},
        "opportunity-status": {"planowana", "otwarta", "zamknieta", "rozstrzygnieta", "anulowana"},
        "cooperation-instrument": {
            "otwarty-konkurs",
            "maly-grant",
            "inicjatywa-lokalna",
            "zakup-ponizej-130k",
            "zamowienie-zastrzezone-art94",
            "klauzule-spoleczne-art96",
            "uslugi-spoleczne-art359",
            "lokal-sprzet",
            "konsultacje",
            "zespol-doradczy",
            "umowa-partnerska",
        },
        "offer-category": {
            "gastronomia",
            "sprzatanie",
            "zielen",
            "remonty",
            "poligrafia",
            "szycie-pranie",
            "rekodzielo",
            "szkolenia",
            "uslugi-opiekuncze",
            "wydarzenia",
            "transport",
            "uslugi-biurowe",
            "ochrona",
            "turystyka-kultura-sport",
        },
        "legal-form": {"spoldzielnia-socjalna", "fundacja", "stowarzyszenie"},
        "city-part": {"bielany", "stare-miasto", "bydgoskie-przedmiescie"},
    }
    for stem, keys in expected.items():
        found = {key_of(stem, c) for c in concepts(vocab_graph(stem))}
        assert keys <= found, (stem, keys - found)
    assert {key_of("unit-type", c) for c in concepts(vocab_graph("unit-type"))} == expected[
        "unit-type"
    ]


def test_legal_forms_match_essglobal():
    legal_forms = vocab_graph("legal-form")
    essglobal = concepts(vocab_graph("essglobal-legal-form"))
    for concept in concepts(legal_forms):
        matches = set(legal_forms.objects(concept, SKOS.closeMatch))
        assert matches & essglobal, concept
        assert matches <= essglobal, concept


def test_instruments_implement_a_form_and_say_whether_they_are_financial():
    graph = vocab_graph("cooperation-instrument")
    forms = concepts(vocab_graph("cooperation-form"))
    for concept in concepts(graph):
        implemented = set(graph.objects(concept, URIRef(PES + "implementsForm")))
        assert implemented and implemented <= forms, concept
        financial = list(graph.objects(concept, URIRef(PES + "financial")))
        assert len(financial) == 1 and financial[0].datatype == XSD_BOOLEAN, concept
        assert {d.language for d in graph.objects(concept, SKOS.definition)} == {"pl", "en"}, (
            concept
        )


def test_offer_categories_match_cpv_and_essglobal():
    graph = vocab_graph("offer-category")
    cpv = concepts(vocab_graph("cpv"))
    activities = concepts(vocab_graph("essglobal-activities"))
    for concept in concepts(graph):
        matches = set(graph.objects(concept, SKOS.closeMatch))
        assert matches & cpv, concept
        assert matches & activities, concept
        assert matches <= cpv | activities, concept


def test_pes_terms_used_in_vocabularies_are_declared():
    declared = set(ontology_graph().subjects(RDFS.isDefinedBy, URIRef(ONTOLOGY)))
    for stem in ALL_STEMS:
        for term in set(vocab_graph(stem).predicates()) | set(vocab_graph(stem).objects()):
            if isinstance(term, URIRef) and str(term).startswith(PES):
                assert term in declared, (stem, term)


def test_ontology_header():
    graph = ontology_graph()
    ontology = URIRef(ONTOLOGY)
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert (ontology, OWL.versionInfo, Literal("0.1.0")) in graph
    dct = "http://purl.org/dc/terms/"
    for predicate in ("title", "description"):
        assert {o.language for o in graph.objects(ontology, URIRef(dct + predicate))} == {
            "pl",
            "en",
        }
    assert (
        ontology,
        URIRef(dct + "license"),
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in graph
    assert (
        ontology,
        URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"),
        Literal("pes"),
    ) in graph


def data_model_terms() -> set[str]:
    if not DATA_MODEL.is_file():
        pytest.skip("docs/data-model.md is not part of this installation")
    text = DATA_MODEL.read_text(encoding="utf-8")
    blocks = re.findall(r"```turtle\n(.*?)```", text, flags=re.DOTALL)
    return {
        name for block in blocks for name in re.findall(r"\bpes:([A-Za-z][A-Za-z0-9_]*)", block)
    }


def test_every_pes_term_of_the_data_model_is_declared_with_labels():
    graph = ontology_graph()
    terms = data_model_terms()
    assert terms
    for name in sorted(terms):
        term = URIRef(PES + name)
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY)) in graph or (
            term,
            RDF.type,
            None,
        ) in graph, name
        assert {label.language for label in graph.objects(term, RDFS.label)} >= {"pl", "en"}, name


DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def test_every_class_and_property_has_labels_and_comments_in_both_languages():
    graph = ontology_graph()
    terms = {s for t in DECLARATION_TYPES for s in graph.subjects(RDF.type, t)}
    assert len(terms) > 50
    for term in terms:
        assert str(term).startswith(PES), term
        for predicate in (RDFS.label, RDFS.comment):
            values = list(graph.objects(term, predicate))
            for lang in ("pl", "en"):
                assert len([v for v in values if v.language == lang]) == 1, (term, predicate, lang)
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY)) in graph, term


def test_properties_are_typed_by_their_values():
    graph = ontology_graph()
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        for value in graph.objects(prop, RDFS.range):
            assert not str(value).startswith(XSD_NS), prop
    for prop in graph.subjects(RDF.type, OWL.DatatypeProperty):
        for value in graph.objects(prop, RDFS.range):
            assert str(value).startswith(XSD_NS) or value in (RDF.langString, RDFS.Literal), prop


def test_indicator_structure():
    graph = ontology_graph()
    qb = "http://purl.org/linked-data/cube#"
    structure = URIRef(PES + "IndicatorStructure")
    assert (structure, RDF.type, URIRef(qb + "DataStructureDefinition")) in graph
    dimensions = {
        d
        for c in graph.objects(structure, URIRef(qb + "component"))
        for d in graph.objects(c, URIRef(qb + "dimension"))
    }
    measures = {
        m
        for c in graph.objects(structure, URIRef(qb + "component"))
        for m in graph.objects(c, URIRef(qb + "measure"))
    }
    assert dimensions == {
        URIRef(PES + "indicator"),
        URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"),
    }
    assert measures == {URIRef("http://purl.org/linked-data/sdmx/2009/measure#obsValue")}
    assert (URIRef(PES + "indicator"), RDF.type, URIRef(qb + "DimensionProperty")) in graph
