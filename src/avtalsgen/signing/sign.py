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
import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import logging
import shutil
import string
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.misc import PdfError, PdfReadError, PdfWriteError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import UnacceptableSignerError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from avtalsgen.build.workspace import atomic_write, place
from avtalsgen.errors import (
    AvtalsgenError,
    OutputError,
    PacketError,
    os_reason,
    technical_reason,
)
from avtalsgen.i18n import N_, Lazy, _, _l, ngettext, swedish_time
from avtalsgen.pdf.docinfo import TIMEZONE
from avtalsgen.pdf.fonts import REGULAR_FONT, find_font
from avtalsgen.pdf.pdfa import VerificationError, check_pdfa_structure, parse_pdf_date
from avtalsgen.pdf.unknown import placeholder_count, unknown_facts
from avtalsgen.signing.archival import ArchivalWriter
from avtalsgen.signing.longterm import (
    Level,
    LongTermError,
    RevocationSources,
    add_document_timestamp,
    add_validation_data,
    check_signer,
    signing_context,
)
from avtalsgen.signing.reading import pdf_reader, read_pdf
from avtalsgen.signing.verify import VerificationReport, load_certificates

PKCS11_LIBRARIES = (
    Path("/usr/lib/softhsm/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"),
    Path("/usr/lib64/pkcs11/libsofthsm2.so"),
    Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"),
    Path("/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so"),
    Path("/usr/lib64/opensc-pkcs11.so"),
)
"""Where :func:`find_pkcs11_library` looks: SoftHSM2 (tests, demos), then OpenSC (cards)."""

STAMP_TEXT = "Signerat digitalt av\n%(signer)s\n%(role)s\nTid: %(ts)s"
"""The visible signature's text: signer (from the certificate), role and signing time."""

STAMP_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
"""How pyHanko hands the signing time to :class:`SwedishTimeStampStyle` (in the machine's
zone, which :class:`SwedishTimeStampStyle` turns into Swedish time)."""
TIMESTAMP_TIMEOUT = 20.0  # seconds for one request to a timestamp authority

# fontTools warns about font tables it drops while pyHanko subsets the appearance font;
# without a handler Python's last-resort handler would print that on stderr.
logging.getLogger("fontTools").addHandler(logging.NullHandler())


class SigningError(AvtalsgenError):
    """A packet could not be signed; nothing was written."""


class KeyUnusable(SigningError):
    """The key itself cannot sign: a wrong PIN or passphrase, no card, a locked PIN, a card
    that failed or was taken out, a certificate that has expired. Signing several packets
    stops at it: the next packet would fail the same way, and a wrong PIN tried again and
    again locks the card."""


@dataclass(frozen=True)
class Pkcs12Key:
    """A key and certificate in a PKCS#12 (.p12, .pfx) file."""

    path: Path
    passphrase: bytes = field(repr=False)
    """The file's passphrase, from an environment variable or a prompt (never argv)."""


@dataclass(frozen=True)
class Pkcs11Key:
    """A key and certificate on a PKCS#11 token (a smart card, or SoftHSM2)."""

    library: Path
    """The token's PKCS#11 module, e.g. ``/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so``."""
    token_label: str
    key_label: str
    pin: str = field(repr=False)
    """The user PIN, from an environment variable or a prompt (never argv)."""
    cert_label: str | None = None
    """Label of the certificate object; defaults to ``key_label``."""
    chain: tuple[Path, ...] = ()
    """PEM/DER files of intermediate CA certificates to embed, if the token lacks them."""


KeySource = Pkcs12Key | Pkcs11Key


@dataclass(frozen=True)
class OpenKey:
    """A key opened once (a card logged in to with its PIN, a PKCS#12 file decrypted) to
    sign several packets with (:func:`open_key`): :func:`sign_packet` takes it as it takes
    a :data:`KeySource`, and neither asks the card for the PIN again nor opens the file."""

    signer: Signer = field(repr=False)
    folder: Path = field(repr=False)
    """Where the appearance fonts made for it are kept while it is open."""
    fonts: dict[tuple[Path, str], Path] = field(default_factory=dict, repr=False)
    """The appearance fonts made for it (:func:`_stamp_font`), by font and text."""


