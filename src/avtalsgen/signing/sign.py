"""Sign a packet's signature fields with PAdES signatures (pyHanko).

One call of :func:`sign_packet` fills one pre-made field with a PAdES baseline signature
(SubFilter ``/ETSI.CAdES.detached``): B-B, or B-T when a timestamp authority is given. It is
written as an incremental update, so earlier signatures stay valid. The first signature of
a packet is a certification signature that allows only form filling and further
signatures afterwards. The fields are signed in any order (the actor often signs first);
each signature covers the file as it was, the earlier signatures included.

Keys come from a PKCS#12 file (:class:`Pkcs12Key`) or a PKCS#11 token such as a smart card
(:class:`Pkcs11Key`); the caller supplies the passphrase or PIN (from an environment
variable or a prompt, never from the command line). The visible appearance shows the
signer, the role and the time in an embedded TrueType font, so the packet stays PDF/A-2b.

The signed file is written beside the target, checked with
:func:`avtalsgen.pdf.pdfa.check_pdfa_structure`, and only then moved into place; an existing
target is never replaced unless the caller asks for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pkcs11
from asn1crypto import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from avtalsgen.errors import (
    AvtalsgenError,
)
from avtalsgen.i18n import _, _l
from avtalsgen.pdf.docinfo import TIMEZONE
from avtalsgen.pdf.pdfa import VerificationError
from avtalsgen.pdf.unknown import unknown_facts
from avtalsgen.signing.appearance import (
    appearance_font,
    default_font,
    stamp_style,
    stamp_text,
    stamp_time,
)
from avtalsgen.signing.archival import ArchivalWriter
from avtalsgen.signing.keysource import (
    PKCS11_LIBRARIES,
    FieldSignedError,
    IncompleteError,
    KeySource,
    KeyUnusable,
    Pkcs11Key,
    Pkcs12Key,
    SigningError,
    find_pkcs11_library,
)
from avtalsgen.signing.longterm import (
    Level,
    LongTermError,
    RevocationSources,
    add_document_timestamp,
    add_validation_data,
    check_signer,
    signing_context,
)
from avtalsgen.signing.names import common_name
from avtalsgen.signing.parties import Signed
from avtalsgen.signing.reading import pdf_reader, read_pdf
from avtalsgen.signing.reasons import because
from avtalsgen.signing.tokens import OpenKey, check_certificate, open_key, signer_of
from avtalsgen.signing.verify import VerificationReport, load_certificates
from avtalsgen.signing.written import reported_time, signing_time, trusted_check, write_checked

#: The signing API in one place (the keys, their errors and the stamp's time live in modules
#: of their own: keysource, tokens, appearance, written).
__all__ = [
    "PKCS11_LIBRARIES",
    "FieldSignedError",
    "IncompleteError",
    "KeySource",
    "KeyUnusable",
    "OpenKey",
    "Pkcs11Key",
    "Pkcs12Key",
    "SignResult",
    "SigningError",
    "find_pkcs11_library",
    "open_key",
    "sign_packet",
    "stamp_time",
]

TIMESTAMP_TIMEOUT = 20.0  # seconds for one request to a timestamp authority


@dataclass(frozen=True)
class SignResult:
    """What :func:`sign_packet` wrote."""

    path: Path
    field: str
    signer: str
    """The common name of the signer's certificate."""
    signing_time: dt.datetime
    pades_level: str
    """The PAdES level made: "B-B", "B-T" (a signature time stamp), "B-LT" (and validation
    data in the DSS) or "B-LTA" (and a document time stamp over it)."""
    certified: bool
    """Whether this was the packet's first (certification) signature."""
    incomplete: tuple[str, ...] = ()
    """The unknown facts ("[uppgift saknas]") the packet showed when it was signed, each as
    "page: line" (signed so only with ``allow_incomplete``)."""
    report: VerificationReport | None = None
    """With ``require_trusted``: the verification of the signed file, made before it was
    moved into place (the file in place is the very file verified), naming ``path``."""


