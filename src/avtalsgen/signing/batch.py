"""Which packets one ``avtalsgen sign`` over several files or a folder signs, and what it
says of each.

The director signs a batch's thirty packets with one command, one card and one PIN: every
packet is screened first (:func:`screen`: its field signed already, or not to be signed now
by the same rules as one packet's signing, :func:`avtalsgen.build.superseded.refuse_unsignable`),
and the key is opened once, only when something is left to sign. A folder gives the packets
of the case folders in it (or its own, when it is one); a file named on the command line is
signed whatever version it is, as one packet's signing does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, ngettext

_DNR = re.compile(r"RUN-\d{5}-\d{4}")


@dataclass(frozen=True)
class Target:
    """A file to sign: named on the command line, or found in a folder named there."""

    path: Path
    named: bool


@dataclass(frozen=True)
class Screened:
    """A target as :func:`screen` found it: ``skipped`` says why it is passed by, naming
    it (None: to sign); ``failed`` whether that counts as a failure of the command (a file
    named that may not be signed), not merely as one passed by (its field signed already,
    or a folder's packet that is not the one to sign now)."""

    target: Target
    skipped: str | None = None
    failed: bool = False


def targets(paths: Iterable[Path], field: str) -> tuple[list[Target], list[str]]:
    """The files ``paths`` name (a folder: its packets, or its extracts for ``field``
    utdragsbestyrkande), each once, in the order given (a folder's sorted), and a message
    for each path that is neither a file nor a folder, or a folder with nothing of the kind."""
    found: list[Target] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            inside = folder_files(path, field)
            if not inside:
                problems.append(_nothing_in(path, field))
            listed = [Target(file, named=False) for file in inside]
        elif path.is_file():
            listed = [Target(path, named=True)]
        else:
            problems.append(_("{path}: no such file or folder").format(path=path))
            listed = []
        for target in listed:
            resolved = target.path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(target)
    return found, problems


def folder_files(folder: Path, field: str) -> list[Path]:
    """The packets (for ``field`` utdragsbestyrkande: the protocol extracts) of ``folder``
    and of the case folders in it (named by their Dnr), every version, oldest first."""
    from avtalsgen.build.workspace import CaseFolder
    from avtalsgen.meetings.extract import SIGNATURE_FIELD

    folders = [folder, *sorted(sub for sub in folder.iterdir() if _is_case_folder(sub))]
    found: list[Path] = []
    for each in folders:
        case = CaseFolder(each)
        if field == SIGNATURE_FIELD:
            found.extend(path for _paragraf, _version, path in case.extract_pdfs())
        else:
            found.extend(case.packet_versions())
    return found


def _is_case_folder(path: Path) -> bool:
    return bool(_DNR.fullmatch(path.name)) and path.is_dir() and not path.is_symlink()


def _nothing_in(folder: Path, field: str) -> str:
    from avtalsgen.meetings.extract import SIGNATURE_FIELD

    if field == SIGNATURE_FIELD:
        return _(
            "{folder}: no protocol extract (protokollsutdrag-*.pdf) in it or in a case "
            "folder in it: name the output folder or a case's folder"
        ).format(folder=folder)
    return _(
        "{folder}: no packet (paket.pdf) in it or in a case folder in it: name the output "
        "folder or a case's folder"
    ).format(folder=folder)


def screen(
    target: Target,
    field: str,
    shown: Callable[[Path], str],
    output: Path | None = None,
    templates: Path | None = None,
) -> Screened:
    """Whether ``target`` is to be signed in ``field``, before any key is asked for.

    Passed by: the field is signed already (never signed again); a packet that may not be
    signed now (:func:`avtalsgen.build.superseded.refuse_unsignable`: no agreement after an
    avslag, superseded, before the justering, out of date), a failure when the file was
    named; a folder's packet version that a newer version beside it replaces. ``output``
    is the output folder as the reader named it, for the command a message gives (None: no
    command, as the web app's pages say it); ``templates`` the folder a build would use
    (None: the last build's; the web app's signing names the server's)."""
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.pdf.signed import signed_fields

    path = target.path
    try:
        fields = signed_fields(path)
    except OSError as exc:
        from avtalsgen.errors import os_reason

        return Screened(target, f"{shown(path)}: {os_reason(exc)}", failed=True)
    if fields.get(field):
        return Screened(target, f"{shown(path)}: {_signed_already(path, field)}")
    try:
        refuse_unsignable(path, shown, output=output, templates=templates, alone=False)
    except AvtalsgenError as exc:
        return Screened(target, exc.text(), failed=target.named)
    if not target.named and (newer := newer_version(path) or newer_extract(path)) is not None:
        return Screened(
            target,
            _("{packet}: {newer} is a newer version of it, built since: sign that one").format(
                packet=shown(path), newer=shown(newer)
            ),
        )
    return Screened(target)


def _signed_already(path: Path, field: str) -> str:
    """Why a packet whose ``field`` is signed is passed by, naming who signed it when its
    manifest says."""
    from avtalsgen.build.manifest import read_manifest
    from avtalsgen.build.superseded import packet_entries

    signer = None
    for entry in packet_entries(read_manifest(path.parent)):
        if entry.get("file") != path.name:
            continue
        for signature in entry.get("signatures") or ():
            if isinstance(signature, dict) and signature.get("field") == field:
                signer = signature.get("signer")
    if isinstance(signer, str) and signer:
        return _("{field} is signed already, by {signer}").format(field=field, signer=signer)
    return _("{field} is signed already").format(field=field)


def newer_version(packet: Path) -> Path | None:
    """The newest packet version beside ``packet`` if it is a newer one (``paket-v2.pdf``
    beside ``paket.pdf``), else None."""
    from avtalsgen.build.workspace import PACKET, CaseFolder, parse_versioned

    parsed = parse_versioned(packet.name)
    if parsed is None or parsed[0] != PACKET:
        return None
    newest = CaseFolder(packet.parent).newest_packet()
    if newest is None or newest.name == packet.name:
        return None
    return packet.parent / newest.name


def newer_extract(extract: Path) -> Path | None:
    """The newest version of the same paragraph's protocol extract beside ``extract`` if it
    is a newer one (``protokollsutdrag-212-v2.pdf`` beside ``protokollsutdrag-212.pdf``),
    else None."""
    from avtalsgen.build.workspace import EXTRACT, CaseFolder, parse_versioned

    parsed = parse_versioned(extract.name)
    if parsed is None or not parsed[0].startswith(f"{EXTRACT}-"):
        return None
    same = [path for paragraf, _version, path in CaseFolder(extract.parent).extract_pdfs()
            if f"{EXTRACT}-{paragraf}" == parsed[0]]  # fmt: skip
    if not same or same[-1].name == extract.name:
        return None
    return same[-1]


@dataclass
class Tally:
    """What one command over several packets did, for its summary line."""

    signed: int = 0
    skipped: int = 0
    failed: int = 0
    not_tried: int = 0

    def summary(self) -> str:
        """``signed: 3, passed by: 1, failed: 0`` (and those not tried after a stop)."""
        parts = [
            _("signed: {count}").format(count=self.signed),
            _("passed by: {count}").format(count=self.skipped),
            _("failed: {count}").format(count=self.failed),
        ]
        if self.not_tried:
            parts.append(_("not tried: {count}").format(count=self.not_tried))
        return ", ".join(parts)


def nothing_to_sign(screened: Sequence[Target], field: str) -> str:
    """The line said when no packet is left to sign (no key is asked for then)."""
    return ngettext(
        "nothing to sign: the file's field {field} is signed already or may not be "
        "signed now (see above); no key was asked for",
        "nothing to sign: each of the {count} files has its field {field} signed already "
        "or may not be signed now (see above); no key was asked for",
        len(screened),
    ).format(count=len(screened), field=field)
