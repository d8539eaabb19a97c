"""Parse RDF files of every common serialisation into pyoxigraph quads, safely.

Input is untrusted: the size is capped before parsing (and while un-gzipping), RDF/XML with a
DOCTYPE or ENTITY declaration is refused, JSON-LD never fetches remote contexts, and every
problem becomes an :class:`~registry.errors.InputError` naming the format, line and column.

>>> quads = parse_rdf(b'<a> <b> "c" .', filename="x.ttl", base_iri="http://ex/", max_bytes=1000)
>>> quads[0].subject.value
'http://ex/a'
"""

from __future__ import annotations

import codecs
import re
import xml.parsers.expat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph
from pyoxigraph import RdfFormat

from registry.errors import InputError, UsageError

__all__ = [
    "FormatInfo",
    "RdfSyntaxError",
    "detect_format",
    "iter_rdf",
    "parse_rdf",
    "read_bytes",
    "supported_formats",
]

GZIP_MAGIC = b"\x1f\x8b"
_UTF8_SLICE = 1 << 24
UTF8_BOM = b"\xef\xbb\xbf"

# The formats accepted for loading, in the order they are listed to users.
_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat.TURTLE,
    RdfFormat.N_TRIPLES,
    RdfFormat.N_QUADS,
    RdfFormat.TRIG,
    RdfFormat.RDF_XML,
    RdfFormat.JSON_LD,
)

# Extensions beyond each format's own (``RdfFormat.file_extension``).
_EXTRA_EXTENSIONS: dict[str, RdfFormat] = {
    "owl": RdfFormat.RDF_XML,
    "xml": RdfFormat.RDF_XML,
    "json": RdfFormat.JSON_LD,
}

# Media types beyond each format's own (``RdfFormat.media_type``).
_EXTRA_MEDIA_TYPES: dict[str, RdfFormat] = {
    "application/x-turtle": RdfFormat.TURTLE,
    "text/x-nquads": RdfFormat.N_QUADS,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
    "application/json": RdfFormat.JSON_LD,
}

# Short names a user may type (``--format ttl``); compared after lower-casing and dropping
# everything but letters and digits.
_NAMES: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ttl": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nt": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdfxml": RdfFormat.RDF_XML,
    "rdf": RdfFormat.RDF_XML,
    "xml": RdfFormat.RDF_XML,
    "owl": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
}

# Media types that say nothing about the RDF format: the file name decides instead.
_GENERIC_MEDIA_TYPES = {
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "text/plain",
}

# Declarations that make an XML parser expand entities ("billion laughs") or read files.
_XML_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class RdfSyntaxError(InputError):
    """RDF input that cannot be parsed; carries the format and, when known, line and column."""

    def __init__(
        self,
        message: str,
        *,
        format: RdfFormat | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(message)
        self.format = format
        self.line = line
        self.column = column


@dataclass(frozen=True)
class FormatInfo:
    """A supported RDF format: its name, media types and file extensions (preferred first)."""

    format: RdfFormat
    name: str
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]
    supports_datasets: bool


def supported_formats() -> list[FormatInfo]:
    """List the RDF formats accepted for loading, with their media types and extensions."""
    infos = []
    for fmt in _FORMATS:
        media = (fmt.media_type,) + tuple(m for m, f in _EXTRA_MEDIA_TYPES.items() if f == fmt)
        exts = (fmt.file_extension,) + tuple(e for e, f in _EXTRA_EXTENSIONS.items() if f == fmt)
        infos.append(FormatInfo(fmt, fmt.name, media, exts, fmt.supports_datasets))
    return infos


def _format_from_name(name: str) -> RdfFormat | None:
    """Match a format name, media type (parameters ignored) or extension."""
    value = name.strip().lower()
    media = value.split(";", 1)[0].strip()
    if "/" in media:
        for fmt in _FORMATS:
            if fmt.media_type == media:
                return fmt
        if media in _EXTRA_MEDIA_TYPES:
            return _EXTRA_MEDIA_TYPES[media]
    return _NAMES.get(re.sub(r"[^a-z0-9]", "", value))


def _split_gz(filename: str) -> tuple[str, bool]:
    name = filename.strip().lower()
    if name.endswith(".gz"):
        return name[:-3], True
    return name, False


def _format_from_filename(filename: str) -> RdfFormat | None:
    name, _ = _split_gz(filename)
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    for fmt in _FORMATS:
        if fmt.file_extension == ext:
            return fmt
    return _EXTRA_EXTENSIONS.get(ext)