def sign_packet(
    source: Path,
    target: Path,
    field_name: str,
    key: KeySource | OpenKey,
    *,
    role: str,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
    location: str | None = None,
    font: Path | None = None,
    overwrite: bool = False,
    scratch: Path | None = None,
    allow_incomplete: bool = False,
    level: Level | str | None = None,
    trust_roots: Sequence[Path] = (),
    revocation: RevocationSources | None = None,
    require_trusted: bool = False,
    seal: bool = False,
) -> SignResult:
    """Sign the empty signature field ``field_name`` of ``source`` into ``target``.

    ``role`` is shown under the signer's name, e.g. "Regional utvecklingsdirektör".
    A timestamp from ``timestamp_url`` (an RFC 3161 server) or from ``timestamper`` (any
    pyHanko :class:`TimeStamper`, e.g. a test one) makes the signature PAdES B-T.
    ``font`` is the TrueType/OpenType font of the appearance (default Liberation Sans).
    The fields may be signed in any order: the first signature certifies the packet (later
    ones may only fill fields and sign), and each signature covers every one before it.
    ``target`` must not exist unless ``overwrite`` (also needed to sign in place, with
    ``target`` equal to ``source``; the earlier revisions are kept in the file).
    ``scratch`` is a folder on the target's file system where the signed file is made and
    checked before it is moved into place (a staging folder of
    :mod:`avtalsgen.build.workspace`); by default the target's folder.
    A packet that still shows unknown facts ("[uppgift saknas]") is refused
    (:class:`IncompleteError`, listing them) unless ``allow_incomplete``; the result lists
    the facts it was signed with.

    ``level`` is the PAdES level to make (:class:`avtalsgen.signing.longterm.Level`): B-B,
    B-T (needs a timestamp authority), B-LT (also fetches the revocation data of the
    signer's and the TSA's chains, which must lead to one of ``trust_roots``, into the DSS)
    or B-LTA (and a document time stamp). By default B-T with a timestamp authority, else
    B-B. For B-LT and B-LTA the signer's certificate is first checked against its OCSP
    responder or CRL: a revoked certificate signs nothing. ``revocation`` says where the
    validation data comes from (by default fetched from the services the certificates name).

    With ``require_trusted`` the signed file is verified before it is moved into place, and
    refused (nothing is written) when the new signature's certificate leads to none of
    ``trust_roots``: a signature the receiver cannot validate is worse than none. The
    verification is the result's :attr:`SignResult.report`: the file is moved by a rename
    and checked to be the same bytes in place, so it needs no second verification there.

    A party's field (``region``, ``aktor``) is not signed with the key that signed the
    other party's field, nor the actor's with the region's key (``seal``: the key is the
    region's seal; or its certificate's organisation is the region's, as the packet's case
    names it): :func:`avtalsgen.signing.parties.check_signer`. An extract's certification
    (``utdragsbestyrkande``) is made only with the key of the secretary the extract names or
    the region's seal (a certificate of the region's organisation; a DEMO key as before):
    :func:`avtalsgen.signing.certifier.judge`, whose role the visible signature states
    there ("Sekreterare" for the secretary; the seal's name alone: a seal is no secretary),
    whatever ``role`` says.

    Raises :class:`SigningError` for a wrong passphrase or PIN, an absent token, an expired
    certificate, a missing or already signed field, a key that may not sign the field, or
    a failed timestamp request; in every case nothing is written.
    """
    if timestamp_url and timestamper:
        raise SigningError(_l("give a timestamp URL or a timestamper, not both"))
    source, target = Path(source), Path(target)
    if target.exists() and not overwrite:
        raise SigningError(_l("{file}: already exists; refusing to overwrite it", file=target))
    data = read_pdf(source, SigningError)
    try:
        writer = ArchivalWriter(io.BytesIO(data))
    except (PdfError, ValueError) as exc:
        cause = because(exc)
        raise SigningError(_l("{file}: unreadable PDF: {error}", file=source, error=cause)) from exc
    stamper = _timestamper(timestamp_url, timestamper)
    wanted = _wanted_level(level, stamper)
    try:
        roots = [cert for path in trust_roots for cert in load_certificates(Path(path))]
    except VerificationError as exc:
        raise SigningError.of(exc) from exc
    certify = _check_field(source, writer, field_name)
    try:
        unknown = tuple(str(fact) for fact in unknown_facts(source))
    except AvtalsgenError as exc:
        raise SigningError.of(exc) from exc
    if unknown and not allow_incomplete:
        raise IncompleteError(source, unknown)
    with (
        signer_of(key) as (signer, opened),
        tempfile.TemporaryDirectory(prefix="avtalsgen-") as tmp,
    ):
        cert = signer.signing_cert
        assert cert is not None  # both signer kinds load it or raise
        signer_name = common_name(cert.subject)
        now = dt.datetime.now(dt.UTC)
        check_certificate(cert, signer_name, now)
        _check_party(source, data, field_name, cert, seal)
        role = _certifier_role(source, field_name, cert, role, seal)
        text = stamp_text(role) % {"signer": signer_name, "role": role, "ts": ""}
        style = stamp_style(
            appearance_font(font or default_font(), text, opened, Path(tmp)),
            describe=certify,
            role=role,
        )
        meta = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=pdf_fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
            certify=certify,
            docmdp_permissions=pdf_fields.MDPPerm.FILL_FORMS,
        )
        writer.when = now.astimezone(TIMEZONE)
        chain = list(signer.cert_registry)
        try:
            signed = asyncio.run(
                _sign_at_level(
                    wanted,
                    writer,
                    meta,
                    signer,
                    stamper,
                    style,
                    role,
                    roots,
                    chain,
                    revocation or RevocationSources(),
                )
            )
        except LongTermError as exc:
            raise SigningError.of(exc) from exc
        except TimestampRequestError as exc:
            cause = because(exc)
            raise SigningError(_l("the timestamp server failed: {error}", error=cause)) from exc
        except pkcs11.PKCS11Error as exc:
            cause = because(exc)
            raise KeyUnusable(_l("the token failed to sign: {error}", error=cause)) from exc
        except (PyHankoSigningError, PdfError) as exc:
            cause = because(exc)
            raise SigningError(
                _l(
                    "{file}: cannot sign field '{field}': {error}",
                    file=source,
                    field=field_name,
                    error=cause,
                )
            ) from exc
    if not signed.startswith(data):  # an incremental update keeps every earlier byte
        raise SigningError(
            _l("{file}: the signed file would not keep the file as it was", file=source)
        )
    check = None
    if require_trusted:
        check = trusted_check(field_name, signer_name, trust_roots, target)
    in_place = target.resolve() == source.resolve()
    report = write_checked(
        signed, target, overwrite, scratch, check, before=data if in_place else None
    )
    return SignResult(
        path=target,
        field=field_name,
        signer=signer_name,
        signing_time=reported_time(report, field_name) or signing_time(signed, field_name) or now,
        pades_level=str(wanted),
        certified=certify,
        incomplete=unknown,
        report=report,
    )


