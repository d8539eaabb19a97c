"""The SHACL shapes against their valid and invalid examples, and the shapes' own conventions.

Each file in ``tests/shapes/invalid`` breaks one rule and says which results it expects:

    # expect: <focus node IRI> | <part of the English message> [| warning]

Valid examples may carry the same lines for the warnings they are allowed to raise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from registry.namespaces import SH
from tests.shapes_support import ENGINES, Result, data_graph, shapes_graph, summary

EXAMPLES = Path(__file__).parent / "shapes"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
SHAPES = "https://w3id.org/pes-registry/shapes#"
XSD_ANY_URI = URIRef("http://www.w3.org/2001/XMLSchema#anyURI")

# Classes of the registry's documents, each of which has a node shape.
DOCUMENT_CLASSES = [
    "https://w3id.org/pes-registry/ontology#SocialEconomyEntity",
    "https://w3id.org/pes-registry/ontology#SocialEconomyUnit",
    "http://www.w3.org/ns/adms#Identifier",
    "https://w3id.org/pes-registry/ontology#StatusAssignment",
    "http://www.w3.org/ns/locn#Address",
    "https://schema.org/Offer",
    "https://schema.org/PriceSpecification",
    "https://schema.org/MonetaryAmount",
    "https://w3id.org/pes-registry/ontology#CityUnit",
    "https://w3id.org/pes-registry/ontology#Municipality",
    "https://w3id.org/pes-registry/ontology#CooperationOpportunity",
    "https://w3id.org/pes-registry/ontology#CompetitionApplication",
    "https://w3id.org/pes-registry/ontology#EvaluationCard",
    "https://w3id.org/pes-registry/ontology#CriterionScore",
    "https://w3id.org/pes-registry/ontology#CooperationAction",
    "https://w3id.org/pes-registry/ontology#CooperationProgramme",
    "https://w3id.org/pes-registry/ontology#Goal",
    "https://w3id.org/pes-registry/ontology#ProgrammeAction",
    "https://w3id.org/pes-registry/ontology#Indicator",
    "http://purl.org/linked-data/cube#Observation",
    "http://purl.org/dc/terms/PeriodOfTime",
    "http://data.europa.eu/eli/ontology#LegalResource",
]

# The SHACL subset the shapes keep to, so that a set-at-a-time engine can compile them.
NODE_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.property, SH.sparql, SH.severity}
PROPERTY_SHAPE_KEYS = {
    SH.path, SH.name, SH.message, SH.severity,
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.hasValue,
    SH.pattern, SH.flags, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.minLength, SH.maxLength, SH.languageIn, SH.uniqueLang, SH.node, SH["or"],
}  # fmt: skip
SPARQL_KEYS = {SH.select, SH.prefixes, SH.message}
ANNOTATIONS = {URIRef("http://www.w3.org/2000/01/rdf-schema#label")}


@dataclass(frozen=True)
class Expected:
    focus: str
    message: str
    severity: str

    def matches(self, result: Result) -> bool:
        focus, message, severity = result
        return focus == self.focus and self.message in message and severity == self.severity


def expectations(path: Path) -> list[Expected]:
    """The ``# expect:`` lines at the top of an example."""
    expected = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect:"):
            fields = [field.strip() for field in line.removeprefix("# expect:").split("|")]
            assert len(fields) in (2, 3), f"{path.name}: malformed expectation {line!r}"
            severity = fields[2] if len(fields) == 3 else "violation"
            assert severity in ("violation", "warning", "info"), f"{path.name}: {line!r}"
            expected.append(Expected(fields[0].strip("<>"), fields[1], severity))
    return expected


@pytest.fixture(params=sorted(ENGINES), scope="module")
def engine(request):
    return ENGINES[request.param]


def check(path: Path, engine) -> tuple[list[Expected], list[Result]]:
    """Validate one example; fail on a missing expected result or an unexpected violation."""
    expected = expectations(path)
    results = engine(data_graph(path))
    missing = [e for e in expected if not any(e.matches(r) for r in results)]
    assert not missing, (
        f"{path.name}: expected results not found: {missing}\ngot:\n{summary(results)}"
    )
    unexpected = [
        r for r in results if r[2] == "violation" and not any(e.matches(r) for e in expected)
    ]
    assert not unexpected, f"{path.name}: unexpected violations:\n{summary(unexpected)}"
    return expected, results


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example(path: Path, engine) -> None:
    expected, results = check(path, engine)
    assert all(e.severity != "violation" for e in expected), "a valid example expects no violation"
    unexpected = [r for r in results if not any(e.matches(r) for e in expected)]
    assert not unexpected, f"{path.name}: unexpected results:\n{summary(unexpected)}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example(path: Path, engine) -> None:
    assert expectations(path), f"{path.name} has no '# expect:' line"
    check(path, engine)


def test_there_are_enough_examples() -> None:
    assert len(VALID) >= 5
    assert len(INVALID) >= 40


