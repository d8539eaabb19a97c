"""Named queries: headers, parameter binding, and each query's answers on the demo data.

Expected answers are computed from the demo's own tables (``registry.demo``) and the shipped
concept schemes, never from the queries' output.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from registry import config, queries
from registry.catalog import CATALOGUE_DATASETS, DATASETS, IANA, LICENCE
from registry.cli import main
from registry.demo import (
    ACTIONS,
    CITY_UNITS,
    ENTITIES,
    FIT,
    OFFERS,
    OPPORTUNITIES,
    PROGRAMMES,
    _identifiers,
    current_opportunity_rows,
    demo_documents,
    short_name,
)
from registry.dumps import DUMPS
from registry.errors import QueryDefinitionError, UsageError
from registry.namespaces import VOCAB_BASE
from registry.queries import ParameterError
from registry.stats import counts
from registry.store import Store, Write, catalog_graph
from registry.system import install

from .conftest import BASE, NEED_A_HARVEST

DOCS = Path(__file__).resolve().parent.parent / "docs" / "named-queries.md"
CPV = f"{VOCAB_BASE}cpv/"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"

# The day the demo store was loaded (set by the fixture: a run may cross midnight).
LOADED_ON = [dt.date.today()]


def all_opportunities() -> tuple:
    """The demo as loaded: its fixed calls and those dated around the day of loading."""
    return (*OPPORTUNITIES, *current_opportunity_rows(LOADED_ON[0]))


# -- the demo store ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo data set loaded by the CLI, as an administrator would (catalogue included)."""
    data = tmp_path_factory.mktemp("demo") / "data"
    before = dt.date.today()
    assert main(["--data", str(data), "--base", BASE, "demo"]) == 0
    after = dt.date.today()
    gc.collect()  # the command's store must be released before the store is opened again
    store = Store(data, BASE)
    LOADED_ON[0] = before
    if after != before:  # loaded across midnight: the calls' dates tell which day it took
        key, issued = current_opportunity_rows(after)[0][0], current_opportunity_rows(after)[0][7]
        if bool(store.query(f"ASK {{ <{BASE}/id/opportunity/{key}> <http://purl.org/dc/terms/issued> "
                            f'"{issued}"^^<http://www.w3.org/2001/XMLSchema#date> }}')):
            LOADED_ON[0] = after
    yield store
    store.close()


def rows(store: Store, name: str, **raw: str) -> list[dict[str, str | None]]:
    """Solutions of a named query as dicts of plain values (None for unbound)."""
    result = queries.get(name).run(store, raw)
    names = [v.value for v in result.variables]
    return [
        {n: (None if s[n] is None else s[n].value) for n in names}
        for s in result
    ]


def entity(key: str) -> str:
    return f"{BASE}/id/entity/{key}"


def offer(entity_key: str, suffix: str) -> str:
    return f"{BASE}/id/offer/{short_name(entity_key)}-{suffix}"


def opportunity(key: str) -> str:
    return f"{BASE}/id/opportunity/{key}"


def concept(scheme: str, key: str) -> str:
    return f"{VOCAB_BASE}{scheme}/{key}"


# -- independent facts: the CPV hierarchy and concept labels, from the shipped schemes --------


@cache
def vocabulary(scheme: str) -> rdflib.Graph:
    return rdflib.Graph().parse(config.vocab_dir() / f"{scheme}.ttl", format="turtle")


@cache
def cpv_parent() -> dict[str, str]:
    graph = vocabulary("cpv")
    broader = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader")
    return {str(s)[len(CPV):]: str(o)[len(CPV):] for s, o in graph.subject_objects(broader)}


def cpv_ancestors(code: str) -> list[str]:
    """The code and every code above it, nearest first."""
    chain = [code]
    while chain[-1] in cpv_parent():
        chain.append(cpv_parent()[chain[-1]])
    return chain


def is_division(code: str) -> bool:
    return code not in cpv_parent()


def label(scheme: str, key: str, lang: str = "pl") -> str:
    pref = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    (value,) = [
        str(o)
        for o in vocabulary(scheme).objects(rdflib.URIRef(concept(scheme, key)), pref)
        if o.language == lang
    ]
    return value


# -- independent facts: the demo tables --------------------------------------------------------


def entity_rows() -> dict[str, tuple]:
    return {row[0]: row for row in ENTITIES}


def share_at_risk(key: str) -> Decimal | None:
    """The share as the demo writes it (only for entities with employees), to two places."""
    row = entity_rows()[key]
    return Decimal(f"{row[8]:.2f}") if row[7] else None


def statuses_on(key: str, day: dt.date) -> set[str]:
    """Status-type keys an entity holds on a day (Zakup Prospołeczny lasts one year)."""
    held = set()
    for status in entity_rows()[key][10]:
        code, _, start = status.partition(":")
        begin = dt.date.fromisoformat(start)
        end = None
        if code == "zp":
            end = dt.date(begin.year + 1, begin.month, begin.day) - dt.timedelta(days=1)
        if begin <= day and (end is None or end >= day):
            held.add({"opp": "opp", "zp": "zakup-prospoleczny"}.get(code, "przedsiebiorstwo-spoleczne"))
    return held


def all_offers() -> list[tuple[str, str, str, tuple]]:
    """(entity key, offer IRI, CPV code, fits) of every demo offer."""
    return [
        (key, offer(key, row[0]), row[2], tuple(FIT[f] for f in row[5]))
        for key, offered in OFFERS.items()
        for row in offered
    ]


