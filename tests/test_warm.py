"""The warm converter with a real LibreOffice: the same PDFs as the pool, its lifecycle and
its faults (a soffice killed mid-conversion, a stopped one, stale sockets, two starts at
once, a document LibreOffice cannot open), and no soffice outliving it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pikepdf
import pytest
from conftest import CASES, REPO, build_every_case, docx_with_pages, has_uno, run
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.conversion import runtime, warm
from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.conversion.soffice import find_soffice
from avtalsgen.conversion.worker import Outcome, Worker, uno_python
from avtalsgen.errors import ConversionError
from avtalsgen.meetings.extract import build_extracts

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice"),
]
needs_uno = pytest.mark.skipif(not has_uno(), reason="no python3-uno")

AVTALSGEN = Path(sys.executable).with_name("avtalsgen")
MEETING = REPO / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"
TODAY = dt.date(2024, 1, 15)


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A converter folder of the test's own (short: a socket path has at most 107 bytes);
    any converter started in it is stopped at the end."""
    path = Path(tempfile.mkdtemp(prefix="avw-", dir="/tmp"))
    monkeypatch.setenv("AVTALSGEN_CONVERTER_DIR", str(path))
    yield path
    warm.stop(timeout=10)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def running() -> Iterator[dict[str, Any]]:
    """A converter with two workers for the module's tests that share it, warming up as a
    user's does (the suite's other converters do not: see conftest); its status."""
    path = Path(tempfile.mkdtemp(prefix="avw-", dir="/tmp"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AVTALSGEN_CONVERTER_DIR", str(path))
        try:
            uno_python()
        except ConversionError:
            pytest.skip("no python3-uno")
        with pytest.MonkeyPatch.context() as warming:  # for its start only
            warming.delenv(runtime.WARM_UP_ENV)
            started = warm.start(workers=2)
        assert started.started
        found = warm.status()
        assert found is not None
        yield found
        warm.stop(timeout=10)
    shutil.rmtree(path, ignore_errors=True)


def _converted() -> int:
    found = warm.status()
    assert found is not None
    return sum(worker["converted"] for worker in found["workers"])


def _restarts() -> int:
    """Restarts of every worker, once none is (re)starting."""
    deadline = time.monotonic() + 120
    while True:
        found = warm.status()
        assert found is not None
        busy = any(w["state"] in ("starting", "restarting") for w in found["workers"])
        if not busy or time.monotonic() > deadline:
            return sum(worker["restarts"] for worker in found["workers"])
        time.sleep(0.05)


def _soffice_pids() -> list[int]:
    found = warm.status()
    assert found is not None
    return [worker["pid"] for worker in found["workers"] if worker["pid"]]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pids: list[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


_VARYING = re.compile(
    rb"D:\d{14}[^)>\]]*"  # PDF dates
    rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"  # XMP dates
    rb"|/DocChecksum /[0-9A-F]+"
    rb"|uuid:[0-9a-f-]+"
    rb'|"/Length": \d+'  # a compressed length, in a stream shown inside another object
)


def _objects(path: Path) -> list[bytes]:
    """Every object of a PDF, streams decoded, with dates and checksums masked; the
    trailer's /ID is left out. An ICC profile's creation date (bytes 24-35) is masked, and
    so the compressed lengths of the streams (their decoded bytes are compared)."""
    found = []
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                data = bytearray(obj.read_bytes())
                if data[36:40] == b"acsp":
                    data[24:36] = bytes(12)
                head = {key: value for key, value in obj.items() if key != "/Length"}
                found.append(_VARYING.sub(b"~", repr(head).encode() + bytes(data)))
            elif not isinstance(obj, int):  # LibreOffice writes streams' lengths as objects
                found.append(_VARYING.sub(b"~", repr(obj).encode()))
    return found


@needs_uno
def test_build_and_extracts_through_the_converter_are_the_pools_pdfs(
    running: dict[str, Any], built: Path, tmp_path: Path
) -> None:
    before = _converted()
    output = tmp_path / "output"
    build_every_case(output)
    assert _converted() == before + 2 * len(CASES)  # every document went to the converter
    for dnr in CASES:
        for name in ("beslutsforslag.pdf", "samarbetsavtal.pdf"):
            warm_pdf, pool_pdf = output / dnr / name, built / dnr / name
            # The same text, as poppler reads it.
            assert pdftotext(warm_pdf) == pdftotext(pool_pdf)
            # Object for object the same, dates, checksums and the file ID aside.
            assert _objects(warm_pdf) == _objects(pool_pdf), f"{dnr}/{name}"
            assert oct(warm_pdf.stat().st_mode & 0o777) == oct(pool_pdf.stat().st_mode & 0o777)
        packet = output / dnr / "paket.pdf"
        assert pdftotext(packet) == pdftotext(built / dnr / "paket.pdf")
    # Protocol extracts: the converter against one soffice run, on the same meeting.
    made = {}
    for name, converter in (("warm", warm.client()), ("cold", LibreOfficeConverter())):
        assert converter is not None
        build_extracts(MEETING, tmp_path / name, REPO / "templates", converter, today=TODAY)
        made[name] = sorted((tmp_path / name).rglob("protokollsutdrag-*.pdf"))
    assert [p.relative_to(tmp_path / "warm") for p in made["warm"]] == [
        p.relative_to(tmp_path / "cold") for p in made["cold"]
    ]
    assert made["warm"]
    for warm_pdf, cold_pdf in zip(made["warm"], made["cold"], strict=True):
        assert _objects(warm_pdf) == _objects(cold_pdf), warm_pdf.name


@needs_uno
def test_anslag_sends_its_documents_to_the_converter(
    running: dict[str, Any], tmp_path: Path
) -> None:
    """anslag (and publicera, through the same function) uses a running converter as
    utdrag does; it started a LibreOffice of its own before."""
    before = _converted()
    output = tmp_path / "output"
    i18n.set_language("en")
    try:
        result = CliRunner().invoke(app, ["anslag", str(MEETING), "--output", str(output)])
    finally:
        i18n.set_language(None)
    assert result.exit_code == 0, result.output
    notices = sorted(output.rglob("anslag*.pdf"))
    assert [p.name for p in notices] == ["anslag-omedelbart-2023-12-06.pdf", "anslag.pdf"]
    assert _converted() == before + len(notices)
    assert "Omedelbar justering" in pdftotext(notices[0])
    assert "wrote version 1" in result.output


@needs_uno
def test_status_names_every_worker(running: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["--lang", "en", "converter", "status"])
    i18n.set_language(None)
    assert result.exit_code == 0, result.output
    assert f"converter pid {running['pid']}" in result.output
    for pid in _soffice_pids():
        assert re.search(rf"^\d\s+{pid}\s+(idle|busy)\s+\d+\s+\d+/\d+", result.output, re.M), (
            result.output
        )
    # In Swedish the socket is named as an official understands it, not "uttag" (QA item 18).
    result = CliRunner().invoke(app, ["--lang", "sv", "converter", "status"])
    i18n.set_language(None)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert re.fullmatch(
        rf"konverteraren \(pid {running['pid']}\) har varit igång i \d+:\d\d:\d\d; "
        r"anslutning \(socket\): \S+",
        first,
    ), first


@needs_uno
def test_a_document_libreoffice_cannot_open_is_named_and_the_worker_goes_on(
    running: dict[str, Any], tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    good = docx_with_pages(tmp_path / "in" / "gott.docx", ["Ett gott dokument"], "Gott")
    broken = tmp_path / "in" / "trasigt.docx"
    broken.write_bytes(good.read_bytes()[:3000])  # a cut zip
    converter = warm.client()
    assert converter is not None
    restarts = _restarts()
    i18n.set_language("en")
    try:
        with converter, pytest.raises(ConversionError) as caught:
            converter.convert([broken], tmp_path / "out")
        assert caught.value.message.startswith("trasigt.docx: LibreOffice cannot open this file")
        assert not list((tmp_path / "out").iterdir())  # nothing left behind
        converter = warm.client()
        assert converter is not None
        with converter:
            pdfs = converter.convert([good], tmp_path / "out")
    finally:
        i18n.set_language(None)
    assert "Ett gott dokument" in pdftotext(pdfs[0])
    assert _restarts() == restarts


@needs_uno
def test_a_soffice_killed_in_the_middle_of_a_conversion_is_restarted_and_the_document_retried(
    running: dict[str, Any], tmp_path: Path
) -> None:
    pages = [f"Sida {n} " + "lorem ipsum dolor sit amet " * 60 for n in range(1, 101)]
    big = docx_with_pages(tmp_path / "stort.docx", pages, "Stort")
    restarts = _restarts()
    converter = warm.client()
    assert converter is not None
    outcome: list[object] = []

    def convert() -> None:
        try:
            outcome.append(converter.convert([big], tmp_path / "out"))
        except ConversionError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=convert)
    thread.start()
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline:
        found = warm.status()
        assert found is not None
        victim = next((w["pid"] for w in found["workers"] if w["state"] == "busy"), None)
        time.sleep(0.01)
    assert victim is not None, "no worker took the document"
    os.kill(victim, signal.SIGKILL)
    thread.join(120)
    converter.close()
    assert isinstance(outcome[0], list), outcome
    # Every page there, each with its own text.
    pdf = str(outcome[0][0])
    assert re.search(r"^Pages:\s+100$", run("pdfinfo", pdf), re.M)
    pages = pdftotext(pdf).split("\f")[:100]
    assert [page.split(" lorem")[0] for page in pages] == [f"Sida {n}" for n in range(1, 101)]
    assert _restarts() == restarts + 1
    assert victim not in _soffice_pids()
    # It was killed while converting the document, which was then converted again.
    log = (Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.LOG).read_text("utf-8")
    assert re.search(rf"WARNING worker \d: {re.escape(str(big))}: crash", log), log[-2000:]


@needs_uno
def test_a_stopped_soffice_times_out_is_replaced_and_its_document_succeeds(
    running: dict[str, Any], tmp_path: Path
) -> None:
    victim = _soffice_pids()[0]
    restarts = _restarts()
    (tmp_path / "in").mkdir()
    docs = [
        docx_with_pages(tmp_path / "in" / f"dokument-{n}.docx", [f"Dokument {n}"], f"D{n}")
        for n in range(4)
    ]
    os.kill(victim, signal.SIGSTOP)  # both workers are idle: each takes a document
    try:
        converter = warm.client(doc_timeout=3)
        assert converter is not None
        with converter:
            pdfs = converter.convert(docs, tmp_path / "out")
    finally:
        with contextlib.suppress(ProcessLookupError):  # if the test failed, do not leave it
            os.kill(victim, signal.SIGCONT)
    for n, pdf in enumerate(pdfs):
        assert f"Dokument {n}" in pdftotext(pdf)
    assert _restarts() == restarts + 1
    assert _gone([victim])


#: What a stopped converter leaves in its folder: its lock and its log (and its warm-up
#: document, when it warms up: the converters of the tests below do not).
_KEPT = ("converter.lock", "converter.log")


def _stale_socket(path: Path) -> None:
    """A socket file nobody listens on, as a killed converter leaves it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()


@needs_uno
def test_stale_and_removed_sockets_and_a_killed_converter(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A start gives a converter that holds the lock but does not answer this long (3 s) to
    # answer, in case it is only starting: the one below never answers, whatever the wait.
    monkeypatch.setattr(warm, "_STUCK", 1.0)
    # A socket and pid file from a converter long gone: no converter answers, and a build
    # would use the pool; the next start removes them.
    _stale_socket(folder / runtime.SOCKET)
    (folder / runtime.PID).write_text("999999\n")
    assert warm.client() is None
    first = warm.start(workers=1)
    assert first.started
    first_soffice = _soffice_pids()
    # A running converter whose socket was removed: unreachable; the next start stops it.
    (folder / runtime.SOCKET).unlink()
    assert warm.client() is None
    second = warm.start(workers=1)
    assert second.started and second.pid != first.pid
    assert _gone([first.pid, *first_soffice])
    # A converter killed outright: its watcher kills its soffice; its socket stays behind,
    # stale, and the next start cleans it up.
    second_soffice = _soffice_pids()
    os.kill(second.pid, signal.SIGKILL)
    assert _gone([second.pid, *second_soffice])
    assert (folder / runtime.SOCKET).exists()
    assert warm.client() is None
    third = warm.start(workers=1)
    assert third.started
    converter = warm.client()
    assert converter is not None
    converter.close()
    assert (folder / runtime.SERVED).exists()  # the preloaded avtalsgen's
    assert warm.stop() == third.pid
    # Stopped: no socket is left (served.sock was, before), nor the pid file.
    assert sorted(p.name for p in folder.iterdir()) == [*_KEPT]


def _converters_in(folder: Path) -> list[int]:
    """The pids of converter processes serving ``folder``."""
    found = []
    wanted = f"AVTALSGEN_CONVERTER_DIR={folder}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if b"avtalsgen.conversion.server" in cmdline and wanted in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


@needs_uno
def test_two_starts_at_once_give_one_converter_and_sigterm_stops_every_soffice(
    folder: Path,
) -> None:
    env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="")
    argv = [str(AVTALSGEN), "converter", "start", "--workers", "1"]
    starts = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=180)[0] for proc in starts]
    assert [proc.returncode for proc in starts] == [0, 0], outputs
    pids = {int(m) for out in outputs for m in re.findall(r"pid (\d+)", out)}
    assert len(pids) == 1, outputs
    assert sorted("started" in out for out in outputs) == [False, True], outputs
    assert _converters_in(folder) == list(pids)
    soffice = _soffice_pids()
    assert len(soffice) == 1
    (pid,) = pids
    assert (folder / runtime.SERVED).exists()
    os.kill(pid, signal.SIGTERM)
    assert _gone([pid, *soffice])
    assert sorted(p.name for p in folder.iterdir()) == [*_KEPT]


@needs_uno
def test_ctrl_c_stops_a_converter_in_the_foreground(folder: Path) -> None:
    env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="")
    proc = subprocess.Popen(
        [str(AVTALSGEN), "converter", "start", "--foreground", "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("converter running (pid"), line
    soffice = _soffice_pids()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    assert _gone(soffice)
    assert not (folder / runtime.SOCKET).exists()


@needs_uno
def test_a_worker_is_restarted_after_its_documents_and_above_its_memory(
    folder: Path, tmp_path: Path
) -> None:
    warm.start(workers=1, max_documents=4)
    found = warm.status()
    assert found is not None
    worker = found["workers"][0]
    # Started without its warm-up (see conftest): no document converted yet.
    assert (worker["converted"], worker["restarts"], worker["documents"]) == (0, 0, 0)
    log = (Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.LOG).read_text("utf-8")
    assert f"no warm-up: {runtime.WARM_UP_ENV}=0" in log
    (tmp_path / "in").mkdir()
    docs = [
        docx_with_pages(tmp_path / "in" / f"d{n}.docx", [f"Dokument {n}"], f"D{n}")
        for n in range(7)
    ]
    converter = warm.client()
    assert converter is not None
    with converter:
        converter.convert(docs, tmp_path / "out")
    found = warm.status()
    assert found is not None
    worker = found["workers"][0]
    assert (worker["converted"], worker["restarts"], worker["documents"]) == (7, 1, 3)
    warm.stop()
    # Above its memory: soffice holds well over 50 MB as soon as it runs.
    one = Worker(0, find_soffice(None), uno_python(), max_rss_mb=50)
    try:
        one.start()
        assert one.rss_mb() > 50
        assert one.due()
        one.max_rss_mb = 100_000  # the same soffice, under a limit far above it
        assert not one.due()
    finally:
        one.kill()


@needs_uno
@pytest.mark.skipif(shutil.which("strace") is None, reason="no strace")
def test_a_worker_writes_its_pdf_without_flushing_it_to_disk(tmp_path: Path) -> None:
    """LibreOffice flushed every PDF it exported to disk (fsync), and the worker waited for
    the disk (2-16 ms a document here), for a file avtalsgen writes anew once it has given
    it the Word file's properties. The bridge stores with NoFileSync: strace, attached to
    the worker's real soffice, sees the PDF's file written and never flushed."""
    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    docs = [
        docx_with_pages(tmp_path / "in" / f"d{n}.docx", [f"Dokument {n}"], f"D{n}")
        for n in range(2)
    ]
    worker = Worker(0, find_soffice(None), uno_python())
    trace = tmp_path / "trace.txt"
    try:
        worker.start()
        assert worker.convert(docs[0], out / "d0.pdf", 60) == Outcome(None)  # loads Writer
        argv = ["strace", "-f", "-y", "-e", "trace=fsync,fdatasync,pwrite64,write",
                "-o", str(trace), "-p", str(worker.pid)]  # fmt: skip
        tracer = subprocess.Popen(argv, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 10
            while "attached" not in tracer.stderr.readline().decode():  # type: ignore[union-attr]
                if tracer.poll() is not None or time.monotonic() > deadline:
                    pytest.skip("strace cannot attach to soffice here")
            assert worker.convert(docs[1], out / "d1.pdf", 60) == Outcome(None)
        finally:
            tracer.send_signal(signal.SIGINT)
            tracer.wait(10)
    finally:
        worker.kill()
    assert "Dokument 1" in pdftotext(out / "d1.pdf")
    calls = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    # The PDF is written under a temporary name in its folder, then renamed.
    assert any("write" in call and f"<{out}/" in call for call in calls), calls[:20]
    flushed = [call for call in calls if "sync(" in call and f"<{out}/" in call]
    assert flushed == []


#: A stand-in for a converter that answers on no socket: it holds the folder's lock and
#: writes its pid as the converter does, then waits (ignoring SIGTERM if told to).
_HOLDER = """
import fcntl, os, signal, sys, time
folder = sys.argv[1]
if sys.argv[2] == "stuck":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
fd = os.open(os.path.join(folder, "converter.lock"), os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
with open(os.path.join(folder, "converter.pid"), "w") as f:
    f.write(f"{os.getpid()}\\n")
print("held", flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("kind", ["ends", "stuck"])
def test_stop_waits_on_the_process_and_kills_one_that_does_not_end(folder: Path, kind: str) -> None:
    """warm.stop waited by looking at the lock every 50 ms; it now waits on the process (a
    pidfd): it returns when the process ends, sleeping never, and kills one that has not
    ended after the timeout."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(folder), kind],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"

        def no_sleep(seconds: float) -> None:
            raise AssertionError(f"stop slept {seconds} s")

        # warm's clock as it is, its sleep refused (time.sleep itself is left alone).
        clock = SimpleNamespace(monotonic=time.monotonic, sleep=no_sleep)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(warm, "time", clock)
            started = time.monotonic()
            assert warm.stop(timeout=2.0) == holder.pid
            took = time.monotonic() - started
        # Ended by the SIGTERM (before the timeout), or killed once it had passed.
        expected = -signal.SIGTERM if kind == "ends" else -signal.SIGKILL
        assert holder.wait(5) == expected
        assert kind == "ends" or took >= 2.0, took
        assert warm.stop() is None  # the lock went with the process
    finally:
        holder.kill()
        holder.wait()


def test_no_converter_answers_in_an_empty_or_open_folder(folder: Path) -> None:
    assert warm.client() is None
    assert warm.status() is None
    assert warm.stop() is None
    folder.chmod(0o755)  # open to others: not used, and not started in
    _stale_socket(folder / runtime.SOCKET)
    assert warm.client() is None
    i18n.set_language("en")
    try:
        with pytest.raises(ConversionError, match="nobody else may enter"):
            warm.start(workers=1)
    finally:
        i18n.set_language(None)
        folder.chmod(0o700)


def test_a_python_without_uno_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVTALSGEN_UNO_PYTHON", sys.executable)  # the venv's: no uno
    i18n.set_language("en")
    try:
        with pytest.raises(ConversionError, match="apt-get install python3-uno"):
            uno_python()
    finally:
        i18n.set_language(None)


def _many(tmp_path: Path, count: int, first: int) -> Path:
    """``count`` copies of the seed case with Dnr of their own, with the program file."""
    folder = tmp_path / "cases"
    shutil.copytree(REPO / "cases" / "program", folder / "program")
    text = CASES["RUN-00386-2023"].read_text(encoding="utf-8")
    for index in range(count):
        case = re.sub(r"^dnr: RUN-\d{5}-", f"dnr: RUN-{first + index}-", text, flags=re.M)
        (folder / f"fall-{index}.yaml").write_text(case, encoding="utf-8")
    return folder


def _idle(within: float = 120.0) -> None:
    """Wait until the converter has nothing queued and no worker is busy."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = warm.status()
        assert found is not None
        if not found["queued"] and all(w["state"] == "idle" for w in found["workers"]):
            return
        time.sleep(0.05)
    raise AssertionError("the converter is still busy")


def _served_lines() -> list[str]:
    log = Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.LOG
    return [line for line in log.read_text(encoding="utf-8").splitlines() if " served " in line]


@needs_uno
def test_build_and_utdrag_are_run_by_the_preloaded_avtalsgen(
    running: dict[str, Any], tmp_path: Path
) -> None:
    served = len(_served_lines())
    env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="")
    output = tmp_path / "output"
    build = subprocess.run(
        [str(AVTALSGEN), "build", str(CASES["RUN-00386-2023"]), "--output", "output",
         "--templates", str(REPO / "templates")],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    assert build.stdout.startswith("built  RUN-00386-2023"), build.stdout  # on its own stdout
    assert "RUN-00386-2023" in pdftotext(output / "RUN-00386-2023" / "paket.pdf")
    extracts = subprocess.run(
        [str(AVTALSGEN), "utdrag", str(MEETING), "--output", str(output),
         "--templates", str(REPO / "templates")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert extracts.returncode == 0, extracts.stderr
    assert (output / "RUN-00386-2023" / "protokollsutdrag-211.pdf").is_file()
    failed = subprocess.run(
        [str(AVTALSGEN), "build", "saknas.yaml", "--templates", str(REPO / "templates")],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "saknas.yaml: file not found" in failed.stderr
    lines = _served_lines()[served:]
    assert [line.split(" served ")[1].split()[0] for line in lines] == [
        "build",
        "utdrag",
        "build",
    ], lines


@needs_uno
def test_ctrl_c_reaches_a_served_build_and_a_killed_caller_stops_it(
    running: dict[str, Any], tmp_path: Path
) -> None:
    cases = _many(tmp_path, 12, first=60000)
    env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="")
    for kill in (signal.SIGINT, signal.SIGKILL):
        output = tmp_path / f"output-{kill}"
        proc = subprocess.Popen(
            [str(AVTALSGEN), "build", str(cases), "--output", str(output), "--force",
             "--templates", str(REPO / "templates")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not list(output.glob(".avtalsgen-staging-*/*/*.docx")) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.01)  # rendering
        time.sleep(0.3)  # and converting
        assert proc.poll() is None, "the build is still on"
        proc.send_signal(kill)
        _, stderr = proc.communicate(timeout=60)
        child = int(re.findall(r"\(pid (\d+)\)", _served_lines()[-1])[0])
        assert _gone([child], within=60), "the served build stopped"
        if kill == signal.SIGINT:
            assert proc.returncode == 130, stderr
            assert b"interrupted" in stderr
        assert not list(output.glob(".avtalsgen-staging-*")), "no staging folder is left behind"
        # Nor later, once the workers have finished the documents they were on (issue 19:
        # LibreOffice exported into the removed staging folder and so made it again).
        _idle()
        assert not list(output.glob(".avtalsgen-staging-*")), "no staging folder comes back"
        for folder in output.glob("RUN-*"):
            assert "paket.pdf" in {p.name for p in folder.iterdir()}


@needs_uno
def test_the_preloaded_avtalsgen_refuses_a_caller_with_other_files_or_language(
    running: dict[str, Any],
) -> None:
    from avtalsgen.cli.delegate import PACKAGE

    # What is not a request (code, not a literal; a value of the wrong kind) gets no answer.
    for message in (b"{'argv': __import__('os').system('false')}", b"{'argv': 'build'}", b"[1]"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(str(Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.SERVED))
        socket.send_fds(sock, [message + b"\n"], [0, 1, 2])
        assert sock.makefile("rb").readline() == b""
        sock.close()
    # Its own language is English (the suite's); a caller's is its --lang, else its LANG.
    for package, argv, env, refused in (
        (str(REPO), ["build"], {}, b"other files"),  # another avtalsgen
        (PACKAGE, ["--lang", "sv", "build"], {"LANG": "en_GB.UTF-8"}, b"another language"),
        (PACKAGE, ["build"], {"LANG": "sv_SE.UTF-8"}, b"another language"),
        (PACKAGE, ["build"], {}, b"another language"),  # Swedish when none is set
    ):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(str(Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.SERVED))
        request = {"argv": argv, "cwd": "/", "env": env, "umask": 0o22, "package": package}
        socket.send_fds(sock, [repr(request).encode() + b"\n"], [0, 1, 2])
        assert sock.makefile("rb").readline() == b"refused " + refused + b"\n"
        sock.close()


def _served_pid() -> int:
    """The pid of the running converter's preloaded avtalsgen."""
    sock = str(Path(os.environ["AVTALSGEN_CONVERTER_DIR"]) / runtime.SERVED)
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            if b"avtalsgen.cli.served" in argv and sock.encode() in argv:
                return int(proc.name)
    raise AssertionError("no preloaded avtalsgen runs")


@needs_uno
def test_the_preloaded_avtalsgen_warms_up_with_a_build_and_forks_single_threaded(
    running: dict[str, Any],
) -> None:
    """It built the example case once before it listened (the first-call costs paid once),
    left nothing of that build behind, and has no thread but its own to fork with."""
    folder = Path(os.environ["AVTALSGEN_CONVERTER_DIR"])
    log = (folder / runtime.LOG).read_text(encoding="utf-8")
    assert re.search(r"warmed up in [\d.]+ s by a build of RUN-00386-2023.yaml \(status 0\)",
                     log), log  # fmt: skip
    assert not list(folder.glob("warm-up-*")), "the warm-up's output is removed"
    assert [p.name for p in Path(f"/proc/{_served_pid()}/task").iterdir()] == [
        str(_served_pid())
    ], "one thread"


@needs_uno
def test_the_preloaded_avtalsgen_and_the_workers_run_with_jemalloc(
    running: dict[str, Any],
) -> None:
    """scripts/setup.sh installs jemalloc, and the preloaded avtalsgen and the workers'
    soffice have it loaded in front of glibc's malloc; the converter does not."""
    from avtalsgen.conversion.allocator import jemalloc

    found = jemalloc()
    assert found is not None, "libjemalloc2 is installed (scripts/setup.sh)"

    def maps(pid: int | str) -> str:
        return Path(f"/proc/{pid}/maps").read_text(encoding="utf-8")

    now = warm.status()  # the workers of the moment: the module's tests restart them
    assert now is not None
    assert f"/{found}" in maps(_served_pid())
    assert f"/{found}" not in maps(now["pid"]), "the converter as it was"
    for worker in now["workers"]:
        assert f"/{found}" in maps(worker["pid"]), "the worker's soffice.bin"


def test_an_urgent_document_goes_before_those_waiting() -> None:
    from avtalsgen.conversion.server import Converter

    converter = Converter(1)
    near, far = socket.socketpair()
    try:
        for name, urgent in (("a", False), ("b", False), ("forhandsvisning", True), ("c", False)):
            request = {"op": "convert", "id": name, "docx": f"/x/{name}.docx",
                       "pdf": f"/x/{name}.pdf", "timeout": 5, "urgent": urgent}  # fmt: skip
            converter.serve_request(near, request)
        taken = [converter.take() for _ in range(4)]
        assert [task.id for task in taken if task is not None] == ["forhandsvisning", "a", "b", "c"]
    finally:
        near.close()
        far.close()


def test_why_a_worker_cannot_start_is_told_in_each_clients_language() -> None:
    """A converter started in Swedish answered every later client, an English one too, in
    Swedish ("LibreOffice-bryggan kan inte startas …"): each request now says its client's
    language, and the reason a worker cannot start is given in it."""
    from avtalsgen.conversion.server import Converter

    i18n.set_language("sv")  # whoever started the converter
    converter = Converter(1)
    worker = Worker(0, find_soffice(None), "/finns/inte/python3")
    converter.workers = [worker]
    near, far = socket.socketpair()
    far.settimeout(5)
    try:
        for language in ("en", "sv"):
            request = {"op": "convert", "id": language, "docx": "/x/a.docx", "pdf": "/x/a.pdf",
                       "timeout": 5, "urgent": False, "lang": language}  # fmt: skip
            converter.serve_request(near, request)
            converter.stopping.set()  # no wait between two tries to start it
            assert not converter._start(worker)
            answer = json.loads(far.makefile().readline())
            assert (answer["id"], answer["fault"]) == (language, "start")
            said = {
                "en": "cannot start LibreOffice's bridge (/finns/inte/python3): ",
                "sv": "det går inte att starta LibreOffice:s brygga (/finns/inte/python3): ",
            }
            assert answer["detail"].startswith(said[language]), answer
    finally:
        i18n.set_language(None)
        near.close()
        far.close()


def test_a_document_said_to_be_written_is_sent_at_once_and_once(tmp_path: Path) -> None:
    """written(job) sends the job from the caller's thread (here before its file is even
    there, which the dispatcher waits for); the dispatcher does not send it again."""
    from avtalsgen.conversion.pool import Job

    near, far = socket.socketpair()
    far.settimeout(0.3)
    converter = warm.WarmConverter(near)
    try:
        jobs = [Job("0", tmp_path / f"{name}.docx", tmp_path) for name in ("a", "b")]
        converter.start(jobs)
        converter.written(jobs[0])
        jobs[0].docx.write_bytes(b"PK")
        converter.written(jobs[0])
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := far.recv(65536):
                received += chunk
        sent = [json.loads(line) for line in received.splitlines()]
        assert [Path(request["docx"]).name for request in sent] == ["a.docx"]
        converter.cancel(jobs[1])
    finally:
        converter.stop()
        far.close()


def test_documents_written_without_a_word_are_sent_in_their_order(tmp_path: Path) -> None:
    """The dispatcher sends documents whose files appear (no written()) in the order start
    gave, looking no further than the first not yet there: c, written before b, goes
    after it."""
    from avtalsgen.conversion.pool import Job

    near, far = socket.socketpair()
    far.settimeout(0.3)
    converter = warm.WarmConverter(near)

    def sent() -> list[str]:
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := far.recv(65536):
                received += chunk
        return [Path(json.loads(line)["docx"]).name for line in received.splitlines()]

    try:
        jobs = [Job("0", tmp_path / f"{name}.docx", tmp_path) for name in ("a", "b", "c")]
        converter.start(jobs)
        for job in (jobs[0], jobs[2]):
            job.docx.write_bytes(b"PK")
        assert sent() == ["a.docx"]
        jobs[1].docx.write_bytes(b"PK")
        assert sent() == ["b.docx", "c.docx"]
    finally:
        converter.stop()
        far.close()


def test_a_preview_s_first_document_is_converted_alone_then_the_others(tmp_path: Path) -> None:
    """With first_alone, the documents after the first are sent once it is answered."""
    from avtalsgen.conversion.pool import Job

    near, far = socket.socketpair()
    far.settimeout(0.3)
    converter = warm.WarmConverter(near)
    converter.first_alone = True

    def sent() -> list[dict[str, Any]]:
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := far.recv(65536):
                received += chunk
        return [json.loads(line) for line in received.splitlines()]

    try:
        jobs = [Job("0", tmp_path / f"{name}.docx", tmp_path) for name in ("a", "b")]
        converter.start(jobs)
        for job in jobs:
            job.docx.write_bytes(b"PK")
            converter.written(job)
        first = sent()
        assert [Path(request["docx"]).name for request in first] == ["a.docx"]
        far.sendall(json.dumps({"id": first[0]["id"], "fault": "export"}).encode() + b"\n")
        assert [Path(request["docx"]).name for request in sent()] == ["b.docx"]
    finally:
        converter.stop()
        far.close()


class _ExportingWorker:
    """Exports as LibreOffice does, making the folders of the path it is given (UCB does);
    ``before`` runs while it converts."""

    index = 0

    def __init__(self, before: Callable[[], None] | None = None) -> None:
        self.before = before

    def convert(self, docx: Path, pdf: Path, timeout: float) -> Outcome:
        if self.before is not None:
            self.before()
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(b"%PDF-1.7 " + docx.name.encode())
        return Outcome(None)


def test_a_pdf_is_placed_only_for_a_client_and_in_a_folder_still_there(tmp_path: Path) -> None:
    """A worker exports into the converter's own folder; the PDF is moved to where its
    client asked unless the client went away or its folder did, which is never made again
    (issue 19: a build interrupted by Ctrl-C found its staging folder made again, holding
    a PDF)."""
    from avtalsgen.conversion.server import Converter, _Client, _Task

    exports = tmp_path / "exports"
    exports.mkdir()
    converter = Converter(1, exports)
    staging = tmp_path / "out" / ".avtalsgen-staging-build-x"
    near, far = socket.socketpair()
    try:
        client = _Client(near)
        (staging / "0001").mkdir(parents=True)
        done = tmp_path / "out" / ".avtalsgen-staging-build-x" / "0001" / ".a.1.pdf"
        task = _Task(client, 1, tmp_path / "a.docx", done, 5.0)
        assert converter._convert(cast(Worker, _ExportingWorker()), task).fault is None
        assert done.read_bytes() == b"%PDF-1.7 a.docx"

        def folder_removed() -> None:
            shutil.rmtree(staging)

        # The client still there, its folder removed: the export fails, no folder is made.
        task = _Task(client, 2, tmp_path / "b.docx", staging / "0002" / ".b.2.pdf", 5.0)
        outcome = converter._convert(cast(Worker, _ExportingWorker(folder_removed)), task)
        assert outcome.fault == "export" and str(task.pdf) in outcome.detail
        assert not staging.exists()

        def interrupted() -> None:  # Ctrl-C: the client goes, with its staging folder
            (staging / "0003").mkdir(parents=True)
            client.closed = True
            shutil.rmtree(staging)

        task = _Task(client, 3, tmp_path / "c.docx", staging / "0003" / ".c.3.pdf", 5.0)
        converter._convert(cast(Worker, _ExportingWorker(interrupted)), task)
        assert not staging.exists(), "no folder is made for a client that went away"
        assert list(exports.iterdir()) == [], "nor is anything left in the converter's"
    finally:
        near.close()
        far.close()


@needs_uno
def test_serve_stopped_by_sigterm_stops_the_converter_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn raises SIGTERM again after its shutdown: serve must still stop its converter.
    The converter serve starts runs at the builds' lower CPU priority, with as many workers
    as serve's --jobs says."""
    from avtalsgen.conversion import warm
    from avtalsgen.web.config import BUILD_NICENESS

    folder = tmp_path / "conv"
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [str(AVTALSGEN), "serve", "--cases", str(tmp_path / "cases"),
         "--output", str(tmp_path / "output"), "--data", str(tmp_path / "data"),
         "--port", str(port), "--jobs", "1"],
        env={**os.environ, "AVTALSGEN_CONVERTER_DIR": str(folder)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the converter up, then the server listening
            with socket.socket() as client:
                if _converters_in(folder) and client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        converters = _converters_in(folder)
        assert converters, "serve started a converter"
        monkeypatch.setenv("AVTALSGEN_CONVERTER_DIR", str(folder))
        state = warm.status()
        assert state is not None and len(state["workers"]) == 1, state  # --jobs 1
        # At a lower CPU priority than the pages (its LibreOffice inherits it).
        lower = min(os.getpriority(os.PRIO_PROCESS, proc.pid) + BUILD_NICENESS, 19)
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in converters] == [
            lower for _ in converters
        ]
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM, stderr
        assert _gone(converters, within=60), "the converter stopped with serve"
        assert not _converters_in(folder)
    finally:  # nothing of this test outlives it, whatever failed
        if proc.poll() is None:
            proc.kill()
        for pid in _converters_in(folder):
            os.kill(pid, signal.SIGTERM)
