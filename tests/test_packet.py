"""The packet: assembled by every build, signed with the CLI, verified independently."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import CASES, REPO, fold, run
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen.build.tools import PACKAGES
from avtalsgen.build.workspace import Workspace
from avtalsgen.cli.app import app
from avtalsgen.errors import AvtalsgenError
from avtalsgen.pdf.packet import read_agreement, signature_boxes
from avtalsgen.pdf.pdfa import check_pdfa_structure

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]
runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("dnr", list(CASES))
def test_every_build_makes_a_packet(built: Path, dnr: str) -> None:
    packet = built / dnr / "paket.pdf"
    assert check_pdfa_structure(packet, lang="sv-SE") == []
    run("qpdf", "--check", str(packet))
    contents = fold(pdftotext(packet, "-f", "1", "-l", "1", "-layout"))
    assert contents.startswith("Innehåll")
    assert f"Dnr {dnr}" in contents
    pages = {
        m[0]: m[1] for m in re.findall(r"(Beslutsförslag|Samarbetsavtal) (\d+(?:–\d+)?)", contents)
    }
    assert pages["Beslutsförslag"].startswith("2")
    with pikepdf.open(packet) as pdf:
        titles = [item.title for item in pdf.open_outline().root]
        assert titles == ["Innehåll", "Beslutsförslag", "Samarbetsavtal"]
        fields = [f.T for f in pdf.Root.AcroForm.Fields]
        assert [str(name) for name in fields] == ["region", "aktor"]
        last = len(pdf.pages) - 1
        for field in pdf.Root.AcroForm.Fields:
            assert field.P.objgen == pdf.pages[last].objgen, "fields on the signature page"
        assert str(pdf.Root.Lang) == "sv-SE"
        meta = pdf.open_metadata()
        assert dnr in str(meta["dc:title"])
    info = run("pdfinfo", str(packet))
    assert re.search(rf"^Title:\s+Ärende {dnr} – ", info, re.M)
    assert re.search(r"^Author:\s+Region Norrbotten$", info, re.M)
    manifest = json.loads((built / dnr / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["paket.pdf"] == sha(packet)
    assert manifest["inputs"]["case"]["file"] == CASES[dnr].name
    assert manifest["packet"]["signatures"] == [
        {"field": "region", "signer": None},
        {"field": "aktor", "signer": None},
    ]
    assert list(manifest["tools"]) == ["avtalsgen", "LibreOffice", *PACKAGES]
    assert "/" not in json.dumps(manifest["inputs"]).replace("\\/", ""), "no machine paths"


def test_signature_fields_sit_under_the_agreements_signature_blocks(built: Path) -> None:
    folder = built / "RUN-00386-2023"
    agreement = read_agreement(folder / "samarbetsavtal.pdf")
    assert len(agreement.marks) == 2, "the template's two signature blocks"
    assert "Datum: enligt den elektroniska underskriften" in agreement.pages[-1]
    boxes = signature_boxes(agreement)
    assert boxes[0][3] > boxes[1][3], "top to bottom: the region, then the actor"
    with pikepdf.open(folder / "paket.pdf") as pdf:
        rects = [[float(v) for v in field.Rect] for field in pdf.Root.AcroForm.Fields]
        last = len(pdf.pages)
    assert rects == [pytest.approx(list(box)) for box in boxes]
    for (left, bottom, _, _), (x1, _, x2, y2) in zip(agreement.marks, boxes, strict=True):
        assert x1 == left and x2 > x1
        assert y2 < bottom, "each box lies below its block's 'Datum:' line"
    # No word of the page lies in a box: the template leaves room for both.
    words = pdftotext(folder / "paket.pdf", "-bbox", "-f", str(last), "-l", str(last))
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', words).group(1))  # type: ignore[union-attr]
    found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', words)
    assert len(found) > 20
    for x1, y1, x2, y2 in boxes:
        for wx1, wy1, wx2, wy2 in (map(float, word) for word in found):
            # pdftotext's y grows downwards from the top of the page
            inside_y = height - wy2 < y2 and height - wy1 > y1
            assert not (inside_y and wx1 < x2 and wx2 > x1), "a word under a signature box"


def test_a_document_without_signature_blocks_is_refused_as_the_agreement(
    built: Path, english: None
) -> None:
    decision = read_agreement(built / "RUN-00386-2023" / "beslutsforslag.pdf")
    with pytest.raises(AvtalsgenError) as caught:
        signature_boxes(decision)
    # It has none: not a page break that split them (qa16's t4 was told that).
    assert caught.value.message.startswith(
        "beslutsforslag.pdf: the signature blocks: the document states 'Datum: enligt den "
        "elektroniska underskriften' 0 times, not once in each of the 2 signature blocks"
    ), caught.value.message
    assert "a block, or that line of it, is missing or changed" in caught.value.message


@pytest.fixture(scope="module")
def demo_data() -> Path:
    """The XDG_DATA_HOME of the test process (conftest): the demo PKI its tests sign with,
    made once for every module."""
    return Path(os.environ["XDG_DATA_HOME"])


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    return tmp_path / "cases" / "RUN-00386-2023.yaml"


def _extracts_made(case: Path, output: Path) -> Path:
    """``output`` with the extracts of the meeting beside ``case`` (2023-12-05) made."""
    meeting = case.parent / "sammantraden" / "exempel-run-2023-12-05.yaml"
    made = runner.invoke(
        app,
        ["utdrag", str(meeting), "--output", str(output), "--templates", str(REPO / "templates")],
    )
    assert made.exit_code == 0, made.output
    return output


def _build(case: Path, output: Path, *extra: str) -> str:
    result = runner.invoke(
        app,
        [
            "build",
            str(case),
            "--output",
            str(output),
            "--templates",
            str(REPO / "templates"),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_sign_twice_verify_and_never_overwrite(
    case_copy: Path, tmp_path: Path, demo_data: Path, built: Path
) -> None:
    output = tmp_path / "output"
    env = {"XDG_DATA_HOME": str(demo_data)}
    # The seed case as built from the same inputs (the session's build): its packet,
    # documents and records, and the output folder's secret its facts are digested with.
    shutil.copytree(built / "RUN-00386-2023", output / "RUN-00386-2023")
    shutil.copyfile(Workspace(built).facts_key, Workspace(output).facts_key)
    assert "up to date" in _build(case_copy, output)
    packet = output / "RUN-00386-2023" / "paket.pdf"
    for field in ("region", "aktor"):
        result = runner.invoke(
            app, ["sign", str(packet), "--field", field, "--ofullstandig"], env=env
        )
        assert result.exit_code == 0, result.output
        assert f"signed {field} of" in result.stdout
    verified = runner.invoke(app, ["verify", str(packet)], env=env)
    assert verified.exit_code == 0, verified.output
    assert (
        "Result: complete: every field is signed, every signature is intact and trusted"
        in verified.stdout
    )
    assert "DEMO" in verified.stdout and "NOT valid for real use" in verified.stdout
    assert "Signature 2 of 2, field 'aktor': OK" in verified.stdout
    sig = run("pdfsig", str(packet))
    assert sig.count("Signature Validation: Signature is Valid.") == 2
    assert sig.count("Total document signed") == 1
    assert "Signature Type: ETSI.CAdES.detached" in sig
    assert check_pdfa_structure(packet, lang="sv-SE") == []
    manifest = json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8"))
    assert [s["signer"] for s in manifest["packet"]["signatures"]] == [
        "DEMO Regional utvecklingsdirektör",
        "DEMO Firmatecknare",
    ]
    assert manifest["outputs"]["paket.pdf"] == sha(packet)
    folder = packet.parent
    signed = sha(packet)
    # A forced rebuild from the same inputs would make the same packet: nothing is written.
    before = {p.name: sha(p) for p in folder.iterdir()}
    stdout = _build(case_copy, output, "--force")
    assert "up to date" in stdout
    assert {p.name: sha(p) for p in folder.iterdir()} == before, "nothing written"
    # A rebuild that changes the case keeps the signed packet and the documents beside it,
    # and writes a new version of both.
    case_copy.write_text(
        case_copy.read_text(encoding="utf-8").replace(
            "handlaggare: null", "handlaggare: Ny Person"
        ),
        encoding="utf-8",
    )
    stdout = _build(case_copy, output)
    assert "wrote " in stdout and "paket-v2.pdf" in stdout
    assert sha(packet) == signed, "the signed packet is untouched"
    for name in ("beslutsforslag.pdf", "beslutsforslag.docx", "samarbetsavtal.pdf"):
        assert sha(folder / name) == before[name], f"{name} still matches what was signed"
    assert "Ny Person" not in pdftotext(folder / "beslutsforslag.pdf")
    assert "Handläggare: Ny Person" in pdftotext(folder / "beslutsforslag-v2.pdf")
    assert {p.name for p in folder.iterdir()} >= {
        "paket-v2.pdf", "beslutsforslag-v2.pdf", "beslutsforslag-v2.docx",
        "samarbetsavtal-v2.pdf", "samarbetsavtal-v2.docx",
    }  # fmt: skip
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    first, second = manifest["packets"]
    assert (first["file"], second["file"]) == ("paket.pdf", "paket-v2.pdf")
    assert [s["signer"] for s in first["signatures"]] == [
        "DEMO Regional utvecklingsdirektör",
        "DEMO Firmatecknare",
    ], "the signed version's record is kept"
    assert first["sha256"] == signed and first["ok"] is True
    assert [s["signer"] for s in second["signatures"]] == [None, None]
    assert second["documents"]["beslutsforslag-v2.pdf"] == sha(folder / "beslutsforslag-v2.pdf")
    assert manifest["packet"] == second
    # The new version is not signed: a forced rebuild replaces it, no third version.
    _build(case_copy, output, "--force")
    assert not (folder / "paket-v3.pdf").exists()
    assert [e["file"] for e in json.loads((folder / "manifest.json").read_text())["packets"]] == [
        "paket.pdf",
        "paket-v2.pdf",
    ]
    # Verify without the demo root: the signatures are intact but not trusted.
    untrusted = runner.invoke(app, ["verify", str(packet), "--no-demo"], env=env)
    assert untrusted.exit_code == 1


def test_any_signing_order_and_tampering_is_caught(
    built: Path, tmp_path: Path, demo_data: Path
) -> None:
    output = tmp_path / "output"
    env = {"XDG_DATA_HOME": str(demo_data)}
    shutil.copytree(built / "RUN-00386-2023", output / "RUN-00386-2023")  # as built, unsigned
    packet = output / "RUN-00386-2023" / "paket.pdf"
    early = runner.invoke(app, ["sign", str(packet), "--field", "aktor", "--ofullstandig"], env=env)
    assert early.exit_code == 0, early.output  # the actor may sign first
    assert "still to sign: 'region'" in early.stdout
    assert (
        runner.invoke(
            app, ["sign", str(packet), "--field", "region", "--ofullstandig"], env=env
        ).exit_code
        == 0
    )
    data = bytearray(packet.read_bytes())
    index = data.index(b"Swedish") if b"Swedish" in data else len(data) // 3
    data[index] ^= 0x01
    packet.write_bytes(bytes(data))
    result = runner.invoke(app, ["verify", str(packet)], env=env)
    assert result.exit_code == 1
    assert "Result: NOT valid: signature 'aktor': the signed bytes were changed" in result.stdout
    assert "Integrity:     BROKEN" in result.stdout


def test_packet_holds_the_extract_and_attachments(case_copy: Path, tmp_path: Path) -> None:
    output = _extracts_made(case_copy, tmp_path / "output")
    attachment = case_copy.parent / "bilagor" / "verksamhetsplan.pdf"
    attachment.parent.mkdir()
    # Any PDF will do as an attachment: the extract, without its signature field.
    with pikepdf.open(output / "RUN-00386-2023" / "protokollsutdrag-211.pdf") as pdf:
        del pdf.Root.AcroForm
        for page in pdf.pages:
            if "/Annots" in page.obj:
                del page.obj.Annots
        pdf.save(attachment)
    case_copy.write_text(
        case_copy.read_text(encoding="utf-8")
        + "bilagor:\n  - titel: Verksamhetsplan\n    fil: bilagor/verksamhetsplan.pdf\n",
        encoding="utf-8",
    )
    _build(case_copy, output)
    packet = output / "RUN-00386-2023" / "paket.pdf"
    contents = fold(pdftotext(packet, "-f", "1", "-l", "1", "-layout"))
    order = [
        contents.index(t)
        for t in ("Beslutsförslag", "Protokollsutdrag", "Samarbetsavtal", "Verksamhetsplan")
    ]
    assert order == sorted(order)
    with pikepdf.open(packet) as pdf:
        assert [i.title for i in pdf.open_outline().root][1:] == [
            "Beslutsförslag", "Protokollsutdrag § 211 (2023-12-05), ej bestyrkt",
                "Samarbetsavtal",
            "Verksamhetsplan",
        ]  # fmt: skip
        subject = str(pdf.docinfo["/Subject"])
    assert subject == (
        "Basfinansiering inom Norrbottens ekosystem: beslutsförslag, protokollsutdrag § 211 "
        "(2023-12-05), samarbetsavtal och bilaga 1 (Verksamhetsplan); ej bestyrkt när paketet "
        "sattes samman: protokollsutdrag § 211"
    )
    manifest = json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["bilaga 1"]["sha256"] == sha(attachment)
    role = "protokollsutdrag protokollsutdrag-211.pdf"
    assert manifest["inputs"][role]["file"] == "protokollsutdrag-211.pdf"


def test_an_uncertified_extract_s_copy_states_no_certification(
    case_copy: Path, tmp_path: Path
) -> None:
    """The packet's copy of an extract not yet certified said "Utdraget överensstämmer med
    protokollet. Bestyrks av: … Datum: enligt den elektroniska underskriften" with no
    signature anywhere, under a bookmark "ej bestyrkt": it leaves out that block now; the
    extract's own file keeps it, for the secretary to sign, and the packet is still tagged
    as the checks want it."""
    from avtalsgen.pdf.tags import structure_problems

    output = _extracts_made(case_copy, tmp_path / "output")
    _build(case_copy, output)
    folder = output / "RUN-00386-2023"
    own = fold(pdftotext(folder / "protokollsutdrag-211.pdf"))
    assert "Utdragsbestyrkande" in own and "Bestyrks av: Lena Exempelsson" in own
    packet = fold(pdftotext(folder / "paket.pdf"))
    assert "Protokollsutdrag § 211 (2023-12-05), ej bestyrkt" in packet
    assert "§ 211 Pilotprojekt" in packet and "Sista dag för överklagande: 2023-12-27" in packet
    for claim in ("Utdragsbestyrkande", "Utdraget överensstämmer med protokollet", "Bestyrks av"):
        assert claim not in packet, claim
    # "Datum: enligt den elektroniska underskriften" only in the agreement's signature blocks.
    signing_date = "Datum: enligt den elektroniska underskriften"
    assert packet.count(signing_date) == fold(pdftotext(folder / "samarbetsavtal.pdf")).count(
        signing_date
    )
    with pikepdf.open(folder / "paket.pdf") as pdf:
        assert structure_problems(pdf) == []


@pytest.mark.parametrize(
    ("fil", "content", "message"),
    [
        ("../utanfor.pdf", None, "bilagor[0].fil: '../utanfor.pdf' must be a path inside the case"),
        (
            "/etc/passwd.pdf",
            None,
            "bilagor[0].fil: '/etc/passwd.pdf' must be a path inside the case",
        ),
        ("bilaga.txt", None, "bilagor[0].fil: 'bilaga.txt' is not a PDF file"),
        ("saknas.pdf", None, "bilagor[0].fil: file not found"),
        ("trasig.pdf", b"%PDF-1.7\nnot really a pdf\n", "trasig.pdf"),
    ],
)
def test_bad_attachments_are_refused(
    case_copy: Path, tmp_path: Path, fil: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (case_copy.parent / fil).write_bytes(content)
    case_copy.write_text(
        case_copy.read_text(encoding="utf-8") + f"bilagor:\n  - titel: Bilaga\n    fil: {fil}\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    result = runner.invoke(
        app,
        ["build", str(case_copy), "--output", str(output), "--templates", str(REPO / "templates")],
    )
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not list(output.rglob("*.pdf")), "nothing is written for a bad case"
