"""The samarbetsavtal: clauses, schedule, strategies, facts that agree, unknown facts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import CASES, REPO, fold, run
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.conversion.convert import check_archival_pdf
from avtalsgen.documents.format import datum_text
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case, unknown_facts
from avtalsgen.meetings.decisions import History, case_history
from avtalsgen.model import Strategi
from avtalsgen.model.agreement import choose_clauses, payment_schedule, strategy
from avtalsgen.model.money import compute_financing

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

runner = CliRunner()
SEED_CASE = CASES["RUN-00386-2023"]
PROGRAM = REPO / "cases" / "program" / "norrbottens-ekosystem.yaml"


def agreement_text(built: Path, dnr: str) -> str:
    return fold(pdftotext(built / dnr / "samarbetsavtal.pdf", "-layout"))


def agreement_lines(built: Path, dnr: str) -> list[str]:
    text = pdftotext(built / dnr / "samarbetsavtal.pdf", "-layout")
    return [fold(line) for line in text.splitlines() if line.strip()]


# --- end to end, on every example case -----------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
def test_clauses_in_order_with_their_numbers(built: Path, dnr: str) -> None:
    case = load_case(CASES[dnr])
    chosen = [val for val in choose_clauses(case.arende, case.program) if val.med]
    lines = agreement_lines(built, dnr)
    headings = [f"{number}. {val.rubrik}" for number, val in enumerate(chosen, 1)]
    positions = [lines.index(heading) for heading in headings]
    assert positions == sorted(positions)
    left_out = [val for val in choose_clauses(case.arende, case.program) if not val.med]
    for val in left_out:
        assert not any(line.endswith(f". {val.rubrik}") for line in lines)


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
def test_payment_schedule_adds_up_to_the_total(built: Path, dnr: str) -> None:
    loaded = load_case(CASES[dnr])
    # The agreement follows the decision (RUN-90002-2024: 600 000 kronor a year, not 800 000).
    history = case_history(loaded.path, loaded.arende, loaded.program)
    case = replace(loaded, arende=history.decided)
    text = agreement_text(built, dnr)
    rows = re.findall(
        r"Avtalsår (\d+) (\d{4}-\d\d-\d\d)–(\d{4}-\d\d-\d\d) ((?:\d{1,3} )*\d{1,3}) kr", text
    )
    expected = payment_schedule(case.arende)
    assert len(rows) == len(expected)
    amounts = [int(amount.replace(" ", "")) for *_, amount in rows]
    region = compute_financing(case.arende.finansiering, case.program.finansiering).region_summa
    assert sum(amounts) == region
    period = case.arende.finansiering.period
    total = f"{region:,}".replace(",", " ")
    assert f"Totalt {period.start}–{period.slut} {total} kr" in text
    assert rows[0][1] == str(period.start)
    assert rows[-1][2] == str(period.slut)


def test_broken_years_are_prorated_exactly() -> None:
    schedule = payment_schedule(load_case(CASES["RUN-90002-2024"]).arende)
    assert [(y.manader, y.belopp) for y in schedule] == [(12, 800_000), (12, 800_000), (6, 400_000)]
    assert [(y.start, y.slut) for y in schedule][-1] == (dt.date(2027, 1, 1), dt.date(2027, 6, 30))
    seed = payment_schedule(load_case(SEED_CASE).arende)
    assert [(y.start.isoformat(), y.slut.isoformat(), y.belopp) for y in seed] == [
        ("2023-10-01", "2024-09-30", 2_000_000),
        ("2024-10-01", "2025-09-30", 2_000_000),
        ("2025-10-01", "2026-09-30", 2_000_000),
    ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
def test_parties_strategies_and_commitments(built: Path, dnr: str) -> None:
    case = load_case(CASES[dnr])
    text = agreement_text(built, dnr)
    assert (
        "Region Norrbotten, organisationsnummer 232100-0230, Regionhuset, Robertsviksgatan 7"
        in text
    )
    orgnr = case.arende.aktor.organisationsnummer or "[uppgift saknas]"
    assert f"{case.arende.aktor.namn}, organisationsnummer {orgnr}" in text
    assert "nedan kallade parterna" in text
    assert (
        "bidra till insatser i Smart specialiseringsstrategi för Norrbotten och i Regional "
        "utvecklingsstrategi Norrbotten 2030" in text
    )
    assert "medverka i framtagandet och genomförandet av Smart specialiseringsstrategi" in text
    assert "kvalitetssäkringsmodellen" in text
    assert "Driva plattformsarbetet på ett sätt som inkluderar de centrala aktörerna" in text
    # Follow-up and evaluation from the case; early termination; written changes; disputes.
    assert f"En första uppföljning och utvärdering sker {case.arende.forsta_uppfoljning}" in text
    # Dates in running text as running text writes them (domain.md), not ISO.
    evaluation = datum_text(case.arende.extern_utvardering_senast)
    assert f"Finansieringen ska utvärderas externt senast {evaluation}." in text
    period = case.arende.finansiering.period
    assert (
        f"Avtalet gäller från och med {datum_text(period.start)} till och med "
        f"{datum_text(period.slut)}, sammanlagt "
    ) in text
    assert "inte utvecklas framåt på flera områden" in text
    assert "skriftligen och undertecknas av båda parterna" in text
    assert "svensk allmän domstol" in text
    # The case's own conditions, as the committee decided them, bind the actor (qa14 found
    # them only in the beslutsförslag).
    if case.arende.villkor:
        assert re.search(
            r"\. Särskilda villkor Regionens finansiering enligt punkt \d+ lämnas på", text
        )
    for condition in case.arende.villkor:
        assert fold(condition) in text
    check_archival_pdf(built / dnr / "samarbetsavtal.pdf")


@pytest.mark.libreoffice
def test_background_cites_the_decision(built: Path) -> None:
    text = agreement_text(built, "RUN-90001-2023")
    assert (
        "Regionala utvecklingsnämnden beslutade den 5 december 2023, § 212, i ärende med "
        "Dnr RUN-90001-2023 att bevilja Exempel Arktiska Testbäddar ekonomisk förening "
        "basfinansiering inom Norrbottens ekosystem med 1 500 000 kronor årligen"
    ) in text
    # The seed is decided at the example meeting of 2023-12-05 (§ 211): its agreement says
    # so, and is marked as an example for it.
    seed = agreement_text(built, "RUN-00386-2023")
    assert (
        "Regionala utvecklingsnämnden beslutade den 5 december 2023, § 211, i ärende med "
        "Dnr RUN-00386-2023 att bevilja Swedish Lapland Visitors Board basfinansiering inom "
        "Norrbottens ekosystem med 2 000 000 kronor årligen"
    ) in seed
    assert "EXEMPEL – fiktivt avtal för test och demonstration" in seed


@pytest.mark.libreoffice
def test_cross_references_and_clause_choices(built: Path) -> None:
    text = agreement_text(built, "RUN-90001-2023")
    # forlangning left out, testbaddar added after plattformsuppdraget, rapportering replaced:
    assert "Förlängning" not in text
    assert "9. Samordning av testbäddar" in text
    assert "redovisar i rapporteringen enligt punkt 11 hur många företag" in text
    assert "Aktören rapporterar halvårsvis till Regionen" in text
    assert "utföra plattformsuppdraget enligt punkt 8." in text
    seed = agreement_text(built, "RUN-00386-2023")
    assert "till en sammanlagd avtalstid om högst 9 år." in seed
    assert "utvärderingen enligt punkt 12 visar" in seed


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
def test_signature_page(built: Path, dnr: str) -> None:
    case = load_case(CASES[dnr])
    pdf = built / dnr / "samarbetsavtal.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
    last = fold(pdftotext(pdf, "-layout", "-f", str(pages), "-l", str(pages)))
    assert ". Underskrifter" in last
    assert "För Region Norrbotten" in last
    assert f"För {case.arende.aktor.namn}" in last
    assert "Regional utvecklingsdirektör" in last
    signer = case.arende.avtal.undertecknare
    assert f"Ort: {signer.ort or '[uppgift saknas]'}" in last
    earlier = fold(pdftotext(pdf, "-l", str(pages - 1)))
    assert "Underskrifter" not in earlier, "the signatures stand on a page of their own"


# --- strategies by date ----------------------------------------------------------------------


def test_strategy_version_chosen_by_the_agreements_date() -> None:
    program = load_case(SEED_CASE).program
    successor = Strategi(
        kortnamn="RUS", namn="Norrbottensstrategin 2040", giltig_fran=dt.date(2025, 6, 1)
    )
    later = program.model_copy(update={"strategier": [*program.strategier, successor]})
    assert strategy(later, "RUS", dt.date(2025, 5, 31)).namn == (
        "Regional utvecklingsstrategi Norrbotten 2030"
    )
    assert strategy(later, "RUS", dt.date(2025, 6, 1)).namn == "Norrbottensstrategin 2040"
    assert strategy(later, "S3", dt.date(2030, 1, 1)).namn == (
        "Smart specialiseringsstrategi för Norrbotten"
    )


# --- facts that agree ------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_fact_check_fails_when_a_template_prints_another_amount(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    document = docx.Document(str(templates / "samarbetsavtal.docx"))
    changed = 0
    for table in document.tables:
        for cell in table._cells:
            for paragraph in cell.paragraphs:
                for run_ in paragraph.runs:
                    if run_.text == "{{ ar.belopp|kr }}":
                        run_.text = "{{ (ar.belopp * 2)|kr }}"
                        changed += 1
    assert changed == 1
    document.save(str(templates / "samarbetsavtal.docx"))
    output = tmp_path / "output"
    result = runner.invoke(
        app, ["build", str(SEED_CASE), "--output", str(output), "--templates", str(templates)]
    )
    assert result.exit_code == 1
    assert "the documents do not agree on the case's facts:" in result.stderr
    assert (
        "samarbetsavtal.pdf: belopp: the document states 4,000,000 kr/kronor, which is none "
        "of the amounts of the decision (500,000, 1,500,000, 2,000,000, 6,000,000)"
    ) in result.stderr
    assert "beslutsforslag.pdf" not in result.stderr
    assert not any(output.rglob("*.pdf")), "a build that fails the fact check writes nothing"


# --- unknown facts and --strict --------------------------------------------------------------


def test_unknown_facts_are_listed_and_strict_fails() -> None:
    case = load_case(SEED_CASE)
    unknown = unknown_facts(case)
    assert (
        f"{SEED_CASE}:16: aktor.organisationsnummer: not filled in yet (null); the "
        "documents show [uppgift saknas]" in unknown
    )
    # Undecided (no meeting file beside it decides it), the agreement misses its decision.
    undecided = unknown_facts(case, History(case.arende, ()))
    assert any(": dnr: " in line and "no meeting file decides" in line for line in undecided)
    result = runner.invoke(app, ["check", "--strict", str(SEED_CASE)])
    assert result.exit_code == 1
    assert "aktor.organisationsnummer: not filled in yet" in result.stderr
    assert runner.invoke(app, ["check", str(SEED_CASE)]).exit_code == 0


def test_strict_passes_when_every_fact_is_known(tmp_path: Path) -> None:
    """The shipped example names every fact: the program gives the region's signatory as
    the office (no person is named ahead)."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    program = tmp_path / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    assert "    namn: Regional utvecklingsdirektör\n    titel: Regional utvecklingsdirektör\n" in (
        text
    )
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    assert unknown_facts(load_case(case)) == []
    result = runner.invoke(app, ["check", "--strict", str(case)])
    assert result.exit_code == 0, result.output


