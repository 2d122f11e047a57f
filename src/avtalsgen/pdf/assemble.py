"""Assemble a case's packet: one PDF/A-2b file for the diarium, ready to be signed.

The packet holds a contents page, the documents (each a PDF/A-2b file from LibreOffice) and
the attachments (bilagor, PDF/A-2 files, converted to PDF/A-2b if they were not: see
:mod:`avtalsgen.conversion.normalise`), in that order, with:

- a bookmark per document and attachment, and page labels ("Samarbetsavtal s. 3");
- metadata in the Info dictionary and in XMP alike: what the packet holds, and as its
  creation date the latest of its documents' (the case's dates, else the build's time);
- the PDF/A identification, one OutputIntent carried over from the documents, a trailer /ID;
- font subset names made unique (each LibreOffice document names its subsets BAAAAA+...);
- one empty signature field per signatory, all made here, before the first signature,
  because adding a field later would change the document under the earlier signatures.

The merge is done with pikepdf (qpdf), which copies pages with everything they use. The
catalog is built anew, on purpose: a merged catalog would drop or mix the inputs' XMP,
OutputIntents and page labels. The packet is tagged: the inputs' structure trees are
merged under one Document (:mod:`avtalsgen.pdf.structure`), the contents page is tagged as
a table of contents with a link per part, and the signature fields as Form elements.
The contents page is drawn directly (:mod:`avtalsgen.pdf.contents`), in Liberation Sans
embedded as a subset with a ToUnicode map (:mod:`avtalsgen.pdf.fonts`), so its text can be
searched and extracted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf

from avtalsgen import __version__
from avtalsgen.build.workspace import atomic_write
from avtalsgen.errors import OutputError, PacketError, os_reason
from avtalsgen.i18n import _
from avtalsgen.pdf import contents as contents_page
from avtalsgen.pdf.docinfo import DocumentInfo, as_datetime, info_entries, pdf_date, xmp_packet
from avtalsgen.pdf.fields import NewField, signature_widget
from avtalsgen.pdf.fonts import BOLD_FONT, REGULAR_FONT, Font, find_font
from avtalsgen.pdf.pdfa import header_problems, parse_pdf_date, pdfa_problems
from avtalsgen.pdf.pdfa_rules import icc_colour_space, unique_subset_names
from avtalsgen.pdf.pdffile import entry, open_pdf
from avtalsgen.pdf.signed import is_signed
from avtalsgen.pdf.structure import StructureTree

AUTHOR = "Region Norrbotten"
LANGUAGE = "sv-SE"
TIMEZONE = ZoneInfo("Europe/Stockholm")  # the same as avtalsgen.pdf.docinfo's

_MAX_PDF_VERSION = (1, 7)  # PDF/A-2 is based on PDF 1.7
_OUTPUT_VERSION = "1.7"
_PRINT_FLAG = 4


@dataclass(frozen=True)
class PacketPart:
    """A document or an attachment of a packet."""

    path: Path
    title: str
    """Shown on the contents page and as the bookmark, e.g. "Samarbetsavtal"."""
    label: str
    """Page-label prefix, e.g. "Samarbetsavtal" or "Bilaga 1" (pages become "Bilaga 1 s. 2")."""
    marked: frozenset[int] = frozenset()
    """The part's pages (1 is its first) that state the packet's marking
    (:attr:`PacketMetadata.marking`) themselves, in their page header and body: they are
    not stamped with it a second time."""


@dataclass(frozen=True)
class SignatureField:
    """An empty signature field to place on a document's page."""

    name: str
    """Field name (no dots), e.g. "region"; used again when signing."""
    document: int
    """Index (0-based) of the document in ``documents`` that carries the field."""
    page: int
    """Page within that document: 1 is the first page, -1 the last."""
    box: tuple[float, float, float, float]
    """(x1, y1, x2, y2) in points from the page's lower-left corner."""
    tooltip: str = ""
    """Text shown for the field, e.g. "Underskrift Region Norrbotten"."""


