"""Data of the dedicated resource pages: one function per kind, each returning a plain dict for
its template (``entity.html``, ``offer.html``, ``opportunity.html``, ``action.html``,
``unit.html``, ``programme.html``), or None when the resource is not what the page expects (the
router then falls back to the generic page).

Everything is read with indexed pattern lookups, never a query over the whole store:

* the document's own named graph, once (``quads_for_pattern(None, None, None, graph)``, as the
  RDF document does);
* one lookup per linked instance, for its name;
* one lookup per reverse link a page lists (an entity's cooperation history by ``pes:partner``,
  a unit's opportunities by ``dct:publisher`` and actions by ``pes:cityUnit``, the provenance of
  a document by ``prov:generated``), then the few statements of each resource found.

So a page costs the same with a hundred entities in the store as with a hundred thousand. Labels
of shared terms (concepts, ontology terms) come from memory (``registry.labels``).

Values handed to the templates are small immutable records: ``Text`` (a string and, when it is
not in the page's language, its language tag), ``Link`` (an address and a ``Text``) and ``When``
(a date for ``<time>``). Nothing here produces HTML: the templates escape every string. The
schema.org description of each page (``jsonld``) is built as plain dicts and lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .. import labels, queries
from ..namespaces import (
    ADMS,
    DCAT,
    DCT,
    ELI,
    FOAF,
    GEO,
    LOCN,
    ORG,
    PES,
    PROV,
    QB,
    RDF,
    ROV,
    SCHEMA,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SKOS,
    VOCAB_BASE,
)
from ..store import Store, graph_iri, provenance_graph, resource_iri

TYPE = str(RDF.type)
S, P = str(SCHEMA), str(PES)
NAME = S + "name"
DESCRIPTION = S + "description"
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"

RESERVED_CONTRACT = VOCAB_BASE + "cooperation-instrument/zamowienie-zastrzezone-art94"
CLOSED_STATUSES = {
    VOCAB_BASE + f"opportunity-status/{k}" for k in ("zamknieta", "rozstrzygnieta", "anulowana")
}

# Official registers an identifier can be checked in. Neither register offers a stable deep
# link to one record, so the page links to the official search form and shows the number to
# type in: KRS to the Ministry of Justice's search (wyszukiwarka-krs.ms.gov.pl), NIP and REGON to
# Statistics Poland's BIR search (wyszukiwarkaregon.stat.gov.pl), which finds a body by either
# number. Unofficial mirrors with deep links exist; an official registry does not send people
# there. The KRKGW register (ARiMR) has no public search, so its number is shown without a link.
KRS_SEARCH = "https://wyszukiwarka-krs.ms.gov.pl/"
BIR_SEARCH = "https://wyszukiwarkaregon.stat.gov.pl/appBIR/index.aspx"
REGISTERS = {
    "krs": (
        KRS_SEARCH,
        "Wyszukiwarka KRS (Ministerstwo Sprawiedliwości)",
        "KRS search (Ministry of Justice)",
    ),
    "nip": (BIR_SEARCH, "Wyszukiwarka REGON (GUS)", "REGON search (Statistics Poland)"),
    "regon": (BIR_SEARCH, "Wyszukiwarka REGON (GUS)", "REGON search (Statistics Poland)"),
}
IDENTIFIER_ORDER = ("krs", "krkgw", "nip", "regon")

MONTHS = {
    "pl": (
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
LIST_LIMIT = 20  # opportunities and actions shown on a unit's page
HISTORY_LIMIT = 100  # actions shown in an entity's cooperation history
RUNS_LIMIT = 50  # units under a unit, and entities it runs, shown on its page


# -- values for the templates ----------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A string; ``lang`` is its language tag when that differs from the page's language."""

    value: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Link:
    href: str
    text: Text
    iri: str = ""


@dataclass(frozen=True)
class When:
    """A date (or date and time) for ``<time datetime="iso">text</time>``."""

    iso: str
    text: str
    date: dt.date | None = None
    year: int | None = None


def web_url(value: str | None) -> str | None:
    """The address if it is an http(s) URL, else None: other schemes (``javascript:``, ``data:``)
    are never made into links."""
    if value and re.match(r"(?i)https?://", value):
        return value
    return None


