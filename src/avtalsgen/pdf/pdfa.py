"""The PDF/A-2b structure of a PDF, checked before and after signing.

:func:`check_pdfa_structure` checks a PDF against the rules of PDF/A-2b that matter for
avtalsgen's files and its attachments (it is no complete validator such as veraPDF): PDF/A
identification in XMP, one OutputIntent, trailer /ID, no encryption, PDF 1.7 at most,
every font embedded with the widths its program gives and a CIDToGIDMap where one is
needed (signature appearances included), unique font subset names, annotation flags and
appearances, and an Info dictionary consistent with XMP; with
:mod:`avtalsgen.pdf.pdfa_rules`, no forbidden actions (JavaScript and the like), no device
colour the output intent does not stand for, and no objects PDF/A forbids.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont

from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _
from avtalsgen.pdf.pdfa_rules import (
    action_problems,
    colour_problems,
    object_problems,
    output_intent_space,
    program_identity,
    state_streams,
    subset_name_problems,
)
from avtalsgen.pdf.pdffile import entry, open_pdf


class VerificationError(AvtalsgenError):
    """A file could not be verified at all (missing, not a PDF, bad trust anchors)."""


def check_pdfa_structure(path: Path, lang: str | None = None) -> list[str]:
    """Return the PDF/A-2b structure problems of the PDF at ``path`` (empty if none).

    ``lang``, if given, is the document language the catalog must declare (e.g. ``"sv-SE"``).
    Raises :class:`VerificationError` if the file cannot be read as a PDF.
    """
    try:
        with path.open("rb") as f:
            header = f.read(16)
    except OSError as exc:
        raise VerificationError(
            _("{file}: cannot read: {reason}").format(file=path, reason=os_reason(exc))
        ) from exc
    problems = header_problems(header)
    try:
        with open_pdf(path) as pdf:
            problems += pdfa_problems(pdf, lang, embedded_files=True)
    except pikepdf.PasswordError:
        problems.append(_("the file is encrypted"))
    except pikepdf.PdfError as exc:
        raise VerificationError(
            _("{file}: unreadable PDF: {error}").format(file=path, error=exc)
        ) from exc
    return problems


def header_problems(header: bytes) -> list[str]:
    """The problem of a PDF's first bytes, if they do not declare PDF 1.0 to 1.7."""
    if not header.startswith(b"%PDF-1.") or header[7:8] not in b"01234567":
        return [_("header {header} is not %PDF-1.0 to %PDF-1.7").format(header=repr(header[:8]))]
    return []


def pdfa_problems(
    pdf: pikepdf.Pdf,
    lang: str | None = None,
    *,
    font_pages: Collection[int] | None = None,
    intent: str | None = None,
    conformances: Collection[str] = ("B",),
    content: bool = True,
    embedded_files: bool = False,
) -> list[str]:
    """The PDF/A-2b problems of an open PDF (see :func:`check_pdfa_structure`).

    With ``embedded_files``, files embedded in it are allowed if each is a PDF/A-2 file
    itself (ISO 19005-2, 6.8), checked here (a signed extract in its packet); without, an
    embedded file is a problem (the packet does not take its inputs' embedded files).

    With ``font_pages`` (numbered from 1), the fonts and content of only those pages are
    read, and the whole file is not searched for forbidden objects: the packet, whose
    other pages are its inputs' and were checked when they were opened. ``intent`` is the
    colour space ("RGB", "CMYK", "GRAY") the content must suit, by default the PDF's own
    output intent's (an attachment is checked against the packet's). ``conformances`` are
    the PDF/A-2 levels its XMP may claim (an attachment may be 2A or 2U as well). Without
    ``content`` no content stream is read, and actions, subset names and forbidden objects
    are not searched for: a document LibreOffice has just made, as the packet takes it (the
    packet itself is checked for all of them)."""
    problems = []
    if pdf.is_encrypted:
        problems.append(_("the file is encrypted"))
    version = str(entry(pdf.Root, "/Version", pdf.pdf_version)).lstrip("/")
    if version not in {f"1.{n}" for n in range(8)}:
        problems.append(_("PDF version {version} is above 1.7").format(version=version))
    xmp = _xmp_values(pdf)
    problems += _identification_problems(xmp, conformances)
    problems += _output_intent_problems(pdf)
    trailer_id = pdf.trailer.get("/ID")
    if not (isinstance(trailer_id, pikepdf.Array) and len(trailer_id) == 2):
        problems.append(_("the trailer has no /ID"))
    problems += font_problems(pdf, font_pages)
    problems += _annotation_problems(pdf)
    if content:
        problems += subset_name_problems(pdf)
        problems += action_problems(pdf)
        problems += colour_problems(pdf, intent or output_intent_space(pdf), font_pages)
        if font_pages is None:
            problems += object_problems(pdf, embedded_files=embedded_files)
    if embedded_files:
        problems += embedded_file_problems(pdf)
    problems += _info_problems(pdf, xmp)
    if lang is not None:
        problems += _language_problems(pdf, lang)
    return problems


