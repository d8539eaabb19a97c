"""The compiled validator reports exactly what pySHACL (the reference) reports, on every example."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from registry.validation import Validator, reference_validate

EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl")) + sorted(
    (Path(__file__).parent / "data" / "ingest").glob("*.ttl"))


def _triples(path: Path) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _keys(results):
    return sorted({(r.focus, r.source_shape if not r.source_shape.startswith("_:") else "", r.component,
                    r.severity) for r in results})


@pytest.fixture(scope="module")
def validator():
    return Validator()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compiled_engine_matches_pyshacl(path: Path, validator) -> None:
    triples = _triples(path)
    ours = validator.validate(triples)
    reference = reference_validate(triples)
    assert _keys(ours) == _keys(reference)
    # Messages come in both languages.
    for r in ours:
        assert r.message("pl") and r.message("en")


def test_validating_documents_together_equals_validating_each(validator) -> None:
    paths = sorted((Path(__file__).parent / "shapes" / "valid").glob("*.ttl"))
    separately = set()
    for p in paths:
        separately |= set(_keys(validator.validate(_triples(p))))
    together = set(_keys(validator.validate([t for p in paths for t in _triples(p)])))
    assert together == separately
