"""Errors as HTTP answers: a clear message, never a traceback."""

from __future__ import annotations

import re

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import InputError, RegistryError, UsageError, ValidationFailed


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return _answer(e.code or 500, e.name, e.description or "")

    @app.errorhandler(RegistryError)
    def registry_error(e: RegistryError):
        code = 422 if isinstance(e, ValidationFailed) else 400 if isinstance(e, (UsageError, InputError)) else 500
        return _answer(code, type(e).__name__, str(e))

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        app.logger.exception("unexpected error")
        return _answer(500, "Internal Server Error", "An unexpected error occurred.")


def _answer(code: int, title: str, detail: str):
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(error=title, detail=detail, status=code), code
    from markupsafe import escape

    try:
        from flask import render_template

        guess = ""
        if code == 404:  # words of the address, as a first search
            guess = " ".join(w for w in re.split(r"[^\w]+", request.path.rsplit("/", 1)[-1]) if not w.isdigit())[:100]
        body = render_template("error.html", code=code, title=title, detail=detail, guess=guess)
    except Exception:  # the error page itself must never fail
        body = (f"<!doctype html><html lang=\"pl\"><title>{code} {escape(title)}</title><main><h1>{code} "
                f"{escape(title)}</h1><p>{escape(detail)}</p></main></html>")
    return body, code, {"Content-Type": "text/html; charset=utf-8"}
