"""Protocol extracts (protokollsutdrag): one certified extract per paragraph of a meeting.

Each extract goes into its case's folder, ``<output>/<Dnr>/protokollsutdrag-<N>.docx`` and
``.pdf`` (N the § number), beside a record ``protokollsutdrag-<N>.json`` of the facts every
version was made from. An extract is never replaced: when the facts now differ from the
latest version's, a new version ``protokollsutdrag-<N>-v2`` (then v3, ...) is written that
says, in its body, which version it replaces and what changed; when they are the same,
nothing is written. The facts are compared field by field, never the files (LibreOffice
puts timestamps into PDFs).

Record format (UTF-8 JSON)::

    {"dokument": "protokollsutdrag", "format": 1, "dnr": "RUN-00386-2023", "paragraf": 101,
     "versioner": [{"version": 1, "filer": ["protokollsutdrag-101.docx", "...pdf"],
                    "upprattad": "2024-12-04", "andrat": [], "sammantrade": "x.yaml",
                    "fakta": {<the fields of Fakta; dates ISO, lists as arrays>}}]}

A fact missing from an older record (a field added later) is not compared. The day a version
is made (``upprattad``) is not a fact of the decision and is not compared either; nor is its
certification, which is the secretary's signature in the PDF (``avtalsgen sign --field
utdragsbestyrkande``), not a date the record could hold when the version is made. A
correction records the day the version it replaces was certified (``ersatt_bestyrkt``, from
that version's signature), or null when it never was. Records written before said
``bestyrkt`` for the day made (read as ``upprattad``: :func:`made_on`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from avtalsgen import clock
from avtalsgen.build.factkey import FactKey, facts_key
from avtalsgen.build.workspace import CaseFolder, Session, Workspace, atomic_write, shown
from avtalsgen.conversion.convert import Converter
from avtalsgen.documents.context import Paragraphs, placeholder_values
from avtalsgen.documents.factcheck import (
    DOCUMENT_FACTS,
    THE_CHANGE,
    THE_DECISION,
    THE_PROPOSAL,
    FactError,
    PdfText,
    Stage,
    check_facts,
    read_pdf,
)
from avtalsgen.documents.format import och
from avtalsgen.documents.kinds import PROTOKOLLSUTDRAG
from avtalsgen.documents.render import Metadata, render_document
from avtalsgen.documents.tillagg import changed_budget_years, decision_points, not_granted_text
from avtalsgen.errors import CaseError, OutputError, os_reason
from avtalsgen.i18n import N_, _
from avtalsgen.meetings.decisions import Tillaggsbeslut, decided_case, utfall
from avtalsgen.meetings.justering import LoadedMeeting, load_meeting
from avtalsgen.meetings.layout import (
    break_before,
    keep_with_certification,
    lone_heading,
    lone_heading_problem,
)
from avtalsgen.meetings.record import facts_json, read_json
from avtalsgen.meetings.underlag import DECISION_FACTS, case_edit, underlag
from avtalsgen.meetings.wording import (
    Beslutstext,
    as_proposed_lead,
    decision_text,
    jav_text,
    motivering_text,
    reservation_text,
    votering_text,
)
from avtalsgen.model import Arende, Program
from avtalsgen.model.decision import FORBEREDANDE, UTFALL_ORD, Utfall
from avtalsgen.model.meeting import SECRET_TITLE, Paragraf, sekretessmarkering
from avtalsgen.model.money import compute_financing
from avtalsgen.model.prose import Block, BlockKind, Span, fill_placeholders
from avtalsgen.model.tillagg import named_amounts
from avtalsgen.pdf.fields import NewField, add_signature_fields

#: The document's name: its template is ``<templates>/protokollsutdrag.docx``.
DOCUMENT: Final = PROTOKOLLSUTDRAG.name
#: The template's file name within the templates folder.
TEMPLATE: Final = f"{DOCUMENT}.docx"
#: The version of the record format.
RECORD_FORMAT: Final = 1
#: The signature field of the utdragsbestyrkande, signed with ``avtalsgen sign --field``.
SIGNATURE_FIELD: Final = "utdragsbestyrkande"
#: The first line of the certification block; the signature field goes to its right.
SIGNATURE_ANCHOR: Final = "Utdraget överensstämmer med protokollet."
#: The signature box: its left edge, width and height in points.
_BOX_LEFT, _BOX_WIDTH, _BOX_HEIGHT = 300.0, 220.0, 56.0


@dataclass(frozen=True)
class Fakta:
    """The facts one extract shows, as recorded for each version and compared field by field."""

    exempel: bool
    """True when the meeting is a fictitious example."""
    namnd: str
    """The committee."""
    sammantradesdatum: dt.date
    """The meeting's date."""
    plats: str
    """Where the meeting was held."""
    paragraf: int
    """The § number."""
    dnr: str
    """The ärende's Dnr."""
    rubrik: str
    """The paragraph's heading: the ärende's title."""
    utfall: str
    """The outcome: bifall, bifall_med_andring, avslag, aterremiss or bordlaggning."""
    beslut: tuple[str, ...]
    """The paragraphs before the decision points: "… med den ändringen att …", or the
    decision of an avslag, återremiss or bordläggning; for a bifall as proposed, empty when
    its first point names the committee, else "… beslutar enligt förslaget." and
    :data:`~avtalsgen.meetings.wording.AS_PROPOSED_WORDING`."""
    beslutspunkter: tuple[str, ...]
    """The decision points as decided, placeholders filled in (none unless bifall)."""
    motivering: tuple[str, ...]
    """The reason for an avslag, återremiss or bordläggning (one paragraph, or none)."""
    jav: tuple[str, ...]
    """Who did not take part because of jäv (one paragraph, or none)."""
    votering: tuple[str, ...]
    """The vote, if the committee voted (one paragraph, or none)."""
    reservationer: tuple[str, ...]
    """One paragraph per member who reserved themselves against the decision."""
    omedelbart_justerad: bool
    """True when the paragraph was justerad at the meeting."""
    ordforande: str
    """The chair."""
    justerare: tuple[str, ...]
    """The justerare."""
    justeringsdatum: dt.date
    """When the paragraph was justerad."""
    anslagsdatum: dt.date
    """When the justering was announced on the anslagstavla."""
    sista_dag_for_overklagande: dt.date
    """The last day to appeal."""
    skickas_till: tuple[str, ...]
    """Protokollsutdrag skickas till."""
    sekreterare: str
    """The secretary, who certifies the extract."""
    sekretess: str = ""
    """The provision of OSL the paragraph is secret under, e.g. 21 kap. 7 § OSL; empty when
    it is not secret."""
    sekretess_datum: dt.date | None = None
    """When the paragraph was marked as secret."""
    sekretess_markerad_av: str = ""
    """Who marked it."""

    @property
    def sekretessmarkering(self) -> str:
        """The marking every page and the metadata carry, e.g. "Sekretess enligt 21 kap. 7 §
        OSL (markerad 2023-12-05 av Lena Exempelsson)"; empty when not secret."""
        if not self.sekretess:
            return ""
        when = self.sekretess_datum.isoformat() if self.sekretess_datum else ""
        return sekretessmarkering(self.sekretess, when, self.sekretess_markerad_av)

    def to_json(self) -> dict[str, Any]:
        """The facts as JSON values: dates ISO, tuples as lists."""
        return facts_json(self)


