"""Long-term signatures (PAdES B-T, B-LT, B-LTA) against real trust services.

certomancer's time-stamping authority, OCSP responder and CRLs run on 127.0.0.1
(tests/local_pki.py); the certificates name them (AIA, CRL distribution points). Packets
are the example cases as the command line builds them. Each level is signed with
avtalsgen.signing.sign, read back with avtalsgen.signing.ltv, checked as PDF/A-2b and for
its tags, and compared with poppler's pdfsig; then the services are shut down, a
certificate is revoked after it signed, and the packets still show, from what they hold,
that they were valid when they were signed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import CompletedProcess

import pikepdf
import pytest
from asn1crypto import crl, ocsp
from conftest import run_cli
from local_pki import PASSPHRASE, LocalPki, session_keys
from offline_cli import OfflineCli, can_go_offline
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import RevokedError
from test_assemble import pdfa_validator_violations

from avtalsgen.pdf.pdfa import check_pdfa_structure
from avtalsgen.pdf.tags import structure_problems
from avtalsgen.signing.longterm import TIMESTAMP_FIELD_TITLE, Level
from avtalsgen.signing.ltv import LongTermStatus, document_timestamps, long_term_status
from avtalsgen.signing.sign import Pkcs12Key, SigningError, SignResult, sign_packet
from avtalsgen.signing.verify import load_certificates

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler-utils"),
]

# werkzeug logs every request of the services at INFO on stderr.
logging.getLogger("werkzeug").setLevel(logging.WARNING)

CASE = "RUN-90001-2023"  # an example case: its packet has both signature fields


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return session_keys(tmp_path_factory)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory, keys: Path) -> Iterator[LocalPki]:
    """The services, started once for the session on a free port, stopped at its end."""
    services = LocalPki(tmp_path_factory.mktemp("pki"), keys)
    yield services
    services.stop()


@pytest.fixture(scope="module")
def unsigned(built: Path) -> Path:
    return built / CASE / "paket.pdf"


def sign(
    pki: LocalPki, source: Path, target: Path, field: str, level: str, signer: str | None = None
) -> SignResult:
    """Sign ``field`` with the local PKI's key for it (or ``signer``'s) at ``level``."""
    return sign_packet(
        source,
        target,
        field,
        Pkcs12Key(pki.pkcs12(signer or field), PASSPHRASE),
        role="Firmatecknare",
        level=level,
        timestamp_url=pki.tsa_url if level != "B-B" else None,
        trust_roots=[pki.root_pem],
        allow_incomplete=True,  # the example case still shows unknown facts
    )


def statuses(path: Path, roots: Path) -> dict[str, LongTermStatus]:
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    certs = load_certificates(roots)

    async def read() -> dict[str, LongTermStatus]:
        return {
            str(sig.field_name): await long_term_status(sig, certs)
            for sig in reader.embedded_regular_signatures
        }

    return asyncio.run(read())


def pdfsig(path: Path) -> list[dict[str, str]]:
    """pdfsig's findings per signature; Debian's pdfsig exits 0 even for an invalid one."""
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    blocks: list[dict[str, str]] = []
    for line in out.splitlines():
        if line.startswith("Signature #"):
            blocks.append({})
        elif line.startswith("  - ") and blocks:
            key, _, value = line[4:].partition(": ")
            blocks[-1][key] = value
    return blocks


@dataclass(frozen=True)
class Levels:
    paths: dict[str, Path]
    results: dict[str, SignResult]
    requests: dict[str, list[str]]
    """The services' requests while each level was signed."""


@pytest.fixture(scope="module")
def levels(pki: LocalPki, unsigned: Path, tmp_path_factory: pytest.TempPathFactory) -> Levels:
    folder = tmp_path_factory.mktemp("levels")
    paths: dict[str, Path] = {}
    results: dict[str, SignResult] = {}
    requests: dict[str, list[str]] = {}
    for level in map(str, Level):
        before = len(pki.requests)
        paths[level] = folder / f"{level}.pdf"
        results[level] = sign(pki, unsigned, paths[level], "region", level)
        requests[level] = pki.requests[before:]
    return Levels(paths, results, requests)


