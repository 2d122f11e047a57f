"""`avtalsgen status` names the documents beside an unsigned packet that the case's decisions
no longer call for (a build removes them; until then they contradict the decisions)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO
from typer.testing import CliRunner

from avtalsgen.build.status import case_status
from avtalsgen.cli.app import app

TEMPLATES = REPO / "templates"
REJECTED = "exempel-matkluster.yaml"  # RUN-90003-2024, rejected 2024-12-10 § 195


def _pdf(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(path)


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, Path]:
    """The repository's cases and an output folder as a build before the rejection (or an
    avtalsgen from before builds removed such documents) left it: the agreement beside an
    unsigned packet."""
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "cases", cases)
    output = tmp_path / "output"
    for name in ("beslutsforslag.pdf", "samarbetsavtal.pdf", "paket.pdf"):
        _pdf(output / "RUN-90003-2024" / name)
    return cases, output


def test_status_names_an_agreement_left_beside_the_packet_of_a_rejected_case(
    folder: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """status said only "documents out of date" of a rejected case whose folder still held
    the agreement of its draft packet, which contradicts the avslag until the next build."""
    cases, output = folder
    [status] = case_status([cases / REJECTED], output, TEMPLATES)
    assert status.utfall is not None and status.utfall.value == "avslag"
    told = [line for line in status.saknas if "no longer call for" in line]
    assert told == [
        "RUN-90003-2024/samarbetsavtal.pdf: the case's decisions no longer call for it, and it "
        f"contradicts them until the next build removes it (avtalsgen build {cases / REJECTED})"
    ]
    monkeypatch.chdir(cases.parent)
    result = CliRunner().invoke(
        app,
        ["--lang", "sv", "status", f"cases/{REJECTED}", "--output", "output",
         "--templates", str(TEMPLATES)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "  saknas: output/RUN-90003-2024/samarbetsavtal.pdf: ärendets beslut kräver den inte "
        "längre, "
        "och den motsäger dem tills nästa bygge tar bort den (avtalsgen build "
        f"cases/{REJECTED}"
    ) in result.stdout


def test_the_documents_beside_a_signed_packet_are_its_own(
    folder: tuple[Path, Path],
) -> None:
    """A signed packet's documents stay beside it whatever is decided later: not named."""
    cases, output = folder
    packet = output / "RUN-90003-2024" / "paket.pdf"
    packet.write_bytes(packet.read_bytes() + b"\n/ByteRange [0 10 20 30]\n")
    [status] = case_status([cases / REJECTED], output, TEMPLATES)
    assert not [line for line in status.saknas if "no longer call for" in line]
    (output / "RUN-90003-2024" / "samarbetsavtal.pdf").unlink()
    _pdf(output / "RUN-90003-2024" / "paket.pdf")
    [status] = case_status([cases / REJECTED], output, TEMPLATES)
    assert not [line for line in status.saknas if "no longer call for" in line]
