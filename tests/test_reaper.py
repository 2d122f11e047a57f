"""The watcher removes the work folders of an avtalsgen that was killed: those of a running
soffice, and those made (reaper.make_folder) before a soffice starts in them or after it
is done."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from avtalsgen.conversion import reaper

#: Makes two work folders in the folder given, removes the second, says where the first is
#: and waits to be killed.
_KILLED = """
import sys, time
from pathlib import Path
from avtalsgen.conversion import reaper
parent = sys.argv[1]
first = reaper.make_folder("avtalsgen-lo-", parent)
(first / "profile").mkdir()
(first / "profile" / "registrymodifications.xcu").write_text("half-written")
second = reaper.make_folder("avtalsgen-lo-", parent)
reaper.remove_folder(second)
print(first, flush=True)
time.sleep(300)
"""


def _gone(path: Path, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds  # a loaded machine takes its time; nothing is timed
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_a_killed_process_leaves_no_work_folder(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        first = Path(proc.stdout.readline().strip())
        assert first.parent == tmp_path and first.name.startswith("avtalsgen-lo-")
        assert (first / "profile" / "registrymodifications.xcu").is_file()
        assert oct(first.stat().st_mode & 0o777) == "0o700"
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # no clean-up of its own runs
        proc.wait()
    assert _gone(first), "the watcher removed the folder of the killed process"
    assert list(tmp_path.iterdir()) == []


def test_a_work_folder_is_removed_on_the_way_out_and_a_taken_name_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with reaper.work_folder("avtalsgen-x-", str(tmp_path)) as folder:
        assert folder.is_dir() and folder.parent == tmp_path
        (folder / "file").write_text("x")
    assert not folder.exists()
    taken = tmp_path / "avtalsgen-y-000000000000"
    taken.mkdir()
    (taken / "theirs").write_text("kept")
    names = iter(["000000000000", "111111111111"])
    monkeypatch.setattr(secrets, "token_hex", lambda _n: next(names))
    made = reaper.make_folder("avtalsgen-y-", str(tmp_path))
    assert made.name == "avtalsgen-y-111111111111"
    reaper.remove_folder(made)
    assert (taken / "theirs").read_text() == "kept"
