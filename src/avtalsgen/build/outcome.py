"""What happened to each case of a build, and the batch report that records it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.build.workspace import Session, atomic_write


class Status:
    """What happened to a case."""

    BUILT = "built"
    UP_TO_DATE = "up to date"
    FAILED = "failed"


@dataclass
class CaseOutcome:
    """One case of a batch: its status, time, outputs, or the error that stopped it."""

    case: Path
    dnr: str | None = None
    status: str = Status.FAILED
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False)
    """The error's exception, for --verbose; never written to the report."""

    def to_json(self) -> dict[str, object]:
        """The outcome as written to the batch report."""
        return {
            "case": str(self.case),
            "dnr": self.dnr,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "outputs": [str(path) for path in self.outputs],
            "error": self.error,
        }


def write_json(path: Path, data: object, scratch: Path | None = None) -> None:
    """Write JSON atomically (:func:`avtalsgen.build.workspace.atomic_write`), the temporary
    file in ``scratch`` if given (a staging folder, so that a killed build leaves no
    temporary file beside the outputs)."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, text, scratch=scratch)


def write_report(run: Session, outcomes: Sequence[CaseOutcome], jobs: int) -> Path:
    """Write the output folder's ``batch-report.json`` and return its path."""
    path = run.workspace.batch_report
    counts = {status: 0 for status in (Status.BUILT, Status.UP_TO_DATE, Status.FAILED)}
    for outcome in outcomes:
        counts[outcome.status] += 1
    data = {"jobs": jobs, "summary": counts, "cases": [o.to_json() for o in outcomes]}
    write_json(path, data, scratch=run.staging)
    return path
