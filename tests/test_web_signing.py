"""Signing from the web at a chosen PAdES level, as ``avtalsgen sign --niva``: the level's
choice with what it means to the archive, the time-stamping authority and CRL files from
the server's settings, and a level the server cannot reach refused at its field."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FRESH_WEB_APP
from litestar.testing import TestClient
from warm_converter import converter_in
from webtools import (
    SEAL_PASSPHRASE_ENV,
    client_for,
    csrf_of,
    login,
    sealed_workspace,
    workspace,
)

from avtalsgen import i18n
from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig

DNR = "RUN-90001-2023"

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory, complete_built: Path) -> Iterator[WebConfig]:
    """A server with a seal of its own and no time-stamping authority (see
    webtools.sealed_workspace)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    config, passphrase = sealed_workspace(tmp_path_factory.mktemp("sealed"), complete_built)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SEAL_PASSPHRASE_ENV, passphrase)
        yield config


def _sign(client: TestClient, level: str, field: str = "region") -> str:  # type: ignore[type-arg]
    form = client.get(f"/paket/{DNR}/signera?falt={field}")
    assert form.status_code == 200
    response = client.post(f"/paket/{DNR}/signera",
                           data={"_csrf_token": csrf_of(form.text), "falt": field,
                                 "niva": level})  # fmt: skip
    return response.text


def _assert_level_choice(form: str) -> None:
    """Every level is offered, each with what it means to the archive; B-B is chosen first
    while no TSA is set."""
    for level in ("B-B", "B-T", "B-LT", "B-LTA"):
        assert f'id="niva-{level}" name="niva" value="{level}"' in form
    assert re.search(r'value="B-B" checked', form)
    assert "dokumenttidsstämpel" in form and "Tidsstämpeltjänst: ingen inställd" in form


def _copy_of(sealed: WebConfig, root: Path) -> WebConfig:
    """A workspace of its own (the DEMO key's) with the module's built case as the build
    left it: its output folder, without the protocol extract a test made since (see
    :func:`extract`), the program file it was built from (every fact known), and the output
    folder's secret that its manifest's facts are digested with. Its packet is then up to
    date there, as a packet must be to be signed: copied beside the shipped program, or
    beside the extract made after it, its documents were out of date; and its facts are
    compared with the case's."""
    from avtalsgen.build.workspace import Workspace

    config = workspace(root)
    program = Path("program") / "norrbottens-ekosystem.yaml"
    shutil.copyfile(sealed.cases / program, config.cases / program)
    shutil.copytree(sealed.output / DNR, config.output / DNR,
                    ignore=shutil.ignore_patterns("protokollsutdrag-*"))  # fmt: skip
    shutil.copyfile(Workspace(sealed.output).facts_key, Workspace(config.output).facts_key)
    return config


def test_a_level_that_needs_a_time_stamp_is_refused_at_its_field_without_one(
    sealed: WebConfig, tmp_path: Path
) -> None:
    # A copy with the seal: the module's extract, made in its output folder, leaves its
    # packet out of date there.
    config = dataclasses.replace(_copy_of(sealed, tmp_path / "ws"), seal_p12=sealed.seal_p12)
    packet = config.output / DNR / "paket.pdf"
    before = packet.read_bytes()
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        form = client.get(f"/paket/{DNR}/signera?falt=region").text
        _assert_level_choice(form)
        assert "valideringsdata" in form
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
    with sqlite3.connect(config.database) as conn:
        details = [row[0] for row in conn.execute("SELECT detail FROM audit WHERE action = 'sign'")]
    assert details == ["fält region, B-B"], "the level recorded; nothing tried before it"
    i18n.set_language(None)


