"""Case and meeting files as the web app reads and writes them.

The YAML files stay the source of truth that the CLI reads. A save merges the form's data
into the file as ruamel.yaml reads it (round trip): comments, key order, quoting and block
styles of the values that did not change are kept. A save is based on the version of the
file the form was made from (its SHA-256); if the file changed since, the save is refused
and what changed is shown; nothing is written and the form keeps what was typed. Every
version saved (and every version found changed outside the app) is kept in the database
with who saved it and when.

File names come from the browser, so every name is checked before it reaches the file
system: one plain name (``[A-Za-z0-9][A-Za-z0-9._-]*``, no folders, no ``..``), a
``.yaml`` file directly in its folder, and, with symbolic links resolved, still inside it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fcntl
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avtalsgen.build.workspace import atomic_write
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _
from avtalsgen.web import db

#: A file name the app accepts from a URL or a form (without the .yaml suffix).
FILE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PathRefused(AvtalsgenError):
    """A file name from a request that names nothing the app may touch."""


class Conflict(AvtalsgenError):
    """The file changed after the form was opened; nothing was saved."""

    def __init__(self, message: str, diff: list[str], current_sha: str) -> None:
        super().__init__(message)
        self.diff = diff
        self.current_sha = current_sha


def safe_file(folder: Path, stem: str) -> Path:
    """The file ``folder/<stem>.yaml``, or :class:`PathRefused` if ``stem`` is not a plain
    name or the file (links resolved) lies outside ``folder``."""
    if not FILE_STEM.match(stem) or ".." in stem:
        raise PathRefused(_("not a file name: {name}").format(name=stem[:80]))
    root = folder.resolve()
    path = root / f"{stem}.yaml"
    resolved = path.resolve()
    if resolved.parent != root and not resolved.is_relative_to(root):
        raise PathRefused(_("not a file name: {name}").format(name=stem[:80]))
    return path


def list_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` files directly in ``folder``, sorted; symbolic links that lead
    outside the folder are left out. The cases folder's cases are :func:`case_files`."""
    found = []
    root: Path | None = None
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(".yaml") or not FILE_STEM.match(entry.name[:-5]):
                    continue
                path = folder / entry.name
                if entry.is_symlink():  # only a link can lead out of the folder
                    root = root or folder.resolve()
                    if not (path.is_file() and path.resolve().is_relative_to(root)):
                        continue
                elif not entry.is_file():
                    continue
                found.append(path)
    except OSError:  # no such folder
        return []
    return sorted(found)


def case_files(folder: Path) -> list[Path]:
    """The case files of the cases folder ``folder`` as the CLI reads a folder
    (:func:`avtalsgen.input.kinds.case_files_in`): :func:`list_files` but a program file
    kept beside the cases, which build, check and status pass by (kept by the folder's
    listing: :mod:`avtalsgen.web.caseindex`)."""
    from avtalsgen.web.caseindex import case_index

    return [path for path, _stamp in case_index(folder).files]


def sha256_text(text: str) -> str:
    """The SHA-256 of a file's text (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str:
    """The file's text."""
    return path.read_text(encoding="utf-8")