def _sniff(data: bytes) -> RdfFormat | None:
    """Guess RDF/XML or JSON-LD from the first bytes; other formats need a name or extension."""
    head = data[:512].removeprefix(UTF8_BOM).lstrip()
    if head.startswith((b"<?xml", b"<rdf:RDF")):
        return RdfFormat.RDF_XML
    if head.startswith((b"{", b"[")):
        return RdfFormat.JSON_LD
    return None


def detect_format(
    *, format: str | RdfFormat | None = None, filename: str | None = None, data: bytes | None = None
) -> RdfFormat:
    """Choose the RDF format from an explicit name or media type, else the file extension.

    ``.gz`` is looked through (``x.ttl.gz`` is Turtle). Without either, RDF/XML and JSON-LD are
    recognised from the content. Raises :class:`UsageError` when the format is unknown.

    >>> detect_format(filename="lista.ttl.gz").name
    'Turtle'
    >>> detect_format(format="application/ld+json; charset=utf-8").name
    'JSON-LD'
    """
    if isinstance(format, RdfFormat):
        if format not in _FORMATS:
            raise UsageError(_unsupported(format.name))
        return format
    if format:
        media = format.split(";", 1)[0].strip().lower()
        if media not in _GENERIC_MEDIA_TYPES:
            found = _format_from_name(format)
            if found is None:
                raise UsageError(_unsupported(format))
            return found
    if filename:
        found = _format_from_filename(filename)
        if found is not None:
            return found
    if data is not None:
        found = _sniff(_maybe_gunzip(data, 64 * 1024, partial=True))
        if found is not None:
            return found
    what = filename or format or "?"
    raise UsageError(
        f"Nie rozpoznano formatu RDF pliku {what!r}; podaj format lub rozszerzenie "
        f"({_extension_list()}). / Cannot tell the RDF format of {what!r}; give a format or "
        f"a file extension ({_extension_list()})."
    )


def _extension_list() -> str:
    return ", ".join("." + e for info in supported_formats() for e in info.extensions)


def _unsupported(name: str) -> str:
    names = ", ".join(info.name for info in supported_formats())
    return (
        f"Nieobsługiwany format RDF {name!r}; obsługiwane: {names}. / "
        f"Unsupported RDF format {name!r}; supported: {names}."
    )


def _too_large(max_bytes: int) -> InputError:
    return InputError(
        f"Plik jest za duży (po rozpakowaniu więcej niż {max_bytes} bajtów). / "
        f"The file is too large (more than {max_bytes} bytes, after decompression)."
    )