def test_the_demo_key_signs_at_every_level_offline(tmp_path: Path, sealed: WebConfig) -> None:
    # A copy of the built case without the seal: the DEMO key, its own authority and CRL.
    config = _copy_of(sealed, tmp_path / "ws")
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        # The packets and the field, as an official writes them: aktör, not the PDF's aktor.
        packets = client.get("/paket").text
        assert re.search(r"<td>(region, )?aktör</td>", packets), packets  # not signed yet
        assert f'>Signera aktör<span class="visually-hidden"> i {DNR}</span></a>' in packets
        form = client.get(f"/paket/{DNR}/signera?falt=aktor").text
        assert f'<h1>Signera aktör i <span class="dnr">{DNR}</span></h1>' in form
        assert "Underskriftsfältet aktör i paket.pdf" in form
        assert '<button type="submit">Signera aktör</button>' in form
        assert "DEMO-nyckelns egen" in form and "kräver en tidsstämpel" not in form
        page = client.post(f"/paket/{DNR}/signera",
                           data={"_csrf_token": csrf_of(form), "falt": "aktor",
                                 "niva": "B-LTA"}).text  # fmt: skip
        assert f"Signerat: {DNR}" in page, page
        row = re.search(r"<tr><td>aktör</td>.*?</tr>", page, re.S)
        assert row and "<td>B-LTA</td>" in row.group(0)
        # The browser's reload sends the form again: the page said "Inte signerat:
        # /srv/…/output/RUN-…/paket.pdf: fältet 'aktor' är redan signerat", the server's
        # path and the field's key, as if the signing had failed. It says the field is signed
        # already (as the signing found the file, not the manifest) and nothing was signed,
        # and the answer stands in the browser's history as the packets' list.
        signed = (config.output / DNR / "paket.pdf").read_bytes()
        again = client.post(f"/paket/{DNR}/signera",
                            data={"_csrf_token": csrf_of(form), "falt": "aktor",
                                  "niva": "B-B"})  # fmt: skip
        assert again.status_code == 422
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", again.text))
        assert (f"Fältet aktör i paketet för {DNR} är redan undertecknat; inget har signerats "
                "nu.") in shown, shown  # fmt: skip
        assert "'aktor'" not in shown and str(config.output) not in again.text
        assert '<h1 data-history="/paket">Paket</h1>' in again.text
        assert (config.output / DNR / "paket.pdf").read_bytes() == signed
        assert client.get(f"/paket/{DNR}/signera?falt=okänt").status_code == 404
        assert client.get("/paket/RUN-99999-2023/signera?falt=region").status_code == 404
    i18n.set_language(None)


def test_the_newest_packet_is_listed_and_signed_beside_a_signed_one(
    tmp_path: Path, sealed: WebConfig, session_converter: Path
) -> None:
    """After both parties signed paket.pdf, a later decision (§ 102, an extension) makes a
    tilläggsavtal in paket-v2.pdf. The list named and linked paket.pdf, showed no field to
    sign, and the sign page signed paket.pdf ("redan undertecknat"): the tilläggsavtal could
    not be signed in the browser (found by qa14)."""
    from avtalsgen.build.batch import BuildOptions, build_cases
    from avtalsgen.signing.verify import verify_packet

    config = _copy_of(sealed, tmp_path / "ws")
    for name in (config.output / DNR).glob("paket-v*.pdf"):
        name.unlink()  # as the build left it, whatever the module's other tests signed
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        for field in ("region", "aktor"):
            if f"?falt={field}" in client.get("/paket").text:
                assert f"Signerat: {DNR}" in _sign(client, "B-B", field)
        first = (config.output / DNR / "paket.pdf").read_bytes()
        case = config.cases / "exempel-arktiska-testbaddar.yaml"
        # The packet holds the decision's extract: sign refuses a tilläggsavtal without it.
        from avtalsgen.meetings.extract import build_extracts

        with converter_in(session_converter) as converter:
            build_extracts(config.meetings / "exempel-run-2026-06-16.yaml", config.output,
                           config.templates, converter, 102)  # fmt: skip
        outcome = build_cases([case], config.output, BuildOptions(templates=config.templates))[0]
        assert outcome.error is None, outcome.error
        assert (config.output / DNR / "tillaggsavtal-v2.pdf").is_file()
        packets = client.get("/paket").text
        row = re.search(rf'<td class="dnr">{DNR}</td>.*?</tr>', packets, re.S)
        assert row, packets
        cells = re.sub(r"<span[^>]*>[^<]*</span>", "", row.group(0))
        # Each version by what it holds: the tilläggsavtal and its change, and the signed
        # agreement beside it, which still applies (not "en tidigare version").
        assert (f'<li><a href="/filer/{DNR}/paket-v2.pdf?ladda=true">paket-v2.pdf</a>: '
                "tilläggsavtal nr 1 (förlängning)</li>"
                f'<li><a href="/filer/{DNR}/paket.pdf?ladda=true">paket.pdf</a>: '
                "samarbetsavtalet; undertecknat av ") in cells, cells  # fmt: skip
        assert (
            "; gäller fortfarande: ett tilläggsavtal ändrar avtalet, det ersätter det inte</li>"
        ) in cells
        assert "en tidigare version" not in cells
        assert "<td>–</td><td>region, aktör</td>" in cells  # the new packet's fields
        form = client.get(f"/paket/{DNR}/signera?falt=region").text
        assert "Underskriftsfältet region i paket-v2.pdf signeras" in form
        assert f"Signerat: {DNR}" in _sign(client, "B-B", "region")
    assert (config.output / DNR / "paket.pdf").read_bytes() == first, "the signed one stays"
    report = verify_packet(config.output / DNR / "paket-v2.pdf", [])
    assert [s.field for s in report.signatures if s.signer] == ["region"]
    i18n.set_language(None)


