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

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from avtalsgen.build.factkey import FactKey
from avtalsgen.build.tillagg import Plan
from avtalsgen.build.workspace import CaseFolder
from avtalsgen.documents import format as fmt
from avtalsgen.documents.context import Context, DecisionRef, build_context, figures
from avtalsgen.documents.factcheck import (
    DOCUMENT_FACTS,
    THE_CHANGE,
    THE_DECISION,
    THE_PROPOSAL,
    Fact,
    Stage,
)
from avtalsgen.documents.factplaces import CHANGE, SECRECY
from avtalsgen.documents.tillagg import (
    Change,
    TillaggContext,
    applies_from_day,
    build_tillagg_context,
    change_of,
    changed_budget_years,
    new_amount,
    region_given,
)
from avtalsgen.input.load import LoadedCase
from avtalsgen.meetings.decisions import Decision, History
from avtalsgen.model.meeting import split_markings
from avtalsgen.model.program import Program
from avtalsgen.model.tillagg import Andring, Tillaggstyp, named_amounts

#: How a tilläggsavtal states its change's date (what the fact check looks for).
_CHANGE_FORM = {
    Tillaggstyp.FORLANGNING: "förlängs till och med {datum}",
    Tillaggstyp.NYTT_BELOPP: "Från och med {datum} är Regionens bidrag",
    Tillaggstyp.UPPHORANDE: "med utgången av {datum}",
}


def _change_form(change: Change, day: dt.date) -> str:
    """How the tilläggsavtal states its change's date: a new amount of only the
    co-financiers' shares opens with the date and what a co-financier's share becomes."""
    typ = change.andring.tillagg.typ
    if typ is Tillaggstyp.NYTT_BELOPP and not region_given(change):
        return f"Från och med {fmt.datum_text(day)}"
    return _CHANGE_FORM[typ].format(datum=fmt.datum_text(day))


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
    plan: Plan | None = None
    """What the build makes as the decisions and signed packets stand."""
    tillagg: TillaggContext | None = None
    """What the tilläggsavtal states, when the build makes one."""

    def context(self, document: str) -> Context | TillaggContext:
        """The context a document is rendered with."""
        if document == "tillaggsavtal":
            assert self.tillagg is not None, "a tilläggsavtal is made of a change"
            return self.tillagg
        return self.proposal if document == "beslutsforslag" else self.decided

    def fact_stages(self) -> dict[str, Stage]:
        """What each document is checked against (see :func:`check_facts`)."""
        decided = THE_DECISION if self.history.grant is not None else THE_PROPOSAL
        change = self.plan.change if self.plan is not None else None
        extra: dict[str, Stage] = {}
        if change is not None and self.tillagg is not None:
            andring = change.andring
            program = self.case.program
            grant = self.history.grant
            assert grant is not None
            day = andring.tillagg.datum
            amounts = set(figures(andring.fore, program).amounts())
            amounts |= named_amounts(andring.tillagg)
            amounts |= {amount for _year, amount in changed_budget_years(andring)}
            extra["tillaggsavtal"] = Stage(
                self.tillagg.arende.model_copy(update={"finansiering": andring.efter}),
                DOCUMENT_FACTS["tillaggsavtal"],
                THE_CHANGE,
                extra_facts=(
                    Fact(
                        "ändringens datum",
                        (_change_form(change_of(andring, program), day),),
                        CHANGE,
                    ),
                    Fact("avtalets beslut", (f"§ {grant.paragraf.paragraf}",), CHANGE),
                    Fact("ändringens beslut", (f"§ {change.decision.paragraf.paragraf}",), CHANGE),
                    *_new_amount(andring, program),
                    # The change applies from its day, whenever the parties sign.
                    Fact(
                        "ändringen gäller från",
                        (f"gäller från och med {fmt.datum_text(applies_from_day(andring))}",),
                        CHANGE,
                    ),
                    *_marked(self.tillagg.sekretess),
                ),
                extra_amounts=frozenset(amounts),
                sources=(self.tillagg,),
            )
        return extra | {
            "beslutsforslag": Stage(
                self.proposal.arende,
                DOCUMENT_FACTS["beslutsforslag"],
                THE_PROPOSAL,
                extra_facts=_marked(self.proposal.sekretess),
                sources=(self.proposal,),
            ),
            "samarbetsavtal": Stage(
                self.decided.arende,
                DOCUMENT_FACTS["samarbetsavtal"],
                decided,
                extra_facts=_marked(self.decided.sekretess),
                sources=(self.decided,),
            ),
        }

    def manifest_entry(self) -> dict[str, Any] | None:
        """What the manifest says of the decision the packet follows (None: undecided)."""
        decision = self.history.deciding or self.history.latest
        if decision is None or self.history.utfall is None:
            return None
        change = self.plan.change if self.plan is not None else None
        if change is not None:
            later = change.decision
            return {
                "utfall": self.history.utfall.value,
                "sammantrade": later.meeting.path.name,
                "datum": later.datum.isoformat(),
                "paragraf": later.paragraf.paragraf,
                "rad": later.meeting.lines.get(later.loc),
                "avtal": True,
                "tillagg": change.nummer,
                "tillaggstyp": change.andring.tillagg.typ.value,
            }
        from avtalsgen.build.superseded import decision_record

        return {
            **(decision_record(self.history) or {}),  # what a signed packet is held to
            "rad": decision.meeting.lines.get(decision.loc),
            "avtal": self.history.agreement,
        }

    def facts(self, key: FactKey | None) -> dict[str, str] | None:
        """The digests of the facts the packet states, by the case's key, as the manifest
        records them, keyed with the output folder's secret ``key`` (see
        :func:`avtalsgen.build.superseded.packet_facts`)."""
        from avtalsgen.build.superseded import packet_facts

        change = self.plan.change if self.plan is not None else None
        return packet_facts(self.history, change.nummer if change is not None else 0, key=key)


