"""Prose fields (avtalsgen.model.prose) and the placeholder values of a case."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_core import PydanticCustomError

from avtalsgen.documents.context import placeholder_values
from avtalsgen.input.load import load_case
from avtalsgen.model.prose import (
    PLACEHOLDERS,
    Block,
    BlockKind,
    Span,
    check_placeholders,
    fill_placeholders,
    parse_prose,
)

SEED = Path(__file__).resolve().parents[1] / "cases" / "RUN-00386-2023.yaml"
NBSP = "\u00a0"


def kinds(source: str) -> list[BlockKind]:
    return [block.kind for block in parse_prose(source).blocks]


def texts(source: str) -> list[str]:
    return [block.text for block in parse_prose(source).blocks]


def rejection(source: str) -> PydanticCustomError:
    with pytest.raises(PydanticCustomError) as info:
        parse_prose(source)
    return info.value


# --- structure ---------------------------------------------------------------------------


def test_paragraphs() -> None:
    prose = parse_prose("Första stycket.\n\nAndra stycket.\n")
    assert prose.source == "Första stycket.\n\nAndra stycket.\n"
    assert prose.blocks == (
        Block(BlockKind.STYCKE, (Span("Första stycket."),)),
        Block(BlockKind.STYCKE, (Span("Andra stycket."),)),
    )


def test_soft_line_breaks_are_joined_with_a_space() -> None:
    assert texts("Syftet med piloten är\natt utveckla\nekosystemet.") == [
        "Syftet med piloten är att utveckla ekosystemet."
    ]


def test_trailing_spaces_before_a_line_break_become_one_space() -> None:
    assert texts("rad  \nbryt") == ["rad bryt"]


@pytest.mark.parametrize("marker", ["-", "*", "+"])
def test_bullets(marker: str) -> None:
    prose = parse_prose(f"{marker} Bygga broar\n{marker} Dela kunskap\n")
    assert prose.blocks == (
        Block(BlockKind.PUNKT, (Span("Bygga broar"),)),
        Block(BlockKind.PUNKT, (Span("Dela kunskap"),)),
    )


@pytest.mark.parametrize("delimiter", [".", ")"])
def test_numbered_list(delimiter: str) -> None:
    prose = parse_prose(f"1{delimiter} Forskningsgapet\n2{delimiter} Kapitalgapet\n")
    assert prose.blocks == (
        Block(BlockKind.NUMMER, (Span("Forskningsgapet"),)),
        Block(BlockKind.NUMMER, (Span("Kapitalgapet"),)),
    )


def test_paragraph_then_lists_then_paragraph() -> None:
    source = (
        "Avtalet ska tydliggöra:\n\n"
        "1. Att aktören bidrar\n"
        "2. Aktörens roll\n\n"
        "Uppgifter:\n\n"
        "- Driva arbetet\n"
        "- Bidra till lärande\n\n"
        "Slutord.\n"
    )
    assert kinds(source) == [
        BlockKind.STYCKE,
        BlockKind.NUMMER,
        BlockKind.NUMMER,
        BlockKind.STYCKE,
        BlockKind.PUNKT,
        BlockKind.PUNKT,
        BlockKind.STYCKE,
    ]
    assert texts(source)[1] == "Att aktören bidrar"


def test_list_item_continued_on_next_line() -> None:
    prose = parse_prose("1. Att aktören bidrar till insatser\n   i strategin\n2. Roll\n")
    assert [block.text for block in prose.blocks] == [
        "Att aktören bidrar till insatser i strategin",
        "Roll",
    ]


def test_second_paragraph_in_list_item_is_not_a_new_item() -> None:
    source = "1. Första punkten\n\n   fortsätter här\n2. Andra punkten\n"
    try:
        prose = parse_prose(source)
    except PydanticCustomError:
        return
    assert [block.kind for block in prose.blocks].count(BlockKind.NUMMER) == 2


# --- emphasis ----------------------------------------------------------------------------


def test_bold_and_italic_spans() -> None:
    prose = parse_prose("Text **fet** och *kursiv* och ***båda***.")
    assert prose.blocks == (
        Block(
            BlockKind.STYCKE,
            (
                Span("Text "),
                Span("fet", bold=True),
                Span(" och "),
                Span("kursiv", italic=True),
                Span(" och "),
                Span("båda", bold=True, italic=True),
                Span("."),
            ),
        ),
    )
    assert prose.blocks[0].text == "Text fet och kursiv och båda."


def test_emphasis_inside_list_item() -> None:
    prose = parse_prose("- en **viktig** punkt\n")
    assert prose.blocks == (
        Block(BlockKind.PUNKT, (Span("en "), Span("viktig", bold=True), Span(" punkt"))),
    )


def test_emphasis_across_soft_line_break() -> None:
    prose = parse_prose("ett *kursivt\nord* här")
    assert prose.blocks[0].spans == (Span("ett "), Span("kursivt ord", italic=True), Span(" här"))


def test_underscores_inside_words_are_text() -> None:
    assert texts("a_b_c och snake_case") == ["a_b_c och snake_case"]


# --- rejected prose ----------------------------------------------------------------------


def test_nested_list_rejected() -> None:
    error = rejection("- Första\n  - Underpunkt\n")
    assert error.type == "prose"
    assert error.message() == "nested lists are not supported; write the items at one level"


def test_list_nested_in_numbered_list_rejected() -> None:
    assert (
        rejection("1. Första\n   - Underpunkt\n").message()
        == "nested lists are not supported; write the items at one level"
    )


@pytest.mark.parametrize("start", [0, 2, 3])
def test_numbered_list_not_starting_at_1_rejected(start: int) -> None:
    error = rejection(f"{start}. Tredje\n{start + 1}. Fjärde\n")
    assert error.type == "prose"
    assert error.message() == "a numbered list must start at 1"


@pytest.mark.parametrize("source", ["", "   ", "\n\n", "  \n \n"])
def test_empty_text_rejected(source: str) -> None:
    error = rejection(source)
    assert error.type == "prose"
    assert error.message() == "text is empty"


def test_unknown_placeholder_rejected() -> None:
    error = rejection("Aktören {okand} arbetar med {omrade}.")
    assert error.type == "unknown_placeholder"
    assert error.message() == (
        "unknown placeholder {okand}; `avtalsgen schema` lists the placeholders"
    )
    close = rejection("{aktro}")
    assert close.message() == (
        "unknown placeholder {aktro} (did you mean {aktor}?); "
        "`avtalsgen schema` lists the placeholders"
    )


def test_several_unknown_placeholders_named_sorted() -> None:
    error = rejection("{zeta} och {alfa}")
    assert error.message() == (
        "unknown placeholders {alfa}, {zeta}; `avtalsgen schema` lists the placeholders"
    )


def test_heading_rejected() -> None:
    assert rejection("# Rubrik\n\nText.\n").type == "prose"


# --- placeholders ------------------------------------------------------------------------


def test_check_placeholders_accepts_known_and_returns_text() -> None:
    text = "{aktor} får {belopp_per_ar} från {kalla} {start}–{slut}."
    assert check_placeholders(text) == text


@pytest.mark.parametrize("typo", ["{Aktor}", "{aktör}", "{belopp per år}", "{ aktor }"])
def test_mistyped_placeholder_rejected(typo: str) -> None:
    with pytest.raises(PydanticCustomError):
        check_placeholders(f"Avtal med {typo}.")


def test_fill_placeholders() -> None:
    values = {"aktor": "Swedish Lapland vb", "kalla": "ERP"}
    assert fill_placeholders("{aktor} får medel från {kalla}.", values) == (
        "Swedish Lapland vb får medel från ERP."
    )
    assert fill_placeholders("{aktor} och {aktor}", values) == (
        "Swedish Lapland vb och Swedish Lapland vb"
    )
    assert fill_placeholders("{slut} saknas", values) == "{slut} saknas"
    assert fill_placeholders("ingen platshållare", values) == "ingen platshållare"


def test_fill_placeholders_does_not_refill_values() -> None:
    assert fill_placeholders("{aktor}", {"aktor": "{kalla}", "kalla": "ERP"}) == "{kalla}"


def test_placeholders_kept_in_parsed_prose() -> None:
    prose = parse_prose("Genom **{aktor}** stärks {omrade}.")
    assert prose.blocks[0].spans == (
        Span("Genom "),
        Span("{aktor}", bold=True),
        Span(" stärks {omrade}."),
    )


def test_placeholder_values_of_seed() -> None:
    values = placeholder_values(load_case(SEED).arende, load_case(SEED).program)
    references = {name for name in values if name.startswith("punkt:")}
    assert set(values) - references == set(PLACEHOLDERS)
    assert values["punkt:finansiering"] == "punkt 6"
    assert {name: values[name] for name in PLACEHOLDERS} == {
        "aktor": "Swedish Lapland vb",
        "aktor_namn": "Swedish Lapland Visitors Board",
        "omrade": "besöksnäringen",
        "belopp_per_ar": f"2{NBSP}000{NBSP}000{NBSP}kronor",
        "belopp_arligen": f"2{NBSP}000{NBSP}000{NBSP}kronor årligen",
        "belopp_per_avtalsar": f"2{NBSP}000{NBSP}000{NBSP}kronor per avtalsår",
        "belopp_per_budgetar": (
            f"500{NBSP}000{NBSP}kronor för 2023, 2{NBSP}000{NBSP}000{NBSP}kronor för 2024, "
            f"2{NBSP}000{NBSP}000{NBSP}kronor för 2025 och 1{NBSP}500{NBSP}000{NBSP}kronor för 2026"
        ),
        "totalt": f"6{NBSP}000{NBSP}000{NBSP}kronor",
        "totalt_finansiering": f"6{NBSP}000{NBSP}000{NBSP}kronor",
        "kalla": "ERP",
        "kalla_belopp": "ERP",
        "medfinansiering": "",
        "utbetalning": "årsvis i förskott efter rekvisition",
        "start": "2023-10-01",
        "slut": "2026-09-30",
        "start_text": "den 1 oktober 2023",
        "slut_text": "den 30 september 2026",
        "start_termin": "hösten 2023",
        "forsta_uppfoljning": "hösten 2024",
        "extern_utvardering_senast": "2025-11-30",
        "extern_utvardering_senast_text": "den 30 november 2025",
        "dnr": "RUN-00386-2023",
        "namnd": "Regionala utvecklingsnämnden",
        "program": "Norrbottens ekosystem",
        "region": "Region Norrbotten",
        "region_orgnr": "232100-0230",
        "region_adress": "Regionhuset, Robertsviksgatan 7, 971 89 Luleå",
        "aktor_orgnr": "[uppgift saknas]",
        "aktor_adress": "[uppgift saknas]",
        "antal_ar": "3",
        "tidslangd": f"3{NBSP}år",
        "beslut_datum": "[uppgift saknas]",
        "beslut_paragraf": "[uppgift saknas]",
        "s3": "Smart specialiseringsstrategi för Norrbotten",
        "rus": "Regional utvecklingsstrategi Norrbotten 2030",
        "forlangning_ar": "3",
        "max_ar": "9",
        "forlangning_kvar": "6",  # three years, two extensions of three within nine
        "langsta_avtalstid": f"9{NBSP}år",
    }


def test_every_placeholder_is_filled_in_seed() -> None:
    values = placeholder_values(load_case(SEED).arende, load_case(SEED).program)
    text = " ".join("{" + name + "}" for name in PLACEHOLDERS)
    filled = fill_placeholders(text, values)
    assert "{" not in filled
    assert "}" not in filled
