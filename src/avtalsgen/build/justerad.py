"""A packet is signed only once the decision it rests on is justerad.

A meeting's decisions are taken at the meeting, but the minutes are not final until they
are justerade (kommunallagen 5 kap. 69 §); until then the decision's extract cannot be made
and the packet lacks it. The agreement's packet rests on the decision that granted the case,
a tilläggsavtal's on the decision that changed the agreement (its packet entry in the
manifest says which). :func:`justering_pending` gives the day that decision's minutes are
justerade while it is still to come (a paragraph justerad at the meeting itself,
omedelbart justerad, is justerad on the meeting's day); ``sign`` and the web app's signing
refuse the packet until then (:func:`avtalsgen.build.superseded.refuse_unsignable`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen import clock
from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.build.recorded import RecordedCase
    from avtalsgen.meetings.decisions import Decision


def justering_pending(packet: Path) -> Decision | None:
    """The decision the packet version at ``packet`` rests on when its minutes are not yet
    justerade (their justeringsdatum after today); None when they are, or when the case,
    its decision or the packet's entry cannot be told (the other checks speak of those)."""
    from avtalsgen.build.recorded import recorded_history

    return pending_for(packet, recorded_history(packet.parent))


def pending_for(packet: Path, recorded: RecordedCase | None) -> Decision | None:
    """:func:`justering_pending` of the case ``recorded`` (read once by the caller)."""
    from avtalsgen.build.manifest import read_manifest
    from avtalsgen.build.superseded import packet_entries, packet_tillagg

    entries = packet_entries(read_manifest(packet.parent))
    entry = next((e for e in entries if e.get("file") == packet.name), None)
    if entry is None or recorded is None:
        return None
    history = recorded.history
    number = packet_tillagg(entry)
    if number:
        if number > len(history.changes):
            return None
        decision: Decision | None = history.changes[number - 1].decision
    else:
        decision = history.grant
    if decision is None or justerad_on(decision) <= clock.today():
        return None
    return decision


def justerad_on(decision: Decision) -> dt.date:
    """The day the minutes of ``decision`` are justerade (the meeting's, when the paragraph
    was justerad at it)."""
    return decision.sammantrade.justering(decision.paragraf).justeringsdatum


def not_yet_message(packet: str, decision: Decision) -> str:
    """What ``sign`` and the web app say of a packet whose decision is not yet justerad
    (without "Nothing was signed.", which the one refusing adds)."""
    return _(
        "{packet}: Cannot be signed yet: the minutes are justerade on {date} ({label}); the "
        "packet is signed after the justering, with the decision's protocol extract in it "
        "(build again then)."
    ).format(packet=packet, date=justerad_on(decision).isoformat(), label=decision.label)