def test_the_web_signs_nothing_in_a_superseded_packet(tmp_path: Path, sealed: WebConfig) -> None:
    """The command line refused to sign a packet whose case's amounts were edited after it
    was built (superseded), but the web's sign page signed it (found by the review)."""
    config = _copy_of(sealed, tmp_path / "ws")
    for name in (config.output / DNR).glob("paket-v*.pdf"):
        name.unlink()
    case = config.cases / "exempel-arktiska-testbaddar.yaml"
    as_built = case.read_text(encoding="utf-8")
    edited = as_built.replace("belopp_per_ar: 1000000", "belopp_per_ar: 900000", 1)
    packet = config.output / DNR / "paket.pdf"
    i18n.set_language("sv")

    def refused(client: TestClient, field: str) -> str:  # type: ignore[type-arg]
        before = packet.read_bytes()
        form = client.get(f"/paket/{DNR}/signera?falt={field}")
        response = client.post(f"/paket/{DNR}/signera",
                               data={"_csrf_token": csrf_of(form.text), "falt": field,
                                     "niva": "B-B"})  # fmt: skip
        assert response.status_code == 422
        assert packet.read_bytes() == before
        assert str(config.output) not in response.text
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.text)))
        assert "Inget har signerats." in shown, shown
        return shown

    with TestClient(create_app(config)) as client:
        login(client, "signer")
        if "?falt=region" in client.get("/paket").text:
            case.write_text(edited, encoding="utf-8")  # unsigned: the build makes it anew
            said = refused(client, "region")
            assert ("paket.pdf är inaktuellt: ärendets uppgift "
                    "'finansiering.finansiarer[0].belopp_per_ar' har ändrats") in said  # fmt: skip
            case.write_text(as_built, encoding="utf-8")
            assert f"Signerat: {DNR}" in _sign(client, "B-B", "region")
        case.write_text(edited, encoding="utf-8")  # signed by one party: superseded
        said = refused(client, "aktor")
        assert ("paket.pdf är ersatt: ärendets uppgift "
                "'finansiering.finansiarer[0].belopp_per_ar' har ändrats") in said  # fmt: skip
    i18n.set_language(None)


