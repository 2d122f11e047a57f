"""The packet's contents page: the case's title and Dnr, then its documents and attachments,
each with its page range and a link to its first page, tagged as a table of contents
(``H1``, ``P``, ``H2``, ``TOC`` of ``TOCI``, each a ``Link``), drawn directly in Liberation
Sans (:mod:`avtalsgen.pdf.fonts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from avtalsgen.pdf.fonts import Font

if TYPE_CHECKING:
    from avtalsgen.pdf.assemble import PacketMetadata, PacketPart, PartPlacement
    from avtalsgen.pdf.structure import StructureTree

CONTENTS_TITLE = "Innehåll"
_DOCUMENTS_HEADING = "Handlingar"
_ATTACHMENTS_HEADING = "Bilagor"
_PAGES_HEADING = "Sidor"
_PRINT_FLAG = 4


@dataclass
class ContentsFonts:
    regular_path: Path
    bold_path: Path
    regular: Font = field(init=False)
    bold: Font = field(init=False)

    def __post_init__(self) -> None:
        self.regular = Font(self.regular_path, "/F1")
        self.bold = Font(self.bold_path, "/F2")


@dataclass(frozen=True)
class _Line:
    """One line of the contents page; ``entry`` marks where a part's page range goes."""

    text: str
    bold: bool
    size: float
    gap_before: float = 0.0
    entry: int | None = None  # index into the placements
    column_heading: bool = False


@dataclass(frozen=True)
class Layout:
    pages: list[list[tuple[_Line, float]]]  # (line, baseline y) per page


_MARGIN = 72.0
_PAGE_COLUMN = 70.0  # width kept free on the right for the page ranges


def layout_contents(
    documents: Sequence[PacketPart],
    attachments: Sequence[PacketPart],
    metadata: PacketMetadata,
    fonts: ContentsFonts,
    width: float,
    height: float,
) -> Layout:
    text_width = width - 2 * _MARGIN
    entry_width = text_width - _PAGE_COLUMN
    lines: list[_Line] = [_Line(CONTENTS_TITLE, True, 18)]
    for i, text in enumerate(_wrap(metadata.title, fonts.regular, 12, text_width)):
        lines.append(_Line(text, False, 12, 10 if i == 0 else 0))
    lines.append(_Line(f"Dnr {metadata.dnr}", False, 11))
    sections = [(_DOCUMENTS_HEADING, documents, 0)]
    if attachments:
        sections.append((_ATTACHMENTS_HEADING, attachments, len(documents)))
    for heading, parts, first in sections:
        lines.append(_Line(heading, True, 12, 18, column_heading=True))
        for n, part in enumerate(parts):
            wrapped = _wrap(part.title, fonts.regular, 11, entry_width)
            for i, text in enumerate(wrapped):
                lines.append(
                    _Line(text, False, 11, 4 if i == 0 else 0, first + n if i == 0 else None)
                )
    pages: list[list[tuple[_Line, float]]] = [[]]
    y = height - _MARGIN
    for line in lines:
        step = line.gap_before + line.size * 1.35
        if y - step < _MARGIN and pages[-1]:
            pages.append([])
            y = height - _MARGIN
            line = _Line(line.text, line.bold, line.size, 0, line.entry, line.column_heading)
            step = line.size * 1.35
        y -= step
        pages[-1].append((line, y))
    return Layout(pages)


