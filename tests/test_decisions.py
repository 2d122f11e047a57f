"""Decisions as the committee makes them, end to end with the real LibreOffice: the shipped
example meetings decide each example case (bifall, bifall med ändring, avslag, återremiss
then bifall at a later meeting); after `avtalsgen utdrag` on each meeting, `avtalsgen build
cases/` makes what each outcome calls for, and every document states the facts of its own
stage. Then the rules: bad decisions refused by file and line, with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.build.status import case_status
from avtalsgen.cli.app import app
from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.documents.factcheck import DOCUMENT_FACTS, FactError, Stage, check_facts
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import case_history
from avtalsgen.meetings.extract import build_extracts

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
#: Every example meeting is justerad by then.
TODAY = dt.date(2026, 1, 15)
runner = CliRunner()


def fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def pdftext(path: Path) -> str:
    return fold(pdftotext(path))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.set_language("sv")
    yield
    i18n.set_language(None)


@dataclass(frozen=True)
class Built:
    cases: Path
    output: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Built:
    """The shipped cases and meetings: an extract of every paragraph, then one build (seven
    meetings' extracts and seven cases' documents, through one warm LibreOffice: the test
    process's, conftest.session_converter)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("decisions")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    output = root / "output"
    with converter_in(session_converter) as converter:  # the extracts, the build's documents
        for meeting in sorted((cases / "sammantraden").glob("*.yaml")):
            build_extracts(meeting, output, TEMPLATES, converter, today=TODAY)
        result = runner.invoke(
            app, ["build", str(cases), "--output", str(output), "--templates", str(TEMPLATES)]
        )
    assert result.exit_code == 0, result.output
    return Built(cases, output)


# --- each document states the facts of its own stage ---------------------------------------


@pytest.mark.libreoffice
def test_amended_amount_proposal_keeps_it_agreement_follows_the_decision(built: Built) -> None:
    folder = built.output / "RUN-90002-2024"
    proposal = pdftext(folder / "beslutsforslag.pdf")
    assert "beviljas 800 000 kronor årligen i basfinansiering, sammanlagt 2 000 000 kronor" in (
        proposal
    )
    assert "600 000" not in proposal and "1 500 000" not in proposal
    # -layout: pdftotext would drop the hyphen of "Region Norrbotten -" ending a line.
    extract = fold(pdftotext(folder / "protokollsutdrag-187.pdf", "-layout"))
    # The amendment says what was changed, as the minutes do, comparing the points as they
    # read: point 1 reads as proposed but for the amount (another placeholder for the same
    # words is no change), point 4 has words added.
    assert (
        "Regionala utvecklingsnämnden beslutar enligt förslaget med de ändringarna att beloppet "
        "i punkt 1 ska vara 600 000 kronor årligen, sammanlagt 1 500 000 kronor, att "
        "finansieringen ska utgöras av 360 000 kronor årligen (sammanlagt 900 000 kronor) från "
        "ERP och 240 000 kronor årligen (sammanlagt 600 000 kronor) från "
        "kulturnämndens anslag, och att punkt 4 kompletteras "
        "med ”och att återrapportera arbetet till nämnden våren 2026”. Beslutet har därmed "
        "följande lydelse:"
    ) in extract
    assert "punkt 1 får ändrad lydelse" not in extract
    assert "punkt 1 ska lyda" not in extract
    agreement = pdftext(folder / "samarbetsavtal.pdf")
    assert (
        "beslutade den 26 november 2024, § 187, i ärende med Dnr RUN-90002-2024 att bevilja "
        "Exempel Kreativa Norrbotten ideell förening basfinansiering inom Norrbottens "
        "ekosystem med 600 000 kronor årligen"
    ) in agreement
    assert "basfinansiering med 600 000 kronor per avtalsår, sammanlagt 1 500 000 kronor" in (
        agreement
    )
    assert (
        "Avtalsår 1 2025-01-01–2025-12-31 600 000 kr Avtalsår 2 2026-01-01–2026-12-31 "
        "600 000 kr Avtalsår 3 2027-01-01–2027-06-30 300 000 kr Totalt 2025-01-01–2027-06-30 "
        "1 500 000 kr"
    ) in agreement
    assert "800 000" not in agreement and "2 000 000" not in agreement
    with pikepdf.open(folder / "paket.pdf") as pdf:
        assert [str(f.T) for f in pdf.Root.AcroForm.Fields] == ["region", "aktor"]
        assert [i.title for i in pdf.open_outline().root][1:] == [
            "Beslutsförslag",
            "Protokollsutdrag § 187 (2024-11-26), ej bestyrkt",
            "Samarbetsavtal",
        ]


@pytest.mark.libreoffice
def test_fact_check_refuses_an_agreement_with_the_proposals_amount(
    built: Built, tmp_path: Path
) -> None:
    # The agreement as it would read without the decision (the proposal's 800 000 kronor),
    # checked as the agreement of the amended decision: refused on both counts.
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases, ignore=shutil.ignore_patterns("sammantraden"))
    output = tmp_path / "output"
    result = runner.invoke(
        app,
        ["build", str(cases / "exempel-kreativa-norrbotten.yaml"), "--output", str(output),
         "--templates", str(TEMPLATES), "--only", "samarbetsavtal"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    proposal_agreement = output / "RUN-90002-2024" / "samarbetsavtal.pdf"
    assert "800 000 kronor per avtalsår" in pdftext(proposal_agreement)
    case = load_case(built.cases / "exempel-kreativa-norrbotten.yaml")
    decided = case_history(case.path, case.arende, case.program).decided
    stage = Stage(decided, DOCUMENT_FACTS["samarbetsavtal"], "the decision")
    with pytest.raises(FactError) as caught:
        check_facts(
            case.arende,
            case.program,
            {"samarbetsavtal": proposal_agreement},
            {"samarbetsavtal": stage},
        )
    message = caught.value.message
    assert "samarbetsavtal.pdf: belopp: the document does not state '600 000 kronor'" in message
    assert (
        "samarbetsavtal.pdf: totalt per avtalsår: the document does not state 'Totalt "
        "2025-01-01–2027-06-30 1 500 000 kr'" in message
    )
    # In English, the amounts nearest the one stated (qa16: the Swedish grouping, all of them).
    for amount, amounts in (
        ("800,000", "240,000, 300,000, 360,000, 600,000, 900,000"),
        ("2,000,000", "300,000, 360,000, 600,000, 900,000, 1,500,000"),
    ):
        assert (
            f"samarbetsavtal.pdf: belopp: the document states {amount} kr/kronor, which is none "
            f"of the amounts of the decision (the nearest: {amounts}; 8 in all)"
        ) in message
    # The decided agreement passes the same check.
    check_facts(
        case.arende,
        case.program,
        {"samarbetsavtal": built.output / "RUN-90002-2024" / "samarbetsavtal.pdf"},
        {"samarbetsavtal": stage},
    )


@pytest.mark.libreoffice
def test_rejection_packet_has_no_agreement_and_no_signature_field(built: Built) -> None:
    folder = built.output / "RUN-90003-2024"
    assert not (folder / "samarbetsavtal.pdf").exists()
    assert not (folder / "samarbetsavtal.docx").exists()
    packet = folder / "paket.pdf"
    with pikepdf.open(packet) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert [i.title for i in pdf.open_outline().root][1:] == [
            "Beslutsförslag",
            "Protokollsutdrag § 195 (2024-12-10), ej bestyrkt",
        ]
    text = pdftext(packet)
    assert "Regionala utvecklingsnämnden avslår förslaget. Motivering: Nämnden bedömer" in text
    assert "Omröstningsresultat: 7 ja-röster och 6 nej-röster." in text
    assert "Per Exempelsson (C) reserverar sig mot beslutet till förmån för eget yrkande" in text
    assert "Samarbetsavtal om basfinansiering" not in text
    # No agreement's signature blocks, and the extract, not certified, states no
    # certification in the packet (it said "Datum: enligt den elektroniska underskriften").
    assert "Underskrift" not in text
    assert "Datum: enligt den elektroniska underskriften" not in text
    assert "Utdragsbestyrkande" not in text
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["packet"]["signatures"] == []
    assert manifest["packet"]["beslut"]["utfall"] == "avslag"


@pytest.mark.libreoffice
def test_signing_the_agreement_an_avslag_left_out_is_refused(built: Built, english: None) -> None:
    packet = built.output / "RUN-90003-2024" / "paket.pdf"
    before = digest(packet)
    for field in ("aktor", "region"):
        result = runner.invoke(app, ["sign", str(packet), "--field", field, "--ofullstandig"])
        assert result.exit_code == 1
        assert (
            f"{packet}: there is no agreement to sign: the committee's decision on "
            "RUN-90003-2024 (avslag, § 195 of the meeting of 2024-12-10, "
            "exempel-run-2024-12-10.yaml:20) left it out"
        ) in result.stderr
        assert "Traceback" not in result.stderr
    assert digest(packet) == before


@pytest.mark.libreoffice
def test_referral_then_a_later_decision(built: Built) -> None:
    folder = built.output / "RUN-90005-2024"
    referred = pdftext(folder / "protokollsutdrag-196.pdf")
    assert "beslutar att återremittera ärendet till förvaltningen. Motivering: Ärendet ska" in (
        referred
    )
    granted = pdftext(folder / "protokollsutdrag-14.pdf")
    assert "Karin Exempelsson (S) deltar inte i handläggningen på grund av jäv." in granted
    assert "1. Regionala utvecklingsnämnden beslutar att Exempel Inlandets Innovationsnod AB" in (
        granted
    )
    agreement = pdftext(folder / "samarbetsavtal.pdf")
    assert "beslutade den 11 februari 2025, § 14, i ärende med Dnr" in agreement
    with pikepdf.open(folder / "paket.pdf") as pdf:
        assert [i.title for i in pdf.open_outline().root][1:] == [
            "Beslutsförslag",
            "Protokollsutdrag § 196 (2024-12-10), ej bestyrkt",
            "Protokollsutdrag § 14 (2025-02-11), ej bestyrkt",
            "Samarbetsavtal",
        ]
        assert [str(f.T) for f in pdf.Root.AcroForm.Fields] == ["region", "aktor"]


@pytest.mark.libreoffice
def test_seed_stays_decided_as_proposed(built: Built) -> None:
    folder = built.output / "RUN-00386-2023"
    extract = pdftext(folder / "protokollsutdrag-211.pdf")
    assert "Beslut 1. Regionala utvecklingsnämnden beslutar att Pilotprojektet" in extract
    assert "med den ändringen" not in extract
    agreement = pdftext(folder / "samarbetsavtal.pdf")
    assert "beslutade den 5 december 2023, § 211, i ärende med Dnr RUN-00386-2023" in agreement
    # The decision comes from a fictitious example meeting: the agreement says EXEMPEL.
    assert agreement.count("EXEMPEL – fiktivt avtal för test och demonstration") == 1
    assert "EXEMPEL" not in pdftext(folder / "beslutsforslag.pdf")


@pytest.mark.libreoffice
def test_status_lists_where_each_case_stands(
    built: Built, english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(
        app,
        ["status", str(built.cases), "--output", str(built.output), "--templates",
         str(TEMPLATES), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found = {item["dnr"]: item for item in json.loads(result.stdout)}
    assert {dnr: item["utfall"] for dnr, item in found.items()} == {
        "RUN-00386-2023": "bifall",
        "RUN-90001-2023": "bifall",
        "RUN-90002-2024": "bifall_med_andring",
        "RUN-90003-2024": "avslag",
        "RUN-90003-2025": "bifall",
        "RUN-90004-2024": "bifall",
        "RUN-90005-2024": "bifall",
    }
    assert found["RUN-90003-2024"]["dokument"] == [
        "RUN-90003-2024/beslutsforslag.pdf",
        "RUN-90003-2024/paket.pdf",
    ]
    assert found["RUN-90002-2024"]["dokument"] == [
        "RUN-90002-2024/beslutsforslag.pdf",
        "RUN-90002-2024/samarbetsavtal.pdf",
        "RUN-90002-2024/paket.pdf",
    ]
    assert [
        (b["paragraf"], b["utfall"], b["utdrag"]) for b in found["RUN-90005-2024"]["beslut"]
    ] == [
        (196, "aterremiss", "RUN-90005-2024/protokollsutdrag-196.pdf"),
        (14, "bifall", "RUN-90005-2024/protokollsutdrag-14.pdf"),
    ]
    for item in found.values():
        assert {"dnr", "aktor", "utfall", "dokument", "saknas"} <= set(item)
        assert all(isinstance(line, str) for line in item["saknas"])
        assert not any("out of date" in line or "inaktuella" in line for line in item["saknas"])
    assert found["RUN-90003-2024"]["aktor"] == "Exempel Norrbottens Matkluster ekonomisk förening"
    # The rejected case misses no signature; the granted ones miss both.
    assert not any("signature" in line for line in found["RUN-90003-2024"]["saknas"])
    assert [line for line in found["RUN-90005-2024"]["saknas"] if "signature" in line] == [
        # After the facts to fill in, above: a packet signed before is made anew. The
        # packet named under the output folder as given, to be pasted into sign.
        f"{built.output}/RUN-90005-2024/paket.pdf: the signature field region is not signed "
        "yet; sign it once the lines above are done",
        f"{built.output}/RUN-90005-2024/paket.pdf: the signature field aktor is not signed "
        "yet; sign it once the lines above are done",
    ]
    assert found["RUN-90005-2024"]["lage"] == "decided: granted"
    assert found["RUN-90003-2024"]["lage"] == "decided: rejected"
    # Each extract: made, and not certified yet (its field utdragsbestyrkande unsigned).
    assert [b["bestyrkt"] for b in found["RUN-90005-2024"]["beslut"]] == [False, False]
    # The command runs as it reads, from the working directory (it named the extract
    # relative to the output folder, where no such file is).
    extract = f"{built.output}/RUN-90003-2024/protokollsutdrag-195.pdf"
    assert (
        f"{extract}: not certified yet (avtalsgen sign {extract} --field utdragsbestyrkande)"
    ) in found["RUN-90003-2024"]["saknas"]
    # The library function gives the same (from the same working folder: the files below
    # it are named relative to it).
    same = case_status([built.cases], built.output, TEMPLATES, commands=True)
    assert [s.to_json() for s in same] == json.loads(result.stdout)
    # Without --templates, from a folder without templates/, status finds the templates as
    # build does, and the built documents are up to date.
    monkeypatch.chdir(built.output.parent)
    plain = runner.invoke(app, ["status", str(built.cases), "--output", str(built.output)])
    assert plain.exit_code == 0, plain.output
    assert "out of date" not in plain.stdout


def _status_block(text: str, dnr: str) -> str:
    """The lines status prints of one case: its head line and the indented ones after it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{dnr}  "))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines)
    )
    return "\n".join(lines[start:end]) + "\n"


@pytest.mark.libreoffice
def test_status_in_swedish_follows_signatures(built: Built, tmp_path: Path, swedish: None) -> None:
    # A copy of the cases and the output, so the module's other tests see it unsigned.
    cases, output = tmp_path / "cases", tmp_path / "output"
    shutil.copytree(built.cases, cases)
    shutil.copytree(built.output, output)
    extract = output / "RUN-90003-2024" / "protokollsutdrag-195.pdf"
    signed = runner.invoke(app, ["sign", str(extract), "--field", "utdragsbestyrkande"])
    assert signed.exit_code == 0, signed.output
    packet = output / "RUN-90005-2024" / "paket.pdf"
    for field in ("region", "aktor"):
        signed = runner.invoke(app, ["sign", str(packet), "--field", field, "--ofullstandig"])
        assert signed.exit_code == 0, signed.output
    i18n.set_language("sv")
    result = runner.invoke(
        app, ["status", str(cases), "--output", str(output), "--templates", str(TEMPLATES)]
    )
    assert result.exit_code == 0, result.output
    rejected = _status_block(result.stdout, "RUN-90003-2024")
    assert "  läge: beslutat: avslag\n" in rejected
    rejected_extract = f"{output}/RUN-90003-2024/protokollsutdrag-195.pdf"
    assert f"  § 195 2024-12-10  avslag  ({rejected_extract}, bestyrkt)" in rejected
    granted = _status_block(result.stdout, "RUN-90005-2024")
    assert "  läge: avtal undertecknat av " in granted
    assert (
        f"  § 196 2024-12-10  återremitterat  ({output}/RUN-90005-2024/protokollsutdrag-196.pdf, "
        in (granted)
    )
    assert "inte bestyrkt" in granted
    found = {s.dnr: s for s in case_status([cases], output, TEMPLATES)}
    assert len(found["RUN-90005-2024"].undertecknat) == 2
    assert not any("underskriftsfältet" in line for line in found["RUN-90005-2024"].saknas)


@pytest.mark.libreoffice
def test_verify_says_why_an_avslag_packet_has_no_signature_field(
    built: Built, english: None, tmp_path: Path, session_converter: Path
) -> None:
    # A copy of the cases and the output, so the module's other tests see it uncertified.
    cases, output = tmp_path / "cases", tmp_path / "output"
    shutil.copytree(built.cases, cases)
    shutil.copytree(built.output, output)
    packet = output / "RUN-90003-2024" / "paket.pdf"
    where = "(avslag, § 195 of the meeting of 2024-12-10, exempel-run-2024-12-10.yaml:20)"
    # Built with the extract not yet certified: not complete (it counted as complete).
    for flags, code in (((), 0), (("--complete",), 1)):
        result = runner.invoke(app, ["verify", *flags, str(packet)])
        assert "Traceback" not in result.output
        assert result.exit_code == code, result.output
        assert (
            "Result: not complete: the protocol extract in the packet is not certified: the "
            f"committee rejected RUN-90003-2024 {where}; certify the extract (its field "
            "utdragsbestyrkande) and build the case again: the packet is complete with the "
            "certified extract in it\n"
        ) in result.stdout
    result = runner.invoke(app, ["--lang", "sv", "verify", str(packet)])
    assert (
        "Resultat: inte fullständigt: protokollsutdraget i paketet är inte bestyrkt: nämnden "
        "avslog RUN-90003-2024 (avslag, § 195 vid sammanträdet 2024-12-10, "
        "exempel-run-2024-12-10.yaml:20); bestyrk utdraget (dess fält utdragsbestyrkande) och "
        "bygg ärendet igen: paketet är fullständigt med det bestyrkta utdraget i sig\n"
    ) in result.stdout
    # Certified, the packet not yet built again: still not complete.
    extract = output / "RUN-90003-2024" / "protokollsutdrag-195.pdf"
    signed = runner.invoke(app, ["sign", str(extract), "--field", "utdragsbestyrkande"])
    assert signed.exit_code == 0, signed.output
    result = runner.invoke(app, ["--lang", "en", "verify", "--complete", str(packet)])
    assert result.exit_code == 1 and "is not certified" in result.stdout, result.output
    # Built again, with the certified extract in it: complete with nothing to sign (the
    # registrar's check passes; it said "not signed yet; to sign: no field" and exit 1).
    case = str(cases / "exempel-matkluster.yaml")
    with converter_in(session_converter):
        rebuilt = runner.invoke(app, ["build", case, "--output", str(output),
                                      "--templates", str(TEMPLATES)])  # fmt: skip
    assert rebuilt.exit_code == 0, rebuilt.output
    result = runner.invoke(app, ["verify", "--complete", str(packet)])
    assert result.exit_code == 0, result.output
    assert (
        "Result: complete: no signatures are needed: the committee rejected RUN-90003-2024 "
        f"{where}, so no agreement is made and the packet has no signature field\n"
    ) in result.stdout
    # A granted case's packet has its fields, and no such words.
    granted = runner.invoke(app, ["verify", str(built.output / "RUN-90005-2024" / "paket.pdf")])
    assert "no signatures are needed" not in granted.stdout


def test_a_rejected_case_built_before_its_extract_is_not_complete(
    tmp_path: Path, english: None
) -> None:
    """A packet of a rejected case built before the extract was made (the manifest records
    no extract in it): not complete, with what to do."""

    from avtalsgen.signing.standing import Standing, packet_standing

    folder = tmp_path / "RUN-90003-2024"
    folder.mkdir()
    decision = {"utfall": "avslag", "sammantrade": "m.yaml", "datum": "2024-12-10",
                "paragraf": 195, "rad": 20, "avtal": False}  # fmt: skip
    entry = {"file": "paket.pdf", "version": 1, "beslut": decision}
    (folder / "manifest.json").write_text(json.dumps({"packets": [entry]}), encoding="utf-8")
    (folder / "paket.pdf").write_bytes(b"%PDF-1.7\n")
    found = packet_standing(folder / "paket.pdf")
    assert found is not None and found.standing is Standing.WAITING
    assert found.text == (
        "the packet does not hold the protocol extract of the decision yet: the committee "
        "rejected RUN-90003-2024 (avslag, § 195 of the meeting of 2024-12-10, m.yaml:20); make "
        "the extract once the minutes are justerade, have it certified and build the case "
        "again: the packet is complete with the certified extract in it"
    )


def test_status_of_cases_not_built_yet(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    found = {s.dnr: s for s in case_status([cases], tmp_path / "output", TEMPLATES)}
    assert found["RUN-90003-2024"].utfall is not None
    assert found["RUN-90003-2024"].dokument == []
    assert any("avtalsgen build" in line for line in found["RUN-90003-2024"].saknas)
    assert any(
        "protokollsutdrag § 195" in line and "avtalsgen utdrag" in line
        for line in found["RUN-90003-2024"].saknas
    )
    # As the command line suggests them: with the output folder it was given.
    output = tmp_path / "output"
    told = {s.dnr: s for s in case_status([cases], output, TEMPLATES, commands=True)}
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    assert (
        "protokollsutdrag § 195 of the meeting of 2024-12-10: not made yet (avtalsgen utdrag "
        f"{meeting} --output {output})"
    ) in told["RUN-90003-2024"].saknas
    assert (
        "documents not built yet (avtalsgen build "
        f"{cases / 'exempel-matkluster.yaml'} --output {output})"
    ) in told["RUN-90003-2024"].saknas
    # A secret paragraph's extract is made only when asked for by number: so says the hint.
    text = meeting.read_text(encoding="utf-8")
    secret = (
        "    utfall: avslag\n    sekretess: {bestammelse: 31 kap. 16 § OSL, datum: 2024-12-10}\n"
    )
    meeting.write_text(text.replace("    utfall: avslag\n", secret, 1), encoding="utf-8")
    told = {s.dnr: s for s in case_status([cases], output, TEMPLATES, commands=True)}
    assert (
        "protokollsutdrag § 195 of the meeting of 2024-12-10: not made yet (avtalsgen utdrag "
        f"{meeting} --output {output} --paragraf 195)"
    ) in told["RUN-90003-2024"].saknas
    (cases / "sammantraden" / "exempel-run-2025-02-11.yaml").unlink()
    referred = case_status([cases / "exempel-inlandets-innovationsnod.yaml"], tmp_path, TEMPLATES)
    assert referred[0].to_json()["utfall"] == "aterremiss"


# --- bad decisions: by file and line, nothing written ----------------------------------------


def _copy_cases(tmp_path: Path) -> Path:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    return cases


LATER = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2025-03-11
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2025-03-18
anslagsdatum: 2025-03-19
arenden: ..
paragrafer:
"""


def test_a_second_bifall_is_refused_by_line(tmp_path: Path, english: None) -> None:
    cases = _copy_cases(tmp_path)
    later = cases / "sammantraden" / "later.yaml"
    later.write_text(LATER + "  - paragraf: 30\n    dnr: RUN-90002-2024\n", encoding="utf-8")
    first = cases / "sammantraden" / "exempel-run-2024-11-26.yaml"
    expected = (
        f"{later}:14: paragrafer[0].dnr: RUN-90002-2024 was granted (bifall) by § 187 of the "
        f"meeting of 2024-11-26 ({first}:22: paragrafer[0]); a second decision on it that is "
        "not a change of the running agreement is refused: correct the first decision in its "
        "own meeting file"
    )
    with pytest.raises(CaseError) as caught:
        build_extracts(later, tmp_path / "output", TEMPLATES, LibreOfficeConverter(), today=TODAY)
    assert caught.value.problems == [expected]
    result = runner.invoke(app, ["check", str(cases / "exempel-kreativa-norrbotten.yaml")])
    assert result.exit_code == 1
    assert expected in result.stderr
    output = tmp_path / "output"
    result = runner.invoke(
        app,
        ["build", str(cases / "exempel-kreativa-norrbotten.yaml"), "--output", str(output),
         "--templates", str(TEMPLATES)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert expected in result.stderr
    assert not (output / "RUN-90002-2024").exists(), "nothing is written"


def test_nothing_is_decided_after_an_avslag(tmp_path: Path, english: None) -> None:
    cases = _copy_cases(tmp_path)
    later = cases / "sammantraden" / "later.yaml"
    later.write_text(
        LATER + "  - paragraf: 31\n    dnr: RUN-90003-2024\n    utfall: bordlaggning\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(cases / "exempel-matkluster.yaml")])
    assert result.exit_code == 1
    assert (
        f"{later}:14: paragrafer[0].dnr: RUN-90003-2024 was rejected (avslag) by § 195 of the "
        "meeting of 2024-12-10"
    ) in result.stderr
    assert "a new application is a new ärende with a Dnr of its own" in result.stderr


def test_decision_before_its_proposal_is_refused(tmp_path: Path, english: None) -> None:
    cases = _copy_cases(tmp_path)
    meeting = cases / "sammantraden" / "exempel-run-2025-02-11.yaml"
    text = meeting.read_text(encoding="utf-8").replace("datum: 2025-02-11", "datum: 2025-01-14")
    text = text.replace("justeringsdatum: 2025-02-18", "justeringsdatum: 2025-01-21")
    meeting.write_text(text.replace("anslagsdatum: 2025-02-19", "anslagsdatum: 2025-01-22"))
    result = runner.invoke(app, ["check", str(cases / "exempel-inlandets-innovationsnod.yaml")])
    assert result.exit_code == 1
    assert (
        f"{meeting}:20: paragrafer[0].dnr: the beslutsförslag of RUN-90005-2024 is dated "
        f"2025-01-21 ({cases / 'exempel-inlandets-innovationsnod.yaml'}:10: datum), after the "
        "meeting (2025-01-14): a proposal is dated no later than the meeting that decides it"
    ) in result.stderr


def test_changed_facts_must_fit_the_program(tmp_path: Path, english: None) -> None:
    # The decided period starts before any version of the strategies is in force.
    cases = _copy_cases(tmp_path)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8").replace(
        "  - kortnamn: S3\n    namn: Smart specialiseringsstrategi för Norrbotten\n",
        "  - kortnamn: S3\n    namn: Smart specialiseringsstrategi för Norrbotten\n"
        "    giltig_fran: 2024-06-01\n",
    )
    program.write_text(text, encoding="utf-8")
    case = cases / "exempel-inlandets-innovationsnod.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("  datum: 2025-03-03\n", "  datum: null\n")
    )
    meeting = cases / "sammantraden" / "exempel-run-2025-02-11.yaml"
    meeting.write_text(
        meeting.read_text(encoding="utf-8") + "    finansiering:\n"
        "      period:\n        start: 2024-01-01\n        slut: 2026-12-31\n"
        "      finansiarer:\n        - namn: Region Norrbotten - ERP\n          kalla: ERP\n"
        "          belopp_per_ar: 600000\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1, result.output
    assert (
        f"{meeting}:24: paragrafer[0].finansiering: no version of S3 is in force on 2024-01-01"
    ) in result.stderr


def test_decision_in_the_case_file_is_migrated_with_a_message(
    tmp_path: Path, english: None
) -> None:
    cases = _copy_cases(tmp_path)
    case = cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(
        case.read_text(encoding="utf-8") + "beslut:\n  datum: 2023-12-05\n  paragraf: 212\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert (
        f"{case}:86: beslut: the decision's date and § are entered once, in the meeting file "
        "that decides the case (a paragraph with dnr: RUN-90001-2023 in sammantraden/*.yaml "
        "beside the case files), and the case learns them from there: remove beslut from the "
        "case file (it records § 212 of 2023-12-05)"
    ) in result.stderr
    # An empty one, as earlier case files had while undecided, is dropped silently.
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "beslut:\n  datum: 2023-12-05\n  paragraf: 212\n",
            "beslut:\n  datum: null\n  paragraf: null\n",
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["check", str(case)]).exit_code == 0


def _build_only(cases: Path, case: str, *only: str) -> tuple[int, str, Path]:
    """Build ``case`` of ``cases`` (a file, or ``.`` for the folder) with ``--only``: the
    exit code, standard output (folded; a case with nothing to make is no error, so its
    note is there and standard error is empty) and the output folder."""
    output = cases.parent / "output"
    flags = [arg for document in only for arg in ("--only", document)]
    result = runner.invoke(
        app,
        ["build", str(cases / case), *flags, "--output", str(output), "--templates",
         str(TEMPLATES)],
    )  # fmt: skip
    if result.exit_code == 0:
        assert result.stderr == "", result.stderr
    return result.exit_code, fold(result.stdout), output


def test_only_an_agreement_of_a_rejected_case_has_nothing_to_make(
    tmp_path: Path, english: None
) -> None:
    # Not a failure (the committee said no; nothing is wrong, nothing can be fixed): exit 0
    # with a note. In words: what the committee decided, where it is recorded and how to
    # go on; never a file key (beslutsforslag) as if it were a word.
    cases = _copy_cases(tmp_path)
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    code, shown, output = _build_only(cases, "exempel-matkluster.yaml", "samarbetsavtal")
    assert code == 0
    assert shown.startswith("nothing to make RUN-90003-2024 ")
    assert (
        f"{cases / 'exempel-matkluster.yaml'}: RUN-90003-2024: no samarbetsavtal is written: "
        "Regionala utvecklingsnämnden rejected the case at its meeting on 2024-12-10 "
        f"(§ 195, {meeting}:20), and a rejected case gets no agreement. Its one document is "
        "the beslutsförslag; build it with: avtalsgen build "
        f"{cases / 'exempel-matkluster.yaml'}"
    ) in shown
    assert "beslutsforslag" not in shown
    assert not (output / "RUN-90003-2024").exists()
    code, shown, _output = _build_only(
        cases, "exempel-matkluster.yaml", "samarbetsavtal", "tillaggsavtal"
    )
    assert code == 0
    assert "RUN-90003-2024: no samarbetsavtal or tilläggsavtal is written: " in shown


def test_only_an_agreement_of_a_rejected_case_has_nothing_to_make_in_swedish(
    tmp_path: Path, swedish: None
) -> None:
    cases = _copy_cases(tmp_path)
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    code, shown, output = _build_only(cases, "exempel-matkluster.yaml", "samarbetsavtal")
    assert code == 0
    assert shown.startswith("inget att skapa RUN-90003-2024 ")
    assert (
        "RUN-90003-2024: inget samarbetsavtal skrivs: Regionala utvecklingsnämnden avslog "
        f"ärendet vid sammanträdet 2024-12-10 (§ 195, {meeting}:20), och för ett avslaget "
        "ärende upprättas inget avtal. Ärendets enda dokument är beslutsförslaget; skapa det "
        f"med: avtalsgen build {cases / 'exempel-matkluster.yaml'}"
    ) in shown
    assert not (output / "RUN-90003-2024").exists()


def test_only_an_agreement_of_a_case_referred_back_waits(tmp_path: Path, swedish: None) -> None:
    # Without the meeting of 2025-02-11 that granted it, RUN-90005-2024 stands referred back.
    cases = _copy_cases(tmp_path)
    (cases / "sammantraden" / "exempel-run-2025-02-11.yaml").unlink()
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    code, shown, output = _build_only(
        cases, "exempel-inlandets-innovationsnod.yaml", "samarbetsavtal"
    )
    assert code == 0
    assert (
        "RUN-90005-2024: inget samarbetsavtal skrivs än: Regionala utvecklingsnämnden "
        f"återremitterade ärendet vid sammanträdet 2024-12-10 (§ 196, {meeting}:36); avtalet "
        "skrivs först när ett senare sammanträde bifaller ärendet"
    ) in shown
    assert not (output / "RUN-90005-2024").exists()


def test_only_a_tillaggsavtal_no_decision_calls_for_is_nothing_to_make(
    tmp_path: Path, english: None
) -> None:
    cases = _copy_cases(tmp_path)
    code, shown, output = _build_only(cases, "exempel-trappsteg.yaml", "tillaggsavtal")
    assert code == 0
    assert (
        "RUN-90004-2024: no tilläggsavtal is written: no decision of the committee has changed "
        "the agreement (a tilläggsavtal comes of a later decision that extends the agreement, "
        "changes its amount or ends it). The case's documents are beslutsförslag and "
        f"samarbetsavtal; build them with: avtalsgen build {cases / 'exempel-trappsteg.yaml'}"
    ) in shown
    assert not (output / "RUN-90004-2024").exists()


def test_a_batch_counts_and_records_a_case_with_nothing_to_make(
    tmp_path: Path, english: None
) -> None:
    """In a batch, a case with nothing to make is its own status: in the table and its
    summary, and in batch-report.json with its note (error null); the build exits 0 unless
    a case failed. (No case here reaches LibreOffice.)"""
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copytree(REPO / "cases" / "program", cases / "program")
    # The meeting that rejected it, without its § on a case not in the folder (a paragraph
    # on a Dnr no case file has stops the build, as it stops check).
    meeting = (REPO / "cases" / "sammantraden" / "exempel-run-2024-12-10.yaml").read_text(
        encoding="utf-8"
    )
    (cases / "sammantraden").mkdir()
    (cases / "sammantraden" / "exempel-run-2024-12-10.yaml").write_text(
        meeting[: meeting.index("  # Återremiss: decided")], encoding="utf-8"
    )
    shutil.copy(REPO / "cases" / "exempel-matkluster.yaml", cases)
    code, shown, output = _build_only(cases, ".", "samarbetsavtal")
    assert code == 0, shown
    assert "built: 0, up to date: 0, nothing to make: 1, failed: 0" in shown
    # The note once, beneath the table (not on the case's line above it).
    note = f"note: {cases / 'exempel-matkluster.yaml'}: RUN-90003-2024: no samarbetsavtal"
    assert shown.count("no samarbetsavtal is written") == 1
    assert shown.index("nothing to make: 1, failed: 0") < shown.index(note)
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"built": 0, "up to date": 0, "nothing to make": 1, "failed": 0}
    (case,) = report["cases"]
    assert case["status"] == "nothing to make" and case["status_text"] == "nothing to make"
    assert case["error"] is None and case["outputs"] == []
    assert case["note"].startswith(
        f"{cases / 'exempel-matkluster.yaml'}: RUN-90003-2024: no samarbetsavtal is written: "
        "Regionala utvecklingsnämnden rejected the case"
    )
    assert not (output / "RUN-90003-2024").exists()
    # A case that fails beside it still fails the build; the note stays a note.
    (cases / "trasig.yaml").write_text("arende: [\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["build", str(cases), "--only", "samarbetsavtal", "--output", str(output),
         "--templates", str(TEMPLATES)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "built: 0, up to date: 0, nothing to make: 1, failed: 1" in fold(result.stdout)
    assert "no samarbetsavtal is written" not in result.stderr
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    statuses = {Path(c["case"]).name: (c["status"], bool(c["note"]), bool(c["error"]))
                for c in report["cases"]}  # fmt: skip
    assert statuses == {
        "exempel-matkluster.yaml": ("nothing to make", True, False),
        "trasig.yaml": ("failed", False, True),
    }


def test_a_one_case_build_with_nothing_to_make_returns_its_note(tmp_path: Path) -> None:
    """build_case of a case with nothing to make: no error, nothing written, the note."""
    from avtalsgen.build.pipeline import build_case

    cases = _copy_cases(tmp_path)
    result = build_case(
        cases / "exempel-matkluster.yaml", tmp_path / "output", TEMPLATES, ["samarbetsavtal"]
    )
    assert result.dnr == "RUN-90003-2024"
    assert result.outputs == () and not result.up_to_date
    assert result.note is not None and ": RUN-90003-2024: " in result.note
    assert not (tmp_path / "output" / "RUN-90003-2024").exists()


def test_payments_before_the_decision_are_refused(tmp_path: Path, english: None) -> None:
    # The decision's date comes from the meeting file: a first payment before it is refused
    # at the case file's financing (the proposal, granted as proposed).
    cases = _copy_cases(tmp_path)
    case = cases / "exempel-arktiska-testbaddar.yaml"
    text = case.read_text(encoding="utf-8")
    paid = "      belopp_per_ar: 500000\n"
    case.write_text(
        text.replace(paid, paid + "  utbetalning:\n    forsta_datum: 2023-11-01\n"), "utf-8"
    )
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert (
        f"{case}:36: finansiering.utbetalning.forsta_datum: the first payment (2023-11-01) "
        "would be made before the decision (2023-12-05); payments are made on or after the "
        "decision"
    ) in result.stderr
    # The period starts before a later decision: the first payment needs its own date.
    case.write_text(text, encoding="utf-8")
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    later = meeting.read_text(encoding="utf-8")
    for old, new in (
        ("datum: 2023-12-05", "datum: 2024-01-16"),
        ("justeringsdatum: 2023-12-12", "justeringsdatum: 2024-01-23"),
        ("anslagsdatum: 2023-12-13", "anslagsdatum: 2024-01-24"),
        ("anslagsdatum: 2023-12-06", "anslagsdatum: 2024-01-17"),
    ):
        later = later.replace(old, new)
    meeting.write_text(later, encoding="utf-8")
    result = runner.invoke(app, ["check", str(case)])
    assert result.exit_code == 1
    assert (
        f"{case}:26: finansiering.period.start: the first payment would be made when the "
        "period starts (2024-01-01), before the decision (2024-01-16); give utbetalning: "
        "forsta_datum: on or after the decision (the payments due before it are made with it)"
    ) in result.stderr
    # The seed, a real case decided at a fictitious example meeting, is not held to the
    # example's date (its period starts 2023-10-01, the example meeting is of 2024-01-16).
    assert runner.invoke(app, ["check", str(cases / "RUN-00386-2023.yaml")]).exit_code == 0


def test_a_rejected_cases_extract_changed_after_its_certification_is_not_certified(
    tmp_path: Path, english: None
) -> None:
    """The packet's check of the certified extract asked only that its field was signed;
    the manifest's asks as well that the signature covers the whole file. An extract with
    bytes added after its certification is not certified (the packet counted as complete)."""
    import hashlib
    import io

    import pikepdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfSignatureMetadata, SimpleSigner, sign_pdf

    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.standing import Standing, packet_standing

    blank = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(blank)
    signer = ensure_demo_signer(ensure_demo_pki(tmp_path / "pki"), "Sekreterare")
    key = SimpleSigner.load_pkcs12(str(signer.pkcs12), passphrase=signer.passphrase)  # type: ignore[no-untyped-call]
    assert key is not None
    signed = io.BytesIO()
    meta = PdfSignatureMetadata(field_name="utdragsbestyrkande")
    sign_pdf(IncrementalPdfFileWriter(io.BytesIO(blank.getvalue())), meta, key, output=signed)
    folder = tmp_path / "RUN-90003-2024"
    folder.mkdir()
    decision = {"utfall": "avslag", "sammantrade": "m.yaml", "datum": "2024-12-10",
                "paragraf": 195, "rad": 20, "avtal": False}  # fmt: skip
    for data, standing in (
        (signed.getvalue(), Standing.REJECTED),
        (signed.getvalue() + b"\n% changed after the certification\n", Standing.WAITING),
    ):
        name = "protokollsutdrag-195.pdf"
        utdrag = {name: hashlib.sha256(data).hexdigest()}
        entry = {"file": "paket.pdf", "version": 1, "beslut": decision, "utdrag": utdrag}
        (folder / "manifest.json").write_text(json.dumps({"packets": [entry]}), encoding="utf-8")
        with pikepdf.new() as pdf:
            pdf.add_blank_page()
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data)
            pdf.save(folder / "paket.pdf")
        found = packet_standing(folder / "paket.pdf")
        assert found is not None and found.standing is standing, found
    assert found is not None
    assert found.text.startswith("the protocol extract in the packet is not certified")
