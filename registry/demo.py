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


# Local names of the terms used, by prefix.
_TERM_NAMES = (
    (
        "pes",
        PES,
        (
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
        ),
    ),
    (
        "schema",
        SCHEMA,
        (
            "Organization Offer Demand PriceSpecification MonetaryAmount name description "
            "taxID email telephone url foundingDate numberOfEmployees makesOffer offeredBy "
            "category areaServed priceSpecification validFrom minPrice maxPrice price "
            "priceCurrency unitText value currency validThrough startDate endDate"
        ),
    ),
    ("org", ORG, "OrganizationalUnit FormalOrganization unitOf"),
    ("rov", ROV, "RegisteredOrganization legalName orgType registration"),
    ("adms", ADMS, "Identifier identifier"),
    ("locn", LOCN, "Address address thoroughfare locatorDesignator postCode postName fullAddress"),
    ("geo", GEO, "lat long"),
    ("dct", DCT, "type modified publisher issued temporal PeriodOfTime date"),
    ("dcat", DCAT, "startDate endDate"),
    ("skos", SKOS, "notation"),
    ("prov", PROV, "Activity Plan"),
    ("foaf", FOAF, "page"),
    ("qb", QB, "DataSet Observation structure dataSet"),
    ("eli", ELI, "LegalResource id_local title date_document"),
    ("essglobal", ESSGLOBAL, "SSEInitiative ProductOrService"),
)


class _Terms:
    """Named nodes of classes and properties, built once per process on first use."""

    def __init__(self) -> None:
        for prefix, ns, names in _TERM_NAMES:
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
    """Append a Toruń ``locn:Address`` with city part, okręg and coordinates near its centre."""
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


def add_amount(
    triples: list[Triple], subject: NamedNode, prop: NamedNode, node: NamedNode, value: int
) -> None:
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
# fmt: off
CITY_UNITS: tuple[tuple[str, str, str], ...] = (
    ("wydzial-zdrowia", "Wydział Zdrowia i Polityki Społecznej",
     ("Koordynuje współpracę Gminy z organizacjami pozarządowymi i podmiotami ekonomii "
      "społecznej w obszarze zdrowia, pomocy społecznej i aktywizacji osób starszych.")),
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
     ("Zapewnia organizacjom pozarządowym wsparcie pozafinansowe: sale, sprzęt, doradztwo i "
      "szkolenia.")),
    ("biuro-torunskiego-centrum-miasta", "Biuro Toruńskiego Centrum Miasta",
     "Zajmuje się ożywieniem Starego Miasta, promocją i wydarzeniami w centrum."),
    ("wydzial-rozwoju", "Wydział Rozwoju i Programowania Europejskiego",
     "Planuje rozwój miasta i projekty współfinansowane ze środków Unii Europejskiej."),
    ("wydzial-srodowiska", "Wydział Środowiska i Ekologii",
     "Odpowiada za ochronę środowiska, zieleń miejską i edukację ekologiczną."),
)
# fmt: on
MUNICIPALITY = "gmina-miasta-torun"

