"""The avtalsgen command line: parses options, calls the library, maps errors to exit codes.

Exit codes: 0 success; 1 a failure the user can fix (bad case file, conversion, template);
2 wrong command-line usage; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer._click import Context as ClickContext  # the click that typer (< 0.29) vendors

from avtalsgen import __version__, i18n
from avtalsgen.cli import clicktexts
from avtalsgen.cli.converter import converter_app
from avtalsgen.cli.pades import CrlOption, TsaOption
from avtalsgen.documents.kinds import DOCUMENTS
from avtalsgen.documents.templates import find_templates
from avtalsgen.errors import AvtalsgenError, CaseError
from avtalsgen.i18n import _, join_words, ngettext
from avtalsgen.signing.levels import LEVELS

# typer's and click's own texts (Usage, Options, Missing argument, ...) in the language of
# the messages; the help texts below are translated as the command line is defined.
clicktexts.install()


#: The options of the command line as a whole, taken after a command's name too.
GLOBAL_FLAGS = ("--verbose", "-v")
GLOBAL_VALUED = ("--lang",)


def global_options_first(args: list[str]) -> list[str]:
    """``args`` with the options of the whole command line (:data:`GLOBAL_FLAGS`,
    :data:`GLOBAL_VALUED` and their values) moved to the front, so that ``avtalsgen build
    cases/ --verbose`` means ``avtalsgen --verbose build cases/``. Nothing after ``--`` moves."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        argument = args[index]
        if argument == "--":
            rest += args[index:]
            break
        if argument in GLOBAL_FLAGS or argument.startswith(tuple(f"{o}=" for o in GLOBAL_VALUED)):
            front.append(argument)
        elif argument in GLOBAL_VALUED and index + 1 < len(args):
            front += args[index : index + 2]
            index += 1
        else:
            rest.append(argument)
        index += 1
    return front + rest


