"""A demo PKI for trying out signing without real certificates.

On first use :func:`ensure_demo_pki` creates, in a per-user data folder outside the repository
(``$XDG_DATA_HOME/avtalsgen/demo-pki``, by default ``~/.local/share/avtalsgen/demo-pki``):

- ``root.pem`` and ``root-key.pem``: a root CA, "DEMO avtalsgen root CA";
- ``tsa.pem`` and ``tsa-key.pem``: a timestamp authority certificate issued by that root
  (:func:`demo_timestamper` answers as that authority in process, offline);
- one PKCS#12 file per signatory (:func:`ensure_demo_signer`), "DEMO <name>", with the
  key usages pyHanko wants (digital signature and non-repudiation).

The root's CRL (:func:`demo_crl`) is issued in process when a DEMO signature at B-LT or
B-LTA needs validation data: with it every PAdES level can be tried out offline.

Every name starts with ``DEMO`` so that :func:`is_demo_certificate` (and so ``verify``) can say
that a packet is demo-signed and not valid for real use. The keys are for demonstration only:
the PKCS#12 files use the published passphrase :data:`DEMO_PASSPHRASE`.
Later calls reuse what exists; a lock file keeps concurrent first uses from racing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from avtalsgen.build.workspace import atomic_write
from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _

if TYPE_CHECKING:
    from pyhanko.sign.timestamps import TimeStamper

DEMO_PREFIX = "DEMO"
"""Every demo certificate's common name starts with this word."""

DEMO_PASSPHRASE = b"demo"
"""The passphrase of every demo PKCS#12 file (published on purpose: these keys prove nothing)."""

DEMO_ORGANISATION = "DEMO avtalsgen - not valid for real use"
ROOT_NAME = "DEMO avtalsgen root CA"
TSA_NAME = "DEMO avtalsgen timestamp authority"

_RSA_BITS = 2048
_ROOT_YEARS = 20
_TSA_YEARS = 10
_SIGNER_YEARS = 5
_CRL_DAYS = 7  # the DEMO root's CRL says when its next one comes out, as a real CA's does
_MAX_CN = 64  # RFC 5280 ub-common-name
_DEMO_POLICY_TEXT = "DEMO certificate made by avtalsgen: not valid for real use"
_DEMO_POLICY_OID = x509.ObjectIdentifier("2.5.29.32.0")  # anyPolicy, carrying the notice


class PkiError(AvtalsgenError):
    """The demo PKI could not be created or read."""


@dataclass(frozen=True)
class DemoSigner:
    """A demo signatory: a PKCS#12 file holding a key, its certificate and the root."""

    name: str
    """The certificate's common name, e.g. ``"DEMO Region Norrbotten ..."``."""
    pkcs12: Path
    passphrase: bytes = field(default=DEMO_PASSPHRASE, repr=False)


@dataclass(frozen=True)
class DemoPki:
    """Paths of a demo PKI's files (see the module docstring)."""

    folder: Path

    @property
    def root_cert(self) -> Path:
        """The root CA certificate (PEM): the trust anchor for verifying demo signatures."""
        return self.folder / "root.pem"

    @property
    def root_key(self) -> Path:
        """The root CA's private key (PEM, unencrypted: demo only)."""
        return self.folder / "root-key.pem"

    @property
    def tsa_cert(self) -> Path:
        """The timestamp authority's certificate (PEM)."""
        return self.folder / "tsa.pem"

    @property
    def tsa_key(self) -> Path:
        """The timestamp authority's private key (PEM, unencrypted: demo only)."""
        return self.folder / "tsa-key.pem"


def default_demo_pki_dir() -> Path:
    """``$XDG_DATA_HOME/avtalsgen/demo-pki``, or ``~/.local/share/avtalsgen/demo-pki``."""
    data_home = os.environ.get("XDG_DATA_HOME") or ""
    base = Path(data_home) if Path(data_home).is_absolute() else Path.home() / ".local" / "share"
    return base / "avtalsgen" / "demo-pki"


