"""Build one case: load, render, convert, check facts, then move the results into place.

The stages themselves live in their modules; :func:`avtalsgen.build.batch.build_cases` runs them
for many cases at once with a pool of LibreOffice workers. This is the one-case entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.build.batch import BuildOptions, build_cases
from avtalsgen.build.outcome import Status
from avtalsgen.documents.kinds import DOCUMENTS
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _


@dataclass(frozen=True)
class BuildResult:
    """What a build of one case wrote (or found up to date, or why it has nothing to make)."""

    dnr: str
    outputs: tuple[Path, ...]
    up_to_date: bool
    note: str | None = None
    """Why the case has nothing to make (its decisions call for none of ``only``): no
    failure, nothing written."""


def build_case(
    case_path: Path,
    output_root: Path,
    templates: Path,
    only: Sequence[str] = tuple(DOCUMENTS),
    *,
    strict: bool = False,
    force: bool = False,
) -> BuildResult:
    """Build the documents of one case into ``output_root/<Dnr>/``.

    1. load and validate the case and its program (every problem at once);
    2. render each Word document from its template;
    3. convert them to PDF/A-2b in one LibreOffice run, checking every PDF;
    4. read the PDFs back: the facts must agree in every document;
    5. move the finished files into place.
    With ``strict``, facts left unknown are errors. Raises :class:`AvtalsgenError` on failure;
    nothing is then left under a final name. A case whose decisions call for none of
    ``only`` is no failure: nothing is written, and the result's ``note`` says why.
    """
    options = BuildOptions(templates, tuple(only), jobs=1, force=force, strict=strict)
    (outcome,) = build_cases([case_path], output_root, options)
    if outcome.status == Status.FAILED:
        raise AvtalsgenError(outcome.error or _("the build failed"))
    return BuildResult(
        dnr=outcome.dnr or "",
        outputs=tuple(outcome.outputs),
        up_to_date=outcome.status == Status.UP_TO_DATE,
        note=outcome.note,
    )
