"""The lists: ``/entities``, ``/offers``, ``/opportunities``, ``/actions`` with their ``.csv`` and
``.json`` twins, ``/opportunities.atom``, the search across kinds ``/search``, and the home page.

HTML, JSON and CSV take the same parameters (``q``, ``sort``, ``page``, ``per`` and one per facet,
repeatable). JSON gives one page with the facet counts; CSV gives every match in the list's order
(a spreadsheet wants them all); Atom gives the 50 newest matches.

Rows of documents harvested from other registries link to their local page,
``/harvested/{kind}/{key}?source={their base}`` (``page_href``), and say where they come from
(``source`` in JSON and CSV, a badge in HTML). The CSV bulk downloads hold this registry's rows only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    stream_with_context,
)
from werkzeug.datastructures import MultiDict

from .. import labels
from ..errors import UsageError
from ..ingest import publisher_iri
from ..listing import LISTS, SORT_LABELS, ListResult, Params, parse_params, run_list
from ..namespaces import VOCAB_BASE
from ..search import LOCAL, Hit, Index, Source
from .i18n import lang as _lang

bp = Blueprint("lists", __name__)

ATOM_ENTRIES = 50
FACET_LIMIT = 10  # facet values shown before "show all"
SEARCH_KINDS = ("offers", "entities", "opportunities", "actions")


def index() -> Index:
    return current_app.extensions["registry.search"]


def _base() -> str:
    return current_app.extensions["registry.settings"].base


def _sources(idx: Index | None = None) -> dict[str, Source]:
    """The registries the index holds rows of (``Index.sources``), read once per request."""
    idx = idx or index()
    if not has_request_context():
        return idx.sources()
    cached = g.get("_registry_sources")
    if cached is None or cached[0] is not idx:
        cached = g._registry_sources = (idx, idx.sources())
    return cached[1]


def _harvested_bases(idx: Index | None = None) -> tuple[str, ...]:
    return tuple(s.base for s in _sources(idx).values() if not s.local)


def page_href(iri: str, idx: Index | None = None, base: str | None = None) -> str:
    """Where an IRI is shown on this site: an instance of this registry at ``/{kind}/{key}``, one
    of a harvested registry at ``/harvested/{kind}/{key}?source=...``, shared terms on their pages,
    anything else as it is (template global)."""
    return labels.href(str(iri), base or _base(), _harvested_bases(idx))


def hit_href(h: Hit, idx: Index | None = None, base: str | None = None) -> str:
    """The address of a row's page on this site (template global)."""
    return page_href(h.iri, idx, base)


def source_of(h: Hit, idx: Index | None = None, lang: str | None = None) -> dict | None:
    """Where a harvested row comes from (value, base, label), None for this registry's own rows
    (template global)."""
    idx = idx or index()
    if h.base == idx.store.base:
        return None
    found = _sources(idx).get(h.base)
    label = found.label(lang or _lang()) if found else h.base
    return {"value": h.base, "base": h.base, "label": label}


def page_url(path: str, params: Params, **changes) -> str:
    """The address of a list with some parameters changed (None removes one)."""
    args: list[tuple[str, str]] = []
    values = {"q": params.q or None, "sort": params.sort, "page": params.page, "per": params.per,
              "more": None}
    values.update(changes)
    if values.get("sort") in ("relevance",) and not values.get("q"):
        values["sort"] = None
    for name in ("q", "sort", "per", "page", "more"):
        v = values.get(name)
        if v is None or (name == "page" and v == 1) or (name == "per" and v == 20):
            continue
        args.append((name, str(v)))
    filters = changes.get("filters", params.filters)
    for name, vs in filters.items():
        args += [(name, v) for v in vs]
    return path + ("?" + urlencode(args) if args else "")


def _without(filters: dict[str, list[str]], name: str, value: str) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in filters.items()}
    out[name] = [v for v in out.get(name, []) if v != value]
    if not out[name]:
        del out[name]
    return out


def _names(iris, idx: Index | None = None, lang: str | None = None) -> dict[str, str]:
    """Display names of instances (from the index), in the interface language."""
    out = {}
    lang = lang or _lang()
    idx = idx or index()
    for iri in iris:
        if iri and iri not in out:
            hit = idx.hit(iri)
            out[iri] = (hit.names.get(lang) or hit.name) if hit else labels.local_name(iri)
    return out


def _linked(hits: list[Hit], idx: Index | None = None, lang: str | None = None) -> dict[str, str]:
    iris = set()
    for h in hits:
        d = h.data
        iris.update(x for x in (d.get("entity"), d.get("publisher"), d.get("unit"), d.get("unitOf"),
                                d.get("answers")) if x)
        iris.update(d.get("partners") or [])
    return _names(iris, idx, lang)


