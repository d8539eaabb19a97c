"""``/monitoring``: the programme's indicators with their yearly values, a chart each, filters and
downloads (CSV, and the Data Cube as Turtle or JSON-LD).

The values come from ``registry.indicators``; the first reader after a write of data recomputes
them (``Monitor.ensure_current``). The charts are SVG drawn here, on the server: bars per year
with the baseline and the target as lines, readable without JavaScript, with a title and a
description for screen readers and the table of the same values beside them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from .. import indicators as ind
from .. import labels, queries
from ..namespaces import ONTOLOGY_GRAPH, QB, SCHEMA, VOCAB_BASE
from ..store import graph_iri
from .http import content_type
from .i18n import lang as _lang
from .i18n import t as _t
from .views import format_number

bp = Blueprint("monitoring", __name__)

RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
OUTPUT_PREFIXES = {
    "pes": "https://w3id.org/pes-registry/ontology#",
    "qb": str(QB),
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": str(SCHEMA),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def init_app(app: Flask) -> None:
    """Register the routes and keep the store's computed indicators current."""
    store = app.extensions["registry.store"]
    editor = app.extensions.get("registry.editor")
    app.extensions["registry.indicators"] = ind.Monitor(
        store, app.extensions["registry.settings"], lock=editor.lock if editor else None
    )
    app.register_blueprint(bp)


def _store():
    return current_app.extensions["registry.store"]


# -- parameters -------------------------------------------------------------------------------


@dataclass
class Filters:
    programme: ind.Programme
    year: int | None = None
    form: str | None = None  # concept IRI
    area: str | None = None  # concept IRI
    all_programmes: list[ind.Programme] = field(default_factory=list)

    def params(self, **changes) -> dict[str, str]:
        out = {
            "programme": self.programme.key,
            "year": str(self.year) if self.year else "",
            "form": ind.concept_key(self.form, ind.FORM_SCHEME) or "",
            "area": ind.concept_key(self.area, ind.AREA_SCHEME) or "",
        }
        out.update(changes)
        return {k: v for k, v in out.items() if v}

    def url(self, path: str, **changes) -> str:
        params = self.params(**changes)
        return path + (f"?{urlencode(params)}" if params else "")


def _bad(parameter: str, pl: str, en: str):
    abort(400, description=f"{parameter}: {_t(pl, en)}")


def _concept(parameter: str, scheme: str) -> str | None:
    raw = request.args.get(parameter, "").strip()
    if not raw:
        return None
    key = raw.removeprefix(f"{VOCAB_BASE}{scheme}/")
    if key not in queries.concept_keys(scheme):
        _bad(parameter, f"„{raw[:60]}” nie jest pojęciem słownika {scheme}.",
             f"“{raw[:60]}” is not a concept of the {scheme} scheme.")
    return f"{VOCAB_BASE}{scheme}/{key}"


def filters() -> Filters:
    """The page's filters from the query string; a bad value is a 400 naming its parameter."""
    store = _store()
    found = ind.programmes(store)
    key = request.args.get("programme", "").strip()
    if key:
        programme = next((p for p in found if p.key == key), None)
        if programme is None:
            _bad("programme", f"w rejestrze nie ma programu „{key[:80]}”.",
                 f"there is no programme “{key[:80]}” in this registry.")
    else:
        programme = ind.default_programme(store)
        if programme is None:
            abort(404, description=_t("W rejestrze nie ma jeszcze programu współpracy.",
                                      "There is no cooperation programme in the registry yet."))
    year = None
    raw_year = request.args.get("year", "").strip()
    if raw_year:
        if not (raw_year.isdigit() and len(raw_year) == 4):
            _bad("year", "rok zapisany czterema cyframi, np. 2026.", "a year written with four digits, e.g. 2026.")
        year = int(raw_year)
        if year not in programme.years():
            _bad("year", f"program {programme.key} nie obejmuje roku {year}.",
                 f"programme {programme.key} does not cover the year {year}.")
    return Filters(programme, year, _concept("form", ind.FORM_SCHEME), _concept("area", ind.AREA_SCHEME), found)


def _years(programme: ind.Programme, values: list[ind.Value]) -> list[int]:
    """The years of the programme's period (up to this year), and any year with a value."""
    return sorted(set(programme.years(queries.today())) | {v.year for v in values})


