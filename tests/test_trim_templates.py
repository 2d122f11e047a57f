"""scripts/trim_templates.py keeps every style a template uses and drops the rest."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from conftest import script


def _style_ids(path: Path) -> set[str]:
    return {style.style_id for style in docx.Document(str(path)).styles}


def test_trimming_keeps_the_styles_in_use_and_drops_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "mall.docx"
    document = docx.Document()  # python-docx's blank document: every built-in style
    document.add_paragraph("Rubrik", style="Heading 1")
    document.add_table(rows=1, cols=1).style = "Table Grid"
    document.save(str(path))
    before = _style_ids(path)
    assert "LightShading" in before and "Heading2" in before

    size, trimmed = script("trim_templates").trim(path)

    after = _style_ids(path)
    assert trimmed < size / 2
    # In use, their relatives (based on, linked), the defaults, and the prose styles.
    assert {"Heading1", "Heading1Char", "Normal", "TableGrid", "TableNormal"} <= after
    assert {"ListBullet", "ListNumber", "DefaultParagraphFont", "NoList"} <= after
    assert not {"LightShading", "Heading2", "Quote"} & after
    names = zipfile.ZipFile(path).namelist()
    assert "word/stylesWithEffects.xml" not in names
    assert not [name for name in names if "thumbnail" in name or name.startswith("customXml")]
    assert [p.text for p in docx.Document(str(path)).paragraphs] == ["Rubrik"]
    assert script("trim_templates").trim(path) == (trimmed, trimmed), (
        "trimming again changes nothing"
    )
