"""The avtalsgen command line: parses options, calls the library, maps errors to exit codes.

Exit codes: 0 success; 1 a failure the user can fix (bad case file, conversion, template);
2 wrong command-line usage; 130 interrupted.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer

from avtalsgen import __version__, i18n
from avtalsgen.documents.kinds import DOCUMENTS
from avtalsgen.errors import AvtalsgenError, CaseError
from avtalsgen.i18n import _

app = typer.Typer(
    help="Region Norrbotten's decision documents from typed case files.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
templates_app = typer.Typer(help="Work with the Word templates.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")

_state = {"verbose": False}

CasePaths = Annotated[
    list[Path], typer.Argument(help="Case files, or folders whose *.yaml files are cases.")
]
Strict = Annotated[
    bool,
    typer.Option("--strict", help="Fail on facts left unknown (null) in the case or program."),
]
TemplatesDir = Annotated[
    Path, typer.Option("--templates", help="Folder holding the Word templates.")
]


def _fail(exc: BaseException) -> None:
    """Report an error the way the user should see it, then exit with its code."""
    if isinstance(exc, AvtalsgenError):
        if _state["verbose"]:
            traceback.print_exception(exc)
        typer.echo(exc.message, err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        raise typer.Exit(130)
    raise exc


def _tell(message: str) -> None:
    """Show a message on stderr (e.g. that the command waits for another one)."""
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"avtalsgen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks of errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_("Language of messages: sv or en (default: from LC_ALL, LC_MESSAGES, LANG)."),
        ),
    ] = None,
) -> None:
    """Region Norrbotten's decision documents from typed case files."""
    _state["verbose"] = verbose
    if lang is not None:
        if lang not in i18n.LANGUAGES:
            raise typer.BadParameter(
                _("choose sv or en, not {value}").format(value=lang), param_hint="--lang"
            )
        i18n.set_language(lang)


