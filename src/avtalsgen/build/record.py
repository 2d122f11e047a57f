"""The record of a case's last build, and whether the case has changed since.

Each built case's folder holds ``.avtalsgen-build.json``: a SHA-256 over every file the
build was made from (case, program, templates, attachments, the protocol extract it took
in) and the tool versions, the outputs, the case file and the files by role. A case whose
inputs hash the same is up to date. That is known without reading the case: the record
names its files (the case's bytes fix which program and attachments it names), so an
unchanged rebuild needs neither the models nor LibreOffice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.build.manifest import one_key_signed, read_manifest, signed_entry
from avtalsgen.build.outcome import write_json
from avtalsgen.build.workspace import BUILD_RECORD, CaseFolder
from avtalsgen.documents.templates import shipped_templates

#: The name of the file in output/<Dnr>/ that records what a build was made from.
STAMP = BUILD_RECORD
#: What a build makes; a change here makes every earlier build out of date.
STAMP_FORMAT = (
    "4: documents the decisions call for (of meetings held), packet (paket.pdf), manifest.json"
)
#: The roles of the inputs found afresh at every build: the meeting files that name the
#: case's Dnr, and the protocol extracts in its folder (not kept in the record).
FOUND_ROLES = ("sammantrade ", "protokollsutdrag ")
#: How the record of a build by an earlier avtalsgen marked a meeting on the case that was
#: not held yet at the build (its stamp counted the meeting's file). A build now leaves
#: such a meeting's file out of its stamp instead (see :func:`with_decisions`).
PENDING = "sammantrade inte hallet "


def pending_days(marker: Sequence[str]) -> list[dt.date]:
    """The days of the meetings not held yet that a build's ``marker`` records."""
    days = []
    for item in marker:
        if item.startswith(PENDING):
            with contextlib.suppress(ValueError):
                days.append(dt.date.fromisoformat(item.removeprefix(PENDING)))
    return days


def input_stamp(
    inputs: Mapping[str, Path],
    documents: Sequence[str],
    tools: str,
    *,
    read: Callable[[Path], bytes] = Path.read_bytes,
) -> str:
    """A SHA-256 over everything a case's documents are made from (each file's bytes as
    ``read`` reads them: a caller that needs them again keeps them)."""
    digest = hashlib.sha256(STAMP_FORMAT.encode())
    for path in inputs.values():
        digest.update(path.name.encode())
        digest.update(read(path))
    digest.update(tools.encode())
    digest.update(",".join(documents).encode())
    return digest.hexdigest()


def with_decisions(
    inputs: Mapping[str, Path], case: Path, folder: Path, unheld: Collection[Path] = ()
) -> dict[str, Path]:
    """``inputs`` and what the case's decisions are read from, found afresh: the meeting
    files beside the case file that name its Dnr (the folder's name), but ``unheld``, and
    every protocol extract in its output folder ``folder``.

    ``unheld`` are the files of meetings not held yet (:attr:`Plan.unheld
    <avtalsgen.build.tillagg.Plan.unheld>`): they decide nothing and change no document
    until their day, when they count and the stamp changes. Without them (the stamp of a
    record read without the models) such a file counts, and the stamp differs from the
    build's: the case is then loaded to tell."""
    from avtalsgen.meetings.files import meeting_inputs

    left_out = {path.resolve() for path in unheld}
    found = {role: path for role, path in inputs.items() if not role.startswith(FOUND_ROLES)}
    found |= {
        role: path
        for role, path in meeting_inputs(case, folder.name).items()
        if path.resolve() not in left_out
    }
    found |= {
        f"protokollsutdrag {path.name}": path for _, _, path in CaseFolder(folder).extract_pdfs()
    }
    return found


def recorded(inputs: Mapping[str, Path]) -> dict[str, Path]:
    """The inputs a record keeps: those not found afresh (see :func:`with_decisions`)."""
    return {role: path for role, path in inputs.items() if not role.startswith(FOUND_ROLES)}


