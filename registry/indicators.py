"""The indicators of the cooperation programmes, computed from the registry's data.

Each indicator of a programme document (``pes:Indicator``) says how it is measured: by a named
query (``pes:computedBy``, one of the ``indicator_*`` queries of ``sparql_queries/``) or by hand
(``pes:manualSource``, the values then being the observations of the programme document itself).

``recompute`` runs the named query of every computed indicator for each year of its programme's
period (up to the current year), bound as the query's ``year`` parameter; a query that also takes
``form`` (a concept of the cooperation-form scheme) or ``area`` (public-task-area) is run again
for each form, and for each area the actions and opportunities use, which gives the breakdowns. A
query answers with a column ``value``, in one row, or in one row per part with the part's concept
in the column ``part`` (the value is then their sum, each part kept too).

The values are RDF Data Cube observations (``pes:ComputedIndicatorStructure``: dimensions
indicator, year, form, area and part, ``pes:total`` where a dimension does not restrict) in the
registry graph ``{BASE}/graph/indicators``, one ``qb:DataSet`` per programme. Each observation
records when it was computed (``pes:computedAt``) and the query address with its parameters
(``dct:source``), so every figure can be reproduced. A value that changes gets a new observation;
the earlier one stays, with ``pes:supersededBy`` the new one. Unchanged values are not rewritten,
and a recompute that changes nothing writes nothing.

``Monitor`` keeps one store's values current: a store listener marks them stale when data
changes, and the next reader recomputes them (never inside the write itself).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import pyoxigraph as ox

from . import queries
from .namespaces import (
    DCAT,
    DCT,
    PES,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    VOCAB_BASE,
)
from .store import Store, Write, graph_iri

log = logging.getLogger(__name__)

FORM_SCHEME = "cooperation-form"
AREA_SCHEME = "public-task-area"
BREAKDOWNS = {"form": FORM_SCHEME, "area": AREA_SCHEME}

P, S = str(PES), str(SCHEMA)
TYPE = str(RDF.type)
TOTAL = P + "total"
STRUCTURE = P + "ComputedIndicatorStructure"
DOCUMENT_STRUCTURE = P + "IndicatorStructure"
INDICATOR = P + "indicator"
REF_PERIOD = str(SDMX_DIMENSION.refPeriod)
OBS_VALUE = str(SDMX_MEASURE.obsValue)
FORM_DIM, AREA_DIM, PART_DIM = P + "formBreakdown", P + "areaBreakdown", P + "partBreakdown"
COMPUTED_AT, SUPERSEDED_BY = P + "computedAt", P + "supersededBy"
SOURCE = str(DCT.source)
OBSERVATION, DATASET = str(QB.Observation), str(QB.DataSet)
XSD = "http://www.w3.org/2001/XMLSchema#"

_YEAR = re.compile(r"^-?(\d{4})")


def indicators_graph(base: str) -> str:
    """The registry graph of computed indicator values."""
    return f"{base.rstrip('/')}/graph/indicators"


def dataset_iri(base: str, programme: str) -> str:
    """The ``qb:DataSet`` of one programme's computed values."""
    return f"{indicators_graph(base)}#programme-{programme}"


def query_address(base: str, name: str, **params: str) -> str:
    """The API address of a named query, with the parameters that reproduce a value."""
    given = {k: v for k, v in params.items() if v}
    return f"{base.rstrip('/')}/api/queries/{name}" + (f"?{urlencode(given)}" if given else "")


def pick(texts: dict[str, str], lang: str = "pl") -> str:
    """A text in the language asked for, else Polish, else any."""
    return texts.get(lang) or texts.get("pl") or texts.get("") or next(iter(texts.values()), "")


def language_of(texts: dict[str, str], lang: str = "pl") -> str:
    """The language of the text ``pick`` gives ("" when untagged)."""
    for candidate in (lang, "pl", ""):
        if texts.get(candidate):
            return candidate
    return next(iter(texts), "")


def concept_key(iri: str | None, scheme: str) -> str | None:
    prefix = f"{VOCAB_BASE}{scheme}/"
    return iri[len(prefix):] if iri and iri.startswith(prefix) else None


