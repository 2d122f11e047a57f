"""A tilläggsavtal's packet records the financing the tilläggsavtal states (before and
after its change, ``fore.finansiering.*`` and ``efter.finansiering.*``), not only the
grant's financing and the change record: an earlier change edited after the packet was
built alters what the later tilläggsavtal states (its amounts, its payment plan) while its
own change record stays the same, and its packet is then told apart. An entry recorded
before these facts were digested is compared without them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from avtalsgen.build.superseded import changed_facts, packet_facts
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import History, case_history

REPO = Path(__file__).resolve().parent.parent
DNR = "RUN-90001-2023"
#: A first change of RUN-90001-2023 (ERP's 1 000 000 kronor a year becomes another amount
#: from 2026-01-01), decided before the shipped extension of 2026-06-16 (tillägg nr 2), which
#: then gives ERP's amount for the extension (its amount no longer the same every year).
FIRST = """\
namnd: Regionala utvecklingsnämnden
datum: 2025-10-14
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2025-10-21
anslagsdatum: 2025-10-22
exempel: true
arenden: ..
paragrafer:
  - paragraf: 90
    dnr: RUN-90001-2023
    tillagg:
      typ: nytt_belopp
      fran: 2026-01-01
      finansiar: Region Norrbotten - ERP
      belopp_per_ar: {amount}
"""


def _history(tmp_path: Path, amount: int) -> History:
    cases = tmp_path / f"cases-{amount}"
    shutil.copytree(REPO / "cases", cases)
    (cases / "sammantraden" / "exempel-run-2025-10-14.yaml").write_text(
        FIRST.format(amount=amount), encoding="utf-8"
    )
    second = cases / "sammantraden" / "exempel-run-2026-06-16.yaml"
    text = second.read_text(encoding="utf-8")
    assert text.count("      ny_slutdag: 2029-12-31") == 1
    second.write_text(
        text.replace(
            "      ny_slutdag: 2029-12-31",
            "      finansiar: Region Norrbotten - ERP\n      belopp_per_ar: 900000\n"
            "      ny_slutdag: 2029-12-31",
        ),
        encoding="utf-8",
    )
    loaded = load_case(cases / "exempel-arktiska-testbaddar.yaml")
    history = case_history(loaded.path, loaded.arende, loaded.program, today=dt.date(2026, 7, 1))
    assert history.problems == (), history.problems
    assert [change.nummer for change in history.changes] == [1, 2]
    return history


def test_an_earlier_change_edited_alters_the_later_tillaggsavtal_s_facts(tmp_path: Path) -> None:
    first, edited = _history(tmp_path, 800000), _history(tmp_path, 700000)
    # The second change's record is the same, and so is the grant: only what the second
    # tilläggsavtal states of the money differs.
    assert first.changes[1].andring.tillagg == edited.changes[1].andring.tillagg
    assert first.decided.finansiering == edited.decided.finansiering
    assert first.changes[1].andring.efter != edited.changes[1].andring.efter
    recorded, now = packet_facts(first, 2), packet_facts(edited, 2)
    assert recorded is not None and now is not None
    changed = changed_facts(recorded, now)
    assert "efter.finansiering.finansiarer[0].belopp_per_avtalsar[2]" in changed, changed
    assert "fore.finansiering.finansiarer[0].belopp_per_avtalsar[2]" in changed, changed
    assert not [key for key in changed if key.startswith(("tillagg.", "finansiering."))]
    # The same history records the same facts.
    again = packet_facts(_history(tmp_path / "again", 800000), 2)
    assert again is not None and changed_facts(recorded, again) == []


def test_an_entry_recorded_before_is_compared_without_the_stated_financing(
    tmp_path: Path,
) -> None:
    first, edited = _history(tmp_path, 800000), _history(tmp_path, 700000)
    recorded, now = packet_facts(first, 2), packet_facts(edited, 2)
    assert recorded is not None and now is not None
    before = {
        key: value
        for key, value in recorded.items()
        if not key.startswith(("fore.finansiering.", "efter.finansiering."))
    }
    assert changed_facts(before, now) == []
    # ... while a change of its own record is still caught.
    assert changed_facts({**before, "tillagg.ny_slutdag": "0"}, now) == ["tillagg.ny_slutdag"]
