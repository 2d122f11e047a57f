"""One key signs one party's field, and the region's key never the actor's: ``avtalsgen
sign`` (one packet and a folder of them) refuses before anything is written, the file
byte for byte as it was; ``verify`` and ``status`` call a packet whose two fields one key
signed (made so before the refusal existed) not signed by both parties; and ``verify``
remarks a signer whose name is not the signatory the agreement names.

Real pyHanko signatures and validation, keys in PKCS#12 files of a CA of the test's own
(made with cryptography, as a region's CA issues them: a person's name, or the region's
organisation), on the example case RUN-90001-2023 built by LibreOffice, every fact known
(conftest.complete_built)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import softhsm
from certificates import PASSPHRASE, Ca, make_ca, p12
from conftest import run_cli
from pdftext import pdftotext
from warm_converter import converter_in
from webtools import COMPLETE_CASE, COMPLETE_DNR, SIGNATORY, complete_workspace

from avtalsgen.signing.pki import DemoPki

pytestmark = [pytest.mark.libreoffice]


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Ca:
    """A root CA of the module's own (not the DEMO PKI's)."""
    return make_ca(tmp_path_factory.mktemp("ca"))


@dataclass(frozen=True)
class Workspace:
    case: Path
    output: Path
    templates: Path

    @property
    def packet(self) -> Path:
        return self.output / COMPLETE_DNR / "paket.pdf"

    def sign(self, target: Path, field: str, key: Path, ca: Ca) -> tuple[int, str, str]:
        done = run_cli("sign", str(target), "--field", field, "--p12", str(key),
                       "--trust", str(ca.root), env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE},
                       lang="sv")  # fmt: skip
        return done.returncode, done.stdout, " ".join(done.stderr.split())

    def verify(self, ca: Ca) -> tuple[int, str]:
        done = run_cli("verify", str(self.packet), "--trust", str(ca.root), lang="sv")
        return done.returncode, done.stdout

    def status(self) -> str:
        common = ("--output", str(self.output), "--templates", str(self.templates))
        return run_cli("status", str(self.case), *common, lang="sv").stdout


@pytest.fixture
def ws(tmp_path: Path, complete_built: Path) -> Workspace:
    config = complete_workspace(tmp_path / "ws", complete_built)
    return Workspace(config.cases / f"{COMPLETE_CASE}.yaml", config.output, config.templates)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_key_signs_one_partys_field_only(ws: Workspace, ca: Ca, tmp_path: Path) -> None:
    """The key that signed the region's field is refused in the actor's, one packet named
    and a folder of them alike, the packet byte for byte as it was; the actor's own key
    signs it, and then verify and status say it is signed by both."""
    region = p12(ca, tmp_path / "region.p12", SIGNATORY)
    code, out, err = ws.sign(ws.packet, "region", region, ca)
    assert code == 0, err
    before = sha(ws.packet)
    code, out, err = ws.sign(ws.packet, "aktor", region, ca)
    assert code == 1
    assert (
        "inte underskrivet: fältet 'region' är redan underskrivet med just den här nyckeln "
        f"({SIGNATORY}), och en nyckel kan inte skriva under för båda parterna"
    ) in err, err
    assert "inget har signerats" in err and "Traceback" not in err
    assert sha(ws.packet) == before
    # A folder: the packet fails with the same reason, the file as it was.
    code, out, err = ws.sign(ws.output, "aktor", region, ca)
    assert code == 1
    assert "en nyckel kan inte skriva under för båda parterna" in err, err
    assert "undertecknade: 0" in out and "misslyckade: 1" in out, out
    assert sha(ws.packet) == before
    # The actor's own key signs it: both parties, each with its own key.
    actor = p12(ca, tmp_path / "aktor.p12", "Per Exempelsson")
    code, out, err = ws.sign(ws.packet, "aktor", actor, ca)
    assert code == 0, err
    code, out = ws.verify(ca)
    assert code == 0, out
    assert "Resultat: fullständigt: alla fält är underskrivna" in out, out
    assert "Anmärkning" not in out  # each signer is the signatory the agreement names
    # The agreement signed by both: the later decision's tilläggsavtal (§ 102) may follow.
    status = ws.status()
    assert f"paket.pdf: samarbetsavtalet, undertecknat av {SIGNATORY}, Per Exempelsson" in status
    assert "läge: tilläggsavtal nr 1; förlängning" in status, status
    manifest = json.loads((ws.packet.parent / "manifest.json").read_text(encoding="utf-8"))
    keys = [s["key_sha256"] for s in manifest["packet"]["signatures"]]
    assert len(set(keys)) == 2 and all(len(key) == 64 for key in keys), keys


def test_the_regions_key_never_signs_the_actors_field(
    ws: Workspace, ca: Ca, tmp_path: Path
) -> None:
    """A certificate whose organisation is the region's (a seal) signs the region's field
    but is refused in the actor's, before the region has signed too: one packet (exit 1)
    and a folder (the key stops at the first packet), the file as it was."""
    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    before = sha(ws.packet)
    code, out, err = ws.sign(ws.packet, "aktor", seal, ca)
    assert code == 1
    assert (
        "inte underskrivet: nyckeln för Region Norrbotten sigill är regionens (ett certifikat "
        "för Region Norrbotten), och fältet 'aktor' är aktörens"
    ) in err, err
    assert "inget har signerats" in err
    assert sha(ws.packet) == before
    code, out, err = ws.sign(ws.output, "aktor", seal, ca)
    assert code == 1 and "är regionens" in err, err
    assert sha(ws.packet) == before
    # The region's field is the seal's to sign; verify remarks its name (not the
    # signatory the agreement names), and does not refuse it.
    code, out, err = ws.sign(ws.packet, "region", seal, ca)
    assert code == 0, err
    code, out = ws.verify(ca)
    assert code == 0, out
    assert "Resultat: inte fullständigt än" in out
    assert (
        "Anmärkning: fältet 'region' är underskrivet av Region Norrbotten sigill, och avtalet "
        f"anger {SIGNATORY} som undertecknare för regionen"
    ) in " ".join(out.split()), out


def test_verify_and_status_of_a_packet_one_key_signed_twice(
    ws: Workspace, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A packet whose two fields one key signed (as the web's seal signed them before the
    refusal): verify's verdict is not 'fullständigt' but says the actor has not signed
    (exit 1), status does not say 'avtal undertecknat', and no tilläggsavtal would call the
    agreement signed (the manifest's signed entry is none)."""
    import avtalsgen.signing.sign as signing
    from avtalsgen.build.manifest import signed_entry

    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    with monkeypatch.context() as patch:
        patch.setattr(signing, "_check_party", lambda *args: None)  # as before the refusal
        code, out, err = ws.sign(ws.packet, "region", seal, ca)
        assert code == 0, err
        # Signed, and its report says what is so (the same verdict as verify's, exit 1).
        code, out, err = ws.sign(ws.packet, "aktor", seal, ca)
        assert code == 1 and "signerade aktor" in out, out + err
        assert "INTE underskrivet av båda parterna" in out, out
    code, out = ws.verify(ca)
    assert code == 1, out
    said = " ".join(out.split())
    assert "fullständigt: alla fält" not in said
    assert (
        "Resultat: INTE underskrivet av båda parterna: fälten 'region' och 'aktor' är "
        "underskrivna med en och samma nyckel (Region Norrbotten sigill)"
    ) in said, said
    assert (
        f"Ett nytt paket behövs: bygg ärendet igen (avtalsgen build {ws.case} --output "
        f"{ws.output}), vilket gör en ny version bredvid det här (det här förblir som det är), "
        "och låt var part skriva under det nya paketet med sin egen nyckel"
    ) in said, said
    assert "Kvar att skriva under: den andra parten, i ett nytt paket" in said
    status = ws.status()
    assert "undertecknat av Region Norrbotten sigill" not in status, status
    assert (
        "läge: beslutat: bifall; underskrivet två gånger med samma nyckel (Region Norrbotten "
        "sigill): inte av båda parterna; tilläggsavtal nr 1 beslutat"
    ) in status, status
    assert (
        f"saknas: {ws.packet}: båda parternas fält är underskrivna med en och samma nyckel "
        "(Region Norrbotten sigill), så den andra parten har inte skrivit under, och dess fält är "
        "upptaget: bygg ärendet igen (avtalsgen build"
    ) in status, status
    # The later decision's tilläggsavtal waits, as for an agreement not signed by both.
    assert (
        "saknas: tilläggsavtal nr 1 (§ 102 vid sammanträdet 2026-06-16) väntar på att avtalet "
        "det ändrar undertecknas av alla parter"
    ) in status, status
    assert signed_entry(ws.packet.parent, 0) is None
    # A manifest written before the keys were recorded: told by the packet's certificates.
    manifest = ws.packet.parent / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in data["packets"]:
        for signature in entry.get("signatures", []):
            signature.pop("key_sha256", None)
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert signed_entry(ws.packet.parent, 0) is None
    assert "läge: avtal undertecknat" not in ws.status()


