"""Service routes (health)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz():
    store = current_app.extensions["registry.store"]
    return jsonify(status="ok", version=store.version(), triples=len(store))
