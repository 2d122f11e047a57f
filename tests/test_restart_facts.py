"""The days from which an extension counts avtalsår anew (``ForlangdPeriod.avtalsar_fran``,
decide20's 1e62ccb) are facts of the financing: they survive the financing's dump, which
``packet_facts`` digests, so two financings of the same dates and amounts whose avtalsår
differ (avtalsår 3 2026-03-01–2026-12-31 and avtalsår 4 from 2027-01-01, against avtalsår 3
2026-03-01–2027-02-28) do not record the same facts. Neither the case file's schema nor a
case file takes the key: only a change of a running agreement makes such a period."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from avtalsgen.build.superseded import packet_facts
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import History, case_history
from avtalsgen.model.case import Arende
from avtalsgen.model.money import (
    Finansiering,
    Finansieringsregler,
    ForlangdPeriod,
    Period,
    compute_financing,
)
from avtalsgen.model.schema import json_schema

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "cases" / "exempel-arktiska-testbaddar.yaml"
START, END, RESTART = dt.date(2024, 3, 1), dt.date(2027, 12, 31), dt.date(2027, 1, 1)


def _financing(period: Period) -> Finansiering:
    return Finansiering.model_validate(
        {
            "period": period,
            "finansiarer": [
                {"namn": "Region Norrbotten - ERP", "kalla": "ERP", "belopp_per_ar": 1_500_000}
            ],
            "utbetalning": {"satt": "arsvis_i_forskott"},
        }
    )


def _history(period: Period) -> History:
    loaded = load_case(CASE)
    arende = loaded.arende.model_copy(update={"finansiering": _financing(period)})
    history = case_history(loaded.path, loaded.arende, loaded.program)
    return dataclasses.replace(history, arende=arende, decisions=(), changes=())


def test_the_restart_days_survive_the_financings_dump() -> None:
    restarted = ForlangdPeriod(start=START, slut=END, avtalsar_fran=(RESTART,))
    dumped = _financing(restarted).model_dump(mode="json")["period"]
    assert dumped == {"start": "2024-03-01", "slut": "2027-12-31", "avtalsar_fran": ["2027-01-01"]}
    plain = _financing(Period(start=START, slut=END)).model_dump(mode="json")["period"]
    assert plain == {"start": "2024-03-01", "slut": "2027-12-31"}


def test_two_avtalsar_tables_of_the_same_dates_and_amounts_record_different_facts() -> None:
    restarted = ForlangdPeriod(start=START, slut=END, avtalsar_fran=(RESTART,))
    lengthened = Period(start=START, slut=END)
    regler = Finansieringsregler()
    years = [
        [(a.start, a.slut) for a in compute_financing(_financing(p), regler).avtalsar]
        for p in (restarted, lengthened)
    ]
    assert years[0][2:] == [(dt.date(2026, 3, 1), dt.date(2026, 12, 31)), (RESTART, END)]
    assert years[1][2:] == [
        (dt.date(2026, 3, 1), dt.date(2027, 2, 28)),
        (dt.date(2027, 3, 1), END),
    ]
    facts = [packet_facts(_history(p)) for p in (restarted, lengthened)]
    assert facts[0] is not None and facts[1] is not None
    assert facts[0] != facts[1]
    assert "finansiering.period.avtalsar_fran[0]" in facts[0]
    assert not any("avtalsar_fran" in key for key in facts[1])


def test_a_case_file_does_not_take_the_restart_days() -> None:
    assert "avtalsar_fran" not in str(json_schema(Arende))