#: How each fact is named in the visible note of a correction.
LABELS: Final[dict[str, str]] = {
    "exempel": "exempelmarkering",
    "namnd": "nämnd",
    "sammantradesdatum": "sammanträdesdatum",
    "plats": "plats",
    "paragraf": "paragraf",
    "dnr": "diarienummer",
    "rubrik": "rubrik",
    "utfall": "beslut",
    "beslut": "beslutets lydelse",
    "beslutspunkter": "beslutspunkter",
    "motivering": "motivering",
    "jav": "jäv",
    "votering": "votering",
    "reservationer": "reservationer",
    "omedelbart_justerad": "omedelbar justering",
    "ordforande": "ordförande",
    "justerare": "justerare",
    "justeringsdatum": "justeringsdatum",
    "anslagsdatum": "anslagsdatum",
    "sista_dag_for_overklagande": "sista dag för överklagande",
    "skickas_till": "sändlista",
    "sekreterare": "sekreterare",
    "sekretess": "sekretessbestämmelse",
    "sekretess_datum": "datum för sekretessmarkering",
    "sekretess_markerad_av": "sekretessmarkering gjord av",
}


#: Outcomes that only prepare a later decision: a decision "av rent förberedande art" may
#: not be appealed (kommunallagen 13 kap. 2 §), so their extracts and messages state no last
#: day for an appeal (the template protokollsutdrag.docx tests ``utdrag.utfall`` the same way,
#: and says why with ``text.forberedande``).
PREPARATORY: Final[frozenset[str]] = frozenset(u.value for u in Utfall if u.preparatory)
#: What an extract's message says of a preparatory decision instead of an appeal date.
NOT_APPEALABLE: Final = f"Beslutet {FORBEREDANDE}"


@dataclass(frozen=True)
class Version:
    """Which version of an extract this is and, for a correction, what it replaces.

    Every field is plain data (no properties): the renderer gives a template a dataclass's
    fields only.
    """

    nummer: int
    """1 for the first extract, 2 for its first correction, ..."""
    upprattad: dt.date
    """The day this version is made (the secretary certifies it later, by signing it)."""
    ersatter: int | None
    """The version this one replaces; None for the first."""
    andrat: tuple[str, ...]
    """What changed against the replaced version, in Swedish (see :data:`LABELS`)."""
    rattelse: str
    """The visible note of a correction; empty for a first version."""
    rubrik: str
    """``Version 2`` and so on in the page header; empty for a first version."""

    @classmethod
    def first(cls, upprattad: dt.date) -> Version:
        """Version 1, made on ``upprattad``."""
        return cls(nummer=1, upprattad=upprattad, ersatter=None, andrat=(), rattelse="", rubrik="")

    @classmethod
    def correction(
        cls,
        replaces: int,
        replaced_on: dt.date | None,
        andrat: tuple[str, ...],
        upprattad: dt.date,
        *,
        replaced_certified: bool = True,
        nummer: int | None = None,
    ) -> Version:
        """Version ``nummer`` (by default the one after ``replaces``), replacing version
        ``replaces`` and changing ``andrat`` against it: certified ``replaced_on``, or, when
        ``replaced_certified`` is false, made ``replaced_on`` and never certified (an extract
        corrected before the secretary signed it). The versions between the two were never
        certified (a correction states what changed against the version its recipients
        hold), and the note says so."""
        nummer = replaces + 1 if nummer is None else nummer
        when = ""
        if replaced_on is not None:
            day = replaced_on.isoformat()
            when = f" (bestyrkt {day})"
            if not replaced_certified:
                when = f" (upprättad {day}, inte bestyrkt)"
        between = [str(number) for number in range(replaces + 1, nummer)]
        never = ""
        if len(between) == 1:
            never = f" Version {between[0]} däremellan bestyrktes aldrig."
        elif between:
            never = f" Versionerna {och(between)} däremellan bestyrktes aldrig."
        return cls(
            nummer=nummer,
            upprattad=upprattad,
            ersatter=replaces,
            andrat=andrat,
            rattelse=f"Rättelse: ersätter version {replaces}{when}. "
            f"Ändrat: {', '.join(andrat) or 'inget'}.{never}",
            rubrik=f"Version {nummer}",
        )


