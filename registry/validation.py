"""SHACL validation: the only module that imports pySHACL.

Two engines read the same shapes (``shapes/*.ttl``):

* ``CompiledShapes``, the one the ingest uses: each constraint of the shapes is compiled once into
  a SPARQL query that finds *all* its violations at once, run inside an in-memory Oxigraph store
  holding the documents being written and the concept schemes. Its cost grows with the size of
  the documents validated, never with the size of the registry. It covers the SHACL subset the
  shapes use (listed in ``SUPPORTED``) and refuses shapes outside it.
* ``reference_validate``: pySHACL, the reference engine. The test suite checks that both engines
  report the same results on every shape example.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from . import config
from .errors import RegistryError
from .namespaces import SH

VIOLATION = str(SH.Violation)
WARNING = str(SH.Warning)

SUPPORTED = {
    "targets": ["sh:targetClass"],
    "paths": ["predicate IRI", "sequence of IRIs", "sh:inversePath IRI"],
    "constraints": [
        "sh:minCount", "sh:maxCount", "sh:datatype", "sh:class", "sh:nodeKind", "sh:in",
        "sh:hasValue", "sh:pattern", "sh:flags", "sh:minInclusive", "sh:maxInclusive",
        "sh:minExclusive", "sh:maxExclusive", "sh:minLength", "sh:maxLength", "sh:languageIn",
        "sh:uniqueLang", "sh:node", "sh:or (of sh:datatype or sh:class members)", "sh:sparql",
    ],
}


class ShapesError(RegistryError):
    """The shapes use SHACL outside the compiled subset, or are malformed."""


@dataclass(frozen=True)
class Result:
    """One validation result, engine-independent."""

    focus: str  # IRI, or "_:label" for a blank node
    severity: str  # the sh:Violation / sh:Warning / sh:Info IRI
    source_shape: str
    component: str
    path: str | None
    value: str | None
    messages: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_violation(self) -> bool:
        return self.severity == VIOLATION

    def message(self, lang: str = "en") -> str:
        """The message in the given language, else any message, else a generic one."""
        if lang in self.messages:
            return self.messages[lang]
        if "" in self.messages:
            return self.messages[""]
        if self.messages:
            return next(iter(self.messages.values()))
        return f"{self.component.rsplit('#', 1)[-1]} failed"

    def to_dict(self) -> dict:
        return {
            "focus": self.focus,
            "severity": self.severity.rsplit("#", 1)[-1],
            "path": self.path,
            "value": self.value,
            "shape": self.source_shape,
            "component": self.component.rsplit("#", 1)[-1],
            "message_pl": self.message("pl"),
            "message_en": self.message("en"),
        }


# -- loading shapes and vocabularies ---------------------------------------------------------


def shape_files() -> list[Path]:
    return sorted(config.shapes_dir().glob("*.ttl"))


def vocab_files() -> list[Path]:
    return sorted(config.vocab_dir().glob("*.ttl"))


@cache
def shapes_graph() -> Graph:
    """All shapes, parsed once per process."""
    g = Graph()
    for path in shape_files():
        g.parse(path, format="turtle")
    return g


@cache
def vocab_quads() -> tuple[ox.Quad, ...]:
    """Every concept scheme, each in its own named graph (the scheme's IRI)."""
    quads: list[ox.Quad] = []
    for path in vocab_files():
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        scheme = _scheme_of(triples) or path.stem
        g = ox.NamedNode(scheme)
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)
    return tuple(quads)


def _scheme_of(triples: Sequence[ox.Triple]) -> str | None:
    rdf_type = ox.NamedNode(str(RDF.type))
    scheme_cls = ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme")
    for t in triples:
        if t.predicate == rdf_type and t.object == scheme_cls:
            return t.subject.value
    return None


# -- the compiled engine ---------------------------------------------------------------------


