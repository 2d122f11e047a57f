"""What was built for a case whose case file is gone: ``output/<Dnr>/`` that no case file of
the folders a command is given has the Dnr of.

A decided case's file cannot leave ``cases/`` quietly: the minutes name its Dnr and cannot
be edited, and a paragraph on a Dnr that no case file has stopped ``build`` and ``status`` of
every case ("ingen ärendefil i cases har diarienummer RUN-90003-2025"), although its signed
packet was kept and verified. Where its folder holds what was built for it, the command
warns once and goes on; where nothing was ever built for the Dnr, the paragraph stays an
error (a mistyped Dnr).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.build.workspace import shown
from avtalsgen.i18n import _
from avtalsgen.input.duplicates import Namesakes

_DNR = re.compile(r"RUN-\d{5}-\d{4}")


@dataclass(frozen=True)
class Leftover:
    """An output folder of a Dnr that no case file has."""

    dnr: str
    folder: Path
    """``output/<Dnr>`` as the command was given the output folder."""
    packets: bool
    """Whether it holds a packet (else documents only)."""

    def warning(self, cases: Sequence[Path]) -> str:
        """The one line that tells it, in the user's language."""
        message = (
            _(
                "the case file of {dnr} is missing from {cases}; its packets are kept in "
                "{folder}/ (put the case file back to build the case or see its status)"
            )
            if self.packets
            else _(
                "the case file of {dnr} is missing from {cases}; its documents are kept in "
                "{folder}/ (put the case file back to build the case or see its status)"
            )
        )
        names = ", ".join(str(folder) for folder in cases)
        return message.format(dnr=self.dnr, cases=names, folder=shown(self.folder))


def leftovers(folders: Sequence[Path], output: Path) -> list[Leftover]:
    """The case folders of ``output`` that hold a PDF built for a Dnr that no case file in
    ``folders`` names (:func:`~avtalsgen.input.filednr.file_dnr`: a case file that cannot be
    read as YAML still counts by its ``dnr:`` line), in order of their Dnr."""
    if not folders or not output.is_dir():
        return []
    namesakes = Namesakes()
    named: set[str] = set()
    for folder in folders:
        named |= namesakes.dnrs(folder)
    found = []
    for folder in sorted(output.iterdir()):
        if not _DNR.fullmatch(folder.name) or folder.name in named or not folder.is_dir():
            continue
        pdfs = [path.name for path in folder.glob("*.pdf")]
        if pdfs:
            packets = any(name.startswith("paket") for name in pdfs)
            found.append(Leftover(folder.name, folder, packets))
    return found
