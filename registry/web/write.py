"""The write API: documents in, through the one ingest path.

* ``POST /api/{kind}`` creates: the body (Turtle, JSON-LD, N-Triples or RDF/XML) describes one
  resource ``{BASE}/id/{kind}/{key}`` (relative IRIs resolve against ``{BASE}/id/``, so
  ``<entity/abc>`` will do). 201 with ``Location`` and ``ETag``.
* ``PUT /id/{kind}/{key}`` replaces (200) — or creates (201) where the role allows —, with
  ``If-Match`` required for a replace (428 without it, 412 when it names another version).
* ``DELETE /id/{kind}/{key}`` withdraws (204): the resource then answers 410 Gone; its history
  stays. An offer is removed from its entity's document.

Who may: administrators, everything; an entity's editors, that entity's document (not its
creation: a new entity is proposed and approved) and its offers. 401 without credentials
(session cookie with CSRF token, or ``Authorization: Bearer``), 403 for the wrong role or entity.
A document that does not conform answers 422 with the validation report: JSON by default, the
SHACL report as RDF when ``Accept`` asks for an RDF format.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, jsonify, request

from .. import editing
from ..errors import InputError, UsageError, ValidationFailed
from ..namespaces import KINDS
from ..store import resource_iri, valid_key
from .auth import REALM, current_user
from .http import content_type

bp = Blueprint("write", __name__)

BODY_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _editor() -> editing.Editor:
    return current_app.extensions["registry.editor"]


def _lang() -> str:
    if request.args.get("lang") in ("pl", "en"):
        return request.args["lang"]
    if request.headers.get("Accept-Language"):
        return request.accept_languages.best_match(["pl", "en"]) or getattr(g, "lang", "pl")
    return getattr(g, "lang", "pl")


def _error(status: int, message_pl: str, message_en: str, **headers) -> Response:
    message = message_pl if _lang() == "pl" else message_en
    response = jsonify(error=message, status=status, message_pl=message_pl, message_en=message_en)
    response.status_code = status
    response.headers.update(headers)
    return response


def _bilingual(e: Exception) -> tuple[str, str]:
    """A registry message written "polski / English", split in two."""
    text = str(e)
    pl, sep, en = text.partition(" / ")
    return (pl, en) if sep else (text, text)


def _unauthorised() -> Response:
    if g.get("registry_bad_token"):
        return _error(401, "Token jest nieznany, wycofany albo jego konto jest wyłączone.",
                      "The token is unknown, revoked or its account is disabled.",
                      **{"WWW-Authenticate": REALM + ', error="invalid_token"'})
    return _error(401, "Zaloguj się albo podaj token API (Authorization: Bearer …).",
                  "Log in or send an API token (Authorization: Bearer …).", **{"WWW-Authenticate": REALM})


def _forbidden(why_pl: str, why_en: str) -> Response:
    return _error(403, why_pl, why_en)


def _body() -> tuple[bytes, ox.RdfFormat] | Response:
    media = (request.mimetype or "").lower()
    fmt = BODY_FORMATS.get(media)
    if fmt is None:
        return _error(415, "Treść ma być w formacie Turtle, JSON-LD, N-Triples albo RDF/XML "
                      "(nagłówek Content-Type).",
                      "Send the body as Turtle, JSON-LD, N-Triples or RDF/XML (Content-Type header).")
    return request.get_data(cache=False), fmt


def _allowed(user, kind: str, key: str, triples: list | None, creating: bool) -> tuple[str, str] | None:
    """None when the user may write this resource, else the reason (pl, en)."""
    if user.is_admin:
        return None
    if kind == "entity":
        if creating:
            return ("Nowy podmiot zgłasza się do zatwierdzenia (/entity/propose).",
                    "A new entity is proposed for approval (/entity/propose).")
        if key in user.entities:
            return None
        return ("Możesz zmieniać tylko dane swoich podmiotów.", "You may only change your own entities.")
    if kind == "offer":
        owner = _editor().offer_entity(key)
        named = _editor().offered_by(triples, key) if triples else None
        if (owner or named) and all(e in user.entities for e in (owner, named) if e):
            return None
        return ("Możesz zmieniać tylko oferty swoich podmiotów.", "You may only change your own entities' offers.")
    return ("Tylko administrator może zmieniać te dane.", "Only an administrator may change these data.")


def _saved(kind: str, key: str, result: editing.SaveResult) -> Response:
    lang = _lang()
    body = {
        "iri": resource_iri(_editor().store.base, kind, key),
        "page": f"/{kind}/{key}",
        "status": "created" if result.created else "replaced",
        "version": result.version,
        "warnings": [w.message(lang) for w in result.warnings],
    }
    unchanged = all(d.status == "unchanged" for d in result.report.documents) and result.report.documents
    if unchanged:
        body["status"] = "unchanged"
    response = jsonify(body)
    response.status_code = 201 if result.created else 200
    response.headers["ETag"] = f'"{result.etag}"'
    if result.created:
        response.headers["Location"] = f"/id/{kind}/{key}"
    return response


def _invalid(e: ValidationFailed) -> Response:
    """422 with the report: JSON, or the SHACL validation report as RDF by Accept."""
    lang = _lang()
    documents = [d for d in e.reports if d.rejected] or e.reports
    rdf = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
           "application/rdf+xml": "rdf"}
    media = request.accept_mimetypes.best_match(["application/json", *rdf])
    if media in rdf:
        fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdf": ox.RdfFormat.RDF_XML}[rdf[media]]
        data = ox.serialize(shacl_report(documents), format=fmt, prefixes={"sh": SH})
        return Response(data, status=422, content_type=content_type(rdf[media]), headers={"Vary": "Accept"})
    response = jsonify(
        error="Dokument nie spełnia reguł rejestru." if lang == "pl" else "The document does not conform.",
        status=422,
        conforms=False,
        messages=[m for d in documents for m in d.messages(lang)],
        warnings=[m for d in documents for m in d.warning_messages(lang)],
        documents=[d.to_dict() for d in documents],
    )
    response.status_code = 422
    return response


def shacl_report(documents) -> list[ox.Triple]:
    """A ``sh:ValidationReport`` of the rejected documents' results (and of the pipeline's own
    errors, as violations focused on the document's resource)."""
    report = ox.BlankNode()
    sh = lambda local: ox.NamedNode(SH + local)  # noqa: E731
    out = [ox.Triple(report, RDF_TYPE, sh("ValidationReport")),
           ox.Triple(report, sh("conforms"), ox.Literal("false", datatype=ox.NamedNode(
               "http://www.w3.org/2001/XMLSchema#boolean")))]

    def node(value: str):
        if value.startswith("_:"):
            return ox.BlankNode(value[2:])
        if value.startswith(("http://", "https://", "urn:")):
            return ox.NamedNode(value)
        return ox.Literal(value)

    for d in documents:
        for r in d.results:
            res = ox.BlankNode()
            out += [ox.Triple(report, sh("result"), res), ox.Triple(res, RDF_TYPE, sh("ValidationResult")),
                    ox.Triple(res, sh("focusNode"), node(r.focus)),
                    ox.Triple(res, sh("resultSeverity"), ox.NamedNode(r.severity)),
                    ox.Triple(res, sh("sourceConstraintComponent"), ox.NamedNode(r.component))]
            if r.source_shape and not r.source_shape.startswith("_:"):
                out.append(ox.Triple(res, sh("sourceShape"), ox.NamedNode(r.source_shape)))
            if r.path:
                out.append(ox.Triple(res, sh("resultPath"), node(r.path)))
            if r.value is not None:
                out.append(ox.Triple(res, sh("value"), node(r.value)))
            for lang in ("pl", "en"):
                out.append(ox.Triple(res, sh("resultMessage"), ox.Literal(r.message(lang), language=lang)))
        for pl, en in d.errors:
            res = ox.BlankNode()
            out += [ox.Triple(report, sh("result"), res), ox.Triple(res, RDF_TYPE, sh("ValidationResult")),
                    ox.Triple(res, sh("focusNode"), ox.NamedNode(d.iri)),
                    ox.Triple(res, sh("resultSeverity"), sh("Violation")),
                    ox.Triple(res, sh("resultMessage"), ox.Literal(pl, language="pl")),
                    ox.Triple(res, sh("resultMessage"), ox.Literal(en, language="en"))]
    return out


