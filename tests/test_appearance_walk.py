"""The PDF/A checks walk annotation appearance streams (pdfa_rules.appearance_streams,
state_streams): a colour or a font used only in a Square annotation's appearance, its down
state (/D) included, is found as it would be in the page's own content."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf
import pytest

from avtalsgen import i18n
from avtalsgen.pdf.pdfa import font_problems
from avtalsgen.pdf.pdfa_rules import (
    appearance_streams,
    colour_problems,
    embedded_fonts,
    subset_name_problems,
    unique_subset_names,
)

SUBSET = "ABCDEF+Appearance"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def _form(pdf: pikepdf.Pdf, content: bytes, resources: pikepdf.Dictionary) -> pikepdf.Stream:
    return pdf.make_stream(
        content,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 100, 50],
        Resources=resources,
    )


def _font(pdf: pikepdf.Pdf, name: str, program: bytes | None) -> pikepdf.Object:
    """A TrueType font dictionary named ``name``; its program ``program`` (None: not
    embedded). The checks read the font's dictionaries, not the program's bytes."""
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/{name}"), Flags=32
    )
    if program is not None:
        descriptor.FontFile2 = pdf.make_stream(program)
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.TrueType,
            BaseFont=pikepdf.Name(f"/{name}"),
            FontDescriptor=pdf.make_indirect(descriptor),
        )
    )


def _with_square(
    pdf: pikepdf.Pdf, page_resources: pikepdf.Dictionary, appearance: pikepdf.Dictionary
) -> None:
    """One page in DeviceRGB (or none) with a Square annotation of ``appearance``."""
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=pdf.make_stream(b"1 0 0 rg 72 700 100 50 re f\n"),
        Resources=page_resources,
    )
    pdf.pages.append(pikepdf.Page(page))
    square = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Square,
        Rect=[72, 500, 172, 550],
        F=4,
        AP=appearance,
    )
    pdf.pages[-1].obj.Annots = pikepdf.Array([pdf.make_indirect(square)])


def test_a_cmyk_appearance_and_a_cmyk_down_state_are_found() -> None:
    with pikepdf.new() as pdf:
        rgb = _form(pdf, b"0 0 1 rg 0 0 100 50 re f\n", pikepdf.Dictionary())
        _with_square(pdf, pikepdf.Dictionary(), pikepdf.Dictionary(N=rgb))
        assert colour_problems(pdf, "RGB") == []
        pdf.pages[0].obj.Annots[0].AP = pikepdf.Dictionary(
            N=rgb,
            D=_form(pdf, b"0 0 0 1 k 0 0 100 50 re f\n", pikepdf.Dictionary()),
        )
        assert [len(list(appearance_streams(page))) for page in pdf.pages] == [2]
        assert colour_problems(pdf, "RGB") == [
            "page 1: DeviceCMYK colour under the RGB output intent, which PDF/A forbids "
            "(ISO 19005-2, 6.2.4.3)"
        ]


def test_a_cmyk_normal_appearance_with_states_is_found() -> None:
    """An appearance given as states (a dictionary of streams, as a check box's is)."""
    with pikepdf.new() as pdf:
        states = pikepdf.Dictionary(
            On=_form(pdf, b"0 1 1 0 k 0 0 100 50 re f\n", pikepdf.Dictionary()),
            Off=_form(pdf, b"", pikepdf.Dictionary()),
        )
        _with_square(pdf, pikepdf.Dictionary(), pikepdf.Dictionary(N=states))
        assert len(colour_problems(pdf, "RGB")) == 1
        assert "DeviceCMYK" in colour_problems(pdf, "RGB")[0]


def test_a_font_used_only_in_a_down_state_is_checked() -> None:
    with pikepdf.new() as pdf:
        unembedded = _font(pdf, "Helvetica", None)
        down = _form(
            pdf,
            b"BT /F1 10 Tf 2 20 Td (Tryckt) Tj ET\n",
            pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=unembedded)),
        )
        empty = _form(pdf, b"", pikepdf.Dictionary())
        _with_square(pdf, pikepdf.Dictionary(), pikepdf.Dictionary(N=empty, D=down))
        assert font_problems(pdf) == [
            "page 1, Square annotation appearance: font Helvetica is not embedded"
        ]


def test_a_subset_only_in_an_appearance_is_compared_and_renamed() -> None:
    """The page's font and the appearance's bear one subset name for two programs: the
    check names it, and unique_subset_names renames the appearance's."""
    with pikepdf.new() as pdf:
        page_font = _font(pdf, SUBSET, b"program of the page's subset")
        appearance_font = _font(pdf, SUBSET, b"program of the appearance's subset")
        down = _form(
            pdf,
            b"BT /F1 10 Tf 2 20 Td (Tryckt) Tj ET\n",
            pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=appearance_font)),
        )
        _with_square(
            pdf,
            pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=page_font)),
            pikepdf.Dictionary(N=_form(pdf, b"", pikepdf.Dictionary()), D=down),
        )
        assert [font.objgen for font, _program in embedded_fonts(pdf)] == [
            page_font.objgen,
            appearance_font.objgen,
        ]
        assert subset_name_problems(pdf) == [
            f"the font subset name {SUBSET} stands for 2 different font programs; each "
            "subset needs a tag of its own (ISO 32000-1, 9.6.4)"
        ]
        assert unique_subset_names(pdf) == 1
        assert str(page_font.BaseFont) == f"/{SUBSET}"
        assert str(appearance_font.BaseFont).endswith("+Appearance")
        assert str(appearance_font.BaseFont) != f"/{SUBSET}"
        assert subset_name_problems(pdf) == []
