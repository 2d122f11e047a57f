"""Running LibreOffice (soffice) headless: finding it, its command line and environment,
the memory-backed folder it works in, running it with a timeout, killing its whole process
group and the IPC socket it leaves, and its version.

Every soffice runs in a session and process group of its own, watched by
:mod:`avtalsgen.conversion.reaper`, so that none outlives avtalsgen.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from avtalsgen.conversion import reaper
from avtalsgen.errors import ConversionError, os_reason
from avtalsgen.i18n import _, join_words

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
"""The command that installs the LibreOffice this stage needs (Debian/Ubuntu)."""

PDF_EXPORT_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"}}'
)
"""``--convert-to`` argument: PDF/A-2b, tagged (LibreOffice >= 7.4 JSON filter options)."""

_VERSION_TIMEOUT = 30.0
_OUTPUT_TAIL = 800  # characters of soffice output quoted in error messages


def find_soffice(soffice: str | None) -> str:
    candidates = [soffice] if soffice else ["soffice", "libreoffice"]
    for candidate in candidates:
        found = shutil.which(candidate)
        if found:
            return found
    raise ConversionError(
        _("LibreOffice is missing (no executable {names}); install it with: {command}").format(
            names=join_words(candidates, "or"), command=INSTALL_HINT
        )
    )


def libreoffice_version(soffice: str | None = None) -> str:
    """Return the LibreOffice version, e.g. ``"7.4.7.2"``, parsed from ``soffice --version``."""
    exe = find_soffice(soffice)
    with reaper.work_folder("avtalsgen-lo-") as work:
        output = run_soffice(
            [launcher(exe), "--version"], work, _VERSION_TIMEOUT, f"{exe} --version"
        )
    match = re.search(r"\b(\d+(?:\.\d+)+)\b", output)
    if match is None:
        raise ConversionError(
            _("cannot read a version from `{command} --version`: {output}").format(
                command=exe, output=repr(output.strip())
            )
        )
    return match.group(1)


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


@functools.cache
def launcher(soffice: str) -> str:
    """The program that starts LibreOffice for ``soffice``: its own launcher, ``oosplash``,
    when ``soffice`` is (a link to) LibreOffice's ``soffice`` script beside ``soffice.bin``
    and ``oosplash``; else ``soffice`` itself.

    The script only finds its folder (dirname, basename, ls, sed, uname: seven more
    processes), sets ``SAL_ENABLE_FILE_LOCKING=1`` (:func:`soffice_env` sets it too) and
    runs ``oosplash`` in its place, which starts ``soffice.bin`` and starts it again when it
    asks to be (after making a fresh profile). Running ``oosplash`` at once spares each
    start about 50 ms, 14 ms of them CPU time. A stand-in named soffice, or a LibreOffice
    laid out otherwise, is run as it is.
    """
    script = Path(soffice).resolve()
    folder = script.parent
    oosplash = folder / "oosplash"
    if (
        script.name == "soffice"
        and (folder / "soffice.bin").is_file()
        and oosplash.is_file()
        and os.access(oosplash, os.X_OK)
    ):
        return str(oosplash)
    return soffice


def soffice_argv(soffice: str, profile: Path, outdir: Path, files: Sequence[Path]) -> list[str]:
    """The argv of one soffice run converting ``files`` to PDF/A-2b into ``outdir`` (run by
    its :func:`launcher`)."""
    return [
        launcher(soffice),
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
    ``SAL_ENABLE_FILE_LOCKING=1``, and :data:`MALLOC_TUNABLE` added to ``GLIBC_TUNABLES``
    (unless that sets it already)."""
    env = dict(os.environ)
    env.update(
        SAL_ENABLE_FILE_LOCKING="1",  # as LibreOffice's soffice script sets it (see launcher)
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


def run_soffice(argv: list[str], workdir: Path, timeout: float, what: str) -> str:
    """Run soffice in its own session with HOME/TMPDIR in ``workdir``; return its output."""
    try:
        status, output = run_group(
            argv, workdir, soffice_env(workdir), timeout, on_kill=lambda: remove_ipc_pipe(argv)
        )
    except OSError as exc:
        raise ConversionError(cannot_start(argv[0], exc)) from exc
    except subprocess.TimeoutExpired:
        raise ConversionError(
            _("LibreOffice timed out after {seconds} s ({what}); it was stopped").format(
                seconds=f"{timeout:g}", what=what
            )
        ) from None
    if status != 0:
        raise ConversionError(
            _("LibreOffice exited with status {status} ({what}){output}").format(
                status=status, what=what, output=output_tail(output)
            )
        )
    return output


def run_group(
    argv: list[str],
    workdir: Path,
    env: dict[str, str],
    timeout: float,
    on_kill: Callable[[], None] = lambda: None,
) -> tuple[int, str]:
    """Run ``argv`` in ``workdir`` in a session (process group) of its own, watched by the
    reaper so that it is killed even if avtalsgen is; return its exit status and its output
    (standard error with standard output). The whole group is killed (and ``on_kill``
    called) when it takes longer than ``timeout`` (:class:`subprocess.TimeoutExpired`) or
    when anything, Ctrl-C say, interrupts the wait. Raises :class:`OSError` if it cannot
    be started."""
    proc = subprocess.Popen(  # noqa: S603 - argv list, no shell; executables found by which
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
    reaper.watch(proc.pid, workdir)  # its group: killed even if avtalsgen is
    try:
        output, _stderr = proc.communicate(timeout=timeout)  # stderr goes to stdout
    except BaseException:
        kill_group(proc)
        on_kill()
        raise
    reaper.forget(proc.pid)
    return proc.returncode, output


def cannot_start(soffice: str, exc: OSError) -> str:
    """The message for a soffice that cannot be started."""
    return _("cannot start LibreOffice ({command}): {reason}").format(
        command=soffice, reason=os_reason(exc)
    )


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


def output_tail(output: str) -> str:
    text = output.strip()
    if not text:
        return ""
    if len(text) > _OUTPUT_TAIL:
        text = "..." + text[-_OUTPUT_TAIL:]
    return f"\nLibreOffice said:\n{text}"
