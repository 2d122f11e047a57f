"""The wording of an amended decision (meetings.wording): what changed, compared as the points
read, never by their placeholders."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from conftest import REPO

from avtalsgen.meetings.extract import facts
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.meetings.wording import decision_text, financing_changes, point_changes
from avtalsgen.model import Finansiering
from avtalsgen.model.decision import Utfall

PROPOSED = [
    "Nämnden beslutar att {aktor} beviljas {belopp_arligen} i basfinansiering.",
    "Medlen anvisas från {kalla}.",
]
VALUES = {"aktor": "Föreningen", "belopp_arligen": "600 000 kronor årligen",
          "belopp_per_ar": "600 000 kronor", "kalla": "ERP"}  # fmt: skip


def _financing(amount: int) -> Finansiering:
    return Finansiering.model_validate(
        {
            "period": {"start": dt.date(2025, 1, 1), "slut": dt.date(2026, 12, 31)},
            "finansiarer": [{"namn": "Region Norrbotten", "kalla": "ERP", "belopp_per_ar": amount}],
        }
    )


def _amended(
    proposed: Finansiering, decided: Finansiering, points: list[str] | None = None, **more: Any
) -> Any:
    """The wording of a bifall med ändring of :data:`PROPOSED` by "Nämnden"."""
    return decision_text(
        "Nämnden",
        Utfall.BIFALL_MED_ANDRING,
        proposed_points=PROPOSED,
        decided_points=points,
        wording=None,
        andring=None,
        proposed=proposed,
        decided=decided,
        proposal_values=VALUES,
        decided_values=VALUES,
        **more,
    )


def test_another_placeholder_for_the_same_words_is_no_change() -> None:
    decided = [
        "Nämnden beslutar att {aktor} beviljas {belopp_per_ar} årligen i basfinansiering.",
        "Medlen anvisas från {kalla}.",
    ]
    assert point_changes(PROPOSED, decided, VALUES) == []


def test_added_words_a_new_wording_a_new_and_a_struck_point() -> None:
    decided = [PROPOSED[0].replace(".", " och uppföljning."), "Medlen tas från {kalla}.", "Ny."]
    assert point_changes(PROPOSED, decided, VALUES) == [
        "punkt 1 kompletteras med ”och uppföljning”",
        "punkt 2 ska lyda: ”Medlen tas från ERP”",
        "en ny punkt 3 läggs till: ”Ny”",
    ]
    assert point_changes(PROPOSED, PROPOSED[:1], VALUES) == ["punkt 2 stryks"]


def test_the_amount_is_told_with_the_point_that_states_it() -> None:
    text = _amended(_financing(800000), _financing(600000))
    assert text.inledning[0].replace("\xa0", " ") == (
        "Nämnden beslutar enligt förslaget med den ändringen att beloppet i punkt 1 ska vara "
        "600 000 kronor årligen, sammanlagt 1 200 000 kronor."
    )


def test_amended_points_that_read_as_proposed_are_a_bifall_as_proposed() -> None:
    same = [PROPOSED[0].replace("{belopp_arligen}", "{belopp_per_ar} årligen"), PROPOSED[1]]
    text = _amended(_financing(600000), _financing(600000), same)
    assert text.inledning == ()
    assert (
        text.punkter[0]
        == "Nämnden beslutar att Föreningen beviljas 600 000 kronor årligen i basfinansiering."
    )


def test_a_decided_way_of_paying_is_told() -> None:
    """The committee changed only how the region's share is paid (the agreement's plan
    follows it): the extract read as a bifall as proposed, saying nothing of it. A way left
    to the program's rule is the program's (here yearly)."""
    from avtalsgen.model.money import Finansieringsregler

    def paid(financing: Finansiering, **utbetalning: object) -> Finansiering:
        return Finansiering.model_validate({**financing.model_dump(), "utbetalning": utbetalning})

    quarterly = paid(_financing(600000), satt="kvartalsvis_i_forskott")
    rules = Finansieringsregler(utbetalning="arsvis_i_forskott", benamning="basfinansieringen")
    text = _amended(quarterly, _financing(600000), rules=rules)
    assert text.inledning == (
        "Nämnden beslutar enligt förslaget med den ändringen att basfinansieringen ska betalas "
        "ut årsvis i förskott efter rekvisition.",
        "Beslutet har därmed följande lydelse:",
    )
    # A program whose grant is not named: the grant.
    unnamed = Finansieringsregler(utbetalning="arsvis_i_forskott")
    assert financing_changes(quarterly, _financing(600000), PROPOSED, unnamed) == [
        "bidraget ska betalas ut årsvis i förskott efter rekvisition"
    ]
    later = paid(_financing(600000), satt="kvartalsvis_i_forskott", forsta_datum="2025-03-01")
    assert financing_changes(quarterly, later, PROPOSED, rules) == [
        "den första utbetalningen ska göras den 1 mars 2025, tillsammans med det som skulle ha "
        "betalats ut före den dagen"
    ]
    assert financing_changes(later, quarterly, PROPOSED, rules) == [
        "den första utbetalningen ska göras när perioden börjar"
    ]
    # The program's way, written out: no change; the program's rule is the one compared.
    assert financing_changes(_financing(600000), paid(_financing(600000), satt="arsvis_i_forskott"),
                             PROPOSED, rules) == []  # fmt: skip
    quarterly_rule = Finansieringsregler(utbetalning="kvartalsvis_i_forskott")
    assert financing_changes(quarterly, _financing(600000), PROPOSED, quarterly_rule) == []


def test_the_amount_is_told_only_with_the_points_that_state_the_regions_amount() -> None:
    """Points 4 (the budget years) and 5 (the co-financiers) state other amounts than the
    region's per avtalsår: the extract said "beloppet i punkterna 1, 4 och 5 ska vara
    1 000 008 kronor avtalsår 1, …", which neither of them states. Each change now names
    the points that state it."""
    from avtalsgen.meetings.wording import financing_changes

    points = [
        "Nämnden beslutar att {aktor} beviljas {belopp_arligen}, sammanlagt {totalt}.",
        "Medlen anvisas från {kalla_belopp}.",
        "Basfinansieringen gäller under perioden {start} till {slut}.",
        "Beloppet fördelas på budgetåren med {belopp_per_budgetar}.",
        "Beslutet gäller under förutsättning av medfinansiering från {medfinansiering}.",
    ]

    def financing(start: str, end: str, region: list[int], kommun: int) -> Finansiering:
        return Finansiering.model_validate(
            {
                "period": {"start": start, "slut": end},
                "finansiarer": [
                    {"namn": "Region Norrbotten", "kalla": "ERP", "belopp_per_avtalsar": region},
                    {"namn": "Luleå kommun", "slag": "kommun", "belopp_per_ar": kommun},
                ],
            }
        )

    proposed = financing("2025-07-01", "2028-06-30", [1000003, 750001, 500002], 100000)
    decided = financing("2025-09-01", "2028-02-29", [900007, 700003, 300001], 100000)
    changes = [c.replace("\xa0", " ") for c in financing_changes(proposed, decided, points)]
    assert changes == [
        "beloppet i punkt 1 ska vara 900 007 kronor avtalsår 1, 700 003 kronor avtalsår 2 och "
        "300 001 kronor avtalsår 3, sammanlagt 1 900 011 kronor",
        "perioden i punkt 3 ska vara från och med den 1 september 2025 till och med den 29 "
        "februari 2028",
        "fördelningen på budgetåren i punkt 4 ska vara 300 002 kronor för 2025, 833 339 kronor "
        "för 2026, 666 669 kronor för 2027 och 100 001 kronor för 2028",
        # Luleå kommun's total is less over the shorter period; points 2 (the source, one)
        # and 5 (the kommun's 100 000 kronor a year) read as before, so no point is named.
        # A stepped share is the whole period's sum, a yearly one says both (the whole
        # period's sum alone read as the yearly amount point 5 states).
        "finansieringen ska utgöras av sammanlagt 1 900 011 kronor från ERP och "
        "100 000 kronor årligen (sammanlagt 250 000 kronor) från Luleå kommun",
    ]


def test_a_co_financier_left_as_it_was_is_no_change_of_the_financing() -> None:
    """The committee lowers a stepped grant; the kommun's share, which point 4 states, stays.
    The extract said "… och att finansieringen i punkt 4 ska utgöras av 3 200 000 kronor
    från Region Norrbotten - ERP och 900 000 kronor från Kiruna kommun": point 4 does not
    change, and the region's amount is told already (found recording a meeting in the web
    app as a new secretary)."""
    from avtalsgen.meetings.wording import financing_changes

    points = [
        "Nämnden beslutar att {aktor} beviljas {belopp_per_avtalsar}, sammanlagt {totalt}.",
        "Medlen anvisas från {kalla}.",
        "Basfinansieringen gäller under perioden {start} till {slut}.",
        "Beslutet gäller under förutsättning av medfinansiering från {medfinansiering}.",
    ]

    def financing(region: list[int], kommun: int) -> Finansiering:
        return Finansiering.model_validate(
            {
                "period": {"start": "2027-01-01", "slut": "2029-12-31"},
                "finansiarer": [
                    {"namn": "Region Norrbotten - ERP", "kalla": "ERP",
                     "belopp_per_avtalsar": region},
                    {"namn": "Kiruna kommun", "slag": "kommun", "belopp_per_ar": kommun},
                ],
            }
        )  # fmt: skip

    proposed = financing([1500000, 1200000, 900000], 300000)
    decided = financing([1500000, 1000000, 700000], 300000)
    changes = [c.replace("\xa0", " ") for c in financing_changes(proposed, decided, points)]
    assert changes == [
        "beloppet i punkt 1 ska vara 1 500 000 kronor avtalsår 1, 1 000 000 kronor avtalsår 2 "
        "och 700 000 kronor avtalsår 3, sammanlagt 3 200 000 kronor",
    ]
    # The kommun's share changed too: point 4 reads otherwise, and is named.
    changes = financing_changes(proposed, financing([1500000, 1000000, 700000], 250000), points)
    assert changes[-1].replace("\xa0", " ") == (
        "finansieringen i punkt 4 ska utgöras av sammanlagt 3 200 000 kronor från ERP och "
        "250 000 kronor årligen (sammanlagt 750 000 kronor) från Kiruna kommun"
    )


def test_the_grant_is_named_as_the_program_file_names_it(tmp_path: Path) -> None:
    """The extract of a decision that changed how the grant is paid named it
    'basfinansieringen' whatever the program: a program file whose grant is a
    verksamhetsbidrag has its extract say so."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    assert "  benamning: basfinansieringen\n" in text
    program.write_text(
        text.replace("  benamning: basfinansieringen\n", "  benamning: verksamhetsbidraget\n"),
        encoding="utf-8",
    )
    path = cases / "sammantraden" / "exempel-run-2024-11-26.yaml"
    text = path.read_text(encoding="utf-8")
    paid = "          belopp_per_ar: 240000\n"
    assert text.count(paid) == 1
    path.write_text(
        text.replace(paid, paid + "      utbetalning: {satt: kvartalsvis_i_forskott}\n"),
        encoding="utf-8",
    )
    meeting = load_meeting(path)
    paragraf = next(p for p in meeting.sammantrade.paragrafer if p.paragraf == 187)
    lead = facts(meeting, paragraf).beslut[0].replace("\xa0", " ")
    assert "att verksamhetsbidraget ska betalas ut kvartalsvis i förskott efter rekvisition" in (
        lead
    ), lead
    assert "basfinansieringen" not in lead


