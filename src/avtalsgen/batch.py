"""Build many cases at once: load and render every case, convert all documents with a pool
of LibreOffice workers, then check and place each case as soon as its PDFs are in.

A failing case does not stop the others. A case whose inputs (case, program, templates,
tool versions) are unchanged since its last build is skipped as up to date.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from avtalsgen import __version__
from avtalsgen.context import Context, build_context
from avtalsgen.documents import metadata
from avtalsgen.errors import AvtalsgenError, CaseError
from avtalsgen.factcheck import check_facts
from avtalsgen.load import LoadedCase, load_case, unknown_facts
from avtalsgen.manifest import write_manifest
from avtalsgen.packet import (
    Attachment,
    build_packet,
    latest_extract,
    packet_path,
    packet_wanted,
    resolve_attachments,
)
from avtalsgen.pool import Done, Job, pool
from avtalsgen.render import render_document

#: The name of the file in output/<Dnr>/ that records what a build was made from.
STAMP = ".avtalsgen-build.json"
#: What a build makes; a change here makes every earlier build out of date.
STAMP_FORMAT = "2: documents, packet (paket.pdf), manifest.json"
#: The name of the batch report in the output folder.
REPORT = "batch-report.json"


class Status:
    """What happened to a case."""

    BUILT = "built"
    UP_TO_DATE = "up to date"
    FAILED = "failed"


@dataclass
class CaseOutcome:
    """One case of a batch: its status, time, outputs, or the error that stopped it."""

    case: Path
    dnr: str | None = None
    status: str = Status.FAILED
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    exception: BaseException | None = field(default=None, repr=False)
    """The error's exception, for --verbose; never written to the report."""

    def to_json(self) -> dict[str, object]:
        """The outcome as written to the batch report."""
        return {
            "case": str(self.case),
            "dnr": self.dnr,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "outputs": [str(path) for path in self.outputs],
            "error": self.error,
        }


@dataclass
class _Pending:
    outcome: CaseOutcome
    case: LoadedCase
    context: Context
    stamp: str
    staging: Path
    documents: list[str]
    templates: Path
    inputs: dict[str, Path]
    attachments: list[Attachment]
    pdfs: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _tool_identity() -> str:
    """Versions of the tools that shape the output (LibreOffice by its installed binary)."""
    parts = [f"avtalsgen {__version__}"]
    for package in ("docxtpl", "python-docx", "jinja2", "babel"):
        parts.append(f"{package} {importlib.metadata.version(package)}")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        binary = Path(soffice).resolve().parent / "soffice.bin"
        target = binary if binary.exists() else Path(soffice).resolve()
        info = target.stat()
        parts.append(f"{target} {info.st_size} {int(info.st_mtime)}")
    return "\n".join(parts)


def case_inputs(
    case: LoadedCase, templates: Path, documents: Sequence[str], attachments: Sequence[Attachment]
) -> dict[str, Path]:
    """Every file a case's documents and packet are made from, by role."""
    inputs = {"case": case.path, "program": case.program_path}
    inputs |= {f"template {d}": templates / f"{d}.docx" for d in documents}
    inputs |= {f"bilaga {n}": item.path for n, item in enumerate(attachments, 1)}
    return inputs


def input_stamp(inputs: dict[str, Path], documents: Sequence[str], tools: str) -> str:
    """A SHA-256 over everything a case's documents are made from."""
    digest = hashlib.sha256(STAMP_FORMAT.encode())
    for path in inputs.values():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(tools.encode())
    digest.update(",".join(documents).encode())
    return digest.hexdigest()


def _up_to_date(folder: Path, stamp: str) -> list[Path] | None:
    """The outputs of the last build if it was made from the same inputs, else None."""
    try:
        record = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != stamp:
        return None
    outputs = [folder / name for name in record.get("outputs", [])]
    return outputs if outputs and all(path.is_file() for path in outputs) else None


