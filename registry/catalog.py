"""The registry's own DCAT-AP 3 catalogue.

One ``dcat:Dataset`` per kind of data (entities with their offers, opportunities, cooperation
actions, programmes with their indicators, city units, the ontology and concept schemes) and one
for the whole registry. Each has a distribution per bulk download of ``registry.dumps.DUMPS``
(with byte size and SHA-256 once the dump is built) and one through the SPARQL endpoint, which
is also described as a ``dcat:DataService``. For every controlled term used (EU authority tables,
IANA media types, ADMS types, the place) the catalogue carries the triples DCAT-AP's range shapes
and harvesters need: type, labels, scheme.

``build`` reads the store once (the dates of the documents, the publisher) into a ``Catalogue``;
``triples`` turns it into RDF (all datasets, or a page of them), ``dane_gov_pl_xml`` into the
harvesting file of dane.gov.pl. Where it lives:

* ``/catalog`` builds it from the store, once per store version (``registry.web.catalog``), so
  its dates follow every write at once;
* the catalogue graph ``{BASE}/graph/catalog`` holds the same description (less the dumps'
  sizes and checksums) for SPARQL harvesters (the named queries ``dcat_catalog`` and
  ``dcat_dane_gov_pl``). ``catalog_write`` replaces it
  (``pes-registry demo``); ``refresh`` rewrites it when it is out of date, which the web
  application does when it starts, so data loaded while the server was stopped is described by
  the time it serves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import queries
from .config import DEFAULT_LICENCE, Settings
from .namespaces import DCAT, DCT, DOCUMENT_KINDS, FOAF, ONTOLOGY_GRAPH, RDF, SKOS, XSD
from .store import Store, Write, catalog_graph, graph_iri, resource_iri

if TYPE_CHECKING:
    from .dumps import Dump

log = logging.getLogger(__name__)

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"  # as registry.dumps.IANA
LICENCE = DEFAULT_LICENCE  # the default licence (REGISTRY_LICENCE)
SCHEMA = "https://schema.org/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
DCATAP = "http://data.europa.eu/r5r/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
FREQUENCY = f"{EU}frequency/UPDATE_CONT"
AVAILABILITY = f"{EU}planned-availability/STABLE"
# Toruń in GeoNames (DCAT-AP accepts GeoNames IRIs for dct:spatial), with its centroid and a
# bounding box of the city's territory (WGS 84, longitude first, as GeoSPARQL's WKT).
PLACE = "https://sws.geonames.org/3083271/"
PLACE_CENTROID = "POINT(18.6111 53.0222)"
PLACE_BBOX = ("POLYGON((18.4600 52.9600, 18.7600 52.9600, 18.7600 53.0800, 18.4600 53.0800, "
              "18.4600 52.9600))")
TERYT = "0463011"  # Toruń's TERYT (TERC) code, for dane.gov.pl
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
ALL = "all"  # key of the dataset of the whole registry
DANE_GOV_PL_NS = "urn:otwarte-dane:harvester:1.10"
LANGS = ("pl", "en")


@dataclass(frozen=True)
class Dataset:
    """One dataset of the catalogue: the documents of some kinds of resource."""

    key: str
    kinds: tuple[str, ...]  # kinds whose dct:modified dates the dataset; () for the vocabularies
    title: tuple[str, str]  # Polish, English
    description: tuple[str, str]
    keywords: tuple[tuple[str, ...], tuple[str, ...]]
    themes: tuple[str, ...]  # codes of the EU data-theme table
    landing: str  # path of the page that shows the dataset


DATASETS = (
    Dataset(
        "entities",
        ("entity",),
        ("Podmioty ekonomii społecznej w Toruniu i ich oferty",
         "Social economy entities in Toruń and their offers"),
        ("Podmioty ekonomii społecznej działające w Toruniu (spółdzielnie socjalne, fundacje, "
         "stowarzyszenia, CIS, KIS, ZAZ, WTZ i inne): forma prawna, statusy, adresy, identyfikatory "
         "oraz oferowane produkty i usługi z kodami CPV.",
         "Social economy entities active in Toruń (social cooperatives, foundations, associations, "
         "social integration centres and clubs, sheltered workshops and others): legal form, "
         "statuses, addresses, identifiers, and the products and services they offer, with CPV "
         "codes."),
        (("ekonomia społeczna", "przedsiębiorstwo społeczne", "spółdzielnia socjalna", "oferty",
          "Toruń"),
         ("social economy", "social enterprise", "social cooperative", "offers", "Toruń")),
        ("SOCI", "ECON"),
        "/entities",
    ),
    Dataset(
        "opportunities",
        ("opportunity",),
        ("Możliwości współpracy z Gminą Miasta Toruń",
         "Cooperation opportunities of the Municipality of Toruń"),
        ("Ogłoszenia Gminy Miasta Toruń i jej jednostek skierowane do podmiotów ekonomii "
         "społecznej: otwarte konkursy ofert, małe granty, inicjatywy lokalne, zamówienia "
         "zastrzeżone i z klauzulami społecznymi, udostępnianie lokali, konsultacje.",
         "Announcements of the Municipality of Toruń and its units addressed to social economy "
         "entities: open calls for proposals, small grants, local initiatives, reserved "
         "contracts and contracts with social clauses, premises, consultations."),
        (("konkurs ofert", "mały grant", "zamówienia publiczne", "klauzule społeczne", "Toruń"),
         ("call for proposals", "small grant", "public procurement", "social clauses", "Toruń")),
        ("GOVE", "SOCI"),
        "/opportunities",
    ),
    Dataset(
        "actions",
        ("action",),
        ("Działania współpracy Gminy Miasta Toruń z podmiotami ekonomii społecznej",
         "Cooperation actions of the Municipality of Toruń with social economy entities"),
        ("Zrealizowane i trwające działania współpracy: dotacje, zamówienia, partnerstwa i "
         "wsparcie pozafinansowe, z partnerami, kwotami, liczbą odbiorców i rezultatami.",
         "Completed and ongoing cooperation actions: grants, contracts, partnerships and "
         "non-financial support, with partners, amounts, numbers of beneficiaries and outcomes."),
        (("współpraca", "dotacje", "zadania publiczne", "Toruń"),
         ("cooperation", "grants", "public tasks", "Toruń")),
        ("GOVE", "ECON"),
        "/actions",
    ),
    Dataset(
        "programmes",
        ("programme",),
        ("Programy współpracy Gminy Miasta Toruń", "Cooperation programmes of the Municipality of Toruń"),
        ("Programy współpracy z organizacjami pozarządowymi i podmiotami ekonomii społecznej: "
         "cele, działania, planowane środki oraz wskaźniki z wartościami w kolejnych latach.",
         "Programmes of cooperation with non-governmental organisations and social economy "
         "entities: goals, actions, planned funds, and indicators with their yearly values."),
        (("program współpracy", "wskaźniki", "monitoring", "Toruń"),
         ("cooperation programme", "indicators", "monitoring", "Toruń")),
        ("GOVE",),
        "/programme",
    ),
    Dataset(
        "units",
        ("unit",),
        ("Jednostki Gminy Miasta Toruń", "Units of the Municipality of Toruń"),
        ("Gmina Miasta Toruń oraz jej wydziały i jednostki organizacyjne, które publikują "
         "możliwości współpracy i realizują działania.",
         "The Municipality of Toruń and its departments and organisational units that publish "
         "cooperation opportunities and carry out cooperation actions."),
        (("administracja samorządowa", "jednostki miejskie", "Toruń"),
         ("local government", "city units", "Toruń")),
        ("GOVE", "REGI"),
        "/",
    ),
    Dataset(
        "concept-schemes",
        (),
        ("Ontologia i słowniki rejestru podmiotów ekonomii społecznej",
         "Ontology and concept schemes of the social economy registry"),
        ("Ontologia rejestru i słowniki SKOS: formy prawne, statusy, sfery zadań publicznych, "
         "formy i instrumenty współpracy, wybór kodów CPV, części miasta i okręgi Torunia.",
         "The registry's ontology and SKOS concept schemes: legal forms, statuses, public-task "
         "areas, forms and instruments of cooperation, a selection of CPV codes, Toruń's city "
         "parts and districts."),
        (("ontologia", "słowniki", "SKOS", "CPV"), ("ontology", "vocabularies", "SKOS", "CPV")),
        ("GOVE", "SOCI"),
        "/vocab",
    ),
)

# The whole registry: every document, the ontology and the concept schemes (the dumps whose
# ``dataset`` is None).
REGISTRY_DATASET = Dataset(
    ALL,
    DOCUMENT_KINDS,
    ("Rejestr podmiotów ekonomii społecznej w Toruniu: wszystkie dane",
     "Registry of social economy entities in Toruń: all data"),
    ("Wszystkie dane rejestru w jednym zbiorze: podmioty ekonomii społecznej i ich oferty, "
     "możliwości i działania współpracy, programy współpracy ze wskaźnikami, jednostki miasta "
     "oraz ontologia i słowniki; każdy dokument w swoim grafie nazwanym.",
     "All data of the registry in one dataset: social economy entities and their offers, "
     "cooperation opportunities and actions, cooperation programmes with their indicators, "
     "city units, and the ontology and concept schemes; each document in its own named "
     "graph."),
    (("ekonomia społeczna", "rejestr", "dane połączone", "Toruń"),
     ("social economy", "registry", "linked data", "Toruń")),
    ("SOCI", "ECON", "GOVE"),
    "/",
)

# Every dataset of the catalogue, in the order it lists them.
CATALOGUE_DATASETS = (*DATASETS, REGISTRY_DATASET)

# Labels (Polish, English) of the EU data themes; the codes are also dane.gov.pl's categories.
THEMES = {
    "AGRI": ("Rolnictwo, rybołówstwo, leśnictwo i żywność",
             "Agriculture, fisheries, forestry and food"),
    "ECON": ("Gospodarka i finanse", "Economy and finance"),
    "EDUC": ("Edukacja, kultura i sport", "Education, culture and sport"),
    "ENER": ("Energia", "Energy"),
    "ENVI": ("Środowisko", "Environment"),
    "GOVE": ("Rząd i sektor publiczny", "Government and public sector"),
    "HEAL": ("Zdrowie", "Health"),
    "INTR": ("Kwestie międzynarodowe", "International issues"),
    "JUST": ("Sprawiedliwość, ustrój sądów i bezpieczeństwo publiczne",
             "Justice, legal system and public safety"),
    "REGI": ("Regiony i miasta", "Regions and cities"),
    "SOCI": ("Ludność i społeczeństwo", "Population and society"),
    "TECH": ("Nauka i technologia", "Science and technology"),
    "TRAN": ("Transport", "Transport"),
}

# Labels of the EU file types the registry publishes (another code is labelled with itself).
FILE_TYPES = {
    "RDF_TURTLE": ("RDF Turtle", "RDF Turtle"),
    "JSON_LD": ("JSON-LD", "JSON-LD"),
    "RDF_N_QUADS": ("RDF N-Quads", "RDF N-Quads"),
    "RDF_N_TRIPLES": ("RDF N-Triples", "RDF N-Triples"),
    "RDF_TRIG": ("RDF TriG", "RDF TriG"),
    "RDF_XML": ("RDF/XML", "RDF/XML"),
    "CSV": ("CSV", "CSV"),
    "JSON": ("JSON", "JSON"),
    "XML": ("XML", "XML"),
    "SPARQLQ": ("Zapytanie SPARQL", "SPARQL query"),
}

# Licences of the EU authority table that REGISTRY_LICENCE may name: labels, ADMS licence types,
# and the name dane.gov.pl's XML format gives the licence (None: not one of its choices).
LICENCES: dict[str, tuple[tuple[str, str], tuple[str, ...], str | None]] = {
    "CC_BY_4_0": (("Creative Commons Uznanie autorstwa 4.0 Międzynarodowe",
                   "Creative Commons Attribution 4.0 International"),
                  ("Attribution",), "CC BY 4.0"),
    "CC_BYSA_4_0": (("Creative Commons Uznanie autorstwa – Na tych samych warunkach 4.0 "
                     "Międzynarodowe",
                     "Creative Commons Attribution–ShareAlike 4.0 International"),
                    ("Attribution", "ViralEffect-ShareAlike"), "CC BY-SA 4.0"),
    "CC_BYNC_4_0": (("Creative Commons Uznanie autorstwa – Użycie niekomercyjne 4.0 "
                     "Międzynarodowe",
                     "Creative Commons Attribution–NonCommercial 4.0 International"),
                    ("Attribution", "NonCommercialUseOnly"), "CC BY-NC 4.0"),
    "CC_BYND_4_0": (("Creative Commons Uznanie autorstwa – Bez utworów zależnych 4.0 "
                     "Międzynarodowe",
                     "Creative Commons Attribution–NoDerivs 4.0 International"),
                    ("Attribution", "NoDerivativeWork"), "CC BY-ND 4.0"),
    "CC_BYNCSA_4_0": (("Creative Commons Uznanie autorstwa – Użycie niekomercyjne – Na tych "
                       "samych warunkach 4.0 Międzynarodowe",
                       "Creative Commons Attribution–NonCommercial–ShareAlike 4.0 "
                       "International"),
                      ("Attribution", "NonCommercialUseOnly", "ViralEffect-ShareAlike"),
                      "CC BY-NC-SA 4.0"),
    "CC_BYNCND_4_0": (("Creative Commons Uznanie autorstwa – Użycie niekomercyjne – Bez utworów "
                       "zależnych 4.0 Międzynarodowe",
                       "Creative Commons Attribution–NonCommercial–NoDerivs 4.0 International"),
                      ("Attribution", "NonCommercialUseOnly", "NoDerivativeWork"),
                      "CC BY-NC-ND 4.0"),
    "CC0": (("Creative Commons CC0 1.0 Powszechne przekazanie do domeny publicznej",
             "Creative Commons CC0 1.0 Universal"), ("PublicDomain",), None),
}
LICENCE_TYPES = {
    "Attribution": ("Uznanie autorstwa", "Attribution"),
    "ViralEffect-ShareAlike": ("Na tych samych warunkach", "Viral effect (share-alike)"),
    "NonCommercialUseOnly": ("Tylko użycie niekomercyjne", "Non-commercial use only"),
    "NoDerivativeWork": ("Bez utworów zależnych", "No derivative work"),
    "PublicDomain": ("Domena publiczna", "Public domain"),
}

# Schemes of the controlled terms (DCAT-AP wants a scheme typed and titled).
SCHEMES = {
    f"{EU}data-theme": ("Tematy danych", "Data theme"),
    f"{EU}licence": ("Licencje", "Licence"),
    f"{EU}file-type": ("Typy plików", "File type"),
    f"{EU}language": ("Języki", "Language"),
    f"{EU}frequency": ("Częstotliwości", "Frequency"),
    f"{EU}planned-availability": ("Planowana dostępność", "Planned availability"),
    f"{ADMS_LICENCE_TYPE}1.0": ("Rodzaje licencji", "Licence type"),
    f"{ADMS_PUBLISHER_TYPE}1.0": ("Rodzaje wydawców", "Publisher type"),
}
LANGUAGES = {f"{EU}language/POL": ("polski", "Polish"),
             f"{EU}language/ENG": ("angielski", "English")}


# -- the catalogue as data -----------------------------------------------------------------------


@dataclass
class Distribution:
    """One distribution of a dataset: a bulk download, or the dataset through SPARQL."""

    key: str  # fragment of its IRI: the dump's file name, or "{dataset}-sparql"
    identifier: str  # dct:identifier, at most 36 characters (dane.gov.pl's limit)
    title: tuple[str, str]
    description: tuple[str, str]
    access_url: str
    download_url: str | None  # None: through the SPARQL service
    media_type: str  # e.g. "text/turtle" (of the content, before compression)
    file_type: str  # EU file-type code
    gzip: bool
    byte_size: int | None = None
    sha256: str | None = None

    @property
    def media_type_iri(self) -> str:
        return f"{IANA}{self.media_type}"

    @property
    def file_type_iri(self) -> str:
        return f"{EU}file-type/{self.file_type}"


@dataclass
class DatasetEntry:
    spec: Dataset
    iri: str
    identifier: str
    landing: str  # absolute URL of its page
    issued: str | None  # xsd:dateTime text, UTC; None when the store has no such documents
    modified: str | None
    distributions: list[Distribution] = field(default_factory=list)


@dataclass
class Catalogue:
    """The catalogue as read from the store at one version."""

    base: str
    version: int
    licence: str
    publisher: str  # IRI of the publishing unit
    publisher_names: list[tuple[str | None, str]]  # (language, name)
    contact: dict[str, list[str]]  # email, telephone, url
    datasets: list[DatasetEntry]
    issued: str | None
    modified: str | None

    @property
    def iri(self) -> str:
        return f"{self.base}/catalog"

    @property
    def service(self) -> str:
        return f"{self.base}/catalog#sparql-service"

    @property
    def endpoint(self) -> str:
        return f"{self.base}/sparql"

    def publisher_name(self, lang: str) -> str:
        names = dict(self.publisher_names)
        return names.get(lang) or names.get("pl") or names.get(None) or self.publisher


def build(store: Store, settings: Settings, *, sizes: bool = True) -> Catalogue:
    """The catalogue of the registry as the store holds it now. With ``sizes``, the byte size
    and SHA-256 of each dump built for the current store version."""
    from . import dumps  # here: registry.dumps imports this module

    base = settings.base.rstrip("/")
    version = store.version()
    dates = _dates(store)
    publisher = resource_iri(base, "unit", settings.publisher)
    names, contact = _publisher_facts(store, base, settings.publisher)
    datasets = []
    for spec in CATALOGUE_DATASETS:
        issued, modified = dates.get(spec.key, (None, None))
        entry = DatasetEntry(spec, f"{base}/catalog#{spec.key}", f"pes-registry-{spec.key}",
                             f"{base}{spec.landing}", issued, modified)
        for d in dumps.DUMPS:
            if (d.dataset or ALL) == spec.key:
                entry.distributions.append(
                    _dump_distribution(base, d, settings, version if sizes else None))
        entry.distributions.append(Distribution(
            f"{spec.key}-sparql", f"pes-{spec.key}-sparql",
            ("Punkt dostępowy SPARQL", "SPARQL endpoint"),
            ("Dane zbioru przez punkt dostępowy SPARQL rejestru (SPARQL 1.1).",
             "The dataset through the registry's SPARQL endpoint (SPARQL 1.1)."),
            f"{base}/sparql", None, "application/sparql-results+json", "SPARQLQ", False))
        datasets.append(entry)
    known = [d for d in dates.values() if d[0] is not None]
    return Catalogue(
        base=base, version=version, licence=settings.licence, publisher=publisher,
        publisher_names=names, contact=contact, datasets=datasets,
        issued=min((d[0] for d in known), default=None),
        modified=max((d[1] for d in known), default=None),
    )


def _dump_distribution(base: str, d: Dump, settings: Settings, version: int | None) -> Distribution:
    url = f"{base}/dumps/{d.name}"
    packed = ", skompresowany gzip" if d.gzip else ""
    packed_en = ", gzip-compressed" if d.gzip else ""
    out = Distribution(
        d.name, f"pes-{d.name}", d.title,
        (f"Plik do pobrania ({d.media_type}{packed}), tworzony od nowa po każdej zmianie danych.",
         f"A file to download ({d.media_type}{packed_en}), made anew after every change of the "
         "data."),
        url, url, d.media_type, d.file_type, d.gzip)
    built = None if version is None else _built(settings, d.name, version)
    if built is not None:
        out.byte_size = int(built.byte_size)
        out.sha256 = str(built.sha256).lower()
    return out


def _built(settings: Settings, name: str, version: int):
    """The dump as built for this store version (``registry.dumps.built``), or None."""
    from . import dumps

    function = getattr(dumps, "built", None)
    if function is None:
        return None
    try:
        found = function(settings, name)
    except Exception:  # a dump that cannot be measured must not take the catalogue down
        log.exception("could not read the built dump %s", name)
        return None
    if found is None or not hasattr(found, "byte_size") or not hasattr(found, "sha256"):
        return None
    if getattr(found, "version", version) != version:  # of older data: rebuilt when next asked
        return None
    return found


def dumps_state(settings: Settings, version: int) -> tuple:
    """Which dumps are built for this store version, and their checksums: the catalogue lists
    these, so what is made from it depends on them as well as on the store version."""
    from . import dumps

    state = []
    for d in dumps.DUMPS:
        found = _built(settings, d.name, version)
        state.append((d.name, None if found is None else str(found.sha256)))
    return tuple(state)


def _publisher_facts(store: Store, base: str, key: str):
    """Names and contact details of the publishing unit, as its document gives them."""
    agent = resource_iri(base, "unit", key)
    facts = [q for q in store.quads(graph_iri(base, "unit", key)) if q.subject.value == agent]
    names = sorted(((q.object.language, q.object.value) for q in facts
                    if q.predicate.value == f"{SCHEMA}name" and isinstance(q.object, ox.Literal)),
                   key=lambda n: (n[0] != "pl", n[0] or "", n[1]))
    contact = {
        "email": sorted(q.object.value for q in facts if q.predicate.value == f"{SCHEMA}email"),
        "telephone": sorted(q.object.value for q in facts
                            if q.predicate.value == f"{SCHEMA}telephone"),
        "url": sorted(q.object.value for q in facts if q.predicate.value == f"{SCHEMA}url"
                      and q.object.value.startswith(("http://", "https://"))),
    }
    return names or [(None, key)], contact


def _dates(store: Store) -> dict[str, tuple[str, str]]:
    """Issued and modified (xsd:dateTime text) of each dataset, from the documents of its kinds."""
    by_kind = {
        row["kind"].value: (_date_time(row["issued"].value), _date_time(row["modified"].value))
        for row in queries.get("dataset_dates").run(store, {})
        if row["issued"] is not None and row["modified"] is not None
    }
    out: dict[str, tuple[str, str]] = {}
    for spec in DATASETS:
        found = [by_kind[k] for k in spec.kinds if k in by_kind]
        if found:
            out[spec.key] = (min(f[0] for f in found), max(f[1] for f in found))
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    versions = {
        q.predicate.value: q.object.value
        for q in store.quads(ONTOLOGY_GRAPH)
        if q.subject == ontology and q.predicate.value in (str(DCT.created), str(DCT.modified))
    }
    if str(DCT.modified) in versions:
        created = versions.get(str(DCT.created), versions[str(DCT.modified)])
        out["concept-schemes"] = (_date_time(created), _date_time(versions[str(DCT.modified)]))
    parts = [out[k] for k in out if k != ALL]
    if parts:  # the whole registry: its documents and its ontology
        out[ALL] = (min(p[0] for p in parts), max(p[1] for p in parts))
    return out


def _date_time(value: str) -> str:
    """An ``xsd:dateTime`` in UTC with a Z, from a date or a date-time (a date: midnight UTC)."""
    if "T" not in value:
        return f"{value[:10]}T00:00:00Z"
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def parse_moment(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time as an aware datetime (UTC when no offset is given).

    Raises ValueError for anything else."""
    text = text.strip()
    if not text or len(text) > 40:
        raise ValueError(text)
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def modified_since(catalogue: Catalogue, since: dt.datetime) -> list[DatasetEntry]:
    """The datasets changed at or after ``since`` (by their ``dct:modified``)."""
    return [d for d in catalogue.datasets if d.modified is not None
            and parse_moment(d.modified) >= since]