def tel_url(value: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", value)


def _decimal(lexical: str) -> Decimal | None:
    try:
        return Decimal(lexical.strip())
    except (InvalidOperation, AttributeError):
        return None


def json_number(lexical: str | None):
    """A literal's number for JSON-LD (int when whole), or None."""
    d = _decimal(lexical) if lexical is not None else None
    if d is None or not d.is_finite():
        return None
    return int(d) if d == d.to_integral_value() else float(d)


def format_number(lexical: str, lang: str, places: int | None = None) -> str:
    """A number written the way readers of the language expect: ``12 500,50`` / ``12,500.50``."""
    d = _decimal(lexical)
    if d is None or not d.is_finite():
        return lexical
    if places is None:
        places = 0 if d == d.to_integral_value() else 2
    text = f"{d:,.{places}f}"
    if lang == "pl":
        grouped = abs(d) >= 10000  # Polish usage groups digits from five digits up
        text = text.replace(",", "\u00a0" if grouped else "").replace(".", ",")
    return text


def _with_currency(number: str, currency: str | None, lang: str) -> str:
    currency = (currency or "PLN").strip()
    if currency == "PLN":
        return f"{number}\u00a0zł" if lang == "pl" else f"PLN\u00a0{number}"
    return f"{number}\u00a0{currency}"


def format_money(lexical: str, currency: str | None, lang: str, places: int | None = None) -> str:
    """``120 000 zł`` / ``PLN 120,000``."""
    return _with_currency(format_number(lexical, lang, places), currency, lang)


def format_money_range(
    low: str, high: str, currency: str | None, lang: str, places: int | None = None
) -> str:
    """``25,00–45,00 zł`` / ``PLN 25.00–45.00``."""
    return _with_currency(
        f"{format_number(low, lang, places)}–{format_number(high, lang, places)}", currency, lang
    )


def format_percent(lexical: str, lang: str) -> str:
    d = _decimal(lexical)
    if d is None:
        return lexical
    pct = d * 100
    return format_number(str(pct), lang, 0 if pct == pct.to_integral_value() else 1) + "%"


def days_left_text(days: int, lang: str) -> str:
    if days == 0:
        return "ostatni dzień naboru" if lang == "pl" else "last day"
    if lang == "en":
        return f"{days} day left" if days == 1 else f"{days} days left"
    if days == 1:
        return "został 1 dzień"
    if days % 10 in (2, 3, 4) and days % 100 not in (12, 13, 14):
        return f"zostały {days} dni"
    return f"zostało {days} dni"


def natural_key(iri: str) -> list:
    """Sort key of an IRI by its local name, numbers in numeric order (``2`` before ``10``,
    ``action-2`` before ``action-10``)."""
    return [
        int(part) if part.isdigit() else part for part in re.split(r"(\d+)", labels.local_name(iri))
    ]


# -- reading ---------------------------------------------------------------------------------


def node_key(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


class Doc:
    """The statements of one named graph, by subject and predicate."""

    def __init__(self, store: Store, graph: str):
        self.graph = graph
        self.index: dict[str, dict[str, list]] = {}
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            self.index.setdefault(node_key(q.subject), {}).setdefault(q.predicate.value, []).append(
                q.object
            )

    def objects(self, s: str | None, p: str) -> list:
        if s is None:
            return []
        return self.index.get(s, {}).get(p, [])

    def first(self, s: str | None, p: str):
        values = self.objects(s, p)
        return values[0] if values else None

    def value(self, s: str | None, p: str) -> str | None:
        term = self.first(s, p)
        return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else None

    def refs(self, s: str | None, p: str) -> list[str]:
        """Keys of the nodes (IRIs and blank nodes) ``s p`` points to."""
        return [node_key(o) for o in self.objects(s, p) if not isinstance(o, ox.Literal)]

    def ref(self, s: str | None, p: str) -> str | None:
        refs = self.refs(s, p)
        return refs[0] if refs else None

    def iris(self, s: str | None, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, ox.NamedNode)]

    def has_type(self, s: str, cls: str) -> bool:
        return any(o.value == cls for o in self.objects(s, TYPE) if isinstance(o, ox.NamedNode))

    def subjects(self, p: str, o: str) -> list[str]:
        """Subjects with ``p o`` (a scan of this one document, which is small)."""
        return [
            s
            for s, props in self.index.items()
            if any(node_key(v) == o for v in props.get(p, ()) if not isinstance(v, ox.Literal))
        ]

    def typed(self, cls: str) -> list[str]:
        return [
            s
            for s, props in self.index.items()
            if any(isinstance(v, ox.NamedNode) and v.value == cls for v in props.get(TYPE, ()))
        ]


def _harvested_bases() -> tuple[str, ...]:
    """The bases of the registries the search index holds harvested rows of (none outside the
    web application)."""
    from flask import current_app, has_app_context

    index = current_app.extensions.get("registry.search") if has_app_context() else None
    return index.source_bases() if index is not None else ()


def statements(store: Store, subject, graph: ox.NamedNode | None) -> dict[str, list]:
    """The statements about one resource (an IRI or a node; in one graph), by predicate."""
    out: dict[str, list] = {}
    node = ox.NamedNode(subject) if isinstance(subject, str) else subject
    for q in store.raw.quads_for_pattern(node, None, None, graph):
        out.setdefault(q.predicate.value, []).append(q.object)
    return out


@dataclass
class Ctx:
    """What every view needs: the store, the base of this registry's instance IRIs, the page's
    language and today's date (for validity and deadlines). ``source`` is the base of another
    registry when the page shows a document harvested from it."""

    store: Store
    base: str
    lang: str = "pl"
    today: dt.date = field(default_factory=dt.date.today)
    _names: dict[str, Text] = field(default_factory=dict)
    source: str | None = None
    _harvested: tuple[str, ...] | None = None

    @property
    def document_base(self) -> str:
        """The base of the registry whose document the page shows."""
        return self.source or self.base

    def iri(self, kind: str, key: str) -> str:
        """The IRI of the resource the page shows."""
        return resource_iri(self.document_base, kind, key)

    def harvested_bases(self) -> tuple[str, ...]:
        """The bases of the harvested registries (their instances have pages here too)."""
        if self._harvested is None:
            self._harvested = _harvested_bases()
        return self._harvested

    @property
    def other(self) -> str:
        return "en" if self.lang == "pl" else "pl"

    def t(self, pl: str, en: str) -> str:
        return pl if self.lang == "pl" else en

    # text in the page's language, else the other one
    def choose(self, terms: Iterable) -> Text | None:
        best = None
        for term in terms:
            if not isinstance(term, ox.Literal):
                continue
            tag = term.language or ""
            rank = 0 if tag == self.lang else 1 if tag == "" else 2 if tag == self.other else 3
            if best is None or (rank, term.value) < best[0]:
                best = ((rank, term.value), term)
        if best is None:
            return None
        term = best[1]
        return Text(
            term.value, term.language if term.language and term.language != self.lang else None
        )

    def href(self, iri: str) -> str:
        return labels.href(iri, self.base, self.harvested_bases())

    def page_url(self, iri: str) -> str:
        """Absolute address of an instance's page."""
        h = self.href(iri)
        return self.base + h if h.startswith("/") else h

    def name(self, iri: str) -> Text:
        """The name of an instance of the registry (its ``schema:name``), else its key."""
        if iri not in self._names:
            found = self.choose(
                q.object
                for q in self.store.raw.quads_for_pattern(
                    ox.NamedNode(iri), ox.NamedNode(NAME), None, None
                )
            )
            self._names[iri] = found or Text(labels.local_name(iri))
        return self._names[iri]

    def link(self, iri: str) -> Link:
        return Link(self.href(iri), self.name(iri), iri)

    def concept(self, iri: str) -> Link:
        """A shared term (concept, ontology class) with its label in the page's language."""
        term = labels.terms().get(iri)
        if term is None:
            return Link(self.href(iri), Text(labels.local_name(iri)), iri)
        for tag in (self.lang, "", self.other, *term.labels):
            if tag in term.labels:
                return Link(
                    self.href(iri),
                    Text(term.labels[tag], tag if tag and tag != self.lang else None),
                    iri,
                )
        return Link(self.href(iri), Text(term.notation or labels.local_name(iri)), iri)

    def concepts(self, iris: Iterable[str]) -> list[Link]:
        return [self.concept(i) for i in sorted(set(iris), key=natural_key)]

    def when(self, term) -> When | None:
        if not isinstance(term, ox.Literal):
            return None
        lexical = term.value.strip()
        if term.datatype.value == XSD_GYEAR or re.fullmatch(r"\d{4}", lexical):
            year = lexical[:4]
            return When(year, year, None, int(year) if year.isdigit() else None)
        try:
            day = dt.date.fromisoformat(lexical[:10])
        except ValueError:
            return When(lexical, lexical)
        months = MONTHS[self.lang]
        text = f"{day.day} {months[day.month - 1]} {day.year}"
        iso = day.isoformat()
        if len(lexical) > 10 and lexical[10] == "T" and len(lexical) >= 16:
            text += ", " + lexical[11:16]
            zone = lexical[19:].lstrip("0123456789.")
            if zone in ("Z", "+00:00"):
                text += " UTC"
            iso = lexical
        return When(iso, text, day, day.year)

    def amount(self, doc: Doc, node: str | None) -> str | None:
        """A ``schema:MonetaryAmount`` written as money."""
        value = doc.value(node, S + "value")
        if value is None:
            return None
        return format_money(value, doc.value(node, S + "currency"), self.lang)

    def number(self, term) -> str | None:
        return format_number(term.value, self.lang) if isinstance(term, ox.Literal) else None


def _period(start: When | None, end: When | None, lang: str) -> str | None:
    """Years of an activity: ``2013`` or ``2013–2014``."""
    years = [w.year for w in (start, end) if w and w.year]
    if not years:
        return None
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}–{last}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _crumb(href: str | None, text: str | Text) -> dict:
    return {"href": href, "text": text if isinstance(text, Text) else Text(text)}


