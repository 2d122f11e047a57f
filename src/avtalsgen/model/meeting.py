"""The meeting file: one sammanträde of a committee and the paragraphs (§) of its minutes.

A meeting file names its committee, date and place, the chair, the secretary and the
justerare, when the minutes were justerade and when that was announced on the digital
anslagstavla, and one entry per paragraph: the § number, the ärende it decides (by Dnr) and
the decision. The case files are found through ``arenden``: a folder, relative to the meeting
file, whose ``*.yaml`` case files are indexed by their ``dnr``.

What one field can tell (types, dates, Dnr, unknown keys) is checked when the file is
validated; the rules that tie fields together are listed by :meth:`Sammantrade.problems`, each
with the location of the field to blame, and
:func:`avtalsgen.meetings.justering.load_meeting` reports them with file and line, together
with what only the case files can tell (the Dnr exists, the committee matches, the
beslutsförslag is not dated after the meeting).

Rules (kommunallagen 5 kap. 69 § and 8 kap. 12 §, 13 kap. 5 §):

- the minutes are justerade no later than 14 days after the meeting, by the chair and at
  least one justerare other than the chair;
- the justering is announced on the anslagstavla no later than the second day after it;
- an appeal must reach the court within three weeks from the announcement;
- a paragraph may be justerad at the meeting itself (omedelbart justerad); it is announced
  separately, no later than the second day after the meeting;
- a last day (of a notice or an appeal) that falls on a Saturday, Sunday, public holiday,
  midsommarafton, julafton or nyårsafton moves to the next weekday (lag (1930:173) om
  beräkning av lagstadgad tid, 2 §).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from avtalsgen.i18n import _
from avtalsgen.model.case import FieldLoc, FieldProblems, Finansiering
from avtalsgen.model.decision import ReservationEntry, Utfall, Votering, vote_problem
from avtalsgen.model.prose import DecidedText, MinutesText
from avtalsgen.model.tillagg import Tillagg
from avtalsgen.model.types import Datum, Dnr, Loc, Namn, Strict

#: A provision of offentlighets- och sekretesslagen (2009:400): chapter and §, optionally the
#: stycke and punkt, then OSL, e.g. ``21 kap. 7 § OSL`` or ``19 kap. 3 § andra stycket OSL``.
OSL_BESTAMMELSE: Final = re.compile(
    r"[1-9][0-9]? kap\. [1-9][0-9]*(?: ?[a-z])? §(?: [a-zåäö]+ stycket)?(?: [0-9]+ p\.)? OSL"
)
#: What ``beslut`` says when the committee decided as proposed in the beslutsförslag.
ENLIGT_FORSLAGET: Final = "enligt förslaget"
#: The minutes are justerade no later than this many days after the meeting.
JUSTERING_DAGAR: Final = 14
#: The justering is announced no later than this many days after it.
ANSLAG_DAGAR: Final = 2
#: An appeal runs this long from the announcement (before the weekday rule).
OVERKLAGANDETID: Final = dt.timedelta(weeks=3)


@dataclass(frozen=True)
class Problem:
    """A rule a meeting file breaks: where (a location like pydantic's) and what."""

    loc: Loc
    message: str


def _paragraf_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        digits = value.strip().removeprefix("§").strip() if isinstance(value, str) else ""
        if digits.isascii() and digits.isdigit() and int(digits) > 0:
            raise PydanticCustomError(
                "paragraf",
                _("a § number is written as plain digits: write {digits}, not {value}"),
                {"value": repr(value), "digits": digits},
            )
        raise PydanticCustomError(
            "paragraf",
            _("a § number is a whole number from 1, written as plain digits, got {value}"),
            {"value": repr(value)},
        )
    return value


def _beslut(value: Any) -> Any:
    if isinstance(value, str) and " ".join(value.split()).lower() == ENLIGT_FORSLAGET:
        return None
    if isinstance(value, list):
        return value
    raise PydanticCustomError(
        "beslut",
        _(
            "write 'enligt förslaget', or the decision points as the committee amended them "
            "(a list), got {value}"
        ),
        {"value": repr(value)},
    )


#: The outcomes whose ``beslut`` is the committee's own wording, not decision points.
_NOT_GRANTED: Final = (Utfall.AVSLAG.value, Utfall.ATERREMISS.value, Utfall.BORDLAGGNING.value)

#: A § number: a whole number from 1.
Paragrafnummer = Annotated[
    int, BeforeValidator(_paragraf_number), WithJsonSchema({"type": "integer", "minimum": 1})
]

#: The decision: ``enligt förslaget`` (stored as None) or the amended points.
Beslut = Annotated[
    Annotated[list[DecidedText], Field(min_length=1)] | None,
    BeforeValidator(_beslut),
    WithJsonSchema(
        {
            "oneOf": [
                {"const": ENLIGT_FORSLAGET},
                {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "string",
                        "description": (
                            "One decision point; may use placeholders in braces, "
                            "e.g. {belopp_arligen}."
                        ),
                    },
                },
            ]
        }
    ),
]


