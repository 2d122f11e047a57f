"""What avtalsgen keeps between runs, per user, under ``$XDG_CACHE_HOME/avtalsgen/``
(``~/.cache/avtalsgen/`` when that is not set to an absolute path, as the XDG base directory
specification says): LibreOffice's initialised profile and version, and the contents page's
font subsets. Each item is named by what it is made from, so a changed input finds no item
instead of a stale one. A cache that cannot be read or written only costs time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def cache_root() -> Path:
    """The folder of avtalsgen's cache (it need not exist yet).

    Raises RuntimeError when there is no home directory to put it in.
    """
    cache_home = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(cache_home) if Path(cache_home).is_absolute() else Path.home() / ".cache"
    return root / "avtalsgen"


def read_cached(name: str) -> bytes | None:
    """The item ``name`` (a relative path), or None if there is none or it cannot be read."""
    try:
        return (cache_root() / name).read_bytes()
    except (OSError, RuntimeError):
        return None


def write_cached(name: str, data: bytes) -> None:
    """Keep ``data`` as the item ``name``, atomically (a reader sees all of it or none)."""
    from avtalsgen.build.workspace import atomic_write

    with contextlib.suppress(OSError, RuntimeError):
        target = cache_root() / name
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data, durable=False)  # made again if lost
