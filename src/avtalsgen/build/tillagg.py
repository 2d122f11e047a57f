"""What a build makes of a case whose running agreement a later decision changed.

A tilläggsavtal changes a signed agreement: it is made once the packet holding the agreement
(and, for nr 2 and later, the packet holding the tilläggsavtal before it) is signed by every
party, as ``manifest.json`` records it. Until then the build makes what the grant called
for, as before, and ``avtalsgen status`` says what the tilläggsavtal waits for. The signed
packets stay as they are: the tilläggsavtal goes into a new packet version of its own.

A tilläggsavtal is never made on a signed packet that is superseded (made from another
decision than the case's now, or stating other facts: :mod:`avtalsgen.build.superseded`):
it would name as signed an agreement that states other facts than those it changes. The
build makes the agreement as the case states it now, and says why (:attr:`Plan.refused`);
the change waits for that to be signed. A tilläggsavtal's own signed packet that is
superseded counts as not signed: the build makes that tilläggsavtal anew.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.build.manifest import PARTIES, signed_entry
from avtalsgen.build.packets import PacketFolder
from avtalsgen.build.superseded import CaseNow, Superseded, packet_entries, superseded
from avtalsgen.i18n import _
from avtalsgen.meetings.decisions import History, Tillaggsbeslut


@dataclass(frozen=True)
class SignedPacket:
    """A packet version whose every party has signed: the agreement's, or a tilläggsavtal's."""

    path: Path
    signed_on: dt.date | None
    """The day its last party signed (Swedish time), as its signatures state; None when
    one of them states no time."""


def signed_packet(packets: PacketFolder, nummer: int) -> SignedPacket | None:
    """The newest packet version in the case folder of ``packets`` (its manifest and
    packets, each read once) that holds the agreement (``nummer`` 0) or tilläggsavtal nr
    ``nummer`` and that every party has signed, as the manifest records it and the file
    shows, if any."""
    folder = packets.folder.path
    entry = signed_entry(folder, nummer, packets.manifest)
    if entry is None:
        return None
    path = folder / Path(entry["file"]).name
    if not path.is_file() or not packets.is_signed(path):
        return None
    return SignedPacket(path, concluded_on(path))


def concluded_on(path: Path) -> dt.date | None:
    """The day (Swedish time) the signed packet at ``path`` was concluded: its last party's
    signature, as the packet's own signatures state their time; None when one of them
    states none (the tilläggsavtal then names no date rather than one it cannot know:
    the agreement's ``avtal.datum`` is not the day it was signed)."""
    from avtalsgen.pdf.signed import signed_on

    days = [signed_on(path, field) for field in PARTIES]
    known = [day for day in days if day is not None]
    return max(known) if len(known) == len(days) else None


@dataclass(frozen=True)
class Plan:
    """What the build makes of a case as its decisions and signed packets stand."""

    documents: tuple[str, ...]
    """The documents the case calls for now."""
    change: Tillaggsbeslut | None
    """The change whose tilläggsavtal is made (None: none is)."""
    signed: SignedPacket | None
    """The signed packet of the agreement the change applies to (for its date)."""
    waiting: Tillaggsbeslut | None
    """A change decided whose tilläggsavtal waits for the agreement to be signed."""
    unheld: tuple[Path, ...] = ()
    """The meeting files of meetings not held yet that will decide on the case (see
    :attr:`History.pending`): they decide nothing yet and change no document, so a build's
    input stamp leaves them out (see :func:`avtalsgen.build.record.with_decisions`); on
    the meeting's day the file counts, and the case is built again."""
    refused: Superseded | None = None
    """The signed packet the waiting change would apply to, which is superseded: the
    tilläggsavtal is not made on it (see :meth:`refusal`)."""

    def refusal(self, named: Callable[[str], str] = str, *, reason: bool = True) -> str | None:
        """Why the waiting change's tilläggsavtal is not made, and what to do, with (unless
        ``reason`` is False: said beside it) why the packet is superseded; None when it is
        not refused. ``named`` names a packet version by its file name (as the reader finds
        it: relative to the output folder, say)."""
        if self.refused is None or self.waiting is None:
            return None
        refused = dataclasses.replace(
            self.refused,
            file=named(self.refused.file),
            newer=named(self.refused.newer) if self.refused.newer else None,
        )
        before = (
            _("the agreement") if self.refused.tillagg == 0
            else _("tilläggsavtal nr {number}").format(number=self.refused.tillagg)
        )  # fmt: skip
        said = _(
            "tilläggsavtal nr {number} ({label}) is not made: {before} it changes is signed "
            "in {packet}, which is superseded; it is made once {before} as the case states "
            "it now is signed by every party, or once the case is put back as {packet} "
            "states it"
        ).format(
            number=self.waiting.nummer,
            label=self.waiting.decision.label,
            before=before,
            packet=refused.file,
        )
        return f"{said}. {refused.reason()}" if reason else said

    @property
    def awaited(self) -> int | None:
        """The packet a waiting change needs signed: 0 for the agreement's, N for
        tilläggsavtal nr N's (None: nothing waits)."""
        if self.waiting is None:
            return None
        return self.refused.tillagg if self.refused is not None else self.waiting.nummer - 1

    @property
    def marker(self) -> tuple[str, ...]:
        """What the build's input stamp adds: a build that made the tilläggsavtal, or that
        waited for a signature, is not the same as one that did neither. A meeting not
        held yet adds nothing: it changes no document."""
        if self.change is not None:
            return (f"tillaggsavtal {self.change.nummer}",)
        if self.waiting is not None:
            return (f"tillaggsavtal {self.waiting.nummer} vantar",)
        return ()


def plan(history: History, packets: PacketFolder) -> Plan:
    """The documents of the case whose folder's manifest and packets ``packets`` reads: the
    tilläggsavtal of the first change whose packet is not signed yet (or of the newest, all
    being signed), once the agreement (or tilläggsavtal) before it is signed; else what the
    grant called for. A signed packet that is superseded counts as not signed (see
    :attr:`Plan.refused`). Nothing of the folder is read for a case that no change
    decided."""
    pending = tuple(sorted({d.meeting.path for d in history.pending}))
    if not history.changes:
        return Plan(history.documents, None, None, None, pending)
    now = CaseNow.of(history, packets.folder.path.parent)
    entries = packet_entries(packets.manifest)
    checked: dict[int, tuple[SignedPacket | None, Superseded | None]] = {}

    def standing(nummer: int) -> tuple[SignedPacket | None, Superseded | None]:
        """The signed packet ``nummer`` holds unless it is superseded, and why it is: each
        packet checked once."""
        if nummer not in checked:
            signed = signed_packet(packets, nummer)
            stale = (
                superseded(entries, signed.path.name, now.decision, facts=now.facts)
                if signed is not None
                else None
            )
            checked[nummer] = (signed if stale is None else None, stale)
        return checked[nummer]

    target = next(
        (c for c in history.changes if standing(c.nummer)[0] is None),
        history.changes[-1],
    )
    # The tilläggsavtal is made on the packet before it and names the agreement's: neither
    # may be superseded (the agreement's refused first: what is to be signed anew first).
    original, stale_original = standing(0)
    before, stale_before = (
        (original, stale_original) if target.nummer == 1 else standing(target.nummer - 1)
    )
    if original is None or before is None:
        return Plan(history.documents, None, None, target, pending,
                    stale_original or stale_before)  # fmt: skip
    return Plan(("tillaggsavtal",), target, original, None, pending)
