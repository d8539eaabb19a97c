"""The yearly implementation report of a programme: ``/programme/{key}/report/{year}``.

* ``GET /programme/{key}/report/{year}``: the report as a page of the site (printable: the
  print stylesheet leaves only the report);
* ``GET /programme/{key}/report/{year}.pdf``: the same report as a PDF download.

A year that is not four digits is a 400; an unknown programme or a year outside its period a 404.
The PDF carries an ETag of the store version and the day, so a client that has it does not wait
for it to be rendered again.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, current_app, g, render_template

from .. import queries
from .. import report as reports
from ..errors import UsageError
from ..store import valid_key
from .http import not_modified

bp = Blueprint("report", __name__)


@bp.record_once
def _filters(state) -> None:
    reports.add_filters(state.app.jinja_env)


@bp.get("/programme/<key>/report/<name>")
def report(key: str, name: str):
    pdf = name.endswith(".pdf")
    lang = getattr(g, "lang", "pl")
    try:
        year = reports.parse_year(name[:-4] if pdf else name)
    except UsageError:
        abort(400, description=(
            f"„{name}” nie jest rokiem: podaj rok czterema cyframi, np. /programme/{key}/report/2014."
            if lang == "pl"
            else f"“{name}” is not a year: write the year with four digits, e.g. "
            f"/programme/{key}/report/2014."
        ))
    store = current_app.extensions["registry.store"]
    base = current_app.extensions["registry.settings"].base
    if not valid_key(key):
        abort(404, description=f"W rejestrze nie ma programu „{key}”." if lang == "pl"
              else f"There is no programme “{key}” in this registry.")
    monitor = current_app.extensions.get("registry.indicators")
    if monitor is not None:  # the computed indicators as the data stands now
        monitor.ensure_current()
    etag = '"{}"'.format(
        hashlib.sha1(f"{store.version()}|{key}|{year}|{queries.today()}".encode()).hexdigest()[:20]
    )
    if pdf and not_modified(etag):
        return Response(status=304, headers={"ETag": etag})
    try:
        data = reports.build(store, base, year, key)
    except reports.ReportNotFound as e:
        abort(404, description=e.pl if lang == "pl" else str(e)[:1].upper() + str(e)[1:] + ".")
    if pdf:
        document = reports.render_document(data, site=base)
        try:
            pdf_bytes = reports.render_pdf(document)
        except reports.PdfUnavailable as e:
            pl_text, _, en_text = str(e).partition(" / ")
            abort(503, description=pl_text if lang == "pl" else en_text)
        response = Response(pdf_bytes, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="sprawozdanie-{key}-{year}.pdf"'
        )
        response.headers["ETag"] = etag
        return response
    return render_template("report.html", report=data, standalone=False, site="")