def _read(folder: Path) -> dict[str, object] | None:
    try:
        record = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def up_to_date(folder: Path, stamp: str) -> list[Path] | None:
    """The outputs of the last build if it was made from the same inputs, else None."""
    record = _read(folder)
    if record is None or record.get("inputs") != stamp:
        return None
    names = record.get("outputs")
    outputs = [folder / str(name) for name in names] if isinstance(names, list) else []
    drafted = any(path.name.startswith("paket-v") for path in outputs)
    if drafted and _made_before(folder, stamp):
        return None  # a draft beside a signed version of the same inputs: see build.drafts
    if _one_key_signed(folder) & {path.name for path in outputs}:
        return None  # no party's packet: a new version is made beside it
    return outputs if outputs and all(path.is_file() for path in outputs) else None


def _one_key_signed(folder: Path) -> set[str]:
    """The packet versions in ``folder`` whose two parties' fields one key signed, as the
    manifest records them (:func:`avtalsgen.build.manifest.one_key_signed`)."""
    entries = read_manifest(folder).get("packets")
    return one_key_signed(folder, entries if isinstance(entries, list) else [])


def _made_before(folder: Path, stamp: str) -> bool:
    """Whether the manifest in ``folder`` records two packet versions made from the inputs
    ``stamp``: the newer is a draft of an earlier build (made beside the older one, signed,
    before the build kept a signed version in force), which the build removes."""
    entries = read_manifest(folder).get("packets")
    stamped = (
        [e for e in entries if isinstance(e, dict) and e.get("inputs") == stamp]
        if (isinstance(entries, list))
        else []
    )
    # A version one key signed twice is no party's: the version after it is its
    # replacement, not a draft (see avtalsgen.build.manifest.in_force).
    twice = one_key_signed(folder, stamped)
    return len([e for e in stamped if e.get("file") not in twice]) > 1


@dataclass(frozen=True)
class Record:
    """What the record of a build of ``case`` says besides its outputs: the stamp of its
    inputs (of ``inputs``, those :func:`recorded` keeps), written first in ``scratch`` if
    given (see :func:`avtalsgen.build.outcome.write_json`). ``marker`` is what the stamp
    added to the documents (a tilläggsavtal made, or waiting:
    :attr:`avtalsgen.build.tillagg.Plan.marker`), ``awaited`` the packet a waiting change
    needs signed (0: the agreement's)."""

    folder: Path
    stamp: str
    case: Path
    inputs: Mapping[str, Path]
    scratch: Path | None = None
    marker: Sequence[str] = ()
    awaited: int | None = None

    def write(self, outputs: Sequence[Path]) -> None:
        """Record a build that made ``outputs`` in the case's folder."""
        names = _names(self.folder, self.case, recorded(self.inputs))
        record: dict[str, object] = {
            "inputs": self.stamp,
            "outputs": [path.name for path in outputs],
            **names,
        }
        if self.marker:
            record["marker"] = list(self.marker)
        if self.awaited is not None:
            record["vantar_pa"] = self.awaited
        write_json(self.folder / STAMP, record, self.scratch)

    def renew(self, outputs: Sequence[Path]) -> None:
        """Make the record of an up-to-date build name its case and files, if it does not
        (a record from before records named them, or the case was named by another path).
        The record only saves time, so a folder that cannot be written to is left as it
        is."""
        record = _read(self.folder)
        names = _names(self.folder, self.case, recorded(self.inputs))
        if record is not None and all(record.get(key) == value for key, value in names.items()):
            return
        with contextlib.suppress(OSError):
            self.write(outputs)


def recorded_case(folder: Path) -> Path | None:
    """The case file the record of the last build in the case folder ``folder`` names,
    if any (it may have moved or gone since)."""
    record = _read(folder)
    case = record.get("case") if record is not None else None
    return _at(folder, case) if isinstance(case, str) else None


