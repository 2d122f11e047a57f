"""A list item's label and its text are two words, in the text a screen reader or a copy
gets and on the page: LibreOffice 7.4 writes no text for the tab between a list's label and
its text, so the tagged PDF read "1.Regionala utvecklingsnämnden beslutar …" and
"2.Medlen anvisas från ERP". The templates' numbered list styles put a space after the
label (the tab still aligns the text), and ListNumber's hanging indent holds "10. " before
its tab, so a tenth point is aligned as the first is; not so wide that pdftotext takes the
labels for a column of their own. A bullet likewise ("•Driva plattformsarbetet …"), but
LibreOffice 7.4 keeps only the first character of a bullet's label: the templates' bullet
levels are lists without numbers whose label is the text "• " (Word shows it as written),
and their hanging indent of 0.5 cm keeps pdftotext from reading the bullets as a column."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from conftest import CASES, REPO, run
from pdftext import pdftotext
from tagged_text import tagged_elements
from warm_converter import converter_in

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("dnr", list(CASES))
def test_a_label_and_its_item_s_text_are_two_words(built: Path, dnr: str) -> None:
    with pikepdf.open(built / dnr / "beslutsforslag.pdf") as pdf:
        items = [(e.kind, e.text) for e in tagged_elements(pdf) if e.kind.startswith("List ")]
    numbered = [text for kind, text in items if kind == "List Number"]
    assert numbered
    for text in numbered:
        assert re.match(r"\d+\. \w", text), text


def test_the_decision_points_read_with_a_space_after_their_number(built: Path) -> None:
    with pikepdf.open(built / "RUN-00386-2023" / "beslutsforslag.pdf") as pdf:
        numbered = [e.text for e in tagged_elements(pdf) if e.kind == "List Number"]
    assert numbered[1] == "2. Medlen anvisas från ERP"


def test_pdftotext_reads_each_label_with_its_point(built: Path) -> None:
    # With a hanging indent of 0.75 cm it read "1.", "2.", … before all the points' text.
    lines = pdftotext(built / "RUN-00386-2023" / "beslutsforslag.pdf").splitlines()
    assert "2. Medlen anvisas från ERP" in lines
    assert any(line.startswith("1. Regionala utvecklingsnämnden beslutar att") for line in lines)


@pytest.mark.parametrize("dnr", list(CASES))
def test_a_bullet_and_its_item_s_text_are_two_words(built: Path, dnr: str) -> None:
    with pikepdf.open(built / dnr / "samarbetsavtal.pdf") as pdf:
        bullets = [e.text for e in tagged_elements(pdf) if e.kind == "List Bullet"]
    assert bullets
    assert [text for text in bullets if not re.match(r"\u2022 \w", text)] == []


def test_pdftotext_reads_each_bullet_with_its_item(built: Path) -> None:
    lines = pdftotext(built / "RUN-00386-2023" / "samarbetsavtal.pdf").splitlines()
    assert "\u2022" not in lines
    assert any(line.startswith("\u2022 Driva plattformsarbetet på ett sätt") for line in lines)
    assert any(line.startswith("\u2022 bidra till insatser i Smart") for line in lines)


@pytest.mark.parametrize("template", sorted((REPO / "templates").glob("*.docx")))
def test_every_bullet_level_is_the_label_bullet_and_space(template: Path) -> None:
    with zipfile.ZipFile(template) as archive:
        numbering = archive.read("word/numbering.xml").decode("utf-8")
    levels = re.findall(r"<w:lvl .*?</w:lvl>", numbering, re.S)
    bullets = [level for level in levels if "\u2022" in level]
    assert len(bullets) == 4
    for level in bullets:
        assert '<w:numFmt w:val="none"/>' in level
        assert '<w:lvlText w:val="\u2022 "/>' in level
    assert [level for level in levels if 'w:val="bullet"' in level] == []


@pytest.mark.parametrize("template", sorted((REPO / "templates").glob("*.docx")))
def test_every_numbered_list_level_puts_a_space_after_its_label(template: Path) -> None:
    with zipfile.ZipFile(template) as archive:
        numbering = archive.read("word/numbering.xml").decode("utf-8")
    labels = re.findall(r'<w:lvlText w:val="(%[^"]*)"/>', numbering)
    assert labels
    assert [label for label in labels if not label.endswith(" ")] == []


def test_a_tenth_point_is_aligned_as_the_first(
    built: Path, tmp_path: Path, session_converter: Path
) -> None:
    # The beslutsförslag as rendered, its second decision point repeated to twelve points.
    pdf = _with_second_point(built, tmp_path, session_converter, lambda point: point * 11)
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>',
        run("pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"),
    )
    # The first list's labels (a later list on the page starts again at 1).
    labels: dict[str, float] = {}
    for _x, y, text in words:
        if re.fullmatch(r"\d+\.", text):
            labels.setdefault(text, float(y))
    medlen = {round(float(y)): float(x) for x, y, text in words if text == "Medlen"}
    starts = {label: medlen[round(labels[label])] for label in ("2.", "10.", "12.")}
    assert starts["10."] == pytest.approx(starts["2."], abs=0.5), starts
    assert starts["12."] == pytest.approx(starts["2."], abs=0.5), starts


def test_a_tenth_point_at_a_deeper_level_reads_with_its_label(
    built: Path, tmp_path: Path, session_converter: Path
) -> None:
    # ListNumber2–5 (numbering 6–9 of the templates, abstractNum 3–0), twelve points each,
    # made from the beslutsförslag's second decision point. With their old hanging indent
    # of 360 twips "10. " jumped to the next tab stop, away from its point's text.
    def deeper(point: str) -> str:
        assert '<w:ilvl w:val="0"/><w:numId w:val="' in point
        return "".join(
            re.sub(r'(<w:numId w:val=")\d+', rf"\g<1>{num_id}", point).replace(
                "Medlen anvisas från ERP", f"Punkt i ListNumber{level}"
            )
            * 12
            for level, num_id in ((2, 6), (3, 7), (4, 8), (5, 9))
        )

    pdf = _with_second_point(built, tmp_path, session_converter, deeper)
    lines = [line.strip() for line in pdftotext(pdf).splitlines()]
    for level in (2, 3, 4, 5):
        for number in (1, 9, 10, 12):
            assert f"{number}. Punkt i ListNumber{level}" in lines, (level, number)


def _with_second_point(
    built: Path, tmp_path: Path, session_converter: Path, replaced: Callable[[str], str]
) -> Path:
    """The beslutsförslag of RUN-00386-2023 as rendered, its second decision point's
    paragraph ("Medlen anvisas från ERP") replaced by ``replaced`` of it, converted: its PDF."""
    source = built / "RUN-00386-2023" / "beslutsforslag.docx"
    docx = tmp_path / "points.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(docx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                points = re.findall(r"<w:p>(?:(?!</w:p>).)*?ListNumber.*?</w:p>", xml, re.S)
                assert "Medlen anvisas från ERP" in points[1]
                data = xml.replace(points[1], replaced(points[1]), 1).encode("utf-8")
            zout.writestr(item, data, compress_type=item.compress_type)
    with converter_in(session_converter) as converter:
        [pdf] = converter.convert([docx], tmp_path / "pdf")
    return pdf
