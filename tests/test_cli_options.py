"""The command line as a user meets it (issue 13): no library warnings (fault 5), --verbose
and --lang before or after the command (fault 6), the project's templates from any folder
(fault 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice, run_cli
from typer.testing import CliRunner

from avtalsgen.cli.app import app, global_options_first
from avtalsgen.documents.templates import find_templates, shipped_templates

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

runner = CliRunner()
SEED = REPO / "cases" / "RUN-00386-2023.yaml"


def avtalsgen(
    *argv: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", *argv], capture_output=True, text=True,
        check=False, cwd=cwd, stdin=subprocess.DEVNULL,
        env={**os.environ, "LANG": "en_US.UTF-8", **(env or {})},
    )  # fmt: skip


def test_verify_and_sign_show_no_library_warning(built: Path, tmp_path: Path) -> None:
    packet = built / "RUN-00386-2023" / "paket.pdf"
    result = avtalsgen("verify", str(packet))
    assert result.returncode == 0, result.stderr  # nothing wrong: nothing signed yet
    assert "Result: not signed yet; to sign: 'region' and 'aktor'" in result.stdout
    assert "Warning" not in result.stderr and "DSA" not in result.stderr, result.stderr
    result = avtalsgen("sign", str(tmp_path / "nothing.pdf"), "--field", "region",
                       "--p12", str(tmp_path / "none.p12"),
                       env={"AVTALSGEN_P12_PASSPHRASE": "x"})  # fmt: skip
    assert result.returncode == 1
    assert "Warning" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("argv", "moved"),
    [
        (["build", "cases", "--verbose"], ["--verbose", "build", "cases"]),
        (["check", "-v", "x.yaml"], ["-v", "check", "x.yaml"]),
        (["check", "x.yaml", "--lang", "en"], ["--lang", "en", "check", "x.yaml"]),
        (["check", "--lang=sv", "x.yaml"], ["--lang=sv", "check", "x.yaml"]),
        (["check", "--", "--verbose"], ["check", "--", "--verbose"]),
    ],
)
def test_global_options_may_follow_the_command(argv: list[str], moved: list[str]) -> None:
    assert global_options_first(argv) == moved


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_before_or_after_the_command_shows_the_traceback(
    tmp_path: Path, where: str
) -> None:
    bad = tmp_path / "RUN-00386-2023.yaml"
    bad.write_text("dnr: RUN-1-2023\n", encoding="utf-8")
    options = ["--lang", "en", "--verbose"]
    argv = [*options, "explain", str(bad)] if where == "before" else ["explain", str(bad), *options]
    result = runner.invoke(app, argv)
    assert result.exit_code == 1, result.output
    assert "No such option" not in result.output
    assert "Traceback" in result.stderr and "CaseError" in result.stderr
    assert f"{bad}:1: dnr: 'RUN-1-2023' is not a Dnr of the form RUN-NNNNN-YYYY" in result.stderr


def test_the_templates_are_the_projects_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("templates", "check")
    assert result.returncode == 0, result.stderr
    assert f"ok  {REPO / 'templates' / 'samarbetsavtal.docx'}" in result.stdout


def test_the_nearest_templates_above_the_inputs_come_first(tmp_path: Path) -> None:
    project = tmp_path / "projekt"
    (project / "cases" / "sammantraden").mkdir(parents=True)
    assert find_templates([project / "cases" / "x.yaml"]) == shipped_templates()
    (project / "templates").mkdir()
    assert find_templates([project / "cases" / "x.yaml"]) == shipped_templates(), "no template"
    shutil.copy(REPO / "templates" / "beslutsforslag.docx", project / "templates")
    assert find_templates([project / "cases" / "x.yaml"]) == project / "templates"
    assert find_templates([project / "cases"]) == project / "templates"
    meeting = project / "cases" / "sammantraden" / "m.yaml"
    assert find_templates([meeting]) == project / "templates"
    assert shipped_templates() == REPO / "templates"


@needs_soffice
@pytest.mark.libreoffice
def test_build_from_another_folder_needs_no_templates_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("build", str(SEED), "--only", "beslutsforslag",
                     "--output", str(tmp_path / "output"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "RUN-00386-2023" / "beslutsforslag.pdf").is_file()


def test_a_reader_that_stops_reading_ends_the_command_quietly() -> None:
    """``avtalsgen schema | head``: the reader goes away; the command ends with the shell's
    status for SIGPIPE and says nothing (it said "Broken pipe", in English, with exit 1)."""
    env = {**os.environ, "LANG": "sv_SE.UTF-8", "LC_ALL": "sv_SE.UTF-8"}
    with subprocess.Popen(
        [sys.executable, "-m", "avtalsgen.cli", "schema"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100)  # the schema is larger than a pipe holds (97 kB)
        process.stdout.close()
        errors = process.stderr.read()
        status = process.wait(timeout=60)
    assert errors == b""
    assert status == 141
