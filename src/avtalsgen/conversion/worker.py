"""One worker of the warm converter: a soffice kept running, and the UNO bridge that drives it.

The bridge (:mod:`avtalsgen.conversion.uno_bridge`) is run by the Python that has LibreOffice's
``uno`` module (:func:`uno_python`), in a session and process group of its own, and starts
soffice in that group; so killing the group ends both. The group is told to
:mod:`avtalsgen.conversion.reaper`, which kills it if the converter dies without doing so.
soffice starts from a copy of the kept initialised profile (see
:mod:`avtalsgen.conversion.profile`) in a work folder of its own in memory
(:func:`avtalsgen.conversion.soffice.scratch_dir`), as the pool's do.

A conversion that takes longer than its timeout is a hang: the group is killed (a fresh
worker is the caller's to start). A worker is due for a restart after
:data:`MAX_DOCUMENTS` documents or when soffice holds more than :data:`MAX_RSS_MB` MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avtalsgen.conversion import reaper
from avtalsgen.conversion.allocator import with_jemalloc
from avtalsgen.conversion.profile import copy_profile, keep_profile
from avtalsgen.conversion.soffice import (
    PDF_EXPORT_FILTER,
    kill_group,
    launcher,
    remove_ipc_pipe,
    scratch_dir,
    soffice_env,
)
from avtalsgen.errors import ConversionError
from avtalsgen.i18n import _, _l

BRIDGE = Path(__file__).resolve().with_name("uno_bridge.py")

#: A worker is restarted after this many documents, ...
#:
#: Measured (2026-12-06, LibreOffice 7.4.7.2, one worker converting the seed case's two
#: documents in turn, 1 000 times): soffice holds 134 MB after its warm-up document, 173 MB
#: after 50 documents, 178 MB at its peak (after 500) and 177 MB after 1 000. So it leaks
#: little; the limits catch what these documents do not show, at a cost of one start (about
#: a second of one worker) per thousand documents.
MAX_DOCUMENTS = 1000
#: ... or as soon as its soffice holds more than this many MB of resident memory (nearly
#: three times what it holds after a thousand documents).
MAX_RSS_MB = 500
#: Seconds soffice may take to start and answer on its UNO pipe.
START_TIMEOUT = 60.0
#: Seconds a retiring soffice may take to terminate by itself (keeping its profile).
_QUIT_TIMEOUT = 5.0
#: Where to look for a Python with ``uno`` (Debian's python3-uno installs it for the
#: system's python3), unless AVTALSGEN_UNO_PYTHON names one.
_UNO_PYTHONS = ("/usr/bin/python3", "python3")
UNO_HINT = "apt-get install python3-uno"


@dataclass(frozen=True)
class Outcome:
    """What became of one document: ``fault`` is None when its PDF was written, else
    ``unloadable``, ``export``, ``crash`` or ``hang``; ``detail`` is LibreOffice's word."""

    fault: str | None
    detail: str = ""


_checked_python: dict[str, str] = {}


