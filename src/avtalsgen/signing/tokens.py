"""Opening a key: a PKCS#12 file decrypted or a PKCS#11 token logged in to, its objects and its
certificate checked before anything is signed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator
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
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from avtalsgen.i18n import _, _l
from avtalsgen.pdf.pdfa import VerificationError
from avtalsgen.signing.keysource import KeySource, KeyUnusable, Pkcs11Key, Pkcs12Key
from avtalsgen.signing.names import common_name
from avtalsgen.signing.reasons import because
from avtalsgen.signing.verify import load_certificates


@dataclass(frozen=True)
class OpenKey:
    """A key opened once (a card logged in to with its PIN, a PKCS#12 file decrypted) to
    sign several packets with (:func:`open_key`): :func:`sign_packet` takes it as it takes
    a :data:`KeySource`, and neither asks the card for the PIN again nor opens the file."""

    signer: Signer = field(repr=False)
    folder: Path = field(repr=False)
    """Where the appearance fonts made for it are kept while it is open."""
    fonts: dict[tuple[Path, str], Path] = field(default_factory=dict, repr=False)
    """The appearance fonts made for it (:func:`~avtalsgen.signing.appearance.stamp_font`),
    by font and text."""


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
        check_certificate(cert, common_name(cert.subject), dt.datetime.now(dt.UTC))
        yield OpenKey(signer, Path(tmp))


@contextlib.contextmanager
def signer_of(key: KeySource | OpenKey) -> Iterator[tuple[Signer, OpenKey | None]]:
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
        cause = because(exc)
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
        cause = because(exc)
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
        cause = because(exc)
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
        cause = because(exc)
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
        cause = because(exc)
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
        cause = because(exc)
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


def check_certificate(cert: x509.Certificate, name: str, now: dt.datetime) -> None:
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
