"""The commands on signatures: ``sign`` and ``verify``."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Annotated

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
    """Sign one signature field of a packet or a protocol extract (PAdES)."""
    from avtalsgen.build import interrupts
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.signing.keys import (
        KeyRequest,
        choose_key,
        revocation_sources,
        timestamp_source,
    )
    from avtalsgen.signing.sign import sign_packet
    from avtalsgen.signing.verify import exit_status, format_report

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
    # No agreement to sign where the committee's decision left it out (an avslag), nor in
    # a packet made from another decision than the case's, or stating other facts, nor in
    # one the next build makes anew (found: signed after `utdrag`, as the README's order
    # has it, and the next build made paket-v2.pdf, which had to be signed again).
    refuse_unsignable(packet, lambda path: str(shown_path(path)),
                      output=shown_path(packet).parent.parent)  # fmt: skip
    if p12 is not None and not p12.is_file() and not os.environ.get("AVTALSGEN_P12_PASSPHRASE"):
        # Before the passphrase is asked for (it said "set AVTALSGEN_P12_PASSPHRASE"); with
        # the passphrase given, the signing says the file is missing as before.
        raise AvtalsgenError(
            _("--p12: no PKCS#12 key file {path}: give the path of the .p12 file").format(path=p12)
        )
    request = KeyRequest(p12=p12, pkcs11_lib=pkcs11_lib, token=token, key_label=key)
    chosen = choose_key(field, request, _secret, role, trust or ())
    workspace = Workspace.of_case_file(packet)
    with interrupts.handled(), workspace.session("sign", on_wait=tell) as run:
        # Every key, the DEMO key too, refuses a packet that still shows unknown facts
        # (an undecided case's shows its decision so) unless told with --ofullstandig.
        result = sign_packet(
            packet, packet, field, chosen.key, role=chosen.role, timestamp_url=tsa,
            timestamper=timestamp_source(chosen, niva, tsa), level=niva,
            trust_roots=chosen.roots, revocation=revocation_sources(chosen, crl or ()),
            overwrite=True, scratch=run.staging,
            allow_incomplete=ofullstandig, require_trusted=True,
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
    if (newer := _newer_packet(packet)) is not None:
        typer.echo(
            _(
                "warning: {newer} is a newer version of this packet, built since from changed "
                "inputs; {packet} was signed as asked"
            ).format(newer=shown_path(newer), packet=shown_path(packet)),
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
            packet=shown_path(packet),
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
    newest = CaseFolder(packet.parent).newest_packet()
    if newest is None or newest.name == packet.name:
        return None
    return packet.parent / newest.name


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
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.standing import packet_standing
    from avtalsgen.signing.verify import exit_status, format_report, verify_packet

    roots = list(trust or [])
    demo_root = default_demo_pki_dir() / "root.pem"
    if demo and demo_root.is_file():
        roots.append(demo_root)
    report = verify_packet(packet, roots)
    inside = verify_embedded(packet, roots)
    # What the packet is to its case now, said in its verdict: superseded by the case's
    # decision or facts now (signed or not), or a rejected case's with nothing to sign, or
    # one whose case waits for the committee's decision.
    standing = packet_standing(packet, lambda path: str(shown_path(path)))
    report = dataclasses.replace(report, standing=standing)
    typer.echo(format_report(report))
    for embedded in inside:
        typer.echo("")
        typer.echo(_("Embedded signed file {name}:").format(name=embedded.name))
        typer.echo(format_report(embedded.report))
    # One exit status for the packet and what it holds: the worst of their verdicts.
    verdicts = [report.verdict, *(embedded.report.verdict for embedded in inside)]
    raise typer.Exit(max(exit_status(verdict, complete=complete) for verdict in verdicts))
