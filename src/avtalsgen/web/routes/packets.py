"""Paket: the packets to download and sign, and the verification of an uploaded PDF."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Template

from avtalsgen.errors import AvtalsgenError
from avtalsgen.i18n import N_
from avtalsgen.web import audit
from avtalsgen.web.config import WebConfig
from avtalsgen.web.pages import DNR, config_of, needs, output_file, page, user_of
from avtalsgen.web.status import case_rows

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: Who signs each field, as shown in the signature's appearance (as the CLI's default).
FIELD_ROLES = {"region": "Regional utvecklingsdirektör", "aktor": "Firmatecknare"}


@get("/paket", guards=[needs("read")], sync_to_thread=True)
def packet_list(request: Request[Any, Any, Any]) -> Template:
    """Every case's packet with its signature fields."""
    rows = [row for row in case_rows(config_of(request)) if "paket.pdf" in row.documents]
    return page(request, "packets.html", rows=rows, report=None, error=None)


def _roots() -> list[Path]:
    from avtalsgen.signing.pki import default_demo_pki_dir

    root = default_demo_pki_dir() / "root.pem"
    return [root] if root.is_file() else []


def server_key(config: Any, role: str) -> tuple[Any, list[Path], bool]:
    """The server's key (the region's seal when configured, else the DEMO key for ``role``),
    the roots its report trusts, and whether it is the DEMO key."""
    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.sign import Pkcs12Key

    roots = _roots()
    if config.seal_p12 is not None:
        passphrase = os.environ.get(config.seal_passphrase_env, "")
        return Pkcs12Key(config.seal_p12, passphrase.encode()), roots, False
    pki = ensure_demo_pki()
    signer = ensure_demo_signer(pki, role)
    return Pkcs12Key(signer.pkcs12, signer.passphrase), [*roots, pki.root_cert], True


#: The PAdES levels a field may be signed at, as ``avtalsgen sign --niva``.
LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
#: What each level means to the archive (shown with its choice).
LEVEL_HELP = {
    "B-B": N_(
        "The signature and the signer's certificate only. Once the certificate has expired "
        "or been revoked, nobody can show that the signature was made while it was valid."
    ),
    "B-T": N_(
        "B-B with a time stamp from a time-stamping authority: shows that the signature "
        "existed at that time, whatever the signer's computer said."
    ),
    "B-LT": N_(
        "B-T with the validation data (the certificate chain and revocation lists) embedded: "
        "the signature can be checked without asking those services, even after they are "
        "gone."
    ),
    "B-LTA": N_(
        "B-LT with a document time stamp over it all, which the archive can renew before the "
        "algorithms weaken: for documents to be kept for a long time."
    ),
}


def _default_level(config: WebConfig) -> str:
    """The level offered first: B-T when a time-stamping authority is set, else B-B (as
    ``avtalsgen sign`` chooses without ``--niva``)."""
    return "B-T" if config.tsa_url else "B-B"


def _level_problem(config: WebConfig, level: str) -> str | None:
    """Why ``level`` cannot be signed at with the server's key and settings, if it cannot."""
    from avtalsgen.i18n import _

    if level not in LEVELS:
        return _("Choose one of the levels {levels}.").format(levels=", ".join(LEVELS))
    if level != "B-B" and config.seal_p12 is not None and not config.tsa_url:
        return _(
            "{level} needs a time stamp, and this server has no time-stamping authority set "
            "(avtalsgen serve --tsa, or {variable}). Choose B-B, or ask whoever runs the "
            "server to set one."
        ).format(level=level, variable="AVTALSGEN_TSA_URL")
    return None


def _sign_page(
    request: Request[Any, Any, Any], dnr: str, field: str, level: str, error: str | None = None
) -> Template:
    from avtalsgen.i18n import _

    config = config_of(request)
    unreachable = _("Not with this server: it has no time-stamping authority set.")
    levels = [
        {"value": value, "help": _(LEVEL_HELP[value]),
         "note": unreachable if _level_problem(config, value) else None}
        for value in LEVELS
    ]  # fmt: skip
    return page(request, "sign.html", dnr=dnr, field=field, levels=levels, level=level,
                error=error, demo=config.seal_p12 is None, tsa=config.tsa_url,
                crls=[path.name for path in config.crls],
                status_code=200 if error is None else 422)  # fmt: skip


@get("/paket/{dnr:str}/signera", guards=[needs("sign")], sync_to_thread=False)
def sign_form(request: Request[Any, Any, Any], dnr: str, falt: str = "") -> Template:
    """The choice of level before a field of the case's packet is signed (quick: no file
    is read but the packet's existence)."""
    if falt not in FIELD_ROLES or not DNR.match(dnr):
        raise NotFoundException()
    output_file(config_of(request), dnr, "paket.pdf")  # 404 without a packet
    return _sign_page(request, dnr, falt, _default_level(config_of(request)))