# Entities with legal personality and units without it. Fields of each row:
# key, name, form ("legal-form" key, or "unit:{unit-type key}"), parent ("entity:key" or
# "unit:key" for units, else None), city part, street index, founded, employees, share at risk,
# public-task areas, statuses, description (pl), description (en or "").
# Statuses: "opp:YYYY-MM-DD", "ps-r:YYYY-MM-DD" / "ps-u:…" (reintegration / social services),
# "zp:YYYY-MM-DD" (Zakup Prospołeczny, one year).
# fmt: off
ENTITIES: tuple[tuple, ...] = (
    ("spoldzielnia-socjalna-przystan", "Spółdzielnia Socjalna „Przystań”", "spoldzielnia-socjalna",
     None, "bielany", 0, "2011-05-12", 12, 0.5, ("2", "8"), ("ps-r:2023-03-14", "zp:2025-06-01"),
     ("Catering na spotkania i konferencje oraz sprzątanie biur. Zatrudniamy osoby, które "
      "wróciły na rynek pracy po długim bezrobociu."),
     ("Catering for meetings and conferences and office cleaning, run by people returning to "
      "work after long-term unemployment.")),
    ("spoldzielnia-socjalna-zielony-kwadrat", "Spółdzielnia Socjalna „Zielony Kwadrat”",
     "spoldzielnia-socjalna", None, "stawki", 0, "2013-04-02", 9, 0.56, ("2", "18"),
     ("ps-r:2023-06-20", "zp:2024-09-01"),
     "Pielęgnacja zieleni, koszenie, nasadzenia i zimowe utrzymanie chodników na lewobrzeżu.",
     "Green-area care, mowing, planting and winter pavement maintenance on the left bank."),
    ("spoldzielnia-socjalna-pod-kasztanem", "Spółdzielnia Socjalna „Pod Kasztanem”",
     "spoldzielnia-socjalna", None, "podgorz", 1, "2014-09-15", 7, 0.57, ("2", "8"), (),
     "Drobne remonty, malowanie klatek schodowych i prace wykończeniowe w lokalach komunalnych.",
     ""),
    ("spoldzielnia-socjalna-wartka-nic", "Spółdzielnia Socjalna „Wartka Nić”",
     "spoldzielnia-socjalna", None, "rubinkowo", 0, "2016-02-01", 6, 0.67, ("2", "9"),
     ("ps-r:2024-01-22",),
     ("Szwalnia i pralnia: szycie odzieży roboczej, toreb, firan i reperacje krawieckie. Zespół "
      "tworzą głównie kobiety powracające na rynek pracy."),
     "Sewing workshop and laundry, run mostly by women returning to the labour market."),
    ("spoldzielnia-socjalna-opieka-plus", "Spółdzielnia Socjalna „Opieka Plus”",
     "spoldzielnia-socjalna", None, "mokre", 0, "2018-03-05", 15, 0.4, ("1", "7", "10"),
     ("ps-u:2023-09-11", "opp:2021-05-10"),
     ("Usługi opiekuńcze w miejscu zamieszkania, asystencja osobista osób z "
      "niepełnosprawnościami i wsparcie wytchnieniowe dla opiekunów."),
     "Home care, personal assistance for people with disabilities and respite care."),
    ("spoldzielnia-socjalna-piernikowy-szlak", "Spółdzielnia Socjalna „Piernikowy Szlak”",
     "spoldzielnia-socjalna", None, "stare-miasto", 0, "2019-10-01", 8, 0.5, ("2", "16", "19"),
     ("zp:2025-03-01",),
     ("Pracownia piernika i kawiarnia na Starówce: wypieki, warsztaty dekorowania pierników, "
      "poczęstunki na wydarzenia miejskie."),
     "Gingerbread bakery and café in the Old Town: baking, decorating workshops, refreshments."),
    ("spoldzielnia-socjalna-kolo", "Spółdzielnia Socjalna „Koło”", "spoldzielnia-socjalna", None,
     "wrzosy", 0, "2020-06-18", 5, 0.6, ("2", "7"), (),
     "Przewóz osób z niepełnosprawnościami i seniorów busem przystosowanym do wózków.", ""),
    ("spoldzielnia-pracy-drukarnia-wislana", "Spółdzielnia Pracy „Drukarnia Wiślana”",
     "spoldzielnia-pracy", None, "bydgoskie-przedmiescie", 1, "1991-04-10", 22, 0.14, ("11", "16"),
     (),
     ("Drukarnia offsetowa i cyfrowa: ulotki, plakaty, książki, materiały konferencyjne; "
      "projekty graficzne we własnym studiu."),
     "Offset and digital printing house with an in-house design studio."),
    ("spoldzielnia-pracy-czystosc", "Spółdzielnia Pracy Usług Porządkowych „Czystość”",
     "spoldzielnia-pracy", None, "chelminskie-przedmiescie", 0, "1995-08-21", 30, 0.2, ("8",), (),
     ("Sprzątanie budynków użyteczności publicznej, mycie okien i utrzymanie terenów wokół "
      "obiektów."), ""),
    ("spoldzielnia-inwalidow-nowa-droga", "Spółdzielnia Inwalidów „Nowa Droga”",
     "spoldzielnia-inwalidow", None, "rudak", 1, "1957-11-04", 45, 0.7, ("7", "8"),
     ("opp:2012-06-30",),
     ("Zakład pracy chronionej: konfekcjonowanie, prace montażowe, ochrona obiektów i szycie "
      "pościeli."), "Sheltered workshop: packaging, assembly, guarding and bed-linen sewing."),
    ("spoldzielnia-niewidomych-tyflos", "Spółdzielnia Niewidomych „Tyflos”",
     "spoldzielnia-niewidomych", None, "czerniewice", 0, "1962-02-15", 28, 0.64, ("7",), (),
     ("Produkcja szczotek, mioteł i wyrobów wikliniarskich; sklep z upominkami wykonanymi przez "
      "osoby niewidome i słabowidzące."), ""),
    ("rsp-nadwislanka", "Rolnicza Spółdzielnia Produkcyjna „Nadwiślanka”",
     "spoldzielnia-produkcji-rolnej", None, "kaszczorek", 0, "1975-03-20", 14, 0.21, ("11", "18"),
     (), "Warzywa i owoce z upraw nad Wisłą, rozsady, sadzonki i dostawy do stołówek szkolnych.",
     ""),
    ("fundacja-pod-lipami", "Fundacja „Pod Lipami”", "fundacja", None, "bielany", 1, "2009-01-12",
     11, 0.27, ("1", "10", "6"), ("opp:2012-03-01",),
     "Aktywizacja i opieka nad seniorami: klub seniora, zajęcia ruchowe, wolontariat sąsiedzki.",
     "Activities and care for older people: seniors' club, exercise and neighbourly volunteering."),
    ("fundacja-nowy-horyzont", "Fundacja „Nowy Horyzont”", "fundacja", None, "podgorz", 0,
     "2005-06-06", 19, 0.42, ("2", "8", "32"), ("opp:2010-07-01", "ps-r:2023-11-30"),
     ("Reintegracja społeczna i zawodowa osób bezdomnych i wychodzących z kryzysu; prowadzimy "
      "Centrum Integracji Społecznej."), ""),
    ("fundacja-kreatywna-pracownia", "Fundacja „Kreatywna Pracownia”", "fundacja", None,
     "stare-miasto", 2, "2012-09-09", 6, 0.33, ("16", "7"), ("zp:2025-01-15",),
     "Ceramika, rękodzieło i upominki z toruńskimi motywami, warsztaty artystyczne dla grup.",
     "Ceramics, crafts and gifts with Toruń motifs; art workshops for groups."),
    ("fundacja-rownym-krokiem", "Fundacja „Równym Krokiem”", "fundacja", None, "na-skarpie", 0,
     "2007-04-18", 16, 0.38, ("7", "6"), ("opp:2011-01-01",),
     ("Rehabilitacja społeczna i zawodowa osób z niepełnosprawnością intelektualną; prowadzimy "
      "Warsztat Terapii Zajęciowej."), ""),
    ("fundacja-wspolna-sprawa", "Fundacja „Wspólna Sprawa”", "fundacja", None,
     "jakubskie-przedmiescie", 0, "2015-02-27", 5, 0.2, ("33", "11"), (),
     ("Księgowość, kadry i wirtualne biuro dla organizacji pozarządowych; szkolenia z "
      "rozliczania dotacji."),
     "Bookkeeping, payroll and a virtual office for NGOs; training on grant reporting."),
    ("fundacja-porozumienie", "Fundacja „Porozumienie”", "fundacja", None,
     "chelminskie-przedmiescie", 1, "2014-05-05", 4, 0.0, ("1b", "31"), ("opp:2019-01-01",),
     ("Mediacje rodzinne i sąsiedzkie, nieodpłatne poradnictwo obywatelskie i szkolenia z "
      "komunikacji."), ""),
    ("fundacja-zielone-podworko", "Fundacja „Zielone Podwórko”", "fundacja", None, "wrzosy", 1,
     "2016-03-21", 3, 0.0, ("18", "14", "15"), (),
     "Edukacja ekologiczna, ogrody społeczne i półkolonie przyrodnicze dla dzieci.",
     "Environmental education, community gardens and nature day camps for children."),
    ("stowarzyszenie-most", "Stowarzyszenie „Most”", "stowarzyszenie", None, "rubinkowo", 1,
     "2003-10-10", 21, 0.35, ("2", "1", "32"), ("opp:2006-02-01",),
     ("Przeciwdziałanie wykluczeniu społecznemu: Centrum i Klub Integracji Społecznej, "
      "streetworking i poradnictwo."),
     ("Fighting social exclusion: runs a social integration centre and club, street work and "
      "counselling.")),
    ("stowarzyszenie-rodzin-razem",
     "Stowarzyszenie Rodzin i Opiekunów Osób Niepełnosprawnych „Razem”", "stowarzyszenie", None,
     "koniuchy", 0, "1999-05-26", 9, 0.33, ("7", "8"), ("opp:2005-01-01",),
     "Rodzice i opiekunowie osób z niepełnosprawnościami; prowadzimy Zakład Aktywności Zawodowej.",
     ""),
    ("stowarzyszenie-wislane-wiosla", "Toruńskie Stowarzyszenie Sportowe „Wiślane Wiosła”",
     "stowarzyszenie", None, "rybaki", 0, "2002-04-14", 4, 0.0, ("17", "15"), (),
     "Wioślarstwo i kajakarstwo rekreacyjne, spływy Wisłą i Drwęcą, obozy sportowe dla młodzieży.",
     "Recreational rowing and kayaking, river trips and youth sports camps."),
    ("stowarzyszenie-kultura-na-starowce", "Stowarzyszenie „Kultura na Starówce”", "stowarzyszenie",
     None, "stare-miasto", 1, "2008-06-01", 6, 0.0, ("16", "13"), ("opp:2014-01-01",),
     ("Festiwale uliczne, koncerty podwórkowe i spacery po Starym Mieście; organizacja wydarzeń "
      "kulturalnych na zlecenie."), ""),
    ("stowarzyszenie-scena-podgorz", "Stowarzyszenie Teatralne „Scena Podgórz”", "stowarzyszenie",
     None, "podgorz", 2, "2011-11-11", 3, 0.0, ("16", "15", "13"), (),
     "Teatr społeczny z mieszkańcami lewobrzeża, warsztaty teatralne dla młodzieży i seniorów.",
     ""),
    ("stowarzyszenie-aktywni-60", "Stowarzyszenie „Aktywni 60+”", "stowarzyszenie", None,
     "jakubskie-przedmiescie", 1, "2010-09-30", 2, 0.0, ("10", "6", "27"), (),
     ("Uniwersytet trzeciego wieku przy ul. Lubickiej, nordic walking, kursy komputerowe dla "
      "seniorów."),
     "A university of the third age, Nordic walking and computer courses for seniors."),
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
     "jakubskie-przedmiescie", 2, "2016-08-08", 13, 0.46, ("2", "7"),
     ("ps-r:2024-04-15", "zp:2025-10-01"),
     ("Bistro i pub spółdzielczy, w którym praca jest elementem terapii; obiady abonamentowe i "
      "catering."), "A bistro where work is part of therapy; lunch subscriptions and catering."),
    ("centrum-uslug-es-non-profit", "Centrum Usług Ekonomii Społecznej sp. z o.o. non-profit",
     "spolka-non-profit", None, "bydgoskie-przedmiescie", 2, "2013-01-28", 7, 0.14,
     ("11", "33", "14"), (),
     ("Doradztwo biznesowe dla PES, biznesplany, szkolenia zawodowe i inkubator "
      "przedsiębiorczości społecznej."), ""),
    ("tks-grodzisko-non-profit", "Toruński Klub Sportowy „Grodzisko” S.A. non-profit",
     "spolka-non-profit", None, "bielany", 2, "2012-02-02", 10, 0.1, ("17", "15"), (),
     ("Klub sportowy prowadzący szkolenie dzieci i młodzieży w piłce ręcznej i lekkoatletyce; "
      "obsługa imprez sportowych."), ""),
    ("kgw-grebocinianki", "Koło Gospodyń Wiejskich „Grębocinianki”", "kolo-gospodyn-wiejskich",
     None, "grebocin-nad-struga", 0, "2019-02-14", 0, 0.0, ("4", "13"), (),
     "Tradycyjna kuchnia kujawska: pierogi, wypieki i poczęstunki na festyny; warsztaty kulinarne.",
     ""),
    ("kgw-kaszczorek", "Koło Gospodyń Wiejskich w Kaszczorku", "kolo-gospodyn-wiejskich", None,
     "kaszczorek", 1, "2020-01-20", 0, 0.0, ("4", "13", "16"), (),
     "Rękodzieło, wieńce dożynkowe i potrawy regionalne; dbamy o tradycje nadwiślańskiej wsi.", ""),
    ("dom-wsparcia-przystan-nadziei",
     "Dom Wsparcia „Przystań Nadziei” Zgromadzenia Sióstr Miłosiernej Opieki",
     "koscielna-osoba-prawna", None, "chelminskie-przedmiescie", 2, "1994-12-08", 18, 0.3,
     ("1", "3", "7"), ("opp:2008-01-01",),
     ("Schronienie dla samotnych matek z dziećmi, jadłodajnia i prowadzenie Warsztatu Terapii "
      "Zajęciowej."), ""),
    ("diakonia-dobre-rece", "Stacja Diakonii „Dobre Ręce”", "koscielna-osoba-prawna", None,
     "stare-miasto", 3, "2001-03-03", 9, 0.2, ("1", "6", "10"), (),
     ("Pielęgniarska opieka domowa, wypożyczalnia sprzętu rehabilitacyjnego i wsparcie dla "
      "opiekunów."), ""),
    ("stowarzyszenie-samorzadow-tow", "Stowarzyszenie Samorządów „Toruński Obszar Współpracy”",
     "stowarzyszenie-jst", None, "stare-miasto", 1, "2014-10-01", 5, 0.0, ("11", "13", "33"), (),
     ("Współpraca gmin obszaru funkcjonalnego Torunia: wspólne projekty, szkolenia dla "
      "urzędników i sieciowanie PES."), ""),
    ("ks-torunskie-anioly", "Klub Sportowy „Toruńskie Anioły”", "klub-sportowy", None, "bielawy", 1,
     "2010-03-15", 3, 0.33, ("17", "7"), (),
     ("Koszykówka na wózkach i sport osób z niepełnosprawnościami; pokazy i zajęcia integracyjne "
      "w szkołach."), "Wheelchair basketball and disability sport; demonstrations in schools."),
    ("spoldzielnia-spozywcow-wspolny-kosz", "Toruńska Spółdzielnia Spożywców „Wspólny Kosz”",
     "spoldzielnia", None, "jakubskie-przedmiescie", 0, "2018-11-20", 4, 0.25, ("11", "18"), (),
     ("Spółdzielnia spożywców: sklep z żywnością od lokalnych rolników, paczki żywnościowe i "
      "zaopatrzenie świetlic."), ""),
    # Units without legal personality.
    ("cis-most", "Centrum Integracji Społecznej przy Stowarzyszeniu „Most”", "unit:cis",
     "entity:stowarzyszenie-most", "rubinkowo", 2, "2008-01-02", 8, 0.5, ("2", "8"), (),
     ("Reintegracja zawodowa uczestników w grupach: gastronomicznej, remontowo-budowlanej i "
      "porządkowej."), "Work reintegration in catering, renovation and cleaning teams."),
    ("kis-krok-dalej", "Klub Integracji Społecznej „Krok Dalej”", "unit:kis",
     "entity:stowarzyszenie-most", "rubinkowo", 0, "2010-09-01", 3, 0.33, ("2",), (),
     "Grupy wsparcia, warsztaty aktywnego poszukiwania pracy i prace społecznie użyteczne.", ""),
    ("cis-nowy-horyzont", "Centrum Integracji Społecznej „Nowy Horyzont”", "unit:cis",
     "entity:fundacja-nowy-horyzont", "podgorz", 2, "2012-04-01", 10, 0.6, ("2", "8"), (),
     "Warsztaty zieleni, stolarni i pralni dla osób wychodzących z bezdomności.", ""),
    ("kis-mopr", "Klub Integracji Społecznej przy MOPR w Toruniu", "unit:kis", "unit:mopr", "mokre",
     1, "2009-05-04", 4, 0.5, ("1", "2"), (),
     "Klub prowadzony przez ośrodek pomocy społecznej: kursy zawodowe, poradnictwo i wolontariat.",
     ""),
    ("zaz-razem", "Zakład Aktywności Zawodowej „Razem”", "unit:zaz",
     "entity:stowarzyszenie-rodzin-razem", "koniuchy", 1, "2011-07-01", 38, 0.71, ("7", "8"), (),
     ("Pralnia przemysłowa, sprzątanie i pakowanie; zatrudniamy osoby ze znacznym i umiarkowanym "
      "stopniem niepełnosprawności."),
     "Industrial laundry, cleaning and packaging employing people with significant disabilities."),
    ("zaz-smaki-torunia", "Zakład Aktywności Zawodowej „Smaki Torunia”", "unit:zaz",
     "unit:gmina-miasta-torun", "na-skarpie", 2, "2017-10-16", 26, 0.73, ("7", "8"), (),
     "Garmażerka i catering dla szkół i instytucji, prowadzony przez jednostkę Gminy.", ""),
    ("wtz-rownym-krokiem", "Warsztat Terapii Zajęciowej „Równym Krokiem”", "unit:wtz",
     "entity:fundacja-rownym-krokiem", "na-skarpie", 1, "2008-09-01", 12, 0.4, ("7",), (),
     "Pracownie: ceramiczna, stolarska, krawiecka i ogrodnicza; wyroby na kiermasze i upominki.",
     ""),
    ("wtz-przystan-nadziei", "Warsztat Terapii Zajęciowej przy Domu Wsparcia „Przystań Nadziei”",
     "unit:wtz", "entity:dom-wsparcia-przystan-nadziei", "chelminskie-przedmiescie", 0,
     "2004-02-01", 9, 0.33, ("7",), (),
     ("Pracownie: gospodarstwa domowego, poligraficzna i rękodzieła; drobne usługi "
      "introligatorskie."), ""),
)
# fmt: on

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
# fmt: off
OFFERS: dict[str, tuple[tuple, ...]] = {
    "spoldzielnia-socjalna-przystan": (
        ("catering", "Catering na spotkania do 200 osób", "55520000-1", (25, 45, "za osobę"),
         "do 200 posiłków dziennie", ("94", "130"), None,
         "Przerwy kawowe, lunche i obiady serwowane na miejscu lub w termosach."),
        ("obiady-dowoz", "Dowóz obiadów dla seniorów", "55521200-0", (18, 24, "za obiad"),
         "do 120 obiadów dziennie", ("94", "359"), "district:11",
         "Dwudaniowe obiady z dowozem do domu, także diety lekkostrawne."),
        ("sprzatanie-biur", "Sprzątanie biur i sal konferencyjnych", "90919200-4", (3, 6, "za m²"),
         "do 2000 m² miesięcznie", ("94",), None,
         "Sprzątanie codzienne i okresowe, po wydarzeniach."),
    ),
    "spoldzielnia-socjalna-zielony-kwadrat": (
        ("koszenie", "Koszenie trawników i terenów zielonych", "77314000-4", (0.3, 0.6, "za m²"),
         "do 5 ha miesięcznie", ("94", "96"), "district:2", "Koszenie, grabienie i wywóz pokosu."),
        ("nasadzenia", "Nasadzenia i pielęgnacja rabat", "77310000-6", None,
         "do 40 rabat w sezonie", ("94",), None,
         "Projekt i wykonanie nasadzeń bylin i krzewów, podlewanie, odchwaszczanie."),
        ("odsniezanie", "Odśnieżanie chodników i parkingów", "90620000-9",
         (150, None, "za godzinę"), "2 ekipy w gotowości całodobowej", ("94", "96"), "district:2",
         "Zimowe utrzymanie chodników, posypywanie piaskiem."),
        ("parki", "Utrzymanie skwerów i parków osiedlowych", "77313000-7", None, "do 10 skwerów",
         ("94",), None, "Kompleksowe utrzymanie małych parków: zieleń, ławki, kosze."),
    ),
    "spoldzielnia-socjalna-pod-kasztanem": (
        ("malowanie", "Malowanie klatek schodowych i pomieszczeń", "45442100-8", (18, 30, "za m²"),
         "do 800 m² miesięcznie", ("94", "130"), None,
         "Malowanie ścian i sufitów, gładzie, naprawy."),
        ("remonty", "Remonty lokali komunalnych", "45453000-7", None, "2 ekipy remontowe", ("94",),
         "city-part:podgorz", "Kompleksowe remonty pustostanów: posadzki, tynki, stolarka."),
        ("meble-ogrodowe", "Ławki i meble ogrodowe z drewna", "39100000-3",
         (450, 1200, "za sztukę"), "do 30 sztuk miesięcznie", ("130",), None,
         "Ławki, stoły i donice z drewna sosnowego."),
    ),
    "spoldzielnia-socjalna-wartka-nic": (
        ("szycie-odziezy", "Szycie odzieży roboczej i fartuchów", "98393000-4",
         (40, 120, "za sztukę"), "do 300 sztuk miesięcznie", ("94", "130"), None,
         "Fartuchy, kamizelki, odzież dla stołówek."),
        ("pralnia", "Pranie i prasowanie firan, obrusów i pościeli", "98310000-9", (8, 15, "za kg"),
         "do 400 kg tygodniowo", ("94",), None, "Odbiór i dowóz w obrębie miasta."),
        ("torby", "Torby bawełniane z nadrukiem", "22462000-6", (12, 25, "za sztukę"),
         "do 2000 sztuk miesięcznie", ("130",), None, "Torby ekologiczne z logo instytucji."),
    ),
    "spoldzielnia-socjalna-opieka-plus": (
        ("uslugi-opiekuncze", "Usługi opiekuńcze w miejscu zamieszkania", "85310000-5",
         (42, 48, "za godzinę"), "do 6000 godzin miesięcznie", ("359", "94"), None,
         "Pomoc w codziennych czynnościach, higiena, zakupy, towarzyszenie."),
        ("asystencja", "Asystencja osobista osób z niepełnosprawnościami", "85311200-4",
         (45, 55, "za godzinę"), "do 40 uczestników", ("359",), None,
         "Asystent towarzyszy w pracy, nauce i załatwianiu spraw."),
        ("opieka-wytchnieniowa", "Opieka wytchnieniowa dla opiekunów", "85312100-0", None,
         "do 15 osób jednocześnie", ("359",), None,
         "Krótkoterminowa opieka zastępcza w domu podopiecznego."),
    ),
    "spoldzielnia-socjalna-piernikowy-szlak": (
        ("pierniki", "Pierniki toruńskie na upominki", "15810000-9", (8, 60, "za opakowanie"),
         "do 3000 opakowań miesięcznie", ("130",), None,
         "Pierniki w pudełkach z logo zamawiającego."),
        ("kawiarnia", "Kawiarnia i poczęstunki na wydarzenia", "55330000-2", (15, 30, "za osobę"),
         "do 150 osób", ("130",), "city-part:stare-miasto", "Kawa, herbata, ciasta i pierniki."),
        ("warsztaty", "Warsztaty dekorowania pierników", "80500000-9", (35, None, "za uczestnika"),
         "grupy do 25 osób", ("130",), None, "Zajęcia dla szkół, firm i turystów."),
    ),
    "spoldzielnia-socjalna-kolo": (
        ("przewoz-osob", "Przewóz osób z niepełnosprawnościami", "60130000-8", (3.5, 5, "za km"),
         "2 busy z windą, 16 miejsc", ("94", "359"), None,
         "Dowóz do szkół, WTZ i placówek medycznych."),
        ("transport-wycieczki", "Transport na wycieczki dla seniorów", "60130000-8",
         (900, 1800, "za dzień"), "1 bus, 8 miejsc", ("130",), None,
         "Wyjazdy jednodniowe z opieką kierowcy-asystenta."),
        ("dowoz-posilkow", "Dowóz posiłków dla placówek", "55521200-0", None,
         "do 300 porcji dziennie", ("94",), None,
         "Transport posiłków w termoportach z zachowaniem łańcucha ciepła."),
    ),
    "spoldzielnia-pracy-drukarnia-wislana": (
        ("druk", "Druk ulotek, plakatów i broszur", "79810000-5", None,
         "do 100 000 odbitek dziennie", ("130",), None,
         "Druk offsetowy i cyfrowy, oprawa, uszlachetnianie."),
        ("projekty", "Projekty graficzne i skład publikacji", "79822500-7",
         (120, None, "za godzinę"), "do 20 projektów miesięcznie", ("130",), None,
         "Identyfikacja wizualna, skład raportów."),
        ("gadzety", "Materiały reklamowe i konferencyjne", "22462000-6", None, "według zamówienia",
         ("130",), None, "Teczki, notesy, roll-upy i kalendarze."),
    ),
    "spoldzielnia-pracy-czystosc": (
        ("sprzatanie-budynkow", "Sprzątanie budynków użyteczności publicznej", "90911200-8",
         (2.5, 5, "za m²"), "do 20 000 m² miesięcznie", ("96",), None,
         "Sprzątanie szkół, przychodni i urzędów, także w nocy."),
        ("mycie-okien", "Mycie okien i przeszkleń", "90911300-9", (4, 9, "za m²"),
         "do 3000 m² miesięcznie", ("96", "130"), None, "Mycie z podnośnika do wysokości 18 m."),
        ("sprzatanie-ogolne", "Usługi sprzątania po wydarzeniach", "90910000-9", None,
         "ekipa 10 osób", ("130",), None, "Sprzątanie terenów imprez plenerowych."),
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
        ("szczotki", "Szczotki i miotły dla służb porządkowych", "39100000-3",
         (15, 70, "za sztukę"), "do 5000 sztuk miesięcznie", ("94", "130"), None,
         "Szczotki uliczne, miotły, zmiotki."),
        ("wiklina", "Kosze i upominki z wikliny", "39100000-3", (25, 150, "za sztukę"),
         "do 400 sztuk", ("130",), None, "Kosze prezentowe wykonane przez osoby niewidome."),
        ("kosze-prezentowe", "Kosze prezentowe z produktami PES", "15810000-9",
         (80, 250, "za kosz"), "do 300 koszy przed świętami", ("130",), None,
         "Zestawy z piernikami i rękodziełem PES."),
    ),
    "rsp-nadwislanka": (
        ("warzywa", "Warzywa i owoce dla stołówek", "55523100-3", None, "do 2 ton tygodniowo",
         ("130",), None, "Dostawy sezonowych warzyw do szkół i przedszkoli."),
        ("sadzonki", "Sadzonki drzew i krzewów", "77310000-6", (6, 90, "za sztukę"), "szkółka 3 ha",
         ("130",), None, "Sadzonki do nasadzeń miejskich."),
        ("koszenie-laki", "Koszenie łąk kwietnych", "77314000-4", (0.2, 0.4, "za m²"), "do 20 ha",
         ("96",), "district:5", "Koszenie ekstensywne z zachowaniem siedlisk."),
    ),
    "fundacja-pod-lipami": (
        ("klub-seniora", "Zajęcia w klubie seniora", "85310000-5",
         (20, None, "za uczestnika miesięcznie"), "do 60 uczestników", ("359",),
         "city-part:bielany", "Zajęcia ruchowe, pamięciowe i artystyczne."),
        ("wolontariat", "Sąsiedzki wolontariat dla seniorów", "85320000-8", None,
         "do 40 podopiecznych", ("359",), "district:11",
         "Odwiedziny, zakupy, pomoc w drobnych sprawach."),
        ("dzienny-dom", "Dzienna opieka nad seniorami", "85311100-3", (80, 120, "za dzień"),
         "15 miejsc", ("359", "94"), None, "Opieka dzienna z posiłkiem i zajęciami."),
    ),
    "fundacja-nowy-horyzont": (
        ("szkolenia-zawodowe", "Szkolenia zawodowe dla osób bezrobotnych", "80530000-8",
         (1500, 3500, "za uczestnika"), "do 60 osób rocznie", ("359",), None,
         "Kursy: pomocnik kucharza, opiekun, pracownik gospodarczy."),
        ("praca-socjalna", "Praca socjalna i streetworking", "85310000-5", None, "3 streetworkerów",
         ("359",), "district:1", "Docieranie do osób w kryzysie bezdomności."),
        ("stolarnia", "Stolarka i naprawa mebli", "39100000-3", None, "do 50 mebli miesięcznie",
         ("94",), None, "Renowacja mebli szkolnych i biurowych."),
    ),
    "fundacja-kreatywna-pracownia": (
        ("ceramika", "Ceramika i upominki z motywami toruńskimi", "39100000-3",
         (20, 180, "za sztukę"), "do 800 sztuk miesięcznie", ("130",), None,
         "Kubki, talerze i magnesy wykonane ręcznie."),
        ("warsztaty-artystyczne", "Warsztaty artystyczne dla grup", "80500000-9",
         (40, 60, "za uczestnika"), "grupy do 20 osób", ("130",), None,
         "Ceramika, linoryt, szycie maskotek."),
        ("imprezy-kulturalne", "Animacje artystyczne na wydarzeniach", "79952100-3", None,
         "do 300 uczestników", ("130",), "city-part:stare-miasto",
         "Stoiska warsztatowe na festynach."),
    ),
    "fundacja-rownym-krokiem": (
        ("treningi", "Trening umiejętności społecznych", "85312120-6", None, "do 30 osób", ("359",),
         None, "Zajęcia grupowe dla młodych dorosłych z niepełnosprawnością."),
        ("rehabilitacja", "Rehabilitacja ruchowa", "85312500-4", (60, 90, "za godzinę"),
         "do 200 godzin miesięcznie", ("359",), None, "Fizjoterapia indywidualna i grupowa."),
        ("szkolenia-kadr", "Szkolenia dla nauczycieli z pracy z uczniem z niepełnosprawnością",
         "80511000-9", (800, 1500, "za dzień"), "grupy do 20 osób", ("359",), None,
         "Praktyczne szkolenia dla kadr oświaty."),
    ),
    "fundacja-wspolna-sprawa": (
        ("ksiegowosc", "Księgowość dla organizacji pozarządowych", "79211000-6",
         (300, 900, "za miesiąc"), "do 80 klientów", ("130",), None,
         "Pełna księgowość, sprawozdania finansowe, JPK."),
        ("kadry", "Obsługa kadrowo-płacowa", "79900000-3", (40, None, "za pracownika miesięcznie"),
         "do 400 pracowników", ("130",), None, "Listy płac, umowy, deklaracje ZUS."),
        ("szkolenia-dotacje", "Szkolenia z rozliczania dotacji", "80500000-9",
         (150, 250, "za uczestnika"), "grupy do 30 osób", ("130",), None,
         "Rozliczanie zadań publicznych i sprawozdania."),
        ("wirtualne-biuro", "Wirtualne biuro dla organizacji", "79900000-3",
         (60, None, "za miesiąc"), "do 50 organizacji", ("130",), None,
         "Adres rejestrowy, odbiór i skanowanie poczty."),
    ),
    "fundacja-porozumienie": (
        ("mediacje", "Mediacje rodzinne i sąsiedzkie", "85312310-5", None,
         "do 40 spraw miesięcznie", ("359",), None,
         "Mediacje prowadzone przez mediatorów sądowych."),
        ("poradnictwo", "Nieodpłatne poradnictwo obywatelskie", "85320000-8", None,
         "2 punkty porad", ("359",), None,
         "Porady w sprawach socjalnych, mieszkaniowych i konsumenckich."),
        ("szkolenia-komunikacja", "Szkolenia z komunikacji i rozwiązywania konfliktów",
         "80500000-9", (1200, 2400, "za dzień"), "grupy do 16 osób", ("130",), None,
         "Dla urzędów, szkół i firm."),
    ),
    "fundacja-zielone-podworko": (
        ("edukacja-ekologiczna", "Zajęcia edukacji ekologicznej dla szkół", "80500000-9",
         (300, 500, "za zajęcia"), "do 10 grup tygodniowo", ("130",), None,
         "Warsztaty o bioróżnorodności i recyklingu."),
        ("polkolonie", "Półkolonie przyrodnicze", "92600000-7", (450, 650, "za uczestnika"),
         "do 60 dzieci w turnusie", ("130",), None, "Tygodniowe turnusy w wakacje i ferie."),
        ("ogrody", "Zakładanie ogrodów społecznych", "77310000-6", None, "do 5 ogrodów w roku",
         ("96",), None, "Projekt partycypacyjny i wykonanie z mieszkańcami."),
    ),
    "stowarzyszenie-most": (
        ("streetworking", "Streetworking i praca socjalna", "85310000-5", None, "4 streetworkerów",
         ("359",), "district:8", "Praca z młodzieżą i dorosłymi w przestrzeni osiedla."),
        ("poradnictwo", "Poradnictwo psychologiczne i uzależnień", "85312300-2", None,
         "do 120 konsultacji miesięcznie", ("359",), None,
         "Dyżury psychologa i terapeuty uzależnień."),
        ("szkolenia", "Szkolenia dla kadr pomocy społecznej", "80510000-2", (900, 1800, "za dzień"),
         "grupy do 20 osób", ("130",), None, "Praca z osobą w kryzysie, superwizja."),
    ),
    "stowarzyszenie-rodzin-razem": (
        ("wytchnienie", "Turnusy wytchnieniowe dla rodzin", "85311200-4", None, "do 20 rodzin",
         ("359",), None, "Opieka nad osobą z niepełnosprawnością na czas wypoczynku opiekunów."),
        ("grupy-wsparcia", "Grupy wsparcia dla opiekunów", "85312320-8", None, "do 25 osób",
         ("359",), None, "Spotkania z psychologiem i prawnikiem."),
        ("wydarzenia", "Organizacja pikników integracyjnych", "79952000-2",
         (8000, 20000, "za wydarzenie"), "do 500 uczestników", ("130",), None,
         "Pikniki z atrakcjami dostępnymi dla wszystkich."),
    ),
    "stowarzyszenie-wislane-wiosla": (
        ("splywy", "Spływy kajakowe z instruktorem", "92600000-7", (60, 120, "za osobę"),
         "do 40 kajaków", ("130",), None, "Spływy Wisłą i Drwęcą dla szkół i firm."),
        ("obozy", "Obozy sportowe dla młodzieży", "92600000-7", (1200, 1800, "za uczestnika"),
         "do 80 uczestników", ("130",), None, "Obozy wioślarskie i kajakowe."),
        ("zawody", "Organizacja regat i zawodów rekreacyjnych", "79952000-2", None,
         "do 600 uczestników", ("130",), "city-part:rybaki",
         "Obsługa techniczna i sędziowska zawodów na Wiśle."),
    ),
    "stowarzyszenie-kultura-na-starowce": (
        ("festiwale", "Organizacja festiwali ulicznych", "79952100-3", None, "do 5000 uczestników",
         ("130",), "city-part:stare-miasto",
         "Program artystyczny, scena, nagłośnienie, wolontariusze."),
        ("koncerty", "Koncerty podwórkowe", "92500000-6", (2500, 6000, "za koncert"),
         "do 300 słuchaczy", ("130",), None, "Kameralne koncerty na podwórkach kamienic."),
        ("spacery", "Spacery miejskie z przewodnikiem", "92500000-6", (15, 25, "za osobę"),
         "grupy do 30 osób", ("130",), "city-part:stare-miasto",
         "Spacery tematyczne po Starym Mieście."),
    ),
    "stowarzyszenie-scena-podgorz": (
        ("spektakle", "Spektakle teatru społecznego", "92000000-1", (1500, 4000, "za spektakl"),
         "do 150 widzów", ("130",), "city-part:podgorz", "Spektakle grane przez mieszkańców."),
        ("warsztaty-teatralne", "Warsztaty teatralne dla młodzieży i seniorów", "80500000-9",
         (30, None, "za uczestnika"), "grupy do 15 osób", ("130",), None,
         "Cykl zajęć zakończony pokazem."),
        ("animacje", "Animacje na festynach", "79952100-3", None, "do 200 uczestników", ("130",),
         None, "Gry, chusta animacyjna i teatrzyk dla dzieci."),
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
        ("festyny", "Festyny osiedlowe", "79952000-2", (5000, 15000, "za wydarzenie"),
         "do 1000 uczestników", ("130",), "district:7",
         "Festyny z udziałem szkół i klubów osiedlowych."),
        ("swietlica", "Świetlica dla dzieci", "85312110-3", None, "do 30 dzieci", ("359",),
         "city-part:na-skarpie", "Pomoc w lekcjach, zajęcia i podwieczorek."),
        ("akcje-sasiedzkie", "Akcje sąsiedzkie i sprzątanie osiedla", "98133100-5", None,
         "do 200 wolontariuszy", (), "district:7", "Sprzątanie terenów zieleni z mieszkańcami."),
    ),
    "sz-sasiedzi-z-mokrego": (
        ("skwery", "Opieka nad skwerami sąsiedzkimi", "77313000-7", None, "3 skwery", (),
         "city-part:mokre", "Podlewanie, sadzenie kwiatów i drobne porządki."),
        ("potancowki", "Potańcówki podwórkowe", "79952100-3", None, "do 150 osób", (),
         "city-part:mokre", "Wieczorne spotkania taneczne dla sąsiadów."),
        ("wymiana-rzeczy", "Sąsiedzka wymiana rzeczy", "79952000-2", None, "4 razy w roku", (),
         "city-part:mokre", "Kiermasze wymiany ubrań, książek i zabawek."),
    ),
    "sz-ogrod-spoleczny-bielawy": (
        ("warsztaty-kompost", "Warsztaty kompostowania", "80500000-9", None, "grupy do 20 osób", (),
         "city-part:bielawy", "Jak kompostować w ogrodzie i na balkonie."),
        ("rozsady", "Rozsady warzyw i ziół", "77310000-6", (3, 8, "za sztukę"),
         "do 1000 sztuk wiosną", (), None, "Rozsady z ogrodu społecznego."),
        ("ogrod-zajecia", "Zajęcia ogrodnicze dla przedszkoli", "80500000-9", None,
         "grupy do 25 dzieci", (), "city-part:bielawy", "Sianie, sadzenie i zbiory w ogrodzie."),
    ),
    "kuznia-smaku-non-profit": (
        ("obiady", "Obiady abonamentowe", "55523000-2", (19, 25, "za obiad"),
         "do 250 obiadów dziennie", ("94", "130"), None,
         "Zestawy obiadowe dla pracowników instytucji."),
        ("catering", "Catering okolicznościowy", "55520000-1", (30, 70, "za osobę"), "do 300 osób",
         ("94", "130"), None, "Bufety, kolacje i poczęstunki."),
        ("posilki-szkoly", "Posiłki dla szkół i przedszkoli", "55524000-9", (9, 14, "za posiłek"),
         "do 600 posiłków dziennie", ("94",), None, "Posiłki zgodne z normami żywienia dzieci."),
    ),
    "centrum-uslug-es-non-profit": (
        ("doradztwo", "Doradztwo biznesowe dla PES", "79900000-3", (150, 200, "za godzinę"),
         "do 200 godzin miesięcznie", ("130",), None, "Modele biznesowe, wycena usług, marketing."),
        ("szkolenia-zawodowe", "Szkolenia zawodowe", "80530000-8", None, "do 100 osób rocznie",
         ("359",), None, "Kursy kwalifikacyjne z certyfikatem."),
        ("inkubator", "Inkubator przedsiębiorczości społecznej", "79900000-3", None, "8 stanowisk",
         (), None, "Biuro, doradca i mentoring dla nowych spółdzielni."),
        ("marketing", "Kampanie promocyjne dla PES", "79000000-4", (3000, 12000, "za kampanię"),
         "do 10 kampanii rocznie", ("130",), None,
         "Strategie i kampanie w mediach społecznościowych."),
    ),
    "tks-grodzisko-non-profit": (
        ("szkolenie-dzieci", "Zajęcia sportowe dla dzieci", "92600000-7", (80, 120, "za miesiąc"),
         "do 200 dzieci", ("130",), None, "Piłka ręczna i lekkoatletyka dla szkół podstawowych."),
        ("imprezy-sportowe", "Obsługa imprez sportowych", "79952000-2", None, "do 2000 uczestników",
         ("130",), None, "Biegi miejskie: zapisy, pomiar czasu, wolontariusze."),
        ("obozy", "Obozy sportowe", "92600000-7", (1400, None, "za uczestnika"),
         "do 60 uczestników", ("130",), None, "Letnie obozy szkoleniowe."),
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
        ("wience", "Wieńce i dekoracje z naturalnych materiałów", "39100000-3",
         (50, 300, "za sztukę"), "do 50 sztuk w sezonie", ("130",), None,
         "Wieńce dożynkowe, stroiki świąteczne."),
        ("potrawy", "Potrawy regionalne na wydarzenia", "55520000-1", None, "do 200 osób", ("130",),
         "district:5", "Smalec, ogórki, pierogi i kołacze."),
        ("rekodzielo-warsztaty", "Warsztaty rękodzieła ludowego", "80500000-9",
         (25, None, "za uczestnika"), "grupy do 20 osób", ("130",), None,
         "Bibułkarstwo, haft i plecionkarstwo."),
    ),
    "dom-wsparcia-przystan-nadziei": (
        ("schronienie", "Miejsca schronienia dla matek z dziećmi", "85311000-2", None, "24 miejsca",
         ("359",), None, "Całodobowe schronienie ze wsparciem psychologa."),
        ("jadlodajnia", "Posiłki dla osób potrzebujących", "55321000-6", (12, 16, "za posiłek"),
         "do 150 posiłków dziennie", ("359", "94"), None, "Gorące posiłki w jadłodajni."),
        ("opieka-dzieci", "Opieka dzienna nad małymi dziećmi", "85312110-3", None, "15 miejsc",
         ("359",), None, "Opieka dla dzieci mam w kryzysie."),
    ),
    "diakonia-dobre-rece": (
        ("pielegniarstwo", "Pielęgniarska opieka domowa", "85312400-3", (70, 90, "za wizytę"),
         "do 400 wizyt miesięcznie", ("359",), None, "Opatrunki, iniekcje, edukacja opiekunów."),
        ("wypozyczalnia", "Wypożyczalnia sprzętu rehabilitacyjnego", "85312200-1",
         (50, 150, "za miesiąc"), "ponad 200 sprzętów", (), None,
         "Łóżka, wózki, balkoniki, koncentratory tlenu."),
        ("wsparcie-opiekunow", "Szkolenia dla opiekunów rodzinnych", "80510000-2", None,
         "grupy do 15 osób", ("359",), None, "Pielęgnacja, przenoszenie, profilaktyka odleżyn."),
    ),
    "stowarzyszenie-samorzadow-tow": (
        ("szkolenia-urzednikow", "Szkolenia dla urzędników z klauzul społecznych", "80511000-9",
         (1500, 3000, "za dzień"), "grupy do 25 osób", ("130",), None,
         "Zamówienia zastrzeżone i klauzule."),
        ("sieciowanie", "Spotkania sieciujące PES i samorządów", "79950000-8", None,
         "do 120 uczestników", ("130",), None, "Targi i fora ekonomii społecznej."),
        ("doradztwo-projekty", "Doradztwo w przygotowaniu projektów partnerskich", "79900000-3",
         None, "do 10 projektów rocznie", (), None, "Partnerstwa gmin i PES."),
    ),
    "ks-torunskie-anioly": (
        ("pokazy", "Pokazy koszykówki na wózkach w szkołach", "92600000-7", (600, 1200, "za pokaz"),
         "do 40 pokazów rocznie", ("130",), None, "Lekcja wychowania fizycznego z zawodnikami."),
        ("turniej", "Organizacja turniejów integracyjnych", "79952000-2", None,
         "do 300 uczestników", ("130",), None, "Turnieje dla drużyn mieszanych."),
        ("szkolenia-trenerow", "Szkolenia dla trenerów z pracy z zawodnikami z niepełnosprawnością",
         "80511000-9", (400, None, "za uczestnika"), "grupy do 20 osób", (), None,
         "Dostosowanie ćwiczeń, bezpieczeństwo, sprzęt."),
    ),
    "spoldzielnia-spozywcow-wspolny-kosz": (
        ("paczki", "Paczki żywnościowe z lokalnych produktów", "15800000-6", (60, 150, "za paczkę"),
         "do 500 paczek miesięcznie", ("130",), None, "Paczki świąteczne i interwencyjne."),
        ("zaopatrzenie", "Zaopatrzenie świetlic i klubów w żywność", "15000000-8", None,
         "do 40 placówek", ("130",), None, "Dostawy raz w tygodniu."),
        ("dowoz-zakupow", "Dowóz zakupów do domu dla seniorów", "85312200-1",
         (10, None, "za dostawę"), "do 200 dostaw tygodniowo", ("359",), "district:9",
         "Zamówienie telefoniczne, dowóz w 24 godziny."),
    ),
    "cis-most": (
        ("catering", "Catering z pracowni gastronomicznej", "55520000-1", (18, 32, "za osobę"),
         "do 100 osób", ("94", "130"), None, "Kanapki, sałatki i ciepłe dania."),
        ("remonty", "Prace remontowo-porządkowe", "45453000-7", None, "ekipa 8 osób", ("94",),
         "district:8", "Malowanie, drobne naprawy, porządkowanie piwnic."),
        ("sprzatanie", "Sprzątanie klatek schodowych", "90911200-8",
         (150, 300, "za klatkę miesięcznie"), "do 60 klatek", ("94",), "district:8",
         "Sprzątanie cotygodniowe w zasobach komunalnych."),
    ),
    "kis-krok-dalej": (
        ("prace-spoleczne", "Prace społecznie użyteczne przy zieleni", "77314000-4", None,
         "do 15 osób", ("94",), "district:8", "Grabienie liści, porządkowanie terenów wspólnych."),
        ("warsztaty", "Warsztaty aktywnego poszukiwania pracy", "80530000-8", None,
         "grupy do 12 osób", ("359",), None, "CV, rozmowa kwalifikacyjna, prawa pracownika."),
        ("grupy-wsparcia", "Grupy wsparcia dla osób bezrobotnych", "85312320-8", None, "do 20 osób",
         ("359",), None, "Cotygodniowe spotkania z psychologiem."),
    ),
    "cis-nowy-horyzont": (
        ("zielen", "Pielęgnacja zieleni przez grupy reintegracyjne", "77314000-4",
         (0.35, 0.7, "za m²"), "do 3 ha miesięcznie", ("94",), "district:1",
         "Koszenie, grabienie, nasadzenia."),
        ("stolarnia", "Stolarnia: budki lęgowe i meble miejskie", "39100000-3",
         (60, 900, "za sztukę"), "do 100 sztuk miesięcznie", ("94", "130"), None,
         "Budki dla ptaków, ławki, skrzynie."),
        ("pralnia", "Pralnia dla placówek", "98310000-9", (7, 12, "za kg"), "do 300 kg tygodniowo",
         ("94",), None, "Pranie pościeli i odzieży roboczej."),
    ),
    "kis-mopr": (
        ("kursy", "Kursy zawodowe dla uczestników", "80530000-8", None, "do 40 osób rocznie",
         ("359",), None, "Kurs opiekuna osób starszych i pracownika porządkowego."),
        ("sprzatanie-ulic", "Sprzątanie ciągów pieszych", "90610000-6", None, "do 10 osób", ("94",),
         "city-part:mokre", "Prace porządkowe w ramach reintegracji."),
        ("poradnictwo", "Poradnictwo zawodowe", "85312320-8", None, "do 30 konsultacji tygodniowo",
         ("359",), None, "Indywidualne plany działania."),
    ),
    "zaz-razem": (
        ("pralnia", "Pralnia przemysłowa", "98310000-9", (6, 10, "za kg"), "do 1500 kg tygodniowo",
         ("94", "96"), None, "Pranie bielizny szpitalnej, pościeli i odzieży roboczej."),
        ("sprzatanie", "Sprzątanie obiektów", "90919000-2", (2.8, 4.5, "za m²"),
         "do 8000 m² miesięcznie", ("94", "96"), None,
         "Sprzątanie biur i szkół przez zespoły z trenerem pracy."),
        ("pakowanie", "Pakowanie i kompletacja przesyłek", "79900000-3", None,
         "do 10 000 paczek miesięcznie", ("94",), None, "Pakowanie materiałów promocyjnych."),
        ("sprzatanie-okien", "Mycie okien", "90911300-9", (5, 8, "za m²"), "do 1000 m²", ("94",),
         None, "Mycie okien do wysokości 3 kondygnacji."),
    ),
    "zaz-smaki-torunia": (
        ("posilki-szkoly", "Posiłki dla szkół", "55524000-9", (10, 13, "za posiłek"),
         "do 900 posiłków dziennie", ("94",), None, "Obiady dla szkół podstawowych z dowozem."),
        ("posilki-szkolne-stolowka", "Prowadzenie stołówki szkolnej", "55523100-3", None,
         "2 stołówki", ("94",), "district:7", "Przygotowanie i wydawanie posiłków na miejscu."),
        ("garmazerka", "Garmażerka i wyroby cukiernicze", "15810000-9", None, "do 200 kg dziennie",
         ("94", "130"), None, "Pierogi, krokiety i ciasta."),
    ),
    "wtz-rownym-krokiem": (
        ("ceramika", "Ceramika z pracowni terapii", "39100000-3", (15, 120, "za sztukę"),
         "do 300 sztuk", ("130",), None, "Upominki i odznaczenia z ceramiki."),
        ("kartki", "Kartki okolicznościowe i zaproszenia", "22462000-6", (4, 12, "za sztukę"),
         "do 2000 sztuk miesięcznie", ("130",), None, "Kartki ręcznie robione."),
        ("ogrod", "Sadzonki z pracowni ogrodniczej", "77310000-6", (4, 20, "za sztukę"),
         "do 500 sztuk", ("130",), None, "Zioła, kwiaty rabatowe."),
    ),
    "wtz-przystan-nadziei": (
        ("introligatornia", "Oprawa dokumentów i prace introligatorskie", "79810000-5",
         (5, 40, "za egzemplarz"), "do 500 egzemplarzy miesięcznie", ("130",), None,
         "Oprawa prac dyplomowych i ksiąg."),
        ("mydla", "Mydła i świece naturalne", "39100000-3", (10, 35, "za sztukę"), "do 600 sztuk",
         ("130",), None, "Upominki z pracowni rękodzieła."),
        ("szycie", "Szycie woreczków i toreb", "98393000-4", (6, 20, "za sztukę"), "do 400 sztuk",
         ("130",), None, "Woreczki lniane na upominki."),
    ),
}
# fmt: on

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


