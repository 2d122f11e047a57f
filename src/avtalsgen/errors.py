"""Errors that avtalsgen reports to its users, one class per stage.

Every error carries a message meant for a person and the exit code the CLI maps it to;
the CLI shows the message without a traceback unless ``--verbose`` is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from avtalsgen.i18n import Lazy


class AvtalsgenError(Exception):
    """A failure the user can fix: bad input, a missing tool, a failed conversion.

    ``message`` is in the language of messages when it was raised. An error made of a lazy
    message (``SigningError(_l("{file}: not a PDF", file=path))``, :class:`avtalsgen.i18n.Lazy`)
    has it in every language avtalsgen speaks too (:attr:`texts`),
    for a record that readers of each language read (the web app's audit log).
    """

    exit_code = 1
    #: The language ``message`` is in ("" if not known).
    language: str = ""
    #: The message in each language, by language; empty unless made of a lazy message.
    texts: Mapping[str, str] = MappingProxyType({})

    def __init__(self, message: str | Lazy) -> None:
        from avtalsgen.i18n import Lazy, current_language, in_each_language

        text = str(message)
        super().__init__(text)
        self.message = text
        self.language = current_language()
        if isinstance(message, Lazy):  # _l("…", …): in every language
            self.texts = in_each_language(message.__str__)

    @classmethod
    def of(cls, error: AvtalsgenError) -> Self:
        """``error`` as this kind of error: its message in each language it has."""
        made = cls(error.message)
        made.language, made.texts = error.language, error.texts
        return made

    def text(self) -> str:
        """The message in the current language: as composed in it, else (another
        language's words, or a library's) quoted as a technical reason."""
        from avtalsgen.i18n import current_language

        language = current_language()
        if language in self.texts:
            return self.texts[language]
        if language == self.language:
            return self.message
        return technical_reason(self.message)


def technical_reason(text: str) -> str:
    """A reason in words avtalsgen has no translation of (a library's), quoted as such in
    the current language: "(teknisk orsak: …)"."""
    from avtalsgen.i18n import _

    return _("(technical reason: {reason})").format(reason=text)


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


def os_advice(code: int | None) -> str | None:
    """What to do about an operating-system error of ``code`` (an errno) on a file
    avtalsgen writes, for the common ones; None for the others."""
    import errno

    from avtalsgen.i18n import _

    advice = {
        errno.ENOSPC: _("free some space and try again"),
        errno.EDQUOT: _("free some space, or ask for a larger quota, and try again"),
        errno.EACCES: _("check that you may write there, or choose another folder"),
        errno.EPERM: _("check that you may write there, or choose another folder"),
        errno.EROFS: _("choose a folder on a disk that can be written to"),
    }
    return advice.get(code) if code is not None else None


def os_problem(exc: OSError) -> str:
    """An operating-system error avtalsgen did not expect where it came, as one line: the
    file, why in the current language, and what to do where that can be told
    (``output/batch-report.json: disken är full; frigör utrymme och försök igen``)."""
    reason = os_reason(exc)
    if (advice := os_advice(exc.errno)) is not None:
        reason = f"{reason}; {advice}"
    return f"{exc.filename}: {reason}" if exc.filename else reason
