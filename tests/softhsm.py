"""A SoftHSM2 token for tests: its own config and token folder, a signer key and certificate.

SoftHSM2 reads ``SOFTHSM2_CONF`` once, when a process first loads the module, so a test
session uses one config: :func:`make_token` sets the variable, and tests that need a token
share it (pytest's ``session`` scope). The key is imported with ``softhsm2-util --import``
and the certificate written with python-pkcs11, as a smart card would hold them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from pkcs11 import Attribute, CertificateType, ObjectClass

from avtalsgen.signing.sign import PKCS11_LIBRARIES

TOKEN_LABEL = "avtalsgen-test"
KEY_LABEL = "signer"
USER_PIN = "123456"
SO_PIN = "87654321"
KEY_ID = b"\x01"


@dataclass(frozen=True)
class Token:
    """An initialised SoftHSM2 token holding one signer key and its certificate."""

    library: Path
    config: Path
    label: str
    key_label: str
    pin: str


def softhsm_library() -> Path | None:
    """The SoftHSM2 PKCS#11 module, wherever this system's package put it."""
    for candidate in PKCS11_LIBRARIES:
        if "softhsm" in candidate.name and candidate.is_file():
            return candidate
    return None


def available() -> bool:
    """Whether SoftHSM2 (module and softhsm2-util) is installed."""
    return softhsm_library() is not None and shutil.which("softhsm2-util") is not None


def make_token(folder: Path, p12: Path, passphrase: bytes) -> Token:
    """Make a token in ``folder`` and import the key and certificate of ``p12`` into it.

    Sets ``SOFTHSM2_CONF`` for this process (SoftHSM2 reads it once, at first load).
    """
    library = softhsm_library()
    assert library is not None, "SoftHSM2 is not installed"
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    config = folder / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n",
        encoding="utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(config)
    key, cert, _ = pkcs12.load_key_and_certificates(p12.read_bytes(), passphrase)
    assert key is not None and cert is not None
    key_pem = folder / "key.pem"
    key_pem.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    key_pem.chmod(0o600)
    _util("--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN)
    _util(
        "--import", str(key_pem), "--token", TOKEN_LABEL, "--label", KEY_LABEL,
        "--id", KEY_ID.hex(), "--pin", USER_PIN,
    )  # fmt: skip
    key_pem.unlink()
    _write_certificate(library, cert)
    return Token(library, config, TOKEN_LABEL, KEY_LABEL, USER_PIN)


def _util(*args: str) -> None:
    subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, text=True)


def _write_certificate(library: Path, cert: x509.Certificate) -> None:
    token = pkcs11.lib(str(library)).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: KEY_ID,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
            }
        )