def _new_amount(andring: Andring, program: Program) -> tuple[Fact, ...]:
    """A new amount's words, which a tilläggsavtal states in like terms: the amount a year
    and, where the agreement gave one per avtalsår, each avtalsår's after and before (a
    short avtalsår's amount against a yearly rate read as a raise where it was a cut)."""
    change = change_of(andring, program)
    if andring.tillagg.typ is not Tillaggstyp.NYTT_BELOPP or not region_given(change):
        return ()
    return (Fact("ändringens belopp", (new_amount(change),), CHANGE),)


def _marked(marking: str) -> tuple[Fact, ...]:
    """The secrecy marking a document must state (each paragraph's, where several are
    secret), as a fact of the fact check: none when no paragraph it states is secret."""
    return tuple(Fact("sekretess", (one,), SECRECY) for one in split_markings(marking))


def case_stages(
    case: LoadedCase, history: History, folder: Path, plan: Plan | None = None
) -> CaseStages:
    """The stages of ``case`` with the decisions ``history``; ``folder`` is its output
    folder, where the extracts made so far are found; ``plan`` what the build makes (a
    tilläggsavtal, when it names a change)."""
    grant = history.grant
    # Every document that states a secret paragraph's facts carries its marking.
    proposal = replace(build_context(case), sekretess=history.sekretess())
    if grant is None:
        decided = proposal
    else:
        arende = history.decided.model_copy(update={"exempel": history.exempel})
        beslut = DecisionRef(grant.datum, grant.paragraf.paragraf)
        decided = replace(build_context(case, arende, beslut), sekretess=proposal.sekretess)
    extracts, missing = [], []
    for decision in history.decisions:
        pdf = find_extract(folder, decision)
        if pdf is None:
            missing.append(decision)
        else:
            extracts.append(ExtractPart(decision, pdf))
    tillagg = None
    if plan is not None and plan.change is not None and grant is not None:
        change = plan.change
        signed_on = plan.signed.signed_on if plan.signed is not None else None
        tillagg = build_tillagg_context(
            case,
            decided.arende,
            change.andring,
            change.nummer,
            undertecknat=signed_on,
            beslut=(grant.datum, grant.paragraf.paragraf),
            tillaggsbeslut=(change.decision.datum, change.decision.paragraf.paragraf),
        )
        tillagg = replace(tillagg, sekretess=history.sekretess(change.nummer))
    return CaseStages(
        case, history, proposal, decided, tuple(extracts), tuple(missing), plan, tillagg
    )
