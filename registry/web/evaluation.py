"""The offer evaluation card (karta oceny ofert) of an open competition, for administrators.

* ``GET /opportunity/{key}/evaluation``: the card: the offers received, the commission's members,
  a form of scores per offer (each member on each criterion of art. 15 ust. 1), each member's
  total, the averages per criterion, the totals and the ranking; the decisions and "publish".
* ``POST /opportunity/{key}/evaluation/offers`` (add an offer: entity, title, amount requested),
  ``…/offers/{id}/remove``, ``…/members`` (add a member), ``…/members/{id}/remove``,
  ``…/scores`` (one offer's scores, every member and criterion at once; a score is a number from
  0 to the criterion's maximum, and one bad score stores nothing), ``…/publish`` (the decisions,
  then the result written into the opportunity's document through the editor).
* ``GET /opportunity/{key}/evaluation/print[?offer={id}]``: the cards as printed and signed, one
  page per offer, and the summary.

Every route is for administrators (anonymous users go to the login form, others get 403); every
form carries the CSRF token. Members' names and their individual scores stay in the card's
SQLite file (``registry.evaluation``); only the published averages and decisions reach the store.
"""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, redirect, render_template, request

from .. import editing
from ..errors import InputError, ValidationFailed
from ..evaluation import (
    CRITERIA,
    EvaluationError,
    Evaluations,
    check_publishable,
    compute,
    is_open_competition,
    parse_amount,
    parse_points,
    published_grants,
    result_document,
)
from ..store import resource_iri, valid_key
from .auth import admin_required, current_user
from .i18n import lang as _lang
from .i18n import t as _t
from .views import format_money, format_number

bp = Blueprint("evaluation", __name__)

MAX_TITLE = 300
MAX_NAME = 120
ENTITY_CHOICES = 300  # up to this many entities the offer form suggests them all


def evaluations() -> Evaluations:
    return current_app.extensions["registry.evaluations"]


def _store():
    return current_app.extensions["registry.store"]


def _index():
    index = current_app.extensions["registry.search"]
    index.ensure_current()
    return index


def _competition(key: str) -> dict:
    """The opportunity of the card (404 unless it is an open competition of this registry)."""
    store = _store()
    if not valid_key(key) or not editing.document_graph(store, "opportunity", key):
        abort(404, description=_t(f"W rejestrze nie ma ogłoszenia {key}.",
                                  f"There is no opportunity {key} in this registry."))
    if not is_open_competition(store, key):
        abort(404, description=_t(
            "Karta oceny ofert jest prowadzona tylko dla otwartych konkursów ofert.",
            "Evaluation cards are kept for open competitions only."))
    iri = resource_iri(store.base, "opportunity", key)
    hit = _index().hit(iri)
    name = (hit.names.get(_lang()) or hit.name) if hit else key
    return {"key": key, "iri": iri, "name": name, "url": f"/opportunity/{key}"}


def _card(key: str):
    ev = evaluations()
    offers, members = ev.offers(key), ev.members(key)
    return compute(offers, members, ev.scores(key))


def _names(iris) -> dict[str, str]:
    index = _index()
    out = {}
    for iri in iris:
        hit = index.hit(iri)
        out[iri] = (hit.names.get(_lang()) or hit.name) if hit else iri
    return out


def _entity_choices() -> list[tuple[str, str]]:
    index = _index()
    ids = index.local_ids("entity")
    if len(ids) > ENTITY_CHOICES:
        return []
    return sorted(((h.key, h.names.get(_lang()) or h.name) for h in index.hits(list(ids))),
                  key=lambda kv: kv[1].casefold())


def _render(key: str, *, status: int = 200, errors: dict | None = None, values: dict | None = None,
            notice: str | None = None, alert: str | None = None, messages: list[str] | None = None):
    competition = _competition(key)
    card = _card(key)
    ev = evaluations()
    return render_template(
        "evaluation.html", competition=competition, card=card, criteria=CRITERIA,
        names=_names({r.offer.entity for r in card.results}), choices=_entity_choices(),
        errors=errors or {}, values=values or {}, notice=notice, alert=alert, messages=messages or [],
        published=ev.published(key), tag=editing.document_tag(_store(), "opportunity", key) or "",
    ), status


def _notice() -> str | None:
    done = request.args.get("done")
    return {
        "offer": _t("Dodano ofertę.", "Offer added."),
        "offer-removed": _t("Usunięto ofertę i jej oceny.", "Offer and its scores removed."),
        "member": _t("Dodano członka komisji.", "Commission member added."),
        "member-removed": _t("Usunięto członka komisji i jego oceny.", "Commission member and their scores removed."),
        "scores": _t("Zapisano oceny.", "Scores saved."),
        "published": _t("Opublikowano wynik konkursu.", "The result of the competition was published."),
    }.get(done or "")


def _back(key: str, done: str, anchor: str = ""):
    return redirect(f"/opportunity/{key}/evaluation?done={done}{anchor}", code=303)


