"""What the commands of the command line share: their common arguments and options, and
how they show paths and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from avtalsgen.i18n import _

#: The options of the whole command line that the commands read (``--verbose``).
state = {"verbose": False}

CasePaths = Annotated[
    list[Path],
    typer.Argument(
        help=_("Case files, or folders whose *.yaml files are cases."),
        metavar=_("PATHS") + "...",
    ),
]
Strict = Annotated[
    bool,
    typer.Option("--strict", help=_("Fail on facts left unknown (null) in the case or program.")),
]
TemplatesDir = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help=_(
            "Folder holding the Word templates (default: the nearest templates/ above the "
            "input files, else those that come with avtalsgen)."
        ),
        metavar=_("FOLDER"),
    ),
]
OutputDir = Annotated[Path, typer.Option("--output", help=_("Output folder."), metavar=_("FOLDER"))]


def whole_number(text: str | int) -> int:
    """A whole number of 1 or more from the command line (our message, not click's); the
    default comes as a number."""
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise typer.BadParameter(
            _("'{value}' is not a whole number of 1 or more").format(value=text)
        )
    return int(value)


def seconds(text: str | float) -> float:
    """A number of seconds, at least 1, from the command line (or its default)."""
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        value = 0.0
    if not value >= 1:  # also NaN
        raise typer.BadParameter(
            _("'{value}' is not a number of seconds of 1 or more").format(value=text)
        )
    return value


def tell(message: str) -> None:
    """Show a message on stderr (e.g. that the command waits for another one)."""
    typer.echo(message, err=True)


def shown_path(path: Path) -> Path:
    """A path relative to the working directory where it lies below it."""
    from avtalsgen.build.workspace import shown

    return shown(path)


def case_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the case files directly inside them (a program file beside them
    is none: :func:`avtalsgen.input.kinds.case_files_in`); a folder without any is an error
    (exit 1), most likely the wrong folder."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # Without the models where the files' keys tell (input/casefiles.py).
            from avtalsgen.input.casefiles import case_files_in

            found = case_files_in(path)
            if not found:
                typer.echo(
                    _("{path}: no case files (*.yaml) in this folder").format(path=path), err=True
                )
                raise typer.Exit(1)
            files.extend(found)
        else:
            files.append(path)
    return files
