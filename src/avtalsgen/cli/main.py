"""The ``avtalsgen`` command's entry point: the language first, then the command line.

The help texts are translated when the command line is defined, so ``--lang`` is read from
the arguments before :mod:`avtalsgen.cli.app` is imported.
"""

from __future__ import annotations

import sys

#: Warnings that libraries give about themselves, which no user of avtalsgen can act on, as
#: (message, module that triggers it): matched exactly, so that any other warning still shows.
LIBRARY_WARNINGS = (
    # pyHanko imports cryptography's DSA key type (for DSA signatures, which avtalsgen neither
    # makes nor accepts), and cryptography deprecates DSA on that import with a
    # CryptographyDeprecationWarning (a UserWarning; named so, cryptography would be imported).
    (r"DSA is deprecated", r"pyhanko\."),
)


def silence_library_warnings() -> None:
    """Ignore the warnings of :data:`LIBRARY_WARNINGS`."""
    import warnings

    for message, module in LIBRARY_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=UserWarning, module=module)


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


def set_language(argv: list[str]) -> None:
    """Speak the language ``--lang`` names among ``argv``, if it names one avtalsgen
    speaks; else the environment's."""
    from avtalsgen import i18n

    language = language_in(argv)
    if language in i18n.LANGUAGES:
        i18n.set_language(language)


def run() -> None:
    """Hand the command to a running converter's preloaded avtalsgen, or else set the
    language of messages and run the command line."""
    # While a converter runs, its preloaded avtalsgen runs build and utdrag: nothing else is
    # imported before (see avtalsgen.cli.delegate).
    from avtalsgen.cli.delegate import run_served

    status = run_served(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    silence_library_warnings()
    set_language(sys.argv[1:])
    from avtalsgen.cli.app import run as run_app

    run_app()
