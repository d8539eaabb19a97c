"""Maps: the ``_map.html`` macro (a list of places that works without JavaScript, Leaflet loaded
only where a map is shown) and ``registry-map.js`` drawing it in a real browser.

Page authors use ``{% from "_map.html" import map with context %}{{ map(points, caption) }}``;
these tests render the macro through the application's own Jinja environment.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from registry.app import close_app, create_app
from registry.config import DEFAULT_TILES_URL, Settings
from registry.store import Store
from registry.system import install

from .browser_support import check_accessibility, chromium, open_page, requires_browser, screenshot
from .conftest import BASE
from .http_support import live_server

EVIL = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> & \"Spółdzielnia\""
POINTS = [
    {"lat": 53.0102, "lon": 18.6048, "name": EVIL, "href": "/entity/evil"},
    {"lat": 53.0231, "lon": 18.6632, "name": "Spółdzielnia Socjalna Przykład", "href": "/entity/przyklad"},
    {"lat": 52.9967, "lon": 18.5912, "name": "Bez strony", "href": None},
]
USE = '{% from "_map.html" import map with context %}'


def render(app, source: str, path: str = "/", **context) -> str:
    """Render template text as a page of ``app`` would be (context processors included)."""
    with app.test_request_context(path):
        app.preprocess_request()
        return render_template_string(source, **context)


class _Elements(HTMLParser):
    """Start tags and their attributes, and the text of the page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


@pytest.fixture
def app(tmp_path):
    made = []

    def make(**settings):
        built = create_app(Settings(data_dir=tmp_path / f"data{len(made)}", base=BASE, **settings).checked())
        made.append(built)
        return built

    yield make
    for built in made:
        close_app(built)


def test_the_macro_lists_every_place_with_coordinates_and_links(app):
    html = render(app(), USE + "{{ map(points, 'Miejsca') }}", points=POINTS)
    page = parse(html)
    links = [a["href"] for tag, a in page.tags if tag == "a"]
    assert links == ["/entity/evil", "/entity/przyklad"]  # the place without a page is text
    text = "".join(page.text)
    assert EVIL in text  # the name as text, whatever it contains
    assert "53.01020° N, 18.60480° E" in text and "Bez strony" in text
    assert "Lista miejsc (3)" in text
    details = [a for tag, a in page.tags if tag == "details"]
    assert details and "open" in details[0]  # open without JavaScript
    figure = [a for tag, a in page.tags if tag == "figcaption"]
    assert figure and "Miejsca</figcaption>" in html


def test_names_are_escaped_in_the_list_and_in_the_data(app):
    html = render(app(), USE + "{{ map(points, '<b>Mapa</b>') }}", points=POINTS)
    assert "<script>window" not in html and "<img src=x" not in html and "<b>Mapa" not in html
    element = next(a for tag, a in parse(html).tags if tag == "div" and "map" in (a.get("class") or "").split())
    assert json.loads(element["data-points"]) == POINTS
    assert element["aria-label"] == "<b>Mapa</b>"
    assert "hidden" in element  # shown by the script only


def test_the_map_carries_the_tile_server_and_loads_leaflet_once(app):
    html = render(app(), USE + "{{ map(points, 'A') }}{{ map(points[:1], 'B') }}", points=POINTS)
    tags = parse(html).tags
    maps = [a for tag, a in tags if tag == "div" and a.get("class") == "map"]
    assert len(maps) == 2
    assert maps[0]["data-tiles"] == DEFAULT_TILES_URL
    assert "OpenStreetMap" in maps[0]["data-attribution"]
    assert json.loads(maps[0]["data-labels"])["zoomIn"] == "Przybliż"
    scripts = [a["src"] for tag, a in tags if tag == "script"]
    assert scripts == ["/static/vendor/leaflet/leaflet.js", "/static/registry-map.js"]
    assert all("defer" in a for tag, a in tags if tag == "script")
    styles = [a["href"] for tag, a in tags if tag == "link"]
    assert styles == ["/static/vendor/leaflet/leaflet.css"]


def test_english_labels(app):
    html = render(app(), USE + "{{ map(points, 'A') }}", path="/?lang=en", points=POINTS)
    assert "List of places (3)" in html
    assert "Zoom in" in html


def test_without_a_tile_server_only_the_list_is_shown(app):
    html = render(app(tiles_url=""), USE + "{{ map(points, 'A') }}", points=POINTS)
    tags = parse(html).tags
    assert not [a for tag, a in tags if tag == "div" and a.get("class") == "map"]
    assert not [tag for tag, _ in tags if tag in ("script", "link")]
    assert "Lista miejsc (3)" in html


def test_no_points_no_map(app):
    assert render(app(), USE + "{{ map([], 'A') }}").strip() == ""


def test_tile_server_settings():
    assert Settings.from_env({}).tiles_url == DEFAULT_TILES_URL
    assert Settings.from_env({"REGISTRY_TILES_URL": ""}).tiles_url == ""  # set but empty: no maps
    own = "https://tiles.example.org/osm/{z}/{x}/{y}@2x.png"
    settings = Settings.from_env({"REGISTRY_TILES_URL": own, "REGISTRY_TILES_ATTRIBUTION": "© Example"})
    assert settings.tiles_url == own and settings.tiles_attribution == "© Example"
    for bad in ("ftp://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}.png",
                "javascript:alert(1)//{z}/{x}/{y}", "https://tiles.example.org/{z}/{x}/{y}.png\" onload=\""):
        with pytest.raises(ValueError, match="REGISTRY_TILES_URL"):
            Settings.from_env({"REGISTRY_TILES_URL": bad})