def opportunity_rows() -> dict[str, tuple]:
    return {row[0]: row for row in all_opportunities()}


CLOSED = {"zamknieta", "rozstrzygnieta", "anulowana"}


def is_open(row: tuple, day: dt.date) -> bool:
    issued, deadline, status = row[7], row[8], row[9]
    if status == "anulowana" or dt.date.fromisoformat(issued) > day:
        return False
    if deadline:
        return dt.date.fromisoformat(deadline) >= day
    return status not in CLOSED


def cpv_level(offered: str, wanted: str) -> int:
    """Points of an offer's CPV code for a wanted code: the code or a narrower one 8, the same
    group (under a broader code of the wanted one, below the division) 5, the same division 2."""
    above = cpv_ancestors(offered)
    if wanted in above:
        return 8
    if any(g in above for g in cpv_ancestors(wanted)[1:] if not is_division(g)):
        return 5
    if cpv_ancestors(wanted)[-1] == above[-1]:
        return 2
    return 0


def match(entity_key: str, opportunity_key: str) -> tuple[set[str], int, set[str], int] | None:
    """Offers under the call's code or its groups, how many of them declare fit for the kind,
    shared areas, and the score (best CPV level + 3 per shared area; the demo's calls name no
    place, and its units have no address, so being based there never counts here)."""
    row = opportunity_rows()[opportunity_key]
    kind, areas, wanted = row[2], set(row[4]), row[5]
    if kind == "zamowienie-zastrzezone-art94":
        form = entity_rows()[entity_key][2]
        share = share_at_risk(entity_key)
        eligible = form in ("spoldzielnia-socjalna", "unit:zaz") or (share is not None and share >= Decimal("0.3"))
        if not eligible:
            return None
    offers, fit, best = set(), 0, 0
    if wanted:
        for key, iri, code, fits in all_offers():
            if key != entity_key:
                continue
            level = cpv_level(code, wanted)
            best = max(best, level)
            if level >= 5:
                offers.add(iri)
                fit += kind in fits
    shared = {concept("public-task-area", a) for a in areas & set(entity_rows()[entity_key][9])}
    if not best and not shared:
        return None
    return offers, fit, shared, best + 3 * len(shared)


# -- headers and definitions --------------------------------------------------------------------


def test_every_shipped_query_parses_with_documented_parameters():
    found = queries.all_queries()
    files = sorted(p.stem for p in config.queries_dir().glob("*.rq"))
    assert sorted(found) == files
    assert len(files) >= 11
    for name, query in found.items():
        assert query.summary and query.form in queries.FORMS, name
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#+"))
        for p in query.parameters:
            assert f"?{p.name}" in body, (name, p.name)
            assert p.description and p.type in queries.TYPES, (name, p.name)


def test_the_issue_queries_exist_with_their_forms():
    expected = {
        "offers_by_cpv": "select",
        "reserved_contract_entities": "select",
        "entities_by_city_part_form_status": "select",
        "open_opportunities": "select",
        "entities_for_opportunity": "select",
        "opportunities_for_entity": "select",
        "cooperation_actions_by_year_form": "select",
        "programme_indicators": "select",
        "dcat_catalog": "construct",
        "data_quality": "select",
        "counts": "select",
    }
    assert {n: queries.get(n).form for n in expected} == expected


def test_every_query_is_listed_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for name in queries.all_queries():
        assert f"`{name}`" in text, name


def test_every_indicator_query_named_by_the_demo_exists():
    sources = {source for spec in PROGRAMMES for *_, source, _ in spec["indicators"]}
    named = {s for s in sources if s.replace("_", "a").isalnum() and s == s.lower()}
    assert named and named <= set(queries.all_queries())


def test_unknown_query_is_a_usage_error():
    with pytest.raises(UsageError, match="no_such_query"):
        queries.get("no_such_query")


GOOD = """#+ summary: A test query
#+ parameters:
#+   cpv:
#+     type: concept
#+     scheme: cpv
#+     description: A code.
#+     example: 55520000-1
SELECT ?offer ?cpv WHERE { ?offer <https://schema.org/category> ?cpv }
"""


def test_a_good_header_parses():
    query = queries.parse("sample", GOOD)
    assert query.form == "select"
    (p,) = query.parameters
    assert (p.name, p.type, p.scheme, p.example, p.required) == ("cpv", "concept", "cpv",
                                                                 "55520000-1", False)


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD.replace("#+ summary: A test query", "#+ summary: [unclosed"), "not valid YAML"),
        (GOOD.replace("#+ summary: A test query\n", ""), "summary"),
        (GOOD.replace("#+ summary:", "#+ sumary:"), "unknown header keys"),
        (GOOD.replace("type: concept", "type: colour"), "type 'colour'"),
        (GOOD.replace("example: 55520000-1", "example: 12345678-9"), "example"),
        (GOOD.replace("scheme: cpv", "scheme: nothing"), "no concept scheme"),
        (GOOD.replace("#+     description: A code.\n", ""), "needs a description"),
        (GOOD.replace("SELECT ?offer ?cpv", "SELECT ?offer ?x"), "cannot bind"),
        (GOOD.replace("?cpv }", "?category }").replace("?offer ?cpv", "?offer"), "does not appear"),
        (GOOD.replace("#+     example: 55520000-1", "#+     required: true\n#+     default: x"),
         "required"),
        (GOOD.replace("WHERE {", "WHERE { {"), "syntax"),
        ("SELECT * WHERE { ?s ?p ?o }", "header"),
    ],
)
def test_a_malformed_header_names_the_file(text, message):
    with pytest.raises(QueryDefinitionError) as error:
        queries.parse("broken", text, source="broken.rq")
    assert "broken.rq" in str(error.value) and message in str(error.value)


