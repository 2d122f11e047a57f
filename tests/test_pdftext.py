"""tests/pdftext.py's shortcut changes nothing the tests read: poppler gives the same text
for a built PDF/A file and for the copy without its output intent that the tests hand it
(all pages; plain and -layout, and -raw and -bbox for a document), and gives a file it
cannot use to pdftotext as it is.

The signed packet's comparison is in test_sign.py, next to its signed packet.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pdftext import pdftotext, without_output_intent

#: Modes the tests read in. Each costs the original file 60 ms of CPU a page, so packets
#: are compared in plain and -layout mode, one document in all four.
MODES = ((), ("-layout",))
ALL_MODES = (*MODES, ("-raw",), ("-bbox",))


def poppler(pdf: Path, *options: str, stdin: bytes | None = None) -> str:
    """pdftotext run on ``pdf`` itself, or on ``stdin`` when given."""
    source = "-" if stdin is not None else str(pdf)
    argv = ["pdftotext", *options, source, "-"]
    return subprocess.run(argv, input=stdin, check=True, capture_output=True).stdout.decode()


def assert_same_text(pdf: Path, modes: tuple[tuple[str, ...], ...] = MODES) -> None:
    with pikepdf.open(pdf) as document:
        assert "/OutputIntents" in document.Root  # what the shortcut takes away
        pages = len(document.pages)
    copy = without_output_intent(pdf)
    assert copy is not None
    with pikepdf.open(io.BytesIO(copy)) as stripped:
        assert "/OutputIntents" not in stripped.Root
        assert len(stripped.pages) == pages
    for options in modes:
        text = poppler(pdf, *options)
        assert poppler(pdf, *options, stdin=copy) == text, options
        assert pdftotext(pdf, *options) == text, options
        if not options:
            assert text.count("\f") == pages  # every page was read


@pytest.mark.libreoffice
def test_a_document_without_the_output_intent_reads_the_same(built: Path) -> None:
    assert_same_text(built / "RUN-00386-2023" / "samarbetsavtal.pdf", ALL_MODES)


@pytest.mark.libreoffice
def test_a_packet_without_the_output_intent_reads_the_same(built: Path) -> None:
    assert_same_text(built / "RUN-00386-2023" / "paket.pdf")


def test_a_file_pikepdf_cannot_open_goes_to_pdftotext_as_it_is(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a PDF at all\n")
    assert without_output_intent(broken) is None
    with pytest.raises(subprocess.CalledProcessError) as failed:
        pdftotext(broken)
    assert str(broken) in failed.value.cmd  # poppler was given the file itself
