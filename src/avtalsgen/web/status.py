"""Where each case stands, for the case list (:func:`case_rows`) and a case's page
(:func:`case_standing`).

Where a case stands is what ``avtalsgen status`` says of it
(:func:`avtalsgen.build.status.case_status`: the committee's decision as the meeting files
record it, avslag and återremiss included, and who signed); the signature fields come from
each case's ``manifest.json``. Every list page shows every case, and twenty people may look
at one while a batch keeps both cores busy: so what is read of a case is kept, by the name,
time of change, size and inode of every file it is read from (the case file, its program,
the meeting files, the templates, the files of its output folder; for the case's page also
the attachments), and read again only when one of them changed. A request then costs
one ``stat`` of each case file and one listing of each case's output folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build.workspace import CaseFolder
from avtalsgen.web.caseindex import CaseIndex, case_index
from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Kept, Seen, Stamp, listing, stamp, stamps

if TYPE_CHECKING:
    from avtalsgen.build.status import CaseStatus
    from avtalsgen.web.readiness import Blocker


@dataclass
class CaseRow:
    """One case file as the list shows it."""

    stem: str
    dnr: str | None = None
    aktor: str | None = None
    titel: str | None = None
    status: str = "utkast"
    kind: str = "utkast"
    """Where the case stands as a code (:attr:`avtalsgen.build.status.CaseStatus.kod`):
    what the list filters by."""
    problems: list[str] = field(default_factory=list)
    decided: str | None = None
    packet_meeting: str | None = None
    """The day (ISO) of the meeting whose decision the newest packet was made from (its
    manifest's ``beslut``), by which the signing of many packets chooses a meeting's."""
    documents: list[str] = field(default_factory=list)
    signed: list[str] = field(default_factory=list)
    unsigned: list[str] = field(default_factory=list)
    packet: str | None = None
    """The packet to sign: the newest version (``paket-v2.pdf`` beside a signed
    ``paket.pdf``), whose fields ``signed`` and ``unsigned`` are."""
    packets: list[str] = field(default_factory=list)
    """Every version of the packet, newest first."""
    superseded: str | None = None
    """Why the newest packet is not to be signed, when the case's decision or facts now
    replace it (one made before an avslag): its fields are offered to no one. Said where
    signing is offered, the Paket page and the sign page
    (:func:`avtalsgen.web.packetstate.superseded_text`), not by :func:`case_rows`: the
    case list and the runs' page do not show it, and it costs as much as the rest of the row."""


#: The largest number of entries each cache keeps (then it starts again).
_LIMIT = 5000


@dataclass(frozen=True)
class CaseFacts:
    """What a case file says that the pages show without building anything."""

    dnr: str | None
    aktor: str | None
    titel: str | None
    problems: tuple[str, ...]
    attachments: tuple[Path, ...]
    """The attachments' files as the case names them (for the stamps of the case's page)."""


#: What each case file said when it was last read, by its path and stamp and its program
#: folder's listing (reading a case costs about 3 ms).
_FACTS: Kept[CaseFacts] = Kept(_LIMIT)
#: Each case's row of the list, by everything it is read from.
_ROWS: Kept[CaseRow] = Kept(_LIMIT)
#: Each case's standing as its own page shows it, by everything it is read from.
_STANDINGS: Kept[dict[str, object]] = Kept(_LIMIT)


def _case_facts(
    path: Path, program: tuple[Stamp, ...], now: tuple[int, int, int] | None = None
) -> tuple[tuple[object, ...], CaseFacts]:
    """The case file's key (its path, stamp, program folder's listing and the language of
    messages: a broken file's problems are words) and its facts, read again only when that
    key changed. ``now``: the file's stamp, where the caller has it (the folder's listing)."""
    from avtalsgen.i18n import current_language

    key: tuple[object, ...] = (str(path), now or stamp(path), program, current_language())
    return key, _FACTS.get(key, lambda: _read_facts(path))


def _read_facts(path: Path) -> CaseFacts:
    from avtalsgen.errors import CaseError
    from avtalsgen.input.load import load_case

    try:
        arende = load_case(path).arende
    except CaseError as exc:
        return CaseFacts(None, None, None, tuple(exc.problems), ())
    return CaseFacts(arende.dnr, arende.aktor.namn, arende.titel, (),
                     tuple(path.parent / item.fil for item in arende.bilagor))  # fmt: skip


def case_facts(config: WebConfig, path: Path) -> CaseFacts:
    """What the case file at ``path`` says (its Dnr, actor, title, or its problems), read
    again only when it or its program changed."""
    return _case_facts(path, listing(config.cases / "program", (".yaml",)))[1]


def facts_of(path: Path, program: tuple[Stamp, ...], now: tuple[int, int, int] | None) -> CaseFacts:
    """:func:`case_facts` of the case file at ``path`` by the program folder's listing
    ``program`` and the file's stamp ``now`` as the caller took them."""
    return _case_facts(path, program, now)[1]


def _manifest(folder: Path) -> dict[str, object]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _row(path: Path, facts: CaseFacts, config: WebConfig, found: CaseStatus | None) -> CaseRow:
    """The list's row of the case at ``path`` (read from its files: see :func:`case_rows`),
    where ``avtalsgen status`` says it stands (``found``: :func:`_statuses`; None when
    the case file cannot be read)."""
    from avtalsgen.i18n import _

    row = CaseRow(stem=path.stem, aktor=facts.aktor, titel=facts.titel)
    if facts.dnr is None or found is None:
        row.status, row.kind = _("errors in the case file"), "fel"
        row.problems = list(facts.problems)
        return row
    row.dnr = facts.dnr
    folder = config.output / facts.dnr
    if folder.is_dir():
        row.documents = sorted(p.name for p in folder.iterdir() if p.suffix == ".pdf")
        row.packets = [p.name for p in reversed(CaseFolder(folder).packet_versions())]
    # The fields of the newest packet are the ones left to sign (an older, signed version
    # stays as it is, beside it): the manifest's entry of that version says which they are.
    row.packet = row.packets[0] if row.packets else None
    manifest = _manifest(folder)
    versions = manifest.get("packets")
    entries = [*(versions if isinstance(versions, list) else []), manifest.get("packet")]
    packet = next(
        (e for e in reversed(entries) if isinstance(e, dict) and e.get("file") == row.packet),
        None,
    )
    if packet is not None:
        beslut = packet.get("beslut")
        if isinstance(beslut, dict) and isinstance(beslut.get("datum"), str):
            row.packet_meeting = beslut["datum"]
        for sig in packet.get("signatures") or []:
            if isinstance(sig, dict):
                (row.signed if sig.get("signer") else row.unsigned).append(str(sig.get("field")))
    # As `avtalsgen status` says it: decided how (avslag and återremiss too), signed by
    # whom; the documents say the same.
    newest = found.beslut[-1] if found.beslut else None
    row.status, row.kind = found.lage, found.kod
    row.decided = f"§ {newest.paragraf}, {newest.datum}" if newest is not None else None
    return row


def case_rows(config: WebConfig, seen: Seen | None = None) -> list[CaseRow]:
    """Every case file in the cases folder with its status (``seen``: the stamps the
    caller's request took, else taken now)."""
    seen = seen or Seen(config)
    folders = seen.folders
    # The words of the status are in the language of messages. The templates: whether a
    # signed packet whose facts changed in nothing its documents state is kept as signed
    # (not superseded) is whether they would make it the same.
    # Today: a meeting is held, and its minutes justerade, on a day, whatever the files say.
    # The cases folder: a copy of a case added beside it (one Dnr in two files) is refused.
    shared = (folders.meetings, folders.language, folders.templates, folders.today)
    index = case_index(config.cases)
    read = [(path, *_case_facts(path, folders.program, now)) for path, now in index.files]
    namesakes = _namesakes(index, [(path, facts) for path, _, facts in read])
    keys = []
    for _path, key, facts in read:
        # Its documents, packets, manifest and build record (not the Word files).
        listed = seen.listing(config.output / facts.dnr) if facts.dnr else ()
        outputs = tuple(entry for entry in listed if entry[0].endswith((".json", ".pdf")))
        keys.append((*key, *shared, outputs, namesakes(facts.dnr)))
    stale = [(path, facts) for (path, _, facts), key in zip(read, keys, strict=True)
             if key not in _ROWS]  # fmt: skip
    found = _statuses(stale, config, index)
    rows = []
    for (path, _, facts), key in zip(read, keys, strict=True):
        row = _ROWS.get(key, lambda: _row(path, facts, config, found.get(path)))  # noqa: B023
        # A copy: the page may not change what is kept.
        rows.append(replace(row, problems=list(row.problems), documents=list(row.documents),
                            signed=list(row.signed), unsigned=list(row.unsigned),
                            packets=list(row.packets)))  # fmt: skip
    return rows


def _statuses(
    stale: Sequence[tuple[Path, CaseFacts]], config: WebConfig, index: CaseIndex
) -> dict[Path, CaseStatus]:
    """Where each case of ``stale`` stands, as ``avtalsgen status`` says it for a list
    (:func:`avtalsgen.build.status.case_status` without what is missing), by its file.
    Asked at once for the cases whose Dnr no other case file gives: status reads every
    case file of the folder for its Dnr once an answer (about 2 ms for 50 cases), and a
    batch changes or saves several cases between two requests. A case that shares its Dnr
    is asked alone, so that its refusal names the file the command line names."""
    from avtalsgen.build.status import case_status
    from avtalsgen.web.forms import choice

    readable = [(path, facts.dnr) for path, facts in stale if facts.dnr is not None]
    given = [dnr for _path, dnr in readable]
    together = [path for path, dnr in readable
                if given.count(dnr) == 1 and len(index.dnr_lines.get(dnr, ())) <= 1]  # fmt: skip
    asked = [together] + [[path] for path, _dnr in readable if path not in together]
    found: dict[Path, CaseStatus] = {}
    for paths in asked:
        if paths:
            # A signature field as the pages name it (aktör), as on the case's page.
            answers = case_status(paths, config.output, config.templates, missing=False,
                                  field_label=choice)  # fmt: skip
            found.update(zip(paths, answers, strict=True))
    return found


def _namesakes(
    index: CaseIndex, read: Sequence[tuple[Path, CaseFacts]]
) -> Callable[[str | None], object]:
    """For a case's cache key, the case files of the folder that share its Dnr, and those
    that cannot be read (a copy of its Dnr refuses it: :class:`~avtalsgen.input.duplicates.
    Namesakes`): not the whole folder's listing, which every save of any case changed, so
    that each save made every row and case page be worked out anew (bench/web.py: the
    server's CPU 12-20 -> 117 ms a request, p95 5 s with a batch running). Each file's Dnr
    as Namesakes reads it, with its line as the refusal names it, is the ``index``'s."""
    stamped = dict(index.files)
    unread = tuple((path.name, stamped.get(path)) for path, facts in read if facts.dnr is None)
    return lambda dnr: (index.dnr_lines.get(dnr, ()) if dnr else (), unread)


def case_standing(config: WebConfig, path: Path) -> dict[str, object]:
    """Where one case stands, all of it, as the case's pages show it: ``avtalsgen status``
    (:func:`avtalsgen.build.status.case_status`) with each decision's outcome in words."""
    folders = Seen(config).folders
    key, facts = _case_facts(path, folders.program)
    index = case_index(config.cases)
    read = [(other, _case_facts(other, folders.program, now)[1]) for other, now in index.files]
    key = (
        *key,
        folders.language,
        folders.today,  # the day decides what is held and justerad, as the files do
        folders.meetings,
        _namesakes(index, read)(facts.dnr),  # a copy added beside it, of its Dnr
        folders.templates,
        listing(config.output / facts.dnr) if facts.dnr else (),
        stamps(facts.attachments),
    )
    return _STANDINGS.get(key, lambda: _standing_of(config, path))


def _standing_of(config: WebConfig, path: Path) -> dict[str, object]:
    from avtalsgen.build.status import case_status
    from avtalsgen.i18n import _
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall
    from avtalsgen.model.tillagg import change_outcome
    from avtalsgen.web.forms import choice

    # A signature field as the pages name it (aktör), not as the CLI's --field takes it.
    found = case_status([path], config.output, config.templates, field_label=choice)[0]
    decisions = []
    for row in found.beslut:
        decision = dict(vars(row))
        if row.tillagg is not None:  # a change of the running agreement
            decision["utfall"] = change_outcome(row.tillagg, row.utfall)
        elif row.utfall in {member.value for member in Utfall}:
            decision["utfall"] = _(UTFALL_TEXT[Utfall(row.utfall)])
        decisions.append(decision)
    # Files named as the office knows them: relative to the cases and output folders.
    folders = [f"{folder}/" for folder in (config.cases, config.output)]
    folders += [f"{folder.resolve()}/" for folder in (config.cases, config.output)]

    def shown(text: str | None) -> str | None:
        for folder in folders:
            text = text.replace(folder, "") if text else text
        return text

    from avtalsgen.web.routes.cases import document_title

    def titled(path: str) -> str:
        # A document by its name as the office calls it (its file in the link's address).
        return document_title(Path(path).stem)

    from avtalsgen.web.readiness import signing_blockers

    # The packet whose fields are to be signed: the newest, as the lines name it.
    packet = CaseFolder(config.output / found.dnr).newest_packet() if found.dnr else None
    newest = packet.name if packet is not None else "paket.pdf"
    unsigned = [line for line in found.saknas if _signing(line)]
    blockers = signing_blockers(config, path, found.dnr, newest) if unsigned and found.dnr else ()
    if unsigned and found.dnr and packet is not None and not blockers:
        # Not signable for another reason (its minutes not justerade yet, superseded, out
        # of date): said here, not offered as a link that leads to a refusal.
        from avtalsgen.web.readiness import signing_refusal

        blockers = signing_refusal(config, packet, path.stem)
    return {
        "lage": found.lage, "fel": shown(found.fel), "beslut": decisions,
        "hinder": blockers,
        "dokument": [{"fil": d, "titel": titled(d)} for d in found.dokument],
        "undertecknat": found.undertecknat,
        "undertecknade_paket": [
            {"fil": packet.fil, "titel": titled(packet.fil), "text": packet.text}
            for packet in found.undertecknade_paket
        ],
        "saknas": _remaining(found.saknas, blockers, shown, path.name, found.dnr),
    }  # fmt: skip


def _remaining(
    lines: list[str],
    blockers: Sequence[Blocker],
    shown: Callable[[str | None], str | None],
    case_file: str,
    dnr: str | None,
) -> list[dict[str, str]]:
    """The lines of what is still missing as the case's page lists them (:func:`_missing_item`).
    The facts left unknown, which "Before the packet can be signed" lists one by one when
    the packet cannot be signed for them (``blockers``), are one line here, leading there:
    the page listed each twice."""
    from avtalsgen.i18n import _, ngettext

    listed = {blocker.fact for blocker in blockers if blocker.fact is not None}
    items: list[dict[str, str]] = []
    facts = [line for line in lines if line in listed]
    for line in lines:
        if line not in listed:
            items.append(_missing_item(line, shown(line) or "", case_file, dnr, bool(blockers)))
        elif line == facts[0]:
            text = ngettext(
                "{count} fact is not filled in yet; the documents show [uppgift saknas] for it",
                "{count} facts are not filled in yet; the documents show [uppgift saknas] for them",
                len(facts),
            ).format(count=len(facts))
            items.append({"text": text, "href": "#hinder-rubrik", "permission": "read",
                          "link": _("What to fill in, and where")})  # fmt: skip
    return items


def _signing(line: str) -> bool:
    """Whether a line of what is missing is a signature field to sign."""
    from avtalsgen.build.status import Missing

    return isinstance(line, Missing) and line.step is not None and line.step.kind == "sign"


def _missing_item(
    line: str, text: str, case_file: str, dnr: str | None, blocked: bool = False
) -> dict[str, str]:
    """A line of what is still missing as the case's page shows it: in words (``text``),
    and where a page of the app does the step that supplies it, a link there (``href``,
    ``link``) for the users whose roles may do it (``permission``); a signature field of a
    packet that cannot be signed yet (``blocked``: it shows unknown facts) without a link,
    saying so."""
    from avtalsgen.build.status import Missing
    from avtalsgen.i18n import _

    step = line.step if isinstance(line, Missing) else None
    item = {"text": _for_the_page(text, case_file)}
    if step is None:
        return item
    item["step"] = step.kind  # the case's page leaves out "build" while a build is on its way
    if step.kind == "meeting":
        # The CLI's line names a file pattern; the page says it in words.
        item["text"] = _(
            "No meeting has decided the case yet; until one has, the samarbetsavtal shows "
            "[uppgift saknas] for the decision's date and §."
        )
        item |= {"href": "/sammantraden", "permission": "edit_meeting",
                 "link": _("Add the case as a paragraph of a meeting")}  # fmt: skip
    elif step.kind == "extract":
        link = _("Make the extract of § {paragraf}").format(paragraf=step.paragraf)
        item |= {"href": f"/sammantraden/{step.meeting}#efter-rubrik", "permission": "extract",
                 "link": link}  # fmt: skip
    elif step.kind == "certify":
        item |= {"href": f"/sammantraden/{step.meeting}/bestyrk?paragraf={step.paragraf}",
                 "permission": "extract",
                 "link": _("Certify § {paragraf}").format(paragraf=step.paragraf)}  # fmt: skip
    elif step.kind in ("held", "justering"):  # the meeting's page tells its days
        item |= {"href": f"/sammantraden/{step.meeting}", "permission": "read",
                 "link": _("The meeting")}  # fmt: skip
    elif step.kind == "build" and dnr is not None:
        item |= {"href": f"/korning?arende={Path(case_file).stem}", "permission": "build",
                 "link": _("Build the case")}  # fmt: skip
    elif step.kind == "sign" and blocked:
        item["text"] += _("; it cannot be signed yet: see “Before the packet can be signed”")
        item["blocked"] = "true"
    elif step.kind == "sign" and dnr is not None and step.field is not None:
        from avtalsgen.web.forms import choice

        item |= {"href": f"/paket/{dnr}/signera?falt={step.field}", "permission": "sign",
                 "link": _("Sign {field}").format(field=choice(step.field))}  # fmt: skip
    return item


#: The command the CLI's status names for a step (`` (avtalsgen utdrag …)``): the web's own
#: pages do that step.
_COMMAND = re.compile(r" \(avtalsgen [^()]*\)$")


def _for_the_page(line: str, case_file: str) -> str:
    """A line of what is still missing (``avtalsgen status``'s), as the case's page says it:
    a field of the case file by the form's labels (``Aktör › Organisationsnummer: inte
    ifyllt än; …``), not by file, line and key, a field of the program file after that
    file's name ("Programfilen program/….yaml: Avtal › Undertecknare › Namn: …", without the
    CLI's "(for the case X.yaml, which names this program)": this is X's page), and without
    the CLI's commands and its ``(null)``."""
    from avtalsgen.i18n import _
    from avtalsgen.input.load import of_the_case
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import PROBLEM, field_title, label

    line = _COMMAND.sub("", line).replace(" (null)", "")
    match = PROBLEM.match(line)
    if match is None:
        return line
    if match["file"] == case_file:
        return f"{field_title(match['field'], form_schema('arende'))}: {match['message']}"
    words = " › ".join(label(part) for part in re.split(r"[.\[\]]+", match["field"]) if part)
    message, where = match["message"], match["file"]
    of_this_case = of_the_case("", case_file)
    if message.endswith(of_this_case):
        message = message.removesuffix(of_this_case)
        where = _("The program file {file}").format(file=where)
    return f"{where}: {words}: {message}"
