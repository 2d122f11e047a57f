"""Value types shared by the case, program and meeting files: Dnr, money, dates, numbers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

# [0-9], not \d: \d also matches other scripts' digits (٣, ३), which a Dnr (a folder name),
# a date or a postnummer must not hold.
_DNR = re.compile(r"RUN-[0-9]{5}-[0-9]{4}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_POSTNUMMER = re.compile(r"[0-9]{3} [0-9]{2}")

#: Characters a Word document (XML 1.0) cannot hold: control characters other than tab,
#: line feed and carriage return, lone surrogates, U+FFFE and U+FFFF; and DEL and the C1
#: controls (U+007F-U+009F), which XML allows but which are only ever the trace of a file
#: converted with the wrong encoding (U+0096 for an en dash, U+0085 for an ellipsis).
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Strict(BaseModel):
    """Base of every file model: unknown keys rejected, values immutable (the docstring under
    each field describes it in the JSON Schema: see :mod:`avtalsgen.model.schema`)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
    )


def _kind(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if code in (0xFFFE, 0xFFFF):
        return "not a character"
    return "a control character"


def describe_characters(chars: list[str]) -> str:
    """A message naming forbidden characters (see :data:`FORBIDDEN_CHARACTERS`)."""
    distinct = sorted(set(chars))
    names = ", ".join(f"U+{ord(char):04X} ({_kind(char)})" for char in distinct[:5])
    more = f" and {len(distinct) - 5} more" if len(distinct) > 5 else ""
    hint = ""
    if any(_kind(char) == "a lone surrogate" for char in distinct):
        hint = (
            " (write an emoji as itself, or as \\U0001F600 in double quotes, "
            "not as a \\uD83D\\uDE00 pair)"
        )
    return (
        f"contains {names}{more}, which a Word document cannot hold; remove "
        f"{'it' if len(distinct) == 1 else 'them'}{hint}"
    )


def refuse_forbidden_characters(text: str) -> str:
    """``text``, or a pydantic error if it holds characters a Word document cannot hold."""
    found = FORBIDDEN_CHARACTERS.findall(text)
    if found:
        raise PydanticCustomError("character", describe_characters(found))
    return text


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    return refuse_forbidden_characters(value).strip()


def _dnr(value: Any) -> str:
    text = _string(value)
    if not _DNR.fullmatch(text):
        raise PydanticCustomError(
            "dnr", "'{value}' is not a Dnr of the form RUN-NNNNN-YYYY", {"value": text}
        )
    return text


def _orgnr(value: Any) -> str:
    text = _string(value)
    try:
        return str(orgnr.format(orgnr.validate(text)))
    except StdnumError as exc:
        raise PydanticCustomError(
            "orgnr",
            "'{value}' is not a valid organisationsnummer (NNNNNN-NNNN with a correct check "
            "digit): {reason}",
            {"value": text, "reason": str(exc).rstrip(".").lower()},
        ) from None


def _kronor(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            raise PydanticCustomError(
                "kronor", "amounts are whole kronor, got {value}", {"value": value}
            )
        raise PydanticCustomError(
            "kronor",
            "amounts are whole kronor written as plain digits (e.g. 2000000), got {value}",
            {"value": repr(value)},
        )
    if value < 0:
        raise PydanticCustomError(
            "kronor", "amount must not be negative, got {value}", {"value": value}
        )
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = value if isinstance(value, str) else repr(value)
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError(
            "date", "dates are written YYYY-MM-DD, got {value}", {"value": text}
        )
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError(
            "date", "{value} is not a real date", {"value": value.strip()}
        ) from None


def _postnummer(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _string(value)
    if not _POSTNUMMER.fullmatch(text):
        raise PydanticCustomError(
            "postnummer", "'{value}' is not a postnummer of the form NNN NN", {"value": text}
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
        raise PydanticCustomError("empty", "must not be empty")
    text = " ".join(text.split())
    if len(text) > MAX_NAMN:
        raise PydanticCustomError(
            "too_long",
            "a name, title or heading is at most {limit} characters, got {count}",
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
