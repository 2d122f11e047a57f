"""The command line: exit codes, messages on stderr, nothing written on bad input."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from conftest import FRESH_WEB_APP, NO_CONVERTER
from typer.testing import CliRunner

from avtalsgen.cli import app as cli
from avtalsgen.cli.app import app

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

REPO = Path(__file__).resolve().parent.parent
SEED_CASE = REPO / "cases" / "RUN-00386-2023.yaml"
runner = CliRunner()


def test_check_accepts_the_shipped_cases() -> None:
    result = runner.invoke(app, ["check", str(REPO / "cases")])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok  ") == 7 + 7  # the cases, and the meeting files beside them
    assert (
        "ok  "
        + str(REPO / "cases" / "sammantraden" / "exempel-run-2026-06-16.yaml")
        + ("  meeting file: Regionala utvecklingsnämnden 2026-06-16, 1 paragraph")
        in result.stdout
    )
    assert "RUN-00386-2023  Swedish Lapland Visitors Board" in result.stdout


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_folder_without_case_files_is_an_error(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "fel-mapp"
    empty.mkdir()
    (empty / "anteckningar.txt").write_text("inga ärenden här", encoding="utf-8")
    result = runner.invoke(
        app,
        [command, str(empty), *(["--output", str(tmp_path / "o")] if command == "build" else [])],
    )
    assert result.exit_code == 1
    assert result.stderr == f"{empty}: no case files (*.yaml) in this folder\n"
    assert not (tmp_path / "o").exists(), "nothing is written"


def test_an_output_that_is_a_file_or_templates_that_are_missing_are_errors(
    tmp_path: Path,
) -> None:
    taken = tmp_path / "output"
    taken.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["build", str(SEED_CASE), "--output", str(taken)])
    assert result.exit_code == 1
    assert result.stderr == f"{taken}: cannot make the output folder: File exists\n"
    assert taken.read_text(encoding="utf-8") == "not a folder"
    nowhere = tmp_path / "mallar"
    nowhere.mkdir()
    output = tmp_path / "out"
    result = runner.invoke(
        app, ["build", str(SEED_CASE), "--output", str(output), "--templates", str(nowhere)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"{nowhere / 'beslutsforslag.docx'}: no such template; --templates names the folder "
        "that holds beslutsforslag.docx and samarbetsavtal.docx\n"
    )
    assert not output.exists()


def test_check_reports_every_problem_without_traceback(cases: Path) -> None:
    case = cases / "RUN-00386-2023.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(
        text.replace("dnr: RUN-00386-2023", "dnr: RUN-386-2023").replace(
            "belopp_per_ar: 2000000", "belopp_per_ar: -5"
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(cases)])
    assert result.exit_code == 1
    assert f"{case}:6: dnr: 'RUN-386-2023' is not a Dnr of the form RUN-NNNNN-YYYY" in result.stderr
    assert (
        f"{case}:27: finansiering.finansiarer[0].belopp_per_ar: amount must not be negative, got -5"
        in result.stderr
    )
    # The meeting file beside the cases that decided RUN-00386-2023 now decides a Dnr no valid
    # case file holds: checked with the folder, it says so ("check cases/" said nothing of
    # it), and that the invalid case file named for it is to be corrected (not the meeting).
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    assert (
        f"{meeting}:23: paragrafer[0].dnr: the case file of RUN-00386-2023, {case}, is "
        "invalid: correct it (its problems are on the lines that start with its name)"
        in result.stderr
    )
    assert result.stderr.splitlines()[-1] == (
        f"1 case file and 1 meeting file have problems: {case}, {meeting}"
    )
    assert "Traceback" not in result.output


def test_build_of_a_bad_case_writes_nothing(cases: Path, tmp_path: Path) -> None:
    case = cases / "RUN-00386-2023.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "okand_nyckel: 1\n", encoding="utf-8")
    output = tmp_path / "output"
    result = runner.invoke(app, ["build", str(case), "--output", str(output)])
    assert result.exit_code == 1
    assert f"{case}:63: okand_nyckel: unknown key" in result.stderr
    assert "Traceback" not in result.output
    assert not output.exists() or not any(output.iterdir())


def test_verbose_shows_the_traceback(cases: Path, tmp_path: Path) -> None:
    case = cases / "RUN-00386-2023.yaml"
    case.write_text("dnr: [\n", encoding="utf-8")
    result = runner.invoke(app, ["--verbose", "build", str(case), "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert f"{case}:1: the file ends inside the list or mapping that [ opens here" in result.stderr


def test_build_without_libreoffice_names_the_install_command(tmp_path: Path) -> None:
    # Nor a converter running (a machine without LibreOffice has none).
    env = {"PATH": str(tmp_path), "AVTALSGEN_CONVERTER_DIR": NO_CONVERTER}
    result = runner.invoke(app, ["build", str(SEED_CASE), "--output", str(tmp_path)], env=env)
    assert result.exit_code == 1
    assert "apt-get install libreoffice-writer-nogui" in result.stderr
    assert not any(tmp_path.iterdir())


def test_build_rejects_an_unknown_document() -> None:
    result = runner.invoke(app, ["build", str(SEED_CASE), "--only", "avtal"])
    assert result.exit_code == 2
    shown = " ".join(result.output.replace("│", " ").split())
    assert "unknown document avtal; choose beslutsforslag, samarbetsavtal or tillaggsavtal" in shown


@pytest.mark.parametrize("command", [[], ["check"], ["build"], ["schema"], ["templates", "check"]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_usage_error_exits_2() -> None:
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2


def test_schema_has_descriptions_from_the_models() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schemas = json.loads(result.stdout)
    arende = schemas["arende"]
    assert arende["additionalProperties"] is False
    assert arende["properties"]["dnr"]["description"] == "Diarienummer, RUN-NNNNN-YYYY."
    assert arende["properties"]["dnr"]["pattern"] == r"^RUN-\d{5}-\d{4}$"
    assert "dnr" in arende["required"]
    assert schemas["program"]["properties"]["region"]["description"].startswith("The region")
    aktor = arende["$defs"]["Aktor"]["properties"]
    assert aktor["namn"]["description"] == "Legal name.", "declared in a base model (Part)"
    assert aktor["omrade"]["description"].startswith("The field the actor's ecosystem")
    described = [
        (name, field)
        for model in [arende, *arende["$defs"].values()]
        for name, field in model.get("properties", {}).items()
        if "description" not in field and "$ref" not in field  # a model describes itself
    ]
    assert described == [], "every field of a case file is described"
    single = json.loads(runner.invoke(app, ["schema", "program"]).stdout)
    assert single == schemas["program"]
    assert runner.invoke(app, ["schema", "avtal"]).exit_code == 2


def test_schema_lists_the_placeholders_as_an_unknown_ones_message_says() -> None:
    """ "okänd platshållare {x}; `avtalsgen schema` visar platshållarna" (QA item 18)."""
    from avtalsgen.model.prose import PLACEHOLDERS

    arende = json.loads(runner.invoke(app, ["schema", "arende"]).stdout)
    listed = arende["x-placeholders"]
    assert list(listed) == ["{" + name + "}" for name in PLACEHOLDERS]
    assert listed["{belopp_per_ar}"].startswith("the region's amount per year")
    for kind in ("program", "sammantrade"):
        schema = json.loads(runner.invoke(app, ["schema", kind]).stdout)
        assert schema["x-placeholders"] == listed


def test_schema_says_what_each_placeholder_becomes_in_swedish() -> None:
    """A Swedish official reading `avtalsgen schema` (as an unknown placeholder's message
    tells them to) got the placeholders explained in English."""
    from avtalsgen.model.prose import PLACEHOLDERS

    result = runner.invoke(app, ["--lang", "sv", "schema", "arende"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["x-placeholders"]
    assert list(listed) == ["{" + name + "}" for name in PLACEHOLDERS]
    assert listed["{aktor}"] == "aktörens korta namn (aktor.kortnamn)"
    assert listed["{start}"] == "periodens första dag, skriven ÅÅÅÅ-MM-DD"
    english = [name for name, text in listed.items() if text == PLACEHOLDERS[name[1:-1]]]
    assert english == [], "every placeholder is explained in Swedish"


def test_templates_check_passes_on_the_shipped_templates() -> None:
    result = runner.invoke(app, ["templates", "check", "--templates", str(REPO / "templates")])
    assert result.exit_code == 0, result.output
    assert "ok  " in result.stdout


def test_templates_check_lists_what_the_models_lack(tmp_path: Path) -> None:
    document = docx.Document(str(REPO / "templates" / "beslutsforslag.docx"))
    document.add_paragraph("{{ arende.aktor.telefon }} {{ arende.datum.year }}")
    document.add_paragraph("{%p for rad in arende.finansiering.finansiarer %}")
    document.add_paragraph("{{ rad.namn }} {{ rad.procent }} {{ rad.kalla|valuta }}")
    document.add_paragraph("{%p endfor %}")
    document.sections[0].header.add_paragraph("{{ program.region.epost }}")
    document.save(str(tmp_path / "beslutsforslag.docx"))
    shutil.copy(REPO / "templates" / "samarbetsavtal.docx", tmp_path)
    shutil.copy(REPO / "templates" / "protokollsutdrag.docx", tmp_path)
    shutil.copy(REPO / "templates" / "anslag.docx", tmp_path)
    shutil.copy(REPO / "templates" / "tillaggsavtal.docx", tmp_path)
    result = runner.invoke(app, ["templates", "check", "--templates", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    path = tmp_path / "beslutsforslag.docx"
    # Each says where, by the paragraph's text and the heading above it, as Word shows them.
    after = "under the heading 'Fördelning per budgetår'"
    row = "the paragraph '{{ rad.namn }} {{ rad.procent }} {{ rad.kalla|valuta }}'"
    assert lines == [
        f"{path}: body, the paragraph '{{{{ arende.aktor.telefon }}}} {{{{ arende.datum.year }}}}'"
        f" {after}: 'arende.aktor.telefon' is not provided by the models",
        f"{path}: body, {row} {after}: 'arende.finansiering.finansiarer[].procent' is not "
        "provided by the models",
        f"{path}: body, {row} {after}: unknown filter 'valuta'; avtalsgen's own filters are "
        "belopp, datum_text, ifylls, intervall, iso, kr, kronor, tal, termin, tidslangd",
        f"{path}: the page header, the paragraph '{{{{ program.region.epost }}}}': "
        "'program.region.epost' is not provided by the models",
    ]


def test_templates_check_needs_the_list_styles(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("{{ arende.dnr }}")
    document.styles["List Number"].delete()
    document.save(str(tmp_path / "beslutsforslag.docx"))
    result = runner.invoke(app, ["templates", "check", "--templates", str(tmp_path)])
    assert result.exit_code == 1
    assert "styles: paragraph style id 'ListNumber' (used for prose) is missing" in result.stderr


@pytest.mark.libreoffice
def test_utdrag_builds_extracts_and_then_writes_nothing(tmp_path: Path) -> None:
    meeting = REPO / "cases" / "sammantraden" / "exempel-run-2024-11-26.yaml"
    argv = [
        "utdrag",
        str(meeting),
        "--output",
        str(tmp_path),
        "--templates",
        str(REPO / "templates"),
    ]
    first = runner.invoke(app, argv)
    assert first.exit_code == 0, first.output
    assert "187" in first.stdout
    assert (tmp_path / "RUN-90002-2024" / "protokollsutdrag-187.pdf").is_file()
    again = runner.invoke(app, argv)
    assert again.exit_code == 0, again.output
    assert "§ 187 RUN-90002-2024: unchanged since version 1; nothing written" in again.stdout


def test_utdrag_rejects_a_bad_meeting(tmp_path: Path) -> None:
    meeting = tmp_path / "mote.yaml"
    meeting.write_text("namnd: Regionala utvecklingsnämnden\n", encoding="utf-8")
    result = runner.invoke(app, ["utdrag", str(meeting), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{meeting}:1: datum: required field is missing" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_command_leaves_its_objects_to_the_operating_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails() -> None:
        raise SystemExit(3)

    monkeypatch.setattr(cli, "command", lambda *only: fails)  # the command line run() runs
    try:
        with pytest.raises(SystemExit) as exit_info:
            cli.run()
        assert exit_info.value.code == 3, "the command's exit status is kept"
        assert gc.get_freeze_count() > 0, "Python's last collections skip what the run made"
    finally:
        gc.unfreeze()


def test_the_installed_command_runs_and_exits_with_its_status(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "avtalsgen"
    done = subprocess.run([command, "check", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == f"{tmp_path}: no case files (*.yaml) in this folder\n"
    assert "Traceback" not in done.stderr


def test_help_shows_text_in_square_brackets() -> None:
    """Rich took "[uppgift saknas]" in sign's help for markup and dropped it: "Sign even
    though the packet still shows unknown facts (); ..." (the help texts are translated as
    the command line is defined: Swedish takes a fresh process)."""
    english = runner.invoke(app, ["sign", "--help"], env={"COLUMNS": "200"}).stdout
    environment = dict(os.environ, LC_ALL="sv_SE.UTF-8", COLUMNS="200")
    swedish = subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", "sign", "--help"],
        env=environment, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for output, words in ((english, "unknown facts ([uppgift"), (swedish, "okända uppgifter")):
        text = " ".join(output.replace("│", " ").split())
        assert words in text
        assert "([uppgift saknas]);" in text
        assert "()" not in text


#: Run as ``python -c`` with commands as its arguments: each command's ``--help`` as the
#: avtalsgen command's entry point prints it, each followed by a NUL and its exit status.
_HELPS = """
import sys
from avtalsgen.cli.main import run