def _shown(path: Path) -> Path:
    """A path relative to the working directory where it lies below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def case_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the case files directly inside them; a folder without any is an
    error (exit 1), most likely the wrong folder."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.is_file())
            if not found:
                typer.echo(f"{path}: no case files (*.yaml) in this folder", err=True)
                raise typer.Exit(1)
            files.extend(found)
        else:
            files.append(path)
    return files


@app.command()
def check(paths: CasePaths, strict: Strict = False) -> None:
    """Validate case files and their programs; needs no LibreOffice."""
    from avtalsgen.input.load import load_case, unknown_facts

    failed = 0
    files = case_files(paths)
    for path in files:
        try:
            case = load_case(path)
            if strict and (unknown := unknown_facts(case)):
                raise CaseError(unknown)
        except CaseError as exc:
            failed += 1
            typer.echo(exc.message, err=True)
            continue
        typer.echo(f"ok  {path}  {case.arende.dnr}  {case.arende.aktor.namn}")
    if failed:
        typer.echo(f"{failed} of {len(files)} case files have problems", err=True)
        raise typer.Exit(1)


@app.command()
def build(
    paths: CasePaths,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help=f"Build only these documents: {', '.join(DOCUMENTS)}."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", help="Output folder.")] = Path("output"),
    templates: TemplatesDir = Path("templates"),
    strict: Strict = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="LibreOffice workers (default: cores).")
    ] = os.cpu_count() or 1,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild cases whose inputs are unchanged.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds LibreOffice may take a document.")
    ] = 60.0,
) -> None:
    """Build each case's documents into OUTPUT/<Dnr>/ (Word and PDF/A-2b).

    After conversion every PDF is read back: the Dnr, the actor, the amounts, the period
    and the funding source must agree in every document, or nothing is written. Cases whose
    inputs are unchanged since their last build are skipped (--force rebuilds them). With a
    folder or several cases, a failing case does not stop the others, and
    OUTPUT/batch-report.json records every case.
    """
    from avtalsgen.build import interrupts
    from avtalsgen.build.batch import build_cases
    from avtalsgen.build.outcome import Status
    from avtalsgen.build.progress import BatchDisplay
    from avtalsgen.build.workspace import Workspace

    documents = only or list(DOCUMENTS)
    unknown = [name for name in documents if name not in DOCUMENTS]
    if unknown:
        raise typer.BadParameter(
            f"unknown document {', '.join(unknown)}; choose from {', '.join(DOCUMENTS)}",
            param_hint="--only",
        )
    files = case_files(paths)
    batch = len(files) > 1 or any(path.is_dir() for path in paths)
    display = BatchDisplay(len(files), shown=_shown, verbose=_state["verbose"])
    try:
        # Ctrl-C and SIGTERM (a kill) stop the build cleanly: no soffice or staging left.
        with interrupts.handled(), display:
            outcomes = build_cases(
                files,
                output,
                templates,
                documents=documents,
                jobs=jobs,
                force=force,
                strict=strict,
                doc_timeout=timeout,
                on_outcome=display.update,
                on_wait=_tell,
                report=batch,
            )
    except (AvtalsgenError, KeyboardInterrupt) as exc:
        _fail(exc)
        return
    if batch:
        display.summary(outcomes)
        typer.echo(f"report: {_shown(Workspace(output.resolve()).batch_report)}")
    if any(outcome.status == Status.FAILED for outcome in outcomes):
        raise typer.Exit(1)


@app.command()
def explain(case_path: Annotated[Path, typer.Argument(help="A case file.")]) -> None:
    """List the agreement's clauses in order, which went in and why; strategies; schedule."""
    from avtalsgen.documents import format as fmt
    from avtalsgen.input.load import load_case
    from avtalsgen.model.agreement import agreement_date, choose_clauses, payment_schedule, strategy

    try:
        case = load_case(case_path)
    except CaseError as exc:
        _fail(exc)
        return
    arende, program = case.arende, case.program
    typer.echo(f"{arende.dnr}  samarbetsavtal: {program.avtal.rubrik}")
    number = 0
    for val in choose_clauses(arende, program):
        number += val.med
        shown = f"{number:>3}" if val.med else "  -"
        typer.echo(f"{shown}  {val.id:<22} {val.rubrik:<30} {val.skal}")
    on = agreement_date(arende)
    source = "the agreement's date" if arende.avtal.datum else "the period's start"
    typer.echo(f"strategies in force on {on} ({source}):")
    for kortnamn in ("S3", "RUS"):
        typer.echo(f"  {kortnamn}: {strategy(program, kortnamn, on).namn}")
    typer.echo("payment schedule:")
    for year in payment_schedule(arende):
        period = fmt.intervall(year.start, year.slut)
        typer.echo(f"  avtalsår {year.nummer}  {period}  {year.manader:>2} months  "
                   f"{fmt.kr(year.belopp)}")  # fmt: skip


#: Environment variables that hold a PKCS#12 passphrase or a PKCS#11 PIN (never argv).
PASSPHRASE_ENV = "AVTALSGEN_P12_PASSPHRASE"
PIN_ENV = "AVTALSGEN_PKCS11_PIN"
#: Who signs each field by default: the role shown in the signature's appearance.
DEFAULT_ROLES = {"region": "Regional utvecklingsdirektör", "aktor": "Firmatecknare"}


def _secret(variable: str, prompt: str) -> str:
    """A secret from an environment variable, else a hidden prompt (never the command line)."""
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise typer.BadParameter(f"set {variable} or run in a terminal to be asked for it")
    return str(typer.prompt(prompt, hide_input=True))


