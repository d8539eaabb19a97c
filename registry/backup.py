"""Online backups: a consistent copy of the store, the accounts and the history, and its restore.

A backup is a folder::

    oxigraph/         a checkpoint of the store (``Store.checkpoint``: RocksDB's own backup)
    accounts.sqlite   the accounts database, when there is one (SQLite's online backup API)
    history.sqlite    the history of documents (likewise)
    evaluation.sqlite the commission's evaluation cards, when there are any (likewise)
    manifest.json     store version, time, counts, and the size and SHA-256 of every file

The store is copied first, then the history: a write records its history row before it is
applied, so every write in the copied store has its row in the copied history (a row of a later
write has no activity in the copied store and is dropped when the history is next opened).

The server owns the store (one RocksDB writer). While it runs, ``pes-registry backup`` asks it to
make the backup: ``serve`` writes ``{data}/run/control.json`` (its local address and a random
secret, readable by its owner only, removed at exit), and the server answers
``POST /_control/backup`` only from a loopback address with that secret. When no server runs,
the command opens the store itself.

A folder is built under a temporary name beside the target and renamed when complete, so a
backup folder that exists is whole. ``restore_backup`` checks every file against the manifest,
builds the new store beside the live one and swaps them, like ``registry.store.restore``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox

from .errors import StoreError, UsageError
from .history import history_file
from .namespaces import PES
from .store import Store, provenance_graph

FORMAT = "pes-registry-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STORE_DIR = "oxigraph"
CONTROL_HEADER = "X-Registry-Control"


def accounts_file(data_dir: Path) -> Path:
    """Where the accounts database of ``data_dir`` is kept."""
    return Path(data_dir) / "accounts" / "accounts.sqlite"


def databases(data_dir: Path) -> dict[str, Path]:
    """The SQLite databases a backup holds, by their name in the backup."""
    return {"accounts.sqlite": accounts_file(data_dir), "history.sqlite": history_file(data_dir),
            "evaluation.sqlite": Path(data_dir) / "evaluation" / "evaluation.sqlite"}


# -- making a backup ------------------------------------------------------------------------------


def make_backup(store: Store, target: Path) -> dict:
    """Write a backup of ``store`` (open in this process) to ``target``, a folder that does not
    exist yet (or is empty); returns the manifest."""
    if store.path is None:
        raise UsageError("an in-memory store cannot be backed up")
    target = _new_folder(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.part-", dir=target.parent))
    try:
        store.checkpoint(staging / STORE_DIR)
        tables = {}
        for name, source in databases(store.path).items():
            if source.exists():
                tables[name] = _copy_database(source, staging / name)
        copy = ox.Store.read_only(str(staging / STORE_DIR))
        try:
            quads = len(copy)
            graphs = sum(1 for _ in copy.named_graphs())
            version = _version(copy, store.base)
        finally:
            del copy
        manifest = {
            "format": FORMAT,
            "formatVersion": FORMAT_VERSION,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "base": store.base,
            "storeVersion": version,
            "counts": {"quads": quads, "graphs": graphs},
            "tables": tables,
            "files": _files(staging),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        if target.exists():
            target.rmdir()  # empty, checked above
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def backup(data_dir: Path, base: str, target: Path, *, timeout: float = 3600) -> dict:
    """A backup of the registry in ``data_dir``: made by the running server if there is one,
    else by opening the store here. Returns the manifest."""
    target = _new_folder(Path(target).absolute())
    control = read_control(data_dir)
    if control is not None:
        try:
            return _ask_server(control, target, timeout)
        except ConnectionRefusedError:
            pass  # a server that died without removing the file: nobody holds the store
    store = Store(data_dir, base)
    try:
        return make_backup(store, target)
    finally:
        store.close()


def _ask_server(control: dict, target: Path, timeout: float) -> dict:
    request = urllib.request.Request(
        control["url"].rstrip("/") + "/_control/backup", method="POST",
        data=json.dumps({"target": str(target)}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 CONTROL_HEADER: control["secret"]})
    try:
        # Straight to the local server, whatever proxy the environment names.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=timeout) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as e:
        try:
            detail = json.load(e).get("detail") or e.reason
        except ValueError:
            detail = e.reason
        raise StoreError(f"The running server refused the backup ({e.code}): {detail}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, ConnectionRefusedError):
            raise e.reason from None
        raise StoreError(f"Cannot reach the running server at {control['url']}: {e.reason}") from None


def _new_folder(target: Path) -> Path:
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: the backup needs a new or empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _copy_database(source: Path, target: Path) -> dict[str, int]:
    """Copy a live SQLite database with SQLite's online backup API; returns its tables' row
    counts."""
    with closing(sqlite3.connect(source, timeout=60)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return table_counts(dst)


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [n for (n,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def _files(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name == MANIFEST and path.parent == folder:
            continue
        out[path.relative_to(folder).as_posix()] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _version(store: ox.Store, base: str) -> int:
    graph = ox.NamedNode(provenance_graph(base))
    for q in store.quads_for_pattern(None, ox.NamedNode(str(PES.storeVersion)), None, graph):
        return int(q.object.value)
    return 0


# -- the running server's side ----------------------------------------------------------------------


def control_file(data_dir: Path) -> Path:
    return Path(data_dir) / "run" / "control.json"


def read_control(data_dir: Path) -> dict | None:
    """The running server's address and secret, or None when no server announced itself."""
    try:
        control = json.loads(control_file(data_dir).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(control, dict) or not isinstance(control.get("url"), str) \
            or not isinstance(control.get("secret"), str):
        return None
    pid = control.get("pid")
    if isinstance(pid, int) and pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None  # left by a server that was killed
        except PermissionError:
            pass
    return control


def start_control(app, data_dir: Path, host: str, port: int) -> Path:
    """Let ``pes-registry backup`` reach this server: a secret for ``/_control/backup`` and the
    file that tells the command where to send it (mode 0600)."""
    secret = secrets.token_urlsafe(32)
    app.extensions["registry.control_secret"] = secret
    if host in ("", "0.0.0.0", "*"):
        host = "127.0.0.1"
    elif host in ("::", "[::]"):
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    path = control_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": f"http://{host}:{port}", "secret": secret, "pid": os.getpid()}, f)
    tmp.replace(path)
    return path


def stop_control(data_dir: Path) -> None:
    """Remove the control file if it is this process's."""
    control = read_control(data_dir)
    if control is not None and control.get("pid") == os.getpid():
        control_file(data_dir).unlink(missing_ok=True)


# -- restoring a backup -----------------------------------------------------------------------------


def restore_backup(data_dir: Path, source: Path, base: str, *, replace: bool = False) -> dict:
    """Bring back the store, the accounts and the history of a backup into ``data_dir`` (the
    server stopped). Every file is checked against the manifest first; the new store is built
    beside the live one and takes its place at the end. Returns the manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as e:
        raise UsageError(f"{source}: not a backup folder ({e})") from None
    if manifest.get("format") != FORMAT:
        raise UsageError(f"{source}: not a backup of this registry")
    if manifest.get("base") not in (None, base):
        raise UsageError(f"{source}: a backup of the registry at {manifest['base']}, not {base}")
    _verify(source, manifest)
    data_dir = Path(data_dir)
    live = data_dir / STORE_DIR
    if live.exists():
        store = Store(data_dir, base)  # refuses a store held by a running server
        empty = len(store) == 0
        store.close()
        del store
        if not empty and not replace:
            raise UsageError("The store is not empty; restoring replaces everything in it. Use --replace.")
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="restore-", dir=data_dir))
    try:
        shutil.copytree(source / STORE_DIR, staging / STORE_DIR)
        copy = ox.Store(str(staging / STORE_DIR))
        count = len(copy)
        copy.flush()
        del copy
        if count != manifest["counts"]["quads"]:
            raise StoreError(f"{source}: the store holds {count} quads, the manifest says "
                             f"{manifest['counts']['quads']}")
        staged = {}
        for name in databases(data_dir):
            if (source / name).exists():
                _copy_database(source / name, staging / name)
                staged[name] = staging / name
        old = data_dir / f"{STORE_DIR}.old-{os.getpid()}"
        if live.exists():
            live.rename(old)
        (staging / STORE_DIR).rename(live)
        shutil.rmtree(old, ignore_errors=True)
        for name, target in databases(data_dir).items():
            if name in staged:
                _swap_database(staged[name], target)
        # Derived data describes the old store: rebuilt when next needed.
        for derived in ("search", "dumps", "snapshots"):
            shutil.rmtree(data_dir / derived, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _verify(source: Path, manifest: dict) -> None:
    files = manifest.get("files")
    if not isinstance(files, dict) or not any(name.startswith(STORE_DIR + "/") for name in files):
        raise UsageError(f"{source}: the manifest lists no store files")
    for name, expected in files.items():
        path = source / name
        if ".." in Path(name).parts or not path.is_file():
            raise StoreError(f"{source}: {name} is missing; the backup is incomplete")
        if path.stat().st_size != expected.get("size") or _sha256(path) != expected.get("sha256"):
            raise StoreError(f"{source}: {name} differs from the manifest; the backup is damaged")


def _swap_database(new: Path, target: Path) -> None:
    """Put a database in place of another (and of its write-ahead log, which belongs to the old
    one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restored")
    shutil.move(str(new), staged)
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    staged.replace(target)
