"""The financing in force after the later decisions on a running agreement.

A tillägg (an extension, a new amount from a date, an early end) changes the agreement's
financing from a day of its own, by the committee's decision, even if the tilläggsavtal is
signed later (:func:`avtalsgen.documents.tillagg.applies_from`). What the agreement pays
then is the plan the newest change left, each payment set by the decision that first gave
it: the grant for the payments a change left as they were, else the change that made them.
``avtalsgen explain`` shows it so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from avtalsgen.meetings.decisions import Decision, History, Tillaggsbeslut, decided_case
from avtalsgen.model import Program
from avtalsgen.model.money import Berakning, Utbetalningsrad, compute_financing

#: A payment as a plan states it: its day, amount and the months it is for.
_Key = tuple[dt.date, int, dt.date, dt.date]


@dataclass(frozen=True)
class InForce:
    """The financing the newest change left, and the decision behind each payment."""

    change: Tillaggsbeslut
    """The newest change of the agreement."""
    figures: Berakning
    """Every figure of the financing after it."""
    set_by: tuple[Decision, ...]
    """For each payment of :attr:`figures`' plan, the decision that set it."""


def _key(payment: Utbetalningsrad) -> _Key:
    return (payment.datum, payment.belopp, payment.start, payment.slut)


def in_force(history: History, program: Program) -> InForce | None:
    """The financing in force after the changes the history holds (held meetings only);
    None when no change followed the grant."""
    grant = history.grant
    if grant is None or not history.changes:
        return None
    money = decided_case(history.arende, grant.paragraf).finansiering
    figures = compute_financing(money, program.finansiering)
    set_by: dict[_Key, Decision] = {_key(p): grant for p in figures.utbetalningar}
    for change in history.changes:
        figures = compute_financing(change.andring.efter, program.finansiering)
        set_by = {
            _key(p): set_by.get(_key(p), change.decision) for p in figures.utbetalningar
        }  # a payment the change left as it was keeps the decision that set it
    return InForce(
        history.changes[-1], figures, tuple(set_by[_key(p)] for p in figures.utbetalningar)
    )
