"""A later decision on a co-financed agreement (qa18's walk): a co-financier leaves from
a date, the region's share changes with it, the agreement is extended with each
co-financier's share for the extension; every sum the tilläggsavtal and the extract state
is the financing's after the change, and the refusals say what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import apply_tillagg, fold

from avtalsgen.documents.tillagg import change_of, change_text, decision_points
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.model.money import Finansiering
from avtalsgen.model.types import Loc

#: conftest's copy of the shipped cases without the meeting of 2026-06-16 (its tillägg).
pytestmark = pytest.mark.without_tillagg

REPO = Path(__file__).resolve().parent.parent
CASE = load_case(REPO / "cases" / "exempel-medfinansiering.yaml")
#: The example without its EU project, whose amounts per calendar year end inside 2028.
WITHOUT_EU = CASE.arende.finansiering.model_copy(
    update={
        "finansiarer": [
            row for row in CASE.arende.finansiering.finansiarer if not row.namn.startswith("EU")
        ]
    }
)


def _changed(
    tillagg: dict[str, Any], decided: str, money: Finansiering | None = None
) -> tuple[list[str], list[str]]:
    andring, found = apply_tillagg(CASE, tillagg, decided, money)
    assert andring is not None and not found, found
    change = change_of(andring, CASE.program)
    return (
        [fold(line) for line in change_text(change)],
        [fold(line) for line in decision_points("RUN", "X", andring, 1, CASE.program)],
    )


def _refused(
    tillagg: dict[str, Any], decided: str, money: Finansiering | None = None
) -> list[tuple[Loc, str]]:
    andring, found = apply_tillagg(CASE, tillagg, decided, money)
    assert andring is None
    return found


def test_a_co_financier_leaving_from_a_date_is_recorded_and_every_sum_is_true() -> None:
    """``finansiar: Luleå kommun`` was refused ("the region's share has no financier …");
    cutting the region's share instead left the tilläggsavtal counting Luleå's share in
    the whole. Luleå's 250 000 kronor a year stops from 2026-07-01: 250 000 of its 750 000
    remain, the whole is 4 900 000 kronor, the region's is unchanged."""
    texts, points = _changed(
        {"typ": "nytt_belopp", "fran": "2026-07-01", "belopp_per_ar": 0,
         "finansiar": "Luleå kommun"},
        "2025-12-01",
    )  # fmt: skip
    assert texts == [
        "Från och med den 1 juli 2026 upphör Luleå kommuns medfinansiering.",
        "Regionens bidrag är oförändrat: för hela avtalstiden, från och med den 1 juli 2025 "
        "till och med den 30 juni 2028, sammanlagt 3 000 000 kronor från ERP.",
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "4 900 000 kronor i stället för 5 400 000 kronor.",
    ]
    assert points[0] == (
        "RUN beslutar att samarbetsavtalet med X ändras från och med den 1 juli 2026 så att "
        "Luleå "
        "kommuns medfinansiering upphör."
    )
    assert "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till " \
        "4 900 000 kronor." in points  # fmt: skip
    # The region covers the gap: both in one decision, the whole as before.
    texts, points = _changed(
        {"typ": "nytt_belopp", "fran": "2026-07-01", "belopp_per_ar": 1250000,
         "medfinansiarer": {"Luleå kommun": 0}},
        "2025-12-01",
    )  # fmt: skip
    assert texts[:2] == [
        "Från och med den 1 juli 2026 är Regionens bidrag 1 250 000 kronor årligen i stället "
        "för 1 000 000 kronor årligen.",
        "Från och med den 1 juli 2026 upphör Luleå kommuns medfinansiering.",
    ]
    assert "sammanlagt 3 500 000 kronor i stället för 3 000 000 kronor" in texts[2]
    assert not any("Den samlade finansieringen" in line for line in texts)  # 5 400 000 still
    # A co-financier's share lowered, not ended.
    texts, _points = _changed(
        {"typ": "nytt_belopp", "fran": "2026-07-01", "medfinansiarer": {"Piteå kommun": 100000}},
        "2025-12-01",
    )
    assert texts[0] == (
        "Från och med den 1 juli 2026 är Piteå kommuns medfinansiering 100 000 kronor årligen "
        "i stället för 250 000 kronor årligen."
    )
    assert texts[2].endswith("uppgår därmed till 5 100 000 kronor i stället för 5 400 000 kronor.")