@pytest.mark.libreoffice
def test_strict_build_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "--strict", str(SEED_CASE), "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert "not filled in yet" in result.stderr
    assert not any(tmp_path.iterdir())


# --- explain ---------------------------------------------------------------------------------


def test_explain_lists_clauses_and_why() -> None:
    result = runner.invoke(app, ["explain", str(CASES["RUN-90001-2023"])])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "RUN-90001-2023  samarbetsavtal: Samarbetsavtal om basfinansiering inom Norrbottens "
        "ekosystem"
    )
    assert lines[1:3] == [  # the agreement follows the decision, a later one changed it
        "as decided: § 212 of the meeting of 2023-12-05 (granted)",
        "changed by § 102 of the meeting of 2026-06-16: tilläggsavtal nr 1 states the agreement "
        "as it reads after the change; below, the agreement as granted",
    ]
    assert re.fullmatch(r"\s+-\s+forlangning\s+Förlängning\s+left out by the case", lines[7])
    assert re.fullmatch(
        r"\s+9\s+testbaddar\s+Samordning av testbäddar\s+added by the case after "
        r"'plattformsuppdraget'",
        lines[13],
    )
    assert re.fullmatch(
        r"\s+-\s+medfinansiering\s+Medfinansiering\s+condition 'medfinansiering' does not "
        r"hold: the financing has no co-financiers",
        lines[9],
    )
    assert re.fullmatch(
        r"\s+6\s+aktorens_villkor\s+Särskilda villkor\s+condition 'aktorsvillkor' holds: "
        r"the case has 2 conditions of its own",
        lines[10],
    )
    assert lines[15].endswith("program clause; text replaced by the case")
    assert "strategies in force on 2023-12-20 (the agreement's date):" in lines
    assert "  avtalsår 3  2026-01-01–2026-12-31  12 months  1,500,000\u00a0kr" in lines
    seed = runner.invoke(app, ["explain", str(SEED_CASE)]).stdout
    assert (
        "condition 'forlangning' holds: the program allows extension (3 years at a time, "
        "at most 9 years)" in seed
    )


