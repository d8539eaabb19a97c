"""Lists of entities, offers, opportunities and actions: parameters, filters, facet counts, pages.

One ``ListSpec`` per list says which facets it has and how it sorts. ``run_list`` turns request
parameters into a ``ListResult`` (the page of hits, the total, every facet's values with counts);
the HTML, JSON, CSV and Atom forms are all made from it, so they always agree.

Facets are disjunctive within one facet (``cityPart=a&cityPart=b``: either) and conjunctive
across facets; each facet's counts are computed with the other facets' filters applied, so a
count says what ticking that value would add.

Every list holds this registry's documents and those harvested from other registries; the facet
``source`` tells them apart (``source=local``, or ``source=`` the base of a harvested registry).
Without a filter a list shows all of them, this registry's first among rows equally relevant.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyoxigraph as ox
from pyroaring import BitMap

from .errors import UsageError
from .labels import terms
from .namespaces import VOCAB_BASE
from .queries import concept_keys
from .search import ART94_FORMS, CHUNK, CLOSED_STATUSES, LOCAL, Hit, Index, Source


@dataclass(frozen=True)
class FacetSpec:
    name: str
    pl: str
    en: str
    schemes: tuple[str, ...] = ()  # concept schemes of the values ("" = not concepts)
    values: str = "concept"  # concept, bool, unit, year, computed, source
    implicit: str | None = None  # a value that matches every filter of this facet ("*")
    collapsed: bool = False  # many values: shown in a closed <details>


@dataclass(frozen=True)
class ListSpec:
    path: str
    kind: str
    pl: str
    en: str
    facets: tuple[FacetSpec, ...]
    sorts: tuple[str, ...]
    default_sort: str


CPV_DIVISION = FacetSpec("cpvDivision", "Dział CPV", "CPV division", ("cpv",))
CPV = FacetSpec("cpv", "Kod CPV", "CPV code", ("cpv",), collapsed=True)
AREA = FacetSpec("area", "Obszar zadań publicznych", "Public-task area", ("public-task-area",),
                 collapsed=True)
LEGAL_FORM = FacetSpec("legalForm", "Forma prawna", "Legal form", ("legal-form", "unit-type"))
ART94 = FacetSpec("art94", "Zamówienie zastrzeżone (art. 94 Pzp)", "Reserved contract (art. 94)",
                  values="bool")
SOURCE = FacetSpec("source", "Źródło", "Source", values="source")

LISTS: dict[str, ListSpec] = {
    "entities": ListSpec(
        "entities", "entity", "Podmioty ekonomii społecznej", "Social economy entities",
        (LEGAL_FORM, FacetSpec("status", "Status", "Status", ("status-type",)),
         FacetSpec("cityPart", "Część miasta", "City part", ("city-part",), collapsed=True),
         FacetSpec("district", "Okręg", "District", ("district",), collapsed=True),
         CPV_DIVISION, CPV, AREA, ART94, SOURCE),
        ("relevance", "name", "newest"), "name"),
    "offers": ListSpec(
        "offers", "offer", "Oferta PES", "PES offers",
        (CPV_DIVISION, CPV, FacetSpec("category", "Kategoria", "Category", ("offer-category",)),
         FacetSpec("cityPart", "Obszar działania", "Area served", ("city-part",), implicit="*",
                   collapsed=True),
         LEGAL_FORM, ART94, SOURCE),
        ("relevance", "name", "newest"), "name"),
    "opportunities": ListSpec(
        "opportunities", "opportunity", "Możliwości współpracy", "Cooperation opportunities",
        (FacetSpec("open", "Nabór", "Call", values="computed"),
         FacetSpec("deadline", "Termin", "Deadline", values="computed"),
         FacetSpec("kind", "Rodzaj", "Kind", ("cooperation-instrument",)),
         AREA, CPV_DIVISION, CPV,
         FacetSpec("status", "Etap", "Stage", ("opportunity-status",)),
         FacetSpec("publisher", "Ogłaszający", "Published by", values="unit", collapsed=True),
         FacetSpec("reserved", "Zamówienie zastrzeżone (art. 94 Pzp)", "Reserved contract (art. 94)",
                   values="bool"),
         SOURCE),
        ("relevance", "deadline", "newest", "name"), "deadline"),
    "actions": ListSpec(
        "actions", "action", "Współpraca zrealizowana", "Cooperation done",
        (FacetSpec("form", "Forma współpracy", "Form of cooperation", ("cooperation-instrument",)),
         FacetSpec("mode", "Tryb", "Mode", ("mode",)),
         AREA,
         FacetSpec("year", "Rok", "Year", values="year", collapsed=True),
         FacetSpec("unit", "Jednostka miasta", "City unit", values="unit", collapsed=True),
         SOURCE),
        ("relevance", "newest", "oldest", "name"), "newest"),
}

SORT_LABELS = {
    "relevance": ("trafność", "relevance"), "name": ("nazwa", "name"),
    "newest": ("najnowsze", "newest"), "oldest": ("najstarsze", "oldest"),
    "deadline": ("najbliższy termin", "nearest deadline"),
}
COMPUTED_LABELS = {
    ("open", "open"): ("otwarte", "open"), ("open", "closed"): ("zakończone", "closed"),
    ("deadline", "week"): ("do 7 dni", "within 7 days"),
    ("deadline", "month"): ("8–30 dni", "8–30 days"),
    ("deadline", "later"): ("ponad 30 dni", "over 30 days"),
    ("deadline", "none"): ("bez terminu", "no deadline"),
    ("deadline", "past"): ("minął", "passed"),
}
BOOL_LABELS = ("tak", "yes")
PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 200
MAX_PAGE = 100_000
# A unit of another registry is named by its IRI (one of this registry by its key); a source is
# ``local`` or the base of a harvested registry.
_UNIT_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]{1,300}/id/unit/[a-z0-9][a-z0-9-]{0,79}$")
_SOURCE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]{1,300}$")


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    spec: FacetSpec
    label: str
    values: list[FacetValue]
    selected: list[str]


@dataclass
class ListResult:
    spec: ListSpec
    q: str
    sort: str
    page: int
    per: int
    total: int
    hits: list[Hit]
    facets: list[FacetResult]
    filters: dict[str, list[str]]
    ids: np.ndarray | None = field(default=None, repr=False)  # every match, in order

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per))


@dataclass
class Params:
    q: str
    sort: str
    page: int
    per: int
    filters: dict[str, list[str]]


@lru_cache(maxsize=64)
def _keys(scheme: str) -> frozenset[str]:
    return concept_keys(scheme)


def parse_params(spec: ListSpec, args) -> Params:
    """Check the parameters of a list request; a bad one raises ``UsageError`` naming it."""
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise UsageError(f"q: at most {MAX_QUERY_CHARS} characters.")
    sort = args.get("sort") or ("relevance" if q else spec.default_sort)
    if sort not in spec.sorts:
        raise UsageError(f"sort: one of {', '.join(spec.sorts)}, not {sort!r}.")
    if sort == "relevance" and not q:
        sort = spec.default_sort
    page = whole_number(args.get("page"), "page", 1, MAX_PAGE, 1)
    per = whole_number(args.get("per"), "per", 1, MAX_PER_PAGE, PER_PAGE)
    filters: dict[str, list[str]] = {}
    for facet in spec.facets:
        values = [v for v in args.getlist(facet.name) if v != ""]
        if not values:
            continue
        for v in values:
            _check_value(facet, v)
        filters[facet.name] = list(dict.fromkeys(values))
    return Params(q, sort, page, per, filters)


def whole_number(text, name: str, low: int, high: int, default: int) -> int:
    """A whole-number parameter within bounds (``default`` when absent); ``UsageError`` names it."""
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name}: a whole number from {low} to {high}, not {text!r}.") from None
    if not low <= value <= high:
        raise UsageError(f"{name}: a whole number from {low} to {high}, not {text!r}.")
    return value


def _check_value(facet: FacetSpec, value: str) -> None:
    ok = True
    if facet.values == "concept":
        ok = any(value in _keys(s) for s in facet.schemes)
    elif facet.values == "bool":
        ok = value == "1"
    elif facet.values == "year":
        ok = value.isdigit() and len(value) == 4
    elif facet.values == "unit":
        ok = (0 < len(value) <= 80 and all(c.isalnum() or c == "-" for c in value)) or bool(_UNIT_IRI.match(value))
    elif facet.values == "source":
        ok = value == LOCAL or bool(_SOURCE_IRI.match(value))
    elif facet.values == "computed":
        ok = (facet.name, value) in COMPUTED_LABELS
    if not ok:
        raise UsageError(f"{facet.name}: unknown value {value!r}.")


def value_label(index: Index, facet: FacetSpec, value: str, lang: str,
                sources: dict[str, Source] | None = None) -> str:
    """The label of a facet value (``sources``: ``index.sources()``, when the caller has it)."""
    i = 0 if lang == "pl" else 1
    if facet.values == "computed":
        return COMPUTED_LABELS[(facet.name, value)][i]
    if facet.values == "bool":
        return BOOL_LABELS[i]
    if facet.values == "year":
        return value
    if facet.values == "unit":
        iri = value if ":" in value else f"{index.store.base}/id/unit/{value}"
        hit = index.hit(iri)
        if hit is None:
            return value
        name = hit.names.get(lang) or hit.name
        if ":" in value:  # another registry's unit: say which
            source = (index.sources() if sources is None else sources).get(hit.base)
            return f"{name} ({source.label(lang)})" if source else name
        return name
    if facet.values == "source":
        source = (index.sources() if sources is None else sources).get(value)
        return source.label(lang) if source else value
    if value == "*":
        return "całe miasto" if lang == "pl" else "the whole city"
    all_terms = terms()
    for scheme in facet.schemes:
        term = all_terms.get(f"{VOCAB_BASE}{scheme}/{value}")
        if term:
            label = term.label(lang)
            if scheme == "cpv":
                return f"{value[:8] if facet.name == 'cpv' else value[:2]} {label}"
            return label
    return value


def _computed_bitmaps(index: Index, spec: ListSpec, today: dt.date) -> dict[str, dict[str, BitMap]]:
    """Facets of opportunities that depend on the day: open or closed, and time to the deadline
    (computed once per day and index generation)."""
    if spec.kind != "opportunity":
        return {}
    stamp = (index.generation, today)
    cached = getattr(index, "_day_facets", None)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    computed = _compute_day_facets(index, today)
    index._day_facets = (stamp, computed)
    return computed


def _compute_day_facets(index: Index, today: dt.date) -> dict[str, dict[str, BitMap]]:
    statuses = index.facet_bitmaps("opportunity", "status")
    closed = BitMap()
    for s in CLOSED_STATUSES:
        closed |= statuses.get(s, BitMap())
    cancelled = statuses.get("anulowana", BitMap())
    every = index.kind_ids("opportunity")
    deadlines = index.deadlines()
    day = today.isoformat()
    week = (today + dt.timedelta(days=7)).isoformat()
    month = (today + dt.timedelta(days=30)).isoformat()
    buckets = {"week": BitMap(), "month": BitMap(), "later": BitMap(), "past": BitMap()}
    with_deadline = BitMap()
    open_ids = BitMap()
    for i, d in deadlines.items():
        if i not in every:
            continue
        with_deadline.add(i)
        if d < day:
            buckets["past"].add(i)
            continue
        open_ids.add(i)
        buckets["week" if d <= week else "month" if d <= month else "later"].add(i)
    no_deadline = every - with_deadline
    open_ids = (open_ids | (no_deadline - closed)) - cancelled
    buckets["none"] = no_deadline
    return {"open": {"open": open_ids, "closed": every - open_ids}, "deadline": buckets}


def run_list(index: Index, spec: ListSpec, params: Params, lang: str, *, all_ids: bool = False,
             today: dt.date | None = None, with_facets: bool = True) -> ListResult:
    """The page of a list asked for by ``params`` (and, with ``all_ids``, every match in order;
    without ``with_facets``, no facet counts)."""
    index.ensure_current()
    today = today or dt.date.today()
    kind = spec.kind
    candidates = BitMap(index.kind_ids(kind))
    found = index.text_search(kind, params.q) if params.q else None
    if found is not None:
        candidates = found[0]
    computed = _computed_bitmaps(index, spec, today)

    def bitmaps(facet: FacetSpec) -> dict[str, BitMap]:
        return computed.get(facet.name) or index.facet_bitmaps(kind, facet.name)

    filters: dict[str, BitMap] = {}
    for facet in spec.facets:
        chosen = params.filters.get(facet.name)
        if not chosen:
            continue
        maps = bitmaps(facet)
        union = BitMap()
        for v in chosen:
            union |= maps.get(v, BitMap())
        if facet.implicit:
            union |= maps.get(facet.implicit, BitMap())
        filters[facet.name] = union

    result = candidates
    for bm in filters.values():
        result = result & bm

    facets = []
    sources = index.sources() if with_facets else {}
    for facet in spec.facets if with_facets else ():
        others = candidates
        for name, bm in filters.items():
            if name != facet.name:
                others = others & bm
        maps = bitmaps(facet)
        implicit = maps.get(facet.implicit, BitMap()) if facet.implicit else None
        chosen = params.filters.get(facet.name, [])
        values = []
        for value, bm in maps.items():
            if value == facet.implicit:
                continue
            n = bm.intersection_cardinality(others)
            if implicit is not None and n:
                n = (bm | implicit).intersection_cardinality(others)
            if n or value in chosen:
                values.append(FacetValue(value, value_label(index, facet, value, lang, sources), n,
                                         value in chosen))
        for value in chosen:
            if value not in maps:
                values.append(FacetValue(value, value_label(index, facet, value, lang, sources), 0, True))
        if facet.values == "computed":
            order = [v for f, v in COMPUTED_LABELS if f == facet.name]
            values.sort(key=lambda fv: order.index(fv.value))
        elif facet.values == "year":
            values.sort(key=lambda fv: fv.value, reverse=True)
        elif facet.values == "source":  # this registry first, then the others by name
            values.sort(key=lambda fv: (fv.value != LOCAL, fv.label.casefold(), fv.value))
        else:
            values.sort(key=lambda fv: (-fv.count, fv.label.casefold()))
        facets.append(FacetResult(facet, facet.pl if lang == "pl" else facet.en, values, chosen))

    total = len(result)
    start = (params.page - 1) * params.per
    stop = min(total, start + params.per)
    if params.sort == "relevance" and found is None:  # a query without words
        params.sort = spec.default_sort
    sort = "name" if params.sort == "relevance" else params.sort
    if params.sort == "relevance" and found is not None:
        # Relevance: rows with more of the query's words in their name first, then this
        # registry's rows before harvested ones, then by name.
        local = index.local_ids(kind)
        tiers = [part for tier in _tiers(result, found[1]) for part in (tier & local, tier - local) if part]
    else:
        tiers = [result]
    if all_ids:
        ordered = np.array([i for tier in tiers for i in first_rows(index, kind, sort, tier, len(tier))],
                           dtype=np.int64)
        page_ids = ordered[start:stop]
    else:
        ordered = None
        page_ids = []
        skip, want = start, max(0, stop - start)
        for tier in tiers:
            if want <= 0:
                break
            if len(tier) <= skip:
                skip -= len(tier)
                continue
            got = first_rows(index, kind, sort, tier, skip + want)[skip:]
            page_ids += got
            want -= len(got)
            skip = 0
    hits = index.hits([int(i) for i in page_ids])
    return ListResult(spec, params.q, params.sort, params.page, params.per, total, hits, facets,
                      params.filters, ordered)


def _tiers(result: BitMap, in_name: list[BitMap]) -> list[BitMap]:
    """The rows of ``result`` by how many of the query's words their name has, most first."""
    levels = [result]
    for name_rows in in_name:
        new = [BitMap() for _ in range(len(levels) + 1)]
        for j, level in enumerate(levels):
            inside = level & name_rows
            new[j + 1] |= inside
            new[j] |= level - inside
        levels = new
    return [level for level in reversed(levels) if level]


