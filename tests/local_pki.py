"""A PKI with real trust services on 127.0.0.1, for the long-term signature tests.

certomancer (the PKI test tool by pyHanko's author) issues the certificates from a
configuration made here: a root CA, an intermediate CA that issues the signers'
certificates, an OCSP responder for the intermediate, CRLs of both CAs and a time-stamping
authority. Its Animator (a WSGI application) serves the OCSP responder, the CRLs and the
TSA over HTTP on 127.0.0.1, on a port chosen when the server starts; every certificate
points at them (AIA for OCSP, CRL distribution points). The keys are made once per test
session with cryptography (certomancer wants them as files).

:meth:`LocalPki.revoke` marks a certificate revoked from a given time on: the services
answer accordingly from then on (the certificates themselves stay byte for byte the same,
as certomancer issues them from the same configuration). :meth:`LocalPki.stop` shuts the
services down for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import made_once, shared_folder
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ARCH = "avtalsgen-test"
PASSPHRASE = b"local-test"
SIGNERS = ("region", "aktor", "revoked")
"""The signers' certificates: the region's, the actor's, and one that a test revokes."""
_KEYS = ("root", "interm", "interm-ocsp", "tsa", *SIGNERS)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _ParsedKeys:
    """certomancer's cryptography backend, with each private key parsed once.

    certomancer parses the DER of a CA's or service's private key again for every
    signature it makes (each certificate it issues, OCSP answer, CRL and time stamp), and
    cryptography checks an RSA key as it parses it: 0.05-0.1 s a time, more than the
    signature itself, so that the services' answers came a second or more late in the
    long-term tests. The keys are the tests' own (:func:`make_keys`); the signatures are
    the same RSA signatures, made with the same keys."""

    def __init__(self) -> None:
        from certomancer.crypto_utils import PycaCryptographyBackend

        self._backend = PycaCryptographyBackend()
        self._private: dict[bytes, Any] = {}
        self._loaded: dict[tuple[bytes, bytes | None], Any] = {}

    def load_private_key(self, key_bytes: bytes, password: bytes | None) -> Any:
        if (key_bytes, password) not in self._loaded:
            self._loaded[key_bytes, password] = self._backend.load_private_key(key_bytes, password)
        return self._loaded[key_bytes, password]

    def generic_sign(self, private_key: Any, tbs_bytes: bytes, sd_algo: Any) -> bytes:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        if sd_algo.signature_algo != "rsassa_pkcs1v15":
            return bytes(self._backend.generic_sign(private_key, tbs_bytes, sd_algo))
        der = private_key.dump()
        if der not in self._private:
            self._private[der] = serialization.load_der_private_key(der, password=None)
        key = self._private[der]
        assert isinstance(key, rsa.RSAPrivateKey)
        digest = getattr(hashes, sd_algo.hash_algo.upper())()
        return key.sign(tbs_bytes, padding.PKCS1v15(), digest)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


def _parse_keys_once() -> None:
    """Make certomancer sign with :class:`_ParsedKeys` (once per process)."""
    from certomancer import crypto_utils

    if not isinstance(crypto_utils.CRYPTO_BACKEND, _ParsedKeys):
        crypto_utils.CRYPTO_BACKEND = _ParsedKeys()  # type: ignore[assignment]


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


_MADE: dict[str, Path] = {}


def session_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`make_keys` once for the test session, in its folder that its test processes
    share (conftest.made_once): every test module's PKI has the same keys (each its own
    certificates and services)."""
    if "keys" not in _MADE:
        folder = shared_folder(tmp_path_factory) / "local-pki-keys"
        with made_once(folder) as to_make:
            if to_make:
                make_keys(folder)
        _MADE["keys"] = folder
    return _MADE["keys"]


def make_keys(folder: Path) -> Path:
    """RSA keys for every certificate of :func:`config`, as PEM files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for label in _KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return folder


