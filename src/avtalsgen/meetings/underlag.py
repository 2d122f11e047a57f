"""What each version of an extract was made from, so that a change of the decision it states
can be traced to the file it came from.

After justering the decision an extract states is the meeting's: the minutes record it. A
paragraph decided ``enligt förslaget`` takes its points from the case file, and amounts and
dates in its words from the case's financing; editing the case file after the meeting would
make ``utdrag`` write a new version stating the new wording as the committee's decision,
with a note calling it a correction. A correction of what was decided is made in the
meeting's own file. So each version records (``underlag`` in the extract's record):

- ``sammantrade``: a digest of what the meeting file says of the decision (the committee,
  and the paragraph's Dnr, outcome, wording, decided financing, change and reason);
- ``arende``: a digest of each value of the case file, by its key (``beslutspunkter[1]``).

When the decision would now read otherwise (:data:`DECISION_FACTS`) while the meeting file
says of it what it said when the newest version was made, or while the paragraph still takes
its points from the case file (whatever else the meeting file's fields now say: ``utfall:
bifall`` stated where it was so changes no word of the decision), and the case file's values
differ, :func:`case_edit` names the case file's keys and what to do. A record written
before versions recorded this holds no ``underlag``: then a paragraph that takes its
decision from the case file as it stands (``enligt förslaget``, nothing decided in the
meeting file) is refused the same way, at the case file's decision points.

The digests are plain SHA-256: the record stays in the case's output folder, beside the
documents that state the case's facts, and goes into no packet or message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from avtalsgen.build.workspace import shown
from avtalsgen.i18n import _
from avtalsgen.input.load import LoadedCase, key_lines
from avtalsgen.meetings.justering import LoadedMeeting, format_loc, where
from avtalsgen.model.decision import Utfall
from avtalsgen.model.meeting import Paragraf
from avtalsgen.model.types import Loc

#: The facts of an extract that state the decision: they are the meeting's after justering.
DECISION_FACTS: Final = ("utfall", "beslut", "beslutspunkter", "motivering")
#: What a paragraph of the meeting file says of the decision (the rest, such as its
#: recipients, votes or secrecy, is not the decision's wording).
_DECISION_FIELDS: Final = frozenset(
    {"dnr", "utfall", "beslut", "finansiering", "andring", "ej_i_avtalet", "tillagg", "motivering"}
)
#: How many of the case file's changed keys a message names before "…".
_NAMED: Final = 4


def underlag(meeting: LoadedMeeting, paragraf: Paragraf) -> dict[str, Any]:
    """What a version of the extract of ``paragraf`` is made from, as its record keeps it."""
    case = meeting.case(paragraf)
    return {"sammantrade": _meeting_digest(meeting, paragraf), "arende": _case_digests(case)}


def case_edit(
    recorded: Mapping[str, Any],
    changed: Sequence[str],
    points: Sequence[str],
    meeting: LoadedMeeting,
    paragraf: Paragraf,
) -> str | None:
    """Why a new version of the extract of ``paragraf`` may not be made: the decision it
    states would change (``changed``, what differs in :data:`DECISION_FACTS`, as
    :func:`~avtalsgen.meetings.extract.changes` names it; ``points`` the decision points
    now) by an edit of the case file alone since the version ``recorded`` (an entry of the
    record) was made. None when it may."""
    if not changed:
        return None
    case = meeting.case(paragraf)
    made_from = recorded.get("underlag")
    if isinstance(made_from, Mapping):
        if made_from.get("sammantrade") != _meeting_digest(meeting, paragraf) and not (
            _as_proposed(paragraf)
        ):
            return None  # the meeting file decides the points itself now: its correction
        # A paragraph that still takes its points from the case file states the case file's
        # words however the meeting file's fields changed (an outcome stated that was so).
        before = made_from.get("arende")
        now = _case_digests(case)
        if not isinstance(before, Mapping):
            return None
        keys = [key for key in now if before.get(key) != now[key]]
        keys += [key for key in before if key not in now]
        if not keys:
            return None  # not the case file's doing (the program file, avtalsgen itself)
    elif _as_proposed(paragraf):
        # Written before versions recorded what they were made from: the points are the
        # case file's own, so a changed point was changed there.
        before = recorded.get("fakta", {}).get("beslutspunkter")
        before = list(before) if isinstance(before, list) else []
        keys = [
            f"beslutspunkter[{index}]"
            for index in range(max(len(before), len(points)))
            if index >= len(before) or index >= len(points) or before[index] != points[index]
        ] or ["beslutspunkter"]
    else:
        return None
    return _refusal(meeting, paragraf, case, recorded, keys)


def _as_proposed(paragraf: Paragraf) -> bool:
    """Whether the paragraph takes its decision from the case file as it stands: a bifall
    ``enligt förslaget`` that decides nothing of its own."""
    return (
        paragraf.utfall in (None, Utfall.BIFALL)
        and paragraf.beslut is None
        and paragraf.finansiering is None
        and paragraf.andring is None
        and paragraf.tillagg is None
    )


def _refusal(
    meeting: LoadedMeeting,
    paragraf: Paragraf,
    case: LoadedCase,
    recorded: Mapping[str, Any],
    keys: list[str],
) -> str:
    lines = key_lines(case.path)
    by_name = {format_loc(loc): loc for loc in lines if loc}
    first = next((by_name[key] for key in keys if key in by_name), ("beslutspunkter",))
    named = ", ".join(keys[:_NAMED]) + (", …" if len(keys) > _NAMED else "")
    return _(
        "{where}: § {number} of the meeting of {date} is justerad, and the decision its "
        "extract states (version {version}) is the committee's as the minutes record it; the "
        "case file has changed since ({keys}), and the extract would state the new wording as "
        "the decision. What the committee decided is the minutes', not the case file's: put "
        "the case file back as it was when the extract was made. If the minutes recorded the "
        "decision wrongly, correct § {number} in the meeting file {meeting} (the points as "
        "decided under beslut) and run utdrag again: the extract's new version then says what "
        "was corrected. Nothing was written"
    ).format(
        where=where(shown(case.path), lines, first),
        number=paragraf.paragraf,
        date=meeting.sammantrade.datum,
        version=recorded.get("version"),
        keys=named,
        meeting=shown(meeting.path),
    )


def _meeting_digest(meeting: LoadedMeeting, paragraf: Paragraf) -> str:
    said = paragraf.model_dump(mode="json", include=set(_DECISION_FIELDS), exclude_defaults=True)
    return _digest({"namnd": meeting.sammantrade.namnd, "paragraf": said})


def _case_digests(case: LoadedCase) -> dict[str, str]:
    return {
        format_loc(loc): _digest(value)
        for loc, value in _leaves(case.arende.model_dump(mode="json"), ())
    }


def _leaves(value: object, loc: Loc) -> Iterator[tuple[Loc, object]]:
    """Every value of a case as JSON by its key, as the case file nests them; a prose text
    (``{source, blocks}``) is one value, at its own key."""
    if isinstance(value, dict) and value and set(value) != {"source", "blocks"}:
        for key, item in value.items():
            yield from _leaves(item, (*loc, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, (*loc, index))
    else:
        yield loc, value


def _digest(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
