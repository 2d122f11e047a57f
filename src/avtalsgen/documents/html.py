"""A rendered Word document as a self-contained, accessible HTML page for the web.

The page says what the PDF says, from the same rendered document: the template stays the
one source of the layout. The template's semantic styles carry over (Title → ``h1``,
Heading 1 → ``h2``, Heading 2 → ``h3``; ListBullet and ListNumber → ``ul`` and ``ol``;
bold and italic runs → ``strong`` and ``em``; tables → ``table`` with the first row as
column headers), the page header becomes the page's ``header`` (without its page numbers),
the body its ``main``. The page has ``lang="sv"``, a title, a viewport and its own small
style sheet: nothing is fetched from elsewhere. Pictures (the region's logo in the template)
are kept in the page as data URIs, with their size and their alternative text (empty for a
picture without one, or marked decorative, as the PDF has it).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING, Any

from avtalsgen.documents.templateplaces import alt_text

if TYPE_CHECKING:
    from docx.document import Document

#: Paragraph styles that are headings, and the level of each.
HEADINGS = {"Title": 1, "Heading1": 2, "Heading2": 3, "Heading3": 4}
#: Paragraph styles that are list items, and the list they belong to.
LISTS = {"ListBullet": "ul", "ListNumber": "ol"}
#: Header lines that are page numbers (meaningless on a web page).
_PAGE_NUMBER = "Sida "
#: The kinds of picture a browser shows, as a page's data URI gives them (Word's EMF and
#: WMF drawings are not: they are left out).
_WEB_PICTURES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"})
#: English Metric Units in a CSS pixel (914 400 an inch, 96 pixels an inch).
_EMU_PER_PX = 9525
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: What holds runs or paragraphs inside a paragraph or the body without being one: a
#: content control and its content, a smart tag, a simple field, custom XML, an insertion.
_HOLDERS = frozenset(
    f"{_W}{name}" for name in ("sdt", "sdtContent", "smartTag", "fldSimple", "customXml", "ins")
)

STYLE = """
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: "Liberation Serif", "Times New Roman", serif; line-height: 1.5;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
header { font-family: "Liberation Sans", Arial, sans-serif; border-bottom: 1px solid #555;
         margin-bottom: 1.5rem; padding-bottom: 0.5rem; }
header p { margin: 0.1rem 0; }
h1, h2, h3, h4 { font-family: "Liberation Sans", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 1.8rem; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #555; padding: 0.3rem 0.6rem; text-align: left; }
p { margin: 0.4rem 0; }
"""


def docx_to_html(data: bytes, title: str, lang: str = "sv") -> str:
    """The rendered Word document ``data`` as an HTML page titled ``title``."""
    from docx import Document as open_document

    document = open_document(io.BytesIO(data))
    header = "\n".join(_header_lines(document))
    main = "\n".join(_body(document))
    header_html = f"<header>\n{header}\n</header>\n" if header else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{header_html}<main>\n{main}\n</main>\n</body>\n</html>\n"
    )


def _header_lines(document: Document) -> Iterator[str]:
    """The page header's lines (its table's cells, row by row), page numbers left out."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    seen: set[int] = set()
    for section in document.sections:
        header = section.header
        if header.is_linked_to_previous or id(header.part) in seen:
            continue
        seen.add(id(header.part))
        for block in header.iter_inner_content():
            paragraphs: list[Paragraph] = []
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        paragraphs += cell.paragraphs
            else:
                paragraphs.append(block)
            for paragraph in paragraphs:
                text = paragraph.text.strip()
                if (text or _pictures(paragraph)) and not text.startswith(_PAGE_NUMBER):
                    yield f"<p>{_runs(paragraph)}</p>"


def _body(document: Document) -> Iterator[str]:
    from docx.table import Table

    open_list: str | None = None
    for block in _blocks(document.element.body, document._body):
        kind = None if isinstance(block, Table) else LISTS.get(_style(block))
        if open_list and kind != open_list:
            yield f"</{open_list}>"
            open_list = None
        if isinstance(block, Table):
            yield _table(block)
            continue
        inner = _runs(block)
        if not inner:
            continue
        if kind is not None:
            if open_list is None:
                yield f"<{kind}>"
                open_list = kind
            yield f"<li>{inner}</li>"
            continue
        level = HEADINGS.get(_style(block))
        if level is not None:
            yield f"<h{level}>{escape(block.text.strip())}</h{level}>"
        else:
            yield f"<p>{inner}</p>"
    if open_list:
        yield f"</{open_list}>"