# Opportunities: key, name, kind, publisher (city unit), public-task areas, CPV or None, budget
# or None, issued, deadline or None, status, description, applications.
# Application: (applicant entity, title, requested amount, scores of criteria 1–6, card date).
# fmt: off
OPPORTUNITIES: tuple[tuple, ...] = (
    ("2013-konkurs-seniorzy", "Otwarty konkurs ofert: aktywizacja osób starszych 2013",
     "otwarty-konkurs", "wydzial-zdrowia", ("10",), "85310000-5", 150000, "2013-01-10",
     "2013-02-04", "rozstrzygnieta",
     "Wsparcie zadań aktywizujących seniorów: kluby, zajęcia ruchowe, wolontariat sąsiedzki.",
     (("fundacja-pod-lipami", "Aktywny senior na Bielanach", 42000, (9, 8, 9, 7, 8, 10),
       "2013-02-15"),
      ("stowarzyszenie-aktywni-60", "Uniwersytet dla seniora", 38000, (8, 8, 7, 6, 9, 9),
       "2013-02-15"),
      ("diakonia-dobre-rece", "Senior bezpieczny w domu", 30000, (7, 6, 8, 5, 6, 8),
       "2013-02-15"))),
    ("2013-konkurs-reintegracja", "Otwarty konkurs ofert: reintegracja społeczna i zawodowa 2013",
     "otwarty-konkurs", "wydzial-zdrowia", ("2", "8"), "85312320-8", 220000, "2013-01-14",
     "2013-02-11", "rozstrzygnieta",
     ("Powierzenie zadań reintegracji osób zagrożonych wykluczeniem w centrach i klubach "
      "integracji."),
     (("stowarzyszenie-most", "Most do pracy", 120000, (10, 9, 9, 0, 8, 10), "2013-02-22"),
      ("fundacja-nowy-horyzont", "Nowy start", 100000, (9, 8, 9, 0, 7, 9), "2013-02-22"))),
    ("2013-konkurs-kultura", "Otwarty konkurs ofert: wydarzenia kulturalne na Starym Mieście 2013",
     "otwarty-konkurs", "wydzial-kultury", ("16",), "79952100-3", 90000, "2013-02-01", "2013-03-01",
     "rozstrzygnieta", "Festiwale, koncerty i spacery, które ożywiają Stare Miasto poza sezonem.",
     ()),
    ("2013-zespol-doradczy-es", "Nabór do Zespołu ds. ekonomii społecznej przy Prezydencie Miasta",
     "zespol-doradczy", "wydzial-zdrowia", ("33",), None, None, "2013-02-18", "2013-03-15",
     "zamknieta",
     "Przedstawiciele PES, OWES i wydziałów urzędu opiniują działania programu współpracy.", ()),
    ("2014-konkurs-seniorzy", "Otwarty konkurs ofert: aktywizacja osób starszych 2014",
     "otwarty-konkurs", "wydzial-zdrowia", ("10",), "85310000-5", 160000, "2014-01-08",
     "2014-02-03", "rozstrzygnieta", "Kontynuacja wsparcia klubów seniora i zajęć aktywizujących.",
     (("fundacja-pod-lipami", "Aktywny senior na Bielanach 2014", 44000, (9, 9, 9, 8, 8, 10),
       "2014-02-14"),
      ("stowarzyszenie-aktywni-60", "Uniwersytet dla seniora 2014", 40000, (9, 8, 8, 7, 9, 9),
       "2014-02-14"))),
    ("2014-maly-grant-festyn-rubinkowo", "Mały grant: festyn sąsiedzki na Rubinkowie", "maly-grant",
     "wydzial-kultury", ("13",), "79952000-2", 8000, "2014-05-05", "2014-05-12", "rozstrzygnieta",
     "Oferta w trybie art. 19a opublikowana do uwag na 7 dni.", ()),
    ("2014-sprzatanie-zastrzezone", "Sprzątanie budynków urzędu – zamówienie zastrzeżone",
     "zamowienie-zastrzezone-art94", "biuro-zamowien-publicznych", (), "90911200-8", 180000,
     "2014-03-03", "2014-03-24", "rozstrzygnieta",
     ("Zamówienie zastrzeżone dla podmiotów zatrudniających osoby niepełnosprawne (art. 22 ust. "
      "2 ówczesnej ustawy Pzp; dziś art. 94)."), ()),
    ("2014-konsultacje-programu-2015", "Konsultacje projektu programu współpracy na 2015 rok",
     "konsultacje", "wydzial-zdrowia", ("33",), None, None, "2014-09-15", "2014-10-06", "zamknieta",
     "Uwagi do projektu programu można składać na formularzu i na spotkaniu otwartym.", ()),
    ("2015-konkurs-ekonomia-spoleczna",
     "Otwarty konkurs ofert: inkubator przedsiębiorczości społecznej", "otwarty-konkurs",
     "wydzial-zdrowia", ("11", "33"), "79900000-3", 120000, "2015-01-12", "2015-02-09",
     "rozstrzygnieta", "Powierzenie prowadzenia inkubatora dla nowych spółdzielni socjalnych.",
     (("centrum-uslug-es-non-profit", "Inkubator ES Toruń", 118000, (9, 8, 9, 0, 7, 8),
       "2015-02-20"),
      ("stowarzyszenie-samorzadow-tow", "Sieć wsparcia PES", 95000, (7, 7, 8, 0, 6, 7),
       "2015-02-20"))),
    ("2015-inicjatywa-lokalna-skwer-mokre", "Inicjatywa lokalna: skwer sąsiedzki na Mokrem",
     "inicjatywa-lokalna", "wydzial-gospodarki-komunalnej", ("13", "18"), "77313000-7", 25000,
     "2015-03-02", "2015-04-30", "rozstrzygnieta",
     "Mieszkańcy wnoszą pracę społeczną, Gmina materiały i projekt.", ()),
    ("2016-konkurs-sport", "Otwarty konkurs ofert: sport powszechny dzieci i młodzieży 2016",
     "otwarty-konkurs", "wydzial-sportu", ("17",), "92600000-7", 300000, "2016-01-11", "2016-02-08",
     "rozstrzygnieta", "Szkolenie sportowe, obozy i zawody rekreacyjne.", ()),
    ("2016-lokal-2-pietro", "Udostępnienie sal i sprzętu w TCAL „2. Piętro”", "lokal-sprzet",
     "tcal-2-pietro", ("33",), None, None, "2016-02-01", None, "zamknieta",
     "Bezpłatne sale szkoleniowe, sprzęt multimedialny i adres do korespondencji dla organizacji.",
     ()),
    ("2017-umowa-partnerska-projekt-es", "Partnerstwo w projekcie „Toruń dla ekonomii społecznej”",
     "umowa-partnerska", "wydzial-rozwoju", ("2", "33"), None, 450000, "2017-02-06", "2017-03-06",
     "rozstrzygnieta", "Wybór partnerów projektu współfinansowanego z RPO WK-P na lata 2017–2019.",
     ()),
    ("2017-maly-grant-dzien-sasiada", "Mały grant: Dzień Sąsiada na Skarpie", "maly-grant",
     "wydzial-zdrowia", ("13",), "79952000-2", 6000, "2017-04-10", "2017-04-17", "rozstrzygnieta",
     "Festyn sąsiedzki z udziałem szkół i klubów osiedlowych.", ()),
    ("2018-inicjatywa-lokalna-ogrod-bielawy", "Inicjatywa lokalna: ogród społeczny na Bielawach",
     "inicjatywa-lokalna", "wydzial-srodowiska", ("18",), "77310000-6", 18000, "2018-03-05",
     "2018-04-16", "rozstrzygnieta", "Założenie ogrodu społecznego na działce gminnej.", ()),
    ("2018-konkurs-wypoczynek", "Otwarty konkurs ofert: wypoczynek letni dzieci i młodzieży 2018",
     "otwarty-konkurs", "wydzial-edukacji", ("15",), "92600000-7", 200000, "2018-03-12",
     "2018-04-09", "rozstrzygnieta", "Półkolonie i obozy dla dzieci z rodzin w trudnej sytuacji.",
     (("fundacja-zielone-podworko", "Przyrodnicze lato", 36000, (8, 9, 9, 7, 8, 8), "2018-04-20"),
      ("stowarzyszenie-wislane-wiosla", "Lato na Wiśle", 48000, (9, 7, 9, 6, 7, 9), "2018-04-20"),
      ("stowarzyszenie-przyjaciol-skarpy", "Wakacje na Skarpie", 30000, (7, 8, 7, 5, 9, 8),
       "2018-04-20"))),
    ("2019-konkurs-kultura", "Otwarty konkurs ofert: kultura w dzielnicach 2019", "otwarty-konkurs",
     "wydzial-kultury", ("16", "13"), "92000000-1", 140000, "2019-01-14", "2019-02-11",
     "rozstrzygnieta", "Wydarzenia kulturalne poza centrum: Podgórz, Rubinkowo, Bielawy.", ()),
    ("2020-maly-grant-maseczki", "Mały grant: maseczki i przyłbice dla seniorów", "maly-grant",
     "wydzial-zdrowia", ("6", "10"), "98393000-4", 9500, "2020-04-06", "2020-04-13",
     "rozstrzygnieta", "Szycie maseczek wielokrotnego użytku dla klubów seniora w czasie epidemii.",
     ()),
    ("2020-konsultacje-programu-2021", "Konsultacje projektu programu współpracy na 2021 rok",
     "konsultacje", "wydzial-zdrowia", ("33",), None, None, "2020-09-14", "2020-10-05", "zamknieta",
     "Konsultacje prowadzone zdalnie: formularz elektroniczny i spotkanie online.", ()),
    ("2021-utrzymanie-zieleni-klauzule",
     "Utrzymanie zieleni przyulicznej z klauzulą zatrudnieniową", "klauzule-spoleczne-art96",
     "miejski-zarzad-drog", (), "77314000-4", 480000, "2021-02-15", "2021-03-15", "rozstrzygnieta",
     ("Wymóg zatrudnienia co najmniej dwóch osób bezrobotnych przy realizacji zamówienia (art. "
      "96 Pzp)."), ()),
    ("2021-catering-forum-es", "Catering na Toruńskie Forum Ekonomii Społecznej",
     "zakup-ponizej-130k", "wydzial-zdrowia", (), "55520000-1", 12000, "2021-09-01", "2021-09-10",
     "rozstrzygnieta", "Zakup poniżej 130 000 zł z preferencją dla przedsiębiorstw społecznych.",
     ()),
    ("2022-uslugi-opiekuncze-art359", "Usługi opiekuńcze w miejscu zamieszkania 2022–2023",
     "uslugi-spoleczne-art359", "mopr", ("1", "10"), "85310000-5", 2400000, "2022-10-03",
     "2022-11-07", "rozstrzygnieta",
     "Usługi społeczne w trybie art. 359 Pzp, zastrzeżone na podstawie art. 361.", ()),
    ("2022-konkurs-seniorzy", "Otwarty konkurs ofert: aktywizacja osób starszych 2022",
     "otwarty-konkurs", "wydzial-zdrowia", ("10",), "85310000-5", 210000, "2022-01-10",
     "2022-02-07", "rozstrzygnieta",
     "Kluby seniora, wolontariat i przeciwdziałanie samotności po epidemii.",
     (("fundacja-pod-lipami", "Razem raźniej", 52000, (9, 9, 10, 8, 9, 10), "2022-02-18"),
      ("stowarzyszenie-aktywni-60", "Cyfrowy senior", 45000, (8, 9, 8, 7, 8, 9), "2022-02-18"),
      ("spoldzielnia-socjalna-opieka-plus", "Sąsiedzka opieka", 60000, (8, 7, 9, 6, 6, 8),
       "2022-02-18"))),
    ("2023-zamowienie-zastrzezone-sprzatanie",
     "Sprzątanie szkół – zamówienie zastrzeżone (art. 94 Pzp)", "zamowienie-zastrzezone-art94",
     "biuro-zamowien-publicznych", (), "90919000-2", 620000, "2023-05-08", "2023-06-05",
     "rozstrzygnieta",
     ("Zamówienie zastrzeżone dla ZAZ, spółdzielni socjalnych i podmiotów zatrudniających co "
      "najmniej 30% osób z grup art. 94 Pzp."), ()),
    ("2023-zespol-doradczy-es", "Nabór do Zespołu ds. ekonomii społecznej na kadencję 2023–2026",
     "zespol-doradczy", "wydzial-zdrowia", ("33",), None, None, "2023-02-13", "2023-03-10",
     "zamknieta",
     "Zespół opiniuje program współpracy i propozycje zamówień społecznie odpowiedzialnych.", ()),
    ("2024-umowa-partnerska-centrum-uslug", "Partnerstwo: Centrum Usług Społecznych w Toruniu",
     "umowa-partnerska", "mopr", ("1", "2"), "85320000-8", 900000, "2024-03-04", "2024-04-02",
     "rozstrzygnieta",
     "Wspólna realizacja usług społecznych z PES w ramach centrum usług społecznych.", ()),
    ("2024-zakup-upominki", "Upominki promocyjne miasta wykonane przez PES", "zakup-ponizej-130k",
     "biuro-torunskiego-centrum-miasta", (), "39100000-3", 35000, "2024-10-01", "2024-10-15",
     "rozstrzygnieta", "Ceramika, wiklina i pierniki na upominki dla gości miasta.", ()),
    ("2024-konkurs-sport-anulowany", "Otwarty konkurs ofert: zajęcia sportowe w okresie ferii 2024",
     "otwarty-konkurs", "wydzial-sportu", ("17",), "92600000-7", 80000, "2024-01-02", "2024-01-23",
     "anulowana", "Konkurs unieważniony: zadanie przejęte przez miejskie ośrodki sportu.", ()),
    ("2025-konkurs-seniorzy", "Otwarty konkurs ofert: aktywizacja seniorów 2025", "otwarty-konkurs",
     "wydzial-zdrowia", ("10",), "85310000-5", 120000, "2025-01-13", "2025-02-10", "rozstrzygnieta",
     "Zajęcia aktywizujące i wolontariat sąsiedzki dla osób 60+.",
     (("fundacja-pod-lipami", "Aktywny senior na Bielanach", 38000, (9, 8, 9, 8, 9, 10),
       "2025-02-20"),
      ("stowarzyszenie-aktywni-60", "Senior w sieci", 30000, (8, 8, 8, 7, 8, 9), "2025-02-20"),
      ("kgw-grebocinianki", "Kuchnia pokoleń", 15000, (6, 7, 7, 6, 8, 5), "2025-02-20"))),
    ("2025-inicjatywa-lokalna-podworko-podgorz",
     "Inicjatywa lokalna: podwórko teatralne na Podgórzu", "inicjatywa-lokalna", "wydzial-kultury",
     ("16", "13"), "92000000-1", 20000, "2025-03-03", "2025-04-14", "rozstrzygnieta",
     "Scena plenerowa zbudowana przez mieszkańców z pomocą Gminy.", ()),
    ("2025-lokal-2-pietro", "Udostępnienie lokali i sprzętu organizacjom w 2025 roku",
     "lokal-sprzet", "tcal-2-pietro", ("33",), None, None, "2025-01-02", None, "zamknieta",
     "Sale, sprzęt nagłośnieniowy i samochód dostawczy do wypożyczenia na wydarzenia.", ()),
    ("2026-konkurs-seniorzy", "Otwarty konkurs ofert: aktywizacja seniorów 2026", "otwarty-konkurs",
     "wydzial-zdrowia", ("10",), "85310000-5", 120000, "2026-01-15", "2026-02-10", "otwarta",
     "Zajęcia aktywizujące, wolontariat sąsiedzki i przeciwdziałanie samotności osób starszych.",
     ()),
    ("2026-uslugi-spoleczne-asystencja", "Asystencja osobista osób z niepełnosprawnościami 2026",
     "uslugi-spoleczne-art359", "mopr", ("7",), "85311200-4", 850000, "2026-01-12", "2026-02-16",
     "otwarta", "Usługi społeczne (art. 359 Pzp) z możliwością zastrzeżenia dla PES (art. 361).",
     ()),
    ("2026-catering-szkoly", "Posiłki dla szkół podstawowych – zamówienie zastrzeżone",
     "zamowienie-zastrzezone-art94", "wydzial-edukacji", ("14",), "55524000-9", 1100000,
     "2026-04-01", "2026-05-04", "planowana",
     "Planowane zamówienie zastrzeżone na dowóz obiadów do czterech szkół.", ()),
    ("2026-maly-grant-wolontariat", "Mały grant: promocja wolontariatu w szkołach", "maly-grant",
     "wydzial-edukacji", ("27",), "80500000-9", 7000, "2026-03-02", "2026-03-09", "planowana",
     "Warsztaty o wolontariacie dla uczniów szkół ponadpodstawowych.", ()),
    ("2026-konsultacje-programu-2027", "Konsultacje projektu programu współpracy na 2027 rok",
     "konsultacje", "wydzial-zdrowia", ("33",), None, None, "2026-09-14", "2026-10-05", "planowana",
     "Konsultacje projektu programu z organizacjami i Radą Działalności Pożytku Publicznego.", ()),
    ("2026-inicjatywa-lokalna-skwer-wrzosy", "Inicjatywa lokalna: zielony skwer na Wrzosach",
     "inicjatywa-lokalna", "wydzial-srodowiska", ("18", "13"), "77313000-7", 30000, "2026-02-02",
     "2026-03-31", "otwarta", "Nasadzenia, ławki i budki lęgowe wykonane wspólnie z mieszkańcami.",
     ()),
)
# fmt: on

