"""Which key signs, and which roots the report trusts: a PKCS#12 file, a PKCS#11 token, or,
when neither is given, the local DEMO key of the field's signatory (the demo PKI is made on
first use). The command line asks for nothing itself but the secret: passphrases and PINs
come from the caller (an environment variable or a prompt), never from the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyhanko.sign.timestamps import TimeStamper

from avtalsgen.i18n import N_, _
from avtalsgen.signing.keysource import KeySource, Pkcs11Key, Pkcs12Key, SigningError
from avtalsgen.signing.longterm import RevocationSources

#: Environment variables that hold a PKCS#12 passphrase or a PKCS#11 PIN (never argv).
PASSPHRASE_ENV = "AVTALSGEN_P12_PASSPHRASE"
PIN_ENV = "AVTALSGEN_PKCS11_PIN"
#: Who signs each field by default: the role shown in the signature's appearance.
DEFAULT_ROLES = {
    "region": "Regional utvecklingsdirektör",
    "aktor": "Firmatecknare",
    "utdragsbestyrkande": "Sekreterare",
}
#: The prompts for a secret, by the variable that may hold it instead.
PROMPTS = {PASSPHRASE_ENV: N_("PKCS#12 passphrase"), PIN_ENV: N_("PIN")}

#: Asks for a secret: (environment variable, prompt) -> the secret.
SecretSource = Callable[[str, str], str]


@dataclass(frozen=True)
class KeyChoice:
    """The key to sign with, the role to show, and the roots the report trusts."""

    key: KeySource = field(repr=False)
    role: str
    roots: tuple[Path, ...]
    demo: bool
    """Whether the key is the local DEMO key (every verify of the packet then says DEMO)."""


@dataclass(frozen=True)
class KeyRequest:
    """The key the command line names: a PKCS#12 file, or a PKCS#11 module with the labels
    of its token and key; neither: the field's DEMO key."""

    p12: Path | None = None
    pkcs11_lib: Path | None = None
    token: str | None = None
    key_label: str | None = None


def choose_key(
    field_name: str,
    request: KeyRequest,
    secret: SecretSource,
    role: str | None = None,
    trust: Sequence[Path] = (),
) -> KeyChoice:
    """The key for signing ``field_name`` that ``request`` names, or else the DEMO key of
    the field's signatory. The report trusts ``trust`` and the local DEMO root if there is
    one. ``secret`` gives the passphrase or PIN.

    The caller has refused both kinds of key at once, and a module without its labels (a
    usage error of the command line). Raises :class:`avtalsgen.signing.pki.PkiError` when
    the demo PKI cannot be made.
    """
    from avtalsgen.signing.pki import default_demo_pki_dir, ensure_demo_pki, ensure_demo_signer

    role = role or DEFAULT_ROLES.get(field_name, field_name)
    roots = list(trust)
    demo_root = default_demo_pki_dir() / "root.pem"
    if demo_root.is_file():
        roots.append(demo_root)
    if request.p12 is not None:
        passphrase = secret(PASSPHRASE_ENV, _(PROMPTS[PASSPHRASE_ENV]))
        key: KeySource = Pkcs12Key(request.p12, passphrase.encode())
        return KeyChoice(key, role, tuple(roots), demo=False)
    if request.pkcs11_lib and request.token is not None and request.key_label is not None:
        pin = secret(PIN_ENV, _(PROMPTS[PIN_ENV]))
        key = Pkcs11Key(request.pkcs11_lib, request.token, request.key_label, pin)
        return KeyChoice(key, role, tuple(roots), demo=False)
    pki = ensure_demo_pki()
    signer = ensure_demo_signer(pki, DEFAULT_ROLES.get(field_name, field_name))
    if pki.root_cert not in roots:
        roots.append(pki.root_cert)
    return KeyChoice(Pkcs12Key(signer.pkcs12, signer.passphrase), role, tuple(roots), True)


def timestamp_source(choice: KeyChoice, level: str | None, tsa: str | None) -> TimeStamper | None:
    """The time-stamping authority for a signature at ``level`` when no ``tsa`` URL is
    given: none for a real key (sign_packet asks for --tsa where the level needs one), and
    for the DEMO key from B-T on the demo PKI's own authority, in process, offline."""
    if tsa is not None or not choice.demo or level in (None, "B-B"):
        return None
    from avtalsgen.signing.pki import demo_timestamper, ensure_demo_pki

    return demo_timestamper(ensure_demo_pki())


def revocation_sources(choice: KeyChoice, crls: Sequence[Path]) -> RevocationSources:
    """Where the validation data of B-LT and B-LTA comes from: the CRL files ``crls`` if
    any are given; else, for the DEMO key, the DEMO root's CRL, issued now in process; else
    the services the certificates name, fetched.

    Raises :class:`avtalsgen.signing.keysource.SigningError` naming a CRL file that cannot be read.
    """
    from asn1crypto import crl

    from avtalsgen.signing.longterm import LongTermError, load_crls

    if crls:
        try:
            return load_crls(crls)
        except LongTermError as exc:
            raise SigningError(exc.message) from exc
    if not choice.demo:
        return RevocationSources()
    from avtalsgen.signing.pki import demo_crl, ensure_demo_pki

    return RevocationSources((crl.CertificateList.load(demo_crl(ensure_demo_pki())),))
