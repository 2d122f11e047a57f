"""pydantic's validation errors as avtalsgen's messages, chosen by the error's type.

pydantic reports each problem with a stable type (``missing``, ``extra_forbidden``,
``int_parsing``, ...), a location and a context; its English text is never read. The types
that a YAML file can cause in avtalsgen's models are said here in the user's language, with
how to fix the value where that can be told: an unknown key names the key of the model at
that place that it most resembles (``difflib``), a wrong choice lists the choices. Errors
that avtalsgen's own validators raise (``PydanticCustomError`` with a type of its own, and
``ValueError``) carry their message already translated, and are passed through.
"""

from __future__ import annotations

import difflib
import re
import types
import unicodedata
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from avtalsgen.i18n import N_, _, join_words, ngettext
from avtalsgen.model.program import KLAUSUL_ID
from avtalsgen.model.types import Loc

#: Keys listed in a message about an unknown key when no key resembles it (more: schema).
_LISTED_KEYS = 12


def _types(annotation: Any) -> list[Any]:
    """The types a value of ``annotation`` may have: Annotated and unions unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _types(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(annotation) for t in _types(arg)]
    if annotation is type(None):
        return []
    return [annotation]


def types_at(root: type[BaseModel], loc: Loc) -> list[Any]:
    """The types the models allow at ``loc`` below ``root`` (several for a union; none
    where ``loc`` leads outside the models). Parts of ``loc`` that pydantic adds for the
    members of a union, which are no keys, are passed over."""
    current: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for kind in current:
            origin = get_origin(kind)
            if isinstance(part, int):
                if origin in (list, tuple, set, frozenset):
                    following += _types(get_args(kind)[0])
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                field = kind.model_fields.get(part)
                if field is not None:
                    following += _types(field.annotation)
        if following or isinstance(part, int):
            current = following
    return current


def keys_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys a mapping at ``loc`` may hold, in the models' order."""
    keys: list[str] = []
    for kind in types_at(root, loc):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            keys += [key for key in kind.model_fields if key not in keys]
    return keys


def choices_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The values a ``Literal`` or ``Enum`` field at ``loc`` allows, in the model's order."""
    choices: list[str] = []
    for kind in types_at(root, loc):
        if get_origin(kind) is Literal:
            values = [str(value) for value in get_args(kind)]
        elif isinstance(kind, type) and issubclass(kind, Enum):
            values = [str(member.value) for member in kind]
        else:
            continue
        choices += [value for value in values if value not in choices]
    return choices


def _folded(text: str) -> str:
    """``text`` lower-cased without diacritics: "Källa" and "kalla" look alike."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate ``word`` most resembles, if any does closely enough."""
    folded = {_folded(candidate): candidate for candidate in candidates}
    found = difflib.get_close_matches(_folded(word), list(folded), n=1, cutoff=0.7)
    return folded[found[0]] if found else None


def shown(value: Any) -> str:
    """A value from a YAML file as a message shows it."""
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("keys with values")
    if isinstance(value, str):
        return repr(value)
    return str(value)


def unknown_key(
    key: str, allowed: list[str], given: Mapping[Any, Any] | None
) -> tuple[str, str | None]:
    """The message for an unknown ``key`` among the ``allowed`` keys of its place, and the
    key it was presumably meant to be (a key not given is preferred)."""
    missing = [k for k in allowed if given is None or k not in given]
    meant = closest(key, missing) or closest(key, allowed)
    if meant is not None:
        return _("unknown key '{key}' — did you mean '{meant}'?").format(
            key=key, meant=meant
        ), meant
    if not allowed:
        return _("unknown key '{key}'").format(key=key), None
    if len(allowed) > _LISTED_KEYS:
        return _("unknown key '{key}'; `avtalsgen schema` lists the keys").format(key=key), None
    return (
        _("unknown key '{key}'; the keys here are {keys}").format(
            key=key, keys=join_words([f"'{k}'" for k in allowed])
        ),
        None,
    )


