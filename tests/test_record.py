"""The record of a case's last build: an unchanged case is up to date without being loaded,
and any change to what it is made from makes it build again."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen.build import tools
from avtalsgen.build.record import STAMP, Records
from avtalsgen.build.tools import tool_identity
from avtalsgen.cli.app import app
from avtalsgen.documents.kinds import DOCUMENTS

# The tests' builds send their documents to the warm converter (conftest.warm_builds).
pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("warm_builds")]
runner = CliRunner()
DNR = "RUN-90001-2023"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A case with an attachment, its program and the templates, copied, and built once."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("record")
    shutil.copytree(REPO / "cases", root / "cases")
    shutil.copytree(REPO / "templates", root / "templates")
    # One fact left unknown, for --strict to find: the region's signatory's name.
    program = root / "cases" / "program" / "norrbottens-ekosystem.yaml"
    office = "    namn: Regional utvecklingsdirektör\n"
    program.write_text(program.read_text("utf-8").replace(office, "    namn: null\n"), "utf-8")
    case = root / "cases" / "exempel-arktiska-testbaddar.yaml"
    attachment = root / "cases" / "bilaga.pdf"
    first = root / "first"
    assert build(case, first, root / "templates")[0] == 0
    shutil.copy(first / DNR / "beslutsforslag.pdf", attachment)
    text = case.read_text(encoding="utf-8")
    case.write_text(
        f"{text.rstrip()}\nbilagor:\n  - titel: Ansökan\n    fil: bilaga.pdf\n", encoding="utf-8"
    )
    output = root / "output"
    code, stdout = build(case, output, root / "templates")
    assert code == 0, stdout
    return case, output, root / "templates"


def build(case: Path, output: Path, templates: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["build", str(case), "--output", str(output), "--templates", str(templates), *extra]
    )
    return result.exit_code, result.output


def unchanged(
    case: Path, output: Path, templates: Path, documents: list[str] | None = None
) -> bool:
    found = Records(output).unchanged(
        case, templates, documents or list(DOCUMENTS), tool_identity()
    )
    return found is not None and found.dnr == DNR


@contextlib.contextmanager
def changed(path: Path, data: bytes) -> Iterator[None]:
    """``path`` holds ``data`` (or is gone, for empty data) for a while."""
    before = path.read_bytes() if path.exists() else None
    if data:
        path.write_bytes(data)
    else:
        path.unlink()
    try:
        yield
    finally:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)


def test_an_unchanged_case_is_known_from_its_record(setup: tuple[Path, Path, Path]) -> None:
    case, output, templates = setup
    assert unchanged(case, output, templates)
    record = json.loads((output / DNR / STAMP).read_text(encoding="utf-8"))
    # Paths relative to the case's folder: no machine's paths, and true when moved along.
    assert record["case"] == "../../cases/exempel-arktiska-testbaddar.yaml"
    assert record["files"]["program"] == "../../cases/program/norrbottens-ekosystem.yaml"
    assert sorted(record["files"]) == [
        "bilaga 1", "case", "program", "template beslutsforslag", "template samarbetsavtal",
    ]  # fmt: skip


def test_an_unchanged_rebuild_loads_no_case_and_starts_no_libreoffice(
    setup: tuple[Path, Path, Path],
) -> None:
    case, output, templates = setup
    # Neither the models nor the build's LibreOffice side are imported: the record told;
    # nor typer's help and error panels (rich's Markdown and more), which nothing showed.
    probe = (
        "import sys\n"
        "from avtalsgen.cli.app import app\n"
        "try:\n"
        f"    app(['build', {str(case)!r}, '--output', {str(output)!r},"
        f" '--templates', {str(templates)!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('models' if 'avtalsgen.model' in sys.modules else 'no models')\n"
        "print('casework' if 'avtalsgen.build.casework' in sys.modules else 'no casework')\n"
        "print('panels' if 'typer.rich_utils' in sys.modules else 'no panels')\n"
        # Nor what only a case to build needs (the conversion, pikepdf), Babel for the
        # case's time on its line, PyYAML for the other case files of its folder (none
        # holds its Dnr), importlib.metadata for the packages' versions, rich for a line
        # on a pipe (build/progress.py).
        "print(sorted(m for m in ('avtalsgen.conversion.pool', 'pikepdf', 'babel.numbers',"
        " 'yaml', 'importlib.metadata', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert f"up to date  {DNR}" in done.stdout
    assert done.stdout.rstrip().splitlines()[-4:] == [
        "no models", "no casework", "no panels", "[]",
    ]  # fmt: skip


def test_a_record_stays_true_when_cases_and_output_move_together(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    case, output, templates = setup
    moved = tmp_path / "flyttad"
    for folder in (case.parent, templates, output):
        shutil.copytree(folder, moved / folder.name, symlinks=True)
    assert unchanged(moved / "cases" / case.name, moved / output.name, moved / templates.name)


def test_a_record_names_the_templates_that_come_with_avtalsgen_by_name(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """A case built with the shipped templates, then its cases and output copied elsewhere
    (the templates stay where avtalsgen is): the record named them by a path from the
    output folder, which named no file there, and ``sign`` called the packet out of date
    (its stamp failed to read the template) though the build found it up to date. Named
    by their name among the shipped ones, the record stays true."""
    from avtalsgen.build.record import recorded_templates
    from avtalsgen.build.status import packet_out_of_date
    from avtalsgen.documents.templates import shipped_templates

    case = setup[0]
    first = tmp_path / "first"
    shutil.copytree(case.parent, first / "cases")
    assert build(first / "cases" / case.name, first / "output", shipped_templates())[0] == 0
    record = json.loads((first / "output" / DNR / STAMP).read_text(encoding="utf-8"))
    assert record["files"]["template samarbetsavtal"] == "avtalsgen:templates/samarbetsavtal.docx"
    moved = tmp_path / "a" / "b"
    shutil.copytree(first, moved)
    output = moved / "output"
    assert recorded_templates(output / DNR) == shipped_templates()
    assert unchanged(moved / "cases" / case.name, output, shipped_templates())
    assert packet_out_of_date(output / DNR / "paket.pdf", output) is None


def test_a_templates_folder_not_moved_along_is_not_taken_for_the_builds(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Cases and output moved, the templates folder the build used (a copy of the shipped
    ones, outside the cases) not: the record names a folder that is not there. ``sign``
    read the templates from it, failed, and called the packet out of date; it takes the
    templates a build would find now, as status does."""
    from avtalsgen.build.record import recorded_templates
    from avtalsgen.build.status import packet_out_of_date

    case, output, templates = setup
    moved = tmp_path / "a" / "b"
    for folder in (case.parent, output):
        shutil.copytree(folder, moved / folder.name)
    assert recorded_templates(output / DNR) == templates
    assert recorded_templates(moved / output.name / DNR) is None
    packet = moved / output.name / DNR / "paket.pdf"
    assert packet_out_of_date(packet, moved / output.name) is None


