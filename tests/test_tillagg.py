"""Later decisions on a running agreement (issue 16 point 4): an extension, a new amount
from a date, an early end. The rules of a paragraph's ``tillagg`` by file and line, and the
shipped extension end to end through LibreOffice: the agreement's packet signed with the
demo key, the tilläggsavtal built into a new packet version, the signed original byte for
byte as it was, the fact check refusing a tilläggsavtal that states a wrong date or amount,
and the new packet signed and verified."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import fold, needs_soffice, run
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.conversion.convert import Converter
from avtalsgen.documents.tillagg import Tillaggsavtal
from avtalsgen.errors import CaseError
from avtalsgen.meetings.extract import build_extracts
from avtalsgen.meetings.justering import load_meeting
from avtalsgen.model import Arende

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DNR = "RUN-90001-2023"
CASE = "exempel-arktiska-testbaddar.yaml"
#: The day the extracts are certified: after the justering of the shipped extension.
CERTIFIED = dt.date(2026, 6, 24)

MEETING = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: {datum}
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: {justering}
anslagsdatum: {anslag}
arenden: ..
paragrafer:
  - paragraf: 120
    dnr: {dnr}
{body}"""


def meeting(cases: Path, body: str, *, datum: str = "2026-03-10", dnr: str = DNR) -> Path:
    day = dt.date.fromisoformat(datum)
    path = cases / "sammantraden" / "t.yaml"
    path.write_text(
        MEETING.format(
            datum=datum,
            justering=day + dt.timedelta(days=7),
            anslag=day + dt.timedelta(days=8),
            dnr=dnr,
            body=body,
        ),
        encoding="utf-8",
    )
    return path


def problems(cases: Path, body: str, **kwargs: str) -> list[str]:
    path = meeting(cases, body, **kwargs)
    with pytest.raises(CaseError) as caught:
        load_meeting(path)
    return [line.replace(f"{path}:", "t.yaml:") for line in caught.value.problems]


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """The shipped cases and meetings without the shipped extension."""
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    (tmp_path / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml").unlink()
    return tmp_path / "cases"


# --- the rules, by file and line (no LibreOffice) ------------------------------------------


def test_an_extension_ends_later_by_the_programs_years(bare: Path, english: None) -> None:
    found = problems(bare, "    tillagg: {typ: forlangning, ny_slutdag: 2026-06-30}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.ny_slutdag: the extension's end (2026-06-30) is not "
        "after the agreement's current end (2026-12-31): write a ny_slutdag after 2026-12-31"
    ]
    found = problems(bare, "    tillagg: {typ: forlangning, ny_slutdag: 2027-12-31}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.ny_slutdag: the agreement is extended by 3 years at a "
        "time (its clause on extension): from 2026-12-31 the new end is 2029-12-31, got "
        "2027-12-31"
    ]
    found = problems(bare, "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-30}\n")
    assert any("ends on the last day of a month, got 2029-12-30" in p for p in found), found
    # Decided after the agreement ended: not an extension.
    found = problems(
        bare, "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}\n", datum="2027-02-09"
    )
    assert any(
        "tillagg.typ: the agreement ended on 2026-12-31, before the decision (2027-02-09)" in p
        for p in found
    ), found


def test_a_change_is_dated_within_the_period_and_not_before_the_decision(
    bare: Path, english: None
) -> None:
    body = "    tillagg: {typ: nytt_belopp, fran: 2026-01-01, belopp_per_ar: 900000, %s}\n"
    named = body % "finansiar: Region Norrbotten - ERP"
    found = problems(bare, named)
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: the change from 2026-01-01 is dated before the "
        "decision (2026-03-10)"
    ]
    found = problems(bare, named.replace("2026-01-01", "2027-01-01"))
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: a new amount starts after the agreement's "
        "first day and within its period (2024-01-01–2026-12-31); 2027-01-01 is not"
    ]
    # Inside an avtalsår: the date is to blame (the message was put at tillagg.typ). It
    # offered every avtalsår's start, "(2024-01-01, 2025-01-01, 2026-01-01)", all of them
    # refused: the period's first day, and days before the decision.
    found = problems(bare, named.replace("2026-01-01", "2026-07-01"))
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: the amount of Region Norrbotten - ERP would "
        "change inside an avtalsår; a new amount takes effect at the start of an avtalsår, "
        "and none begins after the decision (2026-03-10) within the agreement's period"
    ]
    found = problems(bare, named.replace("2026-01-01", "2024-07-01"), datum="2024-03-12")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: the amount of Region Norrbotten - ERP would "
        "change inside an avtalsår; a new amount takes effect at the start of an avtalsår "
        "(2025-01-01, 2026-01-01)"
    ]
    # Two financiers: which amount changes must be said.
    found = problems(bare, "    tillagg: {typ: nytt_belopp, fran: 2026-07-01, belopp_per_ar: 9}\n")
    assert any("tillagg.finansiar: the region's share has several financiers" in p for p in found)


def test_an_early_end_is_after_the_start_and_what_was_paid(bare: Path, english: None) -> None:
    found = problems(bare, "    tillagg: {typ: upphorande, sista_dag: 2023-11-30}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.sista_dag: the agreement would end (2023-11-30) "
        "before it starts (2024-01-01)"
    ]
    # Not before the current end: the fault, then what to write (it read as the rule).
    found = problems(bare, "    tillagg: {typ: upphorande, sista_dag: 2026-12-31}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.sista_dag: the early end (2026-12-31) is not before "
        "the agreement's current end (2026-12-31): write a sista_dag before 2026-12-31"
    ]
    # The year 2026, the agreement's last, was paid on 2026-01-01, before the decision: it
    # cannot end mid-year, nor at all before its end. Told at the last day (it was told at
    # tillagg.typ, "from 2027-01-01 at the earliest", a day the agreement cannot end on, and
    # then "2026-12-31 at the earliest", the agreement's own end, which no early end can be).
    found = problems(bare, "    tillagg: {typ: upphorande, sista_dag: 2026-06-30}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.sista_dag: the payment of 2026-01-01 (1,500,000 "
        "kronor, for 2026-01-01–2026-12-31) was due before the decision (2026-03-10) and pays "
        "for the agreement's time up to its end; an early end comes after what has been paid "
        "for, so no day before 2026-12-31 is left to end it on"
    ]
    # Paid up to 2025-12-31 only (decided in 2025): the end of that year fits.
    found = problems(
        bare, "    tillagg: {typ: upphorande, sista_dag: 2025-06-30}\n", datum="2025-03-11"
    )
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.sista_dag: the payment of 2025-01-01 (1,500,000 "
        "kronor, for 2025-01-01–2025-12-31) was due before the decision (2025-03-11) and would "
        "change; an early end comes after what has been paid for: 2025-12-31 at the earliest"
    ]
    # A new amount from a month a payment made before the decision covers (the stepped
    # example pays each calendar quarter; its avtalsår begin in August): told at its date.
    found = problems(
        bare,
        "    tillagg: {typ: nytt_belopp, fran: 2025-08-01, belopp_per_ar: 900000}\n",
        datum="2025-07-15",
        dnr="RUN-90004-2024",
    )
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: the payment of 2025-07-01 (416,667 kronor, "
        "for 2025-07-01–2025-09-30) was due before the decision (2025-07-15) and would change; a "
        "change takes effect after what has been paid for, from 2026-08-01 at the earliest"
    ]  # not 2025-10-01, inside avtalsår 2 (2025-08-01–2026-07-31)
    # In Swedish the amount reads as the documents write it (it read "416666 kronor").
    i18n.set_language("sv")
    found = problems(
        bare,
        "    tillagg: {typ: nytt_belopp, fran: 2025-08-01, belopp_per_ar: 900000}\n",
        datum="2025-07-15",
        dnr="RUN-90004-2024",
    )
    assert found[0].startswith(
        "t.yaml:15: paragrafer[0].tillagg.fran: utbetalningen 2025-07-01 (416\u00a0667 kronor, "
        "för 2025-07-01–2025-09-30) förföll före beslutet (2025-07-15)"
    )


def test_no_new_amount_once_the_last_avtalsar_is_paid(bare: Path, english: None) -> None:
    """The seed's last avtalsår (2025-10-01–2026-09-30) was paid on 2025-10-01, before the
    decision: no avtalsår is left for a new amount to begin in (it was told "from 2026-10-01
    at the earliest", a day after the agreement's end). In Swedish too."""
    body = "    tillagg: {typ: nytt_belopp, fran: 2026-01-01, belopp_per_ar: 1200000}\n"
    found = problems(bare, body, datum="2025-11-11", dnr="RUN-00386-2023")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.fran: the payment of 2025-10-01 (2,000,000 kronor, "
        "for 2025-10-01–2026-09-30) was due before the decision (2025-11-11) and would change; "
        "a new amount takes effect at the start of an avtalsår after what has been paid for, "
        "and the agreement ends (2026-09-30) before another begins: no new amount can apply"
    ]
    i18n.set_language("sv")
    (found_sv,) = problems(bare, body, datum="2025-11-11", dnr="RUN-00386-2023")
    assert found_sv.endswith(
        "och avtalet slutar (2026-09-30) innan nästa avtalsår börjar: inget nytt belopp kan gälla"
    )


def test_an_extension_beyond_the_programs_years_says_none_is_left(
    bare: Path, english: None
) -> None:
    program = bare / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    assert text.count("    max_ar: 9\n") == 1
    program.write_text(text.replace("    max_ar: 9\n", "    max_ar: 5\n"), encoding="utf-8")
    found = problems(bare, "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}\n")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.ny_slutdag: the program allows at most 5 years of "
        "financing in all; 2024-01-01–2029-12-31 is longer, and an extension is by 3 years at "
        "a time: the agreement, ending 2026-12-31, cannot be extended further (a new agreement "
        "is a new ärende)"
    ]


def test_a_tillagg_needs_a_granted_agreement(bare: Path, english: None) -> None:
    # RUN-90003-2024 was rejected (avslag) on 2024-12-10.
    found = problems(
        bare,
        "    tillagg: {typ: forlangning, ny_slutdag: 2030-12-31}\n",
        dnr="RUN-90003-2024",
    )
    assert len(found) == 1 and "t.yaml:15: paragrafer[0].tillagg: " in found[0], found
    assert "a tillägg changes a granted agreement, and RUN-90003-2024 has none" in found[0]
    assert "decided avslag" in found[0]
    # Dated before the meeting that granted the case: nothing to change yet.
    found = problems(
        bare, "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}\n", datum="2023-11-28"
    )
    assert any("has none: no meeting has granted it" in p for p in found), found
    # A tillägg decides the change it gives (granted or not: test_later_decisions), and
    # nothing of a decision on the proposal.
    found = problems(
        bare,
        "    andring: beloppet ska vara 900 000 kronor\n"
        "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31}\n",
    )
    assert any("paragrafer[0].andring: andring belongs to the decision" in p for p in found)


def test_check_and_build_refuse_a_bad_tillagg_with_nothing_written(
    bare: Path, english: None
) -> None:
    meeting(bare, "    tillagg: {typ: upphorande, sista_dag: 2023-11-30}\n")
    output = bare.parent / "output"
    result = CliRunner().invoke(app, ["check", str(bare / CASE)])
    assert result.exit_code == 1
    assert "t.yaml:15: paragrafer[0].tillagg.sista_dag: the agreement would end" in result.output
    result = CliRunner().invoke(app, ["build", str(bare / CASE), "--output", str(output)])
    assert result.exit_code == 1, result.output
    assert "tillagg.sista_dag" in result.output
    assert not (output / DNR).exists()


