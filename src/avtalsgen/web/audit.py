"""The audit log: who did what, when, to which Dnr, with the SHA-256 of the files involved.

The log is the authority's record: it reads the same whoever acted. A detail in words is
composed in each language avtalsgen speaks (:func:`texts`) and kept so: the ``detail``
column holds it in Swedish, the office's language, and ``texts`` every language's; a page
or ``avtalsgen audit`` shows the reader's (:attr:`Entry.shown`). A detail that is the same
in every language (a file name and its version) and the rows written before ``texts``
existed are shown as written.

Append-only (the database refuses to change or remove a row). It never holds a password, a
PIN or a passphrase: callers pass none, and any value of the secret-holding environment
variables that still slips into a detail is blanked out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.i18n import N_, current_language, in_each_language
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
    """The detail as recorded: in Swedish (the office's language), or as the acting user's
    words were before the log kept each language's."""
    hashes: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)
    """The detail in each language avtalsgen speaks, by language (empty: as recorded)."""

    @property
    def shown(self) -> str:
        """The detail in the reader's language (the current one), else as recorded."""
        return self.texts.get(current_language(), self.detail)


#: The record's language: ``detail`` holds a detail in it.
RECORD_LANGUAGE = "sv"


def texts(compose: Callable[[], str]) -> dict[str, str]:
    """A detail in words, composed in each language (``compose`` calls ``_()``): what
    :func:`record` takes to keep the log the same whoever acted."""
    return in_each_language(compose)


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
    detail: str | Mapping[str, str] = "",
    files: Iterable[Path] = (),
    root: Path | None = None,
    hashes: dict[str, str] | None = None,
) -> None:
    """Append one entry; ``files`` are hashed and named relative to ``root`` if given
    (``hashes``: files already hashed, by name). ``detail``: words the same in every
    language, or a detail in each (:func:`texts`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    hashes = dict(hashes or {})
    for path in files:
        if path.is_file():
            name = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
            hashes[name] = file_hash(path)
    if isinstance(detail, str):
        words, by_language = detail, {}
    else:
        by_language = {language: _scrub(text) for language, text in detail.items()}
        words = by_language.get(RECORD_LANGUAGE, "")
    with db.connect(database) as conn:
        conn.execute(
            "INSERT INTO audit (time, user, action, dnr, detail, hashes, texts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                user,
                action,
                dnr,
                _scrub(words),
                json.dumps(hashes, ensure_ascii=False, sort_keys=True),
                json.dumps(by_language, ensure_ascii=False, sort_keys=True),
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
            _texts(row["texts"]),
        )
        for row in rows
    ]


def _texts(value: str | None) -> dict[str, str]:
    try:
        found = json.loads(value or "{}")
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}
