"""Value types shared by the case, program and meeting files: Dnr, money, dates, numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from avtalsgen.i18n import _, ngettext

# [0-9], not \d: \d also matches other scripts' digits (٣, ३), which a Dnr (a folder name),
# a date or a postnummer must not hold.
_DNR = re.compile(r"RUN-[0-9]{5}-[0-9]{4}")
_SHORT_DNR = re.compile(r"RUN-([0-9]{1,4})-([0-9]{4})", re.IGNORECASE)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_POSTNUMMER = re.compile(r"[0-9]{3} [0-9]{2}")

#: Characters a Word document (XML 1.0) cannot hold: control characters other than tab,
#: line feed and carriage return, lone surrogates, U+FFFE and U+FFFF; and DEL and the C1
#: controls (U+007F-U+009F), which XML allows but which are only ever the trace of a file
#: converted with the wrong encoding (U+0096 for an en dash, U+0085 for an ellipsis).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


#: Where a value is in a file or model: the path of keys and list indices that leads to it,
#: such as ``("finansiarer", 0, "namn")`` (the one location type of avtalsgen: the loader
#: finds its line by it).
Loc = tuple[str | int, ...]
#: A field relative to its model: a name, or a :data:`Loc`.
FieldLoc = str | Loc


class FieldProblems(ValueError):
    """Cross-field checks that failed, each naming the field (relative to its model) to
    blame and what is wrong; the loader reports each at its line."""

    def __init__(self, problems: Sequence[tuple[FieldLoc, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = list(problems)


class Strict(BaseModel):
    """Base of every file model: unknown keys rejected, values immutable (the docstring under
    each field describes it in the JSON Schema: see :mod:`avtalsgen.model.schema`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


def _lone_surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def _kind(char: str) -> str:
    if _lone_surrogate(char):
        return _("a lone surrogate")
    if ord(char) in (0xFFFE, 0xFFFF):
        return _("not a character")
    return _("a control character")


def describe_characters(chars: list[str], key: bool = False) -> str:
    """A message naming forbidden characters (see :data:`FORBIDDEN_CHARACTERS`) found in a
    value, or in a key (``key``)."""
    distinct = sorted(set(chars))
    names = ", ".join(f"U+{ord(char):04X} ({_kind(char)})" for char in distinct[:5])
    if len(distinct) > 5:
        names = _("{names} and {count} more").format(names=names, count=len(distinct) - 5)
    if key:
        message = ngettext(
            "the key contains {names}, which a Word document cannot hold; remove it",
            "the key contains {names}, which a Word document cannot hold; remove them",
            len(distinct),
        )
    else:
        message = ngettext(
            "contains {names}, which a Word document cannot hold; remove it",
            "contains {names}, which a Word document cannot hold; remove them",
            len(distinct),
        )
    message = message.format(names=names)
    if any(_lone_surrogate(char) for char in distinct):
        message += " " + _(
            "(write an emoji as itself, or as \\U0001F600 in double quotes, not as a "
            "\\uD83D\\uDE00 pair)"
        )
    return message


def refuse_forbidden_characters(text: str) -> str:
    """``text``, or a pydantic error if it holds characters a Word document cannot hold."""
    found = FORBIDDEN_CHARACTERS.findall(text)
    if found:
        raise PydanticCustomError("character", describe_characters(found))
    return text


_WORD_QUOTES = "”“„"


def refuse_word_quotes(text: str) -> str:
    """``text``, or a pydantic error if the whole text stands between Word's quotation marks:
    YAML takes them as part of the text (only straight marks quote), so the documents would
    print them around a decision point or a paragraph."""
    bare = text.strip()
    inner = bare[1:-1]
    if (
        len(bare) > 2
        and bare[0] in _WORD_QUOTES
        and bare[-1] in _WORD_QUOTES
        and not any(mark in inner for mark in _WORD_QUOTES)  # ”Testbädd” avser … ”Definitioner”
    ):
        raise PydanticCustomError(
            "word_quotes",
            _(
                "the text stands between Word's quotation marks {opening}…{closing}, which the "
                "documents would print as part of it: remove them (a text needs no quotes in "
                "the file; one that holds ': ' goes between straight quotes \"…\")"
            ),
            {"opening": bare[0], "closing": bare[-1]},
        )
    return text


def _string(value: Any) -> str:
    if not isinstance(value, str):
        # Said by avtalsgen.input.messages, by the type.
        raise PydanticCustomError("string_type", "expected text")
    return refuse_forbidden_characters(value).strip()


def _dnr(value: Any) -> str:
    text = _string(value)
    if not _DNR.fullmatch(text):
        short = _SHORT_DNR.fullmatch(text)
        if short:
            raise PydanticCustomError(
                "dnr",
                _(
                    "'{value}' is not a Dnr of the form RUN-NNNNN-YYYY: write the serial "
                    "number with five digits, {padded}"
                ),
                {"value": text, "padded": f"RUN-{int(short.group(1)):05d}-{short.group(2)}"},
            )
        raise PydanticCustomError(
            "dnr", _("'{value}' is not a Dnr of the form RUN-NNNNN-YYYY"), {"value": text}
        )
    return text


def _orgnr(value: Any) -> str:
    text = _string(value)
    try:
        return str(orgnr.format(orgnr.validate(text)))
    except StdnumError as exc:
        raise PydanticCustomError(
            "orgnr",
            _(
                "'{value}' is not a valid organisationsnummer (NNNNNN-NNNN with a correct "
                "check digit): {reason}; copy it again from the organisation's papers, or leave "
                "it empty (null) while it is not known (the documents then show [uppgift "
                "saknas])"
            ),
            {"value": text, "reason": _orgnr_reason(exc)},
        ) from None


def _orgnr_reason(exc: StdnumError) -> str:
    """Why python-stdnum refused a number, by its exception's class."""
    if isinstance(exc, InvalidChecksum):
        return _("the check digit is wrong")
    if isinstance(exc, InvalidLength):
        return _("it does not have ten digits")
    if isinstance(exc, InvalidFormat):
        return _("it is not written NNNNNN-NNNN")
    if isinstance(exc, InvalidComponent):
        return _("a part of it is not valid")
    return _("it is not valid")


def _kronor(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("kronor", kronor_problem(value))
    if value < 0:
        raise PydanticCustomError(
            "kronor", _("amount must not be negative, got {value}"), {"value": value}
        )
    return value


#: Digits grouped by spaces (also non-breaking and thin), as amounts are printed: 2 000 000.
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+")


def kronor_problem(value: Any) -> str:
    """What is wrong with ``value`` given where an amount in whole kronor belongs, and how to
    write it (the message of :data:`Kronor`; amounts in other shapes reuse it)."""
    if isinstance(value, float):
        return _("amounts are whole kronor, got {value}").format(value=value)
    if isinstance(value, str):
        text = value.strip()
        plain = re.sub(r"[ \u00a0\u202f]", "", text)
        if text.isascii() and text.isdigit():
            return _(
                "amounts are whole kronor written as plain digits without quotes: write "
                "{plain}, not '{value}'"
            ).format(plain=text, value=value)
        if _GROUPED.fullmatch(text):
            return _(
                "amounts are written as plain digits without spaces: write {plain}, not '{value}'"
            ).format(plain=plain, value=value)
    if isinstance(value, list):
        return _("expected one amount in whole kronor, got a list of {count} amounts").format(
            count=len(value)
        )
    return _("amounts are whole kronor written as plain digits (e.g. 2000000), got {value}").format(
        value=repr(value)
    )


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if value is None:  # null (or nothing) where a date is required
        raise PydanticCustomError("date", _("a date is required here, written YYYY-MM-DD"))
    text = value if isinstance(value, str) else repr(value)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        iso = _iso_guess(text)
        if iso is not None:
            raise PydanticCustomError(
                "date",
                _("dates are written YYYY-MM-DD: write {iso}, not {value}"),
                {"value": text, "iso": iso},
            )
        raise PydanticCustomError(
            "date", _("dates are written YYYY-MM-DD, got {value}"), {"value": text}
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError(
            "date", _no_such_date(value.strip()), {"value": value.strip()}
        ) from None


def _no_such_date(text: str) -> str:
    """Why ``text`` (written YYYY-MM-DD) is no date, and what to write: the months there
    are, or the days its month has (``2024-02-30``: February 2024 has 29)."""
    import calendar

    year, month, _day = (int(part) for part in text.split("-"))
    if year == 0:
        return _("{value} is not a real date: there is no year 0000")
    if not 1 <= month <= 12:
        return _("{value} is not a real date: there is no month {month}; write 01 to 12").format(
            value="{value}", month=f"{month:02d}"
        )
    from babel.dates import get_month_names

    from avtalsgen.i18n import current_language

    days = calendar.monthrange(year, month)[1]
    name = get_month_names("wide", locale=current_language())[month]
    return _(
        "{value} is not a real date: {month} {year} has {days} days; write a day from 01 to {days}"
    ).format(value="{value}", month=name, year=f"{year:04d}", days=days)


#: A date written day first, as Swedish text sometimes has it: 30/11/2025, 30.11.2025.
#: A date written day first: 30/11/2025, 30.11.2025 and the Swedish 1/3-2025.
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.-]([0-9]{4})")
#: A date written year first but not as YYYY-MM-DD: 2025/03/01, 2025.3.1, 2025-3-1.
_YEAR_FIRST = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})")
#: A date as running text writes it: "1 mars 2025", "1:a mars 2025".
_IN_WORDS = re.compile(r"([0-9]{1,2})(?::[ae])?\s+([^\W\d_]+)\s+([0-9]{4})")


