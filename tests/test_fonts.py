"""The fonts avtalsgen draws its own text in (avtalsgen.pdf.fonts): what a missing font or
glyph tells the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from avtalsgen import i18n
from avtalsgen.errors import PacketError
from avtalsgen.pdf.fonts import BOLD_FONT, INSTALL_FONTS, Font, find_font


def test_a_missing_font_names_it_the_folders_and_the_install_command(tmp_path: Path) -> None:
    i18n.set_language("sv")  # the suite's autouse fixture sets it back
    with pytest.raises(PacketError) as raised:
        find_font(BOLD_FONT, [tmp_path / "a", tmp_path / "b"])
    assert str(raised.value) == (
        f"typsnittet {BOLD_FONT} saknas (det söktes i {tmp_path / 'a'}, {tmp_path / 'b'}); "
        f"installera det med: {INSTALL_FONTS}"
    )


def test_a_character_the_font_lacks_is_named() -> None:
    i18n.set_language("sv")
    font = Font(find_font(), "/F1")
    assert font.glyphs("Åå") == font.glyphs("Å") + font.glyphs("å")
    with pytest.raises(PacketError) as raised:
        font.glyphs("Avtal 合同")
    assert str(raised.value) == (
        "typsnittet LiberationSans-Regular.ttf saknar tecknet '合' (U+5408) i 'Avtal 合同'"
    )
