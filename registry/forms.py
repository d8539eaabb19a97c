"""Editing forms derived from the SHACL shapes: the shapes stay the one source of truth.

For each kind of document, the node shapes that target its class give the form's fields (read
once per process from ``shapes/*.ttl``, in the order the shapes list them):

* the property path, the label (``sh:name``, else the ontology's ``rdfs:label``) and help
  (``sh:description``, else the ontology's ``rdfs:comment``), in Polish and English;
* required (``sh:minCount`` ≥ 1 in a violation), recommended (the same in a warning), repeatable
  (``sh:maxCount`` absent or > 1);
* what a value is, from the constraints: text, text per language (``rdf:langString``), a date,
  a number with its bounds, a yes/no, a pattern; a concept of a scheme (``sh:node`` of a shape
  that requires ``skos:inScheme``, or the ontology's ``pes:conceptScheme``); a link to another
  document of the registry (the ingest's link checks say which kinds); a web address
  (``sh:nodeKind sh:IRI``); a part of the document (``sh:class`` of a class with its own shape,
  held in a ``#fragment`` of the document, e.g. an address), shown as a nested fieldset; or a
  reference to such a part defined elsewhere in the document (a programme action's goals).

Several property shapes on one path (a violation and a warning, say) make one field.

Values travel as a nested dictionary (``values``): the fields of a node by name, lists for
repeatable fields, ``{"pl": …, "en": …}`` for text per language, a dictionary with its
fragment IRI in ``_iri`` for each part. In an HTML form they are flat names: ``name.pl``,
``email.0``, ``status.1.statusType``, ``address._iri``.

Statements of a document that no field shows (properties the shapes do not describe, parts not
reached from the main resource) are kept as they are: the form carries them as Turtle in ``_kept``,
so an edit never loses data. ``dct:modified`` is left to the write path, which stamps it.

* :func:`values_from_store` reads a document into values;
* :func:`triples_from_form` turns submitted form data back into the document's statements
  (malformed input becomes field errors, never an exception);
* :func:`field_messages` puts the validation results of a write next to the fields they concern.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from . import config, labels
from .ingest import REFERENCES
from .namespaces import (
    ADMS,
    DCT,
    ELI,
    ESSGLOBAL,
    ORG,
    PES,
    PROV,
    RDF,
    RDFS,
    ROV,
    SCHEMA,
    SH,
    SKOS,
    VOCAB_BASE,
    XSD,
)
from .namespaces import PREFIXES as NAMESPACES
from .store import graph_iri, resource_iri, valid_key
from .validation import shape_files

LANGS = ("pl", "en")
FORM_KINDS = ("entity", "offer", "opportunity", "action", "unit", "programme")

# The class of the main resource of each kind; a unit is a city unit or the municipality.
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "entity": (str(PES.SocialEconomyEntity),),
    "offer": (str(SCHEMA.Offer),),
    "opportunity": (str(PES.CooperationOpportunity),),
    "action": (str(PES.CooperationAction),),
    "programme": (str(PES.CooperationProgramme),),
    "unit": (str(PES.CityUnit), str(PES.Municipality)),
}
# The other rdf:type statements of a document of each class, as docs/data-model.md gives them.
# For a subclass with a shape of its own (a unit without legal personality), its list replaces
# the one of the main class.
EXTRA_TYPES: dict[str, tuple[str, ...]] = {
    str(PES.SocialEconomyEntity): (
        str(ROV.RegisteredOrganization),
        str(SCHEMA.Organization),
        str(ESSGLOBAL.SSEInitiative),
    ),
    str(PES.SocialEconomyUnit): (
        str(ORG.OrganizationalUnit),
        str(SCHEMA.Organization),
        str(ESSGLOBAL.SSEInitiative),
    ),
    str(SCHEMA.Offer): (str(ESSGLOBAL.ProductOrService),),
    str(PES.CooperationOpportunity): (str(SCHEMA.Demand),),
    str(PES.CooperationAction): (str(PROV.Activity),),
    str(PES.CooperationProgramme): (str(PROV.Plan),),
    str(PES.CityUnit): (str(ORG.OrganizationalUnit),),
    str(PES.Municipality): (str(ROV.RegisteredOrganization), str(ORG.FormalOrganization)),
}
# Concept schemes the shapes check only inside a SPARQL constraint (which a form cannot read).
SPARQL_SCHEMES: dict[str, tuple[str, ...]] = {
    str(ROV.orgType): (VOCAB_BASE + "legal-form",),
}
# Links to resources of other documents and the kinds they point to: the ingest's link checks,
# and an offer's entity.
LINK_KINDS: dict[str, tuple[str, ...]] = {**REFERENCES, str(SCHEMA.offeredBy): ("entity",)}
# Properties that point to a part held through another property: the shapes require (in SPARQL)
# that an entity's registration is one of its identifiers.
REFERS_TO_PART: dict[str, str] = {str(ROV.registration): str(ADMS.Identifier)}
# Not edited in a form: the write path stamps the modification date.
NOT_EDITED = frozenset({str(DCT.modified)})
# Text in several languages shown in a one-line input; any other such text gets a text area.
SHORT_TEXT = frozenset(
    str(p)
    for p in (
        SCHEMA.name,
        SCHEMA.unitText,
        PES.unitOfMeasure,
        PES.grantedBy,
        PES.capacity,
        PES.manualSource,
    )
) | {str(ELI.title)}
# A concept scheme larger than this gets a text input with suggestions instead of a list.
LARGE_SCHEME = 60
# Resources of a kind offered in a list; with more, a text input takes a key or an address.
LINK_CHOICES = 300
MAX_SLOTS = 200  # repeated values or parts read from one submitted field
MAX_DEPTH = 3  # parts within parts

_RDF_TYPE = str(RDF.type)
_SH = str(SH)
_XSD = str(XSD)
_STRING, _LANG_STRING = _XSD + "string", str(RDF.langString)
_BOOLEAN, _DATE, _DATETIME, _GYEAR = (
    _XSD + "boolean",
    _XSD + "date",
    _XSD + "dateTime",
    _XSD + "gYear",
)
_INTEGER, _DECIMAL, _DOUBLE = _XSD + "integer", _XSD + "decimal", _XSD + "double"
_NUMBERS = (
    _INTEGER,
    _DECIMAL,
    _DOUBLE,
    _XSD + "float",
    _XSD + "nonNegativeInteger",
    _XSD + "positiveInteger",
)
_IN_SCHEME = str(SKOS.inScheme)
_CONCEPT_SCHEME = str(PES.conceptScheme)


def _t(pl: str, en: str) -> tuple[str, str]:
    return (pl, en)


# -- reading the shapes and the ontology ----------------------------------------------------------


class _Graph:
    """A small, ordered view of Turtle files: the statements about each node, as written."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self.out: dict[object, list[tuple[str, object]]] = defaultdict(list)
        self.inv: dict[tuple[str, object], list[object]] = defaultdict(list)
        for t in triples:
            self.out[t.subject].append((t.predicate.value, t.object))
            self.inv[(t.predicate.value, t.object)].append(t.subject)

    def objects(self, s, p: str) -> list:
        return [o for q, o in self.out.get(s, ()) if q == p]

    def value(self, s, p: str):
        for q, o in self.out.get(s, ()):
            if q == p:
                return o
        return None

    def subjects(self, p: str, o) -> list:
        return list(self.inv.get((p, o), ()))

    def items(self, node) -> list:
        """The members of an RDF list."""
        out, seen = [], set()
        nil = str(RDF.nil)
        while node is not None and not (isinstance(node, ox.NamedNode) and node.value == nil):
            if node in seen:
                break
            seen.add(node)
            first = self.value(node, str(RDF.first))
            if first is not None:
                out.append(first)
            node = self.value(node, str(RDF.rest))
        return out

    def texts(self, s, p: str) -> dict[str, str]:
        """Literals by language ("" for none)."""
        out: dict[str, str] = {}
        for o in self.objects(s, p):
            if isinstance(o, ox.Literal):
                out.setdefault(o.language or "", o.value)
        return out