def test_the_web_signs_nothing_in_a_packet_the_next_build_makes_anew(
    tmp_path: Path, sealed: WebConfig
) -> None:
    """The case file edited after the build in a way no fact shows (a comment): the packet
    is not superseded, but its documents are out of date and the next build makes it anew.
    ``avtalsgen sign`` refused it; the web's sign page signed it. It says so, as status
    does, 422, nothing signed, the file byte for byte; built again, it is signed."""
    from avtalsgen.build.batch import BuildOptions, build_cases

    config = _copy_of(sealed, tmp_path / "ws")
    for name in (config.output / DNR).glob("paket-v*.pdf"):
        name.unlink()
    case = config.cases / "exempel-arktiska-testbaddar.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "# läst igen\n", encoding="utf-8")
    packet = config.output / DNR / "paket.pdf"
    before = packet.read_bytes()
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        page = client.get(f"/arenden/{case.stem}").text
        assert "handlingarna är inaktuella: sedan de byggdes har ärendefilen ändrats" in page
        form = client.get(f"/paket/{DNR}/signera?falt=aktor")
        # The form says what the button would refuse, with the way to build, and no button
        # (it offered the levels and a button that refused).
        said = re.sub(r"\s+", " ", html.unescape(form.text))
        assert "nästa bygge gör en ny version av paketet" in said, said
        assert f'<a href="/korning?arende={case.stem}">Bygg ärendet</a>' in said
        assert 'name="niva"' not in form.text and "Signera aktör</button>" not in said
        response = client.post(f"/paket/{DNR}/signera",
                               data={"_csrf_token": csrf_of(form.text), "falt": "aktor",
                                     "niva": "B-B"})  # fmt: skip
        assert response.status_code == 422
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.text)))
        assert (
            "paket.pdf: handlingarna är inaktuella: sedan de byggdes har ärendefilen ändrats: "
            "nästa bygge gör en ny version av paketet, "
            "och en underskrift på det här skulle behöva göras om. Bygg först och underteckna "
            "sedan paketet som bygget gör. Inget har signerats."
        ) in shown, shown
        assert str(config.output) not in response.text and str(config.cases) not in shown
        assert packet.read_bytes() == before
        outcome = build_cases([case], config.output, BuildOptions(templates=config.templates))[0]
        assert outcome.error is None, outcome.error
        assert f"Signerat: {DNR}" in _sign(client, "B-B", "aktor")
    i18n.set_language(None)


#: The example meeting whose § 212 decided RUN-90001-2023.
MEETING = "exempel-run-2023-12-05"
CERTIFY = f"/sammantraden/{MEETING}/bestyrk"


@pytest.fixture(scope="module")
def extract(
    sealed: WebConfig, tmp_path_factory: pytest.TempPathFactory, session_converter: Path
) -> Path:
    """§ 212's protocol extract made by LibreOffice (the test process's warm converter,
    conftest.session_converter) in the sealed server's output folder, not certified;
    returns a copy of it as made."""
    from avtalsgen.meetings.extract import build_extracts

    with converter_in(session_converter) as converter:
        made = build_extracts(sealed.meetings / f"{MEETING}.yaml", sealed.output,
                              sealed.templates, converter, 212)  # fmt: skip
    assert [result.paragraf for result in made] == [212]
    pristine = tmp_path_factory.mktemp("extract") / "protokollsutdrag-212.pdf"
    shutil.copyfile(sealed.output / DNR / "protokollsutdrag-212.pdf", pristine)
    return pristine


def _level_of(pdf: Path, roots: list[Path]) -> str | None:
    """The PAdES level avtalsgen's verify report gives the extract's certification."""
    from avtalsgen.signing.verify import verify_packet

    report = verify_packet(pdf, roots)
    (signature,) = [s for s in report.signatures if s.field == "utdragsbestyrkande"]
    assert signature.intact
    return signature.pades_level


