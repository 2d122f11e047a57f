"""Facts that must agree: read every produced PDF back and compare what it states.

The Dnr, the actor's name, the amount per year, the total, the period and the funding source
must read identically in every document that states them, and every amount in kronor that a
document states must be one of the case's amounts. A template that prints a different amount
fails the build, naming the document and the fact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from avtalsgen.documents import format as fmt
from avtalsgen.errors import AvtalsgenError
from avtalsgen.model import Arende
from avtalsgen.model.agreement import payment_schedule

_AMOUNT = re.compile(r"(?<![\d-])(\d{1,3}(?: \d{3})*) (?:kronor|kr)\b")


class FactError(AvtalsgenError):
    """Documents of one case state a fact differently."""


@dataclass(frozen=True)
class Fact:
    """A fact and the ways a document may state it (any one of them will do)."""

    name: str
    forms: tuple[str, ...]


#: The facts each document must state.
DOCUMENT_FACTS: dict[str, tuple[str, ...]] = {
    "beslutsforslag": ("Dnr", "aktör", "belopp per år", "totalt", "period", "källa"),
    "samarbetsavtal": ("Dnr", "aktör", "belopp per år", "totalt", "period", "källa"),
    "protokollsutdrag": ("Dnr", "belopp per år", "period", "källa"),
}


def _fold(text: str) -> str:
    return " ".join(text.replace(fmt.NBSP, " ").split())


def _squash(text: str) -> str:
    """Text as a PDF reader returns it, whatever the line breaks: no whitespace, no invisible
    marks, no emoji (drawn from a fallback font, placed anywhere), and PDFium's U+FFFE for a
    hyphen at a line's end read as the hyphen."""
    return _DROPPED.sub("", text.replace("\ufffe", "-"))


#: Whitespace; marks a PDF reader adds or drops around right-to-left text, and zero-width
#: characters; and characters from U+1F000 on (emoji and the like).
_DROPPED = re.compile("[\\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\U0001f000-\U0010ffff]+")


def _states(text: str, form: str) -> bool:
    """Whether squashed ``text`` states ``form``; right-to-left words may come in visual
    order, so each such word is looked for on its own."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in form):
        return all(_squash(word) in text for word in form.split())
    return _squash(form) in text


def case_facts(arende: Arende) -> dict[str, Fact]:
    """The facts of a case as the documents print them."""
    money = arende.finansiering
    facts = [
        Fact("Dnr", (arende.dnr,)),
        Fact("aktör", (arende.aktor.namn, arende.aktor.kort)),
        Fact("belopp per år", (fmt.kronor(money.belopp_per_ar),)),
        Fact("totalt", (fmt.number(money.summa),)),
        Fact("period", (f"{fmt.iso(money.period.start)} till {fmt.iso(money.period.slut)}",
                        fmt.intervall(money.period.start, money.period.slut))),
        Fact("källa", (money.kalla,)),
    ]  # fmt: skip
    return {fact.name: Fact(fact.name, tuple(_fold(f) for f in fact.forms)) for fact in facts}


def known_amounts(arende: Arende) -> set[str]:
    """Every amount the case defines, as printed (without the unit)."""
    money = arende.finansiering
    amounts = {money.belopp_per_ar, money.summa}
    amounts |= {row.belopp for row in money.finansiarer}
    amounts |= {year.belopp for year in payment_schedule(arende)}
    return {_fold(fmt.number(amount)) for amount in amounts}


@dataclass(frozen=True)
class PdfText:
    """A PDF as PDFium reads it: the text of each page, and where on its last page each
    occurrence of a phrase asked for starts (the box of its first character: left, bottom,
    right, top, in points)."""

    path: Path
    pages: tuple[str, ...]
    marks: tuple[tuple[float, float, float, float], ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(pdf: Path, phrase: str | None = None) -> PdfText:
    """Read ``pdf`` with PDFium (an independent reader, a few ms per document); with
    ``phrase``, also find where it occurs on the last page (case-sensitive)."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise FactError(f"{pdf.name}: cannot read the PDF: {exc}") from None
    try:
        pages, marks = [], []
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            if phrase is not None and number == len(document):
                searcher = textpage.search(phrase, match_case=True)
                while (hit := searcher.get_next()) is not None:
                    marks.append(textpage.get_charbox(hit[0]))
        return PdfText(pdf, tuple(pages), tuple(marks))
    finally:
        document.close()


def pdf_text(pdf: Path) -> str:
    """The text of a PDF, read with PDFium (see :func:`read_pdf`)."""
    return read_pdf(pdf).text


@dataclass(frozen=True)
class Stage:
    """What one document is checked against: the case as of the document's stage (the
    proposal for the beslutsförslag, the decision for the agreement), and which of its
    facts the document must state."""

    arende: Arende
    """The case as of this stage: the proposal, or the case with the decided financing."""
    facts: tuple[str, ...]
    """The facts (names of :func:`case_facts`) the document must state."""
    name: str = "the case"
    """How messages name the stage, e.g. ``the decision``."""


def check_facts(
    arende: Arende,
    pdfs: Mapping[str, Path | PdfText],
    stages: Mapping[str, Stage] | None = None,
) -> None:
    """Raise :class:`FactError` naming each document and fact that does not agree; each
    document is a PDF file, or one read already.

    Each document is checked against its own stage: ``stages[document]`` where given,
    else ``arende`` with the facts :data:`DOCUMENT_FACTS` lists for it. A document must
    state its stage's facts, and every amount it states must be one of its stage's amounts:
    an agreement that states the proposal's amount after an amended decision is refused.
    """
    problems: list[str] = []
    for document, source in pdfs.items():
        stage = (stages or {}).get(document) or Stage(arende, DOCUMENT_FACTS.get(document, ()))
        facts = case_facts(stage.arende)
        amounts = known_amounts(stage.arende)
        read = source if isinstance(source, PdfText) else read_pdf(source)
        pdf, raw = read.path, read.text
        text, squashed = _fold(raw), _squash(raw)
        for name in stage.facts:
            fact = facts[name]
            if not any(_states(squashed, form) for form in fact.forms):
                problems.append(
                    f"{pdf.name}: {name}: the document does not state "
                    + " or ".join(f"'{form}'" for form in fact.forms)
                )
        for amount in sorted(set(_AMOUNT.findall(text)) - amounts):
            problems.append(
                f"{pdf.name}: amount: the document states {amount} kr/kronor, which is none of "
                f"{stage.name}'s amounts ({', '.join(sorted(amounts))})"
            )
    if problems:
        raise FactError("the documents do not agree on the case's facts:\n" + "\n".join(problems))