def first_rows(index: Index, kind: str, sort: str, rows: BitMap, n: int) -> list[int]:
    """The first ``n`` ids of ``rows`` in a sort order. A small set is sorted; a large one is
    met by walking the order a chunk at a time, so the cost depends on ``n``, not on the set."""
    if n <= 0 or not rows:
        return []
    ranks = index.order(kind, sort)
    seq, chunks = index.sequence(kind, sort)
    if len(rows) <= 4 * CHUNK or len(rows) * 16 < len(seq):
        ids = np.frombuffer(rows.to_array(), dtype=np.uint32).astype(np.int64)
        inside = ids < len(ranks)
        keys = np.where(inside, ranks[np.where(inside, ids, 0)], np.iinfo(np.int32).max)
        if n < len(ids):
            part = np.argpartition(keys, n - 1)[:n]
            ids, keys = ids[part], keys[part]
        return ids[np.lexsort((ids, keys))][:n].tolist()
    out: list[int] = []
    seen = 0
    for chunk in chunks:
        found = chunk & rows
        if found:
            sel = np.frombuffer(found.to_array(), dtype=np.uint32).astype(np.int64)
            sel = sel[np.argsort(ranks[sel], kind="stable")]
            out += sel[: n - len(out)].tolist()
            seen += len(found)
            if len(out) >= n:
                return out
    if seen < len(rows):  # rows indexed after this order was made: last, by id
        out += list((rows - BitMap(out)))[: n - len(out)] if len(out) < n else []
    return out


