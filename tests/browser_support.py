"""What every browser test shares: Debian's Chromium driven by Playwright, a page that records
what it should not do, the axe-core accessibility check, and screenshots.

Playwright's own browser download is not used; the tests skip, saying why, when Chromium or
Playwright is missing (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from registry.config import DEFAULT_TILES_URL, Settings
from registry.demo import load_demo
from registry.store import Store
from registry.system import install

from .conftest import BASE
from .http_support import live_server

REPO = Path(__file__).resolve().parent.parent
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None

if CHROMIUM is None:
    _MISSING = "Chromium is not installed (apt-get install chromium; .ci/run does it)"
elif not _PLAYWRIGHT:
    _MISSING = "Playwright is not installed (pip install -e '.[test]')"
else:
    _MISSING = ""

requires_browser = pytest.mark.skipif(bool(_MISSING), reason=_MISSING or "browser available")

# The network is closed: without the background-networking flags Chromium keeps trying (and
# failing) to reach its own services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# axe-core rules of WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")


def launch(playwright):
    """Debian's Chromium, headless, through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[object]:
    """A browser for the duration of the block (use it in a module-scoped fixture)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenPage:
    """A page and what it did that a test may want to forbid."""

    page: object
    foreign: list[str] = field(default_factory=list)  # requests to other hosts
    errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page
    broken: list[str] = field(default_factory=list)  # answers >= 400 from the allowed hosts

    def close(self) -> None:
        self.page.close()


def stand_in_tile() -> bytes:
    """A 1x1 grey PNG, served in place of map tiles."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xcc")) + chunk(b"IEND", b""))


def open_page(browser, url: str, *, hosts: tuple[str, ...] = (), tiles: str = "stand-in",
              tiles_url: str = DEFAULT_TILES_URL) -> OpenPage:
    """A new page that records requests to hosts other than ``url``'s (and ``hosts``), failing
    answers from those hosts, and page errors. Nothing is loaded yet.

    Requests to the map tile server (``tiles_url``'s host) never reach the network: they get a
    stand-in tile (``tiles="stand-in"``) or fail (``tiles="fail"``), and are not counted as
    foreign."""
    page = browser.new_page()
    parts = urlsplit(tiles_url)
    allowed = {urlsplit(url).netloc, "", *hosts}
    opened = OpenPage(page)
    if parts.netloc:
        tile_body = stand_in_tile()

        def tile(route):
            if tiles == "fail":
                route.abort()
            else:
                route.fulfill(status=200, content_type="image/png", body=tile_body)

        page.route(f"{parts.scheme}://{parts.netloc}/**", tile)

    def watch(req):
        if req.url.startswith(("data:", "blob:", "about:")):
            return
        netloc = urlsplit(req.url).netloc
        if netloc not in allowed and netloc != parts.netloc:
            opened.foreign.append(req.url)

    def answered(response):
        if response.status >= 400 and urlsplit(response.url).netloc in allowed:
            opened.broken.append(f"{response.status} {response.url}")

    page.on("request", watch)
    page.on("response", answered)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    return opened


def check_accessibility(page, *, context=None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) on the page; return the serious and critical
    violations, each with its rule id, help text and the selectors of the offending nodes.

    ``context`` is axe's context: a selector, or ``{"include": [...], "exclude": [...]}``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context || document,
                                         {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations;
        }""",
        [context, WCAG_TAGS],
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [" ".join(map(str, node["target"])) for node in v["nodes"]],
        }
        for v in violations
        if v.get("impact") in SERIOUS
    ]


def artifacts_dir() -> Path:
    """Where screenshots go: ``$TEST_ARTIFACTS``, else ``test-artifacts/screenshots/``."""
    configured = os.environ.get("TEST_ARTIFACTS")
    folder = Path(configured) if configured else REPO / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, name: str) -> Path:
    """A full-page PNG of the page, named after ``name``; returns its path."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    path = artifacts_dir() / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@contextmanager
def demo_server(folder: Path):
    """A live server over a new store in ``folder`` loaded with the demo data."""
    store = Store(folder / "data", BASE)
    install(store)
    load_demo(store, Settings(data_dir=store.path, base=BASE))
    try:
        with live_server(store, BASE) as server:
            yield server
    finally:
        store.close()
