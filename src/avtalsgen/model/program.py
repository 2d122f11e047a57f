"""The program file: what every actor's case in an ecosystem program shares."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from avtalsgen.i18n import _, join_words
from avtalsgen.model.money import Finansieringsregler
from avtalsgen.model.prose import LineText, ProseText
from avtalsgen.model.types import Adress, Datum, Namn, Part, Strict

#: Conditions a clause may depend on, decided from the case's facts.
Villkor = Literal["forlangning", "aktorsvillkor", "brutet_ar", "medfinansiering"]
#: How the template lays a clause out beyond its text.
KlausulTyp = Literal["text", "finansiering", "plattformsuppgifter", "underskrifter"]
#: Clause identifiers: lower-case ASCII words joined by underscores.
KLAUSUL_ID = r"^[a-z0-9]+(_[a-z0-9]+)*$"
#: An e-mail address (addr-spec): an ASCII dot-atom, @, a domain of at least two labels.
EPOST = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


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
    """Include the clause only when this condition holds for the case: forlangning (the
    program allows extension), aktorsvillkor (the case has conditions of its own),
    brutet_ar (the period is not whole years), medfinansiering (the financing has
    co-financiers)."""


class Undertecknare(Strict):
    """Who signs the agreement for a party."""

    namn: Namn | None = None
    """The signatory's name; null while unknown. Where the party names no person ahead
    (whoever holds the office signs), the title itself, as titel gives it: the signature
    block then names the person by the electronic signature."""
    titel: Namn | None = None
    """The signatory's title, e.g. Regional utvecklingsdirektör; null while unknown."""
    ort: Namn | None = None
    """Where the signatory signs, e.g. Luleå; null while unknown."""

    @property
    def by_role(self) -> bool:
        """True when the signatory is named by the office alone (namn is the title)."""
        return self.namn is not None and self.namn == self.titel


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
                raise ValueError(
                    _("clause id '{id}' is used twice; give each clause an id of its own").format(
                        id=clause.id
                    )
                )
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


def _epost(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not EPOST.fullmatch(text) or len(text) > 254 or not _parses(text):
        raise ValueError(
            _(
                "'{value}' is not an e-mail address: write one address as name@domain.se, "
                "without a display name (an internationalised domain in its xn-- form)"
            ).format(value=value)
        )
    return text


def _parses(text: str) -> bool:
    """Whether Python's e-mail package reads ``text`` as one address (addr-spec), as the
    expediering's messages are written with it (:class:`email.headerregistry.Address`):
    a local part of at most 64 characters, no label of a domain over 63."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    try:
        address = Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return False
    local, _at, domain = text.rpartition("@")
    return (
        address.addr_spec == text
        and len(local) <= 64
        and all(len(label) <= 63 for label in domain.split("."))
    )


#: One e-mail address, e.g. ``utveckling@example.se``.
Epost = Annotated[
    str,
    BeforeValidator(_epost),
    WithJsonSchema({"type": "string", "format": "email", "pattern": f"^{EPOST.pattern}$"}),
]


class Forvaltningsratt(Strict):
    """The administrative court that tries appeals of the region's decisions
    (laglighetsprövning, kommunallagen 13 kap.)."""

    namn: Namn
    """The court's name, e.g. Förvaltningsrätten i Luleå."""
    adress: Adress | None = None
    """Its postal address, stated in the överklagandehänvisning; null while unknown."""


class Protokoll(Strict):
    """What every anslag (notice of justering) states besides the meeting's own facts."""

    forvaringsplats: Namn
    """Where the committee's minutes are kept (förvaringsplats för protokollet)."""
    forvaltningsratt: Forvaltningsratt
    """Where an appeal of a decision goes."""
    anslagstavla: Namn | None = None
    """Where the region's digital anslagstavla is, e.g. its web address; stated on the
    notice when given."""


class Mottagare(Strict):
    """A recipient of protocol extracts: the name used in "Protokollsutdrag skickas till"
    and the e-mail address the extract is sent to."""

    namn: Namn
    """The name exactly as in the distribution lists, e.g. Regional utvecklingsdirektör."""
    epost: Epost | None = None
    """The e-mail address; null while unknown (the recipient is then listed as without an
    address when extracts are sent)."""
    funktionsbrevlada: bool = False
    """True for a functional mailbox (funktionsbrevlåda) rather than a person or body."""


class Avsandare(Strict):
    """Who expedited extracts come from."""

    namn: Namn
    """The sender's name, e.g. Region Norrbotten, Regionala utvecklingsnämnden."""
    epost: Epost
    """The sender's e-mail address, e.g. the registrar's mailbox."""


class Expediering(Strict):
    """The addresses protocol extracts are sent to (expediering)."""

    avsandare: Avsandare | None = None
    """The From of the messages, the region's functional mailbox (its domain is their
    Message-ID's); required by ``avtalsgen expediera``, which writes no message without it."""
    mottagare: list[Mottagare] = Field(default_factory=list)
    """Recipients by name; a name is given once."""

    @field_validator("mottagare")
    @classmethod
    def _unique_names(cls, recipients: list[Mottagare]) -> list[Mottagare]:
        seen: set[str] = set()
        for recipient in recipients:
            if recipient.namn in seen:
                raise ValueError(_("recipient '{name}' is given twice").format(name=recipient.namn))
            seen.add(recipient.namn)
        return recipients

    def address(self, name: str) -> Mottagare | None:
        """The recipient named ``name``, if the program lists it."""
        return next((m for m in self.mottagare if m.namn == name), None)


#: What a private person's name is replaced with on the web by default.
ERSATT_MED = "[namn borttaget]"


class Namnersattning(Strict):
    """A private person's name that publishable renditions replace."""

    namn: Namn
    """The name as it stands in the documents."""
    ersatt_med: Namn = ERSATT_MED
    """What the web copy says instead."""


class Publicering(Strict):
    """How documents are made publishable on the web (archive copies stay whole)."""

    ersatt_namn: list[Namnersattning] = Field(default_factory=list)
    """Names of private persons to replace in publishable renditions."""


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
    protokoll: Protokoll | None = None
    """Where the minutes are kept and where appeals go, for the anslag; required by
    ``avtalsgen anslag``."""
    expediering: Expediering = Field(default_factory=Expediering)
    """E-mail addresses of the recipients of protocol extracts."""
    publicering: Publicering = Field(default_factory=Publicering)
    """What publishable renditions replace."""
    finansiering: Finansieringsregler = Finansieringsregler()
    """The sources the region grants from and how its share is paid out by default."""

    @field_validator("strategier")
    @classmethod
    def _both_strategies(cls, versions: list[Strategi]) -> list[Strategi]:
        missing = {"S3", "RUS"} - {version.kortnamn for version in versions}
        if missing:
            raise ValueError(
                _("no version of {names} is given").format(names=join_words(sorted(missing), "or"))
            )
        return versions
