"""What a paragraph says in words must agree with what it decides: the amounts and dates of
a bifall med ändring's ``andring`` with its decided financing, the case's dates with a
shortened period, and a vote's counts with the outcome. check refuses each at the file and
line of the field to blame and says how to fix it (a new user's findings: an extract said
"med den ändringen att beloppet är 1 900 000 kronor avtalsår 1" above points granting
1 800 000 kronor; an avslag recorded 5 ja-röster for avslag and 8 against)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from avtalsgen.cli.app import app

runner = CliRunner()

MEETING = Path("sammantraden") / "exempel-run-2025-06-10.yaml"
CASE = "exempel-medfinansiering.yaml"


def decide(cases: Path, andring: str, slut: str = "2028-06-30") -> Path:
    """§ 88 grants RUN-90003-2025 with the region's first avtalsår lowered to 900 000
    kronor, and the change in ``andring``'s words."""
    source = (cases / CASE).read_text(encoding="utf-8")
    start = source.index("finansiering:\n  period:")
    financing = source[start : source.index("  totalt: 5400000")]
    financing = financing.replace(
        "      kalla: ERP\n      belopp_per_ar: 1000000\n",
        "      kalla: ERP\n      belopp_per_avtalsar: [900000, 1000000, 1000000]\n",
    ).replace("    slut: 2028-06-30\n", f"    slut: {slut}\n")
    if slut != "2028-06-30":
        financing = financing.replace("[900000, 1000000, 1000000]", "[900000, 1000000]").replace(
            "        - ar: 2028\n          belopp: 100000\n", ""
        )
    assert "belopp_per_avtalsar" in financing
    indented = "".join(f"    {line}\n" for line in financing.splitlines())
    meeting = cases / MEETING
    text = meeting.read_text(encoding="utf-8")
    decided = "    dnr: RUN-90003-2025\n    beslut: enligt förslaget\n"
    assert decided in text
    paragraph = f"    dnr: RUN-90003-2025\n    andring: {andring}\n{indented}"
    meeting.write_text(text.replace(decided, paragraph), "utf-8")
    return meeting


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def test_an_amount_the_decision_does_not_decide_is_refused(cases: Path) -> None:
    meeting = decide(cases, "beloppet är 950 000 kronor avtalsår 1")
    checked = runner.invoke(app, ["check", str(cases / CASE)])
    assert checked.exit_code == 1
    line = line_of(meeting, "    andring:")
    assert checked.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].andring: the change in words names 950,000 kronor "
        "for avtalsår 1, but the financing decided gives 900,000 kronor for it: write the "
        "decided amount in andring (or the placeholder {belopp_per_avtalsar}), or correct "
        "paragrafer[0].finansiering"
    )
    assert "Traceback" not in checked.output
    swedish = runner.invoke(app, ["--lang", "sv", "check", str(cases / CASE)])
    assert swedish.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].andring: ändringen i ord anger 950\u00a0000 kronor "
        "för avtalsår 1, men den beslutade finansieringen ger 900\u00a0000 kronor för det: "
        "skriv det beslutade beloppet i andring (eller platshållaren {belopp_per_avtalsar}), "
        "eller rätta paragrafer[0].finansiering"
    )
    # utdrag refuses it too: no extract states both amounts.
    made = runner.invoke(
        app, ["--lang", "en", "utdrag", str(meeting), "--output", str(cases.parent / "out")]
    )
    assert made.exit_code == 1
    assert checked.stderr.splitlines()[0] in made.stderr
    assert not list((cases.parent).rglob("protokollsutdrag-88.pdf"))


@pytest.mark.parametrize(
    "andring",
    [
        "beloppet är 900 000 kronor avtalsår 1",
        "beloppet avtalsår 1 sänks från 1 000 000 kronor till 900\u00a0000 kronor",
        "beloppet är {belopp_per_avtalsar}",
        # A condition's date is no date of the period.
        "beloppet avtalsår 1 är 900 000 kronor, under förutsättning att Luleå kommun har "
        "beslutat om sin medfinansiering senast 2026-06-30",
    ],
)
def test_the_decided_amount_passes(cases: Path, andring: str) -> None:
    decide(cases, f"'{andring}'")
    checked = runner.invoke(app, ["check", str(cases / CASE)])
    assert checked.exit_code == 0, checked.output


