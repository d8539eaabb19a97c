"""Accounts: argon2 hashes (and rehashing), sessions and their expiry, API tokens, throttling of
failed logins, claims and proposals, backups, and the `pes-registry user` commands (in this
process and as a real process while another process holds the store)."""

from __future__ import annotations

import io
import os
import pty
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from registry import cli
from registry.accounts import (
    SESSION_ABSOLUTE,
    SESSION_IDLE,
    AccountError,
    Accounts,
    BadCredentials,
    Throttled,
)

PASSWORD = "Zielony-Parasol-Nad-Wisłą-7"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(tmp_path, clock):
    # Cheap argon2 parameters keep the many logins of these tests quick; the rehash test and the
    # parallel attempts use the library's defaults.
    return Accounts(tmp_path / "accounts" / "accounts.sqlite", clock=clock, hasher=CHEAP)


def _file_bytes(path: Path) -> bytes:
    """The database with its write-ahead log, as bytes on disk."""
    data = b""
    for p in (path, Path(str(path) + "-wal")):
        if p.exists():
            data += p.read_bytes()
    return data


# Passwords ----------------------------------------------------------------------------------

def test_passwords_are_argon2_hashes_and_never_stored_in_plaintext(accounts):
    user = accounts.add_user("  Ala@Example.ORG ", "Ala Nowak", PASSWORD, "editor")
    assert user.login == "ala@example.org" and user.role == "editor" and user.entities == frozenset()
    assert not user.is_admin and not user.disabled
    raw = _file_bytes(accounts.path)
    assert PASSWORD.encode() not in raw
    with sqlite3.connect(accounts.path) as db:
        (stored,) = db.execute("SELECT password FROM users").fetchone()
    assert stored.startswith("$argon2id$")
    assert accounts.check_password("ALA@example.org", PASSWORD, "10.0.0.1") == user
    with pytest.raises(BadCredentials):
        accounts.check_password("ala@example.org", PASSWORD + "x", "10.0.0.1")
    with pytest.raises(BadCredentials):
        accounts.check_password("nobody@example.org", PASSWORD, "10.0.0.1")


def test_the_file_is_private(accounts):
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(accounts.path.parent.stat().st_mode) == 0o700


def test_a_hash_with_old_parameters_is_replaced_at_login(tmp_path):
    path = tmp_path / "accounts.sqlite"
    Accounts(path, hasher=CHEAP).add_user("ala@example.org", "Ala", PASSWORD, "editor")
    with sqlite3.connect(path) as db:
        (old,) = db.execute("SELECT password FROM users").fetchone()
    assert "m=1024" in old
    current = Accounts(path)  # the library's current parameters
    current.check_password("ala@example.org", PASSWORD, "-")
    with sqlite3.connect(path) as db:
        (new,) = db.execute("SELECT password FROM users").fetchone()
    assert new != old and not current.hasher.check_needs_rehash(new)
    assert current.check_password("ala@example.org", PASSWORD, "-").login == "ala@example.org"


def test_bad_account_data_is_refused(accounts):
    with pytest.raises(AccountError, match="12 characters"):
        accounts.add_user("ala@example.org", "Ala", "short", "editor")
    with pytest.raises(AccountError, match="role"):
        accounts.add_user("ala@example.org", "Ala", PASSWORD, "superuser")
    with pytest.raises(AccountError, match="login"):
        accounts.add_user("a b@example.org", "Ala", PASSWORD, "editor")
    with pytest.raises(AccountError, match="name"):
        accounts.add_user("ala@example.org", "  ", PASSWORD, "editor")
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    with pytest.raises(AccountError, match="already exists") as e:
        accounts.add_user("ALA@example.org", "Ala 2", PASSWORD, "admin")
    assert "już istnieje" in e.value.message("pl")
    with pytest.raises(AccountError, match="not an entity key"):
        accounts.grant(accounts.by_login("ala@example.org").id, "Not A Key")
    assert [u.login for u in accounts.users()] == ["ala@example.org"]


# Throttling ---------------------------------------------------------------------------------

def test_five_failures_lock_the_login_for_fifteen_minutes_even_with_the_right_password(accounts, clock):
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    for _ in range(5):
        with pytest.raises(BadCredentials):
            accounts.check_password("ala@example.org", "wrong password!", "10.0.0.1")
        clock.advance(10)
    with pytest.raises(Throttled) as e:
        accounts.check_password("ala@example.org", PASSWORD, "10.0.0.2")  # another address too
    assert 14 * 60 < e.value.retry_after <= 15 * 60
    assert "Try again" in e.value.message("en") and "Spróbuj" in e.value.message("pl")
    clock.advance(14 * 60)
    with pytest.raises(Throttled):
        accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1")
    clock.advance(61)
    assert accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1").login == "ala@example.org"