# Actions: key, name, form (instrument), mode or None, partners, city unit, answered opportunity
# or None, public-task areas, start, end, amount or None, beneficiaries or None, outcome.
# fmt: off
ACTIONS: tuple[tuple, ...] = (
    ("2013-seniorzy-pod-lipami", "Aktywny senior na Bielanach 2013", "otwarty-konkurs",
     "wspieranie", ("fundacja-pod-lipami",), "wydzial-zdrowia", "2013-konkurs-seniorzy", ("10",),
     "2013-03-01", "2013-12-15", 40000, 72,
     "72 seniorów w zajęciach ruchowych i pamięciowych; 15 wolontariuszy."),
    ("2013-uniwersytet-seniora", "Uniwersytet dla seniora 2013", "otwarty-konkurs", "wspieranie",
     ("stowarzyszenie-aktywni-60",), "wydzial-zdrowia", "2013-konkurs-seniorzy", ("10",),
     "2013-03-01", "2013-12-20", 32000, 140, "140 słuchaczy wykładów i kursów komputerowych."),
    ("2013-most-do-pracy", "Most do pracy – reintegracja w CIS 2013", "otwarty-konkurs",
     "powierzenie", ("stowarzyszenie-most", "cis-most"), "wydzial-zdrowia",
     "2013-konkurs-reintegracja", ("2", "8"), "2013-03-01", "2013-12-31", 115000, 48,
     "48 uczestników CIS, 17 podjęło zatrudnienie."),
    ("2013-nowy-start", "Nowy start – reintegracja osób bezdomnych 2013", "otwarty-konkurs",
     "powierzenie", ("fundacja-nowy-horyzont", "cis-nowy-horyzont"), "wydzial-zdrowia",
     "2013-konkurs-reintegracja", ("2",), "2013-03-01", "2013-12-31", 98000, 35,
     "35 uczestników, 9 osób opuściło schronisko."),
    ("2013-festiwal-podworek", "Festiwal Podwórek Starego Miasta 2013", "otwarty-konkurs",
     "wspieranie", ("stowarzyszenie-kultura-na-starowce",), "wydzial-kultury",
     "2013-konkurs-kultura", ("16",), "2013-06-01", "2013-09-30", 45000, 3200,
     "12 koncertów podwórkowych, około 3200 widzów."),
    ("2013-zespol-es", "Zespół ds. ekonomii społecznej 2013–2014", "zespol-doradczy", None,
     ("stowarzyszenie-most", "spoldzielnia-socjalna-przystan", "centrum-uslug-es-non-profit"),
     "wydzial-zdrowia", "2013-zespol-doradczy-es", ("33",), "2013-04-01", "2014-12-31", None, None,
     "9 posiedzeń, opinie do katalogu ofert PES i zarządzenia o zakupach."),
    ("2013-catering-przystan", "Catering na spotkania Rady Miasta 2013", "zakup-ponizej-130k", None,
     ("spoldzielnia-socjalna-przystan",), "wydzial-zdrowia", None, (), "2013-05-01", "2013-12-31",
     11500, None, "Pierwszy zakup usług od PES przez katalog ofert narzędzia informatycznego."),
    ("2014-seniorzy-pod-lipami", "Aktywny senior na Bielanach 2014", "otwarty-konkurs",
     "wspieranie", ("fundacja-pod-lipami",), "wydzial-zdrowia", "2014-konkurs-seniorzy", ("10",),
     "2014-03-01", "2014-12-15", 43000, 81, "81 seniorów, nowa grupa nordic walking."),
    ("2014-uniwersytet-seniora", "Uniwersytet dla seniora 2014", "otwarty-konkurs", "wspieranie",
     ("stowarzyszenie-aktywni-60",), "wydzial-zdrowia", "2014-konkurs-seniorzy", ("10",),
     "2014-03-01", "2014-12-19", 39000, 155, "155 słuchaczy, 6 kursów komputerowych."),
    ("2014-festyn-rubinkowo", "Festyn sąsiedzki na Rubinkowie", "maly-grant", "wspieranie",
     ("stowarzyszenie-przyjaciol-skarpy",), "wydzial-kultury", "2014-maly-grant-festyn-rubinkowo",
     ("13",), "2014-06-01", "2014-06-30", 8000, 900, "Festyn dla około 900 mieszkańców."),
    ("2014-sprzatanie-urzedu", "Sprzątanie budynków urzędu 2014–2015",
     "zamowienie-zastrzezone-art94", None, ("spoldzielnia-inwalidow-nowa-droga",),
     "biuro-zamowien-publicznych", "2014-sprzatanie-zastrzezone", (), "2014-04-01", "2015-03-31",
     172000, None,
     "Pierwsze zamówienie zastrzeżone Gminy; 14 osób z niepełnosprawnościami zatrudnionych."),
    ("2014-konsultacje-programu-2015", "Konsultacje programu współpracy na 2015 rok", "konsultacje",
     None, ("stowarzyszenie-most", "fundacja-pod-lipami", "stowarzyszenie-kultura-na-starowce"),
     "wydzial-zdrowia", "2014-konsultacje-programu-2015", ("33",), "2014-09-15", "2014-10-06", None,
     46, "46 uczestników, 31 uwag, z czego 18 uwzględniono."),
    ("2015-inkubator-es", "Inkubator przedsiębiorczości społecznej 2015", "otwarty-konkurs",
     "powierzenie", ("centrum-uslug-es-non-profit",), "wydzial-zdrowia",
     "2015-konkurs-ekonomia-spoleczna", ("11", "33"), "2015-03-01", "2015-12-31", 118000, 24,
     "Powstały 3 spółdzielnie socjalne; 24 osoby przeszkolone."),
    ("2015-skwer-mokre", "Skwer sąsiedzki na Mokrem", "inicjatywa-lokalna", None,
     ("sz-sasiedzi-z-mokrego",), "wydzial-gospodarki-komunalnej",
     "2015-inicjatywa-lokalna-skwer-mokre", ("13", "18"), "2015-05-01", "2015-09-30", 22000, 400,
     "Skwer z ławkami i rabatami; 60 mieszkańców przepracowało 480 godzin."),
    ("2016-lokal-zielone-podworko", "Sala i sprzęt dla Fundacji „Zielone Podwórko”", "lokal-sprzet",
     None, ("fundacja-zielone-podworko",), "tcal-2-pietro", "2016-lokal-2-pietro", ("18",),
     "2016-03-01", "2016-12-31", None, 320, "48 warsztatów ekologicznych w sali TCAL."),
    ("2016-lokal-aktywni-60", "Sala komputerowa dla Stowarzyszenia „Aktywni 60+”", "lokal-sprzet",
     None, ("stowarzyszenie-aktywni-60",), "tcal-2-pietro", "2016-lokal-2-pietro", ("10",),
     "2016-02-15", "2016-12-31", None, 96, "8 kursów komputerowych dla seniorów."),
    ("2016-lato-na-wisle", "Wiosłuj z nami – zajęcia sportowe dla młodzieży 2016",
     "otwarty-konkurs", "wspieranie", ("stowarzyszenie-wislane-wiosla",), "wydzial-sportu",
     "2016-konkurs-sport", ("17",), "2016-04-01", "2016-10-31", 52000, 180,
     "180 uczestników zajęć, 4 regaty rekreacyjne."),
    ("2016-anioly-w-szkolach", "Sport bez barier – pokazy w szkołach", "otwarty-konkurs",
     "wspieranie", ("ks-torunskie-anioly",), "wydzial-sportu", "2016-konkurs-sport", ("17", "7"),
     "2016-03-01", "2016-12-15", 24000, 2100, "30 pokazów w szkołach podstawowych."),
    ("2017-projekt-torun-es", "Projekt partnerski „Toruń dla ekonomii społecznej”",
     "umowa-partnerska", None,
     ("fundacja-nowy-horyzont", "stowarzyszenie-most", "centrum-uslug-es-non-profit"),
     "wydzial-rozwoju", "2017-umowa-partnerska-projekt-es", ("2", "33"), "2017-04-01", "2019-12-31",
     450000, 210, "210 osób objętych wsparciem, 4 nowe przedsiębiorstwa społeczne."),
    ("2017-dzien-sasiada", "Dzień Sąsiada na Skarpie 2017", "maly-grant", "wspieranie",
     ("stowarzyszenie-przyjaciol-skarpy",), "wydzial-zdrowia", "2017-maly-grant-dzien-sasiada",
     ("13",), "2017-05-20", "2017-06-30", 6000, 700, "Festyn dla 700 osób z udziałem 5 szkół."),
    ("2017-druk-raportu", "Druk raportu o ekonomii społecznej w Toruniu", "zakup-ponizej-130k",
     None, ("spoldzielnia-pracy-drukarnia-wislana",), "biuro-torunskiego-centrum-miasta", None, (),
     "2017-09-01", "2017-10-15", 9800, None, "1500 egzemplarzy raportu."),
    ("2018-ogrod-bielawy", "Ogród społeczny na Bielawach", "inicjatywa-lokalna", None,
     ("sz-ogrod-spoleczny-bielawy",), "wydzial-srodowiska", "2018-inicjatywa-lokalna-ogrod-bielawy",
     ("18",), "2018-05-01", "2018-10-31", 16000, 250, "30 grządek, kompostownik i altana."),
    ("2018-przyrodnicze-lato", "Przyrodnicze lato – półkolonie 2018", "otwarty-konkurs",
     "wspieranie", ("fundacja-zielone-podworko",), "wydzial-edukacji", "2018-konkurs-wypoczynek",
     ("15",), "2018-06-25", "2018-08-31", 34000, 120, "4 turnusy półkolonii, 120 dzieci."),
    ("2018-lato-na-wisle", "Lato na Wiśle 2018", "otwarty-konkurs", "powierzenie",
     ("stowarzyszenie-wislane-wiosla",), "wydzial-edukacji", "2018-konkurs-wypoczynek",
     ("15", "17"), "2018-07-01", "2018-08-31", 45000, 80, "2 obozy kajakowe dla 80 uczestników."),
    ("2019-teatr-podgorz", "Teatr na podwórku – Podgórz 2019", "otwarty-konkurs", "wspieranie",
     ("stowarzyszenie-scena-podgorz",), "wydzial-kultury", "2019-konkurs-kultura", ("16", "13"),
     "2019-04-01", "2019-11-30", 28000, 1100, "3 spektakle z udziałem 40 mieszkańców."),
    ("2019-pierogi-festyn", "Poczęstunek na dożynkach miejskich", "zakup-ponizej-130k", None,
     ("kgw-grebocinianki", "kgw-kaszczorek"), "wydzial-kultury", None, ("4",), "2019-09-01",
     "2019-09-08", 6500, 1500, "Poczęstunek dla około 1500 gości."),
    ("2020-maseczki", "Maseczki dla seniorów", "maly-grant", "wspieranie",
     ("spoldzielnia-socjalna-wartka-nic",), "wydzial-zdrowia", "2020-maly-grant-maseczki",
     ("6", "10"), "2020-04-15", "2020-05-31", 9500, 1800,
     "5000 maseczek przekazanych do klubów seniora."),
    ("2020-konsultacje-programu-2021", "Konsultacje programu współpracy na 2021 rok", "konsultacje",
     None, ("fundacja-wspolna-sprawa", "stowarzyszenie-most"), "wydzial-zdrowia",
     "2020-konsultacje-programu-2021", ("33",), "2020-09-14", "2020-10-05", None, 17,
     "17 uczestników spotkania online, 49 propozycji."),
    ("2020-obiady-seniorzy", "Dowóz obiadów dla seniorów w kwarantannie", "zakup-ponizej-130k",
     None, ("spoldzielnia-socjalna-przystan",), "mopr", None, ("1", "10"), "2020-04-01",
     "2020-06-30", 48000, 210, "Ponad 9000 obiadów dla 210 osób."),
    ("2021-zielen-klauzule", "Utrzymanie zieleni przyulicznej na lewobrzeżu 2021–2022",
     "klauzule-spoleczne-art96", None, ("spoldzielnia-socjalna-zielony-kwadrat",),
     "miejski-zarzad-drog", "2021-utrzymanie-zieleni-klauzule", (), "2021-04-01", "2022-11-30",
     455000, None, "Zatrudniono 3 osoby bezrobotne; 38 ha terenów zieleni."),
    ("2021-catering-forum-es", "Catering Toruńskiego Forum Ekonomii Społecznej",
     "zakup-ponizej-130k", None, ("spoldzielnia-socjalna-piernikowy-szlak",), "wydzial-zdrowia",
     "2021-catering-forum-es", (), "2021-10-14", "2021-10-15", 11200, 220,
     "Poczęstunek dla 220 uczestników Forum."),
    ("2021-transport-kolo", "Dowóz uczniów z niepełnosprawnościami 2021/2022", "zakup-ponizej-130k",
     None, ("spoldzielnia-socjalna-kolo",), "wydzial-edukacji", None, ("7",), "2021-09-01",
     "2022-06-24", 98000, 14, "Codzienny dowóz 14 uczniów do szkół specjalnych."),
    ("2022-uslugi-opiekuncze", "Usługi opiekuńcze w miejscu zamieszkania 2022–2023",
     "uslugi-spoleczne-art359", None, ("spoldzielnia-socjalna-opieka-plus",), "mopr",
     "2022-uslugi-opiekuncze-art359", ("1", "10"), "2023-01-01", "2023-12-31", 2350000, 310,
     "Ponad 52 000 godzin usług dla 310 osób."),
    ("2022-razem-razniej", "Razem raźniej – kluby seniora 2022", "otwarty-konkurs", "wspieranie",
     ("fundacja-pod-lipami",), "wydzial-zdrowia", "2022-konkurs-seniorzy", ("10",), "2022-03-01",
     "2022-12-15", 50000, 95, "95 seniorów, 22 wolontariuszy."),
    ("2022-cyfrowy-senior", "Cyfrowy senior 2022", "otwarty-konkurs", "wspieranie",
     ("stowarzyszenie-aktywni-60",), "wydzial-zdrowia", "2022-konkurs-seniorzy", ("10",),
     "2022-03-01", "2022-12-15", 42000, 130, "130 seniorów nauczyło się korzystać z e-usług."),
    ("2023-sprzatanie-szkol", "Sprzątanie szkół 2023–2025 – zamówienie zastrzeżone",
     "zamowienie-zastrzezone-art94", None, ("zaz-razem",), "biuro-zamowien-publicznych",
     "2023-zamowienie-zastrzezone-sprzatanie", ("7", "8"), "2023-09-01", "2025-08-31", 598000, None,
     "22 osoby z niepełnosprawnościami zatrudnione przy sprzątaniu 6 szkół."),
    ("2023-zespol-es", "Zespół ds. ekonomii społecznej 2023–2026", "zespol-doradczy", None,
     ("kuznia-smaku-non-profit", "fundacja-nowy-horyzont", "stowarzyszenie-samorzadow-tow"),
     "wydzial-zdrowia", "2023-zespol-doradczy-es", ("33",), "2023-04-01", "2026-03-31", None, None,
     "Opinie do 3 programów współpracy i listy zamówień zastrzeżonych."),
    ("2023-mediacje-rodzinne", "Mediacje rodzinne dla klientów MOPR", "otwarty-konkurs",
     "powierzenie", ("fundacja-porozumienie",), "mopr", None, ("1b", "31"), "2023-03-01",
     "2023-12-31", 36000, 85, "85 mediacji, 61 zakończonych ugodą."),
    ("2024-centrum-uslug-spolecznych", "Centrum Usług Społecznych – partnerstwo z PES",
     "umowa-partnerska", None,
     ("spoldzielnia-socjalna-opieka-plus", "fundacja-pod-lipami", "stowarzyszenie-most"), "mopr",
     "2024-umowa-partnerska-centrum-uslug", ("1", "2"), "2024-05-01", "2026-04-30", 900000, 640,
     "Wspólny katalog usług społecznych dla 640 mieszkańców."),
    ("2024-upominki-kreatywna", "Upominki ceramiczne dla gości miasta", "zakup-ponizej-130k", None,
     ("fundacja-kreatywna-pracownia",), "biuro-torunskiego-centrum-miasta", "2024-zakup-upominki",
     (), "2024-10-20", "2024-12-10", 18000, None, "600 ceramicznych kubków z motywami toruńskimi."),
    ("2024-upominki-tyflos", "Kosze prezentowe z wikliny dla gości miasta", "zakup-ponizej-130k",
     None, ("spoldzielnia-niewidomych-tyflos", "spoldzielnia-socjalna-piernikowy-szlak"),
     "biuro-torunskiego-centrum-miasta", "2024-zakup-upominki", (), "2024-10-20", "2024-12-10",
     16500, None, "150 koszy z piernikami i wikliną."),
    ("2025-seniorzy-pod-lipami", "Aktywny senior na Bielanach 2025", "otwarty-konkurs",
     "wspieranie", ("fundacja-pod-lipami",), "wydzial-zdrowia", "2025-konkurs-seniorzy", ("10",),
     "2025-03-01", "2025-12-15", 38000, 85, "85 seniorów w zajęciach ruchowych i pamięciowych."),
    ("2025-senior-w-sieci", "Senior w sieci 2025", "otwarty-konkurs", "wspieranie",
     ("stowarzyszenie-aktywni-60",), "wydzial-zdrowia", "2025-konkurs-seniorzy", ("10",),
     "2025-03-01", "2025-12-15", 29000, 110, "110 seniorów, 12 kursów."),
    ("2025-podworko-teatralne", "Podwórko teatralne na Podgórzu", "inicjatywa-lokalna", None,
     ("stowarzyszenie-scena-podgorz",), "wydzial-kultury",
     "2025-inicjatywa-lokalna-podworko-podgorz", ("16", "13"), "2025-05-01", "2025-09-30", 19000,
     600, "Scena plenerowa i 6 przedstawień."),
    ("2025-lokal-kuznia-smaku", "Sprzęt gastronomiczny dla Kuźni Smaku na Forum ES", "lokal-sprzet",
     None, ("kuznia-smaku-non-profit",), "tcal-2-pietro", "2025-lokal-2-pietro", (), "2025-10-01",
     "2025-10-03", None, None, "Wypożyczenie namiotów i sprzętu na stoisko."),
    ("2025-szkolenia-ngo", "Szkolenia z rozliczania dotacji dla organizacji", "zakup-ponizej-130k",
     None, ("fundacja-wspolna-sprawa",), "tcal-2-pietro", None, ("33",), "2025-02-01", "2025-11-30",
     14000, 160, "8 szkoleń, 160 uczestników z 70 organizacji."),
    ("2026-catering-sesje-rady", "Catering na sesje Rady Miasta 2026", "zakup-ponizej-130k", None,
     ("kuznia-smaku-non-profit",), "biuro-torunskiego-centrum-miasta", None, (), "2026-01-15",
     "2026-12-31", 24000, None, "Umowa w realizacji."),
    ("2026-asystencja-osobista", "Asystencja osobista – kontynuacja 2026",
     "uslugi-spoleczne-art359", None, ("spoldzielnia-socjalna-opieka-plus",), "mopr", None, ("7",),
     "2026-01-01", "2026-03-31", 210000, 38,
     "Usługi do czasu rozstrzygnięcia nowego postępowania."),
)
# fmt: on