class _Commands(clicktexts.Commands):
    """avtalsgen's commands: the options of the whole command line may follow a command."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = global_options_first(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: ClickContext) -> Any:
        """Run the command: the one place where avtalsgen's errors and an interrupt become
        a message and an exit code (:func:`_fail`), for every command."""
        try:
            return super().invoke(ctx)
        except (AvtalsgenError, KeyboardInterrupt) as exc:
            _fail(exc)


app = typer.Typer(
    cls=_Commands,
    help=_("Region Norrbotten's decision documents from case files."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    suggest_commands=False,  # Commands suggests in the user's language
)
templates_app = typer.Typer(
    help=_("Work with the Word templates."), no_args_is_help=True, cls=clicktexts.Commands
)
app.add_typer(templates_app, name="templates")
app.add_typer(converter_app, name="converter")

_state = {"verbose": False}
_Result = TypeVar("_Result")

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


def _whole_number(text: str | int) -> int:
    """A whole number of 1 or more from the command line (our message, not click's); the
    default comes as a number."""
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise typer.BadParameter(
            _("'{value}' is not a whole number of 1 or more").format(value=text)
        )
    return int(value)


def _seconds(text: str | float) -> float:
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


def _fail(exc: BaseException) -> NoReturn:
    """Report an error the way the user should see it, then exit with its code."""
    if isinstance(exc, AvtalsgenError):
        if _state["verbose"]:
            traceback.print_exception(exc)
        typer.echo(exc.message, err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo(_("interrupted"), err=True)
        raise typer.Exit(INTERRUPTED)
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
        bool, typer.Option("--verbose", "-v", help=_("Show tracebacks of errors."))
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_("Language of messages: sv or en (default: from LC_ALL, LC_MESSAGES, LANG)."),
            metavar="sv|en",
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
        clicktexts.install()


def _shown(path: Path) -> Path:
    """A path relative to the working directory where it lies below it."""
    from avtalsgen.build.workspace import shown

    return shown(path)


def case_files(paths: list[Path]) -> list[Path]:
    """Expand folders into the case files directly inside them; a folder without any is an
    error (exit 1), most likely the wrong folder."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.is_file())
            if not found:
                typer.echo(
                    _("{path}: no case files (*.yaml) in this folder").format(path=path), err=True
                )
                raise typer.Exit(1)
            files.extend(found)
        else:
            files.append(path)
    return files


@app.command(help=_("Validate case files and their programs; needs no LibreOffice."))
def check(paths: CasePaths, strict: Strict = False) -> None:
    """Validate case files and their programs, and the meeting files' decisions on them;
    needs no LibreOffice."""
    from avtalsgen.input.duplicates import same_dnr_problem
    from avtalsgen.input.load import load_case, unknown_facts
    from avtalsgen.meetings.decisions import case_history
    from avtalsgen.meetings.justering import is_meeting_file

    failed = meetings = 0
    files = case_files(paths)
    first_of_dnr: dict[str, int] = {}  # as a build: the first named keeps the Dnr
    for index, path in enumerate(files):
        try:
            if is_meeting_file(path):  # checked as one, with the cases it decides
                meetings += 1
                typer.echo(_check_meeting(path))
                continue
            case = load_case(path)
            history = case_history(case.path, case.arende, case.program)
            if history.problems:
                raise CaseError(list(history.problems))
            if strict and (unknown := unknown_facts(case, history)):
                raise CaseError(unknown)
            first = first_of_dnr.setdefault(case.arende.dnr, index)
            if first != index:
                raise CaseError([same_dnr_problem(path, case.arende.dnr, files[first])])
        except CaseError as exc:
            failed += 1
            typer.echo(exc.message, err=True)
            continue
        typer.echo(f"ok  {path}  {case.arende.dnr}  {case.arende.aktor.namn}")
    if failed:
        message = ngettext(
            "{failed} of {count} case file has problems",
            "{failed} of {count} case files have problems",
            len(files),
        )
        if meetings:
            message = ngettext(
                "{failed} of {count} file (case and meeting files) has problems",
                "{failed} of {count} files (case and meeting files) have problems",
                len(files),
            )
        typer.echo(message.format(failed=failed, count=len(files)), err=True)
        raise typer.Exit(1)


def _check_meeting(path: Path) -> str:
    """Check the meeting file ``path`` and the cases it decides: its line for ``check``.

    Raises :class:`CaseError` with every problem found.
    """
    from avtalsgen.meetings.justering import load_meeting

    meeting = load_meeting(path).sammantrade
    count = len(meeting.paragrafer)
    return ngettext(
        "ok  {path}  meeting file: {committee} {date}, {count} paragraph",
        "ok  {path}  meeting file: {committee} {date}, {count} paragraphs",
        count,
    ).format(path=path, committee=meeting.namnd, date=meeting.datum, count=count)


@app.command(
    help=_(
        "Build each case's documents into OUTPUT/<Dnr>/ (Word and PDF/A-2b).\n\n"
        "After conversion every PDF is read back: the Dnr, the actor, the amounts, the period "
        "and the funding source must agree in every document, or nothing is written. Cases "
        "whose inputs are unchanged since their last build are skipped (--force rebuilds "
        "them). With a folder or several cases, a failing case does not stop the others, and "
        "OUTPUT/batch-report.json records every case."
    )
)
def build(
    paths: CasePaths,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help=_("Build only these documents: {names}.").format(names=", ".join(DOCUMENTS)),
            metavar=_("DOCUMENT"),
        ),
    ] = None,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
    strict: Strict = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            parser=_whole_number,
            metavar="N",
            help=_("LibreOffice workers (default: cores)."),
        ),
    ] = os.cpu_count() or 1,
    force: Annotated[
        bool, typer.Option("--force", help=_("Rebuild cases whose inputs are unchanged."))
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            parser=_seconds,
            metavar=_("SECONDS"),
            help=_("Seconds LibreOffice may take a document."),
        ),
    ] = 60.0,
) -> None:
    """Build each case's documents into OUTPUT/<Dnr>/ (Word and PDF/A-2b)."""
    from avtalsgen.build import interrupts
    from avtalsgen.build.batch import BuildOptions, build_cases
    from avtalsgen.build.outcome import Status
    from avtalsgen.build.progress import BatchDisplay
    from avtalsgen.build.workspace import Workspace

    documents = only or list(DOCUMENTS)
    unknown = [name for name in documents if name not in DOCUMENTS]
    if unknown:
        raise typer.BadParameter(
            _("unknown document {names}; choose {choices}").format(
                names=", ".join(unknown), choices=join_words(list(DOCUMENTS), "or")
            ),
            param_hint="--only",
        )
    files = case_files(paths)
    batch = len(files) > 1 or any(path.is_dir() for path in paths)
    display = BatchDisplay(len(files), shown=_shown, verbose=_state["verbose"], notes_below=batch)
    # Ctrl-C and SIGTERM (a kill) stop the build cleanly: no soffice or staging left.
    with interrupts.handled(), display:
        options = BuildOptions(
            templates=templates or find_templates(paths),
            documents=tuple(documents),
            jobs=jobs,
            force=force,
            strict=strict,
            doc_timeout=timeout,
        )
        outcomes = build_cases(
            files, output, options, on_outcome=display.update, on_wait=_tell, report=batch
        )
    if batch:
        display.summary(outcomes)
        report = _shown(Workspace(output.resolve()).batch_report)
        typer.echo(_("report: {path}").format(path=report))
    if any(outcome.status == Status.FAILED for outcome in outcomes):
        raise typer.Exit(1)