# -- matching -------------------------------------------------------------------------------------
#
# An entity fits an opportunity through the CPV codes of its offers, its public-task areas and the
# place it is based; a reserved contract (art. 94 Pzp) is open only to the entities that may take
# one. Each reason carries points; the score is their sum, and the best scores come first. The
# named queries entities_for_opportunity and opportunities_for_entity apply the same rules, the
# same points and the same words (docs/architecture.md, "Matching and evaluation cards").
#
# CPV, for each code of the opportunity, the best of (the entity's offer codes compared with it):
#   cpv          an offer with that code or a narrower one                                8
#   cpvGroup     an offer in the same group: a broader code of it below the division      5
#                (the offer's code is that broader code or another code under it)
#   cpvDivision  an offer in the same division                                            2
# area           each public-task area both name                                          3
# place          based where the task is carried out: the opportunity's city part or      2
#                district (schema:areaServed), else its publisher's (from its address)
# art94          for a reserved contract, why the entity may take it                       0
# Only an entity with a CPV or an area reason is a match; place and art94 only add to it.

MATCH_POINTS = {"cpv": 8, "cpvGroup": 5, "cpvDivision": 2, "area": 3, "place": 2, "art94": 0}
_REASON_ORDER = ("cpv", "cpvGroup", "cpvDivision", "area", "place", "art94")
_SCHEMA = "https://schema.org/"
_PES = "https://w3id.org/pes-registry/ontology#"
_LOCN_ADDRESS = "http://www.w3.org/ns/locn#address"
_PLACE_SCHEMES = {"city-part": "cityPart", "district": "district"}
_REASON_WORDS = {
    "cpv": ("oferta w kodzie CPV ogłoszenia: ", "an offer under the call's CPV code: "),
    "cpvGroup": ("oferta w tej samej grupie CPV: ", "an offer in the same CPV group: "),
    "cpvDivision": ("oferta w tym samym dziale CPV: ", "an offer in the same CPV division: "),
    "area": ("wspólna sfera zadań publicznych: ", "a shared public-task area: "),
    "place": ("siedziba tam, gdzie realizowane jest zadanie: ",
              "based where the task is carried out: "),
    "art94": ("może ubiegać się o zamówienie zastrzeżone (art. 94 Pzp): ",
              "may bid for a reserved contract (art. 94 of the Public Procurement Law): "),
}
_ART94_SHARE = ("co najmniej 30% zatrudnionych to osoby zagrożone wykluczeniem społecznym",
                "at least 30% of its employees are at risk of social exclusion")


