"""``/monitoring``: the indicators with their charts, filters and downloads, on the demo data."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import html5lib
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from registry import indicators as ind
from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import ACTIONS, _action_document, load_demo
from registry.ingest import Source, ingest
from registry.namespaces import VOCAB_BASE
from registry.store import Store
from registry.system import install
from registry.web.monitoring import number

from .browser_support import (
    check_accessibility,
    chromium,
    demo_server,
    open_page,
    requires_browser,
    screenshot,
)
from .conftest import BASE

SVG = "{http://www.w3.org/2000/svg}"
AREA = f"{VOCAB_BASE}public-task-area/"
CF = f"{VOCAB_BASE}cooperation-form/"
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
PES = rdflib.Namespace(ind.P)
SDMX_MEASURE = rdflib.Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_DIMENSION = rdflib.Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")

EVIL = """@prefix pes: <https://w3id.org/pes-registry/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <http://127.0.0.1:8000/id/programme/> .
<evil> a pes:CooperationProgramme ;
  schema:name "Program <script>alert(1)</script>"@pl ;
  dct:temporal <evil#period> ;
  pes:mainGoal <evil#goal-main> ; pes:specificGoal <evil#goal-1> ;
  pes:hasIndicator <evil#indicator-1>, <evil#indicator-2> .
<evil#goal-main> a pes:Goal ; schema:name "Cel"@pl .
<evil#goal-1> a pes:Goal ; schema:name "Cel 1"@pl .
<evil#period> a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ; dcat:endDate "2020-12-31"^^xsd:date .
<evil#indicator-1> a pes:Indicator ; schema:name "Wskaźnik <img src=x onerror=alert(1)>"@pl ;
  pes:unitOfMeasure "<i>sztuki</i>"@pl ;
  pes:manualSource "=HYPERLINK(\\"http://evil.example\\") <b>pogrubione</b>"@pl ; pes:baseline 1 ; pes:target 2 .
<evil#indicator-2> a pes:Indicator ; schema:name "Liczba PES </title><script>x</script>"@pl ;
  pes:computedBy "indicator_pes_count" ; pes:baseline 10 ; pes:target 20 .
<evil#obs-1> a qb:Observation ; pes:indicator <evil#indicator-1> ;
  sdmx-dimension:refPeriod "2020"^^xsd:gYear ; sdmx-measure:obsValue 5 .
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("monitoring") / "data", BASE)
    install(store)
    settings = Settings(data_dir=store.path, base=BASE)
    load_demo(store, settings)
    ingest(store, [Source(name="evil.ttl", data=EVIL.encode())])
    app = create_app(settings, store=store)
    yield app, store
    close_app(app)
    store.close()


@pytest.fixture
def client(demo):
    return demo[0].test_client()


@pytest.fixture
def store(demo):
    return demo[1]


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    return response.data.decode()


def parse(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False)


def text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext()).replace("\u00a0", " ")).strip()


def sections(root) -> list:
    return [s for s in root.iter("section") if s.get("class") == "indicator"]


def table_values(section) -> dict[int, str]:
    """Year -> the value cell of an indicator's table."""
    out = {}
    for row in section.iter("tr"):
        th = row.find("th")
        cells = row.findall("td")
        if th is not None and cells and th.get("scope") == "row":
            out[int(text(th))] = text(cells[0])
    return out


def shown(value) -> str:
    return number(value, "pl").replace("\u00a0", " ")


# -- the page ---------------------------------------------------------------------------------


