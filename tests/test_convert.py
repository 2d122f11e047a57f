"""Tests for avtalsgen.conversion.convert.

Tests marked ``libreoffice`` run the real soffice (no mocks) and poppler-utils; the rest
check error paths with a missing or a stand-in soffice and PDFs edited with pikepdf.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import docx_with_pages, run
from pdftext import pdftotext

from avtalsgen.conversion import convert as convert_module
from avtalsgen.conversion.convert import LibreOfficeConverter, check_archival_pdf
from avtalsgen.conversion.soffice import (
    INSTALL_HINT,
    PDF_EXPORT_FILTER,
    libreoffice_version,
    soffice_argv,
)
from avtalsgen.errors import ConversionError

needs_soffice = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="needs LibreOffice"
)
needs_poppler = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="needs poppler-utils",
)

TEXTS = {
    "beslutsforslag": ("Förslag till beslut om räksmörgås", "Beslutsförslag om samarbete"),
    "samarbetsavtal": ("Avtal mellan parterna i Luleå", "Samarbetsavtal Norrbotten"),
}

#: What a PDF in another language than Swedish is told beyond its language: where to set it.
TO_SV = (
    "sv-SE: the template's language is not sv-SE; set it in the paragraph style Normal (in "
    "Word: select all text, Review > Language > Set Proofing Language; in LibreOffice: Tools "
    "> Language > For All Text) and save the template"
)


def make_docx(path: Path, text: str, title: str, lang: str = "sv-SE") -> Path:
    """A one-paragraph DOCX whose default language (styles.xml docDefaults) is ``lang``."""
    return docx_with_pages(path, [text], title, lang)


def make_pair(folder: Path) -> list[Path]:
    """The two sv-SE test documents of TEXTS, in TEXTS order."""
    return [
        make_docx(folder / f"{stem}.docx", text, title) for stem, (text, title) in TEXTS.items()
    ]


def processes_mentioning(marker: str) -> list[int]:
    """PIDs of live processes whose command line contains marker (zombies have none)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if marker in args:
            pids.append(int(cmdline.parent.name))
    return pids