def test_each_level_is_made_and_read_back(levels: Levels, pki: LocalPki) -> None:
    for level in map(str, Level):
        assert levels.results[level].pades_level == level
        found = statuses(levels.paths[level], pki.root_pem)["region"]
        assert found.level == level, level
    low = statuses(levels.paths["B-B"], pki.root_pem)["region"]
    assert low.valid_at_signing is None and "no time stamp" in low.reason
    stamped = statuses(levels.paths["B-T"], pki.root_pem)["region"]
    assert stamped.valid_at_signing is None and "no validation data" in stamped.reason
    assert stamped.proven_time is not None
    for level in ("B-LT", "B-LTA"):
        found = statuses(levels.paths[level], pki.root_pem)["region"]
        assert found.valid_at_signing is True, (level, found.reason)
        assert found.proven_time is not None
        assert abs(found.proven_time - levels.results[level].signing_time) < dt.timedelta(
            seconds=30
        )


def test_the_services_are_asked_only_as_each_level_needs(levels: Levels) -> None:
    assert levels.requests["B-B"] == []
    # pyHanko asks the TSA once more to size the signature's room.
    assert set(levels.requests["B-T"]) == {"/avtalsgen-test/tsa/tsa"}
    for level in ("B-LT", "B-LTA"):
        asked = set(levels.requests[level])
        assert "/avtalsgen-test/ocsp/interm" in asked, level  # the signer's status
        assert "/avtalsgen-test/crls/root/latest.crl" in asked, level  # the CA's and TSA's
    tsa = "/avtalsgen-test/tsa/tsa"
    assert levels.requests["B-LTA"].count(tsa) > levels.requests["B-LT"].count(tsa)


def test_validation_data_is_in_the_dss_after_the_signature(levels: Levels) -> None:
    data = levels.paths["B-LT"].read_bytes()
    reader = PdfFileReader(io.BytesIO(data))
    sig = reader.embedded_regular_signatures[0]
    dss = DocumentSecurityStore.read_dss(reader)
    certs = {cert.subject.native["common_name"] for cert in dss.load_certs()}
    assert {
        "LOCAL Region Norrbotten",
        "LOCAL avtalsgen test issuing CA",
        "LOCAL avtalsgen test root CA",
        "LOCAL avtalsgen test time-stamping authority",
    } <= certs
    assert dss.ocsps and dss.crls
    response = ocsp.OCSPResponse.load(dss.ocsps[0].get_object().data)
    single = response.basic_ocsp_response["tbs_response_data"]["responses"][0]
    assert single["cert_status"].name == "good"
    assert single["cert_id"]["serial_number"].native == sig.signer_cert.serial_number
    produced = response.basic_ocsp_response["tbs_response_data"]["produced_at"].native
    assert produced >= levels.results["B-LT"].signing_time - dt.timedelta(seconds=1)
    # The /VRI entry is keyed by the SHA-1 of the signature's /Contents as written (hex,
    # padding included), as pyHanko keys it when it signs.
    vri_key = hashlib.sha1(sig.pkcs7_content.hex().encode("ascii")).hexdigest().upper()
    with pikepdf.open(levels.paths["B-LT"]) as pdf:
        assert f"/{vri_key}" in pdf.Root.DSS.VRI
        # The DSS came in a revision of its own, after the signature.
        signed_revision = data[: sig.byte_range[2] + sig.byte_range[3]]
        with pikepdf.open(io.BytesIO(signed_revision)) as before:
            assert "/DSS" not in before.Root


def test_every_level_stays_pdfa_and_tagged(levels: Levels) -> None:
    for level, path in levels.paths.items():
        assert check_pdfa_structure(path, lang="sv-SE") == [], level
        assert pdfa_validator_violations(path) == [], level
        with pikepdf.open(path) as pdf:
            assert structure_problems(pdf) == [], level
        subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)


def test_the_document_time_stamp_is_invisible_and_prints(levels: Levels) -> None:
    with pikepdf.open(levels.paths["B-LTA"]) as pdf:
        stamp = next(
            f for f in pdf.Root.AcroForm.Fields if str(f.get("/T", "")).startswith("tidsstampel")
        )
        assert str(stamp.T) == "tidsstampel-1"
        assert str(stamp.TU) == TIMESTAMP_FIELD_TITLE
        assert stamp.V.Type == "/DocTimeStamp"
        assert stamp.V.SubFilter == "/ETSI.RFC3161"
        assert int(stamp.F) == 4 | 128  # print, locked
        crop = [float(v) for v in pdf.pages[0].mediabox]
        assert all(float(v) < crop[0] for v in stamp.Rect)  # wholly outside the page
        assert list(stamp.AP.N.BBox) == [0, 0, 0, 0]
        assert stamp.objgen in {a.objgen for a in pdf.pages[0].Annots}


