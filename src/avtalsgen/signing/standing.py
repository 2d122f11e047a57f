"""What a packet is to its case beyond its signatures: whether it is the case's packet now,
and whether the committee's decision leaves anything in it to sign.

A packet's signatures say nothing of the decision it was made from. ``avtalsgen verify``
asks its case's output folder too (:func:`packet_standing`):

- a packet that the case's decision now replaces (made before the committee decided, or
  from another decision or other facts than the case's now: see
  :mod:`avtalsgen.build.superseded`) is *superseded*, signed or not: not the packet to
  sign or to hand over, whatever its fields;
- the packet of a rejected case (avslag) holds no agreement and has no signature field: it
  is complete with nothing to sign once the protocol extract it carries is the certified
  one (the decision's record for the diarium); a packet built before the extract was made
  or certified is not complete: build it again then;
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
    paragraf: int | None = None
    """The § of the decision that left the agreement out (not superseded)."""
    datum: str | None = None
    """The day of that decision's meeting (ISO)."""


def packet_standing(
    packet: Path,
    shown: Callable[[Path], str] = lambda path: path.name,
    *,
    signed: bool | None = None,
) -> PacketStanding | None:
    """The standing of the packet version at ``packet`` in its case's output folder (its
    manifest beside it), or None when it is the case's packet now with an agreement to
    sign, or is no packet of an output folder. ``shown`` names a file in the text;
    ``signed`` whether the file asked about is signed, when it is a copy of ``packet``
    (the web app's verification of an upload: the copy may be signed where the folder's
    file is not)."""
    from avtalsgen.build.superseded import packet_superseded

    stale = packet_superseded(packet, signed_only=False)
    if stale is not None:
        newer = shown(packet.parent / stale.newer) if stale.newer else None
        named = replace(stale, file=shown(packet), newer=newer,
                        signed=stale.signed if signed is None else signed)  # fmt: skip
        return PacketStanding(Standing.SUPERSEDED, named.text())
    entry = _no_agreement(packet)
    if entry is None:
        return None
    return _left_out(packet, entry)


def _no_agreement(packet: Path) -> Mapping[str, Any] | None:
    """The manifest's entry of ``packet`` when its decision left the agreement out."""
    from avtalsgen.build.manifest import read_manifest
    from avtalsgen.build.superseded import packet_entries

    for entry in packet_entries(read_manifest(packet.parent)):
        if entry.get("file") != packet.name:
            continue
        decision = entry.get("beslut")
        if isinstance(decision, Mapping) and decision.get("avtal") is False:
            return entry
        return None
    return None


def _carries_certified_extract(packet: Path, entry: Mapping[str, Any]) -> bool | None:
    """Whether ``packet`` carries the protocol extract its manifest ``entry`` records as
    certified: embedded as it is, the field ``utdragsbestyrkande`` signed by a signature
    that covers the whole file (an extract not certified is merged as pages); None when it
    carries no extract."""
    import hashlib

    import pikepdf

    from avtalsgen.build.manifest import certification_ends
    from avtalsgen.build.workspace import folder_name
    from avtalsgen.pdf.pdffile import open_pdf

    recorded = entry.get("utdrag")
    if not isinstance(recorded, Mapping) or not recorded:
        return None
    try:
        with open_pdf(packet) as pdf:
            # Recorded by the name in the case's folder; embedded with the Dnr in front.
            embedded = {folder_name(name): spec.get_file().read_bytes() for name, spec in
                        pdf.attachments.items() if folder_name(name) in recorded}  # fmt: skip
    except (pikepdf.PdfError, OSError):
        return False
    for name, sha in recorded.items():
        data = embedded.get(name)
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            return False
        if not certification_ends(data):
            return False
    return True


def _left_out(packet: Path, entry: Mapping[str, Any]) -> PacketStanding | None:
    """The standing of ``packet``, whose manifest ``entry`` records a decision that left the
    agreement out."""
    from avtalsgen.model.decision import Utfall

    dnr = packet.parent.name
    decision = entry["beslut"]

    try:
        utfall = Utfall(str(decision.get("utfall")))
    except ValueError:
        return None
    paragraf, datum = decision.get("paragraf"), decision.get("datum")
    decided = (paragraf if isinstance(paragraf, int) else None, str(datum) if datum else None)
    line = decision.get("rad")
    where = _("§ {paragraf} of the meeting of {datum}, {meeting}").format(
        paragraf=decision.get("paragraf"),
        datum=decision.get("datum"),
        meeting=f"{decision.get('sammantrade')}" + (f":{line}" if isinstance(line, int) else ""),
    )
    if utfall is Utfall.AVSLAG:
        carried = _carries_certified_extract(packet, entry)
        if not carried:
            text = (
                _("the packet does not hold the protocol extract of the decision yet: the "
                  "committee rejected {dnr} (avslag, {where}); make the extract once the "
                  "minutes are justerade, have it certified and build the case again: the "
                  "packet is complete with the certified extract in it")
                if carried is None
                else _("the protocol extract in the packet is not certified: the committee "
                       "rejected {dnr} (avslag, {where}); certify the extract (its field "
                       "utdragsbestyrkande) and build the case again: the packet is complete "
                       "with the certified extract in it")
            )  # fmt: skip
            return PacketStanding(Standing.WAITING, text.format(dnr=dnr, where=where), *decided)
        text = _(
            "no signatures are needed: the committee rejected {dnr} (avslag, {where}), so no "
            "agreement is made and the packet has no signature field"
        )
        return PacketStanding(Standing.REJECTED, text.format(dnr=dnr, where=where), *decided)
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
    return PacketStanding(Standing.WAITING, text.format(dnr=dnr, where=where), *decided)