def fake_soffice(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "fake-soffice"
    exe.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    exe.chmod(0o755)
    return str(exe)


@dataclass
class Converted:
    docx: list[Path]
    pdfs: list[Path]
    outdir: Path
    soffice_calls: list[list[str]]
    seconds: float


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    """Two sv-SE DOCX files converted by one real LibreOffice call (spied, not mocked)."""
    src = tmp_path_factory.mktemp("docx")
    docx = make_pair(src)
    outdir = tmp_path_factory.mktemp("pdf") / "out"
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def spy(*args: Any, **kwargs: Any) -> Any:
        argv = [str(a) for a in args[0]]
        if "--convert-to" in argv:  # not the watcher the first soffice start brings along
            calls.append(argv)
        return real_popen(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(subprocess, "Popen", spy)
        start = time.monotonic()
        pdfs = LibreOfficeConverter().convert(docx, outdir)
        seconds = time.monotonic() - start
    return Converted(docx, pdfs, outdir, calls, seconds)


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
def test_two_files_one_soffice_call(converted: Converted) -> None:
    assert converted.pdfs == [converted.outdir / f"{stem}.pdf" for stem in TEXTS]
    assert all(pdf.is_file() for pdf in converted.pdfs)
    # Nothing else (no staging directory, no profile) is left in outdir.
    assert sorted(converted.outdir.iterdir()) == sorted(converted.pdfs)
    assert len(converted.soffice_calls) == 1
    argv = converted.soffice_calls[0]
    assert all(str(d) in argv for d in converted.docx)
    assert PDF_EXPORT_FILTER in argv
    print(f"converted 2 files in {converted.seconds:.2f} s")


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
def test_pdfs_have_text_title_and_embedded_fonts(converted: Converted) -> None:
    for pdf, (text, title) in zip(converted.pdfs, TEXTS.values(), strict=True):
        check_archival_pdf(pdf)
        assert text in pdftotext(pdf, "-enc", "UTF-8")

        info = dict(
            line.split(":", 1) for line in run("pdfinfo", "-enc", "UTF-8", str(pdf)).splitlines()
        )
        assert info["Title"].strip() == title

        header, rule, *rows = run("pdffonts", str(pdf)).splitlines()
        assert rule.startswith("---")
        emb = header.index("emb")
        assert rows, "no fonts listed"
        assert [row[emb : emb + 3] for row in rows] == ["yes"] * len(rows), rows


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
def test_en_us_docx_is_rejected_and_nothing_written(tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "english.docx", "An English text", "English", lang="en-US")
    outdir = tmp_path / "out"
    with pytest.raises(ConversionError) as excinfo:
        LibreOfficeConverter().convert([docx], outdir)
    assert str(excinfo.value) == f"english.pdf: the PDF declares language en-US, expected {TO_SV}"
    assert list(outdir.iterdir()) == []


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("timeout", [0.01, 0.1])
def test_timeout_kills_soffice_process_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timeout: float
) -> None:
    profiles = tmp_path / "lo-tmp"  # the converter's temp dirs (profile, HOME) go here
    profiles.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(profiles))
    monkeypatch.setenv("TMPDIR", str(profiles))  # a TMPDIR given is used (see scratch_dir)
    docx = make_pair(tmp_path)
    outdir = tmp_path / "out"
    pipes_before = set(Path("/tmp").glob("OSL_PIPE_*"))
    profile_urls: list[str] = []  # this test's soffice: its IPC socket is named by them
    argv_of = soffice_argv

    def recorded(soffice: str, profile: Path, outdir: Path, files: Sequence[Path]) -> list[str]:
        profile_urls.append(profile.as_uri())
        return argv_of(soffice, profile, outdir, files)

    monkeypatch.setattr(convert_module, "soffice_argv", recorded)

    with pytest.raises(ConversionError, match=rf"timed out after {timeout:g} s") as excinfo:
        LibreOfficeConverter(timeout=timeout).convert(docx, outdir)
    assert "beslutsforslag.docx, samarbetsavtal.docx" in str(excinfo.value)

    deadline = time.monotonic() + 5
    while processes_mentioning(str(profiles)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_mentioning(str(profiles)) == []
    # No IPC socket left in /tmp by the killed soffice: a socket file that no process has
    # bound any more (not in /proc/net/unix). Other LibreOffice runs (the other test
    # process's) make sockets of their own meanwhile; theirs are bound while they run.
    deadline = time.monotonic() + 10
    mine = {_ipc_pipe(url) for url in profile_urls}
    assert profile_urls
    while _stale_pipes(pipes_before) & mine and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stale_pipes(pipes_before) & mine == set()
    assert list(profiles.iterdir()) == []  # profile removed
    assert list(outdir.iterdir()) == []  # no PDF, no staging left


def _ipc_pipe(profile_url: str) -> Path:
    """The IPC socket of the soffice whose profile is ``profile_url``: LibreOffice names it
    by the MD5 of that URL's UTF-16 code units, each byte in hexadecimal without a leading
    zero (desktop/source/app/officeipcthread.cxx). Only this test's sockets are looked at:
    the other test process's tests kill a soffice of their own now and then, whose socket
    stays behind unbound (a failure of this test at CI, 01:51)."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_" + "".join(f"{b:x}" for b in digest))


def _stale_pipes(before: set[Path]) -> set[Path]:
    """LibreOffice IPC socket files in /tmp, new since ``before``, that no process binds."""
    rows = Path("/proc/net/unix").read_text(encoding="utf-8").splitlines()[1:]
    bound = {fields[7] for row in rows if len(fields := row.split()) >= 8}
    return {p for p in set(Path("/tmp").glob("OSL_PIPE_*")) - before if str(p) not in bound}


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_version() -> None:
    version = libreoffice_version()
    assert version.count(".") >= 2
    assert all(part.isdigit() for part in version.split("."))


def test_missing_soffice_path_gives_install_hint(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-soffice")
    with pytest.raises(ConversionError, match="LibreOffice is missing") as excinfo:
        LibreOfficeConverter(soffice=missing)
    assert INSTALL_HINT in str(excinfo.value)
    assert INSTALL_HINT == "apt-get install libreoffice-writer-nogui"
    with pytest.raises(ConversionError, match=INSTALL_HINT):
        libreoffice_version(missing)


def test_no_soffice_on_path_gives_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConversionError, match="LibreOffice is missing.*" + INSTALL_HINT):
        LibreOfficeConverter()


def test_soffice_exit_0_without_pdf_is_an_error(tmp_path: Path) -> None:
    # A stand-in for soffice that, like soffice on an unloadable file, exits 0 silently.
    exe = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded"; exit 0')
    docx = make_docx(tmp_path / "a.docx", "text", "title")
    outdir = tmp_path / "out"
    with pytest.raises(ConversionError, match=r"a\.pdf: LibreOffice wrote no PDF") as excinfo:
        LibreOfficeConverter(soffice=exe).convert([docx], outdir)
    assert "could not be loaded" in str(excinfo.value)
    assert list(outdir.iterdir()) == []


def test_soffice_failure_status_is_reported(tmp_path: Path) -> None:
    exe = fake_soffice(tmp_path, "echo boom >&2; exit 3")
    docx = make_docx(tmp_path / "a.docx", "text", "title")
    with pytest.raises(
        ConversionError, match=r"status 3 \(converting a\.docx\)\nLibreOffice said:\nboom"
    ):
        LibreOfficeConverter(soffice=exe).convert([docx], tmp_path / "out")


def test_bad_inputs_are_rejected_before_soffice_starts(tmp_path: Path) -> None:
    exe = fake_soffice(tmp_path, "echo started > started; exit 1")
    converter = LibreOfficeConverter(soffice=exe)
    assert converter.convert([], tmp_path / "out") == []
    with pytest.raises(ConversionError, match="no such DOCX file"):
        converter.convert([tmp_path / "missing.docx"], tmp_path / "out")
    (tmp_path / "x").mkdir()
    one = make_docx(tmp_path / "a.docx", "text", "title")
    two = make_docx(tmp_path / "x" / "a.docx", "text", "title")
    with pytest.raises(ConversionError, match=r"would both become a\.pdf"):
        converter.convert([one, two], tmp_path / "out")
    assert not list(tmp_path.rglob("started"))


def _set_lang_en(pdf: pikepdf.Pdf) -> None:
    pdf.Root.Lang = pikepdf.String("en-US")


def _untag(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.MarkInfo
    del pdf.Root.StructTreeRoot


def _pdfa_1b(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfaid:part"] = "1"


def _escaped_twice(pdf: pikepdf.Pdf) -> None:
    """The title as LibreOffice 7.4 writes an ampersand into the XMP: escaped twice."""
    pdf.docinfo["/Title"] = "Hotell & Restaurang AB"
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = "Hotell &amp; Restaurang AB"


def _edited(converted: Converted, folder: Path, edit: Callable[[pikepdf.Pdf], None]) -> Path:
    """``x.pdf`` in ``folder``: the first converted PDF, edited."""
    target = folder / "x.pdf"
    with pikepdf.open(converted.pdfs[0]) as pdf:
        edit(pdf)
        pdf.save(target)
    return target


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set_lang_en, f"x.pdf: the PDF declares language en-US, expected {TO_SV}"),
        (
            _untag,
            "x.pdf: the PDF is not tagged (/MarkInfo /Marked is not true); "
            "the PDF has no structure tree (/StructTreeRoot)",
        ),
        (_pdfa_1b, "x.pdf: the XMP metadata claims PDF/A-1B, expected PDF/A-2B"),
        (
            _escaped_twice,
            "x.pdf: Info /Title 'Hotell & Restaurang AB' differs from XMP dc:title "
            "'Hotell &amp; Restaurang AB'",
        ),
    ],
)
def test_check_archival_pdf_names_the_problem(
    converted: Converted, tmp_path: Path, edit: Callable[[pikepdf.Pdf], None], message: str
) -> None:
    with pytest.raises(ConversionError) as excinfo:
        check_archival_pdf(_edited(converted, tmp_path, edit))
    assert str(excinfo.value) == message


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
def test_check_archival_pdf_accepts_other_expected_language(
    converted: Converted, tmp_path: Path
) -> None:
    check_archival_pdf(_edited(converted, tmp_path, _set_lang_en), lang="en-US")


def test_check_archival_pdf_rejects_non_pdf_and_missing(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"PK\x03\x04 not a pdf")
    with pytest.raises(ConversionError, match=r"fake\.pdf: not a PDF"):
        check_archival_pdf(fake)
    with pytest.raises(ConversionError, match=r"gone\.pdf: cannot read the PDF"):
        check_archival_pdf(tmp_path / "gone.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(ConversionError, match=r"broken\.pdf: unreadable PDF"):
        check_archival_pdf(broken)


@pytest.mark.libreoffice
@needs_soffice
@needs_poppler
def test_xmp_that_disagrees_with_the_info_is_repaired(converted: Converted, tmp_path: Path) -> None:
    target = _edited(converted, tmp_path, _escaped_twice)
    check_archival_pdf(target, repair=True)
    with pikepdf.open(target) as pdf:
        assert str(pdf.open_metadata()["dc:title"]) == "Hotell & Restaurang AB"