@app.command(
    help=_("List the agreement's clauses in order, which went in and why; strategies; schedule.")
)
def explain(
    case_path: Annotated[Path, typer.Argument(help=_("A case file."), metavar=_("CASE_FILE"))],
) -> None:
    """List the agreement's clauses in order, which went in and why; strategies; schedule."""
    from avtalsgen.documents import format as fmt
    from avtalsgen.documents.financing import explain_financing
    from avtalsgen.input.load import load_case
    from avtalsgen.meetings.decisions import case_history
    from avtalsgen.model.agreement import (
        agreement_date,
        agreement_financing,
        choose_clauses,
        strategy,
    )
    from avtalsgen.model.decision import UTFALL_TEXT
    from avtalsgen.model.money import compute_financing

    case = load_case(case_path)
    history = case_history(case.path, case.arende, case.program)
    if history.problems:
        raise CaseError(list(history.problems))
    # The agreement follows the decision: a bifall med ändring's financing, not the proposal's.
    arende, program = history.decided, case.program
    typer.echo(f"{arende.dnr}  samarbetsavtal: {program.avtal.rubrik}")
    decision = history.grant or history.deciding or history.latest
    if decision is None or history.utfall is None:
        typer.echo(_("as proposed: no meeting has decided the case yet (the agreement is a draft)"))
    elif history.grant is not None:
        typer.echo(
            _("as decided: {decision} ({outcome})").format(
                decision=decision.label, outcome=_(UTFALL_TEXT[history.utfall])
            )
        )
    else:
        typer.echo(
            _(
                "no agreement follows: {decision} ({outcome}); below, the agreement as it "
                "was proposed"
            ).format(decision=decision.label, outcome=_(UTFALL_TEXT[history.utfall]))
        )
    for change in history.changes:
        typer.echo(
            _(
                "changed by {decision}: tilläggsavtal nr {number} states the agreement as it "
                "reads after the change; below, the agreement as granted"
            ).format(decision=change.decision.label, number=change.nummer)
        )
    for pending in history.pending:
        typer.echo(
            _("not held yet: {decision}; it is counted from the meeting's day").format(
                decision=pending.label
            )
        )
    number = 0
    for val in choose_clauses(arende, program):
        number += val.med
        shown = f"{number:>3}" if val.med else "  -"
        typer.echo(f"{shown}  {val.id:<22} {val.rubrik:<30} {val.skal}")
    on = agreement_date(arende)
    strategies = (
        _("strategies in force on {date} (the agreement's date):")
        if arende.avtal.datum
        else _("strategies in force on {date} (the period's start):")
    )
    typer.echo(strategies.format(date=on))
    for kortnamn in ("S3", "RUS"):
        typer.echo(f"  {kortnamn}: {strategy(program, kortnamn, on).namn}")
    money = agreement_financing(arende)
    figures = compute_financing(money, program.finansiering)
    # What the agreement's table "Belopp per avtalsår" states; the payments come below.
    typer.echo(_("the region's amount per avtalsår:"))
    for year in figures.avtalsar:
        period = fmt.intervall(year.start, year.slut)
        months = ngettext("{count} month", "{count} months", year.manader)
        months = months.format(count=f"{year.manader:>2}")
        avtalsar = _("avtalsår {number}").format(number=year.nummer)
        typer.echo(f"  {avtalsar}  {period}  {months}  {fmt.kr(year.belopp)}")
    for line in explain_financing(figures):
        typer.echo(line)


