"""The query editor in a real browser (Playwright driving Debian's Chromium).

A newcomer opens /sparql, runs an example query and sees its results; the page loads nothing from
other hosts.
"""

from __future__ import annotations

import pytest

from .browser_support import chromium, demo_server, open_page, requires_browser

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with demo_server(tmp_path_factory.mktemp("browser")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _page(browser, live):
    opened = open_page(browser, live.url)
    return opened.page, opened.foreign, opened.errors


def test_editor_runs_the_default_query(browser, live):
    page, foreign, errors = _page(browser, live)
    page.goto(live.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert "PREFIX pes:" in page.evaluate("registryYasgui.getTab().getYasqe().getValue()")
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    rows = page.locator(".yasr table tbody tr").count()
    assert rows == 20
    assert foreign == [], foreign
    assert errors == [], errors
    page.close()


def test_editor_runs_an_example_query(browser, live):
    page, foreign, errors = _page(browser, live)
    page.goto(live.url + "/sparql?lang=en")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator("button.example").filter(has_text="Counts").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    text = page.locator(".yasr table tbody").inner_text()
    assert "46" in text  # the demo's entities
    assert foreign == [], foreign
    assert errors == [], errors
    page.close()


def test_editor_inserts_the_registry_prefixes(browser, live):
    page, foreign, errors = _page(browser, live)
    page.goto(live.url + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator("#add-prefixes").click()
    text = page.evaluate("registryYasgui.getTab().getYasqe().getValue()")
    assert "PREFIX cpv: <https://w3id.org/pes-registry/vocab/cpv/>" in text
    assert "PREFIX legal-form: <https://w3id.org/pes-registry/vocab/legal-form/>" in text
    assert errors == [], errors
    page.close()
