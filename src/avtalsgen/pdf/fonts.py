"""The fonts avtalsgen draws text of its own in (a packet's contents page and marking):
Liberation Sans, found among the system's fonts, embedded as a Type0/CIDFontType2 subset
with Identity-H encoding and a ToUnicode map, so that the text can be searched and
extracted. Each font file is read once per process; subsets are kept in the user's cache.
"""

from __future__ import annotations

import functools
import hashlib
import io
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from avtalsgen.cache import read_cached, write_cached
from avtalsgen.errors import AvtalsgenError, PacketError
from avtalsgen.i18n import _

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/liberation"),
    Path("/usr/share/fonts/liberation-sans"),
)
"""Where :func:`find_font` looks for the Liberation fonts (Debian, Fedora)."""

REGULAR_FONT = "LiberationSans-Regular.ttf"
BOLD_FONT = "LiberationSans-Bold.ttf"
INSTALL_FONTS = "apt-get install fonts-liberation"


def find_font(name: str = REGULAR_FONT, dirs: Iterable[Path] = FONT_DIRS) -> Path:
    """Return the path of the font file ``name`` in the first of ``dirs`` that has it.

    Raises :class:`PacketError` with the install command if none has it.
    """
    searched = list(dirs)
    for folder in searched:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    missing = _("the font {name} is missing (looked for in {folders}); install it with: {command}")
    raise PacketError(
        missing.format(name=name, folders=", ".join(map(str, searched)), command=INSTALL_FONTS)
    )


#: Characters every contents-page font subset holds, whatever a packet's text uses: with
#: them, packets whose text stays within them (nearly all) share one subset, which each
#: process makes once (subsetting a font costs tens of milliseconds).
_BASE_CHARS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xA0, 0x100))
    + "–—‘’‚“”„…•€"
)


@dataclass(frozen=True)
class _FontFile:
    """A parsed TrueType font, read once per process (see :func:`_font_file`)."""

    path: Path
    tt: TTFont
    cmap: dict[int, str]
    units: int
    hmtx: dict[str, tuple[int, int]]
    base_gids: frozenset[int]
    gids: dict[int, int] = field(default_factory=dict)
    """Glyph ids by character code, as :meth:`Font.glyphs` has looked them up."""
    advances: dict[int, float] = field(default_factory=dict)
    """Advance widths (1/1000 em) by glyph id, as :meth:`Font._advance` has read them."""


@functools.cache
def _font_file(path: Path) -> _FontFile:
    tt = TTFont(str(path), lazy=False)
    cmap: dict[int, str] = tt.getBestCmap()
    base = frozenset(tt.getGlyphID(cmap[ord(c)]) for c in _BASE_CHARS if ord(c) in cmap)
    return _FontFile(path, tt, cmap, int(tt["head"].unitsPerEm), tt["hmtx"].metrics, base)


@functools.lru_cache(maxsize=8)
def subset_program(path: Path, gids: tuple[int, ...]) -> bytes:
    """The font program of ``path`` cut down to ``gids`` (glyph ids kept as they are), from
    the cache if it has been made before with this font file and fontTools version.

    Subsetting the two fonts costs about 0.1 s of every build's CPU, loading fontTools'
    subsetter included, and nearly every packet wants the same subsets (:data:`_BASE_CHARS`).
    """
    import fontTools

    info = path.stat()
    made_from = f"{path.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\0{gids}\0"
    made_from += f"{fontTools.version}\0{_SUBSET_FORMAT}"
    name = f"fonts/{hashlib.sha256(made_from.encode()).hexdigest()[:32]}.ttf"
    program = read_cached(name)
    if program is None:
        program = make_subset(path, gids)
        write_cached(name, program)
    return program


@functools.lru_cache(maxsize=8)
def deflated_program(path: Path, gids: tuple[int, ...]) -> bytes:
    """:func:`subset_program` deflated, once per process: the bytes qpdf would write for it
    (zlib's default level, as pikepdf's), which it takes as they are. Left uncompressed, the
    two fonts of each packet's contents page (44 kB) were deflated again by every save."""
    return zlib.compress(subset_program(path, gids))


#: Changes whenever :func:`make_subset` makes other subsets of the same font.
_SUBSET_FORMAT = 1


