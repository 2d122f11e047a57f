"""Text pasted into a template with its own formatting keeps its language (en-US), which
LibreOffice tags as an English span of the Swedish PDF: a screen reader reads the Swedish
words as English. templates check names the paragraph and how to mark it Swedish."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app

PASTED = "Ärendet har beretts i samråd med ekonomistaben."


def _pasted(template: Path, language: str) -> None:
    """A paragraph pasted before 'Protokollsutdrag skickas till:', with its own font,
    size, colour and language, as Word keeps text pasted from an English e-mail."""
    document = Document(str(template))
    after = next(p for p in document.paragraphs if p.text == "Protokollsutdrag skickas till:")
    run = after.insert_paragraph_before("").add_run(PASTED)
    run.font.name, run.font.size = "Calibri", Pt(13)
    run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    mark = OxmlElement("w:lang")
    mark.set(qn("w:val"), language)
    run._r.get_or_add_rPr().append(mark)
    document.save(str(template))


def _check(folder: Path) -> list[str]:
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    return [line for line in result.output.splitlines() if not line.startswith("ok  ")]


def test_text_pasted_in_another_language_is_named_with_how_to_mark_it_swedish(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    template = folder / "beslutsforslag.docx"
    _pasted(template, "en-US")
    assert _check(folder) == [
        f"{template}: brödtext: stycket '{PASTED}' under rubriken 'Fördelning per budgetår': "
        "texten är markerad som en-US, inte svenska (inklistrad text behåller sitt eget "
        "språk): en skärmläsare läser den på det språket; markera texten och ange svenska: i "
        "Word Granska > Språk > Ange språk för korrekturläsning, i LibreOffice Verktyg > "
        "Språk > För markering"
    ]


def test_text_pasted_in_swedish_with_its_own_formatting_is_no_finding(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    _pasted(folder / "beslutsforslag.docx", "sv-SE")
    assert _check(folder) == []