# Programmes. Sections follow art. 5a ust. 4 dpp; the strategic part adds diagnosis, legal basis
# and vision. Indicators: (name, unit, baseline, target, source, {year: value}); a source that
# looks like a query name is ``pes:computedBy``, any other text is ``pes:manualSource``. The
# values are the programme document's observations: entered by hand for a manual indicator; for a
# computed one, what the demo data gives (the registry computes the current values itself, see
# ``registry.indicators``, and falls back to these only for years its query cannot give).
# fmt: off
PROGRAMMES: tuple[dict, ...] = (
    {
        "key": "2013-2014",
        "name": (
            "Program współpracy Gminy Miasta Toruń z podmiotami ekonomii społecznej na lata "
            "2013–2014"
        ),
        "name_en": (
            "Programme of cooperation of the Municipality of Toruń with social economy entities "
            "for 2013–2014"
        ),
        "period": ("2013-01-01", "2014-12-31"),
        "resolution": (
            "XXXV/000/12",
            (
                "Uchwała nr XXXV/000/12 Rady Miasta Torunia z dnia 22 listopada 2012 r. w sprawie "
                "przyjęcia „Programu współpracy Gminy Miasta Toruń z podmiotami ekonomii "
                "społecznej na lata 2013–2014” (dane demonstracyjne)"
            ),
            "2012-11-22",
        ),
        "main_goal": (
            "Wzmocnienie i stabilizacja sektora ekonomii społecznej w Toruniu przez rozwój "
            "partnerskiej, stałej i przewidywalnej współpracy podmiotów ekonomii społecznej z "
            "Gminą Miasta Toruń."
        ),
        "specific_goals": (
            (
                "Zwiększenie widoczności oferty produktów i usług PES dla jednostek miejskich i "
                "mieszkańców."
            ),
            (
                "Zwiększenie udziału PES w zamówieniach publicznych i zakupach Gminy, w tym przez "
                "klauzule społeczne."
            ),
            (
                "Uporządkowanie i ujednolicenie finansowych form współpracy: konkursów, małych "
                "grantów i inicjatywy lokalnej."
            ),
            "Rozwój pozafinansowych form wsparcia PES oraz kompetencji PES i urzędników.",
        ),
        "funds": 2400000,
        "forms": ("1", "2", "3", "4", "5", "6", "pozafinansowa", "zamowienia"),
        "sections": {
            "diagnosis": (
                "Na koniec 2012 r. w Toruniu działało około 20 podmiotów, które można zaliczyć do "
                "ekonomii społecznej w ścisłym znaczeniu (spółdzielnie socjalne, CIS, KIS, ZAZ, "
                "WTZ), oraz kilkaset organizacji pozarządowych, z których część prowadzi "
                "działalność odpłatną lub gospodarczą. Badanie ankietowe PES i wywiady z "
                "kierownikami wydziałów Urzędu Miasta pokazały, że współpraca sprowadza się niemal "
                "wyłącznie do dotacji w otwartych konkursach ofert. Jednostki miejskie nie znają "
                "oferty PES, a PES nie wiedzą, jakie usługi Gmina kupuje i na jakich zasadach. "
                "Klauzule społeczne w zamówieniach publicznych nie były dotąd stosowane, a zakupy "
                "poniżej progu ustawowego nie uwzględniały PES. Podmioty wskazują na niestabilność "
                "finansowania, krótkie, roczne umowy i brak lokali jako główne bariery rozwoju."
            ),
            "legalBasis": (
                "Ustawa z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o "
                "wolontariacie (art. 5, 5a, 11–19a), ustawa z dnia 8 marca 1990 r. o samorządzie "
                "gminnym (art. 7 ust. 1 pkt 19), ustawa z dnia 27 kwietnia 2006 r. o "
                "spółdzielniach socjalnych, ustawa z dnia 13 czerwca 2003 r. o zatrudnieniu "
                "socjalnym, ustawa z dnia 27 sierpnia 1997 r. o rehabilitacji zawodowej i "
                "społecznej oraz zatrudnianiu osób niepełnosprawnych, ustawa z dnia 29 stycznia "
                "2004 r. – Prawo zamówień publicznych (art. 22 ust. 2, art. 29 ust. 4)."
            ),
            "vision": (
                "W 2020 r. ekonomia społeczna jest w Toruniu trwałym partnerem samorządu: "
                "jednostki miejskie znają i kupują produkty i usługi PES, a PES przewidywalnie "
                "realizują zadania publiczne, tworząc miejsca pracy dla osób zagrożonych "
                "wykluczeniem."
            ),
            "principles": (
                "Współpraca opiera się na zasadach pomocniczości, suwerenności stron, partnerstwa, "
                "efektywności, uczciwej konkurencji i jawności. Gmina udostępnia PES informacje o "
                "planowanych zadaniach i zakupach z wyprzedzeniem, a PES informują o swojej "
                "ofercie i rezultatach zadań. Decyzje o formach współpracy poprzedza dialog z "
                "Zespołem ds. ekonomii społecznej."
            ),
            "scope": (
                "Program obejmuje zadania publiczne z art. 4 ust. 1 ustawy o działalności pożytku "
                "publicznego i o wolontariacie należące do zadań własnych Gminy, a także zakupy "
                "produktów i usług jednostek miejskich, które mogą wykonywać PES: gastronomię, "
                "sprzątanie, utrzymanie zieleni, drobne remonty, poligrafię, usługi opiekuńcze i "
                "organizację wydarzeń."
            ),
            "cooperationFormsText": (
                "Współpraca finansowa: powierzanie i wspieranie zadań w otwartych konkursach "
                "ofert, małe granty (art. 19a), inicjatywa lokalna. Współpraca pozafinansowa: "
                "wzajemne informowanie się o planowanych kierunkach działań, konsultowanie "
                "projektów aktów prawa miejscowego, Zespół ds. ekonomii społecznej, udostępnianie "
                "lokali i sprzętu, szkolenia i promocja. Zakupy: zamówienia zastrzeżone, klauzule "
                "społeczne i zakupy poniżej progu ustawowego z uwzględnieniem ofert PES."
            ),
            "priorityTasks": (
                "Reintegracja społeczna i zawodowa osób zagrożonych wykluczeniem; aktywizacja osób "
                "starszych; wsparcie osób z niepełnosprawnościami i ich rodzin; rozwój wspólnot "
                "lokalnych w okręgach; działalność na rzecz organizacji pozarządowych i PES, w tym "
                "doradztwo i inkubacja nowych spółdzielni socjalnych."
            ),
            "periodText": (
                "Program realizowany jest od 1 stycznia 2013 r. do 31 grudnia 2014 r.; testowanie "
                "rozwiązań innowacyjnych trwa do 30 kwietnia 2014 r."
            ),
            "implementationMethod": (
                "Program realizują wydziały Urzędu Miasta i jednostki organizacyjne Gminy, "
                "koordynowane przez Wydział Zdrowia i Polityki Społecznej. Działania operacyjne "
                "opisane są w części operacyjnej programu wraz z odpowiedzialną jednostką, "
                "harmonogramem i wskaźnikami. Katalog ofert PES i zapotrzebowań jednostek "
                "miejskich prowadzony jest w narzędziu informatycznym dostępnym publicznie."
            ),
            "plannedFundsText": (
                "Na realizację programu planuje się 2 400 000 zł, w tym 1 150 000 zł w 2013 r. i 1 "
                "250 000 zł w 2014 r., z czego do 20% środków przeznaczonych na dotacje może "
                "zostać przekazane w trybie małych grantów. Ostateczną wysokość środków określają "
                "uchwały budżetowe na dany rok."
            ),
            "evaluationMethod": (
                "Realizację programu mierzą wskaźniki części operacyjnej, zbierane co roku przez "
                "koordynatora; część z nich wylicza się automatycznie z rejestru PES. Sprawozdanie "
                "z realizacji programu Prezydent przedstawia Radzie Miasta i publikuje w BIP do 31 "
                "maja roku następnego. Ocenę jakościową przygotowuje Zespół ds. ekonomii "
                "społecznej."
            ),
            "consultationProcess": (
                "Projekt programu przygotował zespół złożony z przedstawicieli PES, CISTOR i "
                "wydziałów Urzędu Miasta na podstawie diagnozy sektora. Projekt konsultowano od 1 "
                "do 22 października 2012 r.: formularz uwag w BIP, dwa spotkania otwarte i opinia "
                "Rady Działalności Pożytku Publicznego. Zgłoszono 37 uwag, z których 21 "
                "uwzględniono."
            ),
            "competitionCommissions": (
                "Komisje konkursowe powołuje Prezydent Miasta zarządzeniem; w ich skład wchodzą co "
                "najmniej dwaj przedstawiciele Gminy i dwaj przedstawiciele organizacji wskazani w "
                "otwartym naborze. Komisja ocenia oferty na jednolitej karcie oceny według "
                "kryteriów art. 15 ust. 1 ustawy, a protokół z oceny publikuje się w BIP."
            ),
        },
        # Actions: name, justification, innovation, responsible unit, goal number, funds,
        # indicators.
        "actions": (
            ("Katalog ofert PES w narzędziu informatycznym",
             "Jednostki miejskie nie znają oferty PES, a informacje są rozproszone.",
             ("Pierwsza w regionie publiczna baza produktów i usług PES połączona z "
              "zapotrzebowaniami jednostek miejskich."), "wydzial-zdrowia", 1, 60000, (1, 2)),
            ("Publikacja zapotrzebowań jednostek miejskich",
             "PES nie wiedzą, jakie usługi kupuje Gmina.",
             "Zapotrzebowania publikowane z wyprzedzeniem, zanim rozpocznie się postępowanie.",
             "biuro-zamowien-publicznych", 2, 10000, (3,)),
            ("Klauzule społeczne w zamówieniach publicznych",
             "Klauzule społeczne nie były stosowane w Toruniu.",
             ("Lista usług, w których Gmina co roku stosuje zamówienia zastrzeżone lub klauzule "
              "zatrudnieniowe."), "biuro-zamowien-publicznych", 2, 0, (4, 5)),
            ("Zarządzenie Prezydenta o zakupach poniżej progu z udziałem PES",
             "Zakupy poniżej progu ustawowego pomijały PES.",
             "Obowiązek zapraszania co najmniej jednego PES z katalogu do złożenia oferty.",
             "wydzial-zdrowia", 2, 0, (4, 5)),
            ("Jednolita karta oceny oferty", "Wydziały oceniały oferty według różnych zasad.",
             "Wspólna karta oceny z kryteriami art. 15 ust. 1 i publikacja ocen cząstkowych.",
             "wydzial-zdrowia", 3, 5000, (6, 7)),
            ("Małe granty i inicjatywa lokalna",
             "Małe organizacje i grupy mieszkańców nie startują w dużych konkursach.",
             "Stały nabór małych grantów przez cały rok i uproszczona ścieżka inicjatywy lokalnej.",
             "wydzial-kultury", 3, 200000, (8, 9)),
            ("Lokale, sprzęt i szkolenia dla PES",
             "Brak lokali i sprzętu jest główną barierą rozwoju nowych PES.",
             "Preferencyjny najem lokali komunalnych dla PES i wspólna wypożyczalnia sprzętu.",
             "wydzial-gospodarki-komunalnej", 4, 150000, (10, 11)),
            ("Toruńskie Forum Ekonomii Społecznej i Targi ES",
             "PES mają słabą rozpoznawalność wśród mieszkańców i przedsiębiorców.",
             "Coroczne targi, na których jednostki miejskie prezentują plan zakupów.",
             "biuro-torunskiego-centrum-miasta", 1, 40000, (2, 12)),
            ("Nagroda Prezydenta w kategorii „Przedsiębiorczość i Ekonomia Społeczna”",
             "Brak docenienia PES, które tworzą miejsca pracy.",
             "Nowa kategoria w istniejącej nagrodzie miejskiej.", "wydzial-rozwoju", 4, 20000,
             (13,)),
            ("Zespół ds. ekonomii społecznej", "Brak stałego forum dialogu PES z Gminą.",
             "Zespół z udziałem PES, OWES i wydziałów opiniuje wszystkie działania programu.",
             "wydzial-zdrowia", 3, 0, (14,)),
        ),
        "indicators": (
            ("Liczba PES w rejestrze", "podmioty", 20, 60, "indicator_pes_count",
             {2013: 30, 2014: 33}),
            ("Liczba opublikowanych ofert PES", "oferty", 0, 50, "indicator_offer_count",
             {2013: 28, 2014: 30}),
            ("Liczba zapotrzebowań opublikowanych przez jednostki miejskie", "ogłoszenia", 0, 10,
             "indicator_opportunity_count", {2013: 4, 2014: 4}),
            ("Liczba zamówień zastrzeżonych i z klauzulami społecznymi", "postępowania", 0, 3,
             "indicator_social_clause_count", {2013: 0, 2014: 1}),
            ("Wartość zakupów i zamówień udzielonych PES", "zł", 0, 500000,
             "indicator_purchase_amount", {2013: 11500, 2014: 172000}),
            ("Liczba ogłoszonych otwartych konkursów ofert", "konkursy", 2, 4,
             "indicator_competition_count", {2013: 3, 2014: 1}),
            ("Liczba ofert złożonych w otwartych konkursach", "oferty", 4, 10,
             "indicator_application_count", {2013: 5, 2014: 2}),
            ("Liczba małych grantów", "umowy", 0, 3, "indicator_small_grant_count",
             {2013: 0, 2014: 1}),
            ("Liczba zrealizowanych inicjatyw lokalnych", "inicjatywy", 0, 2,
             "indicator_local_initiative_count", {2013: 0, 2014: 0}),
            ("Liczba PES korzystających z lokali i sprzętu Gminy", "podmioty", 8, 25,
             "Ewidencja najmu lokali komunalnych", {2013: 13, 2014: 21}),
            ("Liczba godzin szkoleń dla PES i urzędników", "godziny", 0, 300,
             "Listy obecności szkoleń", {2013: 120, 2014: 260}),
            ("Liczba uczestników Targów Ekonomii Społecznej", "osoby", 0, 1500,
             "Sprawozdanie organizatora targów", {2013: 900, 2014: 1700}),
            ("Liczba miejsc pracy dla osób zagrożonych wykluczeniem w PES", "miejsca pracy", 40, 90,
             "indicator_jobs_at_risk", {2013: 58, 2014: 81}),
            ("Liczba posiedzeń Zespołu ds. ekonomii społecznej", "posiedzenia", 0, 8,
             "Protokoły posiedzeń Zespołu", {2013: 5, 2014: 4}),
            ("Liczba umów na realizację zadań publicznych (powierzenie i wspieranie)", "umowy", 4,
             8, "indicator_contract_count", {2013: 5, 2014: 3}),
            ("Kwota przekazana na realizację zadań publicznych", "zł", 250000, 400000,
             "indicator_grant_amount", {2013: 330000, 2014: 90000}),
            ("Liczba PES współpracujących z Gminą", "podmioty", 5, 12,
             "indicator_cooperating_pes", {2013: 9, 2014: 6}),
        ),
    },
    {
        "key": "2026",
        "name": (
            "Roczny program współpracy Gminy Miasta Toruń z organizacjami pozarządowymi i "
            "podmiotami ekonomii społecznej na 2026 rok"
        ),
        "name_en": "",
        "period": ("2026-01-01", "2026-12-31"),
        "resolution": (
            "XX/000/25",
            (
                "Uchwała nr XX/000/25 Rady Miasta Torunia z dnia 20 listopada 2025 r. w sprawie "
                "przyjęcia rocznego programu współpracy na 2026 rok (dane demonstracyjne)"
            ),
            "2025-11-20",
        ),
        "main_goal": (
            "Budowanie partnerstwa Gminy z organizacjami i PES w zaspokajaniu potrzeb mieszkańców, "
            "ze szczególnym uwzględnieniem usług społecznych."
        ),
        "specific_goals": (
            "Zwiększenie udziału PES w usługach społecznych zlecanych przez Gminę.",
            "Rozwój zakupów społecznie odpowiedzialnych w jednostkach miejskich.",
            "Wzmocnienie aktywności mieszkańców w okręgach.",
        ),
        "funds": 9800000,
        "forms": ("1", "2", "3", "4", "5", "6", "7", "pozafinansowa", "zamowienia"),
        "sections": {
            "diagnosis": (
                "W rejestrze PES jest ponad 40 podmiotów, w tym 6 przedsiębiorstw społecznych. "
                "Udział PES w zamówieniach Gminy rośnie, lecz nadal skupia się na sprzątaniu i "
                "gastronomii; rośnie zapotrzebowanie na usługi opiekuńcze i asystenckie dla "
                "starzejącej się populacji miasta."
            ),
            "legalBasis": (
                "Ustawa z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o "
                "wolontariacie, ustawa z dnia 5 sierpnia 2022 r. o ekonomii społecznej, ustawa z "
                "dnia 11 września 2019 r. – Prawo zamówień publicznych (art. 94, 96, 359–361), "
                "ustawa z dnia 19 lipca 2019 r. o realizowaniu usług społecznych przez centrum "
                "usług społecznych."
            ),
            "vision": (
                "Toruń jako miasto, w którym usługi społeczne są współtworzone przez mieszkańców, "
                "organizacje i przedsiębiorstwa społeczne."
            ),
            "principles": (
                "Pomocniczość, suwerenność stron, partnerstwo, efektywność, uczciwa konkurencja i "
                "jawność."
            ),
            "scope": (
                "Zadania własne Gminy w sferze zadań publicznych z art. 4 ust. 1 ustawy oraz "
                "zakupy jednostek miejskich, w których mogą uczestniczyć PES."
            ),
            "cooperationFormsText": (
                "Otwarte konkursy ofert, małe granty, inicjatywa lokalna, umowy partnerskie, "
                "konsultacje, zespoły doradcze, udostępnianie lokali i sprzętu przez TCAL „2. "
                "Piętro” oraz zamówienia zastrzeżone i usługi społeczne w trybie art. 359 Pzp."
            ),
            "priorityTasks": (
                "Usługi opiekuńcze i asystencja osobista; aktywizacja seniorów; wypoczynek dzieci "
                "i młodzieży; rozwój wspólnot lokalnych; wsparcie PES i organizacji pozarządowych."
            ),
            "periodText": "Program realizowany jest od 1 stycznia do 31 grudnia 2026 r.",
            "implementationMethod": (
                "Wydziały i jednostki Gminy realizują program według rocznego harmonogramu "
                "konkursów i zakupów publikowanego w styczniu; koordynatorem jest Wydział Zdrowia "
                "i Polityki Społecznej."
            ),
            "plannedFundsText": (
                "Na realizację programu planuje się 9 800 000 zł, w tym 1 500 000 zł na usługi "
                "społeczne realizowane z PES."
            ),
            "evaluationMethod": (
                "Wskaźniki programu są wyliczane z rejestru PES i sprawozdań wydziałów; "
                "sprawozdanie publikuje się w BIP do 31 maja 2027 r."
            ),
            "consultationProcess": (
                "Projekt konsultowano od 15 września do 6 października 2025 r. z organizacjami i "
                "Radą Działalności Pożytku Publicznego Miasta Torunia; zgłoszono 28 uwag."
            ),
            "competitionCommissions": (
                "Komisje konkursowe powołuje Prezydent; organizacje wskazują swoich "
                "przedstawicieli w otwartym naborze, a oceny dokonuje się na karcie oceny według "
                "art. 15 ust. 1 ustawy."
            ),
        },
        # Actions: name, justification, innovation, responsible unit, goal number, funds,
        # indicators.
        "actions": (
            ("Roczny plan zakupów społecznie odpowiedzialnych",
             "Jednostki miejskie planują zakupy osobno i nie uwzględniają PES.",
             "Wspólny plan zakupów publikowany w rejestrze jako zapotrzebowania.",
             "biuro-zamowien-publicznych", 2, 0, (3, 4)),
            ("Partnerstwo w Centrum Usług Społecznych",
             "Rosnące zapotrzebowanie na usługi opiekuńcze.",
             "Umowy partnerskie z PES na wspólną realizację usług.", "mopr", 1, 900000, (2,)),
            ("Inicjatywy lokalne w okręgach", "Niska aktywność mieszkańców poza centrum.",
             "Nabór inicjatyw przez cały rok z pomocą animatorów TCAL.", "tcal-2-pietro", 3, 150000,
             (1,)),
        ),
        "indicators": (
            ("Liczba PES w rejestrze", "podmioty", 42, 50, "indicator_pes_count", {2026: 46}),
            ("Wartość usług społecznych zleconych PES", "zł", 1200000, 1500000, "Sprawozdanie MOPR",
             {2026: 1380000}),
            ("Liczba zapotrzebowań opublikowanych przez jednostki miejskie", "ogłoszenia", 10, 15,
             "indicator_opportunity_count", {2026: 7}),
            ("Liczba zamówień zastrzeżonych i z klauzulami społecznymi", "postępowania", 3, 5,
             "indicator_social_clause_count", {}),
            ("Liczba ogłoszonych możliwości współpracy według rodzaju", "ogłoszenia", 8, 12,
             "indicator_opportunities_by_kind", {}),
            ("Wartość zakupów i zamówień udzielonych PES", "zł", 150000, 300000,
             "indicator_purchase_amount", {}),
            ("Udział PES współpracujących z Gminą", "%", 10, 20,
             "indicator_cooperating_pes_share", {}),
            ("Udział małych grantów w kwocie przekazanej na zadania publiczne", "%", 5, 20,
             "indicator_small_grant_share", {}),
            ("Liczba konsultacji projektów aktów z organizacjami", "konsultacje", 1, 2,
             "indicator_consultation_count", {}),
            ("Liczba nadanych statusów przedsiębiorstwa społecznego i znaków Zakup Prospołeczny",
             "statusy", 2, 5, "indicator_ps_status_count", {}),
            ("Liczba miejsc pracy dla osób zagrożonych wykluczeniem w PES", "miejsca pracy", 180, 220,
             "indicator_jobs_at_risk", {}),
            ("Liczba PES z opublikowaną ofertą", "podmioty", 40, 46, "indicator_pes_with_offers",
             {}),
            ("Liczba zrealizowanych inicjatyw lokalnych", "inicjatywy", 1, 3,
             "indicator_local_initiative_count", {}),
        ),
    },
)
# fmt: on


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------

