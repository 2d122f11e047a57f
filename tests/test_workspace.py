"""The output folder's owner: names, the lock, staging and its clean-up, the atomic write."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from avtalsgen import i18n
from avtalsgen.build.workspace import (
    STAGING_PREFIX,
    CaseFolder,
    Workspace,
    atomic_write,
    place,
    versioned,
)
from avtalsgen.errors import OutputError


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language(None)


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def held(folder: Path) -> Iterator[None]:
    """The lock on ``folder`` held as another command holds it (its own open file)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def test_names_of_the_layout(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "output")
    case = workspace.case("RUN-00386-2023")
    assert case.path == tmp_path / "output" / "RUN-00386-2023"
    assert case.document("beslutsforslag", ".pdf").name == "beslutsforslag.pdf"
    assert case.packet().name == "paket.pdf"
    assert case.packet(3).name == "paket-v3.pdf"
    assert case.extract(212, 1, ".docx").name == "protokollsutdrag-212.docx"
    assert case.extract(212, 2, ".pdf").name == "protokollsutdrag-212-v2.pdf"
    assert case.extract_record(212).name == "protokollsutdrag-212.json"
    assert case.manifest.name == "manifest.json"
    assert case.build_record.name == ".avtalsgen-build.json"
    assert workspace.batch_report == tmp_path / "output" / "batch-report.json"
    meeting = workspace.meeting(dt.date(2023, 12, 5), "Regionala utvecklingsnämnden")
    assert meeting.path == (
        tmp_path / "output" / "sammantraden" / "2023-12-05-regionala-utvecklingsnamnden"
    )
    assert meeting.file("anslag", ".pdf", 2).name == "anslag-v2.pdf"
    assert versioned("x", 1, ".pdf") == "x.pdf"
    with pytest.raises(ValueError, match="not a Dnr"):
        workspace.case("../etc")


def test_versions_and_extracts_found_in_a_case_folder(tmp_path: Path) -> None:
    case = CaseFolder(tmp_path)
    for name in ("paket.pdf", "paket-v10.pdf", "paket-v2.pdf", "paketx.pdf", "paket-v0.pdf"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in case.packet_versions()] == [
        "paket.pdf",
        "paket-v2.pdf",
        "paket-v10.pdf",
    ]
    assert case.latest_extract() is None
    for name in ("protokollsutdrag-9.pdf", "protokollsutdrag-12.pdf", "protokollsutdrag-12-v2.pdf",
                 "protokollsutdrag-12.json", "protokollsutdrag-x.pdf"):  # fmt: skip
        (tmp_path / name).write_bytes(b"")
    assert [(n, v) for n, v, _ in case.extract_pdfs()] == [(9, 1), (12, 1), (12, 2)]
    assert case.latest_extract() == tmp_path / "protokollsutdrag-12-v2.pdf"


def test_a_file_on_a_case_folder_belongs_to_its_output_folder(tmp_path: Path) -> None:
    packet = tmp_path / "output" / "RUN-00386-2023" / "paket.pdf"
    assert Workspace.of_case_file(packet).root == tmp_path / "output"
    loose = tmp_path / "inkommet" / "paket.pdf"
    assert Workspace.of_case_file(loose).root == tmp_path / "inkommet"


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_atomic_write_gives_the_mode_of_the_umask(tmp_path: Path, mask: int) -> None:
    target = tmp_path / "a.json"
    with umask(mask):
        atomic_write(target, "första\n")
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask
        atomic_write(target, b"second")  # replacing keeps to the umask too
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"], "no temporary file is left"


def test_atomic_write_with_a_mode_and_through_a_scratch_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    key = tmp_path / "key.pem"
    atomic_write(key, b"secret", mode=0o600, scratch=scratch)
    assert key.stat().st_mode & 0o777 == 0o600
    assert list(scratch.iterdir()) == []


def test_never_replace_keeps_the_file_that_is_there(tmp_path: Path) -> None:
    target = tmp_path / "signed.pdf"
    target.write_bytes(b"signed")
    with pytest.raises(FileExistsError):
        atomic_write(target, b"other", replace=False)
    assert target.read_bytes() == b"signed"
    made = tmp_path / "made.pdf"
    made.write_bytes(b"made")
    with pytest.raises(FileExistsError):
        place(made, target)
    assert target.read_bytes() == b"signed" and made.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made.pdf", "signed.pdf"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        atomic_write(tmp_path / "dir", "new")  # a folder stands at the name
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "manifest.json"]


