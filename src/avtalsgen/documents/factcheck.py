"""Facts that must agree: read every produced PDF back and compare what it states.

The Dnr, the actor's name, the region's amounts, the period and the region's sources must
read the same in every document that states them; the beslutsförslag's Finansiering table
must name every financier with its total and give the whole financing as the total (not the
region's share); the agreement must state the region's total. Each financier's figures agree
across documents: wherever a document names a financier and then an amount, the amount is
one of that financier's figures. And every amount in kronor that a document states must be
a figure of the financing it states: a financier's amount per year, per avtalsår or budget
year, a payment, a budget-year sum or a total. The beslutsförslag states the financing as
proposed; the agreement and the protocol extract the financing decided. A template that
prints another amount fails the build, naming the document and the fact.

Some facts must stand in a given place, not merely somewhere: the Dnr on every page (the
page header) and on the first page outside it, on a line of its own (a screen reader skips
the page header, and the Dnr in running text is a reference, not the document's own); the
agreement's amount for each avtalsår in its row of the table, with the avtalsår's period, and
each payment in its row of the payment plan (the program's clause says the amounts stand
there). Where each fact stands is :mod:`avtalsgen.documents.factplaces`' table. A fact
missing is named with the template the document was made from and what to put back in it
(:mod:`avtalsgen.documents.facthints`).
"""

from __future__ import annotations

import ctypes
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from avtalsgen.documents import format as fmt
from avtalsgen.documents.budgettables import TOTALT, Budgettabell
from avtalsgen.documents.dnr import NON_BREAKING_HYPHEN
from avtalsgen.documents.factbreaks import broken_cells
from avtalsgen.documents.factdates import date_problems, known_dates
from avtalsgen.documents.facthints import how_to_fix
from avtalsgen.documents.factplaces import HEADER, LABEL_ROOM, LINE, ROW, TEXT, places_of
from avtalsgen.documents.financing import Pengar, money_placeholders, per_kalenderar_steps, view
from avtalsgen.documents.kinds import KINDS, SIGNATURE_ANCHOR, SIGNATURE_BLOCKS
from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import N_, _, format_number, join_words, ngettext
from avtalsgen.model import Arende, Program
from avtalsgen.model.agreement import agreement_financing
from avtalsgen.model.money import Berakning, compute_financing

_AMOUNT = re.compile(r"(?<![\d-])(\d{1,3}(?: \d{3})*) (?:kronor|kr)\b")
#: An amount right after a financier's name (``med`` and ``sammanlagt`` between may be).
_FIGURE_AFTER = re.compile(r"\s*(?:\bmed\s+)?(?:\bsammanlagt\s+)?(\d{1,3}(?: \d{3})*)(?![\d-])")


class FactError(AvtalsgenError):
    """Documents of one case state a fact differently."""


@dataclass(frozen=True)
class Fact:
    """A fact and the ways a document may state it (any one of them will do)."""

    name: str
    """How messages name it (in Swedish, the documents' words: ``avtalsår 2``)."""
    forms: tuple[str, ...]
    group: str
    """Its group (:data:`DOCUMENT_FACTS`, or one beyond them such as ``sekretess``), the
    stable identifier :mod:`~avtalsgen.documents.factplaces` gives its places by."""


#: The facts each document must state, by group: ``källa`` is one fact per source of the
#: region's share, ``finansiärer`` one per financier (its name and total, as the Finansiering
#: table gives them), ``budgetår`` the split per budget year (where the beslutsförslag
#: shows it). The beslutsförslag states the financing as proposed; the agreement and the
#: protocol extract the one decided (see :class:`Stage`).
DOCUMENT_FACTS: dict[str, tuple[str, ...]] = {kind.name: kind.facts for kind in KINDS}


def _fold(text: str) -> str:
    return " ".join(text.replace(fmt.NBSP, " ").split())


def _squash(text: str) -> str:
    """Text as a PDF reader returns it, whatever the line breaks: no whitespace, no invisible
    marks, no emoji (drawn from a fallback font, placed anywhere), and PDFium's U+FFFE for a
    hyphen at a line's end read as the hyphen; a non-breaking hyphen (in every Dnr) is one.
    The whitespace goes with :meth:`str.split` (the characters ``\\s`` stands for), twice as
    fast as with the expression that drops the rest."""
    text = text.replace("\ufffe", "-").replace(NON_BREAKING_HYPHEN, "-")
    return _DROPPED.sub("", "".join(text.split()))


