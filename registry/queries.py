"""Named queries: one ``.rq`` file of ``sparql_queries/`` is one query, its file stem its name.

The lines of a file that start with ``#+`` form a YAML header (as in grlc): ``summary``,
``description``, ``tags`` and ``parameters``. Each parameter binds the SPARQL variable of the same
name. Raw values (text, as a user types them) are checked and converted into RDF terms, which
reach the query only through pyoxigraph's ``substitutions``: values are bound, never spliced
into the query text. ``docs/named-queries.md`` describes the format and the rules a query must
follow so that its parameters bind as intended.

>>> q = get("offers_by_cpv")
>>> q.bind({"cpv": "55520000-1"}, "http://127.0.0.1:8000")
{'cpv': '<https://w3id.org/pes-registry/vocab/cpv/55520000-1>', 'lang': '"pl"'}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from . import config
from .errors import QueryDefinitionError, UsageError
from .namespaces import KINDS, VOCAB_BASE, XSD
from .store import Store, resource_iri, valid_key

TYPES = ("string", "integer", "decimal", "boolean", "date", "iri", "concept", "resource")
FORMS = ("select", "ask", "construct", "describe")
TODAY = "today"
MAX_STRING = 1000  # longest accepted string value, in characters

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
_DECIMAL = re.compile(r"^[+-]?([0-9]{1,18}([.,][0-9]{0,18})?|[.,][0-9]{1,18})$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_PLAIN = re.compile(r"^[\w .,:/+@-]{0,60}$")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_HEADER_KEYS = {"summary", "description", "tags", "parameters"}
_PARAMETER_KEYS = {"type", "description", "required", "default", "example", "scheme", "kind", "enum"}
# Tokens of a query text that may hide a keyword: IRIs, strings and comments.
_OPAQUE = re.compile(
    r'<[^<>"{}|^`\\\s]*>|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*"
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)

_XSD_STRING = ox.NamedNode(str(XSD.string))
_XSD_INTEGER = ox.NamedNode(str(XSD.integer))
_XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))
_XSD_BOOLEAN = ox.NamedNode(str(XSD.boolean))
_XSD_DATE = ox.NamedNode(str(XSD.date))


class ParameterError(UsageError):
    """A parameter value of a named query is missing, unknown or malformed."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query: it binds the SPARQL variable ``?{name}``."""

    name: str
    type: str
    description: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    scheme: str | None = None  # type "concept": key of the concept scheme
    kind: str | None = None  # type "resource": kind of instance
    enum: tuple[str, ...] | None = None

    def term(self, raw: str, base: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for one raw value; ParameterError if the value does not fit."""
        value = raw.strip()
        if value == TODAY and self.type == "date":
            value = today().isoformat()
        if self.enum is not None and value not in self.enum:
            self._fail(value, f"must be one of {', '.join(self.enum)}")
        if self.type == "string":
            if len(value) > MAX_STRING:
                self._fail(value, f"is longer than {MAX_STRING} characters")
            if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
                self._fail(value, "contains control characters")
            return ox.Literal(value, datatype=_XSD_STRING)
        if self.type == "integer":
            if not _INTEGER.match(value):
                self._fail(value, "must be a whole number, e.g. 2025")
            return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)
        if self.type == "decimal":
            if not _DECIMAL.match(value):
                self._fail(value, "must be a decimal number, e.g. 0.3")
            return ox.Literal(_canonical_decimal(value.replace(",", ".")), datatype=_XSD_DECIMAL)
        if self.type == "boolean":
            if value.lower() not in _BOOLEANS:
                self._fail(value, "must be true or false")
            return ox.Literal("true" if _BOOLEANS[value.lower()] else "false", datatype=_XSD_BOOLEAN)
        if self.type == "date":
            try:
                if not _DATE.match(value):
                    raise ValueError
                day = dt.date.fromisoformat(value)
            except ValueError:
                self._fail(value, "must be a date written YYYY-MM-DD, e.g. 2026-02-01")
            return ox.Literal(day.isoformat(), datatype=_XSD_DATE)
        if self.type == "iri":
            return self._named_node(value, "must be an absolute IRI, e.g. https://example.org/x")
        if self.type == "concept":
            key = value.removeprefix(f"{VOCAB_BASE}{self.scheme}/")
            key = _resolve_concept(self.scheme or "", key)
            if key is None:
                self._fail(value, f"is not a concept of the {self.scheme!r} scheme")
            return ox.NamedNode(f"{VOCAB_BASE}{self.scheme}/{key}")
        if self.type == "resource":
            base = base.rstrip("/")
            key = value.removeprefix(f"{base}/id/{self.kind}/")
            if not valid_key(key):
                self._fail(
                    value,
                    f"must be the key of a {self.kind} (lower-case letters, digits and hyphens)",
                )
            return ox.NamedNode(resource_iri(base, self.kind or "", key))
        raise AssertionError(self.type)  # types are checked when the file is read

    def _named_node(self, value: str, hint: str) -> ox.NamedNode:
        if not _IRI.match(value):
            self._fail(value, hint)
        try:
            return ox.NamedNode(value)
        except ValueError:
            self._fail(value, hint)

    def _fail(self, value: str, why: str):
        # The value is quoted back only when it is short and plain: messages may end up in HTML.
        shown = repr(value) if _PLAIN.match(value) else "the value"
        raise ParameterError(self.name, f"parameter {self.name!r}: {shown} {why}")


@dataclass(frozen=True)
class NamedQuery:
    """A documented SPARQL query of ``sparql_queries/`` with typed parameters."""

    name: str
    text: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    form: str  # "select", "ask", "construct" or "describe"
    tags: tuple[str, ...] = field(default=())

    def parameter(self, name: str) -> Parameter:
        """One parameter by name; ParameterError if the query has none of that name."""
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(
            name, f"query {self.name!r} has no parameter {name!r} (its parameters: {known})"
        )

    def terms(self, raw: Mapping[str, str], base: str) -> dict[str, ox.NamedNode | ox.Literal]:
        """Checked and converted parameter values, by variable name, as pyoxigraph terms."""
        for name in raw:
            self.parameter(name)
        out: dict[str, ox.NamedNode | ox.Literal] = {}
        for p in self.parameters:
            value = raw.get(p.name)
            if value is not None and not isinstance(value, str):
                raise ParameterError(p.name, f"parameter {p.name!r} must be given as text")
            if value is None or not value.strip():
                if p.required:
                    raise ParameterError(
                        p.name, f"query {self.name!r} needs the parameter {p.name!r}"
                    )
                if p.default is None:
                    continue  # an optional parameter without value stays unbound
                value = p.default
            out[p.name] = p.term(value, base)
        return out

    def bind(self, raw: Mapping[str, str], base: str) -> dict[str, str]:
        """Check and convert raw values into ``{variable name: term in N-Triples syntax}``.

        Unknown parameter names and missing required parameters are a ParameterError; defaults
        are applied; optional parameters without a value stay unbound (absent from the result).
        """
        return {name: str(term) for name, term in self.terms(raw, base).items()}

    def substitutions(self, raw: Mapping[str, str], base: str) -> dict[ox.Variable, Any]:
        """The same as ``bind``, as pyoxigraph variables and terms for ``substitutions=``."""
        return {ox.Variable(name): parse_term(text) for name, text in self.bind(raw, base).items()}

    def run(self, store: Store, raw: Mapping[str, str]):
        """Run the query in this process over the union default graph of ``store``."""
        return store.query(self.text, substitutions=self.substitutions(raw, store.base))


def parse_term(text: str) -> ox.NamedNode | ox.Literal:
    """One IRI or literal from its N-Triples form, as ``NamedQuery.bind`` writes it.

    The text is parsed by the N-Triples parser as the object of one triple, and must be exactly
    that object, so nothing but one term can come out of it.
    """
    try:
        triples = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        triples = []
    if len(triples) != 1 or str(triples[0].object) != text:
        raise UsageError(f"not one RDF term in N-Triples syntax: {text[:60]!r}")
    term = triples[0].object
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise UsageError(f"not an IRI or a literal: {text[:60]!r}")
    return term


@cache
def all_queries() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    out = {}
    for path in sorted(config.queries_dir().glob("*.rq")):
        if not _NAME.match(path.stem):
            raise QueryDefinitionError(
                f"{path.name}: a query name is lower-case letters, digits and underscores"
            )
        out[path.stem] = load(path)
    return out


def get(name: str) -> NamedQuery:
    """One named query; UsageError if there is none of that name."""
    try:
        return all_queries()[name]
    except KeyError:
        raise UsageError(f"no named query {name!r}") from None


def load(path: Path) -> NamedQuery:
    """Read, check and return one query file; QueryDefinitionError names the file if it is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise QueryDefinitionError(f"{path.name}: cannot be read ({e})") from None
    return parse(path.stem, text, source=path.name)


def parse(name: str, text: str, *, source: str | None = None) -> NamedQuery:
    """A named query from the text of its file (header and query)."""
    source = source or f"{name}.rq"

    def fail(message: str) -> QueryDefinitionError:
        return QueryDefinitionError(f"{source}: {message}")

    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+ ") or line.rstrip() == "#+":
            header_lines.append(line[3:])
    try:
        header = yaml.safe_load("\n".join(header_lines)) if header_lines else None
    except yaml.YAMLError as e:
        raise fail(f"the #+ header is not valid YAML: {e}") from None
    if not isinstance(header, dict):
        raise fail("the #+ header must be a YAML mapping with at least 'summary'")
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        raise fail(f"unknown header keys {sorted(unknown)} (allowed: {sorted(_HEADER_KEYS)})")
    summary, description = header.get("summary"), header.get("description", "")
    if not isinstance(summary, str) or not summary.strip():
        raise fail("'summary' must be a non-empty text")
    if not isinstance(description, str):
        raise fail("'description' must be a text")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("'tags' must be a list of texts")
    specs = header.get("parameters") or {}
    if not isinstance(specs, dict):
        raise fail("'parameters' must be a mapping from parameter name to its description")

    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    parameters = tuple(_parameter(name, spec, body, fail) for name, spec in specs.items())
    query = NamedQuery(
        name=name,
        text=text,
        summary=" ".join(summary.split()),
        description=description.strip(),
        parameters=parameters,
        form=_form(body, fail),
        tags=tuple(tags),
    )
    _check_bindable(query, fail)
    return query


def _parameter(name: Any, spec: Any, body: str, fail) -> Parameter:
    if not isinstance(name, str) or not _VARIABLE.match(name):
        raise fail(f"parameter name {name!r} is not a SPARQL variable name")
    if not isinstance(spec, dict):
        raise fail(f"parameter {name!r} must be a mapping (type, description, ...)")
    unknown = set(spec) - _PARAMETER_KEYS
    if unknown:
        raise fail(f"parameter {name!r} has unknown keys {sorted(unknown)}")
    kind_of_value = spec.get("type")
    if kind_of_value not in TYPES:
        raise fail(f"parameter {name!r} has type {kind_of_value!r}; use one of {', '.join(TYPES)}")
    description = spec.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail(f"parameter {name!r} needs a description")
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise fail(f"parameter {name!r}: 'required' must be true or false")
    scheme, kind = spec.get("scheme"), spec.get("kind")
    if (kind_of_value == "concept") != (scheme is not None):
        raise fail(f"parameter {name!r}: 'scheme' goes with type concept, and only with it")
    if scheme is not None and not (config.vocab_dir() / f"{scheme}.ttl").is_file():
        raise fail(f"parameter {name!r}: no concept scheme {scheme!r} in ontology/vocab")
    if (kind_of_value == "resource") != (kind is not None):
        raise fail(f"parameter {name!r}: 'kind' goes with type resource, and only with it")
    if kind is not None and kind not in KINDS:
        raise fail(f"parameter {name!r}: kind must be one of {', '.join(KINDS)}")
    enum = spec.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        raise fail(f"parameter {name!r}: 'enum' must be a non-empty list")
    if not re.search(rf"[?$]{name}\b", body):
        raise fail(f"parameter {name!r} does not appear as ?{name} in the query")
    try:
        parameter = Parameter(
            name=name,
            type=kind_of_value,
            description=" ".join(description.split()),
            required=required,
            default=_raw(spec.get("default")),
            example=_raw(spec.get("example")),
            scheme=scheme,
            kind=kind,
            enum=None if enum is None else tuple(_raw(v) for v in enum),
        )
    except ValueError as e:
        raise fail(f"parameter {name!r}: {e}") from None
    if required and parameter.default is not None:
        raise fail(f"parameter {name!r} is required and so cannot have a default")
    for label, value in (("default", parameter.default), ("example", parameter.example)):
        if value is not None:
            try:
                parameter.term(value, config.DEFAULT_BASE)
            except ParameterError as e:
                raise fail(f"the {label} of {e}") from None
    for value in parameter.enum or ():
        try:
            parameter.term(value, config.DEFAULT_BASE)
        except ParameterError as e:
            raise fail(f"an enum value of {e}") from None
    return parameter


def _raw(value: Any) -> str | None:
    """A header value as the text a user would type (YAML reads 2025 as a number, etc.)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int | float | str):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    raise ValueError(f"a value must be a single text or number, not {value!r}")


def _form(body: str, fail) -> str:
    match = _FORM.search(_OPAQUE.sub(" ", body))
    if match is None:
        raise fail("no SELECT, ASK, CONSTRUCT or DESCRIBE in the query")
    return match.group(1).lower()


def _check_bindable(query: NamedQuery, fail) -> None:
    """Run the query on an empty store with every parameter bound: syntax and binding errors.

    pyoxigraph refuses to substitute a variable that a SELECT does not project (or that a
    CONSTRUCT or ASK pattern does not mention), so this catches a query that would fail only
    when the parameter is given.
    """
    values = {p.name: p.example or p.default for p in query.parameters}
    raw = {k: v for k, v in values.items() if v is not None}
    raw.update({p.name: _dummy(p) for p in query.parameters if p.name not in raw})
    try:
        result = ox.Store().query(
            query.text,
            use_default_graph_as_union=True,
            substitutions=query.substitutions(raw, config.DEFAULT_BASE),
        )
    except SyntaxError as e:
        raise fail(f"SPARQL syntax error: {e}") from None
    except (OSError, RuntimeError, ValueError) as e:
        raise fail(f"the query cannot bind its parameters: {e}") from None
    expected = {
        "select": ox.QuerySolutions,
        "ask": ox.QueryBoolean,
        "construct": ox.QueryTriples,
        "describe": ox.QueryTriples,
    }[query.form]
    if not isinstance(result, expected):
        raise fail(f"the query is not a {query.form.upper()} query")


def _dummy(p: Parameter) -> str:
    if p.enum:
        return p.enum[0]
    if p.type == "concept":
        return next(iter(sorted(concept_keys(p.scheme or ""))), "x")
    return {
        "string": "x",
        "integer": "1",
        "decimal": "1.0",
        "boolean": "true",
        "date": "2000-01-01",
        "iri": "urn:x:dummy",
        "resource": "x",
    }[p.type]


@lru_cache(maxsize=64)
def concept_keys(scheme: str) -> frozenset[str]:
    """Keys of the concepts of one of the registry's concept schemes (from its shipped file)."""
    path = config.vocab_dir() / f"{scheme}.ttl"
    prefix = f"{VOCAB_BASE}{scheme}/"
    keys = set()
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
                keys.add(term.value[len(prefix) :])
    return frozenset(keys)


def _resolve_concept(scheme: str, key: str) -> str | None:
    """The concept key for a user's value: the key itself, or a CPV code without check digit."""
    keys = concept_keys(scheme)
    if key in keys:
        return key
    if scheme == "cpv" and re.fullmatch(r"[0-9]{8}", key):
        matches = [k for k in keys if k.startswith(f"{key}-")]
        if len(matches) == 1:
            return matches[0]
    return None


def today() -> dt.date:
    """The current date in Toruń (the system's date if the time-zone database is missing)."""
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("Europe/Warsaw")).date()
    except (ImportError, KeyError, ValueError, OSError):
        return dt.date.today()


def _canonical_decimal(value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise ValueError(value) from None
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0")
    if text.endswith("."):
        text += "0"
    if "." not in text:
        text += ".0"
    return "0.0" if text in ("-0.0", "+0.0") else text