_KEY_PREFIXES = (
    "spoldzielnia-socjalna-",
    "spoldzielnia-pracy-",
    "spoldzielnia-inwalidow-",
    "spoldzielnia-niewidomych-",
    "spoldzielnia-spozywcow-",
    "fundacja-",
    "stowarzyszenie-",
    "sz-",
    "kgw-",
    "ks-",
    "rsp-",
)


def short_name(key: str) -> str:
    """Short stem of an entity key, used for offer keys and ``.example`` domains."""
    for prefix in _KEY_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    return key.removesuffix("-non-profit")


def _phone(rng: random.Random) -> str:
    return f"+48 56 6{rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"


def _identifiers() -> dict[str, dict[str, str]]:
    """NIP, REGON and KRS (or KRKGW) of every demo entity, stable per entity key."""
    ids: dict[str, dict[str, str]] = {}
    parents: dict[str, str | None] = {}
    forms: dict[str, str] = {}
    for row in ENTITIES:
        key, form, parent = row[0], row[2], row[3]
        forms[key] = form
        parents[key] = parent
    # Entities with legal personality first: units take their parent's REGON as a prefix.
    for key in sorted(forms, key=lambda k: forms[k].startswith("unit:")):
        rng = random.Random(f"pes-demo-identifiers:{key}")
        form, parent = forms[key], parents[key]
        entry: dict[str, str] = {}
        if form.startswith("unit:"):
            parent_kind, _, parent_key = (parent or "").partition(":")
            if parent_kind == "entity":
                entry["regon"] = make_regon(rng, ids[parent_key]["regon"])
            else:
                entry["nip"] = make_nip(rng)
                entry["regon"] = make_regon(rng)
        else:
            entry["nip"] = make_nip(rng)
            entry["regon"] = make_regon(rng)
            if form in KRS_FORMS:
                entry["krs"] = make_krs(rng)
            elif form == "kolo-gospodyn-wiejskich":
                entry["krkgw"] = f"{rng.randrange(1000, 9999)}"
        ids[key] = entry
    return ids


