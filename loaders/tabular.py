"""The registry's own tabular templates: entities (``podmioty``) and offers (``oferty``).

A data provider fills a CSV or XLSX template (``registry/tabular/``) with one row per entity or
offer; this module reads it and turns it into documents of RDF as ``docs/data-model.md`` shows.
The columns are declared once, in :data:`ENTITY_COLUMNS` and :data:`OFFER_COLUMNS`; the empty
templates (:func:`write_template`) and ``docs/tabular-templates.md``
(:func:`reference_markdown`) are generated from them.

Every problem of every row is collected as a :class:`RowError` (row numbers as a spreadsheet
shows them, the header being row 1, with a message in Polish and in English); the caller decides
what to do with documents when there are errors. Files that cannot be read at all raise
:class:`~registry.errors.InputError`.

>>> from loaders.vocabindex import VocabIndex
>>> vocab = VocabIndex()
>>> vocab.add("legal-form", "fundacja", labels=["Fundacja"])
>>> table = read_table(b"nazwa;forma_prawna\\nFundacja Lipa;Fundacja\\n", kind="podmioty",
...                    max_bytes=10_000)
>>> documents, errors = load_entities(table, base="http://127.0.0.1:8000", vocab=vocab)
>>> documents[0].iri, errors
('http://127.0.0.1:8000/id/entity/fundacja-lipa', [])
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip as stdnum_nip
from stdnum.pl import regon as stdnum_regon

from registry.errors import InputError, UsageError
from registry.namespaces import (
    ADMS,
    DCT,
    ESSGLOBAL,
    GEO,
    LOCN,
    ORG,
    PES,
    RDF,
    ROV,
    SCHEMA,
    SKOS,
    XSD,
    vocab_iri,
)

from .vocabindex import VocabIndex, fold

__all__ = [
    "COLUMNS",
    "ENTITY_COLUMNS",
    "KINDS",
    "OFFER_COLUMNS",
    "Column",
    "Document",
    "Row",
    "RowError",
    "Table",
    "errors_text",
    "load_entities",
    "load_offers",
    "load_tables",
    "load_upload",
    "merge_documents",
    "read_table",
    "read_tables",
    "reference_markdown",
    "slugify",
    "template_path",
    "write_template",
]

ENTITIES = "podmioty"
OFFERS = "oferty"
KINDS = (ENTITIES, OFFERS)
EXAMPLE_SHEET = "przyklad"

DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 200
KEY_MAX = 80
TORUN_TERYT = "0463011"


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a template: its header, meaning, whether it is required, format, example."""

    header: str
    pl: str
    en: str
    required: bool = False
    format_pl: str = "tekst"
    format_en: str = "text"
    example: str = ""


_DATE_PL = "RRRR-MM-DD lub DD.MM.RRRR (albo komórka daty w Excelu)"
_DATE_EN = "YYYY-MM-DD or DD.MM.YYYY (or an Excel date cell)"
_YESNO_PL = "tak / nie (puste = nie)"
_YESNO_EN = "tak (yes) / nie (no); empty = no"
_DECIMAL_PL = "liczba; przecinek lub kropka dziesiętna"
_DECIMAL_EN = "number; decimal comma or point"

ENTITY_COLUMNS: tuple[Column, ...] = (
    Column(
        "klucz",
        "Klucz: identyfikator podmiotu w adresie",
        "Key: the entity's identifier in its address",
        format_pl=f"małe litery, cyfry i „-”, do {KEY_MAX} znaków; puste = utworzony z nazwy",
        format_en=f"lower-case letters, digits and '-', up to {KEY_MAX} characters; empty = made from the name",
        example="spoldzielnia-socjalna-przystan",
    ),
    Column(
        "nazwa",
        "Nazwa podmiotu",
        "Name of the entity",
        required=True,
        example="Spółdzielnia Socjalna „Przystań”",
    ),
    Column(
        "nazwa_pelna",
        "Pełna nazwa prawna (jak w rejestrze)",
        "Full legal name (as registered)",
        example="Spółdzielnia Socjalna Przystań",
    ),
    Column(
        "forma_prawna",
        "Forma prawna (wymagana, chyba że podano typ_jednostki)",
        "Legal form (required unless typ_jednostki is given)",
        format_pl="klucz lub nazwa ze słownika legal-form",
        format_en="key or label of the legal-form scheme",
        example="spoldzielnia-socjalna",
    ),
    Column(
        "typ_jednostki",
        "Typ jednostki bez osobowości prawnej (zamiast formy prawnej)",
        "Type of a unit without legal personality (instead of a legal form)",
        format_pl="CIS, KIS, ZAZ lub WTZ (słownik unit-type)",
        format_en="CIS, KIS, ZAZ or WTZ (unit-type scheme)",
    ),
    Column(
        "jednostka_prowadzaca",
        "Podmiot prowadzący jednostkę (wymagany przy typ_jednostki)",
        "Body that runs the unit (required with typ_jednostki)",
        format_pl="klucz podmiotu z rejestru albo unit:<klucz> jednostki miasta",
        format_en="key of an entity of the registry, or unit:<key> of a city unit",
    ),
    Column(
        "krs",
        "Numer KRS",
        "KRS number",
        format_pl="do 10 cyfr",
        format_en="up to 10 digits",
        example="0000123456",
    ),
    Column(
        "nip",
        "NIP",
        "Tax identification number (NIP)",
        format_pl="10 cyfr; myślniki, spacje i prefiks PL dozwolone",
        format_en="10 digits; hyphens, spaces and a PL prefix allowed",
        example="956-230-78-95",
    ),
    Column(
        "regon",
        "REGON",
        "REGON statistical number",
        format_pl="9 lub 14 cyfr",
        format_en="9 or 14 digits",
        example="340123452",
    ),
    Column("ulica", "Ulica", "Street", example="ul. Przykładowa"),
    Column("numer", "Numer budynku i lokalu", "Building and flat number", example="7"),
    Column(
        "kod_pocztowy",
        "Kod pocztowy",
        "Postal code",
        format_pl="NN-NNN",
        format_en="NN-NNN",
        example="87-100",
    ),
    Column("miejscowosc", "Miejscowość", "Town", example="Toruń"),
    Column(
        "czesc_miasta",
        "Urzędowa część miasta",
        "Official city part",
        format_pl="klucz lub nazwa ze słownika city-part",
        format_en="key or name of the city-part scheme",
        example="Bielany",
    ),
    Column(
        "okreg",
        "Okręg (jednostka pomocnicza)",
        "District (okręg, auxiliary unit)",
        format_pl="numer 1–13 lub nazwa",
        format_en="number 1–13 or name",
        example="8",
    ),
    Column(
        "szerokosc",
        "Szerokość geograficzna",
        "Latitude",
        format_pl="stopnie dziesiętne WGS84",
        format_en="decimal degrees, WGS84",
        example="53.0205",
    ),
    Column(
        "dlugosc",
        "Długość geograficzna",
        "Longitude",
        format_pl="stopnie dziesiętne WGS84",
        format_en="decimal degrees, WGS84",
        example="18.5912",
    ),
    Column(
        "email",
        "Adres e-mail",
        "E-mail address",
        format_pl="adres e-mail",
        format_en="e-mail address",
        example="biuro@przystan.example",
    ),
    Column("telefon", "Telefon", "Telephone", example="+48 56 600 00 00"),
    Column(
        "www",
        "Strona internetowa",
        "Website",
        format_pl="adres URL",
        format_en="URL",
        example="https://przystan.example/",
    ),
    Column(
        "opis",
        "Opis działalności (po polsku)",
        "Description of activities (Polish)",
        example="Catering i sprzątanie; zatrudniamy osoby zagrożone wykluczeniem.",
    ),
    Column(
        "opis_en",
        "Opis działalności po angielsku",
        "Description of activities (English)",
        example="Catering and cleaning; we employ people at risk of exclusion.",
    ),
    Column(
        "obszary",
        "Obszary zadań publicznych (art. 4 ust. 1 ustawy o działalności pożytku publicznego)",
        "Public-task areas (art. 4(1) of the Act on public benefit activity)",
        format_pl="numery punktów (np. 1a) oddzielone ; lub ,",
        format_en="item numbers (e.g. 1a) separated by ; or ,",
        example="2; 8",
    ),
    Column(
        "data_zalozenia",
        "Data założenia",
        "Founding date",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
        example="2011-05-12",
    ),
    Column(
        "liczba_pracownikow",
        "Liczba pracowników",
        "Number of employees",
        format_pl="liczba całkowita",
        format_en="whole number",
        example="12",
    ),
    Column(
        "udzial_zagrozonych",
        "Udział pracowników zagrożonych wykluczeniem społecznym",
        "Share of employees at risk of social exclusion",
        format_pl="ułamek 0–1 lub procent, np. 45%",
        format_en="fraction 0–1 or a percentage such as 45%",
        example="50%",
    ),
    Column(
        "opp",
        "Status organizacji pożytku publicznego (OPP)",
        "Public-benefit organisation (OPP) status",
        format_pl=_YESNO_PL,
        format_en=_YESNO_EN,
        example="nie",
    ),
    Column(
        "ps_numer_decyzji",
        "Przedsiębiorstwo społeczne: numer decyzji wojewody",
        "Social enterprise: number of the voivode's decision",
        example="WPS-II.9512.3.2023",
    ),
    Column(
        "ps_data_decyzji",
        "Przedsiębiorstwo społeczne: data decyzji",
        "Social enterprise: date of the decision",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
        example="2023-03-14",
    ),
    Column(
        "ps_typ",
        "Przedsiębiorstwo społeczne: cel (reintegracja lub usługi społeczne)",
        "Social enterprise: aim (reintegration or social services)",
        format_pl="reintegracja lub uslugi-spoleczne",
        format_en="reintegracja or uslugi-spoleczne",
        example="reintegracja",
    ),
    Column(
        "ps_od",
        "Przedsiębiorstwo społeczne: status od (puste = data decyzji)",
        "Social enterprise: status since (empty = date of the decision)",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
        example="2023-03-14",
    ),
    Column(
        "ps_organ",
        "Przedsiębiorstwo społeczne: organ, który przyznał status",
        "Social enterprise: authority that granted the status",
        example="Wojewoda Kujawsko-Pomorski",
    ),
    Column(
        "zakup_prospoleczny_od",
        "Certyfikat „Zakup Prospołeczny”: ważny od",
        "'Zakup Prospołeczny' certificate: valid from",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
    ),
    Column(
        "zakup_prospoleczny_do",
        "Certyfikat „Zakup Prospołeczny”: ważny do",
        "'Zakup Prospołeczny' certificate: valid until",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
    ),
)

