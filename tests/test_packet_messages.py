"""A packet that fails its PDF/A-2b check is named as the user will look for it (the
output folder's paket.pdf, not the build's staging folder), with the documents its pages
come from; a document refused by the packet is named so too."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, needs_soffice
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.pdf import pdfa

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

CASE = REPO / "cases" / "RUN-00386-2023.yaml"
#: What a template's review comment used to bring into the beslutsförslag (2bde2e0): an
#: annotation without an appearance, which only the packet's checks look for.
PROBLEM = "sida 3, Text-anteckning: inget normalt utseende (/AP /N)"


def _build_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: int) -> tuple[Path, str]:
    """Build the seed case with the annotation problem in every PDF of ``pages`` pages."""
    real = pdfa._annotation_problems

    def problems(pdf: pikepdf.Pdf) -> list[str]:
        return [PROBLEM] if len(pdf.pages) == pages else real(pdf)

    monkeypatch.setattr(pdfa, "_annotation_problems", problems)
    output = tmp_path / "output"
    i18n.set_language("sv")
    result = CliRunner().invoke(app, ["build", str(CASE), "--output", str(output)])
    assert result.exit_code == 1, result.output
    assert "staging" not in result.output and ".avtalsgen" not in result.output
    assert not (output / "RUN-00386-2023" / "paket.pdf").exists()
    return output / "RUN-00386-2023", result.output


@needs_soffice
def test_a_packet_failing_pdfa_is_named_by_its_output_file_and_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, said = _build_failing(tmp_path, monkeypatch, 10)
    assert (
        f"{folder / 'paket.pdf'}: paketet uppfyller inte PDF/A-2b: {PROBLEM} (paketets sidor: "
        "1 innehållsförteckningen, 2–5 beslutsforslag.pdf, 6–10 samarbetsavtal.pdf)"
    ) in said


@needs_soffice
def test_a_document_the_packet_refuses_is_named_by_its_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, said = _build_failing(tmp_path, monkeypatch, 4)
    assert f"{folder / 'beslutsforslag.pdf'} (dokument): {PROBLEM}\n" in said