def _entity_document(base: str, row: tuple, ids: dict[str, str]) -> list[Triple]:
    t = terms()
    (
        key,
        name,
        form,
        parent,
        part,
        street_index,
        founded,
        employees,
        at_risk,
        areas,
        statuses,
        description_pl,
        description_en,
    ) = row
    rng = random.Random(f"pes-demo:{key}")
    s = instance(base, "entity", key)
    is_unit = form.startswith("unit:")
    out: list[Triple] = [Triple(s, A, t.pes_SocialEconomyEntity)]
    if is_unit:
        out += [
            Triple(s, A, t.pes_SocialEconomyUnit),
            Triple(s, A, t.org_OrganizationalUnit),
            Triple(s, t.rov_orgType, concept("unit-type", form[5:])),
        ]
        parent_kind, _, parent_key = parent.partition(":")
        out.append(Triple(s, t.org_unitOf, instance(base, parent_kind, parent_key)))
    else:
        out += [
            Triple(s, A, t.rov_RegisteredOrganization),
            Triple(s, t.rov_orgType, concept("legal-form", form)),
            Triple(s, t.rov_legalName, text(name.replace("„", "").replace("”", ""))),
        ]
    out += [
        Triple(s, A, t.schema_Organization),
        Triple(s, A, t.essglobal_SSEInitiative),
        Triple(s, t.schema_name, text(name, "pl")),
    ]
    for kind in ("krs", "krkgw", "nip", "regon"):
        if kind in ids:
            node = instance(base, "entity", key, kind)
            add_identifier(out, s, node, kind, ids[kind])
            if kind in ("krs", "krkgw"):
                out.append(Triple(s, t.rov_registration, node))
    if "nip" in ids:
        out.append(Triple(s, t.schema_taxID, text(ids["nip"])))
    for status in statuses:
        out += _status(base, key, s, status, rng)
    streets = STREETS[part]
    add_address(
        out,
        s,
        instance(base, "entity", key, "address"),
        street=streets[street_index % len(streets)],
        number=str(rng.randrange(2, 140)),
        city_part=part,
        rng=rng,
    )
    domain = f"{short_name(key)}.example"
    out += [
        Triple(s, t.schema_email, text(f"biuro@{domain}")),
        Triple(s, t.schema_telephone, text(_phone(rng))),
        Triple(s, t.schema_url, NamedNode(f"https://{domain}/")),
        Triple(s, t.schema_description, text(f"{description_pl} {DEMO_NOTE_PL}", "pl")),
    ]
    if description_en:
        out.append(Triple(s, t.schema_description, text(f"{description_en} {DEMO_NOTE_EN}", "en")))
    out += [Triple(s, t.pes_publicTaskArea, concept("public-task-area", area)) for area in areas]
    out += [
        Triple(s, t.schema_foundingDate, day(founded)),
        Triple(s, t.schema_numberOfEmployees, integer(employees)),
    ]
    if employees:
        out.append(Triple(s, t.pes_shareOfEmployeesAtRisk, decimal(at_risk, 2)))
    first_year = max(2013, int(founded[:4]) + 1)
    for index, offer in enumerate(OFFERS.get(key, ())):
        valid_from = date(min(first_year + 2 * index, 2026), 1 + rng.randrange(12), 1)
        out += _offer(base, key, s, offer, valid_from)
    out.append(Triple(s, t.dct_modified, Literal(MODIFIED, datatype=XSD_DATETIME)))
    return out


