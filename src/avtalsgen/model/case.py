"""The case file: one ärende, holding only the facts of its own actor."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator

from avtalsgen.i18n import N_, _
from avtalsgen.model.money import Finansiar, Finansiering, Period
from avtalsgen.model.program import KLAUSUL_ID, Epost, Undertecknare
from avtalsgen.model.prose import (
    AMOUNT_PLACEHOLDERS,
    CaseProseText,
    ConditionText,
    ProposedText,
    refuse_unfilled,
)
from avtalsgen.model.types import Datum, Dnr, FieldLoc, FieldProblems, Namn, Part, Strict

__all__ = [
    "Aktor",
    "Arende",
    "FieldLoc",
    "FieldProblems",
    "Finansiar",
    "Finansiering",
    "Period",
]


def _refusing_unfilled(message: str) -> AfterValidator:
    """A check of a name or title (``Namn``) that refuses one holding something that stands
    for a fact not filled in (:func:`refuse_unfilled`), saying ``message`` (a msgid)."""
    return AfterValidator(lambda text: refuse_unfilled(text, message))


#: A name of the case that its documents state as running text or a heading (the actor's
#: field, a clause's heading, an attachment's title): refused when it holds a placeholder
#: left to be filled in ("[område]", "TODO", "XX"); single braces are literal in a name.
FilledNamn = Annotated[
    Namn,
    _refusing_unfilled(
        N_(
            "“{marker}” stands for something not filled in, and the documents would state "
            "it as it stands: write the words in its place"
        )
    ),
]
#: When the first follow-up is reported (``forsta_uppfoljning``), refused likewise.
Termin = Annotated[
    Namn,
    _refusing_unfilled(
        N_(
            "“{marker}” stands for something not filled in, and the beslutsförslag and the "
            "samarbetsavtal would state it as the term of the first follow-up: write the "
            "term, e.g. hösten 2026"
        )
    ),
]


class Aktor(Part):
    """The actor receiving base financing."""

    omrade: FilledNamn
    """The field the actor's ecosystem develops, in running text, e.g. besöksnäringen."""
    epost: Epost | None = None
    """The actor's e-mail address, where the protocol extract sent to the actor (by its
    name in protokollsutdrag_till) goes; left out, the program file's
    expediering.mottagare gives it, else the actor is listed as without an address."""


class ErsattKlausul(Strict):
    """A program clause whose heading or text this case replaces."""

    id: str = Field(pattern=KLAUSUL_ID)
    """The program clause to replace."""
    rubrik: FilledNamn | None = None
    """New heading; the program's when left out."""
    text: CaseProseText
    """New text."""


class NyKlausul(Strict):
    """A clause only this case has."""

    id: str = Field(pattern=KLAUSUL_ID)
    """Identifier of the new clause (not one of the program's)."""
    rubrik: FilledNamn
    """The clause's heading."""
    text: CaseProseText
    """The clause's text."""
    efter: str = Field(pattern=KLAUSUL_ID)
    """The id of the clause it follows."""


class Klausulval(Strict):
    """How this case's agreement differs from the program's clause library."""

    utelamna: list[str] = Field(default_factory=list)
    """Ids of program clauses to leave out."""
    ersatt: list[ErsattKlausul] = Field(default_factory=list)
    """Program clauses whose text this case replaces."""
    tillagg: list[NyKlausul] = Field(default_factory=list)
    """Clauses added for this case."""


class ArendeAvtal(Strict):
    """The case's own facts for its samarbetsavtal."""

    datum: Datum | None = None
    """Date of the agreement; strategies are chosen by it (the period's start while null)."""
    undertecknare: Undertecknare = Undertecknare()
    """Who signs for the actor."""
    klausuler: Klausulval = Klausulval()
    """Clauses omitted, replaced or added for this case."""


def _relative_pdf(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("give the attachment's path relative to the case file"))
    path = PurePosixPath(value.strip())
    if path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError(
            _(
                "'{path}' must be a path inside the case file's folder (no absolute path, "
                "no .., and / between folders)"
            ).format(path=value)
        )
    if path.suffix.lower() != ".pdf":
        raise ValueError(
            _("'{path}' is not a PDF file (attachments are PDF files)").format(path=value)
        )
    return str(path)


class Bilaga(Strict):
    """An attachment to the packet: a PDF file beside the case file."""

    titel: FilledNamn
    """The attachment's title on the contents page, e.g. Verksamhetsplan 2024."""
    fil: Annotated[str, BeforeValidator(_relative_pdf)]
    """The PDF's path, relative to the case file and inside its folder."""


