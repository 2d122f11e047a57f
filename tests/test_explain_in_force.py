"""``avtalsgen explain`` after later decisions: it showed the payment plan as granted only,
never the one a tillägg put in force. Now the financing in force after the newest change
follows, each payment with the decision (§, date) that set it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_stepped_changes import LATER
from typer.testing import CliRunner

from avtalsgen import clock
from avtalsgen.cli.app import app

# LATER (test_stepped_changes's meeting file): a new amount for avtalsår 2 from 2025-08-01
# on the stepped example (granted by § 131 of 2024-06-18: 2 000 000 / 1 500 000 / 400 000
# kronor, paid quarterly).

#: Then an early end with 2026-06-30, decided on 2026-02-03.
EARLY_END = (
    LATER.replace("2025-06-03", "2026-02-03")
    .replace("2025-06-10", "2026-02-10")
    .replace("2025-06-11", "2026-02-11")
    .replace("paragraf: 77", "paragraf: 15")
    .replace(
        "{typ: nytt_belopp, fran: 2025-08-01, belopp_per_avtalsar: [1200000, 400000]}",
        "{typ: upphorande, sista_dag: 2026-06-30}",
    )
)


def explain(case: Path, lang: str = "sv") -> list[str]:
    """explain's lines, its amounts' no-break spaces as plain ones."""
    result = CliRunner().invoke(app, ["--lang", lang, "explain", str(case)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout.replace("\u00a0", " ").splitlines()


def after(lines: list[str], head: str) -> list[str]:
    """The lines after the first that starts with ``head``."""
    return lines[next(i for i, line in enumerate(lines) if line.startswith(head)) + 1 :]


def test_an_extension_s_payments_name_the_decision_that_set_them(cases: Path) -> None:
    said = CliRunner().invoke(
        app, ["--lang", "sv", "explain", str(cases / "exempel-arktiska-testbaddar.yaml")]
    )
    assert (
        "   4  2027-01-01  avtalsår 4  1\u00a0500\u00a0000\u00a0kr  § 102, 2026-06-16\n"
        in said.stdout
    )
    lines = explain(cases / "exempel-arktiska-testbaddar.yaml")
    assert (
        "gäller efter § 102 vid sammanträdet 2026-06-16 (tilläggsavtal nr 1, ändrat från och "
        "med 2027-01-01): finansieringen, och varje utbetalning med det beslut som bestämde den"
    ) in lines
    shown = after(lines, "gäller efter")
    assert "finansiering 2024-01-01–2029-12-31 (72 månader, 6 avtalsår):" in shown
    assert "  regionen beviljar 9 000 000 kronor; hela finansieringen är 9 000 000 kronor" in (
        shown
    )
    plan = after(shown, "utbetalningsplan")
    assert plan == [
        "   1  2024-01-01  avtalsår 1  1 500 000 kr  § 212, 2023-12-05",
        "   2  2025-01-01  avtalsår 2  1 500 000 kr  § 212, 2023-12-05",
        "   3  2026-01-01  avtalsår 3  1 500 000 kr  § 212, 2023-12-05",
        "   4  2027-01-01  avtalsår 4  1 500 000 kr  § 102, 2026-06-16",
        "   5  2028-01-01  avtalsår 5  1 500 000 kr  § 102, 2026-06-16",
        "   6  2029-01-01  avtalsår 6  1 500 000 kr  § 102, 2026-06-16",
    ]
    # In English: the same rows, the user's words and figures.
    english = explain(cases / "exempel-arktiska-testbaddar.yaml", "en")
    assert (
        "in force after § 102 of the meeting of 2026-06-16 (tilläggsavtal nr 1, changed from "
        "2027-01-01 on): the financing, and each payment with the decision that set it"
    ) in english
    assert after(after(english, "in force after"), "payment plan")[3] == (
        "   4  2027-01-01  avtalsår 4  1,500,000 kr  § 102, 2026-06-16"
    )


def test_a_meeting_not_held_yet_changes_nothing_in_force(
    cases: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 1))
    lines = explain(cases / "exempel-arktiska-testbaddar.yaml")
    assert not any(line.startswith("gäller efter") for line in lines)
    assert not any("§ 102, 2026-06-16" in line for line in lines)
    assert after(lines, "utbetalningsplan")[-1] == "   3  2026-01-01  avtalsår 3  1 500 000 kr"


def test_each_change_keeps_the_payments_it_left_as_they_were(cases: Path) -> None:
    """A new amount from 2025-08-01 changes the quarters from July 2025 to September 2026
    (the last quarter is avtalsår 3's alone, unchanged); an early end with 2026-06-30 then
    drops the last two quarters and leaves the others as § 77 set them."""
    meetings = cases / "sammantraden"
    (meetings / "exempel-run-2026-06-16.yaml").unlink()  # not the stepped case's
    (meetings / "later.yaml").write_text(LATER, encoding="utf-8")
    case = cases / "exempel-trappsteg.yaml"
    plan = after(after(explain(case), "gäller efter § 77"), "utbetalningsplan")
    assert plan[:10] == [
        "   1  2024-08-01  2024-08-01–2024-09-30  333 333 kr  § 131, 2024-06-18",
        "   2  2024-10-01  2024-10-01–2024-12-31  500 000 kr  § 131, 2024-06-18",
        "   3  2025-01-01  2025-01-01–2025-03-31  500 000 kr  § 131, 2024-06-18",
        "   4  2025-04-01  2025-04-01–2025-06-30  500 000 kr  § 131, 2024-06-18",
        # July at avtalsår 1's 2 000 000 a year, August-September at the new 1 200 000.
        "   5  2025-07-01  2025-07-01–2025-09-30  366 667 kr  § 77, 2025-06-03",
        "   6  2025-10-01  2025-10-01–2025-12-31  300 000 kr  § 77, 2025-06-03",
        "   7  2026-01-01  2026-01-01–2026-03-31  300 000 kr  § 77, 2025-06-03",
        "   8  2026-04-01  2026-04-01–2026-06-30  300 000 kr  § 77, 2025-06-03",
        "   9  2026-07-01  2026-07-01–2026-09-30  260 000 kr  § 77, 2025-06-03",
        "  10  2026-10-01  2026-10-01–2026-12-31  240 000 kr  § 131, 2024-06-18",
    ]
    assert plan[10].startswith("  avrundat: ")
    (meetings / "later2.yaml").write_text(EARLY_END, encoding="utf-8")
    lines = explain(case)
    shown = after(lines, "gäller efter § 15 vid sammanträdet 2026-02-03 (tilläggsavtal nr 2")
    assert not any(line.startswith("gäller efter § 77") for line in lines)
    assert "finansiering 2024-08-01–2026-06-30 (23 månader, 2 avtalsår):" in shown
    plan = after(shown, "utbetalningsplan")
    assert [line.rsplit("  ", 1)[-1] for line in plan[:8]] == [
        *["§ 131, 2024-06-18"] * 4,
        *["§ 77, 2025-06-03"] * 4,
    ]
    assert plan[7] == "   8  2026-04-01  2026-04-01–2026-06-30  300 000 kr  § 77, 2025-06-03"
    assert plan[8].startswith("  avrundat: ") and len(plan) == 9


#: An extension the committee rejects, after § 77's new amount.
REJECTED = (
    LATER.replace("2025-06-03", "2026-09-15")
    .replace("2025-06-10", "2026-09-22")
    .replace("2025-06-11", "2026-09-23")
    .replace("paragraf: 77", "paragraf: 140")
    .replace(
        "    tillagg: {typ: nytt_belopp, fran: 2025-08-01, belopp_per_avtalsar: [1200000, 400000]}",
        "    utfall: avslag\n"
        "    motivering: Nämnden ser inte skäl att förlänga avtalet nu.\n"
        "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31,\n"
        "              belopp_per_avtalsar: [1000000, 1000000, 1000000, 400000]}",
    )
)


def test_a_change_not_granted_is_said_and_leaves_the_plan_in_force(cases: Path) -> None:
    """explain named the changes granted only: after an avslag of a proposed extension it
    read as if no later decision had been taken."""
    meetings = cases / "sammantraden"
    (meetings / "exempel-run-2026-06-16.yaml").unlink()
    (meetings / "later.yaml").write_text(LATER, encoding="utf-8")
    (meetings / "rejected.yaml").write_text(REJECTED, encoding="utf-8")
    case = cases / "exempel-trappsteg.yaml"
    lines = explain(case)
    assert lines[2:4] == [
        "ändrat genom § 77 vid sammanträdet 2025-06-03: tilläggsavtal nr 1 anger avtalet så som "
        "det lyder efter ändringen; nedan avtalet så som det beviljades",
        "inte ändrat genom § 140 vid sammanträdet 2026-09-15 (avslag): den föreslagna ändringen "
        "(förlängning) avslogs, och avtalet gäller som det är",
    ]
    shown = after(lines, "gäller efter § 77 vid sammanträdet 2025-06-03")
    assert "finansiering 2024-08-01–2026-12-31 (29 månader, 3 avtalsår):" in shown
    assert not any("§ 140" in line for line in shown)
    assert (
        "not changed by § 140 of the meeting of 2026-09-15 (rejected): the proposed change "
        "(extension) was rejected, and the agreement stays as it is"
    ) in explain(case, "en")


def test_a_change_referred_back_is_not_called_refused(cases: Path) -> None:
    """A proposal referred back (or postponed) is not decided yet: explain said of it, as
    of an avslag, that it "beviljades inte"."""
    meetings = cases / "sammantraden"
    (meetings / "exempel-run-2026-06-16.yaml").unlink()
    (meetings / "later.yaml").write_text(LATER, encoding="utf-8")
    referred = REJECTED.replace("utfall: avslag", "utfall: aterremiss").replace(
        "motivering: Nämnden ser inte skäl att förlänga avtalet nu.",
        "motivering: Ärendet återremitteras för en ny budget.",
    )
    (meetings / "referred.yaml").write_text(referred, encoding="utf-8")
    lines = explain(cases / "exempel-trappsteg.yaml")
    assert (
        "inte ändrat genom § 140 vid sammanträdet 2026-09-15 (återremitterat): den föreslagna "
        "ändringen (förlängning) är inte avgjord än, och avtalet gäller som det är tills den "
        "är avgjord"
    ) in lines, lines[:6]
    assert not any("beviljades inte" in line or "avslogs" in line for line in lines)


def test_the_change_s_first_day_is_the_tillaggsavtal_s(cases: Path) -> None:
    """The stepped example extended on 2026-06-02 with 1 000 000 kronor for avtalsår 3
    (granted as 400 000 for 2026-08-01–2026-12-31, now a full year): the tilläggsavtal
    says "gäller från och med den 1 augusti 2026", explain said "ändrat från och med
    2027-01-01" (the extension's own first day)."""
    meetings = cases / "sammantraden"
    (meetings / "exempel-run-2026-06-16.yaml").unlink()
    extended = (
        REJECTED.replace("2026-09-15", "2026-06-02")
        .replace("2026-09-22", "2026-06-09")
        .replace("2026-09-23", "2026-06-10")
        .replace("    utfall: avslag\n", "")
        .replace("    motivering: Nämnden ser inte skäl att förlänga avtalet nu.\n", "")
    )
    (meetings / "extended.yaml").write_text(extended, encoding="utf-8")
    lines = explain(cases / "exempel-trappsteg.yaml")
    assert any(
        line.startswith("gäller efter § 140 vid sammanträdet 2026-06-02 (tilläggsavtal nr 1, "
                        "ändrat från och med 2026-08-01)")
        for line in lines
    ), lines  # fmt: skip