def test_a_figure_of_no_financier_and_a_date_of_no_period_are_refused(cases: Path) -> None:
    decide(cases, "beloppet är 1 234 567 kronor och perioden slutar 2028-12-31")
    checked = runner.invoke(app, ["check", str(cases / CASE)])
    assert checked.exit_code == 1
    assert "names 1,234,567 kronor, which is none of the figures of the financing decided" in (
        checked.stderr
    )
    assert "names the date 2028-12-31, which is none of the decided period's dates" in (
        checked.stderr
    )
    assert "2025-07-01, 2026-06-30, 2026-07-01, 2027-06-30, 2027-07-01, 2028-06-30" in (
        checked.stderr
    )


def test_a_shortened_period_before_the_case_s_evaluation_is_refused(cases: Path) -> None:
    meeting = decide(cases, "perioden slutar 2027-06-30", slut="2027-06-30")
    checked = runner.invoke(app, ["check", str(cases / CASE)])
    assert checked.exit_code == 1
    line = line_of(meeting, "        slut: 2027-06-30")
    assert checked.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].finansiering.period.slut: the period as decided "
        "ends 2027-06-30, before the case's external evaluation (extern_utvardering_senast: "
        "2027-11-30), and the samarbetsavtal would state both: if the committee decided an "
        "earlier evaluation, set extern_utvardering_senast in the case file to 2027-06-30 or "
        "earlier; else correct paragrafer[0].finansiering.period.slut"
    )
    case = cases / CASE
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("senast: 2027-11-30", "senast: 2027-05-31"), "utf-8")
    assert runner.invoke(app, ["check", str(case)]).exit_code == 0


def test_a_later_start_after_the_case_s_follow_up_is_refused(cases: Path) -> None:
    """§ 187 decides RUN-90002-2024's period to start 2026-07-01, a year and a half later than
    the case file's, whose first follow-up is våren 2026: the samarbetsavtal said "Avtalet
    gäller från och med 2026-07-01" and "En första uppföljning … sker våren 2026" (review21;
    the case file's check knew only its own start)."""
    meeting = cases / "sammantraden" / "exempel-run-2024-11-26.yaml"
    text = meeting.read_text(encoding="utf-8")
    decided = "        start: 2025-01-01\n        slut: 2027-06-30\n"
    assert text.count(decided) == 1
    meeting.write_text(text.replace(decided, decided.replace("2025-01-01", "2026-07-01")), "utf-8")
    checked = runner.invoke(app, ["check", str(cases / "exempel-kreativa-norrbotten.yaml")])
    assert checked.exit_code == 1
    line = line_of(meeting, "        start: 2026-07-01")
    assert (
        f"{meeting}:{line}: paragrafer[0].finansiering.period.start: the period as decided "
        "starts 2026-07-01, after the case's first follow-up (forsta_uppfoljning: våren 2026) "
        "is over, and the samarbetsavtal would state both: name a later term in "
        "forsta_uppfoljning in the case file, e.g. hösten 2026, or correct "
        "paragrafer[0].finansiering.period.start"
    ) in checked.stderr.splitlines()


REJECTED = Path("sammantraden") / "exempel-run-2024-12-10.yaml"
VOTE = (
    "      ja: 7\n      nej: 6\n"
    "      ordning: Ja-röst för avslag, nej-röst för bifall till förslaget\n"
)


def vote(cases: Path, counts: str) -> Path:
    meeting = cases / REJECTED
    text = meeting.read_text(encoding="utf-8")
    assert VOTE in text
    meeting.write_text(text.replace(VOTE, counts), "utf-8")
    return meeting


def test_a_vote_that_contradicts_the_outcome_is_refused(cases: Path) -> None:
    meeting = vote(cases, VOTE.replace("ja: 7\n      nej: 6", "ja: 5\n      nej: 8"))
    checked = runner.invoke(app, ["check", str(cases / "exempel-matkluster.yaml")])
    assert checked.exit_code == 1
    line = line_of(meeting, "      ja: 5")
    assert checked.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].votering.ja: the vote contradicts the outcome: ja "
        "stood for avslag (ordning: Ja-röst för avslag, nej-röst för bifall till förslaget), "
        "and 5 ja and 8 nej means the other side won; correct the counts, the voting order "
        "(ordning: what a ja-röst was for) or utfall"
    )


