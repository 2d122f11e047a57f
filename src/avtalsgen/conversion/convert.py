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
from typing import Protocol

from avtalsgen.build.workspace import atomic_write
from avtalsgen.conversion import reaper
from avtalsgen.conversion.profile import copy_profile, keep_profile
from avtalsgen.conversion.properties import carry_properties
from avtalsgen.conversion.soffice import (
    find_soffice,
    output_tail,
    run_soffice,
    scratch_dir,
    soffice_argv,
)
from avtalsgen.conversion.stalepipes import remove_stale_pipes_once
from avtalsgen.errors import ConversionError, OutputError, os_reason
from avtalsgen.i18n import _

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
        remove_stale_pipes_once()  # those of soffice processes killed before
        outdir = prepare(sources, outdir)  # soffice runs in its own working directory
        names = ", ".join(s.name for s in sources)
        with (
            reaper.work_folder("avtalsgen-lo-", scratch_dir()) as work,
            # Staging inside outdir keeps the final rename on one file system (atomic).
            tempfile.TemporaryDirectory(
                prefix=".avtalsgen-pdf-", dir=outdir, ignore_cleanup_errors=True
            ) as s,
        ):
            staging = Path(s)
            profile = work / "profile"
            warm = copy_profile(self.soffice, profile)
            argv = soffice_argv(self.soffice, profile, staging, sources)
            output = run_soffice(
                argv, work, self.timeout, _("converting {files}").format(files=names)
            )
            if not warm:
                keep_profile(self.soffice, profile)
            staged = [staging / f"{src.stem}.pdf" for src in sources]
            for src, pdf in zip(sources, staged, strict=True):
                if not pdf.is_file():
                    raise ConversionError(
                        _("{file}: LibreOffice wrote no PDF for {source}{output}").format(
                            file=pdf.name, source=src, output=output_tail(output)
                        )
                    )
                carry_properties(src, pdf)
                check_archival_pdf(pdf, repair=True)
            return move_into_place([(pdf, outdir / pdf.name) for pdf in staged])


def repair_xmp(path: Path) -> bool:
    """Make the XMP metadata agree with the document information where LibreOffice's do not.

    LibreOffice 7.4 escapes & < > " ' twice when it writes the title, subject and keywords
    into the XMP (``a &amp;amp; b`` for ``a & b``), and PDF/A requires the two to agree.
    Only a PDF that shows the problem is rewritten; returns whether it was. A PDF that
    cannot be read is left as it is, for :func:`check_archival_pdf` to say why.
    """
    import pikepdf

    from avtalsgen.pdf.pdfa import converted_problems
    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with open_pdf(path) as pdf:
            if not converted_problems(pdf, EXPECTED_LANG)[1]:
                return False  # nearly every PDF
    except pikepdf.PdfError:
        return False
    _rewrite_xmp(path)
    return True


def _rewrite_xmp(path: Path) -> None:
    """Write the XMP equivalents of the Info entries LibreOffice gets wrong from the Info."""
    import pikepdf

    from avtalsgen.pdf.pdfa import TEXT_INFO

    data = io.BytesIO()
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        wrong = {key: info[key] for key in TEXT_INFO if key in info}
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp.load_from_docinfo(wrong, delete_missing=False, raise_failure=False)
        # Saved into memory and written from Python: qpdf, writing to a file that fails
        # mid-way (a full disk), ends the whole process (std::terminate) instead of raising.
        pdf.save(data)
    atomic_write(path, data.getvalue(), durable=False)  # the PDF is in a staging folder


def check_archival_pdf(path: Path, lang: str = EXPECTED_LANG, *, repair: bool = False) -> None:
    """Check that ``path`` is a tagged PDF/A-2b PDF whose document language is ``lang``
    and whose XMP agrees with its document information
    (:func:`avtalsgen.pdf.pdfa.converted_problems`).

    With ``repair``, an XMP that disagrees is first rewritten (:func:`repair_xmp`).
    Raises :class:`ConversionError` naming the file and every problem.
    """
    import pikepdf

    from avtalsgen.pdf.pdfa import converted_problems
    from avtalsgen.pdf.pdffile import open_pdf

    name = path.name
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise ConversionError(
            _("{file}: cannot read the PDF: {reason}").format(file=name, reason=os_reason(exc))
        ) from exc
    if head != b"%PDF-":
        raise ConversionError(
            _("{file}: not a PDF (starts with {head}, expected b'%PDF-')").format(
                file=name, head=repr(head)
            )
        )
    try:
        with open_pdf(path) as pdf:
            problems, disagreements = converted_problems(pdf, lang)
        if repair and disagreements:
            _rewrite_xmp(path)
            with open_pdf(path) as pdf:
                problems, disagreements = converted_problems(pdf, lang)
    except pikepdf.PdfError as exc:
        raise ConversionError(
            _("{file}: unreadable PDF: {error}").format(file=name, error=exc)
        ) from exc
    problems += disagreements
    if problems:
        raise ConversionError(f"{name}: " + "; ".join(problems))


def prepare(sources: list[Path], outdir: Path) -> Path:
    """Check the DOCX files (:func:`check_sources`) and make the output folder; return it
    as an absolute path."""
    check_sources(sources)
    outdir = outdir.resolve()
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            _("{folder}: cannot create the output folder: {reason}").format(
                folder=outdir, reason=os_reason(exc)
            )
        ) from exc
    return outdir


def move_into_place(moves: Sequence[tuple[Path, Path]], mode: int | None = None) -> list[Path]:
    """Move each checked PDF (``(staged, final)``, on one file system) to its final name,
    with ``mode`` if given; return the final names. Raises :class:`OutputError` naming the
    PDF that could not be moved."""
    results = []
    for staged, final in moves:
        try:
            if mode is not None:
                staged.chmod(mode)
            staged.replace(final)
        except OSError as exc:
            raise OutputError(
                _("{file}: cannot write the PDF: {reason}").format(
                    file=final, reason=os_reason(exc)
                )
            ) from exc
        results.append(final)
    return results


def check_sources(sources: list[Path]) -> None:
    """Refuse a DOCX that is not there, and two whose PDFs would have the same name."""
    by_stem: dict[str, Path] = {}
    for src in sources:
        if not src.is_file():
            raise ConversionError(_("{file}: no such DOCX file").format(file=src))
        other = by_stem.setdefault(src.stem, src)
        if other != src:
            raise ConversionError(
                _("{first} and {second} would both become {pdf}").format(
                    first=other, second=src, pdf=f"{src.stem}.pdf"
                )
            )
