"""A later decision with an amount per avtalsår (qa18's walk): the stepped example
(2 000 000 / 1 500 000 / 400 000 kronor, its last avtalsår five months) cut for avtalsår 2
only, and extended with amounts of its own; a tillägg took one amount for every later
year, which raised avtalsår 3 ("500 000 kronor i stället för 400 000")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import apply_tillagg, fold, signed_then_changed

from avtalsgen.documents.tillagg import change_of, change_text, decision_points
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.model.tillagg import Tillagg

#: conftest's copy of the shipped cases without the meeting of 2026-06-16 (its tillägg).
pytestmark = pytest.mark.without_tillagg

REPO = Path(__file__).resolve().parent.parent
CASE = load_case(REPO / "cases" / "exempel-trappsteg.yaml")


def test_a_new_amount_per_avtalsar_changes_only_the_years_it_names() -> None:
    andring, found = apply_tillagg(
        CASE,
        {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_avtalsar": [1200000, 400000]},
        "2025-06-03",
    )
    assert andring is not None and not found, found
    (row,) = andring.efter.finansiarer
    assert row.belopp_per_avtalsar == [2000000, 1200000, 400000]  # avtalsår 3 as it was
    change = change_of(andring, CASE.program)
    texts = [fold(line) for line in change_text(change)]
    # An avtalsår's dates in the sentence as running text writes them, not ISO in brackets.
    assert texts[0] == (
        "Från och med den 1 augusti 2025 är Regionens bidrag 1 200 000 kronor för avtalsår 2 "
        "(1 augusti 2025–31 juli 2026) i stället för 1 500 000 kronor och 400 000 kronor för "
        "avtalsår 3 (1 augusti 2026–31 december 2026), oförändrat."
    )
    assert "sammanlagt 3 600 000 kronor i stället för 3 900 000 kronor" in texts[1]
    points = [fold(p) for p in decision_points("RUN", "X", andring, 1, CASE.program)]
    assert points[0].endswith(
        "ska vara 1 200 000 kronor för avtalsår 2 (1 augusti 2025–31 juli 2026) i stället för "
        "1 500 000 kronor och 400 000 kronor för avtalsår 3 (1 augusti 2026–31 december 2026), "
        "oförändrat."
    )


def test_an_extension_of_a_short_last_avtalsar_takes_another_amount() -> None:
    """It could only take avtalsår 3's own rate (960 000 kronor a year): now the lengthened
    avtalsår 3 and each later one get an amount of their own."""
    andring, found = apply_tillagg(
        CASE,
        {"typ": "forlangning", "ny_slutdag": "2029-12-31",
         "belopp_per_avtalsar": [1000000, 1000000, 1000000, 400000]},
        "2026-06-02",
    )  # fmt: skip
    assert andring is not None and not found, found
    (row,) = andring.efter.finansiarer
    assert row.belopp_per_avtalsar == [2000000, 1500000, 1000000, 1000000, 1000000, 400000]
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    # The amount runs from avtalsår 3's first day, which the extension lengthens: it said
    # "för förlängningen, från och med den 1 januari 2027", then named avtalsår 3 from
    # 2026-08-01.
    # The text says which avtalsår the extension makes and from when (the table showed it).
    assert texts[0].endswith(LENGTHENED)
    assert texts[1].startswith(
        "Regionens bidrag från och med den "
        "1 augusti 2026 till och med den 31 december 2029 är 1 000 000 kronor för avtalsår 3 "
        "(1 augusti 2026–31 juli 2027) i stället för 400 000 kronor för 1 augusti 2026–31 "
        "december 2026, 1 000 000 kronor för avtalsår 4"
    )
    assert "för förlängningen, från och med den 1 januari 2027" not in " ".join(texts)
    assert texts[2].endswith("sammanlagt 6 900 000 kronor i stället för 3 900 000 kronor.")
    points = [fold(p) for p in decision_points("RUN", "X", andring, 1, CASE.program)]
    assert points[1].startswith(
        "Avtalsår 3 förlängs till och med den 31 juli 2027. Region Norrbottens bidrag från och "
        "med den 1 augusti 2026 till och med den 31 december 2029 är 1 000 000 kronor för "
        "avtalsår 3"
    )


#: What the tilläggsavtal says of the avtalsår of the stepped example's extension to
#: 2029-12-31: its last avtalsår, five months, goes on to a full year, and three follow.
LENGTHENED = (
    "i stället för till och med den 31 december 2026. Avtalsår 3 (1 augusti 2026–31 december "
    "2026) förlängs till och med den 31 juli 2027, och förlängningen omfattar därefter avtalsår "
    "4 (1 augusti 2027–31 juli 2028), avtalsår 5 (1 augusti 2028–31 juli 2029) och avtalsår 6 "
    "(1 augusti 2029–31 december 2029)."
)


def test_an_extension_at_the_same_rate_says_from_when_its_avtalsar_run() -> None:
    """At avtalsår 3's own rate (960 000 kronor a year) the amount is the extension's, from
    2027-01-01, but the avtalsår still run from 1 August: avtalsår 3 to 2027-07-31, and the
    text said only the new last day (the table alone showed the avtalsår)."""
    andring, found = apply_tillagg(
        CASE, {"typ": "forlangning", "ny_slutdag": "2029-12-31", "belopp_per_ar": 960000},
        "2026-06-02",
    )  # fmt: skip
    assert andring is not None and not found, found
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    assert texts[0].endswith(LENGTHENED)
    assert texts[1] == (
        "Regionens bidrag för förlängningen, från och med den 1 januari 2027 till och med den "
        "31 december 2029, är 960 000 kronor årligen och anvisas från ERP."
    )


def test_amounts_per_avtalsar_that_do_not_fit_say_which_years_there_are(english: None) -> None:
    andring, found = apply_tillagg(
        CASE,
        {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_avtalsar": [1200000]},
        "2025-06-03",
    )
    assert andring is None
    assert found == [
        (
            ("belopp_per_avtalsar",),
            "from 2025-08-01 the agreement has 2 avtalsår (2: 2025-08-01–2026-07-31, 3: "
            "2026-08-01–2026-12-31), but 1 amounts are given: give one amount per avtalsår",
        )
    ]
    andring, found = apply_tillagg(
        CASE,
        {"typ": "nytt_belopp", "fran": "2025-09-01", "belopp_per_avtalsar": [1200000, 400000]},
        "2025-06-03",
    )
    assert andring is None
    assert found[0][0] == ("fran",)
    assert "none begins on 2025-09-01; they begin on 2025-08-01, 2026-08-01" in found[0][1]


LATER = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2025-06-03
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2025-06-10
anslagsdatum: 2025-06-11
arenden: ..
paragrafer:
  - paragraf: 77
    dnr: RUN-90004-2024
    tillagg: {typ: nytt_belopp, fran: 2025-08-01, belopp_per_avtalsar: [1200000, 400000]}
"""


