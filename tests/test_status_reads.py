"""status reads the bytes of each input of a case's documents once (Path.read_bytes, which
the build's stamp and the extracts' rows read through): it hashed every input for the
stamp and then read and hashed each again to say which changed (the review's "double
hashing"), and read a protocol extract for its row and again for the stamp.

Not every open: the YAML loader opens the case and program files on its own (one
case_status opened the case file three times, the program twice, a meeting file three
times: validation, the meetings' Dnr scan and the stamp), which this test does not count."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from typer.testing import CliRunner

from avtalsgen.build.nextbuild import NextBuild
from avtalsgen.build.status import case_status
from avtalsgen.cli.app import app

DNR = "RUN-00386-2023"


@pytest.mark.libreoffice
def test_status_reads_each_inputs_bytes_once(
    cases: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = cases.parent / "output"
    shutil.copytree(built / DNR, output / DNR)
    case = cases / f"{DNR}.yaml"
    templates = REPO / "templates"
    made = CliRunner().invoke(
        app, ["build", str(case), "--output", str(output), "--templates", str(templates)]
    )
    assert made.exit_code == 0, made.output
    meeting = cases / "sammantraden" / "exempel-run-2023-12-05.yaml"
    made = CliRunner().invoke(app, ["utdrag", str(meeting), "--paragraf", "211", "--output",
                                    str(output), "--templates", str(templates)])  # fmt: skip
    assert made.exit_code == 0, made.output
    case.write_text(case.read_text(encoding="utf-8") + "# Ringt aktören.\n", encoding="utf-8")
    reads: collections.Counter[Path] = collections.Counter()
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads[path.resolve()] += 1
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    made_next: list[NextBuild] = []
    init = NextBuild.__init__

    def kept(self: NextBuild, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made_next.append(self)

    monkeypatch.setattr(NextBuild, "__init__", kept)
    (found,) = case_status([case], output, templates)
    said = (
        "documents out of date: since they were built, the case file changed and the protocol "
        f"extract protokollsutdrag-211.pdf was added (avtalsgen build {case})"
    )
    assert said in found.saknas, found.saknas
    extract = (output / DNR / "protokollsutdrag-211.pdf").resolve()
    inputs = [
        case.resolve(),
        (cases / "program" / "norrbottens-ekosystem.yaml").resolve(),
        templates / "beslutsforslag.docx",
        templates / "samarbetsavtal.docx",
        extract,
    ]
    assert {path: reads[path] for path in inputs} == dict.fromkeys(inputs, 1)
    # What the next build keeps of the inputs read: their digests, and the bytes of the
    # protocol extracts only (a changed one is checked for a certification), not of every
    # input (attachments too) for as long as it lives.
    (next_build,) = made_next
    assert {path.resolve() for path in next_build._digests} >= set(inputs)
    assert [path.resolve() for path in next_build._extracts] == [extract]
    assert next_build._given == {}