@dataclass(frozen=True)
class PacketMetadata:
    """Document properties of a packet, all taken from the case."""

    title: str
    """Document title; must contain the Dnr, e.g. "Ärende RUN-00386-2023 – Basfinansiering"."""
    dnr: str
    subject: str
    keywords: tuple[str, ...]
    created: dt.datetime | dt.date | None
    """When the packet was made; a date means midnight in Europe/Stockholm. None: the latest
    creation date its documents state."""
    modified: dt.datetime | dt.date | None = None
    """Defaults to ``created``."""
    author: str = AUTHOR
    language: str = LANGUAGE
    marking: str = ""
    """A marking printed at the top of every page that does not state it already (see
    :attr:`PacketPart.marked`), e.g. the secrecy marking of a secret protocol extract the
    packet holds; empty for none."""
    version: int = 1
    """The packet's version: 2 for paket-v2.pdf (its XMP says so, xmpMM:VersionID)."""
    earlier: EarlierVersion | None = None
    """The version of the case's packet this one follows, if any."""


@dataclass(frozen=True)
class EarlierVersion:
    """The version of a case's packet that a later one follows (its XMP names it, so that
    a copy taken out of the case's folder still says what it follows)."""

    name: str
    """Its file name, e.g. "paket.pdf"."""
    version: int
    document_id: str
    """Its xmpMM:DocumentID; "" when it states none (made before packets had one)."""


@dataclass(frozen=True)
class EmbeddedFile:
    """A file embedded in the packet as it is, e.g. a signed protocol extract (a PDF/A-2b
    file, as PDF/A-2 requires of embedded files)."""

    name: str
    data: bytes
    description: str


@dataclass(frozen=True)
class PartPlacement:
    """Where a part ended up in the packet (1-based packet page numbers)."""

    title: str
    label: str
    first_page: int
    last_page: int


@dataclass(frozen=True)
class Packet:
    """An assembled packet."""

    path: Path
    page_count: int
    contents_pages: int
    documents: tuple[PartPlacement, ...]
    attachments: tuple[PartPlacement, ...]
    fields: tuple[str, ...] = field(default=())
    marking: str = ""
    """The marking printed on every page (:attr:`PacketMetadata.marking`); empty if none."""