def _months() -> tuple[str, ...]:
    """The Swedish months (the documents' one list), read only when a date is wrong."""
    from avtalsgen.documents.months import MONTHS

    return MONTHS


def _iso_guess(text: str) -> str | None:
    """``text`` as YYYY-MM-DD when it is a real date written otherwise: day first, in figures
    or with the month's Swedish name, or year first with other separators."""
    found = _DAY_FIRST.fullmatch(text.strip())
    in_words = _IN_WORDS.fullmatch(text.strip())
    year_first = _YEAR_FIRST.fullmatch(text.strip())
    if found is not None:
        day, month, year = (int(part) for part in found.groups())
    elif year_first is not None:
        year, month, day = (int(part) for part in year_first.groups())
    elif in_words is not None and in_words[2].lower() in (MONTHS := _months()):
        day, month, year = int(in_words[1]), MONTHS.index(in_words[2].lower()) + 1, int(in_words[3])
    else:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _postnummer(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _string(value)
    if not _POSTNUMMER.fullmatch(text):
        if re.fullmatch(r"[0-9]{5}", text):
            raise PydanticCustomError(
                "postnummer",
                _("'{value}' is not a postnummer of the form NNN NN: write '{spaced}'"),
                {"value": text, "spaced": f"{text[:3]} {text[3:]}"},
            )
        raise PydanticCustomError(
            "postnummer", _("'{value}' is not a postnummer of the form NNN NN"), {"value": text}
        )
    return text


#: Diarienummer of the regional development committee, RUN-NNNNN-YYYY.
Dnr = Annotated[
    str,
    BeforeValidator(_dnr),
    WithJsonSchema({"type": "string", "pattern": r"^RUN-\d{5}-\d{4}$"}),
]
#: Swedish organisationsnummer, checked (Luhn) and written NNNNNN-NNNN.
Organisationsnummer = Annotated[
    str,
    BeforeValidator(_orgnr),
    WithJsonSchema({"type": "string", "pattern": r"^\d{6}-?\d{4}$"}),
]
#: A whole, non-negative number of kronor.
Kronor = Annotated[int, BeforeValidator(_kronor), WithJsonSchema({"type": "integer", "minimum": 0})]
#: A real calendar date written YYYY-MM-DD.
Datum = Annotated[
    dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})
]
#: A Swedish postnummer, NNN NN.
Postnummer = Annotated[
    str,
    BeforeValidator(_postnummer),
    WithJsonSchema({"type": "string", "pattern": r"^\d{3} \d{2}$"}),
]