@dataclass(frozen=True)
class Reason:
    """One reason an entity and an opportunity fit: its kind, the concept it names (for art94
    the legal form or unit type, or "" for the share of employees at risk) and its points."""

    kind: str
    term: str = ""
    points: int = 0

    def text(self, lang: str = "pl") -> str:
        words = _REASON_WORDS[self.kind][0 if lang == "pl" else 1]
        if self.kind == "art94" and not self.term:
            return words + _ART94_SHARE[0 if lang == "pl" else 1]
        term = terms().get(self.term)
        label = term.label(lang) if term else self.term.rsplit("/", 1)[-1]
        if term and term.notation and self.kind in ("cpv", "cpvGroup", "cpvDivision", "area"):
            return f"{words}{term.notation} {label}"
        return words + label


@dataclass
class Match:
    hit: Hit
    reasons: list[str]  # kinds of reason, best first: cpv, cpvGroup, cpvDivision, area, place, art94
    score: int
    explained: list[Reason] = field(default_factory=list)  # every reason, best first

    def texts(self, lang: str = "pl") -> list[str]:
        return [r.text(lang) for r in self.explained]


@dataclass(frozen=True)
class _CpvCode:
    key: str
    groups: tuple[str, ...]  # broader codes below the division, nearest first
    division: str | None
    is_division: bool


