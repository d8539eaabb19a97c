"""Read-only snapshots of the store for query workers (DESIGN.md, "Processes").

Never open the live store from a second process: the process that writes owns it, and query
workers read a checkpoint made with ``pyoxigraph.Store.backup`` (hard links on the same file
system, so it costs little). There is one current snapshot per store version; a query holds the
snapshot it reads (``acquire``/``release``) and an old snapshot is deleted once no query holds it.

Layout: ``{data}/snapshots/run-{pid}-{random}/v{version}-{random}``. Snapshots left by an earlier
run are deleted when the server starts. An in-memory store (tests) is copied into a temporary folder instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

import pyoxigraph as ox

from .store import Store


class Snapshots:
    def __init__(self, store: Store):
        self.store = store
        if store.path is not None:
            parent = store.path / "snapshots"
            parent.mkdir(parents=True, exist_ok=True)
            # Only the process that holds the store's lock gets here, so snapshots of any other
            # process are left over from an earlier run.
            for old in parent.iterdir():
                if not old.name.startswith(f"run-{os.getpid()}-"):
                    shutil.rmtree(old, ignore_errors=True)
            self.root = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=parent))
        else:
            self.root = Path(tempfile.mkdtemp(prefix="registry-snapshots-"))
        self._lock = threading.Lock()
        self._current: tuple[int, Path] | None = None
        self._holders: dict[Path, int] = {}
        self._retired: set[Path] = set()

    def _make(self, version: int) -> Path:
        path = self.root / f"v{version}-{uuid.uuid4().hex[:8]}"
        if self.store.path is not None:
            self.store.raw.backup(str(path))
        else:
            copy = ox.Store(str(path))
            copy.bulk_extend(self.store.raw)
            copy.flush()
            del copy
        return path

    def acquire(self) -> tuple[int, str]:
        """The current snapshot (made now if the store changed), held until ``release``."""
        version = self.store.version()
        with self._lock:
            if self._current is None or self._current[0] != version:
                path = self._make(version)
                if self._current is not None:
                    self._retired.add(self._current[1])
                self._current = (version, path)
            path = self._current[1]
            self._holders[path] = self._holders.get(path, 0) + 1
        self._collect()
        return version, str(path)

    def release(self, path: str) -> None:
        with self._lock:
            p = Path(path)
            count = self._holders.get(p, 0) - 1
            if count > 0:
                self._holders[p] = count
            else:
                self._holders.pop(p, None)
        self._collect()

    def _collect(self) -> None:
        with self._lock:
            done = [p for p in self._retired if p not in self._holders]
            self._retired.difference_update(done)
        for p in done:
            shutil.rmtree(p, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            paths = list(self._retired) + ([self._current[1]] if self._current else [])
            self._retired.clear()
            self._current = None
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)
        shutil.rmtree(self.root, ignore_errors=True)
