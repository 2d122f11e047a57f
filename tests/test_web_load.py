"""What keeps the office's pages quick while a batch runs: what is read of each case is kept
until a file it comes from changes, the builds run at a lower CPU priority than the pages,
the database's log is not written back at every request, and a save's preview shows its
documents as soon as they passed the fact check (bench/web.py measures the figures)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, needs_soffice
from litestar.testing import TestClient
from webtools import login, workspace

from avtalsgen import i18n
from avtalsgen.build import status as build_status
from avtalsgen.web import db
from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig
from avtalsgen.web.jobs import Job, JobRunner


def _rows(html: str) -> dict[str, str]:
    """The case list's rows as text, by Dnr."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        dnr = re.search(r"RUN-\d{5}-\d{4}", row)
        if dnr:
            rows[dnr.group(0)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
    return rows


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every case ``avtalsgen status``'s reading of cases (the pages' costly part) is asked
    of, once a case (the case list asks for those it reads again in one call)."""
    calls: list[object] = []
    real = build_status.case_status

    def counting(paths: Any, *args: Any, **kwargs: Any) -> Any:
        calls.extend(paths)
        return real(paths, *args, **kwargs)

    monkeypatch.setattr(build_status, "case_status", counting)
    return calls


def test_a_case_is_read_again_only_when_a_file_it_comes_from_changed(
    tmp_path: Path, counted: list[object]
) -> None:
    import dataclasses

    shutil.copytree(REPO / "templates", tmp_path / "templates")
    config = dataclasses.replace(workspace(tmp_path / "ws"), templates=tmp_path / "templates")
    cases = len(list(config.cases.glob("*.yaml")))
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "alla")
        first = _rows(client.get("/arenden").text)
        assert len(counted) == cases
        # Nothing changed: every list page and the case's page again read nothing.
        for path in ("/arenden", "/arenden?q=RUN", "/paket", "/korning"):
            assert client.get(path).status_code == 200
        assert len(counted) == cases
        client.get("/arenden/exempel-medfinansiering")
        client.get("/arenden/exempel-medfinansiering")
        assert len(counted) == cases + 1

        # The meeting that rejected RUN-90003-2024 is taken away: it is undecided again.
        assert "beslutat: avslag" in first["RUN-90003-2024"]
        meeting = config.meetings / "exempel-run-2024-12-10.yaml"
        kept = meeting.read_text(encoding="utf-8")
        meeting.unlink()
        rows = _rows(client.get("/arenden").text)
        assert "utkast" in rows["RUN-90003-2024"]
        # Its proposal appears in its output folder: built.
        folder = config.output / "RUN-90003-2024"
        folder.mkdir()
        (folder / "beslutsforslag.pdf").write_bytes(b"%PDF-1.7\n")
        assert "förslag byggt" in _rows(client.get("/arenden").text)["RUN-90003-2024"]
        meeting.write_text(kept, encoding="utf-8")
        assert "beslutat: avslag" in _rows(client.get("/arenden").text)["RUN-90003-2024"]

        # A case file rewritten in place with a mistake: its row says so at once.
        case = config.cases / "exempel-trappsteg.yaml"
        text = case.read_text(encoding="utf-8")
        case.write_text(text.replace("dnr: RUN-90004-2024", "dnr: RUN-4-2024"), encoding="utf-8")
        html = client.get("/arenden").text
        assert "RUN-90004-2024" not in html and "fel i ärendefilen" in html
        case.write_text(text, encoding="utf-8")
        assert "RUN-90004-2024" in _rows(client.get("/arenden").text)

        # A template changed: the list's words do not depend on it, the case's page (which
        # says whether the documents are up to date) is read again.
        before = len(counted)
        client.get("/arenden")
        assert len(counted) == before
        template = tmp_path / "templates" / "beslutsforslag.docx"
        template.write_bytes(template.read_bytes())
        os.utime(template, ns=(1, 1))
        client.get("/arenden/exempel-medfinansiering")
        assert len(counted) == before + 1
    i18n.set_language(None)


def test_the_list_reads_where_a_case_stands_without_what_is_missing(tmp_path: Path) -> None:
    # The list's cheaper reading (no unknown facts, no up-to-date check) says the same of
    # every shipped case but what is missing.
    config = workspace(tmp_path / "ws")
    full = build_status.case_status([config.cases], config.output, config.templates)
    cheap = build_status.case_status([config.cases], config.output, config.templates,
                                     missing=False)  # fmt: skip
    assert len(full) == len(cheap) > 5
    assert any(found.saknas for found in full)
    for whole, part in zip(full, cheap, strict=True):
        assert set(part.saknas) <= set(whole.saknas)
        assert {**whole.to_json(), "saknas": []} == {**part.to_json(), "saknas": []}


def test_builds_run_at_a_lower_cpu_priority_than_the_pages(tmp_path: Path) -> None:
    database = tmp_path / "data" / "web.sqlite3"
    db.initialise(database)
    runner = JobRunner(database, niceness=4)
    try:
        job = runner.submit("ingenting", "anna", [])  # a job the worker only acknowledges
        assert job.done.wait(120), "the worker answered"
        assert job.state == "done"
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, runner._process.pid) == min(ours + 4, 19)
    finally:
        runner.stop()
    assert WebConfig(cases=tmp_path, output=tmp_path, data=tmp_path,
                     templates=tmp_path).build_niceness == 10  # fmt: skip


def test_the_app_keeps_its_database_open_so_a_write_does_not_checkpoint_the_log(
    tmp_path: Path,
) -> None:
    # While one connection stays open, closing a request's connection leaves the log (the
    # -wal file) in place instead of writing it back with an fsync.
    config = workspace(tmp_path / "ws")
    log = Path(f"{config.database}-wal")
    with TestClient(create_app(config)) as client:
        login(client, "handl")
        assert log.is_file() and log.stat().st_size > 0, "the login's writes are in the log"
    assert not log.exists() or log.stat().st_size == 0, "written back when the app stopped"


def _pdf(path: Path) -> None:
    """A PDF of one empty A4 page."""
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    document.close()


def test_the_preview_shows_the_checked_documents_while_the_packet_is_made(
    tmp_path: Path,
) -> None:
    config = workspace(tmp_path / "ws")
    kept = config.data / "forhandsgranskning" / "RUN-00386-2023" / "beslutsforslag.pdf"
    _pdf(kept)
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "lasare")
        runner: JobRunner = client.app.state.runner
        # A save's build whose documents have passed the fact check; its packet is not made.
        job = Job(99, "build", "handl", ["RUN-00386-2023"], state="running")
        job.events.append({"type": "start"})
        job.events.append({"type": "checked", "dnr": "RUN-00386-2023",
                           "documents": ["beslutsforslag.pdf", "../paket.pdf"]})  # fmt: skip
        runner.jobs[99] = job
        html = client.get("/arenden/RUN-00386-2023/forhandsgranskning").text
        assert "Faktakontrollen: godkänd" in html
        assert re.search(r'role="status">Paketet och manifestet byggs', html)
        base = "/arenden/RUN-00386-2023/forhandsgranskning/beslutsforslag.pdf"
        assert f'href="{base}"' in html and f'src="{base}/sida/1"' in html
        # Headed by the document's name, as the office calls it; its file in the links.
        assert re.search(r'<h2 id="dok-1">Beslutsförslag</h2>', html)
        assert ">Öppna beslutsforslag.pdf som PDF<" in html
        assert "paket.pdf" not in html  # only plain names of the preview's folder
        image = client.get(f"{base}/sida/1")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        pdf = client.get(base)
        assert pdf.status_code == 200 and pdf.content == kept.read_bytes()
        assert client.get(f"{base}/sida/2").status_code == 404
        # The build has ended: the output folder's documents, as built.
        job.events.append({"type": "case", "dnr": "RUN-00386-2023", "status": "built",
                           "seconds": 0.4, "outputs": []})  # fmt: skip
        job.done.set()
        html = client.get("/arenden/RUN-00386-2023/forhandsgranskning").text
        assert "Paketet och manifestet byggs" not in html
        assert "forhandsgranskning/beslutsforslag.pdf" not in html
        assert "Faktakontrollen: godkänd" in html
    i18n.set_language(None)


def test_the_preview_page_is_told_of_its_build_s_next_event_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview page asks again with the build and the events it has shown; the answer
    comes as soon as the build has news (the documents checked), not at a next look, and
    without news after PREVIEW_WAIT seconds."""
    import threading
    import time

    from avtalsgen.web.routes import cases

    config = workspace(tmp_path / "ws")
    _pdf(config.data / "forhandsgranskning" / "RUN-00386-2023" / "beslutsforslag.pdf")
    i18n.set_language("sv")
    with TestClient(create_app(config)) as client:
        login(client, "lasare")
        runner: JobRunner = client.app.state.runner
        job = Job(99, "build", "handl", ["RUN-00386-2023"], state="running")
        runner.jobs[99] = job
        runner._event(job, {"type": "start"})
        html = client.get("/arenden/RUN-00386-2023/forhandsgranskning").text
        assert "Dokumenten byggs" in html
        found = re.search(r'hx-get="([^"]+)" hx-trigger="load"', html)
        assert found, html
        address = found.group(1).replace("&amp;", "&")
        assert address == "/arenden/RUN-00386-2023/forhandsgranskning?bygge=99&efter=1"
        checked = {"type": "checked", "dnr": "RUN-00386-2023",
                   "documents": ["beslutsforslag.pdf"]}  # fmt: skip
        told = threading.Timer(0.5, runner._event, (job, checked))
        started = time.monotonic()
        told.start()
        html = client.get(address).text
        seconds = time.monotonic() - started
        told.join()
        assert "Faktakontrollen: godkänd" in html
        assert 'src="/arenden/RUN-00386-2023/forhandsgranskning/beslutsforslag.pdf/sida/1"' in html
        assert 0.5 <= seconds < 5, seconds  # told of the event, not at the wait's end
        assert "efter=2" in html  # and asks for the next one
        # No news: the page as it is, after the wait.
        monkeypatch.setattr(cases, "PREVIEW_WAIT", 0.3)
        started = time.monotonic()
        html = client.get(address.replace("efter=1", "efter=2")).text
        assert time.monotonic() - started >= 0.3
        assert "Faktakontrollen: godkänd" in html
        # An older build's page is answered at once when a newer build has come.
        runner.jobs[100] = Job(100, "build", "handl", ["RUN-00386-2023"])
        started = time.monotonic()
        html = client.get(address.replace("efter=1", "efter=5")).text
        assert time.monotonic() - started < 0.3
        assert "bygge=100&amp;efter=0" in html
        # An ended build: at once, and the page stops asking.
        runner.jobs.pop(100)
        job.events.append({"type": "case", "dnr": "RUN-00386-2023", "status": "built",
                           "seconds": 0.4, "outputs": []})  # fmt: skip
        runner._finish(job)
        html = client.get(address.replace("efter=1", "efter=9")).text
        assert "hx-get" not in html.split('id="bygge"')[1].split(">")[0]
    i18n.set_language(None)


