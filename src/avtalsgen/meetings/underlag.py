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

The digests are made as a packet's manifest makes those of its facts
(:func:`avtalsgen.build.superseded.digest`): keyed with the output folder's secret
(:class:`~avtalsgen.build.factkey.FactKey`, whose id the record's ``nyckel`` names), since a
value with few likely candidates (an organisation number, an amount) is recovered from a
plain digest by trying them; a key no document prints (``aktor.epost``) is left out
(:func:`~avtalsgen.build.superseded.printed`). A record written before digests were keyed
holds plain SHA-256 digests and no ``nyckel``, and is compared so; one whose secret is not
the output folder's now is compared as a record that holds no ``underlag``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from avtalsgen.build.factkey import FactKey
from avtalsgen.build.superseded import digest, printed
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


def underlag(meeting: LoadedMeeting, paragraf: Paragraf, key: FactKey) -> dict[str, Any]:
    """What a version of the extract of ``paragraf`` is made from, as its record keeps it,
    digested with ``key``, the output folder's secret."""
    case = meeting.case(paragraf)
    return {
        "nyckel": key.id,
        "sammantrade": _meeting_digest(meeting, paragraf, key),
        "arende": _case_digests(case, key),
    }


def case_edit(
    recorded: Mapping[str, Any],
    changed: Sequence[str],
    points: Sequence[str],
    meeting: LoadedMeeting,
    paragraf: Paragraf,
    key: FactKey | None,
) -> str | None:
    """Why a new version of the extract of ``paragraf`` may not be made: the decision it
    states would change (``changed``, what differs in :data:`DECISION_FACTS`, as
    :func:`~avtalsgen.meetings.extract.changes` names it; ``points`` the decision points
    now) by an edit of the case file alone since the version ``recorded`` (an entry of the
    record) was made; ``key``: the output folder's secret (None: it has none). None when it
    may."""
    if not changed:
        return None
    case = meeting.case(paragraf)
    made_from = recorded.get("underlag")
    comparable, used = _key_of(made_from, key)
    if isinstance(made_from, Mapping) and comparable:
        if made_from.get("sammantrade") != _meeting_digest(meeting, paragraf, used) and not (
            _as_proposed(paragraf)
        ):
            return None  # the meeting file decides the points itself now: its correction
        # A paragraph that still takes its points from the case file states the case file's
        # words however the meeting file's fields changed (an outcome stated that was so).
        before = made_from.get("arende")
        now = _case_digests(case, used)
        if not isinstance(before, Mapping):
            return None
        keys = [name for name in now if before.get(name) != now[name]]
        # A record written before unprinted keys were left out holds them: not compared.
        keys += [name for name in before if name not in now and printed(name)]
        if not keys:
            return None  # not the case file's doing (the program file, avtalsgen itself)
    elif _as_proposed(paragraf):
        # Written before versions recorded what they were made from (or with a secret the
        # output folder no longer has): the points are the case file's own, so a changed
        # point was changed there.
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


def _key_of(made_from: object, key: FactKey | None) -> tuple[bool, FactKey | None]:
    """Whether the digests ``made_from`` (a version's ``underlag``) can be compared now, and
    the secret they were made with: ``key`` when the record names it, None for plain ones
    (written before they were keyed); not comparable when it names another secret."""
    if not isinstance(made_from, Mapping) or "nyckel" not in made_from:
        return True, None
    if key is not None and made_from["nyckel"] == key.id:
        return True, key
    return False, None


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
        "was corrected. No new version of its extract was written"
    ).format(
        where=where(shown(case.path), lines, first),
        number=paragraf.paragraf,
        date=meeting.sammantrade.datum,
        version=recorded.get("version"),
        keys=named,
        meeting=shown(meeting.path),
    )


def _meeting_digest(meeting: LoadedMeeting, paragraf: Paragraf, key: FactKey | None) -> str:
    said = paragraf.model_dump(mode="json", include=set(_DECISION_FIELDS), exclude_defaults=True)
    return _digest({"namnd": meeting.sammantrade.namnd, "paragraf": said}, key)


def _case_digests(case: LoadedCase, key: FactKey | None) -> dict[str, str]:
    """Each value of the case file that a document states, by its key (with ``key`` None:
    plain, as a record written before digests were keyed holds them)."""
    dumped = case.arende.model_dump(mode="json")
    leaves = ((format_loc(loc), value) for loc, value in _leaves(dumped, ()))
    return {name: _digest(value, key) for name, value in leaves if printed(name)}


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


def _digest(value: object, key: FactKey | None) -> str:
    """``value`` digested as a manifest digests a fact, with ``key``; None: plain, as a
    record written before digests were keyed holds it."""
    if key is not None:
        return digest(value, key=key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
