"""output/<Dnr>/manifest.json: what a case's documents were made from and with.

SHA-256 of every input and output, the versions of the tools, and the packet's signature
summary. It holds file names only (no machine paths), no secrets and no personal identity
numbers: signers appear by the name in their certificate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build.tools import tool_versions
from avtalsgen.build.workspace import CaseFolder, atomic_write

if TYPE_CHECKING:
    from avtalsgen.signing.verify import VerificationReport


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def signature_summary(report: VerificationReport) -> list[dict[str, object]]:
    """One entry per signature field: who signed when, at which level, and whether it holds."""
    entries: list[dict[str, object]] = [
        {
            "field": sig.field,
            "signer": sig.signer,
            "signing_time": sig.signing_time.isoformat() if sig.signing_time else None,
            "pades_level": sig.pades_level,
            "intact": sig.intact,
            "trusted": sig.trusted,
            "demo": sig.demo,
        }
        for sig in report.signatures
    ]
    entries += [{"field": name, "signer": None} for name in report.unsigned_fields]
    return entries


def write_manifest(
    folder: Path,
    inputs: Mapping[str, Path],
    outputs: Sequence[Path],
    packet: Path | None,
    fields: Sequence[str] = (),
    scratch: Path | None = None,
    conversions: Mapping[str, Mapping[str, object]] | None = None,
) -> Path:
    """Write ``folder/manifest.json``: inputs by role, outputs by name, tools, and the new
    packet's signature fields (all empty until ``avtalsgen sign``); written first in
    ``scratch`` if given, a folder on the same file system (e.g. a staging folder).
    ``conversions`` says, by input role, how an attachment went into the packet: as given,
    or converted to PDF/A-2b (why, how, with which tools, and the SHA-256 of what the
    packet holds)."""
    made = conversions or {}
    data = {
        "tools": tool_versions(),
        "inputs": {
            role: {"file": p.name, "sha256": sha256(p), **made.get(role, {})}
            for role, p in inputs.items()
        },
        "outputs": {path.name: sha256(path) for path in outputs},
        "packet": None
        if packet is None
        else {
            "file": packet.name,
            "signatures": [{"field": name, "signer": None} for name in fields],
            "ok": None,
        },
    }
    path = CaseFolder(folder).manifest
    atomic_write(path, _json(data), scratch=scratch)
    return path


def update_signatures(
    packet: Path,
    report: VerificationReport,
    scratch: Path | None = None,
    notes: Mapping[str, Mapping[str, object]] | None = None,
) -> Path | None:
    """After signing, record the packet's signatures in the manifest beside it, if any
    (written through ``scratch`` if given, as :func:`write_manifest`). ``notes`` adds to a
    signature's entry, by field (e.g. that it was signed with facts still unknown); the
    notes of earlier signatures of the same packet are kept."""
    path = CaseFolder(packet.parent).manifest
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    earlier: dict[str, dict[str, object]] = {}
    old = data.get("packet")
    if isinstance(old, dict) and old.get("file") == packet.name:
        for entry in old.get("signatures", []):
            if isinstance(entry, dict) and isinstance(entry.get("field"), str):
                earlier[entry["field"]] = entry
    signatures = signature_summary(report)
    for entry in signatures:
        name = str(entry["field"])
        kept = {k: v for k, v in earlier.get(name, {}).items() if k in _NOTE_KEYS}
        if entry.get("signer") is not None:
            entry.update(kept)
        entry.update((notes or {}).get(name, {}))
    data["packet"] = {"file": packet.name, "signatures": signatures, "ok": report.ok}
    data.setdefault("outputs", {})[packet.name] = sha256(packet)
    atomic_write(path, _json(data), scratch=scratch)
    return path


#: What a signature's entry may say besides the report's facts (see :func:`update_signatures`).
_NOTE_KEYS = ("ofullstandig", "uppgift_saknas")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