@dataclass
class _Constraint:
    source_shape: str
    component: str
    severity: str
    messages: dict[str, str]
    path: str | None
    query: str
    has_value_var: bool
    plain_query: str = ""  # the same with rdf:type alone, for data without rdfs:subClassOf


_XSD_CASTS = {
    str(XSD.integer): "xsd:integer",
    str(XSD.decimal): "xsd:decimal",
    str(XSD.double): "xsd:double",
    str(XSD.float): "xsd:float",
    str(XSD.boolean): "xsd:boolean",
    str(XSD.date): "xsd:date",
    str(XSD.dateTime): "xsd:dateTime",
    str(XSD.gYear): "xsd:gYear",
    str(XSD.nonNegativeInteger): "xsd:integer",
    str(XSD.positiveInteger): "xsd:integer",
}

_PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)

_counter = itertools.count()


def _fresh(name: str) -> str:
    return f"?{name}_{next(_counter)}"


def _term(node) -> str:
    """An rdflib term in SPARQL syntax."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise ShapesError(f"a blank node cannot be used as a constant in a constraint: {node}")


class CompiledShapes:
    """The shapes compiled into one SPARQL query per constraint."""

    def __init__(self, shapes: Graph):
        self.shapes = shapes
        self.constraints: list[_Constraint] = []
        self._prefix_cache: dict = {}
        for shape in sorted(set(shapes.subjects(SH.targetClass, None)), key=str):
            if (shape, SH.deactivated, Literal(True)) in shapes:
                continue
            targets = [_term(c) for c in shapes.objects(shape, SH.targetClass)]
            focus = "{ " + " UNION ".join(
                f"{{ ?this rdf:type/rdfs:subClassOf* {t} }}" for t in targets
            ) + " }"
            for pattern, meta in self._shape_patterns(shape, "?this", depth=0):
                self.constraints.append(self._finish(focus, pattern, meta))

    # A shape yields (pattern, meta) pairs: ``pattern`` is a SPARQL group pattern that has a
    # solution for each violation, with the focus node in the given variable and the offending
    # value, if any, in ?value; meta holds the reporting data.

    def _shape_patterns(self, shape, this: str, depth: int):
        if depth > 8:
            raise ShapesError(f"shape {shape} nests sh:node too deeply")
        g = self.shapes
        severity = str(g.value(shape, SH.severity) or SH.Violation)
        for key in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            if g.value(shape, key) is not None:
                raise ShapesError(f"shape {shape}: {key.n3()} is outside the supported subset")
        # Node-level constraints on the focus node itself.
        yield from self._value_constraints(shape, this, this, None, severity, depth, node_level=True)
        for prop in g.objects(shape, SH.property):
            if (prop, SH.deactivated, Literal(True)) in g:
                continue
            yield from self._property_patterns(prop, this, depth)

    def _property_patterns(self, prop, this: str, depth: int):
        g = self.shapes
        severity = str(g.value(prop, SH.severity) or SH.Violation)
        path_node = g.value(prop, SH.path)
        if path_node is None:
            raise ShapesError(f"property shape {prop} has no sh:path")
        path = self._path(path_node)
        value = _fresh("v")
        messages = _messages(g, prop)
        meta = dict(shape=prop, severity=severity, messages=messages, path=path)
        min_count = g.value(prop, SH.minCount)
        if min_count is not None:
            n = int(min_count)
            if n == 1:
                pat = f"FILTER NOT EXISTS {{ {this} {path} ?any_{next(_counter)} }}"
            elif n > 1:
                c = _fresh("count")
                pat = (
                    f"{{ SELECT {this} (COUNT(DISTINCT {value}) AS {c}) WHERE {{ "
                    f"OPTIONAL {{ {this} {path} {value} }} }} GROUP BY {this} }} FILTER({c} < {n})"
                )
            else:
                pat = None
            if pat:
                yield pat, dict(meta, component=SH.MinCountConstraintComponent, value=None)
        max_count = g.value(prop, SH.maxCount)
        if max_count is not None:
            c = _fresh("count")
            pat = (
                f"{{ SELECT {this} (COUNT(DISTINCT {value}) AS {c}) WHERE {{ "
                f"{this} {path} {value} }} GROUP BY {this} }} FILTER({c} > {int(max_count)})"
            )
            yield pat, dict(meta, component=SH.MaxCountConstraintComponent, value=None)
        has_value = g.value(prop, SH.hasValue)
        if has_value is not None:
            pat = f"FILTER NOT EXISTS {{ {this} {path} {_term(has_value)} }}"
            yield pat, dict(meta, component=SH.HasValueConstraintComponent, value=None)
        if g.value(prop, SH.uniqueLang) == Literal(True):
            other = _fresh("o")
            pat = (
                f"{this} {path} {value} , {other} . FILTER(!sameTerm({value}, {other}) && "
                f"lang({value}) != \"\" && lang({value}) = lang({other}))"
            )
            yield pat, dict(meta, component=SH.UniqueLangConstraintComponent, value=None)
        yield from self._value_constraints(prop, this, value, path, severity, depth, node_level=False)

    def _value_constraints(self, shape, this, value, path, severity, depth, *, node_level):
        """Constraints that test each value node (of the path, or the focus itself)."""
        g = self.shapes
        messages = _messages(g, shape)
        meta = dict(shape=shape, severity=severity, messages=messages, path=path)
        bind = "" if node_level else f"{this} {path} {value} . "
        checks: list[tuple[str, URIRef]] = []
        dt = g.value(shape, SH.datatype)
        if dt is not None:
            checks.append((_not_datatype(value, dt), SH.DatatypeConstraintComponent))
        cls = g.value(shape, SH["class"])
        if cls is not None:
            checks.append(
                (f"NOT EXISTS {{ {value} rdf:type/rdfs:subClassOf* {_term(cls)} }}",
                 SH.ClassConstraintComponent)
            )
        kind = g.value(shape, SH.nodeKind)
        if kind is not None:
            checks.append((_not_node_kind(value, kind), SH.NodeKindConstraintComponent))
        in_list = g.value(shape, SH["in"])
        if in_list is not None:
            members = list(Collection(g, in_list))
            test = " || ".join(f"sameTerm({value}, {_term(m)})" for m in members) or "false"
            checks.append((f"!({test})", SH.InConstraintComponent))
        pattern = g.value(shape, SH.pattern)
        if pattern is not None:
            flags = g.value(shape, SH.flags)
            args = f"{Literal(str(pattern)).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
            checks.append(
                (f"(isBlank({value}) || !REGEX(STR({value}), {args}))", SH.PatternConstraintComponent)
            )
        for key, op, comp in (
            (SH.minInclusive, ">=", SH.MinInclusiveConstraintComponent),
            (SH.maxInclusive, "<=", SH.MaxInclusiveConstraintComponent),
            (SH.minExclusive, ">", SH.MinExclusiveConstraintComponent),
            (SH.maxExclusive, "<", SH.MaxExclusiveConstraintComponent),
        ):
            bound = g.value(shape, key)
            if bound is not None:
                checks.append((f"COALESCE(!({value} {op} {_term(bound)}), true)", comp))
        for key, op, comp in (
            (SH.minLength, "<", SH.MinLengthConstraintComponent),
            (SH.maxLength, ">", SH.MaxLengthConstraintComponent),
        ):
            bound = g.value(shape, key)
            if bound is not None:
                checks.append((f"(isBlank({value}) || STRLEN(STR({value})) {op} {int(bound)})", comp))
        langs = g.value(shape, SH.languageIn)
        if langs is not None:
            tags = [str(t) for t in Collection(g, langs)]
            test = " || ".join(f"langMatches(lang({value}), {Literal(t).n3()})" for t in tags)
            checks.append((f"(!isLiteral({value}) || !({test or 'false'}))",
                           SH.LanguageInConstraintComponent))
        or_list = g.value(shape, SH["or"])
        if or_list is not None:
            alternatives = []
            for member in Collection(g, or_list):
                m_dt = g.value(member, SH.datatype)
                m_cls = g.value(member, SH["class"])
                others = {p for p in g.predicates(member, None)} - {SH.datatype, SH["class"], RDF.type}
                if others or (m_dt is None) == (m_cls is None):
                    raise ShapesError(
                        f"shape {shape}: sh:or members may only hold one sh:datatype or sh:class"
                    )
                if m_dt is not None:
                    alternatives.append(f"!({_not_datatype(value, m_dt)})")
                else:
                    alternatives.append(f"EXISTS {{ {value} rdf:type/rdfs:subClassOf* {_term(m_cls)} }}")
            checks.append((f"!({' || '.join(alternatives)})", SH.OrConstraintComponent))
        for test, component in checks:
            yield f"{bind}FILTER({test})", dict(meta, component=component, value=value)
        for node_shape in g.objects(shape, SH.node):
            inner = [p for p, _ in self._shape_patterns(node_shape, value, depth + 1)]
            if not inner:
                continue
            union = " UNION ".join(f"{{ {p} }}" for p in inner)
            yield (
                f"{bind}FILTER EXISTS {{ {union} }}",
                dict(meta, component=SH.NodeConstraintComponent, value=value),
            )
        for unsupported in (SH["and"], SH["not"], SH.xone, SH.qualifiedValueShape, SH.equals,
                            SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.closed):
            if g.value(shape, unsupported) is not None:
                raise ShapesError(f"shape {shape}: {unsupported.n3()} is outside the supported subset")
        for sparql in g.objects(shape, SH.sparql):
            if (sparql, SH.deactivated, Literal(True)) in g:
                continue
            yield self._sparql_pattern(shape, sparql, this, path, severity, depth)

    def _sparql_pattern(self, shape, constraint, this, path, severity, depth):
        g = self.shapes
        select = g.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"SPARQL constraint of {shape} has no sh:select")
        prefixes = self._prefixes(constraint)
        text = str(select)
        if path is not None:
            text = text.replace("$PATH", path)
        if depth > 0:
            raise ShapesError(f"shape {shape}: SPARQL constraints inside sh:node are not supported")
        # Pre-binding of $this: the constraint's query becomes a sub-select joined on ?this.
        inner = re.sub(r"\$this\b", "?this", text)
        if this != "?this":
            raise ShapesError("internal: SPARQL constraints need the focus in ?this")
        has_value = bool(re.search(r"\?value\b", inner.split("WHERE", 1)[0]))
        messages = _messages(g, constraint) or _messages(g, shape)
        pattern = f"{{ {inner} }}"
        return pattern, dict(
            shape=shape, severity=str(g.value(constraint, SH.severity) or severity),
            messages=messages, path=path, component=SH.SPARQLConstraintComponent,
            value="?value" if has_value else None, prefixes=prefixes,
        )

    def _prefixes(self, constraint) -> str:
        g = self.shapes
        lines = []
        for ontology in g.objects(constraint, SH.prefixes):
            if ontology in self._prefix_cache:
                lines.append(self._prefix_cache[ontology])
                continue
            decls = []
            for decl in g.objects(ontology, SH.declare):
                prefix = g.value(decl, SH.prefix)
                ns = g.value(decl, SH.namespace)
                if prefix is not None and ns is not None:
                    decls.append(f"PREFIX {prefix}: <{ns}>")
            self._prefix_cache[ontology] = "\n".join(decls)
            lines.append(self._prefix_cache[ontology])
        return "\n".join(lines)

    def _path(self, node) -> str:
        g = self.shapes
        if isinstance(node, URIRef):
            return f"<{node}>"
        inverse = g.value(node, SH.inversePath)
        if isinstance(inverse, URIRef):
            return f"^<{inverse}>"
        if (node, RDF.first, None) in g:
            items = list(Collection(g, node))
            if all(isinstance(i, URIRef) for i in items):
                return "/".join(f"<{i}>" for i in items)
        raise ShapesError(f"unsupported sh:path {node}")

    def _finish(self, focus: str, pattern: str, meta: dict) -> _Constraint:
        value = meta.get("value")
        head = "?this" + (f" ({value} AS ?value)" if value and value != "?value" else " ?value" if value else "")
        # SPARQL constraints return ?value themselves.
        query = (
            _PREFIXES + meta.get("prefixes", "") + "\n"
            f"SELECT DISTINCT {head} WHERE {{ {focus} {pattern} }}"
        )
        return _Constraint(
            plain_query=query.replace("rdf:type/rdfs:subClassOf*", "rdf:type"),
            source_shape=_node_id(meta["shape"]),
            component=str(meta["component"]),
            severity=meta["severity"],
            messages=meta["messages"],
            path=meta.get("path"),
            query=query,
            has_value_var=bool(value),
        )

    def validate(self, store: ox.Store) -> list[Result]:
        """Every result of the shapes over the union of the store's graphs."""
        return [result for _, result in self.results(store)]

    def results(self, store: ox.Store) -> Iterator[tuple[ox.NamedNode | ox.BlankNode, Result]]:
        """Every result of the shapes over the union of the store's graphs, with its focus node."""
        # SHACL class membership follows rdfs:subClassOf in the data graph; when the data has no
        # such triple (the usual case) plain rdf:type gives the same answer, faster.
        subclassing = store.query(
            "ASK { ?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b }",
            use_default_graph_as_union=True,
        )
        for c in self.constraints:
            try:
                rows = store.query(c.query if subclassing else c.plain_query,
                                   use_default_graph_as_union=True)
            except SyntaxError as e:
                raise ShapesError(f"shape {c.source_shape} compiles to invalid SPARQL: {e}") from None
            for row in rows:
                focus = row["this"]
                value = row["value"] if c.has_value_var else None
                yield focus, Result(
                    focus=_ox_id(focus),
                    severity=c.severity,
                    source_shape=c.source_shape,
                    component=c.component,
                    path=c.path,
                    value=_ox_id(value) if value is not None else None,
                    messages=_render(c.messages, focus, value),
                )