@contextlib.contextmanager
def open_key(key: KeySource) -> Iterator[OpenKey]:
    """Open ``key`` once, to sign several packets with it; closed (the card logged out)
    when the block ends.

    Raises :class:`KeyUnusable` (a wrong PIN or passphrase, no card, an expired
    certificate, ...) before anything is signed.
    """
    with _open_signer(key) as signer, tempfile.TemporaryDirectory(prefix="avtalsgen-") as tmp:
        cert = signer.signing_cert
        assert cert is not None  # both signer kinds load it or raise
        _check_certificate(cert, _common_name(cert), dt.datetime.now(dt.UTC))
        yield OpenKey(signer, Path(tmp))


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


class IncompleteError(SigningError):
    """The packet still shows unknown facts, and was not to be signed so."""

    def __init__(self, source: Path, facts: Sequence[str]) -> None:
        from avtalsgen.i18n import in_each_language

        def compose() -> str:
            return "\n".join([self._head(source, facts), *(f"  - {fact}" for fact in facts)])

        super().__init__(compose())
        self.texts = in_each_language(compose)
        self.facts = tuple(facts)

    @staticmethod
    def _head(source: Path, facts: Sequence[str]) -> str:
        count = sum(placeholder_count(fact) for fact in facts)  # a line may hold several
        return ngettext(
            "{file}: the packet still shows {count} unknown fact ([uppgift saknas]); fill it "
            "in where 'avtalsgen check --strict' names it (the case file or its program "
            "file, by line) and build again, or sign the packet as it is with "
            "--ofullstandig:",
            "{file}: the packet still shows {count} unknown facts ([uppgift saknas]); fill "
            "them in where 'avtalsgen check --strict' names them (the case file or its "
            "program file, by line) and build again, or sign the packet as it is with "
            "--ofullstandig:",
            count,
        ).format(file=Path(source.parent.name, source.name), count=count)  # the case's