def test_a_malformed_shipped_file_names_it(tmp_path, monkeypatch):
    (tmp_path / "good.rq").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.rq").write_text("#+ summary: [\nSELECT * {}", encoding="utf-8")
    monkeypatch.setattr(config, "queries_dir", lambda: tmp_path)
    queries.all_queries.cache_clear()
    try:
        with pytest.raises(QueryDefinitionError, match="bad.rq"):
            queries.all_queries()
    finally:
        queries.all_queries.cache_clear()


# -- binding ------------------------------------------------------------------------------------


def test_bind_gives_n_triples_terms_and_applies_defaults():
    query = queries.get("open_opportunities")
    bound = query.bind({"date": "2026-02-05", "kind": "maly-grant"}, BASE)
    assert bound == {
        "date": f'"2026-02-05"^^<{XSD}date>',
        "kind": f"<{VOCAB_BASE}cooperation-instrument/maly-grant>",
        "lang": '"pl"',
    }
    today = query.bind({}, BASE)
    assert today["date"] == f'"{queries.today().isoformat()}"^^<{XSD}date>'
    assert "kind" not in today and "publicTaskArea" not in today  # optional: left unbound


def test_bind_converts_every_type():
    cpv = queries.get("offers_by_cpv")
    assert cpv.bind({"cpv": "55520000"}, BASE)["cpv"] == f"<{CPV}55520000-1>"
    assert cpv.bind({"cpv": f"{CPV}55520000-1"}, BASE)["cpv"] == f"<{CPV}55520000-1>"
    reserved = queries.get("reserved_contract_entities")
    assert reserved.bind({"minShare": "0,50"}, BASE)["minShare"] == f'"0.5"^^<{XSD}decimal>'
    assert reserved.bind({}, BASE)["minShare"] == f'"0.3"^^<{XSD}decimal>'
    years = queries.get("cooperation_actions_by_year_form")
    assert years.bind({"year": " 02025 "}, BASE)["year"] == f'"2025"^^<{XSD}integer>'
    match_ = queries.get("entities_for_opportunity")
    key = "2026-catering-szkoly"
    assert match_.bind({"opportunity": key}, BASE)["opportunity"] == f"<{opportunity(key)}>"
    assert match_.bind({"opportunity": opportunity(key)}, BASE)["opportunity"] == (
        f"<{opportunity(key)}>"
    )
    subs = match_.substitutions({"opportunity": key}, BASE)
    assert subs[ox.Variable("opportunity")] == ox.NamedNode(opportunity(key))
    assert subs[ox.Variable("lang")] == ox.Literal("pl")


@pytest.mark.parametrize(
    "name, raw, parameter",
    [
        ("offers_by_cpv", {}, "cpv"),
        ("offers_by_cpv", {"cpv": "   "}, "cpv"),
        ("offers_by_cpv", {"cpv": "55520000-1", "colour": "red"}, "colour"),
        ("offers_by_cpv", {"cpv": "99999999-9"}, "cpv"),
        ("offers_by_cpv", {"cpv": "55520000-1", "lang": "de"}, "lang"),
        ("open_opportunities", {"date": "2026-13-01"}, "date"),
        ("open_opportunities", {"date": "01.02.2026"}, "date"),
        ("open_opportunities", {"date": "2026-2-1"}, "date"),
        ("open_opportunities", {"kind": "no-such-instrument"}, "kind"),
        ("cooperation_actions_by_year_form", {"year": "20x5"}, "year"),
        ("cooperation_actions_by_year_form", {"year": "2025.5"}, "year"),
        ("reserved_contract_entities", {"minShare": "a third"}, "minShare"),
        ("entities_for_opportunity", {"opportunity": "Bad Key!"}, "opportunity"),
        ("entities_for_opportunity", {"opportunity": "x> } ; DROP ALL #"}, "opportunity"),
        ("programme_indicators", {}, "programme"),
        ("entity_by_identifier", {"identifier": "1" * 2000}, "identifier"),
    ],
)
def test_bad_values_are_parameter_errors_naming_the_parameter(name, raw, parameter):
    with pytest.raises(ParameterError) as error:
        queries.get(name).bind(raw, BASE)
    assert error.value.parameter == parameter
    assert f"'{parameter}'" in str(error.value)
    assert isinstance(error.value, UsageError)


