"""Hostile attachments, each breaking one PDF/A-2b rule the way third-party files do (made
with pikepdf and Pillow, fonts from fonts-liberation)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
#: The text of the scanned attachment, which OCR must find again.
SCANNED_LINES = (
    "Verksamhetsplan 2024 för Arktiska testbäddar",
    "Budget och mål för samverkan i Norrbotten",
)


def _page(pdf: pikepdf.Pdf, content: bytes, resources: pikepdf.Dictionary) -> pikepdf.Page:
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Contents=pdf.make_stream(content),
        Resources=resources,
    )
    pdf.pages.append(pikepdf.Page(page))
    return pdf.pages[-1]


def _descriptor(pdf: pikepdf.Pdf) -> pikepdf.Object:
    data = FONT.read_bytes()
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/LiberationSans"),
            Flags=32,
            FontBBox=[-203, -303, 1050, 910],
            ItalicAngle=0,
            Ascent=905,
            Descent=-212,
            CapHeight=729,
            StemV=80,
            FontFile2=pdf.make_stream(data, Length1=len(data)),
        )
    )


def _truetype(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """Liberation Sans embedded whole as a simple TrueType font with WinAnsi encoding."""
    tt = TTFont(str(FONT))
    cmap, hmtx, upm = tt.getBestCmap(), tt["hmtx"], tt["head"].unitsPerEm
    widths = [round(hmtx[cmap[c]][0] * 1000 / upm) if c in cmap else 0 for c in range(32, 256)]
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/LiberationSans"),
        FirstChar=32,
        LastChar=255,
        Widths=widths,
        Encoding=pikepdf.Name.WinAnsiEncoding,
        FontDescriptor=_descriptor(pdf),
    )
    return pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(font)))


def _text(text: str, y: int = 700) -> bytes:
    return b"BT /F1 14 Tf 72 %d Td (%s) Tj ET\n" % (y, text.encode("cp1252"))


def javascript(path: Path) -> Path:
    """A link that runs JavaScript, and JavaScript run when the file is opened."""
    with pikepdf.new() as pdf:
        page = _page(pdf, _text("Bilaga med JavaScript"), _truetype(pdf))
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[72, 690, 300, 720],
            F=4,
            Border=[0, 0, 0],
            A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1);")),
        )
        page.obj.Annots = pikepdf.Array([pdf.make_indirect(link)])
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('öppnad');")
        )
        pdf.save(path)
    return path


def cmyk(path: Path) -> Path:
    """DeviceCMYK colour (a printer's file), under no output intent at all."""
    with pikepdf.new() as pdf:
        content = b"0 1 1 0 k 72 500 200 100 re f\n0 0 0 1 k " + _text("Bilaga i CMYK")
        _page(pdf, content, _truetype(pdf))
        pdf.save(path)
    return path


def no_cidtogidmap(path: Path) -> Path:
    """A CIDFontType2 font without the CIDToGIDMap PDF/A requires."""
    tt = TTFont(str(FONT))
    cmap, hmtx, upm = tt.getBestCmap(), tt["hmtx"], tt["head"].unitsPerEm
    gids = [tt.getGlyphID(cmap[ord(c)]) for c in "Bilaga utan CIDToGIDMap"]
    widths: list[object] = []
    for gid in sorted(set(gids)):
        widths += [gid, [round(hmtx[tt.getGlyphName(gid)][0] * 1000 / upm)]]
    with pikepdf.new() as pdf:
        cid = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.CIDFontType2,
            BaseFont=pikepdf.Name("/LiberationSans"),
            CIDSystemInfo=pikepdf.Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=_descriptor(pdf),
            W=pikepdf.Array(widths),
        )
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/LiberationSans"),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=[pdf.make_indirect(cid)],
        )
        shown = "".join(f"{gid:04X}" for gid in gids)
        resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(font)))
        _page(pdf, f"BT /F1 14 Tf 72 700 Td <{shown}> Tj ET\n".encode(), resources)
        pdf.save(path)
    return path


def annotation_flags_zero(path: Path) -> Path:
    """Annotations with their flags at 0 (shown on screen, not printed)."""
    with pikepdf.new() as pdf:
        page = _page(pdf, _text("Bilaga med en anteckning"), _truetype(pdf))
        appearance = pdf.make_stream(
            b"0 0 1 rg 0 0 20 20 re f",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, 20, 20],
        )
        square = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Square,
            Rect=[400, 690, 420, 710],
            F=0,
            C=[0, 0, 1],
            AP=pikepdf.Dictionary(N=appearance),
        )
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[72, 690, 300, 720],
            F=0,
            Border=[0, 0, 0],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")),
        )
        page.obj.Annots = pikepdf.Array([pdf.make_indirect(square), pdf.make_indirect(link)])
        pdf.save(path)
    return path


def scanned(path: Path) -> Path:
    """A scanned page: one grey image at 200 dpi, no text, no PDF/A (Pillow's PDF)."""
    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 60)
    for number, line in enumerate(SCANNED_LINES):
        draw.text((150, 300 + 120 * number), line, fill=0, font=font)
    image.save(path, "PDF", resolution=200.0)
    return path


#: Every hostile attachment, by the rule it breaks.
HOSTILE: dict[str, Callable[[Path], Path]] = {
    "javascript": javascript,
    "cmyk": cmyk,
    "no_cidtogidmap": no_cidtogidmap,
    "annotation_flags_zero": annotation_flags_zero,
    "scanned": scanned,
}
