"""The demo data set: a deterministic, clearly fictional picture of social economy in Toruń.

Every entity, offer, opportunity, action and programme below is invented for demonstration. City
departments carry real-sounding names; entities use ``.example`` domains and fictional street
numbers, and every entity description says that it is demo data.

>>> documents = demo_documents("http://127.0.0.1:8000")
>>> len(documents) > 100
True

Each document is a list of triples whose first triple types its main resource
(``{base}/id/{kind}/{key} rdf:type …``); its named graph is ``{base}/{kind}/{key}``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Triple

from registry.namespaces import (
    ADMS,
    DCAT,
    DCT,
    ELI,
    ESSGLOBAL,
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
    XSD,
    vocab_iri,
)

__all__ = ["demo_documents"]

# --------------------------------------------------------------------------------------------
# Terms (shared with registry.synthetic)
# --------------------------------------------------------------------------------------------


def _n(iri: object) -> NamedNode:
    return NamedNode(str(iri))


A = _n(RDF.type)
XSD_DATE = _n(XSD.date)
XSD_DATETIME = _n(XSD.dateTime)
XSD_DECIMAL = _n(XSD.decimal)
XSD_INTEGER = _n(XSD.integer)
XSD_BOOLEAN = _n(XSD.boolean)
XSD_GYEAR = _n(XSD.gYear)


class _Terms:
    """Named nodes of classes and properties, built once per process on first use."""

    def __init__(self) -> None:
        for prefix, ns, names in (
            ("pes", PES, (
                "SocialEconomyEntity SocialEconomyUnit Municipality CityUnit StatusAssignment "
                "CooperationOpportunity CompetitionApplication EvaluationCard CriterionScore "
                "CooperationAction CooperationProgramme Goal ProgrammeAction Indicator "
                "IndicatorStructure status statusType socialEnterpriseType decisionNumber "
                "decisionDate grantedBy teryt cityPart district publicTaskArea "
                "shareOfEmployeesAtRisk offerCategory priceOnRequest capacity declaredFit "
                "opportunityKind budget opportunityStatus applicant requestedAmount "
                "evaluatesApplication criterionScore criterion score maxScore cooperationForm mode "
                "partner cityUnit answers amount beneficiaries outcome adoptedBy mainGoal "
                "specificGoal principles scope cooperationFormsText plannedForm priorityTasks "
                "periodText implementationMethod plannedFunds plannedFundsText evaluationMethod "
                "consultationProcess competitionCommissions diagnosis legalBasis vision hasAction "
                "hasIndicator indicatorValues justification innovation responsibleUnit "
                "contributesTo measuredBy baseline target unitOfMeasure computedBy manualSource "
                "indicator"
            )),
            ("schema", SCHEMA, (
                "Organization Offer Demand PriceSpecification MonetaryAmount name description "
                "taxID email telephone url foundingDate numberOfEmployees makesOffer offeredBy "
                "category areaServed priceSpecification validFrom minPrice maxPrice price "
                "priceCurrency unitText value currency validThrough startDate endDate"
            )),
            ("org", ORG, "OrganizationalUnit FormalOrganization unitOf"),
            ("rov", ROV, "RegisteredOrganization legalName orgType registration"),
            ("adms", ADMS, "Identifier identifier"),
            ("locn", LOCN, (
                "Address address thoroughfare locatorDesignator postCode postName fullAddress"
            )),
            ("geo", GEO, "lat long"),
            ("dct", DCT, "type modified publisher issued temporal PeriodOfTime date"),
            ("dcat", DCAT, "startDate endDate"),
            ("skos", SKOS, "notation"),
            ("prov", PROV, "Activity Plan"),
            ("foaf", FOAF, "page"),
            ("qb", QB, "DataSet Observation structure dataSet"),
            ("eli", ELI, "LegalResource id_local title date_document"),
            ("essglobal", ESSGLOBAL, "SSEInitiative ProductOrService"),
        ):
            for name in names.split():
                setattr(self, f"{prefix}_{name}", _n(ns[name]))
        self.sdmx_refPeriod = _n(SDMX_DIMENSION.refPeriod)
        self.sdmx_obsValue = _n(SDMX_MEASURE.obsValue)


@lru_cache(maxsize=1)
def terms() -> _Terms:
    """The named nodes of every class and property used by the generators."""
    return _Terms()


@lru_cache(maxsize=4096)
def concept(scheme: str, key: str) -> NamedNode:
    """A concept of one of the registry's SKOS schemes."""
    return NamedNode(vocab_iri(scheme, key))


def text(value: str, lang: str | None = None) -> Literal:
    """A plain or language-tagged string."""
    return Literal(value, language=lang) if lang else Literal(value)


def day(value: str | date) -> Literal:
    """An ``xsd:date``."""
    return Literal(value if isinstance(value, str) else value.isoformat(), datatype=XSD_DATE)


def integer(value: int) -> Literal:
    """An ``xsd:integer``."""
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def decimal(value: float, places: int = 6) -> Literal:
    """An ``xsd:decimal`` written without exponent."""
    lexical = f"{value:.{places}f}".rstrip("0")
    if lexical.endswith("."):
        lexical += "0"
    return Literal(lexical, datatype=XSD_DECIMAL)


def boolean(value: bool) -> Literal:
    """An ``xsd:boolean``."""
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def instance(base: str, kind: str, key: str, fragment: str | None = None) -> NamedNode:
    """IRI of an instance, ``{base}/id/{kind}/{key}``, or of one of its fragments."""
    iri = f"{base}/id/{kind}/{key}"
    return NamedNode(f"{iri}#{fragment}" if fragment else iri)


def document_graph(base: str, kind: str, key: str) -> NamedNode:
    """Named graph of a document, ``{base}/{kind}/{key}``."""
    return NamedNode(f"{base}/{kind}/{key}")


# --------------------------------------------------------------------------------------------
# Identifiers with valid check digits
# --------------------------------------------------------------------------------------------

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
TAX_OFFICES = ("879", "956")  # prefixes of the two tax offices in Toruń


def make_nip(rng: random.Random) -> str:
    """A random NIP of a Toruń tax office with a valid check digit."""
    while True:
        digits = rng.choice(TAX_OFFICES) + "".join(rng.choice("0123456789") for _ in range(6))
        check = sum(w * int(d) for w, d in zip(NIP_WEIGHTS, digits)) % 11
        if check != 10:
            return digits + str(check)


def regon_check(digits: str) -> str:
    """Check digit of a REGON-9 (8 digits given) or REGON-14 (13 digits given)."""
    weights = REGON9_WEIGHTS if len(digits) == 8 else REGON14_WEIGHTS
    return str(sum(w * int(d) for w, d in zip(weights, digits)) % 11 % 10)


def make_regon(rng: random.Random, parent: str | None = None) -> str:
    """A random REGON-9, or a REGON-14 of a local unit of ``parent`` (a REGON-9)."""
    if parent:
        body = parent + "".join(rng.choice("0123456789") for _ in range(4))
    else:
        body = "34" + "".join(rng.choice("0123456789") for _ in range(6))
    return body + regon_check(body)


def make_krs(rng: random.Random) -> str:
    """A random, zero-padded 10-digit KRS number."""
    return f"0000{rng.randrange(100000, 999999)}"


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------

# city part -> (okręg, approximate centre lat, long)
CITY_PARTS: dict[str, tuple[str, float, float]] = {
    "barbarka": ("10", 53.0530, 18.5640),
    "bielany": ("11", 53.0235, 18.5830),
    "bielawy": ("6", 53.0440, 18.6390),
    "bydgoskie-przedmiescie": ("13", 53.0160, 18.5820),
    "chelminskie-przedmiescie": ("11", 53.0215, 18.5990),
    "czerniewice": ("4", 52.9880, 18.6720),
    "glinki": ("9", 53.0175, 18.6480),
    "grebocin-nad-struga": ("6", 53.0420, 18.6800),
    "jakubskie-przedmiescie": ("9", 53.0135, 18.6240),
    "kaszczorek": ("5", 53.0060, 18.6950),
    "katarzynka": ("13", 53.0190, 18.5400),
    "koniuchy": ("10", 53.0345, 18.6190),
    "mokre": ("9", 53.0230, 18.6250),
    "na-skarpie": ("7", 53.0250, 18.6420),
    "piaski": ("5", 53.0110, 18.6700),
    "podgorz": ("1", 52.9960, 18.5920),
    "rubinkowo": ("8", 53.0320, 18.6530),
    "rudak": ("3", 52.9980, 18.6230),
    "rybaki": ("13", 53.0110, 18.5900),
    "stare-miasto": ("12", 53.0105, 18.6050),
    "starotorunskie-przedmiescie": ("3", 52.9975, 18.6480),
    "stawki": ("2", 52.9930, 18.5650),
    "winnica": ("13", 53.0095, 18.5560),
    "wrzosy": ("10", 53.0410, 18.6030),
}