def test_leaflet_is_vendored_and_listed():
    from registry.config import package_file

    vendor = package_file("static", "vendor")
    sums = (vendor / "SHA256SUMS").read_text()
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE",
                 "leaflet/images/marker-icon.png", "leaflet/images/marker-icon-2x.png",
                 "leaflet/images/marker-shadow.png"):
        assert (vendor / name).is_file(), name
        assert f"  {name}\n" in sums, name
    assert "sourceMappingURL" not in (vendor / "leaflet/leaflet.js").read_text()


# In the browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("maps") / "data", BASE)
    install(store)
    with live_server(store, BASE) as server:
        yield server
    store.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _map_page(browser, live, *, tiles: bool, lang: str = "pl"):
    """A page with one map, given with ``set_content``; its addresses resolve to the live server.
    Tile requests never leave the browser: they get a stand-in tile, or fail."""
    body = render(live.app, USE + "{{ map(points, caption) }}", path=f"/?lang={lang}", points=POINTS,
                  caption="Miejsca na mapie")
    html = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><base href="{live.url}/">'
            '<title>Mapa</title><link rel="stylesheet" href="/static/registry.css"></head>'
            f'<body><main id="main"><h1>Mapa</h1>{body}</main></body></html>')
    opened = open_page(browser, live.url, tiles="stand-in" if tiles else "fail")
    opened.page.set_content(html)
    opened.page.wait_for_selector(".map.leaflet-container .leaflet-marker-icon")
    return opened


@requires_browser
def test_the_script_draws_one_marker_per_place(browser, live):
    opened = _map_page(browser, live, tiles=True)
    page = opened.page
    page.wait_for_selector(".leaflet-tile-loaded")
    assert page.locator(".map.leaflet-container").count() == 1
    assert page.locator(".leaflet-marker-icon").count() == len(POINTS)
    assert page.locator(".leaflet-marker-shadow").count() == len(POINTS)  # the images were found
    assert page.locator(".map").is_visible()
    assert not page.locator(".map-list").evaluate("d => d.open")  # the list folds away
    assert page.locator(".map-note").count() == 0
    titles = page.locator(".leaflet-marker-icon").evaluate_all("els => els.map(e => e.title)")
    assert sorted(titles) == sorted(p["name"] for p in POINTS)
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Przybliż"
    screenshot(page, "map-with-tiles")
    assert opened.errors == [] and opened.broken == []
    assert opened.foreign == []
    opened.close()


@requires_browser
def test_popups_show_names_as_text_and_link_to_the_page(browser, live):
    opened = _map_page(browser, live, tiles=True)
    page = opened.page
    marker = page.locator(f".leaflet-marker-icon[title='{POINTS[1]['name']}']")
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().strip() == POINTS[1]["name"]
    assert popup.locator("a").get_attribute("href") == live.url + "/entity/przyklad"
    page.locator(".leaflet-popup-close-button").click()
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")

    evil = page.locator(".leaflet-marker-icon").nth([p["name"] for p in POINTS].index(EVIL))
    assert evil.get_attribute("title") == EVIL
    evil.click()
    popup.wait_for()
    assert popup.inner_text().strip() == EVIL
    assert popup.locator("script, img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert opened.errors == []
    opened.close()


@requires_browser
def test_markers_work_from_the_keyboard(browser, live):
    opened = _map_page(browser, live, tiles=True, lang="en")
    page = opened.page
    # The place without a page: its popup names it, without a link.
    index = [p["name"] for p in POINTS].index("Bez strony")
    page.locator(".leaflet-marker-icon").nth(index).focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().strip() == "Bez strony"
    assert popup.locator("a").count() == 0
    # The map itself takes focus (arrows pan it).
    assert page.locator(".map").get_attribute("tabindex") == "0"
    opened.close()


@requires_browser
def test_without_tiles_the_map_still_works_and_says_so(browser, live):
    opened = _map_page(browser, live, tiles=False)
    page = opened.page
    note = page.locator(".map-note")
    note.wait_for()
    assert "podkładu mapy" in note.inner_text()
    assert page.locator(".leaflet-marker-icon").count() == len(POINTS)
    assert page.locator(".map-list").evaluate("d => d.open")  # the list is open again
    screenshot(page, "map-without-tiles")
    assert opened.errors == [] and opened.broken == []
    opened.close()


@requires_browser
def test_a_map_page_passes_the_accessibility_check(browser, live):
    opened = _map_page(browser, live, tiles=True)
    page = opened.page
    page.wait_for_selector(".leaflet-tile-loaded")
    assert check_accessibility(page) == []
    page.locator(".map-list summary").click()  # the folded list too
    assert check_accessibility(page) == []
    opened.close()


@requires_browser
def test_without_javascript_the_list_is_the_page(browser, live):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    body = render(live.app, USE + "{{ map(points, 'Miejsca') }}", points=POINTS)
    page.set_content(f'<!doctype html><html lang="pl"><head><base href="{live.url}/"><title>Mapa</title>'
                     f'</head><body><main>{body}</main></body></html>')
    assert not page.locator(".map").is_visible()
    assert page.locator(".map-list a").count() == 2
    assert page.locator(".map-list").is_visible()
    context.close()
