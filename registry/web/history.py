"""The history of a document, restores, tombstones; the local control route of online backups.

* ``GET /{kind}/{key}/history[.json]``: the document's versions, newest first, each with its
  date, organisation and kind of write, and what it changed against the version before it
  (statements with labels). Public: the content was public, and the provenance names
  organisations, never persons. Works for withdrawn documents too.
* ``GET /{kind}/{key}/history/{n}.{nt,ttl}``: the statements of one version.
* ``POST /{kind}/{key}/history/{n}/restore`` (administrators): writes version ``n`` again through
  the editor, validated like any write; the restore is itself a new version.
* :func:`tombstone`: the 410 Gone answer of a withdrawn resource (used by ``resources``).
* ``POST /_control/backup``: asked by ``pes-registry backup`` on the same machine while the server
  runs (the server owns the store); only from a loopback address with the secret of
  ``{data}/run/control.json``.
"""

from __future__ import annotations

import hmac
import ipaddress
from pathlib import Path

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)

from ..errors import ValidationFailed
from ..history import History, Version
from ..namespaces import DOCUMENT_KINDS, KINDS
from ..store import graph_iri, resource_iri, valid_key
from . import views
from .auth import admin_required, current_user
from .i18n import lang as _lang
from .i18n import t as _t
from .resources import LABELS, _labels, _predicate_labels, _value

bp = Blueprint("history", __name__)
control = Blueprint("control", __name__)

PER_PAGE = 20
VERSION_FORMATS = {"nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
                   "ttl": (ox.RdfFormat.TURTLE, "text/turtle")}
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
CONTROL_HEADER = "X-Registry-Control"


def history() -> History:
    return current_app.extensions["registry.history"]


def _store():
    return current_app.extensions["registry.store"]


def _base() -> str:
    return current_app.extensions["registry.settings"].base


def _check(kind: str, key: str) -> None:
    if kind not in KINDS or not valid_key(key):
        abort(404, description=_t(f"W rejestrze nie ma zasobu /id/{kind}/{key}.",
                                  f"There is no resource /id/{kind}/{key} in this registry."))


def _offer_entity(key: str) -> str | None:
    return current_app.extensions["registry.editor"].offer_entity(key)


def _versions(kind: str, key: str) -> list[Version]:
    _check(kind, key)
    versions = history().versions(kind, key, _lang())
    if not versions:
        abort(404, description=_t(f"Rejestr nie ma historii zasobu /id/{kind}/{key}.",
                                  f"The registry has no history of /id/{kind}/{key}."))
    return versions


# -- the history page ---------------------------------------------------------------------------


@bp.get("/<kind>/<key>/history", defaults={"ext": None})
@bp.get("/<kind>/<key>/history.<ext>")
def show(kind: str, key: str, ext: str | None):
    if ext not in (None, "json"):
        abort(404, description=_t("Historia jest dostępna jako strona albo .json.",
                                  "The history is available as a page or as .json."))
    _check(kind, key)
    if kind not in DOCUMENT_KINDS:  # an offer's history is its entity's document's
        entity = _offer_entity(key)
        if entity is None:
            abort(404, description=_t(f"W rejestrze nie ma oferty {key}.", f"There is no offer {key} in this registry."))
        return redirect(f"/entity/{entity}/history" + (f".{ext}" if ext else ""), code=303)
    versions = _versions(kind, key)
    page, pages = _page(len(versions))
    as_json = ext == "json" or (ext is None and request.accept_mimetypes.best_match(
        ["text/html", "application/json"]) == "application/json")
    data = _gather(kind, key, versions, page, pages, with_labels=not as_json)
    if as_json:
        response = jsonify(_as_json(kind, key, data))
        response.vary.add("Accept")
        return response
    response = make_response(_render(kind, key, data))
    response.vary.add("Accept")
    return response


