"""Two case files of one Dnr: a copied case file whose Dnr was not changed.

``check``, ``build`` and ``status`` refuse each of them in the same words, by the line of
its ``dnr:`` key and that of the other (:class:`Namesakes`). This module is light (no YAML,
no models): a build that finds both cases up to date from their records reports it without
loading them.
"""

from __future__ import annotations

import re
from pathlib import Path

from avtalsgen.i18n import _

_DNR_KEY = re.compile(r"^dnr\s*:", re.MULTILINE)
#: A top-level ``dnr:`` key and its value, quoted or not, a comment after it.
_DNR_VALUE = re.compile(r"""^dnr\s*:\s*(?P<q>["']?)(?P<dnr>[^"'#\s]+)(?P=q)\s*(?:#.*)?$""", re.M)


def dnr_line(path: Path) -> int | None:
    """The line of the case file's top-level ``dnr:`` key, if it can be read and has one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = _DNR_KEY.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _at_line(path: Path) -> str:
    line = dnr_line(path)
    return f"{path}:{line}" if line is not None else str(path)


def same_dnr_problem(path: Path, dnr: str, first: Path) -> str:
    """``path:line: dnr: <dnr> is also the Dnr of <first>:line``: the problem of ``path``, a
    case file with the Dnr of the case file ``first``."""
    message = _(
        "{dnr} is also the Dnr of {other}; each case has a Dnr of its own: change the dnr of "
        "this file, or remove it if it is a copy"
    ).format(dnr=dnr, other=_at_line(first))
    return f"{_at_line(path)}: dnr: {message}"


class Namesakes:
    """The case files of folders by their Dnr, as their ``dnr:`` lines read (each folder
    read once). A case file whose folder holds another of its Dnr is refused by ``check``,
    ``build`` and ``status`` alike, each of the two naming the other: whichever came first
    by name, a copy built took over the Dnr's folder, beside the original's signed packet,
    and status read that folder as the copy's."""

    def __init__(self) -> None:
        self._folders: dict[Path, dict[str, list[str]]] = {}

    def _of(self, folder: Path) -> dict[str, list[str]]:
        if folder not in self._folders:
            found: dict[str, list[str]] = {}
            for path in sorted(folder.glob("*.yaml")):
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue
                match = _DNR_VALUE.search(text)
                if match is not None:
                    found.setdefault(match["dnr"], []).append(path.name)
            self._folders[folder] = found
        return self._folders[folder]

    def dnrs(self, folder: Path) -> set[str]:
        """The Dnrs the case files of ``folder`` name on their ``dnr:`` lines."""
        return set(self._of(folder.resolve()))

    def other(self, path: Path, dnr: str) -> Path | None:
        """Another case file in ``path``'s folder with the Dnr ``dnr``, if any."""
        for name in self._of(path.parent.resolve()).get(dnr, []):
            if name != path.name:
                return path.parent / name
        return None

    def problem(self, path: Path, dnr: str) -> str | None:
        """:func:`same_dnr_problem` of ``path`` and another case file of its folder with its
        Dnr, if there is one."""
        other = self.other(path, dnr)
        return same_dnr_problem(path, dnr, other) if other is not None else None
