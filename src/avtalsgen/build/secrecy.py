"""Signed packets that a paragraph's secrecy came after.

Every document that states the facts of a paragraph under sekretess carries its marking
(:meth:`avtalsgen.meetings.decisions.History.sekretess`). A packet signed before the
paragraph was put under sekretess does not, and a signed packet is never changed: the build
makes the next version with the marking, and says which signed version lacks it, so that
nobody takes the signed one for marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from avtalsgen.build.manifest import read_manifest
from avtalsgen.build.workspace import CaseFolder, parse_versioned, shown
from avtalsgen.i18n import _
from avtalsgen.meetings.decisions import History
from avtalsgen.model.meeting import split_markings


def packet_entries(manifest: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The entry of each packet version in the case folder's manifest (as read), by file
    name."""
    entries = manifest.get("packets")
    return {
        str(entry["file"]): entry
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("file"), str)
    }


def _subject(packet: Path) -> str:
    """The packet's subject (its document information), where its marking stands ("" if
    it cannot be read)."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(packet) as pdf:
            return str(pdf.docinfo.get("/Subject", ""))
    except (OSError, pikepdf.PdfError):
        return ""


def unmarked_signed(folder: Path, history: History, version: int) -> list[str]:
    """What to tell of each signed packet version before ``version`` in ``folder`` that
    states the facts of a paragraph under sekretess without its marking: the agreement's
    packet those of the paragraphs on the proposal, tilläggsavtal nr N's those and the
    changes' up to N (as the manifest records which it holds)."""
    from avtalsgen.pdf.signed import is_signed

    case_folder = CaseFolder(folder)
    if not history.sekretess(len(history.changes)):
        return []  # no paragraph on the case is secret
    entries = packet_entries(read_manifest(folder))
    new = case_folder.packet(version)
    found = []
    for packet in case_folder.packet_versions():
        parsed = parse_versioned(packet.name)
        if parsed is None or parsed[1] >= version or not is_signed(packet):
            continue
        for marking in missing_markings(case_folder, history, packet, entries):
            found.append(
                _(
                    "{packet} is signed and does not carry the marking '{marking}': the "
                    "paragraph was put under sekretess after the packet was built. A signed "
                    "packet is never changed; {new} carries the marking and is not signed yet"
                ).format(packet=shown(packet), marking=marking, new=shown(new))
            )
    return found


def missing_markings(
    folder: CaseFolder,
    history: History,
    packet: Path,
    entries: dict[str, dict[str, Any]] | None = None,
) -> list[str]:
    """The markings of the paragraphs under sekretess whose facts the packet version
    ``packet`` states (as the manifest records which decision it holds) that it does not
    carry; none when no paragraph on the case is secret."""
    if not history.sekretess(len(history.changes)):
        return []
    entries = packet_entries(read_manifest(folder.path)) if entries is None else entries
    decision = entries.get(packet.name, {}).get("beslut")
    nummer = decision.get("tillagg") if isinstance(decision, dict) else None
    wanted = split_markings(history.sekretess(nummer if isinstance(nummer, int) else 0))
    if not wanted:
        return []
    subject = _subject(packet)
    return [marking for marking in wanted if marking not in subject]
