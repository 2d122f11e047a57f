"""Signing one field of many packets from the web, as ``avtalsgen sign MAPP --field F`` does
(:mod:`avtalsgen.signing.batch`): the packets of the output folder, or of the cases a
meeting decided, each screened before the key is opened (its field signed already, the
packet superseded, made after an avslag, waiting for its minutes' justering, out of date, or
still showing unknown facts: the web has no ``--ofullstandig``); the server's key opened
once for those left (the seal's passphrase read once); a line for each packet and a
summary. The key failing (a wrong passphrase, an expired certificate) stops at once: the
packet it stopped at is as it was, and none after it is tried.

The page is the choice and the screening (web/routes/signmany.py, sign_many.html)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, ngettext
from avtalsgen.signing.batch import Tally
from avtalsgen.signing.many import without_file
from avtalsgen.web import audit
from avtalsgen.web.config import WebConfig
from avtalsgen.web.serverpaths import shown_text
from avtalsgen.web.stamps import Kept, Seen
from avtalsgen.web.status import CaseRow

if TYPE_CHECKING:
    from avtalsgen.signing.keys import KeyChoice
    from avtalsgen.signing.sign import OpenKey

#: Who signs each field, as shown in the signature's appearance (as the CLI's default).
FIELD_ROLES = {"region": "Regional utvecklingsdirektör", "aktor": "Firmatecknare"}


@dataclass(frozen=True)
class Candidate:
    """A case's packet as the screening found it: ``reason`` why it is passed by (None: to
    sign)."""

    dnr: str
    aktor: str | None
    packet: str
    """The file's name in the case's folder (its newest version)."""
    reason: str | None


@dataclass(frozen=True)
class Line:
    """What the signing did with one packet: ``kind`` ``signed``, ``passed`` (passed by),
    ``failed`` or ``stopped`` (the key failed at it), and the line in words."""

    kind: str
    dnr: str
    text: str


def meeting_days(rows: list[CaseRow]) -> list[str]:
    """The days (ISO) of the meetings whose decisions the cases' newest packets were made
    from, newest first: the choices of a meeting's packets."""
    return sorted({row.packet_meeting for row in rows if row.packet and row.packet_meeting},
                  reverse=True)  # fmt: skip


def in_scope(rows: list[CaseRow], meeting: str) -> list[CaseRow]:
    """The rows with a packet: every one (``meeting`` empty), or those whose newest packet
    was made from a decision of the meeting on that day."""
    return [row for row in rows if row.dnr and row.packet
            and (not meeting or row.packet_meeting == meeting)]  # fmt: skip


def _shown(path: Path) -> str:
    """A packet named below the output folder, as the pages name it (RUN-…/paket.pdf)."""
    return f"{path.parent.name}/{path.name}"


def screen_packet(config: WebConfig, dnr: str, name: str, field: str) -> str | None:
    """Why the packet ``name`` of ``dnr`` is passed by when ``field`` is signed (None: to
    sign), before any key is opened: :func:`avtalsgen.signing.batch.screen` as the server's
    builds see it, then the unknown facts it shows (signed with no key from the web)."""
    from avtalsgen.signing.batch import Target, screen
    from avtalsgen.web.readiness import packet_unknowns

    path = config.output / dnr / name
    found = screen(Target(path, named=False), field, _shown, templates=config.templates)
    if found.skipped is not None:
        return shown_text(found.skipped, [config.output, config.cases])
    unknown = packet_unknowns(path)
    if unknown:
        return ngettext(
            "{packet}: it still shows {count} unknown fact ([uppgift saknas]): fill it in "
            "on the case's page and build the case again",
            "{packet}: it still shows {count} unknown facts ([uppgift saknas]): fill them in "
            "on the case's page and build the case again",
            len(unknown),
        ).format(packet=_shown(path), count=len(unknown))
    return None


#: Each packet's screening for a field, by everything the screening reads
#: (:func:`avtalsgen.web.packetstate.packet_key`): the files of its case folder with their
#: stamps (the packet's name, time of change in ns, size and inode among them; the manifest,
#: the build record, a newer version), the case file and its attachments, the program,
#: meeting and template files, the day and the language. A packet is read (about 16 ms)
#: once until one of them changes, not on every request of the page.
_SCREENED: Kept[str | None] = Kept(2000)


def screened(config: WebConfig, rows: list[CaseRow], field: str) -> list[Candidate]:
    """Each row's newest packet as :func:`screen_packet` finds it, kept while nothing it
    reads changes (:data:`_SCREENED`)."""
    from avtalsgen.web.packetstate import packet_key

    seen = Seen(config)  # the shared folders' stamps, taken once for the page
    found = []
    for row in rows:
        if not (row.dnr and row.packet):
            continue
        dnr, name = row.dnr, row.packet
        key = (packet_key(config, config.output / dnr / name, row.stem, seen), field)
        reason = _SCREENED.get(key, partial(screen_packet, config, dnr, name, field))
        found.append(Candidate(dnr, row.aktor, name, reason))
    return found