@lru_cache(maxsize=1)
def _cpv_tree() -> dict[str, _CpvCode]:
    """Each CPV code of the shipped scheme (by key) with its broader codes and its division."""
    prefix = VOCAB_BASE + "cpv/"
    parents = {iri[len(prefix):]: (t.broader[0][len(prefix):] if t.broader else None)
               for iri, t in terms().items() if iri.startswith(prefix)}
    out = {}
    for key in parents:
        chain, code, seen = [], parents[key], 0
        while code is not None and seen < 10:
            chain.append(code)
            code, seen = parents.get(code), seen + 1
        division = chain[-1] if chain else key
        out[key] = _CpvCode(key, tuple(chain[:-1]), division, not chain)
    return out


def _facet_values(index: Index, kind: str, iri: str) -> tuple[Hit | None, dict[str, set[str]]]:
    hit = index.hit(iri)
    if hit is None or hit.kind != kind:
        return None, {}
    return hit, index.facet_values_of(hit.id)


def _key_of(iri: str, scheme: str) -> str | None:
    prefix = f"{VOCAB_BASE}{scheme}/"
    return iri[len(prefix):] if iri.startswith(prefix) else None


def _cpv_reason(code: str, covered: set[str], divisions: set[str]) -> Reason | None:
    """How an entity whose offers cover ``covered`` (their codes and broader codes below the
    division) and ``divisions`` fits an opportunity's code."""
    info = _cpv_tree().get(code)
    iri = lambda key: f"{VOCAB_BASE}cpv/{key}"  # noqa: E731
    if info is None:
        return Reason("cpv", iri(code), MATCH_POINTS["cpv"]) if code in covered else None
    if code in covered or (info.is_division and code in divisions):
        return Reason("cpv", iri(code), MATCH_POINTS["cpv"])
    for group in info.groups:
        if group in covered:
            return Reason("cpvGroup", iri(group), MATCH_POINTS["cpvGroup"])
    if info.division and info.division in divisions:
        return Reason("cpvDivision", iri(info.division), MATCH_POINTS["cpvDivision"])
    return None


