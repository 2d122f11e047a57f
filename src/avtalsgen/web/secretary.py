"""The secretary's steps after a meeting, run from the web in the worker process: the notice
of justering (:func:`avtalsgen.meetings.anslag.build_anslag`), the e-mails of the expediering
(:func:`avtalsgen.meetings.expediering.expedite`) and the publishable renditions
(:func:`avtalsgen.meetings.publicering.publish`), the CLI's own functions.

Each outcome becomes an event for the run's page and the audit log: a line of text, the Dnr
it concerns, and the files it names, relative to the output folder (the page links them).
The line is composed in each language (``texts``; ``text`` the Swedish, the office's): a
run's page shows it in its reader's language, whoever started the run, and the audit log
keeps both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from avtalsgen.i18n import _, in_each_language

if TYPE_CHECKING:
    from avtalsgen.conversion.convert import Converter
    from avtalsgen.meetings.expediering import Expediering


def _relative(paths: Any, output: Path) -> list[str]:
    found = []
    for path in paths:
        path = Path(path)
        try:
            found.append(path.resolve().relative_to(output.resolve()).as_posix())
        except ValueError:
            continue
    return found


def _step(dnr: str | None, compose: Callable[[], str], files: list[str]) -> dict[str, Any]:
    """One step's event: its line in each language (``compose`` calls ``_()``)."""
    texts = in_each_language(compose)
    return {"type": "step", "dnr": dnr, "text": texts["sv"], "texts": texts, "files": files}


@contextmanager
def _converter() -> Iterator[Converter]:
    """The running converter, else LibreOffice; a stop request stops a step cleanly (no
    soffice or staging left), as in the CLI."""
    from avtalsgen.build import interrupts
    from avtalsgen.conversion import warm

    with warm.converter() as converter, interrupts.handled():
        yield converter


def run(request: dict[str, Any], on_wait: Callable[[str], None]) -> Iterator[dict[str, Any]]:
    """The events of one step (``request["kind"]``: anslag, expediera or publicera)."""
    meeting, output = Path(request["meeting"]), Path(request["output"])
    templates = Path(request["templates"])
    kind = request["kind"]
    if kind == "anslag":
        yield from _anslag(meeting, output, templates, bool(request.get("omedelbart")), on_wait)
    elif kind == "expediera":
        yield from _expediera(meeting, output, request.get("paragraf"), on_wait)
    elif kind == "publicera":
        yield from _publicera(meeting, output, templates, on_wait)
    else:
        raise ValueError(f"unknown step {kind!r}")


