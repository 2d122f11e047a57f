"""Which key signs a packet (a PKCS#12 file or a PKCS#11 token), and the errors signing raises.

Light on purpose: the command line and the web app name keys and catch these errors without
importing pyHanko.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.errors import (
    AvtalsgenError,
)
from avtalsgen.i18n import Lazy, _l, ngettext

PKCS11_LIBRARIES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib64/pkcs11/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
    Path("/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so"),
    Path("/usr/lib64/opensc-pkcs11.so"),
)
"""Where :func:`find_pkcs11_library` looks: SoftHSM2 (tests, demos), then OpenSC (cards)."""


class SigningError(AvtalsgenError):
    """A packet could not be signed; nothing was written."""


class KeyUnusable(SigningError):
    """The key itself cannot sign: a wrong PIN or passphrase, no card, a locked PIN, a card
    that failed or was taken out, a certificate that has expired. Signing several packets
    stops at it: the next packet would fail the same way, and a wrong PIN tried again and
    again locks the card."""


@dataclass(frozen=True)
class Pkcs12Key:
    """A key and certificate in a PKCS#12 (.p12, .pfx) file."""

    path: Path
    passphrase: bytes = field(repr=False)
    """The file's passphrase, from an environment variable or a prompt (never argv)."""


@dataclass(frozen=True)
class Pkcs11Key:
    """A key and certificate on a PKCS#11 token (a smart card, or SoftHSM2)."""

    library: Path
    """The token's PKCS#11 module, e.g. ``/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so``."""
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    """The user PIN, from an environment variable or a prompt (never argv)."""
    cert_label: str | None = None
    """Label of the certificate object; defaults to ``key_label``."""
    chain: tuple[Path, ...] = ()
    """PEM/DER files of intermediate CA certificates to embed, if the token lacks them."""


KeySource = Pkcs12Key | Pkcs11Key


class IncompleteError(SigningError):
    """The packet still shows unknown facts, and was not to be signed so."""

    def __init__(self, source: Path, facts: Sequence[str]) -> None:
        from avtalsgen.i18n import in_each_language

        def compose() -> str:
            return "\n".join([self._head(source, facts), *(f"  - {fact}" for fact in facts)])

        super().__init__(compose())
        self.texts = in_each_language(compose)
        self.facts = tuple(facts)

    @staticmethod
    def _head(source: Path, facts: Sequence[str]) -> str:
        from avtalsgen.pdf.unknown import placeholder_count  # PDFium: only when refusing

        count = sum(placeholder_count(fact) for fact in facts)  # a line may hold several
        return ngettext(
            "{file}: the packet still shows {count} unknown fact ([uppgift saknas]); fill it "
            "in where 'avtalsgen check --strict' names it (the case file or its program "
            "file, by line) and build again, or sign the packet as it is with "
            "--ofullstandig:",
            "{file}: the packet still shows {count} unknown facts ([uppgift saknas]); fill "
            "them in where 'avtalsgen check --strict' names them (the case file or its "
            "program file, by line) and build again, or sign the packet as it is with "
            "--ofullstandig:",
            count,
        ).format(file=Path(source.parent.name, source.name), count=count)  # the case's


class FieldSignedError(SigningError):
    """The signature field asked for is signed already (a form sent again, a second
    ``sign``); nothing was written."""

    def __init__(self, message: str | Lazy, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def find_pkcs11_library(candidates: Sequence[Path] = PKCS11_LIBRARIES) -> Path:
    """Return the first PKCS#11 module of ``candidates`` that exists.

    Raises :class:`SigningError` if none does.
    """
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SigningError(
        _l(
            "no PKCS#11 module found (looked for {paths}); install softhsm2 or opensc",
            paths=", ".join(map(str, candidates)),
        )
    )
