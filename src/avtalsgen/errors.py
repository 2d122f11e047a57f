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


class PacketError(AvtalsgenError):
    """A packet could not be assembled: a bad input file or a bad request."""


def _os_reasons() -> dict[int, str]:
    import errno

    from avtalsgen.i18n import _

    return {
        errno.ENOENT: _("No such file or directory"),
        errno.EACCES: _("Permission denied"),
        errno.EPERM: _("Operation not permitted"),
        errno.ENOSPC: _("No space left on device"),
        errno.EDQUOT: _("Disk quota exceeded"),
        errno.EROFS: _("Read-only file system"),
        errno.EISDIR: _("Is a directory"),
        errno.ENOTDIR: _("Not a directory"),
        errno.ELOOP: _("Too many levels of symbolic links"),
        errno.ENAMETOOLONG: _("File name too long"),
        errno.EEXIST: _("File exists"),
        errno.ENOTEMPTY: _("Directory not empty"),
        errno.EIO: _("Input/output error"),
        errno.EMFILE: _("Too many open files"),
        errno.EBUSY: _("Device or resource busy"),
        errno.EXDEV: _("Invalid cross-device link"),
    }


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in the current language: the C library's own
    words in English (``No space left on device``), translated by errno for Swedish."""
    if exc.errno is not None and (reason := _os_reasons().get(exc.errno)):
        return reason
    return exc.strerror or str(exc)
