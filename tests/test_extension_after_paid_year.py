"""An extension decided after the agreement was paid up to its end (QA walk 20): an
agreement of 2025-03-01–2026-12-31, its last avtalsår ten months (2026-03-01–2026-12-31)
and paid on 2026-03-01, extended at a meeting on 2026-06-09 to 2029-12-31, was refused at
``tillagg.typ`` ("the payment of 2026-03-01 (833 333 kronor, for 2026-03-01–2026-12-31) was
due before the decision ... from 2027-01-01 at the earliest"), a key that names no date to
move, and an extension has none. The extension now adds its own avtalsår after what was
paid (from 2027-01-01), and what was paid stays as the agreement says: through the command
line and the documents (the extract's and the tilläggsavtal's text and amounts read from
their PDFs), and in the model for a quarterly plan and a stepped agreement."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import fold, needs_soffice
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.meetings.extract import build_extracts
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.model.money import (
    Finansiering,
    Finansieringsregler,
    ForlangdFinansiar,
    compute_financing,
)
from avtalsgen.model.tillagg import Tillagg, apply_change

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
CASE = "exempel-arktiska-testbaddar.yaml"
DNR = "RUN-90001-2023"


def cli(*argv: str) -> str:
    result = CliRunner().invoke(app, list(argv))
    assert result.exit_code == 0, result.output
    return result.output


def _short_last_year(cases: Path) -> None:
    """The shipped extension's case (1 000 000 and 500 000 kronor a year, paid each
    avtalsår in advance) from 2024-03-01 to 2026-12-31: its last avtalsår is 2026-03-01–
    2026-12-31, ten months, paid on 2026-03-01, before the extension of 2026-06-16."""
    case = cases / CASE
    text = case.read_text(encoding="utf-8")
    assert text.count("    start: 2024-01-01\n") == 1
    case.write_text(text.replace("    start: 2024-01-01\n", "    start: 2024-03-01\n"), "utf-8")


@needs_soffice
def test_an_extension_after_a_paid_short_last_year_adds_its_own_avtalsar(
    cases: Path, session_converter: Path
) -> None:
    i18n.set_language("sv")
    _short_last_year(cases)
    output = cases.parent / "output"
    checked = CliRunner().invoke(app, ["check", str(cases), "--output", str(output)])
    assert checked.exit_code == 0, checked.output
    assert f"ok  {cases / CASE}  {DNR}" in checked.stdout
    assert "förföll" not in checked.output
    explained = cli("explain", str(cases / CASE))
    after = explained[explained.index("gäller efter § 102") :]
    for row in (
        "avtalsår 3 2026-03-01–2026-12-31 10 månader 1 249 999 kr",
        "avtalsår 4 2027-01-01–2027-12-31 12 månader 1 500 000 kr",
        "avtalsår 6 2029-01-01–2029-12-31 12 månader 1 500 000 kr",
        "3 2026-03-01 avtalsår 3 1 249 999 kr § 212, 2023-12-05",
        "4 2027-01-01 avtalsår 4 1 500 000 kr § 102, 2026-06-16",
    ):
        assert row in fold(after), row
    with converter_in(session_converter) as converter:
        for name in ("exempel-run-2023-12-05.yaml", "exempel-run-2026-06-16.yaml"):
            build_extracts(cases / "sammantraden" / name, output, TEMPLATES, converter,
                           today=dt.date(2026, 6, 24))  # fmt: skip
        build = ("build", str(cases / CASE), "--output", str(output), "--templates", str(TEMPLATES))
        cli(*build)
        folder = output / DNR
        for field in ("region", "aktor"):
            cli("sign", str(folder / "paket.pdf"), "--field", field, "--ofullstandig")
        cli(*build)
    extract = fold(pdftotext(folder / "protokollsutdrag-102.pdf"))
    assert (
        "så att avtalstiden blir från och med den 1 mars 2024 till och med den 31 december 2029"
    ) in extract
    assert (
        "för förlängningen, från och med den 1 januari 2027 till och med den 31 december 2029"
        in (extract)
    )
    assert "sammanlagt 8 749 999 kronor" in extract
    text = fold(pdftotext(folder / "tillaggsavtal-v2.pdf"))
    assert "Avtalstiden förlängs till och med den 31 december 2029" in text
    assert "i stället för till och med den 31 december 2026" in text
    # From when the extension's avtalsår run, in words (the table shows it too); a line may
    # break after a range's dash.
    assert (
        "i stället för till och med den 31 december 2026. Förlängningen omfattar avtalsår 4 "
        "(1 januari 2027–31 december 2027), avtalsår 5 (1 januari 2028–31 december 2028) och "
        "avtalsår 6 (1 januari 2029–31 december 2029)."
    ) in text.replace("\u2013 ", "\u2013")
    assert "sammanlagt 8 749 999 kronor i stället för 4 249 999 kronor" in text
    # The avtalsår paid keeps its months and amount; the extension's begin after it.
    assert "Avtalsår 3 2026-03-01–2026-12-31 1 249 999 kr" in text
    assert "Avtalsår 4 2027-01-01–2027-12-31 1 500 000 kr" in text
    assert "Avtalsår 6 2029-01-01–2029-12-31 1 500 000 kr" in text
    assert "Totalt 2024-03-01–2029-12-31 8 749 999 kr" in text
    assert "Från och med den 1 januari 2027 görs utbetalningarna enligt utbetalningsplanen" in text
    assert "4 Avtalsår 4 2027-01-01 1 500 000 kr" in text
    assert "2026-03-01" not in text.split("Utbetalningsplan från och med")[1]
    assert (folder / "paket-v2.pdf").is_file()
    i18n.set_language(None)


def _financing(start: str, end: str, per_ar: int, satt: str) -> Finansiering:
    return Finansiering.model_validate(
        {
            "period": {"start": start, "slut": end},
            "finansiarer": [
                {"namn": "Region Norrbotten - ERP", "kalla": "ERP", "belopp_per_ar": per_ar}
            ],
            "utbetalning": {"satt": satt},
        }
    )


def test_a_quarter_paid_up_to_the_old_end_keeps_its_amount() -> None:
    """Quarterly payments, the agreement ending in the middle of a quarter (2027-08-31) and
    the payment of 2027-07-01 for July and August made before the extension: it stays as
    it was (it would have become the whole quarter, and the extension was refused), and
    the extension's first payment is on its first day, for the rest of the quarter."""
    money = _financing("2024-09-01", "2027-08-31", 1000000, "kvartalsvis_i_forskott")
    rules = Finansieringsregler()
    andring, found = apply_change(
        money, Tillagg.model_validate({"typ": "forlangning", "ny_slutdag": "2028-08-31"}), rules,
        beslutsdatum=dt.date(2027, 7, 9), max_ar=None, forlangning_tillaten=True,
    )  # fmt: skip
    assert andring is not None and found == []
    before = compute_financing(money, rules).utbetalningar
    plan = compute_financing(andring.efter, rules).utbetalningar
    assert plan[: len(before)] == before
    assert before[-1].datum == dt.date(2027, 7, 1) and before[-1].belopp == 166667
    assert [(p.datum, p.slut, p.belopp) for p in plan[len(before) : len(before) + 2]] == [
        (dt.date(2027, 9, 1), dt.date(2027, 9, 30), 83333),
        (dt.date(2027, 10, 1), dt.date(2027, 12, 31), 250000),
    ]


