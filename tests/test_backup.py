"""Online backups and their restore: a backup taken through a running server (a real process),
restored into a new data folder and compared quad by quad and row by row; a backup without a
server; damaged backups and wrong folders refused; the control route only for the local command
line with the server's secret.

(A process killed during a write: tests/test_ingest.py, ``test_a_load_killed_by_a_signal_leaves_a_
consistent_store``, and for the history tests/test_history.py.)"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from registry.accounts import Accounts
from registry.app import close_app, create_app
from registry.backup import MANIFEST, control_file, make_backup
from registry.config import Settings
from registry.ingest import ingest
from registry.store import Store
from tests.conftest import BASE, source
from tests.test_federation import cli, free_port, serving


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite database, sorted."""
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def quads(data: Path, base: str, work: Path, name: str) -> list[str]:
    target = work / name
    done = cli(data, base, "dump", str(target))
    assert done.returncode == 0, done.stderr
    return sorted(target.read_text().splitlines())


def unlinked_entity(data: Path, base: str) -> str:
    """The key of an entity no other document links to (so it can be withdrawn)."""
    done = cli(data, base, "query", "--format", "csv", f"""
        SELECT ?g WHERE {{ GRAPH ?g {{ ?e a <https://w3id.org/pes-registry/ontology#SocialEconomyEntity> }}
          FILTER NOT EXISTS {{ GRAPH ?other {{ ?x ?p ?e }} FILTER(?other != ?g
            && STRSTARTS(STR(?other), "{base}/") && !STRSTARTS(STR(?other), "{base}/graph/")) }}
        }} ORDER BY ?g LIMIT 1""")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[1].rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """A demo registry with history (a withdrawn entity) and accounts."""
    work = tmp_path_factory.mktemp("backup")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = work / "data"
    done = cli(data, base, "demo")
    assert done.returncode == 0, done.stderr
    victim = unlinked_entity(data, base)
    done = cli(data, base, "withdraw", f"entity/{victim}", "--reason", "Koniec działalności")
    assert done.returncode == 0, done.stderr
    accounts = Accounts(data / "accounts" / "accounts.sqlite")
    admin = accounts.add_user("admin@torun.example", "Administratorka", "hasło-administratorki-1", "admin")
    accounts.issue_token(admin.id, "backup test")
    editor = accounts.add_user("redakcja@pes.example", "Redakcja", "hasło-redaktora-123", "editor")
    accounts.grant(editor.id, victim)
    from decimal import Decimal

    from registry.evaluation import Evaluations

    cards = Evaluations(data / "evaluation" / "evaluation.sqlite")
    cards.add_offer("2026-konkurs-test", victim, "Oferta w konkursie", Decimal("1000"))
    cards.add_member("2026-konkurs-test", "Członkini komisji")
    return work, data, base, port, victim


def test_a_backup_taken_while_the_server_runs_restores_every_quad_and_row(registry):
    work, data, base, port, victim = registry
    target = work / "online"
    with serving(data, base, port):
        control = control_file(data)
        assert control.exists() and stat.S_IMODE(control.stat().st_mode) == 0o600
        # The server holds the store: the command line cannot open it, so the server makes it.
        assert cli(data, base, "stats").returncode != 0
        done = cli(data, base, "backup", str(target))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Backup written" in done.stdout
        # A non-empty folder is refused; so is a restore while the server runs.
        again = cli(data, base, "backup", str(target))
        assert again.returncode == 2 and "new or empty folder" in again.stderr
        busy = cli(work / "data", base, "restore", "--replace", str(target))
        assert busy.returncode == 1 and "in use" in busy.stderr
    assert not control_file(data).exists()  # removed when the server stopped

    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest["base"] == base
    assert {"accounts.sqlite", "history.sqlite", "evaluation.sqlite"} <= set(manifest["files"])
    assert any(name.startswith("oxigraph/") for name in manifest["files"])
    assert manifest["tables"]["accounts.sqlite"]["users"] == 2
    assert manifest["tables"]["history.sqlite"]["versions"] >= 1

    copy = work / "restored"
    done = cli(copy, base, "restore", str(target))
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout
    original = quads(data, base, work, "original.nq")
    assert len(original) == manifest["counts"]["quads"]
    assert quads(copy, base, work, "copy.nq") == original
    for name in ("accounts/accounts.sqlite", "history/history.sqlite", "evaluation/evaluation.sqlite"):
        assert tables(copy / name) == tables(data / name), name
    users = Accounts(copy / "accounts" / "accounts.sqlite").users()
    assert sorted(u.login for u in users) == ["admin@torun.example", "redakcja@pes.example"]


