"""NIP and REGON check digits in the SHACL shapes agree with python-stdnum on many numbers."""

from __future__ import annotations

import random

import pytest
from stdnum.pl import nip, regon

from tests.shapes_support import ENGINES, data_store

IDENTIFIER_TYPE = "https://w3id.org/pes-registry/vocab/identifier-type/"
BASE = "http://127.0.0.1:8000/id/entity/checksums#"


def _numbers(length: int, is_valid, count: int, seed: int) -> list[str]:
    """Deterministic pseudo-random numbers, about half of them valid."""
    rng = random.Random(seed)
    numbers: list[str] = []
    while len(numbers) < count:
        digits = "".join(rng.choice("0123456789") for _ in range(length - 1))
        if len(numbers) % 2 == 0:
            # Choose the last digit that makes the number valid, if there is one.
            candidates = [digits + d for d in "0123456789" if is_valid(digits + d)]
            numbers.append(candidates[0] if candidates else digits + rng.choice("0123456789"))
        else:
            numbers.append(digits + rng.choice("0123456789"))
    return numbers


def _regon14(count: int, seed: int) -> list[str]:
    """14-digit REGONs: valid ones, ones with a bad last digit and ones with bad first nine."""
    rng = random.Random(seed)
    prefixes = _numbers(9, regon.is_valid, count, seed)
    numbers = []
    for prefix in prefixes:
        middle = "".join(rng.choice("0123456789") for _ in range(4))
        numbers += [prefix + middle + d for d in rng.sample("0123456789", 3)]
    return numbers


CASES = {
    "nip": _numbers(10, nip.is_valid, 200, seed=1)
    + ["5260250274", "1000000160", "0000000000", "1234567890", "123456789", "12345678901"],
    "regon": _numbers(9, regon.is_valid, 200, seed=2)
    + _regon14(70, seed=3)
    + ["123456785", "12345678512347", "123456786", "12345678512348", "1234567851234", "12345678"],
}
ORACLES = {"nip": nip.is_valid, "regon": regon.is_valid}


def _turtle() -> tuple[str, dict[str, tuple[str, str]]]:
    """One data graph with an identifier node per case; returns it and node -> (kind, number)."""
    lines = [
        "@prefix adms: <http://www.w3.org/ns/adms#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
    ]
    nodes = {}
    for kind, numbers in CASES.items():
        for i, number in enumerate(numbers):
            node = f"{BASE}{kind}-{i}"
            nodes[node] = (kind, number)
            lines.append(
                f'<{node}> a adms:Identifier ; skos:notation "{number}" ; '
                f"dct:type <{IDENTIFIER_TYPE}{kind}> ."
            )
    return "\n".join(lines) + "\n", nodes


def test_cases_contain_valid_and_invalid_numbers() -> None:
    for kind, numbers in CASES.items():
        verdicts = [ORACLES[kind](n) for n in numbers]
        assert sum(verdicts) > 50 and verdicts.count(False) > 50, kind
    assert {len(n) for n in CASES["regon"]} >= {9, 14}


def _assert_agree_with_stdnum(results) -> None:
    _turtle_text, nodes = _turtle()
    rejected = {focus for focus, _message, severity in results if severity == "violation"}
    assert rejected <= set(nodes), "only identifier nodes are rejected"
    disagreements = [
        f"{kind} {number}: stdnum says {'valid' if ORACLES[kind](number) else 'invalid'}"
        for node, (kind, number) in nodes.items()
        if (node not in rejected) != ORACLES[kind](number)
    ]
    assert not disagreements, "\n".join(disagreements)


# Engines that take an Oxigraph store directly: validating a few hundred numbers through
# rdflib's SPARQL would take minutes.
STORE_ENGINES = ["pyshacl-oxigraph"]


@pytest.mark.parametrize("name", STORE_ENGINES)
def test_shapes_agree_with_stdnum(name: str) -> None:
    turtle, _nodes = _turtle()
    _assert_agree_with_stdnum(ENGINES[name](data_store(data=turtle)))
