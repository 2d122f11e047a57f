"""Protocol extracts: built from the example meetings with the real LibreOffice and read back
from the PDFs; corrections as new versions; sekretess; nothing replaced, nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from conftest import needs_soffice, run
from pdftext import pdftotext

from avtalsgen.build.workspace import FACTS_KEY
from avtalsgen.conversion.convert import Converter, LibreOfficeConverter
from avtalsgen.documents.context import build_context
from avtalsgen.documents.templatecheck import check_template
from avtalsgen.errors import CaseError, ConversionError, OutputError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.extract import (
    ExtractResult,
    Fakta,
    Status,
    UtdragContext,
    build_extracts,
    changes,
    file_stem,
)
from avtalsgen.meetings.wording import AS_PROPOSED_WORDING

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
CASES = REPO / "cases"
MEETINGS = CASES / "sammantraden"
EXAMPLE_2023 = MEETINGS / "exempel-run-2023-12-05.yaml"
EXAMPLE_2024 = MEETINGS / "exempel-run-2024-11-26.yaml"
#: The day the example extracts are certified in these tests.
TODAY = dt.date(2024, 12, 4)
#: The seed's decision points, verbatim (test_beslutsforslag checks them against the seed).
SEED_POINTS = [
    "Regionala utvecklingsnämnden beslutar att Pilotprojektet - Norrbottens ekosystem – "
    "Swedish Lapland vb, beviljas 2 000 000 kronor årligen i basfinansiering.",
    "Medlen anvisas från ERP",
    "Projektet gäller under perioden 2023-10-01 till 2026-09-30",
    "Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta beslut.",
]
#: The page header's height on an A4 page, in points: body text lies below it.
HEADER_PT = 95


def fold(text: str) -> str:
    """Whitespace (non-breaking spaces included) folded to single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def body(pdf: Path) -> str:
    """The text below the page header, folded."""
    crop = ["-x", "0", "-y", str(HEADER_PT), "-W", "595", "-H", "842"]
    return fold(pdftotext(pdf, "-layout", *crop))


def header(pdf: Path) -> str:
    """The text of the page header, folded."""
    crop = ["-x", "0", "-y", "0", "-W", "595", "-H", str(HEADER_PT)]
    return fold(pdftotext(pdf, "-layout", *crop))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Counting:
    """A converter that records each call before handing it on."""

    def __init__(self, inner: Converter) -> None:
        self.inner = inner
        self.calls: list[list[str]] = []

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        self.calls.append([path.name for path in docx_files])
        return self.inner.convert(docx_files, outdir)


class Failing:
    """A converter whose LibreOffice always fails."""

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        raise ConversionError("LibreOffice exited with status 1")


class Unused:
    """A converter that must not be called."""

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        raise AssertionError(f"nothing should be converted, got {docx_files}")


