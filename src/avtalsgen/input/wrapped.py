"""A file whose keys all stand under one key of its own (``arende:`` with the whole case
indented under it, ``sammantrade:`` with the meeting): the keys must stand at the top level.

Validated as it is, such a file gets "unknown key 'arende'" and every required key
"missing", which hides the one thing to do: remove the wrapping line and the indentation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from avtalsgen.i18n import N_, _
from avtalsgen.model.types import Loc

#: What the keys of each kind of file are called in the message, by the model's name.
_WHOSE: Final = {
    "Arende": N_(
        "the case's keys must stand at the top level of the file, not under '{key}:': "
        "remove the line '{key}:' and the {indent} spaces before each line under it, so "
        "that {first} starts the line as the keys of the shipped case files do"
    ),
    "Sammantrade": N_(
        "the meeting's keys must stand at the top level of the file, not under '{key}:': "
        "remove the line '{key}:' and the {indent} spaces before each line under it, so "
        "that {first} starts the line as the keys of the shipped meeting files do"
    ),
}
_ANY: Final = N_(
    "the file's keys must stand at the top level of the file, not under '{key}:': remove "
    "the line '{key}:' and the {indent} spaces before each line under it, so that {first} "
    "starts the line"
)


def wrapper(data: Any) -> tuple[str, dict[Any, Any]] | None:
    """The one top-level key of ``data`` and the mapping under it, when the file holds
    nothing else; None otherwise."""
    if isinstance(data, dict) and len(data) == 1:
        ((key, value),) = data.items()
        if isinstance(value, dict) and value:
            return str(key), value
    return None


def wrapped_problem(
    model: type[BaseModel], path: Path, data: Any, lines: dict[Loc, int]
) -> tuple[int, str] | None:
    """``(line, "file:line: key: message")`` when ``data`` (read from ``path``, its keys'
    lines in ``lines``) is a file of ``model`` wrapped in one key that is none of the
    model's, the keys under it most of them the model's; None otherwise."""
    found = wrapper(data)
    if found is None:
        return None
    key, inner = found
    fields = set(model.model_fields)
    known = [name for name in inner if isinstance(name, str) and name in fields]
    if key in fields or not known or 2 * len(known) < len(inner):
        return None
    line = lines.get((key,), 1)
    first = known[0]
    message = _(_WHOSE.get(model.__name__, _ANY)).format(
        key=key, indent=_indent(path, lines.get((key, first))), first=first
    )
    return line, f"{path}:{line}: {key}: {message}"


def _indent(path: Path, line: int | None) -> int:
    """How many spaces begin line ``line`` of ``path`` (2 where it cannot be told)."""
    if line is None:
        return 2
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()[line - 1]
    except (OSError, IndexError):
        return 2
    return (len(text) - len(text.lstrip(" "))) or 2
