"""What a batch build shows: a progress bar, a line per case, and a summary table."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from avtalsgen.build.outcome import CaseOutcome, Status

_MARK = {Status.BUILT: "[green]built[/]", Status.UP_TO_DATE: "[cyan]up to date[/]"}


class BatchDisplay:
    """Progress of a batch on the terminal: one line per case as it settles."""

    def __init__(self, total: int, shown: Callable[[Path], Path], verbose: bool = False) -> None:
        """Show progress over ``total`` cases; ``shown`` shortens paths for display."""
        self.verbose = verbose
        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)
        self.shown = shown
        self.progress = Progress(
            TextColumn("building"),
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
            self.progress.console.print(f"[red]failed[/]  {dnr}  {name}")
            if self.verbose and outcome.exception is not None:
                trace = traceback.format_exception(outcome.exception)
                self.errors.print(escape("".join(trace)), end="")
            self.errors.print(escape(outcome.error or "failed"))
            return
        lines = [f"{_MARK[outcome.status]}  {dnr}  {name}  {outcome.seconds:.1f} s"]
        if outcome.status == Status.BUILT:
            lines += [f"  wrote {escape(str(self.shown(path)))}" for path in outcome.outputs]
        self.progress.console.print("\n".join(lines))  # one print: rich's cost is per call

    def summary(self, outcomes: Sequence[CaseOutcome]) -> None:
        """A table of every case at the end of a batch."""
        table = Table("Dnr", "case", "status", "time", "outputs", title="avtalsgen build")
        for outcome in outcomes:
            status = _MARK.get(outcome.status, "[red]failed[/]")
            table.add_row(
                outcome.dnr or "-",
                escape(str(self.shown(outcome.case))),
                status,
                f"{outcome.seconds:.1f} s",
                str(len(outcome.outputs)),
            )
        counts = {s: sum(o.status == s for o in outcomes) for s in _MARK} | {
            Status.FAILED: sum(o.status == Status.FAILED for o in outcomes)
        }
        table.caption = ", ".join(f"{n} {status}" for status, n in counts.items())
        self.console.print(table)
