"""Convert DOCX files to archival PDF (PDF/A-2b, tagged) with LibreOffice headless, and
check the PDFs it makes.

One ``soffice`` start converts every file of a call, with a copy of the kept profile
(:mod:`avtalsgen.conversion.profile`) in a work folder of its own, so runs neither share state
nor collide with a LibreOffice the user has open. PDFs are written to a staging directory,
checked with :func:`check_archival_pdf` and only then moved to their final names. Running
soffice itself is :mod:`avtalsgen.conversion.soffice`'s job.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from avtalsgen.build.workspace import atomic_write
from avtalsgen.conversion.profile import copy_profile, keep_profile
from avtalsgen.conversion.soffice import (
    find_soffice,
    output_tail,
    run_soffice,
    scratch_dir,
    soffice_argv,
)
from avtalsgen.errors import ConversionError, OutputError

if TYPE_CHECKING:
    import pikepdf
    from pikepdf.models import PdfMetadata

EXPECTED_LANG = "sv-SE"


class Converter(Protocol):
    """Turns DOCX files into archival PDFs."""

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert ``docx_files`` into ``outdir``; return the PDFs in input order."""
        ...


class LibreOfficeConverter:
    """A :class:`Converter` that runs LibreOffice headless, one start per call."""

    def __init__(self, soffice: str | None = None, timeout: float = 120.0) -> None:
        """Find LibreOffice (``soffice`` or ``libreoffice`` on PATH unless given).

        Raises :class:`ConversionError` with the install command if it is missing.
        """
        self.soffice = find_soffice(soffice)
        self.timeout = timeout

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert all ``docx_files`` in one soffice run; return ``outdir/<stem>.pdf`` each.

        Every PDF must pass :func:`check_archival_pdf` before any is moved into
        ``outdir``, so a failed call leaves no file under a final name.
        """
        sources = [Path(f).resolve() for f in docx_files]
        if not sources:
            return []
        _check_sources(sources)
        outdir = outdir.resolve()  # soffice runs in its own working directory
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot create output directory: {exc}") from exc
        names = ", ".join(s.name for s in sources)
        with (
            tempfile.TemporaryDirectory(
                prefix="avtalsgen-lo-", dir=scratch_dir(), ignore_cleanup_errors=True
            ) as w,
            # Staging inside outdir keeps the final rename on one file system (atomic).
            tempfile.TemporaryDirectory(
                prefix=".avtalsgen-pdf-", dir=outdir, ignore_cleanup_errors=True
            ) as s,
        ):
            work, staging = Path(w), Path(s)
            profile = work / "profile"
            warm = copy_profile(self.soffice, profile)
            argv = soffice_argv(self.soffice, profile, staging, sources)
            output = run_soffice(argv, work, self.timeout, f"converting {names}")
            if not warm:
                keep_profile(self.soffice, profile)
            staged = [staging / f"{src.stem}.pdf" for src in sources]
            for src, pdf in zip(sources, staged, strict=True):
                if not pdf.is_file():
                    raise ConversionError(
                        f"{pdf.name}: LibreOffice wrote no PDF for {src}{output_tail(output)}"
                    )
                check_archival_pdf(pdf, repair=True)
            results = []
            for pdf in staged:
                final = outdir / pdf.name
                try:
                    pdf.replace(final)
                except OSError as exc:
                    raise OutputError(f"{final}: cannot write PDF: {exc}") from exc
                results.append(final)
        return results


def repair_xmp(path: Path) -> bool:
    """Make the XMP metadata agree with the document information where LibreOffice's do not.

    LibreOffice 7.4 escapes & < > " ' twice when it writes the title, subject and keywords
    into the XMP (``a &amp;amp; b`` for ``a & b``), and PDF/A requires the two to agree.
    Only a PDF that shows the problem is rewritten; returns whether it was. A PDF that
    cannot be read is left as it is, for :func:`check_archival_pdf` to say why.
    """
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(path) as pdf:
            if _xmp_agrees(pdf):
                return False  # nearly every PDF
    except pikepdf.PdfError:
        return False
    data = io.BytesIO()
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        wrong = {key: info[key] for key, _ in _XMP_OF_INFO if key in info}
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp.load_from_docinfo(wrong, delete_missing=False, raise_failure=False)
        # Saved into memory and written from Python: qpdf, writing to a file that fails
        # mid-way (a full disk), ends the whole process (std::terminate) instead of raising.
        pdf.save(data)
    atomic_write(path, data.getvalue(), durable=False)  # the PDF is in a staging folder
    return True


def _xmp_agrees(pdf: pikepdf.Pdf, meta: PdfMetadata | None = None) -> bool:
    """Whether the XMP title, subject, author and keywords agree with the document info
    (``meta``: the PDF's XMP metadata, if it has been opened already)."""
    meta = pdf.open_metadata() if meta is None else meta
    info = pdf.docinfo
    return all(
        key not in info or str(meta.get(xmp, "")) in (str(info[key]), f"['{info[key]}']")
        for key, xmp in _XMP_OF_INFO
    )


#: The document information entries LibreOffice writes wrongly into the XMP, and theirs.
_XMP_OF_INFO = (
    ("/Title", "dc:title"),
    ("/Subject", "dc:description"),
    ("/Author", "dc:creator"),
    ("/Keywords", "pdf:Keywords"),
)


def check_archival_pdf(path: Path, lang: str = EXPECTED_LANG, *, repair: bool = False) -> None:
    """Check that ``path`` is a tagged PDF/A-2b PDF whose document language is ``lang``.

    With ``repair``, first :func:`repair_xmp` (in the same reading of the file, unless it
    needs the repair). Raises :class:`ConversionError` naming the file and every problem.
    """
    import pikepdf

    from avtalsgen.pdf.pdffile import open_pdf

    name = path.name
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise ConversionError(f"{name}: cannot read PDF: {exc.strerror or exc}") from exc
    if head != b"%PDF-":
        raise ConversionError(f"{name}: not a PDF (starts with {head!r}, expected b'%PDF-')")
    try:
        with open_pdf(path) as pdf:
            meta = pdf.open_metadata()  # read once for both checks
            repaired = repair and not _xmp_agrees(pdf, meta)
            problems = [] if repaired else _archival_problems(pdf, lang, meta)
        if repaired:
            repair_xmp(path)
            with open_pdf(path) as pdf:
                problems = _archival_problems(pdf, lang)
    except pikepdf.PdfError as exc:
        raise ConversionError(f"{name}: unreadable PDF: {exc}") from exc
    if problems:
        raise ConversionError(f"{name}: " + "; ".join(problems))


def _archival_problems(pdf: pikepdf.Pdf, lang: str, meta: PdfMetadata | None = None) -> list[str]:
    import pikepdf

    problems = []
    meta = pdf.open_metadata() if meta is None else meta
    part, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    if part is None or conformance is None:
        problems.append("XMP metadata has no PDF/A identification, expected PDF/A-2B")
    elif (str(part).strip(), str(conformance).strip()) != ("2", "B"):
        problems.append(f"XMP metadata claims PDF/A-{part}{conformance}, expected PDF/A-2B")
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    # pikepdf returns PDF booleans as Python bool (its stubs say Object).
    marked: object = mark_info.get("/Marked") if isinstance(mark_info, pikepdf.Dictionary) else None
    if marked is not True:
        problems.append("PDF is not tagged (/MarkInfo /Marked is not true)")
    if "/StructTreeRoot" not in root:
        problems.append("PDF has no structure tree (/StructTreeRoot)")
    pdf_lang = root.get("/Lang")
    if pdf_lang is None:
        problems.append(f"PDF declares no language, expected {lang}")
    elif str(pdf_lang).casefold() != lang.casefold():  # BCP 47 tags ignore case
        problems.append(f"PDF claims language {pdf_lang}, expected {lang}")
    return problems


def _check_sources(sources: list[Path]) -> None:
    by_stem: dict[str, Path] = {}
    for src in sources:
        if not src.is_file():
            raise ConversionError(f"{src}: no such DOCX file")
        other = by_stem.setdefault(src.stem, src)
        if other != src:
            raise ConversionError(f"{other} and {src} would both become {src.stem}.pdf")
