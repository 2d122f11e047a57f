"""The packet as an archivist reads it without avtalsgen: each part's own bookmarks (its
headings, the agreement's clauses) nested under the part's bookmark, pointing at the part's
pages in the packet, and XMP that names the case (dc:identifier), the packet's date
(dc:date), version and DocumentID."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def test_an_attachments_bookmarks_point_at_its_pages_and_a_loop_ends() -> None:
    from avtalsgen.pdf.assemble import part_bookmarks

    source = pikepdf.new()
    for _ in range(3):
        source.add_blank_page()
    pages = [page.obj for page in source.pages]

    def item(title: str, **entries: Any) -> pikepdf.Dictionary:
        made = source.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title), **entries))
        assert isinstance(made, pikepdf.Dictionary)
        return made

    first = item("Inledning", Dest=pikepdf.Array([pages[1], pikepdf.Name.XYZ, 10, 700, 0]))
    action = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([pages[2], pikepdf.Name.Fit]))
    second = item("Bilagans slut", A=action)
    named = item("Namngiven", Dest=pikepdf.String("ett-namn"))
    child = item("Underavsnitt", Dest=pikepdf.Array([pages[2], pikepdf.Name.Fit]))
    first.Next, second.Next, named.Next = second, named, first  # a loop back to the first
    second.First = second.Last = child
    child.First = first  # and one from a child to the top
    source.Root.Outlines = source.make_indirect(pikepdf.Dictionary(First=first, Last=named))
    packet = pikepdf.new()
    packet.add_blank_page()  # the contents page
    packet.pages.extend(source.pages)
    copied = list(packet.pages)[1:]
    made = part_bookmarks(source, copied)
    assert [str(b.title) for b in made] == ["Inledning", "Bilagans slut", "Namngiven"]
    assert [str(b.title) for b in made[1].children] == ["Underavsnitt"]
    assert made[1].children[0].children == []  # the loop back ends there

    def page(bookmark: pikepdf.OutlineItem) -> int:
        dest = bookmark.destination
        assert isinstance(dest, pikepdf.Array)
        return pikepdf.Page(dest[0]).index

    # Made for the packet's pages, each where it pointed in the attachment; a named
    # destination at the attachment's first page.
    assert [page(b) for b in made] == [2, 3, 1]
    assert _place(made[0]) == [pikepdf.Name.XYZ, 10, 700, 0]
