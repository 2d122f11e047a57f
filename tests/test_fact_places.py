"""Facts a document must state where its kind requires them, not merely somewhere: the Dnr
on every page and on the first page on a line of its own, the agreement's amount for each
avtalsår in its table row and each payment in its row. A fact a template no longer states
is named with the template, the document, the fact and what to put back (in Swedish)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice
from docx import Document
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app

CASE = REPO / "cases" / "RUN-00386-2023.yaml"
SHIPPED = "så som mallen som följer med avtalsgen har det"

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "templates"
    shutil.copytree(REPO / "templates", made)
    return made


def _build(folder: Path) -> tuple[int, list[str]]:
    """Build the seed case from the templates in ``folder``: the exit code and the lines
    said, in Swedish."""
    i18n.set_language("sv")
    output = folder.parent / "output"
    result = CliRunner().invoke(
        app, ["build", str(CASE), "--templates", str(folder), "--output", str(output)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output.splitlines()


def _checked(folder: Path, language: str = "sv") -> list[str]:
    """What 'avtalsgen templates check' says of ``folder`` beyond 'ok', in Swedish (or
    ``language``): it agrees with the build's fact check."""
    return _check(folder, language)[1]


def _check(folder: Path, language: str = "sv") -> tuple[int, list[str]]:
    """The exit code of 'avtalsgen templates check' and what it says beyond 'ok'."""
    i18n.set_language(language)
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if not line.startswith("ok  ")]
    return result.exit_code, lines


WOULD_NOT = "dokumenten som görs av mallen skulle inte ange"


def _typed_over(cell_or_paragraph: object, text: str) -> None:
    paragraph = getattr(cell_or_paragraph, "paragraphs", [cell_or_paragraph])[0]
    paragraph.runs[0].text = text
    for run in paragraph.runs[1:]:
        run.text = ""


@needs_soffice
def test_a_deleted_total_names_the_template_the_fact_and_the_row_to_put_back(
    folder: Path,
) -> None:
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    row = document.tables[0].rows[4]
    assert row.cells[0].text == "Totalt"
    row._tr.getparent().remove(row._tr)
    document.save(str(template))
    code, said = _build(folder)
    assert code == 1
    assert (
        "beslutsforslag.pdf: totalt: dokumentet anger inte 'Totalt 6 000 000 kr'; i "
        f"{template}: lägg tillbaka tabellraden 'Totalt' | '{{{{ finansiering.summa|kr }}}}' "
        f"under rubriken 'Finansiering', {SHIPPED}"
    ) in said
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} finansieringens totala belopp: lägg tillbaka tabellraden "
        f"'Totalt' | '{{{{ finansiering.summa|kr }}}}' under rubriken 'Finansiering', {SHIPPED}"
    ]


