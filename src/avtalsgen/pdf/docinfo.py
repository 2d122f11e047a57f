"""A PDF's document properties: the Info dictionary and the XMP metadata, saying the same.

PDF/A requires the two to agree. :func:`xmp_packet` writes the XMP of a
:class:`DocumentInfo`, :func:`info_entries` its Info dictionary; :func:`append_metadata`
gives an existing PDF new properties in an incremental update (a few hundred bytes
appended: rewriting a document with qpdf takes some 30 ms, this about a millisecond), and
:func:`xmp_modified` moves an XMP packet's modification date, for a signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pikepdf

from avtalsgen.build.workspace import atomic_write
from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _

TIMEZONE = ZoneInfo("Europe/Stockholm")
#: How keywords are joined in the Info dictionary, Word's properties and pdf:Keywords.
KEYWORD_SEPARATOR = ", "


class MetadataError(AvtalsgenError):
    """A PDF's document properties could not be updated."""


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF says about itself (Info dictionary and XMP alike)."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    """Each keyword whole, e.g. "Swedish Lapland Visitors Board"."""
    creator: str | None
    """The application the document was made with (Info /Creator, xmp:CreatorTool); for
    :func:`append_metadata`, None keeps the PDF's own."""
    producer: str | None
    """The application that made the PDF; for :func:`append_metadata`, None keeps the
    PDF's own."""
    created: dt.datetime
    modified: dt.datetime
    language: str = "sv-SE"
    identifier: str = ""
    """dc:identifier: what the register knows the document by, its Dnr ("" for none)."""
    date: dt.date | None = None
    """dc:date: the document's date, a day without a time (None for none)."""
    document_id: str = ""
    """xmpMM:DocumentID, e.g. "uuid:…" ("" for none)."""
    version: str = ""
    """xmpMM:VersionID, e.g. "2" for paket-v2.pdf ("" for none)."""
    derived_from: tuple[str, str] | None = None
    """xmpMM:DerivedFrom: the (DocumentID, VersionID) of the version this one follows."""
    relation: tuple[str, ...] = ()
    """dc:relation: other documents this one relates to, in words."""


def as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    """A time with its zone: a date is midnight in Europe/Stockholm, a naive time is taken
    to be Swedish time."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=TIMEZONE)
    return dt.datetime(value.year, value.month, value.day, tzinfo=TIMEZONE)


def pdf_date(value: dt.datetime) -> str:
    """A PDF date string, ``D:YYYYMMDDHHmmSS+HH'mm'``."""
    value = as_datetime(value)
    offset = value.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return value.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hours:02d}'{mins:02d}'"


def xmp_date(value: dt.datetime) -> str:
    """An XMP date, ISO 8601 with its offset (seconds, no fraction)."""
    return as_datetime(value).replace(microsecond=0).isoformat()


def info_entries(info: DocumentInfo) -> dict[str, str]:
    """The Info dictionary's entries (key with its slash, text); empty texts are left out."""
    entries = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": KEYWORD_SEPARATOR.join(info.keywords),
        "/Creator": info.creator or "",
        "/Producer": info.producer or "",
        "/CreationDate": pdf_date(info.created),
        "/ModDate": pdf_date(info.modified),
    }
    return {key: value for key, value in entries.items() if value}


def xmp_packet(info: DocumentInfo) -> bytes:
    """The XMP metadata of a PDF/A-2b file with these properties (UTF-8, with padding);
    like :func:`info_entries`, it leaves out what is empty."""

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'

    modified = xmp_date(info.modified)
    lines = [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<dc:format>application/pdf</dc:format>",
    ]
    if info.title:
        lines.append(f"<dc:title>{alt(info.title)}</dc:title>")
    if info.author:
        lines.append(f"<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq>"
                     "</dc:creator>")  # fmt: skip
    if info.subject:
        lines.append(f"<dc:description>{alt(info.subject)}</dc:description>")
    if info.keywords:
        bag = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in info.keywords)
        lines.append(f"<dc:subject><rdf:Bag>{bag}</rdf:Bag></dc:subject>")
        keywords = escape(KEYWORD_SEPARATOR.join(info.keywords))
        lines.append(f"<pdf:Keywords>{keywords}</pdf:Keywords>")
    lines.append(f"<dc:language><rdf:Bag><rdf:li>{escape(info.language)}</rdf:li></rdf:Bag>"
                 "</dc:language>")  # fmt: skip
    lines += _archive_lines(info)
    if info.producer:
        lines.append(f"<pdf:Producer>{escape(info.producer)}</pdf:Producer>")
    if info.creator:
        lines.append(f"<xmp:CreatorTool>{escape(info.creator)}</xmp:CreatorTool>")
    lines += [
        f"<xmp:CreateDate>{xmp_date(info.created)}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{modified}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{modified}</xmp:MetadataDate>",
    ]
    body = "\n".join(f"   {line}" for line in lines)
    padding = "\n".join([" " * 99] * 20)  # room for in-place edits, as XMP recommends
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"\n'
        '    xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#">\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        f"{padding}\n"
        '<?xpacket end="w"?>'
    ).encode()