# -- RDF ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageView:
    """A page of datasets, described with Hydra for harvesters that page (ckanext-dcat)."""

    iri: str  # this page
    first: str
    last: str
    next: str | None
    previous: str | None
    total: int  # datasets over all pages
    per_page: int


def triples(catalogue: Catalogue, keys: Sequence[str] | None = None,
            view: PageView | None = None) -> list[ox.Triple]:
    """The catalogue as RDF: the catalogue, the datasets named by ``keys`` (all when None) with
    their distributions, the SPARQL service, the publisher and contact point, and the triples
    that describe every controlled term used. With ``view``, the Hydra description of the page."""
    c = catalogue
    chosen = [d for d in c.datasets if keys is None or d.spec.key in keys]
    out: list[tuple] = []
    add = out.append
    catalog, service = c.iri, c.service
    add((catalog, RDF.type, DCAT.Catalog))
    out += _texts(catalog, DCT.title, ("Rejestr podmiotów ekonomii społecznej w Toruniu",
                                       "Registry of social economy entities in Toruń"))
    out += _texts(catalog, DCT.description, (
        "Otwarte dane o ekonomii społecznej w Toruniu: podmioty i ich oferty, możliwości i "
        "działania współpracy z Gminą Miasta Toruń oraz programy współpracy ze wskaźnikami.",
        "Open data on the social economy in Toruń: entities and their offers, cooperation "
        "opportunities and actions with the Municipality of Toruń, and the cooperation "
        "programmes with their indicators."))
    home = f"{c.base}/"
    out += [
        (catalog, DCT.publisher, c.publisher),
        (catalog, FOAF.homepage, home),
        (home, RDF.type, FOAF.Document),
        (catalog, DCT.license, c.licence),
        *[(catalog, DCT.language, lang) for lang in LANGUAGES],
        (catalog, DCAT.themeTaxonomy, f"{EU}data-theme"),
        (catalog, DCT.spatial, PLACE),
        (catalog, DCAT.service, service),
    ]
    if c.issued:
        add((catalog, DCT.issued, _dtm(c.issued)))
        add((catalog, DCT.modified, _dtm(c.modified)))

    # The SPARQL endpoint, as a data service.
    out += [
        (service, RDF.type, DCAT.DataService),
        (service, DCT.identifier, ox.Literal("pes-registry-sparql")),
        *_texts(service, DCT.title, ("Punkt dostępowy SPARQL rejestru",
                                     "SPARQL endpoint of the registry")),
        *_texts(service, DCT.description, (
            "Zapytania SPARQL 1.1 do wszystkich danych rejestru; graf domyślny jest sumą grafów "
            "nazwanych. Bez zapytania adres zwraca opis usługi (SPARQL Service Description).",
            "SPARQL 1.1 queries over all data of the registry; the default graph is the union "
            "of the named graphs. Without a query the address answers the SPARQL Service "
            "Description.")),
        (service, DCAT.endpointURL, c.endpoint),
        (service, DCAT.endpointDescription, c.endpoint),
        (service, DCT.conformsTo, SPARQL_PROTOCOL),
        (service, DCT.license, c.licence),
        (service, DCT.publisher, c.publisher),
        (service, DCT.format, f"{EU}file-type/SPARQLQ"),
        *[(service, DCAT.theme, f"{EU}data-theme/{t}") for t in ("SOCI", "ECON", "GOVE")],
        *_keywords(service, (("SPARQL", "dane połączone", "ekonomia społeczna"),
                             ("SPARQL", "linked data", "social economy"))),
    ]

    for d in chosen:
        spec, dataset = d.spec, d.iri
        out += [
            (catalog, DCAT.dataset, dataset),
            (service, DCAT.servesDataset, dataset),
            (dataset, RDF.type, DCAT.Dataset),
            (dataset, DCT.identifier, ox.Literal(d.identifier)),
            *_texts(dataset, DCT.title, spec.title),
            *_texts(dataset, DCT.description, spec.description),
            (dataset, DCT.publisher, c.publisher),
            (dataset, DCT.language, f"{EU}language/POL"),
            (dataset, DCAT.landingPage, d.landing),
            (d.landing, RDF.type, FOAF.Document),
            (dataset, DCT.spatial, PLACE),
            (dataset, DCT.accrualPeriodicity, FREQUENCY),
            *[(dataset, DCAT.theme, f"{EU}data-theme/{t}") for t in spec.themes],
            *_keywords(dataset, spec.keywords),
        ]
        if d.issued:
            period = f"{dataset}-period"
            out += [
                (dataset, DCT.issued, _dtm(d.issued)),
                (dataset, DCT.modified, _dtm(d.modified)),
                # The period the records cover: from the first write to the last change.
                (dataset, DCT.temporal, period),
                (period, RDF.type, DCT.PeriodOfTime),
                (period, DCAT.startDate, _dtm(d.issued)),
                (period, DCAT.endDate, _dtm(d.modified)),
            ]
        for x in d.distributions:
            out += _distribution(c, d, x)

    if view is not None:
        page = view.iri
        out += [
            (page, RDF.type, f"{HYDRA}PartialCollectionView"),
            (page, RDF.type, f"{HYDRA}PagedCollection"),  # what older harvesters look for
            (page, f"{HYDRA}first", view.first),
            (page, f"{HYDRA}last", view.last),
            (page, f"{HYDRA}totalItems", ox.Literal(str(view.total), datatype=_n(XSD.integer))),
            (page, f"{HYDRA}itemsPerPage", ox.Literal(str(view.per_page),
                                                      datatype=_n(XSD.integer))),
        ]
        if view.next:
            add((page, f"{HYDRA}next", view.next))
        if view.previous:
            add((page, f"{HYDRA}previous", view.previous))

    described = [service, *(d.iri for d in chosen)]
    out += _agent(c, described)
    used = {o for _, _, o in out if isinstance(o, str)}
    out += _background(c, used)
    # Each triple once, grouped by subject in the order subjects first appear (readable Turtle).
    by_subject: dict[str, dict[ox.Triple, None]] = {}
    for s, p, o in out:
        t = ox.Triple(_n(s), _n(p), o if isinstance(o, ox.Literal) else _n(o))
        by_subject.setdefault(str(s), {})[t] = None
    return [t for group in by_subject.values() for t in group]


