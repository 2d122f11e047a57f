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

from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _


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
    is none or it cannot be read. With ``create``, one that is there but cannot be read
    (another user's, damaged) or cannot be made raises AvtalsgenError: the build would
    otherwise record its facts with plain digests, and an amount edited since would no
    longer be called superseded."""
    from avtalsgen.build.workspace import Workspace, atomic_write

    path = Workspace(output_root).facts_key
    try:
        return FactKey(bytes.fromhex(path.read_text(encoding="ascii").strip()))
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError) as exc:
        if create:
            raise _unreadable(path, exc) from None
        return None
    secret = secrets.token_bytes(32)
    try:
        atomic_write(path, secret.hex() + "\n", replace=False, mode=0o600)
    except FileExistsError:  # made meanwhile by another build
        return facts_key(output_root, create=True)
    except OSError as exc:
        raise AvtalsgenError(
            _(
                "{file}: cannot make the output folder's secret for the digests of the "
                "facts the manifests record: {reason}. Build as a user who may write in "
                "the output folder, or make it writable for this user, and build again. "
                "Nothing was built."
            ).format(file=path, reason=os_reason(exc))
        ) from None
    return FactKey(secret)


def _unreadable(path: Path, exc: OSError | ValueError) -> AvtalsgenError:
    """The error for an output folder's secret that is there but cannot be read."""
    if isinstance(exc, OSError):
        reason = os_reason(exc)
    else:
        reason = _("it does not hold a secret made by avtalsgen (64 hexadecimal digits)")
    return AvtalsgenError(
        _(
            "{file}: cannot read the output folder's secret for the digests of the facts "
            "the manifests record: {reason}. Build as the user who owns it (it is readable "
            "by its owner only), or restore it from a backup of the output folder, and "
            "build again; without it an amount or date edited since a packet was built is "
            "not found. Nothing was built."
        ).format(file=path, reason=reason)
    )
