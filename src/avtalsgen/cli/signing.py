"""The commands on signatures: ``sign`` and ``verify``."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from avtalsgen import i18n
from avtalsgen.cli.options import (
    shown_path,
    tell,
)
from avtalsgen.cli.pades import CrlOption, TrustOption, TsaOption
from avtalsgen.cli.root import app
from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import _, ngettext
from avtalsgen.signing.levels import LEVELS
from avtalsgen.signing.many import without_file

if TYPE_CHECKING:
    from avtalsgen.signing.batch import Tally
    from avtalsgen.signing.keys import KeyChoice, KeyRequest
    from avtalsgen.signing.sign import KeySource, OpenKey, SignResult


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
        "update. An extract's field is utdragsbestyrkande: the key of the secretary the "
        "extract names, or the region's organisational seal (its signature then states no "
        "role).\n\n"
        "Several packets, or a folder (an output folder or a case's folder: every packet in "
        "it), are signed with one key, opened once: the PIN or passphrase is asked for once. "
        "A packet whose field is signed already, or that may not be signed now, is passed "
        "by with the reason; a wrong PIN or a card that fails stops at once.\n\n"
        "Without --p12 or --pkcs11-lib a DEMO key is used (a demo PKI is made on first use); "
        "verify says so. Passphrases and PINs come from the environment or a prompt, never "
        "from the command line."
    )
)
def sign(
    packets: Annotated[
        list[Path],
        typer.Argument(
            help=_(
                "The packets (paket.pdf) or protocol extracts to sign in place, or folders of them."
            ),
            metavar=_("PACKET") + "...",
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
    trust: TrustOption = None,
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
    """Sign one signature field of packets or protocol extracts (PAdES)."""
    from avtalsgen.signing.keys import KeyRequest

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
    asked = Asked(field, KeyRequest(p12=p12, pkcs11_lib=pkcs11_lib, token=token, key_label=key),
                  role, tuple(trust or ()), tsa, tuple(crl or ()), niva, ofullstandig)  # fmt: skip
    if len(packets) == 1 and not packets[0].is_dir():
        _sign_one(packets[0], asked)
    _sign_many(packets, asked)


@dataclasses.dataclass(frozen=True)
class Asked:
    """What the command line asks of a signing: the field, the key, and how to sign."""

    field: str
    request: KeyRequest
    role: str | None
    trust: tuple[Path, ...]
    tsa: str | None
    crl: tuple[Path, ...]
    niva: str | None
    ofullstandig: bool

    def choose(self) -> KeyChoice:
        """The key (its PIN or passphrase asked for now), the role and the roots trusted.

        Refuses a missing PKCS#12 file before the passphrase is asked for (it said "set
        AVTALSGEN_P12_PASSPHRASE"); with the passphrase given, the signing says the file
        is missing as before."""
        from avtalsgen.signing.keys import choose_key

        p12 = self.request.p12
        if p12 is not None and not p12.is_file() and not os.environ.get("AVTALSGEN_P12_PASSPHRASE"):
            raise AvtalsgenError(
                _("--p12: no PKCS#12 key file {path}: give the path of the .p12 file").format(
                    path=p12
                )
            )
        return choose_key(self.field, self.request, _secret, self.role, self.trust)


def sign_in_place(
    packet: Path, asked: Asked, chosen: KeyChoice, key: KeySource | OpenKey
) -> SignResult:
    """Sign ``asked.field`` of ``packet`` in place with ``key`` (``chosen``'s, or it opened)
    and record the signature in the manifest beside a packet; verified before it is moved
    into place (the result's report). Raises :class:`AvtalsgenError` (nothing written)."""
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.signing.demo import demo_warning, refuse_demo_certification
    from avtalsgen.signing.keys import revocation_sources, timestamp_source
    from avtalsgen.signing.sign import sign_packet

    if chosen.demo:  # a real meeting's extract is not certified with the DEMO key
        refuse_demo_certification(packet, asked.field)
    workspace = Workspace.of_case_file(packet)
    with workspace.session("sign", on_wait=tell) as run:
        # Every key, the DEMO key too, refuses a packet that still shows unknown facts
        # (an undecided case's shows its decision so) unless told with --ofullstandig.
        result = sign_packet(
            packet, packet, asked.field, key, role=chosen.role, timestamp_url=asked.tsa,
            timestamper=timestamp_source(chosen, asked.niva, asked.tsa), level=asked.niva,
            trust_roots=chosen.roots, revocation=revocation_sources(chosen, asked.crl),
            overwrite=True, scratch=run.staging,
            allow_incomplete=asked.ofullstandig, require_trusted=True,
        )  # fmt: skip
        # Verified before it was moved into place, and checked to be that file in place.
        report = result.report
        assert report is not None  # require_trusted verifies it
        if result.field != "utdragsbestyrkande":  # the manifest records a packet's
            notes = {}
            if result.incomplete:
                notes[result.field] = {
                    "ofullstandig": True,
                    "uppgift_saknas": result.incomplete,
                }
            update_signatures(packet, report, scratch=run.staging, notes=notes)
    if chosen.demo and (warning := demo_warning(packet)) is not None:
        typer.echo(warning, err=True)
    return result


def _sign_one(packet: Path, asked: Asked) -> NoReturn:
    """Sign one packet, as ``avtalsgen sign PACKET`` always has: refused with a message
    (exit 1) when it may not be signed; signed, its verification shown in full."""
    from avtalsgen.build import interrupts
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.signing.judged import judge
    from avtalsgen.signing.verify import exit_status, format_report

    # No agreement to sign where the committee's decision left it out (an avslag), nor in
    # a packet made from another decision than the case's, or stating other facts, nor in
    # one the next build makes anew (found: signed after `utdrag`, as the README's order
    # has it, and the next build made paket-v2.pdf, which had to be signed again).
    refuse_unsignable(packet, lambda path: str(shown_path(path)),
                      output=shown_path(packet).parent.parent)  # fmt: skip
    chosen = asked.choose()
    with interrupts.handled():
        result = sign_in_place(packet, asked, chosen, chosen.key)
    report = result.report
    assert report is not None  # require_trusted verifies it
    _warn_newer(packet)
    warn_incomplete(result)
    typer.echo(signed_line(result, packet))
    # The same report and verdict as `avtalsgen verify`, and the same exit status.
    report = judge(report, packet, lambda path: str(shown_path(path)))
    typer.echo(format_report(report))
    raise typer.Exit(exit_status(report.verdict))


def _warn_newer(packet: Path) -> None:
    """Warn when a newer version of the packet just signed was built since (it was named,
    so it is signed as asked)."""
    from avtalsgen.signing.batch import newer_version

    if (newer := newer_version(packet)) is not None:
        typer.echo(
            _(
                "warning: {newer} is a newer version of this packet, built since from changed "
                "inputs; {packet} was signed as asked"
            ).format(newer=shown_path(newer), packet=shown_path(packet)),
            err=True,
        )


def _sign_many(paths: list[Path], asked: Asked) -> NoReturn:
    """Sign ``asked.field`` of every packet ``paths`` name (a folder: those in it) with one
    key, opened once: a line for each (signed, or passed by and why), then what it came to;
    exit 1 when any failed. A packet that fails leaves its file as it was and the others
    are signed; the key or card failing stops at once (a wrong PIN tried again and again
    locks a card)."""
    from avtalsgen.build import interrupts
    from avtalsgen.signing.batch import Tally, nothing_to_sign, screen, targets
    from avtalsgen.signing.many import sign_each

    def shown(path: Path) -> str:
        return str(shown_path(path))

    found, problems = targets(paths, asked.field)
    tally = Tally(failed=len(problems))
    for problem in problems:
        typer.echo(_("could not sign: {reason}").format(reason=problem), err=True)
    to_sign = []
    for target in found:
        screened = screen(target, asked.field, shown, output=shown_path(target.path).parent.parent)
        if screened.skipped is None:
            to_sign.append(target.path)
        elif screened.failed:
            tally.failed += 1
            typer.echo(_("could not sign: {reason}").format(reason=screened.skipped), err=True)
        else:
            tally.skipped += 1
            typer.echo(_("passed by: {reason}").format(reason=screened.skipped))
    if not to_sign:
        if found:
            typer.echo(nothing_to_sign(found, asked.field))
        _summary(tally)
    chosen = asked.choose()  # the PIN or passphrase, asked for once
    with interrupts.handled():
        sign_each(to_sign, chosen.key, lambda packet, opened: sign_in_place(
            packet, asked, chosen, opened), _Printed(shown), tally)  # fmt: skip
    _summary(tally)


@dataclasses.dataclass(frozen=True)
class _Printed:
    """What ``sign`` over several files prints of each packet (:func:`sign_each`'s
    :class:`avtalsgen.signing.many.Said`); ``shown`` names a file as the user gave it."""

    shown: Callable[[Path], str]

    def signed(self, packet: Path, result: SignResult) -> None:
        _warn_newer(packet)
        warn_incomplete(result)
        typer.echo(signed_line(result, packet))

    def failed(self, packet: Path, error: AvtalsgenError) -> None:
        typer.echo(
            _("could not sign {packet}: {reason}").format(
                packet=self.shown(packet), reason=without_file(error.text(), packet)
            ),
            err=True,
        )

    def stopped(self, packet: Path, error: AvtalsgenError, not_tried: int) -> None:
        _stopped(self.shown(packet), error, not_tried)

    def unusable(self, error: AvtalsgenError) -> None:
        typer.echo(
            _("the key cannot sign: {reason}; nothing was signed").format(reason=error.text()),
            err=True,
        )


def _stopped(packet: str, error: AvtalsgenError, not_tried: int) -> None:
    if not not_tried:  # the last one: nothing left to stop
        typer.echo(
            _("could not sign {packet}: {reason}").format(packet=packet, reason=error.text()),
            err=True,
        )
        return
    typer.echo(
        ngettext(
            "stopped at {packet}: {reason}; it is as it was, and the {count} file after it "
            "was not tried",
            "stopped at {packet}: {reason}; it is as it was, and the {count} files after it "
            "were not tried",
            not_tried,
        ).format(packet=packet, reason=error.text(), count=not_tried),
        err=True,
    )


def _summary(tally: Tally) -> NoReturn:
    typer.echo(tally.summary())
    raise typer.Exit(1 if tally.failed or tally.not_tried else 0)


def warn_incomplete(result: SignResult) -> None:
    """Say, on stderr, the unknown facts a packet was signed with (--ofullstandig)."""
    if not result.incomplete:
        return
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


def signed_line(result: SignResult, packet: Path) -> str:
    """``signed region of output/<Dnr>/paket.pdf as <signer> (B-B, <time>)``."""
    return _("signed {field} of {packet} as {signer} ({level}, {time})").format(
        field=result.field,
        packet=shown_path(packet),
        signer=result.signer,
        level=result.pades_level,
        time=i18n.format_time(result.signing_time),
    )


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
    trust: TrustOption = None,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help=_("Also trust the local DEMO root."))
    ] = True,
    complete: Annotated[
        bool,
        typer.Option("--complete", help=_("Fail (exit 1) also while fields are still to sign.")),
    ] = False,
) -> None:
    """Verify every signature of a packet or extract and its PDF/A structure."""
    from avtalsgen.signing.embedded import verify_embedded
    from avtalsgen.signing.judged import judge
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.verify import exit_status, format_report, verify_packet

    roots = list(trust or [])
    demo_root = default_demo_pki_dir() / "root.pem"
    if demo and demo_root.is_file():
        roots.append(demo_root)
    report = verify_packet(packet, roots)
    inside = verify_embedded(packet, roots)
    # What the packet is to its case now, said in its verdict: superseded by the case's
    # decision or facts now (signed or not), or a rejected case's with nothing to sign, or
    # one whose case waits for the committee's decision; whose keys signed it, and how a
    # new packet comes where one party's key took the other's field.
    report = judge(report, packet, lambda path: str(shown_path(path)))
    typer.echo(format_report(report))
    for embedded in inside:
        typer.echo("")
        typer.echo(_("Embedded signed file {name}:").format(name=embedded.name))
        typer.echo(format_report(embedded.report))
    # One exit status for the packet and what it holds: the worst of their verdicts.
    verdicts = [report.verdict, *(embedded.report.verdict for embedded in inside)]
    raise typer.Exit(max(exit_status(verdict, complete=complete) for verdict in verdicts))
