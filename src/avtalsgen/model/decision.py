"""What a committee decides about an ärende: the outcome of a paragraph, and how it was
reached (votering, jäv, reservation).

A meeting file's paragraph (:class:`avtalsgen.model.meeting.Paragraf`) records one of the
outcomes of :class:`Utfall`. The decision's date and § are the meeting's; the case learns them
from there (:mod:`avtalsgen.meetings.decisions`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from avtalsgen.i18n import N_, _
from avtalsgen.model.prose import LineText
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
    ordning: LineText | None = None
    """The voting order the committee approved, e.g. "Ja-röst för bifall till förslaget,
    nej-röst för avslag"; left out when yes simply meant the decision taken."""

    @model_validator(mode="after")
    def _someone_voted(self) -> Votering:
        if self.ja + self.nej + self.avstar == 0:
            raise PydanticCustomError("votering", _("a votering with no votes at all"))
        return self


def _reservation(value: Any) -> Any:
    """A reservation may be written as the member's name alone."""
    return {"namn": value} if isinstance(value, str) else value


class Reservation(Strict):
    """A member who reserved themselves against the decision (reservation)."""

    namn: Namn
    """The member, as the minutes name them, e.g. Per Exempelsson (M)."""
    motivering: LineText | None = None
    """Optional: what the reservation says, e.g. "till förmån för eget yrkande om avslag"
    or "Skriftlig reservation bifogas protokollet."."""


#: A reservation: the member's name, or ``{namn, motivering}``.
ReservationEntry = Annotated[Reservation, BeforeValidator(_reservation)]
