"""The yearly implementation report: its figures against the demo's own tables, its sources,
the web page and PDF, the command line, and its answers to bad requests.

Expected figures are computed from the demo's tables (``registry.demo``), never by the queries
the report runs. One store with the demo data and a programme of our own for 2031–2032 (nothing
happens in 2031; in 2032 one action with hostile text) serves the web tests; the command line
works on a copy of it.
"""

from __future__ import annotations

import gc
import html as htmllib
import io
import re
import shutil
from collections import Counter
from decimal import Decimal

import pypdf
import pytest
from markupsafe import escape

from registry import indicators, queries
from registry.cli import main
from registry.demo import ACTIONS, OPPORTUNITIES, PROGRAMMES
from registry.ingest import Source, ingest
from registry.report import format_money, parse_year, render_pdf, years_of
from registry.store import Store

from .browser_support import check_accessibility, chromium, open_page, requires_browser
from .conftest import BASE
from .http_support import live_server

EVIL = "<script>alert('report')</script>"
DEMO = PROGRAMMES[0]  # 2013–2014
TITLE = DEMO["name"]

# A programme for 2031–2032 with hostile text; one action in 2032, none in 2031.
EXTRA = f"""
@prefix pes: <https://w3id.org/pes-registry/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ci: <https://w3id.org/pes-registry/vocab/cooperation-instrument/> .
@prefix mode: <https://w3id.org/pes-registry/vocab/mode/> .
@base <{BASE}/> .
<id/programme/2031-2032> a pes:CooperationProgramme, prov:Plan ;
    schema:name "Program {EVIL} 2031–2032"@pl ;
    dct:temporal <id/programme/2031-2032#period> ;
    pes:mainGoal <id/programme/2031-2032#goal-main> ;
    pes:specificGoal <id/programme/2031-2032#goal-1> ;
    pes:hasAction <id/programme/2031-2032#action-1> .
<id/programme/2031-2032#period> a dct:PeriodOfTime ;
    dcat:startDate "2031-01-01"^^xsd:date ; dcat:endDate "2032-12-31"^^xsd:date .
<id/programme/2031-2032#goal-main> a pes:Goal ; schema:name "Cel {EVIL}"@pl .
<id/programme/2031-2032#goal-1> a pes:Goal ; schema:name "Cel szczegółowy"@pl .
<id/programme/2031-2032#action-1> a pes:ProgrammeAction ;
    schema:name "Działanie {EVIL}"@pl ;
    pes:justification "Uzasadnienie"@pl ; pes:innovation "Innowacja"@pl ;
    pes:responsibleUnit <id/unit/wydzial-zdrowia> ;
    pes:contributesTo <id/programme/2031-2032#goal-main> .
<id/action/2032-evil> a pes:CooperationAction, prov:Activity ;
    schema:name "{EVIL}"@pl ;
    pes:cooperationForm ci:maly-grant ;
    pes:mode mode:wspieranie ;
    pes:partner <id/entity/fundacja-pod-lipami> ;
    pes:cityUnit <id/unit/wydzial-zdrowia> ;
    schema:startDate "2032-05-01"^^xsd:date ;
    pes:amount <id/action/2032-evil#amount> ;
    pes:outcome "{EVIL}"@pl .
<id/action/2032-evil#amount> a schema:MonetaryAmount ; schema:value 5000 ; schema:currency "PLN" .
"""


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A store folder with the demo (loaded by the command line) and the extra programme."""
    folder = tmp_path_factory.mktemp("report") / "data"
    assert main(["--data", str(folder), "--base", BASE, "demo"]) == 0
    gc.collect()  # the command's store must be released before the store is opened again
    store = Store(folder, BASE)
    try:
        ingest(store, [Source(name="extra.ttl", data=EXTRA.encode())])
    finally:
        store.close()
    return folder


@pytest.fixture(scope="module")
def live(data):
    store = Store(data, BASE)
    with live_server(store, BASE) as server:
        yield server
    store.close()


@pytest.fixture(scope="module")
def client(live):
    return live.app.test_client()


@pytest.fixture(scope="module")
def store(live):
    return live.app.extensions["registry.store"]


@pytest.fixture
def cli(data, tmp_path, capsys, monkeypatch):
    """The command line over a copy of the data (the web tests hold the original open)."""
    monkeypatch.delenv("REGISTRY_BASE", raising=False)
    copy = tmp_path / "data"
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("LOCK"))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data", str(copy), "--base", BASE, *args])
        gc.collect()
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def get(client, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, (url, reply.status_code)
    assert reply.mimetype == "text/html"
    return reply.get_data(as_text=True)


def article(page: str) -> str:
    return page[page.index('<article class="report"') : page.index("</article>")]


def section(page: str, ident: str) -> str:
    start = page.index(f'<section id="{ident}"')
    return page[start : page.index("</section>", start)]


def figure(page: str, ident: str) -> str:
    found = re.search(rf'id="{ident}">([^<]*)<', page)
    assert found, ident
    return htmllib.unescape(found.group(1))


def text_of(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# -- what the demo's tables say ----------------------------------------------------------------


def actions_of(year: int) -> list[tuple]:
    return [a for a in ACTIONS if int(a[8][:4]) == year]


def money(value) -> str:
    """Money as the report writes it, computed here: 341 500 zł, 5000 zł."""
    n = int(value)
    digits = f"{n:,}".replace(",", "\u00a0") if n >= 10000 else str(n)
    return f"{digits}\u00a0zł"


PURCHASES = {"zakup-ponizej-130k", "zamowienie-zastrzezone-art94", "klauzule-spoleczne-art96",
             "uslugi-spoleczne-art359"}


# -- the report's figures ----------------------------------------------------------------------


@pytest.mark.parametrize("year", [2013, 2014])
def test_the_figures_of_the_year_match_the_demo(client, year):
    page = article(get(client, f"/programme/2013-2014/report/{year}"))
    actions = actions_of(year)
    assert actions
    assert figure(page, "figure-actions") == str(len(actions))
    assert figure(page, "figure-amount") == money(sum(a[10] or 0 for a in actions))
    assert figure(page, "figure-partners") == str(len({p for a in actions for p in a[4]}))
    # counts and amounts per form of cooperation
    rows = re.findall(r'<tr data-form="([^"]+)"><th scope="row">[^<]*</th><td class="num">(\d+)</td>'
                      r'<td class="num">([^<]*)</td>', section(page, "dzialania"))
    expected = Counter(a[2] for a in actions)
    assert {form: int(count) for form, count, _ in rows} == dict(expected)
    for form, _, amount in rows:
        assert amount == money(sum(a[10] or 0 for a in actions if a[2] == form))
    # every action of the year is listed, with its amount
    table = section(page, "dzialania")
    for a in actions:
        assert str(escape(a[1])) in table
    # open calls announced in the year, with their applications
    calls = [o for o in OPPORTUNITIES if o[2] == "otwarty-konkurs" and o[7][:4] == str(year)]
    assert figure(page, "figure-competitions") == str(len(calls))
    assert figure(page, "figure-applications") == str(sum(len(o[11]) for o in calls))
    # small grants, purchases and consultations are the actions of those instruments
    small = [a for a in actions if a[2] == "maly-grant"]
    if small:
        assert figure(page, "figure-small-grants") == str(len(small))
    else:
        assert "nie odnotowuje małych grantów" in section(page, "male-granty")
    assert figure(page, "figure-purchases") == str(sum(a[2] in PURCHASES for a in actions))
    consultations = [a for a in actions if a[2] == "konsultacje"]
    if consultations:
        assert figure(page, "figure-consultations") == str(len(consultations))


def test_what_the_programme_planned(client):
    page = article(get(client, "/programme/2013-2014/report/2013"))
    plan = section(page, "plan")
    for name, *_ in DEMO["actions"]:
        assert str(escape(name)) in plan
    assert figure(page, "figure-planned-total") == money(sum(a[5] for a in DEMO["actions"]))
    assert figure(page, "figure-programme-funds") == money(DEMO["funds"])
    program = section(page, "program")
    assert str(escape(DEMO["main_goal"])) in program
    assert all(str(escape(g)) in program for g in DEMO["specific_goals"])
    assert DEMO["resolution"][0] in program


def test_every_figure_names_its_query_and_the_query_answers_it(client):
    page = article(get(client, "/programme/2013-2014/report/2013"))
    cited = set()
    for ident in ("program", "plan", "dzialania", "konkursy", "male-granty", "zakupy",
                  "konsultacje"):
        part = section(page, ident)
        sources = re.findall(r'<p class="source">Źródło: zapytanie <a href="(/api/queries/[^"]+)">', part)
        assert sources, ident
        # one source per table, and one for the figures of a section without a table
        assert len(sources) >= max(1, part.count('<table class="report-table"')), ident
        cited.update(htmllib.unescape(s) for s in sources)
    # the list of sources names every query cited, with its address
    listed = section(page, "zrodla")
    for address in cited:
        assert f'href="{escape(address)}"' in listed
    # the cited query answers the figure: the year's actions, counted by the API
    reply = client.get("/api/queries/report_actions.json?year=2013")
    assert reply.status_code == 200
    assert len(reply.get_json()["results"]["bindings"]) == len(actions_of(2013))
    assert "/api/queries/report_actions?year=2013" in cited
    assert "/api/queries/cooperation_actions_by_year_form?year=2013" in cited


def test_the_indicators_come_from_the_indicators_module(client, store):
    page = article(get(client, "/programme/2013-2014/report/2014"))
    table = section(page, "wskazniki")
    values = {v.indicator: v for v in indicators.values(store, "2013-2014", 2014)}
    definitions = indicators.definitions(store, "2013-2014")
    assert len(definitions) == len(DEMO["indicators"])
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    assert len(rows) == len(definitions)
    for d, (name, cells) in zip(definitions, rows):
        assert htmllib.unescape(name) == indicators.pick(d.name)
        numbers = re.findall(r'<td class="num">([^<]*)</td>', cells)
        value = values.get(d.iri)
        shown = numbers[2].replace("\u00a0", "").replace(",", ".")
        assert shown == ("—" if value is None else str(value.value))
        if value is not None and value.method == "query":
            assert f"/api/queries/{d.query}" in cells
        elif d.manual_source:
            assert str(escape(d.manual_source)) in cells


def test_a_year_without_data_says_so(client):
    page = article(get(client, "/programme/2031-2032/report/2031"))
    assert "rejestr nie odnotowuje działań współpracy" in section(page, "dzialania")
    assert 'id="figure-actions"' not in page
    assert "nie odnotowuje ogłoszonych otwartych konkursów" in section(page, "konkursy")
    reply = client.get("/programme/2031-2032/report/2031.pdf")
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF")


def test_data_is_escaped(client):
    for url in ("/programme/2031-2032/report/2032", "/programme/2031-2032/report/2032?lang=en"):
        page = get(client, url)
        assert EVIL not in page
        assert str(escape(EVIL)) in page
    assert figure(article(page), "figure-actions") == "1"
    assert figure(article(page), "figure-small-grants") == "1"


def test_the_page_follows_the_interface_language_and_the_report_stays_polish(client):
    page = get(client, "/programme/2013-2014/report/2013?lang=en")
    assert '<html lang="en">' in page
    assert '<article class="report" lang="pl"' in page
    assert "Download the report as PDF" in page
    assert 'href="/programme/2013-2014/report/2013.pdf"' in page
    assert 'href="/programme/2013-2014/report/2014"' in page  # the other year of the programme
    page = get(client, "/programme/2013-2014/report/2013?lang=pl")
    assert '<html lang="pl">' in page and "Pobierz sprawozdanie w formacie PDF" in page


def test_the_programme_page_links_the_report_of_each_year(client):
    page = get(client, "/programme/2013-2014")
    reports = section(page, "reports")
    for year in (2013, 2014):
        assert f'href="/programme/2013-2014/report/{year}"' in reports
        assert f'href="/programme/2013-2014/report/{year}.pdf"' in reports
    assert 'href="#reports"' in page
    # no report for years still to come
    assert "/report/2032" not in get(client, "/programme/2031-2032")


# -- the PDF -----------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_pdf_download(client):
    reply = client.get("/programme/2013-2014/report/2013.pdf")
    assert reply.status_code == 200
    assert reply.mimetype == "application/pdf"
    assert reply.headers["Content-Disposition"] == (
        'attachment; filename="sprawozdanie-2013-2014-2013.pdf"')
    pages = pdf_pages(reply.data)
    # a title page, the report, the sources from a page of their own
    assert len(pages) >= 3
    assert TITLE in pages[0] and "Rok 2013" in pages[0]
    assert pages[1].startswith("1. Program")
    assert any(p.startswith("9. Źródła danych") for p in pages[2:])
    # every page is numbered in its footer: "Strona n z N", N the number of pages
    for number, text in enumerate(pages, start=1):
        assert f"Strona {number} z {len(pages)}" in text
    # the figures are in the PDF too
    actions = actions_of(2013)
    assert any(f"2013: {len(actions)}" in p for p in pages)
    # the same store version and day give the same ETag: no second rendering
    again = client.get("/programme/2013-2014/report/2013.pdf",
                       headers={"If-None-Match": reply.headers["ETag"]})
    assert again.status_code == 304


def test_rendering_fetches_nothing():
    """A document naming outside resources renders without asking for any of them."""
    import http.server
    import threading

    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        document = (f'<!doctype html><html lang="pl"><head><link rel="stylesheet" href="{url}/a.css">'
                    f'<style>@import url("{url}/b.css");</style></head><body><p>Tekst</p>'
                    f'<img src="{url}/c.png" alt=""></body></html>')
        assert render_pdf(document).startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []


def test_a_report_without_data_is_shorter(client):
    full = pdf_pages(client.get("/programme/2013-2014/report/2013.pdf").data)
    empty = pdf_pages(client.get("/programme/2031-2032/report/2031.pdf").data)
    assert 3 <= len(empty) < len(full)
    assert "Program <script>" in empty[0]  # the title, as text, not markup


# -- bad requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/programme/2013-2014/report/20x3", 400, "nie jest rokiem"),
        ("/programme/2013-2014/report/13", 400, "nie jest rokiem"),
        ("/programme/2013-2014/report/3013", 400, "nie jest rokiem"),
        ("/programme/2013-2014/report/2013.doc", 400, "nie jest rokiem"),
        ("/programme/2013-2014/report/2016", 404, "obejmuje lata 2013–2014"),
        ("/programme/2013-2014/report/2016.pdf", 404, "obejmuje lata 2013–2014"),
        ("/programme/no-such-programme/report/2013", 404, "nie ma programu"),
        ("/programme/Bad%20Key!/report/2013", 404, "nie ma programu"),
    ],
)
def test_bad_years_and_programmes_are_clear_answers(client, url, status, message):
    reply = client.get(url + ("&" if "?" in url else "?") + "lang=pl")
    assert reply.status_code == status
    body = reply.get_data(as_text=True)
    assert message in htmllib.unescape(body)
    assert "Traceback" not in body


def test_parse_year():
    assert parse_year(" 2014 ") == 2014
    for bad in ("", "20x4", "214", "12014", "1989", "-2014"):
        with pytest.raises(Exception, match="four digits"):
            parse_year(bad)


def test_years_of_a_programme():
    import datetime as dt

    today = dt.date(2026, 11, 27)
    assert years_of("2013-01-01", "2014-12-31", today) == [2013, 2014]
    assert years_of("2026-01-01", "2027-12-31", today) == [2026]
    assert years_of("2031-01-01", "2032-12-31", today) == []
    assert years_of("2025-01-01", None, today) == [2025, 2026]


def test_money_is_written_the_polish_way():
    assert format_money(Decimal(341500)) == "341\u00a0500\u00a0zł"
    assert format_money(Decimal(5000)) == "5000\u00a0zł"
    assert format_money(None) == "—"


# -- the command line --------------------------------------------------------------------------


def test_cli_writes_html_to_standard_output_for_the_programme_in_force(cli):
    code, out, _ = cli("report", "2013")
    assert code == 0
    assert out.startswith("<!doctype html>") and '<html lang="pl">' in out
    assert str(escape(TITLE)) in out
    assert figure(out, "figure-actions") == str(len(actions_of(2013)))
    # links in a document point to the registry's addresses
    assert f'href="{BASE}/api/queries/report_actions?year=2013"' in out
    assert "<style>" in out and "<link" not in out  # nothing to fetch
    # the command brings the computed indicators up to date first; the report names their queries
    table = section(out, "wskazniki")
    # (a query without a year gives today's figure only; earlier years keep the programme's)
    computed = [i for i in DEMO["indicators"] if i[4] in queries.all_queries()
                and any(p.name == "year" for p in queries.get(i[4]).parameters)]
    assert computed
    for name, *_, query, _ in computed:
        row = table[table.index(str(escape(name))):]
        row = row[: row.index("</tr>")]
        assert f'href="{BASE}/api/queries/{query}' in row and "wyliczono" in row


def test_cli_writes_pdf_and_html_files(cli, tmp_path):
    pdf = tmp_path / "sprawozdanie.pdf"
    code, _, err = cli("report", "2014", "--programme", "2013-2014", "--output", str(pdf))
    assert code == 0 and "written" in err
    pages = pdf_pages(pdf.read_bytes())
    assert TITLE in pages[0] and "Rok 2014" in pages[0]
    html = tmp_path / "sprawozdanie.html"
    code, _, _ = cli("report", "2014", "--output", str(html))
    assert code == 0
    assert figure(html.read_text(encoding="utf-8"), "figure-actions") == str(len(actions_of(2014)))


@pytest.mark.parametrize(
    "args, message",
    [
        (("report", "20x4"), "four digits"),
        (("report", "2016"), "no cooperation programme"),
        (("report", "2016", "--programme", "2013-2014"), "covers 2013–2014"),
        (("report", "2013", "--programme", "nope"), "no programme"),
        (("report", "2013", "--output", "report.txt"), ".pdf or .html"),
    ],
)
def test_cli_bad_requests_exit_2(cli, args, message):
    code, out, err = cli(*args)
    assert code == 2
    assert message in err and out == ""


# -- accessibility -----------------------------------------------------------------------------


@requires_browser
def test_the_report_page_is_accessible(live):
    with chromium() as browser:
        for path in ("/programme/2013-2014/report/2013", "/programme/2013-2014/report/2014?lang=en",
                     "/programme/2013-2014"):
            opened = open_page(browser, live.url)
            response = opened.page.goto(live.url + path)
            assert response.status == 200
            assert check_accessibility(opened.page) == [], path
            assert not (opened.foreign or opened.broken or opened.errors), path
            opened.page.close()


def test_without_pango_the_pdf_says_why_and_html_still_works(monkeypatch):
    """A machine without the system library WeasyPrint needs gets a clear 503, not a traceback."""
    import builtins

    from registry import report as reports

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    import pytest as _pytest

    with _pytest.raises(reports.PdfUnavailable, match="Pango"):
        reports.render_pdf("<html><body>x</body></html>")