def test_an_attachment_s_new_title_makes_a_new_version_beside_the_signed_packet(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The packet signed by both parties, then its attachment's title edited in the case
    file (the file the same): the contents page and bookmarks of a packet built now state
    the new title, which no Word document does. The build found the packet "the same" (the
    Word files and the attachment's bytes), said up to date and recorded the new title as
    a fact of the signed packet, which states the old one. The signed packet is superseded
    by it: the build makes the agreement with the new title in the next version, and says
    why the tilläggsavtal decided since waits."""
    case, output, templates = setup
    root = tmp_path / "kopia"
    for folder in (case.parent, output, templates):
        shutil.copytree(folder, root / folder.name)
    case, output, templates = root / "cases" / case.name, root / output.name, root / "templates"
    packet = output / DNR / "paket.pdf"
    for field in ("region", "aktor"):
        signed = runner.invoke(app, ["sign", str(packet), "--field", field, "--ofullstandig"])
        assert signed.exit_code == 0, signed.output
    before = packet.read_bytes()
    text = case.read_text(encoding="utf-8")
    case.write_text(text.replace("titel: Ansökan", "titel: Verksamhetsplan 2024"), "utf-8")
    code, stdout = build(case, output, templates)
    assert code == 0 and "paket-v2.pdf" in stdout, stdout
    assert "the case's fact 'bilagor[0].titel' changed" in " ".join(stdout.split())
    assert "Verksamhetsplan 2024" in pdftotext(output / DNR / "paket-v2.pdf")
    assert "Verksamhetsplan 2024" not in pdftotext(packet) and packet.read_bytes() == before
    manifest = json.loads((output / DNR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["bilaga 1"]["titel"] == "Verksamhetsplan 2024"


def test_a_tillaggsavtal_s_packet_is_made_for_a_case_with_attachments(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The agreement of a case with an attachment signed by both parties, a change decided
    since (§ 102, an extension): the build of tilläggsavtal nr 1 stopped with exit 1 and no
    message (a KeyError: the attachment's output intent was read from the beslutsförslag,
    which a tilläggsavtal's packet does not hold). It makes paket-v2.pdf."""
    case, output, templates = setup
    root = tmp_path / "kopia"
    for folder in (case.parent, output, templates):
        shutil.copytree(folder, root / folder.name)
    case, output, templates = root / "cases" / case.name, root / output.name, root / "templates"
    for field in ("region", "aktor"):
        signed = runner.invoke(
            app, ["sign", str(output / DNR / "paket.pdf"), "--field", field, "--ofullstandig"]
        )
        assert signed.exit_code == 0, signed.output
    code, stdout = build(case, output, templates)
    assert code == 0 and "paket-v2.pdf" in stdout, stdout
    assert "Tilläggsavtal nr 1" in pdftotext(output / DNR / "paket-v2.pdf")


@pytest.mark.parametrize("what", ["case", "program", "template", "attachment"])
def test_a_changed_input_is_not_up_to_date(setup: tuple[Path, Path, Path], what: str) -> None:
    case, output, templates = setup
    path = {
        "case": case,
        "program": case.parent / "program" / "norrbottens-ekosystem.yaml",
        "template": templates / "samarbetsavtal.docx",
        "attachment": case.parent / "bilaga.pdf",
    }[what]
    data = path.read_bytes()
    # A comment in YAML, a byte after the end of a zip or PDF: the content is the same,
    # but the bytes are not, and the record goes by the bytes.
    with changed(path, data + (b"\n# \xc3\xa4ndrad\n" if path.suffix == ".yaml" else b"\n")):
        assert not unchanged(case, output, templates)
    assert unchanged(case, output, templates)


def test_a_new_protocol_extract_is_not_up_to_date(setup: tuple[Path, Path, Path]) -> None:
    case, output, templates = setup
    extract = output / DNR / "protokollsutdrag-214.pdf"
    with changed(extract, (output / DNR / "beslutsforslag.pdf").read_bytes()):
        assert not unchanged(case, output, templates)
    assert unchanged(case, output, templates)


def test_other_templates_or_documents_or_a_missing_output_are_not_up_to_date(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    case, output, templates = setup
    elsewhere = tmp_path / "templates"
    shutil.copytree(templates, elsewhere)
    assert not unchanged(case, output, elsewhere), "the record names the templates it used"
    code, stdout = build(case, output, elsewhere)
    assert code == 0 and f"up to date  {DNR}" in stdout, "the same bytes: loading tells"
    assert unchanged(case, output, elsewhere), "and the record now names those"
    assert build(case, output, templates)[0] == 0
    assert not unchanged(case, output, templates, ["beslutsforslag"])
    with changed(output / DNR / "samarbetsavtal.pdf", b""):
        assert not unchanged(case, output, templates)


def test_a_record_from_before_it_named_its_files_is_renewed(
    setup: tuple[Path, Path, Path],
) -> None:
    case, output, templates = setup
    stamp = output / DNR / STAMP
    record = json.loads(stamp.read_text(encoding="utf-8"))
    old = {"inputs": record["inputs"], "outputs": record["outputs"]}
    stamp.write_text(json.dumps(old), encoding="utf-8")
    assert not unchanged(case, output, templates)
    code, stdout = build(case, output, templates)
    assert code == 0 and f"up to date  {DNR}" in stdout
    assert json.loads(stamp.read_text(encoding="utf-8")) == record


def test_strict_looks_at_an_up_to_date_case_again(setup: tuple[Path, Path, Path]) -> None:
    case, output, templates = setup
    assert unchanged(case, output, templates)
    code, stdout = build(case, output, templates, "--strict")
    assert code == 1
    assert "avtal.undertecknare.namn: not filled in yet (null)" in stdout


@pytest.mark.parametrize("package", ["pikepdf", "fonttools", "pyHanko", "docxtpl"])
def test_a_new_version_of_a_tool_that_shapes_the_output_makes_a_case_out_of_date(
    setup: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, package: str
) -> None:
    case, output, templates = setup
    assert unchanged(case, output, templates)
    versions = {**tools.package_versions(), package: "999.0"}
    monkeypatch.setattr(tools, "package_versions", lambda: versions)
    assert not unchanged(case, output, templates)


def test_the_record_and_the_manifest_name_the_same_tools(setup: tuple[Path, Path, Path]) -> None:
    _, output, _ = setup
    manifest = json.loads((output / DNR / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["tools"]) == ["avtalsgen", "LibreOffice", *tools.PACKAGES]
    identity = tools.tool_identity()
    for name, version in manifest["tools"].items():
        if name != "LibreOffice":  # known by its program file, not asked (0.3 s)
            assert f"{name} {version}" in identity