INJECTIONS = ['x"> } ; DROP ALL #', "' } DELETE WHERE { ?s ?p ?o } #", '"""\n} #', "<a> . <b>"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_is_bound_as_a_plain_literal(demo, value):
    query = queries.get("entity_by_identifier")
    bound = query.bind({"identifier": value}, BASE)
    assert queries.parse_term(bound["identifier"]) == ox.Literal(value)
    before = len(demo)
    assert rows(demo, "entity_by_identifier", identifier=value) == []
    assert len(demo) == before
    for name, parameter in (("offers_by_cpv", "cpv"), ("open_opportunities", "date"),
                            ("programme_indicators", "programme")):
        with pytest.raises(ParameterError):
            queries.get(name).bind({parameter: value}, BASE)


def test_parse_term_accepts_one_term_only():
    assert queries.parse_term(f'"2026-01-01"^^<{XSD}date>') == ox.Literal(
        "2026-01-01", datatype=ox.NamedNode(f"{XSD}date")
    )
    for text in ['"a" . <urn:s> <urn:p> "b"', "<urn:a> <urn:b>", "_:b1", "", '"open']:
        with pytest.raises(UsageError):
            queries.parse_term(text)


def test_the_binding_idioms_the_queries_rely_on():
    """pyoxigraph binds a variable as an initial value: the idioms of docs/named-queries.md."""
    store = ox.Store()
    store.load(b"<urn:a> <urn:p> 1 . <urn:b> <urn:p> 2 . <urn:c> <urn:p> 3 .", ox.RdfFormat.TURTLE)
    two = ox.Literal("2", datatype=ox.NamedNode(f"{XSD}integer"))

    def subjects(text, value=None):
        subs = {ox.Variable("v"): value} if value is not None else None
        return sorted(s["s"].value for s in store.query(text, substitutions=subs))

    optional = "SELECT ?s ?v WHERE { ?s <urn:p> ?x FILTER(COALESCE(?x >= ?v, true)) }"
    assert subjects(optional, two) == ["urn:b", "urn:c"]
    assert subjects(optional) == ["urn:a", "urn:b", "urn:c"]
    computed = "SELECT ?s ?v WHERE { ?s <urn:p> ?x BIND(?x AS ?v) }"
    assert subjects(computed, two) == ["urn:b"]
    marked = ("SELECT ?s ?v WHERE { ?s <urn:p> ?x "
              "OPTIONAL { SELECT DISTINCT ?s ?v (true AS ?m) WHERE { ?s <urn:p> ?y "
              "FILTER(sameTerm(?y, ?v)) } } "
              "FILTER(BOUND(?m) || COALESCE(!isLiteral(?v), true)) }")
    assert subjects(marked, two) == ["urn:b"]
    assert subjects(marked) == ["urn:a", "urn:b", "urn:c"]
    marker = ("SELECT ?s ?v WHERE { ?s ?q ?z OPTIONAL { ?s <urn:p> ?v BIND(true AS ?m) } "
              "FILTER(BOUND(?m) || COALESCE(!isLiteral(?v), true)) }")
    assert subjects(marker, two) == ["urn:b"]
    assert subjects(marker) == ["urn:a", "urn:b", "urn:c"]
    with pytest.raises(RuntimeError):  # a SELECT must project what it binds
        subjects("SELECT ?s WHERE { ?s <urn:p> ?v }", two)


def test_the_idioms_for_fast_queries():
    """The idioms of "Writing a fast query" (docs/named-queries.md) mean what the docs say."""
    store = ox.Store()
    store.load(b"<urn:a> <urn:p> 1 . <urn:b> <urn:p> 2 . <urn:c> <urn:p> 3 . <urn:c> <urn:q> 2 .",
               ox.RdfFormat.TURTLE)
    two = ox.Literal("2", datatype=ox.NamedNode(f"{XSD}integer"))

    def subjects(text, value=None):
        subs = {ox.Variable("v"): value} if value is not None else None
        return sorted(s["s"].value for s in store.query(text, substitutions=subs))

    # A start the optimiser knows to be bound: the value given, or a blank node matching nothing.
    start = "SELECT ?s ?v WHERE { BIND(COALESCE(?v, BNODE()) AS ?o) ?s <urn:p> ?o }"
    assert subjects(start, two) == ["urn:b"]
    assert subjects(start) == []
    # Not BIND(?v AS ?o): the optimiser drops a BIND of a variable that no pattern binds.
    assert subjects("SELECT ?s ?v WHERE { BIND(?v AS ?o) ?s <urn:p> ?o }", two) == [
        "urn:a", "urn:b", "urn:c"]
    # A group that holds only a filter on a parameter: empty, so the branch gives nothing, when
    # the parameter has another value.
    guard = ("SELECT ?s ?v WHERE { { { FILTER(COALESCE(?v = 2, true)) } ?s <urn:p> 1 } "
             "UNION { { FILTER(COALESCE(?v = 3, true)) } ?s <urn:p> 3 } }")
    assert subjects(guard, two) == ["urn:a"]
    assert subjects(guard) == ["urn:a", "urn:c"]
    # A subquery that projects a parameter sees its value in the branches of a UNION.
    union = ("SELECT ?s ?v WHERE { { SELECT ?s ?v WHERE { { ?s <urn:p> ?v } "
             "UNION { ?s <urn:q> ?w FILTER(sameTerm(?w, ?v)) } } } }")
    assert subjects(union, two) == ["urn:b", "urn:c"]


# -- every example gives an answer ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(queries.all_queries()))
def test_examples_give_answers(demo, name):
    query = queries.get(name)
    examples = {p.name: p.example for p in query.parameters if p.example is not None}
    required = {p.name for p in query.parameters if p.required}
    assert required <= set(examples), name
    # Each example alone, with the required ones and the dates that default to today (whose
    # answer depends on the day the test runs).
    fixed = required | {p.name for p in query.parameters if p.default == queries.TODAY}
    base = {k: v for k, v in examples.items() if k in fixed}
    cases = [examples, base] + [{**base, p: v} for p, v in examples.items() if p not in fixed]
    for raw in cases:
        result = list(query.run(demo, raw))
        if name in NEED_A_HARVEST:
            assert result == [], (name, raw)  # one registry alone: nothing to link
            continue
        assert result, (name, raw)


# -- the queries' answers ------------------------------------------------------------------------


def test_counts_on_the_demo(demo):
    c = counts(demo)
    assert (c["entities"], c["offers"], c["opportunities"], c["actions"], c["programmes"],
            c["units"]) == (len(ENTITIES), len(all_offers()), len(all_opportunities()), len(ACTIONS),
                            len(PROGRAMMES), len(CITY_UNITS) + 1)


@pytest.mark.parametrize("code", ["55520000-1", "55520000", "85000000-9", "90919000-2",
                                  "92000000-1", "79952000-2", "15810000-9"])
def test_offers_by_cpv(demo, code):
    found = rows(demo, "offers_by_cpv", cpv=code)
    full = next(k for k in cpv_parent().keys() | set(cpv_parent().values())
                if k.startswith(code))
    expected = {(iri, entity(key), c) for key, iri, c, _ in all_offers()
                if full in cpv_ancestors(c)}
    assert {(r["offer"], r["entity"], r["category"][len(CPV):]) for r in found} == expected
    assert expected
    for r in found:
        assert r["categoryLabel"] == label("cpv", r["category"][len(CPV):])
        assert r["cpv"] == f"{CPV}{full}" and r["offerName"] and r["entityName"]
    english = rows(demo, "offers_by_cpv", cpv=code, lang="en")
    assert {r["categoryLabel"] for r in english} == {
        label("cpv", r["category"][len(CPV):], "en") for r in found
    }


@pytest.mark.parametrize("min_share, code", [(None, None), ("0.5", None), ("0.7", None),
                                             (None, "55520000-1"), ("0.5", "90000000-7")])
def test_reserved_contract_entities(demo, min_share, code):
    raw = {k: v for k, v in (("minShare", min_share), ("cpv", code)) if v}
    found = rows(demo, "reserved_contract_entities", **raw)
    threshold = Decimal(min_share or "0.3")
    expected = set()
    for key in entity_rows():
        share = share_at_risk(key)
        if share is None or share < threshold:
            continue
        if code and not any(k == key and code in cpv_ancestors(c) for k, _, c, _ in all_offers()):
            continue
        expected.add(entity(key))
    assert {r["entity"] for r in found} == expected
    assert expected
    for r in found:
        key = r["entity"].rsplit("/", 1)[1]
        row = entity_rows()[key]
        assert Decimal(r["share"]) == share_at_risk(key)
        assert int(r["employees"]) == row[7]
        fits = sum("zamowienie-zastrzezone-art94" in f for k, _, _, f in all_offers() if k == key)
        assert int(r["offersFit"]) == fits
        form = row[2][5:] if row[2].startswith("unit:") else row[2]
        assert r["legalForm"].rsplit("/", 1)[1] == form
    shares = [Decimal(r["share"]) for r in found]
    assert shares == sorted(shares, reverse=True)


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"cityPart": "bielany"},
        {"cityPart": "stare-miasto"},
        {"legalForm": "fundacja"},
        {"legalForm": "spoldzielnia-socjalna", "cityPart": "bielany"},
        {"status": "przedsiebiorstwo-spoleczne", "date": "2026-01-15"},
        {"status": "zakup-prospoleczny", "date": "2025-07-01"},
        {"status": "zakup-prospoleczny"},
        {"status": "opp", "legalForm": "stowarzyszenie", "date": "2020-01-01"},
    ],
)
def test_entities_by_city_part_form_status(demo, raw):
    found = rows(demo, "entities_by_city_part_form_status", **raw)
    day = dt.date.fromisoformat(raw.get("date", queries.today().isoformat()))
    expected = set()
    for key, row in entity_rows().items():
        if "cityPart" in raw and row[4] != raw["cityPart"]:
            continue
        if "legalForm" in raw and row[2] != raw["legalForm"]:
            continue
        if "status" in raw and raw["status"] not in statuses_on(key, day):
            continue
        expected.add(entity(key))
    assert {r["entity"] for r in found} == expected
    assert len(found) == len(expected)  # one row per entity
    for r in found:
        key = r["entity"].rsplit("/", 1)[1]
        assert r["cityPart"] == concept("city-part", entity_rows()[key][4])
        held = {label("status-type", s) for s in statuses_on(key, day)}
        assert set((r["statuses"] or "").split("; ")) - {""} == held


