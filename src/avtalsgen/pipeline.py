"""Build one case: load, render, convert, check, then move the results into place."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from avtalsgen.context import Context, build_context
from avtalsgen.convert import Converter
from avtalsgen.errors import CaseError, OutputError
from avtalsgen.factcheck import check_facts
from avtalsgen.load import LoadedCase, load_case, unknown_facts
from avtalsgen.render import Metadata, render_document

#: The documents a case can produce, in packet order, with their title in Swedish.
DOCUMENTS: dict[str, str] = {
    "beslutsforslag": "Beslutsförslag",
    "samarbetsavtal": "Samarbetsavtal",
}


@dataclass(frozen=True)
class BuildResult:
    """What a build of one case wrote."""

    dnr: str
    outputs: tuple[Path, ...]


def metadata(document: str, context: Context) -> Metadata:
    """The document properties of one of a case's documents."""
    arende = context.arende
    return Metadata(
        title=f"{DOCUMENTS[document]} {arende.dnr} – {arende.titel}",
        subject=f"{DOCUMENTS[document]}, Dnr {arende.dnr}, {arende.namnd}",
        keywords=f"{arende.dnr}, basfinansiering, {arende.aktor.namn}, {context.program.namn}",
        created=arende.datum,
    )


def build_case(
    case_path: Path,
    output_root: Path,
    templates: Path,
    converter: Converter,
    only: Sequence[str] = tuple(DOCUMENTS),
    strict: bool = False,
) -> BuildResult:
    """Build the documents of one case into ``output_root/<Dnr>/``.

    With ``strict``, facts left unknown (null) in the case or program are errors.

    Everything is first made in a staging folder beside the final one and moved into place
    only when every document has converted and passed its checks, so a failed build leaves
    no partial file under a final name.
    """
    # 1. Load and validate the case and its program (every problem at once).
    case: LoadedCase = load_case(case_path)
    if strict and (unknown := unknown_facts(case)):
        raise CaseError(unknown)
    context = build_context(case)
    output_root = output_root.resolve()
    target = output_root / case.arende.dnr
    try:
        output_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{case.arende.dnr}.", dir=output_root))
    except OSError as exc:
        raise OutputError(
            f"{output_root}: cannot create the output folder: {exc.strerror}"
        ) from None
    try:
        # 2. Render each Word document from its template.
        docx_files = []
        for document in only:
            data = render_document(
                templates / f"{document}.docx", context, metadata(document, context)
            )
            path = staging / f"{document}.docx"
            path.write_bytes(data)
            docx_files.append(path)
        # 3. Convert them all to PDF/A-2b in one LibreOffice run; each output is checked.
        pdf_files = converter.convert(docx_files, staging)
        # 4. Read the PDFs back: the facts must agree in every document.
        check_facts(case.arende, {pdf.stem: pdf for pdf in pdf_files})
        # 5. Move the finished files into place.
        target.mkdir(parents=True, exist_ok=True)
        outputs = []
        for path in [*docx_files, *pdf_files]:
            final = target / path.name
            path.replace(final)
            outputs.append(final)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the outputs: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(dnr=case.arende.dnr, outputs=tuple(outputs))