STREETS: dict[str, tuple[str, ...]] = {
    "barbarka": ("ul. Leśna", "ul. Przysiek"),
    "bielany": ("ul. Gagarina", "ul. Sienkiewicza", "ul. Fałata"),
    "bielawy": ("ul. Bielawska", "ul. Polna"),
    "bydgoskie-przedmiescie": ("ul. Mickiewicza", "ul. Bydgoska", "ul. Słowackiego"),
    "chelminskie-przedmiescie": ("ul. Bema", "ul. Szosa Chełmińska", "ul. Kościuszki"),
    "czerniewice": ("ul. Włocławska", "ul. Rydlewskiego"),
    "glinki": ("ul. Szosa Lubicka", "ul. Glinki"),
    "grebocin-nad-struga": ("ul. Grębocińska", "ul. Strużkowa"),
    "jakubskie-przedmiescie": ("ul. Lubicka", "ul. Jakuba", "ul. Żółkiewskiego"),
    "kaszczorek": ("ul. Turystyczna", "ul. Kaszczorek"),
    "katarzynka": ("ul. Szosa Bydgoska", "ul. Katarzynki"),
    "koniuchy": ("ul. Grudziądzka", "ul. Polna"),
    "mokre": ("ul. Sobieskiego", "ul. Grudziądzka", "ul. Podgórna"),
    "na-skarpie": ("ul. Bażyńskich", "ul. Rydygiera", "ul. Konstelacji"),
    "piaski": ("ul. Piaskowa", "ul. Szosa Lubicka"),
    "podgorz": ("ul. Poznańska", "ul. Parkowa", "ul. Rejtana"),
    "rubinkowo": ("ul. Dziewulskiego", "ul. Rydygiera", "ul. Kosynierów Kościuszkowskich"),
    "rudak": ("ul. Rudacka", "ul. Okólna"),
    "rybaki": ("ul. Rybaki", "ul. Przedzamcze"),
    "stare-miasto": ("ul. Szeroka", "ul. Żeglarska", "ul. Królowej Jadwigi", "ul. Piekary"),
    "starotorunskie-przedmiescie": ("ul. Lubicka", "ul. Traugutta"),
    "stawki": ("ul. Lipnowska", "ul. Włocławska", "ul. Łódzka"),
    "winnica": ("ul. Winnica", "ul. Bulwar Filadelfijski"),
    "wrzosy": ("ul. Olsztyńska", "ul. Ugory", "ul. Szosa Chełmińska"),
}

TORUN_TERYT = "0463011"


def add_address(
    triples: list[Triple],
    subject: NamedNode,
    address: NamedNode,
    *,
    street: str,
    number: str,
    city_part: str,
    post_code: str = "87-100",
    rng: random.Random,
) -> None:
    """Append a Toruń ``locn:Address`` with city part, okręg and coordinates near the part's centre."""
    t = terms()
    district, lat, long = CITY_PARTS[city_part]
    triples += [
        Triple(subject, t.locn_address, address),
        Triple(address, A, t.locn_Address),
        Triple(address, t.locn_thoroughfare, text(street)),
        Triple(address, t.locn_locatorDesignator, text(number)),
        Triple(address, t.locn_postCode, text(post_code)),
        Triple(address, t.locn_postName, text("Toruń")),
        Triple(address, t.locn_fullAddress, text(f"{street} {number}, {post_code} Toruń")),
        Triple(address, t.pes_teryt, text(TORUN_TERYT)),
        Triple(address, t.pes_cityPart, concept("city-part", city_part)),
        Triple(address, t.pes_district, concept("district", district)),
        Triple(address, t.geo_lat, decimal(lat + rng.uniform(-0.004, 0.004), 5)),
        Triple(address, t.geo_long, decimal(long + rng.uniform(-0.006, 0.006), 5)),
    ]


def add_amount(triples: list[Triple], subject: NamedNode, prop: NamedNode, node: NamedNode, value: int) -> None:
    """Append ``subject prop node`` and ``node`` as a ``schema:MonetaryAmount`` in PLN."""
    t = terms()
    triples += [
        Triple(subject, prop, node),
        Triple(node, A, t.schema_MonetaryAmount),
        Triple(node, t.schema_value, integer(value)),
        Triple(node, t.schema_currency, text("PLN")),
    ]


def add_identifier(
    triples: list[Triple], subject: NamedNode, node: NamedNode, kind: str, notation: str
) -> None:
    """Append an ``adms:Identifier`` of the given identifier type."""
    t = terms()
    triples += [
        Triple(subject, t.adms_identifier, node),
        Triple(node, A, t.adms_Identifier),
        Triple(node, t.skos_notation, text(notation)),
        Triple(node, t.dct_type, concept("identifier-type", kind)),
    ]


# --------------------------------------------------------------------------------------------
# Curated tables
# --------------------------------------------------------------------------------------------

DEMO_NOTE_PL = "Dane demonstracyjne – podmiot fikcyjny."
DEMO_NOTE_EN = "Demo data – fictional entity."
MODIFIED = "2026-01-10T09:00:00Z"

# City units: key, name, description.
CITY_UNITS: tuple[tuple[str, str, str], ...] = (
    ("wydzial-zdrowia", "Wydział Zdrowia i Polityki Społecznej",
     "Koordynuje współpracę Gminy z organizacjami pozarządowymi i podmiotami ekonomii społecznej "
     "w obszarze zdrowia, pomocy społecznej i aktywizacji osób starszych."),
    ("wydzial-edukacji", "Wydział Edukacji",
     "Prowadzi sprawy oświaty, wypoczynku dzieci i młodzieży oraz żywienia w szkołach."),
    ("wydzial-kultury", "Wydział Kultury",
     "Zleca zadania z zakresu kultury, sztuki i ochrony dziedzictwa."),
    ("wydzial-sportu", "Wydział Sportu i Rekreacji",
     "Wspiera kulturę fizyczną, sport powszechny i rekreację mieszkańców."),
    ("mopr", "Miejski Ośrodek Pomocy Rodzinie w Toruniu",
     "Realizuje zadania pomocy społecznej, usługi opiekuńcze i reintegrację społeczną."),
    ("biuro-zamowien-publicznych", "Biuro Zamówień Publicznych",
     "Przygotowuje i prowadzi postępowania o udzielenie zamówień publicznych Gminy."),
    ("wydzial-gospodarki-komunalnej", "Wydział Gospodarki Komunalnej",
     "Gospodaruje lokalami komunalnymi i utrzymaniem czystości w mieście."),
    ("miejski-zarzad-drog", "Miejski Zarząd Dróg",
     "Utrzymuje drogi, zieleń przyuliczną i zimowe utrzymanie ulic."),
    ("tcal-2-pietro", "Toruńskie Centrum Aktywności Lokalnej „2. Piętro”",
     "Zapewnia organizacjom pozarządowym wsparcie pozafinansowe: sale, sprzęt, doradztwo i szkolenia."),
    ("biuro-torunskiego-centrum-miasta", "Biuro Toruńskiego Centrum Miasta",
     "Zajmuje się ożywieniem Starego Miasta, promocją i wydarzeniami w centrum."),
    ("wydzial-rozwoju", "Wydział Rozwoju i Programowania Europejskiego",
     "Planuje rozwój miasta i projekty współfinansowane ze środków Unii Europejskiej."),
    ("wydzial-srodowiska", "Wydział Środowiska i Ekologii",
     "Odpowiada za ochronę środowiska, zieleń miejską i edukację ekologiczną."),
)
MUNICIPALITY = "gmina-miasta-torun"

