"""A case as of each of its stages: what each document states, and what its packet holds.

The beslutsförslag states the proposal and is never rewritten by a decision; the
samarbetsavtal and its payment schedule state the decided facts (the proposal's while the
case is undecided: a draft); the protocol extracts state each decision as made. What the
packet holds follows the outcome:

- bifall, with or without ändring (and an undecided case's draft): the beslutsförslag, the
  extracts of the decisions, the agreement and a signature field per signatory;
- avslag: the beslutsförslag and the extracts; no agreement, no signature field;
- återremiss, bordläggning: the beslutsförslag and the extracts, until a later meeting
  decides the case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avtalsgen.build.workspace import CaseFolder
from avtalsgen.documents.context import Context, DecisionRef, build_context
from avtalsgen.documents.factcheck import DOCUMENT_FACTS, THE_DECISION, THE_PROPOSAL, Stage
from avtalsgen.input.load import LoadedCase
from avtalsgen.meetings.decisions import Decision, History


@dataclass(frozen=True)
class ExtractPart:
    """A decision's protocol extract as found in the case's folder (its newest version)."""

    decision: Decision
    pdf: Path


def find_extract(folder: Path, decision: Decision) -> Path | None:
    """The newest version of the extract of ``decision`` in the case folder ``folder``:
    the extract of its § whose record says it is of the decision's meeting and Dnr."""
    case_folder = CaseFolder(folder)
    number = decision.paragraf.paragraf
    try:
        record = json.loads(case_folder.extract_record(number).read_text(encoding="utf-8"))
        latest = record["versioner"][-1]
        fakta = latest["fakta"]
        names = latest["filer"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    if not isinstance(fakta, dict) or fakta.get("dnr") != decision.paragraf.dnr:
        return None
    if fakta.get("sammantradesdatum") != decision.datum.isoformat():
        return None  # the same § of another meeting (numbers start again each year)
    for name in names if isinstance(names, list) else []:
        if isinstance(name, str) and name.endswith(".pdf") and Path(name).name == name:
            path = folder / name
            return path if path.is_file() else None
    return None


@dataclass(frozen=True)
class CaseStages:
    """A case, the decisions on it, and the context and facts of each of its documents."""

    case: LoadedCase
    history: History
    proposal: Context
    """What the beslutsförslag states: the proposal."""
    decided: Context
    """What the samarbetsavtal states: the case as granted, with the decision's date and §
    (the proposal, and no decision, while undecided)."""
    extracts: tuple[ExtractPart, ...]
    """The extracts of the decisions made so far (``avtalsgen utdrag``), in order."""
    missing: tuple[Decision, ...]
    """Decisions whose extract has not been made yet."""

    def context(self, document: str) -> Context:
        """The context a document is rendered with."""
        return self.proposal if document == "beslutsforslag" else self.decided

    def fact_stages(self) -> dict[str, Stage]:
        """What each document is checked against (see :func:`check_facts`)."""
        decided = THE_DECISION if self.history.grant is not None else THE_PROPOSAL
        return {
            "beslutsforslag": Stage(
                self.proposal.arende, DOCUMENT_FACTS["beslutsforslag"], THE_PROPOSAL
            ),
            "samarbetsavtal": Stage(self.decided.arende, DOCUMENT_FACTS["samarbetsavtal"], decided),
        }

    def manifest_entry(self) -> dict[str, Any] | None:
        """What the manifest says of the decision the packet follows (None: undecided)."""
        decision = self.history.deciding or self.history.latest
        if decision is None or self.history.utfall is None:
            return None
        return {
            "utfall": self.history.utfall.value,
            "sammantrade": decision.meeting.path.name,
            "datum": decision.datum.isoformat(),
            "paragraf": decision.paragraf.paragraf,
            "rad": decision.meeting.lines.get(decision.loc),
            "avtal": self.history.agreement,
        }


def case_stages(case: LoadedCase, history: History, folder: Path) -> CaseStages:
    """The stages of ``case`` with the decisions ``history``; ``folder`` is its output
    folder, where the extracts made so far are found."""
    grant = history.grant
    proposal = build_context(case)
    if grant is None:
        decided = proposal
    else:
        arende = history.decided.model_copy(update={"exempel": history.exempel})
        beslut = DecisionRef(grant.datum, grant.paragraf.paragraf)
        decided = build_context(case, arende, beslut)
    extracts, missing = [], []
    for decision in history.decisions:
        pdf = find_extract(folder, decision)
        if pdf is None:
            missing.append(decision)
        else:
            extracts.append(ExtractPart(decision, pdf))
    return CaseStages(case, history, proposal, decided, tuple(extracts), tuple(missing))