def test_a_cofinanciers_condition_is_told_once() -> None:
    """A condition on a co-financier's share (its villkor) decided without a point that
    states it is told in the extract as the agreement states it; a decided point that
    states it word for word tells it itself, and a dropped condition is told too."""
    condition = "Kiruna kommun har beslutat om sin medfinansiering senast 2026-06-30"
    points = [
        "Nämnden beslutar att {aktor} beviljas {belopp_per_ar}, sammanlagt {totalt}.",
        "Beslutet gäller under förutsättning av medfinansiering från {medfinansiering}.",
    ]

    def financing(villkor: str | None) -> Finansiering:
        kommun: dict[str, Any] = {"namn": "Kiruna kommun", "slag": "kommun", "belopp_per_ar": 1}
        if villkor is not None:
            kommun["villkor"] = villkor
        return Finansiering.model_validate(
            {
                "period": {"start": "2027-01-01", "slut": "2028-12-31"},
                "finansiarer": [
                    {"namn": "Region Norrbotten", "kalla": "ERP", "belopp_per_ar": 100},
                    kommun,
                ],
            }
        )

    proposed, decided = financing(None), financing(condition)
    assert financing_changes(proposed, decided, points) == [
        f"regionens finansiering även lämnas under förutsättning att {condition}"
    ]
    stated = [*points[:1], points[1].rstrip(".") + f" och att {condition}."]
    assert financing_changes(proposed, decided, stated) == []
    assert financing_changes(decided, proposed, points) == [f"villkoret att {condition} stryks"]


