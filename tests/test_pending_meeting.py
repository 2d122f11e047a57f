"""A meeting file dated after today (the secretary writes it before the meeting) has decided
nothing yet. Before, a build made the agreement of a bifall at such a meeting, saying
"Regionala utvecklingsnämnden beslutade den 19 januari 2027, § 6" on 2026-12-06, and
`status` called the case "beslutat: bifall"; a later change of a signed agreement at such a
meeting gave a tilläggsavtal citing a decision not taken. Now the case builds as undecided
until the meeting's day, and on that day the next build (not up to date) states the
decision."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import fold
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen import clock, i18n
from avtalsgen.cli.app import app
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import case_history

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

REPO = Path(__file__).resolve().parent.parent
DNR = "RUN-00386-2023"
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

runner = CliRunner()


def meeting_day() -> dt.date:
    """A Tuesday at least a month from today: justering a week later, anslag the day after."""
    day = clock.today() + dt.timedelta(days=30)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """The seed case alone, and a meeting not held yet that grants it (§ 211)."""
    root = tmp_path / "cases"
    shutil.copytree(REPO / "cases" / "program", root / "program")
    shutil.copy(REPO / "cases" / f"{DNR}.yaml", root)
    day = meeting_day()
    (root / "sammantraden").mkdir()
    (root / "sammantraden" / "run.yaml").write_text(
        f"""\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: {day}
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare: [Johan Exempelsson]
justeringsdatum: {day + dt.timedelta(days=7)}
anslagsdatum: {day + dt.timedelta(days=8)}
paragrafer:
  - paragraf: 211
    dnr: {DNR}
""",
        encoding="utf-8",
    )
    return root


def test_a_meeting_after_today_is_pending_until_its_day(cases: Path) -> None:
    case = load_case(cases / f"{DNR}.yaml")
    day = meeting_day()
    before = case_history(case.path, case.arende, case.program, today=day - dt.timedelta(1))
    assert before.decisions == () and before.utfall is None and before.problems == ()
    assert [d.paragraf.paragraf for d in before.pending] == [211]
    assert before.documents == ("beslutsforslag", "samarbetsavtal")  # a draft agreement
    on_the_day = case_history(case.path, case.arende, case.program, today=day)
    assert [d.paragraf.paragraf for d in on_the_day.decisions] == [211]
    assert on_the_day.pending == () and on_the_day.utfall is not None


def test_no_document_states_a_decision_before_the_meeting(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.set_language("en")
    output = tmp_path / "output"
    case = cases / f"{DNR}.yaml"
    day = meeting_day()
    said = f"den {day.day} {MONTHS[day.month - 1]} {day.year}, § 211"

    result = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert result.exit_code == 0, result.output
    agreement = fold(pdftotext(output / DNR / "samarbetsavtal.pdf"))
    assert "beslutade [uppgift saknas], § [uppgift saknas], i ärende med Dnr" in agreement
    assert str(day.year) not in agreement.split("Bakgrund")[1].split("Syfte")[0]
    assert said not in agreement
    status = runner.invoke(app, ["status", str(case), "--output", str(output), "--json"])
    assert status.exit_code == 0, status.output
    (found,) = json.loads(status.stdout)
    assert found["utfall"] is None and found["beslut"] == []
    assert any(
        f"§ 211 of the meeting of {day} " in line and "the meeting is not held yet" in line
        for line in found["saknas"]
    ), found["saknas"]
    again = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert again.stdout.startswith("up to date"), again.output

    # The meeting's day: the same files, and the build is not up to date any more.
    monkeypatch.setattr(clock, "today", lambda: day)
    result = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"built  {DNR}"), result.output
    agreement = fold(pdftotext(output / DNR / "samarbetsavtal.pdf"))
    assert f"Regionala utvecklingsnämnden beslutade {said}, i ärende med Dnr" in agreement
    (found,) = json.loads(
        runner.invoke(app, ["status", str(case), "--output", str(output), "--json"]).stdout
    )
    assert found["utfall"] == "bifall" and [b["paragraf"] for b in found["beslut"]] == [211]


def test_a_meeting_not_held_yet_leaves_the_built_documents_up_to_date(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a meeting file dated after today, written after the case was built, made
    `status` call the documents out of date while they state nothing of it (and a build
    rewrote them the same, or, with a signed packet, reported them up to date): both now
    say up to date until the meeting's day, when both say they are not."""
    i18n.set_language("en")
    output = tmp_path / "output"
    case = cases / f"{DNR}.yaml"
    meeting = cases / "sammantraden" / "run.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.unlink()
    result = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert result.exit_code == 0, result.output
    meeting.write_text(text, encoding="utf-8")  # the secretary writes the next meeting's file

    def saknas() -> list[str]:
        status = runner.invoke(app, ["status", str(case), "--output", str(output), "--json"])
        assert status.exit_code == 0, status.output
        (found,) = json.loads(status.stdout)
        return [str(line) for line in found["saknas"]]

    lines = saknas()
    assert any("the meeting is not held yet" in line for line in lines), lines
    assert not any("out of date" in line or "not built" in line for line in lines), lines
    for target in (case, cases):  # one case file (loaded), a folder (the records read first)
        again = runner.invoke(app, ["build", str(target), "--output", str(output)])
        assert again.exit_code == 0, again.output
        assert again.stdout.startswith(f"up to date  {DNR}"), again.output

    day = meeting_day()
    monkeypatch.setattr(clock, "today", lambda: day)
    assert (
        "documents out of date: since they were built, the meeting file run.yaml now concerns "
        "the case "
        f"(avtalsgen build {case} --output {output})"
    ) in saknas()
    result = runner.invoke(app, ["build", str(cases), "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert "built: 1, up to date: 0" in result.stdout, result.output
    assert not any("out of date" in line for line in saknas())
