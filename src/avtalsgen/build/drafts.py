"""Unsigned packet versions after the signed one that a build finds still in force.

A packet version after a signed one is made for the decisions of its day: a tilläggsavtal
decided at a later meeting (``paket-v2.pdf`` with ``tillaggsavtal-v2.pdf``). When that
meeting's file is removed again (or its paragraph), the case is once more what the signed
``paket.pdf`` states: a build then made a new ``paket-v2.pdf`` of the agreement, text for
text the signed one, and ``avtalsgen status`` asked both parties to sign it. Now the build
finds the signed version the same as it would make it
(:func:`avtalsgen.build.manifest.signed_and_current`,
:func:`~avtalsgen.build.manifest.signed_and_same`), keeps it as the one in force, and
removes the unsigned versions after it and the documents made with them, with a word
(:func:`drop_drafts`). A file that carries a signature is never removed: the build then
stops and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from avtalsgen.build.manifest import write_manifest
from avtalsgen.build.workspace import CaseFolder, Session, parse_versioned, shown
from avtalsgen.documents.kinds import DOCUMENTS
from avtalsgen.i18n import _


def drafts_after(folder: CaseFolder, kept: Path) -> list[Path]:
    """The packet versions in ``folder`` after ``kept`` (the newest signed version: those
    after it carry no signature) and the documents made with them, oldest first."""
    parsed = parse_versioned(kept.name)
    version = parsed[1] if parsed is not None else 1
    found: list[Path] = []
    for packet in folder.packet_versions():
        later = parse_versioned(packet.name)
        if later is not None and later[1] > version:
            found += [*folder.documents_of_version(DOCUMENTS, later[1]), packet]
    return found


def drop_drafts(
    folder: CaseFolder,
    kept: Sequence[Path],
    inputs: Mapping[str, Path],
    run: Session,
) -> tuple[list[Path], str | None]:
    """Remove the drafts after the signed packet among ``kept`` (its files and its
    documents', as :func:`~avtalsgen.build.manifest.signed_and_current` gives them), and
    write the manifest without them (its inputs ``inputs``, those the signed version is
    found the same from). The files removed and the word that tells it; ([], None) when
    there is none."""
    packets = [path for path in kept if path.name.startswith("paket") and path.suffix == ".pdf"]
    if not packets:
        return [], None
    from avtalsgen.build.casework import keep_signed

    drafts = drafts_after(folder, packets[0])
    if not drafts:
        return [], None
    for path in drafts:  # a document signed on its own stops the build, nothing removed
        keep_signed(
            path,
            _(
                "remove it: it is of {packet}, an unsigned packet version the case's "
                "decisions no longer call for"
            ).format(packet=drafts[-1].name),
        )
    for path in drafts:
        run.remove(path)
    outputs = [path for path in kept if path != folder.manifest]
    write_manifest(folder.path, inputs, outputs, None, scratch=run.staging)
    said = _(
        "removed {files}: an unsigned packet version the case's decisions no longer call "
        "for; {packet}, signed, states the case as it is now and stays the one in force"
    ).format(files=", ".join(str(shown(path)) for path in drafts), packet=shown(packets[0]))
    return drafts, said
