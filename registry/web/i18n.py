"""Language of the interface: Polish first, English available, the choice remembered in a cookie."""

from __future__ import annotations

from flask import Flask, g, request

LANGUAGES = ("pl", "en")
COOKIE = "lang"


def lang() -> str:
    """The interface language of this request."""
    return getattr(g, "lang", "pl")


def t(pl: str, en: str) -> str:
    """The text in the interface language of this request."""
    return pl if lang() == "pl" else en


def init_app(app: Flask) -> None:
    @app.before_request
    def choose_language():
        asked = request.args.get("lang")
        g.lang_changed = asked in LANGUAGES and asked != request.cookies.get(COOKIE)
        g.lang = asked if asked in LANGUAGES else request.cookies.get(COOKIE, "pl")
        if g.lang not in LANGUAGES:
            g.lang = "pl"

    @app.after_request
    def remember_language(response):
        if getattr(g, "lang_changed", False):
            response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response

    @app.context_processor
    def language():
        lang = getattr(g, "lang", "pl")
        return {"lang": lang, "t": lambda pl, en: pl if lang == "pl" else en}
