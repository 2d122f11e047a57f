"""The documents as a screen reader gets them: facts in the body (not only in the page
header, an artifact), the title a heading, real bullets, no empty paragraphs, signature
blocks that are not a data table."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import CASES, REPO, fold, run
from lxml import etree
from pdftext import pdftotext

from avtalsgen.input.load import load_case

pytestmark = pytest.mark.libreoffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
#: The page header's height on an A4 page, in points: body text lies below it.
HEADER_PT = 95
DOCUMENTS = ("beslutsforslag", "samarbetsavtal")


def _part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def _text(node: etree._Element) -> str:
    return "".join(t.text or "" for t in node.iter(f"{{{W}}}t"))


@pytest.mark.parametrize("dnr", list(CASES))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_empty_paragraphs(built: Path, dnr: str, document: str) -> None:
    body = _part(built / dnr / f"{document}.docx", "word/document.xml").find("w:body", NS)
    empty = [p for p in body.iter(f"{{{W}}}p") if not _text(p).strip()]
    assert empty == []


@pytest.mark.parametrize("document", DOCUMENTS)
def test_title_and_headings_have_outline_levels_in_order(built: Path, document: str) -> None:
    # LibreOffice tags a paragraph by its outline level: Title H1, Heading 1 H2, Heading 2 H3.
    styles = _part(built / "RUN-00386-2023" / f"{document}.docx", "word/styles.xml")
    levels = {}
    for sid in ("Title", "Heading1", "Heading2"):
        found = styles.find(f"w:style[@w:styleId='{sid}']/w:pPr/w:outlineLvl", NS)
        levels[sid] = None if found is None else int(found.get(f"{{{W}}}val"))
    assert levels["Title"] == 0 and levels["Heading1"] == 1
    assert levels["Heading2"] in (None, 2)


@pytest.mark.parametrize("template", sorted((REPO / "templates").glob("*.docx")))
def test_bullets_are_a_standard_character_in_a_standard_font(template: Path) -> None:
    numbering = _part(template, "word/numbering.xml")
    # A bullet level is a list without numbers labelled "• " (test_list_labels says why).
    bullets = [
        lvl
        for lvl in numbering.iter(f"{{{W}}}lvl")
        if lvl.find("w:numFmt", NS).get(f"{{{W}}}val") == "none"
    ]
    assert bullets
    for lvl in bullets:
        assert lvl.find("w:lvlText", NS).get(f"{{{W}}}val") == "\u2022 "
        fonts = lvl.find("w:rPr/w:rFonts", NS)
        assert fonts.get(f"{{{W}}}ascii") == "Times New Roman"


def test_bullets_read_back_as_bullets(built: Path) -> None:
    text = pdftotext(built / "RUN-90001-2023" / "beslutsforslag.pdf")
    assert "\u2022" in text
    assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text), "no private-use characters"
    fonts = run("pdffonts", str(built / "RUN-90001-2023" / "beslutsforslag.pdf"))
    assert "OpenSymbol" not in fonts


@pytest.mark.parametrize("dnr", list(CASES))
def test_beslutsforslag_states_its_header_facts_in_the_body(built: Path, dnr: str) -> None:
    arende = load_case(CASES[dnr]).arende
    unknown = "[uppgift saknas]"
    facts = [
        f"Datum: {arende.datum.isoformat() if arende.datum else unknown}",
        f"Handläggare: {arende.handlaggare or unknown}",
        f"Avdelning: {arende.avdelning or unknown}",
    ]
    pdf = str(built / dnr / "beslutsforslag.pdf")
    crop = ["-x", "0", "-y", str(HEADER_PT), "-W", "595", "-H", "842"]
    body = fold(pdftotext(pdf, "-f", "1", "-l", "1", *crop))
    header = fold(pdftotext(pdf, "-f", "1", "-l", "1", "-W", "595", "-H", str(HEADER_PT)))
    for fact in facts:
        assert fact in header and fact in body


@pytest.mark.parametrize("dnr", list(CASES))
def test_signature_blocks_are_paragraphs_not_a_table(built: Path, dnr: str) -> None:
    body = _part(built / dnr / "samarbetsavtal.docx", "word/document.xml").find("w:body", NS)
    for table in body.iter(f"{{{W}}}tbl"):
        assert "Datum: enligt den elektroniska underskriften" not in _text(table)
    blocks = [p for p in body.iter(f"{{{W}}}p") if _text(p).startswith("För ")]
    assert len(blocks) == 2