def test_a_paid_short_year_of_stepped_amounts_stays_and_the_extension_s_amount_is_free(
    tmp_path: Path, english: None
) -> None:
    """The stepped example's last avtalsår (2026-08-01–2026-12-31, 400 000 kronor) is paid
    in full by 2026-10-01: an extension decided after that keeps it and may give its own
    amount (before, only that avtalsår's rate, 960 000 a year, was taken)."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    path = cases / "sammantraden" / "t.yaml"
    path.write_text(
        "namnd: Regionala utvecklingsnämnden\ndatum: 2026-10-13\nplats: Regionhuset, Luleå\n"
        "ordforande: Maria Exempelsdotter\nsekreterare: Lena Exempelsson\n"
        "justerare:\n  - Johan Exempelsson\njusteringsdatum: 2026-10-20\n"
        "anslagsdatum: 2026-10-21\nexempel: true\narenden: ..\nparagrafer:\n"
        "  - paragraf: 120\n    dnr: RUN-90004-2024\n"
        "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31, belopp_per_ar: 1000000}\n",
        encoding="utf-8",
    )
    change = load_meeting(path).histories["RUN-90004-2024"].changes[0].andring
    rows = change.efter.finansiarer
    assert rows[0].belopp_per_avtalsar == [2000000, 1500000, 400000, 1000000, 1000000, 1000000]
    years = change.efter.period.avtalsar()
    assert years[2:4] == [
        (dt.date(2026, 8, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
    ]


def test_another_amount_after_a_paid_quarter_of_a_short_year_keeps_what_was_paid() -> None:
    """A five-month last avtalsår (2025-12-01–2026-04-30) of 1 000 000 kronor a year, paid
    quarterly, its share 416 666.67 kronor, paid to its end before the extension. With
    another amount for the extension (900 000 kronor a year) it was refused at belopp_per_ar:
    restated in whole kronor (416 666 for the avtalsår, spread evenly), its payment of
    2026-01-01 would have become 249 999 kronor. The months before the extension now keep
    their amounts per stretch (a ForlangdFinansiar: 1 000 000 kronor a year to 2026-04-30,
    900 000 from 2026-05-01): every payment made is as it was, the avtalsår is 416 666
    kronor (its remainder on its last payment, as before), and the extension's payments
    follow from its first day."""
    money = _financing("2024-12-01", "2026-04-30", 1000000, "kvartalsvis_i_forskott")
    rules = Finansieringsregler()
    tillagg = Tillagg.model_validate(
        {"typ": "forlangning", "ny_slutdag": "2028-04-30", "belopp_per_ar": 900000}
    )
    andring, found = apply_change(money, tillagg, rules, beslutsdatum=dt.date(2026, 4, 30),
                                  max_ar=None, forlangning_tillaten=True)  # fmt: skip
    assert found == [] and andring is not None
    row = andring.efter.finansiarer[0]
    assert isinstance(row, ForlangdFinansiar)
    assert [form.belopp_per_ar for form in row.avsnitt] == [1000000, 900000]
    before = compute_financing(money, rules)
    after = compute_financing(andring.efter, rules)
    assert after.utbetalningar[: len(before.utbetalningar)] == before.utbetalningar
    assert [(p.datum, p.belopp) for p in before.utbetalningar[-2:]] == [
        (dt.date(2026, 1, 1), 250000),
        (dt.date(2026, 4, 1), 83333),
    ]
    assert [(a.start, a.manader, a.belopp) for a in after.avtalsar] == [
        (dt.date(2024, 12, 1), 12, 1000000),
        (dt.date(2025, 12, 1), 5, 416666),
        (dt.date(2026, 5, 1), 12, 900000),
        (dt.date(2027, 5, 1), 12, 900000),
    ]
    assert after.region_summa == before.region_summa + 2 * 900000 == 3216666
    first = after.utbetalningar[len(before.utbetalningar)]
    assert (first.datum, first.slut, first.belopp) == (
        dt.date(2026, 5, 1), dt.date(2026, 6, 30), 150000,
    )  # fmt: skip
    # The stretches are facts of the financing: they survive its dump.
    dumped = andring.efter.model_dump(mode="json")["finansiarer"][0]["avsnitt"]
    assert [item["belopp_per_ar"] for item in dumped] == [1000000, 900000]
