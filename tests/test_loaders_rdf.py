"""Parsing RDF uploads: every format, malformed files, unsafe and oversized input."""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import RdfFormat

from loaders.rdf import RdfSyntaxError, detect_format, parse_rdf, supported_formats
from registry.errors import InputError, UsageError

DATA = Path(__file__).parent / "data" / "loaders" / "rdf"
BASE = "http://127.0.0.1:8000/"
MAX = 1_000_000
SUBJECT = pyoxigraph.NamedNode(BASE + "id/entity/fundacja-pod-lipami")
FORMATS = ["ttl", "nt", "nq", "trig", "rdf", "jsonld"]

# Line of the error in each malformed fixture.
MALFORMED_LINES = {"ttl": 4, "nt": 3, "nq": 3, "trig": 4, "rdf": 3, "jsonld": 3}


def parse_file(name: str, **options) -> list[pyoxigraph.Quad]:
    options.setdefault("max_bytes", MAX)
    return parse_rdf((DATA / name).read_bytes(), filename=name, base_iri=BASE, **options)


def triples(quads: list[pyoxigraph.Quad]) -> set[tuple]:
    return {(q.subject, q.predicate, q.object) for q in quads}


@pytest.mark.parametrize("extension", FORMATS)
def test_every_format_parses_to_the_same_triples(extension):
    quads = parse_file(f"sample.{extension}")
    assert triples(quads) == triples(parse_file("sample.ttl"))
    names = [q.object for q in quads if q.predicate.value == "https://schema.org/name"]
    assert names == [pyoxigraph.Literal("Fundacja „Pod Lipami”", language="pl")]
    assert {q.subject for q in quads} == {SUBJECT}


def test_named_graphs_are_kept():
    quads = parse_file("sample.trig")
    assert {q.graph_name.value for q in quads} == {BASE + "entity/fundacja-pod-lipami"}


def test_relative_iris_resolve_against_the_base():
    quads = parse_rdf(
        b"<id/entity/a> <p> <b> .", format="turtle", base_iri="http://ex.org/x/", max_bytes=MAX
    )
    assert quads[0].subject.value == "http://ex.org/x/id/entity/a"


@pytest.mark.parametrize("extension", FORMATS)
def test_malformed_file_reports_format_line_and_column(extension):
    with pytest.raises(RdfSyntaxError) as caught:
        parse_file(f"malformed.{extension}")
    error = caught.value
    assert isinstance(error, InputError)
    assert error.line == MALFORMED_LINES[extension]
    assert error.column is not None
    assert error.format == detect_format(filename=f"x.{extension}")
    message = str(error)
    assert f"line {error.line}, column {error.column}" in message
    assert f"wierszu {error.line}" in message
    assert error.format.name in message


def test_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(RdfSyntaxError, match="DOCTYPE"):
        parse_file("billion-laughs.rdf")
    assert time.perf_counter() - start < 1


def test_doctype_is_refused_even_under_another_extension():
    data = (DATA / "doctype.rdf").read_bytes()
    with pytest.raises(RdfSyntaxError, match="DOCTYPE") as caught:
        parse_rdf(data, filename="upload.xml", max_bytes=MAX)
    assert caught.value.line == 2


def test_remote_jsonld_context_is_refused_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the loader tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(InputError, match="inline the context"):
        parse_file("remote-context.jsonld")


def test_oversized_input_is_refused_before_parsing():
    data = (DATA / "sample.ttl").read_bytes()
    with pytest.raises(InputError, match="too large"):
        parse_rdf(data, filename="x.ttl", max_bytes=len(data) - 1)


def test_gzip_is_read():
    data = gzip.compress((DATA / "sample.nt").read_bytes())
    assert triples(parse_rdf(data, filename="sample.nt.gz", max_bytes=MAX)) == triples(
        parse_file("sample.nt")
    )


def test_gzip_bomb_is_refused_within_the_limit():
    # 200 MB of spaces compress to about 200 KB; the loader must stop at max_bytes.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1 << 20)
    bomb = b"".join(compressor.compress(chunk) for _ in range(200)) + compressor.flush()
    assert len(bomb) < MAX
    start = time.perf_counter()
    with pytest.raises(InputError, match="too large"):
        parse_rdf(bomb, filename="bomb.ttl.gz", max_bytes=MAX)
    assert time.perf_counter() - start < 2


def test_corrupt_gzip_is_an_input_error():
    data = gzip.compress(b"<http://a> <http://b> <http://c> .")[:-12]
    with pytest.raises(InputError, match="gzip"):
        parse_rdf(data, filename="x.nt.gz", max_bytes=MAX)


def test_invalid_utf8_reports_line_and_column():
    with pytest.raises(RdfSyntaxError, match="UTF-8") as caught:
        parse_file("invalid-utf8.nt")
    assert (caught.value.line, caught.value.column) == (2, 44)


def test_utf8_bom_is_accepted():
    data = b"\xef\xbb\xbf" + (DATA / "sample.ttl").read_bytes()
    assert len(parse_rdf(data, filename="x.ttl", base_iri=BASE, max_bytes=MAX)) == 3


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"format": "turtle"}, RdfFormat.TURTLE),
        ({"format": "text/turtle; charset=utf-8"}, RdfFormat.TURTLE),
        ({"format": "application/n-quads"}, RdfFormat.N_QUADS),
        ({"format": "N-Triples"}, RdfFormat.N_TRIPLES),
        ({"format": "rdf/xml"}, RdfFormat.RDF_XML),
        ({"format": RdfFormat.TRIG}, RdfFormat.TRIG),
        ({"filename": "a.owl"}, RdfFormat.RDF_XML),
        ({"filename": "A.JSON"}, RdfFormat.JSON_LD),
        ({"filename": "dump.nq.gz"}, RdfFormat.N_QUADS),
        ({"format": "application/octet-stream", "filename": "x.trig"}, RdfFormat.TRIG),
        ({"data": b'<?xml version="1.0"?><rdf:RDF/>'}, RdfFormat.RDF_XML),
        ({"data": gzip.compress(b'{"@id": "http://a"}')}, RdfFormat.JSON_LD),
    ],
)
def test_detect_format(options, expected):
    assert detect_format(**options) == expected


@pytest.mark.parametrize(
    "options", [{"format": "csv"}, {"filename": "x.docx"}, {"data": b"<a> <b> <c> ."}]
)
def test_unknown_format_is_a_usage_error(options):
    with pytest.raises(UsageError):
        detect_format(**options)


def test_supported_formats_know_their_media_types_and_extensions():
    formats = {info.name: info for info in supported_formats()}
    assert set(formats) == {"Turtle", "N-Triples", "N-Quads", "TriG", "RDF/XML", "JSON-LD"}
    assert formats["Turtle"].media_types[0] == "text/turtle"
    assert formats["JSON-LD"].extensions == ("jsonld", "json")
    assert set(formats["RDF/XML"].extensions) == {"rdf", "owl", "xml"}
    for info in formats.values():
        for extension in info.extensions:
            assert detect_format(filename=f"x.{extension}") == info.format
        for media_type in info.media_types:
            assert detect_format(format=media_type) == info.format
