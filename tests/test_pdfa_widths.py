"""The PDF/A width check of embedded CID fonts: each program read once, every /W checked."""

from __future__ import annotations

import pikepdf
from fontTools.ttLib import TTFont

from avtalsgen.pdf import pdfa
from avtalsgen.pdf.fonts import find_font


def _problem(pdf: pikepdf.Pdf, program: bytes, widths: list[float]) -> str:
    """The width problem of a CIDFontType2 with ``program`` and widths for glyphs 1, 2 ..."""
    stream = pikepdf.Stream(pdf, program)
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontFile2=stream)
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        CIDToGIDMap=pikepdf.Name.Identity,
        FontDescriptor=descriptor,
        W=pikepdf.Array([1, pikepdf.Array(widths)]),
    )
    return pdfa._cid_width_problem(font, descriptor)


def test_every_width_is_checked_against_a_program_read_once() -> None:
    path = find_font()
    program = path.read_bytes()
    font = TTFont(str(path))
    order = font.getGlyphOrder()
    units = font["head"].unitsPerEm
    right = [font["hmtx"][order[gid]][0] * 1000 / units for gid in (1, 2, 3)]
    wrong = [right[0], right[1] + 50, right[2]]
    pdfa._advances_of.clear()
    with pikepdf.new() as pdf:
        assert _problem(pdf, program, right) == ""
        assert len(pdfa._advances_of) == 1
        problem = _problem(pdf, program, wrong)
        assert problem.startswith("width ") and "of glyph 2 disagrees" in problem
        assert len(pdfa._advances_of) == 1, "the same program: read once"
        assert _problem(pdf, program, right) == ""
        _problem(pdf, program[:-4] + b"\0\0\0\0", right)  # other bytes: read again
        assert len(pdfa._advances_of) == 2


def test_a_program_that_cannot_be_read_is_a_problem() -> None:
    with pikepdf.new() as pdf:
        problem = _problem(pdf, b"not a font", [500.0])
    assert problem.startswith("the embedded font program cannot be read")