def test_failures_spread_over_more_than_the_window_do_not_lock(accounts, clock):
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    for _ in range(8):
        with pytest.raises(BadCredentials):
            accounts.check_password("ala@example.org", "wrong password!", "10.0.0.1")
        clock.advance(4 * 60)  # at most 4 failures in any 15 minutes
    assert accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1")


def test_a_successful_login_clears_the_logins_failures(accounts, clock):
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    for _ in range(4):
        with pytest.raises(BadCredentials):
            accounts.check_password("ala@example.org", "wrong password!", "10.0.0.1")
    accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1")
    for _ in range(4):
        with pytest.raises(BadCredentials):
            accounts.check_password("ala@example.org", "wrong password!", "10.0.0.1")
    assert accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1")


def test_twenty_failures_from_one_address_lock_that_address(accounts, clock):
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    for i in range(20):
        with pytest.raises(BadCredentials):
            accounts.check_password(f"guess{i}@example.org", "wrong password!", "192.0.2.7")
    with pytest.raises(Throttled):
        accounts.check_password("ala@example.org", PASSWORD, "192.0.2.7")
    assert accounts.remote_locked("192.0.2.7") > 14 * 60
    assert accounts.remote_locked("192.0.2.8") is None
    assert accounts.check_password("ala@example.org", PASSWORD, "192.0.2.8")
    clock.advance(15 * 60 + 1)
    assert accounts.check_password("ala@example.org", PASSWORD, "192.0.2.7")


def test_parallel_attempts_cannot_pass_the_limit(tmp_path):
    accounts = Accounts(tmp_path / "accounts.sqlite")  # real hashing: the attempts overlap
    accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    outcomes = []

    def attempt():
        try:
            accounts.check_password("ala@example.org", "wrong password!", "10.0.0.1")
        except Throttled:
            outcomes.append("throttled")
        except BadCredentials:
            outcomes.append("bad")

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("bad") <= 5 and outcomes.count("throttled") >= 7
    with pytest.raises(Throttled):
        accounts.check_password("ala@example.org", PASSWORD, "10.0.0.1")


# Sessions -------------------------------------------------------------------------------------

def test_sessions_end_after_two_idle_hours(accounts, clock):
    user = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    session_id, csrf = accounts.open_session(user.id)
    assert len(session_id) >= 43 and len(csrf) >= 43 and session_id != csrf
    assert accounts.session(session_id) == (user, csrf)
    assert session_id.encode() not in _file_bytes(accounts.path)  # stored hashed
    clock.advance(SESSION_IDLE - 60)
    assert accounts.session(session_id) is not None  # used: the idle time starts again
    clock.advance(SESSION_IDLE - 60)
    assert accounts.session(session_id) is not None
    clock.advance(SESSION_IDLE + 1)
    assert accounts.session(session_id) is None
    assert accounts.session("no-such-session") is None


def test_sessions_end_twelve_hours_after_login_however_busy(accounts, clock):
    user = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    session_id, _ = accounts.open_session(user.id)
    for _ in range(11):
        clock.advance(3600)
        assert accounts.session(session_id) is not None
    clock.advance(SESSION_ABSOLUTE - 11 * 3600 + 1)
    assert accounts.session(session_id) is None


def test_closing_a_session_and_disabling_a_user_end_it(accounts):
    user = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    first, _ = accounts.open_session(user.id)
    second, _ = accounts.open_session(user.id)
    assert first != second
    accounts.close_session(first)
    assert accounts.session(first) is None and accounts.session(second) is not None
    accounts.disable("ala@example.org")
    assert accounts.session(second) is None
    with pytest.raises(BadCredentials, match="disabled"):
        accounts.check_password("ala@example.org", PASSWORD, "-")


# Tokens -------------------------------------------------------------------------------------

def test_tokens_act_for_their_user_until_revoked_or_the_user_is_disabled(accounts, clock):
    user = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    token = accounts.issue_token(user.id, "import script")
    other = accounts.issue_token(user.id, "second")
    assert token.startswith("pes_") and len(token) > 40 and token != other
    assert token.encode() not in _file_bytes(accounts.path)
    [listed, _] = accounts.tokens(user.id)
    assert listed.name == "import script" and listed.last_used is None
    clock.advance(5)
    assert accounts.token_user(token) == user
    [listed, _] = accounts.tokens(user.id)
    assert listed.last_used is not None and listed.last_used > listed.created
    assert accounts.token_user(token + "x") is None
    assert accounts.token_user("") is None
    accounts.revoke_token(listed.id)
    assert accounts.token_user(token) is None
    assert [t.name for t in accounts.tokens(user.id)] == ["second"]
    with pytest.raises(AccountError):
        accounts.revoke_token(listed.id)
    assert accounts.token_user(other) == user
    accounts.disable("ala@example.org")
    assert accounts.token_user(other) is None
    accounts.enable("ala@example.org")
    assert accounts.token_user(other).login == "ala@example.org"