def _secret(variable: str, prompt: str) -> str:
    """A secret from an environment variable, else a hidden prompt (never the command line)."""
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise typer.BadParameter(
            _("set {variable} or run in a terminal to be asked for it").format(variable=variable)
        )
    return str(typer.prompt(prompt, hide_input=True))


@app.command(
    help=_(
        "Sign one signature field of a packet or a protocol extract (PAdES), as an incremental "
        "update. An extract's field is utdragsbestyrkande: the secretary's key, or the "
        "region's organisational seal with --role.\n\n"
        "Without --p12 or --pkcs11-lib a DEMO key is used (a demo PKI is made on first use); "
        "verify says so. Passphrases and PINs come from the environment or a prompt, never "
        "from the command line."
    )
)
def sign(
    packet: Annotated[
        Path,
        typer.Argument(
            help=_("The packet (paket.pdf) or protocol extract to sign in place."),
            metavar=_("PACKET"),
        ),
    ],
    field: Annotated[
        str,
        typer.Option(
            "--field",
            help=_("The signature field: region, aktor (packets), utdragsbestyrkande (extracts)."),
            metavar=_("FIELD"),
        ),
    ],
    p12: Annotated[
        Path | None,
        typer.Option(
            "--p12",
            help=_("PKCS#12 key file; passphrase from {variable}.").format(
                variable="AVTALSGEN_P12_PASSPHRASE"
            ),
            metavar=_("FILE"),
        ),
    ] = None,
    pkcs11_lib: Annotated[
        Path | None,
        typer.Option(
            "--pkcs11-lib",
            help=_("PKCS#11 module; PIN from {variable}.").format(variable="AVTALSGEN_PKCS11_PIN"),
            metavar=_("FILE"),
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", help=_("PKCS#11 token label."), metavar=_("LABEL")),
    ] = None,
    key: Annotated[
        str | None, typer.Option("--key", help=_("PKCS#11 key label."), metavar=_("LABEL"))
    ] = None,
    tsa: TsaOption = None,
    crl: CrlOption = None,
    niva: Annotated[
        str | None,
        typer.Option(
            "--niva",
            help=_(
                "PAdES level: B-B; B-T (a time stamp from --tsa); B-LT (and the validation "
                "data of the certificates, fetched from the services they name or taken from "
                "--crl); B-LTA (and a document time stamp over it all). Default: B-T with "
                "--tsa, else B-B. The DEMO key reaches every level offline."
            ),
            metavar=_("LEVEL"),
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role", help=_("The signer's role shown with the signature."), metavar=_("ROLE")
        ),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            help=_("A trusted CA certificate for the report; repeatable."),
            metavar=_("CERTIFICATE"),
        ),
    ] = None,
    ofullstandig: Annotated[
        bool,
        typer.Option(
            "--ofullstandig",
            # Escaped for Rich, which would take "[uppgift saknas]" for markup and drop it.
            help=_(
                "Sign even though the packet still shows unknown facts ([uppgift saknas]); "
                "the manifest records it."
            ).replace("[", "\\["),
        ),
    ] = False,
) -> None:
    """Sign one signature field of a packet or a protocol extract (PAdES)."""
    from avtalsgen.build import interrupts
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.pdf.packet import check_signable
    from avtalsgen.signing.keys import (
        KeyRequest,
        choose_key,
        revocation_sources,
        timestamp_source,
    )
    from avtalsgen.signing.sign import sign_packet
    from avtalsgen.signing.verify import exit_status, format_report, verify_packet

    if p12 is not None and pkcs11_lib is not None:
        raise typer.BadParameter(_("give --p12 or --pkcs11-lib, not both"))
    if pkcs11_lib is not None and (token is None or key is None):
        raise typer.BadParameter(_("--pkcs11-lib needs --token and --key"))
    if niva is not None and niva not in LEVELS:
        raise typer.BadParameter(
            _("{level!r} is not a PAdES level: choose {levels}").format(
                level=niva, levels=", ".join(LEVELS)
            ),
            param_hint="--niva",
        )
    # No agreement to sign where the committee's decision left it out (an avslag).
    check_signable(packet)
    request = KeyRequest(p12=p12, pkcs11_lib=pkcs11_lib, token=token, key_label=key)
    chosen = choose_key(field, request, _secret, role, trust or ())
    workspace = Workspace.of_case_file(packet)
    with interrupts.handled(), workspace.session("sign", on_wait=_tell) as run:
        # A real key refuses a packet that still shows unknown facts, unless told; a
        # DEMO key signs it (the demonstration runs on the seed case) and says so.
        result = sign_packet(
            packet, packet, field, chosen.key, role=chosen.role, timestamp_url=tsa,
            timestamper=timestamp_source(chosen, niva, tsa), level=niva,
            trust_roots=chosen.roots, revocation=revocation_sources(chosen, crl or ()),
            overwrite=True, scratch=run.staging,
            allow_incomplete=ofullstandig or chosen.demo,
        )  # fmt: skip
        report = verify_packet(packet, chosen.roots)
        if result.field != "utdragsbestyrkande":  # the manifest records a packet's
            notes = {}
            if result.incomplete:
                notes[result.field] = {
                    "ofullstandig": True,
                    "uppgift_saknas": result.incomplete,
                }
            update_signatures(packet, report, scratch=run.staging, notes=notes)
    if (newer := _newer_packet(packet)) is not None:
        typer.echo(
            _(
                "warning: {newer} is a newer version of this packet, built since from changed "
                "inputs; {packet} was signed as asked"
            ).format(newer=_shown(newer), packet=_shown(packet)),
            err=True,
        )
    if result.incomplete:
        from avtalsgen.pdf.unknown import placeholder_count

        count = sum(placeholder_count(fact) for fact in result.incomplete)
        typer.echo(
            ngettext(
                "warning: signed although the packet still shows {count} unknown fact "
                "([uppgift saknas]); the manifest records it:",
                "warning: signed although the packet still shows {count} unknown facts "
                "([uppgift saknas]); the manifest records it:",
                count,
            ).format(count=count),
            err=True,
        )
        for fact in result.incomplete:
            typer.echo(f"  - {fact}", err=True)
    typer.echo(
        _("signed {field} of {packet} as {signer} ({level}, {time})").format(
            field=result.field,
            packet=_shown(packet),
            signer=result.signer,
            level=result.pades_level,
            time=i18n.format_time(result.signing_time),
        )
    )
    # The same report and verdict as `avtalsgen verify`, and the same exit status.
    typer.echo(format_report(report))
    raise typer.Exit(exit_status(report.verdict))


