"""A file's Dnr as its YAML reads it, without importing the models.

Every command that asks which Dnr a file holds asks :func:`file_dnr`: the check for two
case files of one Dnr (input/duplicates.py), the output folders whose case file is gone
(build/leftovers.py), the web's pages, the index of a meeting's cases (through
:func:`avtalsgen.input.kinds.peek`). A rebuild of an unchanged case asks it of every file
in the case's folder, and must stay as quick as its record allows: this module reads the
YAML's node tree (no values constructed, so no alias is expanded) and imports nothing of
the models or the case file's reader.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from avtalsgen.errors import CaseError
from avtalsgen.input.limits import MAX_NODES, read_bytes

if TYPE_CHECKING:
    import yaml

_STR: Final = "tag:yaml.org,2002:str"

#: A top-level ``dnr:`` line of a file that cannot be read as YAML (a tab, a key given
#: twice): its value, quoted or not, a comment after it.
_DNR_LINE: Final = re.compile(
    r"""^dnr[ \t]*:[ \t]*(?P<q>["']?)(?P<dnr>[^"'#\s]+)(?P=q)[ \t]*(?:#.*)?$""", re.M
)


@functools.cache
def _yaml() -> tuple[Any, Any, Any]:
    """PyYAML, its fastest safe loader and a resolver, imported when a file is first
    parsed: an unchanged case's rebuild may parse none (importing PyYAML takes some 10 ms,
    a twentieth of that rebuild: see :meth:`avtalsgen.input.duplicates.Namesakes.other`)."""
    import yaml
    from yaml.resolver import Resolver

    try:
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - libyaml is part of PyYAML's wheels
        from yaml import SafeLoader as loader  # type: ignore[assignment]
    return yaml, loader, Resolver()


class _TooMany(Exception):
    """More values than a case file may hold (:data:`~avtalsgen.input.limits.MAX_NODES`)."""


def file_dnr(path: Path) -> tuple[str | None, int | None]:
    """This file's Dnr and the line of its ``dnr`` key, the one answer every command gives:
    its top-level ``dnr`` as YAML reads it, quoted or not, with a comment after it, on the
    line after its key or in flow style alike; for a file that cannot be read as YAML (a
    tab, a key given twice) or holds more values than a case file may, its ``dnr:`` line as
    written, so that a case file broken by a tab still holds its Dnr. ``(None, None)`` for a
    file with neither, one whose ``dnr`` is not text, or one the case file's reader refuses
    to open (not a regular file, larger than 256 kB) or that is not UTF-8 text. Kept per run
    while the file is unchanged (the same path, inode, size and time of change)."""
    try:
        info = path.stat()
    except OSError:
        return None, None
    return _file_dnr(path.resolve(), info.st_ino, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _file_dnr(path: Path, _inode: int, _size: int, _changed: int) -> tuple[str | None, int | None]:
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except (CaseError, UnicodeDecodeError):
        return None, None
    yaml, loader, _resolver = _yaml()
    try:
        return _top_level_dnr(_counted(yaml.parse(text, Loader=loader)))
    except (yaml.YAMLError, _TooMany):
        return _written(text)


def _counted(events: Iterator[yaml.Event]) -> Iterator[yaml.Event]:
    """``events``, refusing more than a case file's reader reads (a flow list of 100 000
    numbers took seconds to parse to the end)."""
    for count, event in enumerate(events):
        if count > 2 * MAX_NODES:  # a value is one event, a list or mapping two
            raise _TooMany
        yield event


def _top_level_dnr(events: Iterator[yaml.Event]) -> tuple[str | None, int | None]:
    """The top-level ``dnr`` of a file's events (the last, as YAML's values keep), read to
    the end so that a file YAML refuses falls back to its written line."""
    yaml = _yaml()[0]
    found: tuple[str | None, int | None] = (None, None)
    depth = 0  # 1: the top-level mapping's own keys and values
    key_next = False  # at depth 1, whether the next event is a key
    top_mapping = False
    dnr_key_line: int | None = None
    for event in events:
        if depth == 1 and top_mapping:
            if key_next:
                is_dnr = isinstance(event, yaml.ScalarEvent) and event.value == "dnr"
                mark = event.start_mark
                dnr_key_line = mark.line + 1 if is_dnr and mark is not None else None
            elif dnr_key_line is not None:
                found = (_text(event), dnr_key_line) if _text(event) else (None, None)
            if not isinstance(event, yaml.MappingEndEvent):
                key_next = not key_next
        if isinstance(event, yaml.DocumentStartEvent) and top_mapping:
            raise yaml.YAMLError("more than one document")  # as the case file's reader
        if isinstance(event, yaml.CollectionStartEvent):
            if depth == 0:
                top_mapping = isinstance(event, yaml.MappingStartEvent)
                key_next = True
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return found if found[0] is not None else (None, None)


def _text(event: yaml.Event) -> str | None:
    """The stripped text of a scalar value that YAML reads as a string, else None."""
    yaml, _loader, resolver = _yaml()
    if not isinstance(event, yaml.ScalarEvent):
        return None
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    return event.value.strip() if tag == _STR else None


def _written(text: str) -> tuple[str | None, int | None]:
    """The ``dnr:`` line of a file that cannot be read as YAML, as written."""
    match = _DNR_LINE.search(text)
    if match is None:
        return None, None
    return match["dnr"], text.count("\n", 0, match.start()) + 1
