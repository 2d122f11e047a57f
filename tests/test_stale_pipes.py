"""The IPC sockets of a soffice killed with SIGKILL are removed when a converter or pool
starts (hundreds had piled up in /tmp); only this user's sockets of avtalsgen's names, and
only those no process listens on."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from avtalsgen.conversion import stalepipes
from avtalsgen.conversion.convert import LibreOfficeConverter
from avtalsgen.conversion.pool import ConversionPool, Done, Job
from avtalsgen.conversion.soffice import find_soffice, launcher, soffice_env
from avtalsgen.conversion.stalepipes import MIN_AGE, bound_paths, remove_stale_pipes
from avtalsgen.errors import ConversionError

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")

#: A name of this process's own, of the form the warm converter's bridge gives its pipes.
TAG = f"avtalsgen-{os.getpid()}-{{}}-{secrets.token_hex(8)}"


def _aged(path: Path) -> None:
    """Make the socket file look as old as a stale one may be (the probe leaves younger
    ones: a soffice may have bound its socket and not listen yet)."""
    then = time.time() - MIN_AGE - 60
    os.utime(path, (then, then), follow_symlinks=False)


def _ipc_of(profile_url: str) -> Path:
    """The IPC socket LibreOffice names by the profile (see test_convert._ipc_pipe)."""
    import hashlib

    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_" + "".join(f"{b:x}" for b in digest))


@pytest.mark.libreoffice
@needs_soffice
def test_the_sockets_of_a_killed_soffice_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    pipe = TAG.format(0)
    argv = [launcher(find_soffice(None)), f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nologo", "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]  # fmt: skip
    left = [Path(f"/tmp/OSL_PIPE_{os.getuid()}_{pipe}"), _ipc_of(profile.as_uri())]
    proc = subprocess.Popen(
        argv, env=soffice_env(tmp_path), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    live = socket.socket(socket.AF_UNIX)  # one of ours that a process listens on
    live_path = Path(f"/tmp/OSL_PIPE_{os.getuid()}_{TAG.format(1)}")
    other = Path(f"/tmp/OSL_PIPE_{os.getuid()}_someone-else-{secrets.token_hex(8)}")
    foreign = Path(f"/tmp/OSL_PIPE_{os.getuid()}_{TAG.format(2)}")  # another user's
    try:
        deadline = time.monotonic() + 60
        while not all(path.exists() for path in left) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(path.exists() for path in left), "soffice made no pipes"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        while {str(path) for path in left} & bound_paths() and time.monotonic() < deadline:
            time.sleep(0.05)  # soffice.bin, the launcher's child, ends a moment later
        assert all(path.exists() for path in left), "SIGKILL leaves them"
        live.bind(str(live_path))
        live.listen()
        for path in (other, foreign):  # bound, then closed: stale, as the killed soffice's
            with socket.socket(socket.AF_UNIX) as gone:
                gone.bind(str(path))
        os.chown(foreign, 65534, 65534)
        for path in (*left, live_path, other, foreign):
            _aged(path)
        young = Path(f"/tmp/OSL_PIPE_{os.getuid()}_{TAG.format(3)}")
        with socket.socket(socket.AF_UNIX) as gone:
            gone.bind(str(young))  # stale, but just made: left for a later start

        removed = remove_stale_pipes()
        assert set(left) <= set(removed)
        assert not any(path.exists() for path in left)
        assert live_path.exists() and other.exists() and foreign.exists() and young.exists()
        assert not {live_path, other, foreign, young} & set(removed)
    finally:
        live.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        for path in (
            *left,
            live_path,
            other,
            foreign,
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{TAG.format(3)}"),
        ):
            path.unlink(missing_ok=True)


def test_a_pool_or_a_converter_start_removes_them_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the background (a start does not wait for it), the first start of a process."""
    import threading

    calls: list[str] = []
    monkeypatch.setattr(stalepipes, "_started", False)
    monkeypatch.setattr(stalepipes, "remove_stale_pipes", lambda: calls.append("removed"))
    soffice = tmp_path / "soffice"  # writes no PDF, as soffice with a file not there
    soffice.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    soffice.chmod(0o755)
    job = Job("x", tmp_path / "beslutsforslag.docx", tmp_path)
    done: list[Done] = []
    ConversionPool(1, soffice=str(soffice), start_timeout=0.5).run([job], done.append)
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"PK")
    with pytest.raises(ConversionError):
        LibreOfficeConverter(soffice=str(soffice)).convert([docx], tmp_path / "out")
    for thread in threading.enumerate():
        if thread.name == "stale-pipes":
            thread.join(10)
    assert calls == ["removed"]
