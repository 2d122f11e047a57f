"""What sign and verify say when they refuse, in the language of messages (issue 15):
Swedish by default, English when asked; and a signature's time in Swedish time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import pytest

from avtalsgen import i18n
from avtalsgen.pdf.pdfa import VerificationError
from avtalsgen.signing.sign import Pkcs12Key, SigningError, sign_packet
from avtalsgen.signing.verify import format_report, verify_packet

KEY = Pkcs12Key(Path("unused.p12"), b"")


def refusal(source: Path, tmp_path: Path, field: str = "region") -> str:
    with pytest.raises(SigningError) as caught:
        sign_packet(source, tmp_path / "signed.pdf", field, KEY, role="Direktör")
    return caught.value.message


@pytest.fixture
def no_fields(tmp_path: Path) -> Path:
    path = tmp_path / "tom.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path)
    return path


@pytest.mark.parametrize(
    ("language", "missing", "not_pdf", "no_field"),
    [
        (
            "sv",
            "saknas.pdf: kan inte läsas: filen eller mappen finns inte",
            "text.pdf: är ingen PDF-fil",
            "tom.pdf: det finns inget signaturfält 'region' (fält: inga)",
        ),
        (
            "en",
            "saknas.pdf: cannot read: No such file or directory",
            "text.pdf: not a PDF file",
            "tom.pdf: no signature field 'region' (fields: none)",
        ),
    ],
)
def test_sign_refuses_in_the_language_of_messages(
    language: str, missing: str, not_pdf: str, no_field: str, tmp_path: Path, no_fields: Path
) -> None:
    i18n.set_language(language)
    (tmp_path / "text.pdf").write_text("inte en pdf", encoding="utf-8")
    assert refusal(tmp_path / "saknas.pdf", tmp_path).endswith(missing)
    assert refusal(tmp_path / "text.pdf", tmp_path).endswith(not_pdf)
    assert refusal(no_fields, tmp_path).endswith(no_field)
    assert not (tmp_path / "signed.pdf").exists()


@pytest.mark.parametrize(
    ("language", "missing", "not_pdf"),
    [
        ("sv", "kan inte läsas: filen eller mappen finns inte", "är ingen PDF-fil"),
        ("en", "cannot read: No such file or directory", "not a PDF file"),
    ],
)
def test_verify_refuses_in_the_language_of_messages(
    language: str, missing: str, not_pdf: str, tmp_path: Path
) -> None:
    i18n.set_language(language)
    (tmp_path / "text.pdf").write_text("inte en pdf", encoding="utf-8")
    with pytest.raises(VerificationError) as caught:
        verify_packet(tmp_path / "saknas.pdf")
    assert caught.value.message.endswith(f"saknas.pdf: {missing}")
    with pytest.raises(VerificationError) as caught:
        verify_packet(tmp_path / "text.pdf")
    assert caught.value.message.endswith(f"text.pdf: {not_pdf}")


def test_a_report_of_no_signature_reads_swedish(no_fields: Path) -> None:
    i18n.set_language("sv")
    lines = format_report(verify_packet(no_fields)).splitlines()
    assert lines[0] == f"Fil: {no_fields}"
    assert lines[1] == (
        "Resultat: INTE giltigt: PDF/A: XMP-metadata saknas (PDF/A-identifieringen saknas)"
    )
    assert lines[2:6] == [
        "Underskrivet: inget ännu",
        "Kvar att skriva under: inget",
        "Tillit: ingen underskrift att kontrollera",
        "PDF/A-2b: INTE uppfyllt",
    ]
    problems = lines[lines.index("Problem:") + 1 :]
    assert problems == [
        "  - PDF/A: XMP-metadata saknas (PDF/A-identifieringen saknas)",
        "  - PDF/A: ingen PDF/A-OutputIntent (/GTS_PDFA1)",
    ]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("sv", "2026-12-06 05:05:09 +01:00 (svensk tid)"),
        ("en", "2026-12-06 05:05:09 +01:00 (Swedish time)"),
    ],
)
def test_a_signature_time_is_shown_in_swedish_time(language: str, shown: str) -> None:
    from avtalsgen.signing.verify import _time

    i18n.set_language(language)
    assert _time(dt.datetime(2026, 12, 6, 4, 5, 9, tzinfo=dt.UTC)) == shown
    summer = _time(dt.datetime(2026, 6, 6, 4, 5, 9, tzinfo=dt.UTC))
    assert summer.startswith("2026-06-06 06:05:09 +02:00")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("sv", "mappen för demo-PKI kan inte användas: filen finns redan"),
        ("en", "cannot use the demo PKI folder: File exists"),
    ],
)
def test_the_demo_pki_refuses_in_the_language_of_messages(
    language: str, said: str, tmp_path: Path
) -> None:
    from avtalsgen.signing.pki import PkiError, ensure_demo_pki

    i18n.set_language(language)
    (tmp_path / "fil").write_text("inte en mapp", encoding="utf-8")
    with pytest.raises(PkiError) as caught:
        ensure_demo_pki(tmp_path / "fil")
    assert caught.value.message == f"{tmp_path / 'fil'}: {said}"


@pytest.mark.parametrize(
    ("language", "name", "shown"),
    [
        ("sv", "protokollsutdrag-141.pdf", "Fil: protokollsutdrag § 141, bifogat i {packet}"),
        ("en", "protokollsutdrag-141.pdf", "File: protokollsutdrag § 141, embedded in {packet}"),
        (
            "sv",
            "protokollsutdrag-141-v2.pdf",
            "Fil: protokollsutdrag § 141 (version 2), bifogat i {packet}",
        ),
        ("sv", "underlag.pdf", "Fil: underlag.pdf, bifogat i {packet}"),
    ],
)
def test_an_embedded_extract_is_named_in_words(
    no_fields: Path, tmp_path: Path, language: str, name: str, shown: str
) -> None:
    """verify named an embedded extract "paket-v2.pdf/protokollsutdrag-141.pdf", which reads
    like a path to a folder; it is said in words."""
    from avtalsgen.signing.embedded import verify_embedded

    packet = tmp_path / "paket-v2.pdf"
    # Read as signed by what it holds (a signature dictionary's /ByteRange), not valid.
    inner = no_fields.read_bytes() + b"%/ByteRange\n"
    with pikepdf.open(no_fields) as pdf:
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, inner, mime_type="application/pdf")
        pdf.save(packet)
    i18n.set_language(language)
    try:
        [embedded] = verify_embedded(packet)
        lines = format_report(embedded.report).splitlines()
    finally:
        i18n.set_language(None)
    assert lines[0] == shown.format(packet=packet)
    assert "paket-v2.pdf/" not in "\n".join(lines)


@pytest.mark.parametrize(
    ("language", "removed", "unknown"),
    [
        ("sv", "kortet eller token togs bort", "(teknisk orsak: CKR_VENDOR_DEFINED 0x8000)"),
        ("en", "the card or token was removed", "(technical reason: CKR_VENDOR_DEFINED 0x8000)"),
    ],
)
def test_a_library_failure_is_given_in_avtalsgens_words_or_quoted(
    language: str, removed: str, unknown: str
) -> None:
    """A known failure of the token (PKCS#11) or of pyHanko is said in avtalsgen's words in
    each language; any other is quoted in the library's own words as a technical reason, so
    that a Swedish record does not pass a library's English off as its own words."""
    import pkcs11

    from avtalsgen.signing.reasons import reason as _reason

    i18n.set_language(language)
    try:
        assert _reason(pkcs11.DeviceRemoved()) == removed
        assert _reason(RuntimeError("CKR_VENDOR_DEFINED 0x8000")) == unknown
    finally:
        i18n.set_language(None)


def test_a_signing_error_reads_in_each_language_whoever_caused_it(tmp_path: Path) -> None:
    """Raised for an English-speaking user, a signing error still reads Swedish for the
    record (AvtalsgenError.text in the record's language)."""
    text = tmp_path / "text.pdf"
    text.write_text("not a PDF", encoding="utf-8")
    i18n.set_language("en")
    try:
        with pytest.raises(SigningError) as caught:
            sign_packet(text, tmp_path / "signed.pdf", "region", KEY, role="Direktör")
        assert caught.value.message == f"{text}: not a PDF file"
        with i18n.speaking("sv"):
            assert caught.value.text() == f"{text}: är ingen PDF-fil"
        # An error composed in one language only reads as a technical reason in another.
        plain = SigningError("only in English")
        with i18n.speaking("sv"):
            assert plain.text() == "(teknisk orsak: only in English)"
        assert plain.text() == "only in English"
    finally:
        i18n.set_language(None)
