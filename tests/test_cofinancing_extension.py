"""An extension of an agreement with a co-financier whose amounts are given per calendar
year and whose last year the agreement covers only in part (the shipped co-financed
example: its EU project gives 100 000 kronor for 2028, the agreement ending 2028-06-30). It
could not be extended at all; now the meeting file gives that co-financier's amount for
each calendar year of the extension (``medfinansiarer_per_kalenderar``), or 0 under
``medfinansiarer`` where it does not co-finance it. One amount a year is still refused,
with what to write instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import fold, signed_then_changed

from avtalsgen.documents.tillagg import change_of, change_text, decision_points
from avtalsgen.i18n import set_language
from avtalsgen.input.load import load_case
from avtalsgen.model.money import Finansiering
from avtalsgen.model.tillagg import Andring, Tillagg, apply_change
from avtalsgen.model.types import Loc

#: conftest's copy of the shipped cases without the meeting of 2026-06-16 (its tillägg).
pytestmark = pytest.mark.without_tillagg

REPO = Path(__file__).resolve().parent.parent
CASE = load_case(REPO / "cases" / "exempel-medfinansiering.yaml")
EU = "EU-projektet Exempel Smart Arktis"
OTHERS = {"Luleå kommun": 250000, "Piteå kommun": 0,
          "Smarta samhällen Norrbotten (egen insats)": 100000}  # fmt: skip
YEARS = [{"ar": 2028, "belopp": 100000}, {"ar": 2029, "belopp": 250000},
         {"ar": 2030, "belopp": 150000}, {"ar": 2031, "belopp": 50000}]  # fmt: skip
#: How the tilläggsavtal and the extract state the EU project's condition.
EU_SAID = (
    "EU-projektet Exempel Smart Arktis med 100 000 kronor för 2028 (från och med den 1 juli "
    "2028), 250 000 kronor för 2029, 150 000 kronor för 2030 och 50 000 kronor för 2031 (till "
    "och med den 30 juni 2031)"
)


def _apply(tillagg: dict[str, Any]) -> tuple[Andring | None, list[tuple[Loc, str]]]:
    return apply_change(
        CASE.arende.finansiering,
        Tillagg.model_validate({"typ": "forlangning", "ny_slutdag": "2031-06-30", **tillagg}),
        CASE.program.finansiering,
        beslutsdatum=dt.date(2027, 12, 1),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )


def test_the_co_financier_s_amounts_per_calendar_year_extend_the_agreement() -> None:
    andring, found = _apply(
        {"medfinansiarer": OTHERS, "medfinansiarer_per_kalenderar": {EU: YEARS}}
    )
    assert andring is not None and not found, found
    (eu,) = [row for row in andring.efter.finansiarer if row.namn == EU]
    # 2028: the agreement's 100 000 for its first half and the extension's 100 000.
    assert [(year.ar, year.belopp) for year in eu.belopp_per_kalenderar or ()] == [
        (2025, 100000), (2026, 250000), (2027, 150000), (2028, 200000),
        (2029, 250000), (2030, 150000), (2031, 50000),
    ]  # fmt: skip
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    assert (
        "Regionens bidrag för förlängningen lämnas under förutsättning av medfinansiering under "
        f"förlängningen från Luleå kommun med 250 000 kronor årligen, {EU_SAID} och Smarta "
        "samhällen Norrbotten (egen insats) med 100 000 kronor årligen."
    ) in texts
    # Region 6 000 000, Luleå 1 500 000, Piteå 750 000, the EU project 1 150 000, own 600 000.
    assert (
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "10 000 000 kronor i stället för 5 400 000 kronor."
    ) in texts
    points = [fold(p) for p in decision_points("RUN", "X", andring, 1, CASE.program)]
    assert any(EU_SAID in point for point in points), points


def test_a_co_financier_per_calendar_year_that_does_not_go_on_is_given_0() -> None:
    andring, found = _apply({"medfinansiarer": {**OTHERS, EU: 0}})
    assert andring is not None and not found, found
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    assert (
        "Piteå kommun och EU-projektet Exempel Smart Arktis medfinansierar inte förlängningen; "
        "deras bidrag enligt avtalet avser tiden till och med den 30 juni 2028."
    ) in texts
    assert "uppgår därmed till 9 450 000 kronor i stället för 5 400 000 kronor." in texts[-2]


def test_a_co_financier_whose_yearly_amounts_are_all_0_is_said_not_to_go_on() -> None:
    """The EU project's agreed amount for 2028 is 0 (its 100 000 moved to 2025), so 0 for
    each year of the extension keeps its rate: the tilläggsavtal says once that it does not
    co-finance the extension, not also "med 0 kronor för 2028 …" among the conditions."""
    data = CASE.arende.finansiering.model_dump(exclude_none=True, mode="json")
    (eu,) = [row for row in data["finansiarer"] if row["namn"] == EU]
    eu["belopp_per_kalenderar"][0]["belopp"] = 200000
    eu["belopp_per_kalenderar"][3]["belopp"] = 0
    zeros = [{"ar": year["ar"], "belopp": 0} for year in YEARS]
    andring, found = apply_change(
        Finansiering.model_validate(data),
        Tillagg.model_validate({"typ": "forlangning", "ny_slutdag": "2031-06-30",
                                "medfinansiarer": OTHERS,
                                "medfinansiarer_per_kalenderar": {EU: zeros}}),
        CASE.program.finansiering,
        beslutsdatum=dt.date(2027, 12, 1),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )  # fmt: skip
    assert andring is not None and not found, found
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    assert not any("med 0 kronor för 2028" in text for text in texts), texts
    assert (
        "Regionens bidrag för förlängningen lämnas under förutsättning av medfinansiering under "
        "förlängningen från Luleå kommun med 250 000 kronor årligen och Smarta samhällen "
        "Norrbotten (egen insats) med 100 000 kronor årligen."
    ) in texts
    assert (
        "Piteå kommun och EU-projektet Exempel Smart Arktis medfinansierar inte förlängningen; "
        "deras bidrag enligt avtalet avser tiden till och med den 30 juni 2028."
    ) in texts


def test_one_amount_a_year_is_refused_with_what_to_write(english: None) -> None:
    andring, found = _apply({"medfinansiarer": {**OTHERS, EU: 150000}})
    assert andring is None
    assert found == [
        (
            ("medfinansiarer", EU),
            "the amounts of EU-projektet Exempel Smart Arktis are given per calendar year and "
            "the agreement covers 2028 only until 2028-06-30: one amount a year does not say "
            "what it gives for the rest of 2028; give its amount for each calendar year of the "
            "extension under medfinansiarer_per_kalenderar instead, e.g. "
            "medfinansiarer_per_kalenderar: {EU-projektet Exempel Smart Arktis: [{ar: 2028, "
            "belopp: …}, {ar: 2029, belopp: …}, {ar: 2030, belopp: …}, {ar: 2031, belopp: …}]}, "
            "the first for 2028-07-01–2028-12-31, the months of 2028 that the extension adds",
        )
    ]


def test_amounts_per_calendar_year_that_do_not_fit_are_refused() -> None:
    set_language("sv")
    _andring, found = _apply(
        {"medfinansiarer": OTHERS, "medfinansiarer_per_kalenderar": {EU: YEARS[1:]}}
    )
    assert found == [
        (
            ("medfinansiarer_per_kalenderar", EU),
            "förlängningen (2028-07-01–2031-06-30) omfattar kalenderåren 2028, 2029, 2030, "
            "2031: ange ett belopp för vart och ett, i ordning (det första för dess månader från "
            "och med 2028-07-01), fick 2029, 2030, 2031",
        )
    ]
    _andring, found = _apply(
        {"medfinansiarer": {**OTHERS, EU: 0},
         "medfinansiarer_per_kalenderar": {"Luleå kommun": YEARS}}
    )  # fmt: skip
    assert found == [
        (
            ("medfinansiarer_per_kalenderar", "Luleå kommun"),
            "Luleå kommun är inte en medfinansiär i avtalet vars belopp anges per kalenderår; "
            "sådana är: EU-projektet Exempel Smart Arktis (de övrigas belopp om året anges under "
            "medfinansiarer)",
        )
    ]


def test_a_first_year_amount_that_would_change_the_agreed_months_is_refused(
    english: None,
) -> None:
    """The agreement's 100 000 for 2028 is for January-June (16 667 a month); 20 000 for the
    extension's July-December would spread 120 000 over all of 2028 (10 000 a month),
    changing the months already agreed: refused, naming the amount that keeps them."""
    years = [{"ar": 2028, "belopp": 20000}, *YEARS[1:]]
    andring, found = _apply(
        {"medfinansiarer": OTHERS, "medfinansiarer_per_kalenderar": {EU: years}}
    )
    assert andring is None
    assert found == [
        (
            ("medfinansiarer_per_kalenderar", EU),
            "the agreement gives EU-projektet Exempel Smart Arktis 100,000 kronor for its 6 "
            "months of 2028 (until 2028-06-30); one amount a calendar year is spread evenly "
            "over its months, so the extension's amount for its 6 months of 2028 must keep "
            "that rate, or the months already agreed would change: give 100000 for 2028",
        )
    ]


#: A meeting file's head deciding § 190 on the shipped co-financed example (RUN-90003-2025),
#: its decision's keys to follow.
MEETING = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2026-11-10
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare: [Johan Exempelsson]
justeringsdatum: 2026-11-17
anslagsdatum: 2026-11-18
arenden: ..
paragrafer:
  - paragraf: 190
    dnr: RUN-90003-2025
"""