def assemble_packet(
    documents: Sequence[PacketPart],
    attachments: Sequence[PacketPart],
    metadata: PacketMetadata,
    fields: Sequence[SignatureField],
    output: Path,
    *,
    overwrite_signed: bool = False,
    embedded: Sequence[EmbeddedFile] = (),
    names: Mapping[Path, Path] | None = None,
) -> Packet:
    """Merge ``documents`` and ``attachments`` into the packet ``output``.

    Documents must be PDF/A-2b files; attachments must pass the same PDF/A-2b check, read
    in full and against the documents' output intent, and have no form fields
    (:mod:`avtalsgen.conversion.normalise` converts those that do not). Each problem raises
    :class:`PacketError` naming the file. The packet is written beside ``output`` first,
    checked (PDF syntax and :func:`avtalsgen.pdf.pdfa.check_pdfa_structure`), then renamed;
    an existing ``output`` that holds signatures is replaced only if ``overwrite_signed``.
    Messages name a file as ``names`` gives it, if it does: the file the user will look
    for, where ``output`` and the documents are made in a staging folder.
    """
    if not documents:
        raise PacketError("a packet needs at least one document")
    _check_request(documents, metadata, fields)
    output = Path(output)
    if output.exists() and not overwrite_signed and is_signed(output):
        raise PacketError(
            _("{file}: is already signed; refusing to replace it").format(file=output)
        )
    with contextlib.ExitStack() as stack:
        # 1. Open every input and refuse the ones that cannot go into a PDF/A-2b packet.
        named = dict(names or {})
        docs = [stack.enter_context(_open_input(p, document=True, named=named)) for p in documents]
        intent = _output_intent(docs[0])
        space = icc_colour_space(intent.DestOutputProfile.read_bytes())
        atts = [
            stack.enter_context(_open_input(p, document=False, intent=space, named=named))
            for p in attachments
        ]
        _check_colour_spaces(intent, [*documents, *attachments], [*docs, *atts], named)
        # 2. Copy the pages, after room for the contents page.
        packet = stack.enter_context(pikepdf.new())
        counts = [len(pdf.pages) for pdf in [*docs, *atts]]
        fonts = contents_page.ContentsFonts(find_font(REGULAR_FONT), find_font(BOLD_FONT))
        width, height = _page_size(docs[0].pages[0])
        layout = contents_page.layout_contents(
            documents, attachments, metadata, fonts, width, height
        )
        offset = len(layout.pages)
        placements = _placements([*documents, *attachments], counts, offset)
        # The parts' structure trees go under one Document, after the contents page's.
        tree = StructureTree(packet)
        contents_part = tree.element(tree.document, "/Sect", title=contents_page.CONTENTS_TITLE)
        parts = []
        bookmarks = []  # each part's own bookmarks, pointing at its pages in the packet
        for source, placement in zip([*docs, *atts], placements, strict=True):
            first = len(packet.pages)
            packet.pages.extend(source.pages)
            copied = [packet.pages[i] for i in range(first, len(packet.pages))]
            parts.append(tree.add_part(source, copied, placement.title))
            bookmarks.append(part_bookmarks(source, copied))
        # 3. Draw the contents page(s) in front, tagged, with a link per part.
        contents_page.insert_contents(
            packet, layout, placements, fonts, width, height, tree, contents_part
        )
        if metadata.marking:
            # The contents page(s), the attachments and any page that does not state the
            # marking itself; a document's page that does is left as it is (three times
            # on one page, the stamp, the page header and the top of the text, was noise).
            stated = {  # 0-based indexes in the packet
                placement.first_page + number - 2
                for part, placement in zip([*documents, *attachments], placements, strict=True)
                for number in part.marked
                if number <= placement.last_page - placement.first_page + 1
            }
            _mark_pages(packet, metadata.marking, skip=stated)
        unique_subset_names(packet)  # each document's BAAAAA+..., CAAAAA+... made distinct
        # 4. Catalog: OutputIntent, metadata, outline, page labels, signature fields.
        packet.Root.OutputIntents = pikepdf.Array([_copy(packet, intent)])
        packet.Root.Lang = pikepdf.String(metadata.language)
        packet.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        packet.Root.PageMode = pikepdf.Name.UseOutlines
        created = _created(metadata, docs)
        _set_metadata(packet, metadata, created)
        _add_outline(packet, placements, bookmarks)
        _add_page_labels(packet, offset, placements)
        field_names = _add_fields(packet, fields, placements[: len(documents)], tree, parts)
        tree.install()
        _embed(packet, embedded, created)
        # 5. Write beside the target, check, then move into place.
        sources = [
            (named.get(part.path, part.path).name, place.first_page, place.last_page)
            for part, place in zip([*documents, *attachments], placements, strict=True)
        ]
        _write_checked(
            packet, output, metadata.language, range(1, offset + 1),
            named.get(output, output), sources,
        )  # fmt: skip
    n = len(documents)
    return Packet(
        path=output,
        page_count=offset + sum(counts),
        contents_pages=offset,
        documents=tuple(placements[:n]),
        attachments=tuple(placements[n:]),
        fields=tuple(field_names),
        marking=metadata.marking,
    )


# --- inputs -------------------------------------------------------------------------------