def _bestammelse(value: Any) -> Any:
    if isinstance(value, str) and not OSL_BESTAMMELSE.fullmatch(" ".join(value.split())):
        raise ValueError(
            _(
                "'{value}' is not a provision of offentlighets- och sekretesslagen written as "
                "'21 kap. 7 § OSL' (chapter, §, optionally the stycke, then OSL)"
            ).format(value=value)
        )
    return " ".join(value.split()) if isinstance(value, str) else value


#: A provision of OSL, e.g. ``21 kap. 7 § OSL``.
Bestammelse = Annotated[
    str,
    BeforeValidator(_bestammelse),
    WithJsonSchema({"type": "string", "pattern": OSL_BESTAMMELSE.pattern}),
]


class Sekretess(Strict):
    """The secrecy marking of a paragraph (offentlighets- och sekretesslagen, 2009:400): the
    provision, when it was marked and by whom. The extract says "Sekretess enligt
    <bestammelse>" with the date and name on every page and in its metadata; the paragraph is
    kept out of the anslag and of everything published."""

    bestammelse: Bestammelse
    """The provision, e.g. ``21 kap. 7 § OSL``."""
    datum: Datum
    """The day the paragraph was marked as secret."""
    markerad_av: Namn | None = None
    """Who marked it; by default the meeting's secretary."""


def sekretessmarkering(bestammelse: str, datum: dt.date | str, markerad_av: str) -> str:
    """The secrecy marking as documents state it (in Swedish, whatever the language of the
    messages): "Sekretess enligt <bestammelse> (markerad <datum> av <namn>)"."""
    when = datum.isoformat() if isinstance(datum, dt.date) else datum
    return f"Sekretess enligt {bestammelse} (markerad {when} av {markerad_av})"


def join_markings(markings: Iterable[str]) -> str:
    """Several secrecy markings as one document states them: each once, in order, joined
    by "; " (a document may state the facts of several secret paragraphs)."""
    return "; ".join(dict.fromkeys(marking for marking in markings if marking))


#: What the title of a document stating a secret paragraph's facts starts with.
SECRET_TITLE = "SEKRETESS – "


def secret_labels(marking: str) -> tuple[str, str, tuple[str, ...]]:
    """What a document stating the facts of secret paragraphs (``marking``, as
    :func:`join_markings` gives it) adds to its properties, as its extract does: the title's
    prefix, the subject's ending and the keyword; all empty when nothing is secret."""
    if not marking:
        return "", "", ()
    return SECRET_TITLE, f". {marking}", ("sekretess",)


def split_markings(marking: str) -> tuple[str, ...]:
    """The markings :func:`join_markings` joined (none of an empty one)."""
    return tuple(one for one in marking.split("; ") if one)