@cache
def _shapes() -> _Graph:
    triples: list[ox.Triple] = []
    for path in shape_files():
        triples.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return _Graph(triples)


@cache
def _ontology() -> _Graph:
    path = config.ontology_dir() / "pes.ttl"
    return _Graph(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE) if path.exists() else ())


def _sh(name: str) -> str:
    return _SH + name


def _active(g: _Graph, node) -> bool:
    flag = g.value(node, _sh("deactivated"))
    return not (isinstance(flag, ox.Literal) and flag.value == "true")


def _target_shapes(cls: str) -> list:
    g = _shapes()
    return [s for s in g.subjects(_sh("targetClass"), ox.NamedNode(cls)) if _active(g, s)]


def _int(term) -> int | None:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def _concept_scheme_of_shape(node) -> str | None:
    """The scheme a node shape requires (``skos:inScheme`` with ``sh:hasValue``), else None."""
    g = _shapes()
    for prop in g.objects(node, _sh("property")):
        path = g.value(prop, _sh("path"))
        value = g.value(prop, _sh("hasValue"))
        if (
            isinstance(path, ox.NamedNode)
            and path.value == _IN_SCHEME
            and isinstance(value, ox.NamedNode)
        ):
            return value.value
    return None


def _kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower().replace("_", "-")


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


# -- the form model --------------------------------------------------------------------------------


@dataclass
class Field:
    """One field of a form: a property of a node, with what its values are."""

    name: str
    path: str
    labels: dict[str, str]
    helps: dict[str, str]
    value: str  # literal | lang | boolean | concept | choice | link | url | node | ref
    required: bool = False
    recommended: bool = False
    max_count: int | None = None
    datatypes: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    node: NodeForm | None = None
    ref_class: str | None = None
    choices: tuple[ox.NamedNode | ox.Literal, ...] = ()
    pattern: str | None = None  # for the HTML pattern attribute, when compatible
    minimum: str | None = None
    maximum: str | None = None
    long: bool = False
    variant: str | None = None  # the subclass whose shape brings this field

    @property
    def repeatable(self) -> bool:
        return self.max_count is None or self.max_count > 1

    def label(self, lang: str) -> str:
        text = (
            self.labels.get(lang)
            or self.labels.get("pl")
            or self.labels.get("")
            or local_name(self.path)
        )
        return text[:1].upper() + text[1:]

    def help(self, lang: str) -> str:
        return self.helps.get(lang) or self.helps.get("") or ""

    @property
    def numeric(self) -> bool:
        return bool(self.datatypes) and all(d in _NUMBERS or d == _GYEAR for d in self.datatypes)

    @property
    def widget(self) -> str:
        """How the field is shown (the template may refine it per value)."""
        if self.value == "node":
            return "fieldset"
        if self.value == "lang":
            return "textarea" if self.long else "text"
        if self.value == "boolean":
            return "checkbox"
        if self.value == "url":
            return "url"
        if self.value in ("concept", "choice", "ref"):
            if self.value == "concept" and len(concept_options(self.schemes)) > LARGE_SCHEME:
                return "datalist"
            return "checkboxes" if self.repeatable else "select"
        if self.value == "link":
            return "select"
        dts = set(self.datatypes)
        if dts and dts <= {_DATE, _DATETIME}:
            return "date" if _DATE in dts else "datetime-local"
        if self.numeric:
            return "number"
        return "textarea" if self.long else "text"

    @property
    def step(self) -> str:
        return (
            "1"
            if set(self.datatypes)
            <= {_INTEGER, _GYEAR, _XSD + "nonNegativeInteger", _XSD + "positiveInteger"}
            else "any"
        )


@dataclass
class Variant:
    """A subclass of the main class with a shape of its own (e.g. a unit without legal
    personality): a yes/no in the form adds its type and shows its fields."""

    cls: str
    labels: dict[str, str]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("pl") or local_name(self.cls)


@dataclass
class NodeForm:
    """The fields of one node of a document (the main resource, or a part of it)."""

    cls: str
    labels: dict[str, str]
    fields: list[Field]
    variants: list[Variant] = field(default_factory=list)

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("pl") or local_name(self.cls)

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def by_path(self, path: str) -> Field | None:
        for f in self.fields:
            if f.path == path:
                return f
        return None


def kind_classes(kind: str) -> tuple[str, ...]:
    return KIND_CLASSES.get(kind, ())


def _kind_of_class(cls: str) -> str | None:
    for kind, classes in KIND_CLASSES.items():
        if cls in classes:
            return kind
    return None


def _subclasses(cls: str) -> list[str]:
    onto = _ontology()
    return [
        s.value
        for s in onto.subjects(str(RDFS.subClassOf), ox.NamedNode(cls))
        if isinstance(s, ox.NamedNode)
    ]


@cache
def form_model(kind: str, cls: str | None = None) -> NodeForm:
    """The form of a kind's main resource (of ``cls``, one of the kind's classes)."""
    classes = kind_classes(kind)
    if not classes:
        raise KeyError(kind)
    cls = cls if cls in classes else classes[0]
    variants = [c for c in _subclasses(cls) if _target_shapes(c)]
    shapes = [(s, None) for s in _target_shapes(cls)]
    shapes += [(s, v) for v in variants for s in _target_shapes(v)]
    pools = _pools([s for s, _ in shapes])
    return NodeForm(
        cls=cls,
        labels=_shape_labels(shapes[0][0]) if shapes else _class_labels(cls),
        fields=_fields(shapes, depth=0, pools=pools, chain=(cls,)),
        variants=[
            Variant(v, _shape_labels(_target_shapes(v)[0]) or _class_labels(v)) for v in variants
        ],
    )


def _shape_labels(shape) -> dict[str, str]:
    return _shapes().texts(shape, str(RDFS.label))


def _class_labels(cls: str) -> dict[str, str]:
    return _ontology().texts(ox.NamedNode(cls), str(RDFS.label))


def _pools(shapes: list) -> frozenset[str]:
    """Classes of parts the main resource holds several of (goals, indicators): deeper in the
    document a property of such a class refers to one of them instead of holding a new one."""
    g = _shapes()
    out = set()
    for shape in shapes:
        for prop in g.objects(shape, _sh("property")):
            cls = g.value(prop, _sh("class"))
            max_count = _int(g.value(prop, _sh("maxCount")))
            if isinstance(cls, ox.NamedNode) and (max_count is None or max_count > 1):
                out.add(cls.value)
    return frozenset(out)


