"""The case file: one ärende, holding only the facts of its own actor."""

from __future__ import annotations

import calendar
import math
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator, model_validator

from avtalsgen.i18n import _, format_number, join_words
from avtalsgen.model.program import KLAUSUL_ID, Undertecknare
from avtalsgen.model.prose import LineText, ProseText
from avtalsgen.model.types import Datum, Dnr, Kronor, Namn, Part, Strict

#: A field relative to its model: a name, or a path such as ``("reservationer", 0)``.
FieldLoc = str | tuple[str | int, ...]


class FieldProblems(ValueError):
    """Cross-field checks that failed, each naming the field (relative to its model) to blame."""

    def __init__(self, problems: list[tuple[FieldLoc, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems


def _raise_any(problems: list[tuple[FieldLoc, str]]) -> None:
    if problems:
        raise FieldProblems(problems)


class Aktor(Part):
    """The actor receiving base financing."""

    omrade: Namn
    """The field the actor's ecosystem develops, in running text, e.g. besöksnäringen."""


class Period(Strict):
    """The financing period: from the first day of a month to the last day of a month."""

    start: Datum
    """First day of the period, YYYY-MM-DD."""
    slut: Datum
    """Last day of the period, YYYY-MM-DD."""

    @model_validator(mode="after")
    def _whole_months(self) -> Period:
        problems: list[tuple[FieldLoc, str]] = []
        if self.start.day != 1:
            problems.append(
                (
                    "start",
                    _("the period must start on the first of a month, got {date}").format(
                        date=self.start
                    ),
                )
            )
        last = calendar.monthrange(self.slut.year, self.slut.month)[1]
        if self.slut <= self.start:
            problems.append(
                (
                    "slut",
                    _("the period ends ({end}) before it starts ({start})").format(
                        end=self.slut, start=self.start
                    ),
                )
            )
        elif self.slut.day != last:
            problems.append(
                (
                    "slut",
                    _(
                        "the period must end on the last day of a month, got {date} "
                        "(the month ends on {last})"
                    ).format(date=self.slut, last=self.slut.replace(day=last)),
                )
            )
        _raise_any(problems)
        return self

    @property
    def manader(self) -> int:
        """Number of months in the period."""
        return (self.slut.year - self.start.year) * 12 + self.slut.month - self.start.month + 1

    @property
    def ar(self) -> Fraction:
        """Length of the period in years (may be broken, e.g. 5/2)."""
        return Fraction(self.manader, 12)


class Finansiar(Strict):
    """One row of the Finansiering table."""

    namn: Namn
    """Financier as shown in the table, e.g. Region Norrbotten - ERP."""
    belopp: Kronor
    """The financier's amount over the whole period, in kronor."""


class Finansiering(Strict):
    """The grant: amount per year, source and period; the total is computed."""

    belopp_per_ar: Kronor = Field(gt=0)
    """Amount per year in whole kronor."""
    kalla: Namn
    """Where the money comes from, e.g. ERP."""
    period: Period
    """The period the financing covers."""
    finansiarer: list[Finansiar] = Field(min_length=1)
    """The Finansiering table; its sum must equal the total."""
    totalt: Kronor | None = None
    """Optional: the total as stated in the source; checked against amount × years."""

    @model_validator(mode="after")
    def _totals_agree(self) -> Finansiering:
        exact = self.belopp_per_ar * self.period.ar
        if exact.denominator != 1:
            raise FieldProblems([("belopp_per_ar", _not_whole_kronor(self))])
        total = int(exact)
        problems: list[tuple[FieldLoc, str]] = []
        if self.totalt is not None and self.totalt != total:
            problems.append(
                (
                    "totalt",
                    _(
                        "totalt {totalt} does not agree with belopp_per_ar × years = "
                        "{amount} × {years} = {total}"
                    ).format(
                        totalt=self.totalt,
                        amount=self.belopp_per_ar,
                        years=_years(self.period.ar),
                        total=total,
                    ),
                )
            )
        table = sum(row.belopp for row in self.finansiarer)
        if table != total:
            problems.append(
                (
                    "finansiarer",
                    _("the financiers add up to {sum}, but belopp_per_ar × years = {total}").format(
                        sum=table, total=total
                    ),
                )
            )
        _raise_any(problems)
        return self

    @property
    def summa(self) -> int:
        """The total over the period: amount per year × years."""
        return int(self.belopp_per_ar * self.period.ar)

    @property
    def antal_ar(self) -> Fraction:
        """Number of years the financing covers."""
        return self.period.ar


def _not_whole_kronor(money: Finansiering) -> str:
    """Why an amount per year does not give whole kronor over the period, and the nearest
    amounts per year that do."""
    months = money.period.manader
    exact = money.belopp_per_ar * months / 12
    step = 12 // math.gcd(months, 12)  # amount × months / 12 is whole for multiples of step
    lower = money.belopp_per_ar - money.belopp_per_ar % step
    upper = lower + step
    nearest = [amount for amount in (lower, upper) if amount > 0]
    return _(
        "{amount} kronor a year over {months} months is {exact} kronor, not whole kronor; "
        "amounts a year that give whole kronor over {months} months: {nearest} (any "
        "multiple of {step})"
    ).format(
        amount=money.belopp_per_ar,
        months=months,
        exact=format_number(exact, 2),
        nearest=join_words([str(amount) for amount in nearest], "or"),
        step=step,
    )


def _years(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


class Beslut(Strict):
    """The committee's decision on the case, once taken (from the protocol)."""

    datum: Datum | None = None
    """Date of the meeting that decided; null while unknown."""
    paragraf: int | None = Field(default=None, gt=0)
    """The § of the minutes; null while unknown."""


class ErsattKlausul(Strict):
    """A program clause whose heading or text this case replaces."""

    id: str = Field(pattern=KLAUSUL_ID)
    """The program clause to replace."""
    rubrik: Namn | None = None
    """New heading; the program's when left out."""
    text: ProseText
    """New text."""


class NyKlausul(Strict):
    """A clause only this case has."""

    id: str = Field(pattern=KLAUSUL_ID)
    """Identifier of the new clause (not one of the program's)."""
    rubrik: Namn
    """The clause's heading."""
    text: ProseText
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

    titel: Namn
    """The attachment's title on the contents page, e.g. Verksamhetsplan 2024."""
    fil: Annotated[str, BeforeValidator(_relative_pdf)]
    """The PDF's path, relative to the case file and inside its folder."""


class Arende(Strict):
    """One ärende: a decision on base financing for one actor."""

    program: Namn
    """Path of the program file, relative to this case file."""
    exempel: bool = False
    """True for a fictitious example case; its documents are marked as examples."""
    dnr: Dnr
    """Diarienummer, RUN-NNNNN-YYYY."""
    namnd: Namn
    """The committee the ärende goes to, e.g. Regionala utvecklingsnämnden."""
    datum: Datum | None = None
    """Date of the beslutsförslag; null while unknown."""
    avdelning: Namn | None = None
    """Ansvarig avdelning; null while unknown."""
    handlaggare: Namn | None = None
    """Handläggare (name); null while unknown."""
    titel: Namn
    """The ärende's title."""
    aktor: Aktor
    """The actor receiving base financing."""
    finansiering: Finansiering
    """Amount, source, period and financiers."""
    beslutspunkter: list[LineText] = Field(min_length=1)
    """Förslag till beslut: each point stands alone; use placeholders for amounts and dates."""
    syfte: ProseText
    """Ärendet, Syfte: what this actor's ecosystem work is for."""
    villkor: list[LineText] = Field(default_factory=list)
    """The actor's own financing conditions, inserted among the program's."""
    forsta_uppfoljning: Namn
    """When the first follow-up is reported to the committee, e.g. hösten 2024."""
    extern_utvardering_senast: Datum
    """The external evaluation is done no later than this date."""
    protokollsutdrag_till: list[Namn] = Field(min_length=1)
    """Protokollsutdrag skickas till: one recipient per item."""
    beslut: Beslut = Beslut()
    """The committee's decision (date and §), once taken."""
    avtal: ArendeAvtal = ArendeAvtal()
    """The samarbetsavtal's own facts: date, the actor's signatory, clause choices."""
    bilagor: list[Bilaga] = Field(default_factory=list)
    """Attachments that go last in the packet, in this order."""

    @field_validator("beslutspunkter")
    @classmethod
    def _decision_stands_alone(cls, points: list[str]) -> list[str]:
        text = " ".join(points)
        for needed in ("belopp_per_ar", "kalla", "start", "slut"):
            if "{" + needed + "}" not in text:
                raise ValueError(
                    _(
                        "the decision must state {placeholder} itself (write the placeholder "
                        "rather than the value, so it cannot disagree with finansiering)"
                    ).format(placeholder="{" + needed + "}")
                )
        return points
