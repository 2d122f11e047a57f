"""The visible signature: its text, Swedish time, and the embedded font cut to its glyphs
(so the packet stays PDF/A-2b).
"""

from __future__ import annotations

import datetime as dt
import logging
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils import generic
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

STAMP_TEXT_NO_ROLE = "Signerat digitalt av\n%(signer)s\nTid: %(ts)s"
"""The visible signature's text when it states no role (the region's seal on an extract)."""


def stamp_text(role: str) -> str:
    """The visible signature's text for ``role``: without a role line when it is empty."""
    return STAMP_TEXT if role else STAMP_TEXT_NO_ROLE


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


@dataclass(frozen=True)
class SwedishTimeStampStyle(TextStampStyle):
    """A text stamp whose time is Swedish time (``2026-12-06 05:05:09 +01:00 (svensk tid)``),
    whatever the machine's zone: pyHanko formats the signing time in the machine's local zone
    (UTC on a server), so the time it gives is read back and shown in Europe/Stockholm.

    With ``describe`` the stamp also tells a screen reader what it shows (see
    :class:`DescribedStamp`)."""

    describe: bool = False

    def create_stamp(
        self, writer: BasePdfFileWriter, box: BoxConstraints, text_params: dict[str, Any]
    ) -> TextStamp:
        params = dict(text_params)
        if "ts" in params:
            params["ts"] = stamp_time(dt.datetime.strptime(params["ts"], STAMP_TIME_FORMAT))
        if self.describe:
            return DescribedStamp(writer=writer, style=self, box=box, text_params=params)
        return super().create_stamp(writer, box, params)


class DescribedStamp(TextStamp):
    """A stamp that, put on its field, also sets what a screen reader reads for the field:
    the field's ``/TU`` and its ``Form`` element's ``Alt`` become "Underskrift Region
    Norrbotten: signerat digitalt av …, …, tid …" (the appearance alone is untagged).

    Only for a document's first (certification) signature: a later one may change a field's
    value and appearance only (ISO 32000-1, 12.8.2.2, P 2), and pyHanko's difference
    analysis calls a changed ``/TU`` or ``Alt`` a modification that breaks the earlier
    signatures."""

    def apply_appearance(self, annot_dict: generic.DictionaryObject) -> None:
        super().apply_appearance(annot_dict)
        params = self.text_params or {}
        label = str(annot_dict.get("/TU", "")) or str(annot_dict.get("/T", ""))
        text = signed_description(
            label, str(params.get("signer", "")), str(params.get("role", "")),
            str(params.get("ts", "")),
        )  # fmt: skip
        annot_dict["/TU"] = generic.TextStringObject(text)
        form = form_element(self.writer, annot_dict) if self.writer is not None else None
        if form is not None and self.writer is not None:
            form["/Alt"] = generic.TextStringObject(text)
            self.writer.update_container(form)


def signed_description(label: str, signer: str, role: str, when: str) -> str:
    """What a signed field says to a screen reader, as its visible signature does."""
    signed = f"signerat digitalt av {signer}" + (f", {role}" if role else "")
    return f"{label}: {signed}, tid {when}" if label else f"{signed}, tid {when}"


def form_element(
    writer: BasePdfFileWriter, annot_dict: generic.DictionaryObject
) -> generic.DictionaryObject | None:
    """The structure element ``annot_dict`` (a widget) is content of, through its
    ``/StructParent`` and the parent tree; None in an untagged file."""
    key = _entry(annot_dict, "/StructParent")
    tree = _entry(writer.root, "/StructTreeRoot")
    if not isinstance(key, int) or not isinstance(tree, generic.DictionaryObject):
        return None
    node = _entry(tree, "/ParentTree")
    while isinstance(node, generic.DictionaryObject):
        nums = _entry(node, "/Nums")
        if isinstance(nums, generic.ArrayObject):
            for at in range(0, len(nums) - 1, 2):
                if nums[at] == key:
                    found = nums[at + 1]
                    return found if isinstance(found, generic.DictionaryObject) else None
            return None
        kids = _entry(node, "/Kids")
        node = next(
            (
                kid
                for kid in (kids if isinstance(kids, generic.ArrayObject) else [])
                if isinstance(kid, generic.DictionaryObject)
                and kid["/Limits"][0] <= key <= kid["/Limits"][1]
            ),
            None,
        )
    return None


def _entry(dictionary: generic.DictionaryObject, key: str) -> object:
    """``dictionary[key]`` resolved, None if absent (pyHanko's ``get`` does not resolve)."""
    return dictionary[key] if key in dictionary else None  # noqa: SIM401


def stamp_time(moment: dt.datetime) -> str:
    """The signing time as the visible signature shows it: Swedish time with its offset; in
    Swedish whatever the language of messages, as the documents are."""
    local = swedish_time(moment)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + local.isoformat()[-6:] + " (svensk tid)"


def stamp_style(font: Path, *, describe: bool = False, role: str = "role") -> TextStampStyle:
    """The visible signature's style; ``describe`` for a document's first signature (see
    :class:`DescribedStamp`); an empty ``role`` leaves the role's line out."""
    return SwedishTimeStampStyle(
        describe=describe,
        stamp_text=stamp_text(role),
        timestamp_format=STAMP_TIME_FORMAT,
        border_width=1,
        background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=10)),
    )