def _sekretess(value: Any) -> Any:
    if value is False or value is None:
        return None
    if value is True:
        raise ValueError(
            _(
                "a paragraph under sekretess names its provision: write sekretess: "
                "{{bestammelse: '21 kap. 7 § OSL', datum: YYYY-MM-DD}} (markerad_av: the "
                "secretary by default)"
            ).format()
        )
    return value


class Paragraf(Strict):
    """One paragraph (§) of the minutes: the decision in one ärende."""

    paragraf: Paragrafnummer
    """The § number, unique within the meeting; the extract is protokollsutdrag-<N>."""
    dnr: Dnr
    """The ärende decided, by Dnr; its case file is found in the ``arenden`` folder."""
    utfall: Utfall | None = None
    """What the committee decided: bifall, bifall_med_andring, avslag, aterremiss or
    bordlaggning. Left out: bifall, or bifall_med_andring where the paragraph changes the
    proposal (``beslut`` as a list, ``finansiering`` or ``andring``)."""
    beslut: Beslut = None
    """For bifall: ``enligt förslaget`` (the default), the case's decision points verbatim;
    or a list of the points as the committee amended them, which may use the same
    {placeholders} as the case. For avslag, återremiss and bordläggning: the committee's
    own wording as a list of paragraphs (by default "<nämnd> avslår förslaget.",
    "... beslutar att återremittera ärendet ..." or "... beslutar att bordlägga ärendet.")."""
    finansiering: Finansiering | None = None
    """For bifall med ändring: the financing as the committee decided it (amount, source,
    period, financiers), replacing the proposal's for everything after the decision (the
    samarbetsavtal and its payment schedule); the beslutsförslag keeps the proposal's."""
    andring: DecidedText | None = None
    """For bifall med ändring: the change in the committee's words, after "med den ändringen
    att" (e.g. "beloppet ska vara {belopp_per_ar} årligen"); by default it is written from
    what differs from the proposal."""
    ej_i_avtalet: list[Paragrafnummer] = Field(default_factory=list)
    """For amended points (``beslut`` as a list): the numbers of those whose change does not
    concern the samarbetsavtal (e.g. an assignment to the office). Any other point that adds
    to or rewrites the proposal's must be stated by the agreement: a co-financier's
    condition as ``finansiering.finansiarer[M].villkor``; ``check`` says so otherwise."""
    tillagg: Tillagg | None = None
    """A change of the case's running agreement, decided at a later meeting than the one
    that granted it (a tilläggsavtal follows): ``{typ: forlangning, ny_slutdag: ...}``,
    ``{typ: nytt_belopp, fran: ..., belopp_per_ar: ...}`` or ``{typ: upphorande,
    sista_dag: ...}``. The outcome is bifall (of the change) unless utfall says avslag,
    aterremiss or bordlaggning (of the change proposed: no tilläggsavtal follows)."""
    motivering: MinutesText | None = None
    """The reason for an återremiss (required), an avslag or a bordläggning, or for a
    change of the running agreement (tillagg), as one paragraph."""
    votering: Votering | None = None
    """When the committee voted: ``{ja, nej, avstar, ordning}``."""
    jav: list[Namn] = Field(default_factory=list)
    """Members who were jäviga and did not take part in the paragraph."""
    reservationer: list[ReservationEntry] = Field(default_factory=list)
    """Members who reserved themselves against the decision: a name, or ``{namn,
    motivering}``."""
    omedelbart_justerad: bool = False
    """True when the paragraph was justerad at the meeting itself (omedelbar justering)."""
    anslagsdatum: Datum | None = None
    """Only for an omedelbart justerad paragraph: when its justering was announced on the
    anslagstavla, no later than 2 days after the meeting (or the next weekday). Defaults to
    the meeting's anslagsdatum, which must then be within those 2 days."""
    sekretess: Annotated[Sekretess | None, BeforeValidator(_sekretess)] = None
    """The secrecy marking (provision, date, who marked it) of a paragraph under secrecy:
    its extract is made only when asked for by number and carries the marking; it is kept
    out of the anslag and of everything published. ``false`` or left out: not secret."""
    skickas_till: list[Namn] | None = Field(default=None, min_length=1)
    """Protokollsutdrag skickas till, one recipient per item; by default the case's
    ``protokollsutdrag_till``."""

    @model_validator(mode="before")
    @classmethod
    def _wording_fits_the_outcome(cls, data: Any) -> Any:
        # "enligt förslaget" becomes None like a missing beslut: tell them apart here.
        if isinstance(data, dict) and isinstance(data.get("beslut"), str):
            utfall = data.get("utfall")
            if utfall in _NOT_GRANTED:
                raise FieldProblems(
                    [
                        (
                            "beslut",
                            _(
                                "'{value}' is the wording of a bifall; for {utfall} leave "
                                "beslut out or give the committee's own wording as a list"
                            ).format(value=data["beslut"], utfall=utfall),
                        )
                    ]
                )
        return data

    @model_validator(mode="after")
    def _fields_fit_the_outcome(self) -> Paragraf:
        problems: list[tuple[FieldLoc, str]] = []
        utfall = self.utfall
        if self.tillagg is not None:
            problems += self._tillagg_problems()
        elif utfall is not None and not utfall.granted:
            for name in ("finansiering", "andring"):
                if getattr(self, name) is not None:
                    problems.append(
                        (
                            name,
                            _(
                                "{field} is a change made in a bifall; the outcome is {utfall}"
                            ).format(field=name, utfall=utfall.value),
                        )
                    )
        elif self.motivering is not None:
            problems.append(
                (
                    "motivering",
                    _(
                        "a motivering belongs to an avslag, återremiss or bordläggning; "
                        "write the changes of a bifall in beslut, finansiering or andring"
                    ),
                )
            )
        if utfall is Utfall.ATERREMISS and self.motivering is None:
            problems.append(("motivering", _("an återremiss states its reason: add motivering")))
        if (
            utfall is Utfall.BIFALL_MED_ANDRING
            and not self.changes_proposal
            and self.tillagg is None
        ):
            problems.append(
                (
                    "utfall",
                    _(
                        "bifall_med_andring, but the paragraph changes nothing: give the "
                        "amended points (beslut), the decided finansiering or the andring"
                    ),
                )
            )
        for index, number in enumerate(self.ej_i_avtalet):
            if self.beslut is None or number > len(self.beslut):
                problems.append(
                    (
                        ("ej_i_avtalet", index),
                        _(
                            "ej_i_avtalet names point {number}, but the decision points as "
                            "decided (beslut) have no such point: list the numbers of amended "
                            "points whose change does not concern the agreement"
                        ).format(number=number),
                    )
                )
        if self.votering is not None:
            # Left out, the outcome is a bifall (with or without ändring).
            contradiction = vote_problem(self.votering, utfall or Utfall.BIFALL)
            if contradiction is not None:
                problems.append((("votering", "ja"), contradiction))
        jav = set(self.jav)
        for index, reservation in enumerate(self.reservationer):
            if reservation.namn in jav:
                problems.append(
                    (
                        ("reservationer", index),
                        _(
                            "{name} was jävig and took no part in the paragraph, so cannot "
                            "reserve themselves against it"
                        ).format(name=reservation.namn),
                    )
                )
        if problems:
            raise FieldProblems(problems)
        return self

    def _tillagg_problems(self) -> list[tuple[FieldLoc, str]]:
        """A paragraph with a tillägg decides the change it gives: granted (bifall), or
        rejected, referred back or postponed (the committee's own wording in ``beslut``,
        if any); a ``motivering`` gives the reasons (förvaltningslagen 32 §)."""
        problems: list[tuple[FieldLoc, str]] = []
        if self.utfall is Utfall.BIFALL_MED_ANDRING:
            problems.append(
                (
                    "utfall",
                    _(
                        "a change of the running agreement granted with amendments is the "
                        "change as decided: write it in tillagg and leave utfall out (or write "
                        "bifall)"
                    ),
                )
            )
        granted = self.utfall is None or self.utfall.granted
        names = ("beslut", "finansiering", "andring") if granted else ("finansiering", "andring")
        for name in names:
            if getattr(self, name) is not None:
                problems.append(
                    (
                        name,
                        _(
                            "{field} belongs to the decision on the proposal; a paragraph with "
                            "a tillagg decides the change it gives"
                        ).format(field=name),
                    )
                )
        return problems

    @property
    def changes_proposal(self) -> bool:
        """True when the paragraph writes changes to the proposal (amended points, decided
        financing or the change in words); whether amended points differ is for the case
        to tell (:func:`avtalsgen.meetings.decisions.utfall`)."""
        return (
            self.beslut is not None or self.finansiering is not None or (self.andring is not None)
        )

    @property
    def enligt_forslaget(self) -> bool:
        """True when the committee decided as proposed in the beslutsförslag."""
        return self.beslut is None and self.finansiering is None and self.andring is None


