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


def decisions(config: WebConfig) -> dict[str, str]:
    """Which meeting decided each Dnr: ``{dnr: '§ 212, 2023-12-05'}`` (valid meeting files
    only; the newest meeting wins)."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import validate_file
    from avtalsgen.model.meeting import Sammantrade

    found: dict[str, tuple[str, str]] = {}
    for path in list_files(config.meetings):
        try:
            meeting, _problems = validate_file(Sammantrade, path)
        except CaseError:
            continue
        if meeting is None:
            continue
        for paragraf in meeting.paragrafer:
            when = meeting.datum.isoformat()
            if paragraf.dnr not in found or found[paragraf.dnr][0] < when:
                found[paragraf.dnr] = (when, f"§ {paragraf.paragraf}, {when}")
    return {dnr: text for dnr, (_, text) in found.items()}


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def case_rows(config: WebConfig) -> list[CaseRow]:
    """Every case file in the cases folder with its status."""
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import load_case

    decided = decisions(config)
    rows = []
    for path in list_files(config.cases):
        row = CaseRow(stem=path.stem)
        try:
            case = load_case(path)
        except CaseError as exc:
            row.status = "fel i ärendefilen"
            row.problems = exc.problems
            rows.append(row)
            continue
        arende = case.arende
        row.dnr, row.aktor, row.titel = arende.dnr, arende.aktor.namn, arende.titel
        folder = config.output / arende.dnr
        if folder.is_dir():
            row.documents = sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf")
        packet = _manifest(folder).get("packet")
        if isinstance(packet, dict):
            for sig in packet.get("signatures") or []:
                if isinstance(sig, dict):
                    (row.signed if sig.get("signer") else row.unsigned).append(
                        str(sig.get("field"))
                    )
        row.decided = decided.get(arende.dnr)
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
