"""Synthetic data of any size, for load tests and benchmarks.

The documents have the same structure as the demo data set (``registry.demo``) and conform to the
shapes: valid NIP and REGON numbers, concepts that exist in the vocabularies, every required
property. The same seed gives the same documents.

>>> documents = list(synthetic_documents("http://127.0.0.1:8000", entities=5))
>>> len(documents)  # the city units first, then the entities
18
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from registry.demo import (
    CITY_PARTS,
    CITY_UNITS,
    FIT,
    STREETS,
    TORUN_TERYT,
    XSD_BOOLEAN,
    XSD_DATE,
    XSD_DATETIME,
    XSD_DECIMAL,
    XSD_INTEGER,
    A,
    city_unit_documents,
    concept,
    make_krs,
    make_nip,
    make_regon,
    offer_category,
    terms,
)

__all__ = ["synthetic_documents", "write_nquads"]

# Legal forms and unit types with their relative frequency.
_FORMS: tuple[tuple[str, int], ...] = (
    ("legal-form/stowarzyszenie", 30),
    ("legal-form/fundacja", 25),
    ("legal-form/spoldzielnia-socjalna", 10),
    ("legal-form/stowarzyszenie-zwykle", 5),
    ("legal-form/klub-sportowy", 5),
    ("legal-form/spolka-non-profit", 4),
    ("legal-form/kolo-gospodyn-wiejskich", 3),
    ("legal-form/spoldzielnia-pracy", 2),
    ("legal-form/spoldzielnia-inwalidow", 1),
    ("legal-form/spoldzielnia-niewidomych", 1),
    ("legal-form/spoldzielnia-produkcji-rolnej", 1),
    ("legal-form/spoldzielnia", 1),
    ("legal-form/koscielna-osoba-prawna", 2),
    ("legal-form/stowarzyszenie-jst", 1),
    ("unit-type/cis", 2),
    ("unit-type/kis", 3),
    ("unit-type/zaz", 2),
    ("unit-type/wtz", 2),
)
_NAME_PREFIX = {
    "stowarzyszenie": "Stowarzyszenie",
    "fundacja": "Fundacja",
    "spoldzielnia-socjalna": "Spółdzielnia Socjalna",
    "stowarzyszenie-zwykle": "Stowarzyszenie zwykłe",
    "klub-sportowy": "Klub Sportowy",
    "spolka-non-profit": "Spółka non-profit",
    "kolo-gospodyn-wiejskich": "Koło Gospodyń Wiejskich",
    "spoldzielnia-pracy": "Spółdzielnia Pracy",
    "spoldzielnia-inwalidow": "Spółdzielnia Inwalidów",
    "spoldzielnia-niewidomych": "Spółdzielnia Niewidomych",
    "spoldzielnia-produkcji-rolnej": "Rolnicza Spółdzielnia Produkcyjna",
    "spoldzielnia": "Spółdzielnia",
    "koscielna-osoba-prawna": "Dom Wsparcia",
    "stowarzyszenie-jst": "Stowarzyszenie Samorządów",
    "cis": "Centrum Integracji Społecznej",
    "kis": "Klub Integracji Społecznej",
    "zaz": "Zakład Aktywności Zawodowej",
    "wtz": "Warsztat Terapii Zajęciowej",
}
_KRS_FORMS = frozenset(
    {
        "stowarzyszenie",
        "fundacja",
        "spoldzielnia-socjalna",
        "klub-sportowy",
        "spolka-non-profit",
        "spoldzielnia-pracy",
        "spoldzielnia-inwalidow",
        "spoldzielnia-niewidomych",
        "spoldzielnia-produkcji-rolnej",
        "spoldzielnia",
        "stowarzyszenie-jst",
    }
)
# Forms whose workforce is mostly people at risk of exclusion.
_HIGH_RISK = frozenset(
    {
        "spoldzielnia-socjalna",
        "cis",
        "kis",
        "zaz",
        "wtz",
        "spoldzielnia-inwalidow",
        "spoldzielnia-niewidomych",
    }
)
_WORDS = (
    "Przystań",
    "Horyzont",
    "Most",
    "Razem",
    "Kasztan",
    "Wisła",
    "Lipa",
    "Krokus",
    "Bursztyn",
    "Promień",
    "Ogród",
    "Kompas",
    "Latarnia",
    "Mozaika",
    "Wrzos",
    "Dąb",
    "Jutrzenka",
    "Zakątek",
    "Ścieżka",
    "Sąsiedzi",
    "Piernik",
    "Kotwica",
    "Tęcza",
    "Źródło",
    "Żagiel",
    "Azymut",
    "Pasieka",
    "Warsztat",
    "Spichlerz",
    "Gwiazda",
)
_ADJECTIVES = (
    "Toruński",
    "Nowy",
    "Zielony",
    "Wspólny",
    "Dobry",
    "Otwarty",
    "Jasny",
    "Nadwiślański",
    "Sąsiedzki",
    "Bliski",
    "Spokojny",
    "Aktywny",
)
# CPV codes of offers with an offer name and a price unit.
_OFFER_TYPES: tuple[tuple[str, str, str], ...] = (
    ("55520000-1", "Catering na spotkania", "za osobę"),
    ("55521200-0", "Dowóz obiadów", "za obiad"),
    ("55524000-9", "Posiłki dla szkół", "za posiłek"),
    ("55330000-2", "Kawiarnia i poczęstunki", "za osobę"),
    ("15810000-9", "Wypieki i pierniki", "za opakowanie"),
    ("90910000-9", "Sprzątanie", "za m²"),
    ("90911200-8", "Sprzątanie budynków", "za m²"),
    ("90919200-4", "Sprzątanie biur", "za m²"),
    ("90911300-9", "Mycie okien", "za m²"),
    ("90620000-9", "Odśnieżanie", "za godzinę"),
    ("77310000-6", "Nasadzenia i pielęgnacja zieleni", "za m²"),
    ("77313000-7", "Utrzymanie parków", "za m²"),
    ("77314000-4", "Koszenie terenów", "za m²"),
    ("45453000-7", "Drobne remonty", "za m²"),
    ("45442100-8", "Malowanie", "za m²"),
    ("79810000-5", "Druk materiałów", "za egzemplarz"),
    ("79822500-7", "Projekty graficzne", "za godzinę"),
    ("98393000-4", "Szycie i krawiectwo", "za sztukę"),
    ("98310000-9", "Pranie i prasowanie", "za kg"),
    ("39100000-3", "Meble i rękodzieło", "za sztukę"),
    ("80500000-9", "Szkolenia i warsztaty", "za uczestnika"),
    ("80530000-8", "Szkolenia zawodowe", "za uczestnika"),
    ("85310000-5", "Praca socjalna", "za godzinę"),
    ("85311200-4", "Wsparcie osób z niepełnosprawnościami", "za godzinę"),
    ("85312110-3", "Opieka dzienna nad dziećmi", "za dzień"),
    ("79952000-2", "Organizacja wydarzeń", "za wydarzenie"),
    ("79952100-3", "Wydarzenia kulturalne", "za wydarzenie"),
    ("60130000-8", "Przewóz osób", "za km"),
    ("79211000-6", "Usługi księgowe", "za miesiąc"),
    ("79713000-5", "Ochrona obiektów", "za godzinę"),
    ("92600000-7", "Zajęcia sportowe", "za uczestnika"),
)
_FITS = tuple(FIT.values())
_AREAS = ("1", "2", "6", "7", "8", "10", "11", "13", "14", "15", "16", "17", "18", "32", "33")
_INSTRUMENTS = (
    "otwarty-konkurs",
    "otwarty-konkurs",
    "otwarty-konkurs",
    "maly-grant",
    "inicjatywa-lokalna",
    "zakup-ponizej-130k",
    "zamowienie-zastrzezone-art94",
    "klauzule-spoleczne-art96",
    "uslugi-spoleczne-art359",
    "lokal-sprzet",
    "konsultacje",
    "zespol-doradczy",
    "umowa-partnerska",
)
_PAID = frozenset(
    {
        "otwarty-konkurs",
        "maly-grant",
        "inicjatywa-lokalna",
        "zakup-ponizej-130k",
        "zamowienie-zastrzezone-art94",
        "klauzule-spoleczne-art96",
        "uslugi-spoleczne-art359",
        "umowa-partnerska",
    }
)
_STATUSES = ("planowana", "otwarta", "zamknieta", "rozstrzygnieta", "rozstrzygnieta", "anulowana")
_DESCRIPTION = "Podmiot syntetyczny do testów wydajności. Dane demonstracyjne – podmiot fikcyjny."
_MODIFIED = "2026-01-10T09:00:00Z"


class _Literals:
    """Literals reused across documents, so that the generator builds each only once."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], Literal] = {}

    def typed(self, lexical: str, datatype: NamedNode) -> Literal:
        key = (lexical, datatype.value)
        literal = self.cache.get(key)
        if literal is None:
            literal = self.cache[key] = Literal(lexical, datatype=datatype)
        return literal

    def pl(self, value: str) -> Literal:
        key = (value, "@pl")
        literal = self.cache.get(key)
        if literal is None:
            literal = self.cache[key] = Literal(value, language="pl")
        return literal

    def plain(self, value: str) -> Literal:
        key = (value, "")
        literal = self.cache.get(key)
        if literal is None:
            literal = self.cache[key] = Literal(value)
        return literal


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    return f"{rng.randint(first_year, last_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def synthetic_documents(
    base: str,
    entities: int,
    offers_per_entity: int = 3,
    seed: int = 0,
    *,
    opportunities: int = 0,
    actions: int = 0,
) -> Iterator[list[Triple]]:
    """Yield documents: the city units, then entities (with offers), opportunities, actions.

    Keys are ``syn-{n}`` (entities), ``syn-{n}-{m}`` (offers), ``syn-{year}-{n}`` (opportunities
    and actions); the same arguments always give the same documents.
    """
    if actions and not entities:
        raise ValueError("synthetic actions need at least one entity as partner")
    base = base.rstrip("/")
    rng = random.Random(seed)
    t = terms()
    lit = _Literals()
    yield from city_unit_documents(base)
    unit_iris = [NamedNode(f"{base}/id/unit/{key}") for key, _, _ in CITY_UNITS]
    unit_iris.append(NamedNode(f"{base}/id/unit/gmina-miasta-torun"))

    forms = [concept(*f.split("/")) for f, _ in _FORMS]
    form_keys = [f.split("/")[1] for f, _ in _FORMS]
    form_weights = [w for _, w in _FORMS]
    id_types = {k: concept("identifier-type", k) for k in ("krs", "krkgw", "nip", "regon")}
    areas = [concept("public-task-area", a) for a in _AREAS]
    parts = sorted(CITY_PARTS)
    part_concepts = {p: concept("city-part", p) for p in parts}
    district_concepts = {p: concept("district", CITY_PARTS[p][0]) for p in parts}
    offer_types = [
        (
            concept("cpv", cpv),
            concept("offer-category", offer_category(cpv)),
            lit.pl(name),
            lit.pl(unit),
        )
        for cpv, name, unit in _OFFER_TYPES
    ]
    fits = [concept("cooperation-instrument", f) for f in _FITS]
    opp_status = concept("status-type", "opp")
    ps_status = concept("status-type", "przedsiebiorstwo-spoleczne")
    reintegration = concept("social-enterprise-type", "reintegracja")
    pln = lit.plain("PLN")
    torun = lit.plain("Toruń")
    post_code = lit.plain("87-100")
    teryt = lit.plain(TORUN_TERYT)
    true = lit.typed("true", XSD_BOOLEAN)
    modified = lit.typed(_MODIFIED, XSD_DATETIME)
    description = lit.pl(_DESCRIPTION)
    voivode = lit.pl("Wojewoda Kujawsko-Pomorski")
    court = lit.pl("Sąd Rejonowy w Toruniu, VII Wydział Gospodarczy KRS")
    registered = [
        t.pes_SocialEconomyEntity,
        t.rov_RegisteredOrganization,
        t.schema_Organization,
        t.essglobal_SSEInitiative,
    ]
    unit_types = [
        t.pes_SocialEconomyEntity,
        t.pes_SocialEconomyUnit,
        t.org_OrganizationalUnit,
        t.schema_Organization,
        t.essglobal_SSEInitiative,
    ]
    regons: list[str] = []  # REGON of each registered entity, by position in ``registered_iris``
    registered_iris: list[NamedNode] = []
    entity_iris: list[NamedNode] = []
    choices = rng.choices
    randint = rng.randint
    random_ = rng.random

    for n in range(1, entities + 1):
        key = f"syn-{n}"
        iri = f"{base}/id/entity/{key}"
        s = NamedNode(iri)
        entity_iris.append(s)
        (index,) = choices(range(len(forms)), form_weights)
        form_key = form_keys[index]
        is_unit = _FORMS[index][0].startswith("unit-type/")
        name = f"{_NAME_PREFIX[form_key]} „{rng.choice(_ADJECTIVES)} {rng.choice(_WORDS)}” nr {n}"
        out: list[Triple] = []
        add = out.append
        if is_unit:
            out += [Triple(s, A, c) for c in unit_types]
            if registered_iris and random_() < 0.8:
                parent = randint(0, len(registered_iris) - 1)
                add(Triple(s, t.org_unitOf, registered_iris[parent]))
                regon = make_regon(rng, regons[parent])
            else:
                add(Triple(s, t.org_unitOf, unit_iris[randint(0, len(unit_iris) - 1)]))
                regon = make_regon(rng)
            nip = None
        else:
            out += [Triple(s, A, c) for c in registered]
            add(Triple(s, t.rov_legalName, Literal(name.replace("„", "").replace("”", ""))))
            nip, regon = make_nip(rng), make_regon(rng)
            regons.append(regon)
            registered_iris.append(s)
        add(Triple(s, t.rov_orgType, forms[index]))
        add(Triple(s, t.schema_name, Literal(name, language="pl")))
        registry_id = None
        if form_key in _KRS_FORMS:
            registry_id = ("krs", make_krs(rng))
        elif form_key == "kolo-gospodyn-wiejskich":
            registry_id = ("krkgw", str(randint(1000, 99999)))
        identifiers = [("nip", nip)] if nip else []
        identifiers.append(("regon", regon))
        if registry_id:
            identifiers.append(registry_id)
        for kind, number in identifiers:
            node = NamedNode(f"{iri}#{kind}")
            add(Triple(s, t.adms_identifier, node))
            add(Triple(node, A, t.adms_Identifier))
            add(Triple(node, t.skos_notation, Literal(number)))
            add(Triple(node, t.dct_type, id_types[kind]))
        if registry_id:
            add(Triple(s, t.rov_registration, NamedNode(f"{iri}#{registry_id[0]}")))
        if nip:
            add(Triple(s, t.schema_taxID, Literal(nip)))
        founded_year = randint(1990, 2025)
        employees = (
            randint(0, 40)
            if form_key not in ("stowarzyszenie-zwykle", "kolo-gospodyn-wiejskich")
            else 0
        )
        share = (0.3 + 0.7 * random_()) if form_key in _HIGH_RISK else 0.3 * random_()
        if not is_unit:
            if random_() < 0.2:
                node = NamedNode(f"{iri}#status-opp")
                out += [
                    Triple(s, t.pes_status, node),
                    Triple(node, A, t.pes_StatusAssignment),
                    Triple(node, t.pes_statusType, opp_status),
                    Triple(node, t.pes_grantedBy, court),
                    Triple(
                        node,
                        t.schema_startDate,
                        lit.typed(f"{min(founded_year + 2, 2025)}-01-01", XSD_DATE),
                    ),
                ]
            if employees >= 3 and share >= 0.3 and random_() < 0.3:
                node = NamedNode(f"{iri}#status-ps")
                decided = lit.typed(_day(rng, 2023, 2025), XSD_DATE)
                out += [
                    Triple(s, t.pes_status, node),
                    Triple(node, A, t.pes_StatusAssignment),
                    Triple(node, t.pes_statusType, ps_status),
                    Triple(node, t.pes_socialEnterpriseType, reintegration),
                    Triple(
                        node, t.pes_decisionNumber, Literal(f"WPS-II.9512.{n}.{decided.value[:4]}")
                    ),
                    Triple(node, t.pes_decisionDate, decided),
                    Triple(node, t.pes_grantedBy, voivode),
                    Triple(node, t.schema_startDate, decided),
                ]
        part = parts[randint(0, len(parts) - 1)]
        _, lat, long = CITY_PARTS[part]
        streets = STREETS[part]
        street = streets[randint(0, len(streets) - 1)]
        number = str(randint(1, 150))
        node = NamedNode(f"{iri}#address")
        out += [
            Triple(s, t.locn_address, node),
            Triple(node, A, t.locn_Address),
            Triple(node, t.locn_thoroughfare, lit.plain(street)),
            Triple(node, t.locn_locatorDesignator, lit.plain(number)),
            Triple(node, t.locn_postCode, post_code),
            Triple(node, t.locn_postName, torun),
            Triple(node, t.locn_fullAddress, Literal(f"{street} {number}, 87-100 Toruń")),
            Triple(node, t.pes_teryt, teryt),
            Triple(node, t.pes_cityPart, part_concepts[part]),
            Triple(node, t.pes_district, district_concepts[part]),
            Triple(
                node,
                t.geo_lat,
                Literal(f"{lat + (random_() - 0.5) * 0.008:.5f}", datatype=XSD_DECIMAL),
            ),
            Triple(
                node,
                t.geo_long,
                Literal(f"{long + (random_() - 0.5) * 0.012:.5f}", datatype=XSD_DECIMAL),
            ),
            Triple(s, t.schema_email, Literal(f"biuro@{key}.example")),
            Triple(
                s,
                t.schema_telephone,
                Literal(f"+48 56 6{randint(10, 99)} {randint(10, 99)} {randint(10, 99)}"),
            ),
            Triple(s, t.schema_url, NamedNode(f"https://{key}.example/")),
            Triple(s, t.schema_description, description),
            Triple(s, t.pes_publicTaskArea, areas[randint(0, len(areas) - 1)]),
            Triple(
                s,
                t.schema_foundingDate,
                lit.typed(f"{founded_year}-{randint(1, 12):02d}-01", XSD_DATE),
            ),
            Triple(s, t.schema_numberOfEmployees, lit.typed(str(employees), XSD_INTEGER)),
        ]
        if employees:
            add(Triple(s, t.pes_shareOfEmployeesAtRisk, lit.typed(f"{share:.2f}", XSD_DECIMAL)))
        for m in range(1, offers_per_entity + 1):
            o = NamedNode(f"{base}/id/offer/{key}-{m}")
            cpv, category, offer_name, unit = offer_types[randint(0, len(offer_types) - 1)]
            out += [
                Triple(s, t.schema_makesOffer, o),
                Triple(o, A, t.schema_Offer),
                Triple(o, A, t.essglobal_ProductOrService),
                Triple(o, t.schema_offeredBy, s),
                Triple(o, t.schema_name, offer_name),
                Triple(o, t.schema_description, description),
                Triple(o, t.schema_category, cpv),
                Triple(o, t.pes_offerCategory, category),
                Triple(
                    o,
                    t.schema_validFrom,
                    lit.typed(f"{randint(2013, 2026)}-{randint(1, 12):02d}-01", XSD_DATE),
                ),
            ]
            roll = random_()
            if roll < 0.25:
                add(Triple(o, t.pes_priceOnRequest, true))
            else:
                price = NamedNode(f"{base}/id/offer/{key}-{m}#price")
                low = randint(5, 500)
                out += [
                    Triple(o, t.schema_priceSpecification, price),
                    Triple(price, A, t.schema_PriceSpecification),
                    Triple(price, t.schema_priceCurrency, pln),
                    Triple(price, t.schema_unitText, unit),
                ]
                if roll < 0.5:
                    add(Triple(price, t.schema_price, lit.typed(str(low), XSD_INTEGER)))
                else:
                    out += [
                        Triple(price, t.schema_minPrice, lit.typed(str(low), XSD_INTEGER)),
                        Triple(
                            price,
                            t.schema_maxPrice,
                            lit.typed(str(low + randint(0, 300)), XSD_INTEGER),
                        ),
                    ]
            if roll > 0.6:
                add(Triple(o, t.pes_declaredFit, fits[randint(0, len(fits) - 1)]))
            if roll > 0.8:
                add(Triple(o, t.schema_areaServed, part_concepts[part]))
        add(Triple(s, t.dct_modified, modified))
        yield out

    opportunity_iris: list[NamedNode] = []
    for n in range(1, opportunities + 1):
        document, iri = _opportunity(base, n, rng, lit, unit_iris, areas)
        opportunity_iris.append(iri)
        yield document
    for n in range(1, actions + 1):
        yield _action(base, n, rng, lit, unit_iris, entity_iris, opportunity_iris, areas)


