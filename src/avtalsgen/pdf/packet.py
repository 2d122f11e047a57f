"""The case's packet for the register: its documents and attachments in one PDF/A-2b file,
with a contents page and an empty signature field per signatory on the agreement's
signature page. A packet that has been signed is never replaced: a rebuild that changes it
becomes a new version (paket-v2.pdf, ...)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.build.workspace import CaseFolder, embedded_name, parse_versioned
from avtalsgen.documents.kinds import (
    BESLUTSFORSLAG,
    PROTOKOLLSUTDRAG,
    SAMARBETSAVTAL,
    SIGNATURE_ANCHOR,
    TILLAGGSAVTAL,
)
from avtalsgen.errors import AvtalsgenError, CaseError
from avtalsgen.model.decision import UTFALL_ORD, Utfall
from avtalsgen.pdf.signed import is_signed

if TYPE_CHECKING:  # the PDF libraries load only when a packet is made
    from avtalsgen.build.stages import CaseStages, ExtractPart
    from avtalsgen.documents.factcheck import PdfText
    from avtalsgen.input.load import LoadedCase
    from avtalsgen.pdf.assemble import EarlierVersion, EmbeddedFile, Packet, PacketPart

#: What a signed extract's title says in the contents and bookmarks: its signed original is
#: an embedded file (the pages are a copy without the signature field). Not said in the
#: packet's subject and keywords, which name what it holds.
SIGNED_ORIGINAL = " (det signerade originalet är bifogat som fil)"
#: What an extract's title says when the extract is not certified (no utdragsbestyrkande:
#: the secretary has not signed it) as the packet is made: its page says "Datum: enligt den
#: elektroniska underskriften" and the packet holds no such signature, so the contents
#: page and bookmark say so. Not said in the keywords; the subject says it in a clause.
NOT_CERTIFIED = ", ej bestyrkt"
#: The signature fields, in the order they are signed: the region first, then the actor.
SIGNATORIES = ("region", "aktor")
#: Text in each signature block under which the signature's box goes.
_ANCHOR = SIGNATURE_ANCHOR
_BOX_WIDTH = 200.0
_BOX_HEIGHT = 60.0


@dataclass(frozen=True)
class Attachment:
    """An attachment of the case: its title and file."""

    title: str
    path: Path


@dataclass(frozen=True)
class ExtractInPacket:
    """How the newest protocol extract goes into the packet: its pages (without its
    signature field), its signed original as an embedded file, and its secrecy marking."""

    pages: Path
    """A copy of the extract without its signature field (a packet's fields are its own)."""
    title: str
    """The title on the contents page and bookmark."""
    signed: bool
    """Whether the extract is signed; then :attr:`original` is embedded as it is."""
    original: Path
    """The extract as the case's folder holds it."""
    marking: str
    """The secrecy marking of the extract ("" when not secret); the packet carries it too."""


def extract_for_packet(extract: Path, paragraf: int, workdir: Path) -> ExtractInPacket:
    """Prepare the newest protocol extract for the packet (see :class:`ExtractInPacket`).

    A signed extract is embedded byte for byte, so the secretary's signature stays
    verifiable inside the packet (``avtalsgen verify`` checks it there); its pages are
    copied without the signature field, since a packet's signature fields must all be made
    when the packet is, and a copied signature would not be valid in the packet. The pages
    of an extract not signed leave out its certification block too
    (:mod:`avtalsgen.meetings.packetcopy`).
    """
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    signed = is_signed(extract)
    pages = workdir / f"{extract.stem}-sidor.pdf"
    with open_pdf(extract) as pdf:
        if "/AcroForm" in pdf.Root:
            del pdf.Root.AcroForm
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if isinstance(annots, pikepdf.Array):
                kept = [a for a in annots if a.get("/Subtype") != pikepdf.Name.Widget]
                if kept:
                    page.obj.Annots = pikepdf.Array(kept)
                else:
                    del page.obj.Annots
        if not signed:
            # No signature certifies this copy: it states no certification either.
            from avtalsgen.meetings.packetcopy import leave_out_certification

            leave_out_certification(pdf)
        pdf.save(pages, fix_metadata_version=False)
    title = f"Protokollsutdrag § {paragraf}" + (SIGNED_ORIGINAL if signed else NOT_CERTIFIED)
    return ExtractInPacket(pages, title, signed, extract, _extract_marking(extract))


def _extract_marking(extract: Path) -> str:
    """The secrecy marking the extract's record gives for its version ("" if none)."""
    from avtalsgen.model.meeting import sekretessmarkering  # the models load only if needed

    folder = CaseFolder(extract.parent)
    numbers = [number for number, _, path in folder.extract_pdfs() if path == extract]
    if not numbers:
        return ""
    record = folder.extract_record(numbers[0])
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        version = next(v for v in data["versioner"] if extract.name in v["filer"])
        facts = version["fakta"]
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return ""
    provision = facts.get("sekretess") or ""
    if not provision:
        return ""
    return sekretessmarkering(
        provision, str(facts.get("sekretess_datum") or ""), str(facts.get("sekretess_markerad_av"))
    )


def _pages_stating(pdf: Path, marking: str) -> frozenset[int]:
    """The pages of ``pdf`` (1 is its first) whose own text states every marking of
    ``marking`` (as :func:`avtalsgen.model.meeting.join_markings` joins them), read back
    with PDFium; spaces and line breaks aside."""
    from avtalsgen.documents.factcheck import read_pdf
    from avtalsgen.model.meeting import split_markings

    wanted = ["".join(one.split()) for one in split_markings(marking)]
    pages = read_pdf(pdf).pages
    return frozenset(
        number
        for number, text in enumerate(pages, 1)
        if all(one in "".join(text.split()) for one in wanted)
    )


def packet_version(folder: Path) -> int:
    """The version of the packet a build writes in ``folder``: the newest that is there if
    it is not signed (it is replaced), else the next (a signed packet is kept, and so are
    the documents beside it); 1 in a new folder."""
    versions = CaseFolder(folder).packet_versions()
    if not versions:
        return 1
    newest = versions[-1]
    number = parse_versioned(newest.name)
    current = number[1] if number is not None else len(versions)
    return current + 1 if is_signed(newest) else current


def read_agreement(agreement: Path) -> PdfText:
    """The agreement's PDF read back, with where its signature blocks are (for
    :func:`signature_boxes`); it serves the fact check as well."""
    from avtalsgen.documents.factcheck import read_pdf

    return read_pdf(agreement, _ANCHOR)


def signature_boxes(agreement: PdfText) -> list[tuple[float, float, float, float]]:
    """The boxes under each signature block on the agreement's last page, in reading order
    (top to bottom, then left to right; ``agreement`` as :func:`read_agreement` reads it)."""
    boxes = []
    for left, bottom, _, _ in agreement.marks:
        top = bottom - 6
        boxes.append((left, top - _BOX_HEIGHT, left + _BOX_WIDTH, top))
    if len(boxes) != len(SIGNATORIES):
        from avtalsgen.documents.factcheck import signature_blocks_problem

        raise AvtalsgenError(
            signature_blocks_problem(agreement, len(SIGNATORIES), None)
            or f"{agreement.path.name}: {len(boxes)} != {len(SIGNATORIES)}"
        )
    return sorted(boxes, key=lambda box: (-round(box[3]), box[0]))


def packet_extracts(stages: CaseStages) -> list[ExtractPart]:
    """The protocol extracts the case's packet holds: with a tilläggsavtal, the extract of
    the decision that changed the agreement; else those of the decisions on the proposal
    (a change's goes with its tilläggsavtal, in a packet of its own)."""
    change = stages.plan.change if stages.plan is not None else None
    if change is not None:
        return [found for found in stages.extracts if found.decision == change.decision]
    return [found for found in stages.extracts if found.decision.paragraf.tillagg is None]


def build_packet(
    stages: CaseStages,
    documents: dict[str, Path],
    attachments: list[Attachment],
    output: Path,
    agreement_read: PdfText | None,
    names: Mapping[Path, Path] | None = None,
) -> Packet:
    """Assemble the case's packet into ``output`` and check it: what the case's outcome
    calls for (see :mod:`avtalsgen.build.stages`).

    The extracts are those ``stages`` found in the case's folder. ``agreement_read`` is the
    agreement as :func:`read_agreement` read it (for the signature fields), or None when
    the outcome calls for no agreement: the packet then has no signature field.
    ``names`` gives the files the user will look for, as messages name the packet and its
    documents (made in a staging folder).
    """
    from avtalsgen.model.meeting import join_markings, secret_labels, split_markings
    from avtalsgen.pdf.assemble import (
        EmbeddedFile,
        PacketMetadata,
        PacketPart,
        SignatureField,
        assemble_packet,
    )

    context = stages.decided
    arende = stages.proposal.arende
    embedded: list[EmbeddedFile] = []
    markings: list[str] = []
    uncertified: list[str] = []  # "§ 211" of each extract not certified
    change = stages.plan.change if stages.plan is not None else None
    # The documents in the order of the decision's flow, each decision before the agreement
    # it yields: the beslutsförslag, the extracts, the samarbetsavtal; for a change of the
    # signed agreement, the extract of the decision that changed it, then the tilläggsavtal
    # (the signed packets stay as they are; a new version follows this order).
    parts: list[PacketPart] = []
    # The document the parties sign, last (None: the decision yields no agreement).
    agreement_part: PacketPart | None = None
    if change is not None:
        assert stages.tillagg is not None and agreement_read is not None
        agreement_part = PacketPart(
            documents[TILLAGGSAVTAL.name], stages.tillagg.tillagg.rubrik, TILLAGGSAVTAL.title
        )
        signers = stages.tillagg.tillagg.underskrifter
    else:
        title = BESLUTSFORSLAG.title
        parts.append(PacketPart(documents[BESLUTSFORSLAG.name], title, title))
        if agreement_read is not None:
            title = SAMARBETSAVTAL.title
            agreement_part = PacketPart(documents[SAMARBETSAVTAL.name], title, title)
        signers = context.avtal.underskrifter
    # The documents' own marking: every paragraph under sekretess whose facts they state.
    own = stages.tillagg if change is not None and stages.tillagg is not None else context
    markings.extend(split_markings(own.sekretess))
    for found in packet_extracts(stages):  # each decision's, in the order they were made
        decision = found.decision
        number = decision.paragraf.paragraf
        extract = extract_for_packet(found.pdf, number, output.parent)
        title = f"{PROTOKOLLSUTDRAG.title} § {number} ({decision.datum.isoformat()})"
        if extract.signed:
            title += SIGNED_ORIGINAL
            embedded.append(
                EmbeddedFile(
                    embedded_name(arende.dnr, extract.original.name),
                    extract.original.read_bytes(),
                    "Protokollsutdrag, bestyrkt med elektronisk underskrift (utdragsbestyrkande)",
                )
            )
        else:
            title += NOT_CERTIFIED
            uncertified.append(f"§ {number}")
        parts.append(PacketPart(extract.pages, title, PROTOKOLLSUTDRAG.title))
        if extract.marking:
            markings.extend(split_markings(extract.marking))
    fields = []
    if agreement_part is not None and agreement_read is not None:
        parts.append(agreement_part)
        agreement = len(parts) - 1
        boxes = signature_boxes(agreement_read)
        fields = [
            SignatureField(name, agreement, -1, box, f"Underskrift {signer.part}")
            for name, box, signer in zip(SIGNATORIES, boxes, signers, strict=True)
        ]
    extras = [
        PacketPart(item.path, item.title, f"Bilaga {number}")
        for number, item in enumerate(attachments, 1)
    ]
    marking = join_markings(markings)
    if marking:
        parts = [replace(part, marked=_pages_stating(part.path, marking)) for part in parts]
    outcome = stages.history.utfall
    decided: tuple[str, ...] = (UTFALL_ORD[outcome],) if outcome is not None else ()
    what = f" – {agreement_part.title}" if change is not None and agreement_part else ""
    version = about = ""
    final = (names or {}).get(output, output)  # where the packet goes: paket-v2.pdf
    versioned = parse_versioned(final.name)
    packet_number = versioned[1] if versioned is not None else 1
    if change is not None:
        # A later version names itself: which tilläggsavtal and what it changes (in the
        # title), and the packet's version (paket-v2.pdf), not the original grant's outcome
        # ("…, tilläggsavtal nr 2, bifall").
        from avtalsgen.documents.tillagg import CHANGE_WORDS

        number = packet_number
        word = CHANGE_WORDS[change.andring.tillagg.typ]
        version = f", version {number}"
        about = f" ({word}); paketets version {number}"
        decided = (word, f"version {number}")
    secret, marked, keyword = secret_labels(marking)
    grant = context.program.finansiering.obestamd
    meta = PacketMetadata(
        title=f"{secret}Ärende {arende.dnr} – {arende.titel}{what}{version}",
        dnr=arende.dnr,
        subject=packet_subject(grant, context.program.namn, parts, extras)
        + about
        + _not_certified(uncertified)
        + marked,
        keywords=(
            arende.dnr,
            grant,
            arende.aktor.namn,
            context.program.namn,
            *(_plain(part.title).lower() for part in parts),
            *(part.title for part in extras),
            *keyword,
            *decided,
        ),
        # None: the latest date its documents bear (each the case's date or the build's time)
        created=None,
        marking=marking,
        version=packet_number,
        earlier=_earlier_version(final.parent, packet_number),
    )
    # assemble_packet checks what it wrote (qpdf's syntax check and the PDF/A-2b structure,
    # language sv-SE included) before the packet gets its name.
    return assemble_packet(parts, extras, meta, fields, output, embedded=embedded, names=names)


def _earlier_version(folder: Path, version: int) -> EarlierVersion | None:
    """The newest packet version in ``folder`` before ``version``, with the DocumentID its
    XMP states ("" if none, or if it cannot be read), or None if there is none."""
    import pikepdf

    from avtalsgen.pdf.assemble import EarlierVersion
    from avtalsgen.pdf.pdffile import open_pdf

    found = [
        (parsed[1], path)
        for path in CaseFolder(folder).packet_versions()
        if (parsed := parse_versioned(path.name)) is not None and parsed[1] < version
    ]
    if not found:
        return None
    number, path = max(found)
    document_id = ""
    try:
        with open_pdf(path) as pdf:
            document_id = str(pdf.open_metadata().get("xmpMM:DocumentID", ""))
    except (OSError, pikepdf.PdfError, ValueError):
        pass
    return EarlierVersion(path.name, number, document_id)


def _plain(title: str) -> str:
    """A part's title without what it says of the extract's certification."""
    return title.removesuffix(SIGNED_ORIGINAL).removesuffix(NOT_CERTIFIED)


def _not_certified(paragraphs: Sequence[str]) -> str:
    """The subject's clause on the extracts not certified as the packet is made ("" if
    none): "; ej bestyrkt när paketet sattes samman: protokollsutdrag § 211"."""
    if not paragraphs:
        return ""
    from avtalsgen.documents.format import och

    word = "bestyrkt" if len(paragraphs) == 1 else "bestyrkta"
    return f"; ej {word} när paketet sattes samman: protokollsutdrag {och(list(paragraphs))}"


def packet_subject(
    grant: str, program: str, documents: Sequence[PacketPart], attachments: Sequence[PacketPart]
) -> str:
    """What the packet holds, in words: "Basfinansiering inom <program>: beslutsförslag,
    samarbetsavtal och bilaga 1 (Verksamhetsplan)" (its bookmarks, in their order), the
    grant named in the indefinite form as the program names it (``grant``)."""
    titles = [_plain(part.title) for part in documents]
    named = [title[0].lower() + title[1:] for title in titles]
    named += [f"{part.label.lower()} ({part.title})" for part in attachments]
    from avtalsgen.documents.format import och

    return f"{grant[:1].upper()}{grant[1:]} inom {program}: {och(named)}"


def no_agreement(packet: Path) -> str | None:
    """Why ``packet`` holds no agreement to sign, if its manifest records that the
    committee's decision left it out (an avslag, or a case sent back or postponed): the
    decision named by outcome, §, date and meeting file (and line). None otherwise, or
    when there is no manifest beside it."""
    from avtalsgen.i18n import _

    try:
        data = json.loads(CaseFolder(packet.parent).manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = data.get("packets") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("file") != packet.name:
            continue
        decision = entry.get("beslut")
        if not isinstance(decision, dict) or decision.get("avtal") is not False:
            return None
        try:
            word = UTFALL_ORD[Utfall(str(decision.get("utfall")))]
        except ValueError:
            word = str(decision.get("utfall"))
        line = f":{decision['rad']}" if isinstance(decision.get("rad"), int) else ""
        return _(
            "there is no agreement to sign: the committee's decision on {dnr} ({utfall}, "
            "§ {paragraf} of the meeting of {datum}, {meeting}{line}) left it out, and the "
            "packet has no signature field"
        ).format(
            dnr=packet.parent.name,
            utfall=word,
            paragraf=decision.get("paragraf"),
            datum=decision.get("datum"),
            meeting=decision.get("sammantrade"),
            line=line,
        )
    return None


def check_signable(packet: Path) -> None:
    """Refuse to sign a packet whose case the committee's decision leaves without an
    agreement, as its manifest records it (see :func:`no_agreement`): such a packet has no
    signature field, and the message says why. A packet without a manifest beside it is
    left to the signing, which finds no field."""
    reason = no_agreement(packet)
    if reason is not None:
        raise AvtalsgenError(f"{packet}: {reason}")


def packet_bilagor(case: LoadedCase, change: object | None) -> list[tuple[str, str]]:
    """The attachments (title, file) a packet of ``case`` holds: the case's, in the packet
    of the decision and its agreement; none in a tilläggsavtal's (``change`` not None),
    which holds the decision that changed the agreement and the tilläggsavtal. The
    attachments are the original decision's and the agreement's, registered with the
    signed packet that holds them: carried again, the diarium would hold them twice, as if
    they were the tilläggsavtal's, which changes only what it states ("I övrigt gäller
    avtalet oförändrat")."""
    if change is not None:
        return []
    return [(item.titel, item.fil) for item in case.arende.bilagor]


def resolve_attachments(case_path: Path, bilagor: list[tuple[str, str]]) -> list[Attachment]:
    """The case's attachments as files inside its folder; refuse any that escape it."""
    folder = case_path.parent.resolve()
    found, problems = [], []
    for index, (title, name) in enumerate(bilagor):
        path = (case_path.parent / name).resolve()
        where = f"{case_path}: bilagor[{index}].fil"
        if not path.is_relative_to(folder):
            problems.append(f"{where}: '{name}' leads outside the case's folder (a symlink?)")
        elif not path.is_file():
            problems.append(f"{where}: file not found: {case_path.parent / name}")
        else:
            found.append(Attachment(title, path))
    if problems:
        raise CaseError(problems)
    return found
