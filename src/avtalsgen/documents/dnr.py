"""A Dnr, a date or a spaced hyphen in a name never breaks at its hyphens: Word's
non-breaking hyphen in the rendered documents.

A line break after ``RUN-`` or ``RUN-00386-`` splits the number a reader searches the
case register for, and one after ``2025-09-`` leaves a date that reads as two ("2025-09-"
on one line, "01–2027-08-31" on the next: LibreOffice breaks an ISO date at its hyphens
where a period does not fit on the line). So every Dnr and every ISO date in a document's
text (body, headers and footers, wherever a template or a text puts it) is written with
``<w:noBreakHyphen/>`` instead of its hyphens. Word and LibreOffice show it as a hyphen and
never break a line at it; in the PDF it is U+2011 NON-BREAKING HYPHEN, which the fact check
reads as the hyphen (poppler's pdftotext gives the hyphen itself).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document

#: A Dnr in running text.
DNR_IN_TEXT = re.compile(r"RUN-[0-9]{5}-[0-9]{4}")
#: What is kept on one line: a Dnr, an ISO date (2025-09-01) standing as a word of its own,
#: or a hyphen between no-break spaces (a financier's "Region Norrbotten - ERP", its spaces
#: made no-break ones by :func:`avtalsgen.documents.format.keep_together`: Unicode's line
#: breaking allows a break after a hyphen even before a no-break space).
KEPT_TOGETHER = re.compile(
    rf"{DNR_IN_TEXT.pattern}|(?<![0-9-])[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?![0-9])"
    "|(?<=\u00a0)-(?=\u00a0)"
)
#: What a PDF reader returns for Word's non-breaking hyphen.
NON_BREAKING_HYPHEN = "\u2011"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _text_parts(document: Document) -> list[Any]:
    """The XML root of the document's body and of its headers and footers."""
    roots = [document.element]
    for part in document.part.package.iter_parts():
        name = str(part.partname)
        if name.startswith(("/word/header", "/word/footer")) and hasattr(part, "element"):
            roots.append(part.element)
    return roots


@functools.cache
def _texts_with_hyphen() -> Callable[[Any], list[Any]]:
    """An XPath: the w:t elements under a node whose text holds a hyphen (every Dnr and
    date does)."""
    from lxml import etree

    found: Callable[[Any], list[Any]] = etree.XPath(
        ".//w:t[contains(., '-')]", namespaces={"w": _W}
    )
    return found


def keep_dnr_together(document: Document) -> None:
    """Write every Dnr and ISO date in ``document`` with non-breaking hyphens
    (``w:noBreakHyphen``)."""
    from lxml import etree

    candidates = _texts_with_hyphen()
    for root in _text_parts(document):
        # XPath finds the texts that hold a hyphen (in C); the pattern picks Dnrs and dates.
        texts = [t for t in candidates(root) if t.text and KEPT_TOGETHER.search(t.text)]
        for element in texts:
            pieces: list[Any] = []
            # Every other piece is a match (the pattern has no group of its own).
            chunks = re.split(f"({KEPT_TOGETHER.pattern})", element.text)
            for position, chunk in enumerate(chunks):
                words = chunk.split("-") if position % 2 else [chunk]
                for index, word in enumerate(words):
                    if index:
                        pieces.append(etree.Element(f"{{{_W}}}noBreakHyphen"))
                    if word:
                        text = etree.Element(f"{{{_W}}}t")
                        text.text = word
                        text.set(_XML_SPACE, "preserve")
                        pieces.append(text)
            anchor = element
            for piece in pieces:
                anchor.addnext(piece)
                anchor = piece
            element.getparent().remove(element)