def _write_json(path: Path, data: object) -> None:
    """Write JSON under a temporary name, then rename it into place."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    _public(Path(temp))
    Path(temp).replace(path)


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _public(path: Path) -> None:
    """Give a file made under a private temporary name the usual permissions (umask)."""
    path.chmod(0o666 & ~_UMASK)


def build_cases(
    case_paths: Sequence[Path],
    output_root: Path,
    templates: Path,
    *,
    documents: Sequence[str],
    jobs: int,
    force: bool = False,
    strict: bool = False,
    doc_timeout: float = 60.0,
    on_outcome: Callable[[CaseOutcome], None] | None = None,
) -> list[CaseOutcome]:
    """Build every case into ``output_root/<Dnr>/``; one outcome per case, in input order."""
    started = time.monotonic()
    output_root = output_root.resolve()
    output_root.mkdir(parents=True, exist_ok=True)
    with _exclusive(output_root):
        _remove_stale_staging(output_root)
        return _build_cases(
            case_paths, output_root, templates, documents, jobs, force, strict, doc_timeout,
            on_outcome, started,
        )  # fmt: skip


@contextlib.contextmanager
def _exclusive(output_root: Path) -> Iterator[None]:
    """Lock the output folder itself (no lock file): one build at a time writes into it."""
    handle = os.open(output_root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AvtalsgenError(
                f"{output_root}: another avtalsgen build is writing here; wait for it to end"
            ) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _remove_stale_staging(output_root: Path) -> None:
    """Remove staging folders that a killed build left (none is in use: we hold the lock)."""
    for stale in output_root.glob(".RUN-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _build_cases(
    case_paths: Sequence[Path],
    output_root: Path,
    templates: Path,
    documents: Sequence[str],
    jobs: int,
    force: bool,
    strict: bool,
    doc_timeout: float,
    on_outcome: Callable[[CaseOutcome], None] | None,
    started: float,
) -> list[CaseOutcome]:
    tools = _tool_identity()
    outcomes = [CaseOutcome(case=path) for path in case_paths]
    pending: dict[str, _Pending] = {}

    def settle(outcome: CaseOutcome) -> None:
        outcome.seconds = time.monotonic() - started
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        # 1. Load every case and skip those that are up to date.
        for outcome in outcomes:
            item = _load(outcome, output_root, templates, documents, tools, force, strict)
            if item is None:
                settle(outcome)
            elif item.case.arende.dnr in pending:
                shutil.rmtree(item.staging, ignore_errors=True)
                other = pending[item.case.arende.dnr].outcome.case
                outcome.error = f"{outcome.case}: dnr: {outcome.dnr} is also the Dnr of {other}"
                settle(outcome)
            else:
                pending[item.case.arende.dnr] = item
        work = [
            Job(dnr, item.staging / f"{document}.docx", item.staging)
            for dnr, item in pending.items()
            for document in item.documents
        ]
        if not work:
            return outcomes

        def on_done(done: Done) -> None:
            item = pending[done.job.key]
            if done.pdf is not None:
                item.pdfs[done.pdf.stem] = done.pdf
            else:
                item.errors.append(done.error or "conversion failed")
            if len(item.pdfs) + len(item.errors) == len(item.documents):
                _finish(item, output_root)
                settle(item.outcome)

        with pool(jobs, doc_timeout=doc_timeout) as engine:
            # 2. Start LibreOffice at once; render each document while it starts up, in the
            #    order it will open them, so rendering and conversion overlap.
            for job in engine.start(work):
                item = pending[job.key]
                if item.outcome.error is None:
                    _render(item, job)
                if item.outcome.error is not None:
                    engine.cancel(job)
            for item in pending.values():
                if item.outcome.error is not None:
                    settle(item.outcome)
            # 3. Check and place each case as soon as its PDFs are in.
            engine.wait(on_done)
    finally:
        # Whatever happened (Ctrl-C included), no staging folder outlives the run.
        for item in pending.values():
            shutil.rmtree(item.staging, ignore_errors=True)
    return outcomes


def _load(
    outcome: CaseOutcome,
    output_root: Path,
    templates: Path,
    documents: Sequence[str],
    tools: str,
    force: bool,
    strict: bool,
) -> _Pending | None:
    """Load one case; None when it failed or is up to date (its outcome then says so)."""
    try:
        case = load_case(outcome.case)
        outcome.dnr = case.arende.dnr
        if strict and (unknown := unknown_facts(case)):
            raise CaseError(unknown)
        context = build_context(case)
        bilagor = [(item.titel, item.fil) for item in case.arende.bilagor]
        attachments = resolve_attachments(case.path, bilagor)
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return None
    folder = output_root / case.arende.dnr
    inputs = case_inputs(case, templates, documents, attachments)
    if packet_wanted(documents) and (extract := latest_extract(folder)) is not None:
        inputs["protokollsutdrag"] = extract
    stamp = input_stamp(inputs, documents, tools)
    if not force and (outputs := _up_to_date(folder, stamp)) is not None:
        outcome.status, outcome.outputs = Status.UP_TO_DATE, outputs
        return None
    staging = Path(tempfile.mkdtemp(prefix=f".{case.arende.dnr}.", dir=output_root))
    return _Pending(
        outcome, case, context, stamp, staging, list(documents), templates, inputs, attachments
    )


def _render(item: _Pending, job: Job) -> None:
    """Render one document of a case into its staging folder, under its final name at once."""
    document = job.docx.stem
    try:
        data = render_document(
            item.templates / f"{document}.docx",
            item.context,
            metadata(document, item.context),
        )
        temporary = job.docx.with_name(f".{job.docx.name}")
        temporary.write_bytes(data)
        temporary.replace(job.docx)  # soffice must never see half a file
    except AvtalsgenError as exc:
        item.outcome.error, item.outcome.exception = exc.message, exc
    except OSError as exc:
        item.outcome.error = f"cannot write {job.docx.name}: {exc}"


def _finish(item: _Pending, output_root: Path) -> None:
    """Check a converted case and move its files into place (or record why not)."""
    outcome = item.outcome
    try:
        if item.errors:
            raise AvtalsgenError("\n".join(item.errors))
        check_facts(item.case.arende, item.pdfs)
        folder = output_root / item.case.arende.dnr
        made = [
            item.staging / f"{d}{suffix}" for d in item.documents for suffix in (".docx", ".pdf")
        ]
        packet = None
        if packet_wanted(item.documents):
            final = packet_path(folder)  # a signed packet is kept: this may be a new version
            packet = build_packet(
                item.context, folder, item.pdfs, item.attachments, item.staging / final.name
            )
            made.append(packet.path)
        # Everything is made and checked: move it into place.
        folder.mkdir(parents=True, exist_ok=True)
        placed = []
        for path in made:
            path.replace(folder / path.name)
            _public(folder / path.name)
            placed.append(folder / path.name)
        fields = packet.fields if packet is not None else ()
        placed_packet = folder / packet.path.name if packet is not None else None
        placed.append(write_manifest(folder, item.inputs, placed, placed_packet, fields))
        _write_json(
            folder / STAMP,
            {"inputs": item.stamp, "outputs": [path.name for path in placed]},
        )
    except AvtalsgenError as exc:
        outcome.error, outcome.exception = exc.message, exc
        return
    except OSError as exc:
        outcome.error = f"cannot write the outputs: {exc}"
        return
    finally:
        shutil.rmtree(item.staging, ignore_errors=True)
    outcome.status, outcome.outputs = Status.BUILT, placed


def write_report(output_root: Path, outcomes: Sequence[CaseOutcome], jobs: int) -> Path:
    """Write ``output_root/batch-report.json`` and return its path."""
    path = output_root.resolve() / REPORT
    counts = {status: 0 for status in (Status.BUILT, Status.UP_TO_DATE, Status.FAILED)}
    for outcome in outcomes:
        counts[outcome.status] += 1
    _write_json(path, {"jobs": jobs, "summary": counts, "cases": [o.to_json() for o in outcomes]})
    return path