def place_lacking(
    key: str, root: type[BaseModel], loc: Loc, at: Callable[[Loc], Any]
) -> Loc | None:
    """Where the unknown ``key`` written at ``loc`` belongs (``at`` gives a file's data at a
    place): the one section of the mapping at ``loc`` (a mapping there) whose keys include
    ``key`` and that lacks it, ``("aktor",)`` for ``omrade`` written at the top level while
    ``aktor.omrade`` is missing; else the nearest mapping above ``loc`` whose keys include it
    and that lacks it, ``()``, the top level, for ``forsta_uppfoljning`` written under
    ``aktor:`` while the top level has none. None when there is neither (several such
    sections and none above: the move could not be told)."""
    given = at(loc)
    if isinstance(given, Mapping):
        below = [
            (*loc, section) for section in keys_at(root, loc)
            if isinstance(inside := given.get(section), Mapping) and key not in inside
            and key in keys_at(root, (*loc, section))
        ]  # fmt: skip
        if len(below) == 1:
            return below[0]
    for depth in range(len(loc) - 1, -1, -1):
        above = loc[:depth]
        given = at(above)
        if isinstance(given, Mapping) and key not in given and key in keys_at(root, above):
            return above
    return None


def misplaced_up(key: str, section: str | None, line: int) -> str:
    """The message for the unknown ``key`` that belongs to the keys of ``section`` (on
    ``line``; None: the file's top level), which lacks it."""
    if section is None:
        return _(
            "unknown key '{key}' here: it is a key of the file's top level, which lacks it; "
            "move it out to the top level, not indented"
        ).format(key=key)
    return _(
        "unknown key '{key}' here: it is a key of {section}, which lacks it; move it out to "
        "the keys under {section}: (line {line}), indented as they are"
    ).format(key=key, section=section, line=line)


def misplaced_key(key: str, section: str, line: int) -> str:
    """The message for the unknown ``key`` that belongs under ``section`` (on ``line``),
    which lacks it."""
    return _(
        "unknown key '{key}' here: it is a key of {section}, which lacks it; move it under "
        "{section}: (line {line}), indented as the keys there"
    ).format(key=key, section=section, line=line)


def _clause_id_example(value: Any) -> str:
    text = _folded(str(value))
    words = "".join(char if char.isascii() and char.isalnum() else " " for char in text).split()
    return "_".join(words) or "finansiering"