# -- definitions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Programme:
    """A cooperation programme, as the dashboard lists it."""

    iri: str
    key: str
    name: dict[str, str]
    start: dt.date | None
    end: dt.date | None

    def years(self, today: dt.date | None = None) -> list[int]:
        """The calendar years of the programme's period, up to ``today``'s year when given."""
        if self.start is None:
            return []
        last = self.end.year if self.end else self.start.year
        if today is not None:
            last = min(last, today.year)
        return list(range(self.start.year, last + 1))

    def in_force(self, today: dt.date) -> bool:
        return self.start is not None and self.start <= today and (self.end is None or today <= self.end)


@dataclass(frozen=True)
class Indicator:
    """One indicator of a programme, from the programme document."""

    iri: str
    programme: str  # the programme's key
    key: str  # the fragment, e.g. "indicator-1"
    name: dict[str, str]
    unit: dict[str, str]
    baseline: int | Decimal | None
    target: int | Decimal | None
    method: str  # "query" or "manual"
    query: str | None
    manual_source: str | None
    actions: tuple[str, ...]
    description: dict[str, str]

    def label(self, lang: str = "pl") -> str:
        return pick(self.name, lang) or self.key

    def breakdowns(self) -> tuple[str, ...]:
        """The breakdowns its query supports: "form", "area" (none for a manual indicator or
        a query the registry does not have)."""
        named = named_query(self.query)
        if named is None:
            return ()
        given = {p.name for p in named.parameters}
        return tuple(b for b in BREAKDOWNS if b in given)


@dataclass
class Value:
    """The current value of one indicator in one year (for a form or an area, when asked)."""

    indicator: str  # IRI
    programme: str  # key
    year: int
    value: int | Decimal
    method: str  # "query" or "manual"
    query: str | None
    computed_at: str | None  # ISO date-time; None for a value from the programme document
    history: list[tuple[str, int | Decimal]] = field(default_factory=list)  # earlier computed
    parts: list[tuple[str, int | Decimal]] = field(default_factory=list)  # (part concept, value)
    source: str | None = None  # the query address with its parameters, or the manual source
    observation: str | None = None  # the observation holding the value
    form: str | None = None
    area: str | None = None


def named_query(name: str | None) -> queries.NamedQuery | None:
    if not name:
        return None
    return queries.all_queries().get(name)


def _number(term) -> int | Decimal | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        d = Decimal(term.value.strip())
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return int(d) if d == d.to_integral_value() else d.normalize()


def _texts(terms: Iterable) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in terms:
        if isinstance(t, ox.Literal):
            out.setdefault(t.language or "", t.value)
    return out


def _day(term) -> dt.date | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return dt.date.fromisoformat(term.value.strip()[:10])
    except ValueError:
        return None


class _Doc:
    """The statements of one named graph, by subject and predicate."""

    def __init__(self, store: Store, graph: str):
        self.by: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            if isinstance(q.subject, ox.NamedNode):
                self.by[q.subject.value][q.predicate.value].append(q.object)

    def objects(self, s: str | None, p: str) -> list:
        return self.by[s][p] if s in self.by else []

    def first(self, s: str | None, p: str):
        found = self.objects(s, p)
        return found[0] if found else None

    def iris(self, s: str | None, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]


def natural_key(iri: str) -> tuple:
    """A sort key that puts ``indicator-2`` before ``indicator-10``."""
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"(\d+)", iri))


def _programme_docs(store: Store, key: str | None = None) -> list[tuple[str, str, _Doc]]:
    """(key, IRI, document) of this registry's programmes (one when ``key`` is given)."""
    base = store.base.rstrip("/")
    prefix = f"{base}/id/programme/"
    out = []
    for q in store.raw.quads_for_pattern(
        None, ox.NamedNode(TYPE), ox.NamedNode(P + "CooperationProgramme"), None
    ):
        iri = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        if not iri.startswith(prefix):
            continue
        k = iri[len(prefix):]
        if (key is not None and k != key) or q.graph_name != ox.NamedNode(graph_iri(base, "programme", k)):
            continue
        out.append((k, iri, _Doc(store, q.graph_name.value)))
    return sorted(out, key=lambda t: t[0])


