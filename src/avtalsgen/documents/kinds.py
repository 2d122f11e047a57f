"""The documents a case produces, in packet order, and their document properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models are imported only where documents are made
    from avtalsgen.documents.context import Context
    from avtalsgen.documents.render import Metadata

#: The documents a case can produce, in packet order, with their title in Swedish.
DOCUMENTS: dict[str, str] = {
    "beslutsforslag": "Beslutsförslag",
    "samarbetsavtal": "Samarbetsavtal",
}


def metadata(document: str, context: Context) -> Metadata:
    """The document properties of one of a case's documents."""
    from avtalsgen.documents.render import Metadata

    arende = context.arende
    return Metadata(
        title=f"{DOCUMENTS[document]} {arende.dnr} – {arende.titel}",
        subject=f"{DOCUMENTS[document]}, Dnr {arende.dnr}, {arende.namnd}",
        keywords=f"{arende.dnr}, basfinansiering, {arende.aktor.namn}, {context.program.namn}",
        created=arende.datum,
    )