def test_a_co_financed_agreement_is_extended_with_each_co_financiers_share(
    english: None,
) -> None:
    """An extension of a co-financed agreement was refused ("make a new case"), while
    domain.md has later decisions on the same Dnr: the co-financiers' shares for the
    extension are conditions, given under medfinansiarer."""
    found = _refused({"typ": "forlangning", "ny_slutdag": "2031-06-30"}, "2027-12-01", WITHOUT_EU)
    assert found == [
        (
            ("medfinansiarer",),
            "the agreement has co-financiers (Luleå kommun, Piteå kommun, Smarta samhällen "
            "Norrbotten (egen insats)), whose shares for an extension are conditions of the "
            "agreement, not the region's to decide: give each one's amount a year for the "
            "extension under medfinansiarer, e.g. medfinansiarer: {Luleå kommun: 250000, "
            "Piteå kommun: 250000, Smarta samhällen Norrbotten (egen insats): 100000} (0 for "
            "one that does not co-finance the extension)",
        )
    ]
    texts, points = _changed(
        {"typ": "forlangning", "ny_slutdag": "2031-06-30",
         "medfinansiarer": {"Luleå kommun": 250000, "Piteå kommun": 0,
                            "Smarta samhällen Norrbotten (egen insats)": 100000}},
        "2027-12-01",
        WITHOUT_EU,
    )  # fmt: skip
    assert texts[2:] == [
        "Regionens bidrag för förlängningen lämnas under förutsättning av medfinansiering "
        "under förlängningen från Luleå kommun med 250 000 kronor årligen och Smarta samhällen "
        "Norrbotten (egen insats) med 100 000 kronor årligen.",
        "Piteå kommun medfinansierar inte förlängningen; dess bidrag enligt avtalet avser "
        "tiden till och med den 30 juni 2028.",
        "Regionens bidrag för hela avtalstiden, från och med den 1 juli 2025 till och med den "
        "30 juni 2031, uppgår därmed till sammanlagt 6 000 000 kronor i stället för "
        "3 000 000 kronor.",
        # 6 000 000 + Luleå 1 500 000 + Piteå 750 000 + own 600 000.
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "8 850 000 kronor i stället för 4 800 000 kronor.",
        "Regionens bidrag för förlängningen fördelas på budgetåren med 500 000 kronor för "
        "2028, 1 000 000 kronor för 2029, 1 000 000 kronor för 2030 och 500 000 kronor för 2031.",
    ]
    assert points[2] == (
        "Bidraget för förlängningen lämnas under förutsättning av medfinansiering under "
        "förlängningen från Luleå kommun med 250 000 kronor årligen och Smarta samhällen "
        "Norrbotten (egen insats) med 100 000 kronor årligen."
    )
    # The shipped example's EU project gives amounts per calendar year and ends inside 2028:
    # one amount a year for it is refused at its name, saying what to write (its amounts
    # per calendar year, or 0: test_cofinancing_extension), not as "make a new case".
    found = _refused(
        {"typ": "forlangning", "ny_slutdag": "2031-06-30",
         "medfinansiarer": {"Luleå kommun": 250000, "Piteå kommun": 0,
                            "EU-projektet Exempel Smart Arktis": 150000,
                            "Smarta samhällen Norrbotten (egen insats)": 100000}},
        "2027-12-01",
    )  # fmt: skip
    assert [loc for loc, _message in found] == [
        ("medfinansiarer", "EU-projektet Exempel Smart Arktis")
    ]


HEAD = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2025-12-02
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2025-12-09
anslagsdatum: 2025-12-10
arenden: ..
paragrafer:
  - paragraf: 140
    dnr: RUN-90003-2025