for command in sys.argv[1:]:
    sys.argv = ["avtalsgen", command, "--help"]
    try:
        run()
        status = 0
    except SystemExit as end:
        status = end.code
    print(f"\\0{status}", flush=True)
"""


def _helps(commands: list[str], env: dict[str, str]) -> dict[str, str]:
    """The help of each of ``commands``, as ``avtalsgen COMMAND --help`` prints it in a
    fresh process started with ``env`` (the help texts are translated as the command line
    is defined): one process for all of them; each must exit with status 0."""
    done = subprocess.run(
        [sys.executable, "-c", _HELPS, *commands],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    parts = done.stdout.split("\0")
    statuses = [part.split("\n", 1)[0] for part in parts[1:]]
    assert statuses == ["0"] * len(commands), done.stdout + done.stderr
    shown = [parts[0]] + [part.split("\n", 1)[1] for part in parts[1:-1]]
    return dict(zip(commands, shown, strict=True))


def test_swedish_help_names_the_output_folder_as_its_option_does() -> None:
    """anslag's, expediera's and publicera's Swedish help said OUTPUT/... beside an option
    --output MAPP (and build's MAPP/<Dnr>/)."""
    environment = dict(os.environ, LC_ALL="sv_SE.UTF-8", COLUMNS="200")
    commands = ["build", "utdrag", "anslag", "expediera", "publicera"]
    for command, shown in _helps(commands, environment).items():
        assert f"Användning: avtalsgen {command} " in shown, command
        assert "--output" in shown and "MAPP" in shown, command
        assert "OUTPUT" not in shown, command


def test_serve_finds_the_templates_as_build_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started in a folder without templates/, serve used that missing folder (build used the
    shipped templates): its case pages called freshly built documents out of date. Without
    --templates it now finds them as build does: a templates/ beside the cases, else the
    shipped ones."""
    import uvicorn

    from avtalsgen.cli import web as web_cli
    from avtalsgen.documents.templates import find_templates, shipped_templates
    from avtalsgen.web import app as webapp

    seen: list[Path] = []
    monkeypatch.setattr(webapp, "create_app", lambda config: seen.append(config.templates))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(web_cli, "_check_port", lambda host, port: None)  # 8000 may be taken
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    monkeypatch.chdir(tmp_path)
    argv = ["serve", "--no-converter", "--cases", "cases", "--data", str(tmp_path / "data")]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert seen == [shipped_templates().resolve()]
    (tmp_path / "templates").mkdir()
    shutil.copy(REPO / "templates" / "beslutsforslag.docx", tmp_path / "templates")
    assert runner.invoke(app, argv).exit_code == 0
    assert seen[-1] == find_templates([tmp_path / "cases"]).resolve() == tmp_path / "templates"


def test_the_servers_log_leaves_out_pikepdfs_bridge_line(tmp_path: Path) -> None:
    """`avtalsgen serve` logged "pikepdf C++ to Python logger bridge initialized" when a page
    first read a PDF (Litestar's log takes the root logger's INFO). The app's log
    configuration holds pikepdf's bridge logger at WARNING: its warnings and the app's own
    lines stay. In a fresh interpreter: pikepdf logs the line once, at its import."""
    script = FRESH_WEB_APP + (
        "import pikepdf  # as the first page that reads a PDF does\n"
        "logging.getLogger('pikepdf._core').warning('a warning of qpdf')\n"
        "logging.getLogger('avtalsgen.web').info('a line of the app')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    log = done.stdout + done.stderr
    assert "a warning of qpdf" in log and "a line of the app" in log, log
    assert "logger bridge" not in log, log