OFFER_COLUMNS: tuple[Column, ...] = (
    Column(
        "klucz",
        "Klucz: identyfikator oferty w adresie",
        "Key: the offer's identifier in its address",
        format_pl=f"małe litery, cyfry i „-”, do {KEY_MAX} znaków; puste = klucz podmiotu i nazwa",
        format_en=f"lower-case letters, digits and '-', up to {KEY_MAX} characters; empty = entity key and name",
        example="przystan-catering",
    ),
    Column(
        "podmiot",
        "Klucz podmiotu, który składa ofertę",
        "Key of the entity making the offer",
        required=True,
        format_pl="klucz z arkusza podmioty albo z rejestru",
        format_en="key from the entities sheet or the registry",
        example="spoldzielnia-socjalna-przystan",
    ),
    Column(
        "nazwa",
        "Nazwa oferty",
        "Name of the offer",
        required=True,
        example="Catering na spotkania do 200 osób",
    ),
    Column(
        "opis",
        "Opis oferty (po polsku)",
        "Description of the offer (Polish)",
        example="Obiady, przerwy kawowe i bufety.",
    ),
    Column(
        "opis_en",
        "Opis oferty po angielsku",
        "Description of the offer (English)",
        example="Lunches, coffee breaks and buffets.",
    ),
    Column(
        "cpv",
        "Kody CPV",
        "CPV codes",
        required=True,
        format_pl="jeden lub więcej kodów oddzielonych ; lub ,",
        format_en="one or more codes separated by ; or ,",
        example="55520000-1",
    ),
    Column(
        "kategoria",
        "Kategoria oferty",
        "Offer category",
        format_pl="klucz lub nazwa ze słownika offer-category",
        format_en="key or label of the offer-category scheme",
        example="gastronomia",
    ),
    Column(
        "obszar",
        "Obszar działania (puste = całe miasto)",
        "Area served (empty = the whole city)",
        format_pl="części miasta lub okręgi (np. „okręg 8”) oddzielone ; lub ,",
        format_en="city parts or districts (e.g. 'okręg 8') separated by ; or ,",
        example="Bielany",
    ),
    Column(
        "cena_od",
        "Cena od (PLN)",
        "Price from (PLN)",
        format_pl=_DECIMAL_PL,
        format_en=_DECIMAL_EN,
        example="25",
    ),
    Column(
        "cena_do",
        "Cena do (PLN)",
        "Price up to (PLN)",
        format_pl=_DECIMAL_PL,
        format_en=_DECIMAL_EN,
        example="45",
    ),
    Column(
        "cena",
        "Cena stała (PLN)",
        "Fixed price (PLN)",
        format_pl=_DECIMAL_PL,
        format_en=_DECIMAL_EN,
    ),
    Column("jednostka_ceny", "Jednostka ceny", "Price unit", example="za osobę"),
    Column(
        "cena_na_zapytanie",
        "Cena na zapytanie (zamiast ceny)",
        "Price on request (instead of a price)",
        format_pl=_YESNO_PL,
        format_en=_YESNO_EN,
        example="nie",
    ),
    Column("zdolnosc", "Zdolność wykonawcza", "Capacity", example="do 200 posiłków dziennie"),
    Column(
        "zamowienie_zastrzezone",
        "Nadaje się do zamówienia zastrzeżonego (art. 94 Pzp)",
        "Fit for a reserved contract (art. 94 of the Public Procurement Law)",
        format_pl=_YESNO_PL,
        format_en=_YESNO_EN,
        example="tak",
    ),
    Column(
        "uslugi_spoleczne",
        "Usługa społeczna (art. 359 Pzp)",
        "Social service (art. 359 of the Public Procurement Law)",
        format_pl=_YESNO_PL,
        format_en=_YESNO_EN,
        example="nie",
    ),
    Column(
        "wazna_od",
        "Oferta ważna od",
        "Offer valid from",
        format_pl=_DATE_PL,
        format_en=_DATE_EN,
        example="2026-01-01",
    ),
    Column(
        "wazna_do", "Oferta ważna do", "Offer valid until", format_pl=_DATE_PL, format_en=_DATE_EN
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {ENTITIES: ENTITY_COLUMNS, OFFERS: OFFER_COLUMNS}

# Vocabulary schemes named in messages.
_SCHEME_NAMES = {
    "legal-form": ("forma prawna", "legal form"),
    "unit-type": ("typ jednostki", "unit type"),
    "social-enterprise-type": ("typ przedsiębiorstwa społecznego", "social enterprise type"),
    "public-task-area": ("obszar zadań publicznych", "public-task area"),
    "city-part": ("część miasta", "city part"),
    "district": ("okręg", "district"),
    "offer-category": ("kategoria oferty", "offer category"),
    "cpv": ("kod CPV", "CPV code"),
}
# Schemes too long to list in a message.
_UNLISTED_SCHEMES = {"cpv"}


def _kind(kind: str) -> str:
    aliases = {"entities": ENTITIES, "entity": ENTITIES, "offers": OFFERS, "offer": OFFERS}
    kind = aliases.get(kind, kind)
    if kind not in COLUMNS:
        raise UsageError(f"Unknown template kind {kind!r}; use one of: {', '.join(KINDS)}")
    return kind


# --------------------------------------------------------------------------------------------
# Rows, errors, documents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem in one row (header = row 1) and column, described in Polish and in English."""

    row: int
    column: str | None
    message_pl: str
    message_en: str
    sheet: str = ""

    def message(self, lang: str = "pl") -> str:
        """The message in one language, prefixed with the sheet, row and column."""
        text = self.message_en if lang == "en" else self.message_pl
        words = ("row", "column") if lang == "en" else ("wiersz", "kolumna")
        where = f"{self.sheet}: " if self.sheet else ""
        where += f"{words[0]} {self.row}"
        if self.column:
            where += f", {words[1]} {self.column}"
        return f"{where}: {text}"

    def __str__(self) -> str:
        return f"{self.message('pl')} / {self.message('en')}"


@dataclass
class Row:
    """One data row: its number as a spreadsheet shows it and its non-empty cells by header."""

    number: int
    values: dict[str, object]


@dataclass
class Table:
    """The rows of one template, with the problems found in its header and cells."""

    kind: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @classmethod
    def from_rows(
        cls,
        kind: str,
        rows: Iterable[Sequence[object]],
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
    ) -> Table:
        """Build a table from raw rows, the first being the header row."""
        kind = _kind(kind)
        iterator = iter(rows)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise InputError(
                f"Pusty plik: brak wiersza nagłówka ({kind}). / Empty file: no header row ({kind})."
            )
        headers, errors = _check_header(kind, list(header_cells)[:MAX_COLUMNS])
        table = cls(kind, [h for h in headers if h], errors=errors)
        for number, cells in enumerate(iterator, start=2):
            values: dict[str, object] = {}
            for header, cell in zip(headers, cells):
                value = _clean_cell(cell)
                if value is None or not header:
                    continue
                if isinstance(value, str) and len(value) > max_cell_chars:
                    table.errors.append(
                        RowError(
                            number,
                            header,
                            f"Wartość jest za długa ({len(value)} znaków, najwyżej {max_cell_chars}).",
                            f"The value is too long ({len(value)} characters, at most {max_cell_chars}).",
                            kind,
                        )
                    )
                    continue
                values[header] = value
            if not values:
                continue
            if len(table.rows) >= max_rows:
                raise InputError(
                    f"Za dużo wierszy w arkuszu {kind} (najwyżej {max_rows}). / "
                    f"Too many rows in {kind} (at most {max_rows})."
                )
            table.rows.append(Row(number, values))
        return table


@dataclass
class Document:
    """One document: a main resource with its fragments (and, for an entity, its offers).

    ``partial`` marks an offers-only fragment for an entity that was not in the same upload; it
    is to be merged into the stored entity's document.
    """

    iri: str
    kind: str
    triples: list[Triple]
    partial: bool = False


def errors_text(errors: Iterable[RowError], lang: str = "pl") -> str:
    """All errors as text, one per line, in one language."""
    return "\n".join(e.message(lang) for e in errors)


def _normalise_header(value: object) -> str:
    return fold(str(value)).replace("-", "_") if value is not None else ""


def _check_header(kind: str, cells: list[object]) -> tuple[list[str], list[RowError]]:
    columns = COLUMNS[kind]
    known = {c.header for c in columns}
    headers = [_normalise_header(c) for c in cells]
    errors = []
    unknown = [str(cells[i]).strip() for i, h in enumerate(headers) if h and h not in known]
    if unknown:
        allowed = ", ".join(c.header for c in columns)
        errors.append(
            RowError(
                1,
                None,
                f"Nieznane kolumny: {', '.join(unknown)}. Dozwolone: {allowed}.",
                f"Unknown columns: {', '.join(unknown)}. Allowed: {allowed}.",
                kind,
            )
        )
    missing = [c.header for c in columns if c.required and c.header not in headers]
    if kind == ENTITIES and not {"forma_prawna", "typ_jednostki"} & set(headers):
        missing.append("forma_prawna")
    if missing:
        errors.append(
            RowError(
                1,
                None,
                f"Brak wymaganych kolumn: {', '.join(missing)}.",
                f"Required columns are missing: {', '.join(missing)}.",
                kind,
            )
        )
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            errors.append(
                RowError(
                    1, header, "Kolumna występuje dwa razy.", "The column appears twice.", kind
                )
            )
        seen.add(header)
    # Unknown columns are dropped so that their cells are not read.
    return [h if h in known else "" for h in headers], errors


def _clean_cell(value: object) -> object | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip()
        return value or None
    return value


# --------------------------------------------------------------------------------------------
# Reading CSV and XLSX
# --------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_upload(data: bytes, filename: str | None, max_bytes: int) -> bool:
    """Check size and type of an upload; True when it is XLSX, False for CSV."""
    if len(data) > max_bytes:
        raise InputError(
            f"Plik jest za duży (więcej niż {max_bytes} bajtów). / "
            f"The file is too large (more than {max_bytes} bytes)."
        )
    name = (filename or "").lower()
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise InputError(
            "Stary format Excela (.xls) nie jest obsługiwany; zapisz plik jako .xlsx lub CSV. / "
            "The old Excel format (.xls) is not supported; save the file as .xlsx or CSV."
        )
    return data.startswith(_ZIP_MAGIC) or name.endswith((".xlsx", ".xlsm"))


def read_table(
    data: bytes,
    *,
    kind: str,
    filename: str | None = None,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
) -> Table:
    """Read a CSV or XLSX template of ``kind`` (``"podmioty"`` or ``"oferty"``).

    XLSX is recognised by its content (or a ``.xlsx`` name) and read from the sheet named
    ``kind``, else the first sheet; anything else is read as CSV: UTF-8 with or without BOM,
    else Windows-1250; delimiter ``;``, ``,`` or tab, whichever the header row uses. Raises
    InputError for a file that is too large or cannot be read.
    """
    kind = _kind(kind)
    limits = {"max_rows": max_rows, "max_cell_chars": max_cell_chars}
    if _check_upload(data, filename, max_bytes):
        with _open_xlsx(data, max_bytes * 20) as workbook:
            names = {fold(n): n for n in workbook.sheetnames}
            sheet = workbook[names[kind]] if kind in names else workbook.worksheets[0]
            return Table.from_rows(kind, _sheet_rows(sheet), **limits)
    return Table.from_rows(kind, _csv_rows(data), **limits)


def read_tables(
    data: bytes,
    *,
    filename: str | None = None,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
) -> dict[str, Table]:
    """Read an upload of entities, offers or both, telling which from sheet names or headers.

    An XLSX workbook with sheets ``podmioty`` and/or ``oferty`` gives one table per sheet;
    otherwise the (first) sheet or CSV file is offers when its header has ``podmiot`` or
    ``cpv``, else entities.
    """
    limits = {"max_rows": max_rows, "max_cell_chars": max_cell_chars}
    if _check_upload(data, filename, max_bytes):
        with _open_xlsx(data, max_bytes * 20) as workbook:
            names = {fold(n): n for n in workbook.sheetnames}
            named = [kind for kind in KINDS if kind in names]
            if named:
                return {
                    kind: Table.from_rows(kind, _sheet_rows(workbook[names[kind]]), **limits)
                    for kind in named
                }
            rows = _sheet_rows(workbook.worksheets[0])
            header = next(rows, None)
            kind = _guess_kind(header)
            return {kind: Table.from_rows(kind, _prepend(header, rows), **limits)}
    rows = _csv_rows(data)
    header = next(rows, None)
    kind = _guess_kind(header)
    return {kind: Table.from_rows(kind, _prepend(header, rows), **limits)}


def _prepend(first: Sequence[object] | None, rest: Iterator) -> Iterator:
    if first is not None:
        yield first
    yield from rest


def _guess_kind(header: Sequence[object] | None) -> str:
    headers = {_normalise_header(h) for h in header or ()}
    return OFFERS if headers & {"podmiot", "cpv"} else ENTITIES


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        raise InputError(
            "Nie można odczytać pliku CSV: kodowanie nie jest ani UTF-8, ani Windows-1250. / "
            "Cannot read the CSV file: the encoding is neither UTF-8 nor Windows-1250."
        ) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise InputError(
            "To nie jest plik CSV ani XLSX (zawiera bajty zerowe). / "
            "This is not a CSV or XLSX file (it contains NUL bytes)."
        )
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise InputError(
            f"Błąd CSV w wierszu {reader.line_num}: {exc}. / CSV error at line {reader.line_num}: {exc}."
        ) from None


@contextmanager
def _open_xlsx(data: bytes, max_unpacked: int) -> Iterator:
    """Open an XLSX workbook read-only, turning every failure into a clear InputError."""
    # openpyxl is imported here so that reading CSV or RDF does not load it; it parses the XML
    # with defusedxml when that is installed (it is a dependency of the registry).
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    def corrupt(reason: object) -> InputError:
        return InputError(
            f"Nie można odczytać pliku XLSX ({reason}); zapisz go ponownie w Excelu lub jako CSV. / "
            f"Cannot read the XLSX file ({reason}); save it again from Excel or as CSV."
        )

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if "xl/workbook.xml" not in archive.namelist():
                raise corrupt("brak xl/workbook.xml / no xl/workbook.xml")
    except zipfile.BadZipFile as exc:
        raise corrupt(exc) from None
    if unpacked > max_unpacked:
        raise InputError(
            f"Plik XLSX po rozpakowaniu jest za duży (więcej niż {max_unpacked} bajtów). / "
            f"The XLSX file is too large when unpacked (more than {max_unpacked} bytes)."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            yield workbook
        finally:
            workbook.close()
    except InputError:
        raise
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        SyntaxError,
        OSError,
    ) as exc:
        raise corrupt(exc) from None


def _sheet_rows(sheet) -> Iterator[tuple]:
    return iter(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True))


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PHONE_RE = re.compile(r"^[+]?[0-9][0-9 ()-]{4,18}[0-9]$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_PL = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: r\.?)?$")
_YES = {"tak", "t", "yes", "y", "true", "prawda", "1", "x"}
_NO = {"nie", "n", "no", "false", "falsz", "0", "-"}


def slugify(text: str, max_length: int = KEY_MAX) -> str:
    """Make a key from a name: ASCII lower case, words joined by "-", cut at a word boundary.

    >>> slugify("Spółdzielnia Socjalna „Przystań”")
    'spoldzielnia-socjalna-przystan'
    """
    slug = fold(text)
    if len(slug) > max_length:
        slug = slug[:max_length]
        if "-" in slug:
            slug = slug.rsplit("-", 1)[0]
    return slug.strip("-")


def _canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def _parse_decimal(value: object) -> Decimal | None:
    """A number from a cell: int or float, or text with a decimal comma or point and spaces."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    text = re.sub(r"[\s\u202f]", "", str(value)).replace(",", ".")
    return Decimal(text) if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text) else None


def _to_text(value: object) -> str:
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class _RowReader:
    """Reads typed values from one row, collecting every problem as a RowError."""

    def __init__(self, row: Row, sheet: str, errors: list[RowError], vocab: VocabIndex):
        self.row = row
        self.sheet = sheet
        self.errors = errors
        self.vocab = vocab

    def error(self, column: str | None, pl: str, en: str) -> None:
        self.errors.append(RowError(self.row.number, column, pl, en, self.sheet))

    def raw(self, column: str) -> object | None:
        return self.row.values.get(column)

    def text(self, column: str) -> str | None:
        value = self.raw(column)
        return None if value is None else _to_text(value)

    def required(self, column: str) -> str | None:
        value = self.text(column)
        if value is None:
            self.error(column, "Brak wymaganej wartości.", "A required value is missing.")
        return value

    def date(self, column: str) -> str | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = _to_text(value)
        iso, pl = _DATE_ISO.match(text), _DATE_PL.match(text)
        try:
            if iso:
                return dt.date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
            if pl:
                return dt.date(int(pl[3]), int(pl[2]), int(pl[1])).isoformat()
        except ValueError:
            pass
        self.error(
            column,
            f"Niepoprawna data {text!r}; użyj RRRR-MM-DD lub DD.MM.RRRR.",
            f"Malformed date {text!r}; use YYYY-MM-DD or DD.MM.YYYY.",
        )
        return None

    def decimal(
        self, column: str, low: Decimal | None = None, high: Decimal | None = None
    ) -> Decimal | None:
        value = self.raw(column)
        if value is None:
            return None
        number = _parse_decimal(value)
        if number is None:
            self.error(column, f"To nie jest liczba: {value!r}.", f"Not a number: {value!r}.")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.error(
                column,
                f"Liczba {_to_text(value)} jest poza zakresem {low}–{high}.",
                f"The number {_to_text(value)} is outside the range {low}–{high}.",
            )
            return None
        return number

    def integer(self, column: str) -> int | None:
        number = self.decimal(column, low=Decimal(0))
        if number is None:
            return None
        if number != number.to_integral_value():
            self.error(
                column,
                f"Oczekiwano liczby całkowitej, nie {number}.",
                f"A whole number was expected, not {number}.",
            )
            return None
        return int(number)

    def share(self, column: str) -> Decimal | None:
        value = self.raw(column)
        if value is None:
            return None
        text = _to_text(value)
        percent = text.endswith("%")
        number = _parse_decimal(text[:-1] if percent else value)
        if number is None:
            self.error(column, f"To nie jest liczba: {text!r}.", f"Not a number: {text!r}.")
            return None
        if percent:
            number = number / 100
        if not Decimal(0) <= number <= Decimal(1):
            self.error(
                column,
                f"Udział {text} jest poza zakresem 0–1 (0–100%); dla procentów dopisz %, np. 45%.",
                f"The share {text} is outside 0–1 (0–100%); for a percentage add %, e.g. 45%.",
            )
            return None
        return number

    def boolean(self, column: str) -> bool | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = fold(_to_text(value)) or _to_text(value)
        if text in _YES:
            return True
        if text in _NO:
            return False
        self.error(
            column,
            f"Oczekiwano „tak” lub „nie”, nie {value!r}.",
            f"Expected 'tak' or 'nie', not {value!r}.",
        )
        return None

    def concept(self, column: str, scheme: str, text: str | None = None) -> str | None:
        text = self.text(column) if text is None else text
        if text is None:
            return None
        iri = self.vocab.lookup(scheme, text)
        if iri is None:
            self.unknown(column, scheme, text)
        return iri

    def unknown(self, column: str, scheme: str, text: str) -> None:
        name_pl, name_en = _SCHEME_NAMES.get(scheme, (scheme, scheme))
        if scheme in _UNLISTED_SCHEMES:
            self.error(column, f"Nieznany {name_pl}: {text!r}.", f"Unknown {name_en}: {text!r}.")
            return
        self.error(
            column,
            f"Nieznana wartość ({name_pl}): {text!r}. Dozwolone: {self.vocab.describe(scheme, 'pl') or '—'}.",
            f"Unknown {name_en}: {text!r}. Allowed: {self.vocab.describe(scheme, 'en') or '—'}.",
        )

    def items(self, column: str, pattern: str = r"[;,\n]") -> list[str]:
        text = self.text(column)
        if text is None:
            return []
        return [part.strip() for part in re.split(pattern, text) if part.strip()]

    def key(self, column: str, fallback: str | None) -> str | None:
        given = self.text(column)
        key = fold(given) if given is not None else slugify(fallback or "")
        if not key or len(key) > KEY_MAX or not _KEY_RE.match(key):
            if given is not None:
                self.error(
                    column,
                    f"Niepoprawny klucz {given!r}: małe litery, cyfry i „-”, do {KEY_MAX} znaków.",
                    f"Invalid key {given!r}: lower-case letters, digits and '-', up to {KEY_MAX} characters.",
                )
            return None
        return key


# --------------------------------------------------------------------------------------------
# RDF
# --------------------------------------------------------------------------------------------


def _iri(term: object) -> NamedNode:
    return NamedNode(str(term))


_TYPE = _iri(RDF.type)


class _Triples:
    """Collects triples with small helpers for the literal kinds the model uses."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: str, p: object, o: NamedNode | Literal) -> None:
        self.triples.append(Triple(NamedNode(s), _iri(p), o))

    def iri(self, s: str, p: object, o: str) -> None:
        self.add(s, p, NamedNode(o))

    def types(self, s: str, *classes: object) -> None:
        for cls in classes:
            self.add(s, RDF.type, _iri(cls))

    def text(self, s: str, p: object, value: str | None, lang: str | None = None) -> None:
        if value is not None:
            self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def typed(self, s: str, p: object, value: str | None, datatype: object) -> None:
        if value is not None:
            self.add(s, p, Literal(value, datatype=_iri(datatype)))

    def decimal(self, s: str, p: object, value: Decimal | None) -> None:
        if value is not None:
            self.typed(s, p, _canonical_decimal(value), XSD.decimal)


def _identifier_values(r: _RowReader) -> dict[str, str]:
    """KRS, NIP and REGON of a row, normalised to digits and checked."""
    found: dict[str, str] = {}
    krs = r.text("krs")
    if krs is not None:
        digits = re.sub(r"[\s-]", "", krs)
        if digits.upper().startswith("KRS"):
            digits = digits[3:]
        if digits.isdigit() and len(digits) <= 10:
            found["krs"] = digits.zfill(10)
        else:
            r.error(
                "krs",
                f"Niepoprawny numer KRS {krs!r}: do 10 cyfr.",
                f"Invalid KRS number {krs!r}: up to 10 digits.",
            )
    for column, module, lengths in (("nip", stdnum_nip, "10"), ("regon", stdnum_regon, "9 / 14")):
        value = r.text(column)
        if value is None:
            continue
        try:
            found[column] = module.validate(value)
        except StdnumError as exc:
            reason = {
                "InvalidChecksum": ("błędna cyfra kontrolna", "wrong check digit"),
                "InvalidLength": (
                    f"zła długość (oczekiwano {lengths} cyfr)",
                    f"wrong length ({lengths} digits expected)",
                ),
                "InvalidFormat": ("dozwolone tylko cyfry", "only digits are allowed"),
            }.get(type(exc).__name__, (str(exc), str(exc)))
            label = column.upper()
            r.error(
                column,
                f"Niepoprawny {label} {value!r}: {reason[0]}.",
                f"Invalid {label} {value!r}: {reason[1]}.",
            )
    return found


def _address(r: _RowReader, out: _Triples, subject: str) -> None:
    street, number = r.text("ulica"), r.text("numer")
    town = r.text("miejscowosc")
    code = r.text("kod_pocztowy")
    if code is not None:
        digits = re.sub(r"\D", "", code)
        if re.fullmatch(r"\d{2}-?\d{3}", code.replace(" ", "")) and len(digits) == 5:
            code = f"{digits[:2]}-{digits[2:]}"
        else:
            r.error(
                "kod_pocztowy",
                f"Niepoprawny kod pocztowy {code!r}; wzór NN-NNN.",
                f"Invalid postal code {code!r}; pattern NN-NNN.",
            )
            code = None
    part = r.concept("czesc_miasta", "city-part")
    district_text = r.text("okreg")
    district = None
    if district_text is not None:
        district = r.concept("okreg", "district", re.sub(r"(?i)^okr[eę]g\s*", "", district_text))
    lat = r.decimal("szerokosc", Decimal(-90), Decimal(90))
    long = r.decimal("dlugosc", Decimal(-180), Decimal(180))
    if all(v is None for v in (street, number, town, code, part, district, lat, long)):
        return
    node = subject + "#address"
    out.iri(subject, LOCN.address, node)
    out.types(node, LOCN.Address)
    out.text(node, LOCN.thoroughfare, street)
    out.text(node, LOCN.locatorDesignator, number)
    out.text(node, LOCN.postCode, code)
    out.text(node, LOCN.postName, town)
    line = " ".join(v for v in (street, number) if v)
    place = " ".join(v for v in (code, town) if v)
    full = ", ".join(v for v in (line, place) if v)
    out.text(node, LOCN.fullAddress, full or None)
    if town is not None and fold(town) == "torun":
        out.text(node, PES.teryt, TORUN_TERYT)
    if part:
        out.iri(node, PES.cityPart, part)
    if district:
        out.iri(node, PES.district, district)
    out.decimal(node, GEO.lat, lat)
    out.decimal(node, GEO.long, long)


def _statuses(r: _RowReader, out: _Triples, subject: str) -> None:
    if r.boolean("opp"):
        node = subject + "#status-opp"
        out.iri(subject, PES.status, node)
        out.types(node, PES.StatusAssignment)
        out.iri(node, PES.statusType, vocab_iri("status-type", "opp"))
    ps_columns = ("ps_numer_decyzji", "ps_data_decyzji", "ps_typ", "ps_od", "ps_organ")
    if any(r.raw(c) is not None for c in ps_columns):
        number = r.required("ps_numer_decyzji")
        decided = r.date("ps_data_decyzji")
        if r.raw("ps_data_decyzji") is None:
            r.required("ps_data_decyzji")
        since = r.date("ps_od") or decided
        kind = r.concept("ps_typ", "social-enterprise-type")
        if r.raw("ps_typ") is None:
            r.required("ps_typ")
        node = subject + "#status-ps"
        out.iri(subject, PES.status, node)
        out.types(node, PES.StatusAssignment)
        out.iri(node, PES.statusType, vocab_iri("status-type", "przedsiebiorstwo-spoleczne"))
        if kind:
            out.iri(node, PES.socialEnterpriseType, kind)
        out.text(node, PES.decisionNumber, number)
        out.typed(node, PES.decisionDate, decided, XSD.date)
        out.text(node, PES.grantedBy, r.text("ps_organ"), "pl")
        out.typed(node, SCHEMA.startDate, since, XSD.date)
    start, end = r.date("zakup_prospoleczny_od"), r.date("zakup_prospoleczny_do")
    if r.raw("zakup_prospoleczny_od") is not None or r.raw("zakup_prospoleczny_do") is not None:
        if start and end and end < start:
            r.error(
                "zakup_prospoleczny_do",
                "Data końcowa jest wcześniejsza niż początkowa.",
                "The end date is before the start date.",
            )
        node = subject + "#status-zakup-prospoleczny"
        out.iri(subject, PES.status, node)
        out.types(node, PES.StatusAssignment)
        out.iri(node, PES.statusType, vocab_iri("status-type", "zakup-prospoleczny"))
        out.typed(node, SCHEMA.startDate, start, XSD.date)
        out.typed(node, SCHEMA.endDate, end, XSD.date)


def _url(r: _RowReader, column: str) -> str | None:
    text = r.text(column)
    if text is None:
        return None
    url = text if re.match(r"(?i)^https?://", text) else "https://" + text
    try:
        if not re.fullmatch(r"(?i)https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", url):
            raise ValueError(url)
        NamedNode(url)
    except ValueError:
        r.error(column, f"Niepoprawny adres strony {text!r}.", f"Invalid website address {text!r}.")
        return None
    return url


def _entity(r: _RowReader, base: str, key: str) -> list[Triple]:
    out = _Triples()
    s = f"{base}/id/entity/{key}"
    legal_form_text, unit_type_text = r.text("forma_prawna"), r.text("typ_jednostki")
    if legal_form_text and unit_type_text:
        r.error(
            "typ_jednostki",
            "Podaj formę prawną albo typ jednostki, nie oba.",
            "Give a legal form or a unit type, not both.",
        )
    elif legal_form_text is None and unit_type_text is None:
        r.error(
            "forma_prawna",
            "Brak formy prawnej (albo typu jednostki: CIS, KIS, ZAZ, WTZ).",
            "The legal form (or unit type: CIS, KIS, ZAZ, WTZ) is missing.",
        )
    if unit_type_text is not None and legal_form_text is None:
        out.types(
            s,
            PES.SocialEconomyEntity,
            PES.SocialEconomyUnit,
            ORG.OrganizationalUnit,
            SCHEMA.Organization,
            ESSGLOBAL.SSEInitiative,
        )
        unit_type = r.concept("typ_jednostki", "unit-type")
        if unit_type:
            out.iri(s, ROV.orgType, unit_type)
        runner = r.text("jednostka_prowadzaca")
        if runner is None:
            r.error(
                "jednostka_prowadzaca",
                "Jednostka bez osobowości prawnej wymaga podmiotu prowadzącego.",
                "A unit without legal personality needs the body that runs it.",
            )
        else:
            kind, _, runner_key = (
                runner.partition(":")
                if runner.lower().startswith("unit:")
                else ("entity", "", runner)
            )
            runner_key = fold(runner_key)
            if _KEY_RE.match(runner_key or "-") and len(runner_key) <= KEY_MAX:
                out.iri(s, ORG.unitOf, f"{base}/id/{kind.lower()}/{runner_key}")
            else:
                r.error(
                    "jednostka_prowadzaca",
                    f"Niepoprawny klucz {runner!r}.",
                    f"Invalid key {runner!r}.",
                )
    else:
        out.types(
            s,
            PES.SocialEconomyEntity,
            ROV.RegisteredOrganization,
            SCHEMA.Organization,
            ESSGLOBAL.SSEInitiative,
        )
        if legal_form_text is not None:
            legal_form = r.concept("forma_prawna", "legal-form")
            if legal_form:
                out.iri(s, ROV.orgType, legal_form)
        if r.raw("jednostka_prowadzaca") is not None:
            r.error(
                "jednostka_prowadzaca",
                "Podmiot prowadzący podaje się tylko przy typ_jednostki.",
                "The running body is given only with typ_jednostki.",
            )

    out.text(s, SCHEMA.name, r.required("nazwa"), "pl")
    out.text(s, ROV.legalName, r.text("nazwa_pelna"))

    identifiers = _identifier_values(r)
    for scheme in ("krs", "nip", "regon"):
        if scheme in identifiers:
            node = f"{s}#{scheme}"
            out.iri(s, ADMS.identifier, node)
            out.types(node, ADMS.Identifier)
            out.text(node, SKOS.notation, identifiers[scheme])
            out.iri(node, DCT.type, vocab_iri("identifier-type", scheme))
    if "krs" in identifiers:
        out.iri(s, ROV.registration, f"{s}#krs")
    if "nip" in identifiers:
        out.text(s, SCHEMA.taxID, identifiers["nip"])

    _statuses(r, out, s)
    _address(r, out, s)

    email = r.text("email")
    if email is not None:
        email = email.removeprefix("mailto:")
        if _EMAIL_RE.match(email):
            out.text(s, SCHEMA.email, email)
        else:
            r.error(
                "email",
                f"Niepoprawny adres e-mail {email!r}.",
                f"Invalid e-mail address {email!r}.",
            )
    phone = r.text("telefon")
    if phone is not None:
        if _PHONE_RE.match(phone):
            out.text(s, SCHEMA.telephone, phone)
        else:
            r.error(
                "telefon",
                f"Niepoprawny numer telefonu {phone!r}: tylko cyfry, spacje, nawiasy, „-” i + na początku.",
                f"Invalid telephone number {phone!r}: only digits, spaces, brackets, '-' and a leading +.",
            )
    url = _url(r, "www")
    if url:
        out.iri(s, SCHEMA.url, url)
    out.text(s, SCHEMA.description, r.text("opis"), "pl")
    out.text(s, SCHEMA.description, r.text("opis_en"), "en")
    for item in r.items("obszary"):
        area = r.concept("obszary", "public-task-area", re.sub(r"(?i)^(pkt\.?|punkt)\s*", "", item))
        if area:
            out.iri(s, PES.publicTaskArea, area)
    out.typed(s, SCHEMA.foundingDate, r.date("data_zalozenia"), XSD.date)
    employees = r.integer("liczba_pracownikow")
    if employees is not None:
        out.typed(s, SCHEMA.numberOfEmployees, str(employees), XSD.integer)
    out.decimal(s, PES.shareOfEmployeesAtRisk, r.share("udzial_zagrozonych"))
    return out.triples


def _offer(r: _RowReader, base: str, key: str, entity_iri: str) -> list[Triple]:
    out = _Triples()
    s = f"{base}/id/offer/{key}"
    out.types(s, SCHEMA.Offer, ESSGLOBAL.ProductOrService)
    out.iri(s, SCHEMA.offeredBy, entity_iri)
    out.iri(entity_iri, SCHEMA.makesOffer, s)
    out.text(s, SCHEMA.name, r.required("nazwa"), "pl")
    out.text(s, SCHEMA.description, r.text("opis"), "pl")
    out.text(s, SCHEMA.description, r.text("opis_en"), "en")
    if r.raw("cpv") is None:
        r.required("cpv")
    for code in r.items("cpv", r"[;,\s]+"):
        iri = r.concept("cpv", "cpv", code)
        if iri:
            out.iri(s, SCHEMA.category, iri)
    category = r.concept("kategoria", "offer-category")
    if category:
        out.iri(s, PES.offerCategory, category)
    for item in r.items("obszar"):
        district = re.match(r"(?i)^okr[eę]g\s*(.+)$", item)
        if district:
            iri = r.vocab.lookup("district", district[1])
        else:
            iri = r.vocab.lookup("city-part", item) or r.vocab.lookup("district", item)
        if iri:
            out.iri(s, SCHEMA.areaServed, iri)
        else:
            r.error(
                "obszar",
                f"Nieznany obszar {item!r}: podaj część miasta ({r.vocab.describe('city-part', 'pl') or '—'}) "
                "lub okręg (np. „okręg 8”).",
                f"Unknown area {item!r}: give a city part ({r.vocab.describe('city-part', 'en') or '—'}) "
                "or a district (e.g. 'okręg 8').",
            )

    low, high, price = (
        r.decimal("cena_od", Decimal(0)),
        r.decimal("cena_do", Decimal(0)),
        r.decimal("cena", Decimal(0)),
    )
    on_request = r.boolean("cena_na_zapytanie")
    unit_text = r.text("jednostka_ceny")
    if low is not None and high is not None and low > high:
        r.error(
            "cena_do",
            "Cena do jest mniejsza niż cena od.",
            "The upper price is below the lower price.",
        )
    has_price = any(v is not None for v in (low, high, price))
    if price is not None and (low is not None or high is not None):
        r.error(
            "cena",
            "Podaj cenę stałą albo zakres cen, nie oba.",
            "Give a fixed price or a price range, not both.",
        )
    if on_request and has_price:
        r.error(
            "cena_na_zapytanie",
            "Cena na zapytanie wyklucza podanie ceny.",
            "Price on request excludes giving a price.",
        )
    if has_price:
        node = s + "#price"
        out.iri(s, SCHEMA.priceSpecification, node)
        out.types(node, SCHEMA.PriceSpecification)
        out.decimal(node, SCHEMA.price, price)
        out.decimal(node, SCHEMA.minPrice, low)
        out.decimal(node, SCHEMA.maxPrice, high)
        out.text(node, SCHEMA.priceCurrency, "PLN")
        out.text(node, SCHEMA.unitText, unit_text, "pl")
    elif unit_text is not None:
        r.error("jednostka_ceny", "Jednostka ceny bez ceny.", "A price unit without a price.")
    if on_request:
        out.typed(s, PES.priceOnRequest, "true", XSD.boolean)
    elif not has_price and not any(r.raw(c) is not None for c in ("cena_od", "cena_do", "cena")):
        r.error(
            "cena",
            "Podaj cenę (cena albo cena_od/cena_do) lub wpisz „tak” w cena_na_zapytanie.",
            "Give a price (cena or cena_od/cena_do) or put 'tak' in cena_na_zapytanie.",
        )

    out.text(s, PES.capacity, r.text("zdolnosc"), "pl")
    if r.boolean("zamowienie_zastrzezone"):
        out.iri(
            s, PES.declaredFit, vocab_iri("cooperation-instrument", "zamowienie-zastrzezone-art94")
        )
    if r.boolean("uslugi_spoleczne"):
        out.iri(s, PES.declaredFit, vocab_iri("cooperation-instrument", "uslugi-spoleczne-art359"))
    start, end = r.date("wazna_od"), r.date("wazna_do")
    if start and end and end < start:
        r.error(
            "wazna_do",
            "Data końcowa jest wcześniejsza niż początkowa.",
            "The end date is before the start date.",
        )
    out.typed(s, SCHEMA.validFrom, start, XSD.date)
    out.typed(s, SCHEMA.validThrough, end, XSD.date)
    return out.triples


def _check_kind(table: Table, kind: str) -> None:
    if table.kind != kind:
        raise UsageError(f"Expected a table of {kind}, got {table.kind}")


def _duplicate(r: _RowReader, key: str, first_row: int, derived: bool) -> None:
    hint_pl = " (klucz utworzony z nazwy; podaj inny w kolumnie klucz)" if derived else ""
    hint_en = " (key made from the name; give another in the klucz column)" if derived else ""
    r.error(
        "klucz",
        f"Klucz {key!r} powtarza się (pierwszy raz w wierszu {first_row}){hint_pl}.",
        f"Duplicate key {key!r} (first in row {first_row}){hint_en}.",
    )


def load_entities(
    table: Table, *, base: str, vocab: VocabIndex
) -> tuple[list[Document], list[RowError]]:
    """Turn a table of entities into one document per row, and every problem found.

    Rows with problems are still converted as far as possible; the caller decides what to keep.
    """
    _check_kind(table, ENTITIES)
    base = base.rstrip("/")
    errors = list(table.errors)
    if table.errors and any(e.row == 1 for e in table.errors):
        return [], errors
    documents, seen = [], {}
    for row in table.rows:
        r = _RowReader(row, ENTITIES, errors, vocab)
        key = r.key("klucz", r.text("nazwa"))
        if key is None:
            if r.text("klucz") is None:
                r.required("nazwa")
            continue
        if key in seen:
            _duplicate(r, key, seen[key], r.raw("klucz") is None)
            continue
        seen[key] = row.number
        documents.append(Document(f"{base}/id/entity/{key}", "entity", _entity(r, base, key)))
    return documents, errors


def load_offers(
    table: Table, *, base: str, vocab: VocabIndex
) -> tuple[list[Document], list[RowError]]:
    """Turn a table of offers into offers-only documents, one per entity (``partial``).

    :func:`merge_documents` joins them with the entities of the same upload.
    """
    _check_kind(table, OFFERS)
    base = base.rstrip("/")
    errors = list(table.errors)
    if any(e.row == 1 for e in table.errors):
        return [], errors
    by_entity: dict[str, Document] = {}
    seen: dict[str, int] = {}
    for row in table.rows:
        r = _RowReader(row, OFFERS, errors, vocab)
        entity_key = r.key("podmiot", None)
        if entity_key is None:
            if r.raw("podmiot") is None:
                r.required("podmiot")
            continue
        name = r.text("nazwa")
        key = r.key("klucz", f"{entity_key}-{slugify(name)}" if name else None)
        if key is None:
            if r.raw("klucz") is None:
                r.required("nazwa")
            continue
        if key in seen:
            _duplicate(r, key, seen[key], r.raw("klucz") is None)
            continue
        seen[key] = row.number
        entity_iri = f"{base}/id/entity/{entity_key}"
        document = by_entity.setdefault(
            entity_iri, Document(entity_iri, "entity", [], partial=True)
        )
        document.triples.extend(_offer(r, base, key, entity_iri))
    return list(by_entity.values()), errors


def merge_documents(entities: Iterable[Document], offers: Iterable[Document]) -> list[Document]:
    """Put offers into their entity's document; offers of other entities stay ``partial``."""
    merged = {d.iri: Document(d.iri, d.kind, list(d.triples), d.partial) for d in entities}
    for document in offers:
        if document.iri in merged:
            merged[document.iri].triples.extend(document.triples)
        else:
            merged[document.iri] = Document(
                document.iri, document.kind, list(document.triples), True
            )
    return list(merged.values())


def load_tables(
    *,
    entities: Table | None = None,
    offers: Table | None = None,
    base: str,
    vocab: VocabIndex,
) -> tuple[list[Document], list[RowError]]:
    """Load entities and offers of one upload: documents with offers inside, and all errors."""
    entity_docs, errors = load_entities(entities, base=base, vocab=vocab) if entities else ([], [])
    offer_docs, offer_errors = load_offers(offers, base=base, vocab=vocab) if offers else ([], [])
    return merge_documents(entity_docs, offer_docs), errors + offer_errors


def load_upload(
    data: bytes,
    *,
    filename: str | None = None,
    base: str,
    vocab: VocabIndex,
    max_bytes: int,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS,
) -> tuple[list[Document], list[RowError]]:
    """Read and load one uploaded CSV or XLSX file of entities, offers or both."""
    tables = read_tables(
        data,
        filename=filename,
        max_bytes=max_bytes,
        max_rows=max_rows,
        max_cell_chars=max_cell_chars,
    )
    return load_tables(
        entities=tables.get(ENTITIES), offers=tables.get(OFFERS), base=base, vocab=vocab
    )


# --------------------------------------------------------------------------------------------
# Templates and documentation
# --------------------------------------------------------------------------------------------


def template_path(kind: str, extension: str) -> Path:
    """Where the shipped empty template of ``kind`` (``csv`` or ``xlsx``) lives."""
    from registry.config import package_file

    return package_file("tabular", f"{_kind(kind)}.{extension}")


def write_template(kind: str, path: str | Path) -> Path:
    """Write the empty template of ``kind`` to ``path`` (``.csv`` or ``.xlsx``).

    CSV: UTF-8 with BOM (so Excel shows Polish letters), ``;`` separated, header row only.
    XLSX: the header row in sheet ``kind``, and the header with an example row in ``przyklad``.
    """
    kind = _kind(kind)
    path = Path(path)
    columns = COLUMNS[kind]
    headers = [c.header for c in columns]
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(headers)
        path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
        return path
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"Templates are written as .csv or .xlsx, not {path.suffix!r}")
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = kind
    example = workbook.create_sheet(EXAMPLE_SHEET)
    sheet.append(headers)
    example.append(headers)
    example.append([c.example or None for c in columns])
    for ws in (sheet, example):
        ws.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index)
            cell.font = Font(bold=True)
            note = f"{column.pl}\n{column.en}\n{column.format_pl} / {column.format_en}"
            cell.comment = Comment(note, "pes-registry")
            letter = cell.column_letter
            ws.column_dimensions[letter].width = max(
                12, min(40, len(column.example or column.header) + 2)
            )
    # Every cell is text, so that NIP, KRS and codes keep their leading zeros.
    for row in example.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    workbook.save(path)
    return path