def _check_request(
    documents: Sequence[PacketPart], metadata: PacketMetadata, fields: Sequence[SignatureField]
) -> None:
    problems = []
    if metadata.dnr not in metadata.title:
        problems.append(f"the title {metadata.title!r} does not contain the Dnr {metadata.dnr}")
    names: set[str] = set()
    for f in fields:
        if not f.name or "." in f.name:
            problems.append(f"signature field name {f.name!r} must be non-empty, without dots")
        if f.name in names:
            problems.append(f"signature field {f.name!r} is given twice")
        names.add(f.name)
        if not 0 <= f.document < len(documents):
            problems.append(
                f"signature field {f.name!r}: no document {f.document} (there are {len(documents)})"
            )
        x1, y1, x2, y2 = f.box
        if not (x1 < x2 and y1 < y2):
            problems.append(f"signature field {f.name!r}: box {f.box} must have x1 < x2, y1 < y2")
        if f.page == 0:
            problems.append(f"signature field {f.name!r}: page 0 does not exist (1 is the first)")
    if problems:
        raise PacketError("; ".join(problems))


@contextlib.contextmanager
def _open_input(
    part: PacketPart,
    *,
    document: bool,
    intent: str | None = None,
    named: Mapping[Path, Path] | None = None,
) -> Iterator[pikepdf.Pdf]:
    """Open ``part`` and check it can go into the packet; raise PacketError naming it (as
    ``named`` gives its path, if it does: a document made in a staging folder by the file
    the user will look for)."""
    # "x.pdf (bilaga): ...", the problem said of the file: Swedish nouns have genders.
    name = _("{file} ({kind})").format(
        file=(named or {}).get(part.path, part.path),
        kind=_("document") if document else _("attachment"),
    )
    try:
        with part.path.open("rb") as f:
            head = f.read(1024)
    except OSError as exc:
        raise PacketError(
            _("{file}: cannot be read: {reason}").format(file=name, reason=os_reason(exc))
        ) from exc
    if b"%PDF-" not in head:
        raise PacketError(_("{file}: the file is not a PDF file").format(file=name))
    try:
        pdf = open_pdf(part.path)
    except pikepdf.PasswordError:
        raise PacketError(
            _("{file}: the file is encrypted (password protected)").format(file=name)
        ) from None
    except pikepdf.PdfError as exc:
        raise PacketError(
            _("{file}: the file is a broken PDF: {error}").format(file=name, error=exc)
        ) from None
    try:
        problems = _input_problems(pdf, document=document, intent=intent)
        if problems:
            raise PacketError(f"{name}: " + "; ".join(problems))
        yield pdf
    finally:
        pdf.close()


