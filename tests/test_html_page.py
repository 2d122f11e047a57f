"""What a rendered Word document's web page (anslag.html, the publishable renditions)
keeps of what staff put into a template in Word: a hyperlink's text and address, the text
of a content control, inline and around paragraphs (python-docx's runs and body blocks
pass all three by)."""

from __future__ import annotations

import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from avtalsgen.documents.html import docx_to_html

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
URL = "https://www.domstol.se/forvaltningsratten-i-lulea/"


def _document() -> bytes:
    document = Document()
    paragraph = document.add_paragraph("Överklagandet skickas till ")
    rel = paragraph.part.relate_to(URL, RT.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {W} {R} r:id="{rel}"><w:r><w:t>Förvaltningsrätten i Luleå</w:t>'
            "</w:r></w:hyperlink>"
        )
    )
    paragraph.add_run(".")
    inline = document.add_paragraph("Anslaget: ")
    inline._p.append(
        parse_xml(
            f"<w:sdt {W}><w:sdtPr/><w:sdtContent><w:r><w:t>2024-01-10</w:t></w:r>"
            "</w:sdtContent></w:sdt>"
        )
    )
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Förvaringsplats: "
            "Regionhuset, Luleå</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def test_links_and_content_controls_keep_their_text_on_the_page() -> None:
    page = docx_to_html(_document(), "Anslag")
    assert (
        f'<p>Överklagandet skickas till <a href="{URL}">Förvaltningsrätten i Luleå</a>.</p>' in page
    )
    assert "<p>Anslaget: 2024-01-10</p>" in page
    assert "<p>Förvaringsplats: Regionhuset, Luleå</p>" in page


def test_a_line_break_in_a_paragraph_breaks_the_line_on_the_page() -> None:
    """The extract's Justering och anslag block is one paragraph of six lines, each
    after a line break (w:br): on the page each stands on a line of its own, not run
    together as one line (a browser shows a bare line feed as a space)."""
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Sammanträde:").bold = True
    paragraph.add_run(" 2024-12-10, Regionhuset, Luleå")
    paragraph.add_run().add_break()
    paragraph.add_run("Ordförande:").bold = True
    paragraph.add_run(" Maria Exempelsdotter")
    out = io.BytesIO()
    document.save(out)
    page = docx_to_html(out.getvalue(), "Utdrag")
    assert (
        "<p><strong>Sammanträde:</strong> 2024-12-10, Regionhuset, Luleå<br>\n"
        "<strong>Ordförande:</strong> Maria Exempelsdotter</p>"
    ) in page, page
