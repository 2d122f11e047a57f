"""The digests of a packet's facts in its manifest are keyed with the output folder's own
secret: the manifest goes with the packet, and a plain digest of an amount, a date or a
name is recovered by trying candidates (domain.md: manifests hold no personal data beyond
names and titles). A manifest written before, with plain digests, is read without calling
its packet superseded."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from typer.testing import CliRunner
from warm_converter import converter_in

from avtalsgen.build.factkey import facts_key
from avtalsgen.build.superseded import packet_facts, packet_superseded
from avtalsgen.build.workspace import Workspace
from avtalsgen.cli.app import app
from avtalsgen.errors import AvtalsgenError
from avtalsgen.input.load import load_case
from avtalsgen.meetings.decisions import History, case_history

pytestmark = pytest.mark.libreoffice
DNR = "RUN-00386-2023"
AMOUNT = "finansiering.finansiarer[0].belopp_per_ar"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, session_converter: Path) -> Iterator[Path]:
    """The shipped cases copied and the seed built (``cases/``, ``output/``); tests copy it."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("digests")
    shutil.copytree(REPO / "cases", root / "cases")
    case = root / "cases" / f"{DNR}.yaml"
    with converter_in(session_converter):
        result = CliRunner().invoke(app, ["build", str(case), "--output", str(root / "output"),
                                          "--templates", str(REPO / "templates")])  # fmt: skip
    assert result.exit_code == 0, result.output
    yield root


def _history(case: Path) -> History:
    loaded = load_case(case)
    return case_history(loaded.path, loaded.arende, loaded.program)


def _manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def test_the_manifest_states_no_fact_by_a_digest_anyone_can_make(built: Path) -> None:
    """The plain digests an earlier avtalsgen recorded (SHA-256 of the value, 16 hex) are
    what anyone with the manifest computes for each candidate amount, date or name: none
    of them is in it. The secret is beside the case folders, readable by its owner only,
    in neither the manifest nor the packet."""
    folder = built / "output" / DNR
    entry = _manifest(folder)["packet"]
    key = facts_key(built / "output")
    assert key is not None and entry["fakta_nyckel"] == key.id
    history = _history(built / "cases" / f"{DNR}.yaml")
    plain = packet_facts(history)
    assert plain is not None and AMOUNT in entry["fakta"]
    assert not set(plain.values()) & set(entry["fakta"].values())
    assert entry["fakta"] == packet_facts(history, key=key)
    secret = Workspace(built / "output").facts_key
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    text = secret.read_text(encoding="ascii").strip()
    assert len(text) == 64 and bytes.fromhex(text) == key.secret
    for made in (folder / "manifest.json", folder / "paket.pdf"):
        data = made.read_bytes()
        assert text.encode() not in data and key.secret not in data, made.name


def test_a_manifest_written_with_plain_digests_supersedes_nothing(
    built: Path, tmp_path: Path
) -> None:
    """A packet's entry as an earlier avtalsgen wrote it (plain digests, no
    ``fakta_nyckel``) is compared with the case's facts digested the same way: not
    superseded for the change of digest, and superseded, naming the key, once an amount
    is edited. A case folder copied into an output folder without the secret is held to
    its decision only: its facts cannot be compared, and no fact is called changed."""
    shutil.copytree(built, tmp_path / "root")
    root = tmp_path / "root"
    case = root / "cases" / f"{DNR}.yaml"
    folder = root / "output" / DNR
    packet = folder / "paket.pdf"
    data = _manifest(folder)
    plain = packet_facts(_history(case))
    for entry in [*data["packets"], data["packet"]]:
        entry["fakta"] = plain
        del entry["fakta_nyckel"]
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert packet_superseded(packet, signed_only=False) is None
    text = case.read_text(encoding="utf-8")
    text = text.replace("belopp_per_ar: 2000000", "belopp_per_ar: 1800000")
    case.write_text(text.replace("totalt: 6000000", "totalt: 5400000"), encoding="utf-8")
    found = packet_superseded(packet, signed_only=False)
    assert found is not None and AMOUNT in found.changed
    # Keyed, and copied without the secret.
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(built / "cases", elsewhere / "cases")
    shutil.copytree(built / "output" / DNR, elsewhere / "output" / DNR)
    moved = elsewhere / "output" / DNR / "paket.pdf"
    assert facts_key(elsewhere / "output") is None
    assert packet_superseded(moved, signed_only=False) is None


def test_a_build_stops_where_the_output_folder_s_secret_cannot_be_read(
    built: Path, tmp_path: Path, session_converter: Path
) -> None:
    """The secret there but not readable (damaged here; another user's alike): the build
    stops, in Swedish, naming the file and what to do, and writes nothing; it recorded
    plain digests before, and an amount edited since was no longer called superseded."""
    from conftest import fold, run_cli

    shutil.copytree(built, tmp_path / "root")
    root = tmp_path / "root"
    output = root / "output"
    secret = Workspace(output).facts_key
    secret.write_text("inte en hemlighet\n", encoding="ascii")
    before = {path.name: path.read_bytes() for path in (output / DNR).iterdir()}
    case = root / "cases" / f"{DNR}.yaml"
    with converter_in(session_converter):
        made = run_cli("build", str(case), "--output", str(output), "--templates",
                       str(REPO / "templates"), "--force", lang="sv")  # fmt: skip
    said = fold(made.stdout + made.stderr)
    assert made.returncode == 1, said
    assert "Traceback" not in said
    assert (
        fold(
            f"{secret}: kan inte läsa utdatamappens hemlighet för sammandragen av de uppgifter som "
            "manifesten registrerar: den innehåller ingen hemlighet som avtalsgen har gjort (64 "
            "hexadecimala siffror). Bygg som den användare som äger den"
        )
        in said
    ), said
    assert {path.name: path.read_bytes() for path in (output / DNR).iterdir()} == before
    assert facts_key(output) is None  # read only: unkeyed, as before
    secret.unlink()
    secret.mkdir()  # one that cannot be made: a folder in its place
    with pytest.raises(AvtalsgenError, match="cannot read the output folder's secret"):
        facts_key(output, create=True)
