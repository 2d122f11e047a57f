"""LibreOffice is started by its own launcher, oosplash, without the soffice script's
seven processes; a soffice laid out otherwise is run as it is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import docx_with_pages, needs_soffice
from pdftext import pdftotext

from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.conversion.soffice import find_soffice, launcher, soffice_argv, soffice_env


def _executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def test_a_libreoffice_layout_is_started_by_its_oosplash(tmp_path: Path) -> None:
    program = tmp_path / "lib" / "libreoffice" / "program"
    program.mkdir(parents=True)
    script = _executable(program / "soffice")
    _executable(program / "soffice.bin")
    oosplash = _executable(program / "oosplash")
    (tmp_path / "bin").mkdir()
    link = tmp_path / "bin" / "soffice"
    link.symlink_to(script)
    assert launcher(str(link)) == str(oosplash)
    argv = soffice_argv(str(link), tmp_path / "profile", tmp_path / "out", [tmp_path / "a.docx"])
    assert argv[0] == str(oosplash)
    assert soffice_env(tmp_path)["SAL_ENABLE_FILE_LOCKING"] == "1"


def test_anything_else_is_run_as_it_is(tmp_path: Path) -> None:
    stand_in = _executable(tmp_path / "soffice")  # a test's stand-in: no soffice.bin beside it
    assert launcher(str(stand_in)) == str(stand_in)
    other = tmp_path / "other"
    other.mkdir()
    named = _executable(other / "libreoffice")  # not LibreOffice's soffice script
    _executable(other / "soffice.bin")
    _executable(other / "oosplash")
    assert launcher(str(named)) == str(named)
    lone = tmp_path / "lone"
    lone.mkdir()
    script = _executable(lone / "soffice")
    _executable(lone / "soffice.bin")
    (lone / "oosplash").write_text("not executable", encoding="utf-8")
    assert launcher(str(script)) == str(script)


@needs_soffice
def test_the_installed_libreoffice_starts_through_oosplash_as_through_its_script(
    tmp_path: Path,
) -> None:
    soffice = find_soffice(None)
    started = launcher(soffice)
    assert Path(started).name == "oosplash"
    assert Path(started).parent == Path(soffice).resolve().parent
    versions: list[str] = []
    for program in (soffice, started):
        profile = tmp_path / f"profile-{len(versions)}"
        done = subprocess.run(
            [program, f"-env:UserInstallation={profile.as_uri()}", "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "SAL_ENABLE_FILE_LOCKING": "1"},
            check=True,
        )
        versions.append(done.stdout.strip())
    assert versions[0] == versions[1]
    assert versions[0].startswith("LibreOffice ")


@needs_soffice
def test_a_conversion_through_oosplash_makes_the_pdf(tmp_path: Path) -> None:
    docx = docx_with_pages(tmp_path / "sida.docx", ["Första sidan", "Andra sidan"], "Titel")
    (pdf,) = LibreOfficeConverter().convert([docx], tmp_path / "out")
    assert "Andra sidan" in pdftotext(pdf)
