"""status, the web app's case pages, sign and build say the same of a signed packet after an
edit: kept as signed where the next build keeps it ('oförändrat', no new version), out of
date and superseded where it makes a new one.

Found: the seed's packet signed by the region (on a smart card, the session's SoftHSM2
token), then a comment put in the case file, its keys reordered and the actor's e-mail
address added (which only ``expediera`` uses): status said 'handlingarna är inaktuella' and
'undertecknat paket ersatt', the case list filed the case under superseded, and sign
refused the actor's signature as superseded, while the build kept the packet and said
'oförändrat'. They asked only whether the inputs hash and the facts digest as recorded; the
build asks whether it would make the same packet."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import softhsm
from conftest import REPO, run_cli
from warm_converter import converter_in
from webtools import client_for, complete_workspace, copy_built, workspace

from avtalsgen.web.config import WebConfig

pytestmark = pytest.mark.libreoffice

DNR = "RUN-00386-2023"
#: The lines that would say the packet is to be made anew.
STALE = ("inaktuella", "ersatt", "ersätts")


@pytest.fixture
def signed(
    tmp_path: Path, built: Path, softhsm_token: softhsm.Token, session_converter: Path
) -> tuple[WebConfig, dict[str, str]]:
    """A web workspace with the seed case as the session built it, its packet signed by
    the region on the session's smart card; and the environment that signs with the card."""
    config = workspace(tmp_path)
    copy_built(built, DNR, config.output)
    with converter_in(session_converter):  # its record names the workspace's case file
        assert f"oförändrat  {DNR}" in _build(config)
    token = softhsm_token
    env = {"SOFTHSM2_CONF": str(token.config), "AVTALSGEN_PKCS11_PIN": token.pin}
    card = ("--pkcs11-lib", str(token.library), "--token", token.label, "--key", token.key_label)
    packet = config.output / DNR / "paket.pdf"
    made = run_cli("sign", str(packet), "--field", "region", *card, "--ofullstandig",
                   env=env, lang="sv")  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return config, env


def _status(config: WebConfig) -> dict[str, Any]:
    case = config.cases / f"{DNR}.yaml"
    found = run_cli("status", str(case), "--output", str(config.output),
                    "--templates", str(config.templates), "--json", lang="sv")  # fmt: skip
    assert found.returncode == 0, found.stderr
    (status,) = json.loads(found.stdout)
    return dict(status)