def test_pdfsig_agrees_on_every_level(levels: Levels) -> None:
    for level, path in levels.paths.items():
        found = pdfsig(path)
        region = next(b for b in found if b.get("Signature Field Name") == "region")
        assert region["Signature Validation"] == "Signature is Valid.", level
        assert region["Signature Type"] == "ETSI.CAdES.detached", level
        assert region["Signer Certificate Common Name"] == "LOCAL Region Norrbotten"
        assert ("Total document signed" in region) == (level in ("B-B", "B-T")), level
    stamps = [
        b for b in pdfsig(levels.paths["B-LTA"]) if b.get("Signature Field Name") == "tidsstampel-1"
    ]
    assert len(stamps) == 1
    # Debian's poppler 22.12 lists a document time stamp but cannot validate it.
    assert stamps[0]["Signer Certificate Common Name"] == (
        "LOCAL avtalsgen test time-stamping authority"
    )
    assert "Total document signed" in stamps[0]


def test_document_time_stamps_are_checked(levels: Levels, pki: LocalPki) -> None:
    reader = PdfFileReader(io.BytesIO(levels.paths["B-LTA"].read_bytes()))
    stamps = asyncio.run(document_timestamps(reader, load_certificates(pki.root_pem)))
    assert [(s.field, s.intact, s.trusted, s.problem) for s in stamps] == [
        ("tidsstampel-1", True, True, None)
    ]
    assert stamps[0].authority == "LOCAL avtalsgen test time-stamping authority"
    # A root that is not the TSA's: intact, not trusted.
    other = asyncio.run(document_timestamps(reader, []))
    assert other[0].intact and not other[0].trusted and other[0].problem is not None


def test_levels_ask_for_what_they_need(pki: LocalPki, unsigned: Path, tmp_path: Path) -> None:
    key = Pkcs12Key(pki.pkcs12("region"), PASSPHRASE)
    target = tmp_path / "signed.pdf"
    with pytest.raises(SigningError, match=r"B-LT needs a time stamp: give a time-stamping"):
        sign_packet(unsigned, target, "region", key, role="x", level="B-LT")
    with pytest.raises(SigningError, match="B-B has no time stamp"):
        sign_packet(
            unsigned, target, "region", key, role="x", level="B-B", timestamp_url=pki.tsa_url
        )
    with pytest.raises(SigningError, match="unknown PAdES level 'B-X'"):
        sign_packet(unsigned, target, "region", key, role="x", level="B-X")
    with pytest.raises(SigningError, match="does not lead to a root certificate you trust"):
        sign_packet(
            unsigned,
            target,
            "region",
            key,
            role="x",
            level="B-LT",
            timestamp_url=pki.tsa_url,
            allow_incomplete=True,
        )
    assert not target.exists()