# --- the shipped extension, end to end ------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(*argv: str) -> str:
    """The command line in this process; the demo key's signatures are the test process's
    own DEMO PKI's (conftest: XDG_DATA_HOME), made once."""
    result = CliRunner().invoke(app, list(argv))
    assert result.exit_code == 0, result.output
    return result.output


def build(root: Path, *extra: str) -> str:
    return cli(
        "build", str(root / "cases" / CASE), "--output", str(root / "output"),
        "--templates", str(TEMPLATES), *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def converter(session_converter: Path) -> Iterator[Converter]:
    """One warm LibreOffice (the test process's, conftest.session_converter) for the module's
    extracts and, while the module runs (AVTALSGEN_CONVERTER_DIR names it), its builds'
    documents."""
    with converter_in(session_converter) as running:
        yield running


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory, converter: Converter) -> Path:
    """The shipped cases (``cases/``) and their meetings' extracts (``output/``), nothing
    built yet: tests and fixtures copy it."""
    root = tmp_path_factory.mktemp("extracts")
    shutil.copytree(REPO / "cases", root / "cases")
    meetings = root / "cases" / "sammantraden"
    for name in ("exempel-run-2023-12-05.yaml", "exempel-run-2026-06-16.yaml"):
        build_extracts(meetings / name, root / "output", TEMPLATES, converter, today=CERTIFIED)
    return root


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, extracts: Path) -> Path:
    """The shipped cases with their extracts, the case built and its agreement's packet
    signed by both parties with the demo key: the state a tilläggsavtal is made in."""
    root = tmp_path_factory.mktemp("tillagg")
    shutil.copytree(extracts, root, dirs_exist_ok=True)
    output = root / "output"
    build(root)
    folder = output / DNR
    # The change waits for the signed agreement: the packet is the agreement's.
    assert not list(folder.glob("tillaggsavtal*"))
    text = fold(pdftotext(folder / "paket.pdf"))
    assert "Samarbetsavtal" in text and "§ 102" not in text
    status = json.loads(
        cli("status", str(root / "cases" / CASE), "--output", str(output), "--json")
    )
    assert any("tilläggsavtal nr 1" in line and "waits" in line for line in status[0]["saknas"])
    for field in ("region", "aktor"):
        cli("sign", str(folder / "paket.pdf"), "--field", field, "--ofullstandig")
    return root


def test_a_tillagg_waits_for_the_signed_agreement(
    tmp_path: Path, extracts: Path, english: None
) -> None:
    """Before the agreement is signed, --only tillaggsavtal has nothing to make (no
    failure: the note says what to do first), nothing written."""
    root = tmp_path / "unsigned"
    shutil.copytree(extracts, root)  # the extracts made, nothing built
    output = root / "output"
    meetings = root / "cases" / "sammantraden"
    before = sorted(p.name for p in (output / DNR).iterdir())
    result = CliRunner().invoke(
        app,
        ["build", str(root / "cases" / CASE), "--output", str(output), "--only", "tillaggsavtal"],
    )
    assert result.exit_code == 0, result.output
    assert (
        "tilläggsavtal nr 1 (§ 102 of the meeting of 2026-06-16, "
        f"{meetings / 'exempel-run-2026-06-16.yaml'}:20: paragrafer[0]) changes a signed "
        "agreement, and the agreement is not signed by every party yet"
    ) in fold(result.output)
    assert sorted(p.name for p in (output / DNR).iterdir()) == before


def test_only_the_signed_agreement_is_refused_once_changed(
    tmp_path: Path, signed: Path, english: None
) -> None:
    """--only samarbetsavtal of a signed agreement a later decision changed: nothing to
    make, and the note says the build writes tilläggsavtal nr 1 now, and where the change
    is decided."""
    root = tmp_path / "signed"
    shutil.copytree(signed, root)
    output = root / "output"
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    before = {p.name: sha(p) for p in (output / DNR).iterdir() if p.is_file()}
    result = CliRunner().invoke(
        app,
        ["build", str(root / "cases" / CASE), "--output", str(output), "--only", "samarbetsavtal"],
    )
    assert result.exit_code == 0, result.output
    assert (
        f"{DNR}: no samarbetsavtal is written: the agreement is signed, and the committee "
        f"changed it at its meeting on 2026-06-16 (§ 102, {meeting}:20); what "
        "the build writes now is tilläggsavtal nr 1, and the signed packet stays as "
        f"it is. Build it with: avtalsgen build {root / 'cases' / CASE}"
    ) in fold(result.output)
    assert {p.name: sha(p) for p in (output / DNR).iterdir() if p.is_file()} == before


@pytest.fixture(scope="module")
def amended(
    tmp_path_factory: pytest.TempPathFactory, signed: Path, converter: Converter
) -> tuple[Path, dict[str, str]]:
    """A copy of ``signed`` built again: the tilläggsavtal in paket-v2.pdf. With the SHA-256
    of every file of the signed state."""
    root = tmp_path_factory.mktemp("amended")
    shutil.copytree(signed, root, dirs_exist_ok=True)
    folder = root / "output" / DNR
    hashes = {path.name: sha(path) for path in folder.iterdir() if path.is_file()}
    build(root)
    return root, hashes