def _art94_reason(entity: Hit) -> Reason:
    form = entity.data.get("legalForm")
    return Reason("art94", form if form in ART94_FORMS else "", 0)


def _places_of_opportunity(index: Index, hit: Hit) -> list[tuple[str, str, str]]:
    """Where an opportunity's task is carried out, as (entity facet, key, concept IRI): its
    city parts and districts (``schema:areaServed``), else those of its publisher's address.
    Read from the store once per opportunity and index generation (a point look-up)."""
    cache = getattr(index, "_match_places", None)
    if cache is None or cache[0] != index.generation:
        cache = (index.generation, {})
        index._match_places = cache
    places = cache[1].get(hit.iri)
    if places is None:
        raw = index.store.raw

        def objects(subject: str, predicate: str) -> list[str]:
            return [q.object.value for q in raw.quads_for_pattern(
                ox.NamedNode(subject), ox.NamedNode(predicate), None, None)
                if isinstance(q.object, ox.NamedNode)]

        def local(values: list[str]) -> list[tuple[str, str, str]]:
            out = []
            for v in values:
                for scheme, facet in _PLACE_SCHEMES.items():
                    key = _key_of(v, scheme)
                    if key:
                        out.append((facet, key, v))
            return out

        places = local(objects(hit.iri, _SCHEMA + "areaServed"))
        publisher = hit.data.get("publisher")
        if not places and publisher:
            places = local([p for a in objects(publisher, _LOCN_ADDRESS)
                            for prop in ("cityPart", "district") for p in objects(a, _PES + prop)])
        places = sorted(set(places))
        cache[1][hit.iri] = places
    return places


