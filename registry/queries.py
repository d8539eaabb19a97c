"""Named queries: one ``.rq`` file of ``sparql_queries/`` is one query, its file stem its name.

Header lines ``#+ key: value`` carry metadata (summary, description, parameters), as in grlc.
Values reach a query only through pyoxigraph's ``substitutions`` (bind, never splice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import config
from .errors import UsageError

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return self.meta.get("summary", self.name)


def _parse(name: str, text: str) -> NamedQuery:
    meta = {}
    for line in text.splitlines():
        m = re.match(r"^#\+\s*([A-Za-z_-]+)\s*:\s*(.*)$", line)
        if m:
            meta[m.group(1).lower()] = m.group(2).strip()
    return NamedQuery(name=name, text=text, meta=meta)


@cache
def all_queries() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    out = {}
    for path in sorted(config.queries_dir().glob("*.rq")):
        if _NAME.match(path.stem):
            out[path.stem] = _parse(path.stem, path.read_text(encoding="utf-8"))
    return out


def get(name: str) -> NamedQuery:
    """One named query; UsageError if there is none of that name."""
    try:
        return all_queries()[name]
    except KeyError:
        raise UsageError(f"no named query {name!r}") from None
