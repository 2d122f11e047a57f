"""Attachments (bilagor) made PDF/A-2b for the packet, or refused.

Every attachment is checked with the same PDF/A-2b check as avtalsgen's own PDFs
(:func:`avtalsgen.pdf.pdfa.pdfa_problems`), against the packet's output intent. One that
passes goes into the packet as it is. One that fails is converted:

1. forbidden actions (JavaScript, Launch and the like) are removed (pikepdf);
2. if it uses device colours the packet's output intent does not stand for (CMYK under
   sRGB), Ghostscript converts its colours to RGB;
3. OCRmyPDF makes it PDF/A-2b with Ghostscript (``--output-type pdfa-2``), giving a
   scanned page a text layer (Tesseract, Swedish) and leaving pages with text as they are.

The result is checked again, in full; if it still fails, the attachment is refused with
the rules it breaks. Nothing passes as PDF/A that is not. A conversion is kept in the cache
(by the attachment's SHA-256 and the tools' versions), so a rebuild does not run it again,
and recorded in the manifest (:class:`Attachment`).

OCRmyPDF, Ghostscript and Tesseract are Debian's (``apt-get install ocrmypdf
tesseract-ocr-swe ghostscript``); each runs in a process group of its own, watched like
soffice, so that none outlives avtalsgen.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen.cache import read_cached, write_cached
from avtalsgen.conversion import reaper
from avtalsgen.conversion.soffice import run_group
from avtalsgen.errors import ConversionError, os_reason
from avtalsgen.i18n import _, ngettext

INSTALL_HINT = "apt-get install ocrmypdf tesseract-ocr-swe ghostscript"
"""The command that installs what the conversion of attachments needs (Debian/Ubuntu)."""
#: Seconds one tool may take for one attachment (OCR of a long scan takes minutes).
TIMEOUT = 900.0
#: The language Tesseract reads scanned attachments in.
OCR_LANGUAGE = "swe"
#: Changes whenever :func:`normalise` makes other files from the same input and tools.
_FORMAT = 1
_OUTPUT_TAIL = 600


@dataclass(frozen=True)
class Attachment:
    """An attachment as it goes into the packet, and how it got there."""

    source: Path
    """The file the case names."""
    path: Path
    """The file that goes into the packet: ``source``, or its conversion."""
    problems: tuple[str, ...] = ()
    """Why ``source`` was not PDF/A-2b (empty when it was taken as it is)."""
    steps: tuple[str, ...] = ()
    """What the conversion did, in words, naming each tool and its version."""
    tools: dict[str, str] = field(default_factory=dict)

    @property
    def converted(self) -> bool:
        """Whether the packet holds a conversion of the file, not the file itself."""
        return bool(self.steps)

    def record(self) -> dict[str, object]:
        """What the manifest says of this attachment's conversion (None-free JSON)."""
        if not self.converted:
            return {"pdfa": "as given"}
        return {
            "pdfa": "converted",
            "because": list(self.problems),
            "steps": list(self.steps),
            "tools": dict(self.tools),
            "sha256": hashlib.sha256(self.path.read_bytes()).hexdigest(),
        }


def prepare_attachment(source: Path, target: Path, intent: str) -> Attachment:
    """``source`` as the packet may take it: itself if it passes the PDF/A-2b check against
    the packet's output intent ``intent`` ("RGB"), else its conversion, made as ``target``.

    Raises :class:`ConversionError` naming the file and the rules it breaks if it cannot
    be made PDF/A-2b, or if the tools are missing or fail.
    """
    problems = attachment_problems(source, intent)
    if not problems:
        return Attachment(source, source)
    steps, tools = normalise(source, target, intent)
    left = attachment_problems(target, intent)
    if left:
        raise ConversionError(
            _(
                "{file}: the attachment is not PDF/A-2b and its conversion with OCRmyPDF is "
                "not either: {problems}"
            ).format(file=source.name, problems="; ".join(left))
        )
    return Attachment(source, target, tuple(problems), steps, tools)


