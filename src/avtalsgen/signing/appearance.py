"""The visible signature: its text, Swedish time, and the embedded font cut to its glyphs
(so the packet stays PDF/A-2b).
"""

from __future__ import annotations

import datetime as dt
import logging
import string
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle

from avtalsgen.errors import (
    PacketError,
)
from avtalsgen.i18n import _l, swedish_time
from avtalsgen.pdf.fonts import REGULAR_FONT, find_font
from avtalsgen.signing.keysource import SigningError
from avtalsgen.signing.reasons import because
from avtalsgen.signing.tokens import OpenKey

STAMP_TEXT = "Signerat digitalt av\n%(signer)s\n%(role)s\nTid: %(ts)s"
"""The visible signature's text: signer (from the certificate), role and signing time."""

STAMP_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""How pyHanko hands the signing time to :class:`SwedishTimeStampStyle` (in the machine's
zone, which :class:`SwedishTimeStampStyle` turns into Swedish time)."""

# fontTools warns about font tables it drops while pyHanko subsets the appearance font;
# without a handler Python's last-resort handler would print that on stderr.
logging.getLogger("fontTools").addHandler(logging.NullHandler())


def default_font() -> Path:
    try:
        return find_font(REGULAR_FONT)
    except PacketError as exc:
        raise SigningError.of(exc) from None


def appearance_font(font: Path, text: str, opened: OpenKey | None, folder: Path) -> Path:
    """:func:`stamp_font` of ``font`` for ``text``, made in ``folder``; for an open key,
    made once for every packet it signs and kept in its folder while it is open."""
    if opened is None:
        return stamp_font(font, text, folder)
    if (font, text) not in opened.fonts:
        kept = opened.folder / str(len(opened.fonts))
        kept.mkdir()
        opened.fonts[(font, text)] = stamp_font(font, text, kept)
    return opened.fonts[(font, text)]


def stamp_font(font: Path, text: str, folder: Path) -> Path:
    """A copy of ``font`` cut to the glyphs of ``text`` (and ASCII), at 1000 units per em.

    pyHanko writes a font's glyph widths (/W) and TJ adjustments in the font's own units,
    as if every font had 1000 units per em; most TrueType fonts, Liberation Sans among
    them, have 2048, so the text would be drawn spread out and the widths would disagree
    with the font program, which PDF/A forbids. A copy rescaled to 1000 avoids that.
    """
    try:
        tt = TTFont(str(font))
    except (OSError, ValueError) as exc:
        cause = because(exc)
        raise SigningError(
            _l("{file}: cannot read the font: {error}", file=font, error=cause)
        ) from exc
    options = subset.Options()
    options.drop_tables += ["FFTM"]  # a FontForge timestamp that fontTools cannot subset
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + string.printable)
    subsetter.subset(tt)
    if tt["head"].unitsPerEm != 1000:
        scale_upem(tt, 1000)
    path = folder / f"{font.stem}-1000.ttf"
    tt.save(str(path))
    return path


class SwedishTimeStampStyle(TextStampStyle):
    """A text stamp whose time is Swedish time (``2026-12-06 05:05:09 +01:00 (svensk tid)``),
    whatever the machine's zone: pyHanko formats the signing time in the machine's local zone
    (UTC on a server), so the time it gives is read back and shown in Europe/Stockholm."""

    def create_stamp(
        self, writer: BasePdfFileWriter, box: BoxConstraints, text_params: dict[str, Any]
    ) -> TextStamp:
        params = dict(text_params)
        if "ts" in params:
            params["ts"] = stamp_time(dt.datetime.strptime(params["ts"], STAMP_TIME_FORMAT))
        return super().create_stamp(writer, box, params)


def stamp_time(moment: dt.datetime) -> str:
    """The signing time as the visible signature shows it: Swedish time with its offset; in
    Swedish whatever the language of messages, as the documents are."""
    local = swedish_time(moment)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + local.isoformat()[-6:] + " (svensk tid)"


def stamp_style(font: Path) -> TextStampStyle:
    return SwedishTimeStampStyle(
        stamp_text=STAMP_TEXT,
        timestamp_format=STAMP_TIME_FORMAT,
        border_width=1,
        background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=10)),
    )
