"""What each version of a case's packet holds, as the Paket page says it.

A later decision that changes a signed agreement yields a tilläggsavtal, in a packet of its
own beside the signed one (``paket-v2.pdf`` beside ``paket.pdf``). The page listed them as
"paket-v2.pdf" and "paket.pdf (en tidigare version)", which reads as if the new one replaced
the old. Each version is said by what it holds (the samarbetsavtal, or tilläggsavtal nr N
and the change it makes), who has signed it, and, for a signed agreement beside its
tilläggsavtal, that it still applies (a tilläggsavtal changes the agreement, it does not
replace it) unless the case's files say it is superseded
(:func:`avtalsgen.build.superseded.packet_superseded`, kept by the files it reads:
:func:`avtalsgen.web.packetstate.superseded_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avtalsgen.i18n import _
from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Seen


@dataclass(frozen=True)
class PacketVersion:
    """One version of a case's packet, as the page lists it."""

    name: str
    holds: str
    """What it holds, in words: the agreement, or an amendment by its number and change."""
    note: str | None = None
    """Who signed it, and whether it applies, in words (None: nothing to add)."""


def _entries(folder: Path) -> dict[str, dict[str, Any]]:
    from avtalsgen.web.status import _manifest

    manifest = _manifest(folder)
    found: dict[str, dict[str, Any]] = {}
    versions = manifest.get("packets")
    for entry in [*(versions if isinstance(versions, list) else []), manifest.get("packet")]:
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            found[entry["file"]] = entry
    return found


def _holds(entry: dict[str, Any] | None) -> str:
    from avtalsgen.model.tillagg import TILLAGGSTYP_TEXT, Tillaggstyp

    decision = (entry or {}).get("beslut")
    number = decision.get("tillagg") if isinstance(decision, dict) else None
    if not isinstance(number, int) or isinstance(number, bool):
        return _("the samarbetsavtal")
    kind = decision.get("tillaggstyp") if isinstance(decision, dict) else None
    if kind in {member.value for member in Tillaggstyp}:
        return _("tilläggsavtal nr {number} ({change})").format(
            number=number, change=_(TILLAGGSTYP_TEXT[Tillaggstyp(kind)])
        )
    return _("tilläggsavtal nr {number}").format(number=number)


def _signers(entry: dict[str, Any] | None) -> tuple[list[str], bool]:
    """Who signed the version, and whether every field is signed."""
    signatures = [s for s in (entry or {}).get("signatures") or [] if isinstance(s, dict)]
    names = [str(s["signer"]) for s in signatures if s.get("signer")]
    return names, bool(signatures) and len(names) == len(signatures)


def packet_versions(
    config: WebConfig, stem: str, dnr: str, names: list[str], seen: Seen | None = None
) -> list[PacketVersion]:
    """The versions ``names`` (newest first) of the packet of ``dnr`` (its case file
    ``stem``) in the output folder; ``seen``: the stamps the caller's request took."""
    from avtalsgen.web.packetstate import superseded_text

    entries = _entries(config.output / dnr)
    found: list[PacketVersion] = []
    for index, name in enumerate(names):
        entry = entries.get(name)
        holds = _holds(entry)
        signers, complete = _signers(entry)
        note = None
        # A newer version that holds a tilläggsavtal (the newest first: those listed).
        amended = any(version.holds != _("the samarbetsavtal") for version in found)
        if index > 0 and complete:
            if superseded_text(config, stem, dnr, name, seen) is not None:
                note = _("signed by {names}; superseded: see the case's page").format(
                    names=", ".join(signers)
                )
            elif amended:
                note = _(
                    "signed by {names}; it still applies: a tilläggsavtal changes the "
                    "agreement, it does not replace it"
                ).format(names=", ".join(signers))
            else:
                note = _("signed by {names}").format(names=", ".join(signers))
        elif index > 0:
            note = _("an earlier version")
        elif complete:
            note = _("signed by {names}").format(names=", ".join(signers))
        found.append(PacketVersion(name, holds, note))
    return found
