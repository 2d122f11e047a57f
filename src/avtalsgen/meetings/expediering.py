"""Expediering: the signed protocol extracts made ready to send to their recipients.

For each paragraph of a meeting, one e-mail message file (RFC 5322 ``.eml``, made with
Python's :mod:`email` package) per recipient in its distribution list ("Protokollsutdrag
skickas till"), with the signed extract attached byte for byte, a subject naming the Dnr and
the §, and a short covering text in Swedish. The addresses come from the cases' program file
(``expediering.mottagare``: name → address); a recipient without an address is listed, never
skipped silently. Nothing is sent: the messages are marked as drafts (``X-Unsent: 1``) for
the secretary to open in the mail client.

Every message is from the region's functional mailbox that the program file gives
(``expediering.avsandare``: a name and an address; expediting is refused without it), has a
Message-ID made with :func:`email.utils.make_msgid` under that mailbox's domain (never this
machine's name) and a Date in Swedish time (Europe/Stockholm), as a registrator's mail
client would write them. The shipped program's sender is fictitious (the reserved domain
``.example``): a meeting that is not an example is refused with it.

The messages go into the meeting's folder, ``<output>/sammantraden/<datum>-<organ>/
expediering/<Dnr>-<N>-v<K>/`` (§ N, K the extract's version), one ``NN-<recipient>.eml``
each, with ``sandlista.txt`` listing them and the recipients without an address. Paragraphs
under sekretess are expedited only when asked for by number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Final

from avtalsgen import clock
from avtalsgen.build.workspace import (
    MeetingFolder,
    Session,
    Workspace,
    atomic_write,
    embedded_name,
    shown,
)
from avtalsgen.documents.format import genitive, in_running_text
from avtalsgen.errors import CaseError, OutputError, os_reason
from avtalsgen.i18n import _, ngettext, swedish_time
from avtalsgen.input.load import LoadedCase, key_lines
from avtalsgen.meetings.anslag import meeting_folder
from avtalsgen.meetings.extract import (
    NOT_APPEALABLE,
    PREPARATORY,
    chosen_paragraphs,
    read_record,
    record_path,
)
from avtalsgen.meetings.justering import LoadedMeeting, load_meeting
from avtalsgen.model import Program
from avtalsgen.model.case import Aktor
from avtalsgen.model.meeting import Paragraf
from avtalsgen.model.types import Loc

#: The folder of the messages within the meeting's folder.
FOLDER: Final = "expediering"
#: Domains reserved for examples and tests (RFC 2606, RFC 6761): no mailbox is ever under
#: them.
RESERVED_DOMAINS: Final = (
    "example", "test", "invalid", "localhost", "example.com", "example.net", "example.org",
)  # fmt: skip
#: The list of the messages and of the recipients without an address, in each paragraph's
#: folder.
LIST: Final = "sandlista.txt"


@dataclass(frozen=True)
class Message:
    """One message to write: to whom, and the file it goes into."""

    mottagare: str
    """The recipient as named in the distribution list."""
    epost: str
    """The recipient's address."""
    path: Path


@dataclass(frozen=True)
class Expediering:
    """The expediering of one paragraph's extract."""

    paragraf: int
    dnr: str
    extract: Path
    """The signed extract that is attached."""
    version: int
    folder: Path
    """Where its messages go."""
    messages: tuple[Message, ...]
    utan_adress: tuple[str, ...]
    """Recipients the program file gives no address for (listed, not sent to)."""
    sekretess: str = ""
    """The secrecy marking when the paragraph is secret."""
    written: bool = False
    """True when this run wrote the messages (False: they were there already)."""
    notes: tuple[str, ...] = field(default=())
    added: tuple[Path, ...] = ()
    """Messages this run added to a folder written before, for recipients whose address was
    added to the program file since (the others there are left as they are)."""
    program_file: Path = field(kw_only=True)
    """The program file whose ``expediering.mottagare`` gives the addresses (the case's,
    :attr:`avtalsgen.input.load.LoadedCase.program_path`: a case always has one)."""
    program_line: int = 1
    """The line of ``expediering.mottagare`` (else of ``expediering``) in it, where an
    address is to be added."""
    aktor: tuple[str, ...] = field(default=(), kw_only=True)
    """The case's actor by its names (legal and short): without an address, it is given
    one in the case file (``aktor.epost``)."""
    case_file: Path | None = field(default=None, kw_only=True)
    """The case file, where the actor's address is added."""
    case_line: int = field(default=1, kw_only=True)
    """The line of ``aktor`` in it."""
    utan_aktor: bool = field(default=False, kw_only=True)
    """True when the paragraph decides on the actor's agreement (not a preparatory
    outcome) and its distribution list names the actor by neither of its names: the
    decision does not reach the party it concerns (a tillägg uses the case's list)."""

    def actor_case(self, name: str) -> Path | None:
        """The case file when the recipient ``name`` is the case's actor, whose address is
        the case file's (``aktor.epost``), not the program file's; else None."""
        return self.case_file if name in self.aktor else None