class FieldSignedError(SigningError):
    """The signature field asked for is signed already (a form sent again, a second
    ``sign``); nothing was written."""

    def __init__(self, message: str | Lazy, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def find_pkcs11_library(candidates: Sequence[Path] = PKCS11_LIBRARIES) -> Path:
    """Return the first PKCS#11 module of ``candidates`` that exists.

    Raises :class:`SigningError` if none does.
    """
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SigningError(
        _l(
            "no PKCS#11 module found (looked for {paths}); install softhsm2 or opensc",
            paths=", ".join(map(str, candidates)),
        )
    )


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

    Raises :class:`SigningError` for a wrong passphrase or PIN, an absent token, an expired
    certificate, a missing or already signed field, or a failed timestamp request; in every
    case nothing is written.
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
        cause = _because(exc)
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
        _signer_of(key) as (signer, opened),
        tempfile.TemporaryDirectory(prefix="avtalsgen-") as tmp,
    ):
        cert = signer.signing_cert
        assert cert is not None  # both signer kinds load it or raise
        signer_name = _common_name(cert)
        now = dt.datetime.now(dt.UTC)
        _check_certificate(cert, signer_name, now)
        text = STAMP_TEXT % {"signer": signer_name, "role": role, "ts": ""}
        style = _stamp_style(_appearance_font(font or _default_font(), text, opened, Path(tmp)))
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
            cause = _because(exc)
            raise SigningError(_l("the timestamp server failed: {error}", error=cause)) from exc
        except pkcs11.PKCS11Error as exc:
            cause = _because(exc)
            raise KeyUnusable(_l("the token failed to sign: {error}", error=cause)) from exc
        except (PyHankoSigningError, PdfError) as exc:
            cause = _because(exc)
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
        check = _trusted_check(field_name, signer_name, trust_roots, target)
    in_place = target.resolve() == source.resolve()
    report = _write_checked(
        signed, target, overwrite, scratch, check, before=data if in_place else None
    )
    return SignResult(
        path=target,
        field=field_name,
        signer=signer_name,
        signing_time=_reported_time(report, field_name) or _signing_time(signed, field_name) or now,
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


# --- keys ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _signer_of(key: KeySource | OpenKey) -> Iterator[tuple[Signer, OpenKey | None]]:
    """The signer of ``key`` (opened for this one signature unless it is open already),
    and the open key if it was."""
    if isinstance(key, OpenKey):
        yield key.signer, key
        return
    with _open_signer(key) as signer:
        yield signer, None


@contextlib.contextmanager
def _open_signer(key: KeySource) -> Iterator[Signer]:
    if isinstance(key, Pkcs12Key):
        yield _pkcs12_signer(key)
        return
    session = _pkcs11_session(key)
    try:
        yield _pkcs11_signer(key, session)
    finally:
        with contextlib.suppress(pkcs11.PKCS11Error):
            session.close()


def _pkcs12_signer(key: Pkcs12Key) -> Signer:
    # pyHanko's load_pkcs12 returns None on any failure; load with cryptography to say why.
    try:
        data = key.path.read_bytes()
    except OSError as exc:
        cause = _because(exc)
        raise KeyUnusable(
            _l("{file}: cannot read the PKCS#12 file: {reason}", file=key.path, reason=cause)
        ) from exc
    try:
        private_key, cert, others = pkcs12.load_key_and_certificates(data, key.passphrase)
    except ValueError:
        if _is_pkcs12(data):
            raise KeyUnusable(
                _l("{file}: wrong passphrase for the PKCS#12 file", file=key.path)
            ) from None
        raise KeyUnusable(_l("{file}: not a PKCS#12 file", file=key.path)) from None
    if private_key is None or cert is None:
        raise KeyUnusable(
            _l("{file}: the PKCS#12 file holds no key and certificate", file=key.path)
        )
    # The signer from what is loaded, as pyHanko's SimpleSigner.load_pkcs12_data makes it:
    # not from the file again (decrypting a PKCS#12 file takes some 40 ms each time).
    try:
        signer: Signer = _LoadedKeySigner(
            private_key,
            signing_key=asn1_keys.PrivateKeyInfo.load(
                private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
            ),
            signing_cert=x509.Certificate.load(cert.public_bytes(Encoding.DER)),
            cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                [x509.Certificate.load(other.public_bytes(Encoding.DER)) for other in others]
            ),
        )
    except ValueError as exc:
        cause = _because(exc)
        raise KeyUnusable(
            _l("{file}: cannot use the PKCS#12 key: {error}", file=key.path, error=cause)
        ) from exc
    return signer


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner that signs with the key as it was loaded from the PKCS#12 file:
    SimpleSigner.sign_raw loads the key again from its DER form for every signature, and
    cryptography checks an RSA key as it loads it (some 30 ms). RSA with PKCS #1 v1.5
    padding (the demo keys' and pyHanko's default for an RSA certificate) is signed here as
    sign_raw signs it; any other mechanism by sign_raw itself."""

    def __init__(self, private_key: PrivateKeyTypes, **signer: Any) -> None:
        super().__init__(**signer)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def _is_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        return bool(pfx["auth_safe"]["content_type"].native)
    except (ValueError, TypeError, KeyError):
        return False


def _pkcs11_session(key: Pkcs11Key) -> pkcs11.Session:
    if not key.library.is_file():
        raise KeyUnusable(_l("PKCS#11 module {module} does not exist", module=key.library))
    try:
        lib = pkcs11.lib(str(key.library))
        labels = [_token_label(slot) for slot in lib.get_slots(token_present=True)]
    except (pkcs11.PKCS11Error, RuntimeError, OSError) as exc:
        cause = _because(exc)
        raise KeyUnusable(
            _l("PKCS#11 module {module} cannot be loaded: {error}", module=key.library, error=cause)
        ) from exc
    if key.token_label not in labels:
        present = ", ".join(f"'{label}'" for label in labels if label) or _("none")
        raise KeyUnusable(
            _l(
                "no token labelled '{token}' in PKCS#11 module {module} (is the card "
                "inserted? tokens present: {present})",
                token=key.token_label,
                module=key.library,
                present=present,
            )
        )
    try:
        return open_pkcs11_session(
            str(key.library),
            token_criteria=TokenCriteria(label=key.token_label),
            user_pin=key.pin,
        )
    except pkcs11.PinIncorrect:
        raise KeyUnusable(_l("wrong PIN for token '{token}'", token=key.token_label)) from None
    except pkcs11.PinLocked:
        raise KeyUnusable(
            _l("the PIN of token '{token}' is locked", token=key.token_label)
        ) from None
    except pkcs11.PinLenRange:
        raise KeyUnusable(
            _l("the PIN has the wrong length for token '{token}'", token=key.token_label)
        ) from None
    except pkcs11.PKCS11Error as exc:
        cause = _because(exc)
        raise KeyUnusable(
            _l("cannot log in to token '{token}': {error}", token=key.token_label, error=cause)
        ) from None


def _token_label(slot: pkcs11.Slot) -> str:
    try:
        return str(slot.get_token().label)
    except pkcs11.PKCS11Error:
        return ""


def _pkcs11_signer(key: Pkcs11Key, session: pkcs11.Session) -> Signer:
    try:
        chain = [cert for path in key.chain for cert in load_certificates(path)]
    except VerificationError as exc:
        cause = _because(exc)
        raise KeyUnusable(_l("certificate chain: {error}", error=cause)) from exc
    _check_token_objects(key, session, key.cert_label or key.key_label)
    signer = PKCS11Signer(
        session,
        cert_label=key.cert_label or key.key_label,
        key_label=key.key_label,
        ca_chain=chain,
        other_certs_to_pull=None,  # embed every certificate on the token (the chain)
    )
    try:
        signer.signing_cert  # noqa: B018 - loads key and certificate now, to fail early
    except pkcs11.PKCS11Error as exc:
        cause = _because(exc)
        raise KeyUnusable(
            _l(
                "token '{token}': no usable key '{key}' with its certificate: {error}",
                token=key.token_label,
                key=key.key_label,
                error=cause,
            )
        ) from exc
    return signer


def _check_token_objects(key: Pkcs11Key, session: pkcs11.Session, cert_label: str) -> None:
    """Say which is missing on the token, the key or its certificate, naming those there
    (pyHanko says only "Could not find certificate with label ...", in English)."""
    keys = _labels(session, pkcs11.ObjectClass.PRIVATE_KEY)
    certificates = _labels(session, pkcs11.ObjectClass.CERTIFICATE)
    if keys is None or certificates is None:
        return  # the token would not list them: pyHanko's own lookup tells
    if key.key_label not in keys:
        raise KeyUnusable(
            _l(
                "token '{token}' holds no private key labelled '{key}' (keys on it: {present})",
                token=key.token_label,
                key=key.key_label,
                present=lambda: _listed(keys),
            )
        )
    if cert_label not in certificates:
        raise KeyUnusable(
            _l(
                "token '{token}' holds the key '{key}' but no certificate labelled '{label}', "
                "which a signature needs (certificates on it: {present})",
                token=key.token_label,
                key=key.key_label,
                label=cert_label,
                present=lambda: _listed(certificates),
            )
        )


def _labels(session: pkcs11.Session, kind: pkcs11.ObjectClass) -> list[str] | None:
    try:
        return [
            str(found[pkcs11.Attribute.LABEL])
            for found in session.get_objects({pkcs11.Attribute.CLASS: kind})
        ]
    except pkcs11.PKCS11Error:
        return None


def _listed(labels: list[str]) -> str:
    return ", ".join(f"'{label}'" for label in dict.fromkeys(labels)) or _("none")


#: The failures of the token (PKCS#11) and of pyHanko that avtalsgen words itself, most
#: specific first; any other is quoted in the library's words (:func:`_reason`).
_KNOWN_FAILURES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((pkcs11.DeviceRemoved, pkcs11.TokenNotPresent), N_("the card or token was removed")),
    ((pkcs11.TokenNotRecognised,), N_("the card or token is not recognised")),
    ((pkcs11.PinIncorrect,), N_("wrong PIN")),
    ((pkcs11.PinLocked,), N_("the PIN is locked")),
    ((pkcs11.PinExpired,), N_("the PIN has expired; change it with the card's own tool")),
    (
        (pkcs11.FunctionCancelled, pkcs11.FunctionRejected),
        N_("the signing was cancelled or refused on the card reader"),
    ),
    (
        (pkcs11.SessionClosed, pkcs11.SessionHandleInvalid, pkcs11.UserNotLoggedIn),
        N_("the session with the card or token ended; sign again"),
    ),
    (
        (pkcs11.KeyHandleInvalid, pkcs11.ObjectHandleInvalid, pkcs11.NoSuchKey),
        N_("the key was not found on the card or token"),
    ),
    (
        (pkcs11.MechanismInvalid, pkcs11.KeyTypeInconsistent, pkcs11.FunctionNotSupported),
        N_("the key on the card or token cannot make this kind of signature"),
    ),
    (
        (pkcs11.DeviceError, pkcs11.DeviceMemory, pkcs11.GeneralError, pkcs11.FunctionFailed),
        N_("the card or token failed; take it out, put it back and try again"),
    ),
    (
        (UnacceptableSignerError,),
        N_("the signer's certificate does not meet what the signature field requires"),
    ),
    ((PdfReadError,), N_("the file is damaged or not a PDF")),
    ((PdfWriteError,), N_("the signed PDF could not be written")),
)


def _because(exc: BaseException) -> Callable[[], str]:
    """:func:`_reason` of ``exc``, for a message composed in each language (``exc`` itself
    is gone once its ``except`` block ends)."""
    return lambda: _reason(exc)


def _reason(exc: BaseException) -> str:
    """Why ``exc`` happened, in the current language (a message composed in each language
    calls it in each): avtalsgen's own error as it was composed, a known failure of the
    token or of pyHanko in avtalsgen's words, any other in the library's own words, quoted
    as a technical reason ("(teknisk orsak: …)")."""
    if isinstance(exc, AvtalsgenError):
        return exc.text()
    if isinstance(exc, OSError):
        return os_reason(exc)
    for kinds, words in _KNOWN_FAILURES:
        if isinstance(exc, kinds):
            return _(words)
    return technical_reason(str(exc) or type(exc).__name__)


def _common_name(cert: x509.Certificate) -> str:
    native = cert.subject.native
    value = native.get("common_name") if isinstance(native, dict) else None
    return str(value) if value else cert.subject.human_friendly


def _check_certificate(cert: x509.Certificate, name: str, now: dt.datetime) -> None:
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if now > not_after:
        raise KeyUnusable(
            _l(
                "the certificate of {name} expired on {date}",
                name=name,
                date=not_after.date().isoformat(),
            )
        )
    if now < not_before:
        raise KeyUnusable(
            _l(
                "the certificate of {name} is not valid before {date}",
                name=name,
                date=not_before.date().isoformat(),
            )
        )
    usage = cert.key_usage_value
    if usage is not None and "non_repudiation" not in usage.native:
        raise KeyUnusable(
            _l(
                "the certificate of {name} lacks the non-repudiation key usage that signatures "
                "on documents need",
                name=name,
            )
        )


# --- appearance and timestamps ------------------------------------------------------------


def _default_font() -> Path:
    try:
        return find_font(REGULAR_FONT)
    except PacketError as exc:
        raise SigningError.of(exc) from None


def _appearance_font(font: Path, text: str, opened: OpenKey | None, folder: Path) -> Path:
    """:func:`_stamp_font` of ``font`` for ``text``, made in ``folder``; for an open key,
    made once for every packet it signs and kept in its folder while it is open."""
    if opened is None:
        return _stamp_font(font, text, folder)
    if (font, text) not in opened.fonts:
        kept = opened.folder / str(len(opened.fonts))
        kept.mkdir()
        opened.fonts[(font, text)] = _stamp_font(font, text, kept)
    return opened.fonts[(font, text)]


def _stamp_font(font: Path, text: str, folder: Path) -> Path:
    """A copy of ``font`` cut to the glyphs of ``text`` (and ASCII), at 1000 units per em.

    pyHanko writes a font's glyph widths (/W) and TJ adjustments in the font's own units,
    as if every font had 1000 units per em; most TrueType fonts, Liberation Sans among
    them, have 2048, so the text would be drawn spread out and the widths would disagree
    with the font program, which PDF/A forbids. A copy rescaled to 1000 avoids that.
    """
    try:
        tt = TTFont(str(font))
    except (OSError, ValueError) as exc:
        cause = _because(exc)
        raise SigningError(
            _l("{file}: cannot read the font: {error}", file=font, error=cause)
        ) from exc
    options = subset.Options()
    options.drop_tables += ["FFTM"]  # a FontForge timestamp that fontTools cannot subset
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + string.printable)
    subsetter.subset(tt)
    if tt["head"].unitsPerEm != 1000:
        scale_upem(tt, 1000)
    path = folder / f"{font.stem}-1000.ttf"
    tt.save(str(path))
    return path


class SwedishTimeStampStyle(TextStampStyle):
    """A text stamp whose time is Swedish time (``2026-12-06 05:05:09 +01:00 (svensk tid)``),
    whatever the machine's zone: pyHanko formats the signing time in the machine's local zone
    (UTC on a server), so the time it gives is read back and shown in Europe/Stockholm."""

    def create_stamp(
        self, writer: BasePdfFileWriter, box: BoxConstraints, text_params: dict[str, Any]
    ) -> TextStamp:
        params = dict(text_params)
        if "ts" in params:
            params["ts"] = stamp_time(dt.datetime.strptime(params["ts"], STAMP_TIME_FORMAT))
        return super().create_stamp(writer, box, params)


def stamp_time(moment: dt.datetime) -> str:
    """The signing time as the visible signature shows it: Swedish time with its offset; in
    Swedish whatever the language of messages, as the documents are."""
    local = swedish_time(moment)
    return local.strftime("%Y-%m-%d %H:%M:%S ") + local.isoformat()[-6:] + " (svensk tid)"


def _stamp_style(font: Path) -> TextStampStyle:
    return SwedishTimeStampStyle(
        stamp_text=STAMP_TEXT,
        timestamp_format=STAMP_TIME_FORMAT,
        border_width=1,
        background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font), font_size=10)),
    )


def _timestamper(url: str | None, given: TimeStamper | None) -> TimeStamper | None:
    if given is not None:
        return given
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise SigningError(_l("timestamp URL '{url}' must start with http:// or https://", url=url))
    return HTTPTimeStamper(url, timeout=TIMESTAMP_TIMEOUT)


# --- output -------------------------------------------------------------------------------


def _reported_time(report: VerificationReport | None, field_name: str) -> dt.datetime | None:
    """The signing time of ``field_name``'s signature as the verification of the signed
    file read it (None without one): the same time pyHanko wrote into its /M, so the file
    is not read a second time for it (some 12 % of a signature's CPU in a batch)."""
    found = [sig for sig in report.signatures if sig.field == field_name] if report else []
    return found[-1].signing_time if found else None


def _signing_time(data: bytes, field_name: str) -> dt.datetime | None:
    """The signing time (/M) pyHanko wrote into the signature of ``field_name``."""
    reader = pdf_reader(data)
    for name, value, _path in pdf_fields.enumerate_sig_fields(reader, with_name=field_name):
        if name == field_name and value is not None:
            when = value.get_object().get("/M")
            return parse_pdf_date(str(when)) if when is not None else None
    return None


def _trusted_check(
    field_name: str, signer: str, roots: Sequence[Path], target: Path
) -> Callable[[Path], VerificationReport]:
    """A check of the signed file before it is moved into place: its verification (against
    ``roots``), in which the signature of ``field_name`` must lead to one of ``roots``."""

    def check(made: Path) -> VerificationReport:
        from avtalsgen.signing.verify import verify_packet

        report = verify_packet(made, roots)
        untrusted = [
            sig.trust
            for sig in report.signatures
            if sig.field == field_name and not sig.trusted and not sig.problems
        ]
        if untrusted:
            why = untrusted[0]
            raise SigningError(
                _l(
                    "{file}: not signed: the certificate of {signer} cannot be traced to "
                    "a root certificate you trust ({why}). A signature the receiver "
                    "cannot validate is worse than none, so nothing was written: {file} "
                    "is as it was. Name the certificate of the CA that issued it with "
                    "--trust (repeatable), or once for every signing in "
                    "AVTALSGEN_TRUST, and sign again.",
                    file=target,
                    signer=signer,
                    why=why,
                )
            )
        return dataclasses.replace(report, path=target)

    return check


def _write_checked(
    data: bytes,
    target: Path,
    overwrite: bool,
    scratch: Path | None,
    check: Callable[[Path], VerificationReport] | None = None,
    *,
    before: bytes | None = None,
) -> VerificationReport | None:
    """Write ``data`` in ``scratch`` (or beside ``target``), check it is PDF/A (and with
    ``check``, which verifies it and raises what it finds), then move it into place and
    check that the file in place is the file checked (its size and SHA-256); the
    verification ``check`` made, if any.

    A file in place that is not the file checked is taken away again: ``before`` (the
    target's earlier bytes, when signed in place) is put back, else it is removed."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".avtalsgen-sign-", dir=scratch or target.parent))
    except OSError as exc:
        raise OutputError(
            _("{file}: cannot write the signed file: {reason}").format(
                file=target, reason=os_reason(exc)
            )
        ) from exc
    made = folder / target.name
    report = None
    try:
        atomic_write(made, data)
        # The verification checks the PDF/A structure too: one reading of it, not two.
        report = check(made) if check is not None else None
        problems = list(report.pdfa_problems) if report else check_pdfa_structure(made)
        if problems:
            raise SigningError(
                _l(
                    "{file}: the signed file would not be PDF/A-2b: {problems}",
                    file=target,
                    problems="; ".join(problems),
                )
            )
        place(made, target, replace=overwrite)  # never overwrite unless asked
        if _digest(target) != _digest_of(data):
            _take_back(target, before)
            raise SigningError(
                _l(
                    "{file}: the file in place is not the signed file checked; it was "
                    "taken back: sign again",
                    file=target,
                )
            )
    except FileExistsError:
        raise SigningError(
            _l("{file}: already exists; refusing to overwrite it", file=target)
        ) from None
    except OSError as exc:
        raise OutputError(
            _("{file}: cannot write the signed file: {reason}").format(
                file=target, reason=os_reason(exc)
            )
        ) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _digest(path: Path) -> tuple[int, bytes]:
    """The size and SHA-256 of the file at ``path``."""
    with path.open("rb") as file:
        return _digest_of(file.read())


def _digest_of(data: bytes) -> tuple[int, bytes]:
    return len(data), hashlib.sha256(data).digest()


def _take_back(target: Path, before: bytes | None) -> None:
    """Put ``before`` back at ``target`` (signed in place), else remove ``target``."""
    if before is not None:
        atomic_write(target, before)
    else:
        target.unlink(missing_ok=True)