def _target_shapes() -> dict[URIRef, URIRef]:
    shapes = shapes_graph()
    return {shape: cls for shape, cls in shapes.subject_objects(SH.targetClass)}


def test_every_document_class_has_a_shape() -> None:
    targets = {str(cls) for cls in _target_shapes().values()}
    assert not set(DOCUMENT_CLASSES) - targets
    assert not targets - set(DOCUMENT_CLASSES), "a shape targets a class the documents do not use"


def test_valid_examples_cover_every_class() -> None:
    graph = data_graph(*VALID)
    missing = [cls for cls in DOCUMENT_CLASSES if (None, RDF.type, URIRef(cls)) not in graph]
    assert not missing


def _english_messages(shape: URIRef) -> list[str]:
    """English messages of a node shape: its property shapes and SPARQL constraints."""
    shapes = shapes_graph()
    constraints = list(shapes.objects(shape, SH.property)) + list(shapes.objects(shape, SH.sparql))
    return [
        str(message)
        for constraint in constraints
        for message in shapes.objects(constraint, SH.message)
        if message.language == "en"
    ]


def test_invalid_examples_exercise_every_targeted_shape() -> None:
    expected = [e for path in INVALID for e in expectations(path)]
    untested = [
        str(shape)
        for shape in _target_shapes()
        if not any(e.message in message for e in expected for message in _english_messages(shape))
    ]
    assert not untested


def _node_shapes() -> set:
    shapes = shapes_graph()
    named = set(shapes.subjects(RDF.type, SH.NodeShape))
    return named | set(shapes.objects(None, SH.node))


def test_shapes_stay_in_the_compiled_subset() -> None:
    shapes = shapes_graph()
    problems = []
    for shape in _node_shapes():
        for key in set(shapes.predicates(shape)) - NODE_SHAPE_KEYS - ANNOTATIONS:
            problems.append(f"{shape}: {key}")
        for prop in shapes.objects(shape, SH.property):
            for key in set(shapes.predicates(prop)) - PROPERTY_SHAPE_KEYS:
                problems.append(f"{shape} property: {key}")
            path = shapes.value(prop, SH.path)
            if isinstance(path, BNode):
                if shapes.value(path, RDF.first) is not None:
                    steps = list(Collection(shapes, path))
                    ok = all(isinstance(step, URIRef) for step in steps)
                else:
                    inverse = shapes.value(path, SH.inversePath)
                    ok = isinstance(inverse, URIRef) and len(set(shapes.predicates(path))) == 1
                if not ok:
                    problems.append(f"{shape}: unsupported path")
            for members in shapes.objects(prop, SH["or"]):
                for member in Collection(shapes, members):
                    keys = set(shapes.predicates(member))
                    if keys not in ({SH.datatype}, {SH["class"]}):
                        problems.append(f"{shape}: sh:or member with {keys}")
        for constraint in shapes.objects(shape, SH.sparql):
            for key in set(shapes.predicates(constraint)) - SPARQL_KEYS:
                problems.append(f"{shape} sparql: {key}")
            if shapes.value(constraint, SH.prefixes) != URIRef(SHAPES):
                problems.append(f"{shape}: sh:prefixes must be pessh:")
            select = str(shapes.value(constraint, SH.select))
            if "$this" not in select or not select.strip().startswith("SELECT"):
                problems.append(f"{shape}: SPARQL must be a SELECT on $this")
    targets = [shapes.value(s, p) for s, p, _ in shapes.triples((None, None, None))
               if p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)]  # fmt: skip
    assert not targets, "only sh:targetClass is used"
    assert not problems, "\n".join(sorted(problems))


def test_every_constraint_speaks_polish_and_english() -> None:
    shapes = shapes_graph()
    problems = []
    for shape in _node_shapes():
        for prop in shapes.objects(shape, SH.property):
            for key in (SH.message, SH.name):
                languages = {
                    m.language for m in shapes.objects(prop, key) if isinstance(m, Literal)
                }
                if languages != {"pl", "en"}:
                    problems.append(f"{shape} {shapes.value(prop, SH.path)}: {key} in {languages}")
        for constraint in shapes.objects(shape, SH.sparql):
            languages = {m.language for m in shapes.objects(constraint, SH.message)}
            if languages != {"pl", "en"}:
                problems.append(f"{shape} sparql: sh:message in {languages}")
    assert not problems, "\n".join(sorted(problems))


def test_shape_iris_and_prefix_declarations() -> None:
    shapes = shapes_graph()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        assert str(shape).startswith(SHAPES), shape
    declared = {
        str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace))
        for d in shapes.objects(URIRef(SHAPES), SH.declare)
    }
    assert declared["pes"] == "https://w3id.org/pes-registry/ontology#"
    for declaration in shapes.objects(URIRef(SHAPES), SH.declare):
        assert shapes.value(declaration, SH.namespace).datatype == XSD_ANY_URI
