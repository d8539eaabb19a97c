"""What every template may use: labels of shared terms, addresses, the language switch, JSON-LD."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from markupsafe import Markup

from .. import labels


def json_ld(data) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block, safe against ``</script>`` and
    comment tricks in the data: ``<``, ``>`` and ``&`` are written as JSON escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def lang_url(lang: str) -> str:
    """The current address in another language (other parameters kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(sorted(args.items()), doseq=True)


def map_tiles() -> dict[str, str]:
    """The map tile server of the settings: ``url`` (empty: no maps) and ``attribution``."""
    settings = current_app.extensions["registry.settings"]
    return {"url": settings.tiles_url, "attribution": settings.tiles_attribution}


def map_assets_needed() -> bool:
    """True the first time a page asks (once per request): a page loads the map scripts once,
    however many maps it shows."""
    if g.get("_registry_map_assets"):
        return False
    g._registry_map_assets = True
    return True


def days_from(day: str, today: str) -> int:
    """Days from ``today`` to ``day`` (ISO dates; negative when past)."""
    try:
        return (dt.date.fromisoformat(day[:10]) - dt.date.fromisoformat(today[:10])).days
    except ValueError:
        return 0


def may_edit(kind: str, key: str) -> bool:
    """May the user of this request edit the record (pages show "Edit" to those who may)?"""
    from .auth import current_user, may_edit_entity

    user = current_user()
    if user is None or user.disabled:
        return False
    if user.is_admin:
        return True
    if kind == "entity":
        return may_edit_entity(user, key)
    if kind == "offer":
        owner = current_app.extensions["registry.editor"].offer_entity(key)
        return owner is not None and may_edit_entity(user, owner)
    return False


def init_app(app: Flask) -> None:
    app.jinja_env.filters["days_from"] = days_from
    app.jinja_env.globals.update(json_ld=json_ld, lang_url=lang_url, may_edit=may_edit)
    app.jinja_env.globals.update(map_tiles=map_tiles, map_assets_needed=map_assets_needed)
    app.jinja_env.trim_blocks = False

    @app.context_processor
    def helpers():
        lang = getattr(g, "lang", "pl")
        base = current_app.extensions["registry.settings"].base
        return {
            "label": lambda iri: labels.label(str(iri), lang),
            "href": lambda iri: labels.href(str(iri), base),
            "base": base,
            "licence": current_app.extensions["registry.settings"].licence,
        }
