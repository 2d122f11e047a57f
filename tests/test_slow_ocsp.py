"""A revocation that only the OCSP responder knows of yet (the CA's weekly CRL does not list
it) stops a signature even when the responder is slow to answer (a loaded machine, a slow
network, a responder's clock a little ahead): the check before signing waits for the answer
and takes it, instead of setting it aside as dated after the check began."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from certomancer.registry import CertLabel
from local_pki import make_keys, running_pki

from avtalsgen import i18n
from avtalsgen.signing.longterm import LongTermError, check_signer, signing_context


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.mark.parametrize("delay", [0.0, 2.5])
def test_a_recent_revocation_stops_the_signature_however_slow_the_responder(
    tmp_path: Path, keys: Path, delay: float
) -> None:
    i18n.set_language("en")
    with running_pki(tmp_path / "pki", keys) as pki:
        pki.revoke("revoked", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        pki.slow_ocsp(delay)
        cert = pki.arch.get_cert(CertLabel("revoked"))
        chain = [pki.arch.get_cert(CertLabel("interm"))]
        roots = [pki.arch.get_cert(CertLabel("root"))]
        with pytest.raises(LongTermError) as refused:
            asyncio.run(check_signer(cert, chain, signing_context(roots, chain)))
        assert str(refused.value).startswith("the certificate of LOCAL Revoked Signer is revoked")
        assert any("/ocsp/" in path for path in pki.requests), pki.requests
