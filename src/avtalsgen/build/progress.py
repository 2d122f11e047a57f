"""What a batch build shows: a progress bar, a line per case, and a summary table."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from avtalsgen.build.outcome import CaseOutcome, Status, status_text
from avtalsgen.i18n import _, current_language, format_number

_COLOUR = {
    Status.BUILT: "green",
    Status.UP_TO_DATE: "cyan",
    Status.NOTHING: "yellow",
    Status.FAILED: "red",
}


def _mark(status: Status) -> str:
    """A case's status as the terminal shows it, in colour and the user's language."""
    return f"[{_COLOUR[status]}]{escape(status_text(status))}[/]"


def _seconds(seconds: float) -> str:
    """A case's time on its line: ``0,4 s`` (``0.4 s`` in English), as
    :func:`~avtalsgen.i18n.format_number` writes it with one decimal, without Babel: an
    unchanged rebuild shows one such time and nothing else that Babel formats, and loading
    Babel's numbers and its Swedish locale data for it took about a tenth of that
    rebuild's CPU. The same rounding (half to even, of the number as written) and grouping
    (a plain space in Swedish, a comma in English); anything but a finite time of 0 or more
    goes to :func:`~avtalsgen.i18n.format_number`."""
    if not math.isfinite(seconds) or seconds < 0:
        return f"{format_number(seconds, 1)} s"
    text = f"{Decimal(repr(seconds)).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN):,f}"
    if current_language() == "sv":
        text = text.replace(",", " ").replace(".", ",")
    return f"{text} s"


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
        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)
        self.shown = shown
        self.progress = Progress(
            TextColumn(escape(_("building"))),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task("cases", total=total)

    def __enter__(self) -> BatchDisplay:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def update(self, outcome: CaseOutcome) -> None:
        """Report one settled case."""
        self.progress.advance(self.task)
        name = escape(str(self.shown(outcome.case)))
        dnr = outcome.dnr or "-"
        if outcome.status == Status.FAILED:
            self.progress.console.print(f"{_mark(Status.FAILED)}  {dnr}  {name}")
            if self.verbose and outcome.exception is not None:
                trace = traceback.format_exception(outcome.exception)
                self.errors.print(escape("".join(trace)), end="")
            self.errors.print(escape(outcome.error or status_text(Status.FAILED)))
            return
        lines = [f"{_mark(outcome.status)}  {dnr}  {name}  {_seconds(outcome.seconds)}"]
        if outcome.status == Status.NOTHING and outcome.note and not self.notes_below:
            # A note, not an error: on standard output, and the build does not fail.
            lines.append("  " + escape(outcome.note))
        if outcome.status == Status.BUILT:
            lines += [
                "  " + escape(_("wrote {path}").format(path=self.shown(path)))
                for path in outcome.outputs
            ]
            lines += [
                "  "
                + escape(
                    _("removed {path}: it was of the unsigned packet this build replaced").format(
                        path=self.shown(path)
                    )
                )
                for path in outcome.removed
            ]
        lines += [
            "  " + escape(_("warning: {warning}").format(warning=warning))
            for warning in outcome.warnings
        ]
        self.progress.console.print("\n".join(lines))  # one print: rich's cost is per call

    def summary(self, outcomes: Sequence[CaseOutcome]) -> None:
        """A table of every case at the end of a batch."""
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
