"""What the records of a meeting's documents share (the protokollsutdrag's
``utdrag-<§>.json``, the notices' ``anslag.json``): facts written as JSON values, and a
record read with a message that says which file could not be read and why (its path as
the user sees it: :func:`avtalsgen.build.workspace.shown`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avtalsgen.build.workspace import shown
from avtalsgen.errors import OutputError, os_reason

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def facts_json(facts: DataclassInstance) -> dict[str, Any]:
    """A dataclass's fields as JSON values: dates in ISO form, tuples as lists."""
    return {f.name: json_value(getattr(facts, f.name)) for f in fields(facts)}


def json_value(value: object) -> object:
    """``value`` as JSON has it: a date in ISO form, a tuple as a list (and so on within it),
    else as it is."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    return value


def read_json(path: Path, cannot_read: str, not_json: str) -> Any:
    """The JSON in ``path``; None when there is no such file. A file that cannot be read
    or is not JSON raises :class:`OutputError` with ``cannot_read`` or ``not_json`` (each
    formatted with ``path`` and ``reason``, and ``error`` as another name of it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputError(
            cannot_read.format(path=shown(path), reason=reason, error=reason)
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise OutputError(not_json.format(path=shown(path), reason=exc, error=exc)) from None