@dataclass(frozen=True)
class UtdragTexter:
    """The extract's texts, ready to render."""

    beslut: Paragraphs
    """The decision: lead paragraphs, the decision points as a numbered list, the reason."""
    beslutspunkter: Paragraphs
    """The decision points alone, as a numbered list."""
    jav: Paragraphs
    """Jäv, if any member was jävig (empty otherwise)."""
    votering: Paragraphs
    """The vote, if the committee voted (empty otherwise)."""
    reservationer: Paragraphs
    """Reservations against the decision (empty if none)."""
    skickas_till: Paragraphs
    """The recipients, one a line."""
    justerare: str
    """The justerare in running text: ``A, B och C``."""
    sekretess: str = ""
    """The secrecy marking (see :attr:`Fakta.sekretessmarkering`) on every page and at the
    top of the body; empty when not secret."""
    publicering: str = ""
    """The note at the top of a publishable rendition; empty in the archive copy."""
    forberedande: str = FORBEREDANDE
    """What the extract of a preparatory decision says after 'Överklagande: beslutet': it
    may not be appealed, and why (:data:`~avtalsgen.model.decision.FORBEREDANDE`, the one
    sentence the anslag and the messages say it in too)."""
    overklagande: Paragraphs = ()
    """How and where the decision is appealed (:mod:`avtalsgen.meetings.overklagande`);
    empty for a preparatory decision."""


@dataclass(frozen=True)
class UtdragContext:
    """What the protokollsutdrag template sees: ``utdrag``, ``text`` and ``version``."""

    utdrag: Fakta
    text: UtdragTexter
    version: Version


class Status(StrEnum):
    """What a build did with one paragraph."""

    NY = "ny"
    """The first version was written."""
    RATTELSE = "rättelse"
    """A new version was written; the earlier ones are kept."""
    OFORANDRAD = "oförändrad"
    """The facts are those of the latest version: nothing was written."""
    SEKRETESS = "sekretess"
    """Skipped: the paragraph is under secrecy and was not asked for by number."""
    EJ_JUSTERAD = "ej justerad"
    """Skipped: the paragraph is not justerad yet, so no extract can be certified."""
    VAGRAD = "vägrad"
    """Refused: the case file changed the decision a justerat extract states
    (:func:`~avtalsgen.meetings.underlag.case_edit`); the other paragraphs are made."""

    @property
    def text(self) -> str:
        """The status in the user's language (the value stays as it is: it is data)."""
        return _(_STATUS_TEXTS[self])


#: What each status says to the user, marked for translation.
_STATUS_TEXTS = {
    Status.NY: N_("new"),
    Status.RATTELSE: N_("correction"),
    Status.OFORANDRAD: N_("unchanged"),
    Status.SEKRETESS: N_("secret"),
    Status.EJ_JUSTERAD: N_("not justerad"),
    Status.VAGRAD: N_("refused"),
}


@dataclass(frozen=True)
class ExtractResult:
    """The outcome for one paragraph of a meeting."""

    paragraf: int
    """The § number."""
    dnr: str
    """The ärende's Dnr."""
    status: Status
    """Written, unchanged or skipped."""
    version: int | None = None
    """The current version of the extract; None when skipped."""
    files: tuple[Path, ...] = ()
    """The current version's .docx and .pdf (written now or before); empty when skipped."""
    andrat: tuple[str, ...] = ()
    """For a correction: what changed against the version it replaces."""
    justeringsdatum: dt.date | None = None
    """For a paragraph skipped as not yet justerad: when it will be."""
    sammantrade: str = ""
    """The meeting file, for the command a note suggests."""
    ersatter: int | None = None
    """For a correction: the version it replaces (the newest certified one, if any)."""
    problem: str = ""
    """For a paragraph refused: why, and what to do (``file:line: field: …``)."""

    @property
    def written(self) -> bool:
        """True when this build wrote a new version."""
        return self.status in (Status.NY, Status.RATTELSE)

    @property
    def note(self) -> str:
        """One line for the user saying what happened."""
        head = f"§ {self.paragraf} {self.dnr}:"
        if self.status is Status.NY:
            return f"{head} " + _("wrote version 1")
        if self.status is Status.RATTELSE:
            return f"{head} " + _(
                "wrote version {version}, a correction of version {earlier} (changed: {changed})"
            ).format(
                version=self.version,
                earlier=self.ersatter or (self.version or 1) - 1,
                changed=", ".join(self.andrat) or _("nothing"),
            )
        if self.status is Status.OFORANDRAD:
            return f"{head} " + _("unchanged since version {version}; nothing written").format(
                version=self.version
            )
        if self.status is Status.SEKRETESS and self.andrat:
            return _(
                "{head} skipped: under sekretess, and its facts have changed since version "
                "{version} (changed: {changed}), so that extract is out of date. Make version "
                "{next} with: avtalsgen utdrag {meeting} --paragraf {paragraf}"
            ).format(
                head=head,
                version=self.version,
                changed=", ".join(self.andrat),
                next=(self.version or 0) + 1,
                meeting=self.sammantrade,
                paragraf=self.paragraf,
            )
        if self.status is Status.SEKRETESS:
            return f"{head} " + _("skipped: under sekretess; ask for § {number} by number").format(
                number=self.paragraf
            )
        if self.status is Status.VAGRAD:
            return f"{head} " + _("refused: {problem}").format(problem=self.problem)
        return f"{head} " + _(
            "skipped: not justerad until {date}; an extract is certified after justering"
        ).format(date=self.justeringsdatum)


