"""What a batch build shows: a progress bar, a line per case, and a summary table.

Shown with rich on a terminal. Where rich would write plain text (its output and errors go
to files or pipes, as a script's or the web's build has them), the lines are written as
rich writes them there, without importing it (about a fifth of an unchanged case's
rebuild); a line whose text rich would change (an emoji code such as ``:x:``, a control
character, a tab) and the batch's summary table still go through rich.
"""

from __future__ import annotations

import builtins
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

from avtalsgen.build.outcome import CaseOutcome, Status, status_text
from avtalsgen.i18n import _, format_number

if TYPE_CHECKING:
    from rich.console import Console

_COLOUR = {
    Status.BUILT: "green",
    Status.UP_TO_DATE: "cyan",
    Status.NOTHING: "yellow",
    Status.FAILED: "red",
}


def _mark(status: Status) -> str:
    """A case's status as the terminal shows it, in colour and the user's language."""
    from rich.markup import escape

    return f"[{_COLOUR[status]}]{escape(status_text(status))}[/]"


#: What rich may change in a text it writes: an emoji code (two colons with no space
#: between), a backslash (its markup's escape: a backslash before a bracket is dropped, one
#: at the end doubled) and the control characters (a tab and all others but the line break).
_RICH_CHANGES = re.compile(r":\S*?:|[\\\x00-\x09\x0b-\x1f\x7f]")


def _plain_stream(stream: TextIO) -> bool:
    """Whether rich, writing to ``stream``, writes plain text (no terminal, as rich's
    Console.is_terminal tells it: TTY_COMPATIBLE, then FORCE_COLOR, then isatty). Told
    here, not by a Console, because importing rich's console is what the plain output
    spares (test_rebuild_startup holds this to Console.is_terminal)."""
    if hasattr(builtins, "get_ipython") or type(sys.stdin).__module__.startswith("idlelib"):
        return False  # Jupyter's and IDLE's, which rich tells apart: left to it
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "0"
    if "FORCE_COLOR" in os.environ:
        return os.environ["FORCE_COLOR"] == ""
    try:
        return not stream.isatty()
    except ValueError:
        return True


def _seconds(seconds: float) -> str:
    """A case's time on its line: ``0,4 s`` (``0.4 s`` in English), written without Babel
    (:func:`~avtalsgen.i18n.format_number`)."""
    return f"{format_number(seconds, 1)} s"