def _programme(key: str, iri: str, doc: _Doc) -> Programme:
    period = doc.first(iri, str(DCT.temporal))
    period = period.value if isinstance(period, ox.NamedNode) else None
    start = _day(doc.first(period, str(DCAT.startDate)) or doc.first(period, S + "startDate"))
    end = _day(doc.first(period, str(DCAT.endDate)) or doc.first(period, S + "endDate"))
    return Programme(iri, key, _texts(doc.objects(iri, S + "name")), start, end)


def programmes(store: Store) -> list[Programme]:
    """Every programme of this registry, newest first."""
    found = [_programme(k, iri, doc) for k, iri, doc in _programme_docs(store)]
    return sorted(found, key=lambda p: (p.start or dt.date.min, p.key), reverse=True)


def default_programme(store: Store, today: dt.date | None = None) -> Programme | None:
    """The programme in force today, else the newest."""
    today = today or queries.today()
    found = programmes(store)
    return next((p for p in found if p.in_force(today)), found[0] if found else None)


def _definitions(key: str, iri: str, doc: _Doc) -> list[Indicator]:
    measures: dict[str, list[str]] = defaultdict(list)
    for action in doc.iris(iri, P + "hasAction"):
        for indicator in doc.iris(action, P + "measuredBy"):
            measures[indicator].append(action)
    out = []
    for node in sorted(set(doc.iris(iri, P + "hasIndicator")), key=natural_key):
        computed = doc.first(node, P + "computedBy")
        manual = doc.first(node, P + "manualSource")
        out.append(Indicator(
            iri=node,
            programme=key,
            key=node.rsplit("#", 1)[-1] if "#" in node else node.rsplit("/", 1)[-1],
            name=_texts(doc.objects(node, S + "name")),
            unit=_texts(doc.objects(node, P + "unitOfMeasure")),
            baseline=_number(doc.first(node, P + "baseline")),
            target=_number(doc.first(node, P + "target")),
            method="query" if isinstance(computed, ox.Literal) else "manual",
            query=computed.value if isinstance(computed, ox.Literal) else None,
            manual_source=manual.value if isinstance(manual, ox.Literal) else None,
            actions=tuple(sorted(measures.get(node, ()), key=natural_key)),
            description=_texts(doc.objects(node, S + "description")),
        ))
    return out


def action_names(store: Store, programme: str) -> dict[str, dict[str, str]]:
    """The names of a programme's actions (``pes:hasAction``), by IRI."""
    return {a: _texts(doc.objects(a, S + "name"))
            for _, iri, doc in _programme_docs(store, programme) for a in doc.iris(iri, P + "hasAction")}


def definitions(store: Store, programme: str | None = None) -> list[Indicator]:
    """The indicators of one programme (its key) or of all, in the programmes' order of keys
    and the documents' order of indicators."""
    return [i for k, iri, doc in _programme_docs(store, programme) for i in _definitions(k, iri, doc)]


# -- stored observations ----------------------------------------------------------------------


@dataclass
class Observation:
    iri: str
    dataset: str | None
    indicator: str
    year: int
    form: str
    area: str
    part: str
    value: int | Decimal
    computed_at: str | None
    source: str | None
    superseded_by: str | None

    @property
    def dims(self) -> tuple[str, int, str, str, str]:
        return (self.indicator, self.year, self.form, self.area, self.part)


def _year(term) -> int | None:
    if not isinstance(term, ox.Literal):
        return None
    m = _YEAR.match(term.value.strip())
    return int(m.group(1)) if m else None