def _fields(
    shapes: list[tuple[object, str | None]],
    *,
    depth: int,
    pools: frozenset[str],
    chain: tuple[str, ...],
) -> list[Field]:
    g = _shapes()
    by_path: dict[str, list] = {}
    variant_of: dict[str, str | None] = {}
    for shape, variant in shapes:
        for prop in g.objects(shape, _sh("property")):
            if not _active(g, prop):
                continue
            path = g.value(prop, _sh("path"))
            if not isinstance(path, ox.NamedNode) or path.value in NOT_EDITED:
                continue  # only predicate paths are edited in a form
            by_path.setdefault(path.value, []).append(prop)
            variant_of.setdefault(path.value, variant)
    fields: list[Field] = []
    names: set[str] = set()
    for path, props in by_path.items():
        f = _field(path, props, depth=depth, pools=pools, chain=chain)
        if f is None:
            continue
        f.variant = variant_of[path]
        if f.name in names:
            f.name = f"{local_name(path.rsplit('#', 1)[0].rsplit('/', 1)[0])}-{f.name}"
        names.add(f.name)
        fields.append(f)
    return fields


def _field(
    path: str, props: list, *, depth: int, pools: frozenset[str], chain: tuple[str, ...]
) -> Field | None:
    g, onto = _shapes(), _ontology()

    def severity(p) -> str:
        s = g.value(p, _sh("severity"))
        return s.value if isinstance(s, ox.NamedNode) else _sh("Violation")

    strict = [p for p in props if severity(p) == _sh("Violation")]
    mins = [_int(g.value(p, _sh("minCount"))) or 0 for p in strict]
    warn_mins = [_int(g.value(p, _sh("minCount"))) or 0 for p in props if p not in strict]
    maxes = [m for m in (_int(g.value(p, _sh("maxCount"))) for p in strict) if m is not None]
    names: dict[str, str] = {}
    helps: dict[str, str] = {}
    for p in props:
        names = names or g.texts(p, _sh("name"))
        helps = helps or g.texts(p, _sh("description"))
    prop_node = ox.NamedNode(path)
    names = names or onto.texts(prop_node, str(RDFS.label))
    helps = helps or onto.texts(prop_node, str(RDFS.comment))
    f = Field(
        name=local_name(path),
        path=path,
        labels=names,
        helps=helps,
        value="literal",
        required=any(m >= 1 for m in mins),
        recommended=not any(m >= 1 for m in mins) and any(m >= 1 for m in warn_mins),
        max_count=min(maxes) if maxes else None,
    )

    datatypes: list[str] = []
    classes: list[str] = []
    node_shapes: list = []
    schemes: list[str] = []
    choices: list = []
    kind = None
    for p in props:
        dt_ = g.value(p, _sh("datatype"))
        if isinstance(dt_, ox.NamedNode):
            datatypes.append(dt_.value)
        cls = g.value(p, _sh("class"))
        if isinstance(cls, ox.NamedNode):
            classes.append(cls.value)
        for member in g.items(g.value(p, _sh("or"))):
            m_dt, m_cls = g.value(member, _sh("datatype")), g.value(member, _sh("class"))
            if isinstance(m_dt, ox.NamedNode):
                datatypes.append(m_dt.value)
            if isinstance(m_cls, ox.NamedNode):
                classes.append(m_cls.value)
        for shape in g.objects(p, _sh("node")):
            scheme = _concept_scheme_of_shape(shape)
            if scheme:
                schemes.append(scheme)
            else:
                node_shapes.append(shape)
        choices.extend(g.items(g.value(p, _sh("in"))))
        nk = g.value(p, _sh("nodeKind"))
        if isinstance(nk, ox.NamedNode):
            kind = kind or nk.value
    for p in strict:
        pattern, flags = g.value(p, _sh("pattern")), g.value(p, _sh("flags"))
        if isinstance(pattern, ox.Literal) and flags is None:
            f.pattern = f.pattern or html_pattern(pattern.value)
        for key in ("minInclusive", "maxInclusive"):
            bound = g.value(p, _sh(key))
            if isinstance(bound, ox.Literal):
                setattr(f, "minimum" if key.startswith("min") else "maximum", bound.value)
    if not schemes:
        schemes = [
            o.value for o in onto.objects(prop_node, _CONCEPT_SCHEME) if isinstance(o, ox.NamedNode)
        ]
    schemes = [
        *SPARQL_SCHEMES.get(path, ()),
        *(s for s in schemes if s not in SPARQL_SCHEMES.get(path, ())),
    ]
    f.datatypes = tuple(dict.fromkeys(datatypes))

    if choices:
        f.value, f.choices = "choice", tuple(choices)
    elif schemes:
        f.value, f.schemes = "concept", tuple(dict.fromkeys(schemes))
    elif path in LINK_KINDS:
        f.value, f.kinds = "link", LINK_KINDS[path]
    elif classes or node_shapes:
        cls = classes[0] if classes else None
        if cls and _kind_of_class(cls):
            return None  # another kind's resource (an entity's offers have forms of their own)
        if cls and ((depth > 0 and cls in pools) or REFERS_TO_PART.get(path) == cls):
            f.value, f.ref_class = "ref", cls
        else:
            inner = ([(s, None) for s in _target_shapes(cls)] if cls else []) + [
                (s, None) for s in node_shapes
            ]
            if not inner or depth >= MAX_DEPTH or (cls and cls in chain):
                return None  # kept as statements: nothing in the shapes to build a form from
            f.value = "node"
            f.node = NodeForm(
                cls=cls or "",
                labels=_shape_labels(inner[0][0]) or (_class_labels(cls) if cls else {}),
                fields=_fields(
                    inner, depth=depth + 1, pools=pools, chain=chain + ((cls,) if cls else ())
                ),
            )
            if not f.node.fields:
                return None
    elif _BOOLEAN in f.datatypes:
        f.value = "boolean"
    elif _LANG_STRING in f.datatypes:
        f.value = "lang"
        f.long = path not in SHORT_TEXT
    elif kind == _sh("IRI") and not f.datatypes:
        f.value = "url"
    return f


def html_pattern(regex: str) -> str | None:
    """The regex for an HTML ``pattern`` attribute (anchored, ``v`` flag), or None when it might
    mean something else there; the shapes check it on the server in any case."""
    body = regex
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    if "^" in body.replace("[^", "") or "$" in body or "(?" in body:
        return None
    # Inside character classes the v flag reserves ( ) [ { } / - | and doubled punctuation.
    for cls in re.findall(r"\[(\^?)((?:\\.|[^\]\\])*)\]", body):
        inner = re.sub(r"[A-Za-z0-9]-[A-Za-z0-9]", "", cls[1])
        if re.search(r"[()\[\]{}/|\-]", re.sub(r"\\.", "", inner)):
            return None
    try:
        re.compile(body)
    except re.error:
        return None
    return body


# -- options ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    labels: tuple[tuple[str, str], ...]
    notation: str = ""

    def label(self, lang: str) -> str:
        d = dict(self.labels)
        return d.get(lang) or d.get("pl") or d.get("") or self.notation or local_name(self.value)


def _natural(text: str) -> tuple:
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|\D+", text)
    )