def _as_proposed(namnd: str, points: list[str]) -> Any:
    """The wording of a bifall as proposed of ``points`` by ``namnd``."""
    return decision_text(
        namnd,
        Utfall.BIFALL,
        proposed_points=points,
        decided_points=None,
        wording=None,
        andring=None,
        proposed=_financing(600000),
        decided=_financing(600000),
        proposal_values=VALUES,
        decided_values=VALUES,
    )


def test_a_bifall_says_who_decided_when_its_points_do_not() -> None:
    """Points written as the schema allows ("Föreningen beviljas …") read, in an extract, as
    if nobody had decided them: the bifall then opens as domain.md words it (qa14)."""
    points = [
        "{aktor} beviljas {belopp_arligen} i basfinansiering.",
        "Medlen anvisas från {kalla}.",
    ]
    text = _as_proposed("Regionala utvecklingsnämnden", points)
    assert text.inledning == (
        "Regionala utvecklingsnämnden beslutar enligt förslaget.",
        "Beslutet har följande lydelse:",
    )
    assert text.punkter == (
        "Föreningen beviljas 600 000 kronor årligen i basfinansiering.",
        "Medlen anvisas från ERP.",
    )
    # Points that name the committee stand alone, as the seed's do.
    assert _as_proposed("Nämnden", PROPOSED).inledning == ()