def _input_problems(pdf: pikepdf.Pdf, *, document: bool, intent: str | None) -> list[str]:
    if pdf.is_encrypted:
        return [_("the file is encrypted")]
    try:
        # qpdf's full check of an attachment (a file from anywhere). Documents are PDF/A
        # files LibreOffice has just made; every object of theirs that goes into the packet
        # is checked there, when the written packet is (see _write_checked).
        syntax = [] if document else [p for p in pdf.check_pdf_syntax() if p.startswith("ERROR")]
        warnings = pdf.get_warnings()
    except pikepdf.PdfError as exc:
        return [_("the file is a broken PDF: {error}").format(error=exc)]
    if syntax or warnings:
        return [_("the file is a broken PDF: {error}").format(error=(syntax or warnings)[0])]
    if len(pdf.pages) == 0:
        return [_("the file has no pages")]
    version = tuple(int(p) for p in pdf.pdf_version.split(".")[:2])
    if version > _MAX_PDF_VERSION:
        return [
            _("the file is PDF {version}; a PDF/A-2 packet takes PDF 1.7 at most").format(
                version=pdf.pdf_version
            )
        ]
    acroform = entry(pdf.Root, "/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and len(acroform.get("/Fields", [])):
        return [
            _("the file has form fields or signatures, which cannot be carried into the packet")
        ]
    if document:
        # LibreOffice's own, just made from avtalsgen's templates: its structure and fonts
        # are checked, its content is not read again (it takes ten times as long).
        return pdfa_problems(pdf, content=False)
    # An attachment: the whole check, every page read, against the packet's output intent
    # (avtalsgen.conversion.normalise converts one that fails before it comes here).
    return pdfa_problems(pdf, intent=intent, conformances=("A", "U", "B"))


def _output_intent(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The first document's PDF/A OutputIntent, which the packet carries over."""
    for intent in pdf.Root.get("/OutputIntents", pikepdf.Array()):
        if intent.get("/S") == pikepdf.Name.GTS_PDFA1 and "/DestOutputProfile" in intent:
            return intent
    raise AssertionError("pdfa_problems has required an OutputIntent in each document")


def _check_colour_spaces(
    intent: pikepdf.Object,
    parts: Sequence[PacketPart],
    pdfs: Sequence[pikepdf.Pdf],
    named: Mapping[Path, Path],
) -> None:
    """Refuse inputs made for another output colour space than the packet's intent.

    A packet has one OutputIntent; device colours of every page are read through it, so
    inputs must agree on its colour space (RGB, CMYK, gray). The profiles themselves may
    differ in their bytes (another LibreOffice build, a creation date in the header).
    """
    ours = _icc_colour_space(intent.DestOutputProfile.read_bytes())
    for part, pdf in zip(parts, pdfs, strict=True):
        for other in pdf.Root.get("/OutputIntents", pikepdf.Array()):
            if "/DestOutputProfile" not in other:
                continue
            theirs = _icc_colour_space(other.DestOutputProfile.read_bytes())
            if theirs != ours:
                raise PacketError(
                    f"{named.get(part.path, part.path)}: is made for {theirs} output; "
                    f"the packet's output intent is {ours}"
                )


def _icc_colour_space(profile: bytes) -> str:
    return profile[16:20].decode("ascii", "replace").strip() or "unknown"


def _page_size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.mediabox
    return float(box[2]) - float(box[0]), float(box[3]) - float(box[1])


def _placements(
    parts: Sequence[PacketPart], counts: Sequence[int], offset: int
) -> list[PartPlacement]:
    placements = []
    first = offset + 1
    for part, count in zip(parts, counts, strict=True):
        placements.append(PartPlacement(part.title, part.label, first, first + count - 1))
        first += count
    return placements


def _copy(pdf: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """Copy ``obj`` (direct or indirect) from another PDF into ``pdf``."""
    if obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _copy(pdf, v) for k, v in obj.items()})
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, v) for v in obj])
    return obj


# --- metadata -----------------------------------------------------------------------------


def _keywords(metadata: PacketMetadata) -> tuple[str, ...]:
    words = list(dict.fromkeys(metadata.keywords))  # each once, in order
    if metadata.dnr not in words:
        words.insert(0, metadata.dnr)
    return tuple(words)


def _producer() -> str:
    return f"avtalsgen {__version__} (pikepdf {pikepdf.__version__})"


def _created(metadata: PacketMetadata, documents: Sequence[pikepdf.Pdf]) -> dt.datetime:
    """The packet's creation date: the one given, else the latest its documents state
    (a packet is made when its last document is), else now."""
    if metadata.created is not None:
        return as_datetime(metadata.created)
    found = []
    for pdf in documents:
        info = pdf.trailer.get("/Info")
        stated = info.get("/CreationDate") if isinstance(info, pikepdf.Dictionary) else None
        if stated is None:
            continue
        with contextlib.suppress(ValueError):
            found.append(as_datetime(parse_pdf_date(str(stated))))
    return max(found) if found else dt.datetime.now(TIMEZONE).replace(microsecond=0)


def _set_metadata(pdf: pikepdf.Pdf, metadata: PacketMetadata, created: dt.datetime) -> None:
    """Write the Info dictionary and an XMP packet that say the same things."""
    info = DocumentInfo(
        title=metadata.title,
        author=metadata.author,
        subject=metadata.subject,
        keywords=_keywords(metadata),
        creator="avtalsgen",
        producer=_producer(),
        created=created,
        modified=as_datetime(metadata.modified) if metadata.modified else created,
        language=metadata.language,
        **_archive_info(metadata, created),
    )
    entries = {key: pikepdf.String(value) for key, value in info_entries(info).items()}
    pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(entries))
    stream = pdf.make_stream(xmp_packet(info))
    stream.Type = pikepdf.Name.Metadata
    stream.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = stream


