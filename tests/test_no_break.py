"""Amounts and § numbers are not broken across lines: typed text (a decision's points, an
ändring, a clause) is written with plain spaces, and an extract broke "beloppet är 1" /
"800 000 kronor" (found by a new user in protokollsutdrag-101.pdf; a tilläggsavtal broke
"§" from "211"). Every text a template prints gets no-break spaces between an amount's digit
groups, before its unit and beside a § sign, as the documents' own amounts have them; the
fact check still reads the amounts."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, needs_soffice, run_cli
from pdftext import pdftotext
from tagged_text import tagged_elements
from warm_converter import converter_in

from avtalsgen.documents.format import keep_together
from avtalsgen.documents.render import _escaped

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("beloppet är 1 800 000 kronor avtalsår 1", "beloppet är 1_800_000_kronor avtalsår 1"),
        ("enligt beslut 2023-12-05, § 211, även", "enligt beslut 2023-12-05, §_211, även"),
        ("(13 kap. 2 § kommunallagen)", "(13_kap._2_§ kommunallagen)"),
        ("3 000 deltagare och 12 % av 250 000 kr", "3_000 deltagare och 12_% av 250_000_kr"),
        # A financier's spaced hyphen, as the seed spells it; not a minus or a hyphen alone.
        ("från Region Norrbotten - ERP och", "från Region Norrbotten_-_ERP och"),
        ("Pilotprojektet - Norrbottens ekosystem", "Pilotprojektet_-_Norrbottens ekosystem"),
        ("5 - 3 är inte ett namn, - inte heller", "5_-_3 är inte ett namn, - inte heller"),
        # Not amounts: a year and a number after it, a decimal's digits, a year alone.
        ("år 2025 100 personer", "år 2025 100 personer"),
        ("0,500 000 och perioden 2025 till 2027", "0,500 000 och perioden 2025 till 2027"),
        # A chapter reference and a date in running text hold together.
        ("(13 kap. 8 § kommunallagen)", "(13_kap._8_§ kommunallagen)"),
        ("enligt 13 kap. kommunallagen", "enligt 13_kap. kommunallagen"),
        ("senast den 27 december 2023. Ange", "senast den 27_december_2023. Ange"),
        ("från och med den 1 januari och", "från och med den 1_januari och"),
        # Not a date: a month without its day, a decimal's digits, a longer number.
        ("i februari 2024 och 2,5 mars", "i februari 2024 och 2,5 mars"),
        ("101 maj", "101 maj"),
        # A range's dash joined to its end (+ is U+2060 WORD JOINER); not a dash between words.
        ("(1 januari 2029–31 december 2029)", "(1_januari_2029–+31_december_2029)"),
        ("2024-01-01–2026-12-31 och 2027–2029", "2024-01-01–+2026-12-31 och 2027–+2029"),
        (
            "EXEMPEL – fiktivt, a–b, §§ 41–42, sidorna 2–3",
            "EXEMPEL – fiktivt, a–b, §§_41–42, sidorna 2–3",
        ),
    ],
)
def test_keep_together(typed: str, kept: str) -> None:
    assert keep_together(typed) == kept.replace("_", NBSP).replace("+", "\u2060")


def _tagged(pdf: Path) -> str:
    with pikepdf.open(pdf) as opened:
        return "\n".join(e.text for e in tagged_elements(opened))


@needs_soffice
def test_the_extract_and_the_notice_keep_references_and_dates_together(
    cases: Path, session_converter: Path
) -> None:
    """§ 211's extract and the meeting's notice, as the shipped meeting makes them: the §,
    the law's chapter and § and the last day to appeal with no-break spaces, in the text
    printed (the code's) and in the text typed in the templates (the heading's "§ 211", the
    notice's "13 kap. 8 §"). "§ 211" and "27 december 2023" had plain spaces."""
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = cases.parent / "output"
    templates = ("--output", str(output), "--templates", str(REPO / "templates"))
    with converter_in(session_converter):
        for command in ("utdrag", "anslag"):
            made = run_cli(command, str(meeting), *templates)
            assert made.returncode == 0, made.stderr  # the fact checks read them back
    extract = _tagged(output / "RUN-00386-2023" / "protokollsutdrag-211.pdf")
    for kept in (
        "§_211 Pilotprojekt",
        "senast den 27_december_2023",
        "(13_kap._8_§ kommunallagen)",
    ):
        assert kept.replace("_", NBSP) in extract, kept
    [notice] = (output / "sammantraden").glob("2023-12-05-*/anslag.pdf")
    text = _tagged(notice)
    for kept in ("enligt 13_kap. kommunallagen", "(13_kap._8_§ kommunallagen)", "5_december_2023"):
        assert kept.replace("_", NBSP) in text, kept


def test_every_text_a_template_prints_is_kept_together() -> None:
    assert str(_escaped("Ändringen i § 4 gäller 1 500 000 kr & mer")) == (
        f"Ändringen i §{NBSP}4 gäller 1{NBSP}500{NBSP}000{NBSP}kr &amp; mer"
    )


#: The new user's case (RUN-00412-2025) as granted with a change, its evaluation within the
#: period as decided.
CASE = (REPO / "tests" / "data" / "no-break-case.yaml").read_text(encoding="utf-8")
MEETING = """\
namnd: Regionala utvecklingsnämnden
datum: 2025-06-17
plats: Regionhuset, Luleå
ordforande: Olle Ordförande
sekreterare: Sara Sekreterare
justerare:
  - Jan Justerare
justeringsdatum: 2025-06-24
anslagsdatum: 2025-06-25
paragrafer:
  - paragraf: 101
    dnr: RUN-00412-2025
    utfall: bifall_med_andring
    finansiering:
      period:
        start: 2025-09-01
        slut: 2027-08-31
      finansiarer:
        - namn: Region Norrbotten - ERP
          kalla: ERP
          belopp_per_avtalsar:
            - 1800000
            - 1200000
        - namn: Luleå kommun
          slag: kommun
          belopp_per_ar: 300000
    andring: >-
      beloppet är 1 800 000 kronor avtalsår 1 och 1 200 000 kronor avtalsår 2 och perioden
      slutar 2027-08-31
"""


@needs_soffice
def test_the_extract_keeps_the_amount_on_one_line(cases: Path, session_converter: Path) -> None:
    (cases / "RUN-00412-2025.yaml").write_text(CASE, encoding="utf-8")
    meeting = cases / "sammantraden" / "run-2025-06-17.yaml"
    meeting.write_text(MEETING, encoding="utf-8")
    output = cases.parent / "output"
    with converter_in(session_converter):
        made = run_cli(
            "utdrag", str(meeting), "--output", str(output), "--templates", str(REPO / "templates")
        )
    assert made.returncode == 0, made.stderr  # the fact check read the amounts
    lines = pdftotext(output / "RUN-00412-2025" / "protokollsutdrag-101.pdf").splitlines()
    lead = next(i for i, line in enumerate(lines) if "med den ändringen att" in line)
    # It broke as "... beloppet är 1" / "800 000 kronor avtalsår 1 ...".
    assert lines[lead].endswith("med den ändringen att beloppet är"), lines[lead : lead + 2]
    assert lines[lead + 1].startswith("1 800 000 kronor avtalsår 1 och 1 200 000 kronor")
