"""What the documents and the packet say of themselves: dates from the case (else the
build's time), avtalsgen's own Word properties, keywords whole, a subject that lists what
the packet holds, and a modification date that each signature moves."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import CASES, run
from lxml import etree

from avtalsgen.documents.context import build_context
from avtalsgen.documents.kinds import document_date
from avtalsgen.i18n import swedish_time
from avtalsgen.input.load import load_case
from avtalsgen.pdf.docinfo import (
    TIMEZONE,
    DocumentInfo,
    append_metadata,
    pdf_date,
    xmp_modified,
    xmp_packet,
)
from avtalsgen.pdf.pdfa import check_pdfa_structure, parse_pdf_date
from avtalsgen.pdf.signed import _pdf_date, signed_on
from avtalsgen.signing.pki import DemoPki, ensure_demo_signer
from avtalsgen.signing.sign import Pkcs12Key, sign_packet
from avtalsgen.signing.verify import verify_packet

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
DOCUMENTS = ("beslutsforslag", "samarbetsavtal")


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def _docx_created(path: Path) -> dt.datetime:
    core = _xml(path, "docProps/core.xml")
    text = core.find(f"{{{DCTERMS}}}created").text
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _info(path: Path) -> dict[str, str]:
    with pikepdf.open(path) as pdf:
        return {str(k): str(v) for k, v in pdf.docinfo.items()}


def _xmp(path: Path) -> dict[str, object]:
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        keys = ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate", "pdf:Keywords")
        found: dict[str, object] = {key: meta.get(key) for key in keys}
        found["dc:subject"] = meta.get("dc:subject")
        return found


def _expected_date(dnr: str, document: str) -> dt.datetime | None:
    date = document_date(document, build_context(load_case(CASES[dnr])))
    return None if date is None else dt.datetime.combine(date, dt.time(), tzinfo=TIMEZONE)


# --- the pieces ---------------------------------------------------------------------------

INFO = DocumentInfo(
    title="Beslutsförslag RUN-00386-2023 – Ett & ett",
    author="Region Norrbotten",
    subject="Beslutsförslag",
    keywords=("RUN-00386-2023", "Swedish Lapland Visitors Board"),
    creator=None,
    producer=None,
    created=dt.datetime(2023, 11, 14, tzinfo=TIMEZONE),
    modified=dt.datetime(2023, 11, 15, 9, 30, tzinfo=TIMEZONE),
)


def _pdf(path: Path, *, classic: bool) -> bytes:
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = "old"
        pdf.docinfo["/Producer"] = "LibreOffice 7.4"
        pdf.docinfo["/Creator"] = "Writer"
        pdf.docinfo["/CreationDate"] = "D:20261206010000Z"
        mode = pikepdf.ObjectStreamMode.disable if classic else pikepdf.ObjectStreamMode.generate
        pdf.save(path, object_stream_mode=mode, static_id=True)
    return path.read_bytes()


@pytest.mark.parametrize("classic", [True, False])
def test_append_metadata(tmp_path: Path, classic: bool) -> None:
    path = tmp_path / "doc.pdf"
    before = _pdf(path, classic=classic)
    append_metadata(path, INFO)
    after = path.read_bytes()
    if classic:  # an incremental update: the earlier revision is kept byte for byte
        assert after.startswith(before) and len(after) - len(before) < 6000
    run("qpdf", "--check", str(path))
    info = _info(path)
    assert info["/Title"] == INFO.title
    assert info["/Keywords"] == "RUN-00386-2023, Swedish Lapland Visitors Board"
    assert info["/Producer"] == "LibreOffice 7.4" and info["/Creator"] == "Writer"
    assert parse_pdf_date(info["/CreationDate"]) == INFO.created
    assert parse_pdf_date(info["/ModDate"]) == INFO.modified
    xmp = _xmp(path)
    assert xmp["dc:subject"] == {"RUN-00386-2023", "Swedish Lapland Visitors Board"}
    assert dt.datetime.fromisoformat(str(xmp["xmp:CreateDate"])) == INFO.created
    assert dt.datetime.fromisoformat(str(xmp["xmp:ModifyDate"])) == INFO.modified
    info_out = run("pdfinfo", str(path))
    assert "Keywords:        RUN-00386-2023, Swedish Lapland Visitors Board" in info_out


def test_xmp_modified_moves_both_dates_or_says_it_cannot() -> None:
    when = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=TIMEZONE)
    updated = xmp_modified(xmp_packet(INFO), when)
    assert updated is not None
    assert updated.count(b"2027-01-02T03:04:05+01:00") == 2
    assert b"<xmp:CreateDate>2023-11-14T00:00:00+01:00</xmp:CreateDate>" in updated
    assert xmp_modified(b"<x:xmpmeta/>", when) is None
    assert pdf_date(when) == "D:20270102030405+01'00'"


# --- the built documents ------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_word_properties_are_avtalsgens_and_the_cases(built: Path, dnr: str, document: str) -> None:
    path = built / dnr / f"{document}.docx"
    core = _xml(path, "docProps/core.xml")
    created = _docx_created(path)
    modified = core.find(f"{{{DCTERMS}}}modified").text
    assert dt.datetime.fromisoformat(modified.replace("Z", "+00:00")) == created
    expected = _expected_date(dnr, document)
    if expected is not None:
        assert created == expected
    else:  # the build's time: today, never a date the case does not give
        assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(hours=2)
    assert core.find(f"{{{DC}}}language").text == "sv-SE"
    assert core.find(f"{{{CP}}}lastModifiedBy").text == "avtalsgen"
    assert not (core.find(f"{{{DC}}}description").text or "")
    title = core.find(f"{{{DC}}}title").text
    assert title.startswith(("Beslutsförslag", "Samarbetsavtal")) and dnr in title
    keywords = core.find(f"{{{CP}}}keywords").text
    aktor = load_case(CASES[dnr]).arende.aktor.namn
    assert f", {aktor}, " in keywords, "a multi-word keyword whole"
    app = _xml(path, "docProps/app.xml")
    assert app.find(f"{{{EP}}}Application").text == "avtalsgen"
    for stale in ("AppVersion", "Pages", "Words", "Template", "TotalTime"):
        assert app.find(f"{{{EP}}}{stale}") is None, stale
    theme = _xml(path, "word/settings.xml").find(f"{{{W}}}themeFontLang")
    assert theme.get(f"{{{W}}}val") == "sv-SE"
    assert b"2013-12-23" not in b"".join(
        etree.tostring(_xml(path, part)) for part in ("docProps/core.xml", "docProps/app.xml")
    )


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
@pytest.mark.parametrize("document", DOCUMENTS)
def test_pdf_says_what_its_word_file_says(built: Path, dnr: str, document: str) -> None:
    pdf = built / dnr / f"{document}.pdf"
    created = _docx_created(built / dnr / f"{document}.docx")
    info = _info(pdf)
    assert parse_pdf_date(info["/CreationDate"]) == created
    assert parse_pdf_date(info["/ModDate"]) == created
    xmp = _xmp(pdf)
    assert dt.datetime.fromisoformat(str(xmp["xmp:CreateDate"])) == created
    aktor = load_case(CASES[dnr]).arende.aktor.namn
    assert aktor in str(xmp["dc:subject"]) and f", {aktor}, " in info["/Keywords"]
    assert check_pdfa_structure(pdf, "sv-SE") == []
    run("qpdf", "--check", str(pdf))


@pytest.mark.libreoffice
@pytest.mark.parametrize("dnr", list(CASES))
def test_packet_dates_subject_and_keywords(built: Path, dnr: str) -> None:
    packet = built / dnr / "paket.pdf"
    info = _info(packet)
    parts = [built / dnr / f"{d}.pdf" for d in DOCUMENTS]
    latest = max(parse_pdf_date(_info(p)["/CreationDate"]) for p in parts)
    assert parse_pdf_date(info["/CreationDate"]) == latest
    assert parse_pdf_date(info["/ModDate"]) == latest
    period_start = load_case(CASES[dnr]).arende.finansiering.period.start
    if all(_expected_date(dnr, d) is None for d in DOCUMENTS):
        assert latest.date() != period_start, "never the period's start as a fallback"
    with pikepdf.open(packet) as pdf:
        titles = [item.title for item in pdf.open_outline().root][1:]
    subject = info["/Subject"]
    for title in titles:
        assert title.lower() in subject.lower()
    for kind in ("beslutsförslag", "protokollsutdrag", "samarbetsavtal", "bilaga"):
        assert (kind in subject.lower()) == any(t.lower().startswith(kind) for t in titles)
    keywords = info["/Keywords"].split(", ")
    aktor = load_case(CASES[dnr]).arende.aktor.namn
    assert keywords[0] == dnr and aktor in keywords
    assert [k for k in keywords if k in ("beslutsförslag", "samarbetsavtal")] == [
        t.lower() for t in titles if t in ("Beslutsförslag", "Samarbetsavtal")
    ]


@pytest.mark.libreoffice
def test_a_signature_moves_the_modification_date(
    built: Path, tmp_path: Path, demo_pki: DemoPki
) -> None:
    packet = tmp_path / "paket.pdf"
    shutil.copy(built / "RUN-00386-2023" / "paket.pdf", packet)
    created = _info(packet)["/CreationDate"]
    pki = demo_pki  # the session's (conftest)
    signer = ensure_demo_signer(pki, "Regional utvecklingsdirektör")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)  # a PDF date has whole seconds
    result = sign_packet(
        packet, packet, "region", Pkcs12Key(signer.pkcs12, signer.passphrase),
        role="Regional utvecklingsdirektör", overwrite=True, allow_incomplete=True,
    )  # fmt: skip
    after = dt.datetime.now(dt.UTC)
    info = _info(packet)
    assert info["/CreationDate"] == created
    modified = parse_pdf_date(info["/ModDate"])
    # The modification date and the signature's time are both of the signing (not within
    # 2 s of each other: on a loaded machine, the stamp's font takes longer to subset).
    assert before <= modified <= after and before <= result.signing_time <= after
    xmp = _xmp(packet)
    assert dt.datetime.fromisoformat(str(xmp["xmp:ModifyDate"])) == modified
    assert dt.datetime.fromisoformat(str(xmp["xmp:MetadataDate"])) == modified
    assert check_pdfa_structure(packet, "sv-SE") == []
    report = verify_packet(packet, [pki.root_cert])
    assert report.all_problems() == [], "what is signed holds"
    sig = run("pdfsig", str(packet))
    assert "Signature Validation: Signature is Valid." in sig
    assert "Total document signed" in sig
    # The update holds the new Info and XMP: the earlier revision still says the old date.
    data = packet.read_bytes()
    earlier = data[: data.index(b"%%EOF") + 5]
    with pikepdf.open(io.BytesIO(earlier)) as pdf:
        assert str(pdf.docinfo["/ModDate"]) == created
    assert re.search(rb"/ModDate", data)
    # The day the field was signed, as the tilläggsavtal and the extracts' records read it,
    # by the same parser as the signing time.
    assert signed_on(packet, "region") == swedish_time(result.signing_time).date()
    assert signed_on(packet, "aktor") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D:20261207000747Z", dt.datetime(2026, 12, 7, 0, 7, 47, tzinfo=dt.UTC)),
        ("D:20261207010747+01'00'", dt.datetime(2026, 12, 7, 0, 7, 47, tzinfo=dt.UTC)),
        ("D:20261207010747+01'00", dt.datetime(2026, 12, 7, 0, 7, 47, tzinfo=dt.UTC)),
        ("D:20261206180747-05'00' ", dt.datetime(2026, 12, 6, 23, 7, 47, tzinfo=dt.UTC)),
        ("D:2026", dt.datetime(2026, 1, 1)),
    ],
)
def test_one_parser_of_pdf_dates(text: str, expected: dt.datetime) -> None:
    assert parse_pdf_date(text) == expected


def test_a_signatures_day_is_swedish() -> None:
    # 23:30 UTC on 6 December is 00:30 on 7 December in Sweden; no offset is taken as UTC.
    assert _pdf_date("D:20261206233000Z") == dt.date(2026, 12, 7)
    assert _pdf_date("D:20261206233000") == dt.date(2026, 12, 7)
    assert _pdf_date("D:20260630223000+00'00'") == dt.date(2026, 7, 1)  # summer: +02:00
    assert _pdf_date("20261206 kl 12") is None
    with pytest.raises(ValueError):  # no 13th month
        parse_pdf_date("D:20261306")
