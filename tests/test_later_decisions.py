"""Later decisions on a running agreement as committees make them (qa18's walk): a change
granted with its reasons, or a proposed change rejected, referred back or postponed; each
extract read back from its PDF, the history and status saying what follows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import fold
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen.cli.app import app
from avtalsgen.errors import CaseError
from avtalsgen.meetings.extract import build_extracts
from avtalsgen.meetings.justering import load_meeting

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"

HEAD = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2026-03-10
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2026-03-17
anslagsdatum: 2026-03-18
arenden: ..
paragrafer:
"""

#: One of each: a proposed extension rejected after a vote, a proposed new amount
#: postponed, a proposed early end referred back, an early end granted by vote against a
#: reservation, with its reasons.
LATER = """\
  - paragraf: 120
    dnr: RUN-90001-2023
    utfall: avslag
    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}
    motivering: Uppföljningen visar inte att ekosystemet rör sig framåt inom flera områden
    votering: {ja: 8, nej: 5, ordning: "Ja-röst för avslag, nej-röst för bifall till förslaget"}
  - paragraf: 121
    dnr: RUN-90004-2024
    utfall: bordlaggning
    tillagg: {typ: nytt_belopp, fran: 2026-08-01, belopp_per_ar: 900000}
  - paragraf: 122
    dnr: RUN-90002-2024
    utfall: aterremiss
    tillagg: {typ: upphorande, sista_dag: 2026-12-31}
    motivering: Förvaltningen ska först redovisa aktörens slutrapport
  - paragraf: 123
    dnr: RUN-90003-2025
    tillagg: {typ: upphorande, sista_dag: 2026-06-30}
    motivering: Aktören har meddelat att verksamheten avvecklas
    votering: {ja: 9, nej: 4}
    reservationer:
      - Per Exempelsson (C)
"""


