"""Invalid case and program files, each with the exact problems ``load_case`` reports.

Every invalid file is the seed case (or the program file) with a small textual edit; the
edit asserts that the text it replaces occurs exactly once, so a changed seed makes the test
fail loudly instead of silently testing an unchanged file. The files are written into
``tmp_path`` next to a copy of the program folder, so ``program: program/...`` resolves.

Expected problems are written with ``<case>``, ``<program>`` and ``<dir>`` standing for the
paths in ``tmp_path``, in English and in Swedish (``sv``): every fixture is checked in both
languages. Line numbers refer to cases/RUN-00386-2023.yaml and
cases/program/norrbottens-ekosystem.yaml as they are now.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import Edit, edit

from avtalsgen import i18n
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.model.money import compute_financing

CASES = Path(__file__).resolve().parents[1] / "cases"
SEED = CASES / "RUN-00386-2023.yaml"
PROGRAM = CASES / "program" / "norrbottens-ekosystem.yaml"
SEED_TEXT = SEED.read_text(encoding="utf-8")
PROGRAM_TEXT = PROGRAM.read_text(encoding="utf-8")


#: The four decision points of the seed, to be replaced as a whole.
SEED_DECISIONS = """\
beslutspunkter:
  - >-
    Regionala utvecklingsnämnden beslutar att Pilotprojektet - Norrbottens ekosystem – Swedish
    Lapland vb, beviljas {belopp_per_ar} årligen i basfinansiering.
  - Medlen anvisas från {kalla}
  - Projektet gäller under perioden {start} till {slut}
  - Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta beslut.
