"""The newcomer's path in a real browser: from the home page, search "catering", narrow by a facet,
open an entity, follow its Turtle link, find an open call that fits, switch language; by mouse
and by keyboard alone. axe-core checks the list, search and opportunity pages on the way.

Screenshots of each step go to the test artifacts (see ``browser_support.screenshot``).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest

from .browser_support import (
    check_accessibility,
    chromium,
    demo_server,
    open_page,
    requires_browser,
    screenshot,
)
from .conftest import BASE

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("pages-browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _report(violations) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}): {', '.join(v['targets'][:5])}"
                     for v in violations)


def _axe(page, name: str) -> None:
    if page.locator(".map").count():
        page.wait_for_selector(".map.leaflet-container .leaflet-marker-icon")
    violations = check_accessibility(page)
    screenshot(page, name)
    assert violations == [], _report(violations)


def test_catering_offer_its_entity_and_an_open_call_by_mouse(browser, live):
    opened = open_page(browser, live.url)
    page = opened.page
    page.goto(live.url + "/")
    page.get_by_label(re.compile("Czego szukasz")).fill("catering")
    page.get_by_role("button", name="Szukaj").click()
    page.wait_for_url(re.compile(r"/search\?q=catering"))
    assert page.locator("#group-offers").is_visible()
    _axe(page, "flow-1-search")

    # all the offers found, as a list with facets
    page.locator("section[aria-labelledby=group-offers] p.more a").click()
    page.wait_for_url(re.compile(r"/offers\?"))
    total = _total(page)
    assert total > 0
    _axe(page, "flow-2-offers")

    # narrow by a facet: offers that may go to a reserved contract (art. 94)
    page.locator("input[name=art94][value='1']").check()
    page.get_by_role("button", name="Zastosuj filtry").click()
    page.wait_for_url(re.compile(r"art94=1"))
    narrowed = _total(page)
    assert 0 < narrowed <= total
    assert parse_qs(urlsplit(page.url).query)["q"] == ["catering"]
    screenshot(page, "flow-3-narrowed")

    # the entity behind the first offer
    first = page.locator("ol.hits article").first
    entity_link = first.locator(".hit-meta a").first
    entity_name = entity_link.inner_text()
    entity_link.click()
    page.wait_for_url(re.compile(r"/entity/"))
    assert page.locator("h1").inner_text().strip() == entity_name.strip()
    _axe(page, "flow-4-entity")

    # its Turtle twin
    turtle = page.locator("a[href$='.ttl']").first
    response = page.request.get(live.url + turtle.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.body(), format=ox.RdfFormat.TURTLE))
    entity_iri = BASE + "/id" + urlsplit(page.url).path
    assert any(t.subject.value == entity_iri for t in triples)

    # an open call that fits it, shown on its page
    fits = page.locator("a[href^='/opportunity/']")
    assert fits.count() > 0, "an open call fits a catering entity"
    fits.first.click()
    page.wait_for_url(re.compile(r"/opportunity/"))
    _axe(page, "flow-5-opportunity")

    # switch language: the page and the next ones are in English
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(live.url + "/opportunities?open=open")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Cooperation opportunities"
    _axe(page, "flow-6-opportunities-en")
    assert opened.foreign == [] and opened.errors == [] and opened.broken == []
    opened.close()


def _total(page) -> int:
    text = page.locator(".results-count").inner_text()
    return int(re.search(r"\d+", text).group())


def test_the_same_path_by_keyboard_alone(browser, live):
    opened = open_page(browser, live.url)
    page = opened.page
    page.goto(live.url + "/offers")
    # Tab to the search field: skip link first, then the header, then the field
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("Tab never reached the search field")
    page.keyboard.type("sprzatania")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=sprzatania" in page.url
    before = _total(page)
    assert before > 0
    # Tab to the first facet checkbox, tick it with Space, Tab on to the button, Enter
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    else:
        pytest.fail("Tab never reached a facet")
    page.keyboard.press("Space")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    after = _total(page)
    assert 0 < after <= before
    # the focused element is always visible: a focus outline is drawn
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", focused
    screenshot(page, "keyboard-offers")
    assert opened.errors == []
    opened.close()


@pytest.mark.parametrize("path", ["/entities", "/actions", "/opportunities?lang=en", "/search?q=druk",
                                  "/entities?legalForm=spoldzielnia-socjalna"])
def test_lists_have_no_serious_violations(browser, live, path):
    opened = open_page(browser, live.url)
    assert opened.page.goto(live.url + path).status == 200
    _axe(opened.page, "a11y-list-" + re.sub(r"\W+", "-", path.strip("/")))
    assert opened.foreign == [] and opened.errors == []
    opened.close()


def test_lists_work_without_javascript(browser, live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live.url + "/entities?q=catering")
    page.locator("input[name=legalForm]").first.check()
    page.get_by_role("button", name="Zastosuj filtry").click()
    page.wait_for_url(re.compile(r"legalForm="))
    assert _total(page) > 0
    page.locator("ol.hits a").first.click()
    page.wait_for_url(re.compile(r"/entity/"))
    assert page.locator("h1").count() == 1
    context.close()