# --- round trip -----------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line of a file written by hand
    yaml.indent(mapping=2, sequence=4, offset=2)

    def null(representer: Any, _data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    yaml.representer.add_representer(type(None), null)
    return yaml


def load_round_trip(text: str) -> Any:
    """The file's data as ruamel.yaml's round trip reads it (with comments and styles)."""
    return _yaml().load(text)


def dump_round_trip(data: Any) -> str:
    """YAML text of round-trip data."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """Round-trip data as plain Python values, dates as YYYY-MM-DD text (as the form has them)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _empty(value: Any) -> bool:
    if value is None or value is False or value == [] or value == "":
        return True
    return isinstance(value, dict) and all(_empty(item) for item in value.values())


def _scalar(new: Any, old: Any = None) -> Any:
    """A new value as it should be written: dates as dates (written plain), text with line
    breaks as a literal block, a one-line text that replaces a folded one folded again."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if isinstance(new, str):
        if _DATE.match(new):
            try:
                return dt.date.fromisoformat(new)
            except ValueError:
                return new  # the loader reports it at its field
        if "\n" in new.strip("\n"):
            return LiteralScalarString(new.rstrip("\n") + "\n")
        if isinstance(old, FoldedScalarString):
            return FoldedScalarString(new)
    if isinstance(new, dict):
        return {key: _scalar(item) for key, item in new.items()}
    if isinstance(new, list):
        return [_scalar(item) for item in new]
    return new


def merge(old: Any, new: Any) -> Any:
    """``new`` (plain data from the form) written over ``old`` (round-trip data): what did not
    change keeps its object, and with it its comments and style; keys keep their order; new
    keys whose value is empty (the model's default) are not added."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key in old:
                old[key] = merge(old[key], value)
            elif not _empty(value):
                old[key] = _scalar(value)
        return old
    if isinstance(old, list) and isinstance(new, list):
        for index, value in enumerate(new[: len(old)]):
            old[index] = merge(old[index], value)
        del old[len(new) :]
        for value in new[len(old) :]:
            old.append(_scalar(value))
        return old
    if plain(old) == new and type(plain(old)) is type(new):
        return old
    return _scalar(new, old)


def merged_text(text: str, data: dict[str, Any]) -> str:
    """The file's text with ``data`` written over it (see :func:`merge`)."""
    return merged_into(load_round_trip(text) if text.strip() else None, data)


def merged_into(old: Any, data: dict[str, Any]) -> str:
    """The text of round-trip data ``old`` (None: an empty file) with ``data`` written
    over it (see :func:`merge`); ``old`` is changed."""
    if old is None:
        from ruamel.yaml.comments import CommentedMap

        old = CommentedMap()
    return dump_round_trip(merge(old, data))


# --- validation with the CLI's own loader ---------------------------------------------------


def check_text(
    path: Path, text: str, loader: Callable[[Path], object]
) -> tuple[object | None, list[str]]:
    """Validate ``text`` as the file ``path`` with the CLI's loader: (the loaded value, [])
    or (None, the loader's problems, naming ``path``). The text is written to a temporary
    file beside ``path`` (paths inside it are relative to its folder), named so that no
    folder listing of case files picks it up, and removed."""
    from avtalsgen.errors import CaseError

    handle, temp = tempfile.mkstemp(prefix=".web-check-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        try:
            return loader(Path(temp)), []
        except CaseError as exc:
            return None, [problem.replace(temp, str(path)) for problem in exc.problems]
    finally:
        Path(temp).unlink(missing_ok=True)


# --- versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One kept version of a file."""

    number: int
    sha256: str
    user: str | None
    time: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def remember(database: Path, key: str, text: str, user: str | None) -> int:
    """Keep ``text`` as a version of the file ``key`` unless it is the newest kept one;
    returns its version number. ``user`` None: the file was found so (changed outside the
    app, or first seen)."""
    sha = sha256_text(text)
    newest = "SELECT number, sha256 FROM versions WHERE file = ? ORDER BY number DESC LIMIT 1"
    # Mostly the file is as last kept (every look at its form asks): no write lock then.
    with db.reading(database) as conn:
        row = conn.execute(newest, (key,)).fetchone()
    if row and row["sha256"] == sha:
        return int(row["number"])
    with db.connect(database) as conn:
        row = conn.execute(newest, (key,)).fetchone()
        if row and row["sha256"] == sha:
            return int(row["number"])
        number = (row["number"] + 1) if row else 1
        conn.execute(
            "INSERT INTO versions (file, number, sha256, content, user, time) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (key, number, sha, text, user, _now()),
        )
    return number


def versions(database: Path, key: str) -> list[Version]:
    """Every kept version of the file, newest first."""
    with db.reading(database) as conn:
        rows = conn.execute(
            "SELECT number, sha256, user, time FROM versions WHERE file = ? ORDER BY number DESC",
            (key,),
        ).fetchall()
    return [Version(r["number"], r["sha256"], r["user"], r["time"]) for r in rows]


def version_text(database: Path, key: str, number: int) -> str | None:
    """The text of version ``number``, if kept."""
    with db.reading(database) as conn:
        row = conn.execute(
            "SELECT content FROM versions WHERE file = ? AND number = ?", (key, number)
        ).fetchone()
    return str(row["content"]) if row else None


def text_by_hash(database: Path, key: str, sha: str) -> str | None:
    """A kept version's text by its SHA-256."""
    with db.reading(database) as conn:
        row = conn.execute(
            "SELECT content FROM versions WHERE file = ? AND sha256 = ? ORDER BY number DESC",
            (key, sha),
        ).fetchone()
    return str(row["content"]) if row else None


def diff(before: str, after: str, before_name: str, after_name: str) -> list[str]:
    """A unified diff of two versions, line by line."""
    return list(
        difflib.unified_diff(
            before.splitlines(), after.splitlines(), before_name, after_name, lineterm=""
        )
    )


# --- saving ---------------------------------------------------------------------------------


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One save at a time into ``folder`` (across processes too)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as every file avtalsgen writes
    (:func:`avtalsgen.build.workspace.atomic_write`): the CLI's readers never see half a
    file, and it gets the mode the umask gives."""
    atomic_write(path, text)


@contextmanager
def saving(path: Path, base_sha: str | None, database: Path, key: str) -> Iterator[str]:
    """Hold the folder's save lock while a new text for ``path`` is made and written; yields
    the current text. Raises :class:`Conflict` if the file is not the version ``base_sha``
    (None: the file must not exist yet)."""
    with _locked(path.parent):
        current = read_text(path) if path.exists() else None
        current_sha = sha256_text(current) if current is not None else None
        if current_sha != base_sha:
            before = (text_by_hash(database, key, base_sha) if base_sha else "") or ""
            if current is not None:
                remember(database, key, current, None)
            changes = diff(before, current or "", _("when you opened it"), _("now"))
            raise Conflict(
                _(
                    "{name} was changed by someone else after you opened it; nothing was "
                    "saved. The form now shows the file as it is, with your changes made to "
                    "it (where you both changed the same field, your value): check it "
                    "against the changes below, then save again."
                ).format(name=path.name),
                changes,
                current_sha or "",
            )
        yield current or ""