def _opportunity(base, n, rng, lit, unit_iris, areas) -> tuple[list[Triple], NamedNode]:
    t = terms()
    year = rng.randint(2013, 2026)
    key = f"syn-{year}-{n}"
    s = NamedNode(f"{base}/id/opportunity/{key}")
    kind = rng.choice(_INSTRUMENTS)
    issued_month, issued_day = rng.randint(1, 9), rng.randint(1, 28)
    deadline_month = issued_month + (2 if kind in ("otwarty-konkurs", "inicjatywa-lokalna") else 1)
    cpv = concept("cpv", rng.choice(_OFFER_TYPES)[0])
    out = [
        Triple(s, A, t.pes_CooperationOpportunity),
        Triple(s, A, t.schema_Demand),
        Triple(s, t.schema_name, Literal(f"Ogłoszenie syntetyczne nr {n} ({year})", language="pl")),
        Triple(s, t.schema_description, lit.pl("Ogłoszenie syntetyczne do testów wydajności.")),
        Triple(s, t.pes_opportunityKind, concept("cooperation-instrument", kind)),
        Triple(s, t.dct_publisher, rng.choice(unit_iris[:-1])),
        Triple(s, t.pes_publicTaskArea, rng.choice(areas)),
        Triple(s, t.schema_category, cpv),
        Triple(s, t.dct_issued, lit.typed(f"{year}-{issued_month:02d}-{issued_day:02d}", XSD_DATE)),
        Triple(
            s,
            t.schema_validThrough,
            lit.typed(f"{year}-{deadline_month:02d}-{issued_day:02d}", XSD_DATE),
        ),
        Triple(s, t.pes_opportunityStatus, concept("opportunity-status", rng.choice(_STATUSES))),
    ]
    if kind in _PAID:
        value = rng.randint(1000, 10000) if kind == "maly-grant" else rng.randint(10, 500) * 1000
        budget = NamedNode(f"{base}/id/opportunity/{key}#budget")
        out += [
            Triple(s, t.pes_budget, budget),
            Triple(budget, A, t.schema_MonetaryAmount),
            Triple(budget, t.schema_value, lit.typed(str(value), XSD_INTEGER)),
            Triple(budget, t.schema_currency, lit.plain("PLN")),
        ]
    return out, s


