"""The command line in the user's language: help texts, typer's and click's own texts and
usage errors, in Swedish (the default, LANG=sv_SE.UTF-8 or --lang sv) and English."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

from avtalsgen import i18n

#: The avtalsgen command of this environment.
COMMAND = Path(sys.executable).parent / "avtalsgen"


Completed = subprocess.CompletedProcess[str]


def avtalsgen(*argv: str, **env: str) -> Completed:
    """Run the avtalsgen command with only the given locale variables set: a fresh process,
    for the texts translated as the command line is defined (the help texts, the metavars)."""
    environ = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [str(COMMAND), *argv], capture_output=True, text=True, env=environ, check=False
    )


def here(*argv: str, **env: str) -> Completed:
    """As :func:`avtalsgen`, in this process (:func:`run_cli`): for the texts translated as
    they are shown, which follow the same locale variables."""
    unset: dict[str, str | None] = dict.fromkeys(i18n.LOCALE_VARIABLES)
    return run_cli(*argv, env={**unset, **env}, lang=None)


def folded(text: str) -> str:
    """Text without rich's panel borders, folded to single spaces."""
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        (
            {},  # no locale variable at all: Swedish, who uses it
            [
                "Användning: avtalsgen [FLAGGOR] KOMMANDO [ARGUMENT]...",
                "Flaggor",
                "Kommandon",
                "Visa den här hjälpen och avsluta.",
                "check Kontrollera ärendefiler och deras program; behöver inte LibreOffice.",
            ],
        ),
        (
            {"LANG": "sv_SE.UTF-8"},
            [
                "Användning: avtalsgen [FLAGGOR] KOMMANDO [ARGUMENT]...",
                "Kommandon",
                "Meddelandenas språk: sv eller en",
            ],
        ),
        (  # a server's or container's locale names no language: Swedish, as with none
            {"LANG": "C.UTF-8"},
            [
                "Användning: avtalsgen [FLAGGOR] KOMMANDO [ARGUMENT]...",
                "Kommandon",
                "Meddelandenas språk: sv eller en",
            ],
        ),
        (
            {"LANG": "en_US.UTF-8"},
            [
                "Usage: avtalsgen [OPTIONS] COMMAND [ARGS]...",
                "Options",
                "Commands",
                "Show this message and exit.",
                "check Validate case files and their programs; needs no LibreOffice.",
                "Language of messages: sv or en",
            ],
        ),
    ],
)
def test_help_in_the_shells_language(env: dict[str, str], wanted: list[str]) -> None:
    done = avtalsgen("--help", **env)
    assert done.returncode == 0, done.stderr
    shown = folded(done.stdout)
    for text in wanted:
        assert text in shown, shown


def test_a_commands_help_in_swedish() -> None:
    done = avtalsgen("build", "--help", LANG="sv_SE.UTF-8")
    shown = folded(done.stdout)
    assert "Användning: avtalsgen build [FLAGGOR] {SÖKVÄGAR...}" in shown
    assert "Argument" in shown and "[obligatorisk]" in shown
    assert "--jobs -j N Antal LibreOffice-processer (standard: antalet processorkärnor)." in shown
    assert "[standard: output]" in shown


#: Run in a fresh process: each command's help (``avtalsgen COMMAND --help``, the commands a
#: JSON list of their words in argv[1]) as the avtalsgen command shows it
#: (avtalsgen.cli.main.run), with its exit status; each part after a line of :data:`_BETWEEN`.
_EVERY_HELP = """
import contextlib, io, json, sys
from avtalsgen.cli.main import run
for words in json.loads(sys.argv[1]):
    sys.argv = ["avtalsgen", *words, "--help"]
    shown = io.StringIO()
    status = 0
    with contextlib.redirect_stdout(shown):
        try:
            run()
        except SystemExit as end:
            status = end.code
    print(BETWEEN + " ".join(words), status, shown.getvalue(), sep=BETWEEN, end="")
"""
_BETWEEN = "\n<<<>>>\n"