@cache
def concept_options(schemes: tuple[str, ...]) -> tuple[Option, ...]:
    """The concepts of the schemes (shipped vocabularies), by notation or label."""
    out = []
    for scheme in schemes:
        members = [t for t in labels.terms().values() if t.scheme == scheme]
        members.sort(key=lambda t: (_natural(t.notation or ""), t.label("pl")))
        out += [Option(t.iri, tuple(sorted(t.labels.items())), t.notation or "") for t in members]
    return tuple(out)


def scheme_label(scheme: str, lang: str) -> str:
    return labels.label(scheme, lang)


def link_options(
    store, kinds: Iterable[str], current: Iterable[str] = (), lang: str = "pl"
) -> list[tuple[str, str, str]] | None:
    """(kind, IRI, name) of the resources of these kinds in the store, by name; None when there
    are too many for a list. The current values are always among them."""
    out: dict[str, tuple[str, str, str]] = {}
    name_p = ox.NamedNode(str(SCHEMA.name))
    rdf_type = ox.NamedNode(_RDF_TYPE)
    base = store.base
    for kind in kinds:
        prefix = f"{base}/id/{kind}/"
        found = 0
        for cls in KIND_CLASSES.get(kind, ()):
            for q in store.raw.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None):
                s = q.subject
                if (
                    not isinstance(s, ox.NamedNode)
                    or not s.value.startswith(prefix)
                    or "#" in s.value
                ):
                    continue
                if s.value in out:
                    continue
                found += 1
                if found > LINK_CHOICES:
                    return None
                out[s.value] = (kind, s.value, _name(store, s, name_p, lang))
    for iri in current:
        if iri and iri not in out:
            kind = next((k for k in kinds if iri.startswith(f"{base}/id/{k}/")), "")
            out[iri] = (kind, iri, _name(store, ox.NamedNode(iri), name_p, lang) if kind else iri)
    return sorted(
        out.values(),
        key=lambda row: (list(kinds).index(row[0]) if row[0] in kinds else 99, row[2].casefold()),
    )


def resource_name(store, iri: str, lang: str) -> str:
    """The name of a resource of the registry in a language (else Polish, any, its key)."""
    return _name(store, ox.NamedNode(iri), ox.NamedNode(str(SCHEMA.name)), lang)


def _name(store, node: ox.NamedNode, name_p: ox.NamedNode, lang: str) -> str:
    names = {
        q.object.language or "": q.object.value
        for q in store.raw.quads_for_pattern(node, name_p, None, None)
        if isinstance(q.object, ox.Literal)
    }
    return (
        names.get(lang)
        or names.get("pl")
        or next(iter(names.values()), None)
        or local_name(node.value)
    )


# -- documents in the store --------------------------------------------------------------------------


