"""Tests for avtalsgen.pdf.assemble: the packet of a case.

Tests marked ``libreoffice`` assemble real PDF/A-2b files made by LibreOffice from small
DOCX files and check the packet with poppler (pdftotext, pdfinfo, pdffonts) and qpdf. The
others use small PDF/A files made here with pikepdf, for the error paths.
The builders below are shared with test_sign.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pikepdf
import pytest
from conftest import docx_with_pages, run
from pdftext import pdftotext
from PIL import ImageCms
from tagged_text import tagged_elements

from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.conversion.normalise import prepare_attachment
from avtalsgen.errors import PacketError
from avtalsgen.pdf import contents, fonts
from avtalsgen.pdf.assemble import (
    Packet,
    PacketMetadata,
    PacketPart,
    SignatureField,
    assemble_packet,
)
from avtalsgen.pdf.pdfa import check_pdfa_structure

needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "pdftotext", "pdfinfo", "pdffonts", "qpdf")),
    reason="needs LibreOffice, poppler-utils and qpdf",
)

METADATA = PacketMetadata(
    title="Ärende RUN-00386-2023 – Basfinansiering för Swedish Lapland Visitors Board",
    dnr="RUN-00386-2023",
    subject="Beslutsförslag, protokollsutdrag och samarbetsavtal, Regionala utvecklingsnämnden",
    keywords=("basfinansiering", "Swedish Lapland Visitors Board", "Norrbottens ekosystem"),
    created=dt.date(2023, 9, 20),
    modified=dt.datetime(2023, 10, 5, 14, 30, tzinfo=dt.UTC),
)

# On the agreement's last page (US Letter from python-docx: 612 x 792 pt).
FIELDS = (
    SignatureField("region", 2, -1, (72, 90, 292, 170), "Underskrift Region Norrbotten"),
    SignatureField("aktor", 2, -1, (320, 90, 540, 170), "Underskrift Swedish Lapland vb"),
)

# (stem, title, page label, texts of its pages)
DOCUMENTS = (
    (
        "beslutsforslag",
        "Beslutsförslag – Basfinansiering för Swedish Lapland Visitors Board 2023–2026",
        "Beslutsförslag",
        ["Förslag till beslut om basfinansiering", "Finansiering och Totalt"],
    ),
    ("protokollsutdrag", "Protokollsutdrag RUN § 12", "Protokollsutdrag", ["Justering"]),
    (
        "samarbetsavtal",
        "Samarbetsavtal om basfinansiering",
        "Samarbetsavtal",
        ["1. Parter", "9. Uppföljning och utvärdering", "14. Underskrifter"],
    ),
)
ATTACHMENTS = (("budget", "Bilaga 1: Budget 2023–2026", "Bilaga 1", ["Budget per avtalsår"]),)


@dataclass(frozen=True)
class Inputs:
    """The parts of a test packet."""

    documents: tuple[PacketPart, ...]
    attachments: tuple[PacketPart, ...]


def strip_pdfa(source: Path, target: Path) -> Path:
    """An ordinary PDF from a PDF/A one: no XMP, no OutputIntent (fonts stay embedded)."""
    with pikepdf.open(source) as pdf:
        del pdf.Root.Metadata
        del pdf.Root.OutputIntents
        pdf.save(target)
    return target


_REAL: dict[str, Inputs] = {}


def real_inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    """The documents and attachments as PDF/A-2b files from one LibreOffice run (cached)."""
    if "inputs" not in _REAL:
        src = tmp_path_factory.mktemp("docx")
        specs = [*DOCUMENTS, *ATTACHMENTS]
        docx = [
            docx_with_pages(src / f"{stem}.docx", pages, title) for stem, title, _, pages in specs
        ]
        start = time.monotonic()
        pdfs = LibreOfficeConverter().convert(docx, tmp_path_factory.mktemp("pdf"))
        print(f"LibreOffice converted {len(pdfs)} files in {time.monotonic() - start:.2f} s")
        parts = [
            PacketPart(pdf, title, label)
            for pdf, (_, title, label, _) in zip(pdfs, specs, strict=True)
        ]
        plain = strip_pdfa(pdfs[-1], pdfs[-1].with_name("karta.pdf"))
        # Not PDF/A: converted as a build converts an attachment (OCRmyPDF, Ghostscript).
        karta = prepare_attachment(plain, plain.with_name("karta-pdfa.pdf"), "RGB")
        assert karta.converted and karta.problems
        plain = karta.path
        _REAL["inputs"] = Inputs(
            documents=tuple(parts[: len(DOCUMENTS)]),
            attachments=(
                *parts[len(DOCUMENTS) :],
                PacketPart(plain, "Bilaga 2: Karta", "Bilaga 2"),
            ),
        )
    return _REAL["inputs"]


@functools.cache
def icc_profile(space: Literal["sRGB", "LAB", "XYZ"] = "sRGB") -> bytes:
    """An ICC profile from littlecms (made once: its header holds the creation time)."""
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile(space)).tobytes())


def make_pdfa(
    path: Path,
    pages: int = 1,
    *,
    version: str = "1.7",
    profile_space: Literal["sRGB", "LAB", "XYZ"] = "sRGB",
) -> Path:
    """A small PDF/A-2b file without LibreOffice: blank US Letter pages, an sRGB intent."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
    profile = pdf.make_stream(icc_profile(profile_space))
    profile.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String("sRGB"),
                DestOutputProfile=profile,
            )
        ]
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
    pdf.save(path, force_version=version, deterministic_id=True)
    return path


