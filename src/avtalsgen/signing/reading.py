"""Reading the PDF that is to be signed or verified: its bytes, or a clear error; pyHanko's
reader of them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader

from avtalsgen.errors import AvtalsgenError, os_reason
from avtalsgen.i18n import _l


def read_pdf(path: Path, error: type[AvtalsgenError]) -> bytes:
    """The bytes of the PDF at ``path``; ``error`` names the file when it cannot be read or
    is not a PDF."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        failure = exc
        reason = lambda: os_reason(failure)  # noqa: E731 - in each language
        raise error(_l("{file}: cannot read: {reason}", file=path, reason=reason)) from exc
    if not data.startswith(b"%PDF-"):
        raise error(_l("{file}: not a PDF file", file=path))
    return data


def pdf_reader(data: bytes) -> PdfFileReader:
    """pyHanko's reader of ``data``, with the objects of object streams found by their
    stream's index (:class:`_Reader`)."""
    return _Reader(io.BytesIO(data))


class _Reader(PdfFileReader):
    """pyHanko's :class:`~pyhanko.pdf_utils.reader.PdfFileReader` that reads each object
    stream's index (the object numbers and offsets at its head) once.

    pyHanko 0.38 reads the index of an object's stream again from the start for every
    object it takes from it, and its check of what a signature's later revisions changed
    reads every object of the file: for a packet, whose 700 objects qpdf puts in object
    streams of up to 100, that was 0.3 s of the 0.55 s a verification of two signatures
    took. Where the index does not say plainly where the object is (another object at
    its place, an index that cannot be read, an object that cannot be), pyHanko's own
    reading decides, so every error and warning is pyHanko's. (pyHanko is pinned: this
    replaces its ``_get_object_from_stream``.)"""

    _indexes: dict[int, tuple[generic.StreamObject, list[tuple[int, int]]]]

    def _get_object_from_stream(self, idnum: int, stmnum: int, idx: int) -> Any:
        stream = generic.Reference(stmnum, 0, self).get_object()
        indexes = self.__dict__.setdefault("_indexes", {})
        known = indexes.get(stmnum)
        if known is None or known[0] is not stream:
            index = _stream_index(stream)
            if index is None:
                return self._theirs(idnum, stmnum, idx)
            known = indexes[stmnum] = (stream, index)
        stream, index = known
        if not 0 <= idx < len(index) or index[idx][0] != idnum:
            return self._theirs(idnum, stmnum, idx)
        data = io.BytesIO(stream.read_data(DecodePurpose.OBJECT_STREAM))
        data.seek(int(stream["/First"]) + index[idx][1])
        try:
            found = generic.read_object(data, generic.Reference(idnum, 0, self))
        except (misc.PdfStreamError, misc.PdfReadError):
            return self._theirs(idnum, stmnum, idx)
        if isinstance(found, (generic.StreamObject, generic.IndirectObject)):
            return self._theirs(idnum, stmnum, idx)
        return found

    def _theirs(self, idnum: int, stmnum: int, idx: int) -> Any:
        """pyHanko's own reading of the object."""
        return super()._get_object_from_stream(idnum, stmnum, idx)  # type: ignore[no-untyped-call]


def _stream_index(stream: object) -> list[tuple[int, int]] | None:
    """The object numbers and offsets at the head of an object stream, as pyHanko reads
    them; None if ``stream`` is not one or its head cannot be read so."""
    if not isinstance(stream, generic.StreamObject) or stream.get("/Type") != "/ObjStm":
        return None
    try:
        data = io.BytesIO(stream.read_data(DecodePurpose.OBJECT_STREAM))
        index = []
        for _entry in range(int(stream["/N"])):
            misc.read_non_whitespace(data, seek_back=True)  # type: ignore[no-untyped-call]
            number = generic.NumberObject.read_from_stream(data)  # type: ignore[no-untyped-call]
            misc.read_non_whitespace(data, seek_back=True)  # type: ignore[no-untyped-call]
            offset = generic.NumberObject.read_from_stream(data)  # type: ignore[no-untyped-call]
            index.append((int(number), int(offset)))
    except (ValueError, KeyError, misc.PdfReadError, misc.PdfStreamError):
        return None
    return index