def signature_field(read: PdfText) -> NewField:
    """The utdragsbestyrkande's field: to the right of the certification block on the last
    page (``read`` as :func:`read_pdf` read the extract with :data:`SIGNATURE_ANCHOR`)."""
    if len(read.marks) != 1:
        raise OutputError(
            _("{name}: found the certification block ('{anchor}') {count} times on the last "
              "page, expected once (the template must keep it)").format(
                name=read.path.name, anchor=SIGNATURE_ANCHOR, count=len(read.marks)
            )
        )  # fmt: skip
    top = read.marks[0][3] + 4
    box = (_BOX_LEFT, top - _BOX_HEIGHT, _BOX_LEFT + _BOX_WIDTH, top)
    return NewField(SIGNATURE_FIELD, len(read.pages) - 1, box, "Utdragsbestyrkande")


def file_stem(paragraf: int, version: int) -> str:
    """``protokollsutdrag-<N>`` for version 1, ``protokollsutdrag-<N>-v<K>`` after."""
    return CaseFolder(Path()).extract(paragraf, version, "").name


def record_path(folder: Path, paragraf: int) -> Path:
    """The record of every version of the extract of § ``paragraf`` in a case folder."""
    return CaseFolder(folder).extract_record(paragraf)


def facts(meeting: LoadedMeeting, paragraf: Paragraf) -> Fakta:
    """The facts of the extract of ``paragraf``: the decision as made, with placeholders
    filled in the same way as in the beslutsförslag (with the decided facts in a bifall)."""
    sammantrade = meeting.sammantrade
    case = meeting.case(paragraf)
    arende, program = case.arende, case.program
    outcome = utfall(arende, paragraf)
    decided = decided_case(arende, paragraf)
    proposal_values = placeholder_values(arende, program)
    values = placeholder_values(decided, program) if decided is not arende else proposal_values
    text = decision_text(
        sammantrade.namnd,
        outcome,
        proposed_points=arende.beslutspunkter,
        decided_points=paragraf.beslut if outcome.granted else None,
        wording=None if outcome.granted else paragraf.beslut,
        andring=paragraf.andring,
        proposed=arende.finansiering,
        decided=decided.finansiering,
        proposal_values=proposal_values,
        decided_values=values,
        rules=program.finansiering,
    )
    change = meeting.change(paragraf)
    if change is not None:
        # A change of the running agreement: what changes and from when.
        text = Beslutstext(
            inledning=(),
            punkter=decision_points(
                sammantrade.namnd, arende.aktor.namn, change.andring, change.nummer, program
            ),
        )
    elif paragraf.tillagg is not None and not outcome.granted and paragraf.beslut is None:
        # A proposed change not granted: which change the committee rejected, referred
        # back or postponed (the agreement stays as it is; no tilläggsavtal follows).
        text = Beslutstext(
            inledning=(
                not_granted_text(
                    sammantrade.namnd,
                    arende.aktor.namn,
                    paragraf.tillagg,
                    outcome,
                    program.region.namn,
                    {row.namn for row in decided.finansiering.region},
                ),
            ),
            punkter=(),
        )
    if paragraf.skickas_till is None:
        recipients = tuple(fill_placeholders(name, values) for name in arende.protokollsutdrag_till)
    else:
        recipients = tuple(fill_placeholders(name, values) for name in paragraf.skickas_till)
    justering = sammantrade.justering(paragraf)
    return Fakta(
        exempel=sammantrade.exempel,
        namnd=sammantrade.namnd,
        sammantradesdatum=sammantrade.datum,
        plats=sammantrade.plats,
        paragraf=paragraf.paragraf,
        dnr=paragraf.dnr,
        rubrik=arende.titel,
        utfall=outcome.value,
        beslut=text.inledning,
        beslutspunkter=text.punkter,
        motivering=motivering_text(paragraf.motivering, proposal_values),
        jav=jav_text(paragraf.jav),
        votering=votering_text(paragraf.votering),
        reservationer=reservation_text(paragraf.reservationer),
        omedelbart_justerad=justering.omedelbart,
        ordforande=sammantrade.ordforande,
        justerare=tuple(sammantrade.justerare),
        justeringsdatum=justering.justeringsdatum,
        anslagsdatum=justering.anslagsdatum,
        sista_dag_for_overklagande=justering.sista_dag_for_overklagande,
        skickas_till=recipients,
        sekreterare=sammantrade.sekreterare,
        sekretess=paragraf.sekretess.bestammelse if paragraf.sekretess else "",
        sekretess_datum=paragraf.sekretess.datum if paragraf.sekretess else None,
        sekretess_markerad_av=sammantrade.markerad_av(paragraf) or "",
    )