def test_the_vote_s_contradiction_in_swedish(cases: Path) -> None:
    vote(cases, VOTE.replace("ja: 7\n      nej: 6", "ja: 5\n      nej: 8"))
    swedish = runner.invoke(app, ["--lang", "sv", "check", str(cases / "exempel-matkluster.yaml")])
    assert swedish.exit_code == 1
    assert (
        "paragrafer[0].votering.ja: omröstningen motsäger beslutet: ja stod för avslag (ordning: "
        "Ja-röst för avslag, nej-röst för bifall till förslaget), och 5 ja och 8 nej betyder att "
        "den andra sidan vann; rätta rösterna, voteringsordningen (ordning: vad en ja-röst var "
        "för) eller utfall"
    ) in swedish.stderr


@pytest.mark.parametrize(
    "counts",
    [
        VOTE,  # ja for avslag won
        "      ja: 6\n      nej: 7\n"
        "      ordning: Ja-röst för bifall till förslaget, nej-röst för avslag\n",
        "      ja: 7\n      nej: 6\n",  # ja for the decision taken
        VOTE.replace("ja: 7\n      nej: 6", "ja: 6\n      nej: 6"),  # the chair's casting vote
    ],
)
def test_a_vote_that_agrees_with_the_outcome_passes(cases: Path, counts: str) -> None:
    vote(cases, counts)
    checked = runner.invoke(app, ["check", str(cases / "exempel-matkluster.yaml")])
    assert checked.exit_code == 0, checked.output


def test_a_vote_without_an_order_where_no_won_is_refused(cases: Path) -> None:
    vote(cases, "      ja: 4\n      nej: 9\n")
    checked = runner.invoke(app, ["check", str(cases / "exempel-matkluster.yaml")])
    assert checked.exit_code == 1
    assert "ja stood for avslag (ordning: ja for the decision taken)" in checked.stderr


AMENDED = Path("sammantraden") / "exempel-run-2024-11-26.yaml"
AMENDED_CASE = "exempel-kreativa-norrbotten.yaml"
#: Point 1 as § 187 decides it: 600 000 kronor a year from 2025-01-01 to 2027-06-30.
POINT_1 = "beviljas {belopp_per_ar} årligen"


def amend(cases: Path, words: str) -> Path:
    """§ 187's first amended point with ``words`` in place of its placeholder's."""
    meeting = cases / AMENDED
    text = meeting.read_text(encoding="utf-8")
    assert POINT_1 in text
    meeting.write_text(text.replace(POINT_1, f"beviljas {words}"), "utf-8")
    return meeting


@pytest.mark.parametrize(
    ("words", "told"),
    [
        (
            "650 000 kronor årligen",
            "point 1 as decided names 650,000 kronor a year, but the financing decided has no "
            "such yearly amount (240,000, 360,000, 600,000): write the decided amount in the "
            "point (or the placeholder {belopp_arligen}), or, if the committee decided that "
            "amount, give it in paragrafer[0].finansiering",
        ),
        # 300 000 kronor is the whole of budget year 2027 (January to June), no yearly amount.
        (
            "300 000 kronor årligen",
            "point 1 as decided names 300,000 kronor a year, but the financing decided has no "
            "such yearly amount",
        ),
        (
            "1 234 567 kronor",
            "point 1 as decided names 1,234,567 kronor, which is none of the figures of the "
            "financing decided (",
        ),
        (
            "600 000 kronor avtalsår 3",
            "point 1 as decided names 600,000 kronor for avtalsår 3, but the financing decided "
            "gives 300,000 kronor for it: write the decided amount in the point (or the "
            "placeholder {belopp_per_avtalsar}), or, if the committee decided that amount, "
            "give it in paragrafer[0].finansiering",
        ),
    ],
)
def test_an_amount_an_amended_point_names_that_the_decision_does_not_decide_is_refused(
    cases: Path, words: str, told: str
) -> None:
    """check and utdrag refuse it at the point's own line (the build's fact check alone
    caught it before; check and utdrag passed)."""
    meeting = amend(cases, words)
    checked = runner.invoke(app, ["check", str(cases / AMENDED_CASE)])
    assert checked.exit_code == 1, checked.output
    line = line_of(meeting, f"beviljas {words}") - 1  # the folded point starts a line above
    first = checked.stderr.splitlines()[0]
    assert first.startswith(f"{meeting}:{line}: paragrafer[0].beslut[0]: {told}"), first
    assert "Traceback" not in checked.output
    made = runner.invoke(
        app, ["--lang", "en", "utdrag", str(meeting), "--output", str(cases.parent / "out")]
    )
    assert made.exit_code == 1
    assert first in made.stderr
    assert not list(cases.parent.rglob("protokollsutdrag-187.pdf"))


