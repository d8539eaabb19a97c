"""The pages of the account life cycle: login, logout, registration, the user's own account (its
entities, claims, proposals and API tokens) and the administrators' pages (users, requests).

Everything here reads and writes ``registry.accounts`` (SQLite); the only write to the RDF store
is the approval of a proposed entity, through the editor (``registry.editing``), recorded in the
provenance under the city's organisation, never the person.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from .. import labels
from ..accounts import MIN_PASSWORD, AccountError, BadCredentials, Throttled, check_password_rules
from ..errors import RegistryError, UsageError, ValidationFailed
from ..namespaces import PREFIXES, VOCAB_BASE
from ..store import graph_iri, resource_iri, valid_key
from .auth import (
    SESSION_COOKIE,
    accounts,
    admin_required,
    clear_session_cookie,
    current_user,
    login_required,
    safe_next,
    set_session_cookie,
    throttled,
)
from .i18n import lang as _lang
from .i18n import t as _t

bp = Blueprint("account", __name__)

EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f.]+$")
SEARCH_LIMIT = 10
TRIPLES_SHOWN = 500
NOTICES = {
    "claim": ("Zgłoszenie wysłane. Administrator je rozpatrzy.", "Claim sent. An administrator will decide on it."),
    "revoked": ("Token unieważniony.", "Token revoked."),
    "decided": ("Decyzja zapisana.", "Decision saved."),
    "disabled": ("Konto wyłączone.", "Account disabled."),
    "enabled": ("Konto włączone.", "Account enabled."),
    "granted": ("Uprawnienie nadane.", "Entity granted."),
}


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _base() -> str:
    return current_app.extensions["registry.settings"].base


def _entity_exists(key: str) -> bool:
    return valid_key(key) and current_app.extensions["registry.store"].has_graph(graph_iri(_base(), "entity", key))


def _entity_name(key: str) -> str:
    hit = current_app.extensions["registry.search"].hit(resource_iri(_base(), "entity", key))
    if hit is None:
        return key
    return hit.names.get(_lang()) or hit.name or key


def _notice() -> str | None:
    found = NOTICES.get(request.args.get("done", ""))
    return _t(*found) if found else None


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_session(response, user) -> None:
    """A new session for a user who just proved who they are (never the old id: no fixation)."""
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        accounts().close_session(old)
    session_id, csrf = accounts().open_session(user.id)
    g.registry_user, g.registry_csrf, g.registry_new_csrf = user, csrf, None
    set_session_cookie(response, session_id)


# Login, logout, registration -------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _no_store(make_response(render_template("login.html", next=target, login="", error=None)))
    login_name = request.form.get("login", "")[:254]
    password = request.form.get("password", "")
    try:
        user = accounts().check_password(login_name, password, request.remote_addr or "-")
    except Throttled as e:
        if _wants_json():
            return throttled(e)
        response = make_response(render_template("login.html", next=target, login=login_name,
                                                 error=e.message(_lang())), 429)
        response.headers["Retry-After"] = str(e.retry_after)
        return _no_store(response)
    except BadCredentials as e:
        if _wants_json():
            return jsonify(error="Unauthorized", detail=e.message(_lang()), status=401), 401
        return _no_store(make_response(render_template("login.html", next=target, login=login_name,
                                                       error=e.message(_lang())), 401))
    if _wants_json():
        response = jsonify(login=user.login, name=user.name, role=user.role)
    else:
        response = redirect(target, code=303)
    _start_session(response, user)
    return response


@bp.post("/logout")
def logout():
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        accounts().close_session(session_id)
    response = redirect("/", code=303)
    clear_session_cookie(response)
    return response


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = {"login": "", "name": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {"login": request.form.get("login", "").strip()[:300], "name": request.form.get("name", "").strip()[:300]}
        password, confirm = request.form.get("password", ""), request.form.get("confirm", "")
        if not EMAIL_RE.match(form["login"]) or len(form["login"]) > 254:
            errors["login"] = _t("Podaj adres e-mail, np. jan@example.org.", "Give an e-mail address, e.g. jan@example.org.")
        if not form["name"]:
            errors["name"] = _t("Podaj imię i nazwisko.", "Give your name.")
        elif len(form["name"]) > 200:
            errors["name"] = _t("Najwyżej 200 znaków.", "At most 200 characters.")
        try:
            check_password_rules(password)
        except AccountError as e:
            errors["password"] = e.message(_lang())
        if password != confirm:
            errors["confirm"] = _t("Hasła się różnią.", "The passwords differ.")
        if not errors:
            try:
                user = accounts().add_user(form["login"], form["name"], password, "editor")
            except AccountError as e:
                errors["login"] = e.message(_lang())
            else:
                response = redirect("/account", code=303)
                _start_session(response, user)
                return response
    response = make_response(render_template("register.html", form=form, errors=errors,
                                             min_password=MIN_PASSWORD), 400 if errors else 200)
    return _no_store(response)


# The user's own account --------------------------------------------------------------------

def _find_entities(query: str) -> list[dict]:
    """Entities matching a name, NIP, KRS or REGON (the search index), or exactly a key."""
    from ..listing import LISTS, parse_params, run_list

    found: dict[str, str] = {}
    key = query.strip().lower()
    if _entity_exists(key):
        found[key] = _entity_name(key)
    spec = LISTS["entities"]
    try:
        params = parse_params(spec, MultiDict({"q": query, "per": str(SEARCH_LIMIT)}))
    except UsageError as e:
        raise AccountError(str(e), str(e)) from None
    result = run_list(current_app.extensions["registry.search"], spec, params, _lang(), with_facets=False)
    for hit in result.hits:
        found.setdefault(hit.key, hit.names.get(_lang()) or hit.name or hit.key)
    return [{"key": k, "name": n} for k, n in list(found.items())[:SEARCH_LIMIT]]


def _account_page(user, *, status: int = 200, new_token: str | None = None, error: str | None = None,
                  claim_form: dict | None = None):
    q = (request.args.get("q") or "").strip()[:200]
    results, search_error = None, None
    if q:
        try:
            results = _find_entities(q)
        except AccountError as e:
            search_error = e.message(_lang())
    claims = accounts().claims(None, user_id=user.id)
    pending_claims = {c.entity_key for c in claims if c.status == "pending"}
    response = make_response(render_template(
        "account.html", user=user,
        entities=sorted(((k, _entity_name(k)) for k in user.entities), key=lambda e: e[1].casefold()),
        claims=claims, proposals=accounts().proposals(None, user_id=user.id),
        tokens=accounts().tokens(user.id), new_token=new_token, error=error, notice=_notice(),
        q=q, results=results, search_error=search_error, pending_claims=pending_claims,
        claim_form=claim_form or {}, names={c.entity_key: _entity_name(c.entity_key) for c in claims},
        propose_url=url_for("editing.propose") if "editing.propose" in current_app.view_functions else None,
    ), status)
    return _no_store(response)


@bp.get("/account")
@login_required
def account():
    return _account_page(current_user())


@bp.post("/account/claims")
@login_required
def claim():
    user = current_user()
    key = request.form.get("entity_key", "").strip()
    message = request.form.get("message", "")
    if not _entity_exists(key):
        return _account_page(user, status=400, error=_t("Nie ma w rejestrze podmiotu o tym kluczu.",
                                                          "There is no entity with this key in the registry."),
                             claim_form={"entity_key": key, "message": message})
    try:
        accounts().add_claim(user.id, key, message)
    except AccountError as e:
        return _account_page(user, status=400, error=e.message(_lang()),
                             claim_form={"entity_key": key, "message": message})
    return redirect("/account?done=claim", code=303)


@bp.post("/account/tokens")
@login_required
def new_token():
    user = current_user()
    try:
        token = accounts().issue_token(user.id, request.form.get("name", ""))
    except AccountError as e:
        return _account_page(user, status=400, error=e.message(_lang()))
    if _wants_json():
        return _no_store(jsonify(token=token))
    return _account_page(user, new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    user = current_user()
    try:
        accounts().revoke_token(token_id, user_id=user.id)
    except AccountError as e:
        abort(404, description=e.message(_lang()))
    return redirect("/account?done=revoked", code=303)


# Administrators --------------------------------------------------------------------------

def _users_page(*, status: int = 200, error: str | None = None):
    users = accounts().users()
    names = {k: _entity_name(k) for u in users for k in u.entities}
    return _no_store(make_response(render_template(
        "admin_users.html", users=users, names=names, error=error, notice=_notice(), me=current_user()), status))


@bp.get("/admin/users")
@admin_required
def admin_users():
    return _users_page()


def _target(user_id: int):
    target = accounts().get(user_id)
    if target is None:
        abort(404, description=_t("Nie ma takiego konta.", "No such account."))
    return target


@bp.post("/admin/users/<int:user_id>/disable")
@admin_required
def admin_disable(user_id: int):
    target = _target(user_id)
    if target.id == current_user().id:
        return _users_page(status=400, error=_t("Nie możesz wyłączyć własnego konta.",
                                                "You cannot disable your own account."))
    accounts().disable(target.login)
    return redirect("/admin/users?done=disabled", code=303)


@bp.post("/admin/users/<int:user_id>/enable")
@admin_required
def admin_enable(user_id: int):
    accounts().enable(_target(user_id).login)
    return redirect("/admin/users?done=enabled", code=303)


@bp.post("/admin/users/<int:user_id>/grant")
@admin_required
def admin_grant(user_id: int):
    target = _target(user_id)
    key = request.form.get("entity_key", "").strip()
    if not _entity_exists(key):
        return _users_page(status=400, error=_t(f"Nie ma w rejestrze podmiotu o kluczu „{key}”.",
                                                f"There is no entity with the key “{key}” in the registry."))
    accounts().grant(target.id, key)
    return redirect("/admin/users?done=granted", code=303)


def _compact(iri: str) -> str:
    """``prefix:name`` for the vocabularies the registry uses and its concept schemes, else the IRI."""
    if iri.startswith(VOCAB_BASE):
        return iri[len(VOCAB_BASE):].replace("/", ":", 1)
    for prefix, namespace in PREFIXES.items():
        namespace = str(namespace)
        if iri.startswith(namespace) and "/" not in iri[len(namespace):] and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _term(term, base: str) -> dict:
    """A readable form of one RDF term: its text, and the IRI it stands for (if any)."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(base + "/id/"):
            return {"text": iri[len(base) + 4:], "iri": iri}
        compact = _compact(iri)
        if iri in labels.terms():
            label = labels.label(iri, _lang())
            if label.casefold() != compact.rsplit(":", 1)[-1].casefold():
                return {"text": f"{label} ({compact})", "iri": iri}
        return {"text": compact, "iri": iri}
    if isinstance(term, ox.BlankNode):
        return {"text": "_:" + term.value, "iri": None}
    text = f"„{term.value}”" + (f" @{term.language}" if term.language else "")
    if not term.language and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        text += f" ({_compact(term.datatype.value)})"
    return {"text": text, "iri": None}