# -- numbers and charts -----------------------------------------------------------------------


def number(value, lang: str | None = None) -> str:
    if value is None:
        return "—"
    lang = lang or _lang()
    d = Decimal(str(value))
    places = max(0, min(2, -d.normalize().as_tuple().exponent)) if d != d.to_integral_value() else 0
    return format_number(str(d), lang, places)


def _nice(top: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 1
    power = 10 ** (len(str(int(top))) - 1) if top >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * power:
            return step * power
    return 10 * power


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    title_lang: str | None = None  # when the title is not in the page's language
    width: int = 560
    height: int = 240
    left: int = 64
    right: int = 136
    top: int = 16
    bottom: int = 36
    bars: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def axis_y(self) -> int:
        return self.height - self.bottom


def chart(d: ind.Indicator, years: list[int], by_year: dict[int, ind.Value]) -> Chart:
    """The bars of an indicator's yearly values with its baseline and target lines."""
    lang = _lang()
    unit = ind.pick(d.unit, lang)
    known = [float(v.value) for v in by_year.values()]
    marks = [float(x) for x in (d.baseline, d.target) if x is not None]
    step = _nice(max(known + marks + [0]) / 4)
    if all(float(x).is_integer() for x in known + marks):
        step = max(1.0, float(int(step)) if float(step).is_integer() else float(int(step) + 1))
    top = 4 * step
    c = Chart(id=f"chart-{d.programme}-{d.key}", title=d.label(lang), desc="",
              title_lang=_other(ind.language_of(d.name, lang)))
    plot_h = c.axis_y - c.top
    plot_w = c.plot_right - c.left

    def y(v: float) -> float:
        return round(c.axis_y - max(0.0, v) / top * plot_h, 1)

    for i in range(5):
        tick = top * i / 4
        c.ticks.append({"y": y(tick), "text": number(Decimal(str(tick)).normalize(), lang)})
    slot = plot_w / max(1, len(years))
    bar_w = min(56.0, slot * 0.6)
    for i, year in enumerate(years):
        x = c.left + slot * i + (slot - bar_w) / 2
        v = by_year.get(year)
        bar = {"year": year, "x": round(x, 1), "w": round(bar_w, 1), "cx": round(x + bar_w / 2, 1)}
        if v is not None:
            top_y = y(float(v.value))
            bar.update(y=top_y, h=round(c.axis_y - top_y, 1), text=number(v.value, lang))
        else:
            bar.update(y=c.axis_y, h=0, text=_t("brak", "none"))
        c.bars.append(bar)
    labelled = []
    for kind, value, pl, en in (("baseline", d.baseline, "bazowa", "baseline"),
                                ("target", d.target, "docelowa", "target")):
        if value is None:
            continue
        ly = y(float(value))
        text_y = ly + 4
        if labelled and abs(text_y - labelled[-1]) < 14:  # keep the two labels apart
            text_y = labelled[-1] + (14 if text_y >= labelled[-1] else -14)
        labelled.append(text_y)
        c.lines.append({"kind": kind, "y": ly, "text_y": round(text_y, 1),
                        "text": f"{_t(pl, en)}: {number(value, lang)}"})
    parts = [f"{year}: " + (number(by_year[year].value, lang) if year in by_year else _t("brak danych", "no data"))
             for year in years]
    desc = _t("Wykres słupkowy wartości w kolejnych latach", "Bar chart of the values per year")
    if unit:
        desc += f" ({unit})"
    desc += ": " + "; ".join(parts) + "."
    if d.baseline is not None:
        desc += " " + _t("Wartość bazowa", "Baseline") + f": {number(d.baseline, lang)}."
    if d.target is not None:
        desc += " " + _t("Wartość docelowa", "Target") + f": {number(d.target, lang)}."
    c.desc = desc
    return c


# -- the page ---------------------------------------------------------------------------------


def _local(address: str | None) -> str | None:
    """A registry address as a link on this site."""
    if not address:
        return None
    base = _store().base.rstrip("/")
    return address[len(base):] if address.startswith(base + "/") else address


def _other(tag: str) -> str | None:
    """A language tag to mark on a text that is not in the page's language."""
    return tag if tag and tag != _lang() else None


def _read(f: Filters) -> tuple[list[ind.Indicator], list[ind.Value]]:
    monitor = current_app.extensions.get("registry.indicators")
    if monitor is not None:
        monitor.ensure_current()
    store = _store()
    defs = ind.definitions(store, f.programme.key)
    found = ind.values(store, f.programme.key, f.year, form=f.form, area=f.area)
    return defs, found


def _options(scheme: str) -> list[dict]:
    prefix = f"{VOCAB_BASE}{scheme}/"
    lang = _lang()
    keys = sorted(queries.concept_keys(scheme), key=lambda k: ind.natural_key(k))
    out = []
    for key in keys:
        iri = prefix + key
        text = labels.label(iri, lang)
        if scheme == ind.AREA_SCHEME:
            text = f"{key}. {text}"
        out.append({"key": key, "iri": iri, "text": text})
    return out


@bp.get("/monitoring")
def page():
    f = filters()
    defs, found = _read(f)
    lang = _lang()
    by_indicator: dict[str, dict[int, ind.Value]] = {}
    for v in found:
        by_indicator.setdefault(v.indicator, {})[v.year] = v
    years = [f.year] if f.year else _years(f.programme, found)
    shown, left_out = [], []
    names = ind.action_names(_store(), f.programme.key)
    for d in defs:
        values = by_indicator.get(d.iri, {})
        wanted = {b for b, given in (("form", f.form), ("area", f.area)) if given}
        if wanted and not values and not (d.method == "query" and wanted <= set(d.breakdowns())):
            left_out.append(d)
            continue
        rows = []
        for year in years:
            v = values.get(year)
            rows.append({
                "year": year,
                "value": None if v is None else number(v.value, lang),
                "method": None if v is None else v.method,
                "source": None if v is None else (_local(v.source) if v.method == "query" else v.source),
                "computed_at": None if v is None or not v.computed_at else v.computed_at,
                "history": [] if v is None else [(at, number(x, lang)) for at, x in reversed(v.history)],
                "parts": [] if v is None else [
                    (labels.label(part, lang), number(x, lang)) for part, x in v.parts],
            })
        shown.append({
            "d": d,
            "id": d.key,
            "name": d.label(lang),
            "name_lang": _other(ind.language_of(d.name, lang)),
            "unit": ind.pick(d.unit, lang) or None,
            "unit_lang": _other(ind.language_of(d.unit, lang)),
            "baseline": number(d.baseline, lang) if d.baseline is not None else None,
            "target": number(d.target, lang) if d.target is not None else None,
            "query_href": f"/api/queries/{d.query}" if d.query and ind.named_query(d.query) else None,
            "chart": chart(d, years, {y: v for y, v in values.items() if y in years}),
            "rows": rows,
            "has_parts": any(r["parts"] for r in rows),
            "has_history": any(r["history"] for r in rows),
            "actions": [{"href": labels.href(a, _store().base), "name": ind.pick(names.get(a, {}), lang)
                         or a.rsplit("#", 1)[-1]} for a in d.actions],
        })
    return render_template(
        "monitoring.html",
        f=f,
        programme_name=ind.pick(f.programme.name, lang) or f.programme.key,
        programme_href=f"/programme/{f.programme.key}",
        programmes=[{"key": p.key, "text": ind.pick(p.name, lang) or p.key,
                     "lang": _other(ind.language_of(p.name, lang))} for p in f.all_programmes],
        year_options=_years(f.programme, []),
        forms=_options(ind.FORM_SCHEME),
        areas=_options(ind.AREA_SCHEME),
        shown=shown,
        left_out=[{"name": d.label(lang), "name_lang": _other(ind.language_of(d.name, lang))}
                  for d in left_out],
        programme_lang=_other(ind.language_of(f.programme.name, lang)),
        downloads={ext: f.url(f"/monitoring.{ext}") for ext in ("csv", "ttl", "jsonld")},
        form_label=labels.label(f.form, lang) if f.form else None,
        area_label=labels.label(f.area, lang) if f.area else None,
    )


# -- downloads --------------------------------------------------------------------------------


def _csv_safe(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


@bp.get("/monitoring.csv")
def csv_download():
    f = filters()
    _, found = _read(f)
    rows = ind.records(_store(), f.programme.key, f.year, form=f.form, area=f.area, lang=_lang(), found=found)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ind.COLUMNS)
    for r in rows:
        writer.writerow([_csv_safe("" if r[c] is None else str(r[c])) for c in ind.COLUMNS])
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="monitoring-{f.programme.key}.csv"'
    return response


def cube(f: Filters, found: list[ind.Value]) -> list[ox.Triple]:
    """The Data Cube of the values shown: the structures, the data sets, the observations of
    the values (and of their parts) and the indicators' names."""
    store = _store()
    raw = store.raw
    base = store.base.rstrip("/")
    graph = ox.NamedNode(ind.indicators_graph(base))
    programme_graph = ox.NamedNode(graph_iri(base, "programme", f.programme.key))
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    out: list[ox.Triple] = []

    def copy(subject, graph_name) -> None:
        for q in raw.quads_for_pattern(subject, None, None, graph_name):
            out.append(ox.Triple(q.subject, q.predicate, q.object))

    def structure(iri: str) -> None:
        node = ox.NamedNode(iri)
        copy(node, ontology)
        for q in raw.quads_for_pattern(node, ox.NamedNode(str(QB.component)), None, ontology):
            copy(q.object, ontology)
            for c in raw.quads_for_pattern(q.object, None, None, ontology):
                if isinstance(c.object, ox.NamedNode) and c.predicate.value.startswith(str(QB)):
                    for t in raw.quads_for_pattern(c.object, None, None, ontology):
                        if t.predicate.value in (ind.TYPE, "http://www.w3.org/2000/01/rdf-schema#label",
                                                 "http://www.w3.org/2000/01/rdf-schema#range"):
                            out.append(ox.Triple(t.subject, t.predicate, t.object))

    computed = [v for v in found if v.method == "query"]
    manual = [v for v in found if v.method == "manual"]
    if computed:
        structure(ind.STRUCTURE)
        copy(ox.NamedNode(ind.dataset_iri(base, f.programme.key)), graph)
    stored = {o.iri: o for o in ind.observations(store)} if computed else {}
    by_dims = {o.dims: o for o in stored.values() if o.superseded_by is None}
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    for v in computed:
        if v.observation:
            copy(ox.NamedNode(v.observation), graph)
            for part, _ in v.parts:
                o = by_dims.get((v.indicator, v.year, ind.TOTAL, ind.TOTAL, part))
                if o is not None:
                    copy(ox.NamedNode(o.iri), graph)
        else:  # a value computed for this answer (a form and an area together)
            dims = (v.indicator, v.year, v.form or ind.TOTAL, v.area or ind.TOTAL, ind.TOTAL)
            digest = hashlib.sha256(repr(dims).encode()).hexdigest()[:20]
            out += ind.observation_triples(f"{graph.value}#now-{digest}",
                                            ind.dataset_iri(base, f.programme.key), dims, v.value,
                                            v.computed_at or stamp, v.source or "")
    if manual:
        structure(ind.DOCUMENT_STRUCTURE)
        datasets = set()
        for v in manual:
            copy(ox.NamedNode(v.observation), programme_graph)
            for q in raw.quads_for_pattern(ox.NamedNode(v.observation), ox.NamedNode(str(QB.dataSet)), None,
                                           programme_graph):
                datasets.add(q.object)
        for d in datasets:
            copy(d, programme_graph)
    for d in ind.definitions(store, f.programme.key):
        if any(v.indicator == d.iri for v in found):
            node = ox.NamedNode(d.iri)
            out.append(ox.Triple(node, ox.NamedNode(ind.TYPE), ox.NamedNode(ind.P + "Indicator")))
            for lang, text in d.name.items():
                out.append(ox.Triple(node, ox.NamedNode(str(SCHEMA.name)), ox.Literal(text, language=lang or None)))
    return list(dict.fromkeys(out))


@bp.get("/monitoring.<ext>")
def cube_download(ext: str):
    if ext not in RDF_FORMATS:
        abort(404, description=_t("Pobieranie: .csv, .ttl albo .jsonld.", "Downloads: .csv, .ttl or .jsonld."))
    f = filters()
    _, found = _read(f)
    prefixes = OUTPUT_PREFIXES if ext == "ttl" else None
    body = ox.serialize(cube(f, found), format=RDF_FORMATS[ext], prefixes=prefixes)
    response = Response(body, content_type=content_type(ext))
    response.headers["Link"] = f'<{f.url("/monitoring")}>; rel="alternate"; type="text/html"'
    return response
