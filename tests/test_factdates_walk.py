"""The fact check's walk for the dates a case gives (documents.factdates.known_dates): the
same dates and periods whether the program is walked with the rest or given as ``shared``
(its own found once and kept), for every shipped example case and document; and each kind
of object the walk takes as before (a datetime as its date, a mapping's values, a model's
and a dataclass's fields, a period's start and end together, a property that is one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO

from avtalsgen.documents import factdates
from avtalsgen.documents.factdates import known_dates


def test_shared_program_gives_the_same_dates(tmp_path: Path) -> None:
    from avtalsgen.build.packets import PacketFolder
    from avtalsgen.build.stages import case_stages
    from avtalsgen.build.tillagg import plan
    from avtalsgen.build.workspace import CaseFolder
    from avtalsgen.documents.financing import view
    from avtalsgen.input.load import load_case
    from avtalsgen.meetings.decisions import case_history
    from avtalsgen.model.money import compute_financing

    checked = 0
    for path in sorted((REPO / "cases").glob("*.yaml")):
        case = load_case(path)
        history = case_history(case.path, case.arende, case.program)
        folder = tmp_path / path.stem
        stages = case_stages(case, history, folder, plan(history, PacketFolder(CaseFolder(folder))))
        for stage in stages.fact_stages().values():
            figures = view(compute_financing(stage.arende.finansiering, case.program.finansiering))
            walked = known_dates(stage.arende, case.program, figures, *stage.sources)
            for _ in range(2):  # found, then kept
                shared = known_dates(stage.arende, figures, *stage.sources, shared=case.program)
                assert shared == walked
            assert walked.dates and walked.periods
            checked += 1
    assert checked >= 10


@dataclass(frozen=True)
class _Span:
    start: dt.date
    slut: dt.date
    note: str


@dataclass(frozen=True)
class _Derived:
    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.date:
        return self.first

    @property
    def slut(self) -> dt.date:
        return self.last


def test_each_kind_of_object() -> None:
    source = {
        "when": dt.datetime(2025, 3, 4, 12, 30),
        "span": _Span(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "till den 5 maj 2026"),
        "derived": [_Derived(dt.date(2024, 2, 1), dt.date(2024, 2, 29))],
        "items": ({"x": "perioden 2027-01-01–2027-06-30"}, frozenset({dt.date(2028, 8, 8)})),
        "other": (1, 2.5, b"2029-01-01", None, True),
    }
    known = known_dates(source)
    assert known.dates == {
        "2025-03-04", "2025-01-01", "2025-12-31", "2026-05-05", "2024-02-01", "2024-02-29",
        "2027-01-01", "2027-06-30", "2028-08-08",
    }  # fmt: skip
    assert known.periods == {
        ("2025-01-01", "2025-12-31"), ("2024-02-01", "2024-02-29"), ("2027-01-01", "2027-06-30")
    }  # fmt: skip
    shared = _Span(dt.date(2030, 1, 1), dt.date(2030, 6, 30), "")
    assert known_dates(source, shared=shared) == known_dates(source, shared)
    assert id(shared) in factdates._shared


def test_a_line_without_a_year_states_no_date() -> None:
    known = known_dates(_Span(dt.date(2025, 1, 1), dt.date(2025, 12, 31), ""))
    text = "Sida 1 av 2\n12 maj\n2025-01-01–2025-12-31\nden 3 maj 2025\n"
    problems = factdates.date_problems(text, known, "x.pdf", "mallen", "ärendet")
    assert len(problems) == 1 and "2025-05-03" in problems[0]
