"""avtalsgen sign with a smart card (SoftHSM2) and a PKCS#12 file, as a person runs it:
secrets from the environment only, never in argv, output or files.

The command line runs in this process (conftest.run_cli), the smart card too: the session's
SoftHSM2 token (conftest.softhsm_token), as SoftHSM2 reads its configuration once per process."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import softhsm
from conftest import REPO, run_cli

from avtalsgen.signing.pki import DemoPki, DemoSigner, ensure_demo_pki, issue_demo_signer

PASSPHRASE = b"Hemligt-P12-losen-4711"

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]


def avtalsgen(
    *argv: str, env: dict[str, str], lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    """The command line, in this process."""
    return run_cli(*argv, env=env, lang=lang)


@pytest.fixture(scope="module")
def packet(built: Path) -> Path:
    """An unsigned packet of the seed case (the session's build: tests copy it to sign it)."""
    return built / "RUN-00386-2023" / "paket.pdf"


@pytest.fixture(scope="module")
def demo_data() -> Path:
    """The XDG_DATA_HOME of the test process (conftest): the demo PKI its tests sign with,
    made once for every module."""
    return Path(os.environ["XDG_DATA_HOME"])


@dataclass(frozen=True)
class RegionSigned:
    folder: Path
    """paket.pdf signed by the region and its manifest.json: tests copy them."""
    done: subprocess.CompletedProcess[str]
    """What ``avtalsgen sign`` told."""


@pytest.fixture(scope="module")
def region_signed(
    packet: Path, demo_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> RegionSigned:
    """The seed's packet and manifest, the region's field signed with the demo key (of
    :func:`demo_data`), in English: one signature for the tests that go on from there."""
    folder = tmp_path_factory.mktemp("region-signed")
    shutil.copy(packet, folder / "paket.pdf")
    shutil.copy(packet.parent / "manifest.json", folder / "manifest.json")
    done = avtalsgen("sign", str(folder / "paket.pdf"), "--field", "region", "--ofullstandig",
                     env={"XDG_DATA_HOME": str(demo_data)})  # fmt: skip
    return RegionSigned(folder, done)


@pytest.fixture(scope="module")
def own_ca(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    """A CA of the module's own, not the demo key's: the real keys' (made once)."""
    return ensure_demo_pki(tmp_path_factory.mktemp("egen-ca"))


_SIGNERS: dict[str, DemoSigner] = {}


def own_signer(pki: DemoPki, name: str, path: Path) -> DemoSigner:
    """A signer of ``pki`` in a PKCS#12 file of :data:`PASSPHRASE`, valid for a month (made
    once per CA and name; ``path`` a copy of its file)."""
    key = f"{pki.root_cert}\n{name}"
    if key not in _SIGNERS:
        now = dt.datetime.now(dt.UTC)
        _SIGNERS[key] = issue_demo_signer(
            pki, name, path.with_name(f"made-{path.name}"), passphrase=PASSPHRASE,
            not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30),
        )  # fmt: skip
    shutil.copy(_SIGNERS[key].pkcs12, path)
    return dataclasses.replace(_SIGNERS[key], pkcs12=path)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")
def test_sign_with_a_smart_card_then_a_p12(
    packet: Path, tmp_path: Path, softhsm_token: softhsm.Token, demo_pki: DemoPki
) -> None:
    token, pki = softhsm_token, demo_pki
    signed = tmp_path / "paket.pdf"
    shutil.copy(packet, signed)
    # The seed case leaves facts unknown: signed anyway (the refusal is tested below).
    card = ["--pkcs11-lib", str(token.library), "--token", token.label, "--key", token.key_label,
            "--ofullstandig"]  # fmt: skip
    env = {"SOFTHSM2_CONF": str(token.config)}
    # A wrong PIN: a clear message, exit 1, the file untouched.
    before = sha(signed)
    wrong = avtalsgen("sign", str(signed), "--field", "region", *card,
                      env={**env, "AVTALSGEN_PKCS11_PIN": "000000"})  # fmt: skip
    assert wrong.returncode == 1
    assert "PIN" in wrong.stderr and "Traceback" not in wrong.stderr
    assert sha(signed) == before
    # No PIN and no terminal: told how to give it, never asked on the command line.
    missing = avtalsgen("sign", str(signed), "--field", "region", *card, env=env)
    assert missing.returncode == 2
    assert "AVTALSGEN_PKCS11_PIN" in missing.stderr
    # The right PIN, from the environment.
    trust = ["--trust", str(pki.root_cert)]  # the card's CA, as a registrar names it
    ok = avtalsgen("sign", str(signed), "--field", "region", *card, *trust,
                   env={**env, "AVTALSGEN_PKCS11_PIN": token.pin})  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "signed region of" in ok.stdout
    # The actor signs with a PKCS#12 file of its own passphrase; a wrong passphrase first.
    actor = own_signer(pki, "Aktörens firmatecknare", tmp_path / "aktor.p12")
    p12 = ["--p12", str(actor.pkcs12), "--ofullstandig"]
    bad = avtalsgen("sign", str(signed), "--field", "aktor", *p12,
                    env={"AVTALSGEN_P12_PASSPHRASE": "fel-losenord"})  # fmt: skip
    assert bad.returncode == 1 and "passphrase" in bad.stderr
    verbose = avtalsgen("--verbose", "sign", str(signed), "--field", "aktor", *p12,
                        env={"AVTALSGEN_P12_PASSPHRASE": "fel-losenord"})  # fmt: skip
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr
    good = avtalsgen("sign", str(signed), "--field", "aktor", *p12, *trust,
                     env={"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode()})  # fmt: skip
    assert good.returncode == 0, good.stderr
    verified = avtalsgen("verify", str(signed), "--trust", str(pki.root_cert), "--no-demo",
                         env={})  # fmt: skip
    assert verified.returncode == 0, verified.stdout
    assert "Signature 2 of 2, field 'aktor': OK" in verified.stdout
    sig = subprocess.run(["pdfsig", str(signed)], capture_output=True, text=True, check=False)
    assert sig.stdout.count("Signature Validation: Signature is Valid.") == 2
    # No secret appears in any output, argument or file.
    secrets = [token.pin, PASSPHRASE.decode(), "fel-losenord"]
    texts = [r.stdout + r.stderr for r in (wrong, missing, ok, bad, verbose, good, verified)]
    texts += [p.read_text(errors="replace") for p in signed.parent.glob("*.json")]
    for secret in secrets:
        for text in texts:
            assert secret not in text
    assert token.pin.encode() not in signed.read_bytes()


#: What the seed case leaves unknown, as the refusal lists it ("page label: line").
SEED_UNKNOWN = (
    r"Samarbetsavtal s\. 1: • Swedish Lapland Visitors Board, organisationsnummer "
    r"\[uppgift saknas\]",
    r"Samarbetsavtal s\. \d+: För Swedish Lapland Visitors Board, Ort: \[uppgift saknas\]",
    r"Beslutsförslag s\. 1: Handläggare: \[uppgift saknas\]",
)


def test_a_real_key_refuses_an_incomplete_packet_unless_told(
    packet: Path, tmp_path: Path, own_ca: DemoPki
) -> None:
    pki = own_ca
    region = own_signer(pki, "Regionens firmatecknare", tmp_path / "region.p12")
    signed = tmp_path / "paket.pdf"
    shutil.copy(packet, signed)
    shutil.copy(packet.parent / "manifest.json", tmp_path / "manifest.json")
    env = {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode(), "LANG": "en_US.UTF-8", "LC_ALL": ""}
    before = sha(signed)
    refused = avtalsgen("sign", str(signed), "--field", "region", "--p12", str(region.pkcs12),
                        env=env)  # fmt: skip
    assert refused.returncode == 1, refused.stdout
    assert "unknown facts ([uppgift saknas])" in refused.stderr
    # With its folder (the case's Dnr in an output folder): every case's packet is a paket.pdf.
    told_as = f"{signed.parent.name}/paket.pdf: the packet still shows "
    assert refused.stderr.startswith(told_as), refused.stderr
    assert "--ofullstandig" in refused.stderr and "Traceback" not in refused.stderr
    # It said "fill them in in the case file": the region's signer is the program file's
    # (avtal.undertecknare), which check --strict names by file and line.
    assert "in the case file and" not in refused.stderr
    assert "where 'avtalsgen check --strict' names them (the case file or its program file" in (
        refused.stderr
    )
    for fact in SEED_UNKNOWN:
        assert re.search(fact, refused.stderr), fact
    assert sha(signed) == before, "nothing signed"
    told = avtalsgen("sign", str(signed), "--field", "region", "--p12", str(region.pkcs12),
                     "--ofullstandig", "--trust", str(pki.root_cert), env=env)  # fmt: skip
    assert told.returncode == 0, told.stderr
    assert "warning: signed although the packet still shows" in told.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["packet"]["signatures"][0]
    assert entry["field"] == "region" and entry["ofullstandig"] is True
    assert any(re.search(SEED_UNKNOWN[0], line) for line in entry["uppgift_saknas"])
    assert len(entry["uppgift_saknas"]) >= len(SEED_UNKNOWN)


def test_the_demo_key_refuses_an_incomplete_packet_as_a_real_key_does(
    region_signed: RegionSigned, tmp_path: Path, demo_data: Path
) -> None:
    """The DEMO key signed an undecided case's packet (its decision '[uppgift saknas]'), and
    a later bifall med ändring left it signed with the proposal's amounts: it refuses such
    a packet as a real key does, naming each fact, and signs it only with --ofullstandig
    (with the same warning and the same record)."""
    signed = tmp_path / "paket.pdf"
    shutil.copy(region_signed.folder / "paket.pdf", signed)
    shutil.copy(region_signed.folder / "manifest.json", tmp_path / "manifest.json")
    before = signed.read_bytes()
    env = {"XDG_DATA_HOME": str(demo_data), "LANG": "en_US.UTF-8", "LC_ALL": ""}
    refused = avtalsgen("sign", str(signed), "--field", "aktor", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "the packet still shows 8 unknown facts ([uppgift saknas])" in refused.stderr
    assert "or sign the packet as it is with --ofullstandig:" in " ".join(refused.stderr.split())
    assert re.search(SEED_UNKNOWN[0], refused.stderr)
    assert signed.read_bytes() == before, "nothing signed"
    aktor = avtalsgen("sign", str(signed), "--field", "aktor", "--ofullstandig", env=env)
    for done in (region_signed.done, aktor):
        assert done.returncode == 0, done.stderr
        assert "warning: signed although the packet still shows" in done.stderr
        assert re.search(SEED_UNKNOWN[0], done.stderr)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["packet"]["signatures"]
    assert [e["field"] for e in entries] == ["region", "aktor"]
    assert all(e["ofullstandig"] is True and e["uppgift_saknas"] for e in entries), entries


#: Every unknown fact of the seed case's packet, by the line that holds it: a page header's
#: repeat of the beslutsförslag's facts is not listed again; a signature block's name and
#: title say what they are and whose they are. 8 facts on 7 lines (the program names the
#: region's signatory by the office).
SEED_UNKNOWN_LINES = [
    "Handläggare: [uppgift saknas]",
    "Datum: [uppgift saknas]",
    "Avdelning: [uppgift saknas]",
    "• Swedish Lapland Visitors Board, organisationsnummer [uppgift saknas], [uppgift saknas],",
    "För Swedish Lapland Visitors Board, Ort: [uppgift saknas]",
    "För Swedish Lapland Visitors Board, Namnförtydligande: [uppgift saknas]",
    "För Swedish Lapland Visitors Board, Befattning: [uppgift saknas]",
]


def test_the_unknown_facts_are_listed_by_their_own_lines_and_counted_one_by_one(
    packet: Path, tmp_path: Path, demo_data: Path
) -> None:
    from avtalsgen.pdf.unknown import unknown_facts

    facts = unknown_facts(packet)
    assert [fact.line for fact in facts] == SEED_UNKNOWN_LINES
    # The decision's date and § are known: the example meeting of 2023-12-05 decides the seed.
    assert [fact.page.rsplit(" s. ", 1)[0] for fact in facts] == ["Beslutsförslag"] * 3 + [
        "Samarbetsavtal"
    ] * 4
    assert sum(fact.count for fact in facts) == 8
    # The Swedish warning counts the facts and reads as Swedish.
    signed = tmp_path / "paket.pdf"
    shutil.copy(packet, signed)
    shutil.copy(packet.parent / "manifest.json", tmp_path / "manifest.json")
    env = {"XDG_DATA_HOME": str(demo_data)}
    done = avtalsgen("sign", str(signed), "--field", "region", "--ofullstandig", env=env,
                     lang="sv")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "varning: undertecknat trots att paketet fortfarande visar 8 okända uppgifter "
        "([uppgift saknas]); manifestet noterar det:"
    ) in done.stderr
    listed = [line[4:] for line in done.stderr.splitlines() if line.startswith("  - ")]
    assert [line.split(": ", 1)[1] for line in listed] == SEED_UNKNOWN_LINES
    assert "elektroniska underskriften" not in done.stderr


def test_a_complete_packet_signs_with_a_real_key_and_no_note(
    tmp_path: Path, own_ca: DemoPki
) -> None:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    program = tmp_path / "cases" / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    program.write_text(
        text.replace(
            "  undertecknare:\n    namn: null\n", "  undertecknare:\n    namn: Eva Exempel\n"
        ),
        encoding="utf-8",
    )
    case = tmp_path / "cases" / "exempel-arktiska-testbaddar.yaml"
    built = avtalsgen("build", "--strict", str(case), "--output", str(tmp_path / "out"),
                      "--templates", str(REPO / "templates"), env={})  # fmt: skip
    assert built.returncode == 0, built.stderr
    packet = tmp_path / "out" / "RUN-90001-2023" / "paket.pdf"
    pki = own_ca
    region = own_signer(pki, "Regionens firmatecknare", tmp_path / "region.p12")
    env = {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode(), "LANG": "en_US.UTF-8", "LC_ALL": ""}
    done = avtalsgen("sign", str(packet), "--field", "region", "--p12", str(region.pkcs12),
                     "--trust", str(pki.root_cert), env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    manifest = json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8"))
    assert "ofullstandig" not in manifest["packet"]["signatures"][0]


def _result(output: str) -> str:
    """The report's verdict line."""
    return next(line for line in output.splitlines() if line.startswith("Result: "))


def test_sign_and_verify_give_one_report_and_one_verdict(
    region_signed: RegionSigned, tmp_path: Path, demo_data: Path, own_ca: DemoPki
) -> None:
    signed = tmp_path / "RUN-00386-2023" / "paket.pdf"
    shutil.copytree(region_signed.folder, signed.parent)
    data = {"XDG_DATA_HOME": str(demo_data)}  # the module's demo PKI, which signed it
    # The region signs: what is signed holds, the actor is still to sign.
    region = region_signed.done
    verified = avtalsgen("verify", str(signed), env=data)
    expected = "Result: not yet complete: what is signed holds; still to sign: 'aktor'"
    assert _result(region.stdout) == _result(verified.stdout) == expected
    assert region.returncode == verified.returncode == 0, region.stdout
    assert "Still to sign: aktor" in region.stdout and "Still to sign: aktor" in verified.stdout
    complete = avtalsgen("verify", "--complete", str(signed), env=data)
    assert complete.returncode == 1 and _result(complete.stdout) == expected
    # The actor signs with its own key, whose CA was not named: the signature would be
    # intact but not trusted, so it is refused and nothing is written (it signed, then
    # exited 1 with the report alone, leaving a file the committee could not validate).
    pki = own_ca
    actor = own_signer(pki, "Aktörens firmatecknare", tmp_path / "aktor.p12")
    secret = {**data, "AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode()}
    before = signed.read_bytes()
    argv = ("sign", str(signed), "--field", "aktor", "--p12", str(actor.pkcs12), "--ofullstandig")
    refused = avtalsgen(*argv, env=secret)  # (the seed leaves facts unknown)
    assert refused.returncode == 1
    assert signed.read_bytes() == before
    assert "signed aktor of" not in refused.stdout
    told = " ".join(refused.stderr.split())
    assert told.startswith(
        f"{signed}: not signed: the certificate of DEMO Aktörens firmatecknare cannot be "
        "traced to a root certificate you trust ("
    )
    assert told.endswith(
        "). A signature the receiver cannot validate is worse than none, so nothing was "
        f"written: {signed} is as it was. Name the certificate of the CA that issued it with "
        "--trust (repeatable), or once for every signing in AVTALSGEN_TRUST, and sign again."
    )
    assert "Traceback" not in refused.stderr
    # Its CA named (once, in the environment, as a signer with a smart card would), it
    # signs; a verifier who does not name it is told it is not trusted.
    own = avtalsgen(*argv, env={**secret, "AVTALSGEN_TRUST": str(pki.root_cert)})
    assert own.returncode == 0, own.stdout + own.stderr
    assert "signed aktor of" in own.stdout
    untrusted = avtalsgen("verify", str(signed), env=data)
    assert _result(untrusted.stdout) == (
        "Result: NOT trusted: the signatures are intact, but DEMO Aktörens firmatecknare "
        "(aktor) cannot be traced to a root certificate you trust (name it with --trust)"
    )
    assert untrusted.returncode == 1
    # Its CA named: complete, in both words and status.
    trusted = avtalsgen("verify", "--complete", str(signed), "--trust", str(pki.root_cert),
                        env=data)  # fmt: skip
    assert trusted.returncode == 0, trusted.stdout
    from_environment = avtalsgen("verify", "--complete", str(signed),
                                 env={**data, "AVTALSGEN_TRUST": str(pki.root_cert)})  # fmt: skip
    assert from_environment.stdout == trusted.stdout and from_environment.returncode == 0
    assert _result(trusted.stdout) == (
        "Result: complete: every field is signed, every signature is intact and trusted"
    )
    # The same report in Swedish.
    swedish = avtalsgen("verify", str(signed), "--trust", str(pki.root_cert), env=data, lang="sv")
    assert swedish.returncode == 0
    assert _result_sv(swedish.stdout) == (
        "Resultat: fullständigt: alla fält är underskrivna, alla underskrifter är intakta och "
        "betrodda"
    )


def _result_sv(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("Resultat: "))


def test_a_page_changed_after_signing_is_told_as_what_happened(
    region_signed: RegionSigned, tmp_path: Path, demo_data: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = tmp_path / "paket.pdf"
    shutil.copy(region_signed.folder / "paket.pdf", signed)
    data = {"XDG_DATA_HOME": str(demo_data)}
    assert region_signed.done.returncode == 0, region_signed.done.stderr
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 72 Td (500 000 kronor) Tj ET")
    writer.add_stream_to_page(2, writer.add_object(stream))  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    signed.write_bytes(out.getvalue())
    verified = avtalsgen("verify", str(signed), env=data)
    assert verified.returncode == 1
    assert _result(verified.stdout) == (
        "Result: NOT valid: signature 'region': changed after signing: the text or drawings "
        "of page 3 were changed"
    )
    assert "xref" not in verified.stdout + verified.stderr


def test_signing_an_older_packet_version_warns(
    region_signed: RegionSigned, packet: Path, tmp_path: Path, demo_data: Path
) -> None:
    """The actor signed paket.pdf without a word while paket-v2.pdf, built since from a
    changed case file, lay beside it."""
    folder = tmp_path / "RUN-00386-2023"
    shutil.copytree(region_signed.folder, folder)
    shutil.copy(packet, folder / "paket-v2.pdf")  # a newer version, not signed yet
    env = {"XDG_DATA_HOME": str(demo_data), "LANG": "en_US.UTF-8", "LC_ALL": ""}
    old = avtalsgen("sign", str(folder / "paket.pdf"), "--field", "aktor", "--ofullstandig",
                    env=env)  # fmt: skip
    assert old.returncode == 0, old.stderr
    assert (
        f"warning: {folder / 'paket-v2.pdf'} is a newer version of this packet, built since "
        f"from changed inputs; {folder / 'paket.pdf'} was signed as asked"
    ) in " ".join(old.stderr.split())
    newest = avtalsgen("sign", str(folder / "paket-v2.pdf"), "--field", "region",
                       "--ofullstandig", env=env)  # fmt: skip
    assert newest.returncode == 0, newest.stderr
    assert "newer version" not in newest.stderr
    # Named with another file, the older version is signed with the same warning (the batch
    # signed it without a word).
    again = tmp_path / "again" / "RUN-00386-2023"
    shutil.copytree(region_signed.folder, again)
    shutil.copy(packet, again / "paket-v2.pdf")
    both = avtalsgen("sign", str(again / "paket.pdf"), str(again / "paket-v2.pdf"), "--field",
                     "aktor", "--ofullstandig", env=env)  # fmt: skip
    assert both.returncode == 0, both.stdout + both.stderr
    assert (
        f"warning: {again / 'paket-v2.pdf'} is a newer version of this packet, built since "
        f"from changed inputs; {again / 'paket.pdf'} was signed as asked"
    ) in " ".join(both.stderr.split())
    assert " ".join(both.stderr.split()).count("newer version") == 1
    assert both.stdout.splitlines()[-1] == "signed: 2, passed by: 0, failed: 0"
