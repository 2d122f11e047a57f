"""Whether a case's packet is superseded, kept by the stamps of the files that say so.

A packet made before the committee's decision that the decision replaces (one made before
an avslag, or stating facts the case no longer has) is not to be signed: the Paket page
says why in its row and offers none of its fields, and so does the sign page
(:func:`avtalsgen.build.superseded.packet_superseded`). Finding it out loads the case, its
program and the meeting files and digests every fact (about 7 ms a case): asked of every
row of every list page, it was a third of the server's time under bench/web.py. So it is
asked only where it is shown, and kept by everything it reads (:func:`packet_key`): the
files of the case's output folder (the packet, its manifest, the build record), the output
folder's secret of the facts, the case file and its attachments, the program, meeting and
template files, the day and the language of messages. A meeting file added, changed or
removed, or a new packet built, is a new key: the page says it at once.
"""

from __future__ import annotations

from pathlib import Path

from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Seen, stamp, stamps

#: Each packet's text of why it is superseded (None: it is not), by :func:`packet_key`.
_SUPERSEDED: dict[tuple[object, ...], str | None] = {}
_LIMIT = 2000


def packet_key(
    config: WebConfig, packet: Path, stem: str, seen: Seen | None = None
) -> tuple[object, ...]:
    """What the checks of the packet ``packet`` of the case file ``stem`` read, as it is
    now: whether it is superseded, and what the signing would refuse it for
    (:func:`avtalsgen.build.superseded.refuse_unsignable`). ``seen``: the stamps the
    caller's request took, else taken now."""
    from avtalsgen.build.workspace import FACTS_KEY
    from avtalsgen.web.status import facts_of

    seen = seen or Seen(config)
    case = config.cases / f"{stem}.yaml"
    now = stamp(case)
    # The attachments too: a changed one leaves the packet's documents out of date.
    attachments = facts_of(case, seen.folders.program, now).attachments
    return (
        str(packet), seen.listing(packet.parent), stamp(packet.parent.parent / FACTS_KEY),
        stem, now, stamps(attachments), seen.folders,
    )  # fmt: skip


def superseded_text(
    config: WebConfig, stem: str, dnr: str, packet: str, seen: Seen | None = None
) -> str | None:
    """Why the packet version ``packet`` of the case ``dnr`` (its case file ``stem``) is
    not to be signed, when the case's decision or facts now replace it; None when they do
    not. Kept until a file it reads, the day or the language changes (:func:`packet_key`)."""
    path = config.output / dnr / packet
    key = packet_key(config, path, stem, seen)
    if key in _SUPERSEDED:
        return _SUPERSEDED[key]
    found = packet_superseded_of(path)
    if len(_SUPERSEDED) >= _LIMIT:
        _SUPERSEDED.clear()
    _SUPERSEDED[key] = found
    return found


def packet_superseded_of(packet: Path) -> str | None:
    """Why the packet version at ``packet`` is superseded, read from the files now
    (:func:`avtalsgen.build.superseded.packet_superseded`, signed or not); None when it is
    not."""
    from avtalsgen.build.superseded import packet_superseded

    stale = packet_superseded(packet, signed_only=False)
    return stale.text() if stale is not None else None
