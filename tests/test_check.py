"""check refuses what build refuses (issue 13, fault 9): two case files of one Dnr, and dates
out of order, by file and line, in the same words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import needs_soffice
from typer.testing import CliRunner

from avtalsgen.cli.app import app
from avtalsgen.model.case import term_start

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

runner = CliRunner()


def line_of(path: Path, text: str) -> int:
    """The line on which ``text`` (its last line, if several) stands in ``path``."""
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text) + len(text)].count("\n") + 1


def edited(cases: Path, name: str, changes: dict[str, str]) -> Path:
    """A copy of the arktiska example (datum 2023-11-14, decided at the example meeting of
    2023-12-05, avtal 2023-12-20, period 2024-01-01 to 2026-12-31) with lines replaced."""
    text = (cases / "exempel-arktiska-testbaddar.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = cases / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_case_files_of_one_dnr(cases: Path) -> None:
    first = cases / "RUN-00386-2023.yaml"
    copy = cases / "kopia.yaml"
    shutil.copy(first, copy)
    result = runner.invoke(app, ["check", str(first), str(copy)])
    assert result.exit_code == 1
    # Each is refused, naming the other: whichever comes first, a build of either took
    # over the Dnr's folder.
    assert result.stderr.splitlines() == [
        f"{first}:6: dnr: RUN-00386-2023 is also the Dnr of {copy}:6; each case has a Dnr of its "
        "own: change the dnr of this file, or remove it if it is a copy",
        f"{copy}:6: dnr: RUN-00386-2023 is also the Dnr of {first}:6; each case has a Dnr of its "
        "own: change the dnr of this file, or remove it if it is a copy",
        f"2 case files have problems: {first}, {copy}",
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"avtal:\n  datum: 2023-12-20": "avtal:\n  datum: 2023-12-01"},
            "avtal.datum: the agreement (2023-12-01) is dated before the decision (2023-12-05, "
            "§ 212 of the meeting of 2023-12-05)",
        ),
        (
            {"extern_utvardering_senast: 2025-11-30": "extern_utvardering_senast: 2027-03-31"},
            "extern_utvardering_senast: the external evaluation (2027-03-31) is after the "
            "period's end 2026-12-31: write a date no later than 2026-12-31",
        ),
        (
            {"forsta_uppfoljning: hösten 2024": "forsta_uppfoljning: våren 2027"},
            "forsta_uppfoljning: the first follow-up (våren 2027) is after the period's end "
            "2026-12-31: name a term that begins no later than 2026-12-31",
        ),
    ],
)
def test_dates_out_of_order_are_refused_by_line(
    cases: Path, changes: dict[str, str], problem: str
) -> None:
    case = edited(cases, "fel.yaml", changes)
    line = line_of(case, next(iter(changes.values())))
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{case}:{line}: {problem}"


def test_a_decision_before_the_proposal_is_refused_at_the_meeting(cases: Path) -> None:
    # The decision's date is the meeting's (entered once, in the meeting file).
    case = edited(cases, "fel.yaml", {"\ndatum: 2023-11-14": "\ndatum: 2023-12-06"})
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    line = line_of(meeting, "dnr: RUN-90001-2023")
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    # Where the proposal's date is, and what to do (it named only the meeting's line).
    dated = line_of(case, "\ndatum: 2023-12-06")
    assert result.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[1].dnr: the beslutsförslag of RUN-90001-2023 is dated "
        f"2023-12-06 ({case}:{dated}: datum), after the meeting "
        "(2023-12-05): a proposal is dated no later than the meeting that decides it; correct "
        "the case file's datum, or the meeting's if that is the wrong one"
    )


def test_the_agreement_before_the_proposal(cases: Path) -> None:
    case = edited(cases, "fel.yaml", {"avtal:\n  datum: 2023-12-20": "avtal:\n  datum: 2023-11-01"})
    line = line_of(case, "avtal:\n  datum: 2023-11-01")
    result = runner.invoke(app, ["check", str(case)])
    assert result.stderr.splitlines()[0] == (
        f"{case}:{line}: avtal.datum: the agreement (2023-11-01) is dated before the proposal "
        "(2023-11-14)"
    )


def test_a_proposal_before_the_year_of_its_dnr(cases: Path) -> None:
    """A Dnr's year is the year the case was registered; its proposal cannot be older (qa18:
    RUN-90007-2026 with a proposal of 2024-11-05 passed)."""
    case = edited(cases, "fel.yaml", {"dnr: RUN-90001-2023": "dnr: RUN-90001-2024"})
    line = line_of(case, "dnr: RUN-90001-2024")
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{case}:{line}: dnr: the Dnr's year (2024) is after the proposal's date (2023-11-14): "
        "a case is registered before its proposal is written; correct the Dnr's year, or datum "
        "if that is the wrong one"
    )
    assert (
        runner.invoke(app, ["check", str(cases / "exempel-arktiska-testbaddar.yaml")]).exit_code
        == 0
    )


def test_terms() -> None:
    assert str(term_start("hösten 2024")) == "2024-07-01"
    assert str(term_start("Våren 2026")) == "2026-01-01"
    assert term_start("under 2025") is None


@needs_soffice
@pytest.mark.libreoffice
def test_build_refuses_them_in_the_same_words(cases: Path, tmp_path: Path) -> None:
    late = edited(
        cases, "sen.yaml", {"forsta_uppfoljning: hösten 2024": "forsta_uppfoljning: våren 2027"}
    )
    copy = cases / "kopia.yaml"
    shutil.copy(cases / "exempel-kreativa-norrbotten.yaml", copy)
    first = cases / "exempel-kreativa-norrbotten.yaml"
    checked = runner.invoke(app, ["check", str(late), str(first), str(copy)])
    output = str(tmp_path / "out")
    built = runner.invoke(app, ["build", str(late), str(first), str(copy),
                                "--only", "beslutsforslag", "--output", output])  # fmt: skip
    assert checked.exit_code == built.exit_code == 1
    for line in checked.stderr.splitlines()[:2]:
        assert line in built.stderr, (line, built.stderr)


def test_a_meeting_file_is_checked_as_one(cases: Path) -> None:
    """A meeting file given to check is read as a sammanträdesfil with the cases it decides,
    not as a case file missing every case key (QA item 15)."""
    from avtalsgen import i18n

    i18n.set_language("sv")
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    result = runner.invoke(app, ["check", str(meeting)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"ok  {meeting}  sammanträdesfil: Regionala utvecklingsnämnden 2023-12-05, 2 paragrafer\n"
    )
    text = meeting.read_text(encoding="utf-8")
    broken = meeting.with_name("trasig.yaml")
    broken.write_text(
        text.replace("justeringsdatum: 2023-12-12", "justeringsdatum: 2024-01-30").replace(
            "dnr: RUN-00386-2023", "dnr: RUN-00999-2023"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(broken), str(cases / "RUN-00386-2023.yaml")])
    assert result.exit_code == 1
    dates = [
        f"{broken}:{line_of(broken, 'justeringsdatum:')}: justeringsdatum: protokollet ska "
        "justeras senast 14 dagar efter sammanträdet (2023-12-05), alltså senast 2023-12-19, "
        "inte 2024-01-30",
        f"{broken}:{line_of(broken, 'anslagsdatum:')}: anslagsdatum: anslaget (2023-12-13) "
        "ligger före justeringen (2024-01-30): skriv ett anslagsdatum på justeringens dag eller "
        "senare",
    ]
    # The seed's check reads the meeting files beside it that name its Dnr (trasig.yaml does,
    # in its first comment), as its build would; their problems are trasig.yaml's, told once
    # and counted as its (it said "2 av 2 filer (ärende- och sammanträdesfiler) har fel", and
    # told the dates twice).
    assert result.stderr.splitlines() == [
        *dates,
        f"{broken}:{line_of(broken, 'dnr: RUN-00999-2023')}: paragrafer[0].dnr: ingen ärendefil "
        f"i {cases} har diarienummer RUN-00999-2023",
        f"{cases / 'RUN-00386-2023.yaml'}: inget fel hittades i själva ärendefilen, men i "
        f"{broken}, som ärendet beror på (se ovan): ärendet byggs inte förrän felen där är "
        "rättade",
        f"1 sammanträdesfil har fel: {broken}",
    ]
    assert "okänd nyckel" not in result.output
    # A file the validation refuses still has its paragraphs' Dnr looked up: all at once.
    broken.write_text(
        text.replace("plats: Regionhuset, Luleå\n", "").replace(
            "dnr: RUN-00386-2023", "dnr: RUN-00999-2023"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{broken}:{line_of(broken, 'dnr: RUN-00999-2023')}: paragrafer[0].dnr: ingen ärendefil "
        f"i {cases} har diarienummer RUN-00999-2023",
        f"1 sammanträdesfil har fel: {broken}",
    ]
    assert result.stderr.splitlines()[0].endswith(
        ": plats: obligatoriskt fält saknas: lägg till nyckeln 'plats' på filens översta nivå "
        "(utan indrag)"
    )


def test_strict_names_the_case_of_a_programs_unknown_fact_and_the_line_of_a_left_out_one(
    cases: Path,
) -> None:
    """check --strict over cases of one program (QA item 18): the program's unknown fact is
    listed once per case and names the case; the program's path is normalised; a fact left
    out of the file is placed at the nearest enclosing key, or (a key of the top level) at
    the end of the file's mapping, where it may be added; never at line 1."""
    from avtalsgen import i18n

    i18n.set_language("en")
    # The program's fact unknown (the shipped program gives the region's signatory as the
    # office): it is counted as the program file's.
    shipped = cases / "program" / "norrbottens-ekosystem.yaml"
    program_text = shipped.read_text(encoding="utf-8")
    assert program_text.count("    namn: Regional utvecklingsdirektör\n") == 1
    shipped.write_text(
        program_text.replace("    namn: Regional utvecklingsdirektör\n", "    namn: null\n"),
        "utf-8",
    )
    qa = cases / "qa"
    qa.mkdir()
    seed = (cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
    assert "\nprogram: program/norrbottens-ekosystem.yaml\n" in seed
    first = qa / "forsta.yaml"
    first.write_text(
        seed.replace("program: program/", "program: ../program/", 1).replace(
            "handlaggare: null\n", ""
        ),
        "utf-8",
    )
    text = (cases / "exempel-kreativa-norrbotten.yaml").read_text(encoding="utf-8")
    second = qa / "andra.yaml"
    second.write_text(
        text.replace("program: program/", "program: ../program/", 1) + "avtal:\n  klausuler: {}\n",
        "utf-8",
    )
    result = runner.invoke(app, ["check", "--strict", str(qa)])
    assert result.exit_code == 1
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    unknown = "not filled in yet (null); the documents show [uppgift saknas]"
    left_out = "left out of the file; the documents show [uppgift saknas] until it is filled in"
    from_program = [line for line in result.stderr.splitlines() if line.startswith(f"{program}:")]
    # The program's fact is counted as the program file's (the cases' own are theirs).
    assert result.stderr.splitlines()[-1] == (
        f"2 case files and 1 program file have problems: {second}, {program}, {first}"
    )
    assert from_program == [
        f"{program}:{line_of(program, 'namn: null')}: avtal.undertecknare.namn: {unknown} "
        f"(for the case {case}, which names this program)"
        for case in (second, first)  # in the order of the files: andra, forsta
    ]
    assert "/../" not in result.stderr
    avtal = line_of(second, "avtal:")
    # The decision's date and § come from the meeting files beside the case files: none
    # decides these copies, so the agreement shows them unknown.
    assert (
        f"{second}:{line_of(second, 'dnr: ')}: dnr: no meeting file decides RUN-90002-2024 yet "
        "(a paragraph in sammantraden/*.yaml beside the case files); the samarbetsavtal shows "
        "[uppgift saknas] for the decision's date and §"
    ) in result.stderr.splitlines()
    for key in ("namn", "titel", "ort"):
        assert f"{second}:{avtal}: avtal.undertecknare.{key}: {left_out}" in result.stderr
    assert f"{second}:1:" not in result.stderr
    # A key of the top level left out: at the file's last line (it was named with no line).
    last = len(first.read_text(encoding="utf-8").rstrip("\n").splitlines())
    assert f"{first}:{last}: handlaggare: {left_out}" in result.stderr.splitlines()


def _without_warnings(stderr: str) -> list[str]:
    """The lines of ``stderr`` but check's warnings (a signatory's name left unknown, as
    the seed case's is: test_signatory_names)."""
    return [line for line in stderr.splitlines() if not line.startswith("varning: ")]


def test_a_meeting_files_fault_found_checking_a_case_is_the_meeting_files(cases: Path) -> None:
    """A fault in a meeting file, found while checking the one case it decides, ended "1 av 1
    ärendefil har fel": the case file has none. The summary counts and names the file the
    fault is in; checked with the folder, the fault is told once, not once per case."""
    from avtalsgen import i18n

    i18n.set_language("sv")
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("utfall: aterremiss", "utfall: aterremis"), encoding="utf-8")
    fault = (
        f"{meeting}:{line_of(meeting, 'utfall: aterremis')}: paragrafer[1].utfall: välj 'bifall', "
        "'bifall_med_andring', 'avslag', 'aterremiss' eller 'bordlaggning', inte 'aterremis' — "
        "menade du 'aterremiss'?"
    )
    case = cases / "exempel-inlandets-innovationsnod.yaml"

    def waits(case: Path) -> str:
        """The line of a case whose problems are the meeting file's (QA walk 20: it had
        none, neither ok nor a problem, and the summary named only the meeting file)."""
        return (
            f"{case}: inget fel hittades i själva ärendefilen, men i {meeting}, som ärendet "
            "beror på (se ovan): ärendet byggs inte förrän felen där är rättade"
        )

    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert _without_warnings(result.stderr) == [
        fault,
        waits(case),
        f"1 sammanträdesfil har fel: {meeting}",
    ]
    result = runner.invoke(app, ["check", str(cases)])
    assert result.exit_code == 1
    # Two cases are decided at that meeting, and the file is checked on its own too: the
    # fault is told once, and each case has its line.
    decided = [line for line in result.stderr.splitlines() if line.startswith(f"{cases}/exempel")]
    assert _without_warnings(result.stderr) == [
        fault,
        *decided,
        f"1 sammanträdesfil har fel: {meeting}",
    ]
    assert len(decided) == 2 and waits(case) in decided
    assert all(line == waits(Path(line.split(": ")[0])) for line in decided)
    i18n.set_language("en")
    result = runner.invoke(app, ["check", str(case), str(cases / "RUN-00386-2023.yaml")])
    assert result.stderr.splitlines()[-1] == f"1 meeting file has problems: {meeting}"
    i18n.set_language(None)