def test_a_session_locks_makes_staging_and_removes_it(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "output")
    with workspace.session("build") as run:
        assert run.staging.parent == workspace.root
        assert run.staging.name.startswith(f"{STAGING_PREFIX}build-")
        (run.staging / "half.docx").write_bytes(b"half")
        assert workspace.staging_folders() == [run.staging]
        with workspace.session("sign") as inner:  # re-entrant in one thread
            assert inner.staging != run.staging
    assert workspace.staging_folders() == []
    assert list(workspace.root.iterdir()) == []


def test_staging_goes_whatever_ends_the_session(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    with pytest.raises(KeyboardInterrupt), workspace.session("utdrag"):
        raise KeyboardInterrupt
    assert workspace.staging_folders() == []


@pytest.mark.parametrize(
    "name", [f"{STAGING_PREFIX}utdrag-x", ".RUN-staging.abc", ".protokollsutdrag.x"]
)
def test_any_session_removes_stale_staging(tmp_path: Path, name: str) -> None:
    stale = tmp_path / name
    stale.mkdir()
    (stale / "protokollsutdrag-212.docx").write_bytes(b"left by a killed command")
    keep = tmp_path / "RUN-00386-2023"
    keep.mkdir()
    with Workspace(tmp_path).session("sign"):
        pass
    assert not stale.exists()
    assert keep.is_dir()


def test_a_second_command_stops_after_its_wait_with_a_clear_message(tmp_path: Path) -> None:
    told: list[str] = []
    started = time.monotonic()
    session = Workspace(tmp_path).session("utdrag", wait=0.3, on_wait=told.append)
    with held(tmp_path), pytest.raises(OutputError) as caught, session:
        pytest.fail("the session must not start while another holds the lock")
    assert time.monotonic() - started >= 0.3
    assert caught.value.message == (
        f"{tmp_path}: another avtalsgen command is writing here (waited 0.3 s); "
        "run this one again when it has ended"
    )
    assert told == [
        f"{tmp_path}: another avtalsgen command is writing here; waiting up to 0.3 s for it to end"
    ]
    assert list(tmp_path.iterdir()) == [], "it wrote nothing"


def test_the_busy_folder_is_named_as_the_user_gave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output folder below the working folder is named relative to it (it was named by
    its resolved, absolute path)."""
    (tmp_path / "output").mkdir()
    monkeypatch.chdir(tmp_path)
    told: list[str] = []
    session = Workspace(Path("output")).session("utdrag", wait=0.1, on_wait=told.append)
    with held(tmp_path / "output"), pytest.raises(OutputError) as caught, session:
        pytest.fail("the session must not start while another holds the lock")
    assert caught.value.message.startswith("output: another avtalsgen command is writing here")
    assert told[0].startswith("output: another avtalsgen command is writing here; waiting")


def test_a_second_command_waits_for_the_first_to_end(tmp_path: Path) -> None:
    released = threading.Event()

    def first() -> None:
        with held(tmp_path):
            time.sleep(0.5)
            released.set()

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.1)
    told: list[str] = []
    with Workspace(tmp_path).session("sign", wait=10, on_wait=told.append):
        assert released.is_set(), "it began only when the first had ended"
    thread.join()
    assert len(told) == 1 and "waiting up to 10 s" in told[0]


def test_the_wait_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSGEN_LOCK_WAIT", "0")
    with (
        held(tmp_path),
        pytest.raises(OutputError, match="waited 0 s"),
        Workspace(tmp_path).session("build"),
    ):
        pass


def test_the_stale_staging_folders_a_build_removes_are_told_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build killed with SIGKILL leaves its staging folder; the next one removed it
    without a word (found by qa17)."""
    from conftest import REPO, run_cli

    from avtalsgen.build import batch
    from avtalsgen.build.outcome import Status
    from avtalsgen.build.workspace import Session

    def all_up_to_date(self: batch._Batch, run: Session) -> list[int]:
        for outcome in self.outcomes:
            outcome.status = Status.UP_TO_DATE
            self.settle(outcome)
        return []

    monkeypatch.setattr(batch._Batch, "not_up_to_date", all_up_to_date)
    monkeypatch.chdir(tmp_path)
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.yaml").write_text("dnr: RUN-00386-2023\n", encoding="utf-8")
    stale = tmp_path / "output" / ".avtalsgen-staging-build-k1ll3d"
    (stale / "0001").mkdir(parents=True)
    (stale / "0001" / "paket.pdf").write_bytes(b"%PDF-1.7\n")
    argv = ["build", "cases/a.yaml", "--output", "output", "--templates", str(REPO / "templates")]
    result = run_cli(*argv, lang="sv")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "tog bort output/.avtalsgen-staging-build-k1ll3d/, som ett kommando lämnade när det "
        "stoppades innan det var klart (inget i den var färdigt)"
    ]
    assert not stale.exists()
    result = run_cli(*argv, lang="en")  # nothing stale now: nothing said
    assert result.returncode == 0 and result.stderr == ""