def _newer_packet(packet: Path) -> Path | None:
    """The newest packet version beside ``packet`` if it is a newer one (``paket-v2.pdf``
    beside ``paket.pdf``), else None: an older version is signed only with a warning."""
    from avtalsgen.build.workspace import PACKET, CaseFolder, parse_versioned

    parsed = parse_versioned(packet.name)
    if parsed is None or parsed[0] != PACKET:
        return None
    versions = CaseFolder(packet.parent).packet_versions()
    if not versions or versions[-1].name == packet.name:
        return None
    return packet.parent / versions[-1].name


@app.command(
    help=_(
        "Verify every signature of a packet or protocol extract and its PDF/A structure; exit "
        "0 when what is signed holds (with --complete: and every field is signed).\n\n"
        "For each signature: signer, time, field, integrity, coverage (the last must cover the "
        "whole file), changes made after it, PAdES level and trust. A signed protocol extract "
        "embedded in a packet is verified as well."
    )
)
def verify(
    packet: Annotated[
        Path,
        typer.Argument(
            help=_("A packet or protocol extract (PDF) to verify."), metavar=_("PACKET")
        ),
    ],
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            help=_("A trusted CA certificate (PEM/DER); repeatable."),
            metavar=_("CERTIFICATE"),
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help=_("Also trust the local DEMO root."))
    ] = True,
    complete: Annotated[
        bool,
        typer.Option("--complete", help=_("Fail (exit 1) also while fields are still to sign.")),
    ] = False,
) -> None:
    """Verify every signature of a packet or extract and its PDF/A structure."""
    from avtalsgen.pdf.packet import no_agreement
    from avtalsgen.signing.embedded import verify_embedded
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.verify import exit_status, format_report, verify_packet

    roots = list(trust or [])
    demo_root = default_demo_pki_dir() / "root.pem"
    if demo and demo_root.is_file():
        roots.append(demo_root)
    report = verify_packet(packet, roots)
    inside = verify_embedded(packet, roots)
    typer.echo(format_report(report))
    if (reason := no_agreement(packet)) is not None:  # an avslag's packet: why no field
        typer.echo(_("Note: {reason}.").format(reason=reason))
    for embedded in inside:
        typer.echo("")
        typer.echo(_("Embedded signed file {name}:").format(name=embedded.name))
        typer.echo(format_report(embedded.report))
    # One exit status for the packet and what it holds: the worst of their verdicts.
    verdicts = [report.verdict, *(embedded.report.verdict for embedded in inside)]
    raise typer.Exit(max(exit_status(verdict, complete=complete) for verdict in verdicts))


