"""A case's build as its page tells of it: being built now (queued or running in the
worker), or failed the last time. The standing (web/status.py) is read from the files, which
say "not built yet" or "out of date" until the build has put its documents in place: while
a build of the case is on its way the page says so instead, and shows the result when the
build has ended (``GET /arenden/<stem>/lage``, which waits for it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from avtalsgen.web.jobs import FAILED, Job, JobRunner


@dataclass(frozen=True)
class BuildNews:
    """The newest build of a case in this run of the server, when the page has news of it."""

    id: int
    state: str
    """The job's state: queued, running or failed (jobs.QUEUED …)."""
    error: str | None = None
    """Why the case's build failed (the run's words, Swedish if a library's)."""

    @property
    def running(self) -> bool:
        return self.state != FAILED


def newest_build(runner: JobRunner, stem: str) -> Job | None:
    """The newest build (this run of the server) that covers the case file ``stem``: a save's
    build of it, or a run of several cases that names it."""
    found = [job for job in runner.jobs.values() if job.kind == "build" and stem in job.cases]
    return max(found, key=lambda job: job.id) if found else None


def build_news(runner: JobRunner, stem: str) -> BuildNews | None:
    """The case's build on its way, or its newest build that failed for this case; None when
    there is none or it built the case (the standing says what it made)."""
    job = newest_build(runner, stem)
    if job is None:
        return None
    if not job.done.is_set():
        return BuildNews(job.id, job.state)
    outcome = next(
        (e for e in reversed(job.events)
         if e.get("type") == "case" and PurePath(str(e.get("case"))).stem == stem),
        None,
    )  # fmt: skip
    if outcome is not None and outcome.get("status") == "failed":
        return BuildNews(job.id, FAILED, str(outcome.get("error") or ""))
    if outcome is None and job.state == FAILED:
        return BuildNews(job.id, FAILED, job.error_shown)
    return None