def test_each_indicator_has_a_chart_with_text_alternatives_and_a_table(client, store):
    root = parse(get(client, "/monitoring?programme=2013-2014"))
    defs = ind.definitions(store, "2013-2014")
    found = sections(root)
    assert [s.get("id") for s in found] == [d.key for d in defs]
    values = ind.values(store, "2013-2014")
    assert values
    for section, d in zip(found, defs):
        heading = section.find("h2")
        assert text(heading) == d.label("pl")
        (svg,) = list(section.iter(SVG + "svg"))
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby"), svg.get("aria-describedby")
        title = next(e for e in svg.iter(SVG + "title") if e.get("id") == title_id)
        desc = next(e for e in svg.iter(SVG + "desc") if e.get("id") == desc_id)
        assert text(title) == d.label("pl")
        mine = {v.year: v for v in values if v.indicator == d.iri}
        cells = table_values(section)
        assert set(cells) == {2013, 2014}
        bars = [r for r in svg.iter(SVG + "rect")]
        assert len(bars) == sum(1 for v in mine.values() if v.value)
        for year, v in mine.items():
            assert cells[year] == shown(v.value), (d.key, year)
            assert f"{year}: {shown(v.value)}" in text(desc)
        assert f"Wartość docelowa: {shown(d.target)}" in text(desc)
        caption = section.find(".//table/caption")
        assert d.label("pl") in text(caption)
        how = text(section.find("dl"))
        if d.method == "query":
            links = [a.get("href") for a in section.iter("a")]
            assert f"/api/queries/{d.query}" in links
            # each computed value links to the query address that reproduces it
            for v in mine.values():
                if v.method == "query":
                    assert v.source[len(BASE):] in links
        else:
            assert d.manual_source in how


def test_parts_and_the_method_are_shown(client, store):
    root = parse(get(client, "/monitoring?programme=2013-2014"))
    grants = next(s for s in sections(root) if s.get("id") == "indicator-16")
    body = text(grants)
    assert "powierzenie: 213 000" in body and "wspieranie: 117 000" in body
    assert "indicator_grant_amount" in body
    manual = next(s for s in sections(root) if s.get("id") == "indicator-10")
    assert "wprowadzany ręcznie; źródło: Ewidencja najmu lokali komunalnych" in text(manual)


def test_english_and_the_default_programme(client, store):
    html = get(client, "/monitoring?lang=en")
    root = parse(html)
    assert root.get("lang") == "en"
    assert "Monitoring of the cooperation programme" in text(root)
    assert "Baseline" in text(root) and "How it is measured" in text(root)
    default = ind.default_programme(store)
    select = next(s for s in root.iter("select") if s.get("name") == "programme")
    selected = [o.get("value") for o in select.iter("option") if o.get("selected") is not None]
    assert selected == [default.key]
    assert len(sections(root)) == len(ind.definitions(store, default.key))
    # Names held only in Polish are marked as Polish on the English page.
    for section in sections(root):
        assert section.find("h2").get("lang") == "pl"
        (title,) = list(section.iter(SVG + "title"))
        assert title.get("lang") == "pl"


def test_the_filter_form_is_labelled(client):
    root = parse(get(client, "/monitoring"))
    form = next(f for f in root.iter("form") if f.get("class") == "monitoring-filters")
    assert form.get("method") == "get" and form.get("action") == "/monitoring"
    labels = {lab.get("for") for lab in form.iter("label")}
    names = {}
    for select in form.iter("select"):
        assert select.get("id") in labels
        names[select.get("name")] = [o.get("value") for o in select.iter("option")]
    assert set(names) == {"programme", "year", "form", "area"}
    assert "10" in names["area"] and "1" in names["form"] and "" in names["area"]


def test_area_filter(client, store):
    root = parse(get(client, "/monitoring?programme=2013-2014&area=10"))
    supported = [d for d in ind.definitions(store, "2013-2014") if "area" in d.breakdowns()]
    assert [s.get("id") for s in sections(root)] == [d.key for d in supported]
    values = ind.values(store, "2013-2014", area=AREA + "10")
    for section in sections(root):
        d = next(x for x in supported if x.key == section.get("id"))
        cells = table_values(section)
        for v in values:
            if v.indicator == d.iri:
                assert cells[v.year] == shown(v.value)
    left = next(s for s in root.iter("section") if s.get("aria-labelledby") == "left-out-heading")
    assert "Liczba PES w rejestrze" in text(left)


def test_year_and_form_filters(client, store):
    root = parse(get(client, "/monitoring?programme=2013-2014&year=2014"))
    for section in sections(root):
        assert set(table_values(section)) == {2014}
    root = parse(get(client, "/monitoring?programme=2013-2014&form=1&area=10"))
    found = {s.get("id") for s in sections(root)}
    assert found == {d.key for d in ind.definitions(store, "2013-2014")
                     if {"form", "area"} <= set(d.breakdowns())}
    values = ind.values(store, "2013-2014", form=CF + "1", area=AREA + "10")
    for section in sections(root):
        d = next(x for x in ind.definitions(store, "2013-2014") if x.key == section.get("id"))
        for v in values:
            if v.indicator == d.iri:
                assert table_values(section)[v.year] == shown(v.value)