"""
#: The last line of the seed's syfte, after which prose tests append blocks.
SYFTE_END = "för investeringar, etableringar och ökad tillväxt i företagen.\n"


@dataclass(frozen=True)
class Files:
    """A case file and its program in a temporary folder."""

    folder: Path
    case: Path
    program: Path

    def expand(self, problem: str) -> str:
        """Replace the ``<case>``, ``<program>`` and ``<dir>`` stand-ins with real paths."""
        return (
            problem.replace("<case>", str(self.case))
            .replace("<program>", str(self.program))
            .replace("<dir>", str(self.folder))
        )


def write_files(folder: Path, case: str | bytes = SEED_TEXT, program: str = PROGRAM_TEXT) -> Files:
    """Write ``case`` as arende.yaml next to a copy of the program folder."""
    shutil.copytree(PROGRAM.parent, folder / "program")
    program_path = folder / "program" / PROGRAM.name
    program_path.write_text(program, encoding="utf-8")
    case_path = folder / "arende.yaml"
    if isinstance(case, bytes):
        case_path.write_bytes(case)
    else:
        case_path.write_text(case, encoding="utf-8")
    return Files(folder=folder, case=case_path, program=program_path)


def problems_of(path: Path) -> list[str]:
    """The problems ``load_case`` reports for ``path``; fails if it loads."""
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


@dataclass(frozen=True)
class Invalid:
    """One invalid file: the edits that make it and the problems it must give, in English
    and in Swedish."""

    id: str
    problems: tuple[str, ...]
    sv: tuple[str, ...]
    case: tuple[Edit, ...] = ()
    program: tuple[Edit, ...] = ()
    xfail: str | None = None


INVALID = [
    # --- YAML syntax -------------------------------------------------------------------
    Invalid(
        "yaml-syntax-error-bad-indent",
        (
            "<case>:24: the indentation does not match the lines above: keys at the same level "
            "start in the same column, and list items with '- '",
        ),
        sv=(
            "<case>:24: indraget stämmer inte med raderna ovanför: nycklar på samma nivå börjar "
            "i samma kolumn, och listpunkter med '- '",
        ),
        case=(("  finansiarer:\n", " finansiarer:\n"),),
    ),
    Invalid(
        "yaml-syntax-error-tab",
        ("<case>:28: use spaces for indentation, not tabs",),
        sv=("<case>:28: använd mellanslag för indrag, inte tabb",),
        case=(("  totalt: 6000000", "\ttotalt: 6000000"),),
    ),
    # --- keys --------------------------------------------------------------------------
    Invalid(
        "unknown-key-top-level",
        ("<case>:11: kommentar: unknown key 'kommentar'; `avtalsgen schema` lists the keys",),
        sv=(
            "<case>:11: kommentar: okänd nyckel 'kommentar'; `avtalsgen schema` visar vilka "
            "nycklar som finns",
        ),
        case=(("titel: Pilot", "kommentar: utkast\ntitel: Pilot"),),
    ),
    Invalid(
        "unknown-key-nested",
        (
            "<case>:27: finansiering.finansiarer[0].källa: unknown key 'källa' — did you mean "
            "'kalla'?",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].källa: okänd nyckel 'källa' — menade du "
            "'kalla'?",
        ),
        case=(("      kalla: ERP\n", "      kalla: ERP\n      källa: ERP\n"),),
    ),
    Invalid(
        "missing-required-field-nested",
        ("<case>:21: finansiering.period.slut: required field is missing: add the key 'slut'",),
        sv=(
            "<case>:21: finansiering.period.slut: obligatoriskt fält saknas: lägg till "
            "nyckeln 'slut'",
        ),
        case=(("    slut: 2026-09-30\n", ""),),
    ),
    Invalid(
        "missing-required-field-in-list-item",
        (
            "<case>:25: finansiering.finansiarer[0].namn: required field is missing: add the "
            "key 'namn'",
        ),
        sv=(
            "<case>:25: finansiering.finansiarer[0].namn: obligatoriskt fält saknas: lägg "
            "till nyckeln 'namn'",
        ),
        case=(("    - namn: Region Norrbotten - ERP\n      kalla", "    - kalla"),),
    ),
    # --- types -------------------------------------------------------------------------
    Invalid(
        "string-for-amount",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: amounts are written as plain "
            "digits without spaces: write 2000000, not '2 000 000'",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: belopp skrivs med bara "
            "siffror, utan mellanslag: skriv 2000000, inte '2 000 000'",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: 2 000 000"),),
    ),
    Invalid(
        "quoted-string-for-amount",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: amounts are whole kronor "
            "written as plain digits without quotes: write 2000000, not '2000000'",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: belopp anges i hela kronor "
            "med bara siffror, utan citattecken: skriv 2000000, inte '2000000'",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: '2000000'"),),
    ),
    Invalid(
        "number-for-text",
        (
            "<case>:26: finansiering.finansiarer[0].kalla: expected text, got 42 (put it in "
            "quotes if it is text: '42')",
        ),
        sv=(
            "<case>:26: finansiering.finansiarer[0].kalla: här ska stå text, inte 42 (sätt det "
            "inom citattecken om det är text: '42')",
        ),
        case=(("kalla: ERP", "kalla: 42"),),
    ),
    Invalid(
        "text-for-boolean",
        ("<case>:6: exempel: write true or false, not 'ja'",),
        sv=("<case>:6: exempel: skriv true eller false, inte 'ja'",),
        case=(("dnr: RUN-00386-2023", "exempel: ja\ndnr: RUN-00386-2023"),),
    ),
    # --- dates and period --------------------------------------------------------------
    Invalid(
        "invalid-date-feb-30",
        (
            "<case>:22: finansiering.period.start: 2023-02-30 is not a real date: February 2023 "
            "has 28 days; write a day from 01 to 28",
        ),
        sv=(
            "<case>:22: finansiering.period.start: datumet 2023-02-30 finns inte: februari 2023 "
            "har 28 dagar; skriv en dag från 01 till 28",
        ),
        case=(("start: 2023-10-01", "start: 2023-02-30"),),
    ),
    Invalid(
        "date-not-yyyy-mm-dd",
        (
            "<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD: write "
            "2025-11-30, not 30/11/2025",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-11-30, "
            "inte 30/11/2025",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 30/11/2025"),),
    ),
    Invalid(
        # The Swedish way of writing a date by hand (qa21: "1/3-2025" got no suggestion).
        "date-written-the-swedish-way",
        (
            "<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD: write "
            "2025-03-01, not 1/3-2025",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-03-01, "
            "inte 1/3-2025",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 1/3-2025"),),
    ),
    Invalid(
        "date-in-words",
        (
            "<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD: write "
            "2025-11-30, not 30 november 2025",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-11-30, "
            "inte 30 november 2025",
        ),
        case=(("senast: 2025-11-30", "senast: 30 november 2025"),),
    ),
    Invalid(
        "date-year-first-unpadded",
        (
            "<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD: write "
            "2025-03-01, not 2025-3-1",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-03-01, "
            "inte 2025-3-1",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 2025-3-1"),),
    ),
    Invalid(
        "evaluation-after-the-period",
        (
            "<case>:48: extern_utvardering_senast: the external evaluation (2027-10-31) is "
            "after the period's end 2026-09-30: write a date no later than 2026-09-30",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: den externa utvärderingen (2027-10-31) "
            "ligger efter periodens slut 2026-09-30: skriv ett datum senast 2026-09-30",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 2027-10-31"),),
    ),
    Invalid(
        "evaluation-before-the-period",
        (
            "<case>:48: extern_utvardering_senast: the external evaluation (2023-06-30) is "
            "before the period's start 2023-10-01: the financing it evaluates has not begun; "
            "write a date from 2023-10-01 to 2026-09-30",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: den externa utvärderingen (2023-06-30) "
            "ligger före periodens start 2023-10-01: finansieringen den utvärderar har inte "
            "börjat; skriv ett datum från 2023-10-01 till 2026-09-30",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 2023-06-30"),),
    ),
    Invalid(
        # A walk's case: financing from 2027, the first follow-up "hösten 2025" (qa21).
        "follow-up-before-the-period",
        (
            "<case>:47: forsta_uppfoljning: the first follow-up (våren 2023) is over before the "
            "period's start 2023-10-01: there is nothing to follow up yet; name a term that "
            "ends no earlier than 2023-10-01, e.g. hösten 2023",
        ),
        sv=(
            "<case>:47: forsta_uppfoljning: den första uppföljningen (våren 2023) är över före "
            "periodens start 2023-10-01: det finns ännu inget att följa upp; ange en termin "
            "som slutar tidigast 2023-10-01, till exempel hösten 2023",
        ),
        case=(("forsta_uppfoljning: hösten 2024", "forsta_uppfoljning: våren 2023"),),
    ),
    Invalid(
        "follow-up-after-the-period",
        (
            "<case>:47: forsta_uppfoljning: the first follow-up (våren 2027) is after the "
            "period's end 2026-09-30: name a term that begins no later than 2026-09-30",
        ),
        sv=(
            "<case>:47: forsta_uppfoljning: den första uppföljningen (våren 2027) ligger efter "
            "periodens slut 2026-09-30: ange en termin som börjar senast 2026-09-30",
        ),
        case=(("forsta_uppfoljning: hösten 2024", "forsta_uppfoljning: våren 2027"),),
    ),
    Invalid(
        "date-without-day",
        ("<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD, got 2025-11",),
        sv=("<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD, inte 2025-11",),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 2025-11"),),
    ),
    Invalid(
        "period-ends-before-start",
        (
            "<case>:23: finansiering.period.slut: the period ends (2022-09-30) before it starts "
            "(2023-10-01): write the period's last day under slut, after its first day",
        ),
        sv=(
            "<case>:23: finansiering.period.slut: perioden slutar (2022-09-30) innan den börjar "
            "(2023-10-01): skriv periodens sista dag under slut, efter dess första dag",
        ),
        case=(("slut: 2026-09-30", "slut: 2022-09-30"),),
    ),
    # The two dates typed in each other's place: one problem, that says so (not also "the
    # period must start on the first of a month" of the start).
    Invalid(
        "period-start-and-end-swapped",
        (
            "<case>:23: finansiering.period.slut: the period ends (2023-10-01) before it starts "
            "(2026-09-30): the two dates seem swapped; write start: 2023-10-01 and slut: "
            "2026-09-30",
        ),
        sv=(
            "<case>:23: finansiering.period.slut: perioden slutar (2023-10-01) innan den börjar "
            "(2026-09-30): datumen verkar ha bytt plats; skriv start: 2023-10-01 och slut: "
            "2026-09-30",
        ),
        case=(("start: 2023-10-01", "start: 2026-09-30"), ("slut: 2026-09-30", "slut: 2023-10-01")),
    ),
    Invalid(
        "period-not-starting-on-first",
        (
            "<case>:22: finansiering.period.start: the period must start on the first of a "
            "month, got 2023-10-02: write 2023-10-01 or 2023-11-01",
        ),
        sv=(
            "<case>:22: finansiering.period.start: perioden måste börja den första i en månad, "
            "inte 2023-10-02: skriv 2023-10-01 eller 2023-11-01",
        ),
        case=(("start: 2023-10-01", "start: 2023-10-02"),),
    ),
    Invalid(
        "period-not-ending-on-last-day",
        (
            "<case>:23: finansiering.period.slut: the period must end on the last day of a "
            "month, got 2026-09-29 (the month ends on 2026-09-30)",
        ),
        sv=(
            "<case>:23: finansiering.period.slut: perioden måste sluta den sista dagen i en "
            "månad, inte 2026-09-29 (månaden slutar 2026-09-30)",
        ),
        case=(("slut: 2026-09-30", "slut: 2026-09-29"),),
    ),
    # --- money -------------------------------------------------------------------------
    Invalid(
        "totalt-disagrees-with-the-financiers",
        (
            "<case>:28: finansiering.totalt: the financiers add up to 6,000,000 kronor (Region "
            "Norrbotten - ERP 6,000,000), 2,000,000 kronor more than totalt 4,000,000",
        ),
        sv=(
            "<case>:28: finansiering.totalt: finansiärerna blir sammanlagt 6\u00a0000\u00a0000 "
            "kronor (Region Norrbotten - ERP 6\u00a0000\u00a0000), 2\u00a0000\u00a0000 kronor mer "
            "än totalt 4\u00a0000\u00a0000",
        ),
        case=(("  totalt: 6000000", "  totalt: 4000000"),),
    ),
    Invalid(
        "financiers-do-not-add-up",
        (
            "<case>:34: finansiering.totalt: the financiers add up to 7,500,000 kronor (Region "
            "Norrbotten - ERP 6,000,000 + Luleå kommun 750,000 + Piteå kommun 750,000), 500,000 "
            "kronor less than totalt 8,000,000",
        ),
        sv=(
            "<case>:34: finansiering.totalt: finansiärerna blir sammanlagt 7\u00a0500\u00a0000 "
            "kronor (Region Norrbotten - ERP 6\u00a0000\u00a0000 + Luleå kommun 750\u00a0000 + "
            "Piteå kommun 750\u00a0000), 500\u00a0000 kronor mindre än totalt 8\u00a0000\u00a0000",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n  totalt: 6000000",
                "      belopp_per_ar: 2000000\n    - namn: Luleå kommun\n      slag: kommun\n"
                "      belopp_per_ar: 250000\n    - namn: Piteå kommun\n      slag: kommun\n"
                "      belopp_per_ar: 250000\n  totalt: 8000000",
            ),
        ),
    ),
    Invalid(
        "negative-amount",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: amount must not be negative, "
            "got -2000000",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: beloppet får inte vara "
            "negativt, men är -2000000",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: -2000000"),),
    ),
    Invalid(
        "negative-stated-total",
        (
            "<case>:28: finansiering.finansiarer[0].totalt: amount must not be negative, got "
            "-6000000",
        ),
        sv=(
            "<case>:28: finansiering.finansiarer[0].totalt: beloppet får inte vara negativt, men "
            "är -6000000",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n",
                "      belopp_per_ar: 2000000\n      totalt: -6000000\n",
            ),
        ),
    ),
    Invalid(
        "zero-amount",
        (
            "<case>:25: finansiering.finansiarer[0]: the region's share is 0 kronor over the "
            "whole period",
        ),
        sv=(
            "<case>:25: finansiering.finansiarer[0]: regionens andel är 0 kronor under hela "
            "perioden",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: 0"),),
    ),
    Invalid(
        "fractional-amount",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: amounts are whole kronor, got "
            "2000000.5",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: belopp anges i hela kronor, "
            "inte 2000000.5",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: 2000000.5"),),
    ),
    Invalid(
        "financier-totalt-disagrees",
        (
            "<case>:28: finansiering.finansiarer[0].totalt: Region Norrbotten - ERP's amounts "
            "add up to 6,000,000 kronor, 1,000,000 kronor more than totalt 5,000,000",
        ),
        sv=(
            "<case>:28: finansiering.finansiarer[0].totalt: beloppen för Region Norrbotten - ERP "
            "blir sammanlagt 6\u00a0000\u00a0000 kronor, 1\u00a0000\u00a0000 kronor mer än totalt "
            "5\u00a0000\u00a0000",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n",
                "      belopp_per_ar: 2000000\n      totalt: 5000000\n",
            ),
        ),
    ),
    Invalid(
        "amounts-per-avtalsar-do-not-match-the-period",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: the period "
            "2023-10-01–2026-09-30 has 3 avtalsår, but 2 amounts are given: give one amount per "
            "avtalsår",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: perioden "
            "2023-10-01–2026-09-30 har 3 avtalsår, men 2 belopp anges: ange ett belopp per "
            "avtalsår",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_avtalsar: [2000000, 1500000]"),),
    ),
    Invalid(
        "amounts-per-avtalsar-with-a-shorter-last-year",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: the period "
            "2023-10-01–2026-03-31 has 3 avtalsår (the last of 6 months), but 4 amounts are "
            "given: give one amount per avtalsår",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: perioden "
            "2023-10-01–2026-03-31 har 3 avtalsår (det sista på 6 månader), men 4 belopp anges: "
            "ange ett belopp per avtalsår",
        ),
        case=(
            ("slut: 2026-09-30", "slut: 2026-03-31"),
            ("belopp_per_ar: 2000000", "belopp_per_avtalsar: [2000000, 1500000, 500000, 1]"),
            ("  totalt: 6000000\n", ""),
        ),
    ),
    Invalid(
        # "the last of 1 months" / "det sista på 1 månader" until the count chose the form
        "amounts-per-avtalsar-with-a-last-year-of-one-month",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: the period "
            "2023-10-01–2025-10-31 has 3 avtalsår (the last of 1 month), but 2 amounts are "
            "given: give one amount per avtalsår",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_avtalsar: perioden "
            "2023-10-01–2025-10-31 har 3 avtalsår (det sista på 1 månad), men 2 belopp anges: "
            "ange ett belopp per avtalsår",
        ),
        case=(
            ("slut: 2026-09-30", "slut: 2025-10-31"),
            ("belopp_per_ar: 2000000", "belopp_per_avtalsar: [2000000, 1500000]"),
            ("  totalt: 6000000\n", ""),
        ),
    ),
    Invalid(
        "amounts-per-calendar-year-outside-the-period",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_kalenderar: no amount for 2026: "
            "the period 2023-10-01–2026-09-30 covers 2023, 2024, 2025, 2026; give an amount (0 "
            "if none) for each",
            "<case>:31: finansiering.finansiarer[0].belopp_per_kalenderar[3].ar: 2027 is outside "
            "the period 2023-10-01–2026-09-30, which covers 2023, 2024, 2025, 2026",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_kalenderar: belopp saknas för "
            "2026: perioden 2023-10-01–2026-09-30 omfattar 2023, 2024, 2025, 2026; ange ett "
            "belopp (0 om inget) för vart och ett",
            "<case>:31: finansiering.finansiarer[0].belopp_per_kalenderar[3].ar: 2027 ligger "
            "utanför perioden 2023-10-01–2026-09-30, som omfattar 2023, 2024, 2025, 2026",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n  totalt: 6000000\n",
                "      belopp_per_kalenderar:\n        - {ar: 2023, belopp: 500000}\n"
                "        - {ar: 2024, belopp: 2000000}\n        - {ar: 2025, belopp: 2000000}\n"
                "        - {ar: 2027, belopp: 1500000}\n",
            ),
        ),
    ),
    Invalid(
        "a-calendar-year-twice",
        (
            "<case>:31: finansiering.finansiarer[0].belopp_per_kalenderar[3].ar: 2025 is given "
            "twice (first as item 3)",
        ),
        sv=(
            "<case>:31: finansiering.finansiarer[0].belopp_per_kalenderar[3].ar: 2025 anges två "
            "gånger (först som post 3)",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n",
                "      belopp_per_kalenderar:\n        - {ar: 2023, belopp: 500000}\n"
                "        - {ar: 2024, belopp: 2000000}\n        - {ar: 2025, belopp: 2000000}\n"
                "        - {ar: 2025, belopp: 1500000}\n",
            ),
        ),
    ),
    Invalid(
        "amounts-given-two-ways",
        (
            "<case>:28: finansiering.finansiarer[0].belopp_per_avtalsar: give the amounts one "
            "way only: belopp_per_ar or belopp_per_avtalsar, not both",
        ),
        sv=(
            "<case>:28: finansiering.finansiarer[0].belopp_per_avtalsar: ange beloppen på ett "
            "sätt: belopp_per_ar eller belopp_per_avtalsar, inte båda",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n",
                "      belopp_per_ar: 2000000\n"
                "      belopp_per_avtalsar: [2000000, 2000000, 2000000]\n",
            ),
        ),
    ),
    Invalid(
        "no-amounts",
        (
            "<case>:25: finansiering.finansiarer[0]: give the amounts as one of belopp_per_ar "
            "(the same every avtalsår), belopp_per_avtalsar (a list per avtalsår) or "
            "belopp_per_kalenderar (a list per calendar year)",
        ),
        sv=(
            "<case>:25: finansiering.finansiarer[0]: ange beloppen på ett av sätten "
            "belopp_per_ar (samma varje avtalsår), belopp_per_avtalsar (en lista per avtalsår) "
            "eller belopp_per_kalenderar (en lista per kalenderår)",
        ),
        case=(("      belopp_per_ar: 2000000\n", ""),),
    ),
    Invalid(
        "two-financiers-of-the-same-name",
        (
            "<case>:28: finansiering.finansiarer[1].namn: 'Region Norrbotten - ERP' is already "
            "financier 1: give each financier once (a financier with several sources is one row "
            "per source, each with its own name)",
        ),
        sv=(
            "<case>:28: finansiering.finansiarer[1].namn: 'Region Norrbotten - ERP' är redan "
            "finansiär 1: ange varje finansiär en gång (en finansiär med flera källor är en rad "
            "per källa, var och en med eget namn)",
        ),
        case=(
            (
                "      belopp_per_ar: 2000000\n",
                "      belopp_per_ar: 1000000\n    - namn: Region Norrbotten - ERP\n"
                "      kalla: regionala utvecklingsmedel\n      belopp_per_ar: 1000000\n",
            ),
        ),
    ),
    Invalid(
        "region-share-without-source",
        (
            "<case>:25: finansiering.finansiarer[0].kalla: the region's share needs its källa "
            "(kalla: the appropriation, e.g. ERP); a co-financier gives its slag instead "
            "(kommun, universitet, eu_projekt, egen_insats or annan)",
        ),
        sv=(
            "<case>:25: finansiering.finansiarer[0].kalla: regionens andel behöver sin källa "
            "(kalla: anslaget, t.ex. ERP); en medfinansiär anger i stället slag (kommun, "
            "universitet, eu_projekt, egen_insats eller annan)",
        ),
        case=(("      kalla: ERP\n", ""),),
    ),
    Invalid(
        "co-financier-with-a-source",
        (
            "<case>:27: finansiering.finansiarer[0].kalla: only the region's share has a källa "
            "from the program; a co-financier (kommun) is named by its namn: remove kalla",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].kalla: bara regionens andel har en källa ur "
            "programfilen; en medfinansiär (kommun) anges med sitt namn: ta bort kalla",
        ),
        case=(("      kalla: ERP\n", "      slag: kommun\n      kalla: ERP\n"),),
    ),
    Invalid(
        "no-region-share",
        (
            "<case>:24: finansiering.finansiarer: no financier is the region (slag: region, with "
            "its kalla): the committee's decision grants the region's share",
        ),
        sv=(
            "<case>:24: finansiering.finansiarer: ingen finansiär är regionen (slag: region, med "
            "sin kalla): nämndens beslut beviljar regionens andel",
        ),
        case=(("      kalla: ERP\n", "      slag: kommun\n"),),
    ),
    Invalid(
        "unknown-source",
        (
            "<case>:26: finansiering.finansiarer[0].kalla: 'ERF' is not a source the program "
            "names (did you mean ERP?); the program's sources are ERP, regionala "
            "utvecklingsmedel, kulturnämndens anslag",
        ),
        sv=(
            "<case>:26: finansiering.finansiarer[0].kalla: 'ERF' är inte en källa som "
            "programfilen anger (menade du ERP?); programfilens källor är ERP, regionala "
            "utvecklingsmedel, kulturnämndens anslag",
        ),
        case=(("      kalla: ERP", "      kalla: ERF"),),
    ),
    Invalid(
        "first-payment-after-the-period",
        (
            "<case>:30: finansiering.utbetalning.forsta_datum: the first payment (2026-10-01) "
            "would fall after the period ends (2026-09-30); payments are made within the period",
        ),
        sv=(
            "<case>:30: finansiering.utbetalning.forsta_datum: den första utbetalningen "
            "(2026-10-01) skulle ske efter att perioden slutar (2026-09-30); utbetalningar görs "
            "inom perioden",
        ),
        case=(
            (
                "  totalt: 6000000\n",
                "  totalt: 6000000\n  utbetalning:\n    forsta_datum: 2026-10-01\n",
            ),
        ),
    ),
    Invalid(
        "stepped-amount-in-a-text-that-says-per-year",
        (
            "<case>:20: finansiering: the program's clause 'bakgrund' uses {belopp_per_ar}, but "
            "the region's amount changes from year to year: write {belopp_arligen} or "
            "{belopp_per_avtalsar}, which read right for either",
        ),
        sv=(
            "<case>:20: finansiering: programfilens punkt 'bakgrund' använder {belopp_per_ar}, "
            "men regionens belopp ändras från år till år: skriv {belopp_arligen} eller "
            "{belopp_per_avtalsar}, som blir rätt i båda fallen",
        ),
        case=(
            ("belopp_per_ar: 2000000", "belopp_per_avtalsar: [2000000, 1500000, 1000000]"),
            ("  totalt: 6000000\n", ""),
            ("beviljas {belopp_per_ar} årligen", "beviljas {belopp_arligen}"),
        ),
        program=(
            (
                "med {belopp_arligen} under tiden",
                "med {belopp_per_ar} årligen under tiden",
            ),
        ),
    ),
    Invalid(
        "stepped-amount-in-the-decision",
        (
            "<case>:31: beslutspunkter[0]: uses {belopp_per_ar}, but the region's amount changes "
            "from year to year: write {belopp_arligen} or {belopp_per_avtalsar}, which read "
            "right for either",
        ),
        sv=(
            "<case>:31: beslutspunkter[0]: använder {belopp_per_ar}, men regionens belopp ändras "
            "från år till år: skriv {belopp_arligen} eller {belopp_per_avtalsar}, som blir rätt "
            "i båda fallen",
        ),
        case=(
            ("belopp_per_ar: 2000000", "belopp_per_avtalsar: [2000000, 1500000, 1000000]"),
            ("  totalt: 6000000\n", ""),
        ),
    ),
    Invalid(
        "co-financing-named-without-co-financiers",
        ("<case>:45: villkor[0]: uses {medfinansiering}, but the financing has no co-financiers",),
        sv=(
            "<case>:45: villkor[0]: använder {medfinansiering}, men finansieringen har inga "
            "medfinansiärer",
        ),
        case=(
            (
                "  - Swedish Lapland vb arbetar med en långsiktig finansiering från aktörerna i "
                "Swedish Lapland",
                "  - Finansieringen förutsätter {medfinansiering}.",
            ),
        ),
    ),
    Invalid(
        "empty-financier-table",
        (
            "<case>:24: finansiering.finansiarer: the list is empty: add the financiers: the "
            "region first (with its kalla), then any co-financier, each on a line of its own "
            "starting with '- '",
        ),
        sv=(
            "<case>:24: finansiering.finansiarer: listan är tom: lägg till finansiärerna: "
            "regionen först (med sin kalla), sedan eventuella medfinansiärer, var och en på en "
            "egen rad som börjar med '- '",
        ),
        case=(
            (
                "  finansiarer:\n    - namn: Region Norrbotten - ERP\n      kalla: ERP\n"
                "      belopp_per_ar: 2000000\n",
                "  finansiarer: []\n",
            ),
        ),
    ),
    # --- identifiers -------------------------------------------------------------------
    Invalid(
        "bad-dnr",
        (
            "<case>:6: dnr: 'RUN-386-2023' is not a Dnr of the form RUN-NNNNN-YYYY: write the "
            "serial number with five digits, RUN-00386-2023",
        ),
        sv=(
            "<case>:6: dnr: 'RUN-386-2023' är inte ett diarienummer på formen RUN-NNNNN-ÅÅÅÅ: "
            "skriv löpnumret med fem siffror, RUN-00386-2023",
        ),
        case=(("dnr: RUN-00386-2023", "dnr: RUN-386-2023"),),
    ),
    Invalid(
        "organisationsnummer-wrong-check-digit",
        (
            "<case>:16: aktor.organisationsnummer: '556036-0794' is not a valid "
            "organisationsnummer (NNNNNN-NNNN with a correct check digit): the check digit is "
            "wrong; copy it again from the organisation's papers, or leave it empty (null) while "
            "it is not known (the documents then show [uppgift saknas])",
        ),
        sv=(
            "<case>:16: aktor.organisationsnummer: '556036-0794' är inte ett giltigt "
            "organisationsnummer (NNNNNN-NNNN med rätt kontrollsiffra): kontrollsiffran stämmer "
            "inte; skriv av det igen från organisationens handlingar, eller lämna det tomt (null) "
            "så länge det inte är känt (dokumenten visar då [uppgift saknas])",
        ),
        case=(("  organisationsnummer: null", "  organisationsnummer: 556036-0794"),),
    ),
    Invalid(
        "empty-text-field",
        ("<case>:26: finansiering.finansiarer[0].kalla: must not be empty",),
        sv=("<case>:26: finansiering.finansiarer[0].kalla: får inte vara tomt",),
        case=(("kalla: ERP", "kalla: ''"),),
    ),
    # --- decision points and prose -----------------------------------------------------
    Invalid(
        "empty-decision-list",
        (
            "<case>:31: beslutspunkter: the list is empty: add the proposal's decision points "
            "(at least one), each on a line of its own starting with '- '",
        ),
        sv=(
            "<case>:31: beslutspunkter: listan är tom: lägg till förslagets beslutspunkter "
            "(minst en), var och en på en egen rad som börjar med '- '",
        ),
        case=((SEED_DECISIONS, "beslutspunkter: []\n"),),
    ),
    # A proposed point is copied into the extract as decided: no placeholder left in it.
    *(
        Invalid(
            f"placeholder-in-a-decision-point-{number}",
            (
                f"<case>:{line}: beslutspunkter[{index}]: “{marker}” stands for something not "
                "filled in, and the beslutsförslag would propose it and the protokollsutdrag "
                "state it as decided: write the words in its place, or a placeholder of the "
                "case's facts such as {slut}",
            ),
            sv=(
                f"<case>:{line}: beslutspunkter[{index}]: ”{marker}” står för något som inte är "
                "ifyllt, och beslutsförslaget skulle föreslå det och protokollsutdraget ange "
                "det som beslutat: skriv orden i dess ställe, eller en platshållare för ärendets "
                "uppgifter som {slut}",
            ),
            case=((old, new),),
        )
        for number, (line, index, marker, old, new) in enumerate(
            [
                (35, 1, "XX", "från {kalla}\n", "från {kalla} senast XX\n"),
                (35, 1, "[datum]", "från {kalla}\n", "från {kalla} senast [datum]\n"),
                (36, 2, "TODO", "till {slut}\n", "till {slut} TODO\n"),
                (36, 2, "ÅÅÅÅ-MM-DD", "till {slut}\n", "till {slut}, ÅÅÅÅ-MM-DD\n"),
                (37, 3, "{{", "detta beslut.", "detta beslut {{ datum }}."),
                (32, 0, "…", "Pilotprojektet -", "Pilotprojektet … -"),
            ],
            1,
        )
    ),
    # The case's other texts that its documents state: no placeholder left in them either.
    *(
        Invalid(
            f"placeholder-in-a-condition-{number}",
            (
                f"<case>:45: villkor[0]: “{marker}” stands for something not filled in, and the "
                "samarbetsavtal would state it as a condition on the actor: write the words in "
                "its place, or a placeholder of the case's facts such as {slut}",
            ),
            sv=(
                f"<case>:45: villkor[0]: ”{marker}” står för något som inte är ifyllt, och "
                "samarbetsavtalet skulle ange det som ett villkor för aktören: skriv orden i dess "
                "ställe, eller en platshållare för ärendets uppgifter som {slut}",
            ),
            case=((old, new),),
        )
        for number, (marker, old, new) in enumerate(
            [
                ("XX", "i Swedish Lapland\n", "i Swedish Lapland senast XX\n"),
                ("[belopp]", "i Swedish Lapland\n", "i Swedish Lapland om [belopp]\n"),
                ("TODO", "i Swedish Lapland\n", "i Swedish Lapland TODO\n"),
                ("…", "i Swedish Lapland\n", "i Swedish Lapland …\n"),
            ],
            1,
        )
    ),
    *(
        Invalid(
            f"placeholder-in-syfte-{number}",
            (
                f"<case>:39: syfte: “{marker}” stands for something not filled in, and the "
                "documents would state it as it stands: write the words in its place, or a "
                "placeholder of the case's facts such as {slut}",
            ),
            sv=(
                f"<case>:39: syfte: ”{marker}” står för något som inte är ifyllt, och dokumenten "
                "skulle ange det som det står: skriv orden i dess ställe, eller en platshållare "
                "för ärendets uppgifter som {slut}",
            ),
            case=((SYFTE_END, new),),
        )
        for number, (marker, new) in enumerate(
            [
                ("ÅÅÅÅ-MM-DD", SYFTE_END + "  Klart ÅÅÅÅ-MM-DD.\n"),
                ("{{", SYFTE_END.replace("företagen.", "företagen {{ ort }}.")),
                ("FIXME", SYFTE_END + "\n  FIXME: fler mål\n"),
            ],
            1,
        )
    ),
    *(
        Invalid(
            f"placeholder-in-a-name-the-documents-state-{field}",
            (
                f"<case>:{line}: {field}: “{marker}” stands for something not filled in, and "
                "the documents would state it as it stands: write the words in its place",
            ),
            sv=(
                f"<case>:{line}: {field}: ”{marker}” står för något som inte är ifyllt, och "
                "dokumenten skulle ange det som det står: skriv orden i dess ställe",
            ),
            case=((old, new),),
        )
        for field, line, marker, old, new in [
            (
                "avtal.klausuler.tillagg[0].rubrik",
                66,
                "XX",
                "    ort: null\n",
                "    ort: null\n  klausuler:\n    tillagg:\n      - id: extra\n"
                "        rubrik: Villkor XX\n        efter: finansiering\n"
                "        text: Aktören redovisar årligen.\n",
            ),
            ("aktor.omrade", 18, "[område]", "  omrade: besöksnäringen", "  omrade: '[område]'"),
        ]
    ),
    Invalid(
        "placeholder-in-the-first-follow-up",
        (
            "<case>:47: forsta_uppfoljning: “20XX” stands for something not filled in, and the "
            "beslutsförslag and the samarbetsavtal would state it as the term of the first "
            "follow-up: write the term, e.g. hösten 2026",
        ),
        sv=(
            "<case>:47: forsta_uppfoljning: ”20XX” står för något som inte är ifyllt, och "
            "beslutsförslaget och samarbetsavtalet skulle ange det som terminen för den första "
            "uppföljningen: skriv terminen, t.ex. hösten 2026",
        ),
        case=(("forsta_uppfoljning: hösten 2024", "forsta_uppfoljning: hösten 20XX"),),
    ),
    Invalid(
        "placeholder-in-a-clause-of-the-case",
        (
            "<case>:68: avtal.klausuler.tillagg[0].text: “[datum]” stands for something not "
            "filled in, and the documents would state it as it stands: write the words in its "
            "place, or a placeholder of the case's facts such as {slut}",
        ),
        sv=(
            "<case>:68: avtal.klausuler.tillagg[0].text: ”[datum]” står för något som inte är "
            "ifyllt, och dokumenten skulle ange det som det står: skriv orden i dess ställe, "
            "eller en platshållare för ärendets uppgifter som {slut}",
        ),
        case=(
            (
                "    ort: null\n",
                "    ort: null\n  klausuler:\n    tillagg:\n      - id: extra\n"
                "        rubrik: Extra\n        efter: finansiering\n"
                "        text: Aktören redovisar senast [datum].\n",
            ),
        ),
    ),
    Invalid(
        "decision-without-an-amount",
        (
            "<case>:31: beslutspunkter: the decision must state the amount itself: write "
            "{belopp_arligen} (or {belopp_per_ar}, {belopp_per_avtalsar}, {belopp_per_budgetar}) "
            "rather than the value, so it cannot disagree with finansiering",
        ),
        sv=(
            "<case>:31: beslutspunkter: beslutet måste självt ange beloppet: skriv "
            "{belopp_arligen} (eller {belopp_per_ar}, {belopp_per_avtalsar}, "
            "{belopp_per_budgetar}) i stället för värdet, så att beslutet inte kan avvika från "
            "finansiering",
        ),
        case=(("beviljas {belopp_per_ar} årligen", "beviljas 2 000 000 kronor årligen"),),
    ),
    Invalid(
        "unknown-placeholder-in-prose",
        (
            "<case>:39: syfte: unknown placeholder {omradet} (did you mean {omrade}?); "
            "`avtalsgen schema` lists the placeholders",
        ),
        sv=(
            "<case>:39: syfte: okänd platshållare {omradet} (menade du {omrade}?); `avtalsgen "
            "schema` visar platshållarna",
        ),
        case=(("att utveckla besöksnäringens ekosystem", "att utveckla {omradet}s ekosystem"),),
    ),
    Invalid(
        "unknown-placeholder-in-decision",
        (
            "<case>:35: beslutspunkter[1]: unknown placeholder {kala} (did you mean {kalla}?); "
            "`avtalsgen schema` lists the placeholders",
        ),
        sv=(
            "<case>:35: beslutspunkter[1]: okänd platshållare {kala} (menade du {kalla}?); "
            "`avtalsgen schema` visar platshållarna",
        ),
        case=(("Medlen anvisas från {kalla}", "Medlen anvisas från {kala}"),),
    ),
    Invalid(
        "empty-list-item",
        ("<case>:45: villkor[0]: text is empty",),
        sv=("<case>:45: villkor[0]: texten är tom",),
        case=(
            (
                "  - Swedish Lapland vb arbetar med en långsiktig finansiering från aktörerna i "
                "Swedish Lapland",
                "  - ''",
            ),
        ),
    ),
    Invalid(
        "nested-list-in-prose",
        ("<case>:39: syfte: nested lists are not supported; write the items at one level",),
        sv=(
            "<case>:39: syfte: listor i flera nivåer kan inte användas; skriv alla punkter på "
            "samma nivå",
        ),
        case=((SYFTE_END, SYFTE_END + "\n  - Första\n    - Underpunkt\n"),),
    ),
    Invalid(
        "numbered-list-in-prose-starting-at-3",
        ("<case>:39: syfte: a numbered list must start at 1",),
        sv=("<case>:39: syfte: en numrerad lista måste börja på 1",),
        case=((SYFTE_END, SYFTE_END + "\n  3. Tredje\n  4. Fjärde\n"),),
    ),
    # --- the program file --------------------------------------------------------------
    Invalid(
        "missing-program-file",
        ("<case>:5: program: file not found: <dir>/program/saknas.yaml",),
        sv=("<case>:5: program: filen finns inte: <dir>/program/saknas.yaml",),
        case=(("program: program/norrbottens-ekosystem.yaml", "program: program/saknas.yaml"),),
    ),
    Invalid(
        "program-organisationsnummer-wrong-check-digit",
        (
            "<program>:8: region.organisationsnummer: '232100-0231' is not a valid "
            "organisationsnummer (NNNNNN-NNNN with a correct check digit): the check digit is "
            "wrong; copy it again from the organisation's papers, or leave it empty (null) while "
            "it is not known (the documents then show [uppgift saknas])",
        ),
        sv=(
            "<program>:8: region.organisationsnummer: '232100-0231' är inte ett giltigt "
            "organisationsnummer (NNNNNN-NNNN med rätt kontrollsiffra): kontrollsiffran stämmer "
            "inte; skriv av det igen från organisationens handlingar, eller lämna det tomt (null) "
            "så länge det inte är känt (dokumenten visar då [uppgift saknas])",
        ),
        program=(("organisationsnummer: 232100-0230", "organisationsnummer: 232100-0231"),),
    ),
    Invalid(
        "program-unknown-key",
        (
            "<program>:152: texter.extra: unknown key 'extra'; the keys here are 'yttrande', "
            "'sammanfattning', 'bakgrund', 'genomforande', 'plattformsuppgifter', "
            "'forutsattningar', 'gap', 'gap_avslutning', 'villkor' and 'aktorsvillkor_efter'",
        ),
        sv=(
            "<program>:152: texter.extra: okänd nyckel 'extra'; här finns nycklarna 'yttrande', "
            "'sammanfattning', 'bakgrund', 'genomforande', 'plattformsuppgifter', "
            "'forutsattningar', 'gap', 'gap_avslutning', 'villkor' och 'aktorsvillkor_efter'",
        ),
        program=(("  aktorsvillkor_efter: 1\n", "  aktorsvillkor_efter: 1\n  extra: 1\n"),),
    ),
    Invalid(
        "program-unknown-placeholder",
        (
            "<program>:131: texter.gap_avslutning: unknown placeholder {omraden} (did you mean "
            "{omrade}?); `avtalsgen schema` lists the placeholders",
        ),
        sv=(
            "<program>:131: texter.gap_avslutning: okänd platshållare {omraden} (menade du "
            "{omrade}?); `avtalsgen schema` visar platshållarna",
        ),
        program=(("{omrade}.", "{omraden}."),),
    ),
    Invalid(
        "program-negative-count",
        ("<program>:151: texter.aktorsvillkor_efter: must be at least 0, got -1",),
        sv=("<program>:151: texter.aktorsvillkor_efter: måste vara minst 0, inte -1",),
        program=(("aktorsvillkor_efter: 1", "aktorsvillkor_efter: -1"),),
    ),
    Invalid(
        "program-yaml-syntax-error",
        (
            "<program>:4: [ opens a list or mapping that is not closed with ] (put the value in "
            "quotes if [ belongs to the text)",
        ),
        sv=(
            "<program>:4: [ inleder en lista eller mappning som inte avslutas med ] (sätt "
            "värdet inom citattecken om [ hör till texten)",
        ),
        program=(("namn: Norrbottens ekosystem", "namn: [Norrbottens ekosystem"),),
    ),
    Invalid(
        "program-postnummer-as-number",
        (
            "<program>:11: region.adress.postnummer: '97189' is not a postnummer of the form "
            "NNN NN: write '971 89'",
        ),
        sv=(
            "<program>:11: region.adress.postnummer: '97189' är inte ett postnummer på formen "
            "NNN NN: skriv '971 89'",
        ),
        program=(("postnummer: 971 89", "postnummer: 97189"),),
    ),
    # --- messages that say how to fix it -------------------------------------------------
    Invalid(
        "misspelt-key",
        (
            "<case>:27: finansiering.finansiarer[0].belop_per_ar: unknown key 'belop_per_ar' — "
            "did you mean 'belopp_per_ar'?",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belop_per_ar: okänd nyckel 'belop_per_ar' — "
            "menade du 'belopp_per_ar'?",
        ),
        case=(("belopp_per_ar: 2000000", "belop_per_ar: 2000000"),),
    ),
    Invalid(
        "list-for-amount",
        (
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: belopp_per_ar is one amount, "
            "the same every avtalsår; write amounts that differ from year to year as "
            "belopp_per_avtalsar: [2000000, 2000000, 2000000] (one per avtalsår) or as "
            "belopp_per_kalenderar (one per calendar year)",
        ),
        sv=(
            "<case>:27: finansiering.finansiarer[0].belopp_per_ar: belopp_per_ar är ett enda "
            "belopp, detsamma varje avtalsår; skriv belopp som skiljer sig mellan åren som "
            "belopp_per_avtalsar: [2000000, 2000000, 2000000] (ett per avtalsår) eller som "
            "belopp_per_kalenderar (ett per kalenderår)",
        ),
        case=(("belopp_per_ar: 2000000", "belopp_per_ar: [2000000, 2000000, 2000000]"),),
    ),
    Invalid(
        "unclosed-quote",
        ("<case>:11: the quotation mark that starts here is never closed",),
        sv=("<case>:11: citattecknet som börjar här avslutas aldrig",),
        case=(("titel: Pilot", 'titel: "Pilot'),),
    ),
    Invalid(
        # Word "corrected" the closing mark; PyYAML read on and blamed the indentation of
        # a later line (qa21).
        "straight-quote-closed-by-word",
        (
            '<case>:35: the text starts with a straight quotation mark " but ends with the '
            "typographic ” Word writes: a text in quotes ends with the mark it starts with; "
            'write " at its end too, or leave the quotes out',
        ),
        sv=(
            '<case>:35: texten börjar med ett rakt citattecken " men slutar med det '
            "typografiska ” som Word skriver: en text inom citattecken slutar med samma tecken "
            'som den börjar med; skriv " i slutet också, eller ta bort citattecknen',
        ),
        case=(("  - Medlen anvisas från {kalla}", '  - "Medlen anvisas från {kalla}.”'),),
    ),
    Invalid(
        # Quoted in Word on both sides: YAML keeps the marks, the documents printed them.
        "decision-point-between-word-quotes",
        (
            "<case>:35: beslutspunkter[1]: the text stands between Word's quotation marks "
            "”…”, which the documents would print as part of it: remove them (a text needs no "
            "quotes in the file; one that holds ': ' goes between straight quotes \"…\")",
        ),
        sv=(
            "<case>:35: beslutspunkter[1]: texten står mellan Words citattecken ”…”, som "
            "dokumenten skulle skriva ut som en del av den: ta bort dem (en text behöver inga "
            "citattecken i filen; en som innehåller ': ' sätts mellan raka citattecken \"…\")",
        ),
        case=(("  - Medlen anvisas från {kalla}", "  - ”Medlen anvisas från {kalla}.”"),),
    ),
    Invalid(
        "colon-in-value",
        (
            "<case>:26: a colon followed by a space cannot stand inside a value here; put the "
            "value in quotes, or start a new line for a new key",
        ),
        sv=(
            "<case>:26: ett kolon följt av mellanslag kan inte stå inne i ett värde här; sätt "
            "värdet inom citattecken, eller börja en ny rad för en ny nyckel",
        ),
        case=(("kalla: ERP", "kalla: ERP: Europeiska regionala utvecklingsfonden"),),
    ),
    Invalid(
        "duplicate-key",
        ("<case>:8: namnd: the key is given twice (first on line 7); keep one of them",),
        sv=(
            "<case>:8: namnd: nyckeln finns två gånger (första gången på rad 7); behåll en av dem",
        ),
        case=(
            (
                "namnd: Regionala utvecklingsnämnden\n",
                "namnd: Regionala utvecklingsnämnden\nnamnd: Kulturnämnden\n",
            ),
        ),
    ),
    Invalid(
        "date-written-day-first-with-dots",
        (
            "<case>:48: extern_utvardering_senast: dates are written YYYY-MM-DD: write "
            "2025-11-30, not 30.11.2025",
        ),
        sv=(
            "<case>:48: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-11-30, "
            "inte 30.11.2025",
        ),
        case=(("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 30.11.2025"),),
    ),
    Invalid(
        "list-where-text-belongs",
        ("<case>:26: finansiering.finansiarer[0].kalla: expected text, got a list",),
        sv=("<case>:26: finansiering.finansiarer[0].kalla: här ska stå text, inte en lista",),
        case=(("      kalla: ERP", "      kalla:\n        - ERP"),),
    ),
    Invalid(
        "text-where-a-mapping-belongs",
        # The keys wanted, the value written as them (it named none: QA walk 20).
        (
            "<case>:21: finansiering.period: here go keys with values (key: value), not "
            "'2023-10-01 till 2026-09-30': write period: {start: 2023-10-01, slut: 2026-09-30}, "
            "or each key on a line of its own, indented under period",
        ),
        sv=(
            "<case>:21: finansiering.period: här ska stå nycklar med värden (nyckel: värde), "
            "inte '2023-10-01 till 2026-09-30': skriv period: {start: 2023-10-01, slut: "
            "2026-09-30}, eller varje nyckel på en egen rad, indragen under period",
        ),
        case=(
            (
                "  period:\n    start: 2023-10-01\n    slut: 2026-09-30\n",
                "  period: 2023-10-01 till 2026-09-30\n",
            ),
        ),
    ),
    Invalid(
        "postal-address-on-one-line",
        (
            "<case>:17: aktor.adress: here go keys with values (key: value), not 'Box 12, 941 "
            "21 Piteå': write adress: {utdelningsadress: Box 12, postnummer: 941 21, ort: "
            "Piteå}, or each key on a line of its own, indented under adress",
        ),
        sv=(
            "<case>:17: aktor.adress: här ska stå nycklar med värden (nyckel: värde), inte "
            "'Box 12, 941 21 Piteå': skriv adress: {utdelningsadress: Box 12, postnummer: 941 "
            "21, ort: Piteå}, eller varje nyckel på en egen rad, indragen under adress",
        ),
        case=(("  adress: null\n", "  adress: Box 12, 941 21 Piteå\n"),),
    ),
    Invalid(
        "postal-address-on-one-line-without-a-postnummer",
        (
            "<case>:17: aktor.adress: here go keys with values (key: value), not 'Box 12, "
            "Piteå': write adress: {utdelningsadress: …, postnummer: …, ort: …}, or each key on "
            "a line of its own, indented under adress",
        ),
        sv=(
            "<case>:17: aktor.adress: här ska stå nycklar med värden (nyckel: värde), inte "
            "'Box 12, Piteå': skriv adress: {utdelningsadress: …, postnummer: …, ort: …}, eller "
            "varje nyckel på en egen rad, indragen under adress",
        ),
        case=(("  adress: null\n", "  adress: Box 12, Piteå\n"),),
    ),
]


INVALID += [
    # --- the program's addresses for expediering -------------------------------------------
    Invalid(
        "program-recipient-address-not-an-email-address",
        (
            "<program>:348: expediering.mottagare[2].epost: 'kansli at arktiska.example' is not "
            "an e-mail address: write one address as name@domain.se, without a display name (an "
            "internationalised domain in its xn-- form)",
        ),
        sv=(
            "<program>:348: expediering.mottagare[2].epost: 'kansli at arktiska.example' är "
            "inte en e-postadress: skriv en adress som namn@doman.se, utan visningsnamn (en "
            "domän med å, ä eller ö i sin xn---form)",
        ),
        program=(("kansli@arktiska-testbaddar.example", "kansli at arktiska.example"),),
    ),
    Invalid(
        "program-recipient-given-twice",
        (
            "<program>:341: expediering.mottagare: recipient 'Regional utvecklingsdirektör' is "
            "given twice",
        ),
        sv=(
            "<program>:341: expediering.mottagare: mottagaren 'Regional utvecklingsdirektör' "
            "anges två gånger",
        ),
        program=(
            (
                "  mottagare:\n",
                "  mottagare:\n    - namn: Regional utvecklingsdirektör\n      epost: null\n",
            ),
        ),
    ),
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English (the source language): the problems below are in English."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(
    "invalid",
    [
        pytest.param(
            invalid,
            id=invalid.id,
            marks=[pytest.mark.xfail(strict=True, reason=invalid.xfail)] if invalid.xfail else [],
        )
        for invalid in INVALID
    ],
)
def test_invalid_file_reports_exact_problems(
    tmp_path: Path, invalid: Invalid, language: str
) -> None:
    assert invalid.case or invalid.program, "an invalid file needs at least one edit"
    files = write_files(
        tmp_path, edit(SEED_TEXT, *invalid.case), edit(PROGRAM_TEXT, *invalid.program)
    )
    i18n.set_language(language)
    expected = invalid.problems if language == "en" else invalid.sv
    assert problems_of(files.case) == [files.expand(p) for p in expected]


SEVERAL = {
    "en": (
        "<case>:6: dnr: 'RUN-386-2023' is not a Dnr of the form RUN-NNNNN-YYYY: write the serial "
        "number with five digits, RUN-00386-2023",
        "<case>:11: kommentar: unknown key 'kommentar'; `avtalsgen schema` lists the keys",
        "<case>:23: finansiering.period.start: 2023-02-30 is not a real date: February 2023 has "
        "28 days; write a day from 01 to 28",
        "<case>:49: extern_utvardering_senast: dates are written YYYY-MM-DD: write 2025-11-30, "
        "not 30/11/2025",
        "<program>:11: region.adress.postnummer: '971 8' is not a postnummer of the form NNN NN",
    ),
    "sv": (
        "<case>:6: dnr: 'RUN-386-2023' är inte ett diarienummer på formen RUN-NNNNN-ÅÅÅÅ: skriv "
        "löpnumret med fem siffror, RUN-00386-2023",
        "<case>:11: kommentar: okänd nyckel 'kommentar'; `avtalsgen schema` visar vilka nycklar "
        "som finns",
        "<case>:23: finansiering.period.start: datumet 2023-02-30 finns inte: februari 2023 har "
        "28 dagar; skriv en dag från 01 till 28",
        "<case>:49: extern_utvardering_senast: datum skrivs ÅÅÅÅ-MM-DD: skriv 2025-11-30, inte "
        "30/11/2025",
        "<program>:11: region.adress.postnummer: '971 8' är inte ett postnummer på formen NNN NN",
    ),
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_several_problems_in_case_and_program_are_reported_at_once(
    tmp_path: Path, language: str
) -> None:
    i18n.set_language(language)
    files = write_files(
        tmp_path,
        edit(
            SEED_TEXT,
            ("dnr: RUN-00386-2023", "dnr: RUN-386-2023"),
            ("titel: Pilot", "kommentar: utkast\ntitel: Pilot"),
            ("start: 2023-10-01", "start: 2023-02-30"),
            ("extern_utvardering_senast: 2025-11-30", "extern_utvardering_senast: 30/11/2025"),
        ),
        edit(PROGRAM_TEXT, ("postnummer: 971 89", "postnummer: 971 8")),
    )
    assert problems_of(files.case) == [files.expand(p) for p in SEVERAL[language]]


# --- whole files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- program: program/norrbottens-ekosystem.yaml\n", id="list"),
        pytest.param("program/norrbottens-ekosystem.yaml\n", id="scalar"),
    ],
)
def test_file_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    files = write_files(tmp_path, text)
    assert problems_of(files.case) == [
        f"{files.case}:1: (file): expected a mapping of keys to values (key: value)"
    ]
    i18n.set_language("sv")
    assert problems_of(files.case) == [
        f"{files.case}:1: (filen): ska bestå av nycklar med värden (nyckel: värde)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n", id="blank-lines"),
        pytest.param("# only a comment\n", id="only-comment"),
    ],
)
def test_an_empty_file_is_told_as_empty(tmp_path: Path, text: str) -> None:
    """It was told "(filen): ska bestå av nycklar med värden", as if it held something else."""
    files = write_files(tmp_path, text)
    assert problems_of(files.case) == [
        f"{files.case}:1: (file): the file is empty (or holds only comments): write its keys "
        "with their values, one per line (key: value); `avtalsgen schema` lists them"
    ]
    i18n.set_language("sv")
    assert problems_of(files.case) == [
        f"{files.case}:1: (filen): filen är tom (eller innehåller bara kommentarer): skriv dess "
        "nycklar med värden, en per rad (nyckel: värde); `avtalsgen schema` visar vilka "
        "nycklar som finns"
    ]


def test_program_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    files = write_files(tmp_path, program="- namn: Norrbottens ekosystem\n")
    assert problems_of(files.case) == [
        f"{files.program}:1: (file): expected a mapping of keys to values (key: value)"
    ]


def _latin1_omrade() -> bytes:
    """The seed with one value saved as Windows-1252 (line 18, byte 673), the rest UTF-8."""
    old = "omrade: besöksnäringen"
    data = SEED_TEXT.encode("utf-8")
    assert data.count(old.encode("utf-8")) == 1
    return data.replace(old.encode("utf-8"), old.encode("cp1252"))


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    files = write_files(tmp_path, _latin1_omrade())
    assert problems_of(files.case) == [f"{files.case}:18: not UTF-8 text (save the file as UTF-8)"]
    i18n.set_language("sv")
    assert problems_of(files.case) == [
        f"{files.case}:18: texten är inte UTF-8 (spara filen som UTF-8)"
    ]


def test_case_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.yaml"
    assert problems_of(missing) == [f"{missing}: file not found"]
    i18n.set_language("sv")
    assert problems_of(missing) == [f"{missing}: filen finns inte"]


def test_missing_top_level_field_has_a_line(tmp_path: Path) -> None:
    files = write_files(
        tmp_path,
        edit(
            SEED_TEXT,
            (
                "titel: Pilotprojekt inom Norrbottens ekosystem - Swedish Lapland visitors board\n",
                "",
            ),
        ),
    )
    # Reported at the end of the file's mapping, where the key may be added (it was line 1).
    last = len(files.case.read_text(encoding="utf-8").rstrip("\n").splitlines())
    assert last > 1
    assert problems_of(files.case) == [
        f"{files.case}:{last}: titel: required field is missing: add the key 'titel' at the "
        "top level of the file (not indented)"
    ]
    i18n.set_language("sv")
    assert problems_of(files.case) == [
        f"{files.case}:{last}: titel: obligatoriskt fält saknas: lägg till nyckeln 'titel' på "
        "filens översta nivå (utan indrag)"
    ]


def test_duplicate_key_is_reported(tmp_path: Path) -> None:
    files = write_files(
        tmp_path,
        edit(
            SEED_TEXT,
            (
                "namnd: Regionala utvecklingsnämnden\n",
                "namnd: Regionala utvecklingsnämnden\nnamnd: Kulturnämnden\n",
            ),
        ),
    )
    with pytest.raises(CaseError) as info:
        load_case(files.case)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{files.case}:8: namnd: ")
    assert "duplicate" in info.value.problems[0].lower()


def test_unclosed_quote_points_at_its_line(tmp_path: Path) -> None:
    files = write_files(tmp_path, edit(SEED_TEXT, ("titel: Pilot", 'titel: "Pilot')))
    problems = problems_of(files.case)
    assert len(problems) == 1
    assert problems[0].startswith(f"{files.case}:11: ") or "line 11" in problems[0], problems


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    files = write_files(tmp_path, _latin1_omrade())
    problems = problems_of(files.case)
    assert len(problems) == 1
    assert problems[0].startswith(f"{files.case}:18: "), problems


def test_decision_check_is_reported_with_other_problems(tmp_path: Path) -> None:
    files = write_files(
        tmp_path,
        edit(
            SEED_TEXT,
            ("dnr: RUN-00386-2023", "dnr: RUN-386-2023"),
            ("beviljas {belopp_per_ar} årligen", "beviljas 2 000 000 kronor årligen"),
        ),
    )
    assert problems_of(files.case) == [
        f"{files.case}:6: dnr: 'RUN-386-2023' is not a Dnr of the form RUN-NNNNN-YYYY: write the "
        "serial number with five digits, RUN-00386-2023",
        f"{files.case}:31: beslutspunkter: the decision must state the amount itself: write "
        "{belopp_arligen} (or {belopp_per_ar}, {belopp_per_avtalsar}, {belopp_per_budgetar}) "
        "rather than the value, so it cannot disagree with finansiering",
    ]


@pytest.mark.parametrize(
    ("edits", "problems"),
    [
        pytest.param(
            (
                ("  totalt: 6000000", "  totalt: 4000000"),
                (
                    "      belopp_per_ar: 2000000\n",
                    "      belopp_per_ar: 2000000\n      totalt: 5000000\n",
                ),
            ),
            (
                "<case>:28: finansiering.finansiarer[0].totalt: Region Norrbotten - ERP's amounts "
                "add up to 6,000,000 kronor, 1,000,000 kronor more than totalt 5,000,000",
                "<case>:29: finansiering.totalt: the financiers add up to 6,000,000 kronor "
                "(Region Norrbotten - ERP 6,000,000), 2,000,000 kronor more than totalt "
                "4,000,000",
            ),
            id="totalt-and-financiers",
        ),
        pytest.param(
            (("start: 2023-10-01", "start: 2023-10-02"), ("slut: 2026-09-30", "slut: 2026-09-29")),
            (
                "<case>:22: finansiering.period.start: the period must start on the first of a "
                "month, got 2023-10-02: write 2023-10-01 or 2023-11-01",
                "<case>:23: finansiering.period.slut: the period must end on the last day of a "
                "month, got 2026-09-29 (the month ends on 2026-09-30)",
            ),
            id="period-start-and-end",
        ),
    ],
)
def test_independent_cross_field_problems_are_all_reported(
    tmp_path: Path, edits: tuple[Edit, ...], problems: tuple[str, ...]
) -> None:
    files = write_files(tmp_path, edit(SEED_TEXT, *edits))
    assert problems_of(files.case) == [files.expand(p) for p in problems]


def test_quoted_words_at_both_ends_of_a_text_are_not_word_quotes_around_it(
    tmp_path: Path,
) -> None:
    """A text that quotes a word at its start and another at its end is not a text between
    Word's quotation marks (review21): it loads, with its marks."""
    point = "  - ”Testbädd” avser i detta beslut en miljö enligt avsnittet ”Definitioner”"
    after = "  - Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta "
    after += "beslut."
    files = write_files(tmp_path, edit(SEED_TEXT, (after, f"{after}\n{point}")))
    assert point[4:] in load_case(files.case).arende.beslutspunkter


