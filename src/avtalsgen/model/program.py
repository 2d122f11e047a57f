"""The program file: what every actor's case in an ecosystem program shares."""

from __future__ import annotations

from pydantic import Field

from avtalsgen.model.prose import LineText, ProseText
from avtalsgen.model.types import Datum, Namn, Part, Strict


class Strategi(Strict):
    """A regional strategy that actors contribute to (S3, RUS), by name and version."""

    kortnamn: Namn
    """Short name used in text, e.g. S3 or RUS."""
    namn: Namn
    """Full name, e.g. Smart specialiseringsstrategi för Norrbotten."""
    antagen: Datum | None = None
    """Date the strategy was adopted, when known."""


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
    """Strategies the actors contribute to."""
    texter: ProgramTexter
    """Texts shared by every actor's beslutsförslag."""