def test_a_user_may_revoke_only_their_own_tokens(accounts):
    ala = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    ola = accounts.add_user("ola@example.org", "Ola", PASSWORD, "editor")
    token = accounts.issue_token(ala.id, "ala's")
    [listed] = accounts.tokens(ala.id)
    with pytest.raises(AccountError):
        accounts.revoke_token(listed.id, user_id=ola.id)
    assert accounts.token_user(token) == ala


def test_concurrent_writers_share_the_file(tmp_path):
    path = tmp_path / "accounts.sqlite"
    user = Accounts(path, hasher=CHEAP).add_user("ala@example.org", "Ala", PASSWORD, "editor")
    errors = []

    def work(n):
        try:
            mine = Accounts(path, hasher=CHEAP)  # as another process would
            for i in range(10):
                mine.issue_token(user.id, f"t{n}-{i}")
                mine.open_session(user.id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(Accounts(path).tokens(user.id)) == 60


# Claims and proposals -----------------------------------------------------------------------

def test_an_approved_claim_grants_the_entity_and_a_rejected_one_nothing(accounts):
    admin = accounts.add_user("admin@example.org", "Admin", PASSWORD, "admin")
    ala = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    first = accounts.add_claim(ala.id, "fundacja-a", "Jestem prezeską.")
    second = accounts.add_claim(ala.id, "fundacja-b", "")
    with pytest.raises(AccountError, match="already waiting"):
        accounts.add_claim(ala.id, "fundacja-a", "again")
    assert [(c.entity_key, c.login, c.status) for c in accounts.claims()] == [
        ("fundacja-a", "ala@example.org", "pending"), ("fundacja-b", "ala@example.org", "pending")]
    with pytest.raises(AccountError, match="administrator"):
        accounts.decide_claim(first, True, ala.id)
    decided = accounts.decide_claim(first, True, admin.id)
    assert decided.status == "approved" and decided.decided_by == admin.id
    accounts.decide_claim(second, False, admin.id)
    assert accounts.get(ala.id).entities == frozenset({"fundacja-a"})
    assert accounts.claims() == []
    assert {c.status for c in accounts.claims(None, user_id=ala.id)} == {"approved", "rejected"}
    with pytest.raises(AccountError, match="already decided"):
        accounts.decide_claim(second, True, admin.id)
    with pytest.raises(AccountError, match="already edit"):
        accounts.add_claim(ala.id, "fundacja-a", "")


def test_an_approved_proposal_grants_the_new_entity(accounts):
    admin = accounts.add_user("admin@example.org", "Admin", PASSWORD, "admin")
    ala = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    doc = b'<http://127.0.0.1:8000/id/entity/nowa> <https://schema.org/name> "Nowa"@pl .\n'
    pid = accounts.add_proposal(ala.id, "nowa", doc)
    rejected = accounts.add_proposal(ala.id, "inna", doc)
    with pytest.raises(AccountError, match="empty"):
        accounts.add_proposal(ala.id, "pusta", b"  ")
    assert accounts.proposal(pid).document == doc
    assert [p.entity_key for p in accounts.proposals()] == ["nowa", "inna"]
    accounts.decide_proposal(pid, True, admin.id)
    accounts.decide_proposal(rejected, False, admin.id)
    assert accounts.get(ala.id).entities == frozenset({"nowa"})
    assert accounts.proposals() == [] and accounts.proposal(rejected).status == "rejected"


def test_backup_is_a_consistent_private_copy(accounts, tmp_path):
    user = accounts.add_user("ala@example.org", "Ala", PASSWORD, "editor")
    accounts.grant(user.id, "fundacja-a")
    target = tmp_path / "backup" / "accounts.sqlite"
    accounts.backup(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = Accounts(target)
    assert copy.users() == accounts.users()
    assert copy.check_password("ala@example.org", PASSWORD, "-").entities == frozenset({"fundacja-a"})


# The command line -----------------------------------------------------------------------------

def _cli(data: Path, *args: str, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(["--data", str(data), "user", *args])


def test_cli_adds_lists_disables_and_issues_tokens(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    assert _cli(data, "add", "Admin@Torun.example", "--name", "Anna Admin", "--admin", "--password-stdin",
                stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0
    assert _cli(data, "add", "ed@pes.example", "--name", "Edward", "--editor", "--entity", "fundacja-a",
                "--entity", "fundacja-b", "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    assert "admin@torun.example added (admin)" in out and "fundacja-a, fundacja-b" in out
    accounts = Accounts.for_settings(type("S", (), {"data_dir": data}))
    assert accounts.check_password("admin@torun.example", PASSWORD, "-").is_admin
    assert accounts.by_login("ed@pes.example").entities == frozenset({"fundacja-a", "fundacja-b"})
    assert PASSWORD.encode() not in _file_bytes(accounts.path)

    assert _cli(data, "list") == 0
    out = capsys.readouterr().out
    assert "admin@torun.example" in out and "ed@pes.example" in out and "2 account(s)" in out

    assert _cli(data, "token", "ed@pes.example", "--name", "ci") == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("pes_") and "not shown again" in captured.err
    assert accounts.token_user(token).login == "ed@pes.example"
    [listed] = accounts.tokens(accounts.by_login("ed@pes.example").id)
    assert listed.name == "ci" and f"Token {listed.id} " in captured.err

    assert _cli(data, "revoke", str(listed.id)) == 0
    assert accounts.token_user(token) is None
    assert _cli(data, "revoke", str(listed.id)) == 1
    assert "No token" in capsys.readouterr().err

    token = accounts.issue_token(accounts.by_login("ed@pes.example").id, "x")
    assert _cli(data, "disable", "ed@pes.example") == 0
    assert accounts.by_login("ed@pes.example").disabled and accounts.token_user(token) is None
    assert _cli(data, "list", "--json") == 0
    assert '"disabled": true' in capsys.readouterr().out


def test_cli_refuses_bad_input_with_clear_messages(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    assert _cli(data, "add", "a@b.example", "--name", "A", "--password-stdin",
                stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 2
    assert "--admin or --editor" in capsys.readouterr().err
    assert _cli(data, "add", "a@b.example", "--name", "A", "--editor", "--password-stdin",
                stdin="short\n", monkeypatch=monkeypatch) == 1
    assert "12 characters" in capsys.readouterr().err
    assert _cli(data, "add", "a@b.example", "--name", "A", "--editor", "--entity", "Bad Key",
                "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 2
    assert "entity key" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal, no --password-stdin
    assert _cli(data, "add", "a@b.example", "--name", "A", "--editor") == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert _cli(data, "disable", "nobody@b.example") == 1
    assert "No account" in capsys.readouterr().err
    assert _cli(data, "token", "nobody@b.example") == 1
    assert Accounts(data / "accounts" / "accounts.sqlite").users() == []


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], capture_output=True, text=True,
                          timeout=120, env=env, **kwargs)


def test_cli_user_add_works_while_another_process_holds_the_store(store):
    # This process holds the store (as a running server does); the command is another process.
    data = store.path
    done = _run(["--data", str(data), "user", "add", "ala@example.org", "--name", "Ala", "--editor",
                 "--entity", "fundacja-a", "--password-stdin"], input=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    accounts = Accounts(data / "accounts" / "accounts.sqlite")
    assert accounts.check_password("ala@example.org", PASSWORD, "-").entities == frozenset({"fundacja-a"})
    blocked = _run(["--data", str(data), "stats"])  # the store itself is in use
    assert blocked.returncode != 0


def test_cli_asks_for_the_password_twice_on_a_terminal(tmp_path):
    data = tmp_path / "data"
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    proc = subprocess.Popen([sys.executable, "-m", "registry.cli", "--data", str(data), "user", "add",
                             "ala@example.org", "--name", "Ala", "--editor"],
                            stdin=child, stdout=child, stderr=child, env=env, start_new_session=True)
    os.close(child)
    seen = b""

    def read_until(text: bytes, timeout: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(main, 1024)
            except OSError:
                break
        assert text in seen, seen

    read_until(b"Password")
    os.write(main, PASSWORD.encode() + b"\n")
    read_until(b"Repeat the password")
    os.write(main, PASSWORD.encode() + b"\n")
    read_until(b"added")
    assert proc.wait(timeout=60) == 0
    os.close(main)
    assert PASSWORD.encode() not in seen.split(b"Repeat")[0].split(b"Password", 1)[1].replace(b"\r\n", b"")
    assert Accounts(data / "accounts" / "accounts.sqlite").check_password("ala@example.org", PASSWORD, "-")
