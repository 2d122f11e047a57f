"""The PDF/A checks that read the XMP metadata: identification, and Info agreeing with it."""

from __future__ import annotations

import datetime as dt

import pikepdf
from hypothesis import given, settings
from hypothesis import strategies as st

from avtalsgen.pdf.docinfo import TIMEZONE, DocumentInfo, written_xmp_values, xmp_packet
from avtalsgen.pdf.pdfa import _INFO_TO_XMP, _xmp_read, _xmp_values, pdfa_problems


def _pdf(part: str = "2", title: str | None = None, xmp_title: str | None = None) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfaid:part"] = part
        meta["pdfaid:conformance"] = "B"
        if xmp_title is not None:
            meta["dc:title"] = xmp_title
    if title is not None:
        pdf.docinfo["/Title"] = title
    return pdf


def _xmp_problems(pdf: pikepdf.Pdf) -> list[str]:
    return [p for p in pdfa_problems(pdf) if "XMP" in p]


def test_agreeing_metadata_has_no_problem() -> None:
    assert _xmp_problems(_pdf(title="Avtal", xmp_title="Avtal")) == []


def test_another_part_is_reported() -> None:
    assert _xmp_problems(_pdf(part="1")) == ["the XMP metadata claims PDF/A-1B, expected PDF/A-2B"]


def test_info_that_disagrees_with_the_xmp_is_reported() -> None:
    assert _xmp_problems(_pdf(title="Avtal", xmp_title="Annat")) == [
        "Info /Title 'Avtal' differs from XMP dc:title 'Annat'"
    ]
    assert _xmp_problems(_pdf(title="Avtal")) == ["Info /Title is 'Avtal' but XMP has no dc:title"]


def test_missing_xmp_is_one_problem() -> None:
    pdf = _pdf(title="Avtal")
    del pdf.Root.Metadata
    assert _xmp_problems(pdf) == ["no XMP metadata (PDF/A identification missing)"]


def test_broken_xmp_is_read_as_far_as_pikepdf_recovers_it() -> None:
    broken = _pdf(title="Avtal", xmp_title="Avtal")
    broken.Root.Metadata = broken.make_stream(b"<x:xmpmeta><rdf:RDF>")
    assert _xmp_problems(broken) == [
        "the XMP metadata has no PDF/A identification, expected PDF/A-2B",
        "Info /Title is 'Avtal' but XMP has no dc:title",
    ]


_TEXT = st.lists(
    st.characters(codec="utf-8", exclude_categories=["Cs"])
    | st.sampled_from(["\r", "\r\n", "]]>", "&", "<", " ", "\x00", "\ufffe", "\u200f"]),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    title=_TEXT,
    author=_TEXT,
    subject=_TEXT,
    keywords=st.lists(_TEXT, max_size=3),
    creator=st.none() | _TEXT,
    producer=st.none() | _TEXT,
    language=st.sampled_from(["sv-SE", "en", " ", "s\x01v"]),
)
def test_the_xmp_avtalsgen_writes_reads_as_pikepdf_reads_it(
    title: str,
    author: str,
    subject: str,
    keywords: list[str],
    creator: str | None,
    producer: str | None,
    language: str,
) -> None:
    """The values the checks take for an XMP packet avtalsgen made (without reading it) are
    what pikepdf reads from its bytes, or pikepdf reads them (a packet an XML parser reads
    otherwise than written)."""
    when = dt.datetime(2024, 3, 1, 10, 30, tzinfo=TIMEZONE)
    info = DocumentInfo(title, author, subject, tuple(keywords), creator, producer, when, when,
                        language)  # fmt: skip
    packet = xmp_packet(info)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Metadata = pdf.make_stream(packet)
    keys = ("pdfaid:part", "pdfaid:conformance", *_INFO_TO_XMP.values())
    try:
        meta = pdf.open_metadata()
        read = {name: meta.get(name) for name in keys}
    except Exception:  # noqa: BLE001 - the check's own words for an XMP it cannot read
        read = None
    known = written_xmp_values(packet)
    if known is None:
        return  # the checks read it
    assert read == {name: known.get(name) for name in keys}
    _xmp_read.clear()
    assert _xmp_values(pdf) == read
