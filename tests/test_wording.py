"""The wording of an amended decision (meetings.wording): what changed, compared as the points
read, never by their placeholders."""

from __future__ import annotations

import datetime as dt

from avtalsgen.meetings.wording import decision_text, point_changes
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
    text = decision_text(
        "Nämnden",
        Utfall.BIFALL_MED_ANDRING,
        proposed_points=PROPOSED,
        decided_points=None,
        wording=None,
        andring=None,
        proposed=_financing(800000),
        decided=_financing(600000),
        proposal_values=VALUES,
        decided_values=VALUES,
    )
    assert text.inledning[0].replace("\xa0", " ") == (
        "Nämnden beslutar enligt förslaget med den ändringen att beloppet i punkt 1 ska vara "
        "600 000 kronor årligen, sammanlagt 1 200 000 kronor."
    )


def test_amended_points_that_read_as_proposed_are_a_bifall_as_proposed() -> None:
    same = [PROPOSED[0].replace("{belopp_arligen}", "{belopp_per_ar} årligen"), PROPOSED[1]]
    text = decision_text(
        "Nämnden",
        Utfall.BIFALL_MED_ANDRING,
        proposed_points=PROPOSED,
        decided_points=same,
        wording=None,
        andring=None,
        proposed=_financing(600000),
        decided=_financing(600000),
        proposal_values=VALUES,
        decided_values=VALUES,
    )
    assert text.inledning == ()
    assert (
        text.punkter[0]
        == "Nämnden beslutar att Föreningen beviljas 600 000 kronor årligen i basfinansiering."
    )
