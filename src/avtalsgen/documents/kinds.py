"""The documents a case produces, in packet order, and their document properties."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models are imported only where documents are made
    from avtalsgen.documents.context import Context
    from avtalsgen.documents.render import Metadata

#: The documents a case can produce, in packet order, with their title in Swedish.
DOCUMENTS: dict[str, str] = {
    "beslutsforslag": "Beslutsförslag",
    "samarbetsavtal": "Samarbetsavtal",
}


def metadata(document: str, context: Context, built: dt.datetime | None = None) -> Metadata:
    """The document properties of one of a case's documents; ``built`` is the time of the
    build, the document's date when the case gives it none (None: the time it is rendered)."""
    from avtalsgen.documents.render import Metadata

    arende = context.arende
    return Metadata(
        title=f"{DOCUMENTS[document]} {arende.dnr} – {arende.titel}",
        subject=f"{DOCUMENTS[document]}, Dnr {arende.dnr}, {arende.namnd}",
        keywords=(arende.dnr, "basfinansiering", arende.aktor.namn, context.program.namn),
        created=document_date(document, context) or built,
    )


def document_date(document: str, context: Context) -> dt.date | None:
    """The date a document of the case bears, if the case gives one: the agreement its own
    date (else the proposal's), the proposal the case's date."""
    arende = context.arende
    if document == "samarbetsavtal" and arende.avtal.datum is not None:
        return arende.avtal.datum
    return arende.datum