def test_both_ways_of_an_amount_are_refused(cases: Path, english: None) -> None:
    path = cases / "sammantraden" / "later.yaml"
    path.write_text(
        LATER.replace("belopp_per_avtalsar:", "belopp_per_ar: 1200000, belopp_per_avtalsar:"),
        encoding="utf-8",
    )
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    assert [line.split(": ", 1)[1] for line in caught.value.problems] == [
        "paragrafer[0].tillagg.belopp_per_avtalsar: give the amount one way only: "
        "belopp_per_ar (the same every avtalsår) or belopp_per_avtalsar (one per avtalsår), "
        "not both"
    ]


def test_the_tillaggsavtal_states_each_avtalsar_s_amount(
    cases: Path, session_converter: Path
) -> None:
    """End to end: the stepped example granted and signed, avtalsår 2 cut to 1 200 000
    kronor from 2025-08-01: the tilläggsavtal and the extract (read from their PDFs) keep
    avtalsår 3 at 400 000 kronor, and the fact check lets them through."""
    from pdftext import pdftotext

    folder = signed_then_changed(
        cases,
        "exempel-trappsteg.yaml",
        "RUN-90004-2024",
        "exempel-run-2024-06-18.yaml",
        LATER,
        dt.date(2025, 6, 11),
        session_converter,
    )
    text = fold(pdftotext(folder / "tillaggsavtal-v2.pdf")).replace("– ", "–")
    assert (
        "Från och med den 1 augusti 2025 är Regionens bidrag 1 200 000 kronor för avtalsår 2 "
        "(1 augusti 2025–31 juli 2026) i stället för 1 500 000 kronor och 400 000 kronor för "
        "avtalsår 3 (1 augusti 2026–31 december 2026), oförändrat." in text
    )
    assert "500 000 kronor i stället för 400 000" not in text
    extract = fold(pdftotext(folder / "protokollsutdrag-77.pdf")).replace("– ", "–")
    assert "ska vara 1 200 000 kronor för avtalsår 2 (1 augusti 2025–31 juli 2026)" in extract


def test_a_proposed_change_per_avtalsar_not_granted_names_its_amounts() -> None:
    from avtalsgen.documents.tillagg import not_granted_text
    from avtalsgen.model.decision import Utfall

    tillagg = Tillagg.model_validate(
        {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_avtalsar": [1200000, 400000]}
    )
    said = not_granted_text(
        "RUN", "X", tillagg, Utfall.AVSLAG, "Region Norrbotten", ("Region Norrbotten - ERP",)
    )
    assert fold(said) == (
        "RUN avslår förslaget att Region Norrbottens bidrag till X från och med den 1 augusti "
        "2025 ska "
        "vara 1 200 000 kronor och 400 000 kronor (ett belopp per avtalsår)."
    )
