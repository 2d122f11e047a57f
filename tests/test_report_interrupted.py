"""``batch-report.json`` says which run wrote it and when, and an interrupted run writes one
saying so: after Ctrl-C of a ``--force`` build the earlier run's report ("30 up to date", no
time) was left looking like this one's, and the web's Körning page showed it as the latest
(found by qa17)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import REPO

from avtalsgen.build import batch
from avtalsgen.build.batch import BuildOptions, build_cases
from avtalsgen.build.outcome import Status
from avtalsgen.build.workspace import Session


def _interrupted_after_one(self: batch._Batch, run: Session) -> list[int]:
    """The first case settled up to date, then Ctrl-C."""
    outcome = self.outcomes[0]
    outcome.dnr, outcome.status = "RUN-00386-2023", Status.UP_TO_DATE
    self.settle(outcome)
    raise KeyboardInterrupt


def test_an_interrupted_build_writes_a_report_saying_so(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "output"
    output.mkdir()
    earlier = {"summary": {"built": 0, "up to date": 30, "nothing to make": 0, "failed": 0}}
    (output / "batch-report.json").write_text(json.dumps(earlier), encoding="utf-8")
    monkeypatch.setattr(batch._Batch, "not_up_to_date", _interrupted_after_one)
    files = sorted(cases.glob("*.yaml"))[:3]
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with pytest.raises(KeyboardInterrupt):
        build_cases(files, output, BuildOptions(templates=REPO / "templates"), report=True)
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is True
    assert dt.datetime.fromisoformat(report["made"]) >= before
    assert report["run"]["command"] == "build" and report["run"]["web_run"] is None
    assert report["summary"] == {"built": 0, "up to date": 1, "nothing to make": 0, "failed": 0}
    assert [case["case"] for case in report["cases"]] == [str(files[0])]
    assert report["not_done"] == [{"case": str(path), "dnr": None} for path in files[1:]]
    assert not list(output.glob(".avtalsgen-staging*")), "nothing half-written is left"


@pytest.mark.usefixtures("all_up_to_date")
def test_a_finished_build_names_its_run_and_time(cases: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    files = sorted(cases.glob("*.yaml"))[:2]
    build_cases(files, output, BuildOptions(templates=REPO / "templates"), report=True, web_run=7)
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is False and report["not_done"] == []
    assert report["run"]["web_run"] == 7 and report["run"]["started"] <= report["made"]
    assert len(report["cases"]) == 2


def test_the_runs_page_shows_when_the_report_was_written_and_an_interrupt(
    tmp_path: Path,
) -> None:
    import re
    from html import unescape

    from webtools import client_for, speaking, workspace

    config = workspace(tmp_path)
    case = str(config.cases / "RUN-00386-2023.yaml")
    report = {
        "made": "2026-12-07T13:40:05+00:00",
        "run": {"command": "build", "pid": 1, "started": "2026-12-07T13:39:00+00:00",
                "web_run": 12},
        "interrupted": True,
        "summary": {"built": 1, "up to date": 0, "nothing to make": 0, "failed": 0},
        "cases": [{"case": case, "dnr": "RUN-00386-2023", "status": "built", "seconds": 3.0,
                   "outputs": [], "removed": [], "error": None, "note": None, "warnings": []}],
        "not_done": [{"case": str(config.cases / "exempel-trappsteg.yaml"), "dnr": None}],
    }  # fmt: skip
    config.output.mkdir(parents=True, exist_ok=True)
    (config.output / "batch-report.json").write_text(json.dumps(report), encoding="utf-8")

    def shown(html: str) -> str:
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())

    with client_for(config, "handl") as client:
        page = shown(client.get("/korning").text)
        assert "Skriven 2026-12-07 14:40:05 +01:00 (svensk tid) av körning 12." in page
        assert "Körningen avbröts: 1 ärende byggdes inte (markerat i tabellen)." in page
        assert "exempel-trappsteg.yaml inte byggt: körningen avbröts" in page
        assert str(config.cases) not in page
        with speaking(client, "en"):
            page = shown(client.get("/korning").text)
            assert "The run was interrupted: 1 case was not built" in page
        del report["made"], report["run"], report["interrupted"], report["not_done"]
        (config.output / "batch-report.json").write_text(json.dumps(report), encoding="utf-8")
        page = shown(client.get("/korning").text)
        assert "Skriven av en äldre avtalsgen, som inte antecknade när" in page