def _base_page(ctx: Ctx, kind: str, key: str, title: Text, crumbs: list[dict]) -> dict:
    iri = ctx.iri(kind, key)
    return {
        "kind": kind,
        "key": key,
        "iri": iri,
        "title": title,
        "crumbs": [_crumb("/", ctx.t("Strona główna", "Home")), *crumbs, _crumb(None, title)],
        "url": ctx.page_url(iri),
    }


def _ref(link: Link, schema_type: str | None = None) -> dict:
    """A linked resource in JSON-LD: its IRI and name."""
    out = {"@id": link.iri, "name": link.text.value}
    if schema_type:
        out = {"@type": schema_type, **out}
    return out


def _compact(data):
    """JSON-LD without empty values."""
    if isinstance(data, dict):
        out = {k: _compact(v) for k, v in data.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [v for v in (_compact(x) for x in data) if v not in (None, "", [], {})]
    return data


# -- shared parts ----------------------------------------------------------------------------


def _contact(ctx: Ctx, doc: Doc, iri: str) -> dict:
    urls = []
    for o in doc.objects(iri, S + "url"):
        address = o.value if isinstance(o, (ox.NamedNode, ox.Literal)) else None
        if address:
            urls.append({"text": address, "href": web_url(address)})
    return {
        "emails": sorted(
            o.value for o in doc.objects(iri, S + "email") if isinstance(o, ox.Literal)
        ),
        "telephones": [
            {"text": o.value, "href": tel_url(o.value)}
            for o in doc.objects(iri, S + "telephone")
            if isinstance(o, ox.Literal)
        ],
        "urls": urls,
    }


def _identifiers(ctx: Ctx, doc: Doc, iri: str) -> list[dict]:
    out = []
    for node in doc.refs(iri, str(ADMS.identifier)):
        notation = doc.value(node, str(SKOS.notation))
        if not notation:
            continue
        kind_iri = doc.value(node, str(DCT.type))
        key = (labels.concept_key(kind_iri) or ("", ""))[1] if kind_iri else ""
        register = REGISTERS.get(key)
        out.append(
            {
                "key": key,
                "type": ctx.concept(kind_iri)
                if kind_iri
                else Link("", Text(ctx.t("identyfikator", "identifier"))),
                "short": (
                    labels.terms().get(kind_iri).notation if kind_iri in labels.terms() else None
                )
                or key.upper(),
                "notation": notation,
                "register": {
                    "href": register[0],
                    "text": register[1] if ctx.lang == "pl" else register[2],
                }
                if register
                else None,
            }
        )
    tax = doc.value(iri, S + "taxID")
    if tax and not any(i["key"] == "nip" for i in out):
        out.append(
            {
                "key": "nip",
                "type": ctx.concept(VOCAB_BASE + "identifier-type/nip"),
                "short": "NIP",
                "notation": tax,
                "register": {
                    "href": BIR_SEARCH,
                    "text": REGISTERS["nip"][1 if ctx.lang == "pl" else 2],
                },
            }
        )
    order = {k: i for i, k in enumerate(IDENTIFIER_ORDER)}
    out.sort(key=lambda i: (order.get(i["key"], len(order)), i["notation"]))
    return out


def _address(ctx: Ctx, doc: Doc, iri: str) -> dict | None:
    node = doc.ref(iri, str(LOCN.address))
    if node is None:
        return None
    L = str(LOCN)
    street = " ".join(
        v
        for v in (doc.value(node, L + "thoroughfare"), doc.value(node, L + "locatorDesignator"))
        if v
    )
    town = " ".join(
        v for v in (doc.value(node, L + "postCode"), doc.value(node, L + "postName")) if v
    )
    full = doc.value(node, L + "fullAddress") or ", ".join(v for v in (street, town) if v)
    lat, lon = (json_number(doc.value(node, str(GEO[p]))) for p in ("lat", "long"))
    city_part = doc.iris(node, P + "cityPart")
    district = doc.iris(node, P + "district")
    return {
        "full": full,
        "street": street,
        "post_code": doc.value(node, L + "postCode"),
        "town": doc.value(node, L + "postName"),
        "city_part": ctx.concepts(city_part),
        "district": ctx.concepts(district),
        "lat": lat,
        "lon": lon,
    }


def _provenance(ctx: Ctx, graph: str) -> dict | None:
    """The last write of a document: when, from which source files, by which organisation.

    One activity may have generated a hundred thousand graphs, so only the few properties shown
    are read from it, each by its own lookup, never all its statements."""
    raw, pg = ctx.store.raw, ox.NamedNode(provenance_graph(ctx.base))

    def objects(subject, prop) -> list:
        return [q.object for q in raw.quads_for_pattern(subject, ox.NamedNode(prop), None, pg)]

    best = None
    for q in raw.quads_for_pattern(
        None, ox.NamedNode(str(PROV.generated)), ox.NamedNode(graph), pg
    ):
        times = objects(q.subject, str(PROV.endedAtTime)) or objects(
            q.subject, str(PROV.startedAtTime)
        )
        when = times[0] if times else None
        if best is None or (when.value if when else "") > (best[0].value if best[0] else ""):
            best = (when, q.subject)
    if best is None:
        return None
    when, activity = best
    sources = sorted(
        {
            o.value
            for used in objects(activity, str(PROV.used))
            if not isinstance(used, ox.Literal)
            for o in objects(used, str(DCT.source))
        }
    )
    agent = next(
        (
            o.value
            for o in objects(activity, str(PROV.wasAssociatedWith))
            if isinstance(o, ox.NamedNode)
        ),
        None,
    )
    return {
        "activity": node_key(activity),
        "date": ctx.when(when),
        "sources": sources,
        "agent": ctx.link(agent) if agent else None,
    }


def _record(ctx: Ctx, doc: Doc, iri: str, graph: str) -> dict:
    return {
        "modified": ctx.when(doc.first(iri, str(DCT.modified))),
        "provenance": _provenance(ctx, graph),
    }


def _price(ctx: Ctx, doc: Doc, node: str | None) -> dict | None:
    if node is None:
        return None
    currency = doc.value(node, S + "priceCurrency")
    low, high, exact = (doc.value(node, S + p) for p in ("minPrice", "maxPrice", "price"))
    places = 2 if any(v and "." in v and not v.endswith(".0") for v in (low, high, exact)) else None
    if exact is not None:
        text = format_money(exact, currency, ctx.lang, places)
    elif low is not None and high is not None:
        text = format_money_range(low, high, currency, ctx.lang, places)
    elif low is not None:
        text = ctx.t("od ", "from ") + format_money(low, currency, ctx.lang, places)
    elif high is not None:
        text = ctx.t("do ", "up to ") + format_money(high, currency, ctx.lang, places)
    else:
        return None
    return {
        "text": text,
        "unit": ctx.choose(doc.objects(node, S + "unitText")),
        "jsonld": _compact(
            {
                "@type": "PriceSpecification",
                "price": json_number(exact),
                "minPrice": json_number(low),
                "maxPrice": json_number(high),
                "priceCurrency": currency,
                "unitText": (ctx.choose(doc.objects(node, S + "unitText")) or Text("")).value,
            }
        ),
    }


def _offer(ctx: Ctx, doc: Doc, offer: str) -> dict:
    """What a page shows of an offer (the offer's page, and each offer on its entity's page)."""
    cpv = doc.iris(offer, S + "category")
    fits = doc.iris(offer, P + "declaredFit")
    on_request = any(
        isinstance(o, ox.Literal) and o.value in ("true", "1")
        for o in doc.objects(offer, P + "priceOnRequest")
    )
    return {
        "iri": offer,
        "link": Link(
            ctx.href(offer),
            ctx.choose(doc.objects(offer, NAME)) or Text(labels.local_name(offer)),
            offer,
        ),
        "description": ctx.choose(doc.objects(offer, DESCRIPTION)),
        "cpv": [
            {
                "link": ctx.concept(c),
                "notation": (labels.terms().get(c).notation if c in labels.terms() else None)
                or labels.local_name(c),
            }
            for c in sorted(cpv)
        ],
        "categories": ctx.concepts(doc.iris(offer, P + "offerCategory")),
        "price": _price(ctx, doc, doc.ref(offer, S + "priceSpecification")),
        "on_request": on_request,
        "areas": ctx.concepts(doc.iris(offer, S + "areaServed")),
        "fits": ctx.concepts(fits),
        "reserved": RESERVED_CONTRACT in fits,
        "capacity": ctx.choose(doc.objects(offer, P + "capacity")),
        "valid_from": ctx.when(doc.first(offer, S + "validFrom")),
        "valid_through": ctx.when(doc.first(offer, S + "validThrough")),
        "entity": doc.iris(offer, S + "offeredBy"),
    }


def _offer_jsonld(ctx: Ctx, o: dict, seller: dict | None) -> dict:
    cpv = [c["link"].text.value for c in o["cpv"]]
    return _compact(
        {
            "@type": "Offer",
            "@id": o["iri"],
            "url": ctx.page_url(o["iri"]),
            "name": o["link"].text.value,
            "description": o["description"].value if o["description"] else None,
            "category": cpv[0]
            if cpv
            else (o["categories"][0].text.value if o["categories"] else None),
            "itemOffered": {
                "@type": "Service",
                "name": o["link"].text.value,
                "category": cpv[0] if cpv else None,
            },
            "seller": seller,
            "priceSpecification": o["price"]["jsonld"] if o["price"] else None,
            "areaServed": [
                {"@type": "AdministrativeArea", "name": a.text.value} for a in o["areas"]
            ],
            "validFrom": o["valid_from"].iso if o["valid_from"] else None,
            "validThrough": o["valid_through"].iso if o["valid_through"] else None,
        }
    )


def _action_row(ctx: Ctx, subject: str, graph: ox.NamedNode) -> dict:
    """One cooperation action in a list: name, years, form, amount."""
    props = statements(ctx.store, subject, graph)
    start = ctx.when(next(iter(props.get(S + "startDate", [])), None))
    end = ctx.when(next(iter(props.get(S + "endDate", [])), None))
    amount = None
    for node in props.get(P + "amount", []):
        node_props = statements(ctx.store, node, graph) if not isinstance(node, ox.Literal) else {}
        value = next(iter(node_props.get(S + "value", [])), None)
        if value is not None:
            currency = next(iter(node_props.get(S + "currency", [])), None)
            amount = format_money(value.value, currency.value if currency else None, ctx.lang)
    name = ctx.choose(props.get(NAME, [])) or Text(labels.local_name(subject))
    return {
        "link": Link(ctx.href(subject), name, subject),
        "start": start,
        "end": end,
        "years": _period(start, end, ctx.lang),
        "forms": ctx.concepts(
            o.value for o in props.get(P + "cooperationForm", []) if isinstance(o, ox.NamedNode)
        ),
        "amount": amount,
        "sort": (start.iso if start else "", end.iso if end else "", name.value),
    }


# -- entity ----------------------------------------------------------------------------------


def entity(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("entity", key)
    doc = Doc(ctx.store, graph)
    if not doc.has_type(iri, P + "SocialEconomyEntity"):
        return None
    title = ctx.choose(doc.objects(iri, NAME)) or Text(key)
    page = _base_page(
        ctx, "entity", key, title, [_crumb("/entities", ctx.t("Podmioty", "Entities"))]
    )
    is_unit = doc.has_type(iri, P + "SocialEconomyUnit")
    org_types = doc.iris(iri, str(ROV.orgType))
    legal_forms = [i for i in org_types if i.startswith(VOCAB_BASE + "legal-form/")]
    unit_types = [i for i in org_types if not i.startswith(VOCAB_BASE + "legal-form/")]
    unit_of = [ctx.link(i) for i in doc.iris(iri, str(ORG.unitOf))]
    legal_name = doc.value(iri, str(ROV.legalName))

    statuses = []
    for node in doc.refs(iri, P + "status"):
        start = ctx.when(doc.first(node, S + "startDate"))
        end = ctx.when(doc.first(node, S + "endDate"))
        state = (
            "expired"
            if end and end.date and end.date < ctx.today
            else "future"
            if start and start.date and start.date > ctx.today
            else "valid"
        )
        status_type = doc.iris(node, P + "statusType")
        statuses.append(
            {
                "type": ctx.concept(status_type[0]) if status_type else None,
                "enterprise_types": ctx.concepts(doc.iris(node, P + "socialEnterpriseType")),
                "decision_number": doc.value(node, P + "decisionNumber"),
                "decision_date": ctx.when(doc.first(node, P + "decisionDate")),
                "granted_by": ctx.choose(doc.objects(node, P + "grantedBy")),
                "start": start,
                "end": end,
                "state": state,
            }
        )
    statuses.sort(
        key=lambda s: (
            s["state"] == "expired",
            -(s["start"].date.toordinal() if s["start"] and s["start"].date else 0),
        )
    )

    offers = sorted(
        (
            _offer(ctx, doc, o)
            for o in dict.fromkeys(
                doc.iris(iri, S + "makesOffer") + doc.subjects(S + "offeredBy", iri)
            )
            if o in doc.index
        ),
        key=lambda o: o["link"].text.value.casefold(),
    )

    history_rows = [
        _action_row(ctx, q.subject.value, q.graph_name)
        for q in ctx.store.raw.quads_for_pattern(
            None, ox.NamedNode(P + "partner"), ox.NamedNode(iri), None
        )
        if isinstance(q.subject, ox.NamedNode)
    ]
    history_rows.sort(key=lambda r: r["sort"], reverse=True)

    address = _address(ctx, doc, iri)
    points = []
    if address and address["lat"] is not None and address["lon"] is not None:
        points.append(
            {"lat": address["lat"], "lon": address["lon"], "name": title.value, "href": None}
        )
    employees = doc.first(iri, S + "numberOfEmployees")
    at_risk = doc.value(iri, P + "shareOfEmployeesAtRisk")
    founded = ctx.when(doc.first(iri, S + "foundingDate"))
    identifiers = _identifiers(ctx, doc, iri)
    contact = _contact(ctx, doc, iri)
    description = ctx.choose(doc.objects(iri, DESCRIPTION))

    page.update(
        is_unit=is_unit,
        legal_forms=[ctx.concept(i) for i in legal_forms],
        unit_types=[ctx.concept(i) for i in unit_types],
        unit_of=unit_of,
        legal_name=legal_name if legal_name and legal_name != title.value else None,
        statuses=statuses,
        identifiers=identifiers,
        address=address,
        points=points,
        contact=contact,
        areas=ctx.concepts(doc.iris(iri, P + "publicTaskArea")),
        description=description,
        founded=founded,
        employees=ctx.number(employees),
        at_risk=format_percent(at_risk, ctx.lang) if at_risk else None,
        offers=offers,
        history=history_rows[:HISTORY_LIMIT],
        history_count=len(history_rows),
        **_record(ctx, doc, iri, graph),
    )
    website = next((u["href"] for u in contact["urls"] if u["href"]), None)
    page["jsonld"] = _compact(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "@id": iri,
            "name": title.value,
            "legalName": legal_name,
            "mainEntityOfPage": page["url"],
            "url": website,
            "description": description.value if description else None,
            "email": contact["emails"][0] if contact["emails"] else None,
            "telephone": contact["telephones"][0]["text"] if contact["telephones"] else None,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": address["street"] or address["full"],
                "postalCode": address["post_code"],
                "addressLocality": address["town"],
                "addressCountry": "PL",
            }
            if address
            else None,
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": address["lat"],
                "longitude": address["lon"],
            }
            if points
            else None,
            "identifier": [
                {"@type": "PropertyValue", "propertyID": i["short"], "value": i["notation"]}
                for i in identifiers
            ],
            "taxID": next((i["notation"] for i in identifiers if i["key"] == "nip"), None),
            "foundingDate": founded.iso if founded else None,
            "numberOfEmployees": {
                "@type": "QuantitativeValue",
                "value": json_number(employees.value),
            }
            if isinstance(employees, ox.Literal)
            else None,
            "parentOrganization": [_ref(u, "Organization") for u in unit_of],
            "makesOffer": [_offer_jsonld(ctx, o, None) for o in offers],
        }
    )
    return page


