"""A case file that a meeting's paragraph decides but that cannot be read as a case (a tab,
Latin-1 text, an empty file, ``dnr RUN-…`` without its colon) is told by its own problems,
not as a paragraph on a Dnr no case file has. Found by qa16: ``build FOLDER/`` printed only
"paragrafer[0].dnr: ingen ärendefil i … har diarienummer …; inget byggdes: rätta
paragrafens dnr eller lägg till ärendefilen", the wrong advice; ``check`` showed the cause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli, seed_alone

SEED = "RUN-00386-2023.yaml"
MEETING = "sammantraden/exempel-run-2023-12-05.yaml"


def _tab(text: str) -> str:
    return text.replace("\n  kortnamn:", "\n\tkortnamn:")


def _latin1(text: str) -> str:
    return text  # written as Latin-1 below


def _empty(text: str) -> str:
    return "# RUN-00386-2023: to be written\n"


def _no_colon(text: str) -> str:
    return text.replace("\ndnr: RUN-00386-2023", "\ndnr RUN-00386-2023")


BREAKS: dict[str, Callable[[str], str]] = {
    "tab": _tab,
    "latin1": _latin1,
    "empty": _empty,
    "dnr-without-colon": _no_colon,
}


@pytest.mark.parametrize("how", list(BREAKS))
def test_the_case_files_own_problems_are_told(cases: Path, how: str) -> None:
    meeting = seed_alone(cases)
    case = cases / SEED
    text = BREAKS[how](case.read_text(encoding="utf-8"))
    case.write_bytes(text.encode("latin-1", "replace") if how == "latin1" else text.encode())
    own = run_cli("check", str(case), lang="sv").stderr.splitlines()[0]
    assert own.startswith(f"{case}:")
    if how == "tab":
        line = text.splitlines().index("\tkortnamn: Swedish Lapland vb") + 1
        assert own == f"{case}:{line}: använd mellanslag för indrag, inte tabb"
    wrong = "ingen ärendefil i"
    output = cases.parent / "output"

    built = run_cli("build", str(cases), "--output", str(output), lang="sv")
    assert built.returncode == 1
    assert own in built.stderr.splitlines()
    assert wrong not in built.stderr + built.stdout
    assert not (output / "RUN-00386-2023").exists()

    status = run_cli("status", str(cases), "--output", str(output), lang="sv")
    assert status.returncode == 1
    assert own in status.stderr.splitlines()
    assert wrong not in status.stderr + status.stdout

    paragraph = (
        f"{meeting}:23: paragrafer[0].dnr: ärendefilen till RUN-00386-2023, {case}, är "
        "felaktig: rätta den (dess fel står på raderna som börjar med dess namn)"
    )
    checked = run_cli("check", str(cases), lang="sv")
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[:2] == [own, paragraph]
    for command in ("utdrag", "anslag"):
        result = run_cli(command, str(meeting), "--output", str(output), lang="sv")
        assert result.returncode == 1
        assert result.stderr.splitlines()[:2] == [paragraph, own]
    assert not (output / "RUN-00386-2023").exists()
    assert not (output / "sammantraden").exists()


def test_a_file_that_names_no_dnr_may_be_the_case_and_stops_the_build(cases: Path) -> None:
    meeting = seed_alone(cases)
    (cases / SEED).unlink()
    new = cases / "nytt.yaml"
    new.write_text("# ett nytt ärende\n", encoding="utf-8")
    own = (
        f"{new}:1: (filen): filen är tom (eller innehåller bara kommentarer): skriv dess "
        "nycklar med värden, en per rad (nyckel: värde); `avtalsgen schema` visar vilka "
        "nycklar som finns"
    )
    paragraph = (
        f"{meeting}:23: paragrafer[0].dnr: ingen giltig ärendefil i {cases} har "
        f"diarienummer RUN-00386-2023, och {new} är felaktig, så det kan vara den: rätta den "
        "(dess fel står på raderna som börjar med dess namn), eller paragrafens dnr"
    )
    summary = f"1 ärendefil och 1 sammanträdesfil har fel: {new}, {meeting}"
    output = cases.parent / "output"
    built = run_cli("build", str(cases), "--output", str(output), lang="sv")
    assert built.returncode == 1
    assert built.stderr.splitlines() == [
        own,
        paragraph,
        f"{summary}; inget byggdes: rätta ärendefilen, eller paragrafens dnr",
    ]
    assert not output.exists()
    status = run_cli("status", str(cases), "--output", str(output), lang="en")
    assert status.returncode == 1
    assert status.stderr.splitlines()[-1] == (
        f"1 case file and 1 meeting file have problems: {new}, {meeting}; no status is shown: "
        "correct the case file, or the paragraph's dnr"
    )


def test_an_unreadable_file_of_another_dnr_does_not_hide_a_mistyped_dnr(cases: Path) -> None:
    meeting = seed_alone(cases)
    other = cases / "annat.yaml"
    other.write_text("dnr: RUN-00999-2023\n\tnamnd: x\n", encoding="utf-8")
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("dnr: RUN-00386-2023", "dnr: RUN-00368-2023"), "utf-8")
    built = run_cli("build", str(cases), "--output", str(cases.parent / "output"), lang="sv")
    assert built.returncode == 1
    assert built.stderr.splitlines() == [
        f"{meeting}:23: paragrafer[0].dnr: ingen ärendefil i {cases} har diarienummer "
        "RUN-00368-2023",
        f"1 sammanträdesfil har fel: {meeting}; inget byggdes: rätta paragrafens dnr eller "
        "lägg till ärendefilen",
    ]
