"""The extract's certification block (Utdragsbestyrkande) stays whole on its last page,
wherever the page breaks: an extract of § 88 whose lead (the committee's own words) ends
page 1 just above it was refused (exit 1: "found the certification block ... 0 times on the
last page"), since LibreOffice broke the block between its first line and "Bestyrks av",
leaving the signature field nowhere to go. The block is one paragraph kept together; read
back with pdftotext, page by page, and its field's page with pikepdf."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, edit, fold, run, run_cli
from warm_converter import converter_in

pytestmark = pytest.mark.libreoffice

BLOCK = (
    "Utdragsbestyrkande Utdraget överensstämmer med protokollet. Bestyrks av: Lena "
    "Exempelsson, sekreterare, med sin underskrift eller regionens sigill Datum: enligt den "
    "elektroniska underskriften"
)


def test_the_certification_block_is_not_split_by_a_page_break(
    tmp_path: Path, session_converter: Path
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    source = (cases / "exempel-medfinansiering.yaml").read_text(encoding="utf-8")
    financing = source[source.index("finansiering:\n  period:") : source.index("  totalt:")]
    meeting = cases / "sammantraden" / "exempel-run-2025-06-10.yaml"
    meeting.write_text(
        edit(
            meeting.read_text(encoding="utf-8"),
            (
                "    dnr: RUN-90003-2025\n    beslut: enligt förslaget\n",
                "    dnr: RUN-90003-2025\n    utfall: bifall_med_andring\n    andring: regionens "
                "finansiering även lämnas under förutsättning att Luleå kommun har beslutat om "
                "sin medfinansiering senast 2026-06-30\n"
                + "".join(f"    {line}\n" for line in financing.splitlines()),
            ),
        ),
        encoding="utf-8",
    )
    output = tmp_path / "output"
    with converter_in(session_converter):  # the test process's LibreOffice, started once
        made = run_cli(
            "utdrag", str(meeting), "--output", str(output), "--templates", str(REPO / "templates")
        )
    assert made.returncode == 0, made.stderr
    pdf = output / "RUN-90003-2025" / "protokollsutdrag-88.pdf"
    with pikepdf.open(pdf) as document:
        pages = len(document.pages)
        (field,) = [f for f in document.Root.AcroForm.Fields if f.T == "utdragsbestyrkande"]
        places: list[tuple[int, int]] = [page.obj.objgen for page in document.pages]
        field_page = places.index(field.P.objgen) + 1
    assert pages == 2  # the lead ends page 1 where the block would have begun
    last = fold(run("pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"))
    assert BLOCK in last
    first = fold(run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-"))
    assert "Bestyrks av" not in first and "Utdraget överensstämmer" not in first
    assert field_page == pages


#: The lines of the extract's Justering och anslag block, in order.
JUSTERING = ("Sammanträde: 2023-12-05, Regionhuset, Luleå", "Ordförande: Maria Exempelsdotter",
             "Justerare: Johan Exempelsson", "Justerad: 2023-12-12",
             "Anslaget på anslagstavlan: 2023-12-13",
             "Sista dag för överklagande: 2024-01-03")  # fmt: skip


def test_the_justering_block_is_not_split_by_a_page_break(
    tmp_path: Path, session_converter: Path
) -> None:
    """§ 212 sent to thirteen recipients more ends page 1 just above the block: its
    six lines were six paragraphs chained by keep-with-next, and LibreOffice left
    "Sammanträde:" on page 1 and the rest on page 2. The block is one paragraph kept
    together, as the certification's."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    recipients = "".join(f"      - Mottagare nummer {n} med ett ganska långt namn\n"
                         for n in range(13))  # fmt: skip
    decided = "  - paragraf: 212\n    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n"
    meeting.write_text(
        edit(meeting.read_text(encoding="utf-8"),
             (decided, decided + "    skickas_till:\n" + recipients)),
        encoding="utf-8",
    )  # fmt: skip
    output = tmp_path / "output"
    with converter_in(session_converter):
        made = run_cli("utdrag", str(meeting), "--paragraf", "212", "--output", str(output),
                       "--templates", str(REPO / "templates"), lang="sv")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Protokollsutdrag: " in made.stdout, made.stdout
    pdf = output / "RUN-90001-2023" / "protokollsutdrag-212.pdf"
    pages = int(run("pdfinfo", str(pdf)).split("Pages:")[1].split()[0])
    texts = [fold(run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"))
             for n in range(1, pages + 1)]  # fmt: skip
    assert pages == 2 and "Mottagare nummer 12" in texts[0]  # the list ends page 1
    holding = [n for n, text in enumerate(texts) if JUSTERING[0] in text]
    assert len(holding) == 1
    assert " ".join(JUSTERING) in texts[holding[0]], texts
    assert not [line for line in JUSTERING for n, text in enumerate(texts)
                if line in text and n != holding[0]]  # fmt: skip


#: The numbers of recipients more for § 212 that put the Justering och anslag block around
#: the end of page 1, the first of them a name on two lines: with 12 (LibreOffice 7.4), the
#: block falls one line short of fitting and its heading, a paragraph of its own kept with the
#: next, stands alone at the foot of page 1. (With the recipients a bulleted list, each a
#: line and a little space, no number of one-line names hits that line: 0 to 39 tried.)
POSITIONS = range(8, 21)

#: The first recipient's name goes on to a second line.
LONGER = " som fortsätter på en rad till i förteckningen över mottagarna av utdraget"


def _meeting_with_recipients(folder: Path, count: int, *, longer: bool = False) -> Path:
    cases = folder / "cases"
    shutil.copytree(REPO / "cases", cases)
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    decided = "  - paragraf: 212\n    dnr: RUN-90001-2023\n    beslut: enligt förslaget\n"
    recipients = "".join(f"      - Mottagare nummer {n} med ett ganska långt namn"
                         f"{LONGER if longer and n == 0 else ''}\n"
                         for n in range(count))  # fmt: skip
    more = "    skickas_till:\n" + recipients if count else ""
    meeting.write_text(
        edit(meeting.read_text(encoding="utf-8"), (decided, decided + more)), encoding="utf-8"
    )
    return meeting


def _extracts(tmp_path: Path, templates: Path, session_converter: Path) -> list[Path]:
    """§ 212's extract with each number of recipients more in :data:`POSITIONS`, made from
    ``templates`` and converted in one run."""
    import datetime as dt

    from avtalsgen.documents.render import render_document
    from avtalsgen.meetings.extract import TEMPLATE, Version, context, facts, metadata
    from avtalsgen.meetings.justering import load_meeting

    made = []
    for count in POSITIONS:
        meeting = load_meeting(_meeting_with_recipients(tmp_path / str(count), count, longer=True))
        paragraf = meeting.sammantrade.paragrafer[1]
        version = Version.first(dt.date(2023, 12, 12))
        fakta = facts(meeting, paragraf)
        data = render_document(
            templates / TEMPLATE, context(fakta, version), metadata(fakta, version)
        )
        path = tmp_path / f"{templates.name}-{count}.docx"
        path.write_bytes(data)
        made.append(path)
    with converter_in(session_converter) as converter:
        return converter.convert(made, tmp_path / "pdf")


def test_a_heading_left_alone_at_a_page_foot_starts_the_next_page(
    tmp_path: Path, session_converter: Path
) -> None:
    """Over the positions around the end of page 1, the heading Justering och anslag and
    its six lines stand on one page, but at one (a block one line short of fitting),
    where LibreOffice 7.4 leaves a heading (there Utdragsbestyrkande), a paragraph of its
    own kept with the next, alone at the foot of page 1. utdrag then gives that heading
    Page break before (in the Word file it places too) and converts it again: the heading
    stands with its block at the top of page 2 (done here as utdrag does it). (The heading
    and block stood in one table row for a while: the heading was then a table's cell in
    the published HTML and the PDF's tags; utdrag then refused the extract and asked the
    secretary to edit a copy of the template.)"""
    import zipfile

    from avtalsgen.documents.factcheck import read_pdf
    from avtalsgen.meetings.layout import break_before, lone_heading, lone_heading_problem

    templates = REPO / "templates"
    heading = "Justering och anslag"
    alone = []
    for count, pdf in zip(POSITIONS, _extracts(tmp_path, templates, session_converter),
                          strict=True):  # fmt: skip
        read = read_pdf(pdf)
        if lone_heading_problem(read, templates / "protokollsutdrag.docx") is not None:
            alone.append(count)
            continue
        pages = [fold(page) for page in read.pages]
        holding = [n for n, page in enumerate(pages) if heading in page]
        assert len(holding) == 1, (count, pages)
        assert f"{heading} {' '.join(JUSTERING)}" in pages[holding[0]], (count, pages)
    assert alone == [12]
    # What utdrag does then (meetings/extract.py): Page break before on that heading, in
    # the Word file, converted again. (Through utdrag itself the extract also has the
    # program's appeal guidance, whose heading, Hur man överklagar, keeps with the block:
    # no position of 0 to 13 recipients more leaves a heading alone there.)
    docx = tmp_path / "alone" / "protokollsutdrag-212.docx"
    docx.parent.mkdir()
    found = lone_heading(read_pdf(tmp_path / "pdf" / f"{templates.name}-12.pdf"),
                         templates / "protokollsutdrag.docx")  # fmt: skip
    # There the heading left alone is the certification's (its block is kept with it).
    assert found is not None and found[1] == "Utdragsbestyrkande"
    docx.write_bytes(break_before((tmp_path / f"{templates.name}-12.docx").read_bytes(), found[1]))
    with converter_in(session_converter) as converter:
        (pdf,) = converter.convert([docx], docx.parent)
    read = read_pdf(pdf)
    assert lone_heading_problem(read, templates / "protokollsutdrag.docx") is None
    pages = [fold(page) for page in read.pages]
    assert len(pages) == 2 and found[1] not in pages[0], pages
    assert "Mottagare nummer 11" in pages[0]
    # Page 2's running header, then the heading and its block first.
    assert f"Sida 2 (2) {BLOCK}" in pages[1], pages[1]
    with zipfile.ZipFile(docx) as made:
        body = made.read("word/document.xml").decode()
    assert body.count("<w:pageBreakBefore/>") == 1


@pytest.mark.parametrize(
    ("meeting", "extract"),
    [
        ("exempel-run-2026-06-16.yaml", "RUN-90001-2023/protokollsutdrag-102.pdf"),
        ("exempel-run-2025-02-11.yaml", "RUN-90005-2024/protokollsutdrag-14.pdf"),
    ],
)
def test_no_page_holds_the_certification_block_alone(
    tmp_path: Path, session_converter: Path, meeting: str, extract: str
) -> None:
    """The extracts of § 102 and § 14 ended page 1 with the appeal guidance, and page 2
    held only the certification block: the section before the block (its heading, Hur
    man överklagar, and its text) is kept with it, and the block's page holds it too."""
    output = tmp_path / "output"
    with converter_in(session_converter):
        made = run_cli(
            "utdrag", str(REPO / "cases" / "sammantraden" / meeting), "--output", str(output),
            "--templates", str(REPO / "templates"),
        )  # fmt: skip
    assert made.returncode == 0, made.stderr
    pdf = output / extract
    pages = int(run("pdfinfo", str(pdf)).split("Pages:")[1].split()[0])
    holding = [
        number
        for number in range(1, pages + 1)
        if "Bestyrks av" in run("pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-")
    ]
    assert holding == [pages]
    last = fold(run("pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"))
    assert BLOCK in last
    before = last[: last.index(BLOCK)]
    assert "Hur man överklagar (överklagandehänvisning) Den som är medlem i Region" in before
    assert "Skicka överklagandet till: Förvaltningsrätten i Luleå" in before


def test_the_section_before_the_certification_block_keeps_with_it() -> None:
    """Without appeal guidance (a preparatory decision), the section before the block is
    Justering och anslag: its heading and block are kept with the certification; what
    comes before that section is not."""
    import io
    import zipfile

    from avtalsgen.meetings.extract import SIGNATURE_ANCHOR
    from avtalsgen.meetings.layout import keep_with_certification

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def paragraph(text: str, style: str | None = None) -> str:
        properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f"<w:p>{properties}<w:r><w:t>{text}</w:t></w:r></w:p>"

    body = "".join(
        (
            paragraph("Mottagare", "ListBullet"),
            paragraph("Justering och anslag", "Heading1"),
            paragraph("Sammanträde: 2023-12-05"),
            paragraph("Utdragsbestyrkande", "Heading1"),
            paragraph(f"{SIGNATURE_ANCHOR} Bestyrks av: Lena Exempelsson"),
        )
    )
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr(
            "word/document.xml", f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
    with zipfile.ZipFile(
        io.BytesIO(keep_with_certification(source.getvalue(), SIGNATURE_ANCHOR))
    ) as docx:
        assert docx.read("[Content_Types].xml") == b"<Types/>"
        xml = docx.read("word/document.xml").decode("utf-8")
    kept = ["<w:keepNext/>" in found for found in xml.split("<w:body>")[1].split("</w:p>")[:-1]]
    assert kept == [False, True, True, False, False]
    assert '<w:pStyle w:val="Heading1"/><w:keepNext/>' in xml