# Entities with legal personality and units without it. Fields of each row:
# key, name, form ("legal-form" key, or "unit:{unit-type key}"), parent ("entity:key" or
# "unit:key" for units, else None), city part, street index, founded, employees, share at risk,
# public-task areas, statuses, description (pl), description (en or "").
# Statuses: "opp:YYYY-MM-DD", "ps-r:YYYY-MM-DD" / "ps-u:…" (reintegration / social services),
# "zp:YYYY-MM-DD" (Zakup Prospołeczny, one year).
ENTITIES: tuple[tuple, ...] = (
    ("spoldzielnia-socjalna-przystan", "Spółdzielnia Socjalna „Przystań”", "spoldzielnia-socjalna", None,
     "bielany", 0, "2011-05-12", 12, 0.5, ("2", "8"), ("ps-r:2023-03-14", "zp:2025-06-01"),
     "Catering na spotkania i konferencje oraz sprzątanie biur. Zatrudniamy osoby, które wróciły "
     "na rynek pracy po długim bezrobociu.",
     "Catering for meetings and conferences and office cleaning, run by people returning to work "
     "after long-term unemployment."),
    ("spoldzielnia-socjalna-zielony-kwadrat", "Spółdzielnia Socjalna „Zielony Kwadrat”",
     "spoldzielnia-socjalna", None, "stawki", 0, "2013-04-02", 9, 0.56, ("2", "18"),
     ("ps-r:2023-06-20", "zp:2024-09-01"),
     "Pielęgnacja zieleni, koszenie, nasadzenia i zimowe utrzymanie chodników na lewobrzeżu.",
     "Green-area care, mowing, planting and winter pavement maintenance on the left bank."),
    ("spoldzielnia-socjalna-pod-kasztanem", "Spółdzielnia Socjalna „Pod Kasztanem”",
     "spoldzielnia-socjalna", None, "podgorz", 1, "2014-09-15", 7, 0.57, ("2", "8"), (),
     "Drobne remonty, malowanie klatek schodowych i prace wykończeniowe w lokalach komunalnych.", ""),
    ("spoldzielnia-socjalna-wartka-nic", "Spółdzielnia Socjalna „Wartka Nić”", "spoldzielnia-socjalna",
     None, "rubinkowo", 0, "2016-02-01", 6, 0.67, ("2", "9"), ("ps-r:2024-01-22",),
     "Szwalnia i pralnia: szycie odzieży roboczej, toreb, firan i reperacje krawieckie. Zespół "
     "tworzą głównie kobiety powracające na rynek pracy.",
     "Sewing workshop and laundry, run mostly by women returning to the labour market."),
    ("spoldzielnia-socjalna-opieka-plus", "Spółdzielnia Socjalna „Opieka Plus”", "spoldzielnia-socjalna",
     None, "mokre", 0, "2018-03-05", 15, 0.4, ("1", "7", "10"), ("ps-u:2023-09-11", "opp:2021-05-10"),
     "Usługi opiekuńcze w miejscu zamieszkania, asystencja osobista osób z niepełnosprawnościami "
     "i wsparcie wytchnieniowe dla opiekunów.",
     "Home care, personal assistance for people with disabilities and respite care."),
    ("spoldzielnia-socjalna-piernikowy-szlak", "Spółdzielnia Socjalna „Piernikowy Szlak”",
     "spoldzielnia-socjalna", None, "stare-miasto", 0, "2019-10-01", 8, 0.5, ("2", "16", "19"),
     ("zp:2025-03-01",),
     "Pracownia piernika i kawiarnia na Starówce: wypieki, warsztaty dekorowania pierników, "
     "poczęstunki na wydarzenia miejskie.",
     "Gingerbread bakery and café in the Old Town: baking, decorating workshops, refreshments."),
    ("spoldzielnia-socjalna-kolo", "Spółdzielnia Socjalna „Koło”", "spoldzielnia-socjalna", None,
     "wrzosy", 0, "2020-06-18", 5, 0.6, ("2", "7"), (),
     "Przewóz osób z niepełnosprawnościami i seniorów busem przystosowanym do wózków.", ""),
    ("spoldzielnia-pracy-drukarnia-wislana", "Spółdzielnia Pracy „Drukarnia Wiślana”",
     "spoldzielnia-pracy", None, "bydgoskie-przedmiescie", 1, "1991-04-10", 22, 0.14, ("11", "16"), (),
     "Drukarnia offsetowa i cyfrowa: ulotki, plakaty, książki, materiały konferencyjne; projekty "
     "graficzne we własnym studiu.",
     "Offset and digital printing house with an in-house design studio."),
    ("spoldzielnia-pracy-czystosc", "Spółdzielnia Pracy Usług Porządkowych „Czystość”",
     "spoldzielnia-pracy", None, "chelminskie-przedmiescie", 0, "1995-08-21", 30, 0.2, ("8",), (),
     "Sprzątanie budynków użyteczności publicznej, mycie okien i utrzymanie terenów wokół obiektów.",
     ""),
    ("spoldzielnia-inwalidow-nowa-droga", "Spółdzielnia Inwalidów „Nowa Droga”",
     "spoldzielnia-inwalidow", None, "rudak", 1, "1957-11-04", 45, 0.7, ("7", "8"), ("opp:2012-06-30",),
     "Zakład pracy chronionej: konfekcjonowanie, prace montażowe, ochrona obiektów i szycie "
     "pościeli.",
     "Sheltered workshop: packaging, assembly, guarding and bed-linen sewing."),
    ("spoldzielnia-niewidomych-tyflos", "Spółdzielnia Niewidomych „Tyflos”", "spoldzielnia-niewidomych",
     None, "czerniewice", 0, "1962-02-15", 28, 0.64, ("7",), (),
     "Produkcja szczotek, mioteł i wyrobów wikliniarskich; sklep z upominkami wykonanymi przez "
     "osoby niewidome i słabowidzące.", ""),
    ("rsp-nadwislanka", "Rolnicza Spółdzielnia Produkcyjna „Nadwiślanka”",
     "spoldzielnia-produkcji-rolnej", None, "kaszczorek", 0, "1975-03-20", 14, 0.21, ("11", "18"), (),
     "Warzywa i owoce z upraw nad Wisłą, rozsady, sadzonki i dostawy do stołówek szkolnych.", ""),
    ("fundacja-pod-lipami", "Fundacja „Pod Lipami”", "fundacja", None, "bielany", 1, "2009-01-12", 11,
     0.27, ("1", "10", "6"), ("opp:2012-03-01",),
     "Aktywizacja i opieka nad seniorami: klub seniora, zajęcia ruchowe, wolontariat sąsiedzki.",
     "Activities and care for older people: seniors' club, exercise and neighbourly volunteering."),
    ("fundacja-nowy-horyzont", "Fundacja „Nowy Horyzont”", "fundacja", None, "podgorz", 0, "2005-06-06",
     19, 0.42, ("2", "8", "32"), ("opp:2010-07-01", "ps-r:2023-11-30"),
     "Reintegracja społeczna i zawodowa osób bezdomnych i wychodzących z kryzysu; prowadzimy "
     "Centrum Integracji Społecznej.", ""),
    ("fundacja-kreatywna-pracownia", "Fundacja „Kreatywna Pracownia”", "fundacja", None, "stare-miasto",
     2, "2012-09-09", 6, 0.33, ("16", "7"), ("zp:2025-01-15",),
     "Ceramika, rękodzieło i upominki z toruńskimi motywami, warsztaty artystyczne dla grup.",
     "Ceramics, crafts and gifts with Toruń motifs; art workshops for groups."),
    ("fundacja-rownym-krokiem", "Fundacja „Równym Krokiem”", "fundacja", None, "na-skarpie", 0,
     "2007-04-18", 16, 0.38, ("7", "6"), ("opp:2011-01-01",),
     "Rehabilitacja społeczna i zawodowa osób z niepełnosprawnością intelektualną; prowadzimy "
     "Warsztat Terapii Zajęciowej.", ""),
    ("fundacja-wspolna-sprawa", "Fundacja „Wspólna Sprawa”", "fundacja", None, "jakubskie-przedmiescie",
     0, "2015-02-27", 5, 0.2, ("33", "11"), (),
     "Księgowość, kadry i wirtualne biuro dla organizacji pozarządowych; szkolenia z rozliczania "
     "dotacji.", "Bookkeeping, payroll and a virtual office for NGOs; training on grant reporting."),
    ("fundacja-porozumienie", "Fundacja „Porozumienie”", "fundacja", None, "chelminskie-przedmiescie", 1,
     "2014-05-05", 4, 0.0, ("1b", "31"), ("opp:2019-01-01",),
     "Mediacje rodzinne i sąsiedzkie, nieodpłatne poradnictwo obywatelskie i szkolenia z "
     "komunikacji.", ""),
    ("fundacja-zielone-podworko", "Fundacja „Zielone Podwórko”", "fundacja", None, "wrzosy", 1,
     "2016-03-21", 3, 0.0, ("18", "14", "15"), (),
     "Edukacja ekologiczna, ogrody społeczne i półkolonie przyrodnicze dla dzieci.",
     "Environmental education, community gardens and nature day camps for children."),
    ("stowarzyszenie-most", "Stowarzyszenie „Most”", "stowarzyszenie", None, "rubinkowo", 1,
     "2003-10-10", 21, 0.35, ("2", "1", "32"), ("opp:2006-02-01",),
     "Przeciwdziałanie wykluczeniu społecznemu: Centrum i Klub Integracji Społecznej, "
     "streetworking i poradnictwo.", "Fighting social exclusion: runs a social integration centre "
     "and club, street work and counselling."),
    ("stowarzyszenie-rodzin-razem", "Stowarzyszenie Rodzin i Opiekunów Osób Niepełnosprawnych „Razem”",
     "stowarzyszenie", None, "koniuchy", 0, "1999-05-26", 9, 0.33, ("7", "8"), ("opp:2005-01-01",),
     "Rodzice i opiekunowie osób z niepełnosprawnościami; prowadzimy Zakład Aktywności Zawodowej.",
     ""),
    ("stowarzyszenie-wislane-wiosla", "Toruńskie Stowarzyszenie Sportowe „Wiślane Wiosła”",
     "stowarzyszenie", None, "rybaki", 0, "2002-04-14", 4, 0.0, ("17", "15"), (),
     "Wioślarstwo i kajakarstwo rekreacyjne, spływy Wisłą i Drwęcą, obozy sportowe dla młodzieży.",
     "Recreational rowing and kayaking, river trips and youth sports camps."),
    ("stowarzyszenie-kultura-na-starowce", "Stowarzyszenie „Kultura na Starówce”", "stowarzyszenie", None,
     "stare-miasto", 1, "2008-06-01", 6, 0.0, ("16", "13"), ("opp:2014-01-01",),
     "Festiwale uliczne, koncerty podwórkowe i spacery po Starym Mieście; organizacja wydarzeń "
     "kulturalnych na zlecenie.", ""),
    ("stowarzyszenie-scena-podgorz", "Stowarzyszenie Teatralne „Scena Podgórz”", "stowarzyszenie", None,
     "podgorz", 2, "2011-11-11", 3, 0.0, ("16", "15", "13"), (),
     "Teatr społeczny z mieszkańcami lewobrzeża, warsztaty teatralne dla młodzieży i seniorów.", ""),
    ("stowarzyszenie-aktywni-60", "Stowarzyszenie „Aktywni 60+”", "stowarzyszenie", None,
     "jakubskie-przedmiescie", 1, "2010-09-30", 2, 0.0, ("10", "6", "27"), (),
     "Uniwersytet trzeciego wieku przy ul. Lubickiej, nordic walking, kursy komputerowe dla "
     "seniorów.", "A university of the third age, Nordic walking and computer courses for seniors."),
    ("stowarzyszenie-przyjaciol-skarpy", "Stowarzyszenie Przyjaciół Skarpy", "stowarzyszenie", None,
     "na-skarpie", 1, "2006-04-22", 1, 0.0, ("13", "15"), (),
     "Festyny osiedlowe, świetlica dla dzieci i akcje sąsiedzkie na Skarpie i Rubinkowie.", ""),
    ("sz-sasiedzi-z-mokrego", "Stowarzyszenie zwykłe „Sąsiedzi z Mokrego”", "stowarzyszenie-zwykle",
     None, "mokre", 2, "2015-04-01", 0, 0.0, ("13", "18"), (),
     "Grupa mieszkańców dbająca o skwery, podwórka i wspólne sąsiedzkie wydarzenia.", ""),
    ("sz-ogrod-spoleczny-bielawy", "Stowarzyszenie zwykłe „Ogród Społeczny Bielawy”",
     "stowarzyszenie-zwykle", None, "bielawy", 0, "2017-05-13", 0, 0.0, ("18", "13"), (),
     "Ogród społeczny, wymiana nasion i warsztaty kompostowania dla mieszkańców.", ""),
    ("kuznia-smaku-non-profit", "Kuźnia Smaku sp. z o.o. non-profit", "spolka-non-profit", None,
     "jakubskie-przedmiescie", 2, "2016-08-08", 13, 0.46, ("2", "7"), ("ps-r:2024-04-15", "zp:2025-10-01"),
     "Bistro i pub spółdzielczy, w którym praca jest elementem terapii; obiady abonamentowe i "
     "catering.", "A bistro where work is part of therapy; lunch subscriptions and catering."),
    ("centrum-uslug-es-non-profit", "Centrum Usług Ekonomii Społecznej sp. z o.o. non-profit",
     "spolka-non-profit", None, "bydgoskie-przedmiescie", 2, "2013-01-28", 7, 0.14, ("11", "33", "14"),
     (),
     "Doradztwo biznesowe dla PES, biznesplany, szkolenia zawodowe i inkubator przedsiębiorczości "
     "społecznej.", ""),
    ("tks-grodzisko-non-profit", "Toruński Klub Sportowy „Grodzisko” S.A. non-profit",
     "spolka-non-profit", None, "bielany", 2, "2012-02-02", 10, 0.1, ("17", "15"), (),
     "Klub sportowy prowadzący szkolenie dzieci i młodzieży w piłce ręcznej i lekkoatletyce; "
     "obsługa imprez sportowych.", ""),
    ("kgw-grebocinianki", "Koło Gospodyń Wiejskich „Grębocinianki”", "kolo-gospodyn-wiejskich", None,
     "grebocin-nad-struga", 0, "2019-02-14", 0, 0.0, ("4", "13"), (),
     "Tradycyjna kuchnia kujawska: pierogi, wypieki i poczęstunki na festyny; warsztaty kulinarne.",
     ""),
    ("kgw-kaszczorek", "Koło Gospodyń Wiejskich w Kaszczorku", "kolo-gospodyn-wiejskich", None,
     "kaszczorek", 1, "2020-01-20", 0, 0.0, ("4", "13", "16"), (),
     "Rękodzieło, wieńce dożynkowe i potrawy regionalne; dbamy o tradycje nadwiślańskiej wsi.", ""),
    ("dom-wsparcia-przystan-nadziei", "Dom Wsparcia „Przystań Nadziei” Zgromadzenia Sióstr Miłosiernej Opieki",
     "koscielna-osoba-prawna", None, "chelminskie-przedmiescie", 2, "1994-12-08", 18, 0.3, ("1", "3", "7"),
     ("opp:2008-01-01",),
     "Schronienie dla samotnych matek z dziećmi, jadłodajnia i prowadzenie Warsztatu Terapii "
     "Zajęciowej.", ""),
    ("diakonia-dobre-rece", "Stacja Diakonii „Dobre Ręce”", "koscielna-osoba-prawna", None, "stare-miasto",
     3, "2001-03-03", 9, 0.2, ("1", "6", "10"), (),
     "Pielęgniarska opieka domowa, wypożyczalnia sprzętu rehabilitacyjnego i wsparcie dla "
     "opiekunów.", ""),
    ("stowarzyszenie-samorzadow-tow", "Stowarzyszenie Samorządów „Toruński Obszar Współpracy”",
     "stowarzyszenie-jst", None, "stare-miasto", 1, "2014-10-01", 5, 0.0, ("11", "13", "33"), (),
     "Współpraca gmin obszaru funkcjonalnego Torunia: wspólne projekty, szkolenia dla urzędników "
     "i sieciowanie PES.", ""),
    ("ks-torunskie-anioly", "Klub Sportowy „Toruńskie Anioły”", "klub-sportowy", None, "bielawy", 1,
     "2010-03-15", 3, 0.33, ("17", "7"), (),
     "Koszykówka na wózkach i sport osób z niepełnosprawnościami; pokazy i zajęcia integracyjne "
     "w szkołach.", "Wheelchair basketball and disability sport; demonstrations in schools."),
    ("spoldzielnia-spozywcow-wspolny-kosz", "Toruńska Spółdzielnia Spożywców „Wspólny Kosz”", "spoldzielnia",
     None, "jakubskie-przedmiescie", 0, "2018-11-20", 4, 0.25, ("11", "18"), (),
     "Spółdzielnia spożywców: sklep z żywnością od lokalnych rolników, paczki żywnościowe i "
     "zaopatrzenie świetlic.", ""),
    # Units without legal personality.
    ("cis-most", "Centrum Integracji Społecznej przy Stowarzyszeniu „Most”", "unit:cis",
     "entity:stowarzyszenie-most", "rubinkowo", 2, "2008-01-02", 8, 0.5, ("2", "8"), (),
     "Reintegracja zawodowa uczestników w grupach: gastronomicznej, remontowo-budowlanej i "
     "porządkowej.", "Work reintegration in catering, renovation and cleaning teams."),
    ("kis-krok-dalej", "Klub Integracji Społecznej „Krok Dalej”", "unit:kis",
     "entity:stowarzyszenie-most", "rubinkowo", 0, "2010-09-01", 3, 0.33, ("2",), (),
     "Grupy wsparcia, warsztaty aktywnego poszukiwania pracy i prace społecznie użyteczne.", ""),
    ("cis-nowy-horyzont", "Centrum Integracji Społecznej „Nowy Horyzont”", "unit:cis",
     "entity:fundacja-nowy-horyzont", "podgorz", 2, "2012-04-01", 10, 0.6, ("2", "8"), (),
     "Warsztaty zieleni, stolarni i pralni dla osób wychodzących z bezdomności.", ""),
    ("kis-mopr", "Klub Integracji Społecznej przy MOPR w Toruniu", "unit:kis", "unit:mopr", "mokre", 1,
     "2009-05-04", 4, 0.5, ("1", "2"), (),
     "Klub prowadzony przez ośrodek pomocy społecznej: kursy zawodowe, poradnictwo i wolontariat.",
     ""),
    ("zaz-razem", "Zakład Aktywności Zawodowej „Razem”", "unit:zaz", "entity:stowarzyszenie-rodzin-razem",
     "koniuchy", 1, "2011-07-01", 38, 0.71, ("7", "8"), (),
     "Pralnia przemysłowa, sprzątanie i pakowanie; zatrudniamy osoby ze znacznym i umiarkowanym "
     "stopniem niepełnosprawności.", "Industrial laundry, cleaning and packaging employing people "
     "with significant disabilities."),
    ("zaz-smaki-torunia", "Zakład Aktywności Zawodowej „Smaki Torunia”", "unit:zaz", "unit:gmina-miasta-torun",
     "na-skarpie", 2, "2017-10-16", 26, 0.73, ("7", "8"), (),
     "Garmażerka i catering dla szkół i instytucji, prowadzony przez jednostkę Gminy.", ""),
    ("wtz-rownym-krokiem", "Warsztat Terapii Zajęciowej „Równym Krokiem”", "unit:wtz",
     "entity:fundacja-rownym-krokiem", "na-skarpie", 1, "2008-09-01", 12, 0.4, ("7",), (),
     "Pracownie: ceramiczna, stolarska, krawiecka i ogrodnicza; wyroby na kiermasze i upominki.", ""),
    ("wtz-przystan-nadziei", "Warsztat Terapii Zajęciowej przy Domu Wsparcia „Przystań Nadziei”",
     "unit:wtz", "entity:dom-wsparcia-przystan-nadziei", "chelminskie-przedmiescie", 0, "2004-02-01", 9,
     0.33, ("7",), (),
     "Pracownie: gospodarstwa domowego, poligraficzna i rękodzieła; drobne usługi introligatorskie.",
     ""),
)

