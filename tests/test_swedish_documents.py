"""Swedish conventions in what avtalsgen writes: a Dnr or a date that never breaks at its
hyphens,
lengths of time in whole years or months, and starts in winter named by their month."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import docx_with_pages, fold
from docx import Document
from pdftext import pdftotext

from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.documents.dnr import keep_dnr_together
from avtalsgen.documents.factcheck import read_pdf
from avtalsgen.documents.render import docx_bytes

DNR = "RUN-00386-2023"


def _texts(docx: Path, member: str) -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read(member).decode("utf-8")


@pytest.mark.parametrize("document", ["beslutsforslag", "samarbetsavtal"])
def test_every_dnr_in_a_document_has_non_breaking_hyphens(built: Path, document: str) -> None:
    docx = built / "RUN-00386-2023" / f"{document}.docx"
    for member in ("word/document.xml", "word/header1.xml"):
        xml = _texts(docx, member)
        assert "RUN</w:t><w:noBreakHyphen/>" in xml, member
        assert DNR not in xml, f"{member} still holds a Dnr with breakable hyphens"
    # and the PDF still reads the Dnr, for people and for the fact check
    pdf = built / "RUN-00386-2023" / f"{document}.pdf"
    assert DNR in pdftotext(pdf)
    assert DNR in read_pdf(pdf).text.replace("\u2011", "-")


@pytest.mark.libreoffice
def test_a_dnr_at_the_end_of_a_line_stays_whole_in_the_pdf(tmp_path: Path) -> None:
    """Forty lines put the Dnr at every place of a line. Word breaks a line after any
    hyphen (hence the non-breaking ones, for the office that edits the Word files);
    LibreOffice, following Unicode's line breaking, does not break before a digit anyway.
    Here: LibreOffice reads Word's non-breaking hyphen, and every Dnr comes out whole and
    readable (as a hyphen) in the PDF."""
    lines = [f"{'ab ' * n}Dnr {DNR} och mer text efter det." for n in range(1, 41)]
    plain = docx_with_pages(tmp_path / "plain.docx", ["\n".join(lines)], "Dnr")
    kept = tmp_path / "kept.docx"
    document = Document(str(plain))
    keep_dnr_together(document)
    kept.write_bytes(docx_bytes(document))
    assert _texts(kept, "word/document.xml").count("<w:noBreakHyphen/>") == 80
    [pdf] = LibreOfficeConverter().convert([kept], tmp_path / "pdf")
    shown = [line.strip() for line in pdftotext(pdf).splitlines()]
    assert not [line for line in shown if line.endswith(("RUN-", "-00386-", "RUN\u2011"))]
    assert sum(line.count(DNR) for line in shown) == 40
    assert read_pdf(pdf).text.replace("\u2011", "-").count(DNR) == 40


@pytest.mark.libreoffice
def test_a_date_at_the_end_of_a_line_stays_whole_in_the_pdf(tmp_path: Path) -> None:
    """A period written as two ISO dates, at every place of a line. LibreOffice breaks a date
    at its hyphens where the period does not fit ("... under perioden 2025-09-" and then
    "01–2027-08-31.", found in an extract's decision point): written with Word's
    non-breaking hyphens, each date stays on one line, and reads as itself in the PDF."""
    sentence = (
        "beviljar Vätgasnod Norr basfinansiering med 750\u00a0000\u00a0kronor årligen, "
        "sammanlagt 1\u00a0500\u00a0000\u00a0kronor, ur ERP under perioden "
        "2025-09-01–2027-08-31."
    )
    lines = [f"{'ab ' * n}{sentence}" for n in range(1, 41)]
    plain = docx_with_pages(tmp_path / "plain.docx", ["\n".join(lines)], "Datum")
    kept = tmp_path / "kept.docx"
    document = Document(str(plain))
    keep_dnr_together(document)
    kept.write_bytes(docx_bytes(document))
    assert _texts(kept, "word/document.xml").count("<w:noBreakHyphen/>") == 160
    converter = LibreOfficeConverter()
    broken = re.compile(r"(?:^|\s)\d{4}-(?:\d{2}-?)?$|^\d{2}(?:-\d{2})?[–.]")

    def split_dates(pdf: Path) -> list[str]:
        shown = [line.strip() for line in pdftotext(pdf, "-layout").splitlines()]
        return [line for line in shown if broken.search(line)]

    [before] = converter.convert([plain], tmp_path / "plain")
    assert split_dates(before)  # LibreOffice does break them: the test can tell
    [pdf] = converter.convert([kept], tmp_path / "kept")
    assert split_dates(pdf) == []
    # A line may end after the en dash, between the dates.
    for text in (pdftotext(pdf), read_pdf(pdf).text):
        assert re.sub(r"–\s+", "–", text).count("2025-09-01–2027-08-31") == 40


def test_a_broken_period_is_given_in_months_not_years(built: Path) -> None:
    # exempel-kreativa-norrbotten: 2025-01-01 to 2027-06-30, 30 months
    text = fold(pdftotext(built / "RUN-90002-2024" / "samarbetsavtal.pdf"))
    assert "sammanlagt 30 månader" in text
    assert "2,5 år" not in text
    seed = fold(pdftotext(built / "RUN-00386-2023" / "samarbetsavtal.pdf"))
    assert "sammanlagt 3 år" in seed


def test_a_start_in_winter_is_named_by_its_month(built: Path) -> None:
    # exempel-arktiska-testbaddar starts 2024-01-01: not "vintern 2024"
    text = fold(pdftotext(built / "RUN-90001-2023" / "beslutsforslag.pdf"))
    assert "med början i januari 2024" in text
    assert "vintern" not in text
    seed = fold(pdftotext(built / "RUN-00386-2023" / "beslutsforslag.pdf"))
    assert "med början hösten 2023" in seed


def test_the_sentence_on_a_shorter_last_avtalsar_only_where_one_is_shorter(built: Path) -> None:
    def agreement(dnr: str) -> str:
        return fold(pdftotext(built / dnr / "samarbetsavtal.pdf"))

    # 2025-01-01 to 2027-06-30: the third avtalsår has 6 months
    assert "Avtalsår 3 omfattar 6 månader och ger ett belopp i proportion" in agreement(
        "RUN-90002-2024"
    )
    for dnr in ("RUN-00386-2023", "RUN-90001-2023"):  # whole years
        assert "i proportion till antalet månader" not in agreement(dnr)


@pytest.mark.libreoffice
def test_a_financier_with_a_spaced_hyphen_stays_on_one_line(tmp_path: Path) -> None:
    """The seed's financier "Region Norrbotten - ERP" at every place of a line: it broke as
    "… Region Norrbotten -" / "ERP …". Printed through keep_together (no-break spaces) and
    keep_dnr_together (a non-breaking hyphen), it stays whole, reads as the seed spells it
    in pdftotext, and the fact check's reading finds every one."""
    from avtalsgen.documents.format import keep_together

    name = "Region Norrbotten - ERP"
    lines = [keep_together(f"{'ab ' * n}medel från {name} och mer text.") for n in range(1, 41)]
    assert all("Norrbotten\u00a0-\u00a0ERP" in line for line in lines)
    plain = docx_with_pages(tmp_path / "plain.docx", ["\n".join(lines)], "Finansiär")
    kept = tmp_path / "kept.docx"
    document = Document(str(plain))
    keep_dnr_together(document)
    kept.write_bytes(docx_bytes(document))
    assert _texts(kept, "word/document.xml").count("<w:noBreakHyphen/>") == 40
    [pdf] = LibreOfficeConverter().convert([kept], tmp_path / "pdf")
    shown = [fold(line) for line in pdftotext(pdf).splitlines() if line.strip()]
    # The line may break at the name's other spaces ("Region" / "Norrbotten - ERP").
    assert sum(line.count("Norrbotten - ERP") for line in shown) == 40, shown
    assert not [line for line in shown if line.endswith(("Norrbotten", "-"))], shown
    assert fold(" ".join(shown)).count(name) == 40
    text = fold(read_pdf(pdf).text.replace("\u2011", "-"))
    assert text.count(name) == 40