def _distribution(c: Catalogue, d: DatasetEntry, x: Distribution) -> list[tuple]:
    node = f"{c.base}/catalog#{x.key}"
    out: list[tuple] = [
        (d.iri, DCAT.distribution, node),
        (node, RDF.type, DCAT.Distribution),
        (node, DCT.identifier, ox.Literal(x.identifier)),
        *_texts(node, DCT.title, x.title),
        *_texts(node, DCT.description, x.description),
        (node, DCAT.accessURL, x.access_url),
        (node, DCT.license, c.licence),
        (node, DCT.format, x.file_type_iri),
        (node, DCAT.mediaType, x.media_type_iri),
        (node, f"{DCATAP}availability", AVAILABILITY),
    ]
    if x.download_url is None:
        out.append((node, DCAT.accessService, c.service))
    else:
        out.append((node, DCAT.downloadURL, x.download_url))
    if x.gzip:
        out.append((node, DCAT.compressFormat, f"{IANA}application/gzip"))
    if d.issued:
        out.append((node, DCT.issued, _dtm(d.issued)))
        out.append((node, DCT.modified, _dtm(d.modified)))
    if x.byte_size is not None:
        out.append((node, DCAT.byteSize,
                    ox.Literal(str(x.byte_size), datatype=_n(XSD.nonNegativeInteger))))
    if x.sha256:
        checksum = f"{node}-sha256"
        out += [
            (node, f"{SPDX}checksum", checksum),
            (checksum, RDF.type, f"{SPDX}Checksum"),
            (checksum, f"{SPDX}algorithm", f"{SPDX}checksumAlgorithm_sha256"),
            (checksum, f"{SPDX}checksumValue",
             ox.Literal(x.sha256, datatype=_n(XSD.hexBinary))),
        ]
    return out