def sign_many(
    config: WebConfig, user: str, chosen: list[tuple[str, str]], field: str, level: str
) -> tuple[list[Line], Tally]:
    """Sign ``field`` of each packet ``chosen`` (Dnr and file name) at ``level`` with the
    server's key, opened once: each screened again first (the page may be old); a line for
    each packet, and what it came to. Each signature is verified before its file is moved
    into place and recorded in the manifest and the audit log, as one packet's signing."""
    from avtalsgen.signing.many import sign_each
    from avtalsgen.web.signing import key_choice

    tally = Tally()
    lines: list[Line] = []
    to_sign: list[tuple[str, Path]] = []
    for dnr, name in chosen:
        reason = screen_packet(config, dnr, name, field)
        if reason is None:
            to_sign.append((dnr, config.output / dnr / name))
        else:
            tally.skipped += 1
            lines.append(Line("passed", dnr, _("Passed by: {reason}.").format(reason=reason)))
    if not to_sign:
        return lines, tally
    key = key_choice(config, FIELD_ROLES[field])
    said = _Said(config, user, field, level, lines)
    sign_each(to_sign, key.key, lambda item, opened: _sign_one(
        config, user, *item, field, level, (key, opened)), said, tally)  # fmt: skip
    return lines, tally


@dataclass(frozen=True)
class _Said:
    """The page's line of each packet's outcome, and its audit entry
    (:func:`avtalsgen.signing.many.sign_each`'s :class:`avtalsgen.signing.many.Said`)."""

    config: WebConfig
    user: str
    field: str
    level: str
    lines: list[Line]

    def signed(self, item: tuple[str, Path], line: Line) -> None:
        self.lines.append(line)

    def failed(self, item: tuple[str, Path], error: AvtalsgenError) -> None:
        dnr, packet = item
        self.lines.append(_failed(self.config, self.user, dnr, packet, self.field, self.level,
                                  error))  # fmt: skip

    def stopped(self, item: tuple[str, Path], error: AvtalsgenError, not_tried: int) -> None:
        dnr, packet = item
        self.lines.append(_stopped(self.config, self.user, dnr, packet, self.field,
                                   self.level, error, not_tried))  # fmt: skip

    def unusable(self, error: AvtalsgenError) -> None:
        self.lines.append(_unusable(self.config, self.user, self.field, self.level, error))


def _unusable(config: WebConfig, user: str, field: str, level: str, error: AvtalsgenError) -> Line:
    """The line of a key that cannot be opened (nothing was signed), and its audit entry."""
    audit.record(config.database, user, "sign",
                 detail=audit.texts(lambda: _("field {field}, {level} failed: {reason}").format(
                     field=field, level=level, reason=error.text())))  # fmt: skip
    return Line("stopped", "", _(
        "The server's key cannot sign: {reason}. Nothing was signed; whoever runs the "
        "server sets its key and passphrase (avtalsgen serve --seal-p12, {variable})."
    ).format(reason=shown_text(error.text(), [config.data]),
             variable=config.seal_passphrase_env))  # fmt: skip


def _sign_one(
    config: WebConfig,
    user: str,
    dnr: str,
    packet: Path,
    field: str,
    level: str,
    opened: tuple[KeyChoice, OpenKey],
) -> Line:
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.i18n import format_time
    from avtalsgen.web.forms import choice
    from avtalsgen.web.signing import signed_at_level

    # The output folder's session for each packet, as the CLI's sign takes it: a build
    # waits for the packet being signed, not for the whole batch.
    with Workspace(config.output).session("sign") as run:
        result = signed_at_level(config, packet, field, FIELD_ROLES[field], level, run.staging,
                                 opened=opened)  # fmt: skip
        assert result.report is not None  # signed_at_level verifies it
        update_signatures(packet, result.report, scratch=run.staging)
    audit.record(config.database, user, "sign", dnr=dnr,
                 detail=audit.texts(lambda: _("field {field}, {level}").format(
                     field=field, level=level)),
                 files=[packet], root=config.output)  # fmt: skip
    text = _("Signed: {field} in {packet}, by {signer} ({level}, {time}).")
    return Line("signed", dnr, text.format(
        field=choice(field), packet=_shown(packet), signer=result.signer,
        level=result.pades_level, time=format_time(result.signing_time)))  # fmt: skip


def _failed(
    config: WebConfig,
    user: str,
    dnr: str,
    packet: Path,
    field: str,
    level: str,
    error: AvtalsgenError,
) -> Line:
    audit.record(config.database, user, "sign", dnr=dnr,
                 detail=audit.texts(lambda: _("field {field}, {level} failed: {reason}").format(
                     field=field, level=level, reason=error.text())))  # fmt: skip
    reason = shown_text(error.text(), [config.output, config.cases]) or ""
    return Line("failed", dnr, _("Not signed: {packet}: {reason} The file is as it was.").format(
        packet=_shown(packet), reason=without_file(reason, packet)))  # fmt: skip


def _stopped(
    config: WebConfig,
    user: str,
    dnr: str,
    packet: Path,
    field: str,
    level: str,
    error: AvtalsgenError,
    not_tried: int,
) -> Line:
    _failed(config, user, dnr, packet, field, level, error)  # the audit's entry
    reason = shown_text(error.text(), [config.output, config.cases, config.data])
    if not not_tried:  # the last packet: none after it to leave untried
        return Line("stopped", dnr, _(
            "Stopped at {packet}: the server's key cannot sign: {reason}. The file is as it was."
        ).format(packet=_shown(packet), reason=reason))  # fmt: skip
    return Line("stopped", dnr, ngettext(
        "Stopped at {packet}: the server's key cannot sign: {reason}. The file is as it was, "
        "and the {count} packet after it was not tried.",
        "Stopped at {packet}: the server's key cannot sign: {reason}. The file is as it was, "
        "and the {count} packets after it were not tried.",
        not_tried,
    ).format(packet=_shown(packet), reason=reason, count=not_tried))  # fmt: skip
