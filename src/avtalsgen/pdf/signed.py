"""Whether a packet is signed: the one answer for the build (a signed packet is never
replaced, and the documents beside it are never changed), assembling (which refuses to write
over one) and the manifest. ``sign`` and ``verify`` read the signatures themselves with
pyHanko, which they need anyway.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO


def signed_fields(source: Path | BinaryIO) -> dict[str, bool]:
    """The packet's signature fields in its form's order, each with whether it is signed (a
    field holds its signature in /V); ``source`` is its path or its bytes as a stream.
    Raises :class:`OSError` if the file cannot be read; an unreadable PDF has no fields."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(source) as pdf:
            acroform = pdf.Root.get("/AcroForm")
            if not isinstance(acroform, pikepdf.Dictionary):
                return {}
            return {
                str(field.get("/T", "")): "/V" in field
                for field in acroform.get("/Fields", pikepdf.Array())
                if isinstance(field, pikepdf.Dictionary) and field.get("/FT") == pikepdf.Name.Sig
            }
    except pikepdf.PdfError:
        return {}


def is_signed(source: Path | bytes) -> bool:
    """Whether any signature field of the packet at ``source`` (its path, or its bytes
    read already) is signed. A file that is there but cannot be read as a PDF counts as
    signed when it holds a signature's byte range: what cannot be told unsigned is never
    replaced. The file is read once: a signature's byte range answers without parsing it,
    and an unsigned file is parsed from the bytes read."""
    data = source.read_bytes() if isinstance(source, Path) else source
    if b"/ByteRange" in data:
        return True
    return any(signed_fields(io.BytesIO(data)).values())


@dataclass(frozen=True)
class Signature:
    """What a signed field's signature dictionary (its ``/V``) states of it."""

    time: str | None
    """When it was signed, as the PDF date string ``/M`` gives (pyHanko writes it)."""
    byte_range: tuple[int, ...]
    """The parts of the file it covers (``/ByteRange``: start, length, start, length)."""


def signature_value(source: Path | BinaryIO, field: str) -> Signature | None:
    """The signature of the signature field ``field`` of the PDF at ``source`` (its path or
    its bytes as a stream); None when the field is not signed or the file cannot be read as
    a PDF. The one walk of a form's fields for a signature: :func:`signed_on` and the
    manifest's check of a certified extract read it."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(source) as pdf:
            acroform = pdf.Root.get("/AcroForm")
            if not isinstance(acroform, pikepdf.Dictionary):
                return None
            for entry in acroform.get("/Fields", pikepdf.Array()):
                if not isinstance(entry, pikepdf.Dictionary) or str(entry.get("/T", "")) != field:
                    continue
                value = entry.get("/V")
                if not isinstance(value, pikepdf.Dictionary):
                    continue
                time = str(value.get("/M")) if "/M" in value else None
                return Signature(time, _byte_range(value.get("/ByteRange")))
    except (OSError, pikepdf.PdfError):
        return None
    return None


def _byte_range(value: Any) -> tuple[int, ...]:
    """A signature's ``/ByteRange`` as numbers; empty when it is not an array of them."""
    try:
        return tuple(int(number) for number in value)
    except (TypeError, ValueError):
        return ()


def signed_on(path: Path, field: str) -> dt.date | None:
    """The day (Swedish time) the signature field ``field`` of the PDF at ``path`` was
    signed, from the time its signature dictionary states (``/M``, which pyHanko writes);
    None when the field is not signed, the time is not given or the file cannot be read."""
    signature = signature_value(path, field)
    if signature is None or signature.time is None:
        return None
    return _pdf_date(signature.time)


def _pdf_date(text: str) -> dt.date | None:
    """A PDF date string (``D:20261207000747Z``, ``D:20261207010747+01'00'``) as the day it
    was in Swedish time (a date without an offset taken as UTC); None if it is not one."""
    from avtalsgen.i18n import swedish_time
    from avtalsgen.pdf.pdfa import parse_pdf_date

    try:
        return swedish_time(parse_pdf_date(text)).date()
    except ValueError:
        return None


@dataclass(frozen=True)
class Identity:
    """What tells which packet a PDF is, whoever signed it since: the first part of its
    trailer ``/ID`` (made with the file and kept by every incremental update, the
    signatures' too) and its title (a packet's names its Dnr)."""

    document_id: bytes | None
    title: str


def identity(source: Path | BinaryIO) -> Identity | None:
    """The :class:`Identity` of the PDF at ``source`` (its path or its bytes as a stream);
    None when it cannot be read as a PDF."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(source) as pdf:
            ids = pdf.trailer.get("/ID")
            first = bytes(ids[0]) if isinstance(ids, pikepdf.Array) and len(ids) else None
            info = pdf.trailer.get("/Info")
            title = info.get("/Title") if isinstance(info, pikepdf.Dictionary) else None
            return Identity(first, str(title) if title is not None else "")
    except (OSError, pikepdf.PdfError, ValueError, TypeError):
        return None