def observations(store: Store) -> list[Observation]:
    """Every computed observation of the store, current and superseded."""
    doc = _Doc(store, indicators_graph(store.base))
    out = []
    for s, props in doc.by.items():
        if not any(isinstance(t, ox.NamedNode) and t.value == OBSERVATION for t in props.get(TYPE, ())):
            continue
        indicator = doc.iris(s, INDICATOR)
        year = _year(doc.first(s, REF_PERIOD))
        value = _number(doc.first(s, OBS_VALUE))
        if not indicator or year is None or value is None:
            continue
        at = doc.first(s, COMPUTED_AT)
        source = doc.first(s, SOURCE)
        out.append(Observation(
            iri=s,
            dataset=next(iter(doc.iris(s, str(QB.dataSet))), None),
            indicator=indicator[0],
            year=year,
            form=next(iter(doc.iris(s, FORM_DIM)), TOTAL),
            area=next(iter(doc.iris(s, AREA_DIM)), TOTAL),
            part=next(iter(doc.iris(s, PART_DIM)), TOTAL),
            value=value,
            computed_at=at.value if isinstance(at, ox.Literal) else None,
            source=source.value if isinstance(source, ox.NamedNode) else None,
            superseded_by=next(iter(doc.iris(s, SUPERSEDED_BY)), None),
        ))
    return out


def _manual_observations(doc: _Doc, indicators: set[str]) -> dict[str, list[tuple[str, int, int | Decimal, str | None]]]:
    """Values of a programme document: indicator -> [(observation, year, value, area)]."""
    out: dict[str, list] = defaultdict(list)
    for s in list(doc.by):
        for indicator in doc.iris(s, INDICATOR):
            if indicator not in indicators:
                continue
            year = _year(doc.first(s, REF_PERIOD))
            value = _number(doc.first(s, OBS_VALUE))
            if year is None or value is None or doc.iris(s, P + "cooperationForm"):
                continue
            areas = doc.iris(s, P + "publicTaskArea")
            out[indicator].append((s, year, value, areas[0] if areas else None))
    return out


# -- computing --------------------------------------------------------------------------------


def _run(store: Store, name: str, raw: dict[str, str]) -> tuple[int | Decimal, dict[str, int | Decimal]]:
    """The value a named query gives (and its parts, when it splits it)."""
    result = queries.get(name).run(store, raw)
    columns = {v.value for v in result.variables}
    total: int | Decimal = 0
    parts: dict[str, int | Decimal] = {}
    for row in result:
        value = _number(row["value"]) or 0
        total += value
        if "part" in columns and isinstance(row["part"], ox.NamedNode):
            parts[row["part"].value] = parts.get(row["part"].value, 0) + value
    if isinstance(total, Decimal) and total == total.to_integral_value():
        total = int(total)
    return total, parts


def areas_in_use(store: Store) -> list[str]:
    """Public-task areas named by the actions and opportunities of this registry."""
    base = store.base.rstrip("/")
    kinds = (f"{base}/action/", f"{base}/opportunity/")
    found = {
        q.object.value
        for q in store.raw.quads_for_pattern(None, ox.NamedNode(P + "publicTaskArea"), None, None)
        if isinstance(q.object, ox.NamedNode) and q.graph_name.value.startswith(kinds)
    }
    return sorted(found, key=natural_key)


def forms() -> list[str]:
    """The concepts of the cooperation-form scheme."""
    return sorted((f"{VOCAB_BASE}{FORM_SCHEME}/{k}" for k in queries.concept_keys(FORM_SCHEME)), key=natural_key)