def _archive_lines(info: DocumentInfo) -> list[str]:
    """The XMP lines an archivist reads a document by: its identifier, date, relations and
    version (Dublin Core and XMP Media Management, schemas PDF/A-2 predefines, so no
    extension schema needs declaring); none for what ``info`` leaves empty."""
    lines = []
    if info.identifier:
        lines.append(f"<dc:identifier>{escape(info.identifier)}</dc:identifier>")
    if info.date is not None:
        lines.append(f"<dc:date><rdf:Seq><rdf:li>{info.date.isoformat()}</rdf:li></rdf:Seq>"
                     "</dc:date>")  # fmt: skip
    if info.relation:
        bag = "".join(f"<rdf:li>{escape(r)}</rdf:li>" for r in info.relation)
        lines.append(f"<dc:relation><rdf:Bag>{bag}</rdf:Bag></dc:relation>")
    if info.document_id:
        lines.append(f"<xmpMM:DocumentID>{escape(info.document_id)}</xmpMM:DocumentID>")
    if info.version:
        lines.append(f"<xmpMM:VersionID>{escape(info.version)}</xmpMM:VersionID>")
    if info.derived_from is not None:
        document, version = info.derived_from
        lines.append(
            '<xmpMM:DerivedFrom rdf:parseType="Resource">'
            f"<stRef:documentID>{escape(document)}</stRef:documentID>"
            f"<stRef:versionID>{escape(version)}</stRef:versionID></xmpMM:DerivedFrom>"
        )
    return lines


_XMP_DATES = re.compile(
    rb"(<xmp:(ModifyDate|MetadataDate)>)[^<]*(</xmp:\2>)|"
    rb"(xmp:(ModifyDate|MetadataDate)=\")[^\"]*(\")"
)


def xmp_modified(xmp: bytes, when: dt.datetime) -> bytes | None:
    """``xmp`` with xmp:ModifyDate and xmp:MetadataDate set to ``when``; None if it does not
    state both (as element or attribute, with the ``xmp`` prefix that avtalsgen and
    LibreOffice write)."""
    stamp = xmp_date(when).encode("ascii")
    found: set[bytes] = set()

    def replace(match: re.Match[bytes]) -> bytes:
        if match.group(1):
            found.add(match.group(2))
            return match.group(1) + stamp + match.group(3)
        found.add(match.group(5))
        return match.group(4) + stamp + match.group(6)

    updated = _XMP_DATES.sub(replace, xmp)
    return updated if found == {b"ModifyDate", b"MetadataDate"} else None