def _within(term, iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and (
        term.value == iri or term.value.startswith(iri + "#")
    )


def document_graph(store, kind: str, key: str) -> str | None:
    """The named graph holding the resource (an offer: its entity's document), or None."""
    if kind == "offer":
        offer = ox.NamedNode(resource_iri(store.base, kind, key))
        for q in store.raw.quads_for_pattern(
            offer, ox.NamedNode(str(SCHEMA.offeredBy)), None, None
        ):
            if isinstance(q.graph_name, ox.NamedNode):
                return q.graph_name.value
        return None
    graph = graph_iri(store.base, kind, key)
    return graph if store.has_graph(graph) else None


def stored_triples(kind: str, key: str, store) -> list[ox.Triple] | None:
    """What a form of ``kind/key`` edits: the document's statements (an entity's without its
    offers, which have forms of their own and are kept when the entity is saved; an offer's, its
    part of its entity's document). None when there is no such resource."""
    graph = document_graph(store, kind, key)
    if graph is None:
        return None
    iri = resource_iri(store.base, kind, key)
    quads = list(store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    if kind == "offer":
        quads = [q for q in quads if _within(q.subject, iri)]
    elif kind == "entity":
        offered_by = str(SCHEMA.offeredBy)
        offers = {
            q.subject.value
            for q in quads
            if q.predicate.value == offered_by and q.object == ox.NamedNode(iri)
        }
        quads = [
            q
            for q in quads
            if q.predicate.value != str(SCHEMA.makesOffer)
            and not (
                isinstance(q.subject, ox.NamedNode) and q.subject.value.split("#", 1)[0] in offers
            )
        ]
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def class_of(kind: str, types: Iterable[str]) -> str:
    types = set(types)
    return next((c for c in kind_classes(kind) if c in types), kind_classes(kind)[0])


# -- values <-> terms ----------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
)
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$", re.I)
_FRAGMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$")


class _Bad(Exception):
    def __init__(self, pl: str, en: str):
        super().__init__(en)
        self.message = (pl, en)


def _clean(text) -> str:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _literal(f: Field, text: str) -> ox.Literal:
    """A typed literal from the text of a field (raises _Bad)."""
    dts = set(f.datatypes)
    if not dts or dts <= {_STRING}:
        return ox.Literal(text)
    if f.numeric:
        number = text.replace(",", ".").replace(" ", "").replace("\u00a0", "")
        if _GYEAR in dts and re.fullmatch(r"\d{4}", number):
            return ox.Literal(number, datatype=ox.NamedNode(_GYEAR))
        if _INTEGER in dts and _INTEGER_RE.match(number):
            return ox.Literal(number, datatype=ox.NamedNode(_INTEGER))
        if _DECIMAL in dts and _DECIMAL_RE.match(number):
            return ox.Literal(number, datatype=ox.NamedNode(_DECIMAL))
        if _DOUBLE in dts:
            try:
                float(number)
                return ox.Literal(number, datatype=ox.NamedNode(_DOUBLE))
            except ValueError:
                pass
        if dts <= {_INTEGER, _GYEAR}:
            raise _Bad("Wpisz liczbę całkowitą, np. 12.", "Enter a whole number, e.g. 12.")
        raise _Bad("Wpisz liczbę, np. 12 albo 12,5.", "Enter a number, e.g. 12 or 12.5.")
    if dts & {_DATE, _DATETIME}:
        if _DATE in dts and _DATE_RE.match(text):
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise _Bad("Nie ma takiej daty.", "There is no such date.") from None
            return ox.Literal(text, datatype=ox.NamedNode(_DATE))
        m = _DATETIME_RE.match(text)
        if _DATETIME in dts and m:
            lexical = text if m.group(3) else f"{m.group(1)}T{m.group(2)}:00{m.group(5) or ''}"
            try:
                dt.datetime.fromisoformat(lexical.replace("Z", "+00:00"))
            except ValueError:
                raise _Bad(
                    "Nie ma takiej daty lub godziny.", "There is no such date or time."
                ) from None
            return ox.Literal(lexical, datatype=ox.NamedNode(_DATETIME))
        if _DATETIME in dts and _DATE not in dts:
            raise _Bad(
                "Wpisz datę i godzinę (RRRR-MM-DDTGG:MM).",
                "Enter a date and time (YYYY-MM-DDTHH:MM).",
            )
        raise _Bad("Wpisz datę w postaci RRRR-MM-DD.", "Enter a date written YYYY-MM-DD.")
    if _STRING in dts:
        return ox.Literal(text)
    datatype = f.datatypes[0]
    return ox.Literal(text, datatype=ox.NamedNode(datatype))


def _iri_value(f: Field, text: str, base: str) -> ox.NamedNode:
    """An IRI from the text of a concept, choice, link or address field (raises _Bad)."""
    if f.value == "concept":
        options = {o.value for o in concept_options(f.schemes)}
        if text in options:
            return ox.NamedNode(text)
        if len(concept_options(f.schemes)) > LARGE_SCHEME:
            code = text.split()[0] if text.split() else ""
            if code.startswith(VOCAB_BASE):
                return ox.NamedNode(code)
            if len(f.schemes) == 1 and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", code):
                return ox.NamedNode(f"{f.schemes[0]}/{code}")
            raise _Bad(
                "Wpisz kod z listy podpowiedzi, np. " + _example(f) + ".",
                "Enter a code from the suggestions, e.g. " + _example(f) + ".",
            )
        raise _Bad("Wybierz wartość z listy.", "Choose a value from the list.")
    if f.value == "link":
        for kind in f.kinds:
            prefix = f"{base}/id/{kind}/"
            candidate = text
            if text.startswith(f"/{kind}/"):
                candidate = prefix + text[len(kind) + 2 :]
            elif valid_key(text) and len(f.kinds) == 1:
                candidate = prefix + text
            if candidate.startswith(prefix) and valid_key(candidate[len(prefix) :]):
                return ox.NamedNode(candidate)
        kinds_pl = {
            "entity": "podmiotu",
            "unit": "jednostki",
            "opportunity": "ogłoszenia",
            "offer": "oferty",
            "action": "działania",
            "programme": "programu",
        }
        raise _Bad(
            "Wybierz z listy albo wpisz adres "
            + " lub ".join(kinds_pl.get(k, k) for k in f.kinds)
            + f" w rejestrze ({base}/id/…).",
            "Choose from the list or enter the address of "
            + " or ".join(f"an {k}" if k[0] in "aeiou" else f"a {k}" for k in f.kinds)
            + f" in the registry ({base}/id/…).",
        )
    if f.value == "url":
        if _URL_RE.match(text):
            try:
                return ox.NamedNode(text)
            except ValueError:
                pass
        raise _Bad(
            "Wpisz pełny adres strony, np. https://example.org/.",
            "Enter a full web address, e.g. https://example.org/.",
        )
    raise _Bad("Nieznana wartość.", "Unknown value.")


def _example(f: Field) -> str:
    options = concept_options(f.schemes)
    return options[len(options) // 2].notation if options else "…"


def _text_of(f: Field, term) -> str | None:
    """What a field's input shows for a stored value (None: the field cannot show it)."""
    if f.value in ("literal", "choice") and isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        if (
            f.value == "concept"
            and len(concept_options(f.schemes)) > LARGE_SCHEME
            and len(f.schemes) == 1
        ):
            prefix = f.schemes[0] + "/"
            return term.value[len(prefix) :] if term.value.startswith(prefix) else term.value
        if f.value in ("concept", "link", "url", "ref", "choice"):
            return term.value
    return None


def _term_of(f: Field, text: str, base: str, main: str) -> ox.NamedNode | ox.Literal:
    """The term of one (non-empty, cleaned) input of a field (raises _Bad)."""
    if f.value == "literal":
        return _literal(f, text)
    if f.value == "choice":
        for c in f.choices:
            if c.value == text:
                return c
        raise _Bad("Wybierz wartość z listy.", "Choose a value from the list.")
    if f.value == "ref":
        if text.startswith(main + "#") and _FRAGMENT_RE.match(text[len(main) + 1 :]):
            return ox.NamedNode(text)
        raise _Bad("Wybierz wartość z listy.", "Choose a value from the list.")
    return _iri_value(f, text, base)


def _shows(f: Field, term, base: str, main: str) -> str | None:
    """The text a field shows for a stored value, when reading it back gives the same value."""
    if f.value == "ref" and not _within(term, main):
        return None
    text = _text_of(f, term)
    if text is None or _clean(text) != text:
        return None
    try:
        return text if _term_of(f, text, base, main) == term else None
    except _Bad:
        return None


# -- reading a document into values ----------------------------------------------------------------


def values_from_store(kind: str, key: str, store) -> dict | None:
    """The values a form of ``kind/key`` starts with (None when there is no such resource)."""
    triples = stored_triples(kind, key, store)
    if triples is None:
        return None
    return values_from_triples(kind, key, triples, store.base)


def values_from_triples(kind: str, key: str, triples: list[ox.Triple], base: str) -> dict:
    main = resource_iri(base, kind, key)
    node = ox.NamedNode(main)
    types = {
        t.object.value
        for t in triples
        if t.subject == node
        and t.predicate.value == _RDF_TYPE
        and isinstance(t.object, ox.NamedNode)
    }
    cls = class_of(kind, types)
    form = form_model(kind, cls)
    variants = [v.cls for v in form.variants if v.cls in types]
    reader = _Reader(triples, base, main)
    values = reader.node(form, node, "")
    for t in _types(cls, variants):
        reader.take(node, _RDF_TYPE, ox.NamedNode(t))
    for t in triples:
        if t.subject == node and t.predicate.value in NOT_EDITED:
            reader.used.add(t)
    values["_class"] = cls
    values["_variants"] = variants
    values["_kept"] = kept_text([t for t in triples if t not in reader.used], main)
    return values


def _types(cls: str, variants: list[str]) -> list[str]:
    effective = variants[-1] if variants else cls
    return list(dict.fromkeys([cls, *variants, *EXTRA_TYPES.get(effective, ())]))


class _Reader:
    def __init__(self, triples: list[ox.Triple], base: str, main: str):
        self.base, self.main = base, main
        self.by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            self.by_subject[t.subject].append(t)
        self.used: set[ox.Triple] = set()

    def take(self, s, p: str, o) -> bool:
        t = ox.Triple(s, ox.NamedNode(p), o)
        if t in self.by_subject.get(s, ()) and t not in self.used:
            self.used.add(t)
            return True
        return False

    def objects(self, s, p: str) -> list:
        found = [t.object for t in self.by_subject.get(s, ()) if t.predicate.value == p]
        return sorted(found, key=lambda o: (str(o),))

    def node(self, form: NodeForm, subject, frag: str) -> dict:
        values: dict = {}
        for f in form.fields:
            objects = [
                o
                for o in self.objects(subject, f.path)
                if ox.Triple(subject, ox.NamedNode(f.path), o) not in self.used
            ]
            if f.value == "lang":
                entry = {}
                for lang in LANGS:
                    for o in objects:
                        if (
                            isinstance(o, ox.Literal)
                            and o.language == lang
                            and _clean(o.value) == o.value
                            and o.value
                        ):
                            entry[lang] = o.value
                            self.take(subject, f.path, o)
                            break
                values[f.name] = entry
            elif f.value == "boolean":
                shown = ""
                for o in objects:
                    if (
                        isinstance(o, ox.Literal)
                        and o.datatype.value == _BOOLEAN
                        and o.value in ("true", "false")
                    ):
                        shown = o.value
                        self.take(subject, f.path, o)
                        break
                values[f.name] = shown
            elif f.value == "node":
                items = []
                for o in objects:
                    if (
                        len(items) >= (f.max_count or MAX_SLOTS)
                        or not _within(o, self.main)
                        or o.value == self.main
                    ):
                        continue
                    if not any(
                        t.predicate.value == _RDF_TYPE and t.object == ox.NamedNode(f.node.cls)
                        for t in self.by_subject.get(o, ())
                    ):
                        continue
                    if any(t in self.used for t in self.by_subject.get(o, ())):
                        continue  # already read through another property
                    self.take(subject, f.path, o)
                    self.take(o, _RDF_TYPE, ox.NamedNode(f.node.cls))
                    item = self.node(f.node, o, o.value.split("#", 1)[1])
                    item["_iri"] = o.value
                    items.append(item)
                values[f.name] = items if f.repeatable else (items[0] if items else {})
            else:
                shown = []
                for o in objects:
                    if not f.repeatable and shown:
                        break
                    text = _shows(f, o, self.base, self.main)
                    if text is not None:
                        shown.append(text)
                        self.take(subject, f.path, o)
                values[f.name] = shown if f.repeatable else (shown[0] if shown else "")
        return values


# Prefixes of the kept statements' Turtle.
PREFIXES = {name: str(ns) for name, ns in NAMESPACES.items() if name not in ("sh", "owl", "rdfs")}


def kept_text(triples: list[ox.Triple], main: str) -> str:
    """Statements no field shows, as Turtle (empty when there are none)."""
    if not triples:
        return ""
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    prefixes = {
        name: ns
        for name, ns in dict(PREFIXES, this=main + "#").items()
        if any(
            i.startswith(ns) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", i[len(ns) :])
            for i in iris
        )
    }
    text = (
        ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    )
    return text.decode()


# -- form data into values --------------------------------------------------------------------------


def values_from_formdata(kind: str, formdata: Mapping) -> dict:
    """The nested values of submitted form data (strings as given, empty slots kept)."""
    classes = kind_classes(kind)
    cls = _get(formdata, "_class")
    cls = cls if cls in classes else classes[0]
    form = form_model(kind, cls)
    values = _unflatten(form, formdata, "")
    values["_class"] = cls
    allowed = {v.cls for v in form.variants}
    values["_variants"] = [v for v in _getlist(formdata, "_variants") if v in allowed]
    values["_kept"] = _get(formdata, "_kept")
    return values


def _get(formdata: Mapping, name: str) -> str:
    value = formdata.get(name, "")
    return value if isinstance(value, str) else ""


def _getlist(formdata: Mapping, name: str) -> list[str]:
    if hasattr(formdata, "getlist"):
        return [v for v in formdata.getlist(name) if isinstance(v, str)][:MAX_SLOTS]
    value = formdata.get(name)
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)][:MAX_SLOTS]
    return [value] if isinstance(value, str) else []


