"""A signed packet whose facts are no longer the decision's: the DEMO key signed an
undecided case's packet (its agreement showing the decision as '[uppgift saknas]' and the
proposal's amounts), and a later "bifall med ändring" left it signed with those amounts.
Every key now refuses such a packet unless told (--ofullstandig); once signed so, `status`
and `verify` say that it is superseded and that a new packet is needed, `sign` signs nothing
more in it, and the signed file stays byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from pdftext import pdftotext
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen import i18n
from avtalsgen.build.superseded import superseded, superseded_by_newer
from avtalsgen.cli.app import app

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DNR = "RUN-00386-2023"
runner = CliRunner()

#: The seed's § 211, which decides it as proposed (2 000 000 kronor a year).
AS_PROPOSED = """\
  - paragraf: 211
    dnr: RUN-00386-2023
    beslut: enligt förslaget
    omedelbart_justerad: true
    anslagsdatum: 2023-12-06
"""
#: § 211 as a bifall med ändring: 1 500 000 kronor a year over the same period.
AMENDED = """\
  - paragraf: 211
    dnr: RUN-00386-2023
    finansiering:
      period:
        start: 2023-10-01
        slut: 2026-09-30
      finansiarer:
        - namn: Region Norrbotten - ERP
          kalla: ERP
          belopp_per_ar: 1500000
    omedelbart_justerad: true
    anslagsdatum: 2023-12-06
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _text(path: Path) -> str:
    return " ".join(pdftotext(path).replace("\u00a0", " ").split())


def _decide(cases: Path, paragraph: str) -> None:
    """§ 211 of the seed's meeting as ``paragraph`` (none: "")."""
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    text = meeting.read_text(encoding="utf-8").replace(AS_PROPOSED, "")
    text = text.replace("  - paragraf: 212\n", paragraph + "\n  - paragraf: 212\n")
    meeting.write_text(text, encoding="utf-8")


def _run(*argv: str) -> tuple[int, str]:
    result = runner.invoke(app, list(argv))
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.libreoffice
def test_a_packet_signed_before_a_changed_decision_is_superseded(
    tmp_path: Path, session_converter: Path, english: None
) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    cases, output = tmp_path / "cases", tmp_path / "output"
    shutil.copytree(REPO / "cases", cases)
    _decide(cases, "")  # no meeting has decided the seed yet
    case = str(cases / "RUN-00386-2023.yaml")
    build = ("build", case, "--output", str(output), "--templates", str(TEMPLATES))
    with converter_in(session_converter):
        assert _run(*build)[0] == 0
    folder = output / DNR
    packet = folder / "paket.pdf"
    assert "Regionala utvecklingsnämnden beslutade [uppgift saknas], § [uppgift saknas]" in (
        _text(packet)
    )
    # The DEMO key refuses the undecided case's packet as a real key does.
    before = _sha(packet)
    code, said = _run("sign", str(packet), "--field", "region")
    assert code == 1 and "Traceback" not in said
    assert "the packet still shows 10 unknown facts ([uppgift saknas])" in said, said
    assert "Samarbetsavtal s. 1: Regionala utvecklingsnämnden beslutade [uppgift saknas]" in said
    assert _sha(packet) == before, "nothing signed"
    # Told, it signs, with the list as a warning and in the manifest.
    code, said = _run("sign", str(packet), "--field", "region", "--ofullstandig")
    assert code == 0, said
    signed = _sha(packet)
    # The committee grants it with changes: 1 500 000 kronor a year, not 2 000 000.
    _decide(cases, AMENDED)
    status = ("status", case, "--output", str(output), "--templates", str(TEMPLATES), "--json")
    found = json.loads(runner.invoke(app, list(status)).stdout)[0]
    assert found["lage"] == "signed packet superseded: a new packet is needed"
    assert (
        f"{output}/{DNR}/paket.pdf is superseded: it was made before the committee decided "
        "and the "
        "decision now is § 211 of the meeting of 2023-12-05 (granted with changes), so what "
        "it states is not the decision; a new packet is needed: build the case again (the "
        "signed file stays as it is)"
    ) in found["saknas"], found["saknas"]
    with converter_in(session_converter):
        assert _run(*build)[0] == 0
    newer = folder / "paket-v2.pdf"
    assert _sha(packet) == signed, "the signed packet stays byte for byte"
    assert "2 000 000 kronor" in _text(packet) and "1 500 000 kronor" not in _text(packet)
    assert "1 500 000 kronor" in _text(newer)
    found = json.loads(runner.invoke(app, list(status)).stdout)[0]
    assert found["lage"] == "decided: granted with changes"
    assert (
        f"{output}/{DNR}/paket.pdf is superseded: it was made before the committee decided "
        "and the "
        "decision now is § 211 of the meeting of 2023-12-05 (granted with changes), so what "
        f"it states is not the decision; a new packet is needed: {output}/{DNR}/paket-v2.pdf, "
        "made "
        "from the decision, is the one to sign"
    ) in found["saknas"]
    # verify says it plainly, and fails; the new packet verifies without a word of it.
    code, said = _run("verify", str(packet))
    assert code == 1
    # Not "not yet complete: ...; still to sign: 'aktor'": nothing more is signed in it.
    assert "Result: SUPERSEDED, not the packet to sign or to hand over: " in said
    assert "Still to sign: nothing in this file, which is superseded" in said
    assert f"{packet} is superseded: it was made before the committee decided" in said
    assert f"a new packet is needed: {newer}, made from the decision, is the one to sign" in said
    code, said = _run("verify", str(newer))
    assert code == 0 and "superseded" not in said
    # Nothing more is signed in it; the new one is signed.
    code, said = _run("sign", str(packet), "--field", "aktor", "--ofullstandig")
    assert code == 1 and said.endswith("is the one to sign. Nothing was signed."), said
    assert _sha(packet) == signed
    i18n.set_language("sv")
    code, said = _run("verify", str(packet))
    assert code == 1
    assert (
        f"{packet} är ersatt: det är gjort innan nämnden hade beslutat, och beslutet är nu "
        "§ 211 vid sammanträdet 2023-12-05 (bifall med ändring), så det som paketet anger är "
        f"inte beslutet; ett nytt paket behövs: {newer}, gjort efter beslutet, är det som ska "
        "undertecknas"
    ) in said, said