@app.command()
def sign(
    packet: Annotated[Path, typer.Argument(help="The packet (paket.pdf) to sign in place.")],
    field: Annotated[str, typer.Option("--field", help="The signature field: region, aktor.")],
    p12: Annotated[
        Path | None,
        typer.Option("--p12", help=f"PKCS#12 key file; passphrase from {PASSPHRASE_ENV}."),
    ] = None,
    pkcs11_lib: Annotated[
        Path | None, typer.Option("--pkcs11-lib", help=f"PKCS#11 module; PIN from {PIN_ENV}.")
    ] = None,
    token: Annotated[str | None, typer.Option("--token", help="PKCS#11 token label.")] = None,
    key: Annotated[str | None, typer.Option("--key", help="PKCS#11 key label.")] = None,
    tsa: Annotated[
        str | None, typer.Option("--tsa", help="Timestamp server URL (makes PAdES B-T).")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="The signer's role shown with the signature.")
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="A trusted CA certificate for the report; repeatable."),
    ] = None,
) -> None:
    """Sign one signature field of a packet (PAdES), as an incremental update.

    Without --p12 or --pkcs11-lib a DEMO key is used (a demo PKI is made on first use);
    verify says so. Passphrases and PINs come from the environment or a prompt, never
    from the command line.
    """
    from avtalsgen.build import interrupts
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.signing.pki import default_demo_pki_dir, ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.sign import KeySource, Pkcs11Key, Pkcs12Key, sign_packet
    from avtalsgen.signing.verify import format_report, verify_packet

    if p12 is not None and pkcs11_lib is not None:
        raise typer.BadParameter("give --p12 or --pkcs11-lib, not both")
    if pkcs11_lib is not None and (token is None or key is None):
        raise typer.BadParameter("--pkcs11-lib needs --token and --key")
    try:
        source: KeySource
        roots = list(trust or [])
        if (default_demo_pki_dir() / "root.pem").is_file():
            roots.append(default_demo_pki_dir() / "root.pem")
        if p12 is not None:
            source = Pkcs12Key(p12, _secret(PASSPHRASE_ENV, "PKCS#12 passphrase").encode())
        elif pkcs11_lib is not None and token is not None and key is not None:
            source = Pkcs11Key(pkcs11_lib, token, key, _secret(PIN_ENV, "PIN"))
        else:
            pki = ensure_demo_pki()
            signer = ensure_demo_signer(pki, DEFAULT_ROLES.get(field, field))
            source = Pkcs12Key(signer.pkcs12, signer.passphrase)
            roots.append(pki.root_cert)
        workspace = Workspace.of_case_file(packet)
        with interrupts.handled(), workspace.session("sign", on_wait=_tell) as run:
            result = sign_packet(
                packet, packet, field, source, role=role or DEFAULT_ROLES.get(field, field),
                timestamp_url=tsa, overwrite=True, scratch=run.staging,
            )  # fmt: skip
            report = verify_packet(packet, roots, require_all_fields=False)
            update_signatures(packet, report, scratch=run.staging)
    except (AvtalsgenError, KeyboardInterrupt) as exc:
        _fail(exc)
        return
    typer.echo(f"signed {result.field} of {_shown(packet)} as {result.signer} "
               f"({result.pades_level}, {result.signing_time.isoformat()})")  # fmt: skip
    typer.echo(format_report(report))
    # Signing succeeded when the new signature is intact and covers the whole file; whether
    # its certificate is trusted is for `avtalsgen verify --trust` to judge.
    new = report.signatures[-1] if report.signatures else None
    if new is None or not (new.intact and new.covers_whole_file) or report.pdfa_problems:
        raise typer.Exit(1)