#: Marks a PDF reader adds or drops around right-to-left text, and zero-width characters;
#: and characters from U+1F000 on (emoji and the like).
_DROPPED = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\U0001f000-\U0010ffff]+")


def _states(text: str, form: str) -> bool:
    """Whether squashed ``text`` states ``form``; right-to-left words may come in visual
    order, so each such word is looked for on its own."""
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in form):
        return all(_squash(word) in text for word in form.split())
    return _squash(form) in text


def document_facts(arende: Arende, program: Program, groups: Sequence[str]) -> list[Fact]:
    """The facts of ``groups`` (see :data:`DOCUMENT_FACTS`) for ``arende`` as of a stage:
    the money from its financing, under the program's rules."""
    money = arende.finansiering
    figures = compute_financing(money, program.finansiering)
    values = money_placeholders(figures)
    period = money.period
    region = [values["belopp_arligen"], values["belopp_per_avtalsar"],
              values["belopp_per_budgetar"]]  # fmt: skip
    if figures.region_per_ar is not None:
        region.insert(0, fmt.kronor(figures.region_per_ar))
    region_total = figures.region_summa
    pengar = view(figures)
    # Each group's facts: how messages name each, and its forms.
    facts: dict[str, list[tuple[str, tuple[str, ...]]]] = {
        "Dnr": [("Dnr", (arende.dnr,))],
        # The agreement's tables: each avtalsår's row, each payment's row.
        "avtalsår": [
            (f"avtalsår {year.nummer}",
             (f"Avtalsår {year.nummer} {fmt.intervall(year.start, year.slut)} "
              f"{fmt.kr(year.belopp)}",))
            for year in pengar.avtalsar
        ],
        "utbetalningar": [
            (f"utbetalning {payment.nummer}",
             (f"{payment.nummer} {payment.avser} {fmt.iso(payment.datum)} "
              f"{fmt.kr(payment.belopp)}",))
            for payment in pengar.utbetalningar
        ],
        "aktör": [("aktör", (arende.aktor.namn, arende.aktor.kort))],
        "belopp": [("belopp", tuple(region))],
        "totalt": [("totalt", (f"Totalt {fmt.kr(figures.summa)}",))],
        # The agreement's tables' Totalt rows: the region's total for the whole period, as
        # each avtalsår's row gives its own; the payment plan's sum.
        "regionens andel": [
            ("totalt per avtalsår",
             (f"Totalt {fmt.intervall(period.start, period.slut)} {fmt.kr(region_total)}",))
        ],
        "utbetalt": [("totalt i utbetalningsplanen", (f"Totalt {fmt.kr(region_total)}",))],
        "period": [
            ("period", (f"{fmt.iso(period.start)} till {fmt.iso(period.slut)}",
                        fmt.intervall(period.start, period.slut),
                        # in running text (a later decision's extract)
                        fmt.period_text(period.start, period.slut)))
        ],
        "källa": [(f"källa {source}", (source,)) for source in figures.kallor],
        "finansiärer": [
            (f"finansiär {row.namn}", (f"{row.namn} {fmt.belopp(row.summa)}",))
            for row in figures.finansiarer
        ],
        "budgetår": [] if not arende.budgetar_i_beslutsforslaget else _budget_rows(pengar),
    }  # fmt: skip
    return [
        Fact(name, tuple(_fold(f) for f in forms), group)
        for group in groups
        for name, forms in facts[group]
    ]