def _computed(store: Store, indicator: Indicator, years: list[int], now: dt.datetime,
              current: dict[str, list[Observation]], areas: list[str]
              ) -> Iterable[tuple[tuple, int | Decimal, str]]:
    """(dimensions, value, source address) of every value of one computed indicator."""
    named = named_query(indicator.query)
    if named is None:
        log.warning("indicator %s: no named query %r", indicator.iri, indicator.query)
        return
    params = {p.name for p in named.parameters}
    needed = [p.name for p in named.parameters if p.required and p.name not in ("year", *BREAKDOWNS)]
    if needed:
        log.warning("indicator %s: query %s needs %s, which an indicator cannot give",
                    indicator.iri, indicator.query, ", ".join(needed))
        return
    if "year" not in params:
        # A query without a year gives the registry's figure now: it counts for this year only.
        years = [y for y in years if y == now.year]
    base = store.base
    runs: list[tuple[str, str]] = [(TOTAL, TOTAL)]
    if "form" in params:
        runs += [(f, TOTAL) for f in forms()]
    if "area" in params:
        known = {o.area for o in current.get(indicator.iri, ()) if o.area != TOTAL}
        runs += [(TOTAL, a) for a in sorted(set(areas) | known, key=natural_key)]
    for year in years:
        for form, area in runs:
            raw = {"year": str(year)} if "year" in params else {}
            if form != TOTAL:
                raw["form"] = concept_key(form, FORM_SCHEME) or ""
            if area != TOTAL:
                raw["area"] = concept_key(area, AREA_SCHEME) or ""
            value, parts = _run(store, indicator.query, raw)
            source = query_address(base, indicator.query, **raw)
            yield (indicator.iri, year, form, area, TOTAL), value, source
            if form == TOTAL and area == TOTAL:
                known_parts = {o.part for o in current.get(indicator.iri, ())
                               if o.year == year and o.form == TOTAL and o.area == TOTAL and o.part != TOTAL}
                for part in sorted(set(parts) | known_parts, key=natural_key):
                    yield (indicator.iri, year, TOTAL, TOTAL, part), parts.get(part, 0), source


def _literal(value: int | Decimal) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(format(value, "f"), datatype=ox.NamedNode(XSD + "decimal"))


def observation_triples(iri: str, dataset: str, dims: tuple, value, computed_at: str,
                        source: str) -> list[ox.Triple]:
    """The statements of one computed observation (dimensions as ``Observation.dims``)."""
    indicator, year, form, area, part = dims
    s = ox.NamedNode(iri)
    return [
        ox.Triple(s, ox.NamedNode(TYPE), ox.NamedNode(OBSERVATION)),
        ox.Triple(s, ox.NamedNode(str(QB.dataSet)), ox.NamedNode(dataset)),
        ox.Triple(s, ox.NamedNode(INDICATOR), ox.NamedNode(indicator)),
        ox.Triple(s, ox.NamedNode(REF_PERIOD), ox.Literal(f"{year:04d}", datatype=ox.NamedNode(XSD + "gYear"))),
        ox.Triple(s, ox.NamedNode(FORM_DIM), ox.NamedNode(form)),
        ox.Triple(s, ox.NamedNode(AREA_DIM), ox.NamedNode(area)),
        ox.Triple(s, ox.NamedNode(PART_DIM), ox.NamedNode(part)),
        ox.Triple(s, ox.NamedNode(OBS_VALUE), _literal(value)),
        ox.Triple(s, ox.NamedNode(COMPUTED_AT), ox.Literal(computed_at, datatype=ox.NamedNode(XSD + "dateTime"))),
        ox.Triple(s, ox.NamedNode(SOURCE), ox.NamedNode(source)),
    ]


def _dataset_triples(base: str, programme: Programme) -> list[ox.Triple]:
    s = ox.NamedNode(dataset_iri(base, programme.key))
    label = ox.NamedNode(str(RDFS.label))
    return [
        ox.Triple(s, ox.NamedNode(TYPE), ox.NamedNode(DATASET)),
        ox.Triple(s, ox.NamedNode(str(QB.structure)), ox.NamedNode(STRUCTURE)),
        ox.Triple(s, ox.NamedNode(str(DCT.subject)), ox.NamedNode(programme.iri)),
        ox.Triple(s, label, ox.Literal(
            f"Wskaźniki programu {programme.key} obliczone z danych rejestru", language="pl")),
        ox.Triple(s, label, ox.Literal(
            f"Indicators of programme {programme.key} computed from the registry's data", language="en")),
    ]


def _timestamp(now: dt.datetime | None) -> dt.datetime:
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now.astimezone(dt.timezone.utc).replace(microsecond=0)


