"""Validation of shape examples, behind one function per SHACL engine.

``validate_graph`` is the reference (pySHACL). Another engine plugs in by adding a function with
the same signature to ``ENGINES``; the shape tests run once per engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pyoxigraph
import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF

from registry.namespaces import SH
from registry.validation import shapes_graph, vocab_files

# One validation result: (focus node, English message, severity).
# The focus node is an IRI string (``_:id`` for a blank node); the severity is
# "violation", "warning" or "info".
Result = tuple[str, str, str]

_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@cache
def _vocab_graph() -> Graph:
    graph = Graph()
    for path in vocab_files():
        graph.parse(path, format="turtle")
    return graph


def data_graph(*paths: Path, data: str | None = None) -> Graph:
    """A data graph: the concept schemes plus the given Turtle files (or Turtle text)."""
    graph = Graph()
    graph += _vocab_graph()
    for path in paths:
        graph.parse(path, format="turtle")
    if data is not None:
        graph.parse(data=data, format="turtle")
    return graph


def data_store(*paths: Path, data: str | None = None) -> pyoxigraph.Store:
    """The same data as ``data_graph``, in an in-memory Oxigraph store (default graph)."""
    store = pyoxigraph.Store()
    for path in vocab_files() + list(paths):
        store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    if data is not None:
        store.bulk_load(input=data.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def validate_graph(data_graph: Graph | pyoxigraph.Store) -> list[Result]:
    """Validate a data graph (an rdflib Graph or an Oxigraph store) with pySHACL."""
    _conforms, report, _text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes_graph(),
        advanced=False,
        inference="none",
        allow_warnings=True,
    )
    # Nested results (sh:detail, from sh:node) are left out: the top-level result carries the
    # message of the property shape that failed.
    return [
        _result(report, node)
        for validation in report.subjects(RDF.type, SH.ValidationReport)
        for node in report.objects(validation, SH.result)
    ]


def _result(report: Graph, node: BNode) -> Result:
    focus = report.value(node, SH.focusNode)
    severity = _SEVERITIES.get(report.value(node, SH.resultSeverity), "violation")
    return _node_text(focus), _english_message(report, node, focus), severity


def _english_message(report: Graph, node: BNode, focus: object) -> str:
    messages = list(report.objects(node, SH.resultMessage))
    for message in messages:
        if isinstance(message, Literal) and message.language == "en":
            return str(message)
    # pySHACL drops the language tag of SPARQL-based messages when it fills in {?value}; take
    # the English template from the shapes and fill it in the same way.
    shapes = shapes_graph()
    source = report.value(node, SH.sourceConstraint) or report.value(node, SH.sourceShape)
    for template in shapes.objects(source, SH.message):
        if isinstance(template, Literal) and template.language == "en":
            bindings = {"this": focus, "value": report.value(node, SH.value)}
            return _fill(str(template), bindings)
    return str(messages[0]) if messages else ""


def _fill(template: str, bindings: dict[str, object]) -> str:
    for name, term in bindings.items():
        if term is not None:
            template = template.replace("{?" + name + "}", str(term))
            template = template.replace("{$" + name + "}", str(term))
    return template


def _node_text(term: object) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def summary(results: Iterable[Result]) -> str:
    """Results as readable lines, for assertion messages."""
    return "\n".join(f"  {severity}: <{focus}> {message}" for focus, message, severity in results)


def validate_in_oxigraph(data_graph: Graph | pyoxigraph.Store) -> list[Result]:
    """Validate with pySHACL, running its SPARQL inside Oxigraph (a graph is copied into a store)."""
    if isinstance(data_graph, pyoxigraph.Store):
        return validate_graph(data_graph)
    store = pyoxigraph.Store()
    store.bulk_load(
        input=data_graph.serialize(format="nt", encoding="utf-8"),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
    )
    return validate_graph(store)


ENGINES: dict[str, Callable[[Graph | pyoxigraph.Store], list[Result]]] = {
    "pyshacl": validate_graph,
    "pyshacl-oxigraph": validate_in_oxigraph,
}


def validate_compiled(data_graph: Graph | pyoxigraph.Store) -> list[Result]:
    """Validate with the registry's own engine (the shapes compiled to SPARQL, run in Oxigraph)."""

    if isinstance(data_graph, pyoxigraph.Store):
        store = data_graph
    else:
        store = pyoxigraph.Store()
        store.bulk_load(
            input=data_graph.serialize(format="nt", encoding="utf-8"),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
        )
    severities = {str(k): v for k, v in _SEVERITIES.items()}
    return [
        (r.focus, r.message("en"), severities.get(r.severity, "violation"))
        for r in _compiled().validate(store)
    ]


@cache
def _compiled():
    from registry.validation import CompiledShapes

    return CompiledShapes(shapes_graph())


ENGINES["compiled"] = validate_compiled