@pytest.mark.parametrize(
    "raw",
    [
        {"date": "2026-02-05"},
        {"date": "2026-02-05", "kind": "otwarty-konkurs"},
        {"date": "2026-02-05", "publicTaskArea": "18"},
        {"date": "2013-01-20"},
        {"date": "2016-06-01"},
        {"date": "2026-04-15"},
        {"date": "2024-01-10"},
        {},
    ],
)
def test_open_opportunities(demo, raw):
    found = rows(demo, "open_opportunities", **raw)
    day = dt.date.fromisoformat(raw.get("date", queries.today().isoformat()))
    expected = {
        opportunity(key)
        for key, row in opportunity_rows().items()
        if is_open(row, day)
        and raw.get("kind", row[2]) == row[2]
        and ("publicTaskArea" not in raw or raw["publicTaskArea"] in row[4])
    }
    assert {r["opportunity"] for r in found} == expected
    deadlines = [r["deadline"] for r in found if r["deadline"]]
    assert deadlines == sorted(deadlines)
    for r in found:
        row = opportunity_rows()[r["opportunity"].rsplit("/", 1)[1]]
        assert r["issued"] == row[7] and r["deadline"] == row[8]
        assert r["budget"] == (None if row[6] is None else str(row[6]))
        assert r["publisher"] == f"{BASE}/id/unit/{row[3]}"