# -- the card ------------------------------------------------------------------------------------


@bp.get("/opportunity/<key>/evaluation")
@admin_required
def card(key: str):
    return _render(key, notice=_notice())


@bp.get("/opportunity/<key>/evaluation/print")
@admin_required
def print_cards(key: str):
    competition = _competition(key)
    card_ = _card(key)
    only = request.args.get("offer")
    results = card_.results
    if only is not None:
        results = [r for r in card_.results if str(r.offer.id) == only]
        if not results:
            abort(404, description=_t("W tym konkursie nie ma takiej oferty.",
                                      "There is no such offer in this competition."))
    return render_template("evaluation_print.html", competition=competition, card=card_, results=results,
                           criteria=CRITERIA, names=_names({r.offer.entity for r in card_.results}),
                           summary=only is None, today=dt.date.today())


# -- offers and members --------------------------------------------------------------------------


def _entity_iri(text: str) -> str:
    """The entity named by a key, its IRI or the address of its page."""
    base = _store().base
    value = text.strip()
    found = re.fullmatch(r"(?:.*/)?(?:id/)?entity/([a-z0-9][a-z0-9-]*)/?", value) or re.fullmatch(
        r"([a-z0-9][a-z0-9-]*)", value)
    if not value:
        raise EvaluationError("Podaj podmiot, który złożył ofertę.", "Give the entity that applied.", "entity")
    iri = resource_iri(base, "entity", found.group(1)) if found and valid_key(found.group(1)) else None
    hit = _index().hit(iri) if iri else None
    if hit is None or hit.kind != "entity":
        raise EvaluationError(f"W rejestrze nie ma podmiotu „{value[:80]}”. Podaj jego klucz albo adres strony.",
                              f"There is no entity “{value[:80]}” in this registry. Give its key or page address.",
                              "entity")
    return iri


@bp.post("/opportunity/<key>/evaluation/offers")
@admin_required
def add_offer(key: str):
    _competition(key)
    form = request.form
    errors, entity, title, requested = {}, None, " ".join(form.get("title", "").split()), None
    try:
        entity = _entity_iri(form.get("entity", ""))
    except EvaluationError as e:
        errors["entity"] = e.message(_lang())
    if not title or len(title) > MAX_TITLE:
        errors["title"] = _t(f"Podaj tytuł zadania (do {MAX_TITLE} znaków).",
                             f"Give the title of the task (up to {MAX_TITLE} characters).")
    try:
        requested = parse_amount(form.get("requested"), what=("Wnioskowana kwota", "The amount requested"))
    except EvaluationError as e:
        errors["requested"] = e.message(_lang())
    if errors:
        return _render(key, status=422, errors=errors, values=form.to_dict())
    evaluations().add_offer(key, entity, title, requested)
    return _back(key, "offer", "#offers-heading")


@bp.post("/opportunity/<key>/evaluation/offers/<int:offer>/remove")
@admin_required
def remove_offer(key: str, offer: int):
    _competition(key)
    if not evaluations().remove_offer(key, offer):
        abort(404, description=_t("W tym konkursie nie ma takiej oferty.", "There is no such offer in this competition."))
    return _back(key, "offer-removed", "#offers-heading")


@bp.post("/opportunity/<key>/evaluation/members")
@admin_required
def add_member(key: str):
    _competition(key)
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > MAX_NAME:
        return _render(key, status=422, values=request.form.to_dict(), errors={
            "name": _t(f"Podaj imię i nazwisko członka komisji (do {MAX_NAME} znaków).",
                       f"Give the commission member's name (up to {MAX_NAME} characters).")})
    evaluations().add_member(key, name)
    return _back(key, "member", "#members-heading")


@bp.post("/opportunity/<key>/evaluation/members/<int:member>/remove")
@admin_required
def remove_member(key: str, member: int):
    _competition(key)
    if not evaluations().remove_member(key, member):
        abort(404, description=_t("W tej komisji nie ma takiego członka.", "There is no such member in this commission."))
    return _back(key, "member-removed", "#members-heading")


# -- scores --------------------------------------------------------------------------------------


