"""A decision point the committee completes or rewrites (bifall med ändring) must reach the
samarbetsavtal: check and build refuse a decided point whose addition the agreement would
not state (a co-financier's condition written only into the point), by file and line, and
say how to fix it; given as the co-financier's ``villkor`` (or marked as not concerning the
agreement) the case passes. The agreement stating the condition is read back from the PDF
in test_decided_financing."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from avtalsgen.cli.app import app

runner = CliRunner()

CONDITION = "Luleå kommun har beslutat om sin medfinansiering senast 2026-06-30"
#: § 88 grants RUN-90003-2025 with point 4 completed by a condition on Luleå kommun's share.
POINTS = f"""\
    beslut:
      - >-
        Regionala utvecklingsnämnden beslutar att {{aktor_namn}} beviljas {{belopp_arligen}} i
        basfinansiering inom Norrbottens ekosystem, sammanlagt {{totalt}}.
      - Medlen anvisas från {{kalla}}.
      - Basfinansieringen gäller under perioden {{start}} till {{slut}}.
      - >-
        Beslutet gäller under förutsättning av medfinansiering från {{medfinansiering}}
        och att {CONDITION}.
      - Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta beslut.
"""


def decide(cases: Path, paragraph: str) -> Path:
    meeting = cases / "sammantraden" / "exempel-run-2025-06-10.yaml"
    text = meeting.read_text(encoding="utf-8")
    decided = "    dnr: RUN-90003-2025\n    beslut: enligt förslaget\n"
    assert decided in text
    meeting.write_text(text.replace(decided, "    dnr: RUN-90003-2025\n" + paragraph), "utf-8")
    return meeting


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def test_a_condition_written_only_into_a_point_is_refused(cases: Path, tmp_path: Path) -> None:
    meeting = decide(cases, POINTS)
    case = cases / "exempel-medfinansiering.yaml"
    line = line_of(meeting, "      - >-\n        Beslutet gäller")
    checked = runner.invoke(app, ["check", str(case)])
    assert checked.exit_code == 1
    assert checked.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].beslut[3]: point 4 as decided adds “och att "
        f"{CONDITION}”, which the samarbetsavtal does not state, and the agreement follows "
        "the decision: give a co-financier's condition under "
        "paragrafer[0].finansiering.finansiarer[1].villkor (the decided financing, the "
        "condition on the co-financier it concerns) so that the agreement states it, or, "
        "where the change does not concern the agreement, list the point in "
        "paragrafer[0].ej_i_avtalet: [4]"
    )
    assert "Traceback" not in checked.output
    # build refuses it in the same words before writing an agreement.
    output = tmp_path / "output"
    built = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert built.exit_code == 1
    assert checked.stderr.splitlines()[0] in built.stderr
    assert not (output / "RUN-90003-2025" / "samarbetsavtal.pdf").exists()
    # In Swedish, in the same place.
    swedish = runner.invoke(app, ["--lang", "sv", "check", str(case)])
    assert swedish.stderr.splitlines()[0] == (
        f"{meeting}:{line}: paragrafer[0].beslut[3]: punkt 4 i beslutet lägger till ”och att "
        f"{CONDITION}”, som samarbetsavtalet inte återger, och avtalet ska följa beslutet: ange "
        "villkoret under paragrafer[0].finansiering.finansiarer[1].villkor (den beslutade "
        "finansieringen, med villkoret hos den medfinansiär det gäller) så att avtalet återger "
        "det, eller, om ändringen inte rör avtalet, ange punkten i paragrafer[0].ej_i_avtalet: [4]"
    )


def test_the_condition_as_the_cofinanciers_villkor_passes(cases: Path) -> None:
    source = (cases / "exempel-medfinansiering.yaml").read_text(encoding="utf-8")
    start = source.index("finansiering:\n  period:")
    financing = source[start : source.index("  totalt: 5400000")]
    financing = financing.replace(
        "      belopp_per_ar: 250000\n    - namn: Piteå",
        f"      belopp_per_ar: 250000\n      villkor: {CONDITION}\n    - namn: Piteå",
    )
    assert CONDITION in financing
    indented = "".join(f"    {line}\n" for line in financing.splitlines())
    decide(cases, POINTS + indented)
    checked = runner.invoke(app, ["check", str(cases / "exempel-medfinansiering.yaml")])
    assert checked.exit_code == 0, checked.output


def test_a_change_not_concerning_the_agreement_is_marked(cases: Path) -> None:
    points = POINTS.replace(f"\n        och att {CONDITION}.", ".").replace(
        "avtal enligt detta beslut.", "avtal enligt detta beslut och återrapportera till nämnden."
    )
    meeting = decide(cases, points)
    case = cases / "exempel-medfinansiering.yaml"
    checked = runner.invoke(app, ["check", str(case)])
    assert checked.exit_code == 1
    assert "paragrafer[0].beslut[4]: point 5 as decided adds “och återrapportera till" in (
        checked.stderr
    )
    assert "finansiarer[M].villkor" in checked.stderr  # names no co-financier
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(points, points + "    ej_i_avtalet: [5]\n"), "utf-8")
    assert runner.invoke(app, ["check", str(case)]).exit_code == 0


def test_a_change_only_in_words_is_refused(cases: Path) -> None:
    meeting = decide(cases, f"    andring: punkt 4 kompletteras med att {CONDITION}\n")
    checked = runner.invoke(app, ["check", str(cases / "exempel-medfinansiering.yaml")])
    assert checked.exit_code == 1
    line = line_of(meeting, "    andring:")
    assert checked.stderr.splitlines()[0].startswith(
        f"{meeting}:{line}: paragrafer[0].andring: the change is given only in words (andring)"
    )


def test_a_partial_rejection_is_told_to_be_marked(cases: Path) -> None:
    """Bifall i del, avslag i övrigt (decide21): the rejecting point is told to be marked
    as not in the agreement, not first to be a co-financier's condition."""
    points = POINTS.replace(f"\n        och att {CONDITION}.", ".") + (
        "      - Regionala utvecklingsnämnden avslår förslaget i övrigt.\n"
    )
    meeting = decide(cases, points)
    case = cases / "exempel-medfinansiering.yaml"
    checked = runner.invoke(app, ["check", str(case)])
    assert checked.exit_code == 1
    assert (
        "paragrafer[0].beslut[5]: point 6 as decided rejects the proposal in part "
        "(“Regionala utvecklingsnämnden avslår förslaget i övrigt”), which the "
        "samarbetsavtal does not state, as a rejection is the decision's and not a term of "
        "the agreement: list the point in paragrafer[0].ej_i_avtalet: [6]"
    ) in " ".join(checked.stderr.split())
    assert "villkor" not in checked.stderr
    swedish = runner.invoke(app, ["--lang", "sv", "check", str(case)])
    assert swedish.exit_code == 1
    assert (
        "paragrafer[0].beslut[5]: punkt 6 i beslutet avslår förslaget i en del (”Regionala "
        "utvecklingsnämnden avslår förslaget i övrigt”), vilket samarbetsavtalet inte "
        "återger, eftersom ett avslag hör till beslutet och inte är ett villkor i avtalet: "
        "ange punkten i paragrafer[0].ej_i_avtalet: [6]"
    ) in " ".join(swedish.stderr.split())
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(points, points + "    ej_i_avtalet: [6]\n"), "utf-8")
    assert runner.invoke(app, ["check", str(case)]).exit_code == 0
