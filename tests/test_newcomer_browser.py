"""The newcomer's path of the accounts issue, end to end in a real browser over a demo server:
an administrator created from the command line; a PES representative registers, claims the
entity, an administrator approves; the editor adds an offer through the form, sees the shapes'
message, fixes it, and the offer is in the public list, the SPARQL endpoint and the history."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse

from .browser_support import (
    check_accessibility,
    chromium,
    demo_server,
    open_page,
    requires_browser,
    screenshot,
)
from .http_support import request

ENTITY = "spoldzielnia-socjalna-przystan"
ADMIN, ADMIN_PASSWORD = "urzednik@torun.example", "hasło administratora 2026"
PES, PES_PASSWORD = "prezes@przystan.example", "hasło prezesa spółdzielni"
OFFER_NAME = "Pierogi ruskie na wynos"


def log_in(page, url: str, login: str, password: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Adres e-mail (login)").fill(login)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(url + "/account")


@requires_browser
def test_a_newcomer_registers_claims_and_publishes_an_offer(tmp_path):
    with demo_server(tmp_path) as live, chromium() as browser:
        data = str(live.settings.data_dir)
        # The first administrator, from the command line, while the server runs.
        done = subprocess.run(
            [sys.executable, "-m", "registry.cli", "--data", data, "user", "add", ADMIN, "--admin",
             "--name", "Anna Nowak", "--password-stdin"],
            input=ADMIN_PASSWORD + "\n", capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

        pes = open_page(browser, live.url)
        page = pes.page
        page.goto(live.url + "/register")
        page.get_by_label("Adres e-mail (będzie loginem)").fill(PES)
        page.get_by_label("Imię i nazwisko").fill("Jan Kowalski")
        page.get_by_label("Hasło", exact=True).fill(PES_PASSWORD)
        page.get_by_label("Powtórz hasło").fill(PES_PASSWORD)
        page.get_by_role("button", name="Załóż konto").click()
        page.wait_for_url(live.url + "/account")
        page.get_by_label("Nazwa, NIP, KRS lub klucz podmiotu").fill("8793908045")  # by NIP
        page.get_by_role("button", name="Szukaj").click()
        page.get_by_label("Wiadomość dla administratora (kim jesteś w tym podmiocie)").fill("Prezes zarządu.")
        page.get_by_role("button", name="Zgłoś ten podmiot").click()
        assert "Zgłoszenie wysłane" in page.content()
        # Before the approval, the entity's page offers no editing.
        page.goto(f"{live.url}/entity/{ENTITY}")
        assert page.get_by_role("link", name="Dodaj ofertę").count() == 0

        admin = open_page(browser, live.url)
        log_in(admin.page, live.url, ADMIN, ADMIN_PASSWORD)
        admin.page.goto(live.url + "/admin/requests")
        assert "Prezes zarządu." in admin.page.content()
        admin.page.get_by_role("button", name=re.compile(rf"^Zatwierdź\W+{re.escape(PES)}, {ENTITY}$")).click()
        assert "Decyzja zapisana" in admin.page.content()

        # Approved: the editor adds an offer through the form.
        page.goto(f"{live.url}/entity/{ENTITY}")
        page.get_by_role("link", name="Dodaj ofertę").click()
        page.wait_for_url(f"**/entity/{ENTITY}/offers/new")
        page.locator("#f-name\\.pl").fill(OFFER_NAME)
        page.locator("#f-category\\.0").fill("55520000-1")
        page.locator("input[name=offerCategory][value$='/gastronomia']").check()
        page.locator("#f-priceOnRequest").check()
        page.locator("#f-description\\.pl").fill("Pierogi lepione ręcznie, od 50 sztuk.")
        page.locator("#f-validFrom").fill("2026-12-01")
        page.locator("#f-validThrough").fill("2026-11-01")  # before it starts: the shapes refuse it
        page.locator(".form-actions button[type=submit]").click()
        page.wait_for_load_state()
        assert "przestaje być ważna" in page.content()
        assert page.locator("[aria-invalid=true]").count() >= 1
        assert check_accessibility(page) == []
        screenshot(page, "newcomer-offer-invalid")
        assert request(live.url, "GET", "/offers.json?q=" + urllib.parse.quote(OFFER_NAME)).status == 200
        assert json.loads(request(live.url, "GET", "/offers.json?q=pierogi+ruskie").body)["total"] == 0

        page.locator("#f-validThrough").fill("2027-06-30")
        page.locator(".form-actions button[type=submit]").click()
        page.wait_for_load_state()
        assert OFFER_NAME in page.content()
        screenshot(page, "newcomer-offer-saved")

        # In the public list, the endpoint and the entity's history, for everyone.
        page.goto(live.url + "/offers?q=pierogi+ruskie")
        hit = page.get_by_role("link", name=OFFER_NAME)
        assert hit.count() == 1
        hit.click()
        page.wait_for_load_state()
        assert "Spółdzielnia Socjalna" in page.content()
        ask = urllib.parse.quote(f'ASK {{ ?o <https://schema.org/name> "{OFFER_NAME}"@pl ; '
                                 f'<https://schema.org/offeredBy> <{live.settings.base}/id/entity/{ENTITY}> }}')
        reply = request(live.url, "GET", "/sparql?query=" + ask, headers={"Accept": "application/sparql-results+json"})
        assert json.loads(reply.body)["boolean"] is True
        history = request(live.url, "GET", f"/entity/{ENTITY}/history.json")
        assert OFFER_NAME in history.text and PES not in history.text and "Kowalski" not in history.text
        assert pes.errors == [] and admin.errors == []
        pes.close()
        admin.close()