def _wanted_level(level: Level | str | None, stamper: TimeStamper | None) -> Level:
    """The level to make: ``level``, by default B-T with a timestamp authority, else B-B."""
    if level is None:
        return Level.B_T if stamper is not None else Level.B_B
    try:
        wanted = Level(level)
    except ValueError:
        raise SigningError(
            _l(
                "unknown PAdES level {level!r} (choose {levels})",
                level=level,
                levels=", ".join(Level),
            )
        ) from None
    if wanted.needs_timestamp and stamper is None:
        raise SigningError(
            _l(
                "PAdES {level} needs a time stamp: give a time-stamping authority with --tsa URL",
                level=wanted,
            )
        )
    if not wanted.needs_timestamp and stamper is not None:
        raise SigningError(_l("PAdES B-B has no time stamp: leave out --tsa, or ask for B-T"))
    return wanted


async def _sign_at_level(
    level: Level,
    writer: ArchivalWriter,
    meta: PdfSignatureMetadata,
    signer: Signer,
    stamper: TimeStamper | None,
    style: TextStampStyle,
    role: str,
    roots: Sequence[x509.Certificate],
    chain: Sequence[x509.Certificate],
    sources: RevocationSources,
) -> bytes:
    """Sign into ``writer`` at ``level``: the signature (time-stamped from B-T on), then the
    validation data (B-LT) and a document time stamp (B-LTA), each in its own revision."""
    context: ValidationContext | None = None
    if level.needs_validation_data:
        assert signer.signing_cert is not None
        context = signing_context(roots, chain, sources)
        await check_signer(signer.signing_cert, chain, context)
        meta = dataclasses.replace(meta, validation_context=context)
    try:
        output = io.BytesIO()
        await PdfSigner(meta, signer, timestamper=stamper, stamp_style=style).async_sign_pdf(
            writer,
            existing_fields_only=True,
            appearance_text_params={"role": role},
            output=output,
        )
        data = output.getvalue()
        if level.needs_validation_data:
            field_name = meta.field_name
            assert field_name is not None
            data = await add_validation_data(data, field_name, roots, chain, _now(), sources)
        if level is Level.B_LTA:
            assert stamper is not None
            data = await add_document_timestamp(data, stamper, _now())
        return data
    finally:
        if context is not None:
            await context.aclose()  # type: ignore[no-untyped-call]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone(TIMEZONE)


