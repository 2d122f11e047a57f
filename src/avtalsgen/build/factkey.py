"""An output folder's secret for the digests of the facts its manifests record.

The manifest goes with the packet, and a plain digest of a fact with few likely values (an
amount, a date, a name) is recovered by trying them. So :mod:`avtalsgen.build.superseded`
keys each digest with the secret of the output folder the packet is built in: the file
:data:`~avtalsgen.build.workspace.FACTS_KEY` beside the case folders, made by the first
build that records facts, readable by its owner only, in no manifest or packet. A manifest
entry records which secret digested its facts by :attr:`FactKey.id`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FactKey:
    """An output folder's secret for the digests of facts (see :func:`facts_key`)."""

    secret: bytes

    @property
    def id(self) -> str:
        """What a manifest entry records of the secret: an HMAC of a constant with it,
        which tells which secret digested the facts and nothing of it."""
        return hmac.new(self.secret, b"avtalsgen fakta", hashlib.sha256).hexdigest()[:16]


def facts_key(output_root: Path, *, create: bool = False) -> FactKey | None:
    """The secret of the output folder ``output_root`` for the digests of the facts its
    manifests record; made (32 random bytes, readable by its owner only) when there is
    none and ``create`` is given, as a build that records facts does; else None when there
    is none or it cannot be read."""
    from avtalsgen.build.workspace import Workspace, atomic_write

    path = Workspace(output_root).facts_key
    try:
        return FactKey(bytes.fromhex(path.read_text(encoding="ascii").strip()))
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError):
        return None
    secret = secrets.token_bytes(32)
    try:
        atomic_write(path, secret.hex() + "\n", replace=False, mode=0o600)
    except FileExistsError:  # made meanwhile by another build
        return facts_key(output_root)
    return FactKey(secret)
