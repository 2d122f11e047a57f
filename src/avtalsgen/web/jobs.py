"""Builds and extracts started from the web, one at a time, in a worker process.

LibreOffice work runs in a separate Python process (started once, kept, and started again if
it dies): a build's signal handling, soffice processes and memory stay out of the web
server, and the build is the CLI's own (:func:`avtalsgen.build.batch.build_cases`,
:func:`avtalsgen.meetings.extract.build_extracts`). Each case's outcome comes back as it is
done; the job's events are kept for the page and its live progress (server-sent events).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from avtalsgen.i18n import N_, _, current_language, in_each_language
from avtalsgen.web import db

#: The secretary's steps after a meeting, as job kinds: the notice of justering, the
#: e-mails of the expediering, the publishable renditions.
AFTER_MEETING = ("anslag", "expediera", "publicera")
#: Each kind of job in words, for the pages (marked; translated where shown).
KIND_NAMES = {
    "build": N_("build"),
    "utdrag": N_("protokollsutdrag"),
    "anslag": N_("anslag"),
    "expediera": N_("e-mail for the expediering"),
    "publicera": N_("publishing"),
}
#: A job's states, as the jobs table and the run's events record them (never translated:
#: :func:`state_text` gives the words a page shows).
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_STATE_TEXTS = {
    QUEUED: N_("queued"),
    RUNNING: N_("running"),
    DONE: N_("done"),
    FAILED: N_("failed"),
}


def state_text(state: object) -> str:
    """A job's state in the user's language (a state recorded otherwise, as it is)."""
    words = _STATE_TEXTS.get(str(state))
    return _(words) if words is not None else str(state)


def seconds_text(seconds: object) -> str:
    """A time in seconds as the reader's language writes it, to a tenth: ``1,3`` in Swedish
    (``1.326`` would read as a thousand and more), ``1.3`` in English."""
    from avtalsgen.i18n import format_number

    try:
        return format_number(float(str(seconds)), 1)
    except ValueError:
        return str(seconds)


def extract_status_text(status: object) -> str:
    """What a run did with a paragraph's extract (as its event records it: ``ny``,
    ``rättelse``, …) in the user's language; anything else as it is."""
    from avtalsgen.meetings.extract import Status

    try:
        return Status(str(status)).text
    except ValueError:
        return str(status)


#: The audit action of each kind of job.
_ACTIONS = {
    "build": "build",
    "utdrag": "extract",
    "anslag": "anslag",
    "expediera": "email",
    "publicera": "publish",
}


@dataclass
class Job:
    """A build (or extract) asked for from the web, and what has happened to it so far."""

    id: int
    kind: str
    user: str
    cases: list[str]
    state: str = QUEUED
    events: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    """Why the job failed: the worker's message (in Swedish, the record's language)."""
    error_texts: dict[str, str] | None = None
    """The error in each language, when it is avtalsgen's own (not a library's message)."""
    done: threading.Event = field(default_factory=threading.Event)
    args: dict[str, Any] = field(default_factory=dict)
    recorded: bool = False
    """Read back from the database (a run of an earlier server's): its events as that
    server's version recorded them, which may name files by the server's paths."""

    @property
    def error_shown(self) -> str | None:
        """Why the job failed, in the reader's language when it is avtalsgen's own."""
        if self.error_texts:
            return self.error_texts.get(current_language(), self.error)
        return self.error


def event_shown(event: dict[str, Any]) -> dict[str, Any]:
    """A run's event in the reader's language (the current one): a step's line (composed in
    each language by the worker), a case's or an extract's status and a job's state in
    words. A library's message composed at run time stays as the worker wrote it, in
    Swedish, the office's language, whoever started the run."""
    from avtalsgen.web.placewords import linked_places

    shown = _in_words(event)
    # Its messages as the finished run's page shows them (web/placewords.py): the places in
    # the case and meeting files by the forms' names, linked; the page's script shows these.
    for key in ("error", "note", "text"):
        if isinstance(shown.get(key), str):
            shown[f"{key}_html"] = str(linked_places(shown[key]))
    if isinstance(shown.get("warnings"), list):
        shown["warnings_html"] = [str(linked_places(text)) for text in shown["warnings"]]
    return shown