#: The longest name, title or heading: a page header holds a few lines, not a page of text.
MAX_NAMN = 300


def _namn(value: Any) -> str:
    text = _string(value)
    if not text:
        raise PydanticCustomError("empty", _("must not be empty"))
    text = " ".join(text.split())
    if len(text) > MAX_NAMN:
        raise PydanticCustomError(
            "name_too_long",
            _("a name, title or heading is at most {limit} characters, got {count}"),
            {"limit": MAX_NAMN, "count": len(text)},
        )
    return text


#: A non-empty line of text (a name, title or heading) of at most :data:`MAX_NAMN` characters.
Namn = Annotated[
    str,
    BeforeValidator(_namn),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_NAMN}),
]


class Adress(Strict):
    """A postal address."""

    utdelningsadress: Namn
    """Street or box address, e.g. Robertsviksgatan 7."""
    postnummer: Postnummer
    """Postnummer, NNN NN."""
    ort: Namn
    """Postort, e.g. Luleå."""


class Part(Strict):
    """A party to an agreement: a legal person."""

    namn: Namn
    """Legal name."""
    kortnamn: Namn | None = None
    """Short name used in running text; defaults to the legal name."""
    organisationsnummer: Organisationsnummer | None = None
    """NNNNNN-NNNN; leave empty (null) while unknown: documents then show a placeholder."""
    adress: Adress | None = None
    """Postal address; null while unknown."""

    @property
    def kort(self) -> str:
        """The short name, or the legal name when no short name is given."""
        return self.kortnamn or self.namn
