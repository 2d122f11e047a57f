"""Reading the PDF that is to be signed or verified: its bytes, or a clear error."""

from __future__ import annotations

from pathlib import Path

from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _


def read_pdf(path: Path, error: type[AvtalsgenError]) -> bytes:
    """The bytes of the PDF at ``path``; ``error`` names the file when it cannot be read or
    is not a PDF."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(
            _("{file}: cannot read: {reason}").format(file=path, reason=os_reason(exc))
        ) from exc
    if not data.startswith(b"%PDF-"):
        raise error(_("{file}: not a PDF file").format(file=path))
    return data