# Legal forms registered in the KRS (others: stowarzyszenie zwykłe in the ewidencja,
# KGW in the KRKGW, church legal persons in their own register).
KRS_FORMS = frozenset(
    {
        "spoldzielnia-socjalna",
        "spoldzielnia-pracy",
        "spoldzielnia-inwalidow",
        "spoldzielnia-niewidomych",
        "spoldzielnia-produkcji-rolnej",
        "fundacja",
        "stowarzyszenie",
        "spolka-non-profit",
        "stowarzyszenie-jst",
        "klub-sportowy",
        "spoldzielnia",
    }
)

# Offers: entity key -> rows of (key suffix, name, CPV, price, capacity, fit, area, description).
# price: (min, max, unit) a range, (price, None, unit) a single price, None on request.
# fit: instrument keys abbreviated: 94, 96, 130, 359. area: "city-part:x", "district:n" or None.
OFFERS: dict[str, tuple[tuple, ...]] = {
    "spoldzielnia-socjalna-przystan": (
        ("catering", "Catering na spotkania do 200 osób", "55520000-1", (25, 45, "za osobę"),
         "do 200 posiłków dziennie", ("94", "130"), None,
         "Przerwy kawowe, lunche i obiady serwowane na miejscu lub w termosach."),
        ("obiady-dowoz", "Dowóz obiadów dla seniorów", "55521200-0", (18, 24, "za obiad"),
         "do 120 obiadów dziennie", ("94", "359"), "district:11",
         "Dwudaniowe obiady z dowozem do domu, także diety lekkostrawne."),
        ("sprzatanie-biur", "Sprzątanie biur i sal konferencyjnych", "90919200-4", (3, 6, "za m²"),
         "do 2000 m² miesięcznie", ("94",), None, "Sprzątanie codzienne i okresowe, po wydarzeniach."),
    ),
    "spoldzielnia-socjalna-zielony-kwadrat": (
        ("koszenie", "Koszenie trawników i terenów zielonych", "77314000-4", (0.3, 0.6, "za m²"),
         "do 5 ha miesięcznie", ("94", "96"), "district:2", "Koszenie, grabienie i wywóz pokosu."),
        ("nasadzenia", "Nasadzenia i pielęgnacja rabat", "77310000-6", None, "do 40 rabat w sezonie",
         ("94",), None, "Projekt i wykonanie nasadzeń bylin i krzewów, podlewanie, odchwaszczanie."),
        ("odsniezanie", "Odśnieżanie chodników i parkingów", "90620000-9", (150, None, "za godzinę"),
         "2 ekipy w gotowości całodobowej", ("94", "96"), "district:2",
         "Zimowe utrzymanie chodników, posypywanie piaskiem."),
        ("parki", "Utrzymanie skwerów i parków osiedlowych", "77313000-7", None, "do 10 skwerów",
         ("94",), None, "Kompleksowe utrzymanie małych parków: zieleń, ławki, kosze."),
    ),
    "spoldzielnia-socjalna-pod-kasztanem": (
        ("malowanie", "Malowanie klatek schodowych i pomieszczeń", "45442100-8", (18, 30, "za m²"),
         "do 800 m² miesięcznie", ("94", "130"), None, "Malowanie ścian i sufitów, gładzie, naprawy."),
        ("remonty", "Remonty lokali komunalnych", "45453000-7", None, "2 ekipy remontowe", ("94",),
         "city-part:podgorz", "Kompleksowe remonty pustostanów: posadzki, tynki, stolarka."),
        ("meble-ogrodowe", "Ławki i meble ogrodowe z drewna", "39100000-3", (450, 1200, "za sztukę"),
         "do 30 sztuk miesięcznie", ("130",), None, "Ławki, stoły i donice z drewna sosnowego."),
    ),
    "spoldzielnia-socjalna-wartka-nic": (
        ("szycie-odziezy", "Szycie odzieży roboczej i fartuchów", "98393000-4", (40, 120, "za sztukę"),
         "do 300 sztuk miesięcznie", ("94", "130"), None, "Fartuchy, kamizelki, odzież dla stołówek."),
        ("pralnia", "Pranie i prasowanie firan, obrusów i pościeli", "98310000-9", (8, 15, "za kg"),
         "do 400 kg tygodniowo", ("94",), None, "Odbiór i dowóz w obrębie miasta."),
        ("torby", "Torby bawełniane z nadrukiem", "22462000-6", (12, 25, "za sztukę"),
         "do 2000 sztuk miesięcznie", ("130",), None, "Torby ekologiczne z logo instytucji."),
    ),
    "spoldzielnia-socjalna-opieka-plus": (
        ("uslugi-opiekuncze", "Usługi opiekuńcze w miejscu zamieszkania", "85310000-5", (42, 48, "za godzinę"),
         "do 6000 godzin miesięcznie", ("359", "94"), None,
         "Pomoc w codziennych czynnościach, higiena, zakupy, towarzyszenie."),
        ("asystencja", "Asystencja osobista osób z niepełnosprawnościami", "85311200-4", (45, 55, "za godzinę"),
         "do 40 uczestników", ("359",), None, "Asystent towarzyszy w pracy, nauce i załatwianiu spraw."),
        ("opieka-wytchnieniowa", "Opieka wytchnieniowa dla opiekunów", "85312100-0", None,
         "do 15 osób jednocześnie", ("359",), None, "Krótkoterminowa opieka zastępcza w domu podopiecznego."),
    ),
    "spoldzielnia-socjalna-piernikowy-szlak": (
        ("pierniki", "Pierniki toruńskie na upominki", "15810000-9", (8, 60, "za opakowanie"),
         "do 3000 opakowań miesięcznie", ("130",), None, "Pierniki w pudełkach z logo zamawiającego."),
        ("kawiarnia", "Kawiarnia i poczęstunki na wydarzenia", "55330000-2", (15, 30, "za osobę"),
         "do 150 osób", ("130",), "city-part:stare-miasto", "Kawa, herbata, ciasta i pierniki."),
        ("warsztaty", "Warsztaty dekorowania pierników", "80500000-9", (35, None, "za uczestnika"),
         "grupy do 25 osób", ("130",), None, "Zajęcia dla szkół, firm i turystów."),
    ),
    "spoldzielnia-socjalna-kolo": (
        ("przewoz-osob", "Przewóz osób z niepełnosprawnościami", "60130000-8", (3.5, 5, "za km"),
         "2 busy z windą, 16 miejsc", ("94", "359"), None, "Dowóz do szkół, WTZ i placówek medycznych."),
        ("transport-wycieczki", "Transport na wycieczki dla seniorów", "60130000-8", (900, 1800, "za dzień"),
         "1 bus, 8 miejsc", ("130",), None, "Wyjazdy jednodniowe z opieką kierowcy-asystenta."),
        ("dowoz-posilkow", "Dowóz posiłków dla placówek", "55521200-0", None, "do 300 porcji dziennie",
         ("94",), None, "Transport posiłków w termoportach z zachowaniem łańcucha ciepła."),
    ),
    "spoldzielnia-pracy-drukarnia-wislana": (
        ("druk", "Druk ulotek, plakatów i broszur", "79810000-5", None, "do 100 000 odbitek dziennie",
         ("130",), None, "Druk offsetowy i cyfrowy, oprawa, uszlachetnianie."),
        ("projekty", "Projekty graficzne i skład publikacji", "79822500-7", (120, None, "za godzinę"),
         "do 20 projektów miesięcznie", ("130",), None, "Identyfikacja wizualna, skład raportów."),
        ("gadzety", "Materiały reklamowe i konferencyjne", "22462000-6", None, "według zamówienia",
         ("130",), None, "Teczki, notesy, roll-upy i kalendarze."),
    ),
    "spoldzielnia-pracy-czystosc": (
        ("sprzatanie-budynkow", "Sprzątanie budynków użyteczności publicznej", "90911200-8",
         (2.5, 5, "za m²"), "do 20 000 m² miesięcznie", ("96",), None,
         "Sprzątanie szkół, przychodni i urzędów, także w nocy."),
        ("mycie-okien", "Mycie okien i przeszkleń", "90911300-9", (4, 9, "za m²"), "do 3000 m² miesięcznie",
         ("96", "130"), None, "Mycie z podnośnika do wysokości 18 m."),
        ("sprzatanie-ogolne", "Usługi sprzątania po wydarzeniach", "90910000-9", None, "ekipa 10 osób",
         ("130",), None, "Sprzątanie terenów imprez plenerowych."),
    ),
    "spoldzielnia-inwalidow-nowa-droga": (
        ("ochrona", "Ochrona obiektów i dozór mienia", "79713000-5", (24, 32, "za godzinę"),
         "do 25 posterunków", ("94", "96"), None, "Dozór fizyczny, obchody, portiernie."),
        ("posciel", "Szycie pościeli i bielizny stołowej", "98393000-4", (30, 90, "za komplet"),
         "do 500 kompletów miesięcznie", ("94",), None, "Pościel dla DPS, internatów i szpitali."),
        ("konfekcjonowanie", "Konfekcjonowanie i pakowanie", "79900000-3", None, "hala 600 m²",
         ("94",), None, "Ręczne pakowanie, etykietowanie i kompletacja zestawów."),
    ),
    "spoldzielnia-niewidomych-tyflos": (
        ("szczotki", "Szczotki i miotły dla służb porządkowych", "39100000-3", (15, 70, "za sztukę"),
         "do 5000 sztuk miesięcznie", ("94", "130"), None, "Szczotki uliczne, miotły, zmiotki."),
        ("wiklina", "Kosze i upominki z wikliny", "39100000-3", (25, 150, "za sztukę"), "do 400 sztuk",
         ("130",), None, "Kosze prezentowe wykonane przez osoby niewidome."),
        ("kosze-prezentowe", "Kosze prezentowe z produktami PES", "15810000-9", (80, 250, "za kosz"),
         "do 300 koszy przed świętami", ("130",), None, "Zestawy z piernikami i rękodziełem PES."),
    ),
    "rsp-nadwislanka": (
        ("warzywa", "Warzywa i owoce dla stołówek", "55523100-3", None, "do 2 ton tygodniowo", ("130",),
         None, "Dostawy sezonowych warzyw do szkół i przedszkoli."),
        ("sadzonki", "Sadzonki drzew i krzewów", "77310000-6", (6, 90, "za sztukę"), "szkółka 3 ha",
         ("130",), None, "Sadzonki do nasadzeń miejskich."),
        ("koszenie-laki", "Koszenie łąk kwietnych", "77314000-4", (0.2, 0.4, "za m²"), "do 20 ha",
         ("96",), "district:5", "Koszenie ekstensywne z zachowaniem siedlisk."),
    ),
    "fundacja-pod-lipami": (
        ("klub-seniora", "Zajęcia w klubie seniora", "85310000-5", (20, None, "za uczestnika miesięcznie"),
         "do 60 uczestników", ("359",), "city-part:bielany", "Zajęcia ruchowe, pamięciowe i artystyczne."),
        ("wolontariat", "Sąsiedzki wolontariat dla seniorów", "85320000-8", None, "do 40 podopiecznych",
         ("359",), "district:11", "Odwiedziny, zakupy, pomoc w drobnych sprawach."),
        ("dzienny-dom", "Dzienna opieka nad seniorami", "85311100-3", (80, 120, "za dzień"),
         "15 miejsc", ("359", "94"), None, "Opieka dzienna z posiłkiem i zajęciami."),
    ),
    "fundacja-nowy-horyzont": (
        ("szkolenia-zawodowe", "Szkolenia zawodowe dla osób bezrobotnych", "80530000-8",
         (1500, 3500, "za uczestnika"), "do 60 osób rocznie", ("359",), None,
         "Kursy: pomocnik kucharza, opiekun, pracownik gospodarczy."),
        ("praca-socjalna", "Praca socjalna i streetworking", "85310000-5", None, "3 streetworkerów",
         ("359",), "district:1", "Docieranie do osób w kryzysie bezdomności."),
        ("stolarnia", "Stolarka i naprawa mebli", "39100000-3", None, "do 50 mebli miesięcznie", ("94",),
         None, "Renowacja mebli szkolnych i biurowych."),
    ),
    "fundacja-kreatywna-pracownia": (
        ("ceramika", "Ceramika i upominki z motywami toruńskimi", "39100000-3", (20, 180, "za sztukę"),
         "do 800 sztuk miesięcznie", ("130",), None, "Kubki, talerze i magnesy wykonane ręcznie."),
        ("warsztaty-artystyczne", "Warsztaty artystyczne dla grup", "80500000-9", (40, 60, "za uczestnika"),
         "grupy do 20 osób", ("130",), None, "Ceramika, linoryt, szycie maskotek."),
        ("imprezy-kulturalne", "Animacje artystyczne na wydarzeniach", "79952100-3", None,
         "do 300 uczestników", ("130",), "city-part:stare-miasto", "Stoiska warsztatowe na festynach."),
    ),
    "fundacja-rownym-krokiem": (
        ("treningi", "Trening umiejętności społecznych", "85312120-6", None, "do 30 osób",
         ("359",), None, "Zajęcia grupowe dla młodych dorosłych z niepełnosprawnością."),
        ("rehabilitacja", "Rehabilitacja ruchowa", "85312500-4", (60, 90, "za godzinę"),
         "do 200 godzin miesięcznie", ("359",), None, "Fizjoterapia indywidualna i grupowa."),
        ("szkolenia-kadr", "Szkolenia dla nauczycieli z pracy z uczniem z niepełnosprawnością",
         "80511000-9", (800, 1500, "za dzień"), "grupy do 20 osób", ("359",), None,
         "Praktyczne szkolenia dla kadr oświaty."),
    ),
    "fundacja-wspolna-sprawa": (
        ("ksiegowosc", "Księgowość dla organizacji pozarządowych", "79211000-6", (300, 900, "za miesiąc"),
         "do 80 klientów", ("130",), None, "Pełna księgowość, sprawozdania finansowe, JPK."),
        ("kadry", "Obsługa kadrowo-płacowa", "79900000-3", (40, None, "za pracownika miesięcznie"),
         "do 400 pracowników", ("130",), None, "Listy płac, umowy, deklaracje ZUS."),
        ("szkolenia-dotacje", "Szkolenia z rozliczania dotacji", "80500000-9", (150, 250, "za uczestnika"),
         "grupy do 30 osób", ("130",), None, "Rozliczanie zadań publicznych i sprawozdania."),
        ("wirtualne-biuro", "Wirtualne biuro dla organizacji", "79900000-3", (60, None, "za miesiąc"),
         "do 50 organizacji", ("130",), None, "Adres rejestrowy, odbiór i skanowanie poczty."),
    ),
    "fundacja-porozumienie": (
        ("mediacje", "Mediacje rodzinne i sąsiedzkie", "85312310-5", None, "do 40 spraw miesięcznie",
         ("359",), None, "Mediacje prowadzone przez mediatorów sądowych."),
        ("poradnictwo", "Nieodpłatne poradnictwo obywatelskie", "85320000-8", None, "2 punkty porad",
         ("359",), None, "Porady w sprawach socjalnych, mieszkaniowych i konsumenckich."),
        ("szkolenia-komunikacja", "Szkolenia z komunikacji i rozwiązywania konfliktów", "80500000-9",
         (1200, 2400, "za dzień"), "grupy do 16 osób", ("130",), None, "Dla urzędów, szkół i firm."),
    ),
    "fundacja-zielone-podworko": (
        ("edukacja-ekologiczna", "Zajęcia edukacji ekologicznej dla szkół", "80500000-9",
         (300, 500, "za zajęcia"), "do 10 grup tygodniowo", ("130",), None, "Warsztaty o bioróżnorodności i recyklingu."),
        ("polkolonie", "Półkolonie przyrodnicze", "92600000-7", (450, 650, "za uczestnika"),
         "do 60 dzieci w turnusie", ("130",), None, "Tygodniowe turnusy w wakacje i ferie."),
        ("ogrody", "Zakładanie ogrodów społecznych", "77310000-6", None, "do 5 ogrodów w roku", ("96",),
         None, "Projekt partycypacyjny i wykonanie z mieszkańcami."),
    ),
    "stowarzyszenie-most": (
        ("streetworking", "Streetworking i praca socjalna", "85310000-5", None, "4 streetworkerów",
         ("359",), "district:8", "Praca z młodzieżą i dorosłymi w przestrzeni osiedla."),
        ("poradnictwo", "Poradnictwo psychologiczne i uzależnień", "85312300-2", None, "do 120 konsultacji miesięcznie",
         ("359",), None, "Dyżury psychologa i terapeuty uzależnień."),
        ("szkolenia", "Szkolenia dla kadr pomocy społecznej", "80510000-2", (900, 1800, "za dzień"),
         "grupy do 20 osób", ("130",), None, "Praca z osobą w kryzysie, superwizja."),
    ),
    "stowarzyszenie-rodzin-razem": (
        ("wytchnienie", "Turnusy wytchnieniowe dla rodzin", "85311200-4", None, "do 20 rodzin",
         ("359",), None, "Opieka nad osobą z niepełnosprawnością na czas wypoczynku opiekunów."),
        ("grupy-wsparcia", "Grupy wsparcia dla opiekunów", "85312320-8", None, "do 25 osób", ("359",),
         None, "Spotkania z psychologiem i prawnikiem."),
        ("wydarzenia", "Organizacja pikników integracyjnych", "79952000-2", (8000, 20000, "za wydarzenie"),
         "do 500 uczestników", ("130",), None, "Pikniki z atrakcjami dostępnymi dla wszystkich."),
    ),
    "stowarzyszenie-wislane-wiosla": (
        ("splywy", "Spływy kajakowe z instruktorem", "92600000-7", (60, 120, "za osobę"), "do 40 kajaków",
         ("130",), None, "Spływy Wisłą i Drwęcą dla szkół i firm."),
        ("obozy", "Obozy sportowe dla młodzieży", "92600000-7", (1200, 1800, "za uczestnika"),
         "do 80 uczestników", ("130",), None, "Obozy wioślarskie i kajakowe."),
        ("zawody", "Organizacja regat i zawodów rekreacyjnych", "79952000-2", None, "do 600 uczestników",
         ("130",), "city-part:rybaki", "Obsługa techniczna i sędziowska zawodów na Wiśle."),
    ),
    "stowarzyszenie-kultura-na-starowce": (
        ("festiwale", "Organizacja festiwali ulicznych", "79952100-3", None, "do 5000 uczestników",
         ("130",), "city-part:stare-miasto", "Program artystyczny, scena, nagłośnienie, wolontariusze."),
        ("koncerty", "Koncerty podwórkowe", "92500000-6", (2500, 6000, "za koncert"), "do 300 słuchaczy",
         ("130",), None, "Kameralne koncerty na podwórkach kamienic."),
        ("spacery", "Spacery miejskie z przewodnikiem", "92500000-6", (15, 25, "za osobę"),
         "grupy do 30 osób", ("130",), "city-part:stare-miasto", "Spacery tematyczne po Starym Mieście."),
    ),
    "stowarzyszenie-scena-podgorz": (
        ("spektakle", "Spektakle teatru społecznego", "92000000-1", (1500, 4000, "za spektakl"),
         "do 150 widzów", ("130",), "city-part:podgorz", "Spektakle grane przez mieszkańców."),
        ("warsztaty-teatralne", "Warsztaty teatralne dla młodzieży i seniorów", "80500000-9",
         (30, None, "za uczestnika"), "grupy do 15 osób", ("130",), None, "Cykl zajęć zakończony pokazem."),
        ("animacje", "Animacje na festynach", "79952100-3", None, "do 200 uczestników", ("130",), None,
         "Gry, chusta animacyjna i teatrzyk dla dzieci."),
    ),
    "stowarzyszenie-aktywni-60": (
        ("kursy-komputerowe", "Kursy komputerowe dla seniorów", "80500000-9", (100, 200, "za kurs"),
         "grupy do 12 osób", ("130",), None, "Obsługa komputera, smartfona i e-usług."),
        ("nordic-walking", "Zajęcia nordic walking", "92600000-7", (10, None, "za zajęcia"),
         "grupy do 25 osób", ("130",), "district:9", "Zajęcia z instruktorem w parkach miejskich."),
        ("wyklady", "Wykłady i zajęcia uniwersytetu trzeciego wieku", "80590000-6", None,
         "do 150 słuchaczy", ("359",), None, "Wykłady, lektoraty i warsztaty."),
    ),
    "stowarzyszenie-przyjaciol-skarpy": (
        ("festyny", "Festyny osiedlowe", "79952000-2", (5000, 15000, "za wydarzenie"), "do 1000 uczestników",
         ("130",), "district:7", "Festyny z udziałem szkół i klubów osiedlowych."),
        ("swietlica", "Świetlica dla dzieci", "85312110-3", None, "do 30 dzieci", ("359",), "city-part:na-skarpie",
         "Pomoc w lekcjach, zajęcia i podwieczorek."),
        ("akcje-sasiedzkie", "Akcje sąsiedzkie i sprzątanie osiedla", "98133100-5", None, "do 200 wolontariuszy",
         (), "district:7", "Sprzątanie terenów zieleni z mieszkańcami."),
    ),
    "sz-sasiedzi-z-mokrego": (
        ("skwery", "Opieka nad skwerami sąsiedzkimi", "77313000-7", None, "3 skwery", (), "city-part:mokre",
         "Podlewanie, sadzenie kwiatów i drobne porządki."),
        ("potancowki", "Potańcówki podwórkowe", "79952100-3", None, "do 150 osób", (), "city-part:mokre",
         "Wieczorne spotkania taneczne dla sąsiadów."),
        ("wymiana-rzeczy", "Sąsiedzka wymiana rzeczy", "79952000-2", None, "4 razy w roku", (), "city-part:mokre",
         "Kiermasze wymiany ubrań, książek i zabawek."),
    ),
    "sz-ogrod-spoleczny-bielawy": (
        ("warsztaty-kompost", "Warsztaty kompostowania", "80500000-9", None, "grupy do 20 osób", (),
         "city-part:bielawy", "Jak kompostować w ogrodzie i na balkonie."),
        ("rozsady", "Rozsady warzyw i ziół", "77310000-6", (3, 8, "za sztukę"), "do 1000 sztuk wiosną",
         (), None, "Rozsady z ogrodu społecznego."),
        ("ogrod-zajecia", "Zajęcia ogrodnicze dla przedszkoli", "80500000-9", None, "grupy do 25 dzieci",
         (), "city-part:bielawy", "Sianie, sadzenie i zbiory w ogrodzie."),
    ),
    "kuznia-smaku-non-profit": (
        ("obiady", "Obiady abonamentowe", "55523000-2", (19, 25, "za obiad"), "do 250 obiadów dziennie",
         ("94", "130"), None, "Zestawy obiadowe dla pracowników instytucji."),
        ("catering", "Catering okolicznościowy", "55520000-1", (30, 70, "za osobę"), "do 300 osób",
         ("94", "130"), None, "Bufety, kolacje i poczęstunki."),
        ("posilki-szkoly", "Posiłki dla szkół i przedszkoli", "55524000-9", (9, 14, "za posiłek"),
         "do 600 posiłków dziennie", ("94",), None, "Posiłki zgodne z normami żywienia dzieci."),
    ),
    "centrum-uslug-es-non-profit": (
        ("doradztwo", "Doradztwo biznesowe dla PES", "79900000-3", (150, 200, "za godzinę"),
         "do 200 godzin miesięcznie", ("130",), None, "Modele biznesowe, wycena usług, marketing."),
        ("szkolenia-zawodowe", "Szkolenia zawodowe", "80530000-8", None, "do 100 osób rocznie", ("359",), None,
         "Kursy kwalifikacyjne z certyfikatem."),
        ("inkubator", "Inkubator przedsiębiorczości społecznej", "79900000-3", None, "8 stanowisk",
         (), None, "Biuro, doradca i mentoring dla nowych spółdzielni."),
        ("marketing", "Kampanie promocyjne dla PES", "79000000-4", (3000, 12000, "za kampanię"),
         "do 10 kampanii rocznie", ("130",), None, "Strategie i kampanie w mediach społecznościowych."),
    ),
    "tks-grodzisko-non-profit": (
        ("szkolenie-dzieci", "Zajęcia sportowe dla dzieci", "92600000-7", (80, 120, "za miesiąc"),
         "do 200 dzieci", ("130",), None, "Piłka ręczna i lekkoatletyka dla szkół podstawowych."),
        ("imprezy-sportowe", "Obsługa imprez sportowych", "79952000-2", None, "do 2000 uczestników",
         ("130",), None, "Biegi miejskie: zapisy, pomiar czasu, wolontariusze."),
        ("obozy", "Obozy sportowe", "92600000-7", (1400, None, "za uczestnika"), "do 60 uczestników",
         ("130",), None, "Letnie obozy szkoleniowe."),
    ),
    "kgw-grebocinianki": (
        ("poczestunki", "Poczęstunki na festyny i uroczystości", "55520000-1", (20, 35, "za osobę"),
         "do 300 osób", ("130",), None, "Pierogi, żurek, ciasta domowe."),
        ("wypieki", "Domowe wypieki", "15810000-9", (40, 80, "za blachę"), "do 50 blach tygodniowo",
         ("130",), "district:6", "Ciasta drożdżowe, sernik, szarlotka."),
        ("warsztaty-kulinarne", "Warsztaty kulinarne kuchni kujawskiej", "80500000-9", None,
         "grupy do 15 osób", ("130",), None, "Lepienie pierogów i pieczenie chleba."),
    ),
    "kgw-kaszczorek": (
        ("wience", "Wieńce i dekoracje z naturalnych materiałów", "39100000-3", (50, 300, "za sztukę"),
         "do 50 sztuk w sezonie", ("130",), None, "Wieńce dożynkowe, stroiki świąteczne."),
        ("potrawy", "Potrawy regionalne na wydarzenia", "55520000-1", None, "do 200 osób", ("130",),
         "district:5", "Smalec, ogórki, pierogi i kołacze."),
        ("rekodzielo-warsztaty", "Warsztaty rękodzieła ludowego", "80500000-9", (25, None, "za uczestnika"),
         "grupy do 20 osób", ("130",), None, "Bibułkarstwo, haft i plecionkarstwo."),
    ),
    "dom-wsparcia-przystan-nadziei": (
        ("schronienie", "Miejsca schronienia dla matek z dziećmi", "85311000-2", None, "24 miejsca",
         ("359",), None, "Całodobowe schronienie ze wsparciem psychologa."),
        ("jadlodajnia", "Posiłki dla osób potrzebujących", "55321000-6", (12, 16, "za posiłek"),
         "do 150 posiłków dziennie", ("359", "94"), None, "Gorące posiłki w jadłodajni."),
        ("opieka-dzieci", "Opieka dzienna nad małymi dziećmi", "85312110-3", None, "15 miejsc", ("359",),
         None, "Opieka dla dzieci mam w kryzysie."),
    ),
    "diakonia-dobre-rece": (
        ("pielegniarstwo", "Pielęgniarska opieka domowa", "85312400-3", (70, 90, "za wizytę"),
         "do 400 wizyt miesięcznie", ("359",), None, "Opatrunki, iniekcje, edukacja opiekunów."),
        ("wypozyczalnia", "Wypożyczalnia sprzętu rehabilitacyjnego", "85312200-1", (50, 150, "za miesiąc"),
         "ponad 200 sprzętów", (), None, "Łóżka, wózki, balkoniki, koncentratory tlenu."),
        ("wsparcie-opiekunow", "Szkolenia dla opiekunów rodzinnych", "80510000-2", None, "grupy do 15 osób",
         ("359",), None, "Pielęgnacja, przenoszenie, profilaktyka odleżyn."),
    ),
    "stowarzyszenie-samorzadow-tow": (
        ("szkolenia-urzednikow", "Szkolenia dla urzędników z klauzul społecznych", "80511000-9",
         (1500, 3000, "za dzień"), "grupy do 25 osób", ("130",), None, "Zamówienia zastrzeżone i klauzule."),
        ("sieciowanie", "Spotkania sieciujące PES i samorządów", "79950000-8", None, "do 120 uczestników",
         ("130",), None, "Targi i fora ekonomii społecznej."),
        ("doradztwo-projekty", "Doradztwo w przygotowaniu projektów partnerskich", "79900000-3",
         None, "do 10 projektów rocznie", (), None, "Partnerstwa gmin i PES."),
    ),
    "ks-torunskie-anioly": (
        ("pokazy", "Pokazy koszykówki na wózkach w szkołach", "92600000-7", (600, 1200, "za pokaz"),
         "do 40 pokazów rocznie", ("130",), None, "Lekcja wychowania fizycznego z zawodnikami."),
        ("turniej", "Organizacja turniejów integracyjnych", "79952000-2", None, "do 300 uczestników",
         ("130",), None, "Turnieje dla drużyn mieszanych."),
        ("szkolenia-trenerow", "Szkolenia dla trenerów z pracy z zawodnikami z niepełnosprawnością",
         "80511000-9", (400, None, "za uczestnika"), "grupy do 20 osób", (), None,
         "Dostosowanie ćwiczeń, bezpieczeństwo, sprzęt."),
    ),
    "spoldzielnia-spozywcow-wspolny-kosz": (
        ("paczki", "Paczki żywnościowe z lokalnych produktów", "15800000-6", (60, 150, "za paczkę"),
         "do 500 paczek miesięcznie", ("130",), None, "Paczki świąteczne i interwencyjne."),
        ("zaopatrzenie", "Zaopatrzenie świetlic i klubów w żywność", "15000000-8", None, "do 40 placówek",
         ("130",), None, "Dostawy raz w tygodniu."),
        ("dowoz-zakupow", "Dowóz zakupów do domu dla seniorów", "85312200-1", (10, None, "za dostawę"),
         "do 200 dostaw tygodniowo", ("359",), "district:9", "Zamówienie telefoniczne, dowóz w 24 godziny."),
    ),
    "cis-most": (
        ("catering", "Catering z pracowni gastronomicznej", "55520000-1", (18, 32, "za osobę"),
         "do 100 osób", ("94", "130"), None, "Kanapki, sałatki i ciepłe dania."),
        ("remonty", "Prace remontowo-porządkowe", "45453000-7", None, "ekipa 8 osób", ("94",),
         "district:8", "Malowanie, drobne naprawy, porządkowanie piwnic."),
        ("sprzatanie", "Sprzątanie klatek schodowych", "90911200-8", (150, 300, "za klatkę miesięcznie"),
         "do 60 klatek", ("94",), "district:8", "Sprzątanie cotygodniowe w zasobach komunalnych."),
    ),
    "kis-krok-dalej": (
        ("prace-spoleczne", "Prace społecznie użyteczne przy zieleni", "77314000-4", None, "do 15 osób",
         ("94",), "district:8", "Grabienie liści, porządkowanie terenów wspólnych."),
        ("warsztaty", "Warsztaty aktywnego poszukiwania pracy", "80530000-8", None, "grupy do 12 osób",
         ("359",), None, "CV, rozmowa kwalifikacyjna, prawa pracownika."),
        ("grupy-wsparcia", "Grupy wsparcia dla osób bezrobotnych", "85312320-8", None, "do 20 osób",
         ("359",), None, "Cotygodniowe spotkania z psychologiem."),
    ),
    "cis-nowy-horyzont": (
        ("zielen", "Pielęgnacja zieleni przez grupy reintegracyjne", "77314000-4", (0.35, 0.7, "za m²"),
         "do 3 ha miesięcznie", ("94",), "district:1", "Koszenie, grabienie, nasadzenia."),
        ("stolarnia", "Stolarnia: budki lęgowe i meble miejskie", "39100000-3", (60, 900, "za sztukę"),
         "do 100 sztuk miesięcznie", ("94", "130"), None, "Budki dla ptaków, ławki, skrzynie."),
        ("pralnia", "Pralnia dla placówek", "98310000-9", (7, 12, "za kg"), "do 300 kg tygodniowo",
         ("94",), None, "Pranie pościeli i odzieży roboczej."),
    ),
    "kis-mopr": (
        ("kursy", "Kursy zawodowe dla uczestników", "80530000-8", None, "do 40 osób rocznie", ("359",),
         None, "Kurs opiekuna osób starszych i pracownika porządkowego."),
        ("sprzatanie-ulic", "Sprzątanie ciągów pieszych", "90610000-6", None, "do 10 osób", ("94",),
         "city-part:mokre", "Prace porządkowe w ramach reintegracji."),
        ("poradnictwo", "Poradnictwo zawodowe", "85312320-8", None, "do 30 konsultacji tygodniowo", ("359",),
         None, "Indywidualne plany działania."),
    ),
    "zaz-razem": (
        ("pralnia", "Pralnia przemysłowa", "98310000-9", (6, 10, "za kg"), "do 1500 kg tygodniowo",
         ("94", "96"), None, "Pranie bielizny szpitalnej, pościeli i odzieży roboczej."),
        ("sprzatanie", "Sprzątanie obiektów", "90919000-2", (2.8, 4.5, "za m²"), "do 8000 m² miesięcznie",
         ("94", "96"), None, "Sprzątanie biur i szkół przez zespoły z trenerem pracy."),
        ("pakowanie", "Pakowanie i kompletacja przesyłek", "79900000-3", None, "do 10 000 paczek miesięcznie",
         ("94",), None, "Pakowanie materiałów promocyjnych."),
        ("sprzatanie-okien", "Mycie okien", "90911300-9", (5, 8, "za m²"), "do 1000 m²", ("94",), None,
         "Mycie okien do wysokości 3 kondygnacji."),
    ),
    "zaz-smaki-torunia": (
        ("posilki-szkoly", "Posiłki dla szkół", "55524000-9", (10, 13, "za posiłek"), "do 900 posiłków dziennie",
         ("94",), None, "Obiady dla szkół podstawowych z dowozem."),
        ("posilki-szkolne-stolowka", "Prowadzenie stołówki szkolnej", "55523100-3", None, "2 stołówki",
         ("94",), "district:7", "Przygotowanie i wydawanie posiłków na miejscu."),
        ("garmazerka", "Garmażerka i wyroby cukiernicze", "15810000-9", None, "do 200 kg dziennie",
         ("94", "130"), None, "Pierogi, krokiety i ciasta."),
    ),
    "wtz-rownym-krokiem": (
        ("ceramika", "Ceramika z pracowni terapii", "39100000-3", (15, 120, "za sztukę"), "do 300 sztuk",
         ("130",), None, "Upominki i odznaczenia z ceramiki."),
        ("kartki", "Kartki okolicznościowe i zaproszenia", "22462000-6", (4, 12, "za sztukę"),
         "do 2000 sztuk miesięcznie", ("130",), None, "Kartki ręcznie robione."),
        ("ogrod", "Sadzonki z pracowni ogrodniczej", "77310000-6", (4, 20, "za sztukę"), "do 500 sztuk",
         ("130",), None, "Zioła, kwiaty rabatowe."),
    ),
    "wtz-przystan-nadziei": (
        ("introligatornia", "Oprawa dokumentów i prace introligatorskie", "79810000-5", (5, 40, "za egzemplarz"),
         "do 500 egzemplarzy miesięcznie", ("130",), None, "Oprawa prac dyplomowych i ksiąg."),
        ("mydla", "Mydła i świece naturalne", "39100000-3", (10, 35, "za sztukę"), "do 600 sztuk",
         ("130",), None, "Upominki z pracowni rękodzieła."),
        ("szycie", "Szycie woreczków i toreb", "98393000-4", (6, 20, "za sztukę"), "do 400 sztuk",
         ("130",), None, "Woreczki lniane na upominki."),
    ),
}