def _in_words(event: dict[str, Any]) -> dict[str, Any]:
    from avtalsgen.build.outcome import status_words

    kind = event.get("type")
    texts = event.get("texts")
    if isinstance(texts, dict) and isinstance(texts.get(current_language()), str):
        event = {**event, "text": texts[current_language()]}
    if kind == "case" and event.get("status"):
        # "warning: " as the CLI writes it before each warning (the page adds the text).
        label = _("warning: {warning}").format(warning="")
        return {**event, "status_text": status_words(str(event["status"])),
                "warning_label": label,
                "seconds_text": seconds_text(event.get("seconds"))}  # fmt: skip
    if kind == "extract" and event.get("status"):
        version = _("version {version}").format(version=event.get("version"))
        # The line names the paragraph already: its note without it again.
        note = str(event.get("note") or "").removeprefix(
            f"§ {event.get('paragraf')} {event.get('dnr')}: "
        )
        return {**event, "status_text": extract_status_text(event["status"]),
                "version_text": version, "note": note}  # fmt: skip
    if kind == "end" and event.get("state"):
        shown = {**event, "state_text": state_text(event["state"])}
        errors = event.get("error_texts")
        if isinstance(errors, dict) and isinstance(errors.get(current_language()), str):
            shown["error"] = errors[current_language()]
        return shown
    return dict(event)


def _worker(conn: Connection, niceness: int = 0) -> None:  # pragma: no cover - worker process
    """The worker process: run each request it is sent, reporting as it goes; at a CPU
    priority ``niceness`` lower than the server's, so that pages go first."""
    import os

    from avtalsgen import i18n

    if niceness > 0:
        os.nice(niceness)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        # The events' messages in Swedish, the office's language, whoever started the run:
        # avtalsgen's own lines are composed in each language besides (secretary._step),
        # and a status is put in words by the page that shows it (event_shown).
        i18n.set_language("sv")
        try:
            if request["kind"] == "build":
                _run_build(conn, request)
            elif request["kind"] == "utdrag":
                _run_extracts(conn, request)
            elif request["kind"] in AFTER_MEETING:
                from avtalsgen.web import secretary

                for event in secretary.run(request, _sender(conn)):
                    conn.send(event)
            conn.send({"type": "end", "state": DONE})
        except BaseException as exc:  # noqa: BLE001 - everything is reported to the page
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            conn.send({"type": "end", "state": FAILED, "error": message})
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                return


def _folders(job: Job) -> list[Path]:
    """The folders a job's files lie in, as the office knows them: the cases folder (of the
    meeting file, cases/sammantraden/<meeting>.yaml, and of the case files) and the output
    folder; each once, however many case files lie in one."""
    folders = []
    if isinstance(job.args.get("meeting"), str):  # cases/sammantraden/<meeting>.yaml
        folders.append(Path(job.args["meeting"]).parent.parent)
    for case in job.args.get("cases") or []:
        folders.append(Path(str(case)).parent)
    if isinstance(job.args.get("output"), str):
        folders.append(Path(job.args["output"]))
    return list(dict.fromkeys(folders))


def _without_folders(text: str | None, folders: list[Path]) -> str | None:
    """A message of a job with the server's ``folders`` (its :func:`_folders`) left out of
    the files it names, as the office knows them: ``sammantraden/exempel-run-2023-12-05.yaml:20:
    …`` (relative to the cases folder), ``RUN-00386-2023/paket.pdf`` (to the output folder),
    a folder itself by its name, not the server's absolute paths (web/serverpaths.py)."""
    from avtalsgen.web.serverpaths import shown_text

    return shown_text(text, folders)


