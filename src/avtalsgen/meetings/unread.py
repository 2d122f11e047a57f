"""The case files that a meeting's paragraph may name but that cannot be read as cases (a
tab, Latin-1 text, an empty file, ``dnr RUN-…`` without its colon): their own problems are
what to correct, not the paragraph's Dnr.

Found by qa16: ``build FOLDER/`` of a case file with a tab, decided by a meeting beside it,
said only that no case file had the paragraph's Dnr ("rätta paragrafens dnr eller lägg till
ärendefilen"), the wrong advice; ``check`` showed the real cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.errors import CaseError
from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.meetings.justering import CaseIndex

#: A Dnr anywhere in a file's bytes.
_ANY_DNR = re.compile(rb"RUN-\d{5}-\d{4}")


@dataclass(frozen=True)
class Suspects:
    """The files that cannot be read as cases and may be the case file of ``dnr``."""

    dnr: str
    files: tuple[Path, ...]
    certain: bool
    """Whether they name the Dnr (in their names or their text); else they name none."""

    def message(self, folder: Path) -> str:
        """What the paragraph on ``dnr`` is told: which files to correct."""
        names = ", ".join(str(path) for path in self.files)
        if self.certain:
            return _(
                "the case file of {dnr}, {files}, is invalid: correct it (its problems are on "
                "the lines that start with its name)"
            ).format(dnr=self.dnr, files=names)
        return _(
            "no valid case file in {folder} has Dnr {dnr}, and {files} is invalid, so it may "
            "be the one: correct it (its problems are on the lines that start with its name), "
            "or the paragraph's dnr"
        ).format(folder=folder, dnr=self.dnr, files=names)

    def problems(self) -> list[str]:
        """The files' own problems, as loading each as a case file tells them."""
        from avtalsgen.input.load import load_case

        found: list[str] = []
        for path in self.files:
            try:
                load_case(path)
            except CaseError as exc:
                found += exc.problems
        return found


def suspects(index: CaseIndex, dnr: str) -> Suspects | None:
    """The files of ``index`` that cannot be read as cases and may be the case file of
    ``dnr``: those that name it in their file name or text; else those whose text names no
    Dnr at all (an empty file, one in another encoding). None when there are none: the
    files that name other Dnrs are others' case files."""
    unread = [*index.unreadable, *index.unnamed]
    texts = {path: _bytes(path) for path in unread}
    named = tuple(p for p in unread if dnr in p.name or dnr.encode() in texts[p])
    if named:
        return Suspects(dnr, named, certain=True)
    nameless = tuple(p for p in unread if not _ANY_DNR.search(texts[p]))
    return Suspects(dnr, nameless, certain=False) if nameless else None


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
