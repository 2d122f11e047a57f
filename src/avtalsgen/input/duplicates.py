"""Two case files of one Dnr: a copied case file whose Dnr was not changed.

``check``, ``build`` and ``status`` refuse each of them in the same words, by the line of
its ``dnr:`` key and that of the other (:class:`Namesakes`). A file's Dnr is read as every
command reads it (:func:`avtalsgen.input.filednr.file_dnr`: its YAML, kept per run while the
file is unchanged), not by a pattern of its own that a Dnr in flow style escaped; that
imports none of the models, so an unchanged case's rebuild stays as quick as its record.
"""

from __future__ import annotations

from pathlib import Path

from avtalsgen.i18n import _
from avtalsgen.input.filednr import file_dnr


def dnr_line(path: Path) -> int | None:
    """The line of the case file's top-level ``dnr`` key, if it can be read and has one."""
    return file_dnr(path)[1]


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
    """The case files of folders by their Dnr, as :func:`~avtalsgen.input.filednr.file_dnr`
    reads it (each folder read once). A case file whose folder holds another of its Dnr is
    refused by ``check``, ``build`` and ``status`` alike, each of the two naming the
    other: whichever came first by name, a copy built took over the Dnr's folder, beside
    the original's signed packet, and status read that folder as the copy's."""

    def __init__(self) -> None:
        self._folders: dict[Path, dict[str, list[str]]] = {}

    def _of(self, folder: Path) -> dict[str, list[str]]:
        if folder not in self._folders:
            found: dict[str, list[str]] = {}
            for path in sorted(folder.glob("*.yaml")):
                dnr = file_dnr(path)[0] if path.is_file() else None
                if dnr is not None:
                    found.setdefault(dnr, []).append(path.name)
            self._folders[folder] = found
        return self._folders[folder]

    def dnrs(self, folder: Path) -> set[str]:
        """The Dnrs the case files of ``folder`` name (:func:`~.filednr.file_dnr`)."""
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