def synthetic_inputs(folder: Path) -> Inputs:
    """Three small PDF/A documents (the agreement has 3 pages) and one attachment."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = tuple(
        PacketPart(make_pdfa(folder / f"{stem}.pdf", len(pages)), title, label)
        for stem, title, label, pages in DOCUMENTS
    )
    bilaga = PacketPart(make_pdfa(folder / "budget.pdf"), "Bilaga 1: Budget", "Bilaga 1")
    return Inputs(docs, (bilaga,))


def build(inputs: Inputs, output: Path, **changes: object) -> Packet:
    """Assemble ``inputs`` with the test metadata and fields into ``output``."""
    metadata = replace(METADATA, **changes)  # type: ignore[arg-type]
    return assemble_packet(inputs.documents, inputs.attachments, metadata, FIELDS, output)


def pdfinfo(path: Path) -> dict[str, str]:
    lines = run("pdfinfo", "-enc", "UTF-8", str(path)).splitlines()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines if ":" in line)}


def fonts_not_embedded(path: Path) -> list[str]:
    """Rows of ``pdffonts`` whose font is not embedded (pdffonts also reads annotations)."""
    header, rule, *rows = run("pdffonts", str(path)).splitlines()
    assert rule.startswith("---")
    emb = header.index("emb")
    assert rows, "pdffonts lists no fonts"
    return [row for row in rows if row[emb : emb + 3] != "yes"]


def pdfa_validator_violations(path: Path) -> list[str]:
    """Violations found by pikepdf's PDF/A allowlist validator, if installed (pikepdf[pdfa]).

    It does not support forms (/AcroForm) or /Perms, so a packet is "not checked" as a
    whole; what it did check must have no violation.
    """
    try:
        from pikepdf import pdfa
    except ImportError:
        return []
    report = pdfa.validate_written(path, "2b")
    return [f"{v.rule} at {v.where}: {v.message}" for v in report.violations]


# --- a real packet ------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    inputs: Inputs
    packet: Packet
    seconds: float


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    inputs = real_inputs(tmp_path_factory)
    output = tmp_path_factory.mktemp("packet") / "RUN-00386-2023.pdf"
    start = time.monotonic()
    packet = build(inputs, output)
    seconds = time.monotonic() - start
    print(f"assembled {packet.page_count} pages in {seconds:.3f} s")
    return Built(inputs, packet, seconds)


@pytest.mark.libreoffice
@needs_tools
def test_packet_layout(built: Built) -> None:
    packet = built.packet
    assert packet.page_count == 9
    assert packet.contents_pages == 1
    assert [(p.label, p.first_page, p.last_page) for p in packet.documents] == [
        ("Beslutsförslag", 2, 3),
        ("Protokollsutdrag", 4, 4),
        ("Samarbetsavtal", 5, 7),
    ]
    assert [(p.label, p.first_page, p.last_page) for p in packet.attachments] == [
        ("Bilaga 1", 8, 8),
        ("Bilaga 2", 9, 9),
    ]
    assert packet.fields == ("region", "aktor")
    # Each document's pages are where the contents page says.
    for spec, place in zip(
        [*DOCUMENTS, *ATTACHMENTS], [*packet.documents, *packet.attachments], strict=False
    ):
        for offset, text in enumerate(spec[3]):
            page = str(place.first_page + offset)
            extracted = pdftotext(packet.path, "-f", page, "-l", page)
            assert text in extracted


@pytest.mark.libreoffice
@needs_tools
def test_contents_page_text(built: Built) -> None:
    text = pdftotext(built.packet.path, "-layout", "-f", "1", "-l", "1")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "Innehåll"
    assert lines[1] == METADATA.title
    assert lines[2] == "Dnr RUN-00386-2023"
    expected = [
        r"Handlingar\s+Sidor",
        r"Beslutsförslag – Basfinansiering för Swedish Lapland Visitors Board 2023–2026\s+2–3",
        r"Protokollsutdrag RUN § 12\s+4",
        r"Samarbetsavtal om basfinansiering\s+5–7",
        r"Bilagor\s+Sidor",
        r"Bilaga 1: Budget 2023–2026\s+8",
        r"Bilaga 2: Karta\s+9",
    ]
    assert len(lines) == 3 + len(expected)
    for line, pattern in zip(lines[3:], expected, strict=True):
        assert re.fullmatch(pattern, line), (line, pattern)


@pytest.mark.libreoffice
@needs_tools
def test_bookmarks_and_page_labels(built: Built) -> None:
    with pikepdf.open(built.packet.path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        with pdf.open_outline() as outline:
            marks = [
                (item.title, pages[item.destination[0].objgen])  # type: ignore[index]
                for item in outline.root
            ]
        labels = [page.label for page in pdf.pages]
        assert str(pdf.Root.PageMode) == "/UseOutlines"
    assert marks == [
        ("Innehåll", 1),
        ("Beslutsförslag – Basfinansiering för Swedish Lapland Visitors Board 2023–2026", 2),
        ("Protokollsutdrag RUN § 12", 4),
        ("Samarbetsavtal om basfinansiering", 5),
        ("Bilaga 1: Budget 2023–2026", 8),
        ("Bilaga 2: Karta", 9),
    ]
    assert labels == [
        "Innehåll",
        "Beslutsförslag s. 1",
        "Beslutsförslag s. 2",
        "Protokollsutdrag s. 1",
        "Samarbetsavtal s. 1",
        "Samarbetsavtal s. 2",
        "Samarbetsavtal s. 3",
        "Bilaga 1 s. 1",
        "Bilaga 2 s. 1",
    ]


@pytest.mark.libreoffice
@needs_tools
def test_metadata_from_the_case_in_info_and_xmp(built: Built) -> None:
    info = pdfinfo(built.packet.path)
    assert info["Title"] == METADATA.title
    assert info["Author"] == "Region Norrbotten"
    assert info["Subject"] == METADATA.subject
    assert info["Keywords"] == (
        "RUN-00386-2023, basfinansiering, Swedish Lapland Visitors Board, Norrbottens ekosystem"
    )
    assert info["Metadata Stream"] == "yes"
    with pikepdf.open(built.packet.path) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20230920000000+02'00'"
        assert str(pdf.docinfo.ModDate) == "D:20231005143000+00'00'"
        meta = pdf.open_metadata()
        assert meta["dc:title"] == METADATA.title
        assert meta["dc:creator"] == ["Region Norrbotten"]
        assert meta["dc:description"] == METADATA.subject
        assert meta["dc:language"] == {"sv-SE"}
        assert meta["xmp:CreateDate"] == "2023-09-20T00:00:00+02:00"
        assert meta["xmp:ModifyDate"] == "2023-10-05T14:30:00+00:00"
        assert meta["pdfaid:part"] == "2"
        assert meta["pdfaid:conformance"] == "B"
        assert str(pdf.Root.Lang) == "sv-SE"
        display: object = pdf.Root.ViewerPreferences.DisplayDocTitle  # a bool, stubs say Object
        assert display is True
        assert len(pdf.Root.OutputIntents) == 1
        assert len(pdf.trailer.ID) == 2


@pytest.mark.libreoffice
@needs_tools
def test_signature_fields_on_the_agreement_page(built: Built) -> None:
    with pikepdf.open(built.packet.path) as pdf:
        fields = list(pdf.Root.AcroForm.Fields)
        assert [str(f.T) for f in fields] == ["region", "aktor"]
        page = pdf.pages[6]  # the agreement's last page
        for field, spec in zip(fields, FIELDS, strict=True):
            assert pikepdf.Name.Sig == field.FT
            assert "/V" not in field
            assert [float(v) for v in field.Rect] == list(spec.box)
            assert field.P.objgen == page.objgen
            assert str(field.TU) == spec.tooltip
            assert int(field.F) & 4  # printed
            assert field.objgen in {a.objgen for a in page.Annots}


@pytest.mark.libreoffice
@needs_tools
def test_packet_is_pdfa_and_passes_qpdf(built: Built) -> None:
    path = built.packet.path
    assert check_pdfa_structure(path, lang="sv-SE") == []
    assert fonts_not_embedded(path) == []
    assert pdfa_validator_violations(path) == []
    subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
    assert pdfinfo(path)["PDF version"] == "1.7"


@pytest.mark.libreoffice
@needs_tools
def test_assembly_is_deterministic(built: Built, tmp_path: Path) -> None:
    again = build(built.inputs, tmp_path / "again.pdf")
    assert again.path.read_bytes() == built.packet.path.read_bytes()


@pytest.mark.libreoffice
@needs_tools
def test_long_contents_wraps_and_takes_two_pages(built: Built, tmp_path: Path) -> None:
    bilaga = built.inputs.attachments[0]
    many = tuple(
        PacketPart(bilaga.path, f"Bilaga {n}: {'mycket lång rubrik om budgeten ' * 4}", f"B{n}")
        for n in range(1, 19)
    )
    inputs = Inputs(built.inputs.documents, many)
    packet = build(inputs, tmp_path / "long.pdf")
    assert packet.contents_pages == 2
    assert packet.documents[0].first_page == 3
    assert packet.attachments[-1].last_page == packet.page_count == 2 + 6 + 18
    text = pdftotext(packet.path, "-layout", "-f", "1", "-l", "2")
    assert re.search(r"Bilaga 18: mycket .*\s+26\s*$", text, re.MULTILINE | re.DOTALL)
    with pikepdf.open(packet.path) as pdf:
        assert [pdf.pages[0].label, pdf.pages[1].label, pdf.pages[2].label] == [
            "Innehåll 1",
            "Innehåll 2",
            "Beslutsförslag s. 1",
        ]
        # Read as tagged text, a wrapped title's lines and its pages are words apart.
        links = [e for e in tagged_elements(pdf) if e.kind == "Link"]
    whole = 0
    for link, part in zip(links[-18:], many, strict=True):
        words = " ".join(part.title.split())
        shown, _, pages = link.text.rpartition(" ")
        assert words.startswith(shown) and pages[0].isdigit(), link.text
        whole += shown == words
        assert link.alt is not None and link.alt.startswith(f"{words}, sid")
    assert whole == 17  # one title goes on from the first page to the second
    assert check_pdfa_structure(packet.path) == []


# --- refusals (no LibreOffice needed) -----------------------------------------------------


def _assert_refused(inputs: Inputs, out: Path, *message: str) -> None:
    with pytest.raises(PacketError) as excinfo:
        build(inputs, out / "packet.pdf")
    for part in message:
        assert part in str(excinfo.value)
    assert not out.exists() or list(out.iterdir()) == []  # no packet, no temporary file


def _with_attachment(inputs: Inputs, path: Path) -> Inputs:
    return Inputs(inputs.documents, (PacketPart(path, "Bilaga X", "Bilaga X"),))


def test_synthetic_packet_passes_checks(tmp_path: Path) -> None:
    packet = build(synthetic_inputs(tmp_path / "in"), tmp_path / "out" / "packet.pdf")
    assert packet.page_count == 1 + 2 + 1 + 3 + 1
    assert check_pdfa_structure(packet.path, lang="sv-SE") == []
    assert sorted(p.name for p in packet.path.parent.iterdir()) == ["packet.pdf"]


def test_attachment_not_a_pdf_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    fake = tmp_path / "in" / "bilaga.pdf"
    fake.write_bytes(b"PK\x03\x04 a Word file, not a PDF")
    _assert_refused(_with_attachment(inputs, fake), tmp_path / "out", str(fake), "not a PDF")


@pytest.mark.parametrize("user_password", ["secret", ""])
def test_encrypted_attachment_is_refused(tmp_path: Path, user_password: str) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    locked = tmp_path / "in" / "locked.pdf"
    with pikepdf.open(inputs.attachments[0].path) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user=user_password, owner="owner"))
    _assert_refused(_with_attachment(inputs, locked), tmp_path / "out", str(locked), "encrypted")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("sv", "(bilaga): filen är ingen PDF-fil"),
        ("en", "(attachment): the file is not a PDF file"),
    ],
)
def test_an_attachment_is_refused_in_the_language_of_messages(
    tmp_path: Path, language: str, said: str
) -> None:
    from avtalsgen import i18n

    i18n.set_language(language)
    inputs = synthetic_inputs(tmp_path / "in")
    fake = tmp_path / "in" / "bilaga.pdf"
    fake.write_bytes(b"PK\x03\x04 a Word file, not a PDF")
    _assert_refused(_with_attachment(inputs, fake), tmp_path / "out", f"{fake} {said}")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_broken_attachment_is_refused(tmp_path: Path, damage: str) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    broken = tmp_path / "in" / "broken.pdf"
    data = inputs.attachments[0].path.read_bytes()
    broken.write_bytes(b"%PDF-1.7\n garbage" if damage == "garbage" else data[: len(data) // 2])
    _assert_refused(_with_attachment(inputs, broken), tmp_path / "out", str(broken), "broken PDF")


def test_attachment_with_unembedded_font_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    helvetica = tmp_path / "in" / "helvetica.pdf"
    with pikepdf.open(inputs.attachments[0].path) as pdf:
        font = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
        page = pdf.pages[0]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (Karta) Tj ET")
        pdf.save(helvetica)
    _assert_refused(
        _with_attachment(inputs, helvetica),
        tmp_path / "out",
        str(helvetica),
        "page 1: font Helvetica is not embedded",
    )


def test_pdf_2_attachment_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    newer = make_pdfa(tmp_path / "in" / "pdf20.pdf", version="2.0")
    _assert_refused(_with_attachment(inputs, newer), tmp_path / "out", str(newer), "PDF 2.0")


def test_attachment_with_form_fields_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    earlier = build(inputs, tmp_path / "in" / "earlier-packet.pdf")  # it has signature fields
    _assert_refused(
        _with_attachment(inputs, earlier.path), tmp_path / "out", str(earlier.path), "form fields"
    )


def test_attachment_for_another_output_colour_space_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    lab = make_pdfa(tmp_path / "in" / "lab.pdf", profile_space="LAB")
    _assert_refused(
        _with_attachment(inputs, lab),
        tmp_path / "out",
        f"{lab}: is made for Lab output; the packet's output intent is RGB",
    )


def test_document_that_is_not_pdfa_is_refused(tmp_path: Path) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    plain = strip_pdfa(inputs.documents[0].path, tmp_path / "in" / "plain.pdf")
    docs = (PacketPart(plain, "Beslutsförslag", "Beslutsförslag"), *inputs.documents[1:])
    _assert_refused(
        Inputs(docs, inputs.attachments),
        tmp_path / "out",
        f"{plain} (document): no XMP metadata",
        "no XMP metadata",
        "no PDF/A OutputIntent",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "Ärende utan diarienummer"}, "does not contain the Dnr RUN-00386-2023"),
        ({"title": "Dnr RUN-00386-2023 emoji \U0001f600"}, "no glyph for '\U0001f600'"),
    ],
)
def test_bad_metadata_is_refused(tmp_path: Path, changes: dict[str, str], message: str) -> None:
    with pytest.raises(PacketError, match=re.escape(message)):
        build(synthetic_inputs(tmp_path / "in"), tmp_path / "out" / "p.pdf", **changes)
    assert not (tmp_path / "out" / "p.pdf").exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (SignatureField("a.b", 2, 1, (10, 10, 50, 50)), "must be non-empty, without dots"),
        (SignatureField("x", 7, 1, (10, 10, 50, 50)), "no document 7 (there are 3)"),
        (SignatureField("x", 2, 4, (10, 10, 50, 50)), "Samarbetsavtal om basfinansiering has 3"),
        (SignatureField("x", 2, 0, (10, 10, 50, 50)), "page 0 does not exist"),
        (SignatureField("x", 2, 1, (50, 10, 10, 50)), "must have x1 < x2, y1 < y2"),
        (SignatureField("x", 2, 1, (500, 10, 700, 50)), "is outside the page (0 0 612 792)"),
        (SignatureField("region", 2, 1, (10, 10, 50, 50)), "'region' is given twice"),
    ],
)
def test_bad_fields_are_refused(tmp_path: Path, field: SignatureField, message: str) -> None:
    inputs = synthetic_inputs(tmp_path / "in")
    with pytest.raises(PacketError, match=re.escape(message)):
        assemble_packet(
            inputs.documents, (), METADATA, (FIELDS[0], field), tmp_path / "out" / "p.pdf"
        )
    assert not (tmp_path / "out" / "p.pdf").exists()


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("contents page", "EOF while reading token"),
        ("document page", "incorrect header check"),
    ],
)
def test_a_packet_written_wrong_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, expected: str
) -> None:
    """What qpdf writes is read back before the packet gets its name: every stream, and
    the content streams of the contents page(s), which only the packet has."""
    insert = contents.insert_contents

    def insert_then_damage(packet: pikepdf.Pdf, *args: Any) -> None:
        insert(packet, *args)
        if where == "contents page":  # a string left open
            packet.pages[0].obj.Contents = packet.make_stream(b"BT (Innehall Tj ET")
        else:  # a stream whose Flate data is not Flate data
            damaged = packet.make_stream(b"not deflated")
            damaged.Filter = pikepdf.Name.FlateDecode
            packet.pages[1].obj.Contents = pikepdf.Array([packet.pages[1].obj.Contents, damaged])

    monkeypatch.setattr(contents, "insert_contents", insert_then_damage)
    _assert_refused(
        synthetic_inputs(tmp_path / "in"), tmp_path / "out", "fails qpdf's check", expected
    )


def test_contents_fonts_made_ahead_are_the_ones_a_packet_uses(tmp_path: Path) -> None:
    fonts.subset_program.cache_clear()
    fonts.prepare_fonts()
    made = fonts.subset_program.cache_info()
    assert made.currsize == 2  # the base subsets of the regular and the bold font
    build(synthetic_inputs(tmp_path / "in"), tmp_path / "out" / "packet.pdf")
    used = fonts.subset_program.cache_info()
    assert (used.currsize, used.misses) == (2, made.misses), "no other subset was made"


def test_font_subsets_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = tmp_path / "font.ttf"
    shutil.copy(fonts.find_font(), font)
    gids = tuple(range(40))
    fonts.subset_program.cache_clear()
    made = fonts.subset_program(font, gids)
    assert made == fonts.make_subset(font, gids)
    kept = list((tmp_path / "cache" / "avtalsgen" / "fonts").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == made
    # A later run reads it and does not load fontTools' subsetter.
    probe = (
        "import sys\n"
        "from avtalsgen.pdf import fonts\n"
        f"program = fonts.subset_program(__import__('pathlib').Path({str(font)!r}), {gids!r})\n"
        "print(len(program), 'fontTools.subset' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.split() == [str(len(made)), "False"], out.stderr
    # A font file changed since is subset again.
    fonts.subset_program.cache_clear()
    os.utime(font, ns=(0, 0))
    assert fonts.subset_program(font, gids) == made
    assert len(list(kept[0].parent.iterdir())) == 2
    # A cache that cannot be written only costs time.
    fonts.subset_program.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(kept[0]))  # a file, not a folder
    assert fonts.subset_program(font, gids) == made
    fonts.subset_program.cache_clear()


def test_the_marking_is_stamped_only_on_pages_that_do_not_state_it(tmp_path: Path) -> None:
    """A secret case's document states its marking on its pages (page header, top of the
    text): the packet stamped it on every page all the same, three times on a first page.
    Pages a part says state it are left as they are; the contents page, a bilaga, and a
    document's page not said to state it (here the agreement's second) are stamped."""
    marking = "Sekretess enligt 21 kap. 7 § OSL (markerad 2023-12-05 av Lena Exempelsson)"
    given = synthetic_inputs(tmp_path / "in")
    # The blank test pages state nothing: what the parts say decides alone.
    stating = {"Beslutsförslag": {1, 2}, "Protokollsutdrag": {1}, "Samarbetsavtal": {1, 3}}
    documents = tuple(replace(d, marked=frozenset(stating[d.label])) for d in given.documents)
    packet = build(Inputs(documents, given.attachments), tmp_path / "p.pdf", marking=marking)
    stamped = [
        marking in " ".join(pdftotext(packet.path, "-f", str(n), "-l", str(n)).split())
        for n in range(1, packet.page_count + 1)
    ]
    # Innehåll; Beslutsförslag 1-2; Protokollsutdrag 1; Samarbetsavtal 1-3; Bilaga 1.
    assert stamped == [True, False, False, False, False, True, False, True]
    assert check_pdfa_structure(packet.path, lang="sv-SE") == []