@app.command(
    help=_("Print the JSON Schema of case (arende), program and meeting (sammantrade) files.")
)
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            help=_("arende, program or sammantrade; all three when left out."), metavar=_("KIND")
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of case, program and meeting files."""
    from avtalsgen.model import Arende, Program
    from avtalsgen.model.meeting import Sammantrade
    from avtalsgen.model.prose import placeholder_help
    from avtalsgen.model.schema import json_schema

    # First in each: the placeholders that prose may use, as the message of an unknown one
    # says (JSON Schema ignores keys it does not know).
    placeholders = placeholder_help()
    schemas: dict[str, Any] = {
        kind: {"x-placeholders": placeholders, **json_schema(model)}
        for kind, model in (("arende", Arende), ("program", Program), ("sammantrade", Sammantrade))
    }
    if kind is not None and kind not in schemas:
        raise typer.BadParameter(_("choose arende, program or sammantrade"), param_hint=_("KIND"))
    document = schemas[kind] if kind else schemas
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


MeetingFile = Annotated[
    Path, typer.Argument(help=_("A meeting (sammanträde) file."), metavar=_("MEETING_FILE"))
]


def _paragraf_option(help: str) -> Any:
    """The ``--paragraf §`` option of the meeting commands, with its help text."""
    return typer.Option("--paragraf", parser=_whole_number, metavar="§", help=help)


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

    from avtalsgen.meetings.extract import build_extracts

    results = _meeting_step(build_extracts, meeting, output, templates, paragraf=paragraf)
    table = Table(
        "§",
        "Dnr",
        _("status"),
        _("version"),
        _("files"),
        title=_("Protokollsutdrag: {meeting}").format(meeting=meeting),
    )
    for result in results:
        files = ", ".join(str(_shown(path)) for path in result.files)
        version = str(result.version) if result.version else "–"
        table.add_row(str(result.paragraf), result.dnr, result.status.text, version, files)
    console = Console(width=140)
    console.print(table)
    for result in results:
        if not result.written:
            console.print(result.note)


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
            on_wait=_tell, **options,
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
    from avtalsgen.meetings.anslag import build_anslag, paragraph_list

    results = _meeting_step(build_anslag, meeting, output, templates, omedelbart=omedelbart)
    for result in results:
        notice = result.anslag
        typer.echo(
            _("{key} ({paragraphs}): on the anslagstavla from {start} to {end} inclusive "
              "(the last day to appeal): {status}").format(
                key=notice.key, paragraphs=paragraph_list(notice.paragrafer) or "–",
                start=notice.anslagsdatum, end=notice.till_och_med, status=result.state,
            )
        )  # fmt: skip
        for path in result.files:
            typer.echo(f"  {_shown(path)}")


@app.command(
    help=_(
        "Make e-mail messages (.eml) with each paragraph's signed extract for its "
        "recipients, in OUTPUT/sammantraden/<date>-<organ>/expediering/. Nothing is sent.\n\n"
        "Addresses come from the program file (expediering.mottagare); a recipient without "
        "one is listed. Secret paragraphs only when asked for by number."
    )
)
def expediera(
    meeting: MeetingFile,
    paragraf: Annotated[int | None, _paragraf_option(_("Only this § (even if secret)."))] = None,
    output: OutputDir = Path("output"),
) -> None:
    """Make e-mail messages with each paragraph's signed extract."""
    from avtalsgen.meetings.expediering import expedite, summaries

    results = expedite(meeting, output, paragraf, on_wait=_tell)
    for line in summaries(results, _shown):
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
) -> None:
    """Make the publishable renditions of a meeting's extracts and beslutsförslag."""
    from avtalsgen.meetings.publicering import (
        Status,
        publish,
        removed_text,
        rendition_head,
        written_text,
    )

    results = _meeting_step(publish, meeting, output, templates)
    for result in results:
        head = rendition_head(result)
        if result.status is Status.SEKRETESS:
            typer.echo(_("{head}: left out: under sekretess").format(head=head))
            for path in result.removed:
                typer.echo("  " + removed_text(result, str(_shown(path))))
        elif result.status is Status.SAKNAS:
            typer.echo(_("{head}: left out: no extract yet (avtalsgen utdrag)").format(head=head))
        elif result.status is Status.OSIGNERAD:
            typer.echo(
                _("{head}: left out: the extract is not signed yet; sign it first with "
                  "avtalsgen sign {extract} --field utdragsbestyrkande").format(
                    head=head, extract=_shown(result.files[0]))
            )  # fmt: skip
        else:
            typer.echo(written_text(result))
            for path in result.files:
                typer.echo(f"  {_shown(path)}")
            for path in result.removed:
                typer.echo("  " + removed_text(result, str(_shown(path))))