@needs_soffice
def test_the_amount_of_each_avtalsar_must_stand_in_its_table_row(folder: Path) -> None:
    """'enligt beslut' typed over '{{ ar.belopp|kr }}' built: the clause's text states
    2 000 000 kronor per avtalsår, and the payment plan the same amounts."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    _typed_over(document.tables[0].rows[2].cells[2], "enligt beslut")
    document.save(str(template))
    code, said = _build(folder)
    assert code == 1
    row = "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | '{{ ar.belopp|kr }}'"
    assert (
        "samarbetsavtal.pdf: avtalsår 2: dokumentet anger inte 'Avtalsår 2 "
        f"2024-10-01–2025-09-30 2 000 000 kr'; i {template}: lägg tillbaka tabellraden {row} "
        f"under rubriken 'Belopp per avtalsår', {SHIPPED}"
    ) in said
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} varje avtalsårs belopp på sin rad i tabellen: lägg tillbaka "
        f"tabellraden {row} under rubriken 'Belopp per avtalsår', {SHIPPED}"
    ]


@needs_soffice
def test_each_payment_must_stand_in_its_row_of_the_payment_plan(folder: Path) -> None:
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    _typed_over(document.tables[1].rows[2].cells[3], "enligt rekvisition")
    document.save(str(template))
    code, said = _build(folder)
    assert code == 1
    assert [line for line in said if line.startswith("samarbetsavtal.pdf: utbetalning")] == [
        f"samarbetsavtal.pdf: utbetalning {n}: dokumentet anger inte '{n} Avtalsår {n} "
        f"{date} 2 000 000 kr'; i {template}: lägg tillbaka tabellraden '{{{{ u.nummer }}}}' "
        "| '{{ u.avser }}' | '{{ u.datum|iso }}' | '{{ u.belopp|kr }}' under rubriken "
        f"'Utbetalningsplan', {SHIPPED}"
        for n, date in ((1, "2023-10-01"), (2, "2024-10-01"), (3, "2025-10-01"))
    ]
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} varje utbetalning på sin rad i utbetalningsplanen: lägg "
        "tillbaka tabellraden '{{ u.nummer }}' | '{{ u.avser }}' | '{{ u.datum|iso }}' | "
        f"'{{{{ u.belopp|kr }}}}' under rubriken 'Utbetalningsplan', {SHIPPED}"
    ]


@needs_soffice
def test_the_dnr_must_stand_on_the_first_page_not_only_in_its_header_and_text(
    folder: Path,
) -> None:
    """Deleting 'Dnr {{ arende.dnr }}' below the agreement's title built: the page header
    states the Dnr (a screen reader skips it) and so does the clause Bakgrund ('i ärende
    med Dnr RUN-00386-2023', a reference in running text)."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    line = next(p for p in document.paragraphs if p.text == "Dnr {{ arende.dnr }}")
    line._p.getparent().remove(line._p)
    document.save(str(template))
    code, said = _build(folder)
    assert code == 1
    assert (
        "samarbetsavtal.pdf: Dnr: första sidan anger inte 'RUN-00386-2023' på en egen rad "
        "utanför sidhuvudet (en skärmläsare hoppar över sidhuvudet, och i löptext är det en "
        f"hänvisning, inte dokumentets eget); i {template}: skriv 'Dnr {{{{ arende.dnr }}}}' "
        f"i ett eget stycke under rubriken, {SHIPPED}"
    ) in said
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} Dnr på första sidan, på en egen rad: skriv "
        f"'Dnr {{{{ arende.dnr }}}}' i ett eget stycke under rubriken, {SHIPPED}"
    ]


@needs_soffice
def test_the_dnr_must_stand_on_every_page(folder: Path) -> None:
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    _typed_over(document.sections[0].header.tables[0].rows[1].cells[1], "")
    document.save(str(template))
    code, said = _build(folder)
    assert code == 1
    assert (
        "beslutsforslag.pdf: Dnr: sidorna 2, 3 och 4 av 4 anger inte 'RUN-00386-2023' "
        "(varje sida anger det i sitt sidhuvud, så att en sida som tas ut ändå är känd); i "
        f"{template}: skriv 'Dnr {{{{ arende.dnr }}}}' i sidhuvudet, {SHIPPED}"
    ) in said
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} Dnr på varje sida: skriv 'Dnr {{{{ arende.dnr }}}}' i "
        f"sidhuvudet, {SHIPPED}"
    ]


