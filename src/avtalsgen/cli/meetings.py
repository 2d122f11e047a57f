"""The commands on a meeting's decisions: ``utdrag``, ``anslag``, ``expediera`` and
``publicera``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from avtalsgen.cli.options import (
    OutputDir,
    TemplatesDir,
    shown_path,
    tell,
    whole_number,
)
from avtalsgen.cli.root import app
from avtalsgen.documents.templates import find_templates
from avtalsgen.i18n import _

_Result = TypeVar("_Result")

MeetingFile = Annotated[
    Path, typer.Argument(help=_("A meeting (sammanträde) file."), metavar=_("MEETING_FILE"))
]


def _paragraf_option(help: str) -> Any:
    """The ``--paragraf §`` option of the meeting commands, with its help text."""
    return typer.Option("--paragraf", parser=whole_number, metavar="§", help=help)


@app.command(
    help=_(
        "Build a certified extract (protokollsutdrag) per decided § into OUTPUT/<Dnr>/.\n\n"
        "An extract that exists is never replaced: if its facts changed, a new version "
        "(-v2, -v3, ...) is written with a note of what changed."
    )
)
def utdrag(
    meeting: MeetingFile,
    paragraf: Annotated[
        int | None, _paragraf_option(_("Build the extract of this § only (even if secret)."))
    ] = None,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
) -> None:
    """Build a certified extract (protokollsutdrag) per decided §."""
    from rich.console import Console
    from rich.table import Table

    from avtalsgen.meetings.extract import Status, build_extracts

    results = _meeting_step(build_extracts, meeting, output, templates, paragraf=paragraf)
    table = Table(
        "§",
        "Dnr",
        _("status"),
        _("version"),
        _("files"),
        title=_("Protocol extracts: {meeting}").format(meeting=meeting),
    )
    for result in results:
        files = ", ".join(str(shown_path(path)) for path in result.files)
        version = str(result.version) if result.version else "–"
        table.add_row(str(result.paragraf), result.dnr, result.status.text, version, files)
    console = Console(width=140)
    console.print(table)
    refused = [result for result in results if result.status is Status.VAGRAD]
    for result in results:
        if not result.written and result not in refused:
            console.print(result.note)
    for result in refused:
        # As a problem is told: on standard error, and the command fails (the other
        # paragraphs' extracts were made).
        typer.echo(result.note, err=True)
    if refused:
        raise typer.Exit(1)


def _meeting_step(
    step: Callable[..., list[_Result]],
    meeting: Path,
    output: Path,
    templates: Path | None,
    **options: Any,
) -> list[_Result]:
    """Run one of a meeting's steps (``build_extracts``, ``build_anslag``, ``publish``) with
    the running converter if one answers, else LibreOffice; Ctrl-C and SIGTERM stop it
    cleanly, as a build: no soffice or staging left."""
    from avtalsgen.build import interrupts
    from avtalsgen.conversion import warm

    with warm.converter() as converter, interrupts.handled():
        return step(
            meeting, output, templates or find_templates([meeting]), converter,
            on_wait=tell, **options,
        )  # fmt: skip


@app.command(
    help=_(
        "Write the notice of justering (anslag) for the digital anslagstavla: anslag.pdf "
        "(PDF/A-2b) and anslag.html, in OUTPUT/sammantraden/<date>-<organ>/.\n\n"
        "Omedelbart justerade paragraphs get a notice of their own. A notice is never "
        "replaced: if its facts changed, a new version (-v2, ...) is written with a note of "
        "what changed."
    )
)
def anslag(
    meeting: MeetingFile,
    omedelbart: Annotated[
        bool,
        typer.Option(
            "--omedelbart",
            help=_(
                "Only the notices of omedelbart justerade paragraphs (before the minutes are "
                "justerade)."
            ),
        ),
    ] = False,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
) -> None:
    """Write the notice of justering (anslag) of a meeting."""
    from avtalsgen.meetings.anslag import appeal_exception, build_anslag, paragraph_list

    results = _meeting_step(build_anslag, meeting, output, templates, omedelbart=omedelbart)
    for result in results:
        notice = result.anslag
        # Named in words: it said the record's key ("protokoll", "omedelbart-2023-12-06"),
        # Swedish in an English message.
        which = (
            _("notice of omedelbar justering of {date}").format(date=notice.anslagsdatum)
            if notice.omedelbart
            else _("notice of the minutes' justering")
        )
        typer.echo(
            _("{notice} ({paragraphs}): on the anslagstavla from {start} to {end} inclusive "
              "(the last day to appeal{exception}): {status}").format(
                notice=which, paragraphs=paragraph_list(notice.paragrafer) or "–",
                start=notice.anslagsdatum, end=notice.till_och_med, status=result.state,
                exception=appeal_exception(notice),
            )
        )  # fmt: skip
        for path in result.files:
            typer.echo(f"  {shown_path(path)}")


@app.command(
    help=_(
        "Make e-mail messages (.eml) with each paragraph's signed extract for its "
        "recipients, in OUTPUT/sammantraden/<date>-<organ>/expediering/. Nothing is sent.\n\n"
        "The messages are from the program file's expediering.avsandare (required); the "
        "addresses come from its expediering.mottagare, the actor's from its case file "
        "(aktor.epost); a recipient without one is listed. Secret paragraphs only when "
        "asked for by number."
    )
)
def expediera(
    meeting: MeetingFile,
    paragraf: Annotated[int | None, _paragraf_option(_("Only this § (even if secret)."))] = None,
    output: OutputDir = Path("output"),
) -> None:
    """Make e-mail messages with each paragraph's signed extract."""
    from avtalsgen.meetings.expediering import expedite, summaries

    results = expedite(meeting, output, paragraf, on_wait=tell)
    for line in summaries(results, shown_path):
        typer.echo(line)


