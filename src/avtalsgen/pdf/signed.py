"""Whether a packet is signed: the one answer for the build (a signed packet is never
replaced, and the documents beside it are never changed), assembling (which refuses to write
over one) and the manifest. ``sign`` and ``verify`` read the signatures themselves with
pyHanko, which they need anyway.
"""

from __future__ import annotations

from pathlib import Path


def signed_fields(path: Path) -> dict[str, bool]:
    """The packet's signature fields in its form's order, each with whether it is signed (a
    field holds its signature in /V). Raises :class:`OSError` if the file cannot be read;
    an unreadable PDF has no fields."""
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(path) as pdf:
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


def is_signed(path: Path) -> bool:
    """Whether any signature field of the packet at ``path`` is signed. A file that is there
    but cannot be read as a PDF counts as signed when it holds a signature's byte range:
    what cannot be told unsigned is never replaced."""
    if any(signed_fields(path).values()):
        return True
    try:
        return b"/ByteRange" in path.read_bytes()
    except FileNotFoundError:
        return False