def append_metadata(path: Path, info: DocumentInfo) -> None:
    """Give the PDF at ``path`` these properties, in an incremental update: a new Info
    dictionary and XMP stream, under the object numbers of the old ones, and a trailer
    whose /ID keeps its first part.

    The file must end in a classic cross-reference table (as LibreOffice writes them);
    one that ends in a cross-reference stream, or has no Info dictionary or XMP stream of
    its own, is rewritten whole instead. Raises :class:`MetadataError` if it cannot be read.
    """
    try:
        data = path.read_bytes()
        start = _startxref(data)
        with pikepdf.open(io.BytesIO(data), inherit_page_attributes=False) as pdf:
            info = _completed(info, pdf)
            plan = _plan(pdf, data, start)
            if plan is None:
                _rewrite(pdf, path, info)
                return
    except (OSError, pikepdf.PdfError, ValueError) as exc:
        raise MetadataError(
            _("{file}: cannot update its document properties: {error}").format(
                file=path.name, error=exc
            )
        ) from exc
    info_num, meta_num, root, size, first_id = plan
    entries = pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info_entries(info).items()})
    xmp = xmp_packet(info)
    chunks: list[bytes] = []
    offset = len(data) + (0 if data.endswith(b"\n") else 1)
    prefix = b"" if data.endswith(b"\n") else b"\n"
    positions: dict[int, int] = {}
    positions[info_num] = offset
    chunk = b"%d 0 obj\n%s\nendobj\n" % (info_num, entries.unparse(resolved=True))
    chunks.append(chunk)
    offset += len(chunk)
    positions[meta_num] = offset
    header = b"<< /Type /Metadata /Subtype /XML /Length %d >>" % len(xmp)
    chunk = b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (meta_num, header, xmp)
    chunks.append(chunk)
    offset += len(chunk)
    table = [b"xref\n"]
    for number in sorted(positions):
        table.append(b"%d 1\n%010d 00000 n \n" % (number, positions[number]))
    # The /ID's second part changes with every update: a digest of the update and of the
    # revision it follows (its first /ID part, its length and cross-reference's offset),
    # not of the whole file (135 kB for a four-page document, a fifth of this update's time).
    seal = b"%s %d %d\n" % (first_id.encode("ascii"), len(data), start)
    second = hashlib.md5(seal + b"".join(chunks), usedforsecurity=False).hexdigest().upper()
    trailer = b"trailer\n<< /Size %d /Root %s /Info %d 0 R /ID [<%s> <%s>] /Prev %d >>\n" % (
        size,
        root,
        info_num,
        first_id.encode("ascii"),
        second.encode("ascii"),
        start,
    )
    tail = b"".join(table) + trailer + b"startxref\n%d\n%%%%EOF\n" % offset
    update = prefix + b"".join(chunks) + tail
    try:
        with path.open("ab") as stream:
            stream.write(update)
    except OSError as exc:
        raise MetadataError(
            _("{file}: cannot update its document properties: {error}").format(
                file=path.name, error=os_reason(exc)
            )
        ) from exc


def _completed(info: DocumentInfo, pdf: pikepdf.Pdf) -> DocumentInfo:
    """``info`` with the PDF's own creator and producer where it leaves them open."""
    if info.creator is not None and info.producer is not None:
        return info
    own = pdf.trailer.get("/Info")
    own = own if isinstance(own, pikepdf.Dictionary) else pikepdf.Dictionary()
    return replace(
        info,
        creator=info.creator if info.creator is not None else str(own.get("/Creator", "")),
        producer=info.producer if info.producer is not None else str(own.get("/Producer", "")),
    )


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def _startxref(data: bytes) -> int:
    match = _STARTXREF.search(data[-64:])
    if match is None:
        raise ValueError("no startxref at the end of the file")
    return int(match.group(1))


def _plan(pdf: pikepdf.Pdf, data: bytes, start: int) -> tuple[int, int, bytes, int, str] | None:
    """(Info's and XMP's object numbers, the root's reference, /Size, the /ID's first part)
    for an incremental update, or None if the file needs rewriting (see
    :func:`append_metadata`)."""
    if data[start : start + 4] != b"xref":
        return None
    info = pdf.trailer.get("/Info")
    meta = pdf.Root.get("/Metadata")
    ids = pdf.trailer.get("/ID")
    if not (
        isinstance(info, pikepdf.Dictionary)
        and info.is_indirect
        and isinstance(meta, pikepdf.Stream)
        and meta.is_indirect
        and info.objgen[1] == 0
        and meta.objgen[1] == 0
        and pdf.Root.objgen[1] == 0
        and isinstance(ids, pikepdf.Array)
        and len(ids) == 2
    ):
        return None
    root = b"%d 0 R" % pdf.Root.objgen[0]
    size = int(pdf.trailer.get("/Size", 0))
    first = bytes(ids[0]).hex().upper()
    return info.objgen[0], meta.objgen[0], root, size, first


def _rewrite(pdf: pikepdf.Pdf, path: Path, info: DocumentInfo) -> None:
    """Give ``pdf`` the properties ``info`` and write it whole to ``path``."""
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info_entries(info).items()})
    )
    stream = pdf.make_stream(xmp_packet(info))
    stream.Type = pikepdf.Name.Metadata
    stream.Subtype = pikepdf.Name.XML
    pdf.Root.Metadata = stream
    buffer = io.BytesIO()
    pdf.save(buffer, fix_metadata_version=False)
    atomic_write(path, buffer.getvalue(), durable=False)  # a PDF in a staging folder
