"""The CA certificates a signature must lead to, named once in the environment: for the
command line (``sign`` and ``verify``, whose ``--trust`` defaults to them) and the web app,
without loading pyHanko."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

#: The environment variable that names the trusted CA certificates (files separated by
#: ``:``).
TRUST_ENV: Final = "AVTALSGEN_TRUST"


def trust_from_environment() -> list[Path]:
    """The CA certificates :data:`TRUST_ENV` names, in its order (none when unset)."""
    return [Path(name) for name in os.environ.get(TRUST_ENV, "").split(os.pathsep) if name]
