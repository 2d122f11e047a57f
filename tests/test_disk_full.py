"""A full disk: one clear message per failed case, naming its output folder and what to do
("output/RUN-…/: ärendets handlingar kan inte skrivas: disken är full; frigör utrymme och
bygg igen"). qa17 filled a small disk: the messages named a file in the staging folder
(".avtalsgen-staging-build-…/0001/paket.pdf: paketet kan inte skrivas: disken är full"),
mixed in the C library's English ("No space left on device") and none said what to do. An
operating-system error no command words itself is one line too, never a traceback."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import REPO, needs_soffice, run_cli

from avtalsgen import i18n
from avtalsgen.build import batch
from avtalsgen.build.diskfull import told_plainly
from avtalsgen.build.outcome import CaseOutcome, Status
from avtalsgen.build.workspace import Session
from avtalsgen.errors import OutputError

TEMPLATES = str(REPO / "templates")
SEED = "RUN-00386-2023"


@pytest.mark.parametrize(
    "error",
    [
        "output/.avtalsgen-staging-build-x1/0001/paket.pdf: paketet kan inte skrivas: "
        "disken är full",
        "samarbetsavtal.docx: LibreOffice kunde inte skriva dess PDF: output/.avtalsgen-staging-"
        "build-x1/0011/.samarbetsavtal.360c.pdf: No space left on device",
        "beslutsforslag.pdf: dokumentegenskaperna kan inte uppdateras: No space left on device",
    ],
)
def test_each_way_a_full_disk_failed_a_case_is_told_the_same(error: str) -> None:
    i18n.set_language("sv")
    outcome = CaseOutcome(case=Path("cases/fall.yaml"), dnr="RUN-91001-2023", error=error)
    told_plainly(outcome, Path("output"))
    assert outcome.error == (
        "output/RUN-91001-2023/: ärendets handlingar kan inte skrivas: disken är full; frigör "
        "utrymme och bygg igen"
    )


def test_a_quota_and_other_failures() -> None:
    outcome = CaseOutcome(case=Path("c.yaml"), dnr="RUN-91001-2023", error="x")
    outcome.exception = OutputError("x")
    outcome.exception.__cause__ = OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    told_plainly(outcome, Path("output"))
    assert outcome.error == (
        "output/RUN-91001-2023/: the case's documents cannot be written: the disk quota is used "
        "up; free some space, or ask for a larger quota, and build again"
    )
    other = CaseOutcome(case=Path("c.yaml"), dnr="RUN-91001-2023", error="a: Permission denied")
    told_plainly(other, Path("output"))  # a file it reads, maybe: not said to be the output
    assert other.error == "a: Permission denied"
    built = CaseOutcome(case=Path("c.yaml"), status=Status.BUILT, note="No space left on device")
    told_plainly(built, Path("output"))
    assert built.error is None


def test_a_full_disk_outside_the_output_folder_is_named(tmp_path: Path) -> None:
    """The converter's own folder (or the temporary folder) full: it, not the case's output
    folder, is the one to free space in."""
    i18n.set_language("sv")
    try:
        converter = tmp_path / "omvandlare" / "jobb"
        outcome = CaseOutcome(case=Path("c.yaml"), dnr="RUN-91001-2023", error="x")
        outcome.exception = OutputError("x")
        outcome.exception.__cause__ = OSError(
            errno.ENOSPC, os.strerror(errno.ENOSPC), str(converter / "ut.pdf")
        )
        told_plainly(outcome, tmp_path / "output")
        assert outcome.error == (
            f"{converter}/: en fil kan inte skrivas där: disken är full; frigör utrymme och "
            "bygg igen"
        )
        staged = tmp_path / "output" / ".avtalsgen-staging-build-x1" / "0001" / "paket.pdf"
        inside = CaseOutcome(case=Path("c.yaml"), dnr="RUN-91001-2023", error="x")
        inside.exception = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(staged))
        told_plainly(inside, tmp_path / "output")
        assert inside.error == (
            f"{tmp_path}/output/RUN-91001-2023/: ärendets handlingar kan inte skrivas: disken "
            "är full; frigör utrymme och bygg igen"
        )
    finally:
        i18n.set_language(None)


@needs_soffice
@pytest.mark.libreoffice
def test_a_build_whose_packet_meets_a_full_disk(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import avtalsgen.pdf.assemble as assemble

    def full(path: Path, data: object, **_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(assemble, "atomic_write", full)
    monkeypatch.chdir(tmp_path)
    result = run_cli(
        "build", f"cases/{SEED}.yaml", "--templates", TEMPLATES, "--output", "output", lang="sv"
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"output/{SEED}/: ärendets handlingar kan inte skrivas: disken är full; frigör utrymme "
        "och bygg igen"
    ]
    assert not (tmp_path / "output" / SEED).exists(), "nothing half-written"
    assert not list((tmp_path / "output").glob(".avtalsgen-staging*"))


@pytest.mark.usefixtures("all_up_to_date")
def test_an_os_error_no_command_words_is_one_line(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch report cannot be written: a traceback ended the build before."""

    def full(run: Session, *args: object, **kwargs: object) -> Path:
        report = run.workspace.batch_report
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(report))

    monkeypatch.setattr(batch, "write_report", full)
    output = tmp_path / "output"
    for lang, words in (
        ("sv", "disken är full; frigör utrymme och försök igen"),
        ("en", "No space left on device; free some space and try again"),
    ):
        result = run_cli(
            "build", str(cases), "--templates", TEMPLATES, "--output", str(output), lang=lang
        )
        assert result.returncode == 1
        assert result.stderr.splitlines()[-1] == f"{output}/batch-report.json: {words}"
        assert "Traceback" not in result.stderr
