"""The tabular templates: golden files (CSV, cp1250, XLSX), bad rows, limits, templates, docs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pyoxigraph
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from loaders import tabular_source
from loaders.tabular import (
    COLUMNS,
    ENTITY_COLUMNS,
    OFFER_COLUMNS,
    Table,
    load_entities,
    load_offers,
    load_tables,
    load_upload,
    read_table,
    read_tables,
    reference_markdown,
    slugify,
    template_path,
    write_template,
)
from loaders.vocabindex import VocabIndex, fold
from registry.config import vocab_dir
from registry.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "loaders" / "tabular"
BASE = "http://127.0.0.1:8000"
MAX = 1_000_000

# Columns whose values the XLSX fixture stores as Excel dates or numbers, not text.
DATE_COLUMNS = {
    "data_zalozenia",
    "ps_data_decyzji",
    "ps_od",
    "zakup_prospoleczny_od",
    "zakup_prospoleczny_do",
    "wazna_od",
    "wazna_do",
}
NUMBER_COLUMNS = {"szerokosc", "dlugosc", "liczba_pracownikow", "cena_od", "cena_do", "cena", "krs"}


@pytest.fixture(scope="module")
def vocab() -> VocabIndex:
    return VocabIndex.from_dir(vocab_dir())


def read(name: str, kind: str, **options) -> Table:
    options.setdefault("max_bytes", MAX)
    return read_table((DATA / name).read_bytes(), kind=kind, filename=name, **options)


def to_rdflib(documents) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = "\n".join(str(t) + " ." for d in documents for t in d.triples)
    graph.parse(data=data, format="nt")
    return graph


def expected_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(DATA / "expected.ttl", format="turtle")


def assert_isomorphic(actual: rdflib.Graph, expected: rdflib.Graph) -> None:
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in output:\n"
            + only_actual.serialize(format="nt")
            + "\nonly expected:\n"
            + only_expected.serialize(format="nt")
        )


def assert_golden(documents, errors) -> None:
    assert errors == []
    assert_isomorphic(to_rdflib(documents), expected_graph())
    by_iri = {d.iri: d for d in documents}
    entity = f"{BASE}/id/entity/"
    assert {iri: d.partial for iri, d in by_iri.items()} == {
        entity + "spoldzielnia-socjalna-przystan": False,
        entity + "centrum-integracji-spolecznej-przy-stowarzyszeniu-most": False,
        entity + "fundacja-pod-lipami": False,
        entity + "stowarzyszenie-most": True,
    }
    # Every triple of a document is about its main resource, its fragments or its offers.
    for document in documents:
        offers = {
            t.object.value
            for t in document.triples
            if t.predicate.value == "https://schema.org/makesOffer"
        }
        for triple in document.triples:
            resource = triple.subject.value.split("#")[0]
            assert resource == document.iri or resource in offers, (document.iri, triple)


def csv_rows(name: str) -> list[list[str]]:
    text = (DATA / name).read_bytes().decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def typed_cell(header: str, value: str) -> object:
    """The cell a spreadsheet user would have: Excel dates and numbers where they fit."""
    if not value:
        return None
    if header in DATE_COLUMNS:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})|(\d{2})\.(\d{2})\.(\d{4})", value)
        y, m, d = (match[1], match[2], match[3]) if match[1] else (match[6], match[5], match[4])
        return dt.datetime(int(y), int(m), int(d))
    if header in NUMBER_COLUMNS:
        number = float(value.replace(",", "."))
        return int(number) if number.is_integer() else number
    return value


def xlsx_from_csv(sheets: dict[str, str], *, extra_first_sheet: bool = False) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if extra_first_sheet:
        workbook.create_sheet("instrukcja").append(["Wypełnij arkusze podmioty i oferty"])
    for title, name in sheets.items():
        sheet = workbook.create_sheet(title)
        header, *rows = csv_rows(name)
        sheet.append(header)
        for row in rows:
            sheet.append([typed_cell(h, v) for h, v in zip(header, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- golden files ------------------------------------------------------------------------------


def test_csv_golden(vocab):
    # podmioty.csv: UTF-8 with BOM, ";"; oferty.csv: UTF-8 without BOM, ","
    documents, errors = load_tables(
        entities=read("podmioty.csv", "podmioty"),
        offers=read("oferty.csv", "oferty"),
        base=BASE,
        vocab=vocab,
    )
    assert_golden(documents, errors)


def test_cp1250_csv_golden(vocab):
    with pytest.raises(UnicodeDecodeError):
        (DATA / "podmioty-cp1250.csv").read_bytes().decode("utf-8")
    documents, errors = load_tables(
        entities=read("podmioty-cp1250.csv", "podmioty"),
        offers=read("oferty.csv", "oferty"),
        base=BASE,
        vocab=vocab,
    )
    assert_golden(documents, errors)


def test_xlsx_golden_with_excel_dates_and_numbers(vocab):
    data = xlsx_from_csv(
        {"podmioty": "podmioty.csv", "oferty": "oferty.csv"}, extra_first_sheet=True
    )
    entities = read_table(data, kind="podmioty", filename="upload.xlsx", max_bytes=MAX)
    offers = read_table(data, kind="oferty", filename="upload.xlsx", max_bytes=MAX)
    assert isinstance(entities.rows[0].values["data_zalozenia"], dt.datetime)
    assert isinstance(offers.rows[0].values["cena_od"], int)
    documents, errors = load_tables(entities=entities, offers=offers, base=BASE, vocab=vocab)
    assert_golden(documents, errors)


def test_xlsx_first_sheet_is_read_when_none_is_named_after_the_kind(vocab):
    data = xlsx_from_csv({"Arkusz1": "oferty.csv"})
    table = read_table(data, kind="oferty", max_bytes=MAX)
    assert [row.number for row in table.rows] == [2, 3, 4]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_detected(vocab, delimiter):
    text = delimiter.join(["nazwa", "forma_prawna", "opis"]) + "\r\n"
    text += (
        delimiter.join(["Fundacja Lipa", "Fundacja", '"Opis; z przecinkiem, i średnikiem"'])
        + "\r\n"
    )
    table = read_table(text.encode(), kind="podmioty", max_bytes=MAX)
    assert table.rows[0].values == {
        "nazwa": "Fundacja Lipa",
        "forma_prawna": "Fundacja",
        "opis": "Opis; z przecinkiem, i średnikiem",
    }
    documents, errors = load_entities(table, base=BASE, vocab=vocab)
    assert errors == [] and documents[0].iri == f"{BASE}/id/entity/fundacja-lipa"


def test_headers_are_matched_loosely_and_empty_rows_skipped(vocab):
    data = "Nazwa;Forma prawna;NAZWA_PEŁNA\n;;\nFundacja Lipa;fundacja;Fundacja Lipa w Toruniu\n".encode()
    table = read_table(data, kind="podmioty", max_bytes=MAX)
    assert [(row.number, row.values["nazwa_pelna"]) for row in table.rows] == [
        (3, "Fundacja Lipa w Toruniu")
    ]


def test_excel_date_and_number_cells(vocab):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["nazwa", "forma_prawna", "data_zalozenia", "udzial_zagrozonych", "krs", "nip", "telefon"]
    )
    sheet.append(
        [
            "Fundacja Lipa",
            "fundacja",
            dt.datetime(2011, 5, 12),
            0.45,
            123456,
            9562307895,
            48566000000,
        ]
    )
    sheet["D2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), kind="podmioty", max_bytes=MAX)
    documents, errors = load_entities(table, base=BASE, vocab=vocab)
    assert errors == []
    values = {
        (t.predicate.value.split("/")[-1].split("#")[-1], t.object.value)
        for t in documents[0].triples
    }
    assert ("foundingDate", "2011-05-12") in values
    assert ("shareOfEmployeesAtRisk", "0.45") in values
    assert ("notation", "0000123456") in values
    assert ("taxID", "9562307895") in values
    assert ("telephone", "48566000000") in values


# --- bad rows --------------------------------------------------------------------------------


def errors_by_cell(errors) -> dict[tuple[int, str | None], list]:
    found: dict[tuple[int, str | None], list] = {}
    for error in errors:
        found.setdefault((error.row, error.column), []).append(error)
    return found


def test_bad_entity_rows_report_every_problem_in_both_languages(vocab):
    documents, errors = load_entities(
        read("podmioty-bledy.csv", "podmioty"), base=BASE, vocab=vocab
    )
    cells = errors_by_cell(errors)
    assert set(cells) == {
        (2, "forma_prawna"),
        (3, "nip"),
        (3, "regon"),
        (4, "klucz"),
        (5, "nazwa"),
        (6, "data_zalozenia"),
        (6, "udzial_zagrozonych"),
        (6, "email"),
        (6, "kod_pocztowy"),
        (6, "obszary"),
        (6, "liczba_pracownikow"),
        (7, "forma_prawna"),
        (8, "jednostka_prowadzaca"),
    }
    legal_form = cells[(2, "forma_prawna")][0]
    assert "spółka akcyjna" in legal_form.message_pl and "Dozwolone" in legal_form.message_pl
    assert (
        "spoldzielnia-socjalna" in legal_form.message_en
        and "fundacja (foundation)" in legal_form.message_en
    )
    assert "cyfra kontrolna" in cells[(3, "nip")][0].message_pl
    assert "check digit" in cells[(3, "nip")][0].message_en
    assert (
        "wierszu 3" in cells[(4, "klucz")][0].message_pl
        and "row 3" in cells[(4, "klucz")][0].message_en
    )
    assert "99" in cells[(6, "obszary")][0].message_en
    for error in errors:
        assert error.message_pl and error.message_en and error.message_pl != error.message_en
        assert error.sheet == "podmioty"
        assert str(error).startswith(f"podmioty: wiersz {error.row}")
        assert f"row {error.row}" in error.message("en")
    # The first "beta" row is kept; the duplicate is not.
    assert [d.iri.rsplit("/", 1)[1] for d in documents].count("beta") == 1


def test_bad_offer_rows(vocab):
    _, errors = load_offers(read("oferty-bledy.csv", "oferty"), base=BASE, vocab=vocab)
    cells = errors_by_cell(errors)
    assert set(cells) == {(2, "cpv"), (2, "wazna_od"), (3, "podmiot"), (4, "cena"), (4, "wazna_do")}
    assert "12345678-9" in cells[(2, "cpv")][0].message_pl
    assert "Unknown CPV code" in cells[(2, "cpv")][0].message_en


def test_header_with_unknown_and_missing_columns(vocab):
    documents, errors = load_entities(
        read("naglowek-bledy.csv", "podmioty"), base=BASE, vocab=vocab
    )
    assert documents == []
    assert [(e.row, e.column) for e in errors] == [(1, None), (1, None)]
    assert (
        "nazwisko" in errors[0].message_pl and "Unknown columns: nazwisko" in errors[0].message_en
    )
    assert (
        "nazwa" in errors[1].message_pl
        and "Required columns are missing: nazwa" in errors[1].message_en
    )


def test_offers_header_needs_entity_name_and_cpv(vocab):
    table = read_table(b"klucz;opis\nx;y\n", kind="oferty", max_bytes=MAX)
    _, errors = load_offers(table, base=BASE, vocab=vocab)
    assert "podmiot, nazwa, cpv" in errors[0].message_en


# --- limits and unreadable files -------------------------------------------------------------


def test_size_cap():
    data = (DATA / "podmioty.csv").read_bytes()
    with pytest.raises(InputError, match="too large"):
        read_table(data, kind="podmioty", max_bytes=len(data) - 1)


def test_row_cap():
    data = b"nazwa;forma_prawna\n" + b"A;fundacja\n" * 11
    assert len(read_table(data, kind="podmioty", max_bytes=MAX, max_rows=11).rows) == 11
    with pytest.raises(InputError, match="Too many rows"):
        read_table(data, kind="podmioty", max_bytes=MAX, max_rows=10)


def test_cell_length_cap(vocab):
    data = b"nazwa;forma_prawna;opis\nA;fundacja;" + b"x" * 101 + b"\n"
    table = read_table(data, kind="podmioty", max_bytes=MAX, max_cell_chars=100)
    _, errors = load_entities(table, base=BASE, vocab=vocab)
    assert [(e.row, e.column) for e in errors] == [(2, "opis")]
    assert "too long" in errors[0].message_en


@pytest.mark.parametrize(
    ("data", "filename", "match"),
    [
        (b"PK\x03\x04not really a zip", "x.xlsx", "Cannot read the XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "x.xls", r"\.xls"),
        (b"\x00\x01binary", "x.csv", "NUL"),
        (b"", "x.csv", "no header"),
    ],
)
def test_unreadable_files(data, filename, match):
    with pytest.raises(InputError, match=match):
        read_table(data, kind="podmioty", filename=filename, max_bytes=MAX)


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    with pytest.raises(InputError, match="XLSX"):
        read_table(buffer.getvalue(), kind="podmioty", filename="x.ods", max_bytes=MAX)


def test_xlsx_that_unpacks_too_large():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b" " * 5_000_000)
    with pytest.raises(InputError, match="too large when unpacked"):
        read_table(buffer.getvalue(), kind="podmioty", max_bytes=100_000)


# --- templates and documentation -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["podmioty", "oferty"])
def test_shipped_csv_template_is_what_write_template_writes(tmp_path, kind):
    written = write_template(kind, tmp_path / f"{kind}.csv")
    assert template_path(kind, "csv").read_bytes() == written.read_bytes()
    assert read_table(written.read_bytes(), kind=kind, max_bytes=MAX).headers == [
        c.header for c in COLUMNS[kind]
    ]


def sheet_values(path: Path) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


@pytest.mark.parametrize("kind", ["podmioty", "oferty"])
def test_shipped_xlsx_template_has_the_cells_write_template_writes(tmp_path, kind):
    written = write_template(kind, tmp_path / f"{kind}.xlsx")
    values = sheet_values(written)
    assert sheet_values(template_path(kind, "xlsx")) == values
    assert list(values) == [kind, "przyklad"]
    assert values[kind] == [tuple(c.header for c in COLUMNS[kind])]


def test_template_example_rows_load_without_errors(tmp_path, vocab):
    tables = {}
    for kind in ("podmioty", "oferty"):
        data = write_template(kind, tmp_path / f"{kind}.xlsx").read_bytes()
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        rows = list(workbook["przyklad"].iter_rows(values_only=True))
        workbook.close()
        tables[kind] = Table.from_rows(kind, rows)
    documents, errors = load_tables(
        entities=tables["podmioty"], offers=tables["oferty"], base=BASE, vocab=vocab
    )
    assert errors == []
    assert [d.partial for d in documents] == [False]
    predicates = {t.predicate.value for t in documents[0].triples}
    assert "https://schema.org/makesOffer" in predicates


def test_every_column_is_documented():
    text = (ROOT / "docs" / "tabular-templates.md").read_text(encoding="utf-8")
    assert text == reference_markdown(), (
        "regenerate docs/tabular-templates.md with reference_markdown()"
    )
    for column in ENTITY_COLUMNS + OFFER_COLUMNS:
        assert f"| `{column.header}` | {column.pl} | {column.en} |" in text


def test_columns_are_declared_once_and_well_formed():
    for columns in (ENTITY_COLUMNS, OFFER_COLUMNS):
        headers = [c.header for c in columns]
        assert len(headers) == len(set(headers))
        assert all(re.fullmatch(r"[a-z][a-z_]*", h) for h in headers)


# --- keys and vocabulary ---------------------------------------------------------------------


def test_slugify():
    assert (
        slugify("Spółdzielnia Socjalna „Przystań” — Łódź") == "spoldzielnia-socjalna-przystan-lodz"
    )
    long = slugify("Stowarzyszenie " * 10)
    assert len(long) <= 80 and not long.endswith("-")


@pytest.mark.parametrize(
    ("scheme", "value", "key"),
    [
        ("legal-form", "Spółdzielnia socjalna", "spoldzielnia-socjalna"),
        ("legal-form", "spoldzielnia socjalna", "spoldzielnia-socjalna"),
        ("legal-form", "spoldzielnia-socjalna", "spoldzielnia-socjalna"),
        ("legal-form", "SOCIAL COOPERATIVE", "spoldzielnia-socjalna"),
        ("unit-type", "CIS", "cis"),
        ("cpv", "55520000-1", "55520000-1"),
        ("cpv", "55520000", "55520000-1"),
        ("public-task-area", "1a", "1a"),
        ("district", "8", "8"),
        ("city-part", "Grębocin nad Strugą", "grebocin-nad-struga"),
        ("offer-category", "gastronomia", "gastronomia"),
    ],
)
def test_vocab_lookup(vocab, scheme, value, key):
    assert vocab.lookup(scheme, value) == f"https://w3id.org/pes-registry/vocab/{scheme}/{key}"


def test_vocab_lookup_misses(vocab):
    assert vocab.lookup("legal-form", "spółka akcyjna") is None
    assert vocab.lookup("no-such-scheme", "x") is None
    assert vocab.lookup("district", "99") is None


def test_vocab_index_from_files(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/pes-registry/vocab/x/a-b> a skos:Concept ;\n"
        "  skos:inScheme <https://w3id.org/pes-registry/vocab/x> ;\n"
        '  skos:notation "7" ; skos:prefLabel "Żółć"@pl, "Bile"@en .\n',
        encoding="utf-8",
    )
    index = VocabIndex.from_files([path])
    iri = "https://w3id.org/pes-registry/vocab/x/a-b"
    assert [index.lookup("x", v) for v in ("a b", "7", "zolc", "bile", iri)] == [iri] * 5
    assert index.label("x", "a-b", "en") == "Bile" and fold("Żółć") == "zolc"


def test_documents_hold_pyoxigraph_triples(vocab):
    documents, _ = load_tables(entities=read("podmioty.csv", "podmioty"), base=BASE, vocab=vocab)
    assert all(isinstance(t, pyoxigraph.Triple) for d in documents for t in d.triples)


def test_golden_documents_conform_to_the_shapes(vocab):
    from registry.validation import Validator

    documents, _ = load_tables(
        entities=read("podmioty.csv", "podmioty"),
        offers=read("oferty.csv", "oferty"),
        base=BASE,
        vocab=vocab,
    )
    validator = Validator()
    for document in documents:
        violations = [
            r.message("en") for r in validator.validate(document.triples) if r.is_violation
        ]
        assert violations == [], document.iri


# --- whole uploads ---------------------------------------------------------------------------


def test_one_workbook_with_both_sheets(vocab):
    data = xlsx_from_csv({"podmioty": "podmioty.csv", "oferty": "oferty.csv"})
    assert_golden(
        *load_upload(data, filename="rejestr.xlsx", base=BASE, vocab=vocab, max_bytes=MAX)
    )


def test_kind_of_a_csv_upload_is_told_by_its_header(vocab):
    tables = read_tables((DATA / "oferty.csv").read_bytes(), max_bytes=MAX)
    assert list(tables) == ["oferty"]
    assert list(read_tables((DATA / "podmioty.csv").read_bytes(), max_bytes=MAX)) == ["podmioty"]


def test_tabular_source_gives_triples_and_error_pairs(vocab):
    triples, errors = tabular_source(
        (DATA / "oferty-bledy.csv").read_bytes(), filename="oferty.csv", base=BASE, max_bytes=MAX
    )
    assert all(isinstance(t, pyoxigraph.Triple) for t in triples)
    assert (
        "oferty: wiersz 3, kolumna podmiot: Brak wymaganej wartości.",
        "oferty: row 3, column podmiot: A required value is missing.",
    ) in errors