def _maybe_gunzip(data: bytes, max_bytes: int, *, partial: bool = False) -> bytes:
    """Un-gzip ``data`` if it is gzip, never producing more than ``max_bytes`` bytes.

    With ``partial`` the first ``max_bytes`` bytes are returned instead of raising.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    out = bytearray()
    rest = data
    # A gzip file may hold several members; decompress each in bounded steps.
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = rest
        while chunk:
            try:
                out += inflater.decompress(chunk, max_bytes + 1 - len(out))
            except zlib.error as exc:
                if partial:
                    return bytes(out)
                raise InputError(
                    f"Uszkodzony plik gzip: {exc}. / Corrupt gzip file: {exc}."
                ) from None
            if len(out) > max_bytes:
                if partial:
                    return bytes(out[:max_bytes])
                raise _too_large(max_bytes)
            chunk = inflater.unconsumed_tail
        if not inflater.eof:
            if partial:
                return bytes(out)
            raise InputError("Niekompletny plik gzip. / Truncated gzip file.")
        rest = inflater.unused_data.lstrip(b"\x00")
        if rest and not rest.startswith(GZIP_MAGIC):
            break
    return bytes(out)


def read_bytes(data: bytes, *, max_bytes: int) -> bytes:
    """Check the size of ``data`` and un-gzip it within ``max_bytes``; raise InputError if over."""
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return _maybe_gunzip(data, max_bytes)


def _line_column(text: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = text[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _check_utf8(data: bytes, fmt: RdfFormat) -> None:
    try:
        # Slice by slice: decoding a large file at once would hold it a second time, as text.
        decoder = codecs.getincrementaldecoder("utf-8")()
        view = memoryview(data)
        for start in range(0, len(data), _UTF8_SLICE):
            decoder.decode(view[start:start + _UTF8_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _check_utf8_whole(data, fmt)


def _check_utf8_whole(data: bytes, fmt: RdfFormat) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise RdfSyntaxError(
            f"Błąd {fmt.name} w wierszu {line}, kolumna {column}: niepoprawne UTF-8 "
            f"(bajt 0x{data[exc.start]:02x}); zapisz plik w UTF-8. / "
            f"{fmt.name} error at line {line}, column {column}: invalid UTF-8 "
            f"(byte 0x{data[exc.start]:02x}); save the file as UTF-8.",
            format=fmt,
            line=line,
            column=column,
        ) from None


def _check_xml(data: bytes) -> None:
    match = _XML_DECLARATIONS.search(data)
    if match:
        line, column = _line_column(data, match.start())
        raise RdfSyntaxError(
            f"RDF/XML z deklaracją DOCTYPE lub ENTITY (wiersz {line}, kolumna {column}) jest "
            "odrzucany ze względów bezpieczeństwa; usuń deklarację. / RDF/XML with a DOCTYPE or "
            f"ENTITY declaration (line {line}, column {column}) is refused for safety; remove "
            "the declaration.",
            format=RdfFormat.RDF_XML,
            line=line,
            column=column,
        )


def _xml_position(data: bytes) -> tuple[int | None, int | None, str | None]:
    """Locate a well-formedness error with expat (DTDs were refused before this runs)."""
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1, xml.parsers.expat.ErrorString(exc.code)
    return None, None, None


def _syntax_error(exc: SyntaxError, fmt: RdfFormat, data: bytes) -> RdfSyntaxError:
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    line, column = exc.lineno, exc.offset
    if "LoadDocumentCallback" in message:
        return RdfSyntaxError(
            "Zdalne konteksty JSON-LD nie są pobierane; wstaw kontekst do pliku (inline). / "
            "Remote JSON-LD contexts are not fetched; inline the context.",
            format=fmt,
        )
    if line is None and fmt == RdfFormat.RDF_XML:
        line, column, xml_message = _xml_position(data)
        if xml_message and xml_message not in message:
            message = f"{message} ({xml_message})"
    # Drop pyoxigraph's own position prefix; the position is restated in both languages.
    message = re.sub(
        r"^Parser error at line \d+ (column \d+|between columns \d+ and \d+): ", "", message
    )
    where_pl = f" w wierszu {line}, kolumna {column}" if line is not None else ""
    where_en = f" at line {line}, column {column}" if line is not None else ""
    return RdfSyntaxError(
        f"Błąd składni {fmt.name}{where_pl}: {message} / {fmt.name} syntax error{where_en}: {message}",
        format=fmt,
        line=line,
        column=column,
    )


def iter_rdf(
    data: bytes,
    *,
    format: str | RdfFormat | None = None,
    filename: str | None = None,
    base_iri: str | None = None,
    max_bytes: int,
) -> Iterator[pyoxigraph.Quad]:
    """Yield the quads of an RDF file after the safety checks; errors raise InputError.

    The checks (size, gzip, UTF-8, XML declarations) run before the first quad is yielded;
    syntax errors surface while iterating.
    """
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    fmt = detect_format(format=format, filename=filename, data=data)
    text = _maybe_gunzip(data, max_bytes)
    text = text.removeprefix(UTF8_BOM)
    _check_utf8(text, fmt)
    if fmt == RdfFormat.RDF_XML:
        _check_xml(text)
    return _parse(text, fmt, base_iri)


def _parse(text: bytes, fmt: RdfFormat, base_iri: str | None) -> Iterator[pyoxigraph.Quad]:
    try:
        parser = pyoxigraph.parse(text, fmt, base_iri=base_iri)
        yield from parser
    except SyntaxError as exc:
        raise _syntax_error(exc, fmt, text) from None
    except ValueError as exc:  # e.g. an invalid base IRI
        raise InputError(f"Błąd {fmt.name}: {exc} / {fmt.name} error: {exc}") from None


def parse_rdf(
    data: bytes,
    *,
    format: str | RdfFormat | None = None,
    filename: str | None = None,
    base_iri: str | None = None,
    max_bytes: int,
) -> list[pyoxigraph.Quad]:
    """Parse an RDF file (optionally gzipped) into a list of quads.

    The format comes from ``format`` (a name such as ``"turtle"`` or a media type), else from
    ``filename``'s extension. Relative IRIs resolve against ``base_iri``. Raises
    :class:`~registry.errors.InputError` for input that is too large, unsafe or malformed and
    :class:`~registry.errors.UsageError` for an unknown format.

    >>> [q.object.value for q in parse_rdf(b'<http://a> <http://b> "c" .', format="nt", max_bytes=100)]
    ['c']
    """
    return list(
        iter_rdf(data, format=format, filename=filename, base_iri=base_iri, max_bytes=max_bytes)
    )
