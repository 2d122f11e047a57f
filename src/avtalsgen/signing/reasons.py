"""Why a token or pyHanko failed, in avtalsgen's words (a known failure) or quoted as a
technical reason.
"""

from __future__ import annotations

from collections.abc import Callable

import pkcs11
from pyhanko.pdf_utils.misc import PdfReadError, PdfWriteError
from pyhanko.sign.general import UnacceptableSignerError

from avtalsgen.errors import (
    AvtalsgenError,
    os_reason,
    technical_reason,
)
from avtalsgen.i18n import N_, _

#: The failures of the token (PKCS#11) and of pyHanko that avtalsgen words itself, most
#: specific first; any other is quoted in the library's words (:func:`reason`).
_KNOWN_FAILURES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((pkcs11.DeviceRemoved, pkcs11.TokenNotPresent), N_("the card or token was removed")),
    ((pkcs11.TokenNotRecognised,), N_("the card or token is not recognised")),
    ((pkcs11.PinIncorrect,), N_("wrong PIN")),
    ((pkcs11.PinLocked,), N_("the PIN is locked")),
    ((pkcs11.PinExpired,), N_("the PIN has expired; change it with the card's own tool")),
    (
        (pkcs11.FunctionCancelled, pkcs11.FunctionRejected),
        N_("the signing was cancelled or refused on the card reader"),
    ),
    (
        (pkcs11.SessionClosed, pkcs11.SessionHandleInvalid, pkcs11.UserNotLoggedIn),
        N_("the session with the card or token ended; sign again"),
    ),
    (
        (pkcs11.KeyHandleInvalid, pkcs11.ObjectHandleInvalid, pkcs11.NoSuchKey),
        N_("the key was not found on the card or token"),
    ),
    (
        (pkcs11.MechanismInvalid, pkcs11.KeyTypeInconsistent, pkcs11.FunctionNotSupported),
        N_("the key on the card or token cannot make this kind of signature"),
    ),
    (
        (pkcs11.DeviceError, pkcs11.DeviceMemory, pkcs11.GeneralError, pkcs11.FunctionFailed),
        N_("the card or token failed; take it out, put it back and try again"),
    ),
    (
        (UnacceptableSignerError,),
        N_("the signer's certificate does not meet what the signature field requires"),
    ),
    ((PdfReadError,), N_("the file is damaged or not a PDF")),
    ((PdfWriteError,), N_("the signed PDF could not be written")),
)


def because(exc: BaseException) -> Callable[[], str]:
    """:func:`reason` of ``exc``, for a message composed in each language (``exc`` itself
    is gone once its ``except`` block ends)."""
    return lambda: reason(exc)


def reason(exc: BaseException) -> str:
    """Why ``exc`` happened, in the current language (a message composed in each language
    calls it in each): avtalsgen's own error as it was composed, a known failure of the
    token or of pyHanko in avtalsgen's words, any other in the library's own words, quoted
    as a technical reason ("(teknisk orsak: …)")."""
    if isinstance(exc, AvtalsgenError):
        return exc.text()
    if isinstance(exc, OSError):
        return os_reason(exc)
    for kinds, words in _KNOWN_FAILURES:
        if isinstance(exc, kinds):
            return _(words)
    return technical_reason(str(exc) or type(exc).__name__)
