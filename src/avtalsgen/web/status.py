"""Where each case stands, for the case list (:func:`case_rows`).

Where a case stands is what ``avtalsgen status`` says of it
(:func:`avtalsgen.build.status.case_status`: the committee's decision as the meeting files
record it, avslag and återremiss included, and who signed), read again only when the case
file, its program, the meeting files or the case's output folder changed; the signature
fields come from each case's ``manifest.json``.
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


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


#: Where each case stands (``avtalsgen status``'s words, and its newest decision), by the
#: stamps of everything it is read from.
_STANDING: dict[tuple[object, ...], tuple[str, str | None]] = {}


def _folder_stamps(folder: Path, pattern: str) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, *_stamp(p)) for p in folder.glob(pattern) if p.is_file()))


def standing(path: Path, dnr: str, config: WebConfig) -> tuple[str, str | None]:
    """Where the case at ``path`` stands, in ``avtalsgen status``'s words, and its newest
    decision ("§ 195, 2024-12-10"; None while undecided)."""
    from avtalsgen.build.status import case_status

    folder = config.output / dnr
    key = (
        str(path),
        *_stamp(path),
        _folder_stamps(path.parent / "program", "*.yaml"),
        _folder_stamps(config.meetings, "*.yaml"),
        _folder_stamps(folder, "*.json"),
        _folder_stamps(folder, "*.pdf"),
    )
    if key not in _STANDING:
        found = case_status([path], config.output, config.templates)[0]
        newest = found.beslut[-1] if found.beslut else None
        decided = f"§ {newest.paragraf}, {newest.datum}" if newest is not None else None
        _STANDING[key] = (found.lage, decided)
        if len(_STANDING) > 5000:
            _STANDING.clear()
    return _STANDING[key]


def case_rows(config: WebConfig) -> list[CaseRow]:
    """Every case file in the cases folder with its status."""
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
        # As `avtalsgen status` says it: decided how (avslag and återremiss too), signed by
        # whom; the documents say the same.
        row.status, row.decided = standing(path, dnr, config)
        rows.append(row)
    return rows


def case_standing(config: WebConfig, path: Path) -> dict[str, object]:
    """Where one case stands, all of it, as the case's pages show it: ``avtalsgen status``
    (:func:`avtalsgen.build.status.case_status`) with each decision's outcome in words."""
    from avtalsgen.build.status import case_status
    from avtalsgen.i18n import _
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    found = case_status([path], config.output, config.templates)[0]
    decisions = []
    for row in found.beslut:
        decision = dict(vars(row))
        if row.utfall in {member.value for member in Utfall}:
            decision["utfall"] = _(UTFALL_TEXT[Utfall(row.utfall)])
        decisions.append(decision)
    # Files named as the office knows them: relative to the cases and output folders.
    folders = [f"{folder}/" for folder in (config.cases, config.output)]
    folders += [f"{folder.resolve()}/" for folder in (config.cases, config.output)]

    def shown(text: str | None) -> str | None:
        for folder in folders:
            text = text.replace(folder, "") if text else text
        return text

    return {
        "lage": found.lage, "fel": shown(found.fel), "beslut": decisions,
        "dokument": found.dokument, "undertecknat": found.undertecknat,
        "saknas": [shown(line) for line in found.saknas],
    }  # fmt: skip
