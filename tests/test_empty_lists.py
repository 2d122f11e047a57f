"""Every list a file may not leave empty says, when it is empty, what to add and how: by
file, line and field, in Swedish and English, and the web's forms say it as the form has it
(a button to add one)."""

from __future__ import annotations

from typing import Any

import pytest

from avtalsgen import i18n
from avtalsgen.input import messages
from avtalsgen.model.schema import file_models, json_schema


def _lists_that_may_not_be_empty(node: Any, key: str = "") -> set[str]:
    """The keys of the arrays with ``minItems`` in a JSON Schema (``key``: the property
    ``node`` is the schema of, through its unions and its definitions)."""
    found: set[str] = set()
    if isinstance(node, list):
        for child in node:
            found |= _lists_that_may_not_be_empty(child, key)
    elif isinstance(node, dict):
        if node.get("type") == "array" and node.get("minItems"):
            found.add(key)
        for name, child in node.items():
            if name in ("properties", "$defs"):
                for inner, value in child.items():
                    found |= _lists_that_may_not_be_empty(value, inner)
            else:
                found |= _lists_that_may_not_be_empty(child, key)
    return found


def test_every_list_that_may_not_be_empty_says_what_to_add() -> None:
    keys = set()
    for model in file_models().values():
        keys |= _lists_that_may_not_be_empty(json_schema(model))
    assert {"beslutspunkter", "justerare", "finansiarer", "paragrafer", "klausuler"} <= keys
    assert sorted(keys - set(messages._LIST_ITEMS)) == []


@pytest.mark.parametrize("key", sorted(messages._LIST_ITEMS))
def test_an_empty_list_names_what_to_add(key: str) -> None:
    error = {"type": "too_short", "loc": ("a", 0, key), "input": [],
             "ctx": {"min_length": 1, "actual_length": 0}}  # fmt: skip
    model = next(iter(file_models().values()))
    for language, start, ending in [
        ("en", "the list is empty: add ", ", each on a line of its own starting with '- '"),
        ("sv", "listan är tom: lägg till ", ", var och en på en egen rad som börjar med '- '"),
    ]:
        i18n.set_language(language)
        try:
            said = messages.message(model, error)
            what = i18n._(messages._LIST_ITEMS[key])
        finally:
            i18n.set_language(None)
        assert said == start + what + ending
        assert "must not be empty" not in said and "får inte vara tom" not in said


def test_a_list_of_no_known_key_names_its_key() -> None:
    error = {"type": "too_short", "loc": ("ny_lista",), "input": [],
             "ctx": {"min_length": 1, "actual_length": 0}}  # fmt: skip
    model = next(iter(file_models().values()))
    i18n.set_language("sv")
    try:
        said = messages.message(model, error)
    finally:
        i18n.set_language(None)
    assert said == (
        "listan är tom: lägg till minst en post under ny_lista, var och en på en egen rad som "
        "börjar med '- '"
    )


def test_the_forms_say_an_empty_list_as_the_form_has_it() -> None:
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.formwords import form_message

    i18n.set_language("sv")
    try:
        said = messages.message(
            next(iter(file_models().values())),
            {"type": "too_short", "loc": ("beslutspunkter",), "input": [],
             "ctx": {"min_length": 1, "actual_length": 0}},
        )  # fmt: skip
        shown = form_message(said, "beslutspunkter", form_schema("arende"))
    finally:
        i18n.set_language(None)
    assert shown == "inget tillagt än: lägg till med knappen ”Lägg till beslutspunkt”"
