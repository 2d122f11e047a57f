"""Protocol extracts in a case's folder that no meeting file decides any longer.

An extract is made from a paragraph of a meeting file (``protokollsutdrag-170.pdf``, its
record ``protokollsutdrag-170.json`` naming the meeting). When that meeting file is removed
(or the paragraph, or its Dnr changed), the extract stays in the folder: it may have been
certified and sent, and a made extract is never removed. But nothing said so: ``status``
listed the case's decisions without it, and the build left it beside the packet as if it
still stated a decision on the case. :func:`orphan_extracts` finds them, and the build and
``status`` name each (:func:`orphan_text`), keeping the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build.workspace import CaseFolder
from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.meetings.decisions import History


@dataclass(frozen=True)
class Orphan:
    """An extract whose paragraph no meeting file beside the case decides now."""

    pdf: Path
    """The newest version of the extract."""
    paragraf: int
    sammantrade: str
    """The meeting file its record names (its name)."""
    datum: str
    """The meeting's date, as its record states it."""


def orphan_extracts(folder: Path, history: History) -> list[Orphan]:
    """The extracts in the case folder ``folder`` (the newest version of each §) whose
    paragraph, of the meeting and Dnr their record states, is none of the case's
    decisions (``history``: held or not) now, by §."""
    known = {
        (decision.paragraf.paragraf, decision.datum.isoformat())
        for decision in (*history.decisions, *history.pending)
    }
    newest: dict[int, Path] = {}
    for paragraf, _version, path in CaseFolder(folder).extract_pdfs():
        newest[paragraf] = path
    found = []
    for paragraf, pdf in sorted(newest.items()):
        try:
            record = json.loads(
                CaseFolder(folder).extract_record(paragraf).read_text(encoding="utf-8")
            )
            latest = record["versioner"][-1]
            fakta = latest["fakta"]
            meeting, datum, dnr = latest["sammantrade"], fakta["sammantradesdatum"], fakta["dnr"]
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            continue  # a record that cannot be read is told where extracts are read
        if dnr == folder.name and (paragraf, datum) not in known:
            found.append(Orphan(pdf, paragraf, str(meeting), str(datum)))
    return found


def orphan_text(orphan: Orphan, shown: str) -> str:
    """The line that names ``orphan`` (its PDF as the reader finds it: ``shown``)."""
    return _(
        "{extract}: the extract of § {paragraf} of the meeting of {datum} ({meeting}), which "
        "no meeting file beside the case decides now (the file or the paragraph was removed); "
        "no document of the case states that decision, and the extract is kept as made: put "
        "the meeting file back, or move the extract out of the output folder"
    ).format(
        extract=shown, paragraf=orphan.paragraf, datum=orphan.datum, meeting=orphan.sammantrade
    )
