"""The Paket page reads a packet's pages only up to the first that shows [uppgift saknas]
(web/readiness.packet_shows_unknown, pdf/unknown.shows_unknown): whether a packet can be
signed yet is all the list says of its gaps, and reading every page of every new packet
was most of the page's time while builds replace packets (bench/paketlist.py). What it
finds agrees with the full reading (pdf/unknown.unknown_facts) on packets with no gap, a
gap on the last page and a placeholder broken across two lines. Packets made with pikepdf
(no build)."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pypdfium2
import pytest
from webtools import blank_packet, client_for, workspace

from avtalsgen.pdf.unknown import shows_unknown, unknown_facts
from avtalsgen.web.config import WebConfig

DNR = "RUN-90001-2023"


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF at ``path`` whose pages show ``pages``' lines, one under the other."""
    import pikepdf

    with pikepdf.new() as pdf:
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        ))  # fmt: skip
        for lines in pages:
            pdf.add_blank_page()
            page = pdf.pages[-1]
            page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
            shown = " ".join(f"1 0 0 1 72 {700 - 20 * n} Tm ({line}) Tj"
                             for n, line in enumerate(lines))  # fmt: skip
            page.Contents = pdf.make_stream(f"BT /F1 12 Tf {shown} ET".encode())
        pdf.save(path)
    return path


@pytest.fixture
def pages_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The pages whose text PDFium was asked for, counted."""
    read: list[int] = []
    real = pypdfium2.PdfPage.get_textpage

    def counted(page: pypdfium2.PdfPage) -> pypdfium2.PdfTextPage:
        read.append(1)
        return real(page)

    monkeypatch.setattr(pypdfium2.PdfPage, "get_textpage", counted)
    yield read


@pytest.mark.parametrize(
    "pages",
    [
        [["Avtal"], ["Belopp: 100 kronor"], ["Ort: Luleå"]],
        [["Avtal"], ["Belopp: 100 kronor"], ["Ort: [uppgift saknas]"]],
        [["Avtal"], ["Organisationsnummer: [uppgift", "saknas]"]],
        [["Datum: [uppgift saknas] Ort: [uppgift saknas]"], ["Avtal"]],
    ],
    ids=["none", "last-page", "broken-line", "first-page"],
)
def test_it_finds_a_gap_where_the_full_reading_does(tmp_path: Path, pages: list[list[str]]) -> None:
    pdf = _pdf(tmp_path / "paket.pdf", pages)
    full = unknown_facts(pdf)
    assert shows_unknown(pdf) is bool(full)
    shown = any("[uppgift" in line for lines in pages for line in lines)
    assert bool(full) is shown, full


def _row(html: str) -> str:
    start = html.index(f'<td class="dnr">{DNR}</td>')
    return " ".join(unescape(html[start : html.index("</tr>", start)]).split())


@pytest.fixture
def config(tmp_path: Path) -> WebConfig:
    config = workspace(tmp_path / "ws")
    blank_packet(config, DNR)
    return config


def test_the_page_reads_a_packet_with_a_gap_up_to_its_first(
    config: WebConfig, pages_read: list[int]
) -> None:
    _pdf(config.output / DNR / "paket.pdf",
         [["Innehåll"], ["Organisationsnummer: [uppgift saknas]"], ["Avtal"], ["Avtal"],
          ["Ort: [uppgift saknas]"]])  # fmt: skip
    with client_for(config, "signer") as client:
        row = _row(client.get("/paket").text)
        assert "Kan inte signeras än: paketet visar fortfarande [uppgift saknas]." in row
        assert 'href="/paket/' not in row  # no button to sign
        # The second page shows the first gap: the three after it are not read.
        assert len(pages_read) == 2
        # Asked again, the packet unchanged: read no more.
        assert "Kan inte signeras än" in _row(client.get("/paket").text)
        assert len(pages_read) == 2


def test_a_packet_with_no_gap_is_read_to_its_end_and_offered(
    config: WebConfig, pages_read: list[int]
) -> None:
    _pdf(config.output / DNR / "paket.pdf", [["Innehåll"], ["Avtal"], ["Ort: Luleå"]])
    with client_for(config, "signer") as client:
        row = _row(client.get("/paket").text)
        assert "Kan inte signeras än: paketet visar" not in row
        assert len(pages_read) == 3
