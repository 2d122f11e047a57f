"""avtalsgen sign over a folder, as the director signs a batch's packets: one command, one
card (SoftHSM2, as the README sets it up), the PIN asked for and the card logged in to once;
a line for each packet in Swedish, then what it came to. A wrong PIN stops before any packet
is touched; a packet that may not be signed is passed by with its reason; a second run signs
nothing and says so.

The command line runs in this process (conftest.run_cli), the token too (conftest.softhsm_token)."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from pathlib import Path

import pytest
import softhsm
from asn1crypto import pem, x509
from conftest import REPO, TOKEN_SIGNER, edit, fold, run_cli
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from avtalsgen.build.workspace import FACTS_KEY
from avtalsgen.cli import signing as cli_signing
from avtalsgen.signing import sign as signing
from avtalsgen.signing import tokens
from avtalsgen.signing.pki import DemoPki

pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]

#: Three cases of the session's build that are decided and justerade: each packet's region
#: field may be signed now (each names every fact: the program gives the region's
#: signatory as the office).
THREE = ("RUN-90001-2023", "RUN-90003-2025", "RUN-90004-2024")
#: Two decided and justerade cases whose packets still show unknown facts: the seed (its
#: actor's facts) and Kreativa Norrbotten (its organisationsnummer and signatory).
UNKNOWN = ("RUN-00386-2023", "RUN-90002-2024")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder(built: Path, into: Path, dnrs: tuple[str, ...] = THREE) -> Path:
    """An output folder holding copies of the case folders ``dnrs`` of the session's build."""
    output = into / "output"
    for dnr in dnrs:
        shutil.copytree(built / dnr, output / dnr)
    # The output folder's secret, which the manifests' digests of the facts are keyed with.
    shutil.copy(built / FACTS_KEY, output / FACTS_KEY)
    return output


def _card(token: softhsm.Token) -> list[str]:
    return ["--pkcs11-lib", str(token.library), "--token", token.label, "--key", token.key_label]