def expedite(
    meeting_path: Path,
    output_root: Path,
    paragraf: int | None = None,
    *,
    now: dt.datetime | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> list[Expediering]:
    """Write the messages of every (or one) paragraph's signed extract; one result each.

    Secret paragraphs are left out unless asked for by number. Every chosen paragraph's
    newest extract must exist and be signed; otherwise nothing is written and
    :class:`CaseError` lists every paragraph that is not ready. Messages already written for
    the same version of an extract are left as they are.
    """
    meeting = load_meeting(meeting_path)
    today = swedish_time(now).date() if now is not None else clock.today()
    now = swedish_time(now or dt.datetime.now(dt.UTC))
    workspace = Workspace(output_root)
    folder = meeting_folder(workspace, meeting.sammantrade)
    chosen = chosen_paragraphs(meeting, paragraf, secret=False)
    plans, problems = [], []
    programs: set[Path] = set()
    lines = functools.cache(key_lines)  # a file's lines read once a run, where a problem is
    for item in chosen:
        case = meeting.case(item)
        if case.program_path not in programs:  # once for a program file that every § shares
            programs.add(case.program_path)
            sender = _sender_problem(meeting, case, lines)
            if sender is not None and sender not in problems:
                problems.append(sender)
        plan = _plan(meeting, item, workspace.case(item.dnr).path, folder, lines, today)
        if isinstance(plan, str):
            problems.append(plan)
        else:
            plans.append(plan)
    if problems:
        raise CaseError(problems)
    if all(_complete(plan) for plan in plans):
        return plans  # written before: the output folder is not touched
    results = []
    with workspace.session("expediera", on_wait=on_wait) as run:
        for plan in plans:
            if plan.folder.exists():
                results.append(_complete_folder(meeting, plan, now, run))
                continue
            _write(meeting, plan, now, run)
            results.append(dataclasses.replace(plan, written=True))
    return results


def _complete(plan: Expediering) -> bool:
    """Whether the paragraph's folder was written before with every message of the plan
    (not when an address was added to the program file since)."""
    return plan.folder.exists() and all(to.path.exists() for to in plan.messages)


def _complete_folder(
    meeting: LoadedMeeting, plan: Expediering, now: dt.datetime, run: Session
) -> Expediering:
    """Add to a folder written before the messages it lacks (an address added to the
    program file since), and list them in its sandlista; a message there is never replaced.
    It said "already written, left as it is" of a message that was never written."""
    missing = [to for to in plan.messages if not to.path.exists()]
    if not missing:
        return plan
    try:
        for to in missing:
            data = message(meeting, plan, to, now).as_bytes()
            atomic_write(to.path, data, replace=False, scratch=run.staging)
        atomic_write(plan.folder / LIST, _list_text(plan), scratch=run.staging)
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot write the messages: {error}").format(
                folder=shown(plan.folder), error=os_reason(exc)
            )
        ) from None
    return dataclasses.replace(plan, added=tuple(to.path for to in missing))