@pytest.mark.parametrize(("query", "parameter"), [
    ("year=abc", "year"),
    ("year=1990", "year"),
    ("programme=2013-2014&year=2026", "year"),
    ("programme=nope", "programme"),
    ("form=zzz", "form"),
    ("area=999", "area"),
    ("area=%3Cscript%3E", "area"),
])
@pytest.mark.parametrize("path", ["/monitoring", "/monitoring.csv", "/monitoring.ttl"])
def test_bad_parameters_are_a_400_naming_the_parameter(client, path, query, parameter):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    body = response.data.decode()
    assert f"{parameter}:" in body and "<script>" not in body and "Traceback" not in body
    answer = client.get(f"{path}?{query}", headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.get_json()["detail"].startswith(parameter)


def test_unknown_download_format_is_a_404(client):
    assert client.get("/monitoring.xml").status_code == 404


def test_data_is_escaped(client, store):
    html = get(client, "/monitoring?programme=evil")
    assert "<script>" not in html and "<img src=x" not in html and "<b>pogrubione" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    root = parse(html)
    (first, second) = sections(root)
    assert text(first.find("h2")) == "Wskaźnik <img src=x onerror=alert(1)>"
    (title,) = list(second.iter(SVG + "title"))
    assert text(title) == "Liczba PES </title><script>x</script>"
    rows = list(csv.reader(io.StringIO(get(client, "/monitoring.csv?programme=evil"))))
    source = rows[0].index("source")
    assert rows[1][source].startswith("'=HYPERLINK")  # no formula for spreadsheets


def test_links_to_the_page(client):
    nav = get(client, "/programme")
    assert 'href="/monitoring"' in nav
    assert 'href="/monitoring?programme=2013-2014"' in get(client, "/programme/2013-2014")


# -- downloads --------------------------------------------------------------------------------


def csv_rows(client, query: str) -> list[dict]:
    response = client.get(f"/monitoring.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode())))


def page_values(client, query: str) -> dict[tuple[str, int], str]:
    root = parse(get(client, f"/monitoring?{query}"))
    return {(s.get("id"), year): value for s in sections(root) for year, value in table_values(s).items()
            if value != "—"}


@pytest.mark.parametrize("query", ["programme=2013-2014", "programme=2013-2014&area=10",
                                   "programme=2026", "programme=2013-2014&form=1&year=2013"])
def test_csv_agrees_with_the_page(client, query):
    rows = csv_rows(client, query)
    assert rows and list(rows[0]) == list(ind.COLUMNS)
    totals = {(r["indicator"].rsplit("#", 1)[1], int(r["year"])): shown(Decimal(r["value"]))
              for r in rows if not r["part"]}
    assert totals == page_values(client, query)
    for r in rows:
        if r["method"] == "query":
            assert r["source"].startswith(f"{BASE}/api/queries/{r['query']}") and r["computed_at"]


def cube(client, query: str, ext: str) -> rdflib.Graph:
    response = client.get(f"/monitoring.{ext}?{query}")
    assert response.status_code == 200
    fmt = {"ttl": "turtle", "jsonld": "json-ld"}[ext]
    return rdflib.Graph().parse(data=response.data.decode(), format=fmt)


@pytest.mark.parametrize("query", ["programme=2013-2014", "programme=2026&area=7"])
def test_the_cube_downloads_parse_agree_and_hold_together(client, query):
    turtle, jsonld = cube(client, query, "ttl"), cube(client, query, "jsonld")
    assert rdflib.compare.isomorphic(turtle, jsonld)
    rows = csv_rows(client, query)
    observed = {}
    for obs in turtle.subjects(rdflib.RDF.type, QB.Observation):
        (dataset,) = turtle.objects(obs, QB.dataSet)
        (structure,) = turtle.objects(dataset, QB.structure)
        dimensions = {d for c in turtle.objects(structure, QB.component) for d in turtle.objects(c, QB.dimension)}
        measures = {m for c in turtle.objects(structure, QB.component) for m in turtle.objects(c, QB.measure)}
        assert dimensions and measures == {SDMX_MEASURE.obsValue}
        for prop in dimensions | measures:
            assert len(list(turtle.objects(obs, prop))) == 1, (obs, prop)
        assert not list(turtle.objects(obs, PES.supersededBy))  # current values only
        part = turtle.value(obs, PES.partBreakdown)
        key = (str(turtle.value(obs, PES.indicator)), int(str(turtle.value(obs, SDMX_DIMENSION.refPeriod))),
               None if part in (None, PES.total) else str(part))
        assert key not in observed
        observed[key] = Decimal(str(turtle.value(obs, SDMX_MEASURE.obsValue)))
    expected = {(r["indicator"], int(r["year"]), r["part"] or None): Decimal(r["value"]) for r in rows}
    assert observed == expected
    assert (PES.ComputedIndicatorStructure, rdflib.RDF.type, QB.DataStructureDefinition) in turtle


# -- recomputed after a write -----------------------------------------------------------------


def test_the_page_shows_a_changed_action_after_the_write(tmp_path):
    store = Store(tmp_path / "data", BASE)
    install(store)
    settings = Settings(data_dir=store.path, base=BASE)
    load_demo(store, settings)
    app = create_app(settings, store=store)
    try:
        client = app.test_client()
        assert page_values(client, "programme=2013-2014")[("indicator-16", 2013)] == "330 000"
        row = next(r for r in ACTIONS if r[0] == "2013-seniorzy-pod-lipami")
        changed = _action_document(BASE, (*row[:10], 52000, *row[11:]))
        ingest(store, [Source(name="action.nt", data=ox.serialize(changed, format=ox.RdfFormat.N_TRIPLES))])
        root = parse(get(client, "/monitoring?programme=2013-2014"))
        grants = next(s for s in sections(root) if s.get("id") == "indicator-16")
        assert table_values(grants)[2013] == "342 000"
        assert "330 000" in text(grants)  # the earlier value, with its date
        assert grants.find(".//th[@scope='col']") is not None and "Wcześniej obliczone" in text(grants)
    finally:
        close_app(app)
        store.close()


# -- in a real browser ------------------------------------------------------------------------


@requires_browser
def test_no_serious_accessibility_problems_in_a_browser(tmp_path):
    with demo_server(tmp_path) as server, chromium() as browser:
        for path in ("/monitoring", "/monitoring?programme=2013-2014&lang=en",
                     "/monitoring?programme=2013-2014&area=10"):
            opened = open_page(browser, server.url + path)
            try:
                opened.page.goto(server.url + path)
                violations = check_accessibility(opened.page)
                screenshot(opened.page, "monitoring-" + re.sub(r"\W+", "-", path.strip("/")))
                assert violations == [], json.dumps(violations, indent=1)
                assert opened.errors == [] and opened.broken == [] and opened.foreign == []
                assert opened.page.locator("svg.chart[role=img]").count() == opened.page.locator(
                    "section.indicator").count() > 0
            finally:
                opened.close()
        # Without JavaScript the filters still work: a plain GET form.
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(server.url + "/monitoring")
        page.select_option("#filter-programme", "2013-2014")
        page.click("form.monitoring-filters button[type=submit]")
        assert "programme=2013-2014" in page.url
        page.select_option("#filter-year", "2014")  # the years of the programme chosen
        page.click("form.monitoring-filters button[type=submit]")
        assert "programme=2013-2014" in page.url and "year=2014" in page.url
        assert page.locator("section.indicator table tbody tr").count() == page.locator("section.indicator").count()
        context.close()


def test_without_any_programme_the_page_says_so(tmp_path):
    store = Store(tmp_path / "data", BASE)
    install(store)
    app = create_app(Settings(data_dir=store.path, base=BASE), store=store)
    try:
        client = app.test_client()
        response = client.get("/monitoring")
        assert response.status_code == 404
        assert "programu" in response.data.decode()
        assert client.get("/monitoring.csv?lang=en").status_code == 404
    finally:
        close_app(app)
        store.close()
