"""Counts of what the registry holds."""

from __future__ import annotations

from . import queries
from .store import Store


def counts(store: Store) -> dict[str, int]:
    """Resources by kind, plus triples, graphs and the store version."""
    row = next(iter(store.query(queries.get("counts").text)))
    out = {
        name: int(row[name].value)
        for name in ("entities", "offers", "opportunities", "actions", "programmes", "units")
    }
    out["triples"] = len(store)
    out["graphs"] = sum(1 for _ in store.raw.named_graphs())
    out["version"] = store.version()
    return out
