"""Swedish formatting filters in avtalsgen.documents.format (Babel, sv_SE)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import avtalsgen.documents.format as fmt

NBSP = "\u00a0"
EN_DASH = "\u2013"


def test_constants() -> None:
    assert fmt.NBSP == NBSP
    assert fmt.EN_DASH == EN_DASH
    assert fmt.MISSING == "[uppgift saknas]"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, "0", id="zero"),
        pytest.param(800, "800", id="hundreds"),
        pytest.param(1234, f"1{NBSP}234", id="thousands"),
        pytest.param(800000, f"800{NBSP}000", id="hundred-thousands"),
        pytest.param(2000000, f"2{NBSP}000{NBSP}000", id="millions"),
        pytest.param(Fraction(5, 2), "2,5", id="fraction-decimal-comma"),
        pytest.param(Fraction(3), "3", id="whole-fraction"),
        pytest.param(Fraction(36, 12), "3", id="unreduced-whole-fraction"),
        pytest.param(Fraction(3, 4), "0,75", id="fraction-below-one"),
    ],
)
def test_number(value: int | Fraction, expected: str) -> None:
    assert fmt.number(value) == expected


def test_amounts() -> None:
    assert fmt.kronor(2000000) == f"2{NBSP}000{NBSP}000{NBSP}kronor"
    assert fmt.kr(6000000) == f"6{NBSP}000{NBSP}000{NBSP}kr"
    assert fmt.belopp(6000000) == f"6{NBSP}000{NBSP}000"
    assert fmt.belopp(1500000) == f"1{NBSP}500{NBSP}000"


def test_amounts_never_break_between_digits_and_unit() -> None:
    for text in (fmt.kronor(2000000), fmt.kr(6000000), fmt.belopp(6000000)):
        assert " " not in text
        assert "\u202f" not in text  # not the narrow no-break space either


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(dt.date(2023, 10, 1), "den 1 oktober 2023", id="seed-start"),
        pytest.param(dt.date(2026, 9, 30), "den 30 september 2026", id="seed-end"),
        pytest.param(dt.date(2024, 1, 1), "den 1 januari 2024", id="january"),
        pytest.param(dt.date(2025, 5, 31), "den 31 maj 2025", id="maj"),
        pytest.param(dt.date(2027, 12, 31), "den 31 december 2027", id="december"),
        pytest.param(None, "[uppgift saknas]", id="missing"),
    ],
)
def test_datum_text(value: dt.date | None, expected: str) -> None:
    assert fmt.datum_text(value) == expected


def test_iso() -> None:
    assert fmt.iso(dt.date(2023, 10, 1)) == "2023-10-01"
    assert fmt.iso(dt.date(2025, 11, 30)) == "2025-11-30"
    assert fmt.iso(None) == fmt.MISSING


@pytest.mark.parametrize(
    ("month", "when"),
    [
        (1, "i januari 2023"),
        (2, "i februari 2023"),
        (3, "våren 2023"),
        (4, "våren 2023"),
        (5, "våren 2023"),
        (6, "sommaren 2023"),
        (7, "sommaren 2023"),
        (8, "sommaren 2023"),
        (9, "hösten 2023"),
        (10, "hösten 2023"),
        (11, "hösten 2023"),
        (12, "i december 2023"),
    ],
)
def test_termin(month: int, when: str) -> None:
    assert fmt.termin(dt.date(2023, month, 1)) == when


def test_termin_examples() -> None:
    assert fmt.termin(dt.date(2023, 10, 1)) == "hösten 2023"
    assert fmt.termin(dt.date(2024, 4, 15)) == "våren 2024"
    # Not both "vintern 2024": the winter that ends in February and the one that starts
    # in December are different winters.
    assert fmt.termin(dt.date(2024, 2, 1)) == "i februari 2024"
    assert fmt.termin(dt.date(2024, 12, 1)) == "i december 2024"


@pytest.mark.parametrize(
    ("months", "text"),
    [(36, "3\u00a0år"), (12, "1\u00a0år"), (18, "18\u00a0månader"), (30, "30\u00a0månader"),
     (1, "1\u00a0månad")],
)  # fmt: skip
def test_tidslangd_is_whole_years_or_months(months: int, text: str) -> None:
    assert fmt.tidslangd(months) == text


@pytest.mark.parametrize(
    ("months", "text"),
    [(108, "9\u00a0år"), (102, "8\u00a0år och 6\u00a0månader"), (13, "1\u00a0år och 1\u00a0månad"),
     (6, "6\u00a0månader"), (1, "1\u00a0månad")],
)  # fmt: skip
def test_ar_och_manader_adds_up(months: int, text: str) -> None:
    assert fmt.ar_och_manader(months) == text


def test_intervall() -> None:
    assert fmt.intervall(2023, 2026) == f"2023{EN_DASH}2026"
    assert fmt.intervall(dt.date(2023, 10, 1), dt.date(2026, 9, 30)) == (
        f"2023-10-01{EN_DASH}2026-09-30"
    )
    assert "-" not in fmt.intervall(2023, 2026)


def test_intervall_with_unknown_date_shows_placeholder() -> None:
    assert fmt.intervall(dt.date(2023, 10, 1), None) == f"2023-10-01{EN_DASH}{fmt.MISSING}"


def test_ifylls() -> None:
    assert fmt.ifylls("Anna Exempelsson") == "Anna Exempelsson"
    assert fmt.ifylls(None) == fmt.MISSING


def test_filters_offered_to_templates() -> None:
    assert set(fmt.FILTERS) == {
        "belopp",
        "kr",
        "kronor",
        "iso",
        "datum_text",
        "termin",
        "tidslangd",
        "intervall",
        "ifylls",
        "tal",
    }
    assert fmt.FILTERS["tal"](Fraction(5, 2)) == "2,5"
    assert fmt.FILTERS["kronor"](2000000) == f"2{NBSP}000{NBSP}000{NBSP}kronor"


def test_the_months_are_babel_s_swedish_months() -> None:
    # The one list (documents/months.py) kept without Babel for the unchanged rebuild.
    from babel.dates import get_month_names

    from avtalsgen.documents.months import MONTHS

    babel = get_month_names("wide", locale="sv")
    assert list(MONTHS) == [babel[month] for month in range(1, 13)]
