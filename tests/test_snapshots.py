"""Snapshots for query workers: one per store version, kept while held, deleted after."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from registry.snapshots import Snapshots
from registry.store import Write


def _write(store, graph: str) -> None:
    w = Write()
    w.put(graph, [ox.Triple(ox.NamedNode(graph), ox.NamedNode("http://example.org/p"), ox.Literal("x"))])
    store.commit(w)


def test_one_snapshot_per_version_deleted_when_released(store):
    stale = store.path / "snapshots" / "run-1-earlier"
    stale.mkdir(parents=True)
    snapshots = Snapshots(store)
    assert not stale.exists()  # left by an earlier run
    v1, first = snapshots.acquire()
    assert snapshots.acquire() == (v1, first)  # same version, same snapshot
    snapshots.release(first)
    _write(store, "http://example.org/g1")
    v2, second = snapshots.acquire()
    assert v2 == v1 + 1 and second != first
    # The old one is still held once: it stays, readable, until released.
    assert Path(first).is_dir()
    old = ox.Store.read_only(first)
    assert not any(True for _ in old.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/g1")))
    del old
    snapshots.release(first)
    assert not Path(first).exists()
    # The current one stays after release: the next query uses it.
    snapshots.release(second)
    assert Path(second).is_dir()
    new = ox.Store.read_only(second)
    assert any(True for _ in new.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/g1")))
    del new
    snapshots.close()
    assert not Path(second).exists()


def test_in_memory_store_is_copied(tmp_path):
    from registry.store import Store

    memory = Store(None, "http://127.0.0.1:8000")
    _write(memory, "http://example.org/g")
    snapshots = Snapshots(memory)
    _, path = snapshots.acquire()
    copy = ox.Store.read_only(path)
    assert len(copy) == len(memory)
    del copy
    snapshots.release(path)
    snapshots.close()
    assert not Path(path).exists()
