"""Convert DOCX files to archival PDF (PDF/A-2b, tagged) with LibreOffice headless.

All subprocess use of avtalsgen lives here. One ``soffice`` start converts every file of a
call, with a fresh throw-away profile, so runs neither share state nor collide with a
LibreOffice the user has open. PDFs are written to a staging directory, checked with
:func:`check_archival_pdf` and only then moved to their final names.

A fresh profile costs soffice more to start (it initialises the profile, restarts itself and
runs its graphics render tests). So the first profile that a cleanly exiting soffice leaves
is kept, per user and LibreOffice installation, under ``$XDG_CACHE_HOME/avtalsgen/``, marked
so that later starts skip those tests, and every later start gets a copy of it of its own
(:func:`copy_profile`, :func:`keep_profile`), in a memory-backed folder (:func:`scratch_dir`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from avtalsgen import reaper
from avtalsgen.cache import cache_root
from avtalsgen.errors import ConversionError, OutputError

if TYPE_CHECKING:
    import pikepdf

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
"""The command that installs the LibreOffice this stage needs (Debian/Ubuntu)."""

PDF_EXPORT_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)
"""``--convert-to`` argument: PDF/A-2b, tagged (LibreOffice >= 7.4 JSON filter options)."""

EXPECTED_LANG = "sv-SE"
_VERSION_TIMEOUT = 30.0
_OUTPUT_TAIL = 800  # characters of soffice output quoted in error messages


class Converter(Protocol):
    """Turns DOCX files into archival PDFs."""

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert ``docx_files`` into ``outdir``; return the PDFs in input order."""
        ...