def _meeting(cases: Path, body: str, name: str = "later.yaml") -> Path:
    path = cases / "sammantraden" / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """The shipped cases and meetings without the shipped extension."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    (tmp_path / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml").unlink()
    return tmp_path / "cases"


def test_a_proposed_change_may_be_rejected_postponed_or_referred_back(
    cases: Path, english: None
) -> None:
    """A tillägg paragraph could only be a bifall, without reasons: each of these was
    refused ("a paragraph with a tillagg grants a change ...: leave utfall out", "motivering
    belongs to the decision on the proposal")."""
    meeting = load_meeting(_meeting(cases, LATER))
    histories = meeting.histories
    for dnr in ("RUN-90001-2023", "RUN-90004-2024", "RUN-90002-2024"):
        assert histories[dnr].changes == (), dnr  # no tilläggsavtal follows
        assert histories[dnr].agreement, dnr  # the agreement in force stays
    (granted,) = histories["RUN-90003-2025"].changes
    assert granted.andring.efter.period.slut == dt.date(2026, 6, 30)


def test_a_change_granted_with_amendments_or_a_referral_without_reasons_is_refused(
    cases: Path, english: None
) -> None:
    body = """\
  - paragraf: 120
    dnr: RUN-90001-2023
    utfall: %s
    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}
"""
    path = _meeting(cases, body % "aterremiss")
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    assert caught.value.problems == [
        f"{path}:13: paragrafer[0].motivering: an återremiss states its reason: add motivering"
    ]
    path = _meeting(cases, body % "bifall_med_andring")
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    assert caught.value.problems == [
        f"{path}:15: paragrafer[0].utfall: a change of the running agreement granted with "
        "amendments is the change as decided: write it in tillagg and leave utfall out (or "
        "write bifall)"
    ]


def test_a_later_postponement_without_its_change_says_to_give_it(
    cases: Path, english: None
) -> None:
    """A bordläggning on a granted case was told to "correct the first decision in its own
    meeting file": it is of a proposed change, given as the paragraph's tillagg."""
    path = _meeting(cases, "  - paragraf: 120\n    dnr: RUN-90001-2023\n    utfall: bordlaggning\n")
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:14: paragrafer[0].dnr: RUN-90001-2023 was granted")
    assert problem.endswith(
        "a later bordlaggning on it is of a proposed change of the running agreement: give "
        "the change proposed as the paragraph's tillagg (e.g. tillagg: {typ: forlangning, "
        "ny_slutdag: YYYY-MM-DD}) and keep utfall: bordlaggning"
    )


def test_the_extracts_say_what_was_decided_and_status_that_the_agreement_stays(
    cases: Path, session_converter: Path, english: None
) -> None:
    output = cases.parent / "output"
    path = _meeting(cases, LATER)
    with converter_in(session_converter) as converter:
        build_extracts(path, output, TEMPLATES, converter, today=dt.date(2026, 3, 18))

    def text(dnr: str, paragraf: int) -> str:
        return fold(pdftotext(output / dnr / f"protokollsutdrag-{paragraf}.pdf"))

    rejected = text("RUN-90001-2023", 120)
    assert (
        "Regionala utvecklingsnämnden avslår förslaget att förlänga samarbetsavtalet med "
        "Exempel Arktiska Testbäddar ekonomisk förening till och med den 31 december 2029."
        in rejected
    )
    assert (
        "Motivering: Uppföljningen visar inte att ekosystemet rör sig framåt inom flera "
        "områden." in rejected
    )
    assert "tilläggsavtal" not in rejected.lower()
    postponed = text("RUN-90004-2024", 121)
    assert (
        "Regionala utvecklingsnämnden beslutar att bordlägga förslaget att Region Norrbottens "
        "bidrag till Exempel Rymdnod Norrbotten ekonomisk förening från och med den 1 augusti "
        "2026 "
        "ska vara 900 000 kronor årligen." in postponed
    )
    referred = text("RUN-90002-2024", 122)
    assert (
        "Regionala utvecklingsnämnden beslutar att återremittera förslaget att "
        "samarbetsavtalet med Exempel Kreativa Norrbotten ideell förening ska upphöra i "
        "förtid med utgången av den 31 december 2026 till förvaltningen." in referred
    )
    assert "Motivering: Förvaltningen ska först redovisa aktörens slutrapport." in referred
    ended = text("RUN-90003-2025", 123)
    assert (
        "upphör i förtid med utgången av den 30 juni 2026 i stället för den 30 juni 2028" in ended
    )
    assert "tilläggsavtal nr 1" in ended
    assert "Motivering: Aktören har meddelat att verksamheten avvecklas." in ended
    assert "Per Exempelsson (C)" in ended
    # status: the agreement stays as it is, and the decision's row says what it was.
    result = CliRunner().invoke(
        app,
        ["status", str(cases / "exempel-arktiska-testbaddar.yaml"), "--output", str(output),
         "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (status,) = json.loads(result.output)
    assert status["lage"].endswith(
        "; the proposed extension was rejected (§ 120 of the meeting of 2026-03-10): the "
        "agreement stays as it is, and no tilläggsavtal follows"
    ), status["lage"]
    result = CliRunner().invoke(
        app, ["status", str(cases / "exempel-arktiska-testbaddar.yaml"), "--output", str(output)]
    )
    assert "proposed change of the agreement, rejected: extension" in result.output


def test_an_extension_over_broken_years_shows_each_budget_years_share(
    cases: Path, session_converter: Path
) -> None:
    """The region budgets per calendar year: an extension 2027-07-01–2030-06-30 (600 000
    kronor a year, as § 187 decided) covers 2027 and 2030 in part, and its extract said
    nothing of what falls on each budget year."""
    output = cases.parent / "output"
    path = cases / "sammantraden" / "later.yaml"
    path.write_text(
        HEAD.replace("2026-03-10", "2026-12-01")
        .replace("2026-03-17", "2026-12-08")
        .replace("2026-03-18", "2026-12-09")
        + "  - paragraf: 151\n    dnr: RUN-90002-2024\n"
        "    tillagg: {typ: forlangning, ny_slutdag: 2030-06-30}\n",
        encoding="utf-8",
    )
    with converter_in(session_converter) as converter:
        build_extracts(path, output, TEMPLATES, converter, today=dt.date(2026, 12, 9))
    text = fold(pdftotext(output / "RUN-90002-2024" / "protokollsutdrag-151.pdf"))
    assert (
        "Bidraget för förlängningen fördelas på budgetåren med 300 000 kronor för 2027, "
        "600 000 kronor för 2028, 600 000 kronor för 2029 och 300 000 kronor för 2030."
    ) in text