def _budget_rows(pengar: Pengar) -> list[tuple[str, tuple[str, ...]]]:
    """The rows of the beslutsförslag's split per budget year, each table's: a financier's
    name and its amounts, then the row Totalt (or the steps per calendar year in words).
    Where the years take more than one table, each fact names its table's years."""
    tables = pengar.budgetar_tabeller
    steps = per_kalenderar_steps(
        [year.ar for year in pengar.budgetar], [year.belopp for year in pengar.budgetar]
    )
    # A template that keeps every year in one table (avtalsgen's did) states each row whole.
    whole = {
        row.namn: " ".join([row.namn, *map(fmt.belopp, (*row.per_budgetar, row.summa))])
        for row in pengar.finansiarer
    }
    whole_total = " ".join(
        ["Totalt", *(fmt.belopp(y.belopp) for y in pengar.budgetar), fmt.belopp(pengar.summa)]
    )
    facts: list[tuple[str, tuple[str, ...]]] = []
    for table in tables:
        years = _years_of(table) if len(tables) > 1 else ""
        for row in table.finansiarer:
            cells = " ".join([row.namn, *map(fmt.belopp, row.belopp)])
            facts.append(
                (f"budgetår {row.namn}{years}", tuple(dict.fromkeys((cells, whole[row.namn]))))
            )
        total = " ".join(["Totalt", *map(fmt.belopp, table.totalt)])
        facts.append((f"budgetår{years}", tuple(dict.fromkeys((total, whole_total, steps)))))
    return facts


def _years_of(table: Budgettabell) -> str:
    """How a fact names the years of one of several tables: `` 2025–2027``."""
    years = [column for column in table.kolumner if column != TOTALT] or [TOTALT.lower()]
    return f" {years[0]}–{years[-1]}" if len(years) > 1 else f" {years[0]}"


def known_amounts(figures: Berakning) -> set[str]:
    """Every amount of a financing, as printed (without the unit)."""
    return {_fold(fmt.number(amount)) for amount in figures.amounts()}


def _financier_figures(figures: Berakning) -> list[tuple[str, set[str]]]:
    """Each financier's name and figures as printed, longest names first (so that a name
    inside another is looked for after it)."""
    rows = []
    for row in figures.finansiarer:
        amounts = {*row.per_avtalsar, *row.per_budgetar, row.summa}
        if row.per_ar is not None:
            amounts.add(row.per_ar)
        rows.append((_fold(row.namn), {_fold(fmt.number(a)) for a in amounts}))
    return sorted(rows, key=lambda item: -len(item[0]))


def _disagreements(text: str, figures: Berakning, name: str) -> list[str]:
    """Amounts stated right after a financier's name that are none of its figures. A
    table row's amounts follow one another with spaces only, as the digit groups of one
    amount do: the text after the name must start with one of its figures."""
    problems = []
    claimed: list[tuple[int, int]] = []
    for financier, allowed in _financier_figures(figures):
        for match in re.finditer(re.escape(financier), text):
            start, end = match.span()
            if any(a <= start < b for a, b in claimed):  # inside a longer name
                continue
            claimed.append((start, end))
            after = _FIGURE_AFTER.match(text, end)
            if after is None:
                continue  # named, but no amount follows: not a figure
            stated = text[after.start(1) :]
            if not any(
                stated.startswith(figure) and not stated[len(figure) : len(figure) + 1].isdigit()
                for figure in allowed
            ):
                figures_text = ", ".join(
                    format_number(_amount_key(a)) for a in sorted(allowed, key=_amount_key)
                )
                problems.append(
                    _(
                        "{document}: {financier}: the document states {amount} for it, which "
                        "is none of its figures ({figures})"
                    ).format(
                        document=name,
                        financier=financier,
                        amount=format_number(_amount_key(after.group(1))),
                        figures=figures_text,
                    )
                )
    return problems


@dataclass(frozen=True)
class PdfText:
    """A PDF as PDFium reads it: the text of each page, and where on its last page each
    occurrence of a phrase asked for starts (the box of its first character: left, bottom,
    right, top, in points); and the lines of its first page outside the page header and
    footer (what a tagged PDF marks as artifacts)."""

    path: Path
    pages: tuple[str, ...]
    marks: tuple[tuple[float, float, float, float], ...] = ()
    first_page_lines: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @cached_property
    def squashed_pages(self) -> tuple[str, ...]:
        """Each page's text squashed (:func:`_squash`), for the facts asked of every page."""
        return tuple(map(_squash, self.pages))


#: PDFium is not thread-safe: no two of its calls may run at once in a process, not even on
#: different documents. Every reader in avtalsgen holds this lock while it uses PDFium (a
#: build reads its PDFs in a thread of its own, see avtalsgen.build.batch).
PDFIUM_LOCK = threading.RLock()


