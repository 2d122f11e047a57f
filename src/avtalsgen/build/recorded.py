"""The case a case folder's last build was made from, read once for the checks on its
packet: whether it is superseded (:func:`avtalsgen.build.superseded.case_now`), its
decision's minutes not yet justerade (:mod:`avtalsgen.build.justerad`) or its documents
out of date (:func:`avtalsgen.build.status.packet_out_of_date`), which
:func:`avtalsgen.build.superseded.refuse_unsignable` asks one after another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from avtalsgen.input.load import LoadedCase
    from avtalsgen.meetings.decisions import History


@dataclass(frozen=True)
class RecordedCase:
    """A case file as its folder's build record names it, and its decisions now."""

    case: LoadedCase
    history: History


def recorded_history(folder: Path) -> RecordedCase | None:
    """The case whose output folder is ``folder``, read from the case file its build
    record names (and the meeting files beside it); None when there is no record, the file
    is gone or cannot be read, or it is another Dnr's. Its history may name problems:
    each check says what it makes of them."""
    from avtalsgen.build.record import recorded_case
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.input.load import load_case
    from avtalsgen.meetings.decisions import case_history

    path = recorded_case(folder)
    if path is None or not path.is_file():
        return None
    try:
        case = load_case(path)
        if case.arende.dnr != folder.name:
            return None
        return RecordedCase(case, case_history(case.path, case.arende, case.program))
    except (AvtalsgenError, OSError):
        return None