def test_open_opportunities_include_one_without_deadline_while_it_runs(demo):
    # 2016-lokal-2-pietro has no deadline and is closed: never open, whatever the date.
    found = {r["opportunity"] for r in rows(demo, "open_opportunities", date="2016-03-01")}
    assert opportunity("2016-lokal-2-pietro") not in found
    assert opportunity("2016-konkurs-sport") not in found  # its deadline was 2016-02-08


@pytest.mark.parametrize("key", sorted(opportunity_rows()))
def test_entities_for_opportunity(demo, key):
    found = rows(demo, "entities_for_opportunity", opportunity=key)
    expected = {}
    for entity_key in entity_rows():
        m = match(entity_key, key)
        if m is not None:
            expected[entity(entity_key)] = m
    assert {r["entity"] for r in found} == set(expected)
    for r in found:
        offers, fit, areas, score = expected[r["entity"]]
        assert set(r["offers"].split()) == offers
        assert int(r["matchingOffers"]) == len(offers) and int(r["offersFit"]) == fit
        assert set(r["areas"].split()) == areas and int(r["sharedAreas"]) == len(areas)
        assert int(r["score"]) == score and r["reasons"]
    ranks = [int(r["score"]) for r in found]
    assert ranks == sorted(ranks, reverse=True)


def test_reserved_contracts_match_only_eligible_entities(demo):
    found = {r["entity"] for r in rows(demo, "entities_for_opportunity",
                                       opportunity="2026-catering-szkoly")}
    # The rural women's circles offer catering but employ nobody at risk of exclusion.
    assert entity("kgw-grebocinianki") not in found
    assert {entity("kuznia-smaku-non-profit"), entity("zaz-smaki-torunia")} <= found


@pytest.mark.parametrize("key", sorted(entity_rows()))
def test_opportunities_for_entity_is_the_reverse(demo, key):
    found = rows(demo, "opportunities_for_entity", entity=key)
    expected = {}
    for opportunity_key, row in opportunity_rows().items():
        if row[9] == "anulowana":
            continue
        m = match(key, opportunity_key)
        if m is not None:
            expected[opportunity(opportunity_key)] = m
    assert {r["opportunity"] for r in found} == set(expected)
    for r in found:
        offers, fit, areas, score = expected[r["opportunity"]]
        assert set(r["offers"].split()) == offers and int(r["offersFit"]) == fit
        assert set(r["areas"].split()) == areas and int(r["score"]) == score


@pytest.mark.parametrize("key, day", [("spoldzielnia-socjalna-opieka-plus", "2026-02-05"),
                                      ("fundacja-pod-lipami", "2013-01-20"),
                                      ("kgw-kaszczorek", "2026-02-05")])
def test_opportunities_for_entity_open_on_a_date(demo, key, day):
    found = rows(demo, "opportunities_for_entity", entity=key, openOn=day)
    expected = {
        opportunity(k)
        for k, row in opportunity_rows().items()
        if is_open(row, dt.date.fromisoformat(day)) and match(key, k) is not None
    }
    assert {r["opportunity"] for r in found} == expected


@pytest.mark.parametrize("raw", [{}, {"year": "2013"}, {"form": "maly-grant"},
                                 {"year": "2024", "form": "zakup-ponizej-130k"}, {"year": "1999"}])
def test_cooperation_actions_by_year_form(demo, raw):
    found = rows(demo, "cooperation_actions_by_year_form", **raw)
    groups: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for row in ACTIONS:
        year, form = int(row[8][:4]), row[2]
        if raw.get("year", str(year)) == str(year) and raw.get("form", form) == form:
            groups[(year, form)].append(row)
    expected = {
        (year, concept("cooperation-instrument", form)): (
            len(actions),
            sum(a[10] or 0 for a in actions),
            sum(a[10] is not None for a in actions),
            sum(a[11] or 0 for a in actions),
            len({p for a in actions for p in a[4]}),
        )
        for (year, form), actions in groups.items()
    }
    assert {
        (int(r["year"]), r["form"]): (int(r["actions"]), int(r["amount"]),
                                      int(r["actionsWithAmount"]), int(r["beneficiaries"]),
                                      int(r["partners"]))
        for r in found
    } == expected
    assert len(found) == len(expected)
    for r in found:
        assert r["formLabel"] == label("cooperation-instrument", r["form"].rsplit("/", 1)[1])


@pytest.mark.parametrize("spec", PROGRAMMES, ids=lambda spec: spec["key"])
def test_programme_indicators(demo, spec):
    found = rows(demo, "programme_indicators", programme=spec["key"])
    expected = set()
    for number, (name, unit, baseline, target, source, observed) in enumerate(
        spec["indicators"], start=1
    ):
        iri = f"{BASE}/id/programme/{spec['key']}#indicator-{number}"
        for year, value in (sorted(observed.items()) or [(None, None)]):
            progress = None
            if value is not None and target != baseline:
                ratio = Decimal(value - baseline) / Decimal(target - baseline)
                progress = ratio.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            expected.add((iri, name, unit, baseline, target, source,
                          None if year is None else str(year), value, progress))
    assert {
        (r["indicator"], r["indicatorName"], r["unit"], int(r["baseline"]), int(r["target"]),
         r["computedBy"] or r["manualSource"], r["year"],
         None if r["value"] is None else int(r["value"]),
         None if r["progress"] is None else Decimal(r["progress"]).quantize(Decimal("0.001")))
        for r in found
    } == expected
    assert len(found) == len(expected)
    numbers = [int(r["indicator"].rsplit("-", 1)[1]) for r in found]
    assert numbers == sorted(numbers)