def packet_document_id(dnr: str, version: int) -> str:
    """The xmpMM:DocumentID of the case's packet version ``version``: the same for every
    build of that version (a version not signed yet is replaced by the next build: the same
    document), another for each version."""
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'urn:avtalsgen:{dnr}:paket:{version}')}"


def _archive_info(metadata: PacketMetadata, created: dt.datetime) -> dict[str, Any]:
    """The packet's XMP for an archivist (:class:`DocumentInfo`'s fields): its Dnr as
    dc:identifier, its date (the day of its creation date) as dc:date, its version and
    DocumentID, and the earlier version it follows (dc:relation in words, xmpMM:DerivedFrom
    by DocumentID where the earlier one states it)."""
    earlier = metadata.earlier
    relation: tuple[str, ...] = ()
    derived: tuple[str, str] | None = None
    if earlier is not None:
        relation = (
            f"Föregående version av ärendets paket: {earlier.name} "
            f"(Dnr {metadata.dnr}, version {earlier.version})",
        )
        if earlier.document_id:
            derived = (earlier.document_id, str(earlier.version))
    return {
        "identifier": metadata.dnr,
        "date": as_datetime(created).astimezone(TIMEZONE).date(),
        "document_id": packet_document_id(metadata.dnr, metadata.version),
        "version": str(metadata.version),
        "derived_from": derived,
        "relation": relation,
    }


# --- outline, page labels, fields ---------------------------------------------------------


def _add_outline(
    pdf: pikepdf.Pdf,
    placements: Sequence[PartPlacement],
    bookmarks: Sequence[Sequence[pikepdf.OutlineItem]],
) -> None:
    """A bookmark for the contents page and one per part, each part's own bookmarks (its
    headings, as :func:`part_bookmarks` gives them) nested under it, closed."""
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(contents_page.CONTENTS_TITLE, 0))
        for place, own in zip(placements, bookmarks, strict=True):
            item = pikepdf.OutlineItem(place.title, place.first_page - 1)
            item.children.extend(own)
            item.is_closed = bool(own)
            outline.root.append(item)


#: How deep and how many of a part's own bookmarks the packet carries (an attachment's
#: outline may be anything).
_OUTLINE_DEPTH, _OUTLINE_ITEMS = 16, 10_000


def part_bookmarks(
    source: pikepdf.Pdf, copied: Sequence[pikepdf.Page]
) -> list[pikepdf.OutlineItem]:
    """The bookmarks of ``source`` (a part of the packet), made anew to point at the
    packet's pages ``copied`` from it, each at the place on its page its own pointed at.

    A LibreOffice document's bookmarks are its title (H1) with its headings under it: the
    title's bookmark is left out, as the part's own bookmark stands for it, and its headings
    come up a level ("Samarbetsavtal" > "1. Parter"). A bookmark that points at no page of
    ``source`` (a named destination, an action) points at the part's first page.
    """
    outlines = source.Root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary) or not copied:
        return []
    pages = {page.obj.objgen: packet for page, packet in zip(source.pages, copied, strict=True)}

    def destination(item: pikepdf.Dictionary) -> pikepdf.Array:
        dest = item.get("/Dest")
        action = item.get("/A")
        if (
            dest is None
            and isinstance(action, pikepdf.Dictionary)
            and action.get("/S") == pikepdf.Name.GoTo
        ):
            dest = action.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].is_indirect:
            page = pages.get(dest[0].objgen)
            if page is not None:
                return pikepdf.Array([page.obj, *dest[1:]])
        return pikepdf.Array([copied[0].obj, pikepdf.Name.Fit])

    seen: set[tuple[int, int]] = set()  # each bookmark once: a loop in a broken outline ends

    def items(first: object, depth: int) -> list[pikepdf.OutlineItem]:
        found = []
        node = first
        while (
            isinstance(node, pikepdf.Dictionary)
            and node.objgen not in seen
            and depth < _OUTLINE_DEPTH
            and len(seen) < _OUTLINE_ITEMS
        ):
            seen.add(node.objgen)
            made = pikepdf.OutlineItem(str(node.get("/Title", "")), destination(node))
            made.children.extend(items(node.get("/First"), depth + 1))
            made.is_closed = True
            found.append(made)
            node = node.get("/Next")
        return found

    top = items(outlines.get("/First"), 0)
    if len(top) == 1 and top[0].children:
        return list(top[0].children)
    return top


