"""A tilläggsavtal's packet as a registrator files it (domain.md: one PDF per case for the
diarium): it holds the decision that changed the agreement and the tilläggsavtal, not the
agreement's attachments again (they are registered with the signed packet that holds them,
and carried again they read as the tilläggsavtal's), and its properties name the version:
which tilläggsavtal, what it changes and the packet's version, not the original grant's
outcome ("…, tilläggsavtal nr 1, bifall")."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

from conftest import fold

REPO = Path(__file__).resolve().parent.parent


def _info(pdf: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {
        key.strip(): value.strip()
        for key, _sep, value in (line.partition(":") for line in text.splitlines())
    }


def test_the_tillaggsavtal_packet_holds_no_attachments_and_names_its_version(
    cases: Path, session_converter: Path
) -> None:
    from pdftext import pdftotext
    from typer.testing import CliRunner
    from warm_converter import converter_in

    from avtalsgen.cli.app import app
    from avtalsgen.meetings.extract import build_extracts

    def cli(*argv: str) -> None:
        result = CliRunner().invoke(app, list(argv))
        assert result.exit_code == 0, result.output

    output = cases.parent / "output"
    templates = str(REPO / "templates")
    case = cases / "exempel-arktiska-testbaddar.yaml"
    with converter_in(session_converter) as converter:
        # An attachment that passes the PDF/A-2b check as it is: another case's proposal.
        cli("build", str(cases / "RUN-00386-2023.yaml"), "--only", "beslutsforslag",
            "--output", str(cases.parent / "other"), "--templates", templates)  # fmt: skip
        (cases / "bilagor").mkdir()
        shutil.copy(
            cases.parent / "other" / "RUN-00386-2023" / "beslutsforslag.pdf",
            cases / "bilagor" / "verksamhetsplan.pdf",
        )
        case.write_text(
            case.read_text(encoding="utf-8")
            + "bilagor:\n  - titel: Verksamhetsplan\n    fil: bilagor/verksamhetsplan.pdf\n",
            encoding="utf-8",
        )
        for meeting in ("exempel-run-2023-12-05.yaml", "exempel-run-2026-06-16.yaml"):
            build_extracts(cases / "sammantraden" / meeting, output, REPO / "templates",
                           converter, today=dt.date(2026, 6, 24))  # fmt: skip
        cli("build", str(case), "--output", str(output), "--templates", templates)
        folder = output / "RUN-90001-2023"
        for field in ("region", "aktor"):
            cli("sign", str(folder / "paket.pdf"), "--field", field, "--ofullstandig")
        cli("build", str(case), "--output", str(output), "--templates", templates)
    first = fold(pdftotext(folder / "paket.pdf"))
    # The agreement's packet holds it: its four pages right after the agreement's (whose
    # length the templates' layout decides).
    listed = re.search(
        r"Samarbetsavtal (\d+)–(\d+) Bilagor Sidor Verksamhetsplan (\d+)–(\d+)", first
    )
    assert listed, first
    agreement_end, plan_start, plan_end = (int(listed[n]) for n in (2, 3, 4))
    assert (plan_start, plan_end) == (agreement_end + 1, agreement_end + 4), listed[0]
    later = fold(pdftotext(folder / "paket-v2.pdf"))
    assert "Tilläggsavtal nr 1" in later
    assert "Verksamhetsplan" not in later and "Bilagor" not in later
    info = _info(folder / "paket-v2.pdf")
    assert info["Title"] == (
        "Ärende RUN-90001-2023 – Exempel – Norrbottens ekosystem – Arktiska testbäddar – "
        "Tilläggsavtal nr 1, version 2"
    )
    assert info["Subject"] == (
        "Basfinansiering inom Norrbottens ekosystem: protokollsutdrag § 102 (2026-06-16) och "
        "tilläggsavtal nr 1 (förlängning); paketets version 2; ej bestyrkt när paketet sattes "
        "samman: protokollsutdrag § 102"
    )
    assert info["Keywords"].endswith(
        "protokollsutdrag § 102 (2026-06-16), tilläggsavtal nr 1, förlängning, version 2"
    ), info["Keywords"]
    assert "bifall" not in info["Keywords"]
    # Its XMP names the case, its version and the version it follows, so that a copy taken
    # out of the case's folder (both are named paket…pdf) still says so.
    import pikepdf

    with pikepdf.open(folder / "paket.pdf") as pdf:
        first_xmp = pdf.open_metadata()
        first_id = first_xmp["xmpMM:DocumentID"]
        assert first_xmp["xmpMM:VersionID"] == "1"
    with pikepdf.open(folder / "paket-v2.pdf") as pdf:
        xmp = pdf.open_metadata()
        assert xmp["dc:identifier"] == "RUN-90001-2023"
        assert xmp["xmpMM:VersionID"] == "2"
        assert xmp["xmpMM:DocumentID"] not in ("", first_id)
        assert list(xmp["dc:relation"]) == [
            "Föregående version av ärendets paket: paket.pdf (Dnr RUN-90001-2023, version 1)"
        ]
        derived = pdf.Root.Metadata.read_bytes().decode()
        assert (
            f'<xmpMM:DerivedFrom rdf:parseType="Resource"><stRef:documentID>{first_id}'
            "</stRef:documentID><stRef:versionID>1</stRef:versionID></xmpMM:DerivedFrom>"
        ) in derived
        assert list(xmp["dc:date"]) == [str(xmp["xmp:CreateDate"])[:10]]
    document = _info(folder / "tillaggsavtal-v2.pdf")
    assert document["Subject"] == (
        "Tilläggsavtal nr 1 (förlängning), Dnr RUN-90001-2023, Regionala utvecklingsnämnden"
    )
    assert document["Keywords"].endswith("tilläggsavtal nr 1, förlängning"), document
