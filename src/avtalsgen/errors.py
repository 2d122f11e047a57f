"""Errors that avtalsgen reports to its users, one class per stage.

Every error carries a message meant for a person and the exit code the CLI maps it to;
the CLI shows the message without a traceback unless ``--verbose`` is given.
"""

from __future__ import annotations


class AvtalsgenError(Exception):
    """A failure the user can fix: bad input, a missing tool, a failed conversion."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CaseError(AvtalsgenError):
    """A case, program or meeting file is unreadable or invalid.

    ``problems`` holds one ``file:line: field: message`` line per problem found.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class RenderError(AvtalsgenError):
    """A template could not be rendered from a valid case."""


class TemplateCheckError(AvtalsgenError):
    """A template uses variables that the models do not provide."""


class ConversionError(AvtalsgenError):
    """LibreOffice failed to produce a valid archival PDF."""


class OutputError(AvtalsgenError):
    """An output file could not be written."""
