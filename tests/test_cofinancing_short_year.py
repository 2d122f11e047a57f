"""An extension of a co-financed agreement whose last avtalsår is short (qa21's walk: the
agreement ending 2027-10-31, its avtalsår the calendar years). Each co-financier's problem is
said for its kind of amounts: one amount a year or stepped per avtalsår, the extension goes
on with the short avtalsår, whose amount it keeps; per calendar year, its amounts for each
calendar year of the extension. Every co-financier's problem was told as one per calendar
year, naming medfinansiarer_per_kalenderar, which refused it in turn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from avtalsgen.i18n import set_language
from avtalsgen.input.load import load_case
from avtalsgen.model.money import Finansiering
from avtalsgen.model.tillagg import Andring, Tillagg, apply_change
from avtalsgen.model.types import Loc

REPO = Path(__file__).resolve().parent.parent
RULES = load_case(REPO / "cases" / "exempel-medfinansiering.yaml").program.finansiering
REGION = "Region Norrbotten - ERP"
PITEA = "Piteå kommun"
LULEA = "Luleå kommun"
EU = "EU-projektet Exempel"
#: 2025-01-01–2027-10-31: avtalsår 3 is January-October 2027, ten months.
MONEY = Finansiering.model_validate(
    {
        "period": {"start": "2025-01-01", "slut": "2027-10-31"},
        "finansiarer": [
            {"namn": REGION, "kalla": "ERP", "belopp_per_ar": 1200000},
            {"namn": PITEA, "slag": "kommun", "belopp_per_ar": 240000},
            {"namn": LULEA, "slag": "kommun", "belopp_per_avtalsar": [120000, 240000, 100000]},
            {"namn": EU, "slag": "eu_projekt", "belopp_per_kalenderar": [
                {"ar": 2025, "belopp": 100000}, {"ar": 2026, "belopp": 100000},
                {"ar": 2027, "belopp": 100000}]},
        ],
    }
)  # fmt: skip
KEPT = {PITEA: 240000, LULEA: 120000, EU: 0}


def _apply(
    tillagg: dict[str, Any], decided: dt.date = dt.date(2026, 12, 1)
) -> tuple[Andring | None, list[tuple[Loc, str]]]:
    """The extension to 2030-10-31 (three years, the program's step) decided on
    ``decided``: by default before avtalsår 3's payment, so the extension lengthens it."""
    return apply_change(
        MONEY,
        Tillagg.model_validate({"typ": "forlangning", "ny_slutdag": "2030-10-31", **tillagg}),
        RULES,
        beslutsdatum=decided,
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )


def test_the_short_year_s_amounts_kept_extend_the_agreement() -> None:
    andring, found = _apply({"medfinansiarer": KEPT})
    assert andring is not None and not found, found
    amounts = {row.namn: row.model_dump(exclude_none=True) for row in andring.efter.finansiarer}
    # Avtalsår 3 is all of 2027 now: its rate for the two months added.
    assert amounts[PITEA]["belopp_per_ar"] == 240000
    assert amounts[LULEA]["belopp_per_avtalsar"] == [120000, 240000, 120000, 120000, 120000,
                                                     100000]  # fmt: skip


def test_another_amount_a_year_is_told_the_short_year_s_amount(english: None) -> None:
    andring, found = _apply({"medfinansiarer": {**KEPT, PITEA: 100000}})
    assert andring is None
    assert found == [
        (
            ("medfinansiarer", PITEA),
            "the agreement's last avtalsår 3 (2027-01-01–2027-10-31) is 10 months, and the "
            "extension goes on with it to a full year; an amount does not change inside an "
            "avtalsår, so the extension's amount of Piteå kommun is that of avtalsår 3: give "
            "Piteå kommun: 240000 under medfinansiarer",
        )
    ]


def test_the_walk_s_message_in_swedish() -> None:
    set_language("sv")
    andring, found = _apply({"medfinansiarer": {**KEPT, PITEA: 100000}})
    assert andring is None
    assert found == [
        (
            ("medfinansiarer", PITEA),
            "avtalets sista avtalsår, avtalsår 3 (2027-01-01–2027-10-31), är 10 månader "
            "långt, och förlängningen fyller ut det till ett helt år; ett belopp ändras inte "
            "mitt i ett avtalsår, så beloppet från Piteå kommun under förlängningen är "
            "detsamma som i avtalsår 3: ange Piteå kommun: 240000 under medfinansiarer",
        )
    ]
    assert not any("kalenderår" in message for _at, message in found)


def test_a_stepped_co_financier_is_told_its_short_year_s_rate(english: None) -> None:
    """Luleå kommun's 100 000 for the ten months of avtalsår 3 is 120 000 a year."""
    andring, found = _apply({"medfinansiarer": {**KEPT, LULEA: 240000}})
    assert andring is None
    assert found == [
        (
            ("medfinansiarer", LULEA),
            "the agreement's last avtalsår 3 (2027-01-01–2027-10-31) is 10 months, and the "
            "extension goes on with it to a full year; an amount does not change inside an "
            "avtalsår, so the extension's amount of Luleå kommun is that of avtalsår 3: give "
            "Luleå kommun: 120000 under medfinansiarer",
        )
    ]


def test_a_co_financier_per_calendar_year_is_told_its_calendar_years(english: None) -> None:
    andring, found = _apply({"medfinansiarer": {**KEPT, EU: 100000}})
    assert andring is None
    ((at, message),) = found
    assert at == ("medfinansiarer", EU)
    assert message.startswith(
        "the amounts of EU-projektet Exempel are given per calendar year and the agreement "
        "covers 2027 only until 2027-10-31"
    )
    assert "[{ar: 2027, belopp: …}, {ar: 2028, belopp: …}" in message


def test_after_the_short_year_is_paid_another_amount_extends_it() -> None:
    """Decided after avtalsår 3's payment (8d57cc7): the extension counts its avtalsår
    from 2027-11-01, so a new amount a year begins with the first of them."""
    andring, found = _apply(
        {"medfinansiarer": {**KEPT, PITEA: 100000}}, decided=dt.date(2027, 6, 1)
    )
    assert andring is not None and not found, found
    (pitea,) = [row for row in andring.efter.finansiarer if row.namn == PITEA]
    assert pitea.belopp_per_avtalsar == [240000, 240000, 200000, 100000, 100000, 100000]
