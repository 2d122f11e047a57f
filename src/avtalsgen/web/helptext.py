"""The models' field descriptions as the form's help texts, in words.

A description is written for whoever writes the YAML file (``avtalsgen schema`` gives it to
their editor): it names the file's keys and values as they are written there
(``belopp_per_ar``, ``arsvis_i_forskott``, ``Ja (true)``, ``{typ: forlangning, ny_slutdag:
...}``). The form shows the same facts as labelled fields, lists of choices and tick boxes,
so its help texts name them as the form does: ``belopp per år``, ``årsvis i förskott``,
``Ikryssad``, ``förlängning (ny slutdag)``. Placeholders that a text may contain
(``{belopp_arligen}``) are what the user types, and stay as they are. The English
descriptions say it as the Swedish ones do: "null while unknown" is "Leave empty while
unknown", "True for" "Ticked for", ``{namn, motivering}`` "namn and motivering".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from avtalsgen.i18n import _
from avtalsgen.web.forms import amount_text

#: ``{typ: forlangning, ny_slutdag: ...}``, with or without the file's double backticks.
_MAPPING = re.compile(r"(?:``)?\{(?P<body>[a-z_]+: [^{}]*)\}(?:``)?")
#: ``[{ar: 2024, belopp: 500000}, {ar: 2025, belopp: 2000000}]``: a list of such mappings.
_MAPPINGS = re.compile(r"\[(?P<body>\{[a-z_]+: [^\[\]]*\})\]")
#: A placeholder a text may contain: ``{belopp_arligen}``.
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
#: A value written as in the file, and the words that explain it in brackets after it.
_EXPLAINED = re.compile(r"\b(?P<value>[a-z]+(?:_[a-z]+)*) \((?P<words>[^()]*)\)")
#: A key or value written as in the file.
_TOKEN = re.compile(r"(?<![\w{-])[a-z]+(?:_[a-z0-9]+)*(?![\w}-])")
_ARTICLE = re.compile(r"^(?:en|ett) ")


#: A figure of five digits or more: an amount in an example (a year has four).
_FIGURE = re.compile(r"(?<![\d\u00a0])\d{5,}(?![\d\u00a0])")
#: ``[2000000, 1500000, 1000000]``: a list of figures.
_FIGURES = re.compile(r"\[(?P<body>\d+(?:, \d+)+)\]")
#: ``finansiering.kallor``, ``finansiering.finansiarer[M].villkor``: a key inside another
#: (each of two letters or more: "e.g." and "t.ex." are abbreviations, not keys), a list's
#: item by an index or a letter standing for any.
_PATH = re.compile(
    r"(?<![\w{])[a-z]{2,}(?:_[a-z]+)*(?:\[[A-Z0-9]+\])?"
    r"(?:\.[a-z]{2,}(?:_[a-z]+)*(?:\[[A-Z0-9]+\])?)+(?![\w}])"
)
#: Text in quotes: a document's words, written as they are.
_QUOTED = re.compile(r'"[^"]*"|”[^”]*”|“[^”]*”')
#: An index of a list in such a path: the form has no such numbers in its labels.
_INDEX = re.compile(r"\[[A-Z0-9]+\]")
#: ``{namn, motivering}``: the keys of a mapping, written as in the file.
_KEY_LIST = re.compile(r"\{(?P<body>[^{}:]+(?:, [^{}:]+)+)\}")
#: The English descriptions' words for a field left empty in the file, or a box ticked, as
#: the form has them: "Leave empty", "Ticked" (the Swedish ones' translators wrote "Lämna
#: tomt" themselves, and "Ja (true)", said as "Ikryssad" below).
_ENGLISH_FORM_WORDS = (
    (re.compile(r"; null while unknown\b"), ". Leave empty while unknown"),
    (re.compile(r" \(null\)"), ""),
    (re.compile(r"\bwhile null\b"), "while left empty"),
    (re.compile(r"(^|\. )(?:Null|false or left out): "), r"\1Left empty: "),
    (re.compile(r"\bleft out\b"), "left empty"),
    (re.compile(r"\bLeft out\b"), "Left empty"),
    (re.compile(r"\bTrue (for|when|if)\b"), r"Ticked \1"),
    (re.compile(r"\btrue unless\b"), "ticked unless"),
)


def form_help(
    text: str, keys: Collection[str], values: Collection[str], words: Callable[[str], str]
) -> str:
    """``text`` (a description) with the file's ``keys`` and ``values`` (of lists of
    choices), and any name written with underscores, said in ``words`` (as the form labels
    them), and the file's notation in words."""

    def word(name: str) -> str:
        return words(name) if name in keys or name in values or "_" in name else name

    # What is said already (a mapping, a value explained, a path in words) and text in
    # quotes (a document's words) are put aside while the rest is said: a word of it that
    # is also a key ("efter godkänd rapport", "Regionens finansiering lämnas") stays.
    said: list[str] = []

    def aside(match: re.Match[str], said_now: str) -> str:
        if said_now == match[0]:
            return said_now  # not said otherwise: said below, as the rest is
        said.append(said_now)
        return f"\x01{len(said) - 1}\x01"

    def mapping(body: str) -> tuple[str, list[str]]:
        pairs = [item.split(": ", 1) for item in body.split(", ") if ": " in item]
        head = next((word(v) for k, v in pairs if k == "typ"), "")
        rest = [
            word(k) if v.strip() in ("...", "…") else f"{word(k)} {v}"
            for k, v in pairs
            if k != "typ"
        ]
        return head, rest

    def one(match: re.Match[str]) -> str:
        head, rest = mapping(match["body"])
        if head:
            return f"{head} ({', '.join(rest)})" if rest else head
        return ", ".join(rest)

    def many(match: re.Match[str]) -> str:
        items = [", ".join(mapping(body)[1]) for body in re.findall(r"\{([^{}]*)\}", match["body"])]
        return "; ".join(items)

    def key_list(match: re.Match[str]) -> str:
        *first, last = [word(item) for item in match["body"].split(", ")]
        return _("{items} and {last}").format(items=", ".join(first), last=last)

    text = _QUOTED.sub(lambda m: aside(m, f"\x02{m[0]}"), text)
    text = _MAPPINGS.sub(lambda m: aside(m, many(m)), text)
    text = _KEY_LIST.sub(lambda m: aside(m, key_list(m)), text)
    text = _MAPPING.sub(lambda m: aside(m, one(m)), text)
    # Placeholders are kept as they are written: put aside while the rest is said in words.
    kept = _PLACEHOLDER.findall(text)
    text = _PLACEHOLDER.sub("\0", text)

    def explained(match: re.Match[str]) -> str:
        value, explanation = match["value"], match["words"]
        if value not in values:
            return match[0]
        said = word(value)
        bare = _ARTICLE.sub("", explanation)
        if bare.startswith(said):
            return bare  # "bifall_med_andring (bifall med ändring)": said once
        return f"{said} ({explanation})"

    text = _EXPLAINED.sub(lambda m: aside(m, explained(m)), text)
    text = _PATH.sub(
        lambda m: aside(
            m, " › ".join(_capital(words(part)) for part in _INDEX.sub("", m[0]).split("."))
        ),
        text,
    )
    text = _TOKEN.sub(lambda m: word(m[0]), text)
    while "\x01" in text:
        text = re.sub("\x01(\\d+)\x01", lambda m: said[int(m[1])], text)
    text = text.replace("\x02", "")
    text = _FIGURES.sub(lambda m: m["body"], text)
    text = _FIGURE.sub(lambda m: amount_text(int(m[0])), text)
    text = re.sub(r"\bJa \(true\)", "Ikryssad", text)
    text = re.sub(r"(^|\. )false eller tomt", r"\1Tomt", text)
    text = text.replace("``", "")
    for english, form_words in _ENGLISH_FORM_WORDS:
        text = english.sub(form_words, text)
    for placeholder in kept:
        text = text.replace("\0", placeholder, 1)
    return _capital(text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