def _write(kind: str, key: str | None, *, creating: bool | None) -> Response:
    user = current_user()
    if user is None:
        return _unauthorised()
    if kind not in KINDS or (key is not None and not valid_key(key)):
        return _error(404, f"Nie ma rodzaju danych {kind!r}.", f"There is no kind {kind!r}.")
    body = _body()
    if isinstance(body, Response):
        return body
    data, fmt = body
    editor = _editor()
    if key is None and kind != "offer" and not user.is_admin:  # the role first, then the body
        return _forbidden(*_allowed(user, kind, "-", None, creating=True))
    if key is not None:
        exists = editor.exists(kind, key)
        if kind != "offer" or exists:
            refused = _allowed(user, kind, key, None, creating=not exists)
            if refused:
                return _forbidden(*refused)
    try:
        triples = editor.parse(kind, data, fmt)
        if key is None:
            key = editor.main_key(kind, triples)
        exists = editor.exists(kind, key)
        if creating and exists:
            return _error(409, f"Zasób {kind}/{key} już istnieje; zmień go przez PUT /id/{kind}/{key}.",
                          f"{kind}/{key} exists already; replace it with PUT /id/{kind}/{key}.")
        refused = _allowed(user, kind, key, triples, creating=not exists)
        if refused:
            return _forbidden(*refused)
        result = editor.save(kind, key, data, fmt, organisation=editor.organisation_for(user, kind, key, triples),
                             if_match=request.headers.get("If-Match"), create=True if creating else None,
                             require_match=True)
    except ValidationFailed as e:
        return _invalid(e)
    except (editing.PreconditionRequired, editing.PreconditionFailed) as e:
        return _precondition(e)
    except editing.AlreadyExists:
        return _error(409, f"Zasób {kind}/{key} już istnieje.", f"{kind}/{key} exists already.")
    except editing.Gone:
        return _error(410, "Ten zasób wycofano.", "This resource was withdrawn.")
    except editing.NotFound:
        return _error(404, "Nie ma takiego zasobu.", "There is no such resource.")
    except UsageError as e:
        return _error(415, *_bilingual(e))
    except InputError as e:
        return _error(400, *_bilingual(e))
    return _saved(kind, key, result)


