"""The case and meeting forms' help texts speak of the form, in Swedish and in English: a
field to leave empty, a box to tick, a field by its label; never the file's notation (null,
true, false, a key with underscores, a key inside another written with dots)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from avtalsgen.i18n import speaking
from avtalsgen.web.editing import form_schema

#: What a help text may not say: the file's words for an empty field or a tick box, a key
#: written with an underscore (outside a placeholder in braces, which the user types), a
#: key inside another (``finansiering.kallor``, ``finansiarer[M].villkor``).
FILE_WORDS = {
    "null": re.compile(r"\bnull\b", re.IGNORECASE),
    "true/false": re.compile(r"\b(?:true|false)\b", re.IGNORECASE),
    "a key with an underscore": re.compile(r"(?<![{\w])[a-z]+_[a-z_]+(?![\w}])"),
    "a dotted path": re.compile(r"\b[a-z]{2,}(?:\[\w+\])?\.[a-z]{2,}\b"),
    "a list's index": re.compile(r"\w\[[A-Z0-9]+\]"),
    "a mapping": re.compile(r"\{[^{}]*[,:][^{}]*\}"),
}


def _help_texts(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Each help text of a form's schema with where it is; none of a field the form hides."""
    if isinstance(node, dict):
        if node.get("options", {}).get("hidden"):
            return
        if isinstance(node.get("description"), str):
            yield where, node["description"]
        for key, child in node.items():
            yield from _help_texts(child, f"{where}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _help_texts(child, f"{where}[{index}]")


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("kind", ["arende", "sammantrade"])
def test_no_help_text_speaks_of_the_file(kind: str, language: str) -> None:
    with speaking(language):
        texts = list(_help_texts(form_schema(kind)))
    assert len(texts) > 20
    found = [
        f"{where}: {what}: {text}"
        for where, text in texts
        for what, pattern in FILE_WORDS.items()
        if pattern.search(text)
    ]
    assert found == []


def test_the_english_help_says_leave_empty_and_ticked_as_the_swedish_does() -> None:
    def help_of(kind: str, language: str, *path: str) -> str:
        with speaking(language):
            node = form_schema(kind)
        for key in path:
            node = node["properties"][key]
        return str(node["description"])

    said = {
        ("arende", "datum"): (
            "Beslutsförslagets datum. Lämna tomt så länge det inte är känt.",
            "Date of the beslutsförslag. Leave empty while unknown.",
        ),
        ("arende", "exempel"): (
            "Ikryssad för ett påhittat exempelärende; dess dokument märks då som exempel.",
            "Ticked for a fictitious example case; its documents are marked as examples.",
        ),
        ("sammantrade", "exempel"): (
            "Ikryssad för ett påhittat exempelsammanträde; dess utdrag märks då som exempel.",
            "Ticked for a fictitious example meeting; its extracts are marked as examples.",
        ),
    }
    for (kind, key), (swedish, english) in said.items():
        assert help_of(kind, "sv", key) == swedish
        assert help_of(kind, "en", key) == english
    assert help_of("arende", "en", "program") == (
        "The program file's path, counted from the folder of the case's file."
    )
    with speaking("en"):
        paragraph = form_schema("sammantrade")["properties"]["paragrafer"]["items"]
    fields = paragraph["properties"]
    assert fields["votering"]["description"] == (
        "When the committee voted: yes, no, abstaining and voting order."
    )
    assert fields["reservationer"]["description"].endswith("a name, or name and reasons.")
    assert fields["sekretess"]["description"].endswith("published. Left empty: not secret.")
    assert "as Financing › Financiers › Conditions;" in fields["ej_i_avtalet"]["description"]
    assert fields["beslut"]["oneOf"][1]["items"]["description"] == (
        "One decision point; may use placeholders in braces, e.g. {belopp_arligen}."
    )