def test_crl_files_and_the_tsa_from_the_environment(
    pki: LocalPki, built: Path, tmp_path: Path
) -> None:
    """AVTALSGEN_TSA_URL names the time-stamping authority and AVTALSGEN_CRL the CRL files
    (as --tsa and --crl would): B-LT is made from those CRLs, no OCSP responder or CRL
    distribution point asked, and they are what the DSS holds."""
    files = []
    for ca in ("root", "interm"):
        path = tmp_path / f"{ca}.crl"
        with urllib.request.urlopen(f"{pki.url}/avtalsgen-test/crls/{ca}/latest.crl") as answer:
            path.write_bytes(answer.read())
        files.append(path)
    packet = case_folder(built, tmp_path) / "paket.pdf"
    env = {
        "AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode(),
        "XDG_DATA_HOME": str(tmp_path),
        "AVTALSGEN_TSA_URL": pki.tsa_url,
        "AVTALSGEN_CRL": os.pathsep.join(map(str, files)),
    }
    before = len(pki.requests)
    signed = avtalsgen(
        "sign", str(packet), "--field", "region", "--p12", str(pki.pkcs12("region")),
        "--niva", "B-LT", "--trust", str(pki.root_pem), "--ofullstandig", env=env,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert "(B-LT, " in signed.stdout
    assert "Long term:     valid when it was made (" in signed.stdout
    assert set(pki.requests[before:]) == {"/avtalsgen-test/tsa/tsa"}
    reader = PdfFileReader(io.BytesIO(packet.read_bytes()))
    dss = DocumentSecurityStore.read_dss(reader)
    assert sorted(ref.get_object().data for ref in dss.crls) == sorted(
        f.read_bytes() for f in files
    )
    assert not dss.ocsps
    junk = tmp_path / "junk.crl"
    junk.write_bytes(b"not a list")
    refused = avtalsgen(
        "sign", str(packet), "--field", "aktor", "--p12", str(pki.pkcs12("aktor")),
        "--niva", "B-LT", "--crl", str(junk), "--trust", str(pki.root_pem), "--ofullstandig",
        env=env,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"{junk}: not a certificate revocation list (CRL)" in refused.stderr


def revoked_ocsp_in_dss(pki: LocalPki, path: Path, signer: str) -> None:
    """Add to ``path``'s DSS what the OCSP responder says of ``signer`` now (revoked), as a
    careless tool would (pyHanko's own writer; avtalsgen refuses to)."""
    p12 = str(pki.pkcs12(signer))
    key = SimpleSigner.load_pkcs12(p12, passphrase=PASSPHRASE)  # type: ignore[no-untyped-call]
    assert key is not None and key.signing_cert is not None
    chain = list(key.cert_registry)
    context = ValidationContext(
        trust_roots=load_certificates(pki.root_pem), allow_fetching=True, other_certs=chain
    )

    async def fetch() -> None:
        validator = CertificateValidator(
            key.signing_cert, intermediate_certs=chain, validation_context=context
        )
        try:
            with pytest.raises(RevokedError):
                await validator.async_validate_usage(set())  # type: ignore[no-untyped-call]
        finally:
            await context.aclose()  # type: ignore[no-untyped-call]

    asyncio.run(fetch())
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    contents = reader.embedded_regular_signatures[-1].pkcs7_content.hex().encode("ascii")
    with path.open("r+b") as stream:
        DocumentSecurityStore.add_dss(
            stream, contents, certs=chain, ocsps=context.ocsps, crls=context.crls
        )


def test_a_revoked_certificate_signs_nothing_and_verify_sees_it(
    pki: LocalPki, unsigned: Path, tmp_path: Path
) -> None:
    # Revoked from the day it became valid: the OCSP responder and the CA's CRL (issued
    # then) both say so. (A revocation since a minute ago is in no CRL yet, and an OCSP
    # answer that comes more than pyHanko's second of tolerance after the check began, as on
    # a loaded machine, is set aside as too new: the CRL alone would then say "good".)
    pki.revoke("revoked", pki.start)
    for level in ("B-LT", "B-LTA"):
        target = tmp_path / f"{level}.pdf"
        with pytest.raises(
            SigningError, match=r"the certificate of LOCAL Revoked Signer is revoked"
        ):
            sign(pki, unsigned, target, "region", level, signer="revoked")
        assert not target.exists()
    # B-T asks no OCSP responder: it signs. Validation data added afterwards shows the
    # signature was made after the certificate was revoked.
    made = sign(pki, unsigned, tmp_path / "B-T.pdf", "region", "B-T", signer="revoked").path
    assert statuses(made, pki.root_pem)["region"].valid_at_signing is None
    revoked_ocsp_in_dss(pki, made, "revoked")
    found = statuses(made, pki.root_pem)["region"]
    assert found.level == "B-LT"
    assert found.valid_at_signing is False
    assert found.problem == (
        "not valid at its signing time: the certificate was revoked before the time stamp's time"
    )


def test_tampering_after_b_lta_is_seen(levels: Levels, pki: LocalPki, tmp_path: Path) -> None:
    data = bytearray(levels.paths["B-LTA"].read_bytes())
    reader = PdfFileReader(io.BytesIO(bytes(data)))
    start = reader.embedded_regular_signatures[0].byte_range[1] // 2  # inside the signed range
    data[start : start + 1] = b"X" if data[start : start + 1] != b"X" else b"Y"
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    found = statuses(tampered, pki.root_pem)["region"]
    assert found.valid_at_signing is False and found.reason == "the signed bytes were changed"
    stamps = asyncio.run(
        document_timestamps(PdfFileReader(io.BytesIO(bytes(data))), load_certificates(pki.root_pem))
    )
    assert not stamps[0].intact
    assert pdfsig(tampered)[0]["Signature Validation"] == "Digest Mismatch."


needs_offline = pytest.mark.skipif(
    not can_go_offline(), reason="needs unshare -n (a network namespace of its own)"
)


@pytest.fixture(scope="module")
def offline() -> Iterator[OfflineCli]:
    """The command line in a process with no network at all (tests/offline_cli.py), one for
    the module's offline commands."""
    runner = OfflineCli()
    yield runner
    runner.close()


def avtalsgen(*argv: str, env: dict[str, str]) -> CompletedProcess[str]:
    """The command line in English, in this process (conftest.run_cli)."""
    return run_cli(*argv, env=env)


def case_folder(built: Path, tmp_path: Path) -> Path:
    """A copy of the example case's output folder (packet, documents, manifest)."""
    return Path(shutil.copytree(built / CASE, tmp_path / "output" / CASE))


@needs_offline
def test_b_lta_holds_after_revocation_with_the_services_down(
    keys: Path, built: Path, tmp_path: Path, offline: OfflineCli
) -> None:
    """Both parties sign at B-LTA with the command line; then the actor's certificate is
    revoked, the services stop, and `avtalsgen verify`, with no network at all, still shows
    from what the packet holds that both signatures were valid when they were made."""
    packet = case_folder(built, tmp_path) / "paket.pdf"
    env = {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode(), "XDG_DATA_HOME": str(tmp_path)}
    services = LocalPki(tmp_path / "pki", keys)
    try:
        kept = b""
        for field in ("region", "aktor"):
            signed = avtalsgen(
                "sign", str(packet), "--field", field, "--p12", str(services.pkcs12(field)),
                "--niva", "B-LTA", "--tsa", services.tsa_url, "--trust", str(services.root_pem),
                "--ofullstandig", env=env,
            )  # fmt: skip
            assert signed.returncode == 0, signed.stdout + signed.stderr
            assert f"signed {field} of" in signed.stdout and "(B-LTA, " in signed.stdout
            # Each signature and its revisions are appended: nothing before is rewritten.
            now = packet.read_bytes()
            assert now.startswith(kept) and len(now) > len(kept)
            kept = now
        since = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=1)
        services.revoke("aktor", since)
        while dt.datetime.now(dt.UTC) <= since:
            time.sleep(0.1)
        again = case_folder(built, tmp_path / "again") / "paket.pdf"
        refused = avtalsgen(
            "sign", str(again), "--field", "aktor", "--p12", str(services.pkcs12("aktor")),
            "--niva", "B-LT", "--tsa", services.tsa_url, "--trust", str(services.root_pem),
            "--ofullstandig", env=env,
        )  # fmt: skip
        assert refused.returncode == 1
        assert "the certificate of LOCAL Swedish Lapland Visitors Board is revoked" in (
            refused.stderr
        )
    finally:
        services.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{services.url}/avtalsgen-test/crls/root/latest.crl", timeout=5)
    checked = offline.run(
        "verify", str(packet), "--trust", str(services.root_pem), "--complete", env=env
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out = checked.stdout
    assert "Result: complete" in out
    assert out.count("PAdES level:   B-LTA") == 2
    assert out.count("Long term:     valid when it was made (") == 2
    assert "Document time stamp 'tidsstampel-1': " in out
    assert "Document time stamp 'tidsstampel-2': " in out
    assert out.count(", intact, trusted (LOCAL avtalsgen test time-stamping authority)") == 2
    # Without the network namespace, too, nothing is asked of anyone: the same report.
    assert avtalsgen("verify", str(packet), "--trust", str(services.root_pem), env=env).stdout == (
        out
    )
    with pikepdf.open(packet) as pdf:
        names = [str(f.T) for f in pdf.Root.AcroForm.Fields]
    assert names == ["region", "aktor", "tidsstampel-1", "tidsstampel-2"]
    assert check_pdfa_structure(packet, lang="sv-SE") == []
    blocks = pdfsig(packet)
    assert [b.get("Signature Validation") for b in blocks[:2]] == ["Signature is Valid."] * 2
    manifest = (packet.parent / "manifest.json").read_text(encoding="utf-8")
    assert PASSPHRASE.decode() not in manifest + out
    recorded = json.loads(manifest)["packet"]["signatures"]
    assert [(s["field"], s["pades_level"], s["intact"]) for s in recorded] == [
        ("region", "B-LTA", True),
        ("aktor", "B-LTA", True),
    ]
    # A changed byte in what the region signed: verify says NOT valid, offline too.
    data = bytearray(packet.read_bytes())
    data[data.index(b"stream", len(data) // 10) + 40] ^= 0x01  # inside a page's drawing
    packet.write_bytes(bytes(data))
    broken = offline.run("verify", str(packet), "--trust", str(services.root_pem), env=env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Result: NOT valid" in broken.stdout, broken.stderr


@needs_offline
def test_the_demo_key_reaches_every_level_offline(
    built: Path, tmp_path: Path, offline: OfflineCli
) -> None:
    """With no network at all, the DEMO key signs at B-LTA (the DEMO TSA answers in process,
    the DEMO root issues its CRL in process) and at B-T; verify, offline and in Swedish,
    reports the level each reached and what the file shows of them."""
    packet = case_folder(built, tmp_path) / "paket.pdf"
    data = Path(os.environ["XDG_DATA_HOME"])  # the test process's DEMO PKI (conftest)
    env = {"XDG_DATA_HOME": str(data)}
    bad = avtalsgen("sign", str(packet), "--field", "region", "--niva", "B-X", env=env)
    assert bad.returncode == 2 and "'B-X' is not a PAdES level" in bad.stderr
    lta = offline.run("sign", str(packet), "--field", "region", "--niva", "B-LTA",
                      "--ofullstandig", env=env)  # fmt: skip
    assert lta.returncode == 0, lta.stdout + lta.stderr
    assert "(B-LTA, " in lta.stdout
    assert "PAdES level:   B-LTA" in lta.stdout
    assert "Long term:     valid when it was made (" in lta.stdout
    assert "Document time stamp 'tidsstampel-1': " in lta.stdout
    assert ", intact, trusted (DEMO avtalsgen timestamp authority)" in lta.stdout
    assert _timestamp_signer(packet) == "DEMO avtalsgen timestamp authority"
    reader = PdfFileReader(io.BytesIO(packet.read_bytes()))
    dss = DocumentSecurityStore.read_dss(reader)
    lists = [crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
    assert [c.issuer.native["common_name"] for c in lists] == ["DEMO avtalsgen root CA"]
    stamped = offline.run("sign", str(packet), "--field", "aktor", "--niva", "B-T",
                          "--ofullstandig", env=env)  # fmt: skip
    assert stamped.returncode == 0, stamped.stdout + stamped.stderr
    assert "(B-T, " in stamped.stdout
    assert "Long term:     time-stamped, but the file holds no validation data" in (stamped.stdout)
    demo_root = data / "avtalsgen" / "demo-pki" / "root.pem"
    swedish = offline.run("verify", str(packet), "--trust", str(demo_root), env=env, lang="sv")
    assert swedish.returncode == 0, swedish.stdout + swedish.stderr
    out = swedish.stdout
    assert out.count("PAdES-nivå:") == 2, out
    assert "B-LTA" in out and "B-T" in out
    assert "Långsiktigt:   giltig när den gjordes (" in out
    assert "Dokumenttidsstämpel 'tidsstampel-1': " in out
    # The region's B-LTA signature and the actor's B-T one, each as pdfsig sees it.
    assert [b.get("Signature Validation") for b in pdfsig(packet)[:2]] == [
        "Signature is Valid."
    ] * 2


def _timestamp_signer(path: Path) -> str:
    """The common name of the TSA of the first signature's time stamp."""
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    sig = reader.embedded_regular_signatures[0]
    for attribute in sig.signer_info["unsigned_attrs"]:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]["content"]
            serial = token["signer_infos"][0]["sid"].chosen["serial_number"].native
            for choice in token["certificates"]:
                if choice.chosen.serial_number == serial:
                    return str(choice.chosen.subject.native["common_name"])
    return ""