def embedded_file_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Each embedded file of ``pdf`` that is not a PDF/A-2 file (itself without embedded
    files), as PDF/A-2 requires (6.8)."""
    problems = []
    for name, spec in pdf.attachments.items():
        try:
            data = spec.get_file().read_bytes()
            with open_pdf(io.BytesIO(data)) as inner:
                found = header_problems(data[:16]) + pdfa_problems(inner)
        except pikepdf.PdfError as exc:
            found = [_("not a PDF ({error})").format(error=exc)]
        if found:
            problems.append(
                _("the embedded file {name} is not PDF/A-2b: {problems}").format(
                    name=name, problems="; ".join(found)
                )
            )
    return problems


def _language_problems(pdf: pikepdf.Pdf, lang: str) -> list[str]:
    found = pdf.Root.get("/Lang")
    if found is None:
        return [_("the PDF declares no language, expected {lang}").format(lang=lang)]
    if str(found).casefold() != lang.casefold():  # BCP 47 tags ignore case
        return [
            _("the PDF declares language {found}, expected {lang}").format(found=found, lang=lang)
        ]
    return []


def _xmp_values(pdf: pikepdf.Pdf) -> dict[str, Any] | str | None:
    """The XMP values the checks compare (read once); None if there is no XMP metadata,
    the problem if it cannot be read."""
    if "/Metadata" not in pdf.Root:
        return None
    try:
        stream = pdf.Root.Metadata
        key = stream.read_bytes() if isinstance(stream, pikepdf.Stream) else None
        if key is not None and (found := _xmp_read.get(key)) is not None:
            return dict(found)
        meta = pdf.open_metadata()
        keys = ("pdfaid:part", "pdfaid:conformance", *_INFO_TO_XMP.values())
        values = {name: meta.get(name) for name in keys}
    except Exception as exc:  # noqa: BLE001 - any XMP parse failure is this one problem
        return _("the XMP metadata cannot be read: {error}").format(error=exc)
    if key is not None:
        if len(_xmp_read) >= _KEPT_XMP:
            _xmp_read.clear()
        _xmp_read[key] = dict(values)
    return values


#: The values :func:`_xmp_values` read, by the bytes of the XMP they were read from: a
#: converted document's XMP is read by its check after conversion and again by the
#: packet's check of its inputs (pikepdf takes about 0.6 ms to look them up).
_xmp_read: dict[bytes, dict[str, Any]] = {}
_KEPT_XMP = 256


def _identification_problems(
    xmp: dict[str, Any] | str | None, conformances: Collection[str] = ("B",)
) -> list[str]:
    if xmp is None:
        return [_("no XMP metadata (PDF/A identification missing)")]
    if isinstance(xmp, str):
        return [xmp]
    part, conformance = xmp["pdfaid:part"], xmp["pdfaid:conformance"]
    if part is None or conformance is None:
        return [_("the XMP metadata has no PDF/A identification, expected PDF/A-2B")]
    if str(part).strip() != "2" or str(conformance).strip().upper() not in conformances:
        return [
            _("the XMP metadata claims PDF/A-{claimed}, expected PDF/A-2B").format(
                claimed=f"{part}{conformance}"
            )
        ]
    return []


def _output_intent_problems(pdf: pikepdf.Pdf) -> list[str]:
    intents = [
        i
        for i in pdf.Root.get("/OutputIntents", pikepdf.Array())
        if isinstance(i, pikepdf.Dictionary) and i.get("/S") == pikepdf.Name.GTS_PDFA1
    ]
    if not intents:
        return [_("no PDF/A OutputIntent (/GTS_PDFA1)")]
    if len(intents) > 1:
        return [_("{count} PDF/A OutputIntents, expected one").format(count=len(intents))]
    profile = intents[0].get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        return [_("the PDF/A OutputIntent has no ICC profile (/DestOutputProfile)")]
    return []


def font_problems(pdf: pikepdf.Pdf, pages: Collection[int] | None = None) -> list[str]:
    """One problem per font that is used but not embedded, saying where it is used.

    Walks page resources, form XObjects, patterns, Type 3 fonts and annotation appearance
    streams (so signature appearances are included), of every page or of ``pages``
    (numbered from 1).
    """
    walker = _FontWalker()
    for number, page in enumerate(pdf.pages, start=1):
        if pages is not None and number not in pages:
            continue
        walker.resources(page.obj.get("/Resources"), _("page {number}").format(number=number))
        for annot in entry(page.obj, "/Annots", pikepdf.Array()):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            where = _("page {number}, {annotation} appearance").format(
                number=number, annotation=_annotation_name(annot)
            )
            appearance = entry(annot, "/AP")
            if isinstance(appearance, pikepdf.Dictionary):
                for state in appearance.values():
                    for stream in state_streams(state):
                        walker.xobject(stream, where)
    return walker.problems


class _FontWalker:
    def __init__(self) -> None:
        self.seen: set[tuple[int, int]] = set()
        self.problems: list[str] = []

    def _first_visit(self, obj: pikepdf.Object) -> bool:
        if not obj.is_indirect:
            return True
        key = obj.objgen
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def resources(self, resources: object, where: str) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in _values(resources.get("/Font")):
            if isinstance(font, pikepdf.Dictionary) and self._first_visit(font):
                self.font(font, where)
        for xobject in _values(entry(resources, "/XObject")):
            self.xobject(xobject, where)
        for pattern in _values(entry(resources, "/Pattern")):
            if isinstance(pattern, pikepdf.Stream) and self._first_visit(pattern):
                self.resources(pattern.get("/Resources"), where)

    def xobject(self, xobject: object, where: str) -> None:
        if (
            isinstance(xobject, pikepdf.Stream)
            and xobject.get("/Subtype") == pikepdf.Name.Form
            and self._first_visit(xobject)
        ):
            self.resources(xobject.get("/Resources"), where)

    def font(self, font: pikepdf.Dictionary, where: str) -> None:
        subtype = font.get("/Subtype")
        name = str(font.get("/BaseFont", "(unnamed)")).lstrip("/")
        if subtype == pikepdf.Name.Type3:
            self.resources(font.get("/Resources"), where)
            return
        target: object = font
        if subtype == pikepdf.Name.Type0:
            descendants = font.get("/DescendantFonts")
            target = descendants[0] if isinstance(descendants, pikepdf.Array) else None
        descriptor = (
            target.get("/FontDescriptor") if isinstance(target, pikepdf.Dictionary) else None
        )
        embedded = isinstance(descriptor, pikepdf.Dictionary) and not descriptor.keys().isdisjoint(
            ("/FontFile", "/FontFile2", "/FontFile3")
        )
        if not embedded:
            self.problems.append(
                _("{where}: font {name} is not embedded").format(where=where, name=name)
            )
        elif (
            isinstance(target, pikepdf.Dictionary)
            and target.get("/Subtype") == pikepdf.Name.CIDFontType2
            and "/CIDToGIDMap" not in target
        ):
            self.problems.append(
                _(
                    "{where}: font {name} (a CIDFontType2) has no CIDToGIDMap, which PDF/A "
                    "requires (ISO 19005-2, 6.2.11.3.2)"
                ).format(where=where, name=name)
            )
        elif isinstance(target, pikepdf.Dictionary) and isinstance(descriptor, pikepdf.Dictionary):
            problem = _cid_width_problem(target, descriptor)
            if problem:
                self.problems.append(
                    _("{where}: font {name}: {problem}").format(
                        where=where, name=name, problem=problem
                    )
                )


def _cid_width_problem(cid_font: pikepdf.Dictionary, descriptor: pikepdf.Dictionary) -> str:
    """Compare a CIDFontType2's /W widths with its embedded TrueType program (PDF/A rule).

    Only fonts with ``/CIDToGIDMap /Identity`` are checked (those avtalsgen and pyHanko
    write); others pass unchecked.
    """
    program = descriptor.get("/FontFile2")
    widths = entry(cid_font, "/W")
    if (
        cid_font.get("/Subtype") != pikepdf.Name.CIDFontType2
        or cid_font.get("/CIDToGIDMap") != pikepdf.Name.Identity
        or not isinstance(program, pikepdf.Stream)
        or not isinstance(widths, pikepdf.Array)
    ):
        return ""
    try:
        advances, units = _advances(program)
        for cid, width in _w_entries(widths):
            if cid >= len(advances):
                return _("glyph {cid} is not in the embedded font program").format(cid=cid)
            expected = advances[cid] * 1000 / units
            if abs(width - expected) > 1:
                return _(
                    "width {width} of glyph {cid} disagrees with the font program's "
                    "{expected} (1/1000 em)"
                ).format(width=f"{width:g}", cid=cid, expected=f"{expected:g}")
    except Exception as exc:  # noqa: BLE001 - fontTools' TTLibError, struct.error and more
        return _("the embedded font program cannot be read: {error}").format(error=exc)
    return ""


#: How many font programs :func:`_advances` keeps the widths of (with their bytes, as keys:
#: our contents page's two are 22 kB each).
_KEPT_PROGRAMS = 64
_advances_of: dict[bytes, tuple[list[int], int]] = {}


def _advances(program: pikepdf.Stream) -> tuple[list[int], int]:
    """The advance width of each glyph of an embedded TrueType program, by glyph number,
    and its units per em. A program is read once (the contents page's fonts are the same
    in nearly every packet), known by its bytes as stored and how they are encoded
    (:func:`~avtalsgen.pdf.pdfa_rules.program_identity`), looked up by those bytes: for a
    22 kB program some 20 µs, where hashing them with SHA-256 took 90)."""
    key = program_identity(program)
    found = _advances_of.get(key)
    if found is None:
        tt = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        # Glyphs are read by number: names of our own spare fontTools making them up
        # from the font's cmap, which takes longer than the rest of the check.
        order = [f"g{gid}" for gid in range(int(tt["maxp"].numGlyphs))]
        tt.setGlyphOrder(order)
        metrics = tt["hmtx"].metrics
        found = ([metrics[name][0] for name in order], int(tt["head"].unitsPerEm))
        if len(_advances_of) >= _KEPT_PROGRAMS:
            _advances_of.clear()
        _advances_of[key] = found
    return found


def _w_entries(widths: pikepdf.Array) -> Iterator[tuple[int, float]]:
    """(CID, width) pairs of a /W array: ``c [w1 w2 ...]`` and ``c_first c_last w``."""
    items = list(widths)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, value in enumerate(items[i + 1]):
                yield first + offset, float(value)
            i += 2
        else:
            last, same = int(items[i + 1]), float(items[i + 2])
            for cid in range(first, last + 1):
                yield cid, same
            i += 3


def _values(obj: object) -> list[pikepdf.Object]:
    return list(obj.values()) if isinstance(obj, pikepdf.Dictionary) else []


def _annotation_name(annot: pikepdf.Dictionary) -> str:
    if entry(annot, "/FT") == pikepdf.Name.Sig or "/T" in annot:
        return _("field '{name}'").format(name=str(annot.get("/T", "?")))
    return _("{kind} annotation").format(kind=str(annot.get("/Subtype", "/Annot")).lstrip("/"))


_HIDDEN_FLAGS = 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView
_PRINT_FLAG = 4


def _annotation_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    acroform = entry(pdf.Root, "/AcroForm")
    # pikepdf returns PDF booleans as Python bool (its stubs say Object).
    need: object = (
        entry(acroform, "/NeedAppearances") if isinstance(acroform, pikepdf.Dictionary) else None
    )
    if need is True:
        problems.append(_("the form sets /NeedAppearances true"))
    for number, page in enumerate(pdf.pages, start=1):
        for annot in entry(page.obj, "/Annots", pikepdf.Array()):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = annot.get("/Subtype")
            if subtype == pikepdf.Name.Popup:
                continue
            where = _("page {number}, {annotation}").format(
                number=number, annotation=_annotation_name(annot)
            )
            flags = int(annot.get("/F", 0))
            if not flags & _PRINT_FLAG or flags & _HIDDEN_FLAGS:
                problems.append(
                    _("{where}: annotation flags {flags} (must print, not hide)").format(
                        where=where, flags=flags
                    )
                )
            appearance = entry(annot, "/AP")
            if subtype == pikepdf.Name.Link:
                continue
            if not isinstance(appearance, pikepdf.Dictionary) or "/N" not in appearance:
                problems.append(_("{where}: no normal appearance (/AP /N)").format(where=where))
            elif set(appearance.keys()) != {"/N"}:
                problems.append(
                    _("{where}: appearance has entries other than /N").format(where=where)
                )
    return problems


_INFO_TO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}


def _info_problems(
    pdf: pikepdf.Pdf, xmp: dict[str, Any] | str | None, keys: Collection[str] | None = None
) -> list[str]:
    """PDF/A: every Info entry (of ``keys``, if given) that has an XMP equivalent must say
    the same (``xmp`` as :func:`_xmp_values` read it; a missing or unreadable XMP is another
    problem)."""
    info = pdf.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary) or not isinstance(xmp, dict):
        return []
    problems = []
    present = info.keys()  # one call: pikepdf's 'in' of a str is some 7 µs a key
    for key, xmp_key in _INFO_TO_XMP.items():
        if key not in present or (keys is not None and key not in keys):
            continue
        value = str(info[key])
        other = xmp[xmp_key]
        if isinstance(other, list):
            other = ", ".join(str(item) for item in other if item is not None)
        if other is None:
            problems.append(
                _("Info {key} is {value} but XMP has no {xmp_key}").format(
                    key=key, value=repr(value), xmp_key=xmp_key
                )
            )
        elif key.endswith("Date"):
            if not _same_instant(value, str(other)):
                problems.append(
                    _("Info {key} {value} differs from XMP {xmp_key} {other}").format(
                        key=key, value=value, xmp_key=xmp_key, other=other
                    )
                )
        elif value != str(other):
            problems.append(
                _("Info {key} {value} differs from XMP {xmp_key} {other}").format(
                    key=key, value=repr(value), xmp_key=xmp_key, other=repr(other)
                )
            )
    return problems


def parse_pdf_date(text: str) -> dt.datetime:
    """Parse a PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``), leniently, like readers do:
    the fields after the year may be left out, the offset's apostrophes too; a date without
    an offset is naive. The one parser of PDF dates (the Info dictionary's, a signature's
    ``/M``): pikepdf's. Raises :class:`ValueError` if ``text`` is not one."""
    from pikepdf.models.metadata import decode_pdf_date

    return decode_pdf_date(text.strip())


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    try:
        first = parse_pdf_date(pdf_date)
        second = dt.datetime.fromisoformat(xmp_date)
    except ValueError:
        return False
    if first.tzinfo is None or second.tzinfo is None:
        return first.replace(tzinfo=None) == second.replace(tzinfo=None)
    return first == second


