"""sign refuses a packet whose case's documents are out of date, as status says of them
(found by qa14: build, utdrag, sign, in the README's order, signed paket.pdf, and the next
build made paket-v2.pdf, which had to be signed again): it says what to run first, in
Swedish, exit 1, nothing signed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, fold, run_cli
from warm_converter import converter_in

DNR = "RUN-00386-2023"


def test_sign_refuses_a_packet_whose_documents_are_out_of_date(
    cases: Path, built: Path, session_converter: Path
) -> None:
    output = cases.parent / "output"
    case = cases / f"{DNR}.yaml"
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    templates = str(REPO / "templates")
    # The seed as built from these inputs (the session's build): up to date.
    shutil.copytree(built / DNR, output / DNR)
    common = ("--output", str(output), "--templates", templates)
    made = run_cli("build", str(case), *common, lang="sv")
    assert made.returncode == 0 and "oförändrat" in made.stdout, made.stdout + made.stderr
    with converter_in(session_converter):  # then the extract of § 211, as the README goes on
        extract = run_cli("utdrag", str(meeting), "--paragraf", "211", *common, lang="sv")
    assert extract.returncode == 0, extract.stderr
    (found,) = json.loads(run_cli("status", str(case), *common[:2], "--json", lang="sv").stdout)
    stale = (
        "handlingarna är inaktuella: sedan de byggdes har protokollsutdraget "
        f"protokollsutdrag-211.pdf tillkommit (avtalsgen build {case} --output {output})"
    )
    assert stale in found["saknas"]
    packet = output / DNR / "paket.pdf"
    before = {path.name: path.read_bytes() for path in packet.parent.iterdir()}
    signed = run_cli("sign", str(packet), "--field", "region", "--ofullstandig", lang="sv")
    assert signed.returncode == 1
    assert signed.stdout == ""
    assert fold(signed.stderr) == fold(
        f"{packet}: {stale}: nästa bygge gör en ny version av paketet, och en underskrift på "
        "det här skulle behöva göras om. Bygg först och underteckna sedan paketet som bygget "
        "gör. Inget har signerats."
    )
    assert "Traceback" not in signed.stderr
    assert {path.name: path.read_bytes() for path in packet.parent.iterdir()} == before


def test_sign_takes_a_partly_signed_packet_the_next_build_keeps(
    cases: Path, built: Path, session_converter: Path
) -> None:
    """A packet signed by the region, its extract certified since and a comment added to the
    case file: the next build keeps the packet as it is ('oförändrat', no new version), so
    the actor signs it; sign refused it, saying the next build would make a new version."""
    from avtalsgen.build.superseded import refuse_unsignable
    from avtalsgen.build.workspace import CaseFolder

    output = cases.parent / "output"
    case = cases / f"{DNR}.yaml"
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    common = ("--output", str(output), "--templates", str(REPO / "templates"))
    shutil.copytree(built / DNR, output / DNR)
    with converter_in(session_converter):  # the packet made with the extract of § 211
        made = run_cli("utdrag", str(meeting), "--paragraf", "211", *common, lang="sv")
        assert made.returncode == 0, made.stderr
        made = run_cli("build", str(case), *common, lang="sv")
        assert made.returncode == 0, made.stdout + made.stderr
    folder = CaseFolder(output / DNR)
    packet = folder.newest_packet()
    assert packet is not None
    signed = run_cli("sign", str(packet), "--field", "region", "--ofullstandig", lang="sv")
    assert signed.returncode == 0, signed.stderr
    extract = output / DNR / "protokollsutdrag-211.pdf"
    certified = run_cli("sign", str(extract), "--field", "utdragsbestyrkande", lang="sv")
    assert certified.returncode == 0, certified.stderr
    refuse_unsignable(packet)  # raised before: 'the next build makes a new version'
    text = case.read_text(encoding="utf-8")
    case.write_text(f"# Kommentar: ringt aktören.\n{text}", encoding="utf-8")
    signed = run_cli("sign", str(packet), "--field", "aktor", "--ofullstandig", lang="sv")
    assert signed.returncode == 0, signed.stdout + signed.stderr
    versions = [path.name for path in folder.packet_versions()]
    made = run_cli("build", str(case), *common, lang="sv")
    assert made.returncode == 0 and "oförändrat" in made.stdout, made.stdout + made.stderr
    assert [path.name for path in folder.packet_versions()] == versions


def test_the_checks_before_signing_read_the_case_once(
    cases: Path, built: Path, session_converter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Superseded, justering, out of date: refuse_unsignable reads the case file and its
    meetings once for the three (each read them anew: three loads a signing)."""
    import avtalsgen.input.load as load
    from avtalsgen.build.superseded import refuse_unsignable

    output = cases.parent / "output"
    case = cases / f"{DNR}.yaml"
    shutil.copytree(built / DNR, output / DNR)
    with converter_in(session_converter):
        made = run_cli("build", str(case), "--output", str(output), "--templates",
                       str(REPO / "templates"), lang="sv")  # fmt: skip
    assert made.returncode == 0 and "oförändrat" in made.stdout, made.stdout + made.stderr
    loaded: list[Path] = []
    real = load.load_case

    def counted(path: Path) -> load.LoadedCase:
        loaded.append(path)
        return real(path)

    monkeypatch.setattr(load, "load_case", counted)
    refuse_unsignable(output / DNR / "paket.pdf")
    assert loaded == [case]