def _wrap(text: str, font: Font, size: float, max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and font.width(candidate, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines or [""]


def _page_range(place: PartPlacement) -> str:
    if place.first_page == place.last_page:
        return str(place.first_page)
    return f"{place.first_page}–{place.last_page}"


def insert_contents(
    pdf: pikepdf.Pdf,
    layout: Layout,
    placements: Sequence[PartPlacement],
    fonts: ContentsFonts,
    width: float,
    height: float,
    tree: StructureTree,
    section: pikepdf.Object,
) -> None:
    """Draw the contents page(s) in front of the packet, tagged in ``section``: the title as
    ``H1``, the case's lines as ``P``, each group's heading as ``H2`` and its entries as a
    ``TOC`` of ``TOCI`` elements, each a ``Link`` to its part's first page."""
    resources = pikepdf.Dictionary()
    pages = []
    for index in range(len(layout.pages)):
        blank = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([0, 0, width, height]),
            Resources=resources,
        )
        pdf.pages.insert(index, pikepdf.Page(blank))
        pages.append(pdf.pages[index])
    links = _ContentsLinks(pdf, tree, placements, width - _MARGIN)
    case_lines: pikepdf.Object | None = None
    toc: pikepdf.Object | None = None
    for page, page_lines in zip(pages, layout.pages, strict=True):
        ops: list[bytes] = []
        for line, y in page_lines:
            font = fonts.bold if line.bold else fonts.regular
            if line.column_heading:
                links.close()
                elem = tree.element(section, "/H2", page=page)
                toc = tree.element(section, "/TOC", page=page)
            elif toc is not None:
                elem = links.element(toc, page, line, y)
            elif line.text == CONTENTS_TITLE and case_lines is None:
                elem = tree.element(section, "/H1", page=page)
            else:
                if case_lines is None:
                    case_lines = tree.element(section, "/P", page=page)
                elem = case_lines
            tag = str(elem.S).lstrip("/").encode("ascii")
            ops.append(b"/%s <</MCID %d>> BDC" % (tag, tree.mark(elem, page)))
            ops.append(_text(font, line.size, _MARGIN, y, line.text))
            label = _PAGES_HEADING if line.column_heading else None
            if line.entry is not None:
                label = _page_range(placements[line.entry])
            if label is not None:
                x = width - _MARGIN - font.width(label, line.size)
                ops.append(_text(font, line.size, x, y, label))
            ops.append(b"EMC")
        page.obj.Contents = pdf.make_stream(b"\n".join(ops))
        links.close()
    resources.Font = pikepdf.Dictionary(
        {
            fonts.regular.resource: fonts.regular.build(pdf),
            fonts.bold.resource: fonts.bold.build(pdf),
        }
    )


class _ContentsLinks:
    """The contents page's entries: a ``TOCI`` with a ``Link`` element per part, and its
    link annotation over the entry's lines, to the part's first page."""

    def __init__(
        self, pdf: pikepdf.Pdf, tree: StructureTree, placements: Sequence[PartPlacement],
        right: float,
    ) -> None:  # fmt: skip
        self.pdf, self.tree, self.placements, self.right = pdf, tree, placements, right
        self.link: pikepdf.Object | None = None
        self.entry = 0
        self.page: pikepdf.Page | None = None
        self.box: list[float] = []

    def element(
        self, toc: pikepdf.Object, page: pikepdf.Page, line: _Line, y: float
    ) -> pikepdf.Object:
        """The element a line of the table of contents is content of."""
        if line.entry is not None:
            self.close()
            item = self.tree.element(toc, "/TOCI", page=page)
            self.link = self.tree.element(item, "/Link", page=page)
            self.entry, self.page = line.entry, page
        if self.link is None or self.page is None or self.page.obj.objgen != page.obj.objgen:
            self.close()  # a line that goes on from the page before
            return self.tree.element(self.tree.element(toc, "/TOCI", page=page), "/P", page=page)
        top, bottom = y + line.size, y - line.size * 0.3
        if self.box:
            self.box = [_MARGIN, min(self.box[1], bottom), self.right, max(self.box[3], top)]
        else:
            self.box = [_MARGIN, bottom, self.right, top]
        return self.link

    def close(self) -> None:
        """Add the open entry's link annotation."""
        if self.link is not None and self.page is not None:
            place = self.placements[self.entry]
            target = self.pdf.pages[place.first_page - 1]
            annot = self.pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=pikepdf.Array(self.box),
                    Border=pikepdf.Array([0, 0, 0]),
                    F=_PRINT_FLAG,
                    Contents=pikepdf.String(f"{place.title}, sidan {_page_range(place)}"),
                    Dest=pikepdf.Array([target.obj, pikepdf.Name.Fit]),
                )
            )
            if "/Annots" not in self.page.obj:
                self.page.obj.Annots = pikepdf.Array()
            self.page.obj.Annots.append(annot)
            self.tree.annotation(self.link, annot, self.page)
        self.link, self.page, self.box = None, None, []


def _text(font: Font, size: float, x: float, y: float, text: str) -> bytes:
    return b"BT %s %g Tf %.2f %.2f Td %s ET" % (
        font.resource.encode("ascii"),
        size,
        x,
        y,
        font.show(text),
    )