def _ranked(index: Index, kind: str, found: dict[int, list[Reason]], limit: int, order: str,
            extra=None) -> tuple[int, list[Match]]:
    """The best ``limit`` of the rows found, with their reasons, best score first, then in the
    order given."""
    if not found:
        return 0, []
    scores = {i: _score(r) for i, r in found.items()}
    ranks = index.order(kind, order)
    best = sorted(scores, key=lambda i: (-scores[i], int(ranks[i]) if i < len(ranks) else 1 << 31, i))[:limit]
    hits = {h.id: h for h in index.hits(best)}
    out = []
    for i in best:
        if i not in hits:
            continue
        reasons = list(found[i]) + (extra(hits[i]) if extra else [])
        reasons.sort(key=lambda r: (_REASON_ORDER.index(r.kind), r.term))
        kinds = list(dict.fromkeys(r.kind for r in reasons))
        out.append(Match(hits[i], kinds, scores[i], reasons))
    return len(scores), out


def _score(reasons: list[Reason]) -> int:
    """The sum of the points; the place counts once however many places match."""
    return (sum(r.points for r in reasons if r.kind != "place")
            + (MATCH_POINTS["place"] if any(r.kind == "place" for r in reasons) else 0))


def opportunities_for_entity(index: Index, entity_iri: str, *, limit: int = 10,
                             today: dt.date | None = None) -> tuple[int, list[Match]]:
    """Open opportunities that fit an entity (the rules above), best first, then the nearest
    deadline. Reads the index: the entity's facets, the open opportunities of its CPV divisions
    and areas."""
    index.ensure_current()
    hit, facets = _facet_values(index, "entity", entity_iri)
    if hit is None:
        return 0, []
    within = BitMap(_computed_bitmaps(index, LISTS["opportunities"], today or dt.date.today())["open"]["open"])
    reserved = index.facet_bitmaps("opportunity", "reserved").get("1", BitMap())
    eligible = bool(facets.get("art94"))
    if not eligible:
        within -= reserved
    covered, divisions = facets.get("cpv", set()), facets.get("cpvDivision", set())
    areas = facets.get("area", set())
    places = {(f, v) for f in _PLACE_SCHEMES.values() for v in facets.get(f, set())}
    candidates = BitMap()
    for facet, values in (("cpvDivision", divisions), ("area", areas)):
        maps = index.facet_bitmaps("opportunity", facet)
        for v in values:
            candidates |= maps.get(v, BitMap())
    candidates &= within
    found: dict[int, list[Reason]] = {}
    for opp in index.hits(list(candidates)):
        reasons = []
        for code in sorted(filter(None, (_key_of(c, "cpv") for c in opp.data.get("cpv") or []))):
            reason = _cpv_reason(code, covered, divisions)
            if reason:
                reasons.append(reason)
        for area in sorted(opp.data.get("publicTaskArea") or []):
            if _key_of(area, "public-task-area") in areas:
                reasons.append(Reason("area", area, MATCH_POINTS["area"]))
        if not reasons:
            continue
        reasons += [Reason("place", iri, MATCH_POINTS["place"])
                    for facet, key, iri in _places_of_opportunity(index, opp) if (facet, key) in places]
        if opp.id in reserved:
            reasons.append(_art94_reason(hit))
        found[opp.id] = reasons
    return _ranked(index, "opportunity", found, limit, "deadline")


