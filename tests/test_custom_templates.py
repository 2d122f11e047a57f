"""A region's own templates folder made before the tilläggsavtal existed: cases that need
no tilläggsavtal build from it; a case that needs one says which template to add."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.build.casework import missing_template
from avtalsgen.cli.app import app
from avtalsgen.input.load import load_case

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

#: The documents every case or meeting makes (the tilläggsavtal is left out of the folder).
EVERY_CASE = ("beslutsforslag", "samarbetsavtal", "protokollsutdrag", "anslag")


@pytest.fixture
def own_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "mallar"
    folder.mkdir()
    for name in EVERY_CASE:
        shutil.copy(REPO / "templates" / f"{name}.docx", folder)
    return folder


def test_templates_check_passes_a_folder_without_the_tillaggsavtal_and_says_so(
    own_templates: Path,
) -> None:
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(own_templates)])
    assert result.exit_code == 0, result.output
    for name in EVERY_CASE:
        assert f"ok  {own_templates / name}.docx" in result.output
    assert (
        f"{own_templates / 'tillaggsavtal.docx'}: finns inte i mappen; bara ett ärende vars "
        "beslut kräver ett tilläggsavtal behöver den"
    ) in result.output


def test_a_missing_template_of_every_case_still_fails_the_check(own_templates: Path) -> None:
    i18n.set_language("sv")
    (own_templates / "samarbetsavtal.docx").unlink()
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(own_templates)])
    assert result.exit_code == 1
    assert f"{own_templates / 'samarbetsavtal.docx'}: mallen finns inte" in result.output


def test_a_case_that_needs_a_tillaggsavtal_names_the_missing_template(own_templates: Path) -> None:
    i18n.set_language("sv")
    case = load_case(REPO / "cases" / "RUN-00386-2023.yaml")
    assert missing_template(case, own_templates, ["beslutsforslag", "samarbetsavtal"]) is None
    problem = missing_template(
        case, own_templates, ["beslutsforslag", "samarbetsavtal", "tillaggsavtal"]
    )
    assert problem == (
        f"{case.path}: besluten om {case.arende.dnr} kräver ett tilläggsavtal, och mallmappen "
        f"saknar {own_templates / 'tillaggsavtal.docx'}: kopiera tillaggsavtal.docx från "
        "mallarna som följer med avtalsgen till mappen, eller utelämna --templates"
    )
    shutil.copy(REPO / "templates" / "tillaggsavtal.docx", own_templates)
    assert missing_template(case, own_templates, ["tillaggsavtal"]) is None


@needs_soffice
def test_a_case_without_a_tillaggsavtal_builds_from_such_a_folder(
    own_templates: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(REPO / "cases" / "RUN-00386-2023.yaml"),
            "--templates",
            str(own_templates),
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = output / "RUN-00386-2023"
    assert {"beslutsforslag.pdf", "samarbetsavtal.pdf", "paket.pdf"} <= {
        path.name for path in folder.iterdir()
    }