"""


def test_the_meeting_file_names_a_co_financier_or_says_who_there_is(
    cases: Path, english: None
) -> None:
    path = cases / "sammantraden" / "later.yaml"
    path.write_text(
        HEAD + "    tillagg: {typ: nytt_belopp, fran: 2026-07-01, belopp_per_ar: 0, "
        "finansiar: Luleå kommun}\n",
        encoding="utf-8",
    )
    (change,) = load_meeting(path).histories["RUN-90003-2025"].changes
    assert change.andring.efter.finansiarer[1].belopp_per_avtalsar == [250000, 0, 0]
    path.write_text(
        HEAD + "    tillagg: {typ: nytt_belopp, fran: 2026-07-01, medfinansiarer: "
        "{Luleå: 0, Region Norrbotten - ERP: 900000}}\n",
        encoding="utf-8",
    )
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    found = [line.split(": ", 1)[1] for line in caught.value.problems]
    assert found == [
        "paragrafer[0].tillagg.medfinansiarer.Luleå: the agreement has no co-financier "
        "'Luleå'; it has Luleå kommun, Piteå kommun, EU-projektet Exempel Smart Arktis, "
        "Smarta samhällen Norrbotten (egen insats)",
        "paragrafer[0].tillagg.medfinansiarer.Region Norrbotten - ERP: Region Norrbotten - "
        "ERP is the region's share, which the committee decides: give its amount in "
        "belopp_per_ar (with finansiar: Region Norrbotten - ERP)",
    ]


def test_the_tillaggsavtal_of_a_co_financier_leaving_states_the_sums_after_it(
    cases: Path, session_converter: Path
) -> None:
    """End to end: the co-financed example granted, its agreement signed by both parties,
    Luleå kommun leaving from 2026-07-01 decided later; the tilläggsavtal (read from its PDF)
    and the decision's extract state the whole after the change, and the fact check lets
    them through."""
    from pdftext import pdftotext
    from typer.testing import CliRunner
    from warm_converter import converter_in

    from avtalsgen.cli.app import app
    from avtalsgen.meetings.extract import build_extracts

    def cli(*argv: str) -> None:
        result = CliRunner().invoke(app, list(argv))
        assert result.exit_code == 0, result.output

    output = cases.parent / "output"
    later = cases / "sammantraden" / "later.yaml"
    later.write_text(
        HEAD + "    tillagg: {typ: nytt_belopp, fran: 2026-07-01, medfinansiarer: "
        "{Luleå kommun: 0}}\n",
        encoding="utf-8",
    )
    case = str(cases / "exempel-medfinansiering.yaml")
    templates = str(REPO / "templates")
    with converter_in(session_converter) as converter:
        for meeting in (cases / "sammantraden" / "exempel-run-2025-06-10.yaml", later):
            build_extracts(meeting, output, REPO / "templates", converter,
                           today=dt.date(2025, 12, 10))  # fmt: skip
        cli("build", case, "--output", str(output), "--templates", templates)
        folder = output / "RUN-90003-2025"
        for field in ("region", "aktor"):
            cli("sign", str(folder / "paket.pdf"), "--field", field, "--ofullstandig")
        cli("build", case, "--output", str(output), "--templates", templates)
    text = fold(pdftotext(folder / "tillaggsavtal-v2.pdf"))
    assert "Från och med den 1 juli 2026 upphör Luleå kommuns medfinansiering." in text
    assert (
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "4 900 000 kronor i stället för 5 400 000 kronor." in text
    )
    extract = fold(pdftotext(folder / "protokollsutdrag-140.pdf"))
    assert (
        "ändras från och med den 1 juli 2026 så att Luleå kommuns medfinansiering upphör."
        in extract
    )
    assert "uppgår därmed till 4 900 000 kronor." in extract


def test_a_rejected_co_financier_change_is_not_called_the_regions_bidrag(cases: Path) -> None:
    """A co-financier leaving (``finansiar: Luleå kommun``, 0) rejected was worded "avslår
    förslaget att Region Norrbottens bidrag … ska vara 0 kronor årligen från Luleå kommun":
    the region's bidrag was never proposed to change. Now as the shares are worded."""
    from avtalsgen.meetings.extract import facts

    path = cases / "sammantraden" / "later.yaml"
    for amount, said in (
        (0, "så att Luleå kommuns medfinansiering upphör."),
        (100000, "så att Luleå kommuns medfinansiering är 100 000 kronor årligen."),
    ):
        path.write_text(
            HEAD + "    utfall: avslag\n    motivering: Kommunen står kvar\n"
            f"    tillagg: {{typ: nytt_belopp, fran: 2026-07-01, belopp_per_ar: {amount}, "
            "finansiar: Luleå kommun}\n",
            encoding="utf-8",
        )
        meeting = load_meeting(path)
        (paragraf,) = meeting.sammantrade.paragrafer
        (text,) = facts(meeting, paragraf).beslut
        assert fold(text) == (
            "Regionala utvecklingsnämnden avslår förslaget att samarbetsavtalet med "
            f"{CASE.arende.aktor.namn} ska ändras från och med den 1 juli 2026 {said}"
        )
        assert "bidrag" not in text