def test_an_extract_is_certified_at_a_level_chosen_and_one_needing_a_missing_tsa_refused(
    sealed: WebConfig, extract: Path
) -> None:
    signed = sealed.output / DNR / "protokollsutdrag-212.pdf"
    before = signed.read_bytes()
    with client_for(sealed, "sekr") as client:
        meeting = client.get(f"/sammantraden/{MEETING}").text
        assert f'<a href="{CERTIFY}?paragraf=212">Bestyrk § 212' in meeting
        form = client.get(f"{CERTIFY}?paragraf=212").text
        _assert_level_choice(form)  # as on the sign page
        assert "Nyckel: regionens sigill" in form

        def certify(level: str) -> tuple[int, str]:
            response = client.post(CERTIFY, data={"_csrf_token": csrf_of(form),
                                                  "paragraf": "212", "niva": level})  # fmt: skip
            return response.status_code, response.text

        status, page = certify("B-LT")
        assert status == 422 and 'role="alert"' in page and "Inte bestyrkt" in page
        radio = re.search(r'<input type="radio" id="niva-B-LT"[^>]*>', page)
        assert radio and 'aria-invalid="true"' in radio.group(0)
        assert 'aria-describedby="niva-fel niva-B-LT-hjalp"' in radio.group(0)
        assert re.search(r'id="niva-fel">B-LT kräver en tidsstämpel, men servern har ingen '
                         r"tidsstämpeltjänst inställd", page)  # fmt: skip
        assert signed.read_bytes() == before, "nothing signed"
        status, page = certify("B-B")
        assert status == 200, page
        assert "Bestyrkt: protokollsutdrag-212.pdf" in page
        row = re.search(r"<tr><td>utdragsbestyrkande</td>.*?</tr>", page, re.S)
        assert row and "<td>B-B</td>" in row.group(0)
        assert _level_of(signed, []) == "B-B"
        # Certified once only; the meeting's page says so.
        again = client.get(f"{CERTIFY}?paragraf=212")
        assert again.status_code == 422 and "Utdraget är redan bestyrkt." in again.text
        assert client.get(f"{CERTIFY}?paragraf=999").status_code == 404
    with sqlite3.connect(sealed.database) as conn:
        details = [row[0] for row in conn.execute(
            "SELECT detail FROM audit WHERE action = 'sign' AND dnr = ? ORDER BY rowid", (DNR,)
        )]  # fmt: skip
    assert details[-1] == "utdragsbestyrkande § 212, B-B"
    assert not any(d.startswith("utdragsbestyrkande") for d in details[:-1]), "none refused"


def test_the_demo_key_certifies_an_extract_at_b_lta(tmp_path: Path, extract: Path) -> None:
    from avtalsgen.signing.pki import ensure_demo_pki

    config = workspace(tmp_path / "ws")
    (config.output / DNR).mkdir()
    signed = config.output / DNR / "protokollsutdrag-212.pdf"
    shutil.copyfile(extract, signed)
    with client_for(config, "sekr") as client:
        form = client.get(f"{CERTIFY}?paragraf=212").text
        assert "DEMO-nyckelns egen" in form and "kräver en tidsstämpel" not in form
        response = client.post(CERTIFY, data={"_csrf_token": csrf_of(form), "paragraf": "212",
                                              "niva": "B-LTA"})  # fmt: skip
        assert response.status_code == 200, response.text
        assert "Bestyrkt: protokollsutdrag-212.pdf" in response.text
    assert _level_of(signed, [ensure_demo_pki().root_cert]) == "B-LTA"


def test_a_failed_signing_is_recorded_in_swedish_whoever_signed(
    tmp_path: Path, sealed: WebConfig
) -> None:
    """An English-speaking user's failed signing put the reason in English (pyHanko's own
    words inside avtalsgen's English) into the audit log's Swedish detail. The record is
    Swedish, each reader's language beside it; a failure pyHanko reports is said in
    avtalsgen's words."""
    from webtools import speaking

    config = _copy_of(sealed, tmp_path / "ws")
    packet = config.output / DNR / "paket.pdf"
    packet.write_bytes(packet.read_bytes()[:2000])  # its head only: no PDF pyHanko reads
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "signer")
        with speaking(client, "en"):
            page = _sign(client, "B-B")
    assert "unreadable PDF: the file is damaged or not a PDF" in page
    with sqlite3.connect(config.database) as conn:
        [(detail, texts)] = conn.execute("SELECT detail, texts FROM audit WHERE action = 'sign'")
    assert detail == (
        f"fält region, B-B misslyckades: {packet}: PDF-filen går inte att läsa: filen är "
        "skadad eller ingen PDF"
    )
    assert json.loads(texts)["en"] == (
        f"field region, B-B failed: {packet}: unreadable PDF: the file is damaged or not a PDF"
    )
    i18n.set_language(None)


