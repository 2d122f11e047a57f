"""Attachments (bilagor) pass the same PDF/A-2b check as avtalsgen's own PDFs; a hostile
one is converted with OCRmyPDF and Ghostscript, with the conversion in the manifest, or
refused naming the rule; a second, independent reading (pypdf) finds the packet clean."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, fold, run
from hostile_pdfs import HOSTILE, SCANNED_LINES
from pdfa_reading import pdfa_reading
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen import i18n
from avtalsgen.cli.app import app
from avtalsgen.conversion.normalise import prepare_attachment
from avtalsgen.errors import ConversionError
from avtalsgen.pdf.pdfa import check_pdfa_structure, pdfa_problems
from avtalsgen.pdf.pdfa_rules import (
    remove_forbidden_actions,
    subset_name_problems,
    unique_subset_names,
)
from avtalsgen.pdf.tags import structure_problems

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("ocrmypdf", "gs", "tesseract")),
        reason="needs ocrmypdf, ghostscript and tesseract-ocr-swe",
    ),
]
runner = CliRunner()
DNR = "RUN-90001-2023"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English, which the tests quote (the CLI's runs say so by LANG)."""
    i18n.set_language("en")
    yield
    i18n.set_language(None)


#: What avtalsgen's own check says of each hostile attachment (the rule it breaks).
RULES = {
    "javascript": "a JavaScript action, which PDF/A forbids (ISO 19005-2, 6.5.1)",
    "cmyk": "DeviceCMYK colour under the RGB output intent, which PDF/A forbids",
    "no_cidtogidmap": "has no CIDToGIDMap, which PDF/A requires (ISO 19005-2, 6.2.11.3.2)",
    "annotation_flags_zero": "annotation flags 0 (must print, not hide)",
    "scanned": "no XMP metadata (PDF/A identification missing)",
}
#: What the independent reading says of each.
READINGS = {
    "javascript": "/JavaScript action",
    "cmyk": "DeviceCMYK colour",
    "no_cidtogidmap": "has no CIDToGIDMap",
    "annotation_flags_zero": "annotation with flags 0",
    "scanned": "no PDF/A-2 identification",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder / f"{name}.pdf") for name, make in HOSTILE.items()}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_both_readings_find_the_broken_rule(hostile: dict[str, Path], name: str) -> None:
    with pikepdf.open(hostile[name]) as pdf:
        ours = pdfa_problems(pdf, intent="RGB", conformances=("A", "U", "B"))
    assert any(RULES[name] in problem for problem in ours), ours
    assert any(READINGS[name] in problem for problem in pdfa_reading(hostile[name]))


def test_forbidden_actions_are_removed(hostile: dict[str, Path], tmp_path: Path) -> None:
    with pikepdf.open(hostile["javascript"]) as pdf:
        assert remove_forbidden_actions(pdf) == 2
        pdf.save(tmp_path / "clean.pdf")
    assert not [p for p in pdfa_reading(tmp_path / "clean.pdf") if "JavaScript" in p]


