"""User accounts: passwords, sessions, API tokens, login throttling, claims and proposals.

Account data is personal data. It lives only in SQLite, at
``{data}/accounts/accounts.sqlite`` (folder 0700, file 0600), and never in the RDF store, so no
SPARQL query, page, dump or catalogue can show it. The file is independent of the store: the
command line adds users while the server runs.

* Passwords: argon2id (argon2-cffi's ``PasswordHasher``); a hash made with older parameters is
  replaced at the next successful login.
* Sessions: a random id (``secrets.token_urlsafe(32)``) known only to the browser; the file keeps
  its SHA-256, the user, the session's CSRF token and two times. A session ends after 2 hours
  without use or 12 hours after login, whichever comes first, or when its user is disabled.
* API tokens: ``pes_`` and 32 random bytes, shown once; the file keeps their SHA-256 (a 256-bit
  random value needs no slow hash), a name and the times of creation and last use.
* Throttling: every failed login is recorded (login, remote address, time). After 5 failures of
  one login, or 20 from one address, within 15 minutes, that login (or address) is refused for
  15 minutes, whatever the password. An attempt counts as a failure while its password is being
  checked, so attempts made in parallel cannot pass the limit.

One connection per call (WAL, busy timeout): an ``Accounts`` object can be shared by threads and
several processes can use the file at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import RegistryError
from .store import valid_key

ROLES = ("admin", "editor")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
SESSION_IDLE = 2 * 3600
SESSION_ABSOLUTE = 12 * 3600
THROTTLE_WINDOW = 15 * 60
THROTTLE_LOCK = 15 * 60
MAX_FAILURES_LOGIN = 5
MAX_FAILURES_REMOTE = 20
TOKEN_PREFIX = "pes_"
TOUCH_EVERY = 60  # seconds between writes of a session's or token's time of last use

_LOGIN_RE = re.compile(r"^[^\s\x00-\x1f\x7f]{3,254}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    user_id INTEGER NOT NULL REFERENCES users (id),
    entity_key TEXT NOT NULL,
    granted REAL NOT NULL,
    PRIMARY KEY (user_id, entity_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    last_used REAL
);
CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    login TEXT,
    remote TEXT,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_login ON failures (login, at);
CREATE INDEX IF NOT EXISTS failures_remote ON failures (remote, at);
CREATE INDEX IF NOT EXISTS failures_at ON failures (at);
CREATE TABLE IF NOT EXISTS locks (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    until REAL NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claims (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    entity_key TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created REAL NOT NULL,
    decided REAL,
    decided_by INTEGER REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS claims_status ON claims (status, id);
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    entity_key TEXT NOT NULL,
    document BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created REAL NOT NULL,
    decided REAL,
    decided_by INTEGER REFERENCES users (id)
);
CREATE INDEX IF NOT EXISTS proposals_status ON proposals (status, id);
"""


class AccountError(RegistryError):
    """A request about accounts that cannot be done; the message in English, and in Polish."""

    exit_code = 1

    def __init__(self, en: str, pl: str | None = None):
        super().__init__(en)
        self.en = en
        self.pl = pl or en

    def message(self, lang: str = "en") -> str:
        return self.pl if lang == "pl" else self.en


class BadCredentials(AccountError):
    """The login or the password is wrong (or the account is disabled)."""

    def __init__(self, en: str = "Wrong login or password.", pl: str = "Błędny login lub hasło."):
        super().__init__(en, pl)


class Throttled(AccountError):
    """Too many failed attempts: refused, whatever the password, for ``retry_after`` seconds."""

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        minutes = max(1, math.ceil(self.retry_after / 60))
        super().__init__(
            f"Too many failed login attempts. Try again in {minutes} min.",
            f"Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za {minutes} min.",
        )


@dataclass(frozen=True)
class User:
    id: int
    login: str
    name: str
    role: str  # "admin" | "editor"
    entities: frozenset[str]  # keys of the entities this user may edit
    disabled: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Token:
    id: int
    user_id: int
    name: str
    created: dt.datetime
    last_used: dt.datetime | None


