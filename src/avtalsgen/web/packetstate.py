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
from typing import TYPE_CHECKING

from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Kept, Seen, stamp, stamps

if TYPE_CHECKING:
    from avtalsgen.build.recorded import RecordedCase
    from avtalsgen.build.superseded import CaseNow
    from avtalsgen.signing.standing import PacketStanding

#: Each packet's text of why it is superseded (None: it is not), by :func:`packet_key`.
_SUPERSEDED: Kept[str | None] = Kept(2000)
#: Each packet's standing (:func:`avtalsgen.signing.standing.packet_standing`), by the same.
_STANDINGS: Kept[PacketStanding | None] = Kept(2000)


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
    return _SUPERSEDED.get(key, lambda: packet_superseded_of(path, seen or Seen(config)))


def packet_superseded_of(packet: Path, seen: Seen | None = None) -> str | None:
    """Why the packet version at ``packet`` is superseded (signed or not: see
    :func:`avtalsgen.build.superseded.packet_superseded`); None when it is not. The case
    its folder's build record names is kept by that case file's and the shared folders'
    stamps (:func:`_recorded`): a build that changes only the output folder compares its
    manifest with the case as read before."""
    from avtalsgen.build.superseded import packet_superseded_in

    recorded, now = _recorded(packet.parent, seen)
    stale = packet_superseded_in(packet, recorded, now, signed_only=False)
    return stale.text() if stale is not None else None


#: The case each output folder's build record names, as read, and as its packets are held
#: to it (its decision and facts, digested once), by :func:`_recorded`'s key.
_RECORDED: Kept[tuple[RecordedCase | None, CaseNow | None]] = Kept(2000)


def _recorded(folder: Path, seen: Seen | None) -> tuple[RecordedCase | None, CaseNow | None]:
    """:func:`avtalsgen.build.recorded.recorded_history` of the output folder ``folder``
    and :func:`avtalsgen.build.superseded.case_now_of` it, kept by the case file its build
    record names (path and stamp), the Dnr the folder is of, the output folder's secret of
    the facts, and the program and meeting files, the day and the language (``seen``'s
    folders; the templates too, which neither reads)."""
    from avtalsgen.build.record import recorded_case
    from avtalsgen.build.recorded import recorded_history
    from avtalsgen.build.superseded import case_now_of
    from avtalsgen.build.workspace import FACTS_KEY

    path = recorded_case(folder)
    key = (
        str(folder), str(path), stamp(path) if path is not None else None,
        stamp(folder.parent / FACTS_KEY), seen.folders if seen is not None else None,
    )  # fmt: skip

    def read() -> tuple[RecordedCase | None, CaseNow | None]:
        recorded = recorded_history(folder)
        return recorded, case_now_of(recorded, folder.parent)

    if path is None or seen is None:
        return read()
    return _RECORDED.get(key, read)


def standing(
    config: WebConfig, stem: str, packet: Path, seen: Seen | None = None
) -> PacketStanding | None:
    """:func:`avtalsgen.signing.standing.packet_standing` of the packet version ``packet``
    of the case file ``stem`` (superseded, a rejected case's, one that waits for a
    decision, complete or not), kept as :func:`superseded_text` is: the Paket page asks it
    of every packet without a field to sign."""
    from avtalsgen.signing.standing import packet_standing

    key = packet_key(config, packet, stem, seen)
    return _STANDINGS.get(key, lambda: packet_standing(packet))