def test_an_amended_point_s_amount_in_swedish(cases: Path) -> None:
    meeting = amend(cases, "650 000 kronor årligen")
    swedish = runner.invoke(app, ["--lang", "sv", "check", str(meeting)])
    assert swedish.exit_code == 1
    assert (
        "paragrafer[0].beslut[0]: punkt 1 i beslutet anger 650\u00a0000 kronor per år, men den "
        "beslutade finansieringen har inget sådant årligt belopp (240\u00a0000, 360\u00a0000, "
        "600\u00a0000): skriv det beslutade beloppet i punkten (eller platshållaren "
        "{belopp_arligen}), eller, om nämnden beslutade det beloppet, ange det i "
        "paragrafer[0].finansiering"
    ) in swedish.stderr


@pytest.mark.parametrize(
    "words",
    [
        "600 000 kronor årligen",
        "600 000 kronor årligen, sammanlagt 1 500 000 kronor,",
        "360 000 kronor avtalsår 1 och 300 000 kronor avtalsår 3",
        "{belopp_per_ar} årligen, sänkt från 800 000 kronor,",
    ],
)
def test_an_amended_point_naming_the_decided_amounts_passes(cases: Path, words: str) -> None:
    amend(cases, words)
    checked = runner.invoke(app, ["check", str(cases / AMENDED_CASE)])
    assert checked.exit_code == 0, checked.output


def test_an_amended_point_s_date_outside_the_decided_period_is_refused(cases: Path) -> None:
    meeting = cases / AMENDED
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(
        text.replace("perioden {start} till {slut}", "perioden {start} till 2027-12-31"), "utf-8"
    )
    checked = runner.invoke(app, ["check", str(meeting)])
    assert checked.exit_code == 1
    line = line_of(meeting, "      - Basfinansieringen gäller")
    assert checked.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].beslut[2]: point 3 as decided names the date "
        "2027-12-31, which is none of the decided period's dates (2025-01-01, 2025-12-31, "
        "2026-01-01, 2026-12-31, 2027-01-01, 2027-06-30): write the decided dates in the point "
        "(or the placeholders {start} and {slut}), or, if the committee decided that period, "
        "give it in paragrafer[0].finansiering.period"
    )


def test_the_meeting_form_refuses_an_amended_point_s_amount_at_the_point(
    tmp_path: Path,
) -> None:
    import json

    from webtools import client_for, csrf_of, workspace

    config = workspace(tmp_path)
    meeting = config.cases / AMENDED
    before = meeting.read_text(encoding="utf-8")
    page_path = f"/sammantraden/{meeting.stem}"
    with client_for(config, "sekr") as client:
        html = client.get(page_path).text
        start = html.index('id="editor-data">') + len('id="editor-data">')
        data = json.loads(html[start : html.index("</script>", start)])
        sha = html.split('name="sha" value="', 1)[1].split('"', 1)[0]
        point = data["paragrafer"][0]["beslut"][0]
        data["paragrafer"][0]["beslut"][0] = point.replace(
            POINT_1, "beviljas 650 000 kronor årligen"
        )
        response = client.post(
            page_path,
            data={"_csrf_token": csrf_of(html), "data": json.dumps(data), "sha": sha},
            follow_redirects=False,
        )
    assert response.status_code == 200
    html = response.text
    assert "Inte sparat" in html
    start = html.index('id="editor-problems">') + len('id="editor-problems">')
    problems = json.loads(html[start : html.index("</script>", start)])
    at_point = [p for p in problems if p["path"] == "root.paragrafer.0.beslut.0"]
    assert at_point, problems
    assert "punkt 1 i beslutet anger 650\u00a0000 kronor per år" in at_point[0]["message"]
    assert meeting.read_text(encoding="utf-8") == before