def _list_text(plan: Expediering) -> str:
    """The paragraph's sandlista.txt: its messages and the recipients without an address."""
    lines = [
        f"Protokollsutdrag {plan.dnr} § {plan.paragraf}, version {plan.version}: "
        f"{plan.extract.name}",
        "",
        "Meddelanden att skicka:" if plan.messages else "Meddelanden att skicka: inga",
        *(f"  {to.path.name}: {to.mottagare} <{to.epost}>" for to in plan.messages),
    ]
    if plan.utan_adress:
        lines += [
            "",
            # Read by the secretary in the web app and on the command line: the form's
            # words first, the file's key after them. Each recipient says where its
            # address is missing: the heading said "i programfilen" of the actor too, whose
            # address is the case file's.
            "Mottagare utan e-postadress; skicka utdraget till dem på annat sätt, eller fyll "
            "i adressen och kör expediera igen:",
            *(
                f"  {name} (aktören: fyll i Aktör › E-post i ärendets formulär, "
                "aktor.epost i ärendefilen)"
                if name in plan.aktor
                else f"  {name} (programfilen: Expediering › Mottagare, expediering.mottagare)"
                for name in plan.utan_adress
            ),
        ]
    if plan.utan_aktor and plan.aktor:
        lines += [
            "",
            f"Aktören, {plan.aktor[0]}, finns inte bland mottagarna i listan Protokollsutdrag "
            "skickas till: beslutet om dess avtal når den inte. Lägg till aktören i ärendets "
            "lista (protokollsutdrag_till) och gör utdragets nya version, eller skicka "
            "utdraget till aktören på annat sätt.",
        ]
    return "\n".join(lines) + "\n"


def _plan(
    meeting: LoadedMeeting,
    paragraf: Paragraf,
    case_folder: Path,
    meeting_dir: MeetingFolder,
    lines: Callable[[Path], dict[Loc, int]],
    today: dt.date,
) -> Expediering | str:
    """What to write for ``paragraf``, or the problem that stops it; ``lines`` gives a
    YAML file's lines (:func:`key_lines`, read once a run); ``today`` the day in Swedish
    time (before the justering no extract is made)."""
    from avtalsgen.meetings.extract import SIGNATURE_FIELD, facts
    from avtalsgen.pdf.signed import signed_fields
    from avtalsgen.signing.certifier import not_counted, signed_certification_problem
    from avtalsgen.signing.demo import signed_with_demo

    where = (*meeting.locate(paragraf), "paragraf")
    record = read_record(record_path(case_folder, paragraf.paragraf))
    command = f"avtalsgen utdrag {meeting.path} --paragraf {paragraf.paragraf}"
    justerad = meeting.sammantrade.justering(paragraf).justeringsdatum
    if record is None and today < justerad:
        # utdrag makes no extract before the justering: it was told to make one now.
        return meeting.problem(
            where,
            _("§ {paragraf} is not justerad until {date}, so it has no extract yet: make it "
              "on that day or later with {command}, sign it, then expedite it").format(
                paragraf=paragraf.paragraf, date=justerad, command=command
            ),
        )  # fmt: skip
    if record is None:
        return meeting.problem(
            where,
            _("§ {paragraf} has no extract yet in {folder}: make it with {command}, sign it, "
              "then expedite it").format(
                paragraf=paragraf.paragraf, folder=shown(case_folder), command=command
            ),
        )  # fmt: skip
    latest = record["versioner"][-1]
    extract = next((case_folder / n for n in latest["filer"] if n.endswith(".pdf")), None)
    if extract is None or not extract.is_file():
        return meeting.problem(
            where,
            _("§ {paragraf}: the extract of version {version} is missing from {folder}").format(
                paragraf=paragraf.paragraf, version=latest["version"], folder=shown(case_folder)
            ),
        )
    if not signed_fields(extract).get(SIGNATURE_FIELD, False):
        return meeting.problem(
            where,
            _("§ {paragraf}: {extract} is not signed yet: sign it first with avtalsgen sign "
              "{extract} --field utdragsbestyrkande").format(
                paragraf=paragraf.paragraf, extract=shown(extract)
            ),
        )  # fmt: skip
    if not meeting.sammantrade.exempel and signed_with_demo(extract, SIGNATURE_FIELD):
        made = demo_certified(paragraf.paragraf, extract, int(latest["version"]), command)
        return meeting.problem(where, made)
    if (wrong := signed_certification_problem(extract)) is not None:
        said = not_counted(wrong, str(shown(extract)), int(latest["version"]), command)
        return meeting.problem(where, f"§ {paragraf.paragraf}: {said}")
    fakta = facts(meeting, paragraf)
    if record["versioner"][-1]["fakta"].get("skickas_till") != list(fakta.skickas_till):
        return meeting.problem(
            where,
            _("§ {paragraf}: the extract's distribution list is not the meeting's any more; "
              "make the new version with {command} first").format(
                paragraf=paragraf.paragraf, command=command
            ),
        )  # fmt: skip
    case = meeting.case(paragraf)
    version = int(latest["version"])
    folder = meeting_dir.messages(paragraf.dnr, paragraf.paragraf, version)
    messages, missing = [], []
    for number, name in enumerate(fakta.skickas_till, 1):
        epost = _address(case.arende.aktor, case.program, name)
        if epost is None:
            missing.append(name)
            continue
        path = meeting_dir.message(paragraf.dnr, paragraf.paragraf, version, number, name)
        messages.append(Message(name, epost, path))
    return Expediering(
        paragraf=paragraf.paragraf,
        dnr=paragraf.dnr,
        extract=extract,
        version=version,
        folder=folder,
        messages=tuple(messages),
        utan_adress=tuple(missing),
        sekretess=fakta.sekretessmarkering,
        program_file=case.program_path,
        program_line=_addresses_line(lines(case.program_path)) if missing else 1,
        aktor=(case.arende.aktor.namn, case.arende.aktor.kort),
        case_file=case.path,
        case_line=lines(case.path).get(("aktor",), 1) if missing else 1,
        utan_aktor=fakta.utfall not in PREPARATORY
        and not {case.arende.aktor.namn, case.arende.aktor.kort} & set(fakta.skickas_till),
    )


