"""The output folder: the one module that knows its layout and writes into it.

Every command that writes into an output folder (``build``, ``utdrag``, ``sign`` and those to
come) opens a :class:`Session` on it and writes through that::

    from avtalsgen.build.workspace import Workspace

    with Workspace(output).session("utdrag") as run:   # the lock; stale staging removed
        made = run.staging / "protokollsutdrag-212.pdf"  # make files in the staging folder
        ...
        case = run.workspace.case(dnr)
        run.place(made, case.extract(212, 1, ".pdf"))     # never replaces (unless asked)
        run.write(case.extract_record(212), data)         # atomic, mode from the umask

The layout (every name is made here and nowhere else)::

    output/
      batch-report.json                      Workspace.batch_report
      .avtalsgen-faktanyckel                 Workspace.facts_key: the secret of the digests of
                                             facts (build/superseded.py); in no manifest or packet
      .avtalsgen-staging-<command>-<random>/ Session.staging: removed at the session's end;
                                             a killed command's is removed by the next session
      RUN-00386-2023/                        Workspace.case(dnr) -> CaseFolder
        beslutsforslag.docx, .pdf            CaseFolder.document(kind, suffix, version)
        samarbetsavtal.docx, .pdf
        paket.pdf                            CaseFolder.packet(version), .packet_versions()
        beslutsforslag-v2.pdf, ..., paket-v2.pdf   a new version beside a signed packet
        protokollsutdrag-212.docx, .pdf      CaseFolder.extract(paragraf, version, suffix)
        protokollsutdrag-212-v2.docx, .pdf
        protokollsutdrag-212.json            CaseFolder.extract_record(paragraf)
        manifest.json                        CaseFolder.manifest
        .avtalsgen-build.json                CaseFolder.build_record
      sammantraden/2023-12-05-<committee>/   Workspace.meeting(datum, namnd) -> MeetingFolder
        anslag.pdf, .html, anslag.json, ...  MeetingFolder.file(stem, suffix, version)
        expediering/RUN-90001-2023-212-v1/   MeetingFolder.messages(dnr, paragraf, version)
      webb/RUN-00386-2023/                   Workspace.web(dnr): publishable renditions

**The lock.** A session holds an exclusive ``flock`` on the output folder itself (no lock
file), so one command at a time writes into it. A second command waits up to
:data:`LOCK_WAIT` seconds (``AVTALSGEN_LOCK_WAIT`` in the environment overrides it) for the
first to end, then stops with a message saying so; it has written nothing, so nothing is
lost. The lock goes with the process: a killed command holds nothing. Within one thread a
session may be opened again on the same folder (the lock is re-entrant there).

**Staging.** Files are made in the session's staging folder, inside the output folder (so a
rename moves them into place on the same file system), and moved into place only when they
are complete and checked. Whatever ends the session (an error, Ctrl-C, SIGTERM) removes the
staging folder; after SIGKILL the next session on the folder, of any command, removes it.

**Writing.** :func:`atomic_write` is the one way to write a file: a temporary file made
beside it (or in a staging folder), written, flushed to disk (fsync), then renamed onto the
final name; a reader sees the old file or the new one, never a part. Files get the mode the
user's umask gives (they are made with mode 0666 and the kernel applies the umask), before
and after signing. ``replace=False`` never replaces a file that is there (a hard link makes
the final name, which fails if the name is taken): signed packets and certified extracts
are never overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from avtalsgen.errors import OutputError, os_reason
from avtalsgen.i18n import _, ngettext

if TYPE_CHECKING:
    import datetime as dt

#: Seconds a command waits for another one to leave the output folder before it stops.
LOCK_WAIT = 60.0
#: The environment variable that sets :data:`LOCK_WAIT` (seconds; 0: do not wait).
LOCK_WAIT_ENV = "AVTALSGEN_LOCK_WAIT"
#: How often a waiting command tries the lock again (seconds).
_LOCK_POLL = 0.1

#: Staging folders in the output folder start with this.
STAGING_PREFIX = ".avtalsgen-staging-"
#: Staging folders that earlier versions of avtalsgen made (build, utdrag): removed as stale.
_OLD_STAGING_PREFIXES = (".RUN-", ".protokollsutdrag.")

#: The batch report in the output folder.
BATCH_REPORT = "batch-report.json"
#: The output folder's secret for the digests of the facts its manifests record.
FACTS_KEY = ".avtalsgen-faktanyckel"
#: The manifest in each case's folder.
MANIFEST = "manifest.json"
#: The record of a case's last build in its folder.
BUILD_RECORD = ".avtalsgen-build.json"
#: The packet's file name, without version and suffix.
PACKET = "paket"
#: The files of each document of a case: its Word file and its PDF.
DOCUMENT_SUFFIXES = (".docx", ".pdf")
#: The protocol extracts' file names start with this.
EXTRACT = "protokollsutdrag"
#: The folder of the meetings' own files (anslag and the like) in the output folder.
MEETINGS = "sammantraden"
#: The folder of a meeting's expediering (e-mail messages) in the meeting's folder.
EXPEDIERING = "expediering"
#: The folder of the publishable renditions (for the web) in the output folder.
WEB = "webb"

_DNR = re.compile(r"RUN-\d{5}-\d{4}")
_DNR_IN_FRONT = re.compile(r"RUN-\d{5}-\d{4}-(?=.)")
_VERSIONED = re.compile(r"(?P<stem>.+?)(?:-v(?P<version>[1-9]\d*))?(?P<suffix>\.[a-z]+)")


# --- names ----------------------------------------------------------------------------------


def versioned(stem: str, version: int, suffix: str) -> str:
    """The file name of a version: ``stem.suffix`` for the first, ``stem-vN.suffix`` after."""
    return f"{stem}{suffix}" if version == 1 else f"{stem}-v{version}{suffix}"


def shown(path: Path) -> Path:
    """``path`` as a message shows it: relative to the working folder where it lies below it
    (a file of an output folder given as ``output`` is ``output/<Dnr>/...``, although the
    workspace holds it resolved), else as it is."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def embedded_name(dnr: str, name: str) -> str:
    """The name a file of the case's folder is embedded under in its packet: the Dnr in
    front (``RUN-90001-2023-protokollsutdrag-212.pdf``), so that an archivist who takes it
    out of the packet can tell whose it is; a name that has it already is kept."""
    return name if name.startswith(f"{dnr}-") else f"{dnr}-{name}"