FIT = {
    "94": "zamowienie-zastrzezone-art94",
    "96": "klauzule-spoleczne-art96",
    "130": "zakup-ponizej-130k",
    "359": "uslugi-spoleczne-art359",
}

# Local offer category of a CPV code: the category of its longest listed prefix.
CATEGORY_BY_CPV_PREFIX: tuple[tuple[str, str], ...] = (
    ("15", "gastronomia"),
    ("55", "gastronomia"),
    ("22", "poligrafia"),
    ("798", "poligrafia"),
    ("39", "rekodzielo"),
    ("45", "remonty"),
    ("60", "transport"),
    ("77", "zielen"),
    ("906", "sprzatanie"),
    ("909", "sprzatanie"),
    ("79", "uslugi-biurowe"),
    ("797", "ochrona"),
    ("7995", "wydarzenia"),
    ("80", "szkolenia"),
    ("85", "uslugi-opiekuncze"),
    ("92", "turystyka-kultura-sport"),
    ("98133", "uslugi-opiekuncze"),
    ("983", "szycie-pranie"),
)


def offer_category(cpv: str) -> str:
    """Key of the local offer category that matches a CPV code."""
    best = ""
    category = "uslugi-biurowe"
    for prefix, key in CATEGORY_BY_CPV_PREFIX:
        if cpv.startswith(prefix) and len(prefix) > len(best):
            best, category = prefix, key
    return category
