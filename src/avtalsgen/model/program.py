"""The program file: what every actor's case in an ecosystem program shares."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from avtalsgen.model.prose import LineText, ProseText
from avtalsgen.model.types import Datum, Namn, Part, Strict

#: Conditions a clause may depend on, decided from the case's facts.
Villkor = Literal["forlangning", "aktorsvillkor", "brutet_ar"]
#: How the template lays a clause out beyond its text.
KlausulTyp = Literal["text", "finansiering", "plattformsuppgifter", "underskrifter"]
#: Clause identifiers: lower-case ASCII words joined by underscores.
KLAUSUL_ID = r"^[a-z0-9]+(_[a-z0-9]+)*$"


class Strategi(Strict):
    """One version of a regional strategy that actors contribute to (S3 or RUS).

    The version an agreement names is the latest one in force on the agreement's date.
    """

    kortnamn: Literal["S3", "RUS"]
    """Which strategy this is a version of: S3 or RUS."""
    namn: Namn
    """Full name of this version, e.g. Regional utvecklingsstrategi Norrbotten 2030."""
    giltig_fran: Datum | None = None
    """The date this version came into force; null for a version in force from the start."""


class Klausul(Strict):
    """A clause of the samarbetsavtal: heading and text; numbered when the agreement is made."""

    id: str = Field(pattern=KLAUSUL_ID)
    """Identifier used by cases to omit, replace or place clauses, and in {punkt:id}."""
    rubrik: Namn
    """The clause's heading, e.g. Finansiering och utbetalning."""
    text: ProseText | None = None
    """The clause's text; may use {placeholders} and {punkt:id} references to clauses."""
    typ: KlausulTyp = "text"
    """What the template adds after the text: finansiering (the payment schedule),
    plattformsuppgifter (the platform tasks), underskrifter (the signature blocks)."""
    villkor: Villkor | None = None
    """Include the clause only when this condition holds for the case."""


class Undertecknare(Strict):
    """Who signs the agreement for a party."""

    namn: Namn | None = None
    """The signatory's name; null while unknown."""
    titel: Namn | None = None
    """The signatory's title, e.g. Regional utvecklingsdirektör; null while unknown."""
    ort: Namn | None = None
    """Where the signatory signs, e.g. Luleå; null while unknown."""


class Forlangning(Strict):
    """How the financing can be extended."""

    ar_per_period: int = Field(gt=0)
    """Years per financing period, e.g. 3."""
    max_ar: int = Field(gt=0)
    """At most this many years of financing in all, e.g. 9."""


class AvtalsProgram(Strict):
    """What every actor's samarbetsavtal shares: the clause library and the region's signatory."""

    rubrik: Namn
    """The agreement's title, e.g. Samarbetsavtal om basfinansiering."""
    undertecknare: Undertecknare
    """Who signs for the region."""
    forlangning: Forlangning | None = None
    """Whether and how far the financing may be extended; null if it may not."""
    klausuler: list[Klausul] = Field(min_length=1)
    """The clauses in order; numbers and references are generated."""

    @field_validator("klausuler")
    @classmethod
    def _unique_ids(cls, clauses: list[Klausul]) -> list[Klausul]:
        seen: set[str] = set()
        for clause in clauses:
            if clause.id in seen:
                raise ValueError(f"clause id '{clause.id}' is used twice")
            seen.add(clause.id)
        return clauses


class ProgramTexter(Strict):
    """The beslutsförslag's texts that are the same for every actor, in the seed's order."""

    yttrande: ProseText
    """Yttrande till beslutsförslaget."""
    sammanfattning: ProseText
    """Sammanfattning: what an ecosystem is."""
    bakgrund: ProseText
    """Ärendet, Bakgrund."""
    genomforande: ProseText
    """Ärendet, Genomförande: the platform assignment, up to the list of platform tasks."""
    plattformsuppgifter: list[LineText] = Field(min_length=1)
    """Uppgifter inom plattformsuppdraget (bullets)."""
    forutsattningar: ProseText
    """The text between the platform tasks and the gaps."""
    gap: list[LineText] = Field(min_length=1)
    """The gaps between actors (numbered)."""
    gap_avslutning: ProseText
    """The text after the gaps."""
    villkor: list[LineText] = Field(min_length=1)
    """Financing conditions (bullets), shared by every actor."""
    aktorsvillkor_efter: int = Field(default=0, ge=0)
    """How many of the shared conditions come before the actor's own conditions."""


class Program(Strict):
    """An ecosystem program: the region as a party, the committee, strategies and shared texts."""

    namn: Namn
    """The program's name, e.g. Norrbottens ekosystem."""
    region: Part
    """The region as a party to every agreement."""
    strategier: list[Strategi] = Field(min_length=1)
    """Versions of the S3 and RUS strategies, each with the date it came into force."""
    texter: ProgramTexter
    """Texts shared by every actor's beslutsförslag."""
    avtal: AvtalsProgram
    """The samarbetsavtal's clause library and the region's signatory."""

    @field_validator("strategier")
    @classmethod
    def _both_strategies(cls, versions: list[Strategi]) -> list[Strategi]:
        missing = {"S3", "RUS"} - {version.kortnamn for version in versions}
        if missing:
            raise ValueError(f"no version of {' or '.join(sorted(missing))} is given")
        return versions