@dataclass(frozen=True)
class Justering:
    """When one paragraph was justerad and announced, and the last day to appeal."""

    justeringsdatum: dt.date
    """The day the paragraph was justerad: the meeting's date when omedelbart justerad."""
    anslagsdatum: dt.date
    """The day the justering was announced on the anslagstavla."""
    omedelbart: bool
    """True when justerad at the meeting itself."""

    @property
    def sista_dag_for_overklagande(self) -> dt.date:
        """Three weeks from the announcement, moved past weekends and holidays."""
        return sista_dag_for_overklagande(self.anslagsdatum)


class Sammantrade(Strict):
    """One meeting (sammanträde) of a committee and the paragraphs decided at it."""

    exempel: bool = False
    """True for a fictitious example meeting; its extracts are marked as examples."""
    namnd: Namn
    """The committee, e.g. Regionala utvecklingsnämnden; must match each case's namnd."""
    datum: Datum
    """The meeting's date (sammanträdesdatum), YYYY-MM-DD."""
    plats: Namn
    """Where the meeting was held, e.g. Regionhuset, Luleå."""
    ordforande: Namn
    """The chair (ordförande), who justerar the minutes together with the justerare."""
    sekreterare: Namn
    """The secretary, who keeps the minutes and certifies the extracts."""
    justerare: list[Namn] = Field(min_length=1)
    """The member or members, other than the chair, who justerar the minutes."""
    justeringsdatum: Datum
    """When the minutes were justerade: no later than 14 days after the meeting."""
    anslagsdatum: Datum
    """When the justering was announced on the anslagstavla: no later than 2 days after it
    (or the next weekday, when that day is a Saturday, Sunday or holiday)."""
    arenden: Namn = ".."
    """The folder of the case files, relative to this file; its *.yaml files are indexed by
    their dnr. Default ``..``: a meeting in cases/sammantraden/ finds the cases in cases/."""
    paragrafer: list[Paragraf] = Field(min_length=1)
    """The paragraphs decided at the meeting, in the order of the minutes."""

    @property
    def sista_dag_for_overklagande(self) -> dt.date:
        """The last day to appeal the minutes' decisions (three weeks from the notice)."""
        return sista_dag_for_overklagande(self.anslagsdatum)

    def justering(self, paragraf: Paragraf) -> Justering:
        """When ``paragraf`` was justerad and announced: at the meeting if omedelbart
        justerad, else with the minutes."""
        if paragraf.omedelbart_justerad:
            return Justering(self.datum, paragraf.anslagsdatum or self.anslagsdatum, True)
        return Justering(self.justeringsdatum, self.anslagsdatum, False)

    def markerad_av(self, paragraf: Paragraf) -> str | None:
        """Who marked ``paragraf`` as secret (the secretary unless the file says otherwise);
        None when it is not secret."""
        if paragraf.sekretess is None:
            return None
        return paragraf.sekretess.markerad_av or self.sekreterare

    def paragraf(self, number: int) -> Paragraf | None:
        """The paragraph with § number ``number``, if the meeting has one."""
        return next((p for p in self.paragrafer if p.paragraf == number), None)

    def problems(self) -> list[Problem]:
        """Every rule between this file's fields that it breaks (all at once)."""
        problems = [*self._date_problems(), *self._people_problems()]
        seen: dict[int, int] = {}
        for index, paragraf in enumerate(self.paragrafer):
            loc: Loc = ("paragrafer", index)
            first = seen.setdefault(paragraf.paragraf, index)
            if first != index:
                problems.append(
                    Problem(
                        (*loc, "paragraf"),
                        _(
                            "§ {number} appears twice (also paragrafer[{first}]); "
                            "§ numbers are unique within a meeting"
                        ).format(number=paragraf.paragraf, first=first),
                    )
                )
            problems += self._paragraph_date_problems(loc, paragraf)
        return problems

    def _date_problems(self) -> list[Problem]:
        problems = []
        latest = self.datum + dt.timedelta(days=JUSTERING_DAGAR)
        if self.justeringsdatum < self.datum:
            problems.append(
                Problem(
                    ("justeringsdatum",),
                    _(
                        "the justering ({justering}) is before the meeting ({meeting}): write "
                        "a justeringsdatum on the meeting's day or later"
                    ).format(justering=self.justeringsdatum, meeting=self.datum),
                )
            )
        elif self.justeringsdatum > latest:
            problems.append(
                Problem(
                    ("justeringsdatum",),
                    _(
                        "the minutes must be justerade no later than {days} days after the "
                        "meeting ({meeting}), that is by {latest}, got {justering}"
                    ).format(
                        days=JUSTERING_DAGAR,
                        meeting=self.datum,
                        latest=latest,
                        justering=self.justeringsdatum,
                    ),
                )
            )
        problems += _anslag_problems(("anslagsdatum",), self.anslagsdatum, self.justeringsdatum)
        return problems

    def _people_problems(self) -> list[Problem]:
        problems = []
        seen: set[str] = set()
        for index, name in enumerate(self.justerare):
            if name == self.ordforande:
                problems.append(
                    Problem(
                        ("justerare", index),
                        _(
                            "{name} is the chair, who justerar anyway; a justerare is another "
                            "member"
                        ).format(name=name),
                    )
                )
            elif name in seen:
                problems.append(
                    Problem(("justerare", index), _("{name} is named twice").format(name=name))
                )
            seen.add(name)
        return problems

    def _paragraph_date_problems(self, loc: Loc, paragraf: Paragraf) -> list[Problem]:
        if not paragraf.omedelbart_justerad:
            if paragraf.anslagsdatum is None:
                return []
            return [
                Problem(
                    (*loc, "anslagsdatum"),
                    _(
                        "only an omedelbart justerad paragraph has an anslagsdatum of its own; "
                        "the others are announced with the minutes (the meeting's anslagsdatum)"
                    ),
                )
            ]
        if paragraf.anslagsdatum is not None:
            return _anslag_problems((*loc, "anslagsdatum"), paragraf.anslagsdatum, self.datum)
        latest = senaste_anslagsdatum(self.datum)
        if self.anslagsdatum > latest:
            return [
                Problem(
                    (*loc, "omedelbart_justerad"),
                    _(
                        "an omedelbart justerad paragraph is announced no later than {days} "
                        "days after the meeting, by {latest}, but the minutes' anslagsdatum is "
                        "{anslag}: give the paragraph its own anslagsdatum"
                    ).format(days=ANSLAG_DAGAR, latest=latest, anslag=self.anslagsdatum),
                )
            ]
        return []