class _Counted:
    """How often the command asked for a secret and logged in to the card."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.asked = 0
        self.logins = 0
        secret, session = cli_signing._secret, tokens._pkcs11_session

        def asking(variable: str, prompt: str) -> str:
            self.asked += 1
            return secret(variable, prompt)

        def logging_in(key: signing.Pkcs11Key) -> object:
            self.logins += 1
            return session(key)

        monkeypatch.setattr(cli_signing, "_secret", asking)
        monkeypatch.setattr(tokens, "_pkcs11_session", logging_in)


def _validated(packet: Path, root: Path) -> list[tuple[str | None, bool, bool]]:
    """Each signature of ``packet`` as pyHanko validates it: field, intact, trusted."""
    certificate = x509.Certificate.load(pem.unarmor(root.read_bytes())[2])
    found = []
    with packet.open("rb") as file:
        for embedded in PdfFileReader(file).embedded_signatures:
            context = ValidationContext(trust_roots=[certificate])
            status = asyncio.run(async_validate_pdf_signature(embedded, context))
            found.append((embedded.field_name, status.intact and status.valid, status.trusted))
    return found


@pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")
def test_a_folder_is_signed_with_one_pin_and_a_second_run_signs_nothing(
    built: Path,
    tmp_path: Path,
    softhsm_token: softhsm.Token,
    demo_pki: DemoPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = _folder(built, tmp_path)
    env = {"SOFTHSM2_CONF": str(softhsm_token.config), "AVTALSGEN_PKCS11_PIN": softhsm.USER_PIN}
    counted = _Counted(monkeypatch)
    argv = ("sign", str(output), "--field", "region", *_card(softhsm_token), "--ofullstandig")
    done = run_cli(*argv, env=env, lang="sv")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (counted.asked, counted.logins) == (1, 1)
    lines = done.stdout.splitlines()
    for dnr, line in zip(THREE, lines, strict=False):
        assert line.startswith(
            f"signerade region i {output}/{dnr}/paket.pdf som DEMO {TOKEN_SIGNER} (B-B, "
        ), line
    assert lines[3:] == ["undertecknade: 3, överhoppade: 0, misslyckade: 0"]
    assert "Traceback" not in done.stderr
    for dnr in THREE:
        assert _validated(output / dnr / "paket.pdf", demo_pki.root_cert) == [
            ("region", True, True)
        ]
    before = {dnr: _sha(output / dnr / "paket.pdf") for dnr in THREE}
    # Again: nothing is signed twice, and no PIN is asked for.
    again = run_cli(*argv, env=env, lang="sv")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (counted.asked, counted.logins) == (1, 1)
    assert again.stdout.splitlines() == [
        *(
            f"hoppades över: {output}/{dnr}/paket.pdf: region är redan undertecknat, av DEMO "
            f"{TOKEN_SIGNER}"
            for dnr in THREE
        ),
        "inget att underteckna: var och en av de 3 filerna har fältet region redan "
        "undertecknat eller får inte undertecknas nu (se ovan); ingen nyckel efterfrågades",
        "undertecknade: 0, överhoppade: 3, misslyckade: 0",
    ]
    assert {dnr: _sha(output / dnr / "paket.pdf") for dnr in THREE} == before


@pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")
def test_a_wrong_pin_stops_before_the_first_packet(
    built: Path, tmp_path: Path, softhsm_token: softhsm.Token, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _folder(built, tmp_path)
    before = {path: path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}
    counted = _Counted(monkeypatch)
    env = {"SOFTHSM2_CONF": str(softhsm_token.config), "AVTALSGEN_PKCS11_PIN": "000000"}
    done = run_cli("sign", str(output), "--field", "region", *_card(softhsm_token),
                   "--ofullstandig", env=env, lang="sv")  # fmt: skip
    assert done.returncode == 1
    assert fold(done.stderr) == (
        "nyckeln kan inte underteckna: fel PIN-kod till kortet 'avtalsgen-test'; inget "
        "undertecknades"
    )
    assert done.stdout.splitlines() == [
        "undertecknade: 0, överhoppade: 0, misslyckade: 0, inte prövade: 3"
    ]
    assert counted.logins == 1, "one wrong PIN tried, not one for each packet"
    assert {
        path: path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()
    } == before


def test_a_superseded_packet_in_the_folder_is_passed_by_with_its_reason(
    cases: Path, built: Path, tmp_path: Path
) -> None:
    """The seed's case file edited after its build (another amount): its packet states other
    facts and is passed by, saying so; the rest of the folder is signed (the DEMO key)."""
    output = _folder(built, tmp_path, ("RUN-00386-2023", "RUN-90004-2024"))
    seed, other = cases / "RUN-00386-2023.yaml", cases / "exempel-trappsteg.yaml"
    common = ("--output", str(output), "--templates", str(REPO / "templates"))
    made = run_cli("build", str(seed), str(other), *common, lang="sv")
    assert made.returncode == 0 and "oförändrade: 2," in made.stdout, made.stdout
    # Another amount a year, and the total with it (the case file stays valid).
    text = seed.read_text(encoding="utf-8")
    edits = (("belopp_per_ar: 2000000", "belopp_per_ar: 1900000"),
             ("totalt: 6000000", "totalt: 5700000"))  # fmt: skip
    seed.write_text(edit(text, *edits), encoding="utf-8")
    stale = output / "RUN-00386-2023" / "paket.pdf"
    before = _sha(stale)
    done = run_cli("sign", str(output), "--field", "region", "--ofullstandig", lang="sv")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"hoppades över: {stale} är inaktuellt: ärendets uppgifter "
        "'finansiering.finansiarer[0].belopp_per_ar' och 'finansiering.totalt' har ändrats "
        "sedan paketet byggdes, så det som det anger är inte ärendets uppgifter nu; bygg "
        "ärendet igen och underteckna paketet som bygget gör."
    )
    assert lines[1].startswith(f"signerade region i {output}/RUN-90004-2024/paket.pdf som DEMO")
    assert lines[2:] == ["undertecknade: 1, överhoppade: 1, misslyckade: 0"]
    assert _sha(stale) == before
    # Named on the command line, a packet that may not be signed is a failure (exit 1); one
    # signed already is passed by as before.
    signed = output / "RUN-90004-2024" / "paket.pdf"
    done = run_cli("sign", str(stale), str(signed), "--field", "region", lang="sv")
    assert done.returncode == 1
    assert done.stderr.startswith(f"kunde inte undertecknas: {stale} är inaktuellt: ")
    assert done.stdout.splitlines() == [
        f"hoppades över: {signed}: region är redan undertecknat, av DEMO Regional "
        "utvecklingsdirektör",
        "inget att underteckna: var och en av de 2 filerna har fältet region redan "
        "undertecknat eller får inte undertecknas nu (se ovan); ingen nyckel efterfrågades",
        "undertecknade: 0, överhoppade: 1, misslyckade: 1",
    ]
    assert _sha(stale) == before


def test_a_folder_s_protocol_extracts_are_certified_and_its_packets_left_alone(
    cases: Path, built: Path, tmp_path: Path
) -> None:
    """With --field utdragsbestyrkande a folder gives its extracts, not its packets."""
    output = _folder(built, tmp_path, ("RUN-00386-2023",))
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    common = ("--output", str(output), "--templates", str(REPO / "templates"))
    made = run_cli("utdrag", str(meeting), "--paragraf", "211", *common, lang="sv")
    assert made.returncode == 0, made.stdout + made.stderr
    packet = output / "RUN-00386-2023" / "paket.pdf"
    extract = packet.with_name("protokollsutdrag-211.pdf")
    before = _sha(packet)
    done = run_cli("sign", str(output), "--field", "utdragsbestyrkande", lang="sv")
    assert done.returncode == 0, done.stdout + done.stderr
    (line, summary) = done.stdout.splitlines()
    assert line.startswith(f"signerade utdragsbestyrkande i {extract} som DEMO Sekreterare (B-B")
    assert summary == "undertecknade: 1, överhoppade: 0, misslyckade: 0"
    assert _sha(packet) == before


def test_a_packet_that_fails_leaves_the_others_to_sign(built: Path, tmp_path: Path) -> None:
    """Without --ofullstandig each packet still showing an unknown fact fails, in its own
    line, and the next is tried all the same; every file stays as it was; exit 1."""
    output = _folder(built, tmp_path, UNKNOWN)
    before = {path: path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}
    done = run_cli("sign", str(output), "--field", "region", lang="sv")
    assert done.returncode == 1
    failed = [line for line in done.stderr.splitlines() if line.startswith("kunde inte")]
    assert [line.split(": ")[0] for line in failed] == [
        f"kunde inte underteckna {output}/{dnr}/paket.pdf" for dnr in UNKNOWN
    ]
    assert "paketet visar fortfarande 8 okända uppgifter ([uppgift saknas])" in failed[0], failed
    assert all(line.count("paket.pdf") == 1 for line in failed), failed  # named once
    assert done.stdout.splitlines() == ["undertecknade: 0, överhoppade: 0, misslyckade: 2"]
    after = {path: path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file()}
    assert after == before


def test_a_card_that_fails_midway_stops_the_rest(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card taken out at the second packet (its failure as the token reports it): the
    first stays signed, the second as it was, the third is not tried; exit 1."""
    output = _folder(built, tmp_path)
    packets = [output / dnr / "paket.pdf" for dnr in THREE]
    before = [_sha(packet) for packet in packets]
    real = signing.sign_packet
    tried: list[Path] = []

    def taken_out(source: Path, *args: object, **kwargs: object) -> signing.SignResult:
        tried.append(source)
        if len(tried) == 2:
            raise signing.KeyUnusable("the token failed to sign: the card or token was removed")
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(signing, "sign_packet", taken_out)
    done = run_cli("sign", str(output), "--field", "region", "--ofullstandig", lang="en")
    assert done.returncode == 1
    assert tried == packets[:2]
    assert done.stdout.splitlines()[0].startswith(f"signed region of {packets[0]} as DEMO")
    assert done.stdout.splitlines()[-1] == "signed: 1, passed by: 0, failed: 1, not tried: 1"
    assert (
        f"stopped at {packets[1]}: the token failed to sign: the card or token was removed; "
        "it is as it was, and the 1 file after it was not tried"
    ) in fold(done.stderr)
    assert [_sha(packet) for packet in packets] == [_sha(packets[0]), *before[1:]]
    assert _sha(packets[0]) != before[0]
