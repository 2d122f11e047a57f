"""The extract's certification block (Utdragsbestyrkande) stays whole on its last page,
wherever the page breaks: an extract of § 88 whose lead (the committee's own words) ends
page 1 just above it was refused (exit 1: "found the certification block ... 0 times on the
last page"), since LibreOffice broke the block between its first line and "Bestyrks av",
leaving the signature field nowhere to go. The block is one paragraph kept together; read
back with pdftotext, page by page, and its field's page with pikepdf."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, edit, fold, run, run_cli

pytestmark = pytest.mark.libreoffice

BLOCK = (
    "Utdragsbestyrkande Utdraget överensstämmer med protokollet. Bestyrks av: Lena "
    "Exempelsson, sekreterare Datum: enligt den elektroniska underskriften"
)


def test_the_certification_block_is_not_split_by_a_page_break(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    source = (cases / "exempel-medfinansiering.yaml").read_text(encoding="utf-8")
    financing = source[source.index("finansiering:\n  period:") : source.index("  totalt:")]
    meeting = cases / "sammantraden" / "exempel-run-2025-06-10.yaml"
    meeting.write_text(
        edit(
            meeting.read_text(encoding="utf-8"),
            (
                "    dnr: RUN-90003-2025\n    beslut: enligt förslaget\n",
                "    dnr: RUN-90003-2025\n    utfall: bifall_med_andring\n    andring: regionens "
                "finansiering även lämnas under förutsättning att Luleå kommun har beslutat om "
                "sin medfinansiering senast 2026-06-30\n"
                + "".join(f"    {line}\n" for line in financing.splitlines()),
            ),
        ),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    made = run_cli(
        "utdrag", str(meeting), "--output", str(output), "--templates", str(REPO / "templates")
    )
    assert made.returncode == 0, made.stderr
    pdf = output / "RUN-90003-2025" / "protokollsutdrag-88.pdf"
    with pikepdf.open(pdf) as document:
        pages = len(document.pages)
        (field,) = [f for f in document.Root.AcroForm.Fields if f.T == "utdragsbestyrkande"]
        places: list[tuple[int, int]] = [page.obj.objgen for page in document.pages]
        field_page = places.index(field.P.objgen) + 1
    assert pages == 2  # the lead ends page 1 where the block would have begun
    last = fold(run("pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"))
    assert BLOCK in last
    first = fold(run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-"))
    assert "Bestyrks av" not in first and "Utdraget överensstämmer" not in first
    assert field_page == pages