@dataclass(frozen=True)
class Claim:
    """A user's request to edit an existing entity."""

    id: int
    user_id: int
    login: str
    user_name: str
    entity_key: str
    message: str
    status: str
    created: dt.datetime
    decided: dt.datetime | None
    decided_by: int | None


@dataclass(frozen=True)
class Proposal:
    """A user's proposal of a new entity: its document as N-Triples, waiting for an administrator."""

    id: int
    user_id: int
    login: str
    user_name: str
    entity_key: str
    document: bytes
    status: str
    created: dt.datetime
    decided: dt.datetime | None
    decided_by: int | None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _time(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.timezone.utc)


def normalise_login(login: str) -> str:
    """Logins are compared without surrounding spaces and case (they are e-mail addresses)."""
    return (login or "").strip().lower()


def check_password_rules(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.",
                           f"Hasło musi mieć co najmniej {MIN_PASSWORD} znaków.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password may have at most {MAX_PASSWORD} characters.",
                           f"Hasło może mieć najwyżej {MAX_PASSWORD} znaków.")


def _check_key(entity_key: str) -> str:
    key = (entity_key or "").strip()
    if not valid_key(key):
        raise AccountError(f"{key!r} is not an entity key (lower-case letters, digits and hyphens).",
                           f"{key!r} nie jest kluczem podmiotu (małe litery, cyfry i łączniki).")
    return key


