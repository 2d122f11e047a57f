"""poppler's pdftotext for the tests: each version of a file read once per test process, and
read without its output intent.

pdftotext takes about 60 ms of CPU a page over the PDF/A files avtalsgen makes, nearly all of
it in LittleCMS, making colour transforms from the output intent's ICC profile (the catalog's
/OutputIntents) again for every page: 0.60 s for a 10-page packet, and 27 s of CPU over the
172 pdftotext processes of one suite run. The output intent says how the colours are to be
printed; it has nothing to do with the text. So pdftotext is given, on its standard input, a
copy of the file without /OutputIntents and otherwise as it is (the same content streams and
fonts, not decoded or compressed again): 0.01 s for the same packet, the same text
(tests/test_pdftext.py compares the two over a built document, a packet and a signed packet).
A file pikepdf cannot open cleanly (or that is encrypted, or has no output intent) is given
to pdftotext as it is. Tests about a broken file or about pdftotext failing run poppler on the
file itself, not through this module.

Many tests read the same built documents: the text of a file is kept as long as the file is
the same one (its inode, size, and modification and change times), so a file written again,
in place or under its name by a rename, is read again.
"""

from __future__ import annotations

import functools
import io
import subprocess
from pathlib import Path

import pikepdf


def pdftotext(pdf: Path | str, *options: str) -> str:
    """``pdftotext OPTIONS PDF -``: the text, as read once before if the file is unchanged."""
    stat = Path(pdf).stat()
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return _read(str(pdf), version, options)


@functools.cache
def _read(pdf: str, version: tuple[int, ...], options: tuple[str, ...]) -> str:
    copy = _copy(pdf, version)
    if copy is None:
        argv = ["pdftotext", *options, pdf, "-"]
        return subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    argv = ["pdftotext", *options, "-", "-"]
    out = subprocess.run(argv, input=copy, check=True, capture_output=True).stdout
    # What text=True does with the output (which cannot go with bytes on standard input).
    return io.TextIOWrapper(io.BytesIO(out)).read()


@functools.lru_cache(maxsize=4)  # a file is often read page by page, or in several modes
def _copy(pdf: str, version: tuple[int, ...]) -> bytes | None:
    return without_output_intent(Path(pdf))


def without_output_intent(pdf: Path) -> bytes | None:
    """The bytes of a copy of ``pdf`` without the catalog's /OutputIntents, every other
    object as it is (streams neither decoded nor compressed again); ``None`` if the file has
    no output intent, is encrypted, or pikepdf cannot open it without a warning."""
    try:
        with pikepdf.open(pdf) as document:
            if (
                document.is_encrypted
                or document.get_warnings()
                or "/OutputIntents" not in document.Root
            ):
                return None
            del document.Root.OutputIntents
            copy = io.BytesIO()
            document.save(
                copy,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                compress_streams=False,
                recompress_flate=False,
            )
    except pikepdf.PdfError:
        return None
    return copy.getvalue()
