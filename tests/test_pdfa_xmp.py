"""The PDF/A checks that read the XMP metadata: identification, and Info agreeing with it."""

from __future__ import annotations

import pikepdf

from avtalsgen.pdf.pdfa import pdfa_problems


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