def _text(value: str, what_en: str, what_pl: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise AccountError(f"{what_en} is required.", f"Pole „{what_pl}” jest wymagane.")
    if len(text) > limit:
        raise AccountError(f"{what_en}: at most {limit} characters.",
                           f"{what_pl}: najwyżej {limit} znaków.")
    if _CONTROL_RE.search(text):
        raise AccountError(f"{what_en} contains control characters.",
                           f"{what_pl}: niedozwolone znaki sterujące.")
    return text


class Accounts:
    """The accounts file (see the module's description)."""

    def __init__(self, path: Path, *, hasher: PasswordHasher | None = None,
                 clock: Callable[[], float] | None = None):
        self.path = Path(path)
        self.hasher = hasher or PasswordHasher()
        self.clock = clock or time.time
        self._dummy_hash = None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            fd = os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    @classmethod
    def for_settings(cls, settings) -> Accounts:
        """The accounts of a deployment: ``{data}/accounts/accounts.sqlite``."""
        return cls(Path(settings.data_dir) / "accounts" / "accounts.sqlite")

    @contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            if write:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
            if write:
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    # Users ---------------------------------------------------------------------------------

    def add_user(self, login: str, name: str, password: str, role: str) -> User:
        login = normalise_login(login)
        if not _LOGIN_RE.match(login):
            raise AccountError("A login is 3 to 254 characters without spaces (an e-mail address).",
                               "Login to od 3 do 254 znaków bez spacji (adres e-mail).")
        name = _text(name, "The name", "Imię i nazwisko", 200)
        if role not in ROLES:
            raise AccountError(f"The role is one of {', '.join(ROLES)}, not {role!r}.",
                               f"Rola to jedna z: {', '.join(ROLES)}, nie {role!r}.")
        check_password_rules(password)
        hashed = self.hasher.hash(password)
        with self._db(write=True) as c:
            if c.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone():
                raise AccountError(f"An account with the login {login} already exists.",
                                   f"Konto o loginie {login} już istnieje.")
            cur = c.execute("INSERT INTO users (login, name, password, role, created) VALUES (?, ?, ?, ?, ?)",
                            (login, name, hashed, role, self.clock()))
            return self._user(c, cur.lastrowid)

    def _user(self, c: sqlite3.Connection, user_id: int | None) -> User | None:
        row = c.execute("SELECT id, login, name, role, disabled FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            return None
        keys = frozenset(r[0] for r in c.execute("SELECT entity_key FROM grants WHERE user_id = ?", (row[0],)))
        return User(row[0], row[1], row[2], row[3], keys, bool(row[4]))

    def get(self, user_id: int) -> User | None:
        with self._db() as c:
            return self._user(c, user_id)

    def by_login(self, login: str) -> User | None:
        with self._db() as c:
            row = c.execute("SELECT id FROM users WHERE login = ?", (normalise_login(login),)).fetchone()
            return self._user(c, row[0]) if row else None

    def users(self) -> list[User]:
        with self._db() as c:
            ids = [r[0] for r in c.execute("SELECT id FROM users ORDER BY login")]
            return [self._user(c, i) for i in ids]

    def _require(self, c: sqlite3.Connection, login: str) -> int:
        row = c.execute("SELECT id FROM users WHERE login = ?", (normalise_login(login),)).fetchone()
        if row is None:
            raise AccountError(f"No account with the login {normalise_login(login)}.",
                               f"Nie ma konta o loginie {normalise_login(login)}.")
        return row[0]

    def disable(self, login: str) -> User:
        """Disable an account: its sessions end and its tokens stop working."""
        with self._db(write=True) as c:
            user_id = self._require(c, login)
            c.execute("UPDATE users SET disabled = 1 WHERE id = ?", (user_id,))
            c.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            return self._user(c, user_id)

    def enable(self, login: str) -> User:
        with self._db(write=True) as c:
            user_id = self._require(c, login)
            c.execute("UPDATE users SET disabled = 0 WHERE id = ?", (user_id,))
            return self._user(c, user_id)

    def grant(self, user_id: int, entity_key: str) -> User:
        """Let a user edit an entity."""
        key = _check_key(entity_key)
        with self._db(write=True) as c:
            if self._user(c, user_id) is None:
                raise AccountError(f"No account with the id {user_id}.", f"Nie ma konta o numerze {user_id}.")
            c.execute("INSERT OR IGNORE INTO grants (user_id, entity_key, granted) VALUES (?, ?, ?)",
                      (user_id, key, self.clock()))
            return self._user(c, user_id)

    # Passwords and throttling ------------------------------------------------------------

    def check_password(self, login: str, password: str, remote: str) -> User:
        """The user whose login and password these are; ``Throttled`` after repeated failures (even
        with the right password), ``BadCredentials`` otherwise."""
        login = normalise_login(login)
        remote = remote or "-"
        now = self.clock()
        with self._db(write=True) as c:
            wait = self._lock_remaining(c, now, login=login, remote=remote)
            if wait is None:
                attempt = c.execute("INSERT INTO failures (login, remote, at) VALUES (?, ?, ?)",
                                    (login, remote, now)).lastrowid
                row = c.execute("SELECT id, password, disabled FROM users WHERE login = ?", (login,)).fetchone()
        if wait is not None:
            raise Throttled(wait)
        ok = False
        password = password if isinstance(password, str) else ""
        if row is not None:
            try:
                ok = self.hasher.verify(row[1], password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        else:  # the same work for an unknown login, so timing does not tell which logins exist
            try:
                self.hasher.verify(self._dummy(), password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                pass
        if not ok:
            with self._db(write=True) as c:
                self._lock_if_over(c, self.clock(), login=login, remote=remote)
            raise BadCredentials()
        rehashed = self.hasher.hash(password) if self.hasher.check_needs_rehash(row[1]) else None
        with self._db(write=True) as c:
            c.execute("DELETE FROM failures WHERE id = ? OR login = ?", (attempt, login))
            if rehashed:
                c.execute("UPDATE users SET password = ? WHERE id = ?", (rehashed, row[0]))
            user = self._user(c, row[0])
        if user.disabled:
            raise BadCredentials("This account is disabled.", "To konto jest wyłączone.")
        return user

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def _lock_remaining(self, c: sqlite3.Connection, now: float, *, login: str | None,
                        remote: str) -> float | None:
        """Seconds until the login or the address may try again (None: it may try now)."""
        c.execute("DELETE FROM locks WHERE until <= ?", (now,))
        c.execute("DELETE FROM failures WHERE at <= ?", (now - THROTTLE_WINDOW,))
        until = c.execute(
            "SELECT MAX(until) FROM locks WHERE (scope = 'login' AND key = ?) OR (scope = 'remote' AND key = ?)",
            (login or "", remote),
        ).fetchone()[0]
        if until is not None:
            return until - now
        # Attempts still being checked count as failures until they succeed.
        if self._lock_if_over(c, now, login=login, remote=remote):
            return THROTTLE_LOCK
        return None

    def _lock_if_over(self, c: sqlite3.Connection, now: float, *, login: str | None, remote: str) -> bool:
        """Lock the login or the address whose recent failures (attempts still being checked
        included) reached the limit."""
        since = now - THROTTLE_WINDOW
        locked = False
        if login:
            n = c.execute("SELECT COUNT(*) FROM failures WHERE login = ? AND at > ?", (login, since)).fetchone()[0]
            if n >= MAX_FAILURES_LOGIN:
                c.execute("INSERT OR REPLACE INTO locks (scope, key, until) VALUES ('login', ?, ?)",
                          (login, now + THROTTLE_LOCK))
                locked = True
        n = c.execute("SELECT COUNT(*) FROM failures WHERE remote = ? AND at > ?", (remote, since)).fetchone()[0]
        if n >= MAX_FAILURES_REMOTE:
            c.execute("INSERT OR REPLACE INTO locks (scope, key, until) VALUES ('remote', ?, ?)",
                      (remote, now + THROTTLE_LOCK))
            locked = True
        return locked

    def remote_failure(self, remote: str) -> None:
        """Record a failed authentication of an address that named no login (a bad API token)."""
        now = self.clock()
        with self._db(write=True) as c:
            c.execute("INSERT INTO failures (login, remote, at) VALUES (NULL, ?, ?)", (remote or "-", now))
            self._lock_if_over(c, now, login=None, remote=remote or "-")

    def remote_locked(self, remote: str) -> float | None:
        """Seconds until an address may try again, or None when it is not locked."""
        now = self.clock()
        with self._db() as c:
            until = c.execute("SELECT MAX(until) FROM locks WHERE scope = 'remote' AND key = ? AND until > ?",
                              (remote or "-", now)).fetchone()[0]
        return None if until is None else until - now

    # API tokens --------------------------------------------------------------------------

    def issue_token(self, user_id: int, name: str) -> str:
        """A new API token for a user; the plaintext is returned once and never stored."""
        name = _text(name, "The token's name", "Nazwa tokenu", 100)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._db(write=True) as c:
            if self._user(c, user_id) is None:
                raise AccountError(f"No account with the id {user_id}.", f"Nie ma konta o numerze {user_id}.")
            c.execute("INSERT INTO tokens (user_id, name, hash, created) VALUES (?, ?, ?, ?)",
                      (user_id, name, _sha256(token), self.clock()))
        return token

    def token_user(self, token: str) -> User | None:
        """The user of a valid token (None for an unknown or revoked token or a disabled user)."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        now = self.clock()
        with self._db() as c:
            row = c.execute("SELECT id, user_id, last_used FROM tokens WHERE hash = ?", (_sha256(token),)).fetchone()
            if row is None:
                return None
            user = self._user(c, row[1])
            if user is None or user.disabled:
                return None
            if row[2] is None or now - row[2] > TOUCH_EVERY:
                c.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now, row[0]))
            return user

    def revoke_token(self, token_id: int, *, user_id: int | None = None) -> None:
        """Revoke a token (with ``user_id``: only if it is that user's)."""
        with self._db(write=True) as c:
            if user_id is None:
                cur = c.execute("DELETE FROM tokens WHERE id = ?", (token_id,))
            else:
                cur = c.execute("DELETE FROM tokens WHERE id = ? AND user_id = ?", (token_id, user_id))
            if cur.rowcount == 0:
                raise AccountError(f"No token with the id {token_id}.", f"Nie ma tokenu o numerze {token_id}.")

    def tokens(self, user_id: int) -> list[Token]:
        with self._db() as c:
            return [Token(r[0], r[1], r[2], _time(r[3]), _time(r[4])) for r in c.execute(
                "SELECT id, user_id, name, created, last_used FROM tokens WHERE user_id = ? ORDER BY id",
                (user_id,))]

    # Sessions ----------------------------------------------------------------------------

    def open_session(self, user_id: int) -> tuple[str, str]:
        """A new session of a user: (session id for the cookie, the session's CSRF token)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        with self._db(write=True) as c:
            c.execute("DELETE FROM sessions WHERE seen <= ? OR created <= ?",
                      (now - SESSION_IDLE, now - SESSION_ABSOLUTE))
            c.execute("INSERT INTO sessions (id, user_id, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
                      (_sha256(session_id), user_id, csrf, now, now))
        return session_id, csrf

    def session(self, session_id: str) -> tuple[User, str] | None:
        """The user and CSRF token of a live session, or None (unknown, expired, user disabled)."""
        if not session_id or len(session_id) > 200:
            return None
        now = self.clock()
        key = _sha256(session_id)
        with self._db() as c:
            row = c.execute("SELECT user_id, csrf, created, seen FROM sessions WHERE id = ?", (key,)).fetchone()
            if row is None:
                return None
            user_id, csrf, created, seen = row
            if now - seen > SESSION_IDLE or now - created > SESSION_ABSOLUTE:
                c.execute("DELETE FROM sessions WHERE id = ?", (key,))
                return None
            user = self._user(c, user_id)
            if user is None or user.disabled:
                return None
            if now - seen > TOUCH_EVERY:
                c.execute("UPDATE sessions SET seen = ? WHERE id = ?", (now, key))
            return user, csrf

    def close_session(self, session_id: str) -> None:
        with self._db(write=True) as c:
            c.execute("DELETE FROM sessions WHERE id = ?", (_sha256(session_id or ""),))

    # Claims of existing entities ---------------------------------------------------------

    def add_claim(self, user_id: int, entity_key: str, message: str) -> int:
        """A user asks to edit an existing entity; an administrator decides."""
        key = _check_key(entity_key)
        message = _text(message, "The message", "Wiadomość", 2000, required=False)
        with self._db(write=True) as c:
            user = self._user(c, user_id)
            if user is None:
                raise AccountError(f"No account with the id {user_id}.", f"Nie ma konta o numerze {user_id}.")
            if key in user.entities:
                raise AccountError("You may already edit this entity.", "Już możesz edytować ten podmiot.")
            if c.execute("SELECT 1 FROM claims WHERE user_id = ? AND entity_key = ? AND status = 'pending'",
                         (user_id, key)).fetchone():
                raise AccountError("Your claim of this entity is already waiting for a decision.",
                                   "Twoje zgłoszenie tego podmiotu już czeka na decyzję.")
            return c.execute("INSERT INTO claims (user_id, entity_key, message, created) VALUES (?, ?, ?, ?)",
                             (user_id, key, message, self.clock())).lastrowid

    _CLAIM_SELECT = ("SELECT c.id, c.user_id, u.login, u.name, c.entity_key, c.message, c.status, c.created,"
                     " c.decided, c.decided_by FROM claims c JOIN users u ON u.id = c.user_id")

    def claims(self, status: str | None = "pending", *, user_id: int | None = None) -> list[Claim]:
        """Claims with a status (None: all), oldest first; with ``user_id``, that user's only."""
        sql, args = self._filtered(self._CLAIM_SELECT, "c", status, user_id)
        with self._db() as c:
            return [Claim(*r[:7], _time(r[7]), _time(r[8]), r[9]) for r in c.execute(sql, args)]

    def claim(self, claim_id: int) -> Claim | None:
        with self._db() as c:
            r = c.execute(self._CLAIM_SELECT + " WHERE c.id = ?", (claim_id,)).fetchone()
        return None if r is None else Claim(*r[:7], _time(r[7]), _time(r[8]), r[9])

    @staticmethod
    def _filtered(select: str, alias: str, status: str | None, user_id: int | None) -> tuple[str, list]:
        where, args = [], []
        if status is not None:
            where.append(f"{alias}.status = ?")
            args.append(status)
        if user_id is not None:
            where.append(f"{alias}.user_id = ?")
            args.append(user_id)
        sql = select + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {alias}.id"
        return sql, args

    def decide_claim(self, claim_id: int, approve: bool, admin_id: int) -> Claim:
        """Approve (the claimant may then edit the entity) or reject a pending claim."""
        with self._db(write=True) as c:
            self._check_admin(c, admin_id)
            row = c.execute("SELECT user_id, entity_key, status FROM claims WHERE id = ?", (claim_id,)).fetchone()
            self._check_pending(row, "claim", "zgłoszenia", claim_id)
            c.execute("UPDATE claims SET status = ?, decided = ?, decided_by = ? WHERE id = ?",
                      ("approved" if approve else "rejected", self.clock(), admin_id, claim_id))
            if approve:
                c.execute("INSERT OR IGNORE INTO grants (user_id, entity_key, granted) VALUES (?, ?, ?)",
                          (row[0], row[1], self.clock()))
        return self.claim(claim_id)

    def _check_admin(self, c: sqlite3.Connection, admin_id: int) -> None:
        admin = self._user(c, admin_id)
        if admin is None or not admin.is_admin or admin.disabled:
            raise AccountError("Only an administrator may decide.", "Decyzję może podjąć tylko administrator.")

    @staticmethod
    def _check_pending(row, what_en: str, what_pl: str, number: int) -> None:
        if row is None:
            raise AccountError(f"No {what_en} number {number}.", f"Nie ma {what_pl} numer {number}.")
        if row[-1] != "pending":
            raise AccountError(f"The {what_en} number {number} was already decided.",
                               f"Sprawa numer {number} została już rozstrzygnięta.")

    # Proposals of new entities -----------------------------------------------------------

    def add_proposal(self, user_id: int, entity_key: str, document: bytes) -> int:
        """A user proposes a new entity (its document as N-Triples); an administrator decides."""
        key = _check_key(entity_key)
        if not isinstance(document, bytes | bytearray) or not document.strip():
            raise AccountError("The proposed document is empty.", "Proponowany dokument jest pusty.")
        with self._db(write=True) as c:
            if self._user(c, user_id) is None:
                raise AccountError(f"No account with the id {user_id}.", f"Nie ma konta o numerze {user_id}.")
            if c.execute("SELECT 1 FROM proposals WHERE user_id = ? AND entity_key = ? AND status = 'pending'",
                         (user_id, key)).fetchone():
                raise AccountError("Your proposal of this entity is already waiting for a decision.",
                                   "Twoja propozycja tego podmiotu już czeka na decyzję.")
            return c.execute("INSERT INTO proposals (user_id, entity_key, document, created) VALUES (?, ?, ?, ?)",
                             (user_id, key, bytes(document), self.clock())).lastrowid

    _PROPOSAL_SELECT = ("SELECT p.id, p.user_id, u.login, u.name, p.entity_key, p.document, p.status, p.created,"
                        " p.decided, p.decided_by FROM proposals p JOIN users u ON u.id = p.user_id")

    def proposals(self, status: str | None = "pending", *, user_id: int | None = None) -> list[Proposal]:
        sql, args = self._filtered(self._PROPOSAL_SELECT, "p", status, user_id)
        with self._db() as c:
            return [Proposal(*r[:5], bytes(r[5]), r[6], _time(r[7]), _time(r[8]), r[9])
                    for r in c.execute(sql, args)]

    def proposal(self, proposal_id: int) -> Proposal | None:
        with self._db() as c:
            r = c.execute(self._PROPOSAL_SELECT + " WHERE p.id = ?", (proposal_id,)).fetchone()
        return None if r is None else Proposal(*r[:5], bytes(r[5]), r[6], _time(r[7]), _time(r[8]), r[9])

    def decide_proposal(self, proposal_id: int, approve: bool, admin_id: int) -> Proposal:
        """Record the decision on a proposal; approval lets the proposer edit the entity (the caller
        stores the document first)."""
        with self._db(write=True) as c:
            self._check_admin(c, admin_id)
            row = c.execute("SELECT user_id, entity_key, status FROM proposals WHERE id = ?",
                            (proposal_id,)).fetchone()
            self._check_pending(row, "proposal", "propozycji", proposal_id)
            c.execute("UPDATE proposals SET status = ?, decided = ?, decided_by = ? WHERE id = ?",
                      ("approved" if approve else "rejected", self.clock(), admin_id, proposal_id))
            if approve:
                c.execute("INSERT OR IGNORE INTO grants (user_id, entity_key, granted) VALUES (?, ?, ?)",
                          (row[0], row[1], self.clock()))
        return self.proposal(proposal_id)

    # Backup ------------------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy of the accounts file (SQLite's online backup), readable by the owner only."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
        src = sqlite3.connect(self.path, timeout=30)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