def _add_page_labels(pdf: pikepdf.Pdf, offset: int, placements: Sequence[PartPlacement]) -> None:
    if offset == 1:
        contents = pikepdf.Dictionary(P=pikepdf.String(contents_page.CONTENTS_TITLE))
    else:
        contents = pikepdf.Dictionary(
            S=pikepdf.Name.D, P=pikepdf.String(f"{contents_page.CONTENTS_TITLE} ")
        )
    nums: list[object] = [0, contents]
    for place in placements:
        label = pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(f"{place.label} s. "))
        nums += [place.first_page - 1, label]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _add_fields(
    pdf: pikepdf.Pdf,
    fields: Sequence[SignatureField],
    documents: Sequence[PartPlacement],
    tree: StructureTree,
    parts: Sequence[pikepdf.Object],
) -> list[str]:
    """Add one empty, visible, printable signature field (merged with its widget) per field,
    tagged as a ``Form`` element (described by its tooltip) at the end of its document."""
    refs = []
    for f in fields:
        place = documents[f.document]
        count = place.last_page - place.first_page + 1
        if not -count <= f.page <= count:
            raise PacketError(
                f"signature field {f.name!r}: {place.title} has {count} pages, not page {f.page}"
            )
        index = (place.first_page - 1) + (f.page - 1 if f.page > 0 else count + f.page)
        page = pdf.pages[index]
        x1, y1, x2, y2 = f.box
        px1, py1, px2, py2 = (float(v) for v in page.mediabox)
        if x1 < px1 or y1 < py1 or x2 > px2 or y2 > py2:
            raise PacketError(
                f"signature field {f.name!r}: box {f.box} is outside the page "
                f"({px1:g} {py1:g} {px2:g} {py2:g})"
            )
        ref = signature_widget(pdf, page, NewField(f.name, index, f.box, f.tooltip))
        refs.append(ref)
        described = f.tooltip or f.name
        form = tree.element(parts[f.document], "/Form", alt=described, page=page)
        tree.annotation(form, ref, page)
    if refs:
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(refs)))
    return [f.name for f in fields]


