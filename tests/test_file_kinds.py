"""A command given one kind of file where it takes another (a case file to utdrag, a
program file to build or utdrag, a case file named as a case's program) says so in one
line, naming what to give instead; found by qa16: utdrag and anslag given a case file
printed 21 lines of "okänd nyckel 'program'" and "obligatoriskt fält saknas: 'plats'"."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

MEETING = "sammantraden/exempel-run-2023-12-05.yaml"
PROGRAM = "program/norrbottens-ekosystem.yaml"


@pytest.mark.parametrize("command", ["utdrag", "anslag", "expediera", "publicera"])
def test_a_case_file_where_a_meeting_file_goes_names_the_meeting(cases: Path, command: str) -> None:
    case, output = cases / "RUN-00386-2023.yaml", cases.parent / "output"
    result = run_cli(command, str(case), "--output", str(output), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{case}: det här är en ärendefil (den har dnr), inte en sammanträdesfil: ange "
        f"sammanträdets fil, t.ex. {cases / MEETING} (den tar upp RUN-00386-2023)"
    ]
    assert not output.exists()


def test_a_case_file_no_meeting_names_is_told_where_the_meetings_are(cases: Path) -> None:
    case = cases / "RUN-00386-2023.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("RUN-00386-2023", "RUN-00777-2025"),
        encoding="utf-8",
    )
    result = run_cli("utdrag", str(case), "--output", str(cases.parent / "output"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{case}: this is a case file (it has dnr), not a meeting file: give a meeting's "
        f"file; the meeting files are in {cases / 'sammantraden'}, beside the case files"
    ]


def test_a_program_file_where_a_meeting_or_case_file_goes(cases: Path) -> None:
    program, output = cases / PROGRAM, cases.parent / "output"
    as_meeting = (
        f"{program}: det här är en programfil (den har strategier), inte en sammanträdesfil: "
        "ange en sammanträdesfil (sammantraden/*.yaml bredvid ärendefilerna)"
    )
    as_case = (
        f"{program}: det här är en programfil (den har strategier), inte en ärendefil: ange "
        "en ärendefil (*.yaml med dnr); programfilen läses med de ärendefiler som anger den "
        "under program"
    )
    for command in ("utdrag", "anslag"):
        result = run_cli(command, str(program), "--output", str(output), lang="sv")
        assert (result.returncode, result.stderr.splitlines()) == (1, [as_meeting])
    result = run_cli("explain", str(program), lang="sv")
    assert (result.returncode, result.stderr.splitlines()) == (1, [as_case])
    result = run_cli("check", str(program), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == as_case
    assert result.stderr.splitlines()[1:] == [f"1 programfil har fel: {program}"]
    result = run_cli("build", str(program), "--output", str(output), lang="sv")
    assert result.returncode == 1
    assert as_case in result.stderr.splitlines()
    assert "okänd nyckel" not in result.stderr + result.stdout
    assert not (output / "RUN-00386-2023").exists()


@pytest.mark.parametrize(
    ("named", "kind"), [("exempel-matkluster.yaml", "a case file"), (MEETING, "a meeting file")]
)
def test_a_case_whose_program_names_a_case_or_meeting_file(
    cases: Path, named: str, kind: str
) -> None:
    case = cases / "RUN-00386-2023.yaml"
    lines = case.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("program:"))
    lines[line - 1] = f"program: {named}"
    case.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", str(case))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{case}:{line}: program: {cases / named} is {kind}, not a program file: name the "
        "program file here (the one with strategier and texter)",
        f"1 case file has problems: {case}",
    ]


def test_a_case_file_among_the_meeting_files_is_told_to_move(cases: Path) -> None:
    stray = cases / "sammantraden" / "arktiska.yaml"
    (cases / "exempel-arktiska-testbaddar.yaml").rename(stray)
    said = (
        f"{stray}: det här är en ärendefil (den har dnr), inte en sammanträdesfil, och i "
        f"{stray.parent} ligger bara sammanträdesfiler: flytta den till {cases}, bredvid de "
        "andra ärendefilerna"
    )
    result = run_cli("utdrag", str(stray), "--output", str(cases.parent / "output"), lang="sv")
    assert (result.returncode, result.stderr.splitlines()) == (1, [said])


def test_a_copy_of_a_case_file_among_the_meeting_files_is_told_to_go(cases: Path) -> None:
    case = cases / "exempel-arktiska-testbaddar.yaml"
    stray = cases / "sammantraden" / "arktiska.yaml"
    stray.write_bytes(case.read_bytes())
    said = (
        f"{stray}: this is a case file (it has dnr), not a meeting file, and only meeting "
        f"files go in {stray.parent}; the case file of RUN-90001-2023 is {case}: remove this "
        f"one from {stray.parent}"
    )
    result = run_cli("utdrag", str(stray), "--output", str(cases.parent / "output"))
    assert (result.returncode, result.stderr.splitlines()) == (1, [said])
    # A case whose meeting files are read (those beside it naming its Dnr) is told the same.
    result = run_cli("check", str(case))
    assert result.returncode == 1
    assert said in result.stderr.splitlines()
    assert "unknown key" not in result.stderr
