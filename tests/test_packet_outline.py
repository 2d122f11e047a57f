"""The packet as an archivist reads it without avtalsgen: each part's own bookmarks (its
headings, the agreement's clauses) nested under the part's bookmark, pointing at the part's
pages in the packet, and XMP that names the case (dc:identifier), the packet's date
(dc:date), version and DocumentID."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import CASES

from avtalsgen.pdf.assemble import packet_document_id
from avtalsgen.pdf.pdfa import check_pdfa_structure

pytestmark = pytest.mark.libreoffice


def _tree(items: list[pikepdf.OutlineItem], pdf: pikepdf.Pdf) -> list[tuple[str, int, list]]:  # type: ignore[type-arg]
    """(title, 0-based page, children) of each bookmark."""
    found = []
    for item in items:
        dest = item.destination
        assert isinstance(dest, pikepdf.Array), item.title
        found.append((str(item.title), pikepdf.Page(dest[0]).index, _tree(item.children, pdf)))
    return found


@pytest.mark.parametrize("dnr", list(CASES))
def test_each_parts_bookmarks_are_nested_under_it(built: Path, dnr: str) -> None:
    packet = built / dnr / "paket.pdf"
    assert check_pdfa_structure(packet, lang="sv-SE") == []
    with pikepdf.open(packet) as pdf, pdf.open_outline() as outline:
        tree = _tree(list(outline.root), pdf)
        labels = pdf.Root.PageLabels.Nums
    assert [title for title, _page, _kids in tree] == [
        "Innehåll", "Beslutsförslag", "Samarbetsavtal"
    ]  # fmt: skip
    assert tree[0][2] == []
    starts = [int(labels[i]) for i in range(0, len(labels), 2)][1:]  # each part's first page
    for (title, first, kids), name, start in zip(
        tree[1:], ["beslutsforslag", "samarbetsavtal"], starts, strict=True
    ):
        assert first == start, title
        # The part's own bookmarks, under its title's (which the part's entry stands for),
        # at the same pages and places of the part as in its own PDF.
        with pikepdf.open(built / dnr / f"{name}.pdf") as own, own.open_outline() as theirs:
            (heading,) = _tree(list(theirs.root), own)
            own_dests = [_place(item) for item in theirs.root[0].children]
        shifted = _shift(heading[2], start)
        assert kids == shifted, title
        assert len(kids) >= 5
        with pikepdf.open(packet) as pdf, pdf.open_outline() as outline:
            part = next(item for item in outline.root if item.title == title)
            assert [_place(item) for item in part.children] == own_dests
            assert part.is_closed
    agreement = tree[2][2]
    assert [title for title, _page, _kids in agreement][:3] == [
        "1. Parter", "2. Bakgrund", "3. Syfte"
    ]  # fmt: skip
    assert agreement[-1][0].endswith("Underskrifter")
    financing = next(kids for title, _page, kids in agreement if "Finansiering" in title)
    assert [title for title, _page, _kids in financing] == [
        "Belopp per avtalsår", "Utbetalningsplan"
    ]  # fmt: skip


def _place(item: pikepdf.OutlineItem) -> list[pikepdf.Object]:
    """Where on its page a bookmark points (/XYZ left top zoom)."""
    dest = item.destination
    assert isinstance(dest, pikepdf.Array)
    return list(dest)[1:]


def _shift(tree: list[tuple[str, int, list]], by: int) -> list[tuple[str, int, list]]:  # type: ignore[type-arg]
    return [(title, page + by, _shift(kids, by)) for title, page, kids in tree]


@pytest.mark.parametrize("dnr", list(CASES))
def test_the_packets_xmp_names_its_case_date_and_version(built: Path, dnr: str) -> None:
    with pikepdf.open(built / dnr / "paket.pdf") as pdf:
        xmp = pdf.open_metadata()
        assert xmp["dc:identifier"] == dnr
        created = str(xmp["xmp:CreateDate"])
        assert list(xmp["dc:date"]) == [created[:10]]
        assert str(pdf.docinfo.CreationDate)[2:10] == created[:10].replace("-", "")
        assert xmp["xmpMM:VersionID"] == "1"
        assert xmp["xmpMM:DocumentID"] == packet_document_id(dnr, 1)
        assert xmp["xmpMM:DocumentID"].startswith("uuid:")
        assert "xmpMM:DerivedFrom" not in xmp  # the first version follows none
        assert "dc:relation" not in xmp
