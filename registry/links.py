"""Links between registries: ``owl:sameAs`` between entities known under several IRIs.

Entities of this registry and of harvested registries that carry the same official identifier
(KRS, NIP or REGON: same type, same digits) are the same organisation. ``update`` recomputes
the links graph ``{BASE}/graph/links`` from the identifiers in the store, in one write, after each
harvest; the named query ``entities_in_several_registries`` lists them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

import pyoxigraph as ox

from .namespaces import VOCAB_BASE
from .store import Store, Write

SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
DCT_TYPE = ox.NamedNode("http://purl.org/dc/terms/type")
NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
IDENTIFIER = ox.NamedNode("http://www.w3.org/ns/adms#identifier")
TYPES = ("krs", "nip", "regon")
_ID = re.compile(r"^(https?://.+)/id/entity/[a-z0-9][a-z0-9-]*$")


def links_graph(base: str) -> str:
    return f"{base}/graph/links"


def same_entities(store: Store) -> set[tuple[str, str]]:
    """Pairs (a, b) of entities of different registries sharing an official identifier."""
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind in TYPES:
        for q in store.raw.quads_for_pattern(None, DCT_TYPE, ox.NamedNode(f"{VOCAB_BASE}identifier-type/{kind}"), None):
            node = q.subject
            holders = [h.subject.value for h in store.raw.quads_for_pattern(None, IDENTIFIER, node, q.graph_name)]
            for n in store.raw.quads_for_pattern(node, NOTATION, None, q.graph_name):
                digits = re.sub(r"[^0-9A-Za-z]", "", n.object.value)
                for holder in holders:
                    if _ID.match(holder):
                        groups[(kind, digits)].add(holder)
    pairs = set()
    for members in groups.values():
        for a, b in combinations(sorted(members), 2):
            if _ID.match(a).group(1) != _ID.match(b).group(1):  # not within one registry
                pairs.add((a, b))
    return pairs


def update(store: Store) -> int:
    """Rewrite the links graph; returns the number of pairs linked (nothing written when the
    links are as they were)."""
    graph = links_graph(store.base)
    pairs = same_entities(store)
    wanted = {ox.Triple(ox.NamedNode(a), SAME_AS, ox.NamedNode(b)) for a, b in pairs}
    wanted |= {ox.Triple(t.object, SAME_AS, t.subject) for t in wanted}
    stored = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)}
    if wanted != stored:
        write = Write()
        if wanted:
            write.put(graph, wanted)
        else:
            write.removed.add(graph)
        store.commit(write)
    return len(pairs)
