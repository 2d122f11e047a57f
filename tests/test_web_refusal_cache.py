"""The signing's refusal kept by the web (readiness.signing_refusal) is read again when an
attachment of the case changes, as the case's standing is (its key lacked them: a changed
attachment leaves the packet's documents out of date, and the pages offered to sign it)."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
import pytest
from webtools import workspace

from avtalsgen.web import readiness

STEM = "RUN-00386-2023"


def _plan(path: Path, pages: int) -> None:
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page()
        pdf.save(path)


def test_a_changed_attachment_reads_the_refusal_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workspace(tmp_path)
    case = config.cases / f"{STEM}.yaml"
    (config.cases / "bilagor").mkdir(exist_ok=True)
    plan = config.cases / "bilagor" / "plan.pdf"
    _plan(plan, 1)
    text = (
        case.read_text(encoding="utf-8") + "bilagor:\n  - titel: Plan\n    fil: bilagor/plan.pdf\n"
    )
    case.write_text(text, encoding="utf-8")
    packet = config.output / "RUN-00386-2023" / "paket.pdf"
    packet.parent.mkdir(parents=True)
    packet.write_bytes(b"%PDF-1.7\n")
    read: list[str] = []

    def counted(config: object, packet: Path, stem: str) -> tuple[readiness.Blocker, ...]:
        read.append(stem)
        return ()

    monkeypatch.setattr(readiness, "read_refusal", counted)
    for _ in range(2):
        readiness.signing_refusal(config, packet, STEM)
    assert read == [STEM]
    _plan(plan, 2)
    later = plan.stat().st_mtime_ns + 2_000_000_000
    os.utime(plan, ns=(later, later))
    readiness.signing_refusal(config, packet, STEM)
    assert read == [STEM, STEM]
