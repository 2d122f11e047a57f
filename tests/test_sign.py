"""Tests for avtalsgen.signing (pki, sign, verify), with real components.

Packets are signed with pyHanko (no mocks) using a demo PKI made in a temporary folder,
from PKCS#12 files and from a SoftHSM2 token over PKCS#11; B-T timestamps come from
pyHanko's DummyTimeStamper, in process or behind an HTTP server on 127.0.0.1. Results are
checked with avtalsgen.signing.verify and, independently, with poppler's pdfsig and pdffonts
and qpdf.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import softhsm
from asn1crypto import keys, tsp
from conftest import TOKEN_SIGNER, run
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.stamp import TextStampStyle
from test_assemble import (
    build,
    fonts_not_embedded,
    pdfa_validator_violations,
    real_inputs,
    synthetic_inputs,
)
from test_pdftext import assert_same_text

from avtalsgen import i18n
from avtalsgen.errors import PacketError
from avtalsgen.pdf.fonts import find_font
from avtalsgen.pdf.pdfa import VerificationError, check_pdfa_structure
from avtalsgen.signing.pki import (
    DemoPki,
    DemoSigner,
    default_demo_pki_dir,
    demo_common_name,
    ensure_demo_pki,
    ensure_demo_signer,
    is_demo_certificate,
    issue_demo_signer,
)
from avtalsgen.signing.sign import (
    FieldSignedError,
    KeySource,
    Pkcs11Key,
    Pkcs12Key,
    SigningError,
    SignResult,
    find_pkcs11_library,
    sign_packet,
)
from avtalsgen.signing.verify import (
    Verdict,
    VerificationReport,
    exit_status,
    format_report,
    load_certificates,
    verify_packet,
)

needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "pdfsig", "pdffonts", "qpdf")),
    reason="needs LibreOffice, poppler-utils and qpdf",
)
needs_softhsm = pytest.mark.skipif(not softhsm.available(), reason="needs softhsm2")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The report's wording is checked in English."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


REGION = "Region Norrbotten regional utvecklingsdirektör"
ACTOR = "Swedish Lapland Visitors Board"
REGION_ROLE = "Regional utvecklingsdirektör"
ACTOR_ROLE = "Verksamhetschef"


# --- fixtures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    pki: DemoPki
    region: DemoSigner
    actor: DemoSigner

    def key(self, signer: DemoSigner) -> Pkcs12Key:
        return Pkcs12Key(signer.pkcs12, signer.passphrase)

    def timestamper(self) -> DummyTimeStamper:
        """pyHanko's in-process test TSA, with the demo PKI's TSA key and certificate."""
        cert = load_certificates(self.pki.tsa_cert)[0]
        key = serialization.load_pem_private_key(self.pki.tsa_key.read_bytes(), None)
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return DummyTimeStamper(tsa_cert=cert, tsa_key=keys.PrivateKeyInfo.load(der))


@pytest.fixture(scope="session")
def demo(demo_pki: DemoPki) -> Demo:
    return Demo(demo_pki, ensure_demo_signer(demo_pki, REGION), ensure_demo_signer(demo_pki, ACTOR))


def sign(
    demo: Demo,
    source: Path,
    target: Path,
    field: str,
    key: KeySource | None = None,
    **kwargs: Any,
) -> SignResult:
    """Sign ``field`` as the region or the actor (demo keys unless ``key`` is given)."""
    signer, role = (demo.region, REGION_ROLE) if field == "region" else (demo.actor, ACTOR_ROLE)
    return sign_packet(source, target, field, key or demo.key(signer), role=role, **kwargs)


def verify(demo: Demo, path: Path) -> VerificationReport:
    return verify_packet(path, [demo.pki.root_cert])


@dataclass(frozen=True)
class Signed:
    unsigned: Path
    region: Path
    both: Path


@pytest.fixture(scope="module")
def signed(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    """A real packet (LibreOffice documents), signed by the region and then by the actor."""
    folder = tmp_path_factory.mktemp("signed")
    unsigned = build(real_inputs(tmp_path_factory), folder / "packet.pdf").path
    timings = []
    start = time.monotonic()
    sign(demo, unsigned, folder / "region.pdf", "region", location="Luleå")
    timings.append(time.monotonic() - start)
    start = time.monotonic()
    sign(demo, folder / "region.pdf", folder / "both.pdf", "aktor")
    timings.append(time.monotonic() - start)
    start = time.monotonic()
    report = verify(demo, folder / "both.pdf")
    print(
        f"signed in {timings[0]:.3f} s and {timings[1]:.3f} s; "
        f"verified {len(report.signatures)} signatures in {time.monotonic() - start:.3f} s"
    )
    return Signed(unsigned, folder / "region.pdf", folder / "both.pdf")


@pytest.fixture
def packet(tmp_path: Path) -> Path:
    """A small unsigned packet without LibreOffice (blank PDF/A pages), for error paths."""
    return build(synthetic_inputs(tmp_path / "in"), tmp_path / "out" / "packet.pdf").path


def pdfsig(path: Path) -> list[dict[str, str]]:
    """pdfsig's findings per signature ("Total document signed" becomes a key too).

    Debian's pdfsig exits 0 even for an invalid signature, so only its output counts.
    """
    blocks: list[dict[str, str]] = []
    for line in run("pdfsig", str(path)).splitlines():
        if re.match(r"Signature #\d+:", line):
            blocks.append({})
        elif line.startswith("  - ") and blocks:
            key, _, value = line[4:].partition(": ")
            blocks[-1][key] = value
        elif line.strip() == "The signature form field is not signed." and blocks:
            blocks[-1]["unsigned"] = "yes"
    return blocks


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- the demo PKI -------------------------------------------------------------------------


def test_demo_pki_is_made_once_and_reused(tmp_path: Path) -> None:
    folder = tmp_path / "demo-pki"
    pki = ensure_demo_pki(folder)
    signer = ensure_demo_signer(pki, REGION)
    made = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    again = ensure_demo_pki(folder)
    assert ensure_demo_signer(again, REGION) == signer
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == made
    assert sorted(made) == sorted(
        [".lock", "root.pem", "root-key.pem", "tsa.pem", "tsa-key.pem", signer.pkcs12.name]
    )
    for private in (pki.root_key, pki.tsa_key, signer.pkcs12):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_demo_pki_first_use_from_two_threads_makes_one_root(tmp_path: Path) -> None:
    results: list[DemoPki] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_demo_pki(tmp_path / "p")))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert len(load_certificates(results[0].root_cert)) == 1


def test_demo_pki_default_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_demo_pki_dir() == tmp_path / "xdg" / "avtalsgen" / "demo-pki"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "avtalsgen" / "demo-pki"
    assert default_demo_pki_dir() == expected


def test_demo_certificates_say_demo_and_suit_pyhanko(demo: Demo) -> None:
    data = demo.region.pkcs12.read_bytes()
    from cryptography.hazmat.primitives.serialization import pkcs12

    _, cert, chain = pkcs12.load_key_and_certificates(data, demo.region.passphrase)
    assert cert is not None
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == f"DEMO {REGION}" == demo.region.name
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert "not valid for real use" in str(org)
    usage = cert.extensions.get_extension_for_class(crypto_x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature  # non-repudiation
    assert [c.subject for c in chain] == [cert.issuer]
    tsa = crypto_x509.load_pem_x509_certificate(demo.pki.tsa_cert.read_bytes())
    eku = tsa.extensions.get_extension_for_class(crypto_x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert demo_common_name("DEMO x") == "DEMO x"
    assert len(demo_common_name("y" * 100)) == 64
    assert is_demo_certificate("DEMO x", "Root") and is_demo_certificate("x", "DEMO root")
    assert not is_demo_certificate("SITHS e-id", "SITHS CA")


# --- signing and verifying a real packet --------------------------------------------------


@pytest.mark.libreoffice
@needs_tools
def test_two_signatures_in_sequence_verify(demo: Demo, signed: Signed) -> None:
    report = verify(demo, signed.both)
    assert report.ok, format_report(report)
    assert report.demo
    region, actor = report.signatures
    assert (region.field, region.signer) == ("region", f"DEMO {REGION}")
    assert (actor.field, actor.signer) == ("aktor", f"DEMO {ACTOR}")
    assert region.issuer == actor.issuer == "DEMO avtalsgen root CA"
    assert (region.coverage, actor.coverage) == ("entire revision", "entire file")
    assert region.modification == "only later signatures and form fields"
    assert actor.modification == "nothing" and actor.covers_whole_file
    assert region.pades_level == actor.pades_level == "B-B"
    assert region.trusted and actor.trusted and region.intact and actor.intact
    assert region.trust == "chain to DEMO avtalsgen root CA"
    assert region.signing_time is not None and actor.signing_time is not None
    assert region.signing_time <= actor.signing_time
    assert report.unsigned_fields == ()

    assert report.verdict is Verdict.COMPLETE and exit_status(report.verdict, complete=True) == 0
    text = format_report(report)
    assert text.startswith(
        f"File: {signed.both}\nResult: complete: every field is signed, every signature is "
        "intact and trusted\nDEMO: "
    )
    assert "NOT valid for real use" in text
    assert f"  region: DEMO {REGION} (DEMO), " in text
    assert "Still to sign: nothing\nTrust: every signature leads to a root you trust\n" in text
    assert "Signature 2 of 2, field 'aktor': OK" in text
    assert "PAdES level:   B-B" in text


@pytest.mark.libreoffice
@needs_tools
def test_after_the_first_signature_one_field_is_left(demo: Demo, signed: Signed) -> None:
    report = verify(demo, signed.region)
    assert report.verdict is Verdict.INCOMPLETE and not report.ok
    assert report.all_problems() == [], "what is signed holds"
    assert report.unsigned_fields == ("aktor",)
    assert report.signatures[0].covers_whole_file
    assert exit_status(report.verdict) == 0
    assert exit_status(report.verdict, complete=True) == 1
    assert "Result: not yet complete: what is signed holds; still to sign: 'aktor'\n" in (
        format_report(report)
    )


@pytest.mark.libreoffice
@needs_tools
def test_pdfsig_agrees(signed: Signed) -> None:
    region, actor = pdfsig(signed.both)
    for found, field, cn in [(region, "region", REGION), (actor, "aktor", ACTOR)]:
        assert found["Signature Field Name"] == field
        assert found["Signer Certificate Common Name"] == f"DEMO {cn}"
        assert found["Signature Type"] == "ETSI.CAdES.detached"
        assert found["Signature Validation"] == "Signature is Valid."
    assert "Not total document signed" in region
    assert "Total document signed" in actor
    first, empty = pdfsig(signed.region)
    assert "Total document signed" in first
    assert first["Signature Validation"] == "Signature is Valid."
    assert empty == {"Signature Field Name": "aktor", "unsigned": "yes"}


@pytest.mark.libreoffice
@needs_tools
def test_packet_stays_pdfa_after_each_signature(signed: Signed) -> None:
    for path in (signed.unsigned, signed.region, signed.both):
        assert check_pdfa_structure(path, lang="sv-SE") == [], path.name
        assert fonts_not_embedded(path) == [], path.name
        assert pdfa_validator_violations(path) == [], path.name
        subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
    fonts = run("pdffonts", str(signed.both))
    assert fonts.count("LiberationSans-Identity-H") == 2  # the two appearances' fonts
    with pikepdf.open(signed.both) as pdf, pikepdf.open(signed.unsigned) as before:
        # Signing moved the modification date (Info and XMP agree: see above) and left the
        # rest of the metadata alone.
        assert str(pdf.docinfo.CreationDate) == str(before.docinfo.CreationDate)
        assert str(pdf.docinfo.ModDate) > str(before.docinfo.ModDate)
        assert str(pdf.docinfo.Producer) == str(before.docinfo.Producer)
        assert pdf.open_metadata()["pdfaid:part"] == "2"
        assert len(pdf.Root.OutputIntents) == 1


@pytest.mark.libreoffice
@needs_tools
def test_visible_appearance_shows_name_role_and_time(signed: Signed) -> None:
    texts = []
    with pikepdf.open(signed.both) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            stack = [field.AP.N]
            while stack:
                xobject = stack.pop()
                for instruction in pikepdf.parse_content_stream(xobject, "BDC"):
                    operands = instruction.operands
                    if len(operands) == 2 and "/ActualText" in operands[1]:
                        texts.append(str(operands[1].ActualText))
                resources = xobject.get("/Resources")
                if isinstance(resources, pikepdf.Dictionary) and "/XObject" in resources:
                    stack += list(resources.XObject.values())
    assert texts[:3] == ["Signerat digitalt av", f"DEMO {REGION}", REGION_ROLE]
    # Swedish time whatever the machine's zone (a server's is UTC).
    assert re.fullmatch(
        r"Tid: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 \(svensk tid\)", texts[3]
    ), texts[3]
    assert texts[4:7] == ["Signerat digitalt av", f"DEMO {ACTOR}", ACTOR_ROLE]


@pytest.mark.libreoffice
@needs_tools
def test_pdftotext_reads_the_signed_packet_the_same_without_its_output_intent(
    signed: Signed,
) -> None:
    """tests/pdftext.py's shortcut (test_pdftext.py) over a packet with two signatures."""
    assert_same_text(signed.both)