def _run(path: str, *, all_ids: bool = False) -> ListResult:
    spec = LISTS[path]
    try:
        params = parse_params(spec, request.args)
    except UsageError as e:
        abort(400, description=str(e))
    return run_list(index(), spec, params, _lang(), all_ids=all_ids)


def _params(result: ListResult) -> Params:
    return Params(result.q, result.sort, result.page, result.per, result.filters)


@bp.get("/entities")
@bp.get("/offers")
@bp.get("/opportunities")
@bp.get("/actions")
def list_page():
    path = request.path.strip("/")
    result = _run(path)
    params = _params(result)
    lang = _lang()
    points = []
    if path == "entities":
        points = [{"lat": h.data["lat"], "lon": h.data["lon"], "name": h.names.get(lang) or h.name,
                   "href": hit_href(h)} for h in result.hits if h.data.get("lat") is not None]
    expand = request.args.get("more")
    if expand is not None and expand not in {f.name for f in result.spec.facets}:
        abort(400, description=f"more: the name of a facet of this list, not {expand!r}.")
    return render_template(
        "list.html", r=result, path=path, params=params, expand=expand, facet_limit=FACET_LIMIT, url=lambda **c: page_url("/" + path, params, **c),
        without=_without, linked=_linked(result.hits), sorts=[(s, SORT_LABELS[s][0 if lang == "pl" else 1])
                                                              for s in result.spec.sorts if s != "relevance" or result.q],
        points=points, today=dt.date.today().isoformat(),
        twins={"json": page_url(f"/{path}.json", params), "csv": page_url(f"/{path}.csv", params, page=None, per=None),
               **({"atom": page_url("/opportunities.atom", params, page=None, per=None, sort=None)}
                  if path == "opportunities" else {})},
    )


def _item(h: Hit, linked: dict[str, str], lang: str) -> dict:
    """One hit as JSON: its IRI and page, name, source, and data with concept labels."""
    base = _base()
    idx = index()
    item = {"iri": h.iri, "key": h.key, "page": _absolute(hit_href(h, idx, base), base),
            "name": h.names.get(lang) or h.name}
    found = source_of(h, idx, lang)
    item["source"] = ({"value": found["value"], "label": found["label"], "original": f"{h.base}/{h.kind}/{h.key}"}
                      if found else {"value": LOCAL, "label": _sources(idx)[LOCAL].label(lang)})
    starts = (VOCAB_BASE, base + "/id/", *(b + "/id/" for b in _harvested_bases(idx)))
    for k, v in _data(h).items():
        if isinstance(v, str) and v.startswith(starts):
            item[k] = {"iri": v, "label": linked.get(v) or labels.label(v, lang)}
        elif isinstance(v, list) and v and all(isinstance(x, str) for x in v) and any(
                x.startswith(starts) for x in v):
            item[k] = [{"iri": x, "label": linked.get(x) or labels.label(x, lang)} for x in v]
        else:
            item[k] = v
    return item


def _absolute(href: str, base: str) -> str:
    return base + href if href.startswith("/") else href


def _data(h: Hit) -> dict:
    """A row's data for JSON and CSV: an opportunity's announcement (``foaf:page``) is
    ``announcement``, so that ``page`` is always the row's page on this site."""
    d = dict(h.data)
    if "page" in d:
        d["announcement"] = d.pop("page")
    return d


@bp.get("/entities.json")
@bp.get("/offers.json")
@bp.get("/opportunities.json")
@bp.get("/actions.json")
def list_json():
    path = request.path.strip("/").rsplit(".", 1)[0]
    result = _run(path)
    params = _params(result)
    lang = _lang()
    linked = _linked(result.hits)
    base = _base()
    body = {
        "total": result.total, "page": result.page, "per": result.per, "pages": result.pages,
        "q": result.q, "sort": result.sort, "filters": result.filters,
        "items": [_item(h, linked, lang) for h in result.hits],
        "facets": {f.spec.name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                                 for v in f.values] for f in result.facets},
        "links": {
            "self": base + page_url(f"/{path}.json", params),
            "html": base + page_url(f"/{path}", params),
            "csv": base + page_url(f"/{path}.csv", params, page=None, per=None),
            **({"next": base + page_url(f"/{path}.json", params, page=result.page + 1)}
               if result.page < result.pages else {}),
            **({"prev": base + page_url(f"/{path}.json", params, page=result.page - 1)}
               if result.page > 1 else {}),
        },
    }
    response = current_app.json.response(body)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