def _anslag_problems(loc: Loc, anslag: dt.date, justering: dt.date) -> list[Problem]:
    latest = senaste_anslagsdatum(justering)
    if anslag < justering:
        return [
            Problem(
                loc,
                _(
                    "the notice ({anslag}) is before the justering ({justering}): write an "
                    "anslagsdatum on the justering's day or later"
                ).format(anslag=anslag, justering=justering),
            )
        ]
    if anslag > latest:
        if latest == justering + dt.timedelta(days=ANSLAG_DAGAR):
            message = _(
                "the notice must go up on the anslagstavla no later than {days} days after "
                "the justering ({justering}), that is by {latest}, got {anslag}"
            )
        else:
            message = _(
                "the notice must go up on the anslagstavla no later than {days} days after "
                "the justering ({justering}), on {second}; that day is a Saturday, Sunday or "
                "holiday, so by the next weekday, {latest}, got {anslag}"
            )
        return [
            Problem(
                loc,
                message.format(
                    days=ANSLAG_DAGAR,
                    justering=justering,
                    second=justering + dt.timedelta(days=ANSLAG_DAGAR),
                    latest=latest,
                    anslag=anslag,
                ),
            )
        ]
    return []


def senaste_anslagsdatum(justering: dt.date) -> dt.date:
    """The last day the notice of a justering may go up: the second day after it (8 kap.
    12 § kommunallagen), or the next weekday when that is a Saturday, Sunday, public holiday
    or one of the three aftnar (lag (1930:173) om beräkning av lagstadgad tid)."""
    return _next_weekday(justering + dt.timedelta(days=ANSLAG_DAGAR))


