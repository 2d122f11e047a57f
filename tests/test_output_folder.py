"""Every command that writes into the output folder goes through its owner: build, utdrag and
sign take its lock, leave no staging behind, stop cleanly on SIGTERM, and give files the
mode of the user's umask (issue 13, faults 1 and 2)."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice, run_cli

from avtalsgen.build.workspace import Workspace

#: The avtalsgen command. Not `python -m avtalsgen.cli`: an interrupt that passes through
#: exec() of a string (dataclasses make their methods so) makes CPython end a `-m` run
#: by SIGINT (status -2) even after the command exited with 130; the command does not.
AVTALSGEN = Path(sys.executable).with_name("avtalsgen")

MEETING = REPO / "cases" / "sammantraden" / "exempel-run-2023-12-05.yaml"


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """An output folder whose lock another command holds: an open file of its own holds it
    (flock's locks belong to the open file), so a command run in this process waits for it
    as for another process's."""
    output = tmp_path / "output"
    output.mkdir()
    handle = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield output
    finally:
        os.close(handle)


WAIT = {"AVTALSGEN_LOCK_WAIT": "0.3"}
BUSY = "another avtalsgen command is writing here (waited 0.3 s); run this one again"


def test_utdrag_takes_the_lock(locked: Path) -> None:
    result = run_cli("utdrag", str(MEETING), "--output", str(locked),
                     "--templates", str(REPO / "templates"), env=WAIT)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{locked}: {BUSY}" in result.stderr
    assert "waiting up to 0.3 s" in result.stderr
    assert list(locked.iterdir()) == [], "it wrote nothing"


def test_sign_takes_the_lock(locked: Path, tmp_path: Path) -> None:
    folder = locked / "RUN-00386-2023"
    folder.mkdir()
    packet = folder / "paket.pdf"
    packet.write_bytes(b"%PDF-1.7 as built\n")
    p12 = tmp_path / "nyckel.p12"
    p12.write_bytes(b"not read before the lock is held")
    result = run_cli("sign", str(packet), "--field", "region", "--p12", str(p12),
                     env={**WAIT, "AVTALSGEN_P12_PASSPHRASE": "x"})  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{locked}: {BUSY}" in result.stderr
    assert packet.read_bytes() == b"%PDF-1.7 as built\n"
    assert sorted(p.name for p in locked.iterdir()) == ["RUN-00386-2023"]


def test_build_takes_the_lock(locked: Path) -> None:
    result = run_cli("build", str(REPO / "cases" / "RUN-00386-2023.yaml"),
                     "--output", str(locked), "--templates", str(REPO / "templates"),
                     env=WAIT)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{locked}: {BUSY}" in result.stderr
    assert list(locked.iterdir()) == []


def _soffice_of(tmp: Path) -> bool:
    found = subprocess.run(["pgrep", "-f", str(tmp)], capture_output=True, check=False)
    return found.stdout != b""


def _soffice_gone(tmp: Path) -> bool:
    """Whether every soffice of ``tmp`` is gone within 30 s: one killed as the command ends
    takes a moment to die on a loaded machine (nothing here is timed)."""
    deadline = time.monotonic() + 30
    while _soffice_of(tmp) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _soffice_of(tmp)


@needs_soffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_utdrag_stops_cleanly_on_a_signal(tmp_path: Path, signum: int) -> None:
    output, tmp = tmp_path / "output", tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        [str(AVTALSGEN), "--lang", "en", "utdrag", str(MEETING),
         "--output", str(output), "--templates", str(REPO / "templates")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    )  # fmt: skip
    workspace = Workspace(output)
    deadline = time.monotonic() + 30
    while not _soffice_of(tmp) and time.monotonic() < deadline:
        time.sleep(0.05)  # until LibreOffice converts the extracts
    assert workspace.staging_folders(), "it works in a staging folder"
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    assert workspace.staging_folders() == [], "no staging folder is left"
    assert not list(output.glob("RUN-*/*")), "no extract is half in place"
    assert _soffice_gone(tmp), "no soffice outlives it"


@needs_soffice
@pytest.mark.libreoffice
def test_a_killed_utdrag_leaves_staging_that_the_next_command_removes(tmp_path: Path) -> None:
    output, tmp = tmp_path / "output", tmp_path / "tmp"
    tmp.mkdir()
    argv = [sys.executable, "-m", "avtalsgen.cli", "--lang", "en", "utdrag", str(MEETING),
            "--output", str(output), "--templates", str(REPO / "templates")]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "TMPDIR": str(tmp)})  # fmt: skip
    deadline = time.monotonic() + 30
    while not _soffice_of(tmp) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()  # SIGKILL: nothing of its own clean-up runs
    proc.wait()
    workspace = Workspace(output)
    stale = workspace.staging_folders()
    assert stale, "a killed command leaves its staging folder"
    # Any command that writes here removes it: sign (of a packet that is not there) too.
    result = run_cli("sign", str(output / "RUN-00386-2023" / "paket.pdf"), "--field", "region",
                     "--p12", str(tmp_path / "none.p12"),
                     env={"AVTALSGEN_P12_PASSPHRASE": "x"})  # fmt: skip
    assert result.returncode == 1
    assert workspace.staging_folders() == []


@needs_soffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("mask", [0o002, 0o022])
def test_outputs_and_the_signed_packet_have_the_mode_of_the_umask(
    built: Path, tmp_path: Path, mask: int
) -> None:
    output = tmp_path / "output"
    shutil.copytree(built / "RUN-00386-2023", output / "RUN-00386-2023")
    packet = output / "RUN-00386-2023" / "paket.pdf"
    packet.chmod(0o666 & ~mask)
    before = os.umask(mask)
    try:
        # With the session's demo PKI (conftest's XDG_DATA_HOME).
        result = run_cli("sign", str(packet), "--field", "region", "--ofullstandig")
    finally:
        os.umask(before)
    assert result.returncode == 0, result.stderr
    assert packet.stat().st_mode & 0o777 == 0o666 & ~mask, "the registrar can still read it"
    manifest = output / "RUN-00386-2023" / "manifest.json"
    assert manifest.stat().st_mode & 0o777 == 0o666 & ~mask
    assert Workspace(output).staging_folders() == []
