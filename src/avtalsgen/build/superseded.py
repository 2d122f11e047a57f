"""Whether a signed packet still states the committee's decision.

A packet is made from the decision of its day (its manifest entry's ``beslut``: None while
the case is undecided, when the agreement shows the decision as ``[uppgift saknas]`` and
the proposal's amounts). A signed packet is never replaced: when the decision it was made
from is no longer the case's (a packet signed before the committee decided, then a "bifall
med ändring" with other amounts; a meeting file corrected since), the signed file states
facts that are not the decision's. It is *superseded*: a new packet is needed, which the
build makes beside it as the next version. ``avtalsgen status`` (from the case's decisions)
and ``avtalsgen verify`` (from the newer versions its manifest records) say so with
:func:`superseded`; the signed file itself stays as it is.

Only the packets that hold the agreement are compared (a tilläggsavtal's packet follows the
change it states, not the grant).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from avtalsgen.i18n import _

if TYPE_CHECKING:
    from avtalsgen.meetings.decisions import History

#: What names a decision in a manifest entry's ``beslut``: the same values, the same
#: decision (``rad``, the line in its meeting file, moves with any edit above it).
_DECISION_KEYS = ("utfall", "sammantrade", "datum", "paragraf")


def decision_record(history: History) -> dict[str, Any] | None:
    """The decision the case's agreement follows now, as a packet's manifest entry records
    it (``utfall``, ``sammantrade``, ``datum``, ``paragraf``); None while undecided."""
    decision = history.deciding or history.latest
    if decision is None or history.utfall is None:
        return None
    return {
        "utfall": history.utfall.value,
        "sammantrade": decision.meeting.path.name,
        "datum": decision.datum.isoformat(),
        "paragraf": decision.paragraf.paragraf,
    }


@dataclass(frozen=True)
class Superseded:
    """A signed packet made from another decision than the case's now."""

    file: str
    """The signed packet's file name."""
    made_from: Mapping[str, Any] | None
    """The decision it was made from (None: before the committee decided)."""
    decision: Mapping[str, Any] | None
    """The decision now (None: none, e.g. a meeting file that decided it was corrected)."""
    newer: str | None
    """The newest packet version made from the decision now, if built."""

    def text(self) -> str:
        """What is wrong and what to do, in the language of messages."""
        made = (
            _("made before the committee decided")
            if self.made_from is None
            else _("made from {decision}").format(decision=_named(self.made_from))
        )
        now = (
            _("the case has no decision now")
            if self.decision is None
            else _("the decision now is {decision}").format(decision=_named(self.decision))
        )
        if self.newer is not None:
            then = _("a new packet is needed: {newer}, made from the decision, is the one to "
                     "sign").format(newer=self.newer)  # fmt: skip
        else:
            then = _("a new packet is needed: build the case again (the signed file stays "
                     "as it is)")  # fmt: skip
        return _("{file} is superseded: it was {made} and {now}, so what it states is not "
                 "the decision; {then}").format(
            file=self.file, made=made, now=now, then=then
        )  # fmt: skip


def _named(decision: Mapping[str, Any]) -> str:
    """A decision in words: "§ 211 of the meeting of 2023-12-05 (bifall med ändring)"."""
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    try:
        outcome = _(UTFALL_TEXT[Utfall(str(decision.get("utfall")))])
    except ValueError:
        outcome = str(decision.get("utfall"))
    return _("§ {paragraf} of the meeting of {datum} ({utfall})").format(
        paragraf=decision.get("paragraf"), datum=decision.get("datum"), utfall=outcome
    )


def _key(decision: object) -> tuple[str, ...] | None:
    if not isinstance(decision, Mapping):
        return None
    return tuple(str(decision.get(key)) for key in _DECISION_KEYS)


def _holds_agreement(entry: Mapping[str, Any]) -> bool:
    decision = entry.get("beslut")
    return not isinstance(decision, Mapping) or not decision.get("tillagg")


def _signed(entry: Mapping[str, Any]) -> bool:
    signatures = entry.get("signatures")
    return any(
        isinstance(s, Mapping) and s.get("signer")
        for s in (signatures if isinstance(signatures, list) else [])
    )


def packet_entries(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The manifest's entries of the packet versions, oldest first."""
    entries = manifest.get("packets")
    if not isinstance(entries, list):
        entries = [manifest.get("packet")]
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("file"), str)]


def superseded(
    entries: Sequence[Mapping[str, Any]],
    file: str,
    decision: Mapping[str, Any] | None,
    *,
    signed_only: bool = True,
) -> Superseded | None:
    """Whether the packet version ``file`` (of the manifest's ``entries``) is made from
    another decision than ``decision``, the case's now, and signed (any version with
    ``signed_only=False``: ``sign`` refuses to sign one); None if it is not, holds a
    tilläggsavtal or is not recorded."""
    entry = next((e for e in entries if e.get("file") == file), None)
    if entry is None or not _holds_agreement(entry) or (signed_only and not _signed(entry)):
        return None
    made_from = entry.get("beslut")
    if _key(made_from) == _key(decision):
        return None
    newer = [
        e for e in entries
        if e is not entry and _holds_agreement(e) and _key(e.get("beslut")) == _key(decision)
        and _version(e) > _version(entry)
    ]  # fmt: skip
    return Superseded(
        file,
        made_from if isinstance(made_from, Mapping) else None,
        decision,
        str(newer[-1]["file"]) if newer else None,
    )


def superseded_by_newer(
    manifest: Mapping[str, Any], file: str, *, signed_only: bool = True
) -> Superseded | None:
    """:func:`superseded` of ``file`` against the decision of the newest packet version the
    manifest records that holds the agreement (what ``verify`` and ``sign`` know of the case
    without its files): None when ``file`` is that version."""
    entries = packet_entries(manifest)
    newest = [e for e in entries if _holds_agreement(e)]
    if not newest or newest[-1].get("file") == file:
        return None
    decision = newest[-1].get("beslut")
    return superseded(
        entries, file, decision if isinstance(decision, Mapping) else None,
        signed_only=signed_only,
    )  # fmt: skip


def _version(entry: Mapping[str, Any]) -> int:
    try:
        return int(str(entry.get("version", 1)))
    except ValueError:
        return 1