def recorded_templates(folder: Path) -> Path | None:
    """The templates folder the last build in the case folder ``folder`` used, as its
    record names its templates, if it does and the folder is there (a folder of templates
    outside the cases, not moved along with them and the output, is not)."""
    record = _read(folder)
    files = record.get("files") if record is not None else None
    if not isinstance(files, dict):
        return None
    for role, path in files.items():
        if str(role).startswith("template ") and isinstance(path, str):
            found = _at(folder, path).parent
            return found if found.is_dir() else None
    return None


#: How a record names a template that comes with avtalsgen: by its name among them
#: (``avtalsgen:templates/samarbetsavtal.docx``), not by a path from the output folder.
SHIPPED = "avtalsgen:templates/"


def _names(folder: Path, case: Path, inputs: Mapping[str, Path]) -> dict[str, object]:
    """What a record in ``folder`` says of the case file and of the files by role: paths
    relative to the folder, so that the record holds no machine's paths and stays true
    when the output folder moves along with the cases; the templates that come with
    avtalsgen by their name among them (:data:`SHIPPED`), as they stay where avtalsgen is
    when the cases and output move (a path from the output folder to them then named no
    file, and ``sign`` called a tilläggsavtal's packet out of date that the build found
    up to date)."""
    return {
        "case": _relative(case.resolve(), folder),
        "files": {role: _relative(path.absolute(), folder) for role, path in inputs.items()},
    }


def _relative(path: Path, folder: Path) -> str:
    if path.parent.resolve() == shipped_templates().resolve():
        return f"{SHIPPED}{path.name}"
    return os.path.relpath(path, folder)


def _at(folder: Path, relative: object) -> Path:
    """The path a record in ``folder`` names (lexically normalised, as :func:`_relative`
    made it)."""
    text = str(relative)
    if text.startswith(SHIPPED):
        return Path(os.path.normpath(shipped_templates() / text.removeprefix(SHIPPED)))
    return Path(os.path.normpath(folder / text))


@dataclass(frozen=True)
class Unchanged:
    """A case found up to date from its record: its Dnr and outputs."""

    dnr: str
    outputs: list[Path]


class Records:
    """The records of the builds in an output folder, by case file."""

    def __init__(self, output_root: Path) -> None:
        """Read every case folder's record in ``output_root``."""
        self._by_case: dict[Path, list[tuple[Path, dict[str, object]]]] = {}
        for path in sorted(output_root.glob(f"*/{STAMP}")):
            record = _read(path.parent)
            if record is not None and isinstance(record.get("case"), str):
                case = _at(path.parent, record["case"])
                self._by_case.setdefault(case, []).append((path.parent, record))

    def unchanged(
        self, case: Path, templates: Path, documents: Sequence[str], tools: str
    ) -> Unchanged | None:
        """The case's last build if nothing it was made from has changed, else None (the
        case must then be loaded to tell)."""
        for folder, record in self._by_case.get(case.resolve(), []):
            files = record.get("files")
            if not isinstance(files, dict):
                continue
            inputs = {str(role): _at(folder, path) for role, path in files.items()}
            wanted = {
                f"template {d}": Path(os.path.normpath((templates / f"{d}.docx").absolute()))
                for d in documents
            }
            used = {role: path for role, path in inputs.items() if role.startswith("template ")}
            if not used or any(wanted.get(role) != path for role, path in used.items()):
                continue  # other templates, or other documents, than that build's
            marker = record.get("marker")
            marked = [str(m) for m in marker] if isinstance(marker, list) else []
            awaited = record.get("vantar_pa")
            if isinstance(awaited, int) and signed_entry(folder, awaited) is not None:
                continue  # the packet a change waited for is signed now: build it
            if pending_days(marked):
                # The record of an earlier avtalsgen, whose stamp counted the files of
                # meetings not held yet: the case is loaded to tell.
                continue
            try:
                stamp = input_stamp(
                    with_decisions(inputs, case, folder), [*documents, *marked], tools
                )
            except OSError:
                continue
            outputs = up_to_date(folder, stamp)
            if outputs is not None:
                return Unchanged(folder.name, outputs)
        return None
