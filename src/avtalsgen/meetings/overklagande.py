"""The överklagandehänvisning of a decision: how and where it may be appealed.

Laglighetsprövning (kommunallagen 13 kap.): a member of the region may appeal a decision to
the förvaltningsrätt within three weeks of the day the notice of the justering went up.
Only the anslag said so; the extract and the message that take a decision to the actor
gave the last day alone ("Sista dag för överklagande"), not how or where. The extract
(:func:`avtalsgen.meetings.extract.context`) and the message
(:func:`avtalsgen.meetings.expediering.message`) now state it, in the anslag's words; a
decision that only prepares a later one (återremiss, bordläggning) may not be appealed,
and gets none.
"""

from __future__ import annotations

import datetime as dt

from avtalsgen.documents.format import datum_text
from avtalsgen.model import Program


def appeal_guidance(program: Program, last: dt.date, *, preparatory: bool) -> tuple[str, ...]:
    """How a decision whose last day to appeal is ``last`` is appealed, and where, by the
    program's region and förvaltningsrätt (``protokoll``); empty for a preparatory
    decision."""
    if preparatory:
        return ()
    protokoll = program.protokoll
    court = protokoll.forvaltningsratt.namn if protokoll is not None else "förvaltningsrätten"
    said = (
        f"Den som är medlem i {program.region.namn} kan överklaga beslutet genom "
        "laglighetsprövning enligt 13 kap. kommunallagen (2017:725). Överklagandet ska ha "
        f"kommit in till {court} inom tre veckor från den dag då justeringen av protokollet "
        f"tillkännagavs på regionens anslagstavla, det vill säga senast {datum_text(last)}. "
        "Ange i överklagandet vilket beslut som överklagas och varför beslutet ska upphävas "
        "(13 kap. 8 § kommunallagen)."
    )
    address = protokoll.forvaltningsratt.adress if protokoll is not None else None
    if address is None:
        return (said,)
    sent = f"{address.utdelningsadress}, {address.postnummer} {address.ort}"
    return (said, f"Skicka överklagandet till: {court}, {sent}.")
