"""The run pages name files as the office knows them (relative to the cases and output
folders), never by the server's absolute paths: the Körning page's batch report (the CLI's
too), a run's page and the events its page follows (the JSON the browser gets)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from webtools import client_for, workspace

from avtalsgen.web.config import WebConfig
from avtalsgen.web.serverpaths import shown_text


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    return workspace(tmp_path_factory.mktemp("paths"))


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_text_names_files_without_the_servers_folders(tmp_path: Path) -> None:
    cases, output = tmp_path / "cases", tmp_path / "output"
    assert shown_text(f"{cases}/x.yaml:3: dnr: fel", [cases, output]) == "x.yaml:3: dnr: fel"
    assert shown_text(f"{output}/RUN-00386-2023/paket.pdf saknas", [cases, output]) == (
        "RUN-00386-2023/paket.pdf saknas"
    )
    assert shown_text(f"ingen ärendefil i {cases} har det", [cases]) == (
        "ingen ärendefil i cases har det"
    )
    # Any other absolute path by its file's name; a URL, "B-LT/B-LTA" and 2024/25 as they are.
    assert (
        shown_text(
            "/home/anna/ärenden/x.yaml: fel; se http://tsa.example/a/b, B-LT/B-LTA, 2024/25", []
        )
        == "x.yaml: fel; se http://tsa.example/a/b, B-LT/B-LTA, 2024/25"
    )
    assert shown_text(f"{cases}2/y.yaml", [cases]) == "y.yaml"


def test_a_folder_below_the_working_folder_as_the_clis_messages_spell_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server started with ``--output output`` holds the folder resolved, but the CLI's
    functions name its files from the working folder (``output/RUN-00386-2023/paket.pdf``,
    as a build's warning does): shown as the office knows them too, and only where a path
    starts."""
    monkeypatch.chdir(tmp_path)
    output, cases = (tmp_path / "output").resolve(), (tmp_path / "cases").resolve()
    warning = (
        "output/RUN-00386-2023/paket.pdf är undertecknat; output/RUN-00386-2023/paket-v2.pdf "
        "bär markeringen (cases/sammantraden/m.yaml; webb/output/x.pdf, my-output/y.pdf)"
    )
    assert shown_text(warning, [cases, output]) == (
        "RUN-00386-2023/paket.pdf är undertecknat; RUN-00386-2023/paket-v2.pdf bär "
        "markeringen (sammantraden/m.yaml; webb/output/x.pdf, my-output/y.pdf)"
    )


def test_a_runs_folders_are_named_once_each(tmp_path: Path) -> None:
    """A run of many cases has one cases folder, not one per case file: each of its
    events' texts is rewritten once per folder."""
    from avtalsgen.web.jobs import Job, _folders

    cases, output = tmp_path / "cases", tmp_path / "output"
    files = [str(cases / f"RUN-0000{n}-2024.yaml") for n in range(1, 6)]
    job = Job(1, "build", "handl", [], args={"cases": files, "output": str(output)})
    assert _folders(job) == [cases, output]
    meeting = Job(2, "utdrag", "sekr", [], args={
        "meeting": str(cases / "sammantraden" / "m.yaml"), "cases": files[:1],
        "output": str(output)})  # fmt: skip
    assert _folders(meeting) == [cases, output]


def test_the_run_pages_show_no_absolute_path(config: WebConfig) -> None:
    """The CLI's batch-report.json names files by the server's absolute paths (the cases
    given, the messages about them); the Körning page names them relative to the cases and
    output folders, and a run's page and its events (the JSON the browser gets) the same."""
    from avtalsgen.web.jobs import Job
    from avtalsgen.web.serverpaths import shown_event

    cases, output = str(config.cases.resolve()), str(config.output.resolve())
    elsewhere = "/srv/någon/annan/mapp/RUN-00001-2024.yaml"
    report: dict[str, Any] = {
        "language": "sv", "jobs": 2,
        "summary": {"built": 1, "up to date": 0, "nothing to make": 0, "failed": 2},
        "cases": [
            {"case": f"{cases}/RUN-00386-2023.yaml", "dnr": None, "status": "failed",
             "seconds": 0.3, "outputs": [], "removed": [], "note": None,
             "error": f"{cases}/RUN-00386-2023.yaml:6: dnr: 'RUN-386-2023' är inte ett "
                      "diarienummer på formen RUN-NNNNN-ÅÅÅÅ"},
            {"case": elsewhere, "dnr": None, "status": "failed", "seconds": 0.1,
             "outputs": [], "removed": [], "note": None, "error": f"{elsewhere}: filen finns inte"},
            {"case": f"{cases}/exempel-trappsteg.yaml", "dnr": "RUN-90002-2024",
             "status": "built", "seconds": 4.2, "removed": [], "error": None, "note": None,
             "outputs": [f"{output}/RUN-90002-2024/paket.pdf"]},
        ],
    }  # fmt: skip
    (config.output / "batch-report.json").write_text(json.dumps(report), encoding="utf-8")
    with client_for(config, "handl") as client:
        page = client.get("/korning").text
        shown = _text(page)
        # The case file's field as the form names it, linked to it (web/placewords.py).
        assert (
            "RUN-00386-2023.yaml misslyckades 0,3 Dnr (ärende RUN-00386-2023, rad 6):" in shown
        ), shown
        assert '<a href="/arenden/RUN-00386-2023#root[dnr]">Dnr</a>' in page
        assert "RUN-00001-2024.yaml misslyckades 0,1 RUN-00001-2024.yaml: filen finns inte" in shown
        runner = client.app.state.runner
        job = Job(991, "build", "handl", ["RUN-00386-2023"],
                  args={"cases": [f"{cases}/RUN-00386-2023.yaml"], "output": output})  # fmt: skip
        runner.jobs[job.id] = job
        for event in report["cases"]:  # as the worker sends them, through the runner
            runner._event(
                job, shown_event({"type": "case", **event}, [config.cases, config.output])
            )
        runner._finish(job)
        run = client.get("/korning/991").text
        events = client.get("/korning/991/handelser").text
    for text in (page, run, events):
        assert cases not in text and output not in text and "/srv/" not in text
        assert str(config.cases) not in text and str(config.output) not in text
        assert not re.search(r"(?<![\w.~/-])/(?:[\w.-]+/)+[\w.-]+\.(?:yaml|pdf)", text), text
    assert "RUN-00386-2023.yaml: misslyckades" in _text(run)
    assert '"case": "RUN-00386-2023.yaml"' in events
    assert '"outputs": ["RUN-90002-2024/paket.pdf"]' in events
