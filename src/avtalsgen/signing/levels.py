"""The PAdES baseline levels by name, lowest first, for the command line and the web app
to offer and check without loading pyHanko (:class:`avtalsgen.signing.longterm.Level` is
the signing code's own enum of them)."""

from __future__ import annotations

from typing import Final

#: The levels a signature can be made at: ``sign --niva`` and the web app's sign pages.
LEVELS: Final = ("B-B", "B-T", "B-LT", "B-LTA")
