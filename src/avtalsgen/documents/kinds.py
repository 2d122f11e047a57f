"""The documents a case produces, in packet order, and their document properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models are imported only where documents are made
    from avtalsgen.documents.context import Context
    from avtalsgen.documents.render import Metadata
    from avtalsgen.documents.tillagg import TillaggContext


@dataclass(frozen=True)
class Kind:
    """A kind of document avtalsgen makes: what the template check, the fact check, the
    packet, the build record, the manifest and ``--only`` know of it."""

    name: str
    """Its file names and its template's: ``<name>.docx``, ``<name>.pdf``."""
    title: str
    """Its title, in Swedish, as the document, its properties and the packet name it."""
    made_by: str
    """The command that makes it: ``build`` (per case) or ``utdrag`` (per meeting)."""
    context: str
    """What its template sees: ``case`` (:class:`~avtalsgen.documents.context.Context`) or
    ``utdrag`` (:class:`~avtalsgen.meetings.extract.UtdragContext`) or ``tillagg``
    (:class:`~avtalsgen.documents.tillagg.TillaggContext`)."""
    facts: tuple[str, ...]
    """The groups of facts it must state (:mod:`avtalsgen.documents.factcheck`)."""
    every_case: bool = True
    """Whether every case (or meeting) makes it; a tilläggsavtal only comes of a decision
    that changes an agreement, so its template is needed only by such a case."""


BESLUTSFORSLAG = Kind(
    "beslutsforslag", "Beslutsförslag", "build", "case",
    ("Dnr", "aktör", "belopp", "totalt", "period", "källa", "finansiärer", "budgetår"),
)  # fmt: skip
PROTOKOLLSUTDRAG = Kind(
    "protokollsutdrag", "Protokollsutdrag", "utdrag", "utdrag", ("Dnr", "belopp", "period", "källa")
)
SAMARBETSAVTAL = Kind(
    "samarbetsavtal", "Samarbetsavtal", "build", "case",
    ("Dnr", "aktör", "belopp", "regionens andel", "period", "källa", "avtalsår", "utbetalningar",
     "utbetalt"),
)  # fmt: skip

TILLAGGSAVTAL = Kind(
    "tillaggsavtal", "Tilläggsavtal", "build", "tillagg",
    ("Dnr", "aktör", "period", "källa", "avtalsår", "regionens andel"),
    every_case=False,
)  # fmt: skip

#: Every kind of document, in the packet's order: the one list the others are read from.
KINDS: tuple[Kind, ...] = (BESLUTSFORSLAG, PROTOKOLLSUTDRAG, SAMARBETSAVTAL, TILLAGGSAVTAL)

#: The documents ``build`` makes of a case (``--only`` chooses among them), in packet order,
#: with their titles.
DOCUMENTS: dict[str, str] = {kind.name: kind.title for kind in KINDS if kind.made_by == "build"}


def kind(name: str) -> Kind:
    """The kind of document called ``name``."""
    return next(k for k in KINDS if k.name == name)


def metadata(
    document: str, context: Context | TillaggContext, built: dt.datetime | None = None
) -> Metadata:
    """The document properties of one of a case's documents; ``built`` is the time of the
    build, the document's date when the case gives it none (None: the time it is rendered)."""
    from avtalsgen.documents.render import Metadata

    arende = context.arende
    title = subject = DOCUMENTS[document]
    named: tuple[str, ...] = ()
    if document == TILLAGGSAVTAL.name:
        # It names itself, as its packet does: which tilläggsavtal, and what it changes.
        from avtalsgen.documents.tillagg import CHANGE_WORDS, TillaggContext

        assert isinstance(context, TillaggContext)
        title = context.tillagg.rubrik
        word = CHANGE_WORDS[context.tillagg.typ]
        subject = f"{title} ({word})"
        named = (title[:1].lower() + title[1:], word)
    # A document that states a secret paragraph's facts says so as its extract does: in
    # its title (the window title), its subject and its keywords.
    from avtalsgen.model.meeting import secret_labels

    secret, marked, keyword = secret_labels(context.sekretess)
    return Metadata(
        title=f"{secret}{title} {arende.dnr} – {arende.titel}",
        subject=f"{subject}, Dnr {arende.dnr}, {arende.namnd}{marked}",
        keywords=(
            arende.dnr,
            context.program.finansiering.obestamd,
            arende.aktor.namn,
            context.program.namn,
            *named,
            *keyword,
        ),
        created=document_date(document, context) or built,
    )


def document_date(document: str, context: Context | TillaggContext) -> dt.date | None:
    """The date a document of the case bears, if the case gives one: the agreement its own
    date (else the proposal's), the proposal the case's date; a tilläggsavtal none (the
    time it is built)."""
    arende = context.arende
    if document == TILLAGGSAVTAL.name:
        return None
    if document == "samarbetsavtal" and arende.avtal.datum is not None:
        return arende.avtal.datum
    return arende.datum


#: The line each signature block of an agreement holds, once per party: the packet's
#: signature field goes under it (:func:`avtalsgen.pdf.packet.signature_boxes`), and the
#: fact check requires every block on the document's last page.
SIGNATURE_ANCHOR = "Datum: enligt den elektroniska underskriften"
#: The documents that end with a signature block per party, and how many blocks.
SIGNATURE_BLOCKS = {"samarbetsavtal": 2, "tillaggsavtal": 2}
