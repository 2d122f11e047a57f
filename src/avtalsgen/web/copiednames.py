"""Facts a copied case still says of the case it was copied from.

A new case is often started from a copy of another ("Utgå från en befintlig fil"); its
actor's name is changed, and its title, the actor's short name and the recipients of the
extracts are easily left as they were: they name the other actor, and the documents would
say so. :func:`copied_names` finds, in a case file's data, each of those fields that names
the actor of another case file (its name or short name) while the case's own actor is
another: the case's page warns of them until they are changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avtalsgen.web.stamps import Kept


@dataclass(frozen=True)
class CopiedName:
    """A field of the case (by the loader's name, ``aktor.kortnamn``) that names the actor
    of another case file (its Dnr, else its file's name)."""

    field: str
    actor: str
    case: str


def _actor(data: dict[str, Any]) -> tuple[str, str]:
    actor = data.get("aktor")
    if not isinstance(actor, dict):
        return "", ""
    return str(actor.get("namn") or "").strip(), str(actor.get("kortnamn") or "").strip()


def _fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields a copy keeps that name its actor: the title, the short name, each
    recipient of the extracts."""
    found = [("titel", str(data.get("titel") or "")), ("aktor.kortnamn", _actor(data)[1])]
    recipients = data.get("protokollsutdrag_till")
    if isinstance(recipients, list):
        found += [
            (f"protokollsutdrag_till[{index}]", str(name)) for index, name in enumerate(recipients)
        ]
    return [(field, text) for field, text in found if text.strip()]


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.lower()) if len(word) >= 4}


def _related(short: str, name: str) -> bool:
    """Whether a short name shares a word (of four letters or more) with a name."""
    return bool(_words(short) & _words(name))


@dataclass(frozen=True)
class _Said:
    """What a case file says that :func:`copied_names` compares: its actor's name and short
    name, its Dnr, and the fields a copy keeps."""

    name: str
    short: str
    dnr: str | None
    fields: tuple[tuple[str, str], ...]


#: What each case file says, by its path and stamp (time of change, size, inode): a case's
#: page compared it with every other case file's, read (and copied) anew on every request,
#: some 8 ms of a case's page with 50 cases, and each file saved since read by the form's
#: round trip (8 ms a file).
_SAID: Kept[_Said] = Kept(5000)


def _said(path: Path, now: tuple[int, int, int] | None) -> _Said:
    """What the case file ``path`` (its stamp ``now``; None: not kept) says."""
    if now is None:
        return _read_said(path)
    return _SAID.get((str(path), now), lambda: _read_said(path))


def _read_said(path: Path) -> _Said:
    from avtalsgen.errors import CaseError
    from avtalsgen.input.filednr import file_dnr
    from avtalsgen.input.load import read_yaml

    # Read as the loader reads a case file (1 ms), not as the form's round trip (8 ms).
    try:
        read = read_yaml(path)
    except CaseError:
        read = None  # a file that cannot be read names no actor
    data: dict[str, Any] = read if isinstance(read, dict) else {}
    name, short = _actor(data)
    return _Said(name, short, file_dnr(path)[0], tuple(_fields(data)))


def copied_names(path: Path, folder: Path) -> list[CopiedName]:
    """The fields of the case file ``path`` that name the actor of another case file in
    ``folder`` (see the module's docstring): empty when the case's own actor is not given.
    Each file is read once while it is unchanged (its stamp, as the folder's listing has it)."""
    from avtalsgen.web.stamps import listing, stamp
    from avtalsgen.web.yamlfiles import list_files

    this = _said(path, stamp(path))
    own = this.name
    if not own:
        return []
    stamps = {name: (changed, size, inode) for name, changed, size, inode in listing(folder)}
    found: list[CopiedName] = []
    for other in list_files(folder):
        if other.name == path.name:  # itself (a link to it names its actor: passed below)
            continue
        theirs = _said(other, stamps.get(other.name))
        name, short = theirs.name, theirs.short
        if not name or name == own:
            continue
        # The other's name, and its short name where that is its own (shares a word with
        # its name, none with this case's actor's): a copy's short name left as it was is
        # not the other's own.
        said = [name] + [short] * bool(short and _related(short, name) and not _related(short, own))
        for field, text in this.fields:
            if any(n.lower() in text.lower() for n in said):
                found.append(CopiedName(field, name, theirs.dnr or other.stem))
    return found