def _status(base: str, key: str, s: NamedNode, status: str, rng: random.Random) -> list[Triple]:
    t = terms()
    code, _, start = status.partition(":")
    if code == "opp":
        node = instance(base, "entity", key, "status-opp")
        return [
            Triple(s, t.pes_status, node),
            Triple(node, A, t.pes_StatusAssignment),
            Triple(node, t.pes_statusType, concept("status-type", "opp")),
            Triple(
                node,
                t.pes_grantedBy,
                text("Sąd Rejonowy w Toruniu, VII Wydział Gospodarczy KRS", "pl"),
            ),
            Triple(node, t.schema_startDate, day(start)),
        ]
    if code.startswith("ps"):
        node = instance(base, "entity", key, "status-ps")
        kind = "reintegracja" if code == "ps-r" else "uslugi-spoleczne"
        return [
            Triple(s, t.pes_status, node),
            Triple(node, A, t.pes_StatusAssignment),
            Triple(node, t.pes_statusType, concept("status-type", "przedsiebiorstwo-spoleczne")),
            Triple(node, t.pes_socialEnterpriseType, concept("social-enterprise-type", kind)),
            Triple(
                node, t.pes_decisionNumber, text(f"WPS-II.9512.{rng.randrange(1, 60)}.{start[:4]}")
            ),
            Triple(node, t.pes_decisionDate, day(start)),
            Triple(node, t.pes_grantedBy, text("Wojewoda Kujawsko-Pomorski", "pl")),
            Triple(node, t.schema_startDate, day(start)),
        ]
    node = instance(base, "entity", key, "status-zp")
    begin = date.fromisoformat(start)
    end = date(begin.year + 1, begin.month, begin.day) - timedelta(days=1)
    return [
        Triple(s, t.pes_status, node),
        Triple(node, A, t.pes_StatusAssignment),
        Triple(node, t.pes_statusType, concept("status-type", "zakup-prospoleczny")),
        Triple(
            node,
            t.pes_grantedBy,
            text("Kujawsko-Pomorska Kapituła Znaku „Zakup Prospołeczny”", "pl"),
        ),
        Triple(node, t.schema_startDate, day(begin)),
        Triple(node, t.schema_endDate, day(end)),
    ]


def _offer(
    base: str, entity_key: str, entity: NamedNode, row: tuple, valid_from: date
) -> list[Triple]:
    t = terms()
    suffix, name, cpv, price, capacity, fits, area, description = row
    key = f"{short_name(entity_key)}-{suffix}"
    o = instance(base, "offer", key)
    out = [
        Triple(entity, t.schema_makesOffer, o),
        Triple(o, A, t.schema_Offer),
        Triple(o, A, t.essglobal_ProductOrService),
        Triple(o, t.schema_offeredBy, entity),
        Triple(o, t.schema_name, text(name, "pl")),
        Triple(o, t.schema_description, text(description, "pl")),
        Triple(o, t.schema_category, concept("cpv", cpv)),
        Triple(o, t.pes_offerCategory, concept("offer-category", offer_category(cpv))),
    ]
    if area:
        scheme, _, area_key = area.partition(":")
        out.append(Triple(o, t.schema_areaServed, concept(scheme, area_key)))
    if price is None:
        out.append(Triple(o, t.pes_priceOnRequest, boolean(True)))
    else:
        low, high, unit = price
        node = instance(base, "offer", key, "price")
        out += [
            Triple(o, t.schema_priceSpecification, node),
            Triple(node, A, t.schema_PriceSpecification),
            Triple(node, t.schema_priceCurrency, text("PLN")),
            Triple(node, t.schema_unitText, text(unit, "pl")),
        ]
        if high is None:
            out.append(Triple(node, t.schema_price, decimal(low, 2)))
        else:
            out += [
                Triple(node, t.schema_minPrice, decimal(low, 2)),
                Triple(node, t.schema_maxPrice, decimal(high, 2)),
            ]
    out.append(Triple(o, t.pes_capacity, text(capacity, "pl")))
    out += [Triple(o, t.pes_declaredFit, concept("cooperation-instrument", FIT[f])) for f in fits]
    out.append(Triple(o, t.schema_validFrom, day(valid_from)))
    return out


def city_unit_documents(base: str) -> list[list[Triple]]:
    """Documents of the municipality and its departments and units."""
    t = terms()
    rng = random.Random("pes-demo-units")
    city = instance(base, "unit", MUNICIPALITY)
    municipality = [
        Triple(city, A, t.pes_Municipality),
        Triple(city, A, t.rov_RegisteredOrganization),
        Triple(city, A, t.org_FormalOrganization),
        Triple(city, t.schema_name, text("Gmina Miasta Toruń", "pl")),
        Triple(city, t.schema_name, text("Municipality of Toruń", "en")),
        Triple(city, t.pes_teryt, text(TORUN_TERYT)),
        Triple(city, t.schema_url, NamedNode("https://torun.example/")),
        Triple(city, t.schema_email, text("kancelaria@torun.example")),
    ]
    nip, regon = make_nip(rng), make_regon(rng)
    add_identifier(municipality, city, instance(base, "unit", MUNICIPALITY, "nip"), "nip", nip)
    add_identifier(
        municipality, city, instance(base, "unit", MUNICIPALITY, "regon"), "regon", regon
    )
    municipality.append(Triple(city, t.schema_taxID, text(nip)))
    documents = [municipality]
    for key, name, description in CITY_UNITS:
        u = instance(base, "unit", key)
        documents.append(
            [
                Triple(u, A, t.pes_CityUnit),
                Triple(u, A, t.org_OrganizationalUnit),
                Triple(u, t.schema_name, text(name, "pl")),
                Triple(u, t.schema_description, text(description, "pl")),
                Triple(u, t.org_unitOf, city),
                Triple(u, t.schema_email, text(f"{key}@torun.example")),
                Triple(u, t.schema_url, NamedNode(f"https://torun.example/{key}/")),
            ]
        )
    return documents


def _opportunity_document(base: str, row: tuple) -> list[Triple]:
    t = terms()
    (
        key,
        name,
        kind,
        publisher,
        areas,
        cpv,
        budget,
        issued,
        deadline,
        status,
        description,
        applications,
    ) = row
    s = instance(base, "opportunity", key)
    out = [
        Triple(s, A, t.pes_CooperationOpportunity),
        Triple(s, A, t.schema_Demand),
        Triple(s, t.schema_name, text(name, "pl")),
        Triple(s, t.schema_description, text(f"{description} (Dane demonstracyjne.)", "pl")),
        Triple(s, t.pes_opportunityKind, concept("cooperation-instrument", kind)),
        Triple(s, t.dct_publisher, instance(base, "unit", publisher)),
    ]
    out += [Triple(s, t.pes_publicTaskArea, concept("public-task-area", area)) for area in areas]
    if cpv:
        out.append(Triple(s, t.schema_category, concept("cpv", cpv)))
    if budget is not None:
        add_amount(out, s, t.pes_budget, instance(base, "opportunity", key, "budget"), budget)
    out.append(Triple(s, t.dct_issued, day(issued)))
    if deadline:
        out.append(Triple(s, t.schema_validThrough, day(deadline)))
    out += [
        Triple(s, t.pes_opportunityStatus, concept("opportunity-status", status)),
        Triple(s, t.foaf_page, NamedNode(f"https://bip.torun.example/ogloszenia/{key}")),
    ]
    for number, (applicant, title, requested, scores, card_date) in enumerate(
        applications, start=1
    ):
        application = instance(base, "opportunity", key, f"application-{number}")
        card = instance(base, "opportunity", key, f"card-{number}")
        out += [
            Triple(application, A, t.pes_CompetitionApplication),
            Triple(application, t.pes_applicant, instance(base, "entity", applicant)),
            Triple(application, t.schema_name, text(title, "pl")),
        ]
        add_amount(
            out,
            application,
            t.pes_requestedAmount,
            instance(base, "opportunity", key, f"application-{number}-amount"),
            requested,
        )
        out += [
            Triple(card, A, t.pes_EvaluationCard),
            Triple(card, t.pes_evaluatesApplication, application),
            Triple(card, t.dct_date, day(card_date)),
        ]
        for criterion, points in enumerate(scores, start=1):
            score = instance(base, "opportunity", key, f"card-{number}-c{criterion}")
            out += [
                Triple(card, t.pes_criterionScore, score),
                Triple(score, A, t.pes_CriterionScore),
                Triple(score, t.pes_criterion, concept("evaluation-criterion", str(criterion))),
                Triple(score, t.pes_score, integer(points)),
                Triple(score, t.pes_maxScore, integer(10)),
            ]
    return out


def _action_document(base: str, row: tuple) -> list[Triple]:
    t = terms()
    (
        key,
        name,
        form,
        mode,
        partners,
        unit,
        answers,
        areas,
        start,
        end,
        amount,
        beneficiaries,
        outcome,
    ) = row
    s = instance(base, "action", key)
    out = [
        Triple(s, A, t.pes_CooperationAction),
        Triple(s, A, t.prov_Activity),
        Triple(s, t.schema_name, text(name, "pl")),
        Triple(s, t.pes_cooperationForm, concept("cooperation-instrument", form)),
    ]
    if mode:
        out.append(Triple(s, t.pes_mode, concept("mode", mode)))
    out += [Triple(s, t.pes_partner, instance(base, "entity", partner)) for partner in partners]
    out.append(Triple(s, t.pes_cityUnit, instance(base, "unit", unit)))
    if answers:
        out.append(Triple(s, t.pes_answers, instance(base, "opportunity", answers)))
    out += [Triple(s, t.pes_publicTaskArea, concept("public-task-area", area)) for area in areas]
    out += [Triple(s, t.schema_startDate, day(start)), Triple(s, t.schema_endDate, day(end))]
    if amount is not None:
        add_amount(out, s, t.pes_amount, instance(base, "action", key, "amount"), amount)
    if beneficiaries is not None:
        out.append(Triple(s, t.pes_beneficiaries, integer(beneficiaries)))
    out.append(Triple(s, t.pes_outcome, text(outcome, "pl")))
    return out


_SECTION_PROPERTIES = (
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
    "diagnosis",
    "legalBasis",
    "vision",
)


def _is_query_name(source: str) -> bool:
    return source.replace("_", "a").isalnum() and source[:1].isalpha() and source == source.lower()


def _programme_document(base: str, spec: dict) -> list[Triple]:
    t = terms()
    key = spec["key"]
    s = instance(base, "programme", key)

    def frag(name: str) -> NamedNode:
        return instance(base, "programme", key, name)

    out = [
        Triple(s, A, t.pes_CooperationProgramme),
        Triple(s, A, t.prov_Plan),
        Triple(s, t.schema_name, text(spec["name"], "pl")),
    ]
    if spec["name_en"]:
        out.append(Triple(s, t.schema_name, text(spec["name_en"], "en")))
    start, end = spec["period"]
    period = frag("period")
    out += [
        Triple(s, t.dct_temporal, period),
        Triple(period, A, t.dct_PeriodOfTime),
        Triple(period, t.dcat_startDate, day(start)),
        Triple(period, t.dcat_endDate, day(end)),
    ]
    local_id, title, adopted = spec["resolution"]
    resolution = frag("resolution")
    out += [
        Triple(s, t.pes_adoptedBy, resolution),
        Triple(resolution, A, t.eli_LegalResource),
        Triple(resolution, t.eli_id_local, text(local_id)),
        Triple(resolution, t.eli_title, text(title, "pl")),
        Triple(resolution, t.eli_date_document, day(adopted)),
    ]
    goal = frag("goal-main")
    out += [
        Triple(s, t.pes_mainGoal, goal),
        Triple(goal, A, t.pes_Goal),
        Triple(goal, t.schema_name, text(spec["main_goal"], "pl")),
    ]
    for number, name in enumerate(spec["specific_goals"], start=1):
        goal = frag(f"goal-{number}")
        out += [
            Triple(s, t.pes_specificGoal, goal),
            Triple(goal, A, t.pes_Goal),
            Triple(goal, t.schema_name, text(name, "pl")),
        ]
    for prop in _SECTION_PROPERTIES:
        out.append(Triple(s, getattr(t, f"pes_{prop}"), text(spec["sections"][prop], "pl")))
    out += [
        Triple(s, t.pes_plannedForm, concept("cooperation-form", form)) for form in spec["forms"]
    ]
    add_amount(out, s, t.pes_plannedFunds, frag("funds"), spec["funds"])
    for number, (
        name,
        justification,
        innovation,
        unit,
        goal_number,
        funds,
        indicators,
    ) in enumerate(spec["actions"], start=1):
        action = frag(f"action-{number}")
        out += [
            Triple(s, t.pes_hasAction, action),
            Triple(action, A, t.pes_ProgrammeAction),
            Triple(action, t.schema_name, text(name, "pl")),
            Triple(action, t.pes_justification, text(justification, "pl")),
            Triple(action, t.pes_innovation, text(innovation, "pl")),
            Triple(action, t.pes_responsibleUnit, instance(base, "unit", unit)),
            Triple(action, t.pes_contributesTo, frag(f"goal-{goal_number}")),
        ]
        add_amount(out, action, t.pes_plannedFunds, frag(f"action-{number}-funds"), funds)
        out += [Triple(action, t.pes_measuredBy, frag(f"indicator-{i}")) for i in indicators]
    values = frag("values")
    out += [
        Triple(s, t.pes_indicatorValues, values),
        Triple(values, A, t.qb_DataSet),
        Triple(values, t.qb_structure, t.pes_IndicatorStructure),
    ]
    for number, (name, unit, baseline, target, source, observed) in enumerate(
        spec["indicators"], start=1
    ):
        indicator = frag(f"indicator-{number}")
        out += [
            Triple(s, t.pes_hasIndicator, indicator),
            Triple(indicator, A, t.pes_Indicator),
            Triple(indicator, t.schema_name, text(name, "pl")),
            Triple(indicator, t.pes_baseline, integer(baseline)),
            Triple(indicator, t.pes_target, integer(target)),
            Triple(indicator, t.pes_unitOfMeasure, text(unit, "pl")),
        ]
        if _is_query_name(source):
            out.append(Triple(indicator, t.pes_computedBy, text(source)))
        else:
            out.append(Triple(indicator, t.pes_manualSource, text(source, "pl")))
        for year, value in sorted(observed.items()):
            observation = frag(f"obs-{number}-{year}")
            out += [
                Triple(observation, A, t.qb_Observation),
                Triple(observation, t.qb_dataSet, values),
                Triple(observation, t.pes_indicator, indicator),
                Triple(observation, t.sdmx_refPeriod, Literal(str(year), datatype=XSD_GYEAR)),
                Triple(observation, t.sdmx_obsValue, integer(value)),
            ]
    return out


def demo_documents(base: str) -> list[list[Triple]]:
    """The demo data set as documents (lists of triples), the same on every call.

    Units come first, then entities (each with its offers), opportunities, actions and
    programmes; the first triple of each document types its main resource.
    """
    base = base.rstrip("/")
    identifiers = _identifiers()
    documents = city_unit_documents(base)
    documents += [_entity_document(base, row, identifiers[row[0]]) for row in ENTITIES]
    documents += [_opportunity_document(base, row) for row in OPPORTUNITIES]
    documents += [_action_document(base, row) for row in ACTIONS]
    documents += [_programme_document(base, spec) for spec in PROGRAMMES]
    return documents


def current_opportunity_rows(today) -> list[tuple]:
    """Four calls dated around ``today`` (announced a few days before, deadlines after), so that
    a freshly loaded demo always has open calls to show; rows as in ``OPPORTUNITIES``."""
    import datetime as dt

    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    # fmt: off
    return [
        ("biezacy-catering-rada", "Catering na spotkania Rady Działalności Pożytku Publicznego",
         "zakup-ponizej-130k", "wydzial-zdrowia", ("33",), "55520000-1", 18000, day(-5), day(16),
         "otwarta", "Zapytanie ofertowe z preferencją dla PES: catering dla ok. 200 osób na czterech"
         " spotkaniach.", ()),
        ("biezacy-konkurs-integracja", "Otwarty konkurs ofert: integracja społeczna i zawodowa osób"
         " zagrożonych wykluczeniem", "otwarty-konkurs", "wydzial-zdrowia", ("1",), "85310000-5",
         150000, day(-10), day(25), "otwarta", "Reintegracja społeczna i zawodowa, doradztwo"
         " i wsparcie w znalezieniu pracy.", ()),
        ("biezace-sprzatanie-mopr", "Sprzątanie budynków Miejskiego Ośrodka Pomocy Rodzinie –"
         " zamówienie zastrzeżone (art. 94 Pzp)", "zamowienie-zastrzezone-art94", "mopr", ("1",),
         "90910000-9", 240000, day(-2), day(40), "otwarta", "Zamówienie zastrzeżone dla wykonawców"
         " zatrudniających co najmniej 30% osób zagrożonych wykluczeniem.", ()),
        ("biezacy-maly-grant-festyn", "Mały grant: festyn sąsiedzki na Rubinkowie", "maly-grant",
         "wydzial-kultury", ("16",), "79952000-2", 9000, day(-3), day(4), "otwarta",
         "Festyn rodzinny przygotowany z mieszkańcami osiedla.", ()),
    ]
    # fmt: on


def load_demo(store, settings, today=None):
    """Load the demo data set into ``store`` through the validated write path, then write the
    registry's catalogue; returns the ingest report. ``settings`` gives the base and publisher.
    Besides ``demo_documents``, the calls of ``current_opportunity_rows`` are dated around
    ``today`` (the day of loading by default)."""
    import datetime as dt

    import pyoxigraph as ox

    from .catalog import catalog_write
    from .ingest import Source, ingest, publisher_iri

    documents = demo_documents(settings.base)
    documents += [_opportunity_document(settings.base.rstrip("/"), row)
                  for row in current_opportunity_rows(today or dt.date.today())]
    data = ox.serialize([t for doc in documents for t in doc], format=ox.RdfFormat.N_TRIPLES)
    report = ingest(store, [Source(name="demo.nt", data=data)],
                    agent=publisher_iri(settings.base, settings.publisher))
    store.commit(catalog_write(store, settings))
    return report
