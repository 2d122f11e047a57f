"""The loader's messages in a form's terms (avtalsgen.web.formwords): each key of the form's
file by the label the form shows, a tick box ticked or not, an empty field empty, a missing
field one to fill in; what was typed, placeholders, files, Dnr and dates as they are."""

from __future__ import annotations

import pytest

from avtalsgen import i18n
from avtalsgen.web.editing import form_schema
from avtalsgen.web.formwords import form_message


@pytest.fixture(autouse=True)
def swedish() -> object:
    i18n.set_language("sv")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize(
    ("kind", "field", "message", "shown"),
    [
        (
            "sammantrade", "paragrafer[1].dnr",
            "RUN-90001-2023 är ett påhittat exempelärende (exempel: true); bara ett "
            "exempelsammanträde (exempel: true) får besluta om det",
            "RUN-90001-2023 är ett påhittat exempelärende (Exempel ikryssad); bara ett "
            "exempelsammanträde (Exempel ikryssad) får besluta om det",
        ),
        (
            "arende", "finansiering.period.start",
            "den första utbetalningen skulle göras när perioden börjar (2023-10-01), före "
            "beslutet (2023-12-05); ange utbetalning: forsta_datum: samma dag som beslutet "
            "eller senare (det som skulle ha betalats ut före den dagen betalas ut med den)",
            "den första utbetalningen skulle göras när perioden börjar (2023-10-01), före "
            "beslutet (2023-12-05); ange Utbetalning › Första datum: samma dag som beslutet "
            "eller senare (det som skulle ha betalats ut före den dagen betalas ut med den)",
        ),
        (
            "arende", "aktor.organisationsnummer",
            "'556123-4568' är inte ett giltigt organisationsnummer: kontrollsiffran stämmer "
            "inte; skriv av det igen, eller lämna det tomt (null) så länge det inte är känt",
            "'556123-4568' är inte ett giltigt organisationsnummer: kontrollsiffran stämmer "
            "inte; skriv av det igen, eller lämna det tomt så länge det inte är känt",
        ),
        (
            "sammantrade", "paragrafer[0].utfall",
            "bifall_med_andring, men paragrafen ändrar ingenting: ange de ändrade "
            "beslutspunkterna (beslut), den beslutade finansieringen eller ändringen (andring)",
            "bifall med ändring, men paragrafen ändrar ingenting: ange de ändrade "
            "beslutspunkterna (Beslut), den beslutade finansieringen eller ändringen (Ändring)",
        ),
        (
            "sammantrade", "paragrafer[0].andring",
            "ändringen anges bara i ord (andring): ange den beslutade finansieringen under "
            "paragrafer[0].finansiering (en medfinansiärs villkor som finansiarer[M].villkor)",
            "ändringen anges bara i ord (Ändring): ange den beslutade finansieringen under "
            "Paragraf 1 › Finansiering (en medfinansiärs villkor som Finansiär › Villkor)",
        ),
        (
            "sammantrade", "paragrafer[0].sekretess",
            "en paragraf som omfattas av sekretess ska ange bestämmelsen: skriv sekretess: "
            "{bestammelse: '21 kap. 7 § OSL', datum: ÅÅÅÅ-MM-DD}",
            "en paragraf som omfattas av sekretess ska ange bestämmelsen: skriv Sekretess: "
            "(Bestämmelse '21 kap. 7 § OSL', Datum ÅÅÅÅ-MM-DD)",
        ),
        (
            "sammantrade", "paragrafer[0].beslut",
            "'enligt förslaget' är lydelsen vid bifall; vid aterremiss utelämnar du beslut",
            "'enligt förslaget' är lydelsen vid bifall; vid återremiss utelämnar du beslut",
        ),
        (  # a word before a colon is no key; a placeholder, what was typed, stay
            "arende", "beslutspunkter[0]",
            "'två_miljoner' är inget belopp: skriv {belopp_arligen} i stället",
            "'två_miljoner' är inget belopp: skriv {belopp_arligen} i stället",
        ),
        (  # the program file's keys: no field of the form; said after the file's name
            "arende", "finansiering.finansiarer[0].kalla",
            "programfilen anger inga källor: ange dem under finansiering.kallor i "
            "program/norrbottens-ekosystem.yaml",
            "programfilen anger inga källor: ange dem under finansiering.kallor i "
            "program/norrbottens-ekosystem.yaml",
        ),
    ],
)  # fmt: skip
def test_a_message_names_the_forms_fields_by_their_labels(
    kind: str, field: str, message: str, shown: str
) -> None:
    assert form_message(message, field, form_schema(kind)) == shown


@pytest.mark.parametrize(
    ("kind", "field", "shown"),
    [
        ("arende", "dnr", "inte ifyllt: fyll i fältet"),
        ("arende", "aktor", "inte ifyllt: fyll i fälten under rubriken"),
        ("arende", "beslutspunkter",
         "inget tillagt än: lägg till med knappen ”Lägg till beslutspunkt”"),
        ("sammantrade", "paragrafer",
         "inget tillagt än: lägg till med knappen ”Lägg till paragraf”"),
        ("sammantrade", "paragrafer[0].sekretess.bestammelse", "inte ifyllt: fyll i fältet"),
    ],
)  # fmt: skip
def test_a_missing_field_is_one_to_fill_in_not_a_key_to_add(
    kind: str, field: str, shown: str
) -> None:
    top = "." not in field and "[" not in field
    key = field.rsplit(".", 1)[-1]
    message = (
        f"obligatoriskt fält saknas: lägg till nyckeln '{key}' på filens översta nivå (utan indrag)"
        if top
        else f"obligatoriskt fält saknas: lägg till nyckeln '{key}'"
    )
    assert form_message(message, field, form_schema(kind)) == shown


def test_in_english_too() -> None:
    """English messages, the form's labels as the English form shows them."""
    i18n.set_language("en")
    schema = form_schema("arende")
    missing = (
        "required field is missing: add the key 'dnr' at the top level of the file (not indented)"
    )
    assert form_message(missing, "dnr", schema) == "empty: fill it in"
    assert (
        form_message("give utbetalning: forsta_datum: on or after the decision",
                     "finansiering.period.start", schema)
        == "give Payment › First date: on or after the decision"
    )  # fmt: skip
