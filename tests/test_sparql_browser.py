"""The query editor in a real browser (Playwright driving Debian's Chromium).

A newcomer opens /sparql, runs an example query and sees its results; the page loads nothing from
other hosts.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest

from registry.config import Settings
from registry.demo import load_demo
from registry.store import Store
from registry.system import install

from .conftest import BASE
from .http_support import live_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (see .ci/run)")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("browser") / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    with live_server(store, BASE) as server:
        yield server
    store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _page(browser, live):
    page = browser.new_page()
    foreign = []
    host = urlsplit(live.url).netloc

    def watch(req):
        if urlsplit(req.url).netloc not in (host, "") and not req.url.startswith(("data:", "blob:")):
            foreign.append(req.url)

    page.on("request", watch)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, foreign, errors


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