def _readable(document: bytes) -> tuple[list[dict], str | None, int]:
    """The statements of a proposed document, readable, the first ``TRIPLES_SHOWN`` of them."""
    base = _base()
    rows = []
    try:
        triples = list(ox.parse(document, ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as e:
        return [], str(e), 0
    for t in triples[:TRIPLES_SHOWN]:
        rows.append({"s": _term(t.subject, base), "p": _term(t.predicate, base), "o": _term(t.object, base)})
    return rows, None, len(triples)


def _requests_page(*, status: int = 200, problems: dict[int, list[str]] | None = None):
    proposals = []
    for p in accounts().proposals("pending"):
        rows, parse_error, total = _readable(p.document)
        proposals.append({"p": p, "rows": rows, "parse_error": parse_error, "total": total,
                          "exists": _entity_exists(p.entity_key)})
    claims = [{"c": c, "name": _entity_name(c.entity_key), "exists": _entity_exists(c.entity_key)}
              for c in accounts().claims("pending")]
    return _no_store(make_response(render_template(
        "admin_requests.html", claims=claims, proposals=proposals, problems=problems or {},
        notice=_notice(), shown=TRIPLES_SHOWN), status))


@bp.get("/admin/requests")
@admin_required
def admin_requests():
    return _requests_page()


def _decision() -> bool:
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400, description=_t("Wybierz: zatwierdź albo odrzuć.", "Choose: approve or reject."))
    return decision == "approve"


@bp.post("/admin/claims/<int:claim_id>")
@admin_required
def admin_claim(claim_id: int):
    approve = _decision()
    try:
        accounts().decide_claim(claim_id, approve, current_user().id)
    except AccountError as e:
        abort(409 if accounts().claim(claim_id) else 404, description=e.message(_lang()))
    return redirect("/admin/requests?done=decided", code=303)


@bp.post("/admin/proposals/<int:proposal_id>")
@admin_required
def admin_proposal(proposal_id: int):
    approve = _decision()
    admin = current_user()
    proposal = accounts().proposal(proposal_id)
    if proposal is None:
        abort(404, description=_t("Nie ma takiej propozycji.", "No such proposal."))
    if proposal.status != "pending":
        abort(409, description=_t("Ta propozycja została już rozstrzygnięta.", "This proposal was already decided."))
    if approve:
        problems = _store_proposal(proposal, admin)
        if problems:
            return _requests_page(status=422, problems={proposal_id: problems})
    accounts().decide_proposal(proposal_id, approve, admin.id)
    return redirect("/admin/requests?done=decided", code=303)


def _store_proposal(proposal, admin) -> list[str]:
    """Write a proposed entity through the editor; the messages of what went wrong (none: stored)."""
    editor = current_app.extensions.get("registry.editor")
    if editor is None:
        return [_t("Zapisywanie dokumentów nie jest dostępne w tej instalacji.",
                   "Saving documents is not available in this installation.")]
    try:
        editor.save("entity", proposal.entity_key, proposal.document, ox.RdfFormat.N_TRIPLES,
                    organisation=editor.organisation_for(admin), create=True)
    except ValidationFailed as e:
        reports = getattr(e, "documents", None) or getattr(e, "reports", None) or []
        messages = [m for d in reports for m in d.messages(_lang())]
        return messages or [_one_language(str(e))]
    except RegistryError as e:
        return [_one_language(str(e))]
    except Exception as e:  # the editor's own refusals (already exists, conflict, ...)
        if not type(e).__module__.endswith("editing"):
            raise
        if type(e).__name__ == "AlreadyExists":
            return [_t("Podmiot o tym kluczu już jest w rejestrze.",
                       "An entity with this key is already in the registry.")]
        return [_one_language(str(e)) or type(e).__name__]
    return []


def _one_language(text: str) -> str:
    """A message written "polski / English": the part in the page's language."""
    pl, sep, en = text.partition(" / ")
    return (pl if _lang() == "pl" else en) if sep else text