def folder_name(embedded: str) -> str:
    """The file of the case's folder that ``embedded`` (:func:`embedded_name`) is the copy of:
    ``protokollsutdrag-212.pdf``; a name without a Dnr in front (a packet built before
    embedded files were named so) as it is."""
    match = _DNR_IN_FRONT.match(embedded)
    return embedded[match.end() :] if match else embedded


def parse_versioned(name: str) -> tuple[str, int, str] | None:
    """``(stem, version, suffix)`` of a name :func:`versioned` made, or None."""
    match = _VERSIONED.fullmatch(name)
    if match is None:
        return None
    return match["stem"], int(match["version"] or 1), match["suffix"]


@dataclass(frozen=True)
class CaseFolder:
    """A case's folder in the output folder, ``output/<Dnr>/``, and the names in it."""

    path: Path

    @property
    def dnr(self) -> str:
        """The case's Dnr (the folder's name)."""
        return self.path.name

    def document(self, kind: str, suffix: str, version: int = 1) -> Path:
        """A document of the case: ``beslutsforslag.pdf``, ``samarbetsavtal.docx``, ...;
        ``beslutsforslag-v2.pdf`` with the packet's version 2 (the documents beside a signed
        packet are kept with it: see :func:`avtalsgen.pdf.packet.packet_version`)."""
        return self.path / versioned(kind, version, suffix)

    def documents_of_version(self, kinds: Iterable[str], version: int) -> list[Path]:
        """The documents of ``kinds`` (Word and PDF) of the packet's ``version`` that are in
        the folder."""
        found = (
            self.document(kind, suffix, version) for kind in kinds for suffix in DOCUMENT_SUFFIXES
        )
        return [path for path in found if path.is_file()]

    def packet(self, version: int = 1) -> Path:
        """The packet: ``paket.pdf``, and ``paket-vN.pdf`` for its later versions."""
        return self.path / versioned(PACKET, version, ".pdf")

    def packet_versions(self) -> list[Path]:
        """Every version of the packet in the folder, oldest first."""
        return [path for _, path in self._versions(PACKET, ".pdf")]

    def newest_packet(self) -> Path | None:
        """The newest version of the packet in the folder (the one to sign), if any."""
        versions = self.packet_versions()
        return versions[-1] if versions else None

    def extract(self, paragraf: int, version: int, suffix: str) -> Path:
        """A protocol extract: ``protokollsutdrag-<§>[-vN].docx`` or ``.pdf``."""
        return self.path / versioned(f"{EXTRACT}-{paragraf}", version, suffix)

    def extract_record(self, paragraf: int) -> Path:
        """The record of the versions of the extract of § ``paragraf``."""
        return self.path / f"{EXTRACT}-{paragraf}.json"

    def extract_pdfs(self) -> list[tuple[int, int, Path]]:
        """Every extract's PDF in the folder as ``(paragraf, version, path)``, sorted."""
        found = []
        for path in self.path.glob(f"{EXTRACT}-*.pdf"):
            parsed = parse_versioned(path.name)
            if parsed is None:
                continue
            number = parsed[0].removeprefix(f"{EXTRACT}-")
            if number.isdigit() and number.isascii() and not number.startswith("0"):
                found.append((int(number), parsed[1], path))
        return sorted(found)

    def latest_extract(self) -> Path | None:
        """The newest version of the newest § 's extract, if any."""
        found = self.extract_pdfs()
        return found[-1][2] if found else None

    @property
    def manifest(self) -> Path:
        """``manifest.json``: hashes, tool versions, the packets' signatures."""
        return self.path / MANIFEST

    @property
    def build_record(self) -> Path:
        """The record of the case's last build (:mod:`avtalsgen.build.record`)."""
        return self.path / BUILD_RECORD

    def _versions(self, stem: str, suffix: str) -> list[tuple[int, Path]]:
        found = []
        for path in self.path.glob(f"{stem}*{suffix}"):
            parsed = parse_versioned(path.name)
            if parsed is not None and parsed[0] == stem and parsed[2] == suffix:
                found.append((parsed[1], path))
        return sorted(found)


