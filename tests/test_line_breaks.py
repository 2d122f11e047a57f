"""A line break inside a paragraph reads as a space: LibreOffice 7.4 writes no text for a
manual line break (Shift+Enter in Word), and the extract's blocks of lines, the justering's
and the certification's, read in the tagged PDF (a screen reader, a copy) as
"Regionhuset, LuleåOrdförande: Maria …" and "protokollet.Bestyrks av: …". The template puts
a space before each break; the page looks as before."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
from conftest import REPO, needs_soffice, run_cli
from tagged_text import tagged_elements
from warm_converter import converter_in


def test_the_template_puts_a_space_before_each_line_break() -> None:
    with zipfile.ZipFile(REPO / "templates" / "protokollsutdrag.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*?<w:br/></w:r>", body)
    assert runs
    assert [run for run in runs if '<w:t xml:space="preserve"> </w:t><w:br/>' not in run] == []


@needs_soffice
def test_the_extract_s_lines_read_as_words(cases: Path, session_converter: Path) -> None:
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    output = cases.parent / "output"
    with converter_in(session_converter):
        made = run_cli(
            "utdrag", str(meeting), "--output", str(output), "--templates", str(REPO / "templates")
        )
    assert made.returncode == 0, made.stderr  # the certification block found, its field placed
    with pikepdf.open(output / "RUN-00386-2023" / "protokollsutdrag-211.pdf") as pdf:
        text = " ".join(" ".join(e.text.split()) for e in tagged_elements(pdf) if e.text)
    assert "Regionhuset, Luleå Ordförande: Maria Exempelsdotter Justerare:" in text
    assert "Utdraget överensstämmer med protokollet. Bestyrks av: Lena Exempelsson" in text
