"""HTML pages (the home page for now; the pages issue fills in the rest)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from ..stats import counts

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("home.html", counts=counts(current_app.extensions["registry.store"]))


@bp.get("/healthz")
def healthz():
    store = current_app.extensions["registry.store"]
    return jsonify(status="ok", version=store.version(), triples=len(store))