def attachment_problems(path: Path, intent: str) -> list[str]:
    """The PDF/A-2b problems of the attachment at ``path`` against the packet's output
    intent ``intent``; its XMP may claim PDF/A-2A, 2U or 2B."""
    import pikepdf

    from avtalsgen.pdf.pdfa import header_problems, pdfa_problems
    from avtalsgen.pdf.pdffile import open_pdf

    try:
        with path.open("rb") as stream:
            problems = header_problems(stream.read(16))
        with open_pdf(path) as pdf:
            if pdf.is_encrypted:
                raise pikepdf.PasswordError  # refused below, as one that needs a password
            acroform = pdf.Root.get("/AcroForm")
            if isinstance(acroform, pikepdf.Dictionary) and len(acroform.get("/Fields", [])):
                # A conversion would lose the fields, or break the signatures: refused.
                raise ConversionError(
                    _(
                        "{file}: the attachment has form fields or signatures, which cannot be "
                        "carried into the packet (a signature would break); attach a copy "
                        "printed to PDF without them"
                    ).format(file=path.name)
                )
            problems += pdfa_problems(pdf, intent=intent, conformances=("A", "U", "B"))
    except pikepdf.PasswordError:
        raise ConversionError(
            _(
                "{file}: the attachment is encrypted, which PDF/A forbids; attach a copy "
                "without encryption"
            ).format(file=path.name)
        ) from None
    except (OSError, pikepdf.PdfError) as exc:
        raise ConversionError(
            _("{file}: the attachment cannot be read: {error}").format(
                file=path.name, error=os_reason(exc) if isinstance(exc, OSError) else exc
            )
        ) from exc
    return problems