# --- the valid cases -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.yaml")))
def test_cases_in_repository_load(name: str) -> None:
    case = load_case(CASES / name)
    figures = compute_financing(case.arende.finansiering, case.program.finansiering)
    assert case.program_path == CASES / "program" / "norrbottens-ekosystem.yaml"
    assert sum(row.summa for row in figures.finansiarer) == figures.summa
    assert figures.summa == case.arende.finansiering.summa
    assert case.arende.exempel is name.startswith("exempel-")


def test_seed_derived_facts() -> None:
    case = load_case(SEED)
    money = case.arende.finansiering
    figures = compute_financing(money, case.program.finansiering)
    assert case.arende.dnr == "RUN-00386-2023"
    assert money.summa == figures.summa == figures.region_summa == 6_000_000
    assert money.period.ar == Fraction(3)
    assert money.period.manader == 36
    assert [row.summa for row in figures.finansiarer] == [6_000_000]
    assert figures.region_per_ar == 2_000_000
    assert money.totalt == 6_000_000
    assert case.program.namn == "Norrbottens ekosystem"


def test_seed_copied_unchanged_loads(tmp_path: Path) -> None:
    """The fixture itself: the unedited seed and program load from tmp_path."""
    files = write_files(tmp_path)
    assert load_case(files.case).arende.finansiering.summa == 6_000_000