class LibreOfficeConverter:
    """A :class:`Converter` that runs LibreOffice headless, one start per call."""

    def __init__(self, soffice: str | None = None, timeout: float = 120.0) -> None:
        """Find LibreOffice (``soffice`` or ``libreoffice`` on PATH unless given).

        Raises :class:`ConversionError` with the install command if it is missing.
        """
        self.soffice = find_soffice(soffice)
        self.timeout = timeout

    def convert(self, docx_files: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert all ``docx_files`` in one soffice run; return ``outdir/<stem>.pdf`` each.

        Every PDF must pass :func:`check_archival_pdf` before any is moved into
        ``outdir``, so a failed call leaves no file under a final name.
        """
        sources = [Path(f).resolve() for f in docx_files]
        if not sources:
            return []
        _check_sources(sources)
        outdir = outdir.resolve()  # soffice runs in its own working directory
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot create output directory: {exc}") from exc
        names = ", ".join(s.name for s in sources)
        with (
            tempfile.TemporaryDirectory(
                prefix="avtalsgen-lo-", dir=scratch_dir(), ignore_cleanup_errors=True
            ) as w,
            # Staging inside outdir keeps the final rename on one file system (atomic).
            tempfile.TemporaryDirectory(
                prefix=".avtalsgen-pdf-", dir=outdir, ignore_cleanup_errors=True
            ) as s,
        ):
            work, staging = Path(w), Path(s)
            profile = work / "profile"
            warm = copy_profile(self.soffice, profile)
            argv = soffice_argv(self.soffice, profile, staging, sources)
            output = _run_soffice(argv, work, self.timeout, f"converting {names}")
            if not warm:
                keep_profile(self.soffice, profile)
            staged = [staging / f"{src.stem}.pdf" for src in sources]
            for src, pdf in zip(sources, staged, strict=True):
                if not pdf.is_file():
                    raise ConversionError(
                        f"{pdf.name}: LibreOffice wrote no PDF for {src}{_tail(output)}"
                    )
                check_archival_pdf(pdf, repair=True)
            results = []
            for pdf in staged:
                final = outdir / pdf.name
                try:
                    pdf.replace(final)
                except OSError as exc:
                    raise OutputError(f"{final}: cannot write PDF: {exc}") from exc
                results.append(final)
        return results


def repair_xmp(path: Path) -> bool:
    """Make the XMP metadata agree with the document information where LibreOffice's do not.

    LibreOffice 7.4 escapes & < > " ' twice when it writes the title, subject and keywords
    into the XMP (``a &amp;amp; b`` for ``a & b``), and PDF/A requires the two to agree.
    Only a PDF that shows the problem is rewritten; returns whether it was. A PDF that
    cannot be read is left as it is, for :func:`check_archival_pdf` to say why.
    """
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if _xmp_agrees(pdf):
                return False  # nearly every PDF
    except pikepdf.PdfError:
        return False
    data = io.BytesIO()
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        wrong = {key: info[key] for key, _ in _XMP_OF_INFO if key in info}
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp.load_from_docinfo(wrong, delete_missing=False, raise_failure=False)
        # Saved into memory and written from Python: qpdf, writing to a file that fails
        # mid-way (a full disk), ends the whole process (std::terminate) instead of raising.
        pdf.save(data)
    temporary = path.with_name(f".{path.name}.xmp")
    try:
        temporary.write_bytes(data.getbuffer())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def _xmp_agrees(pdf: pikepdf.Pdf) -> bool:
    """Whether the XMP title, subject, author and keywords agree with the document info."""
    meta = pdf.open_metadata()
    info = pdf.docinfo
    return all(
        key not in info or str(meta.get(xmp, "")) in (str(info[key]), f"['{info[key]}']")
        for key, xmp in _XMP_OF_INFO
    )


#: The document information entries LibreOffice writes wrongly into the XMP, and theirs.
_XMP_OF_INFO = (
    ("/Title", "dc:title"),
    ("/Subject", "dc:description"),
    ("/Author", "dc:creator"),
    ("/Keywords", "pdf:Keywords"),
)


def check_archival_pdf(path: Path, lang: str = EXPECTED_LANG, *, repair: bool = False) -> None:
    """Check that ``path`` is a tagged PDF/A-2b PDF whose document language is ``lang``.

    With ``repair``, first :func:`repair_xmp` (in the same reading of the file, unless it
    needs the repair). Raises :class:`ConversionError` naming the file and every problem.
    """
    import pikepdf

    name = path.name
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise ConversionError(f"{name}: cannot read PDF: {exc.strerror or exc}") from exc
    if head != b"%PDF-":
        raise ConversionError(f"{name}: not a PDF (starts with {head!r}, expected b'%PDF-')")
    try:
        with pikepdf.open(path) as pdf:
            repaired = repair and not _xmp_agrees(pdf)
            problems = [] if repaired else _archival_problems(pdf, lang)
        if repaired:
            repair_xmp(path)
            with pikepdf.open(path) as pdf:
                problems = _archival_problems(pdf, lang)
    except pikepdf.PdfError as exc:
        raise ConversionError(f"{name}: unreadable PDF: {exc}") from exc
    if problems:
        raise ConversionError(f"{name}: " + "; ".join(problems))


def libreoffice_version(soffice: str | None = None) -> str:
    """Return the LibreOffice version, e.g. ``"7.4.7.2"``, parsed from ``soffice --version``."""
    exe = find_soffice(soffice)
    with tempfile.TemporaryDirectory(prefix="avtalsgen-lo-", ignore_cleanup_errors=True) as w:
        output = _run_soffice([exe, "--version"], Path(w), _VERSION_TIMEOUT, "--version")
    match = re.search(r"\b(\d+(?:\.\d+)+)\b", output)
    if match is None:
        raise ConversionError(f"cannot read a version from `{exe} --version`: {output.strip()!r}")
    return match.group(1)


def _archival_problems(pdf: pikepdf.Pdf, lang: str) -> list[str]:
    import pikepdf

    problems = []
    meta = pdf.open_metadata()
    part, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    if part is None or conformance is None:
        problems.append("XMP metadata has no PDF/A identification, expected PDF/A-2B")
    elif (str(part).strip(), str(conformance).strip()) != ("2", "B"):
        problems.append(f"XMP metadata claims PDF/A-{part}{conformance}, expected PDF/A-2B")
    root = pdf.Root
    mark_info = root.get("/MarkInfo")
    # pikepdf returns PDF booleans as Python bool (its stubs say Object).
    marked: object = mark_info.get("/Marked") if isinstance(mark_info, pikepdf.Dictionary) else None
    if marked is not True:
        problems.append("PDF is not tagged (/MarkInfo /Marked is not true)")
    if "/StructTreeRoot" not in root:
        problems.append("PDF has no structure tree (/StructTreeRoot)")
    pdf_lang = root.get("/Lang")
    if pdf_lang is None:
        problems.append(f"PDF declares no language, expected {lang}")
    elif str(pdf_lang).casefold() != lang.casefold():  # BCP 47 tags ignore case
        problems.append(f"PDF claims language {pdf_lang}, expected {lang}")
    return problems


def find_soffice(soffice: str | None) -> str:
    candidates = [soffice] if soffice else ["soffice", "libreoffice"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise ConversionError(
        f"LibreOffice is missing (no executable {' or '.join(candidates)}); "
        f"install it with: {INSTALL_HINT}"
    )


def _check_sources(sources: list[Path]) -> None:
    by_stem: dict[str, Path] = {}
    for src in sources:
        if not src.is_file():
            raise ConversionError(f"{src}: no such DOCX file")
        other = by_stem.setdefault(src.stem, src)
        if other != src:
            raise ConversionError(f"{other} and {src} would both become {src.stem}.pdf")


def profile_cache(soffice: str) -> Path:
    """Where the initialised profile of this LibreOffice installation is kept for the user.

    The name depends on soffice.bin's path, size and time, so an upgrade starts afresh.
    """
    exe = Path(soffice).resolve()
    binary = exe.parent / "soffice.bin"
    target = binary if binary.exists() else exe
    info = target.stat()
    identity = f"{target}\0{info.st_size}\0{info.st_mtime_ns}\0{_PROFILE_FORMAT}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return cache_root() / f"libreoffice-profile-{key}"


#: A profile is complete when LibreOffice has written its settings (at a clean exit).
_PROFILE_MARK = Path("user") / "registrymodifications.xcu"
#: Changes when what a kept profile holds changes, so that older ones are not used.
_PROFILE_FORMAT = 2
_OOR = "http://openoffice.org/2001/registry"


def copy_profile(soffice: str, profile: Path) -> bool:
    """Make ``profile`` a copy of the kept initialised profile, if there is one.

    Returns whether it did; if not, ``profile`` does not exist and soffice makes a fresh one.
    """
    try:
        cache = profile_cache(soffice)
        if not (cache / _PROFILE_MARK).is_file():
            return False
        shutil.copytree(cache, profile, symlinks=True)
    except (OSError, RuntimeError, shutil.Error):  # RuntimeError: no home directory
        shutil.rmtree(profile, ignore_errors=True)
        return False
    return True


def keep_profile(soffice: str, profile: Path) -> None:
    """Keep ``profile``, which a soffice that exited cleanly initialised, for later starts,
    unless one is kept already. Several processes may try at once: one wins, atomically."""
    try:
        cache = profile_cache(soffice)
        if cache.exists() or not (profile / _PROFILE_MARK).is_file():
            return
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=cache.parent))
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return  # a cache we cannot write only costs time
    try:
        shutil.copytree(profile, staging / "profile", symlinks=True)
        _mark_version_seen(soffice, staging / "profile")
        (staging / "profile").rename(cache)  # fails if another process was first
    except (OSError, shutil.Error):
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _mark_version_seen(soffice: str, profile: Path) -> None:
    """Record in ``profile`` that this LibreOffice version has been started with it.

    A LibreOffice start whose profile names an older version (or none) as the last one
    started runs its graphics render tests (about 0.25 CPU-seconds of drawing 4096-pixel
    bitmaps) and writes ``GraphicsRenderTests.log``. Only the desktop's "what's new" bar
    records the version, so headless starts run the tests every time; with the version
    recorded (``/org.openoffice.Setup/Product/ooSetupLastVersion``, major.minor as
    LibreOffice writes it), a start of a copy skips them. If the version cannot be read, the
    profile is kept as it is, and only that time is lost.
    """
    from lxml import etree

    try:
        major_minor = ".".join(libreoffice_version(soffice).split(".")[:2])
    except ConversionError:
        return
    settings = profile / _PROFILE_MARK
    try:
        tree = etree.parse(str(settings))
    except etree.XMLSyntaxError:
        return
    oor = f"{{{_OOR}}}"
    item = etree.SubElement(tree.getroot(), "item", {f"{oor}path": "/org.openoffice.Setup/Product"})
    prop = etree.SubElement(item, "prop", {f"{oor}name": "ooSetupLastVersion", f"{oor}op": "fuse"})
    etree.SubElement(prop, "value").text = major_minor
    item.tail = "\n"
    tree.write(str(settings), xml_declaration=True, encoding="UTF-8")
    (profile / "user" / "GraphicsRenderTests.log").unlink(missing_ok=True)


#: Free space a memory-backed folder needs to hold LibreOffice's work folders.
_SCRATCH_MIN_FREE = 256 * 2**20


def scratch_dir() -> str | None:
    """The folder for soffice's work folders (its profile copy, temporary files, lock files
    and, in the pool, its PDFs): ``None`` for Python's temporary folder.

    soffice creates a dozen files for every document it converts, and creating a file on
    a disk file system costs far more than in memory (0.25 ms against 0.01 ms on the
    development machine's ext4). So, unless TMPDIR says where temporary files go, a
    memory-backed folder is used: ``$XDG_RUNTIME_DIR`` or ``/dev/shm``, if it is a writable
    folder with room to spare.
    """
    if os.environ.get("TMPDIR"):
        return None
    for candidate in (os.environ.get("XDG_RUNTIME_DIR", ""), "/dev/shm"):
        folder = Path(candidate)
        if not candidate or not folder.is_absolute():
            continue
        try:
            free = os.statvfs(folder)
        except OSError:
            continue
        writable = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
        if writable and free.f_bavail * free.f_frsize >= _SCRATCH_MIN_FREE:
            return candidate
    return None


def soffice_argv(soffice: str, profile: Path, outdir: Path, files: Sequence[Path]) -> list[str]:
    """The argv of one soffice run converting ``files`` to PDF/A-2b into ``outdir``."""
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        PDF_EXPORT_FILTER,
        "--outdir",
        str(outdir),
        *(str(path) for path in files),
    ]


#: glibc malloc setting for soffice: back its heap with transparent huge pages where the
#: kernel gives them on request. Starting, soffice takes some 300,000 page faults of 4 kB
#: each (14,000 with 2 MB pages): with it, a start takes about 0.5 s instead of 0.85 s,
#: nearly all the difference being kernel time. The PDFs are the same; glibc before 2.35,
#: or a kernel without transparent huge pages, ignores it.
MALLOC_TUNABLE = "glibc.malloc.hugetlb=1"


def soffice_env(workdir: Path) -> dict[str, str]:
    """The environment of a soffice run: HOME, TMPDIR and XDG folders inside ``workdir``,
    and :data:`MALLOC_TUNABLE` added to ``GLIBC_TUNABLES`` (unless that sets it already)."""
    env = dict(os.environ)
    env.update(
        HOME=str(workdir),
        TMPDIR=str(workdir),
        XDG_CONFIG_HOME=str(workdir / ".config"),
        XDG_CACHE_HOME=str(workdir / ".cache"),
        XDG_DATA_HOME=str(workdir / ".local" / "share"),
    )
    tunables = env.get("GLIBC_TUNABLES", "")
    if "glibc.malloc.hugetlb=" not in tunables:
        env["GLIBC_TUNABLES"] = f"{tunables}:{MALLOC_TUNABLE}" if tunables else MALLOC_TUNABLE
    return env


def _run_soffice(argv: list[str], workdir: Path, timeout: float, what: str) -> str:
    """Run soffice in its own session with HOME/TMPDIR in ``workdir``; return its output."""
    env = soffice_env(workdir)
    try:
        proc = subprocess.Popen(  # noqa: S603 - argv list, no shell; executable found by which
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env=env,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,  # soffice -> oosplash -> soffice.bin share this group
        )
    except OSError as exc:
        raise ConversionError(f"cannot start LibreOffice ({argv[0]}): {exc}") from exc
    reaper.watch(proc.pid, workdir)  # its group: killed even if avtalsgen is
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        remove_ipc_pipe(argv)
        raise ConversionError(
            f"LibreOffice timed out after {timeout:g} s {what}; killed it"
        ) from None
    except BaseException:
        kill_group(proc)
        remove_ipc_pipe(argv)
        raise
    reaper.forget(proc.pid)
    if proc.returncode != 0:
        raise ConversionError(
            f"LibreOffice exited with status {proc.returncode} {what}{_tail(output)}"
        )
    return output


def kill_group(proc: subprocess.Popen[Any], wait: float = 5.0) -> None:
    """SIGKILL soffice's whole process group, reap the leader, and wait until no process of
    the group is alive (soffice.bin, a grandchild, dies on its own time)."""
    with contextlib.suppress(ProcessLookupError):  # the group is already gone
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    deadline = time.monotonic() + wait
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    reaper.forget(proc.pid)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies waiting to be reaped by
    init do not count: they hold no resources and run no code)."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def remove_ipc_pipe(argv: list[str]) -> None:
    """Remove the IPC socket a killed soffice leaves behind (a clean exit removes it).

    LibreOffice names it ``/tmp/OSL_PIPE_<uid>_SingleOfficeIPC_<md5>``, the MD5 being of
    the profile URL in UTF-16LE, each byte in unpadded hex.
    """
    prefix = "-env:UserInstallation="
    urls = [arg.removeprefix(prefix) for arg in argv if arg.startswith(prefix)]
    if not urls:
        return
    digest = hashlib.md5(urls[0].encode("utf-16-le"), usedforsecurity=False).digest()
    name = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"
    for folder in ("/tmp", "/var/tmp"):  # LibreOffice tries these fixed folders
        with contextlib.suppress(OSError):
            (Path(folder) / name).unlink(missing_ok=True)


def _tail(output: str) -> str:
    text = output.strip()
    if not text:
        return ""
    if len(text) > _OUTPUT_TAIL:
        text = "..." + text[-_OUTPUT_TAIL:]
    return f"\nLibreOffice said:\n{text}"
