"""Faults of the machine: a full disk while building and while signing.

The full disk is a real one: a small tmpfs, mounted in a mount namespace of the command's
own (``unshare --mount``, private propagation), so that the machine's own mounts are never
touched and the disk goes away with the command. The command (the real ``avtalsgen``, in a
process of its own) and the look at what it left on the disk both run inside it. Where a
namespace or a tmpfs may not be made (no ``unshare``, no CAP_SYS_ADMIN) the tests are
skipped, saying so.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CASES, REPO

pytestmark = pytest.mark.libreoffice

AVTALSGEN = Path(sys.executable).with_name("avtalsgen")

#: Run inside the namespace: mount the tmpfs, copy the files in, run the command, and tell
#: (as JSON) what it said and what the disk holds afterwards, each file with its SHA-256.
_ON_THE_DISK = """
import hashlib, json, shutil, subprocess, sys
from pathlib import Path
size, disk, copies, argv = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4:]
mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)],
                         capture_output=True, text=True)
if mounted.returncode != 0:
    print(json.dumps({"skip": mounted.stderr.strip() or f"mount exited {mounted.returncode}"}))
    sys.exit(0)
for source, name in copies:
    shutil.copy(source, disk / name)
done = subprocess.run(argv, capture_output=True, text=True)
files = {str(p.relative_to(disk)): hashlib.sha256(p.read_bytes()).hexdigest()
         for p in sorted(disk.rglob("*")) if p.is_file()}
print(json.dumps({"exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "files": files}))
"""


@dataclass(frozen=True)
class Outcome:
    """What a command did on the small disk."""

    exit_code: int
    stdout: str
    stderr: str
    files: dict[str, str]
    """Every file on the disk afterwards, relative to it, with its SHA-256."""


def on_a_small_disk(
    disk: Path, size: str, argv: list[str], copies: tuple[tuple[Path, str], ...] = ()
) -> Outcome:
    """Run ``avtalsgen argv`` with a tmpfs of ``size`` on the folder ``disk`` (made here,
    empty) in a mount namespace of its own, the files ``copies`` (source, name) copied onto
    the disk first. Skips the test where the namespace or the tmpfs cannot be made."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("a full disk needs unshare (util-linux) for a mount namespace of its own")
    disk.mkdir()
    pairs = json.dumps([[str(source), name] for source, name in copies])
    done = subprocess.run(
        [unshare, "--mount", "--propagation", "private", "--",
         sys.executable, "-c", _ON_THE_DISK, size, str(disk), pairs, str(AVTALSGEN), *argv],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0 and not done.stdout.strip():
        pytest.skip(
            "cannot make a mount namespace of its own here for a small tmpfs (unshare "
            f"--mount needs CAP_SYS_ADMIN): {done.stderr.strip()}"
        )
    found = json.loads(done.stdout)
    if "skip" in found:
        pytest.skip(f"cannot mount a tmpfs in a mount namespace of its own: {found['skip']}")
    assert not any(disk.iterdir()), "the tmpfs was the namespace's: here the folder is empty"
    return Outcome(found["exit"], found["stdout"], found["stderr"], found["files"])


# The disk fills up while the Word files are written, while LibreOffice writes the PDFs,
# and while the packet is written (the seed's documents take about 30 kB, 240 kB, 420 kB).
@pytest.mark.parametrize("size", ["24k", "150k", "300k"])
def test_a_full_disk_fails_the_build_cleanly(tmp_path: Path, size: str) -> None:
    disk = tmp_path / "disk"
    argv = ["build", str(CASES["RUN-00386-2023"]), "--output", str(disk / "output"),
            "--templates", str(REPO / "templates")]  # fmt: skip
    outcome = on_a_small_disk(disk, size, argv)
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    # Wherever it filled, one message: the case's folder, the disk full, what to do (it
    # named a file in the staging folder, in the C library's English, and said nothing
    # to do).
    assert outcome.stderr.splitlines() == [
        f"{disk}/output/RUN-00386-2023/: the case's documents cannot be written: the disk is "
        "full; free some space and build again"
    ]
    assert outcome.files == {}, "nothing half-written"


def test_a_full_disk_while_signing_leaves_the_packet_as_it_was(built: Path, tmp_path: Path) -> None:
    packet = built / "RUN-00386-2023" / "paket.pdf"
    size = packet.stat().st_size
    before = hashlib.sha256(packet.read_bytes()).hexdigest()
    disk = tmp_path / "disk"
    # Signed with the test process's DEMO key (conftest's XDG_DATA_HOME).
    argv = ["sign", str(disk / "paket.pdf"), "--field", "region", "--ofullstandig"]
    outcome = on_a_small_disk(disk, f"{size + 16 * 1024}", argv, ((packet, "paket.pdf"),))
    assert outcome.exit_code == 1, outcome.stdout + outcome.stderr
    assert "No space left on device" in outcome.stderr or "space" in outcome.stderr
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert outcome.files == {"paket.pdf": before}