def test_a_packet_one_key_signed_twice_is_built_anew_beside_it(
    ws: Workspace, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    session_converter: Path,
) -> None:  # fmt: skip
    """A packet whose two fields one key signed (the review of 90e7de5 found no way out:
    `build` and `build --force` said 'oförändrat' and made nothing, the signed packet kept as
    the one in force while no tilläggsavtal counted it as signed): status names the build
    to run; the build makes paket-v2.pdf beside it, the signed file byte for byte as it was;
    a second build makes nothing more; each party signs the new version with its own key,
    and the build then makes the tilläggsavtal the later decision (§ 102) calls for."""
    import avtalsgen.signing.sign as signing
    from avtalsgen.build.manifest import signed_entry

    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    with monkeypatch.context() as patch:
        patch.setattr(signing, "_check_party", lambda *args: None)  # as before the refusal
        for field in ("region", "aktor"):
            ws.sign(ws.packet, field, seal, ca)
    folder = ws.packet.parent
    twice = ws.packet.read_bytes()
    status = " ".join(ws.status().split())
    assert (
        f"upptaget: bygg ärendet igen (avtalsgen build {ws.case} --output {ws.output}): det gör "
        "en ny version av paketet bredvid det här, som förblir som det är, och var part skriver "
        "under den med sin egen nyckel"
    ) in status, status
    common = ("--output", str(ws.output), "--templates", str(ws.templates))
    with converter_in(session_converter):
        done = run_cli("build", str(ws.case), *common, lang="sv")
        assert done.returncode == 0, done.stdout + done.stderr
        assert (folder / "paket-v2.pdf").is_file(), done.stdout
        assert ws.packet.read_bytes() == twice
        # verify on the twice-signed packet names the version made beside it.
        said = " ".join(ws.verify(ca)[1].split())
        assert (
            f"Ett nytt paket behövs, och bygget har gjort det: {folder / 'paket-v2.pdf'}, bredvid "
            "det här (som förblir som det är); låt var part skriva under det med sin egen nyckel"
        ) in said, said
        assert "Samarbetsavtal" in pdftotext(folder / "paket-v2.pdf")
        again = run_cli("build", str(ws.case), *common, lang="sv")
        assert again.returncode == 0 and "oförändrat" in again.stdout, again.stdout
        assert not (folder / "paket-v3.pdf").exists()
        assert "ett nytt paket behövs" not in " ".join(ws.status().split())
        region = p12(ca, tmp_path / "region.p12", SIGNATORY)
        actor = p12(ca, tmp_path / "aktor.p12", "Per Exempelsson")
        for field, key in (("region", region), ("aktor", actor)):
            code, out, err = ws.sign(folder / "paket-v2.pdf", field, key, ca)
            assert code == 0, out + err
        entry = signed_entry(folder, 0)
        assert entry is not None and entry["file"] == "paket-v2.pdf"
        done = run_cli("build", str(ws.case), *common, lang="sv")
        assert done.returncode == 0, done.stdout + done.stderr
    assert ws.packet.read_bytes() == twice
    assert (folder / "paket-v3.pdf").is_file(), done.stdout
    text = " ".join(pdftotext(folder / "tillaggsavtal-v3.pdf").split())
    assert "Tilläggsavtal nr 1" in text, text


