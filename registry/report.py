"""The yearly implementation report of a cooperation programme (art. 5a ust. 3 dpp).

``build(store, base, year, programme)`` gathers, from the registry's data, what the programme
planned and what was done in the year: the cooperation actions begun in it, their totals by form,
mode and public-task area, the open calls for proposals with their applications, small grants,
purchases, consultations and the programme's indicators against their baseline and target. Every
table and figure names the named query (``sparql_queries/report_*.rq`` and others) and the
parameters that produced it; the report's last section lists them all with their addresses in
the query API.

``render_document`` writes the report as one self-contained HTML document (the print stylesheet
inlined), ``render_pdf`` turns that into a PDF with WeasyPrint, fetching nothing: every resource
the document names is refused, so rendering never reaches the network. The report is in Polish,
the language of the law.

>>> parse_year("2014")
2014
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jinja2
from markupsafe import Markup

from . import config, queries
from .errors import StoreError, UsageError
from .store import Store, resource_iri, valid_key

YEAR = re.compile(r"[0-9]{4}")
FIRST_YEAR, LAST_YEAR = 1990, 2100
GRANT_FORMS = ("otwarty-konkurs", "maly-grant")


class ReportNotFound(UsageError):
    """There is no such report: an unknown programme, or a year outside its period."""

    def __init__(self, message: str, pl: str):
        super().__init__(message)
        self.pl = pl


def parse_year(text: str) -> int:
    """A report's year from what a user wrote: four digits between 1990 and 2100."""
    value = (text or "").strip()
    if not YEAR.fullmatch(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise UsageError(
            f"the year must be written with four digits between {FIRST_YEAR} and {LAST_YEAR}, "
            f"e.g. 2014 (got {text!r})"
        )
    return int(value)


# -- sources -----------------------------------------------------------------------------------


@dataclass
class Source:
    """A named query with the parameters that produced a table or figure of the report."""

    number: int
    query: str
    params: dict[str, str]
    used_for: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"zrodlo-{self.number}"

    @property
    def path(self) -> str:
        """The query's address in the query API, with its parameters."""
        query = urlencode(self.params)
        return f"/api/queries/{self.query}" + (f"?{query}" if query else "")


class _Sources:
    """The report's sources, one per distinct query and parameters, numbered as first used."""

    def __init__(self, store: Store):
        self.store = store
        self.items: list[Source] = []

    def run(self, name: str, used_for: str, **params: str) -> tuple[Source, list[dict]]:
        query = queries.get(name)
        params = {k: v for k, v in params.items() if v is not None}
        source = self.cite(name, used_for, **params)
        result = query.run(self.store, params)
        names = [v.value for v in result.variables]
        rows = [{n: (None if s[n] is None else s[n].value) for n in names} for s in result]
        return source, rows

    def cite(self, name: str, used_for: str, **params: str) -> Source:
        for source in self.items:
            if source.query == name and source.params == params:
                break
        else:
            source = Source(len(self.items) + 1, name, params)
            self.items.append(source)
        if used_for and used_for not in source.used_for:
            source.used_for.append(used_for)
        return source


# -- numbers -----------------------------------------------------------------------------------


def number(lexical: str | None) -> Decimal | None:
    if lexical is None:
        return None
    try:
        value = Decimal(lexical)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def format_number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """A number the Polish way: ``12 500,50``; digits grouped from five digits up."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if places is None:
        places = 0 if d == d.to_integral_value() else 2
    text = f"{d:,.{places}f}"
    return text.replace(",", "\u00a0" if abs(d) >= 10000 else "").replace(".", ",")


def format_money(value: Decimal | int | float | None) -> str:
    return "—" if value is None else f"{format_number(value)}\u00a0zł"


def format_percent(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    rounded = Decimal(str(value)).quantize(Decimal("0.1"))
    return f"{format_number(rounded, 0 if rounded == rounded.to_integral_value() else 1)}%"


MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
          "września", "października", "listopada", "grudnia")


def plural(count: int | Decimal, one: str, few: str, many: str) -> str:
    """The Polish form of a noun after a number: 1 umowa, 2 umowy, 5 umów (fractions: few)."""
    n = Decimal(str(count))
    if n != n.to_integral_value():
        return few
    n = abs(int(n))
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def format_date(value: str | dt.date | None) -> str:
    """``22 listopada 2012`` from an ISO date (or date-time)."""
    if value is None:
        return "—"
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _sum(rows: list[dict], column: str) -> Decimal:
    return sum((number(r.get(column)) or Decimal(0) for r in rows), Decimal(0))


# -- the report --------------------------------------------------------------------------------


def _page(base: str, iri: str | None) -> str | None:
    """The path of an instance's page in this registry, or None for anything else."""
    if iri and iri.startswith(f"{base}/id/"):
        return iri[len(base) + 3 :]
    return None


def programme_for_year(store: Store, base: str, year: int) -> str:
    """The key of the programme in force in ``year`` (the latest to start, if several are)."""
    rows = _Sources(store).run("report_programme", "", year=str(year))[1]
    keys = [r["programme"][len(f"{base}/id/programme/") :] for r in rows
            if r["programme"].startswith(f"{base}/id/programme/")]
    if not keys:
        raise ReportNotFound(
            f"no cooperation programme in the registry covers {year}",
            f"Żaden program współpracy w rejestrze nie obejmuje roku {year}.",
        )
    return keys[-1]  # rows come by start date


def years_of(start: str | None, end: str | None, today: dt.date) -> list[int]:
    """The years a programme has reports for: from its start to its end or this year."""
    if not start or not YEAR.fullmatch(start[:4]):
        return []
    last = int(end[:4]) if end and YEAR.fullmatch(end[:4]) else today.year
    return list(range(int(start[:4]), min(last, today.year) + 1))


def build(
    store: Store, base: str, year: int, programme: str | None = None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The report of ``programme`` (a key; default: the one in force in ``year``) for ``year``.

    Raises ``ReportNotFound`` for an unknown programme or a year outside its period."""
    base = base.rstrip("/")
    today = today or queries.today()
    if programme is None:
        programme = programme_for_year(store, base, year)
    if not valid_key(programme):
        raise ReportNotFound(
            f"there is no programme “{programme}” in this registry",
            f"W rejestrze nie ma programu „{programme}”.",
        )
    sources = _Sources(store)
    src, rows = sources.run("report_programme", "1. Program", programme=programme)
    iri = resource_iri(base, "programme", programme)
    rows = [r for r in rows if r["programme"] == iri]
    if not rows:
        raise ReportNotFound(
            f"there is no programme “{programme}” in this registry",
            f"W rejestrze nie ma programu „{programme}”.",
        )
    first = rows[0]
    start, end = first["start"], first["end"]
    if not (int(start[:4]) <= year and (end is None or year <= int(end[:4]))):
        period = f"{start[:4]}–{end[:4]}" if end else f"{start[:4]}–"
        raise ReportNotFound(
            f"the programme {programme} covers {period}, not {year}",
            f"Program {programme} obejmuje lata {period}, nie rok {year}.",
        )
    report: dict[str, Any] = {
        "year": year,
        "key": programme,
        "iri": iri,
        "page": _page(base, iri),
        "title": first["name"] or programme,
        "start": start,
        "end": end,
        "resolution": {
            "number": first["resolutionNumber"],
            "title": first["resolutionTitle"],
            "date": first["resolutionDate"],
        } if first["resolutionNumber"] or first["resolutionTitle"] else None,
        "planned_funds": number(first["plannedFunds"]),
        "main_goals": [r["goalName"] for r in rows if r["goalType"] == "main"],
        "specific_goals": [r["goalName"] for r in rows if r["goalType"] == "specific"],
        "programme_source": src,
        "today": today,
        "store_version": store.version(),
        "in_progress": year >= today.year,
        "years": years_of(start, end, today),
    }
    report["plan"] = _plan(sources, programme)
    report["actions"] = _actions(sources, base, year)
    report["competitions"] = _opportunities(sources, base, year, "otwarty-konkurs",
                                            "4. Otwarte konkursy ofert")
    report["small_grants"] = _subset(sources, base, year, "5. Małe granty", form="maly-grant")
    report["small_grants"]["share"] = _small_grant_share(report["actions"]["by_form"])
    report["purchases"] = _subset(sources, base, year, "6. Zakupy i zamówienia",
                                  cooperationForm="zamowienia")
    report["consultations"] = _subset(sources, base, year, "7. Konsultacje", form="konsultacje")
    report["indicators"] = _indicators(sources, store, programme, year)
    report["sources"] = sources.items
    return report


def _plan(sources: _Sources, programme: str) -> dict:
    source, rows = sources.run("report_programme_plan", "2. Co zaplanowano",
                               programme=programme)
    actions = [
        {
            "name": r["actionName"] or r["action"].rsplit("#", 1)[-1],
            "units": r["unitNames"] or "—",
            "goals": r["goalNames"] or "—",
            "funds": number(r["plannedFunds"]),
            "indicators": int(r["indicators"] or 0),
        }
        for r in rows
    ]
    return {
        "source": source,
        "actions": actions,
        "total": sum((a["funds"] or Decimal(0) for a in actions), Decimal(0)),
    }


def _action_rows(base: str, rows: list[dict]) -> list[dict]:
    return [
        {
            "name": r["actionName"] or r["action"].rsplit("/", 1)[-1],
            "page": _page(base, r["action"]),
            "start": r["start"],
            "end": r["end"],
            "form": r["formLabel"] or r["form"].rsplit("/", 1)[-1],
            "form_key": r["form"].rsplit("/", 1)[-1],
            "mode": r["modeLabel"],
            "amount": number(r["amount"]),
            "beneficiaries": number(r["beneficiaries"]),
            "unit": r["cityUnitName"],
            "partners": int(r["partners"] or 0),
            "partner_names": r["partnerNames"] or "",
            "partner_list": (r["partnerList"] or "").split(),
            "areas": ", ".join(sorted((r["areas"] or "").split(", "), key=_area_key)).strip(", "),
            "outcome": r["outcome"],
        }
        for r in rows
    ]


def _area_key(notation: str) -> tuple[int, str]:
    digits = re.sub(r"[^0-9]", "", notation)
    return (int(digits) if digits else 0, notation)


def _actions(sources: _Sources, base: str, year: int) -> dict:
    y = str(year)
    source, rows = sources.run("report_actions", "3. Działania współpracy w roku", year=y)
    actions = _action_rows(base, rows)
    by_form_source, by_form = sources.run(
        "cooperation_actions_by_year_form", "3.1. Według formy współpracy", year=y)
    by_mode_source, by_mode = sources.run(
        "report_actions_by_mode", "3.2. Według trybu zlecania zadań", year=y)
    by_area_source, by_area = sources.run(
        "report_actions_by_area", "3.3. Według sfery zadań publicznych", year=y)
    forms = [
        {
            "label": r["formLabel"] or r["form"].rsplit("/", 1)[-1],
            "key": r["form"].rsplit("/", 1)[-1],
            "actions": int(r["actions"]),
            "amount": number(r["amount"]) or Decimal(0),
            "partners": int(r["partners"] or 0),
        }
        for r in by_form
    ]
    return {
        "source": source,
        "rows": actions,
        "count": len(actions),
        "amount": sum((a["amount"] or Decimal(0) for a in actions), Decimal(0)),
        "with_amount": sum(a["amount"] is not None for a in actions),
        "partners": len({p for a in actions for p in a["partner_list"]}),
        "beneficiaries": sum((a["beneficiaries"] or Decimal(0) for a in actions), Decimal(0)),
        "by_form": {"source": by_form_source, "rows": forms,
                    "actions": sum(f["actions"] for f in forms),
                    "amount": sum((f["amount"] for f in forms), Decimal(0))},
        "by_mode": {
            "source": by_mode_source,
            "rows": [
                {"label": r["modeLabel"], "actions": int(r["actions"]),
                 "amount": number(r["amount"]) or Decimal(0)}
                for r in by_mode
            ],
        },
        "by_area": {
            "source": by_area_source,
            "rows": [
                {"notation": r["notation"], "label": r["areaLabel"], "actions": int(r["actions"]),
                 "amount": number(r["amount"]) or Decimal(0)}
                for r in by_area
            ],
        },
    }


def _opportunities(sources: _Sources, base: str, year: int, kind: str, used_for: str) -> dict:
    source, rows = sources.run("report_opportunities", used_for, year=str(year), kind=kind)
    calls = [
        {
            "name": r["name"] or r["opportunity"].rsplit("/", 1)[-1],
            "page": _page(base, r["opportunity"]),
            "publisher": r["publisherName"],
            "issued": r["issued"],
            "deadline": r["deadline"],
            "budget": number(r["budget"]),
            "status": r["statusLabel"],
            "applications": int(r["applications"] or 0),
            "requested": number(r["requested"]),
            "actions": int(r["actions"] or 0),
            "awarded": number(r["awarded"]),
        }
        for r in rows
    ]
    return {
        "source": source,
        "rows": calls,
        "count": len(calls),
        "budget": _sum(rows, "budget"),
        "applications": sum(c["applications"] for c in calls),
        "requested": _sum(rows, "requested"),
        "actions": sum(c["actions"] for c in calls),
        "awarded": _sum(rows, "awarded"),
    }


def _subset(sources: _Sources, base: str, year: int, used_for: str, **params: str) -> dict:
    source, rows = sources.run("report_actions", used_for, year=str(year), **params)
    actions = _action_rows(base, rows)
    return {
        "source": source,
        "rows": actions,
        "count": len(actions),
        "amount": sum((a["amount"] or Decimal(0) for a in actions), Decimal(0)),
        "beneficiaries": sum((a["beneficiaries"] or Decimal(0) for a in actions), Decimal(0)),
    }


def _small_grant_share(by_form: dict) -> Decimal | None:
    """Small grants' share (%) of the grants of the year (open calls and small grants)."""
    amounts = {f["key"]: f["amount"] for f in by_form["rows"]}
    grants = sum((amounts.get(k, Decimal(0)) for k in GRANT_FORMS), Decimal(0))
    if not grants:
        return None
    return amounts.get("maly-grant", Decimal(0)) * 100 / grants


# -- indicators --------------------------------------------------------------------------------


def _indicators(sources: _Sources, store: Store, programme: str, year: int) -> list[dict]:
    """The programme's indicators with their value in ``year`` (``registry.indicators``), each
    with the query and parameters that computed it, or the source of a value entered by hand."""
    from . import indicators

    current = {v.indicator: v for v in indicators.values(store, programme, year) if v.year == year}
    rows = []
    for d in indicators.definitions(store, programme):
        value = current.get(d.iri)
        source = None
        if value is not None and value.method == "query" and value.query in queries.all_queries():
            source = sources.cite(value.query, "8. Wskaźniki", **_params(value.source, value.query))
        elif value is None and d.method == "query" and d.query in queries.all_queries():
            source = sources.cite(d.query, "8. Wskaźniki", **_params(None, d.query, year))
        observed = None if value is None else Decimal(str(value.value))
        baseline = None if d.baseline is None else Decimal(str(d.baseline))
        target = None if d.target is None else Decimal(str(d.target))
        progress = None
        if None not in (observed, baseline, target) and target != baseline:
            progress = (observed - baseline) * 100 / (target - baseline)
        manual = value is not None and value.method == "manual"
        rows.append(
            {
                "key": d.key,
                "name": indicators.pick(d.name) or d.key,
                "unit": indicators.pick(d.unit) or None,
                "baseline": baseline,
                "target": target,
                "value": observed,
                "progress": progress,
                "source": None if manual else source,
                # a value entered by hand, or kept in the programme document for a year the
                # indicator's query does not compute
                "manual_source": (
                    f"wprowadzono ręcznie; źródło: {d.manual_source}" if d.manual_source
                    else "wartość zapisana w dokumencie programu"
                ) if manual else None,
                "computed_at": None if value is None else value.computed_at,
            }
        )
    return rows


def _params(address: str | None, query: str, year: int | None = None) -> dict[str, str]:
    """The parameters of a query address (``…/api/queries/{query}?year=2013``), or the year for
    a query that takes one."""
    if address and f"/api/queries/{query}" in address:
        return dict(parse_qsl(urlsplit(address).query))
    if year is not None and any(p.name == "year" for p in queries.get(query).parameters):
        return {"year": str(year)}
    return {}


# -- rendering ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.package_file("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    add_filters(env)
    return env


def add_filters(env: jinja2.Environment) -> None:
    """The report template's filters (for this module's environment and the web's)."""
    env.filters.update(pl_number=format_number, pl_money=format_money, pl_percent=format_percent,
                       pl_date=format_date, pl_plural=plural)


def stylesheet() -> Markup:
    """The report's stylesheet, a file shipped with the registry (never data), for inlining."""
    return Markup(config.package_file("static", "report.css").read_text(encoding="utf-8"))


def render_document(report: dict, *, site: str) -> str:
    """The report as one self-contained HTML document; links are absolute under ``site``."""
    return _environment().get_template("report.html").render(
        report=report, standalone=True, site=site.rstrip("/"), css=stylesheet(),
        lang="pl", t=lambda pl, en: pl,
    )


class PdfUnavailable(StoreError):
    """This machine cannot render PDF (a system library is missing)."""


def render_pdf(document: str) -> bytes:
    """The PDF of a document written by ``render_document`` (WeasyPrint, nothing fetched)."""
    import logging

    try:
        import weasyprint
        import weasyprint.urls
    except (ImportError, OSError) as e:  # WeasyPrint needs the system's Pango library
        raise PdfUnavailable(
            "PDF nie jest dostępny: brak biblioteki systemowej Pango (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0). Raport w HTML działa. / PDF is not available: the "
            f"system library Pango is missing ({e}). The HTML report works."
        ) from None

    # WeasyPrint logs every CSS property it does not implement; the report's stylesheet is
    # written for browsers too, so those lines say nothing useful here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # No protocol allowed: every address the document names is refused, nothing is fetched.
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=frozenset())
    return weasyprint.HTML(string=document, url_fetcher=fetcher).write_pdf()
