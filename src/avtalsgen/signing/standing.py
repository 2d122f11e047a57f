"""What a packet is to its case beyond its signatures: whether it is the case's packet now,
and whether the committee's decision leaves anything in it to sign.

A packet's signatures say nothing of the decision it was made from. ``avtalsgen verify``
asks its case's output folder too (:func:`packet_standing`):

- a packet that the case's decision now replaces (made before the committee decided, or
  from another decision or other facts than the case's now: see
  :mod:`avtalsgen.build.superseded`) is *superseded*, signed or not: not the packet to
  sign or to hand over, whatever its fields;
- the packet of a rejected case (avslag) holds no agreement and has no signature field: it
  is complete with nothing to sign;
- the packet of a case sent back or postponed (återremiss, bordläggning) has no signature
  field either, but the case waits for a later decision: it is not complete.

:class:`avtalsgen.signing.verify.VerificationReport` carries the standing found, and its
verdict and words follow it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from avtalsgen.i18n import _


class Standing(StrEnum):
    """What a packet is to its case now."""

    SUPERSEDED = "superseded"
    """The decision or the facts the packet states are not the case's now."""
    REJECTED = "rejected"
    """The committee rejected the case: no agreement, no signature field, nothing to sign."""
    WAITING = "waiting"
    """The committee sent the case back or postponed it: nothing to sign yet."""


@dataclass(frozen=True)
class PacketStanding:
    """A packet's :class:`Standing` and why, in the language of messages."""

    standing: Standing
    text: str
    """Why, and (superseded) what to do: names the decision by §, meeting and outcome."""


def packet_standing(
    packet: Path, shown: Callable[[Path], str] = lambda path: path.name
) -> PacketStanding | None:
    """The standing of the packet version at ``packet`` in its case's output folder (its
    manifest beside it), or None when it is the case's packet now with an agreement to
    sign, or is no packet of an output folder. ``shown`` names a file in the text."""
    from avtalsgen.build.superseded import packet_superseded

    stale = packet_superseded(packet, signed_only=False)
    if stale is not None:
        newer = shown(packet.parent / stale.newer) if stale.newer else None
        named = replace(stale, file=shown(packet), newer=newer)
        return PacketStanding(Standing.SUPERSEDED, named.text())
    decision = _no_agreement(packet)
    if decision is None:
        return None
    return _left_out(packet.parent.name, decision)


def _no_agreement(packet: Path) -> Mapping[str, Any] | None:
    """The decision the manifest records for ``packet`` when it left the agreement out."""
    from avtalsgen.build.manifest import read_manifest
    from avtalsgen.build.superseded import packet_entries

    for entry in packet_entries(read_manifest(packet.parent)):
        if entry.get("file") != packet.name:
            continue
        decision = entry.get("beslut")
        if isinstance(decision, Mapping) and decision.get("avtal") is False:
            return decision
        return None
    return None


def _left_out(dnr: str, decision: Mapping[str, Any]) -> PacketStanding | None:
    """The standing of a packet whose ``decision`` left the agreement out."""
    from avtalsgen.model.decision import Utfall

    try:
        utfall = Utfall(str(decision.get("utfall")))
    except ValueError:
        return None
    line = decision.get("rad")
    where = _("§ {paragraf} of the meeting of {datum}, {meeting}").format(
        paragraf=decision.get("paragraf"),
        datum=decision.get("datum"),
        meeting=f"{decision.get('sammantrade')}" + (f":{line}" if isinstance(line, int) else ""),
    )
    if utfall is Utfall.AVSLAG:
        text = _(
            "no signatures are needed: the committee rejected {dnr} (avslag, {where}), so no "
            "agreement is made and the packet has no signature field"
        )
        return PacketStanding(Standing.REJECTED, text.format(dnr=dnr, where=where))
    if utfall is Utfall.ATERREMISS:
        text = _(
            "nothing to sign yet: the committee referred {dnr} back (återremiss, {where}) and "
            "decides it at a later meeting; build the case again after that decision"
        )
    elif utfall is Utfall.BORDLAGGNING:
        text = _(
            "nothing to sign yet: the committee postponed {dnr} (bordläggning, {where}) to a "
            "later meeting; build the case again after that decision"
        )
    else:
        return None  # a granted case's packet holds the agreement
    return PacketStanding(Standing.WAITING, text.format(dnr=dnr, where=where))
