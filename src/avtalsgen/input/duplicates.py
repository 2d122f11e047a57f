"""Two case files of one Dnr: a copied case file whose Dnr was not changed.

``check``, ``build`` and ``status`` refuse each of them in the same words, by the line of
its ``dnr:`` key and that of the other (:class:`Namesakes`). A file's Dnr is read as every
command reads it (:func:`avtalsgen.input.filednr.file_dnr`: its YAML, kept per run while the
file is unchanged), not by a pattern of its own that a Dnr in flow style escaped; that
imports none of the models, so an unchanged case's rebuild stays as quick as its record.
"""

from __future__ import annotations

import re
from pathlib import Path

from avtalsgen.errors import CaseError
from avtalsgen.i18n import _
from avtalsgen.input.filednr import file_dnr
from avtalsgen.input.limits import read_bytes

#: A Dnr that a file whose YAML holds it as its ``dnr`` must contain as written, as a word
#: of its own (:data:`_WORD`): a scalar equal to it has no space, quote or escape, so no
#: folding or quoting changes it, and no character of a word can stand beside it.
_PLAIN: re.Pattern[str] = re.compile(r"[\w.-]+", re.ASCII)
#: The words of a file's bytes, as :data:`_PLAIN` matches a Dnr.
_WORD: re.Pattern[bytes] = re.compile(rb"[\w.-]+")


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
        self._texts: dict[str, dict[str, tuple[frozenset[bytes], bool]]] = {}
        self._resolved_folders: dict[str, Path] = {}

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
        """Another case file in ``path``'s folder with the Dnr ``dnr``, if any.

        Unless the folder's Dnrs are known already, only the files that may hold ``dnr``
        are parsed: one that has neither ``dnr`` written in it as a word of its own (letters,
        digits, ``_``, ``.`` and ``-``) nor a backslash (a double-quoted escape) cannot hold
        it as its YAML reads it. An unchanged case's rebuild then parses no file of its
        folder (it parsed every one, and imported PyYAML for it)."""
        folder = self._resolved(path.parent)
        if folder in self._folders or not _PLAIN.fullmatch(dnr):
            names = self._of(folder).get(dnr, [])
        else:
            word = dnr.encode()
            names = [
                name
                for name, (words, escaped) in self._words(folder).items()
                if name != path.name
                and (word in words or escaped)
                and file_dnr(folder / name)[0] == dnr
            ]
        for name in names:
            if name != path.name:
                return path.parent / name
        return None

    def _resolved(self, folder: Path) -> Path:
        key = str(folder)
        if key not in self._resolved_folders:
            self._resolved_folders[key] = folder.resolve()
        return self._resolved_folders[key]

    def _words(self, folder: Path) -> dict[str, tuple[frozenset[bytes], bool]]:
        """The ``*.yaml`` files of ``folder`` by name, in order, each with the words written
        in it and whether it has a backslash (none for one the case file's reader refuses,
        which holds no Dnr), read once a run."""
        key = str(folder)
        if key not in self._texts:
            found: dict[str, tuple[frozenset[bytes], bool]] = {}
            for path in sorted(folder.glob("*.yaml")):
                if path.is_file():
                    try:
                        data = read_bytes(path)
                    except CaseError:
                        data = b""
                    found[path.name] = (frozenset(_WORD.findall(data)), b"\\" in data)
            self._texts[key] = found
        return self._texts[key]

    def problem(self, path: Path, dnr: str) -> str | None:
        """:func:`same_dnr_problem` of ``path`` and another case file of its folder with its
        Dnr, if there is one."""
        other = self.other(path, dnr)
        return same_dnr_problem(path, dnr, other) if other is not None else None