def ensure_demo_pki(folder: Path | None = None) -> DemoPki:
    """Return the demo PKI in ``folder`` (default :func:`default_demo_pki_dir`), made if absent.

    The root CA and the timestamp authority are created once and reused afterwards.
    """
    pki = DemoPki((folder or default_demo_pki_dir()).resolve())
    with _locked(pki.folder):
        if not pki.root_cert.is_file():
            now = _now()
            root_key = _new_key()
            root = _root_certificate(root_key, now)
            _write_private(pki.root_key, _key_pem(root_key))
            _write_public(pki.root_cert, root.public_bytes(serialization.Encoding.PEM))
        if not pki.tsa_cert.is_file():
            root_key, root = _load_root(pki)
            tsa_key = _new_key()
            tsa = _leaf_certificate(
                TSA_NAME, tsa_key, root_key, root, _now(), _years(_TSA_YEARS), tsa=True
            )
            _write_private(pki.tsa_key, _key_pem(tsa_key))
            _write_public(pki.tsa_cert, tsa.public_bytes(serialization.Encoding.PEM))
    return pki


def ensure_demo_signer(pki: DemoPki, name: str) -> DemoSigner:
    """Return the demo signer for ``name`` (e.g. a role or an organisation), made if absent.

    The certificate's common name is ``"DEMO <name>"`` (cut to 64 characters).
    """
    common_name = demo_common_name(name)
    path = pki.folder / f"signer-{_slug(common_name)}.p12"
    with _locked(pki.folder):
        if not path.is_file():
            issue_demo_signer(pki, name, path)
    return DemoSigner(common_name, path)


def issue_demo_signer(
    pki: DemoPki,
    name: str,
    path: Path,
    *,
    passphrase: bytes = DEMO_PASSPHRASE,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> DemoSigner:
    """Issue a new demo signer certificate for ``name`` into the PKCS#12 file ``path``.

    ``not_before``/``not_after`` default to now and five years on; tests pass past dates to
    make an expired certificate. An existing ``path`` is replaced.
    """
    root_key, root = _load_root(pki)
    key = _new_key()
    start = not_before or _now()
    end = not_after or start + _years(_SIGNER_YEARS)
    common_name = demo_common_name(name)
    cert = _leaf_certificate(common_name, key, root_key, root, start, end - start)
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=[root],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )
    _write_private(path, data)
    return DemoSigner(common_name, path, passphrase)