def _indices(formdata: Mapping, prefix: str) -> list[int]:
    found = set()
    pattern = re.compile(re.escape(prefix) + r"(\d{1,4})(?:\.|$)")
    for name in formdata.keys():
        m = pattern.match(name)
        if m:
            found.add(int(m.group(1)))
    return sorted(found)[:MAX_SLOTS]


def _unflatten(form: NodeForm, formdata: Mapping, prefix: str) -> dict:
    values: dict = {}
    for f in form.fields:
        name = prefix + f.name
        if f.value == "lang":
            values[f.name] = {lang: _get(formdata, f"{name}.{lang}") for lang in LANGS}
        elif f.value == "boolean":
            given = _getlist(formdata, name)
            values[f.name] = "true" if "true" in given else "false" if "false" in given else ""
        elif f.value == "node":
            if f.repeatable:
                items = []
                for i in _indices(formdata, name + "."):
                    item = _unflatten(f.node, formdata, f"{name}.{i}.")
                    item["_iri"] = _get(formdata, f"{name}.{i}._iri")
                    item["_remove"] = _get(formdata, f"{name}.{i}._remove")
                    items.append(item)
                values[f.name] = items
            else:
                item = _unflatten(f.node, formdata, name + ".")
                item["_iri"] = _get(formdata, f"{name}._iri")
                item["_remove"] = _get(formdata, f"{name}._remove")
                values[f.name] = item
        elif f.repeatable:
            given = _getlist(formdata, name)  # checkboxes share one name
            given += [_get(formdata, f"{name}.{i}") for i in _indices(formdata, name + ".")]
            values[f.name] = given[:MAX_SLOTS]
        else:
            values[f.name] = _get(formdata, name)
    return values


def flatten(kind: str, values: dict) -> list[tuple[str, str]]:
    """Form data (name, value) pairs that give these values back: what a browser sends."""
    form = form_model(kind, values.get("_class"))
    out: list[tuple[str, str]] = [("_class", form.cls)]
    out += [("_variants", v) for v in values.get("_variants", ())]
    out.append(("_kept", values.get("_kept", "")))
    _flatten(form, values, "", out)
    return out


def _flatten(form: NodeForm, values: dict, prefix: str, out: list) -> None:
    for f in form.fields:
        name, value = prefix + f.name, values.get(f.name)
        if f.value == "lang":
            out += [(f"{name}.{lang}", (value or {}).get(lang, "")) for lang in LANGS]
        elif f.value == "node":
            items = (value or []) if f.repeatable else [value or {}]
            for i, item in enumerate(items):
                p = f"{name}.{i}." if f.repeatable else f"{name}."
                out.append((p + "_iri", item.get("_iri", "")))
                _flatten(f.node, item, p, out)
        elif f.repeatable:
            out += [(f"{name}.{i}", v) for i, v in enumerate(value or [])]
        elif value:
            out.append((name, value))


# -- values into statements ----------------------------------------------------------------------------


@dataclass
class Built:
    """The statements a form gives, the errors of its inputs by field name ((pl, en) pairs) and
    its values with every part's fragment IRI filled in."""

    triples: list[ox.Triple]
    errors: dict[str, list[tuple[str, str]]]
    values: dict


def triples_from_form(kind: str, key: str, formdata: Mapping, base: str) -> Built:
    """The document of ``kind/key`` a submitted form describes (see the module's docstring)."""
    return build(kind, key, values_from_formdata(kind, formdata), base)


def build(kind: str, key: str, values: dict, base: str) -> Built:
    main = resource_iri(base, kind, key)
    cls = (
        values.get("_class")
        if values.get("_class") in kind_classes(kind)
        else kind_classes(kind)[0]
    )
    form = form_model(kind, cls)
    variants = [v.cls for v in form.variants if v.cls in (values.get("_variants") or ())]
    builder = _Builder(base, main)
    kept = builder.kept(values.get("_kept") or "")
    builder.reserve(values, kept)
    node = ox.NamedNode(main)
    builder.triples += [
        ox.Triple(node, ox.NamedNode(_RDF_TYPE), ox.NamedNode(t)) for t in _types(cls, variants)
    ]
    builder.node(form, values, node, "", "")
    triples = list(dict.fromkeys(builder.triples + kept))
    values = dict(values, _class=cls, _variants=variants)
    return Built(triples=triples, errors=builder.errors, values=values)