@app.command(
    help=_(
        "Where each case stands: the committee's decision, the newest file of each document, "
        "and what is missing (facts, extracts, builds, signatures). Writes nothing."
    )
)
def status(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=_("Case files, or folders whose *.yaml files are cases (default: cases)."),
            metavar=_("PATHS") + "...",
        ),
    ] = None,
    output: OutputDir = Path("output"),
    templates: TemplatesDir = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=_("Print a JSON list of objects, one per case."))
    ] = False,
) -> None:
    """Where each case stands: the committee's decision, the newest file of each document,
    and what is missing (facts, extracts, builds, signatures). Writes nothing."""
    from avtalsgen.build.status import case_status
    from avtalsgen.model.decision import UTFALL_TEXT, Utfall

    given = paths or [Path("cases")]
    found = case_status(given, output, templates or find_templates(given), commands=True)
    if as_json:
        json.dump([item.to_json() for item in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        standing, missing = _("where it stands"), _("missing")
        for item in found:
            head = f"{item.dnr or '?'}  {item.aktor or item.arende}"
            typer.echo(f"{head}\n  {standing}: {item.lage}")
            for row in item.beslut:
                if row.utdrag is None:
                    extract = _("no extract yet")
                elif row.bestyrkt:
                    extract = _("{extract}, certified").format(extract=row.utdrag)
                else:
                    extract = _("{extract}, not certified").format(extract=row.utdrag)
                outcome = _(UTFALL_TEXT[Utfall(row.utfall)])
                if row.tillagg is not None:
                    from avtalsgen.model.tillagg import TILLAGGSTYP_TEXT, Tillaggstyp

                    outcome = _("change of the agreement: {change}").format(
                        change=_(TILLAGGSTYP_TEXT[Tillaggstyp(row.tillagg)])
                    )
                typer.echo(f"  § {row.paragraf} {row.datum}  {outcome}  ({extract})")
            for document in item.dokument:
                typer.echo(f"  {document}")
            for line in item.saknas:
                typer.echo(f"  {missing}: {line}")
            if item.fel:
                typer.echo(item.fel, err=True)
    if any(item.fel for item in found):
        raise typer.Exit(1)


@templates_app.command(
    "check",
    help=_("List every variable a template uses that the models do not provide; fail on any."),
)
def templates_check(templates: TemplatesDir = None) -> None:
    """List every variable a template uses that the models do not provide; fail on any."""
    templates = templates or find_templates([Path.cwd()])
    from avtalsgen.documents.kinds import KINDS
    from avtalsgen.documents.templatecheck import TEMPLATES, check_template

    some_cases = {kind.name: kind.title.lower() for kind in KINDS if not kind.every_case}
    problems = 0
    for document, context in TEMPLATES.items():
        path = templates / f"{document}.docx"
        if not path.is_file() and document in some_cases:
            typer.echo(
                _(
                    "{path}: not in the folder; only a case whose decision calls for a {title} "
                    "needs it"
                ).format(path=path, title=some_cases[document]),
                err=True,
            )
            continue
        if not path.is_file():
            typer.echo(_("{path}: template not found").format(path=path), err=True)
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


from avtalsgen.cli import web as _web  # noqa: E402 - serve, users, audit

_web.register(app)

#: New objects between two collections of the youngest generation (see :func:`run`).
GC_YOUNG = 10_000


def run(*, exit_when_interrupted: bool = True) -> None:
    """The ``avtalsgen`` command: the CLI, then a quick end of the process.

    A command that Ctrl-C or SIGTERM stopped ends the process at once with status
    :data:`INTERRUPTED` (see :func:`_exit_interrupted`), unless ``exit_when_interrupted`` is
    false: the preloaded avtalsgen's forked child (cli/served.py) must still send its caller
    the status, so it gets the SystemExit as every other ending.

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
        command()()  # as app() does (its pretty exceptions are off)
    except SystemExit as end:
        if end.code == INTERRUPTED and exit_when_interrupted:
            _exit_interrupted()
        raise
    finally:
        gc.freeze()


@functools.cache
def command() -> Callable[[], Any]:
    """The command line as Click runs it, made from :data:`app` once: ``app()`` makes it
    anew on every call, reading every command's signature (about 30 ms of CPU), which the
    warm converter's preloaded avtalsgen does once before it forks (cli/served.py)."""
    made: Callable[[], Any] = typer.main.get_command(app)
    return made


#: The exit status of a command that Ctrl-C or SIGTERM stopped.
INTERRUPTED = 130


def _exit_interrupted() -> None:
    """End the process with :data:`INTERRUPTED`, now.

    Python run as ``python -m avtalsgen.cli`` would end it with SIGINT instead (status -2,
    no message) if a KeyboardInterrupt ever passed through Python code that a native library
    ran with PyRun_String, as pikepdf's does, even though avtalsgen handled it: CPython notes
    such an interrupt as unhandled. Everything is cleaned up by now (soffice killed, staging
    removed); the output streams are flushed here."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(INTERRUPTED)


if __name__ == "__main__":
    run()