def extract_stage(
    arende: Arende,
    paragraf: Paragraf,
    change: Tillaggsbeslut | None = None,
    program: Program | None = None,
) -> Stage:
    """What the extract of ``paragraf`` is checked against: a bifall states the decided
    facts (amount, period, source); an avslag, återremiss or bordläggning states the Dnr,
    and any amount it names is the proposal's; a change of the running agreement
    (``change``) the financing after it (and may name the amounts before it)."""
    if change is not None and program is not None:
        andring = change.andring
        amounts = set(compute_financing(andring.fore, program.finansiering).amounts())
        amounts |= named_amounts(andring.tillagg)
        amounts |= {amount for _year, amount in changed_budget_years(andring)}
        return Stage(
            arende.model_copy(update={"finansiering": andring.efter}),
            ("Dnr", "period", "källa"),
            THE_CHANGE,
            extra_amounts=frozenset(amounts),
        )
    if paragraf.tillagg is not None and not utfall(arende, paragraf).granted:
        # A proposed change not granted: it names the change's amounts, if any.
        return Stage(
            arende, ("Dnr",), THE_PROPOSAL,
            extra_amounts=frozenset(named_amounts(paragraf.tillagg)),
        )  # fmt: skip
    if utfall(arende, paragraf).granted:
        return Stage(decided_case(arende, paragraf), DOCUMENT_FACTS[DOCUMENT], THE_DECISION)
    return Stage(arende, ("Dnr",), THE_PROPOSAL)


def context(
    fakta: Fakta, version: Version, publicering: str = "", program: Program | None = None
) -> UtdragContext:
    """The template context of one version of an extract; ``publicering`` is the note of a
    publishable rendition (empty for the archive copy); ``program`` the case's, for how and
    where the decision is appealed (None: not stated)."""
    from avtalsgen.meetings.overklagande import appeal_guidance

    guidance = (
        appeal_guidance(
            program, fakta.sista_dag_for_overklagande, preparatory=fakta.utfall in PREPARATORY
        )
        if program is not None
        else ()
    )
    return UtdragContext(
        utdrag=fakta,
        text=UtdragTexter(
            beslut=(
                _blocks(fakta.beslut, BlockKind.STYCKE)
                + _blocks(fakta.beslutspunkter, BlockKind.NUMMER)
                + _blocks(fakta.motivering, BlockKind.STYCKE)
            ),
            beslutspunkter=_blocks(fakta.beslutspunkter, BlockKind.NUMMER),
            jav=_blocks(fakta.jav, BlockKind.STYCKE),
            votering=_blocks(fakta.votering, BlockKind.STYCKE),
            reservationer=_blocks(fakta.reservationer, BlockKind.STYCKE),
            skickas_till=_blocks(fakta.skickas_till, BlockKind.STYCKE),
            justerare=och(fakta.justerare),
            sekretess=fakta.sekretessmarkering,
            publicering=publicering,
            overklagande=_blocks(guidance, BlockKind.STYCKE),
        ),
        version=version,
    )


def _blocks(lines: tuple[str, ...], kind: BlockKind) -> Paragraphs:
    return tuple(Block(kind, (Span(line),)) for line in lines)


def metadata(fakta: Fakta, version: Version) -> Metadata:
    """The document properties of an extract (the title is the PDF's window title)."""
    example = "EXEMPEL – " if fakta.exempel else ""
    secret = SECRET_TITLE if fakta.sekretess else ""
    suffix = f" (version {version.nummer})" if version.nummer > 1 else ""
    meeting = f"{fakta.namnd}, sammanträde {fakta.sammantradesdatum.isoformat()}"
    marking = f". {fakta.sekretessmarkering}" if fakta.sekretess else ""
    keywords: tuple[str, ...] = (fakta.dnr, "protokollsutdrag", f"§ {fakta.paragraf}", fakta.namnd)
    if fakta.sekretess:
        keywords += ("sekretess", fakta.sekretess)
    return Metadata(
        title=f"{secret}{example}Protokollsutdrag § {fakta.paragraf}, Dnr {fakta.dnr} – "
        f"{fakta.rubrik}{suffix}",
        subject=f"Protokollsutdrag, {meeting}, § {fakta.paragraf}, Dnr {fakta.dnr}{marking}",
        keywords=keywords,
        created=version.upprattad,
    )


def changes(recorded: Mapping[str, Any], fakta: Fakta) -> tuple[str, ...]:
    """What differs between recorded facts (JSON) and ``fakta``, named as in the note.

    Decision points are compared one by one (``beslutspunkt 2``, ``beslutspunkt 5 (ny)``,
    ``beslutspunkt 4 (struken)``); facts the record lacks are not compared.
    """
    found: list[str] = []
    differs = {
        key for key, value in fakta.to_json().items() if key in recorded and recorded[key] != value
    }
    for key, value in fakta.to_json().items():
        if key not in differs:
            continue
        before = recorded[key]
        if key == "beslut" and differs & {"utfall", "beslutspunkter"}:
            continue  # the lead follows from the outcome and the points
        if key == "beslut" and not before and as_proposed_lead(value):
            # An extract made before a bifall as proposed opened with "… beslutar enligt
            # förslaget" when its points do not name the committee: the decision's wording
            # did not change, so no correction says it did (the review).
            continue
        if key == "utfall":
            found.append(f"beslutet ({_in_words(value)} i stället för {_in_words(before)})")
        elif key == "beslutspunkter" and isinstance(before, list):
            for index in range(max(len(before), len(value))):
                if index >= len(before):
                    found.append(f"beslutspunkt {index + 1} (ny)")
                elif index >= len(value):
                    found.append(f"beslutspunkt {index + 1} (struken)")
                elif before[index] != value[index]:
                    found.append(f"beslutspunkt {index + 1}")
        else:
            found.append(LABELS.get(key, key))
    return tuple(found)