# --- converted documents ------------------------------------------------------------------

#: The Info entries whose XMP equivalents LibreOffice 7.4 writes wrongly (it escapes & < > " '
#: twice): :func:`avtalsgen.conversion.convert.repair_xmp` rewrites them from the Info.
TEXT_INFO = ("/Title", "/Author", "/Subject", "/Keywords")


def converted_problems(pdf: pikepdf.Pdf, lang: str) -> tuple[list[str], list[str]]:
    """What a document LibreOffice converted must be before it goes further, its XMP read
    once: the problems that make it no tagged PDF/A-2b in ``lang`` (identification, tags,
    structure tree, language), and where its XMP disagrees with its Info on the
    :data:`TEXT_INFO` entries (which a repair of the XMP mends). The packet and every
    signed file get the whole :func:`pdfa_problems` check."""
    xmp = _xmp_values(pdf)
    problems = _identification_problems(xmp)
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    # pikepdf returns PDF booleans as Python bool (its stubs say Object).
    marked: object = mark_info.get("/Marked") if isinstance(mark_info, pikepdf.Dictionary) else None
    if marked is not True:
        problems.append(_("the PDF is not tagged (/MarkInfo /Marked is not true)"))
    if "/StructTreeRoot" not in root:
        problems.append(_("the PDF has no structure tree (/StructTreeRoot)"))
    # LibreOffice writes the language of the Word template's default style: say where.
    problems += [
        _("{problem}: the template's language is not {lang}; set it in the paragraph style "
          "Normal (in Word: select all text, Review > Language > Set Proofing Language; in "
          "LibreOffice: Tools > Language > For All Text) and save the template").format(
            problem=problem, lang=lang
        )
        for problem in _language_problems(pdf, lang)
    ]  # fmt: skip
    return problems, _info_problems(pdf, xmp, TEXT_INFO)
