"""Two case files of one Dnr: a copied case file whose Dnr was not changed.

``check`` and ``build`` refuse the second (and later) one in the same words, by the line of
its ``dnr:`` key. This module is light (no YAML, no models): a build that finds both cases up
to date from their records reports it without loading them.
"""

from __future__ import annotations

import re
from pathlib import Path

from avtalsgen.i18n import _

_DNR_KEY = re.compile(r"^dnr\s*:", re.MULTILINE)


def dnr_line(path: Path) -> int | None:
    """The line of the case file's top-level ``dnr:`` key, if it can be read and has one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _DNR_KEY.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def same_dnr_problem(path: Path, dnr: str, first: Path) -> str:
    """``path:line: dnr: <dnr> is also the Dnr of <first>``: the problem of ``path``, a case
    file with the Dnr of the case file ``first``."""
    line = dnr_line(path)
    where = f"{path}:{line}" if line is not None else str(path)
    message = _("{dnr} is also the Dnr of {other}; each case has a Dnr of its own").format(
        dnr=dnr, other=first
    )
    return f"{where}: dnr: {message}"