def entities_for_opportunity(index: Index, opportunity_iri: str, *,
                             limit: int = 20) -> tuple[int, list[Match], bool]:
    """Entities that could answer an opportunity (the rules above), best first, then by name;
    for a reserved contract (art. 94) only those that may take one. From the index's bitmaps, so
    the cost follows the number of entities that fit, not the store. Returns (how many, the
    best, whether the opportunity is a reserved contract)."""
    index.ensure_current()
    hit, facets = _facet_values(index, "opportunity", opportunity_iri)
    if hit is None:
        return 0, [], False
    reserved = bool(facets.get("reserved"))
    within = BitMap(index.kind_ids("entity"))
    if reserved:
        within &= index.facet_bitmaps("entity", "art94").get("1", BitMap())
    cover = index.facet_bitmaps("entity", "cpv")
    division_maps = index.facet_bitmaps("entity", "cpvDivision")
    found: dict[int, list[Reason]] = {}
    for code in sorted(filter(None, (_key_of(c, "cpv") for c in hit.data.get("cpv") or []))):
        info = _cpv_tree().get(code)
        levels = [((division_maps if info and info.is_division else cover).get(code), code, "cpv")]
        if info:
            levels += [(cover.get(g), g, "cpvGroup") for g in info.groups]
            if info.division and not info.is_division:
                levels.append((division_maps.get(info.division), info.division, "cpvDivision"))
        seen = BitMap()
        for ids, key, kind in levels:
            if not ids:
                continue
            new = (ids & within) - seen
            reason = Reason(kind, f"{VOCAB_BASE}cpv/{key}", MATCH_POINTS[kind])
            for i in new:
                found.setdefault(i, []).append(reason)
            seen |= new
    area_maps = index.facet_bitmaps("entity", "area")
    for key in sorted(facets.get("area", set())):
        reason = Reason("area", f"{VOCAB_BASE}public-task-area/{key}", MATCH_POINTS["area"])
        for i in area_maps.get(key, BitMap()) & within:
            found.setdefault(i, []).append(reason)
    if found:
        candidates = BitMap(found)
        for facet, key, iri in _places_of_opportunity(index, hit):
            reason = Reason("place", iri, MATCH_POINTS["place"])
            for i in index.facet_bitmaps("entity", facet).get(key, BitMap()) & candidates:
                found[i].append(reason)
    total, matches = _ranked(index, "entity", found, limit, "name",
                             extra=(lambda h: [_art94_reason(h)]) if reserved else None)
    return total, matches, reserved


def newest_with(index: Index, kind: str, facet: str, value: str, limit: int) -> tuple[list[Hit], int]:
    """The newest ``limit`` resources of a kind with a facet value (e.g. the opportunities a unit
    published), and how many there are: from the index, whatever the store's size."""
    index.ensure_current()
    ids = index.facet_bitmaps(kind, facet).get(value)
    if not ids:
        return [], 0
    found = np.frombuffer(ids.to_array(), dtype=np.uint32).astype(np.int64)
    ranks = index.order(kind, "newest")
    inside = found < len(ranks)
    keys = np.where(inside, ranks[np.where(inside, found, 0)], np.iinfo(np.int32).max)
    chosen = found[np.lexsort((found, keys))][:limit]
    return index.hits([int(i) for i in chosen]), len(found)
