"""Facts a packet still leaves unknown: every "[uppgift saknas]" its pages show.

The documents show a fact the case file leaves ``null`` as a visible ``[uppgift saknas]``
(:data:`avtalsgen.documents.format.MISSING`). Before a packet is signed with a real key,
:func:`unknown_facts` reads its text (PDFium) and lists each such place with the line it
stands in and its page label ("Samarbetsavtal s. 1: Organisationsnummer: [uppgift
saknas]"), so that nobody signs an agreement with gaps without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from avtalsgen.documents.format import MISSING
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _

#: The placeholder as PDFium reads it: words may be broken across lines.
_PLACEHOLDER = re.compile(r"\s+".join(re.escape(word) for word in MISSING.split()))
_LINE_CHARS = 160
#: "Sida 2 (4)" in a page header, which differs from page to page.
_PAGE_NUMBER = re.compile(r"\bSida \d+ \(\d+\)")
#: " s. 3" in a page label: what is left names the document.
_PAGE_OF_PART = re.compile(r" s\. \d+$")


@dataclass(frozen=True)
class UnknownFact:
    """One place where a packet shows an unknown fact."""

    page: str
    """The page's label, e.g. "Samarbetsavtal s. 1" (its number if it has none)."""
    line: str
    """The line it stands in, e.g. "Organisationsnummer: [uppgift saknas]"."""

    def __str__(self) -> str:
        return f"{self.page}: {self.line}"


def unknown_facts(pdf: Path) -> list[UnknownFact]:
    """Every place the PDF at ``pdf`` shows :data:`MISSING`, in page order.

    Raises :class:`AvtalsgenError` if PDFium cannot read it.
    """
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise AvtalsgenError(
            _("{file}: cannot read the PDF: {error}").format(file=pdf.name, error=exc)
        ) from None
    found: list[UnknownFact] = []
    seen: set[tuple[str, str]] = set()
    try:
        for index, page in enumerate(document):
            text = page.get_textpage().get_text_range()
            if "saknas" not in text:
                continue
            label = document.get_page_label(index) or str(index + 1)
            part = _PAGE_OF_PART.sub("", label)
            lines = text.splitlines()
            for number, raw in enumerate(lines):
                line = _PAGE_NUMBER.sub("", " ".join(raw.split())).strip()
                if not _PLACEHOLDER.search(line):
                    continue
                if _PLACEHOLDER.fullmatch(line) and number:  # a lone name: say what is above
                    above = next((p.strip() for p in reversed(lines[:number]) if p.strip()), "")
                    line = f"{' '.join(above.split())} … {line}" if above else line
                if (part, line) in seen:  # a page header repeats on every page
                    continue
                seen.add((part, line))
                if len(line) > _LINE_CHARS:
                    line = line[: _LINE_CHARS - 1] + "…"
                found.append(UnknownFact(label, line))
    finally:
        document.close()
    return found