# --- fields -------------------------------------------------------------------------------


def _check_field(source: Path, writer: IncrementalPdfFileWriter, name: str) -> bool:
    """Check ``name`` is an empty field (:class:`FieldSignedError` if it is signed: the one
    check of it, for the command line and the web app alike, on the file about to be
    signed); return whether no field is signed yet (in any order: the actor often signs
    before the region)."""
    fields = [(n, v is not None) for n, v, _path in pdf_fields.enumerate_sig_fields(writer)]
    names = [n for n, _signed in fields]
    if name not in names:
        listed = ", ".join(f"'{n}'" for n in names) or _("none")
        raise SigningError(
            _l(
                "{file}: no signature field '{field}' (fields: {fields})",
                file=source,
                field=name,
                fields=listed,
            )
        )
    signed = dict(fields)
    if signed[name]:
        raise FieldSignedError(
            _l("{file}: field '{field}' is already signed", file=source, field=name), name
        )
    return not any(signed.values())


def _check_party(
    source: Path, data: bytes, field_name: str, cert: x509.Certificate, seal: bool
) -> None:
    """Refuse ``cert`` signing the party's field ``field_name`` of ``source`` (its bytes
    ``data``) where :func:`avtalsgen.signing.parties.check_signer` says it may not."""
    from avtalsgen.signing.parties import PARTY_FIELDS, check_signer, parties_of

    if field_name not in PARTY_FIELDS:
        return
    signed = party_signatures(data)
    region = parties_of(source).region if field_name == "aktor" else ()
    check_signer(source, field_name, cert, signed, region, seal=seal)


def _certifier_role(
    source: Path, field_name: str, cert: x509.Certificate, role: str, seal: bool
) -> str:
    """The role the visible signature states: for an extract's certification the one
    :func:`avtalsgen.signing.certifier.judge` gives ``cert`` ("Sekreterare" for the
    secretary, none for the region's seal), refusing, before anything is signed, a key
    that may not certify it; else ``role``."""
    from avtalsgen.meetings.extract import SIGNATURE_FIELD
    from avtalsgen.signing.certifier import judge

    if field_name != SIGNATURE_FIELD:
        return role
    return judge(source, cert, role, seal=seal).role


def party_signatures(data: bytes) -> list[Signed]:
    """The party fields signed in the PDF ``data``, each with its signer's certificate
    (a signature that cannot be read is left out: verify names it)."""
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from avtalsgen.signing.parties import PARTY_FIELDS

    reader = pdf_reader(data)
    found = []
    for name, value, ref in pdf_fields.enumerate_sig_fields(reader, filled_status=True):
        if value is None or name not in PARTY_FIELDS:
            continue
        try:
            signer_cert = EmbeddedPdfSignature(reader, ref, name).signer_cert
        except (PdfError, ValueError, KeyError, TypeError):
            continue
        found.append(Signed(str(name), signer_cert))
    return found


def _timestamper(url: str | None, given: TimeStamper | None) -> TimeStamper | None:
    if given is not None:
        return given
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise SigningError(_l("timestamp URL '{url}' must start with http:// or https://", url=url))
    return HTTPTimeStamper(url, timeout=TIMESTAMP_TIMEOUT)