@pytest.mark.libreoffice
@needs_tools
def test_b_t_with_the_test_timestamper(demo: Demo, signed: Signed, tmp_path: Path) -> None:
    target = tmp_path / "bt.pdf"
    result = sign(demo, signed.region, target, "aktor", timestamper=demo.timestamper())
    assert (result.path, result.field, result.pades_level) == (target, "aktor", "B-T")
    assert (result.signer, result.certified) == (f"DEMO {ACTOR}", False)
    report = verify(demo, target)
    assert report.ok, format_report(report)
    assert report.signatures[1].signing_time == result.signing_time
    assert [s.pades_level for s in report.signatures] == ["B-B", "B-T"]
    stamped = report.signatures[1].timestamp
    assert stamped is not None and abs(stamped - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert "Timestamp:" in format_report(report)
    assert check_pdfa_structure(target) == []
    assert pdfsig(target)[1]["Signature Validation"] == "Signature is Valid."


# --- a timestamp authority over HTTP on the loopback address ------------------------------


@contextlib.contextmanager
def tsa_server(stamper: DummyTimeStamper, status: int = 200) -> Iterator[tuple[str, list[int]]]:
    """An RFC 3161 server on 127.0.0.1 (a free port) answering with ``stamper``."""
    requests: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(len(body))
            if status != 200:
                self.send_error(status)
                return
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_b_t_from_a_timestamp_server_url(demo: Demo, packet: Path) -> None:
    target = packet.with_name("signed.pdf")
    with tsa_server(demo.timestamper()) as (url, requests):
        sign(demo, packet, target, "region", timestamp_url=url)
    assert requests  # pyHanko asked the server
    report = verify(demo, target)
    assert report.all_problems() == [], format_report(report)
    assert report.signatures[0].pades_level == "B-T"
    assert report.signatures[0].timestamp is not None


def test_a_failing_timestamp_server_leaves_nothing(demo: Demo, packet: Path) -> None:
    target = packet.with_name("signed.pdf")
    with (
        tsa_server(demo.timestamper(), status=500) as (url, _),
        pytest.raises(SigningError, match="the timestamp server failed"),
    ):
        sign(demo, packet, target, "region", timestamp_url=url)
    assert files_in(packet.parent) == ["packet.pdf"]


# --- PKCS#11 through SoftHSM2 -------------------------------------------------------------


@pytest.fixture
def token(demo: Demo, softhsm_token: softhsm.Token) -> softhsm.Token:
    """The session's token (conftest): the region's demo key and certificate."""
    assert TOKEN_SIGNER == REGION
    return softhsm_token


def token_key(token: softhsm.Token, **changes: str | Path) -> Pkcs11Key:
    values: dict[str, object] = {
        "library": token.library,
        "token_label": token.label,
        "key_label": token.key_label,
        "pin": token.pin,
    }
    values.update(changes)
    return Pkcs11Key(**values)  # type: ignore[arg-type]


@needs_softhsm
def test_sign_with_a_pkcs11_token(demo: Demo, token: softhsm.Token, packet: Path) -> None:
    assert find_pkcs11_library() == softhsm.softhsm_library()
    first, both = packet.with_name("region.pdf"), packet.with_name("both.pdf")
    sign(demo, packet, first, "region", key=token_key(token))
    sign(demo, first, both, "aktor")
    report = verify(demo, both)
    assert report.ok, format_report(report)
    assert report.signatures[0].signer == f"DEMO {REGION}"
    assert check_pdfa_structure(both) == []
    if shutil.which("pdfsig"):
        assert [s["Signature Validation"] for s in pdfsig(both)] == ["Signature is Valid."] * 2


@needs_softhsm
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pin": "000000"}, "wrong PIN for token 'avtalsgen-test'"),
        (
            {"token_label": "SITHS-kort"},
            "no token labelled 'SITHS-kort' in PKCS#11 module",
        ),
        (
            {"key_label": "nyckel"},
            "token 'avtalsgen-test' holds no private key labelled 'nyckel' (keys on it: 'signer')",
        ),
        ({"library": Path("/nonexistent/pkcs11.so")}, "/nonexistent/pkcs11.so does not exist"),
    ],
)
def test_pkcs11_errors_are_clear_and_write_nothing(
    demo: Demo, token: softhsm.Token, packet: Path, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(SigningError) as excinfo:
        sign(
            demo, packet, packet.with_name("signed.pdf"), "region", key=token_key(token, **changes)
        )
    assert message in str(excinfo.value)
    assert token.pin not in str(excinfo.value)
    assert files_in(packet.parent) == ["packet.pdf"]


@needs_softhsm
def test_a_key_on_the_token_without_its_certificate_is_named(
    demo: Demo, token: softhsm.Token, packet: Path
) -> None:
    """A key put on a token without its certificate was refused in pyHanko's English
    ("Could not find certificate with label ..."), the same as a key not there at all."""
    import pkcs11

    card = pkcs11.lib(str(token.library)).get_token(token_label=token.label)
    with card.open(rw=True, user_pin=token.pin) as session:
        if not list(session.get_objects({pkcs11.Attribute.LABEL: "utan-certifikat"})):
            session.generate_keypair(
                pkcs11.KeyType.RSA, 2048, label="utan-certifikat", store=True, id=b"\x07"
            )
    i18n.set_language("sv")
    try:
        with pytest.raises(SigningError) as excinfo:
            sign(
                demo,
                packet,
                packet.with_name("signed.pdf"),
                "region",
                key=token_key(token, key_label="utan-certifikat"),
            )
    finally:  # the token is the module's: its other tests list the keys on it
        with card.open(rw=True, user_pin=token.pin) as session:
            for made in list(session.get_objects({pkcs11.Attribute.LABEL: "utan-certifikat"})):
                made.destroy()
    assert str(excinfo.value) == (
        "kortet 'avtalsgen-test' har nyckeln 'utan-certifikat' men inget certifikat med "
        "etiketten 'utan-certifikat', och en underskrift behöver certifikatet (certifikat på "
        "kortet: 'signer')"
    )
    assert files_in(packet.parent) == ["packet.pdf"]


# --- key and certificate errors -----------------------------------------------------------


def test_wrong_pkcs12_passphrase(demo: Demo, packet: Path) -> None:
    key = Pkcs12Key(demo.region.pkcs12, b"not the passphrase")
    with pytest.raises(SigningError) as excinfo:
        sign(demo, packet, packet.with_name("signed.pdf"), "region", key=key)
    assert str(excinfo.value) == f"{demo.region.pkcs12}: wrong passphrase for the PKCS#12 file"
    assert files_in(packet.parent) == ["packet.pdf"]


def test_not_a_pkcs12_file(demo: Demo, packet: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n")
    with pytest.raises(SigningError, match=r"junk\.p12: not a PKCS#12 file"):
        sign(demo, packet, packet.with_name("s.pdf"), "region", key=Pkcs12Key(junk, b"x"))
    with pytest.raises(SigningError, match=r"missing\.p12: cannot read the PKCS#12 file"):
        key = Pkcs12Key(tmp_path / "missing.p12", b"x")
        sign(demo, packet, packet.with_name("s.pdf"), "region", key=key)
    assert files_in(packet.parent) == ["packet.pdf"]


def test_expired_certificate(demo: Demo, packet: Path, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = issue_demo_signer(
        demo.pki,
        REGION,
        tmp_path / "expired.p12",
        not_before=now - dt.timedelta(days=800),
        not_after=now - dt.timedelta(days=30),
    )
    with pytest.raises(SigningError, match=rf"the certificate of DEMO {REGION} expired on "):
        sign(demo, packet, packet.with_name("s.pdf"), "region", key=demo.key(expired))
    assert files_in(packet.parent) == ["packet.pdf"]


def test_secrets_stay_out_of_reprs() -> None:
    assert "hemligt" not in repr(Pkcs12Key(Path("a.p12"), b"hemligt"))
    assert "4711" not in repr(Pkcs11Key(Path("p11.so"), "kort", "nyckel", "4711"))


# --- fields, order and overwriting --------------------------------------------------------


def test_fields_are_signed_in_any_order_each_signature_covering_the_earlier(
    demo: Demo, packet: Path
) -> None:
    out = packet.parent
    first = sign(demo, packet, out / "aktor.pdf", "aktor")  # the actor often signs first
    assert first.certified, "the first signature certifies, whichever field it fills"
    second = sign(demo, out / "aktor.pdf", out / "both.pdf", "region")
    assert not second.certified
    assert (out / "both.pdf").read_bytes().startswith((out / "aktor.pdf").read_bytes())
    report = verify(demo, out / "both.pdf")
    assert report.verdict is Verdict.COMPLETE, format_report(report)
    actor, region = report.signatures
    assert (actor.field, region.field) == ("aktor", "region")
    assert actor.coverage == "entire revision" and region.covers_whole_file
    assert actor.modification == "only later signatures and form fields"
    assert actor.ok and region.ok
    checked = pdfsig(out / "both.pdf")
    assert [block.get("Signature Validation") for block in checked] == [
        "Signature is Valid.",
        "Signature is Valid.",
    ]


def test_fields_are_signed_once(demo: Demo, packet: Path) -> None:
    out = packet.parent
    with pytest.raises(
        SigningError, match=r"no signature field 'nope' \(fields: 'region', 'aktor'"
    ):
        sign(demo, packet, out / "s.pdf", "nope")
    result = sign(demo, packet, out / "region.pdf", "region")
    assert (result.certified, result.pades_level) == (True, "B-B")
    with pytest.raises(FieldSignedError, match="field 'region' is already signed") as raised:
        sign(demo, out / "region.pdf", out / "s.pdf", "region")
    assert raised.value.field == "region"  # the web app's sign page says so in its words
    assert files_in(out) == ["packet.pdf", "region.pdf"]


def test_an_existing_file_is_never_overwritten_silently(demo: Demo, packet: Path) -> None:
    first = packet.with_name("region.pdf")
    sign(demo, packet, first, "region")
    data = first.read_bytes()
    with pytest.raises(SigningError, match="already exists; refusing to overwrite it"):
        sign(demo, packet, first, "region")
    with pytest.raises(SigningError, match="already exists"):
        sign(demo, first, first, "aktor")  # in place needs overwrite=True
    assert first.read_bytes() == data
    sign(demo, first, first, "aktor", overwrite=True)  # in place: earlier revision kept
    assert first.read_bytes().startswith(data)
    assert verify(demo, first).ok
    with pytest.raises(PacketError, match="is already signed; refusing to replace it"):
        build(synthetic_inputs(packet.parent / "in2"), first)
    assert files_in(packet.parent) == ["in2", "packet.pdf", "region.pdf"]


def test_a_signing_error_reads_in_each_language(demo: Demo, packet: Path, tmp_path: Path) -> None:
    """An error raised with a lazy message (``SigningError(_l(...))``) holds it in Swedish
    and English, each with its fields (a reason from the library worded in each too)."""
    junk = tmp_path / "nyckel.p12"
    junk.write_bytes(b"junk")
    text = tmp_path / "text.pdf"
    text.write_text("hej", encoding="utf-8")
    attempts: list[tuple[Callable[[], object], str, str]] = [
        (lambda: sign(demo, packet, tmp_path / "a.pdf", "region", Pkcs12Key(junk, b"x")),
         f"{junk}: not a PKCS#12 file", f"{junk}: är ingen PKCS#12-fil"),
        (lambda: sign(demo, packet, tmp_path / "b.pdf", "region",
                      Pkcs12Key(demo.region.pkcs12, b"fel")),
         f"{demo.region.pkcs12}: wrong passphrase for the PKCS#12 file",
         f"{demo.region.pkcs12}: fel lösenord till PKCS#12-filen"),
        (lambda: sign(demo, packet, tmp_path / "c.pdf", "nope"),
         f"{packet}: no signature field 'nope' (fields: 'region', 'aktor')",
         f"{packet}: det finns inget signaturfält 'nope' (fält: 'region', 'aktor')"),
        (lambda: sign(demo, text, tmp_path / "d.pdf", "region"),
         f"{text}: not a PDF file", f"{text}: är ingen PDF-fil"),
        (lambda: sign(demo, packet, tmp_path / "e.pdf", "region",
                      Pkcs12Key(tmp_path / "saknas.p12", b"x")),
         f"{tmp_path / 'saknas.p12'}: cannot read the PKCS#12 file: No such file or directory",
         f"{tmp_path / 'saknas.p12'}: PKCS#12-filen kan inte läsas: filen eller mappen finns inte"),
    ]  # fmt: skip
    for attempt, english, swedish in attempts:
        with pytest.raises(SigningError) as raised:
            attempt()
        error = raised.value
        assert error.message == english  # raised in English (this module's language)
        assert error.texts["en"] == english and error.texts["sv"].startswith(swedish)
        with i18n.speaking("sv"):
            assert error.text().startswith(swedish)
    assert not {"a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"} & set(files_in(tmp_path))


def test_the_signed_file_is_verified_once_and_is_the_file_in_place(
    demo: Demo, packet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsgen.signing import verify as verify_module

    verified: list[Path] = []
    real = verify_module.verify_packet

    def counted(path: Path, *args: Any, **kwargs: Any) -> VerificationReport:
        verified.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(verify_module, "verify_packet", counted)
    result = sign(demo, packet, packet, "region", overwrite=True, require_trusted=True,
                  trust_roots=[demo.pki.root_cert])  # fmt: skip
    assert len(verified) == 1 and verified[0] != packet  # in staging, before the move
    report = result.report
    assert report is not None and report.path == packet
    again = real(packet, [demo.pki.root_cert])  # what a second verification would say
    assert report.verdict == again.verdict == Verdict.INCOMPLETE
    assert (
        [(s.field, s.signer, s.intact, s.trusted) for s in report.signatures]
        == [(s.field, s.signer, s.intact, s.trusted) for s in again.signatures]
        == [("region", f"DEMO {REGION}", True, True)]
    )
    assert report.unsigned_fields == again.unsigned_fields == ("aktor",)


def test_a_file_in_place_that_is_not_the_file_checked_is_taken_back(
    demo: Demo, packet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from avtalsgen.build.workspace import place as real

    before = packet.read_bytes()

    def place_and_change(made: Path, final: Path, *, replace: bool = False) -> Path:
        real(made, final, replace=replace)
        with final.open("ab") as file:
            file.write(b"%")  # another writer's byte after the move
        return final

    monkeypatch.setattr("avtalsgen.signing.written.place", place_and_change)
    with pytest.raises(SigningError, match="is not the signed file checked; it was taken back"):
        sign(demo, packet, packet, "region", overwrite=True, require_trusted=True,
             trust_roots=[demo.pki.root_cert])  # fmt: skip
    assert packet.read_bytes() == before  # the unsigned packet as it was
    assert verify(demo, packet).unsigned_fields == ("region", "aktor")
    assert files_in(packet.parent) == ["packet.pdf"]


# --- tampering ----------------------------------------------------------------------------


def _flip_a_signed_byte(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[data.index(b"stream", len(data) // 10) + 40] ^= 0x01  # inside compressed data
    return bytes(changed)


def _incremental(data: bytes, change: str) -> bytes:
    """``data`` with an unsigned incremental update appended (pyHanko's plain writer)."""
    # Typed as Any: several of the writer's methods have no annotations.
    writer: Any = IncrementalPdfFileWriter(io.BytesIO(data))
    if change == "page":
        content = writer.add_object(generic.StreamObject(stream_data=b""))
        page: Any = PageObject
        writer.insert_page(page(contents=content, media_box=[0, 0, 612, 792]))
    elif change == "text":
        stream = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 72 Td (Tillagd text) Tj ET")
        writer.add_stream_to_page(1, writer.add_object(stream))
    elif change == "unsign":
        for ref in writer.root["/AcroForm"]["/Fields"]:
            field = ref.get_object()
            if field["/T"] == "aktor":
                del field["/V"]
                writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rewritten_by_pikepdf(data: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out)
    return out.getvalue()


@pytest.mark.libreoffice
@needs_tools
@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            "byte",
            [
                "signature 'region': the signed bytes were changed (the document digest",
                "signature 'aktor': the signed bytes were changed (the document digest",
            ],
        ),
        (
            "page",
            [
                "signature 'region': changed after signing: pages were added or removed",
                "signature 'aktor': changed after signing: pages were added or removed",
                "signature 'aktor': the last signature does not cover the whole file",
            ],
        ),
        (
            "text",
            [
                "signature 'region': changed after signing: the text or drawings of page 2 "
                "were changed",
                "signature 'aktor': the last signature does not cover the whole file",
            ],
        ),
        ("pikepdf", ["signature 'aktor': the signed bytes were changed"]),
        ("contents", ["signature 'aktor': cannot be"]),
        (
            "unsign",
            [
                "signature 'region': changed after signing: the signature of field 'aktor' "
                "was removed",
            ],
        ),
    ],
)
def test_tampering_is_caught(
    demo: Demo, signed: Signed, tmp_path: Path, tamper: str, expected: list[str]
) -> None:
    data = signed.both.read_bytes()
    if tamper == "byte":
        changed = _flip_a_signed_byte(data)
    elif tamper == "pikepdf":
        changed = _rewritten_by_pikepdf(data)
    elif tamper == "contents":  # the actor's CMS blob overwritten (it is outside the digest)
        start = data.rindex(b"/Contents <") + len(b"/Contents <")
        changed = data[:start] + b"0" * 64 + data[start + 64 :]
    else:
        changed = _incremental(data, tamper)
    target = tmp_path / f"{tamper}.pdf"
    target.write_bytes(changed)
    report = verify(demo, target)
    problems = report.all_problems()
    assert report.verdict is Verdict.INVALID
    for message in expected:
        assert any(p.startswith(message) for p in problems), (message, problems)
    text = format_report(report)
    assert f"Result: NOT valid: {problems[0]}" in text
    assert "xref" not in text, "pyHanko's own words are told as what happened"


@pytest.mark.libreoffice
@needs_tools
def test_the_signature_cut_off_is_a_packet_still_to_sign(demo: Demo, signed: Signed) -> None:
    """The actor's signature cut off leaves the file as it was before: nothing is wrong
    with it, it is not complete."""
    assert signed.both.read_bytes().startswith(signed.region.read_bytes())
    report = verify(demo, signed.region)
    assert report.verdict is Verdict.INCOMPLETE and report.unsigned_fields == ("aktor",)


@pytest.mark.libreoffice
@needs_tools
def test_without_trust_anchors_nothing_is_trusted(signed: Signed) -> None:
    report = verify_packet(signed.both)
    assert report.verdict is Verdict.NOT_TRUSTED and exit_status(report.verdict) == 1
    assert all(not s.trusted for s in report.signatures)
    assert (
        "signature 'region': the signer's certificate is not trusted: no chain to a trusted root"
        in (report.all_problems())
    )


def test_verify_refuses_what_it_cannot_read(tmp_path: Path, packet: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"hello")
    with pytest.raises(VerificationError, match=r"junk\.pdf: not a PDF file"):
        verify_packet(junk)
    with pytest.raises(VerificationError, match=r"missing\.pdf: cannot read"):
        verify_packet(tmp_path / "missing.pdf")
    with pytest.raises(VerificationError, match=r"junk\.pdf: cannot read certificates"):
        verify_packet(packet, [junk])


def test_unsigned_packet_has_no_signatures(demo: Demo, packet: Path) -> None:
    report = verify(demo, packet)
    assert report.verdict is Verdict.INCOMPLETE and not report.signatures
    assert report.problems == ()
    assert report.unsigned_fields == ("region", "aktor")
    assert "Result: not signed yet; to sign: 'region' and 'aktor'" in format_report(report)
    assert report.pdfa_problems == ()


def test_structure_check_catches_pyhankos_font_unit_mix_up(demo: Demo, packet: Path) -> None:
    """Why sign.py rescales the appearance font: pyHanko writes /W in the font's units.

    Signed with pyHanko directly and Liberation Sans (2048 units per em), the appearance
    font's widths disagree with its program, which the structure check must report.
    """
    target = packet.with_name("raw.pdf")
    signer = SimpleSigner.load_pkcs12_data(
        demo.region.pkcs12.read_bytes(), other_certs=[], passphrase=demo.region.passphrase
    )
    style = TextStampStyle(
        stamp_text="%(signer)s",
        background=None,
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(find_font()))),
    )
    meta = PdfSignatureMetadata(field_name="region", subfilter=pdf_fields.SigSeedSubFilter.PADES)
    with packet.open("rb") as source, target.open("wb") as out:
        writer = IncrementalPdfFileWriter(source)
        PdfSigner(meta, signer, stamp_style=style).sign_pdf(writer, output=out)
    problems = check_pdfa_structure(target)
    assert any(
        "field 'region' appearance: font" in p and "disagrees with the font program" in p
        for p in problems
    ), problems


def test_the_visible_signing_time_is_swedish_time_in_winter_and_summer() -> None:
    from avtalsgen.signing.sign import stamp_time

    winter = dt.datetime(2026, 12, 6, 4, 5, 9, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 6, 30, 22, 30, 0, tzinfo=dt.UTC)
    assert stamp_time(winter) == "2026-12-06 05:05:09 +01:00 (svensk tid)"
    assert stamp_time(summer) == "2026-07-01 00:30:00 +02:00 (svensk tid)"
