"""Editing forms derived from the SHACL shapes: the field model, the round trip of every demo
document through the form, messages next to fields, and the form routes with real accounts.

One store with the demo data set serves the module; tests that write touch documents no other
test reads.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from werkzeug.datastructures import MultiDict

from registry import config, forms
from registry.app import close_app, create_app
from registry.config import Settings
from registry.demo import load_demo
from registry.ingest import DocumentReport
from registry.namespaces import SH
from registry.store import Store
from registry.system import install
from registry.validation import Validator, shapes_graph

from .browser_support import (
    check_accessibility,
    chromium,
    demo_server,
    open_page,
    requires_browser,
    screenshot,
)
from .conftest import BASE

PES = "https://w3id.org/pes-registry/ontology#"
SCHEMA = "https://schema.org/"
MODIFIED = "http://purl.org/dc/terms/modified"
PASSWORD = "a long enough password 1"
ENTITY_A = "spoldzielnia-socjalna-przystan"
ENTITY_B = "fundacja-pod-lipami"


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("forms") / "data", BASE)
    install(store)
    settings = Settings(data_dir=store.path, base=BASE)
    load_demo(store, settings)
    app = create_app(settings, store=store)
    accounts = app.extensions["registry.accounts"]
    accounts.add_user("admin@example.org", "Administrator", PASSWORD, "admin")
    editor = accounts.add_user("editor@example.org", "Edytor Przystani", PASSWORD, "editor")
    accounts.grant(editor.id, ENTITY_A)
    accounts.add_user("newcomer@example.org", "Nowa Osoba", PASSWORD, "editor")
    yield app, store
    close_app(app)
    store.close()


@pytest.fixture(scope="module")
def store(demo):
    return demo[1]


@pytest.fixture
def app(demo):
    return demo[0]


def login(app, who: str):
    """A test client logged in through the login form."""
    client = app.test_client()
    page = client.get("/login", headers={"Accept": "text/html"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    reply = client.post(
        "/login",
        data={"login": who, "password": PASSWORD, "csrf_token": token},
        headers={"Accept": "text/html"},
    )
    assert reply.status_code == 303, reply.get_data(as_text=True)
    return client


@pytest.fixture
def admin(app):
    return login(app, "admin@example.org")


@pytest.fixture
def editor(app):
    return login(app, "editor@example.org")


HTML = {"Accept": "text/html"}


def page(client, url: str, status: int = 200) -> str:
    reply = client.get(url, headers=HTML)
    assert reply.status_code == status, (
        url,
        reply.status_code,
        reply.get_data(as_text=True)[:2000],
    )
    return reply.get_data(as_text=True)


class _FormReader(HTMLParser):
    """What a browser sends for the editing form of a page (no button pressed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.action = None
        self._in_form = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "edit-form" in (a.get("class") or "").split() and self.action is None:
            self._in_form, self.action = True, a.get("action")
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._select_value, self._select_first = a.get("name"), None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._select_first
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea>; browsers send CRLF line ends.
            self.fields.append((self._textarea, text.removeprefix("\n").replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_of(text: str) -> tuple[str, MultiDict]:
    reader = _FormReader()
    reader.feed(text)
    return reader.action, MultiDict(reader.fields)


def graph(store, kind: str, key: str) -> set[ox.Triple]:
    triples = forms.stored_triples(kind, key, store) or []
    return {t for t in triples if t.predicate.value != MODIFIED}


def main_of(text: str) -> str:
    return text[text.index("<main") : text.index("</main>")]


def field_block(text: str, field_id: str) -> str:
    """The markup of the field whose control has this id (its ``form-field`` block)."""
    start = text.index(f'id="{field_id}"')
    begin = text.rindex('<div class="form-field', 0, start)
    end = text.index("</div>", start)
    return text[begin:end]


# -- the field model follows the shapes ---------------------------------------------------------


def _property_shapes(cls: str) -> dict[str, list]:
    """Property shapes of the node shapes targeting a class, by path (rdflib, independently of the
    form code)."""
    g = shapes_graph()
    out: dict[str, list] = {}
    for shape in g.subjects(SH.targetClass, URIRef(cls)):
        for prop in g.objects(shape, SH.property):
            path = g.value(prop, SH.path)
            if isinstance(path, URIRef):
                out.setdefault(str(path), []).append(prop)
    return out


def _required(cls: str) -> set[str]:
    g = shapes_graph()
    return {
        path
        for path, props in _property_shapes(cls).items()
        if any(
            int(g.value(p, SH.minCount) or 0) >= 1
            and g.value(p, SH.severity) in (None, SH.Violation)
            for p in props
        )
    }


NOT_IN_FORMS = {MODIFIED, SCHEMA + "makesOffer", PES + "indicatorValues"}


@pytest.mark.parametrize("kind", forms.FORM_KINDS)
def test_every_property_of_the_shapes_is_a_field_with_their_cardinality(kind):
    g = shapes_graph()
    for cls in forms.kind_classes(kind):
        form = forms.form_model(kind, cls)
        by_path = {f.path: f for f in form.fields if f.variant is None}
        shaped = _property_shapes(cls)
        assert set(shaped) - NOT_IN_FORMS == set(by_path), (kind, cls)
        assert {p for p, f in by_path.items() if f.required} == _required(cls) - NOT_IN_FORMS
        for path, f in by_path.items():
            maxes = [
                int(g.value(p, SH.maxCount))
                for p in shaped[path]
                if g.value(p, SH.maxCount) is not None
            ]
            assert f.repeatable == (not maxes), (kind, path)
            names = {
                str(n) for p in shaped[path] for n in g.objects(p, SH.name) if n.language == "pl"
            }
            assert f.labels["pl"] in names


def test_entity_form_required_fields_and_variant():
    form = forms.form_model("entity")
    required = {f.path for f in form.fields if f.required and f.variant is None}
    assert required == {SCHEMA + "name", "http://www.w3.org/ns/regorg#orgType"}
    assert _required(PES + "SocialEconomyEntity") - NOT_IN_FORMS == required
    description = form.by_path(SCHEMA + "description")
    assert description.recommended and not description.required  # a warning, not a requirement
    assert description.value == "lang" and description.widget == "textarea"
    # A unit without legal personality: its own shape brings org:unitOf, required there.
    (variant,) = form.variants
    assert variant.cls == PES + "SocialEconomyUnit"
    unit_of = form.by_path("http://www.w3.org/ns/org#unitOf")
    assert (
        unit_of.variant == variant.cls and unit_of.required and unit_of.kinds == ("entity", "unit")
    )
    # Parts of the document: nested forms from the shapes of their classes.
    identifier = form.by_path("http://www.w3.org/ns/adms#identifier")
    assert identifier.value == "node" and identifier.repeatable
    assert {f.name for f in identifier.node.fields if f.required} == {"notation", "type"}
    address = form.by_path("http://www.w3.org/ns/locn#address").node
    assert address.field("postCode").pattern == "[0-9]{2}-[0-9]{3}"
    assert (address.field("lat").minimum, address.field("lat").maximum) == (
        "-90",
        "90",
    )  # not the warning's range
    employees = form.by_path(SCHEMA + "numberOfEmployees")
    assert employees.widget == "number" and employees.step == "1" and employees.minimum == "0"
    assert form.by_path(SCHEMA + "url").widget == "url"
    assert form.by_path(SCHEMA + "foundingDate").widget == "date"
    assert form.by_path("http://www.w3.org/ns/regorg#registration").value == "ref"


def _scheme_members(scheme: str) -> set[str]:
    g = Graph()
    for path in config.vocab_dir().glob("*.ttl"):
        g.parse(path)
    return {
        str(c)
        for c in g.subjects(SKOS.inScheme, URIRef(scheme))
        if (c, RDF.type, SKOS.Concept) in g
    }


def test_scheme_constrained_fields_offer_exactly_the_scheme():
    area = forms.form_model("entity").by_path(PES + "publicTaskArea")
    scheme = "https://w3id.org/pes-registry/vocab/public-task-area"
    assert area.schemes == (scheme,)
    assert {o.value for o in forms.concept_options(area.schemes)} == _scheme_members(scheme)
    assert area.widget == "checkboxes"
    status = forms.form_model("opportunity").by_path(PES + "opportunityStatus")
    assert {o.value for o in forms.concept_options(status.schemes)} == _scheme_members(
        "https://w3id.org/pes-registry/vocab/opportunity-status"
    )
    assert status.widget == "select" and status.required
    cpv = forms.form_model("offer").by_path(SCHEMA + "category")
    assert cpv.widget == "datalist" and cpv.required and cpv.repeatable  # a large scheme


def test_pattern_attributes_only_where_html_reads_them_the_same():
    assert forms.html_pattern("^[0-9]{7}$") == "[0-9]{7}"
    assert forms.html_pattern("^[^@ ]+@[^@ ]+[.][^@ ]+$") == "[^@ ]+@[^@ ]+[.][^@ ]+"
    assert (
        forms.html_pattern("^[+]?[0-9][0-9 ()-]{4,18}[0-9]$") is None
    )  # ( ) - reserved in classes
    assert forms.html_pattern("^(?i)abc$") is None


# -- the round trip -------------------------------------------------------------------------------


def _keys(store, kind: str) -> list[str]:
    prefix = f"{BASE}/id/{kind}/"
    cls = forms.kind_classes(kind)
    keys = set()
    for c in cls:
        for q in store.raw.quads_for_pattern(
            None, ox.NamedNode(str(RDF.type)), ox.NamedNode(c), None
        ):
            if q.subject.value.startswith(prefix) and "#" not in q.subject.value:
                keys.add(q.subject.value[len(prefix) :])
    return sorted(keys)


@pytest.mark.parametrize("kind", forms.FORM_KINDS)
def test_round_trip_of_every_demo_document(store, kind):
    keys = _keys(store, kind)
    assert keys
    for key in keys:
        values = forms.values_from_store(kind, key, store)
        built = forms.triples_from_form(kind, key, MultiDict(forms.flatten(kind, values)), BASE)
        assert built.errors == {}, (kind, key)
        assert set(built.triples) == graph(store, kind, key), (kind, key)


def test_round_trip_shows_the_data_in_fields_not_as_rdf(store):
    values = forms.values_from_store("entity", ENTITY_A, store)
    assert values["name"]["pl"] == "Spółdzielnia Socjalna „Przystań”"
    assert values["address"][0]["_iri"] == f"{BASE}/id/entity/{ENTITY_A}#address"
    assert values["address"][0]["postCode"] == "87-100"
    assert {i["type"].rsplit("/", 1)[-1] for i in values["identifier"]} == {"krs", "nip", "regon"}
    # What the shapes do not describe is kept, in Turtle; nothing the fields show is repeated there.
    kept = values["_kept"]
    assert values["address"][0]["thoroughfare"] and values["address"][0]["postName"] == "Toruń"
    assert (
        "locn:thoroughfare" not in kept and "schema:name" not in kept and "adms:identifier" not in kept
    )
    offer = forms.values_from_store("offer", "przystan-catering", store)
    assert offer["offeredBy"] == f"{BASE}/id/entity/{ENTITY_A}"
    assert offer["category"] == ["55520000-1"]
    programme = forms.values_from_store("programme", "2013-2014", store)
    action = programme["hasAction"][0]
    assert action["contributesTo"] and action["contributesTo"][0].startswith(
        f"{BASE}/id/programme/2013-2014#goal-"
    )
    assert action["plannedFunds"]["value"]


@pytest.mark.parametrize(
    "kind,key",
    [
        ("entity", "cis-most"),
        ("offer", "przystan-sprzatanie-biur"),
        ("opportunity", "2025-konkurs-seniorzy"),
        ("action", "2025-seniorzy-pod-lipami"),
        ("unit", "mopr"),
        ("unit", "gmina-miasta-torun"),
        ("programme", "2013-2014"),
    ],
)
def test_the_html_form_submitted_unchanged_changes_nothing(store, admin, kind, key):
    before = graph(store, kind, key)
    assert before, (kind, key)
    action, data = form_of(page(admin, f"/{kind}/{key}/edit"))
    assert action == f"/{kind}/{key}/edit"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 303, main_of(reply.get_data(as_text=True))[:3000]
    assert graph(store, kind, key) == before


# -- messages next to fields ------------------------------------------------------------------------


def test_malformed_values_are_field_errors_not_exceptions(store):
    values = forms.values_from_store("entity", ENTITY_A, store)
    data = MultiDict(forms.flatten("entity", values))
    data["numberOfEmployees"] = "abc"
    data["foundingDate"] = "2011-02-30"
    data["url.0"] = "przystan dot example"
    data["address.0.lat"] = "pięćdziesiąt"
    data["_kept"] = "this is not turtle"
    built = forms.triples_from_form("entity", ENTITY_A, data, BASE)
    assert set(built.errors) == {
        "numberOfEmployees",
        "foundingDate",
        "url.0",
        "address.0.lat",
        "_kept",
    }
    assert built.errors["numberOfEmployees"] == [
        ("Wpisz liczbę całkowitą, np. 12.", "Enter a whole number, e.g. 12.")
    ]
    # A comma is a decimal separator; a date-time keeps its time.
    data = MultiDict(forms.flatten("entity", values))
    data["shareOfEmployeesAtRisk"] = "0,25"
    built = forms.triples_from_form("entity", ENTITY_A, data, BASE)
    assert ox.Literal(
        "0.25", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    ) in {t.object for t in built.triples}
    # Statements about another resource cannot ride along.
    data["_kept"] = f'<{BASE}/id/entity/{ENTITY_B}> <{SCHEMA}name> "x"@pl .'
    assert "_kept" in forms.triples_from_form("entity", ENTITY_A, data, BASE).errors


@pytest.mark.parametrize(
    "lang,message",
    [
        ("pl", "Liczba pracowników musi być jedną liczbą całkowitą nie mniejszą niż 0"),
        ("en", "The number of employees must be a single whole number, 0 or more"),
    ],
)
def test_shape_message_next_to_its_field(store, admin, lang, message):
    key = "spoldzielnia-socjalna-kolo"
    before = graph(store, "entity", key)
    action, data = form_of(page(admin, f"/entity/{key}/edit?lang={lang}"))
    data["numberOfEmployees"] = "-3"
    data["address.0.postCode"] = "87100"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 422
    text = reply.get_data(as_text=True)
    block = field_block(text, "f-numberOfEmployees")
    assert 'aria-invalid="true"' in block and 'value="-3"' in block  # the input is kept
    assert re.search(r'aria-describedby="[^"]*\bm-f-numberOfEmployees\b', block)
    messages = re.search(
        r'<ul class="field-messages" id="m-f-numberOfEmployees">(.*?)</ul>', text, re.S
    ).group(1)
    assert html.escape(message, quote=False) in messages
    postcode = re.search(r'id="m-f-address.0.postCode">(.*?)</ul>', text, re.S).group(1)
    expected = {
        "pl": "Kod pocztowy musi mieć postać 00-000",
        "en": "The postcode must be written 00-000",
    }[lang]
    assert expected in postcode
    assert 'href="#f-numberOfEmployees"' in text  # the summary at the top links to the field
    label = {"pl": "Liczba pracowników", "en": "Number of employees"}[lang]
    assert f'<label for="f-numberOfEmployees">{label}</label>' in text
    assert graph(store, "entity", key) == before


def test_field_messages_place_results_by_focus_and_path(store):
    values = forms.values_from_store("entity", ENTITY_A, store)
    values["numberOfEmployees"] = "-1"
    values["address"][0]["postCode"] = "x"
    values["description"] = {}
    built = forms.build("entity", ENTITY_A, values, BASE)
    results = Validator().validate(built.triples)
    report = [DocumentReport(iri=f"{BASE}/id/entity/{ENTITY_A}", source="form", results=results)]
    found = forms.field_messages("entity", ENTITY_A, report, "en", values=built.values)
    assert found.errors["numberOfEmployees"] == [
        "The number of employees must be a single whole number, 0 or more"
    ]
    assert found.errors["address.0.postCode"] == [
        "The postcode must be written 00-000 (e.g. 87-100)"
    ]
    assert found.warnings["description"] == ["The entity has no description of its activity"]
    assert "description" not in found.errors
    # Without the values, a part's results cannot be placed and go to the top.
    found = forms.field_messages("entity", ENTITY_A, report, "pl")
    assert any("00-000" in m for m in found.top_errors) and "numberOfEmployees" in found.errors
    # A SPARQL constraint names no path: its result goes to the field holding its value.
    values = forms.values_from_store("entity", ENTITY_A, store)
    nip = next(i for i in values["identifier"] if i["type"].endswith("/nip"))
    nip["notation"] = nip["notation"][:-1] + str((int(nip["notation"][-1]) + 1) % 10)
    built = forms.build("entity", ENTITY_A, values, BASE)
    report = [
        DocumentReport(
            iri=f"{BASE}/id/entity/{ENTITY_A}",
            source="form",
            results=Validator().validate(built.triples),
        )
    ]
    found = forms.field_messages("entity", ENTITY_A, report, "pl", values=built.values)
    index = values["identifier"].index(nip)
    assert any("błędną cyfrę kontrolną" in m for m in found.errors[f"identifier.{index}.notation"])


# -- the routes ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(app):
    client = app.test_client()
    for url in (
        f"/entity/{ENTITY_A}/edit",
        "/opportunity/new",
        "/entity/propose",
        f"/entity/{ENTITY_A}/offers/new",
    ):
        reply = client.get(url, headers=HTML)
        assert reply.status_code == 303
        location = urlsplit(reply.headers["Location"])
        assert location.path == "/login" and url.split("?")[0] in html.unescape(location.query)


def test_editor_may_not_edit_other_entities_or_city_documents(editor):
    page(editor, f"/entity/{ENTITY_B}/edit", 403)
    page(editor, "/opportunity/2025-konkurs-seniorzy/edit", 403)
    page(editor, "/action/2025-seniorzy-pod-lipami/edit", 403)
    page(editor, "/unit/mopr/edit", 403)
    page(editor, "/programme/2013-2014/edit", 403)
    page(editor, "/opportunity/new", 403)
    page(editor, "/entity/new", 403)
    page(editor, f"/entity/{ENTITY_B}/offers/new", 403)
    csrf = re.search(
        r'name="csrf_token" value="([^"]+)"', page(editor, f"/entity/{ENTITY_A}/edit")
    ).group(1)
    reply = editor.post(
        f"/entity/{ENTITY_B}/edit", data={"csrf_token": csrf, "name.pl": "Przejęcie"}, headers=HTML
    )
    assert reply.status_code == 403


def test_editor_of_an_offer_of_another_entity_gets_403(store, editor):
    offer = next(
        k
        for k in _keys(store, "offer")
        if forms.document_graph(store, "offer", k).endswith(ENTITY_B)
    )
    page(editor, f"/offer/{offer}/edit", 403)


def test_admin_edit_changes_the_store(store, admin):
    key = "wydzial-kultury"
    action, data = form_of(page(admin, f"/unit/{key}/edit"))
    data["name.en"] = "Department of Culture"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 303 and reply.headers["Location"].endswith(f"/unit/{key}")
    names = {t.object for t in graph(store, "unit", key) if t.predicate.value == SCHEMA + "name"}
    assert ox.Literal("Department of Culture", language="en") in names


def test_editor_edits_its_entity_and_its_offers(store, editor):
    action, data = form_of(page(editor, f"/entity/{ENTITY_A}/edit"))
    data["telephone.0"] = "+48 56 611 22 33"
    data["status.0.grantedBy.en"] = "Voivode of Kuyavia-Pomerania"
    reply = editor.post(action, data=data, headers=HTML)
    assert reply.status_code == 303, main_of(reply.get_data(as_text=True))[:3000]
    triples = graph(store, "entity", ENTITY_A)
    assert ox.Literal("+48 56 611 22 33") in {t.object for t in triples}
    assert ox.Literal("Voivode of Kuyavia-Pomerania", language="en") in {t.object for t in triples}
    # The entity's offers were not in the form and are still there.
    assert graph(store, "offer", "przystan-catering")
    action, data = form_of(page(editor, "/offer/przystan-catering/edit"))
    assert data["offeredBy"] == f"{BASE}/id/entity/{ENTITY_A}"
    data["capacity.en"] = "up to 200 meals a day"
    reply = editor.post(action, data=data, headers=HTML)
    assert reply.status_code in (303,), main_of(reply.get_data(as_text=True))[:3000]
    assert ox.Literal("up to 200 meals a day", language="en") in {
        t.object for t in graph(store, "offer", "przystan-catering")
    }
    assert graph(store, "entity", ENTITY_A) >= {
        t for t in triples if t.predicate.value != SCHEMA + "makesOffer"
    }


def test_an_offer_cannot_be_moved_to_another_entity(store, editor):
    action, data = form_of(page(editor, "/offer/przystan-sprzatanie-biur/edit"))
    data["offeredBy"] = f"{BASE}/id/entity/{ENTITY_B}"
    reply = editor.post(action, data=data, headers=HTML)
    assert reply.status_code == 303
    assert forms.document_graph(store, "offer", "przystan-sprzatanie-biur").endswith(ENTITY_A)


def test_a_warning_does_not_block(store, admin):
    key = "stowarzyszenie-most"
    action, data = form_of(page(admin, f"/entity/{key}/edit"))
    data["description.pl"] = ""
    data["description.en"] = ""
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(f"/entity/{key}/edit?saved=1")
    assert not [
        t for t in graph(store, "entity", key) if t.predicate.value == SCHEMA + "description"
    ]
    text = page(admin, reply.headers["Location"] + "&lang=pl")
    assert "Zapisano." in text
    warning = re.search(r'id="m-f-description">(.*?)</ul>', text, re.S).group(1)
    assert "Podmiot nie ma opisu działalności" in warning and "form-warning" in warning


def test_someone_elses_write_in_the_meantime_is_a_conflict(store, app, admin):
    key = "mopr"
    text = page(admin, f"/unit/{key}/edit")
    action, data = form_of(text)
    other = login(app, "admin@example.org")
    _, fresh = form_of(page(other, f"/unit/{key}/edit"))
    fresh["name.en"] = "Municipal Family Support Centre"
    assert other.post(action, data=fresh, headers=HTML).status_code == 303
    data["name.en"] = "My own translation"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 409
    body = reply.get_data(as_text=True)
    assert "My own translation" in body and f'href="/unit/{key}/edit"' in body
    names = {t.object for t in graph(store, "unit", key) if t.predicate.value == SCHEMA + "name"}
    assert ox.Literal("Municipal Family Support Centre", language="en") in names


def test_add_another_works_without_javascript(store, admin):
    key = "stowarzyszenie-most"
    before = graph(store, "entity", key)
    action, data = form_of(page(admin, f"/entity/{key}/edit"))
    slots = [n for n in data if re.fullmatch(r"email\.\d+", n)]
    data["_add"] = "email"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 200
    _, again = form_of(reply.get_data(as_text=True))
    assert len([n for n in again if re.fullmatch(r"email\.\d+", n)]) == len(slots) + 1
    parts = len(re.findall(r'name="status\.\d+\._iri"', page(admin, f"/entity/{key}/edit")))
    data["_add"] = "status"
    text = admin.post(action, data=data, headers=HTML).get_data(as_text=True)
    assert len(re.findall(r'name="status\.\d+\._iri"', text)) == parts + 1
    assert graph(store, "entity", key) == before  # nothing saved


def test_add_another_inside_a_part(store):
    values = forms.values_from_store("programme", "2013-2014", store)
    units = len(values["hasAction"][0]["responsibleUnit"])
    assert forms.add_slot("programme", values, "hasAction.0.responsibleUnit")
    assert len(values["hasAction"][0]["responsibleUnit"]) == units + 1
    assert not forms.add_slot("programme", values, "hasAction.99.responsibleUnit")
    assert not forms.add_slot("programme", values, "name")  # not repeatable
    assert not forms.add_slot("programme", values, "nonsense.0")


def test_every_form_carries_the_csrf_field_and_a_post_without_it_is_refused(admin):
    for url in (
        f"/entity/{ENTITY_A}/edit",
        "/opportunity/new",
        "/entity/propose",
        "/programme/2013-2014/edit",
    ):
        _, data = form_of(page(admin, url))
        assert data.get("csrf_token")
    _, data = form_of(page(admin, "/unit/wydzial-sportu/edit"))
    del data["csrf_token"]
    assert admin.post("/unit/wydzial-sportu/edit", data=data, headers=HTML).status_code == 403


def test_admin_creates_an_opportunity_with_a_key_from_its_name(store, admin):
    action, data = form_of(page(admin, "/opportunity/new"))
    assert action == "/opportunity/new"
    data["name.pl"] = "Mały grant: Święto Ulicy Łaziennej"
    data["opportunityKind"] = (
        "https://w3id.org/pes-registry/vocab/cooperation-instrument/maly-grant"
    )
    data["publisher"] = f"{BASE}/id/unit/wydzial-kultury"
    data["opportunityStatus"] = "https://w3id.org/pes-registry/vocab/opportunity-status/planowana"
    data["budget.value"] = "8000"
    data["budget.currency"] = "PLN"
    data["issued"] = "2026-04-01"
    data["category.0"] = "79952000-2"
    data["description.pl"] = "Festyn uliczny."
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 303, main_of(reply.get_data(as_text=True))[:3000]
    key = "maly-grant-swieto-ulicy-laziennej"
    assert reply.headers["Location"].endswith(f"/opportunity/{key}")
    triples = graph(store, "opportunity", key)
    budget = ox.NamedNode(f"{BASE}/id/opportunity/{key}#budget")
    assert (
        ox.Triple(
            budget,
            ox.NamedNode(SCHEMA + "value"),
            ox.Literal("8000", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        )
        in triples
    )
    assert ox.NamedNode("https://w3id.org/pes-registry/vocab/cpv/79952000-2") in {
        t.object for t in triples
    }
    # The same key again is refused next to the key field.
    data["_key"] = key
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 409 and 'id="m-f-_key"' in reply.get_data(as_text=True)


def test_a_required_field_left_empty_is_reported_at_it(admin):
    action, data = form_of(page(admin, "/action/new?lang=en"))
    data["name.pl"] = "Działanie bez partnera"
    data["cooperationForm"] = (
        "https://w3id.org/pes-registry/vocab/cooperation-instrument/konsultacje"
    )
    data["cityUnit"] = f"{BASE}/id/unit/wydzial-zdrowia"
    data["startDate"] = "2026-05-01"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 422
    text = reply.get_data(as_text=True)
    assert "An action must name at least one partner" in re.search(
        r'id="m-f-partner">(.*?)</ul>', text, re.S
    ).group(1)


def test_editor_adds_an_offer_to_its_entity(store, editor):
    action, data = form_of(page(editor, f"/entity/{ENTITY_A}/offers/new"))
    assert action == f"/entity/{ENTITY_A}/offers/new"
    data["_key"] = "przystan-obiady"
    data["name.pl"] = "Obiady dla szkół"
    data["category.0"] = "55520000-1"
    data["priceOnRequest"] = "true"
    data["description.pl"] = "Obiady dowożone do szkół."
    data["offeredBy"] = f"{BASE}/id/entity/{ENTITY_B}"  # ignored: the address names the entity
    reply = editor.post(action, data=data, headers=HTML)
    assert reply.status_code == 303, main_of(reply.get_data(as_text=True))[:3000]
    assert forms.document_graph(store, "offer", "przystan-obiady").endswith(f"/entity/{ENTITY_A}")
    offer = graph(store, "offer", "przystan-obiady")
    assert ox.Literal(
        "true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    ) in {t.object for t in offer}


def test_a_user_proposes_an_entity_for_review(store, app):
    client = login(app, "newcomer@example.org")
    action, data = form_of(page(client, "/entity/propose"))
    assert action == "/entity/propose"
    data["name.pl"] = "Fundacja Nowy Start"
    reply = client.post(action, data=data, headers=HTML)
    assert reply.status_code == 422  # no legal form yet: said at the field
    assert re.search(r'id="m-f-orgType">', reply.get_data(as_text=True))
    data["orgType"] = "https://w3id.org/pes-registry/vocab/legal-form/fundacja"
    data["email.0"] = "biuro@nowy-start.example"
    reply = client.post(action, data=data, headers=HTML)
    assert reply.status_code == 200
    assert "Administrator rejestru sprawdzi" in reply.get_data(as_text=True)
    (proposal,) = [
        p
        for p in app.extensions["registry.accounts"].proposals()
        if p.entity_key == "fundacja-nowy-start"
    ]
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(proposal.document, format=ox.RdfFormat.N_TRIPLES)
    }
    entity = ox.NamedNode(f"{BASE}/id/entity/fundacja-nowy-start")
    assert (
        ox.Triple(
            entity, ox.NamedNode(SCHEMA + "name"), ox.Literal("Fundacja Nowy Start", language="pl")
        )
        in triples
    )
    assert (
        forms.stored_triples("entity", "fundacja-nowy-start", store) is None
    )  # not in the registry yet


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[str] = []
        self.described: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append(a.get("id") or f"(no id: {a.get('name')})")
        if a.get("aria-describedby"):
            self.described += a["aria-describedby"].split()


@pytest.mark.parametrize(
    "url",
    [
        f"/entity/{ENTITY_A}/edit",
        "/offer/przystan-catering/edit",
        "/opportunity/2025-konkurs-seniorzy/edit",
        "/action/2025-seniorzy-pod-lipami/edit",
        "/unit/gmina-miasta-torun/edit",
        "/programme/2013-2014/edit",
        "/entity/new",
        "/entity/propose",
    ],
)
def test_every_control_has_a_label_and_ids_are_unique(admin, url):
    controls = _Controls()
    controls.feed(page(admin, url))
    duplicates = {i for i in controls.ids if controls.ids.count(i) > 1}
    assert not duplicates
    assert [c for c in controls.controls if c not in controls.label_for] == []
    assert set(controls.described) <= set(controls.ids)


# -- in a real browser ------------------------------------------------------------------------------


@requires_browser
def test_in_a_browser_forms_are_accessible_and_work_without_javascript(tmp_path):
    with demo_server(tmp_path) as live, chromium() as browser:
        accounts = live.app.extensions["registry.accounts"]
        editor = accounts.add_user("editor@example.org", "Edytor", PASSWORD, "editor")
        accounts.grant(editor.id, ENTITY_A)
        opened = open_page(browser, live.url)
        tab = opened.page
        tab.goto(f"{live.url}/entity/{ENTITY_A}/edit")  # to the login form first
        assert urlsplit(tab.url).path == "/login"
        tab.fill("#login", "editor@example.org")
        tab.fill("#password", PASSWORD)
        tab.click("form.account-form button[type=submit]")
        tab.wait_for_url(f"**/entity/{ENTITY_A}/edit")
        assert check_accessibility(tab) == []
        screenshot(tab, "forms-entity-edit")
        # "Add another" is a plain submit button: one more e-mail slot, nothing saved.
        slots = tab.locator("input[name^='email.']").count()
        tab.click("button.add-slot[value=email]")
        tab.wait_for_load_state()
        assert tab.locator("input[name^='email.']").count() == slots + 1
        # A value the shapes refuse (the browser has no pattern for it): their message at the field.
        tab.fill("#f-telephone\\.0", "zadzwoń do nas")
        tab.click(".form-actions button[type=submit]")
        tab.wait_for_load_state()
        field = tab.locator("#f-telephone\\.0")
        assert field.get_attribute("aria-invalid") == "true"
        assert (
            "Numer telefonu może zawierać tylko cyfry"
            in tab.locator("#m-f-telephone\\.0").inner_text()
        )
        assert check_accessibility(tab) == []
        screenshot(tab, "forms-entity-edit-invalid")
        field.fill("+48 56 600 70 80")
        tab.click(".form-actions button[type=submit]")
        tab.wait_for_url(f"**/entity/{ENTITY_A}*")
        stored = forms.stored_triples("entity", ENTITY_A, live.app.extensions["registry.store"])
        assert ox.Literal("+48 56 600 70 80") in {t.object for t in stored}
        assert opened.errors == [] and opened.foreign == []
        opened.close()


def test_admin_creates_a_unit_without_legal_personality(store, admin):
    action, data = form_of(page(admin, "/entity/new?lang=en"))
    assert "Unit without legal personality (CIS, KIS, ZAZ, WTZ)" in page(
        admin, "/entity/new?lang=en"
    )
    data["_key"] = "kis-nad-struga"
    data["name.pl"] = "Klub Integracji Społecznej nad Strugą"
    data["orgType"] = "https://w3id.org/pes-registry/vocab/unit-type/kis"
    data["unitOf"] = f"{BASE}/id/unit/mopr"
    data.add("_variants", PES + "SocialEconomyUnit")
    data["address.0.fullAddress"] = "ul. Grębocińska 1, 87-100 Toruń"
    data["address.0.cityPart"] = "https://w3id.org/pes-registry/vocab/city-part/grebocin-nad-struga"
    reply = admin.post(action, data=data, headers=HTML)
    assert reply.status_code == 303, main_of(reply.get_data(as_text=True))[:3000]
    triples = graph(store, "entity", "kis-nad-struga")
    entity = ox.NamedNode(f"{BASE}/id/entity/kis-nad-struga")
    types = {
        t.object.value
        for t in triples
        if t.subject == entity and t.predicate.value == str(RDF.type)
    }
    assert types == {
        PES + "SocialEconomyEntity",
        PES + "SocialEconomyUnit",
        "http://www.w3.org/ns/org#OrganizationalUnit",
        SCHEMA + "Organization",
        "http://purl.org/essglobal/vocab/SSEInitiative",
    }
    address = ox.NamedNode(f"{BASE}/id/entity/kis-nad-struga#address")
    assert ox.Triple(entity, ox.NamedNode("http://www.w3.org/ns/locn#address"), address) in triples
    # Read back, the form shows it as such a unit.
    values = forms.values_from_store("entity", "kis-nad-struga", store)
    assert values["_variants"] == [PES + "SocialEconomyUnit"] and values["_kept"] == ""
