"""The minimal web app: home page with counts, health check, language switch, safe errors."""

from __future__ import annotations

import pytest

from registry.app import create_app
from registry.config import Settings
from registry.ingest import ingest

from .conftest import BASE, source


@pytest.fixture
def client(store, tmp_path):
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    app = create_app(Settings(data_dir=tmp_path / "data", base=BASE), store=store)
    return app.test_client()


def test_home_shows_counts_in_polish_then_english(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'data-count="entities"><a href="/entities">1<' in html
    assert 'data-count="offers"><a href="/offers">1<' in html
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    # The choice is remembered.
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_healthz(client, store):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json["status"] == "ok" and answer.json["version"] == store.version()


def test_unknown_route_is_a_clean_404(client):
    answer = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert "Traceback" not in answer.get_data(as_text=True)
    assert client.get("/nope", headers={"Accept": "application/json"}).json["status"] == 404


def test_unknown_pages_are_helpful_404s(client):
    for path in ("/entity/no-such-cooperative", "/nothing-here", "/vocab/no-scheme/x"):
        answer = client.get(path, headers={"Accept": "text/html"})
        assert answer.status_code == 404
        html = answer.get_data(as_text=True)
        assert "Nie znaleziono" in html and 'action="/search"' in html and "Traceback" not in html
        assert 'href="/offers"' in html and "<nav" in html  # the site's own layout
    html = client.get("/entity/no-such-cooperative?lang=en").get_data(as_text=True)
    assert "Not found" in html and 'value="no such cooperative"' in html
    # data in the address is escaped
    html = client.get("/entity/%3Cscript%3Ealert(1)%3C%2Fscript%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in html
