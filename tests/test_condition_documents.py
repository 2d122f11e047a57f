"""What the documents state of a condition the committee adds only through the decided
financing, and of the program's own grant, read back from real builds (LibreOffice,
pdftotext, pikepdf): the extract's "Beslutet har därmed följande lydelse" carries the
condition in the point on the co-financing, as the agreement states it; the documents'
keywords and the packet's subject name the program's grant in the indefinite form made
from its ``finansiering.benamning`` (here verksamhetsbidraget: verksamhetsbidrag), not
"basfinansiering"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, edit, fold, run_cli
from pdftext import pdftotext
from test_condition_rules import CASE, LULEA, LULEA_VILLKOR
from test_decided_conditions import CONDITION

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]

DNR = "RUN-90003-2025"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """§ 88 grants RUN-90003-2025 with its points as proposed and a decided financing that
    gives Luleå kommun's share a condition; the program names its grant
    verksamhetsbidraget. The extract of § 88, then the case's documents and packet."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("conditions")
    cases = root / "cases"
    shutil.copytree(REPO / "cases", cases)
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    program.write_text(
        edit(
            program.read_text(encoding="utf-8"),
            ("  benamning: basfinansieringen\n", "  benamning: verksamhetsbidraget\n"),
        ),
        encoding="utf-8",
    )
    source = (cases / CASE).read_text(encoding="utf-8")
    financing = source[source.index("finansiering:\n  period:") : source.index("  totalt:")]
    financing = edit(financing, (LULEA, LULEA_VILLKOR))
    meeting = cases / "sammantraden" / "exempel-run-2025-06-10.yaml"
    meeting.write_text(
        edit(
            meeting.read_text(encoding="utf-8"),
            (
                f"    dnr: {DNR}\n    beslut: enligt förslaget\n",
                f"    dnr: {DNR}\n" + "".join(f"    {line}\n" for line in financing.splitlines()),
            ),
        ),
        encoding="utf-8",
    )
    output = root / "output"
    templates = str(REPO / "templates")
    made = run_cli("utdrag", str(meeting), "--output", str(output), "--templates", templates)
    assert made.returncode == 0, made.stderr
    assert "Protocol extracts: " in made.stdout, made.stdout  # in English, as asked
    built = run_cli("build", str(cases / CASE), "--output", str(output), "--templates", templates)
    assert built.returncode == 0, built.stderr
    return output / DNR


def test_the_lydelse_carries_a_condition_given_only_through_the_financing(built: Path) -> None:
    extract = fold(pdftotext(built / "protokollsutdrag-88.pdf"))
    assert (
        "Regionala utvecklingsnämnden beslutar enligt förslaget med den ändringen att "
        f"regionens finansiering även lämnas under förutsättning att {CONDITION}. Beslutet har "
        "därmed följande lydelse:"
    ) in extract
    lydelse = extract[extract.index("följande lydelse:") : extract.index("Protokollsutdrag")]
    # Point 4, on the co-financing, completed with the condition, as decided; point 5 after.
    assert (
        "4. Beslutet gäller under förutsättning av medfinansiering från Luleå kommun med "
        "250 000 kronor årligen, Piteå kommun med 250 000 kronor årligen"
    ) in lydelse
    assert (
        f"Smarta samhällen Norrbotten (egen insats) med 100 000 kronor årligen och att "
        f"{CONDITION}. 5. Regionala utvecklingsdirektören ges i uppdrag"
    ) in lydelse
    assert lydelse.count(CONDITION) == 1
    # The agreement states it as the decision does; the beslutsförslag (the proposal) not.
    agreement = fold(pdftotext(built / "samarbetsavtal.pdf"))
    assert f"Regionens finansiering lämnas även under förutsättning att {CONDITION}." in agreement
    assert "2026-06-30" not in fold(pdftotext(built / "beslutsforslag.pdf"))


def test_the_packet_names_the_programs_own_grant(built: Path) -> None:
    with pikepdf.open(built / "paket.pdf") as pdf:
        info = pdf.docinfo
        keywords = str(info["/Keywords"]).split(", ")
        subject = str(info["/Subject"])
        xmp = pdf.open_metadata()
        xmp_keywords, xmp_subject = xmp["pdf:Keywords"], xmp["dc:subject"]
    assert keywords[:2] == [DNR, "verksamhetsbidrag"]
    assert "basfinansiering" not in keywords
    assert subject.startswith("Verksamhetsbidrag inom Norrbottens ekosystem: beslutsförslag, ")
    assert "asfinansiering" not in subject
    assert xmp_keywords == str(info["/Keywords"])
    assert "verksamhetsbidrag" in xmp_subject and "basfinansiering" not in xmp_subject
    # Each document's keywords too.
    for document in ("beslutsforslag", "samarbetsavtal"):
        with pikepdf.open(built / f"{document}.pdf") as pdf:
            named = str(pdf.docinfo["/Keywords"]).split(", ")
        assert named[:2] == [DNR, "verksamhetsbidrag"], document
