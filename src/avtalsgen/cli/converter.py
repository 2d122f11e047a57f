"""``avtalsgen converter start|stop|status``: LibreOffice kept running for quick conversions.

While a converter runs, ``avtalsgen build`` and ``utdrag`` send their documents to it instead
of starting LibreOffice (see :mod:`avtalsgen.conversion.warm`).
"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from avtalsgen.cli import clicktexts
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import N_, _, ngettext

converter_app = typer.Typer(
    help=_("Keep LibreOffice running, so that documents convert in a fraction of a second."),
    no_args_is_help=True,
    cls=clicktexts.Commands,
)


#: The states of a worker, as the converter names them.
STATES = {
    "starting": N_("starting"),
    "idle": N_("idle"),
    "busy": N_("busy"),
    "restarting": N_("restarting"),
    "stopped": N_("stopped"),
}


def _error(exc: AvtalsgenError) -> None:
    typer.echo(exc.message, err=True)
    raise typer.Exit(exc.exit_code)


@converter_app.command("start")
def start(
    workers: Annotated[
        int,
        typer.Option(
            "--workers", metavar="N", min=1, help=_("LibreOffice workers (default: cores).")
        ),
    ] = os.cpu_count() or 1,
    max_documents: Annotated[
        int | None,
        typer.Option(
            "--max-documents",
            metavar="N",
            min=1,
            help=_("Restart a worker after this many documents."),
        ),
    ] = None,
    max_rss: Annotated[
        int | None,
        typer.Option(
            "--max-rss",
            metavar="MB",
            min=50,
            help=_("Restart a worker above this many MB of memory."),
        ),
    ] = None,
    foreground: Annotated[
        bool, typer.Option("--foreground", help=_("Run here until Ctrl-C or SIGTERM."))
    ] = False,
) -> None:
    """Start the converter in the background (one LibreOffice per worker), unless one runs."""
    if foreground:
        from avtalsgen.conversion import server
        from avtalsgen.conversion.worker import MAX_DOCUMENTS, MAX_RSS_MB

        def ready(line: str) -> None:
            word, _sp, rest = line.partition(" ")
            if word == "ready":
                typer.echo(_("converter running (pid {pid}); Ctrl-C stops it").format(pid=rest))
            elif word == "running":
                typer.echo(_("a converter is already running (pid {pid})").format(pid=rest))
            else:
                message = _("the converter could not start: {reason}").format(reason=rest)
                typer.echo(message, err=True)

        status = server.serve(
            workers,
            max_documents=max_documents or MAX_DOCUMENTS,
            max_rss_mb=max_rss or MAX_RSS_MB,
            on_ready=ready,
        )
        raise typer.Exit(0 if status in (0, server.ALREADY_RUNNING) else 1)
    from avtalsgen.conversion import warm

    try:
        started = warm.start(workers, max_documents=max_documents, max_rss_mb=max_rss)
    except AvtalsgenError as exc:
        _error(exc)
        return
    if started.started:
        message = ngettext(
            "converter started (pid {pid}, {workers} worker)",
            "converter started (pid {pid}, {workers} workers)",
            workers,
        )
        typer.echo(message.format(pid=started.pid, workers=workers))
    else:
        typer.echo(_("a converter is already running (pid {pid})").format(pid=started.pid))


@converter_app.command("stop")
def stop() -> None:
    """Stop the converter and every LibreOffice it runs."""
    from avtalsgen.conversion import warm

    pid = warm.stop()
    if pid is None:
        typer.echo(_("no converter is running"))
    else:
        typer.echo(_("converter stopped (pid {pid})").format(pid=pid))


@converter_app.command("status")
def status() -> None:
    """Show the converter's workers: pid, memory, documents, restarts. Exit 1 if none runs."""
    from avtalsgen.conversion import runtime, warm

    found = warm.status()
    if found is None:
        typer.echo(_("no converter is running"))
        raise typer.Exit(1)
    uptime = int(time.time() - float(found["started"]))
    typer.echo(
        _("converter pid {pid}, running for {uptime}, socket {socket}").format(
            pid=found["pid"], uptime=_duration(uptime), socket=runtime.socket_path()
        )
    )
    typer.echo(
        _("queued {queued}, failed {failed}").format(queued=found["queued"], failed=found["failed"])
    )
    header = (
        _("worker"), _("pid"), _("state"), "RSS MB", _("documents"), _("in all"), _("restarts")
    )  # fmt: skip
    rows = [
        (
            str(w["index"]), str(w["pid"] or "-"), _(STATES.get(w["state"], w["state"])),
            str(w["rss_mb"]), f"{w['documents']}/{w['max_documents']}", str(w["converted"]),
            str(w["restarts"]),
        )
        for w in found["workers"]
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    limit = found["workers"][0]["max_rss_mb"] if found["workers"] else "-"
    typer.echo(_("a worker restarts above {limit} MB").format(limit=limit))


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}"
