"""Offer evaluation cards (karta oceny ofert) of open competitions.

In an open competition (otwarty konkurs ofert) the competition commission scores every offer on
the six criteria of art. 15 ust. 1 of the Act on public benefit activity and volunteering.
Administrators record here the offers received (which entity applied, for what, the amount
requested), the commission's members and each member's scores; the card computes each member's
total, the average per criterion and the total, and ranks the offers.

Who scored what, and the members' names, are for administrators only: they live in SQLite, at
``{data}/evaluation/evaluation.sqlite`` (folder 0700, file 0600), never in the RDF store, so no
SPARQL query, page or dump can show them. The published result is public data: :func:`publish`
writes it into the opportunity's document through the editor (validated by the shapes, with
provenance and history like any write), modelled as ``shapes/opportunity.ttl`` describes it:

* each offer a ``pes:CompetitionApplication`` (``#application-{n}``: ``pes:applicant``, its
  title as ``schema:name``, ``pes:requestedAmount``);
* for each evaluated offer one ``pes:EvaluationCard`` (``#card-{n}``) of the commission, with a
  ``pes:CriterionScore`` per criterion (``#card-{n}-c{criterion}``) holding the average of the
  members' scores and the criterion's maximum;
* for each offer granted, a ``schema:MonetaryGrant`` (``#grant-{n}``) with ``schema:fundedItem``
  the application and ``schema:amount`` the amount granted; an offer without one was not granted;
* the opportunity's status becomes "rozstrzygnięta" (decided).

Arithmetic (``compute``): a member's total is the sum of the member's scores on the offer; the
average of a criterion is the mean of the scores the members gave it, rounded to two decimals
(half up); the total of an offer is the sum of its rounded averages (so the published figures add
up); offers are ranked by total, highest first, and equal totals share a rank (1, 1, 3).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyoxigraph as ox

from .labels import terms
from .namespaces import VOCAB_BASE
from .store import Store, graph_iri, resource_iri

FILE = "evaluation.sqlite"
OPEN_COMPETITION = VOCAB_BASE + "cooperation-instrument/otwarty-konkurs"
DECIDED = VOCAB_BASE + "opportunity-status/rozstrzygnieta"
CENT = Decimal("0.01")

PES = "https://w3id.org/pes-registry/ontology#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_DATE = "http://purl.org/dc/terms/date"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Criterion:
    """One criterion of art. 15 ust. 1: its number, its concept and its maximum points."""

    number: int
    iri: str
    max: Decimal

    def label(self, lang: str = "pl") -> str:
        term = terms().get(self.iri)
        return term.label(lang) if term else str(self.number)


# The card's criteria and their maximum points (the concepts of the evaluation-criterion
# scheme, art. 15 ust. 1 pkt 1–6; criterion 4, the financial contribution, scores only when the
# task is supported rather than entrusted, else 0).
CRITERIA: tuple[Criterion, ...] = tuple(
    Criterion(n, f"{VOCAB_BASE}evaluation-criterion/{n}", Decimal(10)) for n in range(1, 7))


class EvaluationError(ValueError):
    """Input refused, with a message in Polish and English and the field it concerns."""

    def __init__(self, pl: str, en: str, field: str = ""):
        super().__init__(en)
        self.pl, self.en, self.field = pl, en, field

    def message(self, lang: str = "pl") -> str:
        return self.pl if lang == "pl" else self.en


_NUMBER = re.compile(r"^\d{1,12}(?:[.,]\d{1,2})?$")


def parse_points(text: str | None, criterion: Criterion, field: str = "") -> Decimal | None:
    """A score typed by an administrator: empty (not scored), or a number from 0 to the
    criterion's maximum with at most two decimals (a comma or a point)."""
    value = (text or "").strip()
    if not value:
        return None
    if not _NUMBER.match(value):
        raise EvaluationError(
            f"Kryterium {criterion.number}: „{value[:20]}” nie jest liczbą punktów (np. 7 albo 7,5).",
            f"Criterion {criterion.number}: “{value[:20]}” is not a number of points (e.g. 7 or 7.5).", field)
    points = Decimal(value.replace(",", "."))
    if points > criterion.max:
        raise EvaluationError(
            f"Kryterium {criterion.number}: najwyżej {criterion.max} pkt, podano {value}.",
            f"Criterion {criterion.number}: at most {criterion.max} points, {value} given.", field)
    return points


