"""Körning: build all or chosen cases, with live progress (server-sent events) and the
batch report."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

from avtalsgen.web.jobs import Job, event_shown, recent_jobs
from avtalsgen.web.pages import config_of, needs, page, runner_of, user_of, yaml_file
from avtalsgen.web.serverpaths import shown_event
from avtalsgen.web.status import case_rows


@get("/korning", guards=[needs("read")])
async def runs(request: Request[Any, Any, Any], arende: list[str] | None = None) -> Template:
    """The cases to choose from (those named by ``arende`` chosen already: a case's page
    leads here to build it) and the recent runs."""
    from litestar.concurrency import sync_to_thread

    return await sync_to_thread(_runs, request, arende or [])


def _runs(request: Request[Any, Any, Any], chosen: list[str]) -> Template:
    config = config_of(request)
    report = None
    path = config.output / "batch-report.json"
    if path.is_file():
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            report = None
    from avtalsgen.web.serverpaths import shown_report

    # The CLI's report names files by the server's paths: shown as the office knows them.
    report = shown_report(report, [config.cases, config.output])
    jobs = [job | {"title": run_title(job)} for job in recent_jobs(config.database)]
    return page(request, "runs.html", rows=case_rows(config), jobs=jobs,
                report=report, chosen=chosen)  # fmt: skip


def run_title(job: dict[str, Any]) -> str:
    """What a run was, as the words of its link on the Körning page (a screen reader's list
    of links gives them without the table around them): its number, the command, the case,
    the cases or the meeting, and when it started ("Run 12, build: RUN-00386-2023,
    started 2026-12-07 08:10:33")."""
    from avtalsgen.i18n import _, ngettext
    from avtalsgen.web.app import time_text
    from avtalsgen.web.jobs import KIND_NAMES

    cases = list(job.get("cases") or [])
    if job.get("meeting"):
        what = _("the meeting {name}").format(name=job["meeting"])
    elif len(cases) == 1:
        what = str(cases[0])
    else:
        what = ngettext("{count} case", "{count} cases", len(cases)).format(count=len(cases))
    when = time_text(job.get("started"))
    if job.get("kind") not in KIND_NAMES:  # recorded before runs had a kind
        return _("Run {number}: {what}, started {when}").format(
            number=job["id"], what=what, when=when
        )
    return _("Run {number}, {kind}: {what}, started {when}").format(
        number=job["id"], kind=_(KIND_NAMES[job["kind"]]), what=what, when=when
    )


@post("/korning", guards=[needs("build")])
async def start_run(request: Request[Any, Any, Any]) -> Redirect:
    """Build the chosen cases (all when none is chosen)."""
    config = config_of(request)
    form = await request.form()
    chosen = [str(v) for v in form.getall("arende")] if "arende" in form else []
    if chosen:
        paths = []
        for stem in chosen:
            paths.append(yaml_file(config.cases, stem))
    else:
        from avtalsgen.web.yamlfiles import case_files

        paths = case_files(config.cases)
    job = runner_of(request).submit(
        "build", user_of(request).name, [p.stem for p in paths],
        cases=[str(p) for p in paths], output=str(config.output),
        templates=str(config.templates), jobs=config.jobs, force="tvinga" in form,
    )  # fmt: skip
    return Redirect(path=f"/korning/{job.id}", status_code=303)


@get("/korning/{job_id:int}", guards=[needs("read")], sync_to_thread=False)
def run_page(request: Request[Any, Any, Any], job_id: int) -> Template:
    """One run: its progress, live while it runs."""
    job = runner_of(request).find(job_id)
    if job is None:
        raise NotFoundException()

    from avtalsgen.web.jobs import KIND_NAMES

    # A secretary's step goes back to its meeting's steps (below its form), where the next
    # step is.
    meeting = job.args.get("meeting")
    back = f"/sammantraden/{Path(str(meeting)).stem}#efter-rubrik" if meeting else None
    from avtalsgen.i18n import _

    kind_names = {kind: _(words) for kind, words in KIND_NAMES.items()}
    # Its lines in the reader's language, whoever started it.
    events = [event_shown(event) for event in _events_of(request, job)]
    # What a step did and did not do, after its state once it has ended ("klar: …").
    summary = next((e["text"] for e in reversed(events) if e.get("summary")), None)
    return page(request, "run.html", job=job, events=events, kind_names=kind_names, back=back,
                summary=summary if job.done.is_set() else None)  # fmt: skip


@get("/korning/{job_id:int}/handelser", guards=[needs("read")])
async def run_events(request: Request[Any, Any, Any], job_id: int) -> ServerSentEvent:
    """The run's events as they come: one per case done, then its end."""
    runner = runner_of(request)
    job = runner.find(job_id)
    if job is None:
        raise NotFoundException()

    source = _events_of(request, job)  # a running job's own list, growing as it runs

    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        sent = 0
        while True:
            while sent < len(source):
                event = source[sent]
                sent += 1
                yield ServerSentEventMessage(
                    data=json.dumps(event_shown(event), ensure_ascii=False),
                    event=event["type"],
                    id=sent,
                )  # fmt: skip
                if event["type"] == "end":
                    return
            await asyncio.sleep(0.25)

    return ServerSentEvent(events())


def _events_of(request: Request[Any, Any, Any], job: Job) -> list[dict[str, Any]]:
    """A run's events with its files as the office knows them. The runner rewrote this
    server's own as they came (jobs.JobRunner._run); a run recorded by an earlier server's
    version may name the server's paths, so its events are rewritten here, relative to the
    cases and output folders."""
    if not job.recorded:
        return job.events
    config = config_of(request)
    folders = [config.cases, config.output]
    return [shown_event(event, folders) for event in job.events]
