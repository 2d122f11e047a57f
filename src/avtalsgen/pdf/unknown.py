"""Facts a packet still leaves unknown: every "[uppgift saknas]" its pages show.

The documents show a fact the case file leaves ``null`` as a visible ``[uppgift saknas]``
(:data:`avtalsgen.documents.format.MISSING`). Before a packet is signed with a real key,
:func:`unknown_facts` reads its text (PDFium) and lists each line that holds one with its
page label ("Samarbetsavtal s. 1: Organisationsnummer: [uppgift saknas]"), so that nobody
signs an agreement with gaps without a word; :func:`placeholder_count` counts the facts (a
line may hold several).
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
#: Characters of a long line kept before its first placeholder.
_CONTEXT_BEFORE = 60
#: A line that is a label and an unknown fact, "Ort: [uppgift saknas]".
_LABELLED = re.compile(r"[^:]{1,40}: " + _PLACEHOLDER.pattern)
#: The first line of a signature block, "För Region Norrbotten", at most this many lines up.
_BLOCK_HEAD = re.compile(r"För \S")
_BLOCK_LINES = 5
#: One labelled fact of a line that may hold several, "Datum: [uppgift saknas]".
_FACT = re.compile(r"\w[\w ]{0,39}: " + _PLACEHOLDER.pattern)
#: A line that ends inside the placeholder, which goes on on the next line.
_BROKEN = re.compile(r"\[uppgift\s*$")
#: "Sida 2 (4)" in a page header, which differs from page to page.
_PAGE_NUMBER = re.compile(r"\bSida \d+ \(\d+\)")
#: " s. 3" in a page label: what is left names the document.
_PAGE_OF_PART = re.compile(r" s\. \d+$")


@dataclass(frozen=True)
class UnknownFact:
    """One line where a packet shows one or more unknown facts."""

    page: str
    """The page's label, e.g. "Samarbetsavtal s. 1" (its number if it has none)."""
    line: str
    """The line they stand in, e.g. "Organisationsnummer: [uppgift saknas]"; a signature
    block's line names its party ("För Region Norrbotten, Ort: [uppgift saknas]")."""

    @property
    def count(self) -> int:
        """The placeholders in the line: each is a fact unknown."""
        return placeholder_count(self.line)

    def __str__(self) -> str:
        return f"{self.page}: {self.line}"


def placeholder_count(text: str) -> int:
    """How many times :data:`MISSING` stands in ``text`` (e.g. an :class:`UnknownFact` as a
    string): the number of unknown facts it shows."""
    return len(_PLACEHOLDER.findall(text))


def _shortened(line: str) -> str:
    """``line`` cut to about :data:`_LINE_CHARS` characters around its placeholders, which
    it keeps every one of."""
    if len(line) <= _LINE_CHARS:
        return line
    found = list(_PLACEHOLDER.finditer(line))
    start = max(0, found[0].start() - _CONTEXT_BEFORE)
    end = max(found[-1].end(), min(len(line), start + _LINE_CHARS))
    return ("…" if start else "") + line[start:end].strip() + ("…" if end < len(line) else "")


def _in_signature_block(lines: list[str], number: int, line: str) -> str:
    """A signature block's labelled line ("Ort: [uppgift saknas]") with its party's line
    before it, since both parties' blocks hold the same labels."""
    if not _LABELLED.fullmatch(line):
        return line
    for above in reversed(lines[max(0, number - _BLOCK_LINES) : number]):
        head = " ".join(above.split())
        if _BLOCK_HEAD.match(head):
            return f"{head}, {line}"
    return line


def _repeats(line: str, lines: list[str]) -> bool:
    """Whether ``line`` (a page header's "Avdelning: [uppgift saknas] Datum: [uppgift
    saknas]") only repeats facts that other ``lines`` of its page state one by one."""
    facts = [" ".join(match.group(0).split()) for match in _FACT.finditer(line)]
    return len(facts) > 1 and all(fact in lines for fact in facts)


def _joined(lines: list[str]) -> list[str]:
    """The page's lines, a placeholder broken at the end of a line joined to its rest."""
    joined: list[str] = []
    for line in lines:
        if joined and _BROKEN.search(joined[-1]):
            joined[-1] = f"{joined[-1].rstrip()} {line.lstrip()}"
        else:
            joined.append(line)
    return joined


def unknown_facts(pdf: Path) -> list[UnknownFact]:
    """Every line where the PDF at ``pdf`` shows :data:`MISSING`, in page order; a line
    that a page header repeats on every page of a document is listed once.

    Raises :class:`AvtalsgenError` if PDFium cannot read it.
    """
    from avtalsgen.documents.factcheck import PDFIUM_LOCK

    with PDFIUM_LOCK:
        return _unknown_facts(pdf)


def shows_unknown(pdf: Path) -> bool:
    """Whether the PDF at ``pdf`` shows :data:`MISSING` at all: :func:`unknown_facts` is not
    empty exactly when it does (each page's lines hold what its text holds), but this reads
    pages only up to the first that shows it, where a packet with gaps has them on its
    first pages (a packet of ten pages: two read rather than ten).

    Raises :class:`AvtalsgenError` if PDFium cannot read it.
    """
    from avtalsgen.documents.factcheck import PDFIUM_LOCK

    with PDFIUM_LOCK:
        document = _opened(pdf)
        try:
            for page in document:
                if _PLACEHOLDER.search(page.get_textpage().get_text_range()):
                    return True
        finally:
            document.close()
    return False


def _opened(pdf: Path) -> pdfium.PdfDocument:
    """The PDF at ``pdf`` opened by PDFium; AvtalsgenError if it cannot be read."""
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise AvtalsgenError(
            _("{file}: cannot read the PDF: {error}").format(file=pdf.name, error=exc)
        ) from None


def _unknown_facts(pdf: Path) -> list[UnknownFact]:
    document = _opened(pdf)
    found: list[UnknownFact] = []
    earlier: set[tuple[str, str]] = set()  # lines of earlier pages, by document
    try:
        for index, page in enumerate(document):
            text = page.get_textpage().get_text_range()
            if "saknas" not in text:
                continue
            label = document.get_page_label(index) or str(index + 1)
            part = _PAGE_OF_PART.sub("", label)
            lines = _joined(text.splitlines())
            here: list[str] = []
            for number, raw in enumerate(lines):
                line = _PAGE_NUMBER.sub("", " ".join(raw.split())).strip()
                if not _PLACEHOLDER.search(line):
                    continue
                if (part, line) in earlier:  # a page header repeats on every page
                    continue
                line = _in_signature_block(lines, number, line)
                if line not in here:  # the page header repeats the body's facts
                    here.append(line)
            earlier |= {(part, line) for line in here}
            found += [
                UnknownFact(label, _shortened(line)) for line in here if not _repeats(line, here)
            ]
    finally:
        document.close()
    return found
