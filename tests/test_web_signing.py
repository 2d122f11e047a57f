"""Signing from the web at a chosen PAdES level, as ``avtalsgen sign --niva``: the level's
choice with what it means to the archive, the time-stamping authority and CRL files from
the server's settings, and a level the server cannot reach refused at its field."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from webtools import SEAL_PASSPHRASE_ENV, csrf_of, login, sealed_workspace, workspace

from avtalsgen import i18n
from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig

DNR = "RUN-90001-2023"

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebConfig]:
    """A server with a seal of its own and no time-stamping authority (see
    webtools.sealed_workspace)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    config, passphrase = sealed_workspace(tmp_path_factory.mktemp("sealed"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SEAL_PASSPHRASE_ENV, passphrase)
        yield config


def _sign(client: TestClient, level: str) -> str:  # type: ignore[type-arg]
    form = client.get(f"/paket/{DNR}/signera?falt=region")
    assert form.status_code == 200
    response = client.post(f"/paket/{DNR}/signera",
                           data={"_csrf_token": csrf_of(form.text), "falt": "region",
                                 "niva": level})  # fmt: skip
    return response.text


def test_a_level_that_needs_a_time_stamp_is_refused_at_its_field_without_one(
    sealed: WebConfig,
) -> None:
    packet = sealed.output / DNR / "paket.pdf"
    before = packet.read_bytes()
    i18n.set_language("sv")
    with TestClient(create_app(sealed)) as client:
        login(client, "signer")
        form = client.get(f"/paket/{DNR}/signera?falt=region").text
        # Every level, each with what it means to the archive; B-B first without a TSA.
        for level in ("B-B", "B-T", "B-LT", "B-LTA"):
            assert f'id="niva-{level}" name="niva" value="{level}"' in form
        assert re.search(r'value="B-B" checked', form)
        assert "dokumenttidsstämpel" in form and "valideringsdata" in form
        assert "Tidsstämpeltjänst: ingen inställd" in form
        for level in ("B-T", "B-LT", "B-LTA"):
            page = _sign(client, level)
            assert 'role="alert"' in page and "Inte signerat" in page
            radio = re.search(rf'<input type="radio" id="niva-{level}"[^>]*>', page)
            assert radio and 'aria-invalid="true"' in radio.group(0)
            assert 'aria-describedby="niva-fel niva-' in radio.group(0)
            assert re.search(
                rf'id="niva-fel">{level} kräver en tidsstämpel, men servern har ingen '
                r"tidsstämpeltjänst inställd \(avtalsgen serve --tsa eller AVTALSGEN_TSA_URL\)",
                page,
            )
        assert packet.read_bytes() == before, "nothing signed"
        assert "Välj en av nivåerna B-B, B-T, B-LT, B-LTA." in _sign(client, "B-X")
        assert packet.read_bytes() == before
        # B-B needs no time stamp: signed with the seal.
        page = _sign(client, "B-B")
        assert f"Signerat: {DNR}" in page
        row = re.search(r"<tr><td>region</td>.*?</tr>", page, re.S)
        assert row and "<td>B-B</td>" in row.group(0)
    with sqlite3.connect(sealed.database) as conn:
        details = [row[0] for row in conn.execute("SELECT detail FROM audit WHERE action = 'sign'")]
    assert details == ["fält region, B-B"], "the level recorded; nothing tried before it"
    i18n.set_language(None)


def test_the_demo_key_signs_at_every_level_offline(tmp_path: Path, sealed: WebConfig) -> None:
    # A copy of the built case without the seal: the DEMO key, its own authority and CRL.
    config = workspace(tmp_path / "ws")
    shutil.copytree(sealed.output / DNR, config.output / DNR)
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        form = client.get(f"/paket/{DNR}/signera?falt=aktor").text
        assert "DEMO-nyckelns egen" in form and "kräver en tidsstämpel" not in form
        page = client.post(f"/paket/{DNR}/signera",
                           data={"_csrf_token": csrf_of(form), "falt": "aktor",
                                 "niva": "B-LTA"}).text  # fmt: skip
        assert f"Signerat: {DNR}" in page, page
        row = re.search(r"<tr><td>aktor</td>.*?</tr>", page, re.S)
        assert row and "<td>B-LTA</td>" in row.group(0)
        assert client.get(f"/paket/{DNR}/signera?falt=okänt").status_code == 404
        assert client.get("/paket/RUN-99999-2023/signera?falt=region").status_code == 404
    i18n.set_language(None)
