"""What a committee decides about an ärende: the outcome of a paragraph, and how it was
reached (votering, jäv, reservation).

A meeting file's paragraph (:class:`avtalsgen.model.meeting.Paragraf`) records one of the
outcomes of :class:`Utfall`. The decision's date and § are the meeting's; the case learns them
from there (:mod:`avtalsgen.meetings.decisions`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from avtalsgen.i18n import N_, _
from avtalsgen.model.prose import MinutesText
from avtalsgen.model.types import Namn, Strict


class Utfall(StrEnum):
    """What the committee decided about a proposal."""

    BIFALL = "bifall"
    """Granted as proposed (the decision points verbatim)."""
    BIFALL_MED_ANDRING = "bifall_med_andring"
    """Granted with changes: amended decision points or changed facts (financing)."""
    AVSLAG = "avslag"
    """Rejected: no agreement follows."""
    ATERREMISS = "aterremiss"
    """Sent back to the office for more work, with the reason; decided at a later meeting."""
    BORDLAGGNING = "bordlaggning"
    """Postponed to a later meeting."""

    @property
    def granted(self) -> bool:
        """True for bifall, with or without changes: an agreement follows."""
        return self in (Utfall.BIFALL, Utfall.BIFALL_MED_ANDRING)

    @property
    def final(self) -> bool:
        """True when the ärende is decided (bifall or avslag); återremiss and bordläggning
        leave it to a later meeting."""
        return self.granted or self is Utfall.AVSLAG

    @property
    def preparatory(self) -> bool:
        """True for återremiss and bordläggning: they only prepare a later decision, and a
        committee's decision "av rent förberedande art" may not be appealed
        (kommunallagen 13 kap. 2 §)."""
        return self in (Utfall.ATERREMISS, Utfall.BORDLAGGNING)


#: The outcomes in the words of the minutes (an extract's change note, the anslag's list,
#: the packet's keywords); a StrEnum's keys, so looked up by the file's value too.
UTFALL_ORD: Final[dict[Utfall, str]] = {
    Utfall.BIFALL: "bifall",
    Utfall.BIFALL_MED_ANDRING: "bifall med ändring",
    Utfall.AVSLAG: "avslag",
    Utfall.ATERREMISS: "återremiss",
    Utfall.BORDLAGGNING: "bordläggning",
}

#: What the documents say of a decision of rent förberedande art (återremiss,
#: bordläggning), after "Beslutet" or "Besluten i § 196 och § 197": it may not be appealed
#: (kommunallagen 13 kap. 2 §). A non-breaking space keeps "2 §" on one line.
FORBEREDANDE: Final = (
    "är av rent förberedande art och får inte överklagas (13 kap. 2\u00a0§ kommunallagen)."
)

#: The outcomes in words, as ``avtalsgen status`` shows them (translated where shown).
UTFALL_TEXT: Final[dict[Utfall, str]] = {
    Utfall.BIFALL: N_("granted"),
    Utfall.BIFALL_MED_ANDRING: N_("granted with changes"),
    Utfall.AVSLAG: N_("rejected"),
    Utfall.ATERREMISS: N_("referred back"),
    Utfall.BORDLAGGNING: N_("postponed"),
}


def _antal(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PydanticCustomError(
            "antal",
            _("a number of votes is a whole number from 0, written as plain digits, got {value}"),
            {"value": repr(value)},
        )
    return value


#: A number of votes: a whole number from 0.
Antal = Annotated[int, BeforeValidator(_antal), WithJsonSchema({"type": "integer", "minimum": 0})]


class Votering(Strict):
    """A vote (votering) taken on the paragraph: the counts, and what yes and no meant."""

    ja: Antal
    """Yes votes (ja-röster)."""
    nej: Antal
    """No votes (nej-röster)."""
    avstar: Antal = 0
    """Members present who abstained (avstår)."""
    ordning: MinutesText | None = None
    """The voting order the committee approved, e.g. "Ja-röst för bifall till förslaget,
    nej-röst för avslag"; left out when yes simply meant the decision taken."""

    @model_validator(mode="after")
    def _someone_voted(self) -> Votering:
        if self.ja + self.nej + self.avstar == 0:
            raise PydanticCustomError("votering", _("a votering with no votes at all"))
        return self


#: What a side of a vote may propose, by the words of the voting order: the outcome it
#: stands for. Looked for in this order ("bifall till avslagsyrkandet" is an avslag).
_PROPOSITIONS: Final = (
    ("avslag", Utfall.AVSLAG),
    ("återremi", Utfall.ATERREMISS),
    ("bordlägg", Utfall.BORDLAGGNING),
    ("bifall", Utfall.BIFALL),
    ("förslaget", Utfall.BIFALL),
)
#: One side of a voting order: "Ja-röst för avslag", "nej för bifall till förslaget".
_SIDE: Final = re.compile(
    r"\b(ja|nej)(?:[- ]?röst(?:er|en)?)?\s+(?:för|innebär)\s+([^,;.]*)", re.IGNORECASE
)


def _proposition(words: str) -> Utfall | None:
    folded = words.casefold()
    for word, outcome in _PROPOSITIONS:
        if word in folded:
            return outcome
    return None


def _kind(outcome: Utfall) -> Utfall:
    return Utfall.BIFALL if outcome.granted else outcome


def vote_problem(votering: Votering, outcome: Utfall) -> str | None:
    """Whether the vote's counts contradict the outcome recorded, given what a yes meant
    (the voting order; without one, yes meant the decision taken): the side that stands for
    the outcome must have had at least as many votes as the other (on equal votes the chair's
    casting vote decides, kommunallagen 5 kap. 55 §). None when they agree or the order does
    not tell."""
    sides: dict[str, Utfall | None] = {"ja": None, "nej": None}
    if votering.ordning is None:
        sides["ja"] = _kind(outcome)
    else:
        for match in _SIDE.finditer(votering.ordning):
            sides[match[1].casefold()] = _proposition(match[2])
    yes, no = sides["ja"], sides["nej"]
    if yes is not None and yes == no:
        return None  # both sides for the same outcome (two wordings of a bifall): untold
    kind = _kind(outcome)
    if yes == kind or (no is not None and no != kind and yes is None):
        winner, loser = votering.ja, votering.nej
        side = "ja"
    elif no == kind or (yes is not None and yes != kind):
        winner, loser = votering.nej, votering.ja
        side = "nej"
    else:
        return None
    if winner >= loser:
        return None
    return _(
        "the vote contradicts the outcome: {side} stood for {utfall} (ordning: {order}), and "
        "{ja} ja and {nej} nej means the other side won; correct the counts, the voting order "
        "(ordning: what a ja-röst was for) or utfall"
    ).format(
        side=side,
        utfall=outcome.value,
        order=votering.ordning or _("ja for the decision taken"),
        ja=votering.ja,
        nej=votering.nej,
    )


def _reservation(value: Any) -> Any:
    """A reservation may be written as the member's name alone."""
    return {"namn": value} if isinstance(value, str) else value


class Reservation(Strict):
    """A member who reserved themselves against the decision (reservation)."""

    namn: Namn
    """The member, as the minutes name them, e.g. Per Exempelsson (M)."""
    motivering: MinutesText | None = None
    """Optional: what the reservation says, e.g. "till förmån för eget yrkande om avslag"
    or "Skriftlig reservation bifogas protokollet."."""


#: A reservation: the member's name, or ``{namn, motivering}``.
ReservationEntry = Annotated[Reservation, BeforeValidator(_reservation)]