def _next_weekday(day: dt.date) -> dt.date:
    """``day``, or the first day after it that is not a Saturday, Sunday or :func:`fridagar`."""
    while day.weekday() >= 5 or day in fridagar(day.year):
        day += dt.timedelta(days=1)
    return day


def _easter(year: int) -> dt.date:
    """Easter Sunday (påskdagen) of ``year``: the anonymous Gregorian algorithm."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_weekday(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


@cache
def fridagar(year: int) -> frozenset[dt.date]:
    """Weekdays on which a time limit may not end: the public holidays (lag (1989:253) om
    allmänna helgdagar, as in force since 2005) and midsommarafton, julafton, nyårsafton.

    Saturdays and Sundays are not listed; :func:`sista_dag_for_overklagande` skips them.
    """
    easter = _easter(year)
    midsommardagen = _first_weekday(dt.date(year, 6, 20), 5)
    days = {
        dt.date(year, 1, 1),  # nyårsdagen
        dt.date(year, 1, 6),  # trettondedag jul
        easter - dt.timedelta(days=2),  # långfredagen
        easter,  # påskdagen
        easter + dt.timedelta(days=1),  # annandag påsk
        dt.date(year, 5, 1),  # första maj
        easter + dt.timedelta(days=39),  # Kristi himmelsfärdsdag
        easter + dt.timedelta(days=49),  # pingstdagen
        dt.date(year, 6, 6),  # nationaldagen
        midsommardagen - dt.timedelta(days=1),  # midsommarafton
        midsommardagen,
        _first_weekday(dt.date(year, 10, 31), 5),  # alla helgons dag
        dt.date(year, 12, 24),  # julafton
        dt.date(year, 12, 25),  # juldagen
        dt.date(year, 12, 26),  # annandag jul
        dt.date(year, 12, 31),  # nyårsafton
    }
    return frozenset(days)


def sista_dag_for_overklagande(anslagsdatum: dt.date) -> dt.date:
    """The last day to appeal: three weeks from the notice, or the next weekday after it
    when that day is a Saturday, Sunday, public holiday or one of the three aftnar."""
    return _next_weekday(anslagsdatum + OVERKLAGANDETID)