LATER = (
    MEETING
    + """\
    tillagg:
      typ: forlangning
      ny_slutdag: 2031-06-30
      medfinansiarer:
        Luleå kommun: 250000
        Piteå kommun: 0
        Smarta samhällen Norrbotten (egen insats): 100000
      medfinansiarer_per_kalenderar:
        EU-projektet Exempel Smart Arktis:
          - {ar: 2028, belopp: 100000}
          - {ar: 2029, belopp: 250000}
          - {ar: 2030, belopp: 150000}
          - {ar: 2031, belopp: 50000}
"""
)


def test_the_shipped_co_financed_example_is_extended_end_to_end(
    cases: Path, session_converter: Path
) -> None:
    """The co-financed example granted and signed, then extended at a meeting whose file
    gives the EU project's amounts per calendar year: the tilläggsavtal and the extract
    (read from their PDFs) state them, and the fact check lets them through."""
    from pdftext import pdftotext

    folder = signed_then_changed(
        cases,
        "exempel-medfinansiering.yaml",
        "RUN-90003-2025",
        "exempel-run-2025-06-10.yaml",
        LATER,
        dt.date(2026, 11, 18),
        session_converter,
    )
    text = fold(pdftotext(folder / "tillaggsavtal-v2.pdf"))
    assert EU_SAID in text
    assert "Avtalstiden förlängs till och med den 30 juni 2031." in text
    assert "uppgår därmed till 10 000 000 kronor i stället för 5 400 000 kronor." in text
    extract = fold(pdftotext(folder / "protokollsutdrag-190.pdf"))
    assert EU_SAID in extract
    assert "uppgår därmed till 10 000 000 kronor." in extract