def test_a_source_s_amounts_stepped_at_the_same_sum_are_a_change() -> None:
    """The committee grants ERP's 3 000 000 kronor stepped (1 200 000, 1 000 000, 800 000)
    instead of 1 000 000 a year, beside regionala utvecklingsmedel's 500 000 a year: the
    extract said only "med den ändringen att beloppet i punkt 1 ska vara …", while point 2,
    "Medlen anvisas från ERP (1 000 000 kronor årligen) och …", reads otherwise too (each
    financier was compared by its sum alone; decide21's walk of committee decisions)."""
    from avtalsgen.meetings.wording import financing_changes

    points = [
        "Nämnden beslutar att {aktor_namn} beviljas {belopp_arligen}.",
        "Medlen anvisas från {kalla_belopp}.",
        "Basfinansieringen gäller under perioden {start} till {slut}.",
    ]

    def financing(erp: dict[str, object]) -> Finansiering:
        return Finansiering.model_validate(
            {
                "period": {"start": "2024-01-01", "slut": "2026-12-31"},
                "finansiarer": [
                    {"namn": "Region Norrbotten - ERP", "kalla": "ERP", **erp},
                    {"namn": "Region Norrbotten - RUM", "kalla": "regionala utvecklingsmedel",
                     "belopp_per_ar": 500000},
                ],
            }
        )  # fmt: skip

    proposed = financing({"belopp_per_ar": 1000000})
    decided = financing({"belopp_per_avtalsar": [1200000, 1000000, 800000]})
    changes = [c.replace("\xa0", " ") for c in financing_changes(proposed, decided, points)]
    assert changes == [
        "beloppet i punkt 1 ska vara 1 700 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 "
        "och 1 300 000 kronor avtalsår 3",
        "finansieringen i punkt 2 ska utgöras av sammanlagt 3 000 000 kronor från ERP och "
        "500 000 kronor årligen (sammanlagt 1 500 000 kronor) från regionala utvecklingsmedel",
    ]