def config(url: str, start: dt.datetime) -> dict[str, Any]:
    """certomancer's configuration: the certificates valid from ``start`` (two years for the
    signers), the services at ``url``."""
    valid = {"valid-from": _time(start), "valid-to": _time(start + dt.timedelta(days=3650))}
    signer_valid = {"valid-from": _time(start), "valid-to": _time(start + dt.timedelta(days=730))}
    signer: dict[str, Any] = {
        "issuer": "interm",
        "validity": signer_valid,
        "profiles": ["digsig-commitment"],
    }
    names = {
        "root": "LOCAL avtalsgen test root CA",
        "interm": "LOCAL avtalsgen test issuing CA",
        "interm-ocsp": "LOCAL avtalsgen test OCSP responder",
        "tsa": "LOCAL avtalsgen test time-stamping authority",
        "region": "LOCAL Region Norrbotten",
        "aktor": "LOCAL Swedish Lapland Visitors Board",
        "revoked": "LOCAL Revoked Signer",
    }
    return {
        "external-url-prefix": url,
        "keysets": {
            "test": {"keys": {label: {"path": f"{label}.key.pem"} for label in _KEYS}},
        },
        "pki-architectures": {
            ARCH: {
                "keyset": "test",
                "entity-defaults": {"country-name": "SE", "organization-name": "avtalsgen tests"},
                "entities": {label: {"common-name": name} for label, name in names.items()},
                "certs": {
                    "root": {
                        "issuer": "root",
                        "validity": valid,
                        "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": valid,
                        "profiles": [
                            {
                                "id": "simple-ca",
                                "params": {
                                    "max-path-len": 0,
                                    "crl-repo": "interm",
                                    "ocsp-service": "interm",
                                },
                            }
                        ],
                    },
                    "interm-ocsp": {
                        "issuer": "interm",
                        "validity": valid,
                        "profiles": ["ocsp-responder"],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": valid,
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature"],
                                },
                            },
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["time_stamping"],
                            },
                        ],
                    },
                    **{label: dict(signer) for label in SIGNERS},
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P7D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P7D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


class _Switch:
    """A WSGI application that hands every request to the current Animator."""

    def __init__(self) -> None:
        self.app: WsgiApp | None = None
        self.requests: list[str] = []
        self.ocsp_delay = 0.0
        """Seconds the OCSP responder waits before it answers (a slow network or machine)."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        self.requests.append(path)
        if self.ocsp_delay and "/ocsp/" in path:
            time.sleep(self.ocsp_delay)
        assert self.app is not None
        return self.app(environ, start_response)


class LocalPki:
    """certomancer's PKI with its services running on 127.0.0.1 (see the module docstring)."""

    def __init__(self, folder: Path, keys: Path) -> None:
        from werkzeug.serving import make_server

        self.folder = folder
        self.keys = keys
        self._switch = _Switch()
        self._packaged: set[str] = set()
        self._server = make_server("127.0.0.1", 0, self._switch, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
        self.start = start
        """When the certificates became valid, and when the CAs issued their CRLs (weekly)."""
        self._config = config(self.url, start)
        self._load()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.running = True
        folder.mkdir(parents=True, exist_ok=True)
        self.root_pem = folder / "root.pem"
        self.root_pem.write_bytes(self.pem("root"))
        self.tsa_url = f"{self.url}/{ARCH}/tsa/tsa"

    def _load(self) -> None:
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from certomancer.registry import ArchLabel, CertomancerConfig

        _parse_keys_once()
        cfg = CertomancerConfig(self._config, key_search_dir=str(self.keys))
        self.arch = cfg.get_pki_arch(ArchLabel(ARCH))
        self._switch.app = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)

    def slow_ocsp(self, seconds: float) -> None:
        """The OCSP responder answers ``seconds`` after it is asked (0: at once)."""
        self._switch.ocsp_delay = seconds

    @property
    def requests(self) -> list[str]:
        """The paths of every request the services got, in order."""
        return self._switch.requests

    def pem(self, label: str) -> bytes:
        """The certificate ``label`` as PEM."""
        from asn1crypto import pem
        from certomancer.registry import CertLabel

        der = self.arch.get_cert(CertLabel(label)).dump()
        return bytes(pem.armor("CERTIFICATE", der))

    def pkcs12(self, label: str) -> Path:
        """A PKCS#12 file with the key and certificate ``label`` and its chain
        (passphrase :data:`PASSPHRASE`)."""
        from certomancer.registry import CertLabel

        path = self.folder / f"{label}.p12"
        if label not in self._packaged:  # the same certificate after a revocation too
            path.write_bytes(self.arch.package_pkcs12(CertLabel(label), password=PASSPHRASE))
            self._packaged.add(label)
        return path

    def revoke(self, label: str, since: dt.datetime) -> None:
        """The certificate ``label`` is revoked (key compromise) from ``since`` on."""
        certs = self._config["pki-architectures"][ARCH]["certs"]
        certs[label] = {
            **certs[label],
            "revocation": {"revoked-since": _time(since), "reason": "key_compromise"},
        }
        self._load()

    def stop(self) -> None:
        """Shut the services down: nothing answers on their port any more."""
        if self.running:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(10)
            self.running = False


@contextlib.contextmanager
def running_pki(folder: Path, keys: Path) -> Iterator[LocalPki]:
    """A :class:`LocalPki` in ``folder`` with the keys of ``keys``, stopped at the end."""
    pki = LocalPki(folder, keys)
    try:
        yield pki
    finally:
        pki.stop()
