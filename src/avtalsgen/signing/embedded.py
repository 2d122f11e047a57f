"""Signed documents embedded in a packet: a signed protocol extract travels inside its case's
packet byte for byte, and is verified there like any signed PDF."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from avtalsgen.i18n import _
from avtalsgen.pdf.pdfa import VerificationError
from avtalsgen.pdf.pdffile import open_pdf
from avtalsgen.signing.verify import VerificationReport, verify_packet


@dataclass(frozen=True)
class EmbeddedReport:
    """The verification of one signed PDF embedded in another."""

    name: str
    """The embedded file's name, e.g. RUN-90001-2023-protokollsutdrag-212.pdf."""
    report: VerificationReport


def embedded_signed_pdfs(path: Path) -> list[tuple[str, bytes]]:
    """The embedded files of the PDF at ``path`` that are signed PDFs: (name, bytes)."""
    found = []
    try:
        with open_pdf(path) as pdf:
            for name, spec in pdf.attachments.items():
                data = spec.get_file().read_bytes()
                if data.startswith(b"%PDF-") and b"/ByteRange" in data:
                    found.append((name, data))
    except pikepdf.PdfError as exc:
        raise VerificationError(
            _("{file}: unreadable PDF: {error}").format(file=path, error=exc)
        ) from exc
    return found


def embedded_label(name: str, packet: Path) -> str:
    """The embedded file ``name`` of ``packet`` in words: "protokollsutdrag § 212 (version
    2), embedded in paket-v2.pdf" (for RUN-90001-2023-protokollsutdrag-212-v2.pdf, or the
    name without the Dnr in front that packets built before had); a name that is no
    extract's is given as it is."""
    from avtalsgen.build.workspace import EXTRACT, folder_name, parse_versioned

    document = name
    parsed = parse_versioned(folder_name(name))
    if parsed is not None and parsed[0].startswith(f"{EXTRACT}-"):
        number = parsed[0].removeprefix(f"{EXTRACT}-")
        if number.isascii() and number.isdigit():
            document = f"{EXTRACT} § {number}"
            if parsed[1] > 1:
                document += _(" (version {version})").format(version=parsed[1])
    return _("{document}, embedded in {packet}").format(document=document, packet=packet)


def verify_embedded(path: Path, trust_roots: Sequence[Path] = ()) -> list[EmbeddedReport]:
    """Verify every signed PDF embedded in the PDF at ``path`` as :func:`verify_packet` does
    (every signature field of it signed, PDF/A-2b, sv-SE)."""
    reports = []
    with tempfile.TemporaryDirectory(prefix="avtalsgen-embedded-") as folder:
        for name, data in embedded_signed_pdfs(path):
            copy = Path(folder) / Path(name).name
            copy.write_bytes(data)
            report = verify_packet(copy, trust_roots)
            # Shown as a file inside the packet, not as the temporary copy.
            report = dataclasses.replace(report, path=path, shown_as=embedded_label(name, path))
            reports.append(EmbeddedReport(name, report))
    return reports