def test_broken_years_example() -> None:
    money = load_case(CASES / "exempel-kreativa-norrbotten.yaml").arende.finansiering
    assert money.period.ar == Fraction(5, 2)
    assert money.summa == 2_000_000


def _wrapped(text: str, key: str) -> str:
    """``text`` with all its lines indented two spaces under ``key:``."""
    return f"{key}:\n" + "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())


@pytest.mark.parametrize("key", ["arende", "ärende"])
def test_a_case_wrapped_in_a_key_of_its_own_is_told_to_stand_at_the_top_level(
    tmp_path: Path, key: str
) -> None:
    """Not "unknown key 'arende'" and every key missing: one line, what to do."""
    files = write_files(tmp_path, _wrapped(SEED_TEXT, key))
    assert problems_of(files.case) == [
        f"{files.case}:1: {key}: the case's keys must stand at the top level of the file, not "
        f"under '{key}:': remove the line '{key}:' and the 2 spaces before each line under "
        "it, so that program starts the line as the keys of the shipped case files do"
    ]
    i18n.set_language("sv")
    assert problems_of(files.case) == [
        f"{files.case}:1: {key}: ärendets nycklar ska stå på filens översta nivå (utan "
        f"indrag), inte under '{key}:': ta bort raden '{key}:' och de 2 mellanslagen före "
        "varje rad under den, så att program börjar raden så som nycklarna gör i "
        "ärendefilerna som följer med avtalsgen"
    ]


