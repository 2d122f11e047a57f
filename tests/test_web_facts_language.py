"""The web app keeps what each case and meeting file says between requests: a broken
file's problems are read again in each reader's language, not kept in the first reader's."""

from __future__ import annotations

import shutil
from pathlib import Path

from avtalsgen.i18n import speaking
from avtalsgen.web.config import WebConfig
from avtalsgen.web.status import case_facts

REPO = Path(__file__).resolve().parent.parent


def test_a_broken_case_files_problems_are_in_each_readers_language(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases" / "program", cases / "program")
    case = cases / "trasig.yaml"
    text = (REPO / "cases" / "exempel-arktiska-testbaddar.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace("769999-9996", "769999-9995"),
                    encoding="utf-8")  # fmt: skip
    config = WebConfig(cases=cases, output=tmp_path / "output", data=tmp_path / "data",
                       templates=REPO / "templates")  # fmt: skip
    with speaking("sv"):
        swedish = case_facts(config, case).problems
    with speaking("en"):
        english = case_facts(config, case).problems
    with speaking("sv"):
        again = case_facts(config, case).problems
    assert swedish and english
    assert swedish != english
    assert "kontrollsiffra" in " ".join(swedish).lower(), swedish
    assert "check digit" in " ".join(english).lower(), english
    assert again == swedish


def test_a_broken_meeting_files_problems_are_in_each_readers_language(tmp_path: Path) -> None:
    from avtalsgen.meetings.decisions import read_meeting

    source = next((REPO / "cases" / "sammantraden").glob("*.yaml"))
    meeting = tmp_path / source.name
    meeting.write_text(source.read_text(encoding="utf-8") + "okand_nyckel: 1\n",
                       encoding="utf-8")  # fmt: skip
    with speaking("sv"):
        swedish = read_meeting(meeting).problems
    with speaking("en"):
        english = read_meeting(meeting).problems
    assert swedish and english
    assert swedish != english
    assert "okand_nyckel" in swedish[0] and "okand_nyckel" in english[0]
