"""pyHanko's reader with object streams indexed once (avtalsgen.signing.reading.pdf_reader)
reads every object as pyHanko's own does, verifies a signed packet the same, and leaves
every stream whose index does not say plainly where an object is to pyHanko."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from avtalsgen.signing import verify
from avtalsgen.signing.pki import DemoPki, ensure_demo_signer
from avtalsgen.signing.reading import _Reader, pdf_reader
from avtalsgen.signing.sign import Pkcs12Key, sign_packet

CASE = "RUN-00386-2023"


@pytest.fixture(scope="module")
def signed(built: Path, demo_pki: DemoPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed case's packet signed by the region (a revision of its own after qpdf's)."""
    target = tmp_path_factory.mktemp("signed") / "paket.pdf"
    signer = ensure_demo_signer(demo_pki, "Region Norrbotten")
    sign_packet(
        built / CASE / "paket.pdf", target, "region", Pkcs12Key(signer.pkcs12, signer.passphrase),
        role="Regional utvecklingsdirektör", allow_incomplete=True,
    )  # fmt: skip
    return target


def _every_object(reader: PdfFileReader) -> dict[tuple[int, int], bytes]:
    """Every object of every revision, as written out again."""
    found = {}
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            out = io.BytesIO()
            resolver(ref).write_to_stream(out)
            found[(revision, ref.idnum)] = out.getvalue()
    return found


def test_the_packet_keeps_its_objects_in_object_streams(built: Path) -> None:
    with pikepdf.open(built / CASE / "paket.pdf") as pdf:
        streams = [
            o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm"
        ]
    assert streams, "what this reader is for: the packet's objects are in object streams"


def test_every_object_reads_as_pyhankos_own_reader_reads_it(
    signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = signed.read_bytes()
    left: list[int] = []  # objects left to pyHanko's own reading
    theirs_of = _Reader._theirs

    def counted(self: _Reader, idnum: int, stmnum: int, idx: int) -> object:
        left.append(idnum)
        return theirs_of(self, idnum, stmnum, idx)

    monkeypatch.setattr(_Reader, "_theirs", counted)
    ours, theirs = _every_object(pdf_reader(data)), _every_object(PdfFileReader(io.BytesIO(data)))
    assert len(ours) > 500
    assert ours == theirs
    assert left == [], "every object of the packet's streams is found by the index"


def test_a_signed_packet_verifies_the_same(signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = verify.verify_packet(signed)
    monkeypatch.setattr(verify, "pdf_reader", lambda data: PdfFileReader(io.BytesIO(data)))
    theirs = verify.verify_packet(signed)
    assert ours == theirs
    assert [s.field for s in ours.signatures] == ["region"]
    assert ours.signatures[0].intact and not ours.signatures[0].problems


def _with_object_stream(header: bytes, objects: bytes) -> bytes:
    """A PDF whose catalog (1) and pages (2) are in one object stream (3) with ``header``
    as its index and ``objects`` as its objects, and a cross-reference stream (4)."""
    body = header + objects
    first = len(header)
    parts = [b"%PDF-1.7\n"]
    stm = zlib.compress(body)
    offset3 = len(b"".join(parts))
    parts.append(
        b"3 0 obj\n<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (first, len(stm))
        + stm
        + b"\nendstream\nendobj\n"
    )
    offset4 = len(b"".join(parts))
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x02" + (3).to_bytes(4, "big") + i.to_bytes(2, "big") for i in (0, 1)]
    rows += [b"\x01" + offset3.to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + offset4.to_bytes(4, "big") + b"\x00\x00"]
    xref = b"".join(rows)
    parts.append(
        b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(xref)
        + xref
        + b"\nendstream\nendobj\n"
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % offset4)
    return b"".join(parts)


OBJECTS = b"<< /Type /Catalog /Pages 2 0 R >> << /Type /Pages /Kids [] /Count 0 >>"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b"1 0 2 34 ", id="plain"),
        pytest.param(b"2 34 1 0 ", id="objects-in-another-order"),
        pytest.param(b"1 0 9 34 ", id="another-object-at-its-place"),
        pytest.param(b"1 0 x y ", id="index-unreadable"),
        pytest.param(b"1 0 2 9999 ", id="offset-past-the-end"),
    ],
)
def test_an_odd_object_stream_reads_as_pyhanko_reads_it(header: bytes) -> None:
    data = _with_object_stream(header, OBJECTS)
    results = []
    for reader in (_Reader(io.BytesIO(data)), PdfFileReader(io.BytesIO(data))):
        read = []
        for idnum in (1, 2):
            try:
                obj = reader.get_object(generic.Reference(idnum, 0, reader))  # type: ignore[no-untyped-call]
                out = io.BytesIO()
                obj.write_to_stream(out)
                read.append(out.getvalue())
            except Exception as exc:  # noqa: BLE001 - the same error either way
                read.append(repr(exc).encode())
        results.append(read)
    assert results[0] == results[1]