# -- offer -----------------------------------------------------------------------------------


def offer(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("offer", key)
    doc = Doc(ctx.store, graph)
    if not doc.has_type(iri, S + "Offer"):
        return None
    o = _offer(ctx, doc, iri)
    entities = [
        Link(ctx.href(e), ctx.choose(doc.objects(e, NAME)) or ctx.name(e), e) for e in o["entity"]
    ]
    crumbs = [_crumb("/offers", ctx.t("Oferta PES", "PES offers"))]
    crumbs += [_crumb(e.href, e.text) for e in entities[:1]]
    page = _base_page(ctx, "offer", key, o["link"].text, crumbs)
    page.update(
        offer=o, entities=entities, **_record(ctx, doc, entities[0].iri if entities else iri, graph)
    )
    page["jsonld"] = {
        "@context": "https://schema.org",
        **_offer_jsonld(ctx, o, _ref(entities[0], "Organization") if entities else None),
    }
    return page


# -- opportunity -----------------------------------------------------------------------------


def opportunity(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("opportunity", key)
    doc = Doc(ctx.store, graph)
    if not doc.has_type(iri, P + "CooperationOpportunity"):
        return None
    title = ctx.choose(doc.objects(iri, NAME)) or Text(key)
    page = _base_page(
        ctx,
        "opportunity",
        key,
        title,
        [_crumb("/opportunities", ctx.t("Możliwości współpracy", "Cooperation opportunities"))],
    )
    kinds = doc.iris(iri, P + "opportunityKind")
    fits = doc.iris(iri, P + "declaredFit")
    statuses = doc.iris(iri, P + "opportunityStatus")
    deadline = ctx.when(doc.first(iri, S + "validThrough"))
    issued = ctx.when(doc.first(iri, str(DCT.issued)))
    is_open = not any(s in CLOSED_STATUSES for s in statuses) and not any(
        s.endswith("/planowana") for s in statuses
    )
    days_left = None
    if deadline and deadline.date and is_open:
        days = (deadline.date - ctx.today).days
        text = (
            days_left_text(days, ctx.lang)
            if days >= 0
            else ctx.t("termin minął", "deadline passed")
        )
        days_left = {"days": days, "text": text}
    publishers = [ctx.link(u) for u in doc.iris(iri, str(DCT.publisher))]
    budget_node = doc.ref(iri, P + "budget")
    page_links = [
        {"text": o.value, "href": web_url(o.value)}
        for o in doc.objects(iri, str(FOAF.page))
        if isinstance(o, ox.NamedNode)
    ]

    # Applications in a competition and the commission's evaluation cards.
    applications, criteria = [], {}
    for app in sorted(doc.typed(P + "CompetitionApplication")):
        cards = doc.subjects(P + "evaluatesApplication", app)
        scores, total, total_max, card_dates = {}, Decimal(0), Decimal(0), []
        for card in cards:
            when = ctx.when(doc.first(card, str(DCT.date)))
            if when:
                card_dates.append(when)
            for score in doc.refs(card, P + "criterionScore"):
                criterion = doc.value(score, P + "criterion")
                points, best = doc.value(score, P + "score"), doc.value(score, P + "maxScore")
                if criterion is None or points is None:
                    continue
                criteria[criterion] = ctx.concept(criterion)
                scores[criterion] = {
                    "score": format_number(points, ctx.lang),
                    "max": format_number(best, ctx.lang) if best else None,
                }
                total += _decimal(points) or 0
                total_max += (_decimal(best) or 0) if best else 0
        applicant = doc.iris(app, P + "applicant")
        applications.append(
            {
                "id": labels.local_name(app),
                "title": ctx.choose(doc.objects(app, NAME)),
                "applicants": [ctx.link(a) for a in applicant],
                "requested": ctx.amount(doc, doc.ref(app, P + "requestedAmount")),
                "scores": scores,
                "evaluated": bool(cards),
                "total": format_number(str(total), ctx.lang) if scores else None,
                "total_max": format_number(str(total_max), ctx.lang)
                if scores and total_max
                else None,
                "dates": sorted({w.iso: w for w in card_dates}.values(), key=lambda w: w.iso),
                "sort": -total if scores else Decimal(1),
            }
        )
    applications.sort(key=lambda a: (a["sort"], a["id"]))
    criteria_list = [
        {
            "iri": c,
            "link": criteria[c],
            "notation": (labels.terms().get(c).notation if c in labels.terms() else None)
            or labels.local_name(c),
        }
        for c in sorted(criteria, key=natural_key)
    ]

    answered = [
        _action_row(ctx, q.subject.value, q.graph_name)
        for q in ctx.store.raw.quads_for_pattern(
            None, ox.NamedNode(P + "answers"), ox.NamedNode(iri), None
        )
        if isinstance(q.subject, ox.NamedNode)
    ]
    answered.sort(key=lambda r: r["sort"], reverse=True)

    cpv = doc.iris(iri, S + "category")
    description = ctx.choose(doc.objects(iri, DESCRIPTION))
    budget = ctx.amount(doc, budget_node)
    page.update(
        kinds=[ctx.concept(k) for k in kinds],
        description=description,
        publishers=publishers,
        areas=ctx.concepts(doc.iris(iri, P + "publicTaskArea")),
        cpv=[
            {
                "link": ctx.concept(c),
                "notation": (labels.terms().get(c).notation if c in labels.terms() else None)
                or labels.local_name(c),
            }
            for c in sorted(cpv)
        ],
        budget=budget,
        issued=issued,
        deadline=deadline,
        days_left=days_left,
        statuses=[ctx.concept(s) for s in statuses],
        is_open=is_open,
        pages=page_links,
        reserved=RESERVED_CONTRACT in kinds or RESERVED_CONTRACT in fits,
        fits=ctx.concepts(f for f in fits if f not in kinds),
        applications=applications,
        criteria=criteria_list,
        answered=answered,
        **_record(ctx, doc, iri, graph),
    )
    budget_value = doc.value(budget_node, S + "value")
    page["jsonld"] = _compact(
        {
            "@context": "https://schema.org",
            "@type": "Demand",
            "@id": iri,
            "url": page["url"],
            "name": title.value,
            "description": description.value if description else None,
            "category": page["cpv"][0]["link"].text.value if page["cpv"] else None,
            "validFrom": issued.iso if issued else None,
            "validThrough": deadline.iso if deadline else None,
            "priceSpecification": {
                "@type": "PriceSpecification",
                "maxPrice": json_number(budget_value),
                "priceCurrency": doc.value(budget_node, S + "currency") or "PLN",
            }
            if budget_value
            else None,
            "subjectOf": [{"@type": "WebPage", "url": p["href"]} for p in page_links if p["href"]],
            # The publisher seeks what the opportunity asks for (schema.org has no inverse of "seeks").
            "@reverse": {"seeks": [_ref(p, "GovernmentOrganization") for p in publishers]},
        }
    )
    return page


# -- action ----------------------------------------------------------------------------------


def action(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("action", key)
    doc = Doc(ctx.store, graph)
    if not doc.has_type(iri, P + "CooperationAction"):
        return None
    title = ctx.choose(doc.objects(iri, NAME)) or Text(key)
    page = _base_page(
        ctx, "action", key, title, [_crumb("/actions", ctx.t("Współpraca", "Cooperation"))]
    )
    start = ctx.when(doc.first(iri, S + "startDate"))
    end = ctx.when(doc.first(iri, S + "endDate"))
    partners = sorted(
        (ctx.link(p) for p in doc.iris(iri, P + "partner")),
        key=lambda link: link.text.value.casefold(),
    )
    units = [ctx.link(u) for u in doc.iris(iri, P + "cityUnit")]
    answers = [ctx.link(o) for o in doc.iris(iri, P + "answers")]
    outcome = ctx.choose(doc.objects(iri, P + "outcome"))
    description = ctx.choose(doc.objects(iri, DESCRIPTION))
    beneficiaries = doc.first(iri, P + "beneficiaries")
    page.update(
        forms=ctx.concepts(doc.iris(iri, P + "cooperationForm")),
        modes=ctx.concepts(doc.iris(iri, P + "mode")),
        partners=partners,
        units=units,
        answers=answers,
        areas=ctx.concepts(doc.iris(iri, P + "publicTaskArea")),
        areas_served=ctx.concepts(doc.iris(iri, S + "areaServed")),
        start=start,
        end=end,
        years=_period(start, end, ctx.lang),
        amount=ctx.amount(doc, doc.ref(iri, P + "amount")),
        beneficiaries=ctx.number(beneficiaries),
        outcome=outcome,
        description=description,
        **_record(ctx, doc, iri, graph),
    )
    page["jsonld"] = _compact(
        {
            "@context": "https://schema.org",
            "@type": "Action",
            "@id": iri,
            "url": page["url"],
            "name": title.value,
            "description": description.value if description else None,
            "agent": [_ref(u, "GovernmentOrganization") for u in units],
            "participant": [_ref(p, "Organization") for p in partners],
            "startTime": start.iso if start else None,
            "endTime": end.iso if end else None,
            "result": {"@type": "Thing", "description": outcome.value} if outcome else None,
            "object": [_ref(a, "Demand") for a in answers],
        }
    )
    return page


# -- unit ------------------------------------------------------------------------------------


def _latest(
    ctx: Ctx, predicate: str, target: str, kind: str, date_property: str
) -> tuple[list, int]:
    """Resources of ``kind`` that point to ``target`` by ``predicate``, newest first: at most
    LIST_LIMIT of them, and how many there are. Read from the search index (the opportunities a
    unit published, the actions it took part in), so the cost does not grow with the store."""
    from flask import current_app

    from ..listing import newest_with
    from ..search import link_value

    facet = {(str(DCT.publisher), "opportunity"): "publisher", (P + "cityUnit", "action"): "unit"}[
        (predicate, kind)]
    hits, total = newest_with(current_app.extensions["registry.search"], kind, facet,
                              link_value(target, ctx.base), LIST_LIMIT)
    return [(None, h.iri, ox.NamedNode(h.graph or graph_iri(h.base, kind, h.key))) for h in hits], total


def unit(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("unit", key)
    doc = Doc(ctx.store, graph)
    types = [c for c in (P + "Municipality", P + "CityUnit") if doc.has_type(iri, c)]
    if not types:
        return None
    title = ctx.choose(doc.objects(iri, NAME)) or Text(key)
    parents = [ctx.link(u) for u in doc.iris(iri, str(ORG.unitOf))]
    crumbs = [_crumb(p.href, p.text) for p in parents[:1]]
    page = _base_page(ctx, "unit", key, title, crumbs)

    opportunities, opportunity_count = _latest(
        ctx, str(DCT.publisher), iri, "opportunity", str(DCT.issued)
    )
    opportunity_rows = []
    for _, subject, g in opportunities:
        props = statements(ctx.store, subject, g)
        opportunity_rows.append(
            {
                "link": Link(
                    ctx.href(subject),
                    ctx.choose(props.get(NAME, [])) or Text(labels.local_name(subject)),
                    subject,
                ),
                "issued": ctx.when(next(iter(props.get(str(DCT.issued), [])), None)),
                "deadline": ctx.when(next(iter(props.get(S + "validThrough", [])), None)),
                "kinds": ctx.concepts(
                    o.value
                    for o in props.get(P + "opportunityKind", [])
                    if isinstance(o, ox.NamedNode)
                ),
                "statuses": ctx.concepts(
                    o.value
                    for o in props.get(P + "opportunityStatus", [])
                    if isinstance(o, ox.NamedNode)
                ),
            }
        )
    actions, action_count = _latest(ctx, P + "cityUnit", iri, "action", S + "startDate")
    action_rows = [_action_row(ctx, subject, g) for _, subject, g in actions]

    # Units under this one, and social economy units it runs (at most RUNS_LIMIT of each, by key,
    # then by name: a name costs a lookup).
    subunits, run = set(), set()
    for q in ctx.store.raw.quads_for_pattern(
        None, ox.NamedNode(str(ORG.unitOf)), ox.NamedNode(iri), None
    ):
        s = q.subject.value if isinstance(q.subject, ox.NamedNode) else ""
        if s.startswith(f"{ctx.document_base}/id/unit/"):
            subunits.add(s)
        elif s.startswith(f"{ctx.document_base}/id/entity/"):
            run.add(s)

    def named(iris: set[str]) -> list[Link]:
        return sorted(
            (ctx.link(i) for i in sorted(iris)[:RUNS_LIMIT]),
            key=lambda link: link.text.value.casefold(),
        )

    contact = _contact(ctx, doc, iri)
    identifiers = _identifiers(ctx, doc, iri)
    description = ctx.choose(doc.objects(iri, DESCRIPTION))
    page.update(
        types=[ctx.concept(c) for c in types],
        parents=parents,
        description=description,
        contact=contact,
        identifiers=identifiers,
        teryt=doc.value(iri, P + "teryt"),
        address=_address(ctx, doc, iri),
        opportunities=opportunity_rows,
        opportunity_count=opportunity_count,
        actions=action_rows,
        action_count=action_count,
        subunits=named(subunits),
        subunit_count=len(subunits),
        runs=named(run),
        run_count=len(run),
        **_record(ctx, doc, iri, graph),
    )
    website = next((u["href"] for u in contact["urls"] if u["href"]), None)
    page["jsonld"] = _compact(
        {
            "@context": "https://schema.org",
            "@type": "GovernmentOrganization",
            "@id": iri,
            "name": title.value,
            "mainEntityOfPage": page["url"],
            "url": website,
            "description": description.value if description else None,
            "email": contact["emails"][0] if contact["emails"] else None,
            "identifier": [
                {"@type": "PropertyValue", "propertyID": i["short"], "value": i["notation"]}
                for i in identifiers
            ],
            "taxID": next((i["notation"] for i in identifiers if i["key"] == "nip"), None),
            "parentOrganization": [_ref(p, "GovernmentOrganization") for p in parents],
            "subOrganization": [_ref(s, "GovernmentOrganization") for s in page["subunits"]],
        }
    )
    return page


# -- programme -------------------------------------------------------------------------------

# The sections of a programme (art. 5a ust. 4 of the act on public benefit activity), in the
# act's order, then the strategic part. Headings are the ontology's labels of the properties.
SECTIONS = (
    "principles",
    "scope",
    "cooperationFormsText",
    "priorityTasks",
    "periodText",
    "implementationMethod",
    "plannedFundsText",
    "evaluationMethod",
    "consultationProcess",
    "competitionCommissions",
)
STRATEGIC = ("diagnosis", "legalBasis", "vision")


def _programme_period(ctx: Ctx, doc: Doc, iri: str) -> tuple[When | None, When | None]:
    node = doc.ref(iri, str(DCT.temporal))
    start = ctx.when(doc.first(node, str(DCAT.startDate)) or doc.first(node, S + "startDate"))
    end = ctx.when(doc.first(node, str(DCAT.endDate)) or doc.first(node, S + "endDate"))
    return start, end


def _state(ctx: Ctx, start: When | None, end: When | None) -> str:
    """ "current", "future" or "ended" (a programme without a start date counts as ended)."""
    if start and start.date and start.date > ctx.today:
        return "future"
    if start and start.date and (end is None or end.date is None or ctx.today <= end.date):
        return "current"
    return "ended"


def _section(ctx: Ctx, prop: str, content, heading: str | None = None) -> dict:
    """A section of the programme headed by the ontology's label of its property (without the
    "(text)" that tells the text apart from the structured property)."""
    label = heading or re.sub(r"\s*\((opis|text)\)$", "", ctx.concept(prop).text.value)
    return {"id": labels.local_name(prop), "heading": _sentence(label), "property": prop, **content}


def _resolution(ctx: Ctx, doc: Doc, iri: str) -> dict | None:
    node = doc.ref(iri, P + "adoptedBy")
    if node is None:
        return None
    E = str(ELI)
    return {
        "number": doc.value(node, E + "id_local"),
        "title": ctx.choose(doc.objects(node, E + "title")),
        "date": ctx.when(doc.first(node, E + "date_document")),
        "href": web_url(doc.value(node, E + "is_realized_by") or doc.value(node, str(FOAF.page))),
    }


def programme(ctx: Ctx, key: str, graph: str) -> dict | None:
    iri = ctx.iri("programme", key)
    doc = Doc(ctx.store, graph)
    if not doc.has_type(iri, P + "CooperationProgramme"):
        return None
    title = ctx.choose(doc.objects(iri, NAME)) or Text(key)
    page = _base_page(
        ctx,
        "programme",
        key,
        title,
        [_crumb("/programme", ctx.t("Programy współpracy", "Cooperation programmes"))],
    )
    start, end = _programme_period(ctx, doc, iri)
    resolution = _resolution(ctx, doc, iri)

    def goal_text(node: str) -> Text:
        return (
            ctx.choose(doc.objects(node, NAME))
            or ctx.choose(doc.objects(node, DESCRIPTION))
            or Text(labels.local_name(node))
        )

    goals = {
        g: goal_text(g) for g in doc.refs(iri, P + "mainGoal") + doc.refs(iri, P + "specificGoal")
    }
    sections = []
    main = doc.refs(iri, P + "mainGoal")
    specific = sorted(doc.refs(iri, P + "specificGoal"), key=natural_key)
    if main:
        sections.append(
            _section(
                ctx,
                P + "mainGoal",
                {
                    "goals": [{"id": labels.local_name(g), "text": goals[g]} for g in main],
                    "single": True,
                },
            )
        )
    if specific:
        sections.append(
            _section(
                ctx,
                P + "specificGoal",
                {"goals": [{"id": labels.local_name(g), "text": goals[g]} for g in specific]},
                heading=ctx.t("cele szczegółowe", "specific goals") if len(specific) > 1 else None,
            )
        )
    for name in SECTIONS:
        texts = [t for t in [ctx.choose(doc.objects(iri, P + name))] if t]
        extra = {}
        if name == "cooperationFormsText":
            extra["concepts"] = ctx.concepts(doc.iris(iri, P + "plannedForm"))
        if name == "plannedFundsText":
            funds = ctx.amount(doc, doc.ref(iri, P + "plannedFunds"))
            extra["amount"] = funds
        if texts or any(extra.values()):
            sections.append(_section(ctx, P + name, {"texts": texts, **extra}))
    strategic = [
        _section(ctx, P + name, {"texts": [t]})
        for name in STRATEGIC
        if (t := ctx.choose(doc.objects(iri, P + name)))
    ]

    indicators = {}
    for node in sorted(doc.refs(iri, P + "hasIndicator"), key=natural_key):
        computed = doc.value(node, P + "computedBy")
        indicators[node] = {
            "id": labels.local_name(node),
            "name": goal_text(node),
            "unit": ctx.choose(doc.objects(node, P + "unitOfMeasure")),
            "baseline": ctx.number(doc.first(node, P + "baseline")),
            "target": ctx.number(doc.first(node, P + "target")),
            "computed_by": computed,
            "computed_href": f"/api/queries/{computed}"
            if computed in queries.all_queries()
            else None,
            "source": ctx.choose(doc.objects(node, P + "manualSource")),
            "values": {},
        }
    years = set()
    for obs in doc.typed(str(QB.Observation)):
        node = doc.ref(obs, P + "indicator")
        period = ctx.when(doc.first(obs, str(SDMX_DIMENSION.refPeriod)))
        value = doc.first(obs, str(SDMX_MEASURE.obsValue))
        if node in indicators and period and value is not None:
            indicators[node]["values"][period.iso] = ctx.number(value)
            years.add(period.iso)

    actions = []
    for node in sorted(doc.refs(iri, P + "hasAction"), key=natural_key):
        actions.append(
            {
                "id": labels.local_name(node),
                "name": goal_text(node),
                "justification": ctx.choose(doc.objects(node, P + "justification")),
                "innovation": ctx.choose(doc.objects(node, P + "innovation")),
                "units": [ctx.link(u) for u in doc.iris(node, P + "responsibleUnit")],
                "goals": [
                    {"id": labels.local_name(g), "text": goals.get(g) or goal_text(g)}
                    for g in sorted(doc.refs(node, P + "contributesTo"), key=natural_key)
                ],
                "funds": ctx.amount(doc, doc.ref(node, P + "plannedFunds")),
                "indicators": [
                    {"id": indicators[i]["id"], "name": indicators[i]["name"]}
                    if i in indicators
                    else {"id": labels.local_name(i), "name": goal_text(i)}
                    for i in sorted(doc.refs(node, P + "measuredBy"), key=natural_key)
                ],
            }
        )
    from ..report import years_of

    report_years = years_of(start.iso if start else None, end.iso if end else None, ctx.today)
    page.update(
        start=start,
        end=end,
        state=_state(ctx, start, end),
        reports=[
            {"year": y, "href": f"/programme/{key}/report/{y}",
             "pdf": f"/programme/{key}/report/{y}.pdf", "current": y == ctx.today.year}
            for y in report_years
        ] if not ctx.source else [],
        resolution=resolution,
        sections=sections,
        strategic=strategic,
        actions=actions,
        indicators=list(indicators.values()),
        years=sorted(years),
        **_record(ctx, doc, iri, graph),
    )
    page["jsonld"] = _compact(
        {
            "@context": "https://schema.org",
            "@type": "CreativeWork",
            "@id": iri,
            "url": page["url"],
            "name": title.value,
            "inLanguage": "pl",
            "temporalCoverage": f"{start.iso}/{end.iso}" if start and end else None,
            "isPartOf": {
                "@type": "Legislation",
                "legislationIdentifier": resolution["number"],
                "name": resolution["title"].value if resolution["title"] else None,
                "legislationDate": resolution["date"].iso if resolution["date"] else None,
            }
            if resolution
            else None,
        }
    )
    return page


def programmes(ctx: Ctx) -> dict:
    """Every programme, newest first, and the one in force today."""
    rows = []
    for q in ctx.store.raw.quads_for_pattern(
        None, ox.NamedNode(TYPE), ox.NamedNode(P + "CooperationProgramme"), None
    ):
        iri = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
        if (
            iri is None
            or not iri.startswith(f"{ctx.base}/id/programme/")
            or q.graph_name.value != graph_iri(ctx.base, "programme", iri.rsplit("/", 1)[1])
        ):
            continue
        doc = Doc(ctx.store, q.graph_name.value)
        start, end = _programme_period(ctx, doc, iri)
        rows.append(
            {
                "link": Link(
                    ctx.href(iri),
                    ctx.choose(doc.objects(iri, NAME)) or Text(labels.local_name(iri)),
                    iri,
                ),
                "start": start,
                "end": end,
                "state": _state(ctx, start, end),
                "resolution": _resolution(ctx, doc, iri),
            }
        )
    rows.sort(key=lambda r: (r["start"].iso if r["start"] else "", r["link"].iri), reverse=True)
    current = next((r for r in rows if r["state"] == "current"), None)
    title = Text(ctx.t("Programy współpracy", "Cooperation programmes"))
    return {
        "title": title,
        "programmes": rows,
        "current": current,
        "crumbs": [_crumb("/", ctx.t("Strona główna", "Home")), _crumb(None, title)],
        "jsonld": _compact(
            {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "name": title.value,
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": n,
                        "url": ctx.page_url(r["link"].iri),
                        "name": r["link"].text.value,
                    }
                    for n, r in enumerate(rows, start=1)
                ],
            }
        ),
    }


VIEWS = {
    "entity": entity,
    "offer": offer,
    "opportunity": opportunity,
    "action": action,
    "unit": unit,
    "programme": programme,
}


# -- resources harvested from other registries -----------------------------------------------


def harvested_graph_of(store: Store, source: str, kind: str, key: str) -> str | None:
    """The graph of a resource harvested from the registry at ``source``, or None when a harvest
    brought no such resource (an offer lives in its entity's document)."""
    from ..namespaces import DOCUMENT_KINDS
    from ..search import harvested_graph

    if kind in DOCUMENT_KINDS:
        graph = graph_iri(source, kind, key)
        found = store.has_graph(graph)
    else:
        offer = ox.NamedNode(resource_iri(source, kind, key))
        graph = next((q.graph_name.value for q in store.raw.quads_for_pattern(
            offer, ox.NamedNode(S + "offeredBy"), None, None)
            if q.graph_name.value.startswith(f"{source}/entity/")), "")
        found = bool(graph)
    return graph if found and harvested_graph(store, graph) else None


def harvested(ctx: Ctx, kind: str, key: str, source: str) -> dict | None:
    """The page of a resource harvested from the registry whose base is ``source``: the page of
    its kind, read from the harvested document, with ``harvested``: the source registry's name,
    the original page, the time of the harvest that wrote the document and the source's
    catalogue. None when no harvest brought that resource."""
    from flask import current_app

    from ..search import Source

    if source not in ctx.harvested_bases():
        return None
    graph = harvested_graph_of(ctx.store, source, kind, key)
    view = VIEWS.get(kind)
    if graph is None or view is None:
        return None
    page = view(replace(ctx, source=source, _names={}), key, graph)
    if page is None:
        return None
    info = current_app.extensions["registry.search"].sources().get(source) or Source(source, source)
    provenance = page.get("provenance") or {}
    page["harvested"] = {
        "name": Text(info.label(ctx.lang)),
        "base": source,
        "home": web_url(source + "/"),
        "original": web_url(f"{source}/{kind}/{key}"),
        "catalogue": web_url(info.catalogue),
        "date": provenance.get("date"),
    }
    page["template"] = f"{kind}.html"
    if isinstance(page.get("jsonld"), dict):
        page["jsonld"]["isBasedOn"] = page["harvested"]["original"]
    return page