def _whole(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@bp.post("/opportunity/<key>/evaluation/scores")
@admin_required
def scores(key: str):
    _competition(key)
    ev = evaluations()
    offer = _whole(request.form.get("offer"))
    offers = {o.id: o for o in ev.offers(key)}
    if offer not in offers:
        abort(400, description=_t("Formularz nie wskazuje oferty tego konkursu.",
                                  "The form names no offer of this competition."))
    members = ev.members(key)
    errors, given = {}, {}
    for m in members:
        for c in CRITERIA:
            name = f"score-{m.id}-{c.number}"
            try:
                given[(m.id, c.number)] = parse_points(request.form.get(name), c, name)
            except EvaluationError as e:
                errors[f"score-{offer}-{m.id}-{c.number}"] = e.message(_lang())
    if errors:
        return _render(key, status=422, errors=errors, values={**request.form.to_dict(), "offer": offer},
                       alert=_t("Oceny nie zostały zapisane: popraw zaznaczone pola.",
                                "The scores were not saved: correct the fields marked."))
    for m in members:
        ev.set_scores(key, offer, m.id, {c.number: given[(m.id, c.number)] for c in CRITERIA})
    return _back(key, "scores", f"#offer-{offer}")


# -- publication ---------------------------------------------------------------------------------


@bp.post("/opportunity/<key>/evaluation/publish")
@admin_required
def publish(key: str):
    _competition(key)
    ev = evaluations()
    errors, decisions = {}, {}
    for o in ev.offers(key):
        granted = request.form.get(f"granted-{o.id}") == "yes"
        text = request.form.get(f"amount-{o.id}", "").strip()
        field = f"amount-{o.id}"
        if not granted:
            if text:
                errors[field] = _t("Kwotę przyznaną podaje się tylko dla oferty, która otrzymała dotację.",
                                   "An amount granted is given only for an offer that was granted.")
            decisions[o.id] = (False, None)
            continue
        try:
            amount = parse_amount(text, field, what=("Kwota przyznana", "The amount granted"))
        except EvaluationError as e:
            errors[field] = e.message(_lang())
            continue
        if amount > o.requested:
            errors[field] = _t(f"Kwota przyznana ({amount} zł) jest większa niż wnioskowana ({o.requested} zł).",
                               f"The amount granted ({amount} PLN) is more than the amount requested ({o.requested} PLN).")
            continue
        decisions[o.id] = (True, amount)
    if errors:
        return _render(key, status=422, errors=errors, values=request.form.to_dict(),
                       alert=_t("Wynik nie został opublikowany: popraw zaznaczone pola.",
                                "The result was not published: correct the fields marked."))
    card_ = _card(key)
    try:
        check_publishable(card_)
    except EvaluationError as e:
        return _render(key, status=409, values=request.form.to_dict(), alert=e.message(_lang()))
    ev.set_decisions(key, decisions)
    card_ = _card(key)
    store = _store()
    editor: editing.Editor = current_app.extensions["registry.editor"]
    triples = result_document(store, key, card_, dates=ev.score_dates(key))
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    try:
        editor.save("opportunity", key, data, ox.RdfFormat.N_TRIPLES, create=False,
                    if_match=request.form.get("tag") or None,
                    organisation=editor.organisation_for(current_user(), "opportunity", key))
    except editing.PreconditionFailed:
        return _render(key, status=409, alert=_t(
            "Ogłoszenie zmieniło się, odkąd otwarto kartę. Sprawdź je i opublikuj wynik ponownie.",
            "The opportunity has changed since the card was opened. Check it and publish the result again."))
    except ValidationFailed as e:
        rejected = [d for d in e.reports if d.rejected] or e.reports
        return _render(key, status=422, alert=_t("Wynik nie przeszedł walidacji:", "The result did not pass validation:"),
                       messages=[m for d in rejected for m in d.messages(_lang())] or [str(e)])
    except InputError as e:
        return _render(key, status=400, alert=str(e))
    ev.note_published(key)
    return redirect(f"/opportunity/{key}?published=1#result-heading", code=303)


# -- on the opportunity's page -------------------------------------------------------------------


def opportunity_result(page: dict) -> dict:
    """For the opportunity page (template global): the link to the card for administrators, and
    the published decisions (who was granted what)."""
    store = _store()
    key = page.get("key", "")
    out = {"card_url": None, "granted": [], "not_granted": [], "published": False}
    if page.get("kind") != "opportunity" or page.get("harvested"):
        return out
    user = current_user()
    competition = any(k.iri.endswith("/otwarty-konkurs") for k in page.get("kinds") or [])
    if user is not None and user.is_admin and competition:
        out["card_url"] = f"/opportunity/{key}/evaluation"
    grants = published_grants(store, key) if page.get("applications") else {}
    if grants:
        out["published"] = True
        for a in page["applications"]:
            iri = f"{page['iri']}#{a['id']}"
            if iri in grants:
                amount = grants[iri]
                out["granted"].append({**a, "amount": _money(amount)})
            else:
                out["not_granted"].append(a)
    return out


def _number(value, places: int | None = None) -> str:
    """A score or an average as readers of the page's language write it (— when there is none)."""
    return "—" if value is None else format_number(str(value), _lang(), places)


def _money(value) -> str | None:
    return None if value is None else format_money(str(value), "PLN", _lang())


def _field_value(value) -> str:
    """A stored number as typed back into a field (a decimal comma in Polish)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.replace(".", ",") if _lang() == "pl" else text


@bp.record_once
def _setup(state) -> None:
    app = state.app
    if "registry.evaluations" not in app.extensions:
        app.extensions["registry.evaluations"] = Evaluations.for_settings(app.extensions["registry.settings"])
    app.jinja_env.globals.update(opportunity_result=opportunity_result)
    app.jinja_env.filters.update(evaluation_number=_number, evaluation_money=_money,
                                 evaluation_field=_field_value)