def test_data_quality_on_the_demo(demo):
    day = dt.date(2026, 6, 1)
    found = rows(demo, "data_quality", date=day.isoformat())
    expected = set()
    for key, row in opportunity_rows().items():
        if row[9] == "otwarta" and row[8] and dt.date.fromisoformat(row[8]) < day:
            expected.add((opportunity(key), "open-after-deadline"))
        if row[9] == "planowana" and dt.date.fromisoformat(row[7]) <= day:
            expected.add((opportunity(key), "planned-after-issue-date"))
    assert {(r["resource"], r["problem"]) for r in found} == expected
    assert expected
    only = rows(demo, "data_quality", date=day.isoformat(), problem="planned-after-issue-date",
                lang="en")
    assert {(r["resource"], r["problem"]) for r in only} == {
        e for e in expected if e[1] == "planned-after-issue-date"
    }
    assert all(r["explanation"].startswith("The opportunity") for r in only)


def test_data_quality_finds_missing_contact_data_and_cpv_codes():
    # Data the shapes would refuse can still arrive through a restore: written here directly.
    store = Store(None, BASE)
    install(store)
    e, o = entity("bez-kontaktu"), f"{BASE}/id/offer/bez-cpv"
    other, good = f"{BASE}/id/offer/inna-kategoria", f"{BASE}/id/offer/z-cpv"
    pes, schema = "https://w3id.org/pes-registry/ontology#", "https://schema.org/"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    triples = [
        (e, rdf_type, f"{pes}SocialEconomyEntity"),
        (e, f"{schema}name", ox.Literal("Bez kontaktu", language="pl")),
        (o, rdf_type, f"{schema}Offer"),
        (o, f"{schema}offeredBy", e),
        (o, f"{schema}name", ox.Literal("Oferta bez CPV", language="pl")),
        (other, rdf_type, f"{schema}Offer"),
        (other, f"{schema}offeredBy", e),
        (other, f"{schema}category", "https://example.org/not-a-cpv-code"),
        (good, rdf_type, f"{schema}Offer"),
        (good, f"{schema}offeredBy", e),
        (good, f"{schema}category", f"{CPV}55520000-1"),
        (entity("z-kontaktem"), rdf_type, f"{pes}SocialEconomyEntity"),
        (entity("z-kontaktem"), f"{schema}email", ox.Literal("biuro@example.org")),
    ]
    write = Write()
    write.put(f"{BASE}/entity/bez-kontaktu", [
        ox.Triple(ox.NamedNode(s), ox.NamedNode(p), v if isinstance(v, ox.Literal) else ox.NamedNode(v))
        for s, p, v in triples
    ])
    store.commit(write)
    found = rows(store, "data_quality", lang="en")
    assert {(r["resource"], r["problem"], r["label"]) for r in found} == {
        (e, "no-contact", "Bez kontaktu"),
        (o, "no-cpv", "Oferta bez CPV"),
        (other, "no-cpv", None),
    }
    assert {r["kind"] for r in found} == {"entity", "offer"}


def test_entity_by_identifier(demo):
    ids = _identifiers()
    for key in ("spoldzielnia-socjalna-przystan", "kgw-kaszczorek", "cis-most"):
        for kind, number in ids[key].items():
            spaced = "-".join(number[i:i + 3] for i in range(0, len(number), 3))
            found = rows(demo, "entity_by_identifier", identifier=spaced)
            assert {(r["resource"], r["identifierType"]) for r in found} == {
                (entity(key), concept("identifier-type", kind))
            }
    nip = ids["spoldzielnia-socjalna-przystan"]["nip"]
    assert rows(demo, "entity_by_identifier", identifier=nip, identifierType="regon") == []


