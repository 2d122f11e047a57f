"""The ``avtalsgen`` command's entry point: the language first, then the command line.

The help texts are translated when the command line is defined, so ``--lang`` is read from
the arguments before :mod:`avtalsgen.cli.app` is imported.
"""

from __future__ import annotations

import sys


def language_in(argv: list[str]) -> str | None:
    """The value of ``--lang`` among the arguments, if given."""
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--lang="):
            return argument.partition("=")[2]
    return None


def run() -> None:
    """Set the language of messages, then run the command line."""
    from avtalsgen import i18n

    language = language_in(sys.argv[1:])
    if language in i18n.LANGUAGES:
        i18n.set_language(language)
    # While a converter runs, its preloaded avtalsgen runs build and utdrag (no imports here).
    from avtalsgen.cli.delegate import run_served

    status = run_served(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from avtalsgen.cli.app import run as run_app

    run_app()