class Arende(Strict):
    """One ärende: a decision on base financing for one actor."""

    program: Namn
    """The program file's path, counted from the folder of the case's file."""
    exempel: bool = False
    """True for a fictitious example case; its documents are marked as examples."""
    dnr: Dnr
    """Diarienummer, RUN-NNNNN-YYYY."""
    namnd: Namn
    """The committee the ärende goes to, e.g. Regionala utvecklingsnämnden."""
    datum: Datum | None = None
    """Date of the beslutsförslag; null while unknown."""
    avdelning: Namn | None = None
    """The department responsible; null while unknown."""
    handlaggare: Namn | None = None
    """The case officer's name (handläggare); null while unknown."""
    titel: Namn
    """The ärende's title."""
    aktor: Aktor
    """The actor receiving base financing."""
    finansiering: Finansiering
    """The financing as proposed: the period and every financier (the region from its
    källa, the co-financiers) with its own amounts; the beslutsförslag states it."""
    budgetar_i_beslutsforslaget: bool = True
    """Whether the beslutsförslag's Finansiering section shows what falls on each budget
    (calendar) year; true unless a beslutsförslag written without it is reproduced as it
    stands."""
    beslutspunkter: list[ProposedText] = Field(min_length=1)
    """Förslag till beslut: each point stands alone; use placeholders for amounts and dates."""
    syfte: CaseProseText
    """Ärendet, Syfte: what this actor's ecosystem work is for."""
    villkor: list[ConditionText] = Field(default_factory=list)
    """The actor's own financing conditions, inserted among the program's."""
    forsta_uppfoljning: Termin
    """When the first follow-up is reported to the committee, e.g. hösten 2024."""
    extern_utvardering_senast: Datum
    """The external evaluation is done no later than this date."""
    protokollsutdrag_till: list[Namn] = Field(min_length=1)
    """Protokollsutdrag skickas till: one recipient per item."""
    avtal: ArendeAvtal = ArendeAvtal()
    """The samarbetsavtal's own facts: date, the actor's signatory, clause choices."""
    bilagor: list[Bilaga] = Field(default_factory=list)
    """Attachments that go last in the packet, in this order."""

    @field_validator("beslutspunkter")
    @classmethod
    def _decision_stands_alone(cls, points: list[str]) -> list[str]:
        text = " ".join(points)
        if not any("{" + name + "}" in text for name in AMOUNT_PLACEHOLDERS):
            raise ValueError(
                _(
                    "the decision must state the amount itself: write {{belopp_arligen}} (or "
                    "{{belopp_per_ar}}, {{belopp_per_avtalsar}}, {{belopp_per_budgetar}}) rather "
                    "than the value, so it cannot disagree with finansiering"
                ).format()
            )
        if "{kalla}" not in text and "{kalla_belopp}" not in text:
            raise ValueError(
                _(
                    "the decision must state {{kalla}} (or {{kalla_belopp}}) itself (write the "
                    "placeholder rather than the value, so it cannot disagree with finansiering)"
                ).format()
            )
        for needed in ("start", "slut"):
            if "{" + needed + "}" not in text:
                raise ValueError(
                    _(
                        "the decision must state {placeholder} itself (write the placeholder "
                        "rather than the value, so it cannot disagree with finansiering)"
                    ).format(placeholder="{" + needed + "}")
                )
        return points

    @model_validator(mode="after")
    def _dates_in_order(self) -> Arende:
        """Refuse the dates a copied case file gets wrong: an agreement before its proposal,
        a proposal before the year of its Dnr (the case's registration), a follow-up or an
        evaluation after the period ends. (A decision before its proposal, or an agreement
        before its decision, is told by the meeting files:
        :mod:`avtalsgen.meetings.decisions`.)"""
        problems: list[tuple[FieldLoc, str]] = []
        proposed, agreed = self.datum, self.avtal.datum
        if agreed is not None and proposed is not None and agreed < proposed:
            problems.append(
                (
                    ("avtal", "datum"),
                    _("the agreement ({agreed}) is dated before the proposal ({proposed})").format(
                        agreed=agreed, proposed=proposed
                    ),
                )
            )
        registered = int(self.dnr.rsplit("-", 1)[1])
        if proposed is not None and registered > proposed.year:
            problems.append(
                (
                    "dnr",
                    _(
                        "the Dnr's year ({year}) is after the proposal's date ({proposed}): a "
                        "case is registered before its proposal is written; correct the Dnr's "
                        "year, or datum if that is the wrong one"
                    ).format(year=registered, proposed=proposed),
                )
            )
        start, end = self.finansiering.period.start, self.finansiering.period.slut
        if self.extern_utvardering_senast < start:
            problems.append(
                (
                    "extern_utvardering_senast",
                    _(
                        "the external evaluation ({date}) is before the period's start {start}: "
                        "the financing it evaluates has not begun; write a date from {start} "
                        "to {end}"
                    ).format(date=self.extern_utvardering_senast, start=start, end=end),
                )
            )
        if self.extern_utvardering_senast > end:
            problems.append(
                (
                    "extern_utvardering_senast",
                    _(
                        "the external evaluation ({date}) is after the period's end {end}: "
                        "write a date no later than {end}"
                    ).format(date=self.extern_utvardering_senast, end=end),
                )
            )
        begins = term_start(self.forsta_uppfoljning)
        if begins is not None and term_end(begins) < start:
            problems.append(
                (
                    "forsta_uppfoljning",
                    _(
                        "the first follow-up ({term}) is over before the period's start {start}: "
                        "there is nothing to follow up yet; name a term that ends no earlier "
                        "than {start}, e.g. {first}"
                    ).format(term=self.forsta_uppfoljning, start=start, first=term_of(start)),
                )
            )
        if begins is not None and begins > end:
            problems.append(
                (
                    "forsta_uppfoljning",
                    _(
                        "the first follow-up ({term}) is after the period's end {end}: name a "
                        "term that begins no later than {end}"
                    ).format(term=self.forsta_uppfoljning, end=end),
                )
            )
        if problems:
            raise FieldProblems(problems)
        return self


_TERM = re.compile(r"(?i)\b(våren|hösten)\s+(\d{4})\b")


def term_start(text: str) -> dt.date | None:
    """The first day of the term a text such as "hösten 2024" names (the spring from
    January, the autumn from July), or None for any other text."""
    match = _TERM.search(text)
    if match is None:
        return None
    return dt.date(int(match[2]), 1 if match[1].lower() == "våren" else 7, 1)


def term_end(begins: dt.date) -> dt.date:
    """The last day of the term that begins on ``begins`` (a :func:`term_start`)."""
    return dt.date(begins.year, 6, 30) if begins.month == 1 else dt.date(begins.year, 12, 31)


def term_of(day: dt.date) -> str:
    """The term a day falls in, as a case file names it ("våren 2027", "hösten 2027")."""
    return f"{'våren' if day.month <= 6 else 'hösten'} {day.year}"