def _action(base, n, rng, lit, unit_iris, entity_iris, opportunity_iris, areas) -> list[Triple]:
    t = terms()
    year = rng.randint(2013, 2026)
    key = f"syn-{year}-{n}"
    s = NamedNode(f"{base}/id/action/{key}")
    form = rng.choice(_INSTRUMENTS)
    out = [
        Triple(s, A, t.pes_CooperationAction),
        Triple(s, A, t.prov_Activity),
        Triple(s, t.schema_name, Literal(f"Działanie syntetyczne nr {n} ({year})", language="pl")),
        Triple(s, t.pes_cooperationForm, concept("cooperation-instrument", form)),
        Triple(s, t.pes_cityUnit, rng.choice(unit_iris)),
        Triple(s, t.pes_publicTaskArea, rng.choice(areas)),
        Triple(s, t.schema_startDate, lit.typed(f"{year}-{rng.randint(1, 6):02d}-01", XSD_DATE)),
        Triple(s, t.schema_endDate, lit.typed(f"{year}-{rng.randint(7, 12):02d}-28", XSD_DATE)),
        Triple(s, t.pes_beneficiaries, lit.typed(str(rng.randint(5, 500)), XSD_INTEGER)),
        Triple(s, t.pes_outcome, lit.pl("Rezultat działania syntetycznego.")),
    ]
    if form in ("otwarty-konkurs", "maly-grant"):
        out.append(
            Triple(s, t.pes_mode, concept("mode", rng.choice(("powierzenie", "wspieranie"))))
        )
    if entity_iris:
        for partner in {rng.choice(entity_iris) for _ in range(rng.randint(1, 3))}:
            out.append(Triple(s, t.pes_partner, partner))
    if opportunity_iris and rng.random() < 0.5:
        out.append(Triple(s, t.pes_answers, rng.choice(opportunity_iris)))
    if form in _PAID:
        amount = NamedNode(f"{base}/id/action/{key}#amount")
        out += [
            Triple(s, t.pes_amount, amount),
            Triple(amount, A, t.schema_MonetaryAmount),
            Triple(amount, t.schema_value, lit.typed(str(rng.randint(1, 400) * 1000), XSD_INTEGER)),
            Triple(amount, t.schema_currency, lit.plain("PLN")),
        ]
    return out


def document_graph_of(document: Sequence[Triple], base: str) -> NamedNode:
    """Named graph ``{base}/{kind}/{key}`` of a document, from its main resource (first subject)."""
    prefix = f"{base.rstrip('/')}/id/"
    iri = document[0].subject.value  # type: ignore[union-attr]
    if not iri.startswith(prefix):
        raise ValueError(f"{iri} is not an instance IRI under {prefix}")
    return NamedNode(f"{base.rstrip('/')}/{iri[len(prefix) :].split('#', 1)[0]}")


def write_nquads(
    path: str | os.PathLike[str], documents: Iterable[Sequence[Triple]], base: str
) -> int:
    """Write documents as N-Quads, each in its document graph; return the number of quads."""
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as output:
        for document in documents:
            if not document:
                continue
            # A triple prints as N-Triples terms; the graph name follows it.
            tail = f" {document_graph_of(document, base)} .\n"
            output.write("".join([f"{triple}{tail}" for triple in document]))
            count += len(document)
    return count