@app.command(
    help=_(
        "Make the publishable renditions (tagged PDF and HTML) of a meeting's extracts and "
        "their beslutsförslag in OUTPUT/webb/<Dnr>/: no signatures, no personnummer, private "
        "persons' names replaced as the program file says, secret paragraphs left out."
    )
)
def publicera(
    meeting: MeetingFile,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
    complete: Annotated[
        bool,
        typer.Option(
            "--complete",
            help=_(
                "Fail (exit 1) also while a document not under sekretess is left out for now: "
                "before its anslag day, its extract not certified or not made yet."
            ),
        ),
    ] = False,
) -> None:
    """Make the publishable renditions of a meeting's extracts and beslutsförslag."""
    from avtalsgen.meetings import publicering
    from avtalsgen.meetings.publicering import (
        Status,
        publish,
        removed_text,
        rendition_head,
        waiting_text,
        written_text,
    )

    results = _meeting_step(publish, meeting, output, templates)
    for result in results:
        head = rendition_head(result)
        if result.status is Status.SEKRETESS:
            typer.echo(_("{head}: left out: under sekretess").format(head=head))
            for path in result.removed:
                typer.echo("  " + removed_text(result, str(shown_path(path))))
        elif result.status is Status.SAKNAS:
            make = _("make it with avtalsgen utdrag {meeting} --paragraf {paragraf}, certify "
                     "it, and run publicera again").format(
                meeting=meeting, paragraf=result.paragraf
            )  # fmt: skip
            typer.echo(publicering.missing_text(result, make))
        elif result.status is Status.ANSLAG:
            again = _("run avtalsgen publicera {meeting} again").format(meeting=meeting)
            typer.echo(waiting_text(result, again))
        elif result.status is Status.OSIGNERAD and result.not_counted:
            typer.echo(publicering.demo_text(result, str(shown_path(result.files[0]))))
        elif result.status is Status.OSIGNERAD:
            typer.echo(
                _("{head}: left out: the extract is not signed yet; sign it first with "
                  "avtalsgen sign {extract} --field utdragsbestyrkande, and run publicera "
                  "again").format(head=head, extract=shown_path(result.files[0]))
            )  # fmt: skip
        else:
            typer.echo(written_text(result))
            for path in result.files:
                typer.echo(f"  {shown_path(path)}")
            for path in result.removed:
                typer.echo("  " + removed_text(result, str(shown_path(path))))
    # Counted at the end, as sign counts a batch; --complete, as verify's, makes a document
    # left out for now a failure, for a script that must know the meeting is on the web.
    typer.echo(publicering.summary_text(results))
    if complete and not publicering.complete(results):
        raise typer.Exit(1)
