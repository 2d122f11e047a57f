"""The document properties of a converted PDF: those of the Word file it was made from.

LibreOffice writes the time of the conversion as the PDF's creation date and splits the
Word file's keywords at every space ("Swedish Lapland Visitors Board" becomes four
keywords). The PDF gets the Word file's dates and keywords (and title, subject, author and
language) instead, in an incremental update (:func:`avtalsgen.pdf.docinfo.append_metadata`).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from avtalsgen.errors import ConversionError
from avtalsgen.i18n import _

_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"


def carry_properties(docx: Path, pdf: Path) -> None:
    """Give ``pdf`` the properties of ``docx``, the Word file it was converted from.

    A Word file without a creation date leaves the PDF's (the conversion's time).
    Raises :class:`ConversionError` naming the file if either cannot be read.
    """
    from avtalsgen.pdf.docinfo import KEYWORD_SEPARATOR, DocumentInfo, MetadataError
    from avtalsgen.pdf.docinfo import append_metadata as append

    try:
        with zipfile.ZipFile(docx) as archive:
            core = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise ConversionError(
            _("{file}: cannot read its document properties: {error}").format(
                file=docx.name, error=exc
            )
        ) from exc

    def text(tag: str) -> str:
        found = core.find(tag)
        return (found.text or "").strip() if found is not None else ""

    created = _w3cdtf(text(f"{_DCTERMS}created"))
    if created is None:
        return
    modified = _w3cdtf(text(f"{_DCTERMS}modified")) or created
    keywords = text(f"{_CP}keywords")
    info = DocumentInfo(
        title=text(f"{_DC}title"),
        author=text(f"{_DC}creator"),
        subject=text(f"{_DC}subject"),
        keywords=tuple(k for k in keywords.split(KEYWORD_SEPARATOR) if k),
        creator=None,
        producer=None,
        created=created,
        modified=modified,
        language=text(f"{_DC}language") or "sv-SE",
    )
    try:
        append(pdf, info)
    except MetadataError as exc:
        raise ConversionError(exc.message) from exc


def _w3cdtf(value: str) -> dt.datetime | None:
    """A Word property's date (``2024-11-05T00:00:00Z``), in Swedish time; None if none."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    from avtalsgen.pdf.docinfo import TIMEZONE

    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(TIMEZONE)