class _Builder:
    def __init__(self, base: str, main: str):
        self.base, self.main = base, main
        self.triples: list[ox.Triple] = []
        self.errors: dict[str, list[tuple[str, str]]] = {}
        self.fragments: set[str] = set()

    def error(self, name: str, message: tuple[str, str]) -> None:
        self.errors.setdefault(name, []).append(message)

    def kept(self, text: str) -> list[ox.Triple]:
        text = _clean(text)
        if not text:
            return []
        try:
            triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=self.main))
        except (SyntaxError, ValueError) as e:
            self.error(
                "_kept",
                _t(
                    f"Nie można odczytać tych danych (Turtle): {e}",
                    f"These statements cannot be read (Turtle): {e}",
                ),
            )
            return []
        strangers = sorted(
            {
                t.subject.value
                for t in triples
                if isinstance(t.subject, ox.NamedNode) and not _within(t.subject, self.main)
            }
        )
        if strangers:
            self.error(
                "_kept",
                _t(
                    f"Te dane mogą dotyczyć tylko tego zasobu i jego części, nie {strangers[0]}.",
                    f"These statements may only be about this resource and its parts, not {strangers[0]}.",
                ),
            )
            return []
        return [ox.Triple(t.subject, t.predicate, t.object) for t in triples]

    def reserve(self, values: dict, kept: list[ox.Triple]) -> None:
        """Fragment identifiers already in use (so new parts get new ones)."""
        for t in kept:
            for term in (t.subject, t.object):
                if _within(term, self.main) and "#" in term.value:
                    self.fragments.add(term.value.split("#", 1)[1])

        def walk(v):
            if isinstance(v, dict):
                iri = v.get("_iri")
                if isinstance(iri, str) and iri.startswith(self.main + "#"):
                    self.fragments.add(iri.split("#", 1)[1])
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        walk(values)

    def fragment(self, stem: str) -> str:
        """A new fragment identifier: the stem (``address``), else the stem numbered from 2."""
        name, n = stem, 1
        while name in self.fragments:
            n += 1
            name = f"{stem}-{n}"
        self.fragments.add(name)
        return name

    def node(self, form: NodeForm, values: dict, subject, prefix: str, frag: str) -> None:
        for f in form.fields:
            name = prefix + f.name
            value = values.get(f.name)
            path = ox.NamedNode(f.path)
            if f.value == "lang":
                value = value if isinstance(value, dict) else {}
                for lang in LANGS:
                    text = _clean(value.get(lang))
                    if text:
                        self.triples.append(
                            ox.Triple(subject, path, ox.Literal(text, language=lang))
                        )
            elif f.value == "boolean":
                if value in ("true", "false"):
                    self.triples.append(
                        ox.Triple(subject, path, ox.Literal(value, datatype=ox.NamedNode(_BOOLEAN)))
                    )
            elif f.value == "node":
                items = (
                    value if isinstance(value, list) else [value] if isinstance(value, dict) else []
                )
                if not f.repeatable:
                    items = items[:1]
                for i, item in enumerate(items):
                    if not isinstance(item, dict) or item.get("_remove") or _empty(f.node, item):
                        continue
                    p = f"{name}.{i}." if f.repeatable else f"{name}."
                    iri = _clean(item.get("_iri"))
                    if iri:
                        if not (
                            iri.startswith(self.main + "#")
                            and _FRAGMENT_RE.match(iri[len(self.main) + 1 :])
                        ):
                            self.error(
                                p + "_iri",
                                _t(
                                    "Błędny identyfikator części dokumentu.",
                                    "Wrong identifier of a part of the document.",
                                ),
                            )
                            continue
                    else:
                        stem = (frag + "-" if frag else "") + _kebab(local_name(f.path))
                        iri = f"{self.main}#{self.fragment(stem)}"
                        item["_iri"] = iri
                    part = ox.NamedNode(iri)
                    self.triples += [
                        ox.Triple(subject, path, part),
                        ox.Triple(part, ox.NamedNode(_RDF_TYPE), ox.NamedNode(f.node.cls)),
                    ]
                    self.node(f.node, item, part, p, iri.split("#", 1)[1])
            else:
                texts = value if isinstance(value, list) else [value]
                for i, text in enumerate(texts):
                    text = _clean(text)
                    if not text:
                        continue
                    slot = (
                        f"{name}.{i}" if f.repeatable and f.widget not in ("checkboxes",) else name
                    )
                    try:
                        term = _term_of(f, text, self.base, self.main)
                    except _Bad as e:
                        self.error(slot, e.message)
                        continue
                    self.triples.append(ox.Triple(subject, path, term))


def _empty(form: NodeForm, values: dict) -> bool:
    for f in form.fields:
        v = values.get(f.name)
        if f.value == "lang":
            if isinstance(v, dict) and any(_clean(x) for x in v.values()):
                return False
        elif f.value == "node":
            items = v if isinstance(v, list) else [v]
            if any(isinstance(i, dict) and not _empty(f.node, i) for i in items):
                return False
        elif isinstance(v, list):
            if any(_clean(x) for x in v):
                return False
        elif _clean(v):
            return False
    return True


# -- slots of repeatable fields ---------------------------------------------------------------------


def add_slot(kind: str, values: dict, target: str) -> bool:
    """One more empty slot for the repeatable field ``target`` (a flat name such as ``status``
    or ``hasAction.0.plannedFunds``); False when there is no such field."""
    form = form_model(kind, values.get("_class"))
    parts = target.split(".")
    node, vals = form, values
    i = 0
    while i < len(parts):
        f = node.field(parts[i])
        if f is None:
            return False
        last = i == len(parts) - 1
        if last:
            if not f.repeatable or f.widget == "checkboxes" or f.value in ("lang", "boolean"):
                return False
            current = vals.get(f.name)
            current = current if isinstance(current, list) else []
            if len(current) >= MAX_SLOTS:
                return False
            current.append({} if f.value == "node" else "")
            vals[f.name] = current
            return True
        if f.value != "node":
            return False
        if f.repeatable:
            if i + 1 >= len(parts) or not parts[i + 1].isdigit():
                return False
            items = vals.get(f.name) or []
            index = int(parts[i + 1])
            if index >= len(items):
                return False
            vals, i = items[index], i + 2
        else:
            vals = vals.setdefault(f.name, {})
            i += 1
        node = f.node
    return False


def with_blank_slots(form: NodeForm, values: dict) -> dict:
    """A copy of the values with one empty slot in each repeatable field that has none, so a form
    always offers room for one more value."""
    out = dict(values)
    for f in form.fields:
        v = values.get(f.name)
        if f.value == "node":
            if f.repeatable:
                items = [with_blank_slots(f.node, i) for i in (v or []) if isinstance(i, dict)]
                if not any(_empty(f.node, i) and not i.get("_iri") for i in items):
                    items.append(with_blank_slots(f.node, {}))
                out[f.name] = items
            else:
                out[f.name] = with_blank_slots(f.node, v if isinstance(v, dict) else {})
        elif f.repeatable and f.widget != "checkboxes" and f.value not in ("lang", "boolean"):
            items = list(v) if isinstance(v, list) else []
            if not items or any(_clean(x) for x in items[-1:]):
                items.append("")
            out[f.name] = items
    return out


# -- messages of validation results ------------------------------------------------------------------