def _page(config: WebConfig) -> tuple[str, list[str], bool]:
    """The case's page as the office reads it: where it stands, what remains; and whether
    the case list's filter 'signed packet superseded' lists the case."""
    with client_for(config, "lasare") as client:
        html = client.get(f"/arenden/{DNR}").text
        superseded = client.get("/arenden?status=ersatt").text
    standing = re.search(r'id="lage-rubrik".*?<p><strong>(.*?)</strong>', html, re.DOTALL)
    assert standing is not None, html
    remaining = html[html.index("<h3>Återstår</h3>") :]
    remaining = remaining[: remaining.index("</ul>")]
    lines = [unescape(re.sub(r"<[^>]+>", "", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", remaining, re.DOTALL)]  # fmt: skip
    return unescape(standing.group(1)), lines, f'href="/arenden/{DNR}"' in superseded


def _row(config: WebConfig) -> str:
    """The case's row in the case list, in words."""
    with client_for(config, "lasare") as client:
        html = client.get("/arenden").text
    row = next(row for row in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL) if DNR in row)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())


def _build(config: WebConfig) -> str:
    case = config.cases / f"{DNR}.yaml"
    made = run_cli("build", str(case), "--output", str(config.output),
                   "--templates", str(config.templates), lang="sv")  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    return made.stdout


def _stale(lines: list[str]) -> list[str]:
    return [line for line in lines if any(word in line for word in STALE)]


def test_an_edit_no_document_states_keeps_the_signed_packet_everywhere(
    signed: tuple[WebConfig, dict[str, str]], tmp_path: Path, session_converter: Path
) -> None:
    config, _env = signed
    case = config.cases / f"{DNR}.yaml"
    folder = config.output / DNR
    text = case.read_text(encoding="utf-8")
    # A comment, two keys in another order, and the actor's e-mail address (a fact no
    # document of the packet states: expediera sends the actor's extract there).
    text = "# Ringt aktören om adressen.\n" + text.replace(
        "  namn: Swedish Lapland Visitors Board\n  kortnamn: Swedish Lapland vb\n",
        "  kortnamn: Swedish Lapland vb\n  namn: Swedish Lapland Visitors Board\n",
    ).replace("  omrade: besöksnäringen\n", "  omrade: besöksnäringen\n  epost: info@example.se\n")
    assert "epost: info@example.se" in text and text.index("kortnamn") < text.index("  namn:")
    case.write_text(text, encoding="utf-8")

    # Partly signed: status and the case's page ask the actor's signature, nothing else.
    status = _status(config)
    assert _stale(status["saknas"]) == [], status["saknas"]
    (region,) = status["undertecknat"]  # the name in the smart card's certificate
    assert (status["kod"], status["lage"]) == (
        "beslutat",
        f"beslutat: bifall; undertecknat av {region}; inte än av aktor",
    )
    assert (
        f"{config.output}/{DNR}/paket.pdf: underskriftsfältet aktor är inte undertecknat ännu; "
        "underteckna när raderna ovanför är gjorda"  # the facts to fill in, which the seed
        # leaves unknown
    ) in status["saknas"]
    standing, lines, listed = _page(config)
    assert standing == f"beslutat: bifall; undertecknat av {region}; inte än av aktör"
    assert standing in _row(config)  # the case list's, as the page says it
    assert _stale(lines) == [] and not listed, lines
    # sign takes it (it refused: superseded by 'aktor.epost').
    packet = folder / "paket.pdf"
    made = run_cli("sign", str(packet), "--field", "aktor", "--ofullstandig", lang="sv")
    assert made.returncode == 0, made.stdout + made.stderr

    # Fully signed, and a template saved again (its file's properties changed, not its
    # content): the build renders the same Word file.
    templates = tmp_path / "mallar"
    shutil.copytree(REPO / "templates", templates)
    _resave(templates / "samarbetsavtal.docx")
    config = _with_templates(config, templates)
    status = _status(config)
    assert _stale(status["saknas"]) == [], status["saknas"]
    assert status["kod"] == "undertecknat"
    assert status["lage"].startswith("avtal undertecknat av ")
    standing, lines, listed = _page(config)
    assert standing == status["lage"] and _stale(lines) == [] and not listed, lines

    versions = sorted(path.name for path in folder.glob("paket*.pdf"))
    with converter_in(session_converter):
        said = _build(config)
    assert f"oförändrat  {DNR}" in said, said
    assert sorted(path.name for path in folder.glob("paket*.pdf")) == versions == ["paket.pdf"]
    # What status said before the build is what it says after it.
    assert _status(config) == status


def test_an_edit_of_a_stated_fact_is_out_of_date_everywhere(
    signed: tuple[WebConfig, dict[str, str]], session_converter: Path
) -> None:
    config, _env = signed
    case = config.cases / f"{DNR}.yaml"
    folder = config.output / DNR
    text = case.read_text(encoding="utf-8")
    address = (
        "  adress:\n    utdelningsadress: Storgatan 1\n    postnummer: 972 31\n    ort: Luleå\n"
    )
    case.write_text(text.replace("  adress: null\n", address), encoding="utf-8")

    status = _status(config)
    command = f"avtalsgen build {case} --output {config.output}"
    assert (
        f"handlingarna är inaktuella: sedan de byggdes har ärendefilen ändrats ({command})"
        in (status["saknas"])
    )
    assert status["kod"] == "ersatt"
    assert status["lage"] == "undertecknat paket ersatt: ett nytt paket behövs"
    ersatt = f"{config.output}/{DNR}/paket.pdf är ersatt: ärendets uppgifter 'aktor.adress."
    assert any(line.startswith(ersatt)
               for line in status["saknas"]), status["saknas"]  # fmt: skip
    standing, lines, listed = _page(config)
    assert standing == status["lage"] and listed
    assert "handlingarna är inaktuella: sedan de byggdes har ärendefilen ändrats" in lines, lines
    packet = folder / "paket.pdf"
    refused = run_cli("sign", str(packet), "--field", "aktor", "--ofullstandig", lang="sv")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "är ersatt: ärendets uppgifter 'aktor.adress." in refused.stderr, refused.stderr

    with converter_in(session_converter):
        said = _build(config)
    assert f"skapat  {DNR}" in said, said
    assert (folder / "paket-v2.pdf").is_file()
    status = _status(config)
    assert (
        f"{config.output}/{DNR}/paket-v2.pdf: underskriftsfältet region är inte undertecknat "
        "ännu; underteckna när raderna ovanför är gjorda"
    ) in status["saknas"]
    assert not any("inaktuella" in line for line in status["saknas"]), status["saknas"]


def _resave(docx: Path) -> None:
    """The Word file saved again as an editor would, its content unchanged: its
    properties' time of change and author are new, its parts in another order."""
    import zipfile

    with zipfile.ZipFile(docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"<cp:lastModifiedBy>.*?</cp:lastModifiedBy>|<cp:lastModifiedBy/>", "", core)
    author = "<cp:lastModifiedBy>Handläggare</cp:lastModifiedBy>"
    core = core.replace("</cp:coreProperties>", author + "</cp:coreProperties>")
    parts["docProps/core.xml"] = core.encode("utf-8")
    order = ["[Content_Types].xml", *sorted(set(parts) - {"[Content_Types].xml"}, reverse=True)]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in order:
            archive.writestr(name, parts[name])


def _with_templates(config: WebConfig, templates: Path) -> WebConfig:
    import dataclasses

    return dataclasses.replace(config, templates=templates)


def test_status_names_the_command_that_signs_once_nothing_comes_first(
    tmp_path: Path, complete_built: Path, session_converter: Path
) -> None:
    """Every fact known, the extracts made and the packet built with § 212's: what is left
    is to certify the extracts, which may come after, and to sign, with the command that
    signs (it said only that the field was not signed). Before the extracts are made, the
    signature waits for the lines above it: a packet signed before them is made anew."""
    config = complete_workspace(tmp_path, complete_built)
    case = config.cases / "exempel-arktiska-testbaddar.yaml"
    common = ("--output", str(config.output), "--templates", str(config.templates))
    dnr = "RUN-90001-2023"
    status = run_cli("status", str(case), *common, lang="sv").stdout
    waits = (
        f"{config.output}/{dnr}/paket.pdf: underskriftsfältet region är inte undertecknat ännu; "
        "underteckna "
    )
    assert f"  saknas: {waits}när raderna ovanför är gjorda\n" in status, status
    meetings = config.cases / "sammantraden"
    with converter_in(session_converter):
        for meeting, paragraf in (
            ("exempel-run-2023-12-05", "212"),
            ("exempel-run-2026-06-16", "102"),
        ):
            made = run_cli("utdrag", str(meetings / f"{meeting}.yaml"), "--paragraf", paragraf,
                           *common, lang="sv")  # fmt: skip
            assert made.returncode == 0, made.stdout + made.stderr
        made = run_cli("build", str(case), *common, lang="sv")
        assert f"skapat  {dnr}" in made.stdout, made.stdout + made.stderr
    status = run_cli("status", str(case), *common, lang="sv").stdout
    lines = [line.removeprefix("  saknas: ") for line in status.splitlines() if "saknas: " in line]
    packet = config.output / dnr / "paket.pdf"
    assert lines == [
        f"{config.output / dnr / 'protokollsutdrag-212.pdf'}: inte bestyrkt än (avtalsgen sign "
        f"{config.output / dnr / 'protokollsutdrag-212.pdf'} --field utdragsbestyrkande)",
        f"{config.output / dnr / 'protokollsutdrag-102.pdf'}: inte bestyrkt än (avtalsgen sign "
        f"{config.output / dnr / 'protokollsutdrag-102.pdf'} --field utdragsbestyrkande)",
        f"{packet}: underskriftsfältet region är inte undertecknat ännu (avtalsgen sign "
        f"{packet} --field region)",
        f"{packet}: underskriftsfältet aktor är inte undertecknat ännu (avtalsgen sign "
        f"{packet} --field aktor)",
        "tilläggsavtal nr 1 (§ 102 vid sammanträdet 2026-06-16) väntar på att avtalet det "
        "ändrar undertecknas av alla parter",
    ], status
    # The extract of § 212 certified before the packet is signed: the packet, unsigned, is
    # made anew with the certified extract, and status says why.
    extract = config.output / dnr / "protokollsutdrag-212.pdf"
    made = run_cli("sign", str(extract), "--field", "utdragsbestyrkande", lang="sv")
    assert made.returncode == 0, made.stdout + made.stderr
    status = run_cli("status", str(case), *common, lang="sv").stdout
    assert (
        "  saknas: handlingarna är inaktuella: sedan de byggdes har protokollsutdraget "
        f"protokollsutdrag-212.pdf bestyrkts (avtalsgen build {case} --output {config.output})\n"
    ) in status, status
    assert f"{dnr}/paket.pdf: underskriftsfältet region är inte undertecknat ännu; " in status