def test_no_command_shows_typers_english_types() -> None:
    """Every command's help names its values in Swedish: serve showed "<str>", "<int>",
    "<path>" beside its options and verify "PAKET <path>" (found by qa14). The help texts
    are translated as the command line is defined, so in a fresh process in Swedish (as
    ``avtalsgen COMMAND --help`` runs each): one process for all of them, each command's
    help made as the avtalsgen command makes it (avtalsgen.cli.main.run), not some 30
    processes (a quarter of a second of CPU each, most of it imports)."""
    import json
    import re

    import typer

    from avtalsgen.cli.app import app

    def commands(group: object, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [path] if path else []
        for name, sub in getattr(group, "commands", {}).items():
            found += commands(sub, (*path, name))
        return found

    every = commands(typer.main.get_command(app), ())
    assert ("serve",) in every and ("users", "add") in every and ("verify",) in every
    environ = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    environ.update(LANG="sv_SE.UTF-8", COLUMNS="160")
    done = subprocess.run(
        [sys.executable, "-c", f"BETWEEN = {_BETWEEN!r}\n{_EVERY_HELP}", json.dumps(every)],
        capture_output=True, text=True, env=environ, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and not done.stderr, done.stderr
    parts = done.stdout.split(_BETWEEN)[1:]
    assert parts[0::3] == [" ".join(command) for command in every]
    shown = dict(zip(parts[0::3], parts[2::3], strict=True))
    for command, status in zip(every, parts[1::3], strict=True):
        help_text = shown[" ".join(command)]
        assert status == "0", (command, help_text)
        assert f"Användning: avtalsgen {' '.join(command)} " in folded(help_text), help_text
        english = re.findall(r"<(?:str|int|path|float|text|int range|integer)[^>]*>", help_text)
        assert not english, (command, english)
    serve = folded(shown["serve"])
    assert "--host ADRESS Adress att lyssna på." in serve
    assert "--port PORT Port att lyssna på." in serve


USAGE_ERRORS = [
    pytest.param(  # the argument's metavar is translated as the command line is defined
        ["build"],
        "Argumentet 'SÖKVÄGAR...' saknas.",
        "Missing argument 'PATHS...'.",
        avtalsgen,
        id="missing-argument",
    ),
    pytest.param(
        ["build", "--jobs", "x", "cases"],
        "Ogiltigt värde för '--jobs' / '-j': 'x' är inte ett heltal som är 1 eller större",
        "Invalid value for '--jobs' / '-j': 'x' is not a whole number of 1 or more",
        here,
        id="bad-number",
    ),
    pytest.param(
        ["build", "--timeout", "0", "cases"],
        "Ogiltigt värde för '--timeout': '0' är inte ett antal sekunder som är 1 eller större",
        "Invalid value for '--timeout': '0' is not a number of seconds of 1 or more",
        here,
        id="bad-seconds",
    ),
    pytest.param(
        ["bild"],
        "Kommandot 'bild' finns inte. Menade du 'build'?",
        "No such command 'bild'. Did you mean 'build'?",
        here,
        id="mistyped-command",
    ),
    pytest.param(
        ["check", "--strikt", "cases"],
        "Flaggan finns inte: --strikt (menade du --strict?)",
        "No such option: --strikt (did you mean --strict?)",
        here,
        id="mistyped-option",
    ),
    pytest.param(
        ["explain", "a.yaml", "b.yaml"],
        "Oväntade extra argument: b.yaml",
        "Unexpected extra arguments: b.yaml",
        here,
        id="extra-argument",
    ),
    pytest.param(
        ["build", "cases", "--only"],
        "Flaggan '--only' behöver ett värde.",
        "The option '--only' needs a value.",
        here,
        id="option-without-value",
    ),
    pytest.param(
        ["build", "cases", "--only", "avtal"],
        "Ogiltigt värde för --only: okänt dokument avtal; välj beslutsforslag, samarbetsavtal "
        "eller tillaggsavtal",
        "Invalid value for --only: unknown document avtal; choose beslutsforslag, samarbetsavtal "
        "or tillaggsavtal",
        here,
        id="our-own-check",
    ),
]


@pytest.mark.parametrize(("argv", "swedish", "english", "run"), USAGE_ERRORS)
def test_usage_errors_in_both_languages(
    argv: list[str], swedish: str, english: str, run: Callable[..., Completed]
) -> None:
    for env, message, usage, hint in (
        ({"LANG": "sv_SE.UTF-8"}, swedish, "Användning: avtalsgen", "för hjälp."),
        ({"LANG": "en_US.UTF-8"}, english, "Usage: avtalsgen", "for help."),
    ):
        done = run(*argv, **env)
        assert done.returncode == 2, done.stderr
        shown = folded(done.stderr)
        assert message in shown, shown
        if "needs a value" not in english:  # click shows no usage with that one
            assert usage in shown and hint in shown, shown


SEED = Path(__file__).resolve().parents[1] / "cases" / "RUN-00386-2023.yaml"


def _bad_case(folder: Path) -> Path:
    """The seed case with a short Dnr and a misspelt key, beside a copy of its program."""
    folder.mkdir(exist_ok=True)
    shutil.copytree(SEED.parent / "program", folder / "program")
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("dnr: RUN-00386-2023", "dnr: RUN-386-2023")
    text = text.replace("belopp_per_ar: 2000000", "belop_per_ar: 2000000")
    case = folder / "arende.yaml"
    case.write_text(text, encoding="utf-8")
    return case


CHECK = {
    "sv_SE.UTF-8": [
        "{case}:6: dnr: 'RUN-386-2023' är inte ett diarienummer på formen RUN-NNNNN-ÅÅÅÅ: "
        "skriv löpnumret med fem siffror, RUN-00386-2023",
        "{case}:27: finansiering.finansiarer[0].belop_per_ar: okänd nyckel 'belop_per_ar' — "
        "menade du 'belopp_per_ar'?",
        "1 ärendefil har fel: {case}",
    ],
    "en_US.UTF-8": [
        "{case}:6: dnr: 'RUN-386-2023' is not a Dnr of the form RUN-NNNNN-YYYY: write the "
        "serial number with five digits, RUN-00386-2023",
        "{case}:27: finansiering.finansiarer[0].belop_per_ar: unknown key 'belop_per_ar' — "
        "did you mean 'belopp_per_ar'?",
        "1 case file has problems: {case}",
    ],
}
CHECK["C.UTF-8"] = CHECK["sv_SE.UTF-8"]  # the C locale names no language: Swedish


@pytest.mark.parametrize("lang", list(CHECK))
def test_check_speaks_the_shells_language(tmp_path: Path, lang: str) -> None:
    case = _bad_case(tmp_path)
    done = here("check", str(case), LANG=lang)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [line.format(case=case) for line in CHECK[lang]]
    assert done.stdout == ""


def test_a_fact_left_unknown_reads_right_whatever_its_gender() -> None:
    """--strict names a fact left null; the Swedish fits every field's gender ("ett
    organisationsnummer", "en handläggare"): it said "inte ifylld" of an organisationsnummer."""
    done = here("check", "--strict", str(SEED), LANG="sv_SE.UTF-8")
    assert done.returncode == 1
    assert (
        f"{SEED}:16: aktor.organisationsnummer: inget värde ifyllt än (null); dokumenten "
        "visar [uppgift saknas]"
    ) in done.stderr.splitlines()


@pytest.mark.parametrize(
    ("lang", "failed", "missing"),
    [
        ("sv_SE.UTF-8", "misslyckades", "LibreOffice saknas (inget program soffice eller "
         "libreoffice); installera det med: apt-get install libreoffice-writer-nogui"),
        ("en_US.UTF-8", "failed", "LibreOffice is missing (no executable soffice or libreoffice); "
         "install it with: apt-get install libreoffice-writer-nogui"),
    ],
)  # fmt: skip
def test_build_errors_speak_the_shells_language(
    tmp_path: Path, lang: str, failed: str, missing: str
) -> None:
    case = _bad_case(tmp_path / "cases")
    output = tmp_path / "output"
    bad = here("build", str(case), "--output", str(output), LANG=lang)
    assert bad.returncode == 1
    assert f"{failed}  -  {case}" in bad.stdout
    assert f"{case}:27: finansiering.finansiarer[0].belop_per_ar: " in bad.stderr
    assert ("okänd nyckel" if lang.startswith("sv") else "unknown key") in bad.stderr
    # LibreOffice missing: a case that loads, a PATH without soffice
    no_office = here("build", str(SEED), "--output", str(output), LANG=lang, PATH=str(tmp_path))
    assert no_office.returncode == 1
    assert missing in " ".join(no_office.stderr.split()), no_office.stderr
    assert not list(output.rglob("*.pdf"))


@pytest.mark.parametrize(
    ("env", "wanted"),
    [({"LANG": "sv_SE.UTF-8"}, "är ingen PDF-fil"), ({"LANG": "en"}, "not a PDF file")],
)
def test_a_signing_error_follows_the_locale(
    tmp_path: Path, env: dict[str, str], wanted: str
) -> None:
    """sign's errors are lazy messages (``SigningError(_l(…))``): read in the language the
    locale asks for, Swedish or English."""
    text = tmp_path / "RUN-00386-2023" / "paket.pdf"
    text.parent.mkdir()
    text.write_text("hej", encoding="utf-8")
    done = avtalsgen("sign", str(text), "--field", "region", **env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{text}: {wanted}" in done.stderr, done.stderr
