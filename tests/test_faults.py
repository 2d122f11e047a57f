"""Faults of the machine: a full disk while building and while signing."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CASES, REPO
from typer.testing import CliRunner

from avtalsgen.cli.app import app

runner = CliRunner()
pytestmark = pytest.mark.libreoffice


@contextlib.contextmanager
def small_disk(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` (needs root; the test is skipped without)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


# The disk fills up while the Word files are written, while LibreOffice writes the PDFs,
# and while the packet is written (the seed's documents take about 30 kB, 240 kB, 420 kB).
@pytest.mark.parametrize("size", ["24k", "150k", "300k"])
def test_a_full_disk_fails_the_build_cleanly(tmp_path: Path, size: str) -> None:
    with small_disk(tmp_path / "disk", size) as disk:
        output = disk / "output"
        result = runner.invoke(
            app,
            ["build", str(CASES["RUN-00386-2023"]), "--output", str(output),
             "--templates", str(REPO / "templates")],
        )  # fmt: skip
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.output
        assert [p for p in output.rglob("*") if p.is_file()] == [], "nothing half-written"


def test_a_full_disk_while_signing_leaves_the_packet_as_it_was(built: Path, tmp_path: Path) -> None:
    packet = built / "RUN-00386-2023" / "paket.pdf"
    size = packet.stat().st_size
    with small_disk(tmp_path / "disk", f"{size + 16 * 1024}") as disk:
        copy = disk / "paket.pdf"
        shutil.copy(packet, copy)
        before = hashlib.sha256(copy.read_bytes()).hexdigest()
        # Signed with the test process's DEMO key (conftest's XDG_DATA_HOME).
        result = runner.invoke(app, ["sign", str(copy), "--field", "region"])
        assert result.exit_code == 1, result.output
        assert "No space left on device" in result.stderr or "space" in result.stderr
        assert "Traceback" not in result.output
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
        assert sorted(p.name for p in disk.iterdir()) == ["paket.pdf"]