def demo_certified(paragraf: int, extract: Path, version: int, command: str) -> str:
    """Why § ``paragraf``'s extract ``extract`` (its version ``version``), certified with
    the DEMO key at a meeting that is not an example, is not expedited as certified, and
    what to do: a first version is made anew by ``command`` (its ``utdrag``) once its files
    are moved out of the output folder; a later one once its files are moved out and its
    entry is taken out of the record."""
    said = _(
        "§ {paragraf}: {extract} is certified with the DEMO key, which is not valid for real "
        "use, and the meeting is not an example, so it counts as not certified (the e-mail "
        "would tell its recipients that it is certified with an electronic signature)"
    ).format(paragraf=paragraf, extract=shown(extract))
    if version != 1:
        # The record lists the version: its files moved out alone, utdrag refuses ("version
        # K is recorded but ... is missing"); without its entry, utdrag makes it again as the
        # same correction of the version before.
        record = record_path(extract.parent, paragraf)
        return _(
            "{said}. Move it out of the output folder, keeping it, with the .docx of the same "
            "name beside it; take version {version}'s entry, the last one, out of 'versioner' "
            "in {record} (the earlier versions stay as they are); make it again with {command} "
            "(version {version} anew) and certify it with the secretary's key or the region's "
            "seal"
        ).format(said=said, version=version, record=shown(record), command=command)
    return _(
        "{said}. Move it out of the output folder, keeping it, with the .docx and .json of the "
        "same name beside it, make it again with {command} and certify it with the "
        "secretary's key or the region's seal"
    ).format(said=said, command=command)


def _sender_problem(
    meeting: LoadedMeeting, case: LoadedCase, lines: Callable[[Path], dict[Loc, int]]
) -> str | None:
    """Why the messages on ``case`` cannot be written from its program file's sender, if
    they cannot: the program file gives none (the mail client would fill in the user's own
    address, and no Message-ID could name the region's domain), or a real meeting's
    messages would be from the shipped example's fictitious address. ``lines`` gives the
    program file's lines, read only for a problem."""
    from avtalsgen.meetings.justering import where

    program = case.program_path
    sender = case.program.expediering.avsandare
    if sender is None:
        return _(
            "{where}: the program file gives no sender for the e-mails: add the region's "
            "functional mailbox there, as avsandare: with namn: (e.g. Region Norrbotten, "
            "Regionala utvecklingsnämnden) and epost: (the registrator's address) under "
            "expediering, and run expediera again"
        ).format(where=where(shown(program), lines(program), ("expediering", "avsandare")))
    domain = sender.epost.rsplit("@", 1)[1].lower()
    reserved = next((d for d in RESERVED_DOMAINS if f".{domain}".endswith(f".{d}")), None)
    if meeting.sammantrade.exempel or reserved is None:
        return None
    return _(
        "{where}: {address} is an example address ({domain} is reserved for examples: no "
        "mail reaches it or comes from it), and the meeting is not an example: write the "
        "region's functional mailbox there and run expediera again"
    ).format(
        where=where(shown(program), lines(program), ("expediering", "avsandare", "epost")),
        address=sender.epost,
        domain=reserved,
    )