@dataclass(frozen=True)
class MeetingFolder:
    """A meeting's folder in the output folder, for files of the meeting as a whole (the
    anslag, the expediering's record): ``output/sammantraden/<date>-<committee>/``."""

    path: Path

    def file(self, stem: str, suffix: str, version: int = 1) -> Path:
        """A file of the meeting, e.g. ``file("anslag", ".pdf")``; versions as extracts."""
        return self.path / versioned(stem, version, suffix)

    def messages(self, dnr: str, paragraf: int, version: int) -> Path:
        """The folder of the expediering of the extract of § ``paragraf`` (version
        ``version``) of ``dnr``: ``expediering/<Dnr>-<§>-v<version>/``."""
        if not _DNR.fullmatch(dnr):
            raise ValueError(f"not a Dnr: {dnr!r}")
        return self.path / EXPEDIERING / f"{dnr}-{paragraf}-v{version}"

    def message(self, dnr: str, paragraf: int, version: int, number: int, name: str) -> Path:
        """The message to the ``number``-th recipient (``name``) of an extract:
        ``NN-<name in ASCII>.eml`` in :meth:`messages`."""
        return self.messages(dnr, paragraf, version) / f"{number:02d}-{_slug(name)}.eml"


def _slug(text: str) -> str:
    """An ASCII file-name part for ``text``: Regionala utvecklingsnämnden ->
    regionala-utvecklingsnamnden."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "namnd"


class Workspace:
    """An output folder: its layout, and :meth:`session` to write into it."""

    def __init__(self, root: Path) -> None:
        """The output folder at ``root`` (it need not exist until a session makes it)."""
        self.root = Path(root).resolve()

    @classmethod
    def of_case_file(cls, path: Path) -> Workspace:
        """The output folder of a file in a case's folder (``output/<Dnr>/paket.pdf`` ->
        ``output``). A file elsewhere (a packet copied out, say) is its own folder's."""
        folder = Path(path).resolve().parent
        return cls(folder.parent if _DNR.fullmatch(folder.name) else folder)

    def case(self, dnr: str) -> CaseFolder:
        """The folder of the case ``dnr`` (a Dnr, checked by the models: no path tricks)."""
        if not _DNR.fullmatch(dnr):
            raise ValueError(f"not a Dnr: {dnr!r}")
        return CaseFolder(self.root / dnr)

    def web(self, dnr: str) -> Path:
        """The folder of a case's publishable renditions: ``webb/<Dnr>/``."""
        if not _DNR.fullmatch(dnr):
            raise ValueError(f"not a Dnr: {dnr!r}")
        return self.root / WEB / dnr

    def meeting(self, datum: dt.date, namnd: str) -> MeetingFolder:
        """The folder of the meeting of committee ``namnd`` on ``datum``."""
        return MeetingFolder(self.root / MEETINGS / f"{datum.isoformat()}-{_slug(namnd)}")

    @property
    def facts_key(self) -> Path:
        """The file of the output folder's secret for the digests of facts (see
        :func:`avtalsgen.build.superseded.facts_key`)."""
        return self.root / FACTS_KEY

    @property
    def batch_report(self) -> Path:
        """``batch-report.json``: what happened to every case of the last batch."""
        return self.root / BATCH_REPORT

    def staging_folders(self) -> list[Path]:
        """The staging folders in the output folder (a session's own, or stale ones)."""
        if not self.root.is_dir():
            return []
        prefixes = (STAGING_PREFIX, *_OLD_STAGING_PREFIXES)
        return sorted(
            path
            for path in self.root.iterdir()
            if path.name.startswith(prefixes) and path.is_dir() and not path.is_symlink()
        )

    @contextlib.contextmanager
    def session(
        self,
        command: str,
        *,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
        on_stale: Callable[[str], None] | None = None,
    ) -> Iterator[Session]:
        """Lock the output folder (made if need be) for ``command`` and give it a staging
        folder; stale staging folders are removed first (``on_stale`` is told so in one
        line, if any: a command killed with SIGKILL left them). ``wait`` seconds (default
        :data:`LOCK_WAIT`, or ``AVTALSGEN_LOCK_WAIT``) are waited for another command to
        end; ``on_wait`` is told once, with a message to show, if it must wait. At the end
        (whatever ends it) the staging folder is removed and the lock released.

        Raises :class:`OutputError` when the folder cannot be made or written to, or is
        still locked after the wait.
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                _("{folder}: cannot make the output folder: {reason}").format(
                    folder=shown(self.root), reason=os_reason(exc)
                )
            ) from None
        with _locked(self.root, _lock_wait(wait), on_wait):
            stale = self.staging_folders()
            for folder in stale:
                discard(folder)
            if stale and on_stale is not None:
                on_stale(
                    ngettext(
                        "removed {folders}, left by a command that was stopped before it "
                        "finished (nothing in it was finished)",
                        "removed {folders}, left by commands that were stopped before they "
                        "finished (nothing in them was finished)",
                        len(stale),
                    ).format(folders=", ".join(f"{shown(folder)}/" for folder in stale))
                )
            try:
                prefix = f"{STAGING_PREFIX}{command}-"
                staging = Path(tempfile.mkdtemp(prefix=prefix, dir=self.root))
            except OSError as exc:
                raise OutputError(
                    _("{folder}: cannot write here: {reason}").format(
                        folder=shown(self.root), reason=os_reason(exc)
                    )
                ) from None
            try:
                yield Session(self, staging)
            finally:
                discard(staging)


def discard(folder: Path) -> None:
    """Remove a staging folder for good, even while a converter still puts a PDF into it.

    ``shutil.rmtree`` alone loses that race: a warm converter's worker that finishes a
    document of a stopped command moves its PDF in after rmtree has emptied the folder and
    before it removes it, and the folder stays. Renamed first (to a name that is still a
    staging folder's, so that a command killed meanwhile leaves it to the next one), the
    folder is out of every writer's path, and removed then.
    """
    gone = folder.with_name(f"{STAGING_PREFIX}removed-{secrets.token_hex(4)}")
    try:
        folder.rename(gone)
    except OSError:
        gone = folder  # gone already, or not ours to rename: remove what is there
    shutil.rmtree(gone, ignore_errors=True)


@dataclass(frozen=True)
class Session:
    """A command's turn at the output folder: the lock is held while it lasts."""

    workspace: Workspace
    staging: Path
    """This session's staging folder (inside the output folder; removed at its end)."""

    def write(self, path: Path, data: bytes | str, *, replace: bool = True) -> Path:
        """Write ``path`` atomically (see :func:`atomic_write`); the temporary file is made
        in the staging folder, so a killed command leaves none in a case's folder."""
        return atomic_write(path, data, replace=replace, scratch=self.staging)

    def place(self, made: Path, final: Path, *, replace: bool = False) -> Path:
        """Move ``made`` (in the staging folder) to ``final``, making the folders it lies
        in; see :func:`place`."""
        final.parent.mkdir(parents=True, exist_ok=True)
        return place(made, final, replace=replace)

    def remove(self, path: Path) -> None:
        """Remove a file of the output folder that a newer one of this session replaced in
        meaning (the documents of an unsigned packet version made anew without them). The
        caller has made sure it is not signed: a signed file is never removed."""
        path.unlink(missing_ok=True)

    def place_folder(self, made: Path, final: Path) -> Path:
        """Move the folder ``made`` (complete, in the staging folder) to ``final`` whole,
        making the folders it lies in; a folder at ``final`` is never replaced
        (:class:`FileExistsError`; the session's lock keeps other commands out)."""
        final.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final))
        made.rename(final)
        return final