def test_two_people_of_one_name_signed_with_two_keys_in_a_manifest_without_keys(
    ws: Workspace, ca: Ca, tmp_path: Path
) -> None:
    """A manifest written before 90e7de5 records no key of a signature: whether one key
    signed both parties' fields is told by the certificates in the packet itself, not by
    the signers' names. Two people named alike (two keys) signed it: the agreement is signed
    by both (the manifest's signed entry, status), as the keys recorded since say too; one
    key in both fields stays one key (test_verify_and_status_of_a_packet_one_key_signed_twice)."""
    from avtalsgen.build.manifest import signed_entry

    for field in ("region", "aktor"):
        key = p12(ca, tmp_path / f"{field}.p12", "Anna Andersson")
        code, out, err = ws.sign(ws.packet, field, key, ca)
        assert code == 0, out + err
    assert signed_entry(ws.packet.parent, 0) is not None
    manifest = ws.packet.parent / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in [*data["packets"], data["packet"]]:
        for signature in entry.get("signatures", []):
            signature.pop("key_sha256", None)
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    entry = signed_entry(ws.packet.parent, 0)
    assert entry is not None and entry["file"] == "paket.pdf"
    status = ws.status()
    assert "paket.pdf: samarbetsavtalet, undertecknat av Anna Andersson, Anna Andersson" in status
    assert "samma nyckel" not in status, status
    assert "läge: tilläggsavtal nr 1; förlängning" in status, status


