"""A decided case's file deleted after its packet was built (and signed): its paragraph in
the minutes, which cannot be edited, stopped ``build`` and ``status`` of every case
("ingen ärendefil i cases har diarienummer RUN-90001-2023", exit 1; found by qa17). Where
the Dnr's output folder holds what was built for it, both warn once and go on; where
nothing was built for the Dnr the paragraph stays an error (test_stray_paragraph)."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, needs_soffice, run_cli
from pdftext import pdftotext

TEMPLATES = str(REPO / "templates")


def _pdf(path: Path, *, signed: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path)
    if signed:  # what is_signed looks for
        path.write_bytes(path.read_bytes() + b"\n/ByteRange [0 10 20 30]\n")


def _seed_only(cases: Path) -> None:
    """The seed and the meeting of 2023-12-05, whose § 212 decides RUN-90001-2023: that
    case's file deleted (and every other case and meeting)."""
    for path in cases.glob("*.yaml"):
        if path.name != "RUN-00386-2023.yaml":
            path.unlink()
    for path in (cases / "sammantraden").glob("*.yaml"):
        if path.name != "exempel-run-2023-12-05.yaml":
            path.unlink()


def test_status_warns_of_a_case_file_gone_and_shows_the_others(cases: Path, tmp_path: Path) -> None:
    _seed_only(cases)
    output = tmp_path / "output"
    _pdf(output / "RUN-90001-2023" / "paket.pdf", signed=True)
    _pdf(output / "RUN-90005-2024" / "beslutsforslag.pdf")  # an undecided case's draft
    result = run_cli(
        "status", str(cases), "--output", str(output), "--templates", TEMPLATES, lang="sv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"varning: ärendefilen för RUN-90001-2023 saknas i {cases}; dess paket finns kvar i "
        f"{output}/RUN-90001-2023/ (lägg tillbaka ärendefilen för att bygga ärendet eller se "
        "dess status)",
        f"varning: ärendefilen för RUN-90005-2024 saknas i {cases}; dess handlingar finns kvar "
        f"i {output}/RUN-90005-2024/ (lägg tillbaka ärendefilen för att bygga ärendet eller se "
        "dess status)",
    ]
    assert result.stdout.startswith("RUN-00386-2023  Swedish Lapland Visitors Board\n")
    english = run_cli("status", str(cases), "--output", str(output), "--templates", TEMPLATES)
    assert english.returncode == 0
    assert english.stderr.splitlines()[0] == (
        f"warning: the case file of RUN-90001-2023 is missing from {cases}; its packets are "
        f"kept in {output}/RUN-90001-2023/ (put the case file back to build the case or see "
        "its status)"
    )
    # An empty folder of the Dnr is nothing built: the paragraph is an error, as before.
    for path in (output / "RUN-90001-2023").iterdir():
        path.unlink()
    result = run_cli(
        "status", str(cases), "--output", str(output), "--templates", TEMPLATES, lang="sv"
    )
    assert result.returncode == 1
    assert "paragrafer[1].dnr: ingen ärendefil i" in result.stderr


@needs_soffice
@pytest.mark.libreoffice
def test_build_of_the_folder_warns_and_builds_the_others(cases: Path, tmp_path: Path) -> None:
    _seed_only(cases)
    output = tmp_path / "output"
    packet = output / "RUN-90001-2023" / "paket.pdf"
    _pdf(packet, signed=True)
    kept = packet.read_bytes()
    result = run_cli(
        "build", str(cases), "--output", str(output), "--templates", TEMPLATES, lang="sv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "varning: ärendefilen för RUN-90001-2023 saknas i"
    )
    assert "RUN-90001-2023" not in result.stdout
    assert "skapade: 1, oförändrade: 0, inget att skapa: 0, misslyckade: 0" in result.stdout
    assert "RUN-00386-2023" in pdftotext(output / "RUN-00386-2023" / "paket.pdf")
    assert packet.read_bytes() == kept


def test_check_warns_of_a_case_file_gone_and_checks_the_others(cases: Path, tmp_path: Path) -> None:
    """check stopped on the paragraph ("ingen ärendefil i … har diarienummer RUN-90001-2023",
    exit 1) where build and status warn and go on (found by fix17b)."""
    _seed_only(cases)
    output = tmp_path / "output"
    _pdf(output / "RUN-90001-2023" / "paket.pdf", signed=True)
    result = run_cli("check", str(cases), "--output", str(output), lang="sv")
    assert result.returncode == 0, result.stderr
    # (The seed's own signatory left unknown is warned of too: test_signatory_names.)
    assert [line for line in result.stderr.splitlines() if "avtal.undertecknare" not in line] == [
        f"varning: ärendefilen för RUN-90001-2023 saknas i {cases}; dess paket finns kvar i "
        f"{output}/RUN-90001-2023/ (lägg tillbaka ärendefilen för att bygga ärendet eller se "
        "dess status)",
    ]
    assert f"ok  {cases}/RUN-00386-2023.yaml  RUN-00386-2023" in result.stdout
    assert "exempel-run-2023-12-05.yaml  sammanträdesfil" in result.stdout
    # Nothing built for the Dnr: the paragraph is an error, as before.
    (output / "RUN-90001-2023" / "paket.pdf").unlink()
    result = run_cli("check", str(cases), "--output", str(output), lang="sv")
    assert result.returncode == 1
    assert "paragrafer[1].dnr: ingen ärendefil i" in result.stderr
