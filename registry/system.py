"""The shipped graphs: the ontology and the concept schemes, installed into the store."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from . import config
from .namespaces import ONTOLOGY_GRAPH
from .store import Store, Write
from .validation import vocab_quads


def system_quads() -> dict[str, list[ox.Quad]]:
    """The ontology graph and one graph per concept scheme, as shipped with this version."""
    graphs: dict[str, list[ox.Quad]] = {}
    onto = config.ontology_dir() / "pes.ttl"
    if onto.exists():
        g = ox.NamedNode(ONTOLOGY_GRAPH)
        graphs[ONTOLOGY_GRAPH] = [
            ox.Quad(t.subject, t.predicate, t.object, g)
            for t in ox.parse(path=str(onto), format=ox.RdfFormat.TURTLE)
        ]
    for q in vocab_quads():
        graphs.setdefault(q.graph_name.value, []).append(q)
    return graphs


@cache
def system_graph_names() -> tuple[str, ...]:
    """Names of the shipped graphs (the ontology and each concept scheme), sorted."""
    return tuple(sorted(system_quads()))


def install(store: Store) -> bool:
    """Install or refresh the ontology and concept schemes; True if anything changed."""
    graphs = system_quads()
    changed = False
    for name, quads in graphs.items():
        current = store.quads(name)
        if {str(q) for q in current} != {str(q) for q in quads}:
            changed = True
            break
    if changed:
        write = Write()
        for name, quads in graphs.items():
            write.put(name, quads)
        store.commit(write)
    return changed
