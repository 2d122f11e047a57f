"""The form's labels against the case file's keys they label (web/forms.py FIELD_LABELS and
their Swedish in web.po, context ``field``): every key of the case and meeting models has a
label in Swedish and in English, and the Swedish one is the word the key spells
(``belopp_per_ar`` → "Belopp per år"), written by hand in web.po and so checked here."""

from __future__ import annotations

import types
import typing
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from avtalsgen import i18n
from avtalsgen.model import Arende
from avtalsgen.model.meeting import Sammantrade
from avtalsgen.web import forms
from avtalsgen.web.editing import form_schema

#: Keys whose label is the same word in both languages: the Swedish domain words without an
#: English one (forms.SWEDISH_LABELS, and Dnr, which no English label replaces), and words
#: English spells the same.
SAME_IN_BOTH = {"dnr", "justerare", "id", "period", "program", "start", "text"}
#: Keys whose Swedish label is not the word the key spells (none: add one here with why).
NOT_SPELLED: dict[str, str] = {}


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation holds (in a list, a union, an Annotated …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _models(typing.get_args(annotation)[0])
        return
    if origin is not None or isinstance(annotation, types.UnionType):
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def _keys(*roots: type[BaseModel]) -> set[str]:
    """Every key of the files these models read (their fields' names or aliases), nested
    models' too."""
    keys: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = list(roots)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            todo.extend(_models(info.annotation))
    return keys


KEYS = sorted(_keys(Arende, Sammantrade))


def _label(key: str, language: str) -> str:
    i18n.set_language(language)
    try:
        return forms.label(key)
    finally:
        i18n.set_language(None)


def _spelled_key(label: str) -> str:
    """The key a Swedish label spells: lower case, å, ä and ö as a and o, a space as an
    underscore, a hyphen dropped ("E-post" → ``epost``)."""
    plain = unicodedata.normalize("NFD", label.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.replace(" ", "_").replace("-", "")


def test_the_models_have_the_keys_the_forms_name() -> None:
    # The walk finds the nested models' keys (a financier's, a paragraph's, a tillägg's).
    assert {"dnr", "belopp_per_ar", "organisationsnummer", "utfall", "ny_slutdag"} <= set(KEYS)
    # No label is kept for a key no model has any more.
    assert set(forms.FIELD_LABELS) <= set(KEYS), set(forms.FIELD_LABELS) - set(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_each_key_has_its_swedish_word_and_an_english_label(key: str) -> None:
    swedish, english = _label(key, "sv"), _label(key, "en")
    # Swedish: the word the key spells, as web.po writes it by hand.
    assert _spelled_key(NOT_SPELLED.get(key, swedish)) == key, (key, swedish)
    assert swedish[:1].isupper(), swedish
    # English: a label of its own (not the Swedish word) unless it is the same in both.
    if key in SAME_IN_BOTH:
        assert english == swedish
    else:
        assert key in forms.FIELD_LABELS, f"{key}: no English label in forms.FIELD_LABELS"
        assert english != swedish, (key, english)


#: A few of the form's titles, as written in web.po and forms.FIELD_LABELS.
TITLES = {
    "arende": {
        "sv": {"dnr": "Dnr", "belopp_per_ar": "Belopp per år", "aktor": "Aktör",
               "organisationsnummer": "Organisationsnummer", "epost": "E-post"},
        "en": {"dnr": "Dnr", "belopp_per_ar": "Amount per year", "aktor": "Actor",
               "organisationsnummer": "Organisation number", "epost": "E-mail"},
    },
    "sammantrade": {
        "sv": {"justeringsdatum": "Justeringsdatum", "paragrafer": "Paragrafer",
               "belopp_per_ar": "Belopp per år"},
        "en": {"justeringsdatum": "Justering date", "paragrafer": "Paragraphs",
               "belopp_per_ar": "Amount per year"},
    },
}  # fmt: skip


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("kind", ["arende", "sammantrade"])
def test_the_form_titles_each_field_by_its_label(kind: str, language: str) -> None:
    """The form's schema titles every property, and the titles are the words a reader of
    the language knows (form_schema makes them with forms.label: comparing with that would
    test nothing)."""
    i18n.set_language(language)
    try:
        schema = form_schema(kind)
        titled = {}

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in (node.get("properties") or {}).items():
                    titled[key] = value.get("title")
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema)
        assert titled, kind
        assert all(isinstance(title, str) and title.strip() for title in titled.values())
        expected = TITLES[kind][language]
        assert {key: titled.get(key) for key in expected} == expected
    finally:
        i18n.set_language(None)
