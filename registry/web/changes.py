"""``/changes``: the change feed for incremental harvesting, as Atom (RFC 4287, paged as in
RFC 5005) or JSON.

Parameters: ``since`` (a date or date-time: only changes after it), ``page`` (1-based), ``per``
(1–1000, default 100). Newest first. Each entry names the resource's IRI, its document, what
happened (created, changed, withdrawn) and when.
"""

from __future__ import annotations

from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from flask import Blueprint, Response, abort, current_app, request

from ..changes import ChangeLog, parse_moment
from ..errors import UsageError
from ..listing import whole_number
from .http import not_modified
from .lists import publisher_name

bp = Blueprint("changes", __name__)

PER_PAGE = 100
MAX_PER_PAGE = 1000


def change_log() -> ChangeLog:
    log = current_app.extensions.get("registry.changes")
    if log is None:
        log = current_app.extensions["registry.changes"] = ChangeLog(current_app.extensions["registry.store"])
    return log


def _int(name: str, default: int, high: int) -> int:
    try:
        return whole_number(request.args.get(name), name, 1, high, default)
    except UsageError as e:
        abort(400, description=str(e))


def _page():
    since = request.args.get("since")
    moment = None
    if since:
        try:
            moment = parse_moment(since)
        except ValueError:
            abort(400, description=f"since: a date (YYYY-MM-DD) or date-time (ISO 8601), not {since!r}.")
    page = _int("page", 1, 10_000_000)
    per = _int("per", PER_PAGE, MAX_PER_PAGE)
    events = change_log().since(moment)
    start = (page - 1) * per
    return since, page, per, events[start:start + per], len(events)


def _url(path: str, since: str | None, page: int, per: int) -> str:
    args = [(k, str(v)) for k, v in (("since", since), ("page", page if page > 1 else None),
                                     ("per", per if per != PER_PAGE else None)) if v]
    return current_app.extensions["registry.settings"].base + path + ("?" + urlencode(args) if args else "")


def _etag() -> str:
    return f'"changes-{current_app.extensions["registry.store"].version()}-{request.query_string.decode()}"'


@bp.get("/changes")
def changes():
    best = request.accept_mimetypes.best_match(["application/atom+xml", "application/json", "text/html"])
    return changes_json() if best == "application/json" else changes_atom(vary=True)


@bp.get("/changes.json")
def changes_json():
    etag = _etag()
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    since, page, per, events, total = _page()
    pages = max(1, -(-total // per))
    body = {
        "total": total, "page": page, "per": per, "since": since,
        "changes": [{"resource": e.resource, "document": e.graph, "change": e.kind, "time": e.time,
                     "activity": e.activity} for e in events],
        "links": {"self": _url("/changes.json", since, page, per),
                  "first": _url("/changes.json", since, 1, per),
                  "last": _url("/changes.json", since, pages, per),
                  **({"next": _url("/changes.json", since, page + 1, per)} if page < pages else {}),
                  **({"prev": _url("/changes.json", since, page - 1, per)} if page > 1 else {})},
    }
    response = current_app.json.response(body)
    response.headers["ETag"] = etag
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@bp.get("/changes.atom")
def changes_atom(vary: bool = False):
    etag = _etag()
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    since, page, per, events, total = _page()
    pages = max(1, -(-total // per))
    base = current_app.extensions["registry.settings"].base
    updated = events[0].time if events else "1970-01-01T00:00:00Z"
    links = [("self", _url("/changes.atom", since, page, per)), ("first", _url("/changes.atom", since, 1, per)),
             ("last", _url("/changes.atom", since, pages, per))]
    if page < pages:
        links.append(("next", _url("/changes.atom", since, page + 1, per)))
    if page > 1:
        links.append(("previous", _url("/changes.atom", since, page - 1, per)))
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n',
             "<title>Zmiany w rejestrze ekonomii społecznej Torunia</title>\n",
             f"<id>{xml_escape(base)}/changes</id>\n<updated>{updated}</updated>\n",
             f"<author><name>{xml_escape(publisher_name())}</name></author>\n"]
    parts += [f'<link rel="{rel}" href="{xml_escape(href)}"/>\n' for rel, href in links]
    for e in events:
        parts += [
            "<entry>\n",
            f"<title>{e.kind}: {xml_escape(e.resource)}</title>\n",
            f"<id>{xml_escape(e.activity)}/{xml_escape(e.graph[len(base) + 1:])}</id>\n",
            f"<updated>{e.time}</updated>\n",
            f'<category term="{e.kind}" scheme="{xml_escape(base)}/changes#kinds"/>\n',
            f'<link rel="related" href="{xml_escape(e.resource)}"/>\n',
            *([f'<link rel="alternate" type="text/turtle" href="{xml_escape(e.graph)}.ttl"/>\n']
              if e.kind != "withdrawn" else []),
            f"<summary>{e.kind} {xml_escape(e.resource)} at {e.time}</summary>\n",
            "</entry>\n",
        ]
    parts.append("</feed>\n")
    response = Response("".join(parts), content_type="application/atom+xml; charset=utf-8")
    response.headers["ETag"] = etag
    response.headers["Access-Control-Allow-Origin"] = "*"
    if vary:
        response.vary.add("Accept")
    return response
