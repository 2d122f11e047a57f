"""Users, roles, passwords (argon2id), sessions and the delays after failed logins.

A session id is 32 random bytes, given to the browser in an HttpOnly cookie; the database
keeps only its SHA-256, so a copy of the database opens no session. A new id is made at
every login; a session ends after :data:`~avtalsgen.web.config.IDLE_MINUTES` without a
request, or at the latest after :data:`~avtalsgen.web.config.MAX_SESSION_HOURS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import N_, _
from avtalsgen.web import db
from avtalsgen.web.config import MAX_SESSION_HOURS

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: The roles, and what each may do (a user may hold several roles).
ROLES: dict[str, str] = {
    "läsare": N_("reads cases, meetings, packets and reports"),
    "handläggare": N_("edits and builds cases"),
    "sekreterare": N_("edits meetings, makes extracts, the anslag and e-mails"),
    "undertecknare": N_("signs packets"),
    "administratör": N_("manages users and reads the audit log"),
}

#: Each role's name as the pages say it: the Swedish is the role itself (what ``avtalsgen
#: users add --role`` takes), the English the role in English words.
ROLE_NAMES: dict[str, str] = {
    "läsare": N_("reader"),
    "handläggare": N_("case officer"),
    "sekreterare": N_("secretary"),
    "undertecknare": N_("signer"),
    "administratör": N_("administrator"),
}


def role_name(role: str) -> str:
    """A role as the pages name it, in the current language of messages."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def role_names(roles: Iterable[str]) -> str:
    """Roles as the pages name them, in order of their names: ``handläggare, sekreterare``,
    ``case officer, secretary``."""
    return ", ".join(sorted(role_name(role) for role in roles))


#: What each permission needs: any one of these roles.
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "edit_case": frozenset({"handläggare"}),
    "build": frozenset({"handläggare", "sekreterare"}),
    "edit_meeting": frozenset({"sekreterare"}),
    "extract": frozenset({"sekreterare"}),
    "sign": frozenset({"undertecknare"}),
    "verify": frozenset(ROLES),
    "users": frozenset({"administratör"}),
    "audit": frozenset({"administratör", "sekreterare", "handläggare"}),
}

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
#: The shortest password accepted.
MIN_PASSWORD = 10
#: Failed logins that cost nothing; each further one doubles the wait before the next try.
FREE_FAILURES = 3
#: The longest wait after failed logins, in seconds.
MAX_DELAY = 300.0


class UserError(AvtalsgenError):
    """A user cannot be added or changed as asked; ``field`` is what was refused: ``name``,
    ``password`` or ``roles`` (None: the request as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class User:
    """A person who may log in, and their roles."""

    name: str
    roles: frozenset[str]

    def may(self, permission: str) -> bool:
        """Whether any of the user's roles gives ``permission``."""
        return bool(self.roles & PERMISSIONS[permission])


#: Parameters of new hashes other than the library's (tests make cheap hashes).
HASH_PARAMETERS: dict[str, int] = {}


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    # argon2id with the library's parameters (RFC 9106's low-memory choice) unless set.
    return PasswordHasher(
        time_cost=HASH_PARAMETERS.get("time_cost", 3),
        memory_cost=HASH_PARAMETERS.get("memory_cost", 65536),
        parallelism=HASH_PARAMETERS.get("parallelism", 4),
    )


