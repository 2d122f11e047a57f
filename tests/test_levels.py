"""The levels the command line and the web app offer are the signing code's own."""

from __future__ import annotations

import subprocess
import sys

from avtalsgen.signing.levels import LEVELS
from avtalsgen.signing.longterm import Level


def test_the_named_levels_are_the_signing_codes_levels_in_order() -> None:
    assert tuple(level.value for level in Level) == LEVELS
    assert [Level(name).rank for name in LEVELS] == list(range(len(LEVELS)))


def test_naming_the_levels_loads_no_pdf_library() -> None:
    code = (
        "import sys, avtalsgen.signing.levels, avtalsgen.cli.pades\n"
        "print(sorted(m for m in ('pyhanko', 'pikepdf') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
