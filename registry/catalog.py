"""The registry's own DCAT-AP 3 catalogue, kept in the catalogue graph ``{BASE}/graph/catalog``.

One ``dcat:Dataset`` per kind of resource, each with two distributions (the SPARQL endpoint and
the dump of the whole registry), the endpoint as a ``dcat:DataService``, and for every EU
authority term used the few triples DCAT-AP validators and harvesters need (type, label,
scheme). The named query ``dcat_catalog`` is the CONSTRUCT a harvester runs over it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from . import queries
from .config import Settings
from .namespaces import DCAT, DCT, FOAF, ONTOLOGY_GRAPH, RDF, SKOS, XSD
from .store import Store, Write, catalog_graph, graph_iri, resource_iri

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LICENCE = f"{EU}licence/CC_BY_4_0"
DUMP_PATH = "/dumps/registry.nq.gz"
SCHEMA = "https://schema.org/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
_DESCRIBED = (str(DCAT.Dataset), str(DCAT.DataService))  # resources that get a contact point


@dataclass(frozen=True)
class Dataset:
    """One dataset of the catalogue: the documents of some kinds of resource."""

    key: str
    kinds: tuple[str, ...]  # kinds whose dct:modified dates the dataset; () for the vocabularies
    title: tuple[str, str]  # Polish, English
    description: tuple[str, str]
    keywords: tuple[tuple[str, ...], tuple[str, ...]]
    themes: tuple[str, ...]  # codes of the EU data-theme table


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
    ),
)

# EU authority and IANA terms used, with the triples that describe them: classes, labels, scheme.
_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, str], str]] = {
    LICENCE: (
        (str(DCT.LicenseDocument), str(SKOS.Concept)),
        ("Creative Commons Uznanie autorstwa 4.0 Międzynarodowe",
         "Creative Commons Attribution 4.0 International"),
        f"{EU}licence",
    ),
    "http://purl.org/adms/licencetype/Attribution": (
        (str(SKOS.Concept),), ("Uznanie autorstwa", "Attribution"),
        "http://purl.org/adms/licencetype/1.0",
    ),
    "http://purl.org/adms/publishertype/LocalAuthority": (
        (str(SKOS.Concept),), ("Samorząd lokalny", "Local Authority"),
        "http://purl.org/adms/publishertype/1.0",
    ),
    f"{EU}file-type/RDF_N_QUADS": (
        (str(DCT.MediaTypeOrExtent), str(SKOS.Concept)), ("RDF N-Quads", "RDF N-Quads"),
        f"{EU}file-type",
    ),
    f"{EU}file-type/SPARQLQ": (
        (str(DCT.MediaTypeOrExtent), str(SKOS.Concept)), ("Zapytanie SPARQL", "SPARQL query"),
        f"{EU}file-type",
    ),
    f"{IANA}application/n-quads": ((str(DCT.MediaType),), ("application/n-quads",) * 2, ""),
    f"{IANA}application/gzip": ((str(DCT.MediaType),), ("application/gzip",) * 2, ""),
    f"{IANA}application/sparql-results+json": (
        (str(DCT.MediaType),), ("application/sparql-results+json",) * 2, "",
    ),
    f"{EU}language/POL": ((str(DCT.LinguisticSystem), str(SKOS.Concept)), ("polski", "Polish"),
                          f"{EU}language"),
    f"{EU}language/ENG": ((str(DCT.LinguisticSystem), str(SKOS.Concept)), ("angielski", "English"),
                          f"{EU}language"),
    f"{EU}data-theme/SOCI": ((str(SKOS.Concept),),
                             ("Ludność i społeczeństwo", "Population and society"),
                             f"{EU}data-theme"),
    f"{EU}data-theme/ECON": ((str(SKOS.Concept),), ("Gospodarka i finanse", "Economy and finance"),
                             f"{EU}data-theme"),
    f"{EU}data-theme/GOVE": ((str(SKOS.Concept),),
                             ("Rząd i sektor publiczny", "Government and public sector"),
                             f"{EU}data-theme"),
    f"{EU}data-theme/REGI": ((str(SKOS.Concept),), ("Regiony i miasta", "Regions and cities"),
                             f"{EU}data-theme"),
    # The schemes of the terms above (DCAT-AP wants them typed and titled).
    f"{EU}data-theme": ((str(SKOS.ConceptScheme),), ("Tematy danych", "Data theme"), ""),
    f"{EU}licence": ((str(SKOS.ConceptScheme),), ("Licencje", "Licence"), ""),
    f"{EU}file-type": ((str(SKOS.ConceptScheme),), ("Typy plików", "File type"), ""),
    f"{EU}language": ((str(SKOS.ConceptScheme),), ("Języki", "Language"), ""),
    "http://purl.org/adms/licencetype/1.0": (
        (str(SKOS.ConceptScheme),), ("Rodzaje licencji", "Licence type"), "",
    ),
    "http://purl.org/adms/publishertype/1.0": (
        (str(SKOS.ConceptScheme),), ("Rodzaje wydawców", "Publisher type"), "",
    ),
}


def catalog_write(store: Store, settings: Settings) -> Write:
    """The write that replaces the catalogue graph with a description of the registry as it is."""
    base = settings.base.rstrip("/")
    dates = _dates(store)
    triples = _catalog(base, resource_iri(base, "unit", settings.publisher), dates)
    triples += _publisher(store, base, settings.publisher, [t.subject for t in triples if
                          t.predicate.value == str(RDF.type) and t.object.value in _DESCRIBED])
    triples += _terms()
    write = Write()
    write.put(catalog_graph(base), triples)
    return write


def _catalog(base: str, publisher: str, dates: dict[str, tuple[ox.Literal, ox.Literal]]):
    catalog = _n(f"{base}/catalog")
    service = _n(f"{base}/catalog#sparql-service")
    endpoint = _n(f"{base}/sparql")
    dump = _n(f"{base}{DUMP_PATH}")
    out = [
        (catalog, RDF.type, DCAT.Catalog),
        *_texts(catalog, DCT.title, ("Rejestr podmiotów ekonomii społecznej w Toruniu",
                                      "Registry of social economy entities in Toruń")),
        *_texts(catalog, DCT.description, (
            "Otwarte dane o ekonomii społecznej w Toruniu: podmioty i ich oferty, możliwości i "
            "działania współpracy z Gminą Miasta Toruń oraz program współpracy ze wskaźnikami.",
            "Open data on the social economy in Toruń: entities and their offers, cooperation "
            "opportunities and actions with the Municipality of Toruń, and the cooperation "
            "programme with its indicators.")),
        (catalog, DCT.publisher, _n(publisher)),
        (catalog, FOAF.homepage, _n(f"{base}/")),
        (_n(f"{base}/"), RDF.type, FOAF.Document),
        (catalog, DCT.license, _n(LICENCE)),
        (catalog, DCT.language, _n(f"{EU}language/POL")),
        (catalog, DCT.language, _n(f"{EU}language/ENG")),
        (catalog, DCAT.themeTaxonomy, _n(f"{EU}data-theme")),
        (catalog, DCAT.service, service),
        (service, RDF.type, DCAT.DataService),
        (service, DCT.identifier, ox.Literal("pes-registry-sparql")),
        *_texts(service, DCT.title, ("Punkt dostępowy SPARQL rejestru", "SPARQL endpoint of the registry")),
        *_texts(service, DCT.description, (
            "Zapytania SPARQL 1.1 do wszystkich danych rejestru; graf domyślny jest sumą grafów "
            "nazwanych.",
            "SPARQL 1.1 queries over all data of the registry; the default graph is the union of "
            "the named graphs.")),
        (service, DCAT.endpointURL, endpoint),
        (service, DCAT.endpointDescription, endpoint),
        (service, DCT.license, _n(LICENCE)),
        (service, DCT.publisher, _n(publisher)),
        (service, DCT.format, _n(f"{EU}file-type/SPARQLQ")),
    ]
    every = [d for d in dates.values() if d[0] is not None]
    if every:
        out.append((catalog, DCT.issued, min((d[0] for d in every), key=_key)))
        out.append((catalog, DCT.modified, max((d[1] for d in every), key=_key)))
    for spec in DATASETS:
        dataset = _n(f"{base}/catalog#{spec.key}")
        issued, modified = dates.get(spec.key, (None, None))
        out += [
            (catalog, DCAT.dataset, dataset),
            (service, DCAT.servesDataset, dataset),
            (dataset, RDF.type, DCAT.Dataset),
            (dataset, DCT.identifier, ox.Literal(f"pes-registry-{spec.key}")),
            *_texts(dataset, DCT.title, spec.title),
            *_texts(dataset, DCT.description, spec.description),
            (dataset, DCT.publisher, _n(publisher)),
            (dataset, DCT.language, _n(f"{EU}language/POL")),
            (dataset, DCAT.landingPage, _n(f"{base}/")),
            *[(dataset, DCAT.theme, _n(f"{EU}data-theme/{t}")) for t in spec.themes],
            *[(dataset, DCAT.keyword, ox.Literal(k, language=lang))
              for lang, words in zip(("pl", "en"), spec.keywords) for k in words],
        ]
        distributions = (
            ("sparql", endpoint, None, "SPARQLQ", "application/sparql-results+json",
             ("Punkt dostępowy SPARQL", "SPARQL endpoint"),
             ("Dane zbioru przez punkt dostępowy SPARQL rejestru.",
              "The dataset through the registry's SPARQL endpoint.")),
            ("dump", dump, dump, "RDF_N_QUADS", "application/n-quads",
             ("Zrzut całego rejestru (N-Quads, gzip)", "Dump of the whole registry (N-Quads, gzip)"),
             ("Wszystkie dane rejestru w jednym pliku; każdy dokument w swoim grafie nazwanym.",
              "All data of the registry in one file; each document in its own named graph.")),
        )
        for suffix, access, download, file_type, media_type, title, description in distributions:
            distribution = _n(f"{base}/catalog#{spec.key}-{suffix}")
            out += [
                (dataset, DCAT.distribution, distribution),
                (distribution, RDF.type, DCAT.Distribution),
                (distribution, DCT.identifier, ox.Literal(f"pes-registry-{spec.key}-{suffix}")),
                *_texts(distribution, DCT.title, title),
                *_texts(distribution, DCT.description, description),
                (distribution, DCAT.accessURL, access),
                (distribution, DCT.license, _n(LICENCE)),
                (distribution, DCT.format, _n(f"{EU}file-type/{file_type}")),
                (distribution, DCAT.mediaType, _n(f"{IANA}{media_type}")),
            ]
            if download is None:
                out.append((distribution, DCAT.accessService, service))
            else:
                out.append((distribution, DCAT.downloadURL, download))
                out.append((distribution, DCAT.compressFormat, _n(f"{IANA}application/gzip")))
            for node in (dataset, distribution):
                if issued is not None:
                    out.append((node, DCT.issued, issued))
                    out.append((node, DCT.modified, modified))
    return [ox.Triple(_n(s), _n(p), o if isinstance(o, ox.Literal) else _n(o)) for s, p, o in out]


def _publisher(store: Store, base: str, key: str, described: list) -> list[ox.Triple]:
    """The publisher as a foaf:Agent, and its contact point, as its unit document gives them."""
    agent = _n(resource_iri(base, "unit", key))
    facts = [q for q in store.quads(graph_iri(base, "unit", key)) if q.subject == agent]
    names = [q.object for q in facts if q.predicate.value == f"{SCHEMA}name"] or [ox.Literal(key)]
    out = [
        ox.Triple(agent, _n(RDF.type), _n(FOAF.Agent)),
        *[ox.Triple(agent, _n(FOAF.name), name) for name in names],
        ox.Triple(agent, _n(DCT.type), _n("http://purl.org/adms/publishertype/LocalAuthority")),
    ]
    emails = [q.object.value for q in facts if q.predicate.value == f"{SCHEMA}email"]
    if emails:
        contact = _n(f"{base}/catalog#contact")
        out += [
            ox.Triple(contact, _n(RDF.type), _n(f"{VCARD}Kind")),
            ox.Triple(contact, _n(RDF.type), _n(f"{VCARD}Organization")),
            *[ox.Triple(contact, _n(f"{VCARD}fn"), name) for name in names],
            ox.Triple(contact, _n(f"{VCARD}hasEmail"), _n(f"mailto:{emails[0]}")),
            *[ox.Triple(node, _n(DCAT.contactPoint), contact) for node in described],
        ]
    return out


def _terms() -> list[ox.Triple]:
    out = []
    for iri, (classes, labels, scheme) in _TERMS.items():
        node = _n(iri)
        out += [ox.Triple(node, _n(RDF.type), _n(c)) for c in classes]
        out += [ox.Triple(node, _n(SKOS.prefLabel), ox.Literal(label, language=lang))
                for lang, label in zip(("pl", "en"), labels)]
        if scheme:
            out.append(ox.Triple(node, _n(SKOS.inScheme), _n(scheme)))
        if str(SKOS.ConceptScheme) in classes:
            out += [ox.Triple(node, _n(DCT.title), ox.Literal(label, language=lang))
                    for lang, label in zip(("pl", "en"), labels)]
    out.append(ox.Triple(_n(LICENCE), _n(DCT.type),
                         _n("http://purl.org/adms/licencetype/Attribution")))
    return out


def _dates(store: Store) -> dict[str, tuple[ox.Literal, ox.Literal]]:
    """Issued and modified (xsd:dateTime) of each dataset, from the documents of its kinds."""
    by_kind = {
        row["kind"].value: (row["issued"], row["modified"])
        for row in queries.get("dataset_dates").run(store, {})
    }
    out: dict[str, tuple[ox.Literal, ox.Literal]] = {}
    for spec in DATASETS:
        found = [by_kind[k] for k in spec.kinds if k in by_kind]
        if found:
            out[spec.key] = (min((f[0] for f in found), key=_key),
                             max((f[1] for f in found), key=_key))
    ontology = _n(ONTOLOGY_GRAPH)
    versions = {
        q.predicate.value: q.object.value
        for q in store.quads(ONTOLOGY_GRAPH)
        if q.subject == ontology and q.predicate.value in (str(DCT.created), str(DCT.modified))
    }
    if str(DCT.modified) in versions:
        created = versions.get(str(DCT.created), versions[str(DCT.modified)])
        out["concept-schemes"] = (_date_time(created), _date_time(versions[str(DCT.modified)]))
    return out


def _date_time(value: str) -> ox.Literal:
    """An ``xsd:dateTime`` from a date or date-time (a date is taken at midnight UTC)."""
    text = value if "T" in value else f"{value[:10]}T00:00:00Z"
    return ox.Literal(text, datatype=_n(XSD.dateTime))


def _key(literal: ox.Literal) -> str:
    # The registry's timestamps are UTC with a Z, so their text sorts in time order.
    return literal.value


def _texts(subject: ox.NamedNode, predicate, texts: Iterable[str]):
    return [(subject, predicate, ox.Literal(text, language=lang))
            for lang, text in zip(("pl", "en"), texts)]


def _n(iri: object) -> ox.NamedNode:
    return iri if isinstance(iri, ox.NamedNode) else ox.NamedNode(str(iri))
