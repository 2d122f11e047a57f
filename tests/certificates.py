"""Certificates as a region's CA issues them, for tests that need a key that is not the
DEMO PKI's (whose names all start with DEMO): a root CA of the test's own, and signers with
a person's name or the region's organisation in PKCS#12 files (made with cryptography)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE = "Parternas-losen-2026"


@dataclass(frozen=True)
class Ca:
    root: Path
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def _name(common: str, organisation: str | None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def make_ca(folder: Path) -> Ca:
    """A root CA of a test's own (not the DEMO PKI's), its certificate in ``folder``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    name = _name("Test-CA Norrbotten", "Test-CA")
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=60))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    root = folder / "ca.pem"
    root.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Ca(root, key, cert)


def p12(ca: Ca, path: Path, common: str, organisation: str | None = None) -> Path:
    """A signer's key and certificate (``common``, of ``organisation``) issued by ``ca``,
    in a PKCS#12 file of :data:`PASSPHRASE`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common, organisation))
        .issuer_name(ca.cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(ca.key, hashes.SHA256())
    )  # fmt: skip
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            common.encode(), key, cert, [ca.cert],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )  # fmt: skip
    return path