def _agent(c: Catalogue, described: list[str]) -> list[tuple]:
    """The publisher as a foaf:Agent, and the contact point of the datasets and the service."""
    agent = c.publisher
    out: list[tuple] = [
        (agent, RDF.type, FOAF.Agent),
        *[(agent, FOAF.name, ox.Literal(name, language=lang) if lang else ox.Literal(name))
          for lang, name in c.publisher_names],
        (agent, DCT.type, f"{ADMS_PUBLISHER_TYPE}LocalAuthority"),
    ]
    contact = f"{c.base}/catalog#contact"
    out += [
        (contact, RDF.type, f"{VCARD}Kind"),
        (contact, RDF.type, f"{VCARD}Organization"),
        *[(contact, f"{VCARD}fn", ox.Literal(name, language=lang) if lang else ox.Literal(name))
          for lang, name in c.publisher_names],
        *[(contact, f"{VCARD}hasEmail", f"mailto:{e}") for e in c.contact["email"][:1]],
        *[(contact, f"{VCARD}hasTelephone", f"tel:{''.join(t.split())}")
          for t in c.contact["telephone"][:1]],
        # A way to reach the publisher in every case: its website, else the registry's.
        (contact, f"{VCARD}hasURL", (c.contact["url"] or [f"{c.base}/"])[0]),
        *[(node, DCAT.contactPoint, contact) for node in described],
    ]
    return out


