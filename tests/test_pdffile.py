"""open_pdf: pages hold what they inherit from the page tree, without qpdf's push when
no page needs it."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from avtalsgen.pdf.pdffile import open_pdf


def _pdf(path: Path, *, inherit: tuple[str, ...] = (), nested: bool = False) -> Path:
    """Two 300 x 400 pages turned 90 degrees; the attributes ``inherit`` are held by the
    page tree (its root, or with ``nested`` an intermediate node) instead of the pages,
    the others by every page and also by the root (as LibreOffice writes them)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 400))
    pdf.add_blank_page(page_size=(300, 400))
    for page in pdf.pages:
        page.obj.Rotate = 90
    root = pdf.Root.Pages
    holder = root
    if nested:
        holder = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=root.Kids, Count=2, Parent=root)
        )
        for page in pdf.pages:
            page.obj.Parent = holder
        root.Kids = pikepdf.Array([holder])
    for key in ("/MediaBox", "/Resources", "/Rotate"):
        value = pdf.pages[0].obj[key]
        (holder if key in inherit else root)[key] = value
        if key in inherit:
            for page in pdf.pages:
                del page.obj[key]
    pdf.save(path)
    return path


def test_a_pdf_whose_pages_hold_every_attribute_is_opened_as_it_is(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "lo.pdf")
    with open_pdf(path) as pdf:
        # qpdf's push would have taken /MediaBox and /Resources off the page tree's root.
        assert {"/MediaBox", "/Resources", "/Rotate"} <= set(pdf.Root.Pages.keys())
        assert [list(page.mediabox) for page in pdf.pages] == [[0, 0, 300, 400]] * 2
    with pikepdf.open(path) as pushed:
        assert "/MediaBox" not in pushed.Root.Pages


@pytest.mark.parametrize("nested", [False, True], ids=["root", "intermediate node"])
@pytest.mark.parametrize("key", ["/MediaBox", "/Resources", "/Rotate"])
def test_an_inherited_attribute_is_pushed_to_the_pages(
    tmp_path: Path, key: str, nested: bool
) -> None:
    path = _pdf(tmp_path / "inherits.pdf", inherit=(key,), nested=nested)
    with pikepdf.open(path, inherit_page_attributes=False) as raw:
        assert key not in raw.pages[0].obj
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            assert key in page.obj
        assert int(pdf.pages[1].obj.Rotate) == 90
        assert list(pdf.pages[1].obj.MediaBox) == [0, 0, 300, 400]


def test_a_stream_is_read_again_from_its_start(tmp_path: Path) -> None:
    data = _pdf(tmp_path / "inherits.pdf", inherit=("/MediaBox",)).read_bytes()
    with open_pdf(io.BytesIO(data)) as pdf:
        assert [list(page.obj.MediaBox) for page in pdf.pages] == [[0, 0, 300, 400]] * 2


def test_a_parent_loop_does_not_hang(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "loop.pdf", inherit=("/MediaBox",), nested=True)
    with pikepdf.open(path, inherit_page_attributes=False) as pdf:
        pdf.Root.Pages.Parent = pdf.Root.Pages.Kids[0]  # root and node each other's parent
        pdf.save(tmp_path / "looped.pdf")
    with open_pdf(tmp_path / "looped.pdf") as pdf:
        assert len(pdf.pages) == 2
