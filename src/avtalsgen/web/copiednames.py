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


def copied_names(path: Path, folder: Path) -> list[CopiedName]:
    """The fields of the case file ``path`` that name the actor of another case file in
    ``folder`` (see the module's docstring): empty when the case's own actor is not given."""
    from avtalsgen.web.editing import file_data
    from avtalsgen.web.yamlfiles import list_files

    data, _sha = file_data(path)
    own, _short = _actor(data)
    if not own:
        return []
    fields = _fields(data)
    found: list[CopiedName] = []
    for other in list_files(folder):
        if other.resolve() == path.resolve():
            continue
        theirs, _sha = file_data(other)
        name, short = _actor(theirs)
        if not name or name == own:
            continue
        # The other's name, and its short name where that is its own (shares a word with
        # its name, none with this case's actor's): a copy's short name left as it was is
        # not the other's own.
        said = [name] + [short] * bool(short and _related(short, name) and not _related(short, own))
        for field, text in fields:
            if any(n.lower() in text.lower() for n in said):
                case = str(theirs.get("dnr") or other.stem)
                found.append(CopiedName(field, name, case))
    return found
