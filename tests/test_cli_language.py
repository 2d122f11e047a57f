"""The command line in the user's language: help texts, typer's and click's own texts and
usage errors, in Swedish (the default, LANG=sv_SE.UTF-8 or --lang sv) and English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from avtalsgen import i18n

#: The avtalsgen command of this environment.
COMMAND = Path(sys.executable).parent / "avtalsgen"


def avtalsgen(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the avtalsgen command with only the given locale variables set."""
    environ = {k: v for k, v in os.environ.items() if k not in i18n.LOCALE_VARIABLES}
    environ.update(env)
    return subprocess.run(
        [str(COMMAND), *argv], capture_output=True, text=True, env=environ, check=False
    )


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
            ["Användning: avtalsgen [FLAGGOR] KOMMANDO [ARGUMENT]...", "Kommandon"],
        ),
        (
            {"LANG": "C.UTF-8"},
            [
                "Usage: avtalsgen [OPTIONS] COMMAND [ARGS]...",
                "Options",
                "Commands",
                "Show this message and exit.",
                "check Validate case files and their programs; needs no LibreOffice.",
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


USAGE_ERRORS = [
    pytest.param(
        ["build"],
        "Argumentet 'SÖKVÄGAR...' saknas.",
        "Missing argument 'PATHS...'.",
        id="missing-argument",
    ),
    pytest.param(
        ["build", "--jobs", "x", "cases"],
        "Ogiltigt värde för '--jobs' / '-j': 'x' är inte ett heltal som är 1 eller större",
        "Invalid value for '--jobs' / '-j': 'x' is not a whole number of 1 or more",
        id="bad-number",
    ),
    pytest.param(
        ["build", "--timeout", "0", "cases"],
        "Ogiltigt värde för '--timeout': '0' är inte ett antal sekunder som är 1 eller större",
        "Invalid value for '--timeout': '0' is not a number of seconds of 1 or more",
        id="bad-seconds",
    ),
    pytest.param(
        ["bild"],
        "Kommandot 'bild' finns inte. Menade du 'build'?",
        "No such command 'bild'. Did you mean 'build'?",
        id="mistyped-command",
    ),
    pytest.param(
        ["check", "--strikt", "cases"],
        "Flaggan finns inte: --strikt (menade du --strict?)",
        "No such option: --strikt (did you mean --strict?)",
        id="mistyped-option",
    ),
    pytest.param(
        ["explain", "a.yaml", "b.yaml"],
        "Oväntade extra argument: b.yaml",
        "Unexpected extra arguments: b.yaml",
        id="extra-argument",
    ),
    pytest.param(
        ["build", "cases", "--only"],
        "Flaggan '--only' behöver ett värde.",
        "The option '--only' needs a value.",
        id="option-without-value",
    ),
    pytest.param(
        ["build", "cases", "--only", "avtal"],
        "Ogiltigt värde för --only: okänt dokument avtal; välj beslutsforslag eller samarbetsavtal",
        "Invalid value for --only: unknown document avtal; choose beslutsforslag or samarbetsavtal",
        id="our-own-check",
    ),
]


@pytest.mark.parametrize(("argv", "swedish", "english"), USAGE_ERRORS)
def test_usage_errors_in_both_languages(argv: list[str], swedish: str, english: str) -> None:
    for env, message, usage, hint in (
        ({"LANG": "sv_SE.UTF-8"}, swedish, "Användning: avtalsgen", "för hjälp."),
        ({"LANG": "C.UTF-8"}, english, "Usage: avtalsgen", "for help."),
    ):
        done = avtalsgen(*argv, **env)
        assert done.returncode == 2, done.stderr
        shown = folded(done.stderr)
        assert message in shown, shown
        if "needs a value" not in english:  # click shows no usage with that one
            assert usage in shown and hint in shown, shown