@dataclass
class Messages:
    """Messages by field name (violations and errors; warnings apart) and for the top of the
    form (those that concern no field)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    top_errors: list[str] = field(default_factory=list)
    top_warnings: list[str] = field(default_factory=list)

    def add(self, name: str | None, text: str, *, warning: bool = False) -> None:
        if name:
            target = self.warnings if warning else self.errors
            if text not in target.setdefault(name, []):
                target[name].append(text)
        else:
            target = self.top_warnings if warning else self.top_errors
            if text not in target:
                target.append(text)

    def under(self, prefix: str) -> bool:
        """True when an error concerns this name or a name under it."""
        return any(n == prefix or n.startswith(prefix + ".") for n in self.errors)


def messages_of_errors(
    errors: dict[str, list[tuple[str, str]]], lang: str, into: Messages | None = None
) -> Messages:
    out = into or Messages()
    for name, pairs in errors.items():
        for pl, en in pairs:
            out.add(name, pl if lang == "pl" else en)
    return out


def field_messages(
    kind: str, key: str, report, lang: str = "pl", *, values: dict | None = None
) -> Messages:
    """The messages of a validation report (an ``IngestReport``, a ``ValidationFailed`` or a list
    of ``DocumentReport``) next to the fields of the form of ``kind/key``, in ``lang``.

    A result is placed by its focus node (the main resource, or a part of it: the parts' IRIs are
    read from ``values``) and its path; one that concerns no field goes to the top of the form."""
    documents = _documents(report)
    marker = f"/id/{kind}/{key}"
    classes = kind_classes(kind)
    form = form_model(
        kind, (values or {}).get("_class") if values and values.get("_class") in classes else None
    )
    nodes: dict[str, tuple[NodeForm, str, dict]] = {}
    if values is not None:
        _collect_nodes(form, values, "", nodes)
    out = Messages()
    for doc in documents:
        for pl, en in getattr(doc, "errors", ()):
            out.add(None, pl if lang == "pl" else en)
        for r in getattr(doc, "results", ()):
            text = r.message(lang)
            warning = not r.is_violation
            focus = r.focus
            node_form, prefix, node_values = None, None, {}
            if focus.endswith(marker):
                node_form, prefix, node_values = form, "", values or {}
            elif marker + "#" in focus and focus in nodes:
                node_form, prefix, node_values = nodes[focus]
            if node_form is None:
                out.add(None, _located(text, focus, marker), warning=warning)
                continue
            path = (r.path or "").strip("<>")
            f = node_form.by_path(path) if path else None
            if f is None and not path and r.value is not None:
                f = _field_holding(
                    node_form, node_values, r.value
                )  # a SPARQL result names its value
            if f is not None:
                out.add(prefix + _slot_of(f, node_values, r.value), text, warning=warning)
            elif prefix:
                out.add(prefix.rstrip("."), text, warning=warning)
            else:
                out.add(None, text, warning=warning)
    return out


def _slot_of(f: Field, values: dict, value: str | None) -> str:
    """The name of the input that holds a result's value (one slot of a repeatable field, one
    language of a text), else the field's own name."""
    v = values.get(f.name)
    if value is None or f.widget == "checkboxes":
        return f.name
    if isinstance(v, dict) and f.value == "lang":
        hits = [lang for lang in LANGS if _clean(v.get(lang)) == value]
        return f"{f.name}.{hits[0]}" if len(hits) == 1 else f.name
    if isinstance(v, list):
        texts = [_clean(x) if isinstance(x, str) else "" for x in v]
        if f.value == "concept" and f.schemes:
            texts = [t if t.startswith(VOCAB_BASE) else f"{f.schemes[0]}/{t}" for t in texts]
        hits = [i for i, t in enumerate(texts) if t == value]
        return f"{f.name}.{hits[0]}" if len(hits) == 1 else f.name
    return f.name


def _field_holding(form: NodeForm, values: dict, value: str) -> Field | None:
    """The one field of a node whose input holds this value (a literal's text or an IRI)."""
    found = []
    for f in form.fields:
        if f.value == "node":
            continue
        v = values.get(f.name)
        texts = list(v.values()) if isinstance(v, dict) else list(v) if isinstance(v, list) else [v]
        texts = [_clean(x) for x in texts if isinstance(x, str)]
        if f.value == "concept" and f.schemes:
            texts += [f"{f.schemes[0]}/{x}" for x in texts]
        if value in texts:
            found.append(f)
    return found[0] if len(found) == 1 else None


def _located(text: str, focus: str, marker: str) -> str:
    if marker + "#" in focus or focus.endswith(marker):
        return text
    return f"{local_name(focus)}: {text}"


def _documents(report) -> list:
    if report is None:
        return []
    if isinstance(report, list):
        return report
    for attr in ("documents", "reports"):
        docs = getattr(report, attr, None)
        if docs:
            return list(docs)
    return []


def _collect_nodes(form: NodeForm, values: dict, prefix: str, out: dict) -> None:
    for f in form.fields:
        if f.value != "node":
            continue
        v = values.get(f.name)
        items = v if isinstance(v, list) else [v] if isinstance(v, dict) else []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            p = f"{prefix}{f.name}.{i}." if f.repeatable else f"{prefix}{f.name}."
            iri = item.get("_iri")
            if iri:
                out[iri] = (f.node, p, item)
            _collect_nodes(f.node, item, p, out)


# -- the parts a reference may point to ---------------------------------------------------------------


def ref_options(kind: str, values: dict, cls: str, lang: str) -> list[tuple[str, str]]:
    """(IRI, name) of the parts of class ``cls`` in the form's values (a programme's goals)."""
    form = form_model(kind, values.get("_class"))
    out: list[tuple[str, str]] = []

    def walk(node: NodeForm, vals: dict) -> None:
        for f in node.fields:
            if f.value != "node":
                continue
            v = vals.get(f.name)
            items = v if isinstance(v, list) else [v] if isinstance(v, dict) else []
            for item in items:
                if not isinstance(item, dict):
                    continue
                iri = item.get("_iri")
                if f.node.cls == cls and iri and not _empty(f.node, item):
                    out.append((iri, _item_name(f.node, item, lang) or iri.rsplit("#", 1)[-1]))
                walk(f.node, item)

    walk(form, values)
    return list(dict.fromkeys(out))


def _item_name(form: NodeForm, item: dict, lang: str) -> str:
    """A short name of a part: its name or title; else its first concept and first text (its
    first two texts when it has no concept), e.g. "NIP 8790000000", "120000 PLN"."""
    for f in form.fields:
        if f.value == "lang" and f.path in (str(SCHEMA.name), str(ELI.title)):
            v = item.get(f.name) or {}
            name = _clean(v.get(lang) or v.get("pl") or v.get("en"))
            if name:
                return name
    single = [f for f in form.fields if not f.repeatable and isinstance(item.get(f.name), str)]
    concepts = [
        labels.label(item[f.name], lang)
        for f in single
        if f.value == "concept" and _clean(item[f.name])
    ]
    texts = [_clean(item[f.name]) for f in single if f.value == "literal" and _clean(item[f.name])]
    return " ".join(concepts[:1] + texts[: 1 if concepts else 2])


def item_title(form: NodeForm, item: dict, lang: str) -> str:
    return _item_name(form, item, lang)


# -- keys of new documents ----------------------------------------------------------------------------


def suggest_key(text: str) -> str:
    """A key (slug) from a name: ``Spółdzielnia Socjalna „Przystań”`` → ``spoldzielnia-socjalna-przystan``."""
    text = text.translate(str.maketrans({"ł": "l", "Ł": "l"})).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > 80:
        slug = slug[:80].rsplit("-", 1)[0] or slug[:80]
    return slug.strip("-")


def main_name(values: dict) -> str:
    name = values.get("name")
    if isinstance(name, dict):
        return _clean(name.get("pl")) or _clean(name.get("en"))
    return ""