def test_without_a_server_the_command_makes_the_backup_and_checks_it_on_restore(registry, tmp_path):
    work, data, base, port, victim = registry
    # A control file left by a server that is not there any more (here: nobody listens).
    control_file(data).parent.mkdir(parents=True, exist_ok=True)
    control_file(data).write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}", "secret": "x",
                                              "pid": os.getpid()}))
    try:
        target = tmp_path / "offline"
        done = cli(data, base, "backup", str(target))
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        control_file(data).unlink()
    manifest = json.loads((target / MANIFEST).read_text())

    copy = tmp_path / "copy"
    assert cli(copy, base, "restore", str(target)).returncode == 0
    # A store that holds data is replaced only on request.
    refused = cli(copy, base, "restore", str(target))
    assert refused.returncode == 2 and "--replace" in refused.stderr
    assert cli(copy, base, "restore", "--replace", str(target)).returncode == 0
    assert quads(copy, base, tmp_path, "copy.nq") == quads(data, base, tmp_path, "data.nq")

    # One changed byte and the backup is refused, leaving the store as it was.
    name = next(n for n in sorted(manifest["files"], key=lambda n: -manifest["files"][n]["size"])
                if n.startswith("oxigraph/"))
    damaged = target / name
    blob = bytearray(damaged.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    # A new file in its place: the backup's files may be hard links to the live store's.
    (target / "changed").write_bytes(bytes(blob))
    (target / "changed").replace(damaged)
    done = cli(copy, base, "restore", "--replace", str(target))
    assert done.returncode == 1 and "damaged" in done.stderr
    assert quads(copy, base, tmp_path, "copy-after.nq") == quads(data, base, tmp_path, "data.nq")
    # A folder that is not a backup, a dump that is not a dump: clear errors, no traceback.
    (tmp_path / "empty").mkdir()
    done = cli(copy, base, "restore", str(tmp_path / "empty"))
    assert done.returncode == 2 and "not a backup folder" in done.stderr and "Traceback" not in done.stderr


def test_the_control_route_answers_only_the_local_command_line_with_the_secret(store, tmp_path):
    ingest(store, [source("units.ttl"), source("entity.ttl")])
    app = create_app(Settings(data_dir=store.path, base=BASE).checked(), store=store)
    try:
        client = app.test_client()
        body = {"target": str(tmp_path / "b1")}
        assert client.post("/_control/backup", json=body).status_code == 404  # not serving
        app.extensions["registry.control_secret"] = "s3cret-value"
        local = {"REMOTE_ADDR": "127.0.0.1"}
        assert client.post("/_control/backup", json=body, environ_base=local).status_code == 403
        assert client.post("/_control/backup", json=body, environ_base=local,
                           headers={"X-Registry-Control": "wrong"}).status_code == 403
        assert client.post("/_control/backup", json=body, environ_base={"REMOTE_ADDR": "192.0.2.7"},
                           headers={"X-Registry-Control": "s3cret-value"}).status_code == 403
        good = {"X-Registry-Control": "s3cret-value"}
        assert client.post("/_control/backup", json={"target": "relative/path"}, environ_base=local,
                           headers=good).status_code == 400
        answer = client.post("/_control/backup", json=body, environ_base={"REMOTE_ADDR": "::1"}, headers=good)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        manifest = answer.get_json()
        assert manifest["storeVersion"] == store.version() and manifest["counts"]["quads"] == len(store)
        assert json.loads((tmp_path / "b1" / MANIFEST).read_text()) == manifest
        assert not [p for p in tmp_path.iterdir() if ".part-" in p.name]  # nothing half-made left
        assert client.post("/_control/backup", json=body, environ_base=local, headers=good).status_code == 400
    finally:
        close_app(app)


def test_a_backup_of_a_store_in_memory_is_refused(tmp_path):
    from registry.errors import UsageError

    with pytest.raises(UsageError):
        make_backup(Store(None, BASE), tmp_path / "b")
