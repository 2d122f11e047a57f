"""What templates check says of a new user's edits (qa16): a broken tag on the title line
is named without a knock-on false problem, a field's abbreviation is led to the field, an
unknown filter to avtalsgen's own filters before Jinja's, and its help says where it looks
for the templates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from docx import Document
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "templates"
    shutil.copytree(REPO / "templates", made)
    return made


def _typed(folder: Path, old: str, new: str) -> Path:
    """The samarbetsavtal's paragraph ``old`` typed over as ``new``, as in Word."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    paragraph = next(p for p in document.paragraphs if p.text == old)
    paragraph.runs[0].text = new
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(template))
    return template


def _said(folder: Path) -> list[str]:
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 1
    return [line for line in result.output.splitlines() if not line.startswith("ok  ")]


def test_a_broken_tag_on_the_title_line_is_named_without_a_missing_dnr(folder: Path) -> None:
    """'{{ arende.aktor.namn }' (a brace short) also reported 'would not state the Dnr on
    the first page' though the Dnr's paragraph was intact: the tag left open ran into it."""
    parties = "mellan {{ program.region.namn }} och {{ arende.aktor.namn }}"
    template = _typed(folder, parties, parties[:-1])
    said = _said(folder)
    assert len(said) == 1, said
    assert said[0].startswith(f"{template}: brödtext")
    assert "taggen '{{ arende.aktor.namn }' avslutas inte: avsluta den med '}}'" in said[0]
    assert "Dnr" not in said[0]


def test_an_abbreviated_field_is_led_to_its_name(folder: Path) -> None:
    template = _typed(
        folder, "Dnr {{ arende.dnr }}", "Dnr {{ arende.dnr }}, org.nr {{ arende.aktor.orgnr }}"
    )
    (said,) = _said(folder)
    assert said.startswith(f"{template}: brödtext")
    assert said.endswith(
        "'arende.aktor.orgnr' finns inte bland de uppgifter som mallen kan använda; menade du "
        "'arende.aktor.organisationsnummer'?"
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("versaler", "; menade du 'upper'?"),
        ("belop", "; menade du 'belopp'?"),
        ("krr", "; menade du 'kr'?"),
        (
            "kursiv",
            "; avtalsgens egna filter är belopp, datum_text, ifylls, intervall, iso, kr, "
            "kronor, tal, termin, tidslangd",
        ),
    ],
)
def test_an_unknown_filter_is_led_to_avtalsgens_own_first(
    folder: Path, written: str, hint: str
) -> None:
    """'|versaler' was told "did you mean 'reverse'?" (Jinja's, a near spelling)."""
    _typed(folder, "Dnr {{ arende.dnr }}", f"Dnr {{{{ arende.dnr|{written} }}}}")
    (said,) = _said(folder)
    assert said.endswith(f"okänt filter '{written}'{hint}"), said


def test_its_help_says_it_looks_from_the_working_folder() -> None:
    """It said templates are found 'above the input files', and it takes none (a fresh
    process: the help texts are translated as the command line is defined)."""
    result = subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", "--lang", "sv", "templates", "check", "--help"],
        capture_output=True, text=True, check=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    text = " ".join(result.stdout.replace("│", " ").split())
    assert "indatafilerna" not in text
    assert "närmaste templates/ i arbetsmappen eller ovanför den" in text
