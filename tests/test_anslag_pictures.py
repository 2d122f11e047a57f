"""The anslag's web page keeps the template's pictures (the region's logo): as data URIs,
with their alternative text and size, in the page's header and its main part."""

from __future__ import annotations

import base64
import shutil
import struct
import zlib
from pathlib import Path

from conftest import REPO, needs_soffice
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app

MEETING = REPO / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
ALT = "Region Norrbottens logotyp"


def _png(colour: bytes) -> bytes:
    """A 4 x 4 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + colour * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@needs_soffice
def test_the_anslag_page_keeps_the_logo_of_its_template(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    template = folder / "anslag.docx"
    body, header = _png(b"\x00\x5a\xa0"), _png(b"\xc0\x10\x10")
    (tmp_path / "logo.png").write_bytes(body)
    (tmp_path / "sidhuvud.png").write_bytes(header)
    document = Document(str(template))
    title = next(p for p in document.paragraphs if p.text == "Tillkännagivande av justering")
    title.insert_paragraph_before("").add_run().add_picture(str(tmp_path / "logo.png"), width=Cm(4))
    next(document.element.body.iter(qn("wp:docPr"))).set("descr", ALT)
    document.sections[0].header.paragraphs[0].add_run().add_picture(
        str(tmp_path / "sidhuvud.png"), width=Cm(2)
    )
    document.save(str(template))
    output = tmp_path / "output"
    i18n.set_language("sv")
    result = CliRunner().invoke(
        app, ["anslag", str(MEETING), "--templates", str(folder), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    [page] = output.rglob("anslag.html")
    html = page.read_text(encoding="utf-8")
    main = html[html.index("<main>") :]
    # 4 cm is 151 CSS pixels; the picture keeps its proportions (square)
    assert (
        f'<p><img src="data:image/png;base64,{base64.b64encode(body).decode()}" alt="{ALT}" '
        'width="151" height="151"></p>'
    ) in main
    top = html[html.index("<header>") : html.index("</header>")]
    assert f'src="data:image/png;base64,{base64.b64encode(header).decode()}" alt=""' in top
    assert main.index(ALT) < main.index("Tillkännagivande av justering")