def _not_datatype(value: str, dt) -> str:
    test = f"(!isLiteral({value}) || datatype({value}) != {_term(dt)}"
    cast = _XSD_CASTS.get(str(dt))
    if cast:
        # An ill-formed lexical form ("1,5"^^xsd:decimal) does not have the datatype either.
        test += f' || sameTerm(COALESCE({cast}(STR({value})), "\\u0000"), "\\u0000")'
    return test + ")"


def _not_node_kind(value: str, kind) -> str:
    tests = {
        SH.IRI: f"!isIRI({value})",
        SH.BlankNode: f"!isBlank({value})",
        SH.Literal: f"!isLiteral({value})",
        SH.BlankNodeOrIRI: f"isLiteral({value})",
        SH.BlankNodeOrLiteral: f"isIRI({value})",
        SH.IRIOrLiteral: f"isBlank({value})",
    }
    if kind not in tests:
        raise ShapesError(f"unknown sh:nodeKind {kind}")
    return tests[kind]


def _messages(g: Graph, node) -> dict[str, str]:
    return {(m.language or ""): str(m) for m in g.objects(node, SH.message) if isinstance(m, Literal)}


def _render(messages: dict[str, str], focus, value) -> dict[str, str]:
    if not messages:
        return {}
    out = {}
    for lang, text in messages.items():
        if "{" in text:
            text = text.replace("{$this}", _display(focus)).replace("{?this}", _display(focus))
            text = text.replace("{?value}", _display(value) if value is not None else "")
            text = text.replace("{$value}", _display(value) if value is not None else "")
        out[lang] = text
    return out