def _anslag(
    meeting: Path, output: Path, templates: Path, omedelbart: bool, on_wait: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    from avtalsgen.meetings.anslag import appeal_exception, build_anslag, paragraph_list

    with _converter() as converter:
        results = build_anslag(meeting, output, templates, converter,
                               omedelbart=omedelbart, on_wait=on_wait)  # fmt: skip
    for result in results:
        files = _relative(result.files, output)
        folder = files[0].rsplit("/", 1)[0] + "/" if files and "/" in files[0] else "–"

        def text(result: Any = result, folder: str = folder) -> str:
            notice = result.anslag
            return _(
                "{head}: {state}; on the anslagstavla from {start} to {end} inclusive (the last "
                "day to appeal{exception}); in the output folder under {folder}"
            ).format(
                head=anslag_head(notice, paragraph_list(notice.paragrafer) or "–"),
                state=anslag_state(result), start=notice.anslagsdatum,
                end=notice.till_och_med, exception=appeal_exception(notice), folder=folder,
            )  # fmt: skip

        yield _step(None, text, files)


def anslag_head(notice: Any, paragraphs: str) -> str:
    """Which anslag a run's line is about, in words: the meeting's, or its paragraphs
    justerade at once."""
    if notice.omedelbart:
        return _(
            "The anslag of the paragraphs justerade at once ({paragraphs}) at the meeting of {date}"
        ).format(paragraphs=paragraphs, date=notice.sammantradesdatum)
    return _("The anslag of the justering of the meeting of {date} ({paragraphs})").format(
        paragraphs=paragraphs, date=notice.sammantradesdatum
    )


def anslag_state(result: Any) -> str:
    """What the run did with an anslag, in words (the version written, or none)."""
    from avtalsgen.meetings.anslag import Status

    if result.status is Status.NY:
        return _("written, version {version}").format(version=result.version)
    if result.status is Status.RATTELSE:
        return _("written as a correction, version {version} (changed: {changed})").format(
            version=result.version, changed=", ".join(result.andrat)
        )
    return _("unchanged since version {version}, nothing written").format(version=result.version)


def _expediera(
    meeting: Path, output: Path, paragraf: int | None, on_wait: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    from avtalsgen.meetings.expediering import expedite

    results = expedite(meeting, output, paragraf, on_wait=on_wait)
    for item in results:
        head = f"§ {item.paragraf} {item.dnr}"
        for to in item.messages:

            def written(
                to: Any = to, head: str = head, new: bool = item.written or to.path in item.added
            ) -> str:
                return (
                    _("{head}: e-mail to {name} <{address}> written")
                    if new
                    else _("{head}: e-mail to {name} <{address}> already written, left as it "
                           "is")
                ).format(head=head, name=to.mottagare, address=to.epost)  # fmt: skip

            yield _step(item.dnr, written, _relative([to.path], output))
        for name in item.utan_adress:
            if (case := item.actor_case(name)) is not None:

                def actor_without(
                    name: str = name, head: str = head, case: str = _in_cases(case, meeting)
                ) -> str:
                    # The actor's address is its case file's (the program file's only
                    # when the case gives none): said as the command line says it.
                    return _("{head}: no e-mail to {name}: the actor has no e-mail address; "
                             "fill it in under Actor › E-mail in the case's form ({case})"
                             ).format(head=head, name=name, case=case)  # fmt: skip

                yield _step(item.dnr, actor_without, [])
                continue

            def no_address(name: str = name, head: str = head) -> str:
                # How to go on: in the run's summary (once, not on every such line).
                return _("{head}: no e-mail to {name}: the program file gives no e-mail "
                         "address for this recipient").format(head=head, name=name)  # fmt: skip

            yield _step(item.dnr, no_address, [])
        if item.utan_aktor and item.aktor and item.case_file is not None:

            def not_listed(
                name: str = item.aktor[0],
                head: str = head,
                case: str = _in_cases(item.case_file, meeting),
            ) -> str:
                return _("{head}: the actor, {name}, is not among the recipients of the "
                         "extract (the list Extracts sent to in the case's form, {case}): the "
                         "decision on its agreement does not reach it; add it there and make "
                         "the extract's new version, or send the extract to the actor another "
                         "way").format(head=head, name=name, case=case)  # fmt: skip

            yield _step(item.dnr, not_listed, [])
        if item.sekretess:

            def secret(marking: str = item.sekretess, head: str = head) -> str:
                return _("{head}: under sekretess ({marking}): send the extract only "
                         "through a channel fit for secret documents").format(
                    head=head, marking=marking)  # fmt: skip

            yield _step(item.dnr, secret, [])
    summary = partial(expediering_summary, results, meeting.parent.parent)
    yield {**_step(None, summary, []), "summary": True}


def _in_cases(path: Path, meeting: Path) -> str:
    """``path`` relative to the cases folder (the meeting file's, cases/sammantraden/
    <meeting>.yaml), as the run's page shows it, not by the server's absolute path: the
    line is kept so in the audit log too (web/serverpaths)."""
    from avtalsgen.web.serverpaths import shown_file

    return shown_file(path, [meeting.parent.parent])


def expediering_summary(results: Sequence[Expediering], cases: Path) -> str:
    """What the expediering did and did not do, in one line (the run's status says it
    after "done"): the e-mails written, those written before, the recipients without an
    address; none written, it says so and how to go on. Files are named relative to the
    folder ``cases``, as the run's page shows them."""
    from avtalsgen.i18n import ngettext
    from avtalsgen.web.serverpaths import shown_file

    if not results:
        return _("no e-mail written: no paragraph to expedite (a paragraph under sekretess "
                 "only when its number is given)")  # fmt: skip
    new = sum(1 for item in results for to in item.messages
              if item.written or to.path in item.added)  # fmt: skip
    before = sum(len(item.messages) for item in results) - new
    actors = [case for item in results for name in item.utan_adress
              if (case := item.actor_case(name)) is not None]  # fmt: skip
    missing = sum(len(item.utan_adress) for item in results) - len(actors)
    programs = sorted({shown_file(item.program_file, [cases]) for item in results
                       for name in item.utan_adress if item.actor_case(name) is None})  # fmt: skip
    files = ", ".join(sorted({shown_file(case, [cases]) for case in actors}))
    if new == 0 and before == 0:
        if not actors:
            return _(
                "no e-mail written: no recipient has an e-mail address in the program file "
                "({program}); add the addresses there under Expediering › Mottagare and make "
                "the e-mails again, or send the extracts another way"
            ).format(program=", ".join(programs) or "–")
        if not missing:
            return ngettext(
                "no e-mail written: the actor has no e-mail address: fill it in under Actor › "
                "E-mail in the case's form ({case}) and make the e-mails again, or send the "
                "extract another way",
                "no e-mail written: {count} actors have no e-mail address: fill theirs in "
                "under Actor › E-mail in their cases' forms ({case}) and make the e-mails "
                "again, or send the extracts another way",
                len(actors),
            ).format(count=len(actors), case=files)
        return _(
            "no e-mail written: no recipient has an e-mail address: fill in the actor's "
            "under Actor › E-mail in the case's form ({case}) and the others' in the program "
            "file ({program}) under Expediering › Mottagare, and make the e-mails again, or "
            "send the extracts another way"
        ).format(case=files, program=", ".join(programs))
    parts = [ngettext("{count} e-mail written", "{count} e-mails written", new).format(count=new)]
    if before:
        parts.append(ngettext("{count} written before, left as it is",
                              "{count} written before, left as they are", before).format(
            count=before))  # fmt: skip
    text = _("{parts}; nothing is sent: open the messages in the mail client and send them").format(
        parts=", ".join(parts)
    )
    if missing:
        text += "; " + ngettext(
            "{count} recipient has no e-mail address and got none: add it in the program file "
            "({program}) under Expediering › Mottagare and make the e-mails again, or send "
            "the extract another way",
            "{count} recipients have no e-mail address and got none: add theirs in the program "
            "file ({program}) under Expediering › Mottagare and make the e-mails again, or "
            "send the extracts another way",
            missing).format(count=missing, program=", ".join(programs))  # fmt: skip
    if actors:
        text += "; " + ngettext(
            "the actor has no e-mail address and got none: fill it in under Actor › E-mail "
            "in the case's form ({case}) and make the e-mails again, or send the extract "
            "another way",
            "{count} actors have no e-mail address and got none: fill theirs in under Actor › "
            "E-mail in their cases' forms ({case}) and make the e-mails again, or send the "
            "extracts another way",
            len(actors)).format(count=len(actors), case=files)  # fmt: skip
    return text


def _publicera(
    meeting: Path, output: Path, templates: Path, on_wait: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    from avtalsgen.meetings.publicering import (
        Status,
        demo_text,
        missing_text,
        publish,
        removed_text,
        rendition_head,
        summary_text,
        waiting_text,
        written_text,
    )

    with _converter() as converter:
        results = publish(meeting, output, templates, converter, on_wait=on_wait)
    for result in results:

        def text(result: Any = result) -> str:
            head = rendition_head(result)
            if result.status is Status.SEKRETESS:
                return _("{head}: left out, under sekretess").format(head=head)
            if result.status is Status.SAKNAS and result.justering is not None:
                return missing_text(result, _("make the protokollsutdrag on the meeting's "
                                              "page, certify it, and make the versions for "
                                              "publishing again"))  # fmt: skip
            if result.status is Status.SAKNAS:
                return _("{head}: left out, no protokollsutdrag yet").format(head=head)
            if result.status is Status.ANSLAG:
                return waiting_text(result, _("make the versions for publishing again"))
            if result.status is Status.OSIGNERAD and result.not_counted:
                return demo_text(result, result.files[0].name)
            if result.status is Status.OSIGNERAD:
                return _("{head}: left out, the protokollsutdrag is not certified yet: "
                         "certify it on the meeting's page, then make the versions for "
                         "publishing again").format(head=head)  # fmt: skip
            return written_text(result)

        yield _step(result.dnr, text, _relative(result.files, output))
        for path in _relative(result.removed, output):  # withdrawn: shown, not linked

            def removed(result: Any = result, path: str = path) -> str:
                return removed_text(result, path)

            yield _step(result.dnr, removed, [])
    # Counted, as the command line's publicera ends (its --complete fails while one of them
    # waits): said after the run's state ("klar – publicerade: 1, väntar på anslaget: 0, …").
    yield {**_step(None, lambda: summary_text(results), []), "summary": True}