def _write_checked(
    pdf: pikepdf.Pdf,
    output: Path,
    lang: str,
    drawn: range,
    shown_as: Path,
    sources: Sequence[tuple[str, int, int]],
) -> None:
    """Write ``pdf`` to ``output`` only if what is written passes a syntax check and the
    PDF/A-2b structure check (read back from the bytes that are written).

    The pages ``drawn`` here (numbered from 1) are checked in full. The other pages and
    their fonts are the inputs', copied unchanged, and were checked when they were opened:
    an attachment's by qpdf's check and its fonts, a document's by the PDF/A checks, and
    PDFium reads its content streams when its facts are checked (by the build, or for a
    protocol extract when it was made). Re-reading them all would double this check's time.

    A problem names the packet as ``shown_as`` and says which of its ``sources`` (each
    part's file name, first and last page in the packet) holds which pages, so that a
    problem on a page leads to the document it came from.
    """
    # Saved into memory and written from Python: qpdf, writing to a file that fails mid-way
    # (a full disk), ends the whole process (std::terminate) instead of raising.
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        force_version=_OUTPUT_VERSION,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
    )
    data = buffer.getvalue()
    with open_pdf(io.BytesIO(data)) as written:
        error = _syntax_error(written, drawn)
        if error:
            raise PacketError(
                _("{file}: the written packet fails qpdf's check: {error}").format(
                    file=shown_as, error=error
                )
            )
        problems = header_problems(data[:16]) + pdfa_problems(written, lang, font_pages=drawn)
    if problems:
        pages = [_("{pages} the contents").format(pages=_pages(drawn.start, drawn.stop - 1))]
        pages += [f"{_pages(first, last)} {name}" for name, first, last in sources]
        raise PacketError(
            _("{file}: the packet is not PDF/A-2b: {problems} (its pages: {pages})").format(
                file=shown_as, problems="; ".join(problems), pages=", ".join(pages)
            )
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(output, data)
    except OSError as exc:
        raise OutputError(
            _("{file}: cannot write the packet: {reason}").format(
                file=output, reason=os_reason(exc)
            )
        ) from exc


def _pages(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


#: Image compressions qpdf does not decode (a scanned attachment's pages use them).
_IMAGE_CODECS = frozenset({"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"})


def _syntax_error(pdf: pikepdf.Pdf, drawn: range) -> str | None:
    """The first problem qpdf finds reading every object and stream of ``pdf`` and the
    content streams of the pages ``drawn``; None if there is none."""
    try:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                filters = obj.get("/Filter")
                names = (
                    {str(filters)}
                    if isinstance(filters, pikepdf.Name)
                    else set(map(str, filters or ()))
                )
                if names & _IMAGE_CODECS:  # qpdf decodes none of these: their bytes are read
                    obj.read_raw_bytes()
                else:
                    obj.read_bytes()
        for number in drawn:
            pikepdf.parse_content_stream(pdf.pages[number - 1])
    except pikepdf.PdfError as exc:
        problem = str(exc)
    else:
        warnings = pdf.get_warnings()
        problem = warnings[0] if warnings else ""
    # qpdf names the file it reads, here a buffer in memory: the caller names the file.
    return _BUFFER_NAME.sub("", problem).replace("stream  (", "stream (") or None


_BUFFER_NAME = re.compile(r"<_io\.BytesIO object at 0x[0-9a-f]+>")


# --- markings and embedded files ----------------------------------------------------------

#: The marking's font size and its distance from the page's top edge, in points.
_MARK_SIZE, _MARK_TOP = 9.0, 20.0


def _mark_pages(pdf: pikepdf.Pdf, marking: str, skip: Collection[int] = ()) -> None:
    """Print ``marking`` in bold at the top left of every page but those in ``skip`` (0-based
    indexes of pages that state it already); a pagination artifact for screen readers, so
    the documents and the metadata state it too."""
    font = Font(find_font(BOLD_FONT), "/AvtalsgenMarkering")
    font.glyphs(marking)
    font_obj = font.build(pdf)
    for index, page in enumerate(pdf.pages):
        if index in skip:
            continue
        x1, _y1, _x2, y2 = (float(v) for v in page.mediabox)
        name = page.add_resource(font_obj, pikepdf.Name.Font, prefix="AvtMark")
        ops = b"/Artifact <</Type /Pagination /Subtype /Header>> BDC q 0 g BT %s %g Tf " % (
            str(name).encode("ascii"),
            _MARK_SIZE,
        )
        ops += b"%.2f %.2f Td %s ET Q EMC" % (x1 + 36, y2 - _MARK_TOP, font.show(marking))
        page.contents_add(pdf.make_stream(ops), prepend=False)


def _embed(pdf: pikepdf.Pdf, files: Sequence[EmbeddedFile], when: dt.datetime) -> None:
    """Embed ``files`` (byte for byte) in the packet's EmbeddedFiles name tree."""
    for item in files:
        spec = pikepdf.AttachedFileSpec(
            pdf,
            item.data,
            description=item.description,
            filename=item.name,
            mime_type="application/pdf",
            creation_date=pdf_date(when),
            mod_date=pdf_date(when),
        )
        pdf.attachments[item.name] = spec