def _address(aktor: Aktor, program: Program, name: str) -> str | None:
    """The e-mail address of the recipient ``name``: the case's own for its actor (named by
    its name or short name), else the program file's (``expediering.mottagare``)."""
    if aktor.epost is not None and name in (aktor.namn, aktor.kort):
        return aktor.epost
    entry = program.expediering.address(name)
    return entry.epost if entry is not None else None


def _addresses_line(lines: dict[Loc, int]) -> int:
    """The line of the program file's ``expediering.mottagare``, else of ``expediering``,
    else 1 (``lines``: its :func:`key_lines`): where a missing address is added."""
    for loc in (("expediering", "mottagare"), ("expediering",)):
        if loc in lines:
            return lines[loc]
    return 1


def message(
    meeting: LoadedMeeting, plan: Expediering, to: Message, now: dt.datetime
) -> EmailMessage:
    """The message to one recipient: headers, covering text, the signed extract attached."""
    from avtalsgen.documents.format import datum_text
    from avtalsgen.meetings.extract import facts
    from avtalsgen.meetings.overklagande import appeal_guidance

    sammantrade = meeting.sammantrade
    paragraf = sammantrade.paragraf(plan.paragraf)
    assert paragraf is not None
    fakta = facts(meeting, paragraf)
    program = meeting.case(paragraf).program
    example = "EXEMPEL – " if sammantrade.exempel else ""
    msg = EmailMessage()
    msg["Subject"] = (
        f"{example}Protokollsutdrag {plan.dnr} § {plan.paragraf}, {sammantrade.namnd} "
        f"{sammantrade.datum.isoformat()}"
    )
    sender = program.expediering.avsandare
    assert sender is not None, "expedite refuses a program file without a sender"
    msg["From"] = Address(display_name=sender.namn, addr_spec=sender.epost)
    msg["To"] = Address(display_name=to.mottagare, addr_spec=to.epost)
    # In Swedish time, as the registrator's mail client dates a message ("+0100").
    msg["Date"] = format_datetime(swedish_time(now))
    # Under the region's domain: make_msgid's default would name this machine.
    msg["Message-ID"] = make_msgid(domain=sender.epost.rsplit("@", 1)[1])
    msg["X-Unsent"] = "1"  # opened as a draft to send, not as a received message
    secret = (
        f"\nHandlingen omfattas av sekretess: {plan.sekretess}. Skicka den inte vidare.\n"
        if plan.sekretess
        else ""
    )
    version = (
        f" (version {plan.version}, som ersätter tidigare version)" if plan.version > 1 else ""
    )
    organ = genitive(in_running_text(sammantrade.namnd))
    appeal = (
        NOT_APPEALABLE
        if fakta.utfall in PREPARATORY
        else f"Sista dag för överklagande är {datum_text(fakta.sista_dag_for_overklagande)}."
    )
    # How and where, as the extract and the anslag say it (the message reaches the actor).
    guidance = appeal_guidance(
        program, fakta.sista_dag_for_overklagande, preparatory=fakta.utfall in PREPARATORY
    )
    appeal += "".join(f"\n\n{line}" for line in guidance)
    msg.set_content(
        "Hej!\n\n"
        f"Här kommer ett protokollsutdrag{version} ur {organ} protokoll från sammanträdet "
        f"{datum_text(sammantrade.datum)}, § {plan.paragraf} i ärende {plan.dnr}, "
        f"{fakta.rubrik}.\n\n"
        f"Utdraget är bestyrkt med elektronisk underskrift. {appeal}\n"
        f"{secret}\n"
        "Med vänlig hälsning\n\n"
        f"{sammantrade.sekreterare}\n"
        f"Sekreterare, {sammantrade.namnd}\n"
        f"{program.region.namn}\n"
    )
    # Named as the packet embeds it (the Dnr in front): a file saved from the message
    # still says whose extract it is and of which §.
    msg.add_attachment(
        plan.extract.read_bytes(),
        maintype="application",
        subtype="pdf",
        filename=embedded_name(plan.dnr, plan.extract.name),
    )
    return msg


