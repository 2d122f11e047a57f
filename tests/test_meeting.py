"""Meeting files: the model's rules, the last day to appeal, and invalid files with the exact
problems ``load_meeting`` reports.

Invalid files are :data:`BASE` with a small textual edit (each edit asserts that the text it
replaces occurs exactly once). They are written to ``<tmp>/cases/sammantraden/`` beside a copy
of the shipped case files, so ``arenden: ..`` finds them. Expected problems use ``<meeting>``
and ``<cases>`` for the paths in ``tmp_path``; line numbers refer to :data:`BASE`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Edit, edit

from avtalsgen import i18n
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.justering import index_cases, load_meeting
from avtalsgen.model.meeting import Sammantrade, fridagar, sista_dag_for_overklagande
from avtalsgen.model.schema import json_schema

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "cases"
EXAMPLES = sorted((CASES / "sammantraden").glob("*.yaml"))

#: A valid meeting deciding the seed case (§ 211, omedelbart justerad) and an example case.
BASE = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2023-12-05
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2023-12-12
anslagsdatum: 2023-12-13
arenden: ..
paragrafer:
  - paragraf: 211
    dnr: RUN-00386-2023
    beslut: enligt förslaget
    omedelbart_justerad: true
    anslagsdatum: 2023-12-06
  - paragraf: 212
    dnr: RUN-90001-2023
    beslut: enligt förslaget
"""


@dataclass(frozen=True)
class Files:
    """A meeting file below a copy of the shipped case files."""

    cases: Path
    meeting: Path

    def expand(self, problem: str) -> str:
        return problem.replace("<meeting>", str(self.meeting)).replace("<cases>", str(self.cases))


def write_meeting(tmp_path: Path, text: str = BASE) -> Files:
    cases = tmp_path / "cases"
    shutil.copytree(CASES, cases, ignore=shutil.ignore_patterns("sammantraden"))
    meeting = cases / "sammantraden" / "m.yaml"
    meeting.parent.mkdir()
    meeting.write_text(text, encoding="utf-8")
    return Files(cases=cases, meeting=meeting)