def uno_python() -> str:
    """A Python that can import ``uno``; :class:`ConversionError` with the install hint if
    there is none."""
    wanted = os.environ.get("AVTALSGEN_UNO_PYTHON", "")
    if wanted in _checked_python:
        return _checked_python[wanted]
    candidates = [wanted] if wanted else list(_UNO_PYTHONS)
    for candidate in candidates:
        found = shutil.which(candidate)
        if found is None:
            continue
        try:
            subprocess.run(  # noqa: S603 - fixed argv, no shell
                [found, "-I", "-c", "import uno"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        _checked_python[wanted] = found
        return found
    raise ConversionError(
        _("LibreOffice's Python bridge (the uno module) is missing; install it with: {hint}")
        .format(hint=UNO_HINT)
    )  # fmt: skip


class _Lines:
    """Lines read from a pipe, with a timeout (the bridge answers one line a request)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def read(self, timeout: float) -> str | None:
        """The next line; ``""`` at the end of the pipe, None if none came in ``timeout``."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _w, _x = select.select([self.fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return ""
            self.buffer += chunk
        line, _nl, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", errors="replace")


class Worker:
    """One soffice kept running behind its UNO bridge; not thread-safe (one thread uses it)."""

    def __init__(
        self,
        index: int,
        soffice: str,
        python: str,
        *,
        max_documents: int = MAX_DOCUMENTS,
        max_rss_mb: int = MAX_RSS_MB,
        start_timeout: float = START_TIMEOUT,
        warm_up: Path | None = None,
    ) -> None:
        self.index = index
        self.warm_up = warm_up
        self.soffice = soffice
        self.python = python
        self.max_documents = max_documents
        self.max_rss_mb = max_rss_mb
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None
        """soffice.bin's pid while it runs."""
        self.documents = 0
        """Documents converted since this soffice started."""
        self.converted = 0
        """Documents converted by every soffice of this worker."""
        self.restarts = 0
        self.started = 0.0
        self._work: Path | None = None
        self._lines: _Lines | None = None
        self._profile_url = ""
        self._pipe = ""
        self._keep = False
        self._kill_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start soffice and its bridge; wait until it answers. Raises ConversionError."""
        work = reaper.make_folder("avtalsgen-warm-", scratch_dir())
        profile = work / "profile"
        self._keep = not copy_profile(self.soffice, profile)
        self._profile_url = profile.as_uri()
        self._pipe = f"avtalsgen-{os.getpid()}-{self.index}-{secrets.token_hex(8)}"
        filter_name, options = PDF_EXPORT_FILTER.split(":", 2)[1:]
        argv = [
            self.python, "-I", str(BRIDGE), launcher(self.soffice), self._profile_url, self._pipe,
            filter_name, options, str(self.start_timeout),
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(  # noqa: S603 - argv list, no shell
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=work,
                env=with_jemalloc(soffice_env(work)),  # see conversion.allocator
                start_new_session=True,  # bridge, oosplash and soffice.bin share this group
            )
        except OSError as exc:
            reaper.remove_folder(work)
            # In every language (_l): the warm converter tells it to each client in its own.
            raise ConversionError(
                _l("cannot start LibreOffice's bridge ({python}): {error}",
                   python=self.python, error=exc)
            ) from exc  # fmt: skip
        reaper.watch(proc.pid, work)  # its group: killed even if the converter is
        self.proc, self._work = proc, work
        assert proc.stdout is not None
        self._lines = _Lines(proc.stdout.fileno())
        answer = self._answer(self.start_timeout + 5)
        if answer is None or not answer.get("ready"):
            detail = (answer or {}).get("detail") or _l("no answer")
            self.kill()
            raise ConversionError(_l("LibreOffice could not be started: {detail}", detail=detail))
        self.pid = int(answer["pid"])
        if self.warm_up is not None:
            # The first document loads Writer's import filter, the fonts and the PDF
            # export: about a second, spent now rather than on the first document asked for.
            outcome = self.convert(self.warm_up, work / "warm-up.pdf", self.start_timeout)
            if outcome.fault is not None:
                self.kill()
                raise ConversionError(
                    _l("LibreOffice could not convert a test document: {fault} {detail}",
                       fault=outcome.fault, detail=outcome.detail)
                )  # fmt: skip
            (work / "warm-up.pdf").unlink(missing_ok=True)
        self.documents = 0
        self.converted -= self.warm_up is not None
        self.started = time.time()

    def convert(self, docx: Path, pdf: Path, timeout: float) -> Outcome:
        """Convert ``docx`` to ``pdf`` (a PDF/A-2b, not yet checked). On a crash or a hang
        the worker is killed and is no longer :attr:`running`."""
        if self.proc is None or self.proc.stdin is None:
            return Outcome("crash", "not started")
        request = json.dumps({"docx": str(docx), "pdf": str(pdf)}) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except OSError as exc:
            self.kill()
            return Outcome("crash", str(exc))
        answer = self._answer(timeout)
        if answer is None:
            self.kill()
            return Outcome("hang", f"{timeout:g}")
        if answer.get("ok"):
            self.documents += 1
            self.converted += 1
            return Outcome(None)
        fault = str(answer.get("fault") or "crash")
        if fault == "crash":
            self.kill()
        return Outcome(fault, str(answer.get("detail") or ""))

    def _answer(self, timeout: float) -> dict[str, Any] | None:
        """The bridge's next answer; None if none came in time; a crash if it ended."""
        lines, proc = self._lines, self.proc
        if lines is None or proc is None:  # killed meanwhile (the converter is stopping)
            return {"fault": "crash", "detail": "killed"}
        line = lines.read(timeout)
        if line is None:
            return None
        if not line:
            return {"fault": "crash", "detail": f"the bridge ended (status {proc.poll()})"}
        try:
            answer: dict[str, Any] = json.loads(line)
        except ValueError:
            return {"fault": "crash", "detail": line[:200]}
        return answer

    def rss_mb(self) -> int:
        """soffice's resident memory in MB (0 when it is not running)."""
        if self.pid is None:
            return 0
        try:
            pages = int(Path(f"/proc/{self.pid}/statm").read_text(encoding="ascii").split()[1])
        except (OSError, ValueError, IndexError):
            return 0
        return pages * os.sysconf("SC_PAGE_SIZE") // 2**20

    def due(self) -> bool:
        """Whether to restart it: too many documents, or too much memory."""
        return self.documents >= self.max_documents or self.rss_mb() > self.max_rss_mb

    def retire(self) -> None:
        """Ask soffice to terminate (keeping a first profile), then make sure it is gone."""
        proc = self.proc
        if proc is not None and proc.stdin is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.stdin.write(b'{"quit": true}\n')
                proc.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(_QUIT_TIMEOUT)
            if self._keep and proc.returncode == 0 and self._work is not None:
                keep_profile(self.soffice, self._work / "profile")
        self.kill()

    def kill(self) -> None:
        """Kill the whole group (bridge, oosplash, soffice.bin) and remove what it left.
        Any thread may call it, e.g. to stop the converter in the middle of a document."""
        with self._kill_lock:
            proc, work = self.proc, self._work
            self.proc, self._work, self._lines, self.pid = None, None, None, None
        if proc is not None:
            kill_group(proc)  # reads what the bridge wrote to its end, then closes the pipes
        if self._pipe:
            for folder in ("/tmp", "/var/tmp"):  # where LibreOffice makes its pipes
                with contextlib.suppress(OSError):
                    Path(folder, f"OSL_PIPE_{os.getuid()}_{self._pipe}").unlink(missing_ok=True)
            remove_ipc_pipe([f"-env:UserInstallation={self._profile_url}"])
        if work is not None:
            reaper.remove_folder(work)


def warm_up_document(path: Path) -> Path:
    """Write a small Swedish document like avtalsgen's (both fonts, a heading, a list and a
    table) for each soffice to convert first; return its path."""
    from docx import Document

    document = Document()
    document.core_properties.language = "sv-SE"
    document.add_heading("Beslutsförslag", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("Regionala utvecklingsnämnden beslutar ").font.name = "Times New Roman"
    paragraph.add_run("att bevilja basfinansiering.").font.name = "Arial"
    document.add_paragraph("Första punkten", style="List Bullet")
    document.add_paragraph("Andra punkten", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for row, (label, value) in enumerate([("År", "Belopp"), ("2024", "800 000 kronor")]):
        table.cell(row, 0).text, table.cell(row, 1).text = label, value
    document.save(str(path))
    return path
