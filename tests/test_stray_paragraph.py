"""A meeting's paragraph on a Dnr no case file has (a mistyped Dnr) stops ``build`` and
``status`` of the folder as it stops ``check``: the case it was meant for would be built and
shown as if the decision had not been made (found: build exit 0, a new packet for a case
whose bifall was mistyped, and status naming it the packet to sign)."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, run_cli, seed_alone


def _typo(cases: Path) -> Path:
    """The folder with the seed and the meeting that decides it, its § 211 on a Dnr that
    no case file has."""
    meeting = seed_alone(cases)
    text = edit(
        meeting.read_text(encoding="utf-8"),
        ("    dnr: RUN-00386-2023\n", "    dnr: RUN-00368-2023\n"),
    )
    meeting.write_text(text, encoding="utf-8")
    return meeting


def test_build_and_status_stop_on_a_paragraph_without_its_case(cases: Path) -> None:
    meeting = _typo(cases)
    line = meeting.read_text(encoding="utf-8").splitlines().index("    dnr: RUN-00368-2023") + 1
    problem = (
        f"{meeting}:{line}: paragrafer[0].dnr: ingen ärendefil i {cases} har diarienummer "
        "RUN-00368-2023"
    )
    summary = f"1 sammanträdesfil har fel: {meeting}"
    output = cases.parent / "output"
    check = run_cli("check", str(cases), lang="sv")
    assert check.returncode == 1
    assert problem in check.stderr.splitlines()
    built = run_cli("build", str(cases), "--output", str(output), lang="sv")
    assert built.returncode == 1
    assert built.stderr.splitlines() == [
        problem,
        f"{summary}; inget byggdes: rätta paragrafens dnr eller lägg till ärendefilen",
    ]
    assert built.stdout == ""
    assert not output.exists()
    status = run_cli("status", str(cases), "--output", str(output), lang="sv")
    assert status.returncode == 1
    assert status.stderr.splitlines() == [
        problem,
        f"{summary}; ingen status visas: rätta paragrafens dnr eller lägg till ärendefilen",
    ]
    assert status.stdout == ""