@needs_soffice
def test_staff_edits_that_keep_the_facts_in_place_build(folder: Path) -> None:
    """The Dnr's label typed out, a row added under the avtalsår table's total, the
    payment plan's heading made a Heading 1: every fact still stands where it must."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    line = next(p for p in document.paragraphs if p.text == "Dnr {{ arende.dnr }}")
    _typed_over(line, "Diarienummer: {{ arende.dnr }}")
    table = document.tables[0]
    added = table.add_row()  # type: ignore[no-untyped-call]
    # Word's 'Insert row below' gives the new row the properties of the row it was made
    # from (a row kept whole among them); python-docx gives it none.
    added._tr.insert(0, copy.deepcopy(table.rows[-2]._tr.trPr))
    added.cells[0].text = "Beloppen anges i kronor."
    plan = next(p for p in document.paragraphs if p.text == "Utbetalningsplan")
    plan.style = document.styles["Heading 1"]
    document.save(str(template))
    assert _checked(folder) == []
    code, said = _build(folder)
    assert code == 0, said


def test_templates_check_wants_the_tillaggsavtal_s_rows_per_avtalsar(folder: Path) -> None:
    """The tilläggsavtal states the agreement's years as changed, in the same table as the
    agreement (the build's fact check reads them there too)."""
    template = folder / "tillaggsavtal.docx"
    document = Document(str(template))
    _typed_over(document.tables[0].rows[2].cells[2], "enligt beslut")
    document.save(str(template))
    row = "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | '{{ ar.belopp|kr }}'"
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} varje avtalsårs belopp på sin rad i tabellen: lägg tillbaka "
        f"tabellraden {row} under rubriken 'Belopp per avtalsår', {SHIPPED}"
    ]


