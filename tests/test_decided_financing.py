"""Co-financing and stepped amounts decided at a meeting (a paragraph's ``finansiering``
changing the financiers' amounts), end to end through LibreOffice: the samarbetsavtal and
its payment plan state the decided figures, the beslutsförslag the proposed ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, fold
from pdftext import pdftotext
from test_decided_conditions import CONDITION, POINTS
from typer.testing import CliRunner

from avtalsgen.cli.app import app

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]

#: RUN-90003-2025 (co-financed) granted with the region's 900 000 kronor a year instead of
#: 1 000 000 and Luleå kommun's 300 000 instead of 250 000, and point 4 completed by a
#: condition on Luleå kommun's share, given as its villkor so that the agreement states it.
LULEA_VILLKOR, AMENDED_POINTS = CONDITION, POINTS  # the same § 88 as test_decided_conditions
CO_FINANCED = (
    AMENDED_POINTS
    + f"""\
    finansiering:
      period: {{start: 2025-07-01, slut: 2028-06-30}}
      finansiarer:
        - {{namn: Region Norrbotten - ERP, kalla: ERP, belopp_per_ar: 900000}}
        - namn: Luleå kommun
          slag: kommun
          belopp_per_ar: 300000
          villkor: {LULEA_VILLKOR}
        - {{namn: Piteå kommun, slag: kommun, belopp_per_ar: 250000}}
        - namn: EU-projektet Exempel Smart Arktis
          slag: eu_projekt
          belopp_per_kalenderar:
            - {{ar: 2025, belopp: 100000}}
            - {{ar: 2026, belopp: 250000}}
            - {{ar: 2027, belopp: 150000}}
            - {{ar: 2028, belopp: 100000}}
        - namn: Smarta samhällen Norrbotten (egen insats)
          slag: egen_insats
          belopp_per_ar: 100000
"""
)
#: RUN-90004-2024 (stepped, paid quarterly) granted with 1 800 000, 1 500 000 and 500 000
#: kronor for its avtalsår instead of 2 000 000, 1 500 000 and 400 000.
STEPPED = """\
    finansiering:
      period: {start: 2024-08-01, slut: 2026-12-31}
      finansiarer:
        - namn: Region Norrbotten - ERP
          kalla: ERP
          belopp_per_avtalsar: [1800000, 1500000, 500000]
      utbetalning: {satt: kvartalsvis_i_forskott}
"""


def _decide(meeting: Path, dnr: str, financing: str) -> None:
    text = meeting.read_text(encoding="utf-8")
    decided = f"    dnr: {dnr}\n    beslut: enligt förslaget\n"
    assert decided in text
    meeting.write_text(text.replace(decided, f"    dnr: {dnr}\n{financing}"), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("decided")
    shutil.copytree(REPO / "cases", root / "cases")
    meetings = root / "cases" / "sammantraden"
    _decide(meetings / "exempel-run-2025-06-10.yaml", "RUN-90003-2025", CO_FINANCED)
    _decide(meetings / "exempel-run-2024-06-18.yaml", "RUN-90004-2024", STEPPED)
    output = root / "output"
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(root / "cases" / "exempel-medfinansiering.yaml"),
            str(root / "cases" / "exempel-trappsteg.yaml"),
            "--output",
            str(output),
            "--templates",
            str(REPO / "templates"),
        ],
    )
    assert result.exit_code == 0, result.output
    return output


def text(built: Path, dnr: str, document: str) -> str:
    return fold(pdftotext(built / dnr / f"{document}.pdf"))


def test_co_financing_decided_at_the_meeting(built: Path) -> None:
    proposal = text(built, "RUN-90003-2025", "beslutsforslag")
    agreement = text(built, "RUN-90003-2025", "samarbetsavtal")
    # The beslutsförslag keeps the proposal: 1 000 000 a year, Luleå 250 000 (750 000 in all).
    assert "1 000 000 kronor årligen" in proposal
    assert "Luleå kommun 750 000" in proposal
    assert "900 000 kronor" not in proposal and "300 000 kronor" not in proposal
    # The agreement and its payment plan follow the decision.
    assert "Luleå kommun med 300 000 kronor årligen" in agreement
    assert "900 000 kronor årligen" in agreement
    assert "2 700 000 kr" in agreement  # the region's total over three years
    assert "1 000 000 kr" not in agreement and "250 000 kronor årligen och Piteå" not in agreement
    assert "Avtalsår 1 2025-07-01–2026-06-30 900 000 kr" in agreement


def test_a_cofinanciers_condition_decided_at_the_meeting(built: Path) -> None:
    """Point 4 completed at the meeting with a condition on Luleå kommun's share: the
    agreement states it in its clause on co-financing, the beslutsförslag does not."""
    proposal = text(built, "RUN-90003-2025", "beslutsforslag")
    agreement = text(built, "RUN-90003-2025", "samarbetsavtal")
    condition = f"Regionens finansiering lämnas även under förutsättning att {LULEA_VILLKOR}."
    assert condition in agreement
    clause = agreement[agreement.index("Medfinansiering Regionens finansiering") :]
    assert clause.index(condition) < clause.index("Aktörens åtaganden")
    assert "senast 2026-06-30" not in proposal


def test_stepped_amounts_decided_at_the_meeting(built: Path) -> None:
    proposal = text(built, "RUN-90004-2024", "beslutsforslag")
    agreement = text(built, "RUN-90004-2024", "samarbetsavtal")
    assert "2 000 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och 400 000 kronor" in (
        proposal
    )
    assert "1 800 000" not in proposal
    assert "1 800 000 kronor avtalsår 1, 1 500 000 kronor avtalsår 2 och 500 000 kronor" in (
        agreement
    )
    assert "2 000 000" not in agreement and "400 000 kronor avtalsår" not in agreement
    # Paid quarterly: the first payment is August and September of 1 800 000 a year.
    assert "1 2024-08-01–2024-09-30 2024-08-01 300 000 kr" in agreement
    assert "3 800 000 kr" in agreement  # the region's total
