"""Who is asking: sessions, API tokens, CSRF protection and the guards of protected views.

* A browser is logged in by the cookie ``pes_session`` (a random session id; HttpOnly,
  SameSite=Lax, Secure when the request is HTTPS or the registry's base is https). A machine
  client sends ``Authorization: Bearer <token>`` and no cookie; when that header is present, the
  cookie is not looked at.
* CSRF: every POST, PUT, PATCH and DELETE that may ride on a cookie of ours must carry a token,
  in the form field ``csrf_token`` or the header ``X-CSRF-Token``, or it is refused (403).
  Logged in, the token is the session's own (kept with the session, server-side). Before login
  (the login and registration forms) it is a double-submit token: a random value in the short
  cookie ``pes_csrf`` (HttpOnly, SameSite=Strict, 2 hours) that the form repeats in its hidden
  field; a page of another site can neither read the cookie nor make the browser send it, so it
  cannot forge the field. A request carrying no cookie of ours (and not to the login or
  registration form) has nothing to forge and is left to the view (401 when it needs a user).
  Requests with a bearer token, and the public read-only POSTs of ``/sparql`` and
  ``/api/queries/...``, are exempt. Templates call ``csrf_token()`` in every form.
* Bad bearer tokens count as failed logins of the address they come from (see
  ``registry.accounts``): after 20, that address is answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import hmac
import secrets
from functools import wraps
from urllib.parse import quote

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request

from ..accounts import SESSION_ABSOLUTE, AccountError, Accounts, Throttled, User
from .i18n import lang as _lang
from .i18n import t as _t

SESSION_COOKIE = "pes_session"
CSRF_COOKIE = "pes_csrf"
CSRF_COOKIE_AGE = 2 * 3600
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CSRF_EXEMPT = ("/sparql", "/api/queries")
PRE_LOGIN_FORMS = ("/login", "/register")
REALM = 'Bearer realm="pes-registry"'


def accounts() -> Accounts:
    return current_app.extensions["registry.accounts"]


def _bearer() -> str | None:
    """The bearer token of the request ("" for another or an empty Authorization)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def current_user() -> User | None:
    """The user of this request: from the bearer token if there is an Authorization header, else
    from the session cookie."""
    if "registry_user" not in g:
        g.registry_user, g.registry_csrf = _identify()
    return g.registry_user


def _identify() -> tuple[User | None, str | None]:
    token = _bearer()
    if token is not None:
        if not token:
            return None, None
        user = accounts().token_user(token)
        if user is None:
            g.registry_bad_token = True
            accounts().remote_failure(request.remote_addr or "-")
        return user, None
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        found = accounts().session(session_id)
        if found is not None:
            return found
    return None, None


def csrf_token() -> str:
    """The CSRF token for the forms of this page (the session's, or the pre-login cookie's)."""
    current_user()
    if g.get("registry_csrf"):
        return g.registry_csrf
    value = g.get("registry_new_csrf") or request.cookies.get(CSRF_COOKIE)
    if not value or len(value) > 100:
        value = secrets.token_urlsafe(32)
    g.registry_new_csrf = value  # (re)sent, so it lasts while the form is open
    return value


def secure_cookies() -> bool:
    return request.is_secure or current_app.extensions["registry.settings"].base.startswith("https://")


def set_session_cookie(response, session_id: str) -> None:
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_ABSOLUTE, path="/", httponly=True,
                        samesite="Lax", secure=secure_cookies())


