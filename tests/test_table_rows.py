"""No table row of a document breaks across pages: a row cut by a page break left its first
lines on one page and the rest as an empty row under the repeated header on the next (qa16:
tillaggsavtal-v2.pdf, page 2). Every row of every table in the shipped templates keeps
whole (Word's 'Allow row to break across pages' cleared: ``w:cantSplit``), so does every
row of the documents made from them, the renderer's doing whatever the template says
(``documents/tablekeep.py``)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import REPO
from lxml import etree
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.documents.tablekeep import keep_tables_together

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _rows(docx: Path) -> list[etree._Element]:
    with zipfile.ZipFile(docx) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return list(root.iter(f"{W}tr"))


def _whole(row: etree._Element) -> bool:
    return row.find(f"{W}trPr/{W}cantSplit") is not None


@pytest.mark.parametrize("name", ["beslutsforslag", "samarbetsavtal", "tillaggsavtal"])
def test_every_row_of_the_shipped_templates_keeps_whole(name: str) -> None:
    rows = _rows(REPO / "templates" / f"{name}.docx")
    assert len(rows) >= 8  # two tables
    assert all(map(_whole, rows))


def test_every_row_of_the_documents_made_keeps_whole(built: Path) -> None:
    """The examples as built (a budget-year table with a column per year, a payment plan
    of ten rows among them)."""
    documents = sorted(built.glob("*/*.docx"))
    assert {path.stem for path in documents} >= {"beslutsforslag", "samarbetsavtal"}
    for document in documents:
        rows = _rows(document)
        assert rows and all(map(_whole, rows)), document


def test_a_template_whose_rows_may_break_makes_documents_whose_rows_keep_whole(
    tmp_path: Path,
) -> None:
    """The renderer keeps every row whole whatever the template says (one mechanism):
    ``templates check`` does not ask staff to change the setting in Word."""
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    template = folder / "samarbetsavtal.docx"
    source = zipfile.ZipFile(REPO / "templates" / "samarbetsavtal.docx")
    with zipfile.ZipFile(template, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                second = list(root.iter(f"{W}tbl"))[1]
                for mark in second.iter(f"{W}cantSplit"):
                    mark.getparent().remove(mark)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(info, data)
    assert not all(map(_whole, _rows(template)))
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["templates", "check", "--templates", str(folder)])
    assert result.exit_code == 0, result.output
    assert "bryts över sidor" not in result.output
    document = docx.Document(str(template))
    keep_tables_together(document)
    rendered = tmp_path / "rendered.docx"
    document.save(str(rendered))
    rows = _rows(rendered)
    assert len(rows) >= 8 and all(map(_whole, rows))
