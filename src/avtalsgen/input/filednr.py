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
import os
import re
import stat
from pathlib import Path
from typing import Final

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is part of PyYAML's wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: As the case file's reader refuses larger files (input/load.MAX_FILE_BYTES).
_MAX_BYTES: Final = 256 * 1024

_STR: Final = "tag:yaml.org,2002:str"

#: A top-level ``dnr:`` line of a file that cannot be read as YAML (a tab, a key given
#: twice): its value, quoted or not, a comment after it.
_DNR_LINE: Final = re.compile(
    r"""^dnr[ \t]*:[ \t]*(?P<q>["']?)(?P<dnr>[^"'#\s]+)(?P=q)[ \t]*(?:#.*)?$""", re.M
)


def file_dnr(path: Path) -> tuple[str | None, int | None]:
    """This file's Dnr and the line of its ``dnr`` key, the one answer every command gives:
    its top-level ``dnr`` as YAML reads it, quoted or not, with a comment after it, on the
    line after its key or in flow style alike; for a file that cannot be read as YAML (a
    tab, a key given twice), its ``dnr:`` line as written, so that a case file broken by a
    tab still holds its Dnr. ``(None, None)`` for a file with neither, one whose ``dnr`` is
    not text, or one that is not UTF-8 text or not a regular file of at most 256 kB. Kept
    per run while the file is unchanged (the same path, inode, size and time of change)."""
    try:
        info = path.stat()
    except OSError:
        return None, None
    if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES:
        return None, None
    return _file_dnr(path.resolve(), info.st_ino, info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _file_dnr(path: Path, _inode: int, _size: int, _changed: int) -> tuple[str | None, int | None]:
    try:
        # O_NONBLOCK: a named pipe put in its place since the stat must not wait for a writer.
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as file:
            text = file.read(_MAX_BYTES + 1).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return _written(text)
    return _of_node(node)


def _of_node(node: yaml.Node | None) -> tuple[str | None, int | None]:
    """The top-level ``dnr`` of a file's node tree (the last, as YAML's values keep)."""
    found: tuple[str | None, int | None] = (None, None)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag == _STR and key.value == "dnr":
                is_text = isinstance(value, yaml.ScalarNode) and value.tag == _STR
                found = (value.value.strip(), key.start_mark.line + 1) if is_text else (None, None)
    return found


def _written(text: str) -> tuple[str | None, int | None]:
    """The ``dnr:`` line of a file that cannot be read as YAML, as written."""
    match = _DNR_LINE.search(text)
    if match is None:
        return None, None
    return match["dnr"], text.count("\n", 0, match.start()) + 1
