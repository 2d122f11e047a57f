"""The incremental writer of every revision avtalsgen adds to a packet: a signature, its
validation data (DSS) and a document time stamp. Each keeps the packet PDF/A-2b."""

from __future__ import annotations

import datetime as dt

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from avtalsgen.pdf.docinfo import pdf_date, xmp_modified


class ArchivalWriter(IncrementalPdfFileWriter):
    """pyHanko's incremental writer, updating the modification date in both places.

    pyHanko would append "; pyHanko x.y" to the Info /Producer but set XMP pdf:Producer to
    "pyHanko x.y", and read the clock separately for Info /ModDate and XMP xmp:ModifyDate:
    the Info dictionary and XMP would disagree, which PDF/A forbids. This writer sets Info
    /ModDate and XMP xmp:ModifyDate and xmp:MetadataDate to the same time, :attr:`when`
    (the signing time), and leaves everything else as assembled. Should pyHanko rename
    this hook, the PDF/A check after signing catches the disagreement.

    pyHanko's own writers, which it uses for validation data and document time stamps when
    left to itself, would also replace an XMP it did not write with one of its own (without
    the PDF/A identification): :mod:`avtalsgen.signing.longterm` writes those revisions
    with this writer too.
    """

    when: dt.datetime | None = None

    def _update_meta(self) -> None:
        if self.when is None:
            return
        root = self.root
        meta = root.get("/Metadata")
        if isinstance(meta, generic.IndirectObject):
            meta = meta.get_object()  # type: ignore[no-untyped-call]
        info_ref = self._info
        if not isinstance(meta, generic.StreamObject) or info_ref is None:
            return
        xmp = xmp_modified(meta.data, self.when)
        if xmp is None:  # an XMP that states no modification date: left as it is
            return
        info = info_ref.get_object()  # type: ignore[no-untyped-call]
        info["/ModDate"] = generic.pdf_string(pdf_date(self.when))
        self.mark_update(info_ref)
        stream = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Metadata"),
                generic.NameObject("/Subtype"): generic.NameObject("/XML"),
            },
            stream_data=xmp,
        )
        root["/Metadata"] = self.add_object(stream)
        self.update_root()  # type: ignore[no-untyped-call]