@pytest.mark.libreoffice
@needs_soffice
def test_a_build_hands_over_the_checked_pdfs_before_its_packet(tmp_path: Path) -> None:
    """The build's hook for the preview: each case's PDFs once they passed the fact check,
    before its packet is made and anything is placed, the first as soon as it alone has
    passed (while the other is converted); the web worker keeps them."""
    import pypdfium2

    from avtalsgen.build.batch import BuildOptions, build_cases
    from avtalsgen.build.outcome import CaseOutcome
    from avtalsgen.web import preview

    shutil.copytree(REPO / "cases", tmp_path / "cases")
    output = tmp_path / "output"
    events: list[str] = []
    texts: dict[str, str] = {}
    handed: list[list[str]] = []

    def on_checked(outcome: CaseOutcome, pdfs: Any) -> None:
        events.append("checked")
        assert not (output / "RUN-00386-2023" / "paket.pdf").exists(), "nothing placed yet"
        names = preview.keep(tmp_path / "kept" / str(outcome.dnr), pdfs)
        handed.append(names)
        for name in names:
            document = pypdfium2.PdfDocument(str(tmp_path / "kept" / str(outcome.dnr) / name))
            texts[name] = document[0].get_textpage().get_text_range()
            document.close()

    outcomes = build_cases(
        [tmp_path / "cases" / "RUN-00386-2023.yaml"], output,
        BuildOptions(templates=REPO / "templates"),
        on_outcome=lambda outcome: events.append(str(outcome.status)),
        on_checked=on_checked,
    )  # fmt: skip
    assert outcomes[0].error is None, outcomes[0].error
    assert events == ["checked", "checked", "built"]
    both = ["beslutsforslag.pdf", "samarbetsavtal.pdf"]
    assert len(handed[0]) == 1 and handed[0][0] in both and handed[1] == both, handed
    assert (output / "RUN-00386-2023" / "paket.pdf").is_file()
    assert all("RUN-00386-2023" in text for text in texts.values()), texts
    # The kept copies stay (the staging folder is gone); a new preview replaces them, and
    # a document the case no longer has goes.
    kept = tmp_path / "kept" / "RUN-00386-2023"
    assert sorted(p.name for p in kept.iterdir()) == ["beslutsforslag.pdf", "samarbetsavtal.pdf"]
    other = tmp_path / "other.pdf"
    _pdf(other)
    assert preview.keep(kept, {"beslutsforslag": other}) == ["beslutsforslag.pdf"]
    assert [p.name for p in kept.iterdir()] == ["beslutsforslag.pdf"]
    assert (kept / "beslutsforslag.pdf").read_bytes() == other.read_bytes()


def test_a_built_document_is_named_as_the_office_calls_it() -> None:
    from avtalsgen.web.routes.cases import document_title

    i18n.set_language("sv")
    try:
        assert document_title("beslutsforslag") == "Beslutsförslag"
        assert document_title("samarbetsavtal-v2") == "Samarbetsavtal, version 2"
        assert document_title("protokollsutdrag-212") == "Protokollsutdrag § 212"
        assert document_title("protokollsutdrag-212-v3") == "Protokollsutdrag § 212, version 3"
        assert document_title("tillaggsavtal-v4") == "Tilläggsavtal, version 4"
        assert document_title("paket-v2") == "Paket, version 2"
        assert document_title("bilaga-karta") == "bilaga-karta"  # not avtalsgen's: as it is
    finally:
        i18n.set_language(None)
