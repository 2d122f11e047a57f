"""Where each case stands, for the case list.

Until ``avtalsgen status`` exists as a library function, this is a simple status of the
web app's own, behind one function (:func:`case_rows`): valid or not, built or not, decided
in which meeting, signed by whom, read from the case files, the meeting files and each
case's ``manifest.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.web.config import WebConfig
from avtalsgen.web.yamlfiles import list_files


@dataclass
class CaseRow:
    """One case file as the list shows it."""

    stem: str
    dnr: str | None = None
    aktor: str | None = None
    titel: str | None = None
    status: str = "utkast"
    problems: list[str] = field(default_factory=list)
    decided: str | None = None
    documents: list[str] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)
    unsigned: list[str] = field(default_factory=list)


#: What each case file said when it was last read, by its path, size and time of change
#: (and its program's): reading every case for every list page costs 3 ms a case.
_READ: dict[tuple[str, int, int, int], tuple[str | None, str | None, str | None, list[str]]] = {}
_MEETINGS: dict[tuple[str, int, int], list[tuple[str, int, str]]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


def _case_facts(path: Path) -> tuple[str | None, str | None, str | None, list[str]]:
    """(Dnr, actor, title, problems) of a case file, read again only when it changed."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import load_case

    programs = path.parent / "program"
    program_stamp = max(
        (p.stat().st_mtime_ns for p in programs.glob("*.yaml")), default=0
    ) if programs.is_dir() else 0  # fmt: skip
    key = (str(path), *_stamp(path), program_stamp)
    if key not in _READ:
        try:
            arende = load_case(path).arende
            _READ[key] = (arende.dnr, arende.aktor.namn, arende.titel, [])
        except CaseError as exc:
            _READ[key] = (None, None, None, exc.problems)
        if len(_READ) > 5000:
            _READ.clear()
    return _READ[key]


def decisions(config: WebConfig) -> dict[str, str]:
    """Which meeting decided each Dnr: ``{dnr: '§ 212, 2023-12-05'}`` (valid meeting files
    only; the newest meeting wins)."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import validate_file
    from avtalsgen.model.meeting import Sammantrade

    found: dict[str, tuple[str, str]] = {}
    for path in list_files(config.meetings):
        key = (str(path), *_stamp(path))
        if key not in _MEETINGS:
            try:
                meeting, _problems = validate_file(Sammantrade, path)
            except CaseError:
                meeting = None
            _MEETINGS[key] = [
                (p.dnr, p.paragraf, meeting.datum.isoformat()) for p in meeting.paragrafer
            ] if meeting is not None else []  # fmt: skip
        for dnr, number, when in _MEETINGS[key]:
            if dnr not in found or found[dnr][0] < when:
                found[dnr] = (when, f"§ {number}, {when}")
    return {dnr: text for dnr, (_, text) in found.items()}


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def case_rows(config: WebConfig) -> list[CaseRow]:
    """Every case file in the cases folder with its status."""
    decided = decisions(config)
    rows = []
    for path in list_files(config.cases):
        row = CaseRow(stem=path.stem)
        dnr, row.aktor, row.titel, problems = _case_facts(path)
        if dnr is None:
            row.status = "fel i ärendefilen"
            row.problems = problems
            rows.append(row)
            continue
        row.dnr = dnr
        folder = config.output / dnr
        if folder.is_dir():
            row.documents = sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf")
        packet = _manifest(folder).get("packet")
        if isinstance(packet, dict):
            for sig in packet.get("signatures") or []:
                if isinstance(sig, dict):
                    (row.signed if sig.get("signer") else row.unsigned).append(
                        str(sig.get("field"))
                    )
        row.decided = decided.get(dnr)
        if row.signed and not row.unsigned:
            row.status = "undertecknat"
        elif row.signed:
            row.status = "undertecknat av " + ", ".join(row.signed)
        elif row.decided:
            row.status = "beslutat " + row.decided
        elif row.documents:
            row.status = "förslag byggt"
        rows.append(row)
    return rows