def read_pdf(pdf: Path, phrase: str | None = None) -> PdfText:
    """Read ``pdf`` with PDFium (an independent reader, a few ms per document); with
    ``phrase``, also find where it occurs on the last page (case-sensitive)."""
    with PDFIUM_LOCK:
        return _read_pdf(pdf, phrase)


def _read_pdf(pdf: Path, phrase: str | None) -> PdfText:
    try:
        # From memory: PDFium reading the file itself makes some 270 system calls for one
        # of LibreOffice's PDFs, a tenth of its time to read the text.
        document = pdfium.PdfDocument(pdf.read_bytes())
    except OSError as exc:
        raise FactError(
            _("{file}: cannot read the PDF: {error}").format(file=pdf.name, error=os_reason(exc))
        ) from None
    except pdfium.PdfiumError as exc:
        raise FactError(
            _("{file}: cannot read the PDF: {error}").format(file=pdf.name, error=exc)
        ) from None
    try:
        pages, marks = [], []
        lines: tuple[str, ...] = ()
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            # Every Dnr and date is written with non-breaking hyphens (documents.dnr): read
            # as the hyphens they stand for, by every reader of the text.
            pages.append(textpage.get_text_range().replace(NON_BREAKING_HYPHEN, "-"))
            if number == 1:
                lines = _body_lines(textpage, pages[0])
            if phrase is not None and number == len(document):
                searcher = textpage.search(phrase, match_case=True)
                while (hit := searcher.get_next()) is not None:
                    marks.append(textpage.get_charbox(hit[0]))
        return PdfText(pdf, tuple(pages), tuple(marks), lines)
    finally:
        document.close()


#: The name of the marked content that holds a page's header and footer (PDF 14.8.2.2).
_ARTIFACT = "Artifact".encode("utf-16-le") + b"\0\0"