@pytest.fixture(scope="module")
def hostile_packet(
    hostile: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """The example case built with the five hostile attachments, conversions not cached."""
    root = tmp_path_factory.mktemp("case")
    shutil.copytree(REPO / "cases", root / "cases")
    case = root / "cases" / "exempel-arktiska-testbaddar.yaml"
    (case.parent / "bilagor").mkdir()
    lines = ["bilagor:"]
    for name, path in hostile.items():
        shutil.copy(path, case.parent / "bilagor" / path.name)
        lines += [f"  - titel: Bilaga {name}", f"    fil: bilagor/{path.name}"]
    case.write_text(case.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    output = root / "output"
    result = runner.invoke(
        app,
        ["build", str(case), "--output", str(output), "--templates", str(REPO / "templates")],
        env={"XDG_CACHE_HOME": str(root / "cache")},  # every conversion made, none kept
    )
    assert result.exit_code == 0, result.output
    return output / DNR / "paket.pdf", case


def test_hostile_attachments_are_converted_into_a_clean_packet(
    hostile_packet: tuple[Path, Path],
) -> None:
    packet, _ = hostile_packet
    assert check_pdfa_structure(packet, "sv-SE") == []
    assert pdfa_reading(packet) == []  # pypdf: no action, colour, font or flag problem
    with pikepdf.open(packet) as pdf:  # untagged attachments tagged as a P per page
        assert structure_problems(pdf) == []
    run("qpdf", "--check", str(packet))
    with pikepdf.open(packet) as pdf:
        titles = [item.title for item in pdf.open_outline().root]
        assert titles[-5:] == [f"Bilaga {name}" for name in HOSTILE]
        pages = {
            item.title: pikepdf.Page(item.destination[0]).index  # type: ignore[index]
            for item in pdf.open_outline().root
        }
        assert len(pdf.pages) == pages["Bilaga scanned"] + 1  # one page each
    # The scanned page has a text layer now (Tesseract, Swedish), in the packet.
    scanned = pdftotext(packet, "-f", str(len(pdf.pages)), "-l", str(len(pdf.pages)))
    for line in SCANNED_LINES:
        assert line in fold(scanned)
    # The pages with text still read as before.
    first = pages["Bilaga javascript"] + 1
    assert "Bilaga med JavaScript" in pdftotext(packet, "-f", str(first), "-l", str(first))


def test_the_manifest_records_each_conversion(hostile_packet: tuple[Path, Path]) -> None:
    packet, _ = hostile_packet
    manifest = json.loads((packet.parent / "manifest.json").read_text(encoding="utf-8"))
    for number, name in enumerate(HOSTILE, 1):
        entry = manifest["inputs"][f"bilaga {number}"]
        assert entry["file"] == f"{name}.pdf"
        assert entry["pdfa"] == "converted"
        assert any(RULES[name] in reason for reason in entry["because"]), entry["because"]
        assert any("OCRmyPDF 14" in step or "OCRmyPDF" in step for step in entry["steps"])
        assert set(entry["tools"]) == {"OCRmyPDF", "Ghostscript", "Tesseract"}
        assert len(entry["sha256"]) == 64
    steps = manifest["inputs"]["bilaga 1"]["steps"]
    assert any("JavaScript" in step for step in steps)
    assert any("RGB" in step for step in manifest["inputs"]["bilaga 2"]["steps"])
    text = json.dumps(manifest, ensure_ascii=False)
    assert str(packet.parent.parent.parent) not in text and "/tmp" not in text, "no machine paths"


def _with_attachment(case: Path, name: str, path: Path) -> None:
    shutil.copy(path, case.parent / "bilagor" / name)
    text = case.read_text(encoding="utf-8")
    text = text[: text.index("bilagor:")] + f"bilagor:\n  - titel: X\n    fil: bilagor/{name}\n"
    case.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", ["signed", "encrypted"])
def test_what_cannot_be_converted_is_refused_by_rule(
    hostile_packet: tuple[Path, Path], tmp_path: Path, kind: str
) -> None:
    _, case = hostile_packet
    source = case.parent / "bilagor" / "cmyk.pdf"
    with pikepdf.open(source) as pdf:
        if kind == "signed":
            field = pdf.make_indirect(
                pikepdf.Dictionary(
                    FT=pikepdf.Name.Sig, T=pikepdf.String("underskrift"), Rect=[0, 0, 0, 0],
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, F=4,
                )
            )  # fmt: skip
            pdf.pages[0].obj.Annots = pikepdf.Array([field])
            pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
            pdf.save(tmp_path / "bad.pdf")
        else:
            pdf.save(tmp_path / "bad.pdf", encryption=pikepdf.Encryption(owner="x", user=""))
    _with_attachment(case, "bad.pdf", tmp_path / "bad.pdf")
    output = tmp_path / "output"
    result = runner.invoke(
        app,
        ["build", str(case), "--output", str(output), "--templates", str(REPO / "templates")],
        env={"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert result.exit_code == 1
    rule = "form fields or signatures" if kind == "signed" else "encrypted, which PDF/A forbids"
    assert "bad.pdf" in result.output and rule in result.output
    assert not (output / DNR / "paket.pdf").exists(), "nothing half-written"


def test_a_pdfa_attachment_goes_in_as_it_is(tmp_path: Path) -> None:
    scan = HOSTILE["scanned"](tmp_path / "scan.pdf")
    converted = prepare_attachment(scan, tmp_path / "scan-pdfa.pdf", "RGB")
    assert converted.converted
    again = prepare_attachment(converted.path, tmp_path / "again.pdf", "RGB")
    assert again.path == converted.path and not again.converted
    assert again.record() == {"pdfa": "as given"}
    assert not (tmp_path / "again.pdf").exists()


def test_a_conversion_that_still_fails_is_refused(tmp_path: Path) -> None:
    # A CMYK file checked against a CMYK-only rule it cannot meet: a gray output intent
    # (the conversion makes RGB, which a gray intent does not stand for either).
    source = HOSTILE["cmyk"](tmp_path / "cmyk.pdf")
    with pytest.raises(ConversionError) as caught:
        prepare_attachment(source, tmp_path / "out.pdf", "GRAY")
    assert caught.value.message.startswith("cmyk.pdf: ")
    assert "DeviceRGB colour under the gray output intent" in caught.value.message


def test_subset_names_are_made_unique(built: Path, tmp_path: Path) -> None:
    # Two LibreOffice documents: each names its subsets BAAAAA+..., CAAAAA+..., with
    # different glyphs in each.
    folder = built / "RUN-00386-2023"
    with pikepdf.new() as merged:
        for document in ("beslutsforslag", "samarbetsavtal"):
            with pikepdf.open(folder / f"{document}.pdf") as pdf:
                merged.pages.extend(pdf.pages)
        merged.save(tmp_path / "before.pdf")
        assert unique_subset_names(merged) >= 2
        merged.save(tmp_path / "merged.pdf")
    assert [p for p in pdfa_reading(tmp_path / "before.pdf") if "subset name" in p]
    assert not [p for p in pdfa_reading(tmp_path / "merged.pdf") if "subset name" in p]
    # avtalsgen's own check finds the names that stood for two programs, and then none.
    with pikepdf.open(tmp_path / "before.pdf") as before:
        assert "stands for 2 different font programs" in " ".join(subset_name_problems(before))
    with pikepdf.open(tmp_path / "merged.pdf") as after:
        assert subset_name_problems(after) == []
    fonts = run("pdffonts", str(tmp_path / "merged.pdf")).splitlines()[2:]
    names = [line.split()[0] for line in fonts]
    assert len(names) == len(set(names))
    # The packet, assembled from them, has unique names too.
    assert not [p for p in pdfa_reading(folder / "paket.pdf") if "subset name" in p]