def reference_markdown() -> str:
    """The column reference of both templates as Markdown (``docs/tabular-templates.md``)."""
    lines = [
        "# Tabular templates",
        "",
        (
            "<!-- Generated from loaders/tabular.py (ENTITY_COLUMNS, OFFER_COLUMNS); "
            "regenerate with reference_markdown(). -->"
        ),
        "",
        "Entities and their offers can be loaded from the registry's own templates, in CSV or",
        "XLSX: `registry/tabular/podmioty.{csv,xlsx}` and `registry/tabular/oferty.{csv,xlsx}`.",
        "The XLSX templates have a second sheet, `przyklad`, with a filled-in example row.",
        "",
        "* One row per entity (`podmioty`) or offer (`oferty`); the header is row 1. Column names",
        "  are matched without regard to case or Polish letters; columns may come in any order and",
        "  optional ones may be left out. Unknown columns are an error.",
        "* CSV: UTF-8 (with or without BOM) or Windows-1250; separator `;` or `,`.",
        "  XLSX: the sheet named `podmioty` / `oferty`, else the first sheet.",
        "* Dates: `YYYY-MM-DD`, `DD.MM.YYYY` or an Excel date cell. Numbers: decimal comma or",
        "  point. NIP and REGON may contain hyphens and spaces (NIP also a `PL` prefix); their",
        "  check digits are verified.",
        "* Vocabulary values (legal form, unit type, city part, district, public-task area,",
        "  offer category, CPV) may be given by key, number or Polish or English name; case and",
        "  Polish letters do not matter (`Spółdzielnia socjalna` = `spoldzielnia-socjalna`). A",
        "  CPV code may be given without its check digit (`55520000`).",
        "* An offer names its entity in `podmiot`: an entity of the same upload or one already",
        "  in the registry.",
        "* Every problem is reported with its row number and column, in Polish and English.",
        "",
    ]
    for kind, title in ((ENTITIES, "Entities (`podmioty`)"), (OFFERS, "Offers (`oferty`)")):
        lines += [
            f"## {title}",
            "",
            "| column | znaczenie | meaning | required | format | example |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for c in COLUMNS[kind]:
            cells = [
                f"`{c.header}`",
                c.pl,
                c.en,
                "yes" if c.required else "",
                f"{c.format_pl} / {c.format_en}" if c.format_pl != "tekst" else "text",
                f"`{c.example}`" if c.example else "",
            ]
            lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
        lines.append("")
    return "\n".join(lines)