def _page(count: int) -> tuple[int, int]:
    pages = max(1, -(-count // PER_PAGE))
    text = request.args.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= pages:
        abort(400, description=_t(f"Parametr page: liczba od 1 do {pages}.",
                                  f"Parameter page: a whole number from 1 to {pages}."))
    return int(text), pages


def _gather(kind: str, key: str, versions: list[Version], page: int, pages: int, *, with_labels: bool) -> dict:
    """The versions of one page, each with its diff against the version before it."""
    shown = versions[(page - 1) * PER_PAGE: page * PER_PAGE]
    older = versions[page * PER_PAGE] if page * PER_PAGE < len(versions) else None
    triples = {v.number: v.triples() for v in shown}
    if older is not None:
        triples[older.number] = older.triples()
    items = []
    for i, v in enumerate(shown):
        before = shown[i + 1] if i + 1 < len(shown) else older
        diff = History.diff(triples.get(before.number) if before else None, triples[v.number])
        items.append({"version": v, "statements": len(triples[v.number]), "diff": diff, "first": before is None,
                      # all of a content came or went: shown folded
                      "whole": before is None or before.withdrawn or v.withdrawn})
    labels: dict[str, str] = {}
    predicate_labels: dict[str, str] = {}
    if with_labels:
        everything = [t for ts in triples.values() for t in ts]
        labels = _labels(everything + _linked_labels(everything, items), _lang())
        predicate_labels = _predicate_labels(
            {t.predicate.value for item in items for t in (*item["diff"].added, *item["diff"].removed)}, _lang())
    current = next((v for v in versions if v.current), None)
    iri = resource_iri(_base(), kind, key)
    title = labels.get(iri)
    if title is None:
        for v in versions:  # the newest label the document had
            own = [t for t in triples.get(v.number, []) if t.subject.value == iri]
            if own:
                title = _labels(own, _lang()).get(iri)
                if title:
                    break
    return {"items": items, "labels": labels, "predicate_labels": predicate_labels, "page": page,
            "pages": pages, "count": len(versions), "exists": current is not None, "title": title or key,
            "iri": iri, "document": graph_iri(_base(), kind, key)}


def _linked_labels(triples: list[ox.Triple], items: list[dict]) -> list[ox.Triple]:
    """Labels (from the store) of what the changed statements link to outside the document."""
    subjects = {t.subject for t in triples}
    linked = {t.object for item in items for t in (*item["diff"].added, *item["diff"].removed)
              if isinstance(t.object, ox.NamedNode) and t.object not in subjects}
    out = []
    raw = _store().raw
    for node in linked:
        for p in LABELS:
            out += [ox.Triple(q.subject, q.predicate, q.object)
                    for q in raw.quads_for_pattern(node, ox.NamedNode(p), None, None)]
    return out


def _when(time: str | None):
    return views.Ctx(_store(), _base(), _lang()).when(ox.Literal(time, datatype=XSD_DATETIME)) if time else None


def _statement(t: ox.Triple, data: dict, iri: str) -> dict:
    labels, base, lang = data["labels"], _base(), _lang()
    subject = t.subject.value if isinstance(t.subject, ox.NamedNode) else None
    if subject == iri:
        about = None
    elif subject is not None:
        about = labels.get(subject) or ("#" + subject.split("#", 1)[1] if "#" in subject else subject)
    else:
        about = _t("(węzeł bez nazwy)", "(unnamed node)")
    return {"about": about, "predicate": t.predicate.value,
            "predicate_label": data["predicate_labels"].get(t.predicate.value, t.predicate.value),
            "value": _value(t.object, labels, base, lang)}


def _render(kind: str, key: str, data: dict, *, status: int = 200, messages: list[str] | None = None,
            notice: str | None = None):
    iri = data["iri"]
    user = current_user()
    rows = []
    for item in data["items"]:
        v: Version = item["version"]
        rows.append({
            "number": v.number, "when": _when(v.time), "kind": v.kind, "current": v.current,
            "organisation": v.organisation_label or v.organisation, "organisation_href": _local(v.organisation),
            "restored_from": v.restored_from, "reason": v.reason, "statements": item["statements"],
            "first": item["first"], "whole": item["whole"],
            "changes": _changes(item["diff"], data, iri),
            "restorable": not v.current and not v.withdrawn,
        })
    restored = request.args.get("restored", "")
    if notice is None and restored.isdigit():
        notice = _t(f"Przywrócono wersję {restored}.", f"Version {restored} was restored.")
    return render_template(
        "history.html", kind=kind, key=key, title=data["title"], iri=iri, exists=data["exists"], rows=rows,
        page=data["page"], pages=data["pages"], count=data["count"], admin=bool(user and user.is_admin),
        messages=messages or [], notice=notice,
    ), status


def _changes(diff, data: dict, iri: str) -> list[dict]:
    """The removed and added statements, each removal next to what replaced it (the resource's
    own statements first, then its parts)."""
    rows = [dict(_statement(t, data, iri), change="removed") for t in diff.removed]
    rows += [dict(_statement(t, data, iri), change="added") for t in diff.added]
    rows.sort(key=lambda r: (r["about"] is not None, r["about"] or "", r["predicate_label"].casefold(),
                             r["change"] == "added"))
    return rows


def _local(iri: str | None) -> str | None:
    """The page of an organisation of this registry."""
    prefix = _base() + "/id/"
    if iri and iri.startswith(prefix):
        return "/" + iri[len(prefix):]
    return None


def _as_json(kind: str, key: str, data: dict) -> dict:
    def term(node) -> dict:
        if isinstance(node, ox.NamedNode):
            return {"type": "iri", "value": node.value}
        if isinstance(node, ox.Literal):
            out = {"type": "literal", "value": node.value}
            if node.language:
                out["language"] = node.language
            else:
                out["datatype"] = node.datatype.value
            return out
        return {"type": "bnode", "value": str(node)}

    def statements(triples) -> list[dict]:
        return [{"subject": term(t.subject), "predicate": t.predicate.value, "object": term(t.object)}
                for t in triples]

    versions = []
    for item in data["items"]:
        v: Version = item["version"]
        versions.append({
            "number": v.number, "time": v.time, "kind": v.kind, "current": v.current,
            "activity": v.activity, "organisation": v.organisation, "organisationLabel": v.organisation_label,
            "restoredFrom": v.restored_from, "reason": v.reason, "statements": item["statements"],
            "data": None if v.withdrawn else f"/{kind}/{key}/history/{v.number}.nt",
            "added": statements(item["diff"].added), "removed": statements(item["diff"].removed),
        })
    links = {"self": f"/{kind}/{key}/history.json?page={data['page']}"}
    if data["page"] < data["pages"]:
        links["next"] = f"/{kind}/{key}/history.json?page={data['page'] + 1}"
    if data["page"] > 1:
        links["prev"] = f"/{kind}/{key}/history.json?page={data['page'] - 1}"
    return {"resource": data["iri"], "document": data["document"], "exists": data["exists"],
            "versionCount": data["count"], "page": data["page"], "pages": data["pages"], "links": links,
            "versions": versions}


@bp.get("/<kind>/<key>/history/<int:number>.<ext>")
def version_data(kind: str, key: str, number: int, ext: str):
    if ext not in VERSION_FORMATS or kind not in DOCUMENT_KINDS:
        abort(404)
    versions = _versions(kind, key)
    version = next((v for v in versions if v.number == number), None)
    if version is None or version.withdrawn:
        abort(404, description=_t(f"Wersja {number} nie ma treści.", f"Version {number} has no content."))
    fmt, media = VERSION_FORMATS[ext]
    body = ox.serialize(version.triples(), format=fmt) or b""
    return Response(body, content_type=f"{media}; charset=utf-8")


# -- restore ------------------------------------------------------------------------------------


@bp.post("/<kind>/<key>/history/<int:number>/restore")
@admin_required
def restore(kind: str, key: str, number: int):
    from .. import editing

    if kind not in DOCUMENT_KINDS:
        abort(404)
    versions = _versions(kind, key)
    version = next((v for v in versions if v.number == number), None)
    wants_json = request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    if version is None:
        abort(404, description=_t(f"Nie ma wersji {number}.", f"There is no version {number}."))
    if version.withdrawn:
        abort(409, description=_t("To wersja wycofania: nie ma treści do przywrócenia.",
                                  "This version is a withdrawal: it has no content to restore."))
    if version.current:
        abort(409, description=_t("To jest bieżąca wersja.", "This is the current version."))
    editor: editing.Editor = current_app.extensions["registry.editor"]
    user = current_user()
    try:
        result = editor.save(kind, key, version.ntriples(), ox.RdfFormat.N_TRIPLES, keep_offers=False,
                             organisation=editor.organisation_for(user, kind, key))
    except ValidationFailed as e:
        rejected = [d for d in e.reports if d.rejected] or e.reports
        messages = [m for d in rejected for m in d.messages(_lang())] or [str(e)]
        if wants_json:
            return jsonify(error="Unprocessable Content", detail=str(e), messages=messages, status=422), 422
        data = _gather(kind, key, versions, 1, max(1, -(-len(versions) // PER_PAGE)), with_labels=True)
        return _render(kind, key, data, status=422, messages=messages)
    activity = getattr(result.report, "activity", None)
    if activity:
        history().note_restore(activity, kind, key, number)
    if wants_json:
        return jsonify(restored=number, changed=bool(activity), storeVersion=result.version, etag=result.etag)
    return redirect(f"/{kind}/{key}/history?restored={number}", code=303)


# -- tombstones ---------------------------------------------------------------------------------


def tombstone(kind: str, key: str, *, html: bool) -> Response | None:
    """410 Gone for a withdrawn resource (None when it was not withdrawn): a page with what it
    was, when and by which organisation it was withdrawn and why, or a short text for RDF."""
    if kind not in DOCUMENT_KINDS or not valid_key(key):
        return None
    found = history().withdrawal(kind, key, _lang())
    if found is None:
        return None
    link = f"/{kind}/{key}/history"
    if not html:
        text = (f"{resource_iri(_base(), kind, key)} was withdrawn"
                + (f" on {found.time}" if found.time else "")
                + (f" by {found.organisation}" if found.organisation else "")
                + f". Its history: {link}\n")
        return Response(text, status=410, content_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})
    body = render_template("gone.html", kind=kind, key=key, iri=resource_iri(_base(), kind, key),
                           label=found.label or key, when=_when(found.time),
                           organisation=found.organisation_label or found.organisation,
                           organisation_href=_local(found.organisation), reason=found.reason, history=link)
    return Response(body, status=410, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


# -- control of a running server ----------------------------------------------------------------


@control.post("/_control/backup")
def control_backup():
    """Write a backup to the folder given, for ``pes-registry backup`` on this machine."""
    from ..backup import make_backup

    secret = current_app.extensions.get("registry.control_secret")
    if not secret:
        abort(404)
    try:
        local = ipaddress.ip_address((request.remote_addr or "").split("%", 1)[0]).is_loopback
    except ValueError:
        local = False
    given = request.headers.get(CONTROL_HEADER, "")
    if not local or not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403, description="Only the registry's own command line on this machine may ask this.")
    body = request.get_json(silent=True)
    target = body.get("target") if isinstance(body, dict) else None
    if not isinstance(target, str) or not Path(target).is_absolute():
        abort(400, description="Send {\"target\": \"/absolute/path/of/a/new/folder\"}.")
    manifest = make_backup(_store(), Path(target))
    return jsonify(manifest)