_DUMMY: list[str] = []


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; its parameters are in the text)."""
    return str(_hasher().hash(password))


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; the same work is done when there is no such
    user, so timing does not tell which names exist."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if stored is None:
        if not _DUMMY:
            _DUMMY.append(hash_password(secrets.token_hex(16)))
        stored, password = _DUMMY[0], password + "\0"
    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def parse_roles(roles: list[str]) -> frozenset[str]:
    """The roles named (Swedish names, with or without å/ä/ö); refuses unknown ones."""
    plain = {role.translate(str.maketrans("åäö", "aao")): role for role in ROLES}
    found = set()
    for given in roles:
        for part in given.split(","):
            name = part.strip().lower()
            role = name if name in ROLES else plain.get(name)
            if role is None:
                raise UserError(
                    _("unknown role {role}; choose from {roles}").format(
                        role=name, roles=", ".join(ROLES)
                    ),
                    "roles",
                )
            found.add(role)
    if not found:
        raise UserError(_("give at least one role"), "roles")
    return frozenset(found)


def add_user(database: Path, name: str, roles: frozenset[str], password: str) -> User:
    """Add a user (or replace the password and roles of one that exists)."""
    if not USER_NAME.match(name):
        raise UserError(
            _("'{name}' is not a user name: letters, digits and . _ @ - only").format(name=name),
            "name",
        )
    if len(password) < MIN_PASSWORD:
        raise UserError(
            _("the password must be at least {count} characters").format(count=MIN_PASSWORD),
            "password",
        )
    hashed = hash_password(password)
    with db.connect(database) as conn:
        conn.execute(
            "INSERT INTO users (name, roles, hash, created, active) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT(name) DO UPDATE SET roles = excluded.roles, hash = excluded.hash, "
            "active = 1",
            (name, ",".join(sorted(roles)), hashed, _now_text()),
        )
        # A new password ends the user's sessions.
        conn.execute("DELETE FROM sessions WHERE user = ?", (name,))
    return User(name, roles)


def set_active(database: Path, name: str, active: bool) -> None:
    """Let a user log in again, or stop them (their sessions end)."""
    with db.connect(database) as conn:
        changed = conn.execute(
            "UPDATE users SET active = ? WHERE name = ?", (int(active), name)
        ).rowcount
        if not changed:
            raise UserError(_("no user named {name}").format(name=name))
        conn.execute("DELETE FROM sessions WHERE user = ?", (name,))


def list_users(database: Path) -> list[tuple[User, bool, str]]:
    """Every user with whether they may log in and when they were added."""
    with db.reading(database) as conn:
        rows = conn.execute("SELECT name, roles, active, created FROM users ORDER BY name")
        return [
            (
                User(row["name"], frozenset(row["roles"].split(","))),
                bool(row["active"]),
                row["created"],
            )
            for row in rows
        ]


def get_user(database: Path, name: str) -> User | None:
    """The active user named ``name``, if any."""
    with db.reading(database) as conn:
        row = conn.execute(
            "SELECT name, roles FROM users WHERE name = ? AND active = 1", (name,)
        ).fetchone()
    return User(row["name"], frozenset(row["roles"].split(","))) if row else None


def authenticate(database: Path, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs and they may log in; else None."""
    with db.reading(database) as conn:
        row = conn.execute(
            "SELECT name, roles, hash FROM users WHERE name = ? AND active = 1", (name,)
        ).fetchone()
    ok = check_password(row["hash"] if row else None, password)
    if row is None or not ok:
        return None
    return User(row["name"], frozenset(row["roles"].split(",")))


# --- delays after failed logins ------------------------------------------------------------


def delay_after(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` failed logins in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_FAILURES + 1))


def wait_left(database: Path, keys: list[str], now: float | None = None) -> float:
    """Seconds before a login for these keys (user name, client address) may be tried."""
    now = time.time() if now is None else now
    left = 0.0
    with db.reading(database) as conn:
        for key in keys:
            row = conn.execute(
                "SELECT count, last FROM login_failures WHERE key = ?", (key,)
            ).fetchone()
            if row:
                left = max(left, row["last"] + delay_after(row["count"]) - now)
    return max(0.0, left)


def record_failure(database: Path, keys: list[str]) -> None:
    """Count a failed login against each key."""
    now = time.time()
    with db.connect(database) as conn:
        for key in keys:
            conn.execute(
                "INSERT INTO login_failures (key, count, last) VALUES (?, 1, ?) "
                "ON CONFLICT(key) DO UPDATE SET count = count + 1, last = excluded.last",
                (key, now),
            )


def clear_failures(database: Path, keys: list[str]) -> None:
    """Forget the failed logins of these keys (after a successful login)."""
    with db.connect(database) as conn:
        conn.executemany("DELETE FROM login_failures WHERE key = ?", [(k,) for k in keys])


# --- sessions ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(database: Path, user: User, old_token: str | None = None) -> str:
    """A new session for ``user``; the old session (if any) ends. Returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with db.connect(database) as conn:
        if old_token:
            conn.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(old_token),))
        conn.execute(
            "INSERT INTO sessions (id_hash, user, created, seen) VALUES (?, ?, ?, ?)",
            (_digest(token), user.name, now, now),
        )
        # Sessions that have ended are removed as others start.
        conn.execute("DELETE FROM sessions WHERE created < ?", (now - MAX_SESSION_HOURS * 3600,))
    return token


def session_user(database: Path, token: str, idle_minutes: int) -> User | None:
    """The user of the session ``token`` if it has not ended; marks it as used now."""
    now = time.time()
    digest = _digest(token)
    with db.reading(database) as conn:
        row = conn.execute(
            "SELECT s.user, s.created, s.seen, u.roles FROM sessions s JOIN users u "
            "ON u.name = s.user AND u.active = 1 WHERE s.id_hash = ?",
            (digest,),
        ).fetchone()
    if row is None:
        return None
    if now - row["seen"] > idle_minutes * 60 or now - row["created"] > MAX_SESSION_HOURS * 3600:
        end_session(database, token)
        return None
    if now - row["seen"] > 15:  # write at most every 15 s per session
        with db.connect(database) as conn:
            conn.execute("UPDATE sessions SET seen = ? WHERE id_hash = ?", (now, digest))
    return User(row["user"], frozenset(row["roles"].split(",")))


def end_session(database: Path, token: str) -> None:
    """End the session ``token`` (log out)."""
    with db.connect(database) as conn:
        conn.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(token),))