def test_indicator_queries(demo):
    def value(name, **raw):
        (row,) = rows(demo, name, **raw)
        return int(row["value"])

    founded = [int(row[6][:4]) for row in ENTITIES]
    assert value("indicator_pes_count") == len(ENTITIES)
    assert value("indicator_pes_count", year="2012") == sum(y <= 2012 for y in founded)
    assert value("indicator_pes_count", year="1900") == 0
    valid_from = [
        int(t.object.value[:4])
        for document in demo_documents(BASE)
        for t in document
        if t.predicate.value == "https://schema.org/validFrom"
    ]
    assert value("indicator_offer_count", year="2015") == sum(y <= 2015 for y in valid_from)
    issued = [(int(row[7][:4]), row[2]) for row in all_opportunities()]
    for year in (2013, 2026, 1990):
        assert value("indicator_opportunity_count", year=str(year)) == sum(
            y == year for y, _ in issued)
        assert value("indicator_competition_count", year=str(year)) == sum(
            y == year and k == "otwarty-konkurs" for y, k in issued)
    jobs = sum(
        (row[7] * Decimal(f"{row[8]:.2f}")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        for row in ENTITIES if row[7]
    )
    assert value("indicator_jobs_at_risk") == jobs


def test_dataset_dates(demo):
    found = {r["kind"]: r for r in rows(demo, "dataset_dates")}
    assert {k: int(r["documents"]) for k, r in found.items()} == {
        "entity": len(ENTITIES), "opportunity": len(all_opportunities()), "action": len(ACTIONS),
        "programme": len(PROGRAMMES), "unit": len(CITY_UNITS) + 1,
    }


# -- the DCAT catalogue ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def harvested(demo) -> rdflib.Graph:
    """The catalogue as a harvester reads it: the CONSTRUCT's answer as RDF/XML, in rdflib."""
    triples = list(queries.get("dcat_catalog").run(demo, {}))
    xml = ox.serialize(triples, format=ox.RdfFormat.RDF_XML)
    return rdflib.Graph().parse(data=xml, format="xml")


def test_the_construct_returns_the_whole_catalogue_graph(demo):
    graph = {ox.Triple(q.subject, q.predicate, q.object) for q in demo.quads(catalog_graph(BASE))}
    assert graph and graph == set(queries.get("dcat_catalog").run(demo, {}))


def test_catalogue_datasets_and_distributions(demo, harvested):
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    DCT = rdflib.DCTERMS
    g = harvested
    (catalog,) = g.subjects(rdflib.RDF.type, DCAT.Catalog)
    assert g.value(catalog, DCT.publisher) == rdflib.URIRef(f"{BASE}/id/unit/gmina-miasta-torun")
    datasets = set(g.objects(catalog, DCAT.dataset))
    assert datasets == set(g.subjects(rdflib.RDF.type, DCAT.Dataset))
    # One per kind of data, and one for the whole registry.
    assert len(datasets) == len(CATALOGUE_DATASETS) == len(DATASETS) + 1 == 7
    identifiers = set()
    downloads = set()
    for dataset in datasets:
        identifier = str(g.value(dataset, DCT.identifier))
        assert len(identifier) <= 36
        identifiers.add(identifier)
        for prop in (DCT.title, DCT.description):
            assert {o.language for o in g.objects(dataset, prop)} == {"pl", "en"}
        for prop in (DCT.issued, DCT.modified):
            assert g.value(dataset, prop).datatype == rdflib.URIRef(f"{XSD}dateTime")
        keywords = list(g.objects(dataset, DCAT.keyword))
        assert keywords and {k.language for k in keywords} == {"pl", "en"}
        themes = list(g.objects(dataset, DCAT.theme))
        assert themes and all(str(t).startswith(f"{EU}data-theme/") for t in themes)
        distributions = list(g.objects(dataset, DCAT.distribution))
        key = str(dataset).rsplit("#", 1)[1]
        dumps = [d for d in DUMPS if (d.dataset or "all") == key]
        assert len(distributions) == len(dumps) + 1  # and the SPARQL endpoint
        for distribution in distributions:
            identifier = str(g.value(distribution, DCT.identifier))
            assert len(identifier) <= 36
            identifiers.add(identifier)
            assert g.value(distribution, DCT.license) == rdflib.URIRef(LICENCE)
            assert str(g.value(distribution, DCT.format)).startswith(f"{EU}file-type/")
            assert str(g.value(distribution, DCAT.mediaType)).startswith(IANA)
            access = str(g.value(distribution, DCAT.accessURL))
            assert access == f"{BASE}/sparql" or access.startswith(f"{BASE}/dumps/")
            if g.value(distribution, DCAT.downloadURL) is not None:
                downloads.add(str(g.value(distribution, DCAT.downloadURL)))
            assert {o.language for o in g.objects(distribution, DCT.title)} == {"pl", "en"}
    assert downloads == {f"{BASE}/dumps/{d.name}" for d in DUMPS}
    assert len(identifiers) == len(datasets) * 2 + len(DUMPS)
    (service,) = g.subjects(rdflib.RDF.type, DCAT.DataService)
    assert str(g.value(service, DCAT.endpointURL)) == f"{BASE}/sparql"
    assert set(g.objects(service, DCAT.servesDataset)) == datasets
    # Every controlled term used is typed, labelled and placed in its scheme.
    licence = rdflib.URIRef(LICENCE)
    assert (licence, rdflib.RDF.type, DCT.LicenseDocument) in g
    assert g.value(licence, rdflib.SKOS.inScheme) == rdflib.URIRef(f"{EU}licence")
    for theme in g.objects(None, DCAT.theme):
        assert g.value(theme, rdflib.SKOS.inScheme) == rdflib.URIRef(f"{EU}data-theme")
        assert {o.language for o in g.objects(theme, rdflib.SKOS.prefLabel)} == {"pl", "en"}


def test_catalogue_dates_follow_the_documents(demo, harvested):
    DCT = rdflib.DCTERMS
    modified = defaultdict(list)
    for q in demo.raw.quads_for_pattern(None, ox.NamedNode(str(DCT.modified)), None, None):
        kind = q.subject.value[len(f"{BASE}/id/"):].split("/")[0]
        modified[kind].append(q.object.value)
    entities = rdflib.URIRef(f"{BASE}/catalog#entities")
    latest = max(dt.datetime.fromisoformat(m) for m in modified["entity"])
    assert harvested.value(entities, DCT.modified).toPython() == latest
    schemes = rdflib.URIRef(f"{BASE}/catalog#concept-schemes")
    ontology = rdflib.Graph().parse(config.ontology_dir() / "pes.ttl", format="turtle")
    day = ontology.value(rdflib.URIRef("https://w3id.org/pes-registry/ontology"), DCT.modified)
    assert harvested.value(schemes, DCT.modified).toPython() == dt.datetime.fromisoformat(
        f"{day}T00:00:00+00:00")


def test_the_demo_command_writes_the_catalogue(demo):
    assert demo.has_graph(catalog_graph(BASE))
