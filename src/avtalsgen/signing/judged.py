"""The one judgement of a verified packet that ``avtalsgen verify``, ``avtalsgen sign``'s
report and the web's Verifiera give: its signatures (:func:`avtalsgen.signing.verify.
verify_packet`) with what its case's output folder says of it.

- its standing (:func:`avtalsgen.signing.standing.packet_standing`): superseded, a
  rejected case's, one that waits for a decision;
- its parties (:func:`avtalsgen.signing.parties.parties_of`): whose certificate is the
  region's, and whom the agreement names as signatories; the web adds its seal's key;
- for a packet whose party field another party's key took (one key in both fields, or
  the region's in the actor's): how a new packet comes, which depends on whether the
  build sees it. A packet whose signatures ``avtalsgen sign`` recorded in the manifest is
  in force for no one, and the build makes a new version beside it
  (:func:`avtalsgen.build.manifest.taking`); a packet signed outside avtalsgen is, to the
  build, the signed packet in force, and it makes no new version while that file is in
  the output folder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from avtalsgen.i18n import _
from avtalsgen.signing.verify import VerificationReport


def judge(
    report: VerificationReport,
    version: Path | None,
    shown: Callable[[Path], str],
    *,
    copy: bool = False,
    region_keys: Sequence[str] = (),
    commands: bool = True,
) -> VerificationReport:
    """``report`` (of the file it names) with its standing, its parties and, where a party's
    field is taken, how a new packet comes. ``version``: the packet version of a case's
    output folder the file is (or, ``copy``, a copy of: the web's upload; None: no output
    folder's packet); ``shown`` names a file in the text; ``region_keys`` are keys of the
    region's besides its certificates (the web server's seal); ``commands``: the text
    names the command to run (the command line), not only the step (the web)."""
    from avtalsgen.signing.parties import parties_of
    from avtalsgen.signing.standing import packet_standing

    standing = None
    if version is not None:
        signed = _signed(report.path) if copy else None
        standing = packet_standing(version, shown, signed=signed)
    parties = parties_of(report.path, version.parent if version else None, copy=copy)
    parties = dataclasses.replace(parties, keys=tuple(region_keys))
    certification = _certification(report, shown)
    judged = dataclasses.replace(report, standing=standing, parties=parties,
                                 certification=certification)  # fmt: skip
    if judged.party_problem is None:
        return judged
    way = new_packet(report.path, version, shown, commands=commands)
    return dataclasses.replace(judged, new_packet=way)


def _certification(report: VerificationReport, shown: Callable[[Path], str]) -> str | None:
    """For a protocol extract whose certification a key made that may not certify it
    (:mod:`avtalsgen.signing.certifier`): why it counts as not certified, and how a
    certified one comes; None otherwise."""
    from avtalsgen.build.workspace import parse_versioned
    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.signing.certifier import not_counted, signed_certification_problem

    if not any(sig.field == SIGNATURE_FIELD for sig in report.signatures):
        return None
    problem = signed_certification_problem(report.path)
    if problem is None:
        return None
    parsed = parse_versioned(report.path.name)
    paragraf = parsed[0].rpartition("-")[2] if parsed is not None else "N"
    command = f"avtalsgen utdrag {_('MEETING_FILE')} --paragraf {paragraf}"
    return not_counted(problem, shown(report.path), parsed[1] if parsed else None, command)


def _signed(path: Path) -> bool:
    from avtalsgen.pdf.signed import is_signed

    return is_signed(path)


def new_packet(
    file: Path, version: Path | None, shown: Callable[[Path], str], *, commands: bool = True
) -> str:
    """How a new packet comes for ``file``, whose party field another party's key took:
    ``version`` is the output folder's packet version it is (or a copy of); None, or a
    file that is no packet version of a case folder with a manifest, is no output folder's
    packet."""
    from avtalsgen.build.manifest import read_manifest, taking
    from avtalsgen.build.workspace import CaseFolder

    manifest = read_manifest(version.parent) if version is not None else {}
    versions = CaseFolder(version.parent).packet_versions() if version and manifest else []
    if version is None or version not in versions:
        return _(
            "A new packet is needed: build the case again and have each party sign the new "
            "packet with its own key. This file is no packet of an output folder: verify the "
            "case's packet there, which says whether the build makes the new one beside it"
        )
    folder = version.parent
    if file != version and not _same(file, version):
        if not _signed(version):
            return _(
                "{version} in the output folder, of which this file is a copy, is not signed: "
                "that is the packet for each party to sign with its own key (this copy stays "
                "as it is)"
            ).format(version=shown(version))
        return _(
            "This file is a copy of {version} in the output folder, signed otherwise than "
            "that file: verify {version}, which says how a new packet comes"
        ).format(version=shown(version))
    entries = manifest.get("packets")
    entry = next((e for e in entries if isinstance(e, dict) and e.get("file") == version.name),
                 None) if isinstance(entries, list) else None  # fmt: skip
    build = _build(folder, shown, commands)
    if entry is None or taking(entry, folder) is None:
        return _(
            "A new packet is needed, and the build makes none while this packet is in the "
            "output folder: as its manifest records its signatures, the build takes it for "
            "the signed packet in force (signatures made outside avtalsgen sign are not "
            "recorded there). Move it out of the output folder, keeping it, then {build} and "
            "have each party sign the new packet with its own key"
        ).format(build=build)
    later = versions[versions.index(version) + 1 :]
    if later:
        return _(
            "A new packet is needed, and the build has made it: {newer}, beside this one "
            "(which stays as it is); have each party sign it with its own key"
        ).format(newer=shown(later[-1]))
    return _(
        "A new packet is needed: {build}, which makes a new version beside this one (this one "
        "stays as it is), and have each party sign the new packet with its own key"
    ).format(build=build)


def _same(file: Path, version: Path) -> bool:
    """Whether ``file`` holds the bytes of ``version``."""
    try:
        return file.read_bytes() == version.read_bytes()
    except OSError:
        return False


def _build(folder: Path, shown: Callable[[Path], str], commands: bool) -> str:
    """Building the case of the output folder ``folder`` again, in words: with the command
    (the case file its build record names) when ``commands``."""
    from avtalsgen.build.record import recorded_case

    if not commands:
        return _("build the case again")
    case = recorded_case(folder)
    command = "avtalsgen build {case} --output {output}".format(
        case=shown(case) if case is not None else _("CASE_FILE"), output=shown(folder.parent)
    )
    return _("build the case again ({command})").format(command=command)
