"""The web app's own state in one SQLite file: users, sessions, the audit log, saved
versions of case and meeting files, and build jobs.

Each call opens its own connection (SQLite connections are cheap and belong to one thread);
WAL lets readers go on while one writer writes. The audit log is append-only: triggers
refuse every UPDATE and DELETE of its rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    roles TEXT NOT NULL,
    hash TEXT NOT NULL,
    created TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    last REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    user TEXT,
    action TEXT NOT NULL,
    dnr TEXT,
    detail TEXT NOT NULL DEFAULT '',
    hashes TEXT NOT NULL DEFAULT '{}',
    texts TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file TEXT NOT NULL,
    number INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    user TEXT,
    time TEXT NOT NULL,
    UNIQUE (file, number)
);
CREATE INDEX IF NOT EXISTS versions_by_hash ON versions (file, sha256);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user TEXT NOT NULL,
    started TEXT NOT NULL,
    ended TEXT,
    state TEXT NOT NULL,
    cases TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '[]'
);
"""


def initialise(database: Path) -> None:
    """Make the database and its folder if they do not exist (readable by the owner only)."""
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        _add_missing_columns(conn)
    finally:
        conn.close()
    database.chmod(0o600)


#: Columns added to a table after its first release: (table, column, definition). A
#: database made before gets them when opened (its rows keep their values; the new column
#: holds its default in them).
_ADDED_COLUMNS = (
    ("audit", "texts", "TEXT NOT NULL DEFAULT '{}'"),
    # A run's kind, its meeting file's name (a secretary's step), and why it failed: its
    # page is shown from them after the server has restarted.
    ("jobs", "kind", "TEXT NOT NULL DEFAULT ''"),
    ("jobs", "meeting", "TEXT"),
    ("jobs", "error", "TEXT"),
    ("jobs", "error_texts", "TEXT"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def hold(database: Path) -> sqlite3.Connection:
    """A connection for the app to keep open for its whole life, and close at its end.

    When the last connection to a database in WAL mode closes, SQLite checkpoints the log
    into the database and removes it, with an fsync: about 20 ms on a busy disk, after every
    request that writes (each opens and closes its own connection). While this one stays
    open, that happens only every thousand pages written, as SQLite's automatic checkpoint.
    """
    conn = sqlite3.connect(database, check_same_thread=False)
    conn.execute("SELECT 1 FROM users LIMIT 1").fetchall()  # opens the database and its log
    return conn


@contextmanager
def connect(database: Path) -> Iterator[sqlite3.Connection]:
    """A connection that commits when the block ends without an error, and is closed."""
    conn = sqlite3.connect(database, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA synchronous=NORMAL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


@contextmanager
def reading(database: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reading only (no write lock taken)."""
    conn = sqlite3.connect(database, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()