@post("/paket/{dnr:str}/signera", guards=[needs("sign")], sync_to_thread=True)
def sign(request: Request[Any, Any, Any], dnr: str, data: Form) -> Template:
    """Sign one field of the case's packet with the server's key (the region's seal, or the
    DEMO key when none is configured), at the PAdES level chosen (as ``avtalsgen sign
    --niva``: the time-stamping authority and CRL files from the server's settings)."""
    from avtalsgen.build.manifest import update_signatures
    from avtalsgen.build.workspace import Workspace
    from avtalsgen.signing.keys import KeyChoice, revocation_sources, timestamp_source
    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
    from avtalsgen.signing.sign import KeySource, Pkcs12Key, sign_packet
    from avtalsgen.signing.verify import verify_packet

    config = config_of(request)
    user = user_of(request)
    field = data.get("falt", "")
    level = data.get("niva") or _default_level(config)
    error = None
    report = None
    if field not in FIELD_ROLES or not DNR.match(dnr):
        error = "Okänt signaturfält."
    elif (problem := _level_problem(config, level)) is not None:
        # Refused at the level's field; nothing is signed.
        return _sign_page(request, dnr, field, level, problem)
    else:
        packet = output_file(config, dnr, "paket.pdf")
        try:
            source: KeySource
            roots = _roots()
            if config.seal_p12 is not None:
                passphrase = os.environ.get(config.seal_passphrase_env, "")
                source = Pkcs12Key(config.seal_p12, passphrase.encode())
            else:
                pki = ensure_demo_pki()
                signer = ensure_demo_signer(pki, FIELD_ROLES[field])
                source = Pkcs12Key(signer.pkcs12, signer.passphrase)
                roots.append(pki.root_cert)
            chosen = KeyChoice(source, FIELD_ROLES[field], tuple(roots), config.seal_p12 is None)
            # The output folder's session, as the CLI's sign takes it: waits for a build.
            with Workspace(config.output).session("sign") as run:
                # As the CLI's sign: the DEMO key signs a packet with unknown facts too.
                sign_packet(packet, packet, field, source, role=FIELD_ROLES[field],
                            timestamp_url=config.tsa_url,
                            timestamper=timestamp_source(chosen, level, config.tsa_url),
                            level=level, trust_roots=chosen.roots,
                            revocation=revocation_sources(chosen, config.crls),
                            overwrite=True, scratch=run.staging,
                            allow_incomplete=config.seal_p12 is None)  # fmt: skip
                report = verify_packet(packet, roots)
                update_signatures(packet, report, scratch=run.staging)
            audit.record(config.database, user.name, "sign", dnr=dnr,
                         detail=f"fält {field}, {level}", files=[packet],
                         root=config.output)  # fmt: skip
        except AvtalsgenError as exc:
            error = exc.message
            audit.record(config.database, user.name, "sign", dnr=dnr,
                         detail=f"fält {field}, {level} misslyckades: {exc.message}")  # fmt: skip
    rows = [row for row in case_rows(config) if "paket.pdf" in row.documents]
    return page(request, "packets.html", rows=rows, report=report, error=error, dnr=dnr,
                status_code=200 if error is None else 422)  # fmt: skip


@get("/verifiera", guards=[needs("verify")], sync_to_thread=False)
def verify_form(request: Request[Any, Any, Any]) -> Template:
    """The upload form for a signed packet or extract."""
    return page(request, "verify.html", report=None, error=None, name=None)


@post("/verifiera", guards=[needs("verify")], sync_to_thread=True)
def verify_upload(
    request: Request[Any, Any, Any],
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Template:
    """Verify an uploaded PDF (size limited, PDF only); a broken or hostile file gives an
    error on the page, never a crash."""
    from avtalsgen.signing.verify import verify_packet

    config = config_of(request)
    upload = data.get("fil")
    if not isinstance(upload, UploadFile):
        return page(request, "verify.html", report=None, error="Välj en PDF-fil.", name=None,
                    status_code=422)  # fmt: skip
    content = upload.file.read(config.max_upload_bytes + 1)
    name = Path(upload.filename or "fil.pdf").name[:100]
    error = None
    report = None
    shown_temp = None
    if len(content) > config.max_upload_bytes:
        error = f"Filen är för stor (högst {config.max_upload_bytes // (1024 * 1024)} MB)."
    elif not content.startswith(b"%PDF-"):
        error = "Filen är inte en PDF-fil."
    else:
        handle, temp = tempfile.mkstemp(suffix=".pdf")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            try:
                report = verify_packet(Path(temp), _roots())
            except AvtalsgenError as exc:
                error = f"Filen kunde inte verifieras: {exc.message}"
            except Exception as exc:  # noqa: BLE001 - a hostile file must not crash the page
                error = f"Filen kunde inte läsas som en signerad PDF ({type(exc).__name__})."
            audit.record(
                config.database, user_of(request).name, "verify",
                detail=f"{name}: " + ("godkänd" if report and report.ok else
                                      "inte godkänd" if report else f"fel: {error}"),
                hashes={name: audit.file_hash(Path(temp))},
            )  # fmt: skip
        finally:
            Path(temp).unlink(missing_ok=True)
        shown_temp = temp
    return page(request, "verify.html", report=report, error=error, name=name,
                hide_path=shown_temp if report else None,
                status_code=200 if error is None else 422)  # fmt: skip