def parse_amount(text: str | None, field: str = "", *, what: tuple[str, str] = ("Kwota", "The amount")
                 ) -> Decimal:
    """An amount in złoty: digits, at most two decimals; spaces between thousands allowed."""
    value = re.sub(r"[\s\u00a0]", "", text or "")
    if not value:
        raise EvaluationError(f"{what[0]}: podaj kwotę w złotych (np. 12000 albo 12000,50).",
                              f"{what[1]}: give an amount in złoty (e.g. 12000 or 12000.50).", field)
    if not _NUMBER.match(value):
        raise EvaluationError(f"{what[0]}: „{value[:20]}” nie jest kwotą (np. 12000 albo 12000,50).",
                              f"{what[1]}: “{value[:20]}” is not an amount (e.g. 12000 or 12000.50).", field)
    return Decimal(value.replace(",", "."))


# -- the card's data ---------------------------------------------------------------------------

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY,
    opportunity TEXT NOT NULL,       -- key of the opportunity
    entity TEXT NOT NULL,            -- IRI of the entity that applied
    title TEXT NOT NULL,             -- what the offer is for
    requested TEXT NOT NULL,         -- amount requested (decimal, PLN)
    granted INTEGER,                 -- 1 granted, 0 not, NULL not decided
    granted_amount TEXT,             -- amount granted (decimal, PLN)
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS offers_opportunity ON offers(opportunity);
CREATE TABLE IF NOT EXISTS members (
    id INTEGER PRIMARY KEY,
    opportunity TEXT NOT NULL,
    name TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_opportunity ON members(opportunity);
CREATE TABLE IF NOT EXISTS scores (
    offer INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    member INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    criterion INTEGER NOT NULL,
    points TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (offer, member, criterion)
);
CREATE TABLE IF NOT EXISTS published (
    opportunity TEXT PRIMARY KEY,
    time TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Offer:
    id: int
    opportunity: str
    entity: str
    title: str
    requested: Decimal
    granted: bool | None = None
    granted_amount: Decimal | None = None


@dataclass(frozen=True)
class Member:
    id: int
    opportunity: str
    name: str


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Evaluations:
    """The evaluation cards of one deployment (one connection per call, WAL: safe to share
    between threads, and the file can be read while the server runs)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with closing_connection(self.path) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA_SQL)

    @classmethod
    def for_settings(cls, settings) -> Evaluations:
        """The cards of a deployment: ``{data}/evaluation/evaluation.sqlite``."""
        return cls(Path(settings.data_dir) / "evaluation" / FILE)

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        with closing_connection(self.path) as conn:
            conn.execute("PRAGMA foreign_keys=ON")
            if not write:
                yield conn
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # offers

    def offers(self, opportunity: str) -> list[Offer]:
        with self._db() as db:
            rows = db.execute("SELECT id, opportunity, entity, title, requested, granted, granted_amount "
                              "FROM offers WHERE opportunity=? ORDER BY id", (opportunity,)).fetchall()
        return [Offer(r[0], r[1], r[2], r[3], Decimal(r[4]), None if r[5] is None else bool(r[5]),
                      None if r[6] is None else Decimal(r[6])) for r in rows]

    def add_offer(self, opportunity: str, entity: str, title: str, requested: Decimal) -> Offer:
        with self._db(write=True) as db:
            cur = db.execute("INSERT INTO offers (opportunity, entity, title, requested, created) "
                             "VALUES (?, ?, ?, ?, ?)", (opportunity, entity, title, str(requested), _now()))
            return Offer(cur.lastrowid, opportunity, entity, title, requested)

    def remove_offer(self, opportunity: str, offer: int) -> bool:
        with self._db(write=True) as db:
            return db.execute("DELETE FROM offers WHERE id=? AND opportunity=?",
                              (offer, opportunity)).rowcount > 0

    def set_decisions(self, opportunity: str,
                      decisions: Mapping[int, tuple[bool, Decimal | None]]) -> None:
        with self._db(write=True) as db:
            for offer, (granted, amount) in decisions.items():
                db.execute("UPDATE offers SET granted=?, granted_amount=? WHERE id=? AND opportunity=?",
                           (int(granted), None if amount is None else str(amount), offer, opportunity))

    # members

    def members(self, opportunity: str) -> list[Member]:
        with self._db() as db:
            rows = db.execute("SELECT id, opportunity, name FROM members WHERE opportunity=? ORDER BY id",
                              (opportunity,)).fetchall()
        return [Member(*r) for r in rows]

    def add_member(self, opportunity: str, name: str) -> Member:
        with self._db(write=True) as db:
            cur = db.execute("INSERT INTO members (opportunity, name, created) VALUES (?, ?, ?)",
                             (opportunity, name, _now()))
            return Member(cur.lastrowid, opportunity, name)

    def remove_member(self, opportunity: str, member: int) -> bool:
        with self._db(write=True) as db:
            return db.execute("DELETE FROM members WHERE id=? AND opportunity=?",
                              (member, opportunity)).rowcount > 0

    # scores

    def scores(self, opportunity: str) -> dict[tuple[int, int], dict[int, Decimal]]:
        """(offer, member) -> {criterion: points}."""
        out: dict[tuple[int, int], dict[int, Decimal]] = {}
        with self._db() as db:
            for offer, member, criterion, points in db.execute(
                    "SELECT s.offer, s.member, s.criterion, s.points FROM scores s "
                    "JOIN offers o ON o.id = s.offer WHERE o.opportunity=?", (opportunity,)):
                out.setdefault((offer, member), {})[criterion] = Decimal(points)
        return out

    def score_dates(self, opportunity: str) -> dict[int, str]:
        """offer -> the day its scores were last recorded (ISO date)."""
        with self._db() as db:
            return {offer: updated[:10] for offer, updated in db.execute(
                "SELECT s.offer, MAX(s.updated) FROM scores s JOIN offers o ON o.id = s.offer "
                "WHERE o.opportunity=? GROUP BY s.offer", (opportunity,))}

    def set_scores(self, opportunity: str, offer: int, member: int,
                   points: Mapping[int, Decimal | None]) -> None:
        """Replace one member's scores of one offer (None: not scored)."""
        with self._db(write=True) as db:
            found = db.execute(
                "SELECT (SELECT COUNT(*) FROM offers WHERE id=? AND opportunity=?),"
                " (SELECT COUNT(*) FROM members WHERE id=? AND opportunity=?)",
                (offer, opportunity, member, opportunity)).fetchone()
            if found != (1, 1):
                raise EvaluationError("Nie ma takiej oferty albo takiego członka komisji w tym konkursie.",
                                      "There is no such offer or commission member in this competition.")
            now = _now()
            for criterion, value in points.items():
                if value is None:
                    db.execute("DELETE FROM scores WHERE offer=? AND member=? AND criterion=?",
                               (offer, member, criterion))
                else:
                    db.execute("INSERT OR REPLACE INTO scores (offer, member, criterion, points, updated) "
                               "VALUES (?, ?, ?, ?, ?)", (offer, member, criterion, str(value), now))

    # publication

    def note_published(self, opportunity: str) -> None:
        with self._db(write=True) as db:
            db.execute("INSERT OR REPLACE INTO published (opportunity, time) VALUES (?, ?)",
                       (opportunity, _now()))

    def published(self, opportunity: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT time FROM published WHERE opportunity=?", (opportunity,)).fetchone()
        return row[0] if row else None


@contextmanager
def closing_connection(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


# -- arithmetic ----------------------------------------------------------------------------------


@dataclass
class OfferResult:
    offer: Offer
    number: int  # place in the order the offers were recorded, from 1 (its fragment number)
    member_totals: dict[int, Decimal | None] = field(default_factory=dict)  # None: not scored
    member_complete: dict[int, bool] = field(default_factory=dict)
    averages: dict[int, Decimal | None] = field(default_factory=dict)  # by criterion number
    total: Decimal | None = None
    complete: bool = False  # every member scored every criterion
    scored: bool = False  # some member scored some criterion
    rank: int | None = None


@dataclass
class Card:
    criteria: tuple[Criterion, ...]
    members: list[Member]
    results: list[OfferResult]  # in the order recorded
    scores: dict[tuple[int, int], dict[int, Decimal]]

    @property
    def ranking(self) -> list[OfferResult]:
        """The evaluated offers, best first (ties by the order recorded), then the others."""
        return sorted(self.results, key=lambda r: (r.rank is None, r.rank or 0, r.number))

    @property
    def max_total(self) -> Decimal:
        return sum((c.max for c in self.criteria), Decimal(0))


def average(values: list[Decimal]) -> Decimal | None:
    """The mean rounded to two decimals, half up (None for no values)."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def compute(offers: list[Offer], members: list[Member],
            scores: Mapping[tuple[int, int], Mapping[int, Decimal]],
            criteria: tuple[Criterion, ...] = CRITERIA) -> Card:
    """The card: per offer each member's total, the averages per criterion, the total and the
    rank (see the module's docstring)."""
    results = []
    for number, offer in enumerate(offers, start=1):
        r = OfferResult(offer, number)
        for m in members:
            given = scores.get((offer.id, m.id), {})
            values = [given[c.number] for c in criteria if c.number in given]
            r.member_totals[m.id] = sum(values, Decimal(0)) if values else None
            r.member_complete[m.id] = len(values) == len(criteria)
        for c in criteria:
            r.averages[c.number] = average([scores[(offer.id, m.id)][c.number] for m in members
                                            if c.number in scores.get((offer.id, m.id), {})])
        found = [a for a in r.averages.values() if a is not None]
        r.scored = bool(found)
        r.total = sum(found, Decimal(0)) if found else None
        r.complete = bool(members) and all(r.member_complete.values())
        results.append(r)
    ranked = sorted((r for r in results if r.total is not None), key=lambda r: -r.total)
    for position, r in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        r.rank = previous.rank if previous is not None and previous.total == r.total else position
    return Card(criteria, list(members), results, {k: dict(v) for k, v in scores.items()})


# -- publication ---------------------------------------------------------------------------------


def _decimal(value: Decimal) -> ox.Literal:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." not in text:
        text += ".0"
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def is_open_competition(store: Store, key: str) -> bool:
    iri = ox.NamedNode(resource_iri(store.base, "opportunity", key))
    return any(True for _ in store.raw.quads_for_pattern(
        iri, ox.NamedNode(PES + "opportunityKind"), ox.NamedNode(OPEN_COMPETITION),
        ox.NamedNode(graph_iri(store.base, "opportunity", key))))


def result_document(store: Store, key: str, card: Card, *, today: dt.date | None = None,
                    dates: Mapping[int, str] | None = None) -> list[ox.Triple]:
    """The opportunity's document with the card's published result in place of the applications,
    cards and grants it held (and the status "decided"): what ``publish`` writes."""
    base = store.base
    iri = resource_iri(base, "opportunity", key)
    graph = ox.NamedNode(graph_iri(base, "opportunity", key))
    quads = list(store.raw.quads_for_pattern(None, None, None, graph))
    typed = {PES + "CompetitionApplication", PES + "EvaluationCard", PES + "CriterionScore",
             SCHEMA + "MonetaryGrant"}
    dropped = {q.subject for q in quads if q.predicate.value == RDF_TYPE and q.object.value in typed}
    dropped |= {q.object for q in quads if q.subject in dropped
                and q.predicate.value in (PES + "requestedAmount", SCHEMA + "amount")}
    main = ox.NamedNode(iri)
    out = [ox.Triple(q.subject, q.predicate, q.object) for q in quads
           if q.subject not in dropped and q.object not in dropped
           and not (q.subject == main and q.predicate.value == PES + "opportunityStatus")]
    out.append(ox.Triple(main, ox.NamedNode(PES + "opportunityStatus"), ox.NamedNode(DECIDED)))
    day = (today or dt.date.today()).isoformat()
    a = lambda s, cls: ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls))  # noqa: E731
    p = lambda name: ox.NamedNode(name)  # noqa: E731

    def amount(subject: ox.NamedNode, prop: str, node: ox.NamedNode, value: Decimal) -> None:
        out.extend([ox.Triple(subject, p(prop), node), a(node, SCHEMA + "MonetaryAmount"),
                    ox.Triple(node, p(SCHEMA + "value"), _decimal(value)),
                    ox.Triple(node, p(SCHEMA + "currency"), ox.Literal("PLN"))])

    for r in card.results:
        n = r.number
        application = ox.NamedNode(f"{iri}#application-{n}")
        out += [a(application, PES + "CompetitionApplication"),
                ox.Triple(application, p(PES + "applicant"), ox.NamedNode(r.offer.entity)),
                ox.Triple(application, p(SCHEMA + "name"), ox.Literal(r.offer.title, language="pl"))]
        amount(application, PES + "requestedAmount", ox.NamedNode(f"{iri}#application-{n}-amount"),
               r.offer.requested)
        if r.scored:
            c = ox.NamedNode(f"{iri}#card-{n}")
            out += [a(c, PES + "EvaluationCard"), ox.Triple(c, p(PES + "evaluatesApplication"), application),
                    ox.Triple(c, p(DCT_DATE), ox.Literal((dates or {}).get(r.offer.id, day),
                                                         datatype=ox.NamedNode(XSD + "date")))]
            for criterion in card.criteria:
                value = r.averages.get(criterion.number)
                if value is None:
                    continue
                s = ox.NamedNode(f"{iri}#card-{n}-c{criterion.number}")
                out += [ox.Triple(c, p(PES + "criterionScore"), s), a(s, PES + "CriterionScore"),
                        ox.Triple(s, p(PES + "criterion"), ox.NamedNode(criterion.iri)),
                        ox.Triple(s, p(PES + "score"), _decimal(value)),
                        ox.Triple(s, p(PES + "maxScore"), _decimal(criterion.max))]
        if r.offer.granted:
            g = ox.NamedNode(f"{iri}#grant-{n}")
            out += [a(g, SCHEMA + "MonetaryGrant"), ox.Triple(g, p(SCHEMA + "fundedItem"), application)]
            if r.offer.granted_amount is not None:
                amount(g, SCHEMA + "amount", ox.NamedNode(f"{iri}#grant-{n}-amount"), r.offer.granted_amount)
    return out


def check_publishable(card: Card) -> None:
    """Refuse a result that cannot be published: no offer, or an offer scored only in part."""
    if not card.results:
        raise EvaluationError("Karta nie ma żadnej oferty: nie ma czego opublikować.",
                              "The card has no offer: there is nothing to publish.")
    partial = [r for r in card.results if r.scored and not r.complete]
    if partial:
        numbers = ", ".join(str(r.number) for r in partial)
        raise EvaluationError(
            f"Nie wszyscy członkowie komisji ocenili wszystkie kryteria ofert nr {numbers}. "
            "Uzupełnij oceny albo usuń członka, który nie ocenia.",
            f"Not every commission member scored every criterion of offers no. {numbers}. "
            "Complete the scores or remove the member who does not score.")


def published_grants(store: Store, key: str) -> dict[str, Decimal | None]:
    """The applications granted in an opportunity's document: application IRI -> amount."""
    graph = ox.NamedNode(graph_iri(store.base, "opportunity", key))
    raw = store.raw
    out: dict[str, Decimal | None] = {}
    for q in raw.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(SCHEMA + "MonetaryGrant"), graph):
        for f in raw.quads_for_pattern(q.subject, ox.NamedNode(SCHEMA + "fundedItem"), None, graph):
            value = None
            for node in raw.quads_for_pattern(q.subject, ox.NamedNode(SCHEMA + "amount"), None, graph):
                for v in raw.quads_for_pattern(node.object, ox.NamedNode(SCHEMA + "value"), None, graph):
                    try:
                        value = Decimal(v.object.value)
                    except ArithmeticError:
                        value = None
            out[f.object.value] = value
    return out
