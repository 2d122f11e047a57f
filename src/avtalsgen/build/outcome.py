"""What happened to each case of a build, and the batch report that records it.

``batch-report.json`` is read by programs and by people. Its keys and its status values are
fixed, in English, whatever the language of the messages: ``language`` (the language of its
human texts, ``sv`` or ``en``), ``jobs``, ``summary`` (the number of cases by status:
``built``, ``up to date``, ``nothing to make``, ``failed``) and ``cases``, one object per
case in the order given: ``case`` (the case file), ``dnr``, ``status`` (one of the four),
``status_text`` (the status in the report's language), ``seconds``, ``outputs`` (the files
written), ``removed`` (documents of the unsigned packet version the build replaced that the
new one does not hold), both relative to the output folder (``RUN-00386-2023/paket.pdf``,
as ``avtalsgen status`` names them), ``error`` (why it failed, in the report's language;
null otherwise) and ``note`` (why a case has nothing to make, in the report's language;
null otherwise).

Which run wrote it and when: ``made`` (when it was written, ISO 8601 in UTC), ``run``
(``command``, ``pid``, ``started`` and ``web_run``, the number of the web app's run, or
null) and ``interrupted``: a build stopped by Ctrl-C or SIGTERM writes its report too,
``interrupted`` true, ``cases`` and ``summary`` holding only the cases settled before it
stopped and ``not_done`` the others (``case`` and ``dnr``, null when not read yet), so
that the report of an earlier run is never left looking like this one's. (A run killed
with SIGKILL writes nothing: ``made`` tells the report's age.)

``nothing to make`` is a case whose decisions call for none of the documents asked for
(``--only samarbetsavtal`` of a rejected case): nothing is wrong and nothing was written,
so it is not a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from avtalsgen.build.workspace import Session, atomic_write
from avtalsgen.i18n import N_, _, current_language


class Status(StrEnum):
    """What happened to a case: the values ``batch-report.json`` records (never translated;
    :func:`status_text` gives the words a person reads). The one status of a build's case,
    which the batch, the display, the report and the one-case build all read."""

    BUILT = "built"
    UP_TO_DATE = "up to date"
    NOTHING = "nothing to make"
    """The case's decisions call for none of the documents asked for (its note says why)."""
    FAILED = "failed"


#: The statuses in words, marked for translation.
_STATUS_TEXTS = {
    Status.BUILT: N_("built"),
    Status.UP_TO_DATE: N_("up to date"),
    Status.NOTHING: N_("nothing to make"),
    Status.FAILED: N_("failed"),
}


def status_text(status: Status) -> str:
    """A case's status in the user's language."""
    return _(_STATUS_TEXTS[status])


def status_words(value: object) -> str:
    """A status as ``batch-report.json`` records it (``nothing to make``) in the user's
    language; a value that is no status as it is."""
    try:
        return status_text(Status(str(value)))
    except ValueError:
        return str(value)


@dataclass
class CaseOutcome:
    """One case of a batch: its status, time, outputs, or the error that stopped it."""

    case: Path
    dnr: str | None = None
    status: Status = Status.FAILED
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    """Documents of an unsigned packet version this build made anew without them."""
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False)
    """The error's exception, for --verbose; never written to the report."""
    note: str | None = None
    """Why a case has nothing to make (:data:`Status.NOTHING`); None otherwise."""
    warnings: list[str] = field(default_factory=list)
    """What a built case's user must know of what the build did not change (a signed
    packet without the secrecy marking its documents now carry)."""

    def to_json(self, root: Path | None = None) -> dict[str, object]:
        """The outcome as written to the batch report: its files relative to the output
        folder ``root`` (as they are without it)."""

        def named(path: Path) -> str:
            return _below(path, root) if root is not None else str(path)

        return {
            "case": str(self.case),
            "dnr": self.dnr,
            "status": self.status.value,
            "status_text": status_text(self.status),
            "seconds": round(self.seconds, 3),
            "outputs": [named(path) for path in self.outputs],
            "removed": [named(path) for path in self.removed],
            "error": self.error,
            "note": self.note,
            "warnings": list(self.warnings),
        }


def _below(path: Path, root: Path) -> str:
    """``path`` relative to the folder ``root`` (either spelled as given or with links
    resolved), with forward slashes; as it is when it lies elsewhere."""
    for folder, file in ((root, path), (root.resolve(), path.resolve())):
        if file.is_relative_to(folder):
            return file.relative_to(folder).as_posix()
    return str(path)


def write_json(path: Path, data: object, scratch: Path | None = None) -> None:
    """Write JSON atomically (:func:`avtalsgen.build.workspace.atomic_write`), the temporary
    file in ``scratch`` if given (a staging folder, so that a killed build leaves no
    temporary file beside the outputs)."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, text, scratch=scratch)


def settled(outcome: CaseOutcome) -> bool:
    """Whether ``outcome`` is final: a case not failed, or failed with its reason (a case
    an interrupted build did not get to is neither)."""
    return outcome.status != Status.FAILED or outcome.error is not None


@dataclass(frozen=True)
class RunInfo:
    """Which run writes a report: the command, its process, when it started, and the web
    app's run number if it is one of its runs."""

    started: dt.datetime
    command: str = "build"
    web_run: int | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "command": self.command,
            "pid": os.getpid(),
            "started": self.started.isoformat(timespec="seconds"),
            "web_run": self.web_run,
        }


def write_report(
    run: Session,
    outcomes: Sequence[CaseOutcome],
    jobs: int,
    info: RunInfo | None = None,
    *,
    interrupted: bool = False,
) -> Path:
    """Write the output folder's ``batch-report.json`` and return its path: every case of
    ``outcomes``, or with ``interrupted`` those settled and, under ``not_done``, the rest."""
    path = run.workspace.batch_report
    done = [outcome for outcome in outcomes if not interrupted or settled(outcome)]
    left = [outcome for outcome in outcomes if interrupted and not settled(outcome)]
    counts = {status: 0 for status in Status}
    for outcome in done:
        counts[outcome.status] += 1
    now = dt.datetime.now(dt.UTC)
    data = {
        "made": now.isoformat(timespec="seconds"),
        "run": (info or RunInfo(now)).to_json(),
        "interrupted": interrupted,
        "language": current_language(),
        "jobs": jobs,
        "summary": counts,
        "cases": [o.to_json(run.workspace.root) for o in done],
        "not_done": [{"case": str(o.case), "dnr": o.dnr} for o in left],
    }
    write_json(path, data, scratch=run.staging)
    return path
