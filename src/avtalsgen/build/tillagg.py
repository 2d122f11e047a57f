"""What a build makes of a case whose running agreement a later decision changed.

A tilläggsavtal changes a signed agreement: it is made once the packet holding the agreement
(and, for nr 2 and later, the packet holding the tilläggsavtal before it) is signed by every
party, as ``manifest.json`` records it. Until then the build makes what the grant called
for, as before, and ``avtalsgen status`` says what the tilläggsavtal waits for. The signed
packets stay as they are: the tilläggsavtal goes into a new packet version of its own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from avtalsgen.build.workspace import CaseFolder
from avtalsgen.meetings.decisions import History, Tillaggsbeslut

TIMEZONE = ZoneInfo("Europe/Stockholm")
#: The signature fields of an agreement's (and a tilläggsavtal's) packet.
PARTIES = ("region", "aktor")


@dataclass(frozen=True)
class SignedPacket:
    """A packet version whose every party has signed: the agreement's, or a tilläggsavtal's."""

    path: Path
    signed_on: dt.date | None
    """The day its last party signed (Swedish time), if the manifest says."""


def _entries(folder: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(CaseFolder(folder).manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("packets") if isinstance(data, dict) else None
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _holds(entry: dict[str, Any], nummer: int) -> bool:
    """Whether the packet of ``entry`` holds the agreement (``nummer`` 0) or tilläggsavtal
    nr ``nummer``."""
    decision = entry.get("beslut")
    if not isinstance(decision, dict) or decision.get("avtal") is not True:
        return False
    if decision.get("utfall") not in ("bifall", "bifall_med_andring"):
        return False
    return (decision.get("tillagg") or 0) == nummer


def signed_packet(folder: Path, nummer: int) -> SignedPacket | None:
    """The newest packet version in ``folder`` that holds the agreement (``nummer`` 0) or
    tilläggsavtal nr ``nummer`` and that every party has signed, if any."""
    from avtalsgen.pdf.signed import is_signed

    for entry in reversed(_entries(folder)):
        if not _holds(entry, nummer) or not isinstance(entry.get("file"), str):
            continue
        signatures = entry.get("signatures")
        by_field = {
            s.get("field"): s
            for s in (signatures if isinstance(signatures, list) else [])
            if isinstance(s, dict)
        }
        if not all(by_field.get(name, {}).get("signer") for name in PARTIES):
            continue
        path = folder / Path(entry["file"]).name
        if not path.is_file() or not is_signed(path):
            continue
        times = []
        for name in PARTIES:
            with contextlib.suppress(ValueError):
                times.append(dt.datetime.fromisoformat(str(by_field[name].get("signing_time"))))
        day = max(times).astimezone(TIMEZONE).date() if times else None
        return SignedPacket(path, day)
    return None


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

    @property
    def marker(self) -> tuple[str, ...]:
        """What the build's input stamp adds: a build that made the tilläggsavtal, or that
        waited for a signature, is not the same as one that did neither."""
        if self.change is not None:
            return (f"tillaggsavtal {self.change.nummer}",)
        if self.waiting is not None:
            return (f"tillaggsavtal {self.waiting.nummer} vantar",)
        return ()


def plan(history: History, folder: Path) -> Plan:
    """The documents of the case at ``folder``: the tilläggsavtal of the first change whose
    packet is not signed yet (or of the newest, all being signed), once the agreement (or
    tilläggsavtal) before it is signed; else what the grant called for."""
    if not history.changes:
        return Plan(history.documents, None, None, None)
    target = next(
        (c for c in history.changes if signed_packet(folder, c.nummer) is None),
        history.changes[-1],
    )
    before = signed_packet(folder, target.nummer - 1)
    if before is None:
        return Plan(history.documents, None, None, target)
    original = before if target.nummer == 1 else signed_packet(folder, 0)
    return Plan(("tillaggsavtal",), target, original, None)
