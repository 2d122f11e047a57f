"""Every command that writes into a case's output folder, with signed files in it: none
replaces or removes a signed one. The packet signed, then: build --force from the same
inputs, the meeting's extracts made and one certified, utdrag and anslag again, expediera
and publicera, a batch of every case with --force (the packet a new version beside the
signed one, since it now holds the extract), and an agreement signed on its own in another
program beside the new, unsigned packet: the build that would make it anew stops, nothing
written."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import fold
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen.cli.app import app

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DNR = "RUN-00386-2023"
MEETING = "exempel-run-2023-12-05.yaml"
runner = CliRunner()


def _run(*argv: str) -> tuple[int, str]:
    result = runner.invoke(app, list(argv))
    return result.exit_code, fold(result.output)


def _signed(folder: Path) -> dict[str, str]:
    """The signed PDFs of ``folder`` (a signature's byte range in them), with their SHA-256."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.glob("*.pdf"))
        if b"/ByteRange" in path.read_bytes()
    }


def _sign_elsewhere(pdf: Path) -> None:
    """Sign ``pdf`` in a field of its own, as another program would (pyHanko, the DEMO
    signer's key), in place."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer

    signer_files = ensure_demo_signer(ensure_demo_pki(), "Firmatecknare")
    signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        signer_files.pkcs12, passphrase=signer_files.passphrase
    )
    assert signer is not None
    with pdf.open("rb") as stream:
        writer = IncrementalPdfFileWriter(stream, strict=False)
        fields.append_signature_field(writer, fields.SigFieldSpec("Extern"))
        signed = signers.sign_pdf(
            writer, signers.PdfSignatureMetadata(field_name="Extern"), signer=signer
        )
    pdf.write_bytes(signed.getvalue())


@pytest.mark.libreoffice
def test_no_command_replaces_a_signed_file(
    tmp_path: Path, session_converter: Path, english: None
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    cases, output = tmp_path / "cases", tmp_path / "output"
    shutil.copytree(REPO / "cases", cases)
    case = cases / "RUN-00386-2023.yaml"
    meeting = cases / "sammantraden" / MEETING
    folder = output / DNR
    build = ("build", str(case), "--output", str(output), "--templates", str(TEMPLATES))
    with converter_in(session_converter):
        assert _run(*build)[0] == 0
        code, said = _run("sign", str(folder / "paket.pdf"), "--field", "region", "--ofullstandig")
        assert code == 0, said
        kept = _signed(folder)
        assert list(kept) == ["paket.pdf"]
        # The same inputs, forced: nothing is made again beside the signed packet.
        code, said = _run(*build, "--force")
        assert code == 0 and "up to date" in said, said
        assert _signed(folder) == kept and not (folder / "paket-v2.pdf").exists()
        # The meeting's extracts, one certified; utdrag and anslag again.
        code, said = _run("utdrag", str(meeting), "--output", str(output),
                          "--templates", str(TEMPLATES))  # fmt: skip
        assert code == 0, said
        extract = folder / "protokollsutdrag-211.pdf"
        code, said = _run("sign", str(extract), "--field", "utdragsbestyrkande")
        assert code == 0, said
        kept = _signed(folder)
        assert list(kept) == ["paket.pdf", "protokollsutdrag-211.pdf"]
        for command in ("utdrag", "anslag"):
            _run(command, str(meeting), "--output", str(output), "--templates", str(TEMPLATES))
            assert _signed(folder) == kept, command
        # Expediting the certified § 211 (the shipped program gives its recipients no
        # address: each listed) and the versions to publish, outside the case's folder.
        code, said = _run("expediera", str(meeting), "--paragraf", "211", "--output", str(output))
        assert code == 0 and "§ 211 RUN-00386-2023 (version 1)" in said, said
        assert _signed(folder) == kept
        code, said = _run("publicera", str(meeting), "--output", str(output),
                          "--templates", str(TEMPLATES))  # fmt: skip
        assert code == 0 and list((output / "webb").rglob("*.pdf")), said
        assert _signed(folder) == kept
        # A batch of every case, forced: the packet now holds the certified extract, so a
        # new version; the signed one and the certified extract stay.
        code, said = _run("build", str(cases), "--output", str(output),
                          "--templates", str(TEMPLATES), "--jobs", "2", "--force")  # fmt: skip
        assert code == 0, said
        assert _signed(folder) == kept
        assert (folder / "paket-v2.pdf").is_file()
        # The agreement beside the new, unsigned packet signed in another program: a build
        # that would make it anew stops, and writes nothing.
        agreement = folder / "samarbetsavtal-v2.pdf"
        _sign_elsewhere(agreement)
        kept = _signed(folder)
        assert "samarbetsavtal-v2.pdf" in kept
        files = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
        text = case.read_text(encoding="utf-8")
        case.write_text(text.replace("handlaggare: null", "handlaggare: Anna Exempel"), "utf-8")
        code, said = _run(*build)
    assert code == 1 and "Traceback" not in said
    assert (
        f"{agreement} is signed, and this build would make it anew; a signed document is "
        "never replaced or removed: move it out of the output folder (it is kept as signed "
        "there) and build again"
    ) in said, said
    assert _signed(folder) == kept
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == files
