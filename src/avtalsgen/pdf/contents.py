"""The packet's contents page: the case's title and Dnr, then its documents and attachments,
each with its page range and a link to its first page, tagged as a table of contents
(``H1``, ``P``, ``H2``, ``TOC`` of ``TOCI``, each a ``Link``), drawn directly in Liberation
Sans (:mod:`avtalsgen.pdf.fonts`).

As a screen reader reads it: each ``Link`` says its part and pages ("Tilläggsavtal nr 1,
sidorna 4–6") in its ``Alt``; its text is the title, then the page range after a real space
(drawn, not only seen); a line that goes on from the one before (a long title) starts with
a space too; the column heading "Sidor" is an artifact, each group's heading ("Handlingar")
an ``H2`` of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
    new_paragraph: bool = False  # a line that starts a paragraph of its own (the Dnr)


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
    lines.append(_Line(f"Dnr {metadata.dnr}", False, 11, new_paragraph=True))
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
            line = replace(line, gap_before=0)
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


def _described(place: PartPlacement) -> str:
    """A part as its link tells it: "Tilläggsavtal nr 1, sidorna 4–6" ("…, sidan 4")."""
    pages = "sidan" if place.first_page == place.last_page else "sidorna"
    return f"{' '.join(place.title.split())}, {pages} {_page_range(place)}"


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
        previous: pikepdf.Object | None = None  # the element of the line before
        pending: tuple[pikepdf.Object, _Line, float] | None = None  # an entry's page range
        for line, y in page_lines:
            font = fonts.bold if line.bold else fonts.regular
            goes_on = toc is not None and line.entry is None and not line.column_heading
            if pending is not None and not goes_on:
                ops += _page_range_ops(tree, page, pending, placements, fonts.regular, width)
                pending = None
            if line.column_heading:
                links.close()
                elem = tree.element(section, "/H2", page=page)
                toc = tree.element(section, "/TOC", page=page)
            elif toc is not None:
                elem = links.element(toc, page, line, y)
                if line.entry is not None:
                    pending = (elem, line, y)
            elif line.text == CONTENTS_TITLE and case_lines is None:
                elem = tree.element(section, "/H1", page=page)
            else:
                if case_lines is None or line.new_paragraph:
                    case_lines = tree.element(section, "/P", page=page)
                elem = case_lines
            tag = str(elem.S).lstrip("/").encode("ascii")
            ops.append(b"/%s <</MCID %d>> BDC" % (tag, tree.mark(elem, page)))
            ops.append(_spaced(font, line.size, _MARGIN, y, line.text, elem is previous))
            ops.append(b"EMC")
            if line.column_heading:
                # The column's heading is seen, not read: each link says its pages.
                x = width - _MARGIN - font.width(_PAGES_HEADING, line.size)
                ops += [b"/Artifact BMC", _text(font, line.size, x, y, _PAGES_HEADING), b"EMC"]
            previous = elem
        if pending is not None:
            ops += _page_range_ops(tree, page, pending, placements, fonts.regular, width)
        page.obj.Contents = pdf.make_stream(b"\n".join(ops))
        links.close()
    resources.Font = pikepdf.Dictionary(
        {
            fonts.regular.resource: fonts.regular.build(pdf),
            fonts.bold.resource: fonts.bold.build(pdf),
        }
    )


def _page_range_ops(
    tree: StructureTree, page: pikepdf.Page, entry: tuple[pikepdf.Object, _Line, float],
    placements: Sequence[PartPlacement], font: Font, width: float,
) -> list[bytes]:  # fmt: skip
    """An entry's page range, right-aligned on its first line, drawn after the entry's
    last line as the rest of its link, after a space."""
    link, line, y = entry
    assert line.entry is not None
    label = _page_range(placements[line.entry])
    x = width - _MARGIN - font.width(label, line.size)
    mcid = tree.mark(link, page)
    return [b"/Link <</MCID %d>> BDC" % mcid, _spaced(font, line.size, x, y, label, True), b"EMC"]


def _spaced(font: Font, size: float, x: float, y: float, text: str, space: bool) -> bytes:
    """``text`` at ``x``; with ``space``, after a space drawn just before it (invisible, but
    read: the words of two lines or of a title and its pages do not run together)."""
    if not space:
        return _text(font, size, x, y, text)
    return _text(font, size, x - font.width(" ", size), y, f" {text}")


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
            described = _described(self.placements[line.entry])
            self.link = self.tree.element(item, "/Link", alt=described, page=page)
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
                    Contents=pikepdf.String(_described(place)),
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