def _background(c: Catalogue, used: set[str]) -> list[tuple]:
    """Type, labels and scheme of every controlled term among ``used``, and their schemes."""
    out: list[tuple] = []
    schemes: set[str] = set()

    def concept(iri: str, classes: Iterable[str], labels: tuple[str, str], scheme: str | None):
        out.extend((iri, RDF.type, cls) for cls in classes)
        out.extend((iri, SKOS.prefLabel, ox.Literal(text, language=lang))
                   for lang, text in zip(LANGS, labels))
        if scheme:
            out.append((iri, SKOS.inScheme, scheme))
            schemes.add(scheme)

    for iri in sorted(used):
        if iri.startswith(f"{EU}file-type/"):
            code = iri.rsplit("/", 1)[1]
            concept(iri, (DCT.MediaTypeOrExtent, SKOS.Concept), FILE_TYPES.get(code, (code, code)),
                    f"{EU}file-type")
        elif iri.startswith(IANA):
            media = iri[len(IANA):]
            concept(iri, (DCT.MediaType,), (media, media), None)
        elif iri.startswith(f"{EU}data-theme/"):
            code = iri.rsplit("/", 1)[1]
            concept(iri, (SKOS.Concept,), THEMES.get(code, (code, code)), f"{EU}data-theme")
        elif iri in LANGUAGES:
            concept(iri, (DCT.LinguisticSystem, SKOS.Concept), LANGUAGES[iri], f"{EU}language")
        elif iri == FREQUENCY:
            concept(iri, (DCT.Frequency, SKOS.Concept),
                    ("aktualizowane na bieżąco", "continuously updated"), f"{EU}frequency")
        elif iri == AVAILABILITY:
            concept(iri, (SKOS.Concept,), ("stabilna", "stable"), f"{EU}planned-availability")
        elif iri == f"{ADMS_PUBLISHER_TYPE}LocalAuthority":
            concept(iri, (SKOS.Concept,), ("Samorząd lokalny", "Local authority"),
                    f"{ADMS_PUBLISHER_TYPE}1.0")
        elif iri == c.licence:
            labels, types, _ = licence_info(iri)
            concept(iri, (DCT.LicenseDocument, SKOS.Concept) if labels else (DCT.LicenseDocument,),
                    labels or (iri, iri), f"{EU}licence" if labels else None)
            for kind in types:
                concept(f"{ADMS_LICENCE_TYPE}{kind}", (SKOS.Concept,), LICENCE_TYPES[kind],
                        f"{ADMS_LICENCE_TYPE}1.0")
                out.append((iri, DCT.type, f"{ADMS_LICENCE_TYPE}{kind}"))
        elif iri == PLACE:
            out += [
                (iri, RDF.type, DCT.Location),
                *[(iri, SKOS.prefLabel, ox.Literal("Toruń", language=lang)) for lang in LANGS],
                (iri, DCAT.centroid, ox.Literal(PLACE_CENTROID, datatype=_n(WKT))),
                (iri, DCAT.bbox, ox.Literal(PLACE_BBOX, datatype=_n(WKT))),
            ]
        elif iri == SPARQL_PROTOCOL:
            out += [(iri, RDF.type, DCT.Standard),
                    *_texts(iri, DCT.title, ("Protokół SPARQL 1.1", "SPARQL 1.1 Protocol"))]
    for scheme in sorted(schemes | ({f"{EU}data-theme"} & used)):
        labels = SCHEMES.get(scheme, (scheme, scheme))
        out.append((scheme, RDF.type, SKOS.ConceptScheme))
        out += _texts(scheme, DCT.title, labels)
        out += _texts(scheme, SKOS.prefLabel, labels)
    return out


