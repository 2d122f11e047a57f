"""Every command tells a case, meeting or program file by the same rule
(:func:`avtalsgen.input.kinds.kind_of`): build, check and status of a folder, utdrag and
anslag. Three ways of telling had grown apart: a program file kept beside the cases failed
a build of the folder as a broken case, a meeting file whose ``paragrafer`` was misspelt was
checked as a case file ("this is a meeting file (it has paragrafer)", of a file without
it), and a case file with only its ``dnr`` given to utdrag got a line per missing key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import edit, run_cli, seed_alone

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

SEED = "RUN-00386-2023.yaml"
MEETING = "sammantraden/exempel-run-2023-12-05.yaml"
PROGRAM = "program/norrbottens-ekosystem.yaml"


@pytest.mark.libreoffice
def test_a_program_file_beside_the_cases_is_read_as_the_program(cases: Path) -> None:
    meeting = seed_alone(cases)
    program = cases / "program.yaml"
    (cases / PROGRAM).rename(program)
    case = cases / SEED
    case.write_text(
        edit(case.read_text(encoding="utf-8"), (f"program: {PROGRAM}", "program: program.yaml")),
        encoding="utf-8",
    )
    output = cases.parent / "output"

    checked = run_cli("check", str(cases), lang="sv")
    assert checked.returncode == 0
    # Only the seed's own signatory left unknown is warned of (test_signatory_names).
    assert [line for line in checked.stderr.splitlines() if "avtal.undertecknare" not in line] == []
    assert checked.stdout.splitlines() == [
        f"ok  {case}  RUN-00386-2023  Swedish Lapland Visitors Board",
        f"ok  {meeting}  sammanträdesfil: Regionala utvecklingsnämnden 2023-12-05, 1 paragraf",
    ]

    built = run_cli("build", str(cases), "--output", str(output), lang="sv")
    assert built.returncode == 0, built.stderr
    assert str(program) not in built.stdout + built.stderr  # no case, no failure
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert [item["case"] for item in report["cases"]] == [str(case)]
    assert (output / "RUN-00386-2023" / "samarbetsavtal.pdf").is_file()

    status = run_cli("status", str(cases), "--output", str(output), lang="sv")
    assert status.returncode == 0, status.stderr
    heads = [line for line in status.stdout.splitlines() if not line.startswith(" ")]
    assert heads == ["RUN-00386-2023  Swedish Lapland Visitors Board"]
    assert "ärendefilen har fel" not in status.stdout

    extracts = run_cli("utdrag", str(meeting), "--output", str(output), lang="sv")
    assert extracts.returncode == 0, extracts.stderr


@pytest.mark.parametrize(("key", "typo", "line"), [("paragrafer", "paragrafr", 20),
                                                  ("justerare", "justerar", 13)])  # fmt: skip
def test_a_meeting_file_with_a_misspelt_key_is_told_as_a_meeting_file(
    cases: Path, key: str, typo: str, line: int
) -> None:
    meeting = seed_alone(cases)
    meeting.write_text(
        edit(meeting.read_text(encoding="utf-8"), (f"\n{key}:", f"\n{typo}:")), encoding="utf-8"
    )
    said = f"{meeting}:{line}: {typo}: unknown key '{typo}' — did you mean '{key}'?"
    output = cases.parent / "output"

    checked = run_cli("check", str(meeting))
    assert (checked.returncode, checked.stderr.splitlines()) == (
        1,
        [said, f"1 meeting file has problems: {meeting}"],
    )
    checked = run_cli("check", str(cases))
    assert checked.returncode == 1
    assert said in checked.stderr.splitlines()
    assert checked.stderr.splitlines()[-1] == f"1 meeting file has problems: {meeting}"
    for command in ("utdrag", "anslag"):
        result = run_cli(command, str(meeting), "--output", str(output))
        assert (result.returncode, result.stderr.splitlines()) == (1, [said])
    for command in ("build", "status"):
        result = run_cli(command, str(cases), "--output", str(output))
        assert result.returncode == 1
        assert said in result.stderr.splitlines()
        assert "this is a meeting file" not in result.stderr + result.stdout
    assert not (output / "RUN-00386-2023").exists()


@pytest.mark.parametrize("dnr", ["RUN-00386-2023", "RUN-00999-2024"])
def test_a_case_file_with_only_its_dnr_is_a_case_file(cases: Path, dnr: str) -> None:
    meeting = seed_alone(cases)
    case = cases / f"{dnr}.yaml"
    case.write_text(f"dnr: {dnr}\n", encoding="utf-8")
    output = cases.parent / "output"
    missing = (
        f"{case}:1: program: required field is missing: add the key 'program' at the top "
        "level of the file (not indented)"
    )

    if dnr == "RUN-00386-2023":  # the meeting's § 211 names it
        said = (
            f"{case}: this is a case file (it has dnr), not a meeting file: give the meeting's "
            f"file, e.g. {meeting} (it names {dnr})"
        )
    else:
        said = (
            f"{case}: this is a case file (it has dnr), not a meeting file: give a meeting's "
            f"file; the meeting files are in {meeting.parent}, beside the case files"
        )
    for command in ("utdrag", "anslag"):
        result = run_cli(command, str(case), "--output", str(output))
        assert (result.returncode, result.stderr.splitlines()) == (1, [said])

    checked = run_cli("check", str(cases))
    assert checked.returncode == 1
    assert missing in checked.stderr.splitlines()
    assert checked.stderr.splitlines()[-1].startswith("1 case file ")  # (and the meeting)
    for command in ("build", "status"):
        result = run_cli(command, str(cases), "--output", str(output))
        assert result.returncode == 1
        assert missing in result.stderr.splitlines()
    assert not (output / dnr).exists()