def _pattern(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if ctx.get("pattern") == KLAUSUL_ID:
        return _(
            "a clause id is written in lower-case letters a-z, digits and underscores, "
            "e.g. '{example}', not {value}"
        ).format(example=_clause_id_example(error["input"]), value=shown(error["input"]))
    return _("{value} does not have the form {pattern}").format(
        value=shown(error["input"]), pattern=ctx.get("pattern", "")
    )


def _choice(root: type[BaseModel], error: Mapping[str, Any]) -> str:
    value = error["input"]
    choices = choices_at(root, tuple(error["loc"]))
    if not choices:
        return _("{value} is not one of the values allowed here").format(value=shown(value))
    listed = join_words([f"'{choice}'" for choice in choices], "or")
    meant = closest(str(value), choices) if isinstance(value, str) else None
    if meant is not None:
        return _("choose {choices}, not {value} — did you mean '{meant}'?").format(
            choices=listed, value=shown(value), meant=meant
        )
    return _("choose {choices}, not {value}").format(choices=listed, value=shown(value))


#: An empty list where one item is needed at least: what to add, by the list's key (the
#: web's forms say it in their own words: :mod:`avtalsgen.web.formwords`).
EMPTY_LIST = N_("the list is empty: add {what}, each on a line of its own starting with '- '")
#: What each list that may not be empty holds, by its key, as :data:`EMPTY_LIST` says it.
_LIST_ITEMS = {
    "beslutspunkter": N_("the proposal's decision points (at least one)"),
    "beslut": N_(
        "the points as decided (for a proposal granted as it stood: beslut: enligt förslaget)"
    ),
    "protokollsutdrag_till": N_("the recipients of the protocol extract (at least one)"),
    "skickas_till": N_(
        "the recipients of this paragraph's extract (or remove the key: the case's "
        "protokollsutdrag_till receive it)"
    ),
    "justerare": N_("the members who attest the minutes (at least one)"),
    "paragrafer": N_("the meeting's paragraphs (at least one, starting with paragraf:)"),
    "finansiarer": N_("the financiers: the region first (with its kalla), then any co-financier"),
    "belopp_per_avtalsar": N_("one amount per agreement year (or remove the key)"),
    "belopp_per_kalenderar": N_(
        "each calendar year with its amount, as ar: and belopp: (or remove the key)"
    ),
    "klausuler": N_("the agreement's clauses (at least one, starting with id:)"),
    "plattformsuppgifter": N_("the tasks of the platform assignment (at least one)"),
    "gap": N_("the gaps between the actors (at least one)"),
    "villkor": N_("the financing conditions every actor shares (at least one)"),
    "strategier": N_("the S3 and RUS strategies (at least one, starting with kortnamn:)"),
}


def _too_short(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    least, actual = int(ctx.get("min_length", 1)), int(ctx.get("actual_length", 0))
    if actual == 0:
        loc = tuple(error["loc"])
        key = next((part for part in reversed(loc) if isinstance(part, str)), "")
        what = _LIST_ITEMS.get(key)
        return _(EMPTY_LIST).format(
            what=_(what) if what else _("at least one item under {key}").format(key=key)
        )
    return ngettext(
        "the list must hold at least {count} item, it holds {actual}",
        "the list must hold at least {count} items, it holds {actual}",
        least,
    ).format(count=least, actual=actual)


def _too_long(error: Mapping[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    most, actual = int(ctx.get("max_length", 0)), int(ctx.get("actual_length", 0))
    return ngettext(
        "the list may hold at most {count} item, it holds {actual}",
        "the list may hold at most {count} items, it holds {actual}",
        most,
    ).format(count=most, actual=actual)


def _text(error: Mapping[str, Any]) -> str:
    value = error["input"]
    if isinstance(value, bool | int | float):
        return _("expected text, got {value} (put it in quotes if it is text: '{text}')").format(
            value=shown(value), text=shown(value)
        )
    return _("expected text, got {value}").format(value=shown(value))


def _bound(message: str, key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda error: _(message).format(
        bound=(error.get("ctx") or {}).get(key, ""), value=shown(error["input"])
    )


def _plain(message: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda error: _(message).format(value=shown(error["input"]))


#: A required field missing: at the file's top level, and inside another (the web's forms
#: say them in their own words: :mod:`avtalsgen.web.formwords`).
MISSING_AT_TOP = N_(
    "required field is missing: add the key '{key}' at the top level of the file (not indented)"
)
MISSING = N_("required field is missing: add the key '{key}'")


def _missing(error: Mapping[str, Any]) -> str:
    loc = tuple(error["loc"])
    return _(MISSING_AT_TOP if len(loc) == 1 else MISSING).format(key=loc[-1])


_MAPPING = N_("expected keys with values (key: value), got {value}")
_LIST = N_("expected a list (lines starting with '- '), got {value}")
_INTEGER = N_("expected a whole number written as plain digits, got {value}")
_DATE = N_("dates are written YYYY-MM-DD, got {value}")

#: pydantic's error types, each with the message avtalsgen gives for it.
_BY_TYPE: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda error: _missing(error),
    "string_type": _text,
    "string_unicode": _plain(N_("{value} is not valid Unicode text")),
    "string_pattern_mismatch": _pattern,
    "string_too_short": _bound(
        N_("the text must be at least {bound} characters long"), "min_length"
    ),
    "string_too_long": _bound(N_("the text may be at most {bound} characters long"), "max_length"),
    "bool_type": _plain(N_("write true or false, not {value}")),
    "bool_parsing": _plain(N_("write true or false, not {value}")),
    "int_type": _plain(_INTEGER),
    "int_parsing": _plain(_INTEGER),
    "int_parsing_size": _plain(_INTEGER),
    "int_from_float": _plain(_INTEGER),
    "float_type": _plain(N_("expected a number, got {value}")),
    "float_parsing": _plain(N_("expected a number, got {value}")),
    "greater_than": _bound(N_("must be greater than {bound}, got {value}"), "gt"),
    "greater_than_equal": _bound(N_("must be at least {bound}, got {value}"), "ge"),
    "less_than": _bound(N_("must be less than {bound}, got {value}"), "lt"),
    "less_than_equal": _bound(N_("must be at most {bound}, got {value}"), "le"),
    "multiple_of": _bound(N_("must be a multiple of {bound}, got {value}"), "multiple_of"),
    "too_short": _too_short,
    "too_long": _too_long,
    "list_type": _plain(_LIST),
    "tuple_type": _plain(_LIST),
    "set_type": _plain(_LIST),
    "iterable_type": _plain(_LIST),
    "dict_type": _plain(_MAPPING),
    "mapping_type": _plain(_MAPPING),
    "model_type": _plain(_MAPPING),
    "model_attributes_type": _plain(_MAPPING),
    "dataclass_type": _plain(_MAPPING),
    "none_required": _plain(N_("must be empty (null), got {value}")),
    "date_type": _plain(_DATE),
    "date_parsing": _plain(_DATE),
    "date_from_datetime_parsing": _plain(_DATE),
    "date_from_datetime_inexact": _plain(_DATE),
}


#: A section written as one value where its keys are wanted (a postal address on one line).
_SECTION = N_(
    "here go keys with values (key: value), not {value}: write {example}, or each key on a "
    "line of its own, indented under {key}"
)
#: One line that holds a section's keys' values: a postal address ("Box 12, 941 21 Piteå"),
#: a period ("2023-10-01 till 2026-09-30"); by the section's required keys.
_ONE_LINE = {
    frozenset({"utdelningsadress", "postnummer", "ort"}): re.compile(
        r"(?P<utdelningsadress>.+?),?\s+(?P<postnummer>[0-9]{3}) ?(?P<siffror>[0-9]{2})\s+"
        r"(?P<ort>\S.*)"
    ),
    frozenset({"start", "slut"}): re.compile(
        r"(?P<start>[0-9]{4}-[0-9]{2}-[0-9]{2})\s*(?:–|-|till|to|--)?\s*"
        r"(?P<slut>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    ),
}


def _flow(value: str) -> str:
    """``value`` as a value of a YAML flow mapping: quoted where it holds what ends one."""
    if any(char in value for char in ",:{}[]#'\"") or value != value.strip():
        return "'" + value.replace("'", "''") + "'"
    return value


def _section(root: type[BaseModel], error: Mapping[str, Any]) -> str:
    """A section (a model) given as one value: the keys it wants, in an example of the
    flow form; an address written on one line is given back as its keys."""
    loc = tuple(error["loc"])
    models = [kind for kind in types_at(root, loc) if isinstance(kind, type)
              and issubclass(kind, BaseModel)]  # fmt: skip
    key = next((part for part in reversed(loc) if isinstance(part, str)), None)
    if not models or key is None:
        return _(_MAPPING).format(value=shown(error["input"]))
    fields = models[0].model_fields
    keys = [name for name, field in fields.items() if field.is_required()] or list(fields)[:3]
    values = dict.fromkeys(keys, "…")
    pattern = _ONE_LINE.get(frozenset(keys))
    found = (
        pattern.fullmatch(error["input"].strip())
        if pattern is not None and isinstance(error["input"], str)
        else None
    )
    if found is not None:
        values = {name: " ".join(found[name].split()) for name in keys}
        if "siffror" in found.groupdict():  # a postnummer is NNN NN
            values["postnummer"] += " " + found["siffror"]
    example = "{" + ", ".join(f"{name}: {_flow(value)}" for name, value in values.items()) + "}"
    return _(_SECTION).format(value=shown(error["input"]), example=f"{key}: {example}", key=key)


def message(root: type[BaseModel], error: Mapping[str, Any]) -> str:
    """The message for one of pydantic's errors (``ValidationError.errors()``) in a file
    validated as ``root``; ``extra_forbidden`` and ``ValueError`` are handled by the caller
    (they need the file's data, or carry several problems)."""
    kind = error["type"]
    if kind in ("model_type", "model_attributes_type"):
        return _section(root, error)
    if kind in _BY_TYPE:
        return _BY_TYPE[kind](error)
    if kind in ("literal_error", "enum"):
        return _choice(root, error)
    if kind == "value_error" or kind == "assertion_error":
        return str((error.get("ctx") or {}).get("error", ""))
    if kind in _PYDANTIC_TYPES:
        return _("not a valid value here ({type})").format(type=kind)
    # avtalsgen's own errors (PydanticCustomError): translated where they were raised.
    return str(error["msg"])


def _pydantic_types() -> frozenset[str]:
    from pydantic_core.core_schema import ErrorType

    return frozenset(get_args(ErrorType))


_PYDANTIC_TYPES = _pydantic_types()
