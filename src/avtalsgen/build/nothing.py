"""Why a build makes none of the documents ``--only`` asked for, in words an official reads:
what the committee decided (or what waits), where that is recorded, and how to go on."""

from __future__ import annotations

from collections.abc import Sequence

from avtalsgen.build.tillagg import Plan
from avtalsgen.documents.kinds import kind
from avtalsgen.i18n import _, join_words
from avtalsgen.input.load import LoadedCase
from avtalsgen.meetings.decisions import Decision, History
from avtalsgen.model.decision import Utfall


def titles(documents: Sequence[str]) -> str:
    """The documents' names as a sentence names them: ``samarbetsavtal or tilläggsavtal``."""
    return join_words([kind(document).title.lower() for document in documents], "or")


def recorded(decision: Decision) -> str:
    """``file:line`` of the paragraph that records ``decision``."""
    meeting = decision.meeting
    line = meeting.lines.get(decision.loc)
    return f"{meeting.path}:{line}" if line is not None else str(meeting.path)


def nothing_to_build(
    case: LoadedCase, history: History, documents: Sequence[str], planned: Plan
) -> str:
    """Why none of ``documents`` is made of the case: its decisions call for none of them
    (``--only samarbetsavtal`` of a case the committee rejected or referred back,
    ``--only tillaggsavtal`` of a case whose agreement no decision changed or that is not
    signed yet, ``--only samarbetsavtal`` of a signed agreement a later decision changed)."""
    head = f"{case.path}: {case.arende.dnr}"
    if planned.waiting is not None:
        waiting = planned.waiting
        what = (
            _("the agreement")
            if waiting.nummer == 1
            else _("tilläggsavtal nr {number}").format(number=waiting.nummer - 1)
        )
        return _(
            "{case}: {dnr}: tilläggsavtal nr {number} ({label}, {where}) changes a signed "
            "agreement, and {what} is not signed by every party yet: build and sign its "
            "packet first (avtalsgen sign PACKET --field region, then --field aktor)"
        ).format(
            case=case.path,
            dnr=case.arende.dnr,
            number=waiting.nummer,
            label=waiting.decision.label,
            where=waiting.decision.meeting.where(waiting.decision.loc),
            what=what,
        )
    if planned.change is not None:
        change = planned.change.decision
        return (
            head
            + ": "
            + _(
                "no {documents} is written: the agreement is signed, and the committee changed "
                "it at its meeting on {datum} (§ {paragraf}, {where}); what the build writes now "
                "is tilläggsavtal nr {number}, and the signed packet stays as it is. Build it "
                "with: avtalsgen build {case}"
            ).format(
                documents=titles(documents),
                datum=change.datum,
                paragraf=change.paragraf.paragraf,
                where=recorded(change),
                number=planned.change.nummer,
                case=case.path,
            )
        )
    decision = history.deciding or history.latest
    utfall = history.utfall
    if decision is None or utfall not in (Utfall.AVSLAG, Utfall.ATERREMISS, Utfall.BORDLAGGNING):
        return head + ": " + _no_change(case, documents, planned)
    texts = {
        Utfall.AVSLAG: _(
            "no {documents} is written: {namnd} rejected the case at its meeting on {datum} "
            "(§ {paragraf}, {where}), and a rejected case gets no agreement. Its one "
            "document is the beslutsförslag; build it with: avtalsgen build {case}"
        ),
        Utfall.ATERREMISS: _(
            "no {documents} is written yet: {namnd} referred the case back at its "
            "meeting on {datum} (§ {paragraf}, {where}); the agreement is written once a "
            "later meeting grants the case (record that decision in its meeting file). "
            "Until then the case's one document is the beslutsförslag; build it with: "
            "avtalsgen build {case}"
        ),
        Utfall.BORDLAGGNING: _(
            "no {documents} is written yet: {namnd} postponed the case at its meeting "
            "on {datum} (§ {paragraf}, {where}); the agreement is written once a later "
            "meeting grants the case (record that decision in its meeting file). Until "
            "then the case's one document is the beslutsförslag; build it with: "
            "avtalsgen build {case}"
        ),
    }
    return (
        head
        + ": "
        + texts[utfall].format(
            documents=titles(documents),
            namnd=decision.sammantrade.namnd,
            datum=decision.datum,
            paragraf=decision.paragraf.paragraf,
            where=recorded(decision),
            case=case.path,
        )
    )


def _no_change(case: LoadedCase, documents: Sequence[str], planned: Plan) -> str:
    """Granted, or not decided yet: the case calls for its beslutsförslag and samarbetsavtal,
    so what was asked for is a tilläggsavtal no decision calls for."""
    called = [kind(d).title.lower() for d in planned.documents]
    return _(
        "no {documents} is written: no decision of the committee has changed the agreement "
        "(a tilläggsavtal comes of a later decision that extends the agreement, changes its "
        "amount or ends it). The case's documents are {called}; build them with: "
        "avtalsgen build {case}"
    ).format(
        documents=titles(documents),
        called=join_words(called),
        case=case.path,
    )
