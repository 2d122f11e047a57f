"""avtalsgen sign with a smart card (SoftHSM2) and a PKCS#12 file, as a person runs it:
secrets from the environment only, never in argv, output or files."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import softhsm
from conftest import REPO

from avtalsgen.signing.pki import DemoPki, ensure_demo_pki, issue_demo_signer

PASSPHRASE = b"Hemligt-P12-losen-4711"

pytestmark = pytest.mark.libreoffice


def avtalsgen(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (SoftHSM2 reads its config once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "avtalsgen.cli", *argv],
        capture_output=True, text=True, env={**os.environ, **env}, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unsigned packet of the seed case."""
    root = tmp_path_factory.mktemp("signcli")
    shutil.copytree(REPO / "cases", root / "cases")
    result = avtalsgen(
        "build", str(root / "cases" / "RUN-00386-2023.yaml"), "--output", str(root / "out"),
        "--templates", str(REPO / "templates"), env={},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return root / "out" / "RUN-00386-2023" / "paket.pdf"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_MAKE_TOKEN = """
import sys
sys.path.insert(0, sys.argv[1])
import softhsm
from pathlib import Path
from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer
pki = ensure_demo_pki(Path(sys.argv[2]))
signer = ensure_demo_signer(pki, "Regional utvecklingsdirektör")
token = softhsm.make_token(Path(sys.argv[3]), signer.pkcs12, signer.passphrase)
print(token.config)
"""


def own_token(tmp_path: Path) -> tuple[softhsm.Token, DemoPki]:
    """A SoftHSM2 token of this test's own, made in a separate process (SoftHSM2 reads its
    configuration once per process, and other tests' tokens live in this one)."""
    made = subprocess.run(
        [sys.executable, "-c", _MAKE_TOKEN, str(REPO / "tests"), str(tmp_path / "pki"),
         str(tmp_path / "softhsm")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    library = softhsm.softhsm_library()
    assert library is not None
    token = softhsm.Token(
        library, Path(made.stdout.strip()), softhsm.TOKEN_LABEL, softhsm.KEY_LABEL,
        softhsm.USER_PIN,
    )  # fmt: skip
    return token, ensure_demo_pki(tmp_path / "pki")


@pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")
def test_sign_with_a_smart_card_then_a_p12(packet: Path, tmp_path: Path) -> None:
    token, pki = own_token(tmp_path)
    signed = tmp_path / "paket.pdf"
    shutil.copy(packet, signed)
    card = ["--pkcs11-lib", str(token.library), "--token", token.label, "--key", token.key_label]
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
    ok = avtalsgen("sign", str(signed), "--field", "region", *card,
                   env={**env, "AVTALSGEN_PKCS11_PIN": token.pin})  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "signed region of" in ok.stdout
    # The actor signs with a PKCS#12 file of its own passphrase; a wrong passphrase first.
    now = dt.datetime.now(dt.UTC)
    actor = issue_demo_signer(
        pki, "Aktörens firmatecknare", tmp_path / "aktor.p12", passphrase=PASSPHRASE,
        not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=30),
    )  # fmt: skip
    p12 = ["--p12", str(actor.pkcs12)]
    bad = avtalsgen("sign", str(signed), "--field", "aktor", *p12,
                    env={"AVTALSGEN_P12_PASSPHRASE": "fel-losenord"})  # fmt: skip
    assert bad.returncode == 1 and "passphrase" in bad.stderr
    verbose = avtalsgen("--verbose", "sign", str(signed), "--field", "aktor", *p12,
                        env={"AVTALSGEN_P12_PASSPHRASE": "fel-losenord"})  # fmt: skip
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr
    good = avtalsgen("sign", str(signed), "--field", "aktor", *p12,
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