def demo_timestamper(pki: DemoPki) -> TimeStamper:
    """The demo PKI's time-stamping authority, answering in process (pyHanko's
    ``DummyTimeStamper`` with the DEMO TSA's key): a DEMO signature can be B-T offline."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key = _private_key(pki.tsa_key)
        cert = x509.load_pem_x509_certificate(pki.tsa_cert.read_bytes())
        root = x509.load_pem_x509_certificate(pki.root_cert.read_bytes())
    except (OSError, ValueError) as exc:
        raise PkiError(
            _("{folder}: cannot read the demo TSA: {error}").format(
                folder=pki.folder, error=_why(exc)
            )
        ) from exc
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(der),
        certs_to_embed=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))]
        ),
    )


def demo_crl(pki: DemoPki) -> bytes:
    """A certificate revocation list of the DEMO root, issued now (DER), listing nothing.

    The demo PKI revokes nothing, so its root can say so at any time, in process, offline:
    this CRL is the validation data of a DEMO signature at B-LT and B-LTA (in the packet's
    DSS), as a real CA's CRL or OCSP response is of a real one. The DEMO certificates name
    no CRL distribution point, so a validator needs no CRL for them; the DSS holds one all
    the same, to show the levels' structure as a real packet has it.
    """
    root_key, root = _load_root(pki)
    now = _now()
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=_CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )


def demo_common_name(name: str) -> str:
    """``"DEMO <name>"`` (unchanged if ``name`` already starts with DEMO), at most 64 chars."""
    full = name if name.startswith(f"{DEMO_PREFIX} ") else f"{DEMO_PREFIX} {name}"
    return full[:_MAX_CN].rstrip()


def is_demo_certificate(subject_common_name: str | None, issuer_common_name: str | None) -> bool:
    """Whether a certificate with these common names comes from a demo PKI."""
    return any(
        (cn or "").startswith(f"{DEMO_PREFIX} ") for cn in (subject_common_name, issuer_common_name)
    )


# --- certificates -------------------------------------------------------------------------


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)


def _now() -> dt.datetime:
    # A minute back so that a certificate made now is already valid for a clock read now.
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=1)


def _years(years: int) -> dt.timedelta:
    return dt.timedelta(days=365 * years + years // 4)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _demo_policy() -> x509.CertificatePolicies:
    notice = x509.UserNotice(notice_reference=None, explicit_text=_DEMO_POLICY_TEXT)
    return x509.CertificatePolicies([x509.PolicyInformation(_DEMO_POLICY_OID, [notice])])


def _root_certificate(key: rsa.RSAPrivateKey, now: dt.datetime) -> x509.Certificate:
    name = _name(ROOT_NAME)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + _years(_ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(_demo_policy(), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    common_name: str,
    key: rsa.RSAPrivateKey,
    issuer_key: rsa.RSAPrivateKey,
    issuer: x509.Certificate,
    not_before: dt.datetime,
    lifetime: dt.timedelta,
    *,
    tsa: bool = False,
) -> x509.Certificate:
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + lifetime)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not tsa,  # non-repudiation, which pyHanko requires
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .add_extension(_demo_policy(), critical=False)
    )
    if tsa:  # RFC 3161: exactly the timeStamping purpose, critical
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _load_root(pki: DemoPki) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    try:
        key = _private_key(pki.root_key)
        cert = x509.load_pem_x509_certificate(pki.root_cert.read_bytes())
    except (OSError, ValueError) as exc:
        raise PkiError(
            _("{folder}: cannot read the demo root CA: {error}").format(
                folder=pki.folder, error=_why(exc)
            )
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PkiError(_("{file}: the demo root key is not an RSA key").format(file=pki.root_key))
    return key, cert


def _private_key(path: Path) -> PrivateKeyTypes:
    """The private key in the PEM file ``path``, read once per process while the file stays
    the same: reading one checks the key, about 50 ms for the demo PKI's 2048-bit keys, and
    every DEMO signature from B-T on reads the TSA's key and from B-LT on the root's too
    (for its CRL). Raises :class:`OSError` or :class:`ValueError` as reading it does."""
    info = path.stat()
    identity = (path, info.st_ino, info.st_size, info.st_mtime_ns)
    key = _private_keys.get(identity)
    if key is None:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if len(_private_keys) >= _KEPT_KEYS:
            _private_keys.clear()
        _private_keys[identity] = key
    return key


#: The keys :func:`_private_key` has read, by file and what ``stat`` says of it then (a file
#: written anew, e.g. a demo PKI made again, has another inode and time).
_private_keys: dict[tuple[Path, int, int, int], PrivateKeyTypes] = {}
_KEPT_KEYS = 16


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


# --- files --------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """An ASCII file-name part for ``text``, with a short hash so distinct names never meet."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48] or "signer"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (made with the folder, mode 0700)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with (folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except OSError as exc:
        raise PkiError(
            _("{folder}: cannot use the demo PKI folder: {reason}").format(
                folder=folder, reason=os_reason(exc)
            )
        ) from exc


def _write_private(path: Path, data: bytes) -> None:
    _write_atomic(path, data, 0o600)


def _write_public(path: Path, data: bytes) -> None:
    _write_atomic(path, data, 0o644)


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    atomic_write(path, data, mode=mode)


def _why(exc: OSError | ValueError) -> str:
    """Why a file of the demo PKI could not be read, in the language of messages."""
    return os_reason(exc) if isinstance(exc, OSError) else str(exc)
