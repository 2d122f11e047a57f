"""Whether a case's packet can be signed in the browser, and if not, what to fill in where.

No key signs a packet that still shows ``[uppgift saknas]`` (the server's signing refuses
it, :class:`avtalsgen.signing.sign.IncompleteError`). So that no page offers a button that
can only fail, :func:`signing_blockers` reads the packet's text as the signing does
(:func:`avtalsgen.pdf.unknown.unknown_facts`, kept by the packet's stamp: a packet is read
once until it is built again) and, when it shows unknown facts, says of each fact the case
and its program still leave unknown where it is filled in: a field of the case's form (a
link to it), the meeting that is to decide the case, or the program file, which has no page
in the app (named by its file and its keys, for the administrator); when the files leave
nothing unknown, the packet was built before they were filled in: build it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from avtalsgen.i18n import N_
from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Kept, Seen


@dataclass(frozen=True)
class Blocker:
    """One thing to do before the packet can be signed: in words, and the page where it is
    done (None: no page of the app does it)."""

    text: str
    href: str | None = None
    link: str | None = None
    """The link's words."""
    fact: str | None = None
    """The line of :func:`avtalsgen.input.load.unknown_facts` it says (None: it says no
    unknown fact of the files), so that a page listing those lines elsewhere lists each once."""


#: Each packet's unknown facts, by its path and stamp (time of change, size, inode).
_READ: Kept[tuple[str, ...]] = Kept(2000)
#: Each case's blockers, by its packet's and files' stamps and the language.
_BLOCKERS: Kept[tuple[Blocker, ...]] = Kept(2000)


def packet_unknowns(packet: Path) -> tuple[str, ...]:
    """The lines where the packet shows ``[uppgift saknas]`` (with their page), as the
    signing reads them; empty when it shows none or does not exist."""
    from avtalsgen.web.stamps import stamp

    now = stamp(packet)
    if now is None:
        return ()
    return _READ.get((str(packet), now), lambda: _read_unknowns(packet))


#: Whether each packet shows an unknown fact at all, by its path and stamp.
_SHOWS: Kept[bool] = Kept(2000)


def packet_shows_unknown(packet: Path, now: tuple[int, int, int] | None = None) -> bool:
    """Whether the packet shows ``[uppgift saknas]`` at all (``bool`` of
    :func:`packet_unknowns`), for a list of packets: its lines when they are kept already,
    else its pages read only up to the first that shows one (:func:`avtalsgen.pdf.unknown.
    shows_unknown`); kept by the packet's stamp (``now``: as the caller's request took it
    from the folder's listing, else taken now). False when it does not exist or cannot be
    read (the signing says why)."""
    from avtalsgen.web.stamps import stamp

    now = now or stamp(packet)
    if now is None:
        return False
    key = (str(packet), now)
    if key in _READ:
        return bool(_READ[key])
    return _SHOWS.get(key, lambda: _read_shows(packet))


def _read_shows(packet: Path) -> bool:
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.pdf.unknown import shows_unknown

    try:
        return shows_unknown(packet)
    except AvtalsgenError:
        return False  # not readable: the signing says why


def _read_unknowns(packet: Path) -> tuple[str, ...]:
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.pdf.unknown import unknown_facts

    try:
        return tuple(str(fact) for fact in unknown_facts(packet))
    except AvtalsgenError:
        return ()  # not readable: the signing says why


def signing_blockers(
    config: WebConfig, case_file: Path, dnr: str, packet_name: str = "paket.pdf"
) -> tuple[Blocker, ...]:
    """What must be done before the packet ``packet_name`` of the case ``case_file`` (Dnr
    ``dnr``) can be signed: empty when it shows no unknown fact (or does not exist)."""
    from avtalsgen.i18n import current_language
    from avtalsgen.web.stamps import listing, stamp

    packet = config.output / dnr / packet_name
    key = (
        str(packet), stamp(packet), str(case_file), stamp(case_file),
        listing(config.cases / "program", (".yaml",)), listing(config.meetings, (".yaml",)),
        current_language(),
    )  # fmt: skip
    return _BLOCKERS.get(
        key, lambda: _blockers(config, case_file, packet) if packet_unknowns(packet) else ()
    )