def licence_info(iri: str) -> tuple[tuple[str, str] | None, tuple[str, ...], str | None]:
    """Labels, ADMS licence types and dane.gov.pl's name of a licence of the EU table (None,
    (), None for a licence the registry does not know)."""
    if iri.startswith(f"{EU}licence/"):
        found = LICENCES.get(iri.rsplit("/", 1)[1])
        if found:
            return found
    return None, (), None


def _texts(subject: str, predicate, texts: Iterable[str]) -> list[tuple]:
    return [(subject, predicate, ox.Literal(text, language=lang))
            for lang, text in zip(LANGS, texts)]


def _keywords(subject: str, keywords) -> list[tuple]:
    return [(subject, DCAT.keyword, ox.Literal(k, language=lang))
            for lang, words in zip(LANGS, keywords) for k in words]


def _dtm(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=_n(XSD.dateTime))


def _n(iri: object) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))


# -- the catalogue graph ------------------------------------------------------------------------


def catalog_write(store: Store, settings: Settings) -> Write:
    """The write that replaces the catalogue graph with a description of the registry as it is.

    The stored catalogue leaves out the sizes and checksums of the dumps: it is itself in the
    dump of the whole registry (which could not hold its own checksum), and any write makes
    them stale. ``/catalog`` lists them."""
    write = Write()
    write.put(catalog_graph(settings.base.rstrip("/")),
              triples(build(store, settings, sizes=False)))
    return write