def test_a_seal_that_leads_to_no_trusted_root_signs_nothing_until_its_ca_is_named(
    tmp_path: Path, sealed: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign page signs as ``avtalsgen sign`` does: a seal whose certificate leads to no
    root the server trusts is refused before anything is written (it signed, and the
    committee's archive could not validate it); named once in AVTALSGEN_TRUST, it signs."""
    import datetime as dt
    import hashlib

    from avtalsgen.signing.pki import ensure_demo_pki, issue_demo_signer

    own = ensure_demo_pki(tmp_path / "regionens-ca")  # a CA of its own, not the DEMO one
    now = dt.datetime.now(dt.UTC)
    seal = issue_demo_signer(own, "Region Norrbotten", tmp_path / "sigill.p12",
                             passphrase=b"sigill-1234", not_before=now - dt.timedelta(days=1),
                             not_after=now + dt.timedelta(days=30))  # fmt: skip
    config = dataclasses.replace(_copy_of(sealed, tmp_path / "ws"), seal_p12=seal.pkcs12)
    packet = config.output / DNR / "paket.pdf"
    before = hashlib.sha256(packet.read_bytes()).hexdigest()
    monkeypatch.setenv(SEAL_PASSPHRASE_ENV, "sigill-1234")
    monkeypatch.delenv("AVTALSGEN_TRUST", raising=False)
    i18n.set_language("sv")
    try:
        with TestClient(create_app(config)) as client:
            login(client, "signer")
            refused = " ".join(_sign(client, "B-B", "region").split())
            assert (
                "inte underskrivet: certifikatet för DEMO Region Norrbotten kan inte följas"
                in refused
            )
            assert "så inget skrevs" in refused and "AVTALSGEN_TRUST" in refused
            assert hashlib.sha256(packet.read_bytes()).hexdigest() == before
            monkeypatch.setenv("AVTALSGEN_TRUST", str(own.root_cert))
            signed = _sign(client, "B-B", "region")
        assert "inte underskrivet" not in signed and f"Signerat: {DNR}" in signed
        assert hashlib.sha256(packet.read_bytes()).hexdigest() != before
    finally:
        i18n.set_language(None)


def test_the_servers_log_leaves_out_fonttools_lines_of_a_signature(tmp_path: Path) -> None:
    """A signature's appearance font is subset (pyHanko, through fontTools), and fontTools
    logs what it prunes at INFO, some 880 lines a signature in serve's terminal (Litestar's
    log takes the root logger's INFO); the command line's sign shows none. The app's log
    holds fontTools below ERROR; its own lines stay. In a fresh interpreter: a subset as a
    signature's makes."""
    import subprocess
    import sys

    from avtalsgen.pdf.fonts import find_font

    font = find_font()  # the font avtalsgen's own text uses, wherever the system keeps it
    script = FRESH_WEB_APP + (
        "from fontTools import subset\n"
        "from fontTools.ttLib import TTFont\n"
        "subsetter = subset.Subsetter()\n"
        "subsetter.populate(text='Signerat av DEMO Regional utvecklingsdirektör')\n"
        "subsetter.subset(TTFont(sys.argv[2]))\n"
        "logging.getLogger('avtalsgen.web').info('a line of the app')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path), str(font)],
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    log = done.stdout + done.stderr
    assert "a line of the app" in log, log
    assert "fontTools" not in log and "pruned" not in log, log
