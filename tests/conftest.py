"""Shared fixtures: a real store on disk in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.ingest import Source
from registry.store import Store
from registry.system import install

BASE = "http://127.0.0.1:8000"
DATA = Path(__file__).parent / "data"
# Named queries about what harvests bring: empty on the demo alone (tests/test_harvest.py runs
# them after a harvest).
NEED_A_HARVEST = {"entities_in_several_registries"}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data", BASE)
    install(s)
    yield s
    s.close()


def source(name: str, text: str | None = None) -> Source:
    """A Source from a file of tests/data/ingest, or from text with that name."""
    if text is None:
        path = DATA / "ingest" / name
        return Source(name=path.name, data=path.read_bytes())
    return Source(name=name, data=text.encode())