def test_a_manifest_without_keys_whose_actors_field_the_regions_key_signed(
    ws: Workspace, ca: Ca, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A packet signed before 90e7de5, the actor's field with the region's seal (as the web
    signed it then) and the region's with its signatory's own key, its manifest recording
    no keys: the agreement is not signed by both parties (no signed entry, so no
    tilläggsavtal calls it signed), the build takes it for no packet in force and status
    says what is so and what to do, not 'avtal undertecknat' nor 'samma nyckel'."""
    import avtalsgen.signing.sign as signing
    from avtalsgen.build.manifest import one_key_signed, read_manifest, signed_entry, taking
    from avtalsgen.signing.parties import Signed

    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    region = p12(ca, tmp_path / "region.p12", SIGNATORY)
    with monkeypatch.context() as patch:
        patch.setattr(signing, "_check_party", lambda *args: None)  # as before the refusal
        for field, key in (("region", region), ("aktor", seal)):
            ws.sign(ws.packet, field, key, ca)
    folder = ws.packet.parent
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in [*data["packets"], data["packet"]]:
        for signature in entry.get("signatures", []):
            signature.pop("key_sha256", None)
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert signed_entry(folder, 0) is None
    # The packet's signatures are read once for the entry: for a shared key and for the
    # region's key in the actor's field alike (they were read twice, once for each).
    reads: list[int] = []
    read_signatures = signing.party_signatures

    def counted(data: bytes) -> list[Signed]:
        reads.append(len(data))
        return read_signatures(data)

    with monkeypatch.context() as patch:
        patch.setattr(signing, "party_signatures", counted)
        assert one_key_signed(folder, read_manifest(folder)["packets"]) == {"paket.pdf"}
    assert len(reads) == 1, reads
    assert taking(read_manifest(folder)["packet"], folder) == ("region", "Region Norrbotten sigill")
    # verify says the same, and that the build makes the new packet beside this one (it
    # said to move the packet out of the output folder first, which the build does not need).
    code, out = ws.verify(ca)
    said = " ".join(out.split())
    assert code == 1, said
    assert (
        "Resultat: INTE underskrivet av båda parterna: aktörens fält 'aktor' är underskrivet med "
        "en nyckel som är regionens (Region Norrbotten sigill, Region Norrbotten): aktören har "
        "inte skrivit under paketet, och dess fält är upptaget. Ett nytt paket behövs: bygg "
        f"ärendet igen (avtalsgen build {ws.case} --output {ws.output}), vilket gör en ny "
        "version bredvid det här (det här förblir som det är)"
    ) in said, said
    assert "Flytta" not in said and "flytta" not in said, said
    status = " ".join(ws.status().split())
    assert "läge: avtal undertecknat" not in status, status
    assert "samma nyckel" not in status, status
    assert (
        "aktörens fält underskrivet med regionens nyckel (Region Norrbotten sigill): inte av "
        "aktören"
    ) in status, status
    assert (
        "aktörens fält är underskrivet med en nyckel som är regionens (Region Norrbotten "
        "sigill), så aktören har inte skrivit under, och dess fält är upptaget: bygg ärendet igen"
    ) in status, status


def _sign_outside(packet: Path, field: str, key: Path) -> None:
    """Sign ``field`` of ``packet`` as a tool other than `avtalsgen sign` would: the party
    check not made, the manifest beside it not told."""
    import avtalsgen.signing.sign as signing
    from avtalsgen.signing.keysource import Pkcs12Key

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing, "_check_party", lambda *args: None)
        signing.sign_packet(packet, packet, field, Pkcs12Key(key, PASSPHRASE.encode()),
                            role="", overwrite=True)  # fmt: skip


def test_verify_of_a_taken_field_signed_outside_avtalsgen_sign(
    ws: Workspace, ca: Ca, tmp_path: Path, session_converter: Path
) -> None:
    """A packet whose actor's field the region's key signed outside `avtalsgen sign` (its
    manifest records no signature): the build keeps it as the signed packet in force
    ('oförändrat', no paket-v2.pdf), so verify says to move it out of the output folder
    before building again, with the command; done so, the build makes a new packet. A
    copy of it outside any output folder is told to verify the output folder's packet."""
    seal = p12(ca, tmp_path / "sigill.p12", "Region Norrbotten sigill", "Region Norrbotten")
    region = p12(ca, tmp_path / "region.p12", SIGNATORY)
    _sign_outside(ws.packet, "region", region)
    _sign_outside(ws.packet, "aktor", seal)
    manifest = json.loads((ws.packet.parent / "manifest.json").read_text(encoding="utf-8"))
    assert not any(s["signer"] for s in manifest["packet"]["signatures"])
    code, out = ws.verify(ca)
    said = " ".join(out.split())
    assert code == 1, said
    assert (
        "dess fält är upptaget. Ett nytt paket behövs, och bygget gör inget medan det här "
        "paketet ligger i utdatamappen: så som dess manifest har paketets underskrifter tar "
        "bygget det för det underskrivna paketet som gäller (underskrifter gjorda utanför "
        "avtalsgen sign står inte där). Flytta det ut ur utdatamappen och spara det; sedan: "
        f"bygg ärendet igen (avtalsgen build {ws.case} --output {ws.output}), och låt var part "
        "skriva under det nya paketet med sin egen nyckel"
    ) in said, said
    copy = tmp_path / "kopia.pdf"
    copy.write_bytes(ws.packet.read_bytes())
    done = run_cli("verify", str(copy), "--trust", str(ca.root), lang="sv")
    said = " ".join(done.stdout.split())
    assert done.returncode == 1
    assert (
        "dess fält är upptaget. Ett nytt paket behövs: bygg ärendet igen och låt var part skriva "
        "under det nya paketet med sin egen nyckel. Den här filen är inget paket i en "
        "utdatamapp: verifiera ärendets paket där"
    ) in said, said
    # What verify says is so: the build makes nothing beside it; moved out, a new packet.
    common = ("--output", str(ws.output), "--templates", str(ws.templates))
    folder = ws.packet.parent
    with converter_in(session_converter):
        done = run_cli("build", str(ws.case), *common, lang="sv")
        assert done.returncode == 0 and "oförändrat" in done.stdout, done.stdout + done.stderr
        assert not (folder / "paket-v2.pdf").exists()
        kept = tmp_path / "kept"
        kept.mkdir()
        signed = ws.packet.rename(kept / "paket.pdf")
        done = run_cli("build", str(ws.case), *common, lang="sv")
        assert done.returncode == 0, done.stdout + done.stderr
    made = [path.name for path in sorted(folder.glob("paket*.pdf"))]
    assert made == ["paket.pdf"], made
    assert ws.packet.read_bytes() != signed.read_bytes()
    code, out = ws.verify(ca)
    assert code == 0 and "Resultat: inte underskrivet än" in out, out


@pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")
def test_a_smart_card_that_signed_the_regions_field_is_refused_in_the_actors(
    ws: Workspace, softhsm_token: softhsm.Token, demo_pki: DemoPki
) -> None:
    """The same through PKCS#11 (SoftHSM2 standing in for a card): the card's key, which
    signed the region's field, is refused in the actor's, the file as it was."""
    token = softhsm_token
    card = ["--pkcs11-lib", str(token.library), "--token", token.label, "--key",
            token.key_label, "--trust", str(demo_pki.root_cert)]  # fmt: skip
    env = {"SOFTHSM2_CONF": str(token.config), "AVTALSGEN_PKCS11_PIN": token.pin}
    done = run_cli("sign", str(ws.packet), "--field", "region", *card, env=env, lang="sv")
    assert done.returncode == 0, done.stdout + done.stderr
    before = sha(ws.packet)
    done = run_cli("sign", str(ws.packet), "--field", "aktor", *card, env=env, lang="sv")
    assert done.returncode == 1
    said = " ".join(done.stderr.split())
    assert (
        "inte underskrivet: fältet 'region' är redan underskrivet med just den här nyckeln"
    ) in said, said
    assert sha(ws.packet) == before