# --- invalid clause choices and programs ---------------------------------------------------


def _case_with(tmp_path: Path, avtal: str) -> Path:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    case = tmp_path / "cases" / "RUN-00386-2023.yaml"
    text = case.read_text(encoding="utf-8")
    tail = text[text.index("avtal:\n") :]
    case.write_text(text.replace(tail, avtal), encoding="utf-8")
    return case


def _program_with(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    text = PROGRAM.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (tmp_path / "cases" / "program" / PROGRAM.name).write_text(
        text.replace(old, new), encoding="utf-8"
    )
    return tmp_path / "cases" / "RUN-00386-2023.yaml"


INVALID_CHOICES = [
    pytest.param(
        "avtal:\n  klausuler:\n    utelamna:\n      - forlangningen\n",
        [
            "{A+3}: avtal.klausuler.utelamna[0]: no program clause has the id 'forlangningen' — "
            "did you mean 'forlangning'?",
        ],
        [
            "{A+3}: avtal.klausuler.utelamna[0]: ingen klausul i programmet har id "
            "'forlangningen' — menade du 'forlangning'?",
        ],
        id="omit-unknown-clause",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    ersatt:\n      - id: okand\n        text: Ny text.\n",
        [
            "{A+3}: avtal.klausuler.ersatt[0].id: cannot replace 'okand': no program clause has "
            "that id",
        ],
        [
            "{A+3}: avtal.klausuler.ersatt[0].id: kan inte ersätta 'okand': ingen klausul i "
            "programmet har det id:t",
        ],
        id="replace-unknown-clause",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    tillagg:\n      - id: tvist\n        rubrik: Tvist igen\n"
        "        efter: syfte\n        text: Text.\n",
        [
            "{A+3}: avtal.klausuler.tillagg[0].id: clause id 'tvist' is already used; choose "
            "another id",
        ],
        [
            "{A+3}: avtal.klausuler.tillagg[0].id: klausul-id 'tvist' används redan; välj ett "
            "annat id",
        ],
        id="add-existing-id",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    tillagg:\n      - id: extra\n        rubrik: Extra\n"
        "        efter: saknas\n        text: Text.\n",
        ["{A+5}: avtal.klausuler.tillagg[0].efter: no clause has the id 'saknas'"],
        ["{A+5}: avtal.klausuler.tillagg[0].efter: ingen klausul har id 'saknas'"],
        id="add-after-unknown-clause",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    utelamna:\n      - uppfoljning\n",
        [
            "{A+1}: avtal.klausuler: clause 'forlangning' refers to {punkt:uppfoljning}, which "
            "is not in this agreement",
            "{A+1}: avtal.klausuler: clause 'regionens_ataganden' refers to "
            "{punkt:uppfoljning}, which is not in this agreement",
            "{A+1}: avtal.klausuler: clause 'fortida_upphorande' refers to {punkt:uppfoljning}, "
            "which is not in this agreement",
        ],
        [
            "{A+1}: avtal.klausuler: klausulen 'forlangning' hänvisar till {punkt:uppfoljning}, "
            "som inte finns med i det här avtalet",
            "{A+1}: avtal.klausuler: klausulen 'regionens_ataganden' hänvisar till "
            "{punkt:uppfoljning}, som inte finns med i det här avtalet",
            "{A+1}: avtal.klausuler: klausulen 'fortida_upphorande' hänvisar till "
            "{punkt:uppfoljning}, som inte finns med i det här avtalet",
        ],
        id="omit-a-referenced-clause",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    tillagg:\n      - id: extra\n        rubrik: Extra\n"
        "        efter: syfte\n        text: Se {punkt:saknas}.\n",
        [
            "{A+6}: avtal.klausuler.tillagg[0].text: clause 'extra' refers to {punkt:saknas}, "
            "which is not a clause",
        ],
        [
            "{A+6}: avtal.klausuler.tillagg[0].text: klausulen 'extra' hänvisar till "
            "{punkt:saknas}, som inte är någon klausul",
        ],
        id="reference-to-unknown-clause",
    ),
    pytest.param(
        "avtal:\n  klausuler:\n    tillagg:\n      - id: Extra klausul\n        rubrik: Extra\n"
        "        efter: syfte\n        text: Text.\n",
        [
            "{A+3}: avtal.klausuler.tillagg[0].id: a clause id is written in lower-case letters "
            "a-z, digits and underscores, e.g. 'extra_klausul', not 'Extra klausul'",
        ],
        [
            "{A+3}: avtal.klausuler.tillagg[0].id: ett klausul-id skrivs med små bokstäver a–z, "
            "siffror och understreck, t.ex. 'extra_klausul', inte 'Extra klausul'",
        ],
        id="clause-id-not-ascii-word",
    ),
    pytest.param(
        "avtal:\n  datum: 2023-13-01\n",
        ["{A+1}: avtal.datum: 2023-13-01 is not a real date: there is no month 13; write 01 to 12"],
        [
            "{A+1}: avtal.datum: datumet 2023-13-01 finns inte: det finns ingen månad 13; "
            "skriv 01 till 12"
        ],
        id="agreement-date-not-real",
    ),
]


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(("avtal", "problems", "sv"), INVALID_CHOICES)
def test_invalid_clause_choices(
    tmp_path: Path, avtal: str, problems: list[str], sv: list[str], language: str
) -> None:
    case = _case_with(tmp_path, avtal)
    first = case.read_text(encoding="utf-8").splitlines().index("avtal:") + 1
    i18n.set_language(language)
    with pytest.raises(CaseError) as info:
        load_case(case)
    expected = [
        f"{case}:" + re.sub(r"\{A\+(\d+)\}", lambda m: str(first + int(m.group(1))), problem)
        for problem in (problems if language == "en" else sv)
    ]
    assert info.value.problems == expected


INVALID_PROGRAMS = [
    pytest.param(
        "    - id: tvist\n      rubrik: Tvist\n",
        "    - id: andringar\n      rubrik: Tvist\n",
        (
            "{program}:{line}: avtal.klausuler: clause id 'andringar' is used twice; give each "
            "clause an id of its own"
        ),
        (
            "{program}:{line}: avtal.klausuler: klausul-id 'andringar' används två gånger; ge "
            "varje klausul ett eget id"
        ),
        id="duplicate-clause-id",
    ),
    pytest.param(
        "      villkor: forlangning\n",
        "      villkor: alltid\n",
        (
            "{program}:{line}: avtal.klausuler[4].villkor: choose 'forlangning', "
            "'aktorsvillkor', 'brutet_ar' or 'medfinansiering', not 'alltid'"
        ),
        (
            "{program}:{line}: avtal.klausuler[4].villkor: välj 'forlangning', 'aktorsvillkor', "
            "'brutet_ar' eller 'medfinansiering', inte 'alltid'"
        ),
        id="unknown-condition",
    ),
    pytest.param(
        "      typ: underskrifter\n",
        "      typ: signaturer\n",
        (
            "{program}:{line}: avtal.klausuler[17].typ: choose 'text', 'finansiering', "
            "'plattformsuppgifter' or 'underskrifter', not 'signaturer'"
        ),
        (
            "{program}:{line}: avtal.klausuler[17].typ: välj 'text', 'finansiering', "
            "'plattformsuppgifter' eller 'underskrifter', inte 'signaturer'"
        ),
        id="unknown-layout",
    ),
    pytest.param(
        "  - kortnamn: RUS\n    namn: Regional utvecklingsstrategi Norrbotten 2030\n",
        "",
        ("{program}:{line}: strategier: no version of RUS is given"),
        ("{program}:{line}: strategier: ingen version av RUS anges"),
        id="no-rus",
    ),
    pytest.param(
        "    namn: Regional utvecklingsstrategi Norrbotten 2030\n",
        "    namn: Regional utvecklingsstrategi Norrbotten 2030\n    giltig_fran: 2030-01-01\n",
        ("{case}:{line}: avtal.datum: no version of RUS is in force on 2023-10-01"),
        ("{case}:{line}: avtal.datum: ingen version av RUS gäller 2023-10-01"),
        id="no-rus-in-force",
    ),
]


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(("old", "new", "problem", "sv"), INVALID_PROGRAMS)
def test_invalid_programs(
    tmp_path: Path, old: str, new: str, problem: str, sv: str, language: str
) -> None:
    case = _program_with(tmp_path, old, new)
    i18n.set_language(language)
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert len(info.value.problems) == 1, info.value.problems
    program = tmp_path / "cases" / "program" / PROGRAM.name
    expected = problem if language == "en" else sv
    pattern = re.escape(expected.format(program=program, case=case, line="LINE")).replace(
        "LINE", r"\d+"
    )
    assert re.fullmatch(pattern, info.value.problems[0]), info.value.problems[0]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_conditions_of_its_own_need_a_clause_that_states_them(
    tmp_path: Path, language: str
) -> None:
    """A case whose agreement would leave out the conditions the committee decided for it is
    refused, whether the case leaves the clause out or the program has none."""
    case = _case_with(tmp_path, "avtal:\n  klausuler:\n    utelamna:\n      - aktorens_villkor\n")
    line = case.read_text(encoding="utf-8").splitlines().index("villkor:") + 1
    i18n.set_language(language)
    with pytest.raises(CaseError) as info:
        load_case(case)
    expected = {
        "en": "villkor: the case has conditions of its own, but it leaves out clause "
        "'aktorens_villkor', which states them in the agreement; remove 'aktorens_villkor' "
        "from avtal.klausuler.utelamna",
        "sv": "villkor: ärendet har egna villkor, men det utelämnar klausulen "
        "'aktorens_villkor', som anger dem i avtalet; ta bort 'aktorens_villkor' ur "
        "avtal.klausuler.utelamna",
    }[language]
    assert info.value.problems == [f"{case}:{line}: {expected}"]
    seed = _program_with(
        tmp_path / "p", "      villkor: aktorsvillkor\n", "      villkor: forlangning\n"
    )
    with pytest.raises(CaseError) as info:
        load_case(seed)
    assert len(info.value.problems) == 1
    assert ": villkor: " in info.value.problems[0]
    assert "villkor: aktorsvillkor" in info.value.problems[0]
