"""Write a rendered Word document's zip, deflating each distinct member only once.

A batch renders the same few templates again and again, and most members of each rendered
document are its template's unchanged (styles, theme, fonts, settings, relationships): only
the body, the headers and the document properties differ from case to case. Deflating
those again for every document cost about a third of writing it. :func:`zip_members`
keeps the deflated bytes of recent members by their content and writes the archive itself,
byte for byte as :mod:`zipfile` writes it (``ZipFile.writestr`` with a fixed date, mode
0600 and ``ZIP_DEFLATED``; a test compares the two).
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Sequence

#: Zip member timestamp: fixed, so the same document always gives the same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

#: How many deflated members are kept (the least recently used go first): the unchanged
#: members of a few templates, and room for each document's own.
_KEPT = 48

_deflated: dict[tuple[bytes, int], tuple[int, bytes]] = {}
_lock = threading.Lock()

# zipfile's structures (see its source): local file header, central directory entry, end.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # zipfile's DEFAULT_VERSION
_UNIX = 3  # the system zipfile names on POSIX
_DEFLATED = 8
_ATTRIBUTES = 0o600 << 16  # the mode zipfile gives a member written without one
_UTF8_NAME = 0x800
_ZIP64_LIMIT = (1 << 31) - 1


def _dos(date: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def deflated(data: bytes, level: int) -> tuple[int, bytes]:
    """(CRC-32, raw deflate stream) of ``data`` at ``level``, as zipfile makes them;
    from the cache when the same bytes were deflated at that level lately."""
    key = (data, level)
    with _lock:
        found = _deflated.pop(key, None)
        if found is not None:
            _deflated[key] = found  # now the most recently used
            return found
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    made = (zlib.crc32(data), compressor.compress(data) + compressor.flush())
    with _lock:
        _deflated[key] = made
        while len(_deflated) > _KEPT:
            del _deflated[next(iter(_deflated))]
    return made


def zip_members(members: Sequence[tuple[str, bytes]], level: int) -> bytes:
    """A zip archive of ``members`` (name, data) in this order, each deflated at ``level``:
    the bytes ``zipfile.ZipFile.writestr`` writes for each with ``ZipInfo(name, ZIP_DATE)``,
    mode 0600, ``ZIP_DEFLATED`` and ``level``, into an archive in memory."""
    dostime, dosdate = _dos(ZIP_DATE)
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in members:
        crc, packed = deflated(data, level)
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        if len(data) * 1.05 > _ZIP64_LIMIT or offset + len(packed) > _ZIP64_LIMIT:
            raise ValueError(f"{name}: too large for a document")  # zipfile would use ZIP64
        fields = (_VERSION, 0, flags, _DEFLATED, dostime, dosdate, crc, len(packed), len(data))
        header = _LOCAL.pack(b"PK\003\004", *fields, len(encoded), 0)
        chunks += (header, encoded, packed)
        # name, extra field, comment, disk, internal attributes; external ones, offset
        lengths = (len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset)
        central += (_CENTRAL.pack(b"PK\001\002", _VERSION, _UNIX, *fields, *lengths), encoded)
        offset += len(header) + len(encoded) + len(packed)
    directory = b"".join(central)
    count = len(members)
    end = _END.pack(b"PK\005\006", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(chunks) + directory + end