def recompute(store: Store, settings=None, *, now: dt.datetime | None = None,
              programme: str | None = None, lock=None) -> int:
    """Compute the values of every computed indicator (of one programme, given its key) and
    store those that changed; returns the number of observations written. ``lock`` (held only
    while the graph is written) serialises the write with other writers of the store."""
    now = _timestamp(now)
    stamp = now.isoformat().replace("+00:00", "Z")
    base = store.base.rstrip("/")
    stored = observations(store)
    current: dict[str, list[Observation]] = defaultdict(list)
    by_dims: dict[tuple, Observation] = {}
    for o in stored:
        if o.superseded_by is None:
            current[o.indicator].append(o)
            by_dims[o.dims] = o
    new: list[ox.Triple] = []
    replaced: dict[str, str] = {}  # old observation -> new one
    datasets: list[Programme] = []
    written = 0
    areas = areas_in_use(store)
    for key, iri, doc in _programme_docs(store, programme):
        prog = _programme(key, iri, doc)
        datasets.append(prog)
        years = prog.years(now.date())
        for indicator in _definitions(key, iri, doc):
            if indicator.method != "query":
                continue
            try:
                found = list(_computed(store, indicator, years, now, current, areas))
            except Exception as e:  # one broken query must not stop the other indicators
                log.warning("indicator %s: query %s failed: %s", indicator.iri, indicator.query, e)
                continue
            for dims, value, source in found:
                old = by_dims.get(dims)
                if old is not None and old.value == value:
                    continue
                obs = f"{indicators_graph(base)}#obs-{uuid.uuid4().hex[:20]}"
                new += observation_triples(obs, dataset_iri(base, key), dims, value, stamp, source)
                if old is not None:
                    replaced[old.iri] = obs
                written += 1
    if not written:
        return 0
    graph = indicators_graph(base)
    keep = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ]
    keep += [ox.Triple(ox.NamedNode(old), ox.NamedNode(SUPERSEDED_BY), ox.NamedNode(obs))
             for old, obs in replaced.items()]
    for prog in datasets:
        keep += _dataset_triples(base, prog)
    write = Write()
    write.put(graph, list(dict.fromkeys([*keep, *new])))
    if lock is None:
        store.commit(write)
    else:
        with lock:
            store.commit(write)
    return written


# -- reading ----------------------------------------------------------------------------------


def values(store: Store, programme: str | None = None, year: int | None = None, *,
           form: str | None = None, area: str | None = None,
           today: dt.date | None = None) -> list[Value]:
    """The current value of each indicator per year (see the module's docstring).

    With ``form`` or ``area`` (concept IRIs of the cooperation-form and public-task-area
    schemes), the values restricted to them, for the indicators whose query supports it (a
    manual indicator only with values recorded for that area); the others are left out. With
    both, the values are computed from the data now (they are not stored) and carry no date.
    """
    base = store.base.rstrip("/")
    current: dict[tuple, Observation] = {}
    earlier: dict[str, Observation] = {}  # an observation by the one that replaced it
    for o in observations(store):
        if o.superseded_by is None:
            current[o.dims] = o
        else:
            earlier[o.superseded_by] = o
    out: list[Value] = []
    today = today or queries.today()
    for key, iri, doc in _programme_docs(store, programme):
        prog = _programme(key, iri, doc)
        defs = _definitions(key, iri, doc)
        manual = _manual_observations(doc, {d.iri for d in defs})
        for d in defs:
            found: dict[int, Value] = {}
            supports = d.breakdowns()
            if d.method == "query" and form and area:
                if {"form", "area"} <= set(supports):
                    for y in ([year] if year is not None else prog.years(today)):
                        raw = {"year": str(y), "form": concept_key(form, FORM_SCHEME) or "",
                               "area": concept_key(area, AREA_SCHEME) or ""}
                        v, _ = _run(store, d.query or "", raw)
                        found[y] = Value(d.iri, key, y, v, "query", d.query, None,
                                         source=query_address(base, d.query or "", **raw),
                                         form=form, area=area)
            elif d.method == "query" and (form or area):
                if ("form" if form else "area") in supports:
                    wanted = (form or TOTAL, area or TOTAL, TOTAL)
                    for dims, o in current.items():
                        if dims[0] == d.iri and dims[2:] == wanted:
                            found[o.year] = _value(d, o, earlier, form=form, area=area)
            elif d.method == "query":
                for dims, o in current.items():
                    if dims[0] == d.iri and dims[2:] == (TOTAL, TOTAL, TOTAL):
                        v = _value(d, o, earlier)
                        v.parts = sorted(
                            ((p[4], current[p].value) for p in current
                             if p[:4] == (d.iri, o.year, TOTAL, TOTAL) and p[4] != TOTAL),
                            key=lambda t: natural_key(t[0]))
                        found[o.year] = v
            if not form and (d.method == "manual" or not (form or area)):
                # Values of the programme document: a manual indicator's, and a computed one's
                # for the years its query does not give (e.g. a figure the registry holds only
                # for today).
                for obs, y, v, obs_area in manual.get(d.iri, ()):
                    if y not in found and obs_area == area:
                        found[y] = Value(d.iri, key, y, v, "manual", None, None,
                                         source=d.manual_source, observation=obs, area=area)
            for y in sorted(found):
                if year is None or y == year:
                    out.append(found[y])
    return out


