"""What happened to each case of a build, and the batch report that records it."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The name of the batch report in the output folder.
REPORT = "batch-report.json"


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
    """Write JSON under a temporary name, then rename it into place. The temporary file is
    made in ``scratch`` if given (a folder on the same file system, e.g. a staging folder,
    so that a killed build leaves no half-written file beside the outputs)."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=scratch or path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    public(Path(temp))
    Path(temp).replace(path)


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def public(path: Path) -> None:
    """Give a file made under a private temporary name the usual permissions (umask)."""
    path.chmod(0o666 & ~_UMASK)


def write_report(output_root: Path, outcomes: Sequence[CaseOutcome], jobs: int) -> Path:
    """Write ``output_root/batch-report.json`` and return its path."""
    path = output_root.resolve() / REPORT
    counts = {status: 0 for status in (Status.BUILT, Status.UP_TO_DATE, Status.FAILED)}
    for outcome in outcomes:
        counts[outcome.status] += 1
    write_json(path, {"jobs": jobs, "summary": counts, "cases": [o.to_json() for o in outcomes]})
    return path