def _write(meeting: LoadedMeeting, plan: Expediering, now: dt.datetime, run: Session) -> None:
    """Write the paragraph's messages and list in the staging folder, then move their
    folder into place whole."""
    made = run.staging / plan.folder.name
    try:
        made.mkdir()
        for to in plan.messages:
            data = message(meeting, plan, to, now).as_bytes()
            atomic_write(made / to.path.name, data, durable=False)
        atomic_write(made / LIST, _list_text(plan))
        run.place_folder(made, plan.folder)
    except FileExistsError:
        raise OutputError(
            _("{folder}: already exists; messages are never replaced").format(
                folder=shown(plan.folder)
            )
        ) from None
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot write the messages: {error}").format(
                folder=shown(plan.folder), error=os_reason(exc)
            )
        ) from None


def summaries(
    results: Sequence[Expediering], shown: Callable[[Path], Path] = lambda path: path
) -> list[str]:
    """What ``expediera`` says: one line per message and per paragraph's warning, then each
    recipient the program file has no address for, once for every paragraph it misses
    (it was a line per paragraph: the same line three times for a meeting of three), then
    the messages and recipients counted. ``shown`` gives a path as the user should see it."""
    lines = []
    unknown: dict[tuple[str, Path, int], list[str]] = {}
    written = kept = 0
    for item in results:
        head = f"§ {item.paragraf} {item.dnr} (version {item.version})"
        for to in item.messages:
            new = item.written or to.path in item.added
            written, kept = written + new, kept + (not new)
            state = _("written") if new else _("already written, left as it is")
            lines.append(f"{head}: {to.mottagare} <{to.epost}>: {state}: {shown(to.path)}")
        for name in item.utan_adress:
            if (case := item.actor_case(name)) is not None:
                lines.append(
                    _("{head}: {name}: NO ADDRESS: {case}:{line}: aktor: the actor has no "
                      "e-mail address; add it to the case file (epost: ... under aktor) and "
                      "run expediera again, or send the extract another way").format(
                        head=head, name=name, case=shown(case), line=item.case_line
                    )
                )  # fmt: skip
                continue
            where = (name, item.program_file, item.program_line)
            unknown.setdefault(where, []).append(f"§ {item.paragraf} {item.dnr}")
        if item.utan_aktor and item.aktor and item.case_file is not None:
            lines.append(
                _("{head}: the actor, {name}, is not among the recipients of the extract "
                  "(protokollsutdrag_till in {case}): the decision on its agreement does not "
                  "reach it; add it there and make the extract's new version (avtalsgen "
                  "utdrag), or send the extract to the actor another way").format(
                    head=head, name=item.aktor[0], case=shown(item.case_file)
                )
            )  # fmt: skip
        if item.sekretess:
            lines.append(
                _("{head}: under sekretess ({marking}): send it only through a channel fit "
                  "for secret documents").format(head=head, marking=item.sekretess)
            )  # fmt: skip
    for (name, program, line), paragraphs in unknown.items():
        lines.append(
            ngettext(
                "{name}: NO ADDRESS ({paragraphs}): {program}:{line}: expediering.mottagare "
                "has no e-mail address for '{name}'; add it there (namn: {name}, epost: ...) "
                "and run expediera again, or send the extract another way",
                "{name}: NO ADDRESS ({paragraphs}): {program}:{line}: expediering.mottagare "
                "has no e-mail address for '{name}'; add it there (namn: {name}, epost: ...) "
                "and run expediera again, or send the extracts another way",
                len(paragraphs),
            ).format(name=name, paragraphs=", ".join(paragraphs), program=shown(program), line=line)
        )
    missing = sum(len(item.utan_adress) for item in results)
    lines.append(
        _("messages written: {written}, already written: {kept}, recipients without an "
          "address: {missing}").format(written=written, kept=kept, missing=missing)
    )  # fmt: skip
    return lines