@needs_soffice
def test_a_table_row_reordered_is_found_by_templates_check_as_by_the_build(
    folder: Path,
) -> None:
    """The avtalsår table's Belopp column dragged before its Period column, as in Word:
    each row reads 'Avtalsår 1 2 000 000 kr 2023-10-01–2024-09-30', not the row the
    program's clause refers to, and the build refuses it. templates check says so, with
    the same row to put back, before a build is tried."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    table = document.tables[0]
    for table_row in table.rows[:-1]:  # the row 'Totalt' has its own test
        cells = table_row._tr.tc_lst
        if len(cells) == 3:  # not the rows of '{%tr for %}', one cell across the table
            cells[1].addprevious(cells[2])  # the third cell (Belopp) before the second
    assert [cell.text for cell in table.rows[2].cells] == [
        "Avtalsår {{ ar.nummer }}", "{{ ar.belopp|kr }}", "{{ ar.start|intervall(ar.slut) }}"
    ]  # fmt: skip
    document.save(str(template))
    row = "'Avtalsår {{ ar.nummer }}' | '{{ ar.start|intervall(ar.slut) }}' | '{{ ar.belopp|kr }}'"
    fix = f"lägg tillbaka tabellraden {row} under rubriken 'Belopp per avtalsår', {SHIPPED}"
    code, said = _check(folder)
    assert code == 1
    assert said == [f"{template}: {WOULD_NOT} varje avtalsårs belopp på sin rad i tabellen: {fix}"]
    code, said = _build(folder)
    assert code == 1
    assert [line for line in said if line.startswith("samarbetsavtal.pdf: avtalsår")] == [
        f"samarbetsavtal.pdf: avtalsår {n}: dokumentet anger inte 'Avtalsår {n} {period} "
        f"2 000 000 kr'; i {template}: {fix}"
        for n, period in (
            (1, "2023-10-01–2024-09-30"), (2, "2024-10-01–2025-09-30"),
            (3, "2025-10-01–2026-09-30"),
        )
    ]  # fmt: skip


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _with_footnote(template: Path, text: str) -> None:
    """Give the Word file ``template`` a footnotes part holding ``text`` (python-docx
    makes none): the part, its content type and the body's relationship to it."""
    import zipfile

    with zipfile.ZipFile(template) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    ).encode()
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/word/footnotes.xml" ContentType="{_FOOTNOTES}"/></Types>'.encode(),
    )
    rels = "word/_rels/document.xml.rels"
    files[rels] = files[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in files.items():
            target.writestr(name, data)


def test_templates_check_finds_the_same_places_in_english(folder: Path) -> None:
    """The parts of a template are told apart by what they are, not by their translated
    names: the Dnr moved from the page header into a footnote is missing from every page in
    an English run as in a Swedish one, and the same places are found."""
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    _typed_over(document.sections[0].header.tables[0].rows[1].cells[1], "")
    _typed_over(next(p for p in document.paragraphs if p.text == "Dnr {{ arende.dnr }}"), "Dnr")
    document.save(str(template))
    _with_footnote(template, "Dnr {{ arende.dnr }}")
    from avtalsgen.documents.templatecheck import NOTES, PAGE, _sources

    for language in ("sv", "en"):
        i18n.set_language(language)
        parts = [(kind, source) for kind, _label, source, _xml in _sources(template)]
        i18n.set_language(None)
        assert [kind for kind, source in parts if "Dnr {{ arende.dnr }}" in source] == [NOTES]
        assert PAGE in [kind for kind, _source in parts]
    code_sv, swedish = _check(folder, "sv")
    code_en, english = _check(folder, "en")
    assert code_sv == code_en == 1
    assert swedish == [
        f"{template}: {WOULD_NOT} Dnr på första sidan, på en egen rad: skriv "
        f"'Dnr {{{{ arende.dnr }}}}' i ett eget stycke under rubriken, {SHIPPED}",
        f"{template}: {WOULD_NOT} Dnr på varje sida: skriv 'Dnr {{{{ arende.dnr }}}}' i "
        f"sidhuvudet, {SHIPPED}",
    ]
    assert english == [
        f"{template}: the documents made from it would not state the Dnr on the first page, "
        "on a line of its own: write 'Dnr {{ arende.dnr }}' in a paragraph of its own below "
        "the title, as the template that comes with avtalsgen has it",
        f"{template}: the documents made from it would not state the Dnr on every page: write "
        "'Dnr {{ arende.dnr }}' in the page header, as the template that comes with avtalsgen "
        "has it",
    ]


def test_every_fact_a_kind_of_document_states_has_its_place_once() -> None:
    """The one table of places: each group of facts a kind of document must state has a
    place in it (its hint and, for a row, line or page header, the check), none twice."""
    from avtalsgen.documents.factplaces import PLACES, places_of
    from avtalsgen.documents.kinds import KINDS

    assert [k for k in KINDS for fact in k.facts if not places_of(k.name, fact)] == []
    keys = [(p.kind, p.fact, p.where) for p in PLACES]
    assert len(keys) == len(set(keys))


COFINANCED = REPO / "cases" / "exempel-medfinansiering.yaml"


def _build_case(folder: Path, case: Path) -> tuple[int, list[str]]:
    """Build ``case`` from the templates in ``folder``: the exit code and the lines said."""
    i18n.set_language("sv")
    result = CliRunner().invoke(
        app, ["build", str(case), "--templates", str(folder), "--output",
              str(folder.parent / "output")],
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output.splitlines()


_TOTAL_ROW = (
    "'Totalt' | '{{ avtal.finansiering.start|intervall(avtal.finansiering.slut) }}' | "
    "'{{ avtal.finansiering.region_summa|kr }}'"
)


@needs_soffice
def test_the_agreements_total_row_states_the_regions_total_not_the_whole_financing(
    folder: Path,
) -> None:
    """qa16's t7: the Totalt cell of 'Belopp per avtalsår' printing the whole financing
    ({{ avtal.finansiering.summa|kr }}, co-financiers included: 5 400 000 kr) under the
    region's avtalsår (3 000 000 kr in all) built, exit 0, and templates check said ok: the
    amount is a figure of the financing, and the region's total stood in the payment plan."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    _typed_over(document.tables[0].rows[4].cells[2], "{{ avtal.finansiering.summa|kr }}")
    document.save(str(template))
    code, said = _build_case(folder, COFINANCED)
    assert code == 1
    assert (
        "samarbetsavtal.pdf: totalt per avtalsår: dokumentet anger inte 'Totalt "
        f"2025-07-01–2028-06-30 3 000 000 kr'; i {template}: lägg tillbaka tabellraden "
        f"{_TOTAL_ROW} under rubriken 'Belopp per avtalsår', {SHIPPED}"
    ) in said
    assert not (folder.parent / "output" / "RUN-90003-2025" / "samarbetsavtal.pdf").exists()
    assert _checked(folder) == [
        f"{template}: {WOULD_NOT} regionens totala belopp och hela perioden på raden 'Totalt' "
        f"i tabellen: lägg tillbaka tabellraden {_TOTAL_ROW} under rubriken 'Belopp per "
        f"avtalsår', {SHIPPED}"
    ]


@needs_soffice
def test_a_period_typed_into_the_total_row_is_refused(folder: Path) -> None:
    """qa16's t8: the Totalt row's period typed as text, '2025-01-01–2027-12-31', a period the
    case does not have, built with the avtalsår rows above it saying otherwise."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    _typed_over(document.tables[0].rows[4].cells[1], "2025-01-01–2027-12-31")
    document.save(str(template))
    code, said = _build_case(folder, COFINANCED)
    assert code == 1
    assert any(
        line.startswith("samarbetsavtal.pdf: totalt per avtalsår: dokumentet anger inte "
                        "'Totalt 2025-07-01–2028-06-30 3 000 000 kr'")
        for line in said
    )  # fmt: skip
    assert (
        "samarbetsavtal.pdf: datum: dokumentet anger 'Totalt 2025-01-01–2027-12-31 "
        "3 000 000 kr', och 2025-01-01 är inget av ärendets datum (ärendet anger datumet "
        "2025-05-20 och perioden 2025-07-01–2028-06-30"
    ) in " ".join(said)
    assert len(_checked(folder)) == 1


@needs_soffice
def test_a_date_typed_into_a_template_is_refused_naming_the_line(folder: Path) -> None:
    """qa16's t11: the beslutsförslag's 'Datum: {{ arende.datum|iso }}' typed over as
    'Datum: 2025-01-01' built, the page header saying 2025-05-20 on the same page."""
    template = folder / "beslutsforslag.docx"
    document = Document(str(template))
    line = next(p for p in document.paragraphs if p.text.startswith("Datum:"))
    _typed_over(line, "Datum: 2025-01-01")
    document.save(str(template))
    code, said = _build_case(folder, COFINANCED)
    assert code == 1
    assert [line for line in said if line.startswith("beslutsforslag.pdf")] == [
        "beslutsforslag.pdf: datum: dokumentet anger 'Datum: 2025-01-01', och 2025-01-01 är "
        "inget av ärendets datum (ärendet anger datumet 2025-05-20 och perioden "
        "2025-07-01–2028-06-30, 9 datum i allt); i "
        f"{template}: skriv taggen som hämtar datumet ur ärendet (till exempel "
        f"'{{{{ arende.datum|iso }}}}') i stället för datumet som står skrivet i mallen, {SHIPPED}"
    ]
    assert not (folder.parent / "output" / "RUN-90003-2025" / "beslutsforslag.pdf").exists()


def test_dates_and_periods_a_case_gives() -> None:
    """The dates a document may state: the case's, its period's and avtalsår's (as pairs),
    and what its texts write, in ISO or in running text; a period of two of its dates that
    the case does not give together is not one of its periods."""
    from avtalsgen.documents.factdates import date_problems, known_dates
    from avtalsgen.input.load import load_case

    i18n.set_language("sv")
    case = load_case(COFINANCED)
    known = known_dates(case.arende, case.program)
    assert {"2025-05-20", "2025-07-01", "2028-06-30"} <= known.dates
    assert ("2025-07-01", "2028-06-30") in known.periods
    text = (
        "Datum: 2025-05-20\nperioden 2025-07-01–\n2028-06-30 och den 20 maj 2025\n"
        "Avtalsår 2025-07-01–2028-06-30\nfel 2025-07-01–2025-05-20 och den 3 maj 2025"
    )
    problems = date_problems(text, known, "x.pdf", "mallen", "ärendet")
    assert [p.split(", och ")[1].split(" (")[0] for p in problems] == [
        "perioden 2025-07-01–2025-05-20 är ingen av ärendets perioder",
        "2025-05-03 är inget av ärendets datum",
    ]


def _signature_paragraphs(document: object) -> list[object]:
    """The paragraphs of the shipped samarbetsavtal's signature blocks, and the 'if' and
    'endif' around them (qa16's t4 deleted these twelve)."""
    paragraphs = document.paragraphs  # type: ignore[attr-defined]
    start = next(i for i, p in enumerate(paragraphs) if "underskrifter[0].part" in p.text) - 1
    assert paragraphs[start + 11].text == "{%p endif %}"
    return list(paragraphs[start : start + 12])


@needs_soffice
def test_a_deleted_signature_block_is_named_not_taken_for_a_page_break(folder: Path) -> None:
    """qa16's t4: the agreement's signature blocks deleted. templates check said ok and the
    build 'a page break splits the signature blocks: 0 of the 2 blocks … (in Word: Keep with
    next …)'. Now templates check names each block's lines to put back, and the build says
    the blocks' line is missing, not that a page break splits them."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    for paragraph in _signature_paragraphs(document):
        paragraph._element.getparent().remove(paragraph._element)  # type: ignore[attr-defined]
    document.save(str(template))
    code, said = _check(folder)
    assert code == 1
    order = (
        "'För {{ avtal.underskrifter[0].part }}' / 'Ort: {{ avtal.underskrifter[0].ort }}' / "
        "'Datum: enligt den elektroniska underskriften' / '{{ avtal.underskrifter[0].namn }}' "
        "/ '{{ avtal.underskrifter[0].titel }}'"
    )
    assert said[0] == (
        f"{template}: dokumenten som görs av mallen skulle inte ha hela underskriftsblocket "
        "för regionen (det saknas: 'För {{ avtal.underskrifter[0].part }}', 'Ort: {{ "
        "avtal.underskrifter[0].ort }}', '{{ avtal.underskrifter[0].namn }}', '{{ "
        "avtal.underskrifter[0].titel }}'): lägg tillbaka blockets rader i punkten om "
        f"underskrifter, ett stycke för varje rad, {order}, {SHIPPED}"
    )
    assert "underskriftsblocket för aktören" in said[1]
    assert len(said) == 2
    code, said = _build(folder)
    assert code == 1
    text = "\n".join(said)
    assert "sidbrytning" not in text and "Håll ihop" not in text
    assert (
        "samarbetsavtal.pdf: underskriftsblocken: dokumentet anger 'Datum: enligt den "
        "elektroniska underskriften' 0 gånger, inte en gång i vart och ett av de 2 "
        "underskriftsblocken (paketets underskriftsfält för varje part placeras under den "
        "raden): ett block, eller den raden i det, saknas eller har ändrats; lägg i "
        f"{template} tillbaka varje blocks rader"
    ) in text


@needs_soffice
def test_a_signature_blocks_date_line_typed_over_is_named(folder: Path) -> None:
    """qa16's t1: 'Datum: enligt den elektroniska underskriften' typed over as 'Datum:
    2025-09-15' in the region's block: templates check said ok, the build 'a page break
    splits the signature blocks: 1 of the 2 …'."""
    template = folder / "samarbetsavtal.docx"
    document = Document(str(template))
    line = _signature_paragraphs(document)[3]
    assert line.text == "Datum: enligt den elektroniska underskriften"  # type: ignore[attr-defined]
    _typed_over(line, "Datum: 2025-09-15")
    document.save(str(template))
    assert _check(folder) == (1, [
        f"{template}: raden 'Datum: enligt den elektroniska underskriften' står 1 gång i "
        "mallen, inte en gång i vart och ett av de 2 underskriftsblocken, under raden 'Ort: "
        "…': paketets underskriftsfält för varje part placeras under den; skriv tillbaka den "
        f"oförändrad i varje block, {SHIPPED}"
    ])  # fmt: skip
    code, said = _build(folder)
    assert code == 1
    text = "\n".join(said)
    assert "sidbrytning" not in text
    assert "dokumentet anger 'Datum: enligt den elektroniska underskriften' 1 gång" in text
    assert "samarbetsavtal.pdf: datum: dokumentet anger 'Datum: 2025-09-15'" in text
