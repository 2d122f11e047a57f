"""One key, opened once, signing one packet after another: the loop that ``avtalsgen sign``
over several files (cli/signing.py) and the web app's signing of many packets
(web/signmany.py) share, each saying what became of a packet in its own words.

The key (a card's PIN, a seal's passphrase) is opened once for all of them. A packet that
fails (its file left as it was) is counted and the next one tried; the key failing at a
packet (:class:`avtalsgen.signing.sign.KeyUnusable`: a card removed, a certificate
expired) stops at once, the packets after it counted as not tried, for a wrong PIN tried
again and again locks a card; the key failing to open, nothing is signed and every packet
counts as not tried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from avtalsgen.errors import AvtalsgenError
from avtalsgen.signing.batch import Tally

if TYPE_CHECKING:
    from avtalsgen.signing.keysource import KeySource
    from avtalsgen.signing.sign import OpenKey

Item = TypeVar("Item", contravariant=True)
Result = TypeVar("Result", contravariant=True)
T = TypeVar("T")
R = TypeVar("R")


class Said(Protocol[Item, Result]):
    """What the caller says of each packet's outcome (a line printed, a line of the page)."""

    def signed(self, item: Item, result: Result) -> None:
        """``item`` was signed, with ``result``."""

    def failed(self, item: Item, error: AvtalsgenError) -> None:
        """``item`` could not be signed (its file is as it was); the next is tried."""

    def stopped(self, item: Item, error: AvtalsgenError, not_tried: int) -> None:
        """The key failed at ``item`` (its file is as it was); ``not_tried`` after it."""

    def unusable(self, error: AvtalsgenError) -> None:
        """The key could not be opened: nothing was signed."""


def sign_each(
    items: Sequence[T],
    key: KeySource,
    sign: Callable[[T, OpenKey], R],
    said: Said[T, R],
    tally: Tally,
) -> None:
    """Open ``key`` once and ``sign`` each of ``items`` with it in turn, counting in
    ``tally`` and telling ``said`` what became of each (see the module's docstring)."""
    from avtalsgen.signing.sign import KeyUnusable, open_key

    try:
        with open_key(key) as opened:
            for index, item in enumerate(items):
                try:
                    result = sign(item, opened)
                except KeyUnusable as exc:
                    tally.failed += 1
                    tally.not_tried = len(items) - index - 1
                    said.stopped(item, exc, tally.not_tried)
                    break
                except AvtalsgenError as exc:
                    tally.failed += 1
                    said.failed(item, exc)
                    continue
                tally.signed += 1
                said.signed(item, result)
    except KeyUnusable as exc:  # opening it: nothing was signed
        tally.not_tried = len(items)
        said.unusable(exc)


def without_file(reason: str, packet: Path) -> str:
    """``reason`` without the file it begins with, where it names ``packet`` (as
    ``RUN-90001-2023/paket.pdf: …`` or ``paket.pdf: …``), which the line saying it names
    already."""
    head, sep, rest = reason.partition(": ")
    named = packet.as_posix()
    return rest if sep and head and (named == head or named.endswith(f"/{head}")) else reason
