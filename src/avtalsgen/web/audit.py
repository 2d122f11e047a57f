"""The audit log: who did what, when, to which Dnr, with the SHA-256 of the files involved.

Append-only (the database refuses to change or remove a row). It never holds a password, a
PIN or a passphrase: callers pass none, and any value of the secret-holding environment
variables that still slips into a detail is blanked out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.i18n import N_
from avtalsgen.web import db

#: The environment variables that may hold secrets.
SECRET_VARIABLES = (
    "AVTALSGEN_P12_PASSPHRASE",
    "AVTALSGEN_PKCS11_PIN",
    "AVTALSGEN_PASSWORD",
)

#: What the log records (action names as stored, and in words: marked for translation,
#: translated where shown).
ACTIONS = {
    "login": N_("login"),
    "login_failed": N_("failed login"),
    "logout": N_("logout"),
    "save": N_("saved"),
    "create": N_("created"),
    "build": N_("build run"),
    "extract": N_("protokollsutdrag"),
    "anslag": N_("anslag"),
    "email": N_("e-mail for the expediering"),
    "publish": N_("publishing"),
    "sign": N_("signature"),
    "verify": N_("verification"),
    "user": N_("user changed"),
}


@dataclass(frozen=True)
class Entry:
    """One row of the audit log."""

    id: int
    time: str
    user: str | None
    action: str
    dnr: str | None
    detail: str
    hashes: dict[str, str]


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _scrub(text: str) -> str:
    for variable in SECRET_VARIABLES:
        secret = os.environ.get(variable)
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[dolt]")
    return text


def record(
    database: Path,
    user: str | None,
    action: str,
    *,
    dnr: str | None = None,
    detail: str = "",
    files: Iterable[Path] = (),
    root: Path | None = None,
    hashes: dict[str, str] | None = None,
) -> None:
    """Append one entry; ``files`` are hashed and named relative to ``root`` if given
    (``hashes``: files already hashed, by name)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    hashes = dict(hashes or {})
    for path in files:
        if path.is_file():
            name = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
            hashes[name] = file_hash(path)
    with db.connect(database) as conn:
        conn.execute(
            "INSERT INTO audit (time, user, action, dnr, detail, hashes) VALUES (?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                user,
                action,
                dnr,
                _scrub(detail),
                json.dumps(hashes, ensure_ascii=False, sort_keys=True),
            ),
        )


def entries(
    database: Path, *, limit: int = 200, dnr: str | None = None, user: str | None = None
) -> list[Entry]:
    """The newest entries first, optionally of one Dnr or one user."""
    query = "SELECT * FROM audit"
    where, args = [], []
    if dnr:
        where.append("dnr = ?")
        args.append(dnr)
    if user:
        where.append("user = ?")
        args.append(user)
    if where:
        query += " WHERE " + " AND ".join(where)
    query += " ORDER BY id DESC LIMIT ?"
    with db.reading(database) as conn:
        rows = conn.execute(query, (*args, limit)).fetchall()
    return [
        Entry(
            row["id"],
            row["time"],
            row["user"],
            row["action"],
            row["dnr"],
            row["detail"],
            json.loads(row["hashes"]),
        )
        for row in rows
    ]