def _display(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


def _ox_id(term) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return term.value


def _node_id(node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


@cache
def compiled_shapes() -> CompiledShapes:
    """The registry's shapes, compiled once per process."""
    return CompiledShapes(shapes_graph())


@cache
def _vocab_graphs() -> frozenset:
    return frozenset(q.graph_name for q in vocab_quads())


def _graph_names(quads: tuple[ox.Quad, ...]) -> frozenset:
    return _vocab_graphs() if quads is vocab_quads() else frozenset(q.graph_name for q in quads)


class Validator:
    """Validates documents in an in-memory staging store that also holds the concept schemes.

    Each run gets a new staging store: clearing a used one does not make Oxigraph's in-memory
    store small again, and its queries would slow down run after run (the concept schemes take
    a few milliseconds to copy in). A validator may be used by several threads at once; the
    queries run without Python's global lock.
    """

    def __init__(self, shapes: CompiledShapes | None = None, context: Iterable[ox.Quad] | None = None):
        self.shapes = shapes or compiled_shapes()
        # The concept schemes live in named graphs; queries see the union of all graphs.
        self._context = vocab_quads() if context is None else tuple(context)
        self._context_graphs = _graph_names(self._context)

    def _staging(self) -> ox.Store:
        store = ox.Store()
        store.extend(self._context)
        return store

    def validate(self, statements: Iterable[ox.Quad | ox.Triple]) -> list[Result]:
        """Results of the shapes over these statements (plus the concept schemes)."""
        staging = self._staging()
        default = ox.DefaultGraph()
        staging.extend(
            s if isinstance(s, ox.Quad) and s.graph_name == default
            else ox.Quad(s.subject, s.predicate, s.object)
            for s in statements
        )
        return self.shapes.validate(staging)

    def validate_graphs(self, trig: bytes) -> list[tuple[str, Result]]:
        """Results over documents given as TriG, one named graph each, with each one's graph.

        A result belongs to the graph that holds the statements about its focus node; results
        about the concept schemes are left out.
        """
        staging = self._staging()
        staging.load(trig, ox.RdfFormat.TRIG)
        out = []
        for focus, result in self.shapes.results(staging):
            for q in staging.quads_for_pattern(focus, None, None, None):
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name not in self._context_graphs:
                    out.append((q.graph_name.value, result))
                    break
        return out


def reference_validate(triples: Iterable[ox.Triple], context: Iterable[ox.Quad] | None = None) -> list[Result]:
    """Validate with pySHACL (the reference engine) over a pyoxigraph store."""
    import pyshacl  # the only import of pySHACL

    data = ox.Store()
    data.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    data.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in (vocab_quads() if context is None else context)
    )
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=False, inplace=True,
        allow_warnings=True,
    )
    return results_from_report(report)


def results_from_report(report: Graph) -> list[Result]:
    """Engine-independent results from a SHACL validation report graph."""
    out = []
    # Only top-level results: nested ones (sh:detail, from sh:node) are not reported by SHACL.
    top = [r for v in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(v, SH.result)]
    for r in top:
        focus = report.value(r, SH.focusNode)
        value = report.value(r, SH.value)
        path = report.value(r, SH.resultPath)
        out.append(
            Result(
                focus=_node_id(focus) if isinstance(focus, BNode) else str(focus),
                severity=str(report.value(r, SH.resultSeverity)),
                source_shape=_node_id(report.value(r, SH.sourceShape)),
                component=str(report.value(r, SH.sourceConstraintComponent)),
                path=None if path is None else (f"<{path}>" if isinstance(path, URIRef) else str(path)),
                value=None if value is None else str(value),
                messages=_messages_of_result(report, r),
            )
        )
    return out


def _messages_of_result(report: Graph, r) -> dict[str, str]:
    return {(m.language or ""): str(m) for m in report.objects(r, SH.resultMessage)}