def refresh(store: Store, settings: Settings, *, create: bool = False) -> bool:
    """Rewrite the catalogue graph if it no longer describes the registry as it is; True when
    written. Without ``create`` a store that has no catalogue graph is left without one."""
    graph = catalog_graph(settings.base.rstrip("/"))
    if not create and not store.has_graph(graph):
        return False
    fresh = set(triples(build(store, settings, sizes=False)))
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)}
    if fresh == stored:
        return False
    write = Write()
    write.put(graph, fresh)
    store.commit(write)
    return True


# -- dane.gov.pl's XML harvesting format --------------------------------------------------------

UPDATE_FREQUENCY = "notApplicable"  # the registry changes whenever a record does, on no schedule


def dane_gov_pl_xml(catalogue: Catalogue) -> bytes:
    """The catalogue in dane.gov.pl's XML harvesting format (``xml_import_otwarte_dane_1_10.xsd``):
    one ``dataset`` per dataset, one ``resource`` per distribution. Deterministic: the same
    catalogue gives the same bytes (its MD5 is published beside it)."""
    def el(parent, name: str, text: str | None = None, **attrs) -> ET.Element:
        child = ET.SubElement(parent, name, attrs)
        if text is not None:
            child.text = text
        return child

    def bilingual(parent, name: str, texts: tuple[str, str], limit: int) -> None:
        node = el(parent, name)
        el(node, "polish", _cut(texts[0], limit))
        el(node, "english", _cut(texts[1], limit))

    _, _, licence_name = licence_info(catalogue.licence)
    # Names without a namespace under a root that declares the default one: every element is in
    # the harvester's namespace, the attributes in none (as the XSD wants).
    root = ET.Element("datasets", {"xmlns": DANE_GOV_PL_NS})
    for d in catalogue.datasets:
        spec = d.spec
        ds = el(root, "dataset", status="published")
        el(ds, "extIdent", d.identifier)
        bilingual(ds, "title", spec.title, 300)
        bilingual(ds, "description", spec.description, 1000)
        el(ds, "url", d.landing)
        el(ds, "updateFrequency", UPDATE_FREQUENCY)
        categories = el(ds, "categories")
        for theme in spec.themes:
            el(categories, "category", theme)
        conditions = el(ds, "conditions")
        if licence_name is not None:  # a CC BY licence: say where the data came from, and how
            el(conditions, "source", "true")
            el(conditions, "modification", "true")
            el(conditions, "dbOrCopyrighted",
               f"Dane rejestru są bazą danych udostępnianą na licencji {licence_name}.")
            el(conditions, "dbOrCopyrightedLicenseChosen", licence_name)
        else:
            el(conditions, "source", "true")
        resources = el(ds, "resources")
        for x in d.distributions:
            res = el(resources, "resource", status="published")
            el(res, "extIdent", x.identifier)
            el(res, "url", x.download_url or x.access_url)
            bilingual(res, "title", x.title, 300)
            bilingual(res, "description", x.description, 1000)
            el(res, "availability", "remote")  # always the current file, from the registry
            if d.modified:
                el(res, "dataDate", d.modified[:10])
                el(res, "lastUpdateDate", d.modified)
            regions = el(res, "regions")
            el(regions, "terytIdent", TERYT)
        tags = el(ds, "tags")
        for lang, words in zip(LANGS, spec.keywords):
            for word in words:
                el(tags, "tag", word, lang=lang)
        if d.modified:
            el(ds, "lastUpdateDate", d.modified)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