def test_the_signed_originals_stay_byte_for_byte(amended: tuple[Path, dict[str, str]]) -> None:
    root, hashes = amended
    folder = root / "output" / DNR
    for name, digest in hashes.items():
        if name in ("manifest.json", ".avtalsgen-build.json"):
            continue  # the records of the folder, not documents
        assert sha(folder / name) == digest, name
    made = {p.name for p in folder.iterdir()} - set(hashes)
    assert made == {"paket-v2.pdf", "tillaggsavtal-v2.pdf", "tillaggsavtal-v2.docx"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    packets = {entry["file"]: entry for entry in manifest["packets"]}
    assert set(packets) == {"paket.pdf", "paket-v2.pdf"}
    assert packets["paket.pdf"]["sha256"] == hashes["paket.pdf"]
    assert [s["signer"] is not None for s in packets["paket.pdf"]["signatures"]] == [True, True]
    assert packets["paket-v2.pdf"]["beslut"]["tillagg"] == 1
    assert packets["paket-v2.pdf"]["beslut"]["paragraf"] == 102
    assert [s["field"] for s in packets["paket-v2.pdf"]["signatures"]] == ["region", "aktor"]
    assert manifest["packet"]["file"] == "paket-v2.pdf"
    # Built again from the same inputs: nothing new.
    assert "up to date" in build(root)


def test_the_tillaggsavtal_keeps_its_references_and_dates_together(
    amended: tuple[Path, dict[str, str]],
) -> None:
    """Its § headings (typed in the template: "§ {{ k.nummer }}") and its dates in running
    text do not break between their parts: no-break spaces, as its amounts have."""
    import pikepdf
    from tagged_text import tagged_elements

    root, _ = amended
    with pikepdf.open(root / "output" / DNR / "tillaggsavtal-v2.pdf") as pdf:
        text = "\n".join(e.text for e in tagged_elements(pdf))
    nbsp = "\u00a0"
    for kept in (
        "§_1 Parter",
        "§_3 Ändring",
        "den 31_december_2029",
        "beslut den 16_juni_2026, §_102",
    ):
        assert kept.replace("_", nbsp) in text, kept


def test_the_change_packet_puts_the_decision_before_the_agreement_it_yields(
    amended: tuple[Path, dict[str, str]],
) -> None:
    """paket-v2.pdf follows the decision's flow, as the agreement's packet does (beslutsförslag,
    protokollsutdrag, samarbetsavtal): the extract of § 102, which decided the extension,
    then the tilläggsavtal it yields, in the bookmarks, on the contents page and in its pages,
    with the signature fields on the tilläggsavtal's last page, the packet's last. (It put the
    extract after the tilläggsavtal.) The signed paket.pdf keeps its order."""
    import pikepdf

    root, _hashes = amended
    folder = root / "output" / DNR
    packet = folder / "paket-v2.pdf"
    with pikepdf.open(packet) as pdf:
        titles = [item.title for item in pdf.open_outline().root]
        pages = len(pdf.pages)
        widgets = {str(field.T): pdf.pages.index(pikepdf.Page(field.P)) for field in
                   pdf.Root.AcroForm.Fields}  # fmt: skip
    assert titles[1:] == [
        "Protokollsutdrag § 102 (2026-06-16), ej bestyrkt", "Tilläggsavtal nr 1"
    ], titles  # fmt: skip
    assert widgets == {"region": pages - 1, "aktor": pages - 1}
    contents = fold(pdftotext(packet, "-f", "1", "-l", "1"))
    listed = contents[contents.index("Handlingar") :]  # after the title, which names it too
    # The extract states how to appeal (its second page): the tilläggsavtal from page 4.
    assert listed.startswith("Handlingar Sidor Protokollsutdrag § 102 (2026-06-16), ej "
                             "bestyrkt 2–3 Tilläggsavtal nr 1 4–"), contents  # fmt: skip
    assert "beslutar att förlänga samarbetsavtalet" in fold(pdftotext(packet, "-f", "2", "-l", "2"))
    last = fold(pdftotext(packet, "-f", str(pages), "-l", str(pages)))
    assert "Datum: enligt den elektroniska underskriften" in last
    with pikepdf.open(folder / "paket.pdf") as pdf:
        assert [item.title for item in pdf.open_outline().root][1:] == [
            "Beslutsförslag",
            "Protokollsutdrag § 212 (2023-12-05), ej bestyrkt",
            "Samarbetsavtal",
        ]


def test_a_draft_after_the_signed_agreement_goes_when_its_decision_does(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """paket-v2.pdf (the tilläggsavtal's, unsigned), then the meeting file that decided the
    change removed: the build made a paket-v2.pdf of the agreement, text for text the
    signed paket.pdf, status fell back to "decided" and asked both parties to sign it, and
    said nothing of the extract of § 102 left in the folder. Now the signed paket.pdf stays
    the one in force: the v2 files go, with a word, no new version is made, and the build
    and status name the extract (kept). The change back makes the tilläggsavtal again; a
    signed file among the v2 files stops the build, nothing written."""
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    folder = root / "output" / DNR
    case = root / "cases" / CASE
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    signed_packet = sha(folder / "paket.pdf")
    kept = meeting.read_bytes()
    meeting.unlink()  # the change was recorded by mistake
    said = fold(build(root))
    drafts = ", ".join(
        str(folder / name) for name in ("tillaggsavtal-v2.docx", "tillaggsavtal-v2.pdf",
                                        "paket-v2.pdf")
    )  # fmt: skip
    assert (
        f"removed {drafts}: an unsigned packet version the case's decisions no longer call "
        f"for; {folder / 'paket.pdf'}, signed, states the case as it is now and stays the one "
        "in force"
    ) in said, said
    orphan = (
        "protokollsutdrag-102.pdf: the extract of § 102 of the meeting of 2026-06-16 "
        "(exempel-run-2026-06-16.yaml), which no meeting file beside the case decides now "
        "(the file or the paragraph was removed); no document of the case states that "
        "decision, and the extract is kept as made: put the meeting file back, or move the "
        "extract out of the output folder"
    )
    assert f"{folder / orphan}" in said
    assert "wrote" not in said and not list(folder.glob("*-v2.*"))
    assert (folder / "protokollsutdrag-102.pdf").is_file()
    assert sha(folder / "paket.pdf") == signed_packet
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["file"] for entry in manifest["packets"]] == ["paket.pdf"]
    assert manifest["packet"]["file"] == "paket.pdf"
    (status,) = json.loads(cli("status", str(case), "--output", str(root / "output"), "--json"))
    assert status["lage"].startswith("agreement signed by"), status["lage"]
    assert any(line.endswith(f"{DNR}/{orphan}") for line in status["saknas"])
    assert not any("paket-v2" in line for line in status["saknas"])
    assert "up to date" in build(root)
    # The change back: the tilläggsavtal's packet again.
    meeting.write_bytes(kept)
    said = fold(build(root))
    assert f"wrote {folder / 'tillaggsavtal-v2.pdf'}" in said
    assert sorted(p.name for p in folder.glob("*-v2.*")) == [
        "paket-v2.pdf", "tillaggsavtal-v2.docx", "tillaggsavtal-v2.pdf"
    ]  # fmt: skip
    assert "no meeting file beside the case decides now" not in said
    # A signed file where a draft is: refused, nothing changed.
    shutil.copyfile(folder / "paket.pdf", folder / "tillaggsavtal-v2.pdf")
    before = {p.name: sha(p) for p in folder.iterdir() if p.is_file()}
    meeting.unlink()
    result = CliRunner().invoke(
        app,
        ["build", str(root / "cases" / CASE), "--output", str(root / "output"),
         "--templates", str(TEMPLATES)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert (
        f"{folder / 'tillaggsavtal-v2.pdf'} is signed, and this build would remove it: it is "
        "of paket-v2.pdf, an unsigned packet version the case's decisions no longer call "
        "for; a signed document is never replaced or removed: move it out of the output "
        "folder (it is kept as signed there) and build again"
    ) in fold(result.output)
    assert {p.name: sha(p) for p in folder.iterdir() if p.is_file()} == before


def test_sign_refuses_a_tillaggsavtal_s_packet_without_its_decision(
    tmp_path: Path, signed: Path, english: None
) -> None:
    """The agreement signed, the extension decided, its extract not made yet: the build
    makes paket-v2.pdf with the tilläggsavtal alone, and sign took signatures on it; once
    the extract was made the next build made paket-v3.pdf, nr 1 again, beside a
    half-signed paket-v2.pdf. Now sign refuses it, with the reason and what to do, nothing
    signed; with the extract made and built again, the packet holds it and is signed."""
    root = tmp_path / "signed"
    shutil.copytree(signed, root)
    folder = root / "output" / DNR
    aside = tmp_path / "aside"
    aside.mkdir()
    for path in folder.glob("protokollsutdrag-102.*"):
        path.rename(aside / path.name)
    build(root)
    packet = folder / "paket-v2.pdf"
    assert "Tilläggsavtal nr 1" in fold(pdftotext(packet))
    before = {path.name: sha(path) for path in folder.iterdir()}
    result = CliRunner().invoke(app, ["sign", str(packet), "--field", "region", "--ofullstandig"])
    assert result.exit_code == 1, result.output
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    assert fold(result.output) == fold(
        f"{packet}: tilläggsavtal nr 1 is to be signed with the decision that changed the "
        "agreement, and the packet does not hold it: the protocol extract of § 102 of the "
        "meeting of 2026-06-16 is not made yet. Make it (avtalsgen utdrag "
        f"{meeting}), certify it, build again and sign the packet the build makes. Nothing "
        "was signed.\n"
    )
    assert {path.name: sha(path) for path in folder.iterdir()} == before
    for path in aside.iterdir():
        path.rename(folder / path.name)
    build(root)
    assert not (folder / "paket-v3.pdf").exists()
    assert "beslutar att förlänga samarbetsavtalet" in fold(pdftotext(packet))
    assert "signed region of" in cli("sign", str(packet), "--field", "region", "--ofullstandig")


def test_the_agreement_goes_with_the_unsigned_packet_of_a_case_then_rejected(
    tmp_path: Path, converter: Converter, english: None
) -> None:
    """Built before the meeting, then rejected: the new paket.pdf holds no agreement, and
    no samarbetsavtal stays beside it to say otherwise."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    meeting = cases / "sammantraden" / "exempel-run-2024-12-10.yaml"
    kept = meeting.read_bytes()
    meeting.unlink()
    output = tmp_path / "output"
    argv = ["build", str(cases / "exempel-matkluster.yaml"), "--output", str(output),
            "--templates", str(TEMPLATES)]  # fmt: skip
    cli(*argv)
    folder = output / "RUN-90003-2024"
    assert (folder / "samarbetsavtal.pdf").is_file()
    meeting.write_bytes(kept)  # the committee rejects the case
    said = fold(cli(*argv))
    assert f"removed {folder / 'samarbetsavtal.pdf'}: " in said
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "beslutsforslag.docx", "beslutsforslag.pdf", "manifest.json", "paket.pdf"
    ]  # fmt: skip
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["outputs"]) == ["beslutsforslag.docx", "beslutsforslag.pdf", "paket.pdf"]


def test_an_edit_that_changes_no_document_makes_no_new_packet_version(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """Tilläggsavtal nr 1 signed by both parties, then a comment added to the case file and
    to the meeting file: the build made paket-v3.pdf, unsigned, holding "Tilläggsavtal nr 1"
    again (tillaggsavtal-v3.*, the same text), and status fell back from "signed" to
    "tilläggsavtal nr 1". Now nothing is made; an edit that changes the tilläggsavtal still
    makes the next version."""
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    folder = root / "output" / DNR
    for field in ("region", "aktor"):
        cli("sign", str(folder / "paket-v2.pdf"), "--field", field, "--ofullstandig")
    before = {p.name: sha(p) for p in folder.iterdir() if p.is_file()}
    case = root / "cases" / CASE
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    for path in (case, meeting):
        path.write_text(path.read_text(encoding="utf-8") + "# checked again\n", "utf-8")
    assert "up to date" in build(root)
    after = {p.name: sha(p) for p in folder.iterdir() if p.is_file()}
    assert {name: after.get(name) for name in before if name != ".avtalsgen-build.json"} == {
        name: digest for name, digest in before.items() if name != ".avtalsgen-build.json"
    }
    assert set(after) == set(before)
    status = json.loads(cli("status", str(case), "--output", str(root / "output"), "--json"))
    assert "tilläggsavtal nr 1 signed by" in status[0]["lage"]
    assert "up to date" in build(root)  # and the record says so, without reading it again
    # The actor's name changes: the signed agreement (and tilläggsavtal nr 1, which names
    # the parties) now state a name that is not the case's. No tilläggsavtal is made on
    # them: the build makes the agreement as the case states it, and says why.
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("  namn: Exempel ", "  namn: Nya Exempel ", 1), "utf-8")
    said = fold(build(root))
    assert "tilläggsavtal nr 1 (§ 102 of the meeting of 2026-06-16" in said, said
    packet = folder / "paket.pdf"
    assert f"is not made: the agreement it changes is signed in {packet}, which is" in said
    assert "the case's fact 'aktor.namn' changed since it was built" in said
    assert not (folder / "tillaggsavtal-v3.pdf").exists()
    assert "Nya Exempel" in fold(pdftotext(folder / "samarbetsavtal-v3.pdf"))
    assert sha(folder / "paket-v2.pdf") == before["paket-v2.pdf"]
    assert sha(folder / "paket.pdf") == before["paket.pdf"]


def test_status_and_sign_keep_a_partly_signed_tillaggsavtal_the_build_keeps(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """Tilläggsavtal nr 1 (paket-v2.pdf) signed by the region, then a comment put in the
    case file and the meeting file, and two keys of the case file in another order: the
    build keeps paket-v2.pdf ('up to date'), and status said its documents were out of
    date. Now status says what the build does, and sign takes the actor's signature."""
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    folder = root / "output" / DNR
    packet = folder / "paket-v2.pdf"
    cli("sign", str(packet), "--field", "region", "--ofullstandig")
    case = root / "cases" / CASE
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    text = case.read_text(encoding="utf-8")
    reordered = re.sub(r"(  namn: .*\n)(  kortnamn: .*\n)", r"\2\1", text, count=1)
    assert reordered != text
    case.write_text("# Förlängningen skickad till aktören.\n" + reordered, "utf-8")
    meeting.write_text(meeting.read_text(encoding="utf-8") + "# justerat\n", "utf-8")
    output = str(root / "output")
    (status,) = json.loads(cli("status", str(case), "--output", output, "--json"))
    assert status["kod"] == "tillaggsavtal"
    assert status["lage"].startswith("tilläggsavtal nr 1; extension: ")
    stale = [line for line in status["saknas"] if "out of date" in line or "superseded" in line]
    assert stale == []
    field = f"{output}/{DNR}/paket-v2.pdf: the signature field aktor is not signed yet"
    assert [line for line in status["saknas"] if line.startswith(field)], status["saknas"]
    assert "signed aktor of" in cli("sign", str(packet), "--field", "aktor", "--ofullstandig")
    (status,) = json.loads(cli("status", str(case), "--output", output, "--json"))
    assert status["kod"] == "tillaggsavtal"
    assert status["lage"].startswith("tilläggsavtal nr 1 signed by ")
    assert not [line for line in status["saknas"] if "out of date" in line]
    assert "up to date" in build(root)
    assert sorted(path.name for path in folder.glob("paket*.pdf")) == ["paket-v2.pdf", "paket.pdf"]
    (after,) = json.loads(cli("status", str(case), "--output", output, "--json"))
    assert after == status


def test_the_actor_s_e_mail_address_added_after_signing_makes_no_new_packet(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """The agreement signed by both parties, tilläggsavtal nr 1 (paket-v2.pdf) by the
    region, then the actor's e-mail address (aktor.epost, which no document prints:
    expediera addresses the actor's extract with it) added to the case file: the build
    made paket-v3.pdf with the agreement again and refused the tilläggsavtal, the address
    counted among the signed packets' facts. Now both packets stay as signed, also where
    the manifest recorded the address among their facts (as avtalsgen did before); status
    and sign agree, and expediera uses the address. The actor's name, which both state,
    still makes a new version."""
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    folder, output = root / "output" / DNR, root / "output"
    cli("sign", str(folder / "paket-v2.pdf"), "--field", "region", "--ofullstandig")
    # The manifest as an earlier build wrote it: the address (then none) among the facts.
    manifest_file = folder / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    assert [entry["file"] for entry in manifest["packets"]] == ["paket.pdf", "paket-v2.pdf"]
    for entry in manifest["packets"]:
        assert "aktor.namn" in entry["fakta"]
        entry["fakta"].setdefault("aktor.epost", entry["fakta"]["dnr"])
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    before = {p.name: sha(p) for p in folder.iterdir() if p.suffix == ".pdf"}
    case = root / "cases" / CASE
    area = "  omrade: testverksamheten i arktiskt klimat\n"
    text = case.read_text(encoding="utf-8")
    assert area in text and "epost" not in text
    case.write_text(text.replace(area, area + "  epost: styrelsen@arktiska.example\n"), "utf-8")

    (status,) = json.loads(cli("status", str(case), "--output", str(output), "--json"))
    assert status["kod"] == "tillaggsavtal", status
    stale = [line for line in status["saknas"] if "out of date" in line or "superseded" in line]
    assert stale == [], status["saknas"]
    said = fold(build(root))
    assert "up to date" in said and "is not made" not in said, said
    assert sorted(path.name for path in folder.glob("paket*.pdf")) == ["paket-v2.pdf", "paket.pdf"]
    assert {p.name: sha(p) for p in folder.iterdir() if p.suffix == ".pdf"} == before
    assert "signed aktor of" in cli(
        "sign", str(folder / "paket-v2.pdf"), "--field", "aktor", "--ofullstandig"
    )
    (status,) = json.loads(cli("status", str(case), "--output", str(output), "--json"))
    assert status["lage"].startswith("tilläggsavtal nr 1 signed by "), status
    assert not [line for line in status["saknas"] if "out of date" in line or "superseded" in line]
    assert "up to date" in build(root)
    assert sorted(path.name for path in folder.glob("paket*.pdf")) == ["paket-v2.pdf", "paket.pdf"]

    # expediera sends the actor's extract to the address the case file gives now.
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    cli("sign", str(folder / "protokollsutdrag-102.pdf"), "--field", "utdragsbestyrkande")
    cli("expediera", str(meeting), "--paragraf", "102", "--output", str(output))
    messages = [path.read_text(encoding="utf-8") for path in output.rglob("*.eml")]
    assert any("styrelsen@arktiska.example" in message for message in messages), messages

    # The actor's name, which the agreement and the tilläggsavtal state, is a fact of both.
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("  namn: Exempel ", "  namn: Nya Exempel ", 1), "utf-8")
    said = fold(build(root))
    assert "the case's fact 'aktor.namn' changed since it was built" in said, said
    assert "aktor.epost" not in said
    assert "Nya Exempel" in fold(pdftotext(folder / "samarbetsavtal-v3.pdf"))


def test_an_extract_certified_after_the_packet_was_signed_asks_for_no_new_signature(
    tmp_path: Path, amended: tuple[Path, dict[str, str]]
) -> None:
    """Tilläggsavtal nr 1 signed by both parties, then the secretary certified its extract
    (§ 102), and the agreement's (§ 212): the build made paket-v3.pdf, unsigned, holding
    "Tilläggsavtal nr 1" again (tillaggsavtal-v3.*), and status asked both parties to sign
    it. Now the signed packets stay as signed and nothing is made; status says which packet
    holds each extract as it was before its certification, and asks for no signature."""
    i18n.set_language("sv")
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    folder, output = root / "output" / DNR, root / "output"
    for field in ("region", "aktor"):
        cli("sign", str(folder / "paket-v2.pdf"), "--field", field, "--ofullstandig")
    before = {p.name: sha(p) for p in folder.iterdir() if p.is_file()}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    held = {entry["file"]: entry["utdrag"] for entry in manifest["packets"]}
    assert held == {
        "paket.pdf": {"protokollsutdrag-212.pdf": before["protokollsutdrag-212.pdf"]},
        "paket-v2.pdf": {"protokollsutdrag-102.pdf": before["protokollsutdrag-102.pdf"]},
    }
    for number in (102, 212):
        extract = folder / f"protokollsutdrag-{number}.pdf"
        cli("sign", str(extract), "--field", "utdragsbestyrkande")
    assert "oförändrat" in build(root)
    after = {p.name: sha(p) for p in folder.iterdir() if p.is_file()}
    assert set(after) == set(before)  # no paket-v3.pdf, no tillaggsavtal-v3.*
    for name in ("paket.pdf", "paket-v2.pdf", "tillaggsavtal-v2.pdf", "samarbetsavtal.pdf"):
        assert after[name] == before[name], name
    # What README and the handbok say of manifest.json: each packet version's SHA-256 is the
    # file's as signed; an extract certified after its packet was signed is recorded as the
    # packet holds it, uncertified, not as the file beside it is now.
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["packets"]:
        assert entry["sha256"] == after[entry["file"]], entry["file"]
    assert {entry["file"]: entry["utdrag"] for entry in manifest["packets"]} == held
    for number in (102, 212):
        name = f"protokollsutdrag-{number}.pdf"
        assert after[name] != before[name] and after[name] not in json.dumps(manifest)
    case = str(root / "cases" / CASE)
    text = cli("status", case, "--output", str(output))
    assert "  läge: tilläggsavtal nr 1 undertecknat av " in text
    assert (
        f"  § 102 2026-06-16  ändring av avtalet: förlängning  ({output}/{DNR}/"
        f"protokollsutdrag-102.pdf, bestyrkt efter att {output}/{DNR}/paket-v2.pdf "
        "undertecknades: paketet innehåller utdraget som "
        "det var innan, obestyrkt, och förblir som det undertecknades; det bestyrkta utdraget "
        "är den här filen, bredvid paketet)"
    ) in text
    assert (
        f"({output}/{DNR}/protokollsutdrag-212.pdf, bestyrkt efter att {output}/{DNR}/paket.pdf "
    ) in text
    assert "underskriftsfältet" not in text and "inte bestyrkt" not in text
    (found,) = json.loads(cli("status", case, "--output", str(output), "--json"))
    assert [(b["paragraf"], b["bestyrkt"], b["bestyrkt_efter"]) for b in found["beslut"]] == [
        (212, True, f"{DNR}/paket.pdf"),
        (102, True, f"{DNR}/paket-v2.pdf"),
    ]
    # The case's page in the web app says the same of each.
    from webtools import PASSWORD, client_for

    from avtalsgen.web import auth, db
    from avtalsgen.web.config import WebConfig

    config = WebConfig(cases=root / "cases", output=output, data=root / "data",
                       templates=TEMPLATES, build_after_save=False)  # fmt: skip
    db.initialise(config.database)
    auth.add_user(config.database, "sekr", frozenset({"sekreterare"}), PASSWORD)
    with client_for(config, "sekr") as client:
        page = fold(re.sub(r"<[^>]+>", "", client.get(f"/arenden/{Path(case).stem}").text))
    assert (
        "protokollsutdrag § 102 (bestyrkt efter att "
        f"{DNR}/paket-v2.pdf undertecknades: det paketet innehåller utdraget som det var "
        "innan, obestyrkt, och förblir som det undertecknades; det bestyrkta utdraget är den "
        "här filen)"
    ) in page, page
    assert "protokollsutdrag § 212 (bestyrkt efter att " in page and "(bestyrkt)" not in page
    i18n.set_language("sv")
    # An extract changed otherwise than by its certification is no certification: the
    # packet is made anew.
    extract = folder / "protokollsutdrag-102.pdf"
    extract.write_bytes(extract.read_bytes() + b"\n% changed\n")
    (found,) = json.loads(cli("status", case, "--output", str(output), "--json"))
    assert found["beslut"][1]["bestyrkt_efter"] is None
    i18n.set_language(None)


def test_the_tillaggsavtal_names_the_agreement_and_states_the_change(
    amended: tuple[Path, dict[str, str]], english: None
) -> None:
    from avtalsgen.documents.format import datum_text
    from avtalsgen.pdf.signed import signed_on

    folder = amended[0] / "output" / DNR
    raw = pdftotext(folder / "tillaggsavtal-v2.pdf")
    text = fold(raw)
    # A range's parts stay on one line (a word joiner after the dash, which the PDF's text
    # does not hold): "avtalsår 6 (1 januari 2029–" / "31 december 2029)." broke before.
    lines = [fold(line) for line in raw.splitlines()]
    assert not [line for line in lines if line.endswith("–")], raw
    for year in (2027, 2028, 2029):
        assert [line for line in lines if f"(1 januari {year}–31 december {year})" in line]
    assert "\u2060" not in raw
    # The agreement is named by the day its last party signed it, as the signed packet's
    # signatures state it, not by avtal.datum (2023-12-20): the agreement states no date of
    # its own ("Datum: enligt den elektroniska underskriften"), and was signed today.
    days = [signed_on(folder / "paket.pdf", field) for field in ("region", "aktor")]
    assert None not in days
    concluded = datum_text(max(day for day in days if day is not None))
    assert "20 december 2023" not in text and "daterat" not in text
    # Until the tilläggsavtal is signed, the extension is decided, not agreed.
    root = amended[0]
    (found,) = json.loads(
        cli("status", str(root / "cases" / CASE), "--output", str(root / "output"), "--json")
    )
    # Not "runs … to 2026-12-31 until tilläggsavtal nr 1 is signed": signed after that day,
    # it extends the agreement from 2027-01-01 all the same, as the committee decided.
    assert found["lage"] == (
        "tilläggsavtal nr 1; extension: the agreement runs 2024-01-01 to 2029-12-31 once "
        "tilläggsavtal nr 1 is signed by every party, the change applying from 2027-01-01 as "
        "the committee decided (the signed agreement states 2024-01-01 to 2026-12-31)"
    )
    for phrase in (
        f"Dnr RUN-90001-2023, undertecknat {concluded} (nedan kallat avtalet)",
        "EXEMPEL",
        "Tilläggsavtal nr 1 till samarbetsavtal om basfinansiering inom Norrbottens ekosystem",
        "mellan Region Norrbotten och Exempel Arktiska Testbäddar ekonomisk förening",
        "§ 1 Parter",
        "regionala utvecklingsnämndens beslut den 5 december 2023, § 212",
        "beslutade den 16 juni 2026, § 102",
        "§ 3 Ändring Avtalstiden förlängs till och med den 31 december 2029",
        "Avtalet gäller därmed från och med den 1 januari 2024 till och med den 31 december "
        "2029 i stället för till och med den 31 december 2026. Förlängningen omfattar avtalsår "
        "4 (1 januari 2027–31 december 2027), avtalsår 5 (1 januari 2028–31 december 2028) och "
        "avtalsår 6 (1 januari 2029–31 december 2029).",
        "Regionens bidrag för förlängningen, från och med den 1 januari 2027 till och med den "
        "31 december 2029, är",
        "oförändrat 1 500 000 kronor årligen: 1 000 000 kronor från ERP och 500 000 kronor "
        "från regionala utvecklingsmedel",
        "sammanlagt 9 000 000 kronor i stället för 4 500 000 kronor",
        "Utbetalningsplan från och med den 1 januari 2027",
        "4 Avtalsår 4 2027-01-01 1 500 000 kr",
        "6 Avtalsår 6 2029-01-01 1 500 000 kr",
        "I övrigt gäller avtalet oförändrat",
        # It is signed after the agreement it changes, maybe after the day the change is
        # decided from: it says that the change applies from that day all the same, and
        # what becomes of a payment whose day has passed (it said only that it applied
        # from its signing, above a payment plan that could start before).
        "Detta tilläggsavtal träder i kraft när båda parter har undertecknat det och utgör "
        "en del av avtalet. Ändringen i § 3 gäller från och med den 1 januari 2027, enligt "
        "regionala utvecklingsnämndens beslut den 16 juni 2026, § 102, även om "
        "tilläggsavtalet undertecknas senare.",
        "En utbetalning i utbetalningsplanen vars dag har passerat när båda parter har "
        "undertecknat tilläggsavtalet görs när det har undertecknats, med avdrag för det som "
        "Regionen redan har betalat ut enligt avtalet för samma tid.",
        "Datum: enligt den elektroniska underskriften",
    ):
        assert phrase in text, phrase
    assert "gäller från och med den dag då båda parter har undertecknat" not in text
    info = run("pdfinfo", str(folder / "tillaggsavtal-v2.pdf"))
    assert "Tilläggsavtal nr 1 RUN-90001-2023" in info
    packet = fold(pdftotext(folder / "paket-v2.pdf"))
    assert "Tilläggsavtal nr 1" in packet
    assert (
        "beslutar att förlänga samarbetsavtalet med Exempel Arktiska Testbäddar ekonomisk "
        "förening till och med den 31 december 2029" in packet
    )
    assert "Beslutsförslag" not in packet  # the signed packet holds it
    extract = fold(pdftotext(folder / "protokollsutdrag-102.pdf"))
    assert "beslutar att förlänga samarbetsavtalet" in extract
    assert (
        "till och med den 31 december 2029, så att avtalstiden blir från och med den 1 januari "
        "2024 till och med den 31 december 2029" in extract
    )
    assert "upprätta tilläggsavtal nr 1 till samarbetsavtalet" in extract


def test_status_names_the_signed_agreement_beside_the_newest_packet(
    amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """Before, after a tilläggsavtal status listed the newest packet version's files alone
    (paket-v2.pdf, unsigned), never where the signed agreement is. Now the CLI's text, its
    JSON and the web app's case page name the signed packet the case rests on too."""
    from avtalsgen.web.app import templates_environment
    from avtalsgen.web.config import WebConfig
    from avtalsgen.web.status import case_standing

    root = amended[0]
    case, output = root / "cases" / CASE, root / "output"
    text = cli("status", str(case), "--output", str(output))
    lines = [line.strip() for line in text.splitlines()]
    assert f"{output}/{DNR}/paket-v2.pdf" in lines  # the newest, not signed yet
    (signed,) = [line for line in lines if line.startswith(f"{output}/{DNR}/paket.pdf: ")]
    assert signed.startswith(f"{output}/{DNR}/paket.pdf: the agreement, signed by DEMO "), text
    (found,) = json.loads(cli("status", str(case), "--output", str(output), "--json"))
    (packet,) = found["undertecknade_paket"]
    assert packet["fil"] == f"{DNR}/paket.pdf" and packet["tillagg"] == 0
    assert len(packet["undertecknare"]) == 2, packet
    assert all(name.startswith("DEMO ") for name in packet["undertecknare"])
    assert signed.endswith(", ".join(packet["undertecknare"]))
    assert found["undertecknat"] == []  # paket-v2.pdf: nobody yet

    config = WebConfig(cases=root / "cases", output=output, data=root, templates=TEMPLATES)
    i18n.set_language("sv")
    standing = case_standing(config, case)
    names = ", ".join(packet["undertecknare"])
    assert standing["undertecknade_paket"] == [
        {"fil": f"{DNR}/paket.pdf", "titel": "Paket",
         "text": f"samarbetsavtalet, undertecknat av {names}"}
    ]  # fmt: skip
    environment = templates_environment()
    environment.filters["datum"] = str
    page = environment.get_template("standing.html").render(standing=standing)
    assert "<h3>Undertecknade paket</h3>" in page
    assert (
        f'<li><a href="/utdata/{DNR}/paket.pdf">Paket</a>: samarbetsavtalet, '
        f"undertecknat av {names}</li>"
    ) in page


def test_status_reads_the_manifest_and_each_pdf_once(
    amended: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, status read a case's manifest.json three times (seven times for this case,
    one change on it) and opened the signed agreement's packet once per question asked of
    it (whether the change waits for it, which packet the case rests on). Now each is read
    once per case, and what status says is the same."""
    from avtalsgen.build import manifest
    from avtalsgen.build.status import case_status
    from avtalsgen.pdf import signed

    root = amended[0]
    case, output = root / "cases" / CASE, root / "output"
    before = case_status([case], output, TEMPLATES)[0]
    reads: list[Path] = []
    opened: list[str] = []  # a path, or the SHA-256 of bytes status read already
    read_manifest, is_signed = manifest.read_manifest, signed.is_signed

    def counted_read(folder: Path) -> dict[str, object]:
        reads.append(folder)
        return read_manifest(folder)

    def counted_open(source: Path | bytes) -> bool:
        opened.append(
            str(source) if isinstance(source, Path) else hashlib.sha256(source).hexdigest()
        )
        return is_signed(source)

    monkeypatch.setattr(manifest, "read_manifest", counted_read)
    monkeypatch.setattr(signed, "is_signed", counted_open)
    after = case_status([case], output, TEMPLATES)[0]
    assert after == before
    assert reads == [output / DNR]
    assert str(output / DNR / "paket.pdf") in opened  # the signed agreement: asked of, once
    assert sorted(opened) == sorted(set(opened)), opened


def test_the_new_packet_is_signed_and_verified(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    shutil.copytree(amended[0], tmp_path / "root")
    root = tmp_path / "root"
    folder = root / "output" / DNR
    original = sha(folder / "paket.pdf")
    for field in ("aktor", "region"):
        cli("sign", str(folder / "paket-v2.pdf"), "--field", field, "--ofullstandig")
    report = cli("verify", str(folder / "paket-v2.pdf"))
    assert "complete: every field is signed, every signature is intact and trusted" in report
    assert sha(folder / "paket.pdf") == original
    status = json.loads(
        cli("status", str(root / "cases" / CASE), "--output", str(root / "output"), "--json")
    )
    assert status[0]["lage"].startswith("tilläggsavtal nr 1 signed by DEMO")
    assert status[0]["lage"].endswith("; extension: the agreement runs 2024-01-01 to 2029-12-31")
    assert status[0]["dokument"] == [f"{DNR}/tillaggsavtal-v2.pdf", f"{DNR}/paket-v2.pdf"]
    packets = [(p["fil"], p["tillagg"]) for p in status[0]["undertecknade_paket"]]
    assert packets == [(f"{DNR}/paket.pdf", 0), (f"{DNR}/paket-v2.pdf", 1)]
    assert [row["tillagg"] for row in status[0]["beslut"]] == [None, "forlangning"]


def test_sign_refuses_a_tillaggsavtal_s_packet_the_next_build_makes_anew(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """paket-v2.pdf (tilläggsavtal nr 1) and the meeting file that decided it edited since
    the build: status says the documents are out of date, and sign refused the agreement's
    packet so but signed the tilläggsavtal's, which the next build made anew. It is
    refused as the agreement's is, nothing signed; built again, it is signed."""
    root = tmp_path / "root"
    shutil.copytree(amended[0], root)
    folder = root / "output" / DNR
    packet = folder / "paket-v2.pdf"
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "# läst igen\n", "utf-8")
    case = root / "cases" / CASE
    (status,) = json.loads(cli("status", str(case), "--output", str(root / "output"), "--json"))
    stale = (
        "documents out of date: since they were built, the meeting file "
        f"exempel-run-2026-06-16.yaml changed (avtalsgen build {case} --output {root / 'output'})"
    )
    assert stale in status["saknas"]
    before = {path.name: sha(path) for path in folder.iterdir()}
    result = CliRunner().invoke(app, ["sign", str(packet), "--field", "region", "--ofullstandig"])
    assert result.exit_code == 1
    assert fold(result.output) == fold(
        f"{packet}: {stale}: the next build makes a new version of the packet, and a "
        "signature on this one would have to be made again. Build first, then sign the "
        "packet the build makes. Nothing was signed.\n"
    )
    assert {path.name: sha(path) for path in folder.iterdir()} == before
    build(root)
    assert "signed region of" in cli("sign", str(packet), "--field", "region", "--ofullstandig")


def _templates_stating(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the templates whose tilläggsavtal says ``new`` where it says ``old``."""
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    path = templates / "tillaggsavtal.docx"
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
    return templates


@needs_soffice
def test_the_fact_check_refuses_a_wrong_amount_or_date(
    tmp_path: Path, signed: Path, english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    shutil.copytree(signed, root)
    folder = root / "output" / DNR
    before = {path.name: sha(path) for path in folder.iterdir()}

    def refused(templates: Path) -> str:
        result = CliRunner().invoke(
            app,
            ["build", str(root / "cases" / CASE), "--output", str(root / "output"),
             "--templates", str(templates)],
        )  # fmt: skip
        assert result.exit_code == 1, result.output
        assert {path.name: sha(path) for path in folder.iterdir()} == before
        return fold(result.output)

    wrong = _templates_stating(
        tmp_path / "amount",
        "Utbetalningsplan från och med {{ tillagg.fran|datum_text }}",
        "Utbetalningsplan från och med {{ tillagg.fran|datum_text }} (1 234 567 kronor)",
    )
    assert (
        "tillaggsavtal.pdf: belopp: the document states 1,234,567 kr/kronor, which is none "
        "of the amounts of the changed agreement" in refused(wrong)
    )

    from avtalsgen.documents import tillagg

    stated = tillagg.change_text

    def wrong_date(*args: object) -> tuple[str, ...]:
        return tuple(
            line.replace("31 december 2029", "30 november 2029")
            for line in stated(*args)  # type: ignore[arg-type]
        )

    monkeypatch.setattr(tillagg, "change_text", wrong_date)
    output = refused(TEMPLATES)
    assert (
        "tillaggsavtal.pdf: ändringens datum: the document does not state "
        "'förlängs till och med den 31 december 2029'" in output
    )
    monkeypatch.setattr(tillagg, "change_text", stated)

    # A tilläggsavtal that said it applied only from its signing, above a plan from
    # 2027-01-01, is refused: the change applies from the day it was decided from.
    def from_signing(*args: object, **kwargs: object) -> str:
        return "Ändringen gäller från och med den dag då båda parter har undertecknat det."

    monkeypatch.setattr(tillagg, "applies_from", from_signing)
    assert (
        "tillaggsavtal.pdf: ändringen gäller från: the document does not state "
        "'gäller från och med den 1 januari 2027'" in refused(TEMPLATES)
    )


@needs_soffice
@pytest.mark.parametrize(
    ("tillagg", "phrases"),
    [
        (
            "{typ: nytt_belopp, fran: 2026-01-01, belopp_per_ar: 1200000, "
            "finansiar: Region Norrbotten - ERP}",
            (
                "Från och med den 1 januari 2026 är Regionens bidrag 1 200 000 kronor årligen "
                "från ERP i stället för 1 000 000 kronor årligen.",
                "Regionens bidrag för hela avtalstiden, från och med den 1 januari 2024 till "
                "och med den 31 december 2026, uppgår därmed till sammanlagt 4 700 000 kronor "
                "i stället för 4 500 000 kronor, och medlen "
                "anvisas från ERP och regionala utvecklingsmedel.",
                "Avtalsår 3 2026-01-01–2026-12-31 1 700 000 kr",
                # Decided in February 2025 from 2026-01-01, built and signed after that
                # day: the changed payment of 2026-01-01 comes before the signing.
                "Utbetalningsplan från och med den 1 januari 2026",
                "3 Avtalsår 3 2026-01-01",
                "Ändringen i § 3 gäller från och med den 1 januari 2026, enligt regionala "
                "utvecklingsnämndens beslut den 11 februari 2025, § 120, även om "
                "tilläggsavtalet undertecknas senare.",
                "En utbetalning i utbetalningsplanen vars dag har passerat när båda parter "
                "har undertecknat tilläggsavtalet görs när det har undertecknats, med avdrag "
                "för det som Regionen redan har betalat ut enligt avtalet för samma tid.",
            ),
        ),
        (
            "{typ: upphorande, sista_dag: 2025-12-31}",
            (
                "Avtalet upphör att gälla i förtid, med utgången av den 31 december 2025 i "
                "stället för den 31 december 2026.",
                "Regionens bidrag för hela avtalstiden, från och med den 1 januari 2024 till "
                "och med den 31 december 2025, uppgår därmed till sammanlagt 3 000 000 kronor "
                "i stället för 4 500 000 kronor, och medlen "
                "anvisas från ERP och regionala utvecklingsmedel.",
                "Ändringen i § 3 gäller från och med den 1 januari 2026, enligt regionala "
                "utvecklingsnämndens beslut den 11 februari 2025, § 120, även om "
                "tilläggsavtalet undertecknas senare.",
            ),
        ),
        (
            # Mid-year: the payment of 2026-01-01 was for the whole year, the plan now pays
            # half of it; paid before the signing, the difference goes back (the
            # tilläggsavtal said only "med avdrag för det som Regionen redan har betalat
            # ut", which is then less than nothing).
            "{typ: upphorande, sista_dag: 2026-06-30}",
            (
                "Regionens bidrag för hela avtalstiden, från och med den 1 januari 2024 till "
                "och med den 30 juni 2026, uppgår därmed till sammanlagt 3 750 000 kronor "
                "i stället för 4 500 000 kronor",
                "Utbetalningsplan från och med den 1 januari 2026",
                "Har Regionen för samma tid redan betalat ut mer enligt avtalet än "
                "utbetalningsplanen anger, betalar Aktören tillbaka det som har betalats ut för "
                "mycket.",
            ),
        ),
    ],
    ids=["nytt_belopp", "upphorande", "upphorande_mitt_i_aret"],
)
def test_a_new_amount_or_an_early_end_makes_its_tillaggsavtal(
    tmp_path: Path, signed: Path, tillagg: str, phrases: tuple[str, ...], english: None
) -> None:
    """Neither could be built: the fact check refused the tilläggsavtal, which did not name
    the region's sources ("tillaggsavtal.pdf: källa ERP: dokumentet anger inte 'ERP'"), the
    decision's extract did."""
    root = tmp_path / "root"
    shutil.copytree(signed, root)
    cases = root / "cases"
    (cases / "sammantraden" / "exempel-run-2026-06-16.yaml").unlink()
    meeting(cases, f"    tillagg: {tillagg}\n", datum="2025-02-11")
    build(root)
    text = fold(pdftotext(root / "output" / DNR / "tillaggsavtal-v2.pdf")).replace("– ", "–")
    assert "Regionala utvecklingsnämnden beslutade den 11 februari 2025, § 120" in text
    for phrase in phrases:
        assert phrase in text, phrase
    if "sista_dag: 2025-12-31" in tillagg or "nytt_belopp" in tillagg:  # nothing less paid
        assert "betalar Aktören tillbaka" not in text
    assert "Tilläggsavtal nr 1" in fold(pdftotext(root / "output" / DNR / "paket-v2.pdf"))
    # status says what the change left of the term: an early end is not left to be read
    # from "tilläggsavtal nr 1" alone.
    status = json.loads(
        cli("status", str(cases / CASE), "--output", str(root / "output"), "--json")
    )
    end = re.search(r"sista_dag: (\S+)\}", tillagg)
    # Its tilläggsavtal not signed yet, the change is decided, not agreed (it said the term
    # after the change as the agreement's).
    # It said the agreement ran to 2026-12-31 "until" tilläggsavtal nr 1 was signed: the
    # change applies from the day the decision gives, signed before or after it.
    day = dt.date.fromisoformat(end.group(1)) + dt.timedelta(days=1) if end else None
    term = (
        f"early end: the agreement runs 2024-01-01 to {end.group(1)} once tilläggsavtal nr 1 "
        f"is signed by every party, the change applying from {day} as the committee decided "
        "(the signed agreement states 2024-01-01 to 2026-12-31)"
        if end
        else "new amount: the agreement runs 2024-01-01 to 2026-12-31"
    )
    assert status[0]["lage"] == f"tilläggsavtal nr 1; {term}"


def test_a_new_amount_and_an_early_end_change_the_financing_from_their_date() -> None:
    """The seed (2023-10-01–2026-09-30, 2 000 000 kronor a year, paid each avtalsår in
    advance): the months before the change keep their amounts, the payment plan follows."""
    from avtalsgen.documents.tillagg import change_of, change_text, decision_points
    from avtalsgen.input.load import load_case
    from avtalsgen.model.money import compute_financing
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "RUN-00386-2023.yaml")
    program = case.program

    def changed(tillagg: dict[str, object], decided: str) -> tuple[list[str], list[int]]:
        andring, found = apply_change(
            case.arende.finansiering,
            Tillagg.model_validate(tillagg),
            program.finansiering,
            beslutsdatum=dt.date.fromisoformat(decided),
            max_ar=9,
            forlangning_tillaten=True,
            ar_per_period=3,
        )
        assert andring is not None and not found, found
        payments = compute_financing(andring.efter, program.finansiering).utbetalningar
        texts = [
            *change_text(change_of(andring, program)),
            *decision_points("N", "X", andring, 1, program),
        ]
        return [fold(t) for t in texts], [p.belopp for p in payments]

    texts, payments = changed(
        {"typ": "nytt_belopp", "fran": "2025-10-01", "belopp_per_ar": 2500000}, "2025-09-01"
    )
    assert payments == [2000000, 2000000, 2500000]
    assert texts[0] == (
        "Från och med den 1 oktober 2025 är Regionens bidrag 2 500 000 kronor årligen i stället "
        "för 2 000 000 kronor årligen."
    )
    assert "sammanlagt 6 500 000 kronor i stället för 6 000 000 kronor" in texts[1]
    texts, payments = changed({"typ": "upphorande", "sista_dag": "2025-09-30"}, "2025-06-01")
    assert payments == [2000000, 2000000]
    assert texts[0].startswith(
        "Avtalet upphör att gälla i förtid, med utgången av den 30 september 2025 i stället för "
        "den 30 september 2026."
    )
    assert (
        "X upphör i förtid med utgången av den 30 september 2025 i stället för den 30 "
        "september 2026"
    ) in texts[3]


def test_an_extension_after_a_shorter_last_avtalsar_says_what_amount_fits(
    tmp_path: Path, english: None
) -> None:
    """The stepped example's last avtalsår is five months (2026-08-01–2026-12-31): an
    extension lengthens it to a full year, so its amount a year can only be that avtalsår's
    (400 000 kronor in five months: 960 000 a year). Given another, it was refused at
    tillagg.typ as if a date inside an avtalsår had been given ("a new amount takes effect
    at the start of an avtalsår (2024-08-01, 2025-08-01, ...)"): the message says so, at
    belopp_per_ar, with the amount that fits, and that amount is taken."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    body = "    tillagg: {typ: forlangning, ny_slutdag: 2029-12-31, belopp_per_ar: %d}\n"
    found = problems(cases, body % 1000000, datum="2026-06-02", dnr="RUN-90004-2024")
    assert found == [
        "t.yaml:15: paragrafer[0].tillagg.belopp_per_ar: the agreement's last avtalsår 3 "
        "(2026-08-01–2026-12-31) is 5 months, and the extension goes on with it to a full "
        "year; an amount does not change inside an avtalsår, so the extension's amount of "
        "Region Norrbotten - ERP is that of avtalsår 3: give belopp_per_ar 960000"
    ]
    meeting(cases, body % 960000, datum="2026-06-02", dnr="RUN-90004-2024")
    change = load_meeting(cases / "sammantraden" / "t.yaml").histories["RUN-90004-2024"]
    rows = change.changes[0].andring.efter.finansiarer
    assert rows[0].belopp_per_avtalsar == [2000000, 1500000, 960000, 960000, 960000, 400000]


def test_a_change_of_a_co_financed_agreement_states_the_whole_financing_after_it() -> None:
    """The co-financed example: the agreement states each co-financier's share and the
    whole ("Den samlade finansieringen uppgår därmed till 5 400 000 kronor"). An early end
    shortens the co-financiers' shares too, and a new amount changes the whole: the
    tilläggsavtal said neither, leaving the agreement's figures standing."""
    from avtalsgen.documents.tillagg import change_of, change_text
    from avtalsgen.input.load import load_case
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "exempel-medfinansiering.yaml")

    def text(tillagg: dict[str, object]) -> list[str]:
        andring, found = apply_change(
            case.arende.finansiering,
            Tillagg.model_validate(tillagg),
            case.program.finansiering,
            beslutsdatum=dt.date(2025, 12, 1),
            max_ar=9,
            forlangning_tillaten=True,
        )
        assert andring is not None and not found, found
        return [fold(line) for line in change_text(change_of(andring, case.program))]

    ended = text({"typ": "upphorande", "sista_dag": "2026-06-30"})
    assert ended[3:] == [
        "Övriga finansiärers bidrag enligt avtalet avser tiden till och med den 30 juni 2026: "
        "Luleå kommun med sammanlagt 250 000 kronor, Piteå kommun med sammanlagt 250 000 kronor, "
        "EU-projektet Exempel Smart Arktis med sammanlagt 225 000 kronor och Smarta samhällen "
        "Norrbotten (egen insats) med sammanlagt 100 000 kronor.",
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "1 825 000 kronor i stället för 5 400 000 kronor.",
    ]
    changed = text({"typ": "nytt_belopp", "fran": "2026-07-01", "belopp_per_ar": 800000})
    assert changed[2:] == [
        "Den samlade finansieringen, medfinansieringen inräknad, uppgår därmed till "
        "5 000 000 kronor i stället för 5 400 000 kronor.",
        # The region budgets per calendar year: the time from 2026-07-01 crosses three.
        "Regionens bidrag från och med den 1 juli 2026 fördelas på budgetåren med 400 000 "
        "kronor för 2026, 800 000 kronor för 2027 och 400 000 kronor för 2028.",
    ]


def _seed_tillagg(sista_dag: str, arende: Arende | None = None, nummer: int = 1) -> Tillaggsavtal:
    """Tilläggsavtal nr ``nummer`` of the seed's agreement (RUN-00386-2023, dated
    2023-09-26, § 150) ended early on ``sista_dag`` by a decision of 2025-06-01, § 80;
    ``arende``: the case as granted, if not the seed's own."""
    from avtalsgen.documents.tillagg import build_tillagg_context
    from avtalsgen.input.load import load_case
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "RUN-00386-2023.yaml")
    andring, found = apply_change(
        case.arende.finansiering,
        Tillagg.model_validate({"typ": "upphorande", "sista_dag": sista_dag}),
        case.program.finansiering,
        beslutsdatum=dt.date(2025, 6, 1),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )
    assert andring is not None and not found, found
    return build_tillagg_context(
        case, arende or case.arende, andring, nummer, undertecknat=dt.date(2023, 9, 26),
        beslut=(dt.date(2023, 9, 26), 150), tillaggsbeslut=(dt.date(2025, 6, 1), 80),
    ).tillagg  # fmt: skip


def test_an_early_end_cites_the_agreement_s_clauses_and_says_what_becomes_of_the_evaluation() -> (
    None
):
    """The early end said "Aktörens åtaganden …, bland annat om uppföljning och slutrapport,
    avser tiden till och med 2025-09-30": the agreement has no final report (its clause
    Rapportering reports after every avtalsår), and its external evaluation, "senast
    2025-11-30", fell after the new end unmentioned. Now the commitments cite the
    agreement's clauses by number and heading, the evaluation is said to be made as the
    agreement says and to cover the time to the end, and running text writes its dates as
    running text does (ISO only in the tables)."""
    tillagg = _seed_tillagg("2025-09-30")
    (change,) = [p for p in tillagg.punkter if p.rubrik == "Ändring"]
    text = " ".join(span.text for block in change.text for span in block.spans)
    assert "slutrapport" not in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None, text
    assert (
        "Aktörens åtaganden enligt avtalet, däribland de enligt punkt 11 Rapportering och "
        "punkt 12 Uppföljning och utvärdering, avser tiden till och med den 30 september 2025."
    ) in text
    assert (
        "Den externa utvärderingen av finansieringen enligt punkt 12 görs som avtalet anger, "
        "senast den 30 november 2025, och avser tiden till och med den 30 september 2025. "
        "Aktören medverkar i den enligt samma punkt även efter att avtalet har upphört."
    ) in text
    assert "Utbetalningar för tiden efter den 30 september 2025 görs inte." in text
    # An end after the evaluation's day: nothing said of it.
    later = _seed_tillagg("2026-06-30")
    (change,) = [p for p in later.punkter if p.rubrik == "Ändring"]
    assert "externa utvärderingen" not in " ".join(
        span.text for block in change.text for span in block.spans
    )


def test_a_second_tillaggsavtal_changes_the_agreement_as_the_first_left_it() -> None:
    """Tilläggsavtal nr 2 named the agreement alone ("ändrar samarbetsavtal …, daterat …
    (nedan kallat avtalet)") while its amounts "i stället för" were those after nr 1, and
    "I övrigt gäller avtalet oförändrat" left nr 1 out: it names the agreement as nr 1 left
    it, nr 3 as nr 1 and 2 did."""

    def avtalet(nummer: int) -> str:
        punkt = _seed_tillagg("2025-09-30", nummer=nummer).punkter[1]
        assert punkt.rubrik == "Avtalet som ändras"
        return fold(" ".join(span.text for span in punkt.text[0].spans))

    assert "undertecknat den 26 september 2023 (nedan kallat avtalet)" in avtalet(1)
    assert (
        "undertecknat den 26 september 2023, i dess lydelse enligt tilläggsavtal nr 1 (nedan "
        "kallat avtalet)"
    ) in avtalet(2)
    assert "i dess lydelse enligt tilläggsavtal nr 1 och 2 (nedan kallat avtalet)" in avtalet(3)


def test_an_early_end_of_stepped_amounts_says_why_the_last_avtalsar_is_less() -> None:
    """The stepped example (2 000 000, 1 500 000, 400 000 kronor, avtalsår from August) ended
    on 2026-03-31: avtalsår 2 is then eight months and 1 000 000 kronor. The tilläggsavtal's
    table said so without a word, where the same end of an agreement with one amount a year
    says "Avtalsår 2 omfattar 8 månader och ger ett belopp i proportion till antalet
    månader"; the agreement's own table (its amounts as given) says nothing of the kind."""
    from avtalsgen.documents.tillagg import build_tillagg_context
    from avtalsgen.input.load import load_case
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
    andring, found = apply_change(
        case.arende.finansiering,
        Tillagg.model_validate({"typ": "upphorande", "sista_dag": "2026-03-31"}),
        case.program.finansiering,
        beslutsdatum=dt.date(2025, 12, 9),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )
    assert andring is not None and not found, found
    context = build_tillagg_context(
        case, case.arende, andring, 1, undertecknat=dt.date(2024, 6, 18),
        beslut=(dt.date(2024, 6, 18), 131), tillaggsbeslut=(dt.date(2025, 12, 9), 140),
    )  # fmt: skip
    money = context.tillagg.finansiering
    assert [(y.nummer, y.manader, y.belopp) for y in context.tillagg.avtalsar] == [
        (1, 12, 2_000_000),
        (2, 8, 1_000_000),
    ]
    assert money.noter[0] == (
        "Avtalsår 2 omfattar 8 månader och ger ett belopp i proportion till antalet månader."
    )


def test_a_change_before_a_shorter_last_avtalsar_rounds_its_share_down() -> None:
    """The stepped example (2024-08-01–2026-12-31, a last avtalsår of five months, paid
    quarterly): a new amount from avtalsår 2 gives the last avtalsår 5/12 of it, which is
    not whole kronor. It was refused as if the amount "would change inside an avtalsår";
    the share is rounded down, as that of ``belopp_per_ar`` in such a year, and so is a
    stepped amount cut short by an early end inside an avtalsår."""
    from avtalsgen.input.load import load_case
    from avtalsgen.model import Finansiering
    from avtalsgen.model.money import compute_financing
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
    program = case.program

    def changed(
        tillagg: dict[str, object], money: Finansiering = case.arende.finansiering
    ) -> tuple[list[int] | None, list[int]]:
        andring, found = apply_change(
            money,
            Tillagg.model_validate(tillagg),
            program.finansiering,
            beslutsdatum=dt.date(2025, 6, 1),
            max_ar=9,
            forlangning_tillaten=True,
            ar_per_period=3,
        )
        assert andring is not None and not found, found
        payments = compute_financing(andring.efter, program.finansiering).utbetalningar
        return andring.efter.finansiarer[0].belopp_per_avtalsar, [p.belopp for p in payments]

    per_year, payments = changed(
        {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_ar": 1000000}
    )
    assert per_year == [2000000, 1000000, 416666]  # 5/12 of 1 000 000, rounded down
    # What it replaces, for an amount that changed from year to year (it said nothing).
    from avtalsgen.documents.tillagg import change_of, change_text

    andring, _found = apply_change(
        case.arende.finansiering,
        Tillagg.model_validate(
            {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_ar": 1000000}
        ),
        program.finansiering,
        beslutsdatum=dt.date(2025, 6, 1),
        max_ar=9,
        forlangning_tillaten=True,
    )
    assert andring is not None
    assert fold(change_text(change_of(andring, program))[0]) == (
        "Från och med den 1 augusti 2025 är Regionens bidrag 1 000 000 kronor årligen, vilket "
        "för avtalsår 2 är 1 000 000 kronor i stället för 1 500 000 kronor och för avtalsår 3 "
        "(5 månader) är 416 666 kronor i stället för 400 000 kronor."
    )
    assert sum(payments) == 3416666
    assert payments[:4] == [333333, 500000, 500000, 500000]  # paid before: as they were
    # an early end two months into avtalsår 2 (1 500 001 a year: 250 000,17 a month)
    money = case.arende.finansiering.model_dump(exclude_none=True)
    money["finansiarer"][0]["belopp_per_avtalsar"] = [2000000, 1500001, 400000]
    per_year, payments = changed(
        {"typ": "upphorande", "sista_dag": "2025-09-30"}, Finansiering.model_validate(money)
    )
    assert per_year == [2000000, 250000]
    assert sum(payments) == 2250000


def test_the_tillaggsavtal_and_its_packet_are_tagged_pdfa(
    amended: tuple[Path, dict[str, str]],
) -> None:
    import pikepdf

    from avtalsgen.pdf.pdfa import check_pdfa_structure
    from avtalsgen.pdf.tags import structure_problems

    folder = amended[0] / "output" / DNR
    for name in ("tillaggsavtal-v2.pdf", "paket-v2.pdf"):
        with pikepdf.open(folder / name) as pdf:
            assert structure_problems(pdf, "sv-SE") == [], name
        assert "Tagged:          yes" in run("pdfinfo", str(folder / name))
        assert check_pdfa_structure(folder / name, "sv-SE") == [], name
    with pikepdf.open(folder / "paket-v2.pdf") as pdf:
        fields = [str(f.T) for f in pdf.Root.AcroForm.Fields]
        assert fields == ["region", "aktor"]


def test_the_case_page_names_the_change(bare: Path) -> None:
    """The web app's case page (as avtalsgen status) names a tillägg by what it changes."""
    from avtalsgen.web.config import WebConfig
    from avtalsgen.web.status import case_standing

    shutil.copy(
        REPO / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml",
        bare / "sammantraden" / "exempel-run-2026-06-16.yaml",
    )
    root = bare.parent
    config = WebConfig(cases=bare, output=root / "output", data=root, templates=TEMPLATES)
    i18n.set_language("sv")
    standing = case_standing(config, bare / CASE)
    rows = standing["beslut"]
    assert isinstance(rows, list)
    assert [row["utfall"] for row in rows] == ["bifall", "ändring av avtalet: förlängning"]
    assert "tilläggsavtal nr 1 beslutat" in str(standing["lage"])


def test_the_excess_after_an_early_end_is_paid_back_by_the_tillaggsavtal_s_own_term() -> None:
    """An early end in the middle of a paid avtalsår: what was paid for the time after it
    goes back, by the tilläggsavtal's own term. The agreement's clause 'Återbetalning' (its
    13th here) covers money used against the agreement or left unused at its end, not money
    paid ahead for time no longer paid for: the sentence does not cite it, with the clause
    or without it."""
    from avtalsgen.documents.tillagg import OVERPAID
    from avtalsgen.input.load import load_case

    def plan_text(arende: Arende | None = None) -> str:
        punkt = _seed_tillagg("2026-03-31", arende).punkter[3]
        assert punkt.rubrik == "Belopp per avtalsår och utbetalningsplan"
        return " ".join(fold(span.text) for block in punkt.text for span in block.spans)

    with_clause = plan_text()
    assert (
        "Har Regionen för samma tid redan betalat ut mer enligt avtalet än utbetalningsplanen "
        "anger, betalar Aktören tillbaka det som har betalats ut för mycket."
    ) in with_clause
    assert "punkt 13" not in with_clause and "(Återbetalning)" not in with_clause
    seed = load_case(REPO / "cases" / "RUN-00386-2023.yaml").arende
    choices = seed.avtal.klausuler.model_copy(update={"utelamna": ["aterbetalning"]})
    avtal = seed.avtal.model_copy(update={"klausuler": choices})
    without = plan_text(seed.model_copy(update={"avtal": avtal}))
    assert OVERPAID in with_clause and OVERPAID in without


def test_no_tillaggsavtal_on_a_signed_agreement_whose_facts_were_edited(
    tmp_path: Path, signed: Path, english: None
) -> None:
    """The agreement signed by both parties, then the case's amount from regionala
    utvecklingsmedel edited under the same § (500 000 -> 400 000): the signed agreement
    no longer states the case's facts. Tilläggsavtal nr 1 is not made on it (it would name
    as signed an agreement with other amounts than those it changes): the build makes the
    agreement as the case states it in the next version and says why; status says it too.
    Put back as signed, the tilläggsavtal is made."""
    root = tmp_path / "edited"
    shutil.copytree(signed, root)
    folder = root / "output" / DNR
    case = root / "cases" / CASE
    before = {p.name: sha(p) for p in folder.iterdir() if p.suffix == ".pdf"}
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("belopp_per_ar: 500000", "belopp_per_ar: 400000", 1), "utf-8")
    said = fold(build(root))
    packet = folder / "paket.pdf"
    assert (
        "warning: tilläggsavtal nr 1 (§ 102 of the meeting of 2026-06-16) is not made: the "
        f"agreement it changes is signed in {packet}, which is superseded; it is made once "
        "the agreement as the case states it now is signed by every party, or once the case "
        f"is put back as {packet} states it. {packet} is superseded: the case's fact "
        "'finansiering.finansiarer[1].belopp_per_ar' changed since it was built, so what it "
        "states is not the case's now"
    ) in said, said
    assert said.endswith("states is not the case's now"), "what to do is said before it"
    assert not list(folder.glob("tillaggsavtal*"))
    assert "400 000 kronor" in fold(pdftotext(folder / "samarbetsavtal-v2.pdf"))
    assert {name: sha(folder / name) for name in before} == before, "signed files as they were"
    status = json.loads(cli("status", str(case), "--output", str(root / "output"), "--json"))
    lines = status[0]["saknas"]  # the packet as status names it too: under --output
    assert (
        "tilläggsavtal nr 1 (§ 102 of the meeting of 2026-06-16) is not made: the agreement "
        f"it changes is signed in {packet}, which is superseded; it is made once the "
        "agreement as the case states it now is signed by every party, or once the case is "
        f"put back as {packet} states it"
    ) in lines, lines
    assert any(line.startswith(f"{packet} is superseded: the case's fact") for line in lines)
    # Put back as signed: the tilläggsavtal is made on it (the unsigned paket-v2.pdf anew).
    case.write_text(text, "utf-8")
    said = fold(build(root))
    assert "is not made" not in said
    assert "Tilläggsavtal nr 1" in fold(pdftotext(folder / "paket-v2.pdf"))
    assert not (folder / "samarbetsavtal-v2.pdf").exists()
    assert {name: sha(folder / name) for name in before} == before


@pytest.mark.parametrize("edited", [False, True], ids=["same inputs", "a comment added"])
def test_a_change_refused_on_facts_recorded_otherwise_is_made_in_one_build(
    tmp_path: Path, signed: Path, english: None, edited: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The agreement signed by both parties, its manifest entry recording one fact's digest
    otherwise than the case's now (as an avtalsgen that digested it otherwise, or a field
    it did not know, recorded it), the documents the same. The build refused tilläggsavtal
    nr 1 on the packet, called superseded, then found the packet the same as it would make
    it and recorded its facts: with the same inputs it said "up to date" at every build and
    never made the change; with a comment added, only the second build made it. One
    build makes it, in paket-v2.pdf; the signed packet stays as it was. Planned again, the
    case and its meetings are not read anew (the build loaded the case twice)."""
    import avtalsgen.build.casework as casework

    root = tmp_path / "edited"
    shutil.copytree(signed, root)
    folder = root / "output" / DNR
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in [*data["packets"], data["packet"]]:
        entry["fakta"]["aktor.kortnamn"] = "0" * 16
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if edited:
        case = root / "cases" / CASE
        case.write_text(case.read_text(encoding="utf-8") + "# läst igen\n", "utf-8")
    signed_packet = sha(folder / "paket.pdf")
    from avtalsgen.input.load import LoadedCase, load_case

    loaded: list[Path] = []

    def counted(path: Path) -> LoadedCase:
        loaded.append(path)
        return load_case(path)

    with monkeypatch.context() as patch:
        patch.setattr(casework, "load_case", counted)
        said = fold(build(root))
    assert "is not made" not in said, said
    assert len(loaded) == 1, loaded
    assert "Tilläggsavtal nr 1" in fold(pdftotext(folder / "paket-v2.pdf"))
    assert sha(folder / "paket.pdf") == signed_packet
    assert f"up to date  {DNR}" in build(root)


def test_a_signed_tillaggsavtal_whose_change_was_edited_is_superseded(
    tmp_path: Path, amended: tuple[Path, dict[str, str]], english: None
) -> None:
    """Tilläggsavtal nr 1 signed by both parties, then its decision in the meeting file
    edited under the same § (the extension's amount from ERP given: 800 000 kronor a year):
    the signed tilläggsavtal states another change than the decision's. status and verify
    say it is superseded, naming tillagg.belopp_per_ar; the build makes tilläggsavtal nr 1
    anew in the next version, the signed one stays."""
    root = tmp_path / "amended"
    shutil.copytree(amended[0], root)
    output = root / "output"
    folder = output / DNR
    signed = folder / "paket-v2.pdf"
    for field in ("region", "aktor"):
        cli("sign", str(signed), "--field", field, "--ofullstandig")
    before = sha(signed)
    meeting = root / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml"
    text = meeting.read_text(encoding="utf-8")
    edited = re.sub(
        r"( +)ny_slutdag: 2029-12-31.*",
        r"\1ny_slutdag: 2029-12-31\n\1belopp_per_ar: 800000\n\1finansiar: Region Norrbotten - ERP",
        text,
    )
    meeting.write_text(edited, "utf-8")
    case = root / "cases" / CASE
    status = json.loads(cli("status", str(case), "--output", str(output), "--json"))
    lines = [line for line in status[0]["saknas"] if "superseded" in line]
    assert len(lines) == 1 and lines[0].startswith(
        f"{output}/{DNR}/paket-v2.pdf is superseded: the case's facts "
    ), status[0]["saknas"]
    assert "'tillagg.belopp_per_ar'" in lines[0]
    assert lines[0].endswith(
        "so what it states is not the case's now; a new packet is needed: build the case "
        "again and have the new packet signed (the signed file stays as it is)"
    )
    result = CliRunner().invoke(app, ["verify", str(signed)])
    assert result.exit_code == 1 and "'tillagg.belopp_per_ar'" in fold(result.output)
    build(root)
    assert "800 000 kronor" in fold(pdftotext(folder / "tillaggsavtal-v3.pdf"))
    assert sha(signed) == before
    status = json.loads(cli("status", str(case), "--output", str(output), "--json"))
    assert (
        f"a new packet is needed: {output}/{DNR}/paket-v3.pdf, made from the case as it is now, "
        "is the "
        "one to sign"
    ) in " ".join(status[0]["saknas"])


def test_a_second_tillaggsavtal_is_not_made_on_a_superseded_agreement(
    monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    """Tilläggsavtal nr 2 names the agreement as signed: with nr 1's packet standing and
    the agreement's superseded, nr 2 waits for the agreement as the case states it now,
    and the refusal names the agreement's packet. Each packet is checked once."""
    from types import SimpleNamespace

    from avtalsgen.build import superseded as superseded_module
    from avtalsgen.build import tillagg
    from avtalsgen.build.superseded import Superseded

    checked: list[str] = []

    def stale(entries: object, name: str, decision: object, *, facts: object) -> Superseded | None:
        checked.append(name)
        return Superseded(name, None, None, None, ("syfte",)) if name == "paket.pdf" else None

    files = {0: "paket.pdf", 1: "paket-v2.pdf"}
    monkeypatch.setattr(tillagg, "superseded", stale)
    monkeypatch.setattr(tillagg, "packet_entries", lambda manifest: [])
    monkeypatch.setattr(
        superseded_module.CaseNow, "of", lambda *args: SimpleNamespace(decision=None, facts=None)
    )
    monkeypatch.setattr(
        tillagg, "signed_packet",
        lambda packets, n: tillagg.SignedPacket(Path(files[n]), None) if n in files else None,
    )  # fmt: skip
    first, second = (
        SimpleNamespace(nummer=n, decision=SimpleNamespace(label=f"§ {n}")) for n in (1, 2)
    )
    history = SimpleNamespace(changes=(first, second), pending=(), documents=("samarbetsavtal",))
    packets = SimpleNamespace(manifest={}, folder=SimpleNamespace(path=Path("output") / DNR))
    planned = tillagg.plan(history, packets)  # type: ignore[arg-type]
    assert planned.change is None and planned.waiting is second  # type: ignore[comparison-overlap]
    assert planned.documents == ("samarbetsavtal",) and planned.awaited == 0
    assert planned.refused is not None and planned.refused.file == "paket.pdf"
    assert sorted(checked) == ["paket-v2.pdf", "paket.pdf"], "each packet checked once"
    refusal = planned.refusal(reason=False)
    assert refusal is not None and refusal.startswith(
        "tilläggsavtal nr 2 (§ 2) is not made: the agreement it changes is signed in paket.pdf, "
        "which is superseded"
    )


def test_a_new_amount_over_a_short_last_avtalsar_is_stated_in_like_terms() -> None:
    """qa16: a new amount of 800 000 kronor a year from the last avtalsår, which is short
    (the stepped example's: five months, 400 000 kronor), read '800 000 kronor årligen … i
    stället för 400 000 kronor avtalsår 3', a yearly rate against one short year's amount: a
    raise to the reader, where the year's amount falls to 333 333 kronor. The tilläggsavtal
    and the decision's points give the year's amount after and before the change, and the
    fact check requires it so."""
    from avtalsgen.build.stages import _new_amount
    from avtalsgen.documents.factcheck import FactError, PdfText, Stage, check_facts
    from avtalsgen.documents.tillagg import change_of, change_text, decision_points
    from avtalsgen.input.load import load_case
    from avtalsgen.model.money import compute_financing
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
    program = case.program
    andring, found = apply_change(
        case.arende.finansiering,
        Tillagg.model_validate(
            {"typ": "nytt_belopp", "fran": "2026-08-01", "belopp_per_ar": 800000}
        ),
        program.finansiering,
        beslutsdatum=dt.date(2026, 6, 1),
        max_ar=9,
        forlangning_tillaten=True,
        ar_per_period=3,
    )
    assert andring is not None and not found, found
    said = (
        "800 000 kronor årligen, vilket för avtalsår 3 (5 månader) är 333 333 kronor i "
        "stället för 400 000 kronor"
    )
    text = fold(change_text(change_of(andring, program))[0])
    assert text == f"Från och med den 1 augusti 2026 är Regionens bidrag {said}."
    points = decision_points("Nämnden", "X", andring, 1, program)
    assert f"från och med den 1 augusti 2026 ska vara {said}." in fold(points[0])
    before = compute_financing(andring.fore, program.finansiering)
    stage = Stage(
        case.arende.model_copy(update={"finansiering": andring.efter}),
        (),
        extra_facts=_new_amount(andring, program),
        extra_amounts=frozenset({*before.amounts(), 800000}),
    )

    def check(stated: str) -> None:
        read = PdfText(Path("tillaggsavtal.pdf"), (stated,))  # its text, not its blocks
        check_facts(case.arende, program, {"text": read}, {"text": stage})

    check(text)
    with pytest.raises(FactError, match="ändringens belopp: the document does not state"):
        check(
            "Från och med den 1 augusti 2026 är Regionens bidrag 800 000 kronor årligen i "
            "stället för 400 000 kronor avtalsår 3."
        )


def test_each_avtalsar_of_a_new_amount_says_are_before_its_amount() -> None:
    """The second and later avtalsår of a new amount dropped 'är': '…och för avtalsår 3
    800 000 kronor i stället för 400 000 kronor' reads as 3 800 000 kronor. Each avtalsår
    says 'är' before its amount: two avtalsår of 12 months and a short last one (5 months)."""
    from avtalsgen.documents.tillagg import change_of, change_text, decision_points
    from avtalsgen.input.load import load_case
    from avtalsgen.model import Finansiering
    from avtalsgen.model.tillagg import Tillagg, apply_change

    case = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
    program = case.program
    money = case.arende.finansiering.model_dump(exclude_none=True)
    money["period"]["slut"] = dt.date(2027, 12, 31)
    money["finansiarer"][0]["belopp_per_avtalsar"] = [2000000, 1500000, 400000, 300000]
    andring, found = apply_change(
        Finansiering.model_validate(money),
        Tillagg.model_validate(
            {"typ": "nytt_belopp", "fran": "2025-08-01", "belopp_per_ar": 800000}
        ),
        program.finansiering,
        beslutsdatum=dt.date(2025, 6, 1),
        max_ar=9,
        forlangning_tillaten=True,
    )
    assert andring is not None and not found, found
    said = (
        "800 000 kronor årligen, vilket för avtalsår 2 är 800 000 kronor i stället för "
        "1 500 000 kronor, för avtalsår 3 är 800 000 kronor i stället för 400 000 kronor och "
        "för avtalsår 4 (5 månader) är 333 333 kronor i stället för 300 000 kronor"
    )
    text = fold(change_text(change_of(andring, program))[0])
    assert text == f"Från och med den 1 augusti 2025 är Regionens bidrag {said}."
    points = fold(decision_points("Nämnden", "X", andring, 1, program)[0])
    assert f"från och med den 1 augusti 2025 ska vara {said}." in points
    for stated in (text, points):  # no avtalsår's number right before an amount
        assert not re.search(r"avtalsår \d+ \d", stated), stated
