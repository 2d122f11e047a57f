"""The web's Verifiera judges a packet's party fields as ``avtalsgen verify`` does (one
judgement: signing/judged.py): the region's key in the actor's field is no signature of the
actor's, whether that key is the server's seal (whatever its certificate's organisation) or
a certificate of the region's organisation. It checked one key in both fields only, and
called both packets here 'fullständigt'.

Real pyHanko signatures and validation on the example case RUN-90001-2023 built by
LibreOffice (conftest.complete_built); the server's seal is a copy of a DEMO signer
(organisation DEMO avtalsgen), the other keys of a test CA of the test's own."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from certificates import PASSPHRASE, make_ca, p12
from webtools import SEAL_PASSPHRASE_ENV, SIGNATORY, client_for, csrf_of, sealed_workspace

DNR = "RUN-90001-2023"

pytestmark = [pytest.mark.libreoffice]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(page)))


def _sign(packet: Path, field: str, key: Path, passphrase: bytes) -> None:
    """Sign as the web's seal and `sign` did before they refused the region's key in the
    actor's field (the party check not made)."""
    import avtalsgen.signing.sign as signing
    from avtalsgen.signing.keysource import Pkcs12Key

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing, "_check_party", lambda *args: None)
        signing.sign_packet(packet, packet, field, Pkcs12Key(key, passphrase), role="",
                            overwrite=True)  # fmt: skip


def test_verifiera_finds_the_regions_key_in_the_actors_field(
    tmp_path: Path, complete_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, passphrase = sealed_workspace(tmp_path, complete_built)
    monkeypatch.setenv(SEAL_PASSPHRASE_ENV, passphrase)
    ca = make_ca(tmp_path)
    monkeypatch.setenv("AVTALSGEN_TRUST", str(ca.root))  # the server trusts the test CA
    assert config.seal_p12 is not None
    packet = config.output / DNR / "paket.pdf"
    unsigned = packet.read_bytes()
    region = p12(ca, tmp_path / "region.p12", SIGNATORY)
    # The output folder's packet: the actor's field signed with the server's seal.
    _sign(packet, "region", region, PASSPHRASE.encode())
    _sign(packet, "aktor", config.seal_p12, passphrase.encode())
    # A copy of the same packet: the actor's field signed with a certificate of the region.
    other = tmp_path / "kopia.pdf"
    other.write_bytes(unsigned)
    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    _sign(other, "region", region, PASSPHRASE.encode())
    _sign(other, "aktor", seal, PASSPHRASE.encode())
    with client_for(config, "lasare") as client:
        pages = []
        for name, data in (("paket.pdf", packet.read_bytes()), ("kopia.pdf", other.read_bytes())):
            token = csrf_of(client.get("/verifiera").text)
            answer = client.post("/verifiera", data={"_csrf_token": token},
                                 files={"fil": (name, data, "application/pdf")})  # fmt: skip
            assert answer.status_code == 200
            pages.append(_text(answer.text))
    sealed, certified = pages
    # The log calls neither valid (it called them 'godkänd').
    from avtalsgen.web import audit

    logged = [entry.detail for entry in audit.entries(config.database)[:2]]
    assert sorted(logged) == ["kopia.pdf: inte godkänd", "paket.pdf: inte godkänd"], logged
    assert "fullständigt: alla fält" not in sealed
    assert (
        "INTE underskrivet av båda parterna: aktörens fält 'aktor' är underskrivet med en nyckel "
        "som är regionens (DEMO Regional utvecklingsdirektör, regionens sigill): aktören har "
        "inte skrivit under paketet, och dess fält är upptaget. Ett nytt paket behövs"
    ) in sealed, sealed
    # The server's paths and commands are not shown: the step is named.
    assert "bygg ärendet igen, och låt var part" in sealed, sealed
    assert str(tmp_path) not in sealed and "avtalsgen build" not in sealed
    assert "fullständigt: alla fält" not in certified
    assert (
        "INTE underskrivet av båda parterna: aktörens fält 'aktor' är underskrivet med en nyckel "
        "som är regionens (Region Norrbotten sigill, Region Norrbotten): aktören har inte "
        "skrivit under paketet, och dess fält är upptaget. Den här filen är en kopia av "
        f"{DNR}/paket.pdf i utdatamappen, men underskriven på annat sätt än den filen: verifiera "
        f"{DNR}/paket.pdf"
    ) in certified, certified
