"""The kind of file a YAML file reads as (case, meeting or program), told by its keys, so
that a command given one kind where it takes another says so in one line.

Validated as the kind the command takes, a case file given to ``utdrag`` got a line per
key ("unknown key 'program'", "required field is missing: 'plats'", 21 lines), which hides
the one thing to do: give the other file. Only a file that is not valid as the kind
expected is told so, and only when its keys tell another kind (:func:`kind_of`).

Every command that tells one kind from another asks :func:`kind_of` (or :func:`file_kind`,
:func:`case_files_in`): check, build and status of a folder, the case index of a meeting's
folder, the loaders. Three ways of telling had grown apart: a meeting file was one with
``paragrafer`` and no ``dnr`` here, and one with two keys only a meeting file has there, so
that a meeting file whose ``paragrafer`` was misspelt was checked as a case file ("this is
a meeting file (it has paragrafer)", of a file without it), and a case file with only its
``dnr`` was told by a line per missing key where a meeting file goes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from avtalsgen.i18n import _
from avtalsgen.input.wrapped import wrapper
from avtalsgen.model import Arende, Program
from avtalsgen.model.meeting import Sammantrade

#: The kinds of file, by model.
KINDS: Final[tuple[type[BaseModel], ...]] = (Arende, Sammantrade, Program)

#: The key that shows each kind best, named in the message when the file has it: it
#: alone tells the kind (it counts as two of its own keys).
_TELLING: Final = {Arende: "dnr", Sammantrade: "paragrafer", Program: "strategier"}


#: How many of its own keys tell a kind of file: one could be a slip ("namn" for "namnd").
_AT_LEAST: Final = 2


@functools.cache
def _own_keys(model: type[BaseModel]) -> frozenset[str]:
    """The top-level keys of ``model`` that no other kind of file has."""
    others = {name for kind in KINDS if kind is not model for name in kind.model_fields}
    return frozenset(set(model.model_fields) - others)


def _weight(kind: type[BaseModel], key: object) -> int:
    """What ``key`` of a file counts for ``kind``: 2 for its telling key, 1 for another of
    its own keys, else 0."""
    if key == _TELLING[kind]:
        return 2
    return 1 if key in _own_keys(kind) else 0


def _unwrapped(data: Any) -> Any:
    """``data``, or the mapping under the one key that wraps it (input/wrapped.py)."""
    wrapped = wrapper(data)
    if wrapped is not None and not any(wrapped[0] in kind.model_fields for kind in KINDS):
        return wrapped[1]
    return data


def kind_of(data: Any) -> type[BaseModel] | None:
    """The kind of file ``data`` (a file's YAML, or its one wrapping key's mapping) reads
    as, by its top-level keys: each key only one kind has counts one for that kind, and
    the key that tells a kind best (``dnr``, ``paragrafer``, ``strategier``) two; the kind
    that counts most, at least two, if no other counts as much. So a case file with only
    its ``dnr`` is a case file, and a meeting file with ``paragrafer`` misspelt is still a
    meeting file by its other keys (``ordforande``, ``justerare``, ...)."""
    data = _unwrapped(data)
    if not isinstance(data, dict):
        return None
    counts = {kind: sum(_weight(kind, key) for key in data) for kind in KINDS}
    best = max(counts.values())
    found = [kind for kind, count in counts.items() if count == best]
    return found[0] if best >= _AT_LEAST and len(found) == 1 else None


def file_kind(path: Path) -> type[BaseModel] | None:
    """:func:`kind_of` of the YAML file at ``path``; None when it cannot be read (or read
    as YAML with a case file's limits). Kept per run while the file is unchanged: a folder's
    files are asked about by several steps of one command."""
    return peek(path).kind


def case_files_in(folder: Path) -> list[Path]:
    """The case files of ``folder``: the ``*.yaml`` files directly in it, in order of their
    names, but a program file kept beside the cases (the program's facts, which the case
    files name under ``program``): it is read with the cases that name it, not as a case
    (a build of the folder reported it as a broken case, "misslyckades")."""
    from avtalsgen.input.casefiles import case_files_in as found  # without the models

    return found(folder)


@dataclass(frozen=True)
class Peeked:
    """What a YAML file's data tells without validating it."""

    readable: bool
    """Whether it could be read as YAML with a case file's limits."""
    kind: type[BaseModel] | None = None
    """Its kind (:func:`kind_of`)."""
    dnr: str | None = None
    """Its top-level ``dnr``, stripped, where that is a string: the answer of
    :func:`~avtalsgen.input.filednr.file_dnr`, read from the data already parsed."""


def peek(path: Path) -> Peeked:
    """What the YAML file at ``path`` tells of its kind and Dnr, kept per run while the file
    is unchanged (the same path, inode, size and time of change)."""
    try:
        info = path.stat()
    except OSError:
        return Peeked(readable=False)
    return _peek(path.resolve(), info.st_ino, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _peek(path: Path, _inode: int, _size: int, _changed: int) -> Peeked:
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import read_yaml

    try:
        data = read_yaml(path)
    except CaseError:
        return Peeked(readable=False)
    dnr = data.get("dnr") if isinstance(data, dict) else None
    return Peeked(
        True, kind_of(data), dnr.strip() if isinstance(dnr, str) and dnr.strip() else None
    )


def wrong_kind(expected: type[BaseModel], path: Path, data: Any) -> str | None:
    """That the file at ``path`` (its YAML ``data``, not valid as ``expected``) is another
    kind of file, and what to give instead; None when it does not read as another kind."""
    kind = kind_of(data)
    if kind is None or kind is expected:
        return None
    inner: dict[Any, Any] = _unwrapped(data)
    telling = _TELLING[kind]
    key = telling if telling in inner else next(k for k in inner if k in _own_keys(kind))
    if expected is Arende and kind is Sammantrade:
        return _(
            "{path}: this is a meeting file (it has {key}), not a case file: give the case "
            "file (*.yaml with dnr); the meeting files in sammantraden/ beside the cases are "
            "read with them, and utdrag, anslag, expediera and publicera take a meeting file"
        ).format(path=path, key=key)
    if expected is Arende:
        return _(
            "{path}: this is a program file (it has {key}), not a case file: give a case "
            "file (*.yaml with dnr); the program file is read with the case files that name "
            "it under program"
        ).format(path=path, key=key)
    if expected is Sammantrade and kind is Arende:
        return _case_for_meeting(path, inner, key)
    if expected is Sammantrade:
        return _(
            "{path}: this is a program file (it has {key}), not a meeting file: give a "
            "meeting file (sammantraden/*.yaml beside the case files)"
        ).format(path=path, key=key)
    what = _("a case file") if kind is Arende else _("a meeting file")
    return _(
        "{path}: this is {kind} (it has {key}), not a program file: a case file's program "
        "names the program file (the one with strategier and texter); correct program in "
        "the case file that names {path}"
    ).format(path=path, kind=what, key=key)


def named_kind(path: Path) -> str | None:
    """What a case file's ``program`` should say of the file at ``path`` it names, when
    that is a case or meeting file; None when it reads as neither (or cannot be read)."""
    kind = file_kind(path)
    if kind is None or kind is Program:
        return None
    what = _("a case file") if kind is Arende else _("a meeting file")
    return _(
        "{path} is {kind}, not a program file: name the program file here (the one with "
        "strategier and texter)"
    ).format(path=path, kind=what)


def _case_for_meeting(path: Path, data: dict[Any, Any], key: str) -> str:
    """That the case file at ``path`` is not a meeting file: which meeting file decides it,
    or where the meeting files are; or, in the meetings' folder, where it goes."""
    from avtalsgen.meetings.files import MEETINGS_FOLDER, meeting_inputs

    value = data.get("dnr")
    dnr = value.strip() if isinstance(value, str) else ""
    if path.parent.name == MEETINGS_FOLDER:
        cases = path.parent.parent
        same = _case_file_of(cases, dnr) if dnr else None
        if same is not None:
            return _(
                "{path}: this is a case file (it has {key}), not a meeting file, and only "
                "meeting files go in {folder}; the case file of {dnr} is {case}: remove this "
                "one from {folder}"
            ).format(path=path, key=key, folder=path.parent, dnr=dnr, case=same)
        return _(
            "{path}: this is a case file (it has {key}), not a meeting file, and only "
            "meeting files go in {folder}: move it to {cases}, beside the other case files"
        ).format(path=path, key=key, folder=path.parent, cases=cases)
    deciding = sorted(meeting_inputs(path, dnr).values()) if dnr and dnr.isascii() else []
    if deciding:
        return _(
            "{path}: this is a case file (it has {key}), not a meeting file: give the "
            "meeting's file, e.g. {meeting} (it names {dnr})"
        ).format(path=path, key=key, meeting=deciding[0], dnr=dnr)
    return _(
        "{path}: this is a case file (it has {key}), not a meeting file: give a meeting's "
        "file; the meeting files are in {folder}, beside the case files"
    ).format(path=path, key=key, folder=path.parent / MEETINGS_FOLDER)


def _case_file_of(folder: Path, dnr: str) -> Path | None:
    """The case file in ``folder`` with Dnr ``dnr``, if one has it."""
    from avtalsgen.meetings.justering import index_cases

    found = index_cases(folder).by_dnr.get(dnr, []) if folder.is_dir() else []
    return found[0] if found else None
