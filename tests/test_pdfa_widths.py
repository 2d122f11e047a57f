"""The PDF/A width check of embedded CID fonts: each program read once, every /W checked."""

from __future__ import annotations

import pikepdf
from fontTools.ttLib import TTFont

from avtalsgen import pdfa
from avtalsgen.assemble import find_font


def _cid_font(pdf: pikepdf.Pdf, program: bytes, widths: list[float]) -> pikepdf.Dictionary:
    stream = pikepdf.Stream(pdf, program)  # written uncompressed; qpdf flates it on save
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontFile2=stream)
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        CIDToGIDMap=pikepdf.Name.Identity,
        FontDescriptor=descriptor,
        W=pikepdf.Array([1, pikepdf.Array(widths)]),
    )


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
        good = _cid_font(pdf, program, right)
        bad = _cid_font(pdf, program, wrong)
        assert pdfa._cid_width_problem(good, good.FontDescriptor) == ""
        assert len(pdfa._advances_of) == 1
        problem = pdfa._cid_width_problem(bad, bad.FontDescriptor)
        assert problem.startswith("width ") and "of glyph 2 disagrees" in problem
        assert len(pdfa._advances_of) == 1, "the same program: read once"
        assert pdfa._cid_width_problem(good, good.FontDescriptor) == ""
        other = _cid_font(pdf, program[:-4] + b"\0\0\0\0", right)  # other bytes: read again
        pdfa._cid_width_problem(other, other.FontDescriptor)
        assert len(pdfa._advances_of) == 2


def test_a_program_that_cannot_be_read_is_a_problem() -> None:
    with pikepdf.new() as pdf:
        font = _cid_font(pdf, b"not a font", [500.0])
        problem = pdfa._cid_width_problem(font, font.FontDescriptor)
    assert problem.startswith("the embedded font program cannot be read")