@app.command()
def verify(
    packet: Annotated[Path, typer.Argument(help="A packet (PDF) to verify.")],
    trust: Annotated[
        list[Path] | None,
        typer.Option("--trust", help="A trusted CA certificate (PEM/DER); repeatable."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Also trust the local DEMO root.")
    ] = True,
) -> None:
    """Verify every signature of a packet and its PDF/A structure; exit 0 only if all hold.

    For each signature: signer, time, field, integrity, coverage (the last must cover the
    whole file), changes made after it, PAdES level and trust.
    """
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.verify import format_report, verify_packet

    roots = list(trust or [])
    demo_root = default_demo_pki_dir() / "root.pem"
    if demo and demo_root.is_file():
        roots.append(demo_root)
    try:
        report = verify_packet(packet, roots)
    except (AvtalsgenError, KeyboardInterrupt) as exc:
        _fail(exc)
        return
    typer.echo(format_report(report))
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(help="arende, program or sammantrade; all three when left out."),
    ] = None,
) -> None:
    """Print the JSON Schema of case (arende), program and meeting (sammantrade) files."""
    from avtalsgen.model import Arende, Program
    from avtalsgen.model.meeting import Sammantrade
    from avtalsgen.model.schema import json_schema

    schemas: dict[str, Any] = {
        "arende": json_schema(Arende),
        "program": json_schema(Program),
        "sammantrade": json_schema(Sammantrade),
    }
    if kind is not None and kind not in schemas:
        raise typer.BadParameter("choose arende, program or sammantrade", param_hint="KIND")
    document = schemas[kind] if kind else schemas
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@app.command()
def utdrag(
    meeting: Annotated[Path, typer.Argument(help="A meeting (sammanträde) file.")],
    paragraf: Annotated[
        int | None,
        typer.Option("--paragraf", help="Build the extract of this § only (even if secret)."),
    ] = None,
    output: Annotated[Path, typer.Option("--output", help="Output folder.")] = Path("output"),
    templates: TemplatesDir = Path("templates"),
) -> None:
    """Build a certified extract (protokollsutdrag) per decided § into OUTPUT/<Dnr>/.

    An extract that exists is never replaced: if its facts changed, a new version
    (-v2, -v3, ...) is written with a note of what changed.
    """
    from rich.console import Console
    from rich.table import Table

    from avtalsgen.build import interrupts
    from avtalsgen.conversion.convert import LibreOfficeConverter
    from avtalsgen.meetings.extract import build_extracts

    try:
        # Ctrl-C and SIGTERM stop it cleanly, as a build: no soffice or staging left.
        with interrupts.handled():
            results = build_extracts(
                meeting, output, templates, LibreOfficeConverter(), paragraf, on_wait=_tell
            )
    except (AvtalsgenError, KeyboardInterrupt) as exc:
        _fail(exc)
        return
    table = Table("§", "Dnr", "status", "version", "files", title=f"Protokollsutdrag: {meeting}")
    for result in results:
        files = ", ".join(str(_shown(path)) for path in result.files)
        version = str(result.version) if result.version else "–"
        table.add_row(str(result.paragraf), result.dnr, str(result.status), version, files)
    console = Console(width=140)
    console.print(table)
    for result in results:
        if not result.written:
            console.print(result.note)


@templates_app.command("check")
def templates_check(templates: TemplatesDir = Path("templates")) -> None:
    """List every variable a template uses that the models do not provide; fail on any."""
    from avtalsgen.documents.templatecheck import TEMPLATES, check_template

    problems = 0
    for document, context in TEMPLATES.items():
        path = templates / f"{document}.docx"
        if not path.is_file():
            typer.echo(f"{path}: template not found", err=True)
            problems += 1
            continue
        findings = check_template(path, context)
        for finding in findings:
            typer.echo(f"{path}: {finding}", err=True)
        problems += len(findings)
        if not findings:
            typer.echo(f"ok  {path}")
    if problems:
        raise typer.Exit(1)


#: New objects between two collections of the youngest generation (see :func:`run`).
GC_YOUNG = 10_000


def run() -> None:
    """The ``avtalsgen`` command: the CLI, then a quick end of the process.

    At its end Python looks through every object the run made for reference cycles, more
    than once: about 0.1 s after a build, an eighth of a single case's. Everything avtalsgen
    writes is closed by then (and exit handlers still run), so the objects are left to the
    operating system instead (:func:`gc.freeze`).

    While it runs, the youngest generation is collected every :data:`GC_YOUNG` new container
    objects instead of Python's 700. A batch makes and drops millions of objects (XML
    elements, PDF objects), and with 700 the collector ran some 260 times in a build of 50
    cases, twice through every object the libraries hold: 0.26 s of CPU on average over 6
    builds, against 0.12 s with this (and 10 MB more at the peak of the Python process).
    """
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