def write_meeting(folder: Path, source: Path = EXAMPLE_2023, *edits: tuple[str, str]) -> Path:
    """A copy of an example meeting in ``folder`` that finds the shipped cases, edited."""
    text = source.read_text(encoding="utf-8")
    text = text.replace("arenden: ..", f"arenden: {CASES}")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the examples, built once --------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    output: Path
    results: dict[int, ExtractResult]
    calls: list[list[str]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    output = tmp_path_factory.mktemp("output")
    converter = Counting(LibreOfficeConverter())
    results: dict[int, ExtractResult] = {}
    for meeting in (EXAMPLE_2023, EXAMPLE_2024):
        for result in build_extracts(meeting, output, TEMPLATES, converter, today=TODAY):
            results[result.paragraf] = result
    return Built(output=output, results=results, calls=converter.calls)


def pdf(built: Built, dnr: str, paragraf: int) -> Path:
    return built.output / dnr / f"protokollsutdrag-{paragraf}.pdf"


@pytest.mark.libreoffice
def test_one_extract_per_paragraph_in_one_libreoffice_run(built: Built) -> None:
    assert {n: (r.dnr, r.status, r.version) for n, r in built.results.items()} == {
        211: ("RUN-00386-2023", Status.NY, 1),
        212: ("RUN-90001-2023", Status.NY, 1),
        187: ("RUN-90002-2024", Status.NY, 1),
    }
    # One soffice start per meeting, converting all of its extracts.
    assert built.calls == [
        ["protokollsutdrag-211.docx", "protokollsutdrag-212.docx"],
        ["protokollsutdrag-187.docx"],
    ]
    for number, result in built.results.items():
        folder = built.output / result.dnr
        names = {f"protokollsutdrag-{number}.{ext}" for ext in ("docx", "pdf", "json")}
        assert names <= {p.name for p in folder.iterdir()}
        assert result.files == (
            folder / f"protokollsutdrag-{number}.docx",
            folder / f"protokollsutdrag-{number}.pdf",
        )
    # The output folder's secret for the digests of what each version was made from is
    # the one hidden file left: no staging folder.
    hidden = [path.name for path in built.output.glob(".*")]
    assert hidden == [FACTS_KEY], "no staging folder is left behind"


@pytest.mark.libreoffice
def test_decision_points_verbatim_as_in_the_beslutsforslag(built: Built) -> None:
    text = body(pdf(built, "RUN-00386-2023", 211))
    proposal = build_context(load_case(CASES / "RUN-00386-2023.yaml")).text.beslutspunkter
    assert [fold(block.text) for block in proposal] == SEED_POINTS
    for number, point in enumerate(SEED_POINTS, 1):
        assert f"{number}. {point}" in text
    assert text.index("Beslut 1. ") < text.index("4. Regionala utvecklingsdirektören")


@pytest.mark.libreoffice
def test_amended_decision_fills_placeholders(built: Built) -> None:
    text = body(pdf(built, "RUN-90002-2024", 187))
    # The committee granted 600 000 kronor a year instead of the proposed 800 000.
    assert (
        "1. Regionala utvecklingsnämnden beslutar att Exempel Kreativa Norrbotten ideell "
        "förening beviljas 600 000 kronor årligen i basfinansiering, sammanlagt 1 500 000 kronor."
    ) in text
    assert "800 000" not in text
    assert "3. Basfinansieringen gäller under perioden 2025-01-01 till 2027-06-30." in text
    assert (
        "4. Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt detta beslut "
        "och att återrapportera arbetet till nämnden våren 2026."
    ) in text
    assert "omedelbart" not in text


@pytest.mark.libreoffice
def test_paragraph_recipients_and_certification_in_the_body(built: Built) -> None:
    text = body(pdf(built, "RUN-00386-2023", 211))
    assert "Utdrag ur protokoll, Regionala utvecklingsnämnden, sammanträde 2023-12-05" in text
    assert "§ 211 Pilotprojekt inom Norrbottens ekosystem - Swedish Lapland visitors board" in text
    assert "Dnr RUN-00386-2023" in text
    assert "Paragrafen är omedelbart justerad." in text
    assert (
        "Protokollsutdrag skickas till: • Regional utvecklingsdirektör "
        "• Funktionsbrevlåda Utveckla Norrbotten"
    ) in text
    assert (
        "Justering och anslag Sammanträde: 2023-12-05, Regionhuset, Luleå "
        "Ordförande: Maria Exempelsdotter Justerare: Johan Exempelsson "
        "Justerad: 2023-12-05 (omedelbart, vid sammanträdet) "
        "Anslaget på anslagstavlan: 2023-12-06 Sista dag för överklagande: 2023-12-27"
    ) in text
    assert text.endswith(
        "Utdragsbestyrkande Utdraget överensstämmer med protokollet. "
        "Bestyrks av: Lena Exempelsson, sekreterare, med sin underskrift eller regionens "
        "sigill Datum: enligt den elektroniska underskriften"
    )


@pytest.mark.libreoffice
def test_justering_with_the_minutes(built: Built) -> None:
    arktiska = body(pdf(built, "RUN-90001-2023", 212))
    assert "Justerad: 2023-12-12 Anslaget på anslagstavlan: 2023-12-13" in arktiska
    assert "Sista dag för överklagande: 2024-01-03" in arktiska
    assert "omedelbart" not in arktiska
    assert (
        "Protokollsutdrag skickas till: • Regional utvecklingsdirektör • Funktionsbrevlåda "
        "Utveckla Norrbotten • Exempel Arktiska Testbäddar ekonomisk förening"
    ) in arktiska
    kreativa = body(pdf(built, "RUN-90002-2024", 187))
    assert "Justerare: Johan Exempelsson och Karin Exempelsson" in kreativa
    # Three weeks from 2024-12-04 is juldagen; annandag jul follows.
    assert "Sista dag för överklagande: 2024-12-27" in kreativa


@pytest.mark.libreoffice
def test_header(built: Built) -> None:
    text = header(pdf(built, "RUN-00386-2023", 211))
    for part in (
        "Region Norrbotten",
        "PROTOKOLLSUTDRAG",
        "Regionala utvecklingsnämnden",
        "Sammanträdesdatum: 2023-12-05",
        "§ 211",
        "Dnr RUN-00386-2023",
        "Sida 1 (1)",
    ):
        assert part in text
    assert "Version" not in text


@pytest.mark.libreoffice
def test_examples_are_marked(built: Built) -> None:
    for dnr, number in (("RUN-00386-2023", 211), ("RUN-90002-2024", 187)):
        text = body(pdf(built, dnr, number))
        assert text.startswith("EXEMPEL – fiktivt sammanträde för test och demonstration")
    info = run("pdfinfo", str(pdf(built, "RUN-00386-2023", 211)))
    assert re.search(
        r"^Title:\s+EXEMPEL – Protokollsutdrag § 211, Dnr RUN-00386-2023 – ", info, re.M
    )


@pytest.mark.libreoffice
def test_archival_pdf(built: Built) -> None:
    path = pdf(built, "RUN-90001-2023", 212)
    with pikepdf.open(path) as document:
        meta = document.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert bool(document.Root.MarkInfo.Marked)
        assert "/StructTreeRoot" in document.Root
        assert str(document.Root.Lang) == "sv-SE"
    info = run("pdfinfo", str(path))
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Author:\s+Region Norrbotten$", info, re.M)


@pytest.mark.libreoffice
def test_records_the_facts(built: Built) -> None:
    record = json.loads(
        (built.output / "RUN-90002-2024" / "protokollsutdrag-187.json").read_text(encoding="utf-8")
    )
    assert (record["dokument"], record["dnr"], record["paragraf"]) == (
        "protokollsutdrag",
        "RUN-90002-2024",
        187,
    )
    (version,) = record["versioner"]
    assert version["version"] == 1
    assert version["filer"] == ["protokollsutdrag-187.docx", "protokollsutdrag-187.pdf"]
    # The day it was made; nobody has certified it (signed it) yet, and the record said
    # "bestyrkt": "2024-12-04" (found by qa16).
    assert version["upprattad"] == "2024-12-04"
    assert "bestyrkt" not in version
    assert version["fakta"]["sista_dag_for_overklagande"] == "2024-12-27"
    assert version["fakta"]["justerare"] == ["Johan Exempelsson", "Karin Exempelsson"]


@pytest.mark.libreoffice
def test_a_record_written_before_reads_its_bestyrkt_as_the_day_made(built: Built) -> None:
    """Records written before 'upprattad' said 'bestyrkt' for the day a version was made:
    they are read as they were, by publicera and by a correction."""
    from avtalsgen.meetings.extract import made_on
    from avtalsgen.meetings.publicering import _recorded

    path = built.output / "RUN-90002-2024" / "protokollsutdrag-187.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    (version,) = record["versioner"]
    old = {("bestyrkt" if key == "upprattad" else key): value for key, value in version.items()}
    assert made_on(old) == made_on(version) == "2024-12-04"
    assert _recorded([old], path)[1].upprattad == _recorded([version], path)[1].upprattad == TODAY
    assert made_on({}) is None


@pytest.mark.libreoffice
def test_unchanged_rebuild_writes_nothing(built: Built) -> None:
    before = {p: digest(p) for p in built.output.rglob("*") if p.is_file()}
    results = build_extracts(EXAMPLE_2023, built.output, TEMPLATES, Unused(), today=TODAY)
    assert [(r.paragraf, r.status, r.version) for r in results] == [
        (211, Status.OFORANDRAD, 1),
        (212, Status.OFORANDRAD, 1),
    ]
    assert results[0].note == "§ 211 RUN-00386-2023: unchanged since version 1; nothing written"
    assert not any(r.written for r in results)
    after = {p: digest(p) for p in built.output.rglob("*") if p.is_file()}
    assert after == before


# --- corrections ---------------------------------------------------------------------------


@pytest.mark.libreoffice
@needs_soffice
def test_correction_is_a_new_version_and_the_old_one_is_kept(tmp_path: Path) -> None:
    output = tmp_path / "output"
    meeting = write_meeting(tmp_path)
    converter = Counting(LibreOfficeConverter())
    first = build_extracts(meeting, output, TEMPLATES, converter, today=TODAY)
    assert [r.status for r in first] == [Status.NY, Status.NY]
    folder = output / "RUN-90001-2023"
    v1 = {p.name: digest(p) for p in folder.glob("protokollsutdrag-212.*") if p.suffix != ".json"}
    assert set(v1) == {"protokollsutdrag-212.docx", "protokollsutdrag-212.pdf"}

    # The minutes were justerade a day later than first written, and point 2 was misquoted.
    meeting = write_meeting(
        tmp_path,
        EXAMPLE_2023,
        ("justeringsdatum: 2023-12-12", "justeringsdatum: 2023-12-13"),
        (
            "    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n",
            "    dnr: RUN-90001-2023\n    beslut:\n"
            "      - >-\n"
            "        Regionala utvecklingsnämnden beslutar att {aktor_namn} beviljas\n"
            "        {belopp_arligen} i basfinansiering inom Norrbottens ekosystem.\n"
            "      - Medlen anvisas från {kalla}.\n"
            "      - Basfinansieringen gäller under perioden {start} till {slut}.\n"
            "      - >-\n"
            "        Regionala utvecklingsdirektören ges i uppdrag att upprätta avtal enligt\n"
            "        detta beslut.\n",
        ),
    )
    later = dt.date(2024, 12, 10)
    second = build_extracts(meeting, output, TEMPLATES, converter, today=later)
    assert [(r.paragraf, r.status, r.version) for r in second] == [
        (211, Status.OFORANDRAD, 1),  # omedelbart justerad: the minutes' date does not matter
        (212, Status.RATTELSE, 2),
    ]
    changed = ("beslutet (bifall med ändring i stället för bifall)", "beslutspunkt 2")
    assert second[1].andrat == (*changed, "justeringsdatum")
    assert second[1].note == (
        "§ 212 RUN-90001-2023: wrote version 2, a correction of version 1 "
        f"(changed: {', '.join(changed)}, justeringsdatum)"
    )
    assert converter.calls[-1] == ["protokollsutdrag-212-v2.docx"]
    # Version 1 is untouched, byte for byte.
    assert {name: digest(folder / name) for name in v1} == v1
    assert second[1].files == (
        folder / "protokollsutdrag-212-v2.docx",
        folder / "protokollsutdrag-212-v2.pdf",
    )
    text = body(folder / "protokollsutdrag-212-v2.pdf")
    assert (
        # Version 1 was never signed: the note does not call it certified.
        "Rättelse: ersätter version 1 (upprättad 2024-12-04, inte bestyrkt). "
        "Ändrat: beslutet (bifall med ändring i stället för bifall), beslutspunkt 2, "
        "justeringsdatum."
    ) in text
    assert (
        "Regionala utvecklingsnämnden beslutar enligt förslaget med den ändringen att "
        "punkt 2 ska lyda: ”Medlen anvisas från ERP och regionala utvecklingsmedel”. "
        "Beslutet har därmed följande lydelse: 1. "
    ) in text
    assert "2. Medlen anvisas från ERP och regionala utvecklingsmedel." in text
    assert "Justerad: 2023-12-13" in text
    assert "Datum: enligt den elektroniska underskriften" in text
    assert "Version 2" in header(folder / "protokollsutdrag-212-v2.pdf")
    assert "Rättelse" not in body(folder / "protokollsutdrag-212.pdf")
    record = json.loads((folder / "protokollsutdrag-212.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["andrat"]) for v in record["versioner"]] == [
        (1, []),
        (2, [*changed, "justeringsdatum"]),
    ]

    # Building again changes nothing; a further correction is version 3, replacing 2.
    again = build_extracts(meeting, output, TEMPLATES, Unused(), today=later)
    assert [(r.status, r.version) for r in again] == [
        (Status.OFORANDRAD, 1),
        (Status.OFORANDRAD, 2),
    ]
    meeting = write_meeting(
        tmp_path,
        meeting,
        ("  - Johan Exempelsson", "  - Johan Exempelsson\n  - Karin Exempelsson"),
    )
    third = build_extracts(meeting, output, TEMPLATES, converter, 212, today=later)
    assert [(r.status, r.version, r.andrat) for r in third] == [
        (Status.RATTELSE, 3, ("justerare",))
    ]
    assert (
        "Rättelse: ersätter version 2 (upprättad 2024-12-10, inte bestyrkt). Ändrat: justerare."
        in body(folder / "protokollsutdrag-212-v3.pdf")
    )
    assert {name: digest(folder / name) for name in v1} == v1


@pytest.mark.libreoffice
@needs_soffice
def test_a_correction_says_when_the_version_it_replaces_was_certified(tmp_path: Path) -> None:
    """A version the secretary signed is named certified on the day of its signature (in
    Swedish time), not on the day it was made; the published rendition says the same."""
    from conftest import run_cli

    from avtalsgen.meetings.publicering import _recorded

    output = tmp_path / "output"
    meeting = write_meeting(tmp_path)
    build_extracts(meeting, output, TEMPLATES, LibreOfficeConverter(), 212, today=TODAY)
    folder = output / "RUN-90001-2023"
    v1 = str(folder / "protokollsutdrag-212.pdf")
    signed = run_cli("sign", v1, "--field", "utdragsbestyrkande")
    assert signed.returncode == 0, signed.stdout + signed.stderr
    signed_on = dt.datetime.now(ZoneInfo("Europe/Stockholm")).date()
    assert signed_on != TODAY  # made on TODAY, signed today
    meeting = write_meeting(
        tmp_path, meeting, ("justeringsdatum: 2023-12-12", "justeringsdatum: 2023-12-13")
    )
    (result,) = build_extracts(meeting, output, TEMPLATES, LibreOfficeConverter(), 212, today=TODAY)
    assert result.status == Status.RATTELSE
    note = f"Rättelse: ersätter version 1 (bestyrkt {signed_on}). Ändrat: justeringsdatum."
    assert note in body(folder / "protokollsutdrag-212-v2.pdf")
    record = json.loads((folder / "protokollsutdrag-212.json").read_text(encoding="utf-8"))
    assert record["versioner"][1]["ersatt_bestyrkt"] == signed_on.isoformat()
    assert _recorded(record["versioner"], folder / "protokollsutdrag-212.json")[1].rattelse == note


# --- sekretess and selection ---------------------------------------------------------------


@pytest.mark.libreoffice
@needs_soffice
def test_sekretess_is_skipped_unless_asked_for(tmp_path: Path) -> None:
    output = tmp_path / "output"
    meeting = write_meeting(
        tmp_path,
        EXAMPLE_2023,
        (
            "    dnr: RUN-90001-2023\n",
            "    dnr: RUN-90001-2023\n    sekretess:\n      bestammelse: 21 kap. 7 § OSL\n"
            "      datum: 2023-12-05\n",
        ),
    )
    converter = Counting(LibreOfficeConverter())
    results = build_extracts(meeting, output, TEMPLATES, converter, today=TODAY)
    assert [(r.paragraf, r.status) for r in results] == [
        (211, Status.NY),
        (212, Status.SEKRETESS),
    ]
    assert results[1].note == (
        "§ 212 RUN-90001-2023: skipped: under sekretess; ask for § 212 by number"
    )
    assert results[1].files == () and not results[1].written
    assert not (output / "RUN-90001-2023").exists()
    assert converter.calls == [["protokollsutdrag-211.docx"]]

    asked = build_extracts(meeting, output, TEMPLATES, converter, paragraf=212, today=TODAY)
    assert [(r.paragraf, r.status, r.version) for r in asked] == [(212, Status.NY, 1)]
    assert (output / "RUN-90001-2023" / "protokollsutdrag-212.pdf").is_file()
    assert converter.calls[-1] == ["protokollsutdrag-212.docx"]


def test_paragraph_not_in_the_meeting(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    with pytest.raises(CaseError) as info:
        build_extracts(meeting, tmp_path / "output", TEMPLATES, Unused(), paragraf=7)
    assert info.value.problems == [
        f"{meeting}:20: paragrafer: there is no § 7; the meeting has § 211, § 212: ask for "
        "one of those (or for none, to take every paragraph not under secrecy), or add § 7 "
        "to the meeting file's paragraphs if the meeting decided it"
    ]


def test_not_yet_justerad_is_skipped_or_refused(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    output = tmp_path / "output"
    # On the day of the meeting only the omedelbart justerad § 211 can be certified; with
    # Unused() nothing may be converted, so § 211 is asked for alone below.
    early = dt.date(2023, 12, 8)
    with pytest.raises(CaseError) as info:
        build_extracts(meeting, output, TEMPLATES, Unused(), paragraf=212, today=early)
    assert info.value.problems == [
        f"{meeting}:28: paragrafer[1].paragraf: § 212 is justerad on 2023-12-12; its extract "
        "cannot be certified before then (today is 2023-12-08)"
    ]
    before = dt.date(2023, 12, 4)
    results = build_extracts(meeting, output, TEMPLATES, Unused(), today=before)
    assert [(r.paragraf, r.status) for r in results] == [
        (211, Status.EJ_JUSTERAD),
        (212, Status.EJ_JUSTERAD),
    ]
    assert results[1].note == (
        "§ 212 RUN-90001-2023: skipped: not justerad until 2023-12-12; an extract is certified "
        "after justering"
    )
    assert not output.exists()


# --- never replace, never half-write -------------------------------------------------------


def test_failed_conversion_leaves_nothing(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    output = tmp_path / "output"
    with pytest.raises(ConversionError):
        build_extracts(meeting, output, TEMPLATES, Failing(), today=TODAY)
    # No extract, record or staging folder; the output folder's secret, made for the
    # record's digests before conversion as a build makes it, stays for the next run.
    assert [path.name for path in output.rglob("*")] == [FACTS_KEY]


@pytest.mark.libreoffice
@needs_soffice
def test_the_same_paragraph_of_another_meeting_is_no_correction(tmp_path: Path) -> None:
    output = tmp_path / "output"
    cases = tmp_path / "cases"
    shutil.copytree(CASES, cases, ignore=shutil.ignore_patterns("sammantraden"))
    meeting = tmp_path / "m.yaml"
    text = EXAMPLE_2023.read_text(encoding="utf-8").replace("arenden: ..", f"arenden: {cases}")
    meeting.write_text(text, encoding="utf-8")
    first = build_extracts(meeting, output, TEMPLATES, LibreOfficeConverter(), 212, today=TODAY)
    assert [r.status for r in first] == [Status.NY]
    folder = output / "RUN-90001-2023"
    made = sorted(p.name for p in folder.iterdir())
    # A year later § numbers have started again, and § 212 decides the same Dnr anew.
    case = cases / "exempel-arktiska-testbaddar.yaml"
    decided = case.read_text(encoding="utf-8")
    decided = decided.replace("  datum: 2023-12-05", "  datum: 2024-12-03")
    # The agreement follows the decision (an earlier one is refused as a copying mistake).
    decided = decided.replace("  datum: 2023-12-20", "  datum: 2024-12-20")
    paid = "      belopp_per_ar: 500000\n"  # the period began before: paid after the decision
    case.write_text(
        decided.replace(paid, paid + "  utbetalning:\n    forsta_datum: 2024-12-03\n"), "utf-8"
    )
    later = {
        "datum: 2023-12-05": "datum: 2024-12-03",
        "justeringsdatum: 2023-12-12": "justeringsdatum: 2024-12-10",
        "anslagsdatum: 2023-12-13": "anslagsdatum: 2024-12-11",
        "anslagsdatum: 2023-12-06": "anslagsdatum: 2024-12-04",
    }
    other = tmp_path / "sammantrade-2024-12-03.yaml"
    for old, new in later.items():
        text = text.replace(old, new)
    other.write_text(text, encoding="utf-8")
    with pytest.raises(OutputError) as info:
        build_extracts(other, output, TEMPLATES, Unused(), 212, today=dt.date(2024, 12, 20))
    assert info.value.message.startswith(
        f"{other}: § 212 for RUN-90001-2023 (meeting of 2024-12-03): protokollsutdrag-212.json "
        "holds the extract of § 212 of the meeting of 2023-12-05 (m.yaml)"
    )
    assert sorted(p.name for p in folder.iterdir()) == made
    # The meeting's own file with its date corrected: a correction.
    meeting.write_text(text, encoding="utf-8")
    fixed = build_extracts(
        meeting, output, TEMPLATES, LibreOfficeConverter(), 212, today=dt.date(2024, 12, 20)
    )
    assert [(r.status, r.version) for r in fixed] == [(Status.RATTELSE, 2)]
    assert "sammanträdesdatum" in fixed[0].andrat


def test_a_file_without_its_record_is_never_replaced(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    folder = tmp_path / "output" / "RUN-00386-2023"
    folder.mkdir(parents=True)
    stray = folder / "protokollsutdrag-211.pdf"
    stray.write_bytes(b"%PDF-1.7 signed by hand")
    with pytest.raises(OutputError) as info:
        build_extracts(meeting, tmp_path / "output", TEMPLATES, Unused(), today=TODAY)
    assert info.value.message == (
        f"{stray}: exists without its record protokollsutdrag-211.json, so what it was made "
        "from is unknown; an extract is never replaced: move it away first"
    )
    assert stray.read_bytes() == b"%PDF-1.7 signed by hand"
    assert sorted(p.name for p in folder.iterdir()) == ["protokollsutdrag-211.pdf"]


def test_an_unreadable_record_is_refused(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    folder = tmp_path / "output" / "RUN-00386-2023"
    folder.mkdir(parents=True)
    record = folder / "protokollsutdrag-211.json"
    record.write_text('{"versioner": []}', encoding="utf-8")
    with pytest.raises(OutputError) as info:
        build_extracts(meeting, tmp_path / "output", TEMPLATES, Unused(), today=TODAY)
    assert info.value.message.startswith(f"{record}: not a record of protokollsutdrag versions")


def test_a_recorded_version_whose_files_are_gone_is_not_made_again(tmp_path: Path) -> None:
    meeting = write_meeting(tmp_path)
    folder = tmp_path / "output" / "RUN-00386-2023"
    folder.mkdir(parents=True)
    record = folder / "protokollsutdrag-211.json"
    entry = {"version": 1, "filer": ["protokollsutdrag-211.pdf"], "fakta": {}}
    record.write_text(json.dumps({"versioner": [entry]}), encoding="utf-8")
    with pytest.raises(OutputError) as info:
        build_extracts(meeting, tmp_path / "output", TEMPLATES, Unused(), 211, today=TODAY)
    assert info.value.message == (
        f"{record}: version 1 is recorded but {folder / 'protokollsutdrag-211.pdf'} is missing; "
        "restore it from the archive (extracts are never made again under an existing version)"
    )


# --- units ---------------------------------------------------------------------------------


def fakta(**changes: object) -> Fakta:
    base = {
        "exempel": False,
        "namnd": "Regionala utvecklingsnämnden",
        "sammantradesdatum": dt.date(2023, 12, 5),
        "plats": "Regionhuset, Luleå",
        "paragraf": 212,
        "dnr": "RUN-90001-2023",
        "rubrik": "Rubrik",
        "utfall": "bifall",
        "beslut": (),
        "beslutspunkter": ("Ett.", "Två.", "Tre."),
        "motivering": (),
        "jav": (),
        "votering": (),
        "reservationer": (),
        "omedelbart_justerad": False,
        "ordforande": "A",
        "justerare": ("B",),
        "justeringsdatum": dt.date(2023, 12, 12),
        "anslagsdatum": dt.date(2023, 12, 13),
        "sista_dag_for_overklagande": dt.date(2024, 1, 3),
        "skickas_till": ("C",),
        "sekreterare": "D",
    }
    return Fakta(**(base | changes))  # type: ignore[arg-type]


def test_changes_are_named_field_by_field() -> None:
    recorded = fakta().to_json()
    assert changes(recorded, fakta()) == ()
    assert changes(recorded, fakta(beslutspunkter=("Ett.", "2!", "Tre.", "Fyra."))) == (
        "beslutspunkt 2",
        "beslutspunkt 4 (ny)",
    )
    assert changes(recorded, fakta(beslutspunkter=("Ett.",))) == (
        "beslutspunkt 2 (struken)",
        "beslutspunkt 3 (struken)",
    )
    assert changes(
        recorded,
        fakta(
            anslagsdatum=dt.date(2023, 12, 14),
            sista_dag_for_overklagande=dt.date(2024, 1, 4),
            skickas_till=("C", "E"),
        ),
    ) == ("anslagsdatum", "sista dag för överklagande", "sändlista")
    # The outcome names what it was; the lead that follows from it is not listed again.
    assert changes(
        recorded,
        fakta(utfall="avslag", beslut=("Nämnden avslår förslaget.",), beslutspunkter=()),
    ) == (
        "beslutet (avslag i stället för bifall)",
        "beslutspunkt 1 (struken)",
        "beslutspunkt 2 (struken)",
        "beslutspunkt 3 (struken)",
    )
    assert changes(recorded, fakta(jav=("A deltar inte.",), reservationer=("B.",))) == (
        "jäv",
        "reservationer",
    )
    # A fact an older record lacks is not compared.
    older = {k: v for k, v in recorded.items() if k != "plats"}
    assert changes(older, fakta(plats="Kiruna")) == ()


def test_file_names() -> None:
    assert file_stem(12, 1) == "protokollsutdrag-12"
    assert file_stem(12, 3) == "protokollsutdrag-12-v3"


def test_template_uses_only_what_the_context_provides() -> None:
    assert check_template(TEMPLATES / "protokollsutdrag.docx", UtdragContext) == []


def test_template_check_sees_the_extract_context() -> None:
    # The beslutsförslag's template uses variables an extract does not provide.
    findings = check_template(TEMPLATES / "beslutsforslag.docx", UtdragContext)
    assert any("'arende' is not provided" in str(f) for f in findings)


@pytest.mark.libreoffice
def test_word_document_beside_the_pdf(built: Built) -> None:
    import docx

    document = docx.Document(str(built.output / "RUN-00386-2023" / "protokollsutdrag-211.docx"))
    props = document.core_properties
    assert props.title.startswith("EXEMPEL – Protokollsutdrag § 211, Dnr RUN-00386-2023")
    assert props.language == "sv-SE"
    # the day it is certified: midnight in Sweden (Word keeps the time in UTC)
    assert props.created.astimezone(ZoneInfo("Europe/Stockholm")) == dt.datetime(
        TODAY.year, TODAY.month, TODAY.day, tzinfo=ZoneInfo("Europe/Stockholm")
    )
    styles = [p.style.name for p in document.paragraphs if p.style is not None]
    assert styles.count("List Number") == len(SEED_POINTS)
    # Beslut, Protokollsutdrag skickas till (its recipients a bulleted list), Justering och
    # anslag (Hur man överklagar under it), Utdragsbestyrkande.
    assert styles.count("Heading 1") == 4
    assert styles.count("Heading 2") == 1
    assert styles.count("List Bullet") == 2  # Regional utvecklingsdirektör, Funktionsbrevlåda


def test_what_utdrag_says_of_each_paragraph_in_swedish() -> None:
    from avtalsgen import i18n
    from avtalsgen.meetings.extract import ExtractResult, Status

    i18n.set_language("sv")
    dnr = "RUN-90001-2023"
    notes = [
        ExtractResult(212, dnr, Status.NY, 1).note,
        ExtractResult(212, dnr, Status.RATTELSE, 2, andrat=("beslutspunkt 2",)).note,
        ExtractResult(212, dnr, Status.OFORANDRAD, 2).note,
        ExtractResult(212, dnr, Status.SEKRETESS).note,
        ExtractResult(212, dnr, Status.EJ_JUSTERAD, justeringsdatum=dt.date(2023, 12, 12)).note,
        ExtractResult(212, dnr, Status.VAGRAD, 1, problem="x.yaml:40: beslutspunkter[1]: …").note,
    ]
    assert notes == [
        "§ 212 RUN-90001-2023: skrev version 1",
        "§ 212 RUN-90001-2023: skrev version 2, en rättelse av version 1 (ändrat: beslutspunkt 2)",
        "§ 212 RUN-90001-2023: oförändrad sedan version 2; inget skrevs",
        "§ 212 RUN-90001-2023: hoppades över: omfattas av sekretess; begär § 212 med dess nummer",
        "§ 212 RUN-90001-2023: hoppades över: justeras inte förrän 2023-12-12; ett utdrag "
        "bestyrks först efter justeringen",
        "§ 212 RUN-90001-2023: vägrad: x.yaml:40: beslutspunkter[1]: …",
    ]
    assert [status.text for status in Status] == [
        "ny", "rättelse", "oförändrad", "sekretess", "ej justerad", "vägrad"
    ]  # fmt: skip
    i18n.set_language("en")
    assert [status.text for status in Status] == [
        "new", "correction", "unchanged", "secret", "not justerad", "refused"
    ]  # fmt: skip


def test_the_as_proposed_lead_is_no_correction() -> None:
    """An extract of a bifall made before its lead ("… beslutar enligt förslaget.") was
    written for points that do not name the committee recorded no lead: the next utdrag
    would have written a RÄTTELSE saying the decision's wording changed, though the minutes
    did not (found by the review)."""
    recorded = fakta().to_json()
    lead = ("Regionala utvecklingsnämnden beslutar enligt förslaget.", AS_PROPOSED_WORDING)
    assert changes(recorded, fakta(beslut=lead)) == ()
    # Any other lead that differs is named, as before.
    assert changes(recorded, fakta(beslut=("Något annat.",))) == ("beslutets lydelse",)
