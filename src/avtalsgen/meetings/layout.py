"""A heading of the extract left alone at the foot of a page, as the PDF's text shows it.

The protokollsutdrag's template keeps each heading with the text under it (Keep with next
on the heading, Keep lines together on the text). LibreOffice 7.4 still leaves the heading
Justering och anslag alone at the foot of page 1 where its block falls exactly one line
short of fitting (1 of 13 positions around the end of page 1), whatever the keep settings;
a table row around heading and block kept them together, but made the heading a table's
cell in the published HTML and the PDF's tags, so the heading stays a paragraph of its own.
A template edited otherwise may let a page end with a heading too: :func:`lone_heading_problem`
finds it in the text read back from the PDF (the last line of a page that is not the last
is one of the template's headings) so that no such extract is put in place.

The certification block (Utdragsbestyrkande) is kept with the section before it
(:func:`keep_with_certification`): else a last page could hold nothing but the block.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Final

from lxml import etree

from avtalsgen.documents.factcheck import PdfText
from avtalsgen.documents.templateplaces import is_heading
from avtalsgen.i18n import _

_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS: Final = {"w": _W}


def template_headings(template: Path) -> tuple[str, ...]:
    """The texts of the paragraphs of ``template`` (a .docx) that are headings (as
    ``templates check`` tells them: :func:`~avtalsgen.documents.templateplaces.is_heading`),
    in tables too; those holding a template tag (their text is the case's) are left out."""
    stat = template.stat()
    return _headings(template, stat.st_mtime_ns, stat.st_size)


@cache
def _headings(template: Path, mtime: int, size: int) -> tuple[str, ...]:
    with zipfile.ZipFile(template) as docx:
        root = etree.fromstring(docx.read("word/document.xml"))
    found: list[str] = []
    for paragraph in root.iter(f"{{{_W}}}p"):
        if not is_heading(paragraph):
            continue
        text = " ".join("".join(paragraph.xpath(".//w:t/text()", namespaces=_NS)).split())
        if text and "{" not in text:
            found.append(text)
    return tuple(dict.fromkeys(found))


def lone_heading(read: PdfText, template: Path) -> tuple[int, str] | None:
    """The first page of ``read`` but the last that ends with a heading of ``template``:
    its number and that heading; None when no page does."""
    headings = template_headings(template)
    for number, page in enumerate(read.pages[:-1], 1):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        if lines and lines[-1] in headings:
            return number, lines[-1]
    return None


def keep_with_certification(docx: bytes, anchor: str) -> bytes:
    """``docx`` with Keep with next on the paragraphs of the section right before its
    certification block (the paragraph that begins with ``anchor``, under its heading),
    from that section's heading to its last paragraph, so that a page break before the
    block takes that section with it (in the extracts of the examples, the appeal guidance
    or the Justering och anslag block) and no page holds the block alone. The section's
    text is the case's, paragraphs the renderer makes, to which a template cannot give
    paragraph properties. A section of more than :data:`MOST_KEPT` paragraphs is left as
    it is: a long chain of kept paragraphs only moves the page break."""

    def keep(root: etree._Element) -> None:
        blocks = [p for p in root.iter(f"{{{_W}}}p") if _text(p).startswith(anchor)]
        heading = blocks[0].getprevious() if len(blocks) == 1 else None
        if heading is None or heading.tag != f"{{{_W}}}p" or not is_heading(heading):
            return
        section: list[etree._Element] = []
        before = heading.getprevious()
        while before is not None and before.tag == f"{{{_W}}}p" and len(section) < MOST_KEPT:
            section.append(before)
            if is_heading(before):
                for paragraph in section:
                    _set_property(paragraph, "keepNext")
                return
            before = before.getprevious()

    return _edited(docx, keep)


#: The most paragraphs, its heading included, of the section :func:`keep_with_certification`
#: keeps with the certification block (the appeal guidance is a heading and three).
MOST_KEPT: Final = 8


def break_before(docx: bytes, heading: str) -> bytes:
    """``docx`` with Page break before set on its heading paragraphs whose text is
    ``heading``: what a secretary would do in Word to keep that heading with its text
    where LibreOffice leaves it alone at a page's foot."""

    def page_break(root: etree._Element) -> None:
        for paragraph in root.iter(f"{{{_W}}}p"):
            if _text(paragraph) == heading and is_heading(paragraph):
                _set_property(paragraph, "pageBreakBefore")

    return _edited(docx, page_break)


def _text(paragraph: etree._Element) -> str:
    return " ".join("".join(paragraph.xpath(".//w:t/text()", namespaces=_NS)).split())


#: The paragraph properties the schema puts before each one this module sets.
_BEFORE: Final = {
    "keepNext": frozenset({f"{{{_W}}}pStyle"}),
    "pageBreakBefore": frozenset(f"{{{_W}}}{name}" for name in ("pStyle", "keepNext", "keepLines")),
}


def _set_property(paragraph: etree._Element, name: str) -> None:
    """The on/off property ``w:<name>`` set in ``paragraph``'s properties, in its place."""
    properties = paragraph.find(f"{{{_W}}}pPr")
    if properties is None:
        properties = etree.Element(f"{{{_W}}}pPr")
        paragraph.insert(0, properties)
    if properties.find(f"{{{_W}}}{name}") is not None:
        return
    after = [child for child in properties if child.tag in _BEFORE[name]]
    at = properties.index(after[-1]) + 1 if after else 0
    properties.insert(at, etree.Element(f"{{{_W}}}{name}"))


def _edited(docx: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    """``docx`` with its main part (word/document.xml) changed by ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    edit(root)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, data)
    return out.getvalue()


def lone_heading_problem(read: PdfText, template: Path) -> str | None:
    """Why the extract ``read`` (made from ``template``) may not stand: a page but the
    last whose text ends with one of the template's headings, its text on the next page;
    None when no page does."""
    lone = lone_heading(read, template)
    if lone is None:
        return None
    number, heading = lone
    return _(
        "{file}: the heading '{heading}' stands alone at the foot of page {page}, and "
        "its text begins on page {next}; in {template}, keep the heading with the text "
        "under it (in Word: Keep with next on the heading, and Keep lines together on "
        "the text); where it has both, as the template that comes with avtalsgen has, "
        "LibreOffice may still leave the heading alone when the text falls one line "
        "short of fitting: give the heading Page break before in a copy of the "
        "template, and give utdrag that copy's folder with --templates"
    ).format(
        file=read.path.name,
        heading=heading,
        page=number,
        next=number + 1,
        template=template,
    )