def _sender(conn: Connection) -> Any:  # pragma: no cover - runs in the worker process
    """A callback that tells the page the job waits for the output folder's lock."""
    return lambda message: conn.send({"type": "wait", "message": message})


def _run_build(conn: Connection, request: dict[str, Any]) -> None:  # pragma: no cover
    from avtalsgen.build import interrupts
    from avtalsgen.build.batch import BuildOptions, build_cases
    from avtalsgen.build.outcome import CaseOutcome
    from avtalsgen.documents.kinds import DOCUMENTS

    output = Path(request["output"])

    def on_outcome(outcome: CaseOutcome) -> None:
        data = outcome.to_json()
        data["outputs"] = [Path(p).name for p in outcome.outputs]
        conn.send({"type": "case", **data})

    files = [Path(p) for p in request["cases"]]
    previews = request.get("preview")

    def on_checked(outcome: CaseOutcome, pdfs: Mapping[str, Path]) -> None:
        from avtalsgen.web import preview

        names = preview.keep(Path(str(previews)) / str(outcome.dnr), pdfs)
        conn.send({"type": "checked", "dnr": outcome.dnr, "documents": names})

    with interrupts.handled():
        options = BuildOptions(
            templates=Path(request["templates"]),
            documents=tuple(DOCUMENTS),
            jobs=request["jobs"],
            force=request.get("force", False),
        )
        build_cases(
            files,
            output,
            options,
            on_outcome=on_outcome,
            on_wait=lambda message: conn.send({"type": "wait", "message": message}),
            # A save's build shows its documents as soon as they passed the fact check.
            on_checked=on_checked if previews else None,
            report=len(files) > 1,
            web_run=request.get("run"),
        )


def _run_extracts(conn: Connection, request: dict[str, Any]) -> None:  # pragma: no cover
    from avtalsgen.conversion.convert import LibreOfficeConverter
    from avtalsgen.meetings.extract import build_extracts

    results = build_extracts(
        Path(request["meeting"]),
        Path(request["output"]),
        Path(request["templates"]),
        LibreOfficeConverter(),
        request.get("paragraf"),
        on_wait=lambda message: conn.send({"type": "wait", "message": message}),
    )
    for result in results:
        conn.send(
            {
                "type": "extract",
                "paragraf": result.paragraf,
                "dnr": result.dnr,
                "status": str(result.status),
                "version": result.version,
                "files": [str(Path(p).name) for p in result.files],
                "note": result.note if not result.written else "",
            }
        )


def _status_words(status: str) -> str:
    """A build's status (as ``batch-report.json`` records it) in the user's words."""
    from avtalsgen.build.outcome import status_words

    return status_words(status)