def _body_lines(textpage: pdfium.PdfTextPage, text: str) -> tuple[str, ...]:
    """The lines of a page's ``text`` (as PDFium ends each: CR LF) whose first character is
    not in an artifact: the page header and footer of a tagged PDF are."""
    lines = []
    offset = 0
    name = (ctypes.c_ushort * (len(_ARTIFACT) // 2))()
    length = ctypes.c_ulong()
    for line in text.split("\r\n"):
        first = len(line) - len(line.lstrip())
        if first < len(line):
            item = pdfium_c.FPDFText_GetTextObject(textpage.raw, offset + first)
            artifact = False
            for index in range(pdfium_c.FPDFPageObj_CountMarks(item) if item else 0):
                mark = pdfium_c.FPDFPageObj_GetMark(item, index)
                pdfium_c.FPDFPageObjMark_GetName(mark, name, len(_ARTIFACT), ctypes.byref(length))
                # PDFium writes a name only into a buffer that holds it, but always sets its
                # length: a longer mark's name leaves the buffer as an earlier mark left it.
                fits = length.value == len(_ARTIFACT)
                artifact = artifact or (fits and bytes(name) == _ARTIFACT)
            if not artifact:
                lines.append(line)
        offset += len(line) + 2
    return tuple(lines)


def pdf_text(pdf: Path) -> str:
    """The text of a PDF, read with PDFium (see :func:`read_pdf`)."""
    return read_pdf(pdf).text


#: How messages name the stage of a document that follows the decision, and of the
#: beslutsförslag (translated where shown).
THE_DECISION = N_("the decision")
THE_PROPOSAL = N_("the proposal")
THE_CHANGE = N_("the changed agreement")


@dataclass(frozen=True)
class Stage:
    """What one document is checked against: the case as of the document's stage (the
    proposal for the beslutsförslag, the case with the decided financing for what follows
    the decision), and which groups of facts (:data:`DOCUMENT_FACTS`) it must state."""

    arende: Arende
    """The case as of this stage: the proposal, or the case with the decided financing."""
    facts: tuple[str, ...]
    """The groups of facts the document must state."""
    name: str = N_("the case")
    """How messages name the stage, e.g. ``the decision`` (marked with N_; translated where
    it is shown)."""
    extra_facts: tuple[Fact, ...] = ()
    """Facts beyond the groups the document must state (a tilläggsavtal's change: its
    date, the agreement's decision)."""
    extra_amounts: frozenset[int] = frozenset()
    """Amounts beyond the stage's financing the document may state (a tilläggsavtal's:
    the financing before the change, and the new amount a year)."""
    sources: tuple[object, ...] = ()
    """What the document's template sees beyond the case and its program (its context:
    the decision's date, the meeting's): the dates and periods in them are the case's too.
    Given, every date the document states must be one of them, the case's or its program's
    (:mod:`avtalsgen.documents.factdates`); empty, its dates are not checked."""


def check_facts(
    arende: Arende,
    program: Program,
    pdfs: Mapping[str, Path | PdfText],
    stages: Mapping[str, Stage] | None = None,
    templates: Path | None = None,
) -> None:
    """Raise :class:`FactError` naming each document and fact that does not agree; each
    document is a PDF file, or one read already.

    Each document is checked against its own stage: ``stages[document]`` where given, else
    ``arende`` (the agreement with the financing it follows) with the facts
    :data:`DOCUMENT_FACTS` lists for it. A document must state its stage's facts; every
    amount it states must be a figure of its stage's financing (a financier's amount per
    year, avtalsår or budget year, a payment, a budget-year sum or a total), and each amount
    it gives right after a financier's name must be one of that financier's figures. The
    beslutsförslag must give the whole financing as the total, not the region's share.
    A fact missing is named with the template it was made from (``<document>.docx`` in the
    folder ``templates``) and what to put back in it.
    """
    problems: list[str] = []
    layout: list[str] = []
    for document, source in pdfs.items():
        stage = (stages or {}).get(document)
        if stage is None:
            case = arende
            if document != "beslutsforslag":
                case = arende.model_copy(update={"finansiering": agreement_financing(arende)})
            stage = Stage(case, DOCUMENT_FACTS.get(document, ()))
        figures = compute_financing(stage.arende.finansiering, program.finansiering)
        amounts = known_amounts(figures) | {_fold(fmt.number(a)) for a in stage.extra_amounts}
        read = source if isinstance(source, PdfText) else read_pdf(source)
        pdf, raw = read.path, read.text
        text, squashed = _fold(raw), _squash(raw)
        wanted = [*document_facts(stage.arende, program, stage.facts), *stage.extra_facts]
        template = templates / f"{document}.docx" if templates is not None else None
        # A cell too narrow for an amount breaks it over two lines, and the rows of its
        # table read out of order: said as that, not as rows missing or an amount that is
        # none of the financier's.
        broken = broken_cells(raw, document, (y.ar for y in figures.budgetar), pdf.name, template)
        layout += broken
        for fact in wanted:
            # Each place the table gives it where it must stand (the Dnr: a line of its own,
            # the page header), else anywhere.
            for place in places_of(document, fact.group) or (None,):
                if broken and place is not None and place.where == ROW:
                    continue
                missing = _missing(read, squashed, fact, place.where if place else TEXT)
                if missing is not None:
                    problems.append(
                        f"{pdf.name}: {fact.name}: {missing}; " + how_to_fix(place, template)
                    )
        if "totalt" in stage.facts and figures.region_summa != figures.summa:
            whole_as_region = _fold(f"Totalt {fmt.kr(figures.region_summa)}")
            if _states(squashed, whole_as_region):
                problems.append(
                    _(
                        "{document}: totalt: the document states the region's share ({share}) "
                        "as the total; the whole financing is {whole}"
                    ).format(
                        document=pdf.name,
                        share=_fold(fmt.kr(figures.region_summa)),
                        whole=_fold(fmt.kr(figures.summa)),
                    )
                )
        if not broken:
            problems += _disagreements(text, figures, pdf.name)
        if stage.sources:  # what the template sees is known: no other date may stand
            problems += _unknown_dates(raw, stage, program, figures, pdf.name, template)
        if document in SIGNATURE_BLOCKS:
            split = signature_blocks_problem(read, SIGNATURE_BLOCKS[document], template)
            if split is not None:
                layout.append(split)
        for amount in sorted(set(_AMOUNT.findall(text)) - amounts, key=_amount_key):
            problem = _(
                "{file}: belopp: the document states {amount} kr/kronor, which is none of "
                "the amounts of {stage} ({amounts})"
            ).format(
                file=pdf.name,
                amount=format_number(_amount_key(amount)),
                stage=_(stage.name),
                amounts=_nearest(amount, amounts),
            )
            run_in = _run_in(text, amount, amounts, _names(stage.arende, figures))
            if run_in is not None:
                problem = _run_in_problem(problem, amount, *run_in)
            problems.append(problem)
    if problems:
        raise FactError(
            "\n".join([_("the documents do not agree on the case's facts:"), *problems, *layout])
        )
    if layout:
        raise FactError("\n".join(layout))


def _unknown_dates(
    raw: str,
    stage: Stage,
    program: Program,
    figures: Berakning,
    file: str,
    template: Path | None,
) -> list[str]:
    """The dates and periods the document's text ``raw`` states that its stage does not
    give (:mod:`avtalsgen.documents.factdates`)."""
    known = known_dates(stage.arende, view(figures), *stage.sources, shared=program)
    period = stage.arende.finansiering.period
    said = [_("the period {period}").format(period=fmt.intervall(period.start, period.slut))]
    if stage.arende.datum is not None:
        said.insert(0, _("the date {date}").format(date=fmt.iso(stage.arende.datum)))
    case = ngettext(
        "the case gives {dates}, {count} date in all",
        "the case gives {dates}, {count} dates in all",
        len(known.dates),
    ).format(dates=join_words(said), count=len(known.dates))
    where = str(template) if template is not None else _("the template")
    return date_problems(raw, known, file, where, case)


def signature_blocks_problem(read: PdfText, expected: int, template: Path | None) -> str | None:
    """Why the signature blocks of the agreement ``read`` are not whole on its last page,
    if they are not: each block's lines (the party, the place, the date, the name and the
    title) must stand together, every block on the last page, where the packet's
    signature fields go under them. A block cut by a page break leaves its name or title
    alone on the next page, and that page, the last, then holds fewer blocks' dates than
    there are blocks; a block moved whole to the next page leaves another behind."""
    anchor = _squash(SIGNATURE_ANCHOR)
    found = [page.count(anchor) for page in read.squashed_pages]
    if found and found[-1] == expected and sum(found) == expected:
        return None
    if sum(found) != expected:
        return _signature_lines_problem(read.path.name, sum(found), expected, template)
    return _(
        "{file}: a page break splits the signature blocks: {count} of the {expected} blocks "
        "stand whole on the last page, where the signature fields go (page {pages} holds "
        "'{anchor}' {found}); in {template}, keep each block's lines together and with the "
        "next block (in Word: Keep with next and Keep lines together on every line of the "
        "blocks but the last block's last line), as the template that comes with avtalsgen "
        "has it"
    ).format(
        file=read.path.name,
        count=found[-1] if found else 0,
        expected=expected,
        pages=len(found),
        anchor=SIGNATURE_ANCHOR,
        found=ngettext("once", "{count} times", found[-1] if found else 0).format(
            count=found[-1] if found else 0
        ),
        template=template if template is not None else _("the template"),
    )


def _signature_lines_problem(file: str, count: int, expected: int, template: Path | None) -> str:
    """The signature blocks' line that each party's signature field goes under stands
    ``count`` times in the document, not once in each of the ``expected`` blocks: a block,
    or that line of it, is missing or was changed (no page break does that)."""
    return ngettext(
        "{file}: the signature blocks: the document states '{anchor}' {count} time, not once "
        "in each of the {expected} signature blocks (the packet's signature field of each "
        "party goes under that line): a block, or that line of it, is missing or changed; in "
        "{template}, put back each block's lines (För …, Ort: …, '{anchor}', the name and the "
        "title), as the template that comes with avtalsgen has it ('avtalsgen templates "
        "check' names what is missing)",
        "{file}: the signature blocks: the document states '{anchor}' {count} times, not "
        "once in each of the {expected} signature blocks (the packet's signature field of "
        "each party goes under that line): a block, or that line of it, is missing or "
        "changed; in {template}, put back each block's lines (För …, Ort: …, '{anchor}', "
        "the name and the title), as the template that comes with avtalsgen has it "
        "('avtalsgen templates check' names what is missing)",
        count,
    ).format(
        file=file, anchor=SIGNATURE_ANCHOR, count=count, expected=expected,
        template=template if template is not None else _("the template"),
    )  # fmt: skip


class _Forms:
    """A fact's forms as a message lists them ("'a', 'b' or 'c'"), made when formatted."""

    def __init__(self, forms: Sequence[str]) -> None:
        self.forms = forms

    def __format__(self, spec: str) -> str:
        return format(join_words([f"'{form}'" for form in self.forms], "or"), spec)


def _missing(read: PdfText, squashed: str, fact: Fact, where: str) -> str | None:
    """What is wrong with where ``read`` (its text ``squashed``) states ``fact``, which
    must stand in the part ``where`` (:mod:`~avtalsgen.documents.factplaces`), if
    anything."""
    # Said only when something is wrong: Babel's list is the costliest part of a check.
    forms = _Forms(fact.forms)
    if not any(_states(squashed, form) for form in fact.forms):
        return _("the document does not state {forms}").format(forms=forms)
    if where == HEADER:
        pages = [
            number
            for number, page in enumerate(read.squashed_pages, 1)
            if not any(_states(page, form) for form in fact.forms)
        ]
        if pages:
            return ngettext(
                "page {pages} of {count} does not state {forms} (each page states it in its "
                "page header, so that a page taken out is still known by it)",
                "pages {pages} of {count} do not state {forms} (each page states it in its "
                "page header, so that a page taken out is still known by it)",
                len(pages),
            ).format(pages=join_words([str(p) for p in pages]), count=len(read.pages), forms=forms)
    if where == LINE:
        squashed_forms = [_squash(form) for form in fact.forms]
        for line in map(_squash, read.first_page_lines):
            for form in squashed_forms:
                if form in line and len(line) - len(form) <= LABEL_ROOM:
                    return None
        return _(
            "the first page does not state {forms} on a line of its own outside the page "
            "header (a screen reader skips the page header, and in running text it is a "
            "reference, not the document's own)"
        ).format(forms=forms)
    return None


def _names(arende: Arende, figures: Berakning) -> list[str]:
    """The names a document states of a case's actor and financiers, as printed."""
    return [_fold(name) for name in (arende.aktor.kort, arende.aktor.namn,
                                     *(row.namn for row in figures.finansiarer))]  # fmt: skip


def _run_in(text: str, amount: str, known: set[str], names: list[str]) -> tuple[str, str] | None:
    """Why ``text`` reads ``amount``, none of the ``known`` amounts, if it is a name's number
    run into a known amount after it ('Arktiska testbäddar 3' before '800 000 kronor'
    reads '3 800 000 kronor'): that name and amount."""
    for name in names:
        tail = re.search(r"(?<![\d-])\d{1,3}$", name)
        if tail is None:
            continue
        for figure in known:
            if amount == f"{tail.group()} {figure}" and f"{name} {figure}" in text:
                return name, figure
    return None


def _run_in_problem(problem: str, amount: str, name: str, figure: str) -> str:
    """``problem`` (an amount the document states that is none of the case's) and why it
    reads so: ``name``'s number runs into the amount ``figure`` after it."""
    return _(
        "{problem}: the name '{name}' ends in a number and the amount {figure} stands right "
        "after it, so that '{name} {figure}' reads as {amount}; in the text that puts the "
        "amount right after the name (an amount's placeholder right after {{aktor}} or "
        "{{aktor_namn}}), write a word between them, for example 'bevilja {{aktor}} ett "
        "bidrag om {{belopp_arligen}}', or give the name without the number at its end"
    ).format(problem=problem, name=name, figure=figure, amount=amount)


#: How many of a stage's amounts a message names beside one a document states that is none
#: of them: those nearest it.
NEAREST = 5


def _nearest(amount: str, amounts: set[str]) -> str:
    """The amounts of a stage nearest ``amount`` (as printed), at most :data:`NEAREST`, in
    order, grouped as the message's language writes them, and how many there are in all
    when there are more."""
    value = _amount_key(amount)
    near = sorted(sorted(map(_amount_key, amounts), key=lambda a: abs(a - value))[:NEAREST])
    listed = ", ".join(map(format_number, near))
    if len(amounts) <= NEAREST:
        return listed
    return ngettext(
        "the nearest: {amounts}; {count} in all",
        "the nearest: {amounts}; {count} in all",
        len(amounts),
    ).format(amounts=listed, count=len(amounts))


def _amount_key(amount: str) -> int:
    return int(amount.replace(" ", ""))
