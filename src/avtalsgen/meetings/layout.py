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
"""

from __future__ import annotations

import io
import zipfile
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


def break_before(docx: bytes, heading: str) -> bytes:
    """``docx`` with Page break before set on its heading paragraphs whose text is
    ``heading``: what a secretary would do in Word to keep that heading with its text
    where LibreOffice leaves it alone at a page's foot."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    for paragraph in root.iter(f"{{{_W}}}p"):
        text = " ".join("".join(paragraph.xpath(".//w:t/text()", namespaces=_NS)).split())
        if text != heading or not is_heading(paragraph):
            continue
        properties = paragraph.find(f"{{{_W}}}pPr")
        if properties is None:
            properties = etree.SubElement(paragraph, f"{{{_W}}}pPr")
            paragraph.insert(0, properties)
        if properties.find(f"{{{_W}}}pageBreakBefore") is None:
            # After the style (pStyle) and keepNext/keepLines, as the schema orders them.
            after = [
                child
                for child in properties
                if child.tag in {f"{{{_W}}}{name}" for name in ("pStyle", "keepNext", "keepLines")}
            ]
            at = properties.index(after[-1]) + 1 if after else 0
            properties.insert(at, etree.Element(f"{{{_W}}}pageBreakBefore"))
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
