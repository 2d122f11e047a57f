"""Word's lock files (``~$slutsforslag.docx``, the owner file Word keeps beside a document
it has open) are never templates: a folder holding only them is no templates folder, and a
template missing beside them is said to be so, naming them."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.context import build_context
from avtalsgen.documents.render import Metadata, render_document
from avtalsgen.documents.templates import find_templates, only_lock_files, shipped_templates
from avtalsgen.errors import RenderError
from avtalsgen.input.load import load_case

CASE = REPO / "cases" / "RUN-00386-2023.yaml"
LOCKS_SAID = (
    "mappen har ingen mall, bara Words låsfiler (~$mtalsavtal.docx och ~$slutsforslag.docx), "
    "som Word lägger bredvid ett dokument medan det är öppet: en låsfil är aldrig en mall. "
    "Lägg mallarna i mappen; när ingen Word längre har dem öppna kan låsfilerna tas bort"
)


def _locked_project(tmp_path: Path) -> Path:
    """A project whose templates/ holds nothing but Word's lock files of two templates."""
    (tmp_path / "cases").mkdir()
    shutil.copy(CASE, tmp_path / "cases" / CASE.name)
    folder = tmp_path / "templates"
    folder.mkdir()
    for lock in ("~$slutsforslag.docx", "~$mtalsavtal.docx"):
        (folder / lock).write_bytes(b"\x06Anna  " + bytes(150))
    return folder


def test_a_folder_of_lock_files_is_no_templates_folder(tmp_path: Path) -> None:
    folder = _locked_project(tmp_path)
    assert find_templates([tmp_path / "cases" / CASE.name]) == shipped_templates()
    shutil.copy(REPO / "templates" / "anslag.docx", folder)
    assert find_templates([tmp_path / "cases" / CASE.name]) == folder
    assert only_lock_files(folder) is None


def test_templates_check_names_the_lock_files_when_they_are_all_there_is(tmp_path: Path) -> None:
    folder = _locked_project(tmp_path)
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"{folder / 'beslutsforslag.docx'}: {LOCKS_SAID}\n" in result.output
    assert f"{folder / 'anslag.docx'}: {LOCKS_SAID}\n" in result.output


def test_build_and_render_name_the_lock_files(tmp_path: Path) -> None:
    folder = _locked_project(tmp_path)
    i18n.set_language("sv")
    result = CliRunner().invoke(
        app, ["build", str(CASE), "--templates", str(folder), "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 1, result.output
    assert f"{folder / 'beslutsforslag.docx'}: mallen finns inte: {LOCKS_SAID}" in result.output
    template = folder / "samarbetsavtal.docx"
    try:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    except RenderError as exc:
        assert str(exc) == f"{template}: mallen kan inte läsas: {LOCKS_SAID}"
    else:
        raise AssertionError("rendered from a lock file")
