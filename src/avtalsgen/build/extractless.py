"""A tilläggsavtal's packet made before the extract of its decision exists.

The build makes tilläggsavtal nr N's packet once the agreement is signed, with the protocol
extract of the decision that changed it when that extract is in the case's folder. Made
before ``avtalsgen utdrag``, the packet holds the tilläggsavtal alone; ``sign`` took
signatures on it, and once the extract was made the next build made the packet anew (the
extract is one of its inputs) as the next version, "Tilläggsavtal nr 1" again, beside the
half-signed one. ``status`` already said the extract was not made; signing is refused with
that reason and what to do first (:func:`extractless_message`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.build.recorded import RecordedCase


def extractless_message(
    packet: Path, recorded: RecordedCase | None, shown: Callable[[Path], str]
) -> str | None:
    """Why ``packet`` is not to be signed when its manifest entry records a tilläggsavtal's
    packet that holds no protocol extract, the decision's extract not made yet
    (``recorded``: the case its folder was built from, for the meeting file to name); None
    when it may be."""
    from avtalsgen.build.manifest import read_manifest

    entries = read_manifest(packet.parent).get("packets")
    entry = next(
        (
            e
            for e in (entries if isinstance(entries, list) else [])
            if isinstance(e, dict) and e.get("file") == packet.name
        ),
        None,
    )
    beslut = entry.get("beslut") if entry is not None else None
    if not isinstance(beslut, dict) or not beslut.get("tillagg") or entry is None:
        return None
    if entry.get("utdrag") != {}:
        return None  # it holds the extract of its decision (or its manifest did not record them)
    paragraf, datum = beslut.get("paragraf"), beslut.get("datum")
    meeting = str(beslut.get("sammantrade"))
    if recorded is not None:
        for change in recorded.history.changes:
            decision = change.decision
            if decision.paragraf.paragraf == paragraf and decision.datum.isoformat() == datum:
                meeting = str(decision.meeting.path)
    return _(
        "{packet}: tilläggsavtal nr {number} is to be signed with the decision that "
        "changed the agreement, and the packet does not hold it: the protocol extract of "
        "§ {paragraf} of the meeting of {datum} is not made yet. Make it (avtalsgen "
        "utdrag {meeting}), certify it, build again and sign the packet the build makes."
    ).format(
        packet=shown(packet),
        number=beslut.get("tillagg"),
        paragraf=paragraf,
        datum=datum,
        meeting=meeting,
    )