class BatchDisplay:
    """Progress of a batch on the terminal: one line per case as it settles."""

    def __init__(
        self,
        total: int,
        shown: Callable[[Path], Path],
        verbose: bool = False,
        notes_below: bool = False,
    ) -> None:
        """Show progress over ``total`` cases; ``shown`` shortens paths for display. With
        ``notes_below`` (a batch, which ends with a table) the notes of cases with nothing
        to make come beneath the table, once; otherwise on the case's line."""
        self.verbose = verbose
        self.notes_below = notes_below
        self.shown = shown
        # Plain where rich would write plain text to both streams (see the module).
        self.plain = _plain_stream(sys.stdout) and _plain_stream(sys.stderr)
        self._console: Console | None = None
        self._errors: Console | None = None
        self.progress: Any = None
        if not self.plain:
            from rich.markup import escape
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn(escape(_("building"))),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.task = self.progress.add_task("cases", total=total)

    @property
    def console(self) -> Console:
        """rich's console on standard output, made when first needed."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=True)
        return self._console

    @property
    def errors(self) -> Console:
        """rich's console on standard error, made when first needed."""
        if self._errors is None:
            from rich.console import Console

            self._errors = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._errors

    def __enter__(self) -> BatchDisplay:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()
        else:  # rich's progress, stopped where nothing shows it, ends with an empty line
            self._write(sys.stdout, "")

    def _write(self, stream: TextIO, text: str, end: str = "\n") -> None:
        """Write ``text`` as rich writes it where it writes plain text (see the module)."""
        if _RICH_CHANGES.search(text) is None:
            stream.write(text + end)
            return
        from rich.markup import escape

        console = self.errors if stream is sys.stderr else self.console
        console.print(escape(text), end=end)

    def _print(self, text: str, *, plain: str, errors: bool = False, end: str = "\n") -> None:
        """Show ``text`` (rich's markup) on standard output or error; ``plain`` where rich
        would show it as plain text."""
        if self.plain:
            self._write(sys.stderr if errors else sys.stdout, plain, end)
        elif errors:
            self.errors.print(text, end=end)
        else:
            self.progress.console.print(text, end=end)

    def update(self, outcome: CaseOutcome) -> None:
        """Report one settled case."""
        if self.progress is not None:
            self.progress.advance(self.task)
        plain = self._lines(outcome, rich=False)
        shown = self._lines(outcome, rich=not self.plain)
        if outcome.status == Status.FAILED:
            self._print(shown[0], plain=plain[0])
            if self.verbose and outcome.exception is not None:
                trace = "".join(traceback.format_exception(outcome.exception))
                self._print(_escape(trace, rich=not self.plain), plain=trace, errors=True, end="")
            self._print(shown[1], plain=plain[1], errors=True)
            return
        # One print: rich's cost is per call.
        self._print("\n".join(shown), plain="\n".join(plain))

    def _lines(self, outcome: CaseOutcome, *, rich: bool) -> list[str]:
        """The case's lines: in rich's markup, or as plain text; a failed case's two, its
        line and its error."""

        def esc(text: str) -> str:
            return _escape(text, rich=rich)

        mark = _mark(outcome.status) if rich else status_text(outcome.status)
        name = esc(str(self.shown(outcome.case)))
        dnr = outcome.dnr or "-"
        if outcome.status == Status.FAILED:
            return [f"{mark}  {dnr}  {name}", esc(outcome.error or status_text(Status.FAILED))]
        lines = [f"{mark}  {dnr}  {name}  {_seconds(outcome.seconds)}"]
        if outcome.status == Status.NOTHING and outcome.note and not self.notes_below:
            # A note, not an error: on standard output, and the build does not fail.
            lines.append("  " + esc(outcome.note))
        if outcome.status == Status.BUILT:
            lines += [
                "  " + esc(_("wrote {path}").format(path=self.shown(path)))
                for path in outcome.outputs
            ]
            lines += [
                "  "
                + esc(
                    _("removed {path}: it was of the unsigned packet this build replaced").format(
                        path=self.shown(path)
                    )
                )
                for path in outcome.removed
            ]
        lines += [
            "  " + esc(_("warning: {warning}").format(warning=warning))
            for warning in outcome.warnings
        ]
        return lines

    def summary(self, outcomes: Sequence[CaseOutcome]) -> None:
        """A table of every case at the end of a batch."""
        from rich.markup import escape
        from rich.table import Table

        table = Table(
            "Dnr", _("case"), _("status"), _("time"), _("outputs"), title="avtalsgen build"
        )
        for outcome in outcomes:
            table.add_row(
                outcome.dnr or "-",
                escape(str(self.shown(outcome.case))),
                _mark(outcome.status),
                _seconds(outcome.seconds),
                str(len(outcome.outputs)),
            )
        counts = {s: sum(o.status == s for o in outcomes) for s in _COLOUR}
        table.caption = _(
            "built: {built}, up to date: {up_to_date}, nothing to make: {nothing}, failed: {failed}"
        ).format(
            built=counts[Status.BUILT],
            up_to_date=counts[Status.UP_TO_DATE],
            nothing=counts[Status.NOTHING],
            failed=counts[Status.FAILED],
        )
        self.console.print(table)
        # Why a case has nothing to make: a note beneath the table, not an error.
        for outcome in outcomes:
            if outcome.status == Status.NOTHING and outcome.note:
                self.console.print(
                    escape(_("note: {note}").format(note=outcome.note)), highlight=False
                )


def _escape(text: str, *, rich: bool) -> str:
    """``text`` escaped for rich's markup (``rich``), else as it is."""
    if not rich:
        return text
    from rich.markup import escape

    return escape(text)
