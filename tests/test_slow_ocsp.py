"""A revocation that only the OCSP responder knows of yet (the CA's weekly CRL does not list
it) stops a signature even when the responder is slow to answer (a loaded machine, a slow
network, a responder's clock a little ahead): the check before signing waits for the answer
and takes it, instead of setting it aside as dated after the check began."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest
from certomancer.registry import CertLabel
from local_pki import LocalPki, running_pki, session_keys

from avtalsgen import i18n
from avtalsgen.signing.longterm import LongTermError, check_signer, signing_context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPki]:
    """The services, for the module's tests: each revokes and slows them as it needs."""
    with running_pki(tmp_path_factory.mktemp("pki"), session_keys(tmp_path_factory)) as pki:
        yield pki


#: The responder answers at once, or 1.5 s late: its answer (dated when it answers, to the
#: microsecond) is then dated more than pyHanko's default tolerance of one second after the
#: check began, which set it aside (with that tolerance this test fails).
@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_a_recent_revocation_stops_the_signature_however_slow_the_responder(
    pki: LocalPki, delay: float
) -> None:
    i18n.set_language("en")
    pki.revoke("revoked", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    pki.slow_ocsp(delay)
    before = len(pki.requests)
    cert = pki.arch.get_cert(CertLabel("revoked"))
    chain = [pki.arch.get_cert(CertLabel("interm"))]
    roots = [pki.arch.get_cert(CertLabel("root"))]
    try:
        with pytest.raises(LongTermError) as refused:
            asyncio.run(check_signer(cert, chain, signing_context(roots, chain)))
    finally:
        pki.slow_ocsp(0)
    assert str(refused.value).startswith("the certificate of LOCAL Revoked Signer is revoked")
    asked = pki.requests[before:]
    assert any("/ocsp/" in path for path in asked), asked
