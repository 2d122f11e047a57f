"""What staff do to the Word templates in Word or LibreOffice, and what avtalsgen then says:
a template saved in another format under its .docx name, a review comment left in it."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice
from docx import Document
from docx.oxml.ns import qn
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.context import build_context
from avtalsgen.documents.render import Metadata, render_document
from avtalsgen.errors import RenderError
from avtalsgen.input.load import load_case

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

TEMPLATES = REPO / "templates"
CASE = REPO / "cases" / "RUN-00386-2023.yaml"
SAVE_AS = (
    "öppna den i Word eller LibreOffice och spara den med Spara som, filformatet "
    "Word-dokument (.docx) (i LibreOffice: Word 2007–365)"
)


def _odt() -> bytes:
    """The start of what LibreOffice writes as .odt: a zip whose first member, stored, is
    its mimetype."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return data.getvalue()


#: Each format a template may be saved in under its .docx name, by its first bytes as Word
#: and LibreOffice write them, and what avtalsgen says it is.
SAVED_AS = {
    "doc": (
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504),
        "filen är ett Word 97–2003-dokument (.doc) med namnet .docx",
    ),
    "odt": (
        _odt(),
        "filen är en OpenDocument-fil (application/vnd.oasis.opendocument.text) med namnet "
        ".docx, så som LibreOffice sparar i sitt eget format",
    ),
    "rtf": (
        b"{\\rtf1\\ansi\\deff0 Dnr {{ arende.dnr }}}",
        "filen är ett RTF-dokument (.rtf) med namnet .docx",
    ),
    "empty": (b"", "filen är tom (0 byte)"),
    "cut": (
        (TEMPLATES / "beslutsforslag.docx").read_bytes()[:4000],
        "filen är inte ett Word-dokument (.docx), eller så avbröts den när den sparades eller "
        "kopierades",
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "templates"
    shutil.copytree(TEMPLATES, made)
    return made


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_a_template_saved_in_another_format_is_named_so_by_templates_check(
    folder: Path, saved_as: str
) -> None:
    data, said = SAVED_AS[saved_as]
    template = folder / "beslutsforslag.docx"
    template.write_bytes(data)
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{template}: {said}: {SAVE_AS}\n" in result.output
    assert f"ok  {folder / 'samarbetsavtal.docx'}" in result.output


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_a_template_saved_in_another_format_fails_rendering_with_the_same_words(
    folder: Path, saved_as: str
) -> None:
    data, said = SAVED_AS[saved_as]
    template = folder / "samarbetsavtal.docx"
    template.write_bytes(data)
    i18n.set_language("sv")
    with pytest.raises(RenderError) as raised:
        render_document(template, object(), Metadata("t", "s", ()))
    assert str(raised.value) == f"{template}: {said}: {SAVE_AS}"


#: The agreement as LibreOffice saved it with Edit > Track Changes > Record on, after
#: 'Datum: enligt den elektroniska underskriften' was replaced by 'Datum: se underskriften'
#: in both signature blocks (through UNO, as staff would in the program).
TRACKED = REPO / "tests" / "data" / "samarbetsavtal-sparade-andringar.docx"
TRACKED_SAID = (
    "mallen har 4 spårade ändringar som inte är godkända eller avvisade (den första: "
    "'Datum: enligt den elektroniska underskriften' borttagen i stycket 'Datum: enligt den "
    "elektroniska underskriftenDatum: se underskriften'); varje dokument skulle visa den "
    "borttagna texten bredvid den nya: välj i Word Granska > Acceptera > Acceptera alla "
    "ändringar (eller Avvisa), i LibreOffice Redigera > Spåra ändringar > Hantera > "
    "Acceptera alla, och spara sedan mallen"
)


def test_a_template_with_tracked_changes_is_refused_by_check_and_render(folder: Path) -> None:
    template = folder / "samarbetsavtal.docx"
    shutil.copy(TRACKED, template)
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"{template}: {TRACKED_SAID}\n" in result.output
    context = build_context(load_case(CASE))
    with pytest.raises(RenderError) as raised:
        render_document(template, context, Metadata("t", "s", ()))
    assert str(raised.value) == f"{template}: {TRACKED_SAID}"


def _with_comment(template: Path) -> None:
    """A review comment on the paragraph 'Protokollsutdrag skickas till:', as Word keeps
    one (python-docx writes Word's comments part and marks)."""
    document = Document(str(template))
    paragraph = next(p for p in document.paragraphs if p.text == "Protokollsutdrag skickas till:")
    document.add_comment(
        paragraph.runs, text="Kontrollera mottagarna med registrator", author="Anna", initials="A"
    )
    document.save(str(template))


def test_a_review_comment_in_a_template_is_in_no_document(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    _with_comment(template)
    assert b"word/comments.xml" in template.read_bytes()
    rendered = render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    with zipfile.ZipFile(io.BytesIO(rendered)) as archive:
        names = archive.namelist()
        members = b"".join(archive.read(name) for name in names)
    assert not [name for name in names if "comment" in name]
    assert b"Kontrollera" not in members
    assert b"comment" not in members.lower()
    assert "Protokollsutdrag skickas till:" in [
        p.text for p in Document(io.BytesIO(rendered)).paragraphs
    ]


@needs_soffice
def test_a_case_builds_from_a_template_with_a_review_comment(folder: Path, tmp_path: Path) -> None:
    """The comment made LibreOffice write a PDF annotation without an appearance (not
    PDF/A), and the warm converter's LibreOffice fail on the document."""
    _with_comment(folder / "beslutsforslag.docx")
    output = tmp_path / "output"
    result = CliRunner().invoke(
        app, ["build", str(CASE), "--templates", str(folder), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    pdf = output / "RUN-00386-2023" / "beslutsforslag.pdf"
    text = pdftotext(pdf)
    assert "Protokollsutdrag skickas till:" in text
    assert "Kontrollera" not in text
    assert b"/Annot" not in pdf.read_bytes()


def _check(folder: Path) -> list[str]:
    """What 'avtalsgen templates check' says of the folder, in Swedish, line by line."""
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return [line for line in result.output.splitlines() if not line.startswith("ok  ")]


def _retyped(template: Path, old: str, new: str) -> None:
    """``old`` typed over as ``new`` in the one run of the template that holds it."""
    document = Document(str(template))
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs if old in run.text]
    assert len(runs) == 1
    runs[0].text = runs[0].text.replace(old, new)
    document.save(str(template))


def test_a_misspelt_variable_is_named_by_its_paragraph_with_what_was_meant(folder: Path) -> None:
    template = folder / "samarbetsavtal.docx"
    _retyped(template, "{{ arende.aktor.namn }}", "{{ aktro.namn }}")
    said = (
        "brödtext, stycket 'mellan {{ program.region.namn }} och {{ aktro.namn }}' under "
        "rubriken '{{ avtal.rubrik }}': 'aktro' finns inte; menade du 'arende.aktor'?"
    )
    assert _check(folder) == [f"{template}: {said}"]
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert str(raised.value) == (
        f"{template}: {said} ('avtalsgen templates check' listar alla fel i mallarna)"
    )


def test_an_if_without_its_endif_names_the_if_and_what_to_add(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    ends = [p for p in document.paragraphs if p.text == "{%p endif %}"]
    ends[-1]._element.getparent().remove(ends[-1]._element)
    document.save(str(template))
    tag = "{%p if arende.budgetar_i_beslutsforslaget %}"
    said = (
        f"brödtext, stycket '{tag}' under rubriken 'Finansiering': '{tag}' avslutas aldrig: "
        "skriv '{%p endif %}' där det som den styr slutar (i ett eget stycke)"
    )
    assert _check(folder) == [f"{template}: {said}"]
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert "Unexpected" not in str(raised.value)
    assert str(raised.value).startswith(f"{template}: {said} (")


def test_an_endif_without_its_if_is_named(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    _retyped(template, "{%p if sekretess %}", "Sekretess")
    assert _check(folder) == [
        f"{template}: brödtext, stycket '{{%p endif %}}': '{{%p endif %}}' avslutar inget block "
        "som har börjat före den: ta bort den, eller skriv före den det '{% if … %}' eller "
        "'{% for … %}' som den hör till"
    ]


def test_a_tag_in_a_text_box_is_said_to_be_in_one(folder: Path) -> None:
    """The beslutsförslag as LibreOffice saved it after a text box holding
    '{{ arende.aktro }}' was put after 'Protokollsutdrag skickas till:' (through UNO)."""
    template = folder / "beslutsforslag.docx"
    shutil.copy(REPO / "tests" / "data" / "beslutsforslag-textruta.docx", template)
    assert _check(folder) == [
        f"{template}: brödtext, en textruta ('{{{{ arende.aktro }}}}'): 'arende.aktro' finns "
        "inte bland de uppgifter som mallen kan använda; menade du 'arende.aktor'?"
    ]


def _png() -> Path:
    """A small picture: a 4 x 4 blue PNG."""
    import struct
    import tempfile
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x00\x5a\xa0" * 4 for _ in range(4))
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    path = Path(tempfile.mkdtemp()) / "logo.png"
    path.write_bytes(data)
    return path


def test_a_picture_beside_a_paragraph_tag_is_said_to_be_lost(folder: Path) -> None:
    """Word puts a picture inserted at the top of the document into its first paragraph,
    '{%p if arende.exempel %}', which docxtpl replaces whole: the logo was in no document."""
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    first = document.paragraphs[0]
    assert first.text == "{%p if arende.exempel %}"
    first.runs[0].add_picture(str(_png()))
    document.save(str(template))
    tag = "{%p if arende.exempel %}"
    assert _check(folder) == [
        f"{template}: brödtext: stycket '{tag}': en bild står bredvid '{tag}', som ersätter hela "
        "stycket, och kommer inte med i något dokument: flytta den till ett eget stycke",
        f"{template}: brödtext: stycket '{tag}': {NO_ALT_TEXT}",
    ]


NO_ALT_TEXT = (
    "en bild utan alternativtext, som en skärmläsare bara kan kalla en bild: högerklicka på "
    "den i Word, välj Redigera alternativtext och beskriv den eller markera den som dekorativ; "
    "i LibreOffice under bildens Egenskaper, fliken Alternativ"
)


def test_a_logo_in_a_paragraph_of_its_own_needs_an_alternative_text(folder: Path) -> None:
    """LibreOffice tags the picture as a figure and writes its alternative text as /Alt
    (without one, a screen reader can only say 'picture'); a logo in the page header is an
    artifact and needs none."""
    template = folder / "anslag.docx"
    document = Document(str(template))
    title = next(p for p in document.paragraphs if p.text == "Tillkännagivande av justering")
    logo = title.insert_paragraph_before("")
    logo.add_run().add_picture(str(_png()))
    document.sections[0].header.paragraphs[0].add_run().add_picture(str(_png()))
    document.save(str(template))
    assert _check(folder) == [
        f"{template}: brödtext: stycket utan text före 'Tillkännagivande av justering': "
        f"{NO_ALT_TEXT}"
    ]
    properties = next(document.element.body.iter(qn("wp:docPr")))
    properties.set("descr", "Region Norrbottens logotyp")
    document.save(str(template))
    assert _check(folder) == []


def test_text_typed_beside_a_row_tag_is_said_to_be_lost(folder: Path) -> None:
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    cell = document.tables[0].rows[1].cells[0]
    assert cell.text == "{%tr for ar in avtal.betalningsplan %}"
    cell.paragraphs[0].runs[0].text = "Per år: {%tr for ar in avtal.betalningsplan %}"
    document.save(str(template))
    lines = _check(folder)
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{template}: brödtext: tabellen som börjar 'Avtalsår | Period | Belopp', rad 2, "
        "kolumn 1 ('Per år: {%tr for ar in avtal.betalningsplan %}') under rubriken "
    )
    assert lines[0].endswith(
        ": texten 'Per år:' står bredvid '{%tr for ar in avtal.betalningsplan %}', som ersätter "
        "hela tabellraden, och kommer inte med i något dokument: flytta den till en egen "
        "tabellrad"
    )


def test_the_shipped_templates_have_nothing_beside_their_paragraph_and_row_tags() -> None:
    from avtalsgen.documents.templatecheck import TEMPLATES as KINDS
    from avtalsgen.documents.templatecheck import check_template

    for name, context in KINDS.items():
        assert check_template(TEMPLATES / f"{name}.docx", context) == [], name


#: The beslutsförslag as LibreOffice saved it after an endnote 'Enligt beslut i ärende
#: {{ arende.dnr }}.' was put after 'Protokollsutdrag skickas till:' (through UNO).
ENDNOTE = REPO / "tests" / "data" / "beslutsforslag-slutnot.docx"
ENDNOTES = "word/endnotes.xml"


def test_a_tag_in_an_endnote_is_filled_in(folder: Path) -> None:
    """docxtpl renders the footnotes only: the document printed the endnote's tag as typed."""
    template = folder / "beslutsforslag.docx"
    shutil.copy(ENDNOTE, template)
    rendered = render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    with zipfile.ZipFile(io.BytesIO(rendered)) as archive:
        notes = archive.read(ENDNOTES).decode("utf-8")
    assert "Enligt beslut i ärende RUN-00386-2023." in notes
    assert "{{" not in notes


def test_a_misspelt_tag_in_an_endnote_is_found_by_the_check(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    with zipfile.ZipFile(ENDNOTE) as source, zipfile.ZipFile(template, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == ENDNOTES:  # the note typed again with a slip
                data = data.replace(b"{{ arende.dnr }}", b"{{ arende.drn }}")
            target.writestr(member, data)
    assert _check(folder) == [
        f"{template}: slutnoterna, stycket 'Enligt beslut i ärende {{{{ arende.drn }}}}.': "
        "'arende.drn' finns inte bland de uppgifter som mallen kan använda; menade du "
        "'arende.dnr'?"
    ]


def test_a_text_of_paragraphs_in_a_plain_tag_is_refused_not_left_out(folder: Path) -> None:
    """'{{ text.syfte }}' typed for '{{p text.syfte }}' put the paragraphs inside a run's
    text; LibreOffice showed none of them: the beslutsförslag's Syfte section was empty."""
    template = folder / "beslutsforslag.docx"
    _retyped(template, "{{p text.syfte }}", "{{ text.syfte }}")
    said = (
        "brödtext, stycket '{{ text.syfte }}' under rubriken 'Syfte': '{{ text.syfte }}' är en "
        "text i stycken, som bara visas av en tagg som ersätter hela sitt stycke: skriv "
        "'{{p text.syfte }}' ensam i ett stycke"
    )
    assert _check(folder) == [f"{template}: {said}"]
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert str(raised.value) == (
        f"{template}: {said} ('avtalsgen templates check' listar alla fel i mallarna)"
    )


def test_a_single_value_in_a_paragraph_tag_is_refused_not_left_out(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    _retyped(template, "{{ arende.titel }}", "{{p arende.titel }}")
    said = (
        "brödtext, stycket '{{p arende.titel }}': '{{p arende.titel }}' ersätter hela sitt "
        "stycke, men 'arende.titel' är ett enskilt värde: skriv i stället '{{ arende.titel }}' "
        "i styckets text"
    )
    assert _check(folder) == [f"{template}: {said}"]
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert str(raised.value).startswith(f"{template}: {said} (")


def test_a_tag_that_lost_its_closing_brace_is_named(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    _retyped(template, "{%p if sekretess %}", "{%p if sekretess }")
    # Not the '{%p endif %}' after it, which then closes nothing: the tag itself.
    assert _check(folder) == [
        f"{template}: brödtext, stycket '{{%p if sekretess }}': taggen '{{%p if sekretess }}' "
        "avslutas inte: avsluta den med '%}'"
    ]


def test_a_tag_that_lost_its_opening_brace_is_named(folder: Path) -> None:
    """'{ arende.titel }}' is no tag to Jinja: the beslutsförslag's title would read so."""
    template = folder / "beslutsforslag.docx"
    _retyped(template, "{{ arende.titel }}", "{ arende.titel }}")
    assert _check(folder) == [
        f"{template}: brödtext: stycket '{{ arende.titel }}}}': '}}}}' avslutar ingen tagg, så "
        "texten före den skrivs ut som den står: börja taggen med '{{'"
    ]


def test_a_tag_split_over_runs_and_paragraphs_is_read_as_the_tag(folder: Path) -> None:
    """As Word leaves a tag: bold on half of it (two runs), and broken over two paragraphs
    (Enter typed inside it); curly quotes from autocorrect inside another."""
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    dnr = next(p for p in document.paragraphs if p.text == "Dnr {{ arende.dnr }}")
    dnr.runs[0].text = "Dnr {{ arende"
    dnr.insert_paragraph_before("")  # then moved after it, as Enter inside the tag makes one
    new = dnr._element.getprevious()
    dnr._element.addnext(new)
    from docx.text.paragraph import Paragraph

    Paragraph(new, dnr._parent).add_run(".dnr }}")
    title = next(p for p in document.paragraphs if p.text == "{{ arende.titel }}")
    title.runs[0].text = "{{ arende[“tit"
    title.add_run("el”] }}").bold = True
    document.save(str(template))
    assert _check(folder) == []
    rendered = Document(
        io.BytesIO(
            render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
        )
    )
    # No-break spaces read as spaces: a title's spaced hyphen ("ekosystem - Swedish") is kept
    # on one line with them (documents/format.keep_together).
    texts = [p.text.replace("\u00a0", " ") for p in rendered.paragraphs]
    assert "Dnr RUN-00386-2023" in texts  # Word's non-breaking hyphens read as hyphens
    assert load_case(CASE).arende.titel in texts


def test_a_deleted_end_row_names_the_loop_left_open(folder: Path) -> None:
    """Deleting the table row '{%tr endfor %}' (Word: Delete Rows) leaves the row loop
    open; the '{%p endif %}' that Jinja then meets closes an outer block, not 'nothing'."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    row = document.tables[0].rows[3]
    assert row.cells[0].text == "{%tr endfor %}"
    row._tr.getparent().remove(row._tr)
    document.save(str(template))
    tag = "{%tr for ar in avtal.betalningsplan %}"
    assert _check(folder) == [
        f"{template}: brödtext, tabellen som börjar 'Avtalsår | Period | Belopp', rad 2, "
        f"kolumn 1 ('{tag}') under rubriken 'Belopp per avtalsår': '{tag}' avslutas aldrig: "
        "skriv '{%tr endfor %}' där det som den styr slutar (på en egen tabellrad)"
    ]


def test_a_build_names_the_finding_it_failed_on_not_the_first(folder: Path) -> None:
    """A stray '}}' is the check's first finding but prints as typed; the misspelt tag after
    it is what rendering fails on, and what the error names."""
    template = folder / "samarbetsavtal.docx"
    _retyped(template, "{{ arende.dnr }}", "{ arende.dnr }}")
    _retyped(template, "{{ arende.aktor.namn }}", "{{ aktro.namn }}")
    said = (
        "brödtext, stycket 'mellan {{ program.region.namn }} och {{ aktro.namn }}' under "
        "rubriken '{{ avtal.rubrik }}': 'aktro' finns inte; menade du 'arende.aktor'?"
    )
    found = _check(folder)
    assert len(found) == 3 and "'}}' avslutar ingen tagg" in found[0], found
    assert found[1] == f"{template}: {said}"
    # and the Dnr, printed as typed, is no longer on a line of its own (the fact check's)
    assert "skulle inte ange Dnr på första sidan, på en egen rad" in found[2]
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert str(raised.value) == (
        f"{template}: {said} ('avtalsgen templates check' listar alla fel i mallarna)"
    )


@pytest.mark.parametrize(
    ("tag", "said", "reason"),
    [
        (
            # organisationsnummer is null in the case: the check cannot know
            "{{ arende.aktor.organisationsnummer.upper() }}",
            "använder ett värde som det här ärendet inte har (ett som det lämnar tomt, eller "
            "ett som modellerna inte har): pröva det först med '{% if … %}', eller rätta "
            "namnet",
            "'None' has no attribute 'upper'",
        ),
        (
            "{{ 100 // (arende.dnr|length * 0) }}",
            "gör en beräkning som det här ärendets värden inte tillåter",
            "integer division or modulo by zero",
        ),
    ],
    ids=["empty_value", "division"],
)
def test_an_error_only_the_case_s_values_meet_is_told_in_swedish(
    folder: Path, tag: str, said: str, reason: str
) -> None:
    template = folder / "samarbetsavtal.docx"
    # Added beside the Dnr, which stays on its line (typed over, the check says it is gone).
    _retyped(template, "{{ arende.dnr }}", "{{ arende.dnr }} " + tag)
    assert _check(folder) == []
    with pytest.raises(RenderError) as raised:
        render_document(template, build_context(load_case(CASE)), Metadata("t", "s", ()))
    assert str(raised.value) == f"{template}: taggen '{tag}' {said} (teknisk orsak: {reason})"
