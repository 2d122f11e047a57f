"""poppler's pdftotext for the tests, each version of a file read once per test process.

pdftotext takes about 60 ms of CPU a page over the PDF/A files LibreOffice writes (most of it
in LittleCMS, making colour transforms from the output intent's ICC profile again for every
page), and many tests read the same built documents: the text of a file is kept as long as
the file is the same one (its inode, size, and modification and change times), so a file
written again, in place or under its name by a rename, is read again.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path


def pdftotext(pdf: Path | str, *options: str) -> str:
    """``pdftotext OPTIONS PDF -``: the text, as read once before if the file is unchanged."""
    stat = Path(pdf).stat()
    version = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return _read(str(pdf), version, options)


@functools.cache
def _read(pdf: str, version: tuple[int, ...], options: tuple[str, ...]) -> str:
    argv = ["pdftotext", *options, pdf, "-"]
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout
