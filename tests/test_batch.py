"""Batch builds: isolation of failures, incremental builds, the LibreOffice pool, Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CASES, REPO, needs_soffice, run_cli
from pdftext import pdftotext
from typer.testing import CliRunner

from avtalsgen.build.workspace import Workspace
from avtalsgen.cli.app import app
from avtalsgen.conversion.pool import ConversionPool, Done, Job

#: The avtalsgen command. Not `python -m avtalsgen.cli`: an interrupt that passes through
#: exec() of a string (dataclasses make their methods so) makes CPython end a `-m` run
#: by SIGINT (status -2) even after the command exited with 130; the command does not.
AVTALSGEN = Path(sys.executable).with_name("avtalsgen")

runner = CliRunner()


def build(*argv: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["build", *argv, "--templates", str(REPO / "templates")])
    return result.exit_code, result.stdout, result.stderr


@needs_soffice
@pytest.mark.libreoffice
def test_a_failing_case_does_not_stop_the_others(cases: Path, tmp_path: Path) -> None:
    bad = cases / "trasig.yaml"
    bad.write_text("dnr: RUN-1-2023\n", encoding="utf-8")
    output = tmp_path / "output"
    code, stdout, stderr = build(str(cases), "--output", str(output))
    assert code == 1
    assert f"{bad}:1: dnr: 'RUN-1-2023' is not a Dnr of the form RUN-NNNNN-YYYY" in stderr
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    statuses = {Path(c["case"]).name: c["status"] for c in report["cases"]}
    assert statuses == {
        "RUN-00386-2023.yaml": "built",
        "exempel-arktiska-testbaddar.yaml": "built",
        "exempel-inlandets-innovationsnod.yaml": "built",
        "exempel-kreativa-norrbotten.yaml": "built",
        "exempel-matkluster.yaml": "built",
        "exempel-medfinansiering.yaml": "built",
        "exempel-trappsteg.yaml": "built",
        "trasig.yaml": "failed",
    }
    assert report["summary"] == {"built": 7, "up to date": 0, "nothing to make": 0, "failed": 1}
    failed = next(c for c in report["cases"] if c["status"] == "failed")
    assert failed["outputs"] == [] and "is not a Dnr" in failed["error"]
    for case in report["cases"]:
        assert isinstance(case["seconds"], float)
    for dnr in CASES:
        text = pdftotext(output / dnr / "samarbetsavtal.pdf")
        assert dnr in text
    assert "built: 7, up to date: 0, nothing to make: 0, failed: 1" in stdout
    assert Workspace(output).staging_folders() == [], "no staging folder is left behind"


def test_one_case_that_fails_to_load_starts_no_libreoffice(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A single case is loaded before LibreOffice starts: its mistake is told at once, and
    with no LibreOffice to be found (nothing on PATH) it is still that mistake that is told,
    not LibreOffice's absence."""
    bad = cases / "trasig.yaml"
    bad.write_text("dnr: RUN-1-2023\n", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))
    monkeypatch.setenv("AVTALSGEN_CONVERTER_DIR", str(tmp_path / "no-converter"))
    code, _, stderr = build(str(bad), "--output", str(tmp_path / "output"))
    assert code == 1
    assert f"{bad}:1: dnr: 'RUN-1-2023' is not a Dnr of the form RUN-NNNNN-YYYY" in stderr
    assert "LibreOffice" not in stderr
    assert Workspace(tmp_path / "output").staging_folders() == []


@needs_soffice
@pytest.mark.libreoffice
def test_unchanged_cases_are_skipped_until_an_input_changes(cases: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    seed = cases / "RUN-00386-2023.yaml"
    assert build(str(seed), "--output", str(output))[0] == 0
    pdf = output / "RUN-00386-2023" / "beslutsforslag.pdf"
    first = pdf.stat().st_mtime_ns
    code, stdout, _ = build(str(seed), "--output", str(output))
    assert code == 0 and "up to date  RUN-00386-2023" in stdout
    assert pdf.stat().st_mtime_ns == first
    code, stdout, _ = build(str(seed), "--output", str(output), "--force")
    assert code == 0 and "built  RUN-00386-2023" in stdout
    assert pdf.stat().st_mtime_ns != first
    # A change to the case (a fact) or to a template makes it build again.
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("handlaggare: null", "handlaggare: Ny Person"),
        encoding="utf-8",
    )
    code, stdout, _ = build(str(seed), "--output", str(output))
    assert code == 0 and "built  RUN-00386-2023" in stdout
    assert "Handläggare: Ny Person" in pdftotext(pdf)
    pdf.unlink()
    code, stdout, _ = build(str(seed), "--output", str(output))
    assert code == 0 and "built  RUN-00386-2023" in stdout, "a missing output is rebuilt"


@needs_soffice
@pytest.mark.libreoffice
def test_the_batch_report_names_outputs_relative_to_the_output_folder(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, batch-report.json listed each case's outputs by absolute paths
    (/home/.../output/RUN-00386-2023/paket.pdf) beside the case as given (cases/...): now
    they are relative to the output folder, as `avtalsgen status` names them, whether the
    case is built or up to date and however --output is spelled."""
    monkeypatch.chdir(tmp_path)
    given = {"RUN-00386-2023": "RUN-00386-2023.yaml", "RUN-90003-2024": "exempel-matkluster.yaml"}
    made = {
        "RUN-00386-2023": ["beslutsforslag", "samarbetsavtal"],
        "RUN-90003-2024": ["beslutsforslag"],  # rejected: no agreement
    }
    expected = {
        dnr: [f"{dnr}/{d}{suffix}" for d in documents for suffix in (".docx", ".pdf")]
        + [f"{dnr}/paket.pdf", f"{dnr}/manifest.json"]
        for dnr, documents in made.items()
    }
    files = [f"cases/{name}" for name in given.values()]
    absolute = str(tmp_path / "output")
    for output, status in (("output", "built"), ("output", "up to date"), (absolute, "up to date")):
        code, stdout, stderr = build(*files, "--output", output)
        assert code == 0, stdout + stderr
        report = json.loads((tmp_path / "output" / "batch-report.json").read_text("utf-8"))
        for case in report["cases"]:
            dnr = case["dnr"]
            assert (case["case"], case["status"]) == (f"cases/{given[dnr]}", status)
            assert case["outputs"] == expected[dnr] and case["removed"] == []
            assert all((tmp_path / "output" / name).is_file() for name in case["outputs"])
        assert sorted(case["dnr"] for case in report["cases"]) == sorted(given)


def _fake_soffice(tmp_path: Path, behaviour: str) -> Path:
    """A stand-in soffice: 'hang' sleeps, 'crash' exits 1 on its first run only."""
    script = tmp_path / "soffice"
    marker = tmp_path / "started"
    body = {
        "hang": "exec sleep 300\n",
        "crash": f'if [ ! -e "{marker}" ]; then touch "{marker}"; exit 1; fi\nexec sleep 300\n',
    }[behaviour]
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return script


def _docx(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.docx"
    shutil.copy(REPO / "templates" / "beslutsforslag.docx", path)
    return path


@pytest.mark.parametrize("behaviour", ["hang", "crash"])
def test_pool_kills_a_hung_or_crashed_soffice_and_retries_once(
    tmp_path: Path, behaviour: str
) -> None:
    fake = _fake_soffice(tmp_path, behaviour)
    engine = ConversionPool(1, soffice=str(fake), doc_timeout=0.5, start_timeout=0.5)
    done: list[Done] = []
    job = Job("x", _docx(tmp_path, "dokument"), tmp_path)
    started = time.monotonic()
    engine.run([job], done.append)
    assert time.monotonic() - started < 30  # the timeout fired; the fake would hang forever
    assert len(done) == 1 and done[0].pdf is None
    if behaviour == "hang":
        assert done[0].error == "dokument.docx: LibreOffice hung (no PDF after 0.5 s)"
    else:  # crashed, was retried, then hung the second time
        assert (tmp_path / "started").exists()
        assert done[0].error == "dokument.docx: LibreOffice hung (no PDF after 0.5 s)"
    leftover = subprocess.run(["pgrep", "-f", str(fake)], capture_output=True, check=False)
    assert leftover.stdout == b"", "no stand-in soffice is left running"


@needs_soffice
@pytest.mark.libreoffice
def test_pool_converts_with_two_workers(tmp_path: Path) -> None:
    jobs = [Job(str(i), _docx(tmp_path, f"d{i}"), tmp_path) for i in range(12)]
    done: list[Done] = []
    ConversionPool(2).run(jobs, done.append)
    assert sorted(int(d.job.key) for d in done) == list(range(12))
    assert all(d.pdf is not None and d.pdf.is_file() for d in done), done


def private_tmp(tmp_path: Path) -> Path:
    """A TMPDIR of the test's own: soffice profiles of this build are found by it."""
    folder = tmp_path / "tmp"
    folder.mkdir(exist_ok=True)
    return folder


def _many_cases(cases: Path, folder: Path, count: int, first: int) -> Path:
    """``count`` copies of the seed case with Dnr RUN-<first + i>-2023, in ``folder``."""
    folder.mkdir()
    text = (cases / "RUN-00386-2023.yaml").read_text(encoding="utf-8")
    text = text.replace("program: program/", f"program: {cases}/program/")
    for index in range(count):
        (folder / f"fall-{index}.yaml").write_text(
            text.replace("dnr: RUN-00386-2023", f"dnr: RUN-{first + index}-2023"),
            encoding="utf-8",
        )
    return folder


@needs_soffice
@pytest.mark.libreoffice
def test_ctrl_c_leaves_no_soffice_and_no_partial_file(cases: Path, tmp_path: Path) -> None:
    many = _many_cases(cases, tmp_path / "many", 12, first=70000)
    output = tmp_path / "output"
    output.mkdir()
    earlier = {"summary": {"built": 0, "up to date": 12, "nothing to make": 0, "failed": 0}}
    (output / "batch-report.json").write_text(json.dumps(earlier), encoding="utf-8")
    proc = subprocess.Popen(
        [str(AVTALSGEN), "build", str(many), "--output", str(output),
         "--templates", str(REPO / "templates")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "TMPDIR": str(private_tmp(tmp_path))},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not Workspace(output).staging_folders() and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until it is rendering or converting
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert b"interrupted" in stderr
    mine = str(tmp_path / "tmp")  # this build's soffice profiles, not another run's
    deadline = time.monotonic() + 30  # a killed soffice takes a moment to die under load
    while _running(mine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(mine), "no soffice of the pool outlives avtalsgen"
    assert Workspace(output).staging_folders() == [], "no staging folder is left behind"
    for folder in output.glob("RUN-*"):
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            ".avtalsgen-build.json", "beslutsforslag.docx", "beslutsforslag.pdf",
            "samarbetsavtal.docx", "samarbetsavtal.pdf",
        ]  # fmt: skip
    # The report says this run was interrupted, and which cases it did not get to: the
    # earlier run's "12 up to date" was left looking like this one's (found by qa17).
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] is True and report["run"]["command"] == "build"
    assert report["made"] >= report["run"]["started"]
    assert report["not_done"], "the interrupt came while the cases were rendered"
    assert len(report["cases"]) + len(report["not_done"]) == 12
    assert sum(report["summary"].values()) == len(report["cases"])


@needs_soffice
@pytest.mark.libreoffice
def test_a_killed_build_leaves_no_partial_file_and_the_next_run_completes(
    cases: Path, tmp_path: Path
) -> None:
    many = _many_cases(cases, tmp_path / "many", 6, first=71000)
    output = tmp_path / "output"
    argv = [sys.executable, "-m", "avtalsgen.cli", "build", str(many), "--output", str(output),
            "--templates", str(REPO / "templates")]  # fmt: skip
    env = {**os.environ, "TMPDIR": str(private_tmp(tmp_path))}
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 30
    while not list(output.glob("RUN-*/paket.pdf")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first case is in place, the others on their way
    proc.kill()  # SIGKILL: no clean-up runs
    proc.wait()
    mine = str(tmp_path / "tmp")  # this build's soffice profiles, not another run's
    deadline = time.monotonic() + 30  # a loaded machine takes its time; nothing is timed
    while _running(mine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(mine), "the watcher killed the soffice of the killed build"
    deadline = time.monotonic() + 30  # a loaded machine takes its time; nothing is timed
    while list((tmp_path / "tmp").glob("avtalsgen-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list((tmp_path / "tmp").glob("avtalsgen-*")), "and removed its work folders"
    expected = sorted([
        ".avtalsgen-build.json", "beslutsforslag.docx", "beslutsforslag.pdf", "manifest.json",
        "paket.pdf", "samarbetsavtal.docx", "samarbetsavtal.pdf",
    ])  # fmt: skip
    for folder in output.glob("RUN-*"):
        names = sorted(p.name for p in folder.iterdir())
        assert names in (expected, []) or set(names) <= set(expected), names
        if (folder / ".avtalsgen-build.json").exists():
            assert names == expected, "a case is either complete or not stamped"
    stale = Workspace(output).staging_folders()
    done = run_cli(*argv[3:], lang=None)  # the next run: in this process
    assert done.returncode == 0, done.stderr
    for folder in stale:  # removed, and said so (it was silent)
        assert f"{folder.name}/" in done.stderr
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    assert {c["status"] for c in report["cases"]} <= {"built", "up to date"}
    assert report["summary"]["built"] + report["summary"]["up to date"] == 6
    assert Workspace(output).staging_folders() == [], "the stale staging folders are gone"
    for folder in output.glob("RUN-*"):
        assert sorted(p.name for p in folder.iterdir()) == expected


def _running(pattern: str) -> bool:
    """Whether a process whose command line holds ``pattern`` runs (zombies aside)."""
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)
    for pid in found.stdout.split():
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                return True
    return False


@needs_soffice
@pytest.mark.libreoffice
def test_a_second_case_of_a_dnr_fails_and_leaves_the_first_alone(
    cases: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    seed = cases / "RUN-00386-2023.yaml"
    assert build(str(seed), "--output", str(output))[0] == 0
    built = {p.name: p.read_bytes() for p in (output / "RUN-00386-2023").iterdir()}
    other = cases / "samma-dnr.yaml"
    other.write_text(
        seed.read_text(encoding="utf-8").replace("handlaggare: null", "handlaggare: Ny Person"),
        encoding="utf-8",
    )
    # Each fails, naming the other of its folder (the seed up to date, known from its
    # record, too: a copy built alone took over the Dnr's folder); so does the seed named
    # a second time.
    code, stdout, stderr = build(str(other), str(seed), str(seed), "--output", str(output))
    assert code == 1
    assert f"{other}:6: dnr: RUN-00386-2023 is also the Dnr of {seed}:6; each case" in stderr
    assert f"{seed}:6: dnr: RUN-00386-2023 is also the Dnr of {other}:6; each case" in stderr
    assert f"{seed}:6: dnr: RUN-00386-2023 is also the Dnr of {seed}:6; each case" in stderr
    assert "built: 0, up to date: 0, nothing to make: 0, failed: 3" in stdout
    assert {p.name: p.read_bytes() for p in (output / "RUN-00386-2023").iterdir()} == built
    # Neither is built with --force either; the folder is as the seed left it.
    code, stdout, stderr = build(str(other), str(seed), "--output", str(output), "--force")
    assert code == 1 and "built: 0, up to date: 0, nothing to make: 0, failed: 2" in stdout
    assert {p.name: p.read_bytes() for p in (output / "RUN-00386-2023").iterdir()} == built


@needs_soffice
@pytest.mark.libreoffice
def test_a_case_whose_files_cannot_be_placed_fails_with_the_reason_and_the_others_are_built(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A case's files are moved into place in a thread of their own (beside the next
    cases' checks): an error there is still that case's failure, with its reason, and
    nothing of it is placed under a final name but what the rename had moved."""
    from avtalsgen.build import casework, manifest

    write_manifest = manifest.write_manifest

    def failing(folder: Path, *args: object, **kwargs: object) -> Path:
        if folder.name == "RUN-90001-2023":
            raise OSError(28, "No space left on device")
        return write_manifest(folder, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(casework, "write_manifest", failing)
    output = tmp_path / "output"
    code, _stdout, stderr = build(str(cases), "--output", str(output))
    assert code == 1
    told = (
        f"{output}/RUN-90001-2023/: the case's documents cannot be written: the disk is full; "
        "free some space and build again"
    )
    assert told in stderr.splitlines()
    report = json.loads((output / "batch-report.json").read_text(encoding="utf-8"))
    failed = [c for c in report["cases"] if c["status"] == "failed"]
    assert [c["dnr"] for c in failed] == ["RUN-90001-2023"]
    assert failed[0]["error"] == told
    assert not (output / "RUN-90001-2023" / "manifest.json").exists()
    built = [c for c in report["cases"] if c["status"] == "built"]
    assert built and all((output / c["dnr"] / "manifest.json").is_file() for c in built)
    assert Workspace(output).staging_folders() == [], "no staging folder is left behind"