def normalise(source: Path, target: Path, intent: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """Convert ``source`` into the PDF/A-2b file ``target`` (see the module's docstring);
    return what was done, in words, and the versions of the tools that did it."""
    tools = tool_versions()
    data = source.read_bytes()
    made_from = f"{hashlib.sha256(data).hexdigest()}\0{intent}\0{sorted(tools.items())}"
    key = hashlib.sha256(f"{made_from}\0{OCR_LANGUAGE}\0{_FORMAT}".encode()).hexdigest()[:40]
    kept, kept_steps = read_cached(f"attachments/{key}.pdf"), read_cached(f"attachments/{key}.txt")
    if kept is not None and kept_steps is not None:
        target.write_bytes(kept)
        return tuple(kept_steps.decode("utf-8").splitlines()), tools
    steps: list[str] = []
    with reaper.work_folder("avtalsgen-bilaga-") as work:
        current = work / "source.pdf"
        current.write_bytes(data)
        removed = _remove_actions(current, work / "actions.pdf")
        if removed:
            current = work / "actions.pdf"
            steps.append(
                ngettext(
                    "removed {count} action that PDF/A forbids (JavaScript and the like)",
                    "removed {count} actions that PDF/A forbids (JavaScript and the like)",
                    removed,
                ).format(count=removed)
            )
        if _needs_colour_conversion(current, intent):
            _run(_ghostscript_rgb(current, work / "rgb.pdf"), work, "Ghostscript", source)
            current = work / "rgb.pdf"
            steps.append(
                _("colours converted to RGB (Ghostscript {version})").format(
                    version=tools["Ghostscript"]
                )
            )
        _run(_ocrmypdf(current, work / "pdfa.pdf"), work, "OCRmyPDF", source)
        steps.append(
            _(
                "made PDF/A-2b, with a text layer on pages that had none "
                "(OCRmyPDF {ocrmypdf}, Ghostscript {gs}, Tesseract {tesseract}, language {lang})"
            ).format(
                ocrmypdf=tools["OCRmyPDF"],
                gs=tools["Ghostscript"],
                tesseract=tools["Tesseract"],
                lang=OCR_LANGUAGE,
            )
        )
        result = (work / "pdfa.pdf").read_bytes()
    target.write_bytes(result)
    write_cached(f"attachments/{key}.pdf", result)
    write_cached(f"attachments/{key}.txt", "\n".join(steps).encode("utf-8"))
    return tuple(steps), tools


def _remove_actions(source: Path, target: Path) -> int:
    """Write ``source`` without the actions PDF/A forbids to ``target``; return how many
    were removed (nothing is written when none is)."""
    import pikepdf

    from avtalsgen.pdf.pdfa_rules import remove_forbidden_actions

    with pikepdf.open(source) as pdf:
        removed = remove_forbidden_actions(pdf)
        if removed:
            pdf.save(target)
    return removed


def _needs_colour_conversion(path: Path, intent: str) -> bool:
    import pikepdf

    from avtalsgen.pdf.pdfa_rules import colour_problems

    with pikepdf.open(path) as pdf:
        return bool(colour_problems(pdf, intent))


def _ghostscript_rgb(source: Path, target: Path) -> list[str]:
    return [
        _executable("gs"), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
        "-dCompatibilityLevel=1.7", "-dAutoRotatePages=/None",
        "-sColorConversionStrategy=RGB", "-dProcessColorModel=/DeviceRGB",
        f"-sOutputFile={target}", str(source),
    ]  # fmt: skip


def _ocrmypdf(source: Path, target: Path) -> list[str]:
    return [
        _executable("ocrmypdf"), "--quiet", "--output-type", "pdfa-2", "--skip-text",
        "--language", OCR_LANGUAGE, "--optimize", "0", "--jobs", "1", str(source), str(target),
    ]  # fmt: skip


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ConversionError(
            _("{tool} is missing; install it with: {hint}").format(tool=name, hint=INSTALL_HINT)
        )
    return found


def _run(argv: list[str], work: Path, tool: str, source: Path) -> None:
    """Run one tool in a process group of its own (killed with avtalsgen, or after
    :data:`TIMEOUT`); raise ConversionError naming the attachment if it fails."""
    env = {**os.environ, "TMPDIR": str(work), "OMP_THREAD_LIMIT": "1"}
    try:
        status, output = run_group(argv, work, env, TIMEOUT)
    except OSError as exc:
        raise ConversionError(
            _("{file}: cannot start {tool}: {error}").format(
                file=source.name, tool=tool, error=os_reason(exc)
            )
        ) from exc
    except subprocess.TimeoutExpired:
        raise ConversionError(
            _("{file}: {tool} took longer than {seconds:g} s; stopped it").format(
                file=source.name, tool=tool, seconds=TIMEOUT
            )
        ) from None
    if status != 0:
        tail = output.strip()[-_OUTPUT_TAIL:]
        raise ConversionError(
            _("{file}: {tool} could not convert the attachment (exit status {status}): {output}")
            .format(file=source.name, tool=tool, status=status, output=tail)
        )  # fmt: skip


@functools.cache
def tool_versions() -> dict[str, str]:
    """The versions of OCRmyPDF, Ghostscript and Tesseract (asked once per process)."""
    versions = {}
    for tool, argv in (
        ("OCRmyPDF", [_executable("ocrmypdf"), "--version"]),
        ("Ghostscript", [_executable("gs"), "--version"]),
        ("Tesseract", [_executable("tesseract"), "--version"]),
    ):
        try:
            done = subprocess.run(  # noqa: S603 - argv list, no shell
                argv, capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConversionError(
                _("cannot ask {tool} for its version: {error}").format(tool=tool, error=exc)
            ) from exc
        match = re.search(r"\d+(?:\.\d+)+", done.stdout + done.stderr)
        versions[tool] = match.group() if match else "?"
    return versions


def prepare_attachments(sources: Sequence[Path], folder: Path, intent: str) -> list[Attachment]:
    """:func:`prepare_attachment` for each of ``sources``, in order; the problems of all that
    cannot be taken are raised together."""
    prepared, problems = [], []
    for number, source in enumerate(sources, 1):
        try:
            prepared.append(prepare_attachment(source, folder / f"bilaga-{number}.pdf", intent))
        except ConversionError as exc:
            problems.append(exc.message)
    if problems:
        raise ConversionError("\n".join(problems))
    return prepared