def make_subset(path: Path, gids: tuple[int, ...]) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.retain_gids = True  # so CID = glyph id (CIDToGIDMap /Identity)
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["FFTM"]  # a FontForge timestamp that fontTools cannot subset
    font = TTFont(str(path), lazy=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(gids))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def prepare_fonts() -> None:
    """Read the regular and bold fonts and make their subsets of the base characters now,
    once per process (about 60 ms), e.g. while LibreOffice converts, instead of when the
    first packet is assembled. A font that cannot be found is reported by that packet."""
    for name in (REGULAR_FONT, BOLD_FONT):
        try:
            file = _font_file(find_font(name))
        except AvtalsgenError:
            continue
        subset_program(file.path, tuple(sorted(file.base_gids)))


class Font:
    """A TrueType font drawn as a Type0/CIDFontType2 subset with Identity-H encoding."""

    def __init__(self, path: Path, resource: str) -> None:
        self.path = path
        self.resource = resource
        self.file = _font_file(path)
        self.tt = self.file.tt
        self.used: dict[int, str] = {}  # glyph id -> text it stands for

    def glyphs(self, text: str) -> list[int]:
        ids = []
        known = self.file.gids
        for char in text:
            gid = known.get(ord(char))
            if gid is None:
                glyph = self.file.cmap.get(ord(char))
                if glyph is None:
                    lacks = _("the font {font} has no glyph for {char} (U+{code}) in {text}")
                    raise PacketError(
                        lacks.format(font=self.path.name, char=repr(char),
                                     code=f"{ord(char):04X}", text=repr(text))
                    )  # fmt: skip
                gid = known[ord(char)] = self.tt.getGlyphID(glyph)
            self.used.setdefault(gid, char)
            ids.append(gid)
        return ids

    def width(self, text: str, size: float) -> float:
        return sum(self._advance(g) for g in self.glyphs(text)) * size / 1000

    def show(self, text: str) -> bytes:
        return b"<" + "".join(f"{g:04X}" for g in self.glyphs(text)).encode("ascii") + b"> Tj"

    def _advance(self, gid: int) -> float:
        advance = self.file.advances.get(gid)
        if advance is None:
            width = self.file.hmtx[self.tt.getGlyphName(gid)][0]
            advance = self.file.advances[gid] = float(width) * 1000 / self.file.units
        return advance

    def build(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        """Embed the used glyphs (and the base set); return the Type0 font dictionary."""
        gids = tuple(sorted(self.file.base_gids | self.used.keys()))
        tag = _subset_tag(self.path.name, gids)
        base = self.tt["name"].getDebugName(6) or self.path.stem
        font_name = pikepdf.Name(f"/{tag}+{base}")
        program = subset_program(self.path, gids)
        file2 = pdf.make_stream(deflated_program(self.path, gids))
        file2.Length1 = len(program)
        file2.Filter = pikepdf.Name.FlateDecode
        head, hhea, os2 = self.tt["head"], self.tt["hhea"], self.tt["OS/2"]
        scale = 1000 / self.file.units
        descriptor = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.FontDescriptor,
                FontName=font_name,
                Flags=32,  # non-symbolic
                FontBBox=pikepdf.Array(
                    [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
                ),
                ItalicAngle=float(self.tt["post"].italicAngle),
                Ascent=round(hhea.ascent * scale),
                Descent=round(hhea.descent * scale),
                CapHeight=round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
                StemV=80,
                FontFile2=file2,
            )
        )
        widths: list[object] = []
        for gid in sorted(self.used):
            widths += [gid, pikepdf.Array([round(self._advance(gid))])]
        cid_font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.CIDFontType2,
                BaseFont=font_name,
                CIDSystemInfo=pikepdf.Dictionary(
                    Registry=pikepdf.String("Adobe"),
                    Ordering=pikepdf.String("Identity"),
                    Supplement=0,
                ),
                FontDescriptor=descriptor,
                W=pikepdf.Array(widths),
                CIDToGIDMap=pikepdf.Name.Identity,
            )
        )
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type0,
                BaseFont=font_name,
                Encoding=pikepdf.Name("/Identity-H"),
                DescendantFonts=pikepdf.Array([cid_font]),
                ToUnicode=pdf.make_stream(_to_unicode(self.used)),
            )
        )


def _subset_tag(name: str, gids: Sequence[int]) -> str:
    digest = hashlib.sha256(f"{name}:{gids}".encode()).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def _to_unicode(used: dict[int, str]) -> bytes:
    items = sorted(used.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for gid, char in chunk:
            lines.append(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")