# --- writing --------------------------------------------------------------------------------


def atomic_write(
    path: Path,
    data: bytes | str,
    *,
    replace: bool = True,
    scratch: Path | None = None,
    durable: bool = True,
    mode: int | None = None,
) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` so that a reader, or a crash, sees the old
    file or the new one and never a part: a temporary file in ``scratch`` (a folder on the
    same file system, e.g. a staging folder) or else beside ``path``, flushed to disk, then
    renamed. The file gets the mode the umask gives (or ``mode``, e.g. 0o600 for a private
    key). With ``replace=False`` a file that is there is never replaced
    (:class:`FileExistsError`). The folder must exist.

    ``durable=False`` skips the flush to disk (about 10 ms a file on a virtual disk), for
    files that only pass through a staging folder and are made again if lost.

    Raises :class:`OSError` (the caller says what could not be written).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = scratch if scratch is not None else path.parent
    temporary = _create_temporary(folder, path.name)
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CLOEXEC)
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        place(temporary, path, replace=replace)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return path


def place(made: Path, final: Path, *, replace: bool = False) -> Path:
    """Move ``made`` to ``final`` on the same file system. Unless ``replace``, a file at
    ``final`` is never replaced: :class:`FileExistsError` (a hard link makes the name, so
    a file that appears meanwhile is not replaced either)."""
    if replace:
        made.replace(final)
        return final
    try:
        os.link(made, final)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (a small window).
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final)) from None
        made.replace(final)
        return final
    made.unlink()
    return final


def _create_temporary(folder: Path, name: str) -> Path:
    """An empty new file ``.<name>.<random>.tmp`` in ``folder``, with mode 0666 less the
    umask (:func:`tempfile.mkstemp` would make it 0600)."""
    for _attempt in range(100):
        temporary = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temporary
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


# --- the lock -------------------------------------------------------------------------------


_held = threading.local()


def _lock_wait(wait: float | None) -> float:
    if wait is not None:
        return wait
    try:
        return max(0.0, float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


@contextlib.contextmanager
def _locked(root: Path, wait: float, on_wait: Callable[[str], None] | None) -> Iterator[None]:
    """Hold the exclusive lock on the folder ``root`` (re-entrant within a thread)."""
    info = root.stat()
    key = (info.st_dev, info.st_ino)
    counts: dict[tuple[int, int], int] = _held.__dict__.setdefault("counts", {})
    if counts.get(key):
        counts[key] += 1
        try:
            yield
        finally:
            counts[key] -= 1
        return
    handle = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _acquire(handle, root, wait, on_wait)
        counts[key] = 1
        try:
            yield
        finally:
            counts[key] = 0
    finally:
        os.close(handle)  # closing releases the lock


def _acquire(handle: int, root: Path, wait: float, on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise OutputError(
                _(
                    "{folder}: another avtalsgen command is writing here (waited {seconds:g} s); "
                    "run this one again when it has ended"
                ).format(folder=shown(root), seconds=wait)
            )
        if not told and on_wait is not None:
            on_wait(
                _(
                    "{folder}: another avtalsgen command is writing here; "
                    "waiting up to {seconds:g} s for it to end"
                ).format(folder=shown(root), seconds=wait)
            )
            told = True
        time.sleep(min(_LOCK_POLL, max(0.0, deadline - time.monotonic())))