def clear_session_cookie(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax", secure=secure_cookies())


def api_client() -> bool:
    """True for a machine client (answered 401, not sent to the login form)."""
    return ("Authorization" in request.headers
            or "text/html" not in request.headers.get("Accept", "")
            or request.method in ("PUT", "DELETE")
            or request.path.startswith("/api/"))


def unauthorized():
    """401 for an API client, with the challenge of RFC 6750."""
    challenge = REALM + (', error="invalid_token"' if g.get("registry_bad_token") else "")
    detail = ("The token is unknown, revoked or its user is disabled." if g.get("registry_bad_token")
              else "Log in, or send an API token as 'Authorization: Bearer <token>'.")
    response = jsonify(error="Unauthorized", detail=detail, status=401)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response


def throttled(e: Throttled):
    """429 with Retry-After (JSON for API clients; the login form shows its own page)."""
    response = jsonify(error="Too Many Requests", detail=e.message(_lang()), status=429)
    response.status_code = 429
    response.headers["Retry-After"] = str(e.retry_after)
    return response


def safe_next(target: str | None) -> str:
    """A local address to go to after login (anything else: the account page)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
            ord(ch) < 32 for ch in target):
        return "/account"
    return target


def login_required(view):
    """A browser without a user is sent to the login form; an API client gets 401."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if api_client():
                return unauthorized()
            path = request.full_path if request.query_string else request.path
            return redirect("/login?next=" + quote(path, safe="/"), code=303)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    """Like ``login_required``, and 403 for a user who is not an administrator."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is not None and not user.is_admin:
            abort(403, description=_t("Ta strona jest tylko dla administratorów.",
                                      "This page is for administrators only."))
        return view(*args, **kwargs)

    return login_required(wrapped)


def may_edit_entity(user: User | None, entity_key: str) -> bool:
    """An administrator may edit any entity; an editor only its own."""
    if user is None or user.disabled:
        return False
    return user.is_admin or entity_key in user.entities


def _csrf_exempt() -> bool:
    if request.method not in UNSAFE_METHODS or _bearer() is not None:
        return True
    return any(request.path == p or request.path.startswith(p + "/") for p in CSRF_EXEMPT)


def init_app(app: Flask) -> None:
    """Accounts at ``app.extensions["registry.accounts"]``, the request hooks, the template globals."""
    if "registry.accounts" not in app.extensions:
        app.extensions["registry.accounts"] = Accounts.for_settings(app.extensions["registry.settings"])
    app.jinja_env.globals.update(csrf_token=csrf_token, current_user=current_user)

    @app.errorhandler(AccountError)
    def account_error(e: AccountError):
        """A refused account operation that a view did not answer itself: 400 with the reason."""
        detail = e.message(_lang())
        if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
            return jsonify(error="Bad Request", detail=detail, status=400), 400
        return render_template("error.html", code=400, title="Bad Request", detail=detail), 400

    @app.before_request
    def identify_and_check_csrf():
        if _bearer():
            wait = accounts().remote_locked(request.remote_addr or "-")
            if wait is not None:
                return throttled(Throttled(wait))
        current_user()
        if _csrf_exempt():
            return None
        if request.path == "/logout" and not g.get("registry_csrf"):
            return None  # no live session: nothing to end, nothing to forge
        expected = g.get("registry_csrf") or request.cookies.get(CSRF_COOKIE)
        if (expected is None and SESSION_COOKIE not in request.cookies
                and request.path not in PRE_LOGIN_FORMS):
            return None  # no cookie of ours: nothing to forge
        given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            abort(403, description=_t(
                "Brak ważnego tokenu formularza (CSRF): formularz wygasł albo pochodzi z innej strony. "
                "Odśwież stronę i wyślij formularz ponownie.",
                "The form's security (CSRF) token is missing or wrong: the form has expired or comes "
                "from another site. Reload the page and send the form again."))
        return None

    @app.after_request
    def account_headers(response):
        value = g.get("registry_new_csrf")
        if value and not g.get("registry_csrf"):
            response.set_cookie(CSRF_COOKIE, value, max_age=CSRF_COOKIE_AGE, path="/", httponly=True,
                                samesite="Strict", secure=secure_cookies())
        if g.get("registry_user") is not None and response.mimetype == "text/html":
            # A page with the user's name on it is for that user's browser only.
            response.headers.setdefault("Cache-Control", "private, no-cache")
            response.vary.add("Cookie")
        return response
