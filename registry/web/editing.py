"""HTML forms that edit documents: the fields come from the shapes (``registry.forms``), every
write goes through the editor (``registry.editing.Editor``), hence through the one ingest path.

* ``GET, POST /{kind}/{key}/edit``: an entity and its offers by administrators or the entity's
  editors; opportunities, actions, units and the programme by administrators.
* ``GET, POST /{kind}/new`` (opportunity, action, unit, programme; entity: administrators) and
  ``/entity/{key}/offers/new`` (the entity's editors and administrators): a new document; its key
  is a slug, suggested from the name when left empty.
* ``GET, POST /entity/propose``: a logged-in user proposes a new entity; it is validated and
  waits for an administrator's decision.

The forms work without JavaScript: "add another" is a submit button that shows the form again
with one more empty slot. A write the shapes refuse shows the form again (422) with the shapes'
messages next to the fields, the input kept; warnings never block a write and are shown after it.
A form loaded before someone else's write is refused (409) with a link to the current version.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
)

from .. import editing, forms
from ..errors import InputError, RegistryError, ValidationFailed
from ..store import resource_iri, valid_key
from .auth import admin_required, current_user, login_required, may_edit_entity
from .i18n import lang as _lang
from .i18n import t as _t

bp = Blueprint("editing", __name__)

ADMIN_KINDS = ("opportunity", "action", "unit", "programme")
NEW_KINDS = ("entity", *ADMIN_KINDS)

TITLES = {
    "entity": ("podmiot", "entity"),
    "offer": ("ofertę", "offer"),
    "opportunity": ("ogłoszenie", "opportunity"),
    "action": ("działanie", "action"),
    "unit": ("jednostkę miejską", "city unit"),
    "programme": ("program współpracy", "cooperation programme"),
}


def _editor() -> editing.Editor:
    return current_app.extensions["registry.editor"]


def _store():
    return current_app.extensions["registry.store"]


def _base() -> str:
    return current_app.extensions["registry.settings"].base


def _forbidden():
    abort(
        403,
        description=_t(
            "Nie możesz edytować tego zasobu: to mogą administratorzy albo "
            "przedstawiciele podmiotu, któremu go przydzielono.",
            "You may not edit this resource: administrators and the representatives "
            "of the entity it belongs to may.",
        ),
    )


def _missing(kind: str, key: str):
    if editing.withdrawn(_store(), kind, key):
        abort(410, description=_t("Ten zasób został wycofany.", "This resource was withdrawn."))
    abort(
        404,
        description=_t(
            f"W rejestrze nie ma zasobu /{kind}/{key}.",
            f"There is no resource /{kind}/{key} in this registry.",
        ),
    )


# -- routes ---------------------------------------------------------------------------------------


@login_required
def edit(kind: str, key: str):
    if not valid_key(key):
        abort(404)
    if kind in ADMIN_KINDS:
        return admin_required(_edit)(kind, key)
    return _edit(kind, key)


def _edit(kind: str, key: str):
    user = current_user()
    owner = key if kind == "entity" else _editor().offer_entity(key) if kind == "offer" else None
    if kind in ("entity", "offer"):
        if owner is None:
            _missing(kind, key)
        if not may_edit_entity(user, owner):
            _forbidden()
    if not _editor().exists(kind, key):
        _missing(kind, key)
    page = _Page(kind, key, owner=owner)
    if request.method == "GET":
        values = forms.values_from_store(kind, key, _store())
        if values is None:
            _missing(kind, key)
        page.values, page.etag = values, _editor().etag(kind, key) or ""
        if request.args.get("saved"):
            page.saved = True
            page.messages = _warnings_of_stored(kind, key, values)
        return page.render()
    return page.submit(create=False)


@admin_required
def new(kind: str):
    page = _Page(kind, None)
    if request.method == "GET":
        page.values = _new_values(kind)
        return page.render()
    return page.submit(create=True)


# One rule per kind: a static first segment wins over the resource pages' ``/<kind>/<key>``.
for _kind in forms.FORM_KINDS:
    bp.add_url_rule(
        f"/{_kind}/<key>/edit",
        f"edit_{_kind}",
        edit,
        methods=["GET", "POST"],
        defaults={"kind": _kind},
    )
for _kind in NEW_KINDS:
    bp.add_url_rule(
        f"/{_kind}/new", f"new_{_kind}", new, methods=["GET", "POST"], defaults={"kind": _kind}
    )


@bp.route("/entity/<key>/offers/new", methods=["GET", "POST"])
@login_required
def new_offer(key: str):
    if not valid_key(key):
        abort(404)
    if not may_edit_entity(current_user(), key):
        _forbidden()
    if not _editor().exists("entity", key):
        _missing("entity", key)
    page = _Page("offer", None, owner=key)
    if request.method == "GET":
        page.values = _new_values("offer")
        page.values["offeredBy"] = resource_iri(_base(), "entity", key)
        return page.render()
    return page.submit(create=True)


@bp.route("/entity/propose", methods=["GET", "POST"])
@login_required
def propose():
    page = _Page("entity", None, proposal=True)
    if request.method == "GET":
        page.values = _new_values("entity")
        return page.render()
    return page.submit(create=True)


# -- the page of a form ------------------------------------------------------------------------------


def _new_values(kind: str) -> dict:
    form = forms.form_model(kind)
    return {"_class": form.cls, "_variants": [], "_kept": ""}


def _warnings_of_stored(kind: str, key: str, values: dict) -> forms.Messages:
    """The warnings of the stored document (shown after a save), by field."""
    built = forms.build(kind, key, values, _base())
    data = ox.serialize(built.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    try:
        report = _editor().validate(kind, key, data, ox.RdfFormat.N_TRIPLES)
    except (RegistryError, editing.NotFound):
        return forms.Messages()
    found = forms.field_messages(kind, key, report, _lang(), values=built.values)
    return forms.Messages(warnings=found.warnings, top_warnings=found.top_warnings)


class _Page:
    """One form page: the values shown, the messages, and what happens on submit."""

    def __init__(
        self, kind: str, key: str | None, *, owner: str | None = None, proposal: bool = False
    ):
        self.kind, self.key, self.owner, self.proposal = kind, key, owner, proposal
        self.values: dict = {}
        self.etag = ""
        self.messages = forms.Messages()
        self.saved = False
        self.conflict = False
        self.proposed = False
        self.new_key = ""

    @property
    def creating(self) -> bool:
        return self.key is None

    def action(self) -> str:
        if self.proposal:
            return "/entity/propose"
        if self.creating:
            return (
                f"/entity/{self.owner}/offers/new" if self.kind == "offer" else f"/{self.kind}/new"
            )
        return f"/{self.kind}/{self.key}/edit"

    def render(self, status: int = 200):
        form = forms.form_model(self.kind, self.values.get("_class"))
        view = FormView(
            self.kind,
            self.key or self.new_key,
            form,
            self.values,
            self.messages,
            _lang(),
            _store(),
            fixed=self._fixed(),
        )
        template = "propose.html" if self.proposal else "edit.html"
        response = make_response(
            render_template(
                template,
                page=self,
                view=view,
                kind=self.kind,
                key=self.key,
                title=TITLES[self.kind],
                action=self.action(),
            ),
            status,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def _fixed(self) -> dict[str, str]:
        """Fields the form shows but does not let change (an offer's entity)."""
        if self.kind == "offer" and self.owner:
            return {"offeredBy": resource_iri(_base(), "entity", self.owner)}
        return {}

    def submit(self, *, create: bool):
        formdata = request.form
        self.values = forms.values_from_formdata(self.kind, formdata)
        for name, value in self._fixed().items():
            self.values[name] = value
        self.etag = formdata.get("_etag", "")[:100]
        self.new_key = formdata.get("_key", "").strip()[:100]
        target = formdata.get("_add")
        if target:  # "add another": the same form with one more empty slot, nothing saved
            forms.add_slot(self.kind, self.values, target)
            return self.render()
        key = self.key
        if create:
            key = self.new_key or forms.suggest_key(forms.main_name(self.values))
            self.new_key = key
            if not valid_key(key):
                self.messages.add(
                    "_key",
                    _t(
                        "Klucz (adres) może zawierać tylko małe litery bez polskich znaków, cyfry i łączniki"
                        " (najwyżej 80 znaków), np. fundacja-przyklad.",
                        "The key (address) may contain only lower-case letters, digits and hyphens"
                        " (at most 80 characters), e.g. fundacja-przyklad.",
                    ),
                )
                return self.render(422)
            if _editor().exists(self.kind, key):
                self.messages.add(
                    "_key",
                    _t(
                        "Ten klucz jest już zajęty: wybierz inny.",
                        "This key is taken: choose another.",
                    ),
                )
                return self.render(409)
        built = forms.build(self.kind, key, self.values, _base())
        self.values = built.values
        if built.errors:
            forms.messages_of_errors(built.errors, _lang(), into=self.messages)
            return self.render(422)
        data = ox.serialize(built.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if self.proposal:
            return self._propose(key, data)
        user = current_user()
        editor = _editor()
        try:
            result = editor.save(
                self.kind,
                key,
                data,
                ox.RdfFormat.N_TRIPLES,
                organisation=editor.organisation_for(user, self.kind, key, built.triples),
                if_match=None if create else (self.etag or None),
                create=create,
            )
        except ValidationFailed as e:
            self.messages = forms.field_messages(self.kind, key, e, _lang(), values=self.values)
            if not self.messages.errors and not self.messages.top_errors:
                self.messages.add(None, _one_language(str(e)))
            return self.render(422)
        except editing.PreconditionFailed:
            self.conflict = True
            return self.render(409)
        except editing.AlreadyExists:
            self.messages.add(
                "_key",
                _t(
                    "Ten klucz jest już zajęty: wybierz inny.", "This key is taken: choose another."
                ),
            )
            return self.render(409)
        except (editing.NotFound, editing.Gone):
            _missing(self.kind, key)
        except InputError as e:
            self.messages.add(None, _one_language(str(e)))
            return self.render(400)
        if any(d.warnings for d in result.report.documents):
            return redirect(f"/{self.kind}/{quote(key)}/edit?saved=1", code=303)
        return redirect(f"/{self.kind}/{quote(key)}", code=303)

    def _propose(self, key: str, data: bytes):
        if _editor().exists("entity", key):
            self.messages.add(
                "_key",
                _t(
                    "Ten klucz jest już zajęty: wybierz inny.", "This key is taken: choose another."
                ),
            )
            return self.render(409)
        try:
            report = _editor().validate("entity", key, data, ox.RdfFormat.N_TRIPLES)
        except InputError as e:
            self.messages.add(None, _one_language(str(e)))
            return self.render(400)
        self.messages = forms.field_messages("entity", key, report, _lang(), values=self.values)
        if (
            any(d.rejected for d in report.documents)
            or self.messages.errors
            or self.messages.top_errors
        ):
            if not self.messages.errors and not self.messages.top_errors:
                self.messages.add(
                    None,
                    _t(
                        "Dokument nie spełnia wymagań rejestru.",
                        "The document does not meet the registry's requirements.",
                    ),
                )
            return self.render(422)
        from ..accounts import AccountError

        try:
            current_app.extensions["registry.accounts"].add_proposal(current_user().id, key, data)
        except AccountError as e:
            self.messages = forms.Messages()
            self.messages.add(None, e.message(_lang()))
            return self.render(409)
        self.proposed = True
        return self.render()


def _one_language(text: str) -> str:
    """A message written "polski / English": the part in the page's language."""
    pl, sep, en = text.partition(" / ")
    return (pl if _lang() == "pl" else en) if sep else text


# -- what the templates use ----------------------------------------------------------------------------


class FormView:
    """The values, messages and options of one form, for the templates."""

    def __init__(
        self,
        kind: str,
        key: str,
        form: forms.NodeForm,
        values: dict,
        messages: forms.Messages,
        lang: str,
        store,
        *,
        fixed: dict[str, str] | None = None,
    ):
        self.kind, self.key, self.form, self.lang, self.store = kind, key, form, lang, store
        self.values = forms.with_blank_slots(form, values)
        self.values.setdefault("_kept", values.get("_kept", ""))
        self.messages = messages
        self.fixed = fixed or {}
        self._links: dict = {}

    # names and ids
    @staticmethod
    def id(name: str) -> str:
        return "f-" + name

    def errors(self, name: str) -> list[str]:
        return self.messages.errors.get(name, [])

    def warnings(self, name: str) -> list[str]:
        return self.messages.warnings.get(name, [])

    def slot_errors(self, name: str) -> bool:
        """True when the field or one of its slots has an error."""
        return self.messages.under(name)

    def described_by(self, name: str, field: forms.Field | None = None, *extra: str) -> str:
        ids = [i for i in extra if i]
        if field is not None and field.help(self.lang):
            ids.append("h-" + self.id(name))
        if self.errors(name) or self.warnings(name):
            ids.append("m-" + self.id(name))
        return " ".join(ids)

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor, field label, message) of every error, for the list at the top."""
        out = []
        for name, texts in self.messages.errors.items():
            label = self.label_of(name)
            out += [(self.anchor(name), label, text) for text in texts]
        return out

    def anchor(self, name: str) -> str:
        return "#" + self.id(name)

    def label_of(self, name: str) -> str:
        if name == "_key":
            return _t("Klucz (adres)", "Key (address)")
        if name == "_kept":
            return _t("Pozostałe dane", "Other statements")
        node, labels = self.form, []
        parts = name.split(".")
        i = 0
        while i < len(parts) and node is not None:
            f = node.field(parts[i])
            if f is None:
                break
            labels.append(f.label(self.lang))
            if f.value == "node":
                if f.repeatable and i + 1 < len(parts) and parts[i + 1].isdigit():
                    labels[-1] += f" {int(parts[i + 1]) + 1}"
                    i += 1
                node = f.node
            else:
                break
            i += 1
        return " › ".join(labels) or name

    # values and options
    def concept_groups(self, field: forms.Field) -> list[tuple[str, list[tuple[str, str]]]]:
        groups = []
        for scheme in field.schemes:
            options = [
                (
                    o.value,
                    o.label(self.lang)
                    if not o.notation or o.notation in o.label(self.lang)
                    else f"{o.notation} – {o.label(self.lang)}",
                )
                for o in forms.concept_options((scheme,))
            ]
            groups.append((forms.scheme_label(scheme, self.lang), options))
        return groups

    def datalist(self, field: forms.Field) -> list[tuple[str, str]]:
        return [
            (o.notation or o.value, o.label(self.lang))
            for o in forms.concept_options(field.schemes)
        ]

    def choice_options(self, field: forms.Field) -> list[tuple[str, str]]:
        return [(c.value, c.value) for c in field.choices]

    def link_options(self, field: forms.Field, current) -> list[tuple[str, str, str]] | None:
        values = current if isinstance(current, list) else [current]
        key = (field.kinds, tuple(v for v in values if v))
        if key not in self._links:
            self._links[key] = forms.link_options(
                self.store, field.kinds, [v for v in values if v], self.lang
            )
        return self._links[key]

    def kind_label(self, kind: str) -> str:
        return {
            "entity": _t("Podmioty", "Entities"),
            "unit": _t("Jednostki miejskie", "City units"),
            "opportunity": _t("Ogłoszenia", "Opportunities"),
        }.get(kind, kind)

    def unlisted(self, field: forms.Field, chosen) -> list[str]:
        """Chosen values a list of checkboxes does not offer (kept as hidden inputs)."""
        if field.value == "concept":
            offered = {o.value for o in forms.concept_options(field.schemes)}
        else:
            offered = {iri for iri, _ in self.ref_options(field)}
        return [v for v in (chosen or []) if v and v not in offered]

    def datalist_fields(self) -> list[forms.Field]:
        """One field per concept scheme shown with suggestions (each list is in the page once)."""
        out: dict[str, forms.Field] = {}

        def walk(node: forms.NodeForm) -> None:
            for f in node.fields:
                if f.widget == "datalist":
                    out.setdefault(f.schemes[0], f)
                if f.node is not None:
                    walk(f.node)

        walk(self.form)
        return list(out.values())

    def ref_options(self, field: forms.Field) -> list[tuple[str, str]]:
        return forms.ref_options(self.kind, self.values, field.ref_class, self.lang)

    def fixed_name(self, name: str) -> str:
        iri = self.fixed.get(name, "")
        return forms.resource_name(self.store, iri, self.lang) if iri else ""

    def widget_for(self, field: forms.Field, value: str) -> str:
        """The input type of one value (a stored date-time in a date field keeps its time)."""
        widget = field.widget
        if widget == "date" and value and "T" in value:
            return "datetime-local" if forms._DATETIME in field.datatypes else "text"
        if widget == "datetime-local" and value and not forms._DATETIME_RE.match(value):
            return "text"
        if widget == "datetime-local" and value and (value.endswith("Z") or "+" in value[10:]):
            return "text"
        return widget

    def item_title(self, field: forms.Field, item: dict) -> str:
        return forms.item_title(field.node, item, self.lang)

    @property
    def variant_checked(self) -> set[str]:
        return set(self.values.get("_variants") or ())

    def main_fields(self) -> list[forms.Field]:
        return [f for f in self.form.fields if f.variant is None]

    def variant_fields(self, variant: forms.Variant) -> list[forms.Field]:
        return [f for f in self.form.fields if f.variant == variant.cls]