CSV_COLUMNS = {
    "entities": ["iri", "name", "legalForm", "unitOf", "unitOfName", "address", "cityPart", "district", "nip", "email",
                 "telephone", "url", "status", "publicTaskArea", "art94", "offers", "modified", "page", "source",
                 "sourceName"],
    "offers": ["iri", "name", "entity", "entityName", "cpv", "category", "areaServed", "minPrice",
               "maxPrice", "currency", "unitText", "priceOnRequest", "capacity", "declaredFit", "art94",
               "page", "source", "sourceName"],
    "opportunities": ["iri", "name", "kind", "status", "publisher", "publisherName", "issued", "deadline", "budget",
                      "currency", "publicTaskArea", "cpv", "announcement", "page", "source", "sourceName"],
    "actions": ["iri", "name", "form", "mode", "partners", "partnersName", "unit", "unitName", "start", "end", "amount",
                "beneficiaries", "answers", "page", "source", "sourceName"],
}


def _cell(value, linked: dict[str, str], lang: str, base: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "; ".join(_cell(v, linked, lang, base) for v in value)
    text = str(value)
    if text.startswith(VOCAB_BASE):
        return labels.label(text, lang)
    return text


@bp.get("/entities.csv")
@bp.get("/offers.csv")
@bp.get("/opportunities.csv")
@bp.get("/actions.csv")
def list_csv():
    path = request.path.strip("/").rsplit(".", 1)[0]
    result = _run(path, all_ids=True)
    ids = [int(i) for i in result.ids] if result.ids is not None else []
    rows = csv_rows(index(), path, ids, _lang(), _base())
    response = Response(stream_with_context(rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{path}.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def csv_rows(idx: Index, path: str, ids: list[int], lang: str, base: str) -> Iterator[str]:
    """The CSV of a list (``path``: entities, offers, ...) of the rows ``ids``, in that order, in
    pieces of 500 rows. ``source`` is the base of the registry a row comes from (this one's or a
    harvested one's), ``sourceName`` that registry's name."""
    columns = CSV_COLUMNS[path]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    sources = idx.sources()
    harvested = tuple(s.base for s in sources.values() if not s.local)
    for start in range(0, len(ids), 500):
        hits = idx.hits(ids[start:start + 500])
        linked = _linked(hits, idx, lang)
        for h in hits:
            origin = sources.get(LOCAL if h.base == idx.store.base else h.base)
            d = {"iri": h.iri, "name": h.names.get(lang) or h.name,
                 "page": _absolute(labels.href(h.iri, base, harvested), base), **_data(h),
                 "source": h.base, "sourceName": origin.label(lang) if origin else h.base}
            for link in ("unitOf", "publisher", "unit", "partners"):
                if d.get(link):
                    v = d[link]
                    d[link + "Name"] = [linked.get(x, "") for x in v] if isinstance(v, list) else linked.get(v, "")
            writer.writerow([_csv_safe(_cell(d.get(c), linked, lang, base)
                                       if c not in ("iri", "page", "url", "source", "announcement")
                                       else (d.get(c) or "")) for c in columns])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if not ids:
        yield out.getvalue()


def full_csv(idx: Index, path: str, lang: str, base: str) -> Iterator[str]:
    """The CSV of a whole list in its default order, this registry's rows only (for the bulk
    downloads, which describe this registry; harvested data is its publisher's to publish)."""
    spec = LISTS[path]
    result = run_list(idx, spec, parse_params(spec, MultiDict({"source": LOCAL})), lang, all_ids=True,
                      with_facets=False)
    ids = [int(i) for i in result.ids] if result.ids is not None else []
    return csv_rows(idx, path, ids, lang, base)


def _csv_safe(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


@bp.get("/opportunities.atom")
def opportunities_atom():
    spec = LISTS["opportunities"]
    try:
        params = parse_params(spec, request.args)
    except UsageError as e:
        abort(400, description=str(e))
    params.sort, params.page, params.per = "newest", 1, ATOM_ENTRIES
    result = run_list(index(), spec, params, _lang(), with_facets=False)
    lang = _lang()
    base = _base()
    linked = _linked(result.hits)
    self_url = base + page_url("/opportunities.atom", params, page=None, per=None, sort=None)
    html_url = base + page_url("/opportunities", params, page=None, per=None, sort=None)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    title = "Możliwości współpracy — Toruń" if lang == "pl" else "Cooperation opportunities — Toruń"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="', lang, '">\n',
        f"<title>{xml_escape(title)}</title>\n<id>{xml_escape(self_url)}</id>\n",
        f'<link rel="self" type="application/atom+xml" href="{xml_escape(self_url)}"/>\n',
        f'<link rel="alternate" type="text/html" href="{xml_escape(html_url)}"/>\n',
        f"<updated>{now}</updated>\n<author><name>{xml_escape(publisher_name())}</name></author>\n",
    ]
    for h in result.hits:
        d = h.data
        day = d.get("issued") or d.get("deadline") or dt.date.today().isoformat()
        facts = [labels.label(d["kind"], lang)] if d.get("kind") else []
        if d.get("deadline"):
            facts.append(("termin: " if lang == "pl" else "deadline: ") + d["deadline"])
        if d.get("publisher"):
            facts.append(linked.get(d["publisher"], ""))
        if d.get("budget"):
            facts.append(f"{d['budget']} {d.get('currency') or ''}".strip())
        parts += [
            "<entry>\n", f"<title>{xml_escape(h.names.get(lang) or h.name)}</title>\n",
            f"<id>{xml_escape(h.iri)}</id>\n",
            f'<link rel="alternate" type="text/html" href="{xml_escape(_absolute(hit_href(h), base))}"/>\n',
            f"<updated>{xml_escape(day)}T00:00:00Z</updated>\n",
            f"<summary>{xml_escape(' · '.join(f for f in facts if f))}</summary>\n",
            *[f'<category term="{xml_escape(labels.local_name(a))}" label="{xml_escape(labels.label(a, lang))}"/>\n'
              for a in d.get("publicTaskArea") or []],
            "</entry>\n",
        ]
    parts.append("</feed>\n")
    response = Response("".join(parts), content_type="application/atom+xml; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def publisher_name() -> str:
    """The name of the organisation that publishes the registry (its unit document)."""
    settings = current_app.extensions["registry.settings"]
    iri = publisher_iri(settings.base, settings.publisher)
    return _names([iri]).get(iri) or settings.publisher


@bp.get("/search")
def search():
    q = (request.args.get("q") or "").strip()
    groups = []
    if q:
        for path in SEARCH_KINDS:
            spec = LISTS[path]
            try:
                params = parse_params(spec, MultiDict({"q": q}))
            except UsageError as e:
                abort(400, description=str(e))
            params.per = 5
            result = run_list(index(), spec, params, _lang(), with_facets=False)
            groups.append((path, result, page_url("/" + path, params, per=None)))
    return render_template("search.html", q=q, groups=groups,
                           linked=_linked([h for _, r, _ in groups for h in r.hits]))


@bp.get("/")
def home():
    idx = index()
    spec = LISTS["opportunities"]
    params = Params("", "newest", 1, 6, {"open": ["open"]})
    newest = run_list(idx, spec, params, _lang(), with_facets=False)
    counts = {k: idx.count(k) for k in ("entity", "offer", "opportunity", "action")}
    # /programme shows this registry's programmes only
    counts.update({k: len(idx.local_ids(k)) for k in ("programme", "unit")})
    return render_template("home.html", counts=counts, newest=newest, open_total=newest.total,
                           linked=_linked(newest.hits), today=dt.date.today().isoformat())


def opportunity_matches(entity_iri: str) -> dict:
    """For an entity page: the open calls that fit it (template global)."""
    from ..listing import opportunities_for_entity

    total, matches = opportunities_for_entity(index(), entity_iri)
    return {"total": total, "matches": matches, "linked": _linked([m.hit for m in matches]),
            "today": dt.date.today().isoformat()}


def entity_matches(opportunity_iri: str) -> dict:
    """For an opportunity page: the entities that could answer it (template global)."""
    from ..listing import entities_for_opportunity

    total, matches, reserved = entities_for_opportunity(index(), opportunity_iri)
    hit = index().hit(opportunity_iri)
    filters: list[tuple[str, str]] = []
    if hit is not None:
        values = index().facet_values_of(hit.id)
        filters += [("cpvDivision", v) for v in sorted(values.get("cpvDivision", ()))]
        if reserved:
            filters.append(("art94", "1"))
    return {"total": total, "matches": matches, "reserved": reserved,
            "linked": _linked([m.hit for m in matches]), "today": dt.date.today().isoformat(),
            "list_url": "/entities" + ("?" + urlencode(filters) if filters else "")}


def list_items(hits: list[Hit], base: str, lang: str, start: int) -> list[dict]:
    """schema.org ListItems of a page of hits (for the page's JSON-LD)."""
    return [{"@type": "ListItem", "position": start + n + 1, "url": _absolute(hit_href(h, base=base), base),
             "name": h.names.get(lang) or h.name} for n, h in enumerate(hits)]


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals.update(opportunity_matches=opportunity_matches,
                                       entity_matches=entity_matches, page_href=page_href,
                                       hit_href=hit_href, source_of=source_of)
    state.app.jinja_env.filters["list_items"] = list_items
