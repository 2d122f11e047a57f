"""Signing one field of many packets from the web, as ``avtalsgen sign MAPP`` does
(signing/batch.py): every packet of the output folder, or of a meeting's cases, screened
before the key is opened (signed already, no agreement after an avslag, unknown facts), the
server's key opened once, a line for each packet and a summary; a key that cannot sign stops
at once and leaves every file as it was.

The example cases are built once for the session by LibreOffice with the region's signatory
named (conftest.every_case_built: every fact of three of them known)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import sqlite3
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from webtools import SEAL_PASSPHRASE_ENV, client_for, csrf_of, every_case_workspace, speaking

from avtalsgen.web.config import WebConfig

pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]

#: The packets whose region field may be signed now.
READY = ("RUN-90001-2023", "RUN-90003-2025", "RUN-90004-2024")
#: The rejected case's packet (no field) and the seed's (seven unknown facts).
REJECTED, SEED = "RUN-90003-2024", "RUN-00386-2023"


def _text(html: str) -> str:
    """The words of ``html``: a Dnr's or a date's span (kept on one line) is no word's end."""
    html = re.sub(r"</?span[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _screening(html: str) -> dict[str, str]:
    """Each packet's screening on the page, by Dnr."""
    found = re.findall(r'<td id="granskning-(RUN-\d{5}-\d{4})">(.*?)</td>', html, re.S)
    return {dnr: _text(cell) for dnr, cell in found}


def _ticked(html: str) -> dict[str, str]:
    """The checkboxes of the packets to sign, as the form sends them."""
    return dict(re.findall(r'name="(paket:RUN-\d{5}-\d{4})" value="([^"]+)" checked', html))


def _lines(html: str) -> list[str]:
    return [_text(line) for line in re.findall(r'<li class="sign-\w+">(.*?)</li>', html, re.S)]


def _summary(html: str) -> str:
    found = re.search(r'role="status">.*?<p><strong>(.*?)</strong></p>', html, re.S)
    assert found, html
    return _text(found.group(1))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _post(client: Any, page: str, **fields: str) -> Any:
    return client.post("/paket/signera", data={"_csrf_token": csrf_of(page), **fields})


def _signatures(config: WebConfig, dnr: str) -> list[tuple[str, bool, bool]]:
    """Each signature of the case's packet as `avtalsgen verify` finds it: field, intact
    (and covering what it should), trusted (the DEMO root)."""
    from avtalsgen.signing.pki import default_demo_pki_dir
    from avtalsgen.signing.verify import verify_packet

    report = verify_packet(config.output / dnr / "paket.pdf",
                           [default_demo_pki_dir() / "root.pem"])  # fmt: skip
    return [(sig.field, not sig.problems, sig.trusted) for sig in report.signatures]


def test_every_packet_is_screened_before_the_key_and_those_ticked_are_signed_with_it_once(
    tmp_path: Path, every_case_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsgen.signing import sign as signing

    config = every_case_workspace(tmp_path, every_case_built)
    opened: list[object] = []
    real_open = signing.open_key

    def counted(key: Any) -> Any:
        opened.append(key)
        return real_open(key)

    monkeypatch.setattr(signing, "open_key", counted)
    before = {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in (*READY, REJECTED, SEED)}
    with client_for(config, "signer") as client:
        packets = client.get("/paket").text
        assert 'href="/paket/signera?falt=region">Signera region i många paket</a>' in packets
        assert 'href="/paket/signera?falt=aktor">Signera aktör i många paket</a>' in packets
        page = client.get("/paket/signera?falt=region").text
        screening = _screening(page)
        assert len(screening) == 7, screening
        for dnr in READY:
            assert screening[dnr] == (
                "Att signera: region är inte undertecknat än, och inget hindrar att det "
                "undertecknas."
            )
        assert screening[SEED] == (
            f"Hoppas över: {SEED}/paket.pdf: det visar fortfarande 7 okända uppgifter "
            "([uppgift saknas]): fyll i dem på ärendets sida och bygg ärendet igen."
        )
        assert screening[REJECTED].startswith(
            f"Hoppas över: {REJECTED}/paket.pdf: det finns inget avtal att underteckna: "
            f"nämndens beslut i {REJECTED} (avslag, § 195 vid sammanträdet 2024-12-10"
        ), screening[REJECTED]
        assert "3 av 7 paket kan få region undertecknat nu" in _text(page)
        assert _ticked(page) == {f"paket:{dnr}": "paket.pdf" for dnr in READY}
        assert opened == [], "the screening opens no key"
        # Two of the three ticked, and the rejected case's sent as if ticked (a page that
        # is old): screened again, passed by; the one not ticked is left as it was.
        answer = _post(client, page, falt="region", urval="", niva="B-B",
                       **{f"paket:{READY[0]}": "paket.pdf", f"paket:{READY[1]}": "paket.pdf",
                          f"paket:{REJECTED}": "paket.pdf"})  # fmt: skip
        assert answer.status_code == 200, answer.text
        lines = _lines(answer.text)
        assert lines[0].startswith(f"Hoppades över: {REJECTED}/paket.pdf: det finns inget avtal")
        for line, dnr in zip(lines[1:], READY[:2], strict=True):
            assert line.startswith(
                f"Undertecknat: region i {dnr}/paket.pdf, av DEMO Regional utvecklingsdirektör "
                "(B-B, "
            ), line
        assert _summary(answer.text) == "undertecknade: 2, överhoppade: 1, misslyckade: 0"
        assert len(opened) == 1, "the key opened once for the batch"
        assert 'data-history="/paket/signera?falt=region&amp;urval="' in answer.text
        # Now: the two signed are passed by, with who signed them.
        again = _screening(client.get("/paket/signera?falt=region").text)
        for dnr in READY[:2]:
            assert again[dnr] == (
                f"Hoppas över: {dnr}/paket.pdf: region är redan undertecknat, av DEMO "
                "Regional utvecklingsdirektör."
            )
    for dnr in READY[:2]:
        assert _signatures(config, dnr) == [("region", True, True)]
        manifest = json.loads((config.output / dnr / "manifest.json").read_text("utf-8"))
        fields = {s["field"]: s["signer"] for s in manifest["packets"][0]["signatures"]}
        assert fields == {"region": "DEMO Regional utvecklingsdirektör", "aktor": None}
    for dnr in (READY[2], REJECTED, SEED):
        assert _sha(config.output / dnr / "paket.pdf") == before[dnr], dnr
    with sqlite3.connect(config.database) as conn:
        logged = conn.execute("SELECT dnr, detail FROM audit WHERE action = 'sign'").fetchall()
    assert logged == [(dnr, "fält region, B-B") for dnr in READY[:2]]


def test_a_meetings_packets_and_the_page_in_english(tmp_path: Path, every_case_built: Path) -> None:
    config = every_case_workspace(tmp_path, every_case_built)
    with client_for(config, "signer") as client:
        page = client.get("/paket/signera?falt=region&urval=2023-12-05").text
        # RUN-90001-2023's packet is the agreement of § 212 (its tilläggsavtal of 2026
        # waits for it to be signed), the seed's of § 211.
        assert set(_screening(page)) == {SEED, "RUN-90001-2023"}
        assert '<option value="2023-12-05" selected>' in page
        assert "Ärendena som beslutades vid sammanträdet 2023-12-05" in page
        # A day no packet was made from: every packet.
        assert len(_screening(client.get("/paket/signera?urval=1999-01-01").text)) == 7
        assert client.get("/paket/signera?falt=vem").status_code == 404
        with speaking(client, "en"):
            page = client.get("/paket/signera?falt=aktor").text
        assert "<h1>Sign aktör in many packets</h1>" in page
        screening = _screening(page)
        assert screening["RUN-90004-2024"] == (
            "To sign: aktör is not signed yet, and nothing keeps it from being signed."
        )
        assert screening[SEED] == (
            f"Passed by: {SEED}/paket.pdf: it still shows 7 unknown facts ([uppgift saknas]): "
            "fill them in on the case's page and build the case again."
        )
    with client_for(config, "lasare") as client:
        assert client.get("/paket/signera").status_code == 403


def test_nothing_ticked_or_a_level_out_of_reach_signs_nothing(
    tmp_path: Path, every_case_built: Path
) -> None:
    config = every_case_workspace(tmp_path, every_case_built)
    before = {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in READY}
    with client_for(config, "signer") as client:
        page = client.get("/paket/signera").text
        answer = _post(client, page, falt="region", niva="B-B")
        assert answer.status_code == 422
        assert '<a href="#paket-rubrik">Kryssa för minst ett paket att signera.</a>' in answer.text
        answer = _post(client, page, falt="region", niva="B-X", **_ticked(page))
        assert answer.status_code == 422
        assert "Välj en av nivåerna B-B, B-T, B-LT, B-LTA." in answer.text
    assert {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in READY} == before


def test_a_seal_that_cannot_be_opened_stops_before_any_packet_is_touched(
    tmp_path: Path, every_case_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer

    config = every_case_workspace(tmp_path, every_case_built)
    seal = config.data / "sigill.p12"
    shutil.copyfile(ensure_demo_signer(ensure_demo_pki(), "Regional utvecklingsdirektör").pkcs12,
                    seal)  # fmt: skip
    config = dataclasses.replace(config, seal_p12=seal)
    monkeypatch.setenv(SEAL_PASSPHRASE_ENV, "inte-sigillets-lösenfras-42")
    before = {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in READY}
    with client_for(config, "signer") as client:
        page = client.get("/paket/signera").text
        assert "Nyckel: regionens sigill." in _text(page)
        answer = _post(client, page, falt="region", niva="B-B", **_ticked(page))
    assert answer.status_code == 200
    lines = _lines(answer.text)
    assert lines == [
        "Serverns nyckel kan inte underteckna: sigill.p12: fel lösenord till PKCS#12-filen. "
        "Inget undertecknades; den som driver servern anger dess nyckel och lösenfras "
        f"(avtalsgen serve --seal-p12, {SEAL_PASSPHRASE_ENV})."
    ]
    assert "inte-sigillets-lösenfras-42" not in answer.text and str(config.data) not in answer.text
    assert _summary(answer.text) == (
        "undertecknade: 0, överhoppade: 0, misslyckade: 0, inte prövade: 3"
    )
    assert 'class="errors" role="status"' in answer.text
    assert {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in READY} == before


def test_a_key_that_fails_midway_stops_at_that_packet_and_tries_no_other(
    tmp_path: Path, every_case_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card taken out in the middle, as the key sees it: the packet it stopped at is as it
    was, the one before it signed, the one after it not tried."""
    from avtalsgen.signing import sign as signing

    config = every_case_workspace(tmp_path, every_case_built)
    real_sign = signing.sign_packet
    calls: list[Path] = []

    def failing(source: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        if len(calls) == 2:
            raise signing.KeyUnusable("kortet svarar inte")
        return real_sign(source, *args, **kwargs)

    monkeypatch.setattr(signing, "sign_packet", failing)
    before = {dnr: _sha(config.output / dnr / "paket.pdf") for dnr in READY}
    with client_for(config, "signer") as client:
        page = client.get("/paket/signera").text
        answer = _post(client, page, falt="region", niva="B-B", **_ticked(page))
    lines = _lines(answer.text)
    assert lines[0].startswith(f"Undertecknat: region i {READY[0]}/paket.pdf, av DEMO")
    assert lines[1:] == [
        f"Stannade vid {READY[1]}/paket.pdf: serverns nyckel kan inte underteckna: "
        "kortet svarar inte. Filen är som den var, och 1 paket efter det prövades inte."
    ]
    assert _summary(answer.text) == (
        "undertecknade: 1, överhoppade: 0, misslyckade: 1, inte prövade: 1"
    )
    assert len(calls) == 2
    assert _signatures(config, READY[0]) == [("region", True, True)]
    for dnr in READY[1:]:
        assert _sha(config.output / dnr / "paket.pdf") == before[dnr], dnr


def test_a_key_that_fails_at_the_last_packet_leaves_none_untried(
    tmp_path: Path, every_case_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key fails at the last packet chosen: its line says it stopped there and the file
    is as it was, not that "0 paket efter det prövades inte" (review19)."""
    from avtalsgen.signing import sign as signing

    config = every_case_workspace(tmp_path, every_case_built)
    real_sign = signing.sign_packet
    calls: list[Path] = []

    def failing(source: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(source)
        if len(calls) == len(READY):
            raise signing.KeyUnusable("kortet svarar inte")
        return real_sign(source, *args, **kwargs)

    monkeypatch.setattr(signing, "sign_packet", failing)
    with client_for(config, "signer") as client:
        page = client.get("/paket/signera").text
        answer = _post(client, page, falt="region", niva="B-B", **_ticked(page))
    lines = _lines(answer.text)
    assert lines[-1] == (
        f"Stannade vid {READY[-1]}/paket.pdf: serverns nyckel kan inte underteckna: "
        "kortet svarar inte. Filen är som den var."
    )
    assert _summary(answer.text) == (
        f"undertecknade: {len(READY) - 1}, överhoppade: 0, misslyckade: 1"
    )