def _value(d: Indicator, o: Observation, earlier: dict[str, Observation], *,
           form: str | None = None, area: str | None = None) -> Value:
    history = []  # the chain of observations this one replaced, oldest first
    x = earlier.get(o.iri)
    while x is not None and len(history) < 10000:
        history.append((x.computed_at or "", x.value))
        x = earlier.get(x.iri)
    history.reverse()
    return Value(d.iri, d.programme, o.year, o.value, "query", d.query, o.computed_at,
                 history=history, source=o.source, observation=o.iri, form=form, area=area)


# -- keeping the values current ---------------------------------------------------------------


class Monitor:
    """Keeps the computed values of one store current: stale after a write of data (a store
    listener), recomputed by the next reader (``ensure_current``), one at a time."""

    def __init__(self, store: Store, settings=None, lock=None):
        self.store = store
        self.settings = settings
        self.lock = lock  # the store's writer lock, held while the values are written
        self.stale = True  # unknown until the first read: a recompute writes only what changed
        self._computing = threading.Lock()
        self._graph = indicators_graph(store.base)
        store.listeners.append(self.changed)

    def changed(self, written: Iterable[str], removed: Iterable[str], version: int) -> None:
        if any(g != self._graph for g in (*written, *removed)):
            self.stale = True

    def ensure_current(self) -> None:
        if not self.stale:
            return
        with self._computing:
            if not self.stale:
                return
            self.stale = False
            try:
                recompute(self.store, self.settings, lock=self.lock)
            except Exception:
                self.stale = True
                raise

    def close(self) -> None:
        if self.changed in self.store.listeners:
            self.store.listeners.remove(self.changed)


# -- tables -----------------------------------------------------------------------------------

COLUMNS = ("programme", "indicator", "name", "unit", "baseline", "target", "year", "form", "area",
           "part", "value", "method", "query", "source", "computed_at", "observation")


def records(store: Store, programme: str | None = None, year: int | None = None, *,
            form: str | None = None, area: str | None = None, lang: str = "pl",
            found: list[Value] | None = None) -> list[dict]:
    """The values as flat rows (``COLUMNS``; numbers as numbers, the rest as text or None): one
    row per value, then one per part of it; for the CSV download and ``pes-registry
    indicators --json``. ``found`` reuses values already read."""
    from .labels import label

    defs = {d.iri: d for d in definitions(store, programme)}
    if found is None:
        found = values(store, programme, year, form=form, area=area)
    out = []
    for v in found:
        d = defs.get(v.indicator)
        if d is None:
            continue
        row = {
            "programme": v.programme, "indicator": v.indicator, "name": d.label(lang),
            "unit": pick(d.unit, lang) or None, "baseline": d.baseline, "target": d.target,
            "year": v.year, "form": v.form, "area": v.area, "part": None, "value": v.value,
            "method": v.method, "query": v.query, "source": v.source,
            "computed_at": v.computed_at, "observation": v.observation,
        }
        out.append(row)
        for part, value in v.parts:
            out.append({**row, "part": part, "value": value, "name": f"{d.label(lang)}: {label(part, lang)}",
                        "observation": None})
    return out
