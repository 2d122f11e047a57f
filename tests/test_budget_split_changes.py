"""The region budgets per calendar year (domain.md): a later decision over broken years
shows what falls on each budget year in its extract, and now in the tilläggsavtal too. An
extension that lengthens a short last avtalsår with another amount changes that avtalsår's
months before the extension: the split starts there, not at the extension (the stepped
example's avtalsår 3, 2026-08-01–2026-12-31 at 400 000 kronor, made 2026-08-01–2027-07-31 at
1 000 000: 2026 gets 416 666 kronor, not the 400 000 the split left out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import fold, signed_then_changed

from avtalsgen.documents.tillagg import change_of, change_text, decision_points
from avtalsgen.input.load import load_case
from avtalsgen.model.tillagg import Tillagg, apply_change

#: conftest's copy of the shipped cases without the meeting of 2026-06-16 (its tillägg).
pytestmark = pytest.mark.without_tillagg

REPO = Path(__file__).resolve().parent.parent
CASE = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
SPLIT = (
    "från och med den 1 augusti 2026 fördelas på budgetåren med 416 666 kronor för 2026, "
    "1 000 000 kronor för 2027, 1 000 000 kronor för 2028 och 983 334 kronor för 2029."
)


def test_the_split_of_an_extension_of_a_short_avtalsar_covers_the_months_it_changes() -> None:
    extension = {
        "typ": "forlangning",
        "ny_slutdag": "2029-12-31",
        "belopp_per_avtalsar": [1000000, 1000000, 1000000, 400000],
    }
    andring, found = apply_change(
        CASE.arende.finansiering,
        Tillagg.model_validate(extension),
        CASE.program.finansiering,
        beslutsdatum=dt.date(2026, 6, 2),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )
    assert andring is not None and not found, found
    points = [fold(p) for p in decision_points("RUN", "X", andring, 1, CASE.program)]
    assert f"Bidraget {SPLIT}" in points
    texts = [fold(line) for line in change_text(change_of(andring, CASE.program))]
    assert f"Regionens bidrag {SPLIT}" in texts


LATER = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2026-06-02
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2026-06-09
anslagsdatum: 2026-06-10
arenden: ..
paragrafer:
  - paragraf: 88
    dnr: RUN-90004-2024
    tillagg:
      typ: forlangning
      ny_slutdag: 2029-12-31
      belopp_per_avtalsar: [1000000, 1000000, 1000000, 400000]
"""


def test_the_tillaggsavtal_shows_what_falls_on_each_budget_year(
    cases: Path, session_converter: Path
) -> None:
    """End to end: the stepped example granted and signed, then extended: the tilläggsavtal
    and the extract (read from their PDFs) state the same split, from the first month the
    extension changes, and the fact check lets the amounts through."""
    from pdftext import pdftotext

    folder = signed_then_changed(
        cases,
        "exempel-trappsteg.yaml",
        "RUN-90004-2024",
        "exempel-run-2024-06-18.yaml",
        LATER,
        dt.date(2026, 6, 10),
        session_converter,
    )
    text = fold(pdftotext(folder / "tillaggsavtal-v2.pdf"))
    assert f"Regionens bidrag {SPLIT}" in text
    # The change applies from the first day it changes: avtalsår 3's, not the extension's.
    assert "Ändringen i § 3 gäller från och med den 1 augusti 2026, enligt" in text
    extract = fold(pdftotext(folder / "protokollsutdrag-88.pdf"))
    assert f"Bidraget {SPLIT}" in extract