@dataclass(frozen=True)
class _Plan:
    """One extract to write: where, what, and the record to write with it."""

    folder: Path
    fakta: Fakta
    version: Version
    record: dict[str, Any]
    arende: Arende
    program: Program
    stage: Stage

    @property
    def stem(self) -> str:
        return file_stem(self.fakta.paragraf, self.version.nummer)


def build_extracts(
    meeting_path: Path,
    output_root: Path,
    templates: Path,
    converter: Converter,
    paragraf: int | None = None,
    *,
    today: dt.date | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> list[ExtractResult]:
    """Build the extracts of a meeting into ``output_root/<Dnr>/``; one result per paragraph.

    Every paragraph is built unless it is under sekretess or not yet justerad (it is then
    reported as skipped) or the case file changed the decision its justerat extract states
    (reported as refused, :attr:`Status.VAGRAD`, with its problem; the others are built);
    ``paragraf=N`` builds § N only, sekretess or not. Extracts whose
    facts are unchanged are left alone; changed ones get a new version. Everything is made
    in a staging folder, converted in one LibreOffice run and moved into place only then;
    existing extracts are never overwritten. ``today`` (default: the current date) is the
    date of certification. The output folder is locked meanwhile (``on_wait`` is told if
    another command holds it: see :meth:`avtalsgen.build.workspace.Workspace.session`).

    Raises :class:`CaseError` for an invalid meeting or case file, or a paragraph asked for
    that does not exist or cannot be certified yet; :class:`OutputError` when an extract's
    record is unreadable or a file stands where a new version would go.
    """
    meeting = load_meeting(meeting_path)
    today = today or clock.today()
    workspace = Workspace(output_root)
    results, plans = _plan_all(meeting, paragraf, workspace, today, facts_key(output_root))
    if not plans:
        return results  # nothing to write: the output folder is not touched
    with workspace.session("utdrag", on_wait=on_wait) as run:
        # Planned again under the lock: another command may have written meanwhile. The
        # record's digests of what a version is made from are keyed with the output
        # folder's secret, made now if no build has made it (meetings/underlag.py).
        key = facts_key(output_root, create=True)
        results, plans = _plan_all(meeting, paragraf, workspace, today, key)
        if plans:
            _write(plans, run, templates / TEMPLATE, converter)
    return results


def _plan_all(
    meeting: LoadedMeeting,
    paragraf: int | None,
    workspace: Workspace,
    today: dt.date,
    key: FactKey | None,
) -> tuple[list[ExtractResult], list[_Plan]]:
    """What happens to each paragraph asked for, and what is to be written; ``key``: the
    output folder's secret (None: it has none yet, and the plans are not written)."""
    results: list[ExtractResult] = []
    plans: list[_Plan] = []
    for chosen in chosen_paragraphs(meeting, paragraf):
        justering = meeting.sammantrade.justering(chosen)
        if chosen.sekretess and paragraf is None:
            results.append(_secret(meeting, chosen, workspace.case(chosen.dnr).path))
            continue
        if today < justering.justeringsdatum:
            if paragraf is not None:
                raise CaseError(
                    [
                        meeting.problem(
                            (*meeting.locate(chosen), "paragraf"),
                            _(
                                "§ {number} is justerad on {date}; its extract cannot be "
                                "certified before then (today is {today})"
                            ).format(
                                number=chosen.paragraf,
                                date=justering.justeringsdatum,
                                today=today,
                            ),
                        )
                    ]
                )
            results.append(
                ExtractResult(
                    chosen.paragraf,
                    chosen.dnr,
                    Status.EJ_JUSTERAD,
                    justeringsdatum=justering.justeringsdatum,
                )
            )
            continue
        result, plan = _plan(meeting, chosen, workspace.case(chosen.dnr).path, today, key)
        results.append(result)
        if plan is not None:
            plans.append(plan)
    return results, plans


def _secret(meeting: LoadedMeeting, paragraf: Paragraf, folder: Path) -> ExtractResult:
    """A secret paragraph left out; with what changed if its latest extract is out of date."""
    record = read_record(record_path(folder, paragraf.paragraf))
    skipped = ExtractResult(
        paragraf.paragraf, paragraf.dnr, Status.SEKRETESS, sammantrade=str(meeting.path)
    )
    if record is None:
        return skipped
    latest = record["versioner"][-1]
    changed = changes(latest["fakta"], facts(meeting, paragraf))
    if not changed:
        return skipped
    files = tuple(folder / name for name in latest["filer"])
    return ExtractResult(
        paragraf.paragraf,
        paragraf.dnr,
        Status.SEKRETESS,
        int(latest["version"]),
        files,
        changed,
        sammantrade=str(meeting.path),
    )


def chosen_paragraphs(
    meeting: LoadedMeeting, number: int | None, *, secret: bool = True
) -> list[Paragraf]:
    """§ ``number`` of the meeting, or every paragraph (those under secrecy only if
    ``secret``); a § the meeting does not have is refused at the meeting's paragraphs."""
    sammantrade = meeting.sammantrade
    if number is None:
        return [p for p in sammantrade.paragrafer if secret or p.sekretess is None]
    found = sammantrade.paragraf(number)
    if found is None:
        known = ", ".join(f"§ {p.paragraf}" for p in sammantrade.paragrafer)
        raise CaseError(
            [
                meeting.problem(
                    ("paragrafer",),
                    _(
                        "there is no § {number}; the meeting has {known}: ask for one of "
                        "those (or for none, to take every paragraph not under secrecy), or "
                        "add § {number} to the meeting file's paragraphs if the meeting decided "
                        "it"
                    ).format(number=number, known=known),
                )
            ]
        )
    return [found]


def _plan(
    meeting: LoadedMeeting, paragraf: Paragraf, folder: Path, today: dt.date, key: FactKey | None
) -> tuple[ExtractResult, _Plan | None]:
    """Compare with the recorded versions: the result, and what to write if anything."""
    fakta = facts(meeting, paragraf)
    number = paragraf.paragraf
    record_file = record_path(folder, number)
    record = read_record(record_file)
    if record is None:
        for suffix in (".docx", ".pdf"):
            stray = folder / f"{file_stem(number, 1)}{suffix}"
            if stray.exists():
                raise OutputError(
                    _(
                        "{file}: exists without its record {record}, so what it was made from "
                        "is unknown; an extract is never replaced: move it away first"
                    ).format(file=shown(stray), record=record_file.name)
                )
        version = Version.first(today)
        record = {
            "dokument": DOCUMENT,
            "format": RECORD_FORMAT,
            "dnr": paragraf.dnr,
            "paragraf": number,
            "versioner": [],
        }
        status = Status.NY
    else:
        latest = record["versioner"][-1]
        current = int(latest["version"])
        files = tuple(folder / name for name in latest["filer"])
        missing = [str(shown(path)) for path in files if not path.is_file()]
        if missing:
            raise OutputError(
                _(
                    "{record}: version {version} is recorded but {files} is missing; restore "
                    "it from the archive (extracts are never made again under an existing "
                    "version)"
                ).format(record=shown(record_file), version=current, files=", ".join(missing))
            )
        if not changes(latest["fakta"], fakta):
            return ExtractResult(number, paragraf.dnr, Status.OFORANDRAD, current, files), None
        _refuse_another_meeting(latest, meeting, paragraf, record_file)
        decision = {key: latest["fakta"][key] for key in DECISION_FACTS if key in latest["fakta"]}
        edited = case_edit(
            latest, changes(decision, fakta), fakta.beslutspunkter, meeting, paragraf, key
        )
        if edited is not None:
            # Told for this paragraph alone: the others asked for are made.
            result = ExtractResult(number, paragraf.dnr, Status.VAGRAD, current, problem=edited)
            return result, None
        # What changed is told against the version the recipients hold: the newest one
        # certified, not a version made since and never certified.
        base, certified, certified_on = _replaced(record["versioner"], folder)
        replaced_on = certified_on or _iso_date(made_on(base))
        version = Version.correction(
            int(base["version"]),
            replaced_on,
            changes(base["fakta"], fakta),
            today,
            replaced_certified=certified,
            nummer=current + 1,
        )
        status = Status.RATTELSE
    stem = file_stem(number, version.nummer)
    files = (folder / f"{stem}.docx", folder / f"{stem}.pdf")
    for path in files:
        if path.exists():
            raise OutputError(
                _(
                    "{file}: exists but {record} does not list it; an extract is never "
                    "replaced: move it away if it is not a certified extract"
                ).format(file=shown(path), record=record_file.name)
            )
    record["versioner"].append(
        {
            "version": version.nummer,
            "filer": [path.name for path in files],
            "upprattad": today.isoformat(),
            "andrat": list(version.andrat),
            **(
                {
                    "ersatter": version.ersatter,
                    "ersatt_bestyrkt": (
                        replaced_on.isoformat() if certified and replaced_on else None
                    ),
                }
                if version.ersatter
                else {}
            ),
            "sammantrade": meeting.path.name,
            "fakta": fakta.to_json(),
            # Without the secret (planned before the lock, never written): left out.
            **({"underlag": underlag(meeting, paragraf, key)} if key is not None else {}),
        }
    )
    plan = _Plan(
        folder=folder,
        fakta=fakta,
        version=version,
        record=record,
        arende=meeting.case(paragraf).arende,
        program=meeting.case(paragraf).program,
        stage=extract_stage(
            meeting.case(paragraf).arende,
            paragraf,
            meeting.change(paragraf),
            meeting.case(paragraf).program,
        ),
    )
    result = ExtractResult(
        number, paragraf.dnr, status, version.nummer, files, version.andrat,
        ersatter=version.ersatter,
    )  # fmt: skip
    return result, plan


def made_on(entry: Mapping[str, Any]) -> str | None:
    """The day a recorded version of an extract was made (ISO), as its record says: the key
    ``upprattad``, or ``bestyrkt`` in a record written before, which held that day though
    the version was not certified then."""
    made = entry.get("upprattad", entry.get("bestyrkt"))
    return made if isinstance(made, str) else None


def _refuse_another_meeting(
    latest: Mapping[str, Any], meeting: LoadedMeeting, paragraf: Paragraf, record_file: Path
) -> None:
    """Refuse to take a § of another meeting for a correction of the recorded one.

    Extracts are named by Dnr and §, and § numbers start again (each year), so the same §
    may decide the same Dnr at a later meeting. A correction is made in the meeting's own
    file: another file with another meeting date is another meeting.
    """
    before = latest["fakta"].get("sammantradesdatum")
    date = meeting.sammantrade.datum.isoformat()
    if before in (None, date) or latest.get("sammantrade") in (None, meeting.path.name):
        return
    raise OutputError(
        _(
            "{meeting}: § {number} for {dnr} (meeting of {date}): {record} holds the extract of "
            "§ {number} of the meeting of {before} ({file}), and extracts are named by Dnr and "
            "§. If this is another decision, move that meeting's protokollsutdrag-{number}* "
            "files out of {folder} (to the register) first; if it corrects that meeting's "
            "date, correct it in that meeting's file"
        ).format(
            meeting=meeting.path,
            number=paragraf.paragraf,
            dnr=paragraf.dnr,
            date=date,
            record=record_file.name,
            before=before,
            file=latest["sammantrade"],
            folder=shown(record_file.parent),
        )
    )


def _replaced(
    versions: Sequence[Mapping[str, Any]], folder: Path
) -> tuple[Mapping[str, Any], bool, dt.date | None]:
    """The recorded version a correction replaces: the newest certified one (whether it is,
    and the day), else the newest. A version whose PDF is no longer in ``folder`` (moved to
    the register) is certified as the record of the version after it found it."""
    for index in range(len(versions) - 1, -1, -1):
        entry = versions[index]
        files = [folder / name for name in entry["filer"]]
        if any(path.suffix == ".pdf" and path.is_file() for path in files):
            certified, on = _certified(files)
        else:
            later = versions[index + 1] if index + 1 < len(versions) else {}
            told = later.get("ersatt_bestyrkt")
            replaced = later.get("ersatter", int(later.get("version", 0)) - 1)
            certified = isinstance(told, str) and replaced == entry["version"]
            on = _iso_date(told) if certified else None
        if certified:
            return entry, True, on
    return versions[-1], False, None


def _certified(files: Sequence[Path]) -> tuple[bool, dt.date | None]:
    """Whether an extract's PDF among ``files`` is certified (its utdragsbestyrkande
    signed), and the day it was (Swedish time), None when its signature states no time."""
    from avtalsgen.pdf.signed import signed_fields, signed_on

    for path in files:
        if path.suffix == ".pdf" and signed_fields(path).get(SIGNATURE_FIELD):
            return True, signed_on(path, SIGNATURE_FIELD)
    return False, None


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def read_record(path: Path) -> dict[str, Any] | None:
    """The record of an extract's versions (oldest first); None when there is none yet."""
    data = read_json(
        path,
        _("{path}: cannot read the record of the extract: {reason}"),
        _("{path}: the record of the extract is not JSON: {error}"),
    )
    if data is None:
        return None
    versions = data.get("versioner") if isinstance(data, dict) else None
    if not (isinstance(versions, list) and versions and all(map(_valid_version, versions))):
        raise OutputError(
            _(
                "{path}: not a record of protokollsutdrag versions (expected 'versioner': a "
                "list of {{version, filer, fakta}}); fix it or move it away with its extracts"
            ).format(path=shown(path))
        )
    return dict(data)


def _valid_version(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    names = entry.get("filer")
    return (
        isinstance(entry.get("version"), int)
        and isinstance(entry.get("fakta"), dict)
        and isinstance(names, list)
        and all(isinstance(name, str) and Path(name).name == name for name in names)
    )


def _write(plans: Sequence[_Plan], run: Session, template: Path, converter: Converter) -> None:
    """Render every plan, convert them all in one run, then move each into place."""
    staging = run.staging
    try:
        docx_files = []
        seen: list[UtdragContext] = []
        for plan in plans:
            seen.append(context(plan.fakta, plan.version, program=plan.program))
            data = render_document(template, seen[-1], metadata(plan.fakta, plan.version))
            data = keep_with_certification(data, SIGNATURE_ANCHOR)
            path = staging / f"{plan.stem}.docx"
            atomic_write(path, data, durable=False)
            docx_files.append(path)
        pdf_files = converter.convert(docx_files, staging)
        for plan, docx_file, pdf_file, sees in zip(plans, docx_files, pdf_files, seen, strict=True):
            # The extract states the decision as made: the decided facts in a bifall
            # (with ändring, the changed ones), nothing but the proposal's otherwise. It
            # gets the field the secretary signs it in (read back with the facts).
            read = read_pdf(pdf_file, SIGNATURE_ANCHOR)
            lone = lone_heading(read, template)
            if lone is not None:
                # LibreOffice left a heading alone at a page's foot although the template
                # keeps it with its text: that heading starts a page of its own instead,
                # in the Word file as in its PDF (checked again below).
                atomic_write(
                    docx_file, break_before(docx_file.read_bytes(), lone[1]), durable=False
                )
                (pdf_file,) = converter.convert([docx_file], staging)
                read = read_pdf(pdf_file, SIGNATURE_ANCHOR)
            check_facts(
                plan.arende, plan.program, {DOCUMENT: read},
                {DOCUMENT: replace(plan.stage, sources=(sees,))},
                template.parent,
            )  # fmt: skip
            problem = lone_heading_problem(read, template)
            if problem is not None:
                raise FactError(problem)
            fielded = add_signature_fields(pdf_file, [signature_field(read)])
            atomic_write(pdf_file, fielded, durable=False)
        for plan, docx_file, pdf_file in zip(plans, docx_files, pdf_files, strict=True):
            plan.folder.mkdir(parents=True, exist_ok=True)
            for made in (docx_file, pdf_file):
                final = plan.folder / made.name
                try:
                    run.place(made, final)
                except FileExistsError:
                    raise OutputError(
                        _("{file}: already exists; an extract is never replaced").format(
                            file=shown(final)
                        )
                    ) from None
            record = json.dumps(plan.record, ensure_ascii=False, indent=2) + "\n"
            run.write(record_path(plan.folder, plan.fakta.paragraf), record)
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot write the extracts: {reason}").format(
                folder=shown(run.workspace.root), reason=os_reason(exc)
            )
        ) from None


def _in_words(utfall: object) -> str:
    """An outcome as a record holds it (the file's value), in the words of the minutes."""
    text = str(utfall)
    return UTFALL_ORD[Utfall(text)] if text in {u.value for u in Utfall} else text