@pytest.fixture
def english() -> Iterator[None]:
    """Messages in English (the source language) while the test runs."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CaseError) as info:
        load_meeting(path)
    return info.value.problems


# --- the model ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anslag", "last"),
    [
        ("2024-01-10", "2024-01-31"),  # an ordinary Wednesday three weeks later
        ("2023-12-06", "2023-12-27"),  # the day after annandag jul
        ("2024-12-04", "2024-12-27"),  # juldagen, annandag jul -> Friday
        ("2025-03-28", "2025-04-22"),  # långfredagen, påsk, annandag påsk -> Tuesday
        ("2025-05-08", "2025-05-30"),  # Kristi himmelsfärdsdag -> Friday
        ("2025-05-30", "2025-06-23"),  # midsommarafton, weekend -> Monday
        ("2025-05-16", "2025-06-09"),  # 6 June (national day, a Friday) -> Monday
        ("2025-12-10", "2026-01-02"),  # nyårsafton, nyårsdagen -> Friday 2 January
    ],
)
def test_last_day_to_appeal(anslag: str, last: str) -> None:
    assert sista_dag_for_overklagande(dt.date.fromisoformat(anslag)) == dt.date.fromisoformat(last)


def test_holidays_of_a_year() -> None:
    days = {d.isoformat() for d in fridagar(2024)}
    assert {"2024-03-29", "2024-04-01", "2024-05-09", "2024-06-21", "2024-12-24"} <= days
    assert "2024-05-20" not in days  # annandag pingst is no longer a holiday (since 2005)


def test_example_meetings_load() -> None:
    assert len(EXAMPLES) >= 2
    decided: dict[str, int] = {}
    for path in EXAMPLES:
        meeting = load_meeting(path)
        assert meeting.sammantrade.exempel, f"{path} must be marked as an example"
        assert path.read_text(encoding="utf-8").startswith("# EXEMPEL")
        for paragraf in meeting.sammantrade.paragrafer:
            decided[paragraf.dnr] = paragraf.paragraf
            case = meeting.case(paragraf)
            # An återremiss may have dealt with an earlier version of the proposal.
            if case.arende.datum is not None and paragraf.utfall != "aterremiss":
                assert case.arende.datum <= meeting.sammantrade.datum
    assert set(decided) == {
        "RUN-00386-2023",
        "RUN-90001-2023",
        "RUN-90002-2024",
        "RUN-90003-2024",
        "RUN-90003-2025",
        "RUN-90004-2024",
        "RUN-90005-2024",
    }
    paragrafer = [p for path in EXAMPLES for p in load_meeting(path).sammantrade.paragrafer]
    assert any(p.omedelbart_justerad for p in paragrafer)
    assert any(not p.enligt_forslaget for p in paragrafer)


def test_justering_of_paragraphs(tmp_path: Path) -> None:
    meeting = load_meeting(write_meeting(tmp_path).meeting).sammantrade
    first, second = meeting.paragrafer
    now = meeting.justering(first)
    assert (now.justeringsdatum, now.anslagsdatum, now.omedelbart) == (
        dt.date(2023, 12, 5),
        dt.date(2023, 12, 6),
        True,
    )
    assert now.sista_dag_for_overklagande == dt.date(2023, 12, 27)
    later = meeting.justering(second)
    assert (later.justeringsdatum, later.anslagsdatum, later.omedelbart) == (
        dt.date(2023, 12, 12),
        dt.date(2023, 12, 13),
        False,
    )
    assert meeting.sista_dag_for_overklagande == dt.date(2024, 1, 3)
    assert first.enligt_forslaget and first.beslut is None
    assert meeting.paragraf(212) is second and meeting.paragraf(1) is None


def test_amended_decision_and_own_recipients(tmp_path: Path) -> None:
    text = edit(
        BASE,
        (
            "    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n",
            "    dnr: RUN-90001-2023\n    beslut:\n      - Första {aktor}.\n"
            "      - Andra.\n    ej_i_avtalet: [2]\n    skickas_till:\n      - Kommunstyrelsen\n",
        ),
    )
    paragraf = load_meeting(write_meeting(tmp_path, text).meeting).sammantrade.paragrafer[1]
    assert paragraf.beslut == ["Första {aktor}.", "Andra."]
    assert not paragraf.enligt_forslaget
    assert paragraf.skickas_till == ["Kommunstyrelsen"]
    # Point 2 rewritten in free words concerns no agreement term: so marked, or refused
    # (test_decided_conditions).
    assert paragraf.ej_i_avtalet == [2]


def test_schema_describes_the_fields() -> None:
    schema = json_schema(Sammantrade)
    assert "arenden" in schema["properties"]
    assert "relative to this file" in schema["properties"]["arenden"]["description"]
    paragraf = schema["$defs"]["Paragraf"]["properties"]
    assert paragraf["beslut"]["oneOf"][0] == {"const": "enligt förslaget"}
    assert "omedelbar" in paragraf["omedelbart_justerad"]["description"]


def test_case_index_skips_non_cases(tmp_path: Path) -> None:
    files = write_meeting(tmp_path)
    (files.cases / "trasig.yaml").write_text("dnr: [\n", encoding="utf-8")
    (files.cases / "annat.yaml").write_text("namn: inte ett ärende\n", encoding="utf-8")
    index = index_cases(files.cases)
    assert index.by_dnr["RUN-00386-2023"] == [files.cases / "RUN-00386-2023.yaml"]
    assert index.unreadable == [files.cases / "trasig.yaml"]
    assert all(files.cases / "annat.yaml" not in paths for paths in index.by_dnr.values())


# --- invalid meeting files, each with its exact problems ------------------------------------


@dataclass(frozen=True)
class Invalid:
    """One invalid meeting file: its edits of :data:`BASE` and its problems in English and
    in Swedish (``sv``)."""

    id: str
    edits: tuple[Edit, ...]
    problems: tuple[str, ...]
    sv: tuple[str, ...]


INVALID = [
    Invalid(
        "late-justering",
        (
            ("justeringsdatum: 2023-12-12", "justeringsdatum: 2023-12-20"),
            ("anslagsdatum: 2023-12-13", "anslagsdatum: 2023-12-21"),
        ),
        (
            "<meeting>:9: justeringsdatum: the minutes must be justerade no later than 14 days "
            "after the meeting (2023-12-05), that is by 2023-12-19, got 2023-12-20",
        ),
        sv=(
            "<meeting>:9: justeringsdatum: protokollet ska justeras senast 14 dagar efter "
            "sammanträdet (2023-12-05), alltså senast 2023-12-19, inte 2023-12-20",
        ),
    ),
    Invalid(
        "justering-left-out",
        (("justeringsdatum: 2023-12-12", "justeringsdatum: null"),),
        ("<meeting>:9: justeringsdatum: a date is required here, written YYYY-MM-DD",),
        sv=("<meeting>:9: justeringsdatum: här krävs ett datum, skrivet ÅÅÅÅ-MM-DD",),
    ),
    Invalid(
        "justering-before-meeting",
        (
            ("justeringsdatum: 2023-12-12", "justeringsdatum: 2023-12-04"),
            ("anslagsdatum: 2023-12-13", "anslagsdatum: 2023-12-05"),
        ),
        (
            "<meeting>:9: justeringsdatum: the justering (2023-12-04) is before the meeting "
            "(2023-12-05): write a justeringsdatum on the meeting's day or later",
        ),
        sv=(
            "<meeting>:9: justeringsdatum: justeringen (2023-12-04) ligger före sammanträdet "
            "(2023-12-05): skriv ett justeringsdatum på sammanträdets dag eller senare",
        ),
    ),
    Invalid(
        "late-notice",
        (("anslagsdatum: 2023-12-13", "anslagsdatum: 2023-12-15"),),
        (
            "<meeting>:10: anslagsdatum: the notice must go up on the anslagstavla no later "
            "than 2 days after the justering (2023-12-12), that is by 2023-12-14, got 2023-12-15",
        ),
        sv=(
            "<meeting>:10: anslagsdatum: anslaget ska sättas upp på anslagstavlan senast 2 "
            "dagar efter justeringen (2023-12-12), alltså senast 2023-12-14, inte 2023-12-15",
        ),
    ),
    Invalid(
        "notice-before-justering",
        (("anslagsdatum: 2023-12-13", "anslagsdatum: 2023-12-11"),),
        (
            "<meeting>:10: anslagsdatum: the notice (2023-12-11) is before the justering "
            "(2023-12-12): write an anslagsdatum on the justering's day or later",
        ),
        sv=(
            "<meeting>:10: anslagsdatum: anslaget (2023-12-11) ligger före justeringen "
            "(2023-12-12): skriv ett anslagsdatum på justeringens dag eller senare",
        ),
    ),
    Invalid(
        "late-notice-of-omedelbart-justerad-paragraph",
        (("    anslagsdatum: 2023-12-06", "    anslagsdatum: 2023-12-08"),),
        (
            "<meeting>:17: paragrafer[0].anslagsdatum: the notice must go up on the "
            "anslagstavla no later than 2 days after the justering (2023-12-05), that is by "
            "2023-12-07, got 2023-12-08",
        ),
        sv=(
            "<meeting>:17: paragrafer[0].anslagsdatum: anslaget ska sättas upp på anslagstavlan "
            "senast 2 dagar efter justeringen (2023-12-05), alltså senast 2023-12-07, inte "
            "2023-12-08",
        ),
    ),
    Invalid(
        "omedelbart-justerad-announced-with-the-minutes-too-late",
        (("    anslagsdatum: 2023-12-06\n", ""),),
        (
            "<meeting>:16: paragrafer[0].omedelbart_justerad: an omedelbart justerad paragraph "
            "is announced no later than 2 days after the meeting, by 2023-12-07, but the "
            "minutes' anslagsdatum is 2023-12-13: give the paragraph its own anslagsdatum",
        ),
        sv=(
            "<meeting>:16: paragrafer[0].omedelbart_justerad: en omedelbart justerad paragraf "
            "ska tillkännages senast 2 dagar efter sammanträdet, alltså senast 2023-12-07, men "
            "protokollets anslagsdatum är 2023-12-13: ge paragrafen ett eget anslagsdatum",
        ),
    ),
    Invalid(
        "own-notice-date-without-omedelbar-justering",
        (("    omedelbart_justerad: true\n", ""),),
        (
            "<meeting>:16: paragrafer[0].anslagsdatum: only an omedelbart justerad paragraph "
            "has an anslagsdatum of its own; the others are announced with the minutes (the "
            "meeting's anslagsdatum)",
        ),
        sv=(
            "<meeting>:16: paragrafer[0].anslagsdatum: bara en omedelbart justerad paragraf har "
            "ett eget anslagsdatum; övriga tillkännages med protokollet (sammanträdets "
            "anslagsdatum)",
        ),
    ),
    Invalid(
        "duplicate-paragraph-number",
        (("paragraf: 212", "paragraf: 211"),),
        (
            "<meeting>:18: paragrafer[1].paragraf: § 211 appears twice (also paragrafer[0]); § "
            "numbers are unique within a meeting",
        ),
        sv=(
            "<meeting>:18: paragrafer[1].paragraf: § 211 förekommer två gånger (även "
            "paragrafer[0]); ett paragrafnummer får bara finnas en gång per sammanträde",
        ),
    ),
    Invalid(
        "unknown-dnr",
        (("dnr: RUN-90001-2023", "dnr: RUN-99999-2023"),),
        ("<meeting>:19: paragrafer[1].dnr: no case file in <cases> has Dnr RUN-99999-2023",),
        sv=(
            "<meeting>:19: paragrafer[1].dnr: ingen ärendefil i <cases> har diarienummer "
            "RUN-99999-2023",
        ),
    ),
    Invalid(
        "committee-mismatch",
        (("namnd: Regionala utvecklingsnämnden", "namnd: Kulturnämnden"),),
        (
            "<meeting>:14: paragrafer[0].dnr: RUN-00386-2023 goes to Regionala "
            "utvecklingsnämnden, not to Kulturnämnden",
            "<meeting>:19: paragrafer[1].dnr: RUN-90001-2023 goes to Regionala "
            "utvecklingsnämnden, not to Kulturnämnden",
        ),
        sv=(
            "<meeting>:14: paragrafer[0].dnr: RUN-00386-2023 ska till Regionala "
            "utvecklingsnämnden, inte till Kulturnämnden",
            "<meeting>:19: paragrafer[1].dnr: RUN-90001-2023 ska till Regionala "
            "utvecklingsnämnden, inte till Kulturnämnden",
        ),
    ),
    Invalid(
        "proposal-dated-after-meeting",
        (("dnr: RUN-90001-2023", "dnr: RUN-90002-2024"),),
        (
            "<meeting>:19: paragrafer[1].dnr: the beslutsförslag of RUN-90002-2024 is dated "
            "2024-11-05 (<cases>/exempel-kreativa-norrbotten.yaml:8: datum), after the meeting "
            "(2023-12-05): a proposal is dated no later than the meeting that decides it; "
            "correct the case file's datum, or the meeting's if that is the wrong one",
        ),
        sv=(
            "<meeting>:19: paragrafer[1].dnr: beslutsförslaget i RUN-90002-2024 är daterat "
            "2024-11-05 (<cases>/exempel-kreativa-norrbotten.yaml:8: datum), efter sammanträdet "
            "(2023-12-05): ett beslutsförslag dateras senast på dagen för sammanträdet som "
            "beslutar om det; rätta ärendefilens datum, eller sammanträdets om det är det som "
            "är fel",
        ),
    ),
    Invalid(
        "example-case-at-a-real-meeting",
        (("exempel: true", "exempel: false"),),
        (
            "<meeting>:19: paragrafer[1].dnr: RUN-90001-2023 is a fictitious example case "
            "(exempel: true); only an example meeting (exempel: true) may decide it",
        ),
        sv=(
            "<meeting>:19: paragrafer[1].dnr: RUN-90001-2023 är ett påhittat exempelärende "
            "(exempel: true); bara ett exempelsammanträde (exempel: true) får besluta om det",
        ),
    ),
    Invalid(
        "unknown-key",
        (("plats: Regionhuset, Luleå", "plats: Regionhuset, Luleå\ntid: 09.00–12.00"),),
        (
            "<meeting>:5: tid: unknown key 'tid'; the keys here are 'exempel', 'namnd', "
            "'datum', 'plats', 'ordforande', 'sekreterare', 'justerare', 'justeringsdatum', "
            "'anslagsdatum', 'arenden' and 'paragrafer'",
        ),
        sv=(
            "<meeting>:5: tid: okänd nyckel 'tid'; här finns nycklarna 'exempel', 'namnd', "
            "'datum', 'plats', 'ordforande', 'sekreterare', 'justerare', 'justeringsdatum', "
            "'anslagsdatum', 'arenden' och 'paragrafer'",
        ),
    ),
    Invalid(
        "unknown-key-in-paragraph",
        (
            (
                "    beslut: enligt förslaget\n    omedelbart",
                "    beslut: enligt förslaget\n    reservation: ja\n    omedelbart",
            ),
        ),
        (
            "<meeting>:16: paragrafer[0].reservation: unknown key 'reservation' — did you mean "
            "'reservationer'?",
        ),
        sv=(
            "<meeting>:16: paragrafer[0].reservation: okänd nyckel 'reservation' — menade du "
            "'reservationer'?",
        ),
    ),
    Invalid(
        "misspelt-outcome",
        (("    dnr: RUN-90001-2023\n", "    dnr: RUN-90001-2023\n    utfall: avslg\n"),),
        (
            "<meeting>:20: paragrafer[1].utfall: choose 'bifall', 'bifall_med_andring', "
            "'avslag', 'aterremiss' or 'bordlaggning', not 'avslg' — did you mean 'avslag'?",
        ),
        sv=(
            "<meeting>:20: paragrafer[1].utfall: välj 'bifall', 'bifall_med_andring', "
            "'avslag', 'aterremiss' eller 'bordlaggning', inte 'avslg' — menade du 'avslag'?",
        ),
    ),
    Invalid(
        "bad-date",
        (("datum: 2023-12-05", "datum: 2023-12-32"),),
        (
            "<meeting>:3: datum: 2023-12-32 is not a real date: December 2023 has 31 days; "
            "write a day from 01 to 31",
        ),
        sv=(
            "<meeting>:3: datum: datumet 2023-12-32 finns inte: december 2023 har 31 dagar; "
            "skriv en dag från 01 till 31",
        ),
    ),
    Invalid(
        "date-not-iso",
        (("justeringsdatum: 2023-12-12", "justeringsdatum: 12/12/2023"),),
        (
            "<meeting>:9: justeringsdatum: dates are written YYYY-MM-DD: write 2023-12-12, not "
            "12/12/2023",
        ),
        sv=(
            "<meeting>:9: justeringsdatum: datum skrivs ÅÅÅÅ-MM-DD: skriv 2023-12-12, inte "
            "12/12/2023",
        ),
    ),
    Invalid(
        "missing-field",
        (("sekreterare: Lena Exempelsson\n", ""),),
        (
            "<meeting>:19: sekreterare: required field is missing: add the key 'sekreterare' at "
            "the top level of the file (not indented)",
        ),
        sv=(
            "<meeting>:19: sekreterare: obligatoriskt fält saknas: lägg till nyckeln "
            "'sekreterare' på filens översta nivå (utan indrag)",
        ),
    ),
    Invalid(
        "missing-field-in-paragraph",
        (("    dnr: RUN-90001-2023\n", ""),),
        ("<meeting>:18: paragrafer[1].dnr: required field is missing: add the key 'dnr'",),
        sv=("<meeting>:18: paragrafer[1].dnr: obligatoriskt fält saknas: lägg till nyckeln 'dnr'",),
    ),
    Invalid(
        "no-justerare",
        (("justerare:\n  - Johan Exempelsson\n", "justerare: []\n"),),
        (
            "<meeting>:7: justerare: the list is empty: add the members who attest the minutes "
            "(at least one), each on a line of its own starting with '- '",
        ),
        sv=(
            "<meeting>:7: justerare: listan är tom: lägg till ledamöterna som justerar "
            "protokollet (minst en), var och en på en egen rad som börjar med '- '",
        ),
    ),
    Invalid(
        "chair-as-justerare",
        (("  - Johan Exempelsson", "  - Maria Exempelsdotter"),),
        (
            "<meeting>:8: justerare[0]: Maria Exempelsdotter is the chair, who justerar anyway; "
            "a justerare is another member",
        ),
        sv=(
            "<meeting>:8: justerare[0]: Maria Exempelsdotter är ordförande och justerar ändå; "
            "justerare ska vara en annan ledamot",
        ),
    ),
    Invalid(
        "paragraph-number-as-text",
        (("paragraf: 212", "paragraf: § 212"),),
        (
            "<meeting>:18: paragrafer[1].paragraf: a § number is written as plain digits: write "
            "212, not '§ 212'",
        ),
        sv=(
            "<meeting>:18: paragrafer[1].paragraf: ett paragrafnummer skrivs med bara siffror: "
            "skriv 212, inte '§ 212'",
        ),
    ),
    Invalid(
        "bad-dnr",
        (("dnr: RUN-90001-2023", "dnr: RUN-9001-2023"),),
        (
            "<meeting>:19: paragrafer[1].dnr: 'RUN-9001-2023' is not a Dnr of the form "
            "RUN-NNNNN-YYYY: write the serial number with five digits, RUN-09001-2023",
        ),
        sv=(
            "<meeting>:19: paragrafer[1].dnr: 'RUN-9001-2023' är inte ett diarienummer på "
            "formen RUN-NNNNN-ÅÅÅÅ: skriv löpnumret med fem siffror, RUN-09001-2023",
        ),
    ),
    Invalid(
        "decision-neither-as-proposed-nor-a-list",
        (
            (
                "    beslut: enligt förslaget\n    omedelbart",
                "    beslut: bifall\n    omedelbart",
            ),
        ),
        (
            "<meeting>:15: paragrafer[0].beslut: write 'enligt förslaget', or the decision "
            "points as the committee amended them (a list), got 'bifall'",
        ),
        sv=(
            "<meeting>:15: paragrafer[0].beslut: skriv 'enligt förslaget', eller "
            "beslutspunkterna så som nämnden ändrade dem (en lista), inte 'bifall'",
        ),
    ),
    Invalid(
        "amended-decision-with-unknown-placeholder",
        (
            (
                "    beslut: enligt förslaget\n    omedelbart",
                "    beslut:\n      - Beviljas {beloop}.\n    omedelbart",
            ),
        ),
        (
            "<meeting>:16: paragrafer[0].beslut[0]: unknown placeholder {beloop}; `avtalsgen "
            "schema` lists the placeholders",
        ),
        sv=(
            "<meeting>:16: paragrafer[0].beslut[0]: okänd platshållare {beloop}; `avtalsgen "
            "schema` visar platshållarna",
        ),
    ),
    Invalid(
        "case-folder-missing",
        (("arenden: ..", "arenden: ../arenden"),),
        ("<meeting>:11: arenden: folder not found: <cases>/arenden",),
        sv=("<meeting>:11: arenden: mappen finns inte: <cases>/arenden",),
    ),
]


INVALID += [
    Invalid(
        "secret-paragraph-without-its-provision",
        (("    dnr: RUN-90001-2023\n", "    dnr: RUN-90001-2023\n    sekretess: true\n"),),
        (
            "<meeting>:20: paragrafer[1].sekretess: a paragraph under sekretess names its "
            "provision: write sekretess: {bestammelse: '21 kap. 7 § OSL', datum: YYYY-MM-DD} "
            "(markerad_av: the secretary by default)",
        ),
        sv=(
            "<meeting>:20: paragrafer[1].sekretess: en paragraf som omfattas av sekretess ska "
            "ange bestämmelsen: skriv sekretess: {bestammelse: '21 kap. 7 § OSL', datum: "
            "ÅÅÅÅ-MM-DD} (markerad_av: sekreteraren om inget annat anges)",
        ),
    ),
    Invalid(
        "secret-paragraph-with-a-provision-that-is-not-one",
        (
            (
                "    dnr: RUN-90001-2023\n",
                "    dnr: RUN-90001-2023\n    sekretess:\n      bestammelse: OSL 21:7\n"
                "      datum: 2023-12-05\n",
            ),
        ),
        (
            "<meeting>:21: paragrafer[1].sekretess.bestammelse: 'OSL 21:7' is not a provision "
            "of offentlighets- och sekretesslagen written as '21 kap. 7 § OSL' (chapter, §, "
            "optionally the stycke, then OSL)",
        ),
        sv=(
            "<meeting>:21: paragrafer[1].sekretess.bestammelse: 'OSL 21:7' är inte en "
            "bestämmelse i offentlighets- och sekretesslagen skriven som '21 kap. 7 § OSL' "
            "(kapitel, paragraf, eventuellt stycke, sedan OSL)",
        ),
    ),
    # The minutes' own words that the extract states: no placeholder left in them.
    *(
        Invalid(
            f"placeholder-in-{name}",
            (("    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n", text),),
            (
                f"<meeting>:{line}: paragrafer[1].{field}: “{marker}” stands for something not "
                "filled in, and the protokollsutdrag would state it as the minutes' words: "
                "write the words the minutes have in its place",
            ),
            sv=(
                f"<meeting>:{line}: paragrafer[1].{field}: ”{marker}” står för något som inte "
                "är ifyllt, och protokollsutdraget skulle ange det som protokollets ord: skriv "
                "protokollets ord i dess ställe",
            ),
        )
        for name, line, field, marker, text in [
            (
                "a-reason",
                21,
                "motivering",
                "[bilaga]",
                "    dnr: RUN-90001-2023\n    utfall: avslag\n"
                "    motivering: Ansökan saknar [bilaga].\n",
            ),
            (
                "a-reservation",
                23,
                "reservationer[0].motivering",
                "TODO",
                "    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n    reservationer:\n"
                "      - namn: Per Exempelsson (M)\n        motivering: TODO\n",
            ),
            (
                "a-voting-order",
                24,
                "votering.ordning",
                "…",
                "    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n    votering:\n"
                "      ja: 7\n      nej: 6\n      ordning: Ja-röst för bifall, nej-röst för …\n",
            ),
        ]
    ),
]


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in INVALID])
def test_invalid_meeting(tmp_path: Path, case: Invalid, language: str) -> None:
    files = write_meeting(tmp_path, edit(BASE, *case.edits))
    i18n.set_language(language)
    expected = case.problems if language == "en" else case.sv
    assert problems_of(files.meeting) == [files.expand(p) for p in expected]


def test_secret_paragraph_names_its_provision(tmp_path: Path) -> None:
    text = edit(
        BASE,
        (
            "    dnr: RUN-90001-2023\n",
            "    dnr: RUN-90001-2023\n    sekretess:\n      bestammelse: 21  kap. 7 § OSL\n"
            "      datum: 2023-12-04\n",
        ),
    )
    meeting = load_meeting(write_meeting(tmp_path, text).meeting).sammantrade
    secret = meeting.paragrafer[1].sekretess
    assert secret is not None
    assert (secret.bestammelse, secret.datum) == ("21 kap. 7 § OSL", dt.date(2023, 12, 4))
    assert meeting.markerad_av(meeting.paragrafer[1]) == "Lena Exempelsson"
    assert meeting.markerad_av(meeting.paragrafer[0]) is None


def test_base_is_valid(tmp_path: Path) -> None:
    assert load_meeting(write_meeting(tmp_path).meeting).sammantrade.paragrafer


def test_every_problem_at_once(tmp_path: Path) -> None:
    text = edit(
        BASE,
        ("anslagsdatum: 2023-12-13", "anslagsdatum: 2023-12-15"),
        ("paragraf: 212", "paragraf: 211"),
        ("dnr: RUN-90001-2023", "dnr: RUN-99999-2023"),
    )
    files = write_meeting(tmp_path, text)
    assert [p.split(": ")[1] for p in problems_of(files.meeting)] == [
        "anslagsdatum",
        "paragrafer[1].paragraf",
        "paragrafer[1].dnr",
    ]


def test_invalid_case_file_is_reported_with_its_own_problems(tmp_path: Path) -> None:
    files = write_meeting(tmp_path)
    seed = files.cases / "RUN-00386-2023.yaml"
    seed.write_text(
        edit(seed.read_text(encoding="utf-8"), ("belopp_per_ar: 2000000", "belopp_per_ar: -5")),
        encoding="utf-8",
    )
    with pytest.raises(CaseError) as own:
        load_case(seed)
    assert problems_of(files.meeting) == [
        f"{files.meeting}:14: paragrafer[0].dnr: the case file {seed} is invalid: its problems "
        "are on the lines that start with its name",
        *own.value.problems,
    ]


def test_dnr_in_two_case_files(tmp_path: Path) -> None:
    files = write_meeting(tmp_path)
    copy = files.cases / "kopia.yaml"
    shutil.copy(files.cases / "RUN-00386-2023.yaml", copy)
    assert problems_of(files.meeting) == [
        f"{files.meeting}:14: paragrafer[0].dnr: Dnr RUN-00386-2023 is in more than one case "
        f"file: {files.cases / 'RUN-00386-2023.yaml'}, {copy}"
    ]


def test_unknown_dnr_names_unreadable_files(tmp_path: Path) -> None:
    files = write_meeting(tmp_path, edit(BASE, ("dnr: RUN-90001-2023", "dnr: RUN-99999-2023")))
    # A file that cannot be read and names another Dnr is another case's: not searched.
    (files.cases / "trasig.yaml").write_text("dnr: [RUN-00001-2023\n", encoding="utf-8")
    assert problems_of(files.meeting) == [
        f"{files.meeting}:19: paragrafer[1].dnr: no case file in {files.cases} has Dnr "
        "RUN-99999-2023 (unreadable, not searched: trasig.yaml)"
    ]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    files = write_meeting(tmp_path, edit(BASE, ("  - Johan Exempelsson", "\t- Johan")))
    problems = problems_of(files.meeting)
    assert len(problems) == 1
    assert problems == [f"{files.meeting}:8: use spaces for indentation, not tabs"]


def test_a_meeting_wrapped_in_a_key_of_its_own_is_told_to_stand_at_the_top_level(
    tmp_path: Path,
) -> None:
    """check, utdrag and a case's build say what to do: one line, not "unknown key
    'sammantrade'" and the keys of a case missing (check took it for a case file)."""
    from conftest import run_cli

    wrapped = "sammantrade:\n" + "".join(f"  {line}\n" for line in BASE.splitlines())
    files = write_meeting(tmp_path, wrapped)
    told = (
        f"{files.meeting}:1: sammantrade: the meeting's keys must stand at the top level of "
        "the file, not under 'sammantrade:': remove the line 'sammantrade:' and the 2 spaces "
        "before each line under it, so that exempel starts the line as the keys of the "
        "shipped meeting files do"
    )
    for done in (
        run_cli("check", str(files.meeting)),
        run_cli("utdrag", str(files.meeting), "--output", str(tmp_path / "out")),
    ):
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines()[0] == told, done.stderr
        assert "Traceback" not in done.stderr
    swedish = run_cli("check", str(files.meeting), lang="sv")
    assert swedish.stderr.splitlines()[0] == (
        f"{files.meeting}:1: sammantrade: sammanträdets nycklar ska stå på filens översta "
        "nivå (utan indrag), inte under 'sammantrade:': ta bort raden 'sammantrade:' och de 2 "
        "mellanslagen före varje rad under den, så att exempel börjar raden så som nycklarna "
        "gör i sammanträdesfilerna som följer med avtalsgen"
    )
    # A case's check reads the meeting files beside it: the same line.
    case = run_cli("check", str(files.cases / "RUN-00386-2023.yaml"))
    assert told in case.stderr.splitlines(), case.stderr
