"""The server's seal is the region's key: it signs the region's field, never the actor's.
A server with ``--seal-p12`` signed both fields of a packet with it, and the packet then
counted as signed by both parties (found by qa20). The sign page says why instead of
offering the button, the form sent anyway and the signing of many packets are refused,
the packet byte for byte as it was; the region's field is signed with the seal as before.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest
from webtools import SEAL_PASSPHRASE_ENV, client_for, csrf_of, sealed_workspace

DNR = "RUN-90001-2023"

pytestmark = [pytest.mark.libreoffice]

REFUSAL = (
    "Tjänstens nyckel är regionens sigill, och fältet aktör är aktörens: aktören skriver "
    "under där med en egen nyckel"
)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(page)))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_seal_signs_the_regions_field_and_never_the_actors(
    tmp_path: Path, complete_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, passphrase = sealed_workspace(tmp_path, complete_built)
    monkeypatch.setenv(SEAL_PASSPHRASE_ENV, passphrase)
    packet = config.output / DNR / "paket.pdf"
    before = sha(packet)
    with client_for(config, "signer") as client:
        # The packet list offers the seal many packets of the region's field, not the actor's.
        listed = client.get("/paket").text
        assert 'href="/paket/signera?falt=region"' in listed
        assert 'href="/paket/signera?falt=aktor"' not in listed
        form = client.get(f"/paket/{DNR}/signera?falt=aktor")
        assert form.status_code == 200
        said = _text(form.text)
        assert REFUSAL in said, said
        assert 'name="niva"' not in form.text  # no level to choose, no button
        # The form sent all the same: refused, nothing signed.
        region_form = client.get(f"/paket/{DNR}/signera?falt=region").text
        answer = client.post(f"/paket/{DNR}/signera",
                             data={"_csrf_token": csrf_of(region_form), "falt": "aktor",
                                   "niva": "B-B"})  # fmt: skip
        assert answer.status_code == 422
        assert REFUSAL in _text(answer.text)
        assert sha(packet) == before
        # Many packets: refused before the seal is opened.
        page = client.get("/paket/signera?falt=aktor").text
        answer = client.post("/paket/signera",
                             data={"_csrf_token": csrf_of(page), "falt": "aktor", "urval": "",
                                   "niva": "B-B", f"paket:{DNR}": "paket.pdf"})  # fmt: skip
        assert answer.status_code == 422
        assert REFUSAL in _text(answer.text)
        assert sha(packet) == before
        # The region's field is the seal's.
        answer = client.post(f"/paket/{DNR}/signera",
                             data={"_csrf_token": csrf_of(region_form), "falt": "region",
                                   "niva": "B-B"})  # fmt: skip
        assert answer.status_code == 200, _text(answer.text)
        assert f"Signerat: {DNR}" in answer.text
    assert sha(packet) != before
