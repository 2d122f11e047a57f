"""A case's page while its build is on its way (web/building.py): it says the documents are
being built, not "inte byggda ännu", and shows the result when the build has ended, in a
real browser without a reload. The build is a job of the app's runner as a save or a run
queues it, ended here by the test as the worker would end it (no LibreOffice needed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accessibility import CHROMIUM, run_axe
from litestar import Litestar
from webtools import PASSWORD, client_for, serving, workspace

from avtalsgen.web.jobs import DONE, FAILED, RUNNING, Job, JobRunner

CASE = "RUN-00386-2023"
NOT_BUILT = "inte byggda ännu"
BEING_BUILT = "Handlingarna byggs just nu"


def _running(runner: JobRunner, stem: str = CASE) -> Job:
    """A build of ``stem`` running in the worker, as the runner keeps it."""
    job = Job(max(runner.jobs, default=0) + 1, "build", "handl", [stem], state=RUNNING)
    runner.jobs[job.id] = job
    return job


def _end(runner: JobRunner, job: Job, error: str | None) -> None:
    """End ``job`` as the worker ends a build of its case: failed with ``error``, or built."""
    status = "failed" if error else "built"
    event = {"type": "case", "case": f"{job.cases[0]}.yaml", "dnr": CASE, "status": status,
             "error": error, "seconds": 1.0}  # fmt: skip
    with runner.changed:
        job.events.append(event)
    job.state = DONE if error is None else FAILED
    job.done.set()
    runner._wake()


def test_the_page_says_the_case_is_being_built(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    with client_for(config, "handl") as client:
        runner = client.app.state.runner
        # Before any build: not built yet, with the link to build it.
        assert NOT_BUILT in client.get(f"/arenden/{CASE}").text
        job = _running(runner)
        html = client.get(f"/arenden/{CASE}").text
        assert BEING_BUILT in html and f'href="/korning/{job.id}"' in html
        assert NOT_BUILT not in html and "Bygg ärendet" not in html
        # The section asks for itself again while the build runs.
        assert f'hx-get="/arenden/{CASE}/lage?bygge={job.id}"' in html
        _end(runner, job, "LibreOffice svarade inte")
        part = client.get(f"/arenden/{CASE}/lage?bygge={job.id}").text
        assert "Det senaste bygget" in part and "misslyckades: LibreOffice svarade inte" in part
        assert "hx-get" not in part and BEING_BUILT not in part
        assert "<html" not in part  # the section alone
        # Another case's build says nothing on this page.
        _running(runner, "exempel-matkluster")
        assert BEING_BUILT not in client.get(f"/arenden/{CASE}").text


def test_the_answer_waits_for_the_build(tmp_path: Path) -> None:
    config = workspace(tmp_path)
    with client_for(config, "handl") as client:
        runner = client.app.state.runner
        job = _running(runner)
        threading.Timer(0.5, _end, (runner, job, None)).start()
        started = time.monotonic()
        part = client.get(f"/arenden/{CASE}/lage?bygge={job.id}").text
        assert 0.4 < time.monotonic() - started < 10
        # Built: no news of the build; the standing is read from the output folder.
        assert BEING_BUILT not in part and "misslyckades" not in part


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Litestar]]:
    with serving(workspace(tmp_path)) as found:
        yield found


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium-headless-shell")
def test_the_browser_shows_the_result_when_the_build_ends(
    served: tuple[str, Litestar],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, app = served
    runner = app.state.runner
    job = _running(runner)
    wcag = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"]}  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        page: Any = browser.new_page(locale="sv-SE")
        page.goto(base + "/login")
        page.get_by_label("Användarnamn").fill("handl")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/arenden")
        page.goto(f"{base}/arenden/{CASE}")
        standing = page.get_by_role("region", name="Läge")
        expect(standing).to_contain_text(BEING_BUILT)
        expect(standing).not_to_contain_text(NOT_BUILT)
        assert run_axe(page, wcag)["violations"] == []
        _end(runner, job, "LibreOffice svarade inte")
        # No reload: the section shows how the build ended.
        expect(standing).to_contain_text("misslyckades: LibreOffice svarade inte")
        expect(standing).not_to_contain_text(BEING_BUILT)
        expect(standing.get_by_role("link", name=f"körning {job.id}")).to_be_visible()
        assert run_axe(page, wcag)["violations"] == []
        browser.close()
