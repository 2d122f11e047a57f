"""Prose fields: a small Markdown subset (paragraphs, bullet and numbered lists, emphasis).

Prose is parsed once, when a case or program file is loaded, so that anything outside the
subset is reported with the file and line of the field. Prose may name case facts as
placeholders, ``{aktor}`` or ``{belopp_per_ar}``; the names are checked at load and the
values are filled in at render time from the validated case, so no fact is typed twice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from avtalsgen.i18n import N_, _, ngettext
from avtalsgen.model.types import refuse_forbidden_characters, refuse_word_quotes

#: Placeholders that prose and decision points may use, with what each becomes (marked for
#: translation: :func:`placeholder_help` gives them in the language of messages).
PLACEHOLDERS: dict[str, str] = {
    "aktor": N_("the actor's short name (aktor.kortnamn)"),
    "aktor_namn": N_("the actor's full name (aktor.namn)"),
    "omrade": N_("the actor's field, e.g. besöksnäringen (aktor.omrade)"),
    "belopp_per_ar": N_(
        "the region's amount per year, e.g. 2 000 000 kronor (only where it is the same every year)"
    ),
    "belopp_arligen": N_(
        "the region's amount per year in running text: 2 000 000 kronor årligen; "
        "where it changes, per avtalsår: 2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 "
        "och 1 000 000 kronor avtalsår 3"
    ),
    "belopp_per_avtalsar": N_(
        "the region's amount per avtalsår: 2 000 000 kronor per avtalsår; "
        "where it changes, 2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och ..."
    ),
    "belopp_per_budgetar": N_(
        "the region's share per budget (calendar) year: 500 000 kronor för "
        "2023, 2 000 000 kronor för 2024 och ..."
    ),
    "totalt": N_("the region's share over the period in kronor (what the committee grants)"),
    "totalt_finansiering": N_(
        "the whole financing over the period in kronor, co-financiers included"
    ),
    "kalla": N_(
        "the region's sources (each region financier's kalla), e.g. ERP och regionala "
        "utvecklingsmedel"
    ),
    "kalla_belopp": N_(
        "the region's sources with what each gives: ERP, or ERP (1 000 000 kronor "
        "årligen) och regionala utvecklingsmedel (500 000 kronor årligen)"
    ),
    "medfinansiering": N_(
        "the co-financiers with their amounts, e.g. Luleå kommun med 250 000 "
        "kronor årligen och Piteå kommun med 250 000 kronor årligen"
    ),
    "utbetalning": N_(
        "how the region's share is paid out, e.g. årsvis i förskott efter rekvisition"
    ),
    "start": N_("first day of the period, ISO date"),
    "slut": N_("last day of the period, ISO date"),
    "start_text": N_("first day of the period in prose, e.g. den 1 oktober 2023"),
    "slut_text": N_("last day of the period in prose"),
    "start_termin": N_(
        "when the period starts: the season (hösten 2023), in winter the month (i februari 2024)"
    ),
    "forsta_uppfoljning": N_("when the first follow-up happens, e.g. hösten 2024"),
    "dnr": N_("the case's Dnr"),
    "namnd": N_("the committee, e.g. Regionala utvecklingsnämnden"),
    "program": N_("the program's name, e.g. Norrbottens ekosystem"),
    "region": N_("the region's legal name"),
    "region_orgnr": N_("the region's organisationsnummer"),
    "region_adress": N_("the region's postal address on one line"),
    "aktor_orgnr": N_("the actor's organisationsnummer"),
    "aktor_adress": N_("the actor's postal address on one line"),
    "antal_ar": N_("the number of years of the period, e.g. 3 or 2,5"),
    "tidslangd": N_("the length of the period: 3 år in whole years, else 18 månader"),
    "beslut_datum": N_("the date of the committee's decision in prose"),
    "beslut_paragraf": N_("the § of the committee's decision"),
    "s3": N_("the name of the S3 version in force on the agreement's date"),
    "rus": N_("the name of the RUS version in force on the agreement's date"),
    "forlangning_ar": N_("years per extension (program avtal.forlangning)"),
    "max_ar": N_("at most this many years of financing (program avtal.forlangning)"),
    "forlangning_kvar": N_(
        "the years the agreement may still be extended by in all, in whole extensions within "
        "max_ar (program avtal.forlangning)"
    ),
    "langsta_avtalstid": N_(
        "the longest the agreement can run in all with those extensions, e.g. 8 år och "
        "6 månader (program avtal.forlangning)"
    ),
    "extern_utvardering_senast": N_("the date by which the external evaluation is done, ISO date"),
    "extern_utvardering_senast_text": N_(
        "the date by which the external evaluation is done, in prose, e.g. den 30 november 2025"
    ),
}


def placeholder_help() -> dict[str, str]:
    """Each placeholder as prose writes it, ``{aktor}``, with what it becomes, in the language
    of messages (``avtalsgen schema`` lists them; an unknown placeholder's message says so)."""
    return {"{" + name + "}": _(text) for name, text in PLACEHOLDERS.items()}


#: The placeholders that state the region's amount; a decision must use one of them.
AMOUNT_PLACEHOLDERS = (
    "belopp_per_ar",
    "belopp_arligen",
    "belopp_per_avtalsar",
    "belopp_per_budgetar",
)

_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")
#: A reference to another clause of an agreement, ``{punkt:finansiering}``.
REFERENCE = re.compile(r"\{punkt:([a-z0-9_]+)\}")
#: Unknown placeholders named in one message (a file of garbage may hold thousands).
_LISTED = 10
#: Anything in single braces; doubled braces ``{{ }}`` are literal text.
_BRACED = re.compile(r"(?<!\{)\{([^{}\n]{0,60})\}(?!\})")
#: Block constructs outside the subset: parsed only so that they can be refused.
_REFUSED = {
    "heading_open": N_(
        "headings are not supported (the template sets the headings); remove the # at the "
        "start of the line"
    ),
    "blockquote_open": N_("block quotes are not supported; remove the > at the start of the line"),
    "code_block": N_("indented code blocks are not supported (remove the indentation)"),
    "fence": N_("code blocks are not supported; remove the ``` lines"),
    "hr": N_("horizontal rules are not supported; remove the line of --- or ***"),
    "html_block": N_("HTML is not supported; write plain text"),
}
_MARKDOWN = MarkdownIt("zero").enable(
    ["list", "emphasis", "heading", "lheading", "blockquote", "code", "fence", "hr", "html_block"]
)


class BlockKind(StrEnum):
    """How a block of prose is laid out: a paragraph or an item of a list."""

    STYCKE = "stycke"
    PUNKT = "punkt"
    NUMMER = "nummer"


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """One paragraph or list item; consecutive ``NUMMER`` blocks form one numbered list."""

    kind: BlockKind
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        """The block's plain text."""
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Prose:
    """Parsed prose: the source text and its blocks, placeholders not yet filled in."""

    source: str
    blocks: tuple[Block, ...]


def check_placeholders(text: str) -> str:
    """Reject ``{name}`` placeholders that are not in :data:`PLACEHOLDERS`.

    Anything in single braces counts as a placeholder, so that ``{Aktor}`` or
    ``{ aktor }`` is refused rather than printed; ``{punkt:id}`` references another clause
    (checked where clauses are known) and doubled braces are literal text.
    """
    unknown = sorted(
        {
            m
            for m in _BRACED.findall(text)
            if m not in PLACEHOLDERS and not REFERENCE.fullmatch("{" + m + "}")
        }
    )
    if unknown:
        hints = []
        for name in unknown[:_LISTED]:
            close = difflib.get_close_matches(name.strip().lower(), PLACEHOLDERS, n=1, cutoff=0.75)
            named = "{" + name + "}"
            hints.append(
                _("{name} (did you mean {meant}?)").format(name=named, meant="{" + close[0] + "}")
                if close
                else named
            )
        if len(unknown) > _LISTED:
            hints.append(_("... ({count} more)").format(count=len(unknown) - _LISTED))
        raise PydanticCustomError(
            "unknown_placeholder",
            ngettext(
                "unknown placeholder {names}; `avtalsgen schema` lists the placeholders",
                "unknown placeholders {names}; `avtalsgen schema` lists the placeholders",
                len(unknown),
            ),
            {"names": ", ".join(hints)},
        )
    return text


#: A placeholder to fill in; not inside doubled braces, which are literal text.
_FILLABLE = re.compile(r"(?<!\{)\{([a-z0-9_]+(?::[a-z0-9_]+)?)\}(?!\})")


def placeholder_names(text: str) -> list[str]:
    """The names of the placeholders ``text`` uses (``{name}``; doubled braces are text)."""
    return _FILLABLE.findall(text)


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace every known ``{name}`` (and ``{punkt:id}``) in ``text`` with its value.

    Doubled braces are literal text and stay as written: ``{{aktor}}`` prints ``{{aktor}}``.
    """
    if "{" not in text:  # most texts: no expression to run
        return text
    return _FILLABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _spans(inline: Token) -> tuple[Span, ...]:
    spans: list[Span] = []
    bold = italic = False
    for child in inline.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.content:
            spans.append(Span(re.sub(r"\s+", " ", child.content), bold, italic))
    if spans:  # no space at either end of the paragraph
        first, last = spans[0], spans[-1]
        spans[0] = Span(first.text.lstrip(), first.bold, first.italic)
        spans[-1] = Span(spans[-1].text.rstrip(), last.bold, last.italic)
    return tuple(span for span in spans if span.text)


def parse_prose(source: str) -> Prose:
    """Parse Markdown-subset prose into blocks; raise a pydantic error outside the subset."""
    check_placeholders(source)
    blocks: list[Block] = []
    lists: list[BlockKind] = []
    paragraphs_in_item = 0
    for token in _MARKDOWN.parse(source):
        if token.type in _REFUSED:
            raise PydanticCustomError("prose", _(_REFUSED[token.type]))
        if token.type == "list_item_open":
            paragraphs_in_item = 0
        elif token.type == "paragraph_open" and lists:
            paragraphs_in_item += 1
            if paragraphs_in_item > 1:
                raise PydanticCustomError(
                    "prose",
                    _("a list item may hold one paragraph only (no blank line inside it)"),
                )
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if lists:
                raise PydanticCustomError(
                    "prose", _("nested lists are not supported; write the items at one level")
                )
            if token.type == "ordered_list_open" and token.attrGet("start") not in (None, 1):
                raise PydanticCustomError("prose", _("a numbered list must start at 1"))
            lists.append(BlockKind.PUNKT if token.tag == "ul" else BlockKind.NUMMER)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline":
            spans = _spans(token)
            if spans:
                blocks.append(Block(lists[-1] if lists else BlockKind.STYCKE, spans))
    if not blocks:
        raise PydanticCustomError("prose", _("text is empty"))
    return Prose(source=source, blocks=tuple(blocks))


def _validate_prose(value: Any) -> Prose:
    if isinstance(value, Prose):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text")  # said by its type
    return parse_prose(refuse_word_quotes(refuse_forbidden_characters(value)))


def _validate_line(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text")  # said by its type
    if not value.strip():
        raise PydanticCustomError("prose", _("text is empty"))
    return check_placeholders(
        " ".join(refuse_word_quotes(refuse_forbidden_characters(value)).split())
    )


_PROSE_SCHEMA = {
    "type": "string",
    "description": "Paragraphs separated by a blank line; '- ' starts a bullet, '1. ' a "
    "numbered item; *italic*, **bold**; {placeholders}: " + ", ".join(PLACEHOLDERS),
}

#: A prose field in a case or program file.
ProseText = Annotated[Prose, BeforeValidator(_validate_prose), WithJsonSchema(_PROSE_SCHEMA)]

#: The JSON Schema of a one-paragraph text.
_LINE_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "description": "One paragraph; may use placeholders in braces, e.g. {aktor}.",
    }
)

#: A one-paragraph text (a decision point, a list item) that may use placeholders.
LineText = Annotated[
    str,
    BeforeValidator(_validate_line),
    _LINE_SCHEMA,
]

#: What a text left to be filled in holds instead of a fact: an unknown fact as the
#: documents show it ("[uppgift saknas]", or any word in square brackets, "[datum]"), X's
#: for digits as a word of their own ("XX", "20XX", "XXXX-XX-XX"; not the X's of a word,
#: "XXL", or of a Roman numeral, "XXI"), an ellipsis, TODO or FIXME, a template's doubled
#: braces, and a date's form ("ÅÅÅÅ-MM-DD", "YYYY").
_UNFILLED = re.compile(
    r"\[[^\[\]\n]{1,60}\]"
    r"|\bxx+\b"
    r"|…|\.\.\."
    r"|\bTODO\b|\bFIXME\b"
    r"|\{\{|\}\}"
    r"|\b(?:ÅÅÅÅ|YYYY|ÅÅ|YY)(?:-MM(?:-DD)?)?\b|\bMM-DD\b"
)


def unfilled_marker(text: str) -> str | None:
    """The first thing in ``text`` that stands for a fact not filled in yet ("XX",
    "[uppgift saknas]", "…", "TODO", "{{ }}", "ÅÅÅÅ-MM-DD"), or None. Placeholders in
    single braces, ``{start}``, are the case's facts and not such a thing."""
    found = _UNFILLED.search(text)
    x_run = _x_digits(text)
    if x_run is not None and (found is None or x_run[0] < found.start()):
        return x_run[1]
    return found.group(0) if found else None


#: A run of digits and X's in groups joined by hyphens ("20XX", "XXXX-XX-XX", "1-2-3").
_RUN = re.compile(r"[\dX]+(?:-[\dX]+)*")
_WORD = re.compile(r"\w")


def _x_digits(text: str) -> tuple[int, str] | None:
    """Where the first run of X's for digits in ``text`` starts, and the run: groups of
    digits and X's joined by hyphens, one of them holding "XX", with no letter or digit
    either side (a group beside one is left out: "a1-XX" gives "XX"). One scan of the
    text: a pattern that tried every start of every group took time quadratic in a run's
    length (a 20 000-character point of "1-" took 3 s)."""
    for run in _RUN.finditer(text):
        if "XX" not in run.group():
            continue
        starts, ends, at = [], [], run.start()
        for group in run.group().split("-"):
            starts.append(at)
            ends.append(at + len(group))
            at += len(group) + 1
        first = 0 if run.start() == 0 or not _WORD.match(text[run.start() - 1]) else 1
        last = len(starts) - 1
        if run.end() < len(text) and _WORD.match(text[run.end()]):
            last -= 1
        if any("XX" in text[starts[i] : ends[i]] for i in range(first, last + 1)):
            return starts[first], text[starts[first] : ends[last]]
    return None


def refuse_unfilled(text: str, message: str) -> str:
    """``text``, refused when it holds a placeholder left to be filled in
    (:func:`unfilled_marker`): pydantic's error ``unfilled`` saying ``message`` (a msgid,
    translated when it refuses) with the marker. What every text of a case or of the
    minutes that its documents state is checked with."""
    marker = unfilled_marker(text)
    if marker is not None:
        raise PydanticCustomError("unfilled", _(message), {"marker": marker})
    return text


def _refusing_unfilled(message: str) -> Callable[[Any], str]:
    """A validator of a one-paragraph text (:func:`_validate_line`) that refuses one
    holding a placeholder left to be filled in (:func:`refuse_unfilled`)."""

    def validate(value: Any) -> str:
        return refuse_unfilled(_validate_line(value), message)

    return validate


_validate_decided_line = _refusing_unfilled(
    N_(
        "“{marker}” stands for something not filled in, and the documents would state "
        "it as what was decided (or proposed): write the decided words in its place; "
        "a fact not known yet is no term of a decision"
    )
)


#: A one-paragraph text that a decision states (an amended point, a co-financier's
#: condition): like :data:`LineText`, and refused when it holds a placeholder left to be
#: filled in (:func:`unfilled_marker`), which no document may state as decided.
DecidedText = Annotated[
    str,
    BeforeValidator(_validate_decided_line),
    _LINE_SCHEMA,
]


_validate_proposed_line = _refusing_unfilled(
    N_(
        "“{marker}” stands for something not filled in, and the beslutsförslag would "
        "propose it and the protokollsutdrag state it as decided: write the words in "
        "its place, or a placeholder of the case's facts such as {slut}"
    )
)


#: A decision point of the proposal (``beslutspunkter``): like :data:`DecidedText`, with a
#: message of its own, since the proposal's points are copied into the extract verbatim.
ProposedText = Annotated[
    str,
    BeforeValidator(_validate_proposed_line),
    _LINE_SCHEMA,
]


_validate_condition_line = _refusing_unfilled(
    N_(
        "“{marker}” stands for something not filled in, and the samarbetsavtal would "
        "state it as a condition on the actor: write the words in its place, or a "
        "placeholder of the case's facts such as {slut}"
    )
)


#: One of a case's own conditions (``villkor``), which the samarbetsavtal states: like
#: :data:`LineText`, and refused when it holds a placeholder left to be filled in.
ConditionText = Annotated[
    str,
    BeforeValidator(_validate_condition_line),
    _LINE_SCHEMA,
]


_validate_minutes_line = _refusing_unfilled(
    N_(
        "“{marker}” stands for something not filled in, and the protokollsutdrag would "
        "state it as the minutes' words: write the words the minutes have in its place"
    )
)


#: A text of the minutes that the extract states (a reason, a reservation, a voting
#: order): like :data:`LineText`, and refused when it holds a placeholder left to be
#: filled in.
MinutesText = Annotated[
    str,
    BeforeValidator(_validate_minutes_line),
    _LINE_SCHEMA,
]


def _validate_case_prose(value: Any) -> Prose:
    prose = _validate_prose(value)
    refuse_unfilled(
        prose.source,
        N_(
            "“{marker}” stands for something not filled in, and the documents would "
            "state it as it stands: write the words in its place, or a placeholder of "
            "the case's facts such as {slut}"
        ),
    )
    return prose


#: A prose field of a case file (``syfte``, a clause's text), which its documents state:
#: like :data:`ProseText`, and refused when it holds a placeholder left to be filled in.
CaseProseText = Annotated[
    Prose, BeforeValidator(_validate_case_prose), WithJsonSchema(_PROSE_SCHEMA)
]