def test_one_key_over_unknown_keys_is_no_wrapped_case(tmp_path: Path) -> None:
    files = write_files(tmp_path, "arende:\n  namn: x\n  belopp: 5\n")
    problems = problems_of(files.case)
    assert problems[0] == (
        f"{files.case}:1: arende: unknown key 'arende'; `avtalsgen schema` lists the keys"
    )
    assert not [problem for problem in problems if "top level of the file, not under" in problem]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "here go keys with values (key: value), not 'Box 12, 941 21 Piteå': write "),
        ("sv", "här ska stå nycklar med värden (nyckel: värde), inte 'Box 12, 941 21 Piteå': "),
    ],
)
def test_check_names_an_address_s_keys_in_the_language_asked(
    tmp_path: Path, language: str, said: str
) -> None:
    """The command line, ``--lang``: a postal address on one line is told with the keys an
    address has, its own values in them (QA walk 20: the message named no key)."""
    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    files = write_files(
        tmp_path, edit(SEED_TEXT, ("  adress: null\n", "  adress: Box 12, 941 21 Piteå\n"))
    )
    result = CliRunner().invoke(app, ["check", "--lang", language, str(files.case)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"{files.case}:17: aktor.adress: {said}"), result.stderr
    assert "{utdelningsadress: Box 12, postnummer: 941 21, ort: Piteå}" in result.stderr
    i18n.set_language(None)