def _precondition(e: Exception) -> Response:
    """428 without If-Match; 412 when it names another version (with the current ETag)."""
    if isinstance(e, editing.PreconditionRequired):
        return _error(428, "Podaj nagłówek If-Match z ETagiem wersji, którą zmieniasz.",
                      "Send If-Match with the ETag of the version you are changing.")
    current = getattr(e, "current", None)
    return _error(412, "Ktoś zmienił ten dokument w międzyczasie: pobierz go ponownie.",
                  "The document changed since you read it: fetch it again.",
                  **({"ETag": f'"{current}"'} if current else {}))


@bp.post("/api/<kind>")
def create(kind: str):
    if kind not in KINDS:
        return _error(404, f"Nie ma rodzaju danych {kind!r}.", f"There is no kind {kind!r}.")
    return _write(kind, None, creating=True)


@bp.put("/id/<kind>/<key>")
def replace(kind: str, key: str):
    return _write(kind, key, creating=None)


@bp.delete("/id/<kind>/<key>")
def delete(kind: str, key: str):
    user = current_user()
    if user is None:
        return _unauthorised()
    if kind not in KINDS or not valid_key(key):
        return _error(404, "Nie ma takiego zasobu.", "There is no such resource.")
    editor = _editor()
    refused = _allowed(user, kind, key, None, creating=False)
    if refused:
        return _forbidden(*refused)
    try:
        editor.withdraw(kind, key, organisation=editor.organisation_for(user, kind, key),
                        if_match=request.headers.get("If-Match"), require_match=True,
                        reason=request.args.get("reason") or None)
    except (editing.PreconditionRequired, editing.PreconditionFailed) as e:
        return _precondition(e)
    except editing.Gone:
        return _error(410, "Ten zasób już wycofano.", "This resource was withdrawn already.")
    except editing.NotFound:
        return _error(404, "Nie ma takiego zasobu.", "There is no such resource.")
    except editing.Conflict as e:
        return _error(409, f"Nie można wycofać: {e}", f"Cannot withdraw: {e}")
    except ValidationFailed as e:  # an offer's removal leaves an entity that does not conform
        return _invalid(e)
    return Response(status=204)