def _entry(file: str, version: int, beslut: object, signer: str | None) -> dict[str, object]:
    return {"file": file, "version": version, "beslut": beslut,
            "signatures": [{"field": "region", "signer": signer}]}  # fmt: skip


GRANT = {"utfall": "bifall", "sammantrade": "m.yaml", "datum": "2024-12-10", "paragraf": 14,
         "rad": 20, "avtal": True}  # fmt: skip


def test_what_makes_a_packet_superseded(english: None) -> None:
    moved = {**GRANT, "rad": 31}  # the same decision, a line further down its meeting file
    amended = {**GRANT, "utfall": "bifall_med_andring"}
    change = {**GRANT, "paragraf": 102, "tillagg": 1, "tillaggstyp": "forlangning"}
    entries = [
        _entry("paket.pdf", 1, None, "DEMO Anna"),
        _entry("paket-v2.pdf", 2, GRANT, "Anna"),
        _entry("paket-v3.pdf", 3, change, "Anna"),
    ]
    old = superseded(entries, "paket.pdf", GRANT)
    assert old is not None and old.made_from is None and old.newer == "paket-v2.pdf"
    assert superseded(entries, "paket-v2.pdf", moved) is None
    found = superseded(entries, "paket-v2.pdf", amended)
    assert found is not None and found.newer is None
    assert found.text() == (
        "paket-v2.pdf is superseded: it was made from § 14 of the meeting of 2024-12-10 "
        "(granted) and the decision now is § 14 of the meeting of 2024-12-10 (granted with "
        "changes), so what it states is not the decision; a new packet is needed: build the "
        "case again (the signed file stays as it is)"
    )
    assert superseded(entries, "paket-v3.pdf", amended) is None, "a tilläggsavtal's packet"
    unsigned = [_entry("paket.pdf", 1, None, None), _entry("paket-v2.pdf", 2, GRANT, None)]
    assert superseded(unsigned, "paket.pdf", GRANT) is None
    assert superseded(unsigned, "paket.pdf", GRANT, signed_only=False) is not None
    manifest = {"packets": entries}
    assert superseded_by_newer(manifest, "paket-v2.pdf") is None, "the newest agreement"
    by_newer = superseded_by_newer(manifest, "paket.pdf")
    assert by_newer is not None and by_newer.newer == "paket-v2.pdf"