def _blockers(config: WebConfig, case_file: Path, packet: Path) -> tuple[Blocker, ...]:
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.i18n import _, ngettext
    from avtalsgen.input.load import load_case, unknown_facts
    from avtalsgen.meetings.decisions import case_history

    count = len(packet_unknowns(packet))
    head = ngettext(
        "The packet still shows [uppgift saknas] on {count} line, and a packet with unknown "
        "facts is signed with no key, the DEMO key included.",
        "The packet still shows [uppgift saknas] on {count} lines, and a packet with unknown "
        "facts is signed with no key, the DEMO key included.",
        count,
    ).format(count=count)
    found = [Blocker(head)]
    try:
        case = load_case(case_file)
        history = case_history(case.path, case.arende, case.program)
        lines = unknown_facts(case, history)
    except AvtalsgenError:
        lines = []
    stem = case_file.stem
    for line in lines:
        found.append(replace(_blocker(line, case_file, stem, config), fact=line))
    if len(found) == 1:
        found.append(
            Blocker(
                _("The case's files leave nothing unknown now: the packet was built before "
                  "they were filled in. Build the case again."),
                f"/korning?arende={stem}", _("Build the case"),
            )
        )  # fmt: skip
    else:
        found.append(Blocker(_("Then build the case again, and sign the new packet."),
                             f"/korning?arende={stem}", _("Build the case")))  # fmt: skip
    return tuple(found)


#: The region's signatory's facts, which the program file gives, in words.
_SIGNATORY = {
    "namn": N_("The name of the region's signatory"),
    "titel": N_("The title of the region's signatory"),
    "ort": N_("The place where the region signs"),
}
#: ``file:line: field: message``, the loader's place of an unknown fact.
_PLACE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.*)$", re.DOTALL)


def _blocker(line: str, case_file: Path, stem: str, config: WebConfig) -> Blocker:
    """An unknown fact of :func:`avtalsgen.input.load.unknown_facts` as a thing to do."""
    from avtalsgen.i18n import _
    from avtalsgen.web.editing import form_schema
    from avtalsgen.web.forms import field_title, label

    match = _PLACE.match(line)
    if match is None:
        return Blocker(line)
    field = match["field"]
    if Path(match["file"]) == case_file:
        if field == "dnr":  # the first of them: no meeting has decided the case yet
            return Blocker(
                _("No meeting has decided the case yet: the samarbetsavtal shows its date "
                  "and § as [uppgift saknas] until a meeting file decides it."),
                "/sammantraden", _("Add the case as a paragraph of a meeting"),
            )  # fmt: skip
        title = field_title(field, form_schema("arende"))
        anchor = "root" + "".join(f"[{part}]" for part in re.split(r"[.\[\]]+", field) if part)
        return Blocker(
            _("{field}: not filled in; fill it in in the case's form.").format(field=title),
            f"/arenden/{stem}#{anchor}", _("Fill in {field}").format(field=title),
        )  # fmt: skip
    try:
        program = Path(match["file"]).resolve().relative_to(config.cases.resolve()).as_posix()
    except ValueError:
        program = Path(match["file"]).name
    parts = [part for part in re.split(r"[.\[\]]+", field) if part]
    fact = label(parts[-1]).lower()
    if parts[:2] == ["avtal", "undertecknare"] and parts[-1] in _SIGNATORY:
        what = _(_SIGNATORY[parts[-1]])
    elif parts[0] == "region":
        what = _("The region's {fact}").format(fact=fact)
    else:
        what = " › ".join(label(part) for part in parts)
    return Blocker(
        _("{what} is missing in the program file {file}, which every case of the program "
          "shares and which cannot be changed in the web app: ask whoever administers "
          "avtalsgen to fill in {key} in {file}.").format(what=what, file=program, key=field)
    )  # fmt: skip


#: Each packet's refusal, by everything it is read from and the day.
_REFUSALS: Kept[tuple[Blocker, ...]] = Kept(2000)


def signing_refusal(
    config: WebConfig, packet: Path, stem: str, seen: Seen | None = None
) -> tuple[Blocker, ...]:
    """:func:`read_refusal`, kept until one of the files it reads changes, the day changes
    (a justering comes) or the language of the page is another
    (:func:`avtalsgen.web.packetstate.packet_key`; ``seen``: the stamps the caller's request
    took): the case's page and the Paket page ask it of every packet to sign."""
    from avtalsgen.web.packetstate import packet_key

    key = packet_key(config, packet, stem, seen)
    return _REFUSALS.get(key, lambda: read_refusal(config, packet, stem))


def read_refusal(config: WebConfig, packet: Path, stem: str) -> tuple[Blocker, ...]:
    """What the signing would refuse the packet for once it shows no unknown fact (it is
    superseded, its decision's minutes are not justerade yet, its documents are out of date:
    :func:`avtalsgen.build.superseded.refuse_unsignable`, as the signing asks it); empty when
    it would sign. A build is the way on, with a link to it, except while the minutes wait
    for their justering: then nothing is to be done but wait (a build makes nothing new)."""
    from avtalsgen.build.justerad import justering_pending
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.i18n import _

    if not packet.is_file():
        return ()
    try:
        refuse_unsignable(packet, templates=config.templates)
    except AvtalsgenError as exc:
        if justering_pending(packet) is not None:
            return (Blocker(exc.message),)
        return (Blocker(exc.message, f"/korning?arende={stem}", _("Build the case")),)
    return ()
