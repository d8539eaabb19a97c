"""Programme indicators computed from the data (``registry.indicators``).

Expected figures are counted here, in Python, from the demo's own tables and the shipped concept
schemes, never by running the indicator queries.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import pyoxigraph as ox
import pytest
import rdflib

from registry import config
from registry import indicators as ind
from registry.cli import main
from registry.config import Settings
from registry.demo import (
    ACTIONS,
    ENTITIES,
    OPPORTUNITIES,
    PROGRAMMES,
    _action_document,
    current_opportunity_rows,
    demo_documents,
    load_demo,
)
from registry.ingest import Source, ingest
from registry.namespaces import ONTOLOGY_GRAPH, VOCAB_BASE
from registry.store import Store, Write
from registry.system import install

from .conftest import BASE

TODAY = dt.date(2026, 6, 15)  # the day the demo is loaded: its current calls are dated around it
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2026, 6, 16, 9, 30, tzinfo=dt.timezone.utc)
CI = f"{VOCAB_BASE}cooperation-instrument/"
CF = f"{VOCAB_BASE}cooperation-form/"
AREA = f"{VOCAB_BASE}public-task-area/"
MODE = f"{VOCAB_BASE}mode/"
STATUS = f"{VOCAB_BASE}status-type/"
QB = "http://purl.org/linked-data/cube#"
TOTAL = ind.TOTAL


def load(folder) -> Store:
    store = Store(folder / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE), today=TODAY)
    return store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = load(tmp_path_factory.mktemp("indicators"))
    written = ind.recompute(store, now=NOW)
    assert written > 0
    yield store
    store.close()


# -- independent facts ------------------------------------------------------------------------


@cache
def implements() -> dict[str, set[str]]:
    """Instrument IRI -> the forms of cooperation it implements, from the shipped scheme."""
    graph = rdflib.Graph().parse(config.vocab_dir() / "cooperation-instrument.ttl", format="turtle")
    found = defaultdict(set)
    for s, o in graph.subject_objects(rdflib.URIRef(ind.P + "implementsForm")):
        found[str(s)].add(str(o))
    return found


OPPORTUNITY_ROWS = (*OPPORTUNITIES, *current_opportunity_rows(TODAY))


def actions(year, form=None, area=None):
    for row in ACTIONS:
        key, _, instrument, mode, partners, _, _, areas, start, _, amount, *_ = row
        if int(start[:4]) != year:
            continue
        if form and form not in implements()[CI + instrument]:
            continue
        if area and area not in {AREA + a for a in areas}:
            continue
        yield {"instrument": CI + instrument, "mode": mode and MODE + mode, "partners": partners,
               "amount": amount or 0}


def opportunities(year, form=None, area=None):
    for row in OPPORTUNITY_ROWS:
        key, _, kind, _, areas, _, _, issued, *_ = row
        if int(issued[:4]) != year:
            continue
        if form and form not in implements()[CI + kind]:
            continue
        if area and area not in {AREA + a for a in areas}:
            continue
        yield {"kind": CI + kind, "applications": row[11]}


@cache
def offer_years() -> dict[str, list[int | None]]:
    """Entity IRI -> the first year of each of its offers (None: no start date)."""
    starts, owners = {}, {}
    for document in demo_documents(BASE):
        for t in document:
            if t.predicate.value == "https://schema.org/validFrom":
                starts[t.subject.value] = int(t.object.value[:4])
            if t.predicate.value == "https://schema.org/offeredBy":
                owners[t.subject.value] = t.object.value
    out = defaultdict(list)
    for offer, owner in owners.items():
        out[owner].append(starts.get(offer))
    return out


def founded_by(year):
    return [row for row in ENTITIES if int(row[6][:4]) <= year]


def percent(part, whole) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(1000) * part / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10


def expected(query: str, year: int, form: str | None = None, area: str | None = None):
    """(value, {part: value}) of an indicator query, counted from the demo's tables."""
    split = Counter()
    if query == "indicator_pes_count":
        return len(founded_by(year)), {}
    if query == "indicator_offer_count":
        return sum(1 for starts in offer_years().values() for y in starts if y is None or y <= year), {}
    if query == "indicator_pes_with_offers":
        return sum(1 for starts in offer_years().values() if any(y is None or y <= year for y in starts)), {}
    if query == "indicator_opportunity_count":
        return len(list(opportunities(year))), {}
    if query == "indicator_opportunities_by_kind":
        split.update(o["kind"] for o in opportunities(year, form, area))
    elif query == "indicator_competition_count":
        return sum(o["kind"] == CI + "otwarty-konkurs" for o in opportunities(year, area=area)), {}
    elif query == "indicator_application_count":
        return sum(len(o["applications"]) for o in opportunities(year, area=area)
                   if o["kind"] == CI + "otwarty-konkurs"), {}
    elif query == "indicator_consultation_count":
        return sum(o["kind"] == CI + "konsultacje" for o in opportunities(year, area=area)), {}
    elif query == "indicator_social_clause_count":
        articles = {CI + k for k in ("zamowienie-zastrzezone-art94", "klauzule-spoleczne-art96",
                                     "uslugi-spoleczne-art359")}
        split.update(o["kind"] for o in opportunities(year, area=area) if o["kind"] in articles)
    elif query == "indicator_contract_count":
        split.update(a["mode"] for a in actions(year, form, area) if a["mode"])
    elif query == "indicator_grant_amount":
        for a in actions(year, form, area):
            if a["mode"]:
                split[a["mode"]] += a["amount"]
    elif query in ("indicator_purchase_count", "indicator_purchase_amount"):
        for a in actions(year, area=area):
            if CF + "zamowienia" in implements()[a["instrument"]]:
                split[a["instrument"]] += 1 if query.endswith("count") else a["amount"]
    elif query == "indicator_small_grant_count":
        return sum(a["instrument"] == CI + "maly-grant" for a in actions(year, area=area)), {}
    elif query == "indicator_local_initiative_count":
        return sum(a["instrument"] == CI + "inicjatywa-lokalna" for a in actions(year, area=area)), {}
    elif query == "indicator_cooperating_pes":
        return len({p for a in actions(year, form, area) for p in a["partners"]}), {}
    elif query == "indicator_cooperating_pes_share":
        founded = {row[0]: int(row[6][:4]) for row in ENTITIES}
        partners = {p for a in actions(year) for p in a["partners"] if founded[p] <= year}
        return percent(len(partners), len(founded_by(year))), {}
    elif query == "indicator_small_grant_share":
        grants = [a for a in actions(year) if a["mode"]]
        small = sum(a["amount"] for a in grants if a["instrument"] == CI + "maly-grant")
        return percent(small, sum(a["amount"] for a in grants)), {}
    elif query == "indicator_ps_status_count":
        kinds = {"ps-r": "przedsiebiorstwo-spoleczne", "ps-u": "przedsiebiorstwo-spoleczne",
                 "zp": "zakup-prospoleczny"}
        for row in ENTITIES:
            for status in row[10]:
                code, _, start = status.partition(":")
                if code in kinds and int(start[:4]) == year:
                    split[STATUS + kinds[code]] += 1
    elif query == "indicator_jobs_at_risk":
        return sum((row[7] * Decimal(f"{row[8]:.2f}")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                   for row in ENTITIES if row[7]), {}
    else:
        raise AssertionError(f"no independent count for {query}")
    return sum(split.values()), dict(split)


def spec_of(key: str) -> dict:
    return next(spec for spec in PROGRAMMES if spec["key"] == key)


def indicator_iri(programme: str, number: int) -> str:
    return f"{BASE}/id/programme/{programme}#indicator-{number}"


# -- definitions ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [spec["key"] for spec in PROGRAMMES])
def test_definitions_follow_the_programme_document(demo, key):
    spec = spec_of(key)
    found = ind.definitions(demo, key)
    assert [d.key for d in found] == [f"indicator-{n}" for n in range(1, len(spec["indicators"]) + 1)]
    measured = defaultdict(set)
    for number, action in enumerate(spec["actions"], start=1):
        for i in action[-1]:
            measured[i].add(f"{BASE}/id/programme/{key}#action-{number}")
    for number, (d, (name, unit, baseline, target, source, _)) in enumerate(
            zip(found, spec["indicators"]), start=1):
        assert d.iri == indicator_iri(key, number) and d.programme == key
        assert d.name == {"pl": name} and d.label("en") == name
        assert d.unit == {"pl": unit}
        assert (d.baseline, d.target) == (baseline, target)
        if re.fullmatch(r"[a-z][a-z0-9_]*", source):
            assert (d.method, d.query, d.manual_source) == ("query", source, None)
        else:
            assert (d.method, d.query, d.manual_source) == ("manual", None, source)
        assert set(d.actions) == measured[number]
    assert ind.definitions(demo, "no-such-programme") == []
    assert len(ind.definitions(demo)) == sum(len(s["indicators"]) for s in PROGRAMMES)


def test_programmes_and_the_default_one(demo):
    found = ind.programmes(demo)
    assert [p.key for p in found] == ["2026", "2013-2014"]  # newest first
    old = found[1]
    assert old.years() == [2013, 2014] and old.years(dt.date(2013, 5, 1)) == [2013]
    assert ind.default_programme(demo, dt.date(2026, 3, 1)).key == "2026"
    assert ind.default_programme(demo, dt.date(2013, 3, 1)).key == "2013-2014"
    assert ind.default_programme(demo, dt.date(2020, 3, 1)).key == "2026"  # none in force: newest


# -- computed values --------------------------------------------------------------------------


def test_every_computed_value_matches_the_independent_count(demo):
    defs = {d.iri: d for d in ind.definitions(demo)}
    found = ind.values(demo)
    checked = Counter()
    for v in found:
        d = defs[v.indicator]
        if v.method != "query":
            continue
        value, parts = expected(d.query, v.year)
        assert v.value == value, (d.query, v.year)
        assert dict(v.parts) == {p: x for p, x in parts.items()}, (d.query, v.year)
        assert v.query == d.query and v.computed_at == "2026-06-15T10:00:00Z" and v.history == []
        assert v.source == f"{BASE}/api/queries/{d.query}" + (
            f"?year={v.year}" if "year" in {p.name for p in ind.named_query(d.query).parameters} else "")
        checked[d.query] += 1
    # Every computed indicator of the demo has a value for each year of its programme (the
    # year-less query only for the current one).
    for d in defs.values():
        if d.method == "query":
            assert checked[d.query], d.query
    assert sum(checked.values()) >= 25
    # Figures the demo tables make non-trivial, so that a wrong query cannot pass by zeros.
    assert expected("indicator_grant_amount", 2013) == (
        330000, {MODE + "powierzenie": 213000, MODE + "wspieranie": 117000})
    assert expected("indicator_contract_count", 2013)[0] == 5


def test_breakdowns_by_form_and_area_match_the_independent_counts(demo):
    observations = [o for o in ind.observations(demo) if o.superseded_by is None]
    defs = {d.iri: d for d in ind.definitions(demo)}
    by = Counter()
    for o in observations:
        if o.part != TOTAL:
            continue
        d = defs[o.indicator]
        form = None if o.form == TOTAL else o.form
        area = None if o.area == TOTAL else o.area
        assert o.value == expected(d.query, o.year, form, area)[0], (d.query, o.year, o.form, o.area)
        by["form" if form else "area" if area else "total"] += 1
    assert by["form"] >= 9 and by["area"] >= 10
    # Through the public function: the area restriction, and the form restriction.
    area10 = ind.values(demo, "2013-2014", 2013, area=AREA + "10")
    assert {v.indicator for v in area10} == {
        d.iri for d in ind.definitions(demo, "2013-2014") if "area" in d.breakdowns()}
    grants = next(v for v in area10 if v.query == "indicator_grant_amount")
    assert grants.value == expected("indicator_grant_amount", 2013, area=AREA + "10")[0] == 72000
    form6 = ind.values(demo, "2013-2014", form=CF + "1")
    assert {v.query for v in form6} == {"indicator_contract_count", "indicator_grant_amount",
                                        "indicator_cooperating_pes"}
    for v in form6:
        assert v.value == expected(v.query, v.year, form=CF + "1")[0]
        assert v.form == CF + "1" and "form=1" in v.source


def test_form_and_area_together_are_computed_on_demand(demo):
    found = ind.values(demo, "2013-2014", form=CF + "1", area=AREA + "10")
    assert {v.query for v in found} == {"indicator_contract_count", "indicator_grant_amount",
                                        "indicator_cooperating_pes"}
    for v in found:
        assert v.value == expected(v.query, v.year, CF + "1", AREA + "10")[0]
        assert v.computed_at is None and v.observation is None
        assert "form=1" in v.source and "area=10" in v.source


def test_manual_values_come_from_the_programme_document(demo):
    spec = spec_of("2013-2014")
    found = {(v.indicator, v.year): v for v in ind.values(demo, "2013-2014")}
    for number, (_, _, _, _, source, observed) in enumerate(spec["indicators"], start=1):
        if re.fullmatch(r"[a-z][a-z0-9_]*", source):
            continue
        for year, value in observed.items():
            v = found[(indicator_iri("2013-2014", number), year)]
            assert (v.value, v.method, v.computed_at, v.source) == (value, "manual", None, source)
            assert v.observation == f"{BASE}/id/programme/2013-2014#obs-{number}-{year}"
    # A query without a year gives today's figure only: earlier years keep the document's values.
    jobs = [v for v in ind.values(demo, "2013-2014") if v.indicator == indicator_iri("2013-2014", 13)]
    assert [(v.year, v.value, v.method) for v in jobs] == [(2013, 58, "manual"), (2014, 81, "manual")]
    (now,) = [v for v in ind.values(demo, "2026", 2026)
              if v.indicator == indicator_iri("2026", 11)]
    assert (now.value, now.method) == (expected("indicator_jobs_at_risk", 2026)[0], "query")
    # A manual indicator has no breakdown by form; by area only with values recorded for it.
    assert not [v for v in ind.values(demo, "2013-2014", form=CF + "1") if v.method == "manual"]
    assert not [v for v in ind.values(demo, "2013-2014", area=AREA + "10") if v.method == "manual"]


def test_year_filter(demo):
    found = ind.values(demo, "2013-2014", 2014)
    assert found and {v.year for v in found} == {2014}
    assert ind.values(demo, "2013-2014", 1999) == []


# -- the cube ---------------------------------------------------------------------------------


def components(store: Store, structure: str) -> dict[str, set[str]]:
    """{"dimension": {...}, "measure": {...}, "attribute": {...}} of a structure in the ontology."""
    out = defaultdict(set)
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    for c in store.raw.quads_for_pattern(ox.NamedNode(structure), ox.NamedNode(QB + "component"), None, graph):
        for q in store.raw.quads_for_pattern(c.object, None, None, graph):
            kind = q.predicate.value[len(QB):]
            if kind in ("dimension", "measure", "attribute"):
                out[kind].add(q.object.value)
    return out


def check_cube(store: Store) -> int:
    """Data Cube integrity constraints cheap to check on the computed graph; the number of
    current observations."""
    graph = ind.indicators_graph(BASE)
    by_subject = defaultdict(lambda: defaultdict(list))
    for q in store.quads(graph):
        by_subject[q.subject.value][q.predicate.value].append(q.object.value)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    structure = components(store, ind.STRUCTURE)
    assert len(structure["dimension"]) == 5 and structure["measure"] == {
        "http://purl.org/linked-data/sdmx/2009/measure#obsValue"}
    ontology = {(q.subject.value, q.predicate.value, q.object.value)
                for q in store.quads(ONTOLOGY_GRAPH) if isinstance(q.subject, ox.NamedNode)}
    for dimension in structure["dimension"] - {"http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"}:
        assert (dimension, rdf_type, QB + "DimensionProperty") in ontology  # IC-4: a range too
        assert any(s == dimension and p == "http://www.w3.org/2000/01/rdf-schema#range" for s, p, _ in ontology)
    datasets = {s for s, p in by_subject.items() if QB + "DataSet" in p[rdf_type]}
    for ds in datasets:  # IC-2: each data set has exactly one structure
        assert by_subject[ds][QB + "structure"] == [ind.STRUCTURE]
    seen = set()
    current = 0
    for s, p in by_subject.items():
        if QB + "Observation" not in p[rdf_type]:
            continue
        (ds,) = p[QB + "dataSet"]  # IC-1: exactly one data set
        assert ds in datasets
        for dimension in structure["dimension"] | structure["measure"]:
            assert len(p[dimension]) == 1, (s, dimension)  # IC-11, IC-14
        assert len(p[ind.COMPUTED_AT]) == 1 and len(p[ind.SOURCE]) == 1  # required attributes
        if p[ind.SUPERSEDED_BY]:
            continue
        key = (ds, *(p[d][0] for d in sorted(structure["dimension"])))
        assert key not in seen, s  # IC-12 among the current observations
        seen.add(key)
        current += 1
    return current


def test_the_computed_cube_is_well_formed(demo):
    assert check_cube(demo) >= 100
    observation = next(o for o in ind.observations(demo) if o.part != TOTAL)
    assert observation.dataset == ind.dataset_iri(BASE, "2013-2014") or observation.dataset == ind.dataset_iri(BASE, "2026")


def test_a_recompute_without_changes_writes_nothing(demo):
    version = demo.version()
    assert ind.recompute(demo, now=LATER) == 0
    assert demo.version() == version


# -- changes ----------------------------------------------------------------------------------


def changed_action(amount: int) -> bytes:
    """The demo's first 2013 action with another amount, as N-Triples."""
    row = next(r for r in ACTIONS if r[0] == "2013-seniorzy-pod-lipami")
    triples = _action_document(BASE, (*row[:10], amount, *row[11:]))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def test_a_changed_action_changes_the_indicator_and_keeps_the_earlier_value(tmp_path):
    store = load(tmp_path)
    try:
        monitor = ind.Monitor(store)
        monitor.ensure_current()  # the first read computes everything
        assert not monitor.stale
        grants = indicator_iri("2013-2014", 16)  # indicator_grant_amount
        before = {(v.year, v.value) for v in ind.values(store, "2013-2014") if v.indicator == grants}
        assert (2013, 330000) in before
        first = next(v for v in ind.values(store, "2013-2014", 2013) if v.indicator == grants)
        ingest(store, [Source(name="action.nt", data=changed_action(52000))])
        assert monitor.stale  # the write only marks the values stale
        assert next(v for v in ind.values(store, "2013-2014", 2013) if v.indicator == grants).value == 330000
        written = ind.recompute(store, now=LATER)
        monitor.stale = False
        # The total, the supporting part, the area and the form it belongs to changed; nothing else.
        assert written == 4
        after = next(v for v in ind.values(store, "2013-2014", 2013) if v.indicator == grants)
        assert after.value == 342000 and after.computed_at == "2026-06-16T09:30:00Z"
        assert dict(after.parts)[MODE + "wspieranie"] == 129000
        assert after.history == [(first.computed_at, 330000)]
        area = next(v for v in ind.values(store, "2013-2014", 2013, area=AREA + "10") if v.indicator == grants)
        assert area.value == 84000 and area.history[0][1] == 72000
        # 2014 was not touched: its observation is the first one.
        (y2014,) = [v for v in ind.values(store, "2013-2014", 2014) if v.indicator == grants]
        assert y2014.history == [] and y2014.computed_at != after.computed_at
        # The earlier observation is kept, marked as replaced by the new one.
        old = next(o for o in ind.observations(store) if o.iri == first.observation)
        assert old.value == 330000 and old.superseded_by == after.observation
        check_cube(store)
        # The monitor recomputes on the next read after a write.
        ingest(store, [Source(name="action.nt", data=changed_action(40000))])
        assert monitor.stale
        monitor.ensure_current()
        latest = next(v for v in ind.values(store, "2013-2014", 2013) if v.indicator == grants)
        assert latest.value == 330000 and [x for _, x in latest.history] == [330000, 342000]
        # Its own write of the values does not make them stale again.
        assert not monitor.stale
        monitor.close()
    finally:
        store.close()


def test_the_monitor_ignores_writes_of_the_values_themselves():
    store = Store(None, BASE)
    monitor = ind.Monitor(store)
    monitor.stale = False
    write = Write()
    write.put(ind.indicators_graph(BASE), [ox.Triple(ox.NamedNode(BASE + "/x"), ox.NamedNode(BASE + "/p"),
                                                     ox.Literal("1"))])
    store.commit(write)
    assert not monitor.stale
    write = Write()
    write.put(f"{BASE}/action/x", [ox.Triple(ox.NamedNode(BASE + "/x"), ox.NamedNode(BASE + "/p"),
                                             ox.Literal("1"))])
    store.commit(write)
    assert monitor.stale
    monitor.close()
    assert monitor.changed not in store.listeners


# -- the command ------------------------------------------------------------------------------


def test_the_indicators_command(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert main(["--data", data, "--base", BASE, "demo"]) == 0
    gc.collect()
    store = Store(data, BASE)
    try:
        # `demo` computed them at its end.
        assert store.has_graph(ind.indicators_graph(BASE))
        version = store.version()
    finally:
        store.close()
        gc.collect()
    capsys.readouterr()
    assert main(["--data", data, "--base", BASE, "indicators", "--programme", "2013-2014", "--json"]) == 0
    out = capsys.readouterr()
    rows = json.loads(out.out)
    assert {r["programme"] for r in rows} == {"2013-2014"}
    grants = [r for r in rows if r["query"] == "indicator_grant_amount" and r["year"] == 2013]
    assert {r["part"]: r["value"] for r in grants} == {
        None: 330000, MODE + "powierzenie": 213000, MODE + "wspieranie": 117000}
    assert "0 observation(s) written" in out.err  # nothing changed since `demo`
    assert main(["--data", data, "--base", BASE, "indicators"]) == 0
    text = capsys.readouterr().out
    assert "indicator_pes_count" in text and "Liczba PES w rejestrze" in text and "2026" in text
    assert main(["--data", data, "--base", BASE, "indicators", "--programme", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    gc.collect()
    store = Store(data, BASE)
    try:
        assert store.version() == version
    finally:
        store.close()


PROGRAMME = """@prefix pes: <https://w3id.org/pes-registry/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <http://127.0.0.1:8000/id/programme/> .
<p> a pes:CooperationProgramme ; schema:name "P"@pl ; dct:temporal <p#period> ;
  pes:mainGoal <p#goal-main> ; pes:specificGoal <p#goal-1> ;
  pes:hasIndicator <p#indicator-1>, <p#indicator-2>, <p#indicator-3> .
<p#goal-main> a pes:Goal ; schema:name "Cel"@pl .
<p#goal-1> a pes:Goal ; schema:name "Cel 1"@pl .
<p#period> a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ; dcat:endDate "2021-12-31"^^xsd:date .
<p#indicator-1> a pes:Indicator ; schema:name "Nieznane zapytanie"@pl ; pes:computedBy "no_such_query" .
<p#indicator-2> a pes:Indicator ; schema:name "Zapytanie z wymaganym parametrem"@pl ;
  pes:computedBy "programme_indicators" .
<p#indicator-3> a pes:Indicator ; schema:name "Liczba PES"@pl ; pes:computedBy "indicator_pes_count" .
<p#obs-1> a qb:Observation ; pes:indicator <p#indicator-1> ;
  sdmx-dimension:refPeriod "2020"^^xsd:gYear ; sdmx-measure:obsValue 7 .
"""


def test_an_indicator_whose_query_cannot_run_keeps_its_document_values(caplog):
    store = Store(None, BASE)
    install(store)
    ingest(store, [Source(name="p.ttl", data=PROGRAMME.encode())])
    assert ind.recompute(store, now=NOW) == 2  # indicator 3, for 2020 and 2021
    assert "no_such_query" in caplog.text and "programme_indicators" in caplog.text
    found = {(v.indicator.rsplit("-", 1)[1], v.year): (v.value, v.method) for v in ind.values(store)}
    assert found == {("1", 2020): (7, "manual"), ("3", 2020): (0, "query"), ("3", 2021): (0, "query")}
    check_cube(store)


def test_two_recomputes_in_the_same_second_keep_both_values():
    store = Store(None, BASE)
    install(store)
    ingest(store, [Source(name="p.ttl", data=PROGRAMME.encode())])
    entities = [d for d in demo_documents(BASE) if d[0].subject.value.startswith(f"{BASE}/id/entity/")
                and not any(t.predicate.value == "http://www.w3.org/ns/org#unitOf" for t in d)]

    def add(document):
        data = ox.serialize(document, format=ox.RdfFormat.N_TRIPLES)
        ingest(store, [Source(name="entity.nt", data=data)])

    add(entities[0])
    assert ind.recompute(store, now=NOW) == 2
    add(entities[1])
    assert ind.recompute(store, now=NOW) == 2
    found = [v for v in ind.values(store) if v.indicator.endswith("#indicator-3")]
    assert [(v.year, v.value, [x for _, x in v.history]) for v in found] == [(2020, 2, [1]), (2021, 2, [1])]
    assert len({o.iri for o in ind.observations(store)}) == 4
    check_cube(store)