class JobRunner:
    """Runs jobs one after another in the worker process; keeps them for the pages."""

    def __init__(self, database: Path, niceness: int = 0) -> None:
        self.database = database
        self.niceness = niceness
        self.jobs: dict[int, Job] = {}
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._process: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.changed = threading.Condition()
        self._wakers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        """The pages waiting for a job's next event (see :meth:`next_event`)."""

    def submit(self, kind: str, user: str, names: Sequence[str], **args: Any) -> Job:
        """Queue a job; it starts when the ones before it have ended. A job the same as one
        still waiting in the queue is that job (saves in a row rebuild a case once)."""
        with self._lock:
            for waiting in self.jobs.values():
                same = (waiting.kind, waiting.cases, waiting.args) == (kind, list(names), args)
                if waiting.state == QUEUED and same:
                    return waiting
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        meeting = Path(str(args["meeting"])).stem if args.get("meeting") else None
        with db.connect(self.database) as conn:
            cursor = conn.execute(
                "INSERT INTO jobs (user, started, state, cases, kind, meeting)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (user, now, QUEUED, json.dumps(list(names), ensure_ascii=False), kind, meeting),
            )
            job_id = int(cursor.lastrowid or 0)
        job = Job(job_id, kind, user, list(names), args=args)
        with self._lock:
            self.jobs[job_id] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="avtalsgen-jobs", daemon=True
                )
                self._thread.start()
        self._queue.put(job)
        return job

    def _connection(self) -> Connection:
        if self._process is None or not self._process.is_alive():
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            self._process = context.Process(
                target=_worker,
                args=(child, self.niceness),
                name="avtalsgen-web-worker",
                daemon=True,
            )
            self._process.start()
            child.close()
            self._conn = parent
        assert self._conn is not None
        return self._conn

    def _event(self, job: Job, event: dict[str, Any]) -> None:
        with self.changed:
            job.events.append(event)
            self.changed.notify_all()
        self._wake()

    def _wake(self) -> None:
        """Tell the pages waiting in :meth:`next_event` that a job has news."""
        with self._lock:
            wakers = list(self._wakers)
        for loop, flag in wakers:
            with contextlib.suppress(RuntimeError):  # its event loop has closed
                loop.call_soon_threadsafe(flag.set)

    async def next_event(self, job: Job, seen: int, timeout: float) -> None:
        """Return as soon as ``job`` has more than ``seen`` events or has ended, or after
        ``timeout`` seconds: a page waits here for the job's news (told at once, not by
        asking again and again), without holding a thread."""
        loop = asyncio.get_running_loop()
        flag = asyncio.Event()
        waker = (loop, flag)
        with self._lock:
            self._wakers.add(waker)
        try:
            deadline = loop.time() + timeout
            while len(job.events) <= seen and not job.done.is_set():
                left = deadline - loop.time()
                if left <= 0:
                    return
                flag.clear()
                # The news may have come between the check and the clear: check again.
                if len(job.events) > seen or job.done.is_set():
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(flag.wait(), left)
        finally:
            with self._lock:
                self._wakers.discard(waker)

    def _run(self) -> None:
        from avtalsgen.web.serverpaths import shown_event

        while True:
            job = self._queue.get()
            if job is None:
                return
            job.state = RUNNING
            self._event(job, {"type": "start"})
            folders = _folders(job)  # once per job, not per event
            try:
                conn = self._connection()
                conn.send({"kind": job.kind, "run": job.id, **job.args})
                while True:
                    if not conn.poll(1.0):
                        if not self._process.is_alive():
                            raise EOFError
                        continue
                    message = conn.recv()
                    if message["type"] == "end":
                        job.state = message["state"]
                        job.error = _without_folders(message.get("error"), folders)
                        break
                    # Its files and messages as the page and the browser are to get them.
                    self._event(job, shown_event(message, folders))
            except (EOFError, OSError):
                job.state = FAILED
                job.error_texts = in_each_language(
                    lambda: _("the worker process ended unexpectedly")
                )
                job.error = job.error_texts["sv"]
                self._process = None
            self._finish(job)

    def _finish(self, job: Job) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with db.connect(self.database) as conn:
            conn.execute(
                "UPDATE jobs SET ended = ?, state = ?, report = ?, error = ?, error_texts = ?"
                " WHERE id = ?",
                (
                    now, job.state, json.dumps(job.events, ensure_ascii=False), job.error,
                    json.dumps(job.error_texts, ensure_ascii=False) if job.error_texts else None,
                    job.id,
                ),
            )  # fmt: skip
        self._audit(job)
        with self.changed:
            words = state_text(job.state)
            job.events.append({"type": "end", "state": job.state, "state_text": words,
                               "error": job.error, "error_texts": job.error_texts})  # fmt: skip
            job.done.set()
            self.changed.notify_all()
        self._wake()

    def _audit(self, job: Job) -> None:
        from avtalsgen.web import audit

        output = Path(job.args.get("output", "."))
        for event in job.events:
            if event["type"] == "case":
                dnr = event.get("dnr")
                files = [output / str(dnr) / name for name in event.get("outputs", [])]
                why = event.get("error") or event.get("note")
                status = str(event.get("status"))
                warnings = [str(text) for text in event.get("warnings") or []]

                def built(status: str = status, why: Any = why, warnings: Any = warnings) -> str:
                    # With its warnings, as the run's page shows them.
                    return "; ".join(
                        [_status_words(status) + (f": {why}" if why else "")]
                        + [_("warning: {warning}").format(warning=text) for text in warnings]
                    )

                audit.record(self.database, job.user, "build", dnr=dnr,
                             detail=audit.texts(built), files=files, root=output)  # fmt: skip
            elif event["type"] == "extract":
                dnr = event.get("dnr")
                files = [output / str(dnr) / name for name in event.get("files", [])]

                def extract(event: dict[str, Any] = event) -> str:
                    text = f"§ {event.get('paragraf')}: {extract_status_text(event.get('status'))}"
                    if event.get("files"):  # a version written
                        text += ", " + _("version {version}").format(version=event.get("version"))
                    return text

                audit.record(
                    self.database, job.user, "extract", dnr=dnr, detail=audit.texts(extract),
                    files=files, root=output,
                )  # fmt: skip
            elif event["type"] == "step":
                texts = event.get("texts")
                audit.record(
                    self.database, job.user, _ACTIONS[job.kind], dnr=event.get("dnr"),
                    detail=texts if isinstance(texts, dict) else str(event.get("text", "")),
                    files=[output / name for name in event.get("files", [])], root=output,
                )  # fmt: skip
        if job.error:
            error = job.error

            def failed() -> str:
                return _("failed: {error}").format(
                    error=(job.error_texts or {}).get(current_language(), error)
                )

            audit.record(self.database, job.user, _ACTIONS.get(job.kind, "build"),
                         detail=audit.texts(failed))  # fmt: skip

    def find(self, job_id: int) -> Job | None:
        """The job ``job_id``: this run of the server's, else as the database recorded it
        (a run of an earlier one, ended), None when there is none."""
        job = self.jobs.get(job_id)
        return job if job is not None else recorded_job(self.database, job_id)

    def close_unfinished(self) -> None:
        """Record the jobs an earlier run of the server left queued or running as failed:
        no worker runs them any more (the server stopped before they ended)."""
        texts = in_each_language(lambda: _("the server stopped before the run ended"))
        with db.connect(self.database) as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, error = ?, error_texts = ? WHERE state IN (?, ?)",
                (FAILED, texts["sv"], json.dumps(texts, ensure_ascii=False), QUEUED, RUNNING),
            )

    def latest_for(self, name: str) -> Job | None:
        """The newest job (this run of the server) that covers the case ``name``."""
        found = [job for job in self.jobs.values() if name in job.cases]
        return max(found, key=lambda job: job.id) if found else None

    def stop(self) -> None:
        """End the worker process (when the server stops)."""
        self._queue.put(None)
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(10)


def recorded_job(database: Path, job_id: int) -> Job | None:
    """A job as the database recorded it, ended (its events and its end), or None."""
    with db.reading(database) as conn:
        row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        return None
    try:
        events = json.loads(row["report"] or "[]")
        error_texts = json.loads(row["error_texts"]) if row["error_texts"] else None
    except ValueError:
        events, error_texts = [], None
    args = {"meeting": row["meeting"]} if row["meeting"] else {}
    job = Job(row["id"], row["kind"] or "", row["user"], json.loads(row["cases"]),
              state=row["state"], events=list(events), error=row["error"],
              error_texts=error_texts, args=args, recorded=True)  # fmt: skip
    job.events.append({"type": "end", "state": job.state, "error": job.error,
                       "error_texts": job.error_texts})  # fmt: skip
    job.done.set()
    return job


def recent_jobs(database: Path, limit: int = 20) -> list[dict[str, Any]]:
    """The newest jobs recorded."""
    with db.reading(database) as conn:
        rows = conn.execute("SELECT * FROM jobs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    jobs = []
    for row in rows:
        job = dict(row)
        job["cases"] = json.loads(job["cases"])
        jobs.append(job)
    return jobs