def _blocks(element: Any, parent: Any) -> Iterator[Any]:
    """The paragraphs and tables of the body ``element``, those in content controls too."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            yield Paragraph(child, parent)
        elif child.tag == f"{_W}tbl":
            yield Table(child, parent)
        elif child.tag in _HOLDERS:
            yield from _blocks(child, parent)


def _style(paragraph: Any) -> str:
    properties = paragraph._p.pPr
    style = properties.pStyle if properties is not None else None
    return str(style.val) if style is not None else ""


def _runs(paragraph: Any) -> str:
    """A paragraph's text with its bold and italic runs marked, its hyperlinks as links and
    the text of its content controls (neither is among python-docx's ``runs``)."""
    return "".join(_inline(paragraph._p, paragraph)).strip()


def _inline(element: Any, paragraph: Any) -> Iterator[str]:
    """The HTML of the runs in ``element`` (a paragraph or what holds runs in it)."""
    from docx.text.hyperlink import Hyperlink
    from docx.text.run import Run

    for child in element.iterchildren():
        if child.tag == f"{_W}r":
            yield from _run(Run(child, paragraph))
        elif child.tag == f"{_W}hyperlink":
            inner = "".join(_inline(child, paragraph))
            url = Hyperlink(child, paragraph).url
            yield f'<a href="{escape(url)}">{inner}</a>' if url else inner
        elif child.tag in _HOLDERS:
            yield from _inline(child, paragraph)


def _run(run: Any) -> Iterator[str]:
    yield from _pictures(run)
    # python-docx gives a line break (w:br, w:cr) as "\n": a line break on the page too.
    text = escape(run.text).replace("\n", "<br>\n")
    if not text:
        return
    if run.italic:
        text = f"<em>{text}</em>"
    if run.bold:
        text = f"<strong>{text}</strong>"
    yield text


def _pictures(item: Any) -> list[str]:
    """The pictures in a paragraph or run (``item``) as ``img`` elements with data URIs."""
    found = []
    for drawing in item._element.iter(f"{_W}drawing"):
        blip = next(drawing.iter(f"{_A}blip"), None)
        target = blip.get(f"{_R}embed") if blip is not None else None
        part = item.part.related_parts.get(target) if target else None
        if part is None or part.content_type not in _WEB_PICTURES:
            continue
        data = base64.b64encode(part.blob).decode("ascii")
        properties = next(drawing.iter(f"{_WP}docPr"), None)
        alt = (alt_text(properties) or "") if properties is not None else ""
        extent = next(drawing.iter(f"{_WP}extent"), None)
        size = ""
        if extent is not None:
            width = round(int(extent.get("cx", "0")) / _EMU_PER_PX)
            height = round(int(extent.get("cy", "0")) / _EMU_PER_PX)
            size = f' width="{width}" height="{height}"' if width and height else ""
        found.append(
            f'<img src="data:{part.content_type};base64,{data}" alt="{escape(alt)}"{size}>'
        )
    return found


def _cell(cell: Any) -> str:
    """A table cell's text, and its pictures."""
    pictures = [picture for paragraph in cell.paragraphs for picture in _pictures(paragraph)]
    return "".join(pictures) + escape(cell.text.strip())


def _table(table: Any) -> str:
    rows = []
    for number, row in enumerate(table.rows):
        cell = "th" if number == 0 else "td"
        scope = ' scope="col"' if number == 0 else ""
        cells = "".join(f"<{cell}{scope}>{_cell(c)}</{cell}>" for c in row.cells)
        rows.append(f"<tr>{cells}</tr>")
    head, body = rows[:1], rows[1:]
    return f"<table>\n<thead>{''.join(head)}</thead>\n<tbody>{''.join(body)}</tbody>\n</table>"
