"""What staff do to the Word templates in Word or LibreOffice, and what avtalsgen then says:
a template saved in another format under its .docx name, a review comment left in it."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.render import Metadata, render_document
from avtalsgen.errors import RenderError

TEMPLATES = REPO / "templates"
SAVE_AS = (
    "öppna den i Word eller LibreOffice och spara den med Spara som, filformatet "
    "Word-dokument (.docx) (i LibreOffice: Word 2007–365)"
)


def _odt() -> bytes:
    """The start of what LibreOffice writes as .odt: a zip whose first member, stored, is
    its mimetype."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return data.getvalue()


#: Each format a template may be saved in under its .docx name, by its first bytes as Word
#: and LibreOffice write them, and what avtalsgen says it is.
SAVED_AS = {
    "doc": (
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504),
        "filen är ett Word 97–2003-dokument (.doc) med namnet .docx",
    ),
    "odt": (
        _odt(),
        "filen är en OpenDocument-fil (application/vnd.oasis.opendocument.text) med namnet "
        ".docx, så som LibreOffice sparar i sitt eget format",
    ),
    "rtf": (
        b"{\\rtf1\\ansi\\deff0 Dnr {{ arende.dnr }}}",
        "filen är ett RTF-dokument (.rtf) med namnet .docx",
    ),
    "empty": (b"", "filen är tom (0 byte)"),
    "cut": (
        (TEMPLATES / "beslutsforslag.docx").read_bytes()[:4000],
        "filen är inte ett Word-dokument (.docx), eller så avbröts den när den sparades eller "
        "kopierades",
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "templates"
    shutil.copytree(TEMPLATES, made)
    return made


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_a_template_saved_in_another_format_is_named_so_by_templates_check(
    folder: Path, saved_as: str
) -> None:
    data, said = SAVED_AS[saved_as]
    template = folder / "beslutsforslag.docx"
    template.write_bytes(data)
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{template}: {said}: {SAVE_AS}\n" in result.output
    assert f"ok  {folder / 'samarbetsavtal.docx'}" in result.output


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_a_template_saved_in_another_format_fails_rendering_with_the_same_words(
    folder: Path, saved_as: str
) -> None:
    data, said = SAVED_AS[saved_as]
    template = folder / "samarbetsavtal.docx"
    template.write_bytes(data)
    i18n.set_language("sv")
    with pytest.raises(RenderError) as raised:
        render_document(template, object(), Metadata("t", "s", ()))
    assert str(raised.value) == f"{template}: {said}: {SAVE_AS}"
